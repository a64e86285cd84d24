"""`tf.keras.layers`: the Keras layers, by family (core, activation,
convolutional, pooling, normalization, merge, recurrent, wrappers)."""

from ..engine.base_layer import Layer
from ..engine.input_layer import Input, InputLayer
from . import activation, convolutional, core, merge, normalization, pooling, recurrent, wrappers

__all__ = ["Layer", "Input", "InputLayer"]
for _module in (core, activation, convolutional, pooling, normalization, merge, recurrent,
                wrappers):
    globals().update({_n: getattr(_module, _n) for _n in _module.__all__})
    __all__ += list(_module.__all__)
del _module
