"""tf.function (fastgraph/traced/): tracing once per input signature,
Python side effects while tracing only, input_signature and
reduce_retracing, variables created on the first call and captured from
modules, results as eager tensors, nested structures, inlining into a
graph being built, and the memory of a function freed with it. The
references are NumPy and hand-counted traces; tests/tf_parity/ compares
the same functions with TF2."""

import gc
import weakref

import numpy as np
import pytest

import fastgraph as tf
from fastgraph._native import runtime
from fastgraph.traced import EagerTensor, def_function


def f32(*shape, start=0.0):
    return (np.arange(np.prod(shape), dtype=np.float32) + start).reshape(shape)


# -- tracing -------------------------------------------------------------------------

def test_one_trace_per_shape_dtype_and_python_value():
    traces = []

    @tf.function
    def f(x, n):
        traces.append(n)  # a Python side effect: runs while tracing only
        return x * n

    x = f32(3)
    np.testing.assert_allclose(f(x, 2).numpy(), x * 2)
    np.testing.assert_allclose(f(x + 1, 2).numpy(), (x + 1) * 2)  # same signature
    assert f.experimental_get_tracing_count() == 1 and traces == [2]
    np.testing.assert_allclose(f(x, 3).numpy(), x * 3)  # a new Python value
    assert f.experimental_get_tracing_count() == 2
    f(f32(4), 3)  # a new shape
    f(x.astype(np.float64), 3)  # a new dtype
    assert f.experimental_get_tracing_count() == 4 and traces == [2, 3, 3, 3]
    f(x, 2), f(f32(4), 3), f(x.astype(np.float64), 3)
    assert f.experimental_get_tracing_count() == 4


def test_numpy_scalars_are_tensors_python_floats_are_values():
    @tf.function
    def f(x):
        return x + 1

    f(np.float32(1.0)), f(np.float32(2.0))
    assert f.experimental_get_tracing_count() == 1
    assert f(2.0).numpy() == 3.0 and f(3.0).numpy() == 4.0
    assert f.experimental_get_tracing_count() == 3


def test_keyword_and_positional_calls_share_a_trace():
    @tf.function
    def f(x, y=1.0):
        return x - y

    x = f32(2)
    np.testing.assert_allclose(f(x, y=2.0).numpy(), x - 2)
    np.testing.assert_allclose(f(x, 2.0).numpy(), x - 2)
    np.testing.assert_allclose(f(x=x, y=2.0).numpy(), x - 2)
    assert f.experimental_get_tracing_count() == 1


def test_input_signature_with_none_dims_never_retraces():
    @tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32, name="x")])
    def f(x):
        return tf.reduce_sum(x, axis=1)

    for n in (1, 2, 5):
        np.testing.assert_allclose(f(f32(n, 3)).numpy(), f32(n, 3).sum(axis=1))
    np.testing.assert_allclose(f([[1, 2, 3]]).numpy(), [6.0])  # Python values convert
    assert f.experimental_get_tracing_count() == 1
    with pytest.raises(TypeError, match="Binding inputs to tf.function failed"):
        f(f32(2, 4))
    with pytest.raises(TypeError, match="Can not cast"):
        f(f32(2, 3).astype(np.float64))
    cf = f.get_concrete_function()
    assert [p.shape.as_list() for p in cf.inputs] == [[None, 3]]
    assert cf.outputs[0].shape.as_list() == [None] and cf.structured_outputs is cf.outputs[0]
    assert f.experimental_get_tracing_count() == 1


def test_input_signature_must_hold_tensor_specs():
    with pytest.raises(TypeError, match="TensorSpec"):
        tf.function(lambda x: x, input_signature=[3])


def test_reduce_retracing_relaxes_shapes_as_tf():
    @tf.function(reduce_retracing=True)
    def f(x):
        return x * 2

    counts = []
    for shape in [(2,), (3,), (4,), (2, 2), (3, 3), (3,)]:
        np.testing.assert_allclose(f(f32(*shape)).numpy(), f32(*shape) * 2)
        counts.append(f.experimental_get_tracing_count())
    # (3,) relaxes the trace to (None,), which (4,) uses; rank 2 relaxes it
    # to an unknown rank, which every later shape uses.
    assert counts == [1, 2, 2, 3, 3, 3]


def test_get_concrete_function_of_specs_and_arrays():
    @tf.function
    def f(x, scale):
        return {"y": x * scale, "n": tf.shape(x)}

    cf = f.get_concrete_function(tf.TensorSpec([None], tf.float32), 3.0)
    assert cf.inputs[0].shape.as_list() == [None] and cf.inputs[0].dtype == tf.float32
    assert sorted(cf.structured_outputs) == ["n", "y"]
    assert len(cf.outputs) == 2 and isinstance(cf.graph, tf.Graph)
    out = cf(f32(4), 3.0)
    np.testing.assert_allclose(out["y"].numpy(), f32(4) * 3)
    np.testing.assert_array_equal(out["n"].numpy(), [4])
    assert f.experimental_get_tracing_count() == 1
    assert f.get_concrete_function(tf.TensorSpec([None], tf.float32), 3.0) is cf


def test_trace_cache_is_a_bounded_lru(monkeypatch):
    monkeypatch.setattr(def_function, "TRACE_CACHE_SIZE", 2)

    @tf.function
    def f(x):
        return x + 1

    for n in (1, 2, 3):
        f(f32(n))
    assert f.experimental_get_tracing_count() == 3
    f(f32(3)), f(f32(2))  # kept
    assert f.experimental_get_tracing_count() == 3
    f(f32(1))  # the least recently used, dropped: traced again
    assert f.experimental_get_tracing_count() == 4


# -- structures and results ------------------------------------------------------------

def test_nested_arguments_and_results():
    @tf.function
    def f(pair, d):
        a, b = pair
        return {"sum": a + b, "parts": [d["x"] * 2, (d["y"], None)]}, 7

    a, b = f32(2), f32(2, start=5)
    out, seven = f((a, b), {"y": f32(3), "x": f32(1)})
    np.testing.assert_allclose(out["sum"].numpy(), a + b)
    np.testing.assert_allclose(out["parts"][0].numpy(), f32(1) * 2)
    np.testing.assert_allclose(out["parts"][1][0].numpy(), f32(3))
    assert out["parts"][1][1] is None
    assert isinstance(seven, EagerTensor) and seven.numpy() == 7 and seven.dtype == tf.int32


def test_results_behave_like_eager_tensors():
    @tf.function
    def f(x):
        return tf.matmul(x, x)

    x = f32(2, 2)
    r = f(x)
    want = x @ x
    assert r.shape == tf.TensorShape([2, 2]) and r.dtype == tf.float32
    np.testing.assert_allclose(np.asarray(r), want)
    np.testing.assert_allclose((r + 1).numpy(), want + 1)
    np.testing.assert_allclose((np.ones(2, np.float32) * r).numpy(), want)
    assert float(r[0, 1]) == want[0, 1] and len(r) == 2
    assert repr(r).startswith("<tf.Tensor: shape=(2, 2), dtype=float32, numpy=array(")
    assert str(r).startswith("tf.Tensor(") and "shape=(2, 2), dtype=float32)" in str(r)
    # A result used as an argument of another traced function is a tensor argument.
    np.testing.assert_allclose(f(r).numpy(), want @ want)
    g = tf.Graph()
    with g.as_default():  # with a graph tensor, a result is a constant of the graph
        p = tf.placeholder(tf.float32, [2, 2])
        both = [r + p, p * r]
        with tf.Session() as sess:
            got = sess.run(both, {p: x})
    np.testing.assert_allclose(got[0], want + x)
    np.testing.assert_allclose(got[1], want * x)
    scalar = tf.function(lambda x: x * 2.0)(np.float32(1.5))
    assert np.asarray(scalar).shape == () and np.asarray(scalar) == 3.0
    assert scalar.shape == tf.TensorShape([]) and float(scalar) == 3.0


# -- variables -------------------------------------------------------------------------

class Counter(tf.Module):
    def __init__(self):
        super().__init__(name="counter")
        self.total = None
        self.step = tf.Variable(np.float32(2.0), name="step")

    @tf.function
    def __call__(self, x):
        if self.total is None:
            self.total = tf.Variable(tf.zeros([2]), name="total")
        self.total.assign_add(x * self.step)
        return self.total.read_value()


def test_variables_created_on_the_first_call_persist():
    c = Counter()
    np.testing.assert_allclose(c(f32(2)).numpy(), f32(2) * 2)
    np.testing.assert_allclose(c(f32(2)).numpy(), f32(2) * 4)
    # The first call traces twice (TF: once creating the variables, once using them).
    assert c.__call__.experimental_get_tracing_count() == 2
    np.testing.assert_allclose(c.total.numpy(), f32(2) * 4)
    assert c.step.numpy() == 2.0
    assert {v.name for v in c.variables} == {"total:0", "step:0"}
    assert [v.name for v in c.trainable_variables] == ["step:0", "total:0"]
    # Another instance has its own variables and traces.
    d = Counter()
    np.testing.assert_allclose(d(f32(2)).numpy(), f32(2) * 2)
    np.testing.assert_allclose(c.total.numpy(), f32(2) * 4)


def test_a_variable_created_again_raises_tfs_value_error():
    @tf.function
    def f(x):
        v = tf.Variable(1.0)
        return x + v

    with pytest.raises(ValueError, match="only supports singleton tf.Variables created on the "
                                         "first call"):
        f(1.0)


def test_assigns_run_in_program_order_and_without_being_returned():
    v = tf.Variable(np.float32(1.0))

    @tf.function
    def f():
        before = v.read_value()
        v.assign(v * 10.0)
        v.assign_add(1.0)
        return before, v + 0.0

    before, after = f()
    assert before.numpy() == 1.0 and after.numpy() == 11.0

    @tf.function
    def bump():
        v.assign_add(5.0)  # returns nothing: runs anyway, as TF

    bump(), bump()
    assert v.numpy() == 21.0 and bump.experimental_get_tracing_count() == 1
    before, after = f()
    assert before.numpy() == 21.0 and after.numpy() == 211.0

    @tf.function
    def g(x):
        scaled = v * x  # computed from the value before the assign below
        v.assign(x)
        return scaled, tf.reshape(v, [1]), v.read_value()

    scaled, reshaped, now = g(np.float32(2.0))
    assert scaled.numpy() == 422.0 and reshaped.numpy()[0] == 2.0 and now.numpy() == 2.0


def test_variables_initial_value_may_read_the_arguments():
    class Lazy(tf.Module):
        w = None

        @tf.function
        def __call__(self, x):
            if self.w is None:
                self.w = tf.Variable(x * 3.0)
            return self.w + x

    m = Lazy()
    np.testing.assert_allclose(m(f32(3)).numpy(), f32(3) * 4)
    np.testing.assert_allclose(m(f32(3, start=1)).numpy(), f32(3) * 3 + f32(3, start=1))


def test_tf1_sessions_keep_their_own_values():
    g = tf.Graph()
    with g.as_default():
        v = tf.Variable(np.float32(1.0))
        init = tf.global_variables_initializer()

    @tf.function
    def f():
        return v.assign_add(1.0)

    assert f().numpy() == 2.0 and f().numpy() == 3.0
    with tf.Session(graph=g) as sess:
        sess.run(init)
        assert sess.run(v) == 1.0
    assert v.numpy() == 3.0


def test_module_name_scope_and_submodules():
    class Dense(tf.Module):
        def __init__(self, n_in, n_out, name=None):
            super().__init__(name=name)
            self.w = tf.Variable(np.ones((n_in, n_out), np.float32), name="w")
            self.b = tf.Variable(np.zeros(n_out, np.float32), name="b", trainable=False)

        @tf.function
        def __call__(self, x):
            return tf.matmul(x, self.w) + self.b

    class MLP(tf.Module):
        def __init__(self):
            super().__init__()
            self.layers = [Dense(3, 4, name="d1"), Dense(4, 2, name="d2")]

        @tf.function
        def __call__(self, x):
            for layer in self.layers:
                x = layer(x)
            return x

    m = MLP()
    assert m.name == "mlp" and m.name_scope.name == "mlp/"
    assert [s.name for s in m.submodules] == ["d1", "d2"]
    assert len(m.variables) == 4 and len(m.trainable_variables) == 2
    x = f32(2, 3)
    np.testing.assert_allclose(m(x).numpy(), x @ np.ones((3, 4)) @ np.ones((4, 2)))
    with pytest.raises(ValueError, match="not a valid module name"):
        tf.Module(name="a b")


# -- inlining --------------------------------------------------------------------------

def test_called_with_graph_tensors_it_adds_its_ops_to_the_graph():
    @tf.function
    def f(x, y):
        return tf.nn.relu(x - y), x * y

    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [None, 2])
        d, p = f(x, 1.5)
        assert d.graph is g and d.op.name.startswith("f/")
        d2, _ = f(x, 1.5)  # traced once, added twice
        with tf.Session() as sess:
            xv = f32(3, 2)
            out = sess.run([d, p, d2], {x: xv})
    np.testing.assert_allclose(out[0], np.maximum(xv - 1.5, 0))
    np.testing.assert_allclose(out[1], xv * 1.5)
    np.testing.assert_allclose(out[2], out[0])
    assert f.experimental_get_tracing_count() == 1


def test_nested_traced_functions_inline_into_the_outer_trace():
    v = tf.Variable(np.float32(0.0))

    @tf.function
    def inner(x):
        v.assign_add(tf.reduce_sum(x))
        return x * 2

    @tf.function
    def outer(x):
        return inner(x) + 1

    x = f32(3)
    np.testing.assert_allclose(outer(x).numpy(), x * 2 + 1)
    np.testing.assert_allclose(outer(x).numpy(), x * 2 + 1)
    assert v.numpy() == 2 * x.sum()


# -- lifetime --------------------------------------------------------------------------

def test_a_deleted_function_frees_its_graphs_plans_and_variables():
    gc.collect()
    live = runtime.live_bytes()

    class Big(tf.Module):
        w = None

        @tf.function
        def __call__(self, x):
            if self.w is None:
                self.w = tf.Variable(tf.ones([256, 256]))
            return tf.matmul(x, self.w)

    m = Big()
    x = np.ones((8, 256), np.float32)
    np.testing.assert_allclose(m(x).numpy(), x @ np.ones((256, 256)))
    m(np.ones((4, 256), np.float32))
    assert runtime.live_bytes() - live >= 256 * 256 * 4
    assert m.__call__.memory_stats()["plans"] >= 2
    traced = weakref.ref(m.__call__._function)
    graph = weakref.ref(m.__call__.get_concrete_function(x).graph)
    del m
    gc.collect()
    assert traced() is None and graph() is None
    assert runtime.live_bytes() == live


# -- autograph -------------------------------------------------------------------------

def test_autograph_if_on_a_tensor_is_a_cond_on_a_python_value_python():
    @tf.function
    def f(x, scale):
        if tf.reduce_sum(x) > 0:
            y = x * 2.0
        else:
            y = -x
        if scale:  # a Python value: the untaken branch is never traced
            y = y * scale
        return y

    for x in (f32(3), -f32(3, start=1)):
        want = (x * 2 if x.sum() > 0 else -x) * 3
        np.testing.assert_allclose(f(x, 3.0).numpy(), want)
    np.testing.assert_allclose(f(f32(3), 0.0).numpy(), f32(3) * 2)
    # One trace per (shape, Python value): the tensor's sign does not retrace.
    assert f.experimental_get_tracing_count() == 2
    graph = f.get_concrete_function(f32(3), 3.0).graph
    assert any(op.type in ("If", "StatelessIf") for op in graph.get_operations())


def test_autograph_returns_in_both_branches():
    @tf.function
    def relu_or_tenfold(x):
        if x > 0:
            return x * 10.0
        return x - 1.0

    assert relu_or_tenfold(np.float32(2.0)).numpy() == 20.0
    assert relu_or_tenfold(np.float32(-2.0)).numpy() == -3.0
    assert relu_or_tenfold.experimental_get_tracing_count() == 1


def test_autograph_while_on_tensors_is_a_while_loop():
    @tf.function
    def collatz_steps(n):
        steps = tf.constant(0)
        while n > 1:
            if n % 2 == 0:
                n = n // 2
            else:
                n = 3 * n + 1
            steps = steps + 1
        return steps

    def reference(n):
        steps = 0
        while n > 1:
            n = n // 2 if n % 2 == 0 else 3 * n + 1
            steps += 1
        return steps

    for n in (1, 6, 27, 97):
        assert collatz_steps(np.int32(n)).numpy() == reference(n)
    assert collatz_steps.experimental_get_tracing_count() == 1


def test_autograph_for_over_tf_range_and_python_loops():
    @tf.function
    def f(x, n):
        total = tf.zeros_like(x)
        for i in tf.range(n):
            total = total + x * tf.cast(i, tf.float32)
        for k in range(2):  # Python: unrolled while tracing
            total = total + k
        return total

    x = f32(2)
    for n in (0, 1, 4):
        np.testing.assert_allclose(f(x, np.int32(n)).numpy(), x * sum(range(n)) + 1)
    assert f.experimental_get_tracing_count() == 1


def test_autograph_is_off_with_autograph_false():
    @tf.function(autograph=False)
    def f(x):
        if x > 0:
            return x
        return -x

    with pytest.raises(TypeError, match="as a Python `bool` is not allowed"):
        f(np.float32(1.0))


def test_autograph_assigns_in_a_branch_or_loop_run_when_it_does():
    v = tf.Variable(np.float32(0.0))

    @tf.function
    def f(x, n):
        if x > 0:
            v.assign_add(x)
        else:
            v.assign_sub(1.0)
        i = tf.constant(0)
        while i < n:
            v.assign(v * 2.0)
            i = i + 1
        return v.read_value()

    expect = 0.0
    for x, n in [(2.0, 1), (-5.0, 0), (3.0, 2)]:
        expect = (expect + x if x > 0 else expect - 1.0) * 2 ** n
        assert f(np.float32(x), np.int32(n)).numpy() == expect
    assert v.numpy() == expect and f.experimental_get_tracing_count() == 1


def test_autograph_functions_inline_into_a_tf1_graph():
    @tf.function
    def f(x):
        if tf.reduce_sum(x) > 0:
            y = x * 2.0
        else:
            y = -x
        return y + 1.0

    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [None])
        y = f(x)
        with tf.Session() as sess:
            np.testing.assert_allclose(sess.run(y, {x: [1.0, 2.0]}), [3.0, 5.0])
            np.testing.assert_allclose(sess.run(y, {x: [-1.0, -2.0]}), [2.0, 3.0])


# -- GradientTape ----------------------------------------------------------------------

def test_gradient_tape_trains_a_linear_model_in_a_traced_function():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 3)).astype(np.float32)
    w_true = np.array([[1.0], [-2.0], [0.5]], np.float32)
    y = x @ w_true + 0.3

    class Linear(tf.Module):
        def __init__(self):
            super().__init__()
            self.w = tf.Variable(np.zeros((3, 1), np.float32))
            self.b = tf.Variable(np.float32(0.0))

        @tf.function
        def step(self, x, y):
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean(tf.square(tf.matmul(x, self.w) + self.b - y))
            gw, gb = tape.gradient(loss, [self.w, self.b])
            self.w.assign_sub(0.1 * gw)
            self.b.assign_sub(0.1 * gb)
            return loss, gw

    m = Linear()
    loss, gw = m.step(x, y)
    # The first step's gradient, by hand: d/dw mean((xw + b - y)^2) at w = 0, b = 0.
    np.testing.assert_allclose(gw.numpy(), 2 * x.T @ (-y) / len(x), rtol=1e-5)
    for _ in range(300):
        loss, _ = m.step(x, y)
    np.testing.assert_allclose(m.w.numpy(), w_true, atol=1e-4)
    assert abs(m.b.numpy() - 0.3) < 1e-4 and m.step.experimental_get_tracing_count() == 1


def test_gradient_tape_sources_structures_and_errors():
    v = tf.Variable(np.float32(3.0))

    @tf.function
    def f(x):
        with tf.GradientTape(persistent=True) as tape:
            tape.watch(x)
            y = x * x * v + v * 2.0
        grads = tape.gradient(y, {"x": x, "v": v, "unused": tf.constant(1.0)})
        again = tape.gradient(y, x)
        return grads, again

    grads, again = f(np.float32(2.0))
    assert grads["x"].numpy() == 12.0 and grads["v"].numpy() == 6.0
    assert grads["unused"] is None and again.numpy() == 12.0

    @tf.function
    def twice(x):
        with tf.GradientTape() as tape:
            y = x * 2.0
        tape.gradient(y, x)
        return tape.gradient(y, x)

    with pytest.raises(RuntimeError, match="non-persistent GradientTape"):
        twice(np.float32(1.0))


def test_a_variable_shows_its_held_value():
    v = tf.Variable(np.float32(1.0), name="shown")
    assert repr(v) == "<tf.Variable 'shown:0' shape=() dtype=float32>"  # TF1: no value
    tf.function(lambda: v.assign_add(1.0))()
    assert repr(v) == "<tf.Variable 'shown:0' shape=() dtype=float32, numpy=2.0>"
    np.testing.assert_array_equal(np.asarray(v), 2.0)


def test_a_tf1_optimizer_minimizes_inside_a_traced_function():
    # The body sees the outer graph's trainable variables (TF's FuncGraph
    # shares the variables collections), so minimize() needs no var_list.
    w = tf.Variable(np.array([2.0, -1.0], np.float32))
    opt = tf.compat.v1.train.GradientDescentOptimizer(0.1)
    x = np.array([1.0, 3.0], np.float32)

    @tf.function
    def step():
        loss = tf.reduce_sum(tf.square(w * x - 1.0))
        opt.minimize(loss)
        return loss

    want_w, want_losses = np.array([2.0, -1.0]), []
    for _ in range(4):
        want_losses.append(np.sum((want_w * x - 1.0) ** 2))
        want_w = want_w - 0.1 * 2 * (want_w * x - 1.0) * x
    got = [float(step().numpy()) for _ in range(4)]
    np.testing.assert_allclose(got, want_losses, rtol=1e-5)
    np.testing.assert_allclose(w.numpy(), want_w, rtol=1e-5)
    assert step.experimental_get_tracing_count() == 1
