"""while_loop, cond, case and switch_case against NumPy and hand-computed
values: nested structures, fed trip counts, nested loops and conds,
variables in loop bodies and branches, TF's errors, and a fuzz of random
nested programs against a Python evaluation."""

import collections
import threading

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import fastgraph as tf
from fastgraph._native import runtime
from fastgraph.framework import op_registry


def _run(fetches, feeds=None, init=False):
    with tf.Session() as sess:
        if init:
            sess.run(tf.global_variables_initializer())
        return sess.run(fetches, feeds)


# ---- while_loop ---------------------------------------------------------------

@pytest.mark.parametrize("n", [0, 1, 7, 1000])
def test_scalar_loop_with_a_fed_trip_count(n):
    with tf.Graph().as_default():
        limit = tf.placeholder(tf.int32, [])
        i, acc = tf.while_loop(lambda i, a: i < limit,
                               lambda i, a: (i + 1, a + tf.cast(i, tf.float64) * 0.5),
                               [tf.constant(0), tf.constant(0.0, tf.float64)])
        got = _run([i, acc], {limit: n})
    assert got[0] == n
    assert got[1] == pytest.approx(sum(k * 0.5 for k in range(n)))


def test_one_session_runs_many_trip_counts():
    with tf.Graph().as_default():
        limit = tf.placeholder(tf.int32, [])
        out = tf.while_loop(lambda i, s: i < limit, lambda i, s: (i + 1, s + i * i), [0, 0])
        with tf.Session() as sess:
            for n in [3, 0, 10, 5]:
                assert sess.run(out, {limit: n}) == [n, sum(k * k for k in range(n))]


def test_tensor_loop_vars_and_captured_feed():
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    with tf.Graph().as_default():
        ph = tf.placeholder(tf.float32, [None, 3])
        k, v = tf.while_loop(lambda k, v: k < 4, lambda k, v: (k + 1, v * 0.5 + ph), (0, ph))
        got_k, got_v = _run((k, v), {ph: x})
    want = x.copy()
    for _ in range(4):
        want = want * 0.5 + x
    assert got_k == 4
    np.testing.assert_allclose(got_v, want, rtol=1e-6)


def test_nested_structures():
    Pair = collections.namedtuple("Pair", "count state")
    with tf.Graph().as_default():
        start = Pair(tf.constant(0), {"a": tf.constant(1.0), "b": [tf.constant(2), tf.constant(3)]})

        def body(p):
            return [Pair(p.count + 1, {"a": p.state["a"] * 3.0,
                                       "b": [p.state["b"][1], p.state["b"][0] + p.count]})]
        out = tf.while_loop(lambda p: p.count < 4, body, [start])
        got = _run(out)
    assert isinstance(got, list) and isinstance(got[0], Pair)
    a, b0, b1 = 1.0, 2, 3
    for c in range(4):
        a, b0, b1 = a * 3, b1, b0 + c
    assert got[0].count == 4 and got[0].state["a"] == pytest.approx(a)
    assert got[0].state["b"] == [b0, b1]


def test_single_var_returns_a_tensor_unless_same_structure_is_asked():
    with tf.Graph().as_default():
        plain = tf.while_loop(lambda i: i < 5, lambda i: i + 2, [0])
        same = tf.while_loop(lambda i: i < 5, lambda i: (i + 2,), (0,), return_same_structure=True)
        assert isinstance(plain, tf.Tensor)
        assert isinstance(same, tuple) and len(same) == 1
        assert _run([plain, same[0]]) == [6, 6]


@pytest.mark.parametrize("limit", [0, 3, 50])
def test_maximum_iterations_fed_and_constant(limit):
    with tf.Graph().as_default():
        m = tf.placeholder(tf.int32, [])
        fed = tf.while_loop(lambda i: i < 10, lambda i: i + 1, [0], maximum_iterations=m)
        const = tf.while_loop(lambda i: i < 10, lambda i: i + 1, [0], maximum_iterations=limit)
        assert _run([fed, const], {m: limit}) == [min(limit, 10)] * 2


def test_nested_loops_with_fed_trip_count():
    with tf.Graph().as_default():
        n = tf.placeholder(tf.int32, [])

        def outer(i, total):
            _, inner = tf.while_loop(lambda j, t: j < i, lambda j, t: (j + 1, t + j * n), [0, 0])
            return i + 1, total + inner
        got = tf.while_loop(lambda i, s: i < n, outer, [0, 0])
        for value in [0, 1, 6]:
            assert _run(got, {n: value}) == [value, sum(sum(j * value for j in range(i))
                                                        for i in range(value))]


def test_three_deep_loops_capture_the_outermost_feed():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float64, [])

        def middle(j, s):
            k, t = tf.while_loop(lambda k, t: k < 2, lambda k, t: (k + 1, t + x), [0, s])
            return j + 1, t
        out = tf.while_loop(lambda i, s: i < 3,
                            lambda i, s: (i + 1, tf.while_loop(lambda j, t: j < 2, middle,
                                                               [0, s])[1]),
                            [0, tf.constant(0.0, tf.float64)])
        assert _run(out, {x: 1.5})[1] == pytest.approx(3 * 2 * 2 * 1.5)


def test_loop_inside_cond_and_cond_inside_loop():
    with tf.Graph().as_default():
        p = tf.placeholder(tf.bool, [])
        in_cond = tf.cond(p, lambda: tf.while_loop(lambda i: i < 10, lambda i: i + 3, [0]),
                          lambda: tf.constant(-5))
        in_loop = tf.while_loop(
            lambda i, a: i < 6,
            lambda i, a: (i + 1, tf.cond(tf.equal(i % 2, 0), lambda: a + i, lambda: a - 1)),
            [0, 0])
        with tf.Session() as sess:
            assert sess.run(in_cond, {p: True}) == 12
            assert sess.run(in_cond, {p: False}) == -5
            a = 0
            for i in range(6):
                a = a + i if i % 2 == 0 else a - 1
            assert sess.run(in_loop) == [6, a]


def test_variable_assigned_in_the_body_sees_each_iteration():
    with tf.Graph().as_default():
        v = tf.Variable(1.0)
        n = tf.placeholder(tf.int32, [])

        def body(i, seen):
            # Reads v (its read snapshot, made outside) after doubling it.
            with tf.control_dependencies([v.assign(v * 2.0)]):
                return i + 1, seen + v.read_value()
        out = tf.while_loop(lambda i, s: i < n, body, [0, tf.constant(0.0)])
        counter = tf.Variable(0)

        def count(i):
            with tf.control_dependencies([counter.assign_add(i)]):
                return i + 1
        counted = tf.while_loop(lambda i: i < 5, count, [0])
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            assert sess.run(out, {n: 4}) == [4, 2.0 + 4.0 + 8.0 + 16.0]
            assert sess.run(v) == 16.0
            assert sess.run(counted) == 5
            assert sess.run(counter) == 0 + 1 + 2 + 3 + 4


def test_uninitialized_variable_in_body_raises_and_session_survives():
    with tf.Graph().as_default():
        v = tf.Variable(3.0)
        out = tf.while_loop(lambda i, a: i < 2, lambda i, a: (i + 1, a + v), [0, 0.0])
        with tf.Session() as sess:
            with pytest.raises(tf.errors.FailedPreconditionError):
                sess.run(out)
            sess.run(v.initializer)
            assert sess.run(out) == [2, 6.0]


def test_kernel_error_inside_the_body_is_tfs_and_session_stays_usable():
    with tf.Graph().as_default():
        table = tf.constant([1.0, 2.0, 3.0])
        idx = tf.placeholder(tf.int32, [])
        out = tf.while_loop(lambda i, a: i < 3,
                            lambda i, a: (i + 1, a + tf.gather(table, idx + i)), [0, 0.0])
        with tf.Session() as sess:
            with pytest.raises(tf.errors.InvalidArgumentError, match="indices"):
                sess.run(out, {idx: 1})
            assert sess.run(out, {idx: 0}) == [3, 6.0]


def test_runs_in_two_threads_at_once_get_their_own_loop_instances():
    with tf.Graph().as_default():
        n = tf.placeholder(tf.int32, [])
        out = tf.while_loop(lambda i, a: i < n, lambda i, a: (i + 1, a + i), [0, 0])
        results = {}
        with tf.Session() as sess:
            sess.run(out, {n: 1})

            def work(k):
                results[k] = [sess.run(out, {n: 20000 + k})[1] for _ in range(3)]
            threads = [threading.Thread(target=work, args=(k,)) for k in range(2)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
    for k in range(2):
        m = 20000 + k
        assert results[k] == [m * (m - 1) // 2] * 3


def test_closing_the_session_frees_loop_plans():
    before = runtime.live_bytes()
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [1000])
        out = tf.while_loop(lambda i, v: i < 3, lambda i, v: (i + 1, v * 2.0), [0, x])
        sess = tf.Session()
        sess.run(out, {x: np.ones(1000, np.float32)})
        sess.close()
    assert runtime.live_bytes() == before


def test_shape_invariant_with_unchanged_run_shapes():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None])
        out = tf.while_loop(lambda i, v: i < 2, lambda i, v: (i + 1, v + 1.0), [0, x],
                            shape_invariants=[tf.TensorShape([]), tf.TensorShape([None])])
        assert out[1].shape.as_list() == [None]
        np.testing.assert_array_equal(_run(out, {x: np.zeros(3, np.float32)})[1], [2, 2, 2])


def test_shape_changing_at_run_time_runs():
    # Under its invariant the variable doubles each iteration (a HostWhile).
    with tf.Graph().as_default():
        out = tf.while_loop(lambda v: tf.size(v) < 8, lambda v: tf.concat([v, v + 1], 0),
                            [tf.constant([1])], shape_invariants=[tf.TensorShape([None])])
        assert out.op.type == "HostWhile" and out.shape.as_list() == [None]
        want = np.array([1])
        while want.size < 8:
            want = np.concatenate([want, want + 1])
        np.testing.assert_array_equal(_run(out), want)


def test_reference_agrees_with_the_kernel():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float64, [3])
        out = tf.while_loop(lambda i, v: i < 5, lambda i, v: (i + 1, v * 1.5 + tf.sin(v)),
                            [0, x], maximum_iterations=4)
        op = out[0].op
        xv = np.array([0.1, -2.0, 3.0])
        want = op.opdef.reference([np.int32(0), xv, np.int64(4)], op._attrs)
        got = _run(out, {x: xv})
    assert got[0] == want[0] == 4
    np.testing.assert_allclose(got[1], want[1], rtol=1e-12)


# ---- errors -------------------------------------------------------------------

def test_body_returning_the_wrong_structure():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="don't have the same nested structure"):
            tf.while_loop(lambda i, j: i < 3, lambda i, j: i + 1, [tf.constant(0), tf.constant(1)])
        with pytest.raises(ValueError, match="don't have the same nested structure"):
            tf.while_loop(lambda i, j: i < 3, lambda i, j: (i + 1, (j,)),
                          (tf.constant(0), tf.constant(1)))


def test_body_changing_dtype_or_static_shape():
    with tf.Graph().as_default():
        with pytest.raises(TypeError, match="enters the loop with type <dtype: 'int32'> but has "
                                            "type <dtype: 'float32'> after 1 iteration"):
            tf.while_loop(lambda i: i < 3, lambda i: tf.cast(i, tf.float32), [tf.constant(0)])
        with pytest.raises(ValueError, match=r"enters the loop with shape \(1,\), but has shape "
                                             r"\(2,\) after one iteration"):
            tf.while_loop(lambda i: i[0] < 3, lambda i: tf.concat([i, i], 0), [tf.constant([0])])
        with pytest.raises(ValueError, match="not compatible with the initial shape"):
            tf.while_loop(lambda i: i[0] < 3, lambda i: i, [tf.constant([0])],
                          shape_invariants=[tf.TensorShape([2])])


def test_non_boolean_or_non_scalar_condition():
    with tf.Graph().as_default():
        with pytest.raises(TypeError, match="has type int32 that does not match expected type "
                                            "of bool"):
            tf.while_loop(lambda i: i + 3, lambda i: i + 1, [tf.constant(0)])
        with pytest.raises(ValueError, match="Shape must be rank 0 but is rank 1"):
            tf.while_loop(lambda i: tf.constant([True, False]), lambda i: i + 1, [tf.constant(0)])
        with pytest.raises(TypeError, match="cond must be callable"):
            tf.while_loop(True, lambda i: i, [0])
        with pytest.raises(ValueError, match="maximum_iterations must be a scalar"):
            tf.while_loop(lambda i: i < 3, lambda i: i + 1, [0], maximum_iterations=[3])


# ---- cond, case, switch_case -------------------------------------------------

def test_cond_runs_only_the_taken_branch_assign():
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    with tf.Graph().as_default():
        p = tf.placeholder(tf.bool, [])
        ph = tf.placeholder(tf.float32, [None, 3])
        a, b, outside = tf.Variable(0.0), tf.Variable(0.0), tf.Variable(0.0)
        shared = outside.assign_add(1.0)  # created outside: runs whichever branch is taken
        r = tf.cond(p, lambda: (a.assign_add(1.0) + shared, ph * 2),
                    lambda: (b.assign_add(10.0) + shared, ph - 1))
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            got = sess.run(r, {p: True, ph: x})
            assert got[0] == 2.0
            np.testing.assert_array_equal(got[1], x * 2)
            assert sess.run([a, b, outside]) == [1.0, 0.0, 1.0]
            got = sess.run(r, {p: False, ph: x})
            assert got[0] == 12.0
            np.testing.assert_array_equal(got[1], x - 1)
            assert sess.run([a, b, outside]) == [1.0, 10.0, 2.0]


def test_cond_branch_ops_not_fetched_do_not_run():
    with tf.Graph().as_default():
        p = tf.placeholder(tf.bool, [])
        v = tf.Variable(0)

        def true_fn():
            v.assign_add(5)  # not an output and no control edge: TF1 never runs it
            return tf.constant(1)
        r = tf.cond(p, true_fn, lambda: tf.constant(2))
        assert _run([r, v.value()], {p: True}, init=True) == [1, 0]


def test_cond_with_a_constant_predicate_builds_one_branch():
    calls = []
    with tf.Graph().as_default():
        r = tf.cond(tf.constant(False), lambda: calls.append("t") or tf.constant(1),
                    lambda: calls.append("f") or tf.constant(2))
        assert calls == ["f"]
        assert _run(r) == 2
        assert not [op for op in tf.get_default_graph().get_operations() if op.type == "If"]


def test_cond_branch_shapes_that_differ_at_run_time():
    with tf.Graph().as_default():
        p = tf.placeholder(tf.bool, [])
        x = tf.placeholder(tf.float32, [None])
        r = tf.cond(p, lambda: x, lambda: tf.concat([x, x], 0))
        assert r.shape.as_list() == [None]
        with pytest.raises(tf.errors.InvalidArgumentError, match="in one branch"):
            _run(r, {p: True, x: np.ones(2, np.float32)})


def test_cond_structure_and_type_errors():
    with tf.Graph().as_default():
        p = tf.placeholder(tf.bool, [])
        with pytest.raises(ValueError, match="same nested structure"):
            tf.cond(p, lambda: (tf.constant(1), tf.constant(2)), lambda: tf.constant(1))
        with pytest.raises(TypeError, match="same type"):
            tf.cond(p, lambda: tf.constant(1), lambda: tf.constant(1.0))
        with pytest.raises(TypeError, match="true_fn must be callable"):
            tf.cond(p, 1, lambda: 2)


def test_switch_case_and_case():
    with tf.Graph().as_default():
        k = tf.placeholder(tf.int32, [])
        v = tf.Variable(0)
        sc = tf.switch_case(k, [lambda: v.assign_add(1), lambda: v.assign_add(10),
                                lambda: v.assign_add(100)])
        with_default = tf.switch_case(k, {0: lambda: tf.constant(5), 1: lambda: tf.constant(6)},
                                      default=lambda: tf.constant(-1))
        cs = tf.case([(tf.equal(k, 1), lambda: tf.constant(1.0)),
                      (tf.greater(k, 0), lambda: tf.constant(2.0))],
                     default=lambda: tf.constant(-1.0))
        with tf.Session() as sess:
            sess.run(v.initializer)
            assert [sess.run(sc, {k: i}) for i in [0, 1, 2, 7, -3]] == [1, 11, 111, 211, 311]
            assert [sess.run(with_default, {k: i}) for i in [-1, 0, 1, 2]] == [-1, 5, 6, -1]
            assert [sess.run(cs, {k: i}) for i in [0, 1, 2, 3]] == [-1.0, 1.0, 2.0, 2.0]


def test_if_reference_agrees_with_the_kernel():
    with tf.Graph().as_default():
        k = tf.placeholder(tf.int32, [])
        x = tf.placeholder(tf.float64, [2])
        r = tf.switch_case(k, [lambda: x * 2.0, lambda: tf.exp(x), lambda: x - 1.0])
        op = r.op.inputs[0].op  # r is the Identity of the If op's output
        xv = np.array([0.5, -1.0])
        for i in [0, 1, 2, 9]:
            want = op_registry.get("If").reference([np.int32(i), xv], op._attrs)[0]
            np.testing.assert_allclose(_run(r, {k: i, x: xv}), want, rtol=1e-12)


# ---- fuzz: random nested loop/cond programs against Python ------------------

_stmt = st.deferred(lambda: st.one_of(
    st.tuples(st.just("mix"), st.floats(-1.5, 1.5), st.floats(-1.5, 1.5)),
    st.tuples(st.just("loop"), st.integers(0, 3), st.lists(_stmt, min_size=1, max_size=2)),
    st.tuples(st.just("cond"), st.floats(-1, 1), st.lists(_stmt, min_size=1, max_size=2),
              st.lists(_stmt, min_size=1, max_size=2))))


def _graph_program(stmts, x, y, trips):
    for s in stmts:
        if s[0] == "mix":
            x, y = tf.tanh(x * s[1] + y * s[2]), x
        elif s[0] == "loop":
            limit = tf.placeholder(tf.int32, [])
            trips.append((limit, s[1]))
            _, x, y = tf.while_loop(
                lambda i, a, b: i < limit,
                lambda i, a, b, body=s[2]: (i + 1,) + tuple(_graph_program(body, a, b, trips)),
                [0, x, y])
        else:
            x, y = tf.cond(x > s[1], lambda a=s[2]: _graph_program(a, x, y, trips),
                           lambda b=s[3]: _graph_program(b, x, y, trips))
    return x, y


def _python_program(stmts, x, y):
    for s in stmts:
        if s[0] == "mix":
            x, y = np.tanh(x * s[1] + y * s[2]), x
        elif s[0] == "loop":
            for _ in range(s[1]):
                x, y = _python_program(s[2], x, y)
        else:
            x, y = _python_program(s[2] if x > s[1] else s[3], x, y)
    return x, y


@settings(max_examples=25, deadline=None)
@given(st.lists(_stmt, min_size=1, max_size=3), st.floats(-1, 1), st.floats(-1, 1))
def test_random_nested_programs(program, x0, y0):
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float64, [])
        y = tf.placeholder(tf.float64, [])
        trips = []
        out = _graph_program(program, x, y, trips)
        feeds = {x: x0, y: y0}
        feeds.update({t: n for t, n in trips})
        got = _run(list(out), feeds)
    want = _python_program(program, np.float64(x0), np.float64(y0))
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12)


# ---- gradients ----------------------------------------------------------------

def _central(f, x, eps=1e-6):
    x = np.asarray(x, np.float64)
    out = np.zeros_like(x)
    for k in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[k] = eps
        out[k] = (f(x + e) - f(x - e)) / (2 * eps)
    return out


@pytest.mark.parametrize("n", [0, 1, 4])
def test_while_gradient_against_finite_differences(n):
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float64, [])
        w = tf.placeholder(tf.float64, [2])
        limit = tf.placeholder(tf.int32, [])
        _, y, z = tf.while_loop(lambda i, y, z: i < limit,
                                lambda i, y, z: (i + 1, tf.sin(y) * x + 0.5, z * w + y),
                                [0, x, tf.ones([2], tf.float64)])
        loss = y + tf.reduce_sum(z * z)
        gx, gw = tf.gradients(loss, [x, w])
        xv, wv = 0.7, np.array([0.3, -1.1])
        with tf.Session() as sess:
            got = sess.run([gx, gw], {x: xv, w: wv, limit: n})
            fx = _central(lambda a: sess.run(loss, {x: a, w: wv, limit: n}), xv)
            fw = _central(lambda a: sess.run(loss, {x: xv, w: a, limit: n}), wv)
    np.testing.assert_allclose(got[0], fx, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(got[1], fw, rtol=1e-6, atol=1e-8)


def test_gradient_of_nested_loops_and_conds_in_loops():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float64, [])
        limit = tf.placeholder(tf.int32, [])

        def outer(i, y):
            _, t = tf.while_loop(lambda j, t: j < i, lambda j, t: (j + 1, tf.cos(t) * x), [0, y])
            return i + 1, t + tf.cond(y > 0.5, lambda: y * y, lambda: y * 0.5)
        _, y = tf.while_loop(lambda i, y: i < limit, outer, [0, x])
        g = tf.gradients(y, x)[0]
        with tf.Session() as sess:
            for n in [0, 2, 3]:
                for xv in [0.4, 0.8]:
                    fd = _central(lambda a: sess.run(y, {x: a, limit: n}), xv)
                    np.testing.assert_allclose(sess.run(g, {x: xv, limit: n}), fd, rtol=1e-6)


def test_gradient_reaches_a_variable_read_in_the_body_and_trains_it():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float64, [])
        v = tf.Variable(np.float64(1.3))
        _, z = tf.while_loop(lambda i, z: i < 3, lambda i, z: (i + 1, z * (v - 1.0)), [0, x])
        gv, gx = tf.gradients(z, [v, x])
        train = tf.train.GradientDescentOptimizer(0.01).minimize(z, var_list=[v])
        with tf.Session() as sess:
            sess.run(v.initializer)
            # z = x (v - 1)^3
            got = sess.run([gv, gx], {x: 0.9})
            np.testing.assert_allclose(got, [3 * 0.9 * 0.3 ** 2, 0.3 ** 3], rtol=1e-12)
            sess.run(train, {x: 0.9})
            assert sess.run(v) == pytest.approx(1.3 - 0.01 * 3 * 0.9 * 0.09)


@pytest.mark.parametrize("taken", [True, False])
def test_cond_gradient(taken):
    with tf.Graph().as_default():
        p = tf.placeholder(tf.bool, [])
        x = tf.placeholder(tf.float64, [3])
        y = tf.placeholder(tf.float64, [3])
        r, s = tf.cond(p, lambda: (x * y * 3.0, tf.reduce_sum(tf.sin(x))),
                       lambda: (tf.exp(y), x[0] * 2.0))
        loss = tf.reduce_sum(r * r) + s
        gx, gy = tf.gradients(loss, [x, y])
        xv, yv = np.array([0.1, -0.5, 1.2]), np.array([0.7, 0.2, -0.3])
        with tf.Session() as sess:
            got = sess.run([gx, gy], {p: taken, x: xv, y: yv})
            fx = _central(lambda a: sess.run(loss, {p: taken, x: a, y: yv}), xv)
            fy = _central(lambda a: sess.run(loss, {p: taken, x: xv, y: a}), yv)
    np.testing.assert_allclose(got[0], fx, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(got[1], fy, rtol=1e-6, atol=1e-8)


def test_switch_case_gradient():
    with tf.Graph().as_default():
        k = tf.placeholder(tf.int32, [])
        x = tf.placeholder(tf.float64, [])
        r = tf.switch_case(k, [lambda: x * x, lambda: tf.sin(x), lambda: x * 3.0])
        g = tf.gradients(r, x)[0]
        with tf.Session() as sess:
            assert [sess.run(g, {k: i, x: 0.5}) for i in [0, 1, 2, 5]] == pytest.approx(
                [1.0, np.cos(0.5), 3.0, 3.0])
