"""`tf.keras.utils`: to_categorical, normalize, set_random_seed,
get_custom_objects and custom_object_scope."""

import random

import numpy as np
from ..framework.graph import get_default_graph
from .engine.base_layer import keras_history
from .engine.input_layer import InputLayer

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


def pad_sequences(sequences, maxlen=None, dtype="int32", padding="pre", truncating="pre",
                  value=0.0):
    """Pads sequences to the same length: a `(len(sequences), maxlen)`
    array, each sequence cut (`truncating`) and filled with `value`
    (`padding`) at its start ("pre") or end ("post")."""
    lengths = [len(s) for s in sequences]
    maxlen = maxlen if maxlen is not None else (max(lengths) if lengths else 0)
    out = np.full((len(sequences), maxlen), value, dtype=dtype)
    for i, s in enumerate(sequences):
        if not len(s):
            continue
        s = np.asarray(s, dtype=dtype)
        if truncating == "pre":
            s = s[-maxlen:]
        elif truncating == "post":
            s = s[:maxlen]
        else:
            raise ValueError(f'Truncating type "{truncating}" not understood')
        if padding == "post":
            out[i, :len(s)] = s
        elif padding == "pre":
            out[i, maxlen - len(s):] = s
        else:
            raise ValueError(f'Padding type "{padding}" not understood')
    return out


def get_source_inputs(tensor, layer=None, node_index=None):
    """Returns the list of input tensors necessary to compute `tensor`."""
    history = keras_history(tensor)
    if history is None or isinstance(history[0], InputLayer):
        return [tensor]
    node = history[0]._inbound_nodes[history[1]]
    sources = []
    for t in node.input_tensors:
        for s in get_source_inputs(t):
            if all(s is not other for other in sources):
                sources.append(s)
    return sources


class Progbar:
    """Displays a progress bar (a line of `current/target` and the values)."""

    def __init__(self, target, width=30, verbose=1, interval=0.05, stateful_metrics=None,
                 unit_name="step"):
        self.target, self.verbose = target, verbose

    def update(self, current, values=None, finalize=None):
        if self.verbose:
            text = " - ".join(f"{k}: {v:.4f}" for k, v in (values or []))
            print(f"{current}/{self.target} {text}")

    def add(self, n, values=None):
        self.update(n, values)


__all__ += ["pad_sequences", "get_source_inputs", "Progbar"]
