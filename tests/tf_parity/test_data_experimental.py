"""tf.data's grouping, scanning and choosing transformations, and the CSV
and SQL readers, against TensorFlow's TF1 graph mode: the same pipeline
gives the same elements, static shapes and types."""

import sqlite3

import numpy as np
import pytest

import fastgraph as fg

from .test_data import _run, _same

tf = pytest.importorskip("tensorflow")

LENGTHS = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 7]


def _seqs(api):
    return api.data.Dataset.from_tensor_slices(np.array(LENGTHS, np.int32)).map(
        lambda n: api.fill([n], n))


PIPELINES = {
    "take_while": lambda api: api.data.Dataset.range(20).take_while(lambda x: x * x < 50),
    "take_while_apply": lambda api: api.data.Dataset.range(9).apply(
        api.data.experimental.take_while(lambda x: api.not_equal(x, 5))),
    "scan_running_sum": lambda api: api.data.Dataset.range(7).scan(
        np.int64(0), lambda s, x: (s + x, (s, x * 2))),
    "scan_tuple_state": lambda api: api.data.Dataset.from_tensor_slices(
        np.arange(6, dtype=np.float32)).apply(api.data.experimental.scan(
            (np.float32(1), np.int32(0)), lambda s, x: ((s[0] * 2.0, s[1] + 1), s[0] + x))),
    "scan_growing_state": lambda api: api.data.Dataset.range(4).scan(
        np.zeros([0], np.int64), lambda s, x: (api.concat([s, [x]], 0), api.reduce_sum(s))),
    "unique_ints": lambda api: api.data.Dataset.from_tensor_slices(
        np.array([3, 1, 3, 2, 1, 7, 2], np.int64)).unique(),
    "unique_strings": lambda api: api.data.Dataset.from_tensor_slices(
        [b"a", b"b", b"a", b"c", b"b"]).apply(api.data.experimental.unique()),
    "group_by_window": lambda api: api.data.Dataset.range(17).group_by_window(
        lambda x: x % 3, lambda k, w: w.batch(4), window_size=4),
    "group_by_window_key_order": lambda api: api.data.Dataset.range(10).group_by_window(
        lambda x: 2 - x % 3, lambda k, w: w.batch(10), window_size=10),
    "group_by_reducer_key_order": lambda api: api.data.Dataset.range(7).apply(
        api.data.experimental.group_by_reducer(
            lambda x: 5 - x % 3, api.data.experimental.Reducer(
                lambda k: np.int64(0), lambda s, x: s + x, lambda s: s))),
    "group_by_window_size_func": lambda api: api.data.Dataset.range(23).apply(
        api.data.experimental.group_by_window(
            lambda x: x % 4, lambda k, w: w.map(lambda v: v * 10 + k).batch(5),
            window_size_func=lambda k: k + 2)),
    "bucket_by_sequence_length": lambda api: _seqs(api).bucket_by_sequence_length(
        lambda s: api.shape(s)[0], [3, 6], [2, 3, 2]),
    "bucket_drop_remainder": lambda api: _seqs(api).apply(
        api.data.experimental.bucket_by_sequence_length(
            lambda s: api.shape(s)[0], [2, 5], [3, 2, 2], padding_values=-1,
            drop_remainder=True)),
    "bucket_to_boundary": lambda api: _seqs(api).filter(lambda s: api.shape(s)[0] < 9).apply(
        api.data.experimental.bucket_by_sequence_length(
            lambda s: api.shape(s)[0], [4, 9], [2, 2, 2], pad_to_bucket_boundary=True)),
    "group_by_reducer": lambda api: api.data.Dataset.range(11).apply(
        api.data.experimental.group_by_reducer(
            lambda x: x % 3, api.data.experimental.Reducer(
                lambda k: (np.int64(0), np.int64(0)), lambda s, x: (s[0] + x, s[1] + 1),
                lambda total, count: (total, count)))),
    "choose_from_datasets": lambda api: api.data.Dataset.choose_from_datasets(
        [api.data.Dataset.range(0, 3), api.data.Dataset.range(10, 20),
         api.data.Dataset.range(100, 102)],
        api.data.Dataset.from_tensor_slices(np.array([0, 1, 2, 2, 2, 0, 1, 0, 0, 1], np.int64)),
        stop_on_empty_dataset=False),
    "choose_stops_on_empty": lambda api: api.data.experimental.choose_from_datasets(
        [api.data.Dataset.range(2), api.data.Dataset.range(5, 9)],
        api.data.Dataset.range(2).repeat(5)),
    "counter": lambda api: api.data.experimental.Counter(5, 3).take(4),
    "counter_int32": lambda api: api.data.Dataset.counter(-2, dtype=api.int32).take(3),
    "enumerate_dataset": lambda api: api.data.Dataset.range(3, 6).apply(
        api.data.experimental.enumerate_dataset(10)),
    "assert_cardinality_holds": lambda api: api.data.Dataset.range(4).apply(
        api.data.experimental.assert_cardinality(4)),
    "ignore_errors_in_map": lambda api: api.data.Dataset.from_tensor_slices(
        np.array([1.0, 0.0, 2.0, -1.0, 4.0], np.float32)).map(
        lambda x: api.debugging.check_numerics(1.0 / x, "inf")).ignore_errors(),
    "from_list": lambda api: api.data.experimental.from_list([(1, b"a"), (2, b"b")]),
}


@pytest.mark.parametrize("name", sorted(PIPELINES))
def test_pipeline_gives_tensorflows_elements(name, tf_graph_mode):
    _same(PIPELINES[name], tf_graph_mode)


def _errors(api, build):
    try:
        _run(api, build)
    except api.errors.OpError as e:
        return type(e).__name__
    return None


@pytest.mark.parametrize("expected", [2, 7])
def test_assert_cardinality_raises_as_tensorflow(expected, tf_graph_mode):
    def build(api):
        return api.data.Dataset.range(4).apply(api.data.experimental.assert_cardinality(
            expected))
    assert _errors(fg, build) == _errors(tf_graph_mode, build) == "FailedPreconditionError"


def _value(api, build):
    g = api.Graph()
    with g.as_default():
        t = build(api)
        with api.compat.v1.Session(graph=g) as sess:
            try:
                return sess.run(t)
            except api.errors.OpError as e:
                return type(e).__name__


@pytest.mark.parametrize("build", [
    lambda api: api.data.Dataset.range(6).reduce(np.int64(0), lambda s, x: s + x * x),
    lambda api: api.data.Dataset.from_tensor_slices(np.arange(4, dtype=np.float32)).reduce(
        (np.float32(0), np.int64(0)), lambda s, x: (s[0] + x, s[1] + 1)),
    lambda api: api.data.experimental.get_single_element(
        api.data.Dataset.from_tensors((np.arange(3), b"x"))),
    lambda api: api.data.experimental.get_single_element(api.data.Dataset.range(3)),
    lambda api: api.data.experimental.get_single_element(api.data.Dataset.range(0)),
], ids=["reduce", "reduce_tuple", "single", "more_than_one", "empty"])
def test_reduce_and_single_element(build, tf_graph_mode):
    got, want = _value(fg, build), _value(tf_graph_mode, build)
    if isinstance(want, str):
        assert got == want
        return
    for g, w in zip(np.atleast_1d(np.asarray(got, dtype=object)) if isinstance(got, tuple)
                    else [got], want if isinstance(want, tuple) else [want]):
        np.testing.assert_array_equal(np.asarray(g), np.asarray(w))


def test_csv_dataset(tmp_path, tf_graph_mode):
    path = tmp_path / "a.csv"
    path.write_text('id,score,name\n1,2.5,"x, y"\n2,,b\n3,4.25,\n')
    p = str(path)
    for build in (
            lambda api: api.data.experimental.CsvDataset(
                p, [api.int32, 0.5, b"none"], header=True),
            lambda api: api.data.experimental.CsvDataset(
                p, [api.int64, b"?"], header=True, select_cols=[0, 2])):
        _same(build, tf_graph_mode)


def test_make_csv_dataset(tmp_path, tf_graph_mode):
    rows = ["a,b,label"] + [f"{i},{i * 0.5},{i % 2}" for i in range(7)]
    (tmp_path / "t.csv").write_text("\n".join(rows) + "\n")
    pattern = str(tmp_path / "*.csv")
    _same(lambda api: api.data.experimental.make_csv_dataset(
        pattern, 3, label_name="label", num_epochs=1, shuffle=False), tf_graph_mode)
    _same(lambda api: api.data.experimental.make_csv_dataset(
        pattern, 2, select_columns=["b", "a"], num_epochs=2, shuffle=False), tf_graph_mode)


def test_sql_dataset(tmp_path, tf_graph_mode):
    db = tmp_path / "t.db"
    con = sqlite3.connect(db)
    con.execute("create table t (a integer, b text, c real)")
    con.executemany("insert into t values (?, ?, ?)", [(1, "x", 0.5), (2, "yy", -1.25)])
    con.commit()
    con.close()
    _same(lambda api: api.data.experimental.SqlDataset(
        "sqlite", str(db), "select a, b, c from t order by a",
        (api.int64, api.string, api.float64)), tf_graph_mode)
