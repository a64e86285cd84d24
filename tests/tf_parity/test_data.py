"""tf.data against TensorFlow's TF1 graph mode: the same pipeline built in
both gives the same elements (shuffles: the same multiset per epoch here; their exact order, seed for seed, in test_data_seeds.py), the
same static shapes and types, and the same error classes."""

import gzip

import numpy as np
import pytest

import fastgraph as fg

pytest.importorskip("tensorflow")

from fastgraph.api.tf_record import frame_record  # noqa: E402


def _plain(v):
    """A fetched element as comparable Python values."""
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, (tuple, list)):
        return tuple(_plain(x) for x in v)
    arr = np.asarray(v)
    return (arr.dtype.kind if arr.dtype != object else "O", arr.shape, arr.tolist())


def _run(api, build, feeds=None, limit=5000):
    """Every element of the dataset build(api) gives, through an
    initializable iterator (fed `feeds(placeholders)`), with its static
    shapes and types."""
    v1 = api.compat.v1
    g = api.Graph()
    with g.as_default():
        ds = build(api)
        it = v1.data.make_initializable_iterator(ds)
        nxt = it.get_next()
        shapes = _shapes(v1.data.get_output_shapes(ds))
        types = _types(v1.data.get_output_types(ds))
        out = []
        with v1.Session(graph=g) as sess:
            sess.run(it.initializer)
            for _ in range(limit):
                try:
                    out.append(_plain(sess.run(nxt)))
                except api.errors.OutOfRangeError:
                    break
    return out, shapes, types


def _shapes(s):
    if isinstance(s, dict):
        return {k: _shapes(v) for k, v in s.items()}
    if isinstance(s, (tuple, list)):
        return tuple(_shapes(v) for v in s)
    return None if s.rank is None else tuple(s.as_list())


def _types(t):
    if isinstance(t, dict):
        return {k: _types(v) for k, v in t.items()}
    if isinstance(t, (tuple, list)):
        return tuple(_types(v) for v in t)
    return t.name


def _assert_same(got, want, where="element"):
    """Equal structures and values; floats within float32 rounding (the
    two may sum in another order)."""
    if isinstance(want, dict):
        assert isinstance(got, dict) and sorted(got) == sorted(want), where
        for k in want:
            _assert_same(got[k], want[k], f"{where}[{k!r}]")
        return
    if isinstance(want, tuple) and len(want) == 3 and isinstance(want[0], str):
        assert got[:2] == want[:2], (where, got, want)
        if want[0] == "f":
            np.testing.assert_allclose(got[2], want[2], rtol=1e-6, atol=1e-6, err_msg=where)
        else:
            assert got[2] == want[2], (where, got, want)
        return
    assert isinstance(got, tuple) and len(got) == len(want), (where, got, want)
    for i, (g, w) in enumerate(zip(got, want)):
        _assert_same(g, w, f"{where}[{i}]")


def _same(build, tf_graph_mode):
    want = _run(tf_graph_mode, build)
    got = _run(fg, build)
    assert got[1] == want[1], "static shapes"
    assert got[2] == want[2], "types"
    assert len(got[0]) == len(want[0]), (got[0], want[0])
    _assert_same(tuple(got[0]), tuple(want[0]))
    return got[0]


X = np.random.default_rng(0).normal(size=(11, 3)).astype(np.float32)
Y = np.arange(11, dtype=np.int64)


PIPELINES = {
    "slices_map_batch": lambda api: api.data.Dataset.from_tensor_slices((X, Y)).map(
        lambda x, y: (x * 2.0, y + 1)).batch(4),
    "batch_drop_remainder": lambda api: api.data.Dataset.from_tensor_slices(X).batch(
        4, drop_remainder=True),
    "dict_elements": lambda api: api.data.Dataset.from_tensor_slices(
        {"x": X, "y": Y, "s": [b"a%d" % i for i in range(11)]}).map(
        lambda d: {"sum": api.reduce_sum(d["x"]), "s": d["s"], "y": d["y"] * 2}),
    "filter_repeat_take_skip": lambda api: api.data.Dataset.range(10).filter(
        lambda v: api.not_equal(v % 3, 1)).repeat(3).take(15).skip(2),
    "range_args": lambda api: api.data.Dataset.range(20, 3, -4).concatenate(
        api.data.Dataset.range(2)),
    "range_int32": lambda api: api.data.Dataset.range(4, output_type=api.int32),
    "padded_batch_longest": lambda api: api.data.Dataset.range(1, 7).map(
        lambda n: api.fill(api.reshape(api.cast(n, api.int32), [1]), n)).padded_batch(4),
    "padded_batch_fixed": lambda api: api.data.Dataset.range(1, 7).map(
        lambda n: (api.fill(api.reshape(api.cast(n, api.int32), [1]), n), n)).padded_batch(
        2, padded_shapes=([8], []), padding_values=(np.int64(-5), np.int64(0)),
        drop_remainder=True),
    "unbatch": lambda api: api.data.Dataset.from_tensor_slices(X).batch(3).unbatch(),
    "interleave_blocks": lambda api: api.data.Dataset.range(5).interleave(
        lambda k: api.data.Dataset.from_tensors(k).repeat(k + 2), cycle_length=2,
        block_length=2),
    "interleave_three": lambda api: api.data.Dataset.range(1, 6).interleave(
        lambda k: api.data.Dataset.range(k * 10, k * 10 + k), cycle_length=3),
    "flat_map": lambda api: api.data.Dataset.range(4).flat_map(
        lambda k: api.data.Dataset.range(k).map(lambda i: i * 100 + k)),
    "enumerate_zip": lambda api: api.data.Dataset.zip(
        (api.data.Dataset.range(3), api.data.Dataset.from_tensor_slices(X[:5]))).enumerate(2),
    "from_tensors_repeat": lambda api: api.data.Dataset.from_tensors(
        (X[0], b"t")).repeat(3),
    "from_generator": lambda api: api.data.Dataset.from_generator(
        lambda: ((i, [i] * 2) for i in range(4)), (api.int64, api.int32), ((), (2,))),
    "cache_repeat": lambda api: api.data.Dataset.range(4).map(lambda v: v * v).cache().repeat(2),
    "prefetch": lambda api: api.data.Dataset.from_tensor_slices(X).map(
        lambda x: api.reduce_max(x), num_parallel_calls=2).prefetch(3),
    "apply": lambda api: api.data.Dataset.range(8).apply(lambda d: d.batch(3)),
    "shard": lambda api: api.data.Dataset.range(11).shard(3, 2),
    "map_and_batch": lambda api: api.data.Dataset.range(9).apply(
        api.data.experimental.map_and_batch(lambda v: v * 3, 4)),
}


CARDINALITIES = [
    lambda api: api.data.Dataset.range(10).batch(3),
    lambda api: api.data.Dataset.range(10).batch(3, drop_remainder=True).repeat(2),
    lambda api: api.data.Dataset.range(10).repeat(),
    lambda api: api.data.Dataset.range(10).repeat().take(4).skip(1),
    lambda api: api.data.Dataset.range(10).filter(lambda x: x > 2),
    lambda api: api.data.Dataset.from_tensor_slices(X).skip(2).map(lambda x: x).prefetch(1),
    lambda api: api.data.Dataset.zip((api.data.Dataset.range(3), api.data.Dataset.range(9))),
    lambda api: api.data.Dataset.range(3).concatenate(api.data.Dataset.range(4)).shard(2, 1),
    lambda api: api.data.Dataset.range(0).repeat(),
    lambda api: api.data.Dataset.range(5).shuffle(3).cache().enumerate(),
]


def test_cardinality_is_tfs(tf_graph_mode):
    def values(api):
        g = api.Graph()
        with g.as_default():
            out = [api.data.experimental.cardinality(b(api)) for b in CARDINALITIES]
            with api.compat.v1.Session(graph=g) as sess:
                return [int(v) for v in sess.run(out)]

    assert values(fg) == values(tf_graph_mode)


@pytest.mark.parametrize("name", sorted(PIPELINES))
def test_pipeline_gives_tfs_elements(name, tf_graph_mode):
    _same(PIPELINES[name], tf_graph_mode)


def _multiset(elements):
    return sorted(repr(e) for e in elements)


@pytest.mark.parametrize("reshuffle", [True, False])
def test_shuffle_gives_the_same_multiset_per_epoch(reshuffle, tf_graph_mode):
    n = 25

    def build(api):
        return api.data.Dataset.range(n).shuffle(
            10, seed=3, reshuffle_each_iteration=reshuffle).map(lambda v: v * 2).repeat(3)

    want, wshape, wtype = _run(tf_graph_mode, build)
    got, gshape, gtype = _run(fg, build)
    assert (gshape, gtype) == (wshape, wtype)
    for e in range(3):
        assert _multiset(got[e * n:(e + 1) * n]) == _multiset(want[e * n:(e + 1) * n])
    # As TF: without reshuffling every epoch repeats the first one's order.
    assert (got[:n] == got[n:2 * n]) == (want[:n] == want[n:2 * n]) == (not reshuffle)


def _files(tmp_path):
    paths = []
    for i, text in enumerate([b"a1\na2\r\n\na4", b"b1\n", b"c1\nc2\nc3\n"]):
        p = tmp_path / f"f{i}.txt"
        p.write_bytes(text)
        paths.append(str(p))
    gz = tmp_path / "g.txt.gz"
    gz.write_bytes(gzip.compress(b"g1\ng2\n"))
    rec = tmp_path / "r.tfrecord"
    rec.write_bytes(b"".join(frame_record(b"rec%d" % i) for i in range(4)))
    return paths, str(gz), str(rec)


def test_file_datasets_give_tfs_elements(tmp_path, tf_graph_mode):
    paths, gz, rec = _files(tmp_path)
    pattern = str(tmp_path / "f*.txt")
    builds = [
        lambda api: api.data.TextLineDataset(paths),
        lambda api: api.data.TextLineDataset(paths, num_parallel_reads=2),
        lambda api: api.data.TextLineDataset(gz, compression_type="GZIP"),
        lambda api: api.data.TFRecordDataset([rec, rec]),
        lambda api: api.data.Dataset.list_files(pattern, shuffle=False),
        lambda api: api.data.Dataset.list_files(pattern, shuffle=False).interleave(
            api.data.TextLineDataset, cycle_length=2, block_length=2),
        lambda api: api.data.FixedLengthRecordDataset(rec, 7, header_bytes=2, footer_bytes=1),
    ]
    for build in builds:
        _same(build, tf_graph_mode)
    want, _, _ = _run(tf_graph_mode, lambda api: api.data.Dataset.list_files(pattern, seed=1))
    got, _, _ = _run(fg, lambda api: api.data.Dataset.list_files(pattern, seed=1))
    assert _multiset(got) == _multiset(want)


def _error_of(api, build, feed=None):
    v1 = api.compat.v1
    g = api.Graph()
    with g.as_default():
        nxt = v1.data.make_one_shot_iterator(build(api)).get_next()
        with v1.Session(graph=g) as sess:
            try:
                for _ in range(100):
                    sess.run(nxt)
            except api.errors.OpError as e:
                return type(e).__name__, e.message
    return None, None


def test_errors_are_tfs(tmp_path, tf_graph_mode):
    paths, _, rec = _files(tmp_path)
    data = bytearray(open(rec, "rb").read())
    data[14] ^= 0x40
    bad = tmp_path / "bad.tfrecord"
    bad.write_bytes(bytes(data))
    missing = str(tmp_path / "missing.txt")
    cases = [
        (lambda api: api.data.TFRecordDataset(str(bad)), None),
        (lambda api: api.data.TextLineDataset(missing), missing),
        (lambda api: api.data.Dataset.range(2), None),
        (lambda api: api.data.FixedLengthRecordDataset(rec, 5, header_bytes=2, footer_bytes=1),
         "which is not an exact multiple of the record length (5 bytes)"),
        (lambda api: api.data.Dataset.range(1, 4).map(
            lambda n: api.zeros(api.reshape(api.cast(n, api.int32), [1]))).batch(2),
         # TF copies a batch's elements in parallel: which one it names varies.
         "Cannot add tensor to the batch: number of elements does not match. Shapes are: "),
        (lambda api: api.data.Dataset.from_generator(lambda: iter([[1, 2, 3]]), api.int32, [2]),
         "yielded an element of shape (3,) where an element of shape (2,) was expected"),
    ]
    for build, text in cases:
        want = _error_of(tf_graph_mode, build)
        got = _error_of(fg, build)
        assert got[0] == want[0], (got, want)
        if text is not None:
            assert text in want[1] and text in got[1], (got, want)
    assert _error_of(fg, cases[2][0])[0] == "OutOfRangeError"


def test_uninitialized_iterator_message_is_tfs(tf_graph_mode):
    def message(api):
        v1 = api.compat.v1
        g = api.Graph()
        with g.as_default():
            it = v1.data.make_initializable_iterator(api.data.Dataset.range(3))
            nxt = it.get_next()
            with v1.Session(graph=g) as sess:
                with pytest.raises(api.errors.FailedPreconditionError) as info:
                    sess.run(nxt)
        return info.value.message

    mine = message(fg)
    assert mine.startswith("GetNext() failed because the iterator has not been initialized.")
    assert mine.split("\n")[0] in message(tf_graph_mode)


def test_fed_placeholders_and_from_structure(tf_graph_mode):
    def run(api):
        v1 = api.compat.v1
        g = api.Graph()
        with g.as_default():
            x = v1.placeholder(api.float32, [None, 3])
            n = v1.placeholder(api.int64, [])
            a = api.data.Dataset.from_tensor_slices(x).map(lambda r: r * 2.0).batch(n)
            b = api.data.Dataset.from_tensor_slices(x).take(2).batch(n)
            it = v1.data.Iterator.from_structure(v1.data.get_output_types(a),
                                                 v1.data.get_output_shapes(a))
            nxt = it.get_next()
            out = [nxt.shape.as_list()]
            with v1.Session(graph=g) as sess:
                for init in (it.make_initializer(a), it.make_initializer(b)):
                    sess.run(init, {x: X, n: 4})
                    while True:
                        try:
                            out.append(sess.run(nxt).tolist())
                        except api.errors.OutOfRangeError:
                            break
        return out

    assert run(fg) == run(tf_graph_mode)


def test_element_spec_is_tfs(tf_graph_mode):
    def spec(api):
        g = api.Graph()
        with g.as_default():
            ds = api.data.Dataset.from_tensor_slices({"a": X, "b": Y}).batch(2, True)
            return {k: (s.shape.as_list(), s.dtype.name) for k, s in ds.element_spec.items()}

    assert spec(fg) == spec(tf_graph_mode)




def test_feedable_iterators_switch_as_tfs(tf_graph_mode):
    def run(api):
        v1 = api.compat.v1
        g = api.Graph()
        with g.as_default():
            train = api.data.Dataset.range(50).map(lambda v: v * 2).repeat()
            val = api.data.Dataset.range(100, 103)
            handle = v1.placeholder(api.string, [])
            feedable = v1.data.Iterator.from_string_handle(
                handle, v1.data.get_output_types(train), v1.data.get_output_shapes(train))
            nxt = feedable.get_next()
            train_it = v1.data.make_one_shot_iterator(train)
            val_it = v1.data.make_initializable_iterator(val)
            out = []
            with v1.Session(graph=g) as sess:
                th, vh = sess.run([train_it.string_handle(), val_it.string_handle()])
                for _ in range(2):
                    out += [int(sess.run(nxt, {handle: th})) for _ in range(3)]
                    sess.run(val_it.initializer)
                    while True:
                        try:
                            out.append(int(sess.run(nxt, {handle: vh})))
                        except api.errors.OutOfRangeError:
                            out.append("end")
                            break
        return out

    assert run(fg) == run(tf_graph_mode)


@pytest.mark.parametrize("kind", ["", "GZIP", "ZLIB"])
def test_records_written_by_tf_read_back(tmp_path, kind, tf_graph_mode):
    path = str(tmp_path / f"w{kind}.tfrecord")
    records = [b"", b"x" * 1000] + [bytes([i]) * i for i in range(1, 40)]
    options = tf_graph_mode.io.TFRecordOptions(compression_type=kind)
    with tf_graph_mode.io.TFRecordWriter(path, options) as w:
        for r in records:
            w.write(r)
    got, _, _ = _run(fg, lambda api: api.data.TFRecordDataset(path, compression_type=kind))
    assert [g[2] for g in got] == records
