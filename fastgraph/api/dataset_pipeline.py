"""Running a dataset's pipeline: what one iterator initialization holds.

`Pipeline` hands out the elements of a dataset's `_iterate(env)`
generator; `Env` is what the pipeline's parts share (the session, the
values of captured tensors, per-pipeline state); `Closers` is what the
pipeline must release when it ends (producer threads first, then files).
`Producer` is a prefetch's background thread, `Pool` a parallel map's, and
`interleave` TF's interleave order, shared by Dataset.interleave and the
file readers' num_parallel_reads.
"""

import queue
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from ..framework import errors
from ..framework.graph import Tensor

__all__ = ["Closers", "Env", "Pipeline", "Producer", "Pool", "interleave", "END"]


class Closers:
    """What one running pipeline must release when its iterator closes or
    restarts: producer threads and pools first, then open files."""

    def __init__(self):
        self._lock = threading.Lock()
        self._items = {}  # id -> (rank, object with close())
        self.stopped = threading.Event()

    def add(self, obj, rank=1):
        """Registers `obj` (rank 0: closed first)."""
        with self._lock:
            if self.stopped.is_set():
                obj.close()
                raise errors.CancelledError(None, None, "Iterator was closed")
            self._items[id(obj)] = (rank, obj)
        return obj

    def discard(self, obj):
        """Forgets `obj` (it closed itself)."""
        with self._lock:
            self._items.pop(id(obj), None)

    def close(self):
        """Stops every producer, then closes every file."""
        self.stopped.set()
        with self._lock:
            items, self._items = sorted(self._items.values(), key=lambda ro: ro[0]), {}
        for _, obj in items:
            try:
                obj.close()
            except Exception:  # noqa: BLE001 - closing must finish
                pass


class Env:
    """One initialization of an iterator: its session, the values known for
    graph tensors (captures fed at initialization; a traced function's
    placeholders bound to the element it runs on), and the state shared by
    the pipeline's parts (compiled function calls, caches, epochs)."""

    def __init__(self, session, feeds, closers, state=None):
        self.session = session
        self.feeds = feeds  # id(tensor) -> (tensor, value)
        self.closers = closers
        self.state = state if state is not None else {"lock": threading.Lock()}

    def child(self, bindings):
        """This env with `bindings` ((tensor, value) pairs) known too."""
        feeds = dict(self.feeds)
        for t, v in bindings:
            feeds[id(t)] = (t, v)
        return Env(self.session, feeds, self.closers, self.state)

    def value(self, v):
        """The value of `v`: a NumPy value, or a graph tensor (fed, or run)."""
        if not isinstance(v, Tensor):
            return v
        hit = self.feeds.get(id(v))
        if hit is not None:
            return hit[1]
        # Bindings of other keys (a window's elements) are no graph feeds.
        return self.session.run(v, feed_dict={t: a for t, a in self.feeds.values()
                                              if isinstance(t, Tensor)})

    def int_value(self, v):
        """The value of `v` as a Python int."""
        return int(np.asarray(self.value(v)))

    def shared(self, key, create):
        """The pipeline-wide object under `key`, made by `create()` once."""
        with self.state["lock"]:
            obj = self.state.get(key)
            if obj is None:
                obj = self.state[key] = create()
            return obj

    def check(self):
        """Raises CancelledError once the iterator was closed."""
        if self.closers.stopped.is_set():
            raise errors.CancelledError(None, None, "Iterator was closed")


class Pipeline:
    """A running pipeline of one dataset: the elements of one iterator
    initialization, handed out by `next()` (each once)."""

    def __init__(self, dataset, session, feeds):
        self._closers = Closers()
        env = Env(session, {id(t): (t, v) for t, v in feeds}, self._closers)
        self._elements = dataset._iterate(env)
        self._done = False

    def next(self):
        """The next element's arrays (never aliasing the pipeline's own);
        OutOfRangeError at the end."""
        if self._done:
            raise errors.OutOfRangeError(None, None, "End of sequence")
        try:
            element = next(self._elements)
        except StopIteration:
            self._done = True
            raise errors.OutOfRangeError(None, None, "End of sequence") from None
        except errors.OpError:
            raise
        except RuntimeError as e:
            if "closed Session" in str(e):
                raise errors.CancelledError(None, None, "Session was closed") from None
            raise
        return [c if c.base is None and c.flags.owndata and c.flags.writeable else c.copy()
                for c in element]

    def close(self):
        """Ends the pipeline: producer threads stop, files close."""
        self._done = True
        self._closers.close()
        try:
            self._elements.close()
        except ValueError:  # still running in another thread: it ends at its next step
            pass


class Pool:
    """A thread pool of a parallel map, closed with its pipeline."""

    def __init__(self, workers):
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="fastgraph-map")

    def submit(self, fn, *args):
        return self._pool.submit(fn, *args)

    def close(self):
        self._pool.shutdown(wait=True, cancel_futures=True)


END = object()
"""What a Producer gives after the last element."""


class Producer:
    """The background thread of a prefetch: it runs the input pipeline and
    puts its elements (then the end, or the error) in a bounded queue."""

    def __init__(self, source, size, closers):
        self._queue = queue.Queue(maxsize=size)
        self._stop = threading.Event()
        self._waiting = False  # the consumer is blocked on an empty queue
        self._source = source
        self._closers = closers
        self._thread = threading.Thread(target=self._run, name="fastgraph-prefetch", daemon=True)
        self._thread.start()

    def _put(self, item):
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def _run(self):
        try:
            for element in self._source:
                if not self._put(element):
                    return
                if self._waiting:
                    # Hand the GIL to the consumer now rather than at the
                    # interpreter's next forced switch (milliseconds later).
                    time.sleep(0)
            self._put(END)
        except BaseException as e:  # noqa: BLE001 - handed to the consumer
            self._put(e)
        finally:
            self._source.close()

    def get(self):
        """The next element, or END."""
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                self._waiting = True
                try:
                    item = self._queue.get(timeout=0.05)
                except queue.Empty:
                    item = None
                finally:
                    self._waiting = False
            if item is None:
                if self._stop.is_set():
                    raise errors.CancelledError(None, None, "Iterator was closed") from None
                continue
            if isinstance(item, BaseException):
                raise item
            return item

    def close(self):
        """Stops the thread (it ends at its next element) and waits for it."""
        self._stop.set()
        if self._thread is not threading.current_thread():
            self._thread.join(timeout=1.0)  # a producer stuck in user code is a daemon
        self._closers.discard(self)


def interleave(source, open_one, cycle, block):
    """TF's InterleaveDataset order: round robin over `cycle` open inputs
    (`open_one(element)` of `source`'s elements), `block` elements from each
    in turn; an exhausted slot takes the next input when its turn comes."""
    current = [None] * cycle
    index = block_index = open_count = 0
    end_of_input = False
    try:
        while not end_of_input or open_count > 0:
            it = current[index]
            if it is not None:
                try:
                    element = next(it)
                except StopIteration:
                    current[index] = None
                    open_count -= 1
                    block_index, index = 0, (index + 1) % cycle
                    continue
                block_index += 1
                if block_index == block:
                    block_index, index = 0, (index + 1) % cycle
                yield element
            elif not end_of_input:
                try:
                    arg = next(source)
                except StopIteration:
                    end_of_input = True
                    continue
                current[index] = open_one(arg)
                open_count += 1
            else:
                block_index, index = 0, (index + 1) % cycle
    finally:
        for it in current:
            if it is not None:
                it.close()
        source.close()
