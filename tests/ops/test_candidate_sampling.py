"""Candidate samplers and the sampled losses against NumPy: the kernels'
draws against `random_ops.sample_candidates` run after run, the expected
counts against TF's formulas written out, the base distributions by
frequency, nce_loss and sampled_softmax_loss against their definitions."""

import math

import numpy as np
import pytest

import fastgraph as tf
from fastgraph.ops import random_ops

pytestmark = pytest.mark.usefixtures("g")

SAMPLERS = {"uniform": (tf.random.uniform_candidate_sampler, False),
            "log_uniform": (tf.random.log_uniform_candidate_sampler, True)}


def _p(log_uniform, v, range_max):
    v = np.asarray(v, np.float64)
    if log_uniform:
        return np.log((v + 2) / (v + 1)) / np.log(range_max + 1)
    return np.full(v.shape, 1 / range_max)


@pytest.mark.parametrize("unique", [False, True])
@pytest.mark.parametrize("sampler", sorted(SAMPLERS))
def test_runs_match_the_reference(sampler, unique):
    fn, log_uniform = SAMPLERS[sampler]
    classes = np.array([[0, 4], [9, 1], [3, 3]], np.int64)
    s = fn(classes, 2, 8, unique, 20, seed=5)
    op = s.sampled_candidates.op
    with tf.Session() as sess:
        for run in range(3):
            got = sess.run(list(s))
            want = random_ops.sample_candidates(log_uniform, classes, 8, unique, 20,
                                                op.get_attr("seed"), op.get_attr("seed2"), run)
            np.testing.assert_array_equal(got[0], want[0])
            for g_, w_ in zip(got[1:], want[1:]):
                np.testing.assert_allclose(g_, w_, rtol=1e-6)
            assert got[0].min() >= 0 and got[0].max() < 20
            if unique:
                assert len(set(got[0].tolist())) == 8


@pytest.mark.parametrize("sampler", sorted(SAMPLERS))
def test_expected_counts(sampler):
    fn, log_uniform = SAMPLERS[sampler]
    classes = np.array([[0], [5], [19]], np.int64)
    plain = fn(classes, 1, 6, False, 20, seed=1)
    unique = fn(classes, 1, 6, True, 20, seed=1)
    with tf.Session() as sess:
        c, t, e = sess.run(list(plain))
        np.testing.assert_allclose(t[:, 0], _p(log_uniform, classes[:, 0], 20) * 6, rtol=1e-6)
        np.testing.assert_allclose(e, _p(log_uniform, c, 20) * 6, rtol=1e-6)
        c, t, e = sess.run(list(unique))
    # 1 - (1 - p)^tries, with the tries the reference counted for this draw.
    op = unique.sampled_candidates.op
    seeds = op.get_attr("seed"), op.get_attr("seed2")
    log_range = math.log1p(20)
    seen, tries = set(), 0
    while len(seen) < 6:
        block = random_ops.philox_outputs(*seeds, [tries // 2])[0]
        j = tries % 2
        seen.add(random_ops._sampler_value(log_uniform, block[2 * j], block[2 * j + 1], 20,
                                           log_range))
        tries += 1
    assert set(c.tolist()) == seen
    if tries > 6:
        np.testing.assert_allclose(e, 1 - (1 - _p(log_uniform, c, 20)) ** tries, rtol=1e-5)
        np.testing.assert_allclose(t[:, 0], 1 - (1 - _p(log_uniform, classes[:, 0], 20)) ** tries,
                                   rtol=1e-5)


@pytest.mark.parametrize("sampler", sorted(SAMPLERS))
def test_base_distribution(sampler):
    fn, log_uniform = SAMPLERS[sampler]
    s = fn(np.zeros((1, 1), np.int64), 1, 20000, False, 10, seed=2)
    with tf.Session() as sess:
        c = sess.run(s.sampled_candidates)
    np.testing.assert_allclose(np.bincount(c, minlength=10) / 20000,
                               _p(log_uniform, np.arange(10), 10), atol=0.01)


def test_sampler_errors():
    with pytest.raises(ValueError, match="range is too small"):
        tf.random.uniform_candidate_sampler(np.zeros((2, 1), np.int64), 1, 5, True, 4)
    with pytest.raises(ValueError, match="num_true columns"):
        tf.random.uniform_candidate_sampler(np.zeros((2, 3), np.int64), 1, 2, True, 4)


def _np_sampled_logits(w, b, labels, x, sampled, true_counts, sampled_counts, remove_hits):
    true_logits = np.einsum("bd,btd->bt", x, w[labels]) + b[labels]
    sampled_logits = x @ w[sampled].T + b[sampled]
    if remove_hits:
        for i in range(len(x)):
            for k, c in enumerate(sampled):
                last = k == max(j for j, d in enumerate(sampled) if d == c)
                if c in labels[i] and last:
                    sampled_logits[i, k] += -np.finfo(np.float32).max
    true_logits -= np.log(true_counts)
    sampled_logits -= np.log(sampled_counts)
    logits = np.concatenate([true_logits, sampled_logits], 1)
    targets = np.concatenate([np.full(true_logits.shape, 1 / labels.shape[1]),
                              np.zeros(sampled_logits.shape)], 1)
    return logits, targets


@pytest.mark.parametrize("remove_hits", [False, True])
def test_sampled_losses_match_their_definitions(remove_hits):
    rng = np.random.default_rng(3)
    w = rng.standard_normal((10, 4))
    b = rng.standard_normal(10)
    x = rng.standard_normal((3, 4))
    labels = np.array([[1, 4], [0, 7], [4, 4]], np.int64)
    sampled = np.array([4, 2, 7, 4], np.int64)
    tc = rng.uniform(0.2, 1, (3, 2))
    sc = rng.uniform(0.2, 1, 4)
    values = (tf.constant(sampled), tf.constant(tc, tf.float32), tf.constant(sc, tf.float32))
    f32 = [a.astype(np.float32) for a in (w, b, x)]
    nce = tf.nn.nce_loss(f32[0], f32[1], labels, f32[2], 4, 10, num_true=2,
                         sampled_values=values, remove_accidental_hits=remove_hits)
    ssm = tf.nn.sampled_softmax_loss(f32[0], f32[1], labels, f32[2], 4, 10, num_true=2,
                                     sampled_values=values, remove_accidental_hits=remove_hits)
    logits, targets = _np_sampled_logits(w, b, labels, x, sampled, tc, sc, remove_hits)
    with np.errstate(over="ignore"):
        sig = np.maximum(logits, 0) - logits * targets + np.log1p(np.exp(-np.abs(logits)))
    shifted = logits - logits.max(1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(1, keepdims=True))
    with tf.Session() as sess:
        got_nce, got_ssm = sess.run([nce, ssm])
    np.testing.assert_allclose(got_nce, sig.sum(1), rtol=1e-4)
    np.testing.assert_allclose(got_ssm, -(targets * logp).sum(1), rtol=1e-4)
