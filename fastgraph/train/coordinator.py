"""`tf.train.Coordinator` and `tf.train.LooperThread`: stopping a set of
threads together, and reporting the first exception one of them hit."""

import contextlib
import logging as _logging
import sys
import threading
import time

from ..framework import errors

__all__ = ["Coordinator", "LooperThread"]

# tf.logging's logger (tf_logging.py is the public layer above this one).
logging = _logging.getLogger("fastgraph")


class Coordinator:
    """A coordinator for threads.

    This class implements a simple mechanism to coordinate the termination
    of a set of threads: each thread loops until `should_stop()` is True;
    any thread can call `request_stop()` (with an exception, which `join()`
    re-raises) to ask every thread to stop; `join()` waits for the threads,
    giving them `stop_grace_period_secs` after a stop was requested.
    """

    def __init__(self, clean_stop_exception_types=None):
        """Create a new Coordinator.

        `clean_stop_exception_types`: exception types that stop the
        coordinator as `request_stop(None)` would, when reported to
        `request_stop(ex)`. Defaults to `(tf.errors.OutOfRangeError,)`, by
        which input queues signal the end of input.
        """
        if clean_stop_exception_types is None:
            clean_stop_exception_types = (errors.OutOfRangeError,)
        self._clean_stop_exception_types = tuple(clean_stop_exception_types)
        self._lock = threading.Lock()
        self._stop_event = threading.Event()
        self._exc_info_to_raise = None  # a sys.exc_info() triple, or None
        self._joined = False
        self._registered_threads = set()

    def _filter_exception(self, ex):
        value = ex[1] if isinstance(ex, tuple) else ex
        if isinstance(value, self._clean_stop_exception_types):
            return None
        return ex

    def request_stop(self, ex=None):
        """Request that the threads stop.

        After this is called, calls to `should_stop()` will return True.
        `ex`: an Exception, or a `sys.exc_info()` tuple, recorded (the first
        one only) and re-raised from `join()`. Once joined, a reported
        exception is raised here instead.
        """
        with self._lock:
            ex = self._filter_exception(ex)
            if self._joined:
                # Nobody is left to report it to.
                if isinstance(ex, tuple):
                    raise ex[1]
                if ex is not None:
                    raise ex
            if self._stop_event.is_set():
                return
            if ex is not None and self._exc_info_to_raise is None:
                if isinstance(ex, tuple):
                    logging.info("Error reported to Coordinator: %s", ex[1])
                    self._exc_info_to_raise = ex
                else:
                    logging.info("Error reported to Coordinator: %s, %s", type(ex), ex)
                    info = sys.exc_info()
                    if info[1] is not ex:
                        # Not called from the handler of `ex`: make a triple of it.
                        info = (type(ex), ex, getattr(ex, "__traceback__", None))
                    self._exc_info_to_raise = info
                if (len(self._exc_info_to_raise) != 3 or not self._exc_info_to_raise[0]
                        or not self._exc_info_to_raise[1]):
                    bad = self._exc_info_to_raise
                    self._exc_info_to_raise = None
                    raise ValueError(f"ex must be a tuple or sys.exc_info must return the "
                                     f"current exception: {bad}")
            self._stop_event.set()

    def clear_stop(self):
        """Clears the stop flag: `should_stop()` is False again."""
        with self._lock:
            self._joined = False
            self._exc_info_to_raise = None
            self._stop_event.clear()

    def should_stop(self):
        """Check if stop was requested."""
        return self._stop_event.is_set()

    @contextlib.contextmanager
    def stop_on_exception(self):
        """Context manager to request stop when an Exception is raised.

        An exception raised in its body is reported with `request_stop()`
        (and not re-raised), so that the thread's code stops cleanly.
        """
        try:
            yield
        except:  # noqa: E722 - as TF: every exception, reported
            self.request_stop(ex=sys.exc_info())

    def wait_for_stop(self, timeout=None):
        """Wait till the Coordinator is told to stop; True if it was,
        False if `timeout` (seconds) expired first."""
        return self._stop_event.wait(timeout)

    def register_thread(self, thread):
        """Register a thread to join."""
        with self._lock:
            self._registered_threads.add(thread)

    def join(self, threads=None, stop_grace_period_secs=120, ignore_live_threads=False):
        """Wait for threads to terminate.

        Blocks until the registered threads and `threads` have terminated
        or a stop was requested; then gives them `stop_grace_period_secs`.
        Re-raises an exception passed to `request_stop()`; otherwise raises
        RuntimeError if a thread is still alive (unless
        `ignore_live_threads`).
        """
        with self._lock:
            if threads is None:
                threads = self._registered_threads
            else:
                threads = self._registered_threads.union(set(threads))
            threads = list(threads)
        while any(t.is_alive() for t in threads) and not self.wait_for_stop(1.0):
            pass
        wait = 0.001
        grace = float(stop_grace_period_secs)
        while any(t.is_alive() for t in threads) and grace >= 0.0:
            time.sleep(wait)
            grace -= wait
            wait = max(min(2 * wait, grace), 0.001)
        stragglers = [t.name for t in threads if t.is_alive()]
        with self._lock:
            self._joined = True
            self._registered_threads = set()
            if self._exc_info_to_raise:
                raise self._exc_info_to_raise[1]
            if stragglers:
                if ignore_live_threads:
                    logging.info("Coordinator stopped with threads still running: %s",
                                 " ".join(stragglers))
                else:
                    raise RuntimeError("Coordinator stopped with threads still running: "
                                       + " ".join(stragglers))

    @property
    def joined(self):
        """Whether `join()` has returned (or raised)."""
        return self._joined

    def raise_requested_exception(self):
        """If an exception has been passed to `request_stop`, this raises it."""
        with self._lock:
            if self._exc_info_to_raise:
                raise self._exc_info_to_raise[1]


class LooperThread(threading.Thread):
    """A thread that runs code repeatedly, optionally on a timer, until its
    coordinator is told to stop; an exception in the code is reported to
    the coordinator."""

    def __init__(self, coord, timer_interval_secs, target=None, args=None, kwargs=None):
        """Create a LooperThread running `target(*args, **kwargs)` (or
        `run_loop()`) every `timer_interval_secs` (None: back to back)."""
        if not isinstance(coord, Coordinator):
            raise ValueError(f"'coord' argument must be a Coordinator: {coord}")
        super().__init__()
        self.daemon = True
        self._coord = coord
        self._timer_interval_secs = timer_interval_secs
        self._target = target
        if self._target:
            self._args = args or ()
            self._kwargs = kwargs or {}
        elif args or kwargs:
            raise ValueError("'args' and 'kwargs' argument require that you also pass 'target'")
        self._coord.register_thread(self)

    @staticmethod
    def loop(coord, timer_interval_secs, target, args=None, kwargs=None):
        """Start a LooperThread that calls a function periodically; returns it."""
        looper = LooperThread(coord, timer_interval_secs, target=target, args=args,
                              kwargs=kwargs)
        looper.start()
        return looper

    def run(self):
        """The thread's body: loops until the coordinator stops."""
        with self._coord.stop_on_exception():
            self.start_loop()
            if self._timer_interval_secs is None:
                while not self._coord.should_stop():
                    self.run_loop()
            else:
                next_time = time.time()
                while not self._coord.wait_for_stop(next_time - time.time()):
                    next_time += self._timer_interval_secs
                    self.run_loop()
            self.stop_loop()

    def start_loop(self):
        """Called when the thread starts."""

    def stop_loop(self):
        """Called when the thread stops."""

    def run_loop(self):
        """Called at 'timer_interval_secs' boundaries."""
        if self._target:
            self._target(*self._args, **self._kwargs)
