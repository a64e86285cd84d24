"""cond against TensorFlow's: a fed predicate, both ways."""

import numpy as np
import pytest

import fastgraph as fg

tf = pytest.importorskip("tensorflow")


@pytest.mark.parametrize("pred", [True, False])
def test_cond_matches_tensorflow(pred):
    v = np.linspace(-2, 2, 12, dtype=np.float32).reshape(4, 3)
    out = []
    for api in (fg, tf):
        v1 = api.compat.v1
        g = api.Graph()
        with g.as_default():
            p = v1.placeholder(api.bool, [])
            x = v1.placeholder(api.float32, [None, 3])
            y = v1.cond(p, lambda: (api.nn.relu(x) * 2.0, api.reduce_sum(x)),
                        lambda: (api.tanh(x), api.reduce_max(x)))
            with v1.Session(graph=g) as sess:
                out.append(sess.run(y, {p: pred, x: v}))
    for a, b in zip(*out):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def _both(build, feeds_of, init=False):
    """[fastgraph's, TensorFlow's] values of build(api) -> (fetches, {placeholder: value})."""
    out = []
    for api in (fg, tf):
        g = api.Graph()
        with g.as_default():
            fetches, feeds = build(api)
            with api.compat.v1.Session(graph=g) as sess:
                if init:
                    sess.run(api.compat.v1.global_variables_initializer())
                out.append(sess.run(fetches, feeds_of(feeds)))
    return out


@pytest.mark.parametrize("n", [0, 5, 17])
def test_while_loop_matches_tensorflow(n):
    x0 = np.linspace(-1, 1, 6).reshape(2, 3).astype(np.float32)

    def build(api):
        v1 = api.compat.v1
        limit = v1.placeholder(api.int32, [])
        x = v1.placeholder(api.float32, [None, 3])
        out = v1.while_loop(lambda i, v, d: i < limit,
                            lambda i, v, d: (i + 1, api.tanh(v * 1.3 + x),
                                             {"s": d["s"] + api.reduce_sum(v)}),
                            [api.constant(0), x, {"s": api.constant(0.0)}])
        return out, (limit, x)
    a, b = _both(build, lambda f: {f[0]: n, f[1]: x0})
    assert a[0] == b[0]
    np.testing.assert_allclose(a[1], b[1], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(a[2]["s"], b[2]["s"], rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("limit", [2, 30])
def test_nested_loops_and_maximum_iterations_match_tensorflow(limit):
    def build(api):
        v1 = api.compat.v1
        n = v1.placeholder(api.int32, [])

        def outer(i, s):
            _, t = v1.while_loop(lambda j, t: j < i, lambda j, t: (j + 1, t * 0.5 + 1.0),
                                 [0, s])
            return i + 1, t
        return v1.while_loop(lambda i, s: i < n, outer, [0, 1.0],
                             maximum_iterations=limit), (n,)
    a, b = _both(build, lambda f: {f[0]: 6})
    assert a[0] == b[0]
    np.testing.assert_allclose(a[1], b[1], rtol=1e-6)


@pytest.mark.parametrize("pred", [True, False])
def test_cond_side_effects_match_tensorflow(pred):
    def build(api):
        v1 = api.compat.v1
        p = v1.placeholder(api.bool, [])
        a = v1.Variable(1.0)
        b = v1.Variable(2.0)
        r = v1.cond(p, lambda: v1.assign_add(a, 10.0), lambda: v1.assign(b, b * 3.0))
        with v1.control_dependencies([r]):
            both = api.identity(a.read_value()) + api.identity(b.read_value()) * 100.0
        return [r, both], (p,)
    a, b = _both(build, lambda f: {f[0]: pred}, init=True)
    np.testing.assert_allclose(a, b, rtol=1e-6)


def test_loop_with_a_variable_in_the_body_matches_tensorflow():
    def build(api):
        v1 = api.compat.v1
        v = v1.Variable(0.0)

        def body(i, s):
            return i + 1, s + v1.assign_add(v, 1.5)
        out = v1.while_loop(lambda i, s: i < 4, body, [0, 0.0])
        with v1.control_dependencies(out):
            final = api.identity(v.read_value())
        return out + [final], ()
    a, b = _both(build, lambda f: {}, init=True)
    assert a[2] == b[2] == 6.0
    np.testing.assert_allclose(a[1], b[1], rtol=1e-6)
    assert a[0] == b[0]


@pytest.mark.parametrize("k", [-1, 0, 1, 2, 5])
def test_switch_case_and_case_match_tensorflow(k):
    def build(api):
        v1 = api.compat.v1
        i = v1.placeholder(api.int32, [])
        x = api.constant([1.0, -2.0])
        sc = api.switch_case(i, [lambda: x * 2.0, lambda: api.exp(x), lambda: x - 1.0])
        cs = v1.case([(api.equal(i, 1), lambda: x + 1.0), (api.greater(i, 0), lambda: x * x)],
                     default=lambda: -x)
        return [sc, cs], (i,)
    a, b = _both(build, lambda f: {f[0]: k})
    for u, w in zip(a, b):
        np.testing.assert_allclose(u, w, rtol=1e-6)


@pytest.mark.parametrize("n", [0, 3])
def test_while_and_cond_gradients_match_tensorflow(n):
    x0 = np.array([0.3, -0.8, 1.1])

    def build(api):
        v1 = api.compat.v1
        limit = v1.placeholder(api.int32, [])
        x = v1.placeholder(api.float64, [3])
        w = v1.Variable(np.array([0.5, 1.5, -0.7]))
        _, y = v1.while_loop(
            lambda i, y: i < limit,
            lambda i, y: (i + 1, v1.cond(api.reduce_sum(y) > 0.0, lambda: api.tanh(y * w),
                                         lambda: y * y - w)),
            [api.constant(0), x])
        loss = api.reduce_sum(y * api.constant([1.0, 2.0, 3.0], api.float64))
        return v1.gradients(loss, [x, w]), (limit, x)
    a, b = _both(build, lambda f: {f[0]: n, f[1]: x0}, init=True)
    for u, w in zip(a, b):
        np.testing.assert_allclose(u, w, rtol=1e-9, atol=1e-12)


def test_map_fn_scan_and_folds_match_tensorflow():
    x0 = np.linspace(-1, 1, 12).reshape(4, 3)

    def build(api):
        v1 = api.compat.v1
        x = v1.placeholder(api.float64, [None, 3])
        outs = [v1.map_fn(lambda r: api.tanh(r) * 2.0, x),
                v1.scan(lambda a, r: a * 0.5 + r, x),
                v1.scan(lambda a, r: a - r, x, initializer=api.constant([1.0, 2.0, 3.0],
                                                                        api.float64),
                        reverse=True),
                v1.foldl(lambda a, r: a * r + 1.0, x),
                v1.foldr(lambda a, r: a * 2.0 - r, x)]
        return outs, (x,)
    a, b = _both(build, lambda f: {f[0]: x0})
    for u, w in zip(a, b):
        np.testing.assert_allclose(u, w, rtol=1e-12, atol=1e-12)
