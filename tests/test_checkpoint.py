"""Restoring TensorFlow V2 checkpoints: tests/data/ckpt was written by TF
2.21's tf.compat.v1.train.Saver (150 float32 kernels layer_NNN/kernel =
normal(rng 0, (2, 3)) + NNN, and a few scalars of other dtypes)."""

import pathlib

import numpy as np
import pytest

import fastgraph as tf

CKPT = pathlib.Path(__file__).parent / "data" / "ckpt"


def _kernels():
    rng = np.random.default_rng(0)
    return {f"layer_{i:03d}/kernel": rng.normal(size=(2, 3)).astype(np.float32) + i
            for i in range(150)}


SCALARS = {"scalars/f64": np.float64(2.5), "scalars/i32": np.array([1, -2, 3], np.int32),
           "scalars/i64": np.array([[7, 8]], np.int64),
           "scalars/flag": np.array([True, False]), "scalars/u8": np.arange(5, dtype=np.uint8)}


def test_reader_lists_and_reads_every_tensor():
    prefix = tf.train.latest_checkpoint(str(CKPT))
    assert prefix is not None and prefix.endswith("model-3")
    reader = tf.train.NewCheckpointReader(prefix)
    want = {**_kernels(), **SCALARS}
    shapes = reader.get_variable_to_shape_map()
    assert shapes == {k: list(np.shape(v)) for k, v in want.items()}
    for name, value in want.items():
        got = reader.get_tensor(name)
        assert got.dtype == np.asarray(value).dtype
        np.testing.assert_array_equal(got, value)
    assert [n for n, _ in tf.train.list_variables(str(CKPT))] == sorted(want)


def test_saver_restores_into_a_session_of_a_finalized_graph():
    g = tf.Graph()
    with g.as_default():
        kernels = {k: tf.compat.v1.get_variable(k, shape=[2, 3]) for k in _kernels()}
        i64 = tf.Variable(np.zeros((1, 2), np.int64), name="scalars/i64")
        flag = tf.Variable([False, True], name="scalars/flag")
        saver = tf.compat.v1.train.Saver()
        total = tf.add_n(list(kernels.values()))
        g.finalize()
        with tf.Session() as sess:
            saver.restore(sess, str(CKPT / "model-3"))
            np.testing.assert_allclose(sess.run(total), sum(_kernels().values()), rtol=1e-5)
            assert sess.run(i64).tolist() == [[7, 8]]
            assert sess.run(flag).tolist() == [True, False]


def test_restore_a_subset_under_other_names():
    g = tf.Graph()
    with g.as_default():
        w = tf.Variable(np.zeros((2, 3), np.float32), name="w")
        saver = tf.train.Saver({"layer_007/kernel": w})
        with tf.Session() as sess:
            saver.restore(sess, str(CKPT))  # a directory with a `checkpoint` file
            np.testing.assert_array_equal(sess.run(w), _kernels()["layer_007/kernel"])


def test_errors():
    g = tf.Graph()
    with g.as_default():
        missing = tf.Variable(np.zeros(3, np.float32), name="not_there")
        wrong = tf.Variable(np.zeros((3, 2), np.float32), name="layer_000/kernel")
        with tf.Session() as sess:
            with pytest.raises(tf.errors.NotFoundError, match="not_there"):
                tf.train.Saver([missing]).restore(sess, str(CKPT / "model-3"))
            with pytest.raises(tf.errors.InvalidArgumentError, match="shape"):
                tf.train.Saver([wrong]).restore(sess, str(CKPT / "model-3"))
            with pytest.raises(ValueError, match="not a valid checkpoint"):
                tf.train.Saver([wrong]).restore(sess, str(CKPT / "nope-1"))
            with pytest.raises(ValueError, match="None"):
                tf.train.Saver([wrong]).restore(sess, None)
    assert tf.train.latest_checkpoint(str(CKPT / "empty")) is None
