"""Graph building: names, scopes, lookups, control dependencies, collections,
dtypes and static shapes."""

import numpy as np
import pytest

import fastgraph as tf


def test_unique_names_and_tensor_names(g):
    a = tf.constant(1.0)
    b = tf.constant(2.0)
    s1 = tf.add(a, b)
    s2 = tf.add(a, b)
    assert (a.op.name, b.op.name) == ("Const", "Const_1")
    assert (s1.name, s2.name) == ("Add:0", "Add_1:0")
    assert (a + b).name == "add_2:0"  # TF's unique names ignore case
    assert s1.op.type == "AddV2"
    assert s1.op.inputs == [a, b]
    assert s1.op.outputs == [s1]
    assert s1.value_index == 0 and s1.op.graph is g and s1.graph is g


def test_name_scope_nesting_and_uniqueness(g):
    with tf.name_scope("layer"):
        x = tf.constant(1.0, name="x")
        with tf.name_scope("inner"):
            y = tf.identity(x, name="y")
    with tf.name_scope("layer"):
        z = tf.constant(2.0, name="x")
    assert x.name == "layer/x:0"
    assert y.name == "layer/inner/y:0"
    assert z.name == "layer_1/x:0"


def test_lookup_by_name(g):
    x = tf.constant([1, 2], name="x")
    y = tf.identity(x, name="y")
    assert g.get_tensor_by_name("y:0") is y
    assert g.get_operation_by_name("x") is x.op
    with pytest.raises(KeyError):
        g.get_tensor_by_name("nope:0")
    with pytest.raises(KeyError):
        g.get_tensor_by_name("y:1")
    with pytest.raises(ValueError):
        g.get_tensor_by_name("y")
    with pytest.raises(KeyError):
        g.get_operation_by_name("nope")


def test_consumers(g):
    x = tf.placeholder(tf.float32, [2])
    a = x + 1.0
    b = x * 2.0
    assert set(op.name for op in x.consumers()) == {a.op.name, b.op.name}
    assert a.consumers() == []


def test_control_dependencies(g):
    a = tf.constant(1.0)
    b = tf.constant(2.0)
    with tf.control_dependencies([a]):
        c = tf.identity(b)
        with tf.control_dependencies([b.op]):
            d = tf.identity(b)
        with tf.control_dependencies(None):
            e = tf.identity(b)
    assert c.op.control_inputs == [a.op]
    assert set(o.name for o in d.op.control_inputs) == {a.op.name, b.op.name}
    assert e.op.control_inputs == []


def test_control_dependency_runs_first():
    g = tf.Graph()
    with g.as_default():
        v = tf.Variable(1.0)
        inc = v.assign_add(5.0)
        with tf.control_dependencies([inc]):
            read = v.read_value()
        with tf.Session() as sess:
            sess.run(v.initializer)
            assert sess.run(read) == 6.0


def test_collections(g):
    v1 = tf.Variable(1.0)
    v2 = tf.Variable(2.0, trainable=False)
    assert g.get_collection(tf.GraphKeys.GLOBAL_VARIABLES) == [v1, v2]
    assert g.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES) == [v1]
    assert tf.global_variables() == [v1, v2]
    assert tf.trainable_variables() == [v1]
    g.add_to_collection("mine", 3)
    assert tf.get_collection("mine") == [3]


def test_finalize(g):
    tf.constant(1.0)
    g.finalize()
    assert g.finalized
    with pytest.raises(RuntimeError):
        tf.constant(2.0)


def test_default_graph_switching():
    g1, g2 = tf.Graph(), tf.Graph()
    with g1.as_default():
        a = tf.constant(1.0)
        assert tf.get_default_graph() is g1
        with g2.as_default():
            b = tf.constant(2.0)
            assert tf.get_default_graph() is g2
    assert a.graph is g1 and b.graph is g2
    with pytest.raises(ValueError):
        tf.add(a, b)


def test_ops_follow_their_inputs_graph():
    g1 = tf.Graph()
    with g1.as_default():
        a = tf.constant(1.0)
    c = a + 1.0  # default graph is another one: TF builds the op in a's graph
    assert c.graph is g1


def test_no_implicit_promotion(g):
    i = tf.constant(1)
    f = tf.constant(1.0)
    assert i.dtype == tf.int32 and f.dtype == tf.float32
    with pytest.raises(TypeError):
        i + f
    with pytest.raises(TypeError):
        tf.add(f, i)


def test_python_scalars_take_the_tensor_dtype(g):
    x = tf.placeholder(tf.float64, [2])
    assert (x + 1).dtype == tf.float64
    assert (2 * x).dtype == tf.float64
    i = tf.placeholder(tf.int64, [2])
    assert (i + 1).dtype == tf.int64
    assert (i + [1, 2]).dtype == tf.int64
    with pytest.raises(TypeError):
        i + 1.5


def test_constant_dtype_inference(g):
    assert tf.constant(1).dtype == tf.int32
    assert tf.constant(1.0).dtype == tf.float32
    assert tf.constant(True).dtype == tf.bool
    assert tf.constant([[1, 2]]).dtype == tf.int32
    assert tf.constant(2**40).dtype == tf.int64
    assert tf.constant(np.float64(1.0)).dtype == tf.float64
    assert tf.constant(np.arange(3, dtype=np.uint8)).dtype == tf.uint8
    assert tf.constant(3, dtype=tf.float32).dtype == tf.float32
    assert tf.constant(0.0).shape.as_list() == []
    c = tf.constant(7, shape=[2, 3])
    assert c.shape.as_list() == [2, 3]


def test_dtypes_map_to_numpy_and_c_codes():
    pairs = [(tf.float32, np.float32), (tf.float64, np.float64), (tf.int32, np.int32),
             (tf.int64, np.int64), (tf.uint8, np.uint8), (tf.bool, np.bool_),
             (tf.int8, np.int8), (tf.int16, np.int16)]
    codes = set()
    for dt, npt in pairs:
        assert dt.as_numpy_dtype is npt
        assert tf.as_dtype(npt) is dt
        assert tf.as_dtype(dt.name) is dt
        codes.add(dt.code)
    assert len(codes) == len(pairs)
    assert tf.as_dtype("float") is tf.float32 and tf.double is tf.float64


def test_static_shapes(g):
    x = tf.placeholder(tf.float32, [None, 2])
    assert str(x.shape) == "(None, 2)"  # TF 2.21 spells unknown dims None
    assert x.get_shape().as_list() == [None, 2]
    y = x + tf.constant([[1.0, 2.0]])
    assert y.shape.as_list() == [None, 2]
    z = tf.reshape(x, [-1])
    assert z.shape.as_list() == [None]
    w = tf.expand_dims(x, -1)
    assert w.shape.as_list() == [None, 2, 1]
    with pytest.raises(ValueError, match="Dimensions must be equal"):
        x + tf.constant([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="Tried to expand dim index"):
        tf.expand_dims(x, 4)
    with pytest.raises(ValueError, match="4 values"):
        tf.reshape(tf.constant([1, 2, 3, 4]), [3])
    u = tf.placeholder(tf.float32)
    assert u.shape.rank is None
    assert (u + 1.0).shape.rank is None


def test_tensor_is_not_a_bool(g):
    x = tf.constant(1.0)
    with pytest.raises(TypeError):
        bool(x)
    assert x == x and not (x == tf.constant(1.0))  # identity, as graph tensors in TF


def test_operators_build_the_right_ops(g):
    x = tf.placeholder(tf.float32, [2])
    y = tf.placeholder(tf.float32, [2])
    kinds = {
        "AddV2": x + y, "Sub": x - y, "Mul": x * y, "RealDiv": x / y, "FloorDiv": x // y,
        "FloorMod": x % y, "Pow": x ** y, "Neg": -x, "Abs": abs(x), "Less": x < y,
        "LessEqual": x <= y, "Greater": x > y, "GreaterEqual": x >= y,
    }
    for op_type, t in kinds.items():
        assert t.op.type == op_type
    assert (1.0 - x).op.inputs[1] is x
    assert (np.float32(2.0) * x).op.type == "Mul"
