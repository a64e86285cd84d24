"""Ops that count values into bins or find their places in sorted rows:
DenseBincount (tf.compat.v1.bincount), HistogramFixedWidth, and LowerBound
and UpperBound (tf.searchsorted); and histogram_fixed_width_bins, built
from elementwise ops as TF builds it.

They are host ops (NumPy, between C plans): a bincount's length follows
from its input's values, and the others are rare.
"""

import numpy as np

from ..framework import dtypes, errors
from ..framework.dtype_sets import NUMERIC
from ..framework.graphdef_mapping import Attr, NodeMapping, TypeAttr
from ..framework.op_registry import NOT_DIFFERENTIABLE, Accepts, NoGradient, OpDef, register
from ..framework.tensor_shape import debug_string as _fmt
from . import samples
from .arguments import graph_of, make_op, scope_of, to_tensor
from .array_ops import identity, reshape, shape
from .elementwise import cast, floor, greater, maximum, minimum, multiply, subtract, truediv
from .indexing_ops import size
from .logging_ops import Assert
from .reduction_ops import reduce_max

__all__ = ["bincount", "histogram_fixed_width", "histogram_fixed_width_bins", "searchsorted"]
MATH = ["bincount"]

_INDEX_TYPES = (dtypes.int32, dtypes.int64)
_COUNT_TYPES = (dtypes.int32, dtypes.int64, dtypes.float32, dtypes.float64)


def _invalid(message):
    return errors.InvalidArgumentError(None, None, message)


def _host(reference):
    def host(ctx, op, values):
        return reference(values, op.attrs)
    return host


# ---- DenseBincount -------------------------------------------------------------

def dense_bincount_value(inputs, attrs):
    """TF's DenseBincount: how often each of 0 .. size-1 occurs in `input`
    (per row of a matrix), weighted by `weights` when it is not empty, or
    1 where it occurs at all when `binary_output`."""
    arr, size_, weights = (np.asarray(v) for v in inputs)
    if size_.ndim != 0:
        raise _invalid(f"Shape must be rank 0 but is rank {size_.ndim}")
    n = int(size_)
    if n < 0:
        raise _invalid(f"size ({n}) must be non-negative")
    if arr.ndim not in (1, 2):
        raise _invalid("Shape must be at most rank 2 but is rank " + str(arr.ndim))
    if weights.size and weights.shape != arr.shape:
        raise _invalid(f"`weights` must be the same shape as `arr` or a length-0 `Tensor`, "
                       f"in which case it acts as all weights equal to 1. Received "
                       f"{_fmt(weights.shape)}")
    if (arr < 0).any():
        raise _invalid("Input arr must be non-negative!")
    rows = arr.reshape(-1, arr.shape[-1]) if arr.ndim == 2 else arr.reshape(1, -1)
    wrows = weights.reshape(rows.shape) if weights.size else None
    out = np.zeros((rows.shape[0], n), weights.dtype)
    for r in range(rows.shape[0]):
        keep = rows[r] < n
        ids = rows[r][keep].astype(np.int64)
        if attrs.get("binary_output", False):
            out[r, np.unique(ids)] = 1
        elif wrows is None:
            out[r] = np.bincount(ids, minlength=n)[:n]
        else:
            w = wrows[r][keep]
            acc = np.zeros(n, np.float64 if w.dtype.kind == "f" else np.int64)
            np.add.at(acc, ids, w)
            out[r] = acc
    return [out if arr.ndim == 2 else out.reshape(n)]


def _dense_bincount_shape(ctx):
    arr, n = ctx.shapes[0], ctx.values[1]
    if arr is not None and len(arr) > 2:
        raise ValueError(f"Shape must be at most rank 2 but is rank {len(arr)}")
    if ctx.shapes[1] is not None and len(ctx.shapes[1]) != 0:
        raise ValueError(f"Shape must be rank 0 but is rank {len(ctx.shapes[1])}")
    length = None
    if n is not None:
        length = int(np.asarray(n))
        if length < 0:
            raise ValueError(f"size ({length}) must be non-negative")
    if arr is None:
        return [None]
    return [(length,) if len(arr) <= 1 else (arr[0], length)]


def _dense_bincount_samples(dtype):
    for index in _INDEX_TYPES:
        arr = np.abs(samples.values(index, (9,), 1))
        yield [arr, samples.known(np.array(6, index.np_dtype)), samples.values(dtype, (9,), 2)], \
            {"binary_output": False}
        yield [arr, samples.known(np.array(12, index.np_dtype)), np.zeros((0,), dtype.np_dtype)], \
            {"binary_output": False}
    arr = np.abs(samples.values(dtypes.int32, (3, 5), 3))
    yield [arr, samples.known(np.array(4, np.int32)), samples.values(dtype, (3, 5), 4)], \
        {"binary_output": False}
    yield [arr, samples.known(np.array(7, np.int32)), np.zeros((0,), dtype.np_dtype)], \
        {"binary_output": True}


register(OpDef("DenseBincount", shape=_dense_bincount_shape, dtype=lambda ctx: [ctx.dtypes[2]],
               reference=dense_bincount_value, host=_host(dense_bincount_value),
               dtypes=[Accepts("weights", _COUNT_TYPES, input=2),
                       Accepts("input", _INDEX_TYPES, input=0)],
               samples=_dense_bincount_samples,
               gradient=NoGradient("TensorFlow registers no gradient for DenseBincount"),
               graphdef=NodeMapping(("input", "size", "weights"),
                                    [TypeAttr("Tidx", input=0), TypeAttr("T", input=2),
                                     Attr("binary_output", default=False)])))


def bincount(arr, weights=None, minlength=None, maxlength=None, dtype=dtypes.int32, name=None,
             axis=None, binary_output=False):
    """Counts the number of occurrences of each value in an integer array.

    If `minlength` and `maxlength` are not given, returns a vector with
    length `tf.reduce_max(arr) + 1` if `arr` is non-empty, and length 0
    otherwise. If `weights` are non-None, then index `i` of the output
    stores the sum of the value in `weights` at each index where the
    corresponding value in `arr` is `i`. Values of `arr` at or above the
    output's length are not counted.

    Returns a vector with the same dtype as `weights` or the given `dtype`.
    """
    del name  # TF1's bincount names its scope "bincount" whatever it is given.
    graph, scope = scope_of([arr, weights], None, "bincount")
    with graph.as_default(), scope:
        arr = to_tensor(graph, arr, name="arr")
        if weights is not None:
            weights = to_tensor(graph, weights, name="weights")
        if weights is not None and binary_output:
            raise ValueError("Arguments `binary_output` and `weights` are mutually exclusive. "
                             "Please specify only one.")
        if not arr.dtype.is_integer:
            arr = cast(arr, dtypes.int32)
        if axis is None:
            axis = 0
        if axis not in (0, -1):
            raise ValueError(f"Unsupported value for argument axis={axis}. Only 0 and -1 are "
                             "currently supported.")
        nonempty = greater(size(arr), 0)
        rank = arr.shape.rank
        top = reduce_max(arr, list(range(rank)) if rank is not None else None)
        output_size = multiply(cast(nonempty, arr.dtype), top + 1)
        if minlength is not None:
            output_size = maximum(to_tensor(graph, minlength, dtype=arr.dtype, name="minlength"),
                                  output_size)
        if maxlength is not None:
            output_size = minimum(to_tensor(graph, maxlength, dtype=arr.dtype, name="maxlength"),
                                  output_size)
        if axis == 0:
            if weights is not None:
                weights = reshape(weights, [-1])
            arr = reshape(arr, [-1])
        if weights is None:
            weights = to_tensor(graph, np.zeros((0,), dtypes.as_dtype(dtype).np_dtype))
        return make_op(graph, "DenseBincount", [arr, output_size, weights],
                       {"binary_output": bool(binary_output)}, name="DenseBincount").outputs[0]


# ---- HistogramFixedWidth ---------------------------------------------------------

def histogram_value(inputs, attrs):
    """TF's HistogramFixedWidth: counts of `values` in `nbins` equal bins
    over `value_range`, values outside going to the first or last bin."""
    values, value_range, nbins = (np.asarray(v) for v in inputs)
    n = int(nbins)
    if n <= 0:
        raise _invalid(f"nbins should be a positive number, but got '{n}'")
    lo, hi = value_range.reshape(-1)[:2]
    if not lo < hi:
        raise _invalid(f"value_range should satisfy value_range[0] < value_range[1], but got "
                       f"'[{_num(lo)}, {_num(hi)}]'")
    step = (float(hi) - float(lo)) / n
    shifted = (np.maximum(values, lo) - lo).astype(np.float64).reshape(-1)
    bins = np.minimum(shifted / step, n - 1).astype(np.int64)
    return [np.bincount(bins, minlength=n).astype(attrs["dtype"].np_dtype)]


def _num(v):
    return f"{v:g}" if isinstance(v, (float, np.floating)) else str(v)


def _histogram_shape(ctx):
    r, nbins = ctx.shapes[1], ctx.values[2]
    if r is not None and len(r) != 1:
        raise ValueError(f"Shape must be rank 1 but is rank {len(r)}")
    if ctx.shapes[2] is not None and len(ctx.shapes[2]) != 0:
        raise ValueError(f"Shape must be rank 0 but is rank {len(ctx.shapes[2])}")
    if nbins is None:
        return [(None,)]
    n = int(np.asarray(nbins))
    if n <= 0:
        raise ValueError(f"Requires nbins > 0: {n}")
    return [(n,)]


def _histogram_samples(dtype):
    for out in _INDEX_TYPES:
        yield [samples.values(dtype, (4, 5), 1), np.array([-2, 2], dtype.np_dtype),
               samples.known(np.array(5, np.int32))], {"dtype": out}
    yield [samples.values(dtype, (7,), 2), np.array([0, 3], dtype.np_dtype),
           samples.known(np.array(3, np.int32))], {"dtype": dtypes.int32}


register(OpDef("HistogramFixedWidth", shape=_histogram_shape, dtype=lambda ctx: [ctx.attrs["dtype"]],
               reference=histogram_value, host=_host(histogram_value),
               dtypes=[Accepts("values", _COUNT_TYPES), Accepts("dtype", _INDEX_TYPES,
                                                                 attr="dtype")],
               samples=_histogram_samples, gradient=NOT_DIFFERENTIABLE,
               graphdef=NodeMapping(("values", "value_range", "nbins"),
                                    [TypeAttr("T", input=0), Attr("dtype")])))


def histogram_fixed_width(values, value_range, nbins=100, dtype=dtypes.int32, name=None):
    """Return histogram of values.

    Given the tensor `values`, this operation returns a rank 1 histogram
    counting the number of entries in `values` that fell into every bin.
    The bins are equal width and determined by the arguments `value_range`
    and `nbins`: values <= value_range[0] go to the first bin, values >=
    value_range[1] to the last.
    """
    graph, scope = scope_of([values, value_range, nbins], name, "histogram_fixed_width")
    with graph.as_default(), scope as op_name:
        x = to_tensor(graph, values)
        r = to_tensor(graph, value_range, dtype=x.dtype, name="value_range")
        n = to_tensor(graph, nbins, dtype=dtypes.int32, name="nbins")
    return make_op(graph, "HistogramFixedWidth", [x, r, n], {"dtype": dtypes.as_dtype(dtype)},
                   name=op_name).outputs[0]


def histogram_fixed_width_bins(values, value_range, nbins=100, dtype=dtypes.int32, name=None):
    """Bins the given values for use in a histogram.

    Given the tensor `values`, this operation returns a rank 1 `Tensor`
    representing the indices of a histogram into which each element of
    `values` would be binned. The bins are equal width and determined by
    the arguments `value_range` and `nbins`. The result is int32 (TF's,
    whatever `dtype` says).
    """
    del dtype
    graph, scope = scope_of([values, value_range, nbins], name, "histogram_fixed_width_bins")
    with graph.as_default(), scope:
        values = to_tensor(graph, values, name="values")
        values_shape = shape(values)
        values = reshape(values, [-1])
        value_range = to_tensor(graph, value_range, dtype=values.dtype, name="value_range")
        nbins = to_tensor(graph, nbins, dtype=dtypes.int32, name="nbins")
        check = Assert(greater(nbins, 0), [f"nbins {nbins} must > 0"])
        with graph.control_dependencies([check]):
            nbins = identity(nbins, name="control_dependency")
        nbins_float = cast(nbins, values.dtype)
        scaled = truediv(subtract(values, value_range[0]),
                         subtract(value_range[1], value_range[0]), name="scaled_values")
        indices = floor(multiply(nbins_float, scaled), name="indices")
        clipped = maximum(minimum(indices, subtract(nbins_float, 1)), 0)
        return reshape(cast(clipped, dtypes.int32), values_shape)


# ---- LowerBound, UpperBound ----------------------------------------------------------

def _bound_value(side):
    def reference(inputs, attrs):
        seq, vals = (np.asarray(v) for v in inputs)
        if seq.ndim != 2 or vals.ndim != 2:
            raise _invalid("Shape must be rank 2")
        if seq.shape[0] != vals.shape[0]:
            raise _invalid("Leading dim_size of both tensors must match.")
        out = np.empty(vals.shape, attrs["out_type"].np_dtype)
        for r in range(seq.shape[0]):
            out[r] = np.searchsorted(seq[r], vals[r], side=side)
        return [out]
    return reference


def _bound_shape(ctx):
    seq, vals = ctx.shapes
    for s in (seq, vals):
        if s is not None and len(s) != 2:
            raise ValueError(f"Shape must be rank 2 but is rank {len(s)}")
    if seq is not None and vals is not None and None not in (seq[0], vals[0]) and \
            seq[0] != vals[0]:
        raise ValueError(f"Dimensions must be equal, but are {seq[0]} and {vals[0]}")
    if vals is None:
        return [(None if seq is None else seq[0], None)]
    return [(vals[0] if vals[0] is not None else (seq[0] if seq else None), vals[1])]


def _bound_samples(dtype):
    for i, (b, n, m) in enumerate(((1, 6, 4), (3, 5, 7), (2, 0, 3), (2, 4, 0))):
        seq = np.sort(samples.values(dtype, (b, n), i), axis=1)
        for out in _INDEX_TYPES:
            yield [seq, samples.values(dtype, (b, m), i + 10)], {"out_type": out}


for _type, _side in (("LowerBound", "left"), ("UpperBound", "right")):
    register(OpDef(_type, shape=_bound_shape, dtype=lambda ctx: [ctx.attrs["out_type"]],
                   reference=_bound_value(_side), host=_host(_bound_value(_side)),
                   dtypes=[Accepts("sorted_inputs", NUMERIC),
                           Accepts("out_type", _INDEX_TYPES, attr="out_type")],
                   samples=_bound_samples, gradient=NOT_DIFFERENTIABLE,
                   graphdef=NodeMapping(("sorted_inputs", "values"),
                                        [TypeAttr("T", input=0),
                                         Attr("out_type", default=dtypes.int32)])))


def searchsorted(sorted_sequence, values, side="left", out_type=dtypes.int32, name=None):
    """Searches for where a value would go in a sorted sequence.

    This is not a method for checking containment (like python `in`). The
    typical use case for this operation is "binning", "bucketing", or
    "discretizing". The `values` are assigned to bucket-indices based on the
    edges listed in `sorted_sequence`, searched along the innermost axis:
    `side="left"` gives the first index i with `values <= sorted_sequence[i]`
    (LowerBound), `side="right"` the first with `values < sorted_sequence[i]`
    (UpperBound).
    """
    graph = graph_of([sorted_sequence, values])
    with graph.as_default():
        seq = to_tensor(graph, sorted_sequence)
        vals = to_tensor(graph, values)
        seq_size = shape(seq)[-1]
        vals_size = shape(vals)[-1]
        seq_2d = reshape(seq, [-1, seq_size])
        vals_2d = reshape(vals, [-1, vals_size])
        if side == "right":
            op_type = "UpperBound"
        elif side == "left":
            op_type = "LowerBound"
        else:
            raise ValueError("Argument `side` must be either 'right' or 'left'. Received: "
                             f"`side` = '{side}'.")
        out = make_op(graph, op_type, [seq_2d, vals_2d], {"out_type": dtypes.as_dtype(out_type)},
                      name=name or op_type).outputs[0]
        return reshape(out, shape(vals))
