"""`tf.lookup`: lookup tables (StaticHashTable, StaticVocabularyTable,
their initializers, and tf.lookup.experimental.MutableHashTable)."""

from types import SimpleNamespace as _Namespace

from .api.lookup_ops import LOOKUP as _LOOKUP
from .api.lookup_ops import MutableHashTable as _MutableHashTable

globals().update(_LOOKUP)
experimental = _Namespace(MutableHashTable=_MutableHashTable)
"""`tf.lookup.experimental`: MutableHashTable."""

__all__ = sorted(_LOOKUP) + ["experimental"]
