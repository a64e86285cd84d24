"""tf.linalg's functions built from existing ops (TF's linalg_ops): eye, and
the tf.linalg alias of l2_normalize.

The sizes decide the output's shape, so they must be known when the plan
is compiled, as every shape in fastgraph.
"""

import numbers

from ..framework import dtypes
from ..framework.graph import Tensor
from ..ops.arguments import scope_of
from ..ops.array_ops import broadcast_to, concat, expand_dims, shape as _shape
from ..ops.elementwise import cast, equal
from ..ops.indexing_ops import range as _range
from ..ops.reduction_ops import l2_normalize

__all__ = ["eye"]
LINALG = ["eye", "l2_normalize"]


def eye(num_rows, num_columns=None, batch_shape=None, dtype=dtypes.float32, name=None):
    """Construct an identity matrix, or a batch of matrices.

    ```python
    # Construct one identity matrix.
    tf.eye(2)
    ==> [[1., 0.],
         [0., 1.]]

    # Construct a batch of 3 identity matrices, each 2 x 2.
    # batch_identity[i, :, :] is a 2 x 2 identity matrix, i = 0, 1, 2.
    batch_identity = tf.eye(2, batch_shape=[3])

    # Construct one 2 x 3 "identity" matrix
    tf.eye(2, num_columns=3)
    ==> [[ 1.,  0.,  0.],
         [ 0.,  1.,  0.]]
    ```

    Args:
      num_rows: Non-negative `int32` scalar `Tensor` giving the number of rows
        in each batch matrix.
      num_columns: Optional non-negative `int32` scalar `Tensor` giving the number
        of columns in each batch matrix.  Defaults to `num_rows`.
      batch_shape:  A list or tuple of Python integers or a 1-D `int32` `Tensor`.
        If provided, the returned `Tensor` will have leading batch dimensions of
        this shape.
      dtype:  The type of an element in the resulting `Tensor`
      name:  A name for this `Op`.  Defaults to "eye".

    Returns:
      A `Tensor` of shape `batch_shape + [num_rows, num_columns]`
    """
    graph, scope = scope_of([num_rows, num_columns, batch_shape], name, "eye")
    with graph.as_default(), scope:
        num_columns = num_rows if num_columns is None else num_columns
        if not isinstance(num_rows, Tensor) and not isinstance(num_columns, Tensor):
            if not isinstance(num_rows, numbers.Integral) or \
                    not isinstance(num_columns, numbers.Integral):
                raise TypeError("Arguments `num_rows` and `num_columns` must be positive "
                                f"integer values. Received: num_rows={num_rows}, "
                                f"num_columns={num_columns}")
        rows = _range(0, num_rows, 1, dtype=dtypes.int32)
        cols = _range(0, num_columns, 1, dtype=dtypes.int32)
        matrix = cast(equal(expand_dims(rows, 1), cols), dtype)
        if batch_shape is None:
            return matrix
        if isinstance(batch_shape, Tensor):
            full = concat([cast(batch_shape, dtypes.int32), _shape(matrix)], 0)
        else:
            full = list(batch_shape) + matrix.shape.as_list()
        return broadcast_to(matrix, full)
