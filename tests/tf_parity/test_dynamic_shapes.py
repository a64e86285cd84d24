"""Ops with data-dependent output shapes (host ops) against TensorFlow:
unique, where with one argument, boolean_mask, dynamic_partition,
dynamic_stitch, setdiff1d, unravel_index; their static shapes and the
gradients TF has through them."""

import numpy as np
import pytest

import fastgraph as fg

from .parity import assert_same, run_both

tf = pytest.importorskip("tensorflow")

_X = np.array([4, 1, 1, 7, 4, 2, 7, 7, 0], np.int32)
_D = np.arange(24, dtype=np.float32).reshape(4, 3, 2) / 7.0
_M = np.array([True, False, True, True])


def _shapes(api, build):
    g = api.Graph()
    with g.as_default():
        out = build(api)
        return [str(t.shape) if t.shape.rank is None else t.shape.as_list()
                for t in (out if isinstance(out, (list, tuple)) else [out])]


@pytest.mark.parametrize("out_idx", ["int32", "int64"])
def test_unique(out_idx):
    ours, theirs = run_both(lambda api, p: list(api.unique(p[0], out_idx=getattr(api, out_idx))),
                            [_X])
    assert_same(ours, theirs, exact=True)
    ours, theirs = run_both(lambda api, p: list(api.unique_with_counts(p[0])), [_X])
    assert_same(ours, theirs, exact=True)
    ours, theirs = run_both(lambda api, p: list(api.unique(p[0])), [_X[:0].astype(np.float32)])
    assert_same(ours, theirs, exact=True)


def test_unique_static_shapes_and_fields():
    def build(api):
        u = api.unique(api.compat.v1.placeholder(api.float32, [5]))
        return [u.y, u.idx]
    assert _shapes(fg, build) == _shapes(tf, build)


def test_unique_needs_a_vector():
    for api in (fg, tf):
        with pytest.raises(ValueError, match="must be rank 1"):
            with api.Graph().as_default():
                api.unique(api.compat.v1.placeholder(api.int32, [2, 3]))


@pytest.mark.parametrize("shape", [(4,), (2, 3), (2, 2, 2)])
def test_where_of_a_fed_condition(shape):
    cond = (np.arange(np.prod(shape)).reshape(shape) % 3 == 1)
    ours, theirs = run_both(lambda api, p: api.compat.v1.where(p[0]), [cond])
    assert_same(ours, theirs, exact=True)
    ours, theirs = run_both(lambda api, p: api.where(api.cast(p[0], api.float32)), [cond])
    assert_same(ours, theirs, exact=True)


def test_where_v1_selects_rows():
    x = np.arange(6, dtype=np.float32).reshape(3, 2)
    ours, theirs = run_both(lambda api, p: api.compat.v1.where(p[0], p[1], -p[1]),
                            [np.array([True, False, True]), x], static=True)
    assert_same(ours, theirs)


@pytest.mark.parametrize("axis,mask", [(0, _M), (1, np.array([False, True, True])),
                                       (0, np.array([[True, False, True]] * 2 +
                                                    [[False] * 3] * 2))])
def test_boolean_mask(axis, mask):
    ours, theirs = run_both(lambda api, p: api.boolean_mask(p[0], p[1], axis=axis), [_D, mask])
    assert_same(ours, theirs)

    def static(api):
        t = api.compat.v1.placeholder(api.float32, [None, 3, 2])
        m = api.compat.v1.placeholder(api.bool, [None] * mask.ndim)
        return api.boolean_mask(t, m, axis=axis)
    assert _shapes(fg, static) == _shapes(tf, static)


def test_boolean_mask_gradient():
    def build(api, p):
        x = p[0] * 1.0
        y = api.boolean_mask(x, p[1])
        return api.gradients(api.reduce_sum(y * y), x)[0]
    ours, theirs = run_both(build, [_D, _M])
    assert_same(ours, theirs)


def test_boolean_mask_refuses_a_scalar_mask():
    for api in (fg, tf):
        with pytest.raises(ValueError, match="mask cannot be scalar"):
            with api.Graph().as_default():
                api.boolean_mask([1, 2], True)


def test_dynamic_partition_and_its_gradient():
    parts = np.array([1, 0, 2, 1], np.int32)

    def build(api, p):
        x = p[0] * 1.0
        outs = api.dynamic_partition(x, p[1], 3)
        loss = sum(api.reduce_sum(o * float(k + 1)) for k, o in enumerate(outs))
        return outs + api.gradients(loss, x)
    ours, theirs = run_both(build, [_D, parts])
    assert_same(ours, theirs)
    # Two-dimensional partitions.
    p2 = np.array([[0, 1, 1], [1, 0, 0], [0, 0, 0], [1, 1, 1]], np.int32)
    ours, theirs = run_both(lambda api, p: api.dynamic_partition(p[0], p[1], 2), [_D, p2])
    assert_same(ours, theirs)

    def static(api):
        return api.dynamic_partition(api.compat.v1.placeholder(api.float32, [None, 3, 2]),
                                     api.compat.v1.placeholder(api.int32, [None]), 2)
    assert _shapes(fg, static) == _shapes(tf, static)


def test_dynamic_partition_out_of_range():
    msgs = []
    for api in (fg, tf):
        with api.Graph().as_default():
            d = api.compat.v1.placeholder(api.float32, [None])
            out = api.dynamic_partition(d, [0, 3], 2)
            with api.compat.v1.Session() as sess:
                with pytest.raises(api.errors.InvalidArgumentError) as info:
                    sess.run(out, {d: [1.0, 2.0]})
                msgs.append(str(info.value))
    assert "partitions[1] = 3 is not in [0, 2)" in msgs[0]
    assert "partitions[1] = 3 is not in [0, 2)" in msgs[1]


def test_dynamic_stitch_and_its_gradient():
    i0, i1 = np.array([0, 4, 2], np.int32), np.array([[1, 3], [5, 2]], np.int32)
    d0 = np.arange(6, dtype=np.float32).reshape(3, 2)
    d1 = -np.arange(8, dtype=np.float32).reshape(2, 2, 2)

    def build(api, p):
        a, b = p[2] * 1.0, p[3] * 1.0
        y = api.dynamic_stitch([p[0], p[1]], [a, b])
        w = api.constant(np.arange(12, dtype=np.float32).reshape(6, 2))
        return [y] + api.gradients(api.reduce_sum(y * w), [a, b])
    ours, theirs = run_both(build, [i0, i1, d0, d1])
    assert_same(ours, theirs)

    def static(api):
        return api.dynamic_stitch([[0, 2], [1, 3]], [api.compat.v1.placeholder(api.float32, [2, 5]),
                                                     api.compat.v1.placeholder(api.float32, [2, 5])])
    assert _shapes(fg, static) == _shapes(tf, static)


def test_setdiff1d():
    x = np.array([1, 2, 3, 4, 5, 6, 3], np.int32)
    ours, theirs = run_both(lambda api, p: list(api.compat.v1.setdiff1d(p[0], p[1])),
                            [x, np.array([1, 3, 5], np.int32)])
    assert_same(ours, theirs, exact=True)


@pytest.mark.parametrize("indices,dims", [([5, 7, 0, 11], [3, 4]), (13, [2, 3, 4])])
def test_unravel_index(indices, dims):
    ours, theirs = run_both(lambda api, p: api.unravel_index(p[0], p[1]),
                            [np.array(indices, np.int32), np.array(dims, np.int32)])
    assert_same(ours, theirs, exact=True)
