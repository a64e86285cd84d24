"""`tf.SparseTensor` and `tf.compat.v1.SparseTensorValue`: a sparse tensor
as three dense tensors (indices, values, dense_shape), as TF represents it.
A session fetching a SparseTensor gives a SparseTensorValue of the three
values (`_fetch_components`, read by fetches.py)."""

import collections

import numpy as np

from . import dtypes
from .constant_op import convert_to_tensor
from .graph import Tensor
from .session_stack import get_default_session
from .static_values import constant_value
from .tensor_shape import TensorShape

__all__ = ["SparseTensor", "SparseTensorValue"]

SparseTensorValue = collections.namedtuple("SparseTensorValue",
                                           ["indices", "values", "dense_shape"])
SparseTensorValue.__doc__ = "SparseTensorValue(indices, values, dense_shape)"


class SparseTensor:
    """Represents a sparse tensor.

    TensorFlow represents a sparse tensor as three separate dense tensors:
    `indices` (int64 [N, ndims], the coordinates of the non-zero values),
    `values` ([N], the values at those coordinates) and `dense_shape`
    (int64 [ndims], the shape of the dense tensor).
    """

    def __init__(self, indices, values, dense_shape):
        self._indices = _as_tensor(indices, dtypes.int64)
        self._values = values if isinstance(values, Tensor) else convert_to_tensor(values)
        self._dense_shape = _as_tensor(dense_shape, dtypes.int64)
        if self._indices.shape.ndims not in (None, 2):
            raise ValueError(f"Shape {self._indices.shape} must have rank 2")
        if self._values.shape.ndims not in (None, 1):
            raise ValueError(f"Shape {self._values.shape} must have rank 1")
        if self._dense_shape.shape.ndims not in (None, 1):
            raise ValueError(f"Shape {self._dense_shape.shape} must have rank 1")

    @classmethod
    def from_value(cls, sparse_tensor_value):
        """A SparseTensor of the constants of a SparseTensorValue."""
        return cls(np.asarray(sparse_tensor_value.indices, np.int64),
                   sparse_tensor_value.values,
                   np.asarray(sparse_tensor_value.dense_shape, np.int64))

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
    def op(self):
        """The `Operation` that produces `values` as an output."""
        return self._values.op

    @property
    def graph(self):
        """The `Graph` that contains the index, value, and dense_shape tensors."""
        return self._indices.graph

    @property
    def shape(self):
        """The static shape of the dense tensor (its rank when known)."""
        n = self._dense_shape.shape
        if n.ndims is None or n.as_list()[0] is None:
            return TensorShape(None)
        known = constant_value(self._dense_shape)
        if known is not None:
            return TensorShape([int(d) for d in np.asarray(known).reshape(-1)])
        return TensorShape([None] * n.as_list()[0])

    def get_shape(self):
        """The static shape of the dense tensor."""
        return self.shape

    def eval(self, feed_dict=None, session=None):
        """The SparseTensorValue of this tensor in `session` (or the default)."""
        session = session or get_default_session()
        return session.run(self, feed_dict)

    def _fetch_components(self):
        return SparseTensorValue, [self._indices, self._values, self._dense_shape]

    def __repr__(self):
        return (f"SparseTensor(indices={self._indices}, values={self._values}, "
                f"dense_shape={self._dense_shape})")


def _as_tensor(value, dtype):
    if isinstance(value, Tensor):
        return value
    return convert_to_tensor(np.asarray(value, dtype=np.int64), dtype=dtype)
