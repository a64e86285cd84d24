"""`tf.math`: elementwise math, comparisons, logic and reductions."""

from .ops import namespace as _namespace

globals().update(_namespace("MATH"))
__all__ = sorted(_namespace("MATH"))
