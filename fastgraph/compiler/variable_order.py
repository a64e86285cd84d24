"""When a variable is read: ordering edges between the ops that read a
variable and the ops that write it.

A read of a variable (`v.value()`, `v/read`, a reshape of it) does not copy
it: as in TF, where the read Identity forwards the variable's buffer, each
op that consumes the read sees the value the variable holds when that op
runs. So an op under `control_dependencies([v.assign_add(1)])` reads the
incremented value, and a training step's forward and backward ops read the
weights before the optimizer's update writes them: every reader that does
not come after a writer (through data or control edges) is ordered before
it, which is what TF's default gradient gating guarantees.
"""

__all__ = ["read_before_write"]


def _aliases(var_tensor, needed):
    """The tensors that are `var_tensor` itself or views of it (Identity,
    Reshape, ...) made by needed ops."""
    out, stack = [], [var_tensor]
    while stack:
        t = stack.pop()
        out.append(t)
        for c in t.consumers():
            if id(c) in needed and c.opdef.view and c._inputs and c._inputs[0] is t:
                stack.extend(c._outputs)
    return out


def read_before_write(needed, fed_tensors=()):
    """[(reader op id, writer op id)]: for each variable among the `needed`
    ops (dict id -> Operation) that some needed op writes, each needed op
    that reads it and does not depend on the writer runs before it."""
    fed = {id(t) for t in fed_tensors}
    writers = {}  # variable op id -> [writer ops]
    for op in needed.values():
        for i in op.opdef.ref_inputs:
            var = op._inputs[i].op
            if var._type == "VariableV2":
                writers.setdefault(id(var), []).append(op)
    if not writers:
        return []
    ancestors = {}

    def upstream(op):
        # Every needed op `op` waits for, through data and control edges.
        got = ancestors.get(id(op))
        if got is not None:
            return got
        seen, stack = set(), [op]
        while stack:
            o = stack.pop()
            for t in o._inputs:
                p = t.op
                if id(t) not in fed and id(p) in needed and id(p) not in seen:
                    seen.add(id(p))
                    stack.append(p)
            for c in o._control_inputs:
                if id(c) in needed and id(c) not in seen:
                    seen.add(id(c))
                    stack.append(c)
        ancestors[id(op)] = seen
        return seen

    edges = []
    for var_id, ws in writers.items():
        var = needed[var_id]
        readers = {}
        for t in _aliases(var._outputs[0], needed):
            if id(t) in fed:
                continue
            for c in t.consumers():
                if id(c) in needed and not c.opdef.view and c not in ws and any(
                        x is t for i, x in enumerate(c._inputs) if i not in c.opdef.ref_inputs):
                    readers[id(c)] = c
        for w in ws:
            for r in readers.values():
                if id(w) not in upstream(r) and id(r) not in upstream(w):
                    edges.append((id(r), id(w)))
    return edges
