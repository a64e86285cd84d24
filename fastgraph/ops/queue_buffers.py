"""The queues that a session holds for the queue ops (`queue_ops.py`): FIFO,
padding FIFO, random shuffle and priority, each a bounded buffer of
elements (tuples of NumPy arrays) shared by the runs of all threads.

They behave as TF's queue kernels: an enqueue on a full queue waits for
room, a dequeue waits for elements, and the waiting attempts are served in
the order they came (a dequeue_many takes elements as they arrive, so it
may ask for more than the capacity). Closing lets waiting dequeues finish
with what is left (OutOfRangeError when too little is), and with
`cancel_pending_enqueues` cancels the waiting enqueues. Closing the session
(`close()`, as for every session resource) cancels every waiting attempt.
"""

import collections
import heapq
import itertools
import threading
import time

import numpy as np

from ..framework import errors
from ..framework.tensor_shape import TensorShape

__all__ = ["FIFOBuffer", "PaddingFIFOBuffer", "RandomShuffleBuffer", "PriorityBuffer",
           "resource_name"]

_RESOURCE_IDS = itertools.count()


def resource_name(node_name, shared_name):
    """The name a queue has in TF's messages: its shared name, else
    `_<n>_<node name>` with n counting the queues made in this process."""
    if shared_name:
        return shared_name
    return f"_{next(_RESOURCE_IDS)}_{node_name}"


def _dims_text(shape):
    return "[" + ",".join("?" if d is None else str(d) for d in shape) + "]"


class _Buffer:
    """What every queue shares: the lock, the waiting lines, closing, and
    the checks of enqueued components; subclasses keep the elements."""

    kind = "Queue"

    def __init__(self, name, dtypes, shapes, capacity):
        self.name = name
        self.dtypes = list(dtypes)
        # None: the components' shapes are not fixed.
        self.shapes = None if not shapes else [TensorShape(s) for s in shapes]
        self.capacity = int(capacity) if capacity is not None and capacity >= 0 else None
        self._cond = threading.Condition()
        self._closed = False
        self._cancel_enqueues = False
        self._cancelled = False  # the session closed
        # The waiting attempts of each kind, served in the order they came:
        # the first of a line acts, the others wait for their turn. One that
        # gives up (cancelled, timed out) leaves its line wherever it is.
        self._enq_line = collections.deque()
        self._deq_line = collections.deque()

    # -- elements (subclasses) ------------------------------------------------

    def _count(self):
        raise NotImplementedError

    def _push(self, element):
        raise NotImplementedError

    def _pop(self):
        raise NotImplementedError

    def _restore(self, elements):
        """Gives back elements a failed dequeue_many had taken."""
        for e in elements:
            self._push(e)

    def _available(self):
        """How many elements a dequeue may take now."""
        return self._count()

    # -- the ops -----------------------------------------------------------------

    def size(self):
        """The number of elements in the queue."""
        with self._cond:
            return self._count()

    def is_closed(self):
        """Whether the queue is closed."""
        with self._cond:
            return self._closed

    def close_queue(self, cancel_pending_enqueues=False):
        """TF's QueueClose: no more enqueues; waiting dequeues finish with what
        is left; with `cancel_pending_enqueues`, waiting enqueues fail."""
        with self._cond:
            self._closed = True
            if cancel_pending_enqueues:
                self._cancel_enqueues = True
            self._cond.notify_all()

    def close(self):
        """The session closed: every waiting attempt is cancelled."""
        with self._cond:
            self._cancelled = True
            self._cond.notify_all()

    def enqueue(self, components, deadline=None):
        """Adds one element (a list of arrays, one per component)."""
        element = self._checked(components, batch=False)
        self._enqueue_elements([element], deadline)

    def enqueue_many(self, components, deadline=None):
        """Adds the slices along the first dimension of `components`."""
        arrays = self._checked(components, batch=True)
        n = arrays[0].shape[0] if arrays else 0
        # a[i, ...] is an array even for a 1-d a (a[i] of strings would be bytes).
        self._enqueue_elements([tuple(a[i, ...] for a in arrays) for i in range(n)], deadline)

    def dequeue(self, deadline=None):
        """Removes one element; returns its components."""
        return list(self._dequeue_elements(1, False, deadline)[0])

    def dequeue_many(self, n, deadline=None, allow_smaller=False):
        """Removes `n` elements (fewer, but at least one, when `allow_smaller`
        and the queue is closed); returns each component stacked."""
        n = int(n)
        if n < 0:
            raise errors.InvalidArgumentError(
                None, None, f"DequeueMany{'UpTo' if allow_smaller else ''} requested {n} < 0 "
                            "elements")
        self._check_batchable()
        elements = self._dequeue_elements(n, allow_smaller, deadline) if n else []
        return self._stack(elements)

    # -- waiting --------------------------------------------------------------

    def _wait(self, deadline, what):
        if self._cancelled:
            raise errors.CancelledError(None, None, f"{what} operation was cancelled")
        if deadline is None:
            self._cond.wait()
        else:
            left = deadline - time.monotonic()
            if left <= 0:
                raise errors.DeadlineExceededError(None, None,
                                                   "Timed out waiting for notification")
            self._cond.wait(left)
        if self._cancelled:
            raise errors.CancelledError(None, None, f"{what} operation was cancelled")

    def _enqueue_elements(self, elements, deadline):
        with self._cond:
            if self._closed or self._cancelled:
                raise errors.CancelledError(None, None, f"{self.kind} '{self.name}' is closed.")
            me = object()
            self._enq_line.append(me)
            try:
                while self._enq_line[0] is not me:
                    if self._cancel_enqueues:
                        raise errors.CancelledError(
                            None, None, f"{self.kind} '{self.name}' is closed.")
                    self._wait(deadline, "Enqueue")
                for element in elements:
                    while self.capacity is not None and self._count() >= self.capacity:
                        if self._cancel_enqueues:
                            raise errors.CancelledError(
                                None, None, f"{self.kind} '{self.name}' is closed.")
                        self._wait(deadline, "Enqueue")
                    self._push(element)
                    self._cond.notify_all()
            finally:
                self._enq_line.remove(me)
                self._cond.notify_all()

    def _dequeue_elements(self, n, allow_smaller, deadline):
        with self._cond:
            me = object()
            self._deq_line.append(me)
            taken = []
            try:
                while self._deq_line[0] is not me:
                    self._wait(deadline, "Dequeue")
                while len(taken) < n:
                    if self._available() > 0:
                        taken.append(self._pop())
                        self._cond.notify_all()
                        continue
                    if self._closed:
                        if allow_smaller and taken:
                            break
                        self._restore(taken)
                        size = self._count()
                        taken = []
                        raise errors.OutOfRangeError(
                            None, None,
                            f"{self.kind} '{self.name}' is closed and has insufficient elements "
                            f"(requested {n}, current size {size})")
                    self._wait(deadline, "Dequeue")
            except (errors.CancelledError, errors.DeadlineExceededError):
                self._restore(taken)
                raise
            finally:
                self._deq_line.remove(me)
                self._cond.notify_all()
            return taken

    # -- components -----------------------------------------------------------

    def _checked(self, components, batch):
        arrays = [np.asarray(c) for c in components]
        if batch:
            for i, a in enumerate(arrays):
                if a.ndim == 0:
                    raise errors.InvalidArgumentError(
                        None, None, f"Expected batch dimension for tuple component {i}, "
                                    "got a scalar")
            n = arrays[0].shape[0] if arrays else 0
            for i, a in enumerate(arrays):
                if a.shape[0] != n:
                    raise errors.InvalidArgumentError(
                        None, None, f"Shape mismatch in tuple component {i}. Expected "
                                    f"{_dims_text((n,) + a.shape[1:])}, got "
                                    f"{_dims_text(a.shape)}")
        if self.shapes is not None:
            for i, (a, shape) in enumerate(zip(arrays, self.shapes)):
                got = a.shape[1:] if batch else a.shape
                if not shape.is_compatible_with(got):
                    want = shape.as_tuple() if shape.rank is not None else ()
                    lead = (a.shape[0],) if batch else ()
                    raise errors.InvalidArgumentError(
                        None, None, f"Shape mismatch in tuple component {i}. Expected "
                                    f"{_dims_text(lead + tuple(want))}, got {_dims_text(a.shape)}")
        # Copies: the queue outlives the arrays a run gave it.
        return [np.array(a) for a in arrays] if batch else tuple(np.array(a) for a in arrays)

    def _check_batchable(self):
        if self.shapes is None or not all(s.is_fully_defined() for s in self.shapes):
            raise errors.InvalidArgumentError(
                None, None, f"{self.kind}'s DequeueMany and DequeueUpTo require the components "
                            "to have specified shapes.")

    def _stack(self, elements):
        out = []
        for i, (dtype, shape) in enumerate(zip(self.dtypes, self.shapes)):
            if elements:
                out.append(np.stack([e[i] for e in elements]))
            else:
                out.append(np.zeros((0,) + tuple(shape.as_tuple()), dtype=dtype.np_dtype))
        return out


class FIFOBuffer(_Buffer):
    """TF's FIFOQueue: elements come out in the order they went in."""

    kind = "FIFOQueue"

    def __init__(self, name, dtypes, shapes, capacity):
        super().__init__(name, dtypes, shapes, capacity)
        self._elements = collections.deque()

    def _count(self):
        return len(self._elements)

    def _push(self, element):
        self._elements.append(element)

    def _pop(self):
        return self._elements.popleft()

    def _restore(self, elements):
        # Back at the front, in their order.
        self._elements.extendleft(reversed(elements))


class PaddingFIFOBuffer(FIFOBuffer):
    """TF's PaddingFIFOQueue: a FIFO queue whose components may have unknown
    dims; dequeue_many pads each component to the largest in the batch
    with zeros (empty strings)."""

    kind = "PaddingFIFOQueue"

    def _check_batchable(self):
        pass  # every shape's rank is known: the constructor asks for shapes

    def _stack(self, elements):
        out = []
        for i, (dtype, shape) in enumerate(zip(self.dtypes, self.shapes)):
            dims = shape.as_tuple()
            if not elements:
                out.append(np.zeros((0,) + tuple(d or 0 for d in dims), dtype=dtype.np_dtype))
                continue
            parts = [e[i] for e in elements]
            size = tuple(max(p.shape[k] for p in parts) for k in range(len(dims)))
            fill = b"" if dtype.np_dtype == np.object_ else 0
            batch = np.full((len(parts),) + size, fill, dtype=dtype.np_dtype)
            for j, p in enumerate(parts):
                # The Ellipsis keeps a 0-d part a view: an object array's
                # element would hold the array itself.
                batch[(j,) + tuple(slice(0, d) for d in p.shape) + (Ellipsis,)] = p
            out.append(batch)
        return out


class RandomShuffleBuffer(_Buffer):
    """TF's RandomShuffleQueue: each dequeue takes an element drawn at random
    among those held, and, until the queue closes, leaves at least
    `min_after_dequeue` of them."""

    kind = "RandomShuffleQueue"

    def __init__(self, name, dtypes, shapes, capacity, min_after_dequeue, seed, seed2):
        super().__init__(name, dtypes, shapes, capacity)
        self.min_after_dequeue = int(min_after_dequeue)
        # Seeds 0 and 0: a different order each time, as TF.
        entropy = None if seed == 0 and seed2 == 0 else [int(seed) & 0xFFFFFFFFFFFFFFFF,
                                                         int(seed2) & 0xFFFFFFFFFFFFFFFF]
        self._rng = np.random.default_rng(entropy)
        self._elements = []

    def _count(self):
        return len(self._elements)

    def _available(self):
        if self._closed:
            return len(self._elements)
        return len(self._elements) - self.min_after_dequeue

    def _push(self, element):
        self._elements.append(element)

    def _pop(self):
        i = int(self._rng.integers(len(self._elements)))
        last = self._elements.pop()
        if i == len(self._elements):
            return last
        picked, self._elements[i] = self._elements[i], last
        return picked


class PriorityBuffer(_Buffer):
    """TF's PriorityQueue: component 0 of each element is its int64
    priority; elements come out lowest priority first (equal priorities in
    the order they went in)."""

    kind = "PriorityQueue"

    def __init__(self, name, dtypes, shapes, capacity):
        super().__init__(name, dtypes, shapes, capacity)
        self._heap = []
        self._order = itertools.count()

    def _count(self):
        return len(self._heap)

    def _push(self, element):
        heapq.heappush(self._heap, (int(element[0]), next(self._order), element))

    def _pop(self):
        return heapq.heappop(self._heap)[2]

    def _checked(self, components, batch):
        out = super()._checked(components, batch)
        first = out[0]
        if first.shape != ((first.shape[0],) if batch else ()):
            raise errors.InvalidArgumentError(
                None, None, "Expected the priority element to be a scalar, but received shape: "
                            f"{_dims_text(first.shape[1:] if batch else first.shape)}")
        return out
