"""The memory planner: live buffers never overlap, offsets are aligned, the
arena is at least the lower bound and close to it."""

from hypothesis import given, settings
from hypothesis import strategies as st

from fastgraph.compiler.liveness import Interval, liveness
from fastgraph.compiler.memory_plan import ALIGNMENT, align, plan_memory


def _intervals(draw_list):
    return [Interval(i, size, start, start + length)
            for i, (size, start, length) in enumerate(draw_list)]


buffers = st.lists(
    st.tuples(st.integers(0, 5000), st.integers(0, 40), st.integers(0, 15)),
    min_size=0, max_size=40)


@settings(max_examples=300, deadline=None)
@given(buffers)
def test_live_buffers_never_overlap(spec):
    ivs = _intervals(spec)
    plan = plan_memory(ivs)
    for a in ivs:
        oa = plan.offsets[a.buffer]
        assert oa % ALIGNMENT == 0
        assert oa + a.nbytes <= plan.arena_bytes
        for b in ivs:
            if a.buffer < b.buffer and a.overlaps(b) and a.nbytes and b.nbytes:
                ob = plan.offsets[b.buffer]
                assert oa + a.nbytes <= ob or ob + b.nbytes <= oa, (a, b, oa, ob)


@settings(max_examples=300, deadline=None)
@given(buffers)
def test_arena_at_least_lower_bound(spec):
    ivs = _intervals(spec)
    plan = plan_memory(ivs)
    assert plan.arena_bytes >= plan.lower_bound
    # The lower bound is the exact peak of live aligned bytes, step by step.
    peak = 0
    for t in range(0, 60):
        peak = max(peak, sum(align(iv.nbytes) for iv in ivs if iv.start <= t <= iv.end))
    assert plan.lower_bound == peak


def test_disjoint_lifetimes_share_memory():
    ivs = [Interval(0, 1000, 0, 1), Interval(1, 1000, 2, 3), Interval(2, 1000, 4, 5)]
    plan = plan_memory(ivs)
    assert plan.arena_bytes == align(1000)
    assert plan.offsets == [0, 0, 0]


def test_chain_needs_two_buffers():
    # a -> b -> c -> d: each step reads one buffer and writes the next.
    ivs = [Interval(i, 4096, i, i + 1) for i in range(4)]
    plan = plan_memory(ivs)
    assert plan.arena_bytes == plan.lower_bound == 2 * 4096
    assert "lower bound" in plan.report()


def test_liveness_from_producers_and_readers():
    ivs = liveness([10, 20, 30], [0, 1, 2], {0: [1, 2], 1: [2]}, n_steps=3, pinned={2})
    assert [(iv.start, iv.end) for iv in ivs] == [(0, 2), (1, 2), (2, 3)]


# Starts and lengths that span many of the planner's blocks of steps.
long_plans = st.lists(
    st.tuples(st.integers(0, 3000), st.integers(0, 300), st.sampled_from([0, 1, 2, 40, 300])),
    min_size=0, max_size=60)


@settings(max_examples=200, deadline=None)
@given(long_plans)
def test_live_buffers_never_overlap_over_many_blocks(spec):
    test_live_buffers_never_overlap.hypothesis.inner_test(spec)


def test_zero_byte_buffers_take_no_room():
    # A fused chain leaves thousands of buffers it keeps in registers.
    ivs = [Interval(i, 0, 0, 0) for i in range(5000)] + [Interval(5000, 100, 0, 0)]
    plan = plan_memory(ivs)
    assert plan.arena_bytes == align(100)
    assert plan.offsets[5000] == 0
