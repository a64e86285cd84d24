"""TF1's readers against hand-computed records: WholeFileReader,
TextLineReader (header lines, line numbers, \\r\\n), TFRecordReader (byte
offsets, damaged files), read_up_to, the counters, reset, and a reader fed
by string_input_producer under queue runners."""

import gzip
import os

import pytest

import fastgraph as tf
from fastgraph.api.tf_record import frame_record


@pytest.fixture
def files(tmp_path):
    text = tmp_path / "a.txt"
    text.write_bytes(b"header\nl1\r\nl2\n\nl4")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    records = tmp_path / "r.tfrecord"
    records.write_bytes(frame_record(b"rec0") + frame_record(b"record1") + frame_record(b""))
    return {"text": str(text), "empty": str(empty), "records": str(records),
            "dir": tmp_path}


def _queue_of(names):
    q = tf.FIFOQueue(10, tf.string)
    return q, q.enqueue_many([names]), q.close()


def test_text_line_reader(files):
    t, e = files["text"], files["empty"]
    with tf.Graph().as_default():
        q, fill, close = _queue_of([t, e, t])
        reader = tf.TextLineReader(skip_header_lines=1)
        key, value = reader.read(q)
        assert key.shape.as_list() == [] and value.dtype == tf.string
        keys, values = reader.read_up_to(q, 3)
        produced, done = reader.num_records_produced(), reader.num_work_units_completed()
        with tf.Session() as sess:
            sess.run(fill)
            sess.run(close)
            assert sess.run([key, value]) == [f"{t}:2".encode(), b"l1"]
            k, v = sess.run([keys, values])
            assert k.tolist() == [f"{t}:{i}".encode() for i in (3, 4, 5)]
            assert v.tolist() == [b"l2", b"", b"l4"]
            assert sess.run([produced, done]) == [4, 0]
            # The empty file gives nothing; the third work unit starts over.
            rest = [sess.run([key, value]) for _ in range(4)]
            assert [r[1] for r in rest] == [b"l1", b"l2", b"", b"l4"]
            with pytest.raises(tf.errors.OutOfRangeError, match="is closed and has insufficient"):
                sess.run(value)
            assert sess.run([produced, done]) == [8, 3]
            sess.run(reader.reset())
            assert sess.run([produced, done]) == [0, 0]


def test_read_up_to_stays_in_one_work_unit(files):
    t = files["text"]
    with tf.Graph().as_default():
        q, fill, close = _queue_of([t, t])
        keys, values = tf.TextLineReader().read_up_to(q, 4)
        with tf.Session() as sess:
            sess.run(fill)
            sess.run(close)
            first = sess.run(values).tolist()
            second = sess.run(values).tolist()
            assert first == [b"header", b"l1", b"l2", b""]
            assert second == [b"l4"]  # the rest of the first file only
            assert sess.run(values).tolist() == [b"header", b"l1", b"l2", b""]


def test_tf_record_reader(files):
    r = files["records"]
    with tf.Graph().as_default():
        q, fill, close = _queue_of([r])
        key, value = tf.TFRecordReader().read(q)
        with tf.Session() as sess:
            sess.run(fill)
            sess.run(close)
            # Each record: 12 bytes of header, the data, 4 bytes of CRC.
            assert sess.run([key, value]) == [f"{r}:0".encode(), b"rec0"]
            assert sess.run([key, value]) == [f"{r}:20".encode(), b"record1"]
            assert sess.run([key, value]) == [f"{r}:43".encode(), b""]
            with pytest.raises(tf.errors.OutOfRangeError):
                sess.run(key)


def test_tf_record_reader_gzip(files):
    path = os.path.join(files["dir"], "r.tfrecord.gz")
    with gzip.open(path, "wb") as f:
        f.write(frame_record(b"zipped") + frame_record(b"again"))
    with tf.Graph().as_default():
        q, fill, close = _queue_of([path])
        _, value = tf.TFRecordReader(options="GZIP").read(q)
        with tf.Session() as sess:
            sess.run(fill)
            assert [sess.run(value), sess.run(value)] == [b"zipped", b"again"]


def test_damaged_tf_record_is_data_loss(files):
    path = os.path.join(files["dir"], "bad.tfrecord")
    data = bytearray(frame_record(b"hello"))
    data[14] ^= 0xFF  # a byte of the data: its CRC no longer matches
    open(path, "wb").write(bytes(data) + frame_record(b"next")[:7])
    with tf.Graph().as_default():
        q, fill, close = _queue_of([path])
        _, value = tf.TFRecordReader().read(q)
        with tf.Session() as sess:
            sess.run(fill)
            with pytest.raises(tf.errors.DataLossError, match="corrupted record at 0"):
                sess.run(value)


def test_whole_file_reader_and_missing_files(files):
    t = files["text"]
    missing = os.path.join(files["dir"], "missing")
    with tf.Graph().as_default():
        q, fill, close = _queue_of([t, missing, t])
        key, value = tf.WholeFileReader().read(q)
        with tf.Session() as sess:
            sess.run(fill)
            assert sess.run([key, value]) == [t.encode(), b"header\nl1\r\nl2\n\nl4"]
            with pytest.raises(tf.errors.NotFoundError,
                               match="missing; No such file or directory"):
                sess.run(value)
            assert sess.run(key) == t.encode()  # the reader goes on


def test_reader_under_queue_runners(files):
    t = files["text"]
    with tf.Graph().as_default():
        names = tf.train.string_input_producer([t], num_epochs=2, shuffle=False)
        _, line = tf.TextLineReader(skip_header_lines=1).read(names)
        batch = tf.train.batch([line], batch_size=3, allow_smaller_final_batch=True)
        with tf.Session() as sess:
            sess.run(tf.local_variables_initializer())
            coord = tf.train.Coordinator()
            threads = tf.train.start_queue_runners(sess, coord)
            got = []
            try:
                while True:
                    got.append(sess.run(batch).tolist())
            except tf.errors.OutOfRangeError:
                pass
            coord.request_stop()
            coord.join(threads)
    assert got == [[b"l1", b"l2", b""], [b"l4", b"l1", b"l2"], [b"", b"l4"]]


def test_two_sessions_hold_two_readers(files):
    t = files["text"]
    with tf.Graph().as_default():
        q, fill, close = _queue_of([t])
        _, value = tf.TextLineReader().read(q)
        with tf.Session() as s1, tf.Session() as s2:
            s1.run(fill)
            s2.run(fill)
            assert s1.run(value) == b"header" and s1.run(value) == b"l1"
            assert s2.run(value) == b"header"
