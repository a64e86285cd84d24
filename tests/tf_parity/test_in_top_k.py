"""in_top_k against TensorFlow's InTopKV2: ties, non-finite predictions,
targets out of range, each k."""

import numpy as np
import pytest

from .parity import assert_same, run_both

tf = pytest.importorskip("tensorflow")

PRED = np.random.default_rng(4).normal(size=(7, 5)).astype(np.float32)
PRED[1, 3] = PRED[1, 0]
PRED[2, 4] = np.nan
PRED[3, 1] = np.inf
PRED[4, 2] = -np.inf
PRED[6, :] = 1.0
TARGETS = np.array([2, 0, 1, 1, 3, 4, 2], np.int32)


@pytest.mark.parametrize("k", [0, 1, 2, 5, 6])
@pytest.mark.parametrize("index_dtype", [np.int32, np.int64])
def test_in_top_k_matches_tensorflow(k, index_dtype):
    ours, theirs = run_both(lambda api, p: api.compat.v1.nn.in_top_k(p[0], p[1], p[2]),
                            [PRED, TARGETS.astype(index_dtype), np.asarray(k, index_dtype)])
    assert_same(ours, theirs, exact=True)


def test_math_in_top_k_with_constant_k():
    ours, theirs = run_both(lambda api, p: api.compat.v1.math.in_top_k(p[0], p[1], 2),
                            [PRED, TARGETS], static=True)
    assert_same(ours, theirs, exact=True)


def test_targets_out_of_range_are_false_as_in_tensorflow():
    targets = np.array([5, -1, 0, 2, 9, 0, 1], np.int64)
    ours, theirs = run_both(lambda api, p: api.compat.v1.nn.in_top_k(p[0], p[1], 3),
                            [PRED, targets])
    assert_same(ours, theirs, exact=True)
    assert not ours[0] and not ours[1] and not ours[4]
