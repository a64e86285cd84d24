"""Graph.as_graph_def: every op of the registry with samples, written to
GraphDef bytes and read back by import_graph_def, is the same op and
computes the same values; the protos' wire and text formats; write_graph
and graph_util; malformed bytes and text raise DecodeError."""

import numpy as np
import pytest

import fastgraph as tf
from fastgraph.framework import op_registry
from fastgraph.framework.graph_protos import GraphDef, NodeDef
from fastgraph.framework.graphdef_mapping import NodeMapping
from fastgraph.framework.proto_message import DecodeError

from .test_op_sweep import EXEMPT, _assert_same, _run_case, _sweep_dtypes


# Ops whose samples include forms TF's op of that name cannot express: the
# export refuses them by name (an op built the TF way exports).
UNWRITABLE_SAMPLES = {
    "LogSoftmax": "axis other than the last",
    "Softmax": "axis other than the last",
    "OnesLike": "an output dtype other than the input's",
    "ZerosLike": "an output dtype other than the input's",
    "SparseSoftmaxCrossEntropyWithLogits": "logits of rank other than 2",
    **{t: "a key and counter not from StatelessRandomGetKeyCounter (TF's are uint64; "
          "tests/test_random_more.py writes them from it)"
       for t in ("StatelessRandomUniformV2", "StatelessRandomNormalV2",
                 "StatelessTruncatedNormalV2", "StatelessRandomUniformIntV2",
                 "StatelessRandomUniformFullIntV2")},
}


def _round_trip_cases():
    for op_type in op_registry.registered_types():
        if op_type in EXEMPT:
            continue
        yield pytest.param(op_type, _sweep_dtypes(op_registry.get(op_type))[0], id=op_type)


def _named_feeds(feeds):
    return {t.name: v for t, v in feeds.items()}


@pytest.mark.parametrize("op_type,dtype", list(_round_trip_cases()))
def test_every_op_round_trips_through_graph_def_bytes(op_type, dtype):
    graph, build, fetches, targets, got, want, where = _run_case(op_type, dtype)
    opdef = op_registry.get(op_type)
    if not isinstance(opdef.graphdef, NodeMapping):
        with pytest.raises(ValueError, match=f"{op_type} op .* has no TF GraphDef node"):
            graph.as_graph_def()
        return
    if op_type in UNWRITABLE_SAMPLES:
        with pytest.raises(ValueError, match=f"{op_type} op .*(cannot express|has no TF NodeDef)"):
            graph.as_graph_def()
        return
    data = graph.as_graph_def().SerializeToString()
    g2 = tf.Graph()
    with g2.as_default():
        tf.import_graph_def(GraphDef.FromString(data), name="")
    back = {op.name: op for op in g2.get_operations()}
    for op in graph.get_operations():
        twin = back[op.name]
        assert twin.type == op.type, op.name
        assert [t.name for t in twin.inputs] == [t.name for t in op.inputs], op.name
        assert [c.name for c in twin.control_inputs] == [c.name for c in op.control_inputs]
        assert [t.dtype for t in twin.outputs] == [t.dtype for t in op.outputs], op.name
    feeds = _named_feeds(build.feeds)
    with tf.Session(graph=g2) as sess:
        if build.inits:
            sess.run([op.name for op in build.inits], feeds)
        again = sess.run([[t.name for t in fetches], [op.name for op in targets]], feeds)[0]
    for a, g, what in zip(again, got, where):
        _assert_same(a, g, what + " (imported)")


def test_graph_def_has_versions_control_inputs_devices_and_shapes():
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [None, 3], name="x")
        a = tf.identity(x, name="a")
        with tf.control_dependencies([a.op]), tf.device("/cpu:0"):
            b = tf.add(x, 1.0, name="b")
        tf.split(b, 3, axis=1, name="parts")
    gd = g.as_graph_def(add_shapes=True)
    assert gd.versions.producer > 0
    nodes = {n.name: n for n in gd.node}
    assert list(nodes["b"].input) == ["x", "b/y", "^a"] or list(nodes["b"].input)[-1] == "^a"
    assert nodes["b"].device == g.get_operation_by_name("b").device
    shapes = nodes["parts"].attr["_output_shapes"].list.shape
    assert [[d.size for d in s.dim] for s in shapes] == [[-1, 1]] * 3
    assert nodes["parts"].attr["num_split"].i == 3
    # Only the ops added since a version.
    v = g.version
    with g.as_default():
        tf.negative(x, name="later")
    assert [n.name for n in g.as_graph_def(from_version=v).node] == ["later"]
    with tf.Session(graph=g) as sess:
        assert [n.name for n in sess.graph_def.node] == [n.name for n in g.as_graph_def().node]


def test_text_format_round_trips_and_write_graph(tmp_path):
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [2], name="x")
        tf.multiply(x, tf.constant([0.1, -2.5e-8], name="k"), name="y")
        g.create_op("Const", [], {"value": np.array([b"a\n\"b", b"\xff"], dtype=object),
                                  "dtype": tf.string}, name="s")
    gd = g.as_graph_def()
    text = tf.text_format.MessageToString(gd)
    assert 'op: "Mul"' in text and "type: DT_FLOAT" in text
    back = tf.text_format.Parse(text, tf.GraphDef())
    assert back == gd
    path = tf.io.write_graph(g, str(tmp_path / "d"), "g.pbtxt")
    assert tf.text_format.Parse(open(path).read(), tf.GraphDef()) == gd
    path = tf.compat.v1.train.write_graph(gd, str(tmp_path), "g.pb", as_text=False)
    assert GraphDef.FromString(open(path, "rb").read()) == gd
    strings = next(n for n in back.node if n.name == "s").attr["value"].tensor.string_val
    assert list(strings) == [b"a\n\"b", b"\xff"]


def test_convert_variables_to_constants_freezes_the_values(tmp_path):
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [None, 2], name="x")
        w = tf.Variable(np.array([[1.0, 2.0], [3.0, 4.0]], np.float32), name="w")
        y = tf.matmul(x, w, name="y")
        tf.assign_add(w, tf.ones([2, 2]), name="bump")
        with tf.Session(graph=g) as sess:
            sess.run(tf.global_variables_initializer())
            sess.run("bump")
            frozen = tf.compat.v1.graph_util.convert_variables_to_constants(
                sess, g.as_graph_def(), ["y"])
            want = sess.run(y, {x: np.eye(2, dtype=np.float32)})
    ops = {n.name: n.op for n in frozen.node}
    assert ops["w"] == "Const" and "bump" not in ops and "VariableV2" not in ops.values()
    with tf.Graph().as_default() as g2:
        tf.import_graph_def(frozen, name="")
        with tf.Session(graph=g2) as sess:
            got = sess.run("y:0", {"x:0": np.eye(2, dtype=np.float32)})
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(got, [[2.0, 3.0], [4.0, 5.0]])


def test_extract_sub_graph_and_remove_training_nodes():
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [2], name="x")
        a = tf.identity(x, name="a")
        tf.negative(a, name="n")
        tf.abs(x, name="unused")
    gd = g.as_graph_def()
    sub = tf.compat.v1.graph_util.extract_sub_graph(gd, ["n"])
    assert [n.name for n in sub.node] == ["x", "a", "n"]
    with pytest.raises(AssertionError, match="nope is not in graph"):
        tf.compat.v1.graph_util.extract_sub_graph(gd, ["nope"])
    with pytest.raises(TypeError):
        tf.compat.v1.graph_util.extract_sub_graph(gd, "n")
    pruned = tf.compat.v1.graph_util.remove_training_nodes(sub)
    assert [(n.name, list(n.input)) for n in pruned.node] == [("x", []), ("n", ["x"])]
    kept = tf.compat.v1.graph_util.remove_training_nodes(sub, protected_nodes=["a"])
    assert [n.name for n in kept.node] == ["x", "a", "n"]


def test_ops_tf_lacks_are_refused_by_name():
    g = tf.Graph()
    with g.as_default():
        tf.math.logical_xor(tf.placeholder(tf.bool, [2]), True, name="xor")
    with pytest.raises(ValueError, match="LogicalXor op xor"):
        g.as_graph_def()


@pytest.mark.parametrize("data", [
    b"\x0a\x05\x0a\x01",            # a node whose name runs past its message
    b"\x0a",                        # a key with no length
    b"\x0a\x02\x28\x01",            # a node's attr map with a varint
    b"\x0b\x00",                    # wire type 3 (groups)
    b"\x0a\x03\x2a\x01\x12",        # an attr entry whose value runs past its end
])
def test_malformed_graph_def_bytes_raise_decode_error(data):
    with pytest.raises(DecodeError):
        GraphDef.FromString(data)
    with pytest.raises(ValueError):
        GraphDef().ParseFromString(data)


def test_malformed_tensors_are_refused_on_import():
    node = NodeDef(name="c", op="Const")
    node.attr["dtype"].type = tf.float32.as_datatype_enum
    t = node.attr["value"].tensor
    t.dtype = tf.float32.as_datatype_enum
    t.tensor_shape.dim.add(size=4)
    t.tensor_content = b"\x00" * 12  # 3 floats for a shape of 4
    gd = GraphDef()
    gd.node.append(node)
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="12 bytes of tensor_content"):
            tf.import_graph_def(gd)
    t.ClearField("tensor_content")
    t.tensor_shape.dim[0].size = 1 << 40  # one value to repeat over 10^12 elements
    t.float_val.append(1.0)
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="too large"):
            tf.import_graph_def(GraphDef.FromString(gd.SerializeToString()))


@pytest.mark.parametrize("text", ['node { name: "x" ', 'node { nme: "x" }', 'node { name: x }',
                                  'node { name: "\\q" }', 'versions { producer: "1" }'])
def test_malformed_text_raises_parse_error(text):
    with pytest.raises(tf.text_format.ParseError):
        tf.text_format.Parse(text, tf.GraphDef())


# ---- MetaGraphs -------------------------------------------------------------------

def test_saver_writes_a_meta_graph_that_imports_and_restores(tmp_path):
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [None, 2], name="x")
        w = tf.Variable(np.array([[1.0, 2.0], [3.0, 4.0]], np.float32), name="w")
        step = tf.Variable(0, trainable=False, name="step")
        y = tf.matmul(x, w, name="y")
        train_op = tf.assign_add(w, tf.ones([2, 2]), name="bump").op
        tf.add_to_collection("train_op", train_op)
        tf.add_to_collection("outputs", y)
        saver = tf.train.Saver()
        with tf.Session(graph=g) as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(train_op)
            path = saver.save(sess, str(tmp_path / "model"))
            want = sess.run(y, {x: np.eye(2, dtype=np.float32)})
    assert (tmp_path / "model.meta").exists()
    with tf.Graph().as_default() as g2:
        restorer = tf.compat.v1.train.import_meta_graph(path + ".meta")
        assert [v.name for v in tf.global_variables()] == ["w:0", "step:0"]
        assert [v.name for v in tf.trainable_variables()] == ["w:0"]
        assert [op.name for op in g2.get_collection("train_op")] == ["bump"]
        (out,) = g2.get_collection("outputs")
        with tf.Session(graph=g2) as sess:
            restorer.restore(sess, path)
            np.testing.assert_array_equal(sess.run(out, {"x:0": np.eye(2, dtype=np.float32)}),
                                          want)
            sess.run(g2.get_collection("train_op"))
            np.testing.assert_array_equal(sess.run("w:0"), want + 1.0)
            # The imported variables initialise as they did.
            sess.run(tf.global_variables_initializer())
            np.testing.assert_array_equal(sess.run("w:0"), [[1.0, 2.0], [3.0, 4.0]])
    del step


def test_export_meta_graph_text_and_collections(tmp_path):
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [2], name="x")
        tf.add_to_collection("things", tf.negative(x, name="neg"))
        tf.add_to_collection("numbers", 3)
        mg = tf.compat.v1.train.export_meta_graph(str(tmp_path / "m.meta"), as_text=True,
                                                  collection_list=["things", "numbers"])
    assert set(mg.collection_def) == {"things", "numbers"}
    assert list(mg.collection_def["things"].node_list.value) == ["neg:0"]
    with tf.Graph().as_default() as g2:
        assert tf.compat.v1.train.import_meta_graph(str(tmp_path / "m.meta")) is None
        assert g2.get_collection("things")[0].op.type == "Neg"
        assert g2.get_collection("numbers") == [3]
    (tmp_path / "bad.meta").write_bytes(b"\x12\x05\x0a\x01")
    with tf.Graph().as_default():
        with pytest.raises(ValueError):
            tf.compat.v1.train.import_meta_graph(str(tmp_path / "bad.meta"))


def test_a_graph_tf_cannot_hold_still_checkpoints_without_its_meta_graph(tmp_path):
    with tf.Graph().as_default() as g:
        v = tf.Variable([True, False], name="v")
        tf.math.logical_xor(v, True, name="xor")
        g.add_to_collection(("a", "tuple key"), v)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            path = tf.train.Saver().save(sess, str(tmp_path / "m"))
    assert (tmp_path / "m.index").exists() and not (tmp_path / "m.meta").exists()
    assert path == str(tmp_path / "m")
