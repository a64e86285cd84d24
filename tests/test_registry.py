"""The op registry and the C kernel table agree, and the C core builds clean."""

import pathlib
import shutil
import subprocess

import pytest

import fastgraph  # noqa: F401 - registers every op
from fastgraph._native import runtime
from fastgraph.framework import op_registry

ROOT = pathlib.Path(__file__).resolve().parent.parent
SOURCES = ("Placeholder", "Const", "VariableV2", "NoOp")


def test_every_kernel_named_in_the_registry_exists():
    kernels = set(runtime.kernel_names())
    for op_type in op_registry.registered_types():
        opdef = op_registry.get(op_type)
        if opdef.kernel:
            assert opdef.kernel in kernels, (op_type, opdef.kernel)


def test_kernel_table_has_no_duplicates():
    names = runtime.kernel_names()
    assert len(names) == len(set(names))


def test_every_computing_op_has_a_numpy_reference():
    for op_type in op_registry.registered_types():
        opdef = op_registry.get(op_type)
        if op_type not in SOURCES:
            assert opdef.reference is not None, op_type


@pytest.mark.skipif(shutil.which("gcc") is None, reason="needs gcc")
def test_c_core_builds_clean_with_strict_warnings(tmp_path):
    sources = sorted((ROOT / "csrc").glob("*.c")) + sorted((ROOT / "csrc" / "kernels").glob("*.c"))
    if not sources:
        pytest.skip("csrc/ is not beside this checkout")
    flags = ["-std=c11", "-D_GNU_SOURCE", "-fwrapv", "-O2", "-Wall", "-Wextra", "-Wshadow",
             "-Wstrict-prototypes", "-Wno-type-limits", "-Werror", "-fsyntax-only"]
    for src in sources:
        proc = subprocess.run(["gcc", *flags, str(src)], capture_output=True, text=True)
        assert proc.returncode == 0, f"{src.name}:\n{proc.stderr}"
