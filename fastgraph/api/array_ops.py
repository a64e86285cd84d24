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
from ..ops.reduction_ops import reduce_max

__all__ = ["sequence_mask"]


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
