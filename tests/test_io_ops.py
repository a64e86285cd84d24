"""File ops (read_file, write_file, matching_files), tf.gfile's names and
TFRecord files (TFRecordWriter, tf_record_iterator, compression): checked
against the bytes on disk, the TFRecord framing written out here by hand,
and Python's gzip and zlib."""

import gzip
import struct
import zlib

import numpy as np
import pytest

import fastgraph as tf
from fastgraph._native.crc32c import masked_crc32c


# ---- file ops ---------------------------------------------------------------------

def test_write_then_read_a_file_creating_its_directory(tmp_path):
    path = str(tmp_path / "a" / "b" / "c.bin")
    data = bytes(range(256)) * 3
    with tf.Graph().as_default():
        w = tf.io.write_file(path, data)
        r = tf.read_file(path)
        with tf.Session() as sess:
            assert sess.run(w) is None
            assert sess.run(r) == data
    with open(path, "rb") as f:
        assert f.read() == data


def test_read_file_of_a_fed_name_and_missing_file(tmp_path):
    (tmp_path / "x.txt").write_bytes(b"hello")
    with tf.Graph().as_default():
        name = tf.placeholder(tf.string, [])
        contents = tf.io.read_file(name)
        assert contents.dtype == tf.string and contents.shape.as_list() == []
        with tf.Session() as sess:
            assert sess.run(contents, {name: str(tmp_path / "x.txt")}) == b"hello"
            missing = str(tmp_path / "nope")
            with pytest.raises(tf.errors.NotFoundError) as info:
                sess.run(contents, {name: missing})
            assert info.value.message == f"{missing}; No such file or directory"
            with pytest.raises(tf.errors.FailedPreconditionError):
                sess.run(contents, {name: str(tmp_path)})
            # The session stays usable.
            assert sess.run(contents, {name: str(tmp_path / "x.txt")}) == b"hello"


def test_read_file_rereads_a_changed_file(tmp_path):
    path = tmp_path / "f"
    with tf.Graph().as_default():
        r = tf.io.read_file(str(path))
        with tf.Session() as sess:
            path.write_bytes(b"one")
            assert sess.run(r) == b"one"
            path.write_bytes(b"two")
            assert sess.run(r) == b"two"


def test_matching_files_sorted_over_patterns(tmp_path):
    for n in ("b.txt", "a.txt", "c.dat"):
        (tmp_path / n).write_bytes(b"")
    with tf.Graph().as_default():
        one = tf.io.matching_files(str(tmp_path / "*.txt"))
        two = tf.matching_files([str(tmp_path / "*.dat"), str(tmp_path / "a*")])
        none = tf.io.matching_files(str(tmp_path / "*.zip"))
        with tf.Session() as sess:
            got1, got2, got3 = sess.run([one, two, none])
    base = str(tmp_path).encode()
    assert list(got1) == [base + b"/a.txt", base + b"/b.txt"]
    assert list(got2) == [base + b"/a.txt", base + b"/c.dat"]
    assert got3.shape == (0,) and got3.dtype == object


def test_write_file_refuses_non_scalar_contents(tmp_path):
    with tf.Graph().as_default():
        c = tf.placeholder(tf.string, [None])
        w = tf.io.write_file(str(tmp_path / "f"), c)
        with tf.Session() as sess:
            with pytest.raises(tf.errors.InvalidArgumentError, match="Contents tensor must be "
                                                                     "scalar"):
                sess.run(w, {c: np.array([b"a", b"b"], dtype=object)})


def test_file_ops_refuse_numbers():
    with tf.Graph().as_default():
        with pytest.raises(TypeError):
            tf.io.read_file(tf.constant(1.0))


def test_gfile_names_of_tf2_and_tf1(tmp_path):
    want2 = {"GFile", "copy", "exists", "get_registered_schemes", "glob", "isdir", "join",
             "listdir", "makedirs", "mkdir", "remove", "rename", "rmtree", "stat", "walk"}
    assert want2 <= set(vars(tf.io.gfile))
    want1 = {"Copy", "DeleteRecursively", "Exists", "FastGFile", "GFile", "Glob",
             "IsDirectory", "ListDirectory", "MakeDirs", "MkDir", "Open", "Remove", "Rename",
             "Stat", "Walk"}
    assert want1 <= set(vars(tf.gfile))
    p = str(tmp_path / "lines.txt")
    with tf.io.gfile.GFile(p, "w") as f:
        f.write("a\nb\n")
    with tf.gfile.Open(p) as f:
        assert f.seekable() and f.next() == "a\n" and f.readline() == "b\n"
    assert "file" in tf.io.gfile.get_registered_schemes()


# ---- TFRecords ----------------------------------------------------------------------

def _framed(data):
    # TFRecord framing written out by hand: length, masked crc of it, data, masked crc.
    head = struct.pack("<Q", len(data))
    return head + struct.pack("<I", masked_crc32c(head)) + data + \
        struct.pack("<I", masked_crc32c(data))


RECORDS = [b"", b"x", bytes(range(256)) * 40, "text".encode()]


def test_writer_writes_tf_record_framing(tmp_path):
    path = str(tmp_path / "r.tfrecord")
    with tf.io.TFRecordWriter(path) as w:
        for r in RECORDS:
            w.write(r)
        w.flush()
    assert open(path, "rb").read() == b"".join(_framed(r) for r in RECORDS)
    assert list(tf.compat.v1.io.tf_record_iterator(path)) == RECORDS
    assert list(tf.compat.v1.python_io.tf_record_iterator(path)) == RECORDS
    assert list(tf.python_io.tf_record_iterator(path)) == RECORDS  # TF1's tf.python_io
    assert list(tf.io.tf_record_iterator(path)) == RECORDS


@pytest.mark.parametrize("options,inflate", [
    ("GZIP", gzip.decompress),
    ("ZLIB", zlib.decompress),
    (tf.io.TFRecordOptions(compression_type="GZIP", compression_level=9), gzip.decompress),
    (tf.io.TFRecordOptions(compression_type=tf.compat.v1.io.TFRecordCompressionType.ZLIB),
     zlib.decompress),
    (tf.compat.v1.python_io.TFRecordCompressionType.GZIP, gzip.decompress),
])
def test_compressed_files_are_one_zlib_or_gzip_stream(tmp_path, options, inflate):
    path = str(tmp_path / "r.tfrecord")
    w = tf.compat.v1.python_io.TFRecordWriter(path, options=options)
    for r in RECORDS:
        w.write(r)
    w.close()
    w.close()  # a second close does nothing
    raw = open(path, "rb").read()
    assert inflate(raw) == b"".join(_framed(r) for r in RECORDS)
    assert len(raw) < sum(len(r) for r in RECORDS)
    assert list(tf.compat.v1.io.tf_record_iterator(path, options)) == RECORDS


def test_options_and_compression_type_strings():
    opts = tf.io.TFRecordOptions
    assert opts.get_compression_type_string(None) == ""
    assert opts.get_compression_type_string("GZIP") == "GZIP"
    assert opts.get_compression_type_string(1) == "ZLIB"
    assert opts.get_compression_type_string(opts(compression_type=2)) == "GZIP"
    with pytest.raises(ValueError, match='Not a valid compression_type: "LZ4"'):
        opts(compression_type="LZ4")


def test_writing_after_close_fails(tmp_path):
    w = tf.io.TFRecordWriter(str(tmp_path / "r"))
    w.close()
    with pytest.raises(tf.errors.FailedPreconditionError):
        w.write(b"x")


def test_corrupt_and_truncated_records_raise_data_loss(tmp_path):
    path = tmp_path / "r"
    good = b"".join(_framed(r) for r in RECORDS)
    flipped = bytearray(good)
    flipped[len(_framed(RECORDS[0])) + 14] ^= 0x40  # a data byte of the second record
    for bad in (bytes(flipped), good[:-3], good[:5]):
        path.write_bytes(bad)
        it = tf.compat.v1.io.tf_record_iterator(str(path))
        with pytest.raises(tf.errors.DataLossError):
            list(it)
    path.write_bytes(zlib.compress(good)[:-10] + b"\x00" * 10)
    with pytest.raises(tf.errors.DataLossError):
        list(tf.compat.v1.io.tf_record_iterator(str(path), "ZLIB"))
    with pytest.raises(tf.errors.NotFoundError):
        list(tf.compat.v1.io.tf_record_iterator(str(tmp_path / "missing")))


def test_fuzzed_compressed_bytes_never_crash(tmp_path):
    rng = np.random.default_rng(5)
    good = gzip.compress(b"".join(_framed(r) for r in RECORDS))
    path = tmp_path / "r"
    for _ in range(60):
        data = bytearray(good[:rng.integers(0, len(good) + 1)])
        for i in rng.integers(0, max(len(data), 1), size=3):
            if data:
                data[i % len(data)] = rng.integers(0, 256)
        path.write_bytes(bytes(data))
        try:
            list(tf.compat.v1.io.tf_record_iterator(str(path), "GZIP"))
        except tf.errors.DataLossError:
            pass
