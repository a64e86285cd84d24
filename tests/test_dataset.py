"""tf.data in graph mode against NumPy and hand-computed elements: sources,
transformations, file readers and TF1 iterators, and the iterator as a
session resource (two sessions, threads, what `Session.close()` frees)."""

import gzip
import os
import threading
import zlib

import numpy as np
import pytest

import fastgraph as tf
from fastgraph.api.tf_record import frame_record

v1 = tf.compat.v1


def _drain(sess, t, limit=10_000):
    out = []
    for _ in range(limit):
        try:
            out.append(sess.run(t))
        except tf.errors.OutOfRangeError:
            return out
    raise AssertionError("the dataset did not end")


def _elements(ds, limit=10_000):
    """Every element of `ds` through a one-shot iterator, in a fresh session."""
    with tf.Session() as sess:
        return _drain(sess, v1.data.make_one_shot_iterator(ds).get_next(), limit)


@pytest.fixture(autouse=True)
def _graph():
    with tf.Graph().as_default() as g:
        yield g


def _open_fds():
    return set(os.listdir("/proc/self/fd"))


# -- sources ---------------------------------------------------------------------

def test_from_tensor_slices_of_a_tuple_gives_rows_and_static_shapes():
    x = np.arange(12, dtype=np.float32).reshape(4, 3)
    y = np.array([5, 6, 7, 8], np.int64)
    ds = tf.data.Dataset.from_tensor_slices((x, y))
    assert ds.output_types == (tf.float32, tf.int64)
    assert [s.as_list() for s in ds.output_shapes] == [[3], []]
    assert [s.shape.as_list() for s in ds.element_spec] == [[3], []]
    assert v1.data.get_output_types(ds) == ds.output_types
    assert v1.data.get_output_shapes(ds) == ds.output_shapes
    it = v1.data.make_one_shot_iterator(ds)
    a, b = it.get_next()
    assert a.shape.as_list() == [3] and b.shape.as_list() == [] and a.dtype == tf.float32
    with tf.Session() as sess:
        got = _drain(sess, (a, b))
    assert len(got) == 4
    for i, (ga, gb) in enumerate(got):
        np.testing.assert_array_equal(ga, x[i])
        assert gb == y[i]


def test_from_tensor_slices_of_a_dict_and_python_values():
    ds = tf.data.Dataset.from_tensor_slices({"n": [1, 2, 3], "s": ["a", "bb", "c"],
                                             "f": [0.5, 1.5, 2.5]})
    assert ds.output_types == {"n": tf.int32, "s": tf.string, "f": tf.float32}
    got = _elements(ds)
    assert [g["n"] for g in got] == [1, 2, 3]
    assert [g["s"] for g in got] == [b"a", b"bb", b"c"]
    np.testing.assert_array_equal([g["f"] for g in got], np.float32([0.5, 1.5, 2.5]))


def test_from_tensor_slices_refuses_mismatched_first_dims():
    with pytest.raises(ValueError):
        tf.data.Dataset.from_tensor_slices((np.zeros(3), np.zeros(2)))


def test_from_tensors_gives_one_element():
    got = _elements(tf.data.Dataset.from_tensors(([1, 2], "x")))
    assert len(got) == 1
    np.testing.assert_array_equal(got[0][0], [1, 2])
    assert got[0][1] == b"x"


@pytest.mark.parametrize("args", [(5,), (2, 7), (10, 0, -3), (3, 3)])
def test_range_matches_python_range(args):
    ds = tf.data.Dataset.range(*args)
    assert ds.output_types == tf.int64
    assert _elements(ds) == list(range(*args))


def test_range_output_type():
    ds = tf.data.Dataset.range(3, output_type=tf.int32)
    got = _elements(ds)
    assert [np.asarray(g).dtype for g in got] == [np.int32] * 3


def test_from_generator_with_args_checks_types_and_shapes():
    def gen(n):
        for i in range(int(n)):
            yield i, [float(i)] * 2

    ds = tf.data.Dataset.from_generator(gen, (tf.int64, tf.float32), ((), (2,)), args=(3,))
    got = _elements(ds)
    assert [g[0] for g in got] == [0, 1, 2]
    np.testing.assert_array_equal(got[2][1], np.float32([2, 2]))

    bad = tf.data.Dataset.from_generator(lambda: iter([[1, 2, 3]]), tf.int32, (2,))
    with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError,
                                             match="yielded an element of shape"):
        sess.run(v1.data.make_one_shot_iterator(bad).get_next())


def test_from_generator_is_called_again_for_each_repetition():
    calls = []

    def gen():
        calls.append(1)
        yield from range(3)

    got = _elements(tf.data.Dataset.from_generator(gen, tf.int64).repeat(2))
    assert got == [0, 1, 2, 0, 1, 2] and len(calls) == 2


def test_zip_and_concatenate():
    a = tf.data.Dataset.range(4)
    b = tf.data.Dataset.from_tensor_slices(np.float32([10, 20, 30]))
    assert _elements(tf.data.Dataset.zip((a, b))) == [(0, 10.0), (1, 20.0), (2, 30.0)]
    assert _elements(tf.data.Dataset.zip({"x": a, "y": a.skip(1)}).map(
        lambda d: d["x"] * 10 + d["y"])) == [1, 12, 23]
    c = a.concatenate(tf.data.Dataset.range(7, 9))
    assert _elements(c) == [0, 1, 2, 3, 7, 8]
    with pytest.raises(TypeError):
        a.concatenate(b)


def test_concatenate_shape_is_the_most_specific_compatible():
    a = tf.data.Dataset.from_tensors(np.zeros((2, 3), np.float32))
    b = tf.data.Dataset.from_tensors(np.zeros((4, 3), np.float32))
    assert a.concatenate(b).output_shapes.as_list() == [None, 3]


# -- transformations -------------------------------------------------------------

def test_map_is_traced_once_and_run_per_element():
    traced = []

    def fn(x):
        traced.append(1)
        return x * 2 + 1, tf.cast(x, tf.float32) / 2

    ds = tf.data.Dataset.range(5).map(fn)
    assert ds.output_types == (tf.int64, tf.float32)
    got = _elements(ds)
    assert [g[0] for g in got] == [1, 3, 5, 7, 9]
    np.testing.assert_allclose([g[1] for g in got], np.arange(5) / 2)
    assert len(traced) == 1


def test_map_reads_the_sessions_variables():
    v = tf.Variable(3.0)
    ds = tf.data.Dataset.from_tensor_slices(np.float32([1, 2])).map(lambda x: x * v)
    it = v1.data.make_initializable_iterator(ds)
    nxt = it.get_next()
    with tf.Session() as sess:
        sess.run(v.initializer)
        sess.run(it.initializer)
        assert sess.run(nxt) == 3.0
        sess.run(v.assign(10.0))
        assert sess.run(nxt) == 20.0


def test_map_with_a_placeholder_takes_its_value_at_initialization():
    scale = v1.placeholder(tf.int64, [])
    it = tf.data.Dataset.range(3).map(lambda x: x * scale).make_initializable_iterator()
    nxt = it.get_next()
    with tf.Session() as sess:
        sess.run(it.initializer, {scale: 5})
        assert _drain(sess, nxt) == [0, 5, 10]
        sess.run(it.initializer, {scale: -1})
        assert _drain(sess, nxt) == [0, -1, -2]


def test_map_of_nested_structures_unpacks_tuples_only():
    ds = tf.data.Dataset.from_tensor_slices({"a": [1, 2], "b": [3, 4]})
    got = _elements(ds.map(lambda d: (d["a"] + d["b"], {"p": d["a"] * d["b"]})))
    assert got == [(4, {"p": 3}), (6, {"p": 8})]


@pytest.mark.parametrize("calls", [2, tf.data.AUTOTUNE, tf.data.experimental.AUTOTUNE])
def test_parallel_map_keeps_the_order(calls):
    x = np.random.default_rng(0).normal(size=(50, 4)).astype(np.float32)
    ds = tf.data.Dataset.from_tensor_slices(x).map(lambda r: tf.reduce_sum(r * r),
                                                   num_parallel_calls=calls)
    np.testing.assert_allclose(_elements(ds), (x * x).sum(1), rtol=1e-6)


def test_map_of_strings():
    ds = tf.data.Dataset.from_tensor_slices(["a", "b"]).map(lambda s: (s, 1))
    assert _elements(ds) == [(b"a", 1), (b"b", 1)]


def test_filter():
    ds = tf.data.Dataset.range(10).filter(lambda x: tf.equal(x % 3, 0))
    assert _elements(ds) == [0, 3, 6, 9]
    with pytest.raises(ValueError, match="predicate"):
        tf.data.Dataset.range(3).filter(lambda x: x)


def test_batch_and_drop_remainder():
    x = np.arange(14, dtype=np.int32).reshape(7, 2)
    ds = tf.data.Dataset.from_tensor_slices(x).batch(3)
    assert ds.output_shapes.as_list() == [None, 2]
    got = _elements(ds)
    assert [g.shape for g in got] == [(3, 2), (3, 2), (1, 2)]
    np.testing.assert_array_equal(np.concatenate(got), x)
    dropped = tf.data.Dataset.from_tensor_slices(x).batch(3, drop_remainder=True)
    assert dropped.output_shapes.as_list() == [3, 2]
    assert [g.shape for g in _elements(dropped)] == [(3, 2), (3, 2)]


def test_batch_of_different_shapes_raises():
    ds = tf.data.Dataset.range(1, 4).map(lambda n: tf.zeros(tf.cast(tf.reshape(n, [1]),
                                                                    tf.int32))).batch(2)
    with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError,
                                             match="Cannot add tensor to the batch: number of "
                                                   "elements does not match"):
        sess.run(v1.data.make_one_shot_iterator(ds).get_next())


def test_batch_size_fed_at_initialization():
    n = v1.placeholder(tf.int64, [])
    it = tf.data.Dataset.range(7).batch(n).make_initializable_iterator()
    nxt = it.get_next()
    assert nxt.shape.as_list() == [None]
    with tf.Session() as sess:
        sess.run(it.initializer, {n: 4})
        assert [list(b) for b in _drain(sess, nxt)] == [[0, 1, 2, 3], [4, 5, 6]]


def test_padded_batch_pads_to_the_longest_or_to_padded_shapes():
    def rows(n):
        return tf.fill(tf.cast(tf.reshape(n, [1]), tf.int32), n)

    ds = tf.data.Dataset.range(1, 6).map(rows)
    got = _elements(ds.padded_batch(2))
    want = [[[1, 0], [2, 2]], [[3, 3, 3, 0], [4, 4, 4, 4]], [[5, 5, 5, 5, 5]]]
    assert [g.tolist() for g in got] == want
    fixed = ds.padded_batch(2, padded_shapes=[6], padding_values=np.int64(-1),
                            drop_remainder=True)
    assert fixed.output_shapes.as_list() == [2, 6]
    got = _elements(fixed)
    assert got[0].tolist() == [[1, -1, -1, -1, -1, -1], [2, 2, -1, -1, -1, -1]]
    assert len(got) == 2
    small = ds.padded_batch(2, padded_shapes=[2])
    with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError,
                                             match="smaller size"):
        _drain(sess, v1.data.make_one_shot_iterator(small).get_next())


def test_unbatch_inverts_batch():
    x = np.arange(10).reshape(5, 2)
    ds = tf.data.Dataset.from_tensor_slices(x).batch(2).unbatch()
    assert ds.output_shapes.as_list() == [2]
    np.testing.assert_array_equal(np.stack(_elements(ds)), x)


def test_repeat_take_skip():
    ds = tf.data.Dataset.range(3)
    assert _elements(ds.repeat(3)) == [0, 1, 2] * 3
    assert _elements(ds.repeat().take(7)) == [0, 1, 2, 0, 1, 2, 0]
    assert _elements(ds.skip(1).repeat(2)) == [1, 2, 1, 2]
    assert _elements(ds.take(-1)) == [0, 1, 2]
    assert _elements(ds.skip(5)) == []
    assert _elements(ds.take(0).repeat()) == []


def test_shuffle_is_a_permutation_per_epoch_and_reshuffles():
    n = 20
    ds = tf.data.Dataset.range(n).shuffle(n, seed=7).repeat(3)
    got = _elements(ds)
    epochs = [got[i * n:(i + 1) * n] for i in range(3)]
    for e in epochs:
        assert sorted(e) == list(range(n))
    assert epochs[0] != epochs[1] or epochs[1] != epochs[2]
    assert epochs[0] != list(range(n))
    # Seeded: another session gives the same sequence.
    assert _elements(ds) == got


def test_shuffle_without_reshuffling_repeats_its_order():
    ds = tf.data.Dataset.range(10).shuffle(10, seed=3, reshuffle_each_iteration=False).repeat(2)
    got = _elements(ds)
    assert got[:10] == got[10:] and sorted(got[:10]) == list(range(10))


def test_shuffle_buffer_semantics():
    # A buffer of one shuffles nothing; a buffer of k can only give each
    # output from the first (position + k) inputs.
    assert _elements(tf.data.Dataset.range(8).shuffle(1, seed=1)) == list(range(8))
    for seed in range(5):
        got = _elements(tf.data.Dataset.range(30).shuffle(3, seed=seed))
        assert sorted(got) == list(range(30))
        for pos, v in enumerate(got):
            assert v < pos + 3


def test_shuffle_without_seed_differs_between_sessions():
    ds = tf.data.Dataset.range(50).shuffle(50)
    assert _elements(ds) != _elements(ds)


def test_graph_seed_makes_shuffle_deterministic():
    tf.set_random_seed(5)
    ds = tf.data.Dataset.range(30).shuffle(30)
    assert _elements(ds) == _elements(ds)


def test_prefetch_gives_every_element_in_order():
    x = np.arange(100, dtype=np.float32)
    ds = tf.data.Dataset.from_tensor_slices(x).map(lambda v: v + 1).prefetch(4)
    np.testing.assert_array_equal(_elements(ds), x + 1)
    assert _elements(tf.data.Dataset.range(5).prefetch(tf.data.AUTOTUNE)) == list(range(5))


def test_cache_reads_its_input_once():
    calls = []

    def gen():
        calls.append(1)
        yield from [3, 1, 2]

    ds = tf.data.Dataset.from_generator(gen, tf.int64).cache().repeat(3)
    assert _elements(ds) == [3, 1, 2] * 3
    assert len(calls) == 1


def test_cache_to_a_file_is_read_by_later_sessions(tmp_path):
    calls = []

    def gen():
        calls.append(1)
        yield from [3, 1, 2]

    prefix = str(tmp_path / "c")
    ds = tf.data.Dataset.from_generator(gen, tf.int64).map(
        lambda v: (v * 2, tf.strings.as_string(v))).cache(prefix)
    want = [(6, b"3"), (2, b"1"), (4, b"2")]
    it = v1.data.make_initializable_iterator(ds)
    nxt = it.get_next()
    with tf.Session() as sess:
        # A partial iteration leaves no cache; its lockfile goes with it.
        sess.run(it.initializer)
        assert tuple(sess.run(nxt)) == want[0]
        assert os.listdir(tmp_path) == ["c.lockfile"]
        # A second caching iterator of the same prefix meanwhile: TF's error.
        with tf.Session() as other:
            other.run(it.initializer)
            with pytest.raises(tf.errors.AlreadyExistsError, match="concurrent caching"):
                other.run(nxt)
        sess.run(it.initializer)
        assert os.listdir(tmp_path) == []
        assert [tuple(e) for e in _drain(sess, nxt)] == want
    assert sorted(os.listdir(tmp_path)) == ["c.fastgraph-cache"]
    assert len(calls) == 2
    for _ in range(2):
        with tf.Session() as sess:
            sess.run(it.initializer)
            assert [tuple(e) for e in _drain(sess, nxt)] == want
    assert len(calls) == 2  # read from the file
    # A fed file name, and a damaged cache file: DataLossError.
    name = v1.placeholder(tf.string, [])
    fed = tf.data.Dataset.range(5).cache(name).repeat(2)
    it2 = v1.data.make_initializable_iterator(fed)
    nxt2 = it2.get_next()
    with tf.Session() as sess:
        sess.run(it2.initializer, {name: str(tmp_path / "r")})
        assert _drain(sess, nxt2) == list(range(5)) * 2
        data = open(tmp_path / "r.fastgraph-cache", "rb").read()
        open(tmp_path / "r.fastgraph-cache", "wb").write(data[:-3])
        sess.run(it2.initializer, {name: str(tmp_path / "r")})
        with pytest.raises(tf.errors.DataLossError):
            _drain(sess, nxt2)
        sess.run(it2.initializer, {name: ""})  # in memory
        assert _drain(sess, nxt2) == list(range(5)) * 2


def test_interleave_order_is_tfs_round_robin():
    # Input k gives k, repeated k + 2 times; two open at a time, blocks of 2.
    ds = tf.data.Dataset.range(4).interleave(
        lambda k: tf.data.Dataset.from_tensors(k).repeat(k + 2), cycle_length=2, block_length=2)
    # Hand-computed: slot 0 opens 0: 0 0 | slot 1 opens 1: 1 1 | slot 0 ends | 1, slot 1
    # ends | slot 0 opens 2: 2 2 | slot 1 opens 3: 3 3 | 2 2 | 3 3 | slot 0 ends | 3.
    assert _elements(ds) == [0, 0, 1, 1, 1, 2, 2, 3, 3, 2, 2, 3, 3, 3]


def test_flat_map_and_enumerate_and_apply():
    ds = tf.data.Dataset.range(4).flat_map(lambda x: tf.data.Dataset.range(x))
    assert _elements(ds) == [0, 0, 1, 0, 1, 2]
    en = tf.data.Dataset.from_tensor_slices(["a", "b"]).enumerate(start=3)
    assert _elements(en) == [(3, b"a"), (4, b"b")]
    assert _elements(tf.data.Dataset.range(6).apply(lambda d: d.filter(
        lambda x: x > 3))) == [4, 5]


def test_flat_map_reads_the_outer_element_in_inner_functions():
    ds = tf.data.Dataset.range(1, 3).flat_map(
        lambda n: tf.data.Dataset.range(2).map(lambda i: i + 10 * n))
    assert _elements(ds) == [10, 11, 20, 21]


# -- files ---------------------------------------------------------------------------

def _write(path, data):
    with open(path, "wb") as f:
        f.write(data)
    return str(path)


def test_text_lines_without_their_endings(tmp_path):
    a = _write(tmp_path / "a.txt", b"one\ntwo\r\n\nlast")
    b = _write(tmp_path / "b.txt", b"x\n")
    ds = tf.data.TextLineDataset([a, b])
    assert ds.output_types == tf.string and ds.output_shapes.as_list() == []
    assert _elements(ds) == [b"one", b"two", b"", b"last", b"x"]


@pytest.mark.parametrize("kind", ["GZIP", "ZLIB"])
def test_compressed_text_and_records(tmp_path, kind):
    pack = gzip.compress if kind == "GZIP" else zlib.compress
    text = _write(tmp_path / "t", pack(b"".join(b"l%d\n" % i for i in range(500))))
    assert _elements(tf.data.TextLineDataset(text, compression_type=kind)) == \
        [b"l%d" % i for i in range(500)]
    recs = _write(tmp_path / "r", pack(b"".join(frame_record(b"r%d" % i) for i in range(50))))
    assert _elements(tf.data.TFRecordDataset(recs, compression_type=kind)) == \
        [b"r%d" % i for i in range(50)]


def test_tfrecords_corrupt_and_missing(tmp_path):
    good = b"".join(frame_record(b"rec%d" % i) for i in range(3))
    path = _write(tmp_path / "ok.tfrecord", good)
    assert _elements(tf.data.TFRecordDataset(path)) == [b"rec0", b"rec1", b"rec2"]
    bad = bytearray(good)
    bad[12 + 1] ^= 0xFF  # first record's data
    corrupt = _write(tmp_path / "bad.tfrecord", bytes(bad))
    with tf.Session() as sess, pytest.raises(tf.errors.DataLossError, match="corrupted record"):
        sess.run(tf.data.TFRecordDataset(corrupt).make_one_shot_iterator().get_next())
    missing = str(tmp_path / "nope.tfrecord")
    with tf.Session() as sess, pytest.raises(tf.errors.NotFoundError, match="nope.tfrecord"):
        sess.run(tf.data.TFRecordDataset(missing).make_one_shot_iterator().get_next())
    truncated = _write(tmp_path / "cut.tfrecord", good[:-3])
    with tf.Session() as sess, pytest.raises(tf.errors.DataLossError):
        _drain(sess, tf.data.TFRecordDataset(truncated).make_one_shot_iterator().get_next())


def test_filenames_fed_at_initialization(tmp_path):
    a = _write(tmp_path / "a.txt", b"a1\na2\n")
    b = _write(tmp_path / "b.txt", b"b1\n")
    names = v1.placeholder(tf.string, [None])
    it = tf.data.TextLineDataset(names).make_initializable_iterator()
    nxt = it.get_next()
    with tf.Session() as sess:
        sess.run(it.initializer, {names: [b, a]})
        assert _drain(sess, nxt) == [b"b1", b"a1", b"a2"]


def test_num_parallel_reads_interleaves_files(tmp_path):
    a = _write(tmp_path / "a.txt", b"a1\na2\na3\n")
    b = _write(tmp_path / "b.txt", b"b1\n")
    c = _write(tmp_path / "c.txt", b"c1\nc2\n")
    ds = tf.data.TextLineDataset([a, b, c], num_parallel_reads=2)
    # a and b in turn; b ends and c takes its slot at its next turn.
    assert _elements(ds) == [b"a1", b"b1", b"a2", b"a3", b"c1", b"c2"]


def test_list_files_sorted_or_shuffled(tmp_path):
    paths = sorted(_write(tmp_path / f"f{i}.txt", b"") for i in range(6))
    pattern = str(tmp_path / "*.txt")
    assert _elements(tf.data.Dataset.list_files(pattern, shuffle=False)) == \
        [p.encode() for p in paths]
    shuffled = _elements(tf.data.Dataset.list_files(pattern, seed=4))
    assert sorted(shuffled) == [p.encode() for p in paths]
    with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError,
                                             match="No files matched pattern"):
        sess.run(tf.data.Dataset.list_files(str(tmp_path / "*.none")).make_one_shot_iterator()
                 .get_next())


def test_interleave_of_text_files(tmp_path):
    for i in range(3):
        _write(tmp_path / f"f{i}.txt", b"".join(b"%d-%d\n" % (i, j) for j in range(3)))
    ds = tf.data.Dataset.list_files(str(tmp_path / "*.txt"), shuffle=False).interleave(
        tf.data.TextLineDataset, cycle_length=3)
    assert _elements(ds) == [b"%d-%d" % (i, j) for j in range(3) for i in range(3)]


# -- iterators -------------------------------------------------------------------------

def test_one_shot_end_raises_out_of_range_every_time():
    nxt = tf.data.Dataset.range(2).make_one_shot_iterator().get_next()
    with tf.Session() as sess:
        assert [sess.run(nxt), sess.run(nxt)] == [0, 1]
        for _ in range(2):
            with pytest.raises(tf.errors.OutOfRangeError, match="End of sequence"):
                sess.run(nxt)


def test_one_shot_refuses_placeholders_and_has_no_initializer():
    ph = v1.placeholder(tf.float32, [None])
    with pytest.raises(ValueError, match="Cannot capture a placeholder"):
        tf.data.Dataset.from_tensor_slices(ph).make_one_shot_iterator()
    it = tf.data.Dataset.range(2).make_one_shot_iterator()
    with pytest.raises(ValueError, match="does not have an initializer"):
        it.initializer  # noqa: B018


def test_initializable_iterator_before_its_initializer_fails():
    it = tf.data.Dataset.range(3).make_initializable_iterator()
    nxt = it.get_next()
    with tf.Session() as sess:
        with pytest.raises(tf.errors.FailedPreconditionError,
                           match=r"GetNext\(\) failed because the iterator has not been "
                                 r"initialized"):
            sess.run(nxt)
        sess.run(it.initializer)
        assert sess.run(nxt) == 0
        assert sess.run(nxt) == 1
        sess.run(it.initializer)  # restarts
        assert _drain(sess, nxt) == [0, 1, 2]


def test_placeholders_fed_at_initialization():
    x = v1.placeholder(tf.float32, [None, 2])
    it = v1.data.make_initializable_iterator(tf.data.Dataset.from_tensor_slices(x).batch(2))
    nxt = it.get_next()
    assert nxt.shape.as_list() == [None, 2]
    data = np.arange(6, dtype=np.float32).reshape(3, 2)
    with tf.Session() as sess:
        sess.run(it.initializer, {x: data})
        got = _drain(sess, nxt)
    np.testing.assert_array_equal(np.concatenate(got), data)


def test_from_structure_switches_between_datasets():
    train = tf.data.Dataset.range(3).map(lambda v: (v, tf.cast(v, tf.float32)))
    test = tf.data.Dataset.range(10, 12).map(lambda v: (v, tf.cast(v, tf.float32) * 2))
    it = v1.data.Iterator.from_structure(train.output_types, train.output_shapes)
    a, b = it.get_next()
    init_train, init_test = it.make_initializer(train), it.make_initializer(test)
    with tf.Session() as sess:
        sess.run(init_train)
        assert _drain(sess, a) == [0, 1, 2]
        sess.run(init_test)
        assert [tuple(x) for x in _drain(sess, (a, b))] == [(10, 20.0), (11, 22.0)]
    with pytest.raises(TypeError, match="Expected output types"):
        it.make_initializer(tf.data.Dataset.range(3))


def test_two_sessions_iterate_independently():
    nxt = tf.data.Dataset.range(5).make_one_shot_iterator().get_next()
    with tf.Session() as s1, tf.Session() as s2:
        assert [s1.run(nxt), s1.run(nxt)] == [0, 1]
        assert s2.run(nxt) == 0
        assert s1.run(nxt) == 2


def test_two_get_next_ops_share_the_iterator():
    it = tf.data.Dataset.range(4).make_one_shot_iterator()
    a, b = it.get_next(), it.get_next()
    with tf.Session() as sess:
        assert [sess.run(a), sess.run(b), sess.run(a)] == [0, 1, 2]
        # One run of one op takes one element, however often it is fetched.
        x, y = sess.run([a, a])
        assert x == y == 3


def test_eight_threads_get_each_element_once():
    n = 2000
    nxt = tf.data.Dataset.range(n).map(lambda v: v * 3).prefetch(8) \
        .make_one_shot_iterator().get_next()
    seen = [[] for _ in range(8)]
    with tf.Session() as sess:
        def work(out):
            while True:
                try:
                    out.append(int(sess.run(nxt)))
                except tf.errors.OutOfRangeError:
                    return
        threads = [threading.Thread(target=work, args=(s,)) for s in seen]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    allv = sorted(v for s in seen for v in s)
    assert allv == [3 * i for i in range(n)]


def test_close_releases_files_threads_and_resources(tmp_path):
    paths = [_write(tmp_path / f"f{i}.txt", b"".join(b"%d\n" % j for j in range(100)))
             for i in range(3)]
    before = _open_fds()
    threads_before = set(threading.enumerate())
    ds = tf.data.TextLineDataset(paths, num_parallel_reads=3).map(
        lambda s: s, num_parallel_calls=2).prefetch(2)
    one_shot = ds.make_one_shot_iterator().get_next()
    init_it = tf.data.TFRecordDataset(paths[0]).make_initializable_iterator()
    sess = tf.Session()
    # Lines of the three files in turn: the fourth is the first file's second.
    assert [sess.run(one_shot) for _ in range(4)] == [b"0", b"0", b"0", b"1"]
    sess.run(init_it.initializer)
    assert len(_open_fds() - before) >= 3  # the three text files are open
    assert sess.memory_stats()["resources"] == 2
    sess.close()
    assert _open_fds() - before == set()
    assert sess.memory_stats()["resources"] == 0
    alive = [t for t in set(threading.enumerate()) - threads_before if t.is_alive()]
    assert alive == []
    with pytest.raises(RuntimeError, match="closed Session"):
        sess.run(one_shot)


def test_reinitializing_closes_the_previous_pipelines_files(tmp_path):
    path = _write(tmp_path / "a.txt", b"1\n2\n3\n")
    it = tf.data.TextLineDataset(path).make_initializable_iterator()
    nxt = it.get_next()
    before = _open_fds()
    with tf.Session() as sess:
        for _ in range(5):
            sess.run(it.initializer)
            assert sess.run(nxt) == b"1"
        assert len(_open_fds() - before) == 1
    assert _open_fds() - before == set()


def test_a_file_read_to_the_end_is_closed(tmp_path):
    path = _write(tmp_path / "a.txt", b"1\n")
    nxt = tf.data.TextLineDataset(path).repeat(3).make_one_shot_iterator().get_next()
    before = _open_fds()
    with tf.Session() as sess:
        assert _drain(sess, nxt) == [b"1"] * 3
        assert _open_fds() - before == set()


def test_dataset_iteration_in_python_raises():
    with pytest.raises(RuntimeError, match="only supports Python-style iteration in eager"):
        iter(tf.data.Dataset.range(3))


def test_compat_v1_names():
    assert v1.data.Dataset is tf.data.Dataset
    assert tf.data.AUTOTUNE == tf.data.experimental.AUTOTUNE == -1
    assert v1.data.TextLineDataset is tf.data.TextLineDataset
    assert v1.data.make_one_shot_iterator is tf.data.make_one_shot_iterator
    spec = tf.data.Dataset.range(2).element_spec
    assert isinstance(spec, tf.TensorSpec) and spec.dtype == tf.int64 and spec.shape == []


def test_slow_map_calls_run_on_a_pool_in_order_and_stop_at_close():
    x = np.random.default_rng(1).normal(size=(24, 320, 320)).astype(np.float32)
    ds = tf.data.Dataset.from_tensor_slices(x).map(
        lambda m: tf.reduce_sum(tf.matmul(m, m)), num_parallel_calls=2)
    nxt = ds.make_one_shot_iterator().get_next()
    before = set(threading.enumerate())
    sess = tf.Session()
    got = [sess.run(nxt) for _ in range(24)]
    np.testing.assert_allclose(got, [np.sum(m.astype(np.float64) @ m) for m in x], rtol=1e-3)
    assert any(t.name.startswith("fastgraph-map") for t in set(threading.enumerate()) - before)
    sess.close()
    assert [t for t in set(threading.enumerate()) - before if t.is_alive()] == []


def test_close_ends_a_run_waiting_for_its_next_element():
    release = threading.Event()

    def slow():
        yield 1
        release.wait(10)
        yield 2

    nxt = tf.data.Dataset.from_generator(slow, tf.int64).prefetch(1) \
        .make_one_shot_iterator().get_next()
    sess = tf.Session()
    assert sess.run(nxt) == 1
    result = []

    def waiter():
        try:
            result.append(sess.run(nxt))
        except tf.errors.CancelledError as e:
            result.append(e)

    t = threading.Thread(target=waiter)
    t.start()
    t.join(0.2)
    sess.close()
    release.set()
    t.join(5)
    assert not t.is_alive() and isinstance(result[0], tf.errors.CancelledError)


def test_map_with_a_cond():
    ds = tf.data.Dataset.range(6).map(lambda v: tf.cond(v > 2, lambda: v * 10, lambda: -v))
    assert _elements(ds) == [0, -1, -2, 30, 40, 50]


def test_shard():
    ds = tf.data.Dataset.range(10)
    assert _elements(ds.shard(3, 1)) == [1, 4, 7]
    with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError, match="Index"):
        sess.run(ds.shard(2, 2).make_one_shot_iterator().get_next())


@pytest.mark.parametrize("build,want", [
    (lambda: tf.data.Dataset.range(10).batch(3), 4),
    (lambda: tf.data.Dataset.range(10).batch(3, drop_remainder=True), 3),
    (lambda: tf.data.Dataset.range(10).repeat(), -1),
    (lambda: tf.data.Dataset.range(10).repeat().take(4), 4),
    (lambda: tf.data.Dataset.range(10).filter(lambda x: x > 2), -2),
    (lambda: tf.data.Dataset.from_tensor_slices(np.zeros((7, 2))).skip(2).map(lambda x: x), 5),
    (lambda: tf.data.Dataset.zip((tf.data.Dataset.range(3), tf.data.Dataset.range(9))), 3),
    (lambda: tf.data.Dataset.range(3).concatenate(tf.data.Dataset.range(4)).shard(2, 1), 3),
])
def test_cardinality(build, want):
    with tf.Session() as sess:
        assert sess.run(build().cardinality()) == want
        assert sess.run(tf.data.experimental.cardinality(build())) == want


def test_experimental_transformations_and_options():
    ds = tf.data.Dataset.range(6).apply(tf.data.experimental.map_and_batch(
        lambda x: x * 2, 4, drop_remainder=True))
    assert [list(b) for b in _elements(ds)] == [[0, 2, 4, 6]]
    got = _elements(tf.data.Dataset.range(5).apply(
        tf.data.experimental.shuffle_and_repeat(5, count=2, seed=1)))
    assert sorted(got[:5]) == sorted(got[5:]) == list(range(5))
    options = tf.data.Options()
    options.experimental_deterministic = True
    options.threading.private_threadpool_size = 2
    ds = tf.data.Dataset.range(3).with_options(options).map(lambda x: x + 1)
    assert ds.options().experimental_deterministic is True
    assert ds.options().threading.private_threadpool_size == 2
    assert _elements(ds) == [1, 2, 3]


def test_fixed_length_records(tmp_path):
    body = bytes(range(12))
    path = _write(tmp_path / "f.bin", b"HEAD" + body + b"FT")
    ds = tf.data.FixedLengthRecordDataset(path, 3, header_bytes=4, footer_bytes=2)
    assert _elements(ds) == [body[i:i + 3] for i in range(0, 12, 3)]
    gz = _write(tmp_path / "f.gz", gzip.compress(b"HEAD" + body + b"FT"))
    assert _elements(tf.data.FixedLengthRecordDataset(
        gz, 4, header_bytes=4, footer_bytes=2, compression_type="GZIP")) == \
        [body[i:i + 4] for i in range(0, 12, 4)]
    with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError,
                                             match="exact multiple"):
        sess.run(tf.data.FixedLengthRecordDataset(path, 5, header_bytes=4, footer_bytes=2)
                 .make_one_shot_iterator().get_next())


def test_inner_datasets_take_tensors_computed_from_the_element_and_fed_values():
    ds = tf.data.Dataset.range(1, 4).flat_map(
        lambda x: tf.data.Dataset.from_tensor_slices(tf.range(x) * 10))
    assert _elements(ds) == [0, 0, 10, 0, 10, 20]
    extra = v1.placeholder(tf.int64, [])
    it = tf.data.Dataset.range(1, 3).interleave(
        lambda x: tf.data.Dataset.range(x + extra), cycle_length=1).make_initializable_iterator()
    nxt = it.get_next()
    with tf.Session() as sess:
        sess.run(it.initializer, {extra: 1})
        assert _drain(sess, nxt) == [0, 1, 0, 1, 2]


def test_feedable_iterator_reads_the_iterator_whose_handle_is_fed():
    train = tf.data.Dataset.range(100).repeat()
    val = tf.data.Dataset.range(1000, 1003)
    handle = v1.placeholder(tf.string, [])
    feedable = v1.data.Iterator.from_string_handle(handle, train.output_types,
                                                   train.output_shapes)
    nxt = feedable.get_next()
    assert nxt.shape.as_list() == [] and nxt.dtype == tf.int64
    train_it = train.make_one_shot_iterator()
    val_it = val.make_initializable_iterator()
    with tf.Session() as sess:
        th, vh = sess.run([train_it.string_handle(), val_it.string_handle()])
        assert [sess.run(nxt, {handle: th}) for _ in range(3)] == [0, 1, 2]
        sess.run(val_it.initializer)
        got = []
        while True:
            try:
                got.append(sess.run(nxt, {handle: vh}))
            except tf.errors.OutOfRangeError:
                break
        assert got == [1000, 1001, 1002]
        assert sess.run(nxt, {handle: th}) == 3  # the training iterator kept its place
        assert sess.run(train_it.get_next()) == 4
        with pytest.raises(tf.errors.InvalidArgumentError, match="Invalid iterator handle"):
            sess.run(nxt, {handle: b"nothing"})
        strings = tf.data.Dataset.from_tensors("s").make_one_shot_iterator()
        with pytest.raises(tf.errors.InvalidArgumentError, match="types"):
            sess.run(nxt, {handle: sess.run(strings.string_handle())})


def test_from_tensor_slices_takes_a_snapshot_and_leaves_the_array_writable():
    x = np.arange(4, dtype=np.int64)
    ds = tf.data.Dataset.from_tensor_slices(x)
    x[0] = 100
    assert x.flags.writeable
    assert _elements(ds) == [0, 1, 2, 3]
    got = _elements(tf.data.Dataset.from_tensor_slices(np.zeros((2, 2), np.float32)))
    got[0][0] = 5.0  # fetched values are the caller's own arrays


def test_reinitializing_many_times_leaks_no_threads_files_or_objects(tmp_path):
    import gc
    import sys

    path = _write(tmp_path / "a.txt", b"".join(b"%d\n" % i for i in range(50)))
    ds = tf.data.TextLineDataset(path).map(lambda s: (s, 1)).shuffle(8, seed=1).batch(2) \
        .prefetch(2)
    it = ds.make_initializable_iterator()
    nxt = it.get_next()
    with tf.Session() as sess:
        def rounds(n):
            for _ in range(n):
                sess.run(it.initializer)
                for _ in range(3):
                    sess.run(nxt)

        rounds(20)
        gc.collect()
        threads, fds, blocks = threading.active_count(), _open_fds(), sys.getallocatedblocks()
        rounds(300)
        gc.collect()
        assert threading.active_count() <= threads
        assert len(_open_fds() - fds) <= 1  # at most the current pipeline's file
        assert sys.getallocatedblocks() - blocks < 1000  # 300 rounds: ~3 objects a round


@pytest.mark.parametrize("drop", [False, True])
def test_batches_of_slices_are_runs_of_rows(drop):
    x = np.arange(30, dtype=np.float32).reshape(10, 3)
    s = np.array([b"r%d" % i for i in range(10)], dtype=object)
    ds = tf.data.Dataset.from_tensor_slices({"x": x, "s": s}).batch(4, drop_remainder=drop)
    got = _elements(ds)
    assert len(got) == (2 if drop else 3)
    for k, b in enumerate(got):
        np.testing.assert_array_equal(b["x"], x[4 * k:4 * k + 4])
        assert list(b["s"]) == list(s[4 * k:4 * k + 4])
    got[0]["x"][0, 0] = -1.0  # the caller's own array
    assert _elements(ds)[0]["x"][0, 0] == 0.0
