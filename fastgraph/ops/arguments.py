"""How the op functions turn their arguments into graph inputs: the graph
they belong to, tensors made from Python values, and the op added to that
graph (shared by every family). The dtype sets and `check_dtype` are in
framework/dtype_sets.py."""

from ..framework.constant_op import convert_to_tensor
from ..framework.graph import Tensor, get_default_graph

__all__ = ["graph_of", "to_tensor", "to_tensors_like", "make_op", "scope_of", "tensor_or_constant"]


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
    """`value` as a Tensor of `graph` (constants are created there).

    A constant made from a Python or NumPy value without a `name` is named
    by the op it is passed to (`Sub/y`, `Reshape/shape`), as TF names the
    operands it converts."""
    with graph.as_default():
        t = convert_to_tensor(value, dtype=dtype, name=name)
    if name is None and t.op.type == "Const" and not _is_graph_element(value):
        graph._mark_argument_const(t.op)
    return t


def _is_graph_element(value):
    return isinstance(value, Tensor) or hasattr(value, "_as_graph_element")


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


def make_op(graph, op_type, inputs, attrs=None, name=None):
    """Adds the op to `graph` and returns its Operation."""
    return graph.create_op(op_type, inputs, attrs or {}, name=name)


def scope_of(values, name, default):
    """The graph of `values` and a name scope there (`name`, else `default`):
    what a function built from several ops opens first, as TF's do."""
    graph = graph_of(values)
    return graph, graph.name_scope(name or default)


def tensor_or_constant(graph, value, name=None, dtype=None):
    """`value` itself if it is a Tensor, else a constant of `graph` made from it."""
    if isinstance(value, Tensor):
        return value
    return to_tensor(graph, value, dtype=dtype, name=name)
