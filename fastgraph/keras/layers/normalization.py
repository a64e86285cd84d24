"""Keras's normalization layers: BatchNormalization (moving statistics,
learning-phase aware) and LayerNormalization.

BatchNormalization normalizes with the batch's statistics when training
and with its moving statistics otherwise. Its `updates` are the moving
averages, `moving -= (moving - batch) * (1 - momentum)`, which the training
loop runs with each step; when `training` is a tensor (the learning phase)
the momentum becomes 1.0 outside training, so the update changes nothing,
as TF-Keras's. 4-D inputs normalized over their channel axis go through
`fused_batch_norm` (whose batch variance, used for the moving variance, is
the unbiased one, as TF's); other ranks through `moments` (biased)."""

from ...framework import dtypes
from ...framework.constant_op import convert_to_tensor
from ...framework.graph import Tensor, get_default_graph
from ...ops.array_ops import reshape
from ...ops.elementwise import cast, subtract
from ...ops.indexing_ops import where
from ...ops.state_ops import assign_sub
from ...api.nn_impl import batch_normalization, fused_batch_norm, moments
from .. import initializers, regularizers
from ..constraints import get as constraints_of
from ..engine.base_layer import Layer
from .core import smart_cond
from ...ops.indexing_ops import ones, zeros

__all__ = ["BatchNormalization", "LayerNormalization"]


class BatchNormalization(Layer):
    """Layer that normalizes its inputs: `gamma * (batch - mean) / sqrt(var +
    epsilon) + beta`, with the batch's mean and variance in training and the
    moving ones ("<name>/moving_mean", "<name>/moving_variance", not
    trainable) in inference.

    Args:
      axis: Integer, the axis that should be normalized (typically the
        features axis).
      momentum: Momentum for the moving average (0.99).
      epsilon: Small float added to variance to avoid dividing by zero (1e-3).
      center: If True, add offset of `beta` to normalized tensor.
      scale: If True, multiply by `gamma`.
    """

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones",
                 moving_mean_initializer="zeros", moving_variance_initializer="ones",
                 beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, renorm=False, fused=None, virtual_batch_size=None,
                 adjustment=None, **kwargs):
        super().__init__(**kwargs)
        if renorm or virtual_batch_size or adjustment:
            raise NotImplementedError("fastgraph's BatchNormalization has no renorm, "
                                      "virtual_batch_size or adjustment")
        self.axis = axis
        self.momentum = momentum
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints_of(beta_constraint)
        self.gamma_constraint = constraints_of(gamma_constraint)
        self.fused = fused
        self.supports_masking = True

    def build(self, input_shape):
        ndims = len(input_shape)
        axes = [self.axis] if isinstance(self.axis, int) else list(self.axis)
        axes = [a + ndims if a < 0 else a for a in axes]
        for a in axes:
            if a < 0 or a >= ndims:
                raise ValueError(f"Invalid axis: {self.axis}")
            if input_shape[a] is None:
                raise ValueError("Input has undefined `axis` dimension. Received input with "
                                 f"shape {tuple(input_shape)} and axis={tuple(axes)}")
        self._axes = axes
        can_fuse = ndims == 4 and axes in ([3], [1])
        if self.fused is None:
            self.fused = can_fuse
        elif self.fused and not can_fuse:
            raise ValueError(f"Unsupported axis. The `fused` argument only supports axis "
                             f"values of [1, 3] for 4-D inputs. Received: axis={self.axis}")
        self._data_format = "NCHW" if axes == [1] else "NHWC"
        shape = tuple(input_shape[a] for a in axes)
        self._param_shape = shape
        self.gamma = self.add_weight("gamma", shape=shape, initializer=self.gamma_initializer,
                                     regularizer=self.gamma_regularizer,
                                     constraint=self.gamma_constraint) if self.scale else None
        self.beta = self.add_weight("beta", shape=shape, initializer=self.beta_initializer,
                                    regularizer=self.beta_regularizer,
                                    constraint=self.beta_constraint) if self.center else None
        self.moving_mean = self.add_weight("moving_mean", shape=shape,
                                           initializer=self.moving_mean_initializer,
                                           trainable=False)
        self.moving_variance = self.add_weight("moving_variance", shape=shape,
                                               initializer=self.moving_variance_initializer,
                                               trainable=False)
        self.built = True

    def _fused_call(self, inputs, training):
        gamma = self.gamma if self.scale else ones(self._param_shape, dtypes.float32)
        beta = self.beta if self.center else zeros(self._param_shape, dtypes.float32)

        def trained():
            return fused_batch_norm(inputs, gamma, beta, epsilon=self.epsilon,
                                    data_format=self._data_format, is_training=True)

        def inferred():
            return fused_batch_norm(inputs, gamma, beta, mean=self.moving_mean,
                                    variance=self.moving_variance, epsilon=self.epsilon,
                                    data_format=self._data_format, is_training=False)[0]
        if training is False:
            return inferred(), None, None
        outputs, mean, variance = trained()
        if training is not True:
            outputs = smart_cond(training, lambda: outputs, inferred)
        return outputs, mean, variance

    def _unfused_call(self, inputs, training):
        ndims = inputs.shape.rank
        reduction = [i for i in range(ndims) if i not in self._axes]
        broadcast = [1] * ndims
        for a in self._axes:
            broadcast[a] = inputs.shape.as_list()[a]

        def shaped(v):
            if v is None or broadcast == [1] * (ndims - 1) + [broadcast[-1]] and \
                    self._axes == [ndims - 1]:
                return v
            return reshape(v, broadcast)
        if training is False:
            mean, variance, batch_mean, batch_var = self.moving_mean, self.moving_variance, \
                None, None
        else:
            batch_mean, batch_var = moments(inputs, reduction)
            if training is True:
                mean, variance = batch_mean, batch_var
            else:
                mean = smart_cond(training, lambda: batch_mean, lambda: self.moving_mean.value())
                variance = smart_cond(training, lambda: batch_var,
                                      lambda: self.moving_variance.value())
        outputs = batch_normalization(inputs, shaped(mean), shaped(variance), shaped(self.beta),
                                      shaped(self.gamma), self.epsilon)
        return outputs, batch_mean, batch_var

    def _moving_updates(self, mean, variance, training):
        graph = get_default_graph()
        decay = convert_to_tensor(1.0 - self.momentum, dtype=dtypes.float32)
        if isinstance(training, Tensor):
            # momentum 1.0 outside training: the update's delta is zero.
            decay = where(training, decay, convert_to_tensor(0.0, dtype=dtypes.float32))
        for variable, value in ((self.moving_mean, mean), (self.moving_variance, variance)):
            with graph.name_scope("AssignMovingAvg") as scope:
                delta = subtract(variable.value(), cast(value, variable.dtype)) * \
                    cast(decay, variable.dtype)
                update = assign_sub(variable, delta, name=scope)
            self._updates.append(update.op)

    def call(self, inputs, training=None):
        if training is None:
            training = False
        if not isinstance(training, Tensor):
            training = bool(training)
        if self.fused:
            outputs, mean, variance = self._fused_call(inputs, training)
        else:
            outputs, mean, variance = self._unfused_call(inputs, training)
        if training is not False:
            self._moving_updates(mean, variance, training)
        outputs.set_shape(inputs.shape)
        return outputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"axis": self.axis, "momentum": self.momentum, "epsilon": self.epsilon,
                       "center": self.center, "scale": self.scale})
        return config


class LayerNormalization(Layer):
    """Layer normalization layer (Ba et al., 2016): normalizes each example
    over `axis` (the last by default) with its own mean and variance, then
    `gamma * x + beta`."""

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones", beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints_of(beta_constraint)
        self.gamma_constraint = constraints_of(gamma_constraint)

    def build(self, input_shape):
        ndims = len(input_shape)
        axes = [self.axis] if isinstance(self.axis, int) else list(self.axis)
        self._axes = sorted(a + ndims if a < 0 else a for a in axes)
        shape = tuple(input_shape[a] for a in self._axes)
        self.gamma = self.add_weight("gamma", shape=shape, initializer=self.gamma_initializer,
                                     regularizer=self.gamma_regularizer,
                                     constraint=self.gamma_constraint) if self.scale else None
        self.beta = self.add_weight("beta", shape=shape, initializer=self.beta_initializer,
                                    regularizer=self.beta_regularizer,
                                    constraint=self.beta_constraint) if self.center else None
        self.built = True

    def call(self, inputs):
        ndims = inputs.shape.rank
        broadcast = [1] * ndims
        for a in self._axes:
            broadcast[a] = inputs.shape.as_list()[a]
        mean, variance = moments(inputs, self._axes, keepdims=True)
        gamma = None if self.gamma is None else reshape(self.gamma, broadcast)
        beta = None if self.beta is None else reshape(self.beta, broadcast)
        return batch_normalization(inputs, mean, variance, beta, gamma, self.epsilon)

    def compute_output_shape(self, input_shape):
        return input_shape
