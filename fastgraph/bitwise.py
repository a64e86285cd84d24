"""`tf.bitwise`: bitwise and, or, xor, invert and shifts of integers."""

from .api import namespace as _namespace

globals().update(_namespace("BITWISE"))
__all__ = sorted(_namespace("BITWISE"))
