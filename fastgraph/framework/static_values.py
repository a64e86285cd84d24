"""Static values: what is known of a tensor's value before anything runs.

One folding rule serves the op functions while the graph is built (a
`perm` or `axis` given as a tensor must be known then) and the compiler
while it plans a run (ops whose inputs are all known become constants).
Each has its own limit on the elements one fold may make, as they guard
different costs.
"""

import numpy as np

from .op_registry import InferenceContext

__all__ = ["BUILD_FOLD_LIMIT", "FOLD_LIMIT", "constant_value", "fold", "static_value"]

# Folds while the graph is built are recomputed by every op function that
# asks (nothing is kept between calls), so each must stay cheap: graph
# building must not become slow or memory-heavy for a static argument.
BUILD_FOLD_LIMIT = 1 << 16

# A fold at compile time runs once per plan and its result is held by the
# plan as a constant in place of a kernel: beyond this many elements it
# would bloat the plan more than it saves.
FOLD_LIMIT = 1 << 20

# How far back through the graph a build-time value is looked for.
_BUILD_DEPTH = 32


def constant_value(tensor):
    """The value of `tensor` as a NumPy array if it is a constant, else None
    (cheap: what shape functions see of their inputs at build time)."""
    op = tensor.op
    if op.type == "Const":
        return op._attrs["value"]
    return None


def static_value(tensor):
    """`tensor`'s value if it follows from constants and static shapes, else
    None (each fold up to BUILD_FOLD_LIMIT elements)."""
    return _static_value(tensor, 0)


def _static_value(tensor, depth):
    op = tensor.op
    if op.type == "Const":
        return op._attrs["value"]
    if depth > _BUILD_DEPTH or op.opdef.stateful or op.type == "Placeholder":
        return None
    values = [_static_value(t, depth + 1) for t in op._inputs]
    ctx = InferenceContext(None, [t.shape.as_tuple() for t in op._inputs],
                           [t.dtype for t in op._inputs], values, op._attrs)
    folded = fold(op, ctx, [t.shape.as_tuple() for t in op._outputs], BUILD_FOLD_LIMIT)
    return None if folded is None else folded[tensor.value_index]


def fold(op, ctx, out_shapes, limit):
    """The values of `op`'s outputs if they follow from what `ctx` knows (its
    input values, shapes and attrs), else None.

    An op's own `fold` (a value from shapes alone, like Shape's) comes first;
    otherwise a stateless op whose inputs are all known runs its NumPy
    reference, when its outputs have at most `limit` elements together
    (`out_shapes`: their shapes, None or None dims when unknown). A reference
    that raises folds nothing: the kernel reports the error at run time.
    """
    opdef = op._opdef
    if opdef.stateful or not op._outputs:
        return None
    if opdef.fold is not None:
        folded = opdef.fold(ctx)
        if folded is not None:
            return [np.asarray(v, order="C") for v in folded]
    if op.type == "Const":
        return [op._attrs["value"]]
    if opdef.reference is None or any(v is None for v in ctx.values):
        return None
    total = 0
    for shape in out_shapes:
        if shape is None or any(d is None for d in shape):
            return None
        total += int(np.prod(shape, dtype=np.int64))
    if total > limit:
        return None
    try:
        result = opdef.reference(list(ctx.values), ctx.attrs)
        return [np.asarray(r, dtype=t.dtype.np_dtype, order="C")
                for r, t in zip(result, op._outputs)]
    except Exception:  # noqa: BLE001 - the kernel reports the error at run time
        return None
