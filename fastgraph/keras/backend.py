"""`tf.keras.backend` (and `tf.compat.v1.keras.backend`) in graph mode: the
session Keras runs in (get_session/set_session), the learning phase, the
per-graph layer names, clear_session, and the basic tensor functions.

As TF-Keras does in TF1 graph mode, `get_session()` returns the default
session if there is one, else a session of its own over the default graph,
and initializes every global variable of the graph it has not seen yet and
finds uninitialized (so a model built by Keras runs without an explicit
`global_variables_initializer`)."""

import numpy as np

from ..framework import dtypes as _dtypes
from ..framework.graph import Tensor, get_default_graph, reset_default_graph
from ..framework.session_stack import get_default_session
from ..framework.constant_op import constant as _constant, convert_to_tensor
from ..ops import array_ops as _array_ops
from ..ops import elementwise as _ew
from ..ops import reduction_ops as _red
from ..ops import nn_ops as _nn_ops
from ..ops import indexing_ops as _indexing
from ..ops.linalg_ops import matmul as _matmul
from ..ops.state_ops import Variable, is_variable_initialized
from ..api.clip_ops import clip_by_value
from ..ops.state_ops import global_variables, local_variables
from ..session import Session
from ..ops.control_flow_ops import cond
from ..ops.state_ops import assign
from ..api.gradients_impl import gradients as _gradients
from ..ops.reduction_ops import cumsum as _cumsum
from ..ops.reduction_ops import cumprod as _cumprod
from . import activations
from ..ops.indexing_ops import range as _range
from ..ops.state_ops import assign_add
from ..ops.state_ops import assign_sub
from ..api.nn_impl import l2_normalize as _l2
from ..ops.sort_ops import in_top_k as _in_top_k
from ..ops.random_ops import random_normal as _rn
from ..ops.random_ops import random_uniform as _ru
from ..ops.random_ops import truncated_normal as _tn
from .engine.history import keras_history
from ..ops.sparse_ops import to_dense as _to_dense
from ..ops.logging_ops import Print
from ..ops.conv_ops import conv2d as _conv2d
from ..ops import conv_ops
from ..api.functional_ops import map_fn as _map_fn
from ..api.functional_ops import foldl as _foldl
from ..api.functional_ops import foldr as _foldr
from ..ops.array_ops import group

__all__ = [
    "get_session", "set_session", "clear_session", "learning_phase", "set_learning_phase",
    "floatx", "set_floatx", "epsilon", "set_epsilon", "image_data_format",
    "set_image_data_format", "get_uid", "reset_uids", "placeholder", "variable", "constant",
    "get_value", "set_value", "batch_get_value", "batch_set_value", "int_shape", "shape",
    "ndim", "dtype", "eval", "function", "is_placeholder", "count_params", "get_graph",
    "mean", "sum", "max", "min", "square", "sqrt", "exp", "log", "abs", "dot", "concatenate",
    "reshape", "cast", "clip", "relu", "sigmoid", "tanh", "softmax", "zeros", "ones",
    "zeros_like", "ones_like", "expand_dims", "squeeze", "transpose", "stack", "gradients",
    "stop_gradient", "maximum", "minimum", "pow", "argmax", "argmin", "equal", "name_scope",
    "categorical_crossentropy", "sparse_categorical_crossentropy", "binary_crossentropy",
    "in_train_phase", "in_test_phase", "manual_variable_initialization",
]

_CONFIG = {"floatx": "float32", "epsilon": 1e-7, "image_data_format": "channels_last",
           "manual_init": False}
_SESSION = {"session": None}

# Shared with tf.compat.v1.layers: one counter of layer names per graph, as
# TF-Keras's graph uid map serves both.
_NAMES_KEY = ("__layer_names",)
_LEARNING_PHASE_KEY = ("__keras_learning_phase",)
_INITIALIZED_KEY = ("__keras_initialized_variables",)
_ASSIGN_KEY = ("__keras_assign_ops",)


def _graph_dict(key):
    ref = get_default_graph().get_collection_ref(key)
    if not ref:
        ref.append({})
    return ref[0]


def get_graph():
    """The graph Keras builds in: the default graph."""
    return get_default_graph()


def floatx():
    """Returns the default float type, as a string (e.g. 'float32')."""
    return _CONFIG["floatx"]


def set_floatx(value):
    """Sets the default float type ('float16', 'float32' or 'float64')."""
    if value not in ("float16", "bfloat16", "float32", "float64"):
        raise ValueError(f"Unknown `floatx` value: {value}. Expected one of {{'float16', "
                         "'bfloat16', 'float32', 'float64'}")
    _CONFIG["floatx"] = str(value)


def epsilon():
    """Returns the value of the fuzz factor used in numeric expressions (1e-7)."""
    return _CONFIG["epsilon"]


def set_epsilon(value):
    """Sets the value of the fuzz factor used in numeric expressions."""
    _CONFIG["epsilon"] = float(value)


def image_data_format():
    """Returns the default image data format convention ('channels_last')."""
    return _CONFIG["image_data_format"]


def set_image_data_format(data_format):
    """Sets the value of the image data format convention."""
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(f"The `data_format` argument must be one of {{'channels_first', "
                         f"'channels_last'}}. Received: {data_format}")
    _CONFIG["image_data_format"] = str(data_format)


def get_uid(prefix=""):
    """Associates a string prefix with an integer counter in the default
    graph; returns 1 the first time, then 2, ..."""
    counts = _graph_dict(_NAMES_KEY)
    counts[prefix] = counts.get(prefix, 0) + 1
    return counts[prefix]


def reset_uids():
    """Resets the graph's name counters."""
    _graph_dict(_NAMES_KEY).clear()


def unique_object_name(name, zero_based=True):
    """TF-Keras's unique names per graph: "dense", "dense_1", ... (zero_based)
    or "input_1", "input_2", ... (not)."""
    counts = _graph_dict(_NAMES_KEY)
    n = counts.get(name, 0)
    counts[name] = n + 1
    if zero_based:
        return name if n == 0 else f"{name}_{n}"
    return f"{name}_{n + 1}"


def manual_variable_initialization(value):
    """Sets the manual variable initialization flag: when True, get_session
    leaves variables to the user to initialize."""
    _CONFIG["manual_init"] = bool(value)


# ---- the session ------------------------------------------------------------------


def _initialize_variables(session):
    graph = session.graph
    with graph.as_default():
        seen = _graph_dict(_INITIALIZED_KEY)
        candidates = [v for v in global_variables() + local_variables() if id(v) not in seen]
        if not candidates:
            return
        flags = session.run([is_variable_initialized(v) for v in candidates])
        todo = [v.initializer for v, ok in zip(candidates, flags) if not ok]
        if todo:
            session.run(todo)
        for v in candidates:
            seen[id(v)] = v


def get_session(op_input_list=()):
    """Returns the TF session to be used by the backend.

    If a default TensorFlow session is available, it is returned. Else, a
    session over the default graph (made once, kept until clear_session)
    is returned. Uninitialized variables of the graph are initialized
    first (unless manual_variable_initialization(True) was called).
    """
    session = get_default_session()
    if session is None:
        session = _SESSION["session"]
        graph = get_default_graph()
        if session is None or session.graph is not graph or getattr(session, "_closed", False):
            session = Session(graph=graph)
            _SESSION["session"] = session
    if not _CONFIG["manual_init"]:
        _initialize_variables(session)
    return session


def set_session(session):
    """Sets the global TensorFlow session."""
    _SESSION["session"] = session


def clear_session():
    """Resets all state generated by Keras: the default graph is reset (so
    layer names start again at "dense", ...) and the backend's session is
    forgotten."""
    session = _SESSION["session"]
    _SESSION["session"] = None
    if session is not None and get_default_session() is not session:
        try:
            session.close()
        except Exception:  # a session already closed by its user
            pass
    reset_default_graph()


# ---- the learning phase -------------------------------------------------------------


def learning_phase():
    """Returns the learning phase flag: a bool tensor (`keras_learning_phase`,
    False unless fed) of the default graph, or the value given to
    set_learning_phase."""
    phase = _graph_dict(_LEARNING_PHASE_KEY)
    if "value" in phase:
        return phase["value"]
    if "tensor" not in phase:
        graph = get_default_graph()
        with graph.name_scope(""):
            phase["tensor"] = _array_ops.placeholder_with_default(
                False, shape=(), name="keras_learning_phase")
    return phase["tensor"]


def _learning_phase_tensor():
    """The graph's learning-phase placeholder if one was made, else None."""
    return _graph_dict(_LEARNING_PHASE_KEY).get("tensor")


def set_learning_phase(value):
    """Sets the learning phase to a fixed value (0 = test, 1 = train)."""
    if value not in (0, 1):
        raise ValueError("Expected learning phase to be 0 or 1.")
    _graph_dict(_LEARNING_PHASE_KEY)["value"] = value


def in_train_phase(x, alt, training=None):
    """Selects `x` in train phase, and `alt` otherwise."""
    if training is None:
        training = learning_phase()
    if isinstance(training, (bool, int)):
        chosen = x if training else alt
        return chosen() if callable(chosen) else chosen
    return cond(training, x if callable(x) else (lambda: x), alt if callable(alt) else
                (lambda: alt))


def in_test_phase(x, alt, training=None):
    """Selects `x` in test phase, and `alt` otherwise."""
    return in_train_phase(alt, x, training=training)


# ---- variables and values -------------------------------------------------------------


def placeholder(shape=None, ndim=None, dtype=None, sparse=False, name=None, ragged=False):
    """Instantiates a placeholder tensor and returns it."""
    if shape is None and ndim is not None:
        shape = (None,) * ndim
    return _array_ops.placeholder(dtype or floatx(), shape=shape, name=name)


def is_placeholder(x):
    """Returns whether `x` is a placeholder."""
    return isinstance(x, Tensor) and x.op.type in ("Placeholder", "PlaceholderWithDefault")


def variable(value, dtype=None, name=None, constraint=None):
    """Instantiates a variable and returns it."""
    value = np.asarray(value, dtype=dtype or floatx())
    return Variable(value, dtype=value.dtype, name=name, constraint=constraint)


def constant(value, dtype=None, shape=None, name=None):
    """Creates a constant tensor."""
    return _constant(value, dtype=dtype or floatx(), shape=shape, name=name)


def _assign_pair(x):
    ops = _graph_dict(_ASSIGN_KEY)
    if id(x) not in ops:
        graph = x.graph
        with graph.as_default(), graph.name_scope(x.op.name + "/"):
            value = _array_ops.placeholder(x.dtype.base_dtype, shape=x.shape, name="assign_value")
            ops[id(x)] = (value, assign(x, value).op, x)
    return ops[id(x)]


def batch_get_value(tensors):
    """Returns the value of more than one tensor variable, as NumPy arrays."""
    if not tensors:
        return []
    return get_session().run(list(tensors))


def get_value(x):
    """Returns the value of a variable, as a NumPy array."""
    return batch_get_value([x])[0]


def batch_set_value(tuples):
    """Sets the values of many tensor variables at once, from
    (variable, NumPy array) pairs."""
    tuples = list(tuples)
    if not tuples:
        return
    session = get_session()
    feeds, ops = {}, []
    for x, value in tuples:
        holder, op, _ = _assign_pair(x)
        value = np.asarray(value, dtype=x.dtype.base_dtype.as_numpy_dtype)
        if tuple(value.shape) != tuple(x.shape.as_list()):
            raise ValueError(f"Cannot assign value to variable ' {x.name}': Shape mismatch."
                             f"The variable shape {x.shape}, and the assigned value shape "
                             f"{value.shape} are incompatible.")
        feeds[holder] = value
        ops.append(op)
    session.run(ops, feeds)


def set_value(x, value):
    """Sets the value of a variable, from a NumPy array."""
    batch_set_value([(x, value)])


def eval(x):  # noqa: A001 - Keras's name
    """Evaluates the value of a variable."""
    return get_value(x)


def count_params(x):
    """Returns the static number of elements in a variable or tensor."""
    return int(np.prod(x.shape.as_list()))


def int_shape(x):
    """Returns the shape of tensor or variable as a tuple of int or None entries."""
    dims = x.shape.as_tuple() if hasattr(x.shape, "as_tuple") else tuple(x.shape)
    return None if dims is None else tuple(dims)


def ndim(x):
    """Returns the number of axes in a tensor, as an integer."""
    return x.shape.rank


def dtype(x):
    """Returns the dtype of a Keras tensor or variable, as a string."""
    return x.dtype.base_dtype.name


class _Function:
    """A callable running `outputs` (and `updates`) in the backend session,
    feeding a list of values to `inputs`."""

    def __init__(self, inputs, outputs, updates=None, name=None, **session_kwargs):
        self.inputs = list(inputs)
        self._outputs_list = isinstance(outputs, (list, tuple))
        self.outputs = list(outputs) if self._outputs_list else [outputs]
        updates = list(updates or [])
        # Keras's (variable, new value) pairs, or ops.
        self._update = group(*[assign(*u) if isinstance(u, tuple) else u
                               for u in updates]) if updates else None

    def __call__(self, inputs):
        feeds = {}
        for holder, value in zip(self.inputs, inputs):
            if isinstance(value, (bool, int)) and holder is _learning_phase_tensor():
                value = bool(value)
            feeds[holder] = value
        fetches = self.outputs + ([self._update] if self._update is not None else [])
        values = get_session().run(fetches, feeds)[:len(self.outputs)]
        return values if self._outputs_list else values[0]


def function(inputs, outputs, updates=None, name=None, **kwargs):
    """Instantiates a Keras function: a callable that takes a list of values
    for `inputs` and returns the values of `outputs` (running `updates`)."""
    return _Function(inputs, outputs, updates=updates, name=name, **kwargs)


def gradients(loss, variables):
    """Returns the gradients of `loss` w.r.t. `variables`."""
    return _gradients(loss, variables)


def name_scope(name):
    """A context manager for a name scope in the default graph."""
    return get_default_graph().name_scope(name)


# ---- tensor functions ------------------------------------------------------------------

def mean(x, axis=None, keepdims=False):
    """Mean of a tensor, alongside the specified axis."""
    if x.dtype == _dtypes.bool:
        x = _ew.cast(x, floatx())
    return _red.reduce_mean(x, axis=axis, keepdims=keepdims)


def sum(x, axis=None, keepdims=False):  # noqa: A001
    """Sum of the values in a tensor, alongside the specified axis."""
    return _red.reduce_sum(x, axis=axis, keepdims=keepdims)


def max(x, axis=None, keepdims=False):  # noqa: A001
    """Maximum value in a tensor."""
    return _red.reduce_max(x, axis=axis, keepdims=keepdims)


def min(x, axis=None, keepdims=False):  # noqa: A001
    """Minimum value in a tensor."""
    return _red.reduce_min(x, axis=axis, keepdims=keepdims)


def argmax(x, axis=-1):
    """Returns the index of the maximum value along an axis."""
    return _red.argmax(x, axis)


def argmin(x, axis=-1):
    """Returns the index of the minimum value along an axis."""
    return _red.argmin(x, axis)


square, sqrt, exp, log, abs = _ew.square, _ew.sqrt, _ew.exp, _ew.log, _ew.abs  # noqa: A001
maximum, minimum, equal, pow = _ew.maximum, _ew.minimum, _ew.equal, _ew.pow  # noqa: A001
sigmoid, tanh, relu = _ew.sigmoid, _ew.tanh, _nn_ops.relu
zeros_like, ones_like = _indexing.zeros_like, _indexing.ones_like
stop_gradient, expand_dims, transpose = (_array_ops.stop_gradient, _array_ops.expand_dims,
                                         _array_ops.transpose)


def softmax(x, axis=-1):
    """Softmax of a tensor."""
    return _nn_ops.softmax(x, axis=axis)


def dot(x, y):
    """Multiplies 2 tensors (matrices)."""
    return _matmul(x, y)


def concatenate(tensors, axis=-1):
    """Concatenates a list of tensors alongside the specified axis."""
    return _array_ops.concat(list(tensors), axis)


def stack(x, axis=0):
    """Stacks a list of rank `R` tensors into a rank `R+1` tensor."""
    return _array_ops.stack(list(x), axis=axis)


def reshape(x, shape):
    """Reshapes a tensor to the specified shape."""
    return _array_ops.reshape(x, shape)


def shape(x):
    """Returns the symbolic shape of a tensor."""
    return _array_ops.shape(x)


def squeeze(x, axis):
    """Removes a 1-dimension from the tensor at index "axis"."""
    return _array_ops.squeeze(x, [axis])


def cast(x, dtype):
    """Casts a tensor to a different dtype and returns it."""
    return _ew.cast(x, dtype)


def clip(x, min_value, max_value):
    """Element-wise value clipping."""
    return clip_by_value(x, min_value, max_value)


def zeros(shape, dtype=None, name=None):
    """Instantiates an all-zeros variable and returns it."""
    return variable(np.zeros(shape), dtype=dtype, name=name)


def ones(shape, dtype=None, name=None):
    """Instantiates an all-ones variable and returns it."""
    return variable(np.ones(shape), dtype=dtype, name=name)


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Categorical crossentropy between an output tensor and a target tensor."""
    from . import losses  # losses imports the backend
    return losses._categorical_crossentropy(target, output, from_logits, axis)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Categorical crossentropy with integer targets."""
    from . import losses  # losses imports the backend
    return losses._sparse_categorical_crossentropy(target, output, from_logits)


def binary_crossentropy(target, output, from_logits=False):
    """Binary crossentropy between an output tensor and a target tensor."""
    from . import losses  # losses imports the backend
    return losses._binary_crossentropy(target, output, from_logits)


def _to_tensor(x, dtype=None):
    return convert_to_tensor(x, dtype=dtype)


# ---- more of TF-Keras's backend, each over one fastgraph op ------------------------------

def all(x, axis=None, keepdims=False):  # noqa: A001
    """Bitwise reduction (logical AND)."""
    return _red.reduce_all(_ew.cast(x, _dtypes.bool), axis=axis, keepdims=keepdims)


def any(x, axis=None, keepdims=False):  # noqa: A001
    """Bitwise reduction (logical OR)."""
    return _red.reduce_any(_ew.cast(x, _dtypes.bool), axis=axis, keepdims=keepdims)


def prod(x, axis=None, keepdims=False):
    """Multiplies the values in a tensor, alongside the specified axis."""
    return _red.reduce_prod(x, axis=axis, keepdims=keepdims)


def var(x, axis=None, keepdims=False):
    """Variance of a tensor, alongside the specified axis."""
    m = _red.reduce_mean(x, axis=axis, keepdims=True)
    return _red.reduce_mean(_ew.square(x - m), axis=axis, keepdims=keepdims)


def std(x, axis=None, keepdims=False):
    """Standard deviation of a tensor, alongside the specified axis."""
    return _ew.sqrt(var(x, axis=axis, keepdims=keepdims))


def cumsum(x, axis=0):
    """Cumulative sum of the values in a tensor, alongside the specified axis."""
    return _cumsum(x, axis=axis)


def cumprod(x, axis=0):
    """Cumulative product of the values in a tensor, alongside the specified axis."""
    return _cumprod(x, axis=axis)


cos, sin, sign, round = _ew.cos, _ew.sin, _ew.sign, _ew.round  # noqa: A001
greater, greater_equal, less, less_equal, not_equal = (
    _ew.greater, _ew.greater_equal, _ew.less, _ew.less_equal, _ew.not_equal)
softplus, softsign = _nn_ops.softplus, _nn_ops.softsign


def elu(x, alpha=1.0):
    """Exponential linear unit."""
    return activations.elu(x, alpha)


def hard_sigmoid(x):
    """Segment-wise linear approximation of sigmoid."""
    return clip_by_value(0.2 * x + 0.5, 0.0, 1.0)


def cast_to_floatx(x):
    """Cast a NumPy array to the default Keras float type."""
    return np.asarray(x, dtype=floatx())


def flatten(x):
    """Flatten a tensor."""
    return _array_ops.reshape(x, [-1])


def batch_flatten(x):
    """Turn a nD tensor into a 2D tensor with same 0th dimension."""
    return _array_ops.reshape(x, _array_ops.stack([_array_ops.shape(x)[0], -1]))


def permute_dimensions(x, pattern):
    """Permutes axes in a tensor."""
    return _array_ops.transpose(x, list(pattern))


def tile(x, n):
    """Creates a tensor by tiling `x` by `n`."""
    return _array_ops.tile(x, [n] if isinstance(n, int) else list(n))


def repeat(x, n):
    """Repeats a 2D tensor: `(samples, dim)` -> `(samples, n, dim)`."""
    return _array_ops.tile(_array_ops.expand_dims(x, 1), [1, n, 1])


def repeat_elements(x, rep, axis):
    """Repeats the elements of a tensor along an axis, like `np.repeat`."""
    return repeat_along(x, axis % x.shape.rank, rep)


def reverse(x, axes):
    """Reverse a tensor along the specified axes."""
    return _array_ops.reverse(x, [axes] if isinstance(axes, int) else list(axes))


def gather(reference, indices):
    """Retrieves the elements of indices `indices` in the tensor `reference`."""
    return _indexing.gather(reference, indices)


def one_hot(indices, num_classes):
    """Computes the one-hot representation of an integer tensor."""
    return _indexing.one_hot(indices, depth=num_classes, axis=-1)


def arange(start, stop=None, step=1, dtype="int32"):
    """Creates a 1D tensor containing a sequence of integers."""
    if stop is None:
        start, stop = 0, start
    return _range(start, stop, step, dtype=dtype)


def eye(size, dtype=None, name=None):
    """Instantiate an identity matrix variable and returns it."""
    return variable(np.eye(size), dtype=dtype, name=name)


def switch(condition, then_expression, else_expression):
    """Switches between two operations depending on a scalar value."""
    return cond(condition, then_expression if callable(then_expression) else
                (lambda: then_expression), else_expression if callable(else_expression) else
                (lambda: else_expression))


def update(x, new_x):
    """Update the value of `x` to `new_x`."""
    return assign(x, new_x)


def update_add(x, increment):
    """Update the value of `x` by adding `increment`."""
    return assign_add(x, increment)


def update_sub(x, decrement):
    """Update the value of `x` by subtracting `decrement`."""
    return assign_sub(x, decrement)


def moving_average_update(x, value, momentum):
    """Compute the moving average of a variable: `x = x * momentum + value * (1 - momentum)`."""
    return assign_sub(x, (x - value) * (1.0 - momentum))


def bias_add(x, bias, data_format=None):
    """Adds a bias vector to a tensor."""
    return _nn_ops.bias_add(x, bias)


def l2_normalize(x, axis=None):
    """Normalizes a tensor wrt the L2 norm alongside the specified axis."""
    return _l2(x, axis=axis)


def in_top_k(predictions, targets, k):
    """Returns whether the `targets` are in the top `k` `predictions`."""
    return _in_top_k(predictions, targets, k)


def dropout(x, level, noise_shape=None, seed=None):
    """Sets entries in `x` to zero at random, while scaling the entire tensor."""
    return _nn_ops.dropout(x, rate=level, noise_shape=noise_shape, seed=seed)


def random_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Returns a tensor with normal distribution of values."""
    return _rn(shape, mean, stddev, dtype=dtype or floatx(), seed=seed)


def random_uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    """Returns a tensor with uniform distribution of values."""
    return _ru(shape, minval, maxval, dtype=dtype or floatx(), seed=seed)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Returns a tensor with truncated random normal distribution of values."""
    return _tn(shape, mean, stddev, dtype=dtype or floatx(), seed=seed)


def random_bernoulli(shape, p=0.0, dtype=None, seed=None):
    """Returns a tensor with random bernoulli distribution of values."""
    return _ew.cast(_ew.less(random_uniform(shape, seed=seed), p), dtype or floatx())


random_binomial = random_bernoulli


def is_keras_tensor(x):
    """Returns whether `x` is a Keras tensor (made by a Keras layer or Input)."""
    if not isinstance(x, Tensor):
        raise ValueError(f"Unexpectedly found an instance of type `{type(x)}`. Expected a "
                         "symbolic tensor instance.")
    return keras_history(x) is not None


def is_sparse(tensor):
    """Returns whether a tensor is a sparse tensor."""
    return type(tensor).__name__ == "SparseTensor"


def to_dense(tensor):
    """Converts a sparse tensor into a dense tensor and returns it."""
    if is_sparse(tensor):
        return _to_dense(tensor)
    return tensor


def backend():
    """Publicly accessible method for determining the current backend."""
    return "tensorflow"


def print_tensor(x, message="", summarize=3):
    """Prints `message` and the tensor value when evaluated."""
    return Print(x, [x], message, summarize=summarize)


def batch_dot(x, y, axes=None):
    """Batchwise dot product of two tensors (rank 2 or 3)."""
    if x.shape.rank == 2 and y.shape.rank == 2:
        return _red.reduce_sum(x * y, axis=1, keepdims=True)
    return _matmul(x, y)


def temporal_padding(x, padding=(1, 1)):
    """Pads the middle dimension of a 3D tensor."""
    return _array_ops.pad(x, [[0, 0], list(padding), [0, 0]])


def spatial_2d_padding(x, padding=((1, 1), (1, 1)), data_format=None):
    """Pads the 2nd and 3rd dimensions of a 4D tensor."""
    pads = [[0, 0], list(padding[0]), list(padding[1]), [0, 0]]
    if (data_format or image_data_format()) == "channels_first":
        pads = [[0, 0], [0, 0], list(padding[0]), list(padding[1])]
    return _array_ops.pad(x, pads)


def conv2d(x, kernel, strides=(1, 1), padding="valid", data_format=None, dilation_rate=(1, 1)):
    """2D convolution."""
    return _conv2d(x, kernel, strides=[1, *strides, 1], padding=padding.upper(),
                   dilations=[1, *dilation_rate, 1])


def pool2d(x, pool_size, strides=(1, 1), padding="valid", data_format=None, pool_mode="max"):
    """2D Pooling."""
    fn = conv_ops.max_pool2d if pool_mode == "max" else conv_ops.avg_pool2d
    return fn(x, [1, *pool_size, 1], [1, *strides, 1], padding.upper())


def map_fn(fn, elems, name=None, dtype=None):
    """Map the function fn over the elements elems and return the outputs."""
    return _map_fn(fn, elems, name=name, dtype=dtype)


def foldl(fn, elems, initializer=None, name=None):
    """Reduce elems using fn to combine them from left to right."""
    return _foldl(fn, elems, initializer=initializer, name=name)


def foldr(fn, elems, initializer=None, name=None):
    """Reduce elems using fn to combine them from right to left."""
    return _foldr(fn, elems, initializer=initializer, name=name)


class learning_phase_scope:  # noqa: N801 - Keras's name
    """Provides a scope within which the learning phase is equal to `value`."""

    def __init__(self, value):
        self.value = value

    def __enter__(self):
        phase = _graph_dict(_LEARNING_PHASE_KEY)
        self._saved = phase.get("value", _MISSING)
        phase["value"] = self.value

    def __exit__(self, *exc):
        phase = _graph_dict(_LEARNING_PHASE_KEY)
        if self._saved is _MISSING:
            phase.pop("value", None)
        else:
            phase["value"] = self._saved
        return False


_MISSING = object()

__all__ += [
    "all", "any", "prod", "var", "std", "cumsum", "cumprod", "cos", "sin", "sign", "round",
    "greater", "greater_equal", "less", "less_equal", "not_equal", "softplus", "softsign",
    "elu", "hard_sigmoid", "cast_to_floatx", "flatten", "batch_flatten", "permute_dimensions",
    "tile", "repeat", "repeat_elements", "reverse", "gather", "one_hot", "arange", "eye",
    "switch", "update", "update_add", "update_sub", "moving_average_update", "bias_add",
    "l2_normalize", "in_top_k", "dropout", "random_normal", "random_uniform",
    "truncated_normal", "random_bernoulli", "random_binomial", "is_keras_tensor", "is_sparse",
    "to_dense", "backend", "print_tensor", "batch_dot", "temporal_padding",
    "spatial_2d_padding", "conv2d", "pool2d", "map_fn", "foldl", "foldr",
    "learning_phase_scope",
]


def repeat_along(x, axis, times):
    """Each entry of `x` along `axis` repeated `times` times in a row (what
    nearest-neighbour upsampling by an integer factor is)."""
    dims = x.shape.as_list()
    expanded = _array_ops.expand_dims(x, axis + 1)
    multiples = [1] * (len(dims) + 1)
    multiples[axis + 1] = times
    tiled = _array_ops.tile(expanded, multiples)
    dynamic = _array_ops.shape(x)
    new = [dynamic[i] if d is None else d for i, d in enumerate(dims)]
    new[axis] = dims[axis] * times if dims[axis] is not None else dynamic[axis] * times
    out = _array_ops.reshape(tiled, _array_ops.stack(new))
    shape = list(dims)
    shape[axis] = None if dims[axis] is None else dims[axis] * times
    out.set_shape(shape)
    return out
