"""tf.compat.v1.losses and tf.nn's losses against formulas written out in
NumPy (float64): each per-element loss, every reduction of the weighted
losses, the loss collections."""

import numpy as np
import pytest

import fastgraph as tf

from ..evaluate import session_run

v1 = tf.compat.v1
R = v1.losses.Reduction
RNG = np.random.default_rng(5)
Y = RNG.uniform(size=(5, 3))
P = RNG.normal(size=(5, 3))
W = RNG.uniform(size=(5, 1)) * np.array([[1], [0], [1], [1], [0]])

pytestmark = pytest.mark.usefixtures("g")


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


ELEMENTWISE = {
    "absolute_difference": (lambda y, p, kw: v1.losses.absolute_difference(y, p, **kw),
                            lambda y, p: np.abs(p - y)),
    "mean_squared_error": (lambda y, p, kw: v1.losses.mean_squared_error(y, p, **kw),
                           lambda y, p: (p - y) ** 2),
    "huber_loss": (lambda y, p, kw: v1.losses.huber_loss(y, p, delta=0.5, **kw),
                   lambda y, p: np.where(np.abs(p - y) <= 0.5, 0.5 * (p - y) ** 2,
                                         0.5 * 0.25 + 0.5 * (np.abs(p - y) - 0.5))),
    "log_loss": (lambda y, p, kw: v1.losses.log_loss(y, tf.sigmoid(p), **kw),
                 lambda y, p: -y * np.log(_sigmoid(p) + 1e-7)
                 - (1 - y) * np.log(1 - _sigmoid(p) + 1e-7)),
    "hinge_loss": (lambda y, p, kw: v1.losses.hinge_loss(tf.round(y), p, **kw),
                   lambda y, p: np.maximum(0, 1 - (2 * np.round(y) - 1) * p)),
    "sigmoid_cross_entropy": (
        lambda y, p, kw: v1.losses.sigmoid_cross_entropy(y, p, label_smoothing=0.2, **kw),
        lambda y, p: -(y * 0.8 + 0.1) * np.log(_sigmoid(p))
        - (1 - (y * 0.8 + 0.1)) * np.log(1 - _sigmoid(p))),
}

def _reduce(losses, weights, reduction):
    weighted = losses * weights
    total = weighted.sum()
    if reduction == R.NONE:
        return weighted
    if reduction == R.SUM:
        return total
    if reduction == R.MEAN:
        denom = (np.ones_like(losses) * weights).sum()
    elif reduction == R.SUM_OVER_BATCH_SIZE:
        denom = losses.size
    else:
        denom = (np.broadcast_to(weights, losses.shape) != 0).sum()
    return total / denom if denom else 0.0


@pytest.mark.parametrize("reduction", R.all()[:5])
@pytest.mark.parametrize("loss", sorted(ELEMENTWISE))
def test_elementwise_losses(loss, reduction):
    build, formula = ELEMENTWISE[loss]
    kw = dict(weights=W.astype(np.float32), reduction=reduction)
    out = session_run(build(Y.astype(np.float32), P.astype(np.float32), kw))
    np.testing.assert_allclose(out, _reduce(formula(Y, P), W, reduction), rtol=2e-5, atol=1e-6)


def test_default_reduction_is_sum_by_nonzero_weights():
    loss = v1.losses.mean_squared_error(Y.astype(np.float32), P.astype(np.float32),
                                        weights=W.astype(np.float32))
    want = ((P - Y) ** 2 * W).sum() / (3 * (W != 0).sum())
    np.testing.assert_allclose(session_run(loss), want, rtol=2e-6)
    # All weights zero: div_no_nan gives 0, not nan.
    zero = v1.losses.absolute_difference(Y.astype(np.float32), P.astype(np.float32), weights=0.0)
    assert session_run(zero) == 0.0


def test_cosine_distance_and_softmax_losses():
    yn = Y / np.linalg.norm(Y, axis=1, keepdims=True)
    pn = P / np.linalg.norm(P, axis=1, keepdims=True)
    cos = v1.losses.cosine_distance(yn.astype(np.float32), pn.astype(np.float32), axis=1,
                                    reduction=R.NONE)
    np.testing.assert_allclose(session_run(cos), 1 - (yn * pn).sum(1, keepdims=True),
                               rtol=1e-5, atol=1e-6)
    onehot = np.eye(3)[[0, 2, 1, 1, 0]]
    logp = P - np.log(np.exp(P).sum(1, keepdims=True))
    smooth = onehot * 0.7 + 0.3 / 3
    soft = v1.losses.softmax_cross_entropy(onehot.astype(np.float32), P.astype(np.float32),
                                           label_smoothing=0.3, reduction=R.NONE)
    np.testing.assert_allclose(session_run(soft), -(smooth * logp).sum(1), rtol=1e-5)
    sparse = v1.losses.sparse_softmax_cross_entropy(np.array([[0], [2], [1], [1], [0]]),
                                                    P.astype(np.float32),
                                                    weights=W[:, 0].astype(np.float32),
                                                    reduction=R.SUM)
    np.testing.assert_allclose(session_run(sparse), -(onehot * logp).sum(1) @ W[:, 0],
                               rtol=1e-5)


def test_mean_pairwise_squared_error():
    loss = v1.losses.mean_pairwise_squared_error(Y.astype(np.float32), P.astype(np.float32),
                                                 weights=W.astype(np.float32))
    d = P - Y
    want = 0.0
    for i in range(5):
        pairs = [(d[i, a] - d[i, b]) ** 2 for a in range(3) for b in range(3) if a != b]
        want += W[i, 0] * np.sum(pairs) / len(pairs)
    np.testing.assert_allclose(session_run(loss), want, rtol=1e-5)


def test_collections_and_total_loss():
    y, p = Y.astype(np.float32), P.astype(np.float32)
    a = v1.losses.mean_squared_error(y, p)
    v1.losses.absolute_difference(y, p, loss_collection=None)
    b = v1.losses.huber_loss(y, p, loss_collection="mine")
    v1.losses.add_loss(tf.constant(2.0))
    assert v1.losses.get_losses() == [a, v1.losses.get_losses()[1]]
    assert v1.losses.get_losses(loss_collection="mine") == [b]
    assert session_run(v1.losses.get_regularization_loss()) == 0.0
    v1.get_variable("k", initializer=np.full((2,), 3, np.float32),
                    regularizer=tf.keras.regularizers.l2(0.5))
    total = session_run(v1.losses.get_total_loss(), init=True)
    np.testing.assert_allclose(total, ((P - Y) ** 2).mean() + 2.0 + 0.5 * 18, rtol=1e-5)
    with pytest.raises(ValueError, match="Invalid Reduction Key"):
        v1.losses.mean_squared_error(y, p, reduction="mean")


def test_nn_losses():
    z, x = np.abs(Y * 3), P
    full = tf.nn.log_poisson_loss(z.astype(np.float32), x.astype(np.float32),
                                  compute_full_loss=True)
    stirling = np.where((z >= 0) & (z <= 1), 0, z * np.log(z) - z + 0.5 * np.log(2 * np.pi * z))
    np.testing.assert_allclose(session_run(full), np.exp(x) - z * x + stirling, rtol=1e-5)
    part = tf.nn.log_poisson_loss(z.astype(np.float32), x.astype(np.float32))
    np.testing.assert_allclose(session_run(part), np.exp(x) - z * x, rtol=1e-5)
    q = 2.5
    wce = tf.nn.weighted_cross_entropy_with_logits(labels=Y.astype(np.float32),
                                                   logits=x.astype(np.float32), pos_weight=q)
    np.testing.assert_allclose(session_run(wce), -q * Y * np.log(_sigmoid(x))
                               - (1 - Y) * np.log(1 - _sigmoid(x)), rtol=1e-5)
    probs = np.exp(Y) / np.exp(Y).sum(1, keepdims=True)
    logp = x - np.log(np.exp(x).sum(1, keepdims=True))
    for fn in (tf.nn.softmax_cross_entropy_with_logits_v2,
               v1.nn.softmax_cross_entropy_with_logits):
        out = fn(labels=probs.astype(np.float32), logits=x.astype(np.float32))
        np.testing.assert_allclose(session_run(out), -(probs * logp).sum(1), rtol=1e-5)
    with pytest.raises(ValueError, match="named arguments"):
        v1.nn.softmax_cross_entropy_with_logits(probs, x)
