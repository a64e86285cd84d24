"""Random ops against TensorFlow: seeded draws value for value (the same
Philox streams, run after run, split or not), distributions (moments,
bounds, dtypes, shapes), the seed rules (get_seed), op names and errors."""

import math

import numpy as np
import pytest

import fastgraph as fg

from .parity import run_both

tf = pytest.importorskip("tensorflow")

N = 100_000


def _moments(x):
    x = np.asarray(x, dtype=np.float64)
    return x.mean(), x.std(), x.min(), x.max()


def _same_distribution(ours, theirs, mean_tol, std_tol):
    for a, b in zip(ours, theirs):
        assert a.dtype == b.dtype and a.shape == b.shape
        ma, sa, lo_a, hi_a = _moments(a)
        mb, sb, lo_b, hi_b = _moments(b)
        assert abs(ma - mb) < mean_tol, (ma, mb)
        assert abs(sa - sb) < std_tol, (sa, sb)
    return ours, theirs


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("lo,hi", [(0, 1), (-3.0, 5.0), (0, 7.5)])
def test_uniform_matches_tensorflow(dtype, lo, hi):
    ours, theirs = run_both(lambda api, _: api.compat.v1.random_uniform(
        [N], lo, hi, dtype=getattr(api, dtype), seed=1), runs=2)
    width = hi - lo
    _same_distribution(ours, theirs, 0.02 * width, 0.02 * width)
    for x in ours + theirs:
        assert x.min() >= lo and x.max() < hi


@pytest.mark.parametrize("dtype", ["int32", "int64"])
@pytest.mark.parametrize("lo,hi", [(0, 10), (-7, 3), (-2**31, 2**31 - 1)])
def test_uniform_int_matches_tensorflow(dtype, lo, hi):
    ours, theirs = run_both(lambda api, _: api.random.uniform(
        [N], lo, hi, dtype=getattr(api, dtype), seed=2), runs=2)
    width = float(hi - lo)
    _same_distribution(ours, theirs, 0.02 * width, 0.02 * width)
    for x in ours + theirs:
        assert x.min() >= lo and x.max() < hi
    if hi - lo <= 10:
        for a, b in zip(ours, theirs):
            fa = np.bincount(a - lo, minlength=hi - lo) / N
            fb = np.bincount(b - lo, minlength=hi - lo) / N
            np.testing.assert_allclose(fa, fb, atol=0.01)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("mean,stddev", [(0.0, 1.0), (2.0, 3.0), (-1.0, 0.1)])
def test_normal_matches_tensorflow(dtype, mean, stddev):
    ours, theirs = run_both(lambda api, _: api.compat.v1.random_normal(
        [N], mean, stddev, dtype=getattr(api, dtype), seed=3), runs=2)
    _same_distribution(ours, theirs, 0.03 * stddev, 0.03 * stddev)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("mean,stddev", [(0.0, 1.0), (5.0, 0.5)])
def test_truncated_normal_matches_tensorflow(dtype, mean, stddev):
    ours, theirs = run_both(lambda api, _: api.compat.v1.truncated_normal(
        [N], mean, stddev, dtype=getattr(api, dtype), seed=4), runs=2)
    _same_distribution(ours, theirs, 0.02 * stddev, 0.02 * stddev)
    for x in ours + theirs:
        z = (x.astype(np.float64) - mean) / stddev
        assert np.abs(z).max() <= 2 + 1e-5
    # Both near the truncated normal's standard deviation.
    mass = math.erf(2 / math.sqrt(2))
    std = math.sqrt(1 - 4 * math.exp(-2) / math.sqrt(2 * math.pi) / mass)
    assert abs(ours[0].std() / stddev - std) < 0.01


@pytest.mark.parametrize("shape", [[], [0], [1], [3, 4], [2, 0, 5], [2, 3, 1, 2]])
@pytest.mark.parametrize("fn", ["uniform", "normal", "truncated_normal"])
def test_shapes_and_dtypes_match_tensorflow(fn, shape):
    ours, theirs = run_both(lambda api, _: getattr(api.random, fn)(shape), runs=1)
    assert ours[0].shape == theirs[0].shape and ours[0].dtype == theirs[0].dtype


def test_broadcast_mean_stddev_matches_tensorflow():
    def build(api, _):
        return api.random.normal([N, 3], mean=[0.0, 10.0, -5.0], stddev=[[1.0, 2.0, 0.5]],
                                 seed=5)
    ours, theirs = run_both(build, runs=1)
    for col, (m, s) in enumerate([(0, 1), (10, 2), (-5, 0.5)]):
        assert abs(ours[0][:, col].mean() - theirs[0][:, col].mean()) < 0.03 * s
        assert abs(ours[0][:, col].std() - theirs[0][:, col].std()) < 0.03 * s


def test_sequences_behave_like_tensorflow():
    """Per run new values; a fresh session repeats a seeded sequence; unseeded
    ops differ between sessions. The same facts hold in both."""
    for api in (fg, tf):
        v1 = api.compat.v1
        g = api.Graph()
        with g.as_default():
            seeded = api.random.uniform([8], seed=1)
            free = api.random.uniform([8])
            runs = []
            for _ in range(2):
                with v1.Session(graph=g) as sess:
                    runs.append([sess.run([seeded, free]) for _ in range(2)])
        (s0r0, f0r0), (s0r1, f0r1) = runs[0]
        (s1r0, f1r0), (s1r1, _) = runs[1]
        assert not np.array_equal(s0r0, s0r1)
        np.testing.assert_array_equal(s0r0, s1r0)
        np.testing.assert_array_equal(s0r1, s1r1)
        assert not np.array_equal(f0r0, f1r0) and not np.array_equal(f0r0, f0r1)


def test_graph_seed_repeats_like_tensorflow():
    for api in (fg, tf):
        v1 = api.compat.v1
        vals = []
        for _ in range(2):
            g = api.Graph()
            with g.as_default():
                v1.set_random_seed(1234)
                a = api.random.uniform([4])
                b = api.random.normal([4])
                with v1.Session(graph=g) as sess:
                    vals.append(sess.run([a, b]))
        np.testing.assert_array_equal(vals[0][0], vals[1][0])
        np.testing.assert_array_equal(vals[0][1], vals[1][1])


def _seed_script(api):
    v1 = api.compat.v1
    out = []
    g = api.Graph()
    with g.as_default():
        out += [v1.get_seed(None), v1.get_seed(3), v1.get_seed(2**40), v1.get_seed(-5)]
        v1.set_random_seed(5)
        out += [v1.get_seed(None), v1.get_seed(None), v1.get_seed(7)]
        a = api.random.uniform([1])
        b = api.random.normal([1], seed=9)
        c = api.random.uniform([1], maxval=3, dtype=api.int32)
        for t in (a, b.op.inputs[0].op.inputs[0], c):
            out.append((t.op.get_attr("seed"), t.op.get_attr("seed2")))
        v1.set_random_seed(0)
        out.append(v1.get_seed(0))
    return out


def test_get_seed_matches_tensorflow():
    assert _seed_script(fg) == _seed_script(tf)


def _names(api):
    g = api.Graph()
    with g.as_default():
        api.random.uniform([2])
        api.random.uniform([2], 0, 3.0)
        api.random.uniform([2], 1.0, 3.0)
        api.random.uniform([2], 1, 3, dtype=api.int64)
        api.random.normal([2], name="noise")
        api.random.truncated_normal([2, 3], stddev=0.1)
        return [(op.name, op.type) for op in g.get_operations()]


def test_op_names_and_types_match_tensorflow():
    assert _names(fg) == _names(tf)


def _error(api, build):
    g = api.Graph()
    with g.as_default():
        try:
            y = build(api)
            with api.compat.v1.Session(graph=g) as sess:
                sess.run(y)
        except Exception as e:  # noqa: BLE001 - the type is what we compare
            return type(e).__name__
    return None


ERRORS = {
    "int_no_maxval": lambda api: api.random.uniform([2], dtype=api.int32),
    "bad_dtype": lambda api: api.random.uniform([2], dtype=api.int16),
    "normal_int": lambda api: api.random.normal([2], dtype=api.int32),
    "rank2_shape": lambda api: api.random.uniform(api.constant([[2, 2]])),
    "scalar_shape": lambda api: api.random.normal(3),
    "negative_dim": lambda api: api.random.truncated_normal([2, -3]),
    "minus_one_dim": lambda api: api.random.uniform([-1, 2]),
    "float_shape": lambda api: api.random.uniform([2.0]),
    "min_ge_max": lambda api: api.random.uniform([2], 5, 3, dtype=api.int32),
    "vector_minval": lambda api: api.random.uniform([2], [1, 2], 5, dtype=api.int32),
    "float_int_bound": lambda api: api.random.uniform([2], maxval=2.5, dtype=api.int64),
    "bad_broadcast": lambda api: api.random.normal([2, 3], [1.0, 2.0]),
    "empty_ok": lambda api: api.random.uniform([0], 5, 5, dtype=api.int64),
}


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_error_types_match_tensorflow(case):
    assert _error(fg, ERRORS[case]) == _error(tf, ERRORS[case])


# float32 normals go through logf/sinf/cosf: TF and fastgraph both call the C
# library, so they agree to the last bit or so.
_VALUE_TOLS = {"float32": 2e-7, "float64": 1e-15}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("kind", ["uniform", "normal", "truncated_normal"])
@pytest.mark.parametrize("shape", [[1], [7], [3, 5], [1000]])
def test_seeded_draws_are_tensorflows(kind, dtype, shape):
    def build(api, _):
        v1 = api.compat.v1
        fn = {"uniform": v1.random_uniform, "normal": v1.random_normal,
              "truncated_normal": v1.truncated_normal}[kind]
        return [fn(shape, dtype=getattr(api, dtype), seed=3),
                fn(shape, dtype=getattr(api, dtype), seed=2**33 + 5)]
    ours, theirs = run_both(build, runs=3)
    for a, b in zip(ours, theirs):
        for x, y in zip(a, b):
            assert x.dtype == y.dtype
            np.testing.assert_allclose(x, y, rtol=_VALUE_TOLS[dtype], atol=_VALUE_TOLS[dtype])


@pytest.mark.parametrize("dtype,lo,hi", [("int32", -5, 1000), ("int32", -2**31, 2**31 - 1),
                                         ("int64", -7, 10**12), ("int64", 0, 3)])
def test_seeded_integers_are_tensorflows(dtype, lo, hi):
    ours, theirs = run_both(lambda api, _: api.compat.v1.random_uniform(
        [9], lo, hi, dtype=getattr(api, dtype), seed=11), runs=3)
    for x, y in zip(ours, theirs):
        np.testing.assert_array_equal(x, y)


def test_graph_seeded_program_is_tensorflows():
    """A graph seed alone, op seeds counted by the graph, initializers through
    get_variable, a dropout mask per run: TF's numbers."""
    def build(api, _):
        v1 = api.compat.v1
        v1.set_random_seed(42)
        x = v1.random_normal([64, 20], mean=1.0, stddev=2.0)
        w = v1.get_variable("w", [20, 30])
        u = v1.get_variable("u", [30, 10], initializer=v1.random_uniform_initializer(-0.5, 0.5))
        h = api.nn.relu(v1.matmul(v1.matmul(x, w), u))
        d = v1.nn.dropout(h, keep_prob=0.7)
        t = v1.truncated_normal([5, 5], stddev=0.1)
        return [x, h, d, t]
    ours, theirs = run_both(build, init=True, runs=2)
    for a, b in zip(ours, theirs):
        for x, y in zip(a, b):
            np.testing.assert_allclose(x, y, rtol=2e-5, atol=2e-6)


def test_split_draws_are_tensorflows():
    """A draw large enough for the executor to split it over threads."""
    ours, theirs = run_both(lambda api, _: [
        api.compat.v1.random_normal([300_000], seed=1),
        api.compat.v1.truncated_normal([300_001], seed=2),
        api.compat.v1.random_uniform([200_003], maxval=9, dtype=api.int32, seed=4)], runs=2)
    for a, b in zip(ours, theirs):
        for x, y in zip(a, b):
            np.testing.assert_allclose(x, y, rtol=2e-7, atol=2e-7)


@pytest.mark.parametrize("unique", [False, True])
@pytest.mark.parametrize("which", ["uniform_candidate_sampler", "log_uniform_candidate_sampler"])
def test_seeded_candidate_samplers_are_tensorflows(which, unique):
    def build(api, _):
        classes = api.constant([[1, 7], [2, 0], [40, 3]], api.int64)
        return list(getattr(api.random, which)(classes, 2, 24, unique, 50, seed=6))
    ours, theirs = run_both(build, runs=3)
    for a, b in zip(ours, theirs):
        np.testing.assert_array_equal(a[0], b[0])
        for x, y in zip(a[1:], b[1:]):
            np.testing.assert_allclose(x, y, rtol=1e-6)


@pytest.mark.parametrize("shape", [[10], [1], [33, 2], [5, 3, 2]])
def test_seeded_shuffle_is_tensorflows(shape):
    value = np.arange(int(np.prod(shape)), dtype=np.float32).reshape(shape)
    ours, theirs = run_both(lambda api, _: api.random.shuffle(value, seed=7), runs=3)
    for x, y in zip(ours, theirs):
        np.testing.assert_array_equal(x, y)
