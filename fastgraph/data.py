"""`tf.data` (and `tf.compat.v1.data`): input pipelines in graph mode.

`Dataset` describes a pipeline; its elements are read through TF1's
iterators (`make_one_shot_iterator`, `make_initializable_iterator`,
`Iterator.from_structure`), whose `get_next()` tensors a session runs.
"""

from types import SimpleNamespace as _Namespace

from .api.dataset_ops import AUTOTUNE, INFINITE, UNKNOWN, Options
from .api.dataset_ops import DatasetV2 as Dataset
from .api import dataset_grouping as _grouping
from .api.data_structure import flatten as _flatten, pack_sequence_as as _pack_sequence_as
from .api.dataset_makers import make_csv_dataset as _make_csv_dataset
from .api.dataset_readers import (
    CsvDataset as _CsvDataset, FixedLengthRecordDataset, SqlDataset as _SqlDataset,
    TextLineDataset, TFRecordDataset,
)
from .framework.tensor_spec import TensorSpec as _TensorSpec
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


class _Policy:
    """A choice among named values (TF's enum of the option): `NAME.value`."""

    def __init__(self, name, value):
        self.name, self.value = name, value

    def __repr__(self):
        return f"<{self.name}: {self.value}>"


def _enum(title, names):
    return _Namespace(__doc__=title, **{n: _Policy(n, v) for v, n in names})


def _options_group(name, doc):
    """An options class of tf.data (kept as set: fastgraph's pipelines take
    no tuning from them)."""
    return type(name, (Options,), {"__doc__": doc})


def _enable_debug_mode():
    """Runs tf.data functions eagerly and in order: fastgraph's pipelines
    already run each element in order on the calling thread's session."""


def _get_structure(dataset_or_iterator):
    """The type specification of an element of a Dataset or Iterator."""
    return dataset_or_iterator.element_spec


def _prefetch_to_device(device, buffer_size=None):
    """A transformation that prefetches dataset values to `device` (the CPU
    here: a plain prefetch)."""
    return lambda ds: ds.prefetch(1 if buffer_size is None else buffer_size)


def _copy_to_device(target_device, source_device="/cpu:0"):
    """A transformation that copies dataset elements to `target_device`
    (the CPU here: the elements pass unchanged)."""
    return lambda ds: ds


def _from_list(elements, name=None):
    """Creates a `Dataset` comprising the given list of elements."""
    if not elements:
        raise ValueError("Invalid `elements`. `elements` should not be empty.")
    flat = [_flatten(e) for e in elements]
    cols = [[row[i] for row in flat] for i in range(len(flat[0]))]
    return Dataset.from_tensor_slices(_pack_sequence_as(elements[0], cols))


experimental = _Namespace(
    AUTOTUNE=AUTOTUNE, INFINITE_CARDINALITY=INFINITE, UNKNOWN_CARDINALITY=UNKNOWN,
    SHARD_HINT=-1,
    cardinality=_cardinality, shuffle_and_repeat=_shuffle_and_repeat,
    map_and_batch=_map_and_batch, map_and_batch_with_legacy_function=_map_and_batch,
    parallel_interleave=_parallel_interleave,
    unbatch=lambda: (lambda ds: ds.unbatch()),
    take_while=_grouping.take_while, scan=_grouping.scan, unique=_grouping.unique,
    ignore_errors=_grouping.ignore_errors, assert_cardinality=_grouping.assert_cardinality,
    group_by_window=_grouping.group_by_window, group_by_reducer=_grouping.group_by_reducer,
    Reducer=_grouping.Reducer, bucket_by_sequence_length=_grouping.bucket_by_sequence_length,
    choose_from_datasets=_grouping.choose_from_datasets,
    sample_from_datasets=_grouping.sample_from_datasets, Counter=_grouping.Counter,
    RandomDataset=_grouping.RandomDataset, get_single_element=_grouping.get_single_element,
    enumerate_dataset=_grouping.enumerate_dataset, CsvDataset=_CsvDataset,
    SqlDataset=_SqlDataset, make_csv_dataset=_make_csv_dataset,
    enable_debug_mode=_enable_debug_mode, get_structure=_get_structure,
    prefetch_to_device=_prefetch_to_device, copy_to_device=_copy_to_device,
    from_list=_from_list,
    TensorStructure=_TensorSpec, Structure=_TensorSpec,
    AutoShardPolicy=_enum("Represents the type of auto-sharding to use.",
                          [(-1, "OFF"), (0, "AUTO"), (1, "FILE"), (2, "DATA"), (3, "HINT")]),
    ExternalStatePolicy=_enum("Represents how to handle external state during serialization.",
                              [(0, "WARN"), (1, "IGNORE"), (2, "FAIL")]),
    AutotuneAlgorithm=_enum("Represents the type of autotuning algorithm to use.",
                            [(0, "DEFAULT"), (1, "HILL_CLIMB"), (2, "GRADIENT_DESCENT"),
                             (3, "MAX_PARALLELISM"), (4, "STAGE_BASED")]),
    AutotuneOptions=_options_group("AutotuneOptions", "Represents options for autotuning "
                                                      "dataset performance."),
    DistributeOptions=_options_group("DistributeOptions", "Represents options for "
                                                          "distributed data processing."),
    OptimizationOptions=_options_group("OptimizationOptions", "Represents options for "
                                                              "dataset optimizations."),
    ThreadingOptions=_options_group("ThreadingOptions", "Represents options for dataset "
                                                        "threading."),
)
"""`tf.data.experimental`: the AUTOTUNE and cardinality constants, the
transformations for `Dataset.apply`, CSV and SQL readers, and the option
classes."""

__all__ = ["Dataset", "DatasetV1", "DatasetV2", "TextLineDataset", "TFRecordDataset",
           "FixedLengthRecordDataset", "Options",
           "Iterator", "AUTOTUNE", "INFINITE_CARDINALITY", "UNKNOWN_CARDINALITY", "experimental",
           "make_one_shot_iterator", "make_initializable_iterator", "get_output_shapes",
           "get_output_types", "get_output_classes"]
