"""What a Plan is made of: the values the C core sees and the steps
(kernel calls) over them."""

import numpy as np

__all__ = ["ARENA", "FEED", "CONST", "VAR", "Value", "Step"]

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
    lock the executor holds around the step when it is `exclusive`.
    `nested` holds the sub-plans of a control-flow step (compiler/nested.py).
    `fused` lists, in order, the graph ops a step fused from several
    computes (empty for a step of one op); run traces and plan pictures
    name them all."""

    __slots__ = ("kernel", "inputs", "outputs", "iattrs", "fattrs", "var", "op", "nparts",
                 "exclusive", "nested", "fused")

    def __init__(self, kernel, inputs, outputs, iattrs, fattrs, var, op, nparts=1,
                 exclusive=False, nested=None, fused=()):
        self.kernel = kernel
        self.inputs = list(inputs)
        self.outputs = list(outputs)
        self.iattrs = [int(v) for v in (iattrs or ())]
        self.fattrs = [float(v) for v in (fattrs or ())]
        self.var = var
        self.op = op
        self.nparts = nparts
        self.exclusive = bool(exclusive) and var is not None
        self.nested = nested
        self.fused = tuple(fused)

    @property
    def ops(self):
        """The graph ops this step computes, in order."""
        return self.fused or (self.op,)

    def __repr__(self):
        return f"Step({self.kernel}, in={self.inputs}, out={self.outputs}, op={self.op.name})"
