"""More of `tf.compat.v1.layers`: Conv1D, Conv2DTranspose, SeparableConv2D
and the 1-D poolings, with their functional forms.

Each is a layer of `layers.py`'s kind (variable scope per layer, weights
through `get_variable`), and names its weights as TF's legacy layers do:
"conv2d_transpose/kernel", "separable_conv2d/depthwise_kernel",
"separable_conv2d/pointwise_kernel", "conv1d/kernel", each with its "bias".
"""

from ..ops import conv_ops
from ..ops.array_ops import expand_dims, shape, squeeze, stack
from ..ops.conv_ops import conv1d as nn_conv1d
from ..ops.conv_ops import conv2d_transpose as nn_conv2d_transpose
from ..ops.conv_ops import separable_conv2d as nn_separable_conv2d
from ..ops.nn_ops import bias_add
from .layers import (
    Conv2D, Layer, _normalize_data_format, _normalize_padding, _normalize_tuple, _to_nchw,
    _to_nhwc,
)

__all__ = []

LAYERS = ["Conv1D", "Conv2DTranspose", "SeparableConv2D", "MaxPooling1D", "AveragePooling1D",
          "conv1d", "conv2d_transpose", "separable_conv2d", "max_pooling1d",
          "average_pooling1d",
          # TF's aliases.
          "Convolution1D", "Convolution2DTranspose", "Deconvolution2D", "SeparableConvolution2D",
          "MaxPool1D", "AvgPool1D", "convolution2d_transpose", "separable_convolution2d"]


def _deconv_length(length, kernel, padding, stride, dilation):
    """The output length of a transposed convolution (Keras's
    `deconv_output_length` without output padding): a Python int when
    `length` is one, else a tensor."""
    kernel = kernel + (kernel - 1) * (dilation - 1)
    if padding == "valid":
        return length * stride + max(kernel - stride, 0)
    return length * stride


def _finish(layer, outputs, data_format):
    if layer.use_bias:
        outputs = bias_add(outputs, layer.bias, data_format=data_format)
    if layer.activation is not None:
        outputs = layer.activation(outputs)
    return outputs


class Conv1D(Conv2D):
    """1D convolution layer (e.g. temporal convolution).

    This layer creates a convolution kernel that is convolved
    (actually cross-correlated) with the layer input to produce a tensor of
    outputs. If `use_bias` is True (and a `bias_initializer` is provided),
    a bias vector is created and added to the outputs. Finally, if
    `activation` is not `None`, it is applied to the outputs as well.

    Args:
      filters: Integer, the dimensionality of the output space (i.e. the number
        of filters in the convolution).
      kernel_size: An integer or tuple/list of a single integer, specifying the
        length of the 1D convolution window.
      strides: An integer or tuple/list of a single integer, specifying the
        stride length of the convolution.
      padding: One of `"valid"` or `"same"` (case-insensitive).
      data_format: A string, `channels_last` (default) only.
      dilation_rate: An integer or tuple/list of a single integer, specifying
        the dilation rate to use for dilated convolution.
      activation, use_bias, initializers, regularizers, constraints, trainable,
        name: as for `Conv2D`.
    """

    _min_ndim = 3

    def __init__(self, filters, kernel_size, strides=1, padding="valid",
                 data_format="channels_last", dilation_rate=1, **kwargs):
        super().__init__(filters, _normalize_tuple(kernel_size, 1, "kernel_size") * 2,
                         strides=_normalize_tuple(strides, 1, "strides") * 2, padding=padding,
                         data_format=data_format,
                         dilation_rate=_normalize_tuple(dilation_rate, 1, "dilation_rate") * 2,
                         **kwargs)
        self.kernel_size = self.kernel_size[:1]
        self.strides = self.strides[:1]
        self.dilation_rate = self.dilation_rate[:1]
        if self.data_format != "channels_last":
            raise NotImplementedError("fastgraph's Conv1D layer takes channels_last inputs")

    def call(self, inputs):
        outputs = nn_conv1d(inputs, self.kernel, stride=self.strides[0],
                            padding=self.padding.upper(), dilations=self.dilation_rate[0])
        return _finish(self, outputs, "NHWC")


class Conv2DTranspose(Conv2D):
    """Transposed 2D convolution layer (sometimes called 2D Deconvolution).

    The need for transposed convolutions generally arises
    from the desire to use a transformation going in the opposite direction
    of a normal convolution, i.e., from something that has the shape of the
    output of some convolution to something that has the shape of its input
    while maintaining a connectivity pattern that is compatible with
    said convolution.

    Args:
      filters: Integer, the dimensionality of the output space (i.e. the number
        of filters in the convolution).
      kernel_size: A tuple or list of 2 positive integers specifying the spatial
        dimensions of the filters. Can be a single integer to specify the same
        value for all spatial dimensions.
      strides: A tuple or list of 2 positive integers specifying the strides
        of the convolution. Can be a single integer to specify the same value for
        all spatial dimensions.
      padding: one of `"valid"` or `"same"` (case-insensitive).
      data_format: A string, one of `channels_last` (default) or
        `channels_first`.
      activation, use_bias, initializers, regularizers, constraints, trainable,
        name: as for `Conv2D`.
    """

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid",
                 data_format="channels_last", **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, **kwargs)

    def add_weight(self, name, shape, **kwargs):
        # Conv2D builds [h, w, in, out]; the transposed conv's kernel is
        # [h, w, out, in], which conv2d_transpose reads as the forward filter.
        if name == "kernel":
            shape = list(shape[:2]) + [shape[3], shape[2]]
        return super().add_weight(name, shape, **kwargs)

    def call(self, inputs):
        first = self.data_format == "channels_first"
        x = _to_nhwc(inputs) if first else inputs
        dims = x.shape.as_tuple() if x.shape.rank is not None else (None,) * 4
        dynamic = shape(x)
        sizes = []
        for axis, k, s, d in ((1, self.kernel_size[0], self.strides[0], self.dilation_rate[0]),
                              (2, self.kernel_size[1], self.strides[1], self.dilation_rate[1])):
            length = dims[axis] if dims[axis] is not None else dynamic[axis]
            sizes.append(_deconv_length(length, k, self.padding, s, d))
        out_shape = stack([dynamic[0], sizes[0], sizes[1], self.filters])
        outputs = nn_conv2d_transpose(x, self.kernel, out_shape,
                                      strides=[1, self.strides[0], self.strides[1], 1],
                                      padding=self.padding.upper(),
                                      dilations=[1, self.dilation_rate[0],
                                                 self.dilation_rate[1], 1])
        if first:
            outputs = _to_nchw(outputs)
        return _finish(self, outputs, "NCHW" if first else "NHWC")


class SeparableConv2D(Conv2D):
    """Depthwise separable 2D convolution.

    This layer performs a depthwise convolution that acts separately on
    channels, followed by a pointwise convolution that mixes channels.
    If `use_bias` is True and a bias initializer is provided,
    it adds a bias vector to the output.
    It then optionally applies an activation function to produce the final output.

    Args:
      filters: Integer, the dimensionality of the output space (i.e. the number
        of filters in the convolution).
      kernel_size: A tuple or list of 2 integers specifying the spatial
        dimensions of the filters.
      strides: A tuple or list of 2 positive integers specifying the strides
        of the convolution.
      padding: One of `"valid"` or `"same"` (case-insensitive).
      depth_multiplier: The number of depthwise convolution output channels for
        each input channel. The total number of depthwise convolution output
        channels will be equal to `num_filters_in * depth_multiplier`.
      depthwise_initializer, pointwise_initializer: initializers of the two
        kernels (default: the variable scope's, as TF's layers).
      activation, use_bias, bias_initializer, regularizers, trainable, name:
        as for `Conv2D`.
    """

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid",
                 data_format="channels_last", dilation_rate=(1, 1), depth_multiplier=1,
                 depthwise_initializer=None, pointwise_initializer=None,
                 depthwise_regularizer=None, pointwise_regularizer=None,
                 depthwise_constraint=None, pointwise_constraint=None, **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate, **kwargs)
        self.depth_multiplier = int(depth_multiplier)
        self.depthwise_initializer = depthwise_initializer
        self.pointwise_initializer = pointwise_initializer
        self.depthwise_regularizer = depthwise_regularizer
        self.pointwise_regularizer = pointwise_regularizer
        self.depthwise_constraint = depthwise_constraint
        self.pointwise_constraint = pointwise_constraint

    def build(self, input_shape):
        channels = input_shape.as_tuple()[self._channel_axis()]
        if channels is None:
            raise ValueError("The channel dimension of the inputs to `SeparableConv2D` should "
                             f"be defined. Found `None`. Full input shape received: "
                             f"{input_shape}")
        self.depthwise_kernel = self.add_weight(
            "depthwise_kernel",
            shape=list(self.kernel_size) + [channels, self.depth_multiplier],
            initializer=self.depthwise_initializer, regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint, trainable=True)
        self.pointwise_kernel = self.add_weight(
            "pointwise_kernel", shape=[1, 1, channels * self.depth_multiplier, self.filters],
            initializer=self.pointwise_initializer, regularizer=self.pointwise_regularizer,
            constraint=self.pointwise_constraint, trainable=True)
        self.bias = self.add_weight("bias", shape=[self.filters],
                                    initializer=self.bias_initializer,
                                    regularizer=self.bias_regularizer,
                                    constraint=self.bias_constraint, trainable=True) \
            if self.use_bias else None

    def call(self, inputs):
        first = self.data_format == "channels_first"
        x = _to_nhwc(inputs) if first else inputs
        outputs = nn_separable_conv2d(x, self.depthwise_kernel, self.pointwise_kernel,
                                      strides=[1, self.strides[0], self.strides[1], 1],
                                      padding=self.padding.upper(),
                                      dilations=list(self.dilation_rate))
        if first:
            outputs = _to_nchw(outputs)
        return _finish(self, outputs, "NCHW" if first else "NHWC")


class _Pooling1D(Layer):
    _ndim = 3
    _pool = None
    _op_name = None

    def __init__(self, pool_size, strides, padding="valid", data_format="channels_last",
                 name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        if strides is None:
            strides = pool_size
        self.pool_size = _normalize_tuple(pool_size, 1, "pool_size")
        self.strides = _normalize_tuple(strides, 1, "strides")
        self.padding = _normalize_padding(padding)
        self.data_format = _normalize_data_format(data_format)

    def call(self, inputs):
        first = self.data_format == "channels_first"
        # TF pools 1-D inputs as images of height 1.
        x = expand_dims(inputs, 2 if first else 1)
        if first:
            x = _to_nhwc(x)
        outputs = getattr(conv_ops, self._pool)(
            x, ksize=(1, 1, self.pool_size[0], 1), strides=(1, 1, self.strides[0], 1),
            padding=self.padding.upper(), name=self._op_name)
        if first:
            return squeeze(_to_nchw(outputs), [2])
        return squeeze(outputs, [1])


class MaxPooling1D(_Pooling1D):
    """Max Pooling layer for 1D inputs.

    Args:
      pool_size: An integer or tuple/list of a single integer,
        representing the size of the pooling window.
      strides: An integer or tuple/list of a single integer, specifying the
        strides of the pooling operation.
      padding: A string. The padding method, either 'valid' or 'same'.
        Case-insensitive.
      data_format: A string, one of `channels_last` (default) or `channels_first`.
      name: A string, the name of the layer.
    """

    _pool = "max_pool2d"
    _op_name = "MaxPool"


class AveragePooling1D(_Pooling1D):
    """Average Pooling layer for 1D inputs.

    Args:
      pool_size: An integer or tuple/list of a single integer,
        representing the size of the pooling window.
      strides: An integer or tuple/list of a single integer, specifying the
        strides of the pooling operation.
      padding: A string. The padding method, either 'valid' or 'same'.
        Case-insensitive.
      data_format: A string, one of `channels_last` (default) or `channels_first`.
      name: A string, the name of the layer.
    """

    _pool = "avg_pool2d"
    _op_name = "AvgPool"


def _functional(cls, inputs, name, reuse, **kwargs):
    return cls(name=name, _reuse=reuse, _scope=name, **kwargs)(inputs)


def conv1d(inputs, filters, kernel_size, strides=1, padding="valid",
           data_format="channels_last", dilation_rate=1, activation=None, use_bias=True,
           kernel_initializer=None, bias_initializer=None, kernel_regularizer=None,
           bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
           bias_constraint=None, trainable=True, name=None, reuse=None):
    """Functional interface for 1D convolution layer (e.g. temporal convolution).

    Returns the output tensor of a `Conv1D` layer applied to `inputs`
    ([batch, length, channels]); `reuse` shares the weights of a previous
    layer by the same name.
    """
    return _functional(Conv1D, inputs, name, reuse, filters=filters, kernel_size=kernel_size,
                       strides=strides, padding=padding, data_format=data_format,
                       dilation_rate=dilation_rate, activation=activation, use_bias=use_bias,
                       kernel_initializer=kernel_initializer,
                       bias_initializer=bias_initializer,
                       kernel_regularizer=kernel_regularizer,
                       bias_regularizer=bias_regularizer,
                       activity_regularizer=activity_regularizer,
                       kernel_constraint=kernel_constraint, bias_constraint=bias_constraint,
                       trainable=trainable)


def conv2d_transpose(inputs, filters, kernel_size, strides=(1, 1), padding="valid",
                     data_format="channels_last", activation=None, use_bias=True,
                     kernel_initializer=None, bias_initializer=None, kernel_regularizer=None,
                     bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                     bias_constraint=None, trainable=True, name=None, reuse=None):
    """Functional interface for transposed 2D convolution layer.

    The need for transposed convolutions generally arises from the desire to
    use a transformation going in the opposite direction of a normal
    convolution. Returns the output tensor of a `Conv2DTranspose` layer
    applied to `inputs`; `reuse` shares the weights of a previous layer by
    the same name.
    """
    return _functional(Conv2DTranspose, inputs, name, reuse, filters=filters,
                       kernel_size=kernel_size, strides=strides, padding=padding,
                       data_format=data_format, activation=activation, use_bias=use_bias,
                       kernel_initializer=kernel_initializer,
                       bias_initializer=bias_initializer,
                       kernel_regularizer=kernel_regularizer,
                       bias_regularizer=bias_regularizer,
                       activity_regularizer=activity_regularizer,
                       kernel_constraint=kernel_constraint, bias_constraint=bias_constraint,
                       trainable=trainable)


def separable_conv2d(inputs, filters, kernel_size, strides=(1, 1), padding="valid",
                     data_format="channels_last", dilation_rate=(1, 1), depth_multiplier=1,
                     activation=None, use_bias=True, depthwise_initializer=None,
                     pointwise_initializer=None, bias_initializer=None,
                     depthwise_regularizer=None, pointwise_regularizer=None,
                     bias_regularizer=None, activity_regularizer=None,
                     depthwise_constraint=None, pointwise_constraint=None,
                     bias_constraint=None, trainable=True, name=None, reuse=None):
    """Functional interface for the depthwise separable 2D convolution layer.

    This layer performs a depthwise convolution that acts separately on
    channels, followed by a pointwise convolution that mixes channels.
    Returns the output tensor of a `SeparableConv2D` layer applied to
    `inputs`.
    """
    return _functional(SeparableConv2D, inputs, name, reuse, filters=filters,
                       kernel_size=kernel_size, strides=strides, padding=padding,
                       data_format=data_format, dilation_rate=dilation_rate,
                       depth_multiplier=depth_multiplier, activation=activation,
                       use_bias=use_bias, depthwise_initializer=depthwise_initializer,
                       pointwise_initializer=pointwise_initializer,
                       bias_initializer=bias_initializer,
                       depthwise_regularizer=depthwise_regularizer,
                       pointwise_regularizer=pointwise_regularizer,
                       bias_regularizer=bias_regularizer,
                       activity_regularizer=activity_regularizer,
                       depthwise_constraint=depthwise_constraint,
                       pointwise_constraint=pointwise_constraint,
                       bias_constraint=bias_constraint, trainable=trainable)


def max_pooling1d(inputs, pool_size, strides, padding="valid", data_format="channels_last",
                  name=None):
    """Max Pooling layer for 1D inputs: the output tensor of a `MaxPooling1D`
    layer applied to `inputs` (rank 3)."""
    return MaxPooling1D(pool_size=pool_size, strides=strides, padding=padding,
                        data_format=data_format, name=name)(inputs)


def average_pooling1d(inputs, pool_size, strides, padding="valid", data_format="channels_last",
                      name=None):
    """Average Pooling layer for 1D inputs: the output tensor of an
    `AveragePooling1D` layer applied to `inputs` (rank 3)."""
    return AveragePooling1D(pool_size=pool_size, strides=strides, padding=padding,
                            data_format=data_format, name=name)(inputs)


Convolution1D = Conv1D
Convolution2DTranspose = Deconvolution2D = Conv2DTranspose
SeparableConvolution2D = SeparableConv2D
MaxPool1D = MaxPooling1D
AvgPool1D = AveragePooling1D
convolution2d_transpose = conv2d_transpose
separable_convolution2d = separable_conv2d
