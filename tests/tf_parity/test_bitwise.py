"""tf.bitwise against TensorFlow: every op at each integer type, with
broadcasting, shifts past the type's width at both ends, and the ops' lack
of a gradient; tf.math.atan2's values and gradients."""

import numpy as np
import pytest

from .parity import assert_same, run_both

tf = pytest.importorskip("tensorflow")

_RNG = np.random.default_rng(3)
_INTS = [np.uint8, np.int8, np.int16, np.int32, np.int64]


def _ints(dtype, shape):
    info = np.iinfo(dtype)
    return _RNG.integers(info.min, info.max, size=shape, endpoint=True).astype(dtype)


@pytest.mark.parametrize("dtype", _INTS)
@pytest.mark.parametrize("fn", ["bitwise_and", "bitwise_or", "bitwise_xor"])
def test_binary(fn, dtype):
    x, y = _ints(dtype, (3, 4)), _ints(dtype, (4,))
    ours, theirs = run_both(lambda api, p: getattr(api.bitwise, fn)(p[0], p[1]), [x, y])
    assert_same(ours, theirs)
    assert ours.dtype == theirs.dtype


@pytest.mark.parametrize("dtype", _INTS)
def test_invert(dtype):
    x = _ints(dtype, (2, 5))
    ours, theirs = run_both(lambda api, p: api.bitwise.invert(p[0]), [x])
    assert_same(ours, theirs)


@pytest.mark.parametrize("dtype", _INTS)
@pytest.mark.parametrize("fn", ["left_shift", "right_shift"])
def test_shifts_inside_and_past_the_width(fn, dtype):
    bits = 8 * np.dtype(dtype).itemsize
    x = _ints(dtype, (2, 6))
    shifts = [0, 1, bits - 1, bits, bits + 3, 100 if bits > 8 else 120]
    if np.dtype(dtype).kind == "i":
        shifts[-1] = -1
    y = np.array(shifts, dtype)
    ours, theirs = run_both(lambda api, p: getattr(api.bitwise, fn)(p[0], p[1]), [x, y])
    assert_same(ours, theirs)


def test_no_gradient():
    def build(api, p):
        x = api.cast(p[0], api.int32)
        g = api.gradients(api.cast(api.bitwise.bitwise_and(x, 3), api.float32), p[0])[0]
        return api.zeros([]) if g is None else g
    ours, theirs = run_both(build, [np.array([1.0, 2.0], np.float32)])
    assert_same(ours, theirs)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_atan2_values(dtype):
    y = _RNG.normal(size=(3, 4)).astype(dtype)
    x = _RNG.normal(size=(4,)).astype(dtype)
    edges = np.array([0.0, -0.0, 1.0, -1.0, np.inf, -np.inf, np.nan], dtype)
    ours, theirs = run_both(lambda api, p: [api.math.atan2(p[0], p[1]), api.atan2(p[2], p[3])],
                            [y, x, edges[:, None] * np.ones(7, dtype), edges])
    assert_same(ours, theirs)


def test_atan2_gradients():
    y = _RNG.normal(size=(3, 4))
    x = _RNG.normal(size=(4,))

    def build(api, p):
        a, b = p[0] * 1.0, p[1] * 1.0
        return api.gradients(api.reduce_sum(api.math.atan2(a, b) ** 2), [a, b])
    ours, theirs = run_both(build, [y, x])
    assert_same(ours, theirs, rtol=1e-10, atol=1e-10)
