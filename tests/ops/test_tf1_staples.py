"""TF1 staples: get_variable / variable_scope and the TF1 initializers (part A),
and the composite math/nn ops (part B), against NumPy and hand-computed values."""

import math

import numpy as np
import pytest

import fastgraph as tf

from ..compare import assert_close
from ..evaluate import evaluate, session_run
from ..samples import random_array, tied_array

v1 = tf.compat.v1


# Every test builds in a fresh default graph (the `g` fixture of tests/conftest.py).
pytestmark = pytest.mark.usefixtures("g")


# ==== A. get_variable and variable_scope ========================================

def test_names_follow_variable_scopes():
    with v1.variable_scope("foo") as scope:
        v = v1.get_variable("v", [2, 3])
        with v1.variable_scope("bar"):
            w = v1.get_variable("w", [3], dtype=tf.int32)
            t = tf.add(w, 1)
    assert scope.name == "foo" and scope.original_name_scope == "foo/"
    assert v.name == "foo/v:0" and w.name == "foo/bar/w:0" and t.name == "foo/bar/Add:0"
    assert v.shape.as_list() == [2, 3] and v.dtype == tf.float32 and w.dtype == tf.int32
    assert v1.get_variable_scope().name == "" and v1.get_variable_scope().reuse is False


def test_variable_scope_opens_a_unique_name_scope_but_keeps_the_variable_prefix():
    with v1.variable_scope("foo"):
        v1.get_variable("a", [1])
    with v1.variable_scope("foo", reuse=True) as scope:
        a = v1.get_variable("a", [1])
        t = tf.identity(a)
    assert a.name == "foo/a:0" and t.name == "foo_1/Identity:0"
    assert scope.original_name_scope == "foo_1/"


def test_reuse_true_returns_the_same_variable():
    with v1.variable_scope("foo"):
        v = v1.get_variable("v", [2])
    with v1.variable_scope("foo", reuse=True):
        assert v1.get_variable("v", [2]) is v
        assert v1.get_variable("v") is v  # shape may be left out when reusing
    with v1.variable_scope("foo") as scope:
        scope.reuse_variables()
        assert scope.reuse is True and v1.get_variable("v") is v
    assert len(tf.global_variables()) == 1


def test_reuse_is_inherited_and_false_does_not_override():
    with v1.variable_scope("a"):
        with v1.variable_scope("b"):
            v = v1.get_variable("v", [1])
    with v1.variable_scope("a", reuse=True):
        with v1.variable_scope("b", reuse=False) as inner:
            assert inner.reuse is True
            assert v1.get_variable("v") is v


def test_auto_reuse_creates_then_returns():
    def layer():
        with v1.variable_scope("layer", reuse=v1.AUTO_REUSE):
            return v1.get_variable("w", [3, 4])

    w1, w2 = layer(), layer()
    assert w1 is w2 and len(tf.trainable_variables()) == 1
    assert v1.variable_scope("x", reuse=tf.AUTO_REUSE) is not None


def test_captured_scope_reenters_its_name():
    with v1.variable_scope("outer") as outer:
        v1.get_variable("a", [1])
    with v1.variable_scope("other"):
        with v1.variable_scope(outer):
            b = v1.get_variable("b", [1])
            t = tf.identity(b)
        with v1.variable_scope(outer, reuse=True):
            assert v1.get_variable("a").name == "outer/a:0"
    assert b.name == "outer/b:0" and t.name == "other/outer/Identity:0"


def test_default_name_is_made_unique():
    with v1.variable_scope(None, default_name="dense") as s1:
        a = v1.get_variable("k", [1])
    with v1.variable_scope(None, default_name="dense") as s2:
        b = v1.get_variable("k", [1])
        t = tf.identity(b)
    assert (s1.name, s2.name) == ("dense", "dense_1")
    assert (a.name, b.name, t.name) == ("dense/k:0", "dense_1/k:0", "dense_1/Identity:0")
    # The counters of sub-scopes restart when their parent is re-entered.
    with v1.variable_scope("p"):
        with v1.variable_scope(None, default_name="d") as d1:
            pass
    with v1.variable_scope("p", reuse=True):
        with v1.variable_scope(None, default_name="d") as d2:
            pass
    assert d1.name == d2.name == "p/d"


def test_scope_values_pick_the_graph():
    other = tf.Graph()
    with other.as_default():
        x = tf.constant(1.0)
    with v1.variable_scope("s", values=[x]):
        v = v1.get_variable("v", [1])
    assert v.graph is other


def test_auxiliary_name_scope_false_keeps_the_name_scope():
    with v1.variable_scope("scope") as scope:
        pass
    with v1.variable_scope(scope, auxiliary_name_scope=False):
        t = tf.identity(1.0)
        v = v1.get_variable("v", [1])
    assert t.name == "Identity:0" and v.name == "scope/v:0"


@pytest.mark.parametrize("case,exc,msg", [
    ("exists", ValueError, "Variable v already exists, disallowed. Did you mean to set "
                           "reuse=True or reuse=tf.AUTO_REUSE in VarScope?"),
    ("missing", ValueError, "Variable foo/nope does not exist, or was not created with "
                            "tf.get_variable(). Did you mean to set reuse=tf.AUTO_REUSE in "
                            "VarScope?"),
    ("shape", ValueError, "Trying to share variable v, but specified shape (3,) and found "
                          "shape (2,)."),
    ("dtype", ValueError, "Trying to share variable v, but specified dtype int32 and found "
                          "dtype float32."),
    ("const_shape", ValueError, "If initializer is a constant, do not specify shape."),
    ("no_shape", ValueError, "Variable c did not get an initializer, so its `shape` argument "
                             "must be specified."),
    ("init_dtype", ValueError, "Initializer type '<dtype: 'int32'>' and explicit dtype "
                               "'<dtype: 'float32'>' don't match."),
    ("bad_init", ValueError, "The initializer passed is not valid."),
    ("reuse_no_name", ValueError, "reuse=True cannot be used without a name_or_scope"),
    ("no_name", TypeError, "If default_name is None then name_or_scope is required"),
    ("reuse_value", ValueError, "The reuse parameter must be True or False or None."),
    ("scope_type", TypeError, "VariableScope: name_or_scope must be a string or VariableScope."),
    ("partitioner", NotImplementedError, "partitioned"),
])
def test_errors_in_tf_words(case, exc, msg):
    v1.get_variable("v", [2])

    def run():
        if case == "exists":
            v1.get_variable("v", [2])
        elif case == "missing":
            with v1.variable_scope("foo", reuse=True):
                v1.get_variable("nope", [1])
        elif case in ("shape", "dtype"):
            with v1.variable_scope("", reuse=True):
                if case == "shape":
                    v1.get_variable("v", [3])
                else:
                    v1.get_variable("v", [2], dtype=tf.int32)
        elif case == "const_shape":
            v1.get_variable("c", [2], initializer=tf.constant([1.0, 2.0]))
        elif case == "no_shape":
            v1.get_variable("c")
        elif case == "init_dtype":
            v1.get_variable("c", initializer=np.int32(3), dtype=tf.float32)
        elif case == "bad_init":
            v1.get_variable("c", initializer=lambda shape, dtype: tf.zeros(shape))
        elif case == "reuse_no_name":
            with v1.variable_scope(None, default_name="x", reuse=True):
                pass
        elif case == "no_name":
            v1.variable_scope(None)
        elif case == "reuse_value":
            v1.variable_scope("z", reuse=1)
        elif case == "scope_type":
            with v1.variable_scope(3):
                pass
        elif case == "partitioner":
            v1.get_variable("p", [4], partitioner=lambda shape, dtype: [2])

    with pytest.raises(exc) as info:
        run()
    assert msg in str(info.value)
    # A failed scope leaves the scope stack and name stack as they were.
    assert v1.get_variable_scope().name == "" and tf.get_default_graph().get_name_scope() == ""


def test_get_variable_from_a_value_takes_its_shape_and_dtype():
    a = v1.get_variable("a", initializer=np.arange(6, dtype=np.int64).reshape(2, 3))
    b = v1.get_variable("b", initializer=tf.constant([1.5, 2.5]))
    c = v1.get_variable("c", initializer=7)
    assert (a.dtype, b.dtype, c.dtype) == (tf.int64, tf.float32, tf.int32)
    ra, rb, rc = session_run([a, b, c], init=True)
    np.testing.assert_array_equal(ra, np.arange(6).reshape(2, 3))
    np.testing.assert_array_equal(rb, [1.5, 2.5])
    assert rc == 7


@pytest.mark.parametrize("dtype", [tf.int8, tf.int32, tf.int64, tf.uint8, tf.bool])
def test_default_initializer_is_zeros_for_ints_and_bools(dtype):
    v = v1.get_variable("v", [2, 2], dtype=dtype)
    out = session_run(v, init=True)
    assert out.dtype == dtype.np_dtype and not out.any()


@pytest.mark.parametrize("dtype", [tf.float32, tf.float64])
@pytest.mark.parametrize("shape", [[4, 6], [50], [3, 3, 8, 16], []])
def test_default_initializer_is_glorot_uniform(dtype, shape):
    v = v1.get_variable("v", shape, dtype=dtype)
    out = session_run(v, init=True)
    assert out.dtype == dtype.np_dtype and out.shape == tuple(shape)
    if len(shape) == 0:
        fan_in = fan_out = 1
    elif len(shape) == 1:
        fan_in = fan_out = shape[0]
    else:
        rf = int(np.prod(shape[:-2]))
        fan_in, fan_out = shape[-2] * rf, shape[-1] * rf
    limit = math.sqrt(6.0 / (fan_in + fan_out))
    assert np.all(np.abs(out) <= limit)
    if out.size >= 50:
        assert np.abs(out).max() > 0.7 * limit  # spread over the whole range


def test_scope_initializer_and_dtype_are_defaults():
    with v1.variable_scope("s", initializer=v1.constant_initializer(3.0), dtype=tf.float64):
        a = v1.get_variable("a", [2])
        b = v1.get_variable("b", [2], initializer=v1.ones_initializer())
        with v1.variable_scope("inner"):
            c = v1.get_variable("c", [1])
    assert a.dtype == tf.float64 and c.dtype == tf.float64
    ra, rb, rc = session_run([a, b, c], init=True)
    np.testing.assert_array_equal(ra, [3.0, 3.0])
    np.testing.assert_array_equal(rb, [1.0, 1.0])
    np.testing.assert_array_equal(rc, [3.0])
    with v1.variable_scope("t") as t:
        t.set_initializer(v1.zeros_initializer())
        assert session_run(v1.get_variable("z", [3]), init=True).tolist() == [0, 0, 0]


def test_collections_and_trainable():
    a = v1.get_variable("a", [1])
    b = v1.get_variable("b", [1], trainable=False)
    c = v1.get_local_variable("c", [1])
    d = v1.get_variable("d", [1], collections=["mine"])
    assert tf.trainable_variables() == [a, d]  # trainable adds its collection
    assert tf.global_variables() == [a, b]
    assert tf.local_variables() == [c] and tf.get_collection("mine") == [d]
    with v1.variable_scope("s") as s:
        e = v1.get_variable("e", [1])
    assert s.global_variables() == [e] and s.trainable_variables() == [e]


def test_initializer_class_is_instantiated_and_callable_without_args_works():
    a = v1.get_variable("a", [2], initializer=v1.ones_initializer)
    b = v1.get_variable("b", initializer=lambda: tf.constant([4, 5]))
    ra, rb = session_run([a, b], init=True)
    np.testing.assert_array_equal(ra, [1, 1])
    np.testing.assert_array_equal(rb, [4, 5])


def test_custom_getter_and_regularizer():
    seen = []

    def getter(next_getter, name, *args, **kwargs):
        seen.append(name)
        kwargs["trainable"] = False
        return next_getter(name, *args, **kwargs)

    with v1.variable_scope("s", custom_getter=getter):
        v = v1.get_variable("v", [2], initializer=v1.constant_initializer(2.0),
                            regularizer=lambda w: tf.reduce_sum(w) * 0.5)
    assert seen == ["s/v"] and tf.trainable_variables() == []
    (loss,) = tf.get_collection("regularization_losses")
    assert session_run(loss, init=True) == 2.0


def test_initializer_ops_ignore_control_dependencies():
    x = tf.constant(1.0)
    with tf.control_dependencies([x]):
        v = v1.get_variable("v", [2])
    assert v.initializer.control_inputs == []


# ---- initializers -------------------------------------------------------------

@pytest.mark.parametrize("shape", [[], [3], [2, 0], [2, 3, 4]])
@pytest.mark.parametrize("dtype", [tf.float32, tf.float64, tf.int32, tf.int64, tf.uint8])
def test_zeros_ones_initializers(shape, dtype):
    z = v1.zeros_initializer()(shape, dtype=dtype)
    o = v1.ones_initializer(dtype=dtype)(shape)
    rz, ro = session_run([z, o], init=True)
    np.testing.assert_array_equal(rz, np.zeros(shape, dtype.np_dtype))
    np.testing.assert_array_equal(ro, np.ones(shape, dtype.np_dtype))
    assert rz.dtype == dtype.np_dtype and ro.dtype == dtype.np_dtype


@pytest.mark.parametrize("value,shape,expect", [
    (2.5, [2, 2], np.full((2, 2), 2.5)),
    ([1, 2], [2, 2], [[1, 2], [2, 2]]),  # the last value fills the rest
    ([1, 2, 3, 4], [2, 2], [[1, 2], [3, 4]]),
    (np.arange(6).reshape(2, 3), [3, 2], np.arange(6).reshape(3, 2)),
    ([], [3], [0, 0, 0]),
    ([5], [], 5),
    ([1, 2, 3], [0, 4], np.zeros((0, 4))),
])
def test_constant_initializer(value, shape, expect):
    t = v1.constant_initializer(value)(shape)
    out = session_run(t, init=True)
    assert out.dtype == np.float32 and out.shape == tuple(shape)
    np.testing.assert_array_equal(out, np.asarray(expect, np.float32))


def test_constant_initializer_errors():
    with pytest.raises(ValueError, match="Too many elements provided. Takes at most 4, but "
                                         "got 5."):
        v1.constant_initializer([1, 2, 3, 4, 5])([2, 2])
    with pytest.raises(TypeError, match=r"Expected Tensor's shape: \(2, 2\), but got \(3,\)."):
        v1.constant_initializer([1, 2, 3])([2, 2], verify_shape=True)
    with pytest.raises(TypeError, match="Invalid type for initial value"):
        v1.constant_initializer({"a": 1})
    with pytest.raises(TypeError):
        v1.constant_initializer(2.5, dtype=tf.int32)([2])
    out = session_run(v1.constant_initializer(7, dtype=tf.int64)([3]), init=True)
    assert out.dtype == np.int64 and out.tolist() == [7, 7, 7]


@pytest.mark.parametrize("dtype", [tf.float32, tf.float64])
def test_random_initializers_draw_the_right_distributions(dtype):
    shape = [200, 100]
    tf.set_random_seed(1)
    u = v1.random_uniform_initializer(-2.0, 3.0)(shape, dtype=dtype)
    n = v1.random_normal_initializer(1.0, 2.0)(shape, dtype=dtype)
    t = v1.truncated_normal_initializer(0.5, 0.1, seed=3)(shape, dtype=dtype)
    g = v1.glorot_normal_initializer(seed=4)(shape, dtype=dtype)
    vs = v1.variance_scaling_initializer(2.0, "fan_in", "untruncated_normal")(shape, dtype=dtype)
    ru, rn, rt, rg, rv = session_run([u, n, t, g, vs], init=True)
    for r in (ru, rn, rt, rg, rv):
        assert r.dtype == dtype.np_dtype and r.shape == tuple(shape)
    assert ru.min() >= -2.0 and ru.max() < 3.0 and abs(ru.mean() - 0.5) < 0.1
    assert abs(rn.mean() - 1.0) < 0.1 and abs(rn.std() - 2.0) < 0.1
    assert np.all(np.abs(rt - 0.5) <= 0.2 + 1e-6)
    stddev = math.sqrt(2.0 / 300)  # glorot normal: after truncation
    assert abs(rg.std() - stddev) < 0.05 * stddev and np.abs(rg).max() <= 2 * stddev / .8796
    assert abs(rv.std() - math.sqrt(2.0 / 200)) < 0.05 * math.sqrt(2.0 / 200)


def test_random_uniform_initializer_ints_and_seeds_repeat():
    i = v1.random_uniform_initializer(0, 10, dtype=tf.int32)([1000])
    a = v1.glorot_uniform_initializer(seed=7)([5, 5])
    b = v1.glorot_uniform_initializer(seed=7)([5, 5])
    ri, ra, rb = session_run([i, a, b], init=True)
    assert ri.dtype == np.int32 and ri.min() >= 0 and ri.max() < 10 and len(set(ri)) == 10
    np.testing.assert_array_equal(ra, rb)


def test_initializer_argument_errors():
    with pytest.raises(ValueError, match="Argument `dtype` is expected to be floating point"):
        v1.random_normal_initializer(dtype=tf.int32)
    # As TF, glorot_*_initializer drop their dtype argument (float32 stays the default).
    assert v1.glorot_uniform_initializer(dtype=tf.int64).dtype == tf.float32
    with pytest.raises(ValueError, match="Argument `scale` must be a positive float"):
        v1.variance_scaling_initializer(scale=0.0)
    with pytest.raises(ValueError, match="Argument `mode` should be one of"):
        v1.variance_scaling_initializer(mode="fan")
    with pytest.raises(ValueError, match="Argument `distribution` should be one of"):
        v1.variance_scaling_initializer(distribution="cauchy")
    assert v1.glorot_uniform_initializer(seed=3).get_config() == {"seed": 3, "dtype": "float32"}
    assert v1.initializers.zeros is v1.zeros_initializer


# ==== B. composites ===============================================================

FLOATS = [np.float32, np.float64]
SINTS = [np.int8, np.int16, np.int32, np.int64]
NUMERIC = [np.uint8] + SINTS + FLOATS
SHAPES = [(), (5,), (3, 4), (2, 0, 3), (1, 1, 6)]


@pytest.mark.parametrize("fed", [True, False])
@pytest.mark.parametrize("dtype", NUMERIC)
@pytest.mark.parametrize("shape", SHAPES)
def test_clip_by_value(shape, dtype, fed):
    x = random_array(shape, dtype, np.random.default_rng(1))
    lo, hi = (1, 5) if dtype == np.uint8 else (-2, 3)
    got = evaluate(lambda t: tf.clip_by_value(t, dtype(lo), dtype(hi)), x, fed=fed)
    assert_close(got, np.clip(x, lo, hi), dtype=dtype)


def test_clip_by_value_tensor_bounds_and_errors():
    assert tf.clip_by_value(tf.constant([1.0]), 0.0, 1.0).op.name == "clip_by_value"
    x = np.arange(12, dtype=np.float32).reshape(3, 4)
    lo = np.array([1, 2, 3, 4], np.float32)
    assert_close(evaluate(lambda t, a: tf.clip_by_value(t, a, 6.0), x, lo), np.clip(x, lo, 6.0))
    with pytest.raises(ValueError, match="are incompatible"):
        tf.clip_by_value(tf.constant([1.0, 2.0]), tf.zeros([3, 2]), 1.0)


@pytest.mark.parametrize("fed", [True, False])
@pytest.mark.parametrize("dtype", NUMERIC)
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("n", [1, 2, 5])
def test_add_n(n, shape, dtype, fed):
    rng = np.random.default_rng(2)
    xs = [random_array(shape, dtype, rng) for _ in range(n)]
    want = xs[0].copy()
    for a in xs[1:]:
        want = (want + a).astype(dtype)
    assert_close(evaluate(lambda *t: tf.add_n(list(t)), *xs, fed=fed), want, dtype=dtype)
    assert_close(evaluate(lambda *t: tf.math.accumulate_n(list(t)), *xs, fed=fed), want,
                 dtype=dtype)


def test_add_n_with_dims_known_at_run_time_checks_shapes():
    a = tf.placeholder(tf.float32, [None, 3])
    b = tf.placeholder(tf.float32, [None, 3])
    s = tf.add_n([a, b, a])
    with tf.Session() as sess:
        x = np.ones((2, 3), np.float32)
        np.testing.assert_array_equal(sess.run(s, {a: x, b: 2 * x}), 4 * x)
        with pytest.raises(tf.errors.InvalidArgumentError):
            sess.run(s, {a: x, b: np.ones((1, 3), np.float32)})  # would broadcast


def test_add_n_errors():
    with pytest.raises(ValueError, match="Inputs must be an iterable of at least one"):
        tf.add_n([])
    with pytest.raises(ValueError, match="Shapes must be equal rank, but are 1 and 2"):
        tf.add_n([tf.zeros([2]), tf.zeros([2, 2])])
    with pytest.raises(ValueError, match="Dimension 0 in both shapes must be equal, but are 2 "
                                         "and 3"):
        tf.add_n([tf.zeros([2]), tf.zeros([3])])
    with pytest.raises(TypeError, match="have types \\[float32, int32\\] that don't all match"):
        tf.add_n([tf.zeros([2]), tf.zeros([2], tf.int32)])
    with pytest.raises(ValueError, match="inputs must be a list of at least one Tensor"):
        tf.math.accumulate_n([tf.zeros([2]), tf.zeros([2], tf.int32)])
    with pytest.raises(TypeError, match="The `tensor_dtype` argument is"):
        tf.math.accumulate_n([tf.zeros([2])], tensor_dtype=tf.int32)
    x = tf.zeros([2])
    assert tf.add_n([x]) is x and tf.add_n([x], name="s").op.name == "s"
    assert tf.add_n([x, x], name="total").op.name == "total"


@pytest.mark.parametrize("fed", [True, False])
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shape,axis", [((5,), None), ((3, 4), 0), ((3, 4), -1), ((2, 3, 4), [0, 2]),
                                        ((2, 3, 4), None), ((1, 6), 1), ((), None)])
@pytest.mark.parametrize("keepdims", [False, True])
def test_reduce_variance_and_std(shape, axis, keepdims, dtype, fed):
    x = random_array(shape, dtype, np.random.default_rng(3))
    ax = tuple(axis) if isinstance(axis, list) else axis
    var, std = evaluate(lambda t: [tf.math.reduce_variance(t, axis, keepdims),
                                   tf.math.reduce_std(t, axis, keepdims)], x, fed=fed)
    assert_close(var, np.var(x.astype(np.float64), axis=ax, keepdims=keepdims), dtype=dtype,
                 rtol=1e-5)
    assert_close(std, np.std(x.astype(np.float64), axis=ax, keepdims=keepdims), dtype=dtype,
                 rtol=1e-5)


def test_reduce_variance_rejects_ints():
    with pytest.raises(TypeError, match="Input must be either real or complex. Received integer "
                                        "type <dtype: 'int32'>."):
        tf.math.reduce_variance(tf.constant([1, 2]))


@pytest.mark.parametrize("dtype", NUMERIC + [np.bool_])
@pytest.mark.parametrize("shape,axis", [((6,), None), ((3, 4), 0), ((3, 4), -1),
                                        ((2, 0, 3), 1), ((), None), ((2, 3, 4), [0, 2])])
@pytest.mark.parametrize("keepdims", [False, True])
def test_count_nonzero(shape, axis, keepdims, dtype):
    rng = np.random.default_rng(4)
    x = (rng.integers(0, 3, size=shape) > 1) if dtype == np.bool_ else \
        (random_array(shape, dtype, rng) * (rng.integers(0, 2, size=shape))).astype(dtype)
    ax = tuple(axis) if isinstance(axis, list) else axis
    want = np.count_nonzero(x, axis=ax, keepdims=keepdims)
    got = evaluate(lambda t: tf.count_nonzero(t, axis, keepdims=keepdims), x)
    assert_close(got, np.asarray(want), dtype=np.int64)
    got32 = evaluate(lambda t: tf.math.count_nonzero(t, axis, keepdims=keepdims, dtype=tf.int32), x)
    assert_close(got32, np.asarray(want), dtype=np.int32)


def _softplus(x):
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))


SPECIAL = np.array([0.0, 1e-30, -1e-30, 1.0, -1.0, 20.0, -20.0, 50.0, -50.0, 100.0, -100.0,
                    800.0, -800.0])


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shape", [(7,), (3, 4), (2, 0, 3), ()])
def test_sigmoid_cross_entropy(shape, dtype):
    rng = np.random.default_rng(5)
    logits = random_array(shape, dtype, rng, scale=10.0)
    labels = rng.uniform(size=shape).astype(dtype)
    x, z = logits.astype(np.float64), labels.astype(np.float64)
    want = np.maximum(x, 0) - x * z + np.log1p(np.exp(-np.abs(x)))
    got = evaluate(lambda a, b: tf.nn.sigmoid_cross_entropy_with_logits(labels=a, logits=b),
                   labels, logits)
    assert_close(got, want, dtype=dtype, rtol=1e-5)
    q = 2.5
    weighted = (1 - z) * x + (1 + (q - 1) * z) * (np.log1p(np.exp(-np.abs(x))) + np.maximum(-x, 0))
    got = evaluate(lambda a, b: tf.nn.weighted_cross_entropy_with_logits(labels=a, logits=b,
                                                                         pos_weight=q),
                   labels, logits)
    assert_close(got, weighted, dtype=dtype, rtol=1e-5)


def test_sigmoid_cross_entropy_is_stable_and_checks_arguments():
    x = SPECIAL.astype(np.float32)
    z = np.ones_like(x)
    got = evaluate(lambda a, b: tf.nn.sigmoid_cross_entropy_with_logits(labels=a, logits=b), z, x)
    assert np.all(np.isfinite(got))
    assert_close(got, _softplus(-x.astype(np.float64)), dtype=np.float32, rtol=1e-5)
    with pytest.raises(ValueError, match="Both `labels` and `logits` must be provided"):
        tf.nn.sigmoid_cross_entropy_with_logits(logits=tf.zeros([2]))
    with pytest.raises(ValueError, match=r"`logits` and `labels` must have the same shape, "
                                         r"received \(\(2,\) vs \(3,\)\)."):
        tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.zeros([3]), logits=tf.zeros([2]))


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32, np.int64])
@pytest.mark.parametrize("ids_shape", [(), (4,), (2, 3), (0,)])
def test_embedding_lookup(ids_shape, dtype):
    rng = np.random.default_rng(6)
    params = random_array((6, 3), dtype, rng)
    ids = rng.integers(0, 6, size=ids_shape).astype(np.int32)
    assert_close(evaluate(lambda p, i: tf.nn.embedding_lookup(p, i), params, ids), params[ids])
    assert_close(evaluate(lambda p, i: tf.nn.embedding_lookup([p], i), params, ids), params[ids])


def test_embedding_lookup_max_norm_variables_and_errors():
    params = np.array([[3.0, 4.0], [0.3, 0.4], [0.0, 0.0]], np.float32)
    ids = np.array([0, 1, 2, 0], np.int32)
    norms = np.linalg.norm(params[ids], axis=1, keepdims=True)
    want = params[ids] * np.minimum(1.0, 1.0 / np.where(norms > 0, norms, 1.0))
    assert_close(evaluate(lambda p, i: tf.nn.embedding_lookup(p, i, max_norm=1.0),
                          params, ids), want)
    table = v1.get_variable("table", initializer=params)
    assert_close(session_run(tf.nn.embedding_lookup(table, ids), init=True), params[ids])
    with pytest.raises(ValueError, match="Need at least one param"):
        tf.nn.embedding_lookup([], ids)
    with pytest.raises(ValueError, match="params must be specified"):
        tf.nn.embedding_lookup(None, ids)
    with pytest.raises(NotImplementedError):
        tf.nn.embedding_lookup([tf.constant(params), tf.constant(params)], ids)
    g = tf.placeholder(tf.int32, [2])
    with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError):
        sess.run(tf.nn.embedding_lookup(tf.constant(params), g), {g: [0, 3]})


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shape", [(7,), (3, 4), (2, 0, 3), ()])
def test_activations(shape, dtype):
    from math import erf
    x = random_array(shape, dtype, np.random.default_rng(7))
    xd = x.astype(np.float64)
    sig = 1 / (1 + np.exp(-xd))
    sw, si2, ge, gea, ls, sp = evaluate(lambda t: [tf.nn.swish(t), tf.nn.silu(t, beta=2.0),
                                                   tf.nn.gelu(t), tf.nn.gelu(t, approximate=True),
                                                   tf.math.log_sigmoid(t), tf.math.softplus(t)], x)
    assert_close(sw, xd * sig, dtype=dtype, rtol=1e-5)
    assert_close(si2, xd / (1 + np.exp(-2 * xd)), dtype=dtype, rtol=1e-5)
    erf_v = np.vectorize(erf)(xd / np.sqrt(2)) if xd.size else xd
    assert_close(ge, 0.5 * xd * (1 + erf_v), dtype=dtype, rtol=1e-5)
    approx = 0.5 * xd * (1 + np.tanh(np.sqrt(2 / np.pi) * (xd + 0.044715 * xd ** 3)))
    assert_close(gea, approx, dtype=dtype, rtol=1e-5)
    assert_close(ls, -_softplus(-xd), dtype=dtype, rtol=1e-5)
    assert_close(sp, _softplus(xd), dtype=dtype, rtol=1e-5)


def test_activation_extremes_and_aliases():
    x = SPECIAL.astype(np.float32)
    ls, ge = evaluate(lambda t: [tf.math.log_sigmoid(t), tf.nn.gelu(t)], x)
    assert np.all(np.isfinite(ls)) and np.all(np.isfinite(ge))
    assert ls[-1] == -800.0 and ge[-2] == 800.0
    with pytest.raises(ValueError, match="`features.dtype` must be a floating point tensor."):
        tf.nn.gelu(tf.constant([1, 2]))
    for name in ("softplus", "softsign", "softmax", "log_softmax", "l2_normalize"):
        assert getattr(tf.math, name) is getattr(tf.nn, name)
    assert tf.nn.silu is tf.nn.swish and tf.lin_space is tf.linspace
    assert tf.linalg.eye is tf.eye and v1.math.add_n is tf.add_n


@pytest.mark.parametrize("lengths,maxlen", [([1, 3, 0], 4), ([[1, 2], [0, 3]], None),
                                            ([2], 0), ([], 3), (2, 5), ([0, 0], None)])
@pytest.mark.parametrize("dtype", [None, tf.float32, tf.int32])
def test_sequence_mask(lengths, maxlen, dtype):
    lengths = np.asarray(lengths, np.int32)
    n = max(int(lengths.max()) if lengths.size else 0, 0) if maxlen is None else maxlen
    want = np.arange(n) < lengths[..., None]
    kwargs = {} if dtype is None else {"dtype": dtype}
    got = evaluate(lambda t: tf.sequence_mask(t, maxlen, **kwargs), lengths, fed=maxlen is not None)
    assert_close(got, want, dtype=np.bool_ if dtype is None else dtype.np_dtype)
    with pytest.raises(ValueError, match="Argument `maxlen` must be scalar for sequence_mask"):
        tf.sequence_mask([1, 2], [3, 4])


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("start,stop,num,axis", [(0.0, 1.0, 5, 0), (-3.0, 7.0, 11, 0),
                                                  (2.0, 2.0, 3, 0), (5.0, 1.0, 2, 0),
                                                  (3.0, 4.0, 1, 0), (3.0, 4.0, 0, 0),
                                                  ([0.0, 5.0], [10.0, 40.0], 5, 0),
                                                  ([0.0, 5.0], [10.0, 40.0], 4, 1),
                                                  ([0.0, 5.0], 1.0, 3, -1)])
def test_linspace(start, stop, num, axis, dtype):
    got = tf.linspace(tf.constant(start, dtype=tf.as_dtype(dtype)),
                      tf.constant(stop, dtype=tf.as_dtype(dtype)), num, axis=axis)
    with tf.Session() as sess:
        out = sess.run(got)
    want = np.linspace(np.asarray(start, dtype), np.asarray(stop, dtype), num, axis=axis)
    assert_close(out, want, dtype=dtype, rtol=1e-6 if dtype == np.float32 else None)
    if num >= 2:
        assert np.all(np.take(out, -1, axis=axis) == np.broadcast_to(
            np.asarray(stop, dtype), np.take(out, -1, axis=axis).shape))


def test_linspace_fed_endpoints():
    a = tf.placeholder(tf.float32, [])
    out = tf.linspace(a, 1.0, tf.constant(3))
    with tf.Session() as sess:
        assert_close(sess.run(out, {a: -1.0}), np.array([-1.0, 0.0, 1.0], np.float32))
    with pytest.raises(ValueError, match="must be known when the graph is built"):
        tf.linspace(0.0, 1.0, tf.placeholder(tf.int32, []))


@pytest.mark.parametrize("rows,cols,batch", [(3, None, None), (2, 4, None), (4, 2, None),
                                             (0, 3, None), (2, None, [3]), (2, 3, [2, 1]),
                                             (1, None, [])])
@pytest.mark.parametrize("dtype", [tf.float32, tf.float64, tf.int32, tf.int64, tf.bool])
def test_eye(rows, cols, batch, dtype):
    want = np.eye(rows, cols, dtype=dtype.np_dtype)
    if batch is not None:
        want = np.broadcast_to(want, tuple(batch) + want.shape)
    with tf.Session() as sess:
        out = sess.run(tf.eye(rows, cols, batch_shape=batch, dtype=dtype))
    assert_close(out, want)
    with pytest.raises(TypeError, match="must be positive integer values"):
        tf.eye(2.5)


@pytest.mark.parametrize("dtype", [np.uint8] + SINTS + FLOATS)
def test_truncatediv_and_truncatemod(dtype):
    rng = np.random.default_rng(8)
    x = random_array((40,), dtype, rng, scale=10.0)
    y = random_array((40,), dtype, rng, scale=4.0)
    y[y == 0] = 3
    if np.dtype(dtype).kind == "f":
        want_q = np.trunc(x / y)
        want_r = np.fmod(x, y)
        tol = 1e-5
    else:
        xi, yi = x.astype(np.int64), y.astype(np.int64)
        want_q = np.sign(xi) * np.sign(yi) * (np.abs(xi) // np.abs(yi))
        want_r = xi - want_q * yi
        tol = None
    assert_close(evaluate(lambda a, b: tf.truncatediv(a, b), x, y), want_q, dtype=dtype, rtol=tol)
    if dtype in (np.uint8, np.int8, np.int16):  # as TF's TruncateMod
        with pytest.raises(TypeError, match="not in list of allowed values"):
            tf.truncatemod(tf.constant(x), tf.constant(y))
    else:
        assert_close(evaluate(lambda a, b: tf.truncatemod(a, b), x, y), want_r, dtype=dtype,
                     rtol=tol)
    # Broadcasting, with a scalar divisor.
    assert_close(evaluate(lambda a: tf.truncatediv(a, dtype(3)), x), (
        np.trunc(x / 3) if np.dtype(dtype).kind == "f" else
        np.sign(x.astype(np.int64)) * (np.abs(x.astype(np.int64)) // 3)), dtype=dtype, rtol=tol)


def test_truncatediv_by_zero_fails_at_run_time():
    a = tf.placeholder(tf.int32, [2])
    with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError):
        sess.run(tf.truncatediv(tf.constant([7, 8]), a), {a: [1, 0]})


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shape,axes", [((5,), None), ((3, 4), None), ((3, 4), [1]),
                                        ((3, 4), [0]), ((2, 3, 4), [1, 2]), ((2, 0, 3), None)])
@pytest.mark.parametrize("clip", [0.5, 100.0])
def test_clip_by_norm(shape, axes, clip, dtype):
    x = random_array(shape, dtype, np.random.default_rng(9))
    xd = x.astype(np.float64)
    ax = tuple(axes) if axes is not None else None
    norm = np.sqrt(np.sum(xd * xd, axis=ax, keepdims=True))
    want = xd * clip / np.maximum(norm, clip)
    assert_close(evaluate(lambda t: tf.clip_by_norm(t, clip, axes=axes), x), want, dtype=dtype,
                 rtol=1e-5)


def test_clip_by_global_norm():
    rng = np.random.default_rng(10)
    xs = [rng.normal(size=s).astype(np.float32) for s in [(3,), (2, 2), ()]]
    gn = np.sqrt(sum(np.sum(x.astype(np.float64) ** 2) for x in xs))
    for clip in (1.0, 100.0):
        clipped, norm = evaluate(lambda *t: tf.clip_by_global_norm(list(t), clip), *xs)
        assert_close(norm, gn, dtype=np.float32, rtol=1e-5)
        for c, x in zip(clipped, xs):
            assert_close(c, x * clip / max(gn, clip), dtype=np.float32, rtol=1e-5)
    assert_close(evaluate(lambda *t: tf.global_norm(list(t)), *xs), gn, dtype=np.float32, rtol=1e-5)
    with pytest.raises(TypeError, match="`t_list` should be a sequence of tensors"):
        tf.global_norm(tf.zeros([2]))


# ==== C. sort, argsort, top_k (csrc/kernels/sort.c) ==========================

def _np_order(x, axis, descending):
    """Stable order, lower index first on ties, NaN greatest (computed here
    with Python's sort, not the ops' reference)."""
    x = np.moveaxis(x, axis, -1)
    out = np.empty(x.shape, np.int64)
    for pos in np.ndindex(*x.shape[:-1]):
        row = x[pos]

        def key(i, row=row):
            v = row[i]
            nan = bool(v != v)
            if descending:
                return (0 if nan else 1, 0 if nan else -float(v), i)
            return (1 if nan else 0, 0 if nan else float(v), i)
        out[pos] = sorted(range(row.shape[0]), key=key)
    return np.moveaxis(out, -1, axis)


@pytest.mark.parametrize("fed", [True, False])
@pytest.mark.parametrize("dtype", NUMERIC)
@pytest.mark.parametrize("shape,axis", [((7,), -1), ((3, 5), 0), ((3, 5), 1), ((2, 3, 4), 1),
                                        ((2, 3, 4), -3), ((2, 0, 3), 2), ((4, 1), 1),
                                        ((1,), 0), ((0,), 0)])
@pytest.mark.parametrize("direction", ["ASCENDING", "DESCENDING"])
def test_sort_and_argsort(shape, axis, direction, dtype, fed):
    x = tied_array(shape, dtype, np.random.default_rng(11))  # many ties
    order = _np_order(x, axis, direction == "DESCENDING")
    v, i = evaluate(lambda t: [tf.sort(t, axis=axis, direction=direction),
                               tf.argsort(t, axis=axis, direction=direction)], x, fed=fed)
    assert_close(i, order.astype(np.int32))
    assert_close(v, np.take_along_axis(x, order, axis))


@pytest.mark.parametrize("fed", [True, False])
@pytest.mark.parametrize("dtype", NUMERIC)
@pytest.mark.parametrize("shape", [(7,), (3, 5), (2, 3, 6), (2, 0, 4), (3, 0), (1,)])
@pytest.mark.parametrize("k", [0, 1, 3, "all"])
def test_top_k(shape, k, dtype, fed):
    n = shape[-1]
    k = n if k == "all" else k
    if k > n:
        return
    x = tied_array(shape, dtype, np.random.default_rng(12))
    order = _np_order(x, -1, True)[..., :k]
    v, i = evaluate(lambda t: tuple(tf.math.top_k(t, k)), x, fed=fed)
    assert_close(i, order.astype(np.int32))
    assert_close(v, np.take_along_axis(x, order, -1))
    i64 = evaluate(lambda t: tf.nn.top_k(t, k, index_type=tf.int64).indices, x, fed=fed)
    assert_close(i64, order)


@pytest.mark.parametrize("dtype", FLOATS)
def test_sort_nan_and_infinities(dtype):
    x = np.array([[1.0, np.nan, 3.0, -np.inf, np.nan, 0.0, 3.0, np.inf, -0.0]], dtype)
    for direction in ("ASCENDING", "DESCENDING"):
        order = _np_order(x, -1, direction == "DESCENDING")
        got = evaluate(lambda t: tf.argsort(t, direction=direction), x)
        assert_close(got, order.astype(np.int32))
    v, i = evaluate(lambda t: tuple(tf.math.top_k(t, 4)), x)
    assert i.tolist() == [[1, 4, 7, 2]] and np.isnan(v[0, :2]).all()


def test_top_k_large_rows_and_parallel_shares():
    from fastgraph.compiler.plan import compile_plan
    rng = np.random.default_rng(13)
    x = rng.normal(size=(64, 3000)).astype(np.float32)
    x[:, ::7] = 0.5  # ties
    order = np.argsort(-x, axis=1, kind="stable")
    v, i = evaluate(lambda t: tuple(tf.math.top_k(t, 50)), x)
    assert_close(i, order[:, :50].astype(np.int32))
    assert_close(v, np.take_along_axis(x, order[:, :50], 1))
    s = evaluate(lambda t: tf.sort(t, axis=0, direction="DESCENDING"), x)
    assert_close(s, -np.sort(-x, axis=0))
    p = tf.placeholder(tf.float32, x.shape)
    out = tf.sort(p)
    plan = compile_plan([out], [], {p: (x.shape, p.dtype)}, threads=4)
    assert max(st.nparts for st in plan.steps) > 1


def test_top_k_k_from_a_constant_tensor_and_unknown_dims():
    p = tf.placeholder(tf.int32, [None, None])
    vals, idx = tf.math.top_k(p, tf.constant(2))
    assert vals.shape.as_list() == [None, 2] and idx.dtype == tf.int32
    with tf.Session() as sess:
        v, i = sess.run([vals, idx], {p: [[1, 5, 3], [9, 9, 0]]})
        assert v.tolist() == [[5, 3], [9, 9]] and i.tolist() == [[1, 2], [0, 1]]
        with pytest.raises(tf.errors.InvalidArgumentError, match="input must have last "
                                                                  "dimension >= k = 2 but is 1"):
            sess.run(vals, {p: [[1], [2]]})
    k = tf.placeholder(tf.int32, [])
    fed_k = tf.math.top_k(tf.constant([1, 2, 3]), k)
    assert fed_k.values.shape.as_list() == [None]
    with tf.Session() as sess:
        # A fed k is a value the plan is compiled for.
        np.testing.assert_array_equal(sess.run(fed_k.values, {k: 1}), [3])
        np.testing.assert_array_equal(sess.run(fed_k.values, {k: 2}), [3, 2])
        kf = tf.placeholder(tf.float32, [])
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match="must be known when the plan is compiled"):
            sess.run(tf.math.top_k(tf.constant([1, 2, 3]), tf.cast(kf, tf.int32)).values,
                     {kf: 1.0})


@pytest.mark.parametrize("case,exc,msg", [
    ("k_big", ValueError, "input must have last dimension >= k = 8 but is 7"),
    ("scalar", ValueError, "Shape must be at least rank 1 but is rank 0"),
    ("k_negative", ValueError, "Dimension size, given by scalar input 1, must be non-negative "
                               "but is -1"),
    ("bool", TypeError, "DataType bool not in list of allowed values"),
    ("index_type", TypeError, "Value passed to parameter 'index_type' has DataType float32"),
    ("direction", ValueError, "Argument `direction` should be one of ASCENDING, DESCENDING. "
                              "Received: direction=UP"),
    ("axis_tensor", ValueError, "`axis` must be a constant scalar."),
    ("axis_range", ValueError, "axis 2 is out of range for a tensor of rank 1"),
    ("sort_scalar", ValueError, "Shape must be at least rank 1 but is rank 0"),
    ("sort_bool", TypeError, "DataType bool not in list of allowed values"),
])
def test_sort_errors(case, exc, msg):
    x = tf.constant(np.arange(7, dtype=np.float32))
    calls = {
        "k_big": lambda: tf.math.top_k(x, 8),
        "scalar": lambda: tf.math.top_k(tf.constant(1.0), 1),
        "k_negative": lambda: tf.math.top_k(x, -1),
        "bool": lambda: tf.math.top_k(tf.constant([True, False]), 1),
        "index_type": lambda: tf.math.top_k(x, 1, index_type=tf.float32),
        "direction": lambda: tf.sort(x, direction="UP"),
        "axis_tensor": lambda: tf.sort(x, axis=tf.placeholder(tf.int32, [])),
        "axis_range": lambda: tf.sort(x, axis=2),
        "sort_scalar": lambda: tf.sort(tf.constant(1.0)),
        "sort_bool": lambda: tf.argsort(tf.constant([True, False])),
    }
    with pytest.raises(exc, match=msg.replace("(", r"\(").replace(")", r"\)")):
        calls[case]()


def test_sort_names_and_namespaces():
    x = tf.constant([3, 1, 2])
    assert tf.sort(x).op.name == "sort/Sort" and tf.argsort(x).op.name == "argsort/Sort"
    r = tf.math.top_k(x, 2, name="best")
    assert r.values.op.name == "best" and type(r).__name__ == "TopKV2"
    assert tf.nn.top_k is tf.math.top_k and v1.sort is tf.sort and v1.argsort is tf.argsort


# ==== extras: the no-nan products and quotients, xlogy, xdivy, casts ============

@pytest.mark.parametrize("dtype", FLOATS)
def test_no_nan_ops_xlogy_xdivy(dtype):
    x = np.array([0.0, 0.0, 1.0, np.nan, np.inf, -2.0, 3.0, 0.0], dtype)
    y = np.array([0.0, np.nan, 0.0, 0.0, 0.0, 4.0, -0.5, 2.0], dtype)
    with np.errstate(all="ignore"):
        want_div = np.where(y == 0, 0, x / y)
        want_mul = np.where(y == 0, 0, x * y)
        want_xlogy = np.where(x == 0, 0, x * np.log(y))
        want_xdivy = np.where(x == 0, 0, x / y)
    got = evaluate(lambda a, b: [tf.math.divide_no_nan(a, b), tf.math.multiply_no_nan(a, b),
                                 tf.math.xlogy(a, b), tf.math.xdivy(a, b)], x, y)
    for g, w in zip(got, [want_div, want_mul, want_xlogy, want_xdivy]):
        assert_close(g, w, dtype=dtype)


@pytest.mark.parametrize("dtype,out", [(np.int32, np.float64), (np.int64, np.float64),
                                       (np.int16, np.float32), (np.uint8, np.float32)])
def test_div_no_nan_on_ints_divides_in_floats(dtype, out):
    x = np.array([1, 4, 0, 7], dtype)
    y = np.array([0, 3, 0, 2], dtype)
    got = evaluate(lambda a, b: tf.div_no_nan(a, b), x, y)
    assert_close(got, np.array([0, 4 / 3, 0, 3.5]), dtype=out)


def test_zero_fraction_scalar_mul_and_casts():
    x = np.array([[0, 1, 0], [2, 0, 0]], np.int32)
    zf, zf_empty = evaluate(lambda t: [tf.math.zero_fraction(t),
                                       tf.nn.zero_fraction(tf.zeros([0]))], x)
    assert zf.dtype == np.float32 and zf == np.float32(4 / 6) and np.isnan(zf_empty)
    assert_close(evaluate(lambda t: tf.scalar_mul(3, t), x), 3 * x)
    with pytest.raises(ValueError, match="The input scalar must be a 0-D value"):
        tf.scalar_mul([1, 2], tf.constant(x))
    a, b, c, d = evaluate(lambda t: [tf.to_float(t), tf.to_double(t), tf.to_int32(tf.to_float(t)),
                                     tf.to_int64(t)], x)
    assert_close(a, x.astype(np.float32))
    assert_close(b, x.astype(np.float64))
    assert_close(c, x)
    assert_close(d, x.astype(np.int64))
    assert tf.to_float(tf.constant(x)).op.name.startswith("ToFloat")
    with pytest.raises(TypeError):
        tf.math.xlogy(tf.constant([1]), tf.constant([1]))
