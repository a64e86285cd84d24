"""`tf.io`: files (`tf.io.gfile`, read_file, ...), TFRecord files, parsing
`tf.train.Example`s and image codecs."""

from types import SimpleNamespace as _Namespace

from .api import gfile as _gfile
from .api import namespace as _namespace
from .api.graph_io import write_graph
from .api.tf_record_writer import (
    TFRecordCompressionType, TFRecordOptions, TFRecordWriter, tf_record_iterator,
)

gfile = _Namespace(**{n: getattr(_gfile, n) for n in _gfile.__all__ if n != "V1_NAMES"})
"""`tf.io.gfile`: the local file system with TF's names and errors."""

globals().update(_namespace("IO"))
__all__ = ["gfile", "write_graph", "TFRecordOptions", "TFRecordWriter", "TFRecordCompressionType",
           "tf_record_iterator"] + sorted(_namespace("IO"))
