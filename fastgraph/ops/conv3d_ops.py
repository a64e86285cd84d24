"""3-D convolutions and pooling over NDHWC volumes: Conv3D with its
backprops (Conv3DBackpropInputV2, Conv3DBackpropFilterV2), MaxPool3D and
AvgPool3D with theirs (MaxPool3DGrad, MaxPool3DGradGrad, AvgPool3DGrad), and
TF's gradients of all of them.

Volumes are rare in the graphs fastgraph runs, so these are host ops
(`OpDef.host`, see staged_run.py): NumPy computes each as one tensordot per
filter tap (BLAS does the channel products), in float64, rounded to the
input's type. Attributes are TF's own: 5-number `strides`, `ksize` and
`dilations` lists, "SAME" or "VALID" padding, data_format NDHWC.
"""

import numpy as np

from ..framework import dtypes, errors
from ..framework.dtype_sets import FLOATS
from ..framework.graphdef_mapping import Attr, Fixed, Input, NodeMapping, TypeAttr
from ..framework.op_registry import Accepts, OpDef, RegisterGradient, register
from ..framework.tensor_shape import debug_string as _fmt
from . import samples
from .arguments import graph_of, make_op, to_tensor, to_tensors_like
from .array_ops import shape as shape_of
from .indexing_ops import zeros_like

__all__ = []
NN = ["conv3d", "conv3d_transpose", "conv3d_backprop_filter", "conv3d_backprop_filter_v2",
      "max_pool3d", "avg_pool3d"]

_N = 3  # spatial dims
# TF's MaxPool3D and MaxPool3DGrad take no float64, so neither does the
# gradient of MaxPool3DGradGrad (a MaxPool3DGrad).
_FLOAT32 = (dtypes.float32,)


# ---- geometry ------------------------------------------------------------------

def sequence(value, name, n=_N):
    """TF's _get_sequence for NDHWC: None, an int or a list of 1, n or n + 2
    ints as the n + 2 numbers of the attr (a tuple)."""
    if value is None:
        return (1,) * (n + 2)
    value = [int(v) for v in value] if isinstance(value, (list, tuple, np.ndarray)) \
        else [int(value)]
    if len(value) == n + 2:
        return tuple(value)
    if len(value) == 1:
        value = value * n
    elif len(value) != n:
        raise ValueError(f"{name} should be of length 1, {n} or {n + 2}. Received: "
                         f"{name}={value} of length {len(value)}")
    return (1, *value, 1)


def _out_size(size, k, stride, dil, padding):
    """(output size, pad before) of one axis, as TF's GetWindowedOutputSize."""
    if size is None:
        return None, None
    eff = (k - 1) * dil + 1
    if padding == "SAME":
        out = -(-size // stride)
        return out, max((out - 1) * stride + eff - size, 0) // 2
    return max((size - eff + stride) // stride, 0), 0


def _spatial(shape, window, attrs):
    """[(out, pad before)] of each spatial axis of an NDHWC `shape`."""
    strides = attrs["strides"][1:-1]
    dil = attrs.get("dilations", (1,) * (_N + 2))[1:-1]
    return [_out_size(shape[1 + i], window[i], strides[i], dil[i], attrs["padding"])
            for i in range(_N)]


def _check_attrs(op_type, attrs, window_attr):
    for name in ("strides", window_attr):
        if name is None:
            continue
        v = attrs[name]
        if len(v) != _N + 2:
            raise ValueError(f"{name} must have 5 elements, got {len(v)}")
        if v[0] != 1 or v[-1] != 1:
            what = "strides" if name == "strides" else "kernel sizes"
            raise ValueError(f"Current implementation does not yet support {what} in the "
                             f"batch and depth dimensions.")
        if min(v) < 1:
            raise ValueError(f"{name} must be positive, got {list(v)}")
    if attrs["padding"] not in ("SAME", "VALID"):
        raise ValueError(f"padding must be 'SAME' or 'VALID', got {attrs['padding']!r}")


def _taps(window):
    return np.ndindex(*window)


def _padded(x, window, attrs, fill):
    """x padded for the windows, and [(out, stride, dilation)] per axis."""
    geo = _spatial(x.shape, window, attrs)
    strides = attrs["strides"][1:-1]
    dil = attrs.get("dilations", (1,) * (_N + 2))[1:-1]
    pads = [(0, 0)]
    for i, (out, before) in enumerate(geo):
        need = (out - 1) * strides[i] + (window[i] - 1) * dil[i] + 1 if out > 0 else 0
        pads.append((before, max(need - x.shape[1 + i] - before, 0)))
    pads.append((0, 0))
    xp = np.pad(x, pads, constant_values=fill)
    return xp, [(geo[i][0], strides[i], dil[i]) for i in range(_N)], [p[0] for p in pads[1:-1]]


def _window(xp, tap, axes):
    """The [N, *out, C] view of padded `xp` under filter tap `tap`."""
    index = [slice(None)]
    for t, (out, s, d) in zip(tap, axes):
        start = t * d
        index.append(slice(start, start + max((out - 1) * s + 1, 0), s))
    index.append(slice(None))
    return xp[tuple(index)]


def _host(reference):
    return lambda ctx, op, values: reference(values, op.attrs)


def _node(inputs, window_attr="dilations", type_attrs=(("T", 0),)):
    attrs = [Fixed("data_format", "NDHWC"), *[TypeAttr(n, input=i) for n, i in type_attrs],
             Attr("strides"), Attr("padding")]
    if window_attr == "dilations":
        attrs.append(Attr("dilations", default=(1,) * (_N + 2)))
    else:
        attrs.append(Attr("ksize"))
    return NodeMapping(inputs, attrs)


def _sizes_value(ctx, index, what):
    """The value of int input `index` (a shape) as a tuple, None when unknown."""
    v = ctx.values[index]
    if v is None:
        s = ctx.shapes[index]
        return None if s is None or s[0] is None else (None,) * s[0]
    v = tuple(int(a) for a in np.asarray(v).reshape(-1))
    if len(v) != _N + 2:
        raise ValueError(f"{what} must have 5 elements, got {len(v)}")
    return v


def _check_rank5(shape, op_type, shapes):
    if shape is not None and len(shape) != _N + 2:
        raise ValueError(f"Shape must be rank 5 but is rank {len(shape)} for '{op_type}' "
                         f"with input shapes: {', '.join(_fmt(s) for s in shapes)}.")


def _check_same_dtype(ctx, op_type, names, first=0):
    want = ctx.dtypes[first]
    for i, name in names:
        if ctx.dtypes[i] != want:
            raise TypeError(f"Input '{name}' of '{op_type}' Op has type {ctx.dtypes[i].name} "
                            f"that does not match type {want.name} of argument "
                            f"'{dict(names).get(first, 'input')}'.")


# ---- Conv3D and its backprops ------------------------------------------------------

def _conv3d_out(x, f, attrs):
    if x is None or f is None:
        return None
    if f[:3].count(None):
        return (x[0], None, None, None, f[4])
    geo = _spatial(x, f[:3], attrs)
    return (x[0], *[g[0] for g in geo], f[4])


def _conv3d_shape(ctx):
    _check_attrs("Conv3D", ctx.attrs, None)
    x, f = ctx.shapes
    _check_rank5(x, "Conv3D", ctx.shapes)
    _check_rank5(f, "Conv3D", ctx.shapes)
    if x is not None and f is not None and x[4] is not None and f[3] is not None \
            and x[4] != f[3]:
        raise ValueError(f"Dimensions must be equal, but are {x[4]} and {f[3]} for "
                         f"'Conv3D' with input shapes: {_fmt(x)}, {_fmt(f)}.")
    return [_conv3d_out(x, f, ctx.attrs)]


def _np_conv3d(inputs, attrs):
    x, f = inputs[0].astype(np.float64), inputs[1].astype(np.float64)
    xp, axes, _ = _padded(x, f.shape[:3], attrs, 0)
    out = np.zeros((x.shape[0], *[a[0] for a in axes], f.shape[4]))
    if out.size:
        for tap in _taps(f.shape[:3]):
            out += np.tensordot(_window(xp, tap, axes), f[tap], axes=([4], [0]))
    return [out.astype(inputs[0].dtype)]


def _input_backprop(sizes, f, dy, attrs):
    """The gradient of Conv3D's input of shape `sizes`."""
    f, dy = f.astype(np.float64), dy.astype(np.float64)
    canvas = np.zeros(sizes)
    xp, axes, before = _padded(canvas, f.shape[:3], attrs, 0)
    xp = np.zeros_like(xp)
    if dy.size:
        for tap in _taps(f.shape[:3]):
            _window(xp, tap, axes)[...] += np.tensordot(dy, f[tap], axes=([4], [1]))
    index = (slice(None),) + tuple(slice(b, b + n) for b, n in zip(before, sizes[1:4])) + \
        (slice(None),)
    return xp[index]


def _filter_backprop(x, sizes, dy, attrs):
    """The gradient of Conv3D's filter of shape `sizes`."""
    x, dy = x.astype(np.float64), dy.astype(np.float64)
    xp, axes, _ = _padded(x, sizes[:3], attrs, 0)
    out = np.zeros(sizes)
    for tap in _taps(sizes[:3]):
        out[tap] = np.tensordot(_window(xp, tap, axes), dy, axes=([0, 1, 2, 3], [0, 1, 2, 3]))
    return out


def _check_backprop(op_type, x, f, dy, attrs):
    """TF's run-time checks of a backprop's sizes (InvalidArgumentError)."""
    if None in (x, f, dy):
        return
    if x[4] != f[3]:
        raise ValueError(f"{op_type}: input and filter must have the same depth: {x[4]} vs "
                         f"{f[3]}")
    want = _conv3d_out(x, f, attrs)
    if tuple(dy) != tuple(want) and None not in dy and None not in want:
        raise ValueError(f"{op_type}: out_backprop has shape {_fmt(dy)}, but the forward "
                         f"convolution gives {_fmt(want)}")


def _backprop_input_shape(ctx):
    _check_attrs("Conv3DBackpropInputV2", ctx.attrs, None)
    _check_same_dtype(ctx, "Conv3DBackpropInputV2", [(2, "out_backprop")], first=1)
    sizes = _sizes_value(ctx, 0, "input_sizes")
    f, dy = ctx.shapes[1], ctx.shapes[2]
    _check_rank5(f, "Conv3DBackpropInputV2", ctx.shapes)
    _check_rank5(dy, "Conv3DBackpropInputV2", ctx.shapes)
    if sizes is not None and None not in sizes:
        _check_backprop("Conv3DBackpropInputV2", sizes, f, dy, ctx.attrs)
    return [sizes]


def _np_backprop_input(inputs, attrs):
    sizes = tuple(int(v) for v in inputs[0])
    _check_run("Conv3DBackpropInputV2", sizes, inputs[1].shape, inputs[2].shape, attrs)
    return [_input_backprop(sizes, inputs[1], inputs[2], attrs).astype(inputs[1].dtype)]


def _backprop_filter_shape(ctx):
    _check_attrs("Conv3DBackpropFilterV2", ctx.attrs, None)
    _check_same_dtype(ctx, "Conv3DBackpropFilterV2", [(2, "out_backprop")])
    sizes = _sizes_value(ctx, 1, "filter_sizes")
    x, dy = ctx.shapes[0], ctx.shapes[2]
    _check_rank5(x, "Conv3DBackpropFilterV2", ctx.shapes)
    _check_rank5(dy, "Conv3DBackpropFilterV2", ctx.shapes)
    if sizes is not None and None not in sizes:
        _check_backprop("Conv3DBackpropFilterV2", x, sizes, dy, ctx.attrs)
    return [sizes]


def _np_backprop_filter(inputs, attrs):
    sizes = tuple(int(v) for v in inputs[1])
    _check_run("Conv3DBackpropFilterV2", inputs[0].shape, sizes, inputs[2].shape, attrs)
    return [_filter_backprop(inputs[0], sizes, inputs[2], attrs).astype(inputs[0].dtype)]


def _check_run(op_type, x, f, dy, attrs):
    try:
        if len(x) != 5 or len(f) != 5 or min(x) < 0 or min(f) < 0:
            raise ValueError(f"{op_type}: input and filter sizes must be 5 non-negative "
                             f"numbers, got {list(x)} and {list(f)}")
        _check_backprop(op_type, tuple(x), tuple(f), tuple(dy), attrs)
    except ValueError as e:
        raise errors.InvalidArgumentError(None, None, str(e)) from None


def _conv_attrs(op):
    return {k: op.get_attr(k) for k in ("strides", "padding", "dilations")}


def _conv3d(x, f, attrs, name=None):
    graph, (x, f) = to_tensors_like([x, f], "Conv3D", ("input", "filter"))
    return make_op(graph, "Conv3D", [x, f], attrs, name=name or "Conv3D").outputs[0]


def _backprop_input(sizes, f, dy, attrs, name=None):
    graph, (f, dy) = to_tensors_like([f, dy], "Conv3DBackpropInputV2",
                                     ("filter", "out_backprop"))
    sizes = to_tensor(graph, sizes, dtype=dtypes.int32)
    return make_op(graph, "Conv3DBackpropInputV2", [sizes, f, dy], attrs,
                   name=name or "Conv3DBackpropInputV2").outputs[0]


def _backprop_filter(x, sizes, dy, attrs, name=None):
    graph, (x, dy) = to_tensors_like([x, dy], "Conv3DBackpropFilterV2",
                                     ("input", "out_backprop"))
    sizes = to_tensor(graph, sizes, dtype=dtypes.int32)
    return make_op(graph, "Conv3DBackpropFilterV2", [x, sizes, dy], attrs,
                   name=name or "Conv3DBackpropFilterV2").outputs[0]


def _conv3d_samples(dtype):
    for i, (strides, padding, dil) in enumerate([((1, 1, 1, 1, 1), "SAME", (1, 1, 1, 1, 1)),
                                                 ((1, 2, 1, 2, 1), "VALID", (1, 1, 1, 1, 1)),
                                                 ((1, 2, 2, 1, 1), "SAME", (1, 1, 1, 1, 1))]):
        yield [samples.values(dtype, (1, 4, 3, 5, 2), i),
               samples.values(dtype, (2, 2, 3, 2, 3), i + 1)], \
            {"strides": strides, "padding": padding, "dilations": dil}


def _backprop_input_samples(dtype):
    for (x, f), attrs in _conv3d_samples(dtype):
        dy_shape = _conv3d_out(x.shape, f.shape, attrs)
        yield [samples.known(x.shape, np.int32), f,
               samples.values(dtype, dy_shape, 5)], attrs


def _backprop_filter_samples(dtype):
    for (x, f), attrs in _conv3d_samples(dtype):
        dy_shape = _conv3d_out(x.shape, f.shape, attrs)
        yield [x, samples.known(f.shape, np.int32), samples.values(dtype, dy_shape, 6)], attrs


register(OpDef("Conv3D", shape=_conv3d_shape, dtype=lambda ctx: [ctx.dtypes[0]],
               reference=_np_conv3d, host=_host(_np_conv3d),
               dtypes=[Accepts("input", FLOATS)], samples=_conv3d_samples,
               graphdef=_node(("input", "filter"))))
register(OpDef("Conv3DBackpropInputV2", shape=_backprop_input_shape,
               dtype=lambda ctx: [ctx.dtypes[1]],
               reference=_np_backprop_input, host=_host(_np_backprop_input),
               dtypes=[Accepts("filter", FLOATS, input=1),
                       Accepts("input_sizes", (dtypes.int32, dtypes.int64), input=0)],
               samples=_backprop_input_samples,
               graphdef=_node(("input_sizes", "filter", "out_backprop"),
                              type_attrs=(("T", 1), ("Tshape", 0)))))
register(OpDef("Conv3DBackpropFilterV2", shape=_backprop_filter_shape,
               dtype=lambda ctx: [ctx.dtypes[0]],
               reference=_np_backprop_filter, host=_host(_np_backprop_filter),
               dtypes=[Accepts("input", FLOATS)], samples=_backprop_filter_samples,
               graphdef=_node(("input", "filter_sizes", "out_backprop"))))


@RegisterGradient("Conv3D")
def _conv3d_grad(op, grad):
    attrs = _conv_attrs(op)
    x, f = op.inputs
    return [_backprop_input(shape_of(x), f, grad, attrs),
            _backprop_filter(x, shape_of(f), grad, attrs)]


@RegisterGradient("Conv3DBackpropInputV2")
def _conv3d_backprop_input_grad(op, grad):
    attrs = _conv_attrs(op)
    return [None, _backprop_filter(grad, shape_of(op.inputs[1]), op.inputs[2], attrs),
            _conv3d(grad, op.inputs[1], attrs)]


@RegisterGradient("Conv3DBackpropFilterV2")
def _conv3d_backprop_filter_grad(op, grad):
    attrs = _conv_attrs(op)
    return [_backprop_input(shape_of(op.inputs[0]), grad, op.inputs[2], attrs), None,
            _conv3d(op.inputs[0], grad, attrs)]


def _conv3d_public_attrs(strides, padding, data_format, dilations):
    if data_format not in (None, "NDHWC"):
        raise NotImplementedError(f"fastgraph convolves NDHWC volumes only, not {data_format}")
    if strides is None or padding is None:
        raise TypeError("conv3d needs strides and padding")
    attrs = {"strides": tuple(int(v) for v in strides), "padding": padding,
             "dilations": tuple(int(v) for v in (dilations or (1,) * 5))}
    _check_attrs("Conv3D", attrs, None)
    return attrs


def conv3d(input, filter=None, strides=None, padding=None, data_format="NDHWC",  # noqa: A002
           dilations=(1, 1, 1, 1, 1), name=None, filters=None):  # noqa: A002
    """Computes a 3-D convolution given 5-D `input` [batch, in_depth,
    in_height, in_width, in_channels] and `filter` [filter_depth,
    filter_height, filter_width, in_channels, out_channels] tensors.

    `strides` and `dilations` are 5-number lists with 1 at both ends;
    `padding` "SAME" or "VALID". (`filters` is the new name of `filter`.)
    """
    filter = filters if filters is not None else filter  # noqa: A001
    return _conv3d(input, filter, _conv3d_public_attrs(strides, padding, data_format,
                                                       dilations), name)


def conv3d_backprop_filter(input, filter_sizes, out_backprop, strides, padding,  # noqa: A002
                           data_format="NDHWC", dilations=(1, 1, 1, 1, 1), name=None):
    """Computes the gradients of 3-D convolution with respect to the filter
    (the Conv3DBackpropFilterV2 op); `filter_sizes` is the filter's 5-D shape."""
    return _backprop_filter(input, filter_sizes, out_backprop,
                            _conv3d_public_attrs(strides, padding, data_format, dilations), name)


conv3d_backprop_filter_v2 = conv3d_backprop_filter


def conv3d_transpose(value=None, filter=None, output_shape=None, strides=None,  # noqa: A002
                     padding="SAME", data_format="NDHWC", name=None, input=None,  # noqa: A002
                     filters=None, dilations=None):
    """The transpose of `conv3d` (the gradient of conv3d with respect to its
    input): `value` [batch, depth, height, width, in_channels], `filter`
    [depth, height, width, output_channels, in_channels], `output_shape` the
    5-D result shape. (`input` and `filters` are the new names.)"""
    filter = filters if filters is not None else filter  # noqa: A001
    value = input if input is not None else value
    graph = graph_of([value, filter, output_shape])
    with graph.as_default(), graph.name_scope(name or "conv3d_transpose") as scope:
        attrs = _conv3d_public_attrs(sequence(strides, "strides"), padding, data_format,
                                     sequence(dilations, "dilations"))
        return _backprop_input(output_shape, filter, value, attrs, name=scope)


# ---- 3-D pooling -----------------------------------------------------------------

def _pool3d_shape(op_type):
    def shape_fn(ctx):
        _check_attrs(op_type, ctx.attrs, "ksize")
        x = ctx.shapes[0]
        _check_rank5(x, op_type, ctx.shapes)
        if x is None:
            return [None]
        geo = _spatial(x, ctx.attrs["ksize"][1:-1], ctx.attrs)
        return [(x[0], *[g[0] for g in geo], x[4])]
    return shape_fn


def _lowest(dtype):
    return -np.inf if dtype.kind == "f" else np.iinfo(dtype).min


def _max_choice(x, attrs):
    """(output, flat index into x of each output's first maximum, -1 where
    the window holds no pixel)."""
    window = attrs["ksize"][1:-1]
    xd = x.astype(np.float64)
    xp, axes, before = _padded(xd, window, attrs, -np.inf)
    ids = np.arange(x.size, dtype=np.int64).reshape(x.shape)
    ip, _, _ = _padded(ids, window, attrs, -1)
    best = None
    arg = None
    for tap in _taps(window):
        v = _window(xp, tap, axes)
        i = _window(ip, tap, axes)
        if best is None:
            best, arg = v.copy(), i.copy()
            continue
        # Strictly greater: the first maximum in window order wins (TF's);
        # NaN wins as TF's max does.
        take = (v > best) | (np.isnan(v) & ~np.isnan(best))
        best = np.where(take, v, best)
        arg = np.where(take, i, arg)
    return best, arg


def _np_max_pool3d(inputs, attrs):
    best, _ = _max_choice(inputs[0], attrs)
    return [best.astype(inputs[0].dtype)]


def _avg_counts(shape, attrs):
    ones = np.ones((1, *shape[1:4], 1))
    window = attrs["ksize"][1:-1]
    op, axes, _ = _padded(ones, window, attrs, 0)
    count = 0
    for tap in _taps(window):
        count = count + _window(op, tap, axes)
    return op, axes, count


def _np_avg_pool3d(inputs, attrs):
    x = inputs[0].astype(np.float64)
    window = attrs["ksize"][1:-1]
    xp, axes, _ = _padded(x, window, attrs, 0)
    total = 0
    for tap in _taps(window):
        total = total + _window(xp, tap, axes)
    _, _, count = _avg_counts(x.shape, attrs)
    with np.errstate(all="ignore"):
        return [(total / count).astype(inputs[0].dtype)]


def _np_avg_pool3d_grad(inputs, attrs):
    sizes = tuple(int(v) for v in inputs[0])
    dy = inputs[1].astype(np.float64)
    window = attrs["ksize"][1:-1]
    canvas = np.zeros(sizes)
    xp, axes, before = _padded(canvas, window, attrs, 0)
    xp = np.zeros_like(xp)
    _, _, count = _avg_counts(sizes, attrs)
    if dy.shape != (sizes[0], *[a[0] for a in axes], sizes[4]):
        raise errors.InvalidArgumentError(None, None, "AvgPool3DGrad: out_backprop has shape "
                                          f"{list(dy.shape)}, which the pooling of "
                                          f"{list(sizes)} does not give")
    if dy.size:
        share = dy / count
        for tap in _taps(window):
            _window(xp, tap, axes)[...] += share
    index = (slice(None),) + tuple(slice(b, b + n) for b, n in zip(before, sizes[1:4])) + \
        (slice(None),)
    return [xp[index].astype(inputs[1].dtype)]


def _np_max_pool3d_grad(inputs, attrs):
    x, _, dy = inputs
    _, arg = _max_choice(x, attrs)
    out = np.zeros(x.size)
    valid = arg >= 0
    np.add.at(out, arg[valid], dy.astype(np.float64)[valid])
    return [out.reshape(x.shape).astype(dy.dtype)]


def _np_max_pool3d_grad_grad(inputs, attrs):
    x, _, g = inputs
    _, arg = _max_choice(x, attrs)
    flat = g.astype(np.float64).reshape(-1)
    out = np.where(arg >= 0, flat[np.maximum(arg, 0)], 0)
    return [out.astype(g.dtype)]


def _pool_samples(dtype, distinct=True):
    for i, (ksize, strides, padding) in enumerate([((1, 2, 2, 2, 1), (1, 2, 2, 2, 1), "VALID"),
                                                   ((1, 3, 2, 3, 1), (1, 1, 2, 1, 1), "SAME"),
                                                   ((1, 2, 3, 1, 1), (1, 2, 1, 1, 1), "SAME")]):
        shape = (2, 3, 3, 4, 1)
        x = samples.values(dtype, shape, i)
        if distinct:  # no ties: the first maximum is each implementation's own choice
            x = (np.random.default_rng(i).permutation(int(np.prod(shape))).reshape(shape) *
                 0.25 - 7).astype(dtype.np_dtype)
        yield x, {"ksize": ksize, "strides": strides, "padding": padding}


def _max_pool3d_samples(dtype):
    for x, attrs in _pool_samples(dtype):
        yield [x], attrs


def _avg_pool3d_samples(dtype):
    for x, attrs in _pool_samples(dtype, distinct=False):
        yield [x], attrs


def _avg_pool3d_grad_samples(dtype):
    for x, attrs in _pool_samples(dtype, distinct=False):
        y = _np_avg_pool3d([x], attrs)[0]
        yield [samples.known(x.shape, np.int32), samples.values(dtype, y.shape, 3)], attrs


def _max_pool3d_grad_samples(dtype):
    for x, attrs in _pool_samples(dtype):
        y = _np_max_pool3d([x], attrs)[0]
        yield [x, y, samples.values(dtype, y.shape, 4)], attrs


def _max_pool3d_grad_grad_samples(dtype):
    for x, attrs in _pool_samples(dtype):
        y = _np_max_pool3d([x], attrs)[0]
        yield [x, y, samples.values(dtype, x.shape, 4)], attrs


def _pool_grad_shape(op_type, out_index):
    def shape_fn(ctx):
        _check_attrs(op_type, ctx.attrs, "ksize")
        return [ctx.shapes[out_index]]
    return shape_fn


def _avg_pool3d_grad_shape(ctx):
    _check_attrs("AvgPool3DGrad", ctx.attrs, "ksize")
    return [_sizes_value(ctx, 0, "orig_input_shape")]


register(OpDef("MaxPool3D", shape=_pool3d_shape("MaxPool3D"), dtype=lambda ctx: [ctx.dtypes[0]],
               reference=_np_max_pool3d, host=_host(_np_max_pool3d),
               dtypes=[Accepts("input", _FLOAT32)], samples=_max_pool3d_samples,
               graphdef=_node(("input",), window_attr="ksize")))
register(OpDef("AvgPool3D", shape=_pool3d_shape("AvgPool3D"), dtype=lambda ctx: [ctx.dtypes[0]],
               reference=_np_avg_pool3d, host=_host(_np_avg_pool3d),
               dtypes=[Accepts("input", FLOATS)], samples=_avg_pool3d_samples,
               graphdef=_node(("input",), window_attr="ksize")))
register(OpDef("AvgPool3DGrad", shape=_avg_pool3d_grad_shape, dtype=lambda ctx: [ctx.dtypes[1]],
               reference=_np_avg_pool3d_grad, host=_host(_np_avg_pool3d_grad),
               dtypes=[Accepts("grad", FLOATS, input=1)], samples=_avg_pool3d_grad_samples,
               graphdef=_node(("orig_input_shape", "grad"), window_attr="ksize",
                              type_attrs=(("T", 1),))))
register(OpDef("MaxPool3DGrad", shape=_pool_grad_shape("MaxPool3DGrad", 0),
               dtype=lambda ctx: [ctx.dtypes[2]],
               reference=_np_max_pool3d_grad, host=_host(_np_max_pool3d_grad),
               dtypes=[Accepts("grad", _FLOAT32, input=2),
                       Accepts("orig_input", _FLOAT32, input=0)],
               samples=_max_pool3d_grad_samples,
               graphdef=_node(("orig_input", "orig_output", "grad"), window_attr="ksize",
                              type_attrs=(("T", 2), ("TInput", 0)))))
register(OpDef("MaxPool3DGradGrad", shape=_pool_grad_shape("MaxPool3DGradGrad", 1),
               dtype=lambda ctx: [ctx.dtypes[0]],
               reference=_np_max_pool3d_grad_grad, host=_host(_np_max_pool3d_grad_grad),
               dtypes=[Accepts("orig_input", _FLOAT32)], samples=_max_pool3d_grad_grad_samples,
               graphdef=_node(("orig_input", "orig_output", "grad"), window_attr="ksize")))


def _pool_attrs(op):
    return {k: op.get_attr(k) for k in ("ksize", "strides", "padding")}


def _pool_op(op_type, inputs, attrs, name=None):
    graph = graph_of(inputs)
    inputs = [to_tensor(graph, t) for t in inputs]
    return make_op(graph, op_type, inputs, attrs, name=name or op_type).outputs[0]


@RegisterGradient("MaxPool3D")
def _max_pool3d_grad(op, grad):
    return [_pool_op("MaxPool3DGrad", [op.inputs[0], op.outputs[0], grad], _pool_attrs(op))]


@RegisterGradient("MaxPool3DGrad")
def _max_pool3d_grad_grad(op, grad):
    return [zeros_like(op.inputs[0]), zeros_like(op.inputs[1]),
            _pool_op("MaxPool3DGradGrad", [op.inputs[0], op.inputs[1], grad], _pool_attrs(op))]


@RegisterGradient("MaxPool3DGradGrad")
def _max_pool3d_grad_grad_grad(op, grad):
    return [zeros_like(op.inputs[0]), zeros_like(op.inputs[1]),
            _pool_op("MaxPool3DGrad", [op.inputs[0], op.inputs[1], grad], _pool_attrs(op))]


@RegisterGradient("AvgPool3D")
def _avg_pool3d_grad(op, grad):
    graph = op.graph
    with graph.as_default():
        sizes = shape_of(op.inputs[0])
    return [_pool_op("AvgPool3DGrad", [sizes, grad], _pool_attrs(op))]


@RegisterGradient("AvgPool3DGrad")
def _avg_pool3d_grad_grad(op, grad):
    return [None, _pool_op("AvgPool3D", [grad], _pool_attrs(op))]


def _pool3d(op_type, default, input, ksize, strides, padding, data_format, name):  # noqa: A002
    if data_format not in (None, "NDHWC"):
        raise NotImplementedError(f"fastgraph pools NDHWC volumes only, not {data_format}")
    graph = graph_of([input])
    with graph.as_default(), graph.name_scope(name or default) as scope:
        attrs = {"ksize": sequence(ksize, "ksize"), "strides": sequence(strides, "strides"),
                 "padding": padding}
        _check_attrs(op_type, attrs, "ksize")
        return _pool_op(op_type, [input], attrs, name=scope)


def max_pool3d(input, ksize, strides, padding, data_format="NDHWC", name=None):  # noqa: A002
    """Performs the max pooling on the input: each output is the maximum of
    a `ksize` window of the 5-D `input` [batch, depth, rows, cols, channels]."""
    return _pool3d("MaxPool3D", "MaxPool3D", input, ksize, strides, padding, data_format, name)


def avg_pool3d(input, ksize, strides, padding, data_format="NDHWC", name=None):  # noqa: A002
    """Performs the average pooling on the input: each output is the mean of
    a `ksize` window of the 5-D `input` (of its pixels inside the volume)."""
    return _pool3d("AvgPool3D", "AvgPool3D", input, ksize, strides, padding, data_format, name)
