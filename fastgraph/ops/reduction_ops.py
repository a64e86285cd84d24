"""Reductions (sum, mean, max, ... over axes, with keepdims), argmax and
argmin, cumulative sums and products. The functions composed from them
(reduce_logsumexp, moments, batch_normalization, l2_normalize) are TF API, in
`fastgraph/api/` (math_ops, nn_impl)."""

import numpy as np

from ..framework import dtypes
from ..framework.dtype_sets import ALL, NUMERIC
from ..framework.graph import Tensor
from ..framework.graphdef_mapping import Attr, AttrInput, NodeMapping, TypeAttr, int_scalar
from ..framework.op_registry import Accepts, AttrFromInput, NotDifferentiable, OpDef, \
    RegisterGradient, register
from . import array_ops, elementwise, samples
from .arguments import graph_of, make_op, to_tensor

__all__ = ["reduce_sum", "reduce_mean", "reduce_max", "reduce_min", "reduce_prod",
           "reduce_all", "reduce_any", "argmax", "argmin", "cumsum", "cumprod"]
MATH = list(__all__)
__all__ += ["arg_max", "arg_min"]  # TF1's root names only

_BOOL = (dtypes.bool,)


def reduction_axes(axis, rank):
    """Normalised sorted reduction axes; ValueError in TF's words if one is out of range."""
    if axis is None:
        return tuple(range(rank))
    items = np.asarray(axis).reshape(-1).tolist()
    out = set()
    for a in items:
        a = int(a)
        if not -rank <= a < max(rank, 1) or (rank == 0 and a not in (0, -1)):
            raise ValueError(f"Invalid reduction dimension {a} for input with {rank} dimensions.")
        if rank and a % rank in out:
            raise ValueError("Invalid reduction arguments: Axes contains duplicate dimension: "
                             f"{a % rank}")
        out.add(a % rank if rank else 0)
    return tuple(sorted(a for a in out if a < rank))


def _reduce_shape(ctx):
    shape = ctx.shapes[0]
    if shape is None:
        return [None]
    axes = reduction_axes(ctx.attrs["axis"], len(shape))
    if ctx.attrs["keepdims"]:
        return [tuple(1 if i in axes else d for i, d in enumerate(shape))]
    return [tuple(d for i, d in enumerate(shape) if i not in axes)]


def _reduce_lower(ctx):
    shape = ctx.shapes[0]
    axes = set(reduction_axes(ctx.attrs["axis"], len(shape)))
    dims = [(d, i in axes) for i, d in enumerate(shape) if d != 1]
    merged = []
    for d, red in dims:
        if merged and merged[-1][1] == red:
            merged[-1][0] *= d
        else:
            merged.append([d, red])
    if not merged:
        merged = [[1, False]]
    return [len(merged)] + [d for d, _ in merged] + [int(r) for _, r in merged], None


_NP_REDUCERS = {
    "Sum": np.sum, "Prod": np.prod, "Max": np.max, "Min": np.min, "Mean": None,
    "All": np.all, "Any": np.any,
}


def _mean(x, axis, keepdims):
    n = int(np.prod([x.shape[a] for a in axis], dtype=np.int64)) if axis else 1
    if x.dtype.kind in "iu":
        # TF sums small ints without overflow (in int64 here), then divides
        # truncating toward zero.
        total = np.sum(x, axis=axis, keepdims=keepdims, dtype=np.int64)
        q = np.abs(total) // max(n, 1)
        return np.where(total < 0, -q, q).astype(x.dtype)
    with np.errstate(all="ignore"):
        return (np.sum(x, axis=axis, keepdims=keepdims, dtype=np.float64) / n).astype(x.dtype)


def _all_axes(axis, op):
    """The reduction_indices tensor of fastgraph's axis (None: every axis)."""
    return list(range(op.inputs[0].shape.rank)) if axis is None else axis


_REDUCE_NODE = NodeMapping(
    ("input", AttrInput("reduction_indices", "axis", type_attr="Tidx", deferred=True,
                        encode=_all_axes, decode=lambda v: np.asarray(v).tolist())),
    [TypeAttr("T", input=0), Attr("keep_dims", "keepdims", default=False)])
_BOOL_REDUCE_NODE = NodeMapping(_REDUCE_NODE.inputs, _REDUCE_NODE.attrs[1:])


def _register_reduce(op_type, kernel, allowed):
    def reference(inputs, attrs):
        x = inputs[0]
        axis = reduction_axes(attrs["axis"], x.ndim)
        if op_type == "Mean":
            return [_mean(x, axis, attrs["keepdims"])]
        if op_type in ("Max", "Min") and x.size == 0:
            fill = {("Max", "f"): -np.inf, ("Min", "f"): np.inf}.get(
                (op_type, x.dtype.kind),
                np.iinfo(x.dtype).min if op_type == "Max" and x.dtype.kind in "iu"
                else np.iinfo(x.dtype).max if x.dtype.kind in "iu" else 0)
            shape = _reduce_shape(_Ctx([x.shape], attrs))[0]
            return [np.full(shape, fill, dtype=x.dtype)]
        out = _NP_REDUCERS[op_type](x, axis=axis, keepdims=attrs["keepdims"])
        return [np.asarray(out, dtype=x.dtype)]

    register(OpDef(op_type, shape=_reduce_shape, dtype=lambda ctx: [ctx.dtypes[0]],
                   kernel=kernel, lower=_reduce_lower, reference=reference, parallel=True,
                   dtypes=[Accepts("input", allowed)],
                   samples=samples.reduce,
                   graphdef=_BOOL_REDUCE_NODE if allowed == _BOOL else _REDUCE_NODE))
    return op_type


class _Ctx:
    def __init__(self, shapes, attrs):
        self.shapes = shapes
        self.attrs = attrs


_SUM = _register_reduce("Sum", "reduce_sum", NUMERIC)
_PROD = _register_reduce("Prod", "reduce_prod", NUMERIC)
_MAX = _register_reduce("Max", "reduce_max", NUMERIC)
_MIN = _register_reduce("Min", "reduce_min", NUMERIC)
_MEAN = _register_reduce("Mean", "reduce_mean", NUMERIC)
_ALL = _register_reduce("All", "reduce_all", _BOOL)
_ANY = _register_reduce("Any", "reduce_any", _BOOL)


def _static_axis(axis, what="axis"):
    """A Python value for `axis` (constant tensors are read)."""
    if isinstance(axis, Tensor):
        value = axis.op.get_attr("value") if axis.op.type == "Const" else None
        if value is None:
            raise NotImplementedError(f"{what} must be known when the graph is built")
        return value.tolist()
    return axis


def _reduce(op_type, input_tensor, axis, keepdims, name, keep_dims=None, reduction_indices=None):
    if reduction_indices is not None:
        axis = reduction_indices
    if keep_dims is not None:
        keepdims = keep_dims
    graph = graph_of([input_tensor])
    x = to_tensor(graph, input_tensor)
    inputs = [x]
    if axis is None and x.shape.rank is None:
        # TF reduces over range(0, rank(x)) when the rank is unknown: the
        # axes are known once the plan is compiled for fed shapes.
        rank = make_op(graph, "Rank", [x], {}, name="Rank").outputs[0]
        with graph.name_scope("range"):
            start = to_tensor(graph, 0, dtype=dtypes.int32, name="start")
            delta = to_tensor(graph, 1, dtype=dtypes.int32, name="delta")
        axis = make_op(graph, "Range", [start, rank, delta], {"Tidx": dtypes.int32},
                       name="range").outputs[0]
    if isinstance(axis, Tensor) and axis.op.type != "Const":
        # `tf.range(tf.rank(x) - 1)` and friends: known when the plan is compiled.
        inputs.append(axis)
        axis = AttrFromInput(1, lambda v: np.asarray(v).tolist(), "axis")
    else:
        if axis is None and x.shape.rank is not None:
            # TF makes the axes a top-level `Const` (np.arange(rank)); the name
            # is taken so that later constants are named as TF names them.
            graph.unique_name("Const")
        axis = _static_axis(axis)
        if x.shape.rank is not None:
            reduction_axes(axis, x.shape.rank)
    return make_op(graph, op_type, inputs, {"axis": axis, "keepdims": bool(keepdims)},
                   name=name or op_type).outputs[0]


def reduce_sum(input_tensor, axis=None, keepdims=False, name=None, keep_dims=None,
               reduction_indices=None):
    """Computes the sum of elements across dimensions of a tensor (all of them
    when `axis` is None); `keepdims` retains reduced dimensions with length 1."""
    return _reduce(_SUM, input_tensor, axis, keepdims, name, keep_dims, reduction_indices)


def reduce_mean(input_tensor, axis=None, keepdims=False, name=None, keep_dims=None,
                reduction_indices=None):
    """Computes the mean of elements across dimensions of a tensor (integer
    division for integer types, as in TF)."""
    return _reduce(_MEAN, input_tensor, axis, keepdims, name, keep_dims, reduction_indices)


def reduce_max(input_tensor, axis=None, keepdims=False, name=None, keep_dims=None,
               reduction_indices=None):
    """Computes the maximum of elements across dimensions of a tensor."""
    return _reduce(_MAX, input_tensor, axis, keepdims, name, keep_dims, reduction_indices)


def reduce_min(input_tensor, axis=None, keepdims=False, name=None, keep_dims=None,
               reduction_indices=None):
    """Computes the minimum of elements across dimensions of a tensor."""
    return _reduce(_MIN, input_tensor, axis, keepdims, name, keep_dims, reduction_indices)


def reduce_prod(input_tensor, axis=None, keepdims=False, name=None, keep_dims=None,
                reduction_indices=None):
    """Computes the product of elements across dimensions of a tensor."""
    return _reduce(_PROD, input_tensor, axis, keepdims, name, keep_dims, reduction_indices)


def reduce_all(input_tensor, axis=None, keepdims=False, name=None, keep_dims=None,
               reduction_indices=None):
    """Computes the "logical and" of elements across dimensions of a tensor."""
    return _reduce(_ALL, input_tensor, axis, keepdims, name, keep_dims, reduction_indices)


def reduce_any(input_tensor, axis=None, keepdims=False, name=None, keep_dims=None,
               reduction_indices=None):
    """Computes the "logical or" of elements across dimensions of a tensor."""
    return _reduce(_ANY, input_tensor, axis, keepdims, name, keep_dims, reduction_indices)


# ---- argmax / argmin -----------------------------------------------------------

def _single_axis(axis, rank):
    if not -rank <= axis < rank:
        raise ValueError(f"Expected dimension in the range [{-rank}, {rank}), but got {axis}")
    return axis % rank


def _arg_shape(ctx):
    shape = ctx.shapes[0]
    if shape is None:
        return [None]
    if len(shape) == 0:
        raise ValueError("Expected dimension in the range [0, 0), but got 0")
    a = _single_axis(ctx.attrs["axis"], len(shape))
    return [shape[:a] + shape[a + 1:]]


def _outer_n_inner(shape, a):
    return [int(np.prod(shape[:a], dtype=np.int64)), shape[a],
            int(np.prod(shape[a + 1:], dtype=np.int64))]


def _register_arg(op_type, kernel, np_fn):
    def reference(inputs, attrs):
        # TF's rule: the first best of the values strictly better than the
        # type's lowest (argmax) or highest (argmin) value, NaN never; index 0
        # when there is none (all NaN, or -inf for argmax).
        x, axis = inputs[0], attrs["axis"]
        if x.dtype.kind == "f":
            info = np.finfo(x.dtype)
            valid = x > info.min if np_fn is np.max else x < info.max
            x = np.where(valid, x, -np.inf if np_fn is np.max else np.inf)
        else:
            valid = np.ones(x.shape, bool)
        hit = valid & (x == np_fn(x, axis=axis, keepdims=True))
        return [np.argmax(hit, axis=axis).astype(attrs["output_type"].np_dtype)]

    register(OpDef(
        op_type, shape=_arg_shape, dtype=lambda ctx: [ctx.attrs["output_type"]], kernel=kernel,
        lower=lambda ctx: (_outer_n_inner(ctx.shapes[0], _single_axis(ctx.attrs["axis"],
                                                                       len(ctx.shapes[0]))),
                           None),
        reference=reference, parallel=True,
        dtypes=[Accepts("input", ALL)],
        samples=samples.arg,
        graphdef=NodeMapping(
            ("input", AttrInput("dimension", "axis", type_attr="Tidx", decode=int_scalar)),
            [TypeAttr("T", input=0), Attr("output_type", default=dtypes.int64)])))


_register_arg("ArgMax", "argmax", np.max)
_register_arg("ArgMin", "argmin", np.min)


def _arg(op_type, input, axis, output_type, name):  # noqa: A002
    graph = graph_of([input])
    x = to_tensor(graph, input)
    output_type = dtypes.as_dtype(output_type)
    if output_type not in (dtypes.int32, dtypes.int64):
        raise TypeError(f"output_type must be int32 or int64, got {output_type.name}")
    axis = 0 if axis is None else int(np.asarray(_static_axis(axis)).reshape(()))
    if x.shape.rank is not None:
        _arg_shape(_Ctx([x.shape.as_tuple()], {"axis": axis}))
    return make_op(graph, op_type, [x], {"axis": axis, "output_type": output_type},
                   name=name or op_type).outputs[0]


def argmax(input, axis=None, output_type=dtypes.int64, name=None, dimension=None):  # noqa: A002
    """Returns the index with the largest value across an axis of a tensor
    (axis 0 when None; the first index on ties; NaNs are passed over, as in TF).
    `dimension` is TF1's deprecated name of `axis`."""
    return _arg("ArgMax", input, _axis_or_dimension(axis, dimension), output_type, name)


def argmin(input, axis=None, output_type=dtypes.int64, name=None, dimension=None):  # noqa: A002
    """Returns the index with the smallest value across an axis of a tensor.
    `dimension` is TF1's deprecated name of `axis`."""
    return _arg("ArgMin", input, _axis_or_dimension(axis, dimension), output_type, name)


def _axis_or_dimension(axis, dimension):
    if dimension is not None:
        if axis is not None:
            raise ValueError("Cannot specify both 'axis' and 'dimension'")
        return dimension
    return axis


def arg_max(input, dimension, output_type=dtypes.int64, name=None):  # noqa: A002
    """Returns the index with the largest value across dimensions of a tensor
    (TF1's name of `argmax`)."""
    return _arg("ArgMax", input, dimension, output_type, name)


def arg_min(input, dimension, output_type=dtypes.int64, name=None):  # noqa: A002
    """Returns the index with the smallest value across dimensions of a
    tensor (TF1's name of `argmin`)."""
    return _arg("ArgMin", input, dimension, output_type, name)


# ---- cumulative ops --------------------------------------------------------------

def _scan_lower(ctx):
    shape = ctx.shapes[0]
    a = _single_axis(ctx.attrs["axis"], len(shape))
    return _outer_n_inner(shape, a) + [int(ctx.attrs["exclusive"]),
                                       int(ctx.attrs["reverse"])], None


def _register_scan(op_type, kernel, np_op):
    def reference(inputs, attrs):
        x = np.moveaxis(inputs[0], attrs["axis"], -1)
        if attrs["reverse"]:
            x = x[..., ::-1]
        out = np_op.accumulate(x, axis=-1, dtype=x.dtype) if x.shape[-1] else x.copy()
        if attrs["exclusive"] and x.shape[-1]:
            ident = np.full(x.shape[:-1] + (1,), 0 if np_op is np.add else 1, x.dtype)
            out = np.concatenate([ident, out[..., :-1]], axis=-1)
        if attrs["reverse"]:
            out = out[..., ::-1]
        return [np.ascontiguousarray(np.moveaxis(out, -1, attrs["axis"]))]

    def shape(ctx):
        if ctx.shapes[0] is not None:
            _single_axis(ctx.attrs["axis"], len(ctx.shapes[0]))
        return [ctx.shapes[0]]

    register(OpDef(op_type, shape=shape, dtype=lambda ctx: [ctx.dtypes[0]], kernel=kernel,
                   lower=_scan_lower, reference=reference, parallel=True,
                   dtypes=[Accepts("x", NUMERIC)],
                   samples=samples.scan,
                   graphdef=NodeMapping(
                       ("x", AttrInput("axis", "axis", type_attr="Tidx", decode=int_scalar)),
                       [TypeAttr("T", input=0), Attr("exclusive", default=False),
                        Attr("reverse", default=False)])))


_register_scan("Cumsum", "cumsum", np.add)
_register_scan("Cumprod", "cumprod", np.multiply)


def _scan(op_type, x, axis, exclusive, reverse, name):
    graph = graph_of([x])
    x = to_tensor(graph, x)
    axis = int(np.asarray(_static_axis(axis)).reshape(()))
    return make_op(graph, op_type, [x], {"axis": axis, "exclusive": bool(exclusive),
                                         "reverse": bool(reverse)},
                   name=name or op_type).outputs[0]


def cumsum(x, axis=0, exclusive=False, reverse=False, name=None):
    """Compute the cumulative sum of the tensor `x` along `axis`."""
    return _scan("Cumsum", x, axis, exclusive, reverse, name)


def cumprod(x, axis=0, exclusive=False, reverse=False, name=None):
    """Compute the cumulative product of the tensor `x` along `axis`."""
    return _scan("Cumprod", x, axis, exclusive, reverse, name)


# ---- gradients ------------------------------------------------------------------
# TF's definitions (math_grad.py).


def _axis_argument(op):
    """What `axis` a reduction op was built with: the attr's value, or the
    tensor it waits for (an AttrFromInput)."""
    axis = op.get_attr("axis")
    return op.inputs[axis.index] if isinstance(axis, AttrFromInput) else axis


def _static_axes(op):
    """The sorted reduction axes of `op` when its input's rank and its axes
    are known while the graph is built, else None."""
    axis = op.get_attr("axis")
    rank = op.inputs[0].shape.rank
    if isinstance(axis, AttrFromInput) or rank is None:
        return None
    return reduction_axes(axis, rank)


def _shape_of(x):
    """x's shape: a list when it is fully known, else a Shape tensor."""
    dims = x.shape.as_tuple()
    if dims is not None and None not in dims:
        return list(dims)
    return array_ops.shape(x)


def _kept_shape(op):
    """The shape of `op`'s output with the reduced axes kept as 1s (TF's
    reduced_shape): a list when known statically, else an int32 tensor."""
    x = op.inputs[0]
    axes = _static_axes(op)
    dims = x.shape.as_tuple()
    if axes is not None:
        kept = [1 if i in axes else d for i, d in enumerate(dims)]
        if None not in kept:
            return kept
        mask = np.array([i in axes for i in range(len(dims))])
        return elementwise.select_v2(mask, np.ones(len(dims), np.int32), array_ops.shape(x))
    # The axes are known once the plan is: this reduction folds into its Shape
    # and runs no kernel.
    return array_ops.shape(reduce_sum(x, axis=_axis_argument(op), keepdims=True))


def _grad_to_input(op, grad):
    """`grad` (of op's output) reshaped with the reduced axes kept and
    broadcast to op's input's shape, as TF's _SumGrad."""
    if not op.get_attr("keepdims"):
        grad = array_ops.reshape(grad, _kept_shape(op))
    return array_ops.broadcast_to(grad, _shape_of(op.inputs[0]))


def _none_for_axis(op, dx):
    return [dx] + [None] * (len(op.inputs) - 1)


@RegisterGradient("Sum")
def _sum_grad(op, grad):
    """TF's _SumGrad: the gradient broadcast back over the reduced axes."""
    return _none_for_axis(op, _grad_to_input(op, grad))


@RegisterGradient("Mean")
def _mean_grad(op, grad):
    """TF's _MeanGrad: Sum's gradient over the number of elements averaged."""
    sum_grad = _grad_to_input(op, grad)
    x, y = op.inputs[0], op.outputs[0]
    xs, ys = x.shape.as_tuple(), y.shape.as_tuple()
    if xs is not None and ys is not None and None not in xs and None not in ys:
        factor = int(np.prod(xs, dtype=np.int64)) // max(int(np.prod(ys, dtype=np.int64)), 1)
        factor = elementwise.scalar_like(sum_grad, factor)
    else:
        factor = elementwise.floordiv(reduce_prod(array_ops.shape(x)),
                                      elementwise.maximum(reduce_prod(array_ops.shape(y)), 1))
        factor = elementwise.cast(factor, sum_grad.dtype)
    return _none_for_axis(op, elementwise.realdiv(sum_grad, factor))


def _min_or_max_grad(op, grad):
    """TF's _MinOrMaxGrad: the gradient shared equally among the elements
    equal to the extreme."""
    y = op.outputs[0]
    if not op.get_attr("keepdims"):
        kept = _kept_shape(op)
        y = array_ops.reshape(y, kept)
        grad = array_ops.reshape(grad, kept)
    x = op.inputs[0]
    indicators = elementwise.cast(elementwise.equal(y, x), grad.dtype)
    num_selected = reduce_sum(indicators, axis=_axis_argument(op), keepdims=True)
    return _none_for_axis(op, elementwise.multiply(elementwise.realdiv(indicators, num_selected),
                                                   grad))


RegisterGradient("Max")(_min_or_max_grad)
RegisterGradient("Min")(_min_or_max_grad)


@RegisterGradient("Prod")
def _prod_grad(op, grad):
    """TF's _ProdGrad: the reduced axes moved first and packed into one, each
    element's gradient the product of the others, from an exclusive cumprod
    each way (which zeros in the input do not trouble)."""
    x = op.inputs[0]
    axes = _static_axes(op)
    if axes is None:
        raise NotImplementedError(f"the gradient of {op.name} needs its axes and its input's "
                                  "rank when the graph is built")
    grad = _grad_to_input(op, grad)
    rank = x.shape.rank
    other = [i for i in range(rank) if i not in axes]
    perm = list(axes) + other
    inverse = [perm.index(i) for i in range(rank)]
    permuted = array_ops.transpose(x, perm)
    dims = x.shape.as_tuple()
    if None not in dims:
        reduced_num = int(np.prod([dims[a] for a in axes], dtype=np.int64))
        other_num = int(np.prod([dims[a] for a in other], dtype=np.int64))
        packed, permuted_shape = [reduced_num, other_num], [dims[a] for a in perm]
    else:
        permuted_shape = array_ops.shape(permuted)
        k = len(axes)
        packed = array_ops.concat([reduce_prod(permuted_shape[:k], keepdims=True),
                                   reduce_prod(permuted_shape[k:], keepdims=True)], 0)
    reshaped = array_ops.reshape(permuted, packed)
    left = cumprod(reshaped, axis=0, exclusive=True)
    right = cumprod(reshaped, axis=0, exclusive=True, reverse=True)
    y = array_ops.reshape(elementwise.multiply(left, right), permuted_shape)
    return _none_for_axis(op, elementwise.multiply(grad, array_ops.transpose(y, inverse)))


@RegisterGradient("Cumsum")
def _cumsum_grad(op, grad):
    """TF's _CumsumGrad: the cumulative sum of the gradient the other way."""
    return [cumsum(grad, op.get_attr("axis"), exclusive=op.get_attr("exclusive"),
                   reverse=not op.get_attr("reverse"))]


@RegisterGradient("Cumprod")
def _cumprod_grad(op, grad):
    """TF's _CumprodGrad: cumsum(prod * grad) the other way, over x (0 where
    x is 0, as div_no_nan)."""
    x = op.inputs[0]
    axis, exclusive, reverse = (op.get_attr("axis"), op.get_attr("exclusive"),
                                op.get_attr("reverse"))
    prod = cumprod(x, axis, exclusive=exclusive, reverse=reverse)
    out = cumsum(elementwise.multiply(prod, grad), axis, exclusive=exclusive,
                 reverse=not reverse)
    zero = elementwise.equal(x, elementwise.scalar_like(x))
    safe_x = elementwise.select_v2(zero, elementwise.scalar_like(x, 1), x)
    return [elementwise.select_v2(zero, elementwise.scalar_like(out),
                                  elementwise.realdiv(out, safe_x))]


# Integer indices (TF's NotDifferentiable ArgMax, ArgMin) and boolean
# reductions: nothing to differentiate.
for _t in ("ArgMax", "ArgMin", "All", "Any"):
    NotDifferentiable(_t)
