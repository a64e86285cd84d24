"""tf.nn's loss scaling for distributed training (TF's nn_impl_distribute):
compute_average_loss and scale_regularization_loss. fastgraph runs one
replica, so the number of replicas in sync is 1."""

from ..framework import dtypes
from ..ops.arguments import graph_of, tensor_or_constant, to_tensor
from ..ops.array_ops import expand_dims, shape as _shape, squeeze
from ..ops.elementwise import cast, multiply, realdiv
from ..ops.reduction_ops import reduce_sum
from .check_ops import assert_integer, assert_non_negative, assert_scalar
from .math_ops import add_n, div_no_nan

__all__ = []
NN = ["compute_average_loss", "scale_regularization_loss"]

_NUM_REPLICAS = 1  # replicas in sync outside any distribution strategy


def _scale_losses_by_sample_weight(losses, sample_weight):
    """TF's losses_util.scale_losses_by_sample_weight: both as float32, the
    weights' last dim squeezed or added when their ranks differ by one."""
    losses = cast(losses, dtypes.float32)
    sample_weight = cast(sample_weight, dtypes.float32)
    l_rank, w_rank = losses.shape.rank, sample_weight.shape.rank
    if w_rank not in (0, None) and l_rank is not None:
        if w_rank - l_rank == 1:
            sample_weight = squeeze(sample_weight, [-1])
        elif l_rank - w_rank == 1:
            sample_weight = expand_dims(sample_weight, -1)
    return multiply(losses, sample_weight)


def compute_average_loss(per_example_loss, sample_weight=None, global_batch_size=None):
    """Scales per-example losses with sample_weights and computes their average.

    Args:
      per_example_loss: Per-example loss.
      sample_weight: Optional weighting for each example.
      global_batch_size: Optional global batch size value. Defaults to (size of
        first dimension of `losses`) * (number of replicas).

    Returns:
      Scalar loss value, obtained by summing the `per_example_loss` and dividing
      by `global_batch_size`. If `global_batch_size` is zero, the result is zero.
    """
    graph = graph_of([per_example_loss, sample_weight, global_batch_size])
    with graph.as_default():
        per_example_loss = tensor_or_constant(graph, per_example_loss)
        input_dtype = per_example_loss.dtype
        if per_example_loss.shape.rank == 0:
            raise ValueError("Invalid value passed for `per_example_loss`. Expected a tensor "
                             f"with at least rank 1. Received per_example_loss="
                             f"{per_example_loss} with rank 0")
        if sample_weight is not None:
            sample_weight = tensor_or_constant(graph, sample_weight)
            per_example_loss = _scale_losses_by_sample_weight(per_example_loss, sample_weight)
        per_example_loss = cast(per_example_loss, input_dtype)
        if global_batch_size is None:
            global_batch_size = multiply(_shape(per_example_loss)[0], _NUM_REPLICAS)
        global_batch_size = tensor_or_constant(graph, global_batch_size)
        assert_scalar(global_batch_size, message="global_batch_size must be scalar.")
        assert_integer(global_batch_size, message="global_batch_size must be an integer.")
        assert_non_negative(global_batch_size,
                            message="global_batch_size must be non-negative.")
        loss = reduce_sum(per_example_loss)
        return div_no_nan(loss, cast(global_batch_size, input_dtype))


def scale_regularization_loss(regularization_loss):
    """Scales the sum of the given regularization losses by number of replicas.

    Args:
      regularization_loss: Regularization loss (a tensor or a list of them).

    Returns:
      Scalar loss value.
    """
    if isinstance(regularization_loss, (list, tuple)):
        regularization_loss = add_n(list(regularization_loss))
    graph = graph_of([regularization_loss])
    with graph.as_default():
        loss = reduce_sum(tensor_or_constant(graph, regularization_loss))
        return realdiv(loss, to_tensor(graph, _NUM_REPLICAS, dtype=loss.dtype))
