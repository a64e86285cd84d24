"""tf.random's stateless draws, categorical/multinomial, gamma, poisson,
random_crop and the initializers added with them: the Philox words against
the reference generator in NumPy (random_ops.philox4x32_10 is checked
against Random123's known-answer vectors in tests/ops/test_random.py), the
distributions by their moments, shapes, seeds repeated, and errors."""

import numpy as np
import pytest

import fastgraph as tf
from fastgraph.ops import random_ops
from fastgraph.ops.stateless_random_ops import key_counter

N = 20000


def _run(fetches, feed_dict=None):
    with tf.Session() as sess:
        return sess.run(fetches, feed_dict)


@pytest.fixture(autouse=True)
def _fresh_graph():
    tf.reset_default_graph()
    yield


def test_key_counter_is_one_philox_block_of_the_seed():
    # GenerateKey: the block of counter (s0, s1) under TF's fixed key.
    key, counter = key_counter(np.array([5, -3], np.int32))
    words = random_ops.philox4x32_10(
        (np.uint64(5), np.uint64(0), np.uint64(2**32 - 3), np.uint64(2**32 - 1)),
        (0x3EC8F720, 0x02461E29))
    w = [int(x) for x in words]
    assert key == w[0] | (w[1] << 32)
    assert counter == (0, w[2] | (w[3] << 32))


def test_stateless_uniform_is_the_stateful_stream_of_its_key_counter():
    key, counter = key_counter([7, 8])
    want = random_ops.sample("uniform", (5, 3), "float32", key, counter[1])
    got = _run(tf.random.stateless_uniform([5, 3], seed=[7, 8]))
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("fn", ["stateless_uniform", "stateless_normal",
                                "stateless_truncated_normal"])
@pytest.mark.parametrize("dtype", [tf.float32, tf.float64])
def test_stateless_floats_repeat_and_follow_their_distribution(fn, dtype):
    seed = tf.placeholder(tf.int64, [2])
    x = getattr(tf.random, fn)([N], seed=seed, dtype=dtype)
    with tf.Session() as sess:
        a = sess.run(x, {seed: [1, 2]})
        b = sess.run(x, {seed: [1, 2]})
        c = sess.run(x, {seed: [1, 3]})
    with tf.Session() as sess:
        d = sess.run(x, {seed: [1, 2]})
    assert a.dtype == dtype.np_dtype and a.shape == (N,)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a, d)
    assert not np.array_equal(a, c)
    if fn == "stateless_uniform":
        assert a.min() >= 0 and a.max() < 1
        assert abs(a.mean() - 0.5) < 0.01 and abs(a.var() - 1 / 12) < 0.005
    elif fn == "stateless_normal":
        assert abs(a.mean()) < 0.03 and abs(a.std() - 1) < 0.02
    else:
        assert np.abs(a).max() < 2
        # The standard deviation of a unit normal truncated to [-2, 2].
        assert abs(a.mean()) < 0.03 and abs(a.std() - 0.87962566) < 0.02


def test_stateless_uniform_scales_to_its_range():
    x = _run(tf.random.stateless_uniform([N], [3, 4], minval=-2.0, maxval=6.0))
    u = _run(tf.random.stateless_uniform([N], [3, 4]))
    np.testing.assert_allclose(x, u * 8 - 2, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("dtype", [tf.int32, tf.int64])
def test_stateless_uniform_ints(dtype):
    x = _run(tf.random.stateless_uniform([N], [9, 9], minval=-3, maxval=4, dtype=dtype))
    assert x.dtype == dtype.np_dtype and x.min() == -3 and x.max() == 3
    np.testing.assert_allclose(np.bincount(x + 3) / N, np.full(7, 1 / 7), atol=0.01)
    full = _run(tf.random.stateless_uniform([N], [9, 9], minval=None, maxval=None, dtype=dtype))
    info = np.iinfo(dtype.np_dtype)
    assert full.dtype == dtype.np_dtype
    # Full-range ints: every bit is a fair coin.
    bits = full.view(np.uint32 if dtype is tf.int32 else np.uint64)
    for b in (0, 7, info.bits - 1):
        assert abs(((bits >> b) & 1).mean() - 0.5) < 0.02


def test_stateless_uniform_errors():
    with pytest.raises(ValueError, match="must be both None or not None"):
        tf.random.stateless_uniform([2], [1, 2], minval=None, maxval=3, dtype=tf.int32)
    with pytest.raises(ValueError, match="invalid value"):
        tf.random.stateless_uniform([2], [1, 2], dtype=tf.bool)
    with pytest.raises(ValueError, match="rank 1"):
        tf.random.stateless_uniform([2], [[1, 2]])
    x = tf.random.stateless_uniform([2], [1, 2], minval=5, maxval=5, dtype=tf.int32)
    with pytest.raises(tf.errors.InvalidArgumentError, match="Need minval < maxval"):
        _run(x)
    seed = tf.placeholder(tf.int32, [None])
    y = tf.random.stateless_normal([2], seed)
    with pytest.raises(tf.errors.InvalidArgumentError, match="seed must have shape"):
        _run(y, {seed: [1, 2, 3]})


def test_fold_in_and_split_are_full_range_draws():
    fold = tf.random.experimental.stateless_fold_in([1, 2], 3)
    split = tf.random.split([1, 2], 3)
    draw = tf.random.stateless_uniform([3, 2], [1, 2], minval=None, maxval=None, dtype=tf.int32)
    f, s, d = _run([fold, split, draw])
    assert s.shape == (3, 2) and s.dtype == np.int32
    np.testing.assert_array_equal(s, d)
    np.testing.assert_array_equal(f, [d[0, 0], 3])


def _multinomial_oracle(logits, num_samples, seed):
    """The one-shard CPU multinomial in plain Python: SimplePhilox doubles
    (two words each, in order) against the running sums of exp(l - max)."""
    key, counter = key_counter(seed)
    n = len(logits) * num_samples
    words = random_ops.philox_outputs(key, counter[1], np.arange((2 * n + 3) // 4)).reshape(-1)
    out = []
    for b, row in enumerate(logits):
        top = max(v for v in row if np.isfinite(v))
        cdf, total = [], 0.0
        for v in row:
            if np.isfinite(v):
                total += float(np.exp(np.float64(v) - top))
            cdf.append(total)
        picks = []
        for j in range(num_samples):
            i = b * num_samples + j
            x0, x1 = int(words[2 * i]), int(words[2 * i + 1])
            u = ((((x0 & 0xFFFFF) << 32) | x1) | (1023 << 52))
            u = np.array([u], np.uint64).view(np.float64)[0] - 1.0
            target = u * total
            picks.append(next((k for k, c in enumerate(cdf) if c > target), len(cdf)))
        out.append(picks)
    return np.array(out)


def test_stateless_categorical_matches_its_oracle():
    logits = np.array([[0.0, 1.0, -1.0, 0.5], [2.0, -np.inf, 0.0, 1.0]], np.float32)
    got = _run(tf.random.stateless_categorical(logits, 9, seed=[4, 5]))
    assert got.dtype == np.int64 and got.shape == (2, 9)
    np.testing.assert_array_equal(got, _multinomial_oracle(logits, 9, [4, 5]))
    assert not (got[1] == 1).any()  # a -inf logit is never drawn


def test_stateless_categorical_frequencies():
    p = np.array([0.1, 0.2, 0.3, 0.4])
    x = _run(tf.random.stateless_multinomial(np.log([p]), N, [1, 1],
                                              output_dtype=tf.int32))
    assert x.dtype == np.int32
    np.testing.assert_allclose(np.bincount(x[0], minlength=4) / N, p, atol=0.01)


def test_stateless_categorical_errors():
    with pytest.raises(ValueError, match="rank 2"):
        tf.random.stateless_categorical([0.0, 1.0], 3, [1, 2])
    with pytest.raises(ValueError, match="invalid value"):
        tf.random.stateless_categorical([[0.0, 1.0]], 3, [1, 2], dtype=tf.float32)
    n = tf.placeholder(tf.int32, [])
    x = tf.random.stateless_categorical([[0.0, 1.0]], n, [1, 2])
    with pytest.raises(tf.errors.InvalidArgumentError, match="nonnegative"):
        _run(x, {n: -1})
    assert _run(x, {n: 0}).shape == (1, 0)


@pytest.mark.parametrize("shape", [(6, 4), (3, 5), (2, 3, 4)])
def test_orthogonal_initializer_is_orthogonal(shape):
    x = _run(tf.compat.v1.initializers.orthogonal(gain=3.0, seed=1)(list(shape)))
    assert x.shape == shape
    m = x.reshape(-1, shape[-1]) / 3.0
    small = min(m.shape)
    gram = m.T @ m if m.shape[0] >= m.shape[1] else m @ m.T
    np.testing.assert_allclose(gram, np.eye(small), atol=1e-5)


def test_initializer_errors_and_scales():
    with pytest.raises(ValueError, match="at least two-dimensional"):
        tf.orthogonal_initializer()([4])
    with pytest.raises(ValueError, match="at least two-dimensional"):
        tf.compat.v1.initializers.identity()([2, 2, 2])
    with pytest.raises(ValueError, match="floating point"):
        tf.uniform_unit_scaling_initializer(dtype=tf.int32)
    u = _run(tf.uniform_unit_scaling_initializer(factor=2.0, seed=3)([300, 40]))
    limit = 2.0 * np.sqrt(3 / 300)
    assert u.min() >= -limit and u.max() <= limit and u.max() > 0.9 * limit
    h = _run(tf.compat.v1.initializers.he_uniform(seed=3)([500, 40]))
    assert np.abs(h).max() <= np.sqrt(6 / 500) and abs(h.std() - np.sqrt(2 / 500)) < 0.003
    n = _run(tf.compat.v1.initializers.lecun_normal(seed=3)([400, 50]))
    assert abs(n.std() - np.sqrt(1 / 400)) < 0.002
    np.testing.assert_array_equal(_run(tf.compat.v1.initializers.identity(2.0)([2, 3])),
                                  2 * np.eye(2, 3))
