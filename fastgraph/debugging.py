"""`tf.debugging`: checks on tensors' values (check_numerics)."""

from .api import namespace as _namespace

globals().update(_namespace("DEBUGGING"))
__all__ = sorted(_namespace("DEBUGGING"))
