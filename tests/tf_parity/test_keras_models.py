"""tf.keras in graph mode against TF-Keras 2 (tf_keras) in TensorFlow's
graph mode: the same model built in both, with equal weights, gives the
same variable names, predictions, gradients and SGD fit() losses."""

import numpy as np
import pytest

import fastgraph as fg

tf_keras = pytest.importorskip("tf_keras")

RNG = np.random.default_rng(7)


def _session(k):
    """The backend session: TF-Keras's v1 backend has get_session."""
    if k is fg.keras:
        return k.backend.get_session()
    import importlib
    return importlib.import_module("tf_keras.api._v1.keras.backend").get_session()


def _both(tf_graph_mode, build, compile_args=None):
    """(fastgraph model, TF model) from `build(keras)`, TF's weights copied
    into fastgraph's."""
    tf_keras.backend.clear_session()
    fg.keras.backend.clear_session()
    tf_model = build(tf_keras)
    fg_model = build(fg.keras)
    fg_model.set_weights(tf_model.get_weights())
    return fg_model, tf_model


def _mlp(k):
    x = k.Input((6,))
    h = k.layers.Dense(5, activation="relu", kernel_regularizer=k.regularizers.l2(0.01))(x)
    h = k.layers.BatchNormalization()(h)
    h = k.layers.Dropout(0.3)(h)
    y = k.layers.Dense(3, activation="softmax")(h)
    return k.Model(x, y)


def _cnn(k):
    return k.Sequential([
        k.layers.Conv2D(4, 3, padding="same", activation="relu", input_shape=(8, 8, 2)),
        k.layers.BatchNormalization(),
        k.layers.MaxPooling2D(),
        k.layers.DepthwiseConv2D(3, padding="same"),
        k.layers.SeparableConv2D(3, 3),
        k.layers.Conv2DTranspose(2, 3, strides=2),
        k.layers.AveragePooling2D(),
        k.layers.ZeroPadding2D(1),
        k.layers.UpSampling2D(),
        k.layers.GlobalAveragePooling2D(),
        k.layers.Dense(2),
    ])


def _merge(k):
    a, b = k.Input((4,)), k.Input((4,))
    da, db = k.layers.Dense(3)(a), k.layers.Dense(3)(b)
    out = k.layers.Concatenate()([k.layers.Add()([da, db]), k.layers.Multiply()([da, db]),
                                  k.layers.Subtract()([da, db]),
                                  k.layers.Average()([da, db])])
    out = k.layers.LeakyReLU(0.2)(out)
    out = k.layers.Dense(1, activation="sigmoid")(out)
    return k.Model([a, b], out)


def _conv1d(k):
    return k.Sequential([
        k.layers.Embedding(11, 4, input_length=7),
        k.layers.Conv1D(3, 2, padding="causal", activation="tanh"),
        k.layers.MaxPooling1D(2),
        k.layers.Flatten(),
        k.layers.Reshape((3, 3)),
        k.layers.GlobalMaxPooling1D(),
        k.layers.Dense(4),
        k.layers.Softmax(),
    ])


def _names(model):
    return [w.name for w in model.weights]


@pytest.mark.parametrize("build,x", [
    (_mlp, lambda: RNG.normal(size=(9, 6)).astype(np.float32)),
    (_cnn, lambda: RNG.normal(size=(5, 8, 8, 2)).astype(np.float32)),
    (_merge, lambda: [RNG.normal(size=(6, 4)).astype(np.float32) for _ in range(2)]),
    (_conv1d, lambda: RNG.integers(0, 11, size=(5, 7)).astype(np.int32)),
])
def test_names_and_predictions_match(tf_graph_mode, build, x):
    fg_model, tf_model = _both(tf_graph_mode, build)
    assert _names(fg_model) == _names(tf_model)
    data = x()
    np.testing.assert_allclose(fg_model.predict(data), tf_model.predict(data), rtol=1e-4,
                               atol=1e-5)


def test_gradients_match(tf_graph_mode):
    fg_model, tf_model = _both(tf_graph_mode, _mlp)
    x = RNG.normal(size=(8, 6)).astype(np.float32)
    y = np.eye(3, dtype=np.float32)[RNG.integers(0, 3, size=8)]
    grads = []
    for k, model, tfm in ((fg.keras, fg_model, fg), (tf_keras, tf_model, tf_graph_mode)):
        target = k.backend.placeholder(shape=(None, 3))
        # training=False: no dropout mask, so both compute the same function.
        out = model(model.inputs[0], training=False)
        loss = tfm.reduce_mean(k.losses.categorical_crossentropy(target, out)) + \
            tfm.add_n(model.losses)
        g = tfm.gradients(loss, model.trainable_weights)
        grads.append(_session(k).run(g, {model.inputs[0]: x, target: y}))
    for a, b in zip(*grads):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("loss,metric", [
    ("categorical_crossentropy", "accuracy"),
    ("mse", "mae"),
])
def test_sgd_fit_losses_match(tf_graph_mode, loss, metric):
    def build(k):
        x = k.Input((6,))
        h = k.layers.Dense(8, activation="tanh", kernel_regularizer=k.regularizers.l2(0.01))(x)
        h = k.layers.BatchNormalization()(h)
        y = k.layers.Dense(3, activation="softmax")(h)
        return k.Model(x, y)
    fg_model, tf_model = _both(tf_graph_mode, build)
    fg_model.compile(fg.keras.optimizers.SGD(0.1), loss, metrics=[metric])
    tf_model.compile(tf_keras.optimizers.legacy.SGD(0.1), loss, metrics=[metric])
    x = RNG.normal(size=(20, 6)).astype(np.float32)
    y = np.eye(3, dtype=np.float32)[RNG.integers(0, 3, size=20)]
    h_fg = fg_model.fit(x, y, batch_size=6, epochs=3, shuffle=False, verbose=0,
                        validation_data=(x[:5], y[:5]))
    h_tf = tf_model.fit(x, y, batch_size=6, epochs=3, shuffle=False, verbose=0,
                        validation_data=(x[:5], y[:5]))
    assert sorted(h_fg.history) == sorted(h_tf.history)
    for key in h_tf.history:
        np.testing.assert_allclose(h_fg.history[key], h_tf.history[key], rtol=1e-4,
                                   atol=1e-5, err_msg=key)
    for a, b in zip(fg_model.get_weights(), tf_model.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(fg_model.evaluate(x, y, verbose=0),
                               tf_model.evaluate(x, y, verbose=0), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("fg_opt,tf_opt", [
    (lambda k: k.optimizers.Adam(0.01), lambda k: k.optimizers.legacy.Adam(0.01)),
    (lambda k: k.optimizers.RMSprop(0.01), lambda k: k.optimizers.legacy.RMSprop(0.01)),
    (lambda k: k.optimizers.Adagrad(0.1), lambda k: k.optimizers.legacy.Adagrad(0.1)),
    (lambda k: k.optimizers.SGD(0.05, momentum=0.9, nesterov=True),
     lambda k: k.optimizers.legacy.SGD(0.05, momentum=0.9, nesterov=True)),
])
def test_optimizers_train_on_batch_match(tf_graph_mode, fg_opt, tf_opt):
    def build(k):
        return k.Sequential([k.layers.Dense(4, activation="relu", input_shape=(3,)),
                             k.layers.Dense(2)])
    fg_model, tf_model = _both(tf_graph_mode, build)
    fg_model.compile(fg_opt(fg.keras), "mse")
    tf_model.compile(tf_opt(tf_keras), "mse")
    x = RNG.normal(size=(8, 3)).astype(np.float32)
    y = RNG.normal(size=(8, 2)).astype(np.float32)
    for _ in range(4):
        a = fg_model.train_on_batch(x, y)
        b = tf_model.train_on_batch(x, y)
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)
    for a, b in zip(fg_model.get_weights(), tf_model.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)


def test_sparse_labels_and_logits(tf_graph_mode):
    def build(k):
        return k.Sequential([k.layers.Dense(4, input_shape=(5,))])
    fg_model, tf_model = _both(tf_graph_mode, build)
    for k, model in ((fg.keras, fg_model), (tf_keras, tf_model)):
        model.compile(k.optimizers.SGD(0.2) if k is fg.keras else k.optimizers.legacy.SGD(0.2),
                      k.losses.SparseCategoricalCrossentropy(from_logits=True),
                      metrics=["accuracy"])
    x = RNG.normal(size=(12, 5)).astype(np.float32)
    y = RNG.integers(0, 4, size=12)
    a = fg_model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0).history
    b = tf_model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0).history
    for key in b:
        np.testing.assert_allclose(a[key], b[key], rtol=1e-4, atol=1e-6)


def test_weights_checkpoint_round_trip_with_tf(tf_graph_mode, tmp_path):
    fg_model, tf_model = _both(tf_graph_mode, _cnn)
    x = RNG.normal(size=(3, 8, 8, 2)).astype(np.float32)
    # TF-Keras's object-based checkpoint, read by fastgraph.
    tf_model.save_weights(str(tmp_path / "tf_ckpt"))
    fg.keras.backend.clear_session()
    fresh = _cnn(fg.keras)
    fresh.load_weights(str(tmp_path / "tf_ckpt"))
    np.testing.assert_allclose(fresh.predict(x), tf_model.predict(x), rtol=1e-4, atol=1e-5)
    # fastgraph's name-based checkpoint, read by TF's Saver by variable names.
    fresh.save_weights(str(tmp_path / "fg_ckpt"))
    reader = tf_graph_mode.train.load_checkpoint(str(tmp_path / "fg_ckpt"))
    for w, value in zip(tf_model.weights, tf_model.get_weights()):
        np.testing.assert_array_equal(reader.get_tensor(w.op.name), value)


def test_summary_matches(tf_graph_mode):
    def build(k):
        return k.Sequential([k.layers.Dense(4, input_shape=(3,)), k.layers.Dropout(0.1),
                             k.layers.Dense(2)])
    fg_model, tf_model = _both(tf_graph_mode, build)
    lines = [], []
    fg_model.summary(print_fn=lines[0].append)
    tf_model.summary(print_fn=lines[1].append)
    assert lines[0] == lines[1]


def _recurrent(k):
    x = k.Input((5, 3))
    a = k.layers.LSTM(4, return_sequences=True)(x)
    b = k.layers.GRU(3, return_sequences=True, go_backwards=True)(a)
    c = k.layers.SimpleRNN(2, return_sequences=True)(b)
    d = k.layers.TimeDistributed(k.layers.Dense(3))(c)
    e = k.layers.Bidirectional(k.layers.LSTM(2))(d)
    f, h, s = k.layers.LSTM(3, return_state=True)(d)
    return k.Model(x, k.layers.Concatenate()([e, f, h, s]))


def test_recurrent_layers_match(tf_graph_mode):
    fg_model, tf_model = _both(tf_graph_mode, _recurrent)
    assert _names(fg_model) == _names(tf_model)
    x = RNG.normal(size=(4, 5, 3)).astype(np.float32)
    np.testing.assert_allclose(fg_model.predict(x), tf_model.predict(x), rtol=1e-4, atol=1e-5)



def test_recurrent_fit_losses_match(tf_graph_mode):
    # TF's graph-mode while loops need their intermediates kept to be
    # differentiated ("Connecting to invalid output" otherwise).
    tf_graph_mode.compat.v1.experimental.output_all_intermediates(True)
    try:
        _check_recurrent_fit(tf_graph_mode)
    finally:
        tf_graph_mode.compat.v1.experimental.output_all_intermediates(False)


def _check_recurrent_fit(tf_graph_mode):
    def build(k):
        return k.Sequential([k.layers.LSTM(4, return_sequences=True, input_shape=(5, 3)),
                             k.layers.GRU(3, go_backwards=True), k.layers.Dense(2)])
    fg_model, tf_model = _both(tf_graph_mode, build)
    x = RNG.normal(size=(6, 5, 3)).astype(np.float32)
    y = RNG.normal(size=(6, 2)).astype(np.float32)
    for k, model in ((fg.keras, fg_model), (tf_keras, tf_model)):
        opt = k.optimizers.SGD(0.1) if k is fg.keras else k.optimizers.legacy.SGD(0.1)
        model.compile(opt, "mse")
    a = fg_model.fit(x, y, batch_size=2, epochs=2, shuffle=False, verbose=0).history["loss"]
    b = tf_model.fit(x, y, batch_size=2, epochs=2, shuffle=False, verbose=0).history["loss"]
    np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)
    for u, v in zip(fg_model.get_weights(), tf_model.get_weights()):
        np.testing.assert_allclose(u, v, rtol=1e-4, atol=1e-5)
