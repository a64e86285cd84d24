"""`tf.nn`: neural network ops."""

from .api import namespace as _namespace

globals().update(_namespace("NN"))
__all__ = sorted(_namespace("NN"))
