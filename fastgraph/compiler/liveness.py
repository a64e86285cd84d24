"""Liveness: for each arena buffer, the steps from its first write to its last read."""

__all__ = ["Interval", "liveness"]


class Interval:
    """Buffer `buffer` of `nbytes` bytes is live from step `start` to step
    `end`, both included."""

    __slots__ = ("buffer", "nbytes", "start", "end")

    def __init__(self, buffer, nbytes, start, end):
        self.buffer = buffer
        self.nbytes = nbytes
        self.start = start
        self.end = end

    def overlaps(self, other):
        """Whether the two buffers are live at some common step."""
        return self.start <= other.end and other.start <= self.end

    def __repr__(self):
        return f"Interval(buffer={self.buffer}, nbytes={self.nbytes}, [{self.start}, {self.end}])"


def liveness(buffer_sizes, producers, readers, n_steps, pinned=()):
    """Intervals for every buffer.

    buffer_sizes[b] is buffer b's size in bytes, producers[b] the step that
    writes it, readers[b] the steps that read it (directly or through a
    view), and buffers in `pinned` (fetched ones) stay live to the end.
    """
    pinned = set(pinned)
    out = []
    for b, nbytes in enumerate(buffer_sizes):
        start = producers[b]
        end = max(readers.get(b, ()), default=start)
        if b in pinned:
            end = max(end, n_steps)
        out.append(Interval(b, nbytes, start, end))
    return out
