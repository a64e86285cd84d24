"""Batch normalization as TF's fused ops: FusedBatchNormV3 (training with the
batch's statistics and their running average, or inference with given
ones), FusedBatchNormGradV3 and the gradients of both; TF's first and second
FusedBatchNorm(Grad) versions are read from GraphDefs as these."""

import numpy as np

from ..framework import dtypes
from ..framework.graphdef_mapping import Attr, NodeMapping, TypeAttr
from ..framework.op_registry import Accepts, OpDef, RegisterGradient, register, \
    register_graphdef_translation
from . import samples
from .array_ops import reshape
from .arguments import graph_of, make_op, to_tensor
from .elementwise import add, multiply, rsqrt, square, subtract
from .reduction_ops import reduce_mean, reduce_sum

__all__ = []


def _channel_view(shape, channels_first):
    """[outer, channels, inner] of `shape` with channels at dimension 1 or
    last (the kernels' view, axis.h)."""
    axis = 1 if channels_first else len(shape) - 1
    outer = int(np.prod(shape[:axis], dtype=np.int64))
    inner = int(np.prod(shape[axis + 1:], dtype=np.int64))
    return [outer, shape[axis], inner]


# ---- batch norm -------------------------------------------------------------------
#
# TF's FusedBatchNormV3 (float32): in training, the batch's statistics
# normalise x (reserve spaces 1 and 2 are its mean and biased variance) and
# batch_mean/batch_variance are those (the variance with Bessel's correction)
# or their running average with the given mean and variance; in inference,
# the given ones. Channels are dimension 1 ("NC..." formats) or the last.

_BN_FORMATS = {4: ("NHWC", "NCHW"), 5: ("NDHWC", "NCDHW")}


def _bn_channels(x, data_format, what="FusedBatchNormV3"):
    if x is None:
        return None
    if len(x) not in _BN_FORMATS:
        raise ValueError(f"Shape must be rank 4 but is rank {len(x)} for '{what}'")
    if data_format not in _BN_FORMATS[len(x)]:
        raise ValueError(f"Invalid data format {data_format} for a rank-{len(x)} input")
    return x[1] if data_format.startswith("NC") else x[-1]


def _check_channel_param(shape, channels, what):
    if shape is None:
        return
    if len(shape) != 1:
        raise ValueError(f"{what} must be 1-dimensional, got shape {list(shape)}")
    if channels is not None and shape[0] is not None and shape[0] != channels:
        raise ValueError(f"{what} must have the same number of elements as the channels of "
                         f"x, got {shape[0]} and {channels}")


def _fused_batch_norm_shape(ctx):
    x = ctx.shapes[0]
    attrs = ctx.attrs
    c = _bn_channels(x, attrs["data_format"])
    uses_stats = not attrs["is_training"] or attrs["exponential_avg_factor"] != 1.0
    for i, what in enumerate(("scale", "offset", "mean", "variance"), 1):
        if what in ("mean", "variance") and not uses_stats:
            continue
        _check_channel_param(ctx.shapes[i], c, what)
    if c is None:
        c = next((s[0] for s in ctx.shapes[1:3] if s is not None and len(s) == 1), None)
    return [x] + [(c,)] * 4 + [(0,)]


def _np_fused_batch_norm(inputs, attrs):
    x, scale, offset, mean, var = (a.astype(np.float64) for a in inputs)
    axis = 1 if attrs["data_format"].startswith("NC") else x.ndim - 1
    axes = tuple(i for i in range(x.ndim) if i != axis)
    bshape = [1] * x.ndim
    bshape[axis] = -1
    eps = attrs["epsilon"]
    if attrs["is_training"]:
        m = x.size // max(x.shape[axis], 1)
        bm, bv = x.mean(axis=axes), x.var(axis=axes)
        corrected = bv * (m / (m - 1) if m > 1 else 1.0)
        f = attrs["exponential_avg_factor"]
        run_m, run_v = (bm, corrected) if f == 1.0 else \
            ((1 - f) * mean + f * bm, (1 - f) * var + f * corrected)
        use_m, use_v = bm, bv
    else:
        run_m, run_v = use_m, use_v = mean, var
    y = (x - use_m.reshape(bshape)) / np.sqrt(use_v.reshape(bshape) + eps) * \
        scale.reshape(bshape) + offset.reshape(bshape)
    out = [y, run_m, run_v, use_m, use_v, np.zeros(0)]
    return [a.astype(inputs[0].dtype) for a in out]


def _bn_lower(ctx):
    view = _channel_view(ctx.shapes[0], ctx.attrs["data_format"].startswith("NC"))
    return view + [int(bool(ctx.attrs["is_training"]))], \
        [ctx.attrs["epsilon"], ctx.attrs.get("exponential_avg_factor", 1.0)]


def _float32_attr(name, default):
    """A TF `float` attr: 32 bits, also where fastgraph computes in double."""
    return Attr(name, decode=lambda v: float(np.float32(v)), default=float(np.float32(default)))


_BN_FLOATS = (dtypes.float32,)

register(OpDef(
    "FusedBatchNormV3", shape=_fused_batch_norm_shape,
    dtype=lambda ctx: [ctx.dtypes[0]] + [ctx.dtypes[1]] * 5, kernel="fused_batch_norm",
    lower=_bn_lower, reference=_np_fused_batch_norm, parallel=True,
    work=lambda ctx: int(np.prod(ctx.shapes[0], dtype=np.int64)),
    dtypes=[Accepts("x", _BN_FLOATS), Accepts("scale", _BN_FLOATS, input=slice(1, 5))],
    samples=samples.fused_batch_norm,
    graphdef=NodeMapping(("x", "scale", "offset", "mean", "variance"),
                         [TypeAttr("T", input=0), TypeAttr("U", input=1),
                          _float32_attr("epsilon", 1e-4),
                          _float32_attr("exponential_avg_factor", 1.0),
                          Attr("data_format", default="NHWC"),
                          Attr("is_training", default=True)])))


def fused_batch_norm_v3(x, scale, offset, mean, variance, epsilon=0.0001,
                        exponential_avg_factor=1.0, data_format="NHWC", is_training=True,
                        name=None):
    """Batch normalization (TF's FusedBatchNormV3 op): returns y, batch_mean,
    batch_variance, reserve_space_1, reserve_space_2, reserve_space_3. In
    training `mean` and `variance` are read only when
    `exponential_avg_factor` is not 1 (they may be empty otherwise)."""
    graph = graph_of([x, scale, offset, mean, variance])
    x = to_tensor(graph, x)
    rest = [to_tensor(graph, t, dtype=dtypes.float32) for t in (scale, offset, mean, variance)]
    attrs = {"epsilon": float(np.float32(epsilon)),
             "exponential_avg_factor": float(np.float32(exponential_avg_factor)),
             "data_format": data_format, "is_training": bool(is_training)}
    return make_op(graph, "FusedBatchNormV3", [x] + rest, attrs,
                   name=name or "FusedBatchNormV3").outputs


def _fused_batch_norm_grad_shape(ctx):
    dy, x = ctx.shapes[:2]
    shape = x if x is not None else dy
    c = _bn_channels(shape, ctx.attrs["data_format"], "FusedBatchNormGradV3")
    if dy is not None and x is not None and tuple(dy) != tuple(x) and None not in dy + x:
        raise ValueError(f"x and y_backprop must have same shape, but x has shape "
                         f"{list(x)} and y_backprop has shape {list(dy)}")
    for i, what in enumerate(("scale", "reserve_space_1", "reserve_space_2"), 2):
        _check_channel_param(ctx.shapes[i], c, what)
    return [shape, (c,), (c,), (0,), (0,)]


def _np_fused_batch_norm_grad(inputs, attrs):
    dy, x, scale, mean, var = (a.astype(np.float64) for a in inputs[:5])
    axis = 1 if attrs["data_format"].startswith("NC") else x.ndim - 1
    axes = tuple(i for i in range(x.ndim) if i != axis)
    bshape = [1] * x.ndim
    bshape[axis] = -1
    inv = 1 / np.sqrt(var + attrs["epsilon"])
    xhat = (x - mean.reshape(bshape)) * inv.reshape(bshape)
    dscale = np.sum(dy * xhat, axis=axes)
    doffset = np.sum(dy, axis=axes)
    dx = dy
    if attrs["is_training"]:
        m = x.size // max(x.shape[axis], 1)
        dx = dy - (doffset.reshape(bshape) + xhat * dscale.reshape(bshape)) / m
    dx = dx * (scale * inv).reshape(bshape)
    return [a.astype(inputs[0].dtype) for a in (dx, dscale, doffset, np.zeros(0), np.zeros(0))]


register(OpDef(
    "FusedBatchNormGradV3", shape=_fused_batch_norm_grad_shape,
    dtype=lambda ctx: [ctx.dtypes[0]] + [ctx.dtypes[3]] * 4, kernel="fused_batch_norm_grad",
    lower=_bn_lower, reference=_np_fused_batch_norm_grad, parallel=True,
    work=lambda ctx: 2 * int(np.prod(ctx.shapes[0], dtype=np.int64)),
    dtypes=[Accepts("y_backprop", _BN_FLOATS, input=slice(0, 2)),
            Accepts("scale", _BN_FLOATS, input=2),
            Accepts("reserve_space_1", _BN_FLOATS, input=slice(3, 6))],
    samples=samples.fused_batch_norm_grad,
    graphdef=NodeMapping(("y_backprop", "x", "scale", "reserve_space_1", "reserve_space_2",
                          "reserve_space_3"),
                         [TypeAttr("T", input=0), TypeAttr("U", input=3),
                          _float32_attr("epsilon", 1e-4),
                          Attr("data_format", default="NHWC"),
                          Attr("is_training", default=True)])))


def fused_batch_norm_grad_v3(y_backprop, x, scale, reserve_space_1, reserve_space_2,
                             reserve_space_3, epsilon=0.0001, data_format="NHWC",
                             is_training=True, name=None):
    """Gradient for batch normalization (TF's FusedBatchNormGradV3 op): returns
    x_backprop, scale_backprop, offset_backprop, reserve_space_4,
    reserve_space_5. The reserve spaces are FusedBatchNormV3's in training,
    the population mean and variance in inference."""
    graph = graph_of([y_backprop, x, scale, reserve_space_1, reserve_space_2, reserve_space_3])
    tensors = [to_tensor(graph, t, dtype=dtypes.float32) for t in
               (y_backprop, x, scale, reserve_space_1, reserve_space_2, reserve_space_3)]
    attrs = {"epsilon": float(np.float32(epsilon)), "data_format": data_format,
             "is_training": bool(is_training)}
    return make_op(graph, "FusedBatchNormGradV3", tensors, attrs,
                   name=name or "FusedBatchNormGradV3").outputs


@RegisterGradient("FusedBatchNormV3")
def _fused_batch_norm_v3_grad(op, *grads):
    """TF's _BaseFusedBatchNormGrad: y's gradient through FusedBatchNormGradV3
    with the batch's statistics (training) or the population's (inference);
    the statistics outputs pass none back, and mean and variance get none."""
    x, scale = op.inputs[0], op.inputs[1]
    training = op.get_attr("is_training")
    if training:
        stats = [op.outputs[3], op.outputs[4]]
    else:
        stats = [op.inputs[3], op.inputs[4]]
    dx, dscale, doffset, _, _ = fused_batch_norm_grad_v3(
        grads[0], x, scale, stats[0], stats[1], op.outputs[5], epsilon=op.get_attr("epsilon"),
        data_format=op.get_attr("data_format"), is_training=training)
    return [dx, dscale, doffset, None, None]


def _fused_batch_norm_from_node(inputs, attrs, name):
    """TF's FusedBatchNorm and FusedBatchNormV2 (five outputs): FusedBatchNormV3's
    first five."""
    x, scale, offset, mean, var = inputs
    return list(fused_batch_norm_v3(
        x, scale, offset, mean, var, epsilon=attrs.get("epsilon", 1e-4),
        exponential_avg_factor=attrs.get("exponential_avg_factor", 1.0),
        data_format=attrs.get("data_format", "NHWC"),
        is_training=attrs.get("is_training", True), name=name)[:5])


def _fused_batch_norm_grad_from_node(inputs, attrs, name):
    """TF's FusedBatchNormGrad and FusedBatchNormGradV2 (no reserve_space_3):
    FusedBatchNormGradV3 with an empty one."""
    graph = graph_of(inputs)
    empty = to_tensor(graph, np.zeros(0, np.float32))
    return list(fused_batch_norm_grad_v3(
        *inputs, empty, epsilon=attrs.get("epsilon", 1e-4),
        data_format=attrs.get("data_format", "NHWC"),
        is_training=attrs.get("is_training", True), name=name))


for _t in ("FusedBatchNorm", "FusedBatchNormV2"):
    register_graphdef_translation(_t, _fused_batch_norm_from_node)
for _t in ("FusedBatchNormGrad", "FusedBatchNormGradV2"):
    register_graphdef_translation(_t, _fused_batch_norm_grad_from_node)


@RegisterGradient("FusedBatchNormGradV3")
def _fused_batch_norm_grad_v3_grad(op, grad_grad_x, grad_grad_scale, grad_grad_offset, *_):
    """TF's _FusedBatchNormGradGrad, written out: with xh = (x - mean) * inv,
    inv = rsqrt(variance + epsilon) per channel and, in training, P(t) = t -
    mean(t) - xh mean(t xh) (the statistics' dependence on x, symmetric),
    the op computes dx = scale inv P(dy), dscale = sum(dy xh), doffset =
    sum(dy); this is their gradient for upstream (A, B, C). In training the
    statistics are x's own (the reserve spaces are); in inference the given
    population ones, which get no gradient, as in TF."""
    dy, x, scale = op.inputs[0], op.inputs[1], op.inputs[2]
    training = op.get_attr("is_training")
    eps = op.get_attr("epsilon")
    channels_first = op.get_attr("data_format").startswith("NC")
    rank = x.shape.rank
    axes = [0] + list(range(2, rank)) if channels_first else list(range(rank - 1))

    def per_channel(t):  # a [C] tensor shaped to broadcast against x
        return reshape(t, [1, -1] + [1] * (rank - 2)) if channels_first else t

    def mean(t):
        return reduce_mean(t, axes, keepdims=True)

    if training:
        mu = mean(x)
        xc = subtract(x, mu)
        inv = rsqrt(add(mean(square(xc)), eps))
    else:
        xc = subtract(x, per_channel(op.inputs[3]))
        inv = rsqrt(add(per_channel(op.inputs[4]), eps))
    xh = multiply(xc, inv)
    s = per_channel(scale)
    a = grad_grad_x
    b = per_channel(grad_grad_scale)
    c = per_channel(grad_grad_offset)
    if training:
        def proj(t):
            return subtract(subtract(t, mean(t)), multiply(xh, mean(multiply(t, xh))))
        pa, pdy = proj(a), proj(dy)
        grad_dy = add(add(multiply(multiply(s, inv), pa), multiply(b, xh)), c)
        grad_scale = multiply(reduce_sum(multiply(a, pdy), axes), reshape(inv, [-1]))
        terms = add(add(multiply(mean(multiply(a, pdy)), xh),
                        multiply(mean(multiply(dy, xh)), pa)),
                    multiply(mean(multiply(a, xh)), pdy))
        grad_x = subtract(multiply(multiply(b, inv), pdy),
                          multiply(multiply(s, square(inv)), terms))
    else:
        grad_dy = add(add(multiply(multiply(s, inv), a), multiply(b, xh)), c)
        grad_scale = multiply(reduce_sum(multiply(a, dy), axes), reshape(inv, [-1]))
        grad_x = multiply(multiply(b, inv), dy)
    return [grad_dy, grad_x, grad_scale, None, None, None]
