"""Neural-network ops (activations, softmax and log-softmax, cross-entropies,
bias_add, l2_loss, dropout) against NumPy computed here (not the ops' own
`reference`), fed through placeholders so the C kernels run, and as constants
so the compile-time folding runs too."""

import numpy as np
import pytest

import fastgraph as tf
from fastgraph.compiler.plan import PARALLEL_GRAIN

from ..compare import assert_close
from ..evaluate import evaluate, max_parts
from ..samples import random_array

INTS = [np.uint8, np.int8, np.int16, np.int32, np.int64]
FLOATS = [np.float32, np.float64]
NUMERIC = INTS + FLOATS
BIG = 2 * PARALLEL_GRAIN + 17  # enough elements for a parallel step to split


# ---- activations ------------------------------------------------------------------

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def _np_act(name, x):
    x64 = x.astype(np.float64)
    with np.errstate(all="ignore"):
        out = {
            "relu": lambda: np.where(x64 < 0, 0.0, x64),
            "relu6": lambda: np.where(np.isnan(x64), x64, np.clip(x64, 0, 6)),
            "leaky_relu": lambda: np.where(x64 > 0, x64, float(np.float32(0.2)) * x64),
            "elu": lambda: np.where(x64 > 0, x64, np.expm1(x64)),
            "selu": lambda: SELU_SCALE * np.where(x64 > 0, x64, SELU_ALPHA * np.expm1(x64)),
            "softplus": lambda: np.logaddexp(0.0, x64),
            "softsign": lambda: x64 / (1 + np.abs(x64)),
        }[name]()
    return out.astype(x.dtype)


ACTIVATIONS = {
    "relu": (tf.nn.relu, NUMERIC),
    "relu6": (tf.nn.relu6, NUMERIC),
    "leaky_relu": (tf.nn.leaky_relu, FLOATS),
    "elu": (tf.nn.elu, FLOATS),
    "selu": (tf.nn.selu, FLOATS),
    "softplus": (tf.nn.softplus, FLOATS),
    "softsign": (tf.nn.softsign, FLOATS),
}
ACT_SHAPES = [(), (1,), (7,), (3, 4), (2, 3, 4), (0,), (2, 0, 3)]
SPECIAL = np.array([0.0, -0.0, 1e-30, -1e-30, 5.9, 6.0, 6.1, -50.0, 50.0, 100.0, -100.0, 800.0,
                    -800.0, np.inf, -np.inf, np.nan])


@pytest.mark.parametrize("name", list(ACTIVATIONS))
@pytest.mark.parametrize("shape", ACT_SHAPES, ids=str)
def test_activation(name, shape):
    fn, dts = ACTIVATIONS[name]
    rng = np.random.default_rng(len(name) + len(shape))
    for dtype in dts:
        x = random_array(shape, dtype, rng)
        assert_close(evaluate(fn, x), _np_act(name, x))
    x = random_array(shape, np.float32, rng)
    assert_close(evaluate(fn, x, fed=False), _np_act(name, x))


@pytest.mark.parametrize("name", list(ACTIVATIONS))
@pytest.mark.parametrize("dtype", FLOATS)
def test_activation_special_values(name, dtype):
    fn = ACTIVATIONS[name][0]
    x = SPECIAL.astype(dtype)
    assert_close(evaluate(fn, x), _np_act(name, x))


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_activation_large_splits_across_threads(name):
    fn, dts = ACTIVATIONS[name]
    x = random_array((BIG,), dts[-1], np.random.default_rng(1))
    assert max_parts(fn, x) > 1
    assert_close(evaluate(fn, x), _np_act(name, x))


def test_relu_in_fused_chain():
    x = random_array((5, 6), np.float32, np.random.default_rng(2))
    out = evaluate(lambda t: tf.nn.relu6(tf.nn.relu(t * 2.0 - 1.0) + 0.5), x)
    assert_close(out, np.clip(np.maximum(x * 2 - 1, 0) + 0.5, 0, 6).astype(np.float32))


@pytest.mark.parametrize("alpha", [0.0, 0.01, 0.3, 1.0, 2.5, -0.5])
def test_leaky_relu_alpha(alpha):
    x = random_array((4, 5), np.float64, np.random.default_rng(3))
    a = float(np.float32(alpha))  # TF's alpha attr is a 32-bit float
    assert_close(evaluate(lambda t: tf.nn.leaky_relu(t, alpha=alpha), x), np.where(x > 0, x, a * x))


@pytest.mark.parametrize("dtype", INTS)
def test_leaky_relu_casts_ints_to_float32(dtype):
    x = random_array((3, 4), dtype, np.random.default_rng(4))
    out = evaluate(lambda t: tf.nn.leaky_relu(t, 0.25), x)
    assert_close(out, np.where(x > 0, x, 0.25 * x.astype(np.float64)).astype(np.float32))


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_activation_dtype_errors(name):
    fn, dts = ACTIVATIONS[name]
    g = tf.Graph()
    with g.as_default():
        with pytest.raises(TypeError):
            fn(tf.placeholder(tf.bool, [2]))
        if dts == FLOATS and name != "leaky_relu":
            with pytest.raises(TypeError):
                fn(tf.placeholder(tf.int32, [2]))


def test_activation_unknown_shape_resolved_at_run():
    g = tf.Graph()
    with g.as_default():
        p = tf.placeholder(tf.float32, None)
        y = tf.nn.elu(p)
        with tf.Session() as sess:
            for shape in [(3,), (2, 5), ()]:
                x = random_array(shape, np.float32, np.random.default_rng(5))
                assert_close(sess.run(y, {p: x}), _np_act("elu", x))


# ---- softmax / log_softmax ------------------------------------------------------------

def _np_log_softmax(x, axis):
    x64 = x.astype(np.float64)
    m = np.max(x64, axis=axis, keepdims=True, initial=-np.inf)
    s = x64 - m
    with np.errstate(divide="ignore"):  # empty rows: log(0) = -inf, as TF gives
        return (s - np.log(np.sum(np.exp(s), axis=axis, keepdims=True))).astype(x.dtype)


def _np_softmax(x, axis):
    x64 = x.astype(np.float64)
    e = np.exp(x64 - np.max(x64, axis=axis, keepdims=True, initial=-np.inf))
    return (e / np.sum(e, axis=axis, keepdims=True)).astype(x.dtype)


SOFTMAX_CASES = [((5,), None), ((5,), 0), ((3, 4), -1), ((3, 4), 0), ((3, 4), 1), ((3, 4), -2),
                 ((2, 3, 4), 1), ((2, 3, 4), 0), ((2, 3, 4), -3), ((1, 1), -1), ((4, 1), 1),
                 ((1, 6), 0), ((2, 0, 3), 1), ((2, 0, 3), 2), ((0, 3), -1), ((2, 3, 1, 5), 2)]


@pytest.mark.parametrize("log", [False, True], ids=["softmax", "log_softmax"])
@pytest.mark.parametrize("shape,axis", SOFTMAX_CASES, ids=str)
def test_softmax(log, shape, axis):
    fn = tf.nn.log_softmax if log else tf.nn.softmax
    ref = _np_log_softmax if log else _np_softmax
    rng = np.random.default_rng(6)
    np_axis = -1 if axis is None else axis
    for dtype in FLOATS:
        x = random_array(shape, dtype, rng, scale=5.0)
        assert_close(evaluate(lambda t: fn(t, axis), x), ref(x, np_axis), rtol=1e-5 if
                     dtype == np.float32 else 1e-12)
    assert_close(evaluate(lambda t: fn(t, axis=axis), x, fed=False), ref(x, np_axis))


@pytest.mark.parametrize("log", [False, True], ids=["softmax", "log_softmax"])
def test_softmax_extreme_values(log):
    fn = tf.nn.log_softmax if log else tf.nn.softmax
    x = np.array([[1000.0, 0.0, -1000.0], [-1000.0, -1000.0, -999.0], [0.0, 0.0, 0.0],
                  [-np.inf, 0.0, 1.0]], np.float32)
    ref = _np_log_softmax if log else _np_softmax
    with np.errstate(all="ignore"):
        expected = ref(x, -1)
    assert_close(evaluate(fn, x), expected, rtol=1e-5)


@pytest.mark.parametrize("log", [False, True], ids=["softmax", "log_softmax"])
@pytest.mark.parametrize("shape,axis", [((BIG // 3 + 1, 3), -1), ((3, BIG // 3 + 1), 0),
                                        ((2, 5, BIG // 8), 1)])
def test_softmax_large_splits_across_threads(log, shape, axis):
    fn = tf.nn.log_softmax if log else tf.nn.softmax
    ref = _np_log_softmax if log else _np_softmax
    x = random_array(shape, np.float32, np.random.default_rng(7))
    assert max_parts(lambda t: fn(t, axis), x) > 1
    assert_close(evaluate(lambda t: fn(t, axis), x), ref(x, axis), rtol=1e-5)


def test_softmax_errors():
    g = tf.Graph()
    with g.as_default():
        for fn in (tf.nn.softmax, tf.nn.log_softmax):
            with pytest.raises(ValueError):
                fn(tf.placeholder(tf.float32, []))
            for bad in (2, -3):
                with pytest.raises(ValueError):
                    fn(tf.placeholder(tf.float32, [2, 3]), axis=bad)
            for dtype in (tf.int32, tf.uint8, tf.bool):
                with pytest.raises(TypeError):
                    fn(tf.placeholder(dtype, [2, 3]))


# ---- cross-entropies -------------------------------------------------------------------

def _np_sparse_xent(logits, labels):
    ls = _np_log_softmax(logits.astype(np.float64), -1)
    return (-np.take_along_axis(ls, labels[..., None].astype(np.int64), -1)[..., 0]).astype(
        logits.dtype)


@pytest.mark.parametrize("shape", [(4, 5), (1, 1), (3, 1), (7,), (2, 3, 4), (0, 3), (2, 0, 4)],
                         ids=str)
def test_sparse_softmax_cross_entropy(shape):
    rng = np.random.default_rng(8)
    for dtype in FLOATS:
        for ldtype in (np.int32, np.int64):
            logits = random_array(shape, dtype, rng)
            labels = rng.integers(0, shape[-1], size=shape[:-1]).astype(ldtype)
            out = evaluate(lambda lo, la: tf.nn.sparse_softmax_cross_entropy_with_logits(
                labels=la, logits=lo), logits, labels)
            assert_close(out, _np_sparse_xent(logits, labels), rtol=1e-5 if dtype == np.float32
                         else 1e-12)
    out = evaluate(lambda lo, la: tf.nn.sparse_softmax_cross_entropy_with_logits(la, lo), logits,
                   labels, fed=False)
    assert_close(out, _np_sparse_xent(logits, labels))


@pytest.mark.parametrize("bad", [5, -1, 100])
@pytest.mark.parametrize("fed", [True, False])
def test_sparse_xent_label_out_of_range(bad, fed):
    logits = np.zeros((3, 5), np.float32)
    labels = np.array([0, bad, 4], np.int64)
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match=f"Received a label value of {bad} which is outside the valid "
                             r"range of \[0, 5\)"):
        evaluate(lambda lo, la: tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=la, logits=lo), logits, labels, fed=fed)


def test_sparse_xent_zero_classes_fails_and_session_stays_usable():
    g = tf.Graph()
    with g.as_default():
        lo = tf.placeholder(tf.float32, [None, None])
        la = tf.placeholder(tf.int32, [None])
        y = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=la, logits=lo)
        with tf.Session() as sess:
            with pytest.raises(tf.errors.InvalidArgumentError):
                sess.run(y, {lo: np.zeros((2, 0), np.float32), la: np.zeros(2, np.int32)})
            out = sess.run(y, {lo: np.zeros((2, 4), np.float32), la: np.array([1, 3], np.int32)})
            np.testing.assert_allclose(out, [np.log(4)] * 2, rtol=1e-6)
            assert sess.run(y, {lo: np.zeros((0, 4), np.float32),
                                la: np.zeros(0, np.int32)}).shape == (0,)


def test_sparse_xent_large_splits_and_checks_every_share():
    rng = np.random.default_rng(9)
    rows = BIG
    logits = random_array((rows, 3), np.float32, rng)
    labels = rng.integers(0, 3, size=rows).astype(np.int32)
    fn = lambda lo, la: tf.nn.sparse_softmax_cross_entropy_with_logits(labels=la, logits=lo)  # noqa: E731
    assert max_parts(fn, logits, labels) > 1
    assert_close(evaluate(fn, logits, labels), _np_sparse_xent(logits, labels), rtol=1e-5)
    labels[-2] = 3  # in the last share
    with pytest.raises(tf.errors.InvalidArgumentError, match="label value of 3"):
        evaluate(fn, logits, labels)


def test_sparse_xent_errors():
    g = tf.Graph()
    with g.as_default():
        fn = tf.nn.sparse_softmax_cross_entropy_with_logits
        with pytest.raises(ValueError):
            fn(labels=tf.placeholder(tf.int32, [3]), logits=tf.placeholder(tf.float32, [2, 3]))
        with pytest.raises(ValueError):
            fn(labels=tf.placeholder(tf.int32, [2, 3]), logits=tf.placeholder(tf.float32, [2, 3]))
        with pytest.raises(ValueError):
            fn(labels=tf.placeholder(tf.int32, []), logits=tf.placeholder(tf.float32, []))
        with pytest.raises(TypeError):
            fn(labels=tf.placeholder(tf.float32, [2]), logits=tf.placeholder(tf.float32, [2, 3]))
        with pytest.raises(TypeError):
            fn(labels=tf.placeholder(tf.int32, [2]), logits=tf.placeholder(tf.int32, [2, 3]))


def _np_xent(logits, labels):
    return (-np.sum(labels.astype(np.float64) * _np_log_softmax(logits.astype(np.float64), -1),
                    axis=-1)).astype(logits.dtype)


@pytest.mark.parametrize("shape", [(4, 5), (1, 1), (3, 1), (7,), (2, 3, 4), (0, 3), (3, 0)],
                         ids=str)
def test_softmax_cross_entropy(shape):
    rng = np.random.default_rng(10)
    for dtype in FLOATS:
        logits = random_array(shape, dtype, rng)
        labels = rng.random(shape).astype(dtype)
        labels /= np.maximum(labels.sum(-1, keepdims=True), 1e-3)
        out = evaluate(lambda lo, la: tf.nn.softmax_cross_entropy_with_logits(
            labels=la, logits=lo), logits, labels)
        assert_close(out, _np_xent(logits, labels), rtol=1e-5 if dtype == np.float32 else 1e-12)
    out = evaluate(lambda lo, la: tf.nn.softmax_cross_entropy_with_logits(la, lo), logits, labels,
                   fed=False)
    assert_close(out, _np_xent(logits, labels))


def test_softmax_cross_entropy_python_labels_and_large():
    logits = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 10.0]], np.float32)
    labels = [[0.0, 0.0, 1.0], [0.5, 0.5, 0.0]]
    out = evaluate(lambda lo: tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=lo),
                   logits)
    assert_close(out, _np_xent(logits, np.array(labels, np.float32)), rtol=1e-5)
    rng = np.random.default_rng(11)
    logits = random_array((BIG, 2), np.float64, rng)
    labels = rng.random((BIG, 2))
    fn = lambda lo, la: tf.nn.softmax_cross_entropy_with_logits(labels=la, logits=lo)  # noqa: E731
    assert max_parts(fn, logits, labels) > 1
    assert_close(evaluate(fn, logits, labels), _np_xent(logits, labels))


@pytest.mark.parametrize("shape,axis", [((5, 4), 0), ((5, 4), -2), ((2, 3, 4), 1),
                                        ((2, 3, 4), 0), ((2, 3, 4), -3), ((2, 3, 4), 2),
                                        ((2, 3, 4), -1), ((3, 1, 2), 1), ((0, 3, 2), 1),
                                        ((2, 0, 3), 0)], ids=str)
def test_softmax_cross_entropy_axis(shape, axis):
    rng = np.random.default_rng(13)
    for dtype in FLOATS:
        logits = random_array(shape, dtype, rng)
        labels = rng.random(shape).astype(dtype)
        moved_lo, moved_la = np.moveaxis(logits, axis, -1), np.moveaxis(labels, axis, -1)
        want = _np_xent(moved_lo, moved_la)
        for fed in (True, False):
            out = evaluate(lambda lo, la: tf.nn.softmax_cross_entropy_with_logits(
                labels=la, logits=lo, axis=axis), logits, labels, fed=fed)
            assert_close(out, want, rtol=1e-5 if dtype == np.float32 else 1e-12)


def test_softmax_cross_entropy_axis_shapes_and_errors():
    g = tf.Graph()
    with g.as_default():
        fn = tf.nn.softmax_cross_entropy_with_logits
        lo = tf.placeholder(tf.float32, [2, None, 4])
        assert fn(labels=lo, logits=lo, axis=1).shape.as_tuple() == (2, 4)
        assert fn(labels=lo, logits=lo, axis=0).shape.as_tuple() == (None, 4)
        assert fn(labels=lo, logits=lo, axis=None).shape.as_tuple() == (2, None)
        with pytest.raises(ValueError, match=r"Dimension \(3\) must be in the range \[-3, 3\)"):
            fn(labels=lo, logits=lo, axis=3)
        with pytest.raises(ValueError, match="known rank"):
            unknown = tf.placeholder(tf.float32)
            fn(labels=unknown, logits=unknown, axis=0)
        with pytest.raises(ValueError):
            fn(labels=tf.placeholder(tf.float32, [2, 5]),
               logits=tf.placeholder(tf.float32, [3, 5]), axis=0)


def test_softmax_cross_entropy_errors():
    g = tf.Graph()
    with g.as_default():
        fn = tf.nn.softmax_cross_entropy_with_logits
        with pytest.raises(ValueError):
            fn(labels=tf.placeholder(tf.float32, [2, 4]), logits=tf.placeholder(tf.float32, [2, 3]))
        with pytest.raises(ValueError):
            fn(labels=tf.placeholder(tf.float32, []), logits=tf.placeholder(tf.float32, []))
        with pytest.raises(TypeError):
            fn(labels=tf.placeholder(tf.int32, [2, 3]), logits=tf.placeholder(tf.int32, [2, 3]))


# ---- l2_loss ----------------------------------------------------------------------------

@pytest.mark.parametrize("shape", [(), (1,), (5,), (3, 4), (2, 0), (BIG,)], ids=str)
@pytest.mark.parametrize("dtype", FLOATS)
def test_l2_loss(shape, dtype):
    x = random_array(shape, dtype, np.random.default_rng(12))
    expected = np.asarray(np.sum(x.astype(np.float64) ** 2) / 2, dtype)
    assert_close(evaluate(tf.nn.l2_loss, x), expected, rtol=1e-6 if dtype == np.float32 else 1e-12)
    assert_close(evaluate(tf.nn.l2_loss, x, fed=False), expected, rtol=1e-6 if dtype == np.float32
                 else 1e-12)


def test_l2_loss_errors():
    with tf.Graph().as_default():
        for dtype in (tf.int32, tf.uint8, tf.bool):
            with pytest.raises(TypeError):
                tf.nn.l2_loss(tf.placeholder(dtype, [3]))


# ---- bias_add ---------------------------------------------------------------------------

BIAS_CASES = [((2, 3), None), ((2, 3), "NHWC"), ((2, 4, 3), "NHWC"), ((2, 4, 5, 3), "NHWC"),
              ((2, 3, 4), "NCHW"), ((2, 3, 4, 5), "NCHW"), ((2, 4, 3), "NWC"),
              ((2, 3, 4), "NCW"), ((1, 2, 2, 2, 3), "NDHWC"), ((2, 3, 1, 2, 2), "NCDHW"),
              ((2, 4, 3), "N...C"), ((2, 3, 4), "NC..."), ((0, 3), None), ((2, 0, 3), "NHWC"),
              ((2, 3, 0), "NCHW"), ((1, 1), None)]


@pytest.mark.parametrize("shape,fmt", BIAS_CASES, ids=str)
def test_bias_add(shape, fmt):
    rng = np.random.default_rng(13)
    c = shape[1] if fmt and fmt.startswith("NC") else shape[-1]
    for dtype in NUMERIC:
        x = random_array(shape, dtype, rng)
        b = random_array((c,), dtype, rng)
        bb = b.reshape((c,) + (1,) * (len(shape) - 2)) if fmt and fmt.startswith("NC") else b
        expected = (x + bb).astype(dtype)
        assert_close(evaluate(lambda v, w: tf.nn.bias_add(v, w, data_format=fmt), x, b), expected)
    assert_close(evaluate(lambda v, w: tf.nn.bias_add(v, w, fmt), x, b, fed=False), expected)


@pytest.mark.parametrize("fmt", ["NHWC", "NCHW"])
def test_bias_add_large_splits_across_threads(fmt):
    shape = (2, 3, BIG // 6 + 1) if fmt == "NCHW" else (2, BIG // 6 + 1, 3)
    rng = np.random.default_rng(14)
    x = random_array(shape, np.float32, rng)
    b = random_array((3,), np.float32, rng)
    fn = lambda v, w: tf.nn.bias_add(v, w, data_format=fmt)  # noqa: E731
    assert max_parts(fn, x, b) > 1
    assert_close(evaluate(fn, x, b), x + (b[:, None] if fmt == "NCHW" else b))


def test_bias_add_errors():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [2, 3])
        with pytest.raises(ValueError):
            tf.nn.bias_add(x, tf.placeholder(tf.float32, [4]))
        with pytest.raises(ValueError):
            tf.nn.bias_add(x, tf.placeholder(tf.float32, [1, 3]))
        with pytest.raises(ValueError):
            tf.nn.bias_add(tf.placeholder(tf.float32, [3]), tf.placeholder(tf.float32, [3]))
        with pytest.raises(ValueError, match="at least rank 3"):
            tf.nn.bias_add(x, tf.placeholder(tf.float32, [2]), data_format="NCHW")
        with pytest.raises(ValueError):
            tf.nn.bias_add(tf.placeholder(tf.float32, [2, 3, 4]), tf.placeholder(tf.float32, [4]),
                           data_format="NCHW")
        with pytest.raises(ValueError):
            tf.nn.bias_add(x, tf.placeholder(tf.float32, [3]), data_format="HWC")
        with pytest.raises(ValueError):
            tf.nn.bias_add(x, tf.placeholder(tf.int32, [3]))
        with pytest.raises(TypeError):
            tf.nn.bias_add(tf.placeholder(tf.bool, [2, 3]), tf.placeholder(tf.bool, [3]))


def test_bias_add_unknown_channels_checked_at_run():
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [None, None])
        b = tf.placeholder(tf.float32, [None])
        y = tf.nn.bias_add(x, b)
        with tf.Session() as sess:
            with pytest.raises(tf.errors.InvalidArgumentError):
                sess.run(y, {x: np.zeros((2, 3), np.float32), b: np.zeros(4, np.float32)})
            assert_close(sess.run(y, {x: np.ones((2, 3), np.float32),
                                      b: np.arange(3, dtype=np.float32)}),
                         np.ones((2, 3), np.float32) + np.arange(3, dtype=np.float32))


# ---- dropout ----------------------------------------------------------------------------

def _special_x(shape=(3, 4), dtype=np.float32):
    x = random_array(shape, dtype, np.random.default_rng(15))
    x.reshape(-1)[:3] = [np.nan, np.inf, -0.0]
    return x


@pytest.mark.parametrize("dtype", FLOATS)
def test_dropout_fed_rate_zero_is_identity(dtype):
    x = _special_x(dtype=dtype)
    rate = np.array(0, dtype)
    out = evaluate(lambda t, r: tf.nn.dropout(t, r), x, rate)
    np.testing.assert_array_equal(out, x)
    assert out.dtype == dtype and np.signbit(out.reshape(-1)[2])
    out = evaluate(lambda t, r: tf.nn.dropout(t, rate=r, noise_shape=[3, 1], seed=1), x, rate,
                   fed=False)
    np.testing.assert_array_equal(out, x)


def test_dropout_python_rate_zero_returns_x():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [2])
        assert tf.nn.dropout(x, 0.0) is x
        assert tf.nn.dropout(x, rate=0) is x


@pytest.mark.parametrize("shape", [(), (0,), (1,), (BIG,)], ids=str)
def test_dropout_identity_shapes(shape):
    x = _special_x(shape) if shape and shape[0] > 3 else random_array(shape, np.float32,
                                                              np.random.default_rng(0))
    fn = lambda t, r: tf.nn.dropout(t, r)  # noqa: E731
    if x.size >= BIG:
        assert max_parts(fn, x, np.float32(0)) > 1
    np.testing.assert_array_equal(evaluate(fn, x, np.array(0, np.float32)), x)


def _dropout_runs(build, feeds, runs=1, graph_seed=None):
    """Runs build(placeholders) `runs` times in one session: the results."""
    g = tf.Graph()
    with g.as_default():
        if graph_seed is not None:
            tf.set_random_seed(graph_seed)
        phs = [tf.placeholder(tf.as_dtype(a.dtype), a.shape) for a in feeds]
        y = build(*phs)
        with tf.Session() as sess:
            return [sess.run(y, dict(zip(phs, feeds))) for _ in range(runs)]


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("rate", [0.1, 0.5, 0.9])
@pytest.mark.parametrize("fed", [False, True])
def test_dropout_drops_a_rate_fraction_and_scales_the_rest_exactly(dtype, rate, fed):
    x = random_array((400, 500), dtype, np.random.default_rng(16)) + dtype(20)  # no zeros
    if fed:
        out, = _dropout_runs(lambda t, r: tf.nn.dropout(t, r), [x, np.array(rate, dtype)])
        scaled = x / (dtype(1) - dtype(rate))  # TF: RealDiv(x, 1 - rate)
    else:
        out, = _dropout_runs(lambda t: tf.nn.dropout(t, rate), [x])
        scaled = x * dtype(1 / (1 - rate))  # TF: Mul(x, 1 / keep_prob)
    assert out.dtype == dtype and out.shape == x.shape
    dropped = out == 0
    assert abs(dropped.mean() - rate) < 0.006  # 2e5 draws: std < 0.0012
    np.testing.assert_array_equal(out[~dropped], scaled[~dropped])


def test_dropout_mask_is_the_seeded_uniform_stream():
    """mask = uniform >= rate, the uniform drawn by a RandomUniform of the
    noise shape with TF's seeds (op seed `seed`, the default graph seed)."""
    from fastgraph.ops.random_ops import DEFAULT_GRAPH_SEED, sample

    x = np.ones((7, 33), np.float32)
    runs = _dropout_runs(lambda t: tf.nn.dropout(t, 0.4, seed=11), [x], runs=3)
    for run, out in enumerate(runs):
        u = sample("uniform", x.shape, tf.float32, DEFAULT_GRAPH_SEED, 11, run)
        np.testing.assert_array_equal(out != 0, u >= np.float32(0.4))


def test_dropout_seeds_are_deterministic_across_sessions():
    x = np.ones((50, 40), np.float64)
    fn = lambda t: tf.nn.dropout(t, 0.5, seed=3)  # noqa: E731
    a = _dropout_runs(fn, [x], runs=2)
    b = _dropout_runs(fn, [x], runs=2)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[0], a[1])  # every run draws a new mask
    c = _dropout_runs(lambda t: tf.nn.dropout(t, 0.5, seed=4), [x])
    assert not np.array_equal(a[0], c[0])
    # A graph seed alone also fixes the sequence; no seed at all does not.
    g1 = _dropout_runs(lambda t: tf.nn.dropout(t, 0.5), [x], graph_seed=7)
    g2 = _dropout_runs(lambda t: tf.nn.dropout(t, 0.5), [x], graph_seed=7)
    np.testing.assert_array_equal(g1[0], g2[0])
    n1 = _dropout_runs(lambda t: tf.nn.dropout(t, 0.5), [x])
    n2 = _dropout_runs(lambda t: tf.nn.dropout(t, 0.5), [x])
    assert not np.array_equal(n1[0], n2[0])


@pytest.mark.parametrize("noise_shape,kept_axes", [([60, 1], (1,)), ([1, 70], (0,)),
                                                   ([1, 1], (0, 1)), ([60, 70], ())])
def test_dropout_noise_shape_keeps_or_drops_together(noise_shape, kept_axes):
    x = random_array((60, 70), np.float32, np.random.default_rng(17)) + np.float32(20)
    for ns in (noise_shape, np.array(noise_shape, np.int64)):
        out, = _dropout_runs(lambda t: tf.nn.dropout(t, 0.5, noise_shape=ns, seed=2), [x])
        mask = out != 0
        for ax in kept_axes:
            np.testing.assert_array_equal(mask, np.take(mask, [0], axis=ax).repeat(
                x.shape[ax], axis=ax))
        if mask.size > 1 and len(kept_axes) < 2:
            assert 0 < mask.mean() < 1
        np.testing.assert_array_equal(out[mask], x[mask] * np.float32(2))


def test_dropout_noise_shape_forms():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 5])
        y = tf.nn.dropout(x, 0.5, noise_shape=tf.constant([3, 1]))
        assert y.shape.as_tuple() == (3, 5)  # broadcast with the noise, as in TF
        k = tf.placeholder(tf.float32, [4, 5])
        # Unknown noise dims are taken from x's known ones.
        z = tf.nn.dropout(k, 0.5, noise_shape=[None, 1], seed=1)
        assert z.shape.as_tuple() == (4, 5)
        with pytest.raises(ValueError, match="partially known"):
            tf.nn.dropout(x, 0.5, noise_shape=[None, 1])
        with tf.Session() as sess:
            out = sess.run(z, {k: np.ones((4, 5), np.float32)})
    np.testing.assert_array_equal(out, out[:, :1].repeat(5, axis=1))


def test_dropout_is_stateful_not_folded():
    """A dropout of constants still draws a new mask in every run."""
    with tf.Graph().as_default():
        y = tf.nn.dropout(tf.ones([40, 40]), 0.5)
        with tf.Session() as sess:
            a, b = sess.run(y), sess.run(y)
    assert not np.array_equal(a, b)
    assert set(np.unique(a).tolist()) == {0.0, 2.0}


def test_dropout_fed_rate_session_runs_both_ways():
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [None])
        r = tf.placeholder(tf.float32, [])
        y = tf.nn.dropout(x, r, seed=9)
        ones = np.ones(10000, np.float32)
        with tf.Session() as sess:
            out = sess.run(y, {x: ones, r: 0.1})
            assert abs((out == 0).mean() - 0.1) < 0.02
            np.testing.assert_array_equal(out[out != 0], np.float32(1) / np.float32(0.9))
            np.testing.assert_array_equal(sess.run(y, {x: ones, r: 0.0}), ones)


def test_dropout_v1_keep_prob():
    v1 = tf.compat.v1
    x = _special_x()
    np.testing.assert_array_equal(evaluate(lambda t: v1.nn.dropout(t, keep_prob=1.0), x), x)
    np.testing.assert_array_equal(evaluate(lambda t: v1.nn.dropout(t, 1.0), x), x)
    np.testing.assert_array_equal(evaluate(lambda t, k: v1.nn.dropout(t, keep_prob=k), x,
                                           np.array(1, np.float32)), x)
    np.testing.assert_array_equal(evaluate(lambda t: v1.nn.dropout(t, rate=0.0), x), x)
    big = np.ones((300, 300), np.float32)
    for out, scale in ((evaluate(lambda t: v1.nn.dropout(t, keep_prob=0.75), big),
                        np.float32(1 / (1 - (1 - 0.75)))),
                       (evaluate(lambda t, k: v1.nn.dropout(t, keep_prob=k), big,
                                 np.array(0.75, np.float32)),
                        np.float32(1) / (np.float32(1) - (np.float32(1) - np.float32(0.75)))),
                       (evaluate(lambda t: v1.nn.dropout(t, 0.75, seed=1), big),
                        np.float32(1 / 0.75))):
        assert abs((out == 0).mean() - 0.25) < 0.01
        np.testing.assert_array_equal(out[out != 0], scale)
    with tf.Graph().as_default():
        p = tf.placeholder(tf.float32, [2])
        with pytest.raises(ValueError):
            v1.nn.dropout(p)
        with pytest.raises(ValueError):
            v1.nn.dropout(p, keep_prob=0.5, rate=0.5)
        with pytest.raises(ValueError):
            v1.nn.dropout(p, keep_prob=0.0)


def test_dropout_errors():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [2, 3])
        for bad in (1.0, -0.1, 1.5):
            with pytest.raises(ValueError):
                tf.nn.dropout(x, bad)
        with pytest.raises(ValueError):
            tf.nn.dropout(tf.placeholder(tf.int32, [2]), 0.0)
        with pytest.raises(ValueError):
            tf.nn.dropout(x, tf.placeholder(tf.float32, [2]))
        with pytest.raises(ValueError):
            tf.nn.dropout(x, tf.placeholder(tf.float64, []))
        with pytest.raises(ValueError):
            tf.nn.dropout(x, 0.5, noise_shape=[2, 2])
