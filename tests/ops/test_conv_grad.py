"""The convolution and pooling backprops and the gradients of conv_ops' ops.

Every gradient is checked against central finite differences in float64
(`check_gradient`). The backprop kernels are checked against identities
independent of their references: the filter and input backprops are the
adjoints of the forward convolution (<conv(x, f), dy> = <x, dx> = <f, df>
for every x, f, dy), and the pooling gradients against small cases worked
out by hand (ties, windows over the padding)."""

import numpy as np
import pytest

import fastgraph as tf
from fastgraph._native import runtime

from ..evaluate import max_parts
from ..gradient_check import check_gradient
from .test_conv import ref_max_pool

RNG = np.random.default_rng(0)


def _normal(*shape):
    return RNG.normal(size=shape)


def _out(size, k, stride, dil, padding):
    eff = (k - 1) * dil + 1
    if padding == "SAME":
        return -(-size // stride)
    before, after = (0, 0) if padding == "VALID" else padding
    return (size + before + after - eff) // stride + 1


def _out_hw(h, w, kh, kw, strides, dil, padding):
    pads = (padding, padding) if isinstance(padding, str) else padding
    return (_out(h, kh, strides[0], dil[0], pads[0]), _out(w, kw, strides[1], dil[1], pads[1]))


# H, W, C, KH, KW, strides, dilations, padding (explicit as ((top, bottom), (left, right)))
CONV = [
    (5, 6, 2, 3, 3, (1, 1), (1, 1), "SAME"),
    (5, 6, 2, 3, 2, (2, 2), (1, 1), "VALID"),
    (6, 5, 2, 2, 3, (2, 1), (1, 1), "SAME"),
    (7, 6, 1, 2, 2, (1, 1), (2, 2), "SAME"),
    (7, 7, 2, 3, 2, (1, 2), (2, 1), "VALID"),
    (5, 5, 3, 1, 1, (1, 1), (1, 1), "VALID"),
    (6, 5, 2, 2, 2, (1, 1), (1, 1), ((1, 2), (0, 1))),
    (7, 6, 2, 3, 2, (2, 3), (1, 2), ((2, 0), (1, 1))),
]
DEPTHWISE = [c for c in CONV if isinstance(c[7], str)]


def _attrs(strides, dil, padding):
    return {"strides": strides, "dilations": dil, "padding": padding}


@pytest.mark.parametrize("h,w,c,kh,kw,strides,dil,padding", CONV, ids=str)
def test_conv2d_gradient(h, w, c, kh, kw, strides, dil, padding):
    check_gradient("Conv2D", [_normal(2, h, w, c), _normal(kh, kw, c, 3)],
                   _attrs(strides, dil, padding))


@pytest.mark.parametrize("h,w,c,kh,kw,strides,dil,padding", CONV, ids=str)
def test_conv2d_backprop_input_gradient(h, w, c, kh, kw, strides, dil, padding):
    oh, ow = _out_hw(h, w, kh, kw, strides, dil, padding)
    attrs = dict(_attrs(strides, dil, padding), output_shape=(2, h, w, c))
    check_gradient("Conv2DBackpropInput", [_normal(2, oh, ow, 3), _normal(kh, kw, c, 3)], attrs)


@pytest.mark.parametrize("h,w,c,kh,kw,strides,dil,padding", CONV, ids=str)
def test_conv2d_backprop_filter_gradient(h, w, c, kh, kw, strides, dil, padding):
    oh, ow = _out_hw(h, w, kh, kw, strides, dil, padding)
    attrs = dict(_attrs(strides, dil, padding), filter_sizes=(kh, kw, c, 3))
    check_gradient("Conv2DBackpropFilter", [_normal(2, h, w, c), _normal(2, oh, ow, 3)], attrs)


@pytest.mark.parametrize("mult", [1, 2, 3])
@pytest.mark.parametrize("h,w,c,kh,kw,strides,dil,padding", DEPTHWISE, ids=str)
def test_depthwise_gradients(h, w, c, kh, kw, strides, dil, padding, mult):
    attrs = _attrs(strides, dil, padding)
    oh, ow = _out_hw(h, w, kh, kw, strides, dil, padding)
    check_gradient("DepthwiseConv2dNative", [_normal(2, h, w, c), _normal(kh, kw, c, mult)],
                   attrs)
    check_gradient("DepthwiseConv2dNativeBackpropInput",
                   [_normal(2, oh, ow, c * mult), _normal(kh, kw, c, mult)],
                   dict(attrs, input_sizes=(2, h, w, c)))
    check_gradient("DepthwiseConv2dNativeBackpropFilter",
                   [_normal(2, h, w, c), _normal(2, oh, ow, c * mult)],
                   dict(attrs, filter_sizes=(kh, kw, c, mult)))


POOLS = [((2, 2), (2, 2), "VALID"), ((3, 3), (1, 1), "SAME"), ((3, 2), (2, 1), "SAME"),
         ((2, 3), (1, 2), "VALID"), ((4, 4), (3, 3), "SAME"), ((1, 1), (1, 1), "VALID")]


def _pool_attrs(ksize, strides, padding):
    return {"ksize": ksize, "strides": strides, "padding": padding, "dilations": (1, 1)}


def _distinct(*shape):
    """Values far apart (no ties, no flip of the maximum under a finite-difference step)."""
    return RNG.permutation(np.prod(shape)).reshape(shape) * 0.01 - 1


@pytest.mark.parametrize("ksize,strides,padding", POOLS, ids=str)
def test_pool_gradients(ksize, strides, padding):
    attrs = _pool_attrs(ksize, strides, padding)
    x = _distinct(2, 7, 6, 3)
    oh, ow = _out_hw(7, 6, *ksize, strides, (1, 1), padding)
    check_gradient("MaxPool", [x], attrs, atol=1e-7)
    check_gradient("AvgPool", [_normal(2, 7, 6, 3)], attrs)
    # TF's gradients of MaxPoolGrad and MaxPoolGradGrad hold for orig_output = MaxPool(x).
    y = ref_max_pool(x, ksize, strides, padding)
    check_gradient("MaxPoolGrad", [x, y, _normal(2, oh, ow, 3)], attrs)
    check_gradient("MaxPoolGradGrad", [x, y, _normal(2, 7, 6, 3)], attrs)
    check_gradient("AvgPoolGrad", [_normal(2, oh, ow, 3)],
                   dict(attrs, orig_input_shape=(2, 7, 6, 3)))


# ---- the kernels against independent identities ------------------------------------------

def _run(build, arrays):
    with tf.Graph().as_default():
        phs = [tf.placeholder(tf.as_dtype(a.dtype), [None] * a.ndim) for a in arrays]
        with tf.Session() as sess:
            return sess.run(build(*phs), dict(zip(phs, arrays)))


def _nhwc(strides):
    return [1, strides[0], strides[1], 1]


def _explicit(padding):
    return padding if isinstance(padding, str) else [[0, 0], list(padding[0]),
                                                      list(padding[1]), [0, 0]]


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("h,w,c,kh,kw,strides,dil,padding", CONV, ids=str)
def test_conv_backprops_are_the_adjoints_of_conv2d(h, w, c, kh, kw, strides, dil, padding,
                                                    dtype):
    x = _normal(3, h, w, c).astype(dtype)
    f = _normal(kh, kw, c, 4).astype(dtype)
    oh, ow = _out_hw(h, w, kh, kw, strides, dil, padding)
    dy = _normal(3, oh, ow, 4).astype(dtype)
    pad = _explicit(padding)
    y, dx, df = _run(lambda a, b, d: [
        tf.nn.conv2d(a, b, strides, pad, dilations=list(dil)),
        tf.nn.conv2d_backprop_input(tf.shape(a), b, d, _nhwc(strides), pad,
                                    dilations=[1, *dil, 1]),
        tf.nn.conv2d_backprop_filter(a, tf.shape(b), d, _nhwc(strides), pad,
                                     dilations=[1, *dil, 1])], [x, f, dy])
    assert dx.dtype == dtype and dx.shape == x.shape and df.shape == f.shape
    tol = 1e-4 if dtype == np.float32 else 1e-10
    total = np.sum(y.astype(np.float64) * dy)
    np.testing.assert_allclose(np.sum(x.astype(np.float64) * dx), total, rtol=tol)
    np.testing.assert_allclose(np.sum(f.astype(np.float64) * df), total, rtol=tol)
    # Each filter entry on its own: <conv(x, e_k), dy> = df[k].
    k = (kh - 1, 0, c - 1, 3)
    unit = np.zeros_like(f)
    unit[k] = 1
    y_unit = _run(lambda a, b: tf.nn.conv2d(a, b, strides, pad, dilations=list(dil)), [x, unit])
    np.testing.assert_allclose(df[k], np.sum(y_unit.astype(np.float64) * dy), rtol=tol,
                               atol=tol)


@pytest.mark.parametrize("mult", [1, 2, 3])
@pytest.mark.parametrize("h,w,c,kh,kw,strides,dil,padding", DEPTHWISE, ids=str)
def test_depthwise_backprops_are_the_adjoints(h, w, c, kh, kw, strides, dil, padding, mult):
    x = _normal(2, h, w, c)
    f = _normal(kh, kw, c, mult)
    oh, ow = _out_hw(h, w, kh, kw, strides, dil, padding)
    dy = _normal(2, oh, ow, c * mult)
    y, dx, df = _run(lambda a, b, d: [
        tf.nn.depthwise_conv2d(a, b, _nhwc(strides), padding, dilations=list(dil)),
        tf.nn.depthwise_conv2d_native_backprop_input(tf.shape(a), b, d, _nhwc(strides),
                                                     padding, dilations=[1, *dil, 1]),
        tf.nn.depthwise_conv2d_backprop_filter(a, tf.shape(b), d, _nhwc(strides), padding,
                                               dilations=list(dil))], [x, f, dy])
    total = np.sum(y * dy)
    np.testing.assert_allclose(np.sum(x * dx), total, rtol=1e-10)
    np.testing.assert_allclose(np.sum(f * df), total, rtol=1e-10)
    # An input channel's gradient only sees its own multiplier's outputs.
    dy_one = np.zeros_like(dy)
    dy_one[..., 0:mult] = dy[..., 0:mult]
    dx_one = _run(lambda b, d: tf.nn.depthwise_conv2d_native_backprop_input(
        list(x.shape), b, d, _nhwc(strides), padding, dilations=[1, *dil, 1]), [f, dy_one])
    assert np.all(dx_one[..., 1:] == 0)


def test_filter_backprop_splits_into_shares_and_tiles():
    """Enough pixels for several im2col tiles, enough work for several shares."""
    x = _normal(4, 24, 24, 32).astype(np.float32) * 0.5
    dy = _normal(4, 24, 24, 8).astype(np.float32) * 0.5

    def build(a, d):
        return tf.nn.conv2d_backprop_filter(a, [3, 3, 32, 8], d, [1, 1, 1, 1], "SAME")

    assert max_parts(build, x, dy) > 1
    got = _run(build, [x, dy])
    xp = np.pad(x.astype(np.float64), [(0, 0), (1, 1), (1, 1), (0, 0)])
    want = np.stack([np.stack([np.tensordot(xp[:, ky:ky + 24, kx:kx + 24], dy,
                                            axes=([0, 1, 2], [0, 1, 2])) for kx in range(3)])
                     for ky in range(3)])
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-3)


# The float32 filter backprop's direct path (AVX-512 machines): filter rows in
# register blocks of 8 and output channels in blocks of 32, so these cross
# both edges; more than one 128-pixel im2col tile; a first layer's 3 colours;
# windows over the padding, strides and dilations (dilated columns go tap by
# tap).
# N, H, W, C, KH, KW, CO, strides, dilations, padding
FILTER_DIRECT = [
    (2, 32, 32, 3, 3, 3, 32, (1, 1), (1, 1), "SAME"),
    (3, 9, 11, 5, 3, 2, 5, (1, 1), (1, 1), "SAME"),
    (2, 13, 9, 4, 3, 3, 33, (2, 1), (1, 1), "VALID"),
    (2, 10, 12, 7, 2, 3, 17, (1, 2), (2, 2), "SAME"),
    (1, 15, 15, 16, 5, 5, 40, (3, 3), (1, 1), ((2, 1), (0, 3))),
    (4, 7, 7, 9, 1, 1, 64, (1, 1), (1, 1), "VALID"),
    (1, 1, 1, 2, 1, 1, 3, (1, 1), (1, 1), "VALID"),
]


def _np_filter_backprop(x, dy, kh, kw, strides, dil, padding):
    """df[ky, kx, c, o] = sum over output pixels of x's tap times dy, in float64."""
    n, h, w, c = x.shape
    oh, ow = dy.shape[1:3]
    if padding == "SAME":
        pads = []
        for size, k, st, d, out in ((h, kh, strides[0], dil[0], oh), (w, kw, strides[1], dil[1], ow)):
            total = max((out - 1) * st + (k - 1) * d + 1 - size, 0)
            pads.append((total // 2, total - total // 2))
    elif padding == "VALID":
        pads = [(0, 0), (0, 0)]
    else:
        pads = list(padding)
    xp = np.pad(x.astype(np.float64), [(0, 0), pads[0], pads[1], (0, 0)])
    df = np.zeros((kh, kw, c, dy.shape[3]))
    for ky in range(kh):
        for kx in range(kw):
            y0, x0 = ky * dil[0], kx * dil[1]
            taps = xp[:, y0:y0 + (oh - 1) * strides[0] + 1:strides[0],
                      x0:x0 + (ow - 1) * strides[1] + 1:strides[1]]
            df[ky, kx] = np.tensordot(taps, dy.astype(np.float64), axes=([0, 1, 2], [0, 1, 2]))
    return df


@pytest.mark.parametrize("n,h,w,c,kh,kw,co,strides,dil,padding", FILTER_DIRECT, ids=str)
def test_float32_filter_backprop_blocks_agree_with_numpy(n, h, w, c, kh, kw, co, strides, dil,
                                                         padding):
    x = _normal(n, h, w, c).astype(np.float32)
    oh, ow = _out_hw(h, w, kh, kw, strides, dil, padding)
    dy = _normal(n, oh, ow, co).astype(np.float32)

    def build(a, d):
        return tf.nn.conv2d_backprop_filter(a, [kh, kw, c, co], d, _nhwc(strides),
                                            _explicit(padding), dilations=[1, *dil, 1])

    got = _run(build, [x, dy])
    want = _np_filter_backprop(x, dy, kh, kw, strides, dil, padding)
    scale = np.sqrt(n * oh * ow)
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5 * scale)


def test_float32_filter_backprop_shares_agree_with_one_thread():
    """On the direct path (AVX-512) each share takes whole blocks of 8 filter
    rows: the split result is the single-thread one, bit for bit. Elsewhere
    the shares are BLAS calls of other widths, whose edge kernels may sum in
    another order, so they agree to rounding only."""
    x = _normal(8, 20, 20, 3).astype(np.float32)
    dy = _normal(8, 20, 20, 24).astype(np.float32)

    def build(a, d):
        return tf.nn.conv2d_backprop_filter(a, [3, 3, 3, 24], d, [1, 1, 1, 1], "SAME")

    assert max_parts(build, x, dy) > 1
    results = []
    for threads in (1, 2):
        with tf.Graph().as_default():
            a, d = tf.placeholder(tf.float32, x.shape), tf.placeholder(tf.float32, dy.shape)
            config = tf.ConfigProto(intra_op_parallelism_threads=threads)
            with tf.Session(config=config) as sess:
                results.append(sess.run(build(a, d), {a: x, d: dy}))
    if runtime.gemm_isa() >= 2:
        np.testing.assert_array_equal(results[0], results[1])
    else:
        np.testing.assert_allclose(results[0], results[1], rtol=1e-5, atol=1e-4)
    np.testing.assert_allclose(results[0], _np_filter_backprop(x, dy, 3, 3, (1, 1), (1, 1),
                                                               "SAME"), rtol=1e-4, atol=1e-3)


def _raw(op_type, inputs, attrs):
    """The op's kernel on `inputs` (fed, so that the compiler cannot fold it)."""
    with tf.Graph().as_default() as g:
        phs = [tf.placeholder(tf.as_dtype(a.dtype), a.shape) for a in inputs]
        out = g.create_op(op_type, phs, attrs).outputs[0]
        with tf.Session() as sess:
            return sess.run(out, dict(zip(phs, inputs)))


def test_max_pool_grad_goes_to_the_first_maximum():
    # One image, one channel; 2x2 windows, stride 1, VALID: windows overlap.
    x = np.array([[1., 3., 3.],
                  [3., 2., 0.],
                  [0., 3., 1.]]).reshape(1, 3, 3, 1)
    dy = np.array([[10., 20.],
                   [30., 40.]]).reshape(1, 2, 2, 1)
    attrs = _pool_attrs((2, 2), (1, 1), "VALID")
    got = _raw("MaxPoolGrad", [x, np.zeros((1, 2, 2, 1)), dy], attrs)
    # dx[0, 1] = 10 + 20: window (0,0) ties 3 at (0,1) and (1,0): (0,1) comes first in row-major
    # order; window (0,1) ties (0,1) and (0,2): (0,1); window (1,0): (1,0) before
    # (2,1); window (1,1): (2,1).
    want = np.array([[0., 30., 0.],
                     [30., 0., 0.],
                     [0., 40., 0.]]).reshape(1, 3, 3, 1)
    np.testing.assert_array_equal(got, want)
    # MaxPoolGradGrad reads ddx at the first tap equal to orig_output (TF's CPU
    # kernel): the same taps for the true maxima, none for a value not there.
    ddx = np.arange(9.).reshape(1, 3, 3, 1)
    gg = _raw("MaxPoolGradGrad", [x, np.full((1, 2, 2, 1), 3.), ddx], attrs)
    np.testing.assert_array_equal(gg.reshape(2, 2), [[1., 1.], [3., 7.]])
    gg = _raw("MaxPoolGradGrad", [x, np.array([3., 0., 0., 5.]).reshape(1, 2, 2, 1), ddx], attrs)
    np.testing.assert_array_equal(gg.reshape(2, 2), [[1., 5.], [6., 0.]])


def test_max_pool_grad_skips_the_padding_and_a_later_nan():
    # SAME 3x3 windows over a 2x2 image: every window holds all four pixels,
    # partly over the padding; the NaN after the first tap never wins.
    x = np.array([[-5., np.nan], [-7., -6.]]).reshape(1, 2, 2, 1)
    dy = np.array([[1., 2.], [4., 8.]]).reshape(1, 2, 2, 1)
    got = _raw("MaxPoolGrad", [x, np.zeros((1, 2, 2, 1)), dy], _pool_attrs((3, 3), (1, 1), "SAME"))
    np.testing.assert_array_equal(got.reshape(2, 2), [[15., 0.], [0., 0.]])


def test_avg_pool_grad_divides_by_the_pixels_inside():
    # SAME 2x2 windows, stride 2, over a 3x3 image: windows of 4, 2, 2 and 1 pixels.
    dy = np.array([[4., 2.], [6., 5.]]).reshape(1, 2, 2, 1)
    got = _raw("AvgPoolGrad", [dy], dict(_pool_attrs((2, 2), (2, 2), "SAME"),
                                         orig_input_shape=(1, 3, 3, 1)))
    np.testing.assert_allclose(got.reshape(3, 3), [[1., 1., 1.], [1., 1., 1.], [3., 3., 5.]])


# ---- gradients with shapes known only at run time -------------------------------------

def _chain(xt, ft, dt):
    y = tf.nn.conv2d(xt, ft, 2, "SAME")
    y = tf.nn.depthwise_conv2d(y, dt, [1, 1, 1, 1], "VALID")
    y = tf.nn.max_pool2d(y, 2, 1, "SAME")
    return tf.nn.avg_pool2d(y, 2, 2, "SAME")


def _chain_and_gradients(arrays, shapes, w):
    """(the chain's output, its gradients for output weights w)."""
    with tf.Graph().as_default():
        phs = [tf.placeholder(tf.float64, s) for s in shapes]
        y = _chain(*phs)
        wt = tf.placeholder(tf.float64, None)
        grads = tf.gradients(y, phs, grad_ys=wt)
        with tf.Session() as sess:
            feeds = dict(zip(phs, arrays))
            out = sess.run(y, feeds)
            if w is None:
                return out, None
            return out, sess.run(grads, {**feeds, wt: w})


def test_gradients_with_unknown_batch_and_spatial_dims():
    x, f, dwf = _normal(3, 9, 8, 2), _normal(3, 3, 2, 4), _normal(3, 3, 4, 2)
    unknown = [[None, None, None, 2], [None] * 4, dwf.shape]
    y, _ = _chain_and_gradients([x, f, dwf], unknown, None)
    w = _normal(*y.shape)
    _, grads = _chain_and_gradients([x, f, dwf], unknown, w)
    _, static = _chain_and_gradients([x, f, dwf], [x.shape, f.shape, dwf.shape], w)
    for a, b in zip(grads, static):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    # Entries of each input by central differences through the whole chain.
    for i, k in [(0, (1, 4, 3, 1)), (1, (1, 2, 0, 3)), (2, (0, 1, 3, 1))]:
        arrays = [x, f, dwf]
        step = np.zeros_like(arrays[i])
        step[k] = 1e-6
        up = _chain_and_gradients([a + (step if j == i else 0) for j, a in enumerate(arrays)],
                                  unknown, None)[0]
        down = _chain_and_gradients([a - (step if j == i else 0) for j, a in enumerate(arrays)],
                                    unknown, None)[0]
        np.testing.assert_allclose(grads[i][k], np.sum((up - down) * w) / 2e-6, rtol=1e-5,
                                   atol=1e-8)


def test_second_order_gradient_through_conv2d():
    x, f = _normal(2, 5, 5, 2), _normal(3, 3, 2, 2)
    w, v = _normal(2, 5, 5, 2), _normal(2, 5, 5, 2)
    with tf.Graph().as_default():
        xt = tf.placeholder(tf.float64, x.shape)
        ft = tf.placeholder(tf.float64, [None, None, 2, 2])
        y = tf.nn.conv2d(xt * xt, ft, 1, "SAME")
        (gx,) = tf.gradients(y, [xt], grad_ys=tf.constant(w))
        (gfx,) = tf.gradients(gx, [ft], grad_ys=tf.constant(v))
        with tf.Session() as sess:
            got = sess.run(gfx, {xt: x, ft: f})

            def loss(fv):
                return float(np.sum(sess.run(gx, {xt: x, ft: fv}) * v))

            for k in [(0, 1, 1, 0), (2, 2, 0, 1)]:
                step = np.zeros_like(f)
                step[k] = 1e-6
                np.testing.assert_allclose(got[k], (loss(f + step) - loss(f - step)) / 2e-6,
                                           rtol=1e-6)


# ---- bad input ---------------------------------------------------------------------

def test_bad_filter_sizes_and_shapes_raise_tf_errors():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [2, 7, 6, 3])
        dy = tf.placeholder(tf.float32, [2, 7, 6, 4])
        with pytest.raises(ValueError, match="filter must be 4-dimensional"):
            tf.nn.conv2d_backprop_filter(x, [3, 3, 3], dy, [1, 1, 1, 1], "SAME")
        with pytest.raises(ValueError, match="evenly divisible by filter depth"):
            tf.nn.conv2d_backprop_filter(x, [3, 3, 2, 4], dy, [1, 1, 1, 1], "SAME")
        with pytest.raises(ValueError, match="same out_depth"):
            tf.nn.conv2d_backprop_filter(x, [3, 3, 3, 5], dy, [1, 1, 1, 1], "SAME")
        with pytest.raises(ValueError, match="actual = 7, computed = 5"):
            tf.nn.conv2d_backprop_filter(x, [3, 3, 3, 4], dy, [1, 1, 1, 1], "VALID")
        with pytest.raises(ValueError, match="depth_multiplier \\* in_depth not equal"):
            tf.nn.depthwise_conv2d_native_backprop_filter(x, [3, 3, 3, 2], dy, [1, 1, 1, 1],
                                                          "SAME")
        with pytest.raises(ValueError, match="must have the same in_depth"):
            tf.nn.depthwise_conv2d_native_backprop_input([2, 7, 6, 4], tf.zeros([3, 3, 3, 2]),
                                                         tf.zeros([2, 7, 6, 6]), [1, 1, 1, 1],
                                                         "SAME")
        with pytest.raises(TypeError, match="Input 'out_backprop' of 'Conv2DBackpropFilter' Op "
                                            "has type float64 that does not match type float32"):
            tf.get_default_graph().create_op(
                "Conv2DBackpropFilter", [x, tf.zeros([2, 7, 6, 4], tf.float64)],
                {"strides": (1, 1), "dilations": (1, 1), "padding": "SAME",
                 "filter_sizes": (3, 3, 3, 4)})
        with pytest.raises(ValueError, match="strides must be positive"):
            tf.get_default_graph().create_op(
                "AvgPoolGrad", [dy], dict(_pool_attrs((2, 2), (0, 2), "SAME"),
                                          orig_input_shape=(2, 7, 6, 4)))
        with pytest.raises(ValueError, match="Expected grad shape to be"):
            tf.get_default_graph().create_op(
                "MaxPoolGrad", [x, tf.zeros([2, 4, 3, 3]), tf.zeros([2, 3, 3, 3])],
                _pool_attrs((2, 2), (2, 2), "SAME"))


def test_sizes_known_only_at_run_time_are_checked_at_run_time():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, None, None, 3])
        dy = tf.placeholder(tf.float32, [None, None, None, 4])
        sizes = tf.placeholder(tf.int32, [4])
        df = tf.nn.conv2d_backprop_filter(x, sizes, dy, [1, 1, 1, 1], "VALID")
        dx = tf.nn.depthwise_conv2d_native_backprop_input(
            tf.shape(x), tf.zeros([3, 3, 3, 2]), dy, [1, 1, 1, 1], "SAME")
        with tf.Session() as sess:
            feeds = {x: np.zeros((2, 7, 6, 3), np.float32), sizes: [3, 3, 3, 4]}
            with pytest.raises(tf.errors.InvalidArgumentError, match="actual = 7, computed = 5"):
                sess.run(df, {**feeds, dy: np.zeros((2, 7, 6, 4), np.float32)})
            assert sess.run(df, {**feeds, dy: np.zeros((2, 5, 4, 4), np.float32)}).shape \
                == (3, 3, 3, 4)
            with pytest.raises(tf.errors.InvalidArgumentError, match="not equal to out_depth"):
                sess.run(dx, {**feeds, dy: np.zeros((2, 7, 6, 4), np.float32)})


# ---- shares ------------------------------------------------------------------------------

def _big_cases():
    x = np.round(_normal(8, 24, 24, 16) * 2)  # whole numbers: ties in the max pools
    dy = _normal(8, 12, 12, 32)
    pool = _pool_attrs((3, 3), (2, 2), "SAME")
    conv = _attrs((2, 2), (1, 1), "SAME")
    y = ref_max_pool(x, (3, 3), (2, 2), "SAME")
    return [
        ("DepthwiseConv2dNativeBackpropInput", [dy, _normal(3, 3, 16, 2)],
         dict(conv, input_sizes=x.shape)),
        ("DepthwiseConv2dNativeBackpropFilter", [x, dy], dict(conv, filter_sizes=(3, 3, 16, 2))),
        ("MaxPoolGrad", [x, y, _normal(*y.shape)], pool),
        ("MaxPoolGradGrad", [x, y, _normal(*x.shape)], pool),
        ("AvgPoolGrad", [_normal(*y.shape)], dict(pool, orig_input_shape=x.shape)),
    ]


@pytest.mark.parametrize("case", range(5))
def test_kernels_split_into_shares_agree_with_the_reference(case):
    from fastgraph.framework import op_registry

    op_type, inputs, attrs = _big_cases()[case]

    def build(*phs):
        return tf.get_default_graph().create_op(op_type, list(phs), attrs).outputs[0]

    assert max_parts(build, *inputs) > 1
    got = _raw(op_type, inputs, attrs)
    want = op_registry.get(op_type).reference(inputs, attrs)[0]
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def _random_geometry(rng):
    kh, kw = rng.integers(1, 5, size=2)
    sh, sw = rng.integers(1, 4, size=2)
    dh, dw = rng.integers(1, 3, size=2)
    h, w = rng.integers(1, 9, size=2)
    kind = rng.integers(3)
    padding = ("SAME", "VALID", None)[kind]
    if padding is None:  # explicit, at times wider than the window
        padding = tuple(tuple(int(v) for v in rng.integers(0, 5, size=2)) for _ in range(2))
    return int(h), int(w), int(kh), int(kw), (int(sh), int(sw)), (int(dh), int(dw)), padding


@pytest.mark.parametrize("seed", range(80))
def test_random_geometries_keep_the_adjoint_identities(seed):
    """Windows larger than the image, strides past the window, padding wider
    than the window, empty outputs: the backprops stay the adjoints of the
    forward ops, and the pooling gradients equal their references."""
    from fastgraph.framework import op_registry

    rng = np.random.default_rng(seed)
    h, w, kh, kw, strides, dil, padding = _random_geometry(rng)
    oh, ow = _out_hw(h, w, kh, kw, strides, dil, padding)
    if oh < 0 or ow < 0:
        return  # no such conv (shape errors are tested above)
    x, f = rng.normal(size=(2, h, w, 2)), rng.normal(size=(kh, kw, 2, 3))
    dy = rng.normal(size=(2, oh, ow, 3))
    attrs = _attrs(strides, dil, padding)
    y = _raw("Conv2D", [x, f], attrs)
    dx = _raw("Conv2DBackpropInput", [dy, f], dict(attrs, output_shape=x.shape))
    df = _raw("Conv2DBackpropFilter", [x, dy], dict(attrs, filter_sizes=f.shape))
    total = np.sum(y * dy)
    np.testing.assert_allclose([np.sum(x * dx), np.sum(f * df)], [total, total], rtol=1e-10,
                               atol=1e-10)
    if isinstance(padding, str):
        fd = rng.normal(size=(kh, kw, 2, 2))
        dyd = rng.normal(size=(2, oh, ow, 4))
        yd = _raw("DepthwiseConv2dNative", [x, fd], attrs)
        dxd = _raw("DepthwiseConv2dNativeBackpropInput", [dyd, fd],
                   dict(attrs, input_sizes=x.shape))
        dfd = _raw("DepthwiseConv2dNativeBackpropFilter", [x, dyd],
                   dict(attrs, filter_sizes=fd.shape))
        total = np.sum(yd * dyd)
        np.testing.assert_allclose([np.sum(x * dxd), np.sum(fd * dfd)], [total, total],
                                   rtol=1e-10, atol=1e-10)
        pool = _pool_attrs((kh, kw), strides, padding)
        ph, pw = _out_hw(h, w, kh, kw, strides, (1, 1), padding)
        if ph >= 0 and pw >= 0:
            xr = np.round(x * 2)
            yp = ref_max_pool(xr, (kh, kw), strides, padding) if ph * pw else \
                np.zeros((2, ph, pw, 2))
            for op_type, inputs, a in [
                    ("MaxPoolGrad", [xr, yp, rng.normal(size=yp.shape)], pool),
                    ("MaxPoolGradGrad", [xr, yp, rng.normal(size=xr.shape)], pool),
                    ("AvgPoolGrad", [rng.normal(size=yp.shape)],
                     dict(pool, orig_input_shape=xr.shape))]:
                np.testing.assert_allclose(_raw(op_type, inputs, a),
                                           op_registry.get(op_type).reference(inputs, a)[0],
                                           rtol=1e-12, atol=1e-12, err_msg=op_type)


@pytest.mark.parametrize("seed", range(0, 80, 7))
def test_references_of_empty_and_odd_geometries_match_the_kernels(seed):
    """The references (the constant folder's) on the random geometries."""
    from fastgraph.framework import op_registry

    rng = np.random.default_rng(seed)
    h, w, kh, kw, strides, dil, padding = _random_geometry(rng)
    oh, ow = _out_hw(h, w, kh, kw, strides, dil, padding)
    if oh < 0 or ow < 0:
        return
    x, f = rng.normal(size=(2, h, w, 2)), rng.normal(size=(kh, kw, 2, 3))
    dy = rng.normal(size=(2, oh, ow, 3))
    attrs = _attrs(strides, dil, padding)
    for op_type, inputs, a in [
            ("Conv2D", [x, f], attrs),
            ("Conv2DBackpropInput", [dy, f], dict(attrs, output_shape=x.shape)),
            ("Conv2DBackpropFilter", [x, dy], dict(attrs, filter_sizes=f.shape))]:
        np.testing.assert_allclose(_raw(op_type, inputs, a),
                                   op_registry.get(op_type).reference(inputs, a)[0],
                                   rtol=1e-12, atol=1e-12, err_msg=op_type)


def _np_max_pool_grad(x, dy, k, s):
    """MaxPoolGrad of VALID windows by loops: each window's gradient goes to
    its first tap in row-major order, a later tap taking over only when it is
    strictly greater (so a NaN after the first tap never wins)."""
    dx = np.zeros_like(x)
    n, oh, ow, c = dy.shape
    for b, i, j, ch in np.ndindex(n, oh, ow, c):
        best = None
        for ky, kx in np.ndindex(k, k):
            y, xx = i * s + ky, j * s + kx
            if best is None or x[b, y, xx, ch] > x[b, best[0], best[1], ch]:
                best = (y, xx)
        dx[b, best[0], best[1], ch] += dy[b, i, j, ch]
    return dx


@pytest.mark.parametrize("k,size", [(2, 8), (2, 7), (3, 9), (3, 11)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_max_pool_grad_of_tiling_windows(k, size, dtype):
    # Stride equal to the window: the windows tile the image (with a strip
    # left over when the size is not a multiple), which has its own path.
    rng = np.random.default_rng(k * 100 + size)
    x = rng.integers(0, 4, (2, size, size, 5)).astype(dtype)  # many ties
    x[0, 0, 0, 0] = np.nan
    x[1, 1, 1, 1] = np.nan
    out = (size - k) // k + 1
    dy = rng.normal(size=(2, out, out, 5)).astype(dtype)
    got = _raw("MaxPoolGrad", [x, np.zeros((2, out, out, 5), dtype), dy],
               _pool_attrs((k, k), (k, k), "VALID"))
    np.testing.assert_array_equal(got, _np_max_pool_grad(x, dy, k, k))
