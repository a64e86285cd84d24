"""Traced functions (TF2's `tf.function`): a Python function traced into
its own graph once per input signature, run from the cached plan of that
graph; `tf.Module`; `tf.TensorSpec`; the eager tensors calls return; `tf.GradientTape`."""

from .def_function import Function, function
from .eager_tensor import EagerTensor
from .gradient_tape import GradientTape
from .module import Module
from ..framework.tensor_spec import TensorSpec

__all__ = ["function", "Function", "TensorSpec", "Module", "EagerTensor", "GradientTape"]
