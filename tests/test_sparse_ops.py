"""tf.sparse's ops against NumPy and scipy.sparse references: reorder,
reshape, slice, split, concat, fill_empty_rows, add, the dense products and
reductions, softmax, maximum/minimum, segment reductions, serialization;
their gradients against finite differences, their errors."""

import numpy as np
import pytest
import scipy.sparse

import fastgraph as tf
from fastgraph.ops.sparse_structure_ops import sparse_sample

from .gradient_check import numeric_gradient


def _dense(indices, values, shape):
    out = np.zeros(shape, np.asarray(values).dtype)
    for i, v in zip(np.asarray(indices), values):
        out[tuple(i)] += v
    return out


def _run(fetches, feeds=None):
    with tf.Session() as sess:
        return sess.run(fetches, feeds)


def _sp(shape, n, seed, unsorted=False, dtype=tf.float64):
    ind, val, dense_shape = sparse_sample(dtype, shape, n, seed, unsorted=unsorted)
    return ind, val, dense_shape


def _is_row_major(indices):
    keys = [tuple(i) for i in indices]
    return keys == sorted(keys)


@pytest.mark.parametrize("shape,n", [((4, 5), 8), ((2, 3, 4), 10), ((6,), 3), ((3, 3), 0)])
def test_reorder_sorts_and_keeps_the_dense_tensor(shape, n):
    ind, val, ds = _sp(shape, n, 1, unsorted=True)
    out = _run(tf.sparse.reorder(tf.SparseTensor(ind, val, ds)))
    assert _is_row_major(out.indices)
    np.testing.assert_array_equal(_dense(out.indices, out.values, ds), _dense(ind, val, ds))


def test_reshape_keeps_row_major_positions():
    ind, val, ds = _sp((4, 6), 9, 2)
    out = _run(tf.sparse.reshape(tf.SparseTensor(ind, val, ds), [3, -1, 2]))
    np.testing.assert_array_equal(out.dense_shape, [3, 4, 2])
    np.testing.assert_array_equal(_dense(out.indices, out.values, (3, 4, 2)),
                                  _dense(ind, val, ds).reshape(3, 4, 2))


def test_reshape_of_a_fed_shape_raises_invalid_argument():
    shape = tf.placeholder(tf.int64, [2])
    sp = tf.SparseTensor([[0, 1]], [1.0], shape)
    with pytest.raises(tf.errors.InvalidArgumentError, match="dense values"):
        _run(tf.sparse.reshape(sp, [4, 2]), {shape: [3, 3]})
    with pytest.raises(ValueError, match="Cannot reshape"):
        tf.sparse.reshape(tf.SparseTensor([[0, 1]], [1.0], [3, 3]), [4, 2])


@pytest.mark.parametrize("start,size", [([1, 1], [2, 9]), ([0, 0], [4, 5]), ([3, 4], [5, 5]),
                                        ([9, 0], [1, 1])])
def test_slice_is_numpys_slice(start, size):
    ind, val, ds = _sp((4, 5), 11, 3)
    out = _run(tf.sparse.slice(tf.SparseTensor(ind, val, ds), start, size))
    want = _dense(ind, val, ds)[start[0]:start[0] + size[0], start[1]:start[1] + size[1]]
    np.testing.assert_array_equal(out.dense_shape, want.shape)
    np.testing.assert_array_equal(_dense(out.indices, out.values, want.shape), want)


@pytest.mark.parametrize("axis,num", [(0, 2), (1, 3), (-1, 4), (1, 1)])
def test_split_is_array_split(axis, num):
    ind, val, ds = _sp((5, 7), 14, 4)
    parts = _run(tf.compat.v1.sparse.split(sp_input=tf.SparseTensor(ind, val, ds),
                                           num_split=num, axis=axis))
    want = np.array_split(_dense(ind, val, ds), num, axis=axis)
    assert len(parts) == num
    for got, w in zip(parts, want):
        np.testing.assert_array_equal(got.dense_shape, w.shape)
        np.testing.assert_array_equal(_dense(got.indices, got.values, w.shape), w)


def test_split_refuses_more_pieces_than_the_dim():
    sp = tf.SparseTensor([[0, 1]], [1.0], [3, 3])
    with pytest.raises(tf.errors.InvalidArgumentError, match="num_split"):
        _run(tf.compat.v1.sparse.split(sp_input=sp, num_split=5, axis=1))
    with pytest.raises(ValueError, match="Keyword arguments"):
        tf.sparse.split(sp, 2, 1)


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_concat_is_numpys_concatenate_in_row_major_order(axis):
    parts = [_sp((3, 4), 5, 5), _sp((3, 4), 7, 6), _sp((3, 4), 0, 7)]
    sps = [tf.SparseTensor(*p) for p in parts]
    out = _run(tf.sparse.concat(axis, sps))
    want = np.concatenate([_dense(*p) for p in parts], axis=axis)
    assert _is_row_major(out.indices)
    np.testing.assert_array_equal(out.dense_shape, want.shape)
    np.testing.assert_array_equal(_dense(out.indices, out.values, want.shape), want)


def test_concat_expands_the_other_dims():
    a, b = _sp((2, 3), 3, 8), _sp((3, 2), 4, 9)
    out = _run(tf.sparse_concat(1, [tf.SparseTensor(*a), tf.SparseTensor(*b)],
                                expand_nonconcat_dim=True))
    want = np.zeros((3, 5))
    want[:2, :3] = _dense(*a)
    want[:3, 3:] = _dense(*b)
    np.testing.assert_array_equal(_dense(out.indices, out.values, out.dense_shape), want)


def test_concat_refuses_other_shapes():
    a, b = tf.SparseTensor(*_sp((2, 3), 3, 8)), tf.SparseTensor(*_sp((3, 2), 4, 9))
    with pytest.raises(tf.errors.InvalidArgumentError, match="Input shapes must match"):
        _run(tf.sparse.concat(1, [a, b]))


def test_fill_empty_rows():
    ind = np.array([[2, 1], [0, 1], [2, 0]], np.int64)
    out, empty = _run(tf.sparse.fill_empty_rows(tf.SparseTensor(ind, [1.0, 2.0, 3.0], [5, 3]),
                                                -1.0))
    # Rows in order, each row's entries in input order, one default in each empty row.
    np.testing.assert_array_equal(out.indices, [[0, 1], [1, 0], [2, 1], [2, 0], [3, 0], [4, 0]])
    np.testing.assert_array_equal(out.values, [2, -1, 1, 3, -1, -1])
    np.testing.assert_array_equal(empty, [False, True, False, True, True])


def _grad_check(build, x0, delta=1e-6):
    """The gradient of sum(w * build(x)) at x0 against finite differences."""
    x = tf.placeholder(tf.float64, x0.shape)
    y = build(x)
    rng = np.random.default_rng(0)
    with tf.Session() as sess:
        shape = sess.run(y, {x: x0}).shape
        w = rng.normal(size=shape)
        loss = tf.reduce_sum(y * w)
        got = sess.run(tf.gradients(loss, x)[0], {x: x0})
        want = numeric_gradient(lambda v: float(sess.run(loss, {x: v})), x0, delta)
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-8)


def test_gradients_of_reorder_slice_and_fill_empty_rows():
    ind, val, ds = _sp((4, 5), 9, 10, unsorted=True)
    _grad_check(lambda x: tf.sparse.reorder(tf.SparseTensor(ind, x, ds)).values, val)
    ind, val, ds = _sp((4, 5), 9, 11)
    _grad_check(lambda x: tf.sparse.slice(tf.SparseTensor(ind, x, ds), [1, 1], [2, 3]).values,
                val)
    ind, val, ds = _sp((6, 3), 4, 12, unsorted=True)
    default = np.array(0.5)
    _grad_check(lambda x: tf.sparse.fill_empty_rows(tf.SparseTensor(ind, x, ds), 1.5)[0].values,
                val)
    _grad_check(lambda d: tf.sparse.fill_empty_rows(tf.SparseTensor(ind, val, ds), d)[0].values,
                default)
