"""Batch norm folded into the convolution before it, at compile time.

An inference FusedBatchNormV3 whose scale, offset, mean and variance are
constants computes y = x * inv + (offset - mean * inv) per channel, with
inv = scale / sqrt(variance + epsilon). When x is a conv2d or
depthwise_conv2d with a constant filter (and maybe a constant bias added
after it), read by nobody else, the conv's filter is scaled by inv per
output channel and the rest becomes the conv's bias: one pass over the
activation instead of three (TF's grappler, ONNX Runtime and TFLite's
converter fold the same way)."""

import numpy as np

from .epilogue import EPI_BIAS, is_bias_add
from .steps import ARENA, CONST, Step, Value
from .uses import Uses

__all__ = ["fold_batch_norms"]

_CONVS = ("conv2d", "depthwise_conv2d")
_BN_STATS = 4  # scale, offset, mean, variance


def fold_batch_norms(steps, values, consts, fetched):
    """Returns `steps` with each foldable batch norm merged into its conv.
    New constants (filters, biases) are appended to `consts` and `values`;
    a filter read by this conv only is replaced in `consts`."""
    uses = Uses(steps, values, fetched)
    const_reads = {}
    for st in steps:
        for i in st.inputs:
            if values[i].kind == CONST:
                const_reads[i] = const_reads.get(i, 0) + 1
    for i in fetched:
        if values[i].kind == CONST:
            const_reads[i] = const_reads.get(i, 0) + 1

    def sole_reader(value):
        return uses.sole_reader(steps, values, value)

    def new_const(array, like):
        consts.append(array)
        v = Value(len(values), array.shape, like.dtype, CONST, len(consts) - 1, None)
        values.append(v)
        return v.index

    dropped, replaced = set(), {}
    for k, st in enumerate(steps):
        if st.kernel not in _CONVS or st.iattrs[-1] or len(st.inputs) != 2:
            continue
        x_in, f_in = st.inputs
        fv = values[f_in]
        if fv.kind != CONST or fv.dtype.name not in ("float32", "float64"):
            continue
        out = st.outputs[0]
        chain, bias = [], None
        nxt = sole_reader(out)
        if nxt is not None and is_bias_add(steps[nxt], out, values):
            b = next(i for i in steps[nxt].inputs if i != out)
            if values[b].kind != CONST:
                continue
            bias = np.asarray(consts[values[b].key], dtype=np.float64).reshape(-1)
            chain.append(nxt)
            out = steps[nxt].outputs[0]
            nxt = sole_reader(out)
        if nxt is None or not _is_inference_bn(steps[nxt], out, values, uses):
            continue
        bn = steps[nxt]
        scale, offset, mean, var = (np.asarray(consts[values[i].key], dtype=np.float64)
                                    for i in bn.inputs[1:])
        inv = scale / np.sqrt(var + bn.fattrs[0])
        shift = offset - mean * inv if bias is None else offset + (bias - mean) * inv
        f = np.asarray(consts[fv.key])
        folded = (f.reshape(f.shape[:-2] + (-1,)) * inv).reshape(f.shape).astype(f.dtype) \
            if st.kernel == "depthwise_conv2d" else (f * inv).astype(f.dtype)
        if const_reads.get(f_in, 0) == 1:
            consts[fv.key] = folded
            new_f = f_in
        else:
            new_f = new_const(folded, fv)
        new_b = new_const(shift.astype(f.dtype), fv)
        chain.append(nxt)
        dropped.update(chain)
        replaced[k] = Step(st.kernel, [x_in, new_f, new_b], [bn.outputs[0]] + st.outputs[1:],
                           list(st.iattrs[:-1]) + [EPI_BIAS], st.fattrs, st.var, st.op,
                           st.nparts, fused=list(st.ops) + [op for j in chain
                                                            for op in steps[j].ops])
    return [replaced.get(k, st) for k, st in enumerate(steps) if k not in dropped]


def _is_inference_bn(step, value, values, uses):
    """`step` is an NHWC inference batch norm of `value` with constant
    statistics whose other outputs nobody reads."""
    if step.kernel != "fused_batch_norm" or step.inputs[0] != value or \
            len(step.inputs) != 1 + _BN_STATS:
        return False
    outer, channels, inner, training = step.iattrs[:4]
    if training or inner != 1 or values[value].shape[-1:] != (channels,):
        return False
    if any(values[i].kind != CONST for i in step.inputs[1:]):
        return False
    if values[step.outputs[0]].shape != values[value].shape:
        return False
    for o in step.outputs[1:]:
        v = values[o]
        if v.kind == ARENA and (uses.readers.get(v.key) or v.key in uses.pinned):
            return False
    return True
