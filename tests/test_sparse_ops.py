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


# ---- math --------------------------------------------------------------------


def test_add_of_two_sparse_is_scipys_sum_and_drops_small_sums():
    a, b = _sp((4, 5), 9, 20), _sp((4, 5), 8, 21)
    out = _run(tf.sparse.add(tf.SparseTensor(*a), tf.SparseTensor(*b)))
    want = scipy.sparse.coo_matrix((a[1], tuple(a[0].T)), shape=(4, 5)) + \
        scipy.sparse.coo_matrix((b[1], tuple(b[0].T)), shape=(4, 5))
    assert _is_row_major(out.indices)
    np.testing.assert_allclose(_dense(out.indices, out.values, (4, 5)), want.toarray())
    # Only the entries both operands have are thresholded.
    x = tf.SparseTensor([[0, 0], [0, 1]], [0.1, 2.0], [2, 2])
    y = tf.SparseTensor([[0, 1]], [-1.95], [2, 2])
    out = _run(tf.sparse_add(x, y, thresh=0.2))
    np.testing.assert_array_equal(out.indices, [[0, 0]])
    np.testing.assert_allclose(out.values, [0.1])


def test_add_of_a_dense_tensor_is_dense():
    a = _sp((3, 4), 5, 22)
    d = np.arange(12.0).reshape(3, 4)
    np.testing.assert_allclose(_run(tf.sparse.add(d, tf.SparseTensor(*a))), d + _dense(*a))
    with pytest.raises(tf.errors.InvalidArgumentError, match="no broadcasting"):
        _run(tf.sparse.add(tf.SparseTensor(*a), np.ones((3, 1))))


@pytest.mark.parametrize("adj_a,adj_b", [(False, False), (True, False), (False, True),
                                         (True, True)])
def test_sparse_dense_matmul_is_scipys_product(adj_a, adj_b):
    ind, val, ds = _sp((4, 3), 7, 23)
    a = scipy.sparse.csr_matrix((val, tuple(ind.T)), shape=(4, 3))
    b = np.random.default_rng(1).normal(size=(2, 4 if adj_a else 3))
    b = b if adj_b else b.T
    got = _run(tf.sparse.sparse_dense_matmul(tf.SparseTensor(ind, val, ds), b, adjoint_a=adj_a,
                                             adjoint_b=adj_b))
    want = (a.T if adj_a else a) @ (b.T if adj_b else b)
    np.testing.assert_allclose(got, want, rtol=1e-12)


def test_dense_times_sparse_matmul():
    ind, val, ds = _sp((3, 4), 5, 24)
    d = np.random.default_rng(2).normal(size=(2, 3))
    got = _run(tf.sparse.sparse_dense_matmul(d, tf.SparseTensor(ind, val, ds)))
    np.testing.assert_allclose(got, d @ _dense(ind, val, ds), rtol=1e-12)


def test_matmul_refuses_indices_out_of_bounds():
    sp = tf.SparseTensor([[5, 1], [0, 1]], [1.0, 2.0], [3, 3])
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"m \(5\) from index\[0,0\]"):
        _run(tf.sparse.sparse_dense_matmul(sp, np.ones((3, 2))))


@pytest.mark.parametrize("adj_a,adj_b", [(False, False), (True, True), (False, True)])
def test_matmul_gradients(adj_a, adj_b):
    ind, val, ds = _sp((4, 3), 7, 25)
    b = np.random.default_rng(3).normal(size=(2, 4 if adj_a else 3))
    b = b if adj_b else b.T.copy()
    _grad_check(lambda x: tf.sparse.sparse_dense_matmul(tf.SparseTensor(ind, x, ds), b,
                                                        adjoint_a=adj_a, adjoint_b=adj_b), val)
    _grad_check(lambda x: tf.sparse.sparse_dense_matmul(tf.SparseTensor(ind, val, ds), x,
                                                        adjoint_a=adj_a, adjoint_b=adj_b), b)


@pytest.mark.parametrize("axis,keep", [(None, False), (0, False), (1, True), ([0, 2], False),
                                       (-1, True)])
def test_reduce_sum_and_max(axis, keep):
    ind, val, ds = _sp((3, 4, 2), 11, 26)
    dense = _dense(ind, val, ds)
    present = np.zeros(ds, bool)
    present[tuple(ind.T)] = True
    sp = tf.SparseTensor(ind, val, ds)
    ax = tuple(range(3)) if axis is None else tuple(np.atleast_1d(axis))
    got = _run(tf.sparse.reduce_sum(sp, axis, keepdims=keep))
    np.testing.assert_allclose(got, dense.sum(axis=ax, keepdims=keep))
    # The max of the values present; cells without any are 0.
    masked = np.where(present, dense, -np.inf).max(axis=ax, keepdims=keep)
    got = _run(tf.sparse.reduce_max(sp, axis, keepdims=keep))
    np.testing.assert_allclose(got, np.where(np.isinf(masked), 0, masked))
    out = _run(tf.sparse.reduce_sum_sparse(sp, axis, keepdims=keep))
    np.testing.assert_allclose(_dense(out.indices, out.values, out.dense_shape),
                               dense.sum(axis=ax, keepdims=keep).reshape(out.dense_shape))


def test_reduce_sum_gradient():
    ind, val, ds = _sp((3, 4, 2), 11, 27)
    for axis, keep in ((1, False), ([0, 2], True), (None, False)):
        _grad_check(lambda x: tf.sparse.reduce_sum(tf.SparseTensor(ind, x, ds), axis,
                                                   keepdims=keep), val)


def _softmax_rows(ind, val, ds):
    dense = np.full(ds, -np.inf)
    dense[tuple(ind.T)] = val
    e = np.exp(dense - dense.max(axis=-1, keepdims=True))
    return (e / e.sum(axis=-1, keepdims=True))[tuple(ind.T)]


def test_softmax_over_the_entries_present_and_its_gradient():
    ind, val, ds = _sp((3, 2, 4), 13, 28)
    got = _run(tf.sparse.softmax(tf.SparseTensor(ind, val, ds)).values)
    np.testing.assert_allclose(got, _softmax_rows(ind, val, ds), rtol=1e-12)
    _grad_check(lambda x: tf.sparse.softmax(tf.SparseTensor(ind, x, ds)).values, val)


@pytest.mark.parametrize("fn,np_fn", [(tf.sparse.maximum, np.maximum),
                                      (tf.sparse.minimum, np.minimum)])
def test_maximum_minimum_count_the_implicit_zeros(fn, np_fn):
    a, b = _sp((4, 5), 9, 29), _sp((4, 5), 8, 30)
    out = _run(fn(tf.SparseTensor(*a), tf.SparseTensor(*b)))
    union = np.zeros((4, 5), bool)
    union[tuple(a[0].T)] = union[tuple(b[0].T)] = True
    assert _is_row_major(out.indices)
    np.testing.assert_array_equal(np.argwhere(union), out.indices)
    np.testing.assert_allclose(out.values, np_fn(_dense(*a), _dense(*b))[union])


@pytest.mark.parametrize("dense_shape", [(3, 4), (4,), (3, 1), ()])
def test_cwise_mul_div_broadcast_the_dense_side_and_their_gradients(dense_shape):
    ind, val, ds = _sp((3, 4), 7, 31)
    d = np.random.default_rng(4).uniform(1, 2, size=dense_shape)
    full = np.broadcast_to(d, ds)[tuple(ind.T)]
    sp = tf.SparseTensor(ind, val, ds)
    np.testing.assert_allclose(_run((sp * d).values), val * full)
    np.testing.assert_allclose(_run((sp / d).values), val / full)
    for op in (lambda s, y: s * y, lambda s, y: s / y):
        _grad_check(lambda x: op(tf.SparseTensor(ind, x, ds), d).values, val)
        _grad_check(lambda x: op(sp, x).values, d)


def test_sparse_add_gradient_goes_to_both_operands():
    a, b = _sp((3, 4), 6, 32), _sp((3, 4), 5, 33)
    _grad_check(lambda x: tf.sparse.add(tf.SparseTensor(a[0], x, a[2]),
                                        tf.SparseTensor(*b)).values, a[1])
    _grad_check(lambda x: tf.sparse.add(tf.SparseTensor(*a),
                                        tf.SparseTensor(b[0], x, b[2])).values, b[1])
    _grad_check(lambda x: tf.sparse.add(tf.SparseTensor(a[0], x, a[2]),
                                        np.ones((3, 4))), a[1])


# ---- segments ------------------------------------------------------------------


def _segment_ref(data, indices, ids, n, kind):
    out = np.zeros((n,) + data.shape[1:])
    counts = np.zeros(n)
    for i, s in zip(indices, ids):
        out[s] += data[i]
        counts[s] += 1
    div = {"sum": np.ones(n), "mean": np.maximum(counts, 1),
           "sqrt_n": np.sqrt(np.maximum(counts, 1))}[kind]
    return out / div.reshape((-1,) + (1,) * (data.ndim - 1))


@pytest.mark.parametrize("kind", ["sum", "mean", "sqrt_n"])
@pytest.mark.parametrize("num", [None, 6])
def test_sparse_segment_reductions_and_gradients(kind, num):
    data = np.random.default_rng(5).normal(size=(5, 3))
    indices, ids = np.array([0, 4, 1, 1, 3]), np.array([0, 0, 1, 3, 3])
    fn = getattr(tf.sparse, f"segment_{kind}")
    got = _run(fn(data, indices, ids, num_segments=num))
    np.testing.assert_allclose(got, _segment_ref(data, indices, ids, num or 4, kind), rtol=1e-12)
    _grad_check(lambda x: fn(x, indices, ids, num_segments=num), data)
    root = getattr(tf, f"sparse_segment_{kind}")
    np.testing.assert_allclose(_run(root(data, indices, ids, num_segments=num)), got)


def test_sparse_segment_errors():
    data = np.ones((4, 2))
    with pytest.raises(tf.errors.InvalidArgumentError, match="not increasing"):
        _run(tf.sparse.segment_sum(data, [0, 1], [1, 0]))
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"indices\[1\] == 7 out of range"):
        _run(tf.sparse.segment_sum(data, [0, 7], [0, 0]))
    with pytest.raises(tf.errors.InvalidArgumentError, match="must be < num_segments"):
        _run(tf.sparse.segment_sum(data, [0, 1], [0, 5], num_segments=3))


def test_sparse_to_dense_gradient():
    ind = np.array([[0, 1], [1, 0], [2, 3]])
    _grad_check(lambda x: tf.sparse_to_dense(ind, [3, 4], x, 0.5), np.array([1.0, -2.0, 0.5]))
    _grad_check(lambda d: tf.sparse_to_dense(ind, [3, 4], np.array([1.0, 2.0, 3.0]), d),
                np.array(0.5))
