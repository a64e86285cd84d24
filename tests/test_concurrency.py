"""Session.run from many threads at once (TF allows it).

Each run takes its own instance of the plan (its own arena), so results
never mix; variable updates are unlocked unless an op asks for TF's
use_locking; random ops never hand two runs the same numbers; closing a
session or evicting a plan while other threads run is safe.
"""

import threading

import numpy as np
import pytest

import fastgraph as tf
from fastgraph import session as session_module

THREADS = 8


def _in_threads(work, n=THREADS):
    """Runs work(i) in n threads started together; re-raises the first failure."""
    errors = []
    start = threading.Barrier(n)

    def body(i):
        try:
            start.wait()
            work(i)
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=body, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


def test_eight_threads_two_thousand_runs_each_get_their_own_results(g):
    x = tf.placeholder(tf.float64, [None, 16])
    w = tf.constant(np.linspace(-1, 1, 16 * 8).reshape(16, 8))
    h = tf.nn.relu(tf.matmul(x, w) + 0.25)
    y = tf.reduce_sum(h * h, axis=1)
    wv = np.linspace(-1, 1, 16 * 8).reshape(16, 8)
    runs = 2000
    with tf.Session() as sess:
        call = sess.make_callable(y, [x])
        failures = []

        def work(i):
            rng = np.random.default_rng(i)
            for r in range(runs):
                # Every thread feeds its own values, some of them of a shape
                # the others use too (one shared plan), some not.
                rows = 4 if r % 3 else 5 + i
                xv = rng.standard_normal((rows, 16))
                got = call(xv) if r % 2 else sess.run(y, {x: xv})
                want = ((np.maximum(xv @ wv + 0.25, 0)) ** 2).sum(axis=1)
                if not np.allclose(got, want, rtol=1e-12, atol=1e-12):
                    failures.append((i, r))

        _in_threads(work)
        assert failures == []
        shared = [p for k, p in sess._plan_cache.plans.items() if k[2][0][1] == (4, 16)]
        assert len(shared) == 1
        # One plan for the shared signature, compiled once though eight
        # threads asked for it at the same moment.
        assert shared[0].runs == THREADS * sum(1 for r in range(runs) if r % 3)
        stats = sess.memory_stats()
        assert stats["arena_bytes"] == sum(p.arena_bytes for p in sess._plan_cache.plans.values())


def test_parallel_steps_in_several_threads_at_once(g):
    # Big enough for the executor to split steps over the worker pool: a run
    # that finds the pool busy runs its shares on its own thread.
    n = 1 << 18
    x = tf.placeholder(tf.float32, [n])
    y = tf.tanh(x * 0.5) + tf.sqrt(tf.abs(x))
    total = tf.reduce_sum(y)
    with tf.Session() as sess:
        def work(i):
            xv = np.linspace(-i - 1, i + 1, n, dtype=np.float32)
            want = np.tanh(xv * 0.5) + np.sqrt(np.abs(xv))
            for _ in range(30):
                got_y, got_total = sess.run([y, total], {x: xv})
                np.testing.assert_allclose(got_y, want, rtol=1e-5, atol=1e-6)
                np.testing.assert_allclose(got_total, want.sum(dtype=np.float64), rtol=1e-4)

        _in_threads(work)
        # Runs of about a millisecond, eight at once: the plan needed more
        # than one instance (arena), and memory_stats counts each of them.
        native, = sess._plan_cache.plans.values()
        assert 1 < native.instances <= THREADS
        assert sess.memory_stats()["arena_bytes"] == native.instances * native.plan.arena_bytes


def test_assign_add_with_use_locking_counts_exactly(g):
    # A large variable makes an unlocked update lose increments when two
    # threads interleave (read-modify-write of the same elements).
    n = 1 << 16
    v = tf.Variable(tf.zeros([n], tf.int64))
    inc = v.assign_add(tf.ones([n], tf.int64), use_locking=True)
    runs = 300
    with tf.Session() as sess:
        sess.run(v.initializer)

        def work(i):
            for _ in range(runs):
                sess.run(inc.op)

        _in_threads(work)
        final = sess.run(v)
    np.testing.assert_array_equal(final, np.full(n, THREADS * runs))


def test_module_assign_functions_take_use_locking(g):
    v = tf.Variable(0, dtype=tf.int32)
    add = tf.assign_add(v, 1, use_locking=True)
    sub = tf.assign_sub(v, 3, use_locking=True)
    put = tf.assign(v, 100)
    with tf.Session() as sess:
        sess.run(v.initializer)

        def work(i):
            for _ in range(500):
                sess.run(add)
            for _ in range(100):
                sess.run(sub)

        _in_threads(work)
        assert sess.run(v) == THREADS * (500 - 300)
        assert sess.run(put) == 100


def test_use_locking_reaches_the_plan(g):
    v = tf.Variable(tf.zeros([3]))
    ops = {
        "Assign default": tf.assign(v, [1.0, 2.0, 3.0]),   # TF's Assign locks by default
        "Variable.assign": v.assign([1.0, 2.0, 3.0]),      # RefVariable passes False
        "AssignAdd default": tf.assign_add(v, [1.0, 1.0, 1.0]),
        "AssignAdd locking": v.assign_add([1.0, 1.0, 1.0], use_locking=True),
        "AssignSub locking": tf.assign_sub(v, [1.0, 1.0, 1.0], use_locking=True),
    }
    want = {"Assign default": True, "Variable.assign": False, "AssignAdd default": False,
            "AssignAdd locking": True, "AssignSub locking": True}
    from fastgraph.compiler.plan import compile_plan
    for what, t in ops.items():
        plan = compile_plan([t], [], {})
        step = [s for s in plan.steps if s.op is t.op][0]
        assert step.exclusive is want[what], what


def test_random_ops_never_repeat_a_run_across_threads(g):
    # Split over the pool (2**17 elements), so the shares of one run share a
    # counter: without the state's lock two threads could draw one run.
    u = tf.random_uniform([1 << 17], seed=7)
    runs = 25
    heads = []
    lock = threading.Lock()
    with tf.Session() as sess:
        def work(i):
            mine = []
            for _ in range(runs):
                out = sess.run(u)
                assert 0.0 <= out.min() and out.max() < 1.0
                mine.append(out[:4].tobytes())
            with lock:
                heads.extend(mine)

        _in_threads(work)
    assert len(heads) == THREADS * runs
    assert len(set(heads)) == len(heads)


def test_close_while_other_threads_run(g):
    x = tf.placeholder(tf.float32, [None])
    v = tf.Variable(tf.ones([1 << 15]))
    y = tf.reduce_sum(v * 2.0) + tf.reduce_sum(x)
    sess = tf.Session()
    sess.run(v.initializer)
    started = threading.Event()
    outcomes = []

    def work(i):
        xv = np.full(100, float(i), np.float32)
        n = 0
        try:
            while True:
                got = sess.run(y, {x: xv})
                assert got == pytest.approx(2.0 * (1 << 15) + 100.0 * i)
                n += 1
                if n == 20:
                    started.set()
        except RuntimeError as e:
            outcomes.append(str(e))

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    started.wait(10)
    sess.close()
    for t in threads:
        t.join(10)
    assert outcomes == ["Attempted to use a closed Session."] * 4
    assert sess.memory_stats() == {"arena_bytes": 0, "variable_bytes": 0, "plans": 0,
                                   "variables": 0, "resources": 0}


def test_plan_eviction_while_other_threads_run(g, monkeypatch):
    # A cache of two plans and eight threads with their own shapes: plans
    # are freed under runs that looked them up a moment before.
    monkeypatch.setattr(session_module, "PLAN_CACHE_SIZE", 2)
    x = tf.placeholder(tf.int64, [None])
    y = tf.cumsum(x * 3)
    with tf.Session() as sess:
        call = sess.make_callable(y, [x])

        def work(i):
            xv = np.arange(i + 1, dtype=np.int64)
            want = np.cumsum(xv * 3)
            for r in range(300):
                got = call(xv) if r % 2 else sess.run(y, {x: xv})
                np.testing.assert_array_equal(got, want)

        _in_threads(work)
        assert sess.memory_stats()["plans"] <= 2


def test_two_sessions_in_threads_keep_their_variables_apart(g):
    v = tf.Variable(0, dtype=tf.int64)
    inc = v.assign_add(1)
    counts = {}

    def work(i):
        with tf.Session() as sess:
            sess.run(v.initializer)
            for _ in range(200 + i):
                sess.run(inc)
            counts[i] = sess.run(v)

    _in_threads(work)
    assert counts == {i: 200 + i for i in range(THREADS)}
