"""compiler/fold_pad.py: a constant-zero pad of height and width read only
by a conv2d or depthwise_conv2d becomes the conv's own padding; the result
is checked against NumPy (explicit zero padding, then the windowed sum in
float64), and pads the conv cannot take stay as steps."""

import numpy as np
import pytest

import fastgraph as tf
from fastgraph.compiler.plan import compile_plan


def _np_conv(xp, f, strides, depthwise):
    """VALID conv of the already padded xp, in float64."""
    n, h, w, c = xp.shape
    kh, kw = f.shape[:2]
    oh, ow = (h - kh) // strides[0] + 1, (w - kw) // strides[1] + 1
    out = 0
    for ky in range(kh):
        for kx in range(kw):
            win = xp[:, ky:ky + (oh - 1) * strides[0] + 1:strides[0],
                     kx:kx + (ow - 1) * strides[1] + 1:strides[1]].astype(np.float64)
            if depthwise:
                term = (win[..., None] * f[ky, kx]).reshape(n, oh, ow, -1)
            else:
                term = win @ f[ky, kx].astype(np.float64)
            out = out + term
    return out


def _build(x, f, pads, strides, depthwise, padding="VALID", fill=0.0, mode="CONSTANT"):
    px = tf.placeholder(tf.as_dtype(x.dtype), x.shape)
    padded = tf.pad(px, pads, mode=mode, constant_values=fill) if mode == "CONSTANT" else \
        tf.pad(px, pads, mode=mode)
    s = [1, strides[0], strides[1], 1]
    y = tf.nn.depthwise_conv2d(padded, f, s, padding) if depthwise else \
        tf.nn.conv2d(padded, f, s, padding)
    return px, padded, y


def _kernels(fetches, feeds):
    plan = compile_plan(fetches, [], {p: (v.shape, tf.as_dtype(v.dtype)) for p, v in feeds.items()})
    return [st.kernel for st in plan.steps], plan


CASES = [  # pads (H, W), strides, depthwise, dtype
    (((0, 1), (0, 1)), (2, 2), True, np.float32),   # MobileNetV2's block pads
    (((1, 1), (1, 1)), (1, 1), True, np.float32),
    (((2, 0), (1, 3)), (2, 1), True, np.float64),
    (((3, 3), (3, 3)), (2, 2), False, np.float32),  # ResNet50's conv1_pad
    (((0, 2), (1, 0)), (1, 1), False, np.float64),
]


@pytest.mark.parametrize("pads,strides,depthwise,dtype", CASES, ids=str)
def test_folded_pad_matches_numpy(pads, strides, depthwise, dtype):
    rng = np.random.default_rng(sum(pads[0]) + 10 * sum(pads[1]))
    x = rng.normal(size=(2, 11, 9, 5)).astype(dtype)
    f = rng.normal(size=(3, 3, 5, 1 if depthwise else 4)).astype(dtype)
    full = [[0, 0], list(pads[0]), list(pads[1]), [0, 0]]
    with tf.Graph().as_default():
        px, _, y = _build(x, f, full, strides, depthwise)
        kernels, plan = _kernels([y], {px: x})
        assert "pad" not in kernels
        conv = plan.steps[-1]
        assert [op.type for op in conv.ops][0] == "PadV2"
        # The conv reads the fed, unpadded input.
        assert plan.values[conv.inputs[0]].shape == x.shape
        with tf.Session() as sess:
            got = sess.run(y, {px: x})
    want = _np_conv(np.pad(x, full), f, strides, depthwise)
    assert got.dtype == dtype and got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def test_pad_before_a_same_conv_adds_to_its_padding():
    rng = np.random.default_rng(7)
    x = rng.normal(size=(1, 8, 10, 3)).astype(np.float32)
    f = rng.normal(size=(3, 3, 3, 1)).astype(np.float32)
    full = [[0, 0], [1, 0], [0, 2], [0, 0]]
    with tf.Graph().as_default():
        px, _, y = _build(x, f, full, (2, 2), True, padding="SAME")
        assert "pad" not in _kernels([y], {px: x})[0]
        with tf.Session() as sess:
            got = sess.run(y, {px: x})
    xp = np.pad(x, full)  # 9 x 12, SAME stride 2: 5 x 6 outputs, pads (1, 1) and (0, 1)
    want = _np_conv(np.pad(xp, [[0, 0], [1, 1], [0, 1], [0, 0]]), f, (2, 2), True)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def _kept(build, x, fetch_padded=False):
    with tf.Graph().as_default():
        px, padded, y = build()
        fetches = [y, padded] if fetch_padded else [y]
        kernels, _ = _kernels(fetches, {px: x})
        assert "pad" in kernels
        with tf.Session() as sess:
            return sess.run(y, {px: x})


@pytest.mark.parametrize("why", ["nonzero fill", "channels padded", "batch padded", "reflect",
                                 "pad fetched"])
def test_pads_the_conv_cannot_take_stay(why):
    rng = np.random.default_rng(3)
    x = rng.normal(size=(2, 6, 7, 4)).astype(np.float32)
    pads = [[0, 0], [1, 1], [1, 1], [0, 0]]
    fill, mode = 0.0, "CONSTANT"
    if why == "nonzero fill":
        fill = 1.5
    elif why == "channels padded":
        pads[3] = [0, 1]
    elif why == "batch padded":
        pads[0] = [1, 0]
    elif why == "reflect":
        mode = "REFLECT"
    c = 4 + sum(pads[3])
    f = rng.normal(size=(3, 3, c, 1)).astype(np.float32)
    got = _kept(lambda: _build(x, f, pads, (1, 1), True, fill=fill, mode=mode), x,
                fetch_padded=why == "pad fetched")
    xp = np.pad(x, pads, mode="reflect") if mode == "REFLECT" else \
        np.pad(x, pads, constant_values=fill)
    np.testing.assert_allclose(got, _np_conv(xp, f, (1, 1), True), rtol=1e-5, atol=1e-5)


def test_pad_read_by_two_convs_stays():
    rng = np.random.default_rng(5)
    x = rng.normal(size=(1, 6, 6, 2)).astype(np.float32)
    f = rng.normal(size=(3, 3, 2, 1)).astype(np.float32)
    pads = [[0, 0], [1, 1], [1, 1], [0, 0]]
    with tf.Graph().as_default():
        px = tf.placeholder(tf.float32, x.shape)
        padded = tf.pad(px, pads)
        a = tf.nn.depthwise_conv2d(padded, f, [1, 1, 1, 1], "VALID")
        b = tf.nn.max_pool2d(padded, 3, 1, "VALID")
        assert "pad" in _kernels([a, b], {px: x})[0]
        with tf.Session() as sess:
            got_a, got_b = sess.run([a, b], {px: x})
    xp = np.pad(x, pads)
    np.testing.assert_allclose(got_a, _np_conv(xp, f, (1, 1), True), rtol=1e-5, atol=1e-5)
    want_b = np.max([xp[:, i:i + 6, j:j + 6] for i in range(3) for j in range(3)], axis=0)
    np.testing.assert_array_equal(got_b, want_b)
