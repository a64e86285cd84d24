"""The training ops' kernels against TF's formulas in NumPy: every ref input
(the variable and each slot) after one and several updates, both dtypes,
each bool attr; their errors."""

import numpy as np
import pytest

import fastgraph as tf
from fastgraph.framework import op_registry
from fastgraph.ops import training_ops
from tests.compare import assert_close

OPS = [t for t in op_registry.registered_types() if op_registry.get(t).kernel and
       op_registry.get(t).kernel.startswith(("apply_", "sparse_apply_"))]

TOL = {np.float32: 3e-5, np.float64: 1e-12}


def _build(op_type, inputs, attrs):
    """The op on variables holding `inputs`' refs; returns (graph, op, refs, init feeds)."""
    opdef = op_registry.get(op_type)
    graph = tf.Graph()
    with graph.as_default():
        refs, feeds, inits, tensors = [], {}, [], []
        for i, v in enumerate(inputs):
            v = np.asarray(v)
            ph = tf.placeholder(tf.as_dtype(v.dtype), v.shape)
            if i in opdef.ref_inputs:
                var = graph.create_op("VariableV2", [], {
                    "shape": v.shape, "dtype": tf.as_dtype(v.dtype), "container": "",
                    "shared_name": ""}).outputs[0]
                inits.append(graph.create_op("Assign", [var, ph], {}))
                refs.append(var)
                tensors.append(var)
            else:
                tensors.append(ph)
            feeds[ph] = v
        op = graph.create_op(op_type, tensors, attrs)
    return graph, op, refs, inits, feeds


def _run_steps(op_type, inputs, attrs, steps):
    graph, op, refs, inits, feeds = _build(op_type, inputs, attrs)
    with tf.Session(graph=graph) as sess:
        sess.run(inits, feeds)
        outs = [sess.run(op.outputs[0], feeds) for _ in range(steps)]
        with graph.as_default():
            reads = [tf.identity(r) for r in refs]
        return outs, sess.run(reads)


def _expected(op_type, inputs, attrs, steps):
    n_refs = len(op_registry.get(op_type).ref_inputs)
    inputs = [np.asarray(v) for v in inputs]
    for _ in range(steps):
        new = training_ops.updates(op_type, inputs, attrs)
        inputs = new + inputs[n_refs:]
    return inputs[:n_refs]


def _cases():
    for op_type in OPS:
        for dtype in (tf.float32, tf.float64):
            for n, (inputs, attrs) in enumerate(op_registry.get(op_type).samples(dtype)):
                yield pytest.param(op_type, dtype, inputs, attrs,
                                   id=f"{op_type}-{dtype.name}-{n}")


@pytest.mark.parametrize("op_type,dtype,inputs,attrs", list(_cases()))
def test_every_ref_after_three_steps(op_type, dtype, inputs, attrs):
    outs, refs = _run_steps(op_type, inputs, attrs, 3)
    want = _expected(op_type, inputs, attrs, 3)
    tol = TOL[dtype.np_dtype.type]
    for got, w in zip(refs, want):
        assert_close(got, w, rtol=tol, atol=tol)
    assert_close(outs[-1], want[0], rtol=tol, atol=tol)  # the op's output is the new var
    assert_close(outs[0], _expected(op_type, inputs, attrs, 1)[0], rtol=tol, atol=tol)


def test_adam_by_hand():
    # One step from m = v = 0: m = 0.1 g, v = 0.001 g^2, alpha = lr sqrt(1 - b2p) / (1 - b1p).
    g = np.array([0.5, -2.0])
    b1p, b2p, lr, eps = 0.9, 0.999, 0.1, 1e-8
    alpha = lr * np.sqrt(1 - b2p) / (1 - b1p)
    m, v = 0.1 * g, 0.001 * g * g
    want = 1.0 - alpha * m / (np.sqrt(v) + eps)
    outs, refs = _run_steps("ApplyAdam", [np.ones(2), np.zeros(2), np.zeros(2), b1p, b2p, lr,
                                          0.9, 0.999, eps, g], {}, 1)
    assert_close(refs[0], want, rtol=1e-12, atol=1e-12)
    assert_close(refs[1], m, rtol=1e-12, atol=1e-12)
    assert_close(refs[2], v, rtol=1e-12, atol=1e-12)


def test_uninitialized_var_fails():
    graph, op, refs, inits, feeds = _build("ApplyGradientDescent",
                                           [np.zeros(3, np.float32), np.float32(0.1),
                                            np.ones(3, np.float32)], {})
    with tf.Session(graph=graph) as sess:
        with pytest.raises(tf.errors.FailedPreconditionError, match="uninitialized"):
            sess.run(op, feeds)


def test_proximal_adagrad_refuses_bad_rate_and_session_stays_usable():
    x = np.ones(3, np.float32)
    graph, op, refs, inits, feeds = _build("ApplyProximalAdagrad",
                                           [x, x, np.float32(0.1), np.float32(0),
                                            np.float32(0), x], {})
    lr = [p for p in feeds if p.shape.ndims == 0][0]
    with tf.Session(graph=graph) as sess:
        sess.run(inits, feeds)
        with pytest.raises(tf.errors.InvalidArgumentError, match="lr is not a positive scalar"):
            sess.run(op, {**feeds, lr: np.float32(-1)})
        sess.run(op, feeds)


def test_sparse_index_out_of_range():
    graph, op, refs, inits, feeds = _build(
        "SparseApplyAdagrad", [np.ones((3, 2)), np.ones((3, 2)), 0.1, np.ones((2, 2)),
                               np.array([0, 3], np.int32)], {})
    with tf.Session(graph=graph) as sess:
        sess.run(inits, feeds)
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match="Index 3 at offset 1 in indices is out of range"):
            sess.run(op, feeds)


def test_build_time_errors():
    with tf.Graph().as_default() as g:
        var = tf.Variable(np.zeros(3, np.float32))
        with pytest.raises(ValueError, match="var and delta do not have the same shape"):
            training_ops.apply_update("ApplyGradientDescent", [var._variable],
                                      [0.1, np.ones(4, np.float32)])
        with pytest.raises(ValueError, match="rank 0"):
            training_ops.apply_update("ApplyGradientDescent", [var._variable],
                                      [np.ones(2, np.float32), np.ones(3, np.float32)])
        grad = tf.constant(np.ones(3))
        with pytest.raises(TypeError, match="Input 'delta' of 'ApplyGradientDescent' Op has "
                                            "type float64 that does not match type float32"):
            g.create_op("ApplyGradientDescent", [var._variable, tf.constant(0.1, tf.float32),
                                                 grad], {})


def test_use_locking_runs_exclusive():
    with tf.Graph().as_default():
        var = tf.Variable(np.ones(4, np.float32))
        op = training_ops.apply_update("ApplyGradientDescent", [var._variable],
                                       [0.5, np.ones(4, np.float32)], use_locking=True)
        assert op.op.get_attr("use_locking") is True
        with tf.Session() as sess:
            sess.run(var.initializer)
            assert_close(sess.run(op), np.full(4, 0.5, np.float32))


def test_big_variables_split_across_threads():
    from fastgraph.compiler.plan import PARALLEL_GRAIN

    n = 3 * PARALLEL_GRAIN + 5
    rng = np.random.default_rng(3)
    inputs = [rng.normal(size=n), rng.uniform(0.1, 1, n), rng.uniform(0.1, 1, n), 0.81, 0.998,
              0.01, 0.9, 0.999, 1e-7, rng.normal(size=n)]
    graph, op, refs, inits, feeds = _build("ApplyAdam", inputs, {})
    config = tf.ConfigProto(intra_op_parallelism_threads=2)
    with tf.Session(graph=graph, config=config) as sess:
        sess.run(inits, feeds)
        sess.run(op.outputs[0], feeds)
        plans = [p.plan for p in sess._plan_cache.plans.values()]
        steps = [st for p in plans for st in p.steps if st.kernel == "apply_adam"]
        with graph.as_default():
            got = sess.run([tf.identity(r) for r in refs])
    assert steps and steps[0].nparts == 2
    for g, w in zip(got, training_ops.updates("ApplyAdam", [np.asarray(v) for v in inputs], {})):
        assert_close(g, w, rtol=1e-12, atol=1e-12)
