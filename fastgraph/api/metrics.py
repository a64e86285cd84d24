"""`tf.compat.v1.metrics`: TF1's streaming metrics.

Each metric keeps running totals in local variables (collections
LOCAL_VARIABLES and METRIC_VARIABLES, initialized by
`local_variables_initializer`) named as TF names them ("accuracy/total",
"accuracy/count", "auc/true_positives", ...), and returns a pair: the
metric's value computed from those variables, and an `update_op` that adds
one batch to them and gives the value after the update. Built from ops as
TF's metrics_impl builds them.
"""

from ..framework import dtypes
from ..framework.graph import GraphKeys
from ..ops.arguments import graph_of, to_tensor
from ..ops.array_ops import expand_dims, identity, reshape, squeeze, tile, transpose
from ..ops.elementwise import (
    abs as _abs, add, cast, equal, greater, less, log, logical_and, logical_not, maximum,
    minimum, multiply, realdiv, sqrt, squared_difference, subtract,
)
from ..ops.indexing_ops import gather, one_hot, ones_like, size, where, zeros, zeros_like
from ..ops.linalg_ops import matmul
from ..ops.reduction_ops import argmax, argmin, cumsum, reduce_any, reduce_mean, reduce_min, \
    reduce_sum
from ..ops.sort_ops import top_k
from ..ops.state_ops import Variable, assign_add
from .math_ops import div_no_nan
from .variable_scope import variable_scope

__all__ = []
METRICS = ["accuracy", "auc", "false_negatives", "false_negatives_at_thresholds",
           "false_positives", "false_positives_at_thresholds", "mean", "mean_absolute_error",
           "mean_cosine_distance", "mean_iou", "mean_per_class_accuracy",
           "mean_relative_error", "mean_squared_error", "percentage_below", "precision",
           "precision_at_k", "precision_at_thresholds", "recall", "recall_at_k",
           "recall_at_thresholds", "root_mean_squared_error", "true_negatives",
           "mean_tensor", "sensitivity_at_specificity", "specificity_at_sensitivity",
           "recall_at_top_k", "precision_at_top_k", "sparse_precision_at_k",
           "true_negatives_at_thresholds", "true_positives", "true_positives_at_thresholds"]

def metric_variable(shape, dtype, validate_shape=True, name=None):
    """A zero-initialized local variable that holds a metric's running total
    (collections LOCAL_VARIABLES and METRIC_VARIABLES, not trainable)."""
    return Variable(lambda: zeros(shape, dtype), trainable=False,
                    collections=[GraphKeys.LOCAL_VARIABLES, GraphKeys.METRIC_VARIABLES],
                    validate_shape=validate_shape, name=name)


def _add_to(collections, value, graph):
    if collections:
        graph.add_to_collections(collections, value)


# ---- shapes of labels, predictions and weights ------------------------------------


def _squeeze_last_if_one(t):
    last = t.shape.as_tuple()[-1]
    return squeeze(t, [-1]) if last in (1, None) else t


def _remove_squeezable_dimensions(predictions, labels, weights, graph):
    """TF's rule, for ranks known when the graph is built: a size-1 last dim
    is squeezed from whichever of labels and predictions is one rank above the
    other; weights one rank above predictions are squeezed, one below are
    expanded."""
    predictions = to_tensor(graph, predictions)
    if labels is not None:
        labels = to_tensor(graph, labels)
        lr, pr = labels.shape.rank, predictions.shape.rank
        if lr is not None and pr is not None:
            if pr - lr == 1:
                predictions = _squeeze_last_if_one(predictions)
            elif lr - pr == 1:
                labels = _squeeze_last_if_one(labels)
        predictions.shape.assert_is_compatible_with(labels.shape)
    if weights is None:
        return predictions, labels, None
    weights = to_tensor(graph, weights)
    wr, pr = weights.shape.rank, predictions.shape.rank
    if wr == 0 or wr is None or pr is None:
        return predictions, labels, weights
    if wr - pr == 1:
        weights = squeeze(weights, [-1])
    elif pr - wr == 1:
        weights = expand_dims(weights, -1)
    return predictions, labels, weights


def _broadcast_weights(weights, values):
    return multiply(weights, ones_like(values))


# ---- mean and the metrics that are means ---------------------------------------------


def mean(values, weights=None, metrics_collections=None, updates_collections=None, name=None):
    """Computes the (weighted) mean of the given values.

    The `mean` function creates two local variables, `total` and `count`
    that are used to compute the average of `values`. This average is ultimately
    returned as `mean` which is an idempotent operation that simply divides
    `total` by `count`.

    For estimation of the metric over a stream of data, the function creates an
    `update_op` operation that updates these variables and returns the `mean`.
    `update_op` increments `total` with the reduced sum of the product of `values`
    and `weights`, and it increments `count` with the reduced sum of `weights`.

    If `weights` is `None`, weights default to 1. Use weights of 0 to mask values.

    Args:
      values: A `Tensor` of arbitrary dimensions.
      weights: Optional `Tensor` whose rank is either 0, or the same rank as
        `values`, and must be broadcastable to `values` (i.e., all dimensions must
        be either `1`, or the same as the corresponding `values` dimension).
      metrics_collections: An optional list of collections that `mean`
        should be added to.
      updates_collections: An optional list of collections that `update_op`
        should be added to.
      name: An optional variable_scope name.

    Returns:
      mean: A `Tensor` representing the current mean, the value of `total` divided
        by `count`.
      update_op: An operation that increments the `total` and `count` variables
        appropriately and whose value matches `mean_value`.

    Raises:
      ValueError: If `weights` is not `None` and its shape doesn't match `values`,
        or if either `metrics_collections` or `updates_collections` are not a list
        or tuple.
    """
    graph = graph_of([values, weights])
    with graph.as_default(), variable_scope(name, "mean", [values, weights]):
        values = cast(to_tensor(graph, values), dtypes.float32)
        total = metric_variable([], dtypes.float32, name="total")
        count = metric_variable([], dtypes.float32, name="count")
        if weights is None:
            num_values = cast(size(values), dtypes.float32)
        else:
            values, _, weights = _remove_squeezable_dimensions(values, None, weights, graph)
            weights = _broadcast_weights(cast(weights, dtypes.float32), values)
            values = multiply(values, weights)
            num_values = reduce_sum(weights)
        update_total_op = assign_add(total, reduce_sum(values))
        with graph.control_dependencies([values]):
            update_count_op = assign_add(count, num_values)
        mean_t = div_no_nan(total.value(), maximum(count.value(), 0.0), name="value")
        _add_to(metrics_collections, mean_t, graph)
        update_op = div_no_nan(update_total_op, maximum(update_count_op, 0.0),
                               name="update_op")
        _add_to(updates_collections, update_op, graph)
        return mean_t, update_op


def mean_tensor(values, weights=None, metrics_collections=None, updates_collections=None,
                name=None):
    """Computes the element-wise (weighted) mean of the given tensors.

    In contrast to the `mean` function which averages the total tensor, this
    function averages the tensors element-wise: `total_tensor` and
    `count_tensor` local variables of `values`' (fully known) shape hold the
    running sums of `values * weights` and of `weights`.

    Args:
      values: A `Tensor` of arbitrary dimensions.
      weights: Optional `Tensor` whose rank is either 0, or the same rank as
        `values`, and must be broadcastable to `values`.
      metrics_collections: An optional list of collections that `mean`
        should be added to.
      updates_collections: An optional list of collections that `update_op`
        should be added to.
      name: An optional variable_scope name.

    Returns:
      mean: A float `Tensor` representing the current mean, the value of `total`
        divided by `count`.
      update_op: An operation that increments the `total` and `count` variables
        appropriately and whose value matches `mean_value`.
    """
    graph = graph_of([values, weights])
    with graph.as_default(), variable_scope(name, "mean", [values, weights]):
        values = cast(to_tensor(graph, values), dtypes.float32)
        total = metric_variable(values.shape.as_list(), dtypes.float32, name="total_tensor")
        count = metric_variable(values.shape.as_list(), dtypes.float32, name="count_tensor")
        num_values = ones_like(values)
        if weights is not None:
            values, _, weights = _remove_squeezable_dimensions(values, None, weights, graph)
            weights = _broadcast_weights(cast(weights, dtypes.float32), values)
            values = multiply(values, weights)
            num_values = multiply(num_values, weights)
        update_total_op = assign_add(total, values)
        with graph.control_dependencies([values]):
            update_count_op = assign_add(count, num_values)
        mean_t = div_no_nan(total.value(), maximum(count.value(), 0.0), name="value")
        _add_to(metrics_collections, mean_t, graph)
        update_op = div_no_nan(update_total_op, maximum(update_count_op, 0.0),
                               name="update_op")
        _add_to(updates_collections, update_op, graph)
        return mean_t, update_op


def accuracy(labels, predictions, weights=None, metrics_collections=None,
             updates_collections=None, name=None):
    """Calculates how often `predictions` matches `labels`.

    The `accuracy` function creates two local variables, `total` and
    `count` that are used to compute the frequency with which `predictions`
    matches `labels`. This frequency is ultimately returned as `accuracy`: an
    idempotent operation that simply divides `total` by `count`.

    For estimation of the metric over a stream of data, the function creates an
    `update_op` operation that updates these variables and returns the `accuracy`.
    Internally, an `is_correct` operation computes a `Tensor` with elements 1.0
    where the corresponding elements of `predictions` and `labels` match and 0.0
    otherwise. Then `update_op` increments `total` with the reduced sum of the
    product of `weights` and `is_correct`, and it increments `count` with the
    reduced sum of `weights`.

    If `weights` is `None`, weights default to 1. Use weights of 0 to mask values.

    Args:
      labels: The ground truth values, a `Tensor` whose shape matches
        `predictions`.
      predictions: The predicted values, a `Tensor` of any shape.
      weights: Optional `Tensor` whose rank is either 0, or the same rank as
        `labels`, and must be broadcastable to `labels` (i.e., all dimensions must
        be either `1`, or the same as the corresponding `labels` dimension).
      metrics_collections: An optional list of collections that `accuracy` should
        be added to.
      updates_collections: An optional list of collections that `update_op` should
        be added to.
      name: An optional variable_scope name.

    Returns:
      accuracy: A `Tensor` representing the accuracy, the value of `total` divided
        by `count`.
      update_op: An operation that increments the `total` and `count` variables
        appropriately and whose value matches `accuracy`.
    """
    graph = graph_of([labels, predictions, weights])
    with graph.as_default():
        predictions, labels, weights = _remove_squeezable_dimensions(predictions, labels,
                                                                     weights, graph)
        if labels.dtype != predictions.dtype:
            predictions = cast(predictions, labels.dtype)
        is_correct = cast(equal(predictions, labels), dtypes.float32)
        return mean(is_correct, weights, metrics_collections, updates_collections,
                    name or "accuracy")


def _mean_of(fn, default_name, labels, predictions, weights, metrics_collections,
             updates_collections, name):
    graph = graph_of([labels, predictions, weights])
    with graph.as_default():
        predictions, labels, weights = _remove_squeezable_dimensions(predictions, labels,
                                                                     weights, graph)
        return mean(fn(labels, predictions), weights, metrics_collections,
                    updates_collections, name or default_name)


def mean_absolute_error(labels, predictions, weights=None, metrics_collections=None,
                        updates_collections=None, name=None):
    """Computes the mean absolute error between the labels and predictions.

    The `mean_absolute_error` function creates two local variables,
    `total` and `count` that are used to compute the mean absolute error. This
    average is weighted by `weights`, and it is ultimately returned as
    `mean_absolute_error`: an idempotent operation that simply divides `total` by
    `count`.

    Args:
      labels: A `Tensor` of the same shape as `predictions`.
      predictions: A `Tensor` of arbitrary shape.
      weights: Optional `Tensor` whose rank is either 0, or the same rank as
        `labels`, and must be broadcastable to `labels`.
      metrics_collections: An optional list of collections that
        `mean_absolute_error` should be added to.
      updates_collections: An optional list of collections that `update_op` should
        be added to.
      name: An optional variable_scope name.

    Returns:
      mean_absolute_error: A `Tensor` representing the current mean, the value of
        `total` divided by `count`.
      update_op: An operation that increments the `total` and `count` variables
        appropriately and whose value matches `mean_absolute_error`.
    """
    return _mean_of(lambda y, p: _abs(subtract(p, y)), "mean_absolute_error", labels,
                    predictions, weights, metrics_collections, updates_collections, name)


def mean_squared_error(labels, predictions, weights=None, metrics_collections=None,
                       updates_collections=None, name=None):
    """Computes the mean squared error between the labels and predictions.

    The `mean_squared_error` function creates two local variables,
    `total` and `count` that are used to compute the mean squared error.
    This average is weighted by `weights`, and it is ultimately returned as
    `mean_squared_error`: an idempotent operation that simply divides `total` by
    `count`.

    Args:
      labels: A `Tensor` of the same shape as `predictions`.
      predictions: A `Tensor` of arbitrary shape.
      weights: Optional `Tensor` whose rank is either 0, or the same rank as
        `labels`, and must be broadcastable to `labels`.
      metrics_collections: An optional list of collections that
        `mean_squared_error` should be added to.
      updates_collections: An optional list of collections that `update_op` should
        be added to.
      name: An optional variable_scope name.

    Returns:
      mean_squared_error: A `Tensor` representing the current mean, the value of
        `total` divided by `count`.
      update_op: An operation that increments the `total` and `count` variables
        appropriately and whose value matches `mean_squared_error`.
    """
    return _mean_of(squared_difference, "mean_squared_error", labels, predictions, weights,
                    metrics_collections, updates_collections, name)


def root_mean_squared_error(labels, predictions, weights=None, metrics_collections=None,
                            updates_collections=None, name=None):
    """Computes the root mean squared error between the labels and predictions.

    The `root_mean_squared_error` function creates two local variables,
    `total` and `count` that are used to compute the root mean squared error.
    This average is weighted by `weights`, and it is ultimately returned as
    `root_mean_squared_error`: an idempotent operation that takes the square root
    of the division of `total` by `count`.

    Args:
      labels: A `Tensor` of the same shape as `predictions`.
      predictions: A `Tensor` of arbitrary shape.
      weights: Optional `Tensor` whose rank is either 0, or the same rank as
        `labels`, and must be broadcastable to `labels`.
      metrics_collections: An optional list of collections that
        `root_mean_squared_error` should be added to.
      updates_collections: An optional list of collections that `update_op` should
        be added to.
      name: An optional variable_scope name.

    Returns:
      root_mean_squared_error: A `Tensor` representing the current mean, the value
        of `total` divided by `count`.
      update_op: An operation that increments the `total` and `count` variables
        appropriately and whose value matches `root_mean_squared_error`.
    """
    graph = graph_of([labels, predictions, weights])
    with graph.as_default():
        mse, update_mse_op = mean_squared_error(labels, predictions, weights, None, None,
                                                name or "root_mean_squared_error")
        rmse = sqrt(mse)
        _add_to(metrics_collections, rmse, graph)
        update_rmse_op = sqrt(update_mse_op)
        _add_to(updates_collections, update_rmse_op, graph)
        return rmse, update_rmse_op


def mean_relative_error(labels, predictions, normalizer, weights=None,
                        metrics_collections=None, updates_collections=None, name=None):
    """Computes the mean relative error by normalizing with the given values.

    The relative error of each element is `|predictions - labels| /
    normalizer` (0 where `normalizer` is 0), and its weighted mean is
    accumulated as in `mean`.

    Args:
      labels: A `Tensor` of the same shape as `predictions`.
      predictions: A `Tensor` of arbitrary shape.
      normalizer: A `Tensor` of the same shape as `predictions`.
      weights: Optional `Tensor` whose rank is either 0, or the same rank as
        `labels`, and must be broadcastable to `labels`.
      metrics_collections: An optional list of collections that
        `mean_relative_error` should be added to.
      updates_collections: An optional list of collections that `update_op` should
        be added to.
      name: An optional variable_scope name.

    Returns:
      mean_relative_error: A `Tensor` representing the current mean, the value of
        `total` divided by `count`.
      update_op: An operation that increments the `total` and `count` variables
        appropriately and whose value matches `mean_relative_error`.
    """
    graph = graph_of([labels, predictions, normalizer, weights])
    with graph.as_default():
        predictions, labels, weights = _remove_squeezable_dimensions(predictions, labels,
                                                                     weights, graph)
        predictions, normalizer, _ = _remove_squeezable_dimensions(predictions, normalizer,
                                                                   None, graph)
        relative_errors = where(equal(normalizer, 0.0), zeros_like(labels),
                                realdiv(_abs(subtract(labels, predictions)), normalizer))
        return mean(relative_errors, weights, metrics_collections, updates_collections,
                    name or "mean_relative_error")


def mean_cosine_distance(labels, predictions, dim, weights=None, metrics_collections=None,
                         updates_collections=None, name=None):
    """Computes the cosine distance between the labels and predictions.

    The `mean_cosine_distance` function creates two local variables,
    `total` and `count` that are used to compute the average cosine distance
    between `predictions` and `labels`. This average is weighted by `weights`,
    and it is ultimately returned as `mean_distance`, which is an idempotent
    operation that simply divides `total` by `count`.

    Args:
      labels: A `Tensor` of arbitrary shape.
      predictions: A `Tensor` of the same shape as `labels`.
      dim: The dimension along which the cosine distance is computed.
      weights: An optional `Tensor` whose shape is broadcastable to `predictions`,
        and whose dimension `dim` is 1.
      metrics_collections: An optional list of collections that the metric
        value variable should be added to.
      updates_collections: An optional list of collections that the metric update
        ops should be added to.
      name: An optional variable_scope name.

    Returns:
      mean_distance: A `Tensor` representing the current mean, the value of
        `total` divided by `count`.
      update_op: An operation that increments the `total` and `count` variables
        appropriately.
    """
    graph = graph_of([labels, predictions, weights])
    with graph.as_default():
        predictions, labels, weights = _remove_squeezable_dimensions(predictions, labels,
                                                                     weights, graph)
        radial_diffs = reduce_sum(multiply(predictions, labels), axis=[dim], keepdims=True)
        mean_distance, update_op = mean(radial_diffs, weights, None, None,
                                        name or "mean_cosine_distance")
        mean_distance = subtract(1.0, mean_distance)
        update_op = subtract(1.0, update_op)
        _add_to(metrics_collections, mean_distance, graph)
        _add_to(updates_collections, update_op, graph)
        return mean_distance, update_op


def percentage_below(values, threshold, weights=None, metrics_collections=None,
                     updates_collections=None, name=None):
    """Computes the percentage of values less than the given threshold.

    The `percentage_below` function creates two local variables,
    `total` and `count` that are used to compute the percentage of `values` that
    fall below `threshold`. This rate is weighted by `weights`, and it is
    ultimately returned as `percentage` which is an idempotent operation that
    simply divides `total` by `count`.

    Args:
      values: A numeric `Tensor` of arbitrary size.
      threshold: A scalar threshold.
      weights: Optional `Tensor` whose rank is either 0, or the same rank as
        `values`, and must be broadcastable to `values`.
      metrics_collections: An optional list of collections that the metric
        value variable should be added to.
      updates_collections: An optional list of collections that the metric update
        ops should be added to.
      name: An optional variable_scope name.

    Returns:
      percentage: A `Tensor` representing the current mean, the value of `total`
        divided by `count`.
      update_op: An operation that increments the `total` and `count` variables
        appropriately.
    """
    graph = graph_of([values, weights])
    with graph.as_default():
        is_below_threshold = cast(less(to_tensor(graph, values), threshold), dtypes.float32)
        return mean(is_below_threshold, weights, metrics_collections, updates_collections,
                    name or "percentage_below_threshold")


# ---- counts of a condition --------------------------------------------------------


def _count_condition(values, weights, metrics_collections, updates_collections, graph):
    count = metric_variable([], dtypes.float32, name="count")
    values = cast(values, dtypes.float32)
    if weights is not None:
        values = multiply(values, cast(weights, dtypes.float32))
    value_tensor = identity(count.value())
    _add_to(metrics_collections, value_tensor, graph)
    update_op = assign_add(count, reduce_sum(values))
    _add_to(updates_collections, update_op, graph)
    return value_tensor, update_op


def _bool_pair(graph, labels, predictions, weights):
    return _remove_squeezable_dimensions(cast(to_tensor(graph, predictions), dtypes.bool),
                                         cast(to_tensor(graph, labels), dtypes.bool),
                                         weights, graph)


def _counter(default_name, label_value, prediction_value):
    def metric(labels, predictions, weights=None, metrics_collections=None,
               updates_collections=None, name=None):
        graph = graph_of([labels, predictions, weights])
        with graph.as_default(), variable_scope(name, default_name,
                                                [predictions, labels, weights]):
            predictions, labels, weights = _bool_pair(graph, labels, predictions, weights)
            is_label = labels if label_value else logical_not(labels)
            is_prediction = predictions if prediction_value else logical_not(predictions)
            return _count_condition(logical_and(is_label, is_prediction), weights,
                                    metrics_collections, updates_collections, graph)
    metric.__name__ = default_name
    return metric


_COUNT_DOC = """Sum the weights of {what}.

    If `weights` is `None`, weights default to 1. Use weights of 0 to mask values.

    Args:
      labels: The ground truth values, a `Tensor` whose dimensions must match
        `predictions`. Will be cast to `bool`.
      predictions: The predicted values, a `Tensor` of arbitrary dimensions. Will
        be cast to `bool`.
      weights: Optional `Tensor` whose rank is either 0, or the same rank as
        `labels`, and must be broadcastable to `labels` (i.e., all dimensions must
        be either `1`, or the same as the corresponding `labels` dimension).
      metrics_collections: An optional list of collections that the metric
        value variable should be added to.
      updates_collections: An optional list of collections that the metric update
        ops should be added to.
      name: An optional variable_scope name.

    Returns:
      value_tensor: A `Tensor` representing the current value of the metric.
      update_op: An operation that accumulates the error from a batch of data.
    """

true_positives = _counter("true_positives", True, True)
true_positives.__doc__ = _COUNT_DOC.format(what="true positives")
false_positives = _counter("false_positives", False, True)
false_positives.__doc__ = _COUNT_DOC.format(what="false positives")
true_negatives = _counter("true_negatives", False, False)
true_negatives.__doc__ = _COUNT_DOC.format(what="true negatives")
false_negatives = _counter("false_negatives", True, False)
false_negatives.__doc__ = _COUNT_DOC.format(what="false negatives")


def _ratio_of_counts(default_name, other_count, labels, predictions, weights,
                     metrics_collections, updates_collections, name):
    """tp / (tp + other) of two streaming counts, 0 while both are 0."""
    graph = graph_of([labels, predictions, weights])
    with graph.as_default(), variable_scope(name, default_name,
                                            [predictions, labels, weights]):
        predictions, labels, weights = _bool_pair(graph, labels, predictions, weights)
        tp, tp_update = true_positives(labels, predictions, weights)
        other, other_update = other_count(labels, predictions, weights)

        def ratio(a, b, op_name):
            total = add(a, b)
            return where(greater(total, 0.0), realdiv(a, total), 0.0, name=op_name)

        value = ratio(tp, other, "value")
        _add_to(metrics_collections, value, graph)
        update_op = ratio(tp_update, other_update, "update_op")
        _add_to(updates_collections, update_op, graph)
        return value, update_op


def precision(labels, predictions, weights=None, metrics_collections=None,
              updates_collections=None, name=None):
    """Computes the precision of the predictions with respect to the labels.

    The `precision` function creates two local variables,
    `true_positives` and `false_positives`, that are used to compute the
    precision. This value is ultimately returned as `precision`, an idempotent
    operation that simply divides `true_positives` by the sum of `true_positives`
    and `false_positives`.

    Args:
      labels: The ground truth values, a `Tensor` whose dimensions must match
        `predictions`. Will be cast to `bool`.
      predictions: The predicted values, a `Tensor` of arbitrary dimensions. Will
        be cast to `bool`.
      weights: Optional `Tensor` whose rank is either 0, or the same rank as
        `labels`, and must be broadcastable to `labels`.
      metrics_collections: An optional list of collections that `precision` should
        be added to.
      updates_collections: An optional list of collections that `update_op` should
        be added to.
      name: An optional variable_scope name.

    Returns:
      precision: Scalar float `Tensor` with the value of `true_positives`
        divided by the sum of `true_positives` and `false_positives`.
      update_op: `Operation` that increments `true_positives` and
        `false_positives` variables appropriately and whose value matches
        `precision`.
    """
    return _ratio_of_counts("precision", false_positives, labels, predictions, weights,
                            metrics_collections, updates_collections, name)


def recall(labels, predictions, weights=None, metrics_collections=None,
           updates_collections=None, name=None):
    """Computes the recall of the predictions with respect to the labels.

    The `recall` function creates two local variables, `true_positives`
    and `false_negatives`, that are used to compute the recall. This value is
    ultimately returned as `recall`, an idempotent operation that simply divides
    `true_positives` by the sum of `true_positives` and `false_negatives`.

    Args:
      labels: The ground truth values, a `Tensor` whose dimensions must match
        `predictions`. Will be cast to `bool`.
      predictions: The predicted values, a `Tensor` of arbitrary dimensions. Will
        be cast to `bool`.
      weights: Optional `Tensor` whose rank is either 0, or the same rank as
        `labels`, and must be broadcastable to `labels`.
      metrics_collections: An optional list of collections that `recall` should
        be added to.
      updates_collections: An optional list of collections that `update_op` should
        be added to.
      name: An optional variable_scope name.

    Returns:
      recall: Scalar float `Tensor` with the value of `true_positives` divided
        by the sum of `true_positives` and `false_negatives`.
      update_op: `Operation` that increments `true_positives` and
        `false_negatives` variables appropriately and whose value matches
        `recall`.
    """
    return _ratio_of_counts("recall", false_negatives, labels, predictions, weights,
                            metrics_collections, updates_collections, name)


# ---- counts at thresholds, AUC ----------------------------------------------------------


_ALL_INCLUDES = ("tp", "fn", "tn", "fp")
_COUNT_NAMES = {"tp": "true_positives", "fn": "false_negatives", "tn": "true_negatives",
                "fp": "false_positives"}


def _confusion_matrix_at_thresholds(labels, predictions, thresholds, weights, graph,
                                    includes=None):
    """Variables [len(thresholds)] counting, per threshold, the (weighted)
    true/false positives/negatives of `predictions > threshold`, and their
    update ops; both dicts keyed by "tp", "fn", "tn", "fp"."""
    includes = _ALL_INCLUDES if includes is None else includes
    for include in includes:
        if include not in _ALL_INCLUDES:
            raise ValueError(f"Invalid key: {include}")
    predictions, labels, weights = _remove_squeezable_dimensions(
        cast(to_tensor(graph, predictions), dtypes.float32),
        cast(to_tensor(graph, labels), dtypes.bool), weights, graph)
    num_thresholds = len(thresholds)
    predictions_2d = reshape(predictions, [-1, 1])
    labels_2d = reshape(labels, [1, -1])
    thresh = reshape(to_tensor(graph, [float(t) for t in thresholds], dtype=dtypes.float32),
                     [num_thresholds, 1])
    # [num_thresholds, num_predictions] by broadcasting, as TF's tiles give.
    pred_is_pos = greater(transpose(predictions_2d), thresh)
    pred_is_neg = logical_not(pred_is_pos)
    label_is_pos = tile(labels_2d, [num_thresholds, 1])
    label_is_neg = logical_not(label_is_pos)
    weights_row = None
    if weights is not None:
        weights = _broadcast_weights(cast(weights, dtypes.float32), predictions)
        weights_row = reshape(weights, [1, -1])
    cases = {"tp": (label_is_pos, pred_is_pos), "fn": (label_is_pos, pred_is_neg),
             "tn": (label_is_neg, pred_is_neg), "fp": (label_is_neg, pred_is_pos)}
    values, update_ops = {}, {}
    for key in ("tp", "fn", "tn", "fp"):
        if key not in includes:
            continue
        var = metric_variable([num_thresholds], dtypes.float32, name=_COUNT_NAMES[key])
        is_case = cast(logical_and(*cases[key]), dtypes.float32)
        if weights_row is not None:
            is_case = multiply(is_case, weights_row)
        update_ops[key] = assign_add(var, reduce_sum(is_case, 1))
        values[key] = var.value()
    return values, update_ops


def _at_thresholds(key, default_name):
    def metric(labels, predictions, thresholds, weights=None, metrics_collections=None,
               updates_collections=None, name=None):
        graph = graph_of([labels, predictions, weights])
        with graph.as_default(), variable_scope(name, default_name,
                                                [predictions, labels, weights]):
            values, update_ops = _confusion_matrix_at_thresholds(
                labels, predictions, thresholds, weights, graph, includes=(key,))
            value = identity(values[key])
            _add_to(metrics_collections, value, graph)
            _add_to(updates_collections, update_ops[key], graph)
            return value, update_ops[key]
    metric.__name__ = default_name
    metric.__doc__ = f"""Computes {_COUNT_NAMES[key].replace('_', ' ')} at provided threshold values.

    If `weights` is `None`, weights default to 1. Use weights of 0 to mask values.

    Args:
      labels: A `Tensor` whose shape matches `predictions`. Will be cast to
        `bool`.
      predictions: A floating point `Tensor` of arbitrary shape and whose values
        are in the range `[0, 1]`.
      thresholds: A python list or tuple of float thresholds in `[0, 1]`.
      weights: Optional `Tensor` whose rank is either 0, or the same rank as
        `labels`, and must be broadcastable to `labels`.
      metrics_collections: An optional list of collections that the metric
        value variable should be added to.
      updates_collections: An optional list of collections that the metric update
        ops should be added to.
      name: An optional variable_scope name.

    Returns:
      {_COUNT_NAMES[key]}:  A float `Tensor` of shape `[len(thresholds)]`.
      update_op: An operation that updates the `{_COUNT_NAMES[key]}` variable and
        returns its current value.
    """
    return metric


true_positives_at_thresholds = _at_thresholds("tp", "true_positives")
false_positives_at_thresholds = _at_thresholds("fp", "false_positives")
true_negatives_at_thresholds = _at_thresholds("tn", "true_negatives")
false_negatives_at_thresholds = _at_thresholds("fn", "false_negatives")


def precision_at_thresholds(labels, predictions, thresholds, weights=None,
                            metrics_collections=None, updates_collections=None, name=None):
    """Computes precision values for different `thresholds` on `predictions`.

    The `precision_at_thresholds` function creates four local variables,
    `true_positives`, `true_negatives`, `false_positives` and `false_negatives`
    for various values of thresholds. `precision[i]` is defined as the total
    weight of values in `predictions` above `thresholds[i]` whose corresponding
    entry in `labels` is `True`, divided by the total weight of values in
    `predictions` above `thresholds[i]` (`true_positives[i] / (true_positives[i] +
    false_positives[i])`).

    Args:
      labels: The ground truth values, a `Tensor` whose dimensions must match
        `predictions`. Will be cast to `bool`.
      predictions: A floating point `Tensor` of arbitrary shape and whose values
        are in the range `[0, 1]`.
      thresholds: A python list or tuple of float thresholds in `[0, 1]`.
      weights: Optional `Tensor` whose rank is either 0, or the same rank as
        `labels`, and must be broadcastable to `labels`.
      metrics_collections: An optional list of collections that `auc` should be
        added to.
      updates_collections: An optional list of collections that `update_op` should
        be added to.
      name: An optional variable_scope name.

    Returns:
      precision: A float `Tensor` of shape `[len(thresholds)]`.
      update_op: An operation that increments the `true_positives`,
        `true_negatives`, `false_positives` and `false_negatives` variables that
        are used in the computation of `precision`.
    """
    graph = graph_of([labels, predictions, weights])
    with graph.as_default(), variable_scope(name, "precision_at_thresholds",
                                            [predictions, labels, weights]):
        values, update_ops = _confusion_matrix_at_thresholds(
            labels, predictions, thresholds, weights, graph, includes=("tp", "fp"))

        def compute(tp, fp, suffix):
            return realdiv(tp, add(add(1e-7, tp), fp), name="precision_" + suffix)

        prec = compute(values["tp"], values["fp"], "value")
        _add_to(metrics_collections, prec, graph)
        update_op = compute(update_ops["tp"], update_ops["fp"], "update_op")
        _add_to(updates_collections, update_op, graph)
        return prec, update_op


def recall_at_thresholds(labels, predictions, thresholds, weights=None,
                         metrics_collections=None, updates_collections=None, name=None):
    """Computes various recall values for different `thresholds` on `predictions`.

    The `recall_at_thresholds` function creates four local variables,
    `true_positives`, `true_negatives`, `false_positives` and `false_negatives`
    for various values of thresholds. `recall[i]` is defined as the total weight
    of values in `predictions` above `thresholds[i]` whose corresponding entry in
    `labels` is `True`, divided by the total weight of `True` values in `labels`
    (`true_positives[i] / (true_positives[i] + false_negatives[i])`).

    Args:
      labels: The ground truth values, a `Tensor` whose dimensions must match
        `predictions`. Will be cast to `bool`.
      predictions: A floating point `Tensor` of arbitrary shape and whose values
        are in the range `[0, 1]`.
      thresholds: A python list or tuple of float thresholds in `[0, 1]`.
      weights: Optional `Tensor` whose rank is either 0, or the same rank as
        `labels`, and must be broadcastable to `labels`.
      metrics_collections: An optional list of collections that `recall` should be
        added to.
      updates_collections: An optional list of collections that `update_op` should
        be added to.
      name: An optional variable_scope name.

    Returns:
      recall: A float `Tensor` of shape `[len(thresholds)]`.
      update_op: An operation that increments the `true_positives`,
        `true_negatives`, `false_positives` and `false_negatives` variables that
        are used in the computation of `recall`.
    """
    graph = graph_of([labels, predictions, weights])
    with graph.as_default(), variable_scope(name, "recall_at_thresholds",
                                            [predictions, labels, weights]):
        values, update_ops = _confusion_matrix_at_thresholds(
            labels, predictions, thresholds, weights, graph, includes=("tp", "fn"))

        def compute(tp, fn, suffix):
            return realdiv(tp, add(add(1e-7, tp), fn), name="recall_" + suffix)

        rec = compute(values["tp"], values["fn"], "value")
        _add_to(metrics_collections, rec, graph)
        update_op = compute(update_ops["tp"], update_ops["fn"], "update_op")
        _add_to(updates_collections, update_op, graph)
        return rec, update_op


def _auc_from_counts(tp, fn, tn, fp, num_thresholds, curve, summation_method, name):
    """The area under the ROC or PR curve of the counts at each threshold."""
    epsilon = 1.0e-6
    n = num_thresholds

    def head(t):
        return t[:n - 1]

    def rest(t):
        return t[1:]

    if curve == "PR" and summation_method == "careful_interpolation":
        # Precision is linear in the predicted positives between thresholds
        # (Davis & Goadrich 2006): integrate it exactly, piece by piece.
        dtp = subtract(head(tp), rest(tp))
        p = add(tp, fp)
        prec_slope = div_no_nan(dtp, maximum(subtract(head(p), rest(p)), 0.0),
                                name="prec_slope")
        intercept = subtract(rest(tp), multiply(prec_slope, rest(p)))
        safe_p_ratio = where(logical_and(greater(head(p), 0.0), greater(rest(p), 0.0)),
                             div_no_nan(head(p), maximum(rest(p), 0.0),
                                        name="recall_relative_ratio"),
                             ones_like(rest(p)))
        return reduce_sum(div_no_nan(
            multiply(prec_slope, add(dtp, multiply(intercept, log(safe_p_ratio)))),
            maximum(add(rest(tp), rest(fn)), 0.0), name="pr_auc_increment"),
            name="interpolate_pr_auc")
    rec = realdiv(add(tp, epsilon), add(add(tp, fn), epsilon))
    if curve == "ROC":
        x = realdiv(fp, add(add(fp, tn), epsilon))
        y = rec
    else:
        x = rec
        y = realdiv(add(tp, epsilon), add(add(tp, fp), epsilon))
    dx = subtract(head(x), rest(x))
    if summation_method in ("trapezoidal", "careful_interpolation"):
        heights = realdiv(add(head(y), rest(y)), 2.0)
    elif summation_method == "minoring":
        heights = minimum(head(y), rest(y))
    elif summation_method == "majoring":
        heights = maximum(head(y), rest(y))
    else:
        raise ValueError(f"Invalid summation_method: {summation_method} summation_method should "
                         "be 'trapezoidal', 'careful_interpolation', 'minoring', or 'majoring'.")
    return reduce_sum(multiply(dx, heights), name=name)


def auc(labels, predictions, weights=None, num_thresholds=200, metrics_collections=None,
        updates_collections=None, curve="ROC", name=None, summation_method="trapezoidal",
        thresholds=None):
    """Computes the approximate AUC via a Riemann sum.

    The `auc` function creates four local variables, `true_positives`,
    `true_negatives`, `false_positives` and `false_negatives` that are used to
    compute the AUC. To discretize the AUC curve, a linearly spaced set of
    thresholds is used to compute pairs of recall and precision values. The area
    under the ROC-curve is therefore computed using the height of the recall
    values by the false positive rate, while the area under the PR-curve is the
    computed using the height of the precision values by the recall.

    This value is ultimately returned as `auc`, an idempotent operation that
    computes the area under a discretized curve of precision versus recall values
    (computed using the aforementioned variables). The `num_thresholds` variable
    controls the degree of discretization with larger numbers of thresholds more
    closely approximating the true AUC. The quality of the approximation may vary
    dramatically depending on `num_thresholds`.

    Args:
      labels: A `Tensor` whose shape matches `predictions`. Will be cast to
        `bool`.
      predictions: A floating point `Tensor` of arbitrary shape and whose values
        are in the range `[0, 1]`.
      weights: Optional `Tensor` whose rank is either 0, or the same rank as
        `labels`, and must be broadcastable to `labels`.
      num_thresholds: The number of thresholds to use when discretizing the roc
        curve.
      metrics_collections: An optional list of collections that `auc` should be
        added to.
      updates_collections: An optional list of collections that `update_op` should
        be added to.
      curve: Specifies the name of the curve to be computed, 'ROC' [default] or
        'PR' for the Precision-Recall-curve.
      name: An optional variable_scope name.
      summation_method: Specifies the Riemann summation method used
        (https://en.wikipedia.org/wiki/Riemann_sum): 'trapezoidal' [default] that
        applies the trapezoidal rule; 'careful_interpolation', a variant of it
        differing only by a more correct interpolation scheme for PR-AUC -
        interpolating (true/false) positives but not the ratio that is precision;
        'minoring' that applies left summation for increasing intervals and right
        summation for decreasing intervals; 'majoring' that does the opposite.
      thresholds: An optional list of floating point values to use as the
        thresholds for discretizing the curve. If set, the `num_thresholds`
        parameter is ignored. Values should be in [0, 1]. Endpoint thresholds
        equal to {-epsilon, 1+epsilon} for a small positive epsilon value will be
        automatically included with these to correctly handle predictions equal to
        exactly 0 or 1.

    Returns:
      auc: A scalar `Tensor` representing the current area-under-curve.
      update_op: An operation that increments the `true_positives`,
        `true_negatives`, `false_positives` and `false_negatives` variables
        appropriately and whose value matches `auc`.
    """
    graph = graph_of([labels, predictions, weights])
    with graph.as_default(), variable_scope(name, "auc", [labels, predictions, weights]):
        if curve not in ("ROC", "PR"):
            raise ValueError(f"Curve must be either ROC or PR. Curve {curve} is unknown.")
        kepsilon = 1e-7
        if thresholds is not None:
            thresholds = sorted(thresholds)
            num_thresholds = len(thresholds) + 2
        else:
            thresholds = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
        thresholds = [0.0 - kepsilon] + list(thresholds) + [1.0 + kepsilon]
        values, update_ops = _confusion_matrix_at_thresholds(labels, predictions, thresholds,
                                                             weights, graph)
        args = (num_thresholds, curve, summation_method)
        auc_value = _auc_from_counts(values["tp"], values["fn"], values["tn"], values["fp"],
                                     *args, "value")
        _add_to(metrics_collections, auc_value, graph)
        update_op = _auc_from_counts(update_ops["tp"], update_ops["fn"], update_ops["tn"],
                                     update_ops["fp"], *args, "update_op")
        _add_to(updates_collections, update_op, graph)
        return auc_value, update_op


def _at_operating_point(default_name, compute, labels, predictions, weights, num_thresholds,
                        last_threshold, metrics_collections, updates_collections, name):
    graph = graph_of([labels, predictions, weights])
    with graph.as_default(), variable_scope(name, default_name, [predictions, labels, weights]):
        kepsilon = 1e-7
        thresholds = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
        thresholds = [0.0 - kepsilon] + thresholds + [last_threshold]
        values, update_ops = _confusion_matrix_at_thresholds(labels, predictions, thresholds,
                                                             weights, graph)
        value = compute(values, "value")
        _add_to(metrics_collections, value, graph)
        update_op = compute(update_ops, "update_op")
        _add_to(updates_collections, update_op, graph)
        return value, update_op


def sensitivity_at_specificity(labels, predictions, specificity, weights=None,
                               num_thresholds=200, metrics_collections=None,
                               updates_collections=None, name=None):
    """Computes the specificity at a given sensitivity.

    The `sensitivity_at_specificity` function creates four local
    variables, `true_positives`, `true_negatives`, `false_positives` and
    `false_negatives` that are used to compute the sensitivity at the given
    specificity value: the threshold whose specificity is the closest to
    `specificity` gives the sensitivity `tp / (tp + fn)`.

    Args:
      labels: The ground truth values, a `Tensor` whose dimensions must match
        `predictions`. Will be cast to `bool`.
      predictions: A floating point `Tensor` of arbitrary shape and whose values
        are in the range `[0, 1]`.
      specificity: A scalar value in range `[0, 1]`.
      weights: Optional `Tensor` whose rank is either 0, or the same rank as
        `labels`, and must be broadcastable to `labels`.
      num_thresholds: The number of thresholds to use for matching the given
        specificity.
      metrics_collections: An optional list of collections that `sensitivity`
        should be added to.
      updates_collections: An optional list of collections that `update_op` should
        be added to.
      name: An optional variable_scope name.

    Returns:
      sensitivity: A scalar `Tensor` representing the sensitivity at the given
        `specificity` value.
      update_op: An operation that increments the `true_positives`,
        `true_negatives`, `false_positives` and `false_negatives` variables
        appropriately and whose value matches `sensitivity`.
    """
    if specificity < 0 or specificity > 1:
        raise ValueError("`specificity` must be in the range [0, 1]. Currently, "
                         f"`specificity` got {specificity}.")

    def compute(c, op_name):
        specificities = realdiv(c["tn"], add(add(c["tn"], c["fp"]), 1e-7))
        index = cast(argmin(_abs(subtract(specificities, specificity)), 0), dtypes.int32)
        tp = gather(c["tp"], index)
        return realdiv(tp, add(add(tp, gather(c["fn"], index)), 1e-7), name=op_name)

    return _at_operating_point("sensitivity_at_specificity", compute, labels, predictions,
                               weights, num_thresholds, 1.0 + 1e-7, metrics_collections,
                               updates_collections, name)


def specificity_at_sensitivity(labels, predictions, sensitivity, weights=None,
                               num_thresholds=200, metrics_collections=None,
                               updates_collections=None, name=None):
    """Computes the specificity at a given sensitivity.

    The `specificity_at_sensitivity` function creates four local
    variables, `true_positives`, `true_negatives`, `false_positives` and
    `false_negatives` that are used to compute the specificity at the given
    sensitivity value: of the thresholds whose sensitivity is the closest to
    `sensitivity`, the last gives the specificity `tn / (tn + fp)`.

    Args:
      labels: The ground truth values, a `Tensor` whose dimensions must match
        `predictions`. Will be cast to `bool`.
      predictions: A floating point `Tensor` of arbitrary shape and whose values
        are in the range `[0, 1]`.
      sensitivity: A scalar value in range `[0, 1]`.
      weights: Optional `Tensor` whose rank is either 0, or the same rank as
        `labels`, and must be broadcastable to `labels`.
      num_thresholds: The number of thresholds to use for matching the given
        sensitivity.
      metrics_collections: An optional list of collections that `specificity`
        should be added to.
      updates_collections: An optional list of collections that `update_op` should
        be added to.
      name: An optional variable_scope name.

    Returns:
      specificity: A scalar `Tensor` representing the specificity at the given
        `sensitivity` value.
      update_op: An operation that increments the `true_positives`,
        `true_negatives`, `false_positives` and `false_negatives` variables
        appropriately and whose value matches `specificity`.
    """
    if sensitivity < 0 or sensitivity > 1:
        raise ValueError("`sensitivity` must be in the range [0, 1]. Currently, "
                         f"`sensitivity` is {sensitivity}.")

    def compute(c, op_name):
        sensitivities = realdiv(c["tp"], add(add(c["tp"], c["fn"]), 1e-7))
        distance = _abs(subtract(sensitivities, sensitivity))
        at_min = cumsum(cast(equal(distance, reduce_min(distance)), dtypes.int64))
        index = cast(argmax(at_min, 0), dtypes.int32)
        tn = gather(c["tn"], index)
        return realdiv(tn, add(add(tn, gather(c["fp"], index)), 1e-7), name=op_name)

    return _at_operating_point("specificity_at_sensitivity", compute, labels, predictions,
                               weights, num_thresholds, 1.0 - 1e-7, metrics_collections,
                               updates_collections, name)


# ---- per-class metrics --------------------------------------------------------------------


def _flat(t):
    return reshape(t, [-1]) if t.shape.rank is None or t.shape.rank > 1 else t


def mean_per_class_accuracy(labels, predictions, num_classes, weights=None,
                            metrics_collections=None, updates_collections=None, name=None):
    """Calculates the mean of the per-class accuracies.

    Calculates the accuracy for each class, then takes the mean of that.

    For estimation of the metric over a stream of data, the function creates an
    `update_op` operation that updates the accuracy of each class and returns
    them.

    If `weights` is `None`, weights default to 1. Use weights of 0 to mask values.

    Args:
      labels: A `Tensor` of ground truth labels with shape [batch size] and of
        type `int32` or `int64`. The tensor will be flattened if its rank > 1.
      predictions: A `Tensor` of prediction results for semantic labels, whose
        shape is [batch size] and type `int32` or `int64`. The tensor will be
        flattened if its rank > 1.
      num_classes: The possible number of labels the prediction task can
        have. This value must be provided, since two variables with shape =
        [num_classes] will be allocated.
      weights: Optional `Tensor` whose rank is either 0, or the same rank as
        `labels`, and must be broadcastable to `labels`.
      metrics_collections: An optional list of collections that
        `mean_per_class_accuracy'
        should be added to.
      updates_collections: An optional list of collections `update_op` should be
        added to.
      name: An optional variable_scope name.

    Returns:
      mean_accuracy: A `Tensor` representing the mean per class accuracy.
      update_op: An operation that updates the accuracy tensor.
    """
    graph = graph_of([labels, predictions, weights])
    with graph.as_default(), variable_scope(name, "mean_accuracy",
                                            [predictions, labels, weights]):
        labels = _flat(cast(to_tensor(graph, labels), dtypes.int64))
        predictions = _flat(to_tensor(graph, predictions))
        predictions.shape.assert_is_compatible_with(labels.shape)
        total = metric_variable([num_classes], dtypes.float32, name="total")
        count = metric_variable([num_classes], dtypes.float32, name="count")
        if labels.dtype != predictions.dtype:
            predictions = cast(predictions, labels.dtype)
        is_correct = cast(equal(predictions, labels), dtypes.float32)
        ones = ones_like(is_correct)
        if weights is not None:
            weights = _flat(cast(to_tensor(graph, weights), dtypes.float32))
            is_correct = multiply(is_correct, weights)
            ones = multiply(ones, weights)
        # TF's scatter_add of the rows into the classes, as a sum of one-hot rows
        # (a label outside [0, num_classes) adds nothing).
        rows = one_hot(labels, num_classes, dtype=dtypes.float32)
        update_total_op = assign_add(total, reduce_sum(multiply(rows, expand_dims(ones, -1)), 0))
        update_count_op = assign_add(count, reduce_sum(
            multiply(rows, expand_dims(is_correct, -1)), 0))
        per_class = div_no_nan(count.value(), maximum(total.value(), 0.0))
        mean_accuracy_v = reduce_mean(per_class, name="mean_accuracy")
        _add_to(metrics_collections, mean_accuracy_v, graph)
        update_op = div_no_nan(update_count_op, maximum(update_total_op, 0.0), name="update_op")
        _add_to(updates_collections, update_op, graph)
        return mean_accuracy_v, update_op


def _streaming_confusion_matrix(labels, predictions, num_classes, weights, graph):
    total_cm = metric_variable([num_classes, num_classes], dtypes.float64,
                               name="total_confusion_matrix")
    predictions = _flat(cast(to_tensor(graph, predictions), dtypes.int64))
    labels = _flat(cast(to_tensor(graph, labels), dtypes.int64))
    label_rows = one_hot(labels, num_classes, dtype=dtypes.float64)
    if weights is not None:
        weights = _flat(cast(to_tensor(graph, weights), dtypes.float64))
        label_rows = multiply(label_rows, expand_dims(weights, -1))
    # cm[i, j] = sum of the weights of the examples of label i predicted j.
    current_cm = matmul(label_rows, one_hot(predictions, num_classes, dtype=dtypes.float64),
                        transpose_a=True)
    return total_cm, assign_add(total_cm, current_cm)


def mean_iou(labels, predictions, num_classes, weights=None, metrics_collections=None,
             updates_collections=None, name=None):
    """Calculate per-step mean Intersection-Over-Union (mIOU).

    Mean Intersection-Over-Union is a common evaluation metric for
    semantic image segmentation, which first computes the IOU for each
    semantic class and then computes the average over classes.
    IOU is defined as follows:
      IOU = true_positive / (true_positive + false_positive + false_negative).
    The predictions are accumulated in a confusion matrix, weighted by `weights`,
    and mIOU is then calculated from it.

    Args:
      labels: A `Tensor` of ground truth labels with shape [batch size] and of
        type `int32` or `int64`. The tensor will be flattened if its rank > 1.
      predictions: A `Tensor` of prediction results for semantic labels, whose
        shape is [batch size] and type `int32` or `int64`. The tensor will be
        flattened if its rank > 1.
      num_classes: The possible number of labels the prediction task can
        have. This value must be provided, since a confusion matrix of
        dimension = [num_classes, num_classes] will be allocated.
      weights: Optional `Tensor` whose rank is either 0, or the same rank as
        `labels`, and must be broadcastable to `labels`.
      metrics_collections: An optional list of collections that `mean_iou`
        should be added to.
      updates_collections: An optional list of collections `update_op` should be
        added to.
      name: An optional variable_scope name.

    Returns:
      mean_iou: A `Tensor` representing the mean intersection-over-union.
      update_op: An operation that increments the confusion matrix.
    """
    graph = graph_of([labels, predictions, weights])
    with graph.as_default(), variable_scope(name, "mean_iou", [predictions, labels, weights]):
        predictions = to_tensor(graph, predictions)
        labels = to_tensor(graph, labels)
        predictions.shape.assert_is_compatible_with(labels.shape)
        total_cm, update_op = _streaming_confusion_matrix(labels, predictions, num_classes,
                                                          weights, graph)
        cm = total_cm.value()
        sum_over_row = cast(reduce_sum(cm, 0), dtypes.float32)
        sum_over_col = cast(reduce_sum(cm, 1), dtypes.float32)
        eye = one_hot(to_tensor(graph, list(range(num_classes)), dtype=dtypes.int32),
                      num_classes, dtype=dtypes.float64)
        cm_diag = cast(reduce_sum(multiply(cm, eye), 1), dtypes.float32)
        denominator = subtract(add(sum_over_row, sum_over_col), cm_diag)
        num_valid_entries = reduce_sum(cast(greater(_abs(denominator), 0.0), dtypes.float32))
        denominator = where(greater(denominator, 0.0), denominator, ones_like(denominator))
        iou = realdiv(cm_diag, denominator)
        result = where(greater(num_valid_entries, 0.0),
                       realdiv(reduce_sum(iou, name="mean_iou"), num_valid_entries), 0.0)
        _add_to(metrics_collections, result, graph)
        _add_to(updates_collections, update_op, graph)
        return result, update_op


# ---- at k ----------------------------------------------------------------------------------


def _at_k(kind, labels, predictions, k, class_id, weights, metrics_collections,
          updates_collections, name, predictions_idx=None):
    """precision/recall at k for one label per example (labels of shape
    [batch] or [batch, 1]): a hit is the label among the top k of
    `predictions` (or among `predictions_idx`, the top k's indices)."""
    if class_id is not None:
        raise NotImplementedError(f"fastgraph's {kind}_at_k has no class_id")
    graph = graph_of([labels, predictions, predictions_idx, weights])
    scope_name = f"{kind}_at_{k}"
    with graph.as_default(), graph.name_scope(name or scope_name):
        labels = cast(to_tensor(graph, labels), dtypes.int64)
        if predictions_idx is None:
            predictions = to_tensor(graph, predictions)
            top = cast(top_k(predictions, k).indices, dtypes.int64)
        else:
            top = cast(to_tensor(graph, predictions_idx), dtypes.int64)
        if labels.shape.rank is not None and top.shape.rank is not None and \
                labels.shape.rank == top.shape.rank:
            if labels.shape.as_tuple()[-1] not in (1, None):
                raise NotImplementedError(f"fastgraph's {kind}_at_k takes one label per "
                                          "example")
            labels = squeeze(labels, [-1])
        hit = cast(reduce_any(equal(top, expand_dims(labels, -1)), -1), dtypes.float64)
        # Every dense label counts, as in TF: one outside the classes (TF
        # makes it -1) is never a hit, so it is a false negative.
        w = None if weights is None else cast(to_tensor(graph, weights), dtypes.float64)
        if w is not None and w.shape.rank is not None and w.shape.rank > 1:
            w = reshape(w, [-1])
        tp_rows = hit
        other_rows = subtract(float(k) if kind == "precision" else 1.0, hit)
        if w is not None:
            tp_rows = multiply(tp_rows, w)
            other_rows = multiply(other_rows, w)
        other_name = "false_positive" if kind == "precision" else "false_negative"
        # TF names each count variable for its own name scope.
        with graph.name_scope(f"true_positive_at_{k}") as s:
            tp = metric_variable([], dtypes.float64, name=s)
            tp_update = assign_add(tp, reduce_sum(tp_rows), name="update")
        with graph.name_scope(f"{other_name}_at_{k}") as s:
            other = metric_variable([], dtypes.float64, name=s)
            other_update = assign_add(other, reduce_sum(other_rows), name="update")
        value = div_no_nan(tp.value(), add(tp.value(), other.value()), name=scope_name)
        update = div_no_nan(tp_update, add(tp_update, other_update), name="update")
        _add_to(metrics_collections, value, graph)
        _add_to(updates_collections, update, graph)
        return value, update


def recall_at_k(labels, predictions, k, class_id=None, weights=None, metrics_collections=None,
                updates_collections=None, name=None):
    """Computes recall@k of the predictions with respect to sparse labels.

    `recall_at_k` creates two local variables, `true_positive_at_<k>` and
    `false_negative_at_<k>`, that are used to compute the recall@k frequency: an
    example's label counts as a true positive when it is among the `k` highest
    `predictions` of the example, as a false negative otherwise.

    Args:
      labels: `int64` `Tensor` of shape [batch] or [batch, 1], the class of each
        example (one label per example in fastgraph). A label outside
        [0, num_classes) is a false negative.
      predictions: Float `Tensor` of shape [batch, num_classes]: the logits.
      k: Integer, k for @k metric.
      class_id: not supported in fastgraph (NotImplementedError unless None).
      weights: `Tensor` of shape [batch], or None.
      metrics_collections: An optional list of collections that values should
        be added to.
      updates_collections: An optional list of collections that updates should
        be added to.
      name: Name of new update operation, and namespace for other dependent ops.

    Returns:
      recall: Scalar `float64` `Tensor` with the value of `true_positives` divided
        by the sum of `true_positives` and `false_negatives`.
      update_op: `Operation` that increments `true_positives` and
        `false_negatives` variables appropriately, and whose value matches
        `recall`.
    """
    return _at_k("recall", labels, predictions, k, class_id, weights, metrics_collections,
                 updates_collections, name)


def precision_at_k(labels, predictions, k, class_id=None, weights=None,
                   metrics_collections=None, updates_collections=None, name=None):
    """Computes precision@k of the predictions with respect to sparse labels.

    `precision_at_k` creates two local variables, `true_positive_at_<k>` and
    `false_positive_at_<k>`: of the `k` highest `predictions` of an example, the
    one equal to its label (if any) is a true positive, the others false
    positives.

    Args:
      labels: `int64` `Tensor` of shape [batch] or [batch, 1], the class of each
        example (one label per example in fastgraph).
      predictions: Float `Tensor` of shape [batch, num_classes]: the logits.
      k: Integer, k for @k metric.
      class_id: not supported in fastgraph (NotImplementedError unless None).
      weights: `Tensor` of shape [batch], or None.
      metrics_collections: An optional list of collections that values should
        be added to.
      updates_collections: An optional list of collections that updates should
        be added to.
      name: Name of new update operation, and namespace for other dependent ops.

    Returns:
      precision: Scalar `float64` `Tensor` with the value of `true_positives`
        divided by the sum of `true_positives` and `false_positives`.
      update_op: `Operation` that increments `true_positives` and
        `false_positives` variables appropriately, and whose value matches
        `precision`.
    """
    return _at_k("precision", labels, predictions, k, class_id, weights, metrics_collections,
                 updates_collections, name)


sparse_precision_at_k = precision_at_k


def recall_at_top_k(labels, predictions_idx, k=None, class_id=None, weights=None,
                    metrics_collections=None, updates_collections=None, name=None):
    """Computes recall@k of top-k predictions with respect to sparse labels.

    Differs from `recall_at_k` in that predictions must be in the form of top
    `k` class indices, whereas `recall_at_k` expects logits.

    Args:
      labels: `int64` `Tensor` of shape [batch] or [batch, 1], the class of each
        example (one label per example in fastgraph).
      predictions_idx: Integer `Tensor` with shape [batch, k]: the top `k`
        predicted classes of each example.
      k: Integer, k for @k metric. Only used for the default op name.
      class_id: not supported in fastgraph (NotImplementedError unless None).
      weights: `Tensor` of shape [batch], or None.
      metrics_collections: An optional list of collections that values should
        be added to.
      updates_collections: An optional list of collections that updates should
        be added to.
      name: Name of new update operation, and namespace for other dependent ops.

    Returns:
      recall: Scalar `float64` `Tensor` with the value of `true_positives` divided
        by the sum of `true_positives` and `false_negatives`.
      update_op: `Operation` that increments `true_positives` and
        `false_negatives` variables appropriately, and whose value matches
        `recall`.
    """
    k = _top_k_width(predictions_idx, k)
    return _at_k("recall", labels, None, k, class_id, weights, metrics_collections,
                 updates_collections, name, predictions_idx=predictions_idx)


def precision_at_top_k(labels, predictions_idx, k=None, class_id=None, weights=None,
                       metrics_collections=None, updates_collections=None, name=None):
    """Computes precision@k of the predictions with respect to sparse labels.

    Differs from `precision_at_k` in that predictions must be in the form of
    top `k` class indices, whereas `precision_at_k` expects logits.

    Args:
      labels: `int64` `Tensor` of shape [batch] or [batch, 1], the class of each
        example (one label per example in fastgraph).
      predictions_idx: Integer `Tensor` with shape [batch, k]: the top `k`
        predicted classes of each example.
      k: Integer, k for @k metric. Only used for the default op name.
      class_id: not supported in fastgraph (NotImplementedError unless None).
      weights: `Tensor` of shape [batch], or None.
      metrics_collections: An optional list of collections that values should
        be added to.
      updates_collections: An optional list of collections that updates should
        be added to.
      name: Name of new update operation, and namespace for other dependent ops.

    Returns:
      precision: Scalar `float64` `Tensor` with the value of `true_positives`
        divided by the sum of `true_positives` and `false_positives`.
      update_op: `Operation` that increments `true_positives` and
        `false_positives` variables appropriately, and whose value matches
        `precision`.
    """
    k = _top_k_width(predictions_idx, k)
    return _at_k("precision", labels, None, k, class_id, weights, metrics_collections,
                 updates_collections, name, predictions_idx=predictions_idx)


def _top_k_width(predictions_idx, k):
    """`k`, else the (static) last dimension of `predictions_idx`."""
    if k is not None:
        return int(k)
    shape = predictions_idx.shape
    width = shape.as_tuple()[-1] if hasattr(shape, "as_tuple") else shape[-1]
    if width is None:
        raise ValueError("The last dimension of predictions_idx must be set. Currently, it is "
                         "None.")
    return int(width)
