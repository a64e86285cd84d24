"""TF1 staples against TensorFlow: get_variable / variable_scope and the TF1
initializers (part A), the composite math/nn ops (part B). The same programs
built in TF1 graph mode (tf.compat.v1) and in fastgraph."""

import math

import numpy as np
import pytest

import fastgraph as fg

tf = pytest.importorskip("tensorflow")


def _in_graph(api, build):
    g = api.Graph()
    with g.as_default():
        return build(api, api.compat.v1)


def _run_both(build, init=True):
    """build(api, v1) -> fetches; runs them after initializing variables."""
    out = []
    for api in (fg, tf):
        v1 = api.compat.v1
        g = api.Graph()
        with g.as_default():
            y = build(api, v1)
            with v1.Session(graph=g) as sess:
                if init:
                    sess.run(v1.global_variables_initializer())
                out.append(sess.run(y))
    return out


def _same(ours, theirs, tol=None):
    ours, theirs = np.asarray(ours), np.asarray(theirs)
    assert ours.dtype == theirs.dtype and ours.shape == theirs.shape
    if ours.dtype.kind == "f":
        tol = tol or (1e-5 if ours.dtype == np.float32 else 1e-10)
        np.testing.assert_allclose(ours, theirs, rtol=tol, atol=tol)
    else:
        np.testing.assert_array_equal(ours, theirs)


# ==== A. get_variable and variable_scope ========================================

def _scoping_program(api, v1):
    names = []
    with v1.variable_scope("foo") as s:
        a = v1.get_variable("a", [2, 3])
        with v1.variable_scope("bar"):
            b = v1.get_variable("b", [3], dtype=api.int32)
            names.append(api.identity(b).name)
    with v1.variable_scope(s):
        c = v1.get_variable("c", [1])
        names.append(api.identity(c).name)
    with v1.variable_scope("foo", reuse=True):
        names.append(v1.get_variable("a") is a)
        with v1.variable_scope("bar", reuse=False) as inner:
            names.append(inner.reuse)
            names.append(v1.get_variable("b", dtype=api.int32) is b)
    with v1.variable_scope("auto", reuse=v1.AUTO_REUSE):
        d1 = v1.get_variable("d", [1])
    with v1.variable_scope("auto", reuse=v1.AUTO_REUSE):
        names.append(v1.get_variable("d", [1]) is d1)
    for _ in range(2):
        with v1.variable_scope(None, default_name="dense") as sc:
            names.append((sc.name, sc.original_name_scope, v1.get_variable("k", [1]).name,
                          api.identity(1.0).name))
    with v1.variable_scope("p"):
        with v1.variable_scope(None, default_name="q") as q1:
            names.append(q1.name)
    with v1.variable_scope("p", reuse=True):
        with v1.variable_scope(None, default_name="q") as q2:
            names.append(q2.name)
    with api.name_scope("ns"):
        with v1.variable_scope("vs"):
            e = v1.get_variable("e", [1])
            names.append(api.identity(e).name)
    with v1.variable_scope(s, auxiliary_name_scope=False):
        names.append(api.identity(1.0).name)
    loc = v1.get_local_variable("loc", [1])
    nt = v1.get_variable("nt", [1], trainable=False)
    names += [v.name for v in (a, b, c, d1, e, loc, nt)]
    names += [[v.name for v in coll] for coll in (v1.global_variables(),
                                                  v1.trainable_variables(),
                                                  v1.local_variables())]
    names.append((s.name, s.original_name_scope, v1.get_variable_scope().name,
                  v1.get_variable_scope().reuse))
    return names


def test_scoping_matches_tensorflow():
    ours = _in_graph(fg, _scoping_program)
    theirs = _in_graph(tf, _scoping_program)
    assert ours == theirs


ERROR_CASES = {
    "exists": lambda api, v1: v1.get_variable("v", [2]),
    "missing": lambda api, v1: _in_scope(v1, "foo", True, lambda: v1.get_variable("x", [1])),
    "shape": lambda api, v1: _in_scope(v1, "", True, lambda: v1.get_variable("v", [3])),
    "dtype": lambda api, v1: _in_scope(v1, "", True,
                                       lambda: v1.get_variable("v", [2], dtype=api.int32)),
    "int_no_dtype": lambda api, v1: _in_scope(v1, "", True, lambda: v1.get_variable("i")),
    "const_shape": lambda api, v1: v1.get_variable("c", [2], initializer=api.constant([1., 2.])),
    "no_shape": lambda api, v1: v1.get_variable("c"),
    "init_dtype": lambda api, v1: v1.get_variable("c", initializer=np.int32(3),
                                                  dtype=api.float32),
    "bad_init": lambda api, v1: v1.get_variable(
        "c", initializer=lambda shape, dtype: api.zeros(shape)),
    "reuse_no_name": lambda api, v1: v1.variable_scope(None, default_name="x",
                                                       reuse=True).__enter__(),
    "no_name": lambda api, v1: v1.variable_scope(None),
    "reuse_value": lambda api, v1: v1.variable_scope("z", reuse=1),
    "scope_type": lambda api, v1: v1.variable_scope(3).__enter__(),
    "float_init_dtype": lambda api, v1: v1.random_normal_initializer(dtype=api.int32),
    "scale": lambda api, v1: v1.variance_scaling_initializer(scale=-1.0),
    "mode": lambda api, v1: v1.variance_scaling_initializer(mode="fan"),
    "distribution": lambda api, v1: v1.variance_scaling_initializer(distribution="x"),
    "too_many": lambda api, v1: v1.constant_initializer([1, 2, 3, 4, 5])([2, 2]),
    "verify_shape": lambda api, v1: v1.constant_initializer([1, 2, 3])([2, 2],
                                                                       verify_shape=True),
    "const_type": lambda api, v1: v1.constant_initializer({"a": 1}),
}


def _in_scope(v1, name, reuse, fn):
    with v1.variable_scope(name, reuse=reuse):
        return fn()


@pytest.mark.parametrize("case", sorted(ERROR_CASES))
def test_errors_match_tensorflow(case):
    caught = []
    for api in (fg, tf):
        v1 = api.compat.v1
        g = api.Graph()
        with g.as_default():
            v1.get_variable("v", [2])
            v1.get_variable("i", initializer=np.int32(3))
            with pytest.raises(Exception) as info:
                ERROR_CASES[case](api, v1)
            caught.append(info.value)
    ours, theirs = caught
    assert type(ours).__name__ == type(theirs).__name__
    assert str(ours) == str(theirs)


@pytest.mark.parametrize("dtype", ["float32", "float64", "int32", "int64", "uint8", "bool"])
def test_initial_values_match_tensorflow(dtype):
    def build(api, v1):
        dt = api.as_dtype(dtype)
        out = [v1.get_variable("z", [2, 3], dtype=dt),
               v1.get_variable("o", [4], dtype=dt, initializer=v1.ones_initializer()),
               v1.get_variable("zi", [0, 2], dtype=dt, initializer=v1.zeros_initializer),
               v1.get_variable("fromvalue", initializer=np.ones((2, 2), dt.as_numpy_dtype))]
        if dt != api.bool:
            out += [v1.get_variable("c", [2, 2], dtype=dt,
                                    initializer=v1.constant_initializer([1, 2])),
                    v1.get_variable("c2", [3], dtype=dt,
                                    initializer=v1.constant_initializer(7)),
                    v1.get_variable("c3", [2, 3], dtype=dt, initializer=v1.constant_initializer(
                        np.arange(6).reshape(3, 2)))]
        if not dt.is_floating:
            return out
        return out[1:]  # float defaults are random (compared below)

    for o, t in zip(*_run_both(build)):
        _same(o, t)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_random_initializers_match_tensorflow_in_distribution(dtype):
    shape = [300, 200]

    def build(api, v1):
        dt = api.as_dtype(dtype)
        v1.set_random_seed(5)
        with v1.variable_scope("s", dtype=dt):
            return [v1.get_variable("default", shape),
                    v1.get_variable("u", shape, initializer=v1.random_uniform_initializer(-1, 2)),
                    v1.get_variable("n", shape, initializer=v1.random_normal_initializer(1, 2)),
                    v1.get_variable("t", shape,
                                    initializer=v1.truncated_normal_initializer(0, 0.5, seed=1)),
                    v1.get_variable("gn", shape, initializer=v1.glorot_normal_initializer()),
                    v1.get_variable("vs", [3, 3, 40, 60],
                                    initializer=v1.variance_scaling_initializer(
                                        2.0, "fan_out", "uniform"))]

    ours, theirs = _run_both(build)
    for i, (o, t) in enumerate(zip(ours, theirs)):
        assert o.dtype == t.dtype and o.shape == t.shape
        assert abs(o.mean() - t.mean()) < 0.02 * max(1.0, t.std()) + 0.01
        assert abs(o.std() - t.std()) < 0.02 * t.std()
        if i == 2:
            continue  # an untruncated normal has no bounds to compare
        span = t.max() - t.min()
        assert abs(o.min() - t.min()) < 0.02 * span and abs(o.max() - t.max()) < 0.02 * span
    limit = math.sqrt(6.0 / 500)
    assert np.abs(ours[0]).max() <= limit and np.abs(theirs[0]).max() <= limit


def test_initializer_configs_match_tensorflow():
    def build(api, v1):
        return [v1.glorot_uniform_initializer(dtype=api.float64).get_config(),
                v1.zeros_initializer().get_config(), v1.ones_initializer().get_config(),
                v1.constant_initializer([1, 2]).get_config(),
                v1.random_uniform_initializer(0, 3, seed=2).get_config(),
                v1.random_normal_initializer(1, 2, seed=3).get_config(),
                v1.truncated_normal_initializer(seed=4).get_config(),
                v1.glorot_uniform_initializer(seed=5).get_config(),
                v1.glorot_normal_initializer().get_config(),
                v1.variance_scaling_initializer(2.0, "fan_avg", "Normal").get_config()]

    assert _in_graph(fg, build) == _in_graph(tf, build)
