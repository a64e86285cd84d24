"""Segment reductions against NumPy: sorted ones (rows = last id + 1, empty
segments, TF's errors for unsorted or negative ids) and the unsorted
max/min/prod (empty segments, dropped negative ids), with gradients."""

import numpy as np
import pytest

import fastgraph as tf

from ..gradient_check import check_gradient

DATA = np.array([[1., -2.], [3., 4.], [-5., 6.], [7., 0.5]], np.float32)


def _run(t, feed=None):
    with tf.Session() as s:
        return s.run(t, feed)


@pytest.mark.parametrize("fn, want", [
    ("segment_sum", [[4., 2.], [0., 0.], [2., 6.5]]),
    ("segment_mean", [[2., 1.], [0., 0.], [1., 3.25]]),
    ("segment_max", [[3., 4.], [0., 0.], [7., 6.]]),
    ("segment_min", [[1., -2.], [0., 0.], [-5., 0.5]]),
    ("segment_prod", [[3., -8.], [1., 1.], [-35., 3.]])])
def test_sorted_segments(fn, want):
    ids = tf.placeholder(tf.int32, [None])
    got = _run(getattr(tf.math, fn)(DATA, ids), {ids: [0, 0, 2, 2]})
    np.testing.assert_allclose(got, want)


def test_sorted_segments_check_order_and_sign():
    with pytest.raises(tf.errors.InvalidArgumentError, match="segment ids are not increasing"):
        _run(tf.math.segment_sum(DATA, [0, 2, 1, 3]))
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"Segment id -1 out of range"):
        _run(tf.math.segment_max(DATA, [-1, 0, 1, 1]))


@pytest.mark.parametrize("fn, ufunc, empty", [
    ("unsorted_segment_max", np.maximum, np.finfo(np.float32).min),
    ("unsorted_segment_min", np.minimum, np.finfo(np.float32).max),
    ("unsorted_segment_prod", np.multiply, 1.0)])
def test_unsorted_segments(fn, ufunc, empty):
    ids = np.array([3, -1, 0, 3])
    got = _run(getattr(tf.math, fn)(DATA, ids, 5))
    want = np.full((5, 2), empty, np.float32)
    seen = set()
    for i, r in zip(ids, DATA):
        if i >= 0:
            want[i] = ufunc(want[i], r) if i in seen else r
            seen.add(i)
    np.testing.assert_allclose(got, want)
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"segment_ids\[1\] = 7 is out of"):
        _run(getattr(tf.math, fn)(DATA, [0, 7, 0, 0], 3))


@pytest.mark.parametrize("op", ["SegmentSum", "SegmentMean", "SegmentMax", "SegmentMin",
                                "SegmentProd"])
def test_sorted_segment_gradients(op):
    data = np.random.default_rng(1).normal(size=(5, 2))
    check_gradient(op, [data, np.array([0, 0, 1, 3, 3], np.int32)])


def test_prod_gradient_with_zeros():
    data = np.array([[0., 2.], [3., 0.], [0., 5.], [2., 3.]])
    check_gradient("UnsortedSegmentProd", [data, np.array([0, 0, 0, 1], np.int32)],
                   {"num_segments": 2})
