"""The GraphDef mapping of the op registry: every op has one (or says why
not), the importer's table is derived from it, and a graph written through
the mappings and read back by import_graph_def is the graph it was."""

import numpy as np
import pytest

import fastgraph as tf
from fastgraph import importer
from fastgraph.framework import op_registry
from fastgraph.framework.graphdef_mapping import AttrInput, InputList, NodeMapping, NoGraphDef
from fastgraph.framework.op_registry import AttrFromInput


def test_every_registered_op_has_a_graphdef_mapping_or_a_reason():
    for op_type in op_registry.registered_types():
        mapping = op_registry.get(op_type).graphdef
        assert isinstance(mapping, (NodeMapping, NoGraphDef)), (
            f"{op_type}: give its OpDef graphdef=NodeMapping(...) or NoGraphDef(reason)")
        if isinstance(mapping, NoGraphDef):
            assert len(mapping.reason) > 20, op_type


def test_the_importers_table_is_the_registrys():
    table = importer.reading_table()  # raises if two entries claim one TF op type
    expected = set(op_registry.graphdef_translations())
    for op_type in op_registry.registered_types():
        mapping = op_registry.get(op_type).graphdef
        if isinstance(mapping, NodeMapping):
            expected.update((mapping.tf_op(op_type),) + mapping.aliases)
    assert set(table) == expected
    # The TF op types fastgraph builds from other ops are read, never written.
    for tf_op in ("FusedBatchNorm", "Pad", "Select", "AddN", "Einsum",
                  "ClipByValue"):
        assert tf_op in op_registry.graphdef_translations()
    for alias in ("Add", "BatchMatMul", "StopGradient"):
        assert alias in table


def test_a_translation_registers_once():
    with pytest.raises(KeyError):
        op_registry.register_graphdef_translation("Pad", lambda inputs, attrs, name: None)


# ---- round trip ---------------------------------------------------------------------

def _graph_def(graph):
    """The graph as Graph.as_graph_def writes it through the registry's
    mappings, through its wire bytes."""
    return tf.GraphDef.FromString(graph.as_graph_def().SerializeToString())


def _same(a, b):
    if isinstance(a, AttrFromInput):
        return isinstance(b, AttrFromInput) and (a.index, a.what) == (b.index, b.what)
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return np.asarray(a).dtype == np.asarray(b).dtype and np.array_equal(a, b)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b and type(a) is type(b)


def _catalog_graph():
    """One graph with ops of most families, some attrs known only at run time."""
    x = tf.placeholder(tf.float32, [2, 3, 4], name="x")
    n = tf.placeholder(tf.int32, [None], name="n")
    img = tf.placeholder(tf.float32, [1, 6, 6, 2], name="img")
    k = tf.constant(np.ones((3, 3, 2, 4), np.float32), name="k")
    y = tf.nn.relu(x + 1.0) * tf.exp(x) - tf.cast(tf.shape(x)[0], tf.float32)
    tf.reduce_sum(y, axis=[1], keepdims=True, name="summed")
    tf.reduce_mean(y, name="mean_all")
    tf.reduce_all(y > 0.0, axis=2, name="all_pos")
    tf.argmax(y, axis=2, output_type=tf.int32, name="best")
    tf.cumsum(y, axis=1, exclusive=True, name="cum")
    tf.concat([x, y], axis=-1, name="joined")
    tf.stack([x, y], axis=1, name="stacked")
    tf.unstack(x, axis=1, name="parts")
    tf.split(x, 2, axis=2, name="halves")
    tf.split(x, [1, 3], axis=2, name="uneven")
    tf.transpose(x, [2, 0, 1], name="t")
    tf.reshape(x, [6, 4], name="flat")
    tf.squeeze(tf.expand_dims(x, 0), [0], name="same")
    tf.tile(x, tf.stack([tf.size(n), 1, 1]), name="tiled_at_run_time")
    tf.tile(x, [1, 2, 1], name="tiled")
    tf.pad(x, [[0, 0], [1, 1], [0, 0]], constant_values=2.0, name="padded")
    tf.pad(x, [[0, 0], [1, 1], [0, 0]], mode="REFLECT", name="mirrored")
    tf.slice(x, [0, 1, 0], [-1, 2, 2], name="sliced")
    x[:, 1:, ::2]
    tf.reverse(x, [1], name="reversed")
    tf.gather(x, [2, 0], axis=1, name="picked")
    tf.one_hot(n, 4, name="hot")
    tf.matmul(tf.reshape(x, [6, 4]), tf.ones([4, 5]), transpose_a=False, name="mm")
    tf.matmul(x, tf.ones([2, 4, 3]), name="bmm")
    tf.where(x > 0.0, x, tf.zeros_like(x), name="chosen")
    tf.nn.softmax(x, name="sm")
    tf.nn.leaky_relu(x, 0.1, name="leaky")
    tf.nn.bias_add(x, tf.ones([4]), name="biased")
    c = tf.nn.conv2d(img, k, [1, 1, 1, 1], "SAME", name="conv")
    tf.nn.conv2d(img, k, 2, [[0, 0], [1, 0], [0, 1], [0, 0]], name="conv_explicit")
    tf.nn.max_pool2d(c, 2, 2, "VALID", name="pooled")
    tf.nn.conv2d_transpose(c, k, tf.stack([tf.size(n) - 1, 6, 6, 2]), 1, "SAME", name="up")
    tf.nn.conv2d_backprop_filter(img, tf.stack([3, 3, 2, tf.size(n) + 2]), c, 1, "SAME",
                                 name="filter_grad")
    tf.nn.depthwise_conv2d_native_backprop_input([1, 6, 6, 2], tf.ones([3, 3, 2, 1]), img,
                                                 [1, 1, 1, 1], "SAME", name="depthwise_grad")
    tf.nn.depthwise_conv2d_native_backprop_filter(img, [3, 3, 2, 1], img, [1, 1, 1, 1], "SAME",
                                                  name="depthwise_filter_grad")
    tf.gradients(tf.nn.max_pool2d(c, 2, 2, "VALID") + tf.nn.avg_pool2d(c, 3, 2, "SAME"), c,
                 name="pool_grads")
    tf.compat.v1.image.resize_bilinear(img, [3, 3], name="small")
    tf.math.top_k(tf.reshape(x, [6, 4]), 2, name="top")
    tf.range(0, 10, 2, name="evens")
    tf.fill([2, 2], 7, name="sevens")
    tf.random.uniform([2], seed=3, name="noise")
    tf.identity(tf.math.logical_not(x > 0.0), name="notpos")
    # The training ops (issue 10): gradients' own ops and StopGradient.
    from fastgraph.ops import array_ops, image_ops
    tf.stop_gradient(x, name="stopped")
    tf.math.unsorted_segment_sum(x, [2, 0], 3, name="segsum")
    tf.math.unsorted_segment_sum(x, n, tf.size(n), name="segsum_at_run_time")
    tf.scatter_nd([[1], [0]], x, [3, 3, 4], name="scattered")
    array_ops.strided_slice_grad([2, 5, 4], [0, 1, 0], [0, 5, 0], [1, 2, 1], tf.ones([2, 2, 4]),
                                 begin_mask=5, end_mask=5, name="ss_grad")
    array_ops.mirror_pad_grad(tf.pad(x, [[0, 0], [1, 1], [0, 0]], mode="REFLECT"),
                              [[0, 0], [1, 1], [0, 0]], "REFLECT", name="folded")
    image_ops.resize_bilinear_grad(tf.ones([1, 3, 3, 2]), img, half_pixel_centers=True,
                                   name="bilinear_grad")
    image_ops.resize_nearest_neighbor_grad(img, [3, 4], align_corners=True, name="nearest_grad")


def test_a_graph_written_and_read_back_is_the_same_graph():
    g = tf.Graph()
    with g.as_default():
        _catalog_graph()
    gd = _graph_def(g)
    g2 = tf.Graph()
    with g2.as_default():
        tf.import_graph_def(gd, name="")
    ops, back = g.get_operations(), {op.name: op for op in g2.get_operations()}
    # The Consts that carry attrs (axes, perms) as TF's inputs come back as
    # ops too, as TF imports them, but nothing reads them.
    attr_consts = {n.name for n in gd.node if n.op == "Const"} - {op.name for op in ops}
    assert all(back[n].type == "Const" and not back[n].outputs[0].consumers()
               for n in attr_consts), attr_consts
    assert sorted(op.name for op in ops) == sorted(set(back) - attr_consts)
    for op in ops:
        twin = back[op.name]
        assert twin.type == op.type, op.name
        assert [t.name for t in twin.inputs] == [t.name for t in op.inputs], op.name
        assert set(twin.attrs) == set(op.attrs), op.name
        for key, value in op.attrs.items():
            if key == "axis" and value is None:
                # "Every axis" has no TF spelling but the list of them.
                value = list(range(op.inputs[0].shape.rank))
            assert _same(value, twin.attrs[key]), (op.name, key, value, twin.attrs[key])
        assert [t.shape.as_list() if t.shape.rank is not None else None for t in twin.outputs] \
            == [t.shape.as_list() if t.shape.rank is not None else None for t in op.outputs]
    covered = {op.type for op in ops}
    assert len(covered) > 45, sorted(covered)


def test_the_read_back_graph_computes_the_same_values():
    g = tf.Graph()
    with g.as_default():
        _catalog_graph()
    names = ["summed:0", "joined:0", "tiled_at_run_time:0", "up:0", "conv_explicit:0",
             "top:1", "mirrored:0", "strided_slice:0"]
    feeds = {"x:0": np.random.default_rng(0).normal(size=(2, 3, 4)).astype(np.float32),
             "n:0": np.array([1, 3], np.int32),
             "img:0": np.random.default_rng(1).normal(size=(1, 6, 6, 2)).astype(np.float32)}
    results = []
    for graph in (g, None):
        if graph is None:
            graph = tf.Graph()
            with graph.as_default():
                tf.import_graph_def(_graph_def(g), name="")
        with tf.Session(graph=graph) as sess:
            results.append(sess.run(names, feeds))
    for name, a, b in zip(names, *results):
        np.testing.assert_array_equal(a, b, err_msg=name)


def test_attr_inputs_are_read_from_constants_which_stay_ops_of_the_graph():
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [2, 3], name="x")
        tf.transpose(tf.concat([x, x], axis=0), [1, 0], name="t")
    gd = _graph_def(g)
    assert {n.name for n in gd.node if n.op == "Const"} == {"concat/axis", "t/perm"}
    with tf.Graph().as_default() as g2:
        tf.import_graph_def(gd, name="")
        # As in TF, the Consts can be found by name; the ops read their values
        # as attrs, so no op takes them as an input.
        for name in ("concat/axis", "t/perm"):
            const = g2.get_operation_by_name(name)
            assert const.type == "Const" and not const.outputs[0].consumers()
        assert g2.get_operation_by_name("t").get_attr("perm") is not None
        assert [t.op.type for t in g2.get_operation_by_name("t").inputs] == ["ConcatV2"]


def test_an_attr_input_known_only_at_run_time_is_refused_where_fastgraph_needs_it():
    gd = tf.GraphDef()
    gd.node.extend([
        importer.NodeDef("x", "Placeholder", [], {"dtype": tf.float32, "shape": [2, 2]}),
        importer.NodeDef("axis", "Placeholder", [], {"dtype": tf.int32, "shape": []}),
        importer.NodeDef("c", "ConcatV2", ["x", "x", "axis"], {"N": 2, "T": tf.float32,
                                                              "Tidx": tf.int32}),
    ])
    with tf.Graph().as_default():
        with pytest.raises(NotImplementedError, match="axis"):
            tf.import_graph_def(gd)


def test_unsupported_attr_values_are_refused_by_name():
    gd = tf.GraphDef()
    gd.node.extend([
        importer.NodeDef("x", "Placeholder", [], {"dtype": tf.float32, "shape": [1, 2, 4, 4]}),
        importer.NodeDef("p", "MaxPool", ["x"], {
            "T": tf.float32, "ksize": [1, 1, 2, 2], "strides": [1, 1, 2, 2],
            "padding": "VALID", "data_format": "NCHW"}),
    ])
    with tf.Graph().as_default():
        with pytest.raises(NotImplementedError, match="data_format='NCHW'"):
            tf.import_graph_def(gd)


def test_mappings_list_inputs_in_tf_order():
    backprop = op_registry.get("Conv2DBackpropInput").graphdef
    assert [s.name for s in backprop.inputs] == ["input_sizes", "filter", "out_backprop"]
    assert isinstance(backprop.inputs[0], AttrInput) and backprop.inputs[0].deferred
    concat = op_registry.get("ConcatV2").graphdef
    assert isinstance(concat.inputs[0], InputList) and concat.inputs[0].count_attr == "N"


def test_tf_dtype_enums_are_defined_once_and_invert():
    import ml_dtypes
    from fastgraph.framework import dtypes
    for dt in (tf.bool, tf.uint8, tf.int8, tf.int16, tf.int32, tf.int64, tf.float32,
               tf.float64, tf.float16, tf.string, tf.uint16):
        assert tf.as_dtype(dt.as_datatype_enum) is dt
    assert (tf.float32.as_datatype_enum, tf.int64.as_datatype_enum) == (1, 9)
    assert dtypes.numpy_dtype_of_enum(17) == np.uint16  # checkpoints may hold these
    assert dtypes.numpy_dtype_of_enum(14) == np.dtype(ml_dtypes.bfloat16)
    assert dtypes.numpy_dtype_of_enum(11) is None  # qint8: no tensor holds it
    assert tf.as_dtype(17) is tf.uint16  # a host-only type (decoded 16-bit PNGs)
    assert tf.as_dtype(22) is tf.uint32
    with pytest.raises(TypeError):
        tf.as_dtype(99)
    with pytest.raises(TypeError):
        tf.as_dtype(True)


def test_ops_tf_cannot_express_are_refused_when_written():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [2, 3, 4])
        xent = tf.nn.softmax_cross_entropy_with_logits(labels=x, logits=x)
        sm = tf.nn.softmax(x, axis=1)
        for t, words in ((xent, "rank 2"), (sm, "axis")):
            with pytest.raises(ValueError, match=words):
                t.op.opdef.graphdef.write(t.op)
