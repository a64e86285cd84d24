"""The values traced functions hold for variables (TF2's variables, which
have a value outside any session).

A variable a traced function uses gets one `VariableBuffer`, its held
value, kept on the Variable (`_held`): every session of a traced graph
that reads or writes the variable binds that graph's VariableV2 op to this
buffer, so assigns in one call are seen by the next call and by every other
traced function using the variable. The buffer is freed with the Variable
(no session owns it). TF1 sessions keep their own values: a TF1 program
that never calls a traced function never gets a held value.
"""

from .._native.runtime import VariableBuffer
from ..ops import state_ops
from ..session import Session

__all__ = ["BoundSession", "held_buffer", "held_value", "initialize_held"]


class BoundSession(Session):
    """A Session whose VariableV2 ops named by `bind` use held buffers
    instead of buffers of its own (which `close()` would free)."""

    def __init__(self, graph):
        super().__init__(graph=graph)
        self._bound = {}  # id(VariableV2 op) -> (op, VariableBuffer)

    def bind(self, op, buffer):
        """Reads and writes of `op` in this session use `buffer`."""
        self._bound[id(op)] = (op, buffer)

    def _variable_buffer(self, op):
        bound = self._bound.get(id(op))
        if bound is not None:
            return bound[1]
        return super()._variable_buffer(op)


class _Held:
    __slots__ = ("buffer", "reader")

    def __init__(self, buffer):
        self.buffer = buffer
        self.reader = None  # a BoundSession on the variable's graph, for numpy()


def held_buffer(variable):
    """The held VariableBuffer of `variable`, made (uninitialized) on first use."""
    held = getattr(variable, "_held", None)
    if held is None:
        op = variable.op
        held = variable._held = _Held(VariableBuffer(op.get_attr("dtype"), op.get_attr("shape"),
                                                      op.name))
    return held.buffer


def _reader(variable):
    held_buffer(variable)
    held = variable._held
    if held.reader is None:
        held.reader = BoundSession(variable.graph)
        held.reader.bind(variable.op, held.buffer)
    return held.reader


def initialize_held(variable, feed_dict=None):
    """Runs the variable's initializer into its held buffer, unless an
    earlier run or assign already wrote it."""
    buf = held_buffer(variable)
    if not buf.initialized:
        _reader(variable).run(variable.initializer, feed_dict)


def held_value(variable):
    """The held value of `variable` as a NumPy array (its TF1 initial value
    when no traced function has used it yet)."""
    initialize_held(variable)
    return _reader(variable).run(variable.op.outputs[0])


state_ops.held_value = held_value
