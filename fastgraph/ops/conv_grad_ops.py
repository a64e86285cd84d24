"""The backprops of convolution and pooling (Conv2DBackpropFilter, the
depthwise backprops, MaxPoolGrad, MaxPoolGradGrad, AvgPoolGrad) and the
gradients of conv_ops' ops, as TF's nn_grad.py defines them."""

import numpy as np

from ..framework.dtype_sets import FLOATS
from ..framework.graphdef_mapping import AttrInput, Implied, Input, NodeMapping, TypeAttr
from ..framework.op_registry import Accepts, OpDef, RegisterGradient, register
from . import samples
from .arguments import make_op, to_tensors_like
from .array_ops import _ints_attr, shape
from .conv_ops import _MIN_TILE, _NHWC_ONLY, _TILE_BYTES, _check_rank4, _check_same_dtype, \
    _conv_attrs, _conv_node, _geometry, _nhwc, _np_windows, _PaddingAttrs, _pool_node, \
    conv2d_transpose
from .indexing_ops import zeros_like

__all__ = []

NN = ["conv2d_backprop_filter", "conv2d_backprop_input", "depthwise_conv2d_native_backprop_input",
      "depthwise_conv2d_native_backprop_filter", "depthwise_conv2d_backprop_input",
      "depthwise_conv2d_backprop_filter"]


# ---- shape checks ----------------------------------------------------------------

def _dims(shape):
    return "[" + ",".join("?" if d is None else str(d) for d in shape) + "]"


def _sizes(attrs, what, prefix):
    sizes = tuple(attrs[what])
    if len(sizes) != 4:
        raise ValueError(f"{prefix}: {what} must be 4 elements, got {len(sizes)}")
    if min(sizes) < 0:
        raise ValueError(f"{prefix}: {what} must be non-negative, got {list(sizes)}")
    return sizes


def _check_op(ctx, op_type, names, window=("strides", "dilations")):
    """TF's checks before any shape: the tensor inputs `names` share one
    dtype, and the window attrs are positive."""
    _check_same_dtype(ctx, op_type, names)
    for what in window:
        if min(ctx.attrs[what]) < 1:
            raise ValueError(f"{op_type}: {what} must be positive, got {list(ctx.attrs[what])}")


def _differ(a, b):
    return a is not None and b is not None and a != b


def _check_spatial(prefix, x, dy, kh, kw, attrs, depthwise=False):
    """dy's spatial size against the forward conv's output from x, with TF's message."""
    g = _geometry(x, kh, kw, attrs)
    for axis in (0, 1):
        got, want = dy[axis + 1], g[4 + axis]
        if _differ(got, want):
            if depthwise:
                raise ValueError(f"{prefix}: Number of {('rows', 'cols')[axis]} of out_backprop "
                                 f"doesn't match computed: actual = {got}, computed = {want}")
            raise ValueError(f"{prefix}: Size of out_backprop doesn't match computed: actual = "
                             f"{got}, computed = {want} spatial_dim: {axis + 1} input: "
                             f"{x[axis + 1]} filter: {(kh, kw)[axis]} output: {got} stride: "
                             f"{attrs['strides'][axis]} dilation: {attrs['dilations'][axis]}")
    if _differ(x[0], dy[0]):
        raise ValueError(f"{prefix}: input and out_backprop must have the same batch size. "
                         f"Input batch: {x[0]}, outbackprop batch: {dy[0]}, batch_dim: 0")


def _filter_backprop_shape(ctx):
    prefix = "Conv2DCustomBackpropFilter"
    _check_op(ctx, "Conv2DBackpropFilter", ("input", "out_backprop"))
    x, dy = ctx.shapes[:2]
    _check_rank4(x, "Conv2DBackpropFilter", ctx.shapes[:2])
    _check_rank4(dy, "Conv2DBackpropFilter", ctx.shapes[:2])
    if len(ctx.attrs["filter_sizes"]) != 4:
        raise ValueError(f"{prefix}: filter must be 4-dimensional")
    fs = _sizes(ctx.attrs, "filter_sizes", prefix)
    if x is None or dy is None:
        return [fs]
    if x[3] is not None and (fs[2] == 0 or x[3] % fs[2]):
        raise ValueError(f"{prefix}: input depth must be evenly divisible by filter depth")
    if _differ(x[3], fs[2]):
        raise ValueError(f"{prefix}: fastgraph's Conv2D has no groups: input depth {x[3]}, "
                         f"filter depth {fs[2]}")
    if _differ(dy[3], fs[3]):
        raise ValueError(f"{prefix}: filter and out_backprop must have the same out_depth")
    _check_spatial(prefix, x, dy, fs[0], fs[1], ctx.attrs)
    return [fs]


def _depthwise_input_shape(ctx):
    prefix = "DepthwiseConv2DBackpropInput"
    _check_op(ctx, "DepthwiseConv2dNativeBackpropInput", ("out_backprop", "filter"))
    dy, f = ctx.shapes[:2]
    _check_rank4(dy, "DepthwiseConv2dNativeBackpropInput", ctx.shapes[:2])
    _check_rank4(f, "DepthwiseConv2dNativeBackpropInput", ctx.shapes[:2])
    xs = _sizes(ctx.attrs, "input_sizes", prefix)
    if dy is None or f is None:
        return [xs]
    if _differ(f[2], xs[3]):
        raise ValueError(f"{prefix}: input and filter must have the same in_depth")
    if None not in (f[2], f[3]) and _differ(dy[3], f[2] * f[3]):
        raise ValueError(f"{prefix}: depth_multiplier * in_depth not equal to out_depth")
    if None not in f[:2]:
        _check_spatial(prefix, xs, dy, f[0], f[1], ctx.attrs, depthwise=True)
    return [xs]


def _depthwise_filter_shape(ctx):
    prefix = "DepthwiseConv2DBackpropFilter"
    _check_op(ctx, "DepthwiseConv2dNativeBackpropFilter", ("input", "out_backprop"))
    x, dy = ctx.shapes[:2]
    _check_rank4(x, "DepthwiseConv2dNativeBackpropFilter", ctx.shapes[:2])
    _check_rank4(dy, "DepthwiseConv2dNativeBackpropFilter", ctx.shapes[:2])
    fs = _sizes(ctx.attrs, "filter_sizes", prefix)
    if x is None or dy is None:
        return [fs]
    if _differ(x[3], fs[2]):
        raise ValueError(f"{prefix}: input and filter must have the same in_depth")
    if _differ(dy[3], fs[2] * fs[3]):
        raise ValueError(f"{prefix}: depth_multiplier * in_depth not equal to out_depth")
    _check_spatial(prefix, x, dy, fs[0], fs[1], ctx.attrs, depthwise=True)
    return [fs]


def _pooled(x, attrs):
    g = _geometry(x, *attrs["ksize"], attrs)
    return (x[0], g[4], g[5], x[3])


def _expect(what, got, want):
    if got is not None and any(_differ(a, b) for a, b in zip(got, want)):
        raise ValueError(f"Expected {what} shape to be {_dims(want)}, but got {_dims(got)}")


def _max_pool_grad_shape(op_type, ctx):
    _check_op(ctx, op_type, ("orig_input", "orig_output", "grad"), ("ksize", "strides"))
    x, y, dy = ctx.shapes[:3]
    for s in (x, y, dy):
        _check_rank4(s, op_type, ctx.shapes[:3])
    if x is None:
        return [x if op_type == "MaxPoolGrad" else y]
    pooled = _pooled(x, ctx.attrs)
    _expect("orig_output", y, pooled)
    _expect("grad", dy, pooled if op_type == "MaxPoolGrad" else x)
    return [x if op_type == "MaxPoolGrad" else pooled]


def _avg_pool_grad_shape(ctx):
    _check_op(ctx, "AvgPoolGrad", ("grad",), ("ksize", "strides"))
    dy = ctx.shapes[0]
    _check_rank4(dy, "AvgPoolGrad", ctx.shapes[:1])
    if len(ctx.attrs["orig_input_shape"]) != 4:
        raise ValueError("out_backprop must be 1-dimensional and 4 elements")
    xs = _sizes(ctx.attrs, "orig_input_shape", "AvgPoolGrad")
    _expect("grad", dy, _pooled(xs, ctx.attrs))
    return [xs]


# ---- lowering -----------------------------------------------------------------------

def _filter_tile(ctx):
    """Pixels per im2col tile of the filter backprop, and one share's scratch bytes."""
    x, dy = ctx.shapes[:2]
    fs = ctx.attrs["filter_sizes"]
    row = max(fs[0] * fs[1] * fs[2] * ctx.dtypes[0].size, 1)
    pixels = dy[0] * dy[1] * dy[2]
    tile = max(1, min(pixels, max(_MIN_TILE, _TILE_BYTES // row)))
    return tile, tile * row


def _filter_backprop_lower(ctx):
    fs = ctx.attrs["filter_sizes"]
    return _geometry(ctx.shapes[0], fs[0], fs[1], ctx.attrs) + [fs[3], _filter_tile(ctx)[0]], None


def _size(shape):
    return int(np.prod(shape, dtype=np.int64))


def _pool_geometry(shape_, attrs):
    return _geometry(shape_, *attrs["ksize"], attrs), None


# ---- NumPy references --------------------------------------------------------------

def _np_unwindow(out_shape, kh, kw, attrs, terms):
    """The sum over taps of each term [N, OH, OW, C] added back at the input
    pixels its tap reads (the adjoint of _np_windows), cropped to out_shape."""
    _, h, w, _, oh, ow, _, _, sh, sw, dh, dw, pt, pl = _geometry(out_shape, kh, kw, attrs)
    canvas = np.zeros((out_shape[0], max((oh - 1) * sh + (kh - 1) * dh + 1, pt + h),
                       max((ow - 1) * sw + (kw - 1) * dw + 1, pl + w), out_shape[3]))
    for ky, kx, term in terms:
        if term.size:
            canvas[:, ky * dh:ky * dh + (oh - 1) * sh + 1:sh,
                   kx * dw:kx * dw + (ow - 1) * sw + 1:sw] += term
    return canvas[:, pt:pt + h, pl:pl + w]


def _np_conv2d_backprop_filter(inputs, attrs):
    x, dy = inputs[0].astype(np.float64), inputs[1].astype(np.float64)
    kh, kw, c, co = attrs["filter_sizes"]
    out = np.zeros((kh, kw, c, co))
    if dy.size:
        for ky, kx, win in _np_windows(x, kh, kw, attrs, 0):
            out[ky, kx] = np.tensordot(win, dy, axes=([0, 1, 2], [0, 1, 2]))
    return [out.astype(inputs[0].dtype)]


def _np_depthwise_backprop_input(inputs, attrs):
    dy, f = inputs[0].astype(np.float64), inputs[1].astype(np.float64)
    kh, kw, c, m = f.shape
    dy = dy.reshape(dy.shape[:3] + (c, m))
    terms = ((ky, kx, np.sum(dy * f[ky, kx], axis=-1)) for ky in range(kh) for kx in range(kw))
    return [_np_unwindow(attrs["input_sizes"], kh, kw, attrs, terms).astype(inputs[0].dtype)]


def _np_depthwise_backprop_filter(inputs, attrs):
    x, dy = inputs[0].astype(np.float64), inputs[1].astype(np.float64)
    kh, kw, c, m = attrs["filter_sizes"]
    dy = dy.reshape(dy.shape[:3] + (c, m))
    out = np.zeros((kh, kw, c, m))
    for ky, kx, win in _np_windows(x, kh, kw, attrs, 0):
        out[ky, kx] = np.einsum("nyxc,nyxcm->cm", win, dy)
    return [out.astype(inputs[0].dtype)]


def _np_argmax_taps(x, attrs):
    """(windows of x, the tap each window's maximum is at): TF's CPU pick, the
    first in-image tap, replaced only by a strictly greater one."""
    kh, kw = attrs["ksize"]
    wins = [win for _, _, win in _np_windows(x, kh, kw, attrs, 0)]
    inside = [win for _, _, win in _np_windows(np.ones(x.shape, bool), kh, kw, attrs, False)]
    best = np.zeros(wins[0].shape, x.dtype)
    at = np.full(wins[0].shape, -1)
    for t, (win, ok) in enumerate(zip(wins, inside)):
        take = ok & ((at < 0) | (best < win))
        best = np.where(take, win, best)
        at = np.where(take, t, at)
    return wins, at


def _np_max_pool_grad(inputs, attrs):
    x, dy = inputs[0], inputs[2].astype(np.float64)
    kh, kw = attrs["ksize"]
    _, at = _np_argmax_taps(x, attrs)
    terms = ((t // kw, t % kw, np.where(at == t, dy, 0.0)) for t in range(kh * kw))
    return [_np_unwindow(x.shape, kh, kw, attrs, terms).astype(x.dtype)]


def _np_max_pool_grad_grad(inputs, attrs):
    """ddx at the first in-image tap equal to orig_output, as TF's CPU kernel reads it."""
    x, y, ddx = inputs
    kh, kw = attrs["ksize"]
    out = np.zeros(y.shape)
    done = np.zeros(y.shape, bool)
    for (_, _, win), (_, _, ok), (_, _, grad) in zip(
            _np_windows(x, kh, kw, attrs, 0), _np_windows(np.ones(x.shape, bool), kh, kw, attrs,
                                                          False),
            _np_windows(ddx.astype(np.float64), kh, kw, attrs, 0)):
        hit = ok & ~done & (win == y)
        out = np.where(hit, grad, out)
        done |= hit
    return [out.astype(x.dtype)]


def _np_avg_pool_grad(inputs, attrs):
    dy = inputs[0].astype(np.float64)
    xs = tuple(attrs["orig_input_shape"])
    kh, kw = attrs["ksize"]
    count = sum(win for _, _, win in _np_windows(np.ones(xs[:3] + (1,)), kh, kw, attrs, 0))
    terms = ((ky, kx, dy / count) for ky in range(kh) for kx in range(kw))
    return [_np_unwindow(xs, kh, kw, attrs, terms).astype(inputs[0].dtype)]


# ---- registry entries -------------------------------------------------------------

register(OpDef("Conv2DBackpropFilter", shape=_filter_backprop_shape,
               dtype=lambda ctx: [ctx.dtypes[0]], kernel="conv2d_backprop_filter",
               lower=_filter_backprop_lower, reference=_np_conv2d_backprop_filter,
               scratch=lambda ctx: _filter_tile(ctx)[1], parallel=True,
               work=lambda ctx: _size(ctx.shapes[1]) * _size(ctx.attrs["filter_sizes"][:3]) // 16,
               dtypes=[Accepts("input", FLOATS)],
               samples=samples.conv2d_backprop_filter,
               graphdef=_conv_node((Input("input", 0),
                                    AttrInput("filter_sizes", "filter_sizes", deferred=True),
                                    Input("out_backprop", 1)))))
register(OpDef("DepthwiseConv2dNativeBackpropInput", shape=_depthwise_input_shape,
               dtype=lambda ctx: [ctx.dtypes[0]], kernel="depthwise_conv2d_backprop_input",
               lower=lambda ctx: (_geometry(ctx.attrs["input_sizes"], ctx.shapes[1][0],
                                            ctx.shapes[1][1], ctx.attrs) + [ctx.shapes[1][3]],
                                  None),
               reference=_np_depthwise_backprop_input, parallel=True,
               work=lambda ctx: _size(ctx.attrs["input_sizes"]) * _size(ctx.shapes[1][:2]) *
               ctx.shapes[1][3],
               dtypes=[Accepts("out_backprop", FLOATS)],
               samples=samples.depthwise_backprop_input,
               graphdef=_conv_node((AttrInput("input_sizes", "input_sizes", deferred=True),
                                    Input("filter", 1), Input("out_backprop", 0)), cudnn=False)))
register(OpDef("DepthwiseConv2dNativeBackpropFilter", shape=_depthwise_filter_shape,
               dtype=lambda ctx: [ctx.dtypes[0]], kernel="depthwise_conv2d_backprop_filter",
               lower=lambda ctx: (_geometry(ctx.shapes[0], ctx.attrs["filter_sizes"][0],
                                            ctx.attrs["filter_sizes"][1], ctx.attrs) +
                                  [ctx.attrs["filter_sizes"][3]], None),
               reference=_np_depthwise_backprop_filter, parallel=True,
               work=lambda ctx: _size(ctx.shapes[1]) * _size(ctx.attrs["filter_sizes"][:2]),
               dtypes=[Accepts("input", FLOATS)],
               samples=samples.depthwise_backprop_filter,
               graphdef=_conv_node((Input("input", 0),
                                    AttrInput("filter_sizes", "filter_sizes", deferred=True),
                                    Input("out_backprop", 1)), cudnn=False)))


def _max_pool_grad_node():
    return NodeMapping(("orig_input", "orig_output", "grad"), [
        _NHWC_ONLY, TypeAttr("T", input=0), _nhwc("ksize"), _nhwc("strides"), _PaddingAttrs(),
        Implied("dilations", (1, 1))])


register(OpDef("MaxPoolGrad", shape=lambda ctx: _max_pool_grad_shape("MaxPoolGrad", ctx),
               dtype=lambda ctx: [ctx.dtypes[0]], kernel="max_pool_grad",
               lower=lambda ctx: _pool_geometry(ctx.shapes[0], ctx.attrs),
               reference=_np_max_pool_grad, parallel=True,
               scratch=lambda ctx: _size(ctx.attrs["ksize"]) * 8 +
               -(-ctx.shapes[0][3] * 2 * ctx.dtypes[0].size // 8) * 8,
               work=lambda ctx: _size(ctx.shapes[2]) * _size(ctx.attrs["ksize"]),
               dtypes=[Accepts("orig_input", FLOATS)],
               samples=samples.max_pool_grad,
               graphdef=_max_pool_grad_node()))
register(OpDef("MaxPoolGradGrad", shape=lambda ctx: _max_pool_grad_shape("MaxPoolGradGrad", ctx),
               dtype=lambda ctx: [ctx.dtypes[0]], kernel="max_pool_grad_grad",
               lower=lambda ctx: _pool_geometry(ctx.shapes[0], ctx.attrs),
               reference=_np_max_pool_grad_grad, parallel=True,
               work=lambda ctx: _size(ctx.shapes[1]) * _size(ctx.attrs["ksize"]),
               dtypes=[Accepts("orig_input", FLOATS)],
               samples=samples.max_pool_grad_grad,
               graphdef=NodeMapping(("orig_input", "orig_output", "grad"),
                                    _pool_node("orig_input").attrs)))
register(OpDef("AvgPoolGrad", shape=_avg_pool_grad_shape,
               dtype=lambda ctx: [ctx.dtypes[0]], kernel="avg_pool_grad",
               lower=lambda ctx: _pool_geometry(ctx.attrs["orig_input_shape"], ctx.attrs),
               reference=_np_avg_pool_grad, parallel=True,
               work=lambda ctx: _size(ctx.attrs["orig_input_shape"]) * _size(ctx.attrs["ksize"]),
               dtypes=[Accepts("grad", FLOATS)],
               samples=samples.avg_pool_grad,
               graphdef=NodeMapping(
                   (AttrInput("orig_input_shape", "orig_input_shape", deferred=True),
                    Input("grad", 0)),
                   _pool_node("grad").attrs)))


# ---- op builders (the gradients' and the public functions') ----------------------------

def _conv_geometry_attrs(op):
    return {k: op.get_attr(k) for k in ("strides", "padding", "dilations")}


def _pool_attrs(op):
    return {k: op.get_attr(k) for k in ("ksize", "strides", "padding", "dilations")}


def _sized_op(op_type, inputs, sizes, what, attrs, name=None):
    """op_type on `inputs` whose output shape is `sizes` (a tensor or ints) in attr `what`."""
    graph = inputs[0].graph
    inputs = list(inputs)
    attrs = dict(attrs)
    attrs[what] = _ints_attr(graph, sizes, what, op_type, inputs)
    return make_op(graph, op_type, inputs, attrs, name=name or op_type).outputs[0]


def _plain_op(op_type, inputs, attrs):
    return make_op(inputs[0].graph, op_type, list(inputs), attrs, name=op_type).outputs[0]


def _extra(op, grads):
    """grads, then None for the inputs that carry deferred size attrs."""
    return list(grads) + [None] * (len(op.inputs) - len(grads))


# ---- gradients ------------------------------------------------------------------------

@RegisterGradient("Conv2D")
def _conv2d_grad(op, grad):
    x, f = op.inputs[:2]
    attrs = _conv_geometry_attrs(op)
    return _extra(op, [
        _sized_op("Conv2DBackpropInput", [grad, f], shape(x), "output_shape", attrs),
        _sized_op("Conv2DBackpropFilter", [x, grad], shape(f), "filter_sizes", attrs)])


@RegisterGradient("Conv2DBackpropInput")
def _conv2d_backprop_input_grad(op, grad):
    dy, f = op.inputs[:2]
    attrs = _conv_geometry_attrs(op)
    return _extra(op, [
        _plain_op("Conv2D", [grad, f], attrs),
        _sized_op("Conv2DBackpropFilter", [grad, dy], shape(f), "filter_sizes", attrs)])


@RegisterGradient("Conv2DBackpropFilter")
def _conv2d_backprop_filter_grad(op, grad):
    x, dy = op.inputs[:2]
    attrs = _conv_geometry_attrs(op)
    return _extra(op, [
        _sized_op("Conv2DBackpropInput", [dy, grad], shape(x), "output_shape", attrs),
        _plain_op("Conv2D", [x, grad], attrs)])


@RegisterGradient("DepthwiseConv2dNative")
def _depthwise_grad(op, grad):
    x, f = op.inputs[:2]
    attrs = _conv_geometry_attrs(op)
    return _extra(op, [
        _sized_op("DepthwiseConv2dNativeBackpropInput", [grad, f], shape(x), "input_sizes",
                  attrs),
        _sized_op("DepthwiseConv2dNativeBackpropFilter", [x, grad], shape(f), "filter_sizes",
                  attrs)])


@RegisterGradient("DepthwiseConv2dNativeBackpropInput")
def _depthwise_backprop_input_grad(op, grad):
    dy, f = op.inputs[:2]
    attrs = _conv_geometry_attrs(op)
    return _extra(op, [
        _plain_op("DepthwiseConv2dNative", [grad, f], attrs),
        _sized_op("DepthwiseConv2dNativeBackpropFilter", [grad, dy], shape(f), "filter_sizes",
                  attrs)])


@RegisterGradient("DepthwiseConv2dNativeBackpropFilter")
def _depthwise_backprop_filter_grad(op, grad):
    x, dy = op.inputs[:2]
    attrs = _conv_geometry_attrs(op)
    return _extra(op, [
        _sized_op("DepthwiseConv2dNativeBackpropInput", [dy, grad], shape(x), "input_sizes",
                  attrs),
        _plain_op("DepthwiseConv2dNative", [x, grad], attrs)])


@RegisterGradient("MaxPool")
def _max_pool_grad(op, grad):
    return [_plain_op("MaxPoolGrad", [op.inputs[0], op.outputs[0], grad], _pool_attrs(op))]


@RegisterGradient("MaxPoolGrad")
def _max_pool_grad_grad(op, grad):
    x, y = op.inputs[:2]
    return [zeros_like(x), zeros_like(y),
            _plain_op("MaxPoolGradGrad", [x, y, grad], _pool_attrs(op))]


@RegisterGradient("MaxPoolGradGrad")
def _max_pool_grad_grad_grad(op, grad):
    x, y = op.inputs[:2]
    return [zeros_like(x), zeros_like(y), _plain_op("MaxPoolGrad", [x, y, grad], _pool_attrs(op))]


@RegisterGradient("AvgPool")
def _avg_pool_grad(op, grad):
    return [_sized_op("AvgPoolGrad", [grad], shape(op.inputs[0]), "orig_input_shape",
                      _pool_attrs(op))]


@RegisterGradient("AvgPoolGrad")
def _avg_pool_grad_grad(op, grad):
    return _extra(op, [_plain_op("AvgPool", [grad], _pool_attrs(op))])


# ---- public functions ----------------------------------------------------------------------

def _backprop(op_type, what, tensors, arg_names, sizes, strides, padding, data_format, dilations,
              name):
    graph, tensors = to_tensors_like(tensors, op_type, arg_names)
    attrs = _conv_attrs(strides, padding, data_format, dilations)
    if min(attrs["strides"]) < 1 or min(attrs["dilations"]) < 1:
        raise ValueError(f"strides and dilations must be positive, got {attrs['strides']} "
                         f"and {attrs['dilations']}")
    with graph.as_default():
        return _sized_op(op_type, tensors, sizes, what, attrs, name=name)


def conv2d_backprop_filter(input, filter_sizes, out_backprop, strides, padding,  # noqa: A002
                           use_cudnn_on_gpu=True, data_format="NHWC", dilations=(1, 1, 1, 1),
                           name=None):
    """Computes the gradients of convolution with respect to the filter.

    `input` is [batch, in_height, in_width, in_channels], `filter_sizes` the
    4-D shape [filter_height, filter_width, in_channels, out_channels] of the
    filter, `out_backprop` the gradient of the convolution's output; strides,
    padding and dilations are the forward conv2d's.
    """
    return _backprop("Conv2DBackpropFilter", "filter_sizes", [input, out_backprop],
                     ("input", "out_backprop"), filter_sizes, strides, padding, data_format,
                     dilations, name)


def conv2d_backprop_input(input_sizes, filter=None, out_backprop=None, strides=None,  # noqa: A002
                          padding=None, use_cudnn_on_gpu=True, data_format="NHWC",
                          dilations=(1, 1, 1, 1), name=None, filters=None):
    """Computes the gradients of convolution with respect to the input.

    `input_sizes` is the 4-D shape of the forward conv2d's input, `filter`
    [filter_height, filter_width, in_channels, out_channels] and
    `out_backprop` the gradient of its output; strides, padding and
    dilations are the forward conv2d's.
    """
    filter = filters if filter is None else filter  # noqa: A001
    if filter is None or out_backprop is None or strides is None or padding is None:
        raise TypeError("conv2d_backprop_input() needs filter, out_backprop, strides and padding")
    return conv2d_transpose(out_backprop, filter, input_sizes, strides, padding,
                            data_format=data_format, dilations=dilations,
                            name=name or "Conv2DBackpropInput")


def _depthwise_padding(padding):
    if not isinstance(padding, str):
        raise NotImplementedError("the depthwise backprops take SAME or VALID padding")
    return padding


def depthwise_conv2d_native_backprop_input(input_sizes, filter, out_backprop,  # noqa: A002
                                           strides, padding, data_format="NHWC",
                                           dilations=(1, 1, 1, 1), name=None):
    """Computes the gradients of depthwise convolution with respect to the
    input: `input_sizes` is the forward input's 4-D shape, `filter` [height,
    width, in_channels, channel_multiplier], `out_backprop` [batch,
    out_height, out_width, in_channels * channel_multiplier]."""
    return _backprop("DepthwiseConv2dNativeBackpropInput", "input_sizes", [out_backprop, filter],
                     ("out_backprop", "filter"), input_sizes, strides,
                     _depthwise_padding(padding), data_format, dilations, name)


def depthwise_conv2d_native_backprop_filter(input, filter_sizes, out_backprop,  # noqa: A002
                                            strides, padding, data_format="NHWC",
                                            dilations=(1, 1, 1, 1), name=None):
    """Computes the gradients of depthwise convolution with respect to the
    filter: `input` is the forward input, `filter_sizes` the filter's 4-D
    shape [height, width, in_channels, channel_multiplier], `out_backprop`
    the gradient of the forward output."""
    return _backprop("DepthwiseConv2dNativeBackpropFilter", "filter_sizes",
                     [input, out_backprop], ("input", "out_backprop"), filter_sizes, strides,
                     _depthwise_padding(padding), data_format, dilations, name)


def depthwise_conv2d_backprop_input(input_sizes, filter, out_backprop, strides,  # noqa: A002
                                    padding, data_format="NHWC", dilations=None, name=None):
    """TF 2's name of `depthwise_conv2d_native_backprop_input`."""
    return depthwise_conv2d_native_backprop_input(
        input_sizes, filter, out_backprop, strides, padding, data_format,
        (1, 1) if dilations is None else dilations, name)


def depthwise_conv2d_backprop_filter(input, filter_sizes, out_backprop, strides,  # noqa: A002
                                     padding, data_format="NHWC", dilations=None, name=None):
    """TF 2's name of `depthwise_conv2d_native_backprop_filter`."""
    return depthwise_conv2d_native_backprop_filter(
        input, filter_sizes, out_backprop, strides, padding, data_format,
        (1, 1) if dilations is None else dilations, name)
