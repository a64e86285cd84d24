"""tf.py_func, tf.numpy_function and tf.py_function: the Python function runs
once per run with the fed values, its results feed compiled ops, errors come
back as TF's classes, the function lives as long as its graph, and the ops
have no gradient."""

import gc

import numpy as np
import pytest

import fastgraph as tf
from fastgraph.ops import script_ops

v1 = tf.compat.v1


def _graph_run(build, feed):
    g = tf.Graph()
    with g.as_default():
        x = v1.placeholder(tf.float32, [None])
        out = build(x)
        with v1.Session() as s:
            return s.run(out, {x: feed})


def test_results_feed_compiled_ops_and_run_each_time():
    calls = []

    def f(a):
        calls.append(a.copy())
        return np.cumsum(a)

    g = tf.Graph()
    with g.as_default():
        x = v1.placeholder(tf.float32, [None])
        y = v1.py_func(f, [x * 2.0], tf.float32)
        z = tf.reduce_sum(y * y)
        with v1.Session() as s:
            for feed in ([1.0, 2.0], [3.0, 4.0, 5.0]):
                feed = np.array(feed, np.float32)
                got = s.run(z, {x: feed})
                assert got == pytest.approx(np.sum(np.cumsum(feed * 2) ** 2))
    assert [list(c) for c in calls] == [[2.0, 4.0], [6.0, 8.0, 10.0]]


def test_several_outputs_and_python_inputs():
    a, b = _graph_run(lambda x: tf.numpy_function(lambda p, q: (p + q, p[:1]), [x, 1.0],
                                                  [tf.float32, tf.float32]),
                      np.array([1.0, 2.0], np.float32))
    np.testing.assert_array_equal(a, [2.0, 3.0])
    np.testing.assert_array_equal(b, [1.0])


def test_single_type_gives_a_tensor_a_list_gives_a_list():
    with tf.Graph().as_default():
        x = tf.constant([1.0])
        one = v1.py_func(np.negative, [x], tf.float32)
        listed = v1.py_func(np.negative, [x], [tf.float32])
        none = v1.py_func(lambda a: None, [x], [])
    assert isinstance(one, tf.Tensor) and one.shape.ndims is None
    assert isinstance(listed, list) and len(listed) == 1
    assert isinstance(none, tf.Operation)
    assert one.op.type == "PyFunc"


def test_stateless_and_eager_op_types():
    with tf.Graph().as_default():
        x = tf.constant([1.0])
        assert v1.py_func(np.negative, [x], tf.float32, stateful=False).op.type == \
            "PyFuncStateless"
        assert tf.numpy_function(np.negative, [x], tf.float32).op.type == "PyFunc"
        assert tf.py_function(np.negative, [x], tf.float32).op.type == "EagerPyFunc"


def test_py_function_gets_numpy_method_and_converts_to_tout():
    got = _graph_run(lambda x: tf.py_function(lambda a: a.numpy().astype(np.float64) * 3,
                                              [x], tf.int32),
                     np.array([1.0, 2.5], np.float32))
    assert got.dtype == np.int32
    np.testing.assert_array_equal(got, [3, 7])


def test_strings_in_and_out():
    with tf.Graph().as_default():
        s = tf.constant(["ab", "c"])
        y = v1.py_func(lambda a: np.array([v.upper() for v in a], dtype=object), [s], tf.string)
        with v1.Session() as sess:
            assert list(sess.run(y)) == [b"AB", b"C"]


@pytest.mark.parametrize("exc,cls", [(ValueError("bad"), tf.errors.InvalidArgumentError),
                                     (TypeError("bad"), tf.errors.InvalidArgumentError),
                                     (StopIteration(), tf.errors.OutOfRangeError),
                                     (MemoryError(), tf.errors.ResourceExhaustedError),
                                     (NotImplementedError("x"), tf.errors.UnimplementedError),
                                     (KeyError("k"), tf.errors.UnknownError),
                                     (IndexError("i"), tf.errors.UnknownError)])
@pytest.mark.parametrize("wrap", ["py_func", "py_function"])
def test_exceptions_become_tf_error_classes(exc, cls, wrap):
    def f(a):
        raise exc

    g = tf.Graph()
    with g.as_default():
        x = v1.placeholder(tf.float32, [None])
        y = (v1.py_func if wrap == "py_func" else tf.py_function)(f, [x], tf.float32)
        with v1.Session() as s:
            with pytest.raises(cls) as info:
                s.run(y, {x: [1.0]})
            assert type(exc).__name__ in str(info.value)
            assert info.value.op is y.op
            # The session stays usable.
            assert s.run(x * 2.0, {x: [1.0]}) == [2.0]


def test_wrong_dtype_and_count_are_invalid_argument():
    with pytest.raises(tf.errors.InvalidArgumentError, match="is double, but expects float"):
        _graph_run(lambda x: v1.py_func(lambda a: a.astype(np.float64), [x], tf.float32),
                   np.ones(2, np.float32))
    with pytest.raises(tf.errors.InvalidArgumentError, match="is int64, but expects int32"):
        _graph_run(lambda x: v1.py_func(lambda a: 3, [x], tf.int32), np.ones(2, np.float32))
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match="returns 2 values, but expects to see 1 values"):
        _graph_run(lambda x: v1.py_func(lambda a: [1.0, 2.0], [x], tf.float64),
                   np.ones(2, np.float32))


def test_no_gradient():
    with tf.Graph().as_default():
        x = tf.constant([1.0, 2.0])
        assert tf.gradients(v1.py_func(np.square, [x], tf.float32), x) == [None]
        with pytest.raises(LookupError):
            tf.gradients(tf.py_function(np.square, [x], tf.float32), x)


def test_function_is_forgotten_with_its_graph():
    g = tf.Graph()
    with g.as_default():
        y = v1.py_func(np.negative, [tf.constant([1.0])], tf.float32)
    token = y.op.get_attr("token")
    assert token in script_ops._FUNCS
    del g, y
    gc.collect()
    assert token not in script_ops._FUNCS


def test_unknown_token_after_import_is_invalid_argument():
    g = tf.Graph()
    with g.as_default():
        v1.py_func(np.negative, [tf.constant([1.0])], tf.float32, name="f")
    gd = g.as_graph_def()
    del g
    gc.collect()
    with tf.Graph().as_default() as g2:
        tf.import_graph_def(gd, name="")
        with v1.Session() as s:
            with pytest.raises(tf.errors.InvalidArgumentError, match="Could not find callback"):
                s.run(g2.get_tensor_by_name("f:0"))
