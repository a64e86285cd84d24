"""What a compiled plan is made of: values, steps and the plan itself."""

import numpy as np

__all__ = ["ARENA", "FEED", "CONST", "VAR", "Value", "Step", "Plan"]

ARENA, FEED, CONST, VAR = "arena", "feed", "const", "var"


class Value:
    """One dense value the C core sees: shape, dtype and where its bytes are.

    `kind` is ARENA (key: buffer id), FEED (key: feed slot), CONST (key:
    index into Plan.consts) or VAR (key: index into Plan.variables).
    """

    __slots__ = ("index", "shape", "dtype", "kind", "key", "tensor")

    def __init__(self, index, shape, dtype, kind, key, tensor):
        self.index = index
        self.shape = tuple(shape)
        self.dtype = dtype
        self.kind = kind
        self.key = key
        self.tensor = tensor

    @property
    def size(self):
        """Number of elements."""
        return int(np.prod(self.shape, dtype=np.int64))

    @property
    def nbytes(self):
        """Bytes of the value."""
        return self.size * self.dtype.size

    def __repr__(self):
        return f"Value({self.index}, {self.shape}, {self.dtype.name}, {self.kind}:{self.key})"


class Step:
    """One kernel call: `kernel` (a C kernel name) reads values `inputs` and
    writes `outputs`; `var` indexes Plan.variables for state kernels, whose
    lock the executor holds around the step when it is `exclusive`."""

    __slots__ = ("kernel", "inputs", "outputs", "iattrs", "fattrs", "var", "op", "nparts",
                 "exclusive")

    def __init__(self, kernel, inputs, outputs, iattrs, fattrs, var, op, nparts=1,
                 exclusive=False):
        self.kernel = kernel
        self.inputs = list(inputs)
        self.outputs = list(outputs)
        self.iattrs = [int(v) for v in (iattrs or ())]
        self.fattrs = [float(v) for v in (fattrs or ())]
        self.var = var
        self.op = op
        self.nparts = nparts
        self.exclusive = bool(exclusive) and var is not None

    def __repr__(self):
        return f"Step({self.kernel}, in={self.inputs}, out={self.outputs}, op={self.op.name})"


class Plan:
    """A compiled run: values, steps, feeds, fetches, constants, variables and
    the memory plan of the arena.

    feeds[k] is (tensor, [value indices bound to feed k]); fetch_values[i]
    is the value index of fetch i; variables[j] is the op owning session
    buffer j (a VariableV2, or an op with per-session state).

    Fetched results are not in the arena: each run allocates one new array
    per outputs[k] = (value index giving its shape, [value indices bound to
    it]), the kernels write into it, and it is handed to the user as is.
    fetch_output[i] is the output fetch i returns, or -1 when fetch i is
    copied out (constants, feeds, variables, a second fetch of one output).

    value_feeds lists (feed slot, value) for the feeds whose values the
    plan was compiled for (a fed shape of `tf.fill`): it is right only for
    runs that feed those values.
    """

    def __init__(self, values, steps, feeds, fetch_values, consts, variables, memory,
                 outputs=(), fetch_output=None):
        self.values = values
        self.steps = steps
        self.feeds = feeds
        self.fetch_values = fetch_values
        self.consts = consts
        self.variables = variables
        self.memory = memory
        self.outputs = list(outputs)
        self.fetch_output = list(fetch_output) if fetch_output is not None \
            else [-1] * len(fetch_values)
        self.value_feeds = []

    @property
    def arena_bytes(self):
        """Bytes of the arena this plan needs."""
        return self.memory.arena_bytes

    def kernels(self):
        """The kernel names of the steps, in order."""
        return [s.kernel for s in self.steps]

    def __repr__(self):
        return (f"<Plan {len(self.steps)} steps, {len(self.values)} values, "
                f"{self.memory.report()}>")
