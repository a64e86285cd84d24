"""SavedModels written by TF2's `tf.saved_model.save`, loaded into a
fastgraph session with `tf.compat.v1.saved_model.loader.load`: the
signatures give what TensorFlow's own loaded model gives."""

import numpy as np
import pytest

import fastgraph as fg

tf = pytest.importorskip("tensorflow")

RNG = np.random.default_rng(11)


def _load_and_run(export_dir, feeds_by_key, signature="serving_default"):
    with fg.Session(graph=fg.Graph()) as sess:
        mg = fg.compat.v1.saved_model.loader.load(sess, ["serve"], export_dir)
        sig = mg.signature_def[signature]
        keys = sorted(sig.outputs)
        got = sess.run([sig.outputs[k].name for k in keys],
                       {sig.inputs[k].name: v for k, v in feeds_by_key.items()})
    return dict(zip(keys, got))


def _tf_run(export_dir, feeds_by_key, signature="serving_default"):
    fn = tf.saved_model.load(export_dir).signatures[signature]
    return {k: v.numpy() for k, v in fn(**{k: tf.constant(v) for k, v in
                                           feeds_by_key.items()}).items()}


def _check(export_dir, feeds_by_key, rtol=1e-5):
    got, want = _load_and_run(export_dir, feeds_by_key), _tf_run(export_dir, feeds_by_key)
    assert sorted(got) == sorted(want)
    for k in want:
        np.testing.assert_allclose(got[k], want[k], rtol=rtol, atol=1e-5)


class _Dense(tf.Module):
    def __init__(self):
        super().__init__()
        self.w = tf.Variable(RNG.standard_normal((3, 4)).astype(np.float32), name="w")
        self.b = tf.Variable(RNG.standard_normal((4,)).astype(np.float32), name="b")
        self.steps = tf.Variable(3, name="steps")

    @tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32, name="x")])
    def __call__(self, x):
        h = tf.nn.relu(tf.matmul(x, self.w) + self.b)
        # A loop over a variable's value, in the traced function.
        h = tf.while_loop(lambda i, v: i < self.steps, lambda i, v: (i + 1, v * 0.9 + 0.1),
                          [tf.constant(0), h])[1]
        return {"probs": tf.nn.softmax(h), "top": tf.argmax(h, axis=1)}


def test_a_module_with_variables_a_loop_and_two_outputs(tmp_path):
    m = _Dense()
    tf.saved_model.save(m, str(tmp_path), signatures=m.__call__)
    _check(str(tmp_path), {"x": RNG.standard_normal((5, 3)).astype(np.float32)})


def test_restored_variables_are_the_checkpoints(tmp_path):
    m = _Dense()
    tf.saved_model.save(m, str(tmp_path), signatures=m.__call__)
    with fg.Session(graph=fg.Graph()) as sess:
        fg.compat.v1.saved_model.loader.load(sess, ["serve"], str(tmp_path))
        w = sess.run(sess.graph.get_operation_by_name("w").outputs[0])
    np.testing.assert_array_equal(w, m.w.numpy())


def test_a_keras_model(tmp_path):
    keras = pytest.importorskip("tf_keras")
    model = keras.Sequential([
        keras.layers.Conv2D(4, 3, activation="relu", input_shape=(8, 8, 2)),
        keras.layers.BatchNormalization(),
        keras.layers.MaxPooling2D(),
        keras.layers.Flatten(),
        keras.layers.Dense(5, activation="softmax"),
    ])
    tf.saved_model.save(model, str(tmp_path))
    sig = tf.saved_model.load(str(tmp_path)).signatures["serving_default"]
    (name,) = sig.structured_input_signature[1]
    _check(str(tmp_path), {name: RNG.standard_normal((2, 8, 8, 2)).astype(np.float32)})


def test_unknown_tags_raise_tf_runtime_error(tmp_path):
    m = _Dense()
    tf.saved_model.save(m, str(tmp_path), signatures=m.__call__)
    with fg.Session(graph=fg.Graph()) as sess:
        with pytest.raises(RuntimeError, match="could not be found in SavedModel"):
            fg.compat.v1.saved_model.loader.load(sess, ["train"], str(tmp_path))
