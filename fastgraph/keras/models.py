"""`tf.keras.models`: Model, Sequential, and clone_model."""

from .engine.sequential import Sequential
from .engine.training import Model

__all__ = ["Model", "Sequential", "clone_model"]


def clone_model(model, input_tensors=None, clone_function=None):
    """Clone a Sequential model instance: new layers of the same configs
    (new weights, freshly initialized)."""
    if not isinstance(model, Sequential):
        raise NotImplementedError("fastgraph's clone_model clones Sequential models only")
    clone_function = clone_function or (lambda layer: type(layer).from_config(
        {k: v for k, v in layer.get_config().items() if k != "name"}))
    return Sequential([clone_function(layer) for layer in model.layers])
