"""The LevelDB table format of checkpoint indexes (train/table_format.py):
tables of many blocks round-trip, the index keys separate the blocks as
TF's bytewise comparator does, and the layout (restart points, trailers,
footer) is the published one, checked by hand on a small table."""

import struct

import pytest

from fastgraph._native.crc32c import masked_crc32c
from fastgraph.train import table_format
from fastgraph.train.table_format import (
    _short_successor, _shortest_separator, build_table, read_table,
)


def _items(n, width):
    return [(f"key/{i:06d}/".encode() + b"x" * width, bytes([i % 251]) * (i % 50))
            for i in range(n)]


@pytest.mark.parametrize("n,width", [(0, 0), (1, 0), (17, 3), (40, 9000), (3000, 100)])
def test_round_trip(n, width):
    items = _items(n, width)
    table = build_table(items)
    assert read_table(memoryview(table)) == dict(items)


def test_big_tables_have_several_blocks_of_about_the_block_size():
    items = _items(40, 20000)    # 800 KB of keys: blocks of 14 entries (>= 256 KiB)
    table = memoryview(build_table(items))
    footer = table[-48:]
    _, _, pos = table_format._handle(footer, 0, 40, "h")
    offset, size, _ = table_format._handle(footer, pos, 40, "h")
    index = list(table_format._entries(table[offset:offset + size]))
    blocks = []
    for sep, handle in index:
        off, n, _ = table_format._handle(handle, 0, len(handle), "h")
        blocks.append((sep, n, [k for k, _ in table_format._entries(table[off:off + n])]))
    assert [len(keys) for _, _, keys in blocks] == [14, 14, 12]
    assert all(n + 8 >= table_format.BLOCK_BYTES for _, n, _ in blocks[:-1])
    for (sep, _, keys), nxt in zip(blocks, blocks[1:] + [None]):
        assert keys[-1] <= sep and (nxt is None or sep < nxt[2][0])
    assert blocks[-1][0] == b"l"    # the short successor of the last key


def test_separator_and_successor_as_the_bytewise_comparator():
    assert _shortest_separator(b"abcdef", b"abzz") == b"abd"
    assert _shortest_separator(b"abc", b"abd") == b"abc"        # no room between
    assert _shortest_separator(b"ab", b"abc") == b"ab"          # a prefix
    assert _shortest_separator(b"a\xff", b"b") == b"a\xff"
    assert _short_successor(b"global_step") == b"h"
    assert _short_successor(b"\xff\xffa") == b"\xff\xffb"
    assert _short_successor(b"\xff") == b"\xff"


def test_layout_of_a_small_table_by_hand():
    table = build_table([(b"", b"H"), (b"ab", b"1"), (b"ac", b"22")])
    # Data block: entries (shared, unshared, value length, key suffix, value),
    # one restart point at 0, its count; then type 0 and the masked CRC.
    block = (b"\x00\x00\x01" + b"H" + b"\x00\x02\x01ab1" + b"\x01\x01\x02c22"
             + struct.pack("<II", 0, 1))
    assert table[:len(block)] == block
    assert table[len(block):len(block) + 5] == b"\x00" + struct.pack(
        "<I", masked_crc32c(block + b"\x00"))
    empty = struct.pack("<II", 0, 1)
    at = len(block) + 5
    assert table[at:at + 8] == empty                            # the metaindex
    index = b"\x00\x01\x02b" + bytes([0, len(block)]) + struct.pack("<II", 0, 1)
    at += 13
    assert table[at:at + len(index)] == index   # "b": the short successor of "ac"
    footer = bytes([len(block) + 5, 8, at, len(index)])
    assert table[-48:] == footer + bytes(36) + struct.pack("<Q", 0xDB4775248B80FB57)


def test_keys_must_increase():
    with pytest.raises(ValueError, match="strictly increasing"):
        build_table([(b"b", b""), (b"a", b"")])
