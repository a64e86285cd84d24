"""End to end: a model built with tf.compat.v1.layers is initialised and saved
by TensorFlow, then rebuilt in fastgraph, restored with Saver, and run."""

import os

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


# -- checkpoints written by fastgraph ---------------------------------------

DTYPES = [np.float32, np.float64, np.int8, np.int16, np.int32, np.int64, np.uint8, np.bool_]
SHAPES = [(), (0,), (4,), (2, 0, 3), (2, 3)]


def _values():
    rng = np.random.default_rng(0)
    out = {}
    for dtype in DTYPES:
        for i, shape in enumerate(SHAPES):
            if np.dtype(dtype) == np.bool_:
                v = rng.integers(0, 2, shape).astype(bool)
            elif np.dtype(dtype).kind == "f":
                v = (rng.normal(size=shape) * 100).astype(dtype)
            else:
                info = np.iinfo(dtype)
                v = rng.integers(info.min, info.max, shape, dtype=dtype, endpoint=True)
            out[f"vars/{np.dtype(dtype).name}_{i}"] = v
    return out


def _save_with(api, path, values, steps=(None,), **saver_kwargs):
    """Saves `values` as variables with `api`'s Saver once per step; returns
    the prefixes."""
    g = api.Graph()
    with g.as_default():
        for name, v in values.items():
            api.compat.v1.Variable(v, name=name)
        saver = api.compat.v1.train.Saver(**saver_kwargs)
        with api.compat.v1.Session() as sess:
            sess.run(api.compat.v1.global_variables_initializer())
            return [saver.save(sess, str(path), global_step=s, write_meta_graph=False)
                    for s in steps]


def _restore_with(api, prefix, values):
    g = api.Graph()
    with g.as_default():
        made = {k: api.compat.v1.Variable(np.zeros_like(v), name=k) for k, v in values.items()}
        saver = api.compat.v1.train.Saver()
        with api.compat.v1.Session() as sess:
            saver.restore(sess, prefix)
            return sess.run(made)


def _assert_exactly(got, want):
    assert sorted(got) == sorted(want)
    for k, v in want.items():
        g = np.asarray(got[k])
        assert g.dtype == v.dtype and g.shape == v.shape, k
        np.testing.assert_array_equal(g, v)


def test_checkpoint_written_by_fastgraph_is_restored_by_tensorflow(tmp_path):
    values = _values()
    prefix, = _save_with(fg, tmp_path / "model", values)
    _assert_exactly(_restore_with(tf, prefix, values), values)
    reader = tf.train.load_checkpoint(prefix)
    assert reader.get_variable_to_shape_map() == {k: list(v.shape) for k, v in values.items()}
    _assert_exactly({k: reader.get_tensor(k) for k in values}, values)
    assert tf.train.latest_checkpoint(str(tmp_path)) == prefix


def test_fastgraph_writes_the_bytes_tensorflow_writes(tmp_path):
    # Long names, so the index has several 256 KiB blocks and index keys.
    values = {f"layer_{i:03d}/" + "w" * 2000: np.full((2, i % 4), i, np.float32)
              for i in range(300)}
    values.update(_values())
    os.makedirs(tmp_path / "fg")
    os.makedirs(tmp_path / "tf")
    ours, = _save_with(fg, tmp_path / "fg" / "m", values)
    theirs, = _save_with(tf, tmp_path / "tf" / "m", values)
    for suffix in (".index", ".data-00000-of-00001"):
        with open(ours + suffix, "rb") as a, open(theirs + suffix, "rb") as b:
            assert a.read() == b.read(), suffix
    assert len(open(ours + ".index", "rb").read()) > 2 * 262144


def test_checkpoint_written_by_tensorflow_with_every_dtype_is_read_exactly(tmp_path):
    values = _values()
    values["vars/float16"] = np.array([[1.5, -2.0, 65504.0], [6e-8, 0.0, -0.0]], np.float16)
    values["vars/uint16"] = np.array([0, 65535], np.uint16)
    prefix, = _save_with(tf, tmp_path / "model", values)
    reader = fg.train.NewCheckpointReader(prefix)
    _assert_exactly({k: reader.get_tensor(k) for k in values}, values)
    del values["vars/float16"], values["vars/uint16"]  # no fastgraph variables of these
    _assert_exactly(_restore_with(fg, prefix, values), values)


def test_max_to_keep_and_state_file_as_tensorflow(tmp_path):
    values = {"v": np.arange(3, dtype=np.int64)}
    for api in (fg, tf):
        os.makedirs(tmp_path / api.__name__)
        _save_with(api, tmp_path / api.__name__ / "model.ckpt", values, steps=range(0, 50, 10),
                   max_to_keep=3)
    listing = {api: sorted(os.listdir(tmp_path / api)) for api in ("fastgraph", "tensorflow")}
    assert listing["fastgraph"] == listing["tensorflow"]
    texts = {api: (tmp_path / api / "checkpoint").read_text().replace(str(tmp_path / api), "")
             for api in ("fastgraph", "tensorflow")}
    assert texts["fastgraph"] == texts["tensorflow"]
    state = tf.train.get_checkpoint_state(str(tmp_path / "fastgraph"))
    kept = [str(tmp_path / "fastgraph" / f"model.ckpt-{s}") for s in (20, 30, 40)]
    assert state.model_checkpoint_path == kept[-1]
    assert list(state.all_model_checkpoint_paths) == kept
    ours = fg.train.get_checkpoint_state(str(tmp_path / "tensorflow"))
    theirs = tf.train.get_checkpoint_state(str(tmp_path / "tensorflow"))
    assert ours.model_checkpoint_path == theirs.model_checkpoint_path
    assert ours.all_model_checkpoint_paths == list(theirs.all_model_checkpoint_paths)


def test_state_file_text_matches_protobufs_text_format(tmp_path):
    from google.protobuf import text_format
    from tensorflow.python.training.checkpoint_state_pb2 import CheckpointState

    paths = ["plain/m-1", 'qu"ote\\back\tslash/ü\x01\x7f\x80\u2028m-2']
    stamps = [1.5, 1700000000.25]
    theirs = CheckpointState(model_checkpoint_path=paths[-1], all_model_checkpoint_paths=paths,
                             all_model_checkpoint_timestamps=stamps,
                             last_preserved_timestamp=12.0)
    ours = fg.train.checkpoint_management.CheckpointState(paths[-1], paths, stamps, 12.0)
    assert ours.to_text() == text_format.MessageToString(theirs)
    parsed = CheckpointState()
    text_format.Merge(ours.to_text(), parsed)
    assert parsed == theirs
    fg.train.update_checkpoint_state(str(tmp_path), paths[-1], paths)
    state = tf.train.get_checkpoint_state(str(tmp_path))
    assert list(state.all_model_checkpoint_paths) == [str(tmp_path / p) for p in paths]


def test_restore_errors_as_tensorflow(tmp_path):
    prefix, = _save_with(fg, tmp_path / "m", {"w": np.ones((2, 3), np.float32)})
    for api in (fg, tf):
        g = api.Graph()
        with g.as_default():
            missing = api.compat.v1.Variable(1.0, name="not_there")
            wrong = api.compat.v1.Variable(np.zeros((2, 3)), name="w")
            with api.compat.v1.Session() as sess:
                with pytest.raises(api.errors.NotFoundError,
                                   match="Key not_there not found in checkpoint"):
                    api.compat.v1.train.Saver([missing]).restore(sess, prefix)
                with pytest.raises(api.errors.InvalidArgumentError,
                                   match="tensor_name = w; expected dtype double does not "
                                         "equal original dtype float"):
                    api.compat.v1.train.Saver([wrong]).restore(sess, prefix)
                with pytest.raises(ValueError, match="not a valid checkpoint"):
                    api.compat.v1.train.Saver([wrong]).restore(sess, prefix + "-nope")


@pytest.mark.parametrize("suffix,pos", [(".data-00000-of-00001", 3), (".index", 20),
                                        (".index", -50), (".index", -3)])
def test_a_corrupted_checkpoint_is_data_loss_in_both(tmp_path, suffix, pos):
    prefix, = _save_with(tf, tmp_path / "m", {"a": np.arange(6, dtype=np.float32)})
    path = prefix + suffix
    raw = bytearray(open(path, "rb").read())
    raw[pos] ^= 0x40
    open(path, "wb").write(bytes(raw))
    for api in (fg, tf):
        g = api.Graph()
        with g.as_default():
            a = api.compat.v1.Variable(np.zeros(6, np.float32), name="a")
            with api.compat.v1.Session() as sess:
                with pytest.raises(api.errors.DataLossError):
                    api.compat.v1.train.Saver([a]).restore(sess, prefix)
