"""`tf.compat.v1.metrics`: TF1's metrics (see fastgraph/api/metrics.py)."""

from .api import namespace as _namespace

globals().update(_namespace("METRICS"))
__all__ = sorted(_namespace("METRICS"))
