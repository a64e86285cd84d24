"""`tf.compat.v1.losses`: TF1's losses (see fastgraph/api/losses.py)."""

from .api import namespace as _namespace

globals().update(_namespace("LOSSES"))
__all__ = sorted(_namespace("LOSSES"))
