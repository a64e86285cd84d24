"""Indexing and filling ops against TensorFlow: the same graph built in both."""

import numpy as np
import pytest

import fastgraph as fg

from .parity import assert_same, fail_both, run_both

tf = pytest.importorskip("tensorflow")


@pytest.mark.parametrize("dtype", [np.float32, np.int32, np.int64, np.bool_, np.uint8])
@pytest.mark.parametrize("axis", [0, 1, -1])
def test_gather(dtype, axis):
    rng = np.random.default_rng(0)
    params = (rng.normal(size=(4, 3, 5)) * 10).astype(dtype)
    dim = params.shape[axis]
    idx = [rng.integers(0, dim, size=shape).astype(itype)
           for shape in [(), (3,), (2, 2)] for itype in (np.int32, np.int64)]
    assert_same(*run_both(lambda api, p: [api.gather(p[0], i, axis=axis) for i in p[1:]],
                          [params] + idx), exact=True)


@pytest.mark.parametrize("indices", [[0, 7], [[0, 1], [2, 7]], [-1]])
def test_gather_out_of_range_message(indices):
    params = np.arange(5, dtype=np.float32)
    idx = np.asarray(indices, np.int32)
    ours, theirs = fail_both(lambda api, p: api.gather(p[0], p[1]), [params, idx])
    assert ours.splitlines()[0] in theirs


@pytest.mark.parametrize("pshape,indices", [((3, 4), [[1, 2], [0, 0]]), ((3, 4), [[2], [0]]),
                                            ((2, 3, 4), [[[1, 2], [0, 1]]]), ((3, 4), [1, 3]),
                                            ((2, 3), np.zeros((2, 0), np.int32))], ids=str)
def test_gather_nd(pshape, indices):
    params = np.arange(np.prod(pshape), dtype=np.float32).reshape(pshape)
    for itype in (np.int32, np.int64):
        assert_same(*run_both(lambda api, p: api.gather_nd(p[0], p[1]),
                              [params, np.asarray(indices, itype)]), exact=True)


@pytest.mark.parametrize("indices", [[[0, 1], [1, 7]], [7], [[[0, 1], [-1, 0]]]])
def test_gather_nd_out_of_range_message(indices):
    params = np.zeros((2, 2), np.float32)
    ours, theirs = fail_both(lambda api, p: api.gather_nd(p[0], p[1]),
                             [params, np.asarray(indices, np.int32)])
    assert ours.splitlines()[0] in theirs


@pytest.mark.parametrize("axis", [-1, 0, 1, 2])
@pytest.mark.parametrize("itype", [np.uint8, np.int8, np.int32, np.int64])
def test_one_hot(axis, itype):
    indices = np.array([[0, 2, 5], [1, 3, 0]], itype)  # 5 is out of range: all off
    if itype is not np.uint8:
        indices[1, 1] = -1
    assert_same(*run_both(lambda api, p: api.one_hot(p[0], 4, axis=axis), [indices]), exact=True)
    assert_same(*run_both(lambda api, p: api.one_hot(p[0], 4, on_value=p[1], off_value=p[2],
                                                     axis=axis),
                          [indices, np.array(3, np.int64), np.array(-1, np.int64)]), exact=True)
    assert_same(*run_both(lambda api, p: api.one_hot(p[0], 3, on_value=2.5, dtype=api.float64),
                          [indices]), exact=True)


@pytest.mark.parametrize("value", [np.float32(1.5), np.int32(-3), np.int64(2**40), np.bool_(True),
                                   np.uint8(200), np.float64(0.25)])
def test_fill(value):
    assert_same(*run_both(lambda api, p: api.fill([2, 3], p[0]), [np.asarray(value)]), exact=True)
    assert_same(*run_both(lambda api, p: api.fill([], p[0]), [np.asarray(value)]), exact=True)


@pytest.mark.parametrize("dtype", ["float32", "float64", "int32", "int64", "int8", "uint8", "bool"])
def test_zeros_ones_and_likes(dtype):
    x = np.arange(6, dtype=np.int16).reshape(2, 3)
    assert_same(*run_both(lambda api, p: [api.zeros([2, 3], dtype), api.ones((4,), dtype),
                                          api.zeros((), dtype), api.zeros_like(p[0], dtype=dtype),
                                          api.ones_like(p[0], dtype=dtype), api.zeros_like(p[0]),
                                          api.ones_like(p[0])], [x]), exact=True)


@pytest.mark.parametrize("args,kwargs", [
    ((5,), {}), ((2, 9, 3), {}), ((5, 1, -1), {}), ((0, 0), {}), ((1, 5.0), {}),
    ((0.0, 1.0, 0.1), {}), ((5, 1, -2.0), {}), ((np.int64(5),), {}),
    ((np.float64(5), 1, -1), {}), ((1, 2, 0.3), {"dtype": "float64"}),
    ((-5, 5, 4), {"dtype": "int64"}), ((1.2,), {}), ((0, 2**33, 2**32), {}),
    ((0.0, 3e6 * 0.7, 0.7), {}),  # longer than the fold limit: the kernel runs
])
def test_range(args, kwargs):
    assert_same(*run_both(lambda api, p: api.range(*args, **kwargs)), exact=True)


@pytest.mark.parametrize("args", [(1, 5, 0), (5, 1, 1), (1, 5, -1), (-5,)])
def test_range_errors(args):
    for api in (fg, tf):
        with api.Graph().as_default():
            with pytest.raises(ValueError, match="Requires"):
                api.range(*args)


@pytest.mark.parametrize("shape", [(), (0,), (3,), (2, 3, 4)], ids=str)
def test_size_rank(shape):
    x = np.zeros(shape, np.float32)
    assert_same(*run_both(lambda api, p: [api.size(p[0]), api.size(p[0], out_type=api.int64),
                                          api.rank(p[0])], [x]), exact=True)


@pytest.mark.parametrize("cond", [
    [True, False, True], [[1, 0], [0, 3]], np.zeros((2, 0, 3), bool), [[0.0, np.nan]],
    np.arange(24).reshape(2, 3, 4) % 5 == 0])
def test_where_of_constant_condition(cond):
    assert_same(*run_both(lambda api, p: api.where(api.constant(cond))), exact=True)
    assert_same(*run_both(lambda api, p: api.where(api.equal(
        api.constant(np.asarray(cond, np.float32)), 0))), exact=True)
