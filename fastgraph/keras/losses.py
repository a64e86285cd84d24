"""`tf.keras.losses`: the loss functions (per-sample values, reduced over
the last axis) and their classes (reduced over the batch:
`SUM_OVER_BATCH_SIZE` by default), as TF-Keras computes them.

Probabilities are clipped to `[epsilon, 1 - epsilon]` (epsilon 1e-7) before
the log, unless `from_logits`, as TF-Keras does."""

from ..framework import dtypes
from ..framework.constant_op import convert_to_tensor
from ..framework.graph import Tensor
from ..ops import array_ops as _array
from ..ops import elementwise as _ew
from ..ops import reduction_ops as _red
from ..ops.nn_ops import log_softmax, sparse_softmax_cross_entropy_with_logits
from ..api.clip_ops import clip_by_value
from ..api.nn_impl import sigmoid_cross_entropy_with_logits
from . import backend
from ..ops.indexing_ops import where
from ..ops.nn_ops import softplus
from ..api.nn_impl import l2_normalize
from ..ops.indexing_ops import size

__all__ = [
    "Loss", "Reduction", "MeanSquaredError", "MeanAbsoluteError", "MeanAbsolutePercentageError",
    "MeanSquaredLogarithmicError", "BinaryCrossentropy", "CategoricalCrossentropy",
    "SparseCategoricalCrossentropy", "Hinge", "SquaredHinge", "Huber", "KLDivergence",
    "LogCosh", "Poisson", "CosineSimilarity",
    "mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
    "mean_squared_logarithmic_error", "binary_crossentropy", "categorical_crossentropy",
    "sparse_categorical_crossentropy", "hinge", "squared_hinge", "huber", "kl_divergence",
    "kld", "kullback_leibler_divergence", "log_cosh", "logcosh", "poisson", "cosine_similarity",
    "categorical_hinge", "CategoricalHinge", "cosine", "cosine_proximity",
    "mse", "mae", "mape", "msle", "MSE", "MAE", "MAPE", "MSLE", "KLD", "get", "serialize",
    "deserialize",
]


def _pair(y_true, y_pred):
    y_pred = y_pred if isinstance(y_pred, Tensor) else convert_to_tensor(y_pred)
    y_true = y_true if isinstance(y_true, Tensor) else convert_to_tensor(y_true)
    if y_true.dtype != y_pred.dtype:
        y_true = _ew.cast(y_true, y_pred.dtype)
    return y_true, y_pred


def mean_squared_error(y_true, y_pred):
    """Mean squared error over the last axis: `mean(square(y_true - y_pred), axis=-1)`."""
    y_true, y_pred = _pair(y_true, y_pred)
    return _red.reduce_mean(_ew.squared_difference(y_pred, y_true), axis=-1)


def mean_absolute_error(y_true, y_pred):
    """Mean absolute error over the last axis: `mean(abs(y_true - y_pred), axis=-1)`."""
    y_true, y_pred = _pair(y_true, y_pred)
    return _red.reduce_mean(_ew.abs(y_pred - y_true), axis=-1)


def mean_absolute_percentage_error(y_true, y_pred):
    """`100 * mean(abs((y_true - y_pred) / y_true), axis=-1)` (|y_true| at least epsilon)."""
    y_true, y_pred = _pair(y_true, y_pred)
    diff = _ew.abs((y_true - y_pred) / _ew.maximum(_ew.abs(y_true), backend.epsilon()))
    return 100.0 * _red.reduce_mean(diff, axis=-1)


def mean_squared_logarithmic_error(y_true, y_pred):
    """`mean(square(log(y_true + 1) - log(y_pred + 1)), axis=-1)` (clipped at epsilon)."""
    y_true, y_pred = _pair(y_true, y_pred)
    a = _ew.log(_ew.maximum(y_pred, backend.epsilon()) + 1.0)
    b = _ew.log(_ew.maximum(y_true, backend.epsilon()) + 1.0)
    return _red.reduce_mean(_ew.squared_difference(a, b), axis=-1)


def _binary_crossentropy(target, output, from_logits=False):
    target, output = _pair(target, output)
    if from_logits:
        return sigmoid_cross_entropy_with_logits(labels=target, logits=output)
    if output.op.type == "Sigmoid":
        # TF-Keras takes the logits back from a sigmoid output, for stability.
        return sigmoid_cross_entropy_with_logits(labels=target, logits=output.op.inputs[0])
    eps = backend.epsilon()
    output = clip_by_value(output, eps, 1.0 - eps)
    bce = target * _ew.log(output + eps) + (1.0 - target) * _ew.log(1.0 - output + eps)
    return -bce


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Binary crossentropy, averaged over the last axis."""
    y_true, y_pred = _pair(y_true, y_pred)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    return _red.reduce_mean(_binary_crossentropy(y_true, y_pred, from_logits), axis=axis)


def _categorical_crossentropy(target, output, from_logits=False, axis=-1):
    target, output = _pair(target, output)
    if from_logits:
        return -_red.reduce_sum(target * log_softmax(output, axis=axis), axis=axis)
    if output.op.type == "Softmax" and axis in (-1, output.shape.rank - 1):
        return -_red.reduce_sum(target * log_softmax(output.op.inputs[0], axis=axis),
                                axis=axis)
    output = output / _red.reduce_sum(output, axis=axis, keepdims=True)
    eps = backend.epsilon()
    output = clip_by_value(output, eps, 1.0 - eps)
    return -_red.reduce_sum(target * _ew.log(output), axis=axis)


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Categorical crossentropy between one-hot (or soft) targets and
    probabilities (or logits, `from_logits=True`)."""
    y_true, y_pred = _pair(y_true, y_pred)
    if label_smoothing:
        classes = _ew.cast(_array.shape(y_true)[-1], y_pred.dtype)
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / classes
    return _categorical_crossentropy(y_true, y_pred, from_logits, axis)


def _sparse_categorical_crossentropy(target, output, from_logits=False):
    output = output if isinstance(output, Tensor) else convert_to_tensor(output)
    target = target if isinstance(target, Tensor) else convert_to_tensor(target)
    logits = output
    if not from_logits:
        if output.op.type == "Softmax":
            logits = output.op.inputs[0]
        else:
            eps = backend.epsilon()
            logits = _ew.log(clip_by_value(output, eps, 1.0 - eps))
    rank = output.shape.rank
    labels = _ew.cast(_array.reshape(target, [-1]), dtypes.int64)
    flat = _array.reshape(logits, [-1, output.shape.as_list()[-1]]) if rank != 2 else logits
    loss = sparse_softmax_cross_entropy_with_logits(labels=labels, logits=flat)
    if rank is not None and rank > 2:
        loss = _array.reshape(loss, _array.shape(output)[:-1])
    return loss


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, axis=-1,
                                    ignore_class=None):
    """Categorical crossentropy with integer targets."""
    return _sparse_categorical_crossentropy(y_true, y_pred, from_logits)


def hinge(y_true, y_pred):
    """`mean(maximum(1 - y_true * y_pred, 0), axis=-1)` (0/1 targets become -1/1)."""
    y_true, y_pred = _pair(y_true, y_pred)
    y_true = _convert_binary_labels(y_true)
    return _red.reduce_mean(_ew.maximum(1.0 - y_true * y_pred, 0.0), axis=-1)


def squared_hinge(y_true, y_pred):
    """`mean(square(maximum(1 - y_true * y_pred, 0)), axis=-1)`."""
    y_true, y_pred = _pair(y_true, y_pred)
    y_true = _convert_binary_labels(y_true)
    return _red.reduce_mean(_ew.square(_ew.maximum(1.0 - y_true * y_pred, 0.0)), axis=-1)


def _convert_binary_labels(y_true):
    is_binary = _red.reduce_all(_ew.logical_or(_ew.equal(y_true, 0.0), _ew.equal(y_true, 1.0)))
    return where(is_binary, 2.0 * y_true - 1.0, y_true)


def huber(y_true, y_pred, delta=1.0):
    """Huber loss: `0.5 * x^2` if `|x| <= delta`, else `delta * |x| - 0.5 * delta^2`."""
    y_true, y_pred = _pair(y_true, y_pred)
    error = _ew.abs(y_pred - y_true)
    quadratic = _ew.minimum(error, delta)
    linear = error - quadratic
    return _red.reduce_mean(0.5 * _ew.square(quadratic) + delta * linear, axis=-1)


def kl_divergence(y_true, y_pred):
    """`sum(y_true * log(y_true / y_pred), axis=-1)` (both clipped to [eps, 1])."""
    y_true, y_pred = _pair(y_true, y_pred)
    eps = backend.epsilon()
    y_true = clip_by_value(y_true, eps, 1.0)
    y_pred = clip_by_value(y_pred, eps, 1.0)
    return _red.reduce_sum(y_true * _ew.log(y_true / y_pred), axis=-1)


def log_cosh(y_true, y_pred):
    """Logarithm of the hyperbolic cosine of the prediction error."""
    y_true, y_pred = _pair(y_true, y_pred)
    x = y_pred - y_true
    return _red.reduce_mean(x + softplus(-2.0 * x) - 0.6931471805599453, axis=-1)


def poisson(y_true, y_pred):
    """`mean(y_pred - y_true * log(y_pred + epsilon), axis=-1)`."""
    y_true, y_pred = _pair(y_true, y_pred)
    return _red.reduce_mean(y_pred - y_true * _ew.log(y_pred + backend.epsilon()), axis=-1)


def cosine_similarity(y_true, y_pred, axis=-1):
    """The negative cosine similarity between labels and predictions."""
    y_true, y_pred = _pair(y_true, y_pred)
    return -_red.reduce_sum(l2_normalize(y_true, axis=axis) * l2_normalize(y_pred, axis=axis),
                            axis=axis)


def categorical_hinge(y_true, y_pred):
    """`maximum(neg - pos + 1, 0)`: pos `sum(y_true * y_pred)`, neg `max((1 - y_true) * y_pred)`."""
    y_true, y_pred = _pair(y_true, y_pred)
    pos = _red.reduce_sum(y_true * y_pred, axis=-1)
    neg = _red.reduce_max((1.0 - y_true) * y_pred, axis=-1)
    return _ew.maximum(neg - pos + 1.0, 0.0)


mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kullback_leibler_divergence = kl_divergence
cosine = cosine_proximity = cosine_similarity
logcosh = log_cosh


class Reduction:
    """Types of loss reduction."""
    AUTO = "auto"
    NONE = "none"
    SUM = "sum"
    SUM_OVER_BATCH_SIZE = "sum_over_batch_size"

    @classmethod
    def all(cls):
        return (cls.AUTO, cls.NONE, cls.SUM, cls.SUM_OVER_BATCH_SIZE)


def compute_weighted_loss(losses, sample_weight=None, reduction=Reduction.SUM_OVER_BATCH_SIZE):
    """Reduces per-sample losses: times `sample_weight`, then summed
    (`SUM`), divided by the number of elements (`SUM_OVER_BATCH_SIZE`, also
    `AUTO`), or not reduced (`NONE`)."""
    if sample_weight is not None:
        sample_weight = _ew.cast(sample_weight, losses.dtype)
        rank = losses.shape.rank
        if sample_weight.shape.rank is not None and rank is not None and \
                sample_weight.shape.rank > rank:
            sample_weight = _array.squeeze(sample_weight, [-1])
        losses = losses * sample_weight
    if reduction == Reduction.NONE:
        return losses
    total = _red.reduce_sum(losses)
    if reduction == Reduction.SUM:
        return total
    return total / _ew.cast(size(losses), losses.dtype)


class Loss:
    """Loss base class: `__call__(y_true, y_pred, sample_weight)` reduces the
    per-sample values of `call` with the instance's `reduction`."""

    def __init__(self, reduction=Reduction.AUTO, name=None):
        self.reduction = reduction
        self.name = name

    def call(self, y_true, y_pred):
        """The per-sample loss values."""
        raise NotImplementedError("Must be implemented in subclasses.")

    def __call__(self, y_true, y_pred, sample_weight=None):
        graph = backend.get_graph()
        with graph.name_scope(self.name or type(self).__name__.lower()):
            losses = self.call(y_true, y_pred)
            return compute_weighted_loss(losses, sample_weight, self.reduction)

    def get_config(self):
        return {"reduction": self.reduction, "name": self.name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class LossFunctionWrapper(Loss):
    """Wraps a loss function in the `Loss` class."""

    def __init__(self, fn, reduction=Reduction.AUTO, name=None, **kwargs):
        super().__init__(reduction=reduction, name=name)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true, y_pred):
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self):
        config = super().get_config()
        config.update(self._fn_kwargs)
        return config


def _loss_class(fn, default_name, doc, **defaults):
    def __init__(self, reduction=Reduction.AUTO, name=default_name, **kwargs):
        LossFunctionWrapper.__init__(self, fn, reduction=reduction, name=name,
                                     **{**defaults, **kwargs})
    return type(_camel(default_name), (LossFunctionWrapper,), {"__init__": __init__,
                                                                "__doc__": doc})


def _camel(name):
    return "".join(p.capitalize() for p in name.split("_"))


MeanSquaredError = _loss_class(mean_squared_error, "mean_squared_error",
                               "Computes the mean of squares of errors between labels and "
                               "predictions.")
MeanAbsoluteError = _loss_class(mean_absolute_error, "mean_absolute_error",
                                "Computes the mean of absolute difference between labels and "
                                "predictions.")
MeanAbsolutePercentageError = _loss_class(mean_absolute_percentage_error,
                                          "mean_absolute_percentage_error",
                                          "Computes the mean absolute percentage error.")
MeanSquaredLogarithmicError = _loss_class(mean_squared_logarithmic_error,
                                          "mean_squared_logarithmic_error",
                                          "Computes the mean squared logarithmic error.")
BinaryCrossentropy = _loss_class(binary_crossentropy, "binary_crossentropy",
                                 "Computes the cross-entropy loss between true labels and "
                                 "predicted labels.", from_logits=False)
CategoricalCrossentropy = _loss_class(categorical_crossentropy, "categorical_crossentropy",
                                      "Computes the crossentropy loss between the labels and "
                                      "predictions.", from_logits=False)
SparseCategoricalCrossentropy = _loss_class(sparse_categorical_crossentropy,
                                            "sparse_categorical_crossentropy",
                                            "Computes the crossentropy loss between the labels "
                                            "and predictions (integer labels).",
                                            from_logits=False)
Hinge = _loss_class(hinge, "hinge", "Computes the hinge loss between `y_true` & `y_pred`.")
SquaredHinge = _loss_class(squared_hinge, "squared_hinge",
                           "Computes the squared hinge loss between `y_true` & `y_pred`.")
Huber = _loss_class(huber, "huber_loss", "Computes the Huber loss between `y_true` & "
                    "`y_pred`.")
Huber.__name__ = "Huber"
KLDivergence = _loss_class(kl_divergence, "kl_divergence",
                           "Computes Kullback-Leibler divergence loss.")
KLDivergence.__name__ = "KLDivergence"
LogCosh = _loss_class(log_cosh, "log_cosh", "Computes the logarithm of the hyperbolic cosine "
                      "of the prediction error.")
CategoricalHinge = _loss_class(categorical_hinge, "categorical_hinge",
                              "Computes the categorical hinge loss between `y_true` & "
                              "`y_pred`.")
Poisson = _loss_class(poisson, "poisson", "Computes the Poisson loss.")
CosineSimilarity = _loss_class(cosine_similarity, "cosine_similarity",
                               "Computes the cosine similarity between labels and "
                               "predictions.")

_BY_NAME = {n: globals()[n] for n in __all__ if n not in ("get", "serialize", "deserialize",
                                                           "Loss", "Reduction")}


def serialize(loss):
    """The name (function) or config (class) of a loss."""
    if isinstance(loss, Loss):
        return {"class_name": type(loss).__name__, "config": loss.get_config()}
    return getattr(loss, "__name__", loss)


def deserialize(name, custom_objects=None):
    """A loss function or class instance from its name or config."""
    if isinstance(name, dict):
        cls = (custom_objects or {}).get(name["class_name"]) or _BY_NAME[name["class_name"]]
        return cls(**name.get("config", {}))
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    if name not in _BY_NAME:
        raise ValueError(f"Unknown loss function: '{name}'. Please ensure you are using a "
                         "`keras.utils.custom_object_scope` and that this object is included "
                         "in the scope.")
    value = _BY_NAME[name]
    return value() if isinstance(value, type) else value


def get(identifier):
    """A loss function (or Loss instance) for a name, a config, or a callable."""
    if identifier is None:
        return None
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret loss function identifier: {identifier}")
