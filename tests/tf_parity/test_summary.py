"""tf.summary against TensorFlow: the serialized Summary that `sess.run`
gives for the same graph (parsed by TF's own Summary class), and event
files written by fastgraph's FileWriter read back by TF's summary_iterator
and by TensorBoard's EventAccumulator (skipped without TensorBoard)."""

import os

import numpy as np
import pytest

import fastgraph as fg

tf = pytest.importorskip("tensorflow")
v1 = tf.compat.v1


def _build(api, x, images, u8):
    """The same summaries in either api: scalars under scopes and families,
    histograms, float and uint8 images, merged."""
    s = api.compat.v1.summary
    with api.name_scope("train"):
        s.scalar("loss", api.reduce_min(x))
        s.scalar("loss", api.reduce_max(x))
    s.scalar("acc", x[0], family="eval")
    s.histogram("weights", x)
    s.histogram("scaled", x * 1000.0, family="hist")
    s.image("float_images", images, max_outputs=2)
    s.image("uint8_image", u8, max_outputs=1)
    return s.merge_all()


def _run(api, feeds):
    g = api.Graph()
    with g.as_default():
        x = api.compat.v1.placeholder(api.float32, [None])
        im = api.compat.v1.placeholder(api.float32, [None, 3, 4, 3])
        u8 = api.compat.v1.placeholder(api.uint8, [None, 2, 5, 1])
        merged = _build(api, x, im, u8)
        with api.compat.v1.Session(graph=g) as sess:
            return sess.run(merged, {x: feeds[0], im: feeds[1], u8: feeds[2]})


def _feeds(seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=200).astype(np.float32)
    images = rng.normal(size=(3, 3, 4, 3)).astype(np.float32)
    images[1] = np.abs(images[1])  # a non-negative image: scaled by 255 / max
    images[0, 1, 2, 0] = np.nan  # a bad pixel: bad_color
    u8 = rng.integers(0, 256, size=(2, 2, 5, 1), dtype=np.uint8)
    return x, images, u8


def _decode(png):
    with tf.Graph().as_default(), v1.Session() as sess:
        return sess.run(tf.io.decode_png(png))


def _assert_same_summaries(ours, theirs):
    assert [v.tag for v in ours.value] == [v.tag for v in theirs.value]
    for a, b in zip(ours.value, theirs.value):
        kind = b.WhichOneof("value")
        assert a.WhichOneof("value") == kind, a.tag
        if kind == "simple_value":
            assert a.simple_value == b.simple_value, a.tag
        elif kind == "histo":
            for field in ("min", "max", "num"):
                assert getattr(a.histo, field) == getattr(b.histo, field), (a.tag, field)
            np.testing.assert_allclose(a.histo.sum, b.histo.sum, rtol=1e-12)
            np.testing.assert_allclose(a.histo.sum_squares, b.histo.sum_squares, rtol=1e-12)
            assert list(a.histo.bucket_limit) == list(b.histo.bucket_limit), a.tag
            assert list(a.histo.bucket) == list(b.histo.bucket), a.tag
        elif kind == "image":
            assert (a.image.height, a.image.width, a.image.colorspace) == \
                (b.image.height, b.image.width, b.image.colorspace)
            np.testing.assert_array_equal(_decode(a.image.encoded_image_string),
                                          _decode(b.image.encoded_image_string), err_msg=a.tag)


@pytest.mark.parametrize("seed", [0, 1])
def test_merged_summary_bytes_parse_as_tfs(seed):
    feeds = _feeds(seed)
    ours, theirs = _run(fg, feeds), _run(tf, feeds)
    assert isinstance(ours, bytes) and isinstance(theirs, bytes)
    _assert_same_summaries(v1.Summary.FromString(ours), v1.Summary.FromString(theirs))
    # And fastgraph's Summary class reads TF's bytes to the same message.
    again = fg.Summary.FromString(theirs)
    _assert_same_summaries(v1.Summary.FromString(again.SerializeToString()),
                           v1.Summary.FromString(theirs))


def test_scalar_and_histogram_bytes_equal_tfs():
    # Scalars and histograms have one encoding: the bytes are TF's exactly.
    data = np.array([-3.5, 0.0, 0.0, 1e-13, 2.0, 7.25, 1e6], np.float32)
    got = []
    for api in (fg, tf):
        g = api.Graph()
        with g.as_default():
            c = api.constant(data)
            m = api.compat.v1.summary.merge([api.compat.v1.summary.scalar("s", c[4]),
                                             api.compat.v1.summary.histogram("h", c)])
            with api.compat.v1.Session(graph=g) as sess:
                got.append(sess.run(m))
    assert got[0] == got[1]


def test_errors_as_tfs():
    for api in (fg, tf):
        g = api.Graph()
        with g.as_default():
            x = api.compat.v1.placeholder(api.float32, None)
            s = api.compat.v1.summary.scalar("x", x)
            dup = api.compat.v1.summary.merge([s, s])
            h = api.compat.v1.summary.histogram("h", x)
            with api.compat.v1.Session(graph=g) as sess:
                with pytest.raises(api.errors.InvalidArgumentError, match="Duplicate tag x"):
                    sess.run(dup, {x: 1.0})
                with pytest.raises(api.errors.InvalidArgumentError,
                                   match="tags and values are not the same shape"):
                    sess.run(s, {x: [1.0, 2.0]})
                with pytest.raises(api.errors.InvalidArgumentError, match="Nan in summary"):
                    sess.run(h, {x: [np.nan]})


def _write_events(logdir, feeds_per_step):
    g = fg.Graph()
    with g.as_default():
        x = fg.compat.v1.placeholder(fg.float32, [None])
        im = fg.compat.v1.placeholder(fg.float32, [None, 3, 4, 3])
        u8 = fg.compat.v1.placeholder(fg.uint8, [None, 2, 5, 1])
        merged = _build(fg, x, im, u8)
        with fg.Session(graph=g) as sess:
            writer = fg.compat.v1.summary.FileWriter(logdir, sess.graph)
            for step, feeds in feeds_per_step:
                writer.add_summary(sess.run(merged, {x: feeds[0], im: feeds[1], u8: feeds[2]}),
                                   step)
            writer.add_summary(fg.Summary(value=[fg.Summary.Value(tag="hand",
                                                                  simple_value=0.25)]), 99)
            text = fg.compat.v1.summary.text("notes", "some *markdown*")
            writer.add_summary(sess.run(text), 100)
            writer.close()


def test_event_files_read_by_tfs_summary_iterator(tmp_path):
    steps = [(0, _feeds(0)), (10, _feeds(1))]
    _write_events(str(tmp_path), steps)
    (name,) = os.listdir(tmp_path)
    events = list(v1.train.summary_iterator(str(tmp_path / name)))
    assert events[0].file_version == "brain.Event:2"
    # FileWriter(logdir, graph) writes the graph first, a GraphDef TF reads.
    graph_def = v1.GraphDef.FromString(events[1].graph_def)
    assert {n.op for n in graph_def.node} >= {"Placeholder", "ScalarSummary", "MergeSummary"}
    events = events[:1] + events[2:]
    assert [e.step for e in events[1:]] == [0, 10, 99, 100]
    for e, (_, feeds) in zip(events[1:3], steps):
        _assert_same_summaries(e.summary, v1.Summary.FromString(_run(tf, feeds)))
    assert events[3].summary.value[0].simple_value == 0.25


def test_event_files_read_by_tensorboard(tmp_path):
    ea = pytest.importorskip("tensorboard.backend.event_processing.event_accumulator")
    steps = [(0, _feeds(0)), (5, _feeds(1)), (7, _feeds(2))]
    _write_events(str(tmp_path), steps)
    acc = ea.EventAccumulator(str(tmp_path), size_guidance={ea.SCALARS: 0, ea.HISTOGRAMS: 0,
                                                             ea.IMAGES: 0})
    acc.Reload()
    want = [v1.Summary.FromString(_run(tf, feeds)) for _, feeds in steps]
    tags = acc.Tags()
    assert sorted(tags["scalars"]) == sorted(
        [v.tag for v in want[0].value if v.WhichOneof("value") == "simple_value"] + ["hand"])
    assert sorted(tags["histograms"]) == sorted(
        v.tag for v in want[0].value if v.WhichOneof("value") == "histo")
    assert sorted(tags["images"]) == sorted(
        v.tag for v in want[0].value if v.WhichOneof("value") == "image")
    for w_index, (step, _) in enumerate(steps):
        by_tag = {v.tag: v for v in want[w_index].value}
        for tag in tags["scalars"]:
            if tag == "hand":
                continue
            ev = acc.Scalars(tag)[w_index]
            assert ev.step == step and ev.value == by_tag[tag].simple_value
        for tag in tags["histograms"]:
            ev = acc.Histograms(tag)[w_index]
            h = by_tag[tag].histo
            assert ev.step == step
            assert ev.histogram_value.num == h.num and ev.histogram_value.min == h.min
            assert list(ev.histogram_value.bucket_limit) == list(h.bucket_limit)
            assert list(ev.histogram_value.bucket) == list(h.bucket)
        for tag in tags["images"]:
            ev = acc.Images(tag)[w_index]
            img = by_tag[tag].image
            assert (ev.step, ev.width, ev.height) == (step, img.width, img.height)
            np.testing.assert_array_equal(_decode(ev.encoded_image_string),
                                          _decode(img.encoded_image_string))
    assert [(e.step, e.value) for e in acc.Scalars("hand")] == [(99, 0.25)]
    (ev,) = acc.Tensors("notes")
    assert ev.step == 100 and tf.make_ndarray(ev.tensor_proto) == b"some *markdown*"
    assert acc.SummaryMetadata("notes").plugin_data.plugin_name == "text"


def test_tensor_and_text_summaries_equal_tfs():
    data = np.arange(6, dtype=np.int64).reshape(2, 3) - 2
    got = []
    for api in (fg, tf):
        g = api.Graph()
        with g.as_default():
            s = api.compat.v1.summary
            with api.name_scope("scope"):
                t = s.tensor_summary("t", api.constant(data), summary_description="desc",
                                     display_name="T", family="fam")
            f = s.tensor_summary("f", api.constant(np.float32(2.5)))
            text = s.text("notes", "hello **world**" if api is fg else
                          api.constant("hello **world**"))
            table = s.text("table", [["a", "b"], ["c", "d"]] if api is fg else
                           api.constant([["a", "b"], ["c", "d"]]))
            with api.compat.v1.Session(graph=g) as sess:
                got.append(sess.run([t, f, text, table]))
    for ours, theirs in zip(*got):
        assert v1.Summary.FromString(ours) == v1.Summary.FromString(theirs)
        assert ours == theirs


@pytest.mark.parametrize("shape,max_outputs", [((2, 50), 3), ((3, 40, 2), 1)])
def test_audio_summary_equals_tfs(shape, max_outputs):
    clips = np.random.default_rng(len(shape)).uniform(-1.3, 1.3, size=shape).astype(np.float32)
    clips.reshape(-1)[:4] = [0.5 / 32768, 1.5 / 32768, -0.5 / 32768, 1.0]  # rounding halves
    got = []
    for api in (fg, tf):
        g = api.Graph()
        with g.as_default():
            x = api.compat.v1.placeholder(api.float32, [None] * len(shape))
            s = api.compat.v1.summary.audio("sound", x, 16000, max_outputs=max_outputs)
            with api.compat.v1.Session(graph=g) as sess:
                got.append(sess.run(s, {x: clips}))
    # The WAV encoding has one form: TF's bytes exactly.
    assert v1.Summary.FromString(got[0]) == v1.Summary.FromString(got[1])
    assert got[0] == got[1]
