"""tf.function against TF2's, with TensorFlow in eager mode: the same
Python functions, called with the same arguments in the same order, give
the same results and are traced as many times (the Python side effects
run as often)."""

import numpy as np
import pytest

import fastgraph as fg

tf = pytest.importorskip("tensorflow")


@pytest.fixture(autouse=True)
def eager():
    if not tf.executing_eagerly():
        pytest.skip("TensorFlow is not in eager mode")


def f32(*shape, start=0.0):
    return (np.arange(np.prod(shape), dtype=np.float32) + start).reshape(shape)


def value(x):
    """A result as plain Python / NumPy, for comparing structures."""
    if isinstance(x, dict):
        return {k: value(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return type(x)(value(v) for v in x)
    if x is None:
        return None
    return np.asarray(x)


def assert_same(a, b):
    assert type(a) is type(b)
    if isinstance(a, dict):
        assert sorted(a) == sorted(b)
        for k in a:
            assert_same(a[k], b[k])
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            assert_same(x, y)
    elif a is None:
        assert b is None
    else:
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def both(make, calls):
    """Calls make(api)'s function on each argument tuple of `calls` in
    fastgraph and in TF; asserts equal results and tracing counts after
    each call, and equal Python side effects. make may return (function,
    its module), kept alive meanwhile (a traced method holds its instance
    weakly, in both). Returns the functions, or the modules."""
    out = {}
    for api in (fg, tf):
        traces = []
        made = make(api, traces)
        f, owner = made if isinstance(made, tuple) else (made, made)
        results, counts = [], []
        for args in calls:
            results.append(value(f(*args)))
            counts.append(f.experimental_get_tracing_count())
        out[api.__name__] = results, counts, traces, owner
    ours, theirs = out["fastgraph"], out["tensorflow"]
    for a, b in zip(ours[0], theirs[0]):
        assert_same(a, b)
    assert ours[1] == theirs[1], (ours[1], theirs[1])
    assert ours[2] == theirs[2]
    return ours[3], theirs[3]


def test_retracing_on_shapes_dtypes_and_python_values():
    def make(api, traces):
        @api.function
        def f(x, n):
            traces.append(("trace", n))
            return api.nn.relu(x * n - 1.0) if n > 0 else x

        return f

    x = f32(3)
    both(make, [(x, 2.0), (x + 1, 2.0), (x, 3.0), (f32(4), 3.0), (x.astype(np.float64), 3.0),
                (np.float32(2.0), 0), (np.float32(5.0), 0), (x, 2.0), (x, -1)])


def test_reduce_retracing():
    def make(api, traces):
        @api.function(reduce_retracing=True)
        def f(x):
            traces.append(x.shape.as_list() if x.shape.rank is not None else None)
            return api.reduce_sum(x * 2.0)

        return f

    both(make, [(f32(*s),) for s in [(2,), (3,), (4,), (2, 2), (3, 3), (3,), (2, 2, 2)]])


def test_input_signature_with_unknown_dims():
    def make(api, traces):
        @api.function(input_signature=[api.TensorSpec([None, 2], api.float32),
                                       api.TensorSpec([], api.int32)])
        def f(x, k):
            traces.append(1)
            return {"scaled": x * api.cast(k, api.float32), "rows": api.shape(x)[0]}

        return f

    both(make, [(f32(1, 2), 3), (f32(5, 2), np.int32(2)), ([[1.0, 2.0]], 1)])
    ours, theirs = both(make, [(f32(3, 2), 1)])
    with pytest.raises(TypeError, match="Can not cast"):
        theirs(f32(2, 3), 1)
    with pytest.raises(TypeError, match="Can not cast"):
        ours(f32(2, 3), 1)


def test_nested_arguments_and_results():
    def make(api, traces):
        @api.function
        def f(pair, d, flag):
            traces.append(flag)
            a, b = pair
            out = {"sum": a + b, "parts": [d["x"] * 2.0, (d["y"] - 1.0, None)]}
            return (out, a * 0.0) if flag else out

        return f

    args = ((f32(2), f32(2, start=3)), {"x": f32(1), "y": f32(2, 2)})
    both(make, [args + (True,), args + (False,), args + (True,)])


def test_module_with_variables_created_on_the_first_call():
    def make(api, traces):
        class Accumulator(api.Module):
            def __init__(self):
                super().__init__(name="acc")
                self.total = None
                self.scale = api.Variable(np.float32(0.5), name="scale")

            @api.function
            def __call__(self, x):
                traces.append("trace")
                if self.total is None:
                    self.total = api.Variable(api.ones([3]) * 2.0, name="total")
                before = self.total.read_value()
                self.total.assign_add(x * self.scale)
                self.scale.assign(self.scale * 2.0)
                return before, self.total.read_value(), self.scale + 0.0

        m = Accumulator()
        return m.__call__, m

    ours, theirs = both(make, [(f32(3),), (f32(3),), (f32(3, start=1),)])
    np.testing.assert_allclose(ours.total.numpy(), theirs.total.numpy())
    np.testing.assert_allclose(ours.scale.numpy(), theirs.scale.numpy())
    assert ([v.name for v in ours.trainable_variables]
            == [v.name for v in theirs.trainable_variables])


def test_creating_a_variable_on_every_call_raises_the_same_error():
    errors = []
    for api in (fg, tf):
        @api.function
        def f(x):
            return x + api.Variable(1.0)

        with pytest.raises(ValueError) as info:
            f(1.0)
        errors.append(str(info.value))
    assert errors[0] in errors[1]  # TF's begins with the traceback "in user code:"


def test_mlp_module_against_tensorflow():
    rng = np.random.default_rng(0)
    weights = [rng.standard_normal((8, 16)).astype(np.float32),
               rng.standard_normal(16).astype(np.float32),
               rng.standard_normal((16, 4)).astype(np.float32),
               rng.standard_normal(4).astype(np.float32)]

    def make(api, traces):
        class MLP(api.Module):
            def __init__(self):
                super().__init__()
                self.w = [api.Variable(w) for w in weights]

            @api.function
            def __call__(self, x):
                traces.append(x.shape.as_list())
                h = api.nn.relu(api.matmul(x, self.w[0]) + self.w[1])
                return api.nn.softmax(api.matmul(h, self.w[2]) + self.w[3])

        m = MLP()
        return m.__call__, m

    x = rng.standard_normal((32, 8)).astype(np.float32)
    both(make, [(x,), (x[:5],), (x * 2,), (x[:5] + 1,)])


def test_autograph_if_while_for_against_tensorflow():
    def make(api, traces):
        @api.function
        def f(x, n, mode):
            traces.append(mode)
            if api.reduce_sum(x) > 0:  # a tensor: cond
                y = x * 2.0
            else:
                y = -x
            if mode == "double":  # a Python value: Python
                y = y * 2.0
            steps = api.constant(0)
            k = n
            while k > 1:  # a tensor: while_loop
                if k % 2 == 0:
                    k = k // 2
                else:
                    k = 3 * k + 1
                steps = steps + 1
            total = api.zeros_like(x)
            for i in api.range(n):
                total = total + x * api.cast(i, api.float32)
            return y, steps, total

        return f

    calls = [(f32(3), np.int32(6), "double"), (-f32(3, start=1), np.int32(27), "double"),
             (f32(3), np.int32(1), "single"), (f32(3, start=-5), np.int32(7), "single")]
    both(make, calls)


def test_autograph_returns_in_branches_against_tensorflow():
    def make(api, traces):
        @api.function
        def f(x):
            traces.append(1)
            if x > 0 and x < 10:
                return x * 10.0
            return x - 1.0

        return f

    both(make, [(np.float32(v),) for v in (2.0, -2.0, 20.0, 5.0)])


def test_autograph_assigns_in_branches_and_loops_against_tensorflow():
    def make(api, traces):
        class Model(api.Module):
            def __init__(self):
                super().__init__()
                self.v = api.Variable(np.float32(1.0))

            @api.function
            def __call__(self, x, n):
                traces.append(1)
                if x > 0:
                    self.v.assign_add(x)
                else:
                    self.v.assign_sub(1.0)
                i = api.constant(0)
                while i < n:
                    self.v.assign(self.v * 2.0)
                    i = i + 1
                return self.v.read_value()

        m = Model()
        return m.__call__, m

    ours, theirs = both(make, [(np.float32(x), np.int32(n))
                               for x, n in [(2.0, 1), (-5.0, 0), (3.0, 2), (-1.0, 3)]])
    assert ours.v.numpy() == theirs.v.numpy()


def test_gradient_tape_against_tensorflow():
    rng = np.random.default_rng(3)
    w0 = rng.standard_normal((4, 3)).astype(np.float32)
    x = rng.standard_normal((5, 4)).astype(np.float32)

    def make(api, traces):
        class Model(api.Module):
            def __init__(self):
                super().__init__()
                self.w = api.Variable(w0)

            @api.function
            def __call__(self, x):
                traces.append(1)
                with api.GradientTape() as tape:
                    tape.watch(x)
                    h = api.tanh(api.matmul(x, self.w))
                    loss = api.reduce_sum(api.square(h)) + api.reduce_sum(self.w * self.w)
                gw, gx = tape.gradient(loss, [self.w, x])
                self.w.assign_sub(0.05 * gw)
                return loss, gw, gx

        m = Model()
        return m.__call__, m

    ours, theirs = both(make, [(x,), (x,), (x[:2],)])
    np.testing.assert_allclose(ours.w.numpy(), theirs.w.numpy(), rtol=1e-5)


@pytest.mark.parametrize("optimizer", ["GradientDescentOptimizer", "MomentumOptimizer",
                                       "AdamOptimizer"])
def test_tf1_optimizers_apply_gradients_in_a_traced_function(optimizer):
    rng = np.random.default_rng(5)
    x = rng.standard_normal((16, 3)).astype(np.float32)
    y = (x @ np.array([[1.0], [-2.0], [0.5]], np.float32) + 0.3).astype(np.float32)
    args = {"GradientDescentOptimizer": (0.1,), "MomentumOptimizer": (0.05, 0.9),
            "AdamOptimizer": (0.05,)}[optimizer]

    def make(api, traces):
        class Linear(api.Module):
            def __init__(self):
                super().__init__()
                self.w = api.Variable(np.zeros((3, 1), np.float32), name="w")
                self.b = api.Variable(np.float32(0.0), name="b")
                self.opt = getattr(api.compat.v1.train, optimizer)(*args)

            @api.function
            def step(self, x, y):
                traces.append(1)
                with api.GradientTape() as tape:
                    loss = api.reduce_mean(api.square(api.matmul(x, self.w) + self.b - y))
                grads = tape.gradient(loss, [self.w, self.b])
                self.opt.apply_gradients(zip(grads, [self.w, self.b]))
                return loss

        m = Linear()
        return m.step, m

    ours, theirs = both(make, [(x, y)] * 6)
    np.testing.assert_allclose(ours.w.numpy(), theirs.w.numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ours.b.numpy(), theirs.b.numpy(), rtol=1e-5, atol=1e-6)
