"""Control flow: `cond` as TF1 graphs use it.

A plan is a fixed list of steps, so a branch cannot be skipped at run time.
A predicate known when the graph is built picks its branch then (TF's
smart_cond); otherwise both branches are built and each output is a select
on the predicate. That gives TF's values for branches without side effects,
which is checked: a branch that creates a stateful op (an assign, a random
op) raises, since running both would change what TF's cond computes.
"""

from ..framework import dtypes
from ..framework.graph import Tensor
from .arguments import graph_of, make_op, to_tensor

__all__ = ["cond"]


def _constant_pred(pred):
    if isinstance(pred, bool):
        return pred
    if isinstance(pred, Tensor) and pred.op.type == "Const":
        return bool(pred.op.get_attr("value"))
    return None


def _flatten(structure):
    if isinstance(structure, dict):
        return [x for k in sorted(structure) for x in _flatten(structure[k])]
    if isinstance(structure, (list, tuple)):
        return [x for s in structure for x in _flatten(s)]
    return [structure]


def _pack(structure, flat):
    """`structure` with its leaves replaced, in order, by the items of `flat`."""
    it = iter(flat)

    def build(s):
        if isinstance(s, dict):
            return {k: build(s[k]) for k in sorted(s)}
        if isinstance(s, tuple) and hasattr(s, "_fields"):
            return type(s)(*[build(x) for x in s])
        if isinstance(s, (list, tuple)):
            return type(s)(build(x) for x in s)
        return next(it)
    return build(structure)


def _same_structure(a, b):
    if isinstance(a, dict) or isinstance(b, dict):
        return isinstance(a, dict) and isinstance(b, dict) and sorted(a) == sorted(b) and all(
            _same_structure(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) or isinstance(b, (list, tuple)):
        return (isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)) and
                len(a) == len(b) and all(_same_structure(x, y) for x, y in zip(a, b)))
    return True


def _build_branch(graph, fn, which):
    start = len(graph.get_operations())
    out = fn()
    for op in graph.get_operations()[start:]:
        if op._opdef.stateful:
            raise NotImplementedError(
                f"cond: the {which} branch creates the stateful op {op.name} ({op.type}); "
                "fastgraph evaluates both branches of a cond whose predicate is fed, so "
                "branches must not assign variables or draw random numbers")
    return out


def cond(pred, true_fn=None, false_fn=None, strict=False, name=None, fn1=None, fn2=None):
    """Return `true_fn()` if the predicate `pred` is true else `false_fn()`.

    `pred` is a scalar bool (a Python bool or a tensor). `true_fn` and
    `false_fn` return the same structure of tensors (lists, tuples, dicts),
    with matching dtypes. With a fed predicate both branches are built and
    every output selects between them, so branches must be free of side
    effects here (an assign or random op in a branch raises
    NotImplementedError).
    """
    true_fn = true_fn if true_fn is not None else fn1
    false_fn = false_fn if false_fn is not None else fn2
    if not callable(true_fn) or not callable(false_fn):
        raise TypeError("true_fn and false_fn must be callable.")
    known = _constant_pred(pred)
    if known is not None:
        return true_fn() if known else false_fn()
    graph = graph_of([pred])
    pred = to_tensor(graph, pred)
    if pred.dtype != dtypes.bool:
        raise TypeError(f"pred must be a bool tensor, got {pred.dtype.name}")
    if pred.shape.rank not in (None, 0):
        raise ValueError(f"Shape must be rank 0 but is rank {pred.shape.rank} for pred of cond")
    with graph.as_default():
        yes = _build_branch(graph, true_fn, "true")
        no = _build_branch(graph, false_fn, "false")
    if not _same_structure(yes, no):
        raise ValueError("true_fn and false_fn must return the same nested structure; "
                         f"got {yes!r} and {no!r}")
    outs = []
    for i, (a, b) in enumerate(zip(_flatten(yes), _flatten(no))):
        a, b = to_tensor(graph, a), to_tensor(graph, b)
        if a.dtype != b.dtype:
            raise TypeError(f"Outputs of true_fn and false_fn must have the same type: "
                            f"{a.dtype.name}, {b.dtype.name}")
        sa, sb = a.shape.as_tuple(), b.shape.as_tuple()
        if sa is not None and sb is not None and (len(sa) != len(sb) or any(
                x is not None and y is not None and x != y for x, y in zip(sa, sb))):
            raise NotImplementedError(
                f"cond output {i} has shape {sa} in one branch and {sb} in the other; "
                "fastgraph's cond needs both branches to give one shape")
        outs.append(make_op(graph, "SelectV2", [pred, a, b],
                            name=name or "cond").outputs[0])
    return _pack(yes, outs)
