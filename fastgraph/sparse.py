"""`tf.sparse`: SparseTensor and to_dense."""

from .api import namespace as _namespace

globals().update(_namespace("SPARSE"))
__all__ = sorted(_namespace("SPARSE"))
