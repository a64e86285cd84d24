"""Elementwise ops against NumPy: broadcasting binary ops over every dtype,
unary math, cast and where, with TF's error types."""

import types

import numpy as np
import pytest

import fastgraph as tf

from ..evaluate import evaluate
from ..samples import random_array

INTS = [np.uint8, np.int8, np.int16, np.int32, np.int64]
FLOATS = [np.float32, np.float64]
NUMERIC = INTS + FLOATS

SHAPES = [((3, 4), (3, 4)), ((3, 4), (4,)), ((3, 1), (1, 4)), ((), (2, 3)), ((2, 0), (1,)),
          ((2, 1, 3), (4, 1)), ((1,), ()), ((5, 1, 1, 2), (3, 1, 1))]


BINARY = [
    ("add", tf.add, np.add, NUMERIC),
    ("subtract", tf.subtract, np.subtract, NUMERIC),
    ("multiply", tf.multiply, np.multiply, NUMERIC),
    ("maximum", tf.maximum, np.maximum, NUMERIC),
    ("minimum", tf.minimum, np.minimum, NUMERIC),
    ("squared_difference", tf.squared_difference, lambda a, b: (a - b) * (a - b), NUMERIC),
    ("floordiv", tf.floordiv, np.floor_divide, NUMERIC),
    ("floormod", tf.floormod, np.mod, NUMERIC),
]


@pytest.mark.parametrize("name,fn,ref,dtypes", BINARY, ids=[b[0] for b in BINARY])
@pytest.mark.parametrize("shapes", SHAPES, ids=str)
def test_binary_broadcasting(name, fn, ref, dtypes, shapes):
    rng = np.random.default_rng(hash(name) % 1000)
    for dtype in dtypes:
        a = random_array(shapes[0], dtype, rng, lo=-100, hi=100)
        b = random_array(shapes[1], dtype, rng, nonzero=name.startswith("floor"), lo=-100, hi=100)
        with np.errstate(all="ignore"):
            expected = ref(a, b).astype(dtype)
        out = evaluate(fn, a, b)
        assert out.dtype == dtype
        if np.dtype(dtype).kind == "f":
            np.testing.assert_allclose(out, expected, rtol=1e-6, atol=1e-6)
        else:
            np.testing.assert_array_equal(out, expected)


@pytest.mark.parametrize("dtype", NUMERIC)
def test_pow(dtype):
    rng = np.random.default_rng(3)
    a = random_array((4, 5), dtype, rng)
    b = np.abs(random_array((5,), dtype, rng)) % 4
    if np.dtype(dtype).kind == "f":
        a = np.abs(a)
    np.testing.assert_allclose(evaluate(tf.pow, a, b), np.power(a, b), rtol=1e-6)


def test_int_pow_negative_exponent_fails():
    with pytest.raises(tf.errors.InvalidArgumentError, match="negative integer powers"):
        evaluate(tf.pow, np.array([2, 3], np.int32), np.array([1, -1], np.int32))


@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.int8, np.uint8])
def test_integer_division_by_zero(dtype):
    for fn in (tf.floordiv, tf.floormod):
        with pytest.raises(tf.errors.InvalidArgumentError, match="Integer division by zero"):
            evaluate(fn, np.array([4, 5], dtype), np.array([2, 0], dtype))


def test_int_min_divided_by_minus_one_does_not_trap():
    a = np.array([np.iinfo(np.int32).min, 7], np.int32)
    b = np.array([-1, -1], np.int32)
    np.testing.assert_array_equal(evaluate(tf.floordiv, a, b), [np.iinfo(np.int32).min, -7])
    np.testing.assert_array_equal(evaluate(tf.floormod, a, b), [0, 0])


@pytest.mark.parametrize("dtype", INTS + FLOATS)
def test_truediv(dtype):
    rng = np.random.default_rng(4)
    a = random_array((3, 4), dtype, rng, lo=-100, hi=100)
    b = random_array((4,), dtype, rng, nonzero=True, lo=-100, hi=100)
    out = evaluate(tf.truediv, a, b)
    expected_dtype = {np.int32: np.float64, np.int64: np.float64}.get(
        dtype, dtype if np.dtype(dtype).kind == "f" else np.float32)
    assert out.dtype == expected_dtype
    np.testing.assert_allclose(out, a.astype(np.float64) / b, rtol=1e-6)
    with pytest.raises(TypeError):
        evaluate(tf.truediv, np.array([True]), np.array([True]))


COMPARE = [("equal", tf.equal, np.equal), ("not_equal", tf.not_equal, np.not_equal),
           ("less", tf.less, np.less), ("less_equal", tf.less_equal, np.less_equal),
           ("greater", tf.greater, np.greater), ("greater_equal", tf.greater_equal,
                                                  np.greater_equal)]


@pytest.mark.parametrize("name,fn,ref", COMPARE, ids=[c[0] for c in COMPARE])
@pytest.mark.parametrize("dtype", NUMERIC)
def test_comparisons(name, fn, ref, dtype):
    rng = np.random.default_rng(5)
    a = random_array((3, 4), dtype, rng)
    b = random_array((3, 1), dtype, rng)
    out = evaluate(fn, a, b)
    assert out.dtype == np.bool_
    np.testing.assert_array_equal(out, ref(a, b))


def test_logical_ops():
    a = np.array([[True, False, True, False]])
    b = np.array([[True], [False]])
    for fn, ref in [(tf.logical_and, np.logical_and), (tf.logical_or, np.logical_or),
                    (tf.logical_xor, np.logical_xor)]:
        np.testing.assert_array_equal(evaluate(fn, a, b), ref(a, b))
    np.testing.assert_array_equal(evaluate(tf.logical_not, a), ~a)
    with pytest.raises(TypeError, match="not in list of allowed values"):
        evaluate(tf.logical_and, np.array([1, 2]), np.array([1, 2]))


UNARY_FLOAT = [
    (tf.sqrt, np.sqrt, "pos"), (tf.rsqrt, lambda x: 1 / np.sqrt(x), "pos"),
    (tf.exp, np.exp, "any"), (tf.expm1, np.expm1, "any"), (tf.log, np.log, "pos"),
    (tf.log1p, np.log1p, "pos"), (tf.sin, np.sin, "any"), (tf.cos, np.cos, "any"),
    (tf.tan, np.tan, "any"), (tf.atan, np.arctan, "any"), (tf.tanh, np.tanh, "any"),
    (tf.sigmoid, lambda x: 1 / (1 + np.exp(-x)), "any"), (tf.floor, np.floor, "any"),
    (tf.ceil, np.ceil, "any"), (tf.reciprocal, lambda x: 1 / x, "pos"),
    (tf.erf, np.vectorize(__import__("math").erf, otypes=[np.float64]), "any"),
]


@pytest.mark.parametrize("fn,ref,domain", UNARY_FLOAT, ids=[u[0].__name__ for u in UNARY_FLOAT])
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shape", [(3, 5), (), (0, 2), (1,)], ids=str)
def test_unary_float(fn, ref, domain, dtype, shape):
    rng = np.random.default_rng(6)
    x = rng.normal(size=shape).astype(dtype)
    if domain == "pos":
        x = np.abs(x) + dtype(0.1)
    out = evaluate(fn, x)
    assert out.dtype == dtype and out.shape == shape
    tol = 2e-6 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(out, ref(x.astype(np.float64)), rtol=tol, atol=tol)


@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int32, np.int64] + FLOATS)
def test_signed_unary(dtype):
    rng = np.random.default_rng(7)
    x = random_array((4, 3), dtype, rng, lo=-100, hi=100)
    np.testing.assert_array_equal(evaluate(tf.negative, x), -x)
    np.testing.assert_array_equal(evaluate(tf.abs, x), np.abs(x))
    np.testing.assert_array_equal(evaluate(tf.sign, x), np.sign(x))
    np.testing.assert_array_equal(evaluate(tf.square, x), x * x)
    np.testing.assert_array_equal(evaluate(lambda t: -t, x), -x)


def test_round_is_bankers():
    x = np.array([0.5, 1.5, 2.5, -0.5, -1.5, 2.4, 2.6], np.float32)
    np.testing.assert_array_equal(evaluate(tf.round, x), [0, 2, 2, -0.0, -2, 2, 3])


def test_nan_and_inf_predicates():
    x = np.array([1.0, np.nan, np.inf, -np.inf, 0.0], np.float32)
    np.testing.assert_array_equal(evaluate(tf.is_nan, x), np.isnan(x))
    np.testing.assert_array_equal(evaluate(tf.is_finite, x), np.isfinite(x))
    np.testing.assert_array_equal(evaluate(tf.is_inf, x), np.isinf(x))
    y = np.array([np.nan, 1.0, 2.0, 3.0, 4.0], np.float32)
    out = evaluate(tf.maximum, x, y)
    assert np.isnan(out[0]) and np.isnan(out[1])


ALL = [np.bool_] + NUMERIC


@pytest.mark.parametrize("src", ALL)
@pytest.mark.parametrize("dst", ALL)
def test_cast(src, dst):
    x = np.array([0, 1, 2, 5, 100, 7], dtype=src)
    g = tf.Graph()
    with g.as_default():
        p = tf.placeholder(tf.as_dtype(src), [None])
        y = tf.cast(p, tf.as_dtype(dst))
        with tf.Session() as sess:
            out = sess.run(y, {p: x})
    assert out.dtype == dst
    expected = (x != 0) if dst is np.bool_ else x.astype(dst)
    np.testing.assert_array_equal(out, expected)


def test_cast_float_to_int_truncates():
    x = np.array([1.7, -1.7, 2.5, -0.2], np.float32)
    g = tf.Graph()
    with g.as_default():
        y = tf.cast(tf.constant(x), tf.int32) * 1
        with tf.Session() as sess:
            np.testing.assert_array_equal(sess.run(y), [1, -1, 2, 0])


INT_LIMITS = {np.int8: (-128.9, 127.9), np.uint8: (-0.9, 255.9), np.int16: (-32768.9, 32767.9),
              np.int32: (-2147483648.0, 2147483520.0), np.int64: (-2.0**63, 2.0**63 - 1024)}


@pytest.mark.parametrize("src", [np.float32, np.float64])
@pytest.mark.parametrize("dst", list(INT_LIMITS))
@pytest.mark.parametrize("fed", [True, False])
def test_cast_float_to_int_in_range_truncates(src, dst, fed):
    lo, hi = INT_LIMITS[dst]
    x = np.array([0.0, -0.0, 0.4, 0.99, 1.0, 1.5, 2.5, -0.99, 3.7, -3.7, 100.2, -100.2,
                  1e-30, -1e-30, lo, hi], np.float64)
    x = x[(x >= lo) & (x <= hi)].astype(src)
    x = x[(x.astype(np.float64) > lo - 1) & (x.astype(np.float64) < hi + 1)]
    want = np.trunc(x.astype(np.float64)).astype(dst)
    out = evaluate(lambda t: tf.cast(t, tf.as_dtype(dst)), x) if fed else _folded_cast(x, dst)
    assert out.dtype == dst
    np.testing.assert_array_equal(out, want)


def _folded_cast(x, dst):
    with tf.Graph().as_default():
        with tf.Session() as sess:
            return sess.run(tf.cast(tf.constant(x), tf.as_dtype(dst)))


NAN, INF = float("nan"), float("inf")
OUT_OF_RANGE = [NAN, INF, -INF, 3e9, -3e9, 1e20, -1e20, 300.7, -300.7, 255.9, 128.5, -129.5,
                70000.2, -40000.1, 65535.9, 9.3e18, -9.3e18, 2147483520.0, -2147483648.0]
# TF on x86: int64 gets INT64_MIN for NaN/out of range; the others convert
# through int32 (INT32_MIN for NaN/out of range) and keep its low bits.
M32, M64 = -2**31, -2**63
CAST_HAND = {
    np.int32: [M32, M32, M32, M32, M32, M32, M32, 300, -300, 255, 128, -129, 70000, -40000,
               65535, M32, M32, 2147483520, M32],
    np.int64: [M64, M64, M64, 3000000000, -3000000000, M64, M64, 300, -300, 255, 128, -129,
               70000, -40000, 65535, M64, M64, 2147483520,
               -2147483648],
    np.int16: [0, 0, 0, 0, 0, 0, 0, 300, -300, 255, 128, -129, 4464, 25536, -1, 0, 0, -128, 0],
    np.int8: [0, 0, 0, 0, 0, 0, 0, 44, -44, -1, -128, 127, 112, -64, -1, 0, 0, -128, 0],
    np.uint8: [0, 0, 0, 0, 0, 0, 0, 44, 212, 255, 128, 127, 112, 192, 255, 0, 0, 128, 0],
}


@pytest.mark.parametrize("src", [np.float32, np.float64])
@pytest.mark.parametrize("dst", list(CAST_HAND))
@pytest.mark.parametrize("fed", [True, False])
def test_cast_float_to_int_out_of_range_is_tf_x86(src, dst, fed):
    x = np.array(OUT_OF_RANGE, src)
    want = CAST_HAND[dst]
    out = evaluate(lambda t: tf.cast(t, tf.as_dtype(dst)), x) if fed else _folded_cast(x, dst)
    assert out.dtype == dst
    np.testing.assert_array_equal(out, np.array(want, dst))


def test_where_broadcasts():
    c = np.array([[True], [False]])
    a = np.arange(6, dtype=np.float64).reshape(2, 3)
    b = np.array([-1.0, -2.0, -3.0])
    np.testing.assert_array_equal(evaluate(tf.where, c, a, b), np.where(c, a, b))
    ci = np.array([True, False, True])
    ai = np.array([1, 2, 3], np.int16)
    bi = np.array([9], np.int16)
    np.testing.assert_array_equal(evaluate(tf.where, ci, ai, bi), np.where(ci, ai, bi))


def test_wrong_dtypes_raise_type_error():
    g = tf.Graph()
    with g.as_default():
        s = tf.placeholder(tf.uint8, [2])
        with pytest.raises(TypeError):
            tf.negative(s)
        with pytest.raises(TypeError):
            tf.sqrt(tf.placeholder(tf.int32, [2]))
        with pytest.raises(TypeError):
            tf.add(tf.placeholder(tf.bool, [2]), tf.placeholder(tf.bool, [2]))


def test_int_overflow_wraps_like_tf():
    a = np.array([np.iinfo(np.int32).max], np.int32)
    np.testing.assert_array_equal(evaluate(tf.add, a, np.array([1], np.int32)),
                                  [np.iinfo(np.int32).min])
    u = np.array([250], np.uint8)
    np.testing.assert_array_equal(evaluate(tf.add, u, np.array([10], np.uint8)), [4])


CHAINS = [
    lambda m, x, y: m.tanh(m.maximum(x * 1.5 + 0.25, 0.0) * 0.5 - 0.1),
    lambda m, x, y: m.sigmoid(x) * y - m.exp(-m.abs(x)) / (1.0 + m.square(y)),
    lambda m, x, y: m.sqrt(m.abs(x) + 1.0) - m.rsqrt(m.square(y) + 2.0) + m.minimum(x, y),
    lambda m, x, y: m.squared_difference(m.floor(x), m.ceil(y)) + m.reciprocal(m.abs(x) + 1),
    lambda m, x, y: m.negative(m.log(m.abs(x) + 0.5)) * (x - y),
]

# The same functions over NumPy float64, to evaluate CHAINS as the oracle.
NP = types.SimpleNamespace(
    tanh=np.tanh, maximum=np.maximum, minimum=np.minimum, sigmoid=lambda v: 1 / (1 + np.exp(-v)),
    exp=np.exp, abs=np.abs, square=np.square, sqrt=np.sqrt, rsqrt=lambda v: 1 / np.sqrt(v),
    floor=np.floor, ceil=np.ceil, reciprocal=lambda v: 1 / v, negative=np.negative, log=np.log,
    squared_difference=lambda a, b: (a - b) ** 2)


@pytest.mark.parametrize("chain", range(len(CHAINS)))
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("n", [1, 7, 512, 513, 100_003])
def test_fused_chains_match_numpy(chain, dtype, n):
    rng = np.random.default_rng(chain)
    a = (rng.normal(size=n) * 3).astype(dtype)
    b = (rng.normal(size=n) * 3).astype(dtype)
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.as_dtype(dtype), [None])
        y = tf.placeholder(tf.as_dtype(dtype), [None])
        out = CHAINS[chain](tf, x, y)
        with tf.Session() as sess:
            got = sess.run(out, {x: a, y: b})
            (native,) = sess._plan_cache.plans.values()
            assert native.kernels() == ["fused"]
    expected = CHAINS[chain](NP, a.astype(np.float64), b.astype(np.float64))
    tol = 2e-6 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(got, expected, rtol=tol, atol=tol)


@pytest.mark.parametrize("fn,ref", [(tf.exp, np.exp), (tf.tanh, np.tanh),
                                    (tf.sigmoid, lambda v: 1 / (1 + np.exp(-v)))],
                         ids=["exp", "tanh", "sigmoid"])
def test_vectorised_float32_math_is_accurate(fn, ref):
    rng = np.random.default_rng(8)
    x = np.concatenate([rng.normal(size=200_000) * 10, np.linspace(-110, 110, 200_001),
                        np.geomspace(1e-30, 1, 1000), -np.geomspace(1e-30, 1, 1000),
                        [0.0, -0.0, np.inf, -np.inf, np.nan]]).astype(np.float32)
    out = evaluate(fn, x)
    with np.errstate(all="ignore"):  # overflow to inf in float32 is part of the check
        expected = ref(x.astype(np.float64))
        e32 = expected.astype(np.float32)
    normal = np.isfinite(e32) & (np.abs(e32) >= np.finfo(np.float32).tiny)
    np.testing.assert_array_equal(out[np.isinf(e32)], e32[np.isinf(e32)])
    rel = np.abs(out[normal] - expected[normal]) / np.abs(expected[normal])
    assert rel.max() < 5e-7
    assert np.array_equal(np.isnan(out), np.isnan(expected))
    special = np.isinf(x)
    np.testing.assert_array_equal(out[special], expected[special].astype(np.float32))
