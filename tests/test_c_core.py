"""The C core without Python: tests/c/test_core.c builds the executor and
the kernels with gcc and runs plans built by hand (see that file).
scripts/sanitize.sh runs the same program under ASan and UBSan."""

import os
import pathlib
import shutil
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
HARNESS = ROOT / "tests" / "c" / "test_core.c"
FLAGS = ["-std=c11", "-D_GNU_SOURCE", "-fwrapv", "-fno-math-errno", "-O0", "-pthread",
         "-Wall", "-Wextra", "-Wshadow", "-Wstrict-prototypes", "-Wno-type-limits",
         "-Wno-unused-function", f"-I{ROOT / 'csrc'}"]


def _sources():
    return ([HARNESS] + sorted((ROOT / "csrc").glob("*.c"))
            + sorted((ROOT / "csrc" / "kernels").glob("*.c")))


@pytest.mark.skipif(shutil.which("gcc") is None, reason="needs gcc")
def test_c_core_harness(tmp_path):
    if not HARNESS.exists() or not (ROOT / "csrc" / "plan.c").exists():
        pytest.skip("csrc/ and tests/c/ are not beside this checkout")
    # One compiler per source, run side by side: the build is most of the time.
    objects, procs = [], []
    for src in _sources():
        obj = tmp_path / (src.parent.name + "_" + src.stem + ".o")
        objects.append(obj)
        procs.append((src, subprocess.Popen(["gcc", *FLAGS, "-c", str(src), "-o", str(obj)],
                                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                            text=True)))
    for src, proc in procs:
        _, err = proc.communicate()
        assert proc.returncode == 0, f"{src.name}:\n{err}"
    exe = tmp_path / "test_core"
    link = subprocess.run(["gcc", "-pthread", *map(str, objects), "-lm", "-o", str(exe)],
                          capture_output=True, text=True)
    assert link.returncode == 0, link.stderr
    run = subprocess.run([str(exe)], capture_output=True, text=True, timeout=60,
                         env=dict(os.environ, FASTGRAPH_NUM_THREADS="2"))
    assert run.returncode == 0, run.stdout + run.stderr
    assert ", 0 failed" in run.stdout
