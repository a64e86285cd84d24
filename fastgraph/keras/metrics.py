"""`tf.keras.metrics`: the metric functions (per-sample values) and the
stateful metric classes (`update_state` adds to "total"/"count"
variables, `result` divides), as TF-Keras has them.

`Model.fit` reports each metric as its mean over the epoch's samples, which
is what TF-Keras's stateful metrics give over an epoch."""

from ..framework import dtypes
from ..framework.constant_op import convert_to_tensor
from ..framework.graph import Tensor, get_default_graph
from ..ops import array_ops as _array
from ..ops import elementwise as _ew
from ..ops import reduction_ops as _red
from ..ops.array_ops import group
from ..ops.sort_ops import in_top_k
from ..ops.indexing_ops import size, zeros_like
from ..ops.state_ops import Variable, assign_add
from . import backend, losses as _losses
from ..framework.graph import GraphKeys
from ..ops.indexing_ops import zeros
from ..framework.graph import control_dependencies

__all__ = [
    "Metric", "Mean", "Sum", "MeanMetricWrapper", "Accuracy", "BinaryAccuracy",
    "CategoricalAccuracy", "SparseCategoricalAccuracy", "TopKCategoricalAccuracy",
    "SparseTopKCategoricalAccuracy", "MeanSquaredError", "MeanAbsoluteError",
    "BinaryCrossentropy", "CategoricalCrossentropy", "SparseCategoricalCrossentropy",
    "accuracy", "binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy",
    "top_k_categorical_accuracy", "sparse_top_k_categorical_accuracy", "mse", "mae",
    "mean_squared_error", "mean_absolute_error", "binary_crossentropy",
    "categorical_crossentropy", "sparse_categorical_crossentropy", "MSE", "MAE", "MAPE",
    "MSLE", "KLD", "mape", "msle", "mean_absolute_percentage_error",
    "mean_squared_logarithmic_error", "hinge", "squared_hinge", "categorical_hinge", "kld",
    "kl_divergence", "kullback_leibler_divergence", "log_cosh", "logcosh", "poisson", "cosine",
    "cosine_proximity", "MeanAbsolutePercentageError", "MeanSquaredLogarithmicError", "Hinge",
    "SquaredHinge", "CategoricalHinge", "KLDivergence", "LogCoshError", "Poisson",
    "CosineSimilarity", "RootMeanSquaredError", "get", "serialize",
    "deserialize",
]


def _pred_true(y_true, y_pred):
    y_pred = y_pred if isinstance(y_pred, Tensor) else convert_to_tensor(y_pred)
    y_true = y_true if isinstance(y_true, Tensor) else convert_to_tensor(y_true)
    return y_true, y_pred


def accuracy(y_true, y_pred):
    """1.0 where `y_pred` equals `y_true`, else 0.0."""
    y_true, y_pred = _pred_true(y_true, y_pred)
    if y_true.dtype != y_pred.dtype:
        y_pred = _ew.cast(y_pred, y_true.dtype)
    return _ew.cast(_ew.equal(y_true, y_pred), backend.floatx())


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """How often predictions above `threshold` match binary labels (mean
    over the last axis)."""
    y_true, y_pred = _pred_true(y_true, y_pred)
    predicted = _ew.cast(_ew.greater(y_pred, threshold), y_pred.dtype)
    return _red.reduce_mean(_ew.cast(_ew.equal(_ew.cast(y_true, y_pred.dtype), predicted),
                                     backend.floatx()), axis=-1)


def categorical_accuracy(y_true, y_pred):
    """How often the arg-max of the predictions matches that of the one-hot labels."""
    y_true, y_pred = _pred_true(y_true, y_pred)
    return _ew.cast(_ew.equal(_red.argmax(y_true, -1), _red.argmax(y_pred, -1)),
                    backend.floatx())


def sparse_categorical_accuracy(y_true, y_pred):
    """How often the arg-max of the predictions matches the integer labels."""
    y_true, y_pred = _pred_true(y_true, y_pred)
    labels = y_true
    if labels.shape.rank is not None and y_pred.shape.rank is not None and \
            labels.shape.rank == y_pred.shape.rank and labels.shape.as_list()[-1] == 1:
        labels = _array.squeeze(labels, [-1])
    elif labels.shape.rank is None:
        labels = _array.reshape(labels, _array.shape(y_pred)[:-1])
    predicted = _red.argmax(y_pred, -1)
    return _ew.cast(_ew.equal(_ew.cast(labels, predicted.dtype), predicted), backend.floatx())


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """How often the one-hot label's class is in the top `k` predictions."""
    y_true, y_pred = _pred_true(y_true, y_pred)
    return _ew.cast(in_top_k(y_pred, _ew.cast(_red.argmax(y_true, -1), dtypes.int32), k),
                    backend.floatx())


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5):
    """How often the integer label is in the top `k` predictions."""
    y_true, y_pred = _pred_true(y_true, y_pred)
    labels = _ew.cast(_array.reshape(y_true, [-1]), dtypes.int32)
    return _ew.cast(in_top_k(y_pred, labels, k), backend.floatx())


mse = mean_squared_error = _losses.mean_squared_error
mae = mean_absolute_error = _losses.mean_absolute_error
binary_crossentropy = _losses.binary_crossentropy
MSE, MAE, MAPE, MSLE, KLD = (_losses.MSE, _losses.MAE, _losses.MAPE, _losses.MSLE, _losses.KLD)
mape = mean_absolute_percentage_error = _losses.mean_absolute_percentage_error
msle = mean_squared_logarithmic_error = _losses.mean_squared_logarithmic_error
hinge, squared_hinge, categorical_hinge = (_losses.hinge, _losses.squared_hinge,
                                           _losses.categorical_hinge)
kld = kl_divergence = kullback_leibler_divergence = _losses.kl_divergence
log_cosh = logcosh = _losses.log_cosh
poisson = _losses.poisson
cosine = cosine_proximity = _losses.cosine_similarity
categorical_crossentropy = _losses.categorical_crossentropy
sparse_categorical_crossentropy = _losses.sparse_categorical_crossentropy


class Metric:
    """Encapsulates metric logic and state: `update_state` returns the op
    that accumulates a batch, `result` the tensor of the value so far,
    `reset_states` sets the state back to zero."""

    def __init__(self, name=None, dtype=None, **kwargs):
        self.name = name or backend.unique_object_name(type(self).__name__.lower())
        self.dtype = dtypes.as_dtype(dtype or backend.floatx())
        self._variables = []

    def add_weight(self, name, shape=(), initializer="zeros", dtype=None):
        """A local state variable of the metric."""
        graph = get_default_graph()
        with graph.name_scope(self.name):
            v = Variable(zeros(shape, dtype or self.dtype), name=name, trainable=False,
                         collections=[GraphKeys.LOCAL_VARIABLES, GraphKeys.METRIC_VARIABLES])
        self._variables.append(v)
        return v

    @property
    def variables(self):
        """The metric's state variables."""
        return list(self._variables)

    def __call__(self, *args, **kwargs):
        """Accumulates the batch and returns the result after it."""
        update = self.update_state(*args, **kwargs)
        with control_dependencies([update]):
            return _array.identity(self.result())

    def reset_states(self):
        """Resets all of the metric state variables (in the backend session)."""
        session = backend.get_session()
        session.run([v.initializer for v in self._variables])
        backend._initialize_variables(session)

    reset_state = reset_states

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype.name}


class Reduce(Metric):
    """Sums (and counts) its values; `Mean` divides them."""

    _mean = True

    def __init__(self, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_weight("total")
        if self._mean:
            self.count = self.add_weight("count")

    def update_state(self, values, sample_weight=None):
        values = _ew.cast(values if isinstance(values, Tensor) else convert_to_tensor(values),
                          self.dtype)
        if sample_weight is not None:
            sample_weight = _ew.cast(sample_weight, self.dtype)
            values = values * sample_weight
            num = _red.reduce_sum(sample_weight + zeros_like(values))
        else:
            num = _ew.cast(size(values), self.dtype)
        ops = [assign_add(self.total, _red.reduce_sum(values))]
        if self._mean:
            ops.append(assign_add(self.count, num))
        return group(*ops)

    def result(self):
        if self._mean:
            # div_no_nan: 0 before any update.
            return self.total.value() / _ew.maximum(self.count.value(), 1e-30)
        return _array.identity(self.total.value())


class Sum(Reduce):
    """Computes the (weighted) sum of the given values."""
    _mean = False


class Mean(Reduce):
    """Computes the (weighted) mean of the given values."""
    _mean = True


class MeanMetricWrapper(Mean):
    """Wraps a stateless metric function with the Mean metric."""

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        super().__init__(name=name, dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs

    def update_state(self, y_true, y_pred, sample_weight=None):
        return super().update_state(self._fn(y_true, y_pred, **self._fn_kwargs),
                                    sample_weight=sample_weight)


def _metric_class(fn, default_name, doc, **defaults):
    def __init__(self, name=default_name, dtype=None, **kwargs):
        MeanMetricWrapper.__init__(self, fn, name=name, dtype=dtype, **{**defaults, **kwargs})
    name = "".join(p.capitalize() for p in default_name.split("_"))
    return type(name, (MeanMetricWrapper,), {"__init__": __init__, "__doc__": doc})


Accuracy = _metric_class(accuracy, "accuracy", "Calculates how often predictions equal labels.")
BinaryAccuracy = _metric_class(binary_accuracy, "binary_accuracy",
                               "Calculates how often predictions match binary labels.")
CategoricalAccuracy = _metric_class(categorical_accuracy, "categorical_accuracy",
                                    "Calculates how often predictions match one-hot labels.")
SparseCategoricalAccuracy = _metric_class(sparse_categorical_accuracy,
                                          "sparse_categorical_accuracy",
                                          "Calculates how often predictions match integer "
                                          "labels.")
TopKCategoricalAccuracy = _metric_class(top_k_categorical_accuracy,
                                        "top_k_categorical_accuracy",
                                        "Computes how often targets are in the top `K` "
                                        "predictions.", k=5)
SparseTopKCategoricalAccuracy = _metric_class(sparse_top_k_categorical_accuracy,
                                              "sparse_top_k_categorical_accuracy",
                                              "Computes how often integer targets are in the "
                                              "top `K` predictions.", k=5)
MeanAbsolutePercentageError = _metric_class(mean_absolute_percentage_error,
                                            "mean_absolute_percentage_error",
                                            "Computes the mean absolute percentage error.")
MeanSquaredLogarithmicError = _metric_class(mean_squared_logarithmic_error,
                                            "mean_squared_logarithmic_error",
                                            "Computes the mean squared logarithmic error.")
Hinge = _metric_class(hinge, "hinge", "Computes the hinge metric.")
SquaredHinge = _metric_class(squared_hinge, "squared_hinge",
                             "Computes the squared hinge metric.")
CategoricalHinge = _metric_class(categorical_hinge, "categorical_hinge",
                                 "Computes the categorical hinge metric.")
KLDivergence = _metric_class(kl_divergence, "kullback_leibler_divergence",
                             "Computes Kullback-Leibler divergence metric.")
KLDivergence.__name__ = "KLDivergence"
LogCoshError = _metric_class(log_cosh, "logcosh", "Computes the logarithm of the hyperbolic "
                             "cosine of the prediction error.")
LogCoshError.__name__ = "LogCoshError"
Poisson = _metric_class(poisson, "poisson", "Computes the Poisson metric.")


def _cosine_metric(y_true, y_pred, axis=-1):
    return -_losses.cosine_similarity(y_true, y_pred, axis=axis)


CosineSimilarity = _metric_class(_cosine_metric, "cosine_similarity",
                                 "Computes the cosine similarity between the labels and "
                                 "predictions.")


class RootMeanSquaredError(Mean):
    """Computes the root mean squared error metric."""

    def __init__(self, name="root_mean_squared_error", dtype=None):
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred = _pred_true(y_true, y_pred)
        return super().update_state(_ew.squared_difference(y_pred, _ew.cast(y_true, y_pred.dtype)),
                                    sample_weight)

    def result(self):
        return _ew.sqrt(super().result())


MeanSquaredError = _metric_class(mean_squared_error, "mean_squared_error",
                                 "Computes the mean squared error between y_true and y_pred.")
MeanAbsoluteError = _metric_class(mean_absolute_error, "mean_absolute_error",
                                  "Computes the mean absolute error between the labels and "
                                  "predictions.")
BinaryCrossentropy = _metric_class(binary_crossentropy, "binary_crossentropy",
                                   "Computes the crossentropy metric between the labels and "
                                   "predictions.")
CategoricalCrossentropy = _metric_class(categorical_crossentropy, "categorical_crossentropy",
                                        "Computes the crossentropy metric between the labels "
                                        "and predictions.")
SparseCategoricalCrossentropy = _metric_class(sparse_categorical_crossentropy,
                                              "sparse_categorical_crossentropy",
                                              "Computes the crossentropy metric between the "
                                              "labels and predictions.")

_BY_NAME = {n: globals()[n] for n in __all__ if n not in ("get", "serialize", "deserialize")}
_BY_NAME["acc"] = accuracy


def serialize(metric):
    """The name of a metric function, or the config of a metric instance."""
    if isinstance(metric, Metric):
        return {"class_name": type(metric).__name__, "config": metric.get_config()}
    return getattr(metric, "__name__", metric)


def deserialize(config, custom_objects=None):
    """A metric from its name or config."""
    if isinstance(config, dict):
        return _BY_NAME[config["class_name"]](**config.get("config", {}))
    if custom_objects and config in custom_objects:
        return custom_objects[config]
    if config not in _BY_NAME:
        raise ValueError(f"Unknown metric function: '{config}'. Please ensure you are using a "
                         "`keras.utils.custom_object_scope` and that this object is included "
                         "in the scope.")
    return _BY_NAME[config]


def get(identifier):
    """A metric function for a name or config, or a callable as it is."""
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret metric identifier: {identifier}")
