"""`tf.compat.v1.losses`: TF1's loss functions, each a weighted per-element
loss reduced as `reduction` says and added to a loss collection, plus the
functions that read those collections back (`get_total_loss`, ...).

Built as TF's losses_impl builds them: the inputs cast to float32, the
per-element losses multiplied by `weights` (broadcast), the sum divided by
what `reduction` names (div_no_nan, so an empty or all-zero-weighted batch
gives 0), and the result cast back to the input's dtype.
"""

from ..framework import dtypes
from ..framework.constant_op import constant
from ..framework.graph import GraphKeys, get_default_graph
from ..ops.arguments import graph_of, to_tensor
from ..ops.array_ops import shape as _shape, squeeze, stop_gradient
from ..ops.elementwise import (
    abs as _abs, add, cast, equal, greater, log, maximum, minimum, multiply, realdiv, square,
    squared_difference, subtract,
)
from ..ops.indexing_ops import ones_like, range as _range, rank as _rank, size, where, zeros_like
from ..ops.nn_ops import relu, softmax_cross_entropy_with_logits, \
    sparse_softmax_cross_entropy_with_logits
from ..ops.reduction_ops import reduce_sum
from .math_ops import add_n, div_no_nan
from .nn_impl import sigmoid_cross_entropy_with_logits

__all__ = []
LOSSES = ["Reduction", "absolute_difference", "add_loss", "compute_weighted_loss",
          "cosine_distance", "get_losses", "get_regularization_loss",
          "get_regularization_losses", "get_total_loss", "hinge_loss", "huber_loss", "log_loss",
          "mean_pairwise_squared_error", "mean_squared_error", "sigmoid_cross_entropy",
          "softmax_cross_entropy", "sparse_softmax_cross_entropy"]


class Reduction:
    """Types of loss reduction.

    Contains the following values:

    * `NONE`: Un-reduced weighted losses with the same shape as input.
    * `SUM`: Scalar sum of weighted losses.
    * `MEAN`: Scalar `SUM` divided by sum of weights. DEPRECATED.
    * `SUM_OVER_BATCH_SIZE`: Scalar `SUM` divided by number of elements in losses.
    * `SUM_OVER_NONZERO_WEIGHTS`: Scalar `SUM` divided by number of non-zero
       weights. DEPRECATED.
    * `SUM_BY_NONZERO_WEIGHTS`: Same as `SUM_OVER_NONZERO_WEIGHTS`. DEPRECATED.
    """

    NONE = "none"
    SUM = "weighted_sum"
    SUM_OVER_BATCH_SIZE = "weighted_sum_over_batch_size"
    MEAN = "weighted_mean"
    SUM_BY_NONZERO_WEIGHTS = "weighted_sum_by_nonzero_weights"
    SUM_OVER_NONZERO_WEIGHTS = SUM_BY_NONZERO_WEIGHTS

    @classmethod
    def all(cls):
        """The valid reduction keys."""
        return (cls.NONE, cls.SUM, cls.MEAN, cls.SUM_OVER_BATCH_SIZE,
                cls.SUM_OVER_NONZERO_WEIGHTS, cls.SUM_BY_NONZERO_WEIGHTS)

    @classmethod
    def validate(cls, key):
        """Raises ValueError unless `key` is one of `all()`."""
        if key not in cls.all():
            raise ValueError(f"Invalid Reduction Key {key}. Key should be one of {cls.all()}.")


# ---- the loss collections ------------------------------------------------------


def add_loss(loss, loss_collection=GraphKeys.LOSSES):
    """Adds a externally defined loss to the collection of losses.

    Args:
      loss: A loss `Tensor`.
      loss_collection: Optional collection to add the loss to.
    """
    if loss_collection:
        graph = graph_of([loss])
        graph.add_to_collection(loss_collection, loss)


def get_losses(scope=None, loss_collection=GraphKeys.LOSSES):
    """Gets the list of losses from the loss_collection.

    Args:
      scope: An optional scope name for filtering the losses to return.
      loss_collection: Optional losses collection.

    Returns:
      a list of loss tensors.
    """
    return get_default_graph().get_collection(loss_collection, scope)


def get_regularization_losses(scope=None):
    """Gets the list of regularization losses.

    Args:
      scope: An optional scope name for filtering the losses to return.

    Returns:
      A list of regularization losses as Tensors.
    """
    return get_default_graph().get_collection(GraphKeys.REGULARIZATION_LOSSES, scope)


def get_regularization_loss(scope=None, name="total_regularization_loss"):
    """Gets the total regularization loss.

    Args:
      scope: An optional scope name for filtering the losses to return.
      name: The name of the returned tensor.

    Returns:
      A scalar regularization loss (0.0 when there are none).
    """
    losses = get_regularization_losses(scope)
    if losses:
        return add_n(losses, name=name)
    return constant(0.0)


def get_total_loss(add_regularization_losses=True, name="total_loss", scope=None):
    """Returns a tensor whose value represents the total loss.

    In particular, this adds any losses you have added with `tf.add_loss()` to
    any regularization losses that have been added by regularization parameters
    on layers constructors e.g. `tf.layers`. Be very sure to use this if you
    are constructing a loss_op manually. Otherwise regularization arguments
    on `tf.layers` methods will not function.

    Args:
      add_regularization_losses: A boolean indicating whether or not to use the
        regularization losses in the sum.
      name: The name of the returned tensor.
      scope: An optional scope name for filtering the losses to return. Note that
        this filters the losses added with `tf.add_loss()` as well as the
        regularization losses to that scope.

    Returns:
      A `Tensor` whose value represents the total loss.

    Raises:
      ValueError: if `losses` is not iterable.
    """
    losses = get_losses(scope=scope)
    if add_regularization_losses:
        losses += get_regularization_losses(scope=scope)
    return add_n(losses, name=name)


# ---- weighting and reduction -------------------------------------------------------


def _check_broadcastable(weights, values):
    """TF's assert_broadcastable, for the shapes known when the graph is built:
    weights of rank 0, or of values' rank with each dim 1 or values' dim."""
    w, v = weights.shape, values.shape
    if w.rank is None or v.rank is None or w.rank == 0:
        return
    if w.rank != v.rank:
        raise ValueError(f"weights can not be broadcast to values. values.rank={v.rank}. "
                         f"weights.rank={w.rank}. values.shape={v}. weights.shape={w}.")
    for wd, vd in zip(w.as_tuple(), v.as_tuple()):
        if wd is not None and vd is not None and wd not in (1, vd):
            raise ValueError(f"weights can not be broadcast to values. values.shape={v}. "
                             f"weights.shape={w}.")


def _num_elements(losses):
    graph = losses.graph
    with graph.name_scope("num_elements") as scope:
        return cast(size(losses, name=scope), losses.dtype)


def _num_present(losses, weights, per_batch=False):
    """The number of elements of `losses` whose (broadcast) weight is not 0;
    per batch entry (keeping dims) if `per_batch`."""
    graph = losses.graph
    with graph.name_scope("num_present") as scope:
        weights = cast(weights, dtypes.float32)
        present = where(equal(weights, 0.0), zeros_like(weights), ones_like(weights))
        present = multiply(present, ones_like(losses))
        if per_batch:
            return reduce_sum(present, _range(1, _rank(present)), keepdims=True, name=scope)
        return reduce_sum(present, name=scope)


def compute_weighted_loss(losses, weights=1.0, scope=None, loss_collection=GraphKeys.LOSSES,
                          reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Computes the weighted loss.

    Args:
      losses: `Tensor` of shape `[batch_size, d1, ... dN]`.
      weights: Optional `Tensor` whose rank is either 0, or the same rank as
        `losses`, and must be broadcastable to `losses` (i.e., all dimensions must
        be either `1`, or the same as the corresponding `losses` dimension).
      scope: the scope for the operations performed in computing the loss.
      loss_collection: the loss will be added to these collections.
      reduction: Type of reduction to apply to loss.

    Returns:
      Weighted loss `Tensor` of the same type as `losses`. If `reduction` is
      `NONE`, this has the same shape as `losses`; otherwise, it is scalar.

    Raises:
      ValueError: If `weights` is `None` or the shape is not compatible with
        `losses`, or if the number of dimensions (rank) of either `losses` or
        `weights` is missing.
    """
    Reduction.validate(reduction)
    graph = graph_of([losses, weights])
    with graph.as_default(), graph.name_scope(scope or "weighted_loss"):
        losses = to_tensor(graph, losses)
        input_dtype = losses.dtype
        losses = cast(losses, dtypes.float32)
        weights = cast(to_tensor(graph, weights), dtypes.float32)
        _check_broadcastable(weights, losses)
        weighted_losses = multiply(losses, weights)
        if reduction == Reduction.NONE:
            loss = weighted_losses
        else:
            loss = reduce_sum(weighted_losses)
            if reduction == Reduction.MEAN:
                loss = div_no_nan(loss, reduce_sum(multiply(ones_like(losses), weights)),
                                  name="value")
            elif reduction == Reduction.SUM_BY_NONZERO_WEIGHTS:
                loss = div_no_nan(loss, _num_present(losses, weights), name="value")
            elif reduction == Reduction.SUM_OVER_BATCH_SIZE:
                loss = div_no_nan(loss, _num_elements(losses), name="value")
        loss = cast(loss, input_dtype)
        add_loss(loss, loss_collection)
        return loss


# ---- the losses --------------------------------------------------------------------


def _float_pair(graph, labels, predictions, what="predictions"):
    if labels is None:
        raise ValueError("Argument `labels` must not be None.")
    if predictions is None:
        raise ValueError(f"Argument `{what}` must not be None.")
    predictions = cast(to_tensor(graph, predictions), dtypes.float32)
    labels = cast(to_tensor(graph, labels), dtypes.float32)
    predictions.shape.assert_is_compatible_with(labels.shape)
    return labels, predictions


def _pointwise_loss(default_name, fn, labels, predictions, weights, scope, loss_collection,
                    reduction, what="predictions"):
    """compute_weighted_loss of fn(labels, predictions) (both float32) in
    the name scope `scope` (else `default_name`)."""
    if labels is None:
        raise ValueError("Argument `labels` must not be None.")
    if predictions is None:
        raise ValueError(f"Argument `{what}` must not be None.")
    graph = graph_of([predictions, labels, weights])
    with graph.as_default(), graph.name_scope(scope or default_name) as scope_name:
        labels, predictions = _float_pair(graph, labels, predictions, what)
        losses = fn(labels, predictions)
        return compute_weighted_loss(losses, weights, scope_name, loss_collection,
                                     reduction=reduction)


def absolute_difference(labels, predictions, weights=1.0, scope=None,
                        loss_collection=GraphKeys.LOSSES,
                        reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Adds an Absolute Difference loss to the training procedure.

    `weights` acts as a coefficient for the loss. If a scalar is provided, then
    the loss is simply scaled by the given value. If `weights` is a `Tensor` of
    shape `[batch_size]`, then the total loss for each sample of the batch is
    rescaled by the corresponding element in the `weights` vector. If the shape
    of `weights` matches the shape of `predictions`, then the loss of each
    measurable element of `predictions` is scaled by the corresponding value of
    `weights`.

    Args:
      labels: The ground truth output tensor, same dimensions as 'predictions'.
      predictions: The predicted outputs.
      weights: Optional `Tensor` whose rank is either 0, or the same rank as
        `labels`, and must be broadcastable to `labels` (i.e., all dimensions must
        be either `1`, or the same as the corresponding `losses` dimension).
      scope: The scope for the operations performed in computing the loss.
      loss_collection: collection to which this loss will be added.
      reduction: Type of reduction to apply to loss.

    Returns:
      Weighted loss float `Tensor`. If `reduction` is `NONE`, this has the same
      shape as `labels`; otherwise, it is scalar.

    Raises:
      ValueError: If the shape of `predictions` doesn't match that of
        `labels` or if the shape of `weights` is invalid or if `labels`
        or `predictions` is None.
    """
    return _pointwise_loss("absolute_difference", lambda y, p: _abs(subtract(p, y)), labels,
                           predictions, weights, scope, loss_collection, reduction)


def cosine_distance(labels, predictions, axis=None, weights=1.0, scope=None,
                    loss_collection=GraphKeys.LOSSES,
                    reduction=Reduction.SUM_BY_NONZERO_WEIGHTS, dim=None):
    """Adds a cosine-distance loss to the training procedure.

    Note that the function assumes that `predictions` and `labels` are already
    unit-normalized.

    Args:
      labels: `Tensor` whose shape matches 'predictions'
      predictions: An arbitrary matrix.
      axis: The dimension along which the cosine distance is computed.
      weights: Optional `Tensor` whose rank is either 0, or the same rank as
        `labels`, and must be broadcastable to `labels` (i.e., all dimensions must
        be either `1`, or the same as the corresponding `losses` dimension).
      scope: The scope for the operations performed in computing the loss.
      loss_collection: collection to which this loss will be added.
      reduction: Type of reduction to apply to loss.
      dim: The old (deprecated) name for `axis`.

    Returns:
      Weighted loss float `Tensor`. If `reduction` is `NONE`, this has the same
      shape as `labels`; otherwise, it is scalar.

    Raises:
      ValueError: If `predictions` shape doesn't match `labels` shape, or
        `axis`, `labels`, `predictions` or `weights` is `None`.
    """
    if axis is None and dim is not None:
        axis = dim
    if axis is None:
        raise ValueError("You must specify argument `axis`.")
    return _pointwise_loss(
        "cosine_distance_loss",
        lambda y, p: subtract(1.0, reduce_sum(multiply(p, y), axis=(axis,), keepdims=True)),
        labels, predictions, weights, scope, loss_collection, reduction)


def hinge_loss(labels, logits, weights=1.0, scope=None, loss_collection=GraphKeys.LOSSES,
               reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Adds a hinge loss to the training procedure.

    Args:
      labels: The ground truth output tensor. Its shape should match the shape of
        logits. The values of the tensor are expected to be 0.0 or 1.0. Internally
        the {0,1} labels are converted to {-1,1} when calculating the hinge loss.
      logits: The logits, a float tensor. Note that logits are assumed to be
        unbounded and 0-centered. A value > 0 (resp. < 0) is considered a positive
        (resp. negative) binary prediction.
      weights: Optional `Tensor` whose rank is either 0, or the same rank as
        `labels`, and must be broadcastable to `labels` (i.e., all dimensions must
        be either `1`, or the same as the corresponding `losses` dimension).
      scope: The scope for the operations performed in computing the loss.
      loss_collection: collection to which the loss will be added.
      reduction: Type of reduction to apply to loss.

    Returns:
      Weighted loss float `Tensor`. If `reduction` is `NONE`, this has the same
      shape as `labels`; otherwise, it is scalar.

    Raises:
      ValueError: If the shapes of `logits` and `labels` don't match or
        if `labels` or `logits` is None.
    """
    def losses(y, x):
        all_ones = ones_like(y)
        signed = subtract(multiply(2.0, y), all_ones)
        return relu(subtract(all_ones, multiply(signed, x)))
    return _pointwise_loss("hinge_loss", losses, labels, logits, weights, scope,
                           loss_collection, reduction, what="logits")


def huber_loss(labels, predictions, weights=1.0, delta=1.0, scope=None,
               loss_collection=GraphKeys.LOSSES, reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Adds a [Huber Loss](https://en.wikipedia.org/wiki/Huber_loss) term to the training procedure.

    For each value x in `error=labels-predictions`, the following is calculated:

    ```
      0.5 * x^2                  if |x| <= d
      0.5 * d^2 + d * (|x| - d)  if |x| > d
    ```

    where d is `delta`.

    Args:
      labels: The ground truth output tensor, same dimensions as 'predictions'.
      predictions: The predicted outputs.
      weights: Optional `Tensor` whose rank is either 0, or the same rank as
        `labels`, and must be broadcastable to `labels` (i.e., all dimensions must
        be either `1`, or the same as the corresponding `losses` dimension).
      delta: `float`, the point where the huber loss function changes from a
        quadratic to linear.
      scope: The scope for the operations performed in computing the loss.
      loss_collection: collection to which the loss will be added.
      reduction: Type of reduction to apply to loss.

    Returns:
      Weighted loss float `Tensor`. If `reduction` is `NONE`, this has the same
      shape as `labels`; otherwise, it is scalar.

    Raises:
      ValueError: If the shape of `predictions` doesn't match that of `labels` or
        if the shape of `weights` is invalid.  Also if `labels` or
       `predictions` is None.
    """
    def losses(y, p):
        abs_error = _abs(subtract(p, y))
        quadratic = minimum(abs_error, delta)
        linear = subtract(abs_error, quadratic)
        return add(multiply(0.5, multiply(quadratic, quadratic)), multiply(delta, linear))
    return _pointwise_loss("huber_loss", losses, labels, predictions, weights, scope,
                           loss_collection, reduction)


def log_loss(labels, predictions, weights=1.0, epsilon=1e-7, scope=None,
             loss_collection=GraphKeys.LOSSES, reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Adds a Log Loss term to the training procedure.

    The loss is `-labels * log(predictions + epsilon) - (1 - labels) *
    log(1 - predictions + epsilon)` per element.

    Args:
      labels: The ground truth output tensor, same dimensions as 'predictions'.
      predictions: The predicted outputs.
      weights: Optional `Tensor` whose rank is either 0, or the same rank as
        `labels`, and must be broadcastable to `labels` (i.e., all dimensions must
        be either `1`, or the same as the corresponding `losses` dimension).
      epsilon: A small increment to add to avoid taking a log of zero.
      scope: The scope for the operations performed in computing the loss.
      loss_collection: collection to which the loss will be added.
      reduction: Type of reduction to apply to loss.

    Returns:
      Weighted loss float `Tensor`. If `reduction` is `NONE`, this has the same
      shape as `labels`; otherwise, it is scalar.

    Raises:
      ValueError: If the shape of `predictions` doesn't match that of `labels` or
        if the shape of `weights` is invalid.  Also if `labels` or `predictions`
        is None.
    """
    def losses(y, p):
        pos = multiply(y, log(add(p, epsilon)))
        neg = multiply(subtract(1.0, y), log(add(subtract(1.0, p), epsilon)))
        return subtract(multiply(-1.0, pos), neg)
    return _pointwise_loss("log_loss", losses, labels, predictions, weights, scope,
                           loss_collection, reduction)


def mean_squared_error(labels, predictions, weights=1.0, scope=None,
                       loss_collection=GraphKeys.LOSSES,
                       reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Adds a Sum-of-Squares loss to the training procedure.

    Args:
      labels: The ground truth output tensor, same dimensions as 'predictions'.
      predictions: The predicted outputs.
      weights: Optional `Tensor` whose rank is either 0, or the same rank as
        `labels`, and must be broadcastable to `labels` (i.e., all dimensions must
        be either `1`, or the same as the corresponding `losses` dimension).
      scope: The scope for the operations performed in computing the loss.
      loss_collection: collection to which the loss will be added.
      reduction: Type of reduction to apply to loss.

    Returns:
      Weighted loss float `Tensor`. If `reduction` is `NONE`, this has the same
      shape as `labels`; otherwise, it is scalar.

    Raises:
      ValueError: If the shape of `predictions` doesn't match that of `labels` or
        if the shape of `weights` is invalid.  Also if `labels` or `predictions`
        is None.
    """
    return _pointwise_loss("mean_squared_error", lambda y, p: squared_difference(p, y), labels,
                           predictions, weights, scope, loss_collection, reduction)


def mean_pairwise_squared_error(labels, predictions, weights=1.0, scope=None,
                                loss_collection=GraphKeys.LOSSES):
    """Adds a pairwise-errors-squared loss to the training procedure.

    Unlike `mean_squared_error`, which is a measure of the differences between
    corresponding elements of `predictions` and `labels`,
    `mean_pairwise_squared_error` is a measure of the differences between pairs of
    corresponding elements of `predictions` and `labels`.

    For example, if `labels`=[a, b, c] and `predictions`=[x, y, z], there are
    three pairs of differences are summed to compute the loss:
      loss = [ ((a-b) - (x-y)).^2 + ((a-c) - (x-z)).^2 + ((b-c) - (y-z)).^2 ] / 3

    Note that since the inputs are of shape `[batch_size, d0, ... dN]`, the
    corresponding pairs are computed within each batch sample but not across
    samples within a batch. For example, if `predictions` represents a batch of
    16 grayscale images of dimension [batch_size, 100, 200], then the set of pairs
    is drawn from each image, but not across images.

    `weights` acts as a coefficient for the loss. If a scalar is provided, then
    the loss is simply scaled by the given value. If `weights` is a tensor of size
    `[batch_size]`, then the total loss for each sample of the batch is rescaled
    by the corresponding element in the `weights` vector.

    Args:
      labels: The ground truth output tensor, whose shape must match the shape of
        `predictions`.
      predictions: The predicted outputs, a tensor of size
        `[batch_size, d0, .. dN]` where N+1 is the total number of dimensions in
        `predictions`.
      weights: Coefficients for the loss a scalar, a tensor of shape
        `[batch_size]` or a tensor whose shape matches `predictions`.
      scope: The scope for the operations performed in computing the loss.
      loss_collection: collection to which the loss will be added.

    Returns:
      A scalar `Tensor` that returns the weighted loss.

    Raises:
      ValueError: If the shape of `predictions` doesn't match that of `labels` or
        if the shape of `weights` is invalid.  Also if `labels` or `predictions`
        is None.
    """
    if labels is None:
        raise ValueError("Argument `labels` must not be None.")
    if predictions is None:
        raise ValueError("Argument `predictions` must not be None.")
    graph = graph_of([predictions, labels, weights])
    with graph.as_default(), graph.name_scope(scope or "mean_pairwise_squared_error"):
        weights = cast(to_tensor(graph, weights), dtypes.float32)
        labels, predictions = _float_pair(graph, labels, predictions)
        _check_broadcastable(weights, labels)
        diffs = subtract(predictions, labels)
        axis = _range(1, _rank(diffs))
        sum_squares_diff_per_batch = reduce_sum(square(diffs), axis=axis, keepdims=True)
        num_present_per_batch = _num_present(diffs, weights, per_batch=True)
        term1 = multiply(2.0, div_no_nan(sum_squares_diff_per_batch,
                                         maximum(subtract(num_present_per_batch, 1.0), 0.0),
                                         name="value"))
        sum_diff = reduce_sum(diffs, axis=axis, keepdims=True)
        term2 = multiply(2.0, div_no_nan(
            square(sum_diff),
            maximum(multiply(num_present_per_batch, subtract(num_present_per_batch, 1.0)), 0.0),
            name="value"))
        loss = reduce_sum(multiply(subtract(term1, term2), weights))
        mean_loss = where(greater(reduce_sum(num_present_per_batch), 0.0), loss,
                          zeros_like(loss), name="value")
        add_loss(mean_loss, loss_collection)
        return mean_loss


def sigmoid_cross_entropy(multi_class_labels, logits, weights=1.0, label_smoothing=0,
                          scope=None, loss_collection=GraphKeys.LOSSES,
                          reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Creates a cross-entropy loss using tf.nn.sigmoid_cross_entropy_with_logits.

    `weights` acts as a coefficient for the loss. If a scalar is provided,
    then the loss is simply scaled by the given value. If `weights` is a
    tensor of shape `[batch_size]`, then the loss weights apply to each
    corresponding sample.

    If `label_smoothing` is nonzero, smooth the labels towards 1/2:

        new_multiclass_labels = multiclass_labels * (1 - label_smoothing)
                                + 0.5 * label_smoothing

    Args:
      multi_class_labels: `[batch_size, num_classes]` target integer labels in
        `{0, 1}`.
      logits: Float `[batch_size, num_classes]` logits outputs of the network.
      weights: Optional `Tensor` whose rank is either 0, or the same rank as
        `multi_class_labels`, and must be broadcastable to `multi_class_labels`
        (i.e., all dimensions must be either `1`, or the same as the
        corresponding `losses` dimension).
      label_smoothing: If greater than `0` then smooth the labels.
      scope: The scope for the operations performed in computing the loss.
      loss_collection: collection to which the loss will be added.
      reduction: Type of reduction to apply to loss.

    Returns:
      Weighted loss `Tensor` of the same type as `logits`. If `reduction` is
      `NONE`, this has the same shape as `logits`; otherwise, it is scalar.

    Raises:
      ValueError: If the shape of `logits` doesn't match that of
        `multi_class_labels` or if the shape of `weights` is invalid, or if
        `weights` is None.  Also if `multi_class_labels` or `logits` is None.
    """
    if multi_class_labels is None:
        raise ValueError("Argument `multi_class_labels` must not be None.")
    if logits is None:
        raise ValueError("Argument `logits` must not be None.")
    graph = graph_of([logits, multi_class_labels, weights])
    with graph.as_default(), graph.name_scope(scope or "sigmoid_cross_entropy_loss") as name:
        logits = to_tensor(graph, logits)
        labels = cast(to_tensor(graph, multi_class_labels), logits.dtype)
        logits.shape.assert_is_compatible_with(labels.shape)
        if label_smoothing > 0:
            labels = add(multiply(labels, 1.0 - label_smoothing), 0.5 * label_smoothing)
        losses = sigmoid_cross_entropy_with_logits(labels=labels, logits=logits,
                                                   name="xentropy")
        return compute_weighted_loss(losses, weights, name, loss_collection,
                                     reduction=reduction)


def softmax_cross_entropy(onehot_labels, logits, weights=1.0, label_smoothing=0, scope=None,
                          loss_collection=GraphKeys.LOSSES,
                          reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    r"""Creates a cross-entropy loss using tf.nn.softmax_cross_entropy_with_logits_v2.

    `weights` acts as a coefficient for the loss. If a scalar is provided,
    then the loss is simply scaled by the given value. If `weights` is a
    tensor of shape `[batch_size]`, then the loss weights apply to each
    corresponding sample.

    If `label_smoothing` is nonzero, smooth the labels towards 1/num_classes:
        new_onehot_labels = onehot_labels * (1 - label_smoothing)
                            + label_smoothing / num_classes

    Note that `onehot_labels` and `logits` must have the same shape,
    e.g. `[batch_size, num_classes]`. The shape of `weights` must be
    broadcastable to loss, whose shape is decided by the shape of `logits`.
    In case the shape of `logits` is `[batch_size, num_classes]`, loss is
    a `Tensor` of shape `[batch_size]`.

    Args:
      onehot_labels: One-hot-encoded labels.
      logits: Logits outputs of the network.
      weights: Optional `Tensor` that is broadcastable to loss.
      label_smoothing: If greater than 0 then smooth the labels.
      scope: the scope for the operations performed in computing the loss.
      loss_collection: collection to which the loss will be added.
      reduction: Type of reduction to apply to loss.

    Returns:
      Weighted loss `Tensor` of the same type as `logits`. If `reduction` is
      `NONE`, this has shape `[batch_size]`; otherwise, it is scalar.

    Raises:
      ValueError: If the shape of `logits` doesn't match that of `onehot_labels`
        or if the shape of `weights` is invalid or if `weights` is None.  Also if
        `onehot_labels` or `logits` is None.
    """
    if onehot_labels is None:
        raise ValueError("Argument `onehot_labels` must not be None.")
    if logits is None:
        raise ValueError("Argument `logits` must not be None.")
    graph = graph_of([logits, onehot_labels, weights])
    with graph.as_default(), graph.name_scope(scope or "softmax_cross_entropy_loss") as name:
        logits = to_tensor(graph, logits)
        labels = cast(to_tensor(graph, onehot_labels), logits.dtype)
        logits.shape.assert_is_compatible_with(labels.shape)
        if label_smoothing > 0:
            num_classes = cast(_shape(labels)[-1], logits.dtype)
            labels = add(multiply(labels, 1.0 - label_smoothing),
                         realdiv(cast(label_smoothing, logits.dtype), num_classes))
        labels = stop_gradient(labels, name="labels_stop_gradient")
        losses = softmax_cross_entropy_with_logits(labels=labels, logits=logits,
                                                   name="xentropy")
        return compute_weighted_loss(losses, weights, name, loss_collection,
                                     reduction=reduction)


def _squeeze_sparse_operands(labels, logits, weights):
    """TF's remove_squeezable_dimensions with expected_rank_diff=1, for static
    ranks: labels of logits' rank with a last dim of 1 lose it, and so do
    weights one rank above the labels."""
    lr, pr = labels.shape.rank, logits.shape.rank
    if lr is not None and pr is not None:
        if pr - lr == 0 and labels.shape.as_tuple()[-1] in (1, None):
            labels = squeeze(labels, [-1])
    if weights is not None and weights.shape.rank is not None and \
            labels.shape.rank is not None and weights.shape.rank - labels.shape.rank == 1:
        weights = squeeze(weights, [-1])
    return labels, logits, weights


def sparse_softmax_cross_entropy(labels, logits, weights=1.0, scope=None,
                                 loss_collection=GraphKeys.LOSSES,
                                 reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Cross-entropy loss using `tf.nn.sparse_softmax_cross_entropy_with_logits`.

    `weights` acts as a coefficient for the loss. If a scalar is provided,
    then the loss is simply scaled by the given value. If `weights` is a
    tensor of shape `[batch_size]`, then the loss weights apply to each
    corresponding sample.

    Args:
      labels: `Tensor` of shape `[d_0, d_1, ..., d_{r-1}]` (where `r` is rank of
        `labels` and result) and dtype `int32` or `int64`. Each entry in `labels`
        must be an index in `[0, num_classes)`. Other values will raise an
        exception when this op is run on CPU, and return `NaN` for corresponding
        loss and gradient rows on GPU.
      logits: Unscaled log probabilities of shape
        `[d_0, d_1, ..., d_{r-1}, num_classes]` and dtype `float16`, `float32` or
        `float64`.
      weights: Coefficients for the loss. This must be scalar or broadcastable to
        `labels` (i.e. same rank and each dimension is either 1 or the same).
      scope: the scope for the operations performed in computing the loss.
      loss_collection: collection to which the loss will be added.
      reduction: Type of reduction to apply to loss.

    Returns:
      Weighted loss `Tensor` of the same type as `logits`. If `reduction` is
      `NONE`, this has the same shape as `labels`; otherwise, it is scalar.

    Raises:
      ValueError: If the shapes of `logits`, `labels`, and `weights` are
        incompatible, or if any of them are None.
    """
    if labels is None:
        raise ValueError("Argument `labels` must not be None.")
    if logits is None:
        raise ValueError("Argument `logits` must not be None.")
    graph = graph_of([logits, labels, weights])
    with graph.as_default(), graph.name_scope(scope or "sparse_softmax_cross_entropy_loss") \
            as name:
        logits = to_tensor(graph, logits)
        labels = to_tensor(graph, labels)
        weights = to_tensor(graph, weights)
        labels, logits, weights = _squeeze_sparse_operands(labels, logits, weights)
        losses = sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits,
                                                          name="xentropy")
        return compute_weighted_loss(losses, weights, name, loss_collection,
                                     reduction=reduction)

