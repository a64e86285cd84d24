"""TF1 SavedModels between fastgraph and TensorFlow: TF's loader takes
fastgraph's, fastgraph's loader takes those TF's builder writes, with the
same values and signatures."""

import numpy as np
import pytest

import fastgraph as fg

tf = pytest.importorskip("tensorflow")
v1 = tf.compat.v1


def test_tensorflow_loads_fastgraphs_saved_model(tmp_path):
    export = str(tmp_path / "fg")
    g = fg.Graph()
    with g.as_default():
        x = fg.compat.v1.placeholder(fg.float32, [None, 2], name="x")
        w = fg.Variable(np.array([[1.0, -1.0], [2.0, 0.5]], np.float32), name="w")
        y = fg.nn.softmax(fg.matmul(x, w), name="y")
        feed = np.array([[1.0, 2.0], [3.0, -1.0]], np.float32)
        with fg.Session(graph=g) as sess:
            sess.run(fg.compat.v1.global_variables_initializer())
            sess.run(w.assign(w * 3.0))
            want = sess.run(y, {x: feed})
            fg.compat.v1.saved_model.simple_save(sess, export, {"x": x}, {"y": y})
    with tf.Graph().as_default() as tg, v1.Session(graph=tg) as sess:
        mg = v1.saved_model.loader.load(sess, ["serve"], export)
        sig = mg.signature_def["serving_default"]
        got = sess.run(sig.outputs["y"].name, {sig.inputs["x"].name: feed})
    np.testing.assert_allclose(got, want, rtol=1e-6)


def test_fastgraph_loads_tensorflows_saved_model(tmp_path):
    export = str(tmp_path / "tf")
    with tf.Graph().as_default() as tg:
        x = v1.placeholder(tf.float32, [None, 3], name="x")
        w = v1.Variable(np.arange(6, dtype=np.float32).reshape(3, 2) / 5.0, name="w",
                        use_resource=False)
        y = tf.nn.relu(tf.matmul(x, w) - 0.5, name="y")
        feed = np.random.default_rng(0).normal(size=(4, 3)).astype(np.float32)
        with v1.Session(graph=tg) as sess:
            sess.run(v1.global_variables_initializer())
            want = sess.run(y, {x: feed})
            builder = v1.saved_model.builder.SavedModelBuilder(export)
            sig = v1.saved_model.signature_def_utils.predict_signature_def({"x": x}, {"y": y})
            builder.add_meta_graph_and_variables(sess, [v1.saved_model.tag_constants.SERVING],
                                                 signature_def_map={"serving_default": sig})
            builder.save()
    with fg.Graph().as_default() as g, fg.Session(graph=g) as sess:
        mg = fg.compat.v1.saved_model.loader.load(sess, ["serve"], export)
        sig = mg.signature_def["serving_default"]
        assert sig.method_name == "tensorflow/serving/predict"
        got = sess.run(sig.outputs["y"].name, {sig.inputs["x"].name: feed})
        with pytest.raises(RuntimeError, match="could not be found in SavedModel"):
            fg.compat.v1.saved_model.loader.load(sess, ["train"], export)
    np.testing.assert_allclose(got, want, rtol=1e-6)


@pytest.mark.parametrize("writer", ["fastgraph", "tensorflow"])
def test_assets_and_init_op_travel_both_ways(tmp_path, writer):
    # A vocabulary file as the SavedModel's asset, its table filled by the
    # init op from the copy in assets/ (the original is gone by load time).
    vocab = tmp_path / "vocab.txt"
    vocab.write_text("red\ngreen\nblue\n")
    export = str(tmp_path / "m")
    words = np.array([b"blue", b"pink", b"red"], object)
    api, v1api = (fg, fg.compat.v1) if writer == "fastgraph" else (tf, v1)
    with api.Graph().as_default() as g:
        w = v1api.placeholder(api.string, [None], name="words")
        table = v1api.lookup.StaticHashTable(
            v1api.lookup.TextFileInitializer(str(vocab), api.string, -2, api.int64, -1), -1)
        ids = api.identity(table.lookup(w), name="ids")
        init = v1api.tables_initializer(name="init_tables")
        with v1api.Session(graph=g) as sess:
            sess.run(init)
            builder = v1api.saved_model.builder.SavedModelBuilder(export)
            sig = v1api.saved_model.signature_def_utils.predict_signature_def({"w": w},
                                                                              {"ids": ids})
            kwargs = {"assets_list": g.get_collection(v1api.GraphKeys.ASSET_FILEPATHS)}
            if writer == "fastgraph":
                kwargs["init_op"] = init
            else:  # TF's v1 builder: its collection form
                kwargs = {"assets_collection": g.get_collection(
                    v1api.GraphKeys.ASSET_FILEPATHS), "main_op": init}
            builder.add_meta_graph_and_variables(sess, ["serve"], {"serving_default": sig},
                                                 **kwargs)
            builder.save()
    vocab.unlink()
    reader, rv1 = (tf, v1) if writer == "fastgraph" else (fg, fg.compat.v1)
    with reader.Graph().as_default() as g2, rv1.Session(graph=g2) as sess:
        mg = rv1.saved_model.loader.load(sess, ["serve"], export)
        sig = mg.signature_def["serving_default"]
        got = sess.run(sig.outputs["ids"].name, {sig.inputs["w"].name: words})
    np.testing.assert_array_equal(got, [2, -1, 0])
