"""Scheduling: a topological order of the needed ops."""

import heapq

__all__ = ["schedule"]


def schedule(ops, fed_tensors=(), after=()):
    """A topological order of `ops` (dict id -> Operation) over data and
    control edges, and the extra (before id, after id) pairs of `after`,
    ties broken by creation order so plans are deterministic.

    Edges from fed tensors are cut: their consumers do not wait for the
    producer. Raises ValueError on a cycle.
    """
    extra = {}
    for first, then in after:
        extra.setdefault(then, set()).add(first)
    fed = {id(t) for t in fed_tensors}
    indegree = {}
    users = {}
    for key, op in ops.items():
        deps = set()
        for t in op._inputs:
            if id(t) not in fed and id(t.op) in ops:
                deps.add(id(t.op))
        for c in op._control_inputs:
            if id(c) in ops:
                deps.add(id(c))
        deps |= extra.get(key, set())
        indegree[key] = len(deps)
        for d in deps:
            users.setdefault(d, []).append(key)
    ready = [(op._id, key) for key, op in ops.items() if indegree[key] == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        _, key = heapq.heappop(ready)
        order.append(ops[key])
        for u in users.get(key, ()):
            indegree[u] -= 1
            if indegree[u] == 0:
                heapq.heappush(ready, (ops[u]._id, u))
    if len(order) != len(ops):
        raise ValueError("Graph contains a cycle")
    return order
