"""Each workload on each system, side by side in one benchmark group.

Run with `pytest benchmarks --benchmark-only`. A peer that is not installed
is skipped. Before timing, each benchmark checks its output against
fastgraph's (rtol 1e-3).
"""

import pytest

from fastgraph.bench import peers
from fastgraph.bench.__main__ import check_close
from fastgraph.bench.startup import measure_startup
from fastgraph.bench.workloads import SYSTEMS, WORKLOADS, build

_reference = {}


def _fastgraph_output(workload):
    if workload not in _reference:
        _reference[workload] = build(workload, "fastgraph.run")()
    return _reference[workload]


@pytest.mark.parametrize("system", SYSTEMS)
@pytest.mark.parametrize("workload", [w for w in WORKLOADS if w != "copyto_4M"])
def test_workload(benchmark, workload, system):
    benchmark.group = workload
    try:
        fn = build(workload, system)
    except peers.missing as e:
        pytest.skip(str(e))
    check_close(_fastgraph_output(workload), fn())
    benchmark(fn)


def test_copyto_limit(benchmark):
    """The memory-bandwidth limit for ew_chain_4M: NumPy copyto of its vector."""
    benchmark.group = "ew_chain_4M"
    benchmark(build("copyto_4M", "numpy"))


@pytest.mark.parametrize("system", ["fastgraph", "tensorflow"])
def test_startup(benchmark, system):
    """A fresh process: import, build the seed's second graph, run it once."""
    benchmark.group = "startup"
    if system == "tensorflow" and peers.tensorflow() is None:
        pytest.skip("tensorflow is not installed")
    result = benchmark.pedantic(measure_startup, args=(system, 1), rounds=3, iterations=1)
    benchmark.extra_info["peak_rss_mib"] = result[1]
