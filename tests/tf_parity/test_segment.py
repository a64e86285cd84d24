"""Segment reductions and their gradients against TensorFlow."""

import numpy as np
import pytest

from .parity import assert_same, run_both

tf = pytest.importorskip("tensorflow")

DATA = np.random.default_rng(2).normal(size=(6, 3)).astype(np.float32)
DATA[2, 1] = 0.0


@pytest.mark.parametrize("fn", ["segment_sum", "segment_mean", "segment_max", "segment_min",
                                "segment_prod"])
def test_sorted(fn):
    def build(api, p):
        x = api.constant(DATA)
        y = getattr(api.math, fn)(x, p[0])
        return [y] + api.compat.v1.gradients(api.reduce_sum(y * y), [x])
    ours, theirs = run_both(build, [np.array([0, 0, 1, 3, 3, 3], np.int32)])
    assert_same(ours, theirs)


@pytest.mark.parametrize("fn", ["unsorted_segment_max", "unsorted_segment_min",
                                "unsorted_segment_prod", "unsorted_segment_sum"])
@pytest.mark.parametrize("dtype", [np.float32, np.int32])
def test_unsorted(fn, dtype):
    def build(api, p):
        x = api.constant((DATA * 4).astype(dtype))
        y = getattr(api.math, fn)(x, [2, -1, 0, 2, 0, 4], 5)
        if dtype != np.float32:
            return y
        return [y] + api.compat.v1.gradients(api.reduce_sum(y), [x])
    ours, theirs = run_both(build)
    assert_same(ours, theirs)
