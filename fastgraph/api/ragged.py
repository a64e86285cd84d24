"""A minimal `tf.RaggedTensor` (one ragged dimension: flat values and row
splits), what string splitting and decoding give, and `RaggedTensorValue`,
what a session gives for one."""

import numpy as np

from ..framework import dtypes
from ..framework.constant_op import constant, convert_to_tensor
from ..framework.graph import Tensor
from ..framework.tensor_shape import TensorShape
from ..ops.arguments import graph_of, make_op
from ..ops import array_ops
from ..ops.array_ops import concat
from ..ops.elementwise import cast, maximum, subtract
from ..ops.reduction_ops import cumsum, reduce_max

__all__ = ["RaggedTensor", "RaggedTensorValue"]


class _OneRaggedDimension:
    """The parts of a ragged value with one ragged dimension, the same for
    a RaggedTensor (graph tensors) and its RaggedTensorValue (arrays)."""

    __slots__ = ()

    def __init__(self, values, row_splits):
        self._values = values
        self._row_splits = row_splits

    @property
    def values(self):
        """The concatenated rows for this ragged tensor."""
        return self._values

    @property
    def flat_values(self):
        """The innermost values tensor (one ragged dimension: `values`)."""
        return self._values

    @property
    def row_splits(self):
        """The row-split indices for this ragged tensor's values."""
        return self._row_splits

    @property
    def nested_row_splits(self):
        """A tuple containing the row_splits of each ragged dimension."""
        return (self._row_splits,)

    @property
    def ragged_rank(self):
        """The number of times the RaggedTensor's flat_values is partitioned (1)."""
        return 1

    @property
    def dtype(self):
        """The dtype of the values."""
        return self._values.dtype


class RaggedTensorValue(_OneRaggedDimension):
    """Represents the value of a `RaggedTensor`: its flat values and row
    splits as NumPy arrays."""

    _fields = ("values", "row_splits")  # fetches.py builds one from its parts, in this order

    @property
    def shape(self):
        """(nrows, None, inner dims...)."""
        return (len(self._row_splits) - 1, None) + tuple(self._values.shape[1:])

    def to_list(self):
        """The rows as nested Python lists."""
        v = self._values
        return [v[s:e].tolist() for s, e in zip(self._row_splits[:-1], self._row_splits[1:])]

    def __repr__(self):
        return f"tf.RaggedTensorValue(values={self._values!r}, row_splits={self._row_splits!r})"


class RaggedTensor(_OneRaggedDimension):
    """Represents a ragged tensor: a tensor whose rows have different
    lengths, as the concatenated `values` of its rows and the `row_splits`
    saying where each row starts (row i is values[row_splits[i]:row_splits[i+1]]).

    fastgraph's has one ragged dimension, enough for what tf.strings'
    splitting and decoding give. Fetching one gives a `RaggedTensorValue`.
    """

    @classmethod
    def from_row_splits(cls, values, row_splits, name=None, validate=True):
        """Creates a RaggedTensor with rows partitioned by `row_splits`."""
        del name, validate
        values = convert_to_tensor(values)
        row_splits = convert_to_tensor(row_splits, dtype_hint=dtypes.int64)
        return cls(values, row_splits)

    @classmethod
    def from_value_rowids(cls, values, value_rowids, nrows=None, name=None, validate=True):
        """Creates a RaggedTensor with rows partitioned by `value_rowids`
        (the row of each value, sorted), of `nrows` rows (by default one
        more than the last row id)."""
        del name, validate
        values = convert_to_tensor(values)
        rowids = convert_to_tensor(value_rowids, dtype_hint=dtypes.int64)
        graph = graph_of([values, rowids])
        with graph.as_default(), graph.name_scope("RaggedFromValueRowIds"):
            ids32 = cast(rowids, dtypes.int32)
            if nrows is None:
                nrows = maximum(reduce_max(ids32) + 1, 0)
            n32 = cast(convert_to_tensor(nrows), dtypes.int32)
            lengths = make_op(graph, "Bincount", [ids32, n32, constant([], dtypes.int64)],
                              name="bincount").outputs[0]
            splits = concat([constant([0], dtypes.int64), cumsum(lengths)], 0)
        return cls(values, splits)

    @property
    def graph(self):
        """The graph of the tensors of this RaggedTensor."""
        return self._values.graph

    @property
    def shape(self):
        """The statically known shape: [nrows, None, inner dims...]."""
        splits = self._row_splits.shape
        nrows = None if splits.rank is None or splits[0] is None else int(splits[0]) - 1
        inner = self._values.shape
        rest = [] if inner.rank is None else inner.as_list()[1:]
        return TensorShape([nrows, None] + rest)

    def get_shape(self):
        """The statically known shape (`shape`)."""
        return self.shape

    def row_lengths(self, axis=1, name=None):
        """The length of each row of this ragged tensor."""
        del axis, name
        return subtract(self._row_splits[1:], self._row_splits[:-1])

    def nrows(self, out_type=dtypes.int64, name=None):
        """The number of rows of this ragged tensor."""
        del name
        return array_ops.shape(self._row_splits, out_type=out_type)[0] - 1

    def with_values(self, new_values):
        """A copy of this RaggedTensor with its values replaced by `new_values`."""
        return RaggedTensor(convert_to_tensor(new_values), self._row_splits)

    with_flat_values = with_values

    def to_tensor(self, default_value=None, name=None, shape=None):
        """Converts this RaggedTensor into a dense tf.Tensor: rows padded
        with `default_value` (zero, or "" for strings) to the longest row,
        or to `shape` (None dims: the natural size)."""
        graph = self.graph
        with graph.as_default(), graph.name_scope(name or "RaggedToTensor"):
            if default_value is None:
                default_value = b"" if self.dtype == dtypes.string else np.zeros(
                    (), self.dtype.np_dtype)
            default = convert_to_tensor(default_value, dtype=self.dtype)
            if shape is None:
                shape_t = constant(-1, self._row_splits.dtype)
            elif isinstance(shape, Tensor):
                shape_t = shape
            else:
                dims = TensorShape(shape).as_list()
                shape_t = constant([-1 if d is None else d for d in dims],
                                   self._row_splits.dtype)
            out = make_op(graph, "RaggedTensorToTensor",
                          [shape_t, self._values, default, self._row_splits],
                          {"row_partition_types": ["ROW_SPLITS"]},
                          name="RaggedTensorToTensor").outputs[0]
        return out

    def to_list(self):
        """Raises, as TF's does in graph mode: run the RaggedTensor and use
        `RaggedTensorValue.to_list()`."""
        raise ValueError("RaggedTensor.to_list() is only supported in eager mode; in graph "
                         "mode, evaluate the RaggedTensor first and then use "
                         "RaggedTensorValue.to_list().")

    def _fetch_components(self):
        return RaggedTensorValue, [self._values, self._row_splits]

    def __getitem__(self, key):
        if isinstance(key, int):
            start = self._row_splits[key]
            end = self._row_splits[key + 1]
            return array_ops.slice(self._values, [start], [end - start])
        raise NotImplementedError("fastgraph's RaggedTensor indexes single rows only")

    def __repr__(self):
        return f"tf.RaggedTensor(values={self._values!r}, row_splits={self._row_splits!r})"
