"""Convolutions and pooling over NHWC images: conv2d (im2col + BLAS GEMM),
depthwise_conv2d, max_pool and avg_pool, with TF's SAME/VALID geometry.
Their backprops and gradients are in conv_grad_ops."""

import numpy as np

from ..framework.dtype_sets import FLOATS, NUMERIC
from ..framework.graphdef_mapping import ANY, Attr, AttrInput, AttrRule, Fixed, Implied, Input, \
    NodeMapping, TypeAttr
from ..framework.op_registry import Accepts, OpDef, register
from ..framework.tensor_shape import debug_string as _fmt
from . import samples
from .arguments import graph_of, make_op, to_tensor, to_tensors_like
from .array_ops import _ints_attr, expand_dims, squeeze

__all__ = []

NN = ["conv1d", "conv2d", "conv2d_transpose", "atrous_conv2d", "separable_conv2d",
      "depthwise_conv2d", "max_pool", "max_pool2d", "avg_pool", "avg_pool2d"]

# im2col rows per GEMM: enough rows for BLAS to run well, few enough that a
# tile of patches stays in L2.
_TILE_BYTES = 1 << 20
_MIN_TILE = 32


# ---- geometry ----------------------------------------------------------------

def _pair(value, what, n_spatial=2):
    """TF's sequence rule for strides/ksize/dilations: an int, or a list of 1,
    2 or 4 (NHWC) ints; returns (h, w)."""
    if isinstance(value, (int, np.integer)):
        return (int(value),) * n_spatial
    value = [int(v) for v in value]
    if len(value) == 1:
        return (value[0],) * n_spatial
    if len(value) == n_spatial:
        return tuple(value)
    if len(value) == n_spatial + 2:
        if value[0] != 1 or value[-1] != 1:
            raise ValueError(f"{what} in the batch and depth dimensions must be 1, got {value}")
        return tuple(value[1:-1])
    raise ValueError(f"{what} should be of length 1, {n_spatial} or {n_spatial + 2} but was "
                     f"{len(value)}")


def _padding(padding):
    """"SAME", "VALID", or explicit ((top, bottom), (left, right))."""
    if isinstance(padding, str):
        p = padding.upper()
        if p not in ("SAME", "VALID"):
            raise ValueError(f"padding must be 'SAME', 'VALID' or a list, got {padding!r}")
        return p
    pads = [[int(a) for a in pair] for pair in padding]
    if len(pads) != 4 or any(len(pr) != 2 for pr in pads) or pads[0] != [0, 0] \
            or pads[3] != [0, 0]:
        raise ValueError("explicit padding must be [[0, 0], [top, bottom], [left, right], "
                         f"[0, 0]] for NHWC, got {padding}")
    if any(a < 0 for pr in pads for a in pr):
        raise ValueError(f"All elements of explicit_paddings must be nonnegative, got {padding}")
    return (tuple(pads[1]), tuple(pads[2]))


class _PaddingAttrs(AttrRule):
    """fastgraph's padding ("SAME", "VALID" or ((top, bottom), (left, right)))
    as TF's padding and explicit_paddings (EXPLICIT, with 8 NHWC numbers)."""

    tf_names = ("padding", "explicit_paddings")

    def write(self, op, tf_attrs):
        padding = op.get_attr("padding")
        if isinstance(padding, str):
            tf_attrs["padding"] = padding
            return
        tf_attrs["padding"] = "EXPLICIT"
        tf_attrs["explicit_paddings"] = [0, 0, *padding[0], *padding[1], 0, 0]

    def read(self, tf_attrs, attrs, where):
        padding = tf_attrs["padding"]
        if padding == "EXPLICIT":
            flat = list(tf_attrs.get("explicit_paddings", []))
            padding = [flat[i:i + 2] for i in range(0, len(flat), 2)]
        attrs["padding"] = _padding(padding)


def _nhwc(what, default=None):
    """Attr `what` as TF's NHWC list [1, h, w, 1] and fastgraph's (h, w)."""
    kw = {} if default is None else {"default": default}
    return Attr(what, encode=lambda hw: [1, hw[0], hw[1], 1], decode=lambda v: _pair(v, what),
                **kw)


# First among the rules, so that an NCHW node is refused for its format.
_NHWC_ONLY = Fixed("data_format", "NHWC")


def _conv_node(inputs, cudnn=True):
    attrs = [_NHWC_ONLY, TypeAttr("T", input=0), _nhwc("strides"), _PaddingAttrs(),
             _nhwc("dilations", (1, 1))]
    if cudnn:
        attrs.append(Fixed("use_cudnn_on_gpu", True, accepts=ANY))
    return NodeMapping(inputs, attrs)


def _pool_node(input_name):
    return NodeMapping((input_name,), [
        _NHWC_ONLY, TypeAttr("T", input=0), _nhwc("ksize"), _nhwc("strides"), Attr("padding"),
        Implied("dilations", (1, 1))])


def _out_size(size, k, stride, dil, padding, axis):
    """(output size, pad before) along one axis, as TF's GetWindowedOutputSize."""
    if size is None:
        return None, None
    eff = (k - 1) * dil + 1
    if padding == "SAME":
        out = -(-size // stride)
        return out, max((out - 1) * stride + eff - size, 0) // 2
    before, after = (0, 0) if padding == "VALID" else padding[axis]
    num = size + before + after - eff + stride
    out = int(num / stride)  # C's truncation, as TF computes it
    if out < 0:
        raise ValueError(f"Computed output size would be negative: {out} [input_size: "
                         f"{size}, effective_filter_size: {eff}, stride: {stride}]")
    return out, before


def _geometry(x_shape, kh, kw, attrs):
    """iattrs prefix [N, H, W, C, OH, OW, KH, KW, SH, SW, DH, DW, PT, PL]."""
    n, h, w, c = x_shape
    sh, sw = attrs["strides"]
    dh, dw = attrs["dilations"]
    oh, pt = _out_size(h, kh, sh, dh, attrs["padding"], 0)
    ow, pl = _out_size(w, kw, sw, dw, attrs["padding"], 1)
    return [n, h, w, c, oh, ow, kh, kw, sh, sw, dh, dw, pt, pl]


def _check_same_dtype(ctx, op_type, names):
    """TF's TypeError when the tensor inputs `names` (sharing TF's type attr T)
    differ in dtype: the kernels read every input as the first one's type."""
    for name, dtype in zip(names[1:], ctx.dtypes[1:len(names)]):
        if dtype is not None and ctx.dtypes[0] is not None and dtype != ctx.dtypes[0]:
            raise TypeError(f"Input '{name}' of '{op_type}' Op has type {dtype.name} that does "
                            f"not match type {ctx.dtypes[0].name} of argument '{names[0]}'.")


def _check_rank4(shape, op_type, shapes):
    if shape is not None and len(shape) != 4:
        raise ValueError(f"Shape must be rank 4 but is rank {len(shape)} for '{op_type}' with "
                         f"input shapes: {', '.join(_fmt(s) for s in shapes)}.")


def _np_windows(x, kh, kw, attrs, fill):
    """Yields (ky, kx, view [N, OH, OW, C]) of the padded input under each tap."""
    g = _geometry(x.shape, kh, kw, attrs)
    n, h, w, c, oh, ow, _, _, sh, sw, dh, dw, pt, pl = g
    pb = max((oh - 1) * sh + (kh - 1) * dh + 1 - h - pt, 0)
    pr = max((ow - 1) * sw + (kw - 1) * dw + 1 - w - pl, 0)
    xp = np.pad(x, [(0, 0), (pt, pb), (pl, pr), (0, 0)], constant_values=fill)
    for ky in range(kh):
        for kx in range(kw):
            y0, x0 = ky * dh, kx * dw
            # An empty output must not turn the slice's stop negative (from the end).
            yield ky, kx, xp[:, y0:y0 + max((oh - 1) * sh + 1, 0):sh,
                             x0:x0 + max((ow - 1) * sw + 1, 0):sw, :]


# ---- conv2d ------------------------------------------------------------------

def _conv_shape(op_type, ctx):
    _check_same_dtype(ctx, op_type, ("input", "filter"))
    x, f = ctx.shapes
    _check_rank4(x, op_type, ctx.shapes)
    _check_rank4(f, op_type, ctx.shapes)
    if x is None or f is None:
        return [None]
    depthwise = op_type == "DepthwiseConv2dNative"
    if x[3] is not None and f[2] is not None and x[3] != f[2]:
        if depthwise:
            raise ValueError(f"Dimensions must be equal, but are {x[3]} and {f[2]} for "
                             f"'{op_type}' with input shapes: {_fmt(x)}, {_fmt(f)}.")
        raise ValueError(f"Depth of input ({x[3]}) is not a multiple of input depth of filter "
                         f"({f[2]}) for '{op_type}' with input shapes: {_fmt(x)}, {_fmt(f)}.")
    if f[0] is None or f[1] is None:
        return [(x[0], None, None, None)]
    g = _geometry(x, f[0], f[1], ctx.attrs)
    if depthwise:
        co = None if x[3] is None or f[3] is None else x[3] * f[3]
    else:
        co = f[3]
    return [(x[0], g[4], g[5], co)]


def _conv_tile(ctx):
    """im2col rows per GEMM, 0 for a 1x1/stride-1 unpadded conv (no im2col)."""
    g = _geometry(ctx.shapes[0], ctx.shapes[1][0], ctx.shapes[1][1], ctx.attrs)
    n, h, w, c, oh, ow, kh, kw, sh, sw, dh, dw, pt, pl = g
    if kh == kw == 1 and sh == sw == 1 and pt == pl == 0 and (oh, ow) == (h, w):
        return g, 0
    row = max(kh * kw * c * ctx.dtypes[0].size, 1)
    return g, max(1, min(n * oh * ow, max(_MIN_TILE, _TILE_BYTES // row)))


def _conv_lower(ctx):
    g, tile = _conv_tile(ctx)
    # The last word is the GEMM epilogue (compiler/epilogue.py sets it;
    # depthwise_conv2d's lowering ends with one too).
    return g + [ctx.shapes[1][3], tile, 0], None


def _conv_scratch(ctx):
    g, tile = _conv_tile(ctx)
    return tile * g[6] * g[7] * g[3] * ctx.dtypes[0].size


def _size(shape):
    return int(np.prod(shape, dtype=np.int64))


# Multiply-adds that weigh as much as writing one output element: shares are
# sized by a conv's FLOPs (as matmul's are), so that a 7x7 layer with 512
# channels and 4608 taps a pixel is split like a big one.
_MACS_PER_ELEMENT = 16


def _conv_work(ctx):
    return _size(ctx.out_shapes[0]) * _size(ctx.shapes[1][:3]) // _MACS_PER_ELEMENT


def _np_conv2d(inputs, attrs):
    x, f = inputs
    kh, kw = f.shape[:2]
    acc = None
    for ky, kx, win in _np_windows(x.astype(np.float64), kh, kw, attrs, 0):
        term = np.tensordot(win, f[ky, kx].astype(np.float64), axes=([3], [0]))
        acc = term if acc is None else acc + term
    return [acc.astype(x.dtype)]


def _np_depthwise(inputs, attrs):
    x, f = inputs
    kh, kw, c, m = f.shape
    acc = None
    for ky, kx, win in _np_windows(x.astype(np.float64), kh, kw, attrs, 0):
        term = win[..., :, None] * f[ky, kx].astype(np.float64)
        acc = term if acc is None else acc + term
    return [acc.reshape(acc.shape[:3] + (c * m,)).astype(x.dtype)]


register(OpDef("Conv2D", shape=lambda ctx: _conv_shape("Conv2D", ctx),
               dtype=lambda ctx: [ctx.dtypes[0]], kernel="conv2d", lower=_conv_lower,
               reference=_np_conv2d, scratch=_conv_scratch, parallel=True, work=_conv_work,
               dtypes=[Accepts("input", FLOATS)],
               samples=samples.conv2d,
               graphdef=_conv_node(("input", "filter"))))
register(OpDef("DepthwiseConv2dNative",
               shape=lambda ctx: _conv_shape("DepthwiseConv2dNative", ctx),
               dtype=lambda ctx: [ctx.dtypes[0]], kernel="depthwise_conv2d",
               lower=lambda ctx: (_geometry(ctx.shapes[0], ctx.shapes[1][0], ctx.shapes[1][1],
                                            ctx.attrs) + [ctx.shapes[1][3], 0], None),
               reference=_np_depthwise, parallel=True,
               work=lambda ctx: _size(ctx.out_shapes[0]) * _size(ctx.shapes[1][:2]) // 4,
               dtypes=[Accepts("input", FLOATS)],
               samples=samples.depthwise_conv2d,
               graphdef=_conv_node(("input", "filter"), cudnn=False)))


def _conv_attrs(strides, padding, data_format, dilations):
    if data_format not in (None, "NHWC"):
        raise NotImplementedError(f"fastgraph convolves NHWC images only, not {data_format}")
    return {"strides": _pair(strides, "strides"), "padding": _padding(padding),
            "dilations": _pair(1 if dilations is None else dilations, "dilations")}


def _conv_op(op_type, input, filters, attrs, name):  # noqa: A002
    graph, (x, f) = to_tensors_like([input, filters], op_type, ("input", "filter"))
    if min(attrs["strides"]) < 1 or min(attrs["dilations"]) < 1:
        raise ValueError(f"strides and dilations must be positive, got {attrs['strides']} "
                         f"and {attrs['dilations']}")
    return make_op(graph, op_type, [x, f], attrs, name=name or op_type).outputs[0]


def conv2d(input, filters=None, strides=None, padding=None, data_format="NHWC",  # noqa: A002
           dilations=None, name=None, filter=None, use_cudnn_on_gpu=True):  # noqa: A002
    """Computes a 2-D convolution given `input` [batch, in_height, in_width,
    in_channels] and `filters` [filter_height, filter_width, in_channels,
    out_channels] tensors.

    `strides` and `dilations` are an int or a list of 1, 2 or 4 ints;
    `padding` is "SAME", "VALID" or explicit [[0, 0], [top, bottom], [left,
    right], [0, 0]]. (`filter` is TF1's name for `filters`.)
    """
    filters = filter if filters is None else filters
    if filters is None or strides is None or padding is None:
        raise TypeError("conv2d() needs filters, strides and padding")
    return _conv_op("Conv2D", input, filters,
                    _conv_attrs(strides, padding, data_format, dilations), name)


def depthwise_conv2d(input, filter, strides, padding, data_format=None,  # noqa: A002
                     dilations=None, name=None, rate=None):
    """Depthwise 2-D convolution: each input channel is convolved with its
    own `channel_multiplier` filters ([filter_height, filter_width,
    in_channels, channel_multiplier]); the output has in_channels *
    channel_multiplier channels. `strides` is [1, stride, stride, 1];
    `dilations` (TF1: `rate`) the dilation per spatial dim.
    """
    if dilations is None and rate is not None:
        dilations = rate
    attrs = _conv_attrs(strides, padding, data_format, dilations)
    if isinstance(attrs["padding"], tuple):
        raise NotImplementedError("depthwise_conv2d takes SAME or VALID padding")
    return _conv_op("DepthwiseConv2dNative", input, filter, attrs, name)


# ---- convolutions built from conv2d ----------------------------------------------------

def conv1d(input=None, filters=None, stride=None, padding=None,  # noqa: A002
           data_format="NWC", dilations=None, name=None, value=None, filter=None,  # noqa: A002
           use_cudnn_on_gpu=None):
    """Computes a 1-D convolution of `input` [batch, in_width, in_channels]
    with `filters` [filter_width, in_channels, out_channels], as TF does: a
    conv2d over a height of 1. (TF1 names: `value`, `filter`.)"""
    input = value if input is None else input  # noqa: A001
    filters = filter if filters is None else filters
    if data_format not in ("NWC", "NHWC", None):
        raise NotImplementedError(f"fastgraph convolves NWC inputs only, not {data_format}")
    if isinstance(stride, (list, tuple)):
        stride = _pair(stride, "stride", 1)[0]
    dil = 1 if dilations is None else (_pair(dilations, "dilations", 1)[0]
                                       if isinstance(dilations, (list, tuple)) else dilations)
    graph = graph_of([input, filters])
    # TF's names: the Conv2D is named as the scope, its Squeeze inside it.
    with graph.as_default(), graph.name_scope(name or "conv1d") as scope:
        x = expand_dims(input, 1)
        f = expand_dims(filters, 0)
        y = conv2d(x, f, [1, int(stride)], padding, dilations=[1, int(dil)], name=scope)
        return squeeze(y, [1])


def atrous_conv2d(value, filters, rate, padding, name=None):
    """Atrous (dilated) 2-D convolution: conv2d with stride 1 and dilation
    `rate` in both spatial dims."""
    return conv2d(value, filters, 1, padding, dilations=int(rate), name=name)


def separable_conv2d(input, depthwise_filter, pointwise_filter, strides, padding,  # noqa: A002
                     data_format=None, dilations=None, name=None, rate=None):
    """Depthwise convolution followed by a 1x1 convolution that mixes channels:
    `depthwise_filter` [h, w, in_channels, multiplier], `pointwise_filter`
    [1, 1, in_channels * multiplier, out_channels]."""
    graph = graph_of([input, depthwise_filter, pointwise_filter])
    # TF's names: "<scope>/depthwise" and the pointwise conv named as the scope.
    with graph.as_default(), graph.name_scope(name or "separable_conv2d") as scope:
        mid = depthwise_conv2d(input, depthwise_filter, strides, padding,
                               data_format=data_format, dilations=dilations, rate=rate,
                               name="depthwise")
        return conv2d(mid, pointwise_filter, 1, "VALID", data_format=data_format or "NHWC",
                      name=scope)


# ---- conv2d_transpose -------------------------------------------------------------

def _transpose_geometry(ctx):
    """The forward conv's geometry from the output (y) back to the input (x),
    checked against x's spatial size as TF's Conv2DBackpropInput does."""
    x, f = ctx.shapes[:2]
    out = tuple(ctx.attrs["output_shape"])
    g = _geometry(out, f[0], f[1], ctx.attrs)
    for axis, (got, want) in enumerate(((x[1], g[4]), (x[2], g[5]))):
        if got is not None and want is not None and got != want:
            raise ValueError(f"Conv2DCustomBackpropInput: Size of out_backprop doesn't match "
                             f"computed: actual = {got}, computed = {want} spatial_dim: "
                             f"{axis + 1} input: {out[axis + 1]} filter: {f[axis]} output: "
                             f"{got} stride: {ctx.attrs['strides'][axis]} dilation: "
                             f"{ctx.attrs['dilations'][axis]}")
    return g


def _transpose_shape(ctx):
    _check_same_dtype(ctx, "Conv2DBackpropInput", ("out_backprop", "filter"))
    x, f = ctx.shapes[0], ctx.shapes[1]
    _check_rank4(x, "Conv2DBackpropInput", ctx.shapes[:2])
    _check_rank4(f, "Conv2DBackpropInput", ctx.shapes[:2])
    out = tuple(ctx.attrs["output_shape"])
    if len(out) != 4:
        raise ValueError(f"output_shape must have 4 elements, got {len(out)}")
    if x is None or f is None:
        return [out]
    if x[3] is not None and f[3] is not None and x[3] != f[3]:
        raise ValueError(f"Dimensions must be equal, but are {x[3]} and {f[3]} for "
                         f"'Conv2DBackpropInput' with input shapes: {_fmt(x)}, {_fmt(f)}.")
    if f[2] is not None and out[3] != f[2]:
        raise ValueError(f"Conv2DCustomBackpropInput: input and filter must have the same "
                         f"depth: {out[3]} vs {f[2]}")
    if x[0] is not None and out[0] != x[0]:
        raise ValueError(f"Conv2DCustomBackpropInput: input and out_backprop must have the "
                         f"same batch size: {out[0]} vs {x[0]}")
    if None not in f[:2]:
        _transpose_geometry(ctx)
    return [out]


def _transpose_tile(ctx):
    f = ctx.shapes[1]
    row = max(f[0] * f[1] * f[2] * ctx.dtypes[0].size, 1)
    x = ctx.shapes[0]
    return max(1, min(x[1] * x[2], max(_MIN_TILE, _TILE_BYTES // row))), row


def _np_conv2d_transpose(inputs, attrs):
    x, f = inputs[0].astype(np.float64), inputs[1].astype(np.float64)
    out = tuple(attrs["output_shape"])
    kh, kw = f.shape[:2]
    _, _, _, _, oh, ow, _, _, sh, sw, dh, dw, pt, pl = _geometry(out, kh, kw, attrs)
    # Input pixel (i, j) through tap (ky, kx) lands on output row i*sh - pt + ky*dh:
    # on this canvas, shifted by the padding, at i*sh + ky*dh.
    canvas = np.zeros((out[0], max((oh - 1) * sh + (kh - 1) * dh + 1, pt + out[1]),
                       max((ow - 1) * sw + (kw - 1) * dw + 1, pl + out[2]), out[3]))
    for ky in range(kh):
        for kx in range(kw):
            contrib = np.tensordot(x, f[ky, kx], axes=([3], [1]))
            if not contrib.size:
                continue
            canvas[:, ky * dh:ky * dh + (oh - 1) * sh + 1:sh,
                   kx * dw:kx * dw + (ow - 1) * sw + 1:sw] += contrib
    return [canvas[:, pt:pt + out[1], pl:pl + out[2]].astype(inputs[0].dtype)]


register(OpDef("Conv2DBackpropInput", shape=_transpose_shape,
               dtype=lambda ctx: [ctx.dtypes[0]], kernel="conv2d_transpose",
               lower=lambda ctx: (_transpose_geometry(ctx) + [_transpose_tile(ctx)[0]], None),
               reference=_np_conv2d_transpose,
               scratch=lambda ctx: _transpose_tile(ctx)[0] * _transpose_tile(ctx)[1],
               parallel=True, work=lambda ctx: int(np.prod(ctx.shapes[0], dtype=np.int64)) *
               ctx.shapes[1][0] * ctx.shapes[1][1] * ctx.shapes[1][2] // 16,
               dtypes=[Accepts("out_backprop", FLOATS)],
               samples=samples.conv2d_transpose,
               graphdef=_conv_node((AttrInput("input_sizes", "output_shape", deferred=True),
                                    Input("filter", 1), Input("out_backprop", 0)))))


def conv2d_transpose(input=None, filters=None, output_shape=None, strides=None,  # noqa: A002
                     padding="SAME", data_format="NHWC", dilations=None, name=None,
                     value=None, filter=None):  # noqa: A002
    """The transpose of `conv2d` (sometimes called deconvolution): the
    gradient of conv2d with respect to its input.

    `input` is [batch, height, width, in_channels], `filters` [height, width,
    output_channels, in_channels] and `output_shape` the 4-D shape of the
    result, which a forward conv2d with the same strides and padding would
    map back to `input`'s spatial size. (TF1 names: `value`, `filter`.)
    """
    input = value if input is None else input  # noqa: A001
    filters = filter if filters is None else filters
    if input is None or filters is None or output_shape is None or strides is None:
        raise TypeError("conv2d_transpose() needs input, filters, output_shape and strides")
    attrs = _conv_attrs(strides, padding, data_format, dilations)
    graph, (x, f) = to_tensors_like([input, filters], "Conv2DBackpropInput",
                                    ("out_backprop", "filter"))
    inputs = [x, f]
    attrs["output_shape"] = _ints_attr(graph, output_shape, "output_shape",
                                       "conv2d_transpose", inputs)
    return make_op(graph, "Conv2DBackpropInput", inputs, attrs,
                   name=name or "conv2d_transpose").outputs[0]


# ---- pooling ---------------------------------------------------------------------

def _pool_shape(op_type, ctx):
    x = ctx.shapes[0]
    _check_rank4(x, op_type, ctx.shapes)
    if x is None:
        return [None]
    kh, kw = ctx.attrs["ksize"]
    g = _geometry(x, kh, kw, ctx.attrs)
    return [(x[0], g[4], g[5], x[3])]


def _pool_lower(ctx):
    kh, kw = ctx.attrs["ksize"]
    return _geometry(ctx.shapes[0], kh, kw, ctx.attrs), None


def _np_max_pool(inputs, attrs):
    x = inputs[0]
    low = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min
    out = None
    for _, _, win in _np_windows(x, *attrs["ksize"], attrs, low):
        out = win.copy() if out is None else np.maximum(out, win)
    return [out.astype(x.dtype)]


def _np_avg_pool(inputs, attrs):
    x = inputs[0]
    total = count = 0
    ones = np.ones(x.shape[:3] + (1,))
    for (_, _, win), (_, _, cnt) in zip(_np_windows(x.astype(np.float64), *attrs["ksize"],
                                                    attrs, 0),
                                        _np_windows(ones, *attrs["ksize"], attrs, 0)):
        total = total + win
        count = count + cnt
    return [(total / count).astype(x.dtype)]


register(OpDef("MaxPool", shape=lambda ctx: _pool_shape("MaxPool", ctx),
               dtype=lambda ctx: [ctx.dtypes[0]], kernel="max_pool", lower=_pool_lower,
               reference=_np_max_pool, parallel=True,
               dtypes=[Accepts("input", NUMERIC)],
               samples=samples.pool,
               graphdef=_pool_node("input")))
register(OpDef("AvgPool", shape=lambda ctx: _pool_shape("AvgPool", ctx),
               dtype=lambda ctx: [ctx.dtypes[0]], kernel="avg_pool", lower=_pool_lower,
               reference=_np_avg_pool, parallel=True,
               dtypes=[Accepts("value", FLOATS)],
               samples=samples.pool,
               graphdef=_pool_node("value")))


def _pool(op_type, input, ksize, strides, padding, data_format, name):  # noqa: A002
    if data_format not in (None, "NHWC"):
        raise NotImplementedError(f"fastgraph pools NHWC images only, not {data_format}")
    graph = graph_of([input])
    x = to_tensor(graph, input)
    padding = _padding(padding)
    if not isinstance(padding, str):
        raise NotImplementedError(f"{op_type} takes SAME or VALID padding")
    attrs = {"ksize": _pair(ksize, "ksize"), "strides": _pair(strides, "strides"),
             "padding": padding, "dilations": (1, 1)}
    if min(attrs["ksize"]) < 1 or min(attrs["strides"]) < 1:
        raise ValueError(f"ksize and strides must be positive, got {attrs['ksize']} and "
                         f"{attrs['strides']}")
    return make_op(graph, op_type, [x], attrs, name=name or op_type).outputs[0]


def max_pool2d(input, ksize, strides, padding, data_format="NHWC", name=None):  # noqa: A002
    """Performs max pooling on the input: each output is the maximum of the
    input under a `ksize` window moved by `strides` (ints or lists of 1, 2 or
    4); `padding` "SAME" or "VALID" (padding never wins the max)."""
    return _pool("MaxPool", input, ksize, strides, padding, data_format, name)


def max_pool(input=None, ksize=None, strides=None, padding=None, data_format=None,  # noqa: A002
             name=None, value=None):
    """Performs max pooling on the input (TF1's `value` is `input`)."""
    return max_pool2d(value if input is None else input, ksize, strides, padding, data_format,
                      name)


def avg_pool2d(input, ksize, strides, padding, data_format="NHWC", name=None):  # noqa: A002
    """Performs average pooling on the input: each output is the mean of the
    input under a `ksize` window moved by `strides`; with "SAME" padding the
    mean is over the window's pixels inside the image only."""
    return _pool("AvgPool", input, ksize, strides, padding, data_format, name)


def avg_pool(input=None, ksize=None, strides=None, padding=None, data_format=None,  # noqa: A002
             name=None, value=None):
    """Performs average pooling on the input (TF1's `value` is `input`)."""
    return avg_pool2d(value if input is None else input, ksize, strides, padding, data_format,
                      name)
