"""TF1 SavedModels written and loaded by fastgraph: the builder's layout,
tags and signatures, simple_save, and TF's errors for unknown tags and
malformed files."""

import numpy as np
import pytest

import fastgraph as tf

sm = tf.compat.v1.saved_model


def _model(g):
    with g.as_default():
        x = tf.placeholder(tf.float32, [None, 2], name="x")
        w = tf.Variable(np.array([[1.0, -1.0], [2.0, 0.5]], np.float32), name="w")
        y = tf.nn.relu(tf.matmul(x, w), name="y")
    return x, w, y


def test_builder_and_loader_round_trip(tmp_path):
    export = str(tmp_path / "m")
    g = tf.Graph()
    x, w, y = _model(g)
    feed = np.array([[1.0, 2.0], [3.0, -1.0]], np.float32)
    with tf.Session(graph=g) as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(w.assign(w * 2.0))
        want = sess.run(y, {x: feed})
        builder = sm.builder.SavedModelBuilder(export)
        sig = sm.signature_def_utils.predict_signature_def({"x": x}, {"y": y})
        builder.add_meta_graph_and_variables(sess, [sm.tag_constants.SERVING],
                                             signature_def_map={"serving_default": sig})
        with g.as_default():
            builder.add_meta_graph([sm.tag_constants.TRAINING])
        builder.save()
    assert sm.loader.maybe_saved_model_directory(export) and sm.contains_saved_model(export)
    assert not sm.contains_saved_model(str(tmp_path))
    with tf.Graph().as_default() as g2:
        with tf.Session(graph=g2) as sess:
            mg = sm.loader.load(sess, ["serve"], export)
            sig = mg.signature_def["serving_default"]
            assert sig.method_name == "tensorflow/serving/predict"
            assert sig.inputs["x"].name == "x:0" and sig.outputs["y"].name == "y:0"
            assert [d.size for d in sig.inputs["x"].tensor_shape.dim] == [-1, 2]
            got = sess.run(sig.outputs["y"].name, {sig.inputs["x"].name: feed})
    np.testing.assert_array_equal(got, want)
    with tf.Graph().as_default() as g3, tf.Session(graph=g3) as sess:
        with pytest.raises(RuntimeError, match=r"MetaGraphDef associated with tags \['nope'\] "
                           "could not be found in SavedModel"):
            sm.loader.load(sess, ["nope"], export)
    with pytest.raises(AssertionError, match="Export directory already exists"):
        sm.builder.SavedModelBuilder(export)


def test_simple_save_as_text_and_bad_files(tmp_path):
    g = tf.Graph()
    x, w, y = _model(g)
    with tf.Session(graph=g) as sess:
        sess.run(tf.global_variables_initializer())
        sm.simple_save(sess, str(tmp_path / "s"), {"x": x}, {"y": y})
        b = sm.builder.SavedModelBuilder(str(tmp_path / "t"))
        b.add_meta_graph_and_variables(sess, ["serve"])
        b.save(as_text=True)
    for d in ("s", "t"):
        with tf.Graph().as_default() as g2, tf.Session(graph=g2) as sess:
            sm.loader.load(sess, ["serve"], str(tmp_path / d))
            np.testing.assert_array_equal(sess.run("w:0"), [[1.0, -1.0], [2.0, 0.5]])
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "saved_model.pb").write_bytes(b"\x12\x09\x0a\x01")
    with tf.Graph().as_default() as g3, tf.Session(graph=g3) as sess:
        with pytest.raises(OSError, match="Cannot parse file"):
            sm.loader.load(sess, ["serve"], str(tmp_path / "bad"))


def _vocab_model(g, vocab_path):
    with g.as_default():
        words = tf.placeholder(tf.string, [None], name="words")
        table = tf.compat.v1.lookup.index_table_from_file(vocab_path, default_value=-1)
        ids = tf.identity(table.lookup(words), name="ids")
    return words, ids


def test_assets_are_copied_and_fed_to_the_init_op(tmp_path):
    vocab = tmp_path / "vocab.txt"
    vocab.write_text("apple\nbanana\ncherry\n")
    export = str(tmp_path / "m")
    g = tf.Graph()
    words, ids = _vocab_model(g, str(vocab))
    with g.as_default():
        step = tf.Variable(0, name="step")
        train = step.assign_add(1)
        init = tf.group(tf.compat.v1.tables_initializer(), name="init_op")
    with tf.Session(graph=g) as sess:
        sess.run([step.initializer, init])
        builder = sm.builder.SavedModelBuilder(export)
        builder.add_meta_graph_and_variables(
            sess, ["serve"], {"serving_default": sm.signature_def_utils.predict_signature_def(
                {"words": words}, {"ids": ids})},
            assets_list=g.get_collection(tf.GraphKeys.ASSET_FILEPATHS), init_op=init,
            train_op=train)
        builder.save()
    vocab.unlink()  # the loaded model reads its own copy
    assert (tmp_path / "m" / "assets" / "vocab.txt").read_text() == "apple\nbanana\ncherry\n"
    with tf.Graph().as_default() as g2, tf.Session(graph=g2) as sess:
        mg = sm.loader.load(sess, ["serve"], export)
        assert [a.filename for a in mg.asset_file_def] == ["vocab.txt"]
        assert mg.signature_def["__saved_model_init_op"].outputs[
            "__saved_model_init_op"].name == "init_op"
        train_name = mg.signature_def["__saved_model_train_op"].outputs[
            "__saved_model_train_op"].name
        got = sess.run("ids:0", {"words:0": np.array([b"cherry", b"kiwi", b"apple"], object)})
        np.testing.assert_array_equal(got, [2, -1, 0])
        assert sess.run(train_name + ":0") == 1


def test_simple_save_keeps_assets_and_legacy_init_op(tmp_path):
    vocab = tmp_path / "words.txt"
    vocab.write_text("x\ny\n")
    g = tf.Graph()
    words, ids = _vocab_model(g, str(vocab))
    with g.as_default():
        init = tf.compat.v1.tables_initializer()
    with tf.Session(graph=g) as sess:
        sess.run(init)
        sm.simple_save(sess, str(tmp_path / "m"), {"words": words}, {"ids": ids},
                       legacy_init_op=init)
    vocab.write_text("changed\n")
    with tf.Graph().as_default() as g2, tf.Session(graph=g2) as sess:
        sm.loader.load(sess, ["serve"], str(tmp_path / "m"))
        np.testing.assert_array_equal(
            sess.run("ids:0", {"words:0": np.array([b"y", b"x"], object)}), [1, 0])
