"""Session semantics: fetch structures, feeds, errors, caching, variables,
memory ownership and the native run path."""

import collections
import gc
import threading
import time

import numpy as np
import pytest

import fastgraph as tf
from fastgraph._native import runtime


# ---- fetches ---------------------------------------------------------------

def test_fetch_structures(g):
    a = tf.constant([1.0, 2.0])
    b = tf.constant(3)
    Pair = collections.namedtuple("Pair", "x y")
    with tf.Session() as sess:
        assert isinstance(sess.run(a), np.ndarray)
        np.testing.assert_array_equal(sess.run(a), [1.0, 2.0])
        out = sess.run([a, (b, {"k": a}), Pair(b, [a])])
        assert isinstance(out, list) and isinstance(out[1], tuple)
        assert isinstance(out[2], Pair)
        np.testing.assert_array_equal(out[1][1]["k"], [1.0, 2.0])
        assert out[2].x == 3
        np.testing.assert_array_equal(out[2].y[0], [1.0, 2.0])
        assert sess.run({"a": a, "b": b})["b"] == 3
        assert sess.run([]) == []


def test_fetch_by_name_and_operation(g):
    a = tf.constant(2.0, name="a")
    b = tf.multiply(a, 3.0, name="b")
    with tf.Session() as sess:
        assert sess.run("b:0") == 6.0
        assert sess.run(b.op) is None
        assert sess.run([b.op, "b:0"]) == [None, 6.0]
        assert sess.run("b") is None  # an op name fetches the op


def test_scalar_fetch_is_numpy_scalar(g):
    with tf.Session() as sess:
        x = sess.run(tf.constant(1.5))
    assert isinstance(x, np.float32) and x == 1.5


def test_bad_fetches(g):
    with tf.Session() as sess:
        with pytest.raises(TypeError, match="invalid type"):
            sess.run(None)
        with pytest.raises(TypeError):
            sess.run(3)
        with pytest.raises(ValueError, match="cannot be interpreted as a Tensor"):
            sess.run("nope:0")
        other = tf.Graph()
        with other.as_default():
            c = tf.constant(1.0)
        with pytest.raises(ValueError):
            sess.run(c)


# ---- feeds -----------------------------------------------------------------

def test_seed_two_feed_and_placeholder_shapes(g):
    x = tf.placeholder(tf.float32, shape=[None, 2])
    y = tf.placeholder(tf.float32, shape=[None, 2])
    s = tf.add(x, y)
    with tf.Session() as sess:
        out = sess.run(s, feed_dict={x: [[1, 2], [3, 4]], y: [[5, 6], [7, 8]]})
        assert out.dtype == np.float32
        np.testing.assert_array_equal(out, [[6, 8], [10, 12]])
        out = sess.run(s, feed_dict={x: np.ones((5, 2)), y: np.zeros((5, 2))})
        assert out.shape == (5, 2)


def test_feed_shape_error_message(g):
    x = tf.placeholder(tf.float32, shape=[None, 2])
    with tf.Session() as sess:
        with pytest.raises(ValueError) as e:
            sess.run(x + 1.0, feed_dict={x: np.zeros((3, 3))})
    # TF 2's text (TF 1 quoted the name and spelled the shape '(?, 2)').
    assert str(e.value) == ("Cannot feed value of shape (3, 3) for Tensor Placeholder:0, "
                            "which has shape (None, 2)")


def test_unfed_placeholder(g):
    x = tf.placeholder(tf.float32, shape=[None, 2])
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError) as e:
            sess.run(x * 2.0)
        assert "You must feed a value for placeholder tensor 'Placeholder' with dtype float " \
               "and shape [?,2]" in str(e.value)
        assert e.value.op is x.op
        np.testing.assert_array_equal(sess.run(x * 2.0, {x: [[1, 2]]}), [[2, 4]])


def test_feed_by_name_and_intermediate_override(g):
    x = tf.placeholder(tf.float32, shape=[2], name="x")
    y = tf.multiply(x, 2.0, name="y")
    z = tf.add(y, 1.0, name="z")
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run("z:0", {"x:0": [1, 2]}), [3, 5])
        # Feeding an intermediate cuts the graph there: x need not be fed.
        np.testing.assert_array_equal(sess.run(z, {y: [10, 20]}), [11, 21])
        # Feeding a constant's output overrides it too.
        c = tf.constant([1.0, 1.0])
        d = c + 1.0
        np.testing.assert_array_equal(sess.run(d, {c: [5, 6]}), [6, 7])
        with pytest.raises(TypeError, match="Cannot interpret feed_dict key"):
            sess.run(z, {"nope:0": [1, 2]})
        with pytest.raises(TypeError, match="Cannot interpret feed_dict key"):
            sess.run(z, {3: [1, 2]})


def test_feed_constant_tensor_value(g):
    x = tf.placeholder(tf.uint8, shape=[None, None, 3])
    y = tf.cast(x, tf.int32) * 2
    c = tf.constant([[[1, 2, 3]]], dtype=tf.uint8)
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(y, {x: c}), [[[2, 4, 6]]])
        with pytest.raises(TypeError, match="cannot be a tf.Tensor"):
            sess.run(y, {x: tf.identity(c)})


def test_feed_dtype_conversion_and_int_overflow(g):
    x = tf.placeholder(tf.int32, shape=[])
    with tf.Session() as sess:
        assert sess.run(x + 1, {x: 41}) == 42
        assert sess.run(x, {x: np.float64(3.0)}) == 3
        with pytest.raises(TypeError):
            sess.run(x, {x: 2**40})


def test_feed_zero_copy_is_not_mutated(g):
    x = tf.placeholder(tf.float32, shape=[4])
    y = tf.reshape(x, [2, 2]) * 2.0
    data = np.arange(4, dtype=np.float32)
    keep = data.copy()
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(y, {x: data}), keep.reshape(2, 2) * 2)
        np.testing.assert_array_equal(sess.run(tf.identity(x), {x: data}), keep)
    np.testing.assert_array_equal(data, keep)


def test_non_contiguous_feed(g):
    x = tf.placeholder(tf.float64, shape=[3, 2])
    base = np.arange(12, dtype=np.float64).reshape(3, 4)
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(x + 0.0, {x: base[:, ::2]}), base[:, ::2])


# ---- results never alias ---------------------------------------------------

def test_fetched_arrays_are_independent(g):
    x = tf.placeholder(tf.float32, shape=[3])
    y = x * 2.0
    c = tf.constant([1.0, 2.0, 3.0])
    with tf.Session() as sess:
        first = sess.run(y, {x: [1, 2, 3]})
        second = sess.run(y, {x: [4, 5, 6]})
        np.testing.assert_array_equal(first, [2, 4, 6])
        np.testing.assert_array_equal(second, [8, 10, 12])
        fed = np.array([7, 8, 9], dtype=np.float32)
        echoed = sess.run(x, {x: fed})
        echoed[0] = 100
        assert fed[0] == 7
        k1 = sess.run(c)
        k1[0] = 50
        np.testing.assert_array_equal(sess.run(c), [1, 2, 3])


# ---- plan cache ------------------------------------------------------------

def test_plan_cache_per_signature(g):
    x = tf.placeholder(tf.float32, shape=[None, 2])
    y = x + 1.0
    with tf.Session() as sess:
        sess.run(y, {x: np.zeros((3, 2))})
        sess.run(y, {x: np.ones((3, 2))})
        assert sess.memory_stats()["plans"] == 1
        sess.run(y, {x: np.zeros((4, 2))})
        assert sess.memory_stats()["plans"] == 2
        sess.run(y, {x: np.zeros((3, 2))})
        assert sess.memory_stats()["plans"] == 2
        sess.run([y, x], {x: np.zeros((3, 2))})
        assert sess.memory_stats()["plans"] == 3


def test_plan_cache_keys_shapes_exactly(g):
    x = tf.placeholder(tf.float32, shape=[None, None])
    y = tf.reshape(x, [-1]) * 1.0
    with tf.Session() as sess:
        a = sess.run(y, {x: np.arange(6).reshape(2, 3)})
        b = sess.run(y, {x: np.arange(6).reshape(3, 2)})
        assert sess.memory_stats()["plans"] == 2
        np.testing.assert_array_equal(a, b)
        t = sess.run(tf.shape(x), {x: np.zeros((3, 2))})
        np.testing.assert_array_equal(t, [3, 2])


# ---- make_callable ---------------------------------------------------------

def test_make_callable(g):
    x = tf.placeholder(tf.float32, [None, 2])
    y = tf.placeholder(tf.float32, [None, 2])
    s = x + y
    with tf.Session() as sess:
        f = sess.make_callable(s, [x, y])
        np.testing.assert_array_equal(f([[1, 2]], [[3, 4]]), [[4, 6]])
        np.testing.assert_array_equal(f([[1, 1], [2, 2]], [[0, 0], [1, 1]]), [[1, 1], [3, 3]])
        both = sess.make_callable([s, s.op], [x, y])
        out = both([[1, 2]], [[1, 2]])
        np.testing.assert_array_equal(out[0], [[2, 4]])
        assert out[1] is None
        with pytest.raises(tf.errors.InvalidArgumentError, match="You must feed a value"):
            f([[1, 2]])  # as TF: y is left unfed
        with pytest.raises(ValueError, match="Cannot feed value of shape"):
            f([[1, 2, 3]], [[1, 2, 3]])


# ---- lifetime --------------------------------------------------------------

def test_closed_session_raises(g):
    x = tf.constant(1.0)
    sess = tf.Session()
    f = sess.make_callable(x)
    sess.close()
    with pytest.raises(RuntimeError, match="closed Session"):
        sess.run(x)
    with pytest.raises(RuntimeError):
        f()
    with pytest.raises(RuntimeError):
        sess.make_callable(x)
    sess.close()  # closing twice is fine


def test_context_manager_and_default_session(g):
    x = tf.constant(4.0)
    with tf.Session() as sess:
        assert tf.get_default_session() is sess
        assert x.eval() == 4.0
    assert tf.get_default_session() is None
    with pytest.raises(RuntimeError):
        sess.run(x)
    sess2 = tf.Session()
    with sess2.as_default():
        assert x.eval() == 4.0
    assert sess2.run(x) == 4.0  # as_default does not close
    sess2.close()


def test_close_frees_arena_and_variables(g):
    gc.collect()  # sessions of earlier tests left in cycles free their arenas now
    before = runtime.live_bytes()
    v = tf.Variable(np.zeros((256, 256), dtype=np.float32))
    x = tf.placeholder(tf.float32, [None, 256])
    y = (x * 2.0 + 1.0) * v
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    sess.run(y, {x: np.ones((256, 256))})
    stats = sess.memory_stats()
    assert stats["variable_bytes"] == 256 * 256 * 4
    assert stats["arena_bytes"] >= 256 * 256 * 4
    assert runtime.live_bytes() - before >= stats["variable_bytes"] + stats["arena_bytes"]
    sess.close()
    assert sess.memory_stats() == {"arena_bytes": 0, "variable_bytes": 0, "plans": 0,
                                   "variables": 0, "resources": 0}
    assert runtime.live_bytes() == before


def test_evicted_plans_and_callables_plans_are_freed_too(g, monkeypatch):
    from fastgraph import session as session_module
    monkeypatch.setattr(session_module, "PLAN_CACHE_SIZE", 2)
    gc.collect()  # sessions of earlier tests left in cycles free their arenas now
    before = runtime.live_bytes()
    v = tf.Variable(tf.ones([1000]))
    x = tf.placeholder(tf.float32, [None])
    y = tf.reduce_sum(x) * v
    sess = tf.Session()
    sess.run(v.initializer)
    f = sess.make_callable(y, [x])
    for n in range(1, 8):
        sess.run(y, {x: np.ones(n * 1000, np.float32)})
        np.testing.assert_array_equal(f(np.ones(n, np.float32)), np.full(1000, n))
        stats = sess.memory_stats()
        assert stats["plans"] == 2
        # Exactly what the cached plans and the variable hold: every evicted
        # plan gave its arena back.
        assert runtime.live_bytes() - before == stats["arena_bytes"] + stats["variable_bytes"]
    sess.close()
    assert runtime.live_bytes() == before
    with pytest.raises(RuntimeError, match="closed Session"):
        f(np.ones(3, np.float32))


def test_errors_leave_session_usable(g):
    a = tf.placeholder(tf.int32, [None])
    b = tf.placeholder(tf.int32, [None])
    q = a // b
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="Integer division by zero") as e:
            sess.run(q, {a: [1, 2], b: [1, 0]})
        assert e.value.op is q.op
        np.testing.assert_array_equal(sess.run(q, {a: [7, -7], b: [2, 2]}), [3, -4])
        with pytest.raises(tf.errors.InvalidArgumentError, match="Incompatible|Dimensions"):
            sess.run(a + b, {a: [1, 2], b: [1, 2, 3]})
        np.testing.assert_array_equal(sess.run(a + b, {a: [1, 2], b: [3, 4]}), [4, 6])


# ---- variables -------------------------------------------------------------

def test_variable_lifecycle(g):
    v = tf.Variable([1.0, 2.0], name="weights")
    assert v.name == "weights:0" and v.dtype == tf.float32
    assert v.shape.as_list() == [2]
    assert v.initializer.name == "weights/Assign"
    with tf.Session() as sess:
        with pytest.raises(tf.errors.FailedPreconditionError, match="weights") as e:
            sess.run(v)
        assert "uninitialized" in e.value.message
        with pytest.raises(tf.errors.FailedPreconditionError, match="weights"):
            sess.run(v + 1.0)
        with pytest.raises(tf.errors.FailedPreconditionError, match="weights"):
            sess.run(v.assign_add([1.0, 1.0]))
        sess.run(tf.global_variables_initializer())
        np.testing.assert_array_equal(sess.run(v), [1, 2])
        np.testing.assert_array_equal(sess.run(v.assign([5.0, 6.0])), [5, 6])
        np.testing.assert_array_equal(sess.run(v.assign_add([1.0, 1.0])), [6, 7])
        np.testing.assert_array_equal(sess.run(v.assign_sub([2.0, 2.0])), [4, 5])
        np.testing.assert_array_equal(sess.run(v.read_value()), [4, 5])
        np.testing.assert_array_equal(sess.run(v.value() * 2.0), [8, 10])
        np.testing.assert_array_equal(sess.run(v * 2.0), [8, 10])
        sess.run(v.initializer)
        np.testing.assert_array_equal(sess.run(v), [1, 2])


def test_seed_one_program(g):
    variable = tf.Variable(initial_value=0.0, dtype=tf.float32)
    increment = variable.assign_add(1.0)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert [float(sess.run(increment)) for _ in range(3)] == [1.0, 2.0, 3.0]
        assert sess.run(variable) == 3.0


def test_two_sessions_hold_independent_values(g):
    v = tf.Variable(10, dtype=tf.int64)
    inc = v.assign_add(1)
    s1, s2 = tf.Session(), tf.Session()
    s1.run(v.initializer)
    s2.run(v.initializer)
    s1.run(inc)
    s1.run(inc)
    assert s1.run(v) == 12 and s2.run(v) == 10
    s1.close()
    assert s2.run(inc) == 11
    s2.close()


def test_variables_initializer_subset(g):
    a = tf.Variable(1.0)
    b = tf.Variable(2.0)
    with tf.Session() as sess:
        sess.run(tf.variables_initializer([a]))
        assert sess.run(a) == 1.0
        with pytest.raises(tf.errors.FailedPreconditionError):
            sess.run(b)


def test_variable_from_tensor_and_dtype(g):
    init = tf.constant([[1, 2], [3, 4]], dtype=tf.int32) * 2
    v = tf.Variable(init)
    w = tf.Variable([1, 2], dtype=tf.float64)
    assert w.dtype == tf.float64
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_array_equal(sess.run(v), [[2, 4], [6, 8]])
        assert sess.run(w).dtype == np.float64
        with pytest.raises(TypeError):
            v.assign([[1.5, 2.0], [3.0, 4.0]])


# ---- the native run path ---------------------------------------------------

def test_seed_two_graph_runs_as_c_kernels(g, monkeypatch):
    x = tf.placeholder(tf.float32, shape=[None, 2])
    y = tf.placeholder(tf.float32, shape=[None, 2])
    s = tf.add(x, y)
    with tf.Session() as sess:
        sess.run(s, {x: [[1, 2]], y: [[3, 4]]})
        (native,) = sess._plan_cache.plans.values()
        assert native.kernels() == ["add"]
        runs = native.runs
        # No NumPy arithmetic on the run path: break it and run again.
        monkeypatch.setattr(np, "add", None)
        out = sess.run(s, {x: [[1, 2], [3, 4], [5, 6]], y: [[7, 8], [9, 10], [11, 12]]})
        monkeypatch.undo()
        np.testing.assert_array_equal(out, [[8, 10], [12, 14], [16, 18]])
        assert sess._plan_cache.plans[list(sess._plan_cache.plans)[-1]].runs >= 1
        assert native.runs == runs  # a new shape compiled a new plan


def test_run_releases_the_gil(g):
    n = 1 << 22
    x = tf.placeholder(tf.float32, [n])
    y = x
    for _ in range(40):
        y = y * 1.0001 + 0.5
    data = np.ones(n, dtype=np.float32)
    with tf.Session() as sess:
        sess.run(y, {x: data})  # compile outside the measurement
        ticks = []
        done = threading.Event()

        def spin():
            while not done.is_set():
                ticks.append(time.perf_counter())

        t = threading.Thread(target=spin)
        t.start()
        time.sleep(0.01)
        start = time.perf_counter()
        sess.run(y, {x: data})
        end = time.perf_counter()
        done.set()
        t.join()
    during = [u for u in ticks if start < u < end]
    # With the GIL held for the whole C call the other thread could not tick
    # at all between start and end; free, it ticks millions of times a second.
    # The run only has to be long enough to see that (some 20 ms on 2 cores).
    assert end - start > 0.002
    assert len(during) > 100


# ---- the fast path -----------------------------------------------------------

def test_fast_path_agrees_with_slow_path(g):
    x = tf.placeholder(tf.float32, [None, 2])
    y = tf.placeholder(tf.float32, [None, 2])
    s = x - y
    a = np.array([[1, 2], [3, 4]], np.float32)
    b = np.array([[10, 20], [30, 40]], np.float32)
    with tf.Session() as sess:
        for _ in range(3):
            np.testing.assert_array_equal(sess.run(s, {x: a, y: b}), a - b)
            # The same feeds in the other dict order must bind the same slots.
            np.testing.assert_array_equal(sess.run(s, {y: b, x: a}), a - b)
        # A float64 feed is converted (slow path), never reinterpreted.
        np.testing.assert_array_equal(sess.run(s, {x: a.astype(np.float64), y: b}), a - b)
        np.testing.assert_array_equal(sess.run(s, {x: np.asfortranarray(a), y: b}), a - b)
        out = sess.run([s, s.op, x], {x: a, y: b})
        out2 = sess.run([s, s.op, x], {x: a, y: b})
        for o in (out, out2):
            np.testing.assert_array_equal(o[0], a - b)
            assert o[1] is None
            np.testing.assert_array_equal(o[2], a)
        t = sess.run((s, x), {x: a, y: b})
        assert isinstance(sess.run((s, x), {x: a, y: b}), tuple) and len(t) == 2
        with pytest.raises(ValueError, match="Cannot feed value of shape"):
            sess.run(s, {x: np.zeros((2, 3), np.float32), y: b})
    with pytest.raises(RuntimeError, match="closed Session"):
        sess.run(s, {x: a, y: b})


def test_fast_path_fetch_lists_are_not_trusted_by_identity(g):
    a = tf.constant(1.0)
    b = tf.constant(2.0)
    with tf.Session() as sess:
        fetches = [a]
        assert sess.run(fetches) == [1.0]
        fetches.append(b)
        assert sess.run(fetches) == [1.0, 2.0]


def test_make_callable_fast_and_slow_agree(g):
    x = tf.placeholder(tf.int32, [None])
    y = x * 3
    with tf.Session() as sess:
        f = sess.make_callable([y, y.op], [x])
        for _ in range(2):
            out = f(np.array([1, 2], np.int32))
            np.testing.assert_array_equal(out[0], [3, 6])
            assert out[1] is None
        np.testing.assert_array_equal(f([4])[0], [12])  # a list goes through conversion
        np.testing.assert_array_equal(f(np.array([5, 6, 7], np.int64))[0], [15, 18, 21])
        total = sess.make_callable(tf.cast(x, tf.float32) * 0.5, [x])
        np.testing.assert_array_equal(total(np.array([1, 2], np.int32)), [0.5, 1.0])


def test_plan_eviction_keeps_results_right(g, monkeypatch):
    from fastgraph import session as session_module
    monkeypatch.setattr(session_module, "PLAN_CACHE_SIZE", 2)
    x = tf.placeholder(tf.float32, [None])
    y = x + 1.0
    with tf.Session() as sess:
        f = sess.make_callable(y, [x])
        for n in (1, 2, 3, 1, 2, 3, 1):
            a = np.arange(n, dtype=np.float32)
            np.testing.assert_array_equal(sess.run(y, {x: a}), a + 1)
            np.testing.assert_array_equal(f(a), a + 1)
            assert sess.memory_stats()["plans"] <= 2


def test_config_proto_caps_the_threads_of_a_session():
    from fastgraph.compiler.plan import PARALLEL_GRAIN

    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [None])
        y = x * 2.0 + 1.0
        config = tf.ConfigProto(intra_op_parallelism_threads=1, allow_soft_placement=True,
                                gpu_options=tf.GPUOptions(allow_growth=True))
        v = np.arange(8 * PARALLEL_GRAIN, dtype=np.float32)
        with tf.Session(config=config) as sess:
            np.testing.assert_array_equal(sess.run(y, {x: v}), v * 2 + 1)
            plan = next(iter(sess._plan_cache.plans.values())).plan
            assert max(st.nparts for st in plan.steps) == 1


def test_an_arena_too_big_is_resource_exhausted_and_the_session_goes_on():
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [None])
        huge = tf.broadcast_to(x[:1], [tf.shape(x)[0] * 100000, 100000]) + 1.0
        v = tf.Variable(tf.zeros([10 ** 7, 10 ** 7]))
        with tf.Session() as sess:
            with pytest.raises(tf.errors.ResourceExhaustedError, match="OOM"):
                sess.run(huge, {x: np.ones(100000, np.float32)})
            with pytest.raises(tf.errors.ResourceExhaustedError, match="OOM"):
                sess.run(v.initializer)
            np.testing.assert_array_equal(sess.run(x + 1, {x: np.ones(2, np.float32)}), [2, 2])


def test_tf1_logging_calls_go_to_python_logging(caplog):
    import logging

    tf.logging.set_verbosity(tf.logging.INFO)
    assert tf.compat.v1.logging.get_verbosity() == logging.INFO
    with caplog.at_level(logging.INFO, logger="fastgraph"):
        tf.compat.v1.logging.info("step %d", 3)
        tf.logging.warn("careful")
    assert [r.getMessage() for r in caplog.records] == ["step 3", "careful"]
