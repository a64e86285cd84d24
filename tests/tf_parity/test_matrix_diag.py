"""The matrix diagonal and band ops, trace and matrix_transpose (tf.linalg
and TF1's top-level names) and their gradients against TensorFlow's."""

import numpy as np
import pytest

from .parity import assert_same, fail_both, run_both, run_in

tf = pytest.importorskip("tensorflow")

_RNG = np.random.default_rng(0)
X = _RNG.normal(size=(2, 3, 4)).astype(np.float32)
TALL = _RNG.normal(size=(2, 5, 3))
D = _RNG.normal(size=(2, 3)).astype(np.float32)
T = _RNG.normal(size=(2, 3, 2, 3))

BUILDS = {
    "linalg.diag": (lambda api, p: api.linalg.diag(p[0]), [D]),
    "linalg.diag sized": (lambda api, p: api.linalg.diag(p[0], num_rows=3, num_cols=5,
                                                         padding_value=2.0), [D]),
    "matrix_diag": (lambda api, p: api.compat.v1.matrix_diag(p[0]), [D]),
    "linalg.diag_part": (lambda api, p: api.linalg.diag_part(p[0]), [X]),
    "matrix_diag_part tall": (lambda api, p: api.compat.v1.matrix_diag_part(p[0]), [TALL]),
    "linalg.set_diag": (lambda api, p: api.linalg.set_diag(p[0], p[1]), [X, D]),
    "matrix_set_diag tall": (lambda api, p: api.compat.v1.matrix_set_diag(
        p[0], p[1] * 2.0), [TALL, TALL[:, :3, 0].copy()]),
    "linalg.band_part": (lambda api, p: api.linalg.band_part(p[0], 1, 0), [X]),
    "matrix_band_part upper": (lambda api, p: api.compat.v1.matrix_band_part(p[0], -1, 1),
                               [TALL]),
    "matrix_band_part all": (lambda api, p: api.compat.v1.matrix_band_part(p[0], -1, -1), [X]),
    "linalg.trace": (lambda api, p: api.linalg.trace(p[0]), [X]),
    "trace": (lambda api, p: api.compat.v1.trace(p[0]), [TALL]),
    "linalg.matrix_transpose": (lambda api, p: api.linalg.matrix_transpose(p[0]), [X]),
    "matrix_transpose": (lambda api, p: api.compat.v1.matrix_transpose(p[0]), [TALL]),
    "diag tensor": (lambda api, p: api.compat.v1.diag(p[0]), [D]),
    "diag_part tensor": (lambda api, p: api.compat.v1.diag_part(p[0]), [T]),
}


# TF's shape function refuses explicit sizes for a diagonal of unknown length.
STATIC_ONLY = {"linalg.diag sized"}


@pytest.mark.parametrize("name", sorted(BUILDS))
@pytest.mark.parametrize("static", [False, True])
def test_values_match_tensorflow(name, static):
    build, feeds = BUILDS[name]
    if name in STATIC_ONLY and not static:
        pytest.skip("TensorFlow needs the diagonal's length for num_rows and num_cols")
    ours, theirs = run_both(build, feeds, static=static)
    assert_same(ours, theirs)


def test_integer_diagonals():
    ours, theirs = run_both(lambda api, p: [api.linalg.diag(p[0]), api.linalg.diag_part(p[1]),
                                            api.linalg.band_part(p[1], 0, 2)],
                            [np.array([[1, 2, 3]], np.int32),
                             np.arange(24, dtype=np.int64).reshape(2, 3, 4)])
    for a, b in zip(ours, theirs):
        assert_same(a, b, exact=True)


def test_band_wider_than_matrix_fails_as_tensorflow():
    def build(api, p):
        return api.linalg.band_part(p[0], p[1], p[2])
    ours, theirs = fail_both(build, [X, np.int64(4), np.int64(0)])
    assert "num_lower must be negative or less or equal to number of rows (3) got: 4" in ours
    assert "num_lower must be negative or less or equal to number of rows (3) got: 4" in theirs


def _grads(fn, weights_seed=1):
    def build(api, p):
        y = fn(api, p)
        w = np.random.default_rng(weights_seed).normal(size=run_in(api, lambda a, q: fn(a, q),
                                                                    feeds_of[fn], static=True
                                                                    ).shape)
        return api.compat.v1.gradients(y, p, grad_ys=api.constant(w, y.dtype))
    return build


feeds_of = {}

GRADS = {
    "diag": (lambda api, p: api.linalg.diag(p[0]), [D.astype(np.float64)]),
    "diag_part": (lambda api, p: api.linalg.diag_part(p[0]), [TALL]),
    "set_diag": (lambda api, p: api.linalg.set_diag(p[0], p[1]),
                 [X.astype(np.float64), D.astype(np.float64)]),
    "band_part": (lambda api, p: api.linalg.band_part(p[0], 2, 0), [TALL]),
    "trace": (lambda api, p: api.linalg.trace(p[0]), [TALL]),
    "diag tensor": (lambda api, p: api.compat.v1.diag(p[0]), [D.astype(np.float64)]),
    "diag_part tensor": (lambda api, p: api.compat.v1.diag_part(p[0]), [T]),
}


@pytest.mark.parametrize("name", sorted(GRADS))
def test_gradients_match_tensorflow(name):
    fn, feeds = GRADS[name]
    feeds_of[fn] = feeds
    ours, theirs = run_both(_grads(fn), feeds)
    for a, b in zip(ours, theirs):
        assert_same(a, b)


def test_tensorflow_emits_the_v3_ops():
    """The TF op types fastgraph's GraphDef mapping is named for."""
    g = tf.Graph()
    with g.as_default():
        x = tf.compat.v1.placeholder(tf.float32, [2, 3, 3])
        tf.linalg.diag(tf.linalg.diag_part(tf.linalg.set_diag(tf.linalg.band_part(x, 1, 1),
                                                              x[:, 0])))
    types = {op.type for op in g.get_operations()}
    assert {"MatrixDiagV3", "MatrixDiagPartV3", "MatrixSetDiagV3", "MatrixBandPart"} <= types
