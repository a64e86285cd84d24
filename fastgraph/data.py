"""`tf.data` (and `tf.compat.v1.data`): input pipelines in graph mode.

`Dataset` describes a pipeline; its elements are read through TF1's
iterators (`make_one_shot_iterator`, `make_initializable_iterator`,
`Iterator.from_structure`), whose `get_next()` tensors a session runs.
"""

from types import SimpleNamespace as _Namespace

from .api.dataset_ops import AUTOTUNE, INFINITE, UNKNOWN
from .api.dataset_ops import DatasetV2 as Dataset
from .api.dataset_readers import TextLineDataset, TFRecordDataset
from .api.iterator_ops import (
    Iterator, get_output_classes, get_output_shapes, get_output_types,
    make_initializable_iterator, make_one_shot_iterator,
)

DatasetV1 = Dataset
DatasetV2 = Dataset
INFINITE_CARDINALITY = INFINITE
UNKNOWN_CARDINALITY = UNKNOWN

experimental = _Namespace(AUTOTUNE=AUTOTUNE, INFINITE_CARDINALITY=INFINITE,
                          UNKNOWN_CARDINALITY=UNKNOWN)
"""`tf.data.experimental`: the AUTOTUNE and cardinality constants."""

__all__ = ["Dataset", "DatasetV1", "DatasetV2", "TextLineDataset", "TFRecordDataset",
           "Iterator", "AUTOTUNE", "INFINITE_CARDINALITY", "UNKNOWN_CARDINALITY", "experimental",
           "make_one_shot_iterator", "make_initializable_iterator", "get_output_shapes",
           "get_output_types", "get_output_classes"]
