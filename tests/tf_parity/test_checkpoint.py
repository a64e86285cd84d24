"""End to end: a model built with tf.compat.v1.layers is initialised and saved
by TensorFlow, then rebuilt in fastgraph, restored with Saver, and run."""

import numpy as np
import pytest

import fastgraph as fg

tf = pytest.importorskip("tensorflow")


def _model(api, layers, x):
    h = layers.conv2d(x, 8, 3, padding="same", activation=api.nn.relu)
    h = layers.batch_normalization(h, training=False)
    h = layers.max_pooling2d(h, 2, 2)
    h = layers.flatten(h)
    h = layers.dense(h, 16, activation=api.nn.relu)
    return layers.dense(h, 3)


@pytest.mark.filterwarnings("ignore:`tf.layers:UserWarning")
def test_layers_model_saved_by_tensorflow_runs_in_fastgraph(tmp_path, v1_layers):
    x = np.random.default_rng(0).normal(size=(4, 8, 8, 3)).astype(np.float32)
    g = tf.Graph()
    with g.as_default():
        px = tf.compat.v1.placeholder(tf.float32, [None, 8, 8, 3])
        y = _model(tf, v1_layers, px)
        # Non-trivial batch-norm statistics, so the restore is seen.
        moving = [v for v in tf.compat.v1.global_variables() if "moving" in v.name]
        bumps = [v.assign(v + 0.5) for v in moving]
        saver = tf.compat.v1.train.Saver()
        with tf.compat.v1.Session() as sess:
            sess.run(tf.compat.v1.global_variables_initializer())
            sess.run(bumps)
            want = sess.run(y, {px: x})
            prefix = saver.save(sess, str(tmp_path / "model"))
    fgg = fg.Graph()
    with fgg.as_default():
        px = fg.compat.v1.placeholder(fg.float32, [None, 8, 8, 3])
        y = _model(fg, fg.compat.v1.layers, px)
        saver = fg.compat.v1.train.Saver()
        with fg.compat.v1.Session() as sess:
            saver.restore(sess, fg.train.latest_checkpoint(str(tmp_path)))
            assert prefix.endswith("model")
            got = sess.run(y, {px: x})
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)
