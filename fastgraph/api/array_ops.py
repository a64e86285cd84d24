"""Array functions built from existing ops as TensorFlow builds them (TF's
array_ops): sequence_mask.

`maxlen` decides the output's shape, so it must be known when the plan is
compiled, as every shape in fastgraph.
"""

from ..framework import dtypes
from ..ops.arguments import scope_of, tensor_or_constant, to_tensor
from ..ops.array_ops import expand_dims
from ..ops.elementwise import cast, less, maximum
from ..ops.indexing_ops import range as _range
from ..ops.indexing_ops import scatter_nd
from ..ops.reduction_ops import reduce_max

__all__ = ["sequence_mask", "invert_permutation"]
MATH = ["invert_permutation"]


def sequence_mask(lengths, maxlen=None, dtype=dtypes.bool, name=None):
    """Returns a mask tensor representing the first N positions of each cell.

    If `lengths` has shape `[d_1, d_2, ..., d_n]` the resulting tensor `mask` has
    dtype `dtype` and shape `[d_1, d_2, ..., d_n, maxlen]`, with

    ```
    mask[i_1, i_2, ..., i_n, j] = (j < lengths[i_1, i_2, ..., i_n])
    ```

    Args:
      lengths: integer tensor, all its values <= maxlen.
      maxlen: scalar integer tensor, size of last dimension of returned tensor.
        Default is the maximum value in `lengths` (then `lengths` must be known
        when the plan is compiled, as `maxlen` decides the output's shape).
      dtype: output type of the resulting tensor.
      name: name of the op.

    Returns:
      A mask tensor of shape `lengths.shape + (maxlen,)`, cast to specified dtype.
    Raises:
      ValueError: if `maxlen` is not a scalar.
    """
    graph, scope = scope_of([lengths, maxlen], name, "SequenceMask")
    with graph.as_default(), scope:
        lengths = tensor_or_constant(graph, lengths)
        if maxlen is None:
            maxlen = reduce_max(lengths, list(range(lengths.shape.rank))
                                if lengths.shape.rank is not None else None)
            maxlen = maximum(to_tensor(graph, 0, dtype=maxlen.dtype), maxlen)
        else:
            maxlen = tensor_or_constant(graph, maxlen)
        if maxlen.shape.rank is not None and maxlen.shape.rank != 0:
            raise ValueError("Argument `maxlen` must be scalar for sequence_mask, received "
                             f"`maxlen` = {maxlen} with shape '{maxlen.shape}' instead")
        row_vector = _range(0, maxlen, 1, dtype=maxlen.dtype)
        matrix = cast(expand_dims(lengths, -1), maxlen.dtype)
        result = less(row_vector, matrix)
        if dtype is None or dtypes.as_dtype(dtype) == dtypes.bool:
            return result
        return cast(result, dtype)


def invert_permutation(x, name=None):
    """Computes the inverse permutation of a tensor: `y[x[i]] = i` for a
    1-D int32 or int64 permutation `x` (its length known at graph
    construction); built as a ScatterNd of the positions."""
    graph, scope = scope_of([x], name, "InvertPermutation")
    with scope:
        x = to_tensor(graph, x, name="x")
        if x.dtype not in (dtypes.int32, dtypes.int64):
            raise TypeError(f"Value passed to parameter 'x' has DataType {x.dtype.name} not in "
                            "list of allowed values: int32, int64")
        dims = x.shape.as_tuple()
        if dims is None or len(dims) != 1:
            raise ValueError("Shape must be rank 1 but is rank "
                             f"{'unknown' if dims is None else len(dims)}")
        if dims[0] is None:
            raise NotImplementedError("invert_permutation needs the length of x at graph "
                                      "construction")
        n = dims[0]
        return scatter_nd(expand_dims(x, 1), _range(n, dtype=x.dtype), [n])
