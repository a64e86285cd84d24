"""Neural-network ops against TensorFlow: the same graph built in both."""

import numpy as np
import pytest

import fastgraph as fg

from ..samples import random_array
from .parity import assert_same, run_both, run_in

tf = pytest.importorskip("tensorflow")

FLOATS = [np.float32, np.float64]
NUMERIC = [np.uint8, np.int8, np.int16, np.int32, np.int64] + FLOATS


ACTIVATIONS = {"relu": NUMERIC, "relu6": NUMERIC, "leaky_relu": NUMERIC, "elu": FLOATS,
               "selu": FLOATS, "softplus": FLOATS, "softsign": FLOATS}
SPECIAL = [0.0, 1e-30, -1e-30, 5.9, 6.0, 6.1, -20.0, 20.0, -50.0, 50.0, 100.0, -100.0, 800.0,
           -800.0, np.inf, -np.inf, np.nan]


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_activations_match_tensorflow(name):
    rng = np.random.default_rng(0)
    for dtype in ACTIVATIONS[name]:
        for shape in [(), (7,), (3, 4), (2, 0, 3), (70001,)]:
            x = random_array(shape, dtype, rng)
            assert_same(*run_both(lambda api, p: getattr(api.nn, name)(p[0]), [x]))
        if np.dtype(dtype).kind == "f":
            assert_same(*run_both(lambda api, p: getattr(api.nn, name)(p[0]),
                                  [np.array(SPECIAL, dtype)]))


@pytest.mark.parametrize("alpha", [0.01, 0.5, 2.0])
def test_leaky_relu_alpha_matches_tensorflow(alpha):
    x = random_array((4, 5), np.float32, np.random.default_rng(1))
    assert_same(*run_both(lambda api, p: api.nn.leaky_relu(p[0], alpha=alpha), [x]))


@pytest.mark.parametrize("op", ["softmax", "log_softmax"])
@pytest.mark.parametrize("shape,axis", [((5,), None), ((3, 4), -1), ((3, 4), 0), ((2, 3, 4), 1),
                                        ((2, 3, 4), -3), ((1, 1), -1), ((2, 0, 3), 1),
                                        ((2, 0, 3), 2), ((70000, 3), -1), ((3, 70000), 0)],
                         ids=str)
def test_softmax_matches_tensorflow(op, shape, axis):
    rng = np.random.default_rng(2)
    for dtype in FLOATS:
        x = random_array(shape, dtype, rng, scale=5.0)
        assert_same(*run_both(lambda api, p: getattr(api.nn, op)(p[0], axis=axis), [x],
                              static=True))


@pytest.mark.parametrize("op", ["softmax", "log_softmax"])
def test_softmax_extremes_match_tensorflow(op):
    x = np.array([[1000.0, 0.0, -1000.0], [-1000.0, -1000.0, -999.0], [-np.inf, 0.0, 1.0]],
                 np.float32)
    assert_same(*run_both(lambda api, p: getattr(api.nn, op)(p[0]), [x]))


@pytest.mark.parametrize("shape", [(4, 5), (1, 1), (7,), (2, 3, 4), (0, 3), (70000, 3)], ids=str)
@pytest.mark.parametrize("ldtype", [np.int32, np.int64])
def test_sparse_softmax_cross_entropy_matches_tensorflow(shape, ldtype):
    rng = np.random.default_rng(3)
    for dtype in FLOATS:
        logits = random_array(shape, dtype, rng)
        labels = rng.integers(0, shape[-1], size=shape[:-1]).astype(ldtype)
        assert_same(*run_both(lambda api, p: api.nn.sparse_softmax_cross_entropy_with_logits(
            labels=p[1], logits=p[0]), [logits, labels]))


@pytest.mark.parametrize("bad", [3, -1])
def test_sparse_xent_bad_label_fails_in_both(bad):
    logits = np.zeros((2, 3), np.float32)
    labels = np.array([0, bad], np.int32)
    for api in (fg, tf):
        with pytest.raises(api.errors.InvalidArgumentError,
                           match=f"Received a label value of {bad} which is outside the valid "
                                 r"range of \[0, 3\)"):
            run_in(api, lambda a, p: a.nn.sparse_softmax_cross_entropy_with_logits(
                labels=p[1], logits=p[0]), [logits, labels])


@pytest.mark.parametrize("shape", [(4, 5), (1, 1), (7,), (2, 3, 4), (0, 3), (70000, 2)], ids=str)
def test_softmax_cross_entropy_matches_tensorflow(shape):
    rng = np.random.default_rng(4)
    for dtype in FLOATS:
        logits = random_array(shape, dtype, rng)
        labels = rng.random(shape).astype(dtype)
        labels /= labels.sum(-1, keepdims=True) if labels.size else 1
        assert_same(*run_both(lambda api, p: api.nn.softmax_cross_entropy_with_logits(
            labels=p[1], logits=p[0]), [logits, labels], static=True))


@pytest.mark.parametrize("shape,axis", [((5, 4), 0), ((2, 3, 4), 1), ((2, 3, 4), 0),
                                        ((3, 1, 2), 1), ((0, 3, 2), 1), ((2, 3, 4), 2)], ids=str)
def test_softmax_cross_entropy_axis_matches_tensorflow(shape, axis):
    rng = np.random.default_rng(5)
    for dtype in FLOATS:
        logits = random_array(shape, dtype, rng)
        labels = rng.random(shape).astype(dtype)
        for known in (True, False):
            assert_same(*run_both(lambda api, p: api.nn.softmax_cross_entropy_with_logits(
                labels=p[1], logits=p[0], axis=axis), [logits, labels], static=known))


@pytest.mark.parametrize("shape", [(), (5,), (3, 4), (0, 2), (70000,)], ids=str)
@pytest.mark.parametrize("dtype", FLOATS)
def test_l2_loss_matches_tensorflow(shape, dtype):
    x = random_array(shape, dtype, np.random.default_rng(5))
    assert_same(*run_both(lambda api, p: api.nn.l2_loss(p[0]), [x]))


@pytest.mark.parametrize("shape,fmt", [((2, 3), None), ((2, 4, 5, 3), "NHWC"),
                                       ((2, 3, 4, 5), "NCHW"), ((2, 4, 3), "NWC"),
                                       ((2, 3, 4), "NCW"), ((2, 3, 1, 2, 2), "NCDHW"),
                                       ((0, 3), None), ((2, 3, 70000), "NCHW")], ids=str)
def test_bias_add_matches_tensorflow(shape, fmt):
    rng = np.random.default_rng(6)
    c = shape[1] if fmt and fmt.startswith("NC") else shape[-1]
    for dtype in [np.float32, np.float64, np.int32, np.int64, np.uint8, np.int8, np.int16]:
        x = random_array(shape, dtype, rng)
        b = random_array((c,), dtype, rng)
        assert_same(*run_both(lambda api, p: api.nn.bias_add(p[0], p[1], data_format=fmt), [x, b],
                              static=True))


def test_dropout_rate_zero_matches_tensorflow():
    x = random_array((3, 4), np.float32, np.random.default_rng(7))
    x[0, :2] = [np.nan, np.inf]
    zero = np.array(0, np.float32)
    one = np.array(1, np.float32)
    assert_same(*run_both(lambda api, p: api.nn.dropout(p[0], p[1]), [x, zero]))
    assert_same(*run_both(lambda api, p: api.nn.dropout(p[0], rate=0.0), [x]))
    assert_same(*run_both(lambda api, p: api.compat.v1.nn.dropout(p[0], keep_prob=p[1]), [x, one]))
    assert_same(*run_both(lambda api, p: api.compat.v1.nn.dropout(p[0], 1.0), [x]))


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("form", ["number", "fed", "keep_prob", "keep_prob_fed"])
def test_dropout_matches_tensorflow_in_distribution_and_scaling(dtype, form):
    """The masks come from different generators; the fraction dropped and
    the kept values (scaled by the same float operations) must agree."""
    x = random_array((300, 400), dtype, np.random.default_rng(8)) + dtype(20)
    r = np.array(0.3, dtype)
    kp = np.array(0.7, dtype)
    build, feeds = {
        "number": (lambda api, p: api.nn.dropout(p[0], 0.3, seed=1), [x]),
        "fed": (lambda api, p: api.nn.dropout(p[0], p[1], seed=1), [x, r]),
        "keep_prob": (lambda api, p: api.compat.v1.nn.dropout(p[0], keep_prob=0.7, seed=1),
                      [x]),
        "keep_prob_fed": (lambda api, p: api.compat.v1.nn.dropout(p[0], keep_prob=p[1]),
                          [x, kp]),
    }[form]
    ours, theirs = run_both(build, feeds)
    assert ours.dtype == theirs.dtype and ours.shape == theirs.shape
    rate = 0.3 if form in ("number", "fed") else 1 - 0.7
    for out in (ours, theirs):
        assert abs((out == 0).mean() - rate) < 0.008
    both = (ours != 0) & (theirs != 0)
    np.testing.assert_array_equal(ours[both], theirs[both])


@pytest.mark.parametrize("noise_shape", [[20, 1], [1, 30], [None, 1]])
def test_dropout_noise_shape_matches_tensorflow_structure(noise_shape):
    x = np.ones((20, 30), np.float32)
    ours, theirs = run_both(lambda api, p: api.nn.dropout(p[0], 0.5, noise_shape=noise_shape,
                                                        seed=3), [x], static=True)
    for out in (ours, theirs):
        mask = out != 0
        axis = 1 if noise_shape[1] == 1 else 0
        np.testing.assert_array_equal(mask, np.take(mask, [0], axis=axis).repeat(
            x.shape[axis], axis=axis))
        assert set(np.unique(out).tolist()) <= {0.0, 2.0}


def test_dropout_static_shapes_match_tensorflow():
    shapes = []
    for api in (fg, tf):
        v1 = api.compat.v1
        with api.Graph().as_default():
            x = v1.placeholder(api.float32, [None, 5])
            k = v1.placeholder(api.float32, [4, 5])
            r = v1.placeholder(api.float32, [])
            shapes.append([tuple(t.shape.as_list()) for t in (
                api.nn.dropout(x, 0.5), api.nn.dropout(x, r),
                api.nn.dropout(x, 0.5, noise_shape=api.constant([3, 1])),
                api.nn.dropout(k, 0.5, noise_shape=[None, 1]))])
    assert shapes[0] == shapes[1]


def test_build_errors_match_tensorflow():
    for api in (fg, tf):
        v1 = api.compat.v1
        with api.Graph().as_default():
            x = v1.placeholder(api.float32, [2, 3])
            with pytest.raises(ValueError):
                api.nn.softmax(v1.placeholder(api.float32, []))
            with pytest.raises(TypeError):
                api.nn.softmax(v1.placeholder(api.int32, [2, 3]))
            for name in ("elu", "selu", "softplus", "softsign"):
                with pytest.raises(TypeError):
                    getattr(api.nn, name)(v1.placeholder(api.int32, [2]))
            with pytest.raises(TypeError):
                api.nn.relu(v1.placeholder(api.bool, [2]))
            with pytest.raises(TypeError):
                api.nn.l2_loss(v1.placeholder(api.int32, [2]))
            with pytest.raises(ValueError):
                api.nn.bias_add(x, v1.placeholder(api.float32, [4]))
            with pytest.raises(ValueError):
                api.nn.bias_add(x, v1.placeholder(api.float32, [2]), data_format="NCHW")
            with pytest.raises(ValueError):
                api.nn.bias_add(x, v1.placeholder(api.int32, [3]))
            with pytest.raises(TypeError):
                api.nn.bias_add(v1.placeholder(api.bool, [2, 3]), v1.placeholder(api.bool, [3]))
            with pytest.raises(TypeError):
                api.nn.sparse_softmax_cross_entropy_with_logits(
                    labels=v1.placeholder(api.float32, [2]), logits=x)
            with pytest.raises(TypeError):
                api.nn.sparse_softmax_cross_entropy_with_logits(
                    labels=v1.placeholder(api.int32, [2]), logits=v1.placeholder(api.int32, [2, 3]))
            with pytest.raises(ValueError):
                api.nn.sparse_softmax_cross_entropy_with_logits(
                    labels=v1.placeholder(api.int32, [3]), logits=x)
            with pytest.raises(ValueError):
                api.nn.softmax_cross_entropy_with_logits(
                    labels=v1.placeholder(api.float32, [2, 4]), logits=x)
            with pytest.raises(ValueError):
                api.nn.dropout(x, 1.0)
            with pytest.raises(ValueError):
                api.nn.dropout(v1.placeholder(api.int32, [2]), 0.0)
            with pytest.raises(ValueError):
                v1.nn.dropout(x)
