"""fastgraph's own GEMM (csrc/kernels/gemm.c): conv2d by a constant filter
and matmul by a constant matrix run as conv2d_packed steps over weights
packed at compile time. Checked against a float64 NumPy convolution written
here, on every micro-kernel ISA this CPU runs (AVX-512, AVX2+FMA, portable
C), for odd sizes, strides, paddings, dilations and every epilogue."""

import numpy as np
import pytest

import fastgraph as tf
from fastgraph._native import runtime
from fastgraph.compiler import pack_weights
from fastgraph.compiler.plan import compile_plan

# The ISAs whose micro-kernels this machine can run.
_TOP = runtime.gemm_isa()
ISAS = [level for level in (0, 1, 2) if level <= _TOP]


@pytest.fixture(params=ISAS, ids=["portable", "avx2", "avx512"][:len(ISAS)])
def isa(request):
    assert runtime.gemm_isa(request.param) == request.param
    yield request.param
    runtime.gemm_isa(-1)


def conv_f64(x, f, strides, padding, dil):
    """Direct float64 convolution over a zero-padded input (TF's SAME/VALID
    or explicit ((top, bottom), (left, right)) padding)."""
    n, h, w, c = x.shape
    kh, kw, _, co = f.shape
    (sh, sw), (dh, dw) = strides, dil
    eh, ew = (kh - 1) * dh + 1, (kw - 1) * dw + 1
    if padding == "SAME":
        oh, ow = -(-h // sh), -(-w // sw)
        ph, pw = max((oh - 1) * sh + eh - h, 0), max((ow - 1) * sw + ew - w, 0)
        pads = ((ph // 2, ph - ph // 2), (pw // 2, pw - pw // 2))
    elif padding == "VALID":
        pads = ((0, 0), (0, 0))
    else:
        pads = padding
    xp = np.pad(x.astype(np.float64), ((0, 0), pads[0], pads[1], (0, 0)))
    oh = (xp.shape[1] - eh) // sh + 1
    ow = (xp.shape[2] - ew) // sw + 1
    out = np.zeros((n, max(oh, 0), max(ow, 0), co))
    for ky in range(kh):
        for kx in range(kw):
            win = xp[:, ky * dh:ky * dh + (oh - 1) * sh + 1:sh,
                     kx * dw:kx * dw + (ow - 1) * sw + 1:sw, :]
            out += np.tensordot(win, f[ky, kx].astype(np.float64), axes=([3], [0]))
    return out


def _close(got, want):
    scale = max(float(np.max(np.abs(want))) if want.size else 0.0, 1.0)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5 * scale)


def _run(build, feeds):
    """build(placeholders) -> tensor, run on `feeds` (arrays); returns the
    value and the compiled plan's kernels."""
    with tf.Graph().as_default():
        ph = [tf.placeholder(tf.float32, a.shape) for a in feeds]
        y = build(*ph)
        plan = compile_plan([y], [], {p: (a.shape, tf.float32) for p, a in zip(ph, feeds)},
                            threads=runtime.threads())
        with tf.Session() as sess:
            got = sess.run(y, dict(zip(ph, feeds)))
    return got, plan.kernels()


CONVS = [  # N, H, W, C, KH, KW, CO, strides, dilations, padding
    (1, 5, 7, 3, 3, 3, 8, (1, 1), (1, 1), "SAME"),
    (2, 9, 11, 5, 3, 3, 37, (2, 2), (1, 1), "VALID"),
    (1, 8, 8, 2, 3, 2, 33, (2, 3), (1, 1), "SAME"),
    (1, 9, 9, 7, 3, 3, 16, (1, 1), (2, 2), "SAME"),
    (3, 9, 8, 2, 2, 3, 5, (1, 1), (2, 1), "VALID"),
    (1, 6, 6, 19, 1, 1, 64, (1, 1), (1, 1), "VALID"),    # 1x1: a plain GEMM
    (2, 7, 7, 24, 1, 1, 40, (2, 2), (1, 1), "SAME"),
    (1, 10, 9, 3, 4, 4, 31, (3, 3), (1, 1), "SAME"),    # even kernel: more padding after
    (1, 1, 1, 2, 3, 3, 3, (1, 1), (1, 1), "SAME"),      # every tap but one padded
    (1, 13, 12, 6, 5, 5, 70, (1, 1), (1, 1), ((2, 1), (0, 3))),
    (1, 4, 4, 3, 7, 7, 12, (2, 2), (1, 1), "SAME"),     # window bigger than the image
    (2, 14, 14, 64, 3, 3, 96, (1, 1), (1, 1), "SAME"),  # many tiles, two shares
    # From 8 channels on, a pointer per tap instead of im2col rows.
    (1, 9, 9, 8, 3, 3, 16, (1, 1), (2, 2), "SAME"),
    (2, 9, 11, 10, 3, 3, 37, (2, 2), (1, 1), "VALID"),
    (1, 13, 12, 9, 5, 5, 70, (1, 1), (1, 1), ((2, 1), (0, 3))),
    (1, 4, 4, 8, 7, 7, 12, (2, 2), (1, 1), "SAME"),
    (1, 1, 1, 11, 3, 3, 3, (1, 1), (1, 1), "SAME"),
    (1, 10, 9, 12, 4, 4, 31, (3, 3), (1, 2), "SAME"),
]


@pytest.mark.parametrize("n,h,w,c,kh,kw,co,strides,dil,padding", CONVS, ids=str)
def test_conv2d_packed_matches_numpy(isa, n, h, w, c, kh, kw, co, strides, dil, padding):
    rng = np.random.default_rng(h * 100 + c * 7 + co)
    x = rng.normal(size=(n, h, w, c)).astype(np.float32)
    f = rng.normal(size=(kh, kw, c, co)).astype(np.float32)
    pad = padding if isinstance(padding, str) else [[0, 0], *padding, [0, 0]]
    got, kernels = _run(lambda px: tf.nn.conv2d(px, f, list(strides), pad,
                                                dilations=list(dil)), [x])
    assert kernels == ["conv2d_packed"]
    _close(got, conv_f64(x, f, strides, padding, dil))


EPILOGUES = ["bias", "bias_relu", "relu6", "bias_add_relu", "add", "bias_add_relu6"]


@pytest.mark.parametrize("epilogue", EPILOGUES)
@pytest.mark.parametrize("co", [13, 32, 45])
def test_conv2d_packed_epilogues(isa, epilogue, co):
    rng = np.random.default_rng(co)
    x = rng.normal(size=(2, 7, 6, 5)).astype(np.float32)
    f = rng.normal(size=(3, 3, 5, co)).astype(np.float32)
    b = rng.normal(size=co).astype(np.float32)
    r = rng.normal(size=(2, 7, 6, co)).astype(np.float32) * 3

    def build(px, pr):
        y = tf.nn.conv2d(px, f, 1, "SAME")
        if "bias" in epilogue:
            y = tf.nn.bias_add(y, b)
        if "add" in epilogue:
            y = y + pr
        if epilogue.endswith("relu6"):
            return tf.nn.relu6(y)
        return tf.nn.relu(y) if epilogue.endswith("relu") else y

    got, kernels = _run(build, [x, r])
    assert kernels == ["conv2d_packed"]
    want = conv_f64(x, f, (1, 1), "SAME", (1, 1))
    if "bias" in epilogue:
        want = want + b
    if "add" in epilogue:
        want = want + r
    if epilogue.endswith("relu6"):
        want = np.clip(want, 0, 6)
    elif epilogue.endswith("relu"):
        want = np.maximum(want, 0)
    _close(got, want)


def test_relu_keeps_nan_in_the_store(isa):
    x = np.ones((1, 3, 3, 2), np.float32)
    x[0, 1, 1, 0] = np.nan
    f = np.ones((1, 1, 2, 3), np.float32)
    got, _ = _run(lambda px: tf.nn.relu(tf.nn.conv2d(px, -f, 1, "VALID")), [x])
    assert np.isnan(got[0, 1, 1]).all()
    assert (got[0, 0, 0] == 0).all()


MATMULS = [  # rows, k, n, transpose_b
    (4, 1, 1, False), (5, 7, 33, False), (13, 64, 10, True), (128, 784, 512, False),
    (37, 100, 96, False), (12, 3, 70, True),
]


@pytest.mark.parametrize("m,k,n,tb", MATMULS, ids=str)
@pytest.mark.parametrize("relu", [False, True], ids=["plain", "bias_relu"])
def test_matmul_by_a_constant_matches_numpy(isa, m, k, n, tb, relu):
    rng = np.random.default_rng(m * k + n)
    a = rng.normal(size=(m, k)).astype(np.float32)
    w = rng.normal(size=(n, k) if tb else (k, n)).astype(np.float32)
    b = rng.normal(size=n).astype(np.float32)

    def build(pa):
        y = tf.matmul(pa, w, transpose_b=tb)
        return tf.nn.relu(y + b) if relu else y

    got, kernels = _run(build, [a])
    assert kernels == ["conv2d_packed"]
    want = a.astype(np.float64) @ (w.T if tb else w).astype(np.float64)
    if relu:
        want = np.maximum(want + b, 0)
    _close(got, want)


def test_batch_matmul_by_a_matrix_is_one_gemm(isa):
    rng = np.random.default_rng(5)
    a = rng.normal(size=(3, 7, 20)).astype(np.float32)
    w = rng.normal(size=(20, 9)).astype(np.float32)
    got, kernels = _run(lambda pa: tf.matmul(pa, w), [a])
    assert kernels == ["conv2d_packed"]
    _close(got, a.astype(np.float64) @ w)


def test_what_stays_with_blas():
    rng = np.random.default_rng(6)
    w = rng.normal(size=(8, 5)).astype(np.float32)
    one_row = rng.normal(size=(1, 8)).astype(np.float32)
    got, kernels = _run(lambda pa: tf.matmul(pa, w), [one_row])
    assert kernels == ["matmul"]
    _close(got, one_row.astype(np.float64) @ w)
    a = rng.normal(size=(6, 8)).astype(np.float32)
    got, kernels = _run(lambda pa, pw: tf.matmul(pa, pw), [a, w])  # a fed B
    assert kernels == ["matmul"]
    _close(got, a.astype(np.float64) @ w)
    big = pack_weights.BLAS_SIDE
    with tf.Graph().as_default():
        pa = tf.placeholder(tf.float32, (big, big))
        y = tf.matmul(pa, np.zeros((big, big), np.float32))  # big on every side
        plan = compile_plan([y], [], {pa: ((big, big), tf.float32)})
    assert plan.kernels() == ["matmul"]
    f = rng.normal(size=(3, 3, 2, 4))
    with tf.Graph().as_default():
        px = tf.placeholder(tf.float64, (1, 5, 5, 2))
        y = tf.nn.conv2d(px, f, 1, "SAME")  # float64 stays with BLAS
        plan = compile_plan([y], [], {px: ((1, 5, 5, 2), tf.float64)})
    assert plan.kernels() == ["conv2d"]


@pytest.mark.parametrize("k,n", [(1, 1), (5, 32), (7, 33), (64, 70)])
def test_python_packing_is_the_c_packing(k, n):
    rng = np.random.default_rng(k + n)
    b = rng.normal(size=(k, n)).astype(np.float32)
    bias = rng.normal(size=n).astype(np.float32)
    np.testing.assert_array_equal(pack_weights.pack(b, bias).ravel(), runtime.gemm_pack(b, bias))
    np.testing.assert_array_equal(pack_weights.pack(b).ravel(), runtime.gemm_pack(b))
    assert pack_weights.pack(b).ctypes.data % 64 == 0


def test_filter_packed_once_and_shared_filters_kept():
    rng = np.random.default_rng(8)
    f = rng.normal(size=(3, 3, 4, 6)).astype(np.float32)
    x = rng.normal(size=(1, 6, 6, 4)).astype(np.float32)
    with tf.Graph().as_default():
        px = tf.placeholder(tf.float32, x.shape)
        fc = tf.constant(f)
        y1 = tf.nn.conv2d(px, fc, 1, "SAME")
        y2 = tf.nn.conv2d(px, fc, 2, "SAME")
        plan = compile_plan([y1, y2, fc], [], {px: (x.shape, tf.float32)})
        assert plan.kernels() == ["conv2d_packed", "conv2d_packed"]
        with tf.Session() as sess:
            g1, g2, gf = sess.run([y1, y2, fc], {px: x})
    # The fetched filter is the user's, not its packing.
    np.testing.assert_array_equal(gf, f)
    _close(g1, conv_f64(x, f, (1, 1), "SAME", (1, 1)))
    _close(g2, conv_f64(x, f, (2, 2), "SAME", (1, 1)))
