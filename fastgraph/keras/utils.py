"""`tf.keras.utils`: to_categorical, normalize, set_random_seed,
get_custom_objects and custom_object_scope."""

import random

import numpy as np

__all__ = ["to_categorical", "normalize", "set_random_seed", "get_custom_objects",
           "custom_object_scope", "CustomObjectScope"]

_CUSTOM_OBJECTS = {}


def to_categorical(y, num_classes=None, dtype="float32"):
    """Converts a class vector (integers) to binary class matrix: a
    trailing 1 axis of `y` is dropped, and a one-hot axis of `num_classes`
    (max(y) + 1 by default) is added."""
    y = np.array(y, dtype="int")
    input_shape = y.shape
    if input_shape and input_shape[-1] == 1 and len(input_shape) > 1:
        input_shape = tuple(input_shape[:-1])
    y = y.ravel()
    if not num_classes:
        num_classes = np.max(y) + 1
    n = y.shape[0]
    categorical = np.zeros((n, num_classes), dtype=dtype)
    categorical[np.arange(n), y] = 1
    return np.reshape(categorical, input_shape + (num_classes,))


def normalize(x, axis=-1, order=2):
    """Normalizes a NumPy array (to unit `order`-norm along `axis`)."""
    norm = np.atleast_1d(np.linalg.norm(x, order, axis))
    norm[norm == 0] = 1
    return x / np.expand_dims(norm, axis)


def set_random_seed(seed):
    """Sets all random seeds of the program: Python's, NumPy's (what fit's
    shuffling draws from) and the default graph's."""
    from ..framework.graph import get_default_graph
    random.seed(seed)
    np.random.seed(seed)
    get_default_graph().seed = seed


def get_custom_objects():
    """Retrieves a live reference to the global dictionary of custom objects."""
    return _CUSTOM_OBJECTS


class CustomObjectScope:
    """Exposes custom classes/functions to Keras deserialization internals."""

    def __init__(self, *args):
        self.custom_objects = args
        self.backup = None

    def __enter__(self):
        self.backup = dict(_CUSTOM_OBJECTS)
        for objects in self.custom_objects:
            _CUSTOM_OBJECTS.update(objects)
        return self

    def __exit__(self, *args):
        _CUSTOM_OBJECTS.clear()
        _CUSTOM_OBJECTS.update(self.backup)


custom_object_scope = CustomObjectScope
