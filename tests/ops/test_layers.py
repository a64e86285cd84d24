"""tf.compat.v1.layers (dense, conv2d, pooling, flatten, dropout,
batch_normalization) and tf.nn.fused_batch_norm against NumPy: variable
names, shapes and collections as TF makes them, outputs with weights set
through initializers or `Variable.load`."""

import numpy as np
import pytest

import fastgraph as tf

from ..evaluate import session_run

v1 = tf.compat.v1
layers = v1.layers
RNG = np.random.default_rng(7)


# Every test builds in a fresh default graph (the `g` fixture of tests/conftest.py).
pytestmark = pytest.mark.usefixtures("g")


def _vars(collection="variables"):
    return [(v.name, tuple(v.shape.as_list())) for v in v1.get_collection(collection)]


def _conv_np(x, w, stride, padding, dilation=(1, 1)):
    """NHWC cross-correlation in float64."""
    x = x.astype(np.float64)
    kh, kw, _, co = w.shape
    eh, ew = (kh - 1) * dilation[0] + 1, (kw - 1) * dilation[1] + 1
    n, h, wd, _ = x.shape
    if padding == "same":
        oh, ow = -(-h // stride[0]), -(-wd // stride[1])
        ph = max((oh - 1) * stride[0] + eh - h, 0)
        pw = max((ow - 1) * stride[1] + ew - wd, 0)
        x = np.pad(x, ((0, 0), (ph // 2, ph - ph // 2), (pw // 2, pw - pw // 2), (0, 0)))
    else:
        oh, ow = (h - eh) // stride[0] + 1, (wd - ew) // stride[1] + 1
    out = np.zeros((n, oh, ow, co))
    for i in range(kh):
        for j in range(kw):
            patch = x[:, i * dilation[0]:, j * dilation[1]:, :][
                :, :oh * stride[0]:stride[0], :ow * stride[1]:stride[1], :][:, :oh, :ow]
            out += patch @ w[i, j]
    return out


def _pool_np(x, k, s, padding, op):
    n, h, w, c = x.shape
    if padding == "same":
        oh, ow = -(-h // s), -(-w // s)
        ph, pw = max((oh - 1) * s + k - h, 0), max((ow - 1) * s + k - w, 0)
        top, left = ph // 2, pw // 2
    else:
        oh, ow, top, left = (h - k) // s + 1, (w - k) // s + 1, 0, 0
    out = np.zeros((n, oh, ow, c))
    for i in range(oh):
        for j in range(ow):
            r0, c0 = i * s - top, j * s - left
            win = x[:, max(r0, 0):r0 + k, max(c0, 0):c0 + k, :]
            out[:, i, j] = op(win, axis=(1, 2))
    return out


# ---- dense -------------------------------------------------------------------------

def test_dense_variables_names_and_collections():
    x = v1.placeholder(tf.float32, [None, 4])
    y = layers.dense(x, 3)
    z = layers.dense(y, 2, use_bias=False)
    assert y.shape.as_list() == [None, 3] and z.shape.as_list() == [None, 2]
    assert _vars() == [("dense/kernel:0", (4, 3)), ("dense/bias:0", (3,)),
                       ("dense_1/kernel:0", (3, 2))]
    assert _vars("trainable_variables") == _vars()
    assert y.op.name.startswith("dense/") and z.op.name == "dense_1/MatMul"


def test_dense_default_initializers_glorot_uniform_and_zeros():
    x = v1.placeholder(tf.float32, [None, 40])
    layers.dense(x, 60)
    kernel, bias = v1.global_variables()
    k, b = session_run([kernel, bias], init=True)
    limit = np.sqrt(6 / (40 + 60))
    assert np.all(np.abs(k) <= limit) and k.std() > limit / 3
    np.testing.assert_array_equal(b, np.zeros(60, np.float32))


@pytest.mark.parametrize("shape", [(5, 4), (2, 3, 4), (2, 1, 3, 4), (0, 4)])
def test_dense_against_numpy(shape):
    x = RNG.standard_normal(shape).astype(np.float32)
    w = RNG.standard_normal((4, 3)).astype(np.float32)
    b = RNG.standard_normal(3).astype(np.float32)
    xp = v1.placeholder(tf.float32, [None] + list(shape[1:]))
    y = layers.dense(xp, 3, activation=tf.nn.relu,
                     kernel_initializer=v1.constant_initializer(w),
                     bias_initializer=v1.constant_initializer(b))
    assert y.shape.as_list() == [None] + list(shape[1:-1]) + [3]
    np.testing.assert_allclose(session_run(y, {xp: x}, init=True), np.maximum(x @ w + b, 0),
                               rtol=1e-5, atol=1e-6)


def test_dense_float64_string_activation_and_load():
    x = RNG.standard_normal((3, 2))
    xp = v1.placeholder(tf.float64, [3, 2])
    y = layers.dense(xp, 2, activation="tanh", name="fc")
    kernel, bias = v1.global_variables()
    assert kernel.name == "fc/kernel:0" and kernel.dtype == tf.float64
    w, b = RNG.standard_normal((2, 2)), RNG.standard_normal(2)
    out = session_run(y, {xp: x}, values={kernel: w, bias: b}, init=True)
    np.testing.assert_allclose(out, np.tanh(x @ w + b), rtol=1e-12)
    assert out.dtype == np.float64


def test_dense_reuse_and_variable_scopes():
    x = v1.placeholder(tf.float32, [None, 4])
    with v1.variable_scope("net"):
        a = layers.dense(x, 3, name="fc")
    with v1.variable_scope("net", reuse=True):
        b = layers.dense(x, 3, name="fc")
    c = layers.dense(x, 3, name="fc2")
    d = layers.dense(x, 3, name="fc2", reuse=True)
    with v1.variable_scope("auto", reuse=v1.AUTO_REUSE):
        e = layers.dense(x, 3)
        f = layers.dense(x, 3, name="dense")
    assert [n for n, _ in _vars()] == ["net/fc/kernel:0", "net/fc/bias:0", "fc2/kernel:0",
                                       "fc2/bias:0", "auto/dense/kernel:0",
                                       "auto/dense/bias:0"]
    assert a.op.name == "net/fc/BiasAdd" and b.op.name == "net_1/fc/BiasAdd"
    xv = RNG.standard_normal((2, 4)).astype(np.float32)
    ra, rb, rc, rd, re, rf = session_run([a, b, c, d, e, f], {x: xv}, init=True)
    np.testing.assert_array_equal(ra, rb)
    np.testing.assert_array_equal(rc, rd)
    np.testing.assert_array_equal(re, rf)
    with pytest.raises(ValueError, match="already exists"):
        layers.dense(x, 3, name="fc2")
    with pytest.raises(ValueError, match="does not exist"):
        layers.dense(x, 3, name="nope", reuse=True)


def test_dense_scope_initializer_and_trainable_false():
    x = v1.placeholder(tf.float32, [None, 2])
    with v1.variable_scope("s", initializer=v1.ones_initializer()):
        y = layers.dense(x, 2, trainable=False)
    assert _vars("trainable_variables") == [] and len(_vars()) == 2
    np.testing.assert_allclose(session_run(y, {x: [[1, 2]]}, init=True), [[3, 3]])


def test_dense_regularizers_and_layer_object():
    x = v1.placeholder(tf.float32, [None, 2])
    layer = layers.Dense(3, kernel_regularizer=lambda w: tf.reduce_sum(w),
                         activity_regularizer=lambda y: tf.reduce_sum(tf.abs(y)), name="reg")
    y1 = layer(x)
    y2 = layer.apply(x)  # the same weights, no new variables or kernel losses
    assert len(v1.global_variables()) == 2 and layer.scope_name == "reg"
    assert layer.trainable_weights == [layer.kernel, layer.bias]
    losses = v1.get_collection("regularization_losses")  # (GraphKeys lacks the name)
    assert len(losses) == 3  # kernel once, activity per call
    xv = np.array([[1.0, -2.0]], np.float32)
    r1, r2, k, loss_k, loss_a = session_run([y1, y2, layer.kernel, losses[0], losses[1]], {x: xv},
                                            init=True)
    np.testing.assert_array_equal(r1, r2)
    np.testing.assert_allclose(loss_k, k.sum(), rtol=1e-6)
    np.testing.assert_allclose(loss_a, np.abs(r1).sum(), rtol=1e-6)


def test_dense_errors():
    with pytest.raises(ValueError, match="last dimension of the inputs to a Dense layer"):
        layers.dense(v1.placeholder(tf.float32, [2, None]), 3)
    with pytest.raises(ValueError, match="expected min_ndim=2, found ndim=1"):
        layers.dense(v1.placeholder(tf.float32, [4]), 3)
    with pytest.raises(TypeError, match="floating-point"):
        layers.dense(v1.placeholder(tf.int32, [2, 4]), 3)
    with pytest.raises(ValueError, match="units"):
        layers.Dense(0)


# ---- conv2d ------------------------------------------------------------------------

@pytest.mark.parametrize("kernel,strides,padding,dilation", [
    (3, 1, "valid", 1), ((3, 2), (2, 1), "same", 1), (1, 2, "VALID", 1), (3, 1, "same", 2)])
def test_conv2d_against_numpy(kernel, strides, padding, dilation):
    x = RNG.standard_normal((2, 7, 6, 3)).astype(np.float32)
    kh, kw = (kernel, kernel) if isinstance(kernel, int) else kernel
    w = RNG.standard_normal((kh, kw, 3, 4)).astype(np.float32)
    b = RNG.standard_normal(4).astype(np.float32)
    xp = v1.placeholder(tf.float32, [None, 7, 6, 3])
    y = layers.conv2d(xp, 4, kernel, strides=strides, padding=padding,
                      dilation_rate=dilation, activation=tf.nn.relu)
    kernel_v, bias_v = v1.global_variables()
    assert (kernel_v.name, bias_v.name) == ("conv2d/kernel:0", "conv2d/bias:0")
    assert kernel_v.shape.as_list() == [kh, kw, 3, 4]
    s = (strides, strides) if isinstance(strides, int) else strides
    want = np.maximum(_conv_np(x, w, s, padding.lower(), (dilation, dilation)) + b, 0)
    got = session_run(y, {xp: x}, values={kernel_v: w, bias_v: b}, init=True)
    assert y.shape.as_list() == [None] + list(want.shape[1:])
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def test_conv2d_channels_first():
    x = RNG.standard_normal((2, 3, 5, 5)).astype(np.float32)
    w = RNG.standard_normal((3, 3, 3, 2)).astype(np.float32)
    b = RNG.standard_normal(2).astype(np.float32)
    y = layers.conv2d(tf.constant(x), 2, 3, padding="same", data_format="channels_first",
                      kernel_initializer=v1.constant_initializer(w),
                      bias_initializer=v1.constant_initializer(b))
    want = _conv_np(x.transpose(0, 2, 3, 1), w, (1, 1), "same") + b
    np.testing.assert_allclose(session_run(y, init=True), want.transpose(0, 3, 1, 2),
                               rtol=1e-5, atol=1e-5)


def test_conv2d_names_and_errors():
    x = v1.placeholder(tf.float32, [None, 5, 5, 3])
    layers.conv2d(x, 2, 3)
    layers.conv2d(x, 2, 3, use_bias=False, name="c")
    assert _vars() == [("conv2d/kernel:0", (3, 3, 3, 2)), ("conv2d/bias:0", (2,)),
                       ("c/kernel:0", (3, 3, 3, 2))]
    with pytest.raises(ValueError, match="channel dimension of the inputs should be defined"):
        layers.conv2d(v1.placeholder(tf.float32, [None, 5, 5, None]), 2, 3)
    with pytest.raises(ValueError, match="padding"):
        layers.conv2d(x, 2, 3, padding="full")
    with pytest.raises(ValueError, match="dilation_rate > 1"):
        layers.conv2d(x, 2, 3, strides=2, dilation_rate=2)
    with pytest.raises(ValueError, match="min_ndim=4"):
        layers.conv2d(v1.placeholder(tf.float32, [5, 5, 3]), 2, 3)


# ---- pooling and flatten -------------------------------------------------------------

@pytest.mark.parametrize("pool,k,s,padding", [
    ("max", 2, 2, "valid"), ("max", 3, 2, "same"), ("avg", 2, 1, "valid"),
    ("avg", 3, 2, "same")])
def test_pooling_against_numpy(pool, k, s, padding):
    x = RNG.standard_normal((2, 7, 6, 3)).astype(np.float32)
    fn = layers.max_pooling2d if pool == "max" else layers.average_pooling2d
    y = fn(tf.constant(x), k, s, padding=padding)
    want = _pool_np(x, k, s, padding, np.max if pool == "max" else np.mean)
    np.testing.assert_allclose(session_run(y, init=True), want, rtol=1e-5, atol=1e-6)
    assert y.op.name == ("max_pooling2d/MaxPool" if pool == "max"
                         else "average_pooling2d/AvgPool")


def test_pooling_channels_first_and_errors():
    x = RNG.standard_normal((1, 2, 4, 4)).astype(np.float32)
    y = layers.max_pooling2d(x, 2, 2, data_format="channels_first")
    want = _pool_np(x.transpose(0, 2, 3, 1), 2, 2, "valid", np.max).transpose(0, 3, 1, 2)
    np.testing.assert_allclose(session_run(y, init=True), want)
    with pytest.raises(ValueError, match="expected ndim=4, found ndim=3"):
        layers.max_pooling2d(v1.placeholder(tf.float32, [4, 4, 3]), 2, 2)


@pytest.mark.parametrize("shape,placeholder", [
    ((2, 3, 4, 5), [None, 3, 4, 5]), ((2, 3), [None, 3]), ((4,), [None]),
    ((2, 3, 4), [2, None, 4]), ((2, 3, 4), [None, None, 4]), ((0, 3), [None, 3]),
    ((2, 3, 4), None)])
def test_flatten(shape, placeholder):
    x = RNG.standard_normal(shape).astype(np.float32)
    xp = v1.placeholder(tf.float32, placeholder)
    y = layers.flatten(xp)
    want = x.reshape(shape[0], int(np.prod(shape[1:])))
    np.testing.assert_array_equal(session_run(y, {xp: x}, init=True), want)
    assert y.shape.rank in ((2,) if placeholder is not None else (2, None))


def test_flatten_channels_first():
    x = RNG.standard_normal((2, 3, 2, 2)).astype(np.float32)
    y = layers.flatten(x, data_format="channels_first")
    np.testing.assert_array_equal(session_run(y, init=True), x.transpose(0, 2, 3, 1).reshape(2, -1))


# ---- dropout -----------------------------------------------------------------------

def test_dropout_inference_is_identity():
    x = RNG.standard_normal((3, 4)).astype(np.float32)
    xp = v1.placeholder(tf.float32, [None, 4])
    tr = v1.placeholder(tf.bool, [])
    a = layers.dropout(xp, 0.5)
    b = layers.dropout(xp, 0.5, training=tr)
    c = layers.dropout(xp, 0.0, training=True)
    d = layers.dropout(xp, 0.5, training=tf.constant(False))
    ra, rb, rc, rd = session_run([a, b, c, d], {xp: x, tr: False}, init=True)
    for r in (ra, rb, rc, rd):
        np.testing.assert_array_equal(r, x)
    assert a.op.name.startswith("dropout/") and b.op.name.startswith("dropout_1/")


@pytest.mark.parametrize("fed", [False, True])
def test_dropout_training_drops_and_scales(fed):
    x = np.ones((200, 50), np.float32)
    xp = v1.placeholder(tf.float32, [None, 50])
    tr = v1.placeholder(tf.bool, [])
    y = layers.dropout(xp, 0.25, training=tr if fed else True, seed=3)
    out = session_run(y, {xp: x, tr: True} if fed else {xp: x}, init=True)
    assert set(np.unique(out)) <= {0.0, np.float32(1 / 0.75)}
    assert 0.2 < np.mean(out == 0) < 0.3


def test_dropout_noise_shape_and_errors():
    x = np.ones((4, 3, 5), np.float32)
    xp = v1.placeholder(tf.float32, [None, 3, 5])
    y = layers.dropout(xp, 0.5, noise_shape=[None, 1, 5], training=True)
    out = session_run(y, {xp: x}, init=True)
    assert np.all(out == out[:, :1, :])
    with pytest.raises(ValueError, match="rate"):
        layers.dropout(xp, 1.5)


# ---- batch_normalization -------------------------------------------------------------

def _bn_np(x, gamma, beta, mean, var, eps, axis=-1):
    shape = [1] * x.ndim
    shape[axis] = -1
    r = lambda v: np.reshape(v, shape)  # noqa: E731
    return (x - r(mean)) / np.sqrt(r(var) + eps) * r(gamma) + r(beta)


def test_batch_normalization_variables():
    x = v1.placeholder(tf.float32, [None, 4, 4, 3])
    layers.batch_normalization(x)
    layers.batch_normalization(x, center=False, scale=False, name="bn")
    assert _vars() == [("batch_normalization/gamma:0", (3,)),
                       ("batch_normalization/beta:0", (3,)),
                       ("batch_normalization/moving_mean:0", (3,)),
                       ("batch_normalization/moving_variance:0", (3,)),
                       ("bn/moving_mean:0", (3,)), ("bn/moving_variance:0", (3,))]
    assert _vars("trainable_variables") == _vars()[:2]
    values = session_run(v1.global_variables(), init=True)
    for got, want in zip(values, [1, 0, 0, 1, 0, 1]):
        np.testing.assert_array_equal(got, np.full(3, want, np.float32))


@pytest.mark.parametrize("shape,axis,fused", [
    ((2, 4, 4, 3), -1, None), ((2, 3, 4, 4), 1, None), ((5, 3), -1, None),
    ((2, 3, 4), 1, None), ((2, 4, 4, 3), 3, False), ((2, 5, 3), -1, None)])
@pytest.mark.parametrize("epsilon", [1e-3, 1e-7])
def test_batch_normalization_inference_against_numpy(shape, axis, fused, epsilon):
    x = RNG.standard_normal(shape).astype(np.float32)
    c = shape[axis]
    gamma, beta, mean = (RNG.standard_normal(c).astype(np.float32) for _ in range(3))
    var = RNG.uniform(1e-5, 2e-5, c).astype(np.float32)
    xp = v1.placeholder(tf.float32, [None] + list(shape[1:]))
    y = layers.batch_normalization(xp, axis=axis, epsilon=epsilon, fused=fused)
    g, b, m, v = v1.global_variables()
    got = session_run(y, {xp: x}, values={g: gamma, b: beta, m: mean, v: var}, init=True)
    want = _bn_np(x.astype(np.float64), gamma, beta, mean, var, epsilon, axis)
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-3)
    assert y.shape.as_list() == [None] + list(shape[1:])


def test_batch_normalization_float64_multi_axis():
    x = RNG.standard_normal((2, 3, 4))
    y = layers.batch_normalization(x, axis=[1, 2])
    g, b, m, v = v1.global_variables()
    assert g.shape.as_list() == [1, 3, 4] and g.dtype == tf.float64
    vals = [RNG.standard_normal((1, 3, 4)) for _ in range(3)] + [RNG.uniform(1, 2, (1, 3, 4))]
    got = session_run(y, values=dict(zip((g, b, m, v), vals)), init=True)
    want = (x - vals[2]) / np.sqrt(vals[3] + 1e-3) * vals[0] + vals[1]
    np.testing.assert_allclose(got, want, rtol=1e-12)


def test_batch_normalization_reuse_and_training():
    x = RNG.standard_normal((6, 3)).astype(np.float32)
    xp = v1.placeholder(tf.float32, [None, 3])
    tr = v1.placeholder(tf.bool, [])
    a = layers.batch_normalization(xp, name="bn")
    b = layers.batch_normalization(xp, name="bn", reuse=True, training=tr)
    assert len(v1.global_variables()) == 4
    ra, rb_inf, rb_train = None, None, None
    with tf.Session() as sess:
        sess.run(v1.global_variables_initializer())
        ra, rb_inf = sess.run([a, b], {xp: x, tr: False})
        rb_train = sess.run(b, {xp: x, tr: True})
    np.testing.assert_allclose(ra, x / np.sqrt(1 + 1e-3), rtol=1e-6)
    np.testing.assert_array_equal(ra, rb_inf)
    want = (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-3)
    np.testing.assert_allclose(rb_train, want, rtol=1e-4, atol=1e-5)
    # The fed `training` adds the moving-average updates (decay 0 when fed False).
    assert len(v1.get_collection(v1.GraphKeys.UPDATE_OPS)) == 2


@pytest.mark.parametrize("fused", [None, False])
@pytest.mark.parametrize("training", ["python", "fed"])
def test_batch_normalization_training_updates(fused, training):
    """Batch statistics in the output; moving = moving * m + batch * (1 - m)
    after each run of the update ops (the fused path's batch variance with
    Bessel's correction, as TF's FusedBatchNorm gives it)."""
    x_batches = [RNG.standard_normal((3, 2, 2, 4)).astype(np.float32) * (i + 1) + i
                 for i in range(3)]
    xp = v1.placeholder(tf.float32, [None, 2, 2, 4])
    tr = v1.placeholder(tf.bool, [])
    y = layers.batch_normalization(xp, momentum=0.8, fused=fused,
                                   training=True if training == "python" else tr)
    updates = v1.get_collection(v1.GraphKeys.UPDATE_OPS)
    assert [u.name for u in updates] == ["batch_normalization/AssignMovingAvg",
                                         "batch_normalization/AssignMovingAvg_1"]
    moving_mean, moving_var = np.zeros(4), np.ones(4)
    with tf.Session() as sess:
        sess.run(v1.global_variables_initializer())
        for xb in x_batches:
            feed = {xp: xb, tr: True}
            out = sess.run([y] + updates, feed)[0]
            mean, var = xb.mean((0, 1, 2), dtype=np.float64), xb.var((0, 1, 2), dtype=np.float64)
            np.testing.assert_allclose(out, (xb - mean) / np.sqrt(var + 1e-3), rtol=1e-4,
                                       atol=1e-4)
            n = 12
            batch_var = var * n / (n - 1) if fused is None else var
            moving_mean = moving_mean * 0.8 + mean * 0.2
            moving_var = moving_var * 0.8 + batch_var * 0.2
        got_mean, got_var = sess.run(["batch_normalization/moving_mean:0",
                                      "batch_normalization/moving_variance:0"])
        np.testing.assert_allclose(got_mean, moving_mean, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(got_var, moving_var, rtol=1e-5)
        if training == "fed":
            sess.run(updates, {xp: x_batches[0] + 5, tr: False})
            np.testing.assert_allclose(sess.run("batch_normalization/moving_mean:0"),
                                       got_mean, rtol=0, atol=0)


def test_batch_normalization_errors():
    with pytest.raises(ValueError, match="Invalid axis"):
        layers.batch_normalization(v1.placeholder(tf.float32, [2, 3]), axis=2)
    with pytest.raises(ValueError, match="undefined `axis` dimension"):
        layers.batch_normalization(v1.placeholder(tf.float32, [2, None]))
    with pytest.raises(ValueError, match="fused=True"):
        layers.batch_normalization(v1.placeholder(tf.float32, [2, 3, 4, 5]), axis=[1, 2],
                                   fused=True)


# ---- fused_batch_norm ---------------------------------------------------------------

@pytest.mark.parametrize("data_format", ["NHWC", "NCHW"])
def test_fused_batch_norm_inference(data_format):
    shape = (2, 4, 3, 5) if data_format == "NHWC" else (2, 5, 4, 3)
    axis = -1 if data_format == "NHWC" else 1
    x = RNG.standard_normal(shape).astype(np.float32)
    scale, offset, mean = (RNG.standard_normal(5).astype(np.float32) for _ in range(3))
    var = RNG.uniform(0.5, 2, 5).astype(np.float32)
    y, m, v = tf.nn.fused_batch_norm(x, scale, offset, mean, var, epsilon=1e-3,
                                     data_format=data_format, is_training=False)
    ry, rm, rv = session_run([y, m, v], init=True)
    np.testing.assert_allclose(ry, _bn_np(x, scale, offset, mean, var, 1e-3, axis),
                               rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(rm, mean)
    np.testing.assert_array_equal(rv, var)


def test_fused_batch_norm_training_statistics():
    x = RNG.standard_normal((3, 2, 2, 4)).astype(np.float32)
    ones, zeros = np.ones(4, np.float32), np.zeros(4, np.float32)
    y, m, v = tf.nn.fused_batch_norm(x, ones, zeros, epsilon=0.0)
    y2, m2, v2 = v1.nn.fused_batch_norm(x, ones, zeros, mean=zeros, variance=ones,
                                        exponential_avg_factor=0.5)
    ry, rm, rv, rm2, rv2 = session_run([y, m, v, m2, v2], init=True)
    bm, bv = x.mean((0, 1, 2)), x.var((0, 1, 2))
    np.testing.assert_allclose(ry, (x - bm) / np.sqrt(bv), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(rm, bm, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(rv, bv * 12 / 11, rtol=1e-5)
    np.testing.assert_allclose(rm2, bm / 2, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(rv2, 0.5 + bv * 12 / 11 / 2, rtol=1e-5)


def test_fused_batch_norm_errors():
    x = np.zeros((2, 2, 2, 3), np.float32)
    c = np.zeros(3, np.float32)
    with pytest.raises(ValueError, match="Both `mean` and `variance`"):
        tf.nn.fused_batch_norm(x, c, c, is_training=False)
    with pytest.raises(ValueError, match="rank 4"):
        tf.nn.fused_batch_norm(np.zeros((2, 3), np.float32), c, c, c, c, is_training=False)
    with pytest.raises(ValueError, match="Dimensions must be equal"):
        tf.nn.fused_batch_norm(x, np.zeros(2, np.float32), c, c, c, is_training=False)
    with pytest.raises(TypeError, match="float64"):
        tf.nn.fused_batch_norm(x.astype(np.float64), c, c, c, c, is_training=False)


# ---- a small model ----------------------------------------------------------------

def test_small_cnn_against_numpy():
    x = RNG.standard_normal((2, 8, 8, 1)).astype(np.float32)
    xp = v1.placeholder(tf.float32, [None, 8, 8, 1])
    tr = v1.placeholder_with_default(False, [])
    h = layers.conv2d(xp, 4, 3, padding="same", activation=tf.nn.relu)
    h = layers.batch_normalization(h, training=tr)
    h = layers.max_pooling2d(h, 2, 2)
    h = layers.flatten(h)
    h = layers.dropout(h, 0.3, training=tr)
    logits = layers.dense(h, 5)
    assert [n for n, _ in _vars()] == [
        "conv2d/kernel:0", "conv2d/bias:0", "batch_normalization/gamma:0",
        "batch_normalization/beta:0", "batch_normalization/moving_mean:0",
        "batch_normalization/moving_variance:0", "dense/kernel:0", "dense/bias:0"]
    vals = {}
    for var in v1.global_variables():
        shape = var.shape.as_list()
        vals[var] = (RNG.uniform(0.5, 2, shape) if "variance" in var.name
                     else RNG.standard_normal(shape)).astype(np.float32)
    got = session_run(logits, {xp: x}, values=vals, init=True)
    w = [vals[var] for var in v1.global_variables()]
    hn = np.maximum(_conv_np(x, w[0], (1, 1), "same") + w[1], 0)
    hn = _bn_np(hn, w[2], w[3], w[4], w[5], 1e-3)
    hn = _pool_np(hn, 2, 2, "valid", np.max).reshape(2, -1)
    np.testing.assert_allclose(got, hn @ w[6] + w[7], rtol=1e-4, atol=1e-4)
