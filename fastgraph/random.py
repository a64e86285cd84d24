"""`tf.random`: random number ops."""

from .api import namespace as _namespace

globals().update(_namespace("RANDOM"))
__all__ = sorted(_namespace("RANDOM"))
