"""`tf.keras.models`: Model, Sequential, and clone_model."""

from .engine.sequential import Sequential
from .engine.training import Model
from . import layers

__all__ = ["Model", "Sequential", "clone_model", "model_from_config"]


def clone_model(model, input_tensors=None, clone_function=None):
    """Clone a Sequential model instance: new layers of the same configs
    (new weights, freshly initialized)."""
    if not isinstance(model, Sequential):
        raise NotImplementedError("fastgraph's clone_model clones Sequential models only")
    clone_function = clone_function or (lambda layer: type(layer).from_config(
        {k: v for k, v in layer.get_config().items() if k != "name"}))
    return Sequential([clone_function(layer) for layer in model.layers])


def model_from_config(config, custom_objects=None):
    """Instantiates a Sequential model from its config (`model.get_config()`)."""
    return Sequential([layers.deserialize(c, custom_objects) for c in config["layers"]],
                      name=None)
