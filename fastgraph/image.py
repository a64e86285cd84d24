"""`tf.image`: image operations."""

from .api import namespace as _namespace

globals().update(_namespace("IMAGE"))
__all__ = sorted(_namespace("IMAGE"))
