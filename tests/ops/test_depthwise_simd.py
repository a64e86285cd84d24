"""depthwise_conv2d's float32 kernels (AVX-512, AVX2+FMA, the portable loop),
each forced in turn through runtime.depthwise_isa, against a NumPy sum of
shifted products in float64 written here: odd widths, channel counts that
are not a multiple of either vector width, strides 1 and 2, SAME, VALID and
explicit padding, dilations, multipliers above 1, the fused bias / residual
add / relu / relu6 epilogue, and shares of several threads."""

import numpy as np
import pytest

import fastgraph as tf
from fastgraph._native import runtime
from fastgraph.compiler.plan import compile_plan

_TOP = runtime.depthwise_isa()


@pytest.fixture(params=[lvl for lvl in (0, 1, 2) if lvl <= _TOP], ids=["c", "avx2", "avx512"][
    :_TOP + 1])
def isa(request):
    assert runtime.depthwise_isa(request.param) == request.param
    yield request.param
    runtime.depthwise_isa(-1)


def _pads(size, k, stride, dil, padding, axis):
    """(before, after, out) along one axis, as TF computes them."""
    eff = (k - 1) * dil + 1
    if padding == "VALID":
        return 0, 0, max((size - eff) // stride + 1, 0)
    if padding == "SAME":
        out = -(-size // stride)
        total = max((out - 1) * stride + eff - size, 0)
        return total // 2, total - total // 2, out
    before, after = padding[axis]
    return before, after, max((size + before + after - eff) // stride + 1, 0)


def ref_depthwise(x, f, strides, padding, dil):
    """The sum over taps of the zero-padded input's strided views times the
    tap's filter row, in float64: [N, OH, OW, C * M]."""
    n, h, w, c = x.shape
    kh, kw, _, m = f.shape
    pt, pb, oh = _pads(h, kh, strides[0], dil[0], padding, 0)
    pl, pr, ow = _pads(w, kw, strides[1], dil[1], padding, 1)
    xp = np.zeros((n, h + pt + pb + kh * dil[0], w + pl + pr + kw * dil[1], c))
    xp[:, pt:pt + h, pl:pl + w] = x
    out = np.zeros((n, oh, ow, c, m))
    for ky in range(kh):
        for kx in range(kw):
            y0, x0 = ky * dil[0], kx * dil[1]
            win = xp[:, y0:y0 + oh * strides[0]:strides[0], x0:x0 + ow * strides[1]:strides[1]]
            out += win[:, :oh, :ow, :, None] * f[ky, kx].astype(np.float64)
    return out.reshape(n, oh, ow, c * m)


def _padding_arg(padding):
    if isinstance(padding, str):
        return padding
    return [[0, 0], list(padding[0]), list(padding[1]), [0, 0]]


def _run(x, f, strides, padding, dil, threads=1, bias=None, residual=None, act=None):
    """depthwise_conv2d of fed x and f (then + bias, + residual, act), run
    with `threads`; returns (value, the plan's depthwise step)."""
    with tf.Graph().as_default():
        px = tf.placeholder(tf.float32, x.shape)
        pf = tf.placeholder(tf.float32, f.shape)
        feeds = {px: x, pf: f}
        if isinstance(padding, str):
            y = tf.nn.depthwise_conv2d(px, pf, [1, strides[0], strides[1], 1], padding,
                                       dilations=list(dil))
        else:
            # Keras' ZeroPadding2D then a VALID conv: the compiler folds the
            # pad into the conv's geometry (compiler/fold_pad.py).
            y = tf.nn.depthwise_conv2d(tf.pad(px, _padding_arg(padding)), pf,
                                       [1, strides[0], strides[1], 1], "VALID",
                                       dilations=list(dil))
        if bias is not None:
            pb = tf.placeholder(tf.float32, bias.shape)
            feeds[pb] = bias
            y = tf.nn.bias_add(y, pb)
        if residual is not None:
            pr = tf.placeholder(tf.float32, residual.shape)
            feeds[pr] = residual
            y = y + pr
        if act is not None:
            y = act(y)
        plan = compile_plan([y], [], {p: (v.shape, tf.float32) for p, v in feeds.items()},
                            threads=threads)
        step = next(st for st in plan.steps if st.kernel == "depthwise_conv2d")
        cfg = tf.ConfigProto(intra_op_parallelism_threads=threads)
        with tf.Session(config=cfg) as sess:
            return sess.run(y, feeds), step


CASES = [  # N, H, W, C, KH, KW, strides, dilations, padding, multiplier
    (1, 9, 11, 16, 3, 3, (1, 1), (1, 1), "SAME", 1),
    (2, 9, 13, 17, 3, 3, (1, 1), (1, 1), "SAME", 1),    # odd width, a one-lane tail
    (1, 12, 15, 40, 3, 3, (2, 2), (1, 1), "SAME", 1),   # 40 = 2 x 16 + 8 = 5 x 8
    (1, 13, 13, 33, 3, 3, (2, 2), (1, 1), "VALID", 1),
    (1, 14, 23, 24, 3, 3, (2, 2), (1, 1), ((0, 1), (0, 1)), 1),  # Keras' pad + VALID
    (1, 7, 7, 96, 3, 3, (1, 1), (1, 1), "SAME", 1),     # strips shorter than 8
    (1, 5, 30, 5, 3, 3, (1, 1), (1, 1), ((2, 0), (3, 1)), 1),
    (1, 10, 19, 7, 5, 5, (1, 1), (1, 1), "SAME", 1),
    (1, 11, 21, 9, 3, 3, (1, 1), (2, 2), "SAME", 1),    # dilated
    (1, 8, 20, 3, 2, 4, (1, 2), (1, 1), "SAME", 1),     # even window, unequal strides
    (1, 2, 40, 18, 3, 3, (1, 1), (1, 1), "SAME", 1),    # every row an edge row
    (1, 1, 1, 20, 3, 3, (1, 1), (1, 1), "SAME", 1),
    (1, 2, 2, 4, 3, 3, (1, 1), (1, 1), "VALID", 1),     # empty output
    (1, 9, 10, 6, 3, 3, (1, 1), (1, 1), "SAME", 3),     # multiplier 3: the portable loop
    (1, 9, 10, 5, 3, 3, (2, 2), (1, 1), "VALID", 2),
]


@pytest.mark.parametrize("n,h,w,c,kh,kw,strides,dil,padding,mult", CASES, ids=str)
def test_depthwise_matches_numpy(isa, n, h, w, c, kh, kw, strides, dil, padding, mult):
    rng = np.random.default_rng(h * 100 + w * 10 + c)
    x = rng.normal(size=(n, h, w, c)).astype(np.float32)
    f = rng.normal(size=(kh, kw, c, mult)).astype(np.float32)
    got, _ = _run(x, f, strides, padding, dil)
    want = ref_depthwise(x, f, strides, padding, dil)
    assert got.shape == want.shape and got.dtype == np.float32
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


EPILOGUES = [("bias", True, False, None, 1), ("bias+relu6", True, False, tf.nn.relu6, 1),
             ("bias+add+relu", True, True, tf.nn.relu, 1), ("add+relu6", False, True,
                                                            tf.nn.relu6, 1),
             ("relu6 after a multiplier", True, False, tf.nn.relu6, 2)]


@pytest.mark.parametrize("name,bias,residual,act,mult", EPILOGUES, ids=[e[0] for e in EPILOGUES])
@pytest.mark.parametrize("strides", [(1, 1), (2, 2)], ids=["s1", "s2"])
def test_fused_epilogue_matches_numpy(isa, name, bias, residual, act, mult, strides):
    rng = np.random.default_rng(len(name) + strides[0])
    x = (3 * rng.normal(size=(2, 11, 13, 21))).astype(np.float32)
    f = rng.normal(size=(3, 3, 21, mult)).astype(np.float32)
    want = ref_depthwise(x, f, strides, "SAME", (1, 1))
    b = rng.normal(size=21 * mult).astype(np.float32) if bias else None
    r = rng.normal(size=want.shape).astype(np.float32) if residual else None
    got, step = _run(x, f, strides, "SAME", (1, 1), bias=b, residual=r, act=act)
    # The whole chain ran in the depthwise step (its epilogue, the last iattr).
    assert step.iattrs[-1] == (1 if bias else 0) | (8 if residual else 0) | \
        {None: 0, tf.nn.relu: 2, tf.nn.relu6: 4}[act]
    if bias:
        want = want + b
    if residual:
        want = want + r
    if act is tf.nn.relu:
        want = np.maximum(want, 0)
    elif act is tf.nn.relu6:
        want = np.clip(want, 0, 6)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def test_relu_epilogue_keeps_nan(isa):
    x = np.ones((1, 4, 20, 18), np.float32)
    x[0, 1, 9, 3] = np.nan
    f = np.ones((3, 3, 18, 1), np.float32)
    got, _ = _run(x, f, (1, 1), "SAME", (1, 1), bias=np.zeros(18, np.float32),
                  act=tf.nn.relu6)
    want = np.clip(ref_depthwise(x, f, (1, 1), "SAME", (1, 1)), 0, 6)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    assert np.isnan(got).sum() == 9
    np.testing.assert_allclose(got, want, rtol=1e-6)


@pytest.mark.parametrize("shape,strides", [((2, 28, 28, 72), (1, 1)), ((1, 56, 56, 40), (2, 2)),
                                           ((1, 7, 7, 960), (1, 1))], ids=str)
def test_shares_of_two_threads_match_one(isa, shape, strides):
    """Big enough for the plan to split the step; every share writes its own
    units, and together they match NumPy and the one-thread run exactly."""
    rng = np.random.default_rng(shape[1])
    x = rng.normal(size=shape).astype(np.float32)
    f = rng.normal(size=(3, 3, shape[3], 1)).astype(np.float32)
    two, step = _run(x, f, strides, "SAME", (1, 1), threads=2)
    assert step.nparts == 2
    one, _ = _run(x, f, strides, "SAME", (1, 1), threads=1)
    np.testing.assert_array_equal(two, one)
    np.testing.assert_allclose(two, ref_depthwise(x, f, strides, "SAME", (1, 1)), rtol=1e-5,
                               atol=1e-5)


def test_isa_setter_caps_at_the_cpu():
    try:
        assert runtime.depthwise_isa(5) == _TOP
        assert runtime.depthwise_isa(0) == 0
        assert runtime.depthwise_isa() == 0
    finally:
        runtime.depthwise_isa(-1)
    assert runtime.depthwise_isa() == _TOP
