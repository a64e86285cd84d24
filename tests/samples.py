"""Random input arrays for the op tests, by dtype: the same generator and
seed always give the same array, so a failure can be replayed.

pytest runs with `--import-mode=importlib`, so tests import this module
relatively (`from ..samples import random_array`), never as `samples`."""

import numpy as np


def random_array(shape, dtype, rng, *, scale=3.0, lo=-9, hi=9, p_true=0.5, nonzero=False):
    """An array of `dtype` drawn from the Generator `rng`: floats normal
    times `scale`; integers uniform in [lo, hi], narrowed to what the dtype
    holds; bools True with probability `p_true`. With `nonzero`, zeros
    become ones (divisors)."""
    dtype = np.dtype(dtype)
    if dtype.kind == "f":
        a = rng.normal(size=shape) * scale
    elif dtype.kind == "b":
        a = rng.random(size=shape) < p_true
    else:
        info = np.iinfo(dtype)
        a = rng.integers(max(info.min, lo), min(info.max, hi) + 1, size=shape)
    a = np.asarray(a).astype(dtype)
    if nonzero:
        a[a == 0] = 1
    return a


def wide_array(shape, dtype, seed=0):
    """An array of `dtype` seeded with `seed`: bools True half the time,
    every other dtype normal times 50, cast (so integers spread over about
    +-150 and wrap or saturate as the cast does). For layout ops, whose
    values only have to differ."""
    rng = np.random.default_rng(seed)
    if dtype == np.bool_:
        return rng.random(shape) < 0.5
    return (rng.normal(size=shape) * 50).astype(dtype)


def image_array(shape, dtype, seed=0):
    """An image of `dtype` seeded with `seed`: floats uniform in [0, 1),
    integers uniform over the dtype's whole range, bools True half the time."""
    rng = np.random.default_rng(seed)
    if np.dtype(dtype) == np.bool_:
        return rng.random(shape) > 0.5
    if np.dtype(dtype).kind == "f":
        return rng.random(shape).astype(dtype)
    info = np.iinfo(dtype)
    return rng.integers(info.min, info.max, shape, dtype=dtype, endpoint=True)


def tied_array(shape, dtype, rng):
    """An array with many equal values, for sorting and top_k: floats are
    mostly multiples of 0.5 in [-2, 2] (30% normal), narrow integers span
    their whole range, wide ones [-5, 5]."""
    dtype = np.dtype(dtype)
    if dtype.kind == "f":
        halves = rng.integers(-4, 5, size=shape) * 0.5
        return np.where(rng.random(size=shape) < 0.3, rng.normal(size=shape), halves
                        ).astype(dtype)
    info = np.iinfo(dtype)
    return rng.integers(info.min if info.bits <= 16 else -5, info.max if info.bits <= 16 else 5,
                        size=shape, endpoint=True).astype(dtype)
