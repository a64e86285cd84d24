"""More of tf.nn against NumPy: crelu, relu_layer, the sufficient
statistics and moments built from them, weighted_moments, the 1-D and
rank-dispatching poolings, the distributed-loss scalings, and the 3-D
convolutions and poolings (values against loop references, gradients
against finite differences)."""

import numpy as np
import pytest

import fastgraph as tf

from .gradient_check import check_gradient

v1 = tf.compat.v1
_RNG = np.random.default_rng(3)


def _run(build, *feeds):
    with tf.Graph().as_default():
        phs = [tf.placeholder(tf.as_dtype(a.dtype), [None] * a.ndim) for a in feeds]
        out = build(*phs)
        with tf.Session() as sess:
            return sess.run(out, dict(zip(phs, feeds)))


def test_crelu_concatenates_both_halves():
    x = _RNG.normal(size=(3, 4)).astype(np.float32)
    got = _run(lambda p: v1.nn.crelu(p), x)
    np.testing.assert_array_equal(got, np.concatenate([np.maximum(x, 0), np.maximum(-x, 0)], -1))
    got0 = _run(lambda p: v1.nn.crelu(p, axis=0), x)
    assert got0.shape == (6, 4)
    with tf.Graph().as_default():
        y = v1.nn.crelu(tf.zeros([2, 3]))
        assert y.op.type == "Relu" and y.op.inputs[0].op.type == "ConcatV2"
        assert y.op.inputs[0].op.name == "CRelu"


def test_relu_layer():
    x, w, b = (_RNG.normal(size=s) for s in ((3, 4), (4, 2), (2,)))
    got = _run(lambda *p: v1.nn.relu_layer(*p), x, w, b)
    np.testing.assert_allclose(got, np.maximum(x @ w + b, 0), rtol=1e-12)


@pytest.mark.parametrize("axes,keep", [([0], False), ([0, 2], True), ([-1], False)])
def test_sufficient_statistics_and_normalize_moments(axes, keep):
    x = _RNG.normal(size=(3, 4, 5))
    shift = np.float64(0.5)  # a Python float would be float32, as in TF
    for static in (True, False):
        with tf.Graph().as_default():
            p = tf.placeholder(tf.float64, x.shape if static else [None] * 3)
            c, m, v, s = v1.nn.sufficient_statistics(p, axes, shift=shift, keep_dims=keep)
            mean, var = v1.nn.normalize_moments(c, m, v, s)
            got = tf.Session().run([c, m, v, mean, var], {p: x})
        ax = tuple(a % 3 for a in axes)
        assert got[0] == np.prod([x.shape[a] for a in ax])
        np.testing.assert_allclose(got[1], (x - shift).sum(ax, keepdims=keep), rtol=1e-12)
        np.testing.assert_allclose(got[2], ((x - shift) ** 2).sum(ax, keepdims=keep),
                                   rtol=1e-12)
        np.testing.assert_allclose(got[3], x.mean(ax, keepdims=keep), rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(got[4], x.var(ax, keepdims=keep), rtol=1e-10)


def test_weighted_moments():
    x = _RNG.normal(size=(4, 3))
    w = _RNG.uniform(0.5, 2, size=(4, 1))
    mean, var = _run(lambda p, q: v1.nn.weighted_moments(p, [0], q), x, w)
    wb = np.broadcast_to(w, x.shape)
    m = (wb * x).sum(0) / wb.sum(0)
    np.testing.assert_allclose(mean, m, rtol=1e-12)
    np.testing.assert_allclose(var, (wb * (x - m) ** 2).sum(0) / wb.sum(0), rtol=1e-12)
    mean, var = _run(lambda p, q: v1.nn.weighted_moments(p, [0], q, keep_dims=True), x, w)
    assert mean.shape == (1, 3)


def test_batch_norm_with_global_normalization():
    x = _RNG.normal(size=(2, 3))
    m, v, beta, gamma = _RNG.normal(size=3), _RNG.uniform(1, 2, 3), _RNG.normal(size=3), \
        _RNG.normal(size=3)
    for scale in (True, False):
        got = _run(lambda *p: v1.nn.batch_norm_with_global_normalization(
            *p, variance_epsilon=1e-3, scale_after_normalization=scale), x, m, v, beta, gamma)
        want = (x - m) / np.sqrt(v + 1e-3) * (gamma if scale else 1) + beta
        np.testing.assert_allclose(got, want, rtol=1e-12)


def _pool1d(x, k, s, padding, fn):
    n, w, c = x.shape
    if padding == "SAME":
        out = -(-w // s)
        pad = max((out - 1) * s + k - w, 0) // 2
    else:
        out, pad = (w - k) // s + 1, 0
    res = np.zeros((n, out, c))
    for i in range(out):
        lo = max(i * s - pad, 0)
        hi = min(i * s - pad + k, w)
        res[:, i] = fn(x[:, lo:hi], axis=1)
    return res


@pytest.mark.parametrize("k,s,padding", [(2, 2, "VALID"), (3, 1, "SAME"), (3, 2, "SAME")])
def test_pool1d(k, s, padding):
    x = _RNG.normal(size=(2, 7, 3))
    np.testing.assert_allclose(_run(lambda p: v1.nn.avg_pool1d(p, k, s, padding), x),
                               _pool1d(x, k, s, padding, np.mean), rtol=1e-12)
    np.testing.assert_array_equal(_run(lambda p: v1.nn.max_pool1d(p, [k], [s], padding), x),
                                  _pool1d(x, k, s, padding, np.max))
    # the v2 poolings dispatch on rank
    np.testing.assert_allclose(
        _run(lambda p: v1.nn.avg_pool_v2(tf.reshape(p, [2, 7, 3]), k, s, padding), x),
        _pool1d(x, k, s, padding, np.mean), rtol=1e-12)


def test_pool_v2_rank_errors():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="must be 3, 4 or 5"):
            v1.nn.max_pool_v2(tf.zeros([2, 3]), 2, 2, "VALID")
        with pytest.raises(ValueError, match="ksize should be of length 1, 2 or 4"):
            v1.nn.max_pool_v2(tf.zeros([1, 4, 4, 1]), [2, 2, 2], 2, "VALID")


def test_compute_average_loss_and_scale_regularization_loss():
    losses = _RNG.uniform(size=(4,)).astype(np.float32)
    weights = _RNG.uniform(size=(4,)).astype(np.float32)
    got = _run(lambda p: v1.nn.compute_average_loss(p), losses)
    np.testing.assert_allclose(got, losses.sum() / 4, rtol=1e-6)
    got = _run(lambda p, q: v1.nn.compute_average_loss(p, sample_weight=q, global_batch_size=8),
               losses, weights)
    np.testing.assert_allclose(got, (losses * weights).sum() / 8, rtol=1e-6)
    assert _run(lambda p: v1.nn.compute_average_loss(p, global_batch_size=0), losses) == 0
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="at least rank 1"):
            v1.nn.compute_average_loss(tf.constant(1.0))
        with pytest.raises(TypeError, match="must be an integer"):
            v1.nn.compute_average_loss(tf.ones([3]), global_batch_size=2.0)
    got = _run(lambda p: v1.nn.scale_regularization_loss([p, p * 2]), losses)
    np.testing.assert_allclose(got, 3 * losses.sum(), rtol=1e-6)


# ---- 3-D convolutions and pooling --------------------------------------------

def _np_conv3d(x, f, strides, padding):
    """A loop reference: each output as the sum over its window."""
    n, d, h, w, c = x.shape
    kd, kh, kw, _, o = f.shape
    size = (d, h, w)
    ks = (kd, kh, kw)
    outs, pads = [], []
    for i in range(3):
        if padding == "SAME":
            out = -(-size[i] // strides[i])
            pads.append(max((out - 1) * strides[i] + ks[i] - size[i], 0) // 2)
        else:
            out = (size[i] - ks[i]) // strides[i] + 1
            pads.append(0)
        outs.append(out)
    res = np.zeros((n, *outs, o))
    for idx in np.ndindex(*outs):
        acc = np.zeros((n, o))
        for tap in np.ndindex(*ks):
            src = [idx[i] * strides[i] - pads[i] + tap[i] for i in range(3)]
            if all(0 <= src[i] < size[i] for i in range(3)):
                acc += x[:, src[0], src[1], src[2], :] @ f[tap]
        res[(slice(None), *idx)] = acc
    return res


@pytest.mark.parametrize("strides,padding", [((1, 1, 1), "SAME"), ((2, 1, 2), "VALID"),
                                             ((2, 2, 1), "SAME")])
def test_conv3d_values_and_gradients(strides, padding):
    x = _RNG.normal(size=(2, 4, 3, 5, 2))
    f = _RNG.normal(size=(2, 3, 2, 2, 3))
    attrs = {"strides": (1, *strides, 1), "padding": padding, "dilations": (1,) * 5}
    got = _run(lambda p, q: v1.nn.conv3d(p, q, [1, *strides, 1], padding), x, f)
    np.testing.assert_allclose(got, _np_conv3d(x, f, strides, padding), rtol=1e-11, atol=1e-12)
    check_gradient("Conv3D", [x[:1], f], attrs)
    dy = _RNG.normal(size=got.shape)
    # The transpose is the gradient of conv3d with respect to its input.
    with tf.Graph().as_default():
        px, pf, pdy = (tf.placeholder(tf.float64, a.shape) for a in (x, f, dy))
        y = v1.nn.conv3d(px, pf, [1, *strides, 1], padding)
        gx, gf = tf.gradients(y, [px, pf], pdy)
        tx = v1.nn.conv3d_transpose(pdy, pf, x.shape, [1, *strides, 1], padding)
        tf_ = v1.nn.conv3d_backprop_filter(px, f.shape, pdy, [1, *strides, 1], padding)
        assert tx.op.type == "Conv3DBackpropInputV2" and tf_.op.type == "Conv3DBackpropFilterV2"
        a, b, c, d = tf.Session().run([gx, gf, tx, tf_], {px: x, pf: f, pdy: dy})
    np.testing.assert_allclose(a, c, rtol=1e-12)
    np.testing.assert_allclose(b, d, rtol=1e-12)
    eps = 1e-6
    num = (np.sum(_np_conv3d(x + eps * (e := np.eye(x.size)[7].reshape(x.shape)), f, strides,
                             padding) * dy) -
           np.sum(_np_conv3d(x - eps * e, f, strides, padding) * dy)) / (2 * eps)
    np.testing.assert_allclose(a.reshape(-1)[7], num, rtol=1e-6)


def test_conv3d_shape_errors():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="Dimensions must be equal"):
            v1.nn.conv3d(tf.zeros([1, 3, 3, 3, 2]), tf.zeros([1, 1, 1, 3, 1]), [1] * 5, "SAME")
        with pytest.raises(ValueError, match="rank 5"):
            v1.nn.conv3d(tf.zeros([1, 3, 3, 2]), tf.zeros([1, 1, 1, 2, 1]), [1] * 5, "SAME")
        with pytest.raises(ValueError, match="batch and depth"):
            v1.nn.conv3d(tf.zeros([1, 3, 3, 3, 2]), tf.zeros([1, 1, 1, 2, 1]),
                         [2, 1, 1, 1, 1], "SAME")


def test_conv3d_transpose_bad_sizes_at_run_time():
    with tf.Graph().as_default():
        sizes = tf.placeholder(tf.int32, [5])
        y = v1.nn.conv3d_transpose(tf.ones([1, 2, 2, 2, 1]), tf.ones([2, 2, 2, 1, 1]), sizes,
                                   [1, 1, 1, 1, 1], "VALID")
        with tf.Session() as sess:
            assert sess.run(y, {sizes: [1, 3, 3, 3, 1]}).shape == (1, 3, 3, 3, 1)
            with pytest.raises(tf.errors.InvalidArgumentError):
                sess.run(y, {sizes: [1, 9, 3, 3, 1]})


def _np_pool3d(x, k, s, padding, fn):
    n, *size, c = x.shape
    outs, pads = [], []
    for i in range(3):
        if padding == "SAME":
            out = -(-size[i] // s[i])
            pads.append(max((out - 1) * s[i] + k[i] - size[i], 0) // 2)
        else:
            out = (size[i] - k[i]) // s[i] + 1
            pads.append(0)
        outs.append(out)
    res = np.zeros((n, *outs, c))
    for idx in np.ndindex(*outs):
        lo = [max(idx[i] * s[i] - pads[i], 0) for i in range(3)]
        hi = [min(idx[i] * s[i] - pads[i] + k[i], size[i]) for i in range(3)]
        win = x[:, lo[0]:hi[0], lo[1]:hi[1], lo[2]:hi[2], :]
        res[(slice(None), *idx)] = fn(win, axis=(1, 2, 3))
    return res


@pytest.mark.parametrize("k,s,padding", [((2, 2, 2), (2, 2, 2), "VALID"),
                                         ((3, 2, 3), (1, 2, 1), "SAME")])
def test_pool3d_values_and_gradients(k, s, padding):
    shape = (2, 4, 3, 5, 2)
    x = _RNG.permutation(np.prod(shape)).reshape(shape) * 0.1
    x32 = x.astype(np.float32)
    got = _run(lambda p: v1.nn.max_pool3d(p, k, s, padding), x32)
    np.testing.assert_array_equal(got, _np_pool3d(x32, k, s, padding, np.max))
    got = _run(lambda p: v1.nn.avg_pool3d(p, k, s, padding), x)
    np.testing.assert_allclose(got, _np_pool3d(x, k, s, padding, np.mean), rtol=1e-12)
    got = _run(lambda p: v1.nn.max_pool_v2(p, k, s, padding), x32)
    np.testing.assert_array_equal(got, _np_pool3d(x32, k, s, padding, np.max))
    attrs = {"ksize": (1, *k, 1), "strides": (1, *s, 1), "padding": padding}
    check_gradient("AvgPool3D", [x[:1]], attrs)
    # MaxPool3D is float32 only (TF's): differences of 1e-2 never reorder
    # values 0.1 apart, and its gradient (and MaxPool3DGrad's, linear in
    # grad) must match them.
    w = _RNG.normal(size=got.shape).astype(np.float32)
    with tf.Graph().as_default():
        p = tf.placeholder(tf.float32, x.shape)
        pw = tf.placeholder(tf.float32, w.shape)
        y = v1.nn.max_pool3d(p, k, s, padding)
        g = tf.gradients(y, p, pw)[0]
        gg = tf.gradients(g, pw, tf.ones_like(g))[0]
        with tf.Session() as sess:
            analytic, analytic_gg = sess.run([g, gg], {p: x32, pw: w})
            loss = tf.reduce_sum(y * pw)
            for j in _RNG.choice(x.size, 12, replace=False):
                e = np.zeros(x.size, np.float32)
                e[j] = 1e-2
                e = e.reshape(x.shape)
                num = (sess.run(loss, {p: x32 + e, pw: w}) -
                       sess.run(loss, {p: x32 - e, pw: w})) / 2e-2
                np.testing.assert_allclose(analytic.reshape(-1)[j], num, rtol=1e-3, atol=1e-3)
    # d(sum g)/dw: each output's grad lands on one input
    np.testing.assert_allclose(analytic_gg, np.ones_like(w), rtol=1e-6)
