"""Files, TFRecords, tf.train.Example parsing and image codecs against
TensorFlow 2.21 (TF1 graph mode): the same graph in both, fed the same
bytes; TFRecord files and Example protos written by one and read by the
other; images encoded by one and decoded by the other (PNG exactly, JPEG
within a few levels, since libjpeg builds differ)."""

import io

import numpy as np
import pytest

import fastgraph as fg

tf = pytest.importorskip("tensorflow")
v1 = tf.compat.v1


def _run(api, build, feeds=()):
    """build(api, placeholders) run once in a fresh graph of `api`; the
    placeholders are string vectors / scalars fed `feeds`."""
    g = api.Graph()
    with g.as_default():
        phs = [api.compat.v1.placeholder(api.string, None if np.ndim(f) == 0 else [None])
               for f in feeds]
        out = build(api, *phs)
        with api.compat.v1.Session(graph=g) as sess:
            return sess.run(out, dict(zip(phs, feeds)))


def _same(a, b):
    if isinstance(a, dict):
        assert set(a) == set(b)
        for k in a:
            _same(a[k], b[k])
        return
    if isinstance(a, (list, tuple)):  # lists of fetches, SparseTensorValues
        assert type(a).__name__ == type(b).__name__ and len(a) == len(b)
        for x, y in zip(a, b):
            _same(x, y)
        return
    a, b = np.asarray(a), np.asarray(b)
    assert a.dtype == b.dtype and a.shape == b.shape, (a.dtype, b.dtype, a.shape, b.shape)
    np.testing.assert_array_equal(a, b)


def _error(api, build, feeds):
    try:
        _run(api, build, feeds)
    except api.errors.OpError as e:
        message = e.message
        if api is tf:  # TF's graph-mode text: where, then the kernel's message, then the node
            message = message.split("\n\t [[")[0]
            if "\nNode: '" in message:
                message = message.split("\nNode: '", 1)[1].split("\n", 1)[1]
        return type(e).__name__, message
    return None


# ---- files --------------------------------------------------------------------------

def test_read_write_matching_files_as_tf(tmp_path):
    for n in ("b.txt", "a.txt"):
        (tmp_path / n).write_bytes(n.encode() * 3)

    def build(api, name, pattern):
        return [api.io.read_file(name), api.io.matching_files(pattern)]

    feeds = [str(tmp_path / "a.txt"), str(tmp_path / "*.txt")]
    _same(_run(fg, build, feeds), _run(tf, build, feeds))
    missing = [str(tmp_path / "zz"), str(tmp_path / "*")]
    got, want = _error(fg, build, missing), _error(tf, build, missing)
    assert got[0] == want[0] == "NotFoundError"
    assert got[1] == f"{tmp_path / 'zz'}; No such file or directory"


# ---- TFRecords ------------------------------------------------------------------------

RECORDS = [b"", b"one", bytes(range(256)) * 9]


@pytest.mark.parametrize("compression", ["", "GZIP", "ZLIB"])
def test_tf_record_files_both_ways(tmp_path, compression):
    mine, theirs = str(tmp_path / "fg.rec"), str(tmp_path / "tf.rec")
    with fg.io.TFRecordWriter(mine, fg.io.TFRecordOptions(compression_type=compression)) as w:
        for r in RECORDS:
            w.write(r)
    with tf.io.TFRecordWriter(theirs, tf.io.TFRecordOptions(compression_type=compression)) as w:
        for r in RECORDS:
            w.write(r)
    opts = compression or None
    assert list(v1.io.tf_record_iterator(mine, opts)) == RECORDS
    assert list(fg.compat.v1.io.tf_record_iterator(theirs, opts)) == RECORDS
    assert [r.numpy() for r in tf.data.TFRecordDataset(mine, compression_type=compression)] \
        == RECORDS
    if not compression:
        assert open(mine, "rb").read() == open(theirs, "rb").read()


# ---- Example protos and parsing -------------------------------------------------------

def _examples(api):
    t = api.train
    return [t.Example(features=t.Features(feature={
        "f": t.Feature(float_list=t.FloatList(value=[1.5, -2.25])),
        "i": t.Feature(int64_list=t.Int64List(value=[-(2 ** 40), 7, 0])),
        "s": t.Feature(bytes_list=t.BytesList(value=[b"x", b"\xff\x00"])),
        "q": t.Feature(float_list=t.FloatList(value=[1, 2, 3, 4]))})),
        t.Example(features=t.Features(feature={
            "f": t.Feature(float_list=t.FloatList(value=[0.5, 8])),
            "e": t.Feature()}))]


def test_example_bytes_parse_in_both():
    for mine, theirs in zip(_examples(fg), _examples(tf)):
        assert tf.train.Example.FromString(mine.SerializeToString()) == theirs
        assert fg.train.Example.FromString(theirs.SerializeToString()) == mine
    seq = tf.train.SequenceExample()
    seq.context.feature["c"].int64_list.value.append(3)
    seq.feature_lists.feature_list["t"].feature.add().float_list.value.extend([1, 2])
    back = fg.train.SequenceExample.FromString(seq.SerializeToString())
    assert tf.train.SequenceExample.FromString(back.SerializeToString()) == seq


def _features(api):
    io_ = api.io
    return {"f": io_.FixedLenFeature([2], api.float32),
            "i": io_.VarLenFeature(api.int64),
            "s": io_.VarLenFeature(api.string),
            "q": io_.FixedLenSequenceFeature([2], api.float32, allow_missing=True,
                                             default_value=-1.0),
            "d": io_.FixedLenFeature([1, 2], api.int64, default_value=[[5, 6]]),
            "t": io_.FixedLenFeature([], api.string, default_value=b"none")}


def test_parse_example_as_tf():
    data = [e.SerializeToString() for e in _examples(tf)]

    def build(api, ser):
        return api.compat.v1.parse_example(ser, _features(api))

    _same(_run(fg, build, [data]), _run(tf, build, [data]))


def test_parse_single_example_as_tf():
    data = _examples(tf)[0].SerializeToString()

    def build(api, ser):
        return api.io.parse_single_example(ser, _features(api))

    _same(_run(fg, build, [data]), _run(tf, build, [data]))


@pytest.mark.parametrize("case", range(6))
def test_parse_errors_as_tf(case):
    t = tf.train
    bad = [
        t.Example(features=t.Features(feature={"f": t.Feature(
            int64_list=t.Int64List(value=[1, 2]))})).SerializeToString(),
        t.Example(features=t.Features(feature={"f": t.Feature(
            float_list=t.FloatList(value=[1]))})).SerializeToString(),
        t.Example().SerializeToString(),
        t.Example(features=t.Features(feature={"i": t.Feature(
            float_list=t.FloatList(value=[1]))})).SerializeToString(),
        t.Example(features=t.Features(feature={"q": t.Feature(
            float_list=t.FloatList(value=[1, 2, 3]))})).SerializeToString(),
        b"\x0a\x07\x0a\x05\x0a\x01f\x12\x09",
    ][case]

    def build(api, ser):
        io_ = api.io
        return api.compat.v1.parse_example(ser, {
            "f": io_.FixedLenFeature([2], api.float32), "i": io_.VarLenFeature(api.int64),
            "q": io_.FixedLenSequenceFeature([2], api.float32, allow_missing=True)})

    got, want = _error(fg, build, [[bad]]), _error(tf, build, [[bad]])
    assert got[0] == want[0] == "InvalidArgumentError"
    assert got[1] == want[1]


def test_decode_raw_as_tf():
    rows = np.arange(24, dtype=np.float32).reshape(3, 8)
    data = [r.tobytes() for r in rows]
    for out_type in ("float32", "int16", "uint8", "int64", "uint16", "float64", "int8"):
        def build(api, ser):
            return [api.io.decode_raw(ser, getattr(api, out_type)),
                    api.io.decode_raw(ser, getattr(api, out_type), little_endian=False)]
        _same(_run(fg, build, [data]), _run(tf, build, [data]))


def test_parse_single_sequence_example_as_tf():
    seq = tf.train.SequenceExample()
    seq.context.feature["n"].int64_list.value.append(2)
    seq.context.feature["w"].bytes_list.value.extend([b"a", b"b"])
    for v in ([1.0, 2.0], [3.0, 4.0], [5.0, 6.0]):
        seq.feature_lists.feature_list["x"].feature.add().float_list.value.extend(v)
    for v in ([1], [2, 3], []):
        seq.feature_lists.feature_list["t"].feature.add().int64_list.value.extend(v)
    data = seq.SerializeToString()

    def build(api, ser):
        io_ = api.io
        return api.io.parse_single_sequence_example(
            ser, context_features={"n": io_.FixedLenFeature([], api.int64),
                                   "w": io_.VarLenFeature(api.string)},
            sequence_features={"x": io_.FixedLenSequenceFeature([2], api.float32),
                               "t": io_.VarLenFeature(api.int64)})

    _same(_run(fg, build, [data]), _run(tf, build, [data]))


# ---- image codecs -------------------------------------------------------------------

def _smooth(h, w, c, dtype=np.uint8, seed=0):
    """An image with smooth gradients and a little noise (JPEG-friendly)."""
    rng = np.random.default_rng(seed)
    top = 65535 if dtype == np.uint16 else 255
    y, x = np.mgrid[0:h, 0:w]
    base = np.stack([(x * 7 + y * 3 + 40 * k) % 256 for k in range(c)], axis=-1) / 255.0
    noise = rng.uniform(-0.03, 0.03, base.shape)
    return (np.clip(base + noise, 0, 1) * top).round().astype(dtype)


def _tf_eval(fn, *args):
    g = tf.Graph()
    with g.as_default():
        out = fn(*args)
        with v1.Session(graph=g) as sess:
            return sess.run(out)


def _fg_eval(fn, *args):
    with fg.Graph().as_default():
        out = fn(*args)
        with fg.Session() as sess:
            return sess.run(out)


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16])
@pytest.mark.parametrize("c", [1, 2, 3, 4])
def test_png_both_ways_exactly(dtype, c):
    image = np.random.default_rng(c).integers(0, np.iinfo(dtype).max + 1, (9, 13, c)) \
        .astype(dtype)
    t = getattr(tf, np.dtype(dtype).name)
    f = getattr(fg, np.dtype(dtype).name)
    mine = _fg_eval(lambda: fg.io.encode_png(image, compression=9))
    theirs = _tf_eval(lambda: tf.io.encode_png(image))
    np.testing.assert_array_equal(_tf_eval(lambda: tf.io.decode_png(mine, dtype=t)), image)
    for channels in (0, 1, 3, 4):
        for out in (dtype, np.uint8, np.uint16):
            want = _tf_eval(lambda: tf.io.decode_png(theirs, channels=channels,
                                                     dtype=getattr(tf, np.dtype(out).name)))
            got = _fg_eval(lambda: fg.io.decode_png(theirs, channels=channels,
                                                    dtype=getattr(fg, np.dtype(out).name)))
            assert got.dtype == want.dtype and got.shape == want.shape, (channels, out)
            np.testing.assert_array_equal(got, want, err_msg=f"channels={channels} {out}")
    del f


@pytest.mark.parametrize("c", [1, 3])
def test_jpeg_both_ways_within_a_few_levels(c):
    image = _smooth(32, 48, c, seed=c)
    mine = _fg_eval(lambda: fg.io.encode_jpeg(image, quality=90))
    theirs = _tf_eval(lambda: tf.io.encode_jpeg(image, quality=90))
    for data in (mine, theirs):
        for channels in (0, 1, 3):
            for ratio in (1, 2, 4):
                # TF's default DCT is libjpeg's fast integer one; Pillow decodes with
                # the accurate one, which TF's INTEGER_ACCURATE matches.
                for method, tol in (("", 16), ("INTEGER_ACCURATE", 1)):
                    want = _tf_eval(lambda: tf.io.decode_jpeg(
                        data, channels=channels, ratio=ratio, dct_method=method))
                    got = _fg_eval(lambda: fg.io.decode_jpeg(
                        data, channels=channels, ratio=ratio, dct_method=method))
                    assert got.shape == want.shape and got.dtype == want.dtype
                    diff = np.abs(got.astype(int) - want.astype(int))
                    assert diff.max() <= tol, (channels, ratio, method, diff.max())
        shape = _tf_eval(lambda: tf.io.extract_jpeg_shape(data))
        np.testing.assert_array_equal(_fg_eval(lambda: fg.io.extract_jpeg_shape(data)), shape)
    # What fastgraph writes is about as close to the image as TF's own.
    err_mine = np.abs(_tf_eval(lambda: tf.io.decode_jpeg(mine)).astype(int) - image).mean()
    err_theirs = np.abs(_tf_eval(lambda: tf.io.decode_jpeg(theirs)).astype(int) - image).mean()
    assert err_mine <= err_theirs + 1.0


def _gif(frames):
    from PIL import Image
    out = io.BytesIO()
    ims = [Image.fromarray(f) for f in frames]
    ims[0].save(out, "GIF", save_all=True, append_images=ims[1:], duration=40, loop=0)
    return out.getvalue()


def test_gif_bmp_and_decode_image_as_tf():
    frames = [np.repeat(_smooth(6, 8, 1, seed=s) // 32 * 32, 3, axis=-1) for s in range(3)]
    gif = _gif(frames)
    from PIL import Image
    buf = io.BytesIO()
    Image.fromarray(_smooth(5, 7, 3, seed=4)).save(buf, "BMP")
    bmp = buf.getvalue()
    png = _tf_eval(lambda: tf.io.encode_png(_smooth(4, 6, 4)))
    for data in (gif, bmp, png):  # JPEGs differ by the DCT: test_jpeg_both_ways_...
        for fn in ("decode_gif", "decode_image") if data is not bmp else ("decode_image",):
            want = _tf_eval(lambda: getattr(tf.io, fn)(data))
            got = _fg_eval(lambda: getattr(fg.io, fn)(data))
            _same(got, want)
        for kw in ({"expand_animations": False}, {"dtype": "float32"}, {"channels": 3},
                   {"dtype": "uint16"}):
            want = _tf_eval(lambda: tf.io.decode_image(data, **{
                k: getattr(tf, v) if k == "dtype" else v for k, v in kw.items()}))
            got = _fg_eval(lambda: fg.io.decode_image(data, **{
                k: getattr(fg, v) if k == "dtype" else v for k, v in kw.items()}))
            _same(got, want)
    _same(_fg_eval(lambda: fg.io.decode_bmp(bmp)), _tf_eval(lambda: tf.io.decode_bmp(bmp)))


@pytest.mark.parametrize("case", range(7))
def test_malformed_images_raise_as_tf(case):
    png = _tf_eval(lambda: tf.io.encode_png(_smooth(8, 8, 3)))
    jpg = _tf_eval(lambda: tf.io.encode_jpeg(_smooth(8, 8, 3)))
    op, data, kw = [
        ("decode_png", b"garbage", {}), ("decode_png", png[:len(png) // 2], {}),
        ("decode_jpeg", jpg[:len(jpg) // 2], {}), ("decode_bmp", png, {}),
        ("decode_bmp", b"BMxx", {}), ("decode_image", b"nothing", {}),
        ("decode_png", png, {"channels": 2}),
    ][case]

    def build(api, ser):
        return getattr(api.io, op)(ser, **kw)

    got, want = _error(fg, build, [data]), _error(tf, build, [data])
    assert got[0] == want[0] == "InvalidArgumentError"
    assert got[1] == want[1]


# ---- GraphDefs ----------------------------------------------------------------------

def _parse_graph(api):
    ser = api.compat.v1.placeholder(api.string, [None], name="ser")
    out = api.compat.v1.parse_example(ser, {
        "a": api.io.FixedLenFeature([2], api.float32, default_value=[1.0, 2.0]),
        "v": api.io.VarLenFeature(api.int64),
        "s": api.io.FixedLenSequenceFeature([], api.string, allow_missing=True)})
    png = api.io.encode_png(np.arange(24, dtype=np.uint8).reshape(2, 4, 3), name="png")
    img = api.io.decode_png(png, dtype=api.uint16, name="img")
    raw_in = api.compat.v1.placeholder(api.string, [None], name="raw_in")
    raw = api.io.decode_raw(raw_in, api.int16, little_endian=False, name="raw")
    return [out["a"].name, out["v"].indices.name, out["v"].values.name,
            out["v"].dense_shape.name, out["s"].name, img.name, raw.name]


def _example_batch():
    t = tf.train
    return [t.Example(features=t.Features(feature={
        "v": t.Feature(int64_list=t.Int64List(value=[3, 4])),
        "s": t.Feature(bytes_list=t.BytesList(value=[b"p", b"q"]))})).SerializeToString(),
        t.Example(features=t.Features(feature={
            "a": t.Feature(float_list=t.FloatList(value=[5, 6]))})).SerializeToString()]


def test_graph_defs_of_parsing_and_codecs_run_in_the_other():
    feeds = {"ser:0": _example_batch(), "raw_in:0": [b"abcd", b"\x00\x01\xff\xfe"]}
    g = fg.Graph()
    with g.as_default():
        names = _parse_graph(fg)
        with fg.Session() as sess:
            mine = sess.run(names, feeds)
    tg = tf.Graph()
    with tg.as_default():
        tf.import_graph_def(v1.GraphDef.FromString(g.as_graph_def().SerializeToString()),
                            name="")
        with v1.Session() as sess:
            _same(sess.run(names, feeds), mine)
    tg = tf.Graph()
    with tg.as_default():
        tf_names = _parse_graph(tf)
        with v1.Session() as sess:
            theirs = sess.run(tf_names, feeds)
        written = tg.as_graph_def().SerializeToString()
    with fg.Graph().as_default():
        fg.import_graph_def(fg.GraphDef.FromString(written), name="")
        with fg.Session() as sess:
            _same(sess.run(tf_names, feeds), theirs)
    _same(mine, theirs)


# ---- decode_csv ---------------------------------------------------------------------

_CSV_CASES = [
    (["1,2.5,abc", '4,,"x,""y"'], [[0], [1.0], [""]], {}),
    (["1,2"], [[0], [1.0], [""]], {}),
    (["a,2"], [[0], [1.0]], {}),
    (["1.5,2"], [[0], [1.0]], {}),
    ([",2"], [[], [1.0]], {}),
    (["NA,2", "3,NA"], [[7], [1.0]], {"na_value": "NA"}),
    (["1 2"], [[7], [1.0]], {"field_delim": " "}),
    (['"a"b,2'], [[""], [1.0]], {}),
    (['"a"b,2'], [[""], [1.0]], {"use_quote_delim": False}),
    (["1,2,3", "4,5,6"], [[0], [0]], {"select_cols": [0, 2]}),
    (["1, 2", " -3,+4"], [[0], [0]], {}),
    (["99999999999,1e30"], [[0], [0.0]], {}),
    (["99999999999,1e30,inf"], [np.zeros(1, np.int64), np.zeros(1), [0.0]], {}),
    (['"abc,2'], [[""], [0.0]], {}),
    (["a,"], [[""], [""]], {}),
]


@pytest.mark.parametrize("case", range(len(_CSV_CASES)))
def test_decode_csv_as_tf(case):
    records, defaults, kw = _CSV_CASES[case]

    def build(api, ser):
        empty = api.constant([], api.int32) if api is tf else np.zeros(0, np.int32)
        ds = [empty if isinstance(d, list) and not d else d for d in defaults]
        return api.io.decode_csv(ser, ds, **kw)

    want = _error(tf, build, [records])
    got = _error(fg, build, [records])
    assert got == want
    if want is None:
        _same(_run(fg, build, [records]), _run(tf, build, [records]))


# ---- serialize_tensor, parse_tensor, decode_compressed, decode_and_crop_jpeg -----------

@pytest.mark.parametrize("value", [np.arange(6, dtype=np.float32).reshape(2, 3), np.int64(5),
                                   np.array([[True, False]]), np.zeros((0, 3), np.int16),
                                   np.array([b"ab", b"", b"\xff"], dtype=object)])
def test_serialize_and_parse_tensor_as_tf(value):
    t = tf.as_dtype(value.dtype if value.dtype != object else tf.string)
    mine = _fg_eval(lambda: fg.io.serialize_tensor(value))
    theirs = _tf_eval(lambda: tf.io.serialize_tensor(value))
    assert mine == theirs
    f = fg.as_dtype(t.name)
    _same(_fg_eval(lambda: fg.io.parse_tensor(theirs, f)), _tf_eval(
        lambda: tf.io.parse_tensor(theirs, t)))


def test_parse_tensor_errors_as_tf():
    data = _tf_eval(lambda: tf.io.serialize_tensor(np.float32([1, 2])))
    for raw, out in ((data, "int32"), (b"\xff\xff", "int32")):
        def build(api, ser):
            return api.io.parse_tensor(ser, getattr(api, out))
        assert _error(fg, build, [raw]) == _error(tf, build, [raw])


def test_decode_compressed_as_tf():
    import gzip
    import zlib
    items = [b"hello", b"", bytes(range(256)) * 4]
    for kind, pack in (("ZLIB", zlib.compress), ("GZIP", gzip.compress), ("", bytes)):
        data = [pack(x) for x in items]

        def build(api, ser):
            return api.io.decode_compressed(ser, compression_type=kind)
        _same(_run(fg, build, [data]), _run(tf, build, [data]))
    for data, kind in (([b"hello"], "ZLIB"), ([zlib.compress(b"hello")[:-3]], "ZLIB"),
                       ([b"x"], "LZ4")):
        def build(api, ser):
            return api.io.decode_compressed(ser, compression_type=kind)
        assert _error(fg, build, [data]) == _error(tf, build, [data])


def test_decode_and_crop_jpeg_as_tf():
    jpg = _tf_eval(lambda: tf.io.encode_jpeg(_smooth(16, 20, 3)))
    for window in ([2, 3, 5, 6], [0, 0, 16, 20], [2, 3, 25, 6]):
        def build(api, ser):
            return api.io.decode_and_crop_jpeg(ser, window, dct_method="INTEGER_ACCURATE")
        got, want = _error(fg, build, [jpg]), _error(tf, build, [jpg])
        assert got == want
        if want is None:
            a, b = _run(fg, build, [jpg]), _run(tf, build, [jpg])
            assert a.shape == b.shape and np.abs(a.astype(int) - b).max() <= 1


def _sequence_batch():
    out = []
    for k in (2, 0, 3):
        seq = tf.train.SequenceExample()
        seq.context.feature["n"].int64_list.value.append(k)
        if k:
            seq.context.feature["w"].bytes_list.value.extend([b"a"] * k)
        for t in range(k):
            seq.feature_lists.feature_list["x"].feature.add().float_list.value.extend([t, -t])
            seq.feature_lists.feature_list["t"].feature.add().int64_list.value.extend(
                range(t + 1))
        out.append(seq.SerializeToString())
    return out


def _sequence_build(api, ser):
    io_ = api.io
    return api.io.parse_sequence_example(
        ser, context_features={"n": io_.FixedLenFeature([], api.int64),
                               "w": io_.VarLenFeature(api.string),
                               "d": io_.FixedLenFeature([2], api.float32,
                                                        default_value=[1.0, 2.0])},
        sequence_features={"x": io_.FixedLenSequenceFeature([2], api.float32, allow_missing=True),
                           "t": io_.VarLenFeature(api.int64)})


def test_parse_sequence_example_batch_as_tf():
    data = _sequence_batch()
    _same(_run(fg, _sequence_build, [data]), _run(tf, _sequence_build, [data]))


def test_sequence_example_graph_defs_run_in_the_other():
    data = _sequence_batch()
    g = fg.Graph()
    with g.as_default():
        ser = fg.compat.v1.placeholder(fg.string, [None], name="ser")
        ctx, lists, lengths = _sequence_build(fg, ser)
        names = [ctx["n"].name, ctx["w"].indices.name, lists["x"].name,
                 lists["t"].dense_shape.name, lengths["x"].name]
        with fg.Session() as sess:
            mine = sess.run(names, {"ser:0": data})
    tg = tf.Graph()
    with tg.as_default():
        tf.import_graph_def(v1.GraphDef.FromString(g.as_graph_def().SerializeToString()),
                            name="")
        with v1.Session() as sess:
            _same(sess.run(names, {"ser:0": data}), mine)
    tg = tf.Graph()
    with tg.as_default():
        ser = v1.placeholder(tf.string, [None], name="ser")
        ctx, lists, lengths = _sequence_build(tf, ser)
        tf_names = [ctx["n"].name, lists["x"].name, lengths["x"].name]
        with v1.Session() as sess:
            theirs = sess.run(tf_names, {"ser:0": data})
        written = tg.as_graph_def().SerializeToString()
    with fg.Graph().as_default():
        fg.import_graph_def(fg.GraphDef.FromString(written), name="")
        with fg.Session() as sess:
            _same(sess.run(tf_names, {"ser:0": data}), theirs)


@pytest.mark.parametrize("case", range(6))
def test_decoder_argument_errors_as_tf(case):
    jpg = _tf_eval(lambda: tf.io.encode_jpeg(_smooth(8, 8, 3)))
    gif = _gif([_smooth(4, 4, 3)])
    op, data, kw = [("decode_image", jpg, {"channels": 4}), ("decode_jpeg", jpg, {"channels": 2}),
                    ("decode_jpeg", jpg, {"ratio": 3}), ("decode_jpeg", gif, {"channels": 1}),
                    ("decode_image", gif, {"channels": 4}), ("extract_jpeg_shape", gif, {})][case]

    def build(api, ser):
        return getattr(api.io, op)(ser, **kw)

    got, want = _error(fg, build, [data]), _error(tf, build, [data])
    assert got is not None and got == want


def test_16_bit_images_convert_as_tf():
    image = np.random.default_rng(3).integers(0, 65536, (5, 6, 3)).astype(np.uint16)
    for dtype in ("float32", "uint8", "int32"):
        want = _tf_eval(lambda: tf.image.convert_image_dtype(
            tf.io.decode_png(tf.io.encode_png(image), dtype=tf.uint16), getattr(tf, dtype)))
        got = _fg_eval(lambda: fg.image.convert_image_dtype(
            fg.io.decode_png(fg.io.encode_png(image), dtype=fg.uint16), getattr(fg, dtype)))
        _same(got, want)


def _gfile_story(gfile, errors, root):
    """The same file-system calls through `gfile`: what each returns, or the
    class of the error it raises."""
    import os
    out = []

    def step(fn, *args, **kw):
        try:
            v = fn(*args, **kw)
            if isinstance(v, list):
                v = sorted(os.path.relpath(x, root) if os.path.isabs(x) else x for x in v)
            out.append(("ok", v))
        except errors.OpError as e:
            out.append(("error", type(e).__name__))

    j = os.path.join
    step(gfile.exists, j(root, "a"))
    step(gfile.makedirs, j(root, "a", "b"))
    step(gfile.makedirs, j(root, "a", "b"))  # already there: fine
    step(gfile.mkdir, j(root, "a"))
    step(gfile.isdir, j(root, "a"))
    with gfile.GFile(j(root, "a", "f.txt"), "w") as f:
        f.write("one\ntwo\n")
    step(gfile.listdir, j(root, "a"))
    step(gfile.glob, j(root, "a", "*.txt"))
    step(gfile.copy, j(root, "a", "f.txt"), j(root, "a", "g.txt"))
    step(gfile.copy, j(root, "a", "f.txt"), j(root, "a", "g.txt"))
    step(gfile.copy, j(root, "a", "f.txt"), j(root, "a", "g.txt"), overwrite=True)
    step(gfile.rename, j(root, "a", "g.txt"), j(root, "a", "h.txt"))
    step(gfile.rename, j(root, "a", "f.txt"), j(root, "a", "h.txt"))
    step(gfile.rename, j(root, "a", "nothing"), j(root, "a", "x.txt"))
    step(gfile.isdir, j(root, "a", "h.txt"))
    step(gfile.mkdir, j(root, "a", "h.txt"))
    step(gfile.mkdir, j(root, "a", "no", "c"))
    step(lambda p: gfile.stat(p).length, j(root, "a", "h.txt"))
    step(lambda p: gfile.GFile(p).read(), j(root, "a", "h.txt"))
    step(lambda p: gfile.GFile(p).read(), j(root, "a", "missing"))
    step(gfile.remove, j(root, "a", "h.txt"))
    step(gfile.remove, j(root, "a", "h.txt"))
    step(gfile.listdir, j(root, "missing"))
    step(gfile.exists, j(root, "a", "f.txt"))
    step(gfile.rmtree, j(root, "a"))
    step(gfile.exists, j(root, "a"))
    return out


def test_gfile_calls_as_tf(tmp_path, tf_graph_mode):
    tf = tf_graph_mode
    (tmp_path / "tf").mkdir()
    (tmp_path / "fg").mkdir()
    want = _gfile_story(tf.io.gfile, tf.errors, str(tmp_path / "tf"))
    assert _gfile_story(fg.io.gfile, fg.errors, str(tmp_path / "fg")) == want
