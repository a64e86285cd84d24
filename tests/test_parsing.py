"""tf.train.Example protos, parse_example / parse_single_example with
FixedLen, VarLen and FixedLenSequence features, parse_single_sequence_example,
decode_raw, SparseTensor fetches and sparse.to_dense: hand-computed values,
bytes written out here by hand, and malformed input that must raise
InvalidArgumentError (never crash)."""

import struct

import numpy as np
import pytest

import fastgraph as tf

Feature = tf.train.Feature


def _floats(*v):
    return Feature(float_list=tf.train.FloatList(value=v))


def _ints(*v):
    return Feature(int64_list=tf.train.Int64List(value=v))


def _bytes(*v):
    return Feature(bytes_list=tf.train.BytesList(value=v))


def _example(**features):
    return tf.train.Example(features=tf.train.Features(feature=features)).SerializeToString()


# ---- protos ------------------------------------------------------------------------

def test_example_bytes_are_protobufs_wire_format():
    data = _example(a=_floats(1.5))
    # Example{1: Features{1: entry{1: "a", 2: Feature{2: FloatList{1: packed [1.5]}}}}}
    float_list = b"\x0a\x04" + struct.pack("<f", 1.5)
    feature = b"\x12" + bytes([len(float_list)]) + float_list
    entry = b"\x0a\x01a" + b"\x12" + bytes([len(feature)]) + feature
    features = b"\x0a" + bytes([len(entry)]) + entry
    assert data == b"\x0a" + bytes([len(features)]) + features


def test_example_fields_read_back_as_protobuf():
    ex = tf.train.Example()
    ex.features.feature["i"].int64_list.value.extend([-1, 2 ** 40])
    ex.features.feature["s"].bytes_list.value.append(b"\xff")
    back = tf.train.Example.FromString(ex.SerializeToString())
    assert back.features.feature["i"].int64_list.value == [-1, 2 ** 40]
    assert back.features.feature["s"].bytes_list.value == [b"\xff"]
    assert back.features.feature["i"].WhichOneof("kind") == "int64_list"
    assert back.features.feature["i"].float_list.value == []
    assert back == ex
    seq = tf.train.SequenceExample()
    seq.feature_lists.feature_list["t"].feature.add().float_list.value.append(2.0)
    parsed = tf.train.SequenceExample()
    parsed.ParseFromString(seq.SerializeToString())
    assert parsed.feature_lists.feature_list["t"].feature[0].float_list.value == [2.0]
    assert "feature_lists {" in str(parsed)


# ---- parse_example -----------------------------------------------------------------

def _run(fetches, feed=None):
    with tf.Session() as sess:
        return sess.run(fetches, feed)


def test_parse_example_dense_sparse_and_sequence_features():
    with tf.Graph().as_default():
        ser = tf.placeholder(tf.string, [None])
        out = tf.parse_example(ser, {
            "a": tf.io.FixedLenFeature([2], tf.float32),
            "d": tf.io.FixedLenFeature([], tf.int64, default_value=9),
            "s": tf.io.FixedLenSequenceFeature([], tf.int64, allow_missing=True,
                                               default_value=-1),
            "v": tf.io.VarLenFeature(tf.string),
            "m": tf.io.FixedLenFeature([2, 1], tf.string, default_value=[b"p", b"q"]),
        })
        assert isinstance(out["v"], tf.SparseTensor)
        assert out["a"].shape.as_list() == [None, 2]
        assert out["s"].shape.as_list() == [None, None]
        assert out["m"].shape.as_list() == [None, 2, 1]
        got = _run(out, {ser: [_example(a=_floats(1, 2), v=_bytes(b"x", b"y"), s=_ints(1, 2, 3)),
                               _example(a=_floats(3, 4), d=_ints(5), m=_bytes(b"r", b"t"))]})
    np.testing.assert_array_equal(got["a"], np.float32([[1, 2], [3, 4]]))
    np.testing.assert_array_equal(got["d"], [9, 5])
    np.testing.assert_array_equal(got["s"], [[1, 2, 3], [-1, -1, -1]])
    assert got["m"].tolist() == [[[b"p"], [b"q"]], [[b"r"], [b"t"]]]
    v = got["v"]
    assert isinstance(v, tf.SparseTensorValue)
    np.testing.assert_array_equal(v.indices, [[0, 0], [0, 1]])
    assert list(v.values) == [b"x", b"y"]
    np.testing.assert_array_equal(v.dense_shape, [2, 2])
    assert got["d"].dtype == np.int64 and v.indices.dtype == np.int64


def test_parse_single_example_has_no_batch_dimension():
    with tf.Graph().as_default():
        out = tf.io.parse_single_example(_example(a=_floats(1, 2), v=_ints(7, 8, 9)), {
            "a": tf.io.FixedLenFeature([2], tf.float32),
            "v": tf.io.VarLenFeature(tf.int64),
            "q": tf.io.FixedLenSequenceFeature([2], tf.float32, allow_missing=True)})
        assert out["a"].shape.as_list() == [2]
        assert out["v"].indices.shape.as_list() == [None, 1]
        got = _run([out, tf.sparse.to_dense(out["v"])])
    np.testing.assert_array_equal(got[0]["a"], [1, 2])
    np.testing.assert_array_equal(got[0]["v"].indices, [[0], [1], [2]])
    np.testing.assert_array_equal(got[0]["v"].dense_shape, [3])
    assert got[0]["q"].shape == (0, 2)
    np.testing.assert_array_equal(got[1], [7, 8, 9])


def test_sequence_feature_pads_a_batch_with_frames():
    with tf.Graph().as_default():
        ser = tf.placeholder(tf.string, [None])
        out = tf.parse_example(ser, {"f": tf.io.FixedLenSequenceFeature(
            [2], tf.float32, allow_missing=True)})["f"]
        got = _run(out, {ser: [_example(f=_floats(1, 2, 3, 4)), _example(), _example(f=_floats(5, 6))]})
    want = np.zeros((3, 2, 2), np.float32)
    want[0] = [[1, 2], [3, 4]]
    want[2, 0] = [5, 6]
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("data,features,message", [
    ([_example(a=_ints(1))], {"a": tf.io.FixedLenFeature([], tf.float32)},
     "Name: <unknown>, Key: a, Index: 0.  Data types don't match. Data type: int64 but expected "
     "type: float"),
    ([_example(a=_floats(1, 2, 3))], {"a": tf.io.FixedLenFeature([2], tf.float32)},
     "Name: <unknown>, Key: a, Index: 0.  Number of float values != expected.  Values size: 3 "
     "but output shape: [2]"),
    ([_example(), _example()], {"a": tf.io.FixedLenFeature([2], tf.float32)},
     "Name: <unknown>, Feature: a (data type: float) is required but could not be found."),
    ([_example(a=_floats(1)), _example(a=_ints(1))], {"a": tf.io.VarLenFeature(tf.float32)},
     "Name: <unknown>, Key: a, Index: 1.  Data types don't match. Expected type: float, Actual "
     "type: int64"),
    ([_example(a=_floats(1, 2, 3))],
     {"a": tf.io.FixedLenSequenceFeature([2], tf.float32, allow_missing=True)},
     "Name: <unknown>, Key: a, Index: 0.  Number of float values is not a multiple of stride "
     "length. Saw 3 values but output shape is: [?,2]"),
    ([b"\x0a\x05zzz"], {"a": tf.io.VarLenFeature(tf.float32)},
     "Could not parse example input, value: '\n\x05zzz'"),
])
def test_parse_errors_are_tfs(data, features, message):
    with tf.Graph().as_default():
        ser = tf.placeholder(tf.string, [None])
        out = tf.parse_example(ser, features)
        with tf.Session() as sess:
            with pytest.raises(tf.errors.InvalidArgumentError) as info:
                sess.run(out, {ser: data})
            assert info.value.message == message
            # The session stays usable.
            sess.run(out, {ser: []})


def test_example_names_name_the_failing_example():
    with tf.Graph().as_default():
        out = tf.parse_example([_example()], {"a": tf.io.FixedLenFeature([], tf.int64)},
                               example_names=["first"])
        with pytest.raises(tf.errors.InvalidArgumentError, match="Name: first, Feature: a"):
            _run(out)


def test_first_of_a_repeated_key_wins_as_in_tfs_fast_parser():
    one = _example(a=_ints(1))
    two = _example(a=_ints(2))
    # Two Features messages of one Example are one map with "a" twice.
    with tf.Graph().as_default():
        out = tf.io.parse_single_example(one + two, {"a": tf.io.FixedLenFeature([], tf.int64)})
        assert _run(out["a"]) == 1


def test_feature_config_errors_at_build_time():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="Must provide at least one feature key"):
            tf.parse_example([b""], {})
        with pytest.raises(ValueError, match="requires allow_missing to be True"):
            tf.parse_example([b""], {"a": tf.io.FixedLenSequenceFeature([], tf.float32)})
        with pytest.raises(ValueError, match="First dimension of shape for feature a unknown"):
            tf.parse_example([b""], {"a": tf.io.FixedLenFeature([None], tf.float32)})
        with pytest.raises(ValueError):
            tf.parse_example([b""], {"a": tf.io.FixedLenFeature([2], tf.int64,
                                                                default_value=[1, 2, 3])})


def test_fuzzed_examples_raise_invalid_argument_or_parse():
    rng = np.random.default_rng(3)
    good = _example(a=_floats(1, 2), b=_ints(-5, 6), c=_bytes(b"xyz"))
    features = {"a": tf.io.VarLenFeature(tf.float32), "b": tf.io.VarLenFeature(tf.int64),
                "c": tf.io.VarLenFeature(tf.string)}
    with tf.Graph().as_default():
        ser = tf.placeholder(tf.string, [None])
        out = tf.parse_example(ser, features)
        with tf.Session() as sess:
            parsed = 0
            for _ in range(300):
                data = bytearray(good[:rng.integers(0, len(good) + 1)])
                for i in rng.integers(0, max(len(data), 1), size=2):
                    if data:
                        data[i % len(data)] = rng.integers(0, 256)
                try:
                    sess.run(out, {ser: [bytes(data)]})
                    parsed += 1
                except tf.errors.InvalidArgumentError:
                    pass
            assert 0 < parsed < 300


# ---- parse_single_sequence_example ------------------------------------------------

def test_parse_single_sequence_example():
    seq = tf.train.SequenceExample()
    seq.context.feature["len"].int64_list.value.append(2)
    frames = seq.feature_lists.feature_list["x"]
    frames.feature.add().float_list.value.extend([1, 2])
    frames.feature.add().float_list.value.extend([3, 4])
    toks = seq.feature_lists.feature_list["t"]
    toks.feature.add().int64_list.value.extend([5])
    toks.feature.add().int64_list.value.extend([6, 7])
    with tf.Graph().as_default():
        ctx, sequence = tf.io.parse_single_sequence_example(
            seq.SerializeToString(),
            context_features={"len": tf.io.FixedLenFeature([], tf.int64),
                              "extra": tf.io.FixedLenFeature([], tf.int64, default_value=-3)},
            sequence_features={"x": tf.io.FixedLenSequenceFeature([2], tf.float32),
                               "t": tf.io.VarLenFeature(tf.int64)})
        got = _run([ctx, sequence])
    assert got[0]["len"] == 2 and got[0]["extra"] == -3
    np.testing.assert_array_equal(got[1]["x"], [[1, 2], [3, 4]])
    np.testing.assert_array_equal(got[1]["t"].indices, [[0, 0], [1, 0], [1, 1]])
    np.testing.assert_array_equal(got[1]["t"].values, [5, 6, 7])
    np.testing.assert_array_equal(got[1]["t"].dense_shape, [2, 2])


# ---- decode_raw ---------------------------------------------------------------------

def test_decode_raw_types_and_byte_order():
    vals = np.array([[1.5, -2.0], [3.25, 1e9]], np.float32)
    with tf.Graph().as_default():
        ser = tf.placeholder(tf.string, [2])
        little = tf.io.decode_raw(ser, tf.float32)
        big = tf.decode_raw(bytes=ser, out_type=tf.int16, little_endian=False)
        u16 = tf.io.decode_raw(ser, tf.uint16)
        assert little.shape.as_list() == [2, None]
        with tf.Session() as sess:
            feed = {ser: np.array([r.tobytes() for r in vals], dtype=object)}
            a, b, c = sess.run([little, big, u16], feed)
    np.testing.assert_array_equal(a, vals)
    np.testing.assert_array_equal(b, vals.view(">i2").astype(np.int16))
    assert c.dtype == np.uint16
    np.testing.assert_array_equal(c, vals.view("<u2"))


def test_decode_raw_errors():
    with tf.Graph().as_default():
        ser = tf.placeholder(tf.string, [None])
        out = tf.io.decode_raw(ser, tf.int32)
        with tf.Session() as sess:
            with pytest.raises(tf.errors.InvalidArgumentError, match="Input to DecodeRaw has "
                               "length 3 that is not a multiple of 4, the size of int32"):
                sess.run(out, {ser: [b"abc"]})
            with pytest.raises(tf.errors.InvalidArgumentError, match="element 1 has size 8 != 4"):
                sess.run(out, {ser: [b"abcd", b"abcdefgh"]})


# ---- SparseTensor -------------------------------------------------------------------

def test_sparse_to_dense_of_a_constant_sparse_tensor():
    with tf.Graph().as_default():
        sp = tf.SparseTensor(indices=[[0, 1], [2, 0]], values=[5, 6], dense_shape=[3, 2])
        assert sp.shape.as_list() == [3, 2]
        dense = tf.sparse.to_dense(sp, default_value=-1)
        v1 = tf.sparse_tensor_to_dense(sp)
        with tf.Session() as sess:
            got, zeros, value = sess.run([dense, v1, sp])
    np.testing.assert_array_equal(got, [[-1, 5], [-1, -1], [6, -1]])
    np.testing.assert_array_equal(zeros, [[0, 5], [0, 0], [6, 0]])
    np.testing.assert_array_equal(value.dense_shape, [3, 2])


def test_sparse_to_dense_checks_indices():
    with tf.Graph().as_default():
        bad = tf.sparse.to_dense(tf.SparseTensor([[1], [0]], [1.0, 2.0], [4]))
        out = tf.sparse.to_dense(tf.SparseTensor([[5]], [1.0], [4]))
        with tf.Session() as sess:
            with pytest.raises(tf.errors.InvalidArgumentError, match="is out of order"):
                sess.run(bad)
            with pytest.raises(tf.errors.InvalidArgumentError, match="is out of bounds"):
                sess.run(out)


# ---- decode_csv ---------------------------------------------------------------------

def test_decode_csv_quotes_defaults_and_columns():
    with tf.Graph().as_default():
        rec = tf.placeholder(tf.string, [None])
        a, b, c = tf.io.decode_csv(rec, [[0], [-1.5], ["none"]])
        x, z = tf.decode_csv(rec, [np.zeros(0, np.int64), [""]], select_cols=[0, 2])
        assert a.dtype == tf.int32 and b.dtype == tf.float32 and x.dtype == tf.int64
        with tf.Session() as sess:
            got = sess.run([a, b, c, x, z], {rec: [b'7,2.25,"q,""r"""', b" 8 ,,"]})
            with pytest.raises(tf.errors.InvalidArgumentError, match="Expect 3 fields but "
                                                                     "have 2 in record 0"):
                sess.run(a, {rec: [b"1,2"]})
            with pytest.raises(tf.errors.InvalidArgumentError, match="Field 0 in record 1 is "
                                                                     "not a valid int32: 1.5"):
                sess.run(a, {rec: [b"1,2,3", b"1.5,2,3"]})
    np.testing.assert_array_equal(got[0], [7, 8])
    np.testing.assert_array_equal(got[1], np.float32([2.25, -1.5]))
    assert list(got[2]) == [b'q,"r"', b"none"]
    np.testing.assert_array_equal(got[3], [7, 8])
    assert list(got[4]) == [b'q,"r"', b""]


def test_parse_sequence_example_pads_a_batch_and_counts_frames():
    def seq(frames):
        s = tf.train.SequenceExample()
        for f in frames:
            s.feature_lists.feature_list["x"].feature.add().int64_list.value.extend(f)
        return s.SerializeToString()
    with tf.Graph().as_default():
        ctx, lists, lengths = tf.io.parse_sequence_example(
            [seq([[1, 2], [3, 4]]), seq([]), seq([[5, 6]])],
            sequence_features={"x": tf.io.FixedLenSequenceFeature([2], tf.int64,
                                                                  allow_missing=True),
                               "y": tf.io.VarLenFeature(tf.string)})
        assert ctx == {} and lists["x"].shape.as_list() == [3, None, 2]
        x, n, y = _run([lists["x"], lengths["x"], lists["y"]])
    np.testing.assert_array_equal(x, [[[1, 2], [3, 4]], [[0, 0], [0, 0]], [[5, 6], [0, 0]]])
    np.testing.assert_array_equal(n, [2, 0, 1])
    np.testing.assert_array_equal(y.dense_shape, [3, 0, 0])
    with tf.Graph().as_default():
        _, lists = tf.io.parse_single_sequence_example(
            seq([]), sequence_features={"z": tf.io.FixedLenSequenceFeature([], tf.float32)})
        with pytest.raises(tf.errors.InvalidArgumentError, match="Feature list 'z' is required"):
            _run(lists["z"])


def _reference_features(data):
    """An Example's {key: (kind, values)} decoded by the Python wire reader
    (fastgraph/protobuf_wire.py), or "malformed"."""
    from fastgraph import protobuf_wire as wire
    try:
        out = {}
        for n, w, v in wire.fields(data):
            if n != 1:
                continue
            assert w == 2
            for m, mw, mv in wire.fields(v):
                if m != 1:
                    continue
                assert mw == 2
                entry = {}
                for e, ew, ev in wire.fields(mv):
                    assert e not in (1, 2) or ew == 2
                    entry[e] = ev
                key, feat = entry.get(1, b""), entry.get(2, b"")
                kind, values = 0, None
                for fn, fw, fv in wire.fields(feat):
                    if fn in (1, 2, 3):
                        assert fw == 2
                        kind, values = fn, []
                        for ln, lw, lv in wire.fields(fv):
                            if ln != 1:
                                continue
                            assert lw in ((2,), (2, 5), (2, 0))[fn - 1]
                            assert not (fn == 2 and lw == 2 and len(lv) % 4)
                            if fn == 1:
                                values.append(lv)
                            elif fn == 2:
                                values.extend(np.frombuffer(lv, "<f4").tolist() if lw == 2
                                              else [struct.unpack("<f", struct.pack("<I", lv))[0]])
                            else:
                                vs = wire.packed_varints(lv) if lw == 2 else [lv]
                                # A 10-byte varint's bits past 64 are dropped, as
                                # protobuf reads it.
                                values.extend(wire.signed(x % (1 << 64)) for x in vs)
                out.setdefault(key, (kind, values))
        return out
    except (AssertionError, IndexError, ValueError, struct.error):
        return "malformed"


def test_native_example_scanner_agrees_with_the_python_wire_reader():
    from fastgraph._native import wire as native
    rng = np.random.default_rng(5)
    checked = 0
    for _ in range(300):
        feats = {}
        for k in range(rng.integers(0, 5)):
            kind = rng.integers(0, 4)
            if kind == 1:
                f = tf.train.Feature(bytes_list=tf.train.BytesList(value=[
                    rng.bytes(int(rng.integers(0, 6))) for _ in range(rng.integers(0, 4))]))
            elif kind == 2:
                f = tf.train.Feature(float_list=tf.train.FloatList(
                    value=rng.normal(size=rng.integers(0, 6)).astype(np.float32).tolist()))
            elif kind == 3:
                f = tf.train.Feature(int64_list=tf.train.Int64List(
                    value=rng.integers(-2**63, 2**63 - 1, rng.integers(0, 6)).tolist()))
            else:
                f = tf.train.Feature()
            feats[f"k{k}"] = f
        good = tf.train.Example(features=tf.train.Features(feature=feats)).SerializeToString()
        for trial in range(4):
            data = bytearray(good)
            if trial and data:  # a flipped byte, a cut, an inserted byte
                i = int(rng.integers(len(data)))
                if trial == 1:
                    data[i] = int(rng.integers(256))
                elif trial == 2:
                    del data[i:]
                else:
                    data.insert(i, int(rng.integers(256)))
            data = bytes(data)
            want = _reference_features(data)
            try:
                got = {k: native.feature_values(v)
                       for k, v in native.example_features(data).items()}
            except ValueError:
                got = "malformed"
            if want == "malformed" or got == "malformed":
                assert got == want, data
                continue
            assert got.keys() == want.keys()
            for k, (kind, values) in want.items():
                assert got[k][0] == kind
                if kind == 1:
                    assert got[k][1] == values
                elif kind:
                    assert np.array_equal(got[k][1], np.asarray(values, got[k][1].dtype),
                                          equal_nan=True)
            checked += 1
    assert checked > 300
