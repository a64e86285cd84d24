"""TFRecord framing, as TensorFlow writes event files and TFRecord files:
each record is its length (uint64, little-endian), the masked CRC-32C of
those 8 bytes, the data, and the masked CRC-32C of the data."""

import struct

from .._native.crc32c import masked_crc32c
from ..framework import errors

__all__ = ["frame_record", "read_records"]


def frame_record(data):
    """The bytes of one TFRecord holding `data`."""
    header = struct.pack("<Q", len(data))
    return b"".join((header, struct.pack("<I", masked_crc32c(header)), data,
                     struct.pack("<I", masked_crc32c(data))))


def read_records(f, path="<file>"):
    """Yields the data of each record read from the binary file `f`;
    DataLossError for a truncated record or a checksum that does not match
    (a file being written may end in a partial record: TF reports that as
    truncated too)."""
    offset = 0
    while True:
        header = f.read(12)
        if not header:
            return
        if len(header) < 12:
            raise errors.DataLossError(None, None, f"truncated record at {offset} in {path}")
        length, crc = struct.unpack("<QI", header)
        if masked_crc32c(header[:8]) != crc:
            raise errors.DataLossError(None, None,
                                       f"corrupted record at {offset} in {path}")
        body = f.read(length + 4) if length < (1 << 40) else b""
        if len(body) < length + 4:
            raise errors.DataLossError(None, None, f"truncated record at {offset} in {path}")
        data = body[:length]
        if masked_crc32c(data) != struct.unpack("<I", body[length:])[0]:
            raise errors.DataLossError(None, None,
                                       f"corrupted record at {offset} in {path}")
        offset += 12 + length + 4
        yield data
