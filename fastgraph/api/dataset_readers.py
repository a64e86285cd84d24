"""Datasets that read files: `TextLineDataset`, `TFRecordDataset` and
`Dataset.list_files`.

Files open when the pipeline reaches them and close when they are read to
the end, or when the iterator closes or restarts (each open file is
registered with the pipeline's closers). Compressed files (GZIP, ZLIB) are
read through the standard library. A file's content is untrusted: a
corrupt record or stream raises DataLossError.
"""

import gzip
import os
import sqlite3
import zlib

import numpy as np

from ..framework import dtypes, errors
from ..framework.graph import Tensor, get_default_graph
from ..framework.static_values import constant_value
from ..ops.arguments import to_tensor
from ..ops.parsing_ops import decode_csv_value
from .data_structure import TensorSpec, as_array
from .dataset_ops import DatasetV2, _path, _scalar_arg
from .dataset_pipeline import interleave
from .tf_record import read_records

__all__ = ["TextLineDataset", "TFRecordDataset", "FixedLengthRecordDataset", "CsvDataset",
           "SqlDataset"]

_CSV_TYPES = (dtypes.float32, dtypes.float64, dtypes.int32, dtypes.int64, dtypes.string)

_COMPRESSION = ("", "GZIP", "ZLIB")


def _compression(value):
    if value is None:
        return ""
    if isinstance(value, Tensor):
        known = constant_value(value)
        if known is None:
            raise NotImplementedError("fastgraph needs `compression_type` when the graph is built")
        value = known
    value = np.asarray(value).item()
    value = value.decode() if isinstance(value, bytes) else str(value)
    if value not in _COMPRESSION:
        raise errors.InvalidArgumentError(None, None, f"Unsupported compression_type: {value}.")
    return value


class _ZlibFile:
    """A readable binary stream of a zlib-compressed file."""

    def __init__(self, raw):
        self._raw = raw
        self._inflate = zlib.decompressobj()
        self._buf = b""
        self._eof = False

    def _more(self):
        chunk = self._raw.read(1 << 16)
        try:
            if chunk:
                self._buf += self._inflate.decompress(chunk)
            else:
                self._buf += self._inflate.flush()
                self._eof = True
        except zlib.error as e:
            raise errors.DataLossError(None, None, f"corrupted zlib stream: {e}") from None

    def read(self, n=-1):
        while (n < 0 or len(self._buf) < n) and not self._eof:
            self._more()
        if n < 0:
            out, self._buf = self._buf, b""
        else:
            out, self._buf = self._buf[:n], self._buf[n:]
        return out

    def readline(self):
        while b"\n" not in self._buf and not self._eof:
            self._more()
        i = self._buf.find(b"\n")
        cut = len(self._buf) if i < 0 else i + 1
        out, self._buf = self._buf[:cut], self._buf[cut:]
        return out

    def close(self):
        self._raw.close()


class _GzipFile:
    """A gzip stream whose corruption errors are DataLossError."""

    def __init__(self, raw):
        self._file = gzip.GzipFile(fileobj=raw, mode="rb")
        self._raw = raw

    def _guard(self, fn, *args):
        try:
            return fn(*args)
        except (OSError, EOFError, zlib.error) as e:
            raise errors.DataLossError(None, None, f"corrupted gzip stream: {e}") from None

    def read(self, n=-1):
        return self._guard(self._file.read, n)

    def readline(self):
        return self._guard(self._file.readline)

    def close(self):
        self._file.close()
        self._raw.close()


def open_input(path, compression, closers):
    """`path` opened for reading (decompressed), registered with `closers`;
    NotFoundError naming it when it does not exist."""
    try:
        raw = open(path, "rb")  # noqa: SIM115 - closed by the pipeline's closers
    except FileNotFoundError:
        raise errors.NotFoundError(None, None, f"{path}; No such file or directory") from None
    except IsADirectoryError:
        raise errors.FailedPreconditionError(None, None, f"{path}; Is a directory") from None
    except OSError as e:
        raise errors.UnknownError(None, None, f"{path}; {e.strerror}") from None
    f = raw if not compression else _GzipFile(raw) if compression == "GZIP" else _ZlibFile(raw)
    return closers.add(f)


class _FileDataset(DatasetV2):
    """Reads the files named by `filenames` (a string, a list of them, a
    string tensor, or a dataset of strings), one element per record."""

    def __init__(self, filenames, compression_type, num_parallel_reads):
        if isinstance(filenames, DatasetV2):
            spec = filenames._spec
            if not isinstance(spec, TensorSpec) or spec.dtype != dtypes.string:
                raise TypeError("`filenames` must be a `tf.data.Dataset` of `tf.string` elements.")
            self._names = filenames
            self._children = (filenames,)
        else:
            if isinstance(filenames, Tensor) or hasattr(filenames, "_as_graph_element"):
                t = to_tensor(get_default_graph(), filenames)
                if t.dtype != dtypes.string:
                    raise TypeError("`filenames` must be a `tf.Tensor` of dtype `tf.string` "
                                    f"dtype. Got {t.dtype}")
                known = constant_value(t) if t.op.type == "Const" else None
                self._names = np.asarray(known, dtype=object) if known is not None else t
            else:
                self._names, _ = as_array(filenames, dtypes.string)
            if isinstance(self._names, Tensor):
                self._tensors = [self._names]
        self._compression = _compression(compression_type)
        self._parallel = 1 if num_parallel_reads is None else _scalar_arg(num_parallel_reads)
        if isinstance(self._parallel, Tensor):
            self._tensors = list(self._tensors) + [self._parallel]
        self._spec = TensorSpec((), dtypes.string)

    def _filenames(self, env):
        if isinstance(self._names, DatasetV2):
            for (name,) in self._names._iterate(env):
                yield _path(name.item() if isinstance(name, np.ndarray) else name)
            return
        names = np.asarray(env.value(self._names), dtype=object)
        if names.ndim > 1:
            raise errors.InvalidArgumentError(None, None, "`filenames` must be a scalar or a "
                                                          "vector.")
        for name in names.reshape(-1):
            yield _path(name)

    def _one_file(self, env, path):
        f = open_input(path, self._compression, env.closers)
        try:
            for record in self._records(f, path):
                yield (np.array(record, dtype=object),)
        finally:
            env.closers.discard(f)
            f.close()

    def _iterate(self, env):
        cycle = env.int_value(self._parallel)
        names = self._filenames(env)
        if cycle <= 1:
            for path in names:
                yield from self._one_file(env, path)
            return
        # TF reads num_parallel_reads files interleaved, one record each in turn.
        yield from interleave(names, lambda path: self._one_file(env, path), cycle, 1)


class TextLineDataset(_FileDataset):
    """A `Dataset` comprising lines from one or more text files (without
    their line endings, "\\n" or "\\r\\n")."""

    def __init__(self, filenames, compression_type=None, buffer_size=None,
                 num_parallel_reads=None, name=None):
        super().__init__(filenames, compression_type, num_parallel_reads)

    @staticmethod
    def _records(f, path):
        while True:
            line = f.readline()
            if not line:
                return
            if line.endswith(b"\n"):
                line = line[:-1]
                if line.endswith(b"\r"):
                    line = line[:-1]
            yield line


class TFRecordDataset(_FileDataset):
    """A `Dataset` comprising records from one or more TFRecord files."""

    def __init__(self, filenames, compression_type=None, buffer_size=None,
                 num_parallel_reads=None, name=None):
        super().__init__(filenames, compression_type, num_parallel_reads)

    @staticmethod
    def _records(f, path):
        return read_records(f, path)


class FixedLengthRecordDataset(_FileDataset):
    """A `Dataset` of fixed-length records from one or more binary files:
    each file is `header_bytes`, then records of `record_bytes`, then
    `footer_bytes`."""

    def __init__(self, filenames, record_bytes, header_bytes=None, footer_bytes=None,
                 buffer_size=None, compression_type=None, num_parallel_reads=None, name=None):
        super().__init__(filenames, compression_type, num_parallel_reads)
        self._record = _scalar_arg(record_bytes, name="record_bytes")
        self._header = _scalar_arg(header_bytes or 0, name="header_bytes")
        self._footer = _scalar_arg(footer_bytes or 0, name="footer_bytes")
        self._tensors = list(self._tensors) + [
            a for a in (self._record, self._header, self._footer) if isinstance(a, Tensor)]

    def _iterate(self, env):
        sizes = (env.int_value(self._record), env.int_value(self._header),
                 env.int_value(self._footer))
        if sizes[0] <= 0:
            raise errors.InvalidArgumentError(
                None, None, f"record_bytes must be greater than 0 but is {sizes[0]}")
        env.state[("sizes", id(self))] = sizes
        return super()._iterate(env)

    def _one_file(self, env, path):
        record, header, footer = env.state[("sizes", id(self))]
        f = open_input(path, self._compression, env.closers)
        try:
            if self._compression:
                data = f.read()[header:]
                body = data[:max(0, len(data) - footer)]
                count = len(body) // record
                chunks = (body[i * record:(i + 1) * record] for i in range(count))
            else:
                size = os.fstat(f.fileno()).st_size
                body = max(0, size - header - footer)
                if body % record:
                    raise errors.InvalidArgumentError(
                        None, None, f"Excluding the header ({header} bytes) and footer "
                                    f"({footer} bytes), input file \"{path}\" has body length "
                                    f"{body} bytes, which is not an exact multiple of the record "
                                    f"length ({record} bytes).")
                f.read(header)
                chunks = (f.read(record) for _ in range(body // record))
            for chunk in chunks:
                if len(chunk) < record:  # the file shrank while it was read
                    raise errors.DataLossError(None, None, f"truncated record in {path}")
                yield (np.array(chunk, dtype=object),)
        finally:
            env.closers.discard(f)
            f.close()


class CsvDataset(_FileDataset):
    """A Dataset comprising lines from one or more CSV files: each element
    is a tuple of scalars, one per selected column, typed by
    `record_defaults` (a dtype for a required column, or a default value).
    `header=True` skips the first line of each file."""

    def __init__(self, filenames, record_defaults, compression_type=None, buffer_size=None,
                 header=False, field_delim=",", use_quote_delim=True, na_value="",
                 select_cols=None, exclude_cols=None, name=None):
        super().__init__(filenames, compression_type, None)
        if select_cols is not None and exclude_cols is not None:
            raise ValueError("Either select_cols or exclude_cols should be empty")
        self._defaults, types = [], []
        for d in record_defaults:
            if isinstance(d, dtypes.DType):
                types.append(d)
                self._defaults.append(np.zeros(0, d.np_dtype if d != dtypes.string else object))
                continue
            if isinstance(d, Tensor):
                known = constant_value(d)
                if known is None:
                    raise NotImplementedError("fastgraph needs `record_defaults` when the "
                                              "graph is built")
                arr, dtype = np.asarray(known), d.dtype
            else:
                arr, dtype = as_array(d)
            if dtype not in _CSV_TYPES:
                raise TypeError(f"Unsupported type for a CSV column: {dtype}")
            types.append(dtype)
            self._defaults.append(arr.reshape(-1))
        self._types = tuple(types)
        self._header = bool(header)
        self._attrs = {"OUT_TYPE": self._types, "field_delim": field_delim,
                       "use_quote_delim": bool(use_quote_delim), "na_value": na_value}
        if select_cols is not None:
            cols = [int(c) for c in select_cols]
            if cols != sorted(set(cols)):
                raise errors.InvalidArgumentError(None, None, "select_cols is not strictly "
                                                              "increasing.")
            if len(cols) != len(types):
                raise ValueError("Expected as many record_defaults as select_cols.")
            self._attrs["select_cols"] = tuple(cols)
        elif exclude_cols is not None:
            drop = set(int(c) for c in exclude_cols)
            self._attrs["select_cols"] = tuple(
                c for c in range(len(types) + len(drop)) if c not in drop)
        self._spec = tuple(TensorSpec((), t) for t in self._types)

    def _one_file(self, env, path):
        f = open_input(path, self._compression, env.closers)
        try:
            lines = TextLineDataset._records(f, path)
            if self._header:
                next(lines, None)
            for line in lines:
                if not line:
                    continue
                cols = decode_csv_value([np.array(line, dtype=object)] + self._defaults,
                                        self._attrs)
                yield tuple(np.asarray(c) if c.dtype != object else np.array(c.item(),
                                                                             dtype=object)
                            for c in cols)
        finally:
            env.closers.discard(f)
            f.close()


class SqlDataset(DatasetV2):
    """A `Dataset` consisting of the results from a SQL query: each row is
    a tuple of scalars typed by `output_types` (SQLite, `driver_name`
    "sqlite")."""

    def __init__(self, driver_name, data_source_name, query, output_types):
        if str(driver_name) != "sqlite":
            raise errors.InvalidArgumentError(None, None, "The database type, "
                                                          f"{driver_name}, is not supported.")
        self._source = str(data_source_name)
        self._query = str(query)
        self._types = tuple(dtypes.as_dtype(t) for t in (
            output_types if isinstance(output_types, (tuple, list)) else (output_types,)))
        self._single = not isinstance(output_types, (tuple, list))
        specs = tuple(TensorSpec((), t) for t in self._types)
        self._spec = specs[0] if self._single else specs

    def _iterate(self, env):
        if not os.path.exists(self._source):
            raise errors.NotFoundError(None, None, f"{self._source}; No such file or directory")
        db = sqlite3.connect(f"file:{self._source}?mode=ro", uri=True, check_same_thread=False)
        env.closers.add(db)
        try:
            try:
                rows = db.execute(self._query)
            except sqlite3.Error as e:
                raise errors.InvalidArgumentError(None, None, f"SQLite error: {e}") from None
            for row in rows:
                if len(row) != len(self._types):
                    raise errors.InvalidArgumentError(
                        None, None, f"The number of columns in the query result ({len(row)}) "
                                    f"does not match the number of output types "
                                    f"({len(self._types)}).")
                yield tuple(_sql_value(v, t) for v, t in zip(row, self._types))
        finally:
            env.closers.discard(db)
            db.close()


def _sql_value(v, dtype):
    if dtype == dtypes.string:
        v = v if isinstance(v, bytes) else str(v).encode()
        return np.array(v, dtype=object)
    if dtype == dtypes.bool:
        return np.array(bool(v))
    try:
        return np.array(v, dtype=dtype.np_dtype)
    except (TypeError, ValueError, OverflowError):
        raise errors.InvalidArgumentError(None, None, f"Cannot convert {v!r} to "
                                                      f"{dtype.name}.") from None
