"""Frozen TF2 graphs with functional control flow (While, If, Case) and
function calls (PartitionedCall): written by TensorFlow from a
`tf.function`, imported into fastgraph, run against TensorFlow's own
result on the same inputs."""

import numpy as np
import pytest

import fastgraph as fg

tf = pytest.importorskip("tensorflow")
convert = pytest.importorskip(
    "tensorflow.python.framework.convert_to_constants").convert_variables_to_constants_v2

RNG = np.random.default_rng(7)


def _frozen(fn, *specs, lower=False):
    cf = tf.function(fn, input_signature=list(specs)).get_concrete_function()
    frozen = convert(cf, lower_control_flow=lower)
    return (frozen.graph.as_graph_def().SerializeToString(),
            [t.name for t in frozen.inputs], [t.name for t in frozen.outputs], frozen)


def _check(fn, specs, cases, rtol=1e-6):
    data, ins, outs, frozen = _frozen(fn, *specs)
    g = fg.Graph()
    with g.as_default():
        fg.import_graph_def(fg.GraphDef.FromString(data), name="")
    with fg.Session(graph=g) as sess:
        for args in cases:
            want = frozen(*[tf.constant(a) for a in args])
            want = [w.numpy() for w in (want if isinstance(want, (list, tuple)) else [want])]
            got = sess.run(outs, dict(zip(ins, args)))
            assert len(got) == len(want)
            for a, b in zip(got, want):
                np.testing.assert_allclose(a, b, rtol=rtol, atol=1e-6)
    return g


def test_while_with_a_cond_in_its_body_and_captured_constants():
    v = tf.constant([1.0, 2.0])

    def f(x, n):
        def body(i, acc):
            acc = tf.cond(tf.reduce_sum(acc) > 100.0, lambda: acc * 0.5, lambda: acc * 2.0 + v)
            return i + 1, acc
        return tf.nn.relu(tf.while_loop(lambda i, a: i < n, body, [tf.constant(0), x])[1])

    x = RNG.standard_normal((3, 2)).astype(np.float32)
    g = _check(f, [tf.TensorSpec([None, 2], tf.float32), tf.TensorSpec([], tf.int32)],
               [(x, np.int32(n)) for n in (0, 1, 5, 12)] + [(x[:1], np.int32(3))])
    assert "While" in {op.type for op in g.get_operations()}


def test_nested_while_loops_with_maximum_iterations():
    def f(x, n):
        def outer(i, acc):
            inner = tf.while_loop(lambda j, a: j < i, lambda j, a: (j + 1, a * 1.5 + 1.0),
                                  [tf.constant(0), acc])[1]
            return i + 1, inner
        return tf.while_loop(lambda i, a: i < n, outer, [tf.constant(0), x],
                             maximum_iterations=4)[1]

    x = RNG.standard_normal((4,)).astype(np.float32)
    _check(f, [tf.TensorSpec([4], tf.float32), tf.TensorSpec([], tf.int32)],
           [(x, np.int32(n)) for n in (0, 2, 3, 9)], rtol=1e-5)


def test_if_with_several_results_and_a_fed_predicate():
    def f(x, p):
        a, b = tf.cond(p, lambda: (x * 2.0, tf.reduce_sum(x)),
                       lambda: (tf.exp(x), tf.reduce_max(x)))
        return a + b

    x = RNG.standard_normal((2, 3)).astype(np.float32)
    _check(f, [tf.TensorSpec([2, 3], tf.float32), tf.TensorSpec([], tf.bool)],
           [(x, np.bool_(True)), (x, np.bool_(False))], rtol=1e-5)


def test_case_reads_as_switch_case():
    # TF lowers switch_case inside tf.function at once, so the Case node is
    # made here from an If's: its branches indexed by a fed int32.
    def f(x, p):
        return tf.cond(p, lambda: x * x + 1.0, lambda: tf.tanh(x))

    data, ins, outs, _ = _frozen(f, tf.TensorSpec([5], tf.float32), tf.TensorSpec([], tf.bool))
    gd = tf.compat.v1.GraphDef.FromString(data)
    for node in gd.node:
        if node.name == ins[1].split(":")[0]:
            node.attr["dtype"].type = tf.int32.as_datatype_enum
        if node.op in ("If", "StatelessIf"):
            then_b, else_b = node.attr["then_branch"].func, node.attr["else_branch"].func
            node.op = "Case"
            node.attr["branches"].list.func.extend([else_b, then_b])
            for key in ("then_branch", "else_branch", "Tcond"):
                del node.attr[key]
    data = gd.SerializeToString()
    x = RNG.standard_normal((5,)).astype(np.float32)
    tg = tf.Graph()
    with tg.as_default():
        tf.import_graph_def(tf.compat.v1.GraphDef.FromString(data), name="")
    g = fg.Graph()
    with g.as_default():
        fg.import_graph_def(fg.GraphDef.FromString(data), name="")
    assert "If" in {op.type for op in g.get_operations()}
    with tf.compat.v1.Session(graph=tg) as ts, fg.Session(graph=g) as fs:
        for k in (0, 1, 5):  # out of range: the last branch, as TF's Case
            want = ts.run(outs, {ins[0]: x, ins[1]: k})
            np.testing.assert_allclose(fs.run(outs, {ins[0]: x, ins[1]: k}), want, rtol=1e-6)


def test_a_call_of_a_nested_function_is_inlined():
    @tf.function
    def inner(a, b):
        return tf.matmul(a, b) + 1.0, tf.reduce_sum(a)

    def f(x, y):
        p, q = inner(x, y)
        return tf.nn.relu(p) * q

    spec = tf.TensorSpec([3, 3], tf.float32)
    cf = tf.function(f, input_signature=[spec, spec]).get_concrete_function()
    gd = cf.graph.as_graph_def()
    assert {"PartitionedCall", "StatefulPartitionedCall"} & {n.op for n in gd.node}
    g = fg.Graph()
    with g.as_default():
        fg.import_graph_def(fg.GraphDef.FromString(gd.SerializeToString()), name="")
    x, y = (RNG.standard_normal((3, 3)).astype(np.float32) for _ in range(2))
    with fg.Session(graph=g) as sess:
        got = sess.run(cf.outputs[0].name, {cf.inputs[0].name: x, cf.inputs[1].name: y})
    np.testing.assert_allclose(got, cf(tf.constant(x), tf.constant(y)).numpy(), rtol=1e-5)


def test_a_function_missing_from_the_library_is_a_clear_error():
    data, *_ = _frozen(lambda x: tf.while_loop(lambda v: tf.reduce_sum(v) < 10.0,
                                               lambda v: v * 2.0, [x])[0],
                       tf.TensorSpec([2], tf.float32))
    gd = fg.GraphDef.FromString(data)
    del gd.library.function[:]
    with fg.Graph().as_default():
        with pytest.raises(ValueError, match="is not in the graph's library"):
            fg.import_graph_def(gd, name="")
