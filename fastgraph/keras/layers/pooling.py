"""Keras's pooling layers: Max/AveragePooling1D/2D and the global poolings."""

from ...ops import array_ops as _array
from ...ops import conv_ops
from ...ops import reduction_ops as _red
from .. import backend
from ..engine.base_layer import Layer
from .convolutional import _from_last, _to_last, conv_output_length, normalize_tuple

__all__ = ["MaxPooling1D", "MaxPooling2D", "AveragePooling1D", "AveragePooling2D",
           "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalMaxPooling1D",
           "GlobalMaxPooling2D", "MaxPool1D", "MaxPool2D", "AvgPool1D", "AvgPool2D",
           "GlobalAvgPool1D", "GlobalAvgPool2D", "GlobalMaxPool1D", "GlobalMaxPool2D"]


class _Pooling(Layer):
    _rank = 2
    _op = None

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(**kwargs)
        rank = self._rank
        self.pool_size = normalize_tuple(pool_size, rank, "pool_size")
        self.strides = normalize_tuple(strides if strides is not None else pool_size, rank,
                                       "strides")
        self.padding = padding.lower()
        if self.padding not in ("valid", "same"):
            raise ValueError('The `padding` argument must be a list/tuple or one of "valid", '
                             f'"same" (or "causal", only for `Conv1D). Received: {padding}')
        self.data_format = data_format or ("channels_last" if rank == 1
                                           else backend.image_data_format())
        self._input_ndim = (rank + 2, None)

    def call(self, inputs):
        x = _to_last(inputs, self.data_format)
        pool = getattr(conv_ops, self._op)
        if self._rank == 1:
            x = _array.expand_dims(x, 1)
            out = pool(x, [1, 1, self.pool_size[0], 1], [1, 1, self.strides[0], 1],
                       self.padding.upper())
            out = _array.squeeze(out, [1])
        else:
            out = pool(x, [1, *self.pool_size, 1], [1, *self.strides, 1], self.padding.upper())
        return _from_last(out, self.data_format)

    def compute_output_shape(self, input_shape):
        first = 2 if self.data_format == "channels_first" else 1
        shape = list(input_shape)
        for i in range(self._rank):
            shape[first + i] = conv_output_length(shape[first + i], self.pool_size[i],
                                                  self.padding, self.strides[i])
        return tuple(shape)

    def get_config(self):
        config = super().get_config()
        config.update({"pool_size": self.pool_size, "strides": self.strides,
                       "padding": self.padding, "data_format": self.data_format})
        return config


class MaxPooling2D(_Pooling):
    """Max pooling operation for 2D spatial data: the maximum over a
    `pool_size` window moved by `strides` (`pool_size` by default)."""
    _rank, _op = 2, "max_pool2d"

    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", data_format=None,
                 **kwargs):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


class AveragePooling2D(_Pooling):
    """Average pooling operation for 2D spatial data (with "same" padding
    the mean is over the window's part inside the input)."""
    _rank, _op = 2, "avg_pool2d"

    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", data_format=None,
                 **kwargs):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


class MaxPooling1D(_Pooling):
    """Max pooling operation for 1D temporal data."""
    _rank, _op = 1, "max_pool2d"


class AveragePooling1D(_Pooling):
    """Average pooling for temporal data."""
    _rank, _op = 1, "avg_pool2d"


class _GlobalPooling(Layer):
    _rank = 2
    _reduce = None

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        self.data_format = data_format or ("channels_last" if self._rank == 1
                                           else backend.image_data_format())
        self.keepdims = keepdims
        self._input_ndim = (self._rank + 2, None)

    def _axes(self):
        first = 2 if self.data_format == "channels_first" else 1
        return list(range(first, first + self._rank))

    def call(self, inputs):
        return getattr(_red, self._reduce)(inputs, axis=self._axes(), keepdims=self.keepdims)

    def compute_output_shape(self, input_shape):
        axes = self._axes()
        if self.keepdims:
            return tuple(1 if i in axes else d for i, d in enumerate(input_shape))
        return tuple(d for i, d in enumerate(input_shape) if i not in axes)


class GlobalAveragePooling2D(_GlobalPooling):
    """Global average pooling operation for spatial data: `(batch, rows,
    cols, channels)` -> `(batch, channels)`."""
    _rank, _reduce = 2, "reduce_mean"


class GlobalMaxPooling2D(_GlobalPooling):
    """Global max pooling operation for spatial data."""
    _rank, _reduce = 2, "reduce_max"


class GlobalAveragePooling1D(_GlobalPooling):
    """Global average pooling operation for temporal data."""
    _rank, _reduce = 1, "reduce_mean"


class GlobalMaxPooling1D(_GlobalPooling):
    """Global max pooling operation for 1D temporal data."""
    _rank, _reduce = 1, "reduce_max"


MaxPool1D, MaxPool2D, AvgPool1D, AvgPool2D = (MaxPooling1D, MaxPooling2D, AveragePooling1D,
                                              AveragePooling2D)
GlobalAvgPool1D, GlobalAvgPool2D = GlobalAveragePooling1D, GlobalAveragePooling2D
GlobalMaxPool1D, GlobalMaxPool2D = GlobalMaxPooling1D, GlobalMaxPooling2D
