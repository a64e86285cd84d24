"""tensordot and einsum against TensorFlow's."""

import numpy as np
import pytest

from .parity import run_both

tf = pytest.importorskip("tensorflow")


@pytest.mark.parametrize("equation,shapes", [
    ("bqd,bkd->bqk", [(2, 3, 4), (2, 5, 4)]), ("bhqk,bhkd->bhqd", [(2, 2, 3, 4), (2, 2, 4, 5)]),
    ("ij,kj->ikj", [(3, 4), (2, 4)]), ("ijk,kl->il", [(2, 3, 4), (4, 5)]),
    ("ijk->kji", [(2, 3, 4)])], ids=str)
def test_einsum(equation, shapes):
    rng = np.random.default_rng(0)
    arrays = [rng.normal(size=s).astype(np.float32) for s in shapes]
    ours, theirs = run_both(lambda api, p: api.einsum(equation, *p), arrays)
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("axes", [1, [[1, 2], [1, 0]], 0], ids=str)
def test_tensordot(axes):
    rng = np.random.default_rng(1)
    a = rng.normal(size=(2, 3, 4)).astype(np.float32)
    b = rng.normal(size=(4, 3, 5)).astype(np.float32)
    ours, theirs = run_both(lambda api, p: api.tensordot(p[0], p[1], axes), [a, b])
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-5)
