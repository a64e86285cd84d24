#!/usr/bin/env bash
# Builds the C core's own harness (tests/c/test_core.c) with AddressSanitizer
# and UBSan and runs it, then runs the tests that exercise the C core against
# copies of the extension built with them (FASTGRAPH_SANITIZE=1), then a smaller
# set under valgrind's memcheck, which sees reads of uninitialised memory that
# ASan does not. Any report fails the run.
#
#   scripts/sanitize.sh [python [pytest arguments]]
#
# python defaults to $PYTHON, else python3; pytest arguments (test paths,
# -k ...) replace the default selection of the ASan run. FASTGRAPH_VALGRIND=0
# skips the valgrind run, as does a machine without valgrind.
#
# The builds happen in scratch copies of the tree, so the in-place build (or
# the installed package) of the caller is left as it was. Build tools missing
# from that python (a venv made by `pip install .` has no Cython) go into the
# scratch directory, not into its site-packages.
set -euo pipefail
python=${1:-${PYTHON:-python3}}
shift || true
root=$(cd "$(dirname "$0")/.." && pwd)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/fastgraph-sanitize.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
# The interpreter itself, not a wrapper script (pyenv's shims are bash).
python=$("$python" -c 'import sys; print(sys.executable)')

build_tools=
if ! "$python" -c 'import Cython, setuptools, numpy' 2>/dev/null; then
    build_tools="$scratch/build-tools"
    "$python" -m pip install -q --target "$build_tools" "Cython>=3.0" "setuptools>=64"
fi

# build DIR [ENV...]: a copy of the tree in DIR, its extension built in place.
# Generated C and built modules stay behind: the copy is built from its sources.
build() {
    local dir=$1
    shift
    mkdir "$dir"
    tar -C "$root" --exclude='*.so' --exclude='fastgraph/_native/*.c' --exclude='__pycache__' \
        -cf - setup.py pyproject.toml README.md fastgraph csrc tests examples | tar -C "$dir" -xf -
    (cd "$dir" && env PYTHONPATH="$build_tools" "$@" "$python" setup.py -q build_ext --inplace)
}

# loads_from DIR [ENV...]: fails unless fastgraph is imported from DIR.
loads_from() {
    local dir=$1
    shift
    (cd "$dir" && env PYTHONPATH="$dir" "$@" "$python" -c \
        'import fastgraph, sys; sys.exit(not fastgraph.__file__.startswith(sys.argv[1]))' "$dir") \
        || { echo "sanitize.sh: fastgraph did not load from $dir" >&2; exit 1; }
}

status=0
cc=${CC:-gcc}

# ---- the C core alone, under ASan and UBSan ---------------------------------

# tests/c/test_core.c runs the executor and kernels on plans built by hand,
# with no Python in the process, so LeakSanitizer can look for leaks too.
"$cc" -std=c11 -D_GNU_SOURCE -fwrapv -fno-math-errno -O1 -g -fsanitize=address,undefined \
    -fno-omit-frame-pointer -fno-sanitize-recover=all -pthread -I"$root/csrc" \
    "$root/tests/c/test_core.c" "$root"/csrc/*.c "$root"/csrc/kernels/*.c -lm \
    -o "$scratch/test_core"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    "$scratch/test_core" || { echo "sanitize.sh: the C core harness failed" >&2; status=1; }

# ---- AddressSanitizer and UBSan ---------------------------------------------

build "$scratch/asan" FASTGRAPH_SANITIZE=1

# The runtime must come first in the process: Python itself is not built with it.
libasan=$("$cc" -print-file-name=libasan.so)
test -f "$libasan" || { echo "sanitize.sh: no libasan.so from $cc" >&2; exit 1; }

# abort_on_error: pytest's faulthandler then prints the Python stack, which
# names the test. detect_leaks=0: CPython leaves its own objects at exit by
# design. allocator_may_return_null=1: the out-of-memory tests ask for
# petabytes and expect NULL, not an ASan abort. PYTHONMALLOC=malloc: Python
# objects through malloc too, so that ASan sees past their ends.
# FASTGRAPH_REDZONE=1: a free gap after every arena buffer, which the ASan
# build poisons, so that a kernel writing past its output into the next
# buffer is reported too.
asan_env=(LD_PRELOAD="$libasan" PYTHONMALLOC=malloc FASTGRAPH_REDZONE=1
          ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1:abort_on_error=1
          UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1)

# Everything that runs graphs through the C core. tests/tf_parity needs
# TensorFlow, which does not load under ASan, and so does test_bench where it
# is installed; test_leaks measures RSS, which ASan's quarantine of freed
# memory makes meaningless; the catalog, README, registry and memory-planner
# tests run no kernels. test_fuzz_files.py runs its default, bounded number of
# mutated files of each kind (FASTGRAPH_LONG_TESTS=1 for more).
tests=(tests/ops tests/test_session.py tests/test_fuzz_graphs.py tests/test_compiler.py
       tests/test_import_graph_def.py tests/test_checkpoint.py tests/test_resize.py
       tests/test_seeds.py tests/test_graph.py tests/test_bad_input.py tests/test_concurrency.py
       tests/test_crc32c.py tests/test_checkpoint_corruption.py tests/test_op_sweep.py
       tests/test_gradient_sweep.py tests/test_gradients_array.py tests/test_math_gradients.py
       tests/test_optimizers.py tests/test_saver.py tests/test_summary.py
       tests/test_fuzz_files.py)
if [ $# -gt 0 ]; then tests=("$@"); fi

loads_from "$scratch/asan" "${asan_env[@]}"
# -s: a report goes to stderr, which pytest would capture and lose with the
# process. The log is searched too, for reports from child processes.
log="$scratch/asan.log"
(cd "$scratch/asan" && env PYTHONPATH="$scratch/asan" "${asan_env[@]}" \
    "$python" -m pytest -p no:cacheprovider -s "${tests[@]}") 2>&1 | tee "$log" || status=$?
if grep -qE 'ERROR: AddressSanitizer|runtime error:|SUMMARY: [A-Za-z]+Sanitizer' "$log"; then
    echo "sanitize.sh: sanitizer reports above" >&2
    status=1
fi

# ---- valgrind memcheck ------------------------------------------------------

if [ "${FASTGRAPH_VALGRIND:-1}" != 1 ]; then
    exit "$status"
fi
if ! command -v valgrind >/dev/null; then
    echo "sanitize.sh: no valgrind here, memcheck skipped" >&2
    exit "$status"
fi

build "$scratch/plain"
loads_from "$scratch/plain"
# Python's own errors (it reads uninitialised memory on purpose in places)
# are many; only errors with a frame in fastgraph's extensions count.
reports="$scratch/valgrind"
mkdir "$reports"
# A tenth of the fuzz examples: memcheck runs some 50 times slower.
(cd "$scratch/plain" && PYTHONPATH="$scratch/plain" PYTHONMALLOC=malloc FG_FUZZ_EXAMPLES=60 \
    valgrind -q --xml=yes --xml-file="$reports/%p.xml" --child-silent-after-fork=yes \
    --leak-check=no "$python" -m pytest -p no:cacheprovider \
    tests/test_session.py tests/test_fuzz_graphs.py tests/ops/test_indexing.py) || status=$?
"$python" - "$reports" <<'EOF' || status=1
import pathlib
import sys
import xml.etree.ElementTree as ET

ours, total = 0, 0
for path in sorted(pathlib.Path(sys.argv[1]).glob("*.xml")):
    for error in ET.parse(path).getroot().iter("error"):
        if error.findtext("kind", "").startswith("Leak_"):
            continue  # detect_leaks=0's reason: CPython's objects at exit
        total += 1
        frames = [f for stack in error.iter("stack") for f in stack.iter("frame")]
        if not any("fastgraph/_native/" in f.findtext("obj", "") for f in frames):
            continue
        ours += 1
        print(f"{error.findtext('kind')}: {error.findtext('what') or error.findtext('xwhat/text')}")
        for f in frames[:16]:
            where = f.findtext("file") or f.findtext("obj") or ""
            print(f"    {f.findtext('fn') or f.findtext('ip')}  {where}:{f.findtext('line') or ''}")
print(f"valgrind: {total} errors, {ours} with a frame in fastgraph's extensions")
sys.exit(1 if ours else 0)
EOF
exit "$status"
