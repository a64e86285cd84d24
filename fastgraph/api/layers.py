"""`tf.compat.v1.layers`: TF1's layers (Dense, Conv2D, pooling, Flatten,
Dropout, BatchNormalization) and their functional forms
(BatchNormalization's fused path is nn_impl's `tf.nn.fused_batch_norm`).

The layers name their variables and ops as TF's legacy layers do: each
layer opens a variable scope (its `name`, or its class name in snake case
made unique: "dense", "dense_1", ...) and creates its weights there with
`get_variable`, so "dense/kernel", "conv2d/bias" and
"batch_normalization/moving_mean" are the variables' names, `reuse` and
enclosing `variable_scope`s share them as in TF, and trainable weights go
to TRAINABLE_VARIABLES (BatchNormalization's moving statistics to
GLOBAL_VARIABLES only). Everything is built from existing ops (MatMul,
Tensordot, Conv2D, BiasAdd, pooling, Reshape and the elementwise ops).

Batch normalization in training (`training=True`, or a boolean tensor)
normalizes with the batch's statistics and adds the updates of its moving
statistics to GraphKeys.UPDATE_OPS, as TF's legacy layers do.
"""

import numbers
import re

import numpy as np

from ..framework import dtypes
from ..framework.graph import GraphKeys, Tensor, get_default_graph
from ..framework.tensor_shape import TensorShape
from ..ops import conv_ops, namespace
from ..ops.arguments import graph_of, to_tensor
from ..ops.array_ops import expand_dims, identity, reshape, shape, stack, transpose
from ..ops.control_flow_ops import cond
from ..ops.conv_ops import conv2d as nn_conv2d
from ..ops.elementwise import cast, multiply, subtract
from ..ops.indexing_ops import where
from ..ops.state_ops import assign_sub
from ..ops.linalg_ops import matmul
from ..ops.nn_ops import bias_add, dropout as nn_dropout
from .init_ops import ones_initializer, zeros_initializer
from .linalg_ops import tensordot
from . import regularizers
from .nn_impl import batch_normalization as nn_batch_normalization, fused_batch_norm, moments
from .variable_scope import get_variable, variable_scope

__all__ = []

LAYERS = ["Layer", "Dense", "Conv2D", "MaxPooling2D", "AveragePooling2D", "Flatten", "Dropout",
          "BatchNormalization", "dense", "conv2d", "max_pooling2d", "average_pooling2d",
          "flatten", "dropout", "batch_normalization",
          # TF's aliases.
          "Convolution2D", "MaxPool2D", "AvgPool2D", "convolution2d"]

_LAYER_NAMES_KEY = ("__layer_names",)


# ---- layer names -------------------------------------------------------------


def _snake_case(name):
    intermediate = re.sub("(.)([A-Z][a-z0-9]+)", r"\1_\2", name)
    insecure = re.sub("([a-z])([A-Z])", r"\1_\2", intermediate).lower()
    return insecure if insecure[0] != "_" else "private" + insecure


def _unique_layer_name(base):
    """TF-Keras's unique_object_name: "dense", "dense_1", ... per graph."""
    ref = get_default_graph().get_collection_ref(_LAYER_NAMES_KEY)
    if not ref:
        ref.append({})
    counts = ref[0]
    n = counts.get(base, 0)
    counts[base] = n + 1
    return base if n == 0 else f"{base}_{n}"


# ---- arguments, as TF-Keras checks and spells them ------------------------------


def _normalize_tuple(value, n, name):
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return (int(value),) * n
    try:
        values = tuple(value)
    except TypeError:
        raise ValueError(f"The `{name}` argument must be a tuple of {n} integers. "
                         f"Received: {value}") from None
    if len(values) != n or not all(isinstance(v, (int, np.integer)) for v in values):
        raise ValueError(f"The `{name}` argument must be a tuple of {n} integers. "
                         f"Received: {value}")
    return tuple(int(v) for v in values)


def _normalize_padding(value):
    padding = value.lower() if isinstance(value, str) else value
    if padding not in ("valid", "same"):
        raise ValueError('The `padding` argument must be a list/tuple or one of "valid", '
                         '"same" (or "causal", only for `Conv1D). '
                         f"Received: {padding}")
    return padding


def _normalize_data_format(value):
    data_format = "channels_last" if value is None else str(value).lower()
    if data_format not in ("channels_first", "channels_last"):
        raise ValueError('The `data_format` argument must be one of "channels_first", '
                         f'"channels_last". Received: {value}')
    return data_format


# TF-Keras's activation names: those the op families list, and "linear".
_ACTIVATIONS = {"linear": None, **namespace("ACTIVATIONS")}


def _get_activation(activation):
    """A callable for `activation`: None, a callable or a TF-Keras name."""
    if activation is None or callable(activation):
        return activation
    if activation not in _ACTIVATIONS:
        raise ValueError(f"Unknown activation function: '{activation}'. Please ensure you "
                         "are using a `keras.utils.custom_object_scope` and that this object "
                         "is included in the scope.")
    return _ACTIVATIONS[activation]


def _fmt_shape(shape):
    # Keras's spelling, (None, 3), not the shape functions' [?,3].
    dims = shape.as_tuple() if isinstance(shape, TensorShape) else tuple(shape)
    return "(" + ", ".join("None" if d is None else str(d) for d in dims) + \
        ("," if len(dims) == 1 else "") + ")"


# ---- data formats -------------------------------------------------------------


def _to_nhwc(x):
    return transpose(x, [0, 2, 3, 1])


def _to_nchw(x):
    return transpose(x, [0, 3, 1, 2])


# ---- the base layer -------------------------------------------------------------


class Layer:
    """Base layer class (TF1's `tf.compat.v1.layers.Layer`).

    A layer creates its variables in its own variable scope the first time it
    is called, and reuses them on later calls.

    Args:
      trainable: Boolean, whether the layer's variables should be trainable.
      name: String name of the layer.
      dtype: Default dtype of the layer's weights (default of `None` means use
        the type of the first input).
    """

    _min_ndim = None
    _ndim = None

    def __init__(self, trainable=True, name=None, dtype=None, **kwargs):
        scope = kwargs.pop("_scope", None)
        self._reuse = kwargs.pop("_reuse", None)
        kwargs.pop("autocast", None)
        if kwargs:
            raise TypeError(f"Keyword argument not understood: {sorted(kwargs)[0]}")
        self.trainable = trainable
        self.built = False
        self._dtype = None if dtype is None else dtypes.as_dtype(dtype)
        base = _snake_case(type(self).__name__)
        if name:
            self._name, self._base_name = name, name
        else:
            self._name, self._base_name = _unique_layer_name(base), base
        self._trainable_weights = []
        self._non_trainable_weights = []
        self._updates = []
        self._losses = []
        self._scope = None
        self._current_scope = None
        if scope:
            with variable_scope(scope) as captured:
                self._scope = captured

    name = property(lambda self: self._name, doc="The name of the layer (string).")
    dtype = property(lambda self: self._dtype, doc="The dtype of the layer's weights.")
    trainable_weights = property(lambda self: list(self._trainable_weights) if self.trainable
                                 else [])
    non_trainable_weights = property(
        lambda self: list(self._non_trainable_weights) if self.trainable
        else self._trainable_weights + self._non_trainable_weights)
    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights
    weights = property(lambda self: self.trainable_weights + self.non_trainable_weights)
    variables = weights
    updates = property(lambda self: list(self._updates),
                       doc="The update ops of the layer (its moving averages).")
    losses = property(lambda self: list(self._losses),
                      doc="The regularization losses of the layer's weights and outputs.")

    @property
    def scope_name(self):
        if not self._scope:
            raise ValueError(f'No name available for layer scope because the layer "{self._name}"'
                             " has not been used yet. The scope name  is determined the first "
                             "time the layer instance is called. You must therefore call the "
                             "layer before querying `scope_name`.")
        return self._scope.name

    def _set_scope(self, scope=None):
        if self._scope is None:
            if self._reuse:
                with variable_scope(scope if scope is not None else self._base_name) as captured:
                    self._scope = captured
            else:
                with variable_scope(scope, default_name=self._base_name) as captured:
                    self._scope = captured

    def add_weight(self, name, shape, dtype=None, initializer=None, regularizer=None,
                   trainable=None, constraint=None, use_resource=None, synchronization=None,
                   aggregation=None, partitioner=None, **kwargs):
        """Adds a new variable to the layer, or gets an existing one; returns it."""
        if trainable is None:
            trainable = True
        dtype = dtypes.as_dtype(dtype or self._dtype or dtypes.float32)
        self._set_scope(None)
        reuse = self.built or self._reuse
        graph = get_default_graph()
        with variable_scope(self._scope, reuse=reuse, auxiliary_name_scope=False) as scope:
            self._current_scope = scope
            with graph.name_scope(scope.original_name_scope):
                if initializer is None:
                    initializer = scope.initializer
                if initializer is None and not dtype.is_floating:
                    initializer = zeros_initializer()
                existing = set(id(v) for v in graph.get_collection("variables"))
                variable = get_variable(name, shape=shape, dtype=dtype, initializer=initializer,
                                        trainable=trainable and self.trainable,
                                        constraint=constraint, partitioner=partitioner)
                if isinstance(regularizer, (str, dict)):
                    regularizer = regularizers.get(regularizer)
                if regularizer and id(variable) not in existing:
                    # TF's "<layer>/<weight>/Regularizer/": the variable's own name.
                    with graph.name_scope(variable.op.name + "/Regularizer/"):
                        loss = regularizer(variable)
                    if loss is not None:
                        self._losses.append(loss)
                        graph.add_to_collection(GraphKeys.REGULARIZATION_LOSSES, loss)
        if trainable:
            self._trainable_weights.append(variable)
        else:
            self._non_trainable_weights.append(variable)
        return variable

    def build(self, input_shape):
        """Creates the variables of the layer."""
        self.built = True

    def call(self, inputs, **kwargs):
        """The logic of the layer."""
        return inputs

    def _check_input(self, x):
        rank = x.shape.rank
        if rank is None:
            return
        if self._ndim is not None and rank != self._ndim:
            raise ValueError(f'Input 0 of layer "{self._name}" is incompatible with the layer: '
                             f"expected ndim={self._ndim}, found ndim={rank}. Full shape "
                             f"received: {_fmt_shape(x.shape)}")
        if self._min_ndim is not None and rank < self._min_ndim:
            raise ValueError(f'Input 0 of layer "{self._name}" is incompatible with the layer: '
                             f"expected min_ndim={self._min_ndim}, found ndim={rank}. Full "
                             f"shape received: {_fmt_shape(x.shape)}")

    def __call__(self, inputs, *args, **kwargs):
        """Wraps `call`: opens the layer's variable scope (with reuse once the
        layer is built) and its name scope, builds it on the first call."""
        scope = kwargs.pop("scope", None)
        graph = graph_of([inputs])
        with graph.as_default():
            x = to_tensor(graph, inputs)
            self._set_scope(scope)
            reuse = True if self.built else self._reuse
            with variable_scope(self._scope, reuse=reuse, auxiliary_name_scope=False) as vs:
                self._current_scope = vs
                with graph.name_scope(vs.original_name_scope):
                    self._check_input(x)
                    if not self.built:
                        if self._dtype is None:
                            self._dtype = x.dtype
                        self.build(x.shape)
                        self.built = True
                    if self._casts_inputs and x.dtype != self._dtype:
                        x = cast(x, self._dtype)
                    outputs = self.call(x, *args, **kwargs)
                    regularizer = getattr(self, "activity_regularizer", None)
                    if regularizer is not None:
                        with graph.name_scope("ActivityRegularizer"):
                            loss = regularizer(outputs)
                        if loss is not None:
                            self._losses.append(loss)
                            graph.add_to_collection(GraphKeys.REGULARIZATION_LOSSES, loss)
        return outputs

    _casts_inputs = False

    def apply(self, inputs, *args, **kwargs):
        """Apply the layer on an input (same as calling it)."""
        return self(inputs, *args, **kwargs)


# ---- Dense ---------------------------------------------------------------------


class Dense(Layer):
    """Densely-connected layer class.

    This layer implements the operation:
    `outputs = activation(inputs * kernel + bias)`
    Where `activation` is the activation function passed as the `activation`
    argument (if not `None`), `kernel` is a weights matrix created by the layer,
    and `bias` is a bias vector created by the layer
    (only if `use_bias` is `True`).

    Args:
      units: Integer or Long, dimensionality of the output space.
      activation: Activation function (callable). Set it to None to maintain a
        linear activation.
      use_bias: Boolean, whether the layer uses a bias.
      kernel_initializer: Initializer function for the weight matrix.
        If `None` (default), weights are initialized using the default
        initializer used by `tf.compat.v1.get_variable`.
      bias_initializer: Initializer function for the bias.
      kernel_regularizer: Regularizer function for the weight matrix.
      bias_regularizer: Regularizer function for the bias.
      activity_regularizer: Regularizer function for the output.
      kernel_constraint, bias_constraint: projection functions (kept on the
        variables; fastgraph has no optimizer that applies them).
      trainable: Boolean, if `True` also add variables to the graph collection
        `GraphKeys.TRAINABLE_VARIABLES` (see `tf.Variable`).
      name: String, the name of the layer. Layers with the same name will
        share weights, but to avoid mistakes we require reuse=True in such cases.
    """

    _min_ndim = 2
    _casts_inputs = True

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer=None,
                 bias_initializer=None, kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 trainable=True, name=None, **kwargs):
        super().__init__(trainable=trainable, name=name, **kwargs)
        self.units = int(units)
        if self.units <= 0:
            raise ValueError("Received an invalid value for `units`, expected a positive "
                             f"integer. Received: units={units}")
        self.activation = _get_activation(activation)
        self.use_bias = use_bias
        self.kernel_initializer = kernel_initializer
        self.bias_initializer = zeros_initializer() if bias_initializer is None \
            else bias_initializer
        self.kernel_regularizer = kernel_regularizer
        self.bias_regularizer = bias_regularizer
        self.activity_regularizer = activity_regularizer
        self.kernel_constraint = kernel_constraint
        self.bias_constraint = bias_constraint

    def build(self, input_shape):
        if not self._dtype.is_floating:
            raise TypeError("A Dense layer can only be built with a floating-point dtype. "
                            f"Received: dtype={self._dtype.name}")
        last_dim = input_shape.as_tuple()[-1]
        if last_dim is None:
            raise ValueError("The last dimension of the inputs to a Dense layer should be "
                             f"defined. Found None. Full input shape received: "
                             f"{_fmt_shape(input_shape)}")
        self.kernel = self.add_weight("kernel", shape=[last_dim, self.units],
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint, trainable=True)
        self.bias = self.add_weight("bias", shape=[self.units],
                                    initializer=self.bias_initializer,
                                    regularizer=self.bias_regularizer,
                                    constraint=self.bias_constraint, trainable=True) \
            if self.use_bias else None

    def call(self, inputs):
        rank = inputs.shape.rank
        if rank == 2 or rank is None:
            outputs = matmul(inputs, self.kernel)
        else:
            outputs = tensordot(inputs, self.kernel, [[rank - 1], [0]])
            outputs.set_shape(inputs.shape.as_list()[:-1] + [self.units])
        if self.use_bias:
            outputs = bias_add(outputs, self.bias)
        if self.activation is not None:
            outputs = self.activation(outputs)
        return outputs


def dense(inputs, units, activation=None, use_bias=True, kernel_initializer=None,
          bias_initializer=None, kernel_regularizer=None, bias_regularizer=None,
          activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
          trainable=True, name=None, reuse=None):
    """Functional interface for the densely-connected layer.

    This layer implements the operation:
    `outputs = activation(inputs * kernel + bias)`
    where `activation` is the activation function passed as the `activation`
    argument (if not `None`), `kernel` is a weights matrix created by the layer,
    and `bias` is a bias vector created by the layer
    (only if `use_bias` is `True`). Inputs of rank above 2 are multiplied
    along their last dimension (tensordot).

    Args:
      inputs: Tensor input.
      units: Integer or Long, dimensionality of the output space.
      activation: Activation function (callable). Set it to None to maintain a
        linear activation.
      use_bias: Boolean, whether the layer uses a bias.
      kernel_initializer: Initializer function for the weight matrix.
        If `None` (default), weights are initialized using the default
        initializer used by `tf.compat.v1.get_variable`.
      bias_initializer: Initializer function for the bias (default zeros).
      kernel_regularizer: Regularizer function for the weight matrix.
      bias_regularizer: Regularizer function for the bias.
      activity_regularizer: Regularizer function for the output.
      kernel_constraint, bias_constraint: projection functions.
      trainable: Boolean, if `True` also add variables to the graph collection
        `GraphKeys.TRAINABLE_VARIABLES` (see `tf.Variable`).
      name: String, the name of the layer.
      reuse: Boolean, whether to reuse the weights of a previous layer
        by the same name.

    Returns:
      Output tensor the same shape as `inputs` except the last dimension is of
      size `units`.
    """
    layer = Dense(units, activation=activation, use_bias=use_bias,
                  kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
                  kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                  activity_regularizer=activity_regularizer,
                  kernel_constraint=kernel_constraint, bias_constraint=bias_constraint,
                  trainable=trainable, name=name, _scope=name, _reuse=reuse)
    return layer(inputs)


# ---- Conv2D ----------------------------------------------------------------------


class Conv2D(Layer):
    """2D convolution layer (e.g. spatial convolution over images).

    This layer creates a convolution kernel that is convolved
    (actually cross-correlated) with the layer input to produce a tensor of
    outputs. If `use_bias` is True (and a `bias_initializer` is provided),
    a bias vector is created and added to the outputs. Finally, if
    `activation` is not `None`, it is applied to the outputs as well.

    Args:
      filters: Integer, the dimensionality of the output space (i.e. the number
        of filters in the convolution).
      kernel_size: An integer or tuple/list of 2 integers, specifying the
        height and width of the 2D convolution window.
      strides: An integer or tuple/list of 2 integers, specifying the strides
        of the convolution along the height and width.
      padding: One of `"valid"` or `"same"` (case-insensitive).
      data_format: A string, one of `channels_last` (default) or
        `channels_first`.
      dilation_rate: An integer or tuple/list of 2 integers, specifying
        the dilation rate to use for dilated convolution.
      activation: Activation function. Set it to None to maintain a
        linear activation.
      use_bias: Boolean, whether the layer uses a bias.
      kernel_initializer: An initializer for the convolution kernel.
      bias_initializer: An initializer for the bias vector. If None, the default
        initializer will be used.
      kernel_regularizer, bias_regularizer, activity_regularizer: Optional
        regularizers.
      kernel_constraint, bias_constraint: Optional projection functions.
      trainable: Boolean, if `True` also add variables to the graph collection
        `GraphKeys.TRAINABLE_VARIABLES` (see `tf.Variable`).
      name: A string, the name of the layer.
    """

    _min_ndim = 4
    _casts_inputs = True

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid",
                 data_format="channels_last", dilation_rate=(1, 1), activation=None,
                 use_bias=True, kernel_initializer=None, bias_initializer=None,
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, trainable=True, name=None,
                 **kwargs):
        super().__init__(trainable=trainable, name=name, **kwargs)
        if filters is not None and (not isinstance(filters, (int, np.integer)) or filters <= 0):
            raise ValueError("Invalid value for argument `filters`. Expected a strictly "
                             f"positive value. Received filters={filters}.")
        self.filters = int(filters)
        self.kernel_size = _normalize_tuple(kernel_size, 2, "kernel_size")
        self.strides = _normalize_tuple(strides, 2, "strides")
        self.padding = _normalize_padding(padding)
        self.data_format = _normalize_data_format(data_format)
        self.dilation_rate = _normalize_tuple(dilation_rate, 2, "dilation_rate")
        if min(self.kernel_size) <= 0 or min(self.strides) <= 0 or min(self.dilation_rate) <= 0:
            raise ValueError("The argument `kernel_size`, `strides` and `dilation_rate` cannot "
                             f"contain non-positive values. Received: kernel_size="
                             f"{self.kernel_size}, strides={self.strides}, dilation_rate="
                             f"{self.dilation_rate}")
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError("`strides > 1` not supported in conjunction with "
                             f"`dilation_rate > 1`. Received: strides={self.strides} and "
                             f"dilation_rate={self.dilation_rate}")
        self.activation = _get_activation(activation)
        self.use_bias = use_bias
        self.kernel_initializer = kernel_initializer
        self.bias_initializer = zeros_initializer() if bias_initializer is None \
            else bias_initializer
        self.kernel_regularizer = kernel_regularizer
        self.bias_regularizer = bias_regularizer
        self.activity_regularizer = activity_regularizer
        self.kernel_constraint = kernel_constraint
        self.bias_constraint = bias_constraint

    def _channel_axis(self):
        return 1 if self.data_format == "channels_first" else -1

    def build(self, input_shape):
        dims = input_shape.as_tuple()
        channels = dims[self._channel_axis()]
        if channels is None:
            axis = self._channel_axis() % len(dims)
            raise ValueError("The channel dimension of the inputs should be defined. The "
                             f"input_shape received is {_fmt_shape(input_shape)}, where axis "
                             f"{axis} (0-based) is the channel dimension, which found to be "
                             "`None`.")
        self.kernel = self.add_weight("kernel",
                                      shape=list(self.kernel_size) + [channels, self.filters],
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint, trainable=True)
        self.bias = self.add_weight("bias", shape=[self.filters],
                                    initializer=self.bias_initializer,
                                    regularizer=self.bias_regularizer,
                                    constraint=self.bias_constraint, trainable=True) \
            if self.use_bias else None

    def call(self, inputs):
        if inputs.shape.rank not in (None, 4):
            raise NotImplementedError("fastgraph's Conv2D layer takes 4-D inputs "
                                      f"(got rank {inputs.shape.rank})")
        first = self.data_format == "channels_first"
        x = _to_nhwc(inputs) if first else inputs
        outputs = nn_conv2d(x, self.kernel, strides=list(self.strides),
                            padding=self.padding.upper(), dilations=list(self.dilation_rate),
                            name="Conv2D")
        if first:
            outputs = _to_nchw(outputs)
        if self.use_bias:
            outputs = bias_add(outputs, self.bias, data_format="NCHW" if first else "NHWC")
        if self.activation is not None:
            outputs = self.activation(outputs)
        return outputs


def conv2d(inputs, filters, kernel_size, strides=(1, 1), padding="valid",
           data_format="channels_last", dilation_rate=(1, 1), activation=None, use_bias=True,
           kernel_initializer=None, bias_initializer=None, kernel_regularizer=None,
           bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
           bias_constraint=None, trainable=True, name=None, reuse=None):
    """Functional interface for the 2D convolution layer.

    This layer creates a convolution kernel that is convolved
    (actually cross-correlated) with the layer input to produce a tensor of
    outputs. If `use_bias` is True (and a `bias_initializer` is provided),
    a bias vector is created and added to the outputs. Finally, if
    `activation` is not `None`, it is applied to the outputs as well.

    Args:
      inputs: Tensor input.
      filters: Integer, the dimensionality of the output space (i.e. the number
        of filters in the convolution).
      kernel_size: An integer or tuple/list of 2 integers, specifying the
        height and width of the 2D convolution window.
      strides: An integer or tuple/list of 2 integers, specifying the strides
        of the convolution along the height and width.
      padding: One of `"valid"` or `"same"` (case-insensitive).
      data_format: A string, one of `channels_last` (default) or
        `channels_first` (`(batch, channels, height, width)`).
      dilation_rate: An integer or tuple/list of 2 integers, specifying
        the dilation rate to use for dilated convolution.
      activation: Activation function. Set it to None to maintain a
        linear activation.
      use_bias: Boolean, whether the layer uses a bias.
      kernel_initializer: An initializer for the convolution kernel.
      bias_initializer: An initializer for the bias vector (default zeros).
      kernel_regularizer, bias_regularizer, activity_regularizer: Optional
        regularizers.
      kernel_constraint, bias_constraint: Optional projection functions.
      trainable: Boolean, if `True` also add variables to the graph collection
        `GraphKeys.TRAINABLE_VARIABLES` (see `tf.Variable`).
      name: A string, the name of the layer.
      reuse: Boolean, whether to reuse the weights of a previous layer
        by the same name.

    Returns:
      Output tensor.
    """
    layer = Conv2D(filters=filters, kernel_size=kernel_size, strides=strides, padding=padding,
                   data_format=data_format, dilation_rate=dilation_rate, activation=activation,
                   use_bias=use_bias, kernel_initializer=kernel_initializer,
                   bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
                   bias_regularizer=bias_regularizer, activity_regularizer=activity_regularizer,
                   kernel_constraint=kernel_constraint, bias_constraint=bias_constraint,
                   trainable=trainable, name=name, _reuse=reuse, _scope=name)
    return layer(inputs)


# ---- pooling ---------------------------------------------------------------------


class _Pooling2D(Layer):
    _ndim = 4
    _pool = None

    def __init__(self, pool_size, strides, padding="valid", data_format="channels_last",
                 name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        if strides is None:
            strides = pool_size
        self.pool_size = _normalize_tuple(pool_size, 2, "pool_size")
        self.strides = _normalize_tuple(strides, 2, "strides")
        self.padding = _normalize_padding(padding)
        self.data_format = _normalize_data_format(data_format)

    def call(self, inputs):
        first = self.data_format == "channels_first"
        x = _to_nhwc(inputs) if first else inputs
        outputs = getattr(conv_ops, self._pool)(
            x, ksize=(1,) + self.pool_size + (1,), strides=(1,) + self.strides + (1,),
            padding=self.padding.upper(), name=self._op_name)
        return _to_nchw(outputs) if first else outputs


class MaxPooling2D(_Pooling2D):
    """Max pooling layer for 2D inputs (e.g. images).

    Args:
      pool_size: An integer or tuple/list of 2 integers: (pool_height, pool_width)
        specifying the size of the pooling window.
      strides: An integer or tuple/list of 2 integers,
        specifying the strides of the pooling operation.
      padding: A string. The padding method, either 'valid' or 'same'.
        Case-insensitive.
      data_format: A string. The ordering of the dimensions in the inputs.
        `channels_last` (default) and `channels_first` are supported.
      name: A string, the name of the layer.
    """

    _pool = "max_pool2d"
    _op_name = "MaxPool"


class AveragePooling2D(_Pooling2D):
    """Average pooling layer for 2D inputs (e.g. images).

    Args:
      pool_size: An integer or tuple/list of 2 integers: (pool_height, pool_width)
        specifying the size of the pooling window.
      strides: An integer or tuple/list of 2 integers,
        specifying the strides of the pooling operation.
      padding: A string. The padding method, either 'valid' or 'same'.
        Case-insensitive.
      data_format: A string. The ordering of the dimensions in the inputs.
        `channels_last` (default) and `channels_first` are supported.
      name: A string, the name of the layer.
    """

    _pool = "avg_pool2d"
    _op_name = "AvgPool"


def max_pooling2d(inputs, pool_size, strides, padding="valid", data_format="channels_last",
                  name=None):
    """Max pooling layer for 2D inputs (e.g. images).

    Args:
      inputs: The tensor over which to pool. Must have rank 4.
      pool_size: An integer or tuple/list of 2 integers: (pool_height, pool_width)
        specifying the size of the pooling window.
        Can be a single integer to specify the same value for
        all spatial dimensions.
      strides: An integer or tuple/list of 2 integers,
        specifying the strides of the pooling operation.
        Can be a single integer to specify the same value for
        all spatial dimensions.
      padding: A string. The padding method, either 'valid' or 'same'.
        Case-insensitive.
      data_format: A string. The ordering of the dimensions in the inputs.
        `channels_last` (default) and `channels_first` are supported.
        `channels_last` corresponds to inputs with shape
        `(batch, height, width, channels)` while `channels_first` corresponds to
        inputs with shape `(batch, channels, height, width)`.
      name: A string, the name of the layer.

    Returns:
      Output tensor.
    """
    return MaxPooling2D(pool_size=pool_size, strides=strides, padding=padding,
                        data_format=data_format, name=name)(inputs)


def average_pooling2d(inputs, pool_size, strides, padding="valid", data_format="channels_last",
                      name=None):
    """Average pooling layer for 2D inputs (e.g. images).

    Args:
      inputs: The tensor over which to pool. Must have rank 4.
      pool_size: An integer or tuple/list of 2 integers: (pool_height, pool_width)
        specifying the size of the pooling window.
        Can be a single integer to specify the same value for
        all spatial dimensions.
      strides: An integer or tuple/list of 2 integers,
        specifying the strides of the pooling operation.
        Can be a single integer to specify the same value for
        all spatial dimensions.
      padding: A string. The padding method, either 'valid' or 'same'.
        Case-insensitive.
      data_format: A string. The ordering of the dimensions in the inputs.
        `channels_last` (default) and `channels_first` are supported.
      name: A string, the name of the layer.

    Returns:
      Output tensor.
    """
    return AveragePooling2D(pool_size=pool_size, strides=strides, padding=padding,
                            data_format=data_format, name=name)(inputs)


# ---- Flatten -----------------------------------------------------------------------


class Flatten(Layer):
    """Flattens an input tensor while preserving the batch axis (axis 0).

    Args:
      data_format: A string, one of `channels_last` (default) or
        `channels_first`. With `channels_first` the input is moved to
        channels-last order before it is flattened.
    """

    _min_ndim = 1

    def __init__(self, data_format="channels_last", name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.data_format = _normalize_data_format(data_format)

    def call(self, inputs):
        rank = inputs.shape.rank
        if self.data_format == "channels_first" and rank and rank > 1:
            inputs = transpose(inputs, [0] + list(range(2, rank)) + [1])
        if rank is None:
            return reshape(inputs, stack([shape(inputs)[0], -1]))
        if rank == 1:
            return expand_dims(inputs, axis=1)
        dims = inputs.shape.as_tuple()
        if all(d is not None for d in dims[1:]):
            return reshape(inputs, [-1, int(np.prod(dims[1:], dtype=np.int64))])
        if dims[0] is not None:
            return reshape(inputs, [dims[0], -1])
        return reshape(inputs, stack([shape(inputs)[0], -1]))


def flatten(inputs, name=None, data_format="channels_last"):
    """Flattens an input tensor while preserving the batch axis (axis 0).

    Args:
      inputs: Tensor input.
      name: The name of the layer (string).
      data_format: A string, one of `channels_last` (default) or
        `channels_first`. The ordering of the dimensions in the inputs.
        `channels_last` corresponds to inputs with shape
        `(batch, height, width, channels)` while `channels_first` corresponds to
        inputs with shape `(batch, channels, height, width)`.

    Returns:
      Reshaped tensor.

    Examples:

    ```
      x = tf.compat.v1.placeholder(shape=(None, 4, 4), dtype='float32')
      y = flatten(x)
      # now `y` has shape `(None, 16)`

      x = tf.compat.v1.placeholder(shape=(None, 3, None), dtype='float32')
      y = flatten(x)
      # now `y` has shape `(None, None)`
    ```
    """
    return Flatten(name=name, data_format=data_format)(inputs)


# ---- Dropout -----------------------------------------------------------------------


def _is_python_bool(value):
    return isinstance(value, (bool, np.bool_))


def _cond(pred, true_fn, false_fn):
    """`cond` on a fed bool (its output is "cond/Identity", as TF's)."""
    return cond(pred, true_fn, false_fn)


class Dropout(Layer):
    """Applies Dropout to the input.

    Dropout consists in randomly setting a fraction `rate` of input units to 0
    at each update during training time, which helps prevent overfitting.
    The units that are kept are scaled by `1 / (1 - rate)`, so that their
    sum is unchanged at training time and inference time.

    Args:
      rate: The dropout rate, between 0 and 1. E.g. `rate=0.1` would drop out
        10% of input units.
      noise_shape: 1D tensor of type `int32` representing the shape of the
        binary dropout mask that will be multiplied with the input.
        For instance, if your inputs have shape
        `(batch_size, timesteps, features)`, and you want the dropout mask
        to be the same for all timesteps, you can use
        `noise_shape=[batch_size, 1, features]`.
      seed: A Python integer. Used to create random seeds. See
        `tf.compat.v1.set_random_seed`.
        for behavior.
      name: The name of the layer (string).
    """

    def __init__(self, rate=0.5, noise_shape=None, seed=None, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        if isinstance(rate, numbers.Real) and not 0 <= rate <= 1:
            raise ValueError("Invalid value received for argument `rate`. Expected a float "
                             f"value between 0 and 1. Received: rate={rate}")
        self.rate = rate
        self.noise_shape = noise_shape
        self.seed = seed

    def _get_noise_shape(self, inputs):
        if self.noise_shape is None or isinstance(self.noise_shape, Tensor):
            return self.noise_shape
        dims = list(self.noise_shape)
        known = inputs.shape.as_tuple() if inputs.shape.rank is not None else None
        if known is not None and len(known) == len(dims):
            dims = [k if d is None and k is not None else d for d, k in zip(dims, known)]
        if all(d is not None for d in dims):
            return dims
        dynamic = shape(inputs)
        return stack([dynamic[i] if d is None else d for i, d in enumerate(dims)])

    def call(self, inputs, training=False):
        if isinstance(self.rate, numbers.Real) and self.rate == 0:
            return identity(inputs)
        if _is_python_bool(training):
            if not training:
                return identity(inputs)
            return nn_dropout(inputs, rate=self.rate, noise_shape=self._get_noise_shape(inputs),
                              seed=self.seed)
        graph = graph_of([inputs, training])
        training = to_tensor(graph, training)
        if training.op.type == "Const":
            return self.call(inputs, bool(training.op.get_attr("value")))
        # fastgraph's cond runs both branches; the random draw happens outside
        # it, so the branches themselves are free of side effects.
        dropped = nn_dropout(inputs, rate=self.rate, noise_shape=self._get_noise_shape(inputs),
                             seed=self.seed)
        return _cond(training, lambda: dropped, lambda: inputs)


def dropout(inputs, rate=0.5, noise_shape=None, seed=None, training=False, name=None):
    """Applies Dropout to the input.

    Dropout consists in randomly setting a fraction `rate` of input units to 0
    at each update during training time, which helps prevent overfitting.
    The units that are kept are scaled by `1 / (1 - rate)`, so that their
    sum is unchanged at training time and inference time.

    Args:
      inputs: Tensor input.
      rate: The dropout rate, between 0 and 1. E.g. "rate=0.1" would drop out
        10% of input units.
      noise_shape: 1D tensor of type `int32` representing the shape of the
        binary dropout mask that will be multiplied with the input.
        For instance, if your inputs have shape
        `(batch_size, timesteps, features)`, and you want the dropout mask
        to be the same for all timesteps, you can use
        `noise_shape=[batch_size, 1, features]`.
      seed: A Python integer. Used to create random seeds.
        See `tf.compat.v1.set_random_seed`
        for behavior.
      training: Either a Python boolean, or a TensorFlow boolean scalar tensor
        (e.g. a placeholder). Whether to return the output in training mode
        (apply dropout) or in inference mode (return the input untouched).
      name: The name of the layer (string).

    Returns:
      Output tensor.

    Raises:
      ValueError: if eager execution is enabled.
    """
    return Dropout(rate, noise_shape=noise_shape, seed=seed, name=name)(inputs,
                                                                      training=training)


# ---- batch normalization -------------------------------------------------------------


class BatchNormalization(Layer):
    """Batch Normalization layer from (Ioffe et al., 2015).

    Normalizes the input over `axis` with the layer's moving statistics at
    inference (`training=False`): `gamma * (x - moving_mean) /
    sqrt(moving_variance + epsilon) + beta`.

    Args:
      axis: An `int` or list of `int`, the axis or axes that should be
        normalized, typically the features axis/axes. For instance, after a
        `Conv2D` layer with `data_format="channels_first"`, set `axis=1`.
      momentum: Momentum for the moving average.
      epsilon: Small float added to variance to avoid dividing by zero.
      center: If True, add offset of `beta` to normalized tensor. If False,
        `beta` is ignored.
      scale: If True, multiply by `gamma`. If False, `gamma` is not used.
      beta_initializer: Initializer for the beta weight.
      gamma_initializer: Initializer for the gamma weight.
      moving_mean_initializer: Initializer for the moving mean.
      moving_variance_initializer: Initializer for the moving variance.
      beta_regularizer, gamma_regularizer: Optional regularizers.
      beta_constraint, gamma_constraint: Optional projection functions.
      renorm, virtual_batch_size, adjustment: not supported (NotImplementedError).
      fused: if `None` or `True`, use the fused implementation when possible
        (4-D inputs normalized over axis 1 or 3, float32).
      trainable: Boolean, if `True` also add variables to the graph collection
        `GraphKeys.TRAINABLE_VARIABLES` (see tf.Variable).
      name: A string, the name of the layer.
    """

    _casts_inputs = True

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer=None, gamma_initializer=None, moving_mean_initializer=None,
                 moving_variance_initializer=None, beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None,
                 renorm=False, renorm_clipping=None, renorm_momentum=0.99, fused=None,
                 trainable=True, virtual_batch_size=None, adjustment=None, name=None,
                 **kwargs):
        super().__init__(trainable=trainable, name=name, **kwargs)
        if renorm or virtual_batch_size is not None or adjustment is not None:
            raise NotImplementedError("fastgraph's batch normalization has no renorm, "
                                      "virtual_batch_size or adjustment")
        if isinstance(axis, (list, tuple)):
            self.axis = [int(a) for a in axis]
        elif isinstance(axis, (int, np.integer)):
            self.axis = int(axis)
        else:
            raise TypeError("Expected an int or a list/tuple of ints for the argument 'axis', "
                            f"but received: {axis}")
        self.momentum = momentum
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.beta_initializer = beta_initializer or zeros_initializer()
        self.gamma_initializer = gamma_initializer or ones_initializer()
        self.moving_mean_initializer = moving_mean_initializer or zeros_initializer()
        self.moving_variance_initializer = moving_variance_initializer or ones_initializer()
        self.beta_regularizer = beta_regularizer
        self.gamma_regularizer = gamma_regularizer
        self.beta_constraint = beta_constraint
        self.gamma_constraint = gamma_constraint
        self.fused = fused
        axes = [self.axis] if isinstance(self.axis, int) else self.axis
        can_fuse = len(axes) == 1 and axes[0] in (-4, -3, -1, 1, 3, 4)
        if fused and not can_fuse:
            raise ValueError("Passing `fused=True` is only supported when axis is 1 or 3 for "
                             "input rank = 4 or 1 or 4 for input rank = 5. "
                             f"Got axis {axes}")
        self._can_fuse = can_fuse

    def build(self, input_shape):
        rank = input_shape.rank
        if rank is None:
            raise ValueError(f"Input has undefined rank. Received: input_shape={input_shape}.")
        axis = [self.axis] if isinstance(self.axis, int) else list(self.axis)
        axis = [a + rank if a < 0 else a for a in axis]
        for a in axis:
            if a < 0 or a >= rank:
                raise ValueError("Invalid axis. Expected 0 <= axis < inputs.rank (with "
                                 f"inputs.rank={rank}). Received: layer.axis={self.axis}")
        if len(axis) != len(set(axis)):
            raise ValueError(f"Duplicate axis: {tuple(axis)}")
        self.axis = axis
        if not (self._can_fuse and self._dtype == dtypes.float32):
            if self.fused:
                raise ValueError("Passing `fused=True` is only supported when the compute "
                                 f"dtype is float16, bfloat16, or float32. Got dtype: "
                                 f"{self._dtype.name}")
            fused = False
        elif self.fused is None:
            fused = rank == 4
        else:
            fused = bool(self.fused) and rank == 4
        if fused:
            if axis == [1]:
                self._data_format = "NCHW"
            elif axis == [3]:
                self._data_format = "NHWC"
            else:
                raise ValueError("Unsupported axis. The use of `fused=True` is only possible "
                                 f"with `axis=1` or `axis=3` for 4D input tensors. Received: "
                                 f"axis={tuple(axis)}")
        self.fused = fused
        dims = input_shape.as_tuple()
        axis_to_dim = {a: dims[a] for a in axis}
        if any(d is None for d in axis_to_dim.values()):
            raise ValueError(f"Input has undefined `axis` dimension. Received input with shape "
                             f"{_fmt_shape(input_shape)} and axis={tuple(axis)}")
        if len(axis) == 1:
            param_shape = [axis_to_dim[axis[0]]]
        else:
            param_shape = [axis_to_dim.get(i, 1) for i in range(rank)]
        self._param_shape = param_shape
        self.gamma = self.add_weight("gamma", shape=param_shape,
                                     initializer=self.gamma_initializer,
                                     regularizer=self.gamma_regularizer,
                                     constraint=self.gamma_constraint, trainable=True) \
            if self.scale else None
        self.beta = self.add_weight("beta", shape=param_shape,
                                    initializer=self.beta_initializer,
                                    regularizer=self.beta_regularizer,
                                    constraint=self.beta_constraint, trainable=True) \
            if self.center else None
        self.moving_mean = self.add_weight("moving_mean", shape=param_shape,
                                           initializer=self.moving_mean_initializer,
                                           trainable=False)
        self.moving_variance = self.add_weight("moving_variance", shape=param_shape,
                                               initializer=self.moving_variance_initializer,
                                               trainable=False)

    def _fused(self, inputs, training):
        """The fused path: fused_batch_norm with the moving statistics
        (training False) or the batch's own (True); (y, mean, variance)."""
        ones = np.ones(self._param_shape, np.float32)
        gamma = self.gamma if self.scale else to_tensor(get_default_graph(), ones)
        beta = self.beta if self.center else to_tensor(get_default_graph(), ones * 0)
        if training:
            return fused_batch_norm(inputs, gamma, beta, epsilon=self.epsilon,
                                    data_format=self._data_format, is_training=True)
        return fused_batch_norm(inputs, gamma, beta, mean=self.moving_mean,
                                variance=self.moving_variance, epsilon=self.epsilon,
                                data_format=self._data_format, is_training=False)

    def _unfused(self, inputs, training):
        """nn.batch_normalization with the moving statistics (training
        False), the batch's (True), or either as a fed bool says; (y, batch
        mean, batch variance), the batch's None when training is False."""
        ndims = inputs.shape.rank
        reduction_axes = [i for i in range(ndims) if i not in self.axis]
        needs_broadcasting = sorted(reduction_axes) != list(range(ndims))[:-1]
        broadcast_shape = [1] * ndims
        for a in self.axis:
            broadcast_shape[a] = inputs.shape.as_tuple()[a]

        def _broadcast(v):
            if v is not None and needs_broadcasting and len(v.shape.as_tuple()) != ndims:
                return reshape(v, broadcast_shape)
            return v

        batch_mean = batch_variance = None
        if training is False:
            mean, variance = self.moving_mean, self.moving_variance
        else:
            mean, variance = moments(inputs, reduction_axes, keepdims=len(self.axis) > 1)
            batch_mean, batch_variance = mean, variance
            if training is not True:
                moving_mean, moving_variance = self.moving_mean, self.moving_variance
                mean = _cond(training, lambda: batch_mean, lambda: moving_mean.value())
                variance = _cond(training, lambda: batch_variance,
                                 lambda: moving_variance.value())
        outputs = nn_batch_normalization(inputs, _broadcast(mean), _broadcast(variance),
                                         _broadcast(self.beta), _broadcast(self.gamma),
                                         self.epsilon)
        return outputs, batch_mean, batch_variance

    def _add_moving_updates(self, mean, variance, training):
        """TF's _assign_moving_average of both moving statistics:
        `moving -= (moving - batch) * (1 - momentum)`, in UPDATE_OPS.

        The fused path's decay is computed in float32 from a momentum tensor
        (as TF's), the other from the Python momentum. A fed `training`
        makes the decay 0 when False: fastgraph's cond runs both branches,
        so the assignment is unconditional and its delta is zero instead."""
        graph = get_default_graph()
        if self.fused:
            decay = subtract(1.0, to_tensor(graph, self.momentum, dtype=dtypes.float32))
        else:
            decay = to_tensor(graph, 1.0 - self.momentum, dtype=dtypes.float32)
        if training is not True:
            decay = where(training, decay, 0.0)
        for variable, value in ((self.moving_mean, mean), (self.moving_variance, variance)):
            with graph.name_scope("AssignMovingAvg") as scope:
                delta = multiply(subtract(variable.value(), cast(value, variable.dtype)),
                                 cast(decay, variable.dtype))
                update = assign_sub(variable, delta, name=scope)
            # Operations, as TF's layers add to UPDATE_OPS.
            self._updates.append(update.op)
            graph.add_to_collection(GraphKeys.UPDATE_OPS, update.op)

    def call(self, inputs, training=False):
        if training is None:
            training = False
        if _is_python_bool(training):
            training = bool(training)
        else:
            graph = graph_of([inputs, training])
            training = to_tensor(graph, training)
            if training.op.type == "Const":
                return self.call(inputs, bool(training.op.get_attr("value")))
        if not self.fused:
            outputs, mean, variance = self._unfused(inputs, training)
        elif training is False:
            outputs = self._fused(inputs, False)[0]
        elif training is True:
            outputs, mean, variance = self._fused(inputs, True)
        else:
            trained, mean, variance = self._fused(inputs, True)
            inferred = self._fused(inputs, False)[0]
            outputs = _cond(training, lambda: trained, lambda: inferred)
        if training is not False:
            self._add_moving_updates(mean, variance, training)
        outputs.set_shape(inputs.shape)
        return outputs


def batch_normalization(inputs, axis=-1, momentum=0.99, epsilon=1e-3, center=True,
                        scale=True, beta_initializer=None, gamma_initializer=None,
                        moving_mean_initializer=None, moving_variance_initializer=None,
                        beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                        gamma_constraint=None, training=False, trainable=True, name=None,
                        reuse=None, renorm=False, renorm_clipping=None, renorm_momentum=0.99,
                        fused=None, virtual_batch_size=None, adjustment=None):
    """Functional interface for the batch normalization layer from (Ioffe et al., 2015).

    At inference (`training=False`, the default) the output is
    `gamma * (inputs - moving_mean) / sqrt(moving_variance + epsilon) + beta`,
    where gamma, beta, moving_mean and moving_variance are variables of the
    layer ("batch_normalization/gamma", ...; moving_mean and moving_variance
    are not trainable). In training (`training=True` or a boolean tensor fed
    True) the batch's own mean and variance are used, and the updates of
    the moving statistics (`moving = moving * momentum + batch * (1 -
    momentum)`) are added to `tf.GraphKeys.UPDATE_OPS`: run them with the
    train op, e.g. under `tf.control_dependencies(update_ops)`.

    Args:
      inputs: Tensor input.
      axis: An `int` or list of `int`, the axis or axes that should be
        normalized, typically the features axis/axes. For instance, after a
        `Conv2D` layer with `data_format="channels_first"`, set `axis=1`. If a
        list of axes is provided, each axis in `axis` will be normalized
        simultaneously. Default is `-1` which uses the last axis. Note: when
          using multi-axis batch norm, the `beta`, `gamma`, `moving_mean`, and
          `moving_variance` variables are the same rank as the input Tensor,
          with dimension size 1 in all reduced (non-axis) dimensions).
      momentum: Momentum for the moving average.
      epsilon: Small float added to variance to avoid dividing by zero.
      center: If True, add offset of `beta` to normalized tensor. If False,
        `beta` is ignored.
      scale: If True, multiply by `gamma`. If False, `gamma` is not used. When
        the next layer is linear (also e.g. `nn.relu`), this can be disabled
        since the scaling can be done by the next layer.
      beta_initializer: Initializer for the beta weight.
      gamma_initializer: Initializer for the gamma weight.
      moving_mean_initializer: Initializer for the moving mean.
      moving_variance_initializer: Initializer for the moving variance.
      beta_regularizer: Optional regularizer for the beta weight.
      gamma_regularizer: Optional regularizer for the gamma weight.
      beta_constraint, gamma_constraint: Optional projection functions.
      training: Either a Python boolean, or a TensorFlow boolean scalar tensor
        (e.g. a placeholder). Whether to return the output in training mode
        (normalized with statistics of the current batch) or in inference mode
        (normalized with moving statistics).
      trainable: Boolean, if `True` also add variables to the graph collection
        `GraphKeys.TRAINABLE_VARIABLES` (see tf.Variable).
      name: String, the name of the layer.
      reuse: Boolean, whether to reuse the weights of a previous layer by the
        same name.
      renorm, renorm_clipping, renorm_momentum, virtual_batch_size, adjustment:
        not supported (NotImplementedError unless left at their defaults).
      fused: if `None` or `True`, use a faster, fused implementation if possible.
        If `False`, use the system recommended implementation.

    Returns:
      Output tensor.
    """
    layer = BatchNormalization(axis=axis, momentum=momentum, epsilon=epsilon, center=center,
                               scale=scale, beta_initializer=beta_initializer,
                               gamma_initializer=gamma_initializer,
                               moving_mean_initializer=moving_mean_initializer,
                               moving_variance_initializer=moving_variance_initializer,
                               beta_regularizer=beta_regularizer,
                               gamma_regularizer=gamma_regularizer,
                               beta_constraint=beta_constraint,
                               gamma_constraint=gamma_constraint, renorm=renorm,
                               renorm_clipping=renorm_clipping,
                               renorm_momentum=renorm_momentum, fused=fused,
                               trainable=trainable, virtual_batch_size=virtual_batch_size,
                               adjustment=adjustment, name=name, _reuse=reuse, _scope=name)
    return layer(inputs, training=training)


# TF's aliases.
Convolution2D = Conv2D
MaxPool2D = MaxPooling2D
AvgPool2D = AveragePooling2D
convolution2d = conv2d
