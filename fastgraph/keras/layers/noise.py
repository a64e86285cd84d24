"""Keras's noise and regularization layers: GaussianNoise, GaussianDropout,
SpatialDropout1D/2D, ActivityRegularization, and the pass-through ones
(Identity, Masking's values, Rescaling, ThresholdedReLU)."""

from ...ops import array_ops as _array
from ...ops import elementwise as _ew
from ...ops import reduction_ops as _red
from ...ops.random_ops import random_normal
from ...ops.nn_ops import dropout as _nn_dropout
from .. import regularizers
from ..engine.base_layer import Layer
from .core import smart_cond

__all__ = ["GaussianNoise", "GaussianDropout", "SpatialDropout1D", "SpatialDropout2D",
           "ActivityRegularization", "Identity", "Masking", "Rescaling", "ThresholdedReLU"]


class GaussianNoise(Layer):
    """Apply additive zero-centered Gaussian noise (of `stddev`), in training only."""

    def __init__(self, stddev, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.stddev, self.seed = stddev, seed

    def call(self, inputs, training=None):
        return smart_cond(training, lambda: inputs + random_normal(
            _array.shape(inputs), 0.0, self.stddev, dtype=inputs.dtype, seed=self.seed),
            lambda: _array.identity(inputs))

    def compute_output_shape(self, input_shape):
        return input_shape


class GaussianDropout(Layer):
    """Apply multiplicative 1-centered Gaussian noise (stddev `sqrt(rate /
    (1 - rate))`), in training only."""

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate, self.seed = rate, seed

    def call(self, inputs, training=None):
        if not 0 < self.rate < 1:
            return inputs
        stddev = (self.rate / (1.0 - self.rate)) ** 0.5
        return smart_cond(training, lambda: inputs * random_normal(
            _array.shape(inputs), 1.0, stddev, dtype=inputs.dtype, seed=self.seed),
            lambda: _array.identity(inputs))

    def compute_output_shape(self, input_shape):
        return input_shape


class _SpatialDropout(Layer):
    def __init__(self, rate, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = rate
        self.data_format = data_format or "channels_last"

    def call(self, inputs, training=None):
        dims = _array.shape(inputs)
        rank = inputs.shape.rank
        keep = [0, 1] if self.data_format == "channels_first" else [0, rank - 1]
        noise = _array.stack([dims[i] if i in keep else 1 for i in range(rank)])
        return smart_cond(training, lambda: _nn_dropout(inputs, rate=self.rate,
                                                        noise_shape=noise),
                          lambda: _array.identity(inputs))

    def compute_output_shape(self, input_shape):
        return input_shape


class SpatialDropout1D(_SpatialDropout):
    """Spatial 1D version of Dropout: drops entire 1D feature maps."""


class SpatialDropout2D(_SpatialDropout):
    """Spatial 2D version of Dropout: drops entire 2D feature maps."""


class ActivityRegularization(Layer):
    """Layer that applies an update to the cost function based input activity
    (`l1 * sum(|x|) + l2 * sum(x^2)`, divided by the batch size)."""

    def __init__(self, l1=0.0, l2=0.0, **kwargs):
        super().__init__(activity_regularizer=regularizers.L1L2(l1=l1, l2=l2), **kwargs)
        self.l1, self.l2 = l1, l2

    def compute_output_shape(self, input_shape):
        return input_shape


class Identity(Layer):
    """Identity layer: returns its input unchanged."""

    def call(self, inputs):
        return _array.identity(inputs)

    def compute_output_shape(self, input_shape):
        return input_shape


class Masking(Layer):
    """Masks a sequence by using a mask value to skip timesteps: the steps
    whose features all equal `mask_value` become zero (fastgraph's layers
    take no masks, so the mask itself is not passed on)."""

    def __init__(self, mask_value=0.0, **kwargs):
        super().__init__(**kwargs)
        self.mask_value = mask_value

    def call(self, inputs):
        keep = _red.reduce_any(_ew.not_equal(inputs, self.mask_value), axis=-1, keepdims=True)
        return inputs * _ew.cast(keep, inputs.dtype)

    def compute_output_shape(self, input_shape):
        return input_shape


class Rescaling(Layer):
    """A preprocessing layer which rescales input values: `x * scale + offset`."""

    def __init__(self, scale, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        self.scale, self.offset = scale, offset

    def call(self, inputs):
        x = _ew.cast(inputs, self._dtype or "float32") if not inputs.dtype.is_floating \
            else inputs
        return x * self.scale + self.offset

    def compute_output_shape(self, input_shape):
        return input_shape


class ThresholdedReLU(Layer):
    """Thresholded Rectified Linear Unit: `x` if `x > theta`, else 0."""

    def __init__(self, theta=1.0, **kwargs):
        super().__init__(**kwargs)
        self.theta = float(theta)

    def call(self, inputs):
        return inputs * _ew.cast(_ew.greater(inputs, self.theta), inputs.dtype)

    def compute_output_shape(self, input_shape):
        return input_shape
