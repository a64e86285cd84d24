"""Reading TensorFlow's V2 checkpoints (the tensor-bundle format `Saver`
writes): `prefix.index`, a LevelDB-format table mapping each tensor name to
a BundleEntryProto, and `prefix.data-NNNNN-of-MMMMM`, the raw tensor bytes.

Written from the published file formats: the LevelDB table layout (blocks of
prefix-compressed entries with restart points, a block index and a 48-byte
footer) and the protobuf wire format of tensor_bundle.proto. Only what a
restore needs is decoded; compressed blocks are refused.
"""

import os
import struct

import numpy as np

from ..framework import errors
from ..framework.dtypes import numpy_dtype_of_enum
from ..protobuf_wire import fields as _fields
from ..protobuf_wire import varint as _varint
from .checkpoint_management import prefix_of

__all__ = ["CheckpointReader", "NewCheckpointReader", "list_variables", "load_variable"]

_TABLE_MAGIC = 0xDB4775248B80FB57
_FOOTER = 48
_BLOCK_TRAILER = 5  # compression type byte + crc32c


def _numeric_dtype(enum):
    """The NumPy dtype of a tensor's DataType enum when its bytes can be read
    as an array (strings are stored otherwise), else None."""
    dt = numpy_dtype_of_enum(enum)
    return None if dt is None or dt.kind == "O" else dt


def _block(data, offset, size):
    """The (key, value) entries of one table block."""
    if data[offset + size] != 0:
        raise NotImplementedError("compressed checkpoint index blocks are not supported")
    block = data[offset:offset + size]
    n_restarts, = struct.unpack_from("<I", block, size - 4)
    end = size - 4 - 4 * n_restarts
    pos, key = 0, b""
    while pos < end:
        shared, pos = _varint(block, pos)
        unshared, pos = _varint(block, pos)
        value_len, pos = _varint(block, pos)
        key = key[:shared] + bytes(block[pos:pos + unshared])
        pos += unshared
        yield key, bytes(block[pos:pos + value_len])
        pos += value_len


def _read_table(path):
    with open(path, "rb") as f:
        data = memoryview(f.read())
    if len(data) < _FOOTER or struct.unpack_from("<Q", data, len(data) - 8)[0] != _TABLE_MAGIC:
        raise ValueError(f"{path} is not a TensorFlow checkpoint index")
    footer = data[len(data) - _FOOTER:]
    _, pos = _varint(footer, 0)            # metaindex offset
    _, pos = _varint(footer, pos)          # metaindex size
    index_offset, pos = _varint(footer, pos)
    index_size, pos = _varint(footer, pos)
    table = {}
    for _, handle in _block(data, index_offset, index_size):
        offset, p = _varint(handle, 0)
        size, _ = _varint(handle, p)
        table.update(_block(data, offset, size))
    return table


class _Entry:
    __slots__ = ("dtype", "shape", "shard", "offset", "size")

    def __init__(self, raw):
        self.dtype, self.shape, self.shard, self.offset, self.size = 0, [], 0, 0, 0
        for field, _, value in _fields(raw):
            if field == 1:
                self.dtype = value
            elif field == 2:
                for f2, _, dim in _fields(value):
                    if f2 == 2:
                        self.shape.append(next((v for f3, _, v in _fields(dim) if f3 == 1), 0))
            elif field == 3:
                self.shard = value
            elif field == 4:
                self.offset = value
            elif field == 5:
                self.size = value
            elif field == 7:
                raise NotImplementedError("partitioned (sliced) checkpoint tensors are not "
                                          "supported")


class CheckpointReader:
    """The tensors of one checkpoint, read lazily from its data files."""

    def __init__(self, prefix):
        prefix = os.fspath(prefix)
        index = prefix + ".index"
        if not os.path.exists(index):
            raise errors.NotFoundError(None, None, f"Unsuccessful TensorSliceReader "
                                       f"constructor: Failed to find any matching files "
                                       f"for {prefix}")
        table = _read_table(index)
        header = table.pop(b"", b"")
        self._shards = next((v for f, _, v in _fields(header) if f == 1), 1)
        self._prefix = prefix
        self._entries = {k.decode(): _Entry(v) for k, v in table.items()}

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
        """The tensor's value as a NumPy array."""
        entry = self._entries.get(name)
        if entry is None:
            raise errors.NotFoundError(None, None, f"Key {name} not found in checkpoint")
        np_dtype = _numeric_dtype(entry.dtype)
        if np_dtype is None:
            raise NotImplementedError(f"checkpoint tensor {name} has TF dtype enum "
                                      f"{entry.dtype}, which fastgraph does not read")
        path = f"{self._prefix}.data-{entry.shard:05d}-of-{self._shards:05d}"
        with open(path, "rb") as f:
            f.seek(entry.offset)
            raw = f.read(entry.size)
        return np.frombuffer(raw, dtype=np_dtype).reshape(entry.shape).copy()


def NewCheckpointReader(filepattern):  # noqa: N802 - TF's name
    """A CheckpointReader for the checkpoint with that prefix."""
    return CheckpointReader(filepattern)


def list_variables(ckpt_dir_or_file):
    """[(name, shape)] of the tensors in a checkpoint, sorted by name."""
    reader = CheckpointReader(prefix_of(ckpt_dir_or_file))
    return sorted(reader.get_variable_to_shape_map().items())


def load_variable(ckpt_dir_or_file, name):
    """One tensor of a checkpoint as a NumPy array."""
    return CheckpointReader(prefix_of(ckpt_dir_or_file)).get_tensor(name)
