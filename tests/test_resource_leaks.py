"""Sessions that held resources give them all back when they close: 1,000
sessions on one graph, each reading a file through a dataset iterator,
looking keys up in a table and passing elements through a queue, leave no
file descriptor, thread or Python object behind."""

import gc
import os
import threading


import fastgraph as tf

SESSIONS = 1000


def _open_fds():
    return len(os.listdir("/proc/self/fd"))


def test_a_thousand_sessions_with_iterators_tables_and_queues_leak_nothing(tmp_path):
    path = tmp_path / "lines.txt"
    path.write_text("".join(f"line {i}\n" for i in range(8)))
    g = tf.Graph()
    with g.as_default():
        lines = tf.data.TextLineDataset(str(path)).batch(4).prefetch(1)
        it = tf.compat.v1.data.make_initializable_iterator(lines)
        batch = it.get_next()
        table = tf.lookup.StaticHashTable(
            tf.lookup.KeyValueTensorInitializer(["line 1", "line 5"], [10, 50]), -1)
        ids = table.lookup(batch)
        queue = tf.queue.FIFOQueue(4, [tf.int32], shapes=[[]])
        enqueue = queue.enqueue_many([ids])
        total = tf.reduce_sum(queue.dequeue_many(4))
        tables = tf.compat.v1.tables_initializer()

    def one_session():
        with tf.Session(graph=g) as sess:
            sess.run([it.initializer, tables])
            sess.run(enqueue)
            assert sess.run(total) == 10 - 3
            assert sess.memory_stats()["resources"] >= 3
        return sess

    for _ in range(20):  # warm-up: plans compiled, caches filled
        one_session()
    gc.collect()
    fds, threads = _open_fds(), threading.active_count()
    objects = len(gc.get_objects())
    for _ in range(SESSIONS):
        last = one_session()
    gc.collect()
    assert last.memory_stats()["resources"] == 0
    assert _open_fds() == fds
    assert threading.active_count() == threads
    # Anything a closed session kept would be SESSIONS objects at least.
    grown = len(gc.get_objects()) - objects
    assert grown < SESSIONS // 10, f"{grown} objects kept by {SESSIONS} closed sessions"
