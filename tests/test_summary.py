"""tf.summary and FileWriter without TensorFlow: summaries fetched as host
ops beside ordinary fetches and train ops, MergeSummary's duplicate-tag
error, summaries refused as op inputs, the protobuf classes, the event
file framing (CRC-32C by the standard check values), histograms against
NumPy and PNG images decoded back by hand."""

import os
import struct
import zlib

import numpy as np
import pytest

import fastgraph as tf
from fastgraph import protobuf_wire as wire
from fastgraph.api import tf_record
from fastgraph.ops import summary_ops

v1 = tf.compat.v1


def _crc32c_bitwise(data):
    # The reflected CRC-32C (Castagnoli, polynomial 0x82F63B78), bit by bit.
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def _masked(crc):
    return ((((crc >> 15) | (crc << 17)) & 0xFFFFFFFF) + 0xA282EAD8) & 0xFFFFFFFF


def test_crc_check_values():
    # RFC 3720's and the usual "123456789" check value of CRC-32C.
    assert _crc32c_bitwise(b"123456789") == 0xE3069283
    assert _crc32c_bitwise(bytes(32)) == 0x8A9136AA
    assert _crc32c_bitwise(bytes([0xFF] * 32)) == 0x62A8AB43


@pytest.mark.parametrize("data", [b"", b"123456789", bytes(range(256)) * 3])
def test_tfrecord_framing_by_hand(data):
    rec = tf_record.frame_record(data)
    assert len(rec) == 8 + 4 + len(data) + 4
    length, = struct.unpack("<Q", rec[:8])
    assert length == len(data)
    assert struct.unpack("<I", rec[8:12])[0] == _masked(_crc32c_bitwise(rec[:8]))
    assert rec[12:12 + len(data)] == data
    assert struct.unpack("<I", rec[-4:])[0] == _masked(_crc32c_bitwise(data))


def test_tfrecord_corruption_is_data_loss(tmp_path):
    path = tmp_path / "r"
    good = tf_record.frame_record(b"hello") + tf_record.frame_record(b"world!")
    path.write_bytes(good)
    with open(path, "rb") as f:
        assert list(tf_record.read_records(f)) == [b"hello", b"world!"]
    for bad in (good[:-1], good[:5], good[:12] + b"j" + good[13:]):
        path.write_bytes(bad)
        with open(path, "rb") as f, pytest.raises(tf.errors.DataLossError):
            list(tf_record.read_records(f))


def test_summary_proto_encoding_by_hand():
    s = tf.Summary(value=[tf.Summary.Value(tag="loss", simple_value=0.0)])
    # value { tag: "loss" simple_value: 0 }: a oneof member is written even at 0.
    inner = b"\x0a\x04loss" + b"\x15" + struct.pack("<f", 0.0)
    assert s.SerializeToString() == b"\x0a" + bytes([len(inner)]) + inner
    s.value.add(tag="h", histo=tf.HistogramProto(min=-1.5, bucket_limit=[1.0], bucket=[2.0]))
    back = tf.Summary.FromString(s.SerializeToString())
    assert [v.tag for v in back.value] == ["loss", "h"]
    assert back.value[0].WhichOneof("value") == "simple_value"
    assert back.value[1].histo.min == -1.5 and back.value[1].histo.bucket == [2.0]
    assert back == s
    e = tf.Event(wall_time=2.5, step=-3, summary=s)
    again = tf.Event.FromString(e.SerializeToString())
    assert again.step == -3 and again.wall_time == 2.5 and again.summary == s
    assert again.WhichOneof("what") == "summary"
    again.file_version = "brain.Event:2"  # a oneof: the summary goes
    assert not again.HasField("summary")


def _values(summary_bytes):
    return tf.Summary.FromString(summary_bytes).value


def test_scalar_fetched_with_ordinary_fetches_and_a_train_op():
    with tf.Graph().as_default():
        x = v1.placeholder(tf.float32, [None])
        w = tf.Variable(1.0)
        loss = tf.reduce_mean(x) * w
        train = tf.assign_add(w, 1.0)
        s = tf.summary.scalar("loss", loss)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for step in range(3):
                summ, lv, _ = sess.run([s, loss, train], {x: [1.0, 3.0]})
                assert isinstance(summ, bytes)
                (val,) = _values(summ)
                assert val.tag == "loss"
                assert val.simple_value == lv == 2.0 * (step + 1)
            # Fetched as an op, a summary runs its inputs and gives None.
            assert sess.run(s.op, {x: [1.0]}) is None
            call = sess.make_callable([s, loss], [x])
            got, lv = call(np.array([4.0], np.float32))
            assert _values(got)[0].simple_value == lv == 16.0


def test_tags_follow_name_scopes_and_families_as_tf():
    with tf.Graph().as_default():
        c = tf.constant(1.0)
        with tf.name_scope("train"):
            a = tf.summary.scalar("loss", c)
            b = tf.summary.scalar("loss", c)
        f = tf.summary.scalar("acc", c, family="eval")
        bad = tf.summary.scalar("a b:c", c)
        with tf.Session() as sess:
            tags = [_values(sess.run(t))[0].tag for t in (a, b, f, bad)]
    assert tags == ["train/loss", "train/loss_1", "eval/eval/acc", "a_b_c"]


def test_merge_all_and_collections():
    with tf.Graph().as_default():
        assert tf.summary.merge_all() is None
        c = tf.constant([1.0, 2.0])
        s1 = tf.summary.scalar("m", tf.reduce_mean(c))
        s2 = tf.summary.histogram("h", c)
        tf.summary.scalar("other", c[0], collections=["mine"])
        assert tf.get_collection(tf.GraphKeys.SUMMARIES) == [s1, s2]
        merged = tf.summary.merge_all()
        mine = tf.summary.merge_all("mine")
        nested = tf.summary.merge([merged, mine])
        with tf.Session() as sess:
            m, n, a = sess.run([merged, nested, s1])
    assert [v.tag for v in _values(m)] == ["m", "h"]
    assert [v.tag for v in _values(n)] == ["m", "h", "other"]
    # A merged Summary is the concatenation of its inputs' serializations.
    assert m.startswith(a)


def test_duplicate_tag_is_invalid_argument():
    with tf.Graph().as_default():
        c = tf.constant(1.0)
        s = tf.summary.scalar("x", c)
        merged = tf.summary.merge([s, s])
        with tf.Session() as sess:
            with pytest.raises(tf.errors.InvalidArgumentError, match="Duplicate tag x found"):
                sess.run(merged)


def test_summary_as_an_op_input_runs_on_the_host():
    with tf.Graph().as_default():
        s = tf.summary.scalar("x", tf.constant(1.0))
        same = tf.identity(s)
        with tf.control_dependencies([s]):
            after = tf.constant(2.0) + 1.0
        with tf.Session() as sess:
            a, b, c = sess.run([s, same, after])
    assert a == b and isinstance(a, bytes)
    assert c == 3.0


def test_scalar_shape_mismatch_and_histogram_nan():
    with tf.Graph().as_default():
        x = v1.placeholder(tf.float32, [None])
        s = tf.summary.scalar("v", x)
        h = tf.summary.histogram("h", x)
        with tf.Session() as sess:
            with pytest.raises(tf.errors.InvalidArgumentError,
                               match=r"tags and values are not the same shape: \[\] != \[2\]"):
                sess.run(s, {x: [1.0, 2.0]})
            with pytest.raises(tf.errors.InvalidArgumentError, match="Nan in summary histogram"):
                sess.run(h, {x: [1.0, np.nan]})
            with pytest.raises(tf.errors.InvalidArgumentError, match="Infinity in summary"):
                sess.run(h, {x: [np.inf]})


def test_histogram_buckets_against_numpy():
    limits = summary_ops.DEFAULT_BUCKET_LIMITS
    # TF's ladder: 1e-12 growing by 10% below 1e20, mirrored, 0 between.
    assert limits[len(limits) // 2] == 0.0
    assert np.all(np.diff(limits) > 0)
    pos = limits[len(limits) // 2 + 1:]
    assert pos[0] == 1e-12 and pos[-1] == np.finfo(np.float64).max and pos[-2] < 1e20
    np.testing.assert_allclose(pos[1:-1] / pos[:-2], 1.1, rtol=1e-12)
    np.testing.assert_array_equal(limits[:len(pos)], -pos[::-1])
    rng = np.random.default_rng(0)
    data = rng.normal(size=1000).astype(np.float32)
    with tf.Graph().as_default():
        h = tf.summary.histogram("w", tf.constant(data))
        with tf.Session() as sess:
            (v,) = _values(sess.run(h))
    histo = v.histo
    x = data.astype(np.float64)
    assert histo.num == 1000 and histo.min == x.min() and histo.max == x.max()
    np.testing.assert_allclose(histo.sum, x.sum(), rtol=1e-12)
    np.testing.assert_allclose(histo.sum_squares, (x * x).sum(), rtol=1e-12)
    # Each kept bucket counts the values below its limit and at or above
    # the previous kept limit (empty runs merged into the next bucket).
    edges = np.array(histo.bucket_limit)
    lower = np.concatenate([[-np.inf], edges[:-1]])
    want = [np.sum((x >= lo) & (x < hi)) for lo, hi in zip(lower, edges)]
    np.testing.assert_array_equal(histo.bucket, want)
    assert sum(histo.bucket) == 1000


def _decode_png(data):
    """Pixels of a PNG written with filter 0 on every row (by hand)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks = 8, {}
    while pos < len(data):
        n, = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + n]
        assert struct.unpack(">I", data[pos + 8 + n:pos + 12 + n])[0] == zlib.crc32(kind + body)
        chunks.setdefault(kind, b"")
        chunks[kind] += body
        pos += 12 + n
    w, h, depth, color = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    c = {0: 1, 2: 3, 6: 4}[color]
    raw = np.frombuffer(zlib.decompress(chunks[b"IDAT"]), np.uint8).reshape(h, 1 + w * c)
    assert np.all(raw[:, 0] == 0)
    return raw[:, 1:].reshape(h, w, c)


@pytest.mark.parametrize("channels", [1, 3, 4])
def test_image_uint8_round_trips_and_tags(channels):
    rng = np.random.default_rng(channels)
    imgs = rng.integers(0, 256, size=(4, 5, 7, channels), dtype=np.uint8)
    with tf.Graph().as_default():
        s = tf.summary.image("pics", tf.constant(imgs), max_outputs=2)
        one = tf.summary.image("single", tf.constant(imgs), max_outputs=1)
        with tf.Session() as sess:
            got, got1 = sess.run([s, one])
    vals = _values(got)
    assert [v.tag for v in vals] == ["pics/image/0", "pics/image/1"]
    for i, v in enumerate(vals):
        assert (v.image.height, v.image.width, v.image.colorspace) == (5, 7, channels)
        np.testing.assert_array_equal(_decode_png(v.image.encoded_image_string), imgs[i])
    assert [v.tag for v in _values(got1)] == ["single/image"]


def test_float_images_scaled_as_tf():
    pos = np.array([[[0.0], [0.5]], [[1.0], [2.0]]], np.float32)[None]
    mixed = np.array([[[-1.0], [0.0]], [[0.5], [np.nan]]], np.float32)[None]
    with tf.Graph().as_default():
        s = tf.summary.merge([tf.summary.image("p", tf.constant(pos)),
                              tf.summary.image("m", tf.constant(mixed))])
        with tf.Session() as sess:
            vals = _values(sess.run(s))
    p = _decode_png(vals[0].image.encoded_image_string)[..., 0]
    # All non-negative: scaled by 255 / max and truncated.
    np.testing.assert_array_equal(p, [[0, 63], [127, 255]])
    m = _decode_png(vals[1].image.encoded_image_string)[..., 0]
    # Negative values: 127 / max|v| around 128; NaN is bad_color's red (255).
    np.testing.assert_array_equal(m, [[1, 128], [191, 255]])


def _events(logdir):
    (name,) = os.listdir(logdir)
    return name, list(tf.train.summary_iterator(os.path.join(logdir, name)))


def test_file_writer_writes_event_files(tmp_path):
    logdir = str(tmp_path / "logs" / "run1")
    with tf.Graph().as_default():
        x = v1.placeholder(tf.float32, [])
        merged = tf.summary.merge([tf.summary.scalar("x", x), tf.summary.histogram("hx", x)])
        with tf.Session() as sess:
            writer = tf.summary.FileWriter(logdir, sess.graph)
            assert writer.get_logdir() == logdir and os.path.isdir(logdir)
            for step in range(3):
                writer.add_summary(sess.run(merged, {x: step * 1.5}), global_step=step)
            writer.add_summary(tf.Summary(value=[tf.Summary.Value(tag="by_hand",
                                                                  simple_value=7.0)]), 10)
            writer.add_session_log(tf.SessionLog(status=tf.SessionLog.START), 11)
            writer.close()
    name, events = _events(logdir)
    assert name.startswith("events.out.tfevents.") and name.endswith(os.uname().nodename)
    stamp = name.split(".")[3]
    assert len(stamp) == 10 and int(stamp) == int(events[0].wall_time)
    assert events[0].file_version == "brain.Event:2"
    # The graph given to FileWriter comes first, as its GraphDef.
    graph_def = tf.GraphDef.FromString(events[1].graph_def)
    assert [n.op for n in graph_def.node][0] == "Placeholder"
    events = events[:1] + events[2:]
    scalars = [(e.step, e.summary.value[0].simple_value) for e in events[1:4]]
    assert scalars == [(0, 0.0), (1, 1.5), (2, 3.0)]
    assert [e.summary.value[1].histo.num for e in events[1:4]] == [1.0] * 3
    assert (events[4].step, events[4].summary.value[0].tag) == (10, "by_hand")
    assert events[5].session_log.status == tf.SessionLog.START
    assert all(e.wall_time >= events[0].wall_time for e in events)


def test_file_writer_suffix_flush_reopen(tmp_path):
    logdir = str(tmp_path)
    writer = tf.summary.FileWriter(logdir, filename_suffix=".mine")
    (name,) = os.listdir(logdir)
    assert name.endswith(".mine")
    writer.add_summary(tf.Summary(value=[tf.Summary.Value(tag="a", simple_value=1.0)]), 1)
    writer.flush()
    events = list(tf.train.summary_iterator(os.path.join(logdir, name)))
    assert [e.step for e in events] == [0, 1]
    writer.close()
    writer.add_summary(tf.Summary(value=[tf.Summary.Value(tag="a", simple_value=2.0)]), 2)
    assert len(list(tf.train.summary_iterator(os.path.join(logdir, name)))) == 2
    writer.reopen()
    writer.add_summary(tf.Summary(value=[tf.Summary.Value(tag="a", simple_value=3.0)]), 3)
    writer.close()
    names = os.listdir(logdir)
    assert len(names) in (1, 2)  # a new file, unless within the same second


def test_file_writer_cache(tmp_path):
    with tf.Graph().as_default():
        a = tf.summary.FileWriterCache.get(str(tmp_path))
        assert tf.summary.FileWriterCache.get(str(tmp_path)) is a
        tf.summary.FileWriterCache.clear()
        assert tf.summary.FileWriterCache.get(str(tmp_path)) is not a
        tf.summary.FileWriterCache.clear()


def test_merge_of_unparsable_input():
    bad = np.array(b"\x0a\xff", dtype=object)
    with pytest.raises(tf.errors.InvalidArgumentError, match="Could not parse"):
        summary_ops.merge_summary_value([bad], {})


def test_encoder_round_trips_through_decoder():
    msg = (wire.encode_int(1, 300) + wire.encode_int(2, -5) + wire.encode_double(3, 1.25)
           + wire.encode_float(4, 0.5) + wire.encode_bytes(5, "héllo")
           + wire.encode_packed_doubles(6, [1.0, 2.0]))
    f = wire.message_fields(msg)
    assert f[1] == [(0, 300)] and wire.signed(f[2][0][1]) == -5
    assert struct.unpack("<d", struct.pack("<Q", f[3][0][1]))[0] == 1.25
    assert f[5] == [(2, "héllo".encode())]
    assert wire.repeated_numbers(f[6], "<f8", 8) == [1.0, 2.0]


def test_text_and_tensor_summaries():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="to have dtype string"):
            tf.summary.text("bad", tf.constant(1.0))
        t = tf.summary.text("notes", ["a", "bc"])
        ts = tf.summary.tensor_summary("w", tf.constant(np.array([[1.5, -2.0]], np.float32)),
                                       display_name="W")
        with tf.Session() as sess:
            (tv,), (wv,) = (_values(b) for b in sess.run([t, ts]))
    assert tv.tag == "notes" and tv.metadata.plugin_data.plugin_name == "text"
    assert tv.tensor.string_val == [b"a", b"bc"]
    assert [d.size for d in tv.tensor.tensor_shape.dim] == [2]
    assert wv.metadata.display_name == "W"
    assert wv.tensor.dtype == tf.float32.as_datatype_enum
    np.testing.assert_array_equal(np.frombuffer(wv.tensor.tensor_content, "<f4"), [1.5, -2.0])


def test_audio_wav_by_hand():
    clips = np.array([[0.0, 0.5, -1.0, 2.0]], np.float32)
    with tf.Graph().as_default():
        s = tf.summary.audio("a", tf.constant(clips), 8000, max_outputs=1)
        with tf.Session() as sess:
            (v,) = _values(sess.run(s))
    assert v.tag == "a/audio" and v.audio.content_type == "audio/wav"
    assert (v.audio.sample_rate, v.audio.num_channels, v.audio.length_frames) == (8000, 1, 4)
    wav = v.audio.encoded_audio_string
    assert wav[:4] == b"RIFF" and wav[8:16] == b"WAVEfmt "
    fmt = struct.unpack("<HHIIHH", wav[20:36])
    assert fmt == (1, 1, 8000, 16000, 2, 16)
    assert wav[36:40] == b"data" and struct.unpack("<I", wav[40:44])[0] == 8
    # Scaled by 32768, clamped to int16.
    np.testing.assert_array_equal(np.frombuffer(wav[44:], "<i2"), [0, 16384, -32768, 32767])


def test_ordinary_runs_after_summary_runs_are_unchanged():
    with tf.Graph().as_default():
        x = v1.placeholder(tf.float32, [None])
        y = x * 2.0
        s = tf.summary.scalar("y", tf.reduce_sum(y))
        with tf.Session() as sess:
            for _ in range(3):
                assert sess.run(y, {x: [1.0]}).tolist() == [2.0]
                summ, yv = sess.run([s, y], {x: [1.0, 2.0]})
                assert _values(summ)[0].simple_value == 6.0 and yv.tolist() == [2.0, 4.0]


def test_flush_secs_zero_writes_each_event_through(tmp_path):
    writer = tf.summary.FileWriter(str(tmp_path), flush_secs=0)
    writer.add_summary(tf.Summary(value=[tf.Summary.Value(tag="a", simple_value=1.0)]), 4)
    (name,) = os.listdir(tmp_path)
    assert [e.step for e in tf.train.summary_iterator(str(tmp_path / name))] == [0, 4]
    writer.close()


def test_add_run_metadata_and_graph(tmp_path):
    with tf.Graph().as_default() as g:
        writer = tf.summary.FileWriter(str(tmp_path), g)
        meta = tf.RunMetadata()
        writer.add_run_metadata(meta, "step1", global_step=1)
        with pytest.raises(ValueError, match="already used"):
            writer.add_run_metadata(meta, "step1")
        writer.add_graph(None, graph_def=b"\x0a\x00")  # a GraphDef's bytes, as given
        writer.close()
    _, events = _events(str(tmp_path))
    if hasattr(g, "as_graph_def"):
        assert events[1].WhichOneof("what") == "graph_def"
        events = events[:1] + events[2:]
    # A graph that exports no GraphDef writes nothing for it.
    assert [e.WhichOneof("what") for e in events] == ["file_version", "tagged_run_metadata",
                                                      "graph_def"]
    assert events[1].tagged_run_metadata.tag == "step1" and events[1].step == 1
    assert events[2].graph_def == b"\x0a\x00"
