"""`tf.train.QueueRunner`, `add_queue_runner` and `start_queue_runners`:
threads that run a queue's enqueue ops until the input ends, and close the
queue when the last of them does (or when their Coordinator stops)."""

import logging as _logging
import threading

from ..framework import errors
from ..framework.graph import GraphKeys, get_default_graph
from ..framework.meta_graph_protos import QueueRunnerDef
from ..framework.session_stack import get_default_session

__all__ = ["QueueRunner", "add_queue_runner", "start_queue_runners"]

# tf.logging's logger (tf_logging.py is the public layer above this one).
logging = _logging.getLogger("fastgraph")


class QueueRunner:
    """Holds a list of enqueue operations for a queue, each to be run in a thread.

    Queues are a convenient TensorFlow mechanism to compute tensors
    asynchronously using multiple threads. A QueueRunner's threads each run
    one enqueue op in a loop until it raises one of
    `queue_closed_exception_types` (the input is exhausted, or the queue
    was closed); the last one to end closes the queue with `close_op`. With
    a Coordinator, a stop request cancels the queue with `cancel_op`, and
    other errors are reported to the Coordinator.
    """

    def __init__(self, queue=None, enqueue_ops=None, close_op=None, cancel_op=None,
                 queue_closed_exception_types=None, queue_runner_def=None,
                 import_scope=None):
        """Create a QueueRunner for `queue` running `enqueue_ops` (one
        thread each). `close_op` defaults to `queue.close()`, `cancel_op` to
        `queue.close(cancel_pending_enqueues=True)`,
        `queue_closed_exception_types` to `(tf.errors.OutOfRangeError,)`."""
        self._lock = threading.Lock()
        self._runs_per_session = {}  # session -> enqueue threads still running
        self._exceptions_raised = []
        if queue_runner_def is not None:
            if queue or enqueue_ops:
                raise ValueError("queue_runner_def and queue are mutually exclusive.")
            self._init_from_proto(queue_runner_def, import_scope)
            return
        if not queue or not enqueue_ops:
            raise ValueError("Must provide queue and enqueue_ops.")
        if queue_closed_exception_types is not None:
            if (not isinstance(queue_closed_exception_types, tuple)
                    or not queue_closed_exception_types
                    or not all(isinstance(t, type) and issubclass(t, errors.OpError)
                               for t in queue_closed_exception_types)):
                raise TypeError("queue_closed_exception_types, when provided, must be a tuple "
                                "of tf.error types, but saw: "
                                f"{queue_closed_exception_types}")
        self._queue = queue
        self._enqueue_ops = list(enqueue_ops)
        self._close_op = close_op if close_op is not None else queue.close()
        self._cancel_op = cancel_op if cancel_op is not None else \
            queue.close(cancel_pending_enqueues=True)
        self._queue_closed_exception_types = tuple(queue_closed_exception_types or
                                                   (errors.OutOfRangeError,))

    def _init_from_proto(self, queue_runner_def, import_scope):
        # As TF's: the queue is then its op (the runner only needs its name).
        graph = get_default_graph()

        def element(name):
            return graph.as_graph_element(f"{import_scope}/{name}" if import_scope else name)
        self._queue = element(queue_runner_def.queue_name)
        self._enqueue_ops = [element(n) for n in queue_runner_def.enqueue_op_name]
        self._close_op = element(queue_runner_def.close_op_name)
        self._cancel_op = element(queue_runner_def.cancel_op_name)
        codes = list(queue_runner_def.queue_closed_exception_types)
        self._queue_closed_exception_types = tuple(
            type(errors.exception_for_code(c, None, "")) for c in codes) or \
            (errors.OutOfRangeError,)

    @property
    def queue(self):
        """The queue this runner fills."""
        return self._queue

    @property
    def enqueue_ops(self):
        """The enqueue ops, one thread each."""
        return self._enqueue_ops

    @property
    def close_op(self):
        """The op closing the queue when the last thread ends."""
        return self._close_op

    @property
    def cancel_op(self):
        """The op closing the queue and cancelling pending enqueues on a stop."""
        return self._cancel_op

    @property
    def queue_closed_exception_types(self):
        """The error types that end a thread cleanly."""
        return self._queue_closed_exception_types

    @property
    def exceptions_raised(self):
        """Exceptions raised but not handled by the threads (without a Coordinator)."""
        return self._exceptions_raised

    @property
    def name(self):
        """The string name of the underlying Queue."""
        return self._queue.name

    def to_proto(self, export_scope=None):
        """This runner as a `QueueRunnerDef` (names without `export_scope`),
        or None when its queue is not in that scope."""
        if export_scope is not None and not self.name.startswith(export_scope):
            return None

        def strip(name):
            if export_scope and name.startswith(export_scope + "/"):
                return name[len(export_scope) + 1:]
            return name
        return QueueRunnerDef(
            queue_name=strip(self.name),
            enqueue_op_name=[strip(op.name) for op in self._enqueue_ops],
            close_op_name=strip(self._close_op.name), cancel_op_name=strip(self._cancel_op.name),
            queue_closed_exception_types=[t(None, None, "").error_code
                                          for t in self._queue_closed_exception_types])

    @staticmethod
    def from_proto(queue_runner_def, import_scope=None):
        """A QueueRunner of the default graph from a `QueueRunnerDef`."""
        return QueueRunner(queue_runner_def=queue_runner_def, import_scope=import_scope)

    def _run(self, sess, enqueue_op, coord=None):
        decremented = False
        try:
            while True:
                if coord and coord.should_stop():
                    break
                try:
                    sess.run(enqueue_op)
                except self._queue_closed_exception_types:
                    with self._lock:
                        self._runs_per_session[sess] -= 1
                        decremented = True
                        if self._runs_per_session[sess] == 0:
                            try:
                                sess.run(self._close_op)
                            except Exception as e:  # noqa: BLE001 - as TF: ignored
                                logging.debug("Ignored exception: %s", str(e))
                        return
        except Exception as e:  # noqa: BLE001 - reported, as TF's
            if coord:
                coord.request_stop(e)
            else:
                logging.error("Exception in QueueRunner: %s", str(e))
                with self._lock:
                    self._exceptions_raised.append(e)
                raise
        finally:
            if not decremented:
                with self._lock:
                    self._runs_per_session[sess] -= 1

    def _close_on_stop(self, sess, cancel_op, coord):
        coord.wait_for_stop()
        try:
            sess.run(cancel_op)
        except Exception as e:  # noqa: BLE001 - as TF: ignored
            logging.debug("Ignored exception: %s", str(e))

    def create_threads(self, sess, coord=None, daemon=False, start=False):
        """Create threads to run the enqueue ops for the given session: one
        per enqueue op, plus one that cancels the queue when `coord` stops.
        Returns [] if threads for `sess` are still running."""
        with self._lock:
            if self._runs_per_session.get(sess, 0) > 0:
                return []
            self._runs_per_session[sess] = len(self._enqueue_ops)
            self._exceptions_raised = []
        threads = [threading.Thread(target=self._run, args=(sess, op, coord),
                                    name=f"QueueRunnerThread-{self.name}-{op.name}")
                   for op in self._enqueue_ops]
        if coord:
            threads.append(threading.Thread(
                target=self._close_on_stop, args=(sess, self._cancel_op, coord),
                name=f"QueueRunnerThread-{self.name}-close_on_stop"))
        for t in threads:
            if coord:
                coord.register_thread(t)
            if daemon:
                t.daemon = True
            if start:
                t.start()
        return threads


def add_queue_runner(qr, collection=GraphKeys.QUEUE_RUNNERS):
    """Adds a `QueueRunner` to a collection in the graph (by default
    QUEUE_RUNNERS, which `start_queue_runners()` starts)."""
    get_default_graph().add_to_collection(collection, qr)


def start_queue_runners(sess=None, coord=None, daemon=True, start=True,
                        collection=GraphKeys.QUEUE_RUNNERS):
    """Starts all queue runners collected in the graph; returns the list
    of all threads. `sess` defaults to the default session."""
    if sess is None:
        sess = get_default_session()
        if not sess:
            raise ValueError("Cannot start queue runners: No default session is registered. "
                             "Use `with sess.as_default()` or pass an explicit session to "
                             "tf.start_queue_runners(sess=sess)")
    if not hasattr(sess, "run") or not hasattr(sess, "graph"):
        if sess.__class__.__name__ in ("MonitoredSession", "SingularMonitoredSession"):
            return []
        raise TypeError(f"sess must be a `tf.Session` object. Given class: {sess.__class__}")
    runners = sess.graph.get_collection(collection)
    if not runners:
        logging.warning("`tf.train.start_queue_runners()` was called when no queue runners "
                        "were defined. You can safely remove the call to this deprecated "
                        "function.")
    threads = []
    with sess.graph.as_default():
        for qr in runners:
            threads.extend(qr.create_threads(sess, coord=coord, daemon=daemon, start=start))
    return threads
