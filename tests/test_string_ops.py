"""String tensors and string ops against hand-computed values: constants,
feeds and fetches as TF's (object arrays of bytes, scalars as bytes), the
layout ops on strings, and tf.strings' functions and their errors."""

import numpy as np
import pytest

import fastgraph as tf


def _run(fetches, feed_dict=None):
    with tf.Session() as sess:
        return sess.run(fetches, feed_dict)


@pytest.fixture(autouse=True)
def _graph():
    with tf.Graph().as_default():
        yield


def _objects(*values):
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


# ---- constants, feeds and fetches ------------------------------------------------

def test_string_constant_scalar_is_bytes():
    got = _run(tf.constant("Hello"))
    assert got == b"Hello" and isinstance(got, bytes)
    assert tf.constant(b"x").dtype == tf.string


def test_string_constant_list_is_object_array_of_bytes():
    got = _run(tf.constant([["a", b"bc"], ["\u00e9", ""]]))
    assert got.dtype == object and got.shape == (2, 2)
    assert got.tolist() == [[b"a", b"bc"], ["\u00e9".encode(), b""]]
    got = _run(tf.constant(np.array(["x", "yz"])))
    assert got.tolist() == [b"x", b"yz"]


def test_string_constant_broadcast_to_shape():
    assert _run(tf.constant("a", shape=[2])).tolist() == [b"a", b"a"]


def test_string_constant_errors_as_tf():
    with pytest.raises(TypeError, match="Failed to convert elements of"):
        tf.constant(["a", 1])
    with pytest.raises(TypeError, match=r"Expected string, but got 1 of type 'int'\."):
        tf.constant(1, dtype=tf.string)
    with pytest.raises(TypeError, match=r"Expected int32, but got a of type 'str'\."):
        tf.constant("a", dtype=tf.int32)


def test_string_feed_and_fetch():
    p = tf.placeholder(tf.string, [None])
    got = _run(tf.identity(p), {p: ["x", b"yy"]})
    assert got.dtype == object and got.tolist() == [b"x", b"yy"]
    q = tf.placeholder(tf.string)
    assert _run(q, {q: "s"}) == b"s"


def test_layout_ops_move_strings():
    p = tf.placeholder(tf.string, [3])
    feed = {p: ["a", "b", "c"]}
    got = _run([tf.gather(p, [2, 0]), tf.concat([p, p[:1]], 0), tf.stack([p, p]),
                tf.reshape(p, [3, 1]), tf.fill([2], "z"), tf.tile(p, [2]),
                tf.reverse(p, [0]), tf.zeros_like(p)], feed)
    assert got[0].tolist() == [b"c", b"a"]
    assert got[1].tolist() == [b"a", b"b", b"c", b"a"]
    assert got[2].shape == (2, 3)
    assert got[3].tolist() == [[b"a"], [b"b"], [b"c"]]
    assert got[4].tolist() == [b"z", b"z"]
    assert got[5].tolist() == [b"a", b"b", b"c"] * 2
    assert got[6].tolist() == [b"c", b"b", b"a"]
    assert got[7].tolist() == [b"", b"", b""]


def test_equal_on_strings():
    p = tf.placeholder(tf.string, [3])
    got = _run([tf.equal(p, "b"), tf.not_equal(p, tf.constant(["a", "x", "c"]))],
               {p: ["a", "b", "c"]})
    assert got[0].tolist() == [False, True, False]
    assert got[1].tolist() == [False, True, False]


# ---- tf.strings, hand-computed ---------------------------------------------------

def _list(x):
    return np.asarray(x, dtype=object).tolist()


def test_join_and_reduce_join():
    got = _run([tf.strings.join([tf.constant(["a", "b"]), "-", tf.constant(["x", "y"])]),
                tf.strings.reduce_join(tf.constant([["a", "b"], ["c", "d"]]), axis=[0, 1]),
                tf.strings.reduce_join(tf.constant([["a", "b"], ["c", "d"]]), axis=[1, 0]),
                tf.strings.reduce_join(tf.constant([["a", "b"], ["c", "d"]]), axis=0,
                                       separator="."),
                tf.strings.reduce_join(tf.constant([["a", "b"], ["c", "d"]]), axis=1,
                                       keepdims=True)])
    assert _list(got[0]) == [b"a-x", b"b-y"]
    assert got[1] == b"acbd" and got[2] == b"abcd"  # the first listed axis varies fastest
    assert _list(got[3]) == [b"a.c", b"b.d"]
    assert _list(got[4]) == [[b"ab"], [b"cd"]]


def test_join_shapes_must_match():
    with pytest.raises(ValueError, match="Dimension 0 in both shapes must be equal"):
        tf.strings.join([tf.constant(["a", "b"]), tf.constant(["a", "b", "c"])])
    p = tf.placeholder(tf.string, [None])
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"Input shapes do not match"):
        _run(tf.strings.join([p, tf.constant(["a", "b"])]), {p: ["x"]})


def test_reduce_join_axis_errors():
    with pytest.raises(ValueError, match="Invalid reduction dimension 2 for input with 2"):
        tf.strings.reduce_join(tf.constant([["a"]]), axis=[2])
    with pytest.raises(tf.errors.InvalidArgumentError, match="Duplicate reduction dimension 0"):
        _run(tf.strings.reduce_join(tf.constant([["a"]]), axis=[0, 0]))


def test_case_strip_length():
    x = tf.constant(["H\u00c9llo", " \t pad \n", ""])
    got = _run([tf.strings.lower(x), tf.strings.upper(x, encoding="utf-8"), tf.strings.strip(x),
                tf.strings.length(x), tf.strings.length(x, unit="UTF8_CHAR")])
    assert _list(got[0]) == ["h\u00c9llo".encode(), b" \t pad \n", b""]  # ASCII only
    assert _list(got[1]) == ["H\u00c9LLO".encode(), b" \t PAD \n", b""]
    assert _list(got[2]) == ["H\u00c9llo".encode(), b"pad", b""]
    assert got[3].tolist() == [6, 8, 0] and got[3].dtype == np.int32
    assert got[4].tolist() == [5, 8, 0]


def test_substr():
    x = tf.constant(["hello", "h\u00e9llo"])
    got = _run([tf.strings.substr(x, 1, 3), tf.strings.substr(x, -2, 5),
                tf.strings.substr(x, 1, 2, unit="UTF8_CHAR"),
                tf.strings.substr(x, tf.constant([0, 2]), tf.constant([1, 2]))])
    assert _list(got[0]) == [b"ell", b"\xc3\xa9l"]
    assert _list(got[1]) == [b"lo", b"lo"]
    assert _list(got[2]) == [b"el", "\u00e9l".encode()]
    assert _list(got[3]) == [b"h", b"\xa9l"]
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match=r"pos 6 out of range for string b'hello' at index 0"):
        _run(tf.strings.substr(x, 6, 1))


def test_regex():
    x = tf.constant(["abcabc", "Text"])
    got = _run([tf.strings.regex_replace(x, "(b)(c)", r"[\2\1]"),
                tf.strings.regex_replace(x, "b", "X", replace_global=False),
                tf.strings.regex_replace(x, "x*", "-"),
                tf.strings.regex_replace(x, tf.constant("a"), tf.constant("")),
                tf.strings.regex_full_match(x, "a.c.*"),
                tf.strings.regex_full_match(x, tf.constant("T\\w+"))])
    assert got[0].tolist() == [b"a[cb]a[cb]", b"Text"]
    assert got[1].tolist() == [b"aXcabc", b"Text"]
    assert got[2].tolist() == [b"-a-b-c-a-b-c-", b"-T-e-t-"]  # RE2 skips the empty match after x
    assert got[3].tolist() == [b"bcbc", b"Text"]
    assert got[4].tolist() == [True, False] and got[5].tolist() == [False, True]
    assert tf.strings.regex_replace(x, "a", "b").op.type == "StaticRegexReplace"
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"Invalid pattern: \("):
        _run(tf.strings.regex_full_match(x, "("))


def test_to_number():
    got = _run([tf.strings.to_number(tf.constant([" 1.5", "-2e2", "inf", "0x10"])),
                tf.strings.to_number(tf.constant(["12", " -3 "]), out_type=tf.int64)])
    assert got[0].dtype == np.float32 and got[0].tolist() == [1.5, -200.0, float("inf"), 16.0]
    assert got[1].dtype == np.int64 and got[1].tolist() == [12, -3]
    for bad, out_type in (("1.5", tf.int32), ("abc", tf.float32), ("", tf.float64),
                          ("2147483648", tf.int32)):
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match="StringToNumberOp could not correctly convert string: "):
            _run(tf.strings.to_number(tf.constant([bad]), out_type=out_type))


def test_as_string():
    got = _run([tf.strings.as_string(tf.constant([3.14159, -0.5])),
                tf.strings.as_string(tf.constant([3.14159]), precision=2, width=8, fill="0"),
                tf.strings.as_string(tf.constant([1e10]), shortest=True),
                tf.strings.as_string(tf.constant([1234.5]), scientific=True, precision=1),
                tf.strings.as_string(tf.constant([7, -42]), width=4),
                tf.strings.as_string(tf.constant([True, False])),
                tf.strings.as_string(tf.constant([float("inf")]), precision=2, fill="+")])
    assert _list(got[0]) == [b"3.141590", b"-0.500000"]
    assert _list(got[1]) == [b"00003.14"]
    assert _list(got[2]) == [b"1e+10"]
    assert _list(got[3]) == [b"1.2e+03"]
    assert _list(got[4]) == [b"   7", b" -42"]
    assert _list(got[5]) == [b"true", b"false"]
    assert _list(got[6]) == [b"+inf"]
    with pytest.raises(tf.errors.InvalidArgumentError, match="precision not supported"):
        _run(tf.strings.as_string(tf.constant([1]), precision=1))


def test_format():
    got = _run([tf.strings.format("v: {}", tf.range(8)),
                tf.strings.format("{} and {}", [tf.constant([[1.5, 2.0]]), tf.constant("s")])])
    assert got[0] == b"v: [0 1 2 ... 5 6 7]"
    assert got[1] == b'[[1.5 2]] and "s"'
    with pytest.raises(ValueError, match="The template expects 2 tensors"):
        tf.strings.format("{} {}", [tf.range(2)])


def test_hash_buckets_by_hand():
    from fastgraph.framework.fingerprint import fingerprint64, legacy_hash64, siphash24
    # FarmHash's Fingerprint64 of the empty string is its constant k2.
    assert fingerprint64(b"") == 0x9AE16A3B2F90404F
    # SipHash-2-4's published test vector: key 00..0f, message 00..0e.
    key = (int.from_bytes(bytes(range(8)), "little"), int.from_bytes(bytes(range(8, 16)),
                                                                     "little"))
    assert siphash24(key, bytes(range(15))) == 0xA129CA6149BE45E5
    words = ["", "a", "hello world", "x" * 100]
    got = _run([tf.strings.to_hash_bucket_fast(words, 1000),
                tf.strings.to_hash_bucket_strong(words, 1000, key),
                tf.strings.to_hash_bucket(words, 1000)])
    assert got[0].tolist() == [fingerprint64(w.encode()) % 1000 for w in words]
    assert got[1].tolist() == [siphash24(key, w.encode()) % 1000 for w in words]
    assert got[2].tolist() == [legacy_hash64(w.encode()) % 1000 for w in words]
    assert got[0].dtype == np.int64
    with pytest.raises(tf.errors.InvalidArgumentError, match="Key must have 2 elements"):
        _run(tf.strings.to_hash_bucket_strong(words, 10, [1, 2, 3]))


def test_split_gives_ragged_and_sparse():
    rt = tf.strings.split(tf.constant(["a b", "", "c  d e"]))
    assert isinstance(rt, tf.RaggedTensor) and rt.dtype == tf.string
    value, dense, splits = _run([rt, rt.to_tensor("?"), rt.row_splits])
    assert value.to_list() == [[b"a", b"b"], [], [b"c", b"d", b"e"]]
    assert _list(dense) == [[b"a", b"b", b"?"], [b"?", b"?", b"?"], [b"c", b"d", b"e"]]
    assert splits.tolist() == [0, 2, 2, 5]
    st = tf.string_split(tf.constant(["a,b", "c"]), ",")
    assert isinstance(st, tf.SparseTensor)
    sv = _run(st)
    assert isinstance(sv, tf.SparseTensorValue)
    assert sv.indices.tolist() == [[0, 0], [0, 1], [1, 0]] and sv.dense_shape.tolist() == [2, 2]
    assert _list(sv.values) == [b"a", b"b", b"c"]
    assert _list(_run(tf.strings.split("x  y"))) == [b"x", b"y"]
    with pytest.raises(ValueError, match="only supported in eager mode"):
        rt.to_list()


def test_split_maxsplit_keeps_the_rest():
    got = _run([tf.strings.split(tf.constant(["a b c", "abc "]), maxsplit=1).values,
                tf.strings.split(tf.constant(["1<>2<><>3"]), sep="<>").values])
    assert _list(got[0]) == [b"a", b"b c", b"abc", b""]
    assert _list(got[1]) == [b"1", b"2", b"", b"3"]


def test_bytes_split_and_unicode_decode():
    got = _run([tf.strings.bytes_split(tf.constant(["ab", ""])),
                tf.strings.unicode_decode(tf.constant([b"h\xc3\xa9", b"a\xff"]), "UTF-8")])
    assert got[0].to_list() == [[b"a", b"b"], []]
    assert got[1].to_list() == [[104, 233], [97, 0xFFFD]]


def test_string_ops_refuse_numbers():
    with pytest.raises(TypeError, match="Value passed to parameter 'input' has DataType float32"):
        tf.strings.length(tf.constant([1.0]))


def test_string_variables_are_refused_at_build_time():
    with pytest.raises(TypeError, match="fastgraph has no string variables"):
        tf.Variable("abc")
