"""tf.compat.v1.layers and tf.nn.fused_batch_norm against TensorFlow: the same
small models built in TF1 graph mode and in fastgraph, their variables set
to the same values with assign, outputs compared (rtol 1e-5), and the lists
of global / trainable variable names and shapes compared.

TF 2.16+ routes tf.compat.v1.layers to Keras 2 (the `tf_keras` package);
without it these tests are skipped."""

import warnings

import numpy as np
import pytest

import fastgraph as fg

from .parity import assert_same

tf = pytest.importorskip("tensorflow")


@pytest.fixture
def tf_layers(tf_graph_mode, v1_layers):
    return v1_layers


def _run_both(tf_layers, build, feeds, seed=0, var_range=(0.5, 2)):
    """build(api, v1, layers) -> (fetches, {placeholder name: value});
    returns [(outputs, global vars, trainable vars, output names)] for
    fastgraph and TF."""
    results = []
    for api, layers in ((fg, fg.compat.v1.layers), (tf, tf_layers)):
        v1 = api.compat.v1
        g = v1.Graph() if api is tf else api.Graph()
        with g.as_default(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fetches, placeholders = build(api, v1, layers)
            names = [t.name for t in (fetches if isinstance(fetches, list) else [fetches])]
            global_vars = [(v.name, tuple(v.shape.as_list())) for v in v1.global_variables()]
            trainable = [(v.name, tuple(v.shape.as_list())) for v in v1.trainable_variables()]
            rng = np.random.default_rng(seed)
            assigns = []
            for v in v1.global_variables():
                shape = v.shape.as_list()
                value = rng.uniform(*var_range, shape) if "variance" in v.name \
                    else rng.standard_normal(shape)
                assigns.append(v1.assign(v, value.astype(v.dtype.as_numpy_dtype
                                                         if api is tf else v.dtype.np_dtype)))
            with v1.Session(graph=g) as sess:
                sess.run(v1.global_variables_initializer())
                sess.run(assigns)
                feed = {placeholders[k]: val for k, val in feeds.items()}
                results.append((sess.run(fetches, feed), global_vars, trainable, names))
    return results


def _check(results, rtol=1e-5, scaled=False):
    """Same variables, output names and values; `scaled` compares each
    output to 1e-5 of its largest magnitude (deep stacks of standard-normal
    weights grow values to 1e5, where float32 sums cancel)."""
    (ours, ours_g, ours_t, ours_n), (theirs, theirs_g, theirs_t, theirs_n) = results
    assert ours_g == theirs_g
    assert ours_t == theirs_t
    # Output tensor names as TF's (up to case: fastgraph's nn.batch_normalization
    # ends in "batchnorm/Add_1", TF's in "batchnorm/add_1").
    assert [n.lower() for n in ours_n] == [n.lower() for n in theirs_n]
    if scaled:
        for a, b in zip(ours, theirs):
            assert_same(a, b, rtol=rtol, atol=1e-5 * float(np.abs(b).max()))
    else:
        assert_same(ours, theirs, rtol=rtol)


RNG = np.random.default_rng(3)
X_IMG = RNG.standard_normal((2, 8, 8, 3)).astype(np.float32)
X_VEC = RNG.standard_normal((4, 6)).astype(np.float32)


def _cnn(api, v1, layers):
    x = v1.placeholder(api.float32, [None, 8, 8, 3], name="x")
    training = v1.placeholder(api.bool, [], name="training")
    h = layers.conv2d(x, 4, 3, padding="same", activation=api.nn.relu)
    h = layers.batch_normalization(h, training=False)
    h = layers.max_pooling2d(h, 2, 2)
    h = layers.conv2d(h, 6, (2, 3), strides=(1, 2), padding="valid", use_bias=False)
    h = layers.average_pooling2d(h, 2, 1, padding="same")
    h = layers.flatten(h)
    h = layers.dropout(h, 0.4, training=training)
    h = layers.dense(h, 8, activation=api.nn.tanh)
    logits = layers.dense(h, 3, name="logits")
    return logits, {"x": x, "training": training}


def test_small_cnn(tf_layers):
    _check(_run_both(tf_layers, _cnn, {"x": X_IMG, "training": False}))


def _mlp_scopes(api, v1, layers):
    x = v1.placeholder(api.float32, [None, 6], name="x")
    outs = []
    with v1.variable_scope("tower"):
        outs.append(layers.dense(x, 5, activation=api.nn.relu, name="fc1"))
        outs.append(layers.dense(outs[-1], 4))
    with v1.variable_scope("tower", reuse=True):
        h = layers.dense(x, 5, activation=api.nn.relu, name="fc1")
        outs.append(layers.dense(h, 4, name="dense", use_bias=True))
    with v1.variable_scope("shared", reuse=v1.AUTO_REUSE):
        outs.append(layers.dense(x, 2, name="head"))
        outs.append(layers.dense(x, 2, name="head"))
    seq = v1.reshape(x, [-1, 2, 3])
    outs.append(layers.dense(seq, 4, use_bias=False))
    outs.append(layers.dense(x, 3, trainable=False, name="frozen"))
    return outs, {"x": x}


def test_dense_scopes_reuse_and_rank3(tf_layers):
    _check(_run_both(tf_layers, _mlp_scopes, {"x": X_VEC}))


@pytest.mark.parametrize("shape,axis,fused,center,scale,epsilon", [
    ((2, 4, 4, 3), -1, None, True, True, 1e-3),
    ((2, 3, 4, 4), 1, None, True, False, 1e-3),
    ((2, 4, 4, 3), -1, None, False, True, 1e-7),
    ((2, 4, 4, 3), 3, False, True, True, 1e-7),
    ((5, 3), -1, None, True, True, 1e-3),
    ((2, 3, 4), 1, None, True, True, 1e-3),
    ((2, 3, 4), [1, 2], None, True, True, 1e-3),
])
def test_batch_normalization_inference(tf_layers, shape, axis, fused, center, scale, epsilon):
    data = RNG.standard_normal(shape).astype(np.float32)

    def build(api, v1, layers):
        x = v1.placeholder(api.float32, [None] + list(shape[1:]), name="x")
        y = layers.batch_normalization(x, axis=axis, fused=fused, center=center, scale=scale,
                                       epsilon=epsilon, name="bn")
        return y, {"x": x}
    # Small moving variances, so that epsilon matters.
    _check(_run_both(tf_layers, build, {"x": data}, var_range=(1e-5, 2e-5)))


def test_batch_normalization_fed_training_false(tf_layers):
    def build(api, v1, layers):
        x = v1.placeholder(api.float32, [None, 4, 4, 3], name="x")
        t = v1.placeholder(api.bool, [], name="t")
        return [layers.batch_normalization(x, training=t),
                layers.batch_normalization(x, training=t, fused=False)], {"x": x, "t": t}
    data = RNG.standard_normal((2, 4, 4, 3)).astype(np.float32)
    _check(_run_both(tf_layers, build, {"x": data, "t": False}))


def test_batch_normalization_fed_training_true_output(tf_layers):
    # TF also updates the moving statistics; fastgraph only gives the output.
    def build(api, v1, layers):
        x = v1.placeholder(api.float32, [None, 4, 4, 3], name="x")
        t = v1.placeholder(api.bool, [], name="t")
        return [layers.batch_normalization(x, training=t),
                layers.batch_normalization(x, training=t, fused=False)], {"x": x, "t": t}
    data = RNG.standard_normal((6, 4, 4, 3)).astype(np.float32)
    _check(_run_both(tf_layers, build, {"x": data, "t": True}), rtol=1e-4)


def test_layers_float64(tf_layers):
    def build(api, v1, layers):
        x = v1.placeholder(api.float64, [None, 5, 5, 2], name="x")
        h = layers.conv2d(x, 3, 2, activation=api.nn.relu)
        h = layers.batch_normalization(h)
        h = layers.flatten(h)
        return layers.dense(h, 2), {"x": x}
    data = RNG.standard_normal((2, 5, 5, 2))
    _check(_run_both(tf_layers, build, {"x": data}), rtol=1e-10)


@pytest.mark.parametrize("data_format", ["NHWC", "NCHW"])
@pytest.mark.parametrize("epsilon", [1e-3, 1e-8])
def test_fused_batch_norm_inference(data_format, epsilon):
    shape = (2, 3, 4, 5) if data_format == "NHWC" else (2, 5, 3, 4)
    x = RNG.standard_normal(shape).astype(np.float32)
    params = [RNG.standard_normal(5).astype(np.float32) for _ in range(3)]
    # Small variances: an epsilon of 1e-8 against, say, 1e-5 would show.
    params.append(RNG.uniform(1e-5, 2e-5, 5).astype(np.float32))
    out = []
    for api in (fg, tf):
        g = api.Graph() if api is fg else tf.Graph()
        with g.as_default():
            xp = api.compat.v1.placeholder(api.float32, shape)
            fetches = api.compat.v1.nn.fused_batch_norm(
                xp, *params, epsilon=epsilon, data_format=data_format, is_training=False)
            with api.compat.v1.Session(graph=g) as sess:
                # (identity: TF's grappler rewrites a fetched inference FusedBatchNormV3)
                out.append(sess.run([api.identity(t) for t in fetches], {xp: x}))
    for a, b in zip(*out):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-4)


def test_fused_batch_norm_training_outputs():
    x = RNG.standard_normal((3, 4, 2, 5)).astype(np.float32)
    scale, offset = RNG.standard_normal(5).astype(np.float32), np.zeros(5, np.float32)
    mean, var = np.zeros(5, np.float32), np.ones(5, np.float32)
    out = []
    for api in (fg, tf):
        g = api.Graph() if api is fg else tf.Graph()
        with g.as_default():
            xp = api.compat.v1.placeholder(api.float32, x.shape)
            a = api.compat.v1.nn.fused_batch_norm(xp, scale, offset, is_training=True)
            b = api.compat.v1.nn.fused_batch_norm(xp, scale, offset, mean, var,
                                                  is_training=True,
                                                  exponential_avg_factor=0.3)
            with api.compat.v1.Session(graph=g) as sess:
                out.append(sess.run(list(a) + list(b), {xp: x}))
    for a, b in zip(*out):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


X_SEQ = RNG.standard_normal((3, 10, 4)).astype(np.float32)


def _deconvs(padding, strides, data_format):
    def build(api, v1, layers):
        x = v1.placeholder(api.float32, [None, 8, 8, 3], name="x")
        h = x if data_format == "channels_last" else v1.transpose(x, [0, 3, 1, 2])
        h = layers.conv2d_transpose(h, 5, 3, strides=strides, padding=padding,
                                    data_format=data_format, activation=api.nn.relu)
        h = layers.Conv2DTranspose(2, (2, 3), strides=(2, 1), padding=padding,
                                   data_format=data_format, use_bias=False)(h)
        h = layers.separable_conv2d(h, 4, 3, padding=padding, depth_multiplier=2,
                                    data_format=data_format)
        loss = v1.reduce_sum(v1.square(h))
        grads = v1.gradients(loss, v1.trainable_variables())
        return [h] + grads, {"x": x}
    return build


@pytest.mark.parametrize("padding", ["same", "valid"])
@pytest.mark.parametrize("strides", [1, 2])
def test_conv2d_transpose_and_separable(tf_layers, padding, strides):
    # channels_last only: TF's CPU convolutions refuse NCHW.
    _check(_run_both(tf_layers, _deconvs(padding, strides, "channels_last"), {"x": X_IMG}),
           rtol=1e-4, scaled=True)


def _seq(api, v1, layers):
    x = v1.placeholder(api.float32, [None, 10, 4], name="x")
    h = layers.conv1d(x, 6, 3, padding="same", activation=api.nn.tanh)
    h = layers.max_pooling1d(h, 2, 2)
    h = layers.Conv1D(5, 2, strides=2, dilation_rate=1)(h)
    h = layers.average_pooling1d(h, 2, 1, padding="same")
    loss = v1.reduce_sum(h * h)
    return [h] + v1.gradients(loss, v1.trainable_variables()), {"x": x}


def test_conv1d_and_1d_pooling(tf_layers):
    _check(_run_both(tf_layers, _seq, {"x": X_SEQ}), rtol=1e-4, scaled=True)


def test_conv2d_transpose_unknown_spatial_dims(tf_layers):
    def build(api, v1, layers):
        x = v1.placeholder(api.float32, [None, None, None, 3], name="x")
        return layers.conv2d_transpose(x, 4, 3, strides=2, padding="valid"), {"x": x}
    _check(_run_both(tf_layers, build, {"x": X_IMG}), rtol=1e-4)
