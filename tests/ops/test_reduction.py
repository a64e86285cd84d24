"""Reductions, argmax/argmin, cumulative ops and the ops composed from them
(reduce_logsumexp, moments, batch_normalization, l2_normalize) against NumPy
computed here (not the ops' own `reference`), fed through placeholders so the
C kernels run, and as constants so the compile-time folding runs too."""

import numpy as np
import pytest

import fastgraph as tf
from fastgraph.compiler.plan import PARALLEL_GRAIN

from ..compare import assert_close
from ..evaluate import evaluate, max_parts
from ..samples import random_array

INTS = [np.uint8, np.int8, np.int16, np.int32, np.int64]
FLOATS = [np.float32, np.float64]
NUMERIC = INTS + FLOATS


def _np_axes(axis, rank):
    if axis is None:
        return tuple(range(rank))
    return tuple(sorted({int(a) % rank for a in np.asarray(axis).reshape(-1)})) if rank else ()


def _np_reduce(kind, x, axis, keepdims):
    ax = _np_axes(axis, x.ndim)
    if kind == "sum":
        if x.dtype.kind == "f":
            out = np.sum(x.astype(np.float64), axis=ax, keepdims=keepdims)
        else:
            out = np.sum(x, axis=ax, keepdims=keepdims, dtype=x.dtype)
    elif kind == "prod":
        if x.dtype.kind == "f":
            out = np.prod(x.astype(np.float64), axis=ax, keepdims=keepdims)
        else:
            out = np.prod(x, axis=ax, keepdims=keepdims, dtype=x.dtype)
    elif kind == "mean":
        n = int(np.prod([x.shape[a] for a in ax], dtype=np.int64))
        if x.dtype.kind == "f":
            with np.errstate(all="ignore"):
                out = np.sum(x.astype(np.float64), axis=ax, keepdims=keepdims) / n
        else:
            total = np.sum(x.astype(np.int64), axis=ax, keepdims=keepdims)
            # Integer division truncating toward zero, as TF's (C's) division.
            out = np.where(total < 0, -(-total // max(n, 1)), total // max(n, 1))
    elif kind in ("max", "min"):
        if x.dtype.kind == "f":
            ident = -np.inf if kind == "max" else np.inf
        elif x.dtype.kind == "b":
            ident = kind == "min"
        else:
            info = np.iinfo(x.dtype)
            ident = info.min if kind == "max" else info.max
        fn = np.max if kind == "max" else np.min
        out = fn(x, axis=ax, keepdims=keepdims, initial=ident)
    elif kind == "all":
        out = np.all(x, axis=ax, keepdims=keepdims)
    else:
        out = np.any(x, axis=ax, keepdims=keepdims)
    return np.asarray(out).astype(x.dtype)


REDUCERS = {
    "sum": (tf.reduce_sum, NUMERIC),
    "mean": (tf.reduce_mean, NUMERIC),
    "max": (tf.reduce_max, NUMERIC),
    "min": (tf.reduce_min, NUMERIC),
    "prod": (tf.reduce_prod, NUMERIC),
    "all": (tf.reduce_all, [np.bool_]),
    "any": (tf.reduce_any, [np.bool_]),
}

SHAPES = [(), (5,), (1,), (3, 4), (2, 3, 4), (1, 4, 1), (2, 0, 3), (0,), (2, 3, 1, 5)]


def _axes_for(rank):
    out = [None, []]
    if rank >= 1:
        out += [0, -1, [0]]
    if rank >= 2:
        out += [1, [0, -1], [-2], (1, 0)]
    if rank >= 3:
        out += [[0, 2], [1, 2], [-3, -1], [2, 0, 1]]
    if rank >= 4:
        out += [[0, 2], [1, 3], [0, 1, 3]]
    return out


@pytest.mark.parametrize("kind", list(REDUCERS))
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_reduce_axes_keepdims_dtypes(kind, shape):
    fn, dts = REDUCERS[kind]
    rng = np.random.default_rng(len(shape) * 7 + len(kind))
    for dtype in dts:
        x = (random_array(shape, dtype, rng, lo=-3, hi=3, p_true=0.6) if kind == "prod"
             else random_array(shape, dtype, rng, p_true=0.6))
        for axis in _axes_for(len(shape)):
            for keepdims in (False, True):
                expected = _np_reduce(kind, x, axis, keepdims)
                assert_close(evaluate(lambda t: fn(t, axis, keepdims=keepdims), x), expected)
    # The constant-folded path agrees with the kernel.
    x = random_array(shape, dts[-1], rng, p_true=0.6)
    assert_close(evaluate(lambda t: fn(t, -1 if shape else None), x, fed=False),
                 _np_reduce(kind, x, -1 if shape else None, False))


@pytest.mark.parametrize("kind", list(REDUCERS))
def test_reduce_old_argument_names(kind):
    fn, dts = REDUCERS[kind]
    x = random_array((3, 4), dts[-1], np.random.default_rng(0), p_true=0.6)
    expected = _np_reduce(kind, x, 1, True)
    assert_close(evaluate(lambda t: fn(t, reduction_indices=[1], keep_dims=True), x), expected)
    assert_close(evaluate(lambda t: fn(t, axis=tf.constant([1]), keepdims=True), x), expected)


@pytest.mark.parametrize("kind", ["max", "min"])
def test_reduce_max_min_empty_gives_identity(kind):
    fn = REDUCERS[kind][0]
    x = np.zeros((2, 0), np.float32)
    out = evaluate(lambda t: fn(t, 1), x)
    np.testing.assert_array_equal(out, [-np.inf] * 2 if kind == "max" else [np.inf] * 2)
    x = np.zeros((0, 3), np.int32)
    info = np.iinfo(np.int32)
    np.testing.assert_array_equal(evaluate(lambda t: fn(t, 0), x),
                                  [info.min if kind == "max" else info.max] * 3)


def test_reduce_max_min_nan_propagates():
    x = np.array([[1.0, np.nan, 3.0], [4.0, 5.0, -1.0]], np.float32)
    np.testing.assert_array_equal(evaluate(lambda t: tf.reduce_max(t, 1), x), [np.nan, 5.0])
    np.testing.assert_array_equal(evaluate(lambda t: tf.reduce_min(t, 1), x), [np.nan, -1.0])
    np.testing.assert_array_equal(evaluate(lambda t: tf.reduce_max(t, 0), x), [4.0, np.nan, 3.0])


def test_reduce_sum_int_wraps_like_tf():
    x = np.array([100, 100, 100], np.int8)
    assert evaluate(lambda t: tf.reduce_sum(t), x) == np.int8(44)
    x = np.full(4, 2**30, np.int32)
    assert evaluate(lambda t: tf.reduce_sum(t), x) == 0


def test_reduce_mean_int_truncates():
    x = np.array([[1, 2], [-3, -4], [5, -6]], np.int32)
    np.testing.assert_array_equal(evaluate(lambda t: tf.reduce_mean(t, 1), x), [1, -3, 0])
    assert evaluate(lambda t: tf.reduce_mean(t), np.array([7, 8], np.int64)) == 7
    assert evaluate(lambda t: tf.reduce_mean(t), np.array([-7, -8], np.int64)) == -7
    # TF averages small ints without overflowing the sum.
    assert evaluate(lambda t: tf.reduce_mean(t), np.array([255, 255, 1], np.uint8)) == 170
    assert evaluate(lambda t: tf.reduce_mean(t), np.array([100, 100, 100], np.int8)) == 100
    assert evaluate(lambda t: tf.reduce_mean(t), np.full(4, 2**30, np.int32)) == 2**30
    assert evaluate(lambda t: tf.reduce_mean(t, 0), np.full((4, 3), -2**30, np.int32),
                    fed=False).tolist() == [-2**30] * 3
    assert evaluate(lambda t: tf.reduce_mean(t), np.zeros((0,), np.int32)) == 0


def test_reduce_float_mean_of_empty_is_nan():
    out = evaluate(lambda t: tf.reduce_mean(t, 0), np.zeros((0, 2), np.float32))
    assert out.shape == (2,) and np.isnan(out).all()


@pytest.mark.parametrize("shape,axis", [((70000, 3), 1), ((3, 70000), 0), ((4, 70000, 2), [0, 2]),
                                        ((2, 70001, 3), [0, 2]), ((70000, 2), None),
                                        ((3, 2, 33000), [1])])
@pytest.mark.parametrize("kind", ["sum", "mean", "max", "min", "prod", "any"])
def test_reduce_large_splits_across_threads(shape, axis, kind):
    fn, dts = REDUCERS[kind]
    dtype = {"sum": np.float32, "mean": np.int32, "max": np.float64, "min": np.int16,
             "prod": np.float64, "any": np.bool_}[kind]
    rng = np.random.default_rng(11)
    x = random_array(shape, dtype, rng, p_true=0.6)
    if kind == "prod":
        x = (1 + rng.random(shape) * 0.01).astype(dtype)
    expected = _np_reduce(kind, x, axis, False)
    if expected.size >= 2 * PARALLEL_GRAIN:
        assert max_parts(lambda t: fn(t, axis), x) > 1
    assert_close(evaluate(lambda t: fn(t, axis), x), expected)


@pytest.mark.parametrize("kind", list(REDUCERS))
def test_reduce_errors(kind):
    fn, dts = REDUCERS[kind]
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.as_dtype(dts[0]), [2, 3])
        for bad in (2, -3, [0, 2], [5]):
            with pytest.raises(ValueError, match="Invalid reduction dimension"):
                fn(x, bad)
        for dup in ([0, 0], [1, -1]):
            with pytest.raises(ValueError, match="duplicate dimension"):
                fn(x, dup)
        s = tf.placeholder(tf.as_dtype(dts[0]), [])
        with pytest.raises(ValueError):
            fn(s, 1)
        other = tf.placeholder(tf.float32 if kind in ("all", "any") else tf.bool, [2])
        with pytest.raises(TypeError):
            fn(other)
        with pytest.raises(TypeError):
            fn(tf.placeholder(tf.string, [2]))


def test_reduce_unknown_dims_resolved_at_run():
    g = tf.Graph()
    x = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    with g.as_default():
        p = tf.placeholder(tf.float32, [None, None, 4])
        y = tf.reduce_sum(p, [0, 1], keepdims=True)
        assert y.shape.as_list() == [1, 1, 4]
        with tf.Session() as sess:
            np.testing.assert_array_equal(sess.run(y, {p: x}), x.sum((0, 1), keepdims=True))
            np.testing.assert_array_equal(sess.run(y, {p: x[:1]}), x[:1].sum((0, 1), keepdims=True))


# ---- argmax / argmin ---------------------------------------------------------------

def _np_arg(kind, x, axis):
    return (np.argmax if kind == "max" else np.argmin)(x, axis=axis).astype(np.int64)


ARG_SHAPES = [((5,), 0), ((3, 4), 0), ((3, 4), 1), ((3, 4), -1), ((2, 3, 4), 1), ((2, 3, 4), -3),
              ((1, 1), 0), ((2, 1, 3), 1), ((0, 3), 1), ((2, 0, 3), 2)]


@pytest.mark.parametrize("kind", ["max", "min"])
@pytest.mark.parametrize("shape,axis", ARG_SHAPES, ids=str)
def test_argmax_argmin(kind, shape, axis):
    fn = tf.argmax if kind == "max" else tf.argmin
    rng = np.random.default_rng(5)
    for dtype in NUMERIC + [np.bool_]:
        # A small range: ties take the first index.
        x = random_array(shape, dtype, rng, lo=-2, hi=2, p_true=0.6)
        expected = _np_arg(kind, x, axis)
        out = evaluate(lambda t: fn(t, axis), x)
        assert out.dtype == np.int64
        np.testing.assert_array_equal(out, expected)
        out32 = evaluate(lambda t: fn(t, axis, output_type=tf.int32), x)
        assert out32.dtype == np.int32
        np.testing.assert_array_equal(out32, expected)
    x = random_array(shape, np.float32, rng)
    np.testing.assert_array_equal(evaluate(lambda t: fn(t, axis), x, fed=False),
                                  _np_arg(kind, x, axis))


@pytest.mark.parametrize("kind", ["max", "min"])
def test_argmax_default_axis_and_tensor_axis(kind):
    fn = tf.argmax if kind == "max" else tf.argmin
    x = np.array([[1, 9, 3], [7, 2, 8]], np.float32)
    np.testing.assert_array_equal(evaluate(lambda t: fn(t), x), _np_arg(kind, x, 0))
    np.testing.assert_array_equal(evaluate(lambda t: fn(t, tf.constant(1)), x), _np_arg(kind, x, 1))


@pytest.mark.parametrize("fed", [True, False])
def test_argmax_argmin_pass_over_nan_as_tf(fed):
    # Expected values are TF 2.21's. Its best starts at (0, lowest()) for
    # argmax and (0, highest()) for argmin, so -inf / +inf (and -FLT_MAX /
    # FLT_MAX) after a NaN leave index 0: [nan, -inf, -inf] argmaxes to 0.
    nan, inf, big = np.nan, np.inf, float(np.finfo(np.float32).max)
    x = np.array([[nan, 1, 3], [1, nan, 3], [nan, nan, nan], [1, 3, nan], [-inf, nan, -inf],
                  [nan, -inf, 2], [nan, inf, inf], [nan, -inf, -inf], [nan, -big, 0],
                  [nan, -big, -inf]], np.float32)
    np.testing.assert_array_equal(evaluate(lambda t: tf.argmax(t, 1), x, fed=fed),
                                  [2, 2, 0, 1, 0, 2, 1, 0, 2, 0])
    np.testing.assert_array_equal(evaluate(lambda t: tf.argmin(t, 1), x, fed=fed),
                                  [1, 0, 0, 0, 0, 1, 0, 1, 1, 2])
    np.testing.assert_array_equal(evaluate(lambda t: tf.argmax(t, 0), x[:2], fed=fed), [1, 0, 0])
    # float64's lowest is lower: -FLT_MAX is taken there.
    np.testing.assert_array_equal(
        evaluate(lambda t: tf.argmax(t, 1), x[-1:].astype(np.float64), fed=fed), [1])


def test_argmax_empty_axis_fails_at_run():
    for fn in (tf.argmax, tf.argmin):
        with pytest.raises(tf.errors.InvalidArgumentError):
            evaluate(lambda t: fn(t, 1), np.zeros((3, 0), np.float32))


@pytest.mark.parametrize("kind", ["max", "min"])
@pytest.mark.parametrize("shape,axis", [((70000, 4), 1), ((5, 70000), 0), ((2, 5, 40000), 1)])
def test_argmax_large_splits_across_threads(kind, shape, axis):
    fn = tf.argmax if kind == "max" else tf.argmin
    x = np.random.default_rng(2).normal(size=shape).astype(np.float32)
    assert max_parts(lambda t: fn(t, axis), x) > 1
    np.testing.assert_array_equal(evaluate(lambda t: fn(t, axis), x), _np_arg(kind, x, axis))


def test_argmax_errors():
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [2, 3])
        for fn in (tf.argmax, tf.argmin):
            for bad in (2, -3):
                with pytest.raises(ValueError):
                    fn(x, bad)
            with pytest.raises(ValueError):
                fn(tf.placeholder(tf.float32, []), 0)
            with pytest.raises(TypeError):
                fn(x, 0, output_type=tf.float32)
            with pytest.raises(TypeError):
                fn(tf.placeholder(tf.string, [2]), 0)


# ---- cumsum / cumprod ---------------------------------------------------------------

def _np_scan(kind, x, axis, exclusive, reverse):
    op = np.add if kind == "sum" else np.multiply
    acc_dtype = np.float64 if x.dtype.kind == "f" else x.dtype
    y = np.moveaxis(x, axis, -1).astype(acc_dtype)
    if reverse:
        y = y[..., ::-1]
    if exclusive and y.shape[-1]:
        ident = np.full(y.shape[:-1] + (1,), 0 if kind == "sum" else 1, acc_dtype)
        y = np.concatenate([ident, y[..., :-1]], axis=-1)
    out = op.accumulate(y, axis=-1, dtype=acc_dtype) if y.shape[-1] else y
    if reverse:
        out = out[..., ::-1]
    return np.ascontiguousarray(np.moveaxis(out, -1, axis)).astype(x.dtype)


SCAN_SHAPES = [((5,), 0), ((5,), -1), ((3, 4), 0), ((3, 4), 1), ((2, 3, 4), 1), ((2, 3, 4), -1),
               ((2, 3, 4), -3), ((1,), 0), ((3, 1), 1), ((0, 4), 0), ((3, 0), 1), ((2, 0, 3), 2)]


@pytest.mark.parametrize("kind", ["sum", "prod"])
@pytest.mark.parametrize("shape,axis", SCAN_SHAPES, ids=str)
def test_cumsum_cumprod(kind, shape, axis):
    fn = tf.cumsum if kind == "sum" else tf.cumprod
    rng = np.random.default_rng(9)
    for dtype in NUMERIC:
        x = random_array(shape, dtype, rng, lo=-3, hi=3, p_true=0.6)
        for exclusive in (False, True):
            for reverse in (False, True):
                expected = _np_scan(kind, x, axis, exclusive, reverse)
                assert_close(evaluate(lambda t: fn(t, axis, exclusive=exclusive,
                                                   reverse=reverse), x), expected)
    x = random_array(shape, np.float32, rng)
    assert_close(evaluate(lambda t: fn(t, axis, True, True), x, fed=False),
                 _np_scan(kind, x, axis, True, True))


def test_cumsum_default_axis_and_tensor_axis():
    x = np.arange(6, dtype=np.int32).reshape(2, 3)
    np.testing.assert_array_equal(evaluate(lambda t: tf.cumsum(t), x), np.cumsum(x, 0))
    np.testing.assert_array_equal(evaluate(lambda t: tf.cumsum(t, tf.constant(1)), x),
                                  np.cumsum(x, 1))
    np.testing.assert_array_equal(evaluate(lambda t: tf.math.cumprod(t, axis=1), x),
                                  np.cumprod(x, 1))


@pytest.mark.parametrize("kind", ["sum", "prod"])
@pytest.mark.parametrize("shape,axis", [((70000, 3), 1), ((3, 70000), 0), ((2, 4, 40000), 1)])
def test_scan_large_splits_across_threads(kind, shape, axis):
    fn = tf.cumsum if kind == "sum" else tf.cumprod
    rng = np.random.default_rng(4)
    x = (1 + rng.random(shape) * 0.01) if kind == "prod" else rng.normal(size=shape)
    assert max_parts(lambda t: fn(t, axis), x) > 1
    assert_close(evaluate(lambda t: fn(t, axis, exclusive=True), x),
                 _np_scan(kind, x, axis, True, False))


def test_scan_errors():
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [2, 3])
        for fn in (tf.cumsum, tf.cumprod):
            for bad in (2, -3):
                with pytest.raises(ValueError):
                    fn(x, bad)
            with pytest.raises(ValueError):
                fn(tf.placeholder(tf.float32, []), 0)
            with pytest.raises(TypeError):
                fn(tf.placeholder(tf.bool, [2]))


# ---- reduce_logsumexp -------------------------------------------------------------

def _np_logsumexp(x, axis, keepdims):
    ax = _np_axes(axis, x.ndim)
    x64 = x.astype(np.float64)
    m = np.max(x64, axis=ax, keepdims=True, initial=-np.inf) if x.size else \
        np.full([1 if i in ax else d for i, d in enumerate(x.shape)], -np.inf)
    m = np.where(np.isfinite(m), m, 0)
    with np.errstate(all="ignore"):
        out = np.log(np.sum(np.exp(x64 - m), axis=ax, keepdims=True)) + m
    if not keepdims:
        out = out.reshape([d for i, d in enumerate(x.shape) if i not in ax])
    return out.astype(x.dtype)


@pytest.mark.parametrize("shape", [(), (5,), (1,), (3, 4), (2, 3, 4), (2, 1), (1, 4, 1), (2, 0)],
                         ids=str)
@pytest.mark.parametrize("dtype", FLOATS)
def test_reduce_logsumexp(shape, dtype):
    rng = np.random.default_rng(6)
    x = (rng.normal(size=shape) * 30).astype(dtype)
    for axis in _axes_for(len(shape)):
        for keepdims in (False, True):
            expected = _np_logsumexp(x, axis, keepdims)
            out = evaluate(lambda t: tf.reduce_logsumexp(t, axis, keepdims=keepdims), x)
            assert_close(out, expected)
    assert_close(evaluate(lambda t: tf.reduce_logsumexp(t), x, fed=False),
                 _np_logsumexp(x, None, False))


def test_reduce_logsumexp_infinities():
    x = np.array([[-np.inf, -np.inf], [np.inf, 1.0], [1000.0, 1000.0]], np.float32)
    out = evaluate(lambda t: tf.reduce_logsumexp(t, 1), x)
    np.testing.assert_allclose(out, [-np.inf, np.inf, 1000 + np.log(2)], rtol=1e-6)


def test_reduce_logsumexp_errors():
    g = tf.Graph()
    with g.as_default():
        with pytest.raises(TypeError):
            tf.reduce_logsumexp(tf.placeholder(tf.int32, [3]))
        with pytest.raises(ValueError):
            tf.reduce_logsumexp(tf.placeholder(tf.float32, [3]), 1)


# ---- moments, batch_normalization, l2_normalize -------------------------------------

@pytest.mark.parametrize("shape,axes", [((4, 3), [0]), ((2, 3, 4), [0, 1]), ((2, 3, 4), [-1]),
                                        ((5,), [0]), ((2, 1), [1]), ((2, 1), []), ((3, 4), None),
                                        ((1, 5, 1), [0, 2])], ids=str)
@pytest.mark.parametrize("dtype", FLOATS)
def test_moments(shape, axes, dtype):
    x = np.random.default_rng(7).normal(size=shape).astype(dtype) * 2 + 1
    ax = _np_axes(axes, x.ndim)
    x64 = x.astype(np.float64)
    for keepdims in (False, True):
        mean, var = evaluate(lambda t: tf.nn.moments(t, axes, keepdims=keepdims), x)
        e_mean = x64.mean(ax, keepdims=True)
        e_var = ((x64 - e_mean.astype(dtype)) ** 2).mean(ax, keepdims=True)
        if not keepdims:
            # TF squeezes `axes`, so axes=[] drops every size-1 dim.
            keep = [d for i, d in enumerate(shape) if i not in ax and (ax or d != 1)]
            e_mean, e_var = e_mean.reshape(keep), e_var.reshape(keep)
        assert_close(mean, e_mean.astype(dtype))
        np.testing.assert_allclose(var, e_var.astype(dtype), rtol=1e-5, atol=1e-6)
        assert var.shape == e_var.shape and var.dtype == dtype


def test_moments_int_uses_integer_mean():
    x = np.array([[1, 2, 4], [3, 5, 9]], np.int32)
    mean, var = evaluate(lambda t: tf.nn.moments(t, [1]), x)
    assert mean.dtype == np.int32
    np.testing.assert_array_equal(mean, [2, 5])
    np.testing.assert_array_equal(var, [((1 - 2) ** 2 + 0 + 4) // 3, (4 + 0 + 16) // 3])


@pytest.mark.parametrize("with_scale,with_offset", [(True, True), (False, True), (True, False),
                                                    (False, False)])
@pytest.mark.parametrize("dtype", FLOATS)
def test_batch_normalization(with_scale, with_offset, dtype):
    rng = np.random.default_rng(8)
    x = rng.normal(size=(4, 3, 5)).astype(dtype)
    mean = rng.normal(size=(5,)).astype(dtype)
    var = rng.random(size=(5,)).astype(dtype)
    offset = rng.normal(size=(5,)).astype(dtype)
    scale = rng.normal(size=(5,)).astype(dtype)
    eps = 1e-3
    x64 = [a.astype(np.float64) for a in (x, mean, var, offset, scale)]
    expected = (x64[0] - x64[1]) / np.sqrt(x64[2] + eps)
    if with_scale:
        expected = expected * x64[4]
    if with_offset:
        expected = expected + x64[3]
    out = evaluate(lambda a, m, v, o, s: tf.nn.batch_normalization(
        a, m, v, o if with_offset else None, s if with_scale else None, eps),
        x, mean, var, offset, scale)
    assert out.dtype == dtype and out.shape == x.shape
    np.testing.assert_allclose(out, expected, rtol=1e-4 if dtype == np.float32 else 1e-10,
                               atol=1e-5 if dtype == np.float32 else 1e-10)


@pytest.mark.parametrize("shape,axis", [((3, 4), 1), ((3, 4), 0), ((3, 4), -1), ((3, 4), None),
                                        ((2, 3, 4), [1, 2]), ((5,), 0), ((2, 0), 1), ((3, 4), [])],
                         ids=str)
@pytest.mark.parametrize("dtype", FLOATS)
def test_l2_normalize(shape, axis, dtype):
    x = np.random.default_rng(9).normal(size=shape).astype(dtype)
    x[..., :1] = 0  # a zero row keeps epsilon in play
    ax = _np_axes(axis, x.ndim)
    x64 = x.astype(np.float64)
    ss = np.sum(x64 * x64, axis=ax, keepdims=True)
    expected = (x64 / np.sqrt(np.maximum(ss, 1e-12))).astype(dtype)
    out = evaluate(lambda t: tf.nn.l2_normalize(t, axis), x)
    assert_close(out, expected) if dtype == np.float64 else np.testing.assert_allclose(
        out, expected, rtol=1e-6, atol=1e-7)
    out = evaluate(lambda t: tf.nn.l2_normalize(t, dim=axis, epsilon=10.0), x)
    np.testing.assert_allclose(out, x64 / np.sqrt(np.maximum(ss, 10.0)), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("fn", ["moments", "l2_normalize"])
def test_composed_errors(fn):
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [2, 3])
        with pytest.raises(ValueError):
            getattr(tf.nn, fn)(x, [2])


def test_axis_computed_from_the_rank():
    """An axis tensor that follows from shapes is read when the plan is compiled."""
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [None, None])
        last = tf.reduce_mean(x, axis=tf.rank(x) - 1)
        every = tf.reduce_sum(x, axis=tf.range(tf.rank(x)), keepdims=True)
        with tf.Session() as sess:
            v = np.arange(6, dtype=np.float32).reshape(2, 3)
            got_last, got_every = sess.run([last, every], {x: v})
    np.testing.assert_allclose(got_last, v.mean(axis=1))
    np.testing.assert_allclose(got_every, v.sum(keepdims=True))
