"""Layout ops against NumPy: transpose, concat, stack, unstack, split, slice,
strided_slice and Tensor.__getitem__, reverse, tile, pad, broadcast_to, over
every dtype, with size-1 and zero-size dims, unknown build-time dims, and
TF's error types and messages."""

import numpy as np
import pytest

import fastgraph as tf
import fastgraph.compiler.plan as plan_module
import fastgraph.session as session_module

from ..compare import assert_close
from ..evaluate import evaluate, static_shape
from ..samples import wide_array

DTYPES = [np.bool_, np.uint8, np.int8, np.int16, np.int32, np.int64, np.float32, np.float64]


def _build_error(fn, *shapes, exc=ValueError, match=None):
    g = tf.Graph()
    with g.as_default():
        phs = [tf.placeholder(tf.float32, s) for s in shapes]
        with pytest.raises(exc, match=match):
            fn(*phs)


def _run_error(fn, *arrays, match=None, unknown=True):
    with pytest.raises(tf.errors.InvalidArgumentError, match=match):
        evaluate(fn, *arrays, unknown=unknown)


# ---- transpose -------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape,perm", [
    ((3, 4), None), ((3, 4), [1, 0]), ((2, 3, 4), [2, 0, 1]), ((2, 3, 4), [0, 2, 1]),
    ((2, 1, 3, 1), [3, 2, 1, 0]), ((5,), None), ((), None), ((2, 0, 3), [2, 1, 0]),
    ((2, 3, 4), [-1, 0, -2]), ((1, 1, 7), [2, 1, 0]), ((2, 3, 2, 3, 2), [4, 2, 0, 3, 1])])
def test_transpose(dtype, shape, perm):
    x = wide_array(shape, dtype)
    assert_close(evaluate(lambda p: tf.transpose(p, perm), x, unknown=True), np.transpose(x, perm),
                 exact=True)


def test_transpose_large_matrix_and_conjugate_arg():
    x = wide_array((257, 300), np.float32)
    assert_close(evaluate(lambda p: tf.transpose(p, conjugate=True), x, unknown=True), x.T,
                 exact=True)


def test_transpose_shapes_and_errors():
    assert static_shape(lambda p: tf.transpose(p), [None, 3, 4]) == (4, 3, None)
    assert static_shape(lambda p: tf.transpose(p, [1, 0]), None) == (None, None)
    assert static_shape(lambda p: tf.transpose(p), None) is None
    _build_error(lambda p: tf.transpose(p, [0, 1, 2]), [2, 3], match="Dimension must be 2 but is 3")
    _build_error(lambda p: tf.transpose(p, [0, 2]), [2, 3],
                 match="perm dim 2 is out of range of input rank 2")
    _run_error(lambda p: tf.transpose(p, [0, 0]), np.zeros((2, 3)), match="1 is missing from")
    _run_error(lambda p: tf.transpose(p, [0, 1, 2]), np.zeros((2, 3)),
               match="Dimension must be 2 but is 3", unknown="rank")


def test_transpose_perm_from_constant_tensor_and_numpy():
    x = wide_array((2, 3, 4), np.int32)
    assert_close(evaluate(lambda p: tf.transpose(p, tf.constant([2, 1, 0])), x, unknown=True),
                 x.transpose(2, 1, 0), exact=True)
    assert_close(evaluate(lambda p: tf.transpose(p, np.array([1, 0, 2])), x, unknown=True),
                 x.transpose(1, 0, 2), exact=True)


def test_dynamic_attribute_tensor_raises_clearly():
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [2, 3])
        perm = tf.placeholder(tf.int32, [2])
        with pytest.raises(NotImplementedError, match="known when the graph is built"):
            tf.transpose(x, perm)


def test_attribute_from_static_shape_is_folded():
    x = wide_array((2, 3), np.float32)
    g = tf.Graph()
    with g.as_default():
        p = tf.placeholder(tf.float32, [2, 3])
        y = tf.tile(p, tf.shape(p))  # shape is static: [2, 3]
        r = tf.reshape(p, [-1])
        z = tf.broadcast_to(r[:3], tf.stack([4, 3]))
        with tf.Session() as sess:
            a, b = sess.run([y, z], {p: x})
    assert_close(a, np.tile(x, [2, 3]), exact=True)
    assert_close(b, np.broadcast_to(x.reshape(-1)[:3], (4, 3)), exact=True)


# ---- concat and stack ------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shapes,axis", [
    ([(2, 3), (4, 3)], 0), ([(2, 3), (2, 5)], 1), ([(2, 3), (2, 5), (2, 1)], -1),
    ([(2, 3, 4), (2, 0, 4), (2, 2, 4)], 1), ([(3,), (0,), (4,)], 0), ([(1, 2), (1, 2)], -2),
    ([(2, 3, 4)], 1), ([(0, 3), (0, 2)], 1)])
def test_concat(dtype, shapes, axis):
    xs = [wide_array(s, dtype, i) for i, s in enumerate(shapes)]
    assert_close(evaluate(lambda *p: tf.concat(list(p), axis), *xs, unknown=True),
                 np.concatenate(xs, axis), exact=True)


def test_concat_many_inputs_and_python_values():
    xs = [wide_array((2, i % 3 + 1), np.int64, i) for i in range(100)]
    assert_close(evaluate(lambda *p: tf.concat(list(p), 1), *xs, unknown=True),
                 np.concatenate(xs, 1), exact=True)
    x = wide_array((2, 2), np.float32)
    assert_close(evaluate(lambda p: tf.concat([p, [[1.0, 2.0]]], 0), x, unknown=True),
                 np.concatenate([x, [[1, 2]]], 0).astype(np.float32), exact=True)


def test_concat_shapes_and_errors():
    assert static_shape(lambda a, b: tf.concat([a, b], 0), [None, 3], [4, None]) == (None, 3)
    assert static_shape(lambda a, b: tf.concat([a, b], 1), [2, 3], [None, 4]) == (2, 7)
    assert static_shape(lambda a, b: tf.concat([a, b], 0), None, [2, 3]) == (None, 3)
    assert static_shape(lambda a, b: tf.concat([a, b], 0), None, None) is None
    _build_error(lambda a, b: tf.concat([a, b], 0), [], [],
                 match=r"Can't concatenate scalars \(use tf.stack instead\)")
    _build_error(lambda a, b: tf.concat([a, b], 0), [2, 3], [2, 3, 4],
                 match="Shape must be rank 2 but is rank 3")
    _build_error(lambda a, b: tf.concat([a, b], 0), [2, 3], [2, 4],
                 match=r"Dimension 0 in both shapes must be equal, but are 3 and 4. "
                       r"Shapes are \[3\] and \[4\].")
    _build_error(lambda a, b: tf.concat([a, b], 2), [2, 3], [2, 4],
                 match="Shape must be at least rank 3 but is rank 2")
    _build_error(lambda a, b: tf.concat([a, b], -3), [2, 3], [2, 4],
                 match="Shape must be at least rank 3 but is rank 2")
    g = tf.Graph()
    with g.as_default():
        with pytest.raises(TypeError, match="don't all match"):
            tf.concat([tf.placeholder(tf.float32, [2]), tf.placeholder(tf.int32, [2])], 0)
    _run_error(lambda a, b: tf.concat([a, b], 1), np.zeros((5, 3)), np.zeros((4, 4)),
               match=r"ConcatOp : Dimension 0 in both shapes must be equal: shape\[0\] = "
                     r"\[5,3\] vs. shape\[1\] = \[4,4\]")


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape,axis,n", [((2, 3), 0, 3), ((2, 3), 1, 2), ((2, 3), -1, 4),
                                          ((), 0, 3), ((0, 2), 1, 2), ((4,), -2, 1),
                                          ((2, 1, 3), 2, 3)])
def test_stack(dtype, shape, axis, n):
    xs = [wide_array(shape, dtype, i) for i in range(n)]
    assert_close(evaluate(lambda *p: tf.stack(list(p), axis), *xs, unknown=True),
                 np.stack(xs, axis), exact=True)


def test_stack_python_values_shapes_and_errors():
    g = tf.Graph()
    with g.as_default():
        c = tf.stack([[1, 2], [3, 4]], axis=1)
        with tf.Session() as sess:
            assert_close(sess.run(c), np.array([[1, 3], [2, 4]], np.int32), exact=True)
    assert static_shape(lambda a, b: tf.stack([a, b], 1), [None, 3], [2, None]) == (2, 2, 3)
    _build_error(lambda a, b: tf.stack([a, b]), [2, 3], [2, 4],
                 match=r"Dimension 1 in both shapes must be equal, but are 3 and 4")
    _build_error(lambda a, b: tf.stack([a, b], axis=3), [2, 3], [2, 3],
                 match=r"Argument `axis` = 3 not in range \[-3, 3\)")
    _run_error(lambda a, b: tf.stack([a, b]), np.zeros(5), np.zeros(4),
               match=r"Shapes of all inputs must match: values\[0\].shape = \[5\] != "
                     r"values\[1\].shape = \[4\]")


# ---- unstack and split -----------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape,axis", [((3, 4), 0), ((3, 4), 1), ((3, 4), -1), ((2, 3, 4), 1),
                                        ((1,), 0), ((3, 0), 0), ((2, 1, 5), -3)])
def test_unstack(dtype, shape, axis):
    x = wide_array(shape, dtype)
    g = tf.Graph()
    with g.as_default():
        p = tf.placeholder(tf.as_dtype(x.dtype), [d if i == axis % x.ndim else None
                                                  for i, d in enumerate(shape)])
        outs = tf.unstack(p, axis=axis)
        with tf.Session() as sess:
            got = sess.run(outs, {p: x})
    assert_close(got, [np.take(x, i, axis) for i in range(shape[axis])], exact=True)


def test_unstack_errors():
    _build_error(lambda p: tf.unstack(p), [None, 3], match=r"Cannot infer argument `num` from "
                                                          r"shape \(None, 3\)")
    _build_error(lambda p: tf.unstack(p, num=3), [2, 3], match="Dimension must be 3 but is 2")
    _build_error(lambda p: tf.unstack(p, axis=2), [2, 3],
                 match=r"Argument `axis` = 2 not in range \[-2, 2\)")
    _build_error(lambda p: tf.unstack(p), [], match=r"not in range \[0, 0\)")
    _run_error(lambda p: tf.unstack(p, num=3), np.zeros((5, 3)),
               match=r"Input shape axis 0 must equal 3, got shape \[5,3\]")
    assert static_shape(lambda p: tf.unstack(p, num=2), None) == [None, None]
    assert static_shape(lambda p: tf.unstack(p, axis=1), [None, 2]) == [(None,), (None,)]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape,splits,axis", [
    ((6, 4), 3, 0), ((6, 4), 2, 1), ((6, 4), [1, 2, 3], 0), ((6, 4), [1, -1], -1),
    ((2, 5, 3), [0, 5, 0], 1), ((2, 5, 3), [2, -1, 1], 1), ((0, 4), 2, 1), ((4,), 1, 0),
    ((2, 6, 2), np.array([4, 2]), -2)])
def test_split(dtype, shape, splits, axis):
    x = wide_array(shape, dtype)
    sizes = splits if not isinstance(splits, int) else [shape[axis] // splits] * splits
    sizes = list(sizes)
    if -1 in sizes:
        sizes[sizes.index(-1)] = shape[axis] - sum(s for s in sizes if s != -1)
    expected = np.split(x, np.cumsum(sizes)[:-1], axis=axis)
    assert_close(evaluate(lambda p: tf.split(p, splits, axis=axis), x, unknown=True), expected,
                 exact=True)


def test_split_shapes_and_errors():
    assert static_shape(lambda p: tf.split(p, 2, axis=1), [None, 4]) == [(None, 2)] * 2
    assert static_shape(lambda p: tf.split(p, [1, -1]), [None, 4]) == [(1, 4), (None, 4)]
    assert static_shape(lambda p: tf.split(p, [1, -1]), [5, 4]) == [(1, 4), (4, 4)]
    _build_error(lambda p: tf.split(p, 2), [5, 3],
                 match="Dimension size must be evenly divisible by 2 but is 5")
    _build_error(lambda p: tf.split(p, [2, 2]), [5, 3],
                 match=r"can't split axis of size 5 into pieces of size \[2,2\]")
    _build_error(lambda p: tf.split(p, [2, -1, -1]), [5, 3],
                 match="size_splits can only have one -1")
    _build_error(lambda p: tf.split(p, [2, -2, 5]), [5, 3],
                 match="Split size at index 1 must be >= 0. Got: -2")
    _build_error(lambda p: tf.split(p, [2, -1, 5]), [5, 3],
                 match="Split size at index 1 must be >= 0. Got: -2")
    _build_error(lambda p: tf.split(p, 2, axis=2), [5, 3],
                 match=r"Dimension size, given by scalar input 2 must be in range \[-2, 2\)")
    _build_error(lambda p: tf.split(p, 0), [5, 3], match="less than minimum 1")
    _run_error(lambda p: tf.split(p, 2), np.zeros((5, 3)),
               match=r"Number of ways to split should evenly divide the split dimension, but "
                     r"got split_dim 0 \(size = 5\) and num_split 2")
    _run_error(lambda p: tf.split(p, [2, 2]), np.zeros((5, 3)),
               match="Determined shape must either match input shape along split_dim exactly")


# ---- slice -----------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape,begin,size", [
    ((5, 4), [1, 0], [2, 4]), ((5, 4), [0, 1], [-1, -1]), ((5, 4), [4, 3], [1, 1]),
    ((5, 4), [2, 2], [0, 2]), ((2, 3, 4), [1, 1, 1], [1, 2, -1]), ((7,), [3], [-1]),
    ((), [], []), ((3, 0), [1, 0], [2, 0])])
def test_slice(dtype, shape, begin, size):
    x = wide_array(shape, dtype)
    idx = tuple(slice(b, None if n == -1 else b + n) for b, n in zip(begin, size))
    assert_close(evaluate(lambda p: tf.slice(p, begin, size), x, unknown=True), x[idx], exact=True)


def test_slice_shapes_and_errors():
    assert static_shape(lambda p: tf.slice(p, [1, 0], [2, -1]), [None, 4]) == (2, 4)
    assert static_shape(lambda p: tf.slice(p, [1, 0], [-1, -1]), [None, 4]) == (None, 4)
    assert static_shape(lambda p: tf.slice(p, [1, 0], [2, -1]), None) == (None, None)
    _build_error(lambda p: tf.slice(p, [4], [2]), [5, 3],
                 match="Shape must be rank 1 but is rank 2")
    _build_error(lambda p: tf.slice(p, [1, 0], [-2, 1]), [5, 3],
                 match="Invalid value in tensor used for shape: -2")
    _run_error(lambda p: tf.slice(p, [4, 0], [2, -1]), np.zeros((5, 3)),
               match=r"Expected size\[0\] in \[0, 1\], but got 2")
    _run_error(lambda p: tf.slice(p, [-1, 0], [1, 1]), np.zeros((5, 3)),
               match=r"Expected begin\[0\] in \[0, 5\], but got -1")


# ---- strided_slice and __getitem__ -----------------------------------------------------

class _Index:
    def __getitem__(self, item):
        return item


I = _Index()

GETITEM_CASES = [
    I[1], I[-1], I[1:3], I[::2], I[::-1], I[-2::-2], I[1:, :2], I[..., 1], I[..., ::-1],
    I[None], I[:, None], I[..., None], I[1, None, ::-1], I[:, 1:-1:2, None, ...],
    I[-3:-1], I[5:1:-1], I[100:], I[:-100], I[1, 2], I[None, ..., None, 0],
    I[..., 0, :], I[::3, ::-2], I[2:2], I[-1, -1, -1], I[:, :, 1:3], I[tf.newaxis, 1:, ...],
    I[0:4:5], I[-100:100], I[3:-4:-1],
]


@pytest.mark.parametrize("key", GETITEM_CASES, ids=[repr(k) for k in GETITEM_CASES])
def test_getitem_matches_numpy(key):
    x = wide_array((4, 5, 6), np.float32)
    assert_close(evaluate(lambda p: p[key], x, unknown=True), x[key], exact=True)
    assert_close(evaluate(lambda p: p[key], x, unknown=False), x[key], exact=True)


@pytest.mark.parametrize("dtype", DTYPES)
def test_getitem_dtypes(dtype):
    x = wide_array((3, 4, 2), dtype)
    assert_close(evaluate(lambda p: p[1:, ::-2, 0], x, unknown=True), x[1:, ::-2, 0], exact=True)


def test_getitem_scalar_tensor_index_and_zero_size():
    x = wide_array((4, 3), np.int64)
    assert_close(evaluate(lambda p: p[tf.constant(2)], x, unknown=True), x[2], exact=True)
    assert_close(evaluate(lambda p: p[tf.constant(1):], x, unknown=True), x[1:], exact=True)
    e = np.zeros((0, 3), np.float32)
    assert_close(evaluate(lambda p: p[:, ::-1], e, unknown=True), e[:, ::-1], exact=True)
    s = np.array(3.5, np.float32)
    assert_close(evaluate(lambda p: p[None], s, unknown=True), s[None], exact=True)
    assert_close(evaluate(lambda p: p[...], s, unknown=True), s[...], exact=True)


def test_getitem_static_shapes():
    g = tf.Graph()
    with g.as_default():
        p = tf.placeholder(tf.float32, [None, 5, 6])
        assert p[0].shape.as_tuple() == (5, 6)
        assert p[:, 1:4].shape.as_tuple() == (None, 3, 6)
        assert p[..., None, ::2].shape.as_tuple() == (None, 5, 1, 3)
        assert p[1:3].shape.as_tuple() == (None, 5, 6)
        q = tf.placeholder(tf.float32, None)
        assert q[1:3].shape.as_tuple() is None


def test_getitem_errors():
    _build_error(lambda p: p[7], [5, 3], match="slice index 7 of dimension 0 out of bounds.")
    _build_error(lambda p: p[-6], [5, 3], match="slice index -1 of dimension 0 out of bounds.")
    _build_error(lambda p: p[::0], [5, 3], match=r"strides\[0\] must be non-zero")
    _build_error(lambda p: p[1, 2, 3], [5, 3],
                 match="Index out of range using input dim 2; input has only 2 dims")
    _build_error(lambda p: p[..., ...], [5, 3], match="Multiple ellipses in slice spec not allowed")
    _build_error(lambda p: p[1.0], [5, 3], exc=TypeError, match="are valid indices, got 1.0")
    _run_error(lambda p: p[7], np.zeros((5, 3)),
               match="slice index 7 of dimension 0 out of bounds.")
    g = tf.Graph()
    with g.as_default():
        p = tf.placeholder(tf.float32, [5, 3])
        i = tf.placeholder(tf.int32, [])
        y = p[i]  # an index known only from a fed value: compiled for that value
        big = tf.placeholder(tf.int32, [None])
        z = p[big[0]]  # ... but not for a feed too big to key plans by
        data = np.arange(15, dtype=np.float32).reshape(5, 3)
        with tf.Session() as sess:
            np.testing.assert_array_equal(sess.run(y, {p: data, i: 1}), data[1])
            np.testing.assert_array_equal(sess.run(y, {p: data, i: 4}), data[4])
            with pytest.raises(tf.errors.InvalidArgumentError, match="depends on a fed value"):
                sess.run(z, {p: data, big: np.zeros(1000, np.int32)})


@pytest.mark.parametrize("dtype", [np.bool_, np.int16, np.float64])
def test_strided_slice_masks(dtype):
    x = wide_array((4, 5, 6), dtype)
    cases = [
        (dict(begin=[1, 0], end=[3, 0], strides=[1, 1], end_mask=2), x[1:3, :]),
        (dict(begin=[0, 2], end=[0, 0], strides=[1, -1], begin_mask=1, end_mask=3), x[:, 2::-1]),
        (dict(begin=[0, 1], end=[0, 2], strides=[1, 1], ellipsis_mask=1), x[..., 1:2]),
        (dict(begin=[0, 1], end=[0, 2], strides=[1, 1], new_axis_mask=1, shrink_axis_mask=2),
         x[None, 1]),
        (dict(begin=[-1, 0, 1], end=[0, 0, 5], strides=[1, 1, 2], shrink_axis_mask=1,
              ellipsis_mask=2), x[-1, ..., 1:5:2]),
        (dict(begin=[1], end=[2], strides=[3], shrink_axis_mask=1), x[1]),
    ]
    for kw, expected in cases:
        assert_close(evaluate(lambda p: tf.strided_slice(p, **kw), x, unknown=True), expected,
                     exact=True)


def test_random_getitem_against_numpy():
    rng = np.random.default_rng(7)
    x = wide_array((3, 4, 5, 2), np.int32)

    def one():
        parts, dims = [], 0
        used_ellipsis = False
        for _ in range(rng.integers(0, 6)):
            kind = rng.integers(0, 6)
            if kind == 0 and not used_ellipsis:
                parts.append(Ellipsis)
                used_ellipsis = True
            elif kind == 1:
                parts.append(None)
            elif dims < 4:
                dims += 1
                if kind == 2:
                    parts.append(int(rng.integers(-2, 2)))
                else:
                    vals = [None if rng.random() < 0.3 else int(rng.integers(-6, 7))
                            for _ in range(2)]
                    step = None if rng.random() < 0.3 else int(rng.choice([-3, -2, -1, 1, 2, 3]))
                    parts.append(slice(vals[0], vals[1], step))
        return tuple(parts)

    keys = [one() for _ in range(60)]
    g = tf.Graph()
    with g.as_default():
        p = tf.placeholder(tf.int32, [None, 4, None, 2])
        outs = [p[k] for k in keys]
        with tf.Session() as sess:
            got = sess.run(outs, {p: x})
    for k, out in zip(keys, got):
        assert_close(out, x[k], exact=True)


# ---- reverse ---------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape,axis", [((5,), [0]), ((3, 4), [1]), ((3, 4), [0, 1]),
                                        ((2, 3, 4), [-1, 0]), ((2, 3, 4), []), ((2, 0, 3), [1]),
                                        ((1, 4, 1), [0, 2])])
def test_reverse(dtype, shape, axis):
    x = wide_array(shape, dtype)
    assert_close(evaluate(lambda p: tf.reverse(p, axis), x, unknown=True),
                 np.flip(x, tuple(axis)) if axis else x, exact=True)


def test_reverse_errors():
    _build_error(lambda p: tf.reverse(p, [0, 0]), [5, 3], match="axis 0 specified more than once.")
    _build_error(lambda p: tf.reverse(p, [0, -2]), [5, 3],
                 match="axis 0 specified more than once.")
    _build_error(lambda p: tf.reverse(p, [2]), [5, 3],
                 match=r"'axis'\[0\] = 2 is out of valid range \[0, 1")
    assert static_shape(lambda p: tf.reverse(p, [0]), [None, 3]) == (None, 3)


# ---- tile ------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape,mult", [((2, 3), [1, 1]), ((2, 3), [2, 3]), ((3,), [4]),
                                        ((2, 1, 3), [1, 5, 2]), ((2, 3), [0, 2]), ((0, 3), [2, 2]),
                                        ((), []), ((1, 1), [3, 4])])
def test_tile(dtype, shape, mult):
    x = wide_array(shape, dtype)
    assert_close(evaluate(lambda p: tf.tile(p, mult), x, unknown=True),
                 np.tile(x, mult) if shape else x, exact=True)


def test_tile_shapes_and_errors():
    assert static_shape(lambda p: tf.tile(p, [2, 3]), [None, 4]) == (None, 12)
    assert static_shape(lambda p: tf.tile(p, [2, 3]), None) == (None, None)
    _build_error(lambda p: tf.tile(p, [1]), [5, 3], match="Shape must be rank 2 but is rank 1")
    _run_error(lambda p: tf.tile(p, [1, -1]), np.zeros((5, 3)),
               match=r"Expected multiples\[1\] >= 0, but got -1")


# ---- pad -------------------------------------------------------------------------------

PAD_CASES = [((3, 4), [[1, 2], [0, 3]]), ((2, 3, 4), [[1, 1], [2, 2], [3, 3]]), ((5,), [[4, 4]]),
             ((2, 3), [[0, 0], [0, 0]]), ((1, 3), [[0, 0], [2, 1]]), ((4, 1), [[1, 2], [0, 0]])]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape,paddings", PAD_CASES + [((0, 3), [[1, 1], [1, 0]]), ((), [])])
def test_pad_constant(dtype, shape, paddings):
    x = wide_array(shape, dtype)
    cv = np.asarray(1 if dtype == np.bool_ else 7, dtype)
    assert_close(evaluate(lambda p: tf.pad(p, paddings, constant_values=cv), x, unknown=True),
                 np.pad(x, paddings, constant_values=cv) if shape else x, exact=True)
    assert_close(evaluate(lambda p: tf.pad(p, paddings), x, unknown=True),
                 np.pad(x, paddings) if shape else x, exact=True)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("mode", ["REFLECT", "SYMMETRIC", "reflect", "Symmetric"])
@pytest.mark.parametrize("shape,paddings", PAD_CASES)
def test_pad_mirror(dtype, mode, shape, paddings):
    if mode.upper() == "REFLECT":
        paddings = [[min(a, d - 1), min(b, d - 1)] for (a, b), d in zip(paddings, shape)]
    else:
        paddings = [[min(a, d), min(b, d)] for (a, b), d in zip(paddings, shape)]
    x = wide_array(shape, dtype)
    assert_close(evaluate(lambda p: tf.pad(p, paddings, mode), x, unknown=True),
                 np.pad(x, paddings, mode.lower()), exact=True)


def test_pad_constant_values_tensor():
    x = wide_array((2, 3), np.float32)
    g = tf.Graph()
    with g.as_default():
        p = tf.placeholder(tf.float32, [None, 3])
        c = tf.placeholder(tf.float32, [])
        y = tf.pad(p, [[1, 0], [1, 1]], constant_values=c)
        assert y.shape.as_tuple() == (None, 5)
        with tf.Session() as sess:
            assert_close(sess.run(y, {p: x, c: -2.5}),
                         np.pad(x, [[1, 0], [1, 1]], constant_values=-2.5), exact=True)


def test_pad_errors():
    _build_error(lambda p: tf.pad(p, [[-1, 0], [0, 0]]), [5, 3],
                 match="Paddings must be non-negative")
    _build_error(lambda p: tf.pad(p, [[1, 0]]), [5, 3], match="Shape must be rank 1 but is rank 2")
    _build_error(lambda p: tf.pad(p, [[1, 0], [0, 0]], "FOO"), [5, 3],
                 match="Value of argument `mode` expected to be one of")
    g = tf.Graph()
    with g.as_default():
        with pytest.raises(TypeError):
            tf.pad(tf.placeholder(tf.int32, [2]), [[1, 1]], constant_values=1.5)
    _run_error(lambda p: tf.pad(p, [[5, 0], [0, 0]], "REFLECT"), np.zeros((5, 3)),
               match="paddings must be less than the dimension size: 5, 0 not less than 5")
    _run_error(lambda p: tf.pad(p, [[6, 0], [0, 0]], "SYMMETRIC"), np.zeros((5, 3)),
               match="paddings must be no greater than the dimension size: 6, 0 greater than 5")


# ---- broadcast_to ----------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape,target", [((3,), (4, 3)), ((1, 3), (5, 3)), ((2, 1), (2, 4)),
                                          ((), (2, 3)), ((1, 3), (0, 3)), ((2, 3), (2, 3)),
                                          ((1, 1, 1), (2, 3, 4)), ((4, 1, 2), (3, 4, 5, 2))])
def test_broadcast_to(dtype, shape, target):
    x = wide_array(shape, dtype)
    assert_close(evaluate(lambda p: tf.broadcast_to(p, target), x, unknown=True),
                 np.broadcast_to(x, target), exact=True)


def test_broadcast_to_errors():
    assert static_shape(lambda p: tf.broadcast_to(p, [4, 3]), [None, 3]) == (4, 3)
    _build_error(lambda p: tf.broadcast_to(p, [4, 3]), [5, 3],
                 match="Dimensions must be equal, but are 5 and 4")
    _build_error(lambda p: tf.broadcast_to(p, [3]), [5, 3],
                 match="Shape must be at most rank 1 but is rank 2")
    _run_error(lambda p: tf.broadcast_to(p, [4, 3]), np.zeros((5, 3)),
               match=r"Incompatible shapes: \[5,3\] vs. \[4,3\]")


# ---- every kernel split into many shares -----------------------------------------------

def test_kernels_split_into_parts(monkeypatch):
    """Each parallel kernel run as 7 shares that cut rows anywhere gives the same bytes."""
    monkeypatch.setattr(plan_module, "PARALLEL_GRAIN", 1)
    monkeypatch.setattr(session_module, "threads", lambda: 7)
    x = wide_array((5, 7, 3), np.int16)
    b = wide_array((5, 2, 3), np.int16, 1)
    cases = [
        (lambda p, q: tf.transpose(p, [2, 0, 1]), x.transpose(2, 0, 1)),
        (lambda p, q: tf.concat([p, q], 1), np.concatenate([x, b], 1)),
        (lambda p, q: tf.stack([p, p], 2), np.stack([x, x], 2)),
        (lambda p, q: tf.split(p, [3, 4], 1), np.split(x, [3], 1)),
        (lambda p, q: tf.unstack(p, num=3, axis=2), [x[:, :, i] for i in range(3)]),
        (lambda p, q: p[::-2, 1:6, ::-1], x[::-2, 1:6, ::-1]),
        (lambda p, q: tf.tile(q, [2, 3, 1]), np.tile(b, [2, 3, 1])),
        (lambda p, q: tf.pad(p, [[1, 2], [0, 1], [2, 0]], constant_values=9),
         np.pad(x, [[1, 2], [0, 1], [2, 0]], constant_values=9)),
        (lambda p, q: tf.pad(p, [[1, 2], [3, 1], [2, 2]], "REFLECT"),
         np.pad(x, [[1, 2], [3, 1], [2, 2]], "reflect")),
        (lambda p, q: tf.broadcast_to(q[:, :1], [4, 5, 1, 3]),
         np.broadcast_to(b[:, :1], (4, 5, 1, 3))),
    ]
    for fn, expected in cases:
        assert_close(evaluate(fn, x, b, unknown=True), expected, exact=True)


def test_large_copies_match_numpy():
    x = wide_array((300, 257), np.float32)
    assert_close(evaluate(lambda p: tf.concat([p, p[:, ::-1]], 0)[::3, 5:], x, unknown=True),
                 np.concatenate([x, x[:, ::-1]], 0)[::3, 5:], exact=True)
    assert_close(evaluate(lambda p: tf.pad(p, [[3, 3], [4, 4]], "SYMMETRIC"), x, unknown=True),
                 np.pad(x, [[3, 3], [4, 4]], "symmetric"), exact=True)


def test_reference_functions_match_kernels():
    """The registry's NumPy references (the constant folder) agree with the kernels."""
    x = np.arange(24, dtype=np.int32).reshape(2, 3, 4)
    g = tf.Graph()
    with g.as_default():
        c = tf.constant(x)
        p = tf.placeholder(tf.int32, [2, 3, 4])
        builders = [lambda t: tf.transpose(t, [1, 2, 0]), lambda t: tf.concat([t, t], 1),
                    lambda t: tf.stack([t, t], -1), lambda t: tf.split(t, [1, 3], 2)[1],
                    lambda t: tf.unstack(t, axis=1)[2],
                    lambda t: tf.slice(t, [1, 0, 1], [1, 2, -1]),
                    lambda t: t[..., ::-2, None], lambda t: tf.reverse(t, [1]),
                    lambda t: tf.tile(t, [1, 2, 1]), lambda t: tf.pad(t, [[0, 1], [1, 1], [2, 0]]),
                    lambda t: tf.pad(t, [[1, 1], [2, 1], [3, 3]], "REFLECT"),
                    lambda t: tf.broadcast_to(t[:, :1], [3, 2, 2, 4])]
        folded = [b(c) for b in builders]
        run = [b(p) for b in builders]
        with tf.Session() as sess:
            a = sess.run(folded)
            k = sess.run(run, {p: x})
    for u, v in zip(a, k):
        assert_close(u, v, exact=True)


def test_ops_are_exported():
    for name in ["transpose", "concat", "stack", "unstack", "split", "slice", "strided_slice",
                 "reverse", "tile", "pad", "broadcast_to"]:
        assert callable(getattr(tf, name))
        assert callable(getattr(tf.compat.v1, name))


@pytest.mark.parametrize("parts", [1, 3, 7])
@pytest.mark.parametrize("dtype", [np.uint8, np.int16, np.float32, np.float64])
def test_blocked_transpose_paths(monkeypatch, parts, dtype):
    """Transposes big enough for the tiled path, batched, reversed, split into shares."""
    monkeypatch.setattr(plan_module, "PARALLEL_GRAIN", 1)
    monkeypatch.setattr(session_module, "threads", lambda: parts)
    x = wide_array((3, 19, 41), dtype)
    assert_close(evaluate(lambda p: tf.transpose(p, [0, 2, 1]), x, unknown=True),
                 x.transpose(0, 2, 1), exact=True)
    assert_close(evaluate(lambda p: tf.transpose(p)[:, ::-1], x, unknown=True), x.T[:, ::-1],
                 exact=True)
    assert_close(evaluate(lambda p: tf.transpose(p[:, ::-1, 1:], [2, 0, 1]), x, unknown=True),
                 x[:, ::-1, 1:].transpose(2, 0, 1), exact=True)


def test_arguments_that_follow_from_fed_shapes():
    """Indices, sizes and multiples computed from tf.shape of a fed tensor
    are known once the plan is compiled for the fed shapes."""
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [None, 4, 2])
        n = tf.shape(x)[0]
        outs = {
            "reshape": tf.reshape(x, [n, -1]),
            "zeros": tf.zeros([n, 3]),
            "tile": tf.tile(x[:, :1, :], [1, tf.shape(x)[1], 1]),
            "slice": tf.slice(x, [0, 0, 0], [n, 2, 2]),
            "getitem": x[n - 1],
            "getitem_range": x[1:n, :tf.shape(x)[2] - 1],
            "broadcast_to": tf.broadcast_to(x[:, :1], tf.shape(x)),
        }
        assert outs["tile"].shape.rank is None or outs["tile"].shape.rank == 3
        with tf.Session() as sess:
            for rows in (3, 5):
                xv = np.arange(rows * 8, dtype=np.float32).reshape(rows, 4, 2)
                got = sess.run(outs, {x: xv})
                np.testing.assert_array_equal(got["reshape"], xv.reshape(rows, -1))
                np.testing.assert_array_equal(got["zeros"], np.zeros((rows, 3)))
                np.testing.assert_array_equal(got["tile"], np.tile(xv[:, :1], (1, 4, 1)))
                np.testing.assert_array_equal(got["slice"], xv[:, :2, :2])
                np.testing.assert_array_equal(got["getitem"], xv[rows - 1])
                np.testing.assert_array_equal(got["getitem_range"], xv[1:rows, :1])
                np.testing.assert_array_equal(got["broadcast_to"],
                                              np.broadcast_to(xv[:, :1], xv.shape))


def test_paddings_that_follow_from_fed_shapes():
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [None, None])
        extra = (8 - tf.shape(x)[1] % 8) % 8  # pad the width to a multiple of 8
        y = tf.pad(x, [[0, 0], [0, extra]], constant_values=-1.0)
        z = tf.pad(x, [[1, 1], [0, extra]], mode="SYMMETRIC")
        with tf.Session() as sess:
            for w in (5, 8, 13):
                v = np.arange(2 * w, dtype=np.float32).reshape(2, w)
                pr = (8 - w % 8) % 8
                got_y, got_z = sess.run([y, z], {x: v})
                np.testing.assert_array_equal(got_y, np.pad(v, [(0, 0), (0, pr)],
                                                             constant_values=-1))
                np.testing.assert_array_equal(got_z, np.pad(v, [(1, 1), (0, pr)],
                                                             mode="symmetric"))
