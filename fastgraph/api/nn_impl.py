"""tf.nn's functions built from existing ops as TensorFlow builds them (TF's
nn_impl and embedding_ops): the sigmoid and weighted cross-entropies,
embedding_lookup, swish (silu), gelu and fused_batch_norm."""

import numbers

from ..framework import dtypes
from ..framework.constant_op import convert_to_tensor
from ..framework.dtype_sets import check_dtype
from ..framework.graph import Tensor
from ..ops.arguments import graph_of, scope_of, tensor_or_constant, to_tensor
from ..ops.array_ops import identity, reshape, shape as _shape, squeeze
from ..ops.elementwise import (
    abs as _abs, add, cast, erf, exp, greater_equal, log1p, maximum, multiply, negative, realdiv,
    rsqrt, sigmoid, square, squared_difference, subtract, tanh, truediv,
)
from ..ops.indexing_ops import gather, size as _size, where, zeros_like
from ..ops.linalg_ops import matmul
from ..ops.nn_ops import bias_add, relu
from ..ops.reduction_ops import reduce_mean, reduce_sum, reduction_axes
from .clip_ops import clip_by_norm
from .math_ops import count_nonzero

__all__ = []
NN = ["sigmoid_cross_entropy_with_logits", "weighted_cross_entropy_with_logits",
      "embedding_lookup", "swish", "silu", "gelu", "zero_fraction", "fused_batch_norm",
      "moments", "batch_normalization", "l2_normalize"]
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

def _channel_params(x_rank, data_format, param):
    """`param` ([C]) shaped to broadcast against x in `data_format`."""
    if data_format.startswith("NC"):
        return reshape(param, [-1] + [1] * (x_rank - 2))
    return param


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
    # y is the op `name` itself ("FusedBatchNormV3:0", as TF's output 0); the
    # ops that compute it go under "<name>/".
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
        epsilon = float(epsilon)
        rank = rank or len(data_format)
        if is_training:
            axes = [0] + list(range(2, rank)) if data_format.startswith("NC") \
                else list(range(rank - 1))
            batch_mean, batch_var = moments(x, axes)
            use_mean, use_var = batch_mean, batch_var
        else:
            use_mean, use_var = mean, variance
        # As TF's kernel: (x - mean) * (rsqrt(variance + epsilon) * scale) + offset.
        inv = multiply(rsqrt(add(use_var, epsilon)), scale)
        centered = subtract(x, _channel_params(rank, data_format, use_mean))
        scaled = multiply(centered, _channel_params(rank, data_format, inv))
        with graph.name_scope(None if "/" not in op_name else op_name.rsplit("/", 1)[0] + "/"):
            y = add(scaled, _channel_params(rank, data_format, offset), name=base_name)
        if not is_training:
            return y, identity(mean, name="batch_mean"), identity(variance,
                                                                 name="batch_variance")
        # The batch variance is returned with Bessel's correction, n / (n - 1).
        n = realdiv(cast(_size(x), dtypes.float32),
                    cast(_shape(x)[1 if data_format.startswith("NC") else -1], dtypes.float32))
        corrected = multiply(batch_var, realdiv(n, maximum(subtract(n, 1.0), 1.0)))
        if exponential_avg_factor == 1.0:
            return y, identity(batch_mean, name="batch_mean"), identity(
                corrected, name="batch_variance")
        f = float(exponential_avg_factor)
        run_mean = add(multiply(mean, 1.0 - f), multiply(batch_mean, f), name="batch_mean")
        run_var = add(multiply(variance, 1.0 - f), multiply(corrected, f),
                      name="batch_variance")
        return y, run_mean, run_var


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
