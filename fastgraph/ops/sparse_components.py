"""The three arrays of a SparseTensor as the sparse ops' kernels receive
them (indices [N, rank], values [N], dense_shape [rank]), their checks with
TF's messages, and what the sparse families share: the host function of an
op computed by its NumPy reference, the static shapes of components, and
the conversion of a `SparseTensor` argument (or a SparseTensorValue)."""

import numpy as np

from ..framework import errors
from ..framework.sparse_tensor import SparseTensor, SparseTensorValue
from ..framework.tensor_shape import debug_string as shape_text

__all__ = []


def invalid(message):
    """TF's InvalidArgumentError of a sparse kernel."""
    return errors.InvalidArgumentError(None, None, message)


def host_of(reference):
    """The host function of an op computed by its `reference`."""
    def host(ctx, op, values):
        return reference(values, op.attrs)
    return host


def check_components(indices, values, shape, what="Input"):
    """Raises TF's InvalidArgumentError unless the arrays are a matrix, a
    vector of its rows' length and a vector of its columns' length."""
    if indices.ndim != 2:
        raise invalid(f"{what} indices should be a matrix but received shape "
                      f"{shape_text(indices.shape)}")
    if values.ndim != 1:
        raise invalid(f"{what} values should be a vector but received shape "
                      f"{shape_text(values.shape)}")
    if shape.ndim != 1:
        raise invalid(f"{what} shape should be a vector but received shape "
                      f"{shape_text(shape.shape)}")
    if indices.shape[0] != values.shape[0]:
        raise invalid(f"Number of elements in indices ({indices.shape[0]}) and values "
                      f"({values.shape[0]}) do not match")
    if indices.shape[1] != shape.shape[0]:
        raise invalid(f"Number of dimensions in indices ({indices.shape[1]}) and shape "
                      f"({shape.shape[0]}) do not match")


def lex_order(indices):
    """The stable permutation that sorts the rows of `indices` in row-major
    (lexicographic) order."""
    if indices.shape[0] == 0 or indices.shape[1] == 0:
        return np.arange(indices.shape[0])
    return np.lexsort(indices.T[::-1])


def row_keys(indices, shape):
    """Each row of `indices` as one integer: its position in the dense
    tensor of `shape`, row-major (indices must lie inside `shape`)."""
    strides = np.ones(len(shape), np.int64)
    for d in range(len(shape) - 2, -1, -1):
        strides[d] = strides[d + 1] * max(int(shape[d + 1]), 1)
    return indices.astype(np.int64) @ strides if len(shape) else np.zeros(len(indices), np.int64)


def rows_of(ctx, index, n=None):
    """The static shape of a components matrix [N, rank]: N from input
    `index`'s first dim (or `n`), rank from it or None."""
    s = ctx.shapes[index]
    rows = (s[0] if s is not None else None) if n is None else n
    cols = s[1] if s is not None and len(s) == 2 else None
    return rows, cols


def dim0(ctx, index):
    """The first dim of input `index`, or None."""
    s = ctx.shapes[index]
    return s[0] if s is not None and len(s) >= 1 else None


def as_sparse(value, name="sp_input"):
    """`value` as a SparseTensor (a SparseTensorValue becomes constants);
    TypeError otherwise, as TF's."""
    if isinstance(value, SparseTensor):
        return value
    if isinstance(value, SparseTensorValue):
        return SparseTensor.from_value(value)
    raise TypeError(f"Input must be a SparseTensor.")
