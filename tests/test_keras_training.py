"""tf.keras models, losses, metrics, optimizers and the backend in graph
mode against NumPy: the loss functions' formulas, one SGD step of fit
computed by hand, Sequential/functional/subclassed models, save and load of
weights, and the backend session."""

import numpy as np
import pytest

import fastgraph as tf

keras = tf.keras
RNG = np.random.default_rng(5)


@pytest.fixture(autouse=True)
def _fresh_graph():
    keras.backend.clear_session()
    yield
    keras.backend.clear_session()


def _value(t):
    return keras.backend.get_session().run(t)


def test_losses_match_numpy():
    p = RNG.uniform(0.05, 0.95, size=(4, 3)).astype(np.float32)
    p /= p.sum(1, keepdims=True)
    t = np.eye(3, dtype=np.float32)[[0, 2, 1, 1]]
    logits = RNG.normal(size=(4, 3)).astype(np.float32)
    eps = 1e-7
    cp = np.clip(p, eps, 1 - eps)
    got = _value([keras.losses.mse(t, p), keras.losses.mae(t, p),
                  keras.losses.categorical_crossentropy(t, p),
                  keras.losses.sparse_categorical_crossentropy(np.array([0, 2, 1, 1]), p),
                  keras.losses.binary_crossentropy(t, p),
                  keras.losses.categorical_crossentropy(t, logits, from_logits=True),
                  keras.losses.MeanSquaredError()(t, p)])
    log_sm = logits - np.log(np.exp(logits).sum(1, keepdims=True))
    want = [((t - p) ** 2).mean(1), np.abs(t - p).mean(1), -(t * np.log(cp)).sum(1),
            -(t * np.log(cp)).sum(1),
            -(t * np.log(cp + eps) + (1 - t) * np.log(1 - cp + eps)).mean(1),
            -(t * log_sm).sum(1), ((t - p) ** 2).mean()]
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)


def test_metrics_match_numpy():
    p = RNG.uniform(size=(6, 3)).astype(np.float32)
    labels = RNG.integers(0, 3, size=6)
    onehot = np.eye(3, dtype=np.float32)[labels]
    got = _value([keras.metrics.categorical_accuracy(onehot, p),
                  keras.metrics.sparse_categorical_accuracy(labels[:, None], p),
                  keras.metrics.binary_accuracy(onehot, p)])
    np.testing.assert_array_equal(got[0], p.argmax(1) == labels)
    np.testing.assert_array_equal(got[1], p.argmax(1) == labels)
    np.testing.assert_allclose(got[2], ((p > 0.5) == onehot).mean(1), rtol=1e-6)
    acc = keras.metrics.CategoricalAccuracy()
    update = acc.update_state(onehot, p)
    keras.backend.get_session().run(update)
    keras.backend.get_session().run(update)
    np.testing.assert_allclose(_value(acc.result()), (p.argmax(1) == labels).mean(),
                               rtol=1e-6)


def test_sgd_fit_step_matches_hand_computed():
    model = keras.Sequential([keras.layers.Dense(1, input_shape=(2,), use_bias=False)])
    w0 = np.array([[0.5], [-1.0]], np.float32)
    model.set_weights([w0])
    model.compile(keras.optimizers.SGD(0.1), "mse")
    x = RNG.normal(size=(4, 2)).astype(np.float32)
    y = RNG.normal(size=(4, 1)).astype(np.float32)
    history = model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
    w, losses = w0, []
    for _ in range(2):
        err = x @ w - y
        losses.append((err ** 2).mean())
        w = w - 0.1 * (2 * x.T @ err / len(x))
    np.testing.assert_allclose(history.history["loss"], losses, rtol=1e-5)
    np.testing.assert_allclose(model.get_weights()[0], w, rtol=1e-5)
    assert history.epoch == [0, 1]
    np.testing.assert_allclose(model.evaluate(x, y, verbose=0), ((x @ w - y) ** 2).mean(),
                               rtol=1e-5)


def test_fit_learns_and_reports_batch_weighted_means():
    x = RNG.normal(size=(64, 4)).astype(np.float32)
    labels = (x[:, 0] + x[:, 1] > 0).astype(np.int64)
    inputs = keras.Input((4,))
    h = keras.layers.Dense(16, activation="relu")(inputs)
    out = keras.layers.Dense(2, activation="softmax")(h)
    model = keras.Model(inputs, out)
    model.compile(keras.optimizers.Adam(0.05), "sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x, labels, batch_size=10, epochs=15, verbose=0, validation_split=0.25)
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
    assert history.history["accuracy"][-1] > 0.85
    probs = model.predict(x)
    assert probs.shape == (64, 2)
    np.testing.assert_allclose(probs.sum(1), 1, rtol=1e-5)
    loss, acc = model.evaluate(x, labels, batch_size=7, verbose=0)
    p = np.clip(probs[np.arange(64), labels], 1e-7, 1)
    np.testing.assert_allclose(loss, -np.log(p).mean(), rtol=1e-4)
    np.testing.assert_allclose(acc, (probs.argmax(1) == labels).mean(), rtol=1e-6)


def test_subclassed_model_and_train_on_batch():
    class Net(keras.Model):
        def __init__(self):
            super().__init__()
            self.hidden = keras.layers.Dense(3, activation="tanh")
            self.out = keras.layers.Dense(1)

        def call(self, inputs, training=None):
            return self.out(self.hidden(inputs))

    net = Net()
    net.compile("rmsprop", "mae")
    x = RNG.normal(size=(5, 2)).astype(np.float32)
    y = RNG.normal(size=(5, 1)).astype(np.float32)
    first = net.train_on_batch(x, y)
    assert [w.name for w in net.weights] == ["net/dense/kernel:0", "net/dense/bias:0",
                                             "net/dense_1/kernel:0", "net/dense_1/bias:0"]
    k1, b1, k2, b2 = net.get_weights()
    np.testing.assert_allclose(net.predict(x), np.tanh(x @ k1 + b1) @ k2 + b2, rtol=1e-5,
                               atol=1e-6)
    for _ in range(20):
        last = net.train_on_batch(x, y)
    assert last < first


def test_save_and_load_weights(tmp_path):
    def build():
        return keras.Sequential([keras.layers.Dense(3, input_shape=(2,)),
                                 keras.layers.BatchNormalization(), keras.layers.Dense(1)])
    model = build()
    x = RNG.normal(size=(4, 2)).astype(np.float32)
    before = model.predict(x)
    model.save_weights(str(tmp_path / "w"))
    keras.backend.clear_session()
    fresh = build()
    assert not np.allclose(fresh.predict(x), before)
    fresh.load_weights(str(tmp_path / "w"))
    np.testing.assert_allclose(fresh.predict(x), before, rtol=1e-6)
    reader = tf.train.load_checkpoint(str(tmp_path / "w"))
    assert sorted(reader.get_variable_to_shape_map()) == sorted(
        w.op.name for w in fresh.weights)


def test_backend_session_and_values():
    v = keras.backend.variable(np.arange(3.0), name="v")
    assert v.name == "v:0"
    np.testing.assert_array_equal(keras.backend.get_value(v), [0, 1, 2])
    keras.backend.set_value(v, [5.0, 6.0, 7.0])
    np.testing.assert_array_equal(keras.backend.eval(v), [5, 6, 7])
    x = keras.backend.placeholder(shape=(None, 3))
    f = keras.backend.function([x], [keras.backend.sum(x * v, axis=1)])
    np.testing.assert_allclose(f([np.ones((2, 3), np.float32)])[0], [18, 18])
    assert keras.backend.int_shape(x) == (None, 3)
    with tf.Session() as sess:
        assert keras.backend.get_session() is sess
    keras.backend.set_learning_phase(1)
    assert keras.backend.learning_phase() == 1


def test_to_categorical_and_initializers():
    np.testing.assert_array_equal(keras.utils.to_categorical([[1], [0], [2]], 3),
                                  np.eye(3)[[1, 0, 2]])
    limit = np.sqrt(6 / (30 + 20))
    values = _value(keras.initializers.GlorotUniform(seed=1)((30, 20)))
    assert values.shape == (30, 20) and np.abs(values).max() <= limit
    assert np.abs(values).max() > 0.9 * limit
    ortho = _value(keras.initializers.Orthogonal()((6, 4)))
    np.testing.assert_allclose(ortho.T @ ortho, np.eye(4), atol=1e-5)
    he = _value(keras.initializers.HeNormal()((2000, 50)))
    # Truncated at two stddevs of sqrt(2 / fan_in) / .8796...
    assert np.abs(he).max() <= 2 * np.sqrt(2 / 2000) / .87962566103423978 + 1e-6
    np.testing.assert_allclose(he.std(), np.sqrt(2 / 2000), rtol=0.05)


def test_compile_errors():
    model = keras.Sequential([keras.layers.Dense(1, input_shape=(2,))])
    with pytest.raises(RuntimeError, match="compile"):
        model.fit(np.ones((2, 2)), np.ones((2, 1)), verbose=0)
    with pytest.raises(ValueError, match="Unknown loss function"):
        model.compile("sgd", "nope")
        model.fit(np.ones((2, 2)), np.ones((2, 1)), verbose=0)
    with pytest.raises(ValueError, match="Unknown optimizer"):
        model.compile("nope", "mse")
