#!/usr/bin/env bash
# Runs the executor-heavy tests against a copy of the extension built with
# AddressSanitizer and UBSan (FASTGRAPH_SANITIZE=1); any report fails the run.
#
#   scripts/sanitize.sh [python [pytest arguments]]
#
# python defaults to $PYTHON, else python3; pytest arguments (test paths,
# -k ...) replace the default selection below.
#
# The build happens in a scratch copy of the tree, so the in-place build (or
# the installed package) of the caller is left as it was. Build tools missing
# from that python (a venv made by `pip install .` has no Cython) go into the
# scratch directory, not into its site-packages.
set -euo pipefail
python=${1:-${PYTHON:-python3}}
shift || true
root=$(cd "$(dirname "$0")/.." && pwd)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/fastgraph-sanitize.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

# Generated C and built modules stay behind: the copy must be built from its sources.
tar -C "$root" --exclude='*.so' --exclude='fastgraph/_native/*.c' --exclude='__pycache__' \
    -cf - setup.py pyproject.toml README.md fastgraph csrc tests examples | tar -C "$scratch" -xf -

cd "$scratch"
if ! "$python" -c 'import Cython, setuptools, numpy' 2>/dev/null; then
    "$python" -m pip install -q --target "$scratch/build-tools" "Cython>=3.0" "setuptools>=64"
    export PYTHONPATH="$scratch/build-tools"
fi
FASTGRAPH_SANITIZE=1 "$python" setup.py -q build_ext --inplace
unset PYTHONPATH

# The runtime must come first in the process: Python itself is not built with it.
cc=${CC:-gcc}
libasan=$("$cc" -print-file-name=libasan.so)
test -f "$libasan" || { echo "sanitize.sh: no libasan.so from $cc" >&2; exit 1; }

# abort_on_error: pytest's faulthandler then prints the Python stack, which
# names the test. detect_leaks=0: CPython leaves its own objects at exit by
# design. allocator_may_return_null=1: the out-of-memory tests ask for
# petabytes and expect NULL, not an ASan abort.
export ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1
# Python objects through malloc too, so that ASan sees past their ends.
export PYTHONMALLOC=malloc
export PYTHONPATH="$scratch"

# Everything that runs graphs through the C core. tests/tf_parity needs
# TensorFlow, which does not load under ASan, and so does test_bench where it
# is installed; test_leaks measures RSS, which ASan's quarantine of freed
# memory makes meaningless; the catalog, README, registry and memory-planner
# tests run no kernels.
tests=(tests/ops tests/test_session.py tests/test_property_graphs.py tests/test_compiler.py
       tests/test_import_graph_def.py tests/test_checkpoint.py tests/test_resize.py
       tests/test_seeds.py tests/test_graph.py)
for t in tests/test_bad_input.py tests/test_fuzz_graphs.py; do
    if [ -e "$t" ]; then tests+=("$t"); fi
done
if [ $# -gt 0 ]; then tests=("$@"); fi

LD_PRELOAD="$libasan" "$python" -c 'import fastgraph, sys; sys.exit(not fastgraph.__file__.startswith(sys.argv[1]))' "$scratch" \
    || { echo "sanitize.sh: fastgraph did not load from the sanitized copy" >&2; exit 1; }
# -s: a report goes to stderr, which pytest would capture and lose with the
# process. The log is searched too, for reports from child processes.
log="$scratch/pytest.log"
status=0
LD_PRELOAD="$libasan" "$python" -m pytest -p no:cacheprovider -s "${tests[@]}" 2>&1 \
    | tee "$log" || status=$?
if grep -qE 'ERROR: AddressSanitizer|runtime error:|SUMMARY: [A-Za-z]+Sanitizer' "$log"; then
    echo "sanitize.sh: sanitizer reports above" >&2
    status=1
fi
exit "$status"
