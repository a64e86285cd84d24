"""The op library: one module per family, each registering its ops."""

from . import array_ops, elementwise, image_ops, state_ops  # noqa: F401 - registration
