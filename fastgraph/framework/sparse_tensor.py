"""SparseTensor: a sparse tensor as three dense tensors (indices, values,
dense_shape), and SparseTensorValue, what a session gives for one."""

import collections

import numpy as np

from . import dtypes
from .constant_op import convert_to_tensor
from .session_stack import get_default_session
from .static_values import constant_value
from .tensor_shape import TensorShape

__all__ = ["SparseTensor", "SparseTensorValue"]


class SparseTensorValue(collections.namedtuple("SparseTensorValue",
                                               ["indices", "values", "dense_shape"])):
    """Represents the value of a `SparseTensor`: NumPy arrays of its
    indices, values and dense shape."""

    __slots__ = ()


class SparseTensor:
    """Represents a sparse tensor.

    TensorFlow represents a sparse tensor as three separate dense tensors:
    `indices` (int64 [N, ndims], the coordinates of the non-zero values),
    `values` ([N], the value at each index) and `dense_shape` (int64
    [ndims], the shape of the dense tensor). Fetching one from a session
    gives a `SparseTensorValue`.
    """

    def __init__(self, indices, values, dense_shape):
        self._indices = convert_to_tensor(indices, dtype=dtypes.int64, name="indices")
        self._values = convert_to_tensor(values, name="values")
        self._dense_shape = convert_to_tensor(dense_shape, dtype=dtypes.int64,
                                              name="dense_shape")

    @property
    def indices(self):
        """The indices of non-zero values in the represented dense tensor."""
        return self._indices

    @property
    def values(self):
        """The non-zero values in the represented dense tensor."""
        return self._values

    @property
    def dense_shape(self):
        """A 1-D Tensor of int64 representing the shape of the dense tensor."""
        return self._dense_shape

    @property
    def dtype(self):
        """The `DType` of elements in this tensor."""
        return self._values.dtype

    @property
    def graph(self):
        """The `Graph` that contains the index, value, and dense_shape tensors."""
        return self._indices.graph

    @property
    def op(self):
        """The `Operation` that produces `values` as an output."""
        return self._values.op

    @property
    def shape(self):
        """The static shape of the dense tensor (known where dense_shape is)."""
        value = constant_value(self._dense_shape)
        if value is not None:
            return TensorShape([int(d) for d in np.asarray(value).reshape(-1)])
        rank = self._dense_shape.shape[0] if self._dense_shape.shape.rank else None
        return TensorShape(None if rank is None else [None] * int(rank))

    def get_shape(self):
        """The static shape of the dense tensor (`shape`)."""
        return self.shape

    def eval(self, feed_dict=None, session=None):
        """The SparseTensorValue of this tensor in `session` (default: the
        default session)."""
        session = session or get_default_session()
        return session.run(self, feed_dict)

    def _fetch_components(self):
        return [self._indices, self._values, self._dense_shape]

    @staticmethod
    def _fetch_value(values):
        return SparseTensorValue(*values)

    def __repr__(self):
        return (f"SparseTensor(indices={self._indices!r}, values={self._values!r}, "
                f"dense_shape={self._dense_shape!r})")
