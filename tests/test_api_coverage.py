"""docs/api_coverage.md is the current measure of fastgraph's `tf.compat.v1`
API against TensorFlow's, and every name it leaves out says why."""

import importlib.util
import json
import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "api_coverage.py"
DOC = ROOT / "docs" / "api_coverage.md"


def _script():
    spec = importlib.util.spec_from_file_location("api_coverage", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def measured():
    if importlib.util.find_spec("tensorflow") is None:
        pytest.skip("TensorFlow is not installed")
    if not SCRIPT.exists() or not DOC.exists():
        pytest.skip("scripts/ and docs/ are not beside this checkout")
    # A fresh interpreter: TF's lazily loaded tf.compat.v1.layers needs
    # TF_USE_LEGACY_KERAS before TensorFlow is first imported.
    # The fastgraph this test imported (installed, or a built tree), not the
    # checkout's sources, which are unbuilt after `pip install .`.
    import fastgraph

    where = str(pathlib.Path(fastgraph.__file__).resolve().parent.parent)
    env = {**os.environ, "TF_USE_LEGACY_KERAS": "1",
           "PYTHONPATH": os.pathsep.join([where, os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, str(SCRIPT), "--json"], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def test_api_coverage_doc_is_current(measured):
    assert DOC.read_text() == _script().render(measured), \
        "docs/api_coverage.md is stale: run `python scripts/api_coverage.py > docs/api_coverage.md`"


def test_every_left_out_name_has_a_reason():
    left_out = _script().LEFT_OUT
    assert left_out
    for path, names in left_out.items():
        assert names, path
        for name, reason in names.items():
            assert isinstance(reason, str) and reason.strip(), f"{path}.{name}"


def test_every_left_out_name_is_one_of_tensorflows(measured):
    # A name TF no longer has would silently shrink nothing: the table is stale.
    found = {(path, name) for path, _, _, left_out in measured for name, _, _ in left_out}
    for path, names in _script().LEFT_OUT.items():
        for name in names:
            assert (path, name) in found, f"tf.compat.v1.{path}.{name} is not in TensorFlow"


def test_measure_is_sorted_and_disjoint(measured):
    for path, present, missing, left_out in measured:
        assert present == sorted(present) and missing == sorted(missing), path
        assert not set(present) & set(missing), path
        assert not {n for n, _, _ in left_out} & (set(present) | set(missing)), path
