"""Sparse ops: SparseToDense (`tf.sparse.to_dense`, TF1's
`tf.sparse_tensor_to_dense` and `tf.sparse_to_dense`), computed on the host
from its NumPy reference (its values may be strings: VarLenFeatures of
bytes), and the `tf.SparseTensor` names."""

import numpy as np

from ..framework import dtypes, errors

from ..framework.graphdef_mapping import Attr, NodeMapping, TypeAttr
from ..framework.op_registry import Accepts, OpDef, RegisterGradient, register
from ..framework.sparse_tensor import SparseTensor, SparseTensorValue
from . import samples
from .arguments import graph_of, to_tensor
from .array_ops import reshape
from .indexing_ops import gather_nd, zeros_like
from .io_ops import string_tensor
from .reduction_ops import reduce_sum

__all__ = ["SparseTensor", "SparseTensorValue", "sparse_tensor_to_dense", "sparse_to_dense"]
SPARSE = ["SparseTensor", "to_dense"]


def _index_text(index):
    return "[" + ",".join(str(int(i)) for i in index) + "]"


def sparse_to_dense_value(inputs, attrs):
    """The dense array of shape `output_shape` holding `sparse_values` at
    `sparse_indices` and `default_value` elsewhere, with TF's checks."""
    indices, shape, values, default = (np.asarray(v) for v in inputs)
    shape = shape.reshape(-1).astype(np.int64)
    if indices.ndim > 2:
        raise errors.InvalidArgumentError(
            None, None, f"sparse_indices should be a scalar, vector, or matrix, got shape "
                        f"{_index_text(indices.shape)}")
    idx = indices.reshape(-1, 1) if indices.ndim < 2 else indices
    n, rank = idx.shape
    if rank != shape.size:
        raise errors.InvalidArgumentError(
            None, None, f"sparse_indices.shape[1] ({rank}) must equal output_shape.size "
                        f"({shape.size}) ")  # TF's trailing space
    if values.ndim > 1 or (values.ndim == 1 and values.shape[0] != n):
        raise errors.InvalidArgumentError(
            None, None, f"sparse_values has incorrect shape {_index_text(values.shape)}, "
                        f"should be [] or [{n}]")
    if default.ndim != 0:
        raise errors.InvalidArgumentError(None, None, "default_value should be a scalar.")
    if (shape < 0).any():
        raise errors.InvalidArgumentError(None, None, "output_shape has negative dimensions")
    out = np.full(tuple(int(d) for d in shape), default[()], dtype=default.dtype)
    vals = np.broadcast_to(values, (n,))
    for i in range(n):
        where = idx[i]
        if ((where < 0) | (where >= shape)).any():
            raise errors.InvalidArgumentError(
                None, None, f"indices[{i}] = {_index_text(where)} is out of bounds: need 0 <= "
                            f"index < {_index_text(shape)}")
        if attrs.get("validate_indices", True) and i > 0:
            prev = tuple(int(v) for v in idx[i - 1])
            cur = tuple(int(v) for v in where)
            if cur < prev:
                raise errors.InvalidArgumentError(
                    None, None, f"indices[{i}] = {_index_text(where)} is out of order. Many "
                                "sparse ops require sorted indices.\n    Use "
                                "`tf.sparse.reorder` to create a correctly ordered copy.\n\n")
            if cur == prev:
                raise errors.InvalidArgumentError(
                    None, None, f"indices[{i}] = {_index_text(where)} is repeated")
        out[tuple(int(v) for v in where)] = vals[i]
    return out


def _shape(ctx):
    known = ctx.values[1]
    if known is not None:
        return [tuple(int(d) for d in np.asarray(known).reshape(-1))]
    n = ctx.shapes[1]
    if n is None or not n or n[0] is None:
        return [None]
    return [(None,) * n[0]]


def _samples(dtype):
    idx = samples.known(np.array([[0, 1], [1, 0], [2, 3]], np.int64))
    yield [idx, samples.known(np.array([3, 4], np.int64)),
           samples.values(dtype, (3,), 1), samples.values(dtype, (), 2)], \
        {"validate_indices": True}
    yield [samples.known(np.array([1, 3], np.int32)), samples.known(np.array([5], np.int32)),
           samples.values(dtype, (), 3), samples.values(dtype, (), 4)], \
        {"validate_indices": False}


register(OpDef("SparseToDense", shape=_shape, dtype=lambda ctx: [ctx.dtypes[2]],
               host=lambda ctx, op, values: [sparse_to_dense_value(values, op.attrs)],
               reference=lambda inputs, attrs: [sparse_to_dense_value(inputs, attrs)],
               dtypes=[Accepts("sparse_indices", (dtypes.int32, dtypes.int64), input=0)], samples=_samples,
               graphdef=NodeMapping(
                   ("sparse_indices", "output_shape", "sparse_values", "default_value"),
                   [Attr("validate_indices", default=True), TypeAttr("T", input=2),
                    TypeAttr("Tindices", input=0)])))


@RegisterGradient("SparseToDense")
def _sparse_to_dense_grad(op, grad):
    """TF's: the values get the gradient at their indices, the default
    value the rest of it."""
    indices, shape, values, _ = op.inputs
    at = indices if indices.shape.rank == 2 else reshape(indices, [-1, 1])
    picked = gather_nd(grad, at)
    values_grad = picked if values.shape.rank != 0 else reduce_sum(picked)
    default_grad = reduce_sum(grad) - reduce_sum(picked)
    return [zeros_like(indices), zeros_like(shape), values_grad, default_grad]


def sparse_to_dense(sparse_indices, output_shape, sparse_values, default_value=0,
                    validate_indices=True, name=None):
    """Converts a sparse representation into a dense tensor.

    Builds an array `dense` with shape `output_shape` such that
    `dense[sparse_indices[i]] = sparse_values[i]` and all other values are
    `default_value`. With `validate_indices` the indices must be sorted in
    lexicographic order without repeats (InvalidArgumentError otherwise).
    """
    graph = graph_of([sparse_indices, output_shape, sparse_values, default_value])
    values = to_tensor(graph, sparse_values)
    indices = to_tensor(graph, sparse_indices)
    shape = to_tensor(graph, output_shape, dtype=indices.dtype)
    default = to_tensor(graph, default_value, dtype=values.dtype)
    return graph.create_op("SparseToDense", [indices, shape, values, default],
                           {"validate_indices": bool(validate_indices)},
                           name=name or "SparseToDense").outputs[0]


def to_dense(sp_input, default_value=None, validate_indices=True, name=None):
    """Converts a `SparseTensor` into a dense tensor.

    The dense tensor has `sp_input.dense_shape`, `sp_input.values` at
    `sp_input.indices` and `default_value` (zero, or the empty string for
    strings, when None) elsewhere.
    """
    if not isinstance(sp_input, SparseTensor):
        raise TypeError("Input must be a SparseTensor.")
    if default_value is None:
        default_value = np.array(b"", dtype=object) if sp_input.dtype == dtypes.string else \
            np.zeros((), sp_input.dtype.np_dtype)
    if sp_input.dtype == dtypes.string and not hasattr(default_value, "dtype"):
        default_value = np.array(default_value.encode() if isinstance(default_value, str)
                                 else default_value, dtype=object)
    if isinstance(default_value, np.ndarray) and default_value.dtype == object:
        default_value = string_tensor(sp_input.graph, default_value, "default_value")
    return sparse_to_dense(sp_input.indices, sp_input.dense_shape, sp_input.values,
                           default_value=default_value, validate_indices=validate_indices,
                           name=name or "SparseToDense")


sparse_tensor_to_dense = to_dense
