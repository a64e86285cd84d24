"""The op catalog (docs/ops.md), generated from the registry and the public
namespaces: `python -m fastgraph.catalog > docs/ops.md`."""

import sys

import fastgraph

from .framework import op_registry

__all__ = ["render"]


def _public(module):
    names = getattr(module, "__all__", None) or [n for n in dir(module) if not n.startswith("_")]
    return sorted(n for n in names if callable(getattr(module, n, None))
                  and not isinstance(getattr(module, n), type(sys)))


def _gradient(opdef):
    if opdef.gradient is op_registry.NOT_DIFFERENTIABLE:
        return "not differentiable"
    return "yes" if callable(opdef.gradient) else "missing"


def render():
    """docs/ops.md as a string."""
    lines = [
        "# Ops",
        "",
        "Generated from the op registry by `python -m fastgraph.catalog`; "
        "`tests/test_catalog.py` fails when this file is out of date.",
        "",
        "## Op types",
        "",
        "Each graph op type, the C kernel that runs it (views alias their input and run "
        "none; sources and no-ops need none), and the element types each of its parameters "
        "accepts (the first is its main one), and whether `tf.gradients` can differentiate "
        "it: \"yes\" (a gradient function is registered), \"not differentiable\" "
        "(NotDifferentiable: gradients stop there) or \"missing\" (neither; tf.gradients "
        "raises LookupError through it).",
        "",
        "| op type | kernel | dtypes | runs on several threads | gradient |",
        "| --- | --- | --- | --- | --- |",
    ]
    for op_type in op_registry.registered_types():
        d = op_registry.get(op_type)
        kernel = "view" if d.view else (f"`{d.kernel}`" if d.kernel else "none")
        dts = "; ".join(f"{a.arg}: " + ", ".join(t.name for t in a.allowed)
                        for a in d.dtypes) or "any"
        lines.append(f"| {op_type} | {kernel} | {dts} | {'yes' if d.parallel else 'no'} | "
                     f"{_gradient(d)} |")
    lines += ["", "## Public functions", ""]
    spaces = [("fastgraph", fastgraph), ("fastgraph.math", fastgraph.math),
              ("fastgraph.linalg", fastgraph.linalg), ("fastgraph.nn", fastgraph.nn),
              ("fastgraph.image", fastgraph.image), ("fastgraph.layers", fastgraph.layers),
              ("fastgraph.random", fastgraph.random)]
    for prefix, module in spaces:
        names = _public(module)
        if names:
            lines.append(f"- `{prefix}`: " + ", ".join(f"`{n}`" for n in names))
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
