"""TF1's RNN cells (`tf.compat.v1.nn.rnn_cell`): `RNNCell`, `BasicRNNCell`,
`BasicLSTMCell`, `LSTMCell`, `GRUCell`, `MultiRNNCell` and the wrappers
`DropoutWrapper`, `ResidualWrapper`, `DeviceWrapper`.

Each cell is a TF1 layer: it makes its variables in its own variable scope
the first time it is called (under the rnn's scope: `rnn/basic_lstm_cell/
kernel`, `rnn/multi_rnn_cell/cell_0/gru_cell/gates/bias`), with TF's names
and shapes, so that checkpoints of TF's RNN models restore into them, and
reuses them on later calls (every time step). Variables made while a loop
body is being built live outside it (TF's init_scope).
"""

import collections
import functools
import hashlib

from ..framework import dtypes, nest
from ..framework.constant_op import constant, convert_to_tensor
from ..framework.graph import Tensor, device as _device, get_default_graph
from ..framework.tensor_shape import TensorShape
from ..ops.array_ops import concat, shape, slice as _slice, split, stack
from ..ops.elementwise import add, cast, greater_equal, multiply, sigmoid, subtract, tanh
from ..ops.indexing_ops import zeros
from ..ops.linalg_ops import matmul
from ..ops.nn_ops import bias_add, dropout
from ..ops.random_ops import random_uniform
from ..ops.tensor_array_ops import dense_array_read

from .clip_ops import clip_by_value
from .init_ops import constant_initializer, zeros_initializer
from .layers import Layer, _get_activation
from .variable_scope import variable_scope

__all__ = []

RNN_CELL = ["RNNCell", "LayerRNNCell", "BasicRNNCell", "BasicLSTMCell", "LSTMCell", "GRUCell",
            "MultiRNNCell", "LSTMStateTuple", "DropoutWrapper", "ResidualWrapper",
            "DeviceWrapper"]

_BIAS_VARIABLE_NAME = "bias"

# (time, time_steps, batch_size) of each dynamic_rnn step being built: a
# DropoutWrapper there draws the noise of every step before the loop.
_STEPS = []
_WEIGHTS_VARIABLE_NAME = "kernel"


# ---- nested structures (tf.nest) ------------------------------------------------

_is_nested = nest.is_nested
_flatten = nest.flatten
_pack_as = nest.pack_sequence_as
# The structures an RNN maps together (its inputs and outputs) may be a
# list and a tuple of the same leaves.
_map = functools.partial(nest.map_structure, check_types=False)


def _check_supported_dtypes(dtype):
    if dtype is None:
        return
    dtype = dtypes.as_dtype(dtype)
    if not (dtype.is_floating or dtype.is_complex):
        raise ValueError("RNN cell only supports floating point inputs, but received dtype: "
                         f"{dtype}")


def _check_rnn_cell_input_dtypes(inputs):
    for t in _flatten(inputs):
        _check_supported_dtypes(t.dtype)


def assert_like_rnncell(cell_name, cell):
    """Raises a TypeError if cell is not like an RNNCell."""
    conditions = [
        hasattr(cell, "output_size"),
        hasattr(cell, "state_size"),
        hasattr(cell, "get_initial_state") or hasattr(cell, "zero_state"),
        callable(cell),
    ]
    errs = ["'output_size' property is missing", "'state_size' property is missing",
            "either 'zero_state' or 'get_initial_state' method is required",
            "is not callable"]
    if not all(conditions):
        found = [e for e, ok in zip(errs, conditions) if not ok]
        raise TypeError(f"The argument {cell_name!r} ({cell}) is not an RNNCell: "
                        f"{', '.join(found)}.")


def _state_dims(size):
    """A state or output size (an int or a TensorShape) as a list of dims."""
    if isinstance(size, TensorShape):
        return size.as_list()
    if isinstance(size, (list, tuple)) and not _is_nested(size[0] if size else None):
        return list(size)
    return [int(size)]


def _zero_state_tensors(state_size, batch_size, dtype):
    """Zeros of shape [batch_size] + s for each size s of `state_size`."""
    def one(s):
        dims = _state_dims(s)
        static_batch = batch_size if isinstance(batch_size, int) else None
        if isinstance(batch_size, Tensor):
            out = zeros(stack([batch_size] + dims), dtype)
        else:
            out = zeros([batch_size] + dims, dtype)
        out.set_shape([static_batch] + dims)
        return out
    if isinstance(state_size, tuple) and hasattr(state_size, "_fields"):
        return type(state_size)(*[_zero_state_tensors(s, batch_size, dtype)
                                  for s in state_size])
    if isinstance(state_size, (list, tuple)) and state_size and (
            _is_nested(state_size[0]) or isinstance(state_size[0], (int, TensorShape))) and \
            not isinstance(state_size, TensorShape):
        return type(state_size)(_zero_state_tensors(s, batch_size, dtype) for s in state_size)
    return one(state_size)


# ---- the base classes ------------------------------------------------------------

class RNNCell(Layer):
    """Abstract object representing an RNN cell.

    Every `RNNCell` must have the properties below and implement `call` with
    the signature `(output, next_state) = call(input, state)`. The optional
    third input argument, `scope`, is allowed for backwards compatibility
    purposes; but should be left off for new subclasses.

    An RNN cell, in the most abstract setting, is anything that has a state
    and performs some operation that takes a matrix of inputs. This
    operation results in an output matrix with `self.output_size` columns.
    If `self.state_size` is an integer, this operation also results in a new
    state matrix with `self.state_size` columns. If `self.state_size` is a
    (possibly nested tuple of) TensorShape object(s), then it should return
    a matching structure of Tensors having shape `[batch_size].concatenate(s)`
    for each `s` in `self.batch_size`.
    """

    def __init__(self, trainable=True, name=None, dtype=None, **kwargs):
        super().__init__(trainable=trainable, name=name, dtype=dtype, **kwargs)
        self._is_tf_rnn_cell = True

    def __call__(self, inputs, state, scope=None):
        """Run this RNN cell on inputs, starting from the given state.

        Args:
          inputs: `2-D` tensor with shape `[batch_size, input_size]`.
          state: if `self.state_size` is an integer, this should be a `2-D
            Tensor` with shape `[batch_size, self.state_size]`. Otherwise, if
            `self.state_size` is a tuple of integers, this should be a tuple
            with shapes `[batch_size, s] for s in self.state_size`.
          scope: VariableScope for the created subgraph; None uses class name.

        Returns:
          A pair containing:
          - Output: A `2-D` tensor with shape `[batch_size, self.output_size]`.
          - New state: Either a single `2-D` tensor, or a tuple of tensors
            matching the arity and shapes of `state`.
        """
        graph = get_default_graph()
        flat = _flatten(inputs)
        with graph.as_default():
            flat = [convert_to_tensor(x) for x in flat]
            inputs = _pack_as(inputs, flat)
            self._set_scope(scope)
            reuse = True if self.built else self._reuse
            with variable_scope(self._scope, reuse=reuse, auxiliary_name_scope=False) as vs:
                self._current_scope = vs
                with graph.name_scope(vs.original_name_scope):
                    if not self.built:
                        if self._dtype is None:
                            self._dtype = flat[0].dtype
                        self.build(flat[0].shape if len(flat) == 1 else
                                   [x.shape for x in flat])
                        self.built = True
                    return self.call(inputs, state)

    @property
    def state_size(self):
        """size(s) of state(s) used by this cell.

        It can be represented by an Integer, a TensorShape or a tuple of
        Integers or TensorShapes.
        """
        raise NotImplementedError("Abstract method")

    @property
    def output_size(self):
        """Integer or TensorShape: size of outputs produced by this cell."""
        raise NotImplementedError("Abstract method")

    def build(self, input_shape):
        """Creates the variables of the cell."""
        self.built = True

    def get_initial_state(self, inputs=None, batch_size=None, dtype=None):
        """The cell's zero state for `inputs` (or `batch_size` and `dtype`)."""
        if inputs is not None:
            inputs = convert_to_tensor(inputs, name="inputs")
            if batch_size is not None:
                static = batch_size if not isinstance(batch_size, Tensor) else None
                if static is not None and inputs.shape.as_tuple()[0] != static:
                    raise ValueError("batch size from input tensor is different from the input "
                                     f"param. Input tensor batch: {inputs.shape.as_tuple()[0]}, "
                                     f"batch_size: {batch_size}")
            if dtype is not None and inputs.dtype != dtype:
                raise ValueError("dtype from input tensor is different from the input param. "
                                 f"Input tensor dtype: {inputs.dtype}, dtype: {dtype}")
            batch_size = inputs.shape.as_tuple()[0] or shape(inputs)[0]
            dtype = inputs.dtype
        if batch_size is None or dtype is None:
            raise ValueError("batch_size and dtype cannot be None while constructing initial "
                             f"state: batch_size={batch_size}, dtype={dtype}")
        return self.zero_state(batch_size, dtype)

    def zero_state(self, batch_size, dtype):
        """Return zero-filled state tensor(s).

        Args:
          batch_size: int, float, or unit Tensor representing the batch size.
          dtype: the data type to use for the state.

        Returns:
          If `state_size` is an int or TensorShape, then the return value is a
          `N-D` tensor of shape `[batch_size, state_size]` filled with zeros.
          If `state_size` is a nested list or tuple, then the return value is
          a nested list or tuple (of the same structure) of `2-D` tensors with
          the shapes `[batch_size, s]` for each s in `state_size`.
        """
        graph = get_default_graph()
        with graph.name_scope(type(self).__name__ + "ZeroState"):
            return _zero_state_tensors(self.state_size, batch_size, dtypes.as_dtype(dtype))


class LayerRNNCell(RNNCell):
    """Subclass of RNNCells that act like proper `tf.Layer` objects: they
    make their variables in `build` (called once) and their `call` methods
    do not access Variables with `tf.compat.v1.get_variable`."""


# ---- the cells -------------------------------------------------------------------

class BasicRNNCell(LayerRNNCell):
    """The most basic RNN cell.

    Args:
      num_units: int, The number of units in the RNN cell.
      activation: Nonlinearity to use. Default: `tanh`.
      reuse: (optional) Python boolean describing whether to reuse variables
        in an existing scope.
      name: String, the name of the layer.
      dtype: Default dtype of the layer.
    """

    def __init__(self, num_units, activation=None, reuse=None, name=None, dtype=None, **kwargs):
        super().__init__(_reuse=reuse, name=name, dtype=dtype, **kwargs)
        _check_supported_dtypes(self.dtype)
        self._num_units = num_units
        self._activation = _get_activation(activation) if activation else tanh

    state_size = property(lambda self: self._num_units)
    output_size = property(lambda self: self._num_units)

    def build(self, input_shape):
        """Makes `kernel` [input_depth + num_units, num_units] and `bias`."""
        depth = _input_depth(input_shape)
        _check_supported_dtypes(self.dtype)
        self._kernel = self.add_weight(_WEIGHTS_VARIABLE_NAME,
                                       shape=[depth + self._num_units, self._num_units])
        self._bias = self.add_weight(_BIAS_VARIABLE_NAME, shape=[self._num_units],
                                     initializer=zeros_initializer(dtype=self.dtype))
        self.built = True

    def call(self, inputs, state):
        """Most basic RNN: output = new_state = act(W * input + U * state + B)."""
        _check_rnn_cell_input_dtypes([inputs, state])
        gate_inputs = bias_add(matmul(concat([inputs, state], 1), self._kernel), self._bias)
        output = self._activation(gate_inputs)
        return output, output


class GRUCell(LayerRNNCell):
    """Gated Recurrent Unit cell (cf. http://arxiv.org/abs/1406.1078).

    Args:
      num_units: int, The number of units in the GRU cell.
      activation: Nonlinearity to use. Default: `tanh`.
      reuse: (optional) Python boolean describing whether to reuse variables
        in an existing scope.
      kernel_initializer: (optional) The initializer to use for the weight
        and projection matrices.
      bias_initializer: (optional) The initializer to use for the bias (the
        gates' default is 1.0, the candidate's 0).
      name: String, the name of the layer.
      dtype: Default dtype of the layer.
    """

    def __init__(self, num_units, activation=None, reuse=None, kernel_initializer=None,
                 bias_initializer=None, name=None, dtype=None, **kwargs):
        super().__init__(_reuse=reuse, name=name, dtype=dtype, **kwargs)
        _check_supported_dtypes(self.dtype)
        self._num_units = num_units
        self._activation = _get_activation(activation) if activation else tanh
        self._kernel_initializer = kernel_initializer
        self._bias_initializer = bias_initializer

    state_size = property(lambda self: self._num_units)
    output_size = property(lambda self: self._num_units)

    def build(self, input_shape):
        """Makes `gates/kernel`, `gates/bias`, `candidate/kernel`, `candidate/bias`."""
        depth = _input_depth(input_shape)
        _check_supported_dtypes(self.dtype)
        n = self._num_units
        self._gate_kernel = self.add_weight(f"gates/{_WEIGHTS_VARIABLE_NAME}",
                                            shape=[depth + n, 2 * n],
                                            initializer=self._kernel_initializer)
        self._gate_bias = self.add_weight(
            f"gates/{_BIAS_VARIABLE_NAME}", shape=[2 * n],
            initializer=self._bias_initializer if self._bias_initializer is not None
            else constant_initializer(1.0, dtype=self.dtype))
        self._candidate_kernel = self.add_weight(f"candidate/{_WEIGHTS_VARIABLE_NAME}",
                                                 shape=[depth + n, n],
                                                 initializer=self._kernel_initializer)
        self._candidate_bias = self.add_weight(
            f"candidate/{_BIAS_VARIABLE_NAME}", shape=[n],
            initializer=self._bias_initializer if self._bias_initializer is not None
            else zeros_initializer(dtype=self.dtype))
        self.built = True

    def call(self, inputs, state):
        """Gated recurrent unit (GRU) with nunits cells."""
        _check_rnn_cell_input_dtypes([inputs, state])
        gate_inputs = bias_add(matmul(concat([inputs, state], 1), self._gate_kernel),
                               self._gate_bias)
        value = sigmoid(gate_inputs)
        r, u = split(value=value, num_or_size_splits=2, axis=1)
        r_state = r * state
        candidate = bias_add(matmul(concat([inputs, r_state], 1), self._candidate_kernel),
                             self._candidate_bias)
        c = self._activation(candidate)
        new_h = u * state + (1 - u) * c
        return new_h, new_h


_LSTMStateTuple = collections.namedtuple("LSTMStateTuple", ("c", "h"))


class LSTMStateTuple(_LSTMStateTuple):
    """Tuple used by LSTM Cells for `state_size`, `zero_state`, and output
    state. Stores two elements: `(c, h)`, in that order. Where `c` is the
    hidden state and `h` is the output."""

    __slots__ = ()

    @property
    def dtype(self):
        """The dtype of c and h (which must agree)."""
        (c, h) = self
        if c.dtype != h.dtype:
            raise TypeError(f"Inconsistent dtypes for internal state: {c.dtype} vs {h.dtype}")
        return c.dtype


class BasicLSTMCell(LayerRNNCell):
    """Basic LSTM recurrent network cell (http://arxiv.org/abs/1409.2329).

    We add forget_bias (default: 1) to the biases of the forget gate in
    order to reduce the scale of forgetting in the beginning of the
    training. It does not allow cell clipping, a projection layer, and does
    not use peep-hole connections: it is the basic baseline.

    Args:
      num_units: int, The number of units in the LSTM cell.
      forget_bias: float, The bias added to forget gates.
      state_is_tuple: If True, accepted and returned states are 2-tuples of
        the `c_state` and `m_state`. If False, they are concatenated along
        the column axis.
      activation: Activation function of the inner states. Default: `tanh`.
      reuse: (optional) Python boolean describing whether to reuse variables
        in an existing scope.
      name: String, the name of the layer.
      dtype: Default dtype of the layer.
    """

    def __init__(self, num_units, forget_bias=1.0, state_is_tuple=True, activation=None,
                 reuse=None, name=None, dtype=None, **kwargs):
        super().__init__(_reuse=reuse, name=name, dtype=dtype, **kwargs)
        _check_supported_dtypes(self.dtype)
        self._num_units = num_units
        self._forget_bias = forget_bias
        self._state_is_tuple = state_is_tuple
        self._activation = _get_activation(activation) if activation else tanh

    @property
    def state_size(self):
        """LSTMStateTuple(num_units, num_units), or 2 * num_units."""
        return (LSTMStateTuple(self._num_units, self._num_units) if self._state_is_tuple
                else 2 * self._num_units)

    output_size = property(lambda self: self._num_units)

    def build(self, input_shape):
        """Makes `kernel` [input_depth + num_units, 4 * num_units] and `bias`."""
        depth = _input_depth(input_shape)
        _check_supported_dtypes(self.dtype)
        self._kernel = self.add_weight(_WEIGHTS_VARIABLE_NAME,
                                       shape=[depth + self._num_units, 4 * self._num_units])
        self._bias = self.add_weight(_BIAS_VARIABLE_NAME, shape=[4 * self._num_units],
                                     initializer=zeros_initializer(dtype=self.dtype))
        self.built = True

    def call(self, inputs, state):
        """Long short-term memory cell (LSTM): (new_h, (new_c, new_h))."""
        _check_rnn_cell_input_dtypes([inputs, state])
        if self._state_is_tuple:
            c, h = state
        else:
            c, h = split(value=state, num_or_size_splits=2, axis=1)
        gate_inputs = bias_add(matmul(concat([inputs, h], 1), self._kernel), self._bias)
        i, j, f, o = split(value=gate_inputs, num_or_size_splits=4, axis=1)
        forget_bias_tensor = constant(self._forget_bias, dtype=f.dtype)
        new_c = add(multiply(c, sigmoid(add(f, forget_bias_tensor))),
                    multiply(sigmoid(i), self._activation(j)))
        new_h = multiply(self._activation(new_c), sigmoid(o))
        new_state = LSTMStateTuple(new_c, new_h) if self._state_is_tuple \
            else concat([new_c, new_h], 1)
        return new_h, new_state


class LSTMCell(LayerRNNCell):
    """Long short-term memory unit (LSTM) recurrent network cell, with
    optional peep-hole connections, cell clipping and a projection layer
    (Hochreiter & Schmidhuber 1997; Sak et al. 2014).

    Args:
      num_units: int, The number of units in the LSTM cell.
      use_peepholes: bool, set True to enable diagonal/peephole connections.
      cell_clip: (optional) A float value, if provided the cell state is
        clipped by this value prior to the cell output activation.
      initializer: (optional) The initializer to use for the weight and
        projection matrices.
      num_proj: (optional) int, The output dimensionality for the projection
        matrices. If None, no projection is performed.
      proj_clip: (optional) A float value. If `num_proj > 0` and `proj_clip`
        is provided, then the projected values are clipped elementwise to
        within `[-proj_clip, proj_clip]`.
      num_unit_shards, num_proj_shards: Deprecated (fastgraph has no
        partitioned variables; they must be None).
      forget_bias: Biases of the forget gate are initialized by default to 1
        in order to reduce the scale of forgetting at the beginning of the
        training.
      state_is_tuple: If True, accepted and returned states are 2-tuples of
        the `c_state` and `m_state`. If False, they are concatenated along
        the column axis.
      activation: Activation function of the inner states. Default: `tanh`.
      reuse: (optional) Python boolean describing whether to reuse variables
        in an existing scope.
      name: String, the name of the layer.
      dtype: Default dtype of the layer.
    """

    def __init__(self, num_units, use_peepholes=False, cell_clip=None, initializer=None,
                 num_proj=None, proj_clip=None, num_unit_shards=None, num_proj_shards=None,
                 forget_bias=1.0, state_is_tuple=True, activation=None, reuse=None, name=None,
                 dtype=None, **kwargs):
        super().__init__(_reuse=reuse, name=name, dtype=dtype, **kwargs)
        _check_supported_dtypes(self.dtype)
        if num_unit_shards is not None or num_proj_shards is not None:
            raise NotImplementedError("fastgraph has no partitioned variables "
                                      "(num_unit_shards, num_proj_shards)")
        self._num_units = num_units
        self._use_peepholes = use_peepholes
        self._cell_clip = cell_clip
        self._initializer = initializer
        self._num_proj = num_proj
        self._proj_clip = proj_clip
        self._forget_bias = forget_bias
        self._state_is_tuple = state_is_tuple
        self._activation = _get_activation(activation) if activation else tanh
        if num_proj:
            self._state_size = LSTMStateTuple(num_units, num_proj) if state_is_tuple \
                else num_units + num_proj
            self._output_size = num_proj
        else:
            self._state_size = LSTMStateTuple(num_units, num_units) if state_is_tuple \
                else 2 * num_units
            self._output_size = num_units

    state_size = property(lambda self: self._state_size)
    output_size = property(lambda self: self._output_size)

    def build(self, input_shape):
        """Makes `kernel`, `bias`, the peepholes `w_f_diag`, `w_i_diag`,
        `w_o_diag` and `projection/kernel`, as the options ask."""
        depth = _input_depth(input_shape)
        _check_supported_dtypes(self.dtype)
        n = self._num_units
        h_depth = n if self._num_proj is None else self._num_proj
        self._kernel = self.add_weight(_WEIGHTS_VARIABLE_NAME, shape=[depth + h_depth, 4 * n],
                                       initializer=self._initializer)
        self._bias = self.add_weight(_BIAS_VARIABLE_NAME, shape=[4 * n],
                                     initializer=zeros_initializer(dtype=self.dtype))
        if self._use_peepholes:
            self._w_f_diag = self.add_weight("w_f_diag", shape=[n], initializer=self._initializer)
            self._w_i_diag = self.add_weight("w_i_diag", shape=[n], initializer=self._initializer)
            self._w_o_diag = self.add_weight("w_o_diag", shape=[n], initializer=self._initializer)
        if self._num_proj is not None:
            self._proj_kernel = self.add_weight(f"projection/{_WEIGHTS_VARIABLE_NAME}",
                                                shape=[n, self._num_proj],
                                                initializer=self._initializer)
        self.built = True

    def call(self, inputs, state):
        """Run one step of LSTM: (m, LSTMStateTuple(c, m))."""
        _check_rnn_cell_input_dtypes([inputs, state])
        num_proj = self._num_units if self._num_proj is None else self._num_proj
        if self._state_is_tuple:
            (c_prev, m_prev) = state
        else:
            c_prev = _slice(state, [0, 0], [-1, self._num_units])
            m_prev = _slice(state, [0, self._num_units], [-1, num_proj])
        if inputs.shape.rank != 2 or inputs.shape.as_tuple()[1] is None:
            raise ValueError("Could not infer input size from inputs.get_shape()[-1]."
                             f"Received input shape: {inputs.shape}")
        lstm_matrix = bias_add(matmul(concat([inputs, m_prev], 1), self._kernel), self._bias)
        i, j, f, o = split(value=lstm_matrix, num_or_size_splits=4, axis=1)
        if self._use_peepholes:
            c = (sigmoid(f + self._forget_bias + self._w_f_diag * c_prev) * c_prev +
                 sigmoid(i + self._w_i_diag * c_prev) * self._activation(j))
        else:
            c = sigmoid(f + self._forget_bias) * c_prev + sigmoid(i) * self._activation(j)
        if self._cell_clip is not None:
            c = clip_by_value(c, -self._cell_clip, self._cell_clip)
        if self._use_peepholes:
            m = sigmoid(o + self._w_o_diag * c) * self._activation(c)
        else:
            m = sigmoid(o) * self._activation(c)
        if self._num_proj is not None:
            m = matmul(m, self._proj_kernel)
            if self._proj_clip is not None:
                m = clip_by_value(m, -self._proj_clip, self._proj_clip)
        new_state = LSTMStateTuple(c, m) if self._state_is_tuple else concat([c, m], 1)
        return m, new_state


def _input_depth(input_shape):
    shape = TensorShape(input_shape)
    dims = shape.as_tuple()
    if dims is None or dims[-1] is None:
        raise ValueError(f"Expected inputs.shape[-1] to be known, received shape: {shape}")
    return dims[-1]


class MultiRNNCell(RNNCell):
    """RNN cell composed sequentially of multiple simple cells: cell i runs
    in the variable scope `cell_<i>` on the output of cell i - 1.

    Args:
      cells: list of RNNCells that will be composed in this order.
      state_is_tuple: If True, accepted and returned states are n-tuples,
        where `n = len(cells)`. If False, the states are all concatenated
        along the column axis.
    """

    def __init__(self, cells, state_is_tuple=True):
        super().__init__()
        if not cells:
            raise ValueError("Must specify at least one cell for MultiRNNCell.")
        if not _is_nested(cells):
            raise TypeError(f"cells must be a list or tuple, but received: {cells}.")
        self._cells = cells
        self._state_is_tuple = state_is_tuple
        if not state_is_tuple and any(_is_nested(c.state_size) for c in self._cells):
            raise ValueError("Some cells return tuples of states, but the flag state_is_tuple "
                             "is not set. State sizes are: "
                             f"{[c.state_size for c in self._cells]}")

    @property
    def state_size(self):
        """A tuple of the cells' state sizes (their sum without state_is_tuple)."""
        if self._state_is_tuple:
            return tuple(cell.state_size for cell in self._cells)
        return sum(cell.state_size for cell in self._cells)

    output_size = property(lambda self: self._cells[-1].output_size)

    def zero_state(self, batch_size, dtype):
        """The tuple of the cells' zero states."""
        graph = get_default_graph()
        with graph.name_scope(type(self).__name__ + "ZeroState"):
            if self._state_is_tuple:
                return tuple(cell.zero_state(batch_size, dtype) for cell in self._cells)
            return _zero_state_tensors(self.state_size, batch_size, dtypes.as_dtype(dtype))

    @property
    def trainable_weights(self):
        if not self.trainable:
            return []
        return [w for cell in self._cells for w in getattr(cell, "trainable_weights", [])]

    @property
    def non_trainable_weights(self):
        weights = [w for cell in self._cells for w in getattr(cell, "non_trainable_weights", [])]
        if not self.trainable:
            return self.trainable_weights_all() + weights
        return weights

    def trainable_weights_all(self):
        return [w for cell in self._cells for w in getattr(cell, "trainable_weights", [])]

    weights = property(lambda self: self.trainable_weights + self.non_trainable_weights)
    variables = weights
    trainable_variables = trainable_weights

    def call(self, inputs, state):
        """Run this multi-layer cell on inputs, starting from state."""
        cur_state_pos = 0
        cur_inp = inputs
        new_states = []
        for i, cell in enumerate(self._cells):
            with variable_scope("cell_%d" % i):
                if self._state_is_tuple:
                    if not _is_nested(state):
                        raise ValueError(f"Expected state to be a tuple of length "
                                         f"{len(self.state_size)}, but received: {state}")
                    cur_state = state[i]
                else:
                    cur_state = _slice(state, [0, cur_state_pos], [-1, cell.state_size])
                    cur_state_pos += cell.state_size
                cur_inp, new_state = cell(cur_inp, cur_state)
                new_states.append(new_state)
        new_states = tuple(new_states) if self._state_is_tuple else concat(new_states, 1)
        return cur_inp, new_states


# ---- the wrappers ----------------------------------------------------------------

class _RNNCellWrapper(RNNCell):
    """An RNNCell that runs the cell it wraps (in the wrapped cell's own
    scope: a wrapper adds no variable scope)."""

    def __init__(self, cell, *args, **kwargs):
        super().__init__(*args, **kwargs)
        assert_like_rnncell("cell", cell)
        self.cell = cell

    def __call__(self, inputs, state, scope=None):
        """Runs the wrapped cell through `_call_wrapped_cell`."""
        return self._call_wrapped_cell(inputs, state, cell_call_fn=self.cell.__call__,
                                       scope=scope)

    def _call_wrapped_cell(self, inputs, state, cell_call_fn, **kwargs):
        raise NotImplementedError

    state_size = property(lambda self: self.cell.state_size)
    output_size = property(lambda self: self.cell.output_size)
    trainable_weights = property(lambda self: getattr(self.cell, "trainable_weights", []))
    non_trainable_weights = property(lambda self: getattr(self.cell, "non_trainable_weights",
                                                          []))
    weights = property(lambda self: getattr(self.cell, "weights", []))
    variables = weights
    trainable_variables = trainable_weights

    @property
    def wrapped_cell(self):
        """The cell this wrapper runs."""
        return self.cell

    def zero_state(self, batch_size, dtype):
        """The wrapped cell's zero state."""
        graph = get_default_graph()
        with graph.name_scope(type(self).__name__ + "ZeroState"):
            return self.cell.zero_state(batch_size, dtype)


def _default_dropout_state_filter_visitor(substate):
    if isinstance(substate, LSTMStateTuple):
        return LSTMStateTuple(c=False, h=True)
    return True


class DropoutWrapper(_RNNCellWrapper):
    """Operator adding dropout to inputs and outputs of the given cell.

    Args:
      cell: an RNNCell, a projection to output_size is added to it.
      input_keep_prob: unit Tensor or float between 0 and 1, input keep
        probability; if it is constant and 1, no input dropout will be added.
      output_keep_prob: unit Tensor or float between 0 and 1, output keep
        probability; if it is constant and 1, no output dropout will be added.
      state_keep_prob: unit Tensor or float between 0 and 1, state keep
        probability; if it is constant and 1, no state dropout will be added.
        State dropout is performed on the outgoing states of the cell (by
        default the `h` of an LSTMStateTuple, never its `c`).
      variational_recurrent: Python bool (fastgraph supports False only).
      input_size, dtype: used with variational_recurrent only.
      seed: (optional) integer, the randomness seed.
      dropout_state_filter_visitor: (optional) a function of each substate
        that returns True where state dropout applies.
    """

    def __init__(self, cell, input_keep_prob=1.0, output_keep_prob=1.0, state_keep_prob=1.0,
                 variational_recurrent=False, input_size=None, dtype=None, seed=None,
                 dropout_state_filter_visitor=None, **kwargs):
        super().__init__(cell, dtype=dtype, **kwargs)
        if variational_recurrent:
            raise NotImplementedError("fastgraph's DropoutWrapper has no variational_recurrent")
        if dropout_state_filter_visitor is not None and not callable(
                dropout_state_filter_visitor):
            raise TypeError("dropout_state_filter_visitor must be callable. Received: "
                            f"{dropout_state_filter_visitor}")
        self._dropout_state_filter = (dropout_state_filter_visitor or
                                      _default_dropout_state_filter_visitor)
        for prob, attr in ((input_keep_prob, "input_keep_prob"),
                           (state_keep_prob, "state_keep_prob"),
                           (output_keep_prob, "output_keep_prob")):
            if isinstance(prob, (int, float)) and not 0 <= prob <= 1:
                raise ValueError(f"Parameter {attr} must be between 0 and 1. Received {prob}")
            setattr(self, "_" + attr, float(prob) if isinstance(prob, (int, float)) else prob)
        self._seed = seed

    def _gen_seed(self, salt_prefix, index):
        if self._seed is None:
            return None
        string = (str(self._seed) + "%s_%d" % (salt_prefix, index)).encode("utf-8")
        return int(hashlib.md5(string).hexdigest()[:8], 16) & 0x7FFFFFFF

    def _dropout(self, values, salt_prefix, keep_prob, keep=None):
        flat = _flatten(values)
        flags = _flatten(keep) if keep is not None else [True] * len(flat)
        out = [self._dropout_one(v, keep_prob, self._gen_seed(salt_prefix, i))
               if flag else v for i, (v, flag) in enumerate(zip(flat, flags))]
        return _pack_as(values, out)

    def _dropout_one(self, v, keep_prob, seed):
        dims = v.shape.as_tuple()
        if not _STEPS or dims is None or len(dims) != 2 or dims[1] is None:
            return dropout(v, rate=1.0 - keep_prob, seed=seed)
        # Inside dynamic_rnn's loop: the noise of all the steps is drawn
        # once, before the loop, and step t reads its row. Each step's mask
        # is as independent as TF's, and the loop's gradient (which runs
        # the body again) sees the masks the forward pass used.
        time, time_steps, batch_size = _STEPS[-1]
        graph = get_default_graph()
        inner, graph._sub_graph_stack = graph._sub_graph_stack, graph._sub_graph_stack[:-1]
        try:
            with graph.name_scope("dropout_noise"):
                noise = random_uniform(stack([time_steps, batch_size, dims[1]]), dtype=v.dtype,
                                       seed=seed)
        finally:
            graph._sub_graph_stack = inner
        with graph.name_scope("dropout"):
            rate = subtract(1.0, convert_to_tensor(keep_prob, dtype=v.dtype))
            kept = cast(greater_equal(dense_array_read(noise, time), rate), v.dtype)
            out = v * (1.0 / (1.0 - rate)) * kept
            out.set_shape(v.shape)
            return out

    def _call_wrapped_cell(self, inputs, state, cell_call_fn, **kwargs):
        def should(p):
            return not isinstance(p, float) or p < 1
        if should(self._input_keep_prob):
            inputs = self._dropout(inputs, "input", self._input_keep_prob)
        output, new_state = cell_call_fn(inputs, state, **kwargs)
        if should(self._state_keep_prob):
            keep = _state_filter(self._dropout_state_filter, new_state)
            new_state = self._dropout(new_state, "state", self._state_keep_prob, keep)
        if should(self._output_keep_prob):
            output = self._dropout(output, "output", self._output_keep_prob)
        return output, new_state


def _state_filter(visitor, state):
    """The bool of each leaf of `state` (TF's get_traverse_shallow_structure)."""
    found = visitor(state)
    if isinstance(found, bool):
        if not found or not _is_nested(state):
            return _map(lambda _: found, state)
        if isinstance(state, tuple) and hasattr(state, "_fields"):
            return type(state)(*[_state_filter(visitor, s) for s in state])
        return type(state)(_state_filter(visitor, s) for s in state)
    return _pack_as(state, [bool(b) for b in _flatten(found)])


class ResidualWrapper(_RNNCellWrapper):
    """RNNCell wrapper that ensures cell inputs are added to the outputs.

    Args:
      cell: An instance of `RNNCell`.
      residual_fn: (Optional) The function to map raw cell inputs and raw
        cell outputs to the actual cell outputs of the residual network.
        Defaults to adding them (nest.map_structure(lambda i, o: i + o)).
    """

    def __init__(self, cell, residual_fn=None, **kwargs):
        super().__init__(cell, **kwargs)
        self._residual_fn = residual_fn

    def _call_wrapped_cell(self, inputs, state, cell_call_fn, **kwargs):
        outputs, new_state = cell_call_fn(inputs, state, **kwargs)

        def default_residual_fn(inputs, outputs):
            def add_one(i, o):
                i.shape.assert_is_compatible_with(o.shape)
                return i + o
            return _map(add_one, inputs, outputs)
        return (self._residual_fn or default_residual_fn)(inputs, outputs), new_state


class DeviceWrapper(_RNNCellWrapper):
    """Operator that ensures an RNNCell runs on a particular device.

    Args:
      cell: An instance of `RNNCell`.
      device: A device string or function, for passing to `tf.device`.
    """

    def __init__(self, cell, device, **kwargs):
        super().__init__(cell, **kwargs)
        self._device = device

    def zero_state(self, batch_size, dtype):
        """The wrapped cell's zero state, on the device."""
        graph = get_default_graph()
        with graph.name_scope(type(self).__name__ + "ZeroState"), _device(self._device):
            return self.cell.zero_state(batch_size, dtype)

    def _call_wrapped_cell(self, inputs, state, cell_call_fn, **kwargs):
        with _device(self._device):
            return cell_call_fn(inputs, state, **kwargs)


