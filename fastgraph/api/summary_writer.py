"""`tf.compat.v1.summary.FileWriter` and `FileWriterCache`: Summary protocol
buffers and other events written to event files for TensorBoard.

An event file is `events.out.tfevents.<time>.<hostname><suffix>` in the log
directory, a TFRecord file of serialized `Event`s, the first holding
`file_version: "brain.Event:2"`, as TensorFlow writes it. Writes are
buffered and reach the file on `flush()`, `close()`, or once `flush_secs`
have passed since the last flush (checked when an event is added; there is
no background thread).
"""

import os
import socket
import threading
import time
import weakref

from ..framework.graph import get_default_graph
from ..framework.summary_protos import Event, Summary, TaggedRunMetadata
from .tf_record import frame_record

__all__ = ["EventFileWriter", "FileWriter", "FileWriterCache"]

FILE_VERSION = "brain.Event:2"


class EventFileWriter:
    """Writes `Event` protocol buffers to an event file in `logdir`.

    The file is created with the first event, or at once when
    `filename_suffix` is given, as TensorFlow's EventsWriter does.
    """

    def __init__(self, logdir, max_queue=10, flush_secs=120, filename_suffix=None):
        self._logdir = str(logdir)
        os.makedirs(self._logdir, exist_ok=True)
        self._max_queue = max_queue
        self._flush_secs = flush_secs
        self._suffix = filename_suffix or ""
        self._lock = threading.Lock()
        self._file = None
        self._finalizer = None
        self._path = None
        self._last_flush = time.time()
        self._closed = False
        if self._suffix:
            self._open()

    def get_logdir(self):
        """Returns the directory where event file will be written."""
        return self._logdir

    @property
    def path(self):
        """The event file being written (None until it is created)."""
        return self._path

    def _open(self):
        now = int(time.time())
        name = f"events.out.tfevents.{now:010d}.{socket.gethostname()}{self._suffix}"
        self._path = os.path.join(self._logdir, name)
        self._file = open(self._path, "wb")  # noqa: SIM115 - held until close()
        # A writer dropped unclosed still leaves its events in the file.
        self._finalizer = weakref.finalize(self, self._file.close)
        first = Event(wall_time=now, file_version=FILE_VERSION)
        first.source_metadata.writer = "fastgraph"
        self._file.write(frame_record(first.SerializeToString()))

    def add_event(self, event):
        """Adds an event (an `Event` or its serialized bytes) to the event file."""
        data = event if isinstance(event, bytes) else event.SerializeToString()
        with self._lock:
            if self._closed:
                return
            if self._file is None:
                self._open()
            self._file.write(frame_record(data))
            if time.time() - self._last_flush >= self._flush_secs:
                self._flush_locked()

    def _flush_locked(self):
        if self._file is not None:
            self._file.flush()
        self._last_flush = time.time()

    def flush(self):
        """Flushes the event file to disk: every event added is in the file."""
        with self._lock:
            self._flush_locked()

    def close(self):
        """Flushes the event file to disk and closes the file."""
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._finalizer.detach()
                self._file = None
            self._closed = True

    def reopen(self):
        """Reopens the EventFileWriter: events added afterwards go to a new
        event file in the same directory. Does nothing if it is not closed."""
        with self._lock:
            if self._closed:
                self._closed = False
                self._path = None
                if self._suffix:
                    self._open()


class FileWriter:
    """Writes `Summary` protocol buffers to event files.

    The `FileWriter` class provides a mechanism to create an event file in a
    given directory and add summaries and events to it. The class updates the
    file contents asynchronously in TF; here writes are buffered and reach
    the file on `flush()`, `close()` or every `flush_secs`.

    When constructed with a `graph` (or `graph_def`), the graph is written to
    the event file so that TensorBoard can show it, if it can be exported:
    a graph without `as_graph_def` writes nothing for it. `session` (TF's
    writer through summary ops of a session) is accepted and not needed:
    the events are written by this writer either way.

    ```python
    ...create a graph...
    sess = tf.compat.v1.Session()
    writer = tf.compat.v1.summary.FileWriter(<some-directory>, sess.graph)
    ```
    """

    def __init__(self, logdir, graph=None, max_queue=10, flush_secs=120, graph_def=None,
                 filename_suffix=None, session=None):
        self.event_writer = EventFileWriter(logdir, max_queue, flush_secs, filename_suffix)
        self._closed = False
        self._session_run_tags = {}
        self._seen_summary_tags = set()
        if graph is not None or graph_def is not None:
            self.add_graph(graph=graph, graph_def=graph_def)

    def __enter__(self):
        """Make usable with "with" statement."""
        return self

    def __exit__(self, *exc):
        """Make usable with "with" statement."""
        self.close()

    def get_logdir(self):
        """Returns the directory where event file will be written."""
        return self.event_writer.get_logdir()

    def add_summary(self, summary, global_step=None):
        """Adds a `Summary` protocol buffer to the event file.

        This method wraps the provided summary in an `Event` protocol buffer
        and adds it to the event file. You can pass the result of evaluating
        any summary op, using `tf.Session.run` or `tf.Tensor.eval`, to this
        function. Alternatively, you can pass a `tf.compat.v1.Summary` protocol
        buffer that you populate with your own data.

        Args:
          summary: A `Summary` protocol buffer, optionally serialized as a string.
          global_step: Number. Optional global step value to record with the
            summary.
        """
        if isinstance(summary, (bytes, bytearray, memoryview)):
            summary = Summary.FromString(bytes(summary))
        else:
            # A copy (of ours, or of TensorFlow's Summary, by its bytes).
            summary = Summary.FromString(summary.SerializeToString())
        # As TF: a tag's metadata is written with its first value only.
        for value in summary.value:
            if not value.HasField("metadata"):
                continue
            if value.tag in self._seen_summary_tags:
                value.ClearField("metadata")
                continue
            self._seen_summary_tags.add(value.tag)
        self._add_event(Event(summary=summary), global_step)

    def add_session_log(self, session_log, global_step=None):
        """Adds a `SessionLog` protocol buffer to the event file.

        This method wraps the provided session in an `Event` protocol buffer
        and adds it to the event file.
        """
        self._add_event(Event(session_log=session_log), global_step)

    def add_graph(self, graph, global_step=None, graph_def=None):
        """Adds a `Graph` to the event file.

        The graph described by the protocol buffer will be displayed by
        TensorBoard. Most users pass a graph in the constructor instead.
        A fastgraph Graph that cannot export a GraphDef (no `as_graph_def`)
        writes nothing; a `graph_def` (a GraphDef with SerializeToString, or
        its bytes) is written as given.
        """
        if graph is not None and graph_def is not None:
            raise ValueError("Please pass only graph, or graph_def (deprecated), but not both.")
        if graph_def is None:
            export = getattr(graph, "as_graph_def", None)
            if export is None:
                return
            graph_def = export(add_shapes=True)
        data = graph_def if isinstance(graph_def, bytes) else graph_def.SerializeToString()
        self._add_event(Event(graph_def=data), global_step)

    def add_meta_graph(self, meta_graph_def, global_step=None):
        """Adds a `MetaGraphDef` (with SerializeToString, or its bytes) to the event file."""
        data = meta_graph_def if isinstance(meta_graph_def, bytes) else \
            meta_graph_def.SerializeToString()
        self._add_event(Event(meta_graph_def=data), global_step)

    def add_run_metadata(self, run_metadata, tag, global_step=None):
        """Adds a metadata information for a single session.run() call.

        Args:
          run_metadata: A `RunMetadata` protobuf object (anything with
            SerializeToString, or its bytes).
          tag: The tag name for this metadata.
          global_step: Number. Optional global step counter to record with the
            StepStats.

        Raises:
          ValueError: If the provided tag was already used for this type of event.
        """
        if tag in self._session_run_tags:
            raise ValueError("The provided tag was already used for this event type")
        self._session_run_tags[tag] = True
        if isinstance(run_metadata, bytes):
            data = run_metadata
        elif hasattr(run_metadata, "SerializeToString"):
            data = run_metadata.SerializeToString()
        else:
            # Not a message: an empty RunMetadata.
            data = b""
        self._add_event(Event(tagged_run_metadata=TaggedRunMetadata(
            tag=tag, run_metadata=data)), global_step)

    def _add_event(self, event, step):
        event.wall_time = time.time()
        if step is not None:
            event.step = int(step)
        self.add_event(event)

    def add_event(self, event):
        """Adds an event to the event file.

        Args:
          event: An `Event` protocol buffer.
        """
        if not self._closed:
            self.event_writer.add_event(event)

    def flush(self):
        """Flushes the event file to disk.

        Call this method to make sure that all pending events have been
        written to disk.
        """
        self.event_writer.flush()

    def close(self):
        """Flushes the event file to disk and close the file.

        Call this method when you do not need the summary writer anymore.
        """
        self.event_writer.close()
        self._closed = True

    def reopen(self):
        """Reopens the EventFileWriter.

        Can be called after `close()` to add more events in the same directory.
        The events will go into a new events file. Does nothing if the
        EventFileWriter was not closed.
        """
        self.event_writer.reopen()
        self._closed = False


class FileWriterCache:
    """Cache for file writers: one FileWriter per directory."""

    _cache = {}
    _lock = threading.RLock()

    @staticmethod
    def clear():
        """Clear cached summary writers. Currently only used for unit tests."""
        with FileWriterCache._lock:
            for item in FileWriterCache._cache.values():
                item.close()
            FileWriterCache._cache = {}

    @staticmethod
    def get(logdir):
        """Returns the FileWriter for the specified directory.

        Args:
          logdir: str, name of the directory.

        Returns:
          A `FileWriter`.
        """
        with FileWriterCache._lock:
            if logdir not in FileWriterCache._cache:
                FileWriterCache._cache[logdir] = FileWriter(logdir, graph=get_default_graph())
            return FileWriterCache._cache[logdir]
