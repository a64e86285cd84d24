"""`fastgraph.visualize`: a picture of a graph or of a compiled plan.

A graph is drawn as its ops (name and type) with an edge per tensor
(labelled with its static shape) and dashed control edges. A plan
(`compiler.plan.Plan`, what a Session compiles for one run signature) is
drawn as its steps: the C kernel, the graph ops a fused step computes,
and each value it writes with its shape and where it lives (its arena
offset, or feed / constant / variable). The picture is Graphviz DOT; when
Graphviz's `dot` is on PATH, a path ending in .svg or .png is rendered.
"""

import os
import shutil
import subprocess

from .compiler.plan import Plan, compile_plan
from .compiler.steps import ARENA
from .framework.graph import Graph, Operation, Tensor

__all__ = ["visualize", "graph_dot", "plan_dot", "plan_of"]


def _quote(text):
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def graph_dot(graph):
    """The DOT text of `graph`'s ops and edges."""
    lines = ["digraph graph_def {", "  rankdir=TB;",
             '  node [shape=box, style="rounded,filled", fillcolor="#eef3fb", fontsize=10];']
    ops = graph.get_operations()
    index = {id(op): f"n{i}" for i, op in enumerate(ops)}
    for op in ops:
        lines.append(f"  {index[id(op)]} [label={_quote(op.name + chr(10) + op.type)}];")
    for op in ops:
        for t in op.inputs:
            src = index.get(id(t.op))
            if src is not None:
                lines.append(f"  {src} -> {index[id(op)]} [label={_quote(str(t.shape))}, "
                             "fontsize=8];")
        for c in op.control_inputs:
            src = index.get(id(c))
            if src is not None:
                lines.append(f"  {src} -> {index[id(op)]} [style=dashed];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _where(plan, v):
    if v.kind == ARENA:
        return f"arena@{plan.memory.offsets[v.key]}"
    return v.kind


def plan_dot(plan):
    """The DOT text of a compiled Plan: its steps, fused ops, values and arena offsets."""
    lines = ["digraph plan {", "  rankdir=TB;",
             '  node [shape=record, style=filled, fillcolor="#f6f6f0", fontsize=10];',
             f"  label={_quote(f'{len(plan.steps)} steps, arena {plan.arena_bytes} bytes')};"]
    writer = {}
    for k, step in enumerate(plan.steps):
        ops = step.ops
        title = step.kernel + (f" ({len(ops)} ops fused)" if len(ops) > 1 else "")
        outs = [f"{plan.values[i].shape} {plan.values[i].dtype.name} {_where(plan, plan.values[i])}"
                for i in step.outputs]
        fields = [title, "\\n".join(f"{op.name}: {op.type}" for op in ops)] + outs
        label = "{" + "|".join(f.replace("{", "(").replace("}", ")").replace("|", "/")
                                .replace("<", "(").replace(">", ")") for f in fields) + "}"
        color = ', fillcolor="#fde8c8"' if len(ops) > 1 else ""
        lines.append(f"  s{k} [label={_quote(label)}{color}];")
        for i in step.inputs:
            if i in writer:
                lines.append(f"  s{writer[i]} -> s{k};")
            else:
                v = plan.values[i]
                lines.append(f"  v{i} [shape=ellipse, label="
                             f"{_quote(f'{v.kind} {v.shape}')}, fillcolor=white];")
                lines.append(f"  v{i} -> s{k};")
        for i in step.outputs:
            writer[i] = k
    lines.append("}")
    return "\n".join(lines) + "\n"


def plan_of(fetches, feed_dict=None):
    """The Plan a session compiles for running `fetches` (a tensor or a
    list of them) fed `feed_dict` ({tensor: array}), for drawing."""
    leaves = list(fetches) if isinstance(fetches, (list, tuple)) else [fetches]
    tensors = [t for t in leaves if isinstance(t, Tensor)]
    targets = [t for t in leaves if isinstance(t, Operation)]
    feeds = {t: (tuple(getattr(a, "shape", ())), t.dtype) for t, a in (feed_dict or {}).items()}
    return compile_plan(tensors, targets, feeds, 1, values=dict(feed_dict or {}))


def visualize(graph_or_plan, path, feed_dict=None):
    """Writes a picture of `graph_or_plan` to `path` and returns the DOT text.

    `graph_or_plan` is a Graph (drawn op by op), a compiled Plan (drawn
    step by step, with fused steps and arena offsets), or fetches (a
    tensor or a list) whose plan, compiled for `feed_dict`, is drawn. A
    `path` ending in .svg or .png is rendered by Graphviz's `dot` when it is
    on PATH (else the DOT text is written next to it as .dot); any other
    path gets the DOT text.
    """
    if isinstance(graph_or_plan, Graph):
        dot = graph_dot(graph_or_plan)
    else:
        plan = graph_or_plan if isinstance(graph_or_plan, Plan) else \
            getattr(graph_or_plan, "plan", None)
        if not isinstance(plan, Plan):
            plan = plan_of(graph_or_plan, feed_dict)
        dot = plan_dot(plan)
    path = os.fspath(path)
    root, ext = os.path.splitext(path)
    fmt = ext.lstrip(".").lower()
    if fmt in ("svg", "png", "pdf"):
        exe = shutil.which("dot")
        if exe is not None:
            subprocess.run([exe, f"-T{fmt}", "-o", path], input=dot.encode(), check=True)
            return dot
        path = root + ".dot"
    with open(path, "w") as f:
        f.write(dot)
    return dot
