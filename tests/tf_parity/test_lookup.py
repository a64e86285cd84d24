"""Lookup tables against TensorFlow 2.21 in graph mode: the same tables
built with each api give the same ids and values (out-of-vocabulary
buckets included, on a thousand random keys), the same op types, and the
same errors."""

import numpy as np
import pytest

import fastgraph as fg

tf = pytest.importorskip("tensorflow")
from tensorflow.python.ops import lookup_ops as tf_lookup_ops  # noqa: E402 - after the skip


def _v1_lookup(api):
    """TF1's lookup builders: tf.compat.v1.lookup in fastgraph, TF's
    lookup_ops module in TensorFlow (2.21 exports no index_table_from_*)."""
    return api.compat.v1.lookup if api is fg else tf_lookup_ops


def _run(api, build, init=True):
    g = api.Graph()
    with g.as_default():
        fetches = build(api)
        with api.compat.v1.Session(graph=g) as sess:
            if init:
                sess.run(api.compat.v1.tables_initializer())
            return sess.run(fetches)


def _plain(v):
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if hasattr(v, "dense_shape"):
        return ["sparse", _plain(v.indices), _plain(v.values), _plain(v.dense_shape)]
    arr = np.asarray(v)
    return [str(arr.dtype), arr.shape, arr.tolist()]


def _assert_both(build, init=True):
    ours, theirs = (_run(api, build, init) for api in (fg, tf))
    assert _plain(ours) == _plain(theirs)


def _random_keys(n, seed):
    rng = np.random.default_rng(seed)
    return ["".join(chr(c) for c in rng.integers(32, 0x250, size=rng.integers(0, 20)))
            for _ in range(n)]


VOCAB = ["emerson", "lake", "palmer", "king", "crimson"]


def test_static_hash_table():
    def build(api):
        init = api.lookup.KeyValueTensorInitializer(VOCAB, np.arange(5, dtype=np.int64) * 10)
        table = api.lookup.StaticHashTable(init, -7)
        keys = api.constant(VOCAB[::-1] + ["nope", ""])
        return [table.lookup(keys), table.size(), table.lookup(api.constant([["king", "x"]]))]
    _assert_both(build)


def test_static_vocabulary_table_buckets_agree_on_random_keys():
    keys = _random_keys(1000, 3) + VOCAB

    def build(api):
        init = api.lookup.KeyValueTensorInitializer(VOCAB, np.arange(5, dtype=np.int64))
        out = []
        for buckets in (1, 7, 1000):
            table = api.lookup.StaticVocabularyTable(init, buckets)
            out += [table.lookup(api.constant(keys)), table.size()]
        return out
    _assert_both(build)


def test_vocabulary_table_without_initializer_and_int64_keys():
    def build(api):
        only_buckets = api.compat.v1.lookup.StaticVocabularyTable(None, 5)
        init = api.lookup.KeyValueTensorInitializer(np.array([10, 20], np.int64),
                                                    np.array([0, 1], np.int64))
        ints = api.lookup.StaticVocabularyTable(init, 4)
        return [only_buckets.lookup(api.constant(VOCAB)),
                ints.lookup(api.constant([10, 20, 30, -5, 12345], api.int64))]
    _assert_both(build)


def test_text_file_initializers(tmp_path):
    path = tmp_path / "vocab.txt"
    path.write_bytes(b"apple\t5\t0.5\nbanana\t7\t1.5\r\n\xc3\xa9clair\t9\t-2\ndate\t11\t3")
    path = str(path)

    def build(api):
        idx = api.lookup.TextFileIndex
        TextFile = api.lookup.TextFileInitializer  # noqa: N806 - a class
        keys = api.constant(["apple", "banana", "\u00e9clair", "date", "fig", "apple\t5\t0.5"])
        tables = [
            api.lookup.StaticHashTable(TextFile(path, api.string, idx.WHOLE_LINE, api.int64,
                                                idx.LINE_NUMBER), -1),
            api.lookup.StaticHashTable(TextFile(path, api.string, 0, api.int64, 1), -1),
            api.lookup.StaticHashTable(TextFile(path, api.string, 0, api.float32, 2), -1.0),
            api.lookup.StaticHashTable(TextFile(path, api.string, 0, api.int64, idx.LINE_NUMBER,
                                                vocab_size=2), -1),
            api.lookup.StaticHashTable(TextFile(path, api.string, 0, api.int64,
                                                idx.LINE_NUMBER, value_index_offset=100), -1),
        ]
        by_number = api.lookup.StaticHashTable(
            TextFile(path, api.int64, idx.LINE_NUMBER, api.string, 0), "?")
        return [t.lookup(keys) for t in tables] + [
            by_number.lookup(api.constant([0, 3, 9], api.int64))]
    _assert_both(build)


def test_tf1_index_tables(tmp_path):
    path = tmp_path / "words.txt"
    path.write_text("x\ny\nz\n")
    path = str(path)
    keys = _random_keys(300, 5) + ["x", "y", "z"]

    def build(api):
        lk = _v1_lookup(api)
        hashed = lk.index_table_from_tensor(["x", "y", "z"], num_oov_buckets=3)
        strong = lk.index_table_from_tensor(["x", "y", "z"], num_oov_buckets=4,
                                            hasher_spec=lk.StrongHashSpec((11, 22)))
        plain = lk.index_table_from_tensor(["x", "y", "z"], default_value=-9)
        from_file = lk.index_table_from_file(path, num_oov_buckets=2)
        names = lk.index_to_string_table_from_tensor(["x", "y", "z"], default_value="UNK")
        names_file = lk.index_to_string_table_from_file(path)
        k = api.constant(keys)
        ids = api.constant([2, 0, 5, -1], api.int64)
        return [hashed.lookup(k), strong.lookup(k), plain.lookup(k), from_file.lookup(k),
                names.lookup(ids), names_file.lookup(ids), hashed.size()]
    _assert_both(build)


def test_mutable_hash_table():
    def build(api):
        table = api.lookup.experimental.MutableHashTable(api.string, api.float32, -1.5)
        g = api.compat.v1.get_default_graph()
        with g.control_dependencies([table.insert(api.constant(["a", "b", "c"]),
                                                  api.constant([1.0, 2.0, 3.0]))]):
            removed = table.remove(api.constant(["b"]))
        with g.control_dependencies([removed]):
            found = table.lookup(api.constant(["a", "b", "c", "d"]))
        with g.control_dependencies([found]):
            size = table.size()
        return [found, size]
    _assert_both(build, init=False)


def test_op_types_match():
    def build(api):
        init = api.lookup.KeyValueTensorInitializer(["a"], np.array([1], np.int64))
        table = api.lookup.StaticVocabularyTable(init, 2)
        out = table.lookup(api.constant(["a"]))
        graph = api.compat.v1.get_default_graph()
        return sorted({op.type for op in graph.get_operations()} - {"Const"}), out
    ours, theirs = (_types(api, build) for api in (fg, tf))
    assert ours == theirs


def _types(api, build):
    with api.Graph().as_default():
        return build(api)[0]


def test_errors_match():
    def before_init(api):
        init = api.lookup.KeyValueTensorInitializer(["a"], np.array([1], np.int64))
        return api.lookup.StaticHashTable(init, -1).lookup(api.constant(["a"]))
    for api in (fg, tf):
        with pytest.raises(api.errors.FailedPreconditionError, match="Table not initialized."):
            _run(api, before_init, init=False)

    def duplicate(api):
        init = api.lookup.KeyValueTensorInitializer(["a", "a"], np.array([1, 2], np.int64))
        return api.lookup.StaticHashTable(init, -1).size()
    for api in (fg, tf):
        with pytest.raises(api.errors.FailedPreconditionError,
                           match="HashTable has different value for same key"):
            _run(api, duplicate)

    for api in (fg, tf):
        with api.Graph().as_default():
            init = api.lookup.KeyValueTensorInitializer(["a"], np.array([1], np.int64))
            table = api.lookup.StaticHashTable(init, -1)
            with pytest.raises(TypeError, match="Dtype of argument `keys` must be <dtype: "
                                                "'string'>, received: <dtype: 'int32'>"):
                table.lookup(api.constant([1]))


def test_two_sessions_hold_two_tables():
    for api in (fg, tf):
        g = api.Graph()
        with g.as_default():
            init = api.lookup.KeyValueTensorInitializer(["a"], np.array([1], np.int64))
            table = api.compat.v1.lookup.StaticHashTable(init, -1)  # TF2's has no .initializer
            out = table.lookup(api.constant(["a"]))
            one, two = api.compat.v1.Session(graph=g), api.compat.v1.Session(graph=g)
            one.run(table.initializer)
            assert one.run(out).tolist() == [1]
            with pytest.raises(api.errors.FailedPreconditionError):
                two.run(out)
            one.close()
            two.close()


def _exported_graph(api):
    """A graph with a vocabulary table, string ops and a ragged split, as
    `api` writes it; the names of its feeds, fetches and table initializer."""
    g = api.Graph()
    with g.as_default():
        x = api.compat.v1.placeholder(api.string, [None], name="x")
        init = api.lookup.KeyValueTensorInitializer(["a", "b"], np.array([0, 1], np.int64))
        table = api.lookup.StaticVocabularyTable(init, 3)
        api.identity(table.lookup(api.strings.lower(x)), name="ids")
        api.identity(api.strings.length(x), name="lengths")
        api.identity(api.strings.regex_replace(x, "[,;]", " "), name="cleaned")
        init_name = api.compat.v1.tables_initializer().name
    return g.as_graph_def().SerializeToString(), init_name


def _run_imported(api, graph_def, init_name, fetches, feed):
    g = api.Graph()
    with g.as_default():
        api.import_graph_def(api.compat.v1.GraphDef.FromString(graph_def), name="")
        with api.compat.v1.Session(graph=g) as sess:
            sess.run(init_name)
            return sess.run(fetches, {"x:0": feed})


def test_graph_defs_travel_both_ways():
    """fastgraph's GraphDef of tables and string ops runs in TF, and TF's in
    fastgraph, with the same results."""
    feed = ["A,b", "c;d e", "b", ""]
    fetches = ["ids:0", "lengths:0", "cleaned:0"]
    results = []
    for writer in (fg, tf):
        graph_def, init_name = _exported_graph(writer)
        results += [_run_imported(api, graph_def, init_name, fetches, feed) for api in (fg, tf)]
    first = _plain(results[0])
    assert all(_plain(r) == first for r in results[1:])
