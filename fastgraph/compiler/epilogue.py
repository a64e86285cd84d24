"""GEMM epilogues: a bias add, a residual add (convolutions) and a relu or
relu6 right after a matmul or convolution run inside its step, on each
block of rows while it is in cache, instead of as separate passes over the
whole output. Applied in that order: c = act(c + bias + residual)."""

from .steps import ARENA, Step
from .uses import Uses

__all__ = ["fuse_epilogues", "is_bias_add", "EPI_BIAS", "EPI_RELU", "EPI_RELU6", "EPI_ADD"]

# The flags of FG_EPILOGUE_FLAGS in csrc/kernels/linalg.h (tests/test_c_constants.py
# checks them); a GEMM step carries them in its last iattr. The bias and the
# residual are the step's inputs after its own two, in that order.
EPI_BIAS = 1
EPI_RELU = 2
EPI_RELU6 = 4
EPI_ADD = 8
_GEMMS = ("matmul", "conv2d")
# Kernels reading the whole epilogue, residual included (conv.c).
_CONVS = ("conv2d", "depthwise_conv2d")
_ACTIVATIONS = {"relu": EPI_RELU, "relu6": EPI_RELU6}
_DTYPES = ("float32", "float64")


def fuse_epilogues(steps, values, fetched):
    """Returns `steps` with bias adds and relus folded into the GEMM steps
    they follow. A step is folded only when the GEMM's result has no other
    reader and is not fetched, so nobody sees the intermediate."""
    uses = Uses(steps, values, fetched)

    def sole_reader(value):
        return uses.sole_reader(steps, values, value)

    def ready(value, k):
        """`value` is computed before step k (or is not an arena buffer)."""
        v = values[value]
        return v.kind != ARENA or uses.producer.get(v.key, k) < k

    dropped, replaced = set(), {}
    for k, st in enumerate(steps):
        if st.kernel not in _GEMMS + _CONVS or st.iattrs[-1] not in (0, EPI_BIAS) or \
                values[st.outputs[0]].dtype.name not in _DTYPES:
            continue
        out, inputs, epi = st.outputs[0], list(st.inputs), st.iattrs[-1]
        merged = list(st.ops)
        nxt = sole_reader(out)
        if not epi & EPI_BIAS and nxt is not None and is_bias_add(steps[nxt], out, values):
            bias = next(i for i in steps[nxt].inputs if i != out)
            if ready(bias, k):
                inputs.append(bias)
                epi |= EPI_BIAS
                dropped.add(nxt)
                merged += steps[nxt].ops
                out = steps[nxt].outputs[0]
                nxt = sole_reader(out)
        if st.kernel in _CONVS and nxt is not None and _is_residual_add(steps[nxt], out, values):
            res = next(i for i in steps[nxt].inputs if i != out)
            if ready(res, k):
                inputs.append(res)
                epi |= EPI_ADD
                dropped.add(nxt)
                merged += steps[nxt].ops
                out = steps[nxt].outputs[0]
                nxt = sole_reader(out)
        if nxt is not None and steps[nxt].kernel in _ACTIVATIONS and \
                values[steps[nxt].outputs[0]].shape == values[out].shape:
            epi |= _ACTIVATIONS[steps[nxt].kernel]
            dropped.add(nxt)
            merged += steps[nxt].ops
            out = steps[nxt].outputs[0]
        if epi != st.iattrs[-1] or out != st.outputs[0]:
            replaced[k] = Step(st.kernel, inputs, [out] + st.outputs[1:],
                               list(st.iattrs[:-1]) + [epi], st.fattrs, st.var, st.op,
                               st.nparts, fused=merged)
    return [replaced.get(k, st) for k, st in enumerate(steps) if k not in dropped]


def _is_residual_add(step, value, values):
    """`step` adds to `value` another value of its shape and dtype, giving
    a result of that shape."""
    if step.kernel != "add" or len(step.inputs) != 2 or step.inputs.count(value) != 1:
        return False
    v = values[value]
    r = values[step.inputs[1] if step.inputs[0] == value else step.inputs[0]]
    out = values[step.outputs[0]]
    return r.shape == v.shape == out.shape and r.dtype is v.dtype and out.dtype is v.dtype


def is_bias_add(step, value, values):
    """`step` adds a vector along the last dim of `value` (AddV2's NumPy
    broadcasting or an NHWC BiasAdd), giving a result of value's shape."""
    if step.kernel != "add" or len(step.inputs) != 2 or value not in step.inputs:
        return False
    if step.op.type == "BiasAdd" and not step.op._attrs["data_format"].endswith("C"):
        return False
    v = values[value]
    b = values[step.inputs[1] if step.inputs[0] == value else step.inputs[0]]
    out = values[step.outputs[0]]
    n = v.shape[-1] if v.shape else None
    return (out.shape == v.shape and b.dtype is v.dtype and n is not None and b.size == n
            and len(b.shape) <= len(v.shape) and all(d == 1 for d in b.shape[:-1])
            and b.shape[-1:] == (n,))
