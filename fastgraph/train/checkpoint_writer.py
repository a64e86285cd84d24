"""Writing TensorFlow V2 checkpoints (the tensor-bundle format of SaveV2):
`prefix.data-00000-of-00001`, the tensors' bytes one after another in the
order of their names, and `prefix.index`, a table (table_format.py) whose
first entry, under the empty key, is the BundleHeaderProto and whose other
entries map each name to its BundleEntryProto: dtype, shape, offset and
size in the data file, and the masked CRC-32C of the bytes.

Each file is written beside its final name and renamed into place, the data
file first, so a reader never sees a half-written checkpoint.
"""

import os
import struct
import uuid

import numpy as np

from .._native.crc32c import crc32c
from ..framework.dtypes import as_dtype
from .table_format import build_table

__all__ = ["write_checkpoint", "data_filename"]

# BundleHeaderProto{num_shards: 1, endianness: LITTLE (0, not written),
# version: VersionDef{producer: 1}}, as TF's BundleWriter writes it.
_HEADER = b"\x08\x01\x1a\x02\x08\x01"


def data_filename(prefix, shard=0, num_shards=1):
    """The name of one data file of the checkpoint `prefix`."""
    return f"{prefix}.data-{shard:05d}-of-{num_shards:05d}"


def _varint(v):
    out = bytearray()
    while v >= 0x80:
        out.append((v & 0x7F) | 0x80)
        v >>= 7
    out.append(v)
    return bytes(out)


def _field(number, wire, payload):
    return _varint(number << 3 | wire) + payload


def _message(number, body):
    return _field(number, 2, _varint(len(body)) + body)


def _entry(dtype_enum, shape, offset, size, crc):
    """A BundleEntryProto in proto3's encoding: fields at their default
    (zero) are left out; the shape is always present, empty for a scalar."""
    dims = b"".join(_message(2, _field(1, 0, _varint(d)) if d else b"") for d in shape)
    out = _field(1, 0, _varint(dtype_enum)) + _message(2, dims)
    if offset:
        out += _field(4, 0, _varint(offset))
    if size:
        out += _field(5, 0, _varint(size))
    crc = (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF
    return out + _field(6, 5, struct.pack("<I", crc))


def _little_endian(value):
    """A C-contiguous, little-endian array of `value`'s elements."""
    arr = np.asarray(value)
    if arr.dtype.kind == "O":
        raise TypeError("fastgraph writes numeric and bool tensors to checkpoints, not "
                        "strings")
    return arr.astype(arr.dtype.newbyteorder("<"), order="C", copy=False)


def _write_then_rename(path, chunks):
    tmp = f"{path}.tempstate{uuid.uuid4().hex}"
    try:
        with open(tmp, "wb") as f:
            for chunk in chunks:
                f.write(chunk)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def write_checkpoint(prefix, tensors):
    """Writes {name: array} as the V2 checkpoint `prefix`; returns `prefix`."""
    prefix = os.fspath(prefix)
    arrays = sorted((name.encode(), _little_endian(v)) for name, v in tensors.items())
    entries, offset = [(b"", _HEADER)], 0
    for key, arr in arrays:
        enum = as_dtype(arr.dtype.newbyteorder("=")).as_datatype_enum
        entries.append((key, _entry(enum, arr.shape, offset, arr.nbytes,
                                    crc32c(arr.reshape(-1).view(np.uint8)))))
        offset += arr.nbytes
    _write_then_rename(data_filename(prefix),
                       (arr.reshape(-1).view(np.uint8) for _, arr in arrays if arr.nbytes))
    _write_then_rename(prefix + ".index", [build_table(entries)])
    return prefix
