"""Reductions, argmax/argmin, scans and the ops composed from them against
TensorFlow: the same graph built in both."""

import numpy as np
import pytest

import fastgraph as fg

from ..samples import random_array
from .parity import assert_same, run_both

tf = pytest.importorskip("tensorflow")

INTS = [np.uint8, np.int8, np.int16, np.int32, np.int64]
FLOATS = [np.float32, np.float64]


REDUCERS = ["reduce_sum", "reduce_mean", "reduce_max", "reduce_min", "reduce_prod"]
CASES = [((3, 4), None), ((3, 4), 0), ((3, 4), -1), ((2, 3, 4), [0, 2]), ((2, 3, 4), [-1, -2]),
         ((2, 3, 4), []), ((1, 4, 1), [0, 2]), ((2, 0, 3), 1), ((2, 0, 3), [0, 2]), ((), None),
         ((5,), 0), ((2, 3, 1, 5), [1, 3])]


@pytest.mark.parametrize("op", REDUCERS)
@pytest.mark.parametrize("shape,axis", CASES, ids=str)
def test_reductions_match_tensorflow(op, shape, axis):
    rng = np.random.default_rng(0)
    xs = [random_array(shape, dtype, rng, lo=-3, hi=3)
          for dtype in [np.float32, np.float64, np.int32, np.int64, np.uint8, np.int8]]
    assert_same(*run_both(lambda api, p: [getattr(api.math, op)(t, axis, keepdims=k)
                                          for t in p for k in (False, True)], xs))


@pytest.mark.parametrize("op", ["reduce_all", "reduce_any"])
@pytest.mark.parametrize("shape,axis", CASES, ids=str)
def test_logical_reductions_match_tensorflow(op, shape, axis):
    x = random_array(shape, np.bool_, np.random.default_rng(1))
    for keepdims in (False, True):
        assert_same(*run_both(lambda api, p: getattr(api.math, op)(p[0], axis, keepdims=keepdims),
                              [x]))


@pytest.mark.parametrize("dtype", INTS)
def test_integer_mean_matches_tensorflow(dtype):
    info = np.iinfo(dtype)
    rng = np.random.default_rng(2)
    x = rng.integers(max(info.min, -2**40), min(info.max, 2**40), size=(5, 7)).astype(dtype)
    for axis in (None, 0, 1):
        assert_same(*run_both(lambda api, p: api.reduce_mean(p[0], axis), [x]))
    # Sums that overflow the element type, and negatives that truncate.
    x = np.full((3, 4), info.max if dtype != np.int64 else 2**40, dtype)
    x[0] = info.min if dtype != np.int64 else -2**40
    assert_same(*run_both(lambda api, p: api.reduce_mean(p[0], 1), [x]))


def test_integer_sum_wraps_like_tensorflow():
    x = np.array([100, 100, 100, -7], np.int8)
    assert_same(*run_both(lambda api, p: api.reduce_sum(p[0]), [x]))


def test_empty_reductions_match_tensorflow():
    for dtype in (np.float32, np.int32):
        x = np.zeros((0, 3), dtype)
        for op in ("reduce_sum", "reduce_max", "reduce_min", "reduce_prod"):
            assert_same(*run_both(lambda api, p: getattr(api.math, op)(p[0], 0), [x]))
    assert_same(*run_both(lambda api, p: api.reduce_mean(p[0], 0), [np.zeros((0, 3), np.int32)]))


def test_nan_reductions_match_tensorflow():
    x = np.array([[1.0, np.nan, 3.0], [4.0, 5.0, -1.0]], np.float32)
    for op in ("reduce_max", "reduce_min", "reduce_sum"):
        for axis in (0, 1):
            assert_same(*run_both(lambda api, p: getattr(api.math, op)(p[0], axis), [x]))


@pytest.mark.parametrize("shape,axis", [((70000, 3), 1), ((3, 70000), 0), ((4, 70000, 2), [0, 2])])
def test_large_reductions_match_tensorflow(shape, axis):
    x = np.random.default_rng(3).normal(size=shape).astype(np.float32)
    for op in ("reduce_sum", "reduce_mean", "reduce_max"):
        assert_same(*run_both(lambda api, p: getattr(api.math, op)(p[0], axis), [x]))


@pytest.mark.parametrize("op", ["argmax", "argmin"])
@pytest.mark.parametrize("shape,axis", [((5,), 0), ((3, 4), 0), ((3, 4), 1), ((2, 3, 4), -1),
                                        ((2, 3, 4), 1), ((1, 1), 0), ((0, 3), 1)], ids=str)
def test_argmax_argmin_match_tensorflow(op, shape, axis):
    rng = np.random.default_rng(4)
    xs = [random_array(shape, dtype, rng, lo=-2, hi=2)  # ties
          for dtype in [np.float32, np.float64, np.int32, np.int64, np.uint8, np.int8, np.int16]]
    assert_same(*run_both(lambda api, p: [getattr(api.math, op)(t, axis, output_type=out)
                                          for t in p for out in ("int64", "int32")], xs))


def test_argmax_nan_matches_tensorflow():
    nan, inf = np.nan, np.inf
    x = np.array([[nan, 1, 3], [1, nan, 3], [nan, nan, nan], [1, 3, nan], [-inf, nan, -inf],
                  [nan, -inf, 2]], np.float32)
    for op in ("argmax", "argmin"):
        assert_same(*run_both(lambda api, p: getattr(api.math, op)(p[0], 1), [x]))


def test_argmax_bool_and_large_match_tensorflow():
    x = np.array([[False, True, True], [False, False, False]])
    assert_same(*run_both(lambda api, p: api.argmax(p[0], 1), [x]))
    x = np.random.default_rng(5).normal(size=(70000, 4)).astype(np.float32)
    assert_same(*run_both(lambda api, p: api.argmin(p[0], 1), [x]))


@pytest.mark.parametrize("op", ["cumsum", "cumprod"])
@pytest.mark.parametrize("shape,axis", [((5,), 0), ((3, 4), 0), ((3, 4), -1), ((2, 3, 4), 1),
                                        ((0, 4), 0), ((3, 0), 1), ((1, 1), 0)], ids=str)
def test_scans_match_tensorflow(op, shape, axis):
    rng = np.random.default_rng(6)
    xs = [random_array(shape, dtype, rng, lo=-3, hi=3)
          for dtype in [np.float32, np.float64, np.int32, np.int64, np.uint8, np.int8, np.int16]]
    assert_same(*run_both(lambda api, p: [getattr(api.math, op)(t, axis, exclusive=e, reverse=r)
                                          for t in p for e in (False, True)
                                          for r in (False, True)], xs))


def test_large_scan_matches_tensorflow():
    x = np.random.default_rng(7).normal(size=(3, 70000)).astype(np.float64)
    assert_same(*run_both(lambda api, p: api.cumsum(p[0], 0, reverse=True), [x]))


@pytest.mark.parametrize("shape,axis", [((3, 4), None), ((3, 4), 1), ((2, 3, 4), [0, 2]),
                                        ((2, 1), []), ((5,), 0), ((), None)], ids=str)
@pytest.mark.parametrize("dtype", FLOATS)
def test_reduce_logsumexp_matches_tensorflow(shape, axis, dtype):
    x = (np.random.default_rng(8).normal(size=shape) * 30).astype(dtype)
    for keepdims in (False, True):
        assert_same(*run_both(lambda api, p: api.reduce_logsumexp(p[0], axis, keepdims=keepdims),
                              [x], static=True))
    x = np.array([[-np.inf, -np.inf], [np.inf, 1.0], [1000.0, 1000.0]], dtype)
    assert_same(*run_both(lambda api, p: api.reduce_logsumexp(p[0], 1), [x], static=True))


@pytest.mark.parametrize("shape,axes", [((4, 3), [0]), ((2, 3, 4), [0, 1]), ((2, 3, 4), [-1]),
                                        ((2, 1), []), ((1, 5, 1), [0, 2])], ids=str)
def test_moments_match_tensorflow(shape, axes):
    rng = np.random.default_rng(9)
    for dtype in (np.float32, np.float64, np.int32):
        x = random_array(shape, dtype, rng)
        for keepdims in (False, True):
            assert_same(*run_both(lambda api, p: api.nn.moments(p[0], axes, keepdims=keepdims), [x],
                                  static=True))


def test_batch_normalization_matches_tensorflow():
    rng = np.random.default_rng(10)
    x = rng.normal(size=(4, 3, 5)).astype(np.float32)
    mean, offset, scale = (rng.normal(size=(5,)).astype(np.float32) for _ in range(3))
    var = rng.random(size=(5,)).astype(np.float32)
    for use_offset in (True, False):
        for use_scale in (True, False):
            assert_same(*run_both(lambda api, p: api.nn.batch_normalization(
                p[0], p[1], p[2], p[3] if use_offset else None, p[4] if use_scale else None,
                1e-3), [x, mean, var, offset, scale]))


@pytest.mark.parametrize("shape,axis", [((3, 4), 1), ((3, 4), 0), ((3, 4), None),
                                        ((2, 3, 4), [1, 2]), ((5,), 0)], ids=str)
def test_l2_normalize_matches_tensorflow(shape, axis):
    x = np.random.default_rng(11).normal(size=shape)
    x[..., 0] = 0
    for dtype in FLOATS:
        assert_same(*run_both(lambda api, p: api.nn.l2_normalize(p[0], axis), [x.astype(dtype)]))
        assert_same(*run_both(lambda api, p: api.nn.l2_normalize(p[0], axis, epsilon=10.0),
                              [x.astype(dtype)]))


def test_build_errors_match_tensorflow():
    for api in (fg, tf):
        with api.Graph().as_default():
            x = api.compat.v1.placeholder(api.float32, [2, 3])
            with pytest.raises(ValueError, match="Invalid reduction dimension"):
                api.reduce_sum(x, 2)
            with pytest.raises(ValueError, match="Invalid reduction dimension"):
                api.reduce_max(x, [-3])
            with pytest.raises(TypeError):
                api.reduce_all(x)
            with pytest.raises(TypeError):
                api.reduce_sum(api.compat.v1.placeholder(api.bool, [2]))
            with pytest.raises(TypeError):
                api.reduce_logsumexp(api.compat.v1.placeholder(api.int32, [2]))
            with pytest.raises(TypeError):
                api.cumsum(api.compat.v1.placeholder(api.bool, [2]))


def test_reduce_over_unknown_rank_matches_tensorflow():
    """axis=None on a tensor of unknown rank: TF reduces over range(0,
    rank(x)); the graph exports, and TF runs fastgraph's GraphDef of it."""
    tf = pytest.importorskip("tensorflow")
    for value in (np.arange(6.0, dtype=np.float32), np.ones((2, 3, 4), np.float32)):
        got = []
        for api in (fg, tf):
            g = api.Graph()
            with g.as_default():
                x = api.compat.v1.placeholder(api.float32, name="x")
                y = api.reduce_sum(x * 2.0, name="y")
                with api.compat.v1.Session(graph=g) as sess:
                    got.append(sess.run(y, {x: value}))
            if api is fg:
                graph_def = g.as_graph_def().SerializeToString()
        assert_same(got[0], got[1])
        with tf.Graph().as_default() as tg:
            gd = tf.compat.v1.GraphDef.FromString(graph_def)
            tf.import_graph_def(gd, name="")
            with tf.compat.v1.Session(graph=tg) as sess:
                np.testing.assert_allclose(sess.run("y:0", {"x:0": value}), got[1], rtol=1e-6)
