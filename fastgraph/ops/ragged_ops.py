"""The ops ragged results are built from: Bincount (row lengths from value
row ids, as TF's segment_ids_to_row_splits counts them) and
RaggedTensorToTensor (a ragged tensor padded to a dense one).

Both run on the host (`OpDef.host`): their output shapes follow from
their inputs' values. The RaggedTensor class is in `fastgraph/api/ragged.py`.
"""

import numpy as np

from ..framework import dtypes, errors
from ..framework.graphdef_mapping import Attr, InputList, NodeMapping, TypeAttr
from ..framework.op_registry import NOT_DIFFERENTIABLE, Accepts, OpDef, register
from ..framework.dtype_sets import WITH_STRING
from . import samples

__all__ = []


def _host(reference):
    def host(ctx, op, values):
        return reference(values, op.attrs)
    return host


def bincount_value(inputs, attrs):
    """TF's Bincount: how often each of 0 .. size-1 occurs in `arr` (values
    outside are not counted), weighted by `weights` when it is not empty."""
    arr, size, weights = (np.asarray(v) for v in inputs)
    size = int(size)
    if size < 0:
        raise errors.InvalidArgumentError(None, None,
                                          f"size ({size}) must be non-negative")
    flat = arr.reshape(-1).astype(np.int64)
    if (flat < 0).any():
        raise errors.InvalidArgumentError(None, None, "Input arr must be non-negative!")
    keep = flat < size
    w = None if weights.size == 0 else weights.reshape(-1)[keep]
    out = np.bincount(flat[keep], weights=w, minlength=size)[:size]
    return [out.astype(weights.dtype)]


def _bincount_samples(dtype):
    for seed, size in ((1, 5), (2, 0), (3, 12)):
        arr = np.abs(samples.values(dtypes.int32, (9,), seed))
        yield [arr, samples.known(np.array(size, np.int32)), samples.values(dtype, (9,), seed)], {}
    yield [np.array([0, 2, 2], np.int32), samples.known(np.array(3, np.int32)),
           np.zeros((0,), dtype.np_dtype)], {}


def _bincount_shape(ctx):
    size = ctx.values[1]
    return [(None if size is None else int(size),)]


register(OpDef("Bincount", shape=_bincount_shape, dtype=lambda ctx: [ctx.dtypes[2]],
               reference=bincount_value, host=_host(bincount_value),
               dtypes=[Accepts("weights", (dtypes.int32, dtypes.int64, dtypes.float32,
                                           dtypes.float64), input=2)],
               samples=_bincount_samples, gradient=NOT_DIFFERENTIABLE,
               graphdef=NodeMapping(("arr", "size", "weights"), [TypeAttr("T", input=2)])))


def ragged_to_dense_value(inputs, attrs):
    """TF's RaggedTensorToTensor of a ragged tensor of one ROW_SPLITS
    partition: rows padded with `default_value` to the longest, or cut and
    padded to `shape` where it is given (a vector of the result's rank, -1
    meaning the natural size; a scalar -1 for none)."""
    shape, values, default, splits = (np.asarray(v) for v in inputs[:4])
    types = [t.decode() if isinstance(t, bytes) else t for t in attrs["row_partition_types"]]
    if types != ["ROW_SPLITS"]:
        raise NotImplementedError(f"RaggedTensorToTensor with row partitions {types}; "
                                  "fastgraph takes one ROW_SPLITS partition")
    splits = splits.astype(np.int64)
    nrows = len(splits) - 1
    width = int(np.diff(splits).max()) if nrows > 0 else 0
    natural = [nrows, width] + list(values.shape[1:])
    if shape.ndim == 1:
        want = [int(d) for d in shape]
        if len(want) != len(natural):
            raise errors.InvalidArgumentError(
                None, None, f"rt_input.shape and shape={want} are incompatible: rt_input.rank "
                            f"= {len(natural)} but shape.rank = {len(want)}")
        out_shape = [n if w < 0 else w for w, n in zip(want, natural)]
    else:
        out_shape = natural
    out = np.empty(out_shape, dtype=values.dtype)
    out[...] = default
    inner = tuple(slice(0, min(a, b)) for a, b in zip(out_shape[2:], natural[2:]))
    for i in range(min(nrows, out_shape[0])):
        row = values[splits[i]:splits[i + 1]][:out_shape[1]]
        out[(i, slice(0, len(row))) + inner] = row[(slice(None),) + inner]
    return [out]


def _to_dense_samples(dtype):
    values = samples.values(dtype, (6,), 1)
    splits = samples.known(np.array([0, 2, 2, 6], np.int64))
    default = samples.values(dtype, (), 2)
    attrs = {"row_partition_types": ["ROW_SPLITS"]}
    yield [samples.known(np.array(-1, np.int64)), values, default, splits], attrs
    yield [samples.known(np.array([2, 3], np.int64)), values, default, splits], attrs
    yield [samples.known(np.array([4, -1, 2], np.int64)), samples.values(dtype, (6, 2), 3),
           default, splits], attrs


def _to_dense_shape(ctx):
    values = ctx.shapes[1]
    inner = () if values is None else tuple(values[1:])
    shape = ctx.values[0]
    if shape is not None and np.asarray(shape).ndim == 1:
        dims = [None if int(d) < 0 else int(d) for d in np.asarray(shape)]
        if len(dims) != 2 + len(inner):
            raise ValueError(f"rt_input.shape and shape are incompatible: rt_input.rank = "
                             f"{2 + len(inner)} but shape.rank = {len(dims)}")
        return [tuple(dims[:2]) + tuple(i if d is None else d for d, i in zip(dims[2:], inner))]
    return [(None, None) + inner]


register(OpDef("RaggedTensorToTensor", shape=_to_dense_shape, dtype=lambda ctx: [ctx.dtypes[1]],
               reference=ragged_to_dense_value, host=_host(ragged_to_dense_value),
               dtypes=[Accepts("values", WITH_STRING, input=1)], samples=_to_dense_samples,
               gradient=NOT_DIFFERENTIABLE,
               graphdef=NodeMapping(("shape", "values", "default_value",
                                     InputList("row_partition_tensors",
                                               count_attr="num_row_partition_tensors")), [
                   TypeAttr("T", input=1), TypeAttr("Tindex", input=3),
                   TypeAttr("Tshape", input=0), Attr("row_partition_types")])))
