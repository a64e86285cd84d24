"""One epoch of a tf.data input pipeline feeding a small dense model, in
fastgraph and in TensorFlow 1 (tf.compat.v1.Session, graph mode):
from_tensor_slices -> map -> shuffle -> batch -> prefetch, read by an
initializable iterator whose get_next() feeds a 32-64-10 softmax
classifier trained by gradient descent.

Run with `pytest benchmarks/test_data_pipeline.py --benchmark-only`. Each
round re-initializes the iterator and runs the training step until the
epoch ends (OutOfRangeError); before timing, both systems are checked to
see every example once per epoch.
"""

import numpy as np
import pytest

N, FEATURES, HIDDEN, CLASSES, BATCH = 4096, 32, 64, 10, 64

_rng = np.random.default_rng(0)
X = _rng.normal(size=(N, FEATURES)).astype(np.float32)
Y = _rng.integers(0, CLASSES, size=N).astype(np.int64)


def _build(tf, v1):
    graph = tf.Graph()
    with graph.as_default():
        v1.set_random_seed(1)
        ds = tf.data.Dataset.from_tensor_slices((X, Y))
        ds = ds.map(lambda x, y: (x * 0.5 + 0.1, tf.one_hot(y, CLASSES)),
                    num_parallel_calls=tf.data.experimental.AUTOTUNE)
        ds = ds.shuffle(1024, seed=3).batch(BATCH).prefetch(2)
        it = v1.data.make_initializable_iterator(ds)
        x, y = it.get_next()
        w1 = tf.Variable(_rng.normal(0, 0.1, (FEATURES, HIDDEN)).astype(np.float32))
        w2 = tf.Variable(_rng.normal(0, 0.1, (HIDDEN, CLASSES)).astype(np.float32))
        h = tf.nn.relu(tf.matmul(x, w1))
        logits = tf.matmul(h, w2)
        loss = tf.reduce_mean(v1.nn.softmax_cross_entropy_with_logits_v2(labels=y,
                                                                          logits=logits))
        step = v1.train.GradientDescentOptimizer(0.1).minimize(loss)
        count = tf.shape(x)[0]
        sess = v1.Session(graph=graph)
        sess.run(v1.global_variables_initializer())

    def epoch():
        sess.run(it.initializer)
        seen = 0
        while True:
            try:
                _, n = sess.run([step, count])
            except tf.errors.OutOfRangeError:
                return seen
            seen += n
    return epoch, sess.close


def _fastgraph():
    import fastgraph as tf
    return _build(tf, tf.compat.v1)


def _tensorflow():
    tf = pytest.importorskip("tensorflow")
    tf.compat.v1.disable_eager_execution()
    return _build(tf, tf.compat.v1)


@pytest.mark.parametrize("system", ["fastgraph", "tensorflow"])
def test_data_pipeline_epoch(benchmark, system):
    benchmark.group = "tf.data epoch: slices-map-shuffle-batch-prefetch + dense"
    epoch, close = _fastgraph() if system == "fastgraph" else _tensorflow()
    try:
        assert epoch() == N
        benchmark.pedantic(epoch, rounds=5, iterations=1, warmup_rounds=1)
    finally:
        close()
