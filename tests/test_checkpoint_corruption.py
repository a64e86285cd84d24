"""Checkpoint files are untrusted: a flipped byte anywhere in the index or
in a tensor's bytes, a truncated file, or a malformed entry raises
DataLossError (TF's class for it), never a wrong value or a crash."""

import pathlib
import shutil
import struct
import tempfile

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import fastgraph as tf
from fastgraph.train import table_format
from fastgraph.train.checkpoint_writer import write_checkpoint

VALUES = {"a": np.arange(6, dtype=np.float32).reshape(2, 3), "b": np.int64(-7),
          "c": np.array([True, False, True]), "d": np.zeros((0, 2), np.int32)}
DATA = ".data-00000-of-00001"


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    prefix = tmp_path_factory.mktemp("clean") / "m"
    write_checkpoint(prefix, VALUES)
    return prefix


def _copy(clean, tmp_path):
    for suffix in (".index", DATA):
        shutil.copy(str(clean) + suffix, str(tmp_path / "m") + suffix)
    return tmp_path / "m"


def _flip(path, pos, mask=0x01):
    b = bytearray(path.read_bytes())
    b[pos] ^= mask
    path.write_bytes(bytes(b))


def _read_all(prefix):
    reader = tf.train.NewCheckpointReader(str(prefix))
    return {k: reader.get_tensor(k) for k in reader.get_variable_to_shape_map()}


def test_the_clean_copy_reads(clean):
    got = _read_all(clean)
    for k, v in VALUES.items():
        np.testing.assert_array_equal(got[k], v)


@pytest.mark.parametrize("pos", range(0, 42, 3))
def test_a_flipped_data_byte_fails_its_tensors_checksum(clean, tmp_path, pos):
    prefix = _copy(clean, tmp_path)
    size = (tmp_path / ("m" + DATA)).stat().st_size
    _flip(tmp_path / ("m" + DATA), pos % size, 0x40)
    with pytest.raises(tf.errors.DataLossError, match="Checksum does not match"):
        _read_all(prefix)


def test_every_flipped_index_byte_is_data_loss(clean, tmp_path):
    index = (str(clean) + ".index")
    raw = open(index, "rb").read()
    size = len(raw)
    # The footer's zero padding after its two block handles is the one part
    # no checksum covers and no reader looks at (TF's neither).
    handles = len(raw[size - 48:size - 8].rstrip(b"\0"))
    padding = range(size - 48 + handles, size - 8)
    for pos in range(size):
        prefix = _copy(clean, tmp_path)
        _flip(tmp_path / "m.index", pos)
        if pos in padding:
            _read_all(prefix)
            continue
        with pytest.raises(tf.errors.DataLossError):
            _read_all(prefix)


def test_truncated_files(clean, tmp_path):
    for keep in (0, 10, 47, 100):
        prefix = _copy(clean, tmp_path)
        path = tmp_path / "m.index"
        path.write_bytes(path.read_bytes()[:keep])
        with pytest.raises(tf.errors.DataLossError):
            _read_all(prefix)
    prefix = _copy(clean, tmp_path)
    path = tmp_path / ("m" + DATA)
    path.write_bytes(path.read_bytes()[:30])
    with pytest.raises(tf.errors.DataLossError, match="past the end"):
        _read_all(prefix)


def test_restore_of_a_corrupt_checkpoint_raises_data_loss(clean, tmp_path):
    prefix = _copy(clean, tmp_path)
    _flip(tmp_path / ("m" + DATA), 5)
    with tf.Graph().as_default():
        a = tf.Variable(np.zeros((2, 3), np.float32), name="a")
        with tf.Session() as sess:
            with pytest.raises(tf.errors.DataLossError):
                tf.train.Saver([a]).restore(sess, str(prefix))


def _table_with(entries):
    """An index whose checksums are right but whose contents are `entries`."""
    return table_format.build_table(entries)


@pytest.mark.parametrize("entry,match", [
    (b"\x08\x01\x12\x04\x12\x02\x08\x05\x28\x99", "corrupted"),      # size varint cut off
    (b"\x08\x01\x12\x09\x12\x02", "corrupted"),                      # shape runs past the end
    (b"\x08\x01\x12\x04\x12\x02\x08\x03\x28\x10", "Invalid size"),   # 3 floats are not 16 bytes
    (b"\x08\x01\x12\x0d\x12\x0b\x08" + b"\xff" * 9 + b"\x01", "negative dimension"),
    (b"\x08\x01\x18\x03", "shard 3"),                                # only one shard
])
def test_malformed_entries_are_data_loss(tmp_path, entry, match):
    header = b"\x08\x01\x1a\x02\x08\x01"
    (tmp_path / "m.index").write_bytes(_table_with([(b"", header), (b"x", entry)]))
    (tmp_path / ("m" + DATA)).write_bytes(bytes(64))
    with pytest.raises(tf.errors.DataLossError, match=match):
        _read_all(tmp_path / "m")


def test_bad_header_and_block_structure(tmp_path):
    (tmp_path / "m.index").write_bytes(_table_with([(b"x", b"")]))
    with pytest.raises(tf.errors.DataLossError, match="no header"):
        _read_all(tmp_path / "m")
    (tmp_path / "m.index").write_bytes(_table_with([(b"", b"\x08\x00")]))
    with pytest.raises(tf.errors.DataLossError, match="number of shards"):
        _read_all(tmp_path / "m")
    # A data block whose restart count claims more than the block holds,
    # every checksum right.
    def raw_block(contents):
        return contents + b"\x00" + struct.pack(
            "<I", table_format.masked_crc32c(contents + b"\x00"))

    bad = struct.pack("<I", 1000)
    empty = struct.pack("<II", 0, 1)
    index = b"\x00\x01\x02x\x00\x04" + empty   # key "x" -> handle (0, 4)
    raw = raw_block(bad) + raw_block(empty) + raw_block(index)
    footer = bytes([9, len(empty), 9 + 13, len(index)])
    footer += bytes(40 - len(footer)) + struct.pack("<Q", table_format.MAGIC)
    (tmp_path / "m.index").write_bytes(raw + footer)
    with pytest.raises(tf.errors.DataLossError, match="bad block contents"):
        _read_all(tmp_path / "m")


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_random_damage_is_data_loss_or_reads_the_right_values(data):
    # Any number of random byte changes: the reader either raises
    # DataLossError or returns exactly what was written.
    with tempfile.TemporaryDirectory() as d:
        prefix = pathlib.Path(d) / "m"
        write_checkpoint(prefix, VALUES)
        which = data.draw(st.sampled_from([".index", DATA]))
        path = pathlib.Path(str(prefix) + which)
        raw = bytearray(path.read_bytes())
        for _ in range(data.draw(st.integers(1, 4))):
            pos = data.draw(st.integers(0, len(raw) - 1))
            raw[pos] = data.draw(st.integers(0, 255))
        path.write_bytes(bytes(raw))
        try:
            got = _read_all(prefix)
        except tf.errors.DataLossError:
            return
        assert sorted(got) == sorted(VALUES)
        for k, v in VALUES.items():
            np.testing.assert_array_equal(got[k], v)
