"""Staged runs: host ops anywhere in a graph, with C plans before and after
them, strings on the host, and session-owned resources."""

import gc

import numpy as np
import pytest

import fastgraph as tf
from fastgraph.framework import dtypes, errors, op_registry
from fastgraph.framework.graph import get_default_graph
from fastgraph.framework.op_registry import OpDef

v1 = tf.compat.v1
CALLS = []


def _positive(ctx, op, inputs):
    # A data-dependent shape: the positive elements of x.
    CALLS.append(op.name)
    x = inputs[0]
    return [x[x > 0]]


class _Counter:
    def __init__(self):
        self.n = 0
        self.closed = False

    def close(self):
        self.closed = True


RESOURCES = []


def _count(ctx, op, inputs):
    def make():
        c = _Counter()
        RESOURCES.append(c)
        return c
    c = ctx.resource(op.name, make)
    c.n += 1
    return [np.int64(c.n)]


def _fail(ctx, op, inputs):
    if inputs[0] < 0:
        raise errors.InvalidArgumentError(None, None, "negative input")
    return [inputs[0]]


_TEST_OPS = [
    OpDef("TestPositive", shape=lambda ctx: [(None,)], dtype=lambda ctx: [ctx.dtypes[0]],
          host=_positive, gradient=op_registry.NoGradient("test op")),
    OpDef("TestCount", shape=lambda ctx: [()], dtype=lambda ctx: [dtypes.int64],
          host=_count, stateful=True, gradient=op_registry.NoGradient("test op")),
    OpDef("TestFail", shape=lambda ctx: [ctx.shapes[0]], dtype=lambda ctx: [ctx.dtypes[0]],
          host=_fail, gradient=op_registry.NoGradient("test op")),
]


@pytest.fixture(autouse=True)
def test_ops():
    for d in _TEST_OPS:
        op_registry.register(d)
    CALLS.clear()
    RESOURCES.clear()
    yield
    for d in _TEST_OPS:
        del op_registry._REGISTRY[d.type]


def _op(kind, *inputs, name=None):
    return get_default_graph().create_op(kind, list(inputs), {}, name=name).outputs[0]


def test_host_op_between_c_plans_with_data_dependent_shape():
    with tf.Graph().as_default():
        x = v1.placeholder(tf.float32, [None])
        y = _op("TestPositive", x * 3.0) * 2.0 + 1.0
        total = tf.reduce_sum(y)
        with tf.Session() as sess:
            for data in ([1.0, -2.0, 3.0], [-1.0, -1.0], [5.0, 6.0, 7.0, -8.0, 9.0]):
                a = np.array(data, np.float32)
                want = (a * 3)[a * 3 > 0] * 2 + 1
                got_y, got_t = sess.run([y, total], {x: a})
                np.testing.assert_allclose(got_y, want, rtol=1e-6)
                np.testing.assert_allclose(got_t, want.sum(), rtol=1e-6)
            # One host call per run, and one plan per fed shape and stage.
            assert len(CALLS) == 3
            assert sess.memory_stats()["plans"] >= 2


def test_each_op_runs_once_per_run_across_stages():
    with tf.Graph().as_default():
        v = tf.Variable(0.0)
        inc = v.assign_add(1.0)
        pos = _op("TestPositive", tf.reshape(inc, [1]))
        out = tf.reduce_sum(pos) + inc  # inc feeds the host op and a later stage
        with tf.Session() as sess:
            sess.run(v1.global_variables_initializer())
            assert sess.run(out) == 2.0
            assert sess.run(out) == 4.0
            assert sess.run(v) == 2.0


def test_control_dependencies_order_host_and_c_ops():
    with tf.Graph().as_default():
        v = tf.Variable(1.0)
        inc = v.assign_add(1.0)
        with tf.control_dependencies([inc]):
            pos = _op("TestPositive", tf.reshape(v.read_value(), [1]))
        with tf.control_dependencies([pos]):
            dbl = v.assign(v * 10.0)
        with tf.Session() as sess:
            sess.run(v1.global_variables_initializer())
            got_pos, _ = sess.run([pos, dbl])
            np.testing.assert_allclose(got_pos, [2.0])
            assert sess.run(v) == 20.0


def test_resources_are_per_session_and_closed():
    with tf.Graph().as_default():
        n = _op("TestCount", name="counter")
        s1, s2 = tf.Session(), tf.Session()
        assert [s1.run(n), s1.run(n), s2.run(n)] == [1, 2, 1]
        assert s1.memory_stats()["resources"] == 1
        assert len(RESOURCES) == 2 and not any(r.closed for r in RESOURCES)
        s1.close()
        assert RESOURCES[0].closed and not RESOURCES[1].closed
        s2.close()
        assert RESOURCES[1].closed
    gc.collect()


def test_host_errors_name_the_node_and_the_session_goes_on():
    with tf.Graph().as_default():
        x = v1.placeholder(tf.float32, [])
        y = _op("TestFail", x + 1.0, name="checked") * 2.0
        with tf.Session() as sess:
            with pytest.raises(tf.errors.InvalidArgumentError, match=r"negative input[\s\S]*checked"):
                sess.run(y, {x: -5.0})
            assert sess.run(y, {x: 1.0}) == 4.0


def test_strings_live_on_the_host():
    with tf.Graph().as_default():
        words = v1.placeholder(tf.string, [None])
        same = tf.identity(words)
        with tf.Session() as sess:
            got = sess.run(same, {words: ["a", b"bc", "d\u00e9"]})
            assert got.dtype == object
            assert list(got) == [b"a", b"bc", "d\u00e9".encode()]
            assert list(sess.run(words, {words: np.array(["x", "y"])})) == [b"x", b"y"]


def test_make_callable_runs_stages():
    with tf.Graph().as_default():
        x = v1.placeholder(tf.float32, [None])
        y = tf.reduce_sum(_op("TestPositive", x))
        with tf.Session() as sess:
            f = sess.make_callable(y, [x])
            assert f(np.array([1.0, -1.0, 2.0], np.float32)) == 3.0
            assert f(np.array([-1.0], np.float32)) == 0.0
