"""Random ops: the Philox generator against its published test vectors, every
kernel value for value against the NumPy generator (`random_ops.sample`),
per-session streams and TF1 seeds, distributions (moments and
Kolmogorov-Smirnov distances against closed-form CDFs), dtypes, shapes and
TF's errors."""

import ctypes
import math

import numpy as np
import pytest

import fastgraph as tf
from fastgraph.framework import op_registry
from fastgraph.ops import random_ops

from ..compare import assert_close
from ..evaluate import session_run

KINDS = {"uniform": tf.random.uniform, "normal": tf.random.normal,
         "truncated_normal": tf.random.truncated_normal}
FLOAT_TYPES = [tf.float32, tf.float64]
SHAPES = [(), (1,), (7,), (3, 5), (2, 0, 3), (0,), (4, 1, 3), (9, 2)]
# (float32, float64) tolerances of a kernel's draws against random_ops.sample,
# which computes the same transforms of the same Philox words in NumPy.
SAMPLE_TOLS = (1e-6, 1e-12)

# Random123's known-answer vectors for Philox4x32-10: (counter, key, output).
KAT = [
    ((0, 0, 0, 0), (0, 0), (0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8)),
    ((0xFFFFFFFF,) * 4, (0xFFFFFFFF,) * 2, (0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD)),
    ((0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344), (0xA4093822, 0x299F31D0),
     (0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1)),
]


def _seeds(t):
    """(seed, seed2) of the random op behind t (t itself, or AddV2/Mul over it)."""
    op = t.op
    while op.type not in ("RandomUniform", "RandomStandardNormal", "TruncatedNormal",
                          "RandomUniformInt"):
        op = op.inputs[0].op
    return op.get_attr("seed"), op.get_attr("seed2")


# ---- the generator --------------------------------------------------------------

@pytest.mark.parametrize("ctr,key,want", KAT)
def test_numpy_philox_matches_known_answers(ctr, key, want):
    got = random_ops.philox4x32_10(ctr, key)
    assert tuple(int(w) for w in got) == want


@pytest.mark.parametrize("ctr,key,want", KAT)
def test_c_philox_matches_known_answers(ctr, key, want):
    from fastgraph._native import runtime
    lib = ctypes.CDLL(runtime.__file__)
    try:
        fn = lib.fg_philox4x32_10
    except AttributeError:
        pytest.skip("fg_philox4x32_10 is not exported by this build")
    out = (ctypes.c_uint32 * 4)()
    fn((ctypes.c_uint32 * 4)(*ctr), (ctypes.c_uint32 * 2)(*key), out)
    assert tuple(out) == want


# ---- values: kernel against the NumPy generator ---------------------------------

@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("dtype", FLOAT_TYPES, ids=str)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_float_kernels_match_numpy_generator(kind, dtype, shape):
    g = tf.Graph()
    with g.as_default():
        # Bare ops (no scaling) so the fetched tensor is the kernel's output.
        t = KINDS[kind](shape, dtype=dtype, seed=11)
        if t.op.type == "AddV2":
            t = t.op.inputs[0].op.inputs[0]
        seed, seed2 = _seeds(t)
        runs = session_run(t, runs=3, graph=g)
    for r, got in enumerate(runs):
        assert_close(got, random_ops.sample(kind, shape, dtype, seed, seed2, run=r),
                     tols=SAMPLE_TOLS)


@pytest.mark.parametrize("dtype", [tf.int32, tf.int64], ids=str)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("lo,hi", [(0, 10), (-5, 3), (7, 8), (-2**31, 2**31 - 1)])
def test_int_kernel_matches_numpy_generator(dtype, shape, lo, hi):
    g = tf.Graph()
    with g.as_default():
        t = tf.random.uniform(shape, lo, hi, dtype=dtype, seed=3)
        seed, seed2 = _seeds(t)
        runs = session_run(t, runs=2, graph=g)
    for r, got in enumerate(runs):
        assert_close(got, random_ops.sample("uniform_int", shape, dtype, seed, seed2, run=r,
                                            minval=lo, maxval=hi), tols=SAMPLE_TOLS)
        assert got.size == 0 or (got.min() >= lo and got.max() < hi)


def test_int64_full_range():
    lo, hi = -2**63, 2**63 - 1
    g = tf.Graph()
    with g.as_default():
        t = tf.random.uniform([1000], lo, hi, dtype=tf.int64, seed=5)
        got = session_run(t, graph=g)
    assert_close(got, random_ops.sample("uniform_int", (1000,), tf.int64, *_seeds(t), minval=lo,
                                        maxval=hi), tols=SAMPLE_TOLS)
    assert got.min() < -2**61 and got.max() > 2**61


@pytest.mark.parametrize("kind", sorted(KINDS) + ["uniform_int"])
def test_split_across_threads_gives_the_same_values(kind):
    # Big enough for the executor to split the step into shares.
    shape = (301, 1001)
    g = tf.Graph()
    with g.as_default():
        if kind == "uniform_int":
            t = tf.random.uniform(shape, -100, 100, dtype=tf.int32, seed=9)
        else:
            t = KINDS[kind](shape, seed=9)
            if t.op.type == "AddV2":
                t = t.op.inputs[0].op.inputs[0]
        runs = session_run(t, runs=2, graph=g)
    for r, got in enumerate(runs):
        want = random_ops.sample(kind, shape, tf.int32 if kind == "uniform_int" else tf.float32,
                                 *_seeds(t), run=r, minval=-100, maxval=100)
        assert_close(got, want, tols=SAMPLE_TOLS)


def test_registry_reference_is_the_first_run():
    g = tf.Graph()
    with g.as_default():
        t = tf.random.normal([4, 3], seed=2).op.inputs[0].op.inputs[0]
        got = session_run(t, graph=g)
    ref = op_registry.get("RandomStandardNormal").reference(
        [np.array([4, 3], np.int32)], t.op._attrs)[0]
    assert_close(got, ref, tols=SAMPLE_TOLS)
    ref = op_registry.get("RandomUniformInt").reference(
        [np.array([5], np.int32), np.int32(0), np.int32(4)], {"seed": 1, "seed2": 2})[0]
    assert ref.dtype == np.int32 and ref.shape == (5,)


# ---- streams and seeds ----------------------------------------------------------

def test_each_run_draws_new_numbers_and_sessions_repeat():
    g = tf.Graph()
    with g.as_default():
        a = tf.random.uniform([50], seed=1)
    first = session_run(a, runs=3, graph=g)
    second = session_run(a, runs=3, graph=g)
    assert not np.array_equal(first[0], first[1]) and not np.array_equal(first[1], first[2])
    for x, y in zip(first, second):
        np.testing.assert_array_equal(x, y)


def test_two_open_sessions_are_independent():
    g = tf.Graph()
    with g.as_default():
        a = tf.random.normal([20], seed=4)
    s1, s2 = tf.Session(graph=g), tf.Session(graph=g)
    x0 = s1.run(a)
    x1 = s1.run(a)
    y0 = s2.run(a)
    x2 = s1.run(a)
    y1 = s2.run(a)
    s1.close()
    s2.close()
    np.testing.assert_array_equal(x0, y0)
    np.testing.assert_array_equal(x1, y1)
    assert not np.array_equal(x2, y1)


def test_one_op_once_per_run():
    g = tf.Graph()
    with g.as_default():
        a = tf.random.uniform([10], seed=1)
        b = a * 2.0
    x, y = session_run([a, b], graph=g)
    np.testing.assert_array_equal(x * 2, y)


def test_plans_of_one_session_share_the_stream():
    g = tf.Graph()
    with g.as_default():
        a = tf.random.uniform([6], seed=7)
        other = tf.random.uniform([2], seed=8)
        with tf.Session() as sess:
            got = [sess.run(a), sess.run([a, other])[0], sess.run(a + 0.0)]
    for r, x in enumerate(got):
        np.testing.assert_array_equal(x, random_ops.sample("uniform", (6,), tf.float32,
                                                           *_seeds(a), run=r))


def test_unseeded_ops_differ_per_session_and_per_op():
    g = tf.Graph()
    with g.as_default():
        a = tf.random.uniform([30])
        b = tf.random.uniform([30])
        assert _seeds(a) == (0, 0)
        with tf.Session() as s1:
            a1, b1 = s1.run([a, b])
            a2 = s1.run(a)
            a3 = s1.run(a * 1.0)  # another plan continues the session's stream
        with tf.Session() as s2:
            a4 = s2.run(a)
    vals = [a1, b1, a2, a3, a4]
    for i in range(len(vals)):
        for j in range(i):
            assert not np.array_equal(vals[i], vals[j])


def test_op_seed_only_is_repeatable_across_graphs():
    outs = []
    for _ in range(2):
        g = tf.Graph()
        with g.as_default():
            tf.random.uniform([3])  # an unseeded op first does not matter
            a = tf.random.normal([8], seed=3)
            outs.append(session_run(a, runs=2, graph=g))
    np.testing.assert_array_equal(outs[0][0], outs[1][0])
    np.testing.assert_array_equal(outs[0][1], outs[1][1])


def _graph_seeded(seed, op_seed=None):
    g = tf.Graph()
    with g.as_default():
        tf.set_random_seed(seed)
        a = tf.random.uniform([5], seed=op_seed)
        b = tf.random.uniform([5], seed=op_seed)
    return g, a, b


def test_graph_seed_makes_every_op_repeatable_and_distinct():
    g1, a1, b1 = _graph_seeded(1234)
    g2, a2, b2 = _graph_seeded(1234)
    (x1, y1) = session_run([a1, b1], graph=g1)
    (x2, y2) = session_run([a2, b2], graph=g2)
    np.testing.assert_array_equal(x1, x2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(x1, y1)
    g3, a3, _ = _graph_seeded(4321)
    (x3,) = session_run([a3], graph=g3)
    assert not np.array_equal(x1, x3)


def test_graph_seed_with_op_seed():
    g, a, b = _graph_seeded(5, op_seed=3)
    assert _seeds(a) == _seeds(b) == (5, 3)
    (x, y) = session_run([a, b], graph=g)
    np.testing.assert_array_equal(x, y)


def test_different_op_seeds_differ():
    g = tf.Graph()
    with g.as_default():
        xs = [tf.random.uniform([16], seed=s) for s in range(4)]
    vals = session_run(xs, graph=g)
    assert len({v.tobytes() for v in vals}) == 4


def test_get_seed_follows_tf1():
    g = tf.Graph()
    with g.as_default():
        assert tf.get_seed(None) == (None, None)
        assert tf.get_seed(3) == (random_ops.DEFAULT_GRAPH_SEED, 3)
        assert tf.get_seed(2**40) == (random_ops.DEFAULT_GRAPH_SEED, 2**40 % (2**31 - 1))
        tf.set_random_seed(5)
        assert g.seed == 5
        assert tf.get_seed(None) == (5, 0)
        assert tf.get_seed(None) == (5, 1)
        assert tf.get_seed(7) == (5, 7)
        assert tf.get_seed(-1) == (5, 2**31 - 2)
        tf.set_random_seed(0)
        assert tf.get_seed(0) == (0, 2**31 - 1)
        tf.random.set_seed(9)
        assert g.seed == 9
    assert tf.get_default_graph().seed is None


def test_seed_api_names():
    v1 = tf.compat.v1
    assert v1.set_random_seed is tf.set_random_seed is tf.random.set_random_seed
    assert v1.get_seed is tf.get_seed is v1.random.get_seed
    assert v1.random_uniform is tf.random.uniform is tf.random_uniform
    assert v1.random_normal is tf.random.normal
    assert v1.truncated_normal is tf.random.truncated_normal is tf.truncated_normal
    assert "uniform" in tf.random.__all__ and "set_seed" in tf.random.__all__


# ---- distributions ----------------------------------------------------------------

N = 200_000


def _ks(x, cdf):
    """Kolmogorov-Smirnov distance of the sample x from the CDF."""
    x = np.sort(np.asarray(x, dtype=np.float64))
    f = cdf(x)
    n = len(x)
    return max(np.max(np.arange(1, n + 1) / n - f), np.max(f - np.arange(n) / n))


_KS_LIMIT = 1.95 / math.sqrt(N)  # the 0.1% critical value
_erf = np.vectorize(math.erf)


def _phi(x):
    return 0.5 * (1 + _erf(x / math.sqrt(2)))


def _draw(fn, *args, **kw):
    g = tf.Graph()
    with g.as_default():
        t = fn(*args, **kw)
        return session_run(t, runs=2, graph=g)


@pytest.mark.parametrize("dtype", FLOAT_TYPES, ids=str)
def test_uniform_distribution(dtype):
    for x in _draw(tf.random.uniform, [N], dtype=dtype, seed=21):
        assert x.min() >= 0 and x.max() < 1
        assert abs(x.mean() - 0.5) < 0.005 and abs(x.var() - 1 / 12) < 0.002
        assert _ks(x, lambda v: v) < _KS_LIMIT


@pytest.mark.parametrize("dtype", FLOAT_TYPES, ids=str)
def test_uniform_range(dtype):
    for x in _draw(tf.random.uniform, [N], -3.0, 5.0, dtype=dtype, seed=22):
        assert x.min() >= -3 and x.max() < 5
        assert abs(x.mean() - 1) < 0.05 and abs(x.var() - 64 / 12) < 0.1
        assert _ks(x, lambda v: (v + 3) / 8) < _KS_LIMIT


@pytest.mark.parametrize("dtype", FLOAT_TYPES, ids=str)
def test_normal_distribution(dtype):
    for x in _draw(tf.random.normal, [N], 2.0, 3.0, dtype=dtype, seed=23):
        assert abs(x.mean() - 2) < 0.03 and abs(x.std() - 3) < 0.03
        z = (x.astype(np.float64) - 2) / 3
        assert abs(np.mean(z ** 3)) < 0.03 and abs(np.mean(z ** 4) - 3) < 0.08
        assert _ks(z, _phi) < _KS_LIMIT


@pytest.mark.parametrize("dtype", FLOAT_TYPES, ids=str)
def test_truncated_normal_distribution(dtype):
    mass = _phi(2.0) - _phi(-2.0)
    density2 = math.exp(-2) / math.sqrt(2 * math.pi)
    std = math.sqrt(1 - 2 * 2 * density2 / mass)  # 0.8796
    for x in _draw(tf.random.truncated_normal, [N], -1.0, 0.5, dtype=dtype, seed=24):
        z = (x.astype(np.float64) + 1) / 0.5
        assert z.min() > -2 - 1e-6 and z.max() < 2 + 1e-6
        assert abs(z.mean()) < 0.01 and abs(z.std() - std) < 0.01
        assert _ks(z, lambda v: (_phi(v) - _phi(-2.0)) / mass) < _KS_LIMIT


def test_truncated_normal_unscaled_is_strictly_inside():
    for dtype in FLOAT_TYPES:
        for x in _draw(tf.random.truncated_normal, [N], dtype=dtype, seed=25):
            assert np.abs(x).max() < 2


@pytest.mark.parametrize("dtype", [tf.int32, tf.int64], ids=str)
def test_int_uniform_distribution(dtype):
    for x in _draw(tf.random.uniform, [N], -4, 6, dtype=dtype, seed=26):
        counts = np.bincount(x + 4, minlength=10)
        assert len(counts) == 10
        expected = N / 10
        chi2 = float(((counts - expected) ** 2 / expected).sum())
        assert chi2 < 27.9  # 9 degrees of freedom, 0.1%


def test_float64_uses_53_bits():
    (x, _) = _draw(tf.random.uniform, [1000], dtype=tf.float64, seed=27)
    assert np.any(x.astype(np.float32).astype(np.float64) != x)


# ---- scaling, shapes and dtypes ---------------------------------------------------

def test_mean_and_stddev_broadcast():
    g = tf.Graph()
    with g.as_default():
        t = tf.random.normal([4, 3], mean=[0.0, 10.0, 100.0], stddev=[[1.0], [0.0], [2.0], [3.0]],
                             seed=1)
        rnd = t.op.inputs[0].op.inputs[0]
        (x, r) = session_run([t, rnd], graph=g)
    want = r * np.array([[1], [0], [2], [3]], np.float32) + np.array([0, 10, 100], np.float32)
    np.testing.assert_allclose(x, want, rtol=1e-6)
    np.testing.assert_array_equal(x[1], [0, 10, 100])


def test_uniform_minval_maxval_tensors():
    g = tf.Graph()
    with g.as_default():
        lo = tf.placeholder(tf.float32, [3])
        t = tf.random.uniform([2, 3], lo, 10.0, seed=1)
        rnd = t.op.inputs[0].op.inputs[0]
        with tf.Session() as sess:
            x, r = sess.run([t, rnd], {lo: [0.0, 5.0, 9.0]})
    lo_v = np.array([0, 5, 9], np.float32)
    np.testing.assert_allclose(x, r * (10 - lo_v) + lo_v, rtol=1e-6)


def test_uniform_int_bounds_from_placeholders():
    g = tf.Graph()
    with g.as_default():
        lo = tf.placeholder(tf.int64, [])
        hi = tf.placeholder(tf.int64, [])
        t = tf.random.uniform([100], lo, hi, dtype=tf.int64, seed=3)
        with tf.Session() as sess:
            x = sess.run(t, {lo: -50, hi: -40})
            with pytest.raises(tf.errors.InvalidArgumentError, match="Need minval < maxval, got 3 >= 3"):
                sess.run(t, {lo: 3, hi: 3})
            y = sess.run(t, {lo: 0, hi: 2})  # the session stays usable
    assert x.min() >= -50 and x.max() < -40
    assert set(np.unique(y)) == {0, 1}


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_static_shape_and_dtype(kind, shape):
    for dtype in FLOAT_TYPES:
        g = tf.Graph()
        with g.as_default():
            t = KINDS[kind](list(shape), dtype=dtype)
            assert t.dtype == dtype and t.shape.as_tuple() == shape
            (x,) = session_run([t], graph=g)
        assert x.shape == shape and x.dtype == dtype.np_dtype


@pytest.mark.parametrize("spec", [
    lambda: (2, 3), lambda: [2, 3], lambda: np.array([2, 3], np.int64),
    lambda: tf.constant([2, 3]), lambda: tf.constant([2, 3], tf.int64),
    lambda: tf.TensorShape([2, 3]), lambda: [tf.Dimension(2), 3],
], ids=["tuple", "list", "ndarray", "const32", "const64", "TensorShape", "Dimension"])
def test_shape_forms(spec):
    g = tf.Graph()
    with g.as_default():
        t = tf.random.uniform(spec(), maxval=4, dtype=tf.int32)
        assert t.shape.as_tuple() == (2, 3)
        (x,) = session_run([t], graph=g)
    assert x.shape == (2, 3)


def test_scalar_shapes():
    g = tf.Graph()
    with g.as_default():
        t = tf.random.normal([])
        assert t.shape.as_tuple() == ()
        (x,) = session_run([t], graph=g)
    assert np.shape(x) == ()


def test_unknown_shape_tensor():
    g = tf.Graph()
    with g.as_default():
        s = tf.placeholder(tf.int32, [2])
        t = tf.random.uniform(s)
        assert t.shape.as_tuple() == (None, None)
        u = tf.random.uniform(tf.placeholder(tf.int32, [None]))
        assert u.shape.dims is None or u.shape.as_tuple() is None or u.shape.ndims is None
        with tf.Session() as sess:
            # The fed shape is a value the plan is compiled for.
            out = sess.run(t, {s: [2, 3]})
            assert out.shape == (2, 3) and ((out >= 0) & (out < 1)).all()
            with pytest.raises(tf.errors.InvalidArgumentError):
                sess.run(u, {u.op.inputs[0]: np.full(100, 1, np.int32)})


def test_zero_size_int_with_equal_bounds():
    g = tf.Graph()
    with g.as_default():
        t = tf.random.uniform([0, 4], 5, 5, dtype=tf.int64)
        (x,) = session_run([t], graph=g)
    assert x.shape == (0, 4) and x.dtype == np.int64


def test_names_follow_tf():
    g = tf.Graph()
    with g.as_default():
        assert tf.random.uniform([2]).op.name == "random_uniform/RandomUniform"
        assert tf.random.uniform([2], 0, 3).op.name == "random_uniform_1/Mul"
        assert tf.random.uniform([2], 1, 3).op.name == "random_uniform_2"
        assert tf.random.uniform([2], 1, 3, dtype=tf.int32).op.type == "RandomUniformInt"
        assert tf.random.normal([2], name="noise").op.name == "noise"
        t = tf.random.truncated_normal([2])
        assert t.op.name == "truncated_normal" and t.op.type == "AddV2"
        assert t.op.inputs[0].op.inputs[0].op.name == "truncated_normal/TruncatedNormal"


def test_variable_initialised_from_truncated_normal():
    g = tf.Graph()
    with g.as_default():
        tf.set_random_seed(1)
        w = tf.Variable(tf.truncated_normal([30, 20], stddev=0.1))
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            a = sess.run(w)
            b = sess.run(w)
            sess.run(w.initializer)
            c = sess.run(w)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert np.abs(a).max() < 0.2 and a.shape == (30, 20)


# ---- errors -------------------------------------------------------------------

def test_int_needs_maxval():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="Must specify maxval for integer dtype tf.int32"):
            tf.random.uniform([2], dtype=tf.int32)


@pytest.mark.parametrize("dtype", [tf.int16, tf.uint8, tf.bool])
def test_uniform_bad_dtype(dtype):
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="Argument `dtype` got invalid value"):
            tf.random.uniform([2], maxval=3, dtype=dtype)


@pytest.mark.parametrize("fn", [tf.random.normal, tf.random.truncated_normal])
def test_normal_int_dtype(fn):
    with tf.Graph().as_default():
        with pytest.raises(TypeError, match="Expected int32, but got 0.0 of type 'float'."):
            fn([2], dtype=tf.int32)
        with pytest.raises(TypeError, match="parameter 'dtype' has DataType int32"):
            fn([2], mean=0, stddev=1, dtype=tf.int32)


def test_int_float_bound():
    with tf.Graph().as_default():
        with pytest.raises(TypeError, match="Expected int32, but got 2.5 of type 'float'."):
            tf.random.uniform([2], maxval=2.5, dtype=tf.int32)


@pytest.mark.parametrize("fn", [tf.random.uniform, tf.random.normal, tf.random.truncated_normal])
def test_shape_errors(fn):
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="Shape must be rank 1 but is rank 2"):
            fn(tf.constant([[2, 2]]))
        with pytest.raises(ValueError, match="Shape must be rank 1 but is rank 0"):
            fn(3)
        with pytest.raises(ValueError, match="Invalid value in tensor used for shape: -3"):
            fn([2, -3])
        with pytest.raises(TypeError, match="parameter 'shape' has DataType float32"):
            fn([2.0])
        with pytest.raises(ValueError, match="partially known TensorShape"):
            fn(tf.TensorShape([None, 2]))


@pytest.mark.parametrize("fn", [tf.random.uniform, tf.random.normal, tf.random.truncated_normal])
def test_minus_one_dim_fails_at_run(fn):
    g = tf.Graph()
    with g.as_default():
        t = fn([-1, 2])
        assert t.shape.as_tuple() == (None, 2)
        with tf.Session() as sess:
            with pytest.raises(tf.errors.InvalidArgumentError, match="Dimension -1 must be >= 0"):
                sess.run(t)


def test_int_bounds_must_be_scalars():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match=r"minval must be a scalar; got a tensor of shape \[2\]"):
            tf.random.uniform([2], [1, 2], 5, dtype=tf.int32)
        with pytest.raises(ValueError, match=r"maxval must be a scalar; got a tensor of shape \[2\]"):
            tf.random.uniform([2], 1, [5, 6], dtype=tf.int32)


@pytest.mark.parametrize("dtype", [tf.int32, tf.int64], ids=str)
def test_int_empty_range_fails_at_run(dtype):
    g = tf.Graph()
    with g.as_default():
        t = tf.random.uniform([2], 5, 3, dtype=dtype)
        with tf.Session() as sess:
            with pytest.raises(tf.errors.InvalidArgumentError, match="Need minval < maxval, got 5 >= 3"):
                sess.run(t)


def test_normal_bad_broadcast():
    with tf.Graph().as_default():
        with pytest.raises(ValueError):
            tf.random.normal([2, 3], [1.0, 2.0])


def test_plans_running_in_threads_draw_distinct_runs():
    import threading
    g = tf.Graph()
    with g.as_default():
        a = tf.random.uniform([5], seed=12)
        fetches = [a, tf.identity(a)]
        got = [[], []]
        with tf.Session() as sess:
            sess.run(fetches[0])
            sess.run(fetches[1])  # compile both plans first

            def work(k):
                for _ in range(100):
                    got[k].append(sess.run(fetches[k]))
            threads = [threading.Thread(target=work, args=(k,)) for k in range(2)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
    want = {random_ops.sample("uniform", (5,), tf.float32, *_seeds(a), run=r).tobytes()
            for r in range(2, 202)}
    assert {x.tobytes() for x in got[0] + got[1]} == want
