"""The compiler on its own (no C): pruning, scheduling, folding, steps,
views and memory plans."""

import numpy as np
import pytest

import fastgraph as tf
from fastgraph.compiler import compile_plan
from fastgraph.compiler.memory_plan import REDZONE
from fastgraph.compiler.prune import prune
from fastgraph.compiler.schedule import schedule


def test_prune_keeps_only_what_fetches_need(g):
    x = tf.placeholder(tf.float32, [2])
    a = x + 1.0
    b = x * 2.0  # not fetched
    ops = prune([a], [], [x])
    names = {op.name for op in ops.values()}
    assert a.op.name in names and b.op.name not in names and x.op.name not in names


def test_schedule_is_topological_and_respects_control_edges(g):
    x = tf.placeholder(tf.float32, [2])
    a = x + 1.0
    with tf.control_dependencies([a]):
        b = tf.identity(x)
    c = a * b
    ops = prune([c], [], [x])
    order = [op.name for op in schedule(ops, [x])]
    assert order.index(a.op.name) < order.index(b.op.name) < order.index(c.op.name)


def test_constants_and_shapes_fold(g):
    x = tf.placeholder(tf.float32, [None, 3])
    k = tf.constant(2.0) * tf.constant(3.0)  # folds to 6
    flat = tf.reshape(x, tf.shape(x) * tf.constant([3, 1]) // tf.constant([1, 3]))
    y = flat * k
    plan = compile_plan([y], [], {x: ((4, 3), tf.float32)})
    # shape(x) is known once x's shape is: the reshape target folds to [12, 1].
    assert plan.kernels() == ["mul"]
    assert plan.values[plan.fetch_values[0]].shape == (12, 1)
    assert any(np.array_equal(c, np.float32(6.0)) for c in plan.consts)


def test_views_alias_and_pin_their_buffer(g):
    x = tf.placeholder(tf.int32, [4])  # ints are not fused: two steps
    a = x * 2
    r = tf.reshape(a, [2, 2])
    b = x + 1
    plan = compile_plan([r, b], [], {x: ((4,), tf.int32)})
    assert plan.kernels() == ["mul", "add"]
    ra = plan.values[plan.fetch_values[0]]
    assert ra.kind == "arena" and ra.shape == (2, 2)
    (mul_step,) = [st for st in plan.steps if st.kernel == "mul"]
    assert plan.values[mul_step.outputs[0]].key == ra.key
    # Fetched buffers are the run's output arrays, not arena space: the
    # kernels write the results where the user receives them.
    assert plan.fetch_output == [0, 1]
    assert sorted(plan.outputs[0][1]) == sorted(
        v.index for v in plan.values if v.kind == "arena" and v.key == ra.key)
    assert plan.memory.arena_bytes == 0


def test_intermediates_reuse_the_arena(g):
    x = tf.placeholder(tf.int64, [1024])
    y = x
    for _ in range(6):
        y = y * 3
    plan = compile_plan([y], [], {x: ((1024,), tf.int64)})
    assert len(plan.steps) == 6
    # Each multiply overwrites its dying input: the five intermediates share
    # one buffer (the result is the output array, outside the arena).
    assert plan.memory.arena_bytes == 8192 + REDZONE
    assert plan.memory.arena_bytes >= plan.memory.lower_bound
    offsets = {plan.memory.offsets[plan.values[st.outputs[0]].key] for st in plan.steps[:-1]}
    assert offsets == {0}


def test_no_inplace_over_a_value_read_later(g):
    x = tf.placeholder(tf.int32, [256])
    a = x * 2
    b = a + 1      # a is read again below: b must not overwrite it
    c = b * a
    plan = compile_plan([c], [], {x: ((256,), tf.int32)})
    key = {st.kernel + str(i): plan.values[st.outputs[0]].key for i, st in enumerate(plan.steps)}
    off = plan.memory.offsets
    assert off[key["mul0"]] != off[key["add1"]]


def test_no_inplace_over_a_broadcast_input_of_as_many_bytes(g):
    # float32[3] and bool[4, 3] are both 12 bytes; the comparison reads the
    # float row once per output row, so it cannot write over it.
    x = tf.placeholder(tf.float32, [4, 1])
    y = tf.placeholder(tf.float32, [3])
    row = y[()]  # a copy in the arena
    cmp = tf.greater_equal(x + row, row)
    out = tf.broadcast_to(cmp, [4, 3])
    plan = compile_plan([out], [], {x: ((4, 1), tf.float32), y: ((3,), tf.float32)})
    (st,) = [st for st in plan.steps if st.kernel == "greater_equal"]
    keys = [plan.values[i].key for i in (st.inputs[1], st.outputs[0])]
    assert plan.memory.offsets[keys[0]] != plan.memory.offsets[keys[1]]
    a = np.array([[1.4], [0.3], [2.6], [1.9]], np.float32)
    b = np.array([-3.0, 2.1, -2.8], np.float32)
    with tf.Session() as sess:
        for scale in (1, -1):
            np.testing.assert_array_equal(sess.run(out, {x: a * scale, y: b}),
                                          a * scale + b >= b)


def test_float_chains_fuse_into_one_step(g):
    x = tf.placeholder(tf.float32, [4096])
    y = tf.tanh(tf.maximum(x * 1.5 + 0.25, 0.0) * 0.5 - 0.1)
    plan = compile_plan([y], [], {x: ((4096,), tf.float32)})
    assert plan.kernels() == ["fused"]
    # Intermediates stay in registers and the result is the output array.
    assert plan.memory.arena_bytes == 0
    mid = x * 2.0
    out = tf.exp(mid) + mid
    plan = compile_plan([out, mid], [], {x: ((4096,), tf.float32)})
    (step,) = plan.steps
    assert len(step.outputs) == 2  # the fetched intermediate is written too


def test_unfed_placeholder_is_an_invalid_argument(g):
    x = tf.placeholder(tf.int64, [None])
    with pytest.raises(tf.errors.InvalidArgumentError, match="dtype int64 and shape"):
        compile_plan([x + 1], [], {})


def test_variable_reads_are_checked_assigns_are_not(g):
    v = tf.Variable(1.0)
    plan = compile_plan([], [v.initializer], {})
    assert plan.kernels() == ["assign"]
    plan = compile_plan([v.value() + 1.0], [], {})
    assert plan.kernels() == ["var_check", "add"]


def test_fused_group_reads_a_view_of_its_own_result_from_the_register():
    """abs(reshape(x + x)): the reshape is a view of a result that fusion
    keeps in a register, so the fused block must not load it from memory
    (found by the property test)."""
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, (1,))
        y = tf.abs(tf.reshape(x + x, [-1]))
        with tf.Session() as sess:
            np.testing.assert_array_equal(sess.run(y, {x: np.array([-0.5], np.float32)}), [1.0])
