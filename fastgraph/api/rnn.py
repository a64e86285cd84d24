"""TF1's recurrent networks (`tf.compat.v1.nn`): `dynamic_rnn`,
`bidirectional_dynamic_rnn`, `static_rnn`, `static_bidirectional_rnn`,
and the cells as `tf.nn.rnn_cell`.

`dynamic_rnn` is TF's: one `while_loop` over the time steps (a C loop),
reading each step's input from a TensorArray and writing the output to
another; with `sequence_length`, the outputs past a sequence's length are
zeros and its state is copied through, as TF's `_rnn_step` does.
"""

from types import SimpleNamespace

from ..framework import dtypes
from ..framework.constant_op import constant, convert_to_tensor
from ..framework.graph import Tensor, get_default_graph
from ..framework.tensor_shape import TensorShape
from ..ops.array_ops import concat, identity, reshape, reverse, shape, stack, transpose, unstack
from ..ops.control_flow_ops import while_loop
from ..ops.elementwise import cast, greater_equal, less, maximum, minimum, subtract
from ..ops.indexing_ops import gather_nd, range as _range, where, zeros, zeros_like
from ..ops.reduction_ops import reduce_max
from . import rnn_cell_impl
from .rnn_cell_impl import _flatten, _pack_as, assert_like_rnncell
from .tensor_array_ops import TensorArray
from .variable_scope import variable_scope

__all__ = []

rnn_cell = SimpleNamespace(**{n: getattr(rnn_cell_impl, n) for n in rnn_cell_impl.RNN_CELL})
"""TF1's `tf.nn.rnn_cell`: the RNN cells and their wrappers."""

NN = ["dynamic_rnn", "bidirectional_dynamic_rnn", "static_rnn", "static_bidirectional_rnn",
      "rnn_cell"]


def _transpose_batch_time(x):
    """Transposes the batch and time dimensions of a Tensor (rank >= 2)."""
    rank = x.shape.rank
    if rank is not None and rank < 2:
        return x
    if rank is None:
        raise ValueError(f"Expected input tensor {x} to have rank at least 2")
    out = transpose(x, [1, 0] + list(range(2, rank)))
    dims = x.shape.as_tuple()
    out.set_shape([dims[1], dims[0]] + list(dims[2:]))
    return out


def _best_effort_input_batch_size(flat_input):
    """The batch size (dim 1 of a time-major input): static if any input
    knows it, else a tensor."""
    for x in flat_input:
        dims = x.shape.as_tuple()
        if dims is None:
            continue
        if len(dims) < 2:
            raise ValueError(f"Input tensor should have rank >= 2, received: {x.shape}")
        if dims[1] is not None:
            return dims[1]
    return shape(flat_input[0])[1]


def _infer_state_dtype(explicit_dtype, state):
    if explicit_dtype is not None:
        return dtypes.as_dtype(explicit_dtype)
    flat = _flatten(state)
    if not flat:
        raise ValueError("Unable to infer dtype from argument state={state}.")
    inferred = {s.dtype for s in flat}
    if len(inferred) > 1:
        raise ValueError(f"Unable to infer the dtype of the state: found {sorted(inferred)}.")
    return flat[0].dtype


def _concat(prefix, suffix, static=False):
    """[prefix] + suffix dims, as a list of ints (static) or a shape tensor."""
    dims = rnn_cell_impl._state_dims(suffix)
    if static:
        return [prefix if not isinstance(prefix, Tensor) else None] + dims
    return [prefix] + dims


def _zeros(dims, dtype):
    if all(isinstance(d, int) for d in dims):
        return zeros(dims, dtype)
    out = zeros(stack([convert_to_tensor(d, dtype=dtypes.int32) for d in dims]), dtype)
    out.set_shape([d if isinstance(d, int) else None for d in dims])
    return out


def _rows(cond, like):
    """A [batch] condition shaped to select rows of `like`."""
    rank = like.shape.rank
    return reshape(cond, [-1] + [1] * (rank - 1)) if rank and rank > 1 else cond


def _rnn_step(time, sequence_length, zero_output, state, call_cell):
    """One time step with TF's sequence_length rule: past a batch entry's
    length its output is zero and its state is copied through."""
    flat_state = _flatten(state)
    flat_zero_output = _flatten(zero_output)
    copy_cond = greater_equal(time, sequence_length)

    def copy_one_through(output, new_output):
        if output.shape.rank == 0:
            return new_output
        return where(_rows(copy_cond, new_output), output, new_output)

    new_output, new_state = call_cell()
    flat_new_output = _flatten(new_output)
    flat_new_state = _flatten(new_state)
    final_output = [copy_one_through(z, o) for z, o in zip(flat_zero_output, flat_new_output)]
    final_state = [copy_one_through(s, n) for s, n in zip(flat_state, flat_new_state)]
    for out, z in zip(final_output, flat_zero_output):
        out.set_shape(z.shape)
    for sub, s in zip(final_state, flat_state):
        sub.set_shape(s.shape)
    return _pack_as(zero_output, final_output), _pack_as(state, final_state)


def _dynamic_rnn_loop(cell, inputs, initial_state, parallel_iterations, swap_memory,
                      sequence_length=None, dtype=None):
    state = initial_state
    flat_input = _flatten(inputs)
    flat_output_size = _flatten(cell.output_size) if not isinstance(
        cell.output_size, TensorShape) else [cell.output_size]
    time_steps = shape(flat_input[0])[0]
    batch_size = _best_effort_input_batch_size(flat_input)
    got_shapes = []
    for x in flat_input:
        dims = x.shape.as_tuple()
        if dims is None or len(dims) < 3:
            raise ValueError(f"Shape {x.shape} must have rank at least 3")
        got_shapes.append(dims)
    const_time_steps, const_batch_size = got_shapes[0][:2]
    for x, dims in zip(flat_input, got_shapes):
        if None in dims[2:]:
            raise ValueError("Input size (depth of inputs) must be accessible via shape "
                             f"inference, but saw value None for input={x}.")
        if dims[0] != const_time_steps:
            raise ValueError("Time steps is not the same for all the elements in the input in "
                             f"a batch. Received time steps={dims[0]} for input={x}.")
        if dims[1] != const_batch_size:
            raise ValueError("Batch_size is not the same for all the elements in the input. "
                             f"Received batch size={dims[1]} for input={x}.")
    state_dtype = _infer_state_dtype(dtype, state)
    zero_output = _pack_as(cell.output_size, [
        _zeros(_concat(batch_size, size), state_dtype) for size in flat_output_size])
    if sequence_length is not None:
        max_sequence_length = reduce_max(sequence_length)
    else:
        max_sequence_length = time_steps
    time = constant(0, dtype=dtypes.int32, name="time")
    graph = get_default_graph()
    with graph.name_scope("dynamic_rnn") as scope:
        base_name = scope
    output_ta = tuple(
        TensorArray._with_dims(state_dtype, time_steps,
                               _concat(batch_size, size), base_name + "output_%d" % i)
        for i, size in enumerate(flat_output_size))
    input_ta = tuple(
        TensorArray(dtype=x.dtype, size=time_steps, element_shape=x.shape[1:],
                    tensor_array_name=base_name + "input_%d" % i).unstack(x)
        for i, x in enumerate(flat_input))

    def time_step(time, output_ta_t, state):
        input_t = tuple(ta.read(time) for ta in input_ta)
        for x, dims in zip(input_t, got_shapes):
            x.set_shape(dims[1:])
        input_t = _pack_as(inputs, list(input_t))

        def call_cell():
            rnn_cell_impl._STEPS.append((time, time_steps, batch_size))
            try:
                return cell(input_t, state)
            finally:
                rnn_cell_impl._STEPS.pop()
        if sequence_length is not None:
            output, new_state = _rnn_step(time, sequence_length, zero_output, state, call_cell)
        else:
            output, new_state = call_cell()
        output = _flatten(output)
        output_ta_t = tuple(ta.write(time, out) for ta, out in zip(output_ta_t, output))
        return (time + 1, output_ta_t, new_state)

    loop_bound = minimum(time_steps, maximum(1, max_sequence_length))
    _, output_final_ta, final_state = while_loop(
        cond=lambda time, *_: less(time, loop_bound), body=time_step,
        loop_vars=(time, output_ta, state), parallel_iterations=parallel_iterations,
        maximum_iterations=time_steps, swap_memory=swap_memory)
    final_outputs = tuple(ta.stack() for ta in output_final_ta)
    for output, size in zip(final_outputs, flat_output_size):
        output.set_shape([const_time_steps] + _concat(const_batch_size, size, static=True))
    return _pack_as(cell.output_size, list(final_outputs)), final_state


def dynamic_rnn(cell, inputs, sequence_length=None, initial_state=None, dtype=None,
                parallel_iterations=None, swap_memory=False, time_major=False, scope=None):
    """Creates a recurrent neural network specified by RNNCell `cell`.

    Performs fully dynamic unrolling of `inputs` (a `[batch_size,
    max_time, ...]` tensor, or `[max_time, batch_size, ...]` when
    `time_major`, or a nested tuple of such). `sequence_length` (an int32
    vector of size `[batch_size]`) stops each sequence at its length: its
    outputs past it are zero and its final state is the one at its length.
    `initial_state` defaults to the cell's zero state (then `dtype` is
    required). Variables are made in the variable scope `scope` (default
    "rnn").

    Returns:
      A pair (outputs, state): outputs `[batch_size, max_time,
      cell.output_size]` (time-major when `time_major`), and the final
      state.
    """
    assert_like_rnncell("cell", cell)
    with variable_scope(scope or "rnn"):
        flat_input = [convert_to_tensor(x) for x in _flatten(inputs)]
        if not time_major:
            flat_input = [_transpose_batch_time(x) for x in flat_input]
        parallel_iterations = parallel_iterations or 32
        if sequence_length is not None:
            sequence_length = cast(sequence_length, dtypes.int32)
            if sequence_length.shape.rank not in (None, 1):
                raise ValueError("Argument sequence_length must be a vector of length "
                                 f"batch_size. Received sequence_length={sequence_length} of "
                                 f"shape: {sequence_length.shape}")
            sequence_length = identity(sequence_length, name="sequence_length")
        batch_size = _best_effort_input_batch_size(flat_input)
        if initial_state is not None:
            state = initial_state
        else:
            if not dtype:
                raise ValueError("If no initial_state is provided, argument `dtype` must be "
                                 "specified")
            if getattr(cell, "get_initial_state", None) is not None:
                state = cell.get_initial_state(inputs=None, batch_size=batch_size, dtype=dtype)
            else:
                state = cell.zero_state(batch_size, dtype)
        inputs = _pack_as(inputs, flat_input)
        outputs, final_state = _dynamic_rnn_loop(
            cell, inputs, state, parallel_iterations=parallel_iterations,
            swap_memory=swap_memory, sequence_length=sequence_length, dtype=dtype)
        if not time_major:
            outputs = _pack_as(outputs, [_transpose_batch_time(x) for x in _flatten(outputs)])
        return outputs, final_state


def _reverse_sequence(x, seq_lengths, seq_axis, batch_axis):
    """TF's reverse_sequence for seq_axis/batch_axis 0 and 1: entry b's
    first seq_lengths[b] steps reversed, the rest left in place."""
    if {seq_axis, batch_axis} != {0, 1}:
        raise NotImplementedError("fastgraph's reverse_sequence takes the time and batch axes "
                                  "0 and 1")
    bt = x if batch_axis == 0 else _transpose_batch_time(x)
    dims = shape(bt)
    lengths = reshape(cast(seq_lengths, dtypes.int32), [-1, 1])
    t = reshape(_range(0, dims[1]), [1, -1])
    src = where(less(t, lengths), subtract(subtract(lengths, 1), t), t + zeros_like(lengths))
    b = reshape(_range(0, dims[0]), [-1, 1]) + zeros_like(src)
    out = gather_nd(bt, stack([b, src], axis=2))
    out.set_shape(bt.shape)
    return out if batch_axis == 0 else _transpose_batch_time(out)


def _reverse(x, seq_lengths, seq_axis, batch_axis):
    if seq_lengths is not None:
        return _reverse_sequence(x, seq_lengths, seq_axis, batch_axis)
    return reverse(x, axis=[seq_axis])


def bidirectional_dynamic_rnn(cell_fw, cell_bw, inputs, sequence_length=None,
                              initial_state_fw=None, initial_state_bw=None, dtype=None,
                              parallel_iterations=None, swap_memory=False, time_major=False,
                              scope=None):
    """Creates a dynamic version of bidirectional recurrent neural network.

    Takes input and builds independent forward and backward RNNs (in the
    variable scopes `<scope>/fw` and `<scope>/bw`, scope default
    "bidirectional_rnn"). The backward RNN reads each sequence reversed
    within its `sequence_length`, and its outputs are reversed back.

    Returns:
      A tuple (outputs, output_states): outputs (output_fw, output_bw) and
      output_states (output_state_fw, output_state_bw).
    """
    assert_like_rnncell("cell_fw", cell_fw)
    assert_like_rnncell("cell_bw", cell_bw)
    with variable_scope(scope or "bidirectional_rnn"):
        with variable_scope("fw") as fw_scope:
            output_fw, output_state_fw = dynamic_rnn(
                cell=cell_fw, inputs=inputs, sequence_length=sequence_length,
                initial_state=initial_state_fw, dtype=dtype,
                parallel_iterations=parallel_iterations, swap_memory=swap_memory,
                time_major=time_major, scope=fw_scope)
        time_axis, batch_axis = (0, 1) if time_major else (1, 0)
        with variable_scope("bw") as bw_scope:
            inputs_reverse = _pack_as(inputs, [
                _reverse(convert_to_tensor(x), sequence_length, time_axis, batch_axis)
                for x in _flatten(inputs)])
            tmp, output_state_bw = dynamic_rnn(
                cell=cell_bw, inputs=inputs_reverse, sequence_length=sequence_length,
                initial_state=initial_state_bw, dtype=dtype,
                parallel_iterations=parallel_iterations, swap_memory=swap_memory,
                time_major=time_major, scope=bw_scope)
    output_bw = _reverse(tmp, sequence_length, time_axis, batch_axis)
    return (output_fw, output_bw), (output_state_fw, output_state_bw)


def static_rnn(cell, inputs, initial_state=None, dtype=None, sequence_length=None, scope=None):
    """Creates a recurrent neural network specified by RNNCell `cell`.

    The simplest form of RNN network generated is:
    ```python
      state = cell.zero_state(...)
      outputs = []
      for input_ in inputs:
        output, state = cell(input_, state)
        outputs.append(output)
      return (outputs, state)
    ```
    `inputs` is a list of `[batch_size, input_size]` tensors (or nested
    tuples of them). With `sequence_length`, outputs past an entry's length
    are zero and its state is copied through.

    Returns:
      A pair (outputs, state): the list of outputs, one per input, and the
      final state.
    """
    assert_like_rnncell("cell", cell)
    if not isinstance(inputs, (list, tuple)):
        raise TypeError("inputs must be a sequence")
    if not inputs:
        raise ValueError("inputs must not be empty")
    outputs = []
    with variable_scope(scope or "rnn") as varscope:
        first_input = inputs
        while isinstance(first_input, (list, tuple)):
            first_input = first_input[0]
        first_input = convert_to_tensor(first_input)
        dims = first_input.shape.as_tuple()
        if dims is None or len(dims) < 1:
            raise ValueError("Expected inputs of rank >= 1")
        batch_size = dims[0] if dims[0] is not None else shape(first_input)[0]
        if initial_state is not None:
            state = initial_state
        else:
            if not dtype:
                raise ValueError("If no initial_state is provided, dtype must be specified")
            if getattr(cell, "get_initial_state", None) is not None:
                state = cell.get_initial_state(inputs=None, batch_size=batch_size, dtype=dtype)
            else:
                state = cell.zero_state(batch_size, dtype)
        if sequence_length is not None:
            sequence_length = cast(sequence_length, dtypes.int32)
            if sequence_length.shape.rank not in (None, 1):
                raise ValueError("sequence_length must be a vector of length batch_size")
            sequence_length = identity(sequence_length, name="sequence_length")
            flat_output_size = _flatten(cell.output_size)
            state_dtype = _infer_state_dtype(dtype, state)
            zero_output = _pack_as(cell.output_size, [
                _zeros(_concat(batch_size, size), state_dtype) for size in flat_output_size])
            for z, size in zip(_flatten(zero_output), flat_output_size):
                z.set_shape(_concat(dims[0], size, static=True))
        for time, input_ in enumerate(inputs):
            if time > 0:
                varscope.reuse_variables()

            def call_cell(input_=input_, state=state):
                return cell(input_, state)
            if sequence_length is not None:
                output, state = _rnn_step(time, sequence_length, zero_output, state, call_cell)
            else:
                output, state = call_cell()
            outputs.append(output)
        return outputs, state


def _reverse_seq(input_seq, lengths):
    """The list `input_seq` reversed in time within each entry's length."""
    if lengths is None:
        return list(reversed(input_seq))
    flat_seqs = [_flatten(x) for x in input_seq]
    flat_results = [[] for _ in input_seq]
    for sequence in zip(*flat_seqs):
        s = stack([convert_to_tensor(x) for x in sequence])
        r = _reverse_sequence(s, lengths, seq_axis=0, batch_axis=1)
        for t, piece in enumerate(unstack(r)):
            piece.set_shape(sequence[t].shape)
            flat_results[t].append(piece)
    return [_pack_as(x, r) for x, r in zip(input_seq, flat_results)]


def static_bidirectional_rnn(cell_fw, cell_bw, inputs, initial_state_fw=None,
                             initial_state_bw=None, dtype=None, sequence_length=None, scope=None):
    """Creates a bidirectional recurrent neural network from lists of inputs.

    Similar to the unidirectional case (static_rnn) but takes input and
    builds independent forward and backward RNNs (scopes `<scope>/fw` and
    `<scope>/bw`, scope default "bidirectional_rnn") with the final forward
    and backward outputs depth-concatenated.

    Returns:
      A tuple (outputs, output_state_fw, output_state_bw).
    """
    assert_like_rnncell("cell_fw", cell_fw)
    assert_like_rnncell("cell_bw", cell_bw)
    if not isinstance(inputs, (list, tuple)):
        raise TypeError("inputs must be a sequence")
    if not inputs:
        raise ValueError("inputs must not be empty")
    with variable_scope(scope or "bidirectional_rnn"):
        with variable_scope("fw") as fw_scope:
            output_fw, output_state_fw = static_rnn(cell_fw, inputs, initial_state_fw, dtype,
                                                    sequence_length, scope=fw_scope)
        with variable_scope("bw") as bw_scope:
            reversed_inputs = _reverse_seq(inputs, sequence_length)
            tmp, output_state_bw = static_rnn(cell_bw, reversed_inputs, initial_state_bw, dtype,
                                              sequence_length, scope=bw_scope)
    output_bw = _reverse_seq(tmp, sequence_length)
    outputs = [_pack_as(fw, [concat([a, b], 1) for a, b in zip(_flatten(fw), _flatten(bw))])
               for fw, bw in zip(output_fw, output_bw)]
    return outputs, output_state_fw, output_state_bw


