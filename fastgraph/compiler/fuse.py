"""Elementwise fusion: consecutive elementwise steps over one shape become
one `fused` step that computes them block by block (csrc/kernels/fused.c).

Inputs of the group are read once, results that nobody outside the group
reads never touch memory, and what is read outside (or fetched) is written
once. Operands must have the group's shape or a single element.
"""

from ..framework import op_registry
from .steps import ARENA, Step
from .uses import Uses

__all__ = ["OPCODES", "opcodes", "fuse_steps"]

_BINARY = {"add", "sub", "mul", "div", "maximum", "minimum", "squared_difference",
           "relu_grad", "relu6_grad"}
# Only the float kernels are fused; integer division and friends keep their checks.
_DTYPES = ("float32", "float64")
MAX_REGS = 8


_opcodes = None


def opcodes():
    """The fused kernel's opcodes in order: `load`, then the `fused` opcode of
    every registered op (OpDef.fused), sorted. FG_FUSED_OPCODES in
    csrc/kernels/fused.h lists the same (tests/test_c_constants.py checks);
    an opcode is named as the kernel it stands in for."""
    global _opcodes
    if _opcodes is None:
        names = {op_registry.get(t).fused for t in op_registry.registered_types()}
        _opcodes = ("load",) + tuple(sorted(names - {None}))
    return _opcodes


def _opcode_index():
    return {name: i for i, name in enumerate(opcodes())}


def __getattr__(name):
    # OPCODES is read from the registry on first use: the op families may
    # register after this module is imported.
    if name == "OPCODES":
        return list(opcodes())
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _fusible(step, values, opcode):
    if step.kernel not in opcode or step.kernel == "load" or len(step.outputs) != 1:
        return False
    out = values[step.outputs[0]]
    if out.kind != ARENA or out.dtype.name not in _DTYPES:
        return False
    for i in step.inputs:
        v = values[i]
        if v.dtype is not out.dtype or (v.shape != out.shape and v.size != 1):
            return False
    return True


def fuse_steps(steps, values, fetched, parts_for):
    """Returns the steps with fusible runs replaced by `fused` steps.

    fetched: value indices returned to the user; parts_for(n_elements):
    how many shares a step of that size gets.
    """
    opcode = _opcode_index()
    uses = Uses(steps, values, fetched)
    out, group = [], []

    def flush():
        if len(group) > 1:
            fused = _fuse(group, steps, values, uses, parts_for, opcode)
            if fused is not None:
                out.append(fused)
                group.clear()
                return
        out.extend(steps[k] for k in group)
        group.clear()

    for k, st in enumerate(steps):
        if _fusible(st, values, opcode):
            if group:
                head = values[steps[group[0]].outputs[0]]
                tail = values[st.outputs[0]]
                if tail.shape != head.shape or tail.dtype is not head.dtype:
                    flush()
            group.append(k)
        else:
            flush()
            out.append(st)
    flush()
    return out


def _fuse(group, steps, values, uses, parts_for, opcode):
    members = set(group)
    produced = {steps[k].outputs[0] for k in group}
    # A view (reshape) of a group result shares its buffer but not its
    # index; it must read the register, since the buffer may never be written.
    by_key = {values[o].key: o for o in produced}

    def canon(i):
        v = values[i]
        return by_key.get(v.key, i) if v.kind == ARENA and i not in produced else i

    # Values the group must write: read by a step outside it, or fetched.
    keep = set()
    for k in group:
        v = values[steps[k].outputs[0]]
        if v.key in uses.pinned or any(r not in members for r in uses.readers.get(v.key, ())):
            keep.add(steps[k].outputs[0])
    inputs, outputs = [], []
    last_use = {}
    for pos, k in enumerate(group):
        for i in steps[k].inputs:
            last_use[canon(i)] = pos
    code, reg_of, free = [], {}, list(range(MAX_REGS - 1, -1, -1))

    def reg_for(value):
        if value in reg_of:
            return reg_of[value]
        if not free:
            raise _TooManyRegisters
        r = free.pop()
        if value not in produced:
            if value not in inputs:
                inputs.append(value)
            code.append([opcode["load"], r, inputs.index(value),
                         int(values[value].size == 1 and values[value].shape != _shape(group,
                                                                                         steps,
                                                                                         values)),
                         -1])
        reg_of[value] = r
        return r

    try:
        for pos, k in enumerate(group):
            st = steps[k]
            ins = [canon(i) for i in st.inputs]
            srcs = [reg_for(i) for i in ins]
            for i in set(ins):
                if last_use[i] == pos:
                    free.append(reg_of.pop(i))
            if not free:
                raise _TooManyRegisters
            dst = free.pop()
            o = st.outputs[0]
            reg_of[o] = dst
            target = -1
            if o in keep:
                target = len(outputs)
                outputs.append(o)
            b = srcs[1] if st.kernel in _BINARY else -1
            code.append([opcode[st.kernel], dst, srcs[0], b, target])
            if o not in last_use or last_use[o] <= pos:
                free.append(reg_of.pop(o))
    except _TooManyRegisters:
        return None
    if not outputs:
        return None
    n = values[outputs[0]].size
    iattrs = [MAX_REGS, len(code)] + [x for ins in code for x in ins]
    last = steps[group[-1]]
    return Step("fused", inputs, outputs, iattrs, None, None, last.op, parts_for(n),
                fused=[op for k in group for op in steps[k].ops])


def _shape(group, steps, values):
    return values[steps[group[0]].outputs[0]].shape


class _TooManyRegisters(Exception):
    pass
