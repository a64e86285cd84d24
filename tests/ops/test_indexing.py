"""Indexing and filling ops against NumPy: gather, gather_nd, one_hot, fill,
zeros/ones(_like), range, size, rank and where(condition), over every dtype,
fed (C kernels) and constant (folded through the NumPy reference), with TF's
error types and messages."""

import numpy as np
import pytest

import fastgraph as tf
from fastgraph.compiler import compile_plan
from fastgraph.framework.static_values import FOLD_LIMIT

from ..compare import assert_close
from ..evaluate import evaluate, session_run
from ..samples import random_array

ALL = [np.bool_, np.uint8, np.int8, np.int16, np.int32, np.int64, np.float32, np.float64]
INDEX = [np.int16, np.int32, np.int64]


def _fed_equals_folded(fn, *arrays):
    """fn's value with `arrays` fed (the kernels run), asserted equal to its
    value over constants (the compiler folds through the reference)."""
    fed = evaluate(fn, *arrays)
    assert_close(fed, evaluate(fn, *arrays, fed=False), exact=True)
    return fed


def _kernels(fetch, feeds):
    return compile_plan([fetch], [], {t: (a.shape, t.dtype) for t, a in feeds.items()}).kernels()


# ---- gather -----------------------------------------------------------------

GATHER_CASES = [((5,), (3,), 0), ((5,), (), 0), ((3, 4), (2,), 1), ((3, 4), (2, 3), -1),
                ((2, 3, 4), (2, 2), 1), ((2, 3, 4), (4,), -3), ((2, 3, 4), (0,), 2),
                ((1, 1), (3,), 0)]


@pytest.mark.parametrize("pshape,ishape,axis", GATHER_CASES, ids=str)
@pytest.mark.parametrize("dtype", ALL, ids=lambda d: np.dtype(d).name)
def test_gather(pshape, ishape, axis, dtype):
    rng = np.random.default_rng(0)
    params = random_array(pshape, dtype, rng, lo=0, hi=99)
    for itype in INDEX:
        indices = rng.integers(0, pshape[axis], size=ishape).astype(itype)
        out = _fed_equals_folded(lambda p, i: tf.gather(p, i, axis=axis), params, indices)
        np.testing.assert_array_equal(out, np.take(params, indices, axis=axis))
        assert out.dtype == params.dtype


def test_gather_static_shape_and_defaults():
    with tf.Graph().as_default():
        p = tf.placeholder(tf.float32, [None, 4, 5])
        i = tf.placeholder(tf.int32, [2, None])
        assert tf.gather(p, i, axis=1).shape.as_list() == [None, 2, None, 5]
        assert tf.gather(p, i).shape.as_list() == [2, None, 4, 5]
        assert tf.gather(p, i, axis=tf.constant(-1)).shape.as_list() == [None, 4, 2, None]
        assert tf.gather(p, i).op.type == "GatherV2"


def test_gather_big_splits_across_threads():
    rng = np.random.default_rng(1)
    params = rng.normal(size=(300, 256)).astype(np.float32)
    indices = rng.integers(0, 300, size=(1000,)).astype(np.int32)
    np.testing.assert_array_equal(evaluate(lambda p, i: tf.gather(p, i), params, indices),
                                  params[indices])


@pytest.mark.parametrize("indices,axis,message", [
    ([0, 7], 0, r"indices\[1\] = 7 is not in \[0, 5\)"),
    (7, 0, r"^indices = 7 is not in \[0, 5\)"),
    ([[0, 1], [2, 7]], 0, r"indices\[1,1\] = 7 is not in \[0, 5\)"),
    ([-1], 0, r"indices\[0\] = -1 is not in \[0, 5\)"),
    ([0, 2], 1, r"indices\[1\] = 2 is not in \[0, 2\)"),
])
def test_gather_out_of_range(indices, axis, message):
    params = np.arange(10, dtype=np.float32).reshape(5, 2)
    idx = np.asarray(indices, np.int32)
    for fed in (True, False):  # a constant bad gather is left to the kernel
        with pytest.raises(tf.errors.InvalidArgumentError, match=message) as info:
            evaluate(lambda p, i: tf.gather(p, i, axis=axis), params, idx, fed=fed)
        assert "GatherV2" in str(info.value)


def test_gather_error_leaves_session_usable():
    with tf.Graph().as_default():
        p = tf.constant([1, 2, 3])
        i = tf.placeholder(tf.int64, [None])
        y = tf.gather(p, i, name="pick")
        with tf.Session() as sess:
            with pytest.raises(tf.errors.InvalidArgumentError, match="indices\\[0\\] = 3") as e:
                sess.run(y, {i: [3]})
            assert e.value.op.name == "pick"
            np.testing.assert_array_equal(sess.run(y, {i: [2, 0]}), [3, 1])


def test_gather_empty_dims():
    # Nothing to copy: TF checks nothing (params (2, 0), axis 0).
    out = evaluate(lambda p, i: tf.gather(p, i), np.zeros((2, 0), np.float32),
                   np.array([5], np.int32))
    assert out.shape == (1, 0)
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match=r"indices\[0\] = 0 is not in \[0, 0\)"):
        evaluate(lambda p, i: tf.gather(p, i, axis=1), np.zeros((2, 0), np.float32),
                 np.array([0], np.int32))


def test_gather_build_errors():
    with tf.Graph().as_default():
        x = tf.zeros([2, 3])
        with pytest.raises(ValueError, match="Shape must be at least rank 3 but is rank 2"):
            tf.gather(x, [0], axis=2)
        with pytest.raises(ValueError, match="Shape must be at least rank 3 but is rank 2"):
            tf.gather(x, [0], axis=-3)
        with pytest.raises(ValueError, match="Shape must be at least rank 1 but is rank 0"):
            tf.gather(tf.constant(3.0), [0])
        with pytest.raises(TypeError, match="'indices' has DataType float32"):
            tf.gather(x, [0.5])
        with pytest.raises(TypeError, match="'indices' has DataType int8"):
            tf.gather(x, np.array([0], np.int8))
        with pytest.raises(NotImplementedError, match="batch_dims"):
            tf.gather(x, [[0]], batch_dims=1)
        with pytest.raises(NotImplementedError, match="axis must be known"):
            tf.gather(x, [0], axis=tf.placeholder(tf.int32, []))


# ---- gather_nd --------------------------------------------------------------

GATHER_ND_CASES = [((3, 4), (2, 2)), ((3, 4), (2, 1)), ((3, 4), (2,)), ((2, 3, 4), (3, 2)),
                   ((2, 3, 4), (2, 2, 3)), ((2, 3, 4), (2, 0)), ((3, 4), (0, 2)), ((5,), (1,))]


@pytest.mark.parametrize("pshape,ishape", GATHER_ND_CASES, ids=str)
@pytest.mark.parametrize("dtype", ALL, ids=lambda d: np.dtype(d).name)
def test_gather_nd(pshape, ishape, dtype):
    rng = np.random.default_rng(2)
    params = random_array(pshape, dtype, rng, lo=0, hi=99)
    depth = ishape[-1]
    for itype in INDEX:
        cols = [rng.integers(0, pshape[j], size=ishape[:-1]) for j in range(depth)]
        indices = np.stack(cols, axis=-1).astype(itype) if depth else np.zeros(ishape, itype)
        out = _fed_equals_folded(tf.gather_nd, params, indices)
        expected = params[tuple(np.moveaxis(indices, -1, 0))] if depth else \
            np.broadcast_to(params, ishape[:-1] + pshape)
        np.testing.assert_array_equal(out, expected)


@pytest.mark.parametrize("params,indices,message", [
    ((2, 2), [[0, 1], [1, 7]],
     r"^indices\[1\] = \[1, 7\] does not index into param shape \[2,2\], node name: GatherNd"),
    ((2, 2), [[[0, 1], [-1, 0]]], r"^indices\[0,1\] = \[-1, 0\] does not index into param shape"),
    ((2, 2), [7], r"^indices = \[7\] does not index into param shape \[2,2\]"),
    ((2, 0), [[1]], r"Requested more than 0 entries, but params is empty.  Params shape: \[2,0\]"),
])
def test_gather_nd_out_of_range(params, indices, message):
    p = np.zeros(params, np.float32)
    i = np.asarray(indices, np.int64)
    for fed in (True, False):
        with pytest.raises(tf.errors.InvalidArgumentError, match=message):
            evaluate(tf.gather_nd, p, i, fed=fed)


def test_gather_nd_build_errors():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match=r"indices.shape\[-1\] must be <= params.rank, "
                                             r"but saw indices shape: \[1,3\] and params "
                                             r"shape: \[2,2\]"):
            tf.gather_nd(tf.zeros([2, 2]), [[0, 1, 1]])
        with pytest.raises(ValueError, match="Shape must be at least rank 1 but is rank 0"):
            tf.gather_nd(tf.zeros([2, 3]), 0)
        with pytest.raises(TypeError, match="'indices' has DataType float32"):
            tf.gather_nd(tf.zeros([2, 3]), [[0.0]])
        with pytest.raises(NotImplementedError):
            tf.gather_nd(tf.zeros([2, 3]), [[0]], batch_dims=1)
        p = tf.placeholder(tf.float32, [None, 3, 4])
        assert tf.gather_nd(p, tf.placeholder(tf.int32, [5, 2])).shape.as_list() == [5, 4]


# ---- one_hot ----------------------------------------------------------------

def _one_hot_np(indices, depth, on, off, axis, dtype):
    hot = indices.astype(np.int64)[..., None] == np.arange(depth)
    out = np.where(hot, on, off).astype(dtype)
    return np.moveaxis(out, -1, indices.ndim if axis == -1 else axis)


@pytest.mark.parametrize("ishape", [(), (4,), (2, 3), (0, 2)], ids=str)
@pytest.mark.parametrize("itype", [np.uint8, np.int8, np.int32, np.int64],
                         ids=lambda d: np.dtype(d).name)
def test_one_hot(ishape, itype):
    rng = np.random.default_rng(3)
    lo = 0 if itype is np.uint8 else -2
    indices = rng.integers(lo, 6, size=ishape).astype(itype)  # some outside [0, 4)
    for axis in range(-1, len(ishape) + 1):
        out = _fed_equals_folded(lambda i: tf.one_hot(i, 4, axis=axis), indices)
        assert out.dtype == np.float32
        np.testing.assert_array_equal(out, _one_hot_np(indices, 4, 1, 0, axis, np.float32))


@pytest.mark.parametrize("dtype", ALL, ids=lambda d: np.dtype(d).name)
def test_one_hot_dtypes_and_fed_values(dtype):
    indices = np.array([[0, 2], [5, -1], [1, 1]], np.int32)
    on, off = np.array(7 if dtype is not np.bool_ else True, dtype), np.array(0, dtype)
    out = evaluate(lambda i, a, b: tf.one_hot(i, 3, on_value=a, off_value=b, axis=1),
                   indices, on, off)
    assert out.dtype == dtype
    np.testing.assert_array_equal(out, _one_hot_np(indices, 3, on, off, 1, dtype))
    with tf.Graph().as_default():
        out = session_run(tf.one_hot([1, 0], 2, dtype=tf.as_dtype(dtype)))
    np.testing.assert_array_equal(out, np.array([[0, 1], [1, 0]], dtype))
    assert out.dtype == dtype


def test_one_hot_dtype_inference():
    with tf.Graph().as_default():
        assert tf.one_hot([0], 3).dtype == tf.float32
        assert tf.one_hot([0], 3, on_value=5).dtype == tf.int32
        assert tf.one_hot([0], 3, on_value=np.int64(1)).dtype == tf.int64
        assert tf.one_hot([0], 3, off_value=np.float64(1)).dtype == tf.float64
        assert tf.one_hot([0], 3, on_value=1, dtype=tf.float64).dtype == tf.float64
        np.testing.assert_array_equal(session_run(tf.one_hot([2], 3, off_value=np.float64(-1))),
                                      [[-1, -1, 1]])
        np.testing.assert_array_equal(session_run(tf.one_hot([0, 2], 3, on_value=True,
                                                             off_value=False)),
                                      [[True, False, False], [False, False, True]])
        with pytest.raises(TypeError, match="dtype <dtype: 'float32'> of on_value does not "
                                            "match dtype parameter <dtype: 'int32'>"):
            tf.one_hot([0], 3, on_value=tf.constant(1.0), dtype=tf.int32)
        with pytest.raises(TypeError, match="dtype <dtype: 'float32'> of on_value does not "
                                            "match dtype <dtype: 'int32'> of off_value"):
            tf.one_hot([0], 3, on_value=1.0, off_value=0)
        with pytest.raises(TypeError, match="'indices' has DataType int16"):
            tf.one_hot(np.array([0], np.int16), 3)
        with pytest.raises(TypeError, match="'indices' has DataType float32"):
            tf.one_hot([0.0], 3)


def test_one_hot_depth_and_axis():
    with tf.Graph().as_default():
        np.testing.assert_array_equal(session_run(tf.one_hot([0, 1], 0)),
                                      np.zeros((2, 0), np.float32))
        np.testing.assert_array_equal(session_run(tf.one_hot([0, 1], np.int64(2))), np.eye(2))
        with pytest.raises(ValueError, match="must be non-negative but is -1"):
            tf.one_hot([0, 1], -1)
        with pytest.raises(ValueError, match="axis must be >= -1"):
            tf.one_hot([0, 1], 3, axis=-2)
        with pytest.raises(ValueError, match=r"Expected axis to be -1 or between \[0, 2\)"):
            tf.one_hot([0, 1], 3, axis=2)
        assert tf.one_hot(tf.placeholder(tf.int32, [None, 3]), 4, axis=1).shape.as_list() == \
            [None, 4, 3]
        # depth from a fed tensor decides the output shape: the plan is
        # compiled for the fed value (a float depth never is).
        d = tf.placeholder(tf.int32, [])
        y = tf.one_hot([0, 1], d)
        assert y.shape.as_list() == [2, None]
        np.testing.assert_array_equal(session_run(y, {d: 3}), np.eye(3, dtype=np.float32)[[0, 1]])
        fd = tf.placeholder(tf.float32, [])
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match="depth of 'one_hot[_0-9]*' must be known when the plan is "
                                 "compiled"):
            session_run(tf.one_hot([0, 1], tf.cast(fd, tf.int32)), {fd: 3.0})
        # computed from constants is fine
        np.testing.assert_array_equal(session_run(tf.one_hot([1], tf.size(tf.zeros([2, 2])))),
                                      [[0, 1, 0, 0]])


# ---- fill, zeros, ones ------------------------------------------------------

@pytest.mark.parametrize("dtype", ALL, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("dims", [(), (0,), (3,), (2, 3), (2, 0, 4)], ids=str)
def test_fill_with_fed_value(dtype, dims):
    value = np.array(1 if dtype is np.bool_ else 42, dtype)
    with tf.Graph().as_default():
        v = tf.placeholder(tf.as_dtype(dtype), [])
        y = tf.fill(list(dims), v)
        assert y.shape.as_list() == list(dims)
        assert "fill" in _kernels(y, {v: value})
        out = session_run(y, {v: value})
    assert out.dtype == dtype
    np.testing.assert_array_equal(out, np.full(dims, value, dtype))


@pytest.mark.parametrize("dtype", ALL, ids=lambda d: np.dtype(d).name)
def test_zeros_ones(dtype):
    dt = tf.as_dtype(dtype)
    with tf.Graph().as_default():
        for shape in ([2, 3], (4,), (), [0, 2], tf.TensorShape([2, 2]), np.array([3], np.int64),
                      tf.constant([1, 2])):
            expected = tuple(np.asarray(shape.as_list() if isinstance(shape, tf.TensorShape)
                                        else ([1, 2] if isinstance(shape, tf.Tensor) else shape),
                                        np.int64).reshape(-1))
            z, o = tf.zeros(shape, dt), tf.ones(shape, dt)
            rz, ro = session_run([z, o])
            assert rz.dtype == dtype and ro.dtype == dtype
            np.testing.assert_array_equal(rz, np.zeros(expected, dtype))
            np.testing.assert_array_equal(ro, np.ones(expected, dtype))
    with tf.Graph().as_default():
        z = tf.zeros([2])
        assert z.dtype == tf.float32 and z.op.name == "zeros"
        assert tf.ones([2]).op.name == "ones"


def test_big_fills_run_the_kernel():
    n = FOLD_LIMIT + 5  # too big to fold: the kernel writes it
    with tf.Graph().as_default():
        z, o = tf.zeros([n], tf.int16), tf.ones([n // 5, 5], tf.float64)
        f = tf.fill([n], np.int64(2**40))
        assert _kernels(z, {}) == ["fill"]
        rz, ro, rf = session_run([z, o, f])
    assert rz.shape == (n,) and not rz.any()
    assert ro.shape == (n // 5, 5) and (ro == 1).all()
    assert (rf == 2**40).all()


def test_fill_errors():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="Fill dimensions must be >= 0"):
            tf.fill([2, -1], 3)
        with pytest.raises(ValueError, match="Fill dimensions must be >= 0"):
            tf.zeros([2, -1])
        with pytest.raises(ValueError, match="Shape must be rank 0 but is rank 1"):
            tf.fill([2], np.array([1, 2]))
        with pytest.raises(ValueError, match="Shape must be rank 1 but is rank 2"):
            tf.fill([[2]], 1)
        with pytest.raises(TypeError):
            tf.fill([2.5], 1)
        d = tf.placeholder(tf.int32, [2])
        y = tf.fill(d, 1.0)
        assert y.shape.as_list() == [None, None]
        # Fed dims are values the plan is compiled for; fed float ones never are.
        np.testing.assert_array_equal(session_run(y, {d: [2, 3]}), np.ones((2, 3), np.float32))
        fd = tf.placeholder(tf.float32, [2])
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match="dims of 'Fill[_0-9]*' must be known when the plan is compiled"):
            session_run(tf.fill(tf.cast(fd, tf.int32), 1.0), {fd: [2, 2]})
        # A shape computed at compile time (Shape of a fed tensor) is known.
        x = tf.placeholder(tf.float32, [None, 3])
        out = session_run(tf.zeros(tf.shape(x), tf.int32), {x: np.ones((2, 3), np.float32)})
        np.testing.assert_array_equal(out, np.zeros((2, 3), np.int32))


@pytest.mark.parametrize("dtype", ALL, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("shape", [(), (0,), (3,), (2, 3)], ids=str)
def test_zeros_like_ones_like(dtype, shape):
    x = random_array(shape, dtype, np.random.default_rng(4), lo=0, hi=99)
    for fn, ref in ((tf.zeros_like, np.zeros), (tf.ones_like, np.ones)):
        out = _fed_equals_folded(fn, x)
        assert out.dtype == dtype
        np.testing.assert_array_equal(out, ref(shape, dtype))
        for target in (np.float64, np.bool_, np.int8):
            out = _fed_equals_folded(lambda t: fn(t, dtype=tf.as_dtype(target)), x)
            assert out.dtype == target
            np.testing.assert_array_equal(out, ref(shape, target))


def test_like_kernels_and_static_shape():
    x = np.ones((4, 5), np.float32)
    with tf.Graph().as_default():
        p = tf.placeholder(tf.float32, [None, 5])
        z, o = tf.zeros_like(p), tf.ones_like(p, dtype=tf.int32)
        assert z.shape.as_list() == [None, 5] and o.dtype == tf.int32
        assert _kernels(z, {p: x}) == ["zeros_like"]
        assert _kernels(o, {p: x}) == ["ones_like"]
        big = tf.placeholder(tf.float32, [None])
        out = session_run(tf.ones_like(big), {big: np.zeros(100_000, np.float32)})
        assert (out == 1).all()


# ---- range ------------------------------------------------------------------

@pytest.mark.parametrize("args,kwargs,expected", [
    ((5,), {}, np.arange(5, dtype=np.int32)),
    ((2, 9, 3), {}, np.array([2, 5, 8], np.int32)),
    ((5, 1, -1), {}, np.array([5, 4, 3, 2], np.int32)),
    ((0, 0), {}, np.zeros(0, np.int32)),
    ((3, 3, -1), {}, np.zeros(0, np.int32)),
    ((1, 5.0), {}, np.array([1, 2, 3, 4], np.float32)),
    ((0.0, 1.0, 0.3), {}, np.float32(0.3) * np.arange(4, dtype=np.float32)),
    ((5, 1, -2.0), {}, np.array([5, 3], np.float32)),
    ((np.int64(5),), {}, np.arange(5, dtype=np.int64)),
    ((np.float64(5), 1, -1), {}, np.array([5, 4, 3, 2], np.float64)),
    ((1, 2, 0.3), {"dtype": tf.float64}, 1 + 0.3 * np.arange(4)),
    ((5,), {"dtype": tf.int8}, np.arange(5, dtype=np.int8)),
    ((-5, 5, 4), {"dtype": tf.int16}, np.array([-5, -1, 3], np.int16)),
    ((np.int64(5),), {"dtype": tf.int32}, np.arange(5, dtype=np.int32)),
    ((1.2,), {}, np.array([0, 1], np.float32)),
    ((0, 2**33, 2**32), {}, np.array([0, 2**32], np.int64)),
])
def test_range(args, kwargs, expected):
    with tf.Graph().as_default():
        y = tf.range(*args, **kwargs)
        assert y.op.name == "range"
        out = session_run(y)
    assert out.dtype == expected.dtype
    np.testing.assert_array_equal(out, expected)


def test_range_kernel_for_big_ranges():
    n = FOLD_LIMIT + 3
    with tf.Graph().as_default():
        ys = [tf.range(n), tf.range(n, 0, -1, dtype=tf.int64), tf.range(0.0, n * 0.5, 0.5),
              tf.range(1.0, 1.0 + n * 0.1, 0.1, dtype=tf.float64)]
        assert _kernels(ys[0], {}) == ["range"]
        a, b, c, d = session_run(ys)
    np.testing.assert_array_equal(a, np.arange(n, dtype=np.int32))
    np.testing.assert_array_equal(b, np.arange(n, 0, -1, dtype=np.int64))
    np.testing.assert_array_equal(c, np.arange(n, dtype=np.float32) * np.float32(0.5))
    assert d.shape == (n,)
    np.testing.assert_array_equal(d, 1.0 + np.arange(n, dtype=np.float64) * 0.1)


def test_range_errors():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="Requires delta != 0"):
            tf.range(1, 5, 0)
        with pytest.raises(ValueError, match="Requires delta != 0"):
            tf.range(1, 2, 0.0)
        with pytest.raises(ValueError, match="Requires start <= limit when delta > 0: 5/1"):
            tf.range(5, 1, 1)
        with pytest.raises(ValueError, match="Requires start <= limit when delta > 0: 0/-5"):
            tf.range(-5)
        with pytest.raises(ValueError, match="Requires start >= limit when delta < 0: 1/5"):
            tf.range(1, 5, -1)
        with pytest.raises(TypeError, match="'start' has DataType uint8 not in list"):
            tf.range(5, dtype=tf.uint8)
        with pytest.raises(TypeError, match="Expected int32, but got 5.0"):
            tf.range(5.0, dtype=tf.int32)
        with pytest.raises(TypeError, match="DataType int8"):
            tf.range(np.int8(5))
        # Bounds from an integer feed decide the length: compiled for the value.
        n = tf.placeholder(tf.int32, [])
        y = tf.range(n)
        assert y.shape.as_list() == [None]
        np.testing.assert_array_equal(session_run(y, {n: 3}), np.arange(3))
        fn = tf.placeholder(tf.float32, [])
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match="limit of 'range[_0-9]*' must be known when the plan is compiled"):
            session_run(tf.range(fn), {fn: 3.0})
        # A bound computed from shapes folds at compile time.
        x = tf.placeholder(tf.float32, [None])
        out = session_run(tf.range(tf.size(x)), {x: np.zeros(4, np.float32)})
        np.testing.assert_array_equal(out, [0, 1, 2, 3])
        # A tensor argument of another type is cast to the inferred type.
        out = session_run(tf.range(tf.constant(1), 3.0))
        assert out.dtype == np.float32
        np.testing.assert_array_equal(out, [1, 2])


# ---- size, rank -------------------------------------------------------------

@pytest.mark.parametrize("shape", [(), (0,), (3,), (2, 3, 4), (5, 0, 2)], ids=str)
def test_size_rank(shape):
    x = np.zeros(shape, np.float32)
    for fed in (True, False):
        s, s64, r = evaluate(lambda t: [tf.size(t), tf.size(t, out_type=tf.int64), tf.rank(t)], x,
                             fed=fed)
        assert s.dtype == np.int32 and s64.dtype == np.int64 and r.dtype == np.int32
        assert s == x.size and s64 == x.size and r == x.ndim


def test_size_rank_of_partial_shapes():
    with tf.Graph().as_default():
        p = tf.placeholder(tf.int8, [None, 3])
        s, r = tf.size(p), tf.rank(p)
        assert s.shape.as_list() == [] and s.op.type == "Size" and r.op.type == "Rank"
        assert session_run([s, r], {p: np.zeros((7, 3), np.int8)}) == [21, 2]
        with pytest.raises(TypeError, match="out_type"):
            tf.size(p, out_type=tf.float32)


# ---- where(condition) -------------------------------------------------------

@pytest.mark.parametrize("shape", [(5,), (3, 4), (2, 3, 2), (2, 0, 3), (1,)], ids=str)
@pytest.mark.parametrize("dtype", ALL, ids=lambda d: np.dtype(d).name)
def test_where_coordinates(shape, dtype):
    rng = np.random.default_rng(5)
    cond = random_array(shape, dtype, rng, lo=0, hi=99)
    if dtype is not np.bool_:
        cond[rng.random(shape) < 0.5] = 0
    with tf.Graph().as_default():
        y = tf.where(tf.constant(cond))
        assert y.dtype == tf.int64 and y.shape.as_list() == [None, len(shape)]
        out = session_run(y)
    assert out.dtype == np.int64
    np.testing.assert_array_equal(out, np.argwhere(cond))


def test_where_computed_from_constants():
    with tf.Graph().as_default():
        x = tf.constant([[1, 5], [7, 2]])
        out = session_run(tf.where(tf.greater(x, 3)))
        np.testing.assert_array_equal(out, [[0, 1], [1, 0]])
        np.testing.assert_array_equal(session_run(tf.where(tf.zeros([3], tf.bool))),
                                      np.zeros((0, 1), np.int64))
        np.testing.assert_array_equal(session_run(tf.where([np.nan, 0.0])), [[0]])
        # a condition computed from a small fed integer tensor: compiled for its value
        p = tf.placeholder(tf.int32, [2, 2])
        fed = np.array([[1, 5], [4, 0]], np.int32)
        np.testing.assert_array_equal(session_run(tf.where(tf.greater(p, 3)), {p: fed}),
                                      np.argwhere(fed > 3))
        # ... and from a fed float tensor: Where is a host op
        q = tf.placeholder(tf.float32, [2, 2])
        fed = np.array([[1, 5], [4, 0]], np.float32)
        np.testing.assert_array_equal(session_run(tf.where(tf.greater(q, 3)), {q: fed}),
                                      np.argwhere(fed > 3))


def test_where_limits_and_three_args():
    with tf.Graph().as_default():
        c = tf.placeholder(tf.bool, [3])
        np.testing.assert_array_equal(session_run(tf.where(c), {c: np.array([True, False, True])}),
                                      [[0], [2]])
        with pytest.raises(tf.errors.InvalidArgumentError, match="Unhandled input dimensions: 0"):
            session_run(tf.where(True))
        with pytest.raises(ValueError, match="x and y must both be non-None or both be None."):
            tf.where([[True]], [1], None)
        out = session_run(tf.where(c, [1, 2, 3], [4, 5, 6]), {c: np.array([True, False, True])})
        np.testing.assert_array_equal(out, [1, 5, 3])
        assert tf.where(tf.constant([True])).op.type == "Where"
