"""Bitwise ops on integers (tf.bitwise): and, or, xor, invert and the
shifts, with broadcasting, as TF's BitwiseAnd, BitwiseOr, BitwiseXor,
Invert, LeftShift and RightShift.

The shifts clamp the shift to [0, bits - 1] as TF's CPU kernels do; the
right shift of a signed integer is arithmetic. None has a gradient.
"""

import numpy as np

from ..framework.dtype_sets import INTS
from ..framework.op_registry import NotDifferentiable
from . import samples
from .elementwise import _binary, _binary_def, _unary, _unary_def

__all__ = []
BITWISE = ["bitwise_and", "bitwise_or", "bitwise_xor", "invert", "left_shift", "right_shift"]


def _shift_of(x, y):
    bits = 8 * x.dtype.itemsize
    return np.clip(y.astype(np.int64), 0, bits - 1)


def _left_shift(x, y):
    x, y = np.broadcast_arrays(x, y)
    return (x.astype(np.uint64) << _shift_of(x, y).astype(np.uint64)).astype(x.dtype)


def _right_shift(x, y):
    x, y = np.broadcast_arrays(x, y)
    return x >> _shift_of(x, y).astype(x.dtype)


def _shift_samples(dtype):
    """Shifts inside the type's width, and past it at both ends (clamped)."""
    bits = 8 * np.dtype(dtype.np_dtype).itemsize
    for (x, y), attrs in samples.binary(dtype):
        yield [x, (np.abs(y.astype(np.int64)) % bits).astype(y.dtype)], attrs
    low = -1 if np.dtype(dtype.np_dtype).kind == "i" else 0
    yield [samples.values(dtype, (4,), 3),
           np.array([low, bits - 1, bits if bits < 128 else 0, 1], dtype.np_dtype)], {}


_AND = _binary_def("BitwiseAnd", "bitwise_and", INTS, np.bitwise_and)
_OR = _binary_def("BitwiseOr", "bitwise_or", INTS, np.bitwise_or)
_XOR = _binary_def("BitwiseXor", "bitwise_xor", INTS, np.bitwise_xor)
_LSHIFT = _binary_def("LeftShift", "left_shift", INTS, _left_shift, sampler=_shift_samples)
_RSHIFT = _binary_def("RightShift", "right_shift", INTS, _right_shift, sampler=_shift_samples)
_INVERT = _unary_def("Invert", "invert", INTS, np.invert)
for _type in (_AND, _OR, _XOR, _LSHIFT, _RSHIFT, _INVERT):
    NotDifferentiable(_type)


def bitwise_and(x, y, name=None):
    """Elementwise computes the bitwise AND of `x` and `y`."""
    return _binary(_AND, x, y, name)


def bitwise_or(x, y, name=None):
    """Elementwise computes the bitwise OR of `x` and `y`."""
    return _binary(_OR, x, y, name)


def bitwise_xor(x, y, name=None):
    """Elementwise computes the bitwise XOR of `x` and `y`."""
    return _binary(_XOR, x, y, name)


def invert(x, name=None):
    """Invert (flip) each bit of supported types; for example, type `uint8`
    value 01010101 becomes 10101010."""
    return _unary(_INVERT, x, name)


def left_shift(x, y, name=None):
    """Elementwise computes the bitwise left-shift of `x` and `y`; a shift
    outside [0, bits) is clamped to it."""
    return _binary(_LSHIFT, x, y, name)


def right_shift(x, y, name=None):
    """Elementwise computes the bitwise right-shift of `x` and `y`
    (arithmetic for signed types); a shift outside [0, bits) is clamped."""
    return _binary(_RSHIFT, x, y, name)
