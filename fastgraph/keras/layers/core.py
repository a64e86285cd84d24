"""Keras's core layers: Dense, Activation, Dropout, Flatten, Reshape,
Permute, RepeatVector, Lambda and Embedding, over fastgraph's ops."""

import numpy as np

from ...framework import dtypes
from ...framework.graph import Tensor
from ...ops import array_ops as _array
from ...ops.elementwise import cast
from ...ops.linalg_ops import matmul
from ...ops.nn_ops import bias_add, dropout as _nn_dropout
from ...ops.control_flow_ops import cond
from ...api.linalg_ops import tensordot
from ...api.nn_impl import embedding_lookup
from .. import activations, backend, initializers, regularizers
from ..constraints import get as constraints_of
from ..engine.base_layer import Layer
import inspect

__all__ = ["Dense", "Activation", "Dropout", "Flatten", "Reshape", "Permute", "RepeatVector",
           "Lambda", "Embedding"]


def smart_cond(pred, true_fn, false_fn):
    """`true_fn()` or `false_fn()` when `pred` is a Python bool (or 0/1), a
    `cond` on it when it is a tensor."""
    if isinstance(pred, Tensor):
        return cond(pred, true_fn, false_fn)
    return true_fn() if pred else false_fn()


class Dense(Layer):
    """Just your regular densely-connected NN layer.

    `Dense` implements the operation: `output = activation(dot(input,
    kernel) + bias)`, where `kernel` is a weights matrix created by the
    layer ("<name>/kernel", shape `(last input dim, units)`) and `bias` a
    vector ("<name>/bias", shape `(units,)`). Inputs of rank above 2 are
    contracted on their last axis.
    """

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.units = int(units) if not isinstance(units, int) else units
        if self.units < 0:
            raise ValueError("Received an invalid value for `units`, expected a positive "
                             f"integer. Received: units={units}")
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints_of(kernel_constraint)
        self.bias_constraint = constraints_of(bias_constraint)
        self._input_ndim = (None, 2)

    def build(self, input_shape):
        last_dim = input_shape[-1] if len(input_shape) else None
        if last_dim is None:
            raise ValueError("The last dimension of the inputs to a Dense layer should be "
                             f"defined. Found None. Full input shape received: {input_shape}")
        self.kernel = self.add_weight("kernel", shape=[last_dim, self.units],
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.bias = self.add_weight("bias", shape=[self.units], initializer=self.bias_initializer,
                                    regularizer=self.bias_regularizer,
                                    constraint=self.bias_constraint) if self.use_bias else None
        self.built = True

    def call(self, inputs):
        if inputs.dtype.base_dtype != self.kernel.dtype.base_dtype:
            inputs = cast(inputs, self.kernel.dtype.base_dtype)
        if inputs.shape.rank == 2 or inputs.shape.rank is None:
            outputs = matmul(inputs, self.kernel)
        else:
            outputs = tensordot(inputs, self.kernel, [[inputs.shape.rank - 1], [0]])
            dims = inputs.shape.as_list()[:-1] + [self.units]
            outputs.set_shape(dims)
        if self.use_bias:
            outputs = bias_add(outputs, self.bias)
        if self.activation is not None and self.activation is not activations.linear:
            outputs = self.activation(outputs)
        return outputs

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def get_config(self):
        config = super().get_config()
        config.update({"units": self.units, "activation": _name(self.activation),
                       "use_bias": self.use_bias})
        return config


def _name(fn):
    return getattr(fn, "__name__", fn) if fn is not None else "linear"


class Activation(Layer):
    """Applies an activation function to an output."""

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)

    def call(self, inputs):
        return self.activation(inputs)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config["activation"] = _name(self.activation)
        return config


class Dropout(Layer):
    """Applies Dropout to the input.

    The Dropout layer randomly sets input units to 0 with a frequency of
    `rate` at each step during training time, and scales the others by
    `1/(1 - rate)`. It does nothing at inference: when `training` is False,
    or, not given, the learning phase (`K.learning_phase()`) is False.
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if isinstance(rate, (int, float)) and not 0 <= rate <= 1:
            raise ValueError(f"Invalid value {rate} received for `rate`, expected a value "
                             "between 0 and 1.")
        self.rate = rate
        self.noise_shape = noise_shape
        self.seed = seed
        self.supports_masking = True

    def _get_noise_shape(self, inputs):
        if self.noise_shape is None:
            return None
        dynamic = _array.shape(inputs)
        return _array.stack([dynamic[i] if d is None else d
                             for i, d in enumerate(self.noise_shape)])

    def call(self, inputs, training=None):
        if isinstance(self.rate, (int, float)) and self.rate == 0:
            return _array.identity(inputs)

        def dropped():
            return _nn_dropout(inputs, noise_shape=self._get_noise_shape(inputs),
                               seed=self.seed, rate=self.rate)
        return smart_cond(training, dropped, lambda: _array.identity(inputs))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"rate": self.rate, "noise_shape": self.noise_shape, "seed": self.seed})
        return config


class Flatten(Layer):
    """Flattens the input. Does not affect the batch size (an input of shape
    `(batch, d1, d2, ...)` becomes `(batch, d1 * d2 * ...)`, and `(batch,)`
    becomes `(batch, 1)`)."""

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = data_format or backend.image_data_format()
        self._input_ndim = (None, 1)

    def call(self, inputs):
        if self.data_format == "channels_first" and inputs.shape.rank > 1:
            inputs = _array.transpose(inputs, [0] + list(range(2, inputs.shape.rank)) + [1])
        dims = inputs.shape.as_list()
        if len(dims) == 1:
            return _array.expand_dims(inputs, 1)
        rest = dims[1:]
        if None not in rest:
            batch = dims[0] if dims[0] is not None else -1
            return _array.reshape(inputs, [batch, int(np.prod(rest))])
        return _array.reshape(inputs, _array.stack([_array.shape(inputs)[0], -1]))

    def compute_output_shape(self, input_shape):
        rest = input_shape[1:]
        flat = None if None in rest else int(np.prod(rest)) if rest else 1
        return (input_shape[0], flat)

    def get_config(self):
        config = super().get_config()
        config["data_format"] = self.data_format
        return config


class Reshape(Layer):
    """Layer that reshapes inputs into the given shape (`target_shape`, not
    including the batch axis; one entry may be -1)."""

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        self.target_shape = tuple(target_shape)

    def _fix_unknown(self, input_shape):
        rest = input_shape[1:]
        out = list(self.target_shape)
        if -1 in out and None not in rest:
            known = int(np.prod([d for d in out if d != -1]))
            total = int(np.prod(rest))
            if known == 0 or total % known:
                raise ValueError("total size of new array must be unchanged, "
                                 f"input_shape = {list(rest)}, output_shape = "
                                 f"{list(self.target_shape)}")
            out[out.index(-1)] = total // known
        elif None not in rest and int(np.prod(rest)) != int(np.prod(out)):
            raise ValueError("total size of new array must be unchanged, "
                             f"input_shape = {list(rest)}, output_shape = "
                             f"{list(self.target_shape)}")
        return out

    def call(self, inputs):
        batch = inputs.shape.as_list()[0]
        shape = [batch if batch is not None else -1] + list(self.target_shape)
        if batch is None and -1 in self.target_shape:
            shape = _array.stack([_array.shape(inputs)[0]] + list(self.target_shape))
        out = _array.reshape(inputs, shape)
        out.set_shape([batch] + [d if d != -1 else None
                                 for d in self._fix_unknown(inputs.shape.as_list())])
        return out

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + tuple(
            d if d != -1 else None for d in self._fix_unknown(list(input_shape)))

    def get_config(self):
        config = super().get_config()
        config["target_shape"] = self.target_shape
        return config


class Permute(Layer):
    """Permutes the dimensions of the input according to a given pattern
    (1-based, not including the batch axis)."""

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        self.dims = tuple(dims)
        if sorted(self.dims) != list(range(1, len(self.dims) + 1)):
            raise ValueError("Invalid permutation argument `dims` for Permute Layer. The set "
                             "of indices in `dims` must be consecutive and start from 1. "
                             f"Received dims={dims}")

    def call(self, inputs):
        return _array.transpose(inputs, (0,) + self.dims)

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + tuple(input_shape[d] for d in self.dims)


class RepeatVector(Layer):
    """Repeats the input n times: `(batch, features)` -> `(batch, n, features)`."""

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        self.n = n
        self._input_ndim = (2, None)

    def call(self, inputs):
        return _array.tile(_array.expand_dims(inputs, 1), [1, self.n, 1])

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.n, input_shape[1])


class Lambda(Layer):
    """Wraps arbitrary expressions as a `Layer` object: `function(inputs,
    **arguments)`."""

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        self.function = function
        self.arguments = arguments or {}
        self._output_shape = output_shape

    def call(self, inputs, mask=None, training=None):
        kwargs = dict(self.arguments)
        params = inspect.signature(self.function).parameters
        if "training" in params:
            kwargs["training"] = training
        if "mask" in params:
            kwargs["mask"] = mask
        return self.function(inputs, **kwargs)

    def compute_output_shape(self, input_shape):
        if self._output_shape is None:
            return super().compute_output_shape(input_shape)
        if callable(self._output_shape):
            return self._output_shape(input_shape)
        return (input_shape[0],) + tuple(self._output_shape)


class Embedding(Layer):
    """Turns positive integers (indexes) into dense vectors of fixed size:
    `[[4], [20]] -> [[0.25, 0.1], [0.6, -0.2]]`, from an `embeddings`
    weight ("<name>/embeddings", shape `(input_dim, output_dim)`,
    `uniform` (-0.05, 0.05) by default)."""

    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform",
                 embeddings_regularizer=None, activity_regularizer=None,
                 embeddings_constraint=None, mask_zero=False, input_length=None, **kwargs):
        if "input_shape" not in kwargs and "batch_input_shape" not in kwargs:
            if input_length is not None:
                kwargs["input_shape"] = (input_length,) if np.isscalar(input_length) else \
                    tuple(input_length)
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if input_dim <= 0 or output_dim <= 0:
            raise ValueError("Both `input_dim` and `output_dim` should be positive, "
                             f"Received input_dim = {input_dim} and output_dim = {output_dim}")
        self.input_dim = input_dim
        self.output_dim = output_dim
        self.embeddings_initializer = initializers.get(
            "random_uniform" if embeddings_initializer == "uniform" else embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraints_of(embeddings_constraint)
        self.mask_zero = mask_zero
        self.input_length = input_length

    def build(self, input_shape):
        self.embeddings = self.add_weight("embeddings", shape=(self.input_dim, self.output_dim),
                                          initializer=self.embeddings_initializer,
                                          regularizer=self.embeddings_regularizer,
                                          constraint=self.embeddings_constraint)
        self.built = True

    def call(self, inputs):
        if inputs.dtype not in (dtypes.int32, dtypes.int64):
            inputs = cast(inputs, dtypes.int32)
        return embedding_lookup(self.embeddings, inputs)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape) + (self.output_dim,)

    def get_config(self):
        config = super().get_config()
        config.update({"input_dim": self.input_dim, "output_dim": self.output_dim,
                       "mask_zero": self.mask_zero, "input_length": self.input_length})
        return config
