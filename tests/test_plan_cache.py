"""The plan cache: one place that finds, keeps, evicts and drops plans, and the
compile-time inference that bakes fed values without starting over."""

import numpy as np
import pytest

import fastgraph as tf
from fastgraph import session as session_module
from fastgraph.compiler import compile_plan
from fastgraph.compiler.uses import Uses
from fastgraph.framework import op_registry
from fastgraph.plan_cache import RunSignature


@pytest.fixture()
def g():
    graph = tf.Graph()
    with graph.as_default():
        yield graph


def _signature(fetches, feeds):
    return RunSignature(fetches, list(feeds.items()))


def test_a_plan_found_runs_even_when_evicted_before_its_run(g, monkeypatch):
    monkeypatch.setattr(session_module, "PLAN_CACHE_SIZE", 1)
    x = tf.placeholder(tf.float32, [None])
    y = x * 2.0
    with tf.Session() as sess:
        a = np.arange(3, dtype=np.float32)
        sess.run(y, {x: a})
        sig = _signature([y], {x: a})
        run = sess._plan_cache.lookup(sig)
        assert run is not None
        sess.run(y, {x: np.ones(5, np.float32)})  # evicts and frees the plan found above
        assert all(p is not run.native for p in sess._plan_cache.plans.values())
        assert run.native.arena_bytes == 0  # freed, but the reserved instance lives on
        try:
            np.testing.assert_array_equal(run.run(sig.arrays)[0], a * 2)
            with pytest.raises(RuntimeError):
                run.run(sig.arrays)  # a reservation runs once
        finally:
            del run
        assert sess._gate.busy == 0


def test_a_reservation_made_before_close_does_not_run_after_it(g):
    x = tf.placeholder(tf.float32, [None])
    y = x + 1.0
    sess = tf.Session()
    a = np.ones(2, np.float32)
    sess.run(y, {x: a})
    run = sess._plan_cache.lookup(_signature([y], {x: a}))
    sess.close()  # does not wait for a reservation that has not started to run
    assert run.run([a]) is None  # and it no longer runs
    assert sess._gate.busy == 0


def test_invalidate_drops_plans_value_slots_and_memos(g):
    x = tf.placeholder(tf.float32, [None])
    n = tf.placeholder(tf.int32, [1])
    y = x * 3.0
    filled = tf.fill(n, 1.0)
    with tf.Session() as sess:
        cache = sess._plan_cache
        a = np.ones(2, np.float32)
        f = sess.make_callable(y, [x])
        for _ in range(2):
            sess.run(y, {x: a})
            f(a)
            sess.run(filled, {n: [3]})
        assert len(cache.plans) == 2 and len(cache.value_slots) == 1
        cache.invalidate(keep_plans=True)
        assert len(cache.plans) == 2
        natives = list(cache.plans.values())
        cache.invalidate()
        assert len(cache.plans) == 0 and len(cache.value_slots) == 0
        assert all(p.instances == 0 for p in natives)  # freed
        # The memos forgot the freed plans: runs compile anew and are right.
        np.testing.assert_array_equal(sess.run(y, {x: a}), a * 3)
        np.testing.assert_array_equal(f(a), a * 3)
        assert len(cache.plans) == 1


def test_fed_values_are_baked_without_inferring_again_from_the_start(g, monkeypatch):
    calls = []
    tanh = op_registry.get("Tanh")
    shape = tanh.shape
    monkeypatch.setattr(tanh, "shape", lambda ctx: calls.append(1) or shape(ctx))
    x = tf.placeholder(tf.float32, [None])
    n = tf.placeholder(tf.int32, [1])
    z = x
    for _ in range(5):
        z = tf.tanh(z)
    out = tf.fill(n + 1, 2.0) + tf.reduce_sum(z)
    calls.clear()
    plan = compile_plan([out], [], {x: ((3,), tf.float32), n: ((1,), tf.int32)},
                        values={x: np.zeros(3, np.float32), n: np.array([4], np.int32)})
    assert len(calls) == 5  # each Tanh once, though `n` was baked after them
    assert [k for k, _ in plan.value_feeds] == [1]
    assert plan.values[plan.fetch_values[0]].shape == (5,)


def test_ops_before_a_baked_feed_follow_its_value(g):
    # `m` is inferred before the fill asks for `n`'s value; once `n` is baked
    # it folds too, as if inference had known `n` from the start.
    n = tf.placeholder(tf.int32, [1])
    m = n * 2
    out = tf.fill(n, 1.0)
    plan = compile_plan([m, out], [], {n: ((1,), tf.int32)}, values={n: np.array([3], np.int32)})
    assert plan.kernels() == []  # both folded into constants
    m_value = plan.values[plan.fetch_values[0]]
    assert m_value.kind == "const"
    assert plan.consts[m_value.key].tolist() == [6]


def test_uses_lists_every_read_and_the_first_write(g):
    x = tf.placeholder(tf.float32, [None])
    a = tf.exp(x)
    b = tf.add(a, a)
    c = tf.matmul(tf.reshape(b, [1, -1]), tf.reshape(a, [-1, 1]))
    plan = compile_plan([c], [], {x: ((4,), tf.float32)})
    uses = Uses(plan.steps, plan.values, plan.fetch_values)
    for b_, ks in uses.readers.items():
        assert ks == sorted(ks)
        assert all(uses.producer[b_] < k for k in ks)
    assert uses.pinned == {plan.values[i].key for i in plan.fetch_values
                           if plan.values[i].kind == "arena"}
