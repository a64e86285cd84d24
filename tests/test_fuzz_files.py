"""Fuzz test of everything fastgraph reads from files: real files of each kind
(binary and text GraphDefs, MetaGraphs, checkpoint index and data files,
TFRecords plain and compressed, event files, SavedModels, PNG/JPEG/GIF/BMP
images, serialized Examples and TensorProtos) are mutated (bit flips, bytes
overwritten, truncations, spans deleted or repeated, huge lengths and counts
written over 4- or 8-byte fields or inserted as varints) and read back. Every
read must give a value or raise one of TF's error classes (DecodeError, a
ValueError, or an OpError such as DataLossError or InvalidArgumentError; the
importer's NotImplementedError for an op type it does not know): no
other exception, no crash, no allocation of more than `_MAX_BYTES` traced by
tracemalloc, whatever length a bad field claims.

The mutations are seeded (one seed per kind and case), so a failure names
the case that reproduces it. CI runs `CASES` cases of each kind (seconds in
all; scripts/sanitize.sh runs them under ASan and UBSan too);
FASTGRAPH_LONG_TESTS=1 runs 40 times as many, FG_FILE_FUZZ_CASES=N exactly
N, and FG_FILE_FUZZ_SEED=<int> searches from another seed.
"""

import io
import os
import random
import struct
import tracemalloc

import numpy as np
import pytest

import fastgraph as tf
from fastgraph.api.tf_record_writer import tf_record_iterator
from fastgraph.framework.graph_protos import GraphDef
from fastgraph.framework.meta_graph_protos import MetaGraphDef
from fastgraph.framework.proto_message import DecodeError, parse_text

LONG = os.environ.get("FASTGRAPH_LONG_TESTS") == "1"
CASES = int(os.environ.get("FG_FILE_FUZZ_CASES", 2400 if LONG else 60))
SEED = int(os.environ.get("FG_FILE_FUZZ_SEED", 0))
_MAX_BYTES = 256 << 20

# NotImplementedError: the importer's own for op types fastgraph has no kernel for.
CLEAN = (DecodeError, ValueError, tf.errors.OpError, NotImplementedError)

_HUGE = [0xFFFFFFFF, 0x7FFFFFFF, 0x80000000, 0xFFFFFFF0, 1 << 31 | 12345]
_HUGE64 = [(1 << 64) - 1, (1 << 63) - 1, 1 << 62, 0xFFFFFFFFFF]


def _varint(v):
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        out.append(b | (0x80 if v else 0))
        if not v:
            return bytes(out)


def mutate(data, rng):
    """`data` with one to three random damages."""
    b = bytearray(data)
    for _ in range(rng.choice((1, 1, 1, 2, 3))):
        n = len(b)
        kind = rng.randrange(9)
        if n == 0:
            b += bytes(rng.randrange(256) for _ in range(rng.randrange(1, 9)))
            continue
        pos = rng.randrange(n)
        if kind == 0:                                   # bit flip
            b[pos] ^= 1 << rng.randrange(8)
        elif kind == 1:                                 # byte overwritten
            b[pos] = rng.choice((0, 0xFF, 0x7F, 0x80, rng.randrange(256)))
        elif kind == 2:                                 # truncation
            del b[rng.randrange(n):]
        elif kind == 3:                                 # a span deleted
            del b[pos:pos + rng.randrange(1, 17)]
        elif kind == 4:                                 # a span repeated
            span = b[pos:pos + rng.randrange(1, 33)]
            b[pos:pos] = span * rng.randrange(1, 4)
        elif kind == 5:                                 # a huge 32-bit field
            b[pos:pos + 4] = struct.pack("<I", rng.choice(_HUGE))
        elif kind == 6:                                 # a huge 64-bit field
            b[pos:pos + 8] = struct.pack("<Q", rng.choice(_HUGE64))
        elif kind == 7:                                 # a huge varint
            b[pos:pos] = _varint(rng.choice(_HUGE + _HUGE64[:2] + [1 << 40]))
        else:                                           # big-endian huge (PNG/JPEG lengths)
            b[pos:pos + 4] = struct.pack(">I", rng.choice(_HUGE))
    return bytes(b)


def fuzz(kind, data, read, cases=CASES):
    """Reads `cases` mutations of `data` with `read` (bytes -> anything)."""
    read(data)  # the clean file reads
    tracemalloc.start()
    try:
        for case in range(cases):
            rng = random.Random(f"{SEED}:{kind}:{case}")
            bad = mutate(data, rng)
            tracemalloc.reset_peak()
            try:
                read(bad)
            except CLEAN:
                pass
            except KeyError as e:
                # TF's as_graph_element's, for a MetaGraph's names of tensors
                # its graph does not hold.
                if "does not exist" not in str(e) and "not in the graph" not in str(e):
                    raise AssertionError(f"{kind} case {case}: KeyError: {e}") from e
            except Exception as e:  # noqa: BLE001 - the test is that none get here
                raise AssertionError(f"{kind} case {case} (FG_FILE_FUZZ_SEED={SEED}): "
                                     f"{type(e).__name__}: {e}") from e
            peak = tracemalloc.get_traced_memory()[1]
            assert peak < _MAX_BYTES, f"{kind} case {case}: {peak} bytes allocated"
    finally:
        tracemalloc.stop()


# ---- graphs ---------------------------------------------------------------------------

def _graph():
    g = tf.Graph()
    with g.as_default():
        a = tf.constant(np.arange(12, dtype=np.float32).reshape(3, 4), name="a")
        b = tf.constant(np.linspace(-1, 1, 8, dtype=np.float32).reshape(4, 2), name="b")
        m = tf.matmul(a, b, name="m")
        img = tf.reshape(tf.range(2 * 5 * 5 * 3, dtype=tf.float32), [2, 5, 5, 3])
        k = tf.constant(np.ones((3, 3, 3, 2), np.float32))
        c = tf.nn.conv2d(img, k, [1, 1, 1, 1], "SAME")
        s = tf.reduce_sum(c, [1, 2]) + tf.reduce_mean(m)
        i = tf.constant([2, 0, 1], name="i")
        gathered = tf.gather(m, i)
        sliced = tf.strided_slice(tf.concat([m, gathered], 0), [1, 0], [5, 2], [2, 1])
        tf.identity(tf.cast(s, tf.float64) + tf.reduce_max(tf.cast(sliced, tf.float64)),
                    name="out")
        tf.string_join([tf.as_string(i), tf.constant(["x", "y", "z"])], name="strings")
    return g


def _import_and_run(graph_def):
    with tf.Graph().as_default() as g:
        tf.import_graph_def(graph_def, name="")
        names = [n for n in ("out", "strings", "m") if n in {op.name for op in g.get_operations()}]
        outs = [g.get_operation_by_name(n) for n in names]
        fetches = [op.outputs[0] for op in outs if op.outputs]
        with tf.Session(graph=g) as sess:
            return sess.run(fetches)


def test_graph_def_binary():
    data = _graph().as_graph_def().SerializeToString()
    fuzz("graphdef", data, lambda b: _import_and_run(GraphDef.FromString(b)))


def test_graph_def_text():
    text = str(_graph().as_graph_def()).encode()
    fuzz("graphdef-text", text, lambda b: _import_and_run(parse_text(b, GraphDef())),
         cases=CASES // 2)


def test_meta_graph():
    with tf.Graph().as_default() as g:
        x = tf.placeholder(tf.float32, [None, 2], name="x")
        w = tf.Variable(np.ones((2, 3), np.float32), name="w")
        y = tf.matmul(x, w, name="y")
        tf.add_to_collection("outputs", y)
        saver = tf.train.Saver()
        data = saver.export_meta_graph().SerializeToString()
        del g

    def read(b):
        mg = MetaGraphDef.FromString(b)
        with tf.Graph().as_default() as g2:
            tf.train.import_meta_graph(mg)
            with tf.Session(graph=g2) as sess:
                for v in tf.global_variables():
                    sess.run(v.initializer)
                if "y" in {op.name for op in g2.get_operations()}:
                    sess.run("y:0", {"x:0": np.ones((1, 2), np.float32)})
    fuzz("metagraph", data, read, cases=CASES // 2)


# ---- checkpoints, TFRecords, events, SavedModels --------------------------------------

_VALUES = {"f": np.arange(10, dtype=np.float32).reshape(2, 5), "i": np.int64(-3),
           "b": np.array([True, False]),
           "h": np.arange(4, dtype=np.float16), "z": np.zeros((0, 3), np.int32)}


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory):
    from fastgraph.train.checkpoint_writer import write_checkpoint
    prefix = tmp_path_factory.mktemp("ckpt") / "model"
    write_checkpoint(prefix, _VALUES)
    return str(prefix)


def _read_checkpoint(prefix):
    reader = tf.train.NewCheckpointReader(prefix)
    return {k: reader.get_tensor(k) for k in reader.get_variable_to_shape_map()}


@pytest.mark.parametrize("suffix", [".index", ".data-00000-of-00001"])
def test_checkpoint_files(checkpoint, tmp_path, suffix):
    with open(checkpoint + suffix, "rb") as f:
        data = f.read()
    other = ".data-00000-of-00001" if suffix == ".index" else ".index"
    prefix = str(tmp_path / "model")
    with open(checkpoint + other, "rb") as f, open(prefix + other, "wb") as g:
        g.write(f.read())

    def read(b):
        with open(prefix + suffix, "wb") as f:
            f.write(b)
        got = _read_checkpoint(prefix)
        if suffix != ".index":  # tensors' bytes are checksummed: right values or DataLoss
            for k, v in _VALUES.items():
                np.testing.assert_array_equal(got[k], v)
    fuzz("checkpoint" + suffix, data, read)


def test_checkpoint_restore_through_saver(checkpoint, tmp_path):
    with open(checkpoint + ".index", "rb") as f:
        data = f.read()
    prefix = str(tmp_path / "model")
    with open(checkpoint + ".data-00000-of-00001", "rb") as f, \
            open(prefix + ".data-00000-of-00001", "wb") as g:
        g.write(f.read())
    with tf.Graph().as_default() as g:
        fv = tf.Variable(np.zeros((2, 5), np.float32), name="f")
        iv = tf.Variable(np.int64(0), name="i")
        saver = tf.train.Saver([fv, iv])
        with tf.Session(graph=g) as sess:
            def read(b):
                with open(prefix + ".index", "wb") as f:
                    f.write(b)
                saver.restore(sess, prefix)
                return sess.run([fv, iv])
            fuzz("saver-restore", data, read, cases=CASES // 2)


def _records(tmp_path, options=None):
    path = str(tmp_path / "clean.tfrecord")
    with tf.io.TFRecordWriter(path, options) as w:
        for k in range(6):
            w.write(bytes(range(k * 7 % 256, k * 7 % 256 + 3 * k)) * (k + 1))
    with open(path, "rb") as f:
        return f.read()


@pytest.mark.parametrize("compression", ["", "GZIP", "ZLIB"])
def test_tf_records(tmp_path, compression):
    data = _records(tmp_path, compression or None)
    path = str(tmp_path / "bad.tfrecord")
    want = list(tf_record_iterator(str(tmp_path / "clean.tfrecord"), compression or None))
    assert len(want) == 6

    def read(b):
        with open(path, "wb") as f:
            f.write(b)
        got = list(tf_record_iterator(path, compression or None))
        if not compression:  # records are checksummed: those read are right
            assert got == want[:len(got)] or len(got) <= len(want)
    fuzz("tfrecord" + compression, data, read)


def test_tf_record_dataset(tmp_path):
    data = _records(tmp_path)
    path = str(tmp_path / "bad.tfrecord")
    with tf.Graph().as_default() as g:
        ds = tf.data.TFRecordDataset([path])
        batch = ds.batch(100)
        it = tf.compat.v1.data.make_initializable_iterator(batch)
        nxt = it.get_next()
        with tf.Session(graph=g) as sess:
            def read(b):
                with open(path, "wb") as f:
                    f.write(b)
                sess.run(it.initializer)
                try:
                    sess.run(nxt)
                except tf.errors.OutOfRangeError:
                    pass
            fuzz("tfrecord-dataset", data, read, cases=CASES // 2)


def test_event_files(tmp_path):
    logdir = str(tmp_path / "logs")
    with tf.Graph().as_default() as g:
        x = tf.placeholder(tf.float32, [None])
        tf.summary.scalar("mean", tf.reduce_mean(x))
        tf.summary.histogram("values", x)
        merged = tf.summary.merge_all()
        with tf.Session(graph=g) as sess:
            writer = tf.summary.FileWriter(logdir, g)
            for step in range(3):
                writer.add_summary(sess.run(merged, {x: np.arange(5.0 + step)}), step)
            writer.close()
    event_file, = [os.path.join(logdir, n) for n in os.listdir(logdir)]
    with open(event_file, "rb") as f:
        data = f.read()
    path = str(tmp_path / "events.out.tfevents.bad")

    def read(b):
        with open(path, "wb") as f:
            f.write(b)
        for event in tf.compat.v1.train.summary_iterator(path):
            for value in event.summary.value:
                value.simple_value, value.histo.bucket  # noqa: B018 - the fields decode
            if event.graph_def:
                GraphDef.FromString(event.graph_def)
    fuzz("events", data, read)


def test_saved_model(tmp_path):
    sm = tf.compat.v1.saved_model
    export = str(tmp_path / "clean")
    with tf.Graph().as_default() as g:
        x = tf.placeholder(tf.float32, [None, 2], name="x")
        w = tf.Variable(np.array([[1.0, -1.0], [2.0, 0.5]], np.float32), name="w")
        y = tf.nn.relu(tf.matmul(x, w), name="y")
        with tf.Session(graph=g) as sess:
            sess.run(w.initializer)
            sm.simple_save(sess, export, {"x": x}, {"y": y})
    with open(os.path.join(export, "saved_model.pb"), "rb") as f:
        data = f.read()
    bad = str(tmp_path / "bad")
    os.makedirs(os.path.join(bad, "variables"))
    for n in os.listdir(os.path.join(export, "variables")):
        with open(os.path.join(export, "variables", n), "rb") as f, \
                open(os.path.join(bad, "variables", n), "wb") as g:
            g.write(f.read())

    def read(b):
        with open(os.path.join(bad, "saved_model.pb"), "wb") as f:
            f.write(b)
        with tf.Graph().as_default() as g2, tf.Session(graph=g2) as sess:
            try:
                mg = sm.loader.load(sess, ["serve"], bad)
            except NotImplementedError:
                raise
            except RuntimeError as e:  # TF's for tags that are not there
                assert "could not be found in SavedModel" in str(e)
                return
            except OSError as e:  # TF's for a saved_model.pb that does not parse
                assert str(e).startswith("Cannot parse file")
                return
            sig = mg.signature_def.get("serving_default")
            if sig is not None and "x" in sig.inputs and "y" in sig.outputs:
                sess.run(sig.outputs["y"].name, {sig.inputs["x"].name: np.ones((1, 2),
                                                                               np.float32)})
    fuzz("saved_model", data, read, cases=CASES // 2)


# ---- images, Examples, TensorProtos (through a session's feed) --------------------------

def _image_bytes(fmt, mode="RGB", **kw):
    from PIL import Image
    rng = np.random.default_rng(len(fmt) + len(mode))
    shape = {"L": (9, 7), "RGBA": (9, 7, 4)}.get(mode, (9, 7, 3))
    img = Image.fromarray(rng.integers(0, 256, shape).astype(np.uint8),
                          "RGB" if mode == "P" else mode)
    if mode == "P":
        img = img.convert("P")
    buf = io.BytesIO()
    img.save(buf, fmt, **kw)
    return buf.getvalue()


def _session_reader(build):
    """(bytes -> value) running `build(placeholder)` in one session."""
    g = tf.Graph()
    with g.as_default():
        p = tf.placeholder(tf.string, [])
        out = build(p)
    sess = tf.Session(graph=g)
    return (lambda b: sess.run(out, {p: b})), sess


@pytest.mark.parametrize("fmt,mode,decoder", [
    ("PNG", "RGB", "decode_png"), ("PNG", "RGBA", "decode_image"), ("PNG", "P", "decode_png"),
    ("PNG", "L", "decode_png"), ("JPEG", "RGB", "decode_jpeg"), ("JPEG", "L", "decode_image"),
    ("GIF", "P", "decode_gif"), ("BMP", "RGB", "decode_bmp"), ("BMP", "RGB", "decode_image")])
def test_images(fmt, mode, decoder):
    data = _image_bytes(fmt, mode)
    fn = getattr(tf.io, decoder)
    read, sess = _session_reader(lambda p: fn(p))
    with sess:
        fuzz(f"{fmt}-{mode}-{decoder}", data, read, cases=max(CASES // 2, 1))


def test_sixteen_bit_png():
    read_png, sess = _session_reader(lambda p: tf.io.decode_png(p, dtype=tf.uint16))
    with sess:
        with tf.Graph().as_default(), tf.Session() as s2:
            data = s2.run(tf.io.encode_png(np.arange(5 * 4 * 3, dtype=np.uint16)
                                           .reshape(5, 4, 3) * 1000))
        fuzz("png16", data, read_png, cases=max(CASES // 2, 1))


def _example(k):
    feature = {
        "ids": tf.train.Feature(int64_list=tf.train.Int64List(value=[k, -k, 1 << 40])),
        "x": tf.train.Feature(float_list=tf.train.FloatList(value=[0.5 * k, 2.0])),
        "name": tf.train.Feature(bytes_list=tf.train.BytesList(value=[b"ex%d" % k])),
        "tags": tf.train.Feature(bytes_list=tf.train.BytesList(value=[b"a", b"bc"][:k % 3])),
    }
    return tf.train.Example(features=tf.train.Features(feature=feature)).SerializeToString()


def test_parse_example():
    features = {"ids": tf.io.FixedLenFeature([3], tf.int64),
                "x": tf.io.FixedLenFeature([2], tf.float32, default_value=[0.0, 0.0]),
                "name": tf.io.FixedLenFeature([], tf.string, default_value=""),
                "tags": tf.io.VarLenFeature(tf.string)}
    g = tf.Graph()
    with g.as_default():
        p = tf.placeholder(tf.string, [None])
        parsed = tf.io.parse_example(p, features)
        one = tf.placeholder(tf.string, [])
        single = tf.io.parse_single_example(one, features)
    clean = [_example(k) for k in range(3)]
    with tf.Session(graph=g) as sess:
        fuzz("example", clean[1], lambda b: sess.run(parsed, {p: [clean[0], b, clean[2]]}))
        fuzz("single-example", clean[2], lambda b: sess.run(single, {one: b}),
             cases=CASES // 2)


def test_parse_tensor():
    with tf.Graph().as_default(), tf.Session() as s:
        data = s.run(tf.io.serialize_tensor(np.arange(6, dtype=np.float32).reshape(2, 3)))
        strings = s.run(tf.io.serialize_tensor(np.array([b"a", b"bcd"], object)))
    for kind, clean, dtype in (("tensor", data, tf.float32), ("string-tensor", strings,
                                                                tf.string)):
        read, sess = _session_reader(lambda p: tf.io.parse_tensor(p, dtype))
        with sess:
            fuzz(kind, clean, read, cases=CASES // 2)


def test_mutations_damage_the_files():
    # The fuzzer is worth something only if most mutations change the bytes and
    # some claim huge sizes.
    data = _graph().as_graph_def().SerializeToString()
    changed, huge = 0, 0
    for case in range(200):
        bad = mutate(data, random.Random(case))
        changed += bad != data
        huge += any(struct.pack("<I", v) in bad for v in _HUGE) or b"\xff\xff\xff\xff\x0f" in bad
    assert changed >= 190 and huge >= 30
