"""tf.compat.v1.metrics against running totals kept in NumPy: each
metric's update_op over several batches, its value afterwards, its local
variables (names, collections, local_variables_initializer resetting them)."""

import numpy as np
import pytest

import fastgraph as tf

v1 = tf.compat.v1
pytestmark = pytest.mark.usefixtures("g")


def _batches(seed, n=3, size=10):
    rng = np.random.default_rng(seed)
    return [((rng.uniform(size=size) > 0.5).astype(np.float32),
             rng.uniform(size=size).astype(np.float32),
             (rng.uniform(size=size) * (rng.uniform(size=size) > 0.2)).astype(np.float32))
            for _ in range(n)]


def _stream(make, batches, reference):
    """Runs make(y, p, w)'s update_op per batch; reference(ys, ps, ws) of the
    batches so far is what each update and the final value must equal."""
    y = v1.placeholder(tf.float32, [None])
    p = v1.placeholder(tf.float32, [None])
    w = v1.placeholder(tf.float32, [None])
    value, update = make(y, p, w)
    with tf.Session() as sess:
        sess.run(v1.local_variables_initializer())
        for i, b in enumerate(batches):
            got = sess.run(update, dict(zip((y, p, w), b)))
            seen = [np.concatenate(c) for c in zip(*batches[:i + 1])]
            np.testing.assert_allclose(got, reference(*seen), rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(sess.run(value), reference(*seen), rtol=1e-5, atol=1e-6)
        sess.run(v1.local_variables_initializer())
        assert all(np.all(sess.run(v) == 0) for v in v1.local_variables())


def _ratio(a, b):
    return a / b if b else 0.0


def _counts(y, pred, w):
    y, pred = y.astype(bool), pred.astype(bool)
    return {"tp": (w * (y & pred)).sum(), "fp": (w * (~y & pred)).sum(),
            "tn": (w * (~y & ~pred)).sum(), "fn": (w * (y & ~pred)).sum()}


CASES = {
    "mean": (lambda y, p, w: v1.metrics.mean(p, w), lambda y, p, w: _ratio((p * w).sum(), w.sum())),
    "accuracy": (lambda y, p, w: v1.metrics.accuracy(y, tf.round(p), w),
                 lambda y, p, w: _ratio((w * (y == np.round(p))).sum(), w.sum())),
    "mean_absolute_error": (lambda y, p, w: v1.metrics.mean_absolute_error(y, p, w),
                            lambda y, p, w: _ratio((w * np.abs(p - y)).sum(), w.sum())),
    "mean_squared_error": (lambda y, p, w: v1.metrics.mean_squared_error(y, p, w),
                           lambda y, p, w: _ratio((w * (p - y) ** 2).sum(), w.sum())),
    "root_mean_squared_error": (
        lambda y, p, w: v1.metrics.root_mean_squared_error(y, p, w),
        lambda y, p, w: np.sqrt(_ratio((w * (p - y) ** 2).sum(), w.sum()))),
    "precision": (lambda y, p, w: v1.metrics.precision(y, p > 0.5, w),
                  lambda y, p, w: (lambda c: _ratio(c["tp"], c["tp"] + c["fp"]))(
                      _counts(y, p > 0.5, w))),
    "recall": (lambda y, p, w: v1.metrics.recall(y, p > 0.5, w),
               lambda y, p, w: (lambda c: _ratio(c["tp"], c["tp"] + c["fn"]))(
                   _counts(y, p > 0.5, w))),
    **{name: ((lambda key: lambda y, p, w: getattr(v1.metrics, key)(y, p > 0.5, w))(name),
              (lambda key: lambda y, p, w: _counts(y, p > 0.5, w)[key])(short))
       for name, short in (("true_positives", "tp"), ("false_positives", "fp"),
                           ("true_negatives", "tn"), ("false_negatives", "fn"))},
}


@pytest.mark.parametrize("metric", sorted(CASES))
def test_streaming_metric(metric):
    make, reference = CASES[metric]
    _stream(make, _batches(len(metric)), reference)


def _roc_auc(y, p, w, thresholds):
    """TF's discretised ROC AUC: counts at each threshold, trapezoids."""
    eps = 1e-6
    tp = np.array([(w * ((p > t) & (y > 0))).sum() for t in thresholds])
    fn = np.array([(w * ((p <= t) & (y > 0))).sum() for t in thresholds])
    fp = np.array([(w * ((p > t) & (y == 0))).sum() for t in thresholds])
    tn = np.array([(w * ((p <= t) & (y == 0))).sum() for t in thresholds])
    tpr = (tp + eps) / (tp + fn + eps)
    fpr = fp / (fp + tn + eps)
    return np.sum((fpr[:-1] - fpr[1:]) * (tpr[:-1] + tpr[1:]) / 2)


def test_auc_roc():
    n = 20
    thresholds = [-1e-7] + [(i + 1) / (n - 1) for i in range(n - 2)] + [1 + 1e-7]
    _stream(lambda y, p, w: v1.metrics.auc(y, p, w, num_thresholds=n),
            _batches(1), lambda y, p, w: _roc_auc(y, p, w, thresholds))
    names = [v.name for v in v1.local_variables()]
    assert names == ["auc/true_positives:0", "auc/false_negatives:0", "auc/true_negatives:0",
                     "auc/false_positives:0"]
    assert v1.get_collection(v1.GraphKeys.METRIC_VARIABLES) == v1.local_variables()
    assert v1.trainable_variables() == [] and v1.global_variables() == []


def test_auc_perfect_ranking_is_one():
    y = np.array([0, 0, 1, 1], np.float32)
    p = np.array([0.1, 0.2, 0.8, 0.9], np.float32)
    value, update = v1.metrics.auc(y, p)
    with tf.Session() as sess:
        sess.run(v1.local_variables_initializer())
        np.testing.assert_allclose(sess.run(update), 1.0, atol=1e-5)


def test_thresholds_metrics():
    th = [0.2, 0.6]

    def counts(y, p, w, key):
        return np.array([_counts(y, p > t, w)[key] for t in th])
    _stream(lambda y, p, w: v1.metrics.true_positives_at_thresholds(y, p, th, w),
            _batches(2), lambda y, p, w: counts(y, p, w, "tp"))
    _stream(lambda y, p, w: v1.metrics.precision_at_thresholds(y, p, th, w), _batches(3),
            lambda y, p, w: counts(y, p, w, "tp") / (1e-7 + counts(y, p, w, "tp")
                                                     + counts(y, p, w, "fp")))
    _stream(lambda y, p, w: v1.metrics.recall_at_thresholds(y, p, th, w), _batches(4),
            lambda y, p, w: counts(y, p, w, "tp") / (1e-7 + counts(y, p, w, "tp")
                                                     + counts(y, p, w, "fn")))


def _classes(p):
    return (p * 3).astype(np.int64)


def test_mean_iou_and_per_class_accuracy():
    def confusion(y, p, w):
        cm = np.zeros((3, 3))
        np.add.at(cm, (y.astype(np.int64) * 2, _classes(p)), w)
        return cm

    def iou(y, p, w):
        cm = confusion(y, p, w)
        denom = cm.sum(0) + cm.sum(1) - np.diag(cm)
        valid = denom > 0
        return (np.diag(cm)[valid] / denom[valid]).mean()

    def per_class(y, p, w):
        cm = confusion(y, p, w)
        return np.mean(np.where(cm.sum(1) > 0, np.diag(cm) / np.maximum(cm.sum(1), 1e-30), 0))

    y = v1.placeholder(tf.float32, [None])
    p = v1.placeholder(tf.float32, [None])
    w = v1.placeholder(tf.float32, [None])
    labels, preds = tf.cast(y * 2, tf.int64), tf.cast(p * 3, tf.int64)
    miou, miou_update = v1.metrics.mean_iou(labels, preds, 3, weights=w)
    acc, acc_update = v1.metrics.mean_per_class_accuracy(labels, preds, 3, weights=w)
    batches = _batches(9)
    with tf.Session() as sess:
        sess.run(v1.local_variables_initializer())
        for i, b in enumerate(batches):
            cm, _ = sess.run([miou_update, acc_update], dict(zip((y, p, w), b)))
            seen = [np.concatenate(c) for c in zip(*batches[:i + 1])]
            np.testing.assert_allclose(cm, confusion(*seen), rtol=1e-6)
        np.testing.assert_allclose(sess.run(miou), iou(*seen), rtol=1e-5)
        np.testing.assert_allclose(sess.run(acc), per_class(*seen), rtol=1e-5)


@pytest.mark.parametrize("kind", ["recall", "precision"])
def test_at_k(kind):
    rng = np.random.default_rng(4)
    k = 2
    labels = [rng.integers(0, 4, size=6) for _ in range(3)]
    logits = [rng.normal(size=(6, 4)).astype(np.float32) for _ in range(3)]
    y = v1.placeholder(tf.int64, [None])
    p = v1.placeholder(tf.float32, [None, 4])
    value, update = getattr(v1.metrics, f"{kind}_at_k")(y, p, k)
    hits = 0
    with tf.Session() as sess:
        sess.run(v1.local_variables_initializer())
        for i, (lb, lg) in enumerate(zip(labels, logits)):
            top = np.argsort(-lg, axis=1)[:, :k]
            hits += (top == lb[:, None]).any(1).sum()
            total = 6 * (i + 1) * (k if kind == "precision" else 1)
            np.testing.assert_allclose(sess.run(update, {y: lb, p: lg}), hits / total)
        np.testing.assert_allclose(sess.run(value), hits / total)
