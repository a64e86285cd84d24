"""conv2d, depthwise_conv2d, max_pool and avg_pool against a direct loop
over output pixels (written out here, independent of the ops' references),
with TF's SAME/VALID/explicit padding rules, strides and dilations."""

import numpy as np
import pytest

import fastgraph as tf

from ..evaluate import evaluate


def _pad_before(size, k, stride, dil, padding):
    eff = (k - 1) * dil + 1
    if padding == "VALID":
        return 0, (size - eff) // stride + 1 if size >= eff else 0
    out = -(-size // stride)
    return max((out - 1) * stride + eff - size, 0) // 2, out


def _windows(x, kh, kw, strides, dil, padding):
    """Yields (n, oy, ox, [(ky, kx, pixel channels)...]) for each output pixel."""
    n_, h, w, _ = x.shape
    if isinstance(padding, str):
        pt, oh = _pad_before(h, kh, strides[0], dil[0], padding)
        pl, ow = _pad_before(w, kw, strides[1], dil[1], padding)
    else:
        (pt, pb), (pl, pr) = padding
        oh = (h + pt + pb - (kh - 1) * dil[0] - 1) // strides[0] + 1
        ow = (w + pl + pr - (kw - 1) * dil[1] - 1) // strides[1] + 1
    for n in range(n_):
        for oy in range(oh):
            for ox in range(ow):
                taps = []
                for ky in range(kh):
                    for kx in range(kw):
                        iy = oy * strides[0] - pt + ky * dil[0]
                        ix = ox * strides[1] - pl + kx * dil[1]
                        if 0 <= iy < h and 0 <= ix < w:
                            taps.append((ky, kx, x[n, iy, ix].astype(np.float64)))
                yield n, oy, ox, taps
    yield (oh, ow)


def _loop(x, kh, kw, strides, dil, padding, channels, per_pixel):
    gen = list(_windows(x, kh, kw, strides, dil, padding))
    oh, ow = gen.pop()
    out = np.zeros((x.shape[0], oh, ow, channels))
    for n, oy, ox, taps in gen:
        out[n, oy, ox] = per_pixel(taps)
    return out


def ref_conv2d(x, f, strides, padding, dil):
    return _loop(x, f.shape[0], f.shape[1], strides, dil, padding, f.shape[3],
                 lambda taps: sum((v @ f[ky, kx] for ky, kx, v in taps),
                                  np.zeros(f.shape[3])))


def ref_depthwise(x, f, strides, padding, dil):
    c, m = f.shape[2:]
    return _loop(x, f.shape[0], f.shape[1], strides, dil, padding, c * m,
                 lambda taps: sum(((v[:, None] * f[ky, kx]).ravel() for ky, kx, v in taps),
                                  np.zeros(c * m)))


def ref_max_pool(x, k, strides, padding):
    return _loop(x, k[0], k[1], strides, (1, 1), padding, x.shape[3],
                 lambda taps: np.max([v for _, _, v in taps], axis=0))


def ref_avg_pool(x, k, strides, padding):
    return _loop(x, k[0], k[1], strides, (1, 1), padding, x.shape[3],
                 lambda taps: np.mean([v for _, _, v in taps], axis=0))


def _run(fn, x, *consts):
    """fn(x, *consts) with x fed through a placeholder of unknown dims and
    the filters through placeholders of their shapes."""
    return evaluate(fn, x, *consts, shapes=[[None] * 4] + [c.shape for c in consts])


GEOMETRIES = [  # H, W, C, KH, KW, strides, dilations, padding
    (5, 7, 3, 3, 3, (1, 1), (1, 1), "SAME"),
    (5, 7, 3, 3, 3, (2, 2), (1, 1), "VALID"),
    (8, 8, 2, 3, 2, (2, 3), (1, 1), "SAME"),
    (9, 9, 2, 3, 3, (1, 1), (2, 2), "SAME"),
    (9, 8, 2, 2, 3, (1, 1), (2, 1), "VALID"),
    (6, 6, 4, 1, 1, (1, 1), (1, 1), "VALID"),    # 1x1: a plain GEMM
    (6, 6, 4, 1, 1, (2, 2), (1, 1), "SAME"),
    (10, 9, 3, 4, 4, (3, 3), (1, 1), "SAME"),    # even kernel: more padding after
    (1, 1, 2, 3, 3, (1, 1), (1, 1), "SAME"),
    (2, 2, 1, 3, 3, (1, 1), (1, 1), "VALID"),    # zero-size output
]


@pytest.mark.parametrize("h,w,c,kh,kw,strides,dil,padding", GEOMETRIES, ids=str)
@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=lambda d: np.dtype(d).name)
def test_conv2d_matches_loops(h, w, c, kh, kw, strides, dil, padding, dtype):
    rng = np.random.default_rng(h * 10 + kh)
    x = rng.normal(size=(2, h, w, c)).astype(dtype)
    f = rng.normal(size=(kh, kw, c, 5)).astype(dtype)
    got = _run(lambda a, b: tf.nn.conv2d(a, b, list(strides), padding, dilations=list(dil)),
               x, f)
    want = ref_conv2d(x, f, strides, padding, dil)
    assert got.dtype == dtype and got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)


def test_conv2d_explicit_padding():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(1, 7, 5, 2)).astype(np.float32)
    f = rng.normal(size=(2, 2, 2, 3)).astype(np.float32)
    pads = [[0, 0], [1, 2], [0, 1], [0, 0]]
    got = _run(lambda a, b: tf.nn.conv2d(a, b, 1, pads), x, f)
    np.testing.assert_allclose(got, ref_conv2d(x, f, (1, 1), ((1, 2), (0, 1)), (1, 1)),
                               rtol=1e-4, atol=1e-4)


def test_conv2d_big_batch_splits_across_threads():
    """Enough output pixels for several shares and several im2col tiles each."""
    rng = np.random.default_rng(4)
    x = rng.normal(size=(8, 32, 32, 8)).astype(np.float32)
    f = rng.normal(size=(3, 3, 8, 16)).astype(np.float32)
    got = _run(lambda a, b: tf.nn.conv2d(a, b, 1, "SAME"), x, f)
    # A loop over pixels would be slow here: the sum of shifted products.
    xp = np.pad(x.astype(np.float64), [(0, 0), (1, 1), (1, 1), (0, 0)])
    want = sum(xp[:, ky:ky + 32, kx:kx + 32] @ f[ky, kx] for ky in range(3) for kx in range(3))
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-3)


def test_v1_conv2d_filter_keyword():
    rng = np.random.default_rng(5)
    x = rng.normal(size=(1, 4, 4, 1)).astype(np.float32)
    f = rng.normal(size=(2, 2, 1, 1)).astype(np.float32)
    got = _run(lambda a, b: tf.compat.v1.nn.conv2d(a, filter=b, strides=[1, 1, 1, 1],
                                                   padding="VALID"), x, f)
    np.testing.assert_allclose(got, ref_conv2d(x, f, (1, 1), "VALID", (1, 1)), rtol=1e-5)


@pytest.mark.parametrize("h,w,c,kh,kw,strides,dil,padding",
                         [g for g in GEOMETRIES if g[5][0] == g[5][1]], ids=str)
@pytest.mark.parametrize("mult", [1, 3])
def test_depthwise_conv2d_matches_loops(h, w, c, kh, kw, strides, dil, padding, mult):
    rng = np.random.default_rng(h + kw + mult)
    x = rng.normal(size=(2, h, w, c)).astype(np.float32)
    f = rng.normal(size=(kh, kw, c, mult)).astype(np.float32)
    got = _run(lambda a, b: tf.nn.depthwise_conv2d(a, b, [1, strides[0], strides[1], 1],
                                                   padding, dilations=list(dil)), x, f)
    want = ref_depthwise(x, f, strides, padding, dil)
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)


POOLS = [((2, 2), (2, 2), "VALID"), ((3, 3), (1, 1), "SAME"), ((3, 2), (2, 1), "SAME"),
         ((2, 2), (2, 2), "SAME"), ((1, 1), (1, 1), "VALID"), ((4, 4), (3, 3), "SAME")]


@pytest.mark.parametrize("k,strides,padding", POOLS, ids=str)
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32, np.uint8, np.int64],
                         ids=lambda d: np.dtype(d).name)
def test_max_pool_matches_loops(k, strides, padding, dtype):
    rng = np.random.default_rng(7)
    x = (rng.normal(size=(2, 7, 6, 3)) * 50).astype(dtype)
    got = _run(lambda a: tf.nn.max_pool2d(a, list(k), list(strides), padding), x)
    want = ref_max_pool(x, k, strides, padding)
    assert got.dtype == dtype
    np.testing.assert_array_equal(got, want.astype(dtype))


@pytest.mark.parametrize("k,strides,padding", POOLS, ids=str)
@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=lambda d: np.dtype(d).name)
def test_avg_pool_matches_loops(k, strides, padding, dtype):
    rng = np.random.default_rng(8)
    x = rng.normal(size=(2, 7, 6, 3)).astype(dtype)
    got = _run(lambda a: tf.nn.avg_pool2d(a, list(k), list(strides), padding), x)
    np.testing.assert_allclose(got, ref_avg_pool(x, k, strides, padding), rtol=1e-5, atol=1e-6)


def test_v1_pool_names_take_four_element_lists():
    x = np.arange(32, dtype=np.float32).reshape(1, 4, 4, 2)
    got = _run(lambda a: tf.compat.v1.nn.max_pool(a, [1, 2, 2, 1], [1, 2, 2, 1], "VALID"), x)
    np.testing.assert_array_equal(got, x.reshape(1, 2, 2, 2, 2, 2).max(axis=(2, 4)))
    got = _run(lambda a: tf.nn.avg_pool(value=a, ksize=2, strides=2, padding="VALID"), x)
    np.testing.assert_allclose(got, x.reshape(1, 2, 2, 2, 2, 2).mean(axis=(2, 4)))


def test_static_shapes():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 32, None, 3])
        f = tf.zeros([3, 3, 3, 8]) if hasattr(tf, "zeros") else tf.constant(
            np.zeros((3, 3, 3, 8), np.float32))
        assert tf.nn.conv2d(x, f, 2, "SAME").shape.as_list() == [None, 16, None, 8]
        assert tf.nn.max_pool2d(x, 2, 2, "VALID").shape.as_list() == [None, 16, None, 3]
        dw = tf.nn.depthwise_conv2d(x, np.zeros((3, 3, 3, 2), np.float32), [1, 1, 1, 1], "VALID")
        assert dw.shape.as_list() == [None, 30, None, 6]


def test_errors():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [1, 5, 5, 3])
        with pytest.raises(ValueError):  # channels disagree
            tf.nn.conv2d(x, np.zeros((3, 3, 4, 2), np.float32), 1, "SAME")
        with pytest.raises(ValueError):  # rank 3 input
            tf.nn.conv2d(tf.placeholder(tf.float32, [5, 5, 3]),
                         np.zeros((3, 3, 3, 2), np.float32), 1, "SAME")
        with pytest.raises(ValueError, match="negative"):  # window bigger than the image
            tf.nn.conv2d(tf.placeholder(tf.float32, [1, 1, 1, 3]),
                         np.zeros((3, 3, 3, 2), np.float32), 1, "VALID")
        with pytest.raises(ValueError):
            tf.nn.conv2d(x, np.zeros((3, 3, 3, 2), np.float32), 1, "FULL")
        with pytest.raises(ValueError):  # strides over the batch
            tf.nn.conv2d(x, np.zeros((3, 3, 3, 2), np.float32), [2, 1, 1, 1], "SAME")
        with pytest.raises(TypeError):  # int conv
            tf.nn.conv2d(tf.placeholder(tf.int32, [1, 5, 5, 3]),
                         np.zeros((3, 3, 3, 2), np.int32), 1, "SAME")
        with pytest.raises(TypeError):  # avg_pool of ints
            tf.nn.avg_pool2d(tf.placeholder(tf.int32, [1, 5, 5, 3]), 2, 2, "VALID")
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, None, None, 3])
        y = tf.nn.conv2d(x, np.ones((3, 3, 3, 2), np.float32), 1, "VALID")
        with tf.Session() as sess:
            with pytest.raises(tf.errors.InvalidArgumentError):
                sess.run(y, {x: np.ones((1, 1, 1, 3), np.float32)})
            assert sess.run(y, {x: np.ones((1, 2, 2, 3), np.float32)}).shape == (1, 0, 0, 2)
            assert sess.run(y, {x: np.ones((1, 3, 3, 3), np.float32)}).tolist() == [[[[27, 27]]]]


def test_conv_bias_relu_epilogue():
    from fastgraph.compiler.plan import compile_plan
    rng = np.random.default_rng(11)
    x = rng.normal(size=(2, 9, 9, 3)).astype(np.float32)
    f = rng.normal(size=(3, 3, 3, 4)).astype(np.float32)
    b = rng.normal(size=4).astype(np.float32)
    with tf.Graph().as_default():
        px = tf.placeholder(tf.float32, [None, 9, 9, 3])
        y = tf.nn.relu(tf.nn.conv2d(px, f, 1, "SAME") + b)
        plan = compile_plan([y], [], {px: ((2, 9, 9, 3), tf.float32)})
        # A GEMM step's epilogue is its last iattr.
        assert [(st.kernel, st.iattrs[-1]) for st in plan.steps] == [("conv2d_packed", 3)]
        with tf.Session() as sess:
            got = sess.run(y, {px: x})
    want = np.maximum(ref_conv2d(x, f, (1, 1), "SAME", (1, 1)) + b, 0)
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)


def ref_conv2d_transpose(x, f, out_shape, strides, padding, dil):
    """Each input pixel scatters x[p] . f[ky, kx]^T onto the output pixels
    that the forward conv would have read it from."""
    out = np.zeros(out_shape)
    kh, kw = f.shape[:2]
    pt, _ = _pad_before(out_shape[1], kh, strides[0], dil[0], padding)
    pl, _ = _pad_before(out_shape[2], kw, strides[1], dil[1], padding)
    for n in range(x.shape[0]):
        for iy in range(x.shape[1]):
            for ix in range(x.shape[2]):
                for ky in range(kh):
                    for kx in range(kw):
                        oy = iy * strides[0] - pt + ky * dil[0]
                        ox = ix * strides[1] - pl + kx * dil[1]
                        if 0 <= oy < out_shape[1] and 0 <= ox < out_shape[2]:
                            out[n, oy, ox] += f[ky, kx] @ x[n, iy, ix].astype(np.float64)
    return out


@pytest.mark.parametrize("x_shape,f_shape,out_shape,strides,padding,dil", [
    ((2, 4, 4, 3), (3, 3, 5, 3), (2, 8, 8, 5), (2, 2), "SAME", (1, 1)),
    ((1, 4, 4, 2), (3, 3, 2, 2), (1, 9, 9, 2), (2, 2), "VALID", (1, 1)),
    ((2, 5, 5, 3), (3, 3, 4, 3), (2, 5, 5, 4), (1, 1), "SAME", (1, 1)),
    ((1, 3, 4, 2), (2, 2, 3, 2), (1, 6, 8, 3), (2, 2), "SAME", (1, 1)),
    ((1, 5, 5, 2), (3, 3, 2, 2), (1, 5, 5, 2), (1, 1), "SAME", (2, 2)),
    ((2, 3, 3, 1), (4, 4, 2, 1), (2, 6, 6, 2), (2, 2), "SAME", (1, 1)),
    ((1, 3, 3, 2), (3, 3, 2, 2), (1, 7, 7, 2), (2, 2), "VALID", (1, 1))], ids=str)
@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=lambda d: np.dtype(d).name)
def test_conv2d_transpose_matches_loops(x_shape, f_shape, out_shape, strides, padding, dil,
                                        dtype):
    rng = np.random.default_rng(14)
    x = rng.normal(size=x_shape).astype(dtype)
    f = rng.normal(size=f_shape).astype(dtype)
    got = _run(lambda a, b: tf.nn.conv2d_transpose(a, b, list(out_shape), list(strides),
                                                   padding, dilations=list(dil)), x, f)
    assert got.dtype == dtype and got.shape == out_shape
    np.testing.assert_allclose(got, ref_conv2d_transpose(x, f, out_shape, strides, padding, dil),
                               rtol=1e-4, atol=1e-4)


def test_conv2d_transpose_with_a_fed_batch_and_v1_names():
    rng = np.random.default_rng(15)
    f = rng.normal(size=(3, 3, 4, 2)).astype(np.float32)
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 4, 4, 2])
        y = tf.compat.v1.nn.conv2d_transpose(
            value=x, filter=f, output_shape=[tf.shape(x)[0], 8, 8, 4], strides=[1, 2, 2, 1])
        with tf.Session() as sess:
            for n in (1, 3):
                xv = rng.normal(size=(n, 4, 4, 2)).astype(np.float32)
                np.testing.assert_allclose(
                    sess.run(y, {x: xv}), ref_conv2d_transpose(xv, f, (n, 8, 8, 4), (2, 2),
                                                               "SAME", (1, 1)),
                    rtol=1e-4, atol=1e-4)


def test_conv2d_transpose_errors():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [1, 4, 4, 2])
        f = np.zeros((3, 3, 5, 2), np.float32)
        with pytest.raises(ValueError, match="doesn't match"):  # 8x8 is not 2x of 5x5
            tf.nn.conv2d_transpose(x, f, [1, 5, 5, 5], 2, "SAME")
        with pytest.raises(ValueError):  # output depth is not the filter's
            tf.nn.conv2d_transpose(x, f, [1, 8, 8, 3], 2, "SAME")
        with pytest.raises(ValueError):  # in_channels disagree
            tf.nn.conv2d_transpose(x, np.zeros((3, 3, 5, 3), np.float32), [1, 8, 8, 5], 2)


def test_conv1d_atrous_and_separable_against_loops():
    rng = np.random.default_rng(16)
    x1 = rng.normal(size=(2, 9, 3)).astype(np.float32)
    f1 = rng.normal(size=(3, 3, 4)).astype(np.float32)
    got = _run(lambda a, b: tf.nn.conv1d(a[:, 0], b[0], 2, "SAME")[:, None],
               x1[:, None], f1[None])
    np.testing.assert_allclose(got, ref_conv2d(x1[:, None], f1[None], (1, 2), "SAME", (1, 1)),
                               rtol=1e-4, atol=1e-4)
    x2 = rng.normal(size=(2, 9, 8, 3)).astype(np.float32)
    f2 = rng.normal(size=(3, 3, 3, 4)).astype(np.float32)
    got = _run(lambda a, b: tf.nn.atrous_conv2d(a, b, 2, "SAME"), x2, f2)
    np.testing.assert_allclose(got, ref_conv2d(x2, f2, (1, 1), "SAME", (2, 2)),
                               rtol=1e-4, atol=1e-4)
    dw = rng.normal(size=(3, 3, 3, 2)).astype(np.float32)
    pw = rng.normal(size=(1, 1, 6, 5)).astype(np.float32)
    got = _run(lambda a, b, c: tf.nn.separable_conv2d(a, b, c, [1, 2, 2, 1], "VALID"),
               x2, dw, pw)
    want = ref_depthwise(x2, dw, (2, 2), "VALID", (1, 1)) @ pw[0, 0].astype(np.float64)
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)
