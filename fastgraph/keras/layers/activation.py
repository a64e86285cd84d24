"""Keras's activation layers: ReLU, LeakyReLU, Softmax, ELU, PReLU."""

from ...ops.elementwise import greater, maximum, minimum
from ...ops.indexing_ops import where
from ...ops.nn_ops import leaky_relu, relu
from .. import activations, initializers, regularizers
from ..engine.base_layer import Layer

__all__ = ["ReLU", "LeakyReLU", "Softmax", "ELU", "PReLU"]


class ReLU(Layer):
    """Rectified Linear Unit activation function layer:
    `max_value` if `x >= max_value`, `x` if `threshold <= x < max_value`,
    `negative_slope * (x - threshold)` otherwise."""

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        if max_value is not None and max_value < 0.0:
            raise ValueError("max_value of a ReLU layer cannot be a negative value. Received: "
                             f"{max_value}")
        if negative_slope is None or negative_slope < 0.0:
            raise ValueError("negative_slope of a ReLU layer cannot be a negative value. "
                             f"Received: {negative_slope}")
        self.max_value = max_value
        self.negative_slope = negative_slope
        self.threshold = threshold

    def call(self, inputs):
        return activations.relu(inputs, alpha=self.negative_slope, max_value=self.max_value,
                                threshold=self.threshold)

    def compute_output_shape(self, input_shape):
        return input_shape


class LeakyReLU(Layer):
    """Leaky version of a Rectified Linear Unit: `alpha * x` for `x < 0`
    (alpha 0.3 by default), `x` otherwise."""

    def __init__(self, alpha=0.3, **kwargs):
        super().__init__(**kwargs)
        self.alpha = float(alpha)

    def call(self, inputs):
        return leaky_relu(inputs, alpha=self.alpha)

    def compute_output_shape(self, input_shape):
        return input_shape


class Softmax(Layer):
    """Softmax activation function layer (over `axis`, the last by default)."""

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def call(self, inputs, mask=None):
        return activations.softmax(inputs, axis=self.axis)

    def compute_output_shape(self, input_shape):
        return input_shape


class ELU(Layer):
    """Exponential Linear Unit: `alpha * (exp(x) - 1.)` for `x < 0`, `x` otherwise."""

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = float(alpha)

    def call(self, inputs):
        return activations.elu(inputs, self.alpha)

    def compute_output_shape(self, input_shape):
        return input_shape


class PReLU(Layer):
    """Parametric Rectified Linear Unit: `alpha * x` for `x < 0`, where
    `alpha` is a learned weight ("<name>/alpha") of the input's shape past
    the batch axis (axes in `shared_axes` shared)."""

    def __init__(self, alpha_initializer="zeros", alpha_regularizer=None,
                 alpha_constraint=None, shared_axes=None, **kwargs):
        super().__init__(**kwargs)
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = alpha_constraint
        self.shared_axes = None if shared_axes is None else (
            list(shared_axes) if isinstance(shared_axes, (list, tuple)) else [shared_axes])

    def build(self, input_shape):
        shape = list(input_shape[1:])
        for axis in self.shared_axes or []:
            shape[axis - 1] = 1
        self.alpha = self.add_weight("alpha", shape=shape, initializer=self.alpha_initializer,
                                     regularizer=self.alpha_regularizer,
                                     constraint=self.alpha_constraint)
        self.built = True

    def call(self, inputs):
        pos = relu(inputs)
        neg = -self.alpha * relu(-inputs)
        return pos + neg

    def compute_output_shape(self, input_shape):
        return input_shape


del greater, maximum, minimum, where
