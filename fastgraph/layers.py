"""`tf.compat.v1.layers`: TF1's layers and their functional forms."""

from .api import namespace as _namespace

globals().update(_namespace("LAYERS"))
__all__ = sorted(_namespace("LAYERS"))
