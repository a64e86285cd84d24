"""`tf.math`: elementwise math, comparisons, logic and reductions."""

from .api import namespace as _namespace

globals().update(_namespace("MATH"))
__all__ = sorted(_namespace("MATH"))
