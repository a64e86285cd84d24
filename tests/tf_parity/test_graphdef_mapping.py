"""The registry's GraphDef mappings against TensorFlow's own op definitions
(REGISTER_OP, as TF 2.21 holds them): the op names, input names and order,
and attr names that fastgraph reads and will write are TF's."""

import pytest

from fastgraph.framework import op_registry
from fastgraph.framework.graphdef_mapping import NodeMapping

tf = pytest.importorskip("tensorflow")
op_def_registry = pytest.importorskip("tensorflow.python.framework.op_def_registry")


def _mappings():
    for op_type in op_registry.registered_types():
        mapping = op_registry.get(op_type).graphdef
        if isinstance(mapping, NodeMapping):
            yield op_type, mapping


@pytest.mark.parametrize("op_type,mapping", list(_mappings()), ids=lambda v: str(v)[:30])
def test_mapping_matches_tf_op_def(op_type, mapping):
    for tf_op in (mapping.tf_op(op_type),) + mapping.aliases:
        op_def = op_def_registry.get(tf_op)
        assert op_def is not None, f"TF has no op {tf_op}"
        assert [s.name for s in mapping.inputs] == [a.name for a in op_def.input_arg], tf_op
        tf_attrs = {a.name: a for a in op_def.attr}
        written = mapping.tf_attr_names()
        unknown = set(written) - set(tf_attrs)
        assert not unknown, f"{tf_op} has no attrs {unknown}"
        required = {n for n, a in tf_attrs.items() if not a.HasField("default_value")}
        assert required <= set(written), f"{tf_op} needs {required - set(written)}"


def test_translations_are_tf_ops():
    for tf_op in op_registry.graphdef_translations():
        assert op_def_registry.get(tf_op) is not None, tf_op


# TF's If and While take their branches and bodies as functions of a
# FunctionDefLibrary; exporting fastgraph's sub-graphs as functions is not
# built yet (issue 13), so these two have no NodeDef mapping for now.
# IteratorGetNext and MakeIterator take a dataset variant and an iterator resource in TF;
# fastgraph keeps both as Python objects of the session, and DatasetToSingleElement's
# dataset input likewise. DynamicStitch has two list inputs, SparseConcat three.
_MAPPING_NOT_BUILT = {"If", "While", "IteratorGetNext", "MakeIterator", "IteratorToStringHandle",
                      "DynamicStitch", "DatasetToSingleElement", "SparseConcat"}


def test_no_graphdef_ops_are_not_tf_ops():
    # An op that says it has no NodeDef must not be a TF op of the same name.
    for op_type in op_registry.registered_types():
        if op_type in _MAPPING_NOT_BUILT:
            continue
        if not isinstance(op_registry.get(op_type).graphdef, NodeMapping):
            assert op_def_registry.get(op_type) is None, op_type


def test_dtype_enums_are_tfs():
    import fastgraph as fg
    for name in ("bool", "uint8", "int8", "int16", "int32", "int64", "float32", "float64",
                 "float16", "string"):
        assert getattr(fg, name).as_datatype_enum == getattr(tf, name).as_datatype_enum, name
        assert fg.as_dtype(getattr(tf, name).as_datatype_enum) is getattr(fg, name)


# ---- written NodeDefs parse and run in TensorFlow -----------------------------------

def _attr_value(value):
    """A WrittenNode attr (Python value) as TF's AttrValue proto."""
    import numpy as np

    import fastgraph as fg
    from fastgraph.framework.tensor_shape import TensorShape

    av = tf.compat.v1.AttrValue()
    if isinstance(value, fg.DType):
        av.type = value.as_datatype_enum
    elif isinstance(value, bool):
        av.b = value
    elif isinstance(value, int):
        av.i = value
    elif isinstance(value, float):
        av.f = value
    elif isinstance(value, str):
        av.s = value.encode()
    elif isinstance(value, TensorShape):
        av.shape.CopyFrom(tf.TensorShape(value.as_list() if value.rank is not None
                                         else None).as_proto())
    elif isinstance(value, np.ndarray):
        av.tensor.CopyFrom(tf.make_tensor_proto(value))
    elif isinstance(value, (list, tuple)):
        av.list.SetInParent()
        for v in value:
            if isinstance(v, fg.DType):
                av.list.type.append(v.as_datatype_enum)
            elif isinstance(v, float):
                av.list.f.append(v)
            else:
                av.list.i.append(int(v))
    else:
        raise TypeError(f"no AttrValue for {value!r}")
    return av


def _tf_graph_def(graph):
    """The fastgraph graph as TF's GraphDef proto, written through the mappings."""
    import fastgraph as fg

    gd = tf.compat.v1.GraphDef()
    for op in graph.get_operations():
        written = op.opdef.graphdef.write(op)
        node = gd.node.add(name=op.name, op=written.op)
        for arg, value in written.inputs:
            if isinstance(value, fg.Tensor):
                node.input.append(f"{value.op.name}:{value.value_index}")
                continue
            const = gd.node.add(name=f"{op.name}/{arg}", op="Const")
            const.attr["value"].CopyFrom(_attr_value(value))
            const.attr["dtype"].CopyFrom(_attr_value(fg.as_dtype(value.dtype)))
            node.input.append(const.name)
        for key, value in written.attrs.items():
            node.attr[key].CopyFrom(_attr_value(value))
    return gd


def _many_ops(fg):
    import numpy as np

    x = fg.placeholder(fg.float32, [2, 3, 4], name="x")
    n = fg.placeholder(fg.int32, [None], name="n")
    img = fg.placeholder(fg.float32, [1, 6, 6, 2], name="img")
    k = fg.constant(np.linspace(-1, 1, 72, dtype=np.float32).reshape(3, 3, 2, 4))
    y = fg.nn.relu(x + 1.0) * fg.exp(x) - fg.cast(fg.shape(x)[0], fg.float32)
    outs = [
        fg.reduce_sum(y, axis=[1], keepdims=True), fg.reduce_mean(y), fg.reduce_max(y, 2),
        fg.cast(fg.reduce_all(y > 0.0, axis=2), fg.int32),
        fg.argmax(y, axis=2, output_type=fg.int32), fg.cumsum(y, axis=1, exclusive=True),
        fg.math.cumprod(x, axis=2, reverse=True), fg.concat([x, y], axis=-1),
        fg.stack([x, y], axis=1), *fg.unstack(x, axis=1), *fg.split(x, 2, axis=2),
        *fg.split(x, [1, 3], axis=2), fg.transpose(x, [2, 0, 1]), fg.reshape(x, [6, 4]),
        fg.squeeze(fg.expand_dims(x, 0), [0]), fg.tile(x, fg.stack([fg.size(n), 1, 1])),
        fg.tile(x, [1, 2, 1]), fg.pad(x, [[0, 0], [1, 1], [0, 0]], constant_values=2.0),
        fg.pad(x, [[0, 0], [1, 1], [0, 0]], mode="REFLECT"),
        fg.slice(x, [0, 1, 0], [-1, 2, 2]), x[:, 1:, ::2], x[..., fg.size(n) - 1],
        fg.reverse(x, [1]), fg.gather(x, [2, 0], axis=1),
        fg.gather_nd(x, [[0, 1], [1, 2]]), fg.one_hot(n, 4, axis=0),
        fg.matmul(fg.reshape(x, [6, 4]), fg.ones([4, 5]), transpose_b=False),
        fg.matmul(x, fg.ones([2, 3, 5]), transpose_a=True),
        fg.where(x > 0.0, x, fg.zeros_like(x)), fg.nn.softmax(x), fg.nn.log_softmax(x),
        fg.nn.leaky_relu(x, 0.1), fg.nn.elu(x), fg.nn.relu6(x * 4.0), fg.nn.selu(x),
        fg.nn.softplus(x), fg.nn.softsign(x), fg.nn.bias_add(x, fg.ones([4])),
        fg.nn.l2_loss(x), fg.sigmoid(x), fg.tanh(x), fg.abs(x), fg.floor(x), fg.sqrt(x * x),
        fg.math.rsqrt(x * x + 1.0), fg.square(x), fg.negative(x), fg.sign(x), fg.round(x),
        fg.math.log1p(x * x), fg.math.expm1(x), fg.math.atan(x), fg.sin(x), fg.cos(x), fg.math.erf(x),
        fg.maximum(x, 0.5), fg.minimum(x, 0.5), fg.pow(x * x, 0.5), fg.floordiv(x, 0.3),
        fg.math.floormod(x, 0.3), fg.squared_difference(x, 0.5), x / 3.0,
        fg.cast(fg.logical_or(fg.logical_not(x > 0.0), fg.equal(x, 1.0)), fg.float32),
        fg.cast(fg.math.is_nan(x), fg.int32), fg.math.reciprocal(x + 9.0),
        fg.nn.conv2d(img, k, [1, 1, 1, 1], "SAME"),
        fg.nn.conv2d(img, k, 2, [[0, 0], [1, 0], [0, 1], [0, 0]]),
        fg.nn.depthwise_conv2d(img, fg.ones([2, 2, 2, 1]), [1, 1, 1, 1], "VALID"),
        fg.nn.max_pool2d(img, 2, 2, "VALID"), fg.nn.avg_pool2d(img, 3, 1, "SAME"),
        fg.nn.conv2d_transpose(img[:, :3, :3, :], fg.ones([3, 3, 4, 2]), fg.stack([fg.size(n) - 1, 6, 6, 4]),
                               2, "SAME"),
        fg.compat.v1.image.resize_bilinear(img, [3, 3]),
        fg.compat.v1.image.resize_nearest_neighbor(img, [4, 4]),
        fg.compat.v1.image.resize_area(img, [3, 3]), *fg.math.top_k(fg.reshape(x, [6, 4]), 2),
        fg.range(0, 10, 2), fg.fill([2, 2], 7), fg.rank(x), fg.size(x),
        fg.where(fg.constant([[True, False], [False, True]])),
        fg.broadcast_to(fg.ones([3, 1]), [2, 3, 4]), fg.ones_like(x),
        fg.nn.sparse_softmax_cross_entropy_with_logits(labels=fg.constant([1, 0]),
                                                       logits=fg.reshape(x, [2, 12])),
        fg.nn.softmax_cross_entropy_with_logits(labels=fg.nn.softmax(x[0]), logits=x[1]),
        fg.placeholder_with_default(fg.constant([1.0, 2.0]), [None]),
        # The nn gradient ops, as tf.gradients writes them.
        *fg.compat.v1.gradients([fg.nn.relu(x), fg.nn.relu6(x * 4.0), fg.nn.elu(x),
                                 fg.nn.selu(x), fg.nn.softplus(x), fg.nn.softsign(x),
                                 fg.nn.leaky_relu(x, 0.3), fg.nn.bias_add(x, fg.ones([4]))],
                                [x]),
        *fg.compat.v1.gradients(fg.compat.v1.nn.fused_batch_norm(
            img, fg.ones([2]), fg.zeros([2]), epsilon=1e-3)[0], [img]),
    ]
    outs += _backprop_ops(fg, img, k, n)
    return [fg.identity(t, name=f"out{i}") for i, t in enumerate(outs)]


def _backprop_ops(fg, img, k, n):
    """The convolution and pooling backprops, through the public functions
    and through fg.gradients (MaxPoolGrad, MaxPoolGradGrad, AvgPoolGrad)."""
    import numpy as np

    s1 = [1, 1, 1, 1]
    dy = fg.nn.conv2d(img, k, s1, "SAME")
    dw = fg.constant(np.linspace(-1, 1, 16, dtype=np.float32).reshape(2, 2, 2, 2))
    ddy = fg.nn.depthwise_conv2d(img, dw, s1, "VALID")
    mp = fg.nn.max_pool2d(img, 2, 2, "VALID")
    w = mp * 0.5 + 1.0
    (mpg,) = fg.gradients(mp, img, grad_ys=w)
    return [fg.nn.conv2d_backprop_filter(img, [3, 3, 2, 4], dy, s1, "SAME"),
            fg.nn.conv2d_backprop_filter(img, fg.stack([3, 3, 2, fg.size(n) + 2]), dy, s1, "SAME"),
            fg.nn.conv2d_backprop_input([1, 6, 6, 2], k, dy, s1, "SAME"),
            fg.nn.depthwise_conv2d_native_backprop_input([1, 6, 6, 2], dw, ddy, s1, "VALID"),
            fg.nn.depthwise_conv2d_native_backprop_filter(img, [2, 2, 2, 2], ddy, s1, "VALID"),
            mpg, fg.gradients(mpg, w, grad_ys=img)[0],
            fg.gradients(fg.nn.avg_pool2d(img, 3, 2, "SAME"), img)[0]]


def test_written_graph_defs_run_in_tensorflow_as_in_fastgraph():
    import numpy as np

    import fastgraph as fg

    g = fg.Graph()
    with g.as_default():
        outs = _many_ops(fg)
    names = [t.name for t in outs]
    feeds = {"x:0": np.random.default_rng(0).normal(size=(2, 3, 4)).astype(np.float32),
             "n:0": np.array([1, 3], np.int32),
             "img:0": np.random.default_rng(1).normal(size=(1, 6, 6, 2)).astype(np.float32)}
    with fg.Session(graph=g) as sess:
        ours = sess.run(names, feeds)
    tg = tf.Graph()
    with tg.as_default():
        tf.import_graph_def(_tf_graph_def(g), name="")
        with tf.compat.v1.Session(graph=tg) as sess:
            theirs = sess.run(names, feeds)
    types = {op.type for op in g.get_operations()}
    assert len(types) > 80, sorted(types)
    for name, a, b in zip(names, ours, theirs):
        a, b = np.asarray(a), np.asarray(b)
        assert a.dtype == b.dtype and a.shape == b.shape, (name, a.dtype, b.dtype, a.shape, b.shape)
        np.testing.assert_allclose(a, b, rtol=2e-5, atol=2e-5, err_msg=name)


def test_graph_defs_tensorflow_writes_for_the_same_ops_import_and_run_alike():
    import numpy as np

    import fastgraph as fg

    v1 = tf.compat.v1
    tg = tf.Graph()
    with tg.as_default():
        outs = _many_ops(v1)
        names = [t.name for t in outs]
    data = tg.as_graph_def().SerializeToString()
    feeds = {"x:0": np.random.default_rng(2).normal(size=(2, 3, 4)).astype(np.float32),
             "n:0": np.array([1, 3], np.int32),
             "img:0": np.random.default_rng(3).normal(size=(1, 6, 6, 2)).astype(np.float32)}
    with v1.Session(graph=tg) as sess:
        theirs = sess.run(names, feeds)
    gd = fg.GraphDef()
    gd.ParseFromString(data)
    g = fg.Graph()
    with g.as_default():
        fg.import_graph_def(gd, name="")
        with fg.Session(graph=g) as sess:
            ours = sess.run(names, feeds)
    assert len({n.op for n in gd.node}) > 70, sorted({n.op for n in gd.node})
    for name, a, b in zip(names, ours, theirs):
        a, b = np.asarray(a), np.asarray(b)
        assert a.dtype == b.dtype and a.shape == b.shape, (name, a.dtype, b.dtype, a.shape, b.shape)
        np.testing.assert_allclose(a, b, rtol=2e-5, atol=2e-5, err_msg=name)
