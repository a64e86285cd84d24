"""Gradients of the nn family: every registered gradient against central
finite differences in float64 (`check_gradient`), batch norm's (a float32
op) against finite differences of a float64 NumPy batch norm written here,
the gradient kernels against hand-computed values, gradients on shapes known
only at run time, and bad inputs."""

import numpy as np
import pytest

import fastgraph as tf
from fastgraph.framework import op_registry
from fastgraph.ops import batch_norm_ops, nn_ops

from ..gradient_check import check_gradient, numeric_gradient

RNG = np.random.default_rng(10)
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def _away_from(shape, kinks=(0.0,), low=-3.0, high=3.0, gap=0.05):
    """Random values in [low, high) at least `gap` from every kink, where
    finite differences would straddle a corner."""
    x = RNG.uniform(low, high, size=shape)
    for k in kinks:
        near = np.abs(x - k) < gap
        x[near] = k + np.where(x[near] >= k, gap, -gap) * 2
    return x


# ---- first order ------------------------------------------------------------------

@pytest.mark.parametrize("op_type,attrs,kinks,high", [
    ("Relu", {}, (0.0,), 3.0),
    ("Relu6", {}, (0.0, 6.0), 8.0),
    ("LeakyRelu", {"alpha": 0.2}, (0.0,), 3.0),
    ("LeakyRelu", {"alpha": 1.5}, (0.0,), 3.0),
    ("Elu", {}, (0.0,), 3.0),
    ("Selu", {}, (0.0,), 3.0),
    ("Softplus", {}, (), 3.0),
    ("Softsign", {}, (0.0,), 3.0),
])
def test_activation_gradients(op_type, attrs, kinks, high):
    check_gradient(op_type, [_away_from((3, 5), kinks, high=high)], attrs)


@pytest.mark.parametrize("op_type", ["Softmax", "LogSoftmax"])
@pytest.mark.parametrize("shape,axis", [((3, 5), -1), ((2, 3, 4), 1), ((4, 3), 0), ((6,), 0)])
def test_softmax_gradients(op_type, shape, axis):
    check_gradient(op_type, [RNG.normal(size=shape)], {"axis": axis})


@pytest.mark.parametrize("shape", [(4, 5), (2, 3, 4), (1, 1)])
def test_softmax_cross_entropy_gradient_both_outputs_and_labels(shape):
    # Both outputs weighted: the loss's gradient and the backprop's (second order),
    # for the logits and the labels.
    p = RNG.uniform(0.1, 1, size=shape)
    check_gradient("SoftmaxCrossEntropyWithLogits",
                   [RNG.normal(size=shape), p / p.sum(-1, keepdims=True)])


@pytest.mark.parametrize("shape,ldtype", [((4, 5), np.int32), ((2, 3, 4), np.int64)])
def test_sparse_softmax_cross_entropy_gradient(shape, ldtype):
    labels = RNG.integers(0, shape[-1], size=shape[:-1]).astype(ldtype)
    grads = check_gradient("SparseSoftmaxCrossEntropyWithLogits",
                           [RNG.normal(size=shape), labels])
    assert grads[1] is None


def test_l2_loss_gradient():
    check_gradient("L2Loss", [RNG.normal(size=(3, 4))])


@pytest.mark.parametrize("shape,fmt", [((2, 3, 4), "NHWC"), ((2, 3, 4, 2), "NCHW"),
                                       ((5, 3), "NHWC")])
def test_bias_add_gradient(shape, fmt):
    c = shape[1] if fmt == "NCHW" else shape[-1]
    check_gradient("BiasAdd", [RNG.normal(size=shape), RNG.normal(size=c)],
                   {"data_format": fmt})


# ---- second order: the gradient ops' own gradients ----------------------------------

@pytest.mark.parametrize("op_type,attrs,kinks,low,high", [
    ("ReluGrad", {}, (0.0,), -3.0, 3.0),
    ("Relu6Grad", {}, (0.0, 6.0), -2.0, 8.0),
    ("LeakyReluGrad", {"alpha": 0.3}, (0.0,), -3.0, 3.0),
    ("EluGrad", {}, (0.0,), -0.95, 3.0),  # outputs of Elu are > -1
    ("SeluGrad", {}, (0.0,), -1.7, 3.0),
    ("SoftplusGrad", {}, (), -3.0, 3.0),
    ("SoftsignGrad", {}, (0.0,), -3.0, 3.0),
])
def test_activation_grad_gradients(op_type, attrs, kinks, low, high):
    check_gradient(op_type, [RNG.normal(size=(3, 4)), _away_from((3, 4), kinks, low, high)],
                   attrs)


@pytest.mark.parametrize("shape,fmt", [((2, 3, 4), "NHWC"), ((2, 3, 4, 2), "NCHW")])
def test_bias_add_grad_gradient(shape, fmt):
    check_gradient("BiasAddGrad", [RNG.normal(size=shape)], {"data_format": fmt})


@pytest.mark.parametrize("name,d1,d2", [
    ("elu", lambda x: np.where(x > 0, 1, np.exp(x)), lambda x: np.where(x > 0, 0, np.exp(x))),
    ("selu", lambda x: SELU_SCALE * np.where(x > 0, 1, SELU_ALPHA * np.exp(x)),
     lambda x: SELU_SCALE * np.where(x > 0, 0, SELU_ALPHA * np.exp(x))),
    ("softplus", lambda x: 1 / (1 + np.exp(-x)),
     lambda x: np.exp(-x) / (1 + np.exp(-x)) ** 2),
    ("relu", lambda x: 1.0 * (x > 0), lambda x: 0 * x),
])
def test_second_derivatives_through_tf_gradients(name, d1, d2):
    x = np.array([-1.5, -0.2, 0.3, 2.0])
    with tf.Graph().as_default():
        xp = tf.placeholder(tf.float64, [None])
        (g,) = tf.gradients(getattr(tf.nn, name)(xp), [xp])
        (gg,) = tf.gradients(g, [xp])
        with tf.Session() as sess:
            got_g, got_gg = sess.run([g, gg], {xp: x})
    np.testing.assert_allclose(got_g, d1(x), rtol=1e-12)
    np.testing.assert_allclose(got_gg, d2(x), rtol=1e-12, atol=1e-15)


# ---- the gradient kernels against hand-computed values ------------------------------

def _run(fn, *arrays):
    with tf.Graph().as_default():
        phs = [tf.placeholder(tf.as_dtype(a.dtype), [None] * a.ndim) for a in arrays]
        out = fn(*phs)
        with tf.Session() as sess:
            return sess.run(out, dict(zip(phs, arrays)))


def test_activation_grad_kernels_by_hand():
    g = np.array([1.0, 2.0, np.nan, 4.0, 5.0], np.float32)
    x = np.array([-1.0, 0.0, -2.0, 3.0, 7.0], np.float32)
    np.testing.assert_array_equal(_run(nn_ops.relu_grad, g, x), [0, 0, np.nan, 4, 5])
    np.testing.assert_array_equal(_run(nn_ops.relu6_grad, g, x), [0, 0, np.nan, 4, 0])
    np.testing.assert_allclose(_run(lambda a, b: nn_ops.leaky_relu_grad(a, b, 0.5), g, x),
                               [0.5, 1.0, np.nan, 4, 5])
    y = np.array([-0.5, 0.0, -0.25, 3.0, 7.0], np.float32)
    np.testing.assert_allclose(_run(nn_ops.elu_grad, g, y), [0.5, 2.0, np.nan, 4, 5])
    np.testing.assert_allclose(_run(nn_ops.selu_grad, g, y),
                               [1 * (-0.5 + SELU_SCALE * SELU_ALPHA), 2 * SELU_SCALE, np.nan,
                                4 * SELU_SCALE, 5 * SELU_SCALE], rtol=1e-6)
    np.testing.assert_allclose(_run(nn_ops.softplus_grad, g, x),
                               g / (1 + np.exp(-x.astype(np.float64))), rtol=1e-6)
    np.testing.assert_allclose(_run(nn_ops.softsign_grad, g, x), g / (1 + np.abs(x)) ** 2,
                               rtol=1e-6)
    ints = _run(nn_ops.relu_grad, np.array([3, 4, 5], np.int32), np.array([-1, 0, 2], np.int32))
    assert ints.dtype == np.int32 and ints.tolist() == [0, 0, 5]


def test_bias_add_grad_kernel_by_hand():
    g = np.arange(24, dtype=np.float64).reshape(2, 3, 4)
    np.testing.assert_array_equal(_run(lambda t: nn_ops.bias_add_grad(t), g),
                                  g.sum(axis=(0, 1)))
    np.testing.assert_array_equal(_run(lambda t: nn_ops.bias_add_grad(t, "NCHW"), g),
                                  g.sum(axis=(0, 2)))
    big = RNG.normal(size=(300, 200)).astype(np.float32)  # > 64 channels, > one share
    np.testing.assert_allclose(_run(lambda t: nn_ops.bias_add_grad(t), big),
                               big.astype(np.float64).sum(0), rtol=1e-5, atol=1e-4)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_cross_entropy_backprop_outputs(dtype):
    logits = RNG.normal(size=(4, 6)).astype(dtype)
    p = RNG.uniform(size=(4, 6))
    labels = (p / p.sum(-1, keepdims=True)).astype(dtype)
    sparse = np.array([0, 5, 2, 2], np.int32)

    def build(lo, la, sl):
        dense = lo.graph.create_op("SoftmaxCrossEntropyWithLogits", [lo, la], {})
        sp = lo.graph.create_op("SparseSoftmaxCrossEntropyWithLogits", [lo, sl], {})
        return list(dense.outputs) + list(sp.outputs)

    loss, back, sloss, sback = _run(build, logits, labels, sparse)
    z = logits.astype(np.float64)
    soft = np.exp(z - z.max(-1, keepdims=True))
    soft /= soft.sum(-1, keepdims=True)
    tol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(back, soft - labels, rtol=tol, atol=tol)
    np.testing.assert_allclose(loss, -np.sum(labels * np.log(soft), -1), rtol=tol)
    np.testing.assert_allclose(sback, soft - np.eye(6)[sparse], rtol=tol, atol=tol)
    np.testing.assert_allclose(sloss, -np.log(soft[np.arange(4), sparse]), rtol=tol)


# ---- batch norm -----------------------------------------------------------------------

def _np_batch_norm(x, scale, offset, mean, var, eps, channels_first, training):
    axis = 1 if channels_first else x.ndim - 1
    axes = tuple(i for i in range(x.ndim) if i != axis)
    shape = [1] * x.ndim
    shape[axis] = -1
    if training:
        mean, var = x.mean(axis=axes), x.var(axis=axes)
    return (x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + eps) * \
        scale.reshape(shape) + offset.reshape(shape)


@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("shape,fmt", [((2, 3, 3, 4), "NHWC"), ((2, 4, 2, 3), "NCHW"),
                                       ((2, 2, 2, 2, 3), "NDHWC")])
def test_fused_batch_norm_gradient_matches_finite_differences(training, shape, fmt):
    # The op is float32 only (as TF's); its gradient is compared with central
    # differences of a float64 batch norm, for y's gradient weighted by w.
    channels_first = fmt.startswith("NC")
    c = shape[1] if channels_first else shape[-1]
    x = RNG.normal(size=shape).astype(np.float32)
    scale = RNG.uniform(0.5, 2, c).astype(np.float32)
    offset = RNG.normal(size=c).astype(np.float32)
    mean = RNG.normal(size=c).astype(np.float32)
    var = RNG.uniform(0.5, 2, c).astype(np.float32)
    w = RNG.normal(size=shape)
    eps = 1e-3
    with tf.Graph().as_default():
        phs = [tf.placeholder(tf.float32, [None] * a.ndim) for a in (x, scale, offset, mean, var)]
        outs = batch_norm_ops.fused_batch_norm_v3(*phs, epsilon=eps, data_format=fmt,
                                          is_training=training,
                                          exponential_avg_factor=0.5 if training else 1.0)
        grads = tf.gradients(outs[0], phs, grad_ys=tf.constant(w.astype(np.float32)))
        assert grads[3] is None and grads[4] is None
        with tf.Session() as sess:
            got = sess.run(grads[:3], dict(zip(phs, [x, scale, offset, mean, var])))
    args = [a.astype(np.float64) for a in (x, scale, offset, mean, var)]
    for i in range(3):
        def f(v, i=i):
            a = list(args)
            a[i] = v
            return float(np.sum(w * _np_batch_norm(*a, eps, channels_first, training)))

        np.testing.assert_allclose(got[i], numeric_gradient(f, args[i], 1e-6), rtol=2e-4,
                                   atol=2e-4, err_msg=f"input {i}")


def test_fused_batch_norm_outputs_by_hand():
    x = np.array([1.0, 3.0, 2.0, 6.0, 3.0, 9.0], np.float32).reshape(3, 1, 1, 2)
    scale, offset = np.array([2.0, 1.0], np.float32), np.array([0.5, -1.0], np.float32)
    run_mean, run_var = np.array([1.0, 2.0], np.float32), np.array([4.0, 8.0], np.float32)
    y, bm, bv, r1, r2, r3 = _run(lambda *t: batch_norm_ops.fused_batch_norm_v3(
        *t, epsilon=0.0, exponential_avg_factor=0.25, is_training=True),
        x, scale, offset, run_mean, run_var)
    # Channel 0: 1, 2, 3 (mean 2, biased variance 2/3, corrected 1);
    # channel 1: 3, 6, 9 (mean 6, biased 6, corrected 9).
    np.testing.assert_allclose(r1, [2, 6], rtol=1e-6)
    np.testing.assert_allclose(r2, [2 / 3, 6], rtol=1e-6)
    np.testing.assert_allclose(bm, [0.75 * 1 + 0.25 * 2, 0.75 * 2 + 0.25 * 6], rtol=1e-6)
    np.testing.assert_allclose(bv, [0.75 * 4 + 0.25 * 1, 0.75 * 8 + 0.25 * 9], rtol=1e-6)
    assert r3.shape == (0,)
    z0 = (np.array([1, 2, 3]) - 2) / np.sqrt(2 / 3)
    z1 = (np.array([3, 6, 9]) - 6) / np.sqrt(6)
    np.testing.assert_allclose(y[:, 0, 0, 0], 2 * z0 + 0.5, rtol=1e-5)
    np.testing.assert_allclose(y[:, 0, 0, 1], z1 - 1, rtol=1e-5)
    # Inference: the given statistics pass through and normalise.
    y, bm, bv, r1, r2, _ = _run(lambda *t: batch_norm_ops.fused_batch_norm_v3(
        *t, epsilon=0.0, is_training=False), x, scale, offset, run_mean, run_var)
    np.testing.assert_allclose(y[:, 0, 0, 0], 2 * (np.array([1, 2, 3]) - 1) / 2 + 0.5)
    np.testing.assert_array_equal(bm, run_mean)
    np.testing.assert_array_equal(r2, run_var)


def test_fused_batch_norm_many_channels_split():
    # More channels than one chunk (64) and a share each for the threads.
    x = RNG.normal(size=(4, 30, 30, 150)).astype(np.float32) * 3 + 5
    scale, offset = np.ones(150, np.float32), np.zeros(150, np.float32)
    empty = np.zeros(0, np.float32)
    y, bm, bv = _run(lambda *t: batch_norm_ops.fused_batch_norm_v3(*t, epsilon=1e-3)[:3],
                     x, scale, offset, empty, empty)
    x64 = x.astype(np.float64)
    np.testing.assert_allclose(bm, x64.mean((0, 1, 2)), rtol=1e-5)
    np.testing.assert_allclose(bv, x64.var((0, 1, 2), ddof=1), rtol=1e-4)
    np.testing.assert_allclose(y, (x64 - x64.mean((0, 1, 2))) /
                               np.sqrt(x64.var((0, 1, 2)) + 1e-3), rtol=1e-4, atol=1e-4)


def test_fused_batch_norm_grad_kernel_matches_finite_differences_in_training():
    # FusedBatchNormGradV3 itself, fed the forward op's reserve spaces.
    x = RNG.normal(size=(3, 2, 2, 3)).astype(np.float32)
    dy = RNG.normal(size=x.shape).astype(np.float32)
    scale = RNG.uniform(0.5, 2, 3).astype(np.float32)
    zeros = np.zeros(3, np.float32)

    def build(xp, dyp, sp, zp):
        outs = batch_norm_ops.fused_batch_norm_v3(xp, sp, zp, zp[:0], zp[:0], epsilon=1e-3)
        return batch_norm_ops.fused_batch_norm_grad_v3(dyp, xp, sp, outs[3], outs[4], outs[5],
                                               epsilon=1e-3)[:3]

    dx, dscale, doffset = _run(build, x, dy, scale, zeros)
    x64 = x.astype(np.float64)
    f = lambda v: float(np.sum(dy * _np_batch_norm(v, scale, zeros, None, None, 1e-3,  # noqa: E731
                                                   False, True)))
    np.testing.assert_allclose(dx, numeric_gradient(f, x64, 1e-6), rtol=1e-4, atol=1e-4)
    xhat = (x64 - x64.mean((0, 1, 2))) / np.sqrt(x64.var((0, 1, 2)) + 1e-3)
    np.testing.assert_allclose(dscale, np.sum(dy * xhat, (0, 1, 2)), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(doffset, dy.astype(np.float64).sum((0, 1, 2)), rtol=1e-5,
                               atol=1e-5)


def test_fused_batch_norm_through_the_api_trains():
    # tf.compat.v1.nn.fused_batch_norm in training is the op, and its gradient flows.
    x = RNG.normal(size=(4, 2, 2, 3)).astype(np.float32)
    with tf.Graph().as_default():
        xp = tf.placeholder(tf.float32, [None, 2, 2, 3])
        scale = tf.constant(np.ones(3, np.float32))
        offset = tf.constant(np.zeros(3, np.float32))
        y, m, v = tf.compat.v1.nn.fused_batch_norm(xp, scale, offset, is_training=True)
        assert y.op.type == "FusedBatchNormV3"
        w = RNG.normal(size=x.shape).astype(np.float32)
        gx, gs, go = tf.gradients(y, [xp, scale, offset], grad_ys=tf.constant(w))
        with tf.Session() as sess:
            got_gs, got_go = sess.run([gs, go], {xp: x})
    # y = xhat * scale + offset: d/dscale = sum(w * xhat), d/doffset = sum(w).
    x64 = x.astype(np.float64)
    xhat = (x64 - x64.mean((0, 1, 2))) / np.sqrt(x64.var((0, 1, 2)) + 1e-3)
    np.testing.assert_allclose(got_gs, np.sum(w * xhat, (0, 1, 2)), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(got_go, w.astype(np.float64).sum((0, 1, 2)), rtol=1e-5,
                               atol=1e-5)


# ---- gradients on shapes known only at run time -----------------------------------------

def test_gradients_with_unknown_batch_dimension():
    logits = RNG.normal(size=(5, 4))
    labels = RNG.integers(0, 4, size=5).astype(np.int32)
    bias = RNG.normal(size=4)
    with tf.Graph().as_default():
        lp = tf.placeholder(tf.float64, [None, 4])
        lab = tf.placeholder(tf.int32, [None])
        b = tf.constant(bias)
        h = tf.nn.elu(tf.nn.bias_add(lp, b))
        # Several ys: their gradients are summed, each weighted by ones.
        ys = [tf.nn.sparse_softmax_cross_entropy_with_logits(labels=lab, logits=h),
              tf.nn.log_softmax(h), tf.nn.l2_loss(h)]
        gl, gb = tf.gradients(ys, [lp, b])
        with tf.Session() as sess:
            got_l, got_b = sess.run([gl, gb], {lp: logits, lab: labels})

    def f(z):
        h = z + bias
        h = np.where(h > 0, h, np.expm1(h))
        ls = h - h.max(-1, keepdims=True)
        ls = ls - np.log(np.exp(ls).sum(-1, keepdims=True))
        return float(-ls[np.arange(5), labels].sum() + ls.sum() + np.sum(h * h) / 2)

    want = numeric_gradient(f, logits, 1e-6)
    np.testing.assert_allclose(got_l, want, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(got_b, want.sum(0), rtol=1e-6, atol=1e-8)


# ---- bad inputs -------------------------------------------------------------------------

def test_activation_grad_shapes_must_agree():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="Dimension 1 in both shapes must be equal"):
            nn_ops.relu_grad(tf.zeros([2, 3]), tf.zeros([2, 4]))
        with pytest.raises(TypeError, match="not in list of allowed values"):
            nn_ops.elu_grad(tf.zeros([2], tf.int32), tf.zeros([2], tf.int32))
        g = tf.placeholder(tf.float32, [None])
        y = nn_ops.relu_grad(g, tf.placeholder(tf.float32, [None]))
        with tf.Session() as sess:
            with pytest.raises(tf.errors.InvalidArgumentError):
                sess.run(y, {g: np.zeros(2, np.float32), y.op.inputs[1]: np.zeros(3, np.float32)})


def test_fused_batch_norm_bad_inputs():
    c = np.zeros(3, np.float32)
    with tf.Graph().as_default():
        x = tf.zeros([2, 2, 2, 3])
        with pytest.raises(ValueError, match="rank 4"):
            batch_norm_ops.fused_batch_norm_v3(tf.zeros([2, 3]), c, c, c, c)
        with pytest.raises(ValueError, match="mean must have the same number of elements"):
            batch_norm_ops.fused_batch_norm_v3(x, c, c, c[:2], c, is_training=False)
        with pytest.raises(ValueError, match="mean must have the same number of elements"):
            batch_norm_ops.fused_batch_norm_v3(x, c, c, c[:0], c[:0], exponential_avg_factor=0.5)
        with pytest.raises(ValueError, match="scale must have the same number"):
            batch_norm_ops.fused_batch_norm_v3(x, c[:2], c, c[:0], c[:0])
        with pytest.raises(ValueError, match="Invalid data format"):
            batch_norm_ops.fused_batch_norm_v3(x, c, c, c, c, data_format="NDHWC")
        with pytest.raises(TypeError, match="not in list of allowed values"):
            batch_norm_ops.fused_batch_norm_v3(tf.zeros([2, 2, 2, 3], tf.float64), c, c, c, c)
        xp = tf.placeholder(tf.float32, [None, None, None, None])
        y = batch_norm_ops.fused_batch_norm_v3(xp, c, c, c, c, is_training=False)[0]
        with tf.Session() as sess:
            with pytest.raises(tf.errors.InvalidArgumentError):
                sess.run(y, {xp: np.zeros((1, 2, 2, 4), np.float32)})


def test_every_nn_gradient_op_is_registered_with_a_gradient():
    for t in ("Relu", "Relu6", "LeakyRelu", "Elu", "Selu", "Softplus", "Softsign", "Softmax",
              "LogSoftmax", "SoftmaxCrossEntropyWithLogits",
              "SparseSoftmaxCrossEntropyWithLogits", "L2Loss", "BiasAdd", "BiasAddGrad",
              "ReluGrad", "Relu6Grad", "LeakyReluGrad", "EluGrad", "SeluGrad", "SoftplusGrad",
              "SoftsignGrad", "FusedBatchNormV3", "FusedBatchNormGradV3"):
        assert callable(op_registry.get(t).gradient), t


def test_relu_grads_fuse_with_the_chain_around_them():
    from fastgraph.compiler.plan import compile_plan

    g = np.array([1.0, -2.0, np.nan, 4.0, 5.0, 0.5] * 700, np.float32)
    x = np.array([-1.0, 0.0, -2.0, 3.0, 7.0, 5.0] * 700, np.float32)
    with tf.Graph().as_default():
        gp, xp = (tf.placeholder(tf.float32, [g.size]) for _ in range(2))
        out = nn_ops.relu6_grad(nn_ops.relu_grad(gp * 2.0, xp) + 1.0, xp - 1.0)
        plan = compile_plan([out], [], {gp: (g.shape, tf.float32), xp: (x.shape, tf.float32)})
        assert plan.kernels() == ["fused"]
        with tf.Session() as sess:
            got = sess.run(out, {gp: g, xp: x})
    r = (g * 2 * (x > 0) + 1) * ((x - 1 > 0) & (x - 1 < 6))
    np.testing.assert_array_equal(got, r.astype(np.float32))


def _np_batch_norm_grad(dy, x, scale, mean, var, eps, channels_first, training):
    """FusedBatchNormGradV3's three results in float64; in training the
    statistics are x's own."""
    axis = 1 if channels_first else x.ndim - 1
    axes = tuple(i for i in range(x.ndim) if i != axis)
    shape = [1] * x.ndim
    shape[axis] = -1
    if training:
        mean, var = x.mean(axis=axes), x.var(axis=axes)
    inv = (1 / np.sqrt(var + eps)).reshape(shape)
    xh = (x - mean.reshape(shape)) * inv
    dscale, doffset = np.sum(dy * xh, axes), np.sum(dy, axes)
    p = dy
    if training:
        p = dy - dy.mean(axis=axes, keepdims=True) - xh * np.mean(dy * xh, axes, keepdims=True)
    return scale.reshape(shape) * inv * p, dscale, doffset


@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("shape,fmt", [((2, 3, 2, 3), "NHWC"), ((2, 3, 2, 2), "NCHW")])
def test_fused_batch_norm_grad_gradient_matches_finite_differences(training, shape, fmt):
    # Second order: the gradient of FusedBatchNormGradV3's outputs with respect
    # to y_backprop, x and scale, the reserve spaces x's statistics in training
    # (as the forward op makes them), against a float64 NumPy version.
    channels_first = fmt.startswith("NC")
    c = shape[1] if channels_first else shape[-1]
    dy, x = (RNG.normal(size=shape).astype(np.float32) for _ in range(2))
    scale = RNG.uniform(0.5, 2, c).astype(np.float32)
    mean = RNG.normal(size=c).astype(np.float32)
    var = RNG.uniform(0.5, 2, c).astype(np.float32)
    wx = RNG.normal(size=shape)
    ws, wo = RNG.normal(size=c), RNG.normal(size=c)
    eps = 1e-3
    with tf.Graph().as_default():
        phs = [tf.placeholder(tf.float32, [None] * a.ndim) for a in (dy, x, scale, mean, var)]
        dyp, xp, sp, mp, vp = phs
        fwd = batch_norm_ops.fused_batch_norm_v3(xp, sp, tf.zeros_like(sp), mp, vp, epsilon=eps,
                                         data_format=fmt, is_training=training)
        stats = (fwd[3], fwd[4]) if training else (mp, vp)
        outs = batch_norm_ops.fused_batch_norm_grad_v3(dyp, xp, sp, stats[0], stats[1], fwd[5],
                                               epsilon=eps, data_format=fmt,
                                               is_training=training)[:3]
        weights = [tf.constant(w.astype(np.float32)) for w in (wx, ws, wo)]
        grads = tf.gradients(outs, [dyp, xp, sp], grad_ys=weights)
        with tf.Session() as sess:
            got = sess.run(grads, dict(zip(phs, [dy, x, scale, mean, var])))
    args = [a.astype(np.float64) for a in (dy, x, scale)]
    for i in range(3):
        def f(v, i=i):
            a = list(args)
            a[i] = v
            r = _np_batch_norm_grad(*a, mean.astype(np.float64), var.astype(np.float64), eps,
                                    channels_first, training)
            return float(np.sum(wx * r[0]) + np.sum(ws * r[1]) + np.sum(wo * r[2]))

        np.testing.assert_allclose(got[i], numeric_gradient(f, args[i], 1e-6), rtol=5e-4,
                                   atol=5e-4, err_msg=f"input {i}")


@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("shape,fmt", [((4, 20, 20, 150), "NHWC"), ((4, 150, 20, 20), "NCHW")])
def test_fused_batch_norm_grad_kernel_split_across_shares(training, shape, fmt):
    # Big enough for several shares and more channels than one chunk.
    from fastgraph.compiler.plan import compile_plan

    channels_first = fmt.startswith("NC")
    c = shape[1] if channels_first else shape[-1]
    dy, x = (RNG.normal(size=shape).astype(np.float32) for _ in range(2))
    scale = RNG.uniform(0.5, 2, c).astype(np.float32)
    mean = RNG.normal(size=c).astype(np.float32) * 0.1
    var = RNG.uniform(0.5, 2, c).astype(np.float32)
    with tf.Graph().as_default():
        phs = [tf.placeholder(tf.float32, a.shape) for a in (dy, x, scale, mean, var)]
        outs = batch_norm_ops.fused_batch_norm_grad_v3(*phs, tf.zeros([0]), epsilon=1e-3,
                                               data_format=fmt, is_training=training)[:3]
        plan = compile_plan(outs, [], {p: (p.shape.as_tuple(), tf.float32) for p in phs},
                            threads=2)
        assert max(st.nparts for st in plan.steps) > 1
        with tf.Session() as sess:
            got = sess.run(outs, dict(zip(phs, [dy, x, scale, mean, var])))
    want = _np_batch_norm_grad(*(a.astype(np.float64) for a in (dy, x, scale)),
                               mean.astype(np.float64), var.astype(np.float64), 1e-3,
                               channels_first, False)
    if training:  # the reserve spaces as given, not x's own statistics
        axis = 1 if channels_first else 3
        axes = tuple(i for i in range(4) if i != axis)
        bshape = [1] * 4
        bshape[axis] = -1
        inv = 1 / np.sqrt(var.astype(np.float64) + 1e-3)
        xh = (x - mean.reshape(bshape)) * inv.reshape(bshape)
        m = x.size // c
        dx = (scale * inv).reshape(bshape) * (
            dy - dy.sum(axes).reshape(bshape) / m - xh * (dy * xh).sum(axes).reshape(bshape) / m)
        want = (dx,) + want[1:]
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-4, atol=1e-3)
