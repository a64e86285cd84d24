"""NumPy broadcasting for shapes with unknown dims, and its lowering to the
(shape, strides) form that the C broadcast walker reads."""

from ..framework.tensor_shape import debug_string as _fmt

__all__ = ["broadcast_shapes", "lower_broadcast"]


def broadcast_shapes(shapes, op_desc="op"):
    """The broadcast of `shapes` (tuples; None dims unknown, None rank unknown).

    Raises ValueError with TF's wording when two known dims differ and neither is 1.
    """
    if any(s is None for s in shapes):
        return None
    rank = max((len(s) for s in shapes), default=0)
    out = []
    for i in range(rank):
        dims = [s[len(s) - rank + i] for s in shapes if len(s) - rank + i >= 0]
        known = {d for d in dims if d is not None and d != 1}
        if len(known) > 1:
            a, b = sorted(known)[:2]
            raise ValueError(
                f"Dimensions must be equal, but are {a} and {b} for {op_desc} with input "
                f"shapes: {', '.join(_fmt(s) for s in shapes)}.")
        if known:
            out.append(known.pop())
        elif any(d is None for d in dims):
            out.append(None)
        else:
            out.append(1)
    return tuple(out)


def lower_broadcast(out_shape, in_shapes):
    """iattrs for the C walker: [ndim, shape..., strides of each input...].

    Dims of size 1 are dropped and neighbours that every input walks
    contiguously (or not at all) are merged, so `x + y` on equal shapes is
    one flat row whatever the rank.
    """
    rank = len(out_shape)
    strides = []
    for s in in_shapes:
        padded = (1,) * (rank - len(s)) + tuple(s)
        st = [0] * rank
        acc = 1
        for d in range(rank - 1, -1, -1):
            st[d] = 0 if padded[d] == 1 else acc
            acc *= padded[d]
        strides.append(st)
    dims = [d for d in range(rank) if out_shape[d] != 1]
    shape = [out_shape[d] for d in dims]
    strides = [[st[d] for d in dims] for st in strides]
    if not shape:
        shape, strides = [1], [[0] for _ in in_shapes]
    # Merge dim i into dim i+1 when every input steps through both as one.
    i = len(shape) - 2
    while i >= 0:
        if all(st[i] == st[i + 1] * shape[i + 1] for st in strides):
            shape[i + 1] *= shape[i]
            for st in strides:
                del st[i]
            del shape[i]
        i -= 1
    out = [len(shape)] + shape
    for st in strides:
        out += st
    return out
