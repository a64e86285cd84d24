"""TF1's readers (`tf.compat.v1.ReaderBase`, `WholeFileReader`,
`TextLineReader`, `TFRecordReader`): they read records from the files
whose names a string queue gives (`string_input_producer`), one work unit
after another: a whole file (key: its name), its lines (key: "name:line
number", from 1, header lines counted; the newline and a carriage return
before it dropped), or its TFRecords (key: "name:byte offset of the
record"). The ops and the session-held readers are in `ops/reader_ops.py`;
the file formats are read here."""

import gzip
import io
import zlib

from ..framework import dtypes, errors
from ..framework.constant_op import convert_to_tensor
from ..framework.graph import Tensor, get_default_graph
from ..ops import reader_ops
from .tf_record import read_records

__all__ = ["ReaderBase", "WholeFileReader", "TextLineReader", "TFRecordReader"]


# -- the file formats (files are untrusted: a damaged TFRecord is DataLossError) ----

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


reader_ops.register_format("WholeFileReaderV2", _whole_file)
reader_ops.register_format("TextLineReaderV2", _text_lines)
reader_ops.register_format("TFRecordReaderV2", _tf_records)


class ReaderBase:
    """Base class for different Reader types, that produce a record every step.

    Conceptually, Readers convert string 'work units' into records (key,
    value pairs). Typically the 'work units' are filenames and the records
    are extracted from the contents of those files. A Reader dequeues a
    work unit from a queue when it has produced every record of the last.
    """

    def __init__(self, reader_ref, supports_serialize=False):
        """Creates a new ReaderBase from the reader op's output."""
        self._reader_ref = reader_ref
        self._supports_serialize = supports_serialize

    @property
    def reader_ref(self):
        """Op that implements the reader."""
        return self._reader_ref

    @property
    def supports_serialize(self):
        """Whether the Reader implementation can serialize its state."""
        return self._supports_serialize

    def _queue_ref(self, queue):
        return queue if isinstance(queue, Tensor) else queue.queue_ref

    def _op(self, op_type, inputs, name):
        graph = self._reader_ref.graph
        with graph.as_default():
            return graph.create_op(op_type, inputs, {}, name=name)

    def read(self, queue, name=None):
        """Returns the next record (key, value) pair produced by a reader.

        Will dequeue a work unit from queue if necessary (e.g. when the
        Reader needs to start reading from a new file since it has finished
        with the previous file).
        """
        op = self._op("ReaderReadV2", [self._reader_ref, self._queue_ref(queue)],
                      name or "ReaderReadV2")
        return op.outputs[0], op.outputs[1]

    def read_up_to(self, queue, num_records, name=None):
        """Returns up to num_records (key, value) pairs produced by a reader.

        Will dequeue a work unit from queue if necessary. It may return less
        than num_records even before the last batch.
        """
        graph = self._reader_ref.graph
        with graph.as_default():
            n = num_records if isinstance(num_records, Tensor) else \
                convert_to_tensor(num_records, dtype=dtypes.int64)
        op = self._op("ReaderReadUpToV2", [self._reader_ref, self._queue_ref(queue), n],
                      name or "ReaderReadUpToV2")
        return op.outputs[0], op.outputs[1]

    def num_records_produced(self, name=None):
        """Returns the number of records this reader has produced."""
        return self._op("ReaderNumRecordsProducedV2", [self._reader_ref],
                        name or "ReaderNumRecordsProducedV2").outputs[0]

    def num_work_units_completed(self, name=None):
        """Returns the number of work units this reader has finished processing."""
        return self._op("ReaderNumWorkUnitsCompletedV2", [self._reader_ref],
                        name or "ReaderNumWorkUnitsCompletedV2").outputs[0]

    def reset(self, name=None):
        """Restore a reader to its initial clean state."""
        return self._op("ReaderResetV2", [self._reader_ref], name or "ReaderResetV2")


def _reader_op(op_type, attrs, name):
    graph = get_default_graph()
    attrs = dict(attrs, container="", shared_name="")
    return graph.create_op(op_type, [], attrs, name=name or op_type).outputs[0]


class WholeFileReader(ReaderBase):
    """A Reader that outputs the entire contents of a file as a value.

    To use, enqueue filenames in a Queue. The output of Read will be a
    filename (key) and the contents of that file (value).
    """

    def __init__(self, name=None):
        """Create a WholeFileReader."""
        super().__init__(_reader_op("WholeFileReaderV2", {}, name))


class TextLineReader(ReaderBase):
    """A Reader that outputs the lines of a file delimited by newlines.

    Newlines are stripped from the output. Its keys are "filename:line"
    (line numbers from 1).
    """

    def __init__(self, skip_header_lines=None, name=None):
        """Create a TextLineReader that skips the first `skip_header_lines`
        lines of each file."""
        super().__init__(_reader_op("TextLineReaderV2",
                                    {"skip_header_lines": int(skip_header_lines or 0)}, name))


def _compression_type(options):
    if options is None:
        return ""
    if isinstance(options, str):
        kind = options
    else:
        kind = getattr(options, "compression_type", "") or ""
    if not isinstance(kind, str):  # TF's TFRecordCompressionType enum: 0, 1, 2
        kind = {0: "", 1: "ZLIB", 2: "GZIP"}.get(int(kind), str(kind))
    return {"NONE": ""}.get(kind.upper(), kind.upper())


class TFRecordReader(ReaderBase):
    """A Reader that outputs the records from a TFRecords file (keys:
    "filename:byte offset of the record")."""

    def __init__(self, name=None, options=None):
        """Create a TFRecordReader; `options` (a TFRecordOptions or a
        compression type: "", "ZLIB" or "GZIP") says how files are compressed."""
        super().__init__(_reader_op("TFRecordReaderV2",
                                    {"compression_type": _compression_type(options)}, name))
