"""tensordot and einsum against NumPy's, with known and unknown dims."""

import numpy as np
import pytest

import fastgraph as tf

from ..evaluate import evaluate
from ..samples import random_array


@pytest.mark.parametrize("a_shape,b_shape,axes", [
    ((2, 3, 4), (4, 5), 1), ((2, 3, 4), (3, 4, 5), 2), ((2, 3), (4, 5), 0),
    ((2, 3, 4), (4, 3, 5), [[1, 2], [1, 0]]), ((3, 4), (4, 3), [[0, 1], [1, 0]]),
    ((0, 3), (3, 2), 1), ((2, 3, 4), (5, 4), [[-1], [-1]])], ids=str)
@pytest.mark.parametrize("unknown", [False, True])
def test_tensordot(a_shape, b_shape, axes, unknown):
    a = random_array(a_shape, np.float32, np.random.default_rng(1), scale=1.0)
    b = random_array(b_shape, np.float32, np.random.default_rng(2), scale=1.0)
    got = evaluate(lambda x, y: tf.tensordot(x, y, axes), a, b, unknown=unknown)
    want = np.tensordot(a.astype(np.float64), b, axes)
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


EQUATIONS = [
    ("ij,jk->ik", [(3, 4), (4, 5)]),
    ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]),
    ("bqd,bkd->bqk", [(2, 3, 4), (2, 5, 4)]),       # attention scores
    ("bhqk,bhkd->bhqd", [(2, 2, 3, 4), (2, 2, 4, 5)]),
    ("ij,ij->i", [(3, 4), (3, 4)]),
    ("ij,kj->ikj", [(3, 4), (2, 4)]),
    ("i,j->ij", [(3,), (4,)]),
    ("ijk,kl->il", [(2, 3, 4), (4, 5)]),             # j summed away first
    ("ij,jk", [(3, 4), (4, 5)]),                     # implicit output
    ("ijk->kji", [(2, 3, 4)]),
    ("ijk->j", [(2, 3, 4)]),
    ("ij->", [(3, 4)]),
]


@pytest.mark.parametrize("equation,shapes", EQUATIONS, ids=[e for e, _ in EQUATIONS])
@pytest.mark.parametrize("unknown", [False, True])
def test_einsum(equation, shapes, unknown):
    arrays = [random_array(s, np.float32, np.random.default_rng(i), scale=1.0)
              for i, s in enumerate(shapes)]
    got = evaluate(lambda *xs: tf.einsum(equation, *xs), *arrays, unknown=unknown)
    want = np.einsum(equation, *[a.astype(np.float64) for a in arrays])
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def test_errors():
    with tf.Graph().as_default():
        a = tf.placeholder(tf.float32, [2, 3])
        with pytest.raises(ValueError):
            tf.tensordot(a, a, [[0], [0, 1]])
        with pytest.raises(ValueError):
            tf.einsum("ij,jk->ik", a)
        with pytest.raises(NotImplementedError):
            tf.einsum("ii->i", tf.placeholder(tf.float32, [3, 3]))
        with pytest.raises(NotImplementedError):
            tf.einsum("...ij,jk->...ik", a, a)
        with pytest.raises(ValueError):
            tf.einsum("ij->k", a)
        with pytest.raises(ValueError):
            tf.einsum("ijk->k", a)
