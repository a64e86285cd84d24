"""Fetches of host ops (summaries): what the plan runs for them, and how
their values are made from its results.

A host op's output (`OpDef.host`) is computed by the session in Python
from the values of its inputs. A run that fetches one hands the plan the
numeric tensors those values come from instead (through other host ops,
as MergeSummary's inputs, recursively; constant inputs such as tags are
read from the graph), then evaluates the host ops on the results, each
once per run. The compiler never sees a host op.
"""

from .framework import errors
from .framework.graph import Operation

__all__ = ["HostFetches"]


def _is_host(leaf):
    op = leaf if isinstance(leaf, Operation) else leaf.op
    return op._opdef.host is not None


class HostFetches:
    """The fetch leaves of one run with host ops among them, split into the
    leaves the plan runs (`plan_leaves`) and, per original leaf, how its
    value is found."""

    __slots__ = ("_plan_index", "_recipes", "plan_leaves")

    @classmethod
    def of(cls, leaves):
        """A HostFetches for `leaves` when any of them is a host op's output
        (or a host op), else None (the usual case: nothing to do)."""
        for leaf in leaves:
            if _is_host(leaf):
                return cls(leaves)
        return None

    def __init__(self, leaves):
        self.plan_leaves = []
        self._plan_index = {}
        nodes = {}
        self._recipes = []
        for leaf in leaves:
            if isinstance(leaf, Operation):
                if leaf._opdef.host is not None:
                    self._host_inputs(leaf, nodes)
                    self._recipes.append(("none",))
                else:
                    self.plan_leaves.append(leaf)
                    self._recipes.append(("none",))
            else:
                self._recipes.append(self._node(leaf, nodes))

    def _planned(self, leaf):
        k = self._plan_index.get(id(leaf))
        if k is None:
            k = self._plan_index[id(leaf)] = len(self.plan_leaves)
            self.plan_leaves.append(leaf)
        return k

    def _node(self, t, nodes):
        node = nodes.get(id(t))
        if node is not None:
            return node
        op = t.op
        if op._opdef.host is not None:
            node = ("host", op, t.value_index, self._host_inputs(op, nodes))
        elif op.type == "Const":
            node = ("value", op.get_attr("value"))
        else:
            node = ("plan", self._planned(t))
        nodes[id(t)] = node
        return node

    def _host_inputs(self, op, nodes):
        for c in op.control_inputs:
            if c._opdef.host is None:
                self._planned(c)
        return [self._node(t, nodes) for t in op.inputs]

    def evaluate(self, plan_results):
        """The value of each original leaf, given the plan's results (one per
        `plan_leaves` entry, as `RunSignature.results` gives them): a host
        op's value as its function returns it (bytes for a summary)."""
        done = {}
        return [None if r[0] == "none" else _value(r, plan_results, done)
                for r in self._recipes]


def _value(node, plan_results, done):
    kind = node[0]
    if kind == "plan":
        return plan_results[node[1]]
    if kind == "value":
        return node[1]
    _, op, index, inputs = node
    key = id(op)
    if key not in done:
        values = [_value(n, plan_results, done) for n in inputs]
        try:
            done[key] = op._opdef.host(op, values)
        except errors.OpError as e:
            raise type(e)(None, op, f"{e.message}\n\t [[{{{{node {op.name}}}}}]]") from None
    return done[key]
