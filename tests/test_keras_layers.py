"""tf.keras layers in graph mode against NumPy: each layer's output for
weights set from NumPy, its variables' names and shapes, the learning
phase (Dropout, BatchNormalization), and the regularization losses."""

import numpy as np
import pytest

import fastgraph as tf

keras = tf.keras
RNG = np.random.default_rng(3)


@pytest.fixture(autouse=True)
def _fresh_graph():
    keras.backend.clear_session()
    yield
    keras.backend.clear_session()


def _run(fetch, feed):
    return keras.backend.get_session().run(fetch, feed)


def test_dense_names_shapes_and_values():
    x = keras.Input((3,))
    layer = keras.layers.Dense(2, activation="relu")
    y = layer(x)
    assert [w.name for w in layer.weights] == ["dense/kernel:0", "dense/bias:0"]
    assert layer.kernel.shape.as_list() == [3, 2]
    k, b = RNG.normal(size=(3, 2)).astype(np.float32), np.array([0.5, -0.5], np.float32)
    layer.set_weights([k, b])
    data = RNG.normal(size=(4, 3)).astype(np.float32)
    np.testing.assert_allclose(_run(y, {x: data}), np.maximum(data @ k + b, 0), rtol=1e-5)
    second = keras.layers.Dense(1)
    second(x)
    assert second.weights[0].name == "dense_1/kernel:0"


def test_dense_on_rank3_contracts_last_axis():
    x = keras.Input((5, 3))
    layer = keras.layers.Dense(4)
    y = layer(x)
    assert y.shape.as_list() == [None, 5, 4]
    k, b = layer.get_weights()
    data = RNG.normal(size=(2, 5, 3)).astype(np.float32)
    np.testing.assert_allclose(_run(y, {x: data}), data @ k + b, rtol=1e-5, atol=1e-6)


def _conv2d_ref(x, k, stride=1):
    n, h, w, _ = x.shape
    kh, kw, _, f = k.shape
    oh, ow = (h - kh) // stride + 1, (w - kw) // stride + 1
    out = np.zeros((n, oh, ow, f), np.float32)
    for i in range(oh):
        for j in range(ow):
            patch = x[:, i * stride:i * stride + kh, j * stride:j * stride + kw, :]
            out[:, i, j, :] = np.tensordot(patch, k, axes=([1, 2, 3], [0, 1, 2]))
    return out


def test_conv2d_valid_matches_numpy():
    x = keras.Input((6, 6, 2))
    layer = keras.layers.Conv2D(3, 3, strides=1)
    y = layer(x)
    assert [w.name for w in layer.weights] == ["conv2d/kernel:0", "conv2d/bias:0"]
    assert layer.kernel.shape.as_list() == [3, 3, 2, 3]
    assert y.shape.as_list() == [None, 4, 4, 3]
    assert layer.compute_output_shape((None, 6, 6, 2)) == (None, 4, 4, 3)
    k, b = layer.get_weights()
    data = RNG.normal(size=(2, 6, 6, 2)).astype(np.float32)
    np.testing.assert_allclose(_run(y, {x: data}), _conv2d_ref(data, k) + b, rtol=1e-4,
                               atol=1e-5)


def test_pooling_flatten_reshape_padding_upsampling():
    x = keras.Input((4, 4, 1))
    data = RNG.normal(size=(2, 4, 4, 1)).astype(np.float32)
    mx = keras.layers.MaxPooling2D()(x)
    av = keras.layers.AveragePooling2D()(x)
    gap = keras.layers.GlobalAveragePooling2D()(x)
    gmp = keras.layers.GlobalMaxPooling2D()(x)
    flat = keras.layers.Flatten()(x)
    resh = keras.layers.Reshape((2, 8))(x)
    pad = keras.layers.ZeroPadding2D(1)(x)
    up = keras.layers.UpSampling2D((2, 3))(x)
    got = _run([mx, av, gap, gmp, flat, resh, pad, up], {x: data})
    blocks = data.reshape(2, 2, 2, 2, 2, 1)
    np.testing.assert_allclose(got[0], blocks.max(axis=(2, 4)))
    np.testing.assert_allclose(got[1], blocks.mean(axis=(2, 4)), rtol=1e-6)
    np.testing.assert_allclose(got[2], data.mean(axis=(1, 2)), rtol=1e-6)
    np.testing.assert_allclose(got[3], data.max(axis=(1, 2)))
    np.testing.assert_array_equal(got[4], data.reshape(2, 16))
    np.testing.assert_array_equal(got[5], data.reshape(2, 2, 8))
    np.testing.assert_array_equal(got[6], np.pad(data, [(0, 0), (1, 1), (1, 1), (0, 0)]))
    np.testing.assert_array_equal(got[7], data.repeat(2, axis=1).repeat(3, axis=2))
    assert up.shape.as_list() == [None, 8, 12, 1]


def test_merge_and_activation_layers():
    a, b = keras.Input((3,)), keras.Input((3,))
    da, db = RNG.normal(size=(2, 3)).astype(np.float32), RNG.normal(size=(2, 3)).astype(
        np.float32)
    outs = [keras.layers.Add()([a, b]), keras.layers.Subtract()([a, b]),
            keras.layers.Multiply()([a, b]), keras.layers.Average()([a, b]),
            keras.layers.Concatenate()([a, b]), keras.layers.Maximum()([a, b]),
            keras.layers.LeakyReLU(0.1)(a), keras.layers.ReLU(max_value=0.5)(a),
            keras.layers.Softmax()(a), keras.layers.Activation("tanh")(a)]
    got = _run(outs, {a: da, b: db})
    e = np.exp(da - da.max(axis=1, keepdims=True))
    want = [da + db, da - db, da * db, (da + db) / 2, np.concatenate([da, db], 1),
            np.maximum(da, db), np.where(da > 0, da, 0.1 * da), np.clip(da, 0, 0.5),
            e / e.sum(axis=1, keepdims=True), np.tanh(da)]
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)


def test_embedding_lookup():
    x = keras.Input((3,), dtype="int32")
    layer = keras.layers.Embedding(5, 2)
    y = layer(x)
    assert layer.weights[0].name == "embedding/embeddings:0"
    table = layer.get_weights()[0]
    assert np.all(np.abs(table) <= 0.05)
    ids = np.array([[0, 4, 2], [1, 1, 3]], np.int32)
    np.testing.assert_array_equal(_run(y, {x: ids}), table[ids])


def test_dropout_follows_learning_phase():
    x = keras.Input((1000,))
    y = keras.layers.Dropout(0.5)(x)
    data = np.ones((2, 1000), np.float32)
    np.testing.assert_array_equal(_run(y, {x: data}), data)
    dropped = _run(y, {x: data, keras.backend.learning_phase(): True})
    assert set(np.unique(dropped)) <= {0.0, 2.0}
    assert 0.4 < (dropped == 0).mean() < 0.6


def test_batch_normalization_training_and_moving_updates():
    x = keras.Input((3,))
    layer = keras.layers.BatchNormalization(momentum=0.9)
    y = layer(x)
    assert [w.name for w in layer.weights] == [
        "batch_normalization/gamma:0", "batch_normalization/beta:0",
        "batch_normalization/moving_mean:0", "batch_normalization/moving_variance:0"]
    assert len(layer.trainable_weights) == 2 and len(layer.updates) == 2
    data = RNG.normal(loc=2.0, size=(8, 3)).astype(np.float32)
    # Inference: the moving statistics (0 and 1 to start).
    np.testing.assert_allclose(_run(y, {x: data}), data / np.sqrt(1 + 1e-3), rtol=1e-5)
    phase = keras.backend.learning_phase()
    out = _run([y] + layer.updates, {x: data, phase: True})[0]
    mean, var = data.mean(0), data.var(0)
    np.testing.assert_allclose(out, (data - mean) / np.sqrt(var + 1e-3), rtol=1e-4, atol=1e-5)
    mm, mv = keras.backend.batch_get_value([layer.moving_mean, layer.moving_variance])
    np.testing.assert_allclose(mm, 0.1 * mean, rtol=1e-5)
    np.testing.assert_allclose(mv, 0.9 + 0.1 * var, rtol=1e-5)
    # Outside training the updates change nothing.
    _run(layer.updates, {x: data})
    np.testing.assert_allclose(keras.backend.get_value(layer.moving_mean), 0.1 * mean,
                               rtol=1e-5)


def test_regularization_losses():
    x = keras.Input((2,))
    layer = keras.layers.Dense(3, kernel_regularizer=keras.regularizers.l2(0.1),
                               bias_regularizer=keras.regularizers.l1(0.5))
    layer(x)
    k, b = layer.get_weights()
    got = _run(layer.losses, {})
    np.testing.assert_allclose(sorted(got), sorted([0.1 * (k ** 2).sum(), 0.5 * np.abs(b).sum()]),
                               rtol=1e-5)


def test_simple_rnn_matches_numpy_loop():
    x = keras.Input((4, 2))
    layer = keras.layers.SimpleRNN(3, return_sequences=True)
    y = layer(x)
    assert [w.name for w in layer.weights] == [
        "simple_rnn/simple_rnn_cell/kernel:0", "simple_rnn/simple_rnn_cell/recurrent_kernel:0",
        "simple_rnn/simple_rnn_cell/bias:0"]
    k, r, b = layer.get_weights()
    np.testing.assert_allclose(r @ r.T, np.eye(3), atol=1e-5)  # orthogonal
    data = RNG.normal(size=(2, 4, 2)).astype(np.float32)
    h = np.zeros((2, 3), np.float32)
    want = []
    for t in range(4):
        h = np.tanh(data[:, t] @ k + h @ r + b)
        want.append(h)
    np.testing.assert_allclose(_run(y, {x: data}), np.stack(want, 1), rtol=1e-4, atol=1e-5)


def test_lstm_forget_bias_and_shapes():
    x = keras.Input((5, 2))
    layer = keras.layers.LSTM(3, return_state=True)
    out, h, c = layer(x)
    assert out.shape.as_list() == [None, 3] and c.shape.as_list() == [None, 3]
    bias = layer.get_weights()[2]
    np.testing.assert_array_equal(bias, np.r_[np.zeros(3), np.ones(3), np.zeros(6)])


def test_layer_argument_errors():
    with pytest.raises(TypeError, match="Keyword argument not understood"):
        keras.layers.Dense(2, bogus=1)
    with pytest.raises(ValueError, match="Unknown activation function"):
        keras.layers.Dense(2, activation="nope")
    with pytest.raises(ValueError, match="expected min_ndim=2"):
        keras.layers.Dense(2)(tf.placeholder(tf.float32, [3]))
    layer = keras.layers.Dense(2)
    layer(keras.Input((3,)))
    with pytest.raises(ValueError, match="expecting 2 weights"):
        layer.set_weights([np.zeros((3, 2))])


def test_tf1_program_with_keras_layers_and_a_session(tmp_path):
    x = tf.placeholder(tf.float32, [None, 4])
    h = keras.layers.Dense(8, activation="relu")(x)
    y = keras.layers.Dense(1)(h)
    loss = tf.reduce_mean(tf.square(y - 1.0))
    train = tf.train.GradientDescentOptimizer(0.05).minimize(loss)
    assert [v.op.name for v in tf.trainable_variables()] == [
        "dense/kernel", "dense/bias", "dense_1/kernel", "dense_1/bias"]
    data = RNG.normal(size=(16, 4)).astype(np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first = sess.run(loss, {x: data})
        for _ in range(30):
            sess.run(train, {x: data})
        assert sess.run(loss, {x: data}) < first
        path = tf.train.Saver().save(sess, str(tmp_path / "model"))
    reader = tf.train.load_checkpoint(path)
    assert sorted(reader.get_variable_to_shape_map()) == [
        "dense/bias", "dense/kernel", "dense_1/bias", "dense_1/kernel"]
