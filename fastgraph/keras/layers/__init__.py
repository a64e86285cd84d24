"""`tf.keras.layers`: the Keras layers, by family (core, activation,
convolutional, pooling, normalization, merge, recurrent, wrappers)."""

from ..engine.base_layer import Layer
from ..engine.input_layer import Input, InputLayer
from . import activation, convolutional, core, merge, normalization, pooling, recurrent, wrappers
from . import noise

__all__ = ["Layer", "Input", "InputLayer"]
for _module in (core, activation, convolutional, pooling, normalization, merge, recurrent,
                wrappers, noise):
    globals().update({_n: getattr(_module, _n) for _n in _module.__all__})
    __all__ += list(_module.__all__)
del _module


def serialize(layer):
    """The `{"class_name", "config"}` of a layer."""
    return {"class_name": type(layer).__name__, "config": layer.get_config()}


def deserialize(config, custom_objects=None):
    """A layer from its serialized form."""
    name = config["class_name"]
    cls = (custom_objects or {}).get(name) or globals().get(name)
    if not (isinstance(cls, type) and issubclass(cls, Layer)):
        raise ValueError(f"Unknown layer: '{name}'. Please ensure you are using a "
                         "`keras.utils.custom_object_scope` and that this object is included "
                         "in the scope.")
    return cls.from_config(config["config"])


__all__ += ["serialize", "deserialize"]
