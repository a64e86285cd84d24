"""Ops that reorder elements along axes: Roll (tf.roll) and ReverseSequence
(tf.reverse_sequence), each its own gradient (a roll back; the same
prefixes reversed again).

They are host ops (NumPy, between C plans), so their shifts, axes and
sequence lengths may be fed.
"""

import numpy as np

from ..framework import dtypes, errors
from ..framework.dtype_sets import WITH_STRING
from ..framework.graphdef_mapping import Attr, NodeMapping, TypeAttr
from ..framework.op_registry import Accepts, OpDef, RegisterGradient, register
from . import samples
from .arguments import graph_of, make_op, to_tensor
from .elementwise import negative

__all__ = ["roll", "reverse_sequence"]

_INDEX_TYPES = (dtypes.int32, dtypes.int64)


def _invalid(message):
    return errors.InvalidArgumentError(None, None, message)


def _host(reference):
    def host(ctx, op, values):
        return reference(values, op.attrs)
    return host


# ---- Roll ------------------------------------------------------------------------

def roll_value(inputs, attrs=None):
    """NumPy Roll: elements shifted by `shift` along `axis` (each a scalar or
    a vector of one length; shifts of one axis add up), wrapping around."""
    x, shift, axis = (np.asarray(v) for v in inputs)
    if x.ndim < 1:
        raise _invalid("input must be 1-D or higher")
    if shift.ndim > 1:
        raise _invalid("shift must be a scalar or a 1-D vector. Found: " +
                       f"[{','.join(str(d) for d in shift.shape)}]")
    if axis.ndim > 1:
        raise _invalid("axis must be a scalar or a 1-D vector. Found: " +
                       f"[{','.join(str(d) for d in axis.shape)}]")
    if shift.shape != axis.shape:
        raise _invalid(f"shift and axis must have the same size")
    total = [0] * x.ndim
    for s, a in zip(shift.reshape(-1), axis.reshape(-1)):
        a = int(a)
        if not -x.ndim <= a < x.ndim:
            raise _invalid(f"axis {a} is out of range")
        total[a % x.ndim] += int(s)
    axes = [d for d in range(x.ndim) if total[d] and x.shape[d]]
    if not axes:
        return [x.copy()]
    return [np.roll(x, [total[d] % x.shape[d] for d in axes], axes)]


def _roll_shape(ctx):
    x, shift, axis = ctx.shapes
    if x is not None and len(x) < 1:
        raise ValueError("Shape must be at least rank 1 but is rank 0")
    for s in (shift, axis):
        if s is not None and len(s) > 1:
            raise ValueError(f"Shape must be at most rank 1 but is rank {len(s)}")
    if shift is not None and axis is not None and len(shift) == len(axis) == 1 and \
            None not in (shift[0], axis[0]) and shift[0] != axis[0]:
        raise ValueError(f"Dimension 0 in both shapes must be equal, but are {shift[0]} and "
                         f"{axis[0]}. Shapes are [{shift[0]}] and [{axis[0]}].")
    return [x]


def _roll_samples(dtype):
    cases = [((5,), 2, 0), ((3, 4), [1, -2], [0, 1]), ((2, 3, 4), [5, 1, 2], [-1, 0, 2]),
             ((4, 2), 7, -2), ((0, 3), 1, 0)]
    for i, (shape, shift, axis) in enumerate(cases):
        for index in _INDEX_TYPES:
            yield [samples.values(dtype, shape, i), np.array(shift, index.np_dtype),
                   np.array(axis, np.int32)], {}


register(OpDef("Roll", shape=_roll_shape, dtype=lambda ctx: [ctx.dtypes[0]],
               reference=roll_value, host=_host(roll_value),
               dtypes=[Accepts("input", WITH_STRING), Accepts("shift", _INDEX_TYPES, input=1),
                       Accepts("axis", _INDEX_TYPES, input=2)],
               samples=_roll_samples,
               graphdef=NodeMapping(("input", "shift", "axis"),
                                    [TypeAttr("T", input=0), TypeAttr("Tshift", input=1),
                                     TypeAttr("Taxis", input=2)])))


def roll(input, shift, axis, name=None):  # noqa: A002 - TF's argument name
    """Rolls the elements of a tensor along an axis.

    The elements are shifted positively (towards larger indices) by the
    offset of `shift` along the dimension of `axis`. Negative `shift` values
    will shift elements in the opposite direction. Elements that roll
    passed the last position will wrap around to the first and vice versa.
    Multiple shifts along multiple axes may be specified.
    """
    graph = graph_of([input, shift, axis])
    inputs = [to_tensor(graph, v) for v in (input, shift, axis)]
    return make_op(graph, "Roll", inputs, name=name or "Roll").outputs[0]


@RegisterGradient("Roll")
def _roll_grad(op, grad):
    return [roll(grad, negative(op.inputs[1]), op.inputs[2]), None, None]


# ---- ReverseSequence -------------------------------------------------------------

def reverse_sequence_value(inputs, attrs):
    """NumPy ReverseSequence: for each slice i of `batch_dim`, the first
    `seq_lengths[i]` elements along `seq_dim` reversed."""
    x, lengths = (np.asarray(v) for v in inputs)
    seq_dim, batch_dim = attrs["seq_dim"], attrs.get("batch_dim", 0)
    if seq_dim == batch_dim:
        raise _invalid(f"seq_dim == batch_dim == {seq_dim}")
    if not 0 <= seq_dim < x.ndim:
        raise _invalid(f"seq_dim must be < input rank ( {seq_dim} vs. {x.ndim})")
    if not 0 <= batch_dim < x.ndim:
        raise _invalid(f"batch_dim must be < input rank ( {batch_dim} vs. {x.ndim})")
    if lengths.ndim != 1:
        raise _invalid(f"seq_lengths must be 1-dim, not {lengths.ndim}")
    if lengths.size != x.shape[batch_dim]:
        raise _invalid(f"Length of seq_lengths != input.dims({batch_dim}), ({lengths.size} vs. "
                       f"{x.shape[batch_dim]})")
    for i, n in enumerate(lengths):
        if n < 0:
            raise _invalid(f"seq_lens({i}) < 0")
        if n > x.shape[seq_dim]:
            raise _invalid(f"seq_lens({i}) > input.dims({seq_dim})")
    out = x.copy()
    for i, n in enumerate(lengths):
        n = int(n)
        src = [slice(None)] * x.ndim
        src[batch_dim] = i
        src[seq_dim] = slice(n - 1, None, -1) if n else slice(0, 0)
        dst = list(src)
        dst[seq_dim] = slice(0, n)
        out[tuple(dst)] = x[tuple(src)]
    return [out]


def _reverse_sequence_shape(ctx):
    x, lengths = ctx.shapes
    seq_dim, batch_dim = ctx.attrs["seq_dim"], ctx.attrs.get("batch_dim", 0)
    if lengths is not None and len(lengths) != 1:
        raise ValueError(f"Shape must be rank 1 but is rank {len(lengths)}")
    if x is None:
        return [None]
    rank = len(x)
    if not 0 <= batch_dim < rank:
        raise ValueError(f"Invalid batch_dim {batch_dim} with input rank {rank}")
    if not 0 <= seq_dim < rank:
        raise ValueError(f"Invalid seq_dim {seq_dim} with input rank {rank}")
    n = lengths[0] if lengths is not None else None
    if n is not None and x[batch_dim] is not None and n != x[batch_dim]:
        raise ValueError(f"Dimensions must be equal, but are {x[batch_dim]} and {n}")
    out = list(x)
    if out[batch_dim] is None:
        out[batch_dim] = n
    return [tuple(out)]


def _reverse_sequence_samples(dtype):
    cases = [((3, 5), (5, 0, 2), 1, 0), ((4, 2, 3), (1, 3), 2, 1), ((2, 4, 2), (4, 1), 1, 0)]
    for i, (shape, lengths, seq_dim, batch_dim) in enumerate(cases):
        for index in _INDEX_TYPES:
            yield [samples.values(dtype, shape, i), np.array(lengths, index.np_dtype)], \
                {"seq_dim": seq_dim, "batch_dim": batch_dim}


register(OpDef("ReverseSequence", shape=_reverse_sequence_shape,
               dtype=lambda ctx: [ctx.dtypes[0]],
               reference=reverse_sequence_value, host=_host(reverse_sequence_value),
               dtypes=[Accepts("input", WITH_STRING),
                       Accepts("seq_lengths", _INDEX_TYPES, input=1)],
               samples=_reverse_sequence_samples,
               graphdef=NodeMapping(("input", "seq_lengths"),
                                    [TypeAttr("T", input=0), TypeAttr("Tlen", input=1),
                                     Attr("seq_dim"), Attr("batch_dim", default=0)])))


def reverse_sequence(input, seq_lengths, seq_axis=None, batch_axis=None, name=None,  # noqa: A002
                     seq_dim=None, batch_dim=None):
    """Reverses variable length slices.

    This op first slices `input` along the dimension `batch_axis`, and for
    each slice `i`, reverses the first `seq_lengths[i]` elements along the
    dimension `seq_axis`. The elements of `seq_lengths` must obey
    `seq_lengths[i] <= input.dims[seq_axis]`, and `seq_lengths` must be a
    vector of length `input.dims[batch_axis]`. (`seq_dim` and `batch_dim`
    are TF1's spellings of `seq_axis` and `batch_axis`.)
    """
    if seq_axis is not None and seq_dim is not None:
        raise ValueError("Cannot specify both 'seq_axis' and 'seq_dim'")
    if batch_axis is not None and batch_dim is not None:
        raise ValueError("Cannot specify both 'batch_axis' and 'batch_dim'")
    seq = seq_axis if seq_axis is not None else seq_dim
    batch = batch_axis if batch_axis is not None else batch_dim
    graph = graph_of([input, seq_lengths])
    inputs = [to_tensor(graph, input), to_tensor(graph, seq_lengths)]
    return make_op(graph, "ReverseSequence", inputs,
                   {"seq_dim": int(seq), "batch_dim": int(batch or 0)},
                   name=name or "ReverseSequence").outputs[0]


@RegisterGradient("ReverseSequence")
def _reverse_sequence_grad(op, grad):
    return [reverse_sequence(grad, op.inputs[1], seq_axis=op.get_attr("seq_dim"),
                             batch_axis=op.get_attr("batch_dim")), None]
