"""tf.math's hyperbolic, inverse trigonometric and special functions and the
composites built from existing ops (polyval, cumulative_logsumexp,
reduce_euclidean_norm, reciprocal_no_nan, xlog1py) against TensorFlow:
values at float32 and float64, and gradients."""

import numpy as np
import pytest

from .parity import assert_same, run_both

tf = pytest.importorskip("tensorflow")

_RNG = np.random.default_rng(11)

# name -> (low, high) of the inputs: inside the function's domain.
_UNARY = {
    "sinh": (-3, 3), "cosh": (-3, 3), "asin": (-0.95, 0.95), "acos": (-0.95, 0.95),
    "asinh": (-4, 4), "acosh": (1.05, 5), "atanh": (-0.95, 0.95), "erfc": (-3, 3),
    "lgamma": (0.05, 8), "digamma": (0.05, 8), "rint": (-5, 5),
}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("fn", list(_UNARY))
def test_unary_values(fn, dtype):
    low, high = _UNARY[fn]
    x = _RNG.uniform(low, high, size=(4, 7)).astype(dtype)
    if fn == "rint":
        x[0, :4] = [0.5, 1.5, -2.5, 3.5]  # halves go to the even integer
    ours, theirs = run_both(lambda api, p: getattr(api.math, fn)(p[0]), [x])
    assert_same(ours, theirs, rtol=2e-6 if dtype == np.float32 else 1e-12,
                atol=2e-6 if dtype == np.float32 else 1e-12)


def test_special_values_at_the_edges():
    x = np.array([0.0, -1.0, -2.5, 1e-8, 0.5, 1.0, 30.0, np.inf, -np.inf, np.nan], np.float64)
    for fn in ("lgamma", "digamma"):
        ours, theirs = run_both(lambda api, p: getattr(api.math, fn)(p[0]), [x])
        assert_same(ours, theirs, rtol=1e-10, atol=1e-10)
    y = np.array([-1.5, 1.5, 2.0, -2.0, 0.0], np.float32)
    for fn in ("asin", "acos", "acosh", "atanh"):
        ours, theirs = run_both(lambda api, p: getattr(api.math, fn)(p[0]), [y])
        assert_same(ours, theirs)


@pytest.mark.parametrize("fn", [f for f in _UNARY if f != "rint"])
def test_unary_gradients(fn):
    low, high = _UNARY[fn]
    x = _RNG.uniform(low, high, size=(3, 5)).astype(np.float64)
    if fn == "digamma":
        x[0, :3] = [-0.5, -2.3, 12.5]  # the reflection and the series

    def build(api, p):
        v = p[0] * 1.0
        return api.gradients(api.reduce_sum(getattr(api.math, fn)(v) * 0.5), v)[0]
    ours, theirs = run_both(build, [x])
    assert_same(ours, theirs, rtol=1e-10, atol=1e-10)


def test_rint_has_no_gradient():
    def build(api, p):
        v = p[0] * 1.0
        g = api.gradients(api.reduce_sum(api.math.rint(v)), v)[0]
        return api.zeros([]) if g is None else g
    ours, theirs = run_both(build, [np.array([1.2, 2.7], np.float32)])
    assert_same(ours, theirs)


@pytest.mark.parametrize("coeffs", [[2.0, -1.0, 3.0], [5.0], []])
def test_polyval(coeffs):
    x = np.linspace(-2, 2, 7).astype(np.float32)
    ours, theirs = run_both(lambda api, p: api.math.polyval(coeffs, p[0]), [x])
    assert_same(ours, theirs)


@pytest.mark.parametrize("axis,exclusive,reverse", [(0, False, False), (1, False, False),
                                                    (1, True, False), (0, False, True),
                                                    (1, True, True)])
def test_cumulative_logsumexp(axis, exclusive, reverse):
    x = _RNG.normal(size=(4, 5)).astype(np.float32) * 30

    def build(api, p):
        v = p[0] * 1.0
        y = api.math.cumulative_logsumexp(v, axis=axis, exclusive=exclusive, reverse=reverse)
        return [y, api.gradients(api.reduce_sum(y * api.range(5.0)), v)[0]]
    # fastgraph's needs the axis's size at graph construction: static shapes.
    ours, theirs = run_both(build, [x], static=True)
    assert_same(ours, theirs, rtol=2e-5, atol=2e-5)


@pytest.mark.parametrize("axis,keepdims", [(None, False), (1, False), ([0, 1], True), (0, True)])
def test_reduce_euclidean_norm(axis, keepdims):
    x = _RNG.normal(size=(3, 4)).astype(np.float64)
    ours, theirs = run_both(
        lambda api, p: api.math.reduce_euclidean_norm(p[0], axis=axis, keepdims=keepdims), [x])
    assert_same(ours, theirs)


def test_reciprocal_no_nan_and_xlog1py():
    x = np.array([0.0, 2.0, -4.0, 0.0], np.float32)
    y = np.array([-1.0, 0.5, 3.0, np.nan], np.float32)
    ours, theirs = run_both(lambda api, p: [api.math.reciprocal_no_nan(p[0]),
                                            api.math.xlog1py(p[0], p[1])], [x, y])
    assert_same(ours, theirs)


@pytest.mark.parametrize("fn", ["unsorted_segment_mean", "unsorted_segment_sqrt_n"])
def test_unsorted_segment_mean_and_sqrt_n(fn):
    data = _RNG.normal(size=(6, 3)).astype(np.float32)
    ids = np.array([0, 2, 0, -1, 2, 2], np.int32)

    def build(api, p):
        v = p[0] * 1.0
        y = getattr(api.math, fn)(v, p[1], 4)
        return [y, api.gradients(api.reduce_sum(y * y), v)[0]]
    ours, theirs = run_both(build, [data, ids])
    assert_same(ours, theirs)
    assert getattr(tf.compat.v1, fn)


def test_invert_permutation():
    perm = np.array([3, 0, 4, 1, 2], np.int32)
    ours, theirs = run_both(lambda api, p: api.math.invert_permutation(p[0]), [perm],
                            static=True)
    assert_same(ours, theirs, exact=True)


def test_verify_tensor_all_finite():
    import fastgraph as fg
    for api in (fg, tf):
        with api.Graph().as_default():
            x = api.compat.v1.placeholder(api.float32, [None])
            y = api.compat.v1.verify_tensor_all_finite(x * 2.0, "bad x")
            z = api.debugging.assert_all_finite(x, message="bad")
            with api.compat.v1.Session() as sess:
                np.testing.assert_array_equal(sess.run(y, {x: [1.0]}), [2.0])
                with pytest.raises(api.errors.InvalidArgumentError, match="bad x : Tensor had NaN"):
                    sess.run(y, {x: [np.nan]})
                with pytest.raises(api.errors.InvalidArgumentError, match="bad : Tensor had Inf"):
                    sess.run(z, {x: [np.inf]})
        for name in ("is_finite", "is_inf", "is_nan"):
            assert getattr(api.compat.v1.debugging, name)
        api.compat.v1.debugging.set_log_device_placement(False)
        assert api.compat.v1.debugging.get_log_device_placement() is False
