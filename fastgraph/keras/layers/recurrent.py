"""Keras's recurrent layers: SimpleRNN, LSTM and GRU (and their cells,
and the generic `RNN` over a cell), run by fastgraph's `dynamic_rnn` (one
while loop over the time steps).

The cells compute TF-Keras 2's equations with its weight layout: LSTM's
gates in the order i, f, c, o in a `(input, 4 * units)` kernel and a
`(units, 4 * units)` recurrent kernel, its forget bias started at one
(`unit_forget_bias`); GRU's z, r, h with `reset_after=True` (the default),
its bias `(2, 3 * units)`, input bias first. Weights are named
"lstm/lstm_cell/kernel", "gru/gru_cell/recurrent_kernel", ... as TF-Keras
names them."""

from ...framework.graph import get_default_graph
from ...ops import array_ops as _array
from ...ops.linalg_ops import matmul
from ...ops.indexing_ops import zeros
from ...ops.nn_ops import bias_add
from ...api.rnn import dynamic_rnn
from .. import activations, initializers, regularizers
from ..constraints import get as constraints_of
from ..engine.base_layer import Layer, flatten

__all__ = ["RNN", "SimpleRNN", "LSTM", "GRU", "SimpleRNNCell", "LSTMCell", "GRUCell"]


class _Cell(Layer):
    """What the three cells share: their arguments and weights."""

    _gates = 1

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, **kwargs):
        kwargs.pop("unit_forget_bias", None)
        kwargs.pop("reset_after", None)
        super().__init__(**kwargs)
        if dropout or recurrent_dropout:
            raise NotImplementedError("fastgraph's Keras recurrent cells have no dropout or "
                                      "recurrent_dropout")
        self.units = units
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints_of(kernel_constraint)
        self.recurrent_constraint = constraints_of(recurrent_constraint)
        self.bias_constraint = constraints_of(bias_constraint)
        self.dropout = dropout
        self.recurrent_dropout = recurrent_dropout

    state_size = property(lambda self: self.units)
    output_size = property(lambda self: self.units)

    def _bias_shape(self):
        return (self._gates * self.units,)

    def _bias_initializer(self):
        return self.bias_initializer

    def build(self, input_shape):
        n = self._gates * self.units
        self.kernel = self.add_weight("kernel", shape=(input_shape[-1], n),
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight("recurrent_kernel", shape=(self.units, n),
                                                initializer=self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint)
        self.bias = self.add_weight("bias", shape=self._bias_shape(),
                                    initializer=self._bias_initializer(),
                                    regularizer=self.bias_regularizer,
                                    constraint=self.bias_constraint) if self.use_bias else None
        self.built = True

    def call(self, inputs, states, training=None):
        states = flatten(states)
        output, new = self.step(inputs, states)
        return output, new


class SimpleRNNCell(_Cell):
    """Cell class for SimpleRNN: `h = activation(x W + h_prev U + b)`."""

    def __init__(self, units, activation="tanh", **kwargs):
        super().__init__(units, activation=activation, **kwargs)

    def step(self, x, states):
        h = matmul(x, self.kernel)
        if self.bias is not None:
            h = bias_add(h, self.bias)
        h = h + matmul(states[0], self.recurrent_kernel)
        h = self.activation(h) if self.activation is not None else h
        return h, [h]


class LSTMCell(_Cell):
    """Cell class for the LSTM layer: `i, f, c~, o` from `x W + h_prev U +
    b`; `c = f * c_prev + i * activation(c~)`, `h = o * activation(c)`."""

    _gates = 4

    def __init__(self, units, unit_forget_bias=True, **kwargs):
        super().__init__(units, **kwargs)
        self.unit_forget_bias = unit_forget_bias

    state_size = property(lambda self: [self.units, self.units])

    def _bias_initializer(self):
        if not self.unit_forget_bias:
            return self.bias_initializer
        units, init = self.units, self.bias_initializer

        def forget_one(shape, dtype=None, **kwargs):
            ones = initializers.Ones()((units,), dtype=dtype)
            return _array.concat([init((units,), dtype=dtype), ones,
                                  init((units * 2,), dtype=dtype)], 0)
        return forget_one

    def step(self, x, states):
        h_prev, c_prev = states
        z = matmul(x, self.kernel) + matmul(h_prev, self.recurrent_kernel)
        if self.bias is not None:
            z = bias_add(z, self.bias)
        i, f, c_hat, o = _array.split(z, 4, axis=1)
        act, rec = self.activation, self.recurrent_activation
        i, f, o = rec(i), rec(f), rec(o)
        c = f * c_prev + i * act(c_hat)
        h = o * act(c)
        return h, [h, c]


class GRUCell(_Cell):
    """Cell class for the GRU layer (`reset_after=True`, TF-Keras 2's
    default): `z, r` from `x W + b_in + h_prev U + b_rec`, `h~ =
    activation(x W_h + b_in_h + r * (h_prev U_h + b_rec_h))`, `h = z * h_prev
    + (1 - z) * h~`."""

    _gates = 3

    def __init__(self, units, reset_after=True, **kwargs):
        super().__init__(units, **kwargs)
        if not reset_after:
            raise NotImplementedError("fastgraph's GRUCell has reset_after=True only")
        self.reset_after = reset_after

    def _bias_shape(self):
        return (2, 3 * self.units)

    def step(self, x, states):
        h_prev = states[0]
        xs = matmul(x, self.kernel)
        rs = matmul(h_prev, self.recurrent_kernel)
        if self.bias is not None:
            in_bias, rec_bias = _array.unstack(self.bias)
            xs = bias_add(xs, in_bias)
            rs = bias_add(rs, rec_bias)
        x_z, x_r, x_h = _array.split(xs, 3, axis=1)
        r_z, r_r, r_h = _array.split(rs, 3, axis=1)
        rec = self.recurrent_activation
        z = rec(x_z + r_z)
        r = rec(x_r + r_r)
        hh = self.activation(x_h + r * r_h)
        h = z * h_prev + (1.0 - z) * hh
        return h, [h]


class _StepCell:
    """A Keras cell as dynamic_rnn's cell: the step function over a tuple of states."""

    def __init__(self, cell):
        self._cell = cell
        sizes = flatten(cell.state_size)
        self.state_size = tuple(sizes) if len(sizes) > 1 else sizes[0]
        self.output_size = cell.output_size

    def zero_state(self, batch_size, dtype):
        sizes = flatten(self._cell.state_size)
        states = tuple(zeros(_array.stack([batch_size, s]), dtype) for s in sizes)
        return states if len(states) > 1 else states[0]

    def __call__(self, inputs, state):
        states = list(state) if isinstance(state, tuple) else [state]
        output, new = self._cell.step(inputs, states)
        return output, (tuple(new) if len(new) > 1 else new[0])


class RNN(Layer):
    """Base class for recurrent layers: runs `cell` over the time axis of
    `(batch, timesteps, features)` inputs.

    Args:
      cell: A cell instance (SimpleRNNCell, LSTMCell, GRUCell).
      return_sequences: Whether to return the last output or the full sequence.
      return_state: Whether to return the last state in addition to the output.
      go_backwards: If True, process the input sequence backwards and return
        the reversed sequence.
      time_major: Whether the inputs are `(timesteps, batch, ...)`.
    """

    def __init__(self, cell, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, time_major=False, **kwargs):
        if stateful:
            raise NotImplementedError("fastgraph's Keras RNN layers are not stateful")
        super().__init__(**kwargs)
        self.cell = cell
        self.return_sequences = return_sequences
        self.return_state = return_state
        self.go_backwards = go_backwards
        self.time_major = time_major
        self.unroll = unroll
        self._input_ndim = (3, None)

    def build(self, input_shape):
        step_shape = (input_shape[1],) + tuple(input_shape[2:]) if self.time_major else \
            (input_shape[0],) + tuple(input_shape[2:])
        graph = get_default_graph()
        with graph.name_scope(self.cell.name) as scope:
            self.cell._name_scope = scope
            self.cell.build(step_shape)
            self.cell.built = True
            self.cell._name_scope = None
        self.built = True

    def call(self, inputs, mask=None, training=None, initial_state=None):
        x = inputs if not self.time_major else _array.transpose(inputs, [1, 0, 2])
        if self.go_backwards:
            x = _array.reverse(x, [1])
        step = _StepCell(self.cell)
        if initial_state is None:
            batch = _array.shape(x)[0]
            state = step.zero_state(batch, x.dtype)
        else:
            init = flatten(initial_state)
            state = tuple(init) if len(init) > 1 else init[0]
        outputs, final = dynamic_rnn(step, x, initial_state=state, scope="rnn")
        states = list(final) if isinstance(final, tuple) else [final]
        if self.return_sequences:
            output = outputs if not self.time_major else _array.transpose(outputs, [1, 0, 2])
        else:
            output = states[0] if isinstance(self.cell, (LSTMCell, GRUCell, SimpleRNNCell)) \
                else outputs[:, -1]
        if self.return_state:
            return [output] + states
        return output

    def __call__(self, inputs, *args, **kwargs):
        # Keras's `layer([x, h0, c0])` form: the states follow the inputs.
        if isinstance(inputs, (list, tuple)) and len(inputs) > 1 and \
                "initial_state" not in kwargs:
            inputs, kwargs["initial_state"] = inputs[0], list(inputs[1:])
        return super().__call__(inputs, *args, **kwargs)

    @property
    def trainable_weights(self):
        return self.cell.trainable_weights if self.trainable else []

    @property
    def non_trainable_weights(self):
        return self.cell.non_trainable_weights if self.trainable else self.cell.weights

    @property
    def weights(self):
        return self.cell.weights

    @property
    def losses(self):
        return self.cell.losses + list(self._losses)

    def compute_output_shape(self, input_shape):
        batch, steps = (input_shape[1], input_shape[0]) if self.time_major else \
            (input_shape[0], input_shape[1])
        out = (batch, steps, self.cell.units) if self.return_sequences else \
            (batch, self.cell.units)
        if self.return_state:
            return [out] + [(batch, s) for s in flatten(self.cell.state_size)]
        return out

    def _clone_kwargs(self):
        return dict(self._layer_kwargs, return_sequences=self.return_sequences,
                    return_state=self.return_state, go_backwards=self.go_backwards,
                    time_major=self.time_major)

    def get_config(self):
        config = super().get_config()
        config.update({"return_sequences": self.return_sequences,
                       "return_state": self.return_state, "go_backwards": self.go_backwards,
                       "units": self.cell.units})
        return config


def _split_kwargs(kwargs):
    layer_keys = {"name", "trainable", "dtype", "input_shape", "batch_input_shape",
                  "batch_size", "weights", "activity_regularizer", "input_dim"}
    layer = {k: v for k, v in kwargs.items() if k in layer_keys}
    cell = {k: v for k, v in kwargs.items() if k not in layer_keys}
    return layer, cell


class _KerasRNN(RNN):
    _cell_class = None
    _cell_name = None

    def __init__(self, units, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, time_major=False, **kwargs):
        kwargs.pop("implementation", None)
        layer_kwargs, cell_kwargs = _split_kwargs(kwargs)
        self._layer_kwargs = dict(units=units, **cell_kwargs)
        cell = self._cell_class(units, name=self._cell_name, dtype=kwargs.get("dtype"),
                                trainable=kwargs.get("trainable", True), **cell_kwargs)
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, unroll=unroll,
                         time_major=time_major, **layer_kwargs)

    units = property(lambda self: self.cell.units)


class SimpleRNN(_KerasRNN):
    """Fully-connected RNN where the output is to be fed back to input."""
    _cell_class, _cell_name = SimpleRNNCell, "simple_rnn_cell"


class LSTM(_KerasRNN):
    """Long Short-Term Memory layer - Hochreiter 1997 (TF-Keras 2's
    equations and weight layout; recurrent activation sigmoid)."""
    _cell_class, _cell_name = LSTMCell, "lstm_cell"


class GRU(_KerasRNN):
    """Gated Recurrent Unit - Cho et al. 2014 (`reset_after=True`)."""
    _cell_class, _cell_name = GRUCell, "gru_cell"
