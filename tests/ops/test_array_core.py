"""The core array functions against NumPy and hand values: squeeze,
expand_dims, identity, stop_gradient, no_op and group, the division aliases
(div, realdiv, floor_div) and reverse_v2."""

import numpy as np
import pytest

import fastgraph as tf
from fastgraph.compat import v1 as tf1

from ..compare import assert_close
from ..evaluate import evaluate, static_shape
from ..samples import wide_array

DTYPES = [np.bool_, np.uint8, np.int8, np.int16, np.int32, np.int64, np.float32, np.float64]


# ---- squeeze ---------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape,axis", [
    ((1, 3, 1), None), ((1, 3, 1), 0), ((1, 3, 1), 2), ((1, 3, 1), -1), ((1, 3, 1), -3),
    ((1, 3, 1), [0, 2]), ((1, 3, 1), [-1, 0]), ((1, 3, 1), []), ((1,), None), ((1, 1), None),
    ((), None), ((2, 3), None), ((1, 0, 1), None), ((1, 0, 1), [2]), ((4, 1), (1,)),
])
@pytest.mark.parametrize("unknown", [False, True])
def test_squeeze(dtype, shape, axis, unknown):
    x = wide_array(shape, dtype)
    np_axis = tuple(axis) if isinstance(axis, (list, tuple)) and axis else (
        None if isinstance(axis, (list, tuple)) else axis)
    assert_close(evaluate(lambda p: tf.squeeze(p, axis), x, unknown=unknown),
                 np.squeeze(x, np_axis), exact=True)


def test_squeeze_static_shapes():
    assert static_shape(lambda p: tf.squeeze(p), [1, 3, 1]) == (3,)
    assert static_shape(lambda p: tf.squeeze(p, [-1]), [None, None]) == (None,)
    assert static_shape(lambda p: tf.squeeze(p, 0), [1, None, 1]) == (None, 1)
    # Without axis, an unknown dim may or may not be 1: the rank is unknown.
    assert static_shape(lambda p: tf.squeeze(p), [None, 3]) is None
    assert static_shape(lambda p: tf.squeeze(p), [1, 1, 1]) == ()


def test_squeeze_errors():
    g = tf.Graph()
    with g.as_default():
        p = tf.placeholder(tf.float32, [2, 3])
        with pytest.raises(ValueError, match=r"Can not squeeze dim\[1\], expected a dimension "
                                             r"of 1, got 3"):
            tf.squeeze(p, axis=1)
        with pytest.raises(ValueError, match=r"Can not squeeze dim\[0\].*got 2"):
            tf.squeeze(p, axis=[-2])
        with pytest.raises(ValueError, match="squeeze dim index 2 for tensor with 2 dim"):
            tf.squeeze(p, axis=2)
        with pytest.raises(ValueError, match="squeeze dim index -3 for tensor with 2 dim"):
            tf.squeeze(p, axis=[-3])
    # Unknown at build time, wrong when run.
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"Can not squeeze dim\[1\]"):
        evaluate(lambda p: tf.squeeze(p, [-1]), np.zeros((2, 3), np.float32), unknown=True)


# ---- expand_dims -----------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape,axis", [
    ((), 0), ((), -1), ((3,), 0), ((3,), 1), ((3,), -1), ((3,), -2), ((2, 3), 2), ((2, 3), -3),
    ((2, 0), 1), ((0,), -1), ((1, 1), 1),
])
@pytest.mark.parametrize("unknown", [False, True])
def test_expand_dims(dtype, shape, axis, unknown):
    x = wide_array(shape, dtype)
    assert_close(evaluate(lambda p: tf.expand_dims(p, axis), x, unknown=unknown),
                 np.expand_dims(x, axis), exact=True)


@pytest.mark.parametrize("axis", [np.int64(1), np.array(1), np.array([1], np.int32)])
def test_expand_dims_axis_forms(axis):
    x = wide_array((2, 3), np.float32)
    assert_close(evaluate(lambda p: tf.expand_dims(p, axis), x, unknown=True), x[:, None, :],
                 exact=True)
    assert_close(evaluate(lambda p: tf.expand_dims(p, tf.constant(axis)), x, unknown=True),
                 x[:, None, :], exact=True)


def test_expand_dims_static_shapes_and_errors():
    assert static_shape(lambda p: tf.expand_dims(p, -1), [None, 3]) == (None, 3, 1)
    assert static_shape(lambda p: tf.expand_dims(p, 0), None) is None
    g = tf.Graph()
    with g.as_default():
        p = tf.placeholder(tf.float32, [2, 3])
        with pytest.raises(ValueError, match="expand dim index 3 for tensor with 2 dim"):
            tf.expand_dims(p, 3)
        with pytest.raises(ValueError, match="expand dim index -4 for tensor with 2 dim"):
            tf.expand_dims(p, -4)
        assert tf.expand_dims(p, 2).shape.as_tuple() == (2, 3, 1)
        assert tf.expand_dims(p, -3).shape.as_tuple() == (1, 2, 3)


def test_expand_dims_of_a_constant_folds_and_then_squeezes_back():
    g = tf.Graph()
    with g.as_default():
        c = tf.constant([[1, 2], [3, 4]], tf.int32)
        e = tf.expand_dims(tf.expand_dims(c, 0), -1)
        s = tf.squeeze(e)
        with tf.Session() as sess:
            got_e, got_s = sess.run([e, s])
    assert got_e.shape == (1, 2, 2, 1)
    assert_close(got_s, np.array([[1, 2], [3, 4]], np.int32), exact=True)


# ---- identity, stop_gradient -----------------------------------------------------------

@pytest.mark.parametrize("fn", [tf.identity, tf.stop_gradient])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(), (0,), (3,), (2, 1, 4)])
def test_identity_and_stop_gradient(fn, dtype, shape):
    x = wide_array(shape, dtype)
    assert_close(evaluate(fn, x, unknown=True), x, exact=True)


@pytest.mark.parametrize("fn", [tf.identity, tf.stop_gradient])
def test_identity_of_variable_and_python_value_does_not_alias(fn):
    g = tf.Graph()
    with g.as_default():
        v = tf.Variable([1.0, 2.0])
        out = fn(v)
        py = fn([[1, 2]])
        assert py.dtype == tf.int32 and py.shape.as_tuple() == (1, 2)
        assert out.shape.as_tuple() == (2,)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            a = sess.run(out)
            sess.run(v.assign([5.0, 6.0]))
            b = sess.run(out)
            assert_close(sess.run(py), np.array([[1, 2]], np.int32), exact=True)
    assert_close(a, np.array([1.0, 2.0], np.float32), exact=True)
    assert_close(b, np.array([5.0, 6.0], np.float32), exact=True)


def test_identity_names():
    g = tf.Graph()
    with g.as_default():
        x = tf.constant(1.0)
        assert tf.identity(x).op.name == "Identity"
        assert tf.identity(x, name="same").op.name == "same"
        assert tf.stop_gradient(x).op.name == "StopGradient"


# ---- no_op, group ----------------------------------------------------------------------

def test_no_op_runs_and_returns_none():
    g = tf.Graph()
    with g.as_default():
        op = tf.no_op()
        assert op.type == "NoOp" and op.name == "NoOp"
        assert tf.no_op(name="nothing").name == "nothing"
        with tf.Session() as sess:
            assert sess.run(op) is None


def test_group_runs_every_input():
    g = tf.Graph()
    with g.as_default():
        a = tf.Variable(0.0)
        b = tf.Variable(10)
        grouped = tf.group(a.assign_add(1.0), [b.assign_add(2)], name="both")
        assert grouped.type == "NoOp" and grouped.name == "both"
        assert len(grouped.outputs) == 0
        assert tf.group().type == "NoOp"
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            assert sess.run(grouped) is None
            sess.run(grouped)
            got = sess.run([a, b])
    assert got[0] == 2.0 and got[1] == 14


def test_group_of_tensor_and_of_empty():
    g = tf.Graph()
    with g.as_default():
        v = tf.Variable(1)
        t = v.assign_add(5)
        grouped = tf.group(t)
        with tf.Session() as sess:
            sess.run(v.initializer)
            sess.run(grouped)
            sess.run(tf.group())
            assert sess.run(v) == 6


# ---- div, realdiv, floor_div -----------------------------------------------------------

INTS = [np.uint8, np.int8, np.int16, np.int32, np.int64]
FLOATS = [np.float32, np.float64]


def _div_data(dtype):
    if dtype == np.uint8:
        return np.array([7, 0, 200, 9, 255], dtype), np.array([2, 3, 7, 9, 16], dtype)
    return (np.array([7, -7, 6, -6, 0, 5], dtype), np.array([2, 2, -4, -4, 3, -1], dtype))


@pytest.mark.parametrize("dtype", INTS)
def test_div_of_ints_floors(dtype):
    x, y = _div_data(dtype)
    want = np.floor_divide(x, y)
    assert_close(evaluate(tf1.div, x, y, unknown=True), want, exact=True)
    assert_close(evaluate(tf.floor_div, x, y, unknown=True), want, exact=True)
    assert_close(evaluate(tf.floordiv, x, y, unknown=True), want, exact=True)


@pytest.mark.parametrize("dtype", FLOATS)
def test_div_and_realdiv_of_floats(dtype):
    x, y = _div_data(dtype)
    assert_close(evaluate(tf1.div, x, y, unknown=True), (x / y).astype(dtype), exact=True)
    assert_close(evaluate(tf.realdiv, x, y, unknown=True), (x / y).astype(dtype), exact=True)
    assert_close(evaluate(tf.floor_div, x, y, unknown=True), np.floor_divide(x, y), exact=True)


def test_division_op_types_and_broadcasting():
    g = tf.Graph()
    with g.as_default():
        i = tf.constant([7, -7], tf.int32)
        f = tf.constant([[1.0], [3.0]], tf.float32)
        assert tf1.div(i, 2).op.type == "FloorDiv"
        assert tf1.div(f, 2.0).op.type == "RealDiv"
        assert tf.floor_div(i, 2).op.type == "FloorDiv"
        assert tf.realdiv(f, 2.0).op.type == "RealDiv"
        assert tf.floor_div is tf.floordiv
        r = tf.realdiv(f, tf.constant([2.0, 4.0]))
        assert r.shape.as_tuple() == (2, 2)
        with tf.Session() as sess:
            assert_close(sess.run(r), np.array([[0.5, 0.25], [1.5, 0.75]], np.float32), exact=True)
            assert_close(sess.run(tf1.div(i, 2)), np.array([3, -4], np.int32), exact=True)


def test_div_by_zero():
    with pytest.raises(tf.errors.InvalidArgumentError, match="Integer division by zero"):
        evaluate(tf.floor_div, np.array([1, 2], np.int32), np.array([1, 0], np.int32), unknown=True)
    out = evaluate(tf.realdiv, np.array([1.0, -1.0, 0.0], np.float32), np.zeros(3, np.float32),
                   unknown=True)
    assert out[0] == np.inf and out[1] == -np.inf and np.isnan(out[2])


def test_division_type_mismatch():
    g = tf.Graph()
    with g.as_default():
        with pytest.raises(TypeError):
            tf.realdiv(tf.constant(1.0), tf.constant(1, tf.int32))
        with pytest.raises(TypeError):
            tf1.div(tf.constant(1.0, tf.float64), tf.constant(1.0, tf.float32))


# ---- reverse_v2 ------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.bool_, np.int16, np.float64])
@pytest.mark.parametrize("shape,axis", [((4,), [0]), ((2, 3), [-1]), ((2, 3, 2), [0, 2]),
                                        ((2, 0), [1]), ((3,), [])])
def test_reverse_v2(dtype, shape, axis):
    x = wide_array(shape, dtype)
    assert_close(evaluate(lambda p: tf.reverse_v2(p, axis), x, unknown=True),
                 np.flip(x, tuple(axis)) if axis else x, exact=True)


def test_reverse_v2_is_reverse_and_errors():
    assert tf.reverse_v2 is tf.reverse
    g = tf.Graph()
    with g.as_default():
        p = tf.placeholder(tf.float32, [2, 3])
        assert tf.reverse_v2(p, [1]).op.type == "ReverseV2"
        with pytest.raises(ValueError, match="axis 1 specified more than once"):
            tf.reverse_v2(p, [1, -1])
        with pytest.raises(ValueError, match="out of valid range"):
            tf.reverse_v2(p, [2])


def test_placeholder_with_default():
    g = tf.Graph()
    with g.as_default():
        d = tf.placeholder_with_default(tf.constant([[1.0, 2.0]]), [None, 2])
        assert d.shape.as_list() == [None, 2]
        y = d * 2
        with tf.Session() as sess:
            np.testing.assert_array_equal(sess.run(y), [[2.0, 4.0]])
            np.testing.assert_array_equal(sess.run(y, {d: np.ones((3, 2))}), np.full((3, 2), 2.0))
            with pytest.raises(ValueError, match="Cannot feed value of shape"):
                sess.run(y, {d: np.ones((3, 3))})
        with pytest.raises(ValueError):
            tf.placeholder_with_default(tf.constant([1.0, 2.0]), [3])
