"""tf.strings against TensorFlow 2.21 in graph mode: the same graph built
with each api, run in a Session, gives the same values (strings as object
arrays of bytes), the same ragged and sparse results, the same hash bucket
ids on thousands of random strings, and the same error classes."""

import numpy as np
import pytest

import fastgraph as fg

from .parity import run_in

tf = pytest.importorskip("tensorflow")

WORDS = ["hello world", "  a b  c ", "", "H\u00e9llo W\u00d6rld", "tab\tsep\nline",
         "1<>2<><>3", "x,y;;z"]


def _value(v):
    """A fetched value as plain Python data, ragged and sparse ones included."""
    if hasattr(v, "to_list"):
        return ("ragged", v.to_list(), np.asarray(v.row_splits).tolist())
    if hasattr(v, "dense_shape"):
        return ("sparse", np.asarray(v.indices).tolist(), np.asarray(v.values).tolist(),
                np.asarray(v.dense_shape).tolist())
    if isinstance(v, (list, tuple)):
        return [_value(x) for x in v]
    if isinstance(v, bytes):
        return ("bytes", v)
    arr = np.asarray(v)
    return (str(arr.dtype), arr.shape, arr.tolist())


def _both(build, feeds=()):
    ours, theirs = (run_in(api, build, feeds) for api in (fg, tf))
    return _value(ours), _value(theirs)


def _assert_both(build, feeds=()):
    ours, theirs = _both(build, feeds)
    assert ours == theirs


def _words(api, phs):
    return api.constant(WORDS)


@pytest.mark.parametrize("name", ["lower", "upper", "strip", "length"])
def test_unary(name):
    _assert_both(lambda api, phs: getattr(api.strings, name)(_words(api, phs)))


def test_case_utf8_and_length_utf8():
    _assert_both(lambda api, phs: [api.strings.lower(_words(api, phs), encoding="utf-8"),
                                   api.strings.upper(_words(api, phs), encoding="utf-8"),
                                   api.strings.length(_words(api, phs), unit="UTF8_CHAR")])


def test_join_with_scalars_and_separator():
    _assert_both(lambda api, phs: [
        api.strings.join([_words(api, phs), "!", _words(api, phs)], separator="-"),
        api.strings.join(["a", "b"]),
        api.compat.v1.string_join([api.constant([["p", "q"]]), api.constant([["r", "s"]])])])


def test_fed_strings():
    feed = np.array([b"Fed", b" one "], dtype=object)

    def build(api, phs):
        p = api.compat.v1.placeholder(api.string, [None])
        return p, api.strings.upper(p), api.strings.strip(p)
    for api in (fg, tf):
        g = api.Graph()
        with g.as_default():
            p, up, st = build(api, None)
            with api.compat.v1.Session(graph=g) as sess:
                got = sess.run([up, st], {p: feed})
        assert [x.tolist() for x in got] == [[b"FED", b" ONE "], [b"Fed", b"one"]]


@pytest.mark.parametrize("axis,keepdims,separator", [
    (None, False, ""), (0, False, ","), (1, True, ""), ([0, 1], False, "."),
    ([1, 0], False, ""), (-1, False, " "), ([], False, "")])
def test_reduce_join(axis, keepdims, separator):
    x = [["a", "b", "c"], ["d", "e", "f"]]
    _assert_both(lambda api, phs: api.strings.reduce_join(
        api.constant(x), axis=axis, keepdims=keepdims, separator=separator))


def test_reduce_join_v1_and_empty_axis():
    _assert_both(lambda api, phs: [
        api.compat.v1.reduce_join(api.constant([["a", "b"], ["c", "d"]]), 0, keep_dims=True),
        api.strings.reduce_join(api.zeros([2, 0], api.string), axis=1)])


@pytest.mark.parametrize("pos,length,unit", [
    (0, 3, "BYTE"), (2, 100, "BYTE"), (-3, 2, "BYTE"), (1, 2, "UTF8_CHAR"),
    (-2, 5, "UTF8_CHAR"), (0, -1, "BYTE")])
def test_substr_scalar_pos(pos, length, unit):
    words = ["hello", "ab\u00e9cd", "xyz"]
    _assert_both(lambda api, phs: api.strings.substr(api.constant(words), pos, length,
                                                     unit=unit))


def test_substr_broadcast_and_v1():
    _assert_both(lambda api, phs: [
        api.strings.substr(api.constant([["hello", "world"], ["abc", "de"]]),
                           api.constant([0, 1]), api.constant([2, 3])),
        api.compat.v1.substr(api.constant(["hello"]), 1, 3)])


def test_substr_out_of_range_raises_as_tf():
    for api in (fg, tf):
        with pytest.raises(api.errors.InvalidArgumentError, match="pos 3 out of range"):
            run_in(api, lambda api, phs: api.strings.substr(api.constant(["abc", "de"]), 3, 1))


@pytest.mark.parametrize("pattern,rewrite,glob", [
    ("<[^>]+>", " ", True), ("(b)(c)", r"<\2\1\0\\>", True), ("x*", "-", True),
    ("o", "0", False), (r"\s+", "_", True), ("[a-z]+", "", True), (r"(\w+) (\w+)", r"\2 \1",
                                                                   True)])
def test_regex_replace_static_and_tensor(pattern, rewrite, glob):
    words = ["hello world", "Text with <b>tags</b>", "abcabc", "", "  spaced   out "]
    _assert_both(lambda api, phs: [
        api.strings.regex_replace(api.constant(words), pattern, rewrite, replace_global=glob),
        api.strings.regex_replace(api.constant(words), api.constant(pattern),
                                  api.constant(rewrite), replace_global=glob)])


def test_regex_full_match():
    words = ["abc", "abcd", "a1c", "", "ABC"]
    _assert_both(lambda api, phs: [api.strings.regex_full_match(api.constant(words), "a.c"),
                                   api.strings.regex_full_match(api.constant(words),
                                                                api.constant("[a-z]*"))])


def test_bad_regex_raises_invalid_argument_in_both():
    for api in (fg, tf):
        with pytest.raises(api.errors.InvalidArgumentError, match="Invalid pattern"):
            run_in(api, lambda api, phs: api.strings.regex_replace(api.constant(["a"]), "(",
                                                                  "x"))


NUMBER_TEXT = [" 1.5", "2 ", "inf", "-INF", "nan", "1e3", "0x10", "+3", "1.", ".5", "3.4e39",
               "1e-50", "-0", "12345678901"]


@pytest.mark.parametrize("out_type", ["float32", "float64"])
def test_to_number_floats(out_type):
    ours, theirs = _both(lambda api, phs: api.strings.to_number(api.constant(NUMBER_TEXT),
                                                                out_type=api.as_dtype(out_type)))
    assert ours[:2] == theirs[:2]
    np.testing.assert_array_equal(np.array(ours[2]), np.array(theirs[2]))


@pytest.mark.parametrize("out_type", ["int32", "int64"])
def test_to_number_ints(out_type):
    text = [" 12", "+3", "-4 ", "2147483647", "-2147483648", "0"]
    _assert_both(lambda api, phs: [
        api.strings.to_number(api.constant(text), out_type=api.as_dtype(out_type)),
        api.compat.v1.string_to_number(api.constant(text), out_type=api.as_dtype(out_type))])


@pytest.mark.parametrize("bad,out_type", [("abc", "float32"), ("", "float64"), ("1e", "float32"),
                                          ("1_0", "float32"), ("1.5", "int32"),
                                          ("3000000000", "int32"), ("0x10", "int64"),
                                          ("1,5", "float32")])
def test_to_number_refuses_as_tf(bad, out_type):
    for api in (fg, tf):
        with pytest.raises(api.errors.InvalidArgumentError,
                           match="StringToNumberOp could not correctly convert string"):
            run_in(api, lambda api, phs: api.strings.to_number(api.constant(["1", bad]),
                                                               out_type=api.as_dtype(out_type)))


@pytest.mark.parametrize("kwargs", [
    {}, {"precision": 2}, {"precision": 3, "width": 10, "fill": "0"}, {"scientific": True},
    {"shortest": True}, {"width": 12, "fill": "-"}, {"precision": 0, "fill": "+"},
    {"width": 8, "fill": " ", "scientific": True, "precision": 1}])
def test_as_string_floats(kwargs):
    x = np.array([3.14159, -2.5, 1e10, 1.25e-7, 0.0, np.inf, -np.inf, np.nan], np.float32)
    _assert_both(lambda api, phs: [api.strings.as_string(api.constant(x), **kwargs),
                                   api.strings.as_string(api.constant(x.astype(np.float64)),
                                                         **kwargs)])


@pytest.mark.parametrize("kwargs", [{}, {"width": 5}, {"width": 6, "fill": "0"},
                                    {"width": 4, "fill": "-"}])
def test_as_string_ints_and_bools(kwargs):
    _assert_both(lambda api, phs: [
        api.strings.as_string(api.constant([3, -42, 0, 123456], api.int32), **kwargs),
        api.strings.as_string(api.constant([2 ** 40, -7], api.int64), **kwargs),
        api.strings.as_string(api.constant([True, False]), **kwargs),
        api.compat.v1.as_string(api.constant([7], api.uint8), **kwargs)])


@pytest.mark.parametrize("kwargs,message", [
    ({"scientific": True, "shortest": True}, "Cannot select both"),
    ({"fill": "x"}, "Fill argument not supported"), ({"fill": "00"}, "Fill string must be")])
def test_as_string_errors(kwargs, message):
    for api in (fg, tf):
        with pytest.raises(api.errors.InvalidArgumentError, match=message):
            run_in(api, lambda api, phs: api.strings.as_string(api.constant([1.5]), **kwargs))


def test_format():
    _assert_both(lambda api, phs: [
        api.strings.format("a {} b {}", (api.range(10), api.constant([[1.5, 2.0], [3.25, -1.0]]))),
        api.strings.format("{}", api.constant(["a", "b"])),
        api.strings.format("x={}", api.constant(3.5)),
        api.strings.format("{}", api.reshape(api.range(60), [3, 4, 5]), summarize=2),
        api.strings.format("<%s>", [api.constant([True, False])], placeholder="%s",
                           summarize=-1),
        api.strings.format("{} {}", [api.constant(7, api.int64), api.constant("s")])])


def test_hash_buckets_on_random_strings():
    rng = np.random.default_rng(7)
    lengths = list(range(0, 140)) + list(rng.integers(0, 400, size=2860))
    words = np.empty(len(lengths), dtype=object)
    words[:] = [rng.integers(0, 256, size=n, dtype=np.uint8).tobytes() for n in lengths]
    big = 2 ** 62 + 57

    def build(api, phs):
        p = phs[0]
        return [api.strings.to_hash_bucket_fast(p, big), api.strings.to_hash_bucket_fast(p, 1000),
                api.strings.to_hash_bucket_strong(p, big, [1234567890123, 2 ** 63 - 5]),
                api.strings.to_hash_bucket_strong(p, 17, [0, 1]),
                api.compat.v1.string_to_hash_bucket(p, big), api.strings.to_hash_bucket(p, 31),
                api.fingerprint(p)]
    ours, theirs = (run_in(api, build, [words]) for api in (fg, tf))
    for a, b in zip(ours, theirs):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_array_equal(a, b)


def test_split_ragged_and_to_tensor():
    _assert_both(lambda api, phs: [
        api.strings.split(api.constant(WORDS)),
        api.strings.split(api.constant(WORDS), sep=" "),
        api.strings.split(api.constant(WORDS), sep="<>"),
        api.strings.split(api.constant(WORDS), maxsplit=1),
        api.strings.split(api.constant("one two  three")),
        api.strings.split(api.constant(WORDS)).to_tensor("<pad>"),
        api.strings.split(api.constant(WORDS)).to_tensor(),
        api.strings.split(api.constant(WORDS)).to_tensor(shape=[3, 2]),
        api.strings.split(api.constant(WORDS)).values,
        api.strings.split(api.constant(WORDS)).flat_values,
        api.strings.split(api.constant(WORDS)).row_splits,
        api.strings.split(api.constant(WORDS)).row_lengths()])


def test_tf1_string_split_is_sparse():
    _assert_both(lambda api, phs: [
        api.compat.v1.string_split(api.constant(WORDS)),
        api.compat.v1.string_split(api.constant(WORDS), delimiter=",;"),
        api.compat.v1.string_split(api.constant(WORDS), sep=",;", skip_empty=False),
        api.compat.v1.string_split(api.constant(WORDS), ""),
        api.compat.v1.string_split(api.constant(WORDS), result_type="RaggedTensor"),
        api.compat.v1.strings.split(api.constant(WORDS)),
        api.compat.v1.strings.split(api.constant(WORDS), sep="<>", result_type="RaggedTensor")])


def test_bytes_split_and_unicode_decode():
    words = ["h\u00e9llo", "", "abc", "\u20ac1"]
    _assert_both(lambda api, phs: [
        api.strings.bytes_split(api.constant(words)),
        api.strings.bytes_split(api.constant("xyz")),
        api.strings.unicode_decode(api.constant(words), "UTF-8"),
        api.strings.unicode_decode(api.constant("h\u00e9"), "UTF-8"),
        api.strings.unicode_decode(api.constant(words), "UTF-8").to_tensor(-1),
        api.strings.unicode_decode(api.constant([b"a\xffb", b"\x01z"]), "UTF-8",
                                   replace_control_characters=True)])


def test_layout_ops_and_equal_on_strings():
    _assert_both(lambda api, phs: [
        api.gather(api.constant(["a", "b", "c"]), [2, 0]),
        api.concat([api.constant(["a"]), api.constant(["b", "c"])], 0),
        api.stack([api.constant(["a", "b"]), api.constant(["c", "d"])], axis=1),
        api.reshape(api.constant(["a", "b", "c", "d"]), [2, 2]),
        api.fill([2, 3], "z"), api.identity(api.constant("q")),
        api.transpose(api.constant([["a", "b"], ["c", "d"]])),
        api.equal(api.constant(["a", "b"]), "b"),
        api.not_equal(api.constant(["a", "b"]), api.constant(["a", "c"])),
        api.zeros_like(api.constant(["a", "b"])), api.tile(api.constant(["x", "y"]), [2]),
        api.constant("Hello"), api.constant([["a", b"b"]])])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_format_floats_as_tf_writes_them(dtype):
    x = np.array([1e10, 1e-5, 123456789.0, 0.1, -0.0, np.nan, np.inf, -np.inf, 1 / 3, 100000.0,
                  1234567.0, 2.5e-300 if dtype == "float64" else 2.5e-30], dtype)
    _assert_both(lambda api, phs: api.strings.format("{}", api.constant(x), summarize=-1))


def test_tf1_root_aliases():
    words = ["  Ab c ", "x"]
    _assert_both(lambda api, phs: [
        api.compat.v1.string_join([api.constant(words), "!"], separator=" "),
        api.compat.v1.substr(api.constant(words), 1, 2),
        api.compat.v1.regex_replace(api.constant(words), "b", "B"),
        api.compat.v1.string_to_number(api.constant(["1.5"])),
        api.compat.v1.as_string(api.constant([2.5]), precision=1),
        api.compat.v1.reduce_join(api.constant(words), 0, separator="|"),
        api.compat.v1.string_strip(api.constant(words)),
        api.compat.v1.string_to_hash_bucket_fast(api.constant(words), 97),
        api.compat.v1.string_to_hash_bucket_strong(api.constant(words), 97, [3, 4]),
        api.compat.v1.string_to_hash_bucket(api.constant(words), 97),
        api.compat.v1.string_split(api.constant(words))])
