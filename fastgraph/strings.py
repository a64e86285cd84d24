"""`tf.strings`: operations on string tensors (TF2's signatures; TF1's are
`tf.compat.v1.strings`)."""

from .api.string_ops import STRINGS as _STRINGS

globals().update(_STRINGS)
__all__ = sorted(_STRINGS)
