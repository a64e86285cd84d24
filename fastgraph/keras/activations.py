"""`tf.keras.activations`: the activation functions Keras layers take by
name (`activation="relu"`), built from fastgraph's nn and math ops."""

from ..framework.graph import Tensor
from ..ops import elementwise as _ew
from ..ops import nn_ops as _nn_ops
from ..ops import reduction_ops as _red
from ..api import nn_impl as _nn_impl
from ..api.clip_ops import clip_by_value
from ..framework.constant_op import convert_to_tensor
from ..ops.indexing_ops import where

__all__ = ["relu", "sigmoid", "tanh", "softmax", "log_softmax", "elu", "selu", "softplus",
           "softsign", "swish", "silu", "gelu", "exponential", "hard_sigmoid", "linear",
           "relu6", "mish", "get", "serialize", "deserialize"]


def relu(x, alpha=0.0, max_value=None, threshold=0.0):
    """Applies the rectified linear unit activation function.

    With default values, this returns the standard ReLU activation:
    `max(x, 0)`. Otherwise `x` for `x >= threshold` (clipped at
    `max_value`), and `alpha * (x - threshold)` below it.
    """
    if alpha == 0.0 and max_value is None and threshold == 0.0:
        return _nn_ops.relu(x)
    if alpha == 0.0 and max_value == 6 and threshold == 0.0:
        return _nn_ops.relu6(x)
    x = _to_float(x)
    negative = _nn_ops.relu(_ew.negative(x) + threshold) if alpha != 0.0 else None
    if threshold != 0.0:
        out = x * _ew.cast(_ew.greater(x, threshold), x.dtype)
    else:
        out = _nn_ops.relu(x)
    if max_value is not None:
        out = clip_by_value(out, 0.0, max_value)
    if negative is not None:
        out = out - alpha * negative
    return out


def _to_float(x):
    return x if isinstance(x, Tensor) else convert_to_tensor(x)


def sigmoid(x):
    """Sigmoid activation function, `sigmoid(x) = 1 / (1 + exp(-x))`."""
    return _ew.sigmoid(x)


def tanh(x):
    """Hyperbolic tangent activation function."""
    return _ew.tanh(x)


def softmax(x, axis=-1):
    """Softmax converts a vector of values to a probability distribution."""
    rank = x.shape.rank
    if rank is not None and rank <= 1:
        raise ValueError(f"Cannot apply softmax to a tensor that is 1D. Received input: {x}")
    return _nn_ops.softmax(x, axis=axis)


def log_softmax(x, axis=-1):
    """Log-Softmax activation function."""
    return _nn_ops.log_softmax(x, axis=axis)


def elu(x, alpha=1.0):
    """Exponential Linear Unit: `x` if `x > 0`, `alpha * (exp(x) - 1)` otherwise."""
    out = _nn_ops.elu(x)
    if alpha == 1.0:
        return out
    return where(_ew.greater(x, 0.0), out, alpha * out)


def selu(x):
    """Scaled Exponential Linear Unit (SELU)."""
    return _nn_ops.selu(x)


def softplus(x):
    """Softplus activation function, `softplus(x) = log(exp(x) + 1)`."""
    return _nn_ops.softplus(x)


def softsign(x):
    """Softsign activation function, `softsign(x) = x / (abs(x) + 1)`."""
    return _nn_ops.softsign(x)


def swish(x):
    """Swish (or Silu) activation function, `swish(x) = x * sigmoid(x)`."""
    return _nn_impl.swish(x)


silu = swish


def gelu(x, approximate=False):
    """Applies the Gaussian error linear unit (GELU) activation function."""
    return _nn_impl.gelu(x, approximate=approximate)


def exponential(x):
    """Exponential activation function."""
    return _ew.exp(x)


def hard_sigmoid(x):
    """Hard sigmoid activation function: `clip(0.2 * x + 0.5, 0, 1)`."""
    return clip_by_value(0.2 * x + 0.5, 0.0, 1.0)


def relu6(x):
    """Relu6 activation function, `min(max(x, 0), 6)`."""
    return _nn_ops.relu6(x)


def mish(x):
    """Mish activation function, `mish(x) = x * tanh(softplus(x))`."""
    return x * _ew.tanh(_nn_ops.softplus(x))


def linear(x):
    """Linear activation function (pass-through)."""
    return x


_BY_NAME = {n: globals()[n] for n in __all__ if n not in ("get", "serialize", "deserialize")}
del _red


def serialize(activation):
    """Returns the string identifier of an activation function."""
    name = getattr(activation, "__name__", None)
    if name in _BY_NAME:
        return name
    raise ValueError(f"Unknown activation function '{activation}' cannot be serialized due "
                     "to invalid function name. Make sure to use an activation name that "
                     f"matches the references defined in activations.py or use "
                     "`@keras.saving.register_keras_serializable` to register any custom "
                     "activations. config={activation}")


def deserialize(name, custom_objects=None):
    """Returns activation function given a string identifier."""
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    if name not in _BY_NAME:
        raise ValueError(f"Unknown activation function: '{name}'. Please ensure you are "
                         "using a `keras.utils.custom_object_scope` and that this object is "
                         "included in the scope. See https://www.tensorflow.org/guide/keras/"
                         "save_and_serialize#registering_the_custom_object for details.")
    return _BY_NAME[name]


def get(identifier):
    """Returns the activation function for `identifier`: None or a name
    gives Keras's (None is `linear`), a callable is returned as it is."""
    if identifier is None:
        return linear
    if isinstance(identifier, str):
        return deserialize(identifier)
    if isinstance(identifier, dict):
        return deserialize(identifier["class_name"] if "class_name" in identifier
                           else identifier["config"])
    if callable(identifier):
        return identifier
    raise TypeError("Could not interpret activation function identifier: "
                    f"{identifier}")
