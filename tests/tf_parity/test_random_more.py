"""tf.random's stateless draws, categorical/multinomial, gamma, poisson,
random_crop and the initializers against TensorFlow: the same seeds give
TF's numbers (value for value where fastgraph claims it), op types and
names in the graph, and a fastgraph GraphDef TF runs to the same values."""

import numpy as np
import pytest

import fastgraph as fg

from .parity import assert_same, run_both, run_in

tf = pytest.importorskip("tensorflow")

SEEDS = [[1, 2], [0, 0], [-5, 2**31 - 1], [123456, 7]]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("fn", ["stateless_uniform", "stateless_normal",
                                "stateless_truncated_normal"])
def test_stateless_floats_are_tensorflows(fn, dtype, seed):
    ours, theirs = run_both(lambda api, _: getattr(api.random, fn)(
        [3, 67], seed=seed, dtype=getattr(api, dtype)))
    # The same words; sin, cos and log may round an ulp apart.
    assert_same(ours, theirs, rtol=2e-6 if dtype == "float32" else 1e-14, atol=1e-6)
    if fn == "stateless_uniform":
        assert_same(ours, theirs, exact=True)


@pytest.mark.parametrize("seed_dtype", ["int32", "int64"])
def test_stateless_uniform_scaled_and_int64_seeds(seed_dtype):
    def build(api, _):
        seed = api.constant([2**30 + 5, -9], dtype=getattr(api, seed_dtype))
        return [api.random.stateless_uniform([40], seed, minval=-3.0, maxval=5.0),
                api.random.stateless_normal([41], seed, mean=2.0, stddev=3.0,
                                            dtype=api.float64)]
    ours, theirs = run_both(build)
    assert_same(ours[0], theirs[0], exact=True)
    assert_same(ours[1], theirs[1], rtol=1e-13)


@pytest.mark.parametrize("dtype", ["int32", "int64"])
@pytest.mark.parametrize("bounds", [(0, 10), (-7, 3), (None, None), (-2**31, 2**31 - 1)])
def test_stateless_uniform_ints_are_tensorflows(dtype, bounds):
    lo, hi = bounds
    ours, theirs = run_both(lambda api, _: api.random.stateless_uniform(
        [5, 9], seed=[3, 4], minval=lo, maxval=hi, dtype=getattr(api, dtype)))
    assert_same(ours, theirs, exact=True)


def test_fold_in_and_split_are_tensorflows():
    ours, theirs = run_both(lambda api, _: [
        api.random.experimental.stateless_fold_in([1, 2], 3),
        api.random.experimental.stateless_split([1, 2], 3),
        api.random.experimental.stateless_split(api.constant([5, 6], api.int64), 2)])
    for a, b in zip(ours, theirs):
        assert_same(a, b, exact=True)


@pytest.mark.parametrize("fn", ["stateless_categorical", "stateless_multinomial"])
def test_stateless_categorical_is_tensorflows(fn):
    logits = np.array([[0.0, 1.0, -1.0, 0.5], [2.0, -np.inf, 0.0, 1.0],
                       [-3.0, -3.0, -3.0, -3.0]], np.float32)
    ours, theirs = run_both(lambda api, _: [getattr(api.compat.v1.random, fn)(logits, 7, [4, 5]),
                                            getattr(api.compat.v1.random, fn)(logits[:1], 50, [1, 9])])
    for a, b in zip(ours, theirs):
        assert_same(a, b, exact=True)


def test_stateless_op_types_and_names_are_tensorflows():
    def build(api, _):
        api.random.stateless_uniform([2], [1, 2], name="u")
        api.random.stateless_normal([2], [1, 2])
        api.random.stateless_uniform([2], [1, 2], minval=0, maxval=9, dtype=api.int32)
        api.random.stateless_uniform([2], [1, 2], minval=None, maxval=None, dtype=api.int64)
        api.random.stateless_categorical([[0.0, 1.0]], 2, [1, 2])
        return api.constant(0)

    def ops_of(api):
        g = api.Graph()
        with g.as_default():
            build(api, None)
        return [(op.name, op.type) for op in g.get_operations()]
    assert ops_of(fg) == ops_of(tf)


def test_tensorflow_runs_fastgraphs_stateless_graph_def():
    g = fg.Graph()
    with g.as_default():
        seed = fg.compat.v1.placeholder(fg.int32, [2], name="seed")
        fg.random.stateless_uniform([4], seed, name="u")
        fg.random.stateless_truncated_normal([4], seed, name="t")
        fg.random.stateless_uniform([4], seed, minval=-2, maxval=9, dtype=fg.int64, name="i")
        fg.random.stateless_uniform([4], seed, minval=None, maxval=None, dtype=fg.int32,
                                    name="f")
        with fg.Session() as sess:
            ours = sess.run(["u:0", "t:0", "i:0", "f:0"], {seed: [8, 9]})
    graph_def = tf.compat.v1.GraphDef.FromString(g.as_graph_def().SerializeToString())
    tg = tf.Graph()
    with tg.as_default():
        tf.compat.v1.import_graph_def(graph_def, name="")
        with tf.compat.v1.Session(graph=tg) as sess:
            theirs = sess.run(["u:0", "t:0", "i:0", "f:0"], {"seed:0": [8, 9]})
    for a, b in zip(ours, theirs):
        assert_same(a, b, rtol=2e-6, atol=1e-6)


def test_fastgraph_runs_tensorflows_stateless_graph_def():
    tg = tf.Graph()
    with tg.as_default():
        seed = tf.compat.v1.placeholder(tf.int64, [2], name="seed")
        tf.random.stateless_uniform([6], seed, name="u")
        tf.random.stateless_normal([6], seed, name="n")
        tf.random.stateless_categorical([[0.0, 1.0, 2.0]], 5, seed, name="c")
        with tf.compat.v1.Session(graph=tg) as sess:
            theirs = sess.run(["u:0", "n:0", "c/StatelessMultinomial:0"], {"seed:0": [8, 9]})
        graph_def = tg.as_graph_def().SerializeToString()
    g = fg.Graph()
    with g.as_default():
        fg.import_graph_def(fg.GraphDef.FromString(graph_def), name="")
        with fg.Session() as sess:
            ours = sess.run(["u:0", "n:0", "c/StatelessMultinomial:0"], {"seed:0": [8, 9]})
    for a, b in zip(ours, theirs):
        assert_same(a, b, rtol=2e-6, atol=1e-6)


@pytest.mark.parametrize("name,kwargs", [
    ("he_normal", {}), ("he_uniform", {}), ("lecun_normal", {}), ("lecun_uniform", {}),
    ("uniform_unit_scaling", {"factor": 1.5}), ("orthogonal", {"gain": 2.0}),
    ("orthogonal", {}), ("identity", {"gain": 0.5})])
@pytest.mark.parametrize("shape", [(6, 4), (3, 5), (2, 3, 4)])
def test_initializers_are_tensorflows(name, kwargs, shape):
    if name == "identity" and len(shape) != 2:
        pytest.skip("identity initializes matrices only")

    def build(api, _):
        init = getattr(api.compat.v1.initializers, name)
        if name != "identity":
            kwargs["seed"] = 5
        return init(**kwargs)(list(shape))
    ours, theirs = run_both(build)
    assert ours.shape == shape and ours.dtype == np.float32
    # The same normal draws; the QR factors round apart a little.
    assert_same(ours, theirs, rtol=1e-5, atol=2e-6)


def test_orthogonal_initializer_under_a_graph_seed():
    def build(api, _):
        api.compat.v1.set_random_seed(7)
        return [api.compat.v1.orthogonal_initializer()([5, 3], dtype=api.float64),
                api.compat.v1.uniform_unit_scaling_initializer()([4, 3])]
    ours, theirs = run_both(build)
    assert_same(ours[0], theirs[0], rtol=1e-12, atol=1e-12)
    assert_same(ours[1], theirs[1], exact=True)
    np.testing.assert_allclose(ours[0].T @ ours[0], np.eye(3), atol=1e-12)


def test_initializers_namespace_runs_variable_initializers():
    def build(api, _):
        v = api.compat.v1.get_variable("v", [2, 2],
                                       initializer=api.compat.v1.initializers.identity())
        return v
    for api in (fg, tf):
        g = api.Graph()
        with g.as_default():
            v = build(api, None)
            init = api.compat.v1.initializers.global_variables()
            with api.compat.v1.Session(graph=g) as sess:
                sess.run([init, api.compat.v1.initializers.local_variables(),
                          api.compat.v1.initializers.variables([v]),
                          api.compat.v1.initializers.tables_initializer()])
                np.testing.assert_array_equal(sess.run(v), np.eye(2))
