"""The Keras base `Layer` in TF1 graph mode (TF-Keras's base_layer_v1).

A layer is called on graph tensors. On its first call it opens a name scope
of its name ("dense", made unique per graph as TF-Keras does: "dense_1",
...), builds its weights there as plain `Variable`s ("dense/kernel:0"), and
adds its ops. Every call is recorded as a node: the output tensors remember
the layer and node that made them (the "Keras history"), which is what a
functional `Model` walks from its outputs back to its inputs.

The `training` argument of `call` is filled, when the caller does not pass
it, with the enclosing call's value or else the backend's learning phase
(a bool placeholder, False unless fed), as TF-Keras does.
"""

import inspect
import re

import numpy as np

from ...framework import dtypes
from ...framework.constant_op import convert_to_tensor
from ...framework.graph import GraphKeys, Tensor, get_default_graph
from ...ops.state_ops import Variable
from .. import backend
from .. import initializers as _initializers
from .. import regularizers as _regularizers
from ...framework.graph import Graph
from ...ops.array_ops import placeholder
from ...ops.array_ops import shape as _shape
from ...ops.elementwise import cast
from .history import _history, keras_history

__all__ = ["Layer", "Node", "flatten", "pack_as", "keras_history"]

_TRAINING_STACK = []


def to_snake_case(name):
    """Keras's `to_snake_case`: "Conv2D" -> "conv2d", "MaxPooling2D" -> "max_pooling2d"."""
    intermediate = re.sub("(.)([A-Z][a-z0-9]+)", r"\1_\2", name)
    insecure = re.sub("([a-z])([A-Z])", r"\1_\2", intermediate).lower()
    return insecure if insecure[0] != "_" else "private" + insecure


# ---- nested structures of tensors -------------------------------------------------------


def flatten(x):
    """The leaves of a nest of lists, tuples and dicts (dicts by sorted key)."""
    if isinstance(x, dict):
        return [leaf for k in sorted(x) for leaf in flatten(x[k])]
    if isinstance(x, (list, tuple)):
        return [leaf for item in x for leaf in flatten(item)]
    return [x]


def pack_as(structure, leaves):
    """`leaves` packed in the nest `structure` (the inverse of flatten)."""
    leaves = iter(leaves)

    def pack(s):
        if isinstance(s, dict):
            return {k: pack(s[k]) for k in sorted(s)}
        if isinstance(s, (list, tuple)):
            packed = [pack(item) for item in s]
            return type(s)(*packed) if hasattr(s, "_fields") else type(s)(packed)
        return next(leaves)
    return pack(structure)


def _map(fn, x):
    return pack_as(x, [fn(leaf) for leaf in flatten(x)])


class Node:
    """One call of a layer: its input and output tensors (nests) and the
    other arguments it was given."""

    def __init__(self, layer, inputs, outputs, args, kwargs):
        self.layer = layer
        self.inputs = inputs
        self.outputs = outputs
        self.call_args = args
        self.call_kwargs = kwargs
        self.input_tensors = flatten(inputs)
        self.output_tensors = flatten(outputs)
        history = _history(self.output_tensors[0].graph) if self.output_tensors else {}
        index = len(layer._inbound_nodes)
        for i, t in enumerate(self.output_tensors):
            if isinstance(t, Tensor):
                history[id(t)] = (t, layer, index, i)
        layer._inbound_nodes.append(self)

    @property
    def input_shapes(self):
        shapes = [tuple(t.shape.as_list()) if t.shape.rank is not None else None
                  for t in self.input_tensors]
        return shapes[0] if len(shapes) == 1 else shapes

    @property
    def output_shapes(self):
        shapes = [tuple(t.shape.as_list()) if t.shape.rank is not None else None
                  for t in self.output_tensors]
        return shapes[0] if len(shapes) == 1 else shapes


# ---- the layer --------------------------------------------------------------------------

_LAYER_KWARGS = {"input_shape", "batch_input_shape", "batch_size", "weights",
                 "activity_regularizer", "autocast", "input_dim", "implementation"}


class Layer:
    """This is the class from which all layers inherit.

    A layer is a callable object that takes as input one or more tensors and
    that outputs one or more tensors. It involves *computation*, defined in
    the `call()` method, and a *state* (weight variables), defined either in
    the constructor `__init__()` or in the `build()` method.

    Args:
      trainable: Boolean, whether the layer's variables should be trainable.
      name: String name of the layer.
      dtype: The dtype of the layer's computations and weights.
      dynamic: Set this to `True` if your layer should only be run eagerly
        (ignored: fastgraph builds graphs).
    """

    def __init__(self, trainable=True, name=None, dtype=None, dynamic=False, **kwargs):
        unknown = set(kwargs) - _LAYER_KWARGS
        if unknown:
            raise TypeError(f"Keyword argument not understood: {sorted(unknown)[0]}")
        object.__setattr__(self, "_tracked_layers", [])
        self._trainable = bool(trainable)
        self.built = False
        self.supports_masking = False
        self._dtype = None if dtype is None else dtypes.as_dtype(dtype)
        self._name = name or backend.unique_object_name(to_snake_case(type(self).__name__))
        self._trainable_weights = []
        self._non_trainable_weights = []
        self._updates = []
        self._losses = []
        self._inbound_nodes = []
        self._initial_weights = kwargs.get("weights")
        self._activity_regularizer = _regularizers.get(kwargs.get("activity_regularizer"))
        self._name_scope = None
        if "batch_input_shape" in kwargs:
            self._batch_input_shape = tuple(kwargs["batch_input_shape"])
        elif "input_shape" in kwargs or "input_dim" in kwargs:
            shape = kwargs.get("input_shape") or (kwargs["input_dim"],)
            self._batch_input_shape = (kwargs.get("batch_size"),) + tuple(shape)

    # ---- attributes ---------------------------------------------------------------------

    def __setattr__(self, name, value):
        # Layers held in attributes are this layer's sublayers (their weights are its).
        tracked = self.__dict__.get("_tracked_layers")
        if tracked is not None and not name.startswith("_"):
            for leaf in (flatten(value) if isinstance(value, (list, tuple, dict)) else [value]):
                if isinstance(leaf, Layer) and leaf is not self and \
                        all(leaf is not t for t in tracked):
                    tracked.append(leaf)
        object.__setattr__(self, name, value)

    name = property(lambda self: self._name, doc="Name of the layer (string).")

    @property
    def dtype(self):
        """The dtype of the layer weights."""
        return (self._dtype or dtypes.as_dtype(backend.floatx())).name

    @property
    def trainable(self):
        """Whether the layer's weights are updated by training."""
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        self._trainable = bool(value)
        for layer in self._tracked_layers:
            layer.trainable = value

    activity_regularizer = property(lambda self: self._activity_regularizer,
                                    doc="Optional regularizer function for the output.")

    def _sublayers(self):
        return list(self._tracked_layers)

    @property
    def trainable_weights(self):
        """List of all trainable weights tracked by this layer."""
        if not self.trainable:
            return []
        weights = list(self._trainable_weights)
        for layer in self._sublayers():
            weights += layer.trainable_weights
        return _unique(weights)

    @property
    def non_trainable_weights(self):
        """List of all non-trainable weights tracked by this layer."""
        if self.trainable:
            weights = list(self._non_trainable_weights)
            for layer in self._sublayers():
                weights += layer.non_trainable_weights
        else:
            weights = self._trainable_weights + self._non_trainable_weights
            for layer in self._sublayers():
                weights += layer.weights
        return _unique(weights)

    @property
    def weights(self):
        """Returns the list of all layer variables/weights: the layer's own
        (trainable first), then each sublayer's, as TF-Keras orders them."""
        own = self._trainable_weights + self._non_trainable_weights
        if not self.trainable:
            own = list(own)
        weights = list(own)
        for layer in self._sublayers():
            weights += layer.weights
        return _unique(weights)

    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights
    variables = weights

    @property
    def updates(self):
        """The update ops of the layer and its sublayers (BatchNormalization's
        moving statistics)."""
        updates = list(self._updates)
        for layer in self._sublayers():
            updates += layer.updates
        return _unique(updates)

    @property
    def losses(self):
        """List of losses added using the `add_loss()` API and by the weight
        and activity regularizers."""
        losses = list(self._losses)
        for layer in self._sublayers():
            losses += layer.losses
        return _unique(losses)

    def add_loss(self, losses, inputs=None):
        """Add loss tensor(s), potentially dependent on layer inputs."""
        for loss in flatten(losses):
            if callable(loss):
                loss = loss()
            if loss is not None:
                self._losses.append(convert_to_tensor(loss))

    def add_update(self, updates, inputs=None):
        """Add update op(s), potentially dependent on layer inputs."""
        for update in flatten(updates):
            if callable(update):
                update = update()
            self._updates.append(update)

    @property
    def input(self):
        """The input tensor(s) of the layer's first call."""
        return self._node(0, "input").inputs

    @property
    def output(self):
        """The output tensor(s) of the layer's first call."""
        return self._node(0, "output").outputs

    @property
    def input_shape(self):
        """The input shape(s) of the layer's first call."""
        return self._node(0, "input").input_shapes

    @property
    def output_shape(self):
        """The output shape(s) of the layer's first call."""
        return self._node(0, "output").output_shapes

    def _node(self, index, what):
        if not self._inbound_nodes:
            raise AttributeError(f"Layer {self.name} is not connected, no {what} to return.")
        return self._inbound_nodes[index]

    def get_input_at(self, node_index):
        """The input tensor(s) of the layer's call `node_index`."""
        return self._node(node_index, "input").inputs

    def get_output_at(self, node_index):
        """The output tensor(s) of the layer's call `node_index`."""
        return self._node(node_index, "output").outputs

    # ---- weights ---------------------------------------------------------------------

    def add_weight(self, name=None, shape=None, dtype=None, initializer=None, regularizer=None,
                   trainable=None, constraint=None, use_resource=None, synchronization=None,
                   aggregation=None, **kwargs):
        """Adds a new variable to the layer.

        The variable is a `Variable` named "<layer name scope>/<name>"; its
        initial value is `initializer(shape, dtype)` (Keras's glorot_uniform
        for floats, zeros otherwise when None). A regularizer adds its loss
        to the layer's `losses` (and to REGULARIZATION_LOSSES).
        """
        shape = () if shape is None else tuple(int(d) for d in shape)
        dtype = dtypes.as_dtype(dtype or self._dtype or backend.floatx())
        if trainable is None:
            trainable = True
        initializer = _initializers.get(initializer)
        if initializer is None:
            initializer = (_initializers.GlorotUniform() if dtype.is_floating
                           else _initializers.Zeros())
        graph = get_default_graph()
        with graph.name_scope(self._name_scope) if self._name_scope else _nullcontext():
            variable = Variable(lambda: initializer(shape, dtype=dtype), name=name,
                                dtype=dtype, trainable=trainable and self.trainable,
                                constraint=constraint)
            regularizer = _regularizers.get(regularizer)
            if regularizer is not None:
                with graph.name_scope(variable.op.name.rsplit("/", 1)[-1] + "/Regularizer"):
                    loss = regularizer(variable)
                if loss is not None:
                    self._losses.append(loss)
                    graph.add_to_collection(GraphKeys.REGULARIZATION_LOSSES, loss)
        (self._trainable_weights if trainable else self._non_trainable_weights).append(variable)
        return variable

    def get_weights(self):
        """Returns the current weights of the layer, as NumPy arrays."""
        return backend.batch_get_value(self.weights)

    def set_weights(self, weights):
        """Sets the weights of the layer, from NumPy arrays (in the order of `weights`)."""
        params = self.weights
        if len(params) != len(weights):
            raise ValueError(f"You called `set_weights(weights)` on layer \"{self.name}\" with "
                             f"a weight list of length {len(weights)}, but the layer was "
                             f"expecting {len(params)} weights. Provided weights: "
                             f"{str(weights)[:50]}...")
        pairs = []
        for p, w in zip(params, weights):
            w = np.asarray(w)
            if tuple(p.shape.as_list()) != w.shape:
                raise ValueError(f"Layer {self.name} weight shape {tuple(p.shape.as_list())} "
                                 "is not compatible with provided weight shape "
                                 f"{w.shape}.")
            pairs.append((p, w))
        backend.batch_set_value(pairs)

    def count_params(self):
        """Count the total number of scalars composing the weights."""
        if not self.built:
            raise ValueError(f"You tried to call `count_params` on layer {self.name}, but the "
                             "layer isn't built. You can build it manually via: "
                             f"`{self.name}.build(batch_input_shape)`.")
        return int(sum(np.prod(w.shape.as_list()) for w in self.weights))

    # ---- building and calling ----------------------------------------------------------

    def build(self, input_shape):
        """Creates the variables of the layer (for subclass implementers)."""
        self.built = True

    def call(self, inputs, *args, **kwargs):
        """This is where the layer's logic lives."""
        return inputs

    def compute_output_shape(self, input_shape):
        """Computes the output shape of the layer, by calling it on a
        placeholder of `input_shape` in a scratch graph when it has no
        formula of its own."""
        scratch = Graph()
        with scratch.as_default():
            shapes = input_shape
            nested = isinstance(shapes, list) and shapes and isinstance(shapes[0], (list, tuple))
            holders = [placeholder(self._dtype or backend.floatx(), shape=s)
                       for s in (shapes if nested else [shapes])]
            saved = (self.built, self._trainable_weights, self._non_trainable_weights,
                     self._losses, self._updates, self._inbound_nodes)
            self._trainable_weights, self._non_trainable_weights = [], []
            self._losses, self._updates, self._inbound_nodes = [], [], []
            try:
                out = self.call(holders if nested else holders[0]) if self.built else \
                    self(holders if nested else holders[0])
            finally:
                (self.built, self._trainable_weights, self._non_trainable_weights,
                 self._losses, self._updates, self._inbound_nodes) = saved
        return _map(lambda t: _TensorShapeTuple(t.shape), out)

    def _call_accepts(self, name):
        try:
            params = inspect.signature(self.call).parameters
        except (TypeError, ValueError):
            return False
        return name in params or any(p.kind == p.VAR_KEYWORD for p in params.values())

    def _call_has_arg(self, name):
        try:
            return name in inspect.signature(self.call).parameters
        except (TypeError, ValueError):
            return False

    def _maybe_build(self, inputs):
        if self.built:
            return
        if self._dtype is None:
            first = flatten(inputs)[0]
            if isinstance(first, Tensor) and first.dtype.is_floating:
                self._dtype = first.dtype.base_dtype
        self._maybe_build_shape(_map(lambda t: _TensorShapeTuple(t.shape), inputs))

    def _maybe_build_shape(self, shapes):
        if self.built:
            return
        self.build(shapes)
        self.built = True
        if self._initial_weights is not None:
            self.set_weights(self._initial_weights)
            self._initial_weights = None

    def __call__(self, inputs, *args, **kwargs):
        """Wraps `call`: builds the layer on its first call (in its name
        scope), fills `training`, applies the activity regularizer and
        records the call in the outputs' Keras history."""
        leaves = flatten(inputs)
        graph = next((t.graph for t in leaves if isinstance(t, Tensor)), None) or \
            next((t.graph for t in leaves if hasattr(t, "graph")), None) or get_default_graph()
        with graph.as_default():
            inputs = _map(lambda t: t if isinstance(t, Tensor) else convert_to_tensor(t),
                          inputs)
            if self._call_has_arg("training"):
                training = kwargs.get("training")
                if training is None:
                    training = _TRAINING_STACK[-1] if _TRAINING_STACK else \
                        backend.learning_phase()
                kwargs["training"] = training
            else:
                training = kwargs.pop("training", None)
                if training is None and _TRAINING_STACK:
                    training = _TRAINING_STACK[-1]
            with graph.name_scope(self._name) as scope:
                if not self.built:
                    self._name_scope = scope
                    self._maybe_build(inputs)
                    self._name_scope = None
                self._check_inputs(inputs)
                _TRAINING_STACK.append(training if training is not None
                                       else backend.learning_phase())
                try:
                    outputs = self.call(inputs, *args, **kwargs)
                finally:
                    _TRAINING_STACK.pop()
                if self._activity_regularizer is not None:
                    with graph.name_scope("ActivityRegularizer"):
                        for out in flatten(outputs):
                            loss = self._activity_regularizer(out)
                            # Keras divides by the batch size.
                            batch = cast(_shape(out)[0], loss.dtype)
                            self._losses.append(loss / batch)
        Node(self, inputs, outputs, args, {k: v for k, v in kwargs.items() if k != "training"})
        return outputs

    def _check_inputs(self, inputs):
        spec = getattr(self, "_input_ndim", None)
        for t in flatten(inputs):
            rank = t.shape.rank
            if rank is None or spec is None:
                continue
            ndim, min_ndim = spec
            if ndim is not None and rank != ndim:
                raise ValueError(f'Input 0 of layer "{self.name}" is incompatible with the '
                                 f"layer: expected ndim={ndim}, found ndim={rank}. Full "
                                 f"shape received: {_fmt_shape(t.shape)}")
            if min_ndim is not None and rank < min_ndim:
                raise ValueError(f'Input 0 of layer "{self.name}" is incompatible with the '
                                 f"layer: expected min_ndim={min_ndim}, found ndim={rank}. "
                                 f"Full shape received: {_fmt_shape(t.shape)}")

    def apply(self, inputs, *args, **kwargs):
        """Deprecated, do NOT use! Alias for `__call__`."""
        return self(inputs, *args, **kwargs)

    # ---- serialization -------------------------------------------------------------------

    def get_config(self):
        """Returns the config of the layer: the arguments that recreate it."""
        config = {"name": self.name, "trainable": self.trainable, "dtype": self.dtype}
        if hasattr(self, "_batch_input_shape"):
            config["batch_input_shape"] = self._batch_input_shape
        return config

    @classmethod
    def from_config(cls, config):
        """Creates a layer from its config."""
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__module__}.{type(self).__name__} object at {hex(id(self))}>"


class _nullcontext:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


class _TensorShapeTuple(tuple):
    """A static shape as Keras's `build` and `compute_output_shape` see it:
    a tuple of ints and Nones (which also has TensorShape's `as_list`)."""

    def __new__(cls, shape):
        dims = shape.as_tuple() if hasattr(shape, "as_tuple") else shape
        return super().__new__(cls, () if dims is None else dims)

    def as_list(self):
        return list(self)

    @property
    def rank(self):
        return len(self)


def _fmt_shape(shape):
    dims = shape.as_tuple()
    return "(" + ", ".join("None" if d is None else str(d) for d in dims) + \
        ("," if len(dims) == 1 else "") + ")"


def _unique(items):
    seen, out = set(), []
    for item in items:
        if id(item) not in seen:
            seen.add(id(item))
            out.append(item)
    return out
