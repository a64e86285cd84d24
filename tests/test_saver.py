"""tf.train.Saver.save: checkpoints written and read back by fastgraph for
every variable dtype and shape (scalars, empty tensors), the step suffixes,
the `checkpoint` state file, max_to_keep and keep_checkpoint_every_n_hours,
and TF's errors. TensorFlow reading these files is in tf_parity/."""

import os

import numpy as np
import pytest

import fastgraph as tf
from fastgraph.train.checkpoint_writer import write_checkpoint

DTYPES = [np.float32, np.float64, np.int8, np.int16, np.int32, np.int64, np.uint8, np.bool_]
SHAPES = [(), (0,), (3,), (2, 0, 4), (2, 3), (1, 2, 1, 3)]


def _value(dtype, shape, seed):
    rng = np.random.default_rng(seed)
    if np.dtype(dtype) == np.bool_:
        return rng.integers(0, 2, shape).astype(bool)
    if np.dtype(dtype).kind == "f":
        return (rng.normal(size=shape) * 1e3).astype(dtype)
    info = np.iinfo(dtype)
    return rng.integers(info.min, info.max, shape, dtype=dtype, endpoint=True)


def _values():
    return {f"v/{np.dtype(d).name}_{i}": _value(d, s, i) for d in DTYPES
            for i, s in enumerate(SHAPES)}


def _save(path, values, **save_kwargs):
    g = tf.Graph()
    with g.as_default():
        for name, v in values.items():
            tf.Variable(v, name=name)
        saver = tf.train.Saver()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            return saver.save(sess, str(path), **save_kwargs)


def test_round_trip_of_every_dtype_and_shape(tmp_path):
    values = _values()
    prefix = _save(tmp_path / "model", values)
    assert prefix == str(tmp_path / "model")
    assert sorted(os.listdir(tmp_path)) == ["checkpoint", "model.data-00000-of-00001",
                                            "model.index", "model.meta"]
    reader = tf.train.NewCheckpointReader(prefix)
    assert reader.get_variable_to_shape_map() == {k: list(v.shape) for k, v in values.items()}
    for name, want in values.items():
        got = reader.get_tensor(name)
        assert got.dtype == want.dtype and got.shape == want.shape
        np.testing.assert_array_equal(got, want)
    # ... and restored into variables of another graph by name.
    g = tf.Graph()
    with g.as_default():
        zeros = {k: tf.Variable(np.zeros_like(v), name=k) for k, v in values.items()}
        saver = tf.train.Saver()
        g.finalize()
        with tf.Session() as sess:
            saver.restore(sess, prefix)
            got = sess.run(zeros)
    for name, want in values.items():
        assert got[name].dtype == want.dtype
        np.testing.assert_array_equal(got[name], want)


def test_writer_handles_float16_and_unsigned_arrays(tmp_path):
    # Arrays fastgraph has no variables of, but TF checkpoints hold.
    values = {"h": np.array([1.5, -0.0, np.inf, 6e-8], np.float16), "hs": np.float16(2.0),
              "big": np.arange(300_000, dtype=np.float32)}
    write_checkpoint(tmp_path / "w", values)
    for name, want in values.items():
        got = tf.train.load_variable(str(tmp_path / "w"), name)
        assert got.dtype == want.dtype and got.shape == np.shape(want)
        np.testing.assert_array_equal(got, want)


def test_global_step_as_int_tensor_and_variable_and_padding(tmp_path):
    g = tf.Graph()
    with g.as_default():
        step = tf.Variable(np.int64(42), name="global_step")
        tf.Variable([1.0, 2.0], name="w")
        saver = tf.train.Saver(pad_step_number=False)
        padded = tf.train.Saver(pad_step_number=True)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            base = str(tmp_path / "model.ckpt")
            assert saver.save(sess, base, global_step=100) == base + "-100"
            assert saver.save(sess, base, global_step=np.int32(7)) == base + "-7"
            assert saver.save(sess, base, global_step=step) == base + "-42"
            assert saver.save(sess, base, global_step=step.value() + 1) == base + "-43"
            assert saver.save(sess, base, global_step="global_step:0") == base + "-42"
            assert padded.save(sess, base, global_step=5) == base + "-00000005"
            assert tf.train.load_variable(base + "-42", "global_step") == 42
            np.testing.assert_array_equal(tf.train.load_variable(base + "-100", "w"), [1, 2])


def test_state_file_latest_and_max_to_keep_deletes_old_files(tmp_path):
    g = tf.Graph()
    with g.as_default():
        v = tf.Variable(0, name="v")
        bump = v.assign_add(1)
        saver = tf.train.Saver(max_to_keep=2)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for step in range(1, 5):
                sess.run(bump)
                saver.save(sess, str(tmp_path / "m"), global_step=step)
    kept = [str(tmp_path / "m-3"), str(tmp_path / "m-4")]
    assert saver.last_checkpoints == kept
    assert sorted(os.listdir(tmp_path)) == sorted(
        ["checkpoint"] + [f"m-{i}.{ext}" for i in (3, 4)
                          for ext in ("index", "data-00000-of-00001", "meta")])
    text = (tmp_path / "checkpoint").read_text()
    assert text == (f'model_checkpoint_path: "{kept[1]}"\n'
                    f'all_model_checkpoint_paths: "{kept[0]}"\n'
                    f'all_model_checkpoint_paths: "{kept[1]}"\n')
    state = tf.train.get_checkpoint_state(str(tmp_path))
    assert state.model_checkpoint_path == kept[1]
    assert state.all_model_checkpoint_paths == kept
    assert tf.train.latest_checkpoint(str(tmp_path)) == kept[1]
    assert tf.train.load_variable(str(tmp_path), "v") == 4  # a directory: its latest
    assert tf.train.load_checkpoint(str(tmp_path)).get_tensor("v") == 4
    assert tf.train.load_checkpoint(kept[0]).get_tensor("v") == 3


def test_max_to_keep_none_keeps_all_and_relative_paths(tmp_path):
    g = tf.Graph()
    with g.as_default():
        tf.Variable(1.0, name="v")
        keep_all = tf.train.Saver(max_to_keep=None, save_relative_paths=True)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for step in range(7):
                keep_all.save(sess, str(tmp_path / "m"), global_step=step)
    assert len([f for f in os.listdir(tmp_path) if f.endswith(".index")]) == 7
    # Nothing is recorded when all are kept; the state names the latest,
    # relative to the directory.
    assert (tmp_path / "checkpoint").read_text() == ('model_checkpoint_path: "m-6"\n'
                                                     'all_model_checkpoint_paths: "m-6"\n')
    assert tf.train.latest_checkpoint(str(tmp_path)) == str(tmp_path / "m-6")


def test_keep_checkpoint_every_n_hours_keeps_one_beyond_max_to_keep(tmp_path, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr("fastgraph.train.saver.time.time", lambda: clock[0])
    g = tf.Graph()
    with g.as_default():
        tf.Variable(1.0, name="v")
        saver = tf.train.Saver(max_to_keep=1, keep_checkpoint_every_n_hours=1.0)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for step, t in enumerate([1000.0, 2000.0, 5000.0, 5100.0, 5200.0, 9000.0]):
                clock[0] = t
                saver.save(sess, str(tmp_path / "m"), global_step=step)
    # The first mark is 1000 + 3600 s: m-2 (written at 5000) is the first
    # one beyond it to leave the list, so it stays; the next mark is 8200.
    left = sorted(f[:-6] for f in os.listdir(tmp_path) if f.endswith(".index"))
    assert left == ["m-2", "m-5"]


def test_write_state_false_and_custom_latest_filename(tmp_path):
    g = tf.Graph()
    with g.as_default():
        tf.Variable(1.0, name="v")
        saver = tf.train.Saver()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            saver.save(sess, str(tmp_path / "a"), write_state=False)
            assert not (tmp_path / "checkpoint").exists()
            saver.save(sess, str(tmp_path / "b"), latest_filename="state")
    assert tf.train.latest_checkpoint(str(tmp_path), "state") == str(tmp_path / "b")
    assert tf.train.latest_checkpoint(str(tmp_path)) is None


def test_update_and_get_checkpoint_state_with_relative_dir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    os.mkdir("run")
    tf.train.update_checkpoint_state("run", "run/m-2", ["run/m-1", "run/m-2"])
    assert (tmp_path / "run" / "checkpoint").read_text() == (
        'model_checkpoint_path: "m-2"\nall_model_checkpoint_paths: "m-1"\n'
        'all_model_checkpoint_paths: "m-2"\n')
    state = tf.train.get_checkpoint_state("run")
    assert state.model_checkpoint_path == os.path.join("run", "m-2")
    assert state.all_model_checkpoint_paths == [os.path.join("run", "m-1"),
                                                os.path.join("run", "m-2")]
    (tmp_path / "run" / "checkpoint").write_text("not_a_field: 1\n")
    assert tf.train.get_checkpoint_state("run") is None
    (tmp_path / "run" / "checkpoint").write_text('all_model_checkpoint_paths: "x"\n')
    with pytest.raises(ValueError, match="Invalid checkpoint state"):
        tf.train.get_checkpoint_state("run")
    assert tf.train.get_checkpoint_state("nowhere") is None
    with pytest.raises(RuntimeError, match="conflicts"):
        tf.train.update_checkpoint_state(str(tmp_path), str(tmp_path / "checkpoint"))


def test_var_list_forms_and_errors(tmp_path):
    g = tf.Graph()
    with g.as_default():
        a = tf.Variable([1.0, 2.0], name="a")
        b = tf.Variable(3, name="b")
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            prefix = tf.train.Saver({"renamed/a": a, "b": b}).save(sess, str(tmp_path / "d"))
            assert [n for n, _ in tf.train.list_variables(prefix)] == ["b", "renamed/a"]
            prefix = tf.train.Saver([b]).save(sess, str(tmp_path / "l"))
            assert tf.train.list_variables(prefix) == [("b", [])]
        with pytest.raises(ValueError, match="At least two variables have the same name: a"):
            tf.train.Saver([a, a])
        with pytest.raises(ValueError, match="The same saveable will be restored with two "
                                             "names"):
            tf.train.Saver({"x": a, "y": a})
        with pytest.raises(ValueError, match="Slices must all be slices"):
            tf.train.Saver({"x": [a, b]})
        with pytest.raises(ValueError, match="Slices must all be Variables"):
            tf.train.Saver({"x": [tf.constant(1.0)]})
        with pytest.raises(TypeError, match="Name is not a string"):
            tf.train.Saver({1: a})
        with pytest.raises(TypeError, match="dict or a list"):
            tf.train.Saver(a)
        with pytest.raises(TypeError, match="not a Variable"):
            tf.train.Saver([tf.constant(1.0)])
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="No variables to save"):
            tf.train.Saver()
        empty = tf.train.Saver(allow_empty=True)
        with tf.Session() as sess:
            assert empty.save(sess, str(tmp_path / "e")) is None
            empty.restore(sess, str(tmp_path / "e"))
    assert not (tmp_path / "e.index").exists()


def test_save_errors(tmp_path):
    g = tf.Graph()
    with g.as_default():
        v = tf.Variable(1.0, name="v")
        saver = tf.train.Saver()
        with tf.Session() as sess:
            with pytest.raises(tf.errors.FailedPreconditionError):
                saver.save(sess, str(tmp_path / "m"))  # not initialized
            sess.run(v.initializer)
            with pytest.raises(ValueError, match="Parent directory of .* doesn't exist"):
                saver.save(sess, str(tmp_path / "no" / "m"))
            with pytest.raises(ValueError, match="must not contain path components"):
                saver.save(sess, str(tmp_path / "m"), latest_filename="a/b")
            with pytest.raises(ValueError, match="collides with 'save_path'"):
                saver.save(sess, str(tmp_path / "checkpoint"))
            with pytest.raises(TypeError, match="must be a Session"):
                saver.save("sess", str(tmp_path / "m"))
    assert not any(f.endswith(".index") for f in os.listdir(tmp_path))


def test_restore_errors_name_dtype_shape(tmp_path):
    prefix = _save(tmp_path / "m", {"w": np.ones((2, 3), np.float32)})
    g = tf.Graph()
    with g.as_default():
        missing = tf.Variable(1.0, name="nope")
        wrong_dtype = tf.Variable(np.zeros((2, 3)), name="w")
        with tf.Session() as sess:
            with pytest.raises(tf.errors.NotFoundError,
                               match="Key nope not found in checkpoint"):
                tf.train.Saver([missing]).restore(sess, prefix)
            with pytest.raises(tf.errors.InvalidArgumentError,
                               match="expected dtype double does not equal original dtype "
                                     "float"):
                tf.train.Saver([wrong_dtype]).restore(sess, prefix)
            wrong_shape = tf.Variable(np.zeros((3, 2), np.float32), name="w2")
            with pytest.raises(tf.errors.InvalidArgumentError,
                               match=r"lhs shape= \[3,2\] rhs shape= \[2,3\]"):
                tf.train.Saver({"w": wrong_shape}).restore(sess, prefix)


def test_resaving_the_same_prefix_replaces_it(tmp_path):
    g = tf.Graph()
    with g.as_default():
        v = tf.Variable(1.0, name="v")
        saver = tf.train.Saver(max_to_keep=2)
        with tf.Session() as sess:
            sess.run(v.initializer)
            saver.save(sess, str(tmp_path / "m"))
            sess.run(v.assign(5.0))
            saver.save(sess, str(tmp_path / "m"))
    assert saver.last_checkpoints == [str(tmp_path / "m")]
    assert tf.train.load_variable(str(tmp_path / "m"), "v") == 5.0
    assert not [f for f in os.listdir(tmp_path) if "tempstate" in f or ".tmp" in f]


def test_training_saved_mid_way_resumes_where_it_stopped(tmp_path):
    # Gradient descent on least squares, its gradient written out as graph
    # ops: 3 steps, save; a new graph restored from the save and run 3 steps
    # ends where 6 uninterrupted steps end (NumPy's own descent).
    rng = np.random.default_rng(0)
    x = rng.normal(size=(8, 3)).astype(np.float32)
    y = rng.normal(size=(8, 1)).astype(np.float32)

    def build():
        w = tf.Variable(np.zeros((3, 1), np.float32), name="w")
        step = tf.Variable(np.int64(0), name="global_step")
        grad = (2 / 8) * tf.matmul(x, tf.matmul(x, w) - y, transpose_a=True)
        train = tf.group(w.assign_sub(0.1 * grad), step.assign_add(1))
        return w, step, train

    want = np.zeros((3, 1), np.float32)
    for _ in range(6):
        want = want - 0.1 * (2 / 8) * x.T @ (x @ want - y)
    with tf.Graph().as_default():
        w, step, train = build()
        saver = tf.train.Saver()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for _ in range(3):
                sess.run(train)
            prefix = saver.save(sess, str(tmp_path / "model.ckpt"), global_step=step)
    assert prefix.endswith("model.ckpt-3")
    with tf.Graph().as_default():
        w, step, train = build()
        saver = tf.train.Saver()
        with tf.Session() as sess:
            saver.restore(sess, tf.train.latest_checkpoint(str(tmp_path)))
            for _ in range(3):
                sess.run(train)
            np.testing.assert_allclose(sess.run(w), want, rtol=1e-5, atol=1e-6)
            assert sess.run(step) == 6
