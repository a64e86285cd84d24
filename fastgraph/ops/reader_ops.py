"""Reader ops: WholeFileReaderV2, TextLineReaderV2 and TFRecordReaderV2,
which give a reader's handle, and ReaderReadV2, ReaderReadUpToV2,
ReaderNumRecordsProducedV2, ReaderNumWorkUnitsCompletedV2 and
ReaderResetV2, which act on the reader a handle names.

A reader is a session resource (like the queues of `queue_ops.py`): it
takes work units (file names) from a string queue, dequeuing the next one
when it has read every record of the current one, and produces (key,
value) records: a whole file (key: its name), its lines (key:
"name:line number", from 1, header lines counted; the newline and a
carriage return before it dropped), or its TFRecords (key: "name:byte
offset of the record"). They are host ops; the public classes are in
`api/readers.py`. Files are untrusted: a damaged TFRecord is DataLossError.
"""

import gzip
import io
import threading
import zlib

import numpy as np

from ..framework import dtypes, errors
from ..framework.graphdef_mapping import Attr, Input, NodeMapping
from ..framework.op_registry import NotDifferentiable, OpDef, register
from .queue_ops import _handle_bytes, _queue_of, deadline

__all__ = []  # the public classes are tf.compat.v1's (api/readers.py)

READER_TYPES = ("WholeFileReaderV2", "TextLineReaderV2", "TFRecordReaderV2")
ACTION_TYPES = ("ReaderReadV2", "ReaderReadUpToV2", "ReaderNumRecordsProducedV2",
                "ReaderNumWorkUnitsCompletedV2", "ReaderResetV2")


def _open(name):
    try:
        return open(name, "rb")
    except FileNotFoundError:
        raise errors.NotFoundError(None, None, f"{name}; No such file or directory") from None
    except IsADirectoryError:
        raise errors.FailedPreconditionError(None, None, f"{name}; Is a directory") from None
    except PermissionError:
        raise errors.PermissionDeniedError(None, None, f"{name}; Permission denied") from None


def _whole_file(name, attrs):
    with _open(name) as f:
        yield name.encode(), f.read()


def _text_lines(name, attrs):
    skip = attrs.get("skip_header_lines", 0)
    with _open(name) as f:
        for number, line in enumerate(f, start=1):
            if number <= skip:
                continue
            if line.endswith(b"\n"):
                line = line[:-1]
            if line.endswith(b"\r"):
                line = line[:-1]
            yield f"{name}:{number}".encode(), line


def _tf_records(name, attrs):
    # The framing lives with the event-file writer's (api/tf_record.py);
    # imported here, when a file is read, as the api package imports the ops.
    from ..api.tf_record import read_records

    kind = attrs.get("compression_type", "")
    with _open(name) as raw:
        if kind == "GZIP":
            f = gzip.GzipFile(fileobj=raw)
        elif kind == "ZLIB":
            try:
                f = io.BytesIO(zlib.decompress(raw.read()))
            except zlib.error as e:
                raise errors.DataLossError(None, None, f"{name}: {e}") from None
        elif kind == "":
            f = raw
        else:
            raise errors.InvalidArgumentError(None, None,
                                              f"Unsupported compression_type: {kind}")
        offset = 0
        try:
            for data in read_records(f, name):
                yield f"{name}:{offset}".encode(), data
                offset += 16 + len(data)
        except (OSError, EOFError) as e:  # a damaged gzip stream
            raise errors.DataLossError(None, None, f"{name}: {e}") from None


_RECORDS = {"WholeFileReaderV2": _whole_file, "TextLineReaderV2": _text_lines,
            "TFRecordReaderV2": _tf_records}


class Reader:
    """One reader of one session: its current work unit and counters. Its
    ops take turns (a lock), as TF's ReaderBase does."""

    def __init__(self, records, attrs):
        self._records = records  # fn(work unit name, attrs) -> iterator of (key, value)
        self._attrs = attrs
        self._lock = threading.Lock()
        self._current = None  # the iterator of the work unit being read
        self.records_produced = 0
        self.work_units_completed = 0

    def _next_work(self, queue, when):
        components = queue.dequeue(when)
        work = np.asarray(components[0], dtype=object).reshape(-1)
        if work.size != 1:
            raise errors.InvalidArgumentError(
                None, None, "Expected to dequeue a one-element string tensor, but got "
                            f"{work.size} elements")
        value = work[0]
        name = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
        self._current = self._records(name, self._attrs)

    def read_up_to(self, queue, n, when=None):
        """Up to `n` records of one work unit (at least one), dequeuing work
        units as needed; OutOfRangeError when the queue ends first."""
        keys, values = [], []
        with self._lock:
            while len(keys) < n:
                if self._current is None:
                    if keys:
                        break  # what one work unit gave
                    self._next_work(queue, when)
                try:
                    key, value = next(self._current)
                except StopIteration:
                    self._current = None
                    self.work_units_completed += 1
                    continue
                except errors.OpError:
                    self._current = None
                    raise
                keys.append(key)
                values.append(value)
                self.records_produced += 1
        return keys, values

    def reset(self):
        """Back to the state of a new reader."""
        with self._lock:
            self._current = None
            self.records_produced = 0
            self.work_units_completed = 0

    def close(self):
        """The session closed: the open file goes (closed when its iterator
        is collected: another thread may be inside it)."""
        self._current = None


def _reader_of(ctx, handle):
    key = ("reader", _handle_bytes(handle))

    def missing():
        raise errors.NotFoundError(None, None, f"Resource {key[1].decode(errors='replace')} "
                                               "does not exist.")
    return ctx.resource(key, missing)


def _reader_host(ctx, op, inputs):
    shared = op.attrs.get("shared_name", "")
    key = (f"shared:{shared}" if shared else f"node:{op.name}").encode()
    attrs = dict(op.attrs)
    ctx.resource(("reader", key), lambda: Reader(_RECORDS[op.type], attrs))
    return [np.array(key, dtype=object)]


def _strings(items):
    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out


def _read_host(ctx, op, inputs):
    keys, values = _reader_of(ctx, inputs[0]).read_up_to(_queue_of(ctx, inputs[1]), 1,
                                                        deadline(ctx))
    return [np.array(keys[0], dtype=object), np.array(values[0], dtype=object)]


def _read_up_to_host(ctx, op, inputs):
    n = int(np.asarray(inputs[2]))
    if n <= 0:
        raise errors.InvalidArgumentError(None, None,
                                          f"num_records must be greater than 0, got {n}")
    keys, values = _reader_of(ctx, inputs[0]).read_up_to(_queue_of(ctx, inputs[1]), n,
                                                        deadline(ctx))
    return [_strings(keys), _strings(values)]


def _records_produced_host(ctx, op, inputs):
    return [np.int64(_reader_of(ctx, inputs[0]).records_produced)]


def _work_units_host(ctx, op, inputs):
    return [np.int64(_reader_of(ctx, inputs[0]).work_units_completed)]


def _reset_host(ctx, op, inputs):
    _reader_of(ctx, inputs[0]).reset()
    return []


def _no_reference(op_type):
    def reference(inputs, attrs):
        raise NotImplementedError(f"{op_type} acts on a session's reader: it has no value "
                                  "outside a session")
    return reference


_SCALAR = lambda ctx: [()]  # noqa: E731
_STRING = lambda ctx: [dtypes.string]  # noqa: E731
_KEY_VALUE_SHAPES = lambda ctx: [(), ()]  # noqa: E731
_KEY_VALUE_UP_TO = lambda ctx: [(None,), (None,)]  # noqa: E731
_TWO_STRINGS = lambda ctx: [dtypes.string, dtypes.string]  # noqa: E731
_INT64 = lambda ctx: [dtypes.int64]  # noqa: E731
_NONE = lambda ctx: []  # noqa: E731

_SHARED = [Attr("container", default=""), Attr("shared_name", default="")]
_READER_ATTRS = {
    "WholeFileReaderV2": _SHARED,
    "TextLineReaderV2": [Attr("skip_header_lines", default=0)] + _SHARED,
    "TFRecordReaderV2": _SHARED + [Attr("compression_type", default="")],
}
for _op_type in READER_TYPES:
    register(OpDef(_op_type, shape=_SCALAR, dtype=_STRING, stateful=True, host=_reader_host,
                   reference=_no_reference(_op_type),
                   graphdef=NodeMapping((), _READER_ATTRS[_op_type])))

_READER_QUEUE = (Input("reader_handle"), Input("queue_handle"))
register(OpDef("ReaderReadV2", shape=_KEY_VALUE_SHAPES, dtype=_TWO_STRINGS, stateful=True,
               host=_read_host, reference=_no_reference("ReaderReadV2"),
               graphdef=NodeMapping(_READER_QUEUE, [])))
register(OpDef("ReaderReadUpToV2", shape=_KEY_VALUE_UP_TO, dtype=_TWO_STRINGS, stateful=True,
               host=_read_up_to_host, reference=_no_reference("ReaderReadUpToV2"),
               graphdef=NodeMapping(_READER_QUEUE + (Input("num_records"),), [])))
register(OpDef("ReaderNumRecordsProducedV2", shape=_SCALAR, dtype=_INT64, stateful=True,
               host=_records_produced_host,
               reference=_no_reference("ReaderNumRecordsProducedV2"),
               graphdef=NodeMapping((Input("reader_handle"),), [])))
register(OpDef("ReaderNumWorkUnitsCompletedV2", shape=_SCALAR, dtype=_INT64, stateful=True,
               host=_work_units_host,
               reference=_no_reference("ReaderNumWorkUnitsCompletedV2"),
               graphdef=NodeMapping((Input("reader_handle"),), [])))
register(OpDef("ReaderResetV2", shape=_NONE, dtype=_NONE, stateful=True, host=_reset_host,
               reference=_no_reference("ReaderResetV2"),
               graphdef=NodeMapping((Input("reader_handle"),), [])))

for _op_type in READER_TYPES + ACTION_TYPES:
    NotDifferentiable(_op_type)
