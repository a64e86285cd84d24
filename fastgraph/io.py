"""`tf.io`: file system access (`tf.io.gfile`)."""

from types import SimpleNamespace as _Namespace

from .api import gfile as _gfile
from .api.graph_io import write_graph

gfile = _Namespace(**{n: getattr(_gfile, n) for n in _gfile.__all__ if n != "V1_NAMES"})
"""`tf.io.gfile`: the local file system with TF's names and errors."""

__all__ = ["gfile", "write_graph"]
