"""Reader ops: WholeFileReaderV2, TextLineReaderV2 and TFRecordReaderV2,
which give a reader's handle, and ReaderReadV2, ReaderReadUpToV2,
ReaderNumRecordsProducedV2, ReaderNumWorkUnitsCompletedV2 and
ReaderResetV2, which act on the reader a handle names.

A reader is a session resource (like the queues of `queue_ops.py`): it
takes work units (file names) from a string queue, dequeuing the next one
when it has read every record of the current one, and produces (key,
value) records: a whole file (key: its name), its lines (key:
"name:line number"), or its TFRecords (key: "name:byte offset"), read by
the formats `api/readers.py` registers. They are host ops; the public
classes are in `api/readers.py`.
"""

import threading

import numpy as np

from ..framework import dtypes, errors
from ..framework.graphdef_mapping import Attr, Input, NodeMapping
from ..framework.op_registry import NotDifferentiable, OpDef, register
from .queue_ops import _handle_bytes, _queue_of, deadline

__all__ = []  # the public classes are tf.compat.v1's (api/readers.py)

READER_TYPES = ("WholeFileReaderV2", "TextLineReaderV2", "TFRecordReaderV2")
ACTION_TYPES = ("ReaderReadV2", "ReaderReadUpToV2", "ReaderNumRecordsProducedV2",
                "ReaderNumWorkUnitsCompletedV2", "ReaderResetV2")


# How each reader type turns a work unit into records: fn(work unit name,
# the reader op's attrs) -> iterator of (key bytes, value bytes). The file
# formats are read by the TF API layer (api/readers.py registers them), as
# the TFRecord framing lives there.
_RECORDS = {}


def register_format(op_type, records):
    """Sets how readers of `op_type` read a work unit (see `_RECORDS`)."""
    if op_type not in READER_TYPES:
        raise KeyError(f"{op_type} is not a reader op type")
    _RECORDS[op_type] = records


def _records_of(op_type):
    def records(name, attrs):
        fn = _RECORDS.get(op_type)
        if fn is None:
            raise errors.UnimplementedError(None, None, f"{op_type} has no file format "
                                                        "registered (import fastgraph)")
        return fn(name, attrs)
    return records


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
    ctx.resource(("reader", key), lambda: Reader(_records_of(op.type), attrs))
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
