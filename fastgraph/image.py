"""`tf.image`: image operations."""

from .ops.image_ops import ResizeMethod, resize  # noqa: F401

__all__ = ["ResizeMethod", "resize"]
