"""`tf.nn`: neural network ops."""

from .ops.elementwise import sigmoid, tanh  # noqa: F401

__all__ = ["sigmoid", "tanh"]
