"""Zero padding folded into the convolution after it, at compile time.

Keras pads before a strided VALID convolution (ZeroPadding2D, as in
MobileNetV2's and ResNet50's downsampling blocks), which costs one more pass
over the activation and a copy larger than it. A conv2d or depthwise_conv2d
already treats taps outside the image as zeros, so a constant-zero pad of
the height and width whose only reader is such a conv becomes the conv's
own top/left padding (its bottom/right padding follows from the output
size, which does not change): the conv reads the unpadded input and the pad
step goes (TF's grappler and TFLite's converter fold the same pad)."""

import numpy as np

from .steps import CONST, Step
from .uses import Uses

__all__ = ["fold_pads"]

_CONVS = ("conv2d", "depthwise_conv2d")
_CONSTANT_MODE = 0  # array_ops._PAD_MODES["CONSTANT"]
# conv.h's geometry prefix: [N, H, W, C, OH, OW, KH, KW, SH, SW, DH, DW, PT, PL].
_H, _W, _PT, _PL = 1, 2, 12, 13
_CONV2D_TILE = 15  # 0: a 1x1 conv run as a GEMM on its input, which has no padding


def fold_pads(steps, values, consts, fetched):
    """Returns `steps` with each foldable zero pad merged into the conv
    reading it."""
    uses = Uses(steps, values, fetched)
    dropped, replaced = set(), {}
    for k, st in enumerate(steps):
        pads = _zero_hw_pads(st, values, consts)
        if pads is None:
            continue
        nxt = uses.sole_reader(steps, values, st.outputs[0])
        if nxt is None:
            continue
        conv = steps[nxt]
        if conv.kernel not in _CONVS or conv.inputs[0] != st.outputs[0] or nxt in replaced:
            continue
        if conv.kernel == "conv2d" and conv.iattrs[_CONV2D_TILE] == 0:
            continue
        (top, bottom), (left, right) = pads
        h, w = values[st.inputs[0]].shape[1:3]
        if (conv.iattrs[_H], conv.iattrs[_W]) != (h + top + bottom, w + left + right):
            continue
        iattrs = list(conv.iattrs)
        iattrs[_H], iattrs[_W] = h, w
        iattrs[_PT] += top
        iattrs[_PL] += left
        dropped.add(k)
        replaced[nxt] = Step(conv.kernel, [st.inputs[0]] + conv.inputs[1:], conv.outputs,
                             iattrs, conv.fattrs, conv.var, conv.op, conv.nparts,
                             fused=list(st.ops) + list(conv.ops))
    return [replaced.get(k, st) for k, st in enumerate(steps) if k not in dropped]


def _zero_hw_pads(step, values, consts):
    """((top, bottom), (left, right)) of a pad step that pads an NHWC value
    with constant zeros along its height and width only, else None."""
    if step.kernel != "pad" or len(step.inputs) != 2 or len(step.outputs) != 1:
        return None
    rank, _, mode = step.iattrs[:3]
    if rank != 4 or mode != _CONSTANT_MODE or len(step.iattrs) != 3 + 3 * rank:
        return None
    before, after = step.iattrs[3 + rank:3 + 2 * rank], step.iattrs[3 + 2 * rank:]
    if before[0] or after[0] or before[3] or after[3]:
        return None
    fill = values[step.inputs[1]]
    if fill.kind != CONST or np.any(np.asarray(consts[fill.key]) != 0):
        return None
    if values[step.inputs[0]].dtype is not values[step.outputs[0]].dtype:
        return None
    return (before[1], after[1]), (before[2], after[2])
