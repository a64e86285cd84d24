"""`tf.keras.regularizers`: L1, L2, L1L2 and their functional forms (see
fastgraph/api/regularizers.py)."""

from ..api import namespace as _namespace

globals().update(_namespace("REGULARIZERS"))
__all__ = sorted(_namespace("REGULARIZERS"))
