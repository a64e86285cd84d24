"""A 1,000,000-iteration scalar while_loop (`i < n: i + 1, acc + i * 0.5`)
in fastgraph and in TensorFlow 1's while_loop (tf.compat.v1.Session).

Run with `pytest benchmarks/test_control_flow.py --benchmark-only`. Each
system's result is checked against the closed form before it is timed.
"""

import numpy as np
import pytest

N = 1_000_000
EXPECTED = 0.5 * N * (N - 1) / 2


def _fastgraph():
    import fastgraph as tf
    graph = tf.Graph()
    with graph.as_default():
        n = tf.placeholder(tf.int32, [])
        _, acc = tf.while_loop(lambda i, a: i < n,
                               lambda i, a: (i + 1, a + tf.cast(i, tf.float64) * 0.5),
                               [tf.constant(0), tf.constant(0.0, tf.float64)])
    sess = tf.Session(graph=graph)
    feeds = {n: np.array(N, np.int32)}
    return lambda: sess.run(acc, feeds), sess.close


def _tensorflow():
    tf = pytest.importorskip("tensorflow")
    graph = tf.Graph()
    with graph.as_default():
        n = tf.compat.v1.placeholder(tf.int32, [])
        _, acc = tf.compat.v1.while_loop(
            lambda i, a: i < n, lambda i, a: (i + 1, a + tf.cast(i, tf.float64) * 0.5),
            [tf.constant(0), tf.constant(0.0, tf.float64)])
    sess = tf.compat.v1.Session(graph=graph)
    feeds = {n: np.array(N, np.int32)}
    return lambda: sess.run(acc, feeds), sess.close


@pytest.mark.parametrize("system", ["fastgraph", "tensorflow"])
def test_scalar_loop_1m(benchmark, system):
    benchmark.group = "while_loop_1M"
    run, close = _fastgraph() if system == "fastgraph" else _tensorflow()
    try:
        assert run() == pytest.approx(EXPECTED)
        benchmark.pedantic(run, rounds=5 if system == "fastgraph" else 3, iterations=1)
    finally:
        close()
