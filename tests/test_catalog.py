"""docs/ops.md is the registry's current catalog."""

import pathlib

import pytest

from fastgraph.catalog import render

DOC = pathlib.Path(__file__).resolve().parent.parent / "docs" / "ops.md"


def test_ops_doc_is_current():
    if not DOC.exists():
        pytest.skip("docs/ is not beside this checkout")
    assert DOC.read_text() == render(), \
        "docs/ops.md is stale: run `python -m fastgraph.catalog > docs/ops.md`"


def test_catalog_lists_every_registered_type():
    from fastgraph.framework import op_registry

    text = render()
    for op_type in op_registry.registered_types():
        assert f"| {op_type} |" in text


def test_catalog_says_which_ops_have_gradients():
    from fastgraph.framework import op_registry

    rows = {line.split(" | ")[0].lstrip("| "): line.rstrip(" |").split(" | ")[-1]
            for line in render().splitlines() if line.startswith("| ") and " | " in line}
    assert rows["Mul"] == "yes"
    assert rows["Less"] == "not differentiable"
    for op_type in op_registry.registered_types():
        gradient = op_registry.get(op_type).gradient
        want = ("not differentiable" if gradient is op_registry.NOT_DIFFERENTIABLE
                else "yes" if callable(gradient) else "missing")
        assert rows[op_type] == want, op_type
