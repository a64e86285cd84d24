"""fastgraph.dask.run: a graph's fetches over the blocks of dask.array feeds,
on a two-process distributed LocalCluster and on Dask's threaded scheduler,
against local Session.runs of the same blocks; one session per graph
fingerprint on each worker."""

import numpy as np
import pytest

da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")

import fastgraph as tf  # noqa: E402
import fastgraph.dask as fg_dask  # noqa: E402

CHUNK = 4


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None, silence_logs=40)
    c = distributed.Client(cluster, set_as_default=False)
    try:
        yield c
    finally:
        c.close()
        cluster.close()


def _model():
    """A small conv net with variables: images -> (probabilities, features)."""
    x = tf.placeholder(tf.float32, [None, 8, 8, 3], name="images")
    scale = tf.placeholder(tf.float32, [], name="scale")
    h = tf.layers.conv2d(x * scale, 4, 3, padding="same", activation=tf.nn.relu)
    h = tf.reshape(tf.layers.max_pooling2d(h, 2, 2), [-1, 4 * 4 * 4])
    logits = tf.layers.dense(h, 5)
    return x, scale, tf.nn.softmax(logits), h


def _images(n, seed=0):
    return np.random.RandomState(seed).rand(n, 8, 8, 3).astype(np.float32)


def _local_blocks(sess, fetches, x, scale, images, chunk, s=0.5):
    """What local session.runs give block by block, concatenated."""
    parts = [sess.run(fetches, {x: images[k:k + chunk], scale: s})
             for k in range(0, len(images), chunk)]
    return [np.concatenate([p[i] for p in parts]) for i in range(len(fetches))]


def test_two_worker_cluster_gives_the_local_results(client):
    with tf.Graph().as_default() as g:
        x, scale, probs, feats = _model()
        images = _images(10)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            want = _local_blocks(sess, [probs, feats], x, scale, images, CHUNK)
            whole = sess.run([probs, feats], {x: images, scale: 0.5})
            out = fg_dask.run({"p": probs, "f": feats},
                              {x: da.from_array(images, chunks=(CHUNK, 8, 8, 3)), scale: 0.5},
                              session=sess)
            assert set(out) == {"p", "f"}
            assert out["p"].chunks[0] == (4, 4, 2) and out["p"].shape == (10, 5)
            assert out["f"].shape == (10, 64) and out["f"].dtype == np.float32
            got = client.compute([out["p"], out["f"]], sync=True)
            for a, b, c in zip(got, want, whole):
                np.testing.assert_array_equal(a, b)
                np.testing.assert_allclose(a, c, rtol=1e-5, atol=1e-6)
            # A second computation on the same graph and values reuses the
            # workers' sessions: one fingerprint each at most.
            again = fg_dask.run(probs, {x: da.from_array(images[::-1], chunks=CHUNK),
                                        scale: 0.5}, session=sess)
            np.testing.assert_array_equal(
                client.compute(again, sync=True),
                _local_blocks(sess, [probs], x, scale, images[::-1], CHUNK)[0])
            held = client.run(fg_dask.cached_fingerprints)
            assert len(held) == 2
            prints = {p for v in held.values() for p in v}
            assert len(prints) == 1 and all(len(v) <= 1 for v in held.values())
            assert g is sess.graph


def test_new_variable_values_are_a_new_program(client):
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 3])
        w = tf.Variable(np.arange(6, dtype=np.float32).reshape(3, 2))
        y = tf.matmul(x, w)
        feed = np.random.RandomState(1).rand(6, 3).astype(np.float32)
        with tf.Session() as sess:
            sess.run(w.initializer)
            first = client.compute(fg_dask.run(y, {x: da.from_array(feed, chunks=2)}, sess),
                                   sync=True)
            np.testing.assert_array_equal(first, sess.run(y, {x: feed}))
            w.load(np.ones((3, 2), np.float32), sess)
            second = client.compute(fg_dask.run(y, {x: da.from_array(feed, chunks=2)}, sess),
                                    sync=True)
            np.testing.assert_array_equal(second, feed.sum(1, keepdims=True).repeat(2, 1))
    assert not np.array_equal(first, second)


def test_threaded_scheduler_and_structures():
    with tf.Graph().as_default():
        x, scale, probs, feats = _model()
        images = _images(7, seed=3)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            want = _local_blocks(sess, [probs, feats], x, scale, images, 3, s=2.0)
            out = fg_dask.run([probs, (feats,)], {"images:0": da.from_array(images, chunks=3),
                                                  scale: np.float32(2.0)}, session=sess)
            assert isinstance(out, list) and isinstance(out[1], tuple)
            p, f = da.compute(out[0], out[1][0], scheduler="threads")
            np.testing.assert_array_equal(p, want[0])
            np.testing.assert_array_equal(f, want[1])
            # Feeds of other chunks are rechunked to the first feed's.
            two = fg_dask.run(feats, {x: da.from_array(images, chunks=3),
                                      scale: 2.0}, session=sess)
            np.testing.assert_array_equal(two.compute(scheduler="sync"), want[1])


def test_graph_without_variables_needs_no_session():
    with tf.Graph().as_default() as g:
        a = tf.placeholder(tf.float64, [None, 2])
        b = tf.placeholder(tf.float64, [None, 2])
        c = a * b + 1.0
        av = np.arange(10.0).reshape(5, 2)
        bv = av[::-1].copy()
        out = fg_dask.run(c, {a: da.from_array(av, chunks=2), b: da.from_array(bv, chunks=5)},
                          graph=g)
        assert out.chunks[0] == (2, 2, 1)
        np.testing.assert_array_equal(out.compute(scheduler="threads"), av * bv + 1.0)


def test_errors():
    with tf.Graph().as_default() as g:
        x = tf.placeholder(tf.float32, [None, 3])
        w = tf.Variable(tf.ones([3, 3]))
        y = tf.matmul(x, w)
        total = tf.reduce_sum(x, 0)
        feed = da.from_array(np.ones((4, 3), np.float32), chunks=2)
        with pytest.raises(ValueError, match="pass the session"):
            fg_dask.run(y, {x: feed}, graph=g)
        with tf.Session() as sess:
            sess.run(w.initializer)
            with pytest.raises(ValueError, match="at least one dask.array"):
                fg_dask.run(y, {x: np.ones((4, 3), np.float32)}, session=sess)
            with pytest.raises(ValueError, match="scalar"):
                fg_dask.run(tf.reduce_sum(x), {x: feed}, session=sess)
            bad = fg_dask.run(total, {x: feed}, session=sess)  # (3,) per block of 2 rows
            with pytest.raises(tf.errors.InvalidArgumentError, match="batch axis"):
                bad.compute(scheduler="sync")
            with pytest.raises(ValueError, match="rows of the first"):
                fg_dask.run(y, {x: feed, "Placeholder:0": da.ones((5, 3), chunks=2)},
                            session=sess)
        with tf.Session(graph=tf.Graph()) as other:
            with pytest.raises(ValueError, match="another graph"):
                fg_dask.run(y, {x: feed}, session=other, graph=g)


def test_the_program_is_one_key_of_graph_def_bytes_and_arrays():
    import pickle

    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 2])
        w = tf.Variable(np.ones((2, 2), np.float32))
        y = tf.matmul(x, w)
        with tf.Session() as sess:
            sess.run(w.initializer)
            out = fg_dask.run(y, {x: da.from_array(np.ones((6, 2), np.float32), chunks=2)},
                              session=sess)
    graph = dict(out.__dask_graph__())
    held = [k for k, v in graph.items() if isinstance(getattr(v, "value", v), fg_dask.Program)]
    assert len(held) == 1  # sent to a worker once, whatever the number of blocks
    blocks = [k for k in graph if str(k).startswith("_run_block")]
    assert len(blocks) == 3 and all(held[0] in graph[k].dependencies for k in blocks)
    program = getattr(graph[held[0]], "value", graph[held[0]])
    data = pickle.dumps(program)
    assert b"fastgraph.framework.graph" not in data and b"fastgraph.session" not in data
    assert tf.GraphDef.FromString(program.graph_def).node
    (name, value), = program.variables
    np.testing.assert_array_equal(value, np.ones((2, 2), np.float32))
