"""Candidate samplers and the sampled losses against TensorFlow.

The samplers draw from other generators than TF's, so they are compared
as distributions (class frequencies over many runs) and by their expected
counts, which TF computes from the distribution alone when draws are not
unique. nce_loss and sampled_softmax_loss are compared value for value on
the same `sampled_values` (with and without accidental hits), and by shape
with their default sampler."""

import numpy as np
import pytest

from .parity import assert_same, run_both

tf = pytest.importorskip("tensorflow")

RNG = np.random.default_rng(21)
CLASSES = 12
DIM = 5
W = RNG.standard_normal((CLASSES, DIM)).astype(np.float32)
B = RNG.standard_normal(CLASSES).astype(np.float32)
X = RNG.standard_normal((4, DIM)).astype(np.float32)


@pytest.mark.parametrize("sampler", ["uniform_candidate_sampler",
                                     "log_uniform_candidate_sampler"])
def test_expected_counts_without_unique(sampler):
    """Not unique: p(class) * num_sampled, for the true and sampled classes."""
    labels = np.array([[0, 3], [11, 5], [2, 2]], np.int64)

    def build(api, phs):
        s = getattr(api.random, sampler)(phs[0], 2, 7, False, CLASSES, seed=1)
        return [s.true_expected_count, s.sampled_candidates, s.sampled_expected_count]

    (ours_true, ours_c, ours_e), (theirs_true, theirs_c, theirs_e) = run_both(build, [labels])
    assert_same(ours_true, theirs_true)
    assert ours_c.dtype == theirs_c.dtype and ours_c.shape == theirs_c.shape == (7,)
    assert ours_e.shape == theirs_e.shape

    # Each sampled class's expected count is its class's, in both.
    def by_class(c, e):
        return dict(zip(c.tolist(), e.tolist()))
    table = by_class(*run_both(lambda api, p: list(getattr(api.random, sampler)(
        p[0], 1, 200, False, CLASSES, seed=2))[0::2], [np.arange(CLASSES)[:, None]])[1])
    for c, e in zip(ours_c.tolist(), ours_e.tolist()):
        np.testing.assert_allclose(e, table[c] * 7 / 200, rtol=1e-5)


@pytest.mark.parametrize("sampler", ["uniform_candidate_sampler",
                                     "log_uniform_candidate_sampler"])
@pytest.mark.parametrize("unique", [False, True])
def test_sampled_class_frequencies(sampler, unique):
    """Class frequencies over 300 runs of 6 draws agree within sampling error."""
    labels = np.array([[1]], np.int64)

    def build(api, phs):
        return getattr(api.random, sampler)(phs[0], 1, 6, unique, CLASSES, seed=3)[0]

    ours, theirs = run_both(build, [labels], runs=300)
    freqs = [np.bincount(np.concatenate(r), minlength=CLASSES) / (300 * 6) for r in (ours, theirs)]
    np.testing.assert_allclose(freqs[0], freqs[1], atol=0.03)
    if unique:
        assert all(len(set(r.tolist())) == 6 for r in ours)


def _sampled_values(api, classes, counts):
    return (api.constant(classes, dtype=api.int64),
            api.constant(counts[0], dtype=api.float32),
            api.constant(counts[1], dtype=api.float32))


@pytest.mark.parametrize("loss", ["nce_loss", "sampled_softmax_loss"])
@pytest.mark.parametrize("num_true", [1, 2])
@pytest.mark.parametrize("remove_accidental_hits", [False, True])
def test_sampled_losses_on_given_samples(loss, num_true, remove_accidental_hits):
    labels = RNG.integers(0, CLASSES, size=(4, num_true)).astype(np.int64)
    # Samples that hit some true labels (accidental hits), and repeat one.
    sampled = np.array([labels[0, 0], 7, labels[2, -1], labels[0, 0], 7], np.int64)
    true_counts = RNG.uniform(0.1, 2, size=(4, num_true)).astype(np.float32)
    sampled_counts = RNG.uniform(0.1, 2, size=5).astype(np.float32)

    def build(api, phs):
        w, b, y, x = phs
        fn = getattr(api.nn, loss)
        return fn(w, b, y, x, num_sampled=5, num_classes=CLASSES, num_true=num_true,
                  sampled_values=_sampled_values(api, sampled, (true_counts, sampled_counts)),
                  remove_accidental_hits=remove_accidental_hits)

    ours, theirs = run_both(build, [W, B, labels, X])
    assert_same(ours, theirs, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("loss", ["nce_loss", "sampled_softmax_loss"])
def test_sampled_losses_with_their_default_sampler(loss):
    labels = RNG.integers(0, CLASSES, size=(4, 1)).astype(np.int64)

    def build(api, phs):
        w, b, y, x = phs
        return getattr(api.nn, loss)(w, b, y, x, num_sampled=6, num_classes=CLASSES)

    ours, theirs = run_both(build, [W, B, labels, X], runs=3)
    for a, b in zip(ours, theirs):
        assert a.shape == b.shape == (4,) and a.dtype == b.dtype
        assert np.all(np.isfinite(a)) and np.all(a > 0)
