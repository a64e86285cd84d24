"""Keras's convolution layers: Conv1D, Conv2D, Conv2DTranspose,
DepthwiseConv2D, SeparableConv2D, and the reshaping ones of the same
family: ZeroPadding1D/2D, UpSampling1D/2D, Cropping1D/2D.

Kernels are laid out as TF-Keras lays them out (Conv2D's `(kh, kw, in,
filters)`, Conv2DTranspose's `(kh, kw, filters, in)`, DepthwiseConv2D's
`(kh, kw, in, depth_multiplier)`), so weights and checkpoints carry over.
`channels_first` inputs are transposed to channels-last around the op."""

from ...ops import array_ops as _array
from ...ops import conv_ops
from ...ops.nn_ops import bias_add
from .. import activations, backend, initializers, regularizers
from ..constraints import get as constraints_of
from ..engine.base_layer import Layer
from .core import _name

__all__ = ["Conv1D", "Conv2D", "Conv2DTranspose", "DepthwiseConv2D", "SeparableConv2D",
           "ZeroPadding1D", "ZeroPadding2D", "UpSampling1D", "UpSampling2D", "Cropping1D",
           "Cropping2D", "Convolution1D", "Convolution2D", "Convolution2DTranspose",
           "SeparableConvolution2D"]


def normalize_tuple(value, n, name):
    """`value` (an int or n ints) as a tuple of n ints, as Keras checks it."""
    if isinstance(value, int):
        return (value,) * n
    try:
        values = tuple(int(v) for v in value)
    except (TypeError, ValueError):
        raise ValueError(f"The `{name}` argument must be a tuple of {n} integers. "
                         f"Received: {value}") from None
    if len(values) != n:
        raise ValueError(f"The `{name}` argument must be a tuple of {n} integers. "
                         f"Received: {value}")
    return values


def conv_output_length(length, size, padding, stride, dilation=1):
    """The output length of a convolution or pooling along one axis."""
    if length is None:
        return None
    size = (size - 1) * dilation + 1
    if padding in ("same", "causal"):
        out = length
    else:
        out = length - size + 1
    return (out + stride - 1) // stride


def _to_last(x, data_format):
    if data_format == "channels_first":
        return _array.transpose(x, [0] + list(range(2, x.shape.rank)) + [1])
    return x


def _from_last(x, data_format):
    if data_format == "channels_first":
        rank = x.shape.rank
        return _array.transpose(x, [0, rank - 1] + list(range(1, rank - 1)))
    return x


class _Conv(Layer):
    """The shared part of Conv1D and Conv2D (and their transposes)."""

    _rank = 2

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, groups=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        rank = self._rank
        self.filters = filters
        self.kernel_size = normalize_tuple(kernel_size, rank, "kernel_size")
        self.strides = normalize_tuple(strides, rank, "strides")
        self.padding = padding.lower()
        if self.padding not in ("valid", "same") + (("causal",) if rank == 1 else ()):
            raise ValueError('The `padding` argument must be a list/tuple or one of "valid", '
                             f'"same" (or "causal", only for `Conv1D). Received: {padding}')
        self.data_format = data_format or backend.image_data_format()
        self.dilation_rate = normalize_tuple(dilation_rate, rank, "dilation_rate")
        if groups != 1:
            raise NotImplementedError("fastgraph's Keras convolutions have groups=1 only")
        self.groups = groups
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints_of(kernel_constraint)
        self.bias_constraint = constraints_of(bias_constraint)
        self._input_ndim = (rank + 2, None)

    def _channels(self, input_shape):
        channels = input_shape[1] if self.data_format == "channels_first" else input_shape[-1]
        if channels is None:
            raise ValueError("The channel dimension of the inputs should be defined. The "
                             f"input_shape received is {input_shape}, where axis "
                             f"{1 if self.data_format == 'channels_first' else -1} (0-based) "
                             "is the channel dimension, which found to be `None`.")
        return channels

    def _kernel_shape(self, channels):
        return self.kernel_size + (channels, self.filters)

    def build(self, input_shape):
        channels = self._channels(input_shape)
        self.kernel = self.add_weight("kernel", shape=self._kernel_shape(channels),
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.bias = self.add_weight("bias", shape=(self.filters,),
                                    initializer=self.bias_initializer,
                                    regularizer=self.bias_regularizer,
                                    constraint=self.bias_constraint) if self.use_bias else None
        self.built = True

    def _finish(self, outputs):
        if self.use_bias:
            outputs = bias_add(outputs, self.bias)
        outputs = _from_last(outputs, self.data_format)
        if self.activation is not None and self.activation is not activations.linear:
            outputs = self.activation(outputs)
        return outputs

    def _spatial(self, input_shape):
        if self.data_format == "channels_first":
            return list(input_shape[2:])
        return list(input_shape[1:-1])

    def compute_output_shape(self, input_shape):
        spatial = [conv_output_length(n, k, self.padding, s, d) for n, k, s, d in zip(
            self._spatial(input_shape), self.kernel_size, self.strides, self.dilation_rate)]
        if self.data_format == "channels_first":
            return (input_shape[0], self.filters) + tuple(spatial)
        return (input_shape[0],) + tuple(spatial) + (self.filters,)

    def get_config(self):
        config = super().get_config()
        config.update({"filters": self.filters, "kernel_size": self.kernel_size,
                       "strides": self.strides, "padding": self.padding,
                       "data_format": self.data_format, "dilation_rate": self.dilation_rate,
                       "activation": _name(self.activation), "use_bias": self.use_bias})
        return config


class Conv2D(_Conv):
    """2D convolution layer (e.g. spatial convolution over images).

    This layer creates a convolution kernel ("<name>/kernel", shape
    `kernel_size + (input channels, filters)`) that is convolved with the
    layer input to produce a tensor of outputs, plus a bias
    ("<name>/bias") when `use_bias`, then `activation`.
    """

    _rank = 2

    def call(self, inputs):
        x = _to_last(inputs, self.data_format)
        out = conv_ops.conv2d(x, self.kernel, strides=[1, *self.strides, 1],
                              padding=self.padding.upper(),
                              dilations=[1, *self.dilation_rate, 1])
        return self._finish(out)


class Conv1D(_Conv):
    """1D convolution layer (e.g. temporal convolution): a kernel of shape
    `(kernel_size, input channels, filters)` over the steps of the input;
    `padding="causal"` pads the left only, so output t sees inputs up to t."""

    _rank = 1

    def call(self, inputs):
        x = _to_last(inputs, self.data_format)
        padding = self.padding
        if padding == "causal":
            left = self.dilation_rate[0] * (self.kernel_size[0] - 1)
            x = _array.pad(x, [[0, 0], [left, 0], [0, 0]])
            padding = "valid"
        x = _array.expand_dims(x, 1)
        kernel = _array.expand_dims(self.kernel, 0)
        out = conv_ops.conv2d(x, kernel, strides=[1, 1, self.strides[0], 1],
                              padding=padding.upper(),
                              dilations=[1, 1, self.dilation_rate[0], 1])
        return self._finish(_array.squeeze(out, [1]))


class Conv2DTranspose(_Conv):
    """Transposed convolution layer (sometimes called Deconvolution): the
    gradient of a Conv2D, with a kernel of shape `kernel_size + (filters,
    input channels)`; the output side is `(n - 1) * stride + kernel` for
    "valid" padding and `n * stride` for "same"."""

    _rank = 2

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid",
                 output_padding=None, data_format=None, dilation_rate=(1, 1), **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate, **kwargs)
        if output_padding is not None:
            raise NotImplementedError("fastgraph's Conv2DTranspose has no output_padding")
        self.output_padding = output_padding

    def _kernel_shape(self, channels):
        return self.kernel_size + (self.filters, channels)

    def _deconv_length(self, n, k, s):
        if n is None:
            return None
        return n * s if self.padding == "same" else (n - 1) * s + k

    def call(self, inputs):
        x = _to_last(inputs, self.data_format)
        dims = x.shape.as_list()
        dynamic = _array.shape(x)
        sizes = []
        for i, (k, s) in enumerate(zip(self.kernel_size, self.strides)):
            n = dims[1 + i]
            sizes.append(self._deconv_length(n, k, s) if n is not None else
                         (dynamic[1 + i] * s if self.padding == "same"
                          else (dynamic[1 + i] - 1) * s + k))
        batch = dims[0] if dims[0] is not None else dynamic[0]
        out_shape = _array.stack([batch, *sizes, self.filters])
        out = conv_ops.conv2d_transpose(x, self.kernel, out_shape,
                                        strides=[1, *self.strides, 1],
                                        padding=self.padding.upper())
        out.set_shape([dims[0]] + [s if isinstance(s, int) else None for s in sizes] +
                      [self.filters])
        return self._finish(out)

    def compute_output_shape(self, input_shape):
        spatial = [self._deconv_length(n, k, s) for n, k, s in zip(
            self._spatial(input_shape), self.kernel_size, self.strides)]
        if self.data_format == "channels_first":
            return (input_shape[0], self.filters) + tuple(spatial)
        return (input_shape[0],) + tuple(spatial) + (self.filters,)


class DepthwiseConv2D(_Conv):
    """Depthwise 2D convolution: each input channel is convolved with its own
    `depth_multiplier` filters ("<name>/depthwise_kernel", shape
    `kernel_size + (input channels, depth_multiplier)`); the output has
    `channels * depth_multiplier` channels."""

    _rank = 2

    def __init__(self, kernel_size, strides=(1, 1), padding="valid", depth_multiplier=1,
                 data_format=None, dilation_rate=(1, 1), activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", bias_initializer="zeros",
                 depthwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(None, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate,
                         activation=activation, use_bias=use_bias,
                         bias_initializer=bias_initializer, bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer,
                         bias_constraint=bias_constraint, **kwargs)
        self.depth_multiplier = depth_multiplier
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.depthwise_constraint = constraints_of(depthwise_constraint)

    def build(self, input_shape):
        channels = self._channels(input_shape)
        self.filters = channels * self.depth_multiplier
        self.depthwise_kernel = self.add_weight(
            "depthwise_kernel", shape=self.kernel_size + (channels, self.depth_multiplier),
            initializer=self.depthwise_initializer, regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint)
        self.bias = self.add_weight("bias", shape=(self.filters,),
                                    initializer=self.bias_initializer,
                                    regularizer=self.bias_regularizer,
                                    constraint=self.bias_constraint) if self.use_bias else None
        self.built = True

    def call(self, inputs):
        x = _to_last(inputs, self.data_format)
        out = conv_ops.depthwise_conv2d(x, self.depthwise_kernel, strides=[1, *self.strides, 1],
                                        padding=self.padding.upper(),
                                        dilations=list(self.dilation_rate))
        return self._finish(out)

    def compute_output_shape(self, input_shape):
        self.filters = self._channels(input_shape) * self.depth_multiplier
        return super().compute_output_shape(input_shape)


class SeparableConv2D(_Conv):
    """Depthwise separable 2D convolution: a depthwise convolution
    ("<name>/depthwise_kernel") followed by a pointwise (1x1) one mixing the
    channels ("<name>/pointwise_kernel", shape `(1, 1, channels *
    depth_multiplier, filters)`)."""

    _rank = 2

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format=None,
                 dilation_rate=(1, 1), depth_multiplier=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", pointwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None,
                 pointwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, pointwise_constraint=None, bias_constraint=None,
                 **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate,
                         activation=activation, use_bias=use_bias,
                         bias_initializer=bias_initializer, bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer,
                         bias_constraint=bias_constraint, **kwargs)
        self.depth_multiplier = depth_multiplier
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.pointwise_initializer = initializers.get(pointwise_initializer)
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.pointwise_regularizer = regularizers.get(pointwise_regularizer)
        self.depthwise_constraint = constraints_of(depthwise_constraint)
        self.pointwise_constraint = constraints_of(pointwise_constraint)

    def build(self, input_shape):
        channels = self._channels(input_shape)
        self.depthwise_kernel = self.add_weight(
            "depthwise_kernel", shape=self.kernel_size + (channels, self.depth_multiplier),
            initializer=self.depthwise_initializer, regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint)
        self.pointwise_kernel = self.add_weight(
            "pointwise_kernel", shape=(1, 1, channels * self.depth_multiplier, self.filters),
            initializer=self.pointwise_initializer, regularizer=self.pointwise_regularizer,
            constraint=self.pointwise_constraint)
        self.bias = self.add_weight("bias", shape=(self.filters,),
                                    initializer=self.bias_initializer,
                                    regularizer=self.bias_regularizer,
                                    constraint=self.bias_constraint) if self.use_bias else None
        self.built = True

    def call(self, inputs):
        x = _to_last(inputs, self.data_format)
        out = conv_ops.separable_conv2d(x, self.depthwise_kernel, self.pointwise_kernel,
                                        strides=[1, *self.strides, 1],
                                        padding=self.padding.upper(),
                                        dilations=list(self.dilation_rate))
        return self._finish(out)


class ZeroPadding2D(Layer):
    """Zero-padding layer for 2D input (e.g. picture): rows and columns of
    zeros at the top, bottom, left and right (`padding`: an int, 2 ints, or
    `((top, bottom), (left, right))`)."""

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = data_format or backend.image_data_format()
        if isinstance(padding, int):
            self.padding = ((padding, padding), (padding, padding))
        elif all(isinstance(p, int) for p in padding):
            h, w = normalize_tuple(padding, 2, "padding")
            self.padding = ((h, h), (w, w))
        else:
            self.padding = tuple(normalize_tuple(p, 2, "padding") for p in padding)
        self._input_ndim = (4, None)

    def call(self, inputs):
        pads = [[0, 0], list(self.padding[0]), list(self.padding[1])]
        pads = [[0, 0]] + pads if self.data_format == "channels_first" else pads + [[0, 0]]
        return _array.pad(inputs, pads)

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        first = 2 if self.data_format == "channels_first" else 1
        for i, (a, b) in enumerate(self.padding):
            if shape[first + i] is not None:
                shape[first + i] += a + b
        return tuple(shape)


class ZeroPadding1D(Layer):
    """Zero-padding layer for 1D input (e.g. temporal sequence)."""

    def __init__(self, padding=1, **kwargs):
        super().__init__(**kwargs)
        self.padding = normalize_tuple(padding, 2, "padding")
        self._input_ndim = (3, None)

    def call(self, inputs):
        return _array.pad(inputs, [[0, 0], list(self.padding), [0, 0]])

    def compute_output_shape(self, input_shape):
        n = input_shape[1]
        return (input_shape[0], None if n is None else n + sum(self.padding), input_shape[2])


_repeat = backend.repeat_along



class UpSampling2D(Layer):
    """Upsampling layer for 2D inputs: repeats the rows and columns of the
    data by `size[0]` and `size[1]` (nearest-neighbour interpolation)."""

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        super().__init__(**kwargs)
        self.data_format = data_format or backend.image_data_format()
        self.size = normalize_tuple(size, 2, "size")
        if interpolation != "nearest":
            raise NotImplementedError("fastgraph's UpSampling2D has nearest interpolation only")
        self.interpolation = interpolation
        self._input_ndim = (4, None)

    def call(self, inputs):
        first = 2 if self.data_format == "channels_first" else 1
        return _repeat(_repeat(inputs, first, self.size[0]), first + 1, self.size[1])

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        first = 2 if self.data_format == "channels_first" else 1
        for i in range(2):
            if shape[first + i] is not None:
                shape[first + i] *= self.size[i]
        return tuple(shape)


class UpSampling1D(Layer):
    """Upsampling layer for 1D inputs: repeats each temporal step `size` times."""

    def __init__(self, size=2, **kwargs):
        super().__init__(**kwargs)
        self.size = int(size)
        self._input_ndim = (3, None)

    def call(self, inputs):
        return _repeat(inputs, 1, self.size)

    def compute_output_shape(self, input_shape):
        n = input_shape[1]
        return (input_shape[0], None if n is None else n * self.size, input_shape[2])


class Cropping2D(Layer):
    """Cropping layer for 2D input (e.g. picture): crops `((top, bottom),
    (left, right))` rows and columns."""

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = data_format or backend.image_data_format()
        if isinstance(cropping, int):
            self.cropping = ((cropping, cropping), (cropping, cropping))
        elif all(isinstance(c, int) for c in cropping):
            h, w = normalize_tuple(cropping, 2, "cropping")
            self.cropping = ((h, h), (w, w))
        else:
            self.cropping = tuple(normalize_tuple(c, 2, "cropping") for c in cropping)
        self._input_ndim = (4, None)

    def call(self, inputs):
        (t, b), (left, r) = self.cropping
        rows = slice(t, -b if b else None)
        cols = slice(left, -r if r else None)
        if self.data_format == "channels_first":
            return inputs[:, :, rows, cols]
        return inputs[:, rows, cols, :]


class Cropping1D(Layer):
    """Cropping layer for 1D input (e.g. temporal sequence)."""

    def __init__(self, cropping=(1, 1), **kwargs):
        super().__init__(**kwargs)
        self.cropping = normalize_tuple(cropping, 2, "cropping")
        self._input_ndim = (3, None)

    def call(self, inputs):
        a, b = self.cropping
        return inputs[:, a:(-b if b else None), :]


Convolution1D, Convolution2D = Conv1D, Conv2D
Convolution2DTranspose, SeparableConvolution2D = Conv2DTranspose, SeparableConv2D
