"""Two threads calling Session.run at once (`pytest benchmarks --benchmark-only -k threads`).

The C executor releases the GIL, so two runs in two threads overlap on a
2-core machine. The session is capped to one thread per run
(intra_op_parallelism_threads=1), so one run alone leaves a core free.
Compare the group's two medians: with the GIL released, two runs in two
threads take about as long as one run, not as long as two in a row.
"""

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import fastgraph as tf

N = 1 << 21


@pytest.fixture(scope="module")
def heavy():
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [N])
        y = x
        for _ in range(8):
            y = tf.tanh(y * 1.5 + 0.25)
        sess = tf.Session(config=tf.ConfigProto(intra_op_parallelism_threads=1))
        data = np.linspace(-1, 1, N, dtype=np.float32)
        run = sess.make_callable(y, [x])
        want = run(data)
        yield run, data, want
        sess.close()


@pytest.fixture(scope="module")
def pool():
    with ThreadPoolExecutor(2) as ex:
        yield ex


def test_threads_two_runs_in_one_thread(benchmark, heavy):
    run, data, want = heavy
    benchmark.group = "threads: two heavy runs"

    def twice():
        return run(data), run(data)

    a, b = benchmark(twice)
    np.testing.assert_array_equal(a, want)
    np.testing.assert_array_equal(b, want)


def test_threads_two_runs_in_two_threads(benchmark, heavy, pool):
    run, data, want = heavy
    benchmark.group = "threads: two heavy runs"

    def side_by_side():
        futures = [pool.submit(run, data) for _ in range(2)]
        return [f.result() for f in futures]

    a, b = benchmark(side_by_side)
    np.testing.assert_array_equal(a, want)
    np.testing.assert_array_equal(b, want)
