"""Lookup tables against hand-computed values: initialization, lookups,
TF's errors, session ownership (two sessions hold two tables, close frees
them), text-file initializers and the mutable table."""

import gc
import weakref

import numpy as np
import pytest

import fastgraph as tf
from fastgraph.framework.fingerprint import fingerprint64
from fastgraph.ops import lookup_ops


@pytest.fixture(autouse=True)
def _graph():
    with tf.Graph().as_default():
        yield


def _table(keys=("a", "b", "c"), values=(1, 2, 3), default=-1):
    init = tf.lookup.KeyValueTensorInitializer(list(keys), np.array(values, np.int64))
    return tf.lookup.StaticHashTable(init, default)


def test_static_hash_table_lookup_and_size():
    table = _table()
    out = table.lookup(tf.constant(["a", "x", "c"]))
    assert out.op.type == "LookupTableFindV2" and out.dtype == tf.int64
    assert table.initializer in tf.get_collection(tf.GraphKeys.TABLE_INITIALIZERS)
    with tf.Session() as sess:
        sess.run(tf.tables_initializer())
        assert sess.run(out).tolist() == [1, -1, 3]
        assert sess.run(table.size()) == 3
        sess.run(table.initializer)  # again, with the same pairs: no error, as TF's
        assert sess.run(table[tf.constant(["b"])]).tolist() == [2]


def test_lookup_before_initializer_is_failed_precondition():
    out = _table().lookup(tf.constant(["a"]))
    with tf.Session() as sess:
        with pytest.raises(tf.errors.FailedPreconditionError, match="Table not initialized."):
            sess.run(out)
        # the session stays usable
        sess.run(tf.compat.v1.tables_initializer())
        assert sess.run(out).tolist() == [1]


def test_wrong_key_dtype_is_tfs_type_error():
    with pytest.raises(TypeError, match="Dtype of argument `keys` must be <dtype: 'string'>, "
                                        "received: <dtype: 'int64'>"):
        _table().lookup(tf.constant([1], tf.int64))


def test_duplicate_keys_with_other_values_are_refused():
    table = _table(("a", "a"), (1, 2))
    with tf.Session() as sess:
        with pytest.raises(tf.errors.FailedPreconditionError,
                           match="HashTable has different value for same key. Key a has 1 and "
                                 "trying to add value 2"):
            sess.run(table.initializer)


def test_two_sessions_hold_two_tables_and_close_frees_them():
    table = _table()
    out = table.lookup(tf.constant(["a"]))
    first, second = tf.Session(), tf.Session()
    first.run(table.initializer)
    assert first.run(out).tolist() == [1]
    with pytest.raises(tf.errors.FailedPreconditionError):
        second.run(out)
    handle = first.run(table.resource_handle)
    assert isinstance(handle, lookup_ops.HashTable) and handle.data == {b"a": 1, b"b": 2, b"c": 3}
    ref = weakref.ref(handle)
    del handle
    first.close()
    gc.collect()
    assert ref() is None  # the closed session let go of its table
    second.close()


def test_static_vocabulary_table_hashes_oov_keys_with_fingerprint64():
    init = tf.lookup.KeyValueTensorInitializer(["a", "b"], np.array([0, 1], np.int64))
    table = tf.lookup.StaticVocabularyTable(init, 3)
    keys = ["a", "b", "zz", "hello"]
    with tf.Session() as sess:
        sess.run(tf.tables_initializer())
        got = sess.run(table.lookup(tf.constant(keys)))
        assert sess.run(table.size()) == 5
    want = [0, 1] + [2 + fingerprint64(k.encode()) % 3 for k in keys[2:]]
    assert got.tolist() == want
    with pytest.raises(ValueError, match="`num_oov_buckets` must be > 0"):
        tf.lookup.StaticVocabularyTable(init, 0)


def test_int64_keys_and_string_values():
    init = tf.lookup.KeyValueTensorInitializer(np.array([3, 7], np.int64), ["three", "seven"])
    table = tf.lookup.StaticHashTable(init, "?")
    with tf.Session() as sess:
        sess.run(table.initializer)
        got = sess.run(table.lookup(tf.constant([7, 1, 3], tf.int64)))
    assert got.tolist() == [b"seven", b"?", b"three"]


def test_sparse_keys_give_sparse_values():
    table = _table()
    keys = tf.SparseTensor([[0, 0], [1, 2]], tf.constant(["c", "q"]), [2, 3])
    out = table.lookup(keys)
    assert isinstance(out, tf.SparseTensor)
    with tf.Session() as sess:
        sess.run(table.initializer)
        value = sess.run(out)
    assert value.values.tolist() == [3, -1] and value.dense_shape.tolist() == [2, 3]


def _vocab(tmp_path, text):
    path = tmp_path / "vocab.txt"
    path.write_bytes(text)
    return str(path)


def test_text_file_initializer(tmp_path):
    path = _vocab(tmp_path, b"apple\t5\nbanana\t7\r\ncherry\t9")
    idx = tf.lookup.TextFileIndex
    by_line = tf.lookup.StaticHashTable(tf.lookup.TextFileInitializer(
        path, tf.string, idx.WHOLE_LINE, tf.int64, idx.LINE_NUMBER), -1)
    by_col = tf.lookup.StaticHashTable(tf.lookup.TextFileInitializer(
        path, tf.string, 0, tf.int64, 1, delimiter="\t"), -1)
    first_two = tf.lookup.StaticHashTable(tf.lookup.TextFileInitializer(
        path, tf.string, 0, tf.int64, idx.LINE_NUMBER, vocab_size=2), -1)
    keys = tf.constant(["apple\t5", "banana", "cherry"])
    with tf.Session() as sess:
        sess.run(tf.tables_initializer())
        assert sess.run(by_line.lookup(keys)).tolist() == [0, -1, -1]
        assert sess.run(by_col.lookup(keys)).tolist() == [-1, 7, 9]
        assert sess.run(first_two.lookup(keys)).tolist() == [-1, 1, -1]


@pytest.mark.parametrize("text,kwargs,error,message", [
    (b"a\t1\n", {"value_index": 2}, "InvalidArgumentError",
     r"Invalid number of columns in .* line 0 \(a\t1\) : expected at least 3 got 2"),
    (b"a\t1\n", {"value_index": 0}, "InvalidArgumentError",
     "Field a in line 0 is not a valid int64."),
    (b"a\t1\n", {"vocab_size": 4}, "InvalidArgumentError",
     "Invalid vocab_size in .*: expected 4 but got 1"),
    (b"a\t1\n\nb\t2\n", {}, "InvalidArgumentError", "empty line found at position 5"),
])
def test_text_file_errors(tmp_path, text, kwargs, error, message):
    path = _vocab(tmp_path, text)
    args = dict(key_index=0, value_index=1)
    args.update(kwargs)
    vocab_size = args.pop("vocab_size", None)
    table = tf.lookup.StaticHashTable(tf.lookup.TextFileInitializer(
        path, tf.string, args["key_index"], tf.int64, args["value_index"],
        vocab_size=vocab_size), -1)
    with tf.Session() as sess:
        with pytest.raises(getattr(tf.errors, error), match=message):
            sess.run(table.initializer)


def test_text_file_missing(tmp_path):
    table = tf.lookup.StaticHashTable(tf.lookup.TextFileInitializer(
        str(tmp_path / "nope.txt"), tf.string, 0, tf.int64, 1), -1)
    with tf.Session() as sess:
        with pytest.raises(tf.errors.NotFoundError, match="No such file or directory"):
            sess.run(table.initializer)


def test_tf1_index_tables(tmp_path):
    lookup = tf.compat.v1.lookup
    ids = lookup.index_table_from_tensor(["x", "y", "z"], num_oov_buckets=2)
    plain = lookup.index_table_from_tensor(["x", "y"], default_value=-5)
    names = lookup.index_to_string_table_from_tensor(["x", "y", "z"])
    path = _vocab(tmp_path, b"p\nq\n")
    from_file = lookup.index_table_from_file(path)
    names_file = lookup.index_to_string_table_from_file(path, default_value="?")
    with tf.Session() as sess:
        sess.run(tf.tables_initializer())
        assert sess.run(ids.lookup(tf.constant(["y", "w"]))).tolist() == [
            1, 3 + fingerprint64(b"w") % 2]
        assert sess.run(plain.lookup(tf.constant(["y", "w"]))).tolist() == [1, -5]
        assert sess.run(names.lookup(tf.constant([0, 2, 7], tf.int64))).tolist() == [
            b"x", b"z", b"UNK"]
        assert sess.run(from_file.lookup(tf.constant(["q", "p", "r"]))).tolist() == [1, 0, -1]
        assert sess.run(names_file.lookup(tf.constant([1, 5], tf.int64))).tolist() == [b"q", b"?"]


def test_mutable_hash_table():
    table = tf.lookup.experimental.MutableHashTable(tf.string, tf.int64, -1)
    assert table.resource_handle.op.type == "MutableHashTableV2"
    with tf.Session() as sess:
        assert sess.run(table.size()) == 0
        sess.run(table.insert(tf.constant(["a", "b"]), tf.constant([1, 2], tf.int64)))
        assert sess.run(table.lookup(tf.constant(["a", "c"]))).tolist() == [1, -1]
        sess.run(table.insert(["a"], np.array([10], np.int64)))
        sess.run(table.remove(tf.constant(["b", "zz"])))
        keys, values = sess.run(table.export())
        assert keys.tolist() == [b"a"] and values.tolist() == [10]
        assert sess.run(table.size()) == 1
    with pytest.raises(ValueError, match="values: Tensor conversion requested dtype int64"):
        table.insert(tf.constant(["a"]), tf.constant([1.0]))
    with pytest.raises(TypeError, match="Dtype of argument `keys` must be"):
        table.remove(tf.constant([1], tf.int64))


def test_compat_v1_names():
    v1 = tf.compat.v1
    assert v1.lookup.StaticHashTable is tf.lookup.StaticHashTable
    assert v1.lookup.experimental.MutableHashTable is tf.lookup.experimental.MutableHashTable
    assert v1.tables_initializer is tf.tables_initializer
    assert v1.GraphKeys.TABLE_INITIALIZERS == "table_initializer"
    assert tf.tables_initializer().type == "NoOp"
