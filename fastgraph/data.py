"""`tf.data` (and `tf.compat.v1.data`): input pipelines in graph mode.

`Dataset` describes a pipeline; its elements are read through TF1's
iterators (`make_one_shot_iterator`, `make_initializable_iterator`,
`Iterator.from_structure`), whose `get_next()` tensors a session runs.
"""

from types import SimpleNamespace as _Namespace

from .api.dataset_ops import AUTOTUNE, INFINITE, UNKNOWN, Options
from .api.dataset_ops import DatasetV2 as Dataset
from .api.dataset_readers import FixedLengthRecordDataset, TextLineDataset, TFRecordDataset
from .api.iterator_ops import (
    Iterator, get_output_classes, get_output_shapes, get_output_types,
    make_initializable_iterator, make_one_shot_iterator,
)

DatasetV1 = Dataset
DatasetV2 = Dataset
INFINITE_CARDINALITY = INFINITE
UNKNOWN_CARDINALITY = UNKNOWN



def _cardinality(dataset):
    """The cardinality of `dataset` (a scalar tf.int64 tensor)."""
    return dataset.cardinality()


def _shuffle_and_repeat(buffer_size, count=None, seed=None):
    """Shuffles and repeats a Dataset, reshuffling with each repetition."""
    return lambda ds: ds.shuffle(buffer_size, seed=seed).repeat(count)


def _map_and_batch(map_func, batch_size, num_parallel_batches=None, drop_remainder=False,
                   num_parallel_calls=None):
    """Fused implementation of `map` and `batch`."""
    return lambda ds: ds.map(map_func, num_parallel_calls=num_parallel_calls).batch(
        batch_size, drop_remainder=drop_remainder)


def _parallel_interleave(map_func, cycle_length, block_length=1, sloppy=False,
                         buffer_output_elements=None, prefetch_input_elements=None):
    """A parallel version of the `Dataset.interleave()` transformation (in
    its deterministic order)."""
    return lambda ds: ds.interleave(map_func, cycle_length, block_length)


experimental = _Namespace(
    AUTOTUNE=AUTOTUNE, INFINITE_CARDINALITY=INFINITE, UNKNOWN_CARDINALITY=UNKNOWN,
    cardinality=_cardinality, shuffle_and_repeat=_shuffle_and_repeat,
    map_and_batch=_map_and_batch, parallel_interleave=_parallel_interleave,
    unbatch=lambda: (lambda ds: ds.unbatch()))
"""`tf.data.experimental`: the AUTOTUNE and cardinality constants and the
TF1-era transformations for `Dataset.apply`."""

__all__ = ["Dataset", "DatasetV1", "DatasetV2", "TextLineDataset", "TFRecordDataset",
           "FixedLengthRecordDataset", "Options",
           "Iterator", "AUTOTUNE", "INFINITE_CARDINALITY", "UNKNOWN_CARDINALITY", "experimental",
           "make_one_shot_iterator", "make_initializable_iterator", "get_output_shapes",
           "get_output_types", "get_output_classes"]
