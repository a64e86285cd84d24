"""Arena offsets for buffers with known lifetimes: greedy by size, first fit.

The largest buffers are placed first, each at the lowest aligned offset
where it overlaps no buffer that is live at the same time (the strategy of
TFLite's arena planner). The plan reports its arena size against the lower
bound, the peak of simultaneously live bytes.
"""

import os

__all__ = ["ALIGNMENT", "REDZONE", "MemoryPlan", "plan_memory", "align"]

ALIGNMENT = 64

# Bytes left free after every buffer when FASTGRAPH_REDZONE is set (the
# sanitizer run sets it): an AddressSanitizer build of the C core poisons
# every arena byte outside a value, so a kernel that writes past its output
# hits a poisoned gap instead of its neighbour's bytes.
REDZONE = ALIGNMENT if os.environ.get("FASTGRAPH_REDZONE") == "1" else 0


def align(nbytes, alignment=ALIGNMENT):
    """`nbytes` rounded up to a multiple of `alignment`."""
    return (nbytes + alignment - 1) // alignment * alignment


class MemoryPlan:
    """Offsets of buffers in one arena.

    offsets[b] is buffer b's byte offset; arena_bytes the arena's size;
    lower_bound the peak of (aligned) bytes live at one step, which no
    placement can beat.
    """

    __slots__ = ("offsets", "arena_bytes", "lower_bound", "intervals")

    def __init__(self, offsets, arena_bytes, lower_bound, intervals):
        self.offsets = offsets
        self.arena_bytes = arena_bytes
        self.lower_bound = lower_bound
        self.intervals = intervals

    @property
    def overhead(self):
        """arena_bytes / lower_bound (1.0 is optimal)."""
        return self.arena_bytes / self.lower_bound if self.lower_bound else 1.0

    def report(self):
        """One line: arena bytes against the lower bound."""
        return (f"arena {self.arena_bytes} B for {len(self.intervals)} buffers, lower bound "
                f"{self.lower_bound} B ({self.overhead:.2f}x)")

    def __repr__(self):
        return f"<MemoryPlan {self.report()}>"


def peak_live_bytes(intervals):
    """The largest sum of aligned sizes of buffers live at one step."""
    events = []
    for iv in intervals:
        events.append((iv.start, 0, align(iv.nbytes)))
        events.append((iv.end, 1, -align(iv.nbytes)))
    # At one step, births count before deaths: both buffers are live there.
    events.sort()
    live = peak = 0
    for _, _, delta in events:
        live += delta
        peak = max(peak, live)
    return peak


# Placed buffers are indexed by blocks of this many steps, so that finding
# the ones live alongside a new buffer looks at its blocks, not at all of
# them (plans of thousands of steps would otherwise take seconds).
_BLOCK_STEPS = 32


def plan_memory(intervals, alignment=ALIGNMENT, redzone=0):
    """Assigns each interval's buffer an offset; returns a MemoryPlan.
    `redzone` bytes stay free after each buffer."""
    order = sorted(intervals, key=lambda iv: (-iv.nbytes, iv.start, iv.buffer))
    blocks = {}  # block of steps -> [(offset, size, interval)] placed and live in it
    offsets = {}
    arena = 0
    for iv in order:
        size = align(iv.nbytes, alignment)
        if size == 0:  # a buffer a fused step keeps in registers takes no room
            offsets[iv.buffer] = 0
            continue
        size += align(redzone, alignment)
        span = range(iv.start // _BLOCK_STEPS, iv.end // _BLOCK_STEPS + 1)
        # Gaps between the buffers that are live at the same time, lowest first.
        busy = sorted({(off, sz, other.buffer) for b in span for off, sz, other in blocks.get(b, ())
                       if other.overlaps(iv)})
        offset = 0
        for off, sz, _ in busy:
            if offset + size <= off:
                break
            offset = max(offset, off + sz)
        offsets[iv.buffer] = offset
        for b in span:
            blocks.setdefault(b, []).append((offset, size, iv))
        arena = max(arena, offset + size)
    return MemoryPlan([offsets[iv.buffer] for iv in sorted(intervals, key=lambda i: i.buffer)],
                      arena, peak_live_bytes(intervals), list(intervals))
