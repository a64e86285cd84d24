"""Reading TensorFlow's V2 checkpoints (the tensor-bundle format `Saver`
writes): `prefix.index`, a LevelDB-format table (table_format.py) mapping
each tensor name to a BundleEntryProto, and `prefix.data-NNNNN-of-MMMMM`,
the raw tensor bytes.

Written from the published file formats (the table layout and the protobuf
wire format of tensor_bundle.proto). Only what a restore needs is decoded.
The files are untrusted: the block checksums of the index and the CRC-32C
of every tensor's bytes are checked, as are every length and count, and a
mismatch raises DataLossError as TensorFlow does.
"""

import os
import struct

import numpy as np

from .._native.crc32c import masked_crc32c
from ..framework import errors
from ..framework.dtypes import numpy_dtype_of_enum
from ..protobuf_wire import fields as _fields
from ..protobuf_wire import signed as _signed
from .checkpoint_management import prefix_of
from .checkpoint_writer import data_filename
from .table_format import read_table

__all__ = ["CheckpointReader", "NewCheckpointReader", "list_variables", "load_variable",
           "load_checkpoint"]

# More shards than this is a corrupt header, not a checkpoint.
_MAX_SHARDS = 1 << 20


def _numeric_dtype(enum):
    """The NumPy dtype of a tensor's DataType enum when its bytes can be read
    as an array (strings are stored otherwise), else None."""
    dt = numpy_dtype_of_enum(enum)
    return None if dt is None or dt.kind == "O" else dt


def _data_loss(message):
    return errors.DataLossError(None, None, message)


def _decoded(raw, what):
    """The fields of a message read from a file; malformed bytes are data loss."""
    try:
        return list(_fields(raw))
    except (IndexError, ValueError, struct.error):
        raise _data_loss(f"corrupted {what}") from None


class _Entry:
    __slots__ = ("dtype", "shape", "shard", "offset", "size", "crc")

    def __init__(self, key, raw):
        self.dtype, self.shape, self.shard, self.offset, self.size, self.crc = 0, [], 0, 0, 0, None
        what = f"BundleEntryProto of {key}"
        for field, wire, value in _decoded(raw, what):
            if field in (1, 3, 4, 5) and wire != 0 or field in (2, 7) and wire != 2 or (
                    field == 6 and wire != 5):
                raise _data_loss(f"corrupted {what}")
            if field == 1:
                self.dtype = value
            elif field == 2:
                for f2, w2, dim in _decoded(value, what):
                    if f2 == 3 and dim:
                        raise _data_loss(f"{what}: unknown rank")
                    if f2 != 2 or w2 != 2:
                        continue
                    size = next((_signed(v) for f3, w3, v in _decoded(dim, what)
                                 if f3 == 1 and w3 == 0), 0)
                    if size < 0:
                        raise _data_loss(f"{what}: negative dimension {size}")
                    self.shape.append(size)
            elif field == 3:
                self.shard = value
            elif field == 4:
                self.offset = value
            elif field == 5:
                self.size = value
            elif field == 6:
                self.crc = value
            elif field == 7:
                raise errors.UnimplementedError(None, None, "partitioned (sliced) checkpoint "
                                                "tensors are not supported")


class CheckpointReader:
    """The tensors of one checkpoint, read lazily from its data files."""

    def __init__(self, prefix):
        prefix = os.fspath(prefix)
        index = prefix + ".index"
        if not os.path.exists(index):
            raise errors.NotFoundError(None, None, f"Unsuccessful TensorSliceReader "
                                       f"constructor: Failed to find any matching files "
                                       f"for {prefix}")
        with open(index, "rb") as f:
            table = read_table(memoryview(f.read()))
        header = table.pop(b"", None)
        if header is None:
            raise _data_loss(f"{index}: the checkpoint index has no header entry")
        self._shards = 1
        for field, wire, value in _decoded(header, "BundleHeaderProto"):
            if field == 1 and wire == 0:
                self._shards = value
            elif field == 2 and wire == 0 and value != 0:
                raise errors.UnimplementedError(None, None, "big-endian checkpoints are not "
                                                "supported")
        if not 1 <= self._shards <= _MAX_SHARDS:
            raise _data_loss(f"{index}: bad number of shards {self._shards}")
        self._prefix = prefix
        self._entries = {}
        for key, raw in table.items():
            try:
                name = key.decode()
            except UnicodeDecodeError:
                raise _data_loss(f"{index}: a tensor name is not UTF-8") from None
            entry = _Entry(name, raw)
            if entry.shard >= self._shards:
                raise _data_loss(f"{index}: tensor {name} is in shard {entry.shard} of "
                                 f"{self._shards}")
            self._entries[name] = entry

    def get_variable_to_shape_map(self):
        """{tensor name: shape list}."""
        return {k: list(e.shape) for k, e in self._entries.items()}

    def get_variable_to_dtype_map(self):
        """{tensor name: NumPy dtype}."""
        out = {}
        for k, e in self._entries.items():
            dt = _numeric_dtype(e.dtype)
            out[k] = np.dtype(object) if dt is None else dt
        return out

    def has_tensor(self, name):
        """Whether the checkpoint holds a tensor of that name."""
        return name in self._entries

    def get_tensor(self, name):
        """The tensor's value as a NumPy array; its bytes are checked against
        the CRC-32C stored with it."""
        entry = self._entries.get(name)
        if entry is None:
            raise errors.NotFoundError(None, None, f"Key {name} not found in checkpoint")
        np_dtype = _numeric_dtype(entry.dtype)
        if np_dtype is None:
            raise errors.UnimplementedError(None, None, f"checkpoint tensor {name} has TF "
                                            f"dtype enum {entry.dtype}, which fastgraph "
                                            f"does not read")
        count = int(np.prod(entry.shape, dtype=object))
        if entry.size != count * np_dtype.itemsize:
            raise _data_loss(f"Invalid size in bundle entry: key {name}; stored size "
                             f"{entry.size}; expected size {count * np_dtype.itemsize}")
        path = data_filename(self._prefix, entry.shard, self._shards)
        try:
            with open(path, "rb") as f:
                if entry.offset + entry.size > os.fstat(f.fileno()).st_size:
                    raise _data_loss(f"{path}: tensor {name} ({entry.size} bytes at offset "
                                     f"{entry.offset}) runs past the end of the file")
                f.seek(entry.offset)
                raw = f.read(entry.size)
        except FileNotFoundError:
            raise errors.NotFoundError(None, None, f"{path}; No such file or directory") from None
        if entry.crc is not None:
            actual = masked_crc32c(raw)
            if actual != entry.crc:
                raise _data_loss(f"TensorBundle at {self._prefix} shard {entry.shard} "
                                 f"({entry.size} bytes): Checksum does not match: stored "
                                 f"{entry.crc} vs. calculated on the restored bytes {actual}")
        return np.frombuffer(raw, dtype=np_dtype.newbyteorder("<")).astype(
            np_dtype).reshape(entry.shape)


def NewCheckpointReader(filepattern):  # noqa: N802 - TF's name
    """A CheckpointReader for the checkpoint with that prefix."""
    return CheckpointReader(filepattern)


def load_checkpoint(ckpt_dir_or_file):
    """Returns a CheckpointReader for the checkpoint found in
    `ckpt_dir_or_file` (a prefix, or a directory whose `checkpoint` file
    names the latest one)."""
    return CheckpointReader(prefix_of(ckpt_dir_or_file))


def list_variables(ckpt_dir_or_file):
    """[(name, shape)] of the tensors in a checkpoint, sorted by name."""
    reader = CheckpointReader(prefix_of(ckpt_dir_or_file))
    return sorted(reader.get_variable_to_shape_map().items())


def load_variable(ckpt_dir_or_file, name):
    """One tensor of a checkpoint as a NumPy array."""
    return CheckpointReader(prefix_of(ckpt_dir_or_file)).get_tensor(name)
