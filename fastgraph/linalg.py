"""`tf.linalg`: matrix products."""

from .api import namespace as _namespace

globals().update(_namespace("LINALG"))
__all__ = sorted(_namespace("LINALG"))
