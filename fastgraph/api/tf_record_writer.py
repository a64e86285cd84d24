"""`tf.io.TFRecordWriter`, `tf.io.TFRecordOptions`,
`TFRecordCompressionType` and TF1's `tf_record_iterator`: TFRecord files
written and read in Python, uncompressed or as one zlib or gzip stream
(TF's ZLIB and GZIP compression types), with the framing of `tf_record`."""

import gzip
import zlib

from ..framework import errors
from .tf_record import frame_record, read_records

__all__ = ["TFRecordCompressionType", "TFRecordOptions", "TFRecordWriter", "tf_record_iterator",
           "open_record_file"]


class TFRecordCompressionType:
    """The type of compression for the record."""

    NONE = 0
    ZLIB = 1
    GZIP = 2


class TFRecordOptions:
    """Options used for manipulating TFRecord files."""

    compression_type_map = {TFRecordCompressionType.ZLIB: "ZLIB",
                            TFRecordCompressionType.GZIP: "GZIP",
                            TFRecordCompressionType.NONE: ""}

    def __init__(self, compression_type=None, flush_mode=None, input_buffer_size=None,
                 output_buffer_size=None, window_bits=None, compression_level=None,
                 compression_method=None, mem_level=None, compression_strategy=None):
        """Creates a `TFRecordOptions` instance: `compression_type` is
        "GZIP", "ZLIB" or "" (no compression), or a TFRecordCompressionType;
        `compression_level` 0 to 9 (zlib's default when None),
        `window_bits`, `mem_level` and `compression_strategy` as zlib's;
        the buffer sizes and `flush_mode` are accepted and change nothing.
        ValueError for an unknown compression type."""
        self.get_compression_type_string(compression_type)
        self.compression_type = compression_type
        self.flush_mode = flush_mode
        self.input_buffer_size = input_buffer_size
        self.output_buffer_size = output_buffer_size
        self.window_bits = window_bits
        self.compression_level = compression_level
        self.compression_method = compression_method
        self.mem_level = mem_level
        self.compression_strategy = compression_strategy

    @classmethod
    def get_compression_type_string(cls, options):
        """Convert various option types to a unified string: 'ZLIB', 'GZIP'
        or '' from a TFRecordOptions, a TFRecordCompressionType or a string;
        ValueError if it is none of them."""
        if not options:
            return ""
        if isinstance(options, TFRecordOptions):
            return cls.get_compression_type_string(options.compression_type)
        if isinstance(options, int) and options in cls.compression_type_map:
            return cls.compression_type_map[options]
        if isinstance(options, str) and options in cls.compression_type_map.values():
            return options
        raise ValueError(f'Not a valid compression_type: "{options}"')


def _options(options):
    return options if isinstance(options, TFRecordOptions) else \
        TFRecordOptions(compression_type=options)


def _os_error(e, path):
    kind = errors.NotFoundError if e.errno == 2 else \
        errors.PermissionDeniedError if e.errno == 13 else \
        errors.FailedPreconditionError if e.errno in (20, 21) else errors.UnknownError
    return kind(None, None, f"{path}; {e.strerror}")


class _ZlibWriter:
    """A binary file that deflates what is written to it (one zlib or gzip
    stream, as TF's ZlibOutputBuffer writes)."""

    def __init__(self, f, options, gzip_wrapper):
        bits = options.window_bits if options.window_bits is not None else 15
        level = options.compression_level if options.compression_level is not None else \
            zlib.Z_DEFAULT_COMPRESSION
        self._f = f
        self._z = zlib.compressobj(
            level, zlib.DEFLATED, (bits & 15) + (16 if gzip_wrapper else 0),
            options.mem_level if options.mem_level is not None else 8,
            options.compression_strategy if options.compression_strategy is not None
            else zlib.Z_DEFAULT_STRATEGY)

    def write(self, data):
        self._f.write(self._z.compress(data))

    def flush(self):
        self._f.write(self._z.flush(zlib.Z_SYNC_FLUSH))
        self._f.flush()

    def close(self):
        self._f.write(self._z.flush(zlib.Z_FINISH))
        self._f.close()


class _ZlibReader:
    """A binary file read through zlib's decompression (the zlib or gzip
    stream of a compressed TFRecord file): `read(n)` gives at most n bytes,
    fewer only at the end; a corrupt stream raises DataLossError."""

    def __init__(self, f, gzip_wrapper, path):
        self._f = f
        self._z = zlib.decompressobj(15 + (16 if gzip_wrapper else 0))
        self._buf = bytearray()
        self._path = path

    def read(self, n):
        while len(self._buf) < n and not self._z.eof:
            chunk = self._f.read(1 << 16)
            try:
                if not chunk:
                    self._buf += self._z.flush()
                    break
                # Bounded output: a tiny stream may inflate without limit.
                self._buf += self._z.decompress(self._z.unconsumed_tail + chunk,
                                                max(n - len(self._buf), 1 << 16))
                while self._z.unconsumed_tail and len(self._buf) < n:
                    self._buf += self._z.decompress(self._z.unconsumed_tail, 1 << 16)
            except zlib.error as e:
                raise errors.DataLossError(None, None, f"{self._path}: corrupted compressed "
                                                       f"data ({e})") from None
        out = bytes(self._buf[:n])
        del self._buf[:n]
        return out

    def close(self):
        self._f.close()


def open_record_file(path, compression_type=""):
    """The binary reader of TFRecord file `path` whose records
    `tf_record.read_records` reads: the file itself, or its inflated
    stream for "ZLIB" and "GZIP". NotFoundError for a missing file."""
    try:
        f = open(path, "rb")
    except OSError as e:
        raise _os_error(e, path) from None
    if compression_type in ("ZLIB", "GZIP"):
        return _ZlibReader(f, compression_type == "GZIP", path)
    return f


class TFRecordWriter:
    """A class to write records to a TFRecords file.

    Each record is written with TFRecord framing (length, masked CRC-32C of
    the length, data, masked CRC-32C of the data); `options` (a string
    compression type, a TFRecordCompressionType or a TFRecordOptions)
    compresses the whole file with zlib or gzip. This class implements
    `__enter__` and `__exit__`, and can be used in `with` blocks like a
    normal file.
    """

    def __init__(self, path, options=None):
        """Opens file `path` and creates a `TFRecordWriter` writing to it;
        ValueError if no valid compression type follows from `options`."""
        options = _options(options)
        kind = TFRecordOptions.get_compression_type_string(options)
        self._path = path
        try:
            f = open(path, "wb")
        except OSError as e:
            raise _os_error(e, path) from None
        self._f = _ZlibWriter(f, options, kind == "GZIP") if kind else f
        self._closed = False

    def write(self, record):
        """Write a string record to the file."""
        if self._closed:
            raise errors.FailedPreconditionError(None, None, "Writer is closed.")
        if isinstance(record, str):
            record = record.encode()
        self._f.write(frame_record(bytes(record)))

    def flush(self):
        """Flush the file."""
        if self._closed:
            raise errors.FailedPreconditionError(None, None, "Writer is closed.")
        self._f.flush()

    def close(self):
        """Close the file."""
        if not self._closed:
            self._closed = True
            self._f.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def tf_record_iterator(path, options=None):
    """An iterator that read the records from a TFRecords file.

    Args:
      path: The path to the TFRecords file.
      options: (optional) A TFRecordOptions object (or compression type).

    Returns:
      An iterator of serialized TFRecords; a truncated or corrupted record
      raises DataLossError, a missing file NotFoundError.
    """
    kind = TFRecordOptions.get_compression_type_string(options)
    f = open_record_file(path, kind)
    return _records(f, path)


def _records(f, path):
    try:
        yield from read_records(f, path)
    except (EOFError, OSError, gzip.BadGzipFile) as e:
        raise errors.DataLossError(None, None, f"{path}: {e}") from None
    finally:
        f.close()
