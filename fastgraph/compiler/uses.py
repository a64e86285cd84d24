"""Use/def analysis of a step list: which steps write and read each arena
buffer. Every pass that moves, merges or places buffers asks this one."""

from .steps import ARENA

__all__ = ["Uses"]


class Uses:
    """Who writes and who reads each arena buffer of `steps`.

    producer[b] is the first step writing buffer b; readers[b] lists the
    steps reading it, in order, once per input slot (a step reading b
    twice, or through a view and directly, is listed twice); pinned holds
    the buffers of `fetched` values, which the user sees.
    """

    __slots__ = ("producer", "readers", "pinned")

    def __init__(self, steps, values, fetched=()):
        producer, readers = {}, {}
        for k, st in enumerate(steps):
            for i in st.inputs:
                v = values[i]
                if v.kind == ARENA:
                    readers.setdefault(v.key, []).append(k)
            for o in st.outputs:
                v = values[o]
                if v.kind == ARENA:
                    producer.setdefault(v.key, k)
        self.producer = producer
        self.readers = readers
        self.pinned = {values[i].key for i in fetched if values[i].kind == ARENA}

    def sole_reader(self, steps, values, value):
        """The one step reading arena value `value` (index into `values`),
        or None: when it is fetched, read by several steps, or read through
        a view of another value, a pass may not fold it away."""
        v = values[value]
        if v.kind != ARENA or v.key in self.pinned:
            return None
        ks = self.readers.get(v.key, [])
        if len(ks) != 1 or steps[ks[0]].inputs.count(value) != 1:
            return None
        return ks[0]

    def last_read(self, buffer):
        """The last step reading `buffer`, or None."""
        ks = self.readers.get(buffer)
        return ks[-1] if ks else None
