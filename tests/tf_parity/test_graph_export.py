"""TensorFlow imports and runs fastgraph's GraphDefs: for every op of the
registry that TF has (and that has samples), the bytes of
Graph.as_graph_def parse in TF, `tf.import_graph_def` takes them, and the
run gives fastgraph's values. Text format, write_graph and frozen graphs
go the same way, and TF's own text GraphDefs parse in fastgraph."""

import numpy as np
import pytest

import fastgraph as fg
from fastgraph.framework import op_registry
from fastgraph.framework.graphdef_mapping import NodeMapping

from ..test_graph_export import UNWRITABLE_SAMPLES
from ..test_op_sweep import EXEMPT, _as_array, _assert_same, _run_case, _sweep_dtypes

tf = pytest.importorskip("tensorflow")
v1 = tf.compat.v1

# Ops whose values TF computes differently by design; their GraphDefs still
# import and run in TF, with the same dtypes and shapes.
OTHER_VALUES = {
    "RandomUniform": "TF's Philox stream differs from fastgraph's generator",
    "RandomStandardNormal": "TF's Philox stream differs from fastgraph's generator",
    "TruncatedNormal": "TF's Philox stream differs from fastgraph's generator",
    "RandomUniformInt": "TF's Philox stream differs from fastgraph's generator",
    "Multinomial": "TF's Philox stream differs from fastgraph's generator",
    "RandomShuffle": "TF's Philox stream differs from fastgraph's generator",
    "LogUniformCandidateSampler": "TF's Philox stream differs from fastgraph's generator",
    "UniformCandidateSampler": "TF's Philox stream differs from fastgraph's generator",
    "EncodePng": "libpng filters rows and deflates its own way: other bytes, the same pixels "
                 "(tests/tf_parity/test_io.py decodes each one's PNGs with the other)",
    "EncodeJpeg": "Pillow's libjpeg and TF's write other bytes (test_io.py decodes both)",
    "DecodeJpeg": "TF decodes with libjpeg's fast DCT, Pillow with the accurate one: a few "
                  "levels apart (test_io.py compares within that, and exactly-ish with "
                  "dct_method='INTEGER_ACCURATE')",
    "DecodeAndCropJpeg": "as DecodeJpeg: TF's fast DCT and Pillow's accurate one",
    "Svd": "with compute_uv=False TF's u and v are scalars it never writes",
    "SelfAdjointEigV2": "with compute_v=False TF's v is a scalar it never writes",
}

# Ops TF imports but whose oneDNN CPU kernel aborts on the samples' shapes
# ("could not create a primitive descriptor"): the import is checked.
TF_KERNEL_ABORTS = {
    "DepthwiseConv2dNativeBackpropFilter": "oneDNN aborts on a sample's window",
    "DepthwiseConv2dNativeBackpropInput": "oneDNN aborts on a sample's window",
}

# Ops whose token names a Python function in fastgraph's registry, which TF's
# own registry of py_func callbacks does not have: the import is checked.
TF_LACKS_THE_FUNCTION = {"PyFunc", "PyFuncStateless", "EagerPyFunc"}

# Ops TF still defines but refuses in any GraphDef it imports now.
TF_REMOVED = {"MatrixExponential": "removed in GraphDef version 27 (tf.linalg.expm is Python)"}

# Outputs whose contents are each implementation's own (batch norm's
# reserve spaces): only their dtype is compared.
OWN_OUTPUTS = {("FusedBatchNormV3", 5), ("FusedBatchNormGradV3", 3),
               ("FusedBatchNormGradV3", 4)}


def _tf_dtype(opdef):
    """The dtype to run at: float32 when the op takes it (fastgraph's kernels
    take a few integer types TF's ops refuse), else the first."""
    dtypes = _sweep_dtypes(opdef)
    return fg.float32 if fg.float32 in dtypes else dtypes[0]


def _cases():
    for op_type in op_registry.registered_types():
        opdef = op_registry.get(op_type)
        if op_type in EXEMPT or op_type in UNWRITABLE_SAMPLES or op_type in TF_REMOVED or \
                not isinstance(opdef.graphdef, NodeMapping):
            continue
        yield pytest.param(op_type, _tf_dtype(opdef), id=op_type)


@pytest.mark.parametrize("op_type,dtype", list(_cases()))
def test_tensorflow_runs_fastgraphs_graph_def_with_fastgraphs_results(op_type, dtype):
    graph, build, fetches, targets, got, want, where = _run_case(op_type, dtype)
    data = graph.as_graph_def().SerializeToString()
    feeds = {t.name: v for t, v in build.feeds.items()}
    tg = tf.Graph()
    with tg.as_default():
        tf.import_graph_def(v1.GraphDef.FromString(data), name="")
        if op_type in TF_KERNEL_ABORTS or op_type in TF_LACKS_THE_FUNCTION:
            assert tg.get_operation_by_name(fetches[0].op.name).type == op_type
            return
        with v1.Session(graph=tg) as sess:
            if build.inits:
                sess.run([op.name for op in build.inits], feeds)
            theirs = sess.run([[t.name for t in fetches], [op.name for op in targets]],
                              feeds)[0]
    for a, g, t, what in zip(theirs, got, fetches, where):
        a = _as_array(a)  # a string scalar comes as bytes
        inference_bn = t.op.type == "FusedBatchNormV3" and not t.op.get_attr("is_training") \
            and t.value_index in (3, 4)  # TF leaves them unset in inference
        if (t.op.type, t.value_index) in OWN_OUTPUTS or inference_bn:
            assert a.dtype == np.asarray(g).dtype, what
            continue
        if op_type in OTHER_VALUES or op_registry.get(op_type).host is not None:
            assert np.asarray(g).shape == a.shape, what
            continue
        _assert_same(a, g, what + " (run by TensorFlow)")


def test_text_graph_defs_go_both_ways(tmp_path):
    g = fg.Graph()
    with g.as_default():
        x = fg.compat.v1.placeholder(fg.float32, [None, 3], name="x")
        w = fg.Variable(np.arange(6, dtype=np.float32).reshape(3, 2) / 7.0, name="w")
        y = fg.nn.softmax(fg.matmul(x, w) + 0.1, name="y")
        with fg.Session(graph=g) as sess:
            sess.run(fg.compat.v1.global_variables_initializer())
            feed = np.random.default_rng(0).normal(size=(4, 3)).astype(np.float32)
            want = sess.run(y, {x: feed})
            frozen = fg.compat.v1.graph_util.convert_variables_to_constants(
                sess, sess.graph_def, ["y"])
    path = fg.io.write_graph(frozen, str(tmp_path), "frozen.pbtxt")
    from google.protobuf import text_format
    gd = text_format.Parse(open(path).read(), v1.GraphDef())
    assert gd == v1.GraphDef.FromString(frozen.SerializeToString())
    with tf.Graph().as_default() as tg:
        tf.import_graph_def(gd, name="")
        with v1.Session(graph=tg) as sess:
            np.testing.assert_allclose(sess.run("y:0", {"x:0": feed}), want, rtol=1e-6)
    # And TF's own text GraphDef, as tf.io.write_graph writes it.
    with tf.Graph().as_default() as tg:
        a = v1.placeholder(tf.float32, [2, 2], name="a")
        tf.transpose(tf.nn.relu(a) * 3.0, name="t")
        tf.io.write_graph(tg, str(tmp_path), "tf.pbtxt")
    ours = fg.text_format.Parse(open(tmp_path / "tf.pbtxt").read(), fg.GraphDef())
    assert v1.GraphDef.FromString(ours.SerializeToString()) == tg.as_graph_def()
    with fg.Graph().as_default() as g2:
        fg.import_graph_def(ours, name="")
        with fg.Session(graph=g2) as sess:
            got = sess.run("t:0", {"a:0": [[1.0, -2.0], [3.0, 4.0]]})
    np.testing.assert_array_equal(got, [[3.0, 9.0], [0.0, 12.0]])


def test_graph_def_bytes_of_tensorflow_parse_to_the_same_bytes():
    with tf.Graph().as_default() as tg:
        a = v1.placeholder(tf.float32, [None, 4], name="a")
        b = tf.reduce_sum(tf.nn.conv2d(tf.reshape(a, [-1, 2, 2, 1]), tf.ones([1, 1, 1, 2]), 1,
                                       "SAME"), axis=[1, 2], name="b")
        with tf.control_dependencies([b]):
            tf.identity(a, name="after")
        tf.constant(["x", "yz"], name="strings")
        data = tg.as_graph_def(add_shapes=True).SerializeToString()
    # Map entries may come in another order: the same message, field by field.
    assert v1.GraphDef.FromString(fg.GraphDef.FromString(data).SerializeToString()) == \
        v1.GraphDef.FromString(data)


# ---- MetaGraphs -------------------------------------------------------------------

def test_tensorflow_restores_fastgraphs_meta_graph_and_checkpoint(tmp_path):
    g = fg.Graph()
    with g.as_default():
        x = fg.compat.v1.placeholder(fg.float32, [None, 2], name="x")
        w = fg.Variable(np.array([[1.0, -2.0], [0.5, 4.0]], np.float32), name="w")
        y = fg.nn.relu(fg.matmul(x, w), name="y")
        bump = fg.compat.v1.assign_add(w, fg.ones([2, 2]), name="bump").op
        fg.compat.v1.add_to_collection("train_op", bump)
        saver = fg.compat.v1.train.Saver()
        with fg.Session(graph=g) as sess:
            sess.run(fg.compat.v1.global_variables_initializer())
            sess.run(bump)
            path = saver.save(sess, str(tmp_path / "model"))
            feed = np.array([[1.0, 2.0], [-1.0, 3.0]], np.float32)
            want = sess.run(y, {x: feed})
    with tf.Graph().as_default() as tg:
        restorer = v1.train.import_meta_graph(path + ".meta")
        assert [v.name for v in v1.global_variables()] == ["w:0"]
        assert [op.name for op in tg.get_collection("train_op")] == ["bump"]
        with v1.Session(graph=tg) as sess:
            restorer.restore(sess, path)
            np.testing.assert_allclose(sess.run("y:0", {"x:0": feed}), want, rtol=1e-6)


def test_fastgraph_restores_tensorflows_meta_graph_and_checkpoint(tmp_path):
    with tf.Graph().as_default() as tg:
        x = v1.placeholder(tf.float32, [None, 3], name="x")
        w = v1.Variable(np.arange(6, dtype=np.float32).reshape(3, 2), name="w",
                        use_resource=False)
        b = v1.Variable(np.array([0.5, -1.0], np.float32), name="b", use_resource=False)
        y = tf.nn.softmax(tf.matmul(x, w) + b, name="y")
        v1.add_to_collection("outputs", y)
        with v1.Session(graph=tg) as sess:
            sess.run(v1.global_variables_initializer())
            sess.run(v1.assign_add(w, tf.ones([3, 2])))
            path = v1.train.Saver().save(sess, str(tmp_path / "tfmodel"))
            feed = np.random.default_rng(0).normal(size=(4, 3)).astype(np.float32)
            want = sess.run(y, {x: feed})
    with fg.Graph().as_default() as g:
        saver = fg.compat.v1.train.import_meta_graph(path + ".meta")
        assert sorted(v.name for v in fg.compat.v1.global_variables()) == ["b:0", "w:0"]
        (out,) = g.get_collection("outputs")
        # TF's own save and restore nodes are left out.
        assert "save/restore_all" not in [op.name for op in g.get_operations()]
        with fg.Session(graph=g) as sess:
            saver.restore(sess, path)
            np.testing.assert_allclose(sess.run(out, {"x:0": feed}), want, rtol=1e-6)


def test_tensorboard_shows_the_graph_file_writer_writes(tmp_path):
    ea = pytest.importorskip("tensorboard.backend.event_processing.event_accumulator")
    g = fg.Graph()
    with g.as_default():
        x = fg.compat.v1.placeholder(fg.float32, [None, 2], name="x")
        fg.nn.relu(x * 2.0, name="y")
    writer = fg.compat.v1.summary.FileWriter(str(tmp_path), g)
    writer.close()
    acc = ea.EventAccumulator(str(tmp_path))
    acc.Reload()
    assert acc.Tags()["graph"]
    shown = acc.Graph()
    assert [(n.name, n.op) for n in shown.node] == [
        (n.name, n.op) for n in g.as_graph_def().node]
    assert v1.GraphDef.FromString(shown.SerializeToString()).node[0].attr["dtype"].type == \
        tf.float32.as_datatype_enum
