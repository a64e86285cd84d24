"""tf.compat.v1.losses and tf.compat.v1.metrics against TensorFlow: every
loss with scalar, per-example and per-element weights under every
reduction; every metric's update_op over several batches and its value
afterwards, and the names of the metric variables."""

import numpy as np
import pytest

import fastgraph as fg

from .parity import assert_same, run_both

tf = pytest.importorskip("tensorflow")

RNG = np.random.default_rng(7)
LABELS = RNG.uniform(size=(6, 4)).astype(np.float32)
PREDS = RNG.normal(size=(6, 4)).astype(np.float32)
ROW_W = RNG.uniform(size=(6, 1)).astype(np.float32)
ROW_W[2] = 0.0
ELEM_W = (RNG.uniform(size=(6, 4)) * (RNG.uniform(size=(6, 4)) > 0.3)).astype(np.float32)

REDUCTIONS = ["none", "weighted_sum", "weighted_mean", "weighted_sum_over_batch_size",
              "weighted_sum_by_nonzero_weights"]


def _loss_call(name, v1, y, p, w, reduction):
    losses = v1.losses
    kw = dict(weights=w, reduction=reduction)
    if name == "absolute_difference":
        return losses.absolute_difference(y, p, **kw)
    if name == "mean_squared_error":
        return losses.mean_squared_error(y, p, **kw)
    if name == "huber_loss":
        return losses.huber_loss(y, p, delta=0.7, **kw)
    if name == "log_loss":
        return losses.log_loss(v1.round(y), v1.sigmoid(p), **kw)
    if name == "hinge_loss":
        return losses.hinge_loss(v1.round(y), p, **kw)
    if name == "cosine_distance":
        return losses.cosine_distance(v1.nn.l2_normalize(y, 1), v1.nn.l2_normalize(p, 1), axis=1,
                                      **kw)
    if name == "sigmoid_cross_entropy":
        return losses.sigmoid_cross_entropy(y, p, label_smoothing=0.2, **kw)
    if name == "sigmoid_cross_entropy_plain":
        return losses.sigmoid_cross_entropy(y, p, **kw)
    if name == "softmax_cross_entropy":
        return losses.softmax_cross_entropy(v1.nn.softmax(y), p, label_smoothing=0.1, **kw)
    raise AssertionError(name)


POINTWISE = ["absolute_difference", "mean_squared_error", "huber_loss", "log_loss",
             "hinge_loss", "sigmoid_cross_entropy", "sigmoid_cross_entropy_plain"]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weights", ["scalar", "row", "element"])
@pytest.mark.parametrize("loss", POINTWISE)
def test_pointwise_losses(loss, weights, reduction):
    w = {"scalar": np.float32(2.5), "row": ROW_W, "element": ELEM_W}[weights]

    def build(api, phs):
        y, p, wt = phs
        return _loss_call(loss, api.compat.v1, y, p, wt, reduction)

    ours, theirs = run_both(build, [LABELS, PREDS, np.asarray(w)], static=True)
    assert_same(ours, theirs, rtol=2e-5, atol=1e-6)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("loss", ["cosine_distance", "softmax_cross_entropy"])
def test_row_losses(loss, reduction):
    # cosine_distance keeps the reduced dim ([6, 1] losses); softmax drops it ([6]).
    w = ROW_W if loss == "cosine_distance" else ROW_W[:, 0]

    def build(api, phs):
        y, p, wt = phs
        return _loss_call(loss, api.compat.v1, y, p, wt, reduction)

    ours, theirs = run_both(build, [LABELS, PREDS, w], static=True)
    assert_same(ours, theirs, rtol=2e-5, atol=1e-6)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("label_shape", ["flat", "column"])
def test_sparse_softmax_cross_entropy(reduction, label_shape):
    labels = RNG.integers(0, 4, size=(6,)).astype(np.int64)
    if label_shape == "column":
        labels = labels[:, None]

    def build(api, phs):
        y, p, wt = phs
        return api.compat.v1.losses.sparse_softmax_cross_entropy(y, p, weights=wt,
                                                                 reduction=reduction)

    ours, theirs = run_both(build, [labels, PREDS, ROW_W[:, 0]], static=True)
    assert_same(ours, theirs, rtol=2e-5, atol=1e-6)


@pytest.mark.parametrize("weights", ["scalar", "row"])
def test_mean_pairwise_squared_error(weights):
    w = np.float32(0.5) if weights == "scalar" else ROW_W

    def build(api, phs):
        y, p, wt = phs
        return api.compat.v1.losses.mean_pairwise_squared_error(y, p, weights=wt)

    ours, theirs = run_both(build, [LABELS, PREDS, np.asarray(w)], static=True)
    assert_same(ours, theirs, rtol=2e-5, atol=1e-6)


def test_loss_collection_and_total_loss():
    def build(api, phs):
        v1 = api.compat.v1
        y, p = phs
        v1.losses.mean_squared_error(y, p)
        v1.losses.absolute_difference(y, p, loss_collection=None)
        v1.losses.huber_loss(y, p, weights=3.0)
        kernel = v1.get_variable("k", initializer=np.ones((2, 2), np.float32),
                                 regularizer=lambda t: 0.1 * v1.nn.l2_loss(t))
        assert len(v1.losses.get_regularization_losses()) == 1
        assert len(v1.losses.get_losses()) == 2
        del kernel
        return [v1.losses.get_total_loss(), v1.losses.get_total_loss(False),
                v1.losses.get_regularization_loss()]

    ours, theirs = run_both(build, [LABELS, PREDS], static=True, init=True)
    for a, b in zip(ours, theirs):
        assert_same(a, b)


def test_loss_names():
    names = []
    for api in (fg, tf):
        v1 = api.compat.v1
        g = api.Graph() if api is fg else v1.Graph()
        with g.as_default():
            y = v1.placeholder(api.float32, [None, 4])
            p = v1.placeholder(api.float32, [None, 4])
            names.append([t.name for t in (
                v1.losses.absolute_difference(y, p), v1.losses.mean_squared_error(y, p),
                v1.losses.huber_loss(y, p, reduction="weighted_sum"),
                v1.losses.mean_pairwise_squared_error(y, p),
                v1.losses.sigmoid_cross_entropy(y, p, scope="mine"),
                v1.losses.get_total_loss())])
    assert names[0] == names[1]


# ---- metrics -------------------------------------------------------------------------

BATCHES = 3


def _batches(seed, n=8):
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(BATCHES):
        out.append([(rng.uniform(size=(n,)) > 0.5).astype(np.float32),
                    rng.uniform(size=(n,)).astype(np.float32),
                    (rng.uniform(size=(n,)) * (rng.uniform(size=(n,)) > 0.2)).astype(np.float32)])
    return out


def _run_metric(api, make, batches):
    """make(v1, labels, predictions, weights) -> (value, update_op); the
    update_op's values for each batch, then the value, and the local
    variable names."""
    v1 = api.compat.v1
    g = api.Graph() if api is fg else v1.Graph()
    with g.as_default():
        phs = [v1.placeholder(api.as_dtype(a.dtype), [None] * a.ndim) for a in batches[0]]
        value, update = make(v1, *phs)
        names = sorted(v.name for v in v1.local_variables())
        metric_names = sorted(v.name for v in v1.get_collection("metric_variables"))
        with v1.Session(graph=g) as sess:
            sess.run(v1.local_variables_initializer())
            updates = [sess.run(update, dict(zip(phs, b))) for b in batches]
            final = sess.run(value)
    return updates, final, names, metric_names


METRICS = {
    "accuracy": lambda v1, y, p, w: v1.metrics.accuracy(y, v1.round(p), weights=w),
    "accuracy_unweighted": lambda v1, y, p, w: v1.metrics.accuracy(y, v1.round(p)),
    "mean": lambda v1, y, p, w: v1.metrics.mean(p, weights=w),
    "mean_absolute_error": lambda v1, y, p, w: v1.metrics.mean_absolute_error(y, p, w),
    "mean_squared_error": lambda v1, y, p, w: v1.metrics.mean_squared_error(y, p, w),
    "root_mean_squared_error": lambda v1, y, p, w: v1.metrics.root_mean_squared_error(y, p, w),
    "mean_relative_error": lambda v1, y, p, w: v1.metrics.mean_relative_error(y, p, y, w),
    "percentage_below": lambda v1, y, p, w: v1.metrics.percentage_below(p, 0.4, w),
    "precision": lambda v1, y, p, w: v1.metrics.precision(y, p > 0.5, w),
    "recall": lambda v1, y, p, w: v1.metrics.recall(y, p > 0.5, w),
    "true_positives": lambda v1, y, p, w: v1.metrics.true_positives(y, p > 0.5, w),
    "false_positives": lambda v1, y, p, w: v1.metrics.false_positives(y, p > 0.5, w),
    "true_negatives": lambda v1, y, p, w: v1.metrics.true_negatives(y, p > 0.5, w),
    "false_negatives": lambda v1, y, p, w: v1.metrics.false_negatives(y, p > 0.5),
    "auc_roc": lambda v1, y, p, w: v1.metrics.auc(y, p, w),
    "auc_roc_unweighted": lambda v1, y, p, w: v1.metrics.auc(y, p, num_thresholds=50),
    "auc_pr": lambda v1, y, p, w: v1.metrics.auc(y, p, w, curve="PR"),
    "auc_pr_careful": lambda v1, y, p, w: v1.metrics.auc(
        y, p, w, curve="PR", summation_method="careful_interpolation"),
    "auc_minoring": lambda v1, y, p, w: v1.metrics.auc(y, p, w, summation_method="minoring"),
    "auc_majoring": lambda v1, y, p, w: v1.metrics.auc(
        y, p, w, summation_method="majoring", thresholds=[0.2, 0.5, 0.8]),
    "precision_at_thresholds": lambda v1, y, p, w: v1.metrics.precision_at_thresholds(
        y, p, [0.1, 0.5, 0.9], w),
    "recall_at_thresholds": lambda v1, y, p, w: v1.metrics.recall_at_thresholds(
        y, p, [0.1, 0.5, 0.9], w),
    "true_positives_at_thresholds": lambda v1, y, p, w: v1.metrics.true_positives_at_thresholds(
        y, p, [0.25, 0.75], w),
    "false_negatives_at_thresholds": lambda v1, y, p, w:
        v1.metrics.false_negatives_at_thresholds(y, p, [0.25, 0.75], w),
    "mean_iou": lambda v1, y, p, w: v1.metrics.mean_iou(
        v1.cast(y, "int32"), v1.cast(p * 3, "int32"), 3, weights=w),
    "mean_per_class_accuracy": lambda v1, y, p, w: v1.metrics.mean_per_class_accuracy(
        v1.cast(y * 2, "int64"), v1.cast(p * 3, "int64"), 3, weights=w),
    "named": lambda v1, y, p, w: v1.metrics.precision(y, p > 0.3, name="my_precision"),
    "sensitivity_at_specificity": lambda v1, y, p, w: v1.metrics.sensitivity_at_specificity(
        y, p, 0.6, w, num_thresholds=30),
    "specificity_at_sensitivity": lambda v1, y, p, w: v1.metrics.specificity_at_sensitivity(
        y, p, 0.4, w, num_thresholds=30),
    "specificity_at_sensitivity_unweighted": lambda v1, y, p, w:
        v1.metrics.specificity_at_sensitivity(y, p, 0.7),
}


@pytest.mark.parametrize("metric", sorted(METRICS))
def test_metrics_over_batches(metric):
    batches = _batches(abs(hash(metric)) % 1000)
    ours = _run_metric(fg, METRICS[metric], batches)
    theirs = _run_metric(tf, METRICS[metric], batches)
    for a, b in zip(ours[0], theirs[0]):
        assert_same(np.asarray(a), np.asarray(b), rtol=1e-5, atol=1e-6)
    assert_same(np.asarray(ours[1]), np.asarray(theirs[1]), rtol=1e-5, atol=1e-6)
    assert ours[2] == theirs[2]
    assert ours[3] == theirs[3]


def test_mean_tensor():
    def make(v1, y, p, w):
        return v1.metrics.mean_tensor(v1.reshape(p, [2, 4]), v1.reshape(w, [2, 4]))

    batches = _batches(5)

    def run(api):
        v1 = api.compat.v1
        g = api.Graph() if api is fg else v1.Graph()
        with g.as_default():
            phs = [v1.placeholder(api.float32, [8]) for _ in range(3)]
            value, update = make(v1, *phs)
            names = sorted(v.name for v in v1.local_variables())
            with v1.Session(graph=g) as sess:
                sess.run(v1.local_variables_initializer())
                ups = [sess.run(update, dict(zip(phs, b))) for b in batches]
                return ups, sess.run(value), names

    ours, theirs = run(fg), run(tf)
    for a, b in zip(ours[0] + [ours[1]], theirs[0] + [theirs[1]]):
        assert_same(a, b, rtol=1e-6)
    assert ours[2] == theirs[2]


@pytest.mark.parametrize("form", ["at_k", "at_top_k", "out_of_range"])
@pytest.mark.parametrize("kind", ["recall", "precision"])
@pytest.mark.parametrize("k", [1, 3])
def test_at_k(kind, k, form):
    rng = np.random.default_rng(k)
    high = 7 if form == "out_of_range" else 5
    batches = [[rng.integers(-1 if form == "out_of_range" else 0, high, size=(6,)).astype(np.int64),
                rng.normal(size=(6, 5)).astype(np.float32),
                rng.uniform(size=(6,)).astype(np.float32)] for _ in range(BATCHES)]

    def make(v1, y, p, w):
        if form == "at_top_k":
            idx = v1.nn.top_k(p, k).indices
            return getattr(v1.metrics, f"{kind}_at_top_k")(y, idx, k, weights=w)
        return getattr(v1.metrics, f"{kind}_at_k")(y, p, k, weights=w)

    ours = _run_metric(fg, make, batches)
    theirs = _run_metric(tf, make, batches)
    for a, b in zip(ours[0], theirs[0]):
        assert_same(np.asarray(a), np.asarray(b), rtol=1e-10)
    assert_same(np.asarray(ours[1]), np.asarray(theirs[1]), rtol=1e-10)
    assert ours[2] == theirs[2]
