"""Batch norm folded into convolutions, the widened epilogue (bias, residual
add, relu/relu6) and the channel split of small-spatial convs, against TF."""

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")

import fastgraph as fg  # noqa: E402
from fastgraph.compiler import compile_plan  # noqa: E402

RNG = np.random.default_rng(7)


def _bn_params(c):
    return [RNG.uniform(0.5, 1.5, c).astype(np.float32), RNG.normal(0, 0.1, c).astype(np.float32),
            RNG.normal(0, 0.1, c).astype(np.float32), RNG.uniform(0.5, 1.5, c).astype(np.float32)]


def _build(lib, x, f, b, bn, res, depthwise, act, bn_fn):
    xt = lib.constant(x) if lib is tf else lib.placeholder(lib.float32, x.shape, name="x")
    if depthwise:
        y = lib.nn.depthwise_conv2d(xt, lib.constant(f), [1, 1, 1, 1], "SAME")
    else:
        y = lib.nn.conv2d(xt, lib.constant(f), [1, 1, 1, 1], "SAME")
    if b is not None:
        y = lib.nn.bias_add(y, lib.constant(b))
    y = bn_fn(y, *[lib.constant(p) for p in bn], epsilon=1e-3, is_training=False)[0]
    if res is not None:
        y = y + lib.constant(res)
    if act:
        y = getattr(lib.nn, act)(y)
    return xt, y


@pytest.mark.parametrize("depthwise,bias,residual,act", [
    (False, True, True, "relu"), (False, False, False, "relu6"), (True, False, False, "relu6"),
    (True, False, True, None), (False, True, False, None)])
def test_folded_conv_matches_tf(depthwise, bias, residual, act):
    c_in, c_out = 24, (24 if depthwise else 40)
    x = RNG.standard_normal((2, 9, 9, c_in)).astype(np.float32)
    f = RNG.standard_normal((3, 3, c_in, 1 if depthwise else c_out)).astype(np.float32)
    b = RNG.standard_normal(c_out).astype(np.float32) if bias else None
    bn = _bn_params(c_out)
    res = RNG.standard_normal((2, 9, 9, c_out)).astype(np.float32) if residual else None
    with tf.Graph().as_default():
        _, y = _build(tf, x, f, b, bn, res, depthwise, act, tf.compat.v1.nn.fused_batch_norm)
        with tf.compat.v1.Session() as sess:
            want = sess.run(y)
    g = fg.Graph()
    with g.as_default():
        xt, y = _build(fg, x, f, b, bn, res, depthwise, act, fg.nn.fused_batch_norm)
        plan = compile_plan([y], [], {xt: (x.shape, fg.float32)})
        with fg.Session() as sess:
            got = sess.run(y, {xt: x})
    # One step: the conv, with the batch norm, bias, residual and activation inside it.
    assert plan.kernels() == ["depthwise_conv2d" if depthwise else "conv2d_packed"]
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4 * np.abs(want).max())


def test_small_spatial_conv_split_over_channels_matches_tf():
    # 7x7 pixels (fewer rows than a share wants), 256 channels: shares split the channels.
    x = RNG.standard_normal((1, 7, 7, 128)).astype(np.float32)
    f = RNG.standard_normal((3, 3, 128, 256)).astype(np.float32)
    with tf.Graph().as_default():
        want = tf.compat.v1.Session().run(tf.nn.relu(tf.nn.conv2d(x, f, 1, "SAME")))
    g = fg.Graph()
    with g.as_default():
        xt = fg.placeholder(fg.float32, x.shape)
        y = fg.nn.relu(fg.nn.conv2d(xt, fg.constant(f), [1, 1, 1, 1], "SAME"))
        plan = compile_plan([y], [], {xt: (x.shape, fg.float32)}, threads=2)
        with fg.Session() as sess:
            got = sess.run(y, {xt: x})
    assert plan.steps[0].nparts == 2
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4 * np.abs(want).max())
