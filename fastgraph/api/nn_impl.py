"""tf.nn's functions built from existing ops as TensorFlow builds them (TF's
nn_impl and embedding_ops): the sigmoid and weighted cross-entropies,
embedding_lookup, swish (silu), gelu and fused_batch_norm."""

import math
import numbers

import numpy as np

from ..framework import dtypes
from ..framework.constant_op import convert_to_tensor
from ..framework.dtype_sets import check_dtype
from ..framework.graph import Tensor
from ..ops.arguments import graph_of, scope_of, tensor_or_constant, to_tensor
from ..ops.array_ops import (
    concat, expand_dims, identity, reshape, shape as _shape, slice as array_slice, squeeze, stack,
    stop_gradient,
)
from ..ops.elementwise import (
    abs as _abs, add, cast, equal, erf, exp, greater_equal, less_equal, log, log1p, logical_and,
    logical_not, maximum,
    multiply, negative, realdiv,
    rsqrt, sigmoid, square, squared_difference, subtract, tanh, truediv,
)
from ..ops.batch_norm_ops import fused_batch_norm_v3
from ..ops.indexing_ops import fill, gather, ones_like, size as _size, where, zeros_like
from ..ops.linalg_ops import matmul
from ..ops.nn_ops import bias_add, relu, softmax_cross_entropy_with_logits
from ..ops.random_ops import log_uniform_candidate_sampler
from ..ops.reduction_ops import reduce_any, reduce_mean, reduce_prod, reduce_sum, reduction_axes
from ..ops.indexing_ops import rank as _rank
from ..ops.elementwise import reciprocal
from .clip_ops import clip_by_norm
from .math_ops import count_nonzero, div_no_nan

__all__ = []
NN = ["sigmoid_cross_entropy_with_logits", "weighted_cross_entropy_with_logits",
      "embedding_lookup", "swish", "silu", "gelu", "zero_fraction", "fused_batch_norm",
      "moments", "batch_normalization", "l2_normalize",
      # training: the losses of tf.nn
      "log_poisson_loss", "softmax_cross_entropy_with_logits_v2", "nce_loss",
      "sampled_softmax_loss"]
MATH = ["l2_normalize", "zero_fraction"]
LINALG = ["l2_normalize"]


def _xent_tensors(graph, labels, logits):
    logits = tensor_or_constant(graph, logits, name="logits")
    labels = tensor_or_constant(graph, labels, name="labels")
    if not labels.shape.is_compatible_with(logits.shape):
        raise ValueError(f"`logits` and `labels` must have the same shape, received "
                         f"({logits.shape} vs {labels.shape}).")
    return labels, logits


def sigmoid_cross_entropy_with_logits(labels=None, logits=None, name=None):
    """Computes sigmoid cross entropy given `logits`.

    Measures the probability error in tasks with two outcomes in which each
    outcome is independent and need not have a fully certain label. For instance,
    one could perform a regression where the probability of an event happening is
    known and used as a label. This loss may also be used for binary
    classification, where labels are either zero or one.

    For brevity, let `x = logits`, `z = labels`.  The logistic loss is

          z * -log(sigmoid(x)) + (1 - z) * -log(1 - sigmoid(x))
        = x - x * z + log(1 + exp(-x))

    For x < 0, to avoid overflow in exp(-x), we reformulate the above

          x - x * z + log(1 + exp(-x))
        = - x * z + log(1 + exp(x))

    Hence, to ensure stability and avoid overflow, the implementation uses this
    equivalent formulation

        max(x, 0) - x * z + log(1 + exp(-abs(x)))

    `logits` and `labels` must have the same type and shape.

    Args:
      labels: A `Tensor` of the same type and shape as `logits`. Between 0 and 1,
        inclusive.
      logits: A `Tensor` of type `float32` or `float64`. Any real number.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of the same shape as `logits` with the componentwise
      logistic losses.

    Raises:
      ValueError: If `logits` and `labels` do not have the same shape.
    """
    if labels is None or logits is None:
        raise ValueError("Both `labels` and `logits` must be provided for "
                         f"sigmoid_cross_entropy_with_logitsReceived: labels={labels} and "
                         f"logits={logits}")
    graph, scope = scope_of([logits, labels], name, "logistic_loss")
    with graph.as_default(), scope as scope_name:
        labels, logits = _xent_tensors(graph, labels, logits)
        zeros_ = zeros_like(logits, dtype=logits.dtype)
        cond = greater_equal(logits, zeros_)
        relu_logits = where(cond, logits, zeros_)
        neg_abs_logits = where(cond, negative(logits), logits)
        return add(subtract(relu_logits, multiply(logits, labels)),
                   log1p(exp(neg_abs_logits)), name=scope_name)


def weighted_cross_entropy_with_logits(labels=None, logits=None, pos_weight=None, name=None,
                                       targets=None):
    """Computes a weighted cross entropy.

    This is like `sigmoid_cross_entropy_with_logits()` except that `pos_weight`,
    allows one to trade off recall and precision by up- or down-weighting the
    cost of a positive error relative to a negative error.

    The usual cross-entropy cost is defined as:

        labels * -log(sigmoid(logits)) +
            (1 - labels) * -log(1 - sigmoid(logits))

    A value `pos_weight > 1` decreases the false negative count, hence increasing
    the recall. Conversely setting `pos_weight < 1` decreases the false positive
    count and increases the precision. The argument `pos_weight` is used as a
    multiplier for the positive targets:

        labels * -log(sigmoid(logits)) * pos_weight +
            (1 - labels) * -log(1 - sigmoid(logits))

    For brevity, let `x = logits`, `z = labels`, `q = pos_weight`. Setting
    `l = (1 + (q - 1) * z)`, to ensure stability and avoid overflow, the
    implementation uses

        (1 - z) * x + l * (log(1 + exp(-abs(x))) + max(-x, 0))

    `logits` and `labels` must have the same type and shape.

    Raises:
      ValueError: If `logits` and `labels` do not have the same shape.
    """
    if targets is not None:
        labels = targets
    graph, scope = scope_of([logits, labels], name, "logistic_loss")
    with graph.as_default(), scope as scope_name:
        labels, logits = _xent_tensors(graph, labels, logits)
        # Python arithmetic for a Python pos_weight, as TF's `pos_weight - 1`.
        weight_m1 = pos_weight - 1 if isinstance(pos_weight, numbers.Number) else \
            subtract(pos_weight, 1)
        log_weight = add(1, multiply(weight_m1, labels))
        return add(multiply(subtract(1, labels), logits),
                   multiply(log_weight, add(log1p(exp(negative(_abs(logits)))),
                                            relu(negative(logits)))), name=scope_name)


def embedding_lookup(params, ids, partition_strategy="mod", name=None, validate_indices=True,
                     max_norm=None):
    """Looks up embeddings for the given `ids` from a list of tensors.

    This function is used to perform parallel lookups on the list of tensors in
    `params`. It is a generalization of `tf.gather`, where `params` is
    interpreted as a partitioning of a large embedding tensor. `params` may be
    a single tensor (or Variable), or a list of one: partitioned lists of
    several tensors raise NotImplementedError in fastgraph.

    Args:
      params: A single tensor representing the complete embedding tensor, or a
        list of one such tensor.
      ids: A `Tensor` with type `int32` or `int64` containing the ids to be looked
        up in `params`.
      partition_strategy: A string specifying the partitioning strategy, relevant
        if `len(params) > 1`. Currently `"div"` and `"mod"` are supported. Default
        is `"mod"`.
      name: A name for the operation (optional).
      validate_indices: DEPRECATED. If this operation is assigned to CPU, values
        in `indices` are always validated to be within range.
      max_norm: If not `None`, each embedding is clipped if its l2-norm is larger
        than this value.

    Returns:
      A `Tensor` with the same type as the tensors in `params`.

    Raises:
      ValueError: If `params` is empty.
    """
    if params is None:
        raise ValueError("params must be specified")
    if isinstance(params, (list, tuple)) and not params:
        raise ValueError("Length of params is currently 0. Need at least one param.")
    if isinstance(params, (list, tuple)):
        params = list(params)
    else:
        params = [params]
    if len(params) > 1:
        raise NotImplementedError(
            f"fastgraph's embedding_lookup takes one params tensor, not a partitioned list of "
            f"{len(params)} (partition_strategy={partition_strategy!r})")
    graph, scope = scope_of(params + [ids], name, "embedding_lookup")
    with graph.as_default(), scope as scope_name:
        p = params[0]
        p = convert_to_tensor(p) if not isinstance(p, Tensor) and \
            hasattr(p, "_as_graph_element") else tensor_or_constant(graph, p, name="params")
        ids = tensor_or_constant(graph, ids, name="ids")
        result = gather(p, ids, name=scope_name)
        if max_norm is not None:
            # Each embedding: the result's dims after those of `ids`.
            ids_rank, result_rank = ids.shape.rank, result.shape.rank
            if ids_rank is None or result_rank is None:
                raise NotImplementedError("embedding_lookup's max_norm needs the ranks of "
                                          "params and ids")
            result = clip_by_norm(result, max_norm, axes=list(range(ids_rank, result_rank)))
        return identity(result)


def swish(features, beta=1.0):
    """Computes the SiLU or Swish activation function: `x * sigmoid(beta * x)`.

    beta : Hyperparameter for Swish activation function. Default value 1.0.

    The SiLU activation function was introduced in "Gaussian Error Linear Units
    (GELUs)" [Hendrycks et al. 2016](https://arxiv.org/abs/1606.08415) and
    "Sigmoid-Weighted Linear Units for Neural Network Function Approximation in
    Reinforcement Learning"
    [Elfwing et al. 2017](https://arxiv.org/abs/1702.03118) and was independently
    discovered (and called swish) in "Searching for Activation Functions"
    [Ramachandran et al. 2017](https://arxiv.org/abs/1710.05941)

    Args:
      features: A `Tensor` representing preactivation values.
      beta: A 'Tensor' representing value of beta hyperparameter.

    Returns:
      The activation value.
    """
    graph = graph_of([features, beta])
    with graph.as_default():
        features = tensor_or_constant(graph, features, name="features")
        beta = cast(tensor_or_constant(graph, beta, name="beta"), features.dtype)
        return multiply(features, sigmoid(multiply(beta, features)))


silu = swish


def gelu(features, approximate=False, name=None):
    """Compute the Gaussian Error Linear Unit (GELU) activation function.

    Gaussian error linear unit (GELU) computes
    `x * P(X <= x)`, where `P(X) ~ N(0, 1)`.
    The (GELU) nonlinearity weights inputs by their value, rather than gates
    inputs by their sign as in ReLU.

    Args:
      features: A `float Tensor` representing preactivation values.
      approximate: An optional `bool`. Defaults to `False`. Whether to enable
        approximation (the tanh form,
        `0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3)))`); else
        `0.5 * x * (1 + erf(x / sqrt(2)))`.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` with the same type as `features`.

    Raises:
      ValueError: if `features` is not a floating point `Tensor`.
    """
    graph, scope = scope_of([features], name, "Gelu")
    with graph.as_default(), scope:
        features = tensor_or_constant(graph, features, name="features")
        if not features.dtype.is_floating:
            raise ValueError("`features.dtype` must be a floating point tensor."
                             f"Received:features.dtype={features.dtype}")
        half_x = multiply(0.5, features)
        # TF's math_ops.cast(0.044715, dtype): a float32 constant cast to the dtype.
        if approximate:
            coeff = cast(to_tensor(graph, 0.044715), features.dtype)
            cube = multiply(multiply(features, features), features)
            inner = multiply(0.7978845608028654, add(features, multiply(coeff, cube)))
            return multiply(half_x, add(1.0, tanh(inner)))
        # TF's erfc(-x / sqrt(2)) as 1 - erf(-x / sqrt(2)).
        z = multiply(negative(features), cast(to_tensor(graph, 0.7071067811865476),
                                              features.dtype))
        return multiply(half_x, subtract(1.0, erf(z)))


# ---- batch normalization ---------------------------------------------------------

def fused_batch_norm(x, scale, offset, mean=None, variance=None, epsilon=0.001,
                     data_format="NHWC", is_training=True, name=None,
                     exponential_avg_factor=1.0):
    r"""Batch normalization.

    See Source: [Batch Normalization: Accelerating Deep Network Training by
    Reducing Internal Covariate Shift; S. Ioffe, C. Szegedy]
    (http://arxiv.org/abs/1502.03167).

    Args:
      x: Input `Tensor` of 4 or 5 dimensions (float32 here).
      scale: A `Tensor` of 1 dimension for scaling.
      offset: A `Tensor` of 1 dimension for bias.
      mean: A `Tensor` of 1 dimension for population mean. The shape and meaning
            of this argument depends on the value of is_training and
            exponential_avg_factor as follows:
            is_training==False (inference):
              Mean must be a `Tensor` of the same shape as scale containing the
              estimated population mean computed during training.
            is_training==True and exponential_avg_factor == 1.0:
              Mean must be None.
            is_training==True and exponential_avg_factor != 1.0:
              Mean must be a `Tensor` of the same shape as scale containing the
              exponential running mean.
      variance: A `Tensor` of 1 dimension for population variance. The shape and
            meaning of this argument depends on the value of is_training and
            exponential_avg_factor as follows:
            is_training==False (inference):
              Variance must be a `Tensor` of the same shape as scale containing
              the estimated population variance computed during training.
            is_training==True and exponential_avg_factor == 1.0:
              Variance must be None.
            is_training==True and exponential_avg_factor != 1.0:
              Variance must be a `Tensor` of the same shape as scale containing
              the exponential running variance.
      epsilon: A small float number added to the variance of x.
      data_format: The data format for x. Support "NHWC" (default) or "NCHW" for
                   4D tenors and "NDHWC" or "NCDHW" for 5D tensors.
      is_training: A bool value to specify if the operation is used for
                   training or inference.
      name: A name for this operation (optional).
      exponential_avg_factor: A float number (usually between 0 and 1) used
                              for controlling the decay of the running
                              population average of mean and variance.
                              If set to 1.0, the current batch average is
                              returned.

    Returns:
      y: A 4D or 5D Tensor for the normalized, scaled, offsetted x.
      running_mean: A 1D Tensor for the exponential running mean of x.
                    The output value is (1 - exponential_avg_factor) * mean +
                    exponential_avg_factor * batch_mean), where batch_mean
                    is the mean of the current batch in x.
      running_var: A 1D Tensor for the exponential running variance
                   The output value is (1 - exponential_avg_factor) * variance +
                   exponential_avg_factor * batch_variance), where batch_variance
                   is the variance of the current batch in x (with Bessel's
                   correction).
    """
    if (not is_training or exponential_avg_factor != 1.0) and (mean is None or
                                                               variance is None):
        raise ValueError("Both `mean` and `variance` must be a 1D tensor when is_training is "
                         "False or exponential_avg_factor != 1.0. Received: "
                         f"`mean` {mean!r} and `variance` {variance!r}")
    graph = graph_of([x, scale, offset, mean, variance])
    # The op is `name` itself ("FusedBatchNormV3:0" is y, as TF's output 0);
    # the constants it reads go under "<name>/".
    with graph.as_default():
        op_name = graph.unique_name(name or "FusedBatchNormV3", mark_as_used=False)
        base_name = op_name.rsplit("/", 1)[-1]
    with graph.as_default(), graph.name_scope(op_name + "/"):
        x = to_tensor(graph, x, name="x")
        allowed = (dtypes.float32,)
        check_dtype(x, allowed, "FusedBatchNormV3", "x")
        scale = to_tensor(graph, scale, dtype=dtypes.float32)
        offset = to_tensor(graph, offset, dtype=dtypes.float32)
        if mean is not None:
            mean = to_tensor(graph, mean, dtype=dtypes.float32)
            variance = to_tensor(graph, variance, dtype=dtypes.float32)
        formats = {4: ("NHWC", "NCHW"), 5: ("NDHWC", "NCDHW")}
        rank = x.shape.rank
        if rank is not None and rank not in formats:
            raise ValueError(f"Shape must be rank 4 but is rank {rank} for "
                             "'{{node FusedBatchNormV3}} = FusedBatchNormV3[T=DT_FLOAT, "
                             "U=DT_FLOAT]'")
        if data_format not in ("NHWC", "NCHW", "NDHWC", "NCDHW"):
            raise ValueError(f"Invalid data format: {data_format}")
        if rank is not None and data_format not in formats[rank]:
            raise ValueError(f"Invalid data format {data_format} for a rank-{rank} input")
        channels = None if rank is None else x.shape.as_tuple()[
            1 if data_format.startswith("NC") else -1]
        for what, t in (("scale", scale), ("offset", offset), ("mean", mean),
                        ("variance", variance)):
            if t is None:
                continue
            if t.shape.rank not in (None, 1):
                raise ValueError(f"Shape must be rank 1 but is rank {t.shape.rank}")
            size = t.shape.as_tuple()[0] if t.shape.rank == 1 else None
            if channels is not None and size is not None and size != channels:
                raise ValueError(f"Dimensions must be equal, but are {channels} and {size} "
                                 f"for '{what}'")
        if mean is None:  # training with the batch's statistics only: TF feeds empty ones
            mean = to_tensor(graph, np.zeros(0, np.float32))
            variance = to_tensor(graph, np.zeros(0, np.float32))
        with graph.name_scope(None if "/" not in op_name else op_name.rsplit("/", 1)[0] + "/"):
            y, running_mean, running_var = fused_batch_norm_v3(
                x, scale, offset, mean, variance, epsilon=epsilon,
                exponential_avg_factor=exponential_avg_factor, data_format=data_format,
                is_training=is_training, name=base_name)[:3]
        return y, running_mean, running_var


def moments(x, axes, shift=None, keepdims=False, name=None, keep_dims=None):
    """Calculates the mean and variance of `x` over `axes`; returns (mean, variance)."""
    if keep_dims is not None:
        keepdims = keep_dims
    graph = graph_of([x])
    with graph.as_default(), graph.name_scope(name or "moments"):
        x = to_tensor(graph, x)
        mean = reduce_mean(x, axes, keepdims=True, name="mean")
        variance = reduce_mean(squared_difference(x, mean), axes, keepdims=True,
                               name="variance")
        if not keepdims:
            # As TF: axes=[] squeezes every size-1 dim.
            axes_list = list(reduction_axes(axes, x.shape.rank))
            mean = squeeze(mean, axes_list)
            variance = squeeze(variance, axes_list)
        return mean, variance


def batch_normalization(x, mean, variance, offset, scale, variance_epsilon, name=None):
    """Batch normalization: `scale * (x - mean) / sqrt(variance + epsilon) + offset`,
    computed as TF does (`x * inv + (offset - mean * inv)`)."""
    graph = graph_of([x, mean, variance, offset, scale])
    with graph.as_default(), graph.name_scope(name or "batchnorm"):
        x = to_tensor(graph, x)
        inv = rsqrt(add(to_tensor(graph, variance, dtype=x.dtype), variance_epsilon))
        if scale is not None:
            inv = multiply(inv, to_tensor(graph, scale, dtype=x.dtype))
        mean_inv = multiply(to_tensor(graph, mean, dtype=x.dtype), inv)
        shift = subtract(to_tensor(graph, offset, dtype=x.dtype), mean_inv) \
            if offset is not None else negative(mean_inv)
        return add(multiply(x, inv), shift)


def l2_normalize(x, axis=None, epsilon=1e-12, name=None, dim=None):
    """Normalizes along dimension `axis` using an L2 norm:
    `x / sqrt(max(sum(x**2), epsilon))`."""
    if dim is not None:
        axis = dim
    graph = graph_of([x])
    with graph.as_default(), graph.name_scope(name or "l2_normalize"):
        x = to_tensor(graph, x)
        square_sum = reduce_sum(square(x), axis, keepdims=True)
        return multiply(x, rsqrt(maximum(square_sum, epsilon)))


def zero_fraction(value, name=None):
    """Returns the fraction of zeros in `value`.

    If `value` is empty, the result is `nan`.

    This is useful in summaries to measure and report sparsity.

    Args:
      value: A tensor of numeric type.
      name: A name for the operation (optional).

    Returns:
      The fraction of zeros in `value`, with type `float32`.
    """
    graph, scope = scope_of([value], name, "zero_fraction")
    with graph.as_default(), scope:
        value = tensor_or_constant(graph, value, name="value")
        size = _size(value, out_type=dtypes.int64)
        num_nonzero = count_nonzero(value, dtype=dtypes.int64)
        with graph.name_scope("counts_to_fraction"):
            num_zero = subtract(size, num_nonzero)
            fraction = truediv(cast(num_zero, dtypes.float32), cast(size, dtypes.float32))
        return identity(fraction, name="fraction")


# ---- training: the losses of tf.nn -------------------------------------------------


def log_poisson_loss(targets, log_input, compute_full_loss=False, name=None):
    """Computes log Poisson loss given `log_input`.

    Gives the log-likelihood loss between the prediction and the target under the
    assumption that the target has a Poisson distribution.
    Caveat: By default, this is not the exact loss, but the loss minus a
      constant term [log(z!)]. That has no effect for optimization, but
      does not play well with relative loss comparisons. To compute an
      approximation of the log factorial term, specify
      compute_full_loss=True to enable Stirling's Approximation.

    For brevity, let `c = log(x) = log_input`, `z = targets`.  The log Poisson
    loss is

          -log(exp(-x) * (x^z) / z!)
        = -log(exp(-x) * (x^z)) + log(z!)
        ~ -log(exp(-x)) - log(x^z) [+ z * log(z) - z + 0.5 * log(2 * pi * z)]
            [ Note the second term is the Stirling's Approximation for log(z!).
              It is invariant to x and does not affect optimization, though
              important for correct relative loss comparisons. It is only
              computed when compute_full_loss == True. ]
        = x - z * log(x) [+ z * log(z) - z + 0.5 * log(2 * pi * z)]
        = exp(c) - z * c [+ z * log(z) - z + 0.5 * log(2 * pi * z)]

    Args:
      targets: A `Tensor` of the same type and shape as `log_input`.
      log_input: A `Tensor` of type `float32` or `float64`.
      compute_full_loss: whether to compute the full loss. If false, a constant
        term is dropped in favor of more efficient optimization.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of the same shape as `log_input` with the componentwise
      logistic losses.

    Raises:
      ValueError: If `log_input` and `targets` do not have the same shape.
    """
    graph, scope = scope_of([log_input, targets], name, "log_poisson_loss")
    with graph.as_default(), scope as scope_name:
        log_input = tensor_or_constant(graph, log_input, name="log_input")
        targets = tensor_or_constant(graph, targets, name="targets")
        if not log_input.shape.is_compatible_with(targets.shape):
            raise ValueError("`log_input` and `targets` must have the same shape, received "
                             f"({log_input.shape} vs {targets.shape}).")
        result = subtract(exp(log_input), multiply(log_input, targets))
        if not compute_full_loss:
            return identity(result, name=scope_name)
        stirling_approx = add(subtract(multiply(targets, log(targets)), targets),
                              multiply(0.5, log(multiply(2 * math.pi, targets))))
        zeros_ = zeros_like(targets)
        small = logical_and(greater_equal(targets, zeros_),
                            less_equal(targets, ones_like(targets)))
        return add(result, where(small, zeros_, stirling_approx), name=scope_name)


def softmax_cross_entropy_with_logits_v2(labels, logits, axis=-1, name=None, dim=None):
    """Computes softmax cross entropy between `logits` and `labels`.

    Measures the probability error in discrete classification tasks in which the
    classes are mutually exclusive (each entry is in exactly one class). Each row
    of `labels` must be a valid probability distribution. Backpropagation happens
    into both `logits` and `labels` (TF1's `softmax_cross_entropy_with_logits`
    stops it at the labels).

    Args:
      labels: Each vector along the class dimension should hold a valid
        probability distribution.
      logits: Unscaled log probabilities.
      axis: The class dimension. Defaulted to -1 which is the last dimension.
      name: A name for the operation (optional).
      dim: Deprecated alias for axis.

    Returns:
      A `Tensor` that contains the softmax cross entropy loss. Its type is the
      same as `logits` and its shape is the same as `labels` except that it does
      not have the last dimension of `labels`.
    """
    return softmax_cross_entropy_with_logits(labels=labels, logits=logits,
                                             axis=axis if dim is None else dim, name=name)


def softmax_cross_entropy_with_logits_v1(_sentinel=None, labels=None, logits=None, dim=-1,
                                         name=None, axis=None):
    """Computes softmax cross entropy between `logits` and `labels` (TF1's
    `tf.compat.v1.nn.softmax_cross_entropy_with_logits`).

    As `softmax_cross_entropy_with_logits_v2`, except that no gradient flows
    into `labels` (they pass through `stop_gradient`). Named arguments only.

    Args:
      _sentinel: Used to prevent positional parameters. Internal, do not use.
      labels: Each vector along the class dimension should hold a valid
        probability distribution.
      logits: Per-label activations, typically a linear output.
      dim: The class dimension. Defaulted to -1 which is the last dimension.
      name: A name for the operation (optional).
      axis: Alias for dim.

    Returns:
      A `Tensor` that contains the softmax cross entropy loss.
    """
    if _sentinel is not None:
        raise ValueError("Only call `softmax_cross_entropy_with_logits` with named arguments "
                         "(labels=..., logits=..., ...).")
    if labels is None or logits is None:
        raise ValueError("Both labels and logits must be provided.")
    graph = graph_of([labels, logits])
    with graph.as_default():
        labels = stop_gradient(tensor_or_constant(graph, labels, name="labels"))
    return softmax_cross_entropy_with_logits(labels=labels, logits=logits,
                                             axis=dim if axis is None else axis, name=name)


# ---- training: sampled losses ----------------------------------------------------------

_FLT_MAX = float(np.finfo(np.float32).max)


def _sum_rows(x):
    """The sum of each row of a matrix, as TF computes it (a product with a
    column of ones)."""
    cols = _shape(x)[1]
    ones = fill(stack([cols, 1]), cast(1, x.dtype))
    return reshape(matmul(x, ones), [-1])


def _compute_sampled_logits(weights, biases, labels, inputs, num_sampled, num_classes,
                            num_true=1, sampled_values=None, subtract_log_q=True,
                            remove_accidental_hits=False, partition_strategy="mod", name=None,
                            seed=None):
    """The logits of the true and the sampled classes of each example, and
    their labels (1 / num_true for the true ones, 0 for the sampled):
    ([batch, num_true + num_sampled], same)."""
    weights = list(weights) if isinstance(weights, (list, tuple)) else [weights]
    graph = graph_of(weights + [biases, inputs, labels])
    with graph.as_default(), graph.name_scope(name or "compute_sampled_logits"):
        labels = cast(to_tensor(graph, labels), dtypes.int64)
        inputs = to_tensor(graph, inputs)
        labels_flat = reshape(labels, [-1])
        if sampled_values is None:
            sampled_values = log_uniform_candidate_sampler(
                true_classes=labels, num_true=num_true, num_sampled=num_sampled, unique=True,
                range_max=num_classes, seed=seed)
        sampled, true_expected_count, sampled_expected_count = (
            stop_gradient(to_tensor(graph, v)) for v in sampled_values)
        sampled = cast(sampled, dtypes.int64)
        all_ids = concat([labels_flat, sampled], 0)
        all_w = embedding_lookup(weights, all_ids, partition_strategy=partition_strategy)
        if all_w.dtype != inputs.dtype:
            all_w = cast(all_w, inputs.dtype)
        n_true = _shape(labels_flat)[0]
        true_w = array_slice(all_w, [0, 0], stack([n_true, -1]))
        sampled_w = array_slice(all_w, stack([n_true, 0]), [-1, -1])
        sampled_logits = matmul(inputs, sampled_w, transpose_b=True)
        all_b = embedding_lookup(biases, all_ids, partition_strategy=partition_strategy)
        if all_b.dtype != inputs.dtype:
            all_b = cast(all_b, inputs.dtype)
        true_b = array_slice(all_b, [0], _shape(labels_flat))
        sampled_b = array_slice(all_b, _shape(labels_flat), [-1])
        dim = _shape(true_w)[1:2]
        row_wise_dots = multiply(expand_dims(inputs, 1),
                                 reshape(true_w, concat([[-1, num_true], dim], 0)))
        dots_as_matrix = reshape(row_wise_dots, concat([[-1], dim], 0))
        true_logits = reshape(_sum_rows(dots_as_matrix), [-1, num_true])
        true_logits = add(true_logits, reshape(true_b, [-1, num_true]))
        sampled_logits = add(sampled_logits, sampled_b)
        if remove_accidental_hits:
            # TF's compute_accidental_hits and sparse_to_dense, as a mask: a
            # sampled class equal to one of an example's true classes gets
            # -FLT_MAX added to its logit in that example's row, once, and
            # (TF maps each class to its last position among the samples) at
            # the last of its positions only.
            hits = reduce_any(equal(expand_dims(labels, 2), reshape(sampled, [1, 1, -1])), 1)
            n = int(num_sampled)
            later = to_tensor(graph, np.triu(np.ones((n, n), bool), 1))
            repeated_later = reduce_any(logical_and(
                equal(expand_dims(sampled, 1), expand_dims(sampled, 0)), later), 1)
            hits = logical_and(hits, expand_dims(logical_not(repeated_later), 0))
            sampled_logits = add(sampled_logits,
                                 where(hits, cast(-_FLT_MAX, sampled_logits.dtype),
                                       cast(0.0, sampled_logits.dtype)))
        if subtract_log_q:
            true_logits = subtract(true_logits, log(cast(true_expected_count, inputs.dtype)))
            sampled_logits = subtract(sampled_logits,
                                      log(cast(sampled_expected_count, inputs.dtype)))
        out_logits = concat([true_logits, sampled_logits], 1)
        out_labels = concat([realdiv(ones_like(true_logits), cast(num_true, inputs.dtype)),
                             zeros_like(sampled_logits)], 1)
        return out_logits, out_labels


def nce_loss(weights, biases, labels, inputs, num_sampled, num_classes, num_true=1,
             sampled_values=None, remove_accidental_hits=False, partition_strategy="mod",
             name="nce_loss"):
    """Computes and returns the noise-contrastive estimation training loss.

    See [Noise-contrastive estimation: A new estimation principle for
    unnormalized statistical
    models](https://arxiv.org/abs/1806.03664).
    Also see our [Candidate Sampling Algorithms
    Reference](https://www.tensorflow.org/extras/candidate_sampling.pdf)

    Note: By default this uses a log-uniform (Zipfian) distribution for sampling,
    so your labels must be sorted in order of decreasing frequency to achieve
    good results.  For more details, see
    `tf.random.log_uniform_candidate_sampler`.

    Args:
      weights: A `Tensor` of shape `[num_classes, dim]`, or a list of one: the
        class embeddings.
      biases: A `Tensor` of shape `[num_classes]`.  The class biases.
      labels: A `Tensor` of type `int64` and shape `[batch_size,
          num_true]`. The target classes.
      inputs: A `Tensor` of shape `[batch_size, dim]`.  The forward
          activations of the input network.
      num_sampled: An `int`.  The number of negative classes to randomly sample
          per batch. This single sample of negative classes is evaluated for each
          element in the batch.
      num_classes: An `int`. The number of possible classes.
      num_true: An `int`.  The number of target classes per training example.
      sampled_values: a tuple of (`sampled_candidates`, `true_expected_count`,
          `sampled_expected_count`) returned by a `*_candidate_sampler` function.
          (if None, we default to `log_uniform_candidate_sampler`)
      remove_accidental_hits:  A `bool`.  Whether to remove "accidental hits"
          where a sampled class equals one of the target classes.  If set to
          `True`, this is a "Sampled Logistic" loss instead of NCE, and we are
          learning to generate log-odds instead of log probabilities.  See
          our Candidate Sampling Algorithms Reference
          ([pdf](https://www.tensorflow.org/extras/candidate_sampling.pdf)).
          Default is False.
      partition_strategy: A string specifying the partitioning strategy, relevant
          if `len(weights) > 1`. Currently `"div"` and `"mod"` are supported.
          Default is `"mod"`. See `tf.nn.embedding_lookup` for more details.
      name: A name for the operation (optional).

    Returns:
      A `batch_size` 1-D tensor of per-example NCE losses.
    """
    logits, labels = _compute_sampled_logits(
        weights=weights, biases=biases, labels=labels, inputs=inputs, num_sampled=num_sampled,
        num_classes=num_classes, num_true=num_true, sampled_values=sampled_values,
        subtract_log_q=True, remove_accidental_hits=remove_accidental_hits,
        partition_strategy=partition_strategy, name=name)
    graph = graph_of([logits])
    with graph.as_default():
        sampled_losses = sigmoid_cross_entropy_with_logits(labels=labels, logits=logits,
                                                           name="sampled_losses")
        return _sum_rows(sampled_losses)


def sampled_softmax_loss(weights, biases, labels, inputs, num_sampled, num_classes, num_true=1,
                         sampled_values=None, remove_accidental_hits=True,
                         partition_strategy="mod", name="sampled_softmax_loss", seed=None):
    """Computes and returns the sampled softmax training loss.

    This is a faster way to train a softmax classifier over a huge number of
    classes.

    This operation is for training only.  It is generally an underestimate of
    the full softmax loss.

    A common use case is to use this method for training, and calculate the full
    softmax loss for evaluation or inference.

    See our [Candidate Sampling Algorithms Reference]
    (https://www.tensorflow.org/extras/candidate_sampling.pdf)

    Also see Section 3 of [Jean et al., 2014](http://arxiv.org/abs/1412.2007)
    ([pdf](http://arxiv.org/pdf/1412.2007.pdf)) for the math.

    Args:
      weights: A `Tensor` of shape `[num_classes, dim]`, or a list of one: the
        class embeddings.
      biases: A `Tensor` of shape `[num_classes]`.  The class biases.
      labels: A `Tensor` of type `int64` and shape `[batch_size,
          num_true]`. The target classes.  Note that this format differs from
          the `labels` argument of `nn.softmax_cross_entropy_with_logits`.
      inputs: A `Tensor` of shape `[batch_size, dim]`.  The forward
          activations of the input network.
      num_sampled: An `int`.  The number of classes to randomly sample per batch.
      num_classes: An `int`. The number of possible classes.
      num_true: An `int`.  The number of target classes per training example.
      sampled_values: a tuple of (`sampled_candidates`, `true_expected_count`,
          `sampled_expected_count`) returned by a `*_candidate_sampler` function.
          (if None, we default to `log_uniform_candidate_sampler`)
      remove_accidental_hits:  A `bool`.  whether to remove "accidental hits"
          where a sampled class equals one of the target classes.  Default is
          True.
      partition_strategy: A string specifying the partitioning strategy, relevant
          if `len(weights) > 1`. Currently `"div"` and `"mod"` are supported.
          Default is `"mod"`. See `tf.nn.embedding_lookup` for more details.
      name: A name for the operation (optional).
      seed: random seed for candidate sampling. Default to None, which doesn't set
          the op-level random seed for candidate sampling.

    Returns:
      A `batch_size` 1-D tensor of per-example sampled softmax losses.
    """
    logits, labels = _compute_sampled_logits(
        weights=weights, biases=biases, labels=labels, inputs=inputs, num_sampled=num_sampled,
        num_classes=num_classes, num_true=num_true, sampled_values=sampled_values,
        subtract_log_q=True, remove_accidental_hits=remove_accidental_hits,
        partition_strategy=partition_strategy, name=name, seed=seed)
    graph = graph_of([logits])
    with graph.as_default():
        labels = stop_gradient(labels, name="labels_stop_gradient")
        return softmax_cross_entropy_with_logits(labels=labels, logits=logits)

NN += ["xw_plus_b"]


def xw_plus_b(x, weights, biases, name=None):
    """Computes matmul(x, weights) + biases.

    Args:
      x: a 2D tensor.  Dimensions typically: batch, in_units
      weights: a 2D tensor.  Dimensions typically: in_units, out_units
      biases: a 1D tensor.  Dimensions: out_units
      name: A name for the operation (optional).  If not specified
        "xw_plus_b" is used.

    Returns:
      A 2-D Tensor computing matmul(x, weights) + biases.
      Dimensions typically: batch, out_units.
    """
    graph, scope = scope_of([x, weights, biases], name, "xw_plus_b")
    with graph.as_default(), scope as scope_name:
        x = tensor_or_constant(graph, x, name="x")
        weights = tensor_or_constant(graph, weights, name="weights")
        biases = tensor_or_constant(graph, biases, name="biases")
        return bias_add(matmul(x, weights), biases, name=scope_name)


# ---- relu_layer, moments from sufficient statistics, global batch norm --------------

NN += ["relu_layer", "sufficient_statistics", "normalize_moments", "weighted_moments",
       "batch_norm_with_global_normalization"]


def relu_layer(x, weights, biases, name=None):
    """Computes Relu(x * weight + biases).

    Args:
      x: a 2D tensor.  Dimensions typically: batch, in_units
      weights: a 2D tensor.  Dimensions typically: in_units, out_units
      biases: a 1D tensor.  Dimensions: out_units
      name: A name for the operation (optional).  If not specified
        "nn_relu_layer" is used.

    Returns:
      A 2-D Tensor computing relu(matmul(x, weights) + biases).
      Dimensions typically: batch, out_units.
    """
    graph, scope = scope_of([x, weights, biases], name, "relu_layer")
    with graph.as_default(), scope as scope_name:
        x = tensor_or_constant(graph, x, name="x")
        weights = tensor_or_constant(graph, weights, name="weights")
        biases = tensor_or_constant(graph, biases, name="biases")
        return relu(bias_add(matmul(x, weights), biases), name=scope_name)


def sufficient_statistics(x, axes, shift=None, keep_dims=None, name=None, keepdims=None):
    """Calculate the sufficient statistics for the mean and variance of `x`.

    These sufficient statistics are computed using the one pass algorithm on
    an input that's optionally shifted.

    Returns:
      Four `Tensor` objects of the same type as `x`: the count (number of
      elements to average over), the (possibly shifted) sum of the elements
      in the array, the (possibly shifted) sum of squares of the elements in
      the array, and the shift by which the mean must be corrected or None if
      `shift` is None.
    """
    axes = list(set(axes))
    if keepdims is not None:
        keep_dims = keepdims
    keep_dims = bool(keep_dims)
    graph, scope = scope_of([x, shift], name, "sufficient_statistics")
    with graph.as_default(), scope:
        x = tensor_or_constant(graph, x, name="x")
        dims = x.shape.as_tuple() if x.shape.rank is not None else None
        if dims is not None and all(dims[d] is not None for d in axes):
            counts = 1
            for d in axes:
                counts *= dims[d]
            counts = to_tensor(graph, counts, dtype=x.dtype)
        else:  # the counts are known when the graph runs
            # Gather needs the axes non-negative (TF's Pack of rank + axis).
            rank = _rank(x)
            positive_axes = axes
            if any(a < 0 for a in axes):
                positive_axes = stack([add(a, rank) if a < 0 else to_tensor(graph, a)
                                       for a in axes])
            x_dims = gather(cast(_shape(x), x.dtype), positive_axes)
            counts = reduce_prod(x_dims, name="count")
        if shift is not None:
            shift = tensor_or_constant(graph, shift, name="shift")
            m_ss = subtract(x, shift)
            v_ss = squared_difference(x, shift)
        else:
            m_ss = x
            v_ss = square(x)
        m_ss = reduce_sum(m_ss, axes, keepdims=keep_dims, name="mean_ss")
        v_ss = reduce_sum(v_ss, axes, keepdims=keep_dims, name="var_ss")
    return counts, m_ss, v_ss, shift


def normalize_moments(counts, mean_ss, variance_ss, shift, name=None):
    """Calculate the mean and variance of based on the sufficient statistics.

    Args:
      counts: A `Tensor` containing the total count of the data (one value).
      mean_ss: A `Tensor` containing the mean sufficient statistics: the
        (possibly shifted) sum of the elements to average over.
      variance_ss: A `Tensor` containing the variance sufficient statistics:
        the (possibly shifted) squared sum of the data to compute the
        variance over.
      shift: A `Tensor` containing the value by which the data is shifted for
        numerical stability, or `None` if no shift was performed.
      name: Name used to scope the operations that compute the moments.

    Returns:
      Two `Tensor` objects: `mean` and `variance`.
    """
    graph, scope = scope_of([counts, mean_ss, variance_ss, shift], name, "normalize")
    with graph.as_default(), scope:
        divisor = reciprocal(counts, name="divisor")
        if shift is not None:
            shifted_mean = multiply(mean_ss, divisor, name="shifted_mean")
            mean = add(shifted_mean, shift, name="mean")
        else:
            shifted_mean = multiply(mean_ss, divisor, name="mean")
            mean = shifted_mean
        variance = subtract(multiply(variance_ss, divisor), square(shifted_mean),
                            name="variance")
    return mean, variance


def weighted_moments(x, axes, frequency_weights, name=None, keep_dims=None, keepdims=None):
    """Returns the frequency-weighted mean and variance of `x`.

    Args:
      x: A tensor.
      axes: 1-d tensor of int32 values; these are the axes along which
        to compute mean and variance.
      frequency_weights: A tensor of positive weights which can be
        broadcast with x.
      name: Name used to scope the operation.
      keep_dims: Produce moments with the same dimensionality as the input.
      keepdims: Alias of keep_dims.

    Returns:
      Two tensors: `weighted_mean` and `weighted_variance`.
    """
    if keepdims is not None:
        keep_dims = keepdims
    graph, scope = scope_of([x, frequency_weights], name, "weighted_moments")
    with graph.as_default(), scope:
        x = tensor_or_constant(graph, x, name="x")
        frequency_weights = tensor_or_constant(graph, frequency_weights,
                                               name="frequency_weights")
        if frequency_weights.dtype != x.dtype:
            frequency_weights = cast(frequency_weights, x.dtype)
        # keepdims=True throughout, so that the results broadcast against x.
        weighted_input_sum = reduce_sum(multiply(frequency_weights, x), axes,
                                        name="weighted_input_sum", keepdims=True)
        broadcasted_weights = add(frequency_weights, zeros_like(x))
        sum_of_weights = reduce_sum(broadcasted_weights, axes, name="sum_of_weights",
                                    keepdims=True)
        weighted_mean = div_no_nan(weighted_input_sum, sum_of_weights)
        weighted_distsq = reduce_sum(
            multiply(frequency_weights, squared_difference(x, weighted_mean)), axes,
            name="weighted_distsq", keepdims=True)
        weighted_variance = div_no_nan(weighted_distsq, sum_of_weights)
        if not keep_dims:
            weighted_mean = squeeze(weighted_mean, axis=axes)
            weighted_variance = squeeze(weighted_variance, axis=axes)
        return weighted_mean, weighted_variance


def batch_norm_with_global_normalization(t=None, m=None, v=None, beta=None, gamma=None,
                                         variance_epsilon=None,
                                         scale_after_normalization=None, name=None,
                                         input=None, mean=None, variance=None):  # noqa: A002
    """Batch normalization: `batch_normalization` with the global mean `m`
    and variance `v`, the offset `beta`, and `gamma` scaling the result when
    `scale_after_normalization`. (`input`, `mean`, `variance` are the new
    names of `t`, `m`, `v`.)"""
    t = input if input is not None else t
    m = mean if mean is not None else m
    v = variance if variance is not None else v
    return batch_normalization(t, m, v, beta, gamma if scale_after_normalization else None,
                               variance_epsilon, name)
