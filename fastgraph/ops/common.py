"""How the op functions turn arguments into graph inputs (shared by every family)."""

from ..framework import dtypes
from ..framework.constant_op import convert_to_tensor
from ..framework.graph import Tensor, get_default_graph
from ..framework.op_registry import dtype_not_allowed

__all__ = ["graph_of", "to_tensor", "to_tensors_like", "check_dtype", "make_op", "NUMERIC",
           "FLOATS", "INTS", "SIGNED", "ALL"]

INTS = (dtypes.uint8, dtypes.int8, dtypes.int16, dtypes.int32, dtypes.int64)
FLOATS = (dtypes.float32, dtypes.float64)
NUMERIC = INTS + FLOATS
SIGNED = (dtypes.int8, dtypes.int16, dtypes.int32, dtypes.int64) + FLOATS
ALL = (dtypes.bool,) + NUMERIC


def _as_tensor_or_none(value):
    if isinstance(value, Tensor):
        return value
    if hasattr(value, "_as_graph_element") and hasattr(value, "dtype"):
        return convert_to_tensor(value)
    return None


def graph_of(values):
    """The graph of the first tensor among `values`, else the default graph.

    Raises ValueError when tensors of two graphs are mixed.
    """
    graph = None
    for v in values:
        t = _as_tensor_or_none(v)
        if t is None:
            continue
        if graph is None:
            graph = t.graph
        elif t.graph is not graph:
            raise ValueError(f"Tensor {t.name} must be from the same graph as the other inputs.")
    return graph or get_default_graph()


def to_tensor(graph, value, dtype=None, name=None):
    """`value` as a Tensor of `graph` (constants are created there)."""
    with graph.as_default():
        return convert_to_tensor(value, dtype=dtype, name=name)


def to_tensors_like(values, op_type, arg_names=("x", "y")):
    """Converts `values` that share one dtype, as TF's type attr `T`: Python
    values take the dtype of the first tensor; two tensors must agree."""
    graph = graph_of(values)
    tensors = [_as_tensor_or_none(v) for v in values]
    dtype = next((t.dtype for t in tensors if t is not None), None)
    out = []
    first_name = None
    for v, t, arg in zip(values, tensors, arg_names):
        if t is None:
            t = to_tensor(graph, v, dtype=dtype)
            dtype = dtype or t.dtype
        elif t.dtype != dtype:
            raise TypeError(f"Input '{arg}' of '{op_type}' Op has type {t.dtype.name} that does "
                            f"not match type {dtype.name} of argument '{first_name}'.")
        if first_name is None:
            first_name = arg
        out.append(t)
    return graph, out


def check_dtype(tensor, allowed, op_type, arg="x"):
    """Raises TypeError, as TF does, if `tensor`'s dtype is not in `allowed`."""
    if tensor.dtype not in allowed:
        raise dtype_not_allowed(arg, tensor.dtype, allowed)


def make_op(graph, op_type, inputs, attrs=None, name=None):
    """Adds the op to `graph` and returns its Operation."""
    return graph.create_op(op_type, inputs, attrs or {}, name=name)
