"""`tf.random`: random number ops."""

from types import SimpleNamespace as _SimpleNamespace

from .api import namespace as _namespace

globals().update(_namespace("RANDOM"))
experimental = _SimpleNamespace(**_namespace("RANDOM_EXPERIMENTAL"))
"""`tf.random.experimental`: stateless_fold_in, stateless_split."""
__all__ = sorted(_namespace("RANDOM")) + ["experimental"]
