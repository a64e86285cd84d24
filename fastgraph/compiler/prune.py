"""Pruning: the ops a run needs, walking back from fetches and targets."""

__all__ = ["prune"]


def prune(fetch_tensors, target_ops, fed_tensors, done=frozenset()):
    """The ops needed to compute `fetch_tensors` and run `target_ops`.

    The walk follows data and control inputs and stops at fed tensors: a fed
    tensor's producer runs only if something else needs it; a control input
    whose id is in `done` (an op an earlier stage of the run ran) is not
    followed. Returns a dict op id -> Operation.
    """
    fed = {id(t) for t in fed_tensors}
    needed = {}
    stack = [t.op for t in fetch_tensors if id(t) not in fed]
    stack.extend(target_ops)
    while stack:
        op = stack.pop()
        if id(op) in needed:
            continue
        needed[id(op)] = op
        for t in op._inputs:
            if id(t) not in fed and id(t.op) not in needed:
                stack.append(t.op)
        for c in op._control_inputs:
            if id(c) not in needed and id(c) not in done:
                stack.append(c)
    return needed
