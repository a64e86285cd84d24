"""Classic TF1 queue pipelines against TensorFlow: slice_input_producer and
string_input_producer feeding shuffle_batch / batch, run by
start_queue_runners under a Coordinator until the input ends, into a tiny
model. The orders of the shuffles differ (TF's random streams are its
own), so what is compared is what order cannot change: the multiset of
(example, label, prediction) rows, the number and sizes of the batches,
and the weights after training with a loss whose gradient is a sum over
the examples. Queue error classes and messages are compared too."""

import re

import numpy as np
import pytest

import fastgraph as fg

tf = pytest.importorskip("tensorflow")

RNG = np.random.default_rng(3)
DATA = RNG.standard_normal((23, 3)).astype(np.float32)
LABELS = RNG.integers(0, 5, size=23).astype(np.int32)
W0 = RNG.standard_normal((3, 1)).astype(np.float32)
EPOCHS = 2


def _run_pipeline(api, shuffle):
    v1 = api.compat.v1
    g = api.Graph()
    with g.as_default():
        v1.set_random_seed(11)
        x, y = v1.train.slice_input_producer([api.constant(DATA), api.constant(LABELS)],
                                             num_epochs=EPOCHS, shuffle=shuffle, seed=4)
        if shuffle:
            bx, by = v1.train.shuffle_batch([x, y], batch_size=4, capacity=16,
                                            min_after_dequeue=6, num_threads=2, seed=5,
                                            allow_smaller_final_batch=True)
        else:
            bx, by = v1.train.batch([x, y], batch_size=4, allow_smaller_final_batch=True)
        w = v1.Variable(W0, name="w")
        pred = api.matmul(bx, w)
        # d loss / d w = sum of x * label: the final weights do not depend on the order.
        loss = api.reduce_sum(pred[:, 0] * api.cast(by, api.float32))
        grad = v1.gradients(loss, [w])[0]
        with v1.control_dependencies([pred]):
            step = v1.assign_sub(w, 0.01 * grad)
        rows, sizes = [], []
        with v1.Session(graph=g) as sess:
            sess.run([v1.global_variables_initializer(), v1.local_variables_initializer()])
            coord = v1.train.Coordinator()
            threads = v1.train.start_queue_runners(sess=sess, coord=coord)
            try:
                while not coord.should_stop():
                    got_x, got_y, got_p, _ = sess.run([bx, by, pred, step])
                    sizes.append(len(got_y))
                    rows.extend(zip(map(tuple, got_x.round(5).tolist()), got_y.tolist(),
                                    got_p[:, 0].tolist()))
            except api.errors.OutOfRangeError:
                pass
            finally:
                coord.request_stop()
            coord.join(threads)
            w_final = sess.run(w)
    return rows, sizes, w_final


@pytest.mark.parametrize("shuffle", [False, True], ids=["batch", "shuffle_batch"])
def test_slice_input_producer_pipeline_matches_tf(tf_graph_mode, shuffle):
    fg_rows, fg_sizes, fg_w = _run_pipeline(fg, shuffle)
    tf_rows, tf_sizes, tf_w = _run_pipeline(tf_graph_mode, shuffle)
    assert len(fg_rows) == len(tf_rows) == EPOCHS * len(LABELS)
    assert sum(fg_sizes) == sum(tf_sizes)
    if not shuffle:
        assert fg_sizes == tf_sizes == [4] * 11 + [2]
    key = lambda r: (r[0], r[1])  # noqa: E731
    want = sorted(((r[0], r[1]) for r in tf_rows))
    assert sorted(key(r) for r in fg_rows) == want
    # The predictions use the weights of the step they ran in, so only the
    # final weights (a sum over every example) are order-free.
    np.testing.assert_allclose(fg_w, tf_w, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(
        fg_w, W0 - 0.01 * EPOCHS * (DATA * LABELS[:, None]).sum(0)[:, None],
        rtol=1e-4, atol=1e-5)


def _string_pipeline(api):
    v1 = api.compat.v1
    g = api.Graph()
    with g.as_default():
        names = [f"file_{i}.txt" for i in range(7)]
        q = v1.train.string_input_producer(names, num_epochs=3, shuffle=True, seed=2,
                                           capacity=8)
        name = q.dequeue()
        batch = v1.train.batch([name], batch_size=5, allow_smaller_final_batch=True)
        with v1.Session(graph=g) as sess:
            sess.run(v1.local_variables_initializer())
            coord = v1.train.Coordinator()
            threads = v1.train.start_queue_runners(sess, coord)
            got = []
            try:
                while True:
                    got.append(sess.run(batch).tolist())
            except api.errors.OutOfRangeError:
                pass
            coord.request_stop()
            coord.join(threads)
    return got


def test_string_input_producer_pipeline_matches_tf(tf_graph_mode):
    fg_batches = _string_pipeline(fg)
    tf_batches = _string_pipeline(tf_graph_mode)
    assert [len(b) for b in fg_batches] == [len(b) for b in tf_batches] == [5, 5, 5, 5, 1]
    flat = sorted(x for b in fg_batches for x in b)
    assert flat == sorted(x for b in tf_batches for x in b)
    # Each epoch of the producer is a permutation of the names.
    names = [x for b in fg_batches for x in b]
    for e in range(3):
        assert sorted(names[7 * e:7 * e + 7]) == sorted(set(flat))


def _errors(api):
    v1 = api.compat.v1
    g = api.Graph()
    out = []
    with g.as_default():
        q = v1.FIFOQueue(2, [api.int32], shapes=[[2]], name="q")
        enq = q.enqueue([[1, 2]])
        x = v1.placeholder(api.int32)
        bad = q.enqueue([x])
        deq = q.dequeue_many(3)
        with v1.Session(graph=g) as sess:
            sess.run(enq)
            for fetch, feed in [(bad, {x: [1, 2, 3]}), (q.close(), None), (enq, None),
                                (deq, None)]:
                try:
                    sess.run(fetch, feed)
                    out.append(None)
                except api.errors.OpError as e:
                    # TF puts "Graph execution error" and the node's trace first;
                    # the queue's resource name counts the queues of the process.
                    text = e.message.split("\n\t [[")[0].split("\n")[-1]
                    out.append((type(e).__name__, re.sub(r"'_\d+_q'", "'Q'", text)))
    return out


def test_queue_errors_match_tf(tf_graph_mode):
    got = _errors(fg)
    assert got == _errors(tf_graph_mode)
    assert got[0] == ("InvalidArgumentError",
                      "Shape mismatch in tuple component 0. Expected [2], got [3]")


def _queue_graph(api):
    v1 = api.compat.v1
    q = v1.PaddingFIFOQueue(5, [api.int32, api.string], shapes=[[None], []], name="q")
    q.enqueue([[1, 2], "x"], name="enq")
    q.enqueue_many([[[3, 4], [5, 6]], ["y", "z"]], name="enqm")
    q.dequeue_many(3, name="deq")
    q.size(name="size")
    pq = v1.PriorityQueue(4, [api.float32], shapes=[[]], name="pq")
    pq.enqueue_many([api.constant([3, 1], api.int64), [1.5, 2.5]], name="penq")
    pq.dequeue(name="pdeq")


def _run_queue_graph(api, sess):
    sess.run("enq")
    sess.run("enqm")
    out = [sess.run("size:0")]
    out += sess.run(["deq:0", "deq:1"])
    sess.run("penq")
    out += sess.run(["pdeq:0", "pdeq:1"]) + sess.run(["pdeq:0", "pdeq:1"])
    return out


def test_tf_queue_graph_def_imports_and_runs(tf_graph_mode):
    g = tf_graph_mode.Graph()
    with g.as_default():
        _queue_graph(tf_graph_mode)
        with tf_graph_mode.compat.v1.Session() as sess:
            want = _run_queue_graph(tf_graph_mode, sess)
    with fg.Graph().as_default():
        fg.import_graph_def(fg.GraphDef.FromString(g.as_graph_def().SerializeToString()),
                            name="")
        with fg.Session() as sess:
            got = _run_queue_graph(fg, sess)
    assert len(got) == len(want) == 7
    for a, b in zip(got, want):
        assert np.asarray(a).tolist() == np.asarray(b).tolist()
    assert got[2].tolist() == [b"x", b"y", b"z"] and got[3] == 1 and got[5] == 3


def _read_all(api, names, make_reader, up_to=None):
    v1 = api.compat.v1
    g = api.Graph()
    with g.as_default():
        q = v1.FIFOQueue(10, api.string)
        fill = q.enqueue_many([names])
        reader = make_reader(v1)
        key, value = reader.read(q) if up_to is None else reader.read_up_to(q, up_to)
        counts = [reader.num_records_produced(), reader.num_work_units_completed()]
        out = []
        with v1.Session(graph=g) as sess:
            sess.run(fill)
            sess.run(q.close())
            try:
                while True:
                    k, v = sess.run([key, value])
                    out.append((np.asarray(k).tolist(), np.asarray(v).tolist()))
            except api.errors.OutOfRangeError:
                pass
            out.append(sess.run(counts))
    return out


@pytest.mark.parametrize("kind", ["text", "text_up_to", "tfrecord", "tfrecord_gzip", "whole"])
def test_readers_match_tf(tf_graph_mode, tmp_path, kind):
    text = tmp_path / "lines.csv"
    text.write_bytes(b"a,b\n1,2\r\n3,4\n\n5,6")
    (tmp_path / "empty.txt").write_bytes(b"")
    plain, zipped = str(tmp_path / "r.tfrecord"), str(tmp_path / "r.tfrecord.gz")
    with tf_graph_mode.io.TFRecordWriter(plain) as w:
        for rec in (b"x", b"yy" * 100, b""):
            w.write(rec)
    with tf_graph_mode.io.TFRecordWriter(zipped, options="GZIP") as w:
        for rec in (b"first", b"second"):
            w.write(rec)
    cases = {
        "text": ([str(text), str(tmp_path / "empty.txt"), str(text)],
                 lambda v1: v1.TextLineReader(skip_header_lines=1), None),
        "text_up_to": ([str(text), str(text)], lambda v1: v1.TextLineReader(), 3),
        "tfrecord": ([plain, plain], lambda v1: v1.TFRecordReader(), None),
        "tfrecord_gzip": ([zipped], lambda v1: v1.TFRecordReader(
            options=v1.python_io.TFRecordOptions(
                v1.python_io.TFRecordCompressionType.GZIP)
            if hasattr(v1, "python_io") else "GZIP"), None),
        "whole": ([str(text), plain], lambda v1: v1.WholeFileReader(), None),
    }
    names, make, up_to = cases[kind]
    got = _read_all(fg, names, make, up_to)
    want = _read_all(tf_graph_mode, names, make, up_to)
    assert got == want
    assert len(got) > 2


def _pipeline_meta_graph(api):
    v1 = api.compat.v1
    g = api.Graph()
    # TF2 makes resource variables (VarHandleOp) by default: TF1's are asked for.
    with g.as_default(), v1.variable_scope(v1.get_variable_scope(), use_resource=False):
        x = v1.train.limit_epochs(api.constant([1.0, 2.0, 3.0, 4.0, 5.0]), num_epochs=2)
        b = v1.train.batch([x], batch_size=3, enqueue_many=True,
                           allow_smaller_final_batch=True)
        return v1.train.export_meta_graph(graph=g), b.name


def _run_meta_graph(api, meta_graph_bytes, fetch):
    v1 = api.compat.v1
    g = api.Graph()
    with g.as_default():
        mg = v1.MetaGraphDef.FromString(meta_graph_bytes) if hasattr(v1, "MetaGraphDef") \
            else meta_graph_bytes
        v1.train.import_meta_graph(mg)
        runners = v1.get_collection(v1.GraphKeys.QUEUE_RUNNERS)
        with v1.Session(graph=g) as sess:
            sess.run(v1.local_variables_initializer())
            coord = v1.train.Coordinator()
            threads = v1.train.start_queue_runners(sess, coord)
            got = []
            try:
                while True:
                    got.append(sess.run(fetch).tolist())
            except api.errors.OutOfRangeError:
                pass
            coord.request_stop()
            coord.join(threads)
    return [r.name for r in runners], got


@pytest.mark.parametrize("writer", ["tf", "fastgraph"])
def test_queue_runners_in_meta_graphs_move_between_tf_and_fastgraph(tf_graph_mode, writer):
    from fastgraph.framework.meta_graph_protos import MetaGraphDef

    api = tf_graph_mode if writer == "tf" else fg
    mg, fetch = _pipeline_meta_graph(api)
    data = mg.SerializeToString()
    fg_runners, fg_got = _run_meta_graph(fg, MetaGraphDef.FromString(data), fetch)
    tf_runners, tf_got = _run_meta_graph(tf_graph_mode, data, fetch)
    assert fg_runners == tf_runners == ["batch/fifo_queue"]
    assert fg_got == tf_got == [[1.0, 2.0, 3.0], [4.0, 5.0, 1.0], [2.0, 3.0, 4.0], [5.0]]
