"""The LevelDB table format of a checkpoint's `.index` file, written and
read as TensorFlow's `lib/io/table` does: data blocks of prefix-compressed
entries with restart points, an empty metaindex block, an index block of
block handles, and a 48-byte footer ending in the table magic. Every block
is followed by a 5-byte trailer: its compression type (always none here)
and the masked CRC-32C of the block and that byte.

Written from the published format. Everything read is untrusted: a length,
count or handle that points outside its buffer, or a checksum that does not
match, raises DataLossError as TensorFlow does.
"""

import struct

from .._native.crc32c import masked_crc32c
from ..framework import errors

__all__ = ["build_table", "read_table"]

MAGIC = 0xDB4775248B80FB57
FOOTER_BYTES = 48
TRAILER_BYTES = 5
# TF's table::Options: 256 KiB blocks, a restart point every 16 keys (every
# key in the index block).
BLOCK_BYTES = 262144
RESTART_INTERVAL = 16
_MAX_VARINT64 = 10


def _data_loss(message):
    return errors.DataLossError(None, None, message)


def _varint_bytes(v):
    out = bytearray()
    while v >= 0x80:
        out.append((v & 0x7F) | 0x80)
        v >>= 7
    out.append(v)
    return bytes(out)


def _varint(buf, pos, end, what):
    """(value, next position) of a varint that must end before `end`."""
    result = shift = 0
    for _ in range(_MAX_VARINT64):
        if pos >= end:
            raise _data_loss(f"bad {what}: truncated varint")
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, pos
        shift += 7
    raise _data_loss(f"bad {what}: varint longer than 10 bytes")


# -- writing -----------------------------------------------------------------

class _BlockBuilder:
    """One block being filled: entries share the prefix of the key before
    them, except at restart points, whose offsets end the block."""

    def __init__(self, restart_interval):
        self._interval = restart_interval
        self._buf = bytearray()
        self._restarts = [0]
        self._counter = 0
        self._last_key = b""

    def empty(self):
        return not self._buf

    def add(self, key, value):
        shared = 0
        if self._counter < self._interval:
            limit = min(len(key), len(self._last_key))
            while shared < limit and key[shared] == self._last_key[shared]:
                shared += 1
        else:
            self._restarts.append(len(self._buf))
            self._counter = 0
        self._buf += _varint_bytes(shared) + _varint_bytes(len(key) - shared)
        self._buf += _varint_bytes(len(value)) + key[shared:] + value
        self._last_key = key
        self._counter += 1

    def size_estimate(self):
        return len(self._buf) + 4 * len(self._restarts) + 4

    def finish(self):
        return bytes(self._buf + struct.pack(f"<{len(self._restarts) + 1}I", *self._restarts,
                                             len(self._restarts)))


def _shortest_separator(start, limit):
    """A short key k with start <= k < limit (TF's bytewise comparator)."""
    n = min(len(start), len(limit))
    i = 0
    while i < n and start[i] == limit[i]:
        i += 1
    if i < n and start[i] < 0xFF and start[i] + 1 < limit[i]:
        return start[:i] + bytes([start[i] + 1])
    return start


def _short_successor(key):
    """A short key k >= key."""
    for i, b in enumerate(key):
        if b != 0xFF:
            return key[:i] + bytes([b + 1])
    return key


def build_table(items):
    """The bytes of a table holding `items`, (key bytes, value bytes) pairs
    in strictly increasing key order."""
    out = bytearray()

    def write_block(block):
        raw = block.finish() + b"\x00"
        offset = len(out)
        out.extend(raw)
        out.extend(struct.pack("<I", masked_crc32c(raw)))
        return _varint_bytes(offset) + _varint_bytes(len(raw) - 1)

    data = _BlockBuilder(RESTART_INTERVAL)
    index = _BlockBuilder(1)
    pending, last_key = None, None
    for key, value in items:
        if last_key is not None and key <= last_key:
            raise ValueError(f"table keys must be strictly increasing: {key!r} after "
                             f"{last_key!r}")
        if pending is not None:
            index.add(_shortest_separator(last_key, key), pending)
            pending = None
        data.add(key, value)
        last_key = key
        if data.size_estimate() >= BLOCK_BYTES:
            pending = write_block(data)
            data = _BlockBuilder(RESTART_INTERVAL)
    if not data.empty():
        pending = write_block(data)
    metaindex = write_block(_BlockBuilder(RESTART_INTERVAL))
    if pending is not None:
        index.add(_short_successor(last_key), pending)
    handles = metaindex + write_block(index)
    out += handles + bytes(FOOTER_BYTES - 8 - len(handles)) + struct.pack("<Q", MAGIC)
    return bytes(out)


# -- reading -----------------------------------------------------------------

def _handle(buf, pos, end, what):
    offset, pos = _varint(buf, pos, end, what)
    size, pos = _varint(buf, pos, end, what)
    return offset, size, pos


def _block_contents(data, offset, size, limit):
    """The bytes of the block at (offset, size), its trailer checked; the
    block and its trailer must end before `limit`."""
    if offset + size + TRAILER_BYTES > limit:
        raise _data_loss("truncated block read")
    raw = data[offset:offset + size + 1]
    stored, = struct.unpack_from("<I", data, offset + size + 1)
    if masked_crc32c(raw) != stored:
        raise _data_loss("block checksum mismatch")
    if data[offset + size] != 0:
        raise errors.UnimplementedError(None, None, "compressed checkpoint index blocks are "
                                        "not supported")
    return data[offset:offset + size]


def _entries(block):
    """The (key, value) entries of one block, every offset checked."""
    size = len(block)
    if size < 4:
        raise _data_loss("bad block contents")
    n_restarts, = struct.unpack_from("<I", block, size - 4)
    if n_restarts > (size - 4) // 4:
        raise _data_loss("bad block contents")
    end = size - 4 - 4 * n_restarts
    pos, key = 0, b""
    while pos < end:
        shared, pos = _varint(block, pos, end, "entry in block")
        unshared, pos = _varint(block, pos, end, "entry in block")
        value_len, pos = _varint(block, pos, end, "entry in block")
        if shared > len(key) or unshared + value_len > end - pos:
            raise _data_loss("bad entry in block")
        key = key[:shared] + bytes(block[pos:pos + unshared])
        pos += unshared
        yield key, bytes(block[pos:pos + value_len])
        pos += value_len


def read_table(data):
    """{key: value} of a table given as its bytes (a memoryview)."""
    if len(data) < FOOTER_BYTES:
        raise _data_loss("file is too short to be an sstable")
    footer_at = len(data) - FOOTER_BYTES
    if struct.unpack_from("<Q", data, len(data) - 8)[0] != MAGIC:
        raise _data_loss("not an sstable (bad magic number)")
    end = len(data) - 8
    meta_offset, meta_size, pos = _handle(data, footer_at, end, "block handle")
    index_offset, index_size, _ = _handle(data, pos, end, "block handle")
    # The metaindex holds nothing a checkpoint uses (no filters); its
    # checksum is still checked, so no byte of the file goes unverified.
    _block_contents(data, meta_offset, meta_size, footer_at)
    table, last = {}, None
    for _, handle in _entries(_block_contents(data, index_offset, index_size, footer_at)):
        offset, size, _ = _handle(handle, 0, len(handle), "block handle")
        for key, value in _entries(_block_contents(data, offset, size, footer_at)):
            if last is not None and key <= last:
                raise _data_loss("bad block contents: keys out of order")
            table[key] = value
            last = key
    return table
