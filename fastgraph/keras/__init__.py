"""`tf.keras` (and `tf.compat.v1.keras`) in TF1 graph mode: TF-Keras 2's
layers, models and training loop over fastgraph's graph and session (what
TensorFlow 2.21 runs with `tf.compat.v1.disable_eager_execution()`).

Layers are called on graph tensors and make `Variable`s named as TF-Keras
names them ("dense/kernel:0", "batch_normalization/moving_mean:0"), so a
`tf.compat.v1.train.Saver` checkpoint lines up with TensorFlow's; `Model`
and `Sequential` compile, fit, evaluate and predict in
`backend.get_session()`."""

from . import (activations, backend, callbacks, constraints, initializers, layers, losses,
               metrics, models, optimizers, regularizers, utils)
from .engine.input_layer import Input
from .engine.sequential import Sequential
from .engine.training import Model

__all__ = ["activations", "backend", "callbacks", "constraints", "initializers", "layers",
           "losses", "metrics", "models", "optimizers", "regularizers", "utils", "Input",
           "Sequential", "Model"]
