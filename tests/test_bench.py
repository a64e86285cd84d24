"""The benchmark suite's own correctness: every workload builds on
fastgraph, agrees with every installed peer, and the report renders."""

import numpy as np
import pytest

from fastgraph.bench import peers
from fastgraph.bench.__main__ import check_close, format_table, run_all
from fastgraph.bench.timing import measure
from fastgraph.bench.workloads import SYSTEMS, WORKLOADS, build

RUNNABLE = [w for w in WORKLOADS if w != "copyto_4M"]


@pytest.mark.parametrize("workload", RUNNABLE)
def test_workload_agrees_across_systems(workload):
    ours = build(workload, "fastgraph.run")()
    np.testing.assert_array_equal(build(workload, "fastgraph.callable")(), ours)
    compared = 0
    for system in SYSTEMS[2:]:
        try:
            fn = build(workload, system)
        except peers.missing:
            continue
        check_close(ours, fn())
        compared += 1
    if workload != "assign_add":
        assert compared >= 1 or peers.tensorflow() is None


def test_check_close_rejects_wrong_results():
    with pytest.raises(AssertionError):
        check_close(np.array([1.0, 2.0]), np.array([1.0, 2.1]))
    check_close(np.array([1.0, 2.0]), np.array([1.0, 2.0005]))


def test_measure_and_table():
    seconds = measure(lambda: sum(range(100)), min_batch_s=0.001, batches=3)
    assert 0 < seconds < 1e-3
    rows = run_all(["tiny_add"], ["fastgraph.run", "numpy"], startup=False)
    assert [r["status"] for r in rows] == ["ok", "ok"]
    assert rows[0]["ratio"] == 1.0
    table = format_table(rows)
    assert "| tiny_add | fastgraph.run |" in table and "1.00x" in table
