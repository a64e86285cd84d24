"""TF1 staples against TensorFlow: get_variable / variable_scope and the TF1
initializers (part A), the composite math/nn ops (part B). The same programs
built in TF1 graph mode (tf.compat.v1) and in fastgraph."""

import math

import numpy as np
import pytest

import fastgraph as fg

from ..samples import random_array, tied_array
from .parity import assert_same, run_both

tf = pytest.importorskip("tensorflow")


def _in_graph(api, build):
    g = api.Graph()
    with g.as_default():
        return build(api, api.compat.v1)


def _run_both(build, init=True):
    """`run_both` for the programs of part A, which take (api, v1) and no
    feeds; their variables are initialized first when `init`."""
    return run_both(lambda api, _: build(api, api.compat.v1), init=init)


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
        assert_same(o, t)


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


# ==== B. composites ===============================================================

FLOATS = [np.float32, np.float64]
NUMERIC = [np.uint8, np.int8, np.int16, np.int32, np.int64] + FLOATS


SHAPES = [(), (5,), (3, 4), (2, 0, 3)]


@pytest.mark.parametrize("dtype", NUMERIC)
@pytest.mark.parametrize("shape", SHAPES)
def test_clip_and_add_n_match_tensorflow(shape, dtype):
    rng = np.random.default_rng(0)
    xs = [random_array(shape, dtype, rng) for _ in range(3)]
    lo, hi = (dtype(1), dtype(5)) if dtype == np.uint8 else (dtype(-2), dtype(3))
    assert_same(*run_both(lambda api, p: [api.clip_by_value(p[0], lo, hi), api.add_n(p),
                                          api.add_n(p[:1]), api.math.accumulate_n(p[:2])], xs,
                          static=True))
    assert_same(*run_both(lambda api, p: api.add_n(p), xs, static=False))


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shape,axis", [((5,), None), ((3, 4), 0), ((3, 4), -1),
                                        ((2, 3, 4), [0, 2]), ((), None)])
def test_moments_and_counts_match_tensorflow(shape, axis, dtype):
    x = random_array(shape, dtype, np.random.default_rng(1))
    if x.ndim:
        x[..., ::2] = 0

    def build(api, p):
        return [api.math.reduce_variance(p[0], axis), api.math.reduce_std(p[0], axis, True),
                api.math.count_nonzero(p[0], axis), api.compat.v1.count_nonzero(
                    p[0], axis, keepdims=True, dtype=api.int32)]

    assert_same(*run_both(build, [x], static=True), rtol=1e-5 if dtype == np.float32 else 1e-10)


SPECIAL = np.array([0.0, 1e-30, -1e-30, 0.5, -0.5, 1.0, -1.0, 5.0, -5.0, 20.0, -20.0, 50.0,
                    -50.0, 100.0, -100.0, 800.0, -800.0])


@pytest.mark.parametrize("dtype", FLOATS)
def test_activations_match_tensorflow(dtype):
    rng = np.random.default_rng(2)
    x = np.concatenate([SPECIAL, rng.normal(size=50) * 4]).astype(dtype)

    def build(api, p):
        return [api.nn.swish(p[0]), api.nn.silu(p[0], beta=1.5), api.math.log_sigmoid(p[0]),
                api.math.softplus(p[0]), api.nn.gelu(p[0], approximate=True),
                api.math.softsign(p[0])]

    tol = 1e-5 if dtype == np.float32 else 1e-10
    assert_same(*run_both(build, [x], static=True), rtol=tol)
    # The exact gelu: TF uses erfc, fastgraph 1 - erf; they differ only in the
    # absolute size of results that round to zero in one of them.
    ours, theirs = run_both(lambda api, p: api.nn.gelu(p[0]), [x], static=True)
    np.testing.assert_allclose(ours, theirs, rtol=tol, atol=1e-7 if dtype == np.float32
                               else 1e-15)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shape", [(17,), (3, 4), (2, 0, 3)])
def test_cross_entropies_match_tensorflow(shape, dtype):
    rng = np.random.default_rng(3)
    logits = random_array(shape, dtype, rng, scale=10.0)
    if logits.size >= 17:
        logits.reshape(-1)[:17] = SPECIAL
    labels = rng.uniform(size=shape).astype(dtype)

    def build(api, p):
        return [api.nn.sigmoid_cross_entropy_with_logits(labels=p[0], logits=p[1]),
                api.nn.weighted_cross_entropy_with_logits(labels=p[0], logits=p[1],
                                                          pos_weight=3.0)]

    assert_same(*run_both(build, [labels, logits], static=True),
                rtol=1e-5 if dtype == np.float32 else 1e-10)


@pytest.mark.parametrize("dtype", [np.float32, np.int32, np.int64])
@pytest.mark.parametrize("ids_shape", [(), (4,), (2, 3), (0,)])
def test_embedding_lookup_matches_tensorflow(ids_shape, dtype):
    rng = np.random.default_rng(4)
    params = random_array((6, 3), dtype, rng)
    ids = rng.integers(0, 6, size=ids_shape).astype(np.int32)

    def build(api, p):
        out = [api.nn.embedding_lookup(p[0], p[1]), api.nn.embedding_lookup([p[0]], p[1])]
        if dtype == np.float32:
            out.append(api.nn.embedding_lookup(p[0], p[1], max_norm=2.0))
        return out

    assert_same(*run_both(build, [params, ids], static=True))


@pytest.mark.parametrize("lengths,maxlen", [([1, 3, 0], 4), ([[1, 2], [0, 3]], None),
                                            ([2], 0), (2, 5), ([0, 0], None)])
@pytest.mark.parametrize("dtype", [None, "float32", "int32"])
def test_sequence_mask_matches_tensorflow(lengths, maxlen, dtype):
    def build(api, v1):
        kwargs = {} if dtype is None else {"dtype": api.as_dtype(dtype)}
        return api.sequence_mask(api.constant(lengths), maxlen, **kwargs)

    assert_same(*_run_both(build, init=False))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("start,stop,num,axis", [(0.0, 1.0, 5, 0), (-3.0, 7.0, 11, 0),
                                                  (5.0, 1.0, 2, 0), (3.0, 4.0, 1, 0),
                                                  (0.1, 0.7, 7, 0),
                                                  ([0.0, 5.0], [10.0, 40.0], 5, 0),
                                                  ([0.0, 5.0], [10.0, 40.0], 4, 1),
                                                  ([0.0, 5.0], 1.0, 3, -1)])
def test_linspace_matches_tensorflow(start, stop, num, axis, dtype):
    def build(api, v1):
        dt = api.as_dtype(dtype)
        return [api.linspace(api.constant(start, dt), api.constant(stop, dt), num, axis=axis),
                v1.lin_space(api.constant(start, dt), api.constant(stop, dt), num, axis=axis)]

    ours, theirs = _run_both(build, init=False)
    for o, t in zip(ours, theirs):
        assert o.dtype == t.dtype and o.shape == t.shape
        np.testing.assert_array_equal(o, t)  # the same float ops, bit for bit


@pytest.mark.parametrize("rows,cols,batch", [(3, None, None), (2, 4, None), (4, 2, None),
                                             (0, 3, None), (2, None, [3]), (2, 3, [2, 1])])
@pytest.mark.parametrize("dtype", ["float32", "int32", "int64", "bool"])
def test_eye_matches_tensorflow(rows, cols, batch, dtype):
    assert_same(*_run_both(lambda api, v1: api.eye(rows, cols, batch_shape=batch,
                                                   dtype=api.as_dtype(dtype)), init=False))
    assert_same(*_run_both(lambda api, v1: v1.linalg.eye(rows, cols, dtype=api.as_dtype(dtype)),
                           init=False))


@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int16, np.int32, np.int64] + FLOATS)
def test_truncatediv_and_mod_match_tensorflow(dtype):
    rng = np.random.default_rng(5)
    x = random_array((60,), dtype, rng, scale=10.0)
    y = random_array((60,), dtype, rng, scale=4.0)
    y[y == 0] = 3
    tol = 1e-5 if np.dtype(dtype) == np.float32 else 1e-10
    assert_same(*run_both(lambda api, p: [api.truncatediv(p[0], p[1]),
                                          api.truncatediv(p[0], dtype(3))], [x, y], static=True),
                rtol=tol)
    if dtype in (np.uint8, np.int8, np.int16):  # TruncateMod has no narrow ints
        for api in (fg, tf):
            with api.Graph().as_default(), pytest.raises(TypeError):
                api.truncatemod(api.constant(x), api.constant(y))
    else:
        assert_same(*run_both(lambda api, p: api.truncatemod(p[0], p[1]), [x, y], static=True),
                    rtol=tol)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shape,axes", [((5,), None), ((3, 4), [1]), ((2, 3, 4), [1, 2]),
                                        ((2, 0, 3), None)])
def test_norm_clipping_matches_tensorflow(shape, axes, dtype):
    rng = np.random.default_rng(6)
    x = random_array(shape, dtype, rng)
    z = random_array((3,), dtype, rng)

    def build(api, p):
        clipped, norm = api.clip_by_global_norm([p[0], p[1]], 2.0)
        return [api.clip_by_norm(p[0], 1.5, axes=axes), api.clip_by_norm(p[0], 100.0),
                clipped, norm, api.compat.v1.global_norm([p[0], p[1]])]

    assert_same(*run_both(build, [x, z], static=True), rtol=1e-5 if dtype == np.float32 else 1e-10)


B_ERRORS = {
    "add_n_empty": lambda api: api.add_n([]),
    "add_n_dtypes": lambda api: api.add_n([api.zeros([2]), api.zeros([2], api.int32)]),
    "accumulate_n_dtypes": lambda api: api.math.accumulate_n([api.zeros([2]),
                                                              api.zeros([2], api.int32)]),
    "variance_int": lambda api: api.math.reduce_variance(api.constant([1, 2])),
    "xent_missing": lambda api: api.nn.sigmoid_cross_entropy_with_logits(logits=api.zeros([2])),
    "xent_shape": lambda api: api.nn.sigmoid_cross_entropy_with_logits(
        labels=api.zeros([3]), logits=api.zeros([2])),
    "embedding_empty": lambda api: api.nn.embedding_lookup([], [0]),
    "gelu_int": lambda api: api.nn.gelu(api.constant([1, 2])),
    "eye_float": lambda api: api.eye(2.5),
    "global_norm_tensor": lambda api: api.compat.v1.global_norm(api.zeros([2])),
}


@pytest.mark.parametrize("case", sorted(B_ERRORS))
def test_composite_errors_match_tensorflow(case):
    caught = []
    for api in (fg, tf):
        g = api.Graph()
        with g.as_default(), pytest.raises(Exception) as info:
            B_ERRORS[case](api)
        caught.append(info.value)
    ours, theirs = caught
    assert type(ours).__name__ == type(theirs).__name__
    # Messages that print a Python object (a tensor, a class) agree up to it.
    cut = {"xent_missing": "logits=", "global_norm_tensor": "Received "}.get(case)
    if cut:
        assert str(ours).split(cut)[0] == str(theirs).split(cut)[0]
    else:
        assert str(ours) == str(theirs)


@pytest.mark.parametrize("case", ["rank", "dim"])
def test_add_n_shape_errors_match_tensorflow(case):
    shapes = ([2], [2, 2]) if case == "rank" else ([2], [3])
    caught = []
    for api in (fg, tf):
        g = api.Graph()
        with g.as_default(), pytest.raises(ValueError) as info:
            api.add_n([api.zeros(shapes[0]), api.zeros(shapes[1])])
        caught.append(str(info.value))
    assert caught[1].startswith(caught[0])


# ==== C. sort, argsort, top_k ==================================================


@pytest.mark.parametrize("dtype", NUMERIC)
@pytest.mark.parametrize("shape", [(7,), (3, 5), (2, 3, 6), (2, 0, 4), (4, 1)])
def test_top_k_matches_tensorflow(shape, dtype):
    x = tied_array(shape, dtype, np.random.default_rng(7))
    ks = sorted({0, 1, min(3, shape[-1]), shape[-1]})

    def build(api, p):
        out = []
        for k in ks:
            r = api.math.top_k(p[0], k)
            out += [r.values, r.indices]
        out.append(api.nn.top_k(p[0], ks[-1], index_type=api.int64).indices)
        return out

    assert_same(*run_both(build, [x], static=True))
    assert_same(*run_both(build, [x], static=False))


@pytest.mark.parametrize("dtype", NUMERIC)
@pytest.mark.parametrize("shape,axis", [((7,), -1), ((3, 5), 0), ((3, 5), 1), ((2, 3, 4), 1),
                                        ((2, 0, 3), 2), ((1,), 0)])
def test_sort_and_argsort_match_tensorflow(shape, axis, dtype):
    x = tied_array(shape, dtype, np.random.default_rng(8))

    def build(api, p):
        return [api.sort(p[0], axis=axis), api.sort(p[0], axis=axis, direction="DESCENDING"),
                api.argsort(p[0], axis=axis, stable=True),
                api.argsort(p[0], axis=axis, direction="DESCENDING", stable=True)]

    assert_same(*run_both(build, [x], static=True))


def test_large_top_k_matches_tensorflow():
    rng = np.random.default_rng(9)
    x = rng.normal(size=(40, 2000)).astype(np.float32)
    x[:, ::5] = 0.25
    assert_same(*run_both(lambda api, p: list(api.math.top_k(p[0], 100)) +
                          [api.sort(p[0], axis=0)], [x], static=True))


C_ERRORS = {
    "k_big": lambda api: api.math.top_k(api.constant(np.arange(7.0)), 8),
    "scalar": lambda api: api.math.top_k(api.constant(1.0), 1),
    "k_negative": lambda api: api.math.top_k(api.constant(np.arange(7.0)), -1),
    "direction": lambda api: api.sort(api.constant([1.0]), direction="UP"),
    "top_k_bool": lambda api: api.math.top_k(api.constant([True]), 1),
}


@pytest.mark.parametrize("case", sorted(C_ERRORS))
def test_sort_errors_match_tensorflow(case):
    caught = []
    for api in (fg, tf):
        with api.Graph().as_default(), pytest.raises(Exception) as info:
            C_ERRORS[case](api)
        caught.append(info.value)
    ours, theirs = caught
    assert type(ours).__name__ == type(theirs).__name__
    # TF appends the node and its inputs; the first sentence is the same.
    first = str(ours).split(" for '")[0]
    assert str(theirs).startswith(first.split(" not in list")[0])


# ==== extras ====================================================================

@pytest.mark.parametrize("dtype", FLOATS)
def test_no_nan_ops_match_tensorflow(dtype):
    x = np.array([0.0, 0.0, 1.0, np.nan, np.inf, -2.0, 3.0, 0.0, 5.0], dtype)
    y = np.array([0.0, np.nan, 0.0, 0.0, 0.0, 4.0, -0.5, 2.0, np.inf], dtype)

    def build(api, p):
        m = api.math
        return [m.divide_no_nan(p[0], p[1]), m.multiply_no_nan(p[0], p[1]), m.xlogy(p[0], p[1]),
                m.xdivy(p[0], p[1]), m.zero_fraction(p[0]), api.compat.v1.div_no_nan(p[0], 2.0),
                api.compat.v1.scalar_mul(2.5, p[0])]

    assert_same(*run_both(build, [x, y], static=True))


@pytest.mark.parametrize("dtype", [np.uint8, np.int16, np.int32, np.int64])
def test_int_div_no_nan_and_casts_match_tensorflow(dtype):
    x = np.array([1, 4, 0, 7], dtype)
    y = np.array([0, 3, 0, 2], dtype)

    def build(api, p):
        v1 = api.compat.v1
        return [v1.div_no_nan(p[0], p[1]), v1.to_float(p[0]), v1.to_double(p[0]),
                v1.to_int32(p[0]), v1.to_int64(p[0]), api.math.zero_fraction(p[0])]

    assert_same(*run_both(build, [x, y], static=True))
