"""tf.queue's queues against hand-computed orders: FIFO order, padding,
priority order, random shuffle (a permutation of what went in), blocking
released by another thread, close semantics, many threads, and the queues
as session resources (closed by Session.close, one per session)."""

import threading
import time

import numpy as np
import pytest

import fastgraph as tf


def _graph():
    return tf.Graph()


def test_fifo_order_and_components():
    with _graph().as_default():
        q = tf.FIFOQueue(10, [tf.int32, tf.float32], shapes=[[], [2]])
        x = tf.placeholder(tf.int32, [])
        enq = q.enqueue([x, tf.fill([2], tf.cast(x, tf.float32) * 0.5)])
        a, b = q.dequeue()
        assert a.shape.as_list() == [] and b.shape.as_list() == [2]
        many = q.dequeue_many(3)
        assert [t.shape.as_list() for t in many] == [[3], [3, 2]]
        with tf.Session() as sess:
            for i in [5, 1, 4, 2, 3]:
                sess.run(enq, {x: i})
            assert sess.run(q.size()) == 5
            got_a, got_b = sess.run([a, b])
            assert got_a == 5 and got_b.tolist() == [2.5, 2.5]
            m_a, m_b = sess.run(many)
            assert m_a.tolist() == [1, 4, 2]
            assert m_b.tolist() == [[0.5, 0.5], [2.0, 2.0], [1.0, 1.0]]
            assert sess.run(a * 10) == 30
            assert sess.run(q.size()) == 0


def test_enqueue_many_and_dequeue_up_to():
    with _graph().as_default():
        q = tf.FIFOQueue(10, tf.int64, shapes=[[]])
        enq = q.enqueue_many([[10, 20, 30, 40, 50]])
        up_to = q.dequeue_up_to(3)
        assert up_to.shape.as_list() == [None]
        with tf.Session() as sess:
            sess.run(enq)
            assert sess.run(up_to).tolist() == [10, 20, 30]
            sess.run(q.close())
            # Closed: the last batch is what is left, then OutOfRange.
            assert sess.run(up_to).tolist() == [40, 50]
            with pytest.raises(tf.errors.OutOfRangeError) as info:
                sess.run(up_to)
            assert "is closed and has insufficient elements (requested 3, current size 0)" \
                in info.value.message


def test_named_components_are_dicts():
    with _graph().as_default():
        q = tf.FIFOQueue(4, [tf.int32, tf.float32], shapes=[[2], []], names=["a", "b"])
        assert q.names == ["a", "b"]
        enq = q.enqueue({"a": [1, 2], "b": 3.5})
        out = q.dequeue()
        assert sorted(out) == ["a", "b"]
        with pytest.raises(ValueError, match="You must enqueue a dictionary"):
            q.enqueue([[1, 2], 3.0])
        with pytest.raises(ValueError):
            q.enqueue({"a": [1, 2, 3], "b": 1.0})  # static shape (3,) vs (2,)
        with tf.Session() as sess:
            sess.run(enq)
            got = sess.run(out)
            assert got["a"].tolist() == [1, 2] and got["b"] == 3.5


def test_enqueue_shape_checked_at_run_time():
    with _graph().as_default():
        q = tf.FIFOQueue(4, tf.int32, shapes=[[2]])
        x = tf.placeholder(tf.int32)
        enq = q.enqueue([x])
        with tf.Session() as sess:
            with pytest.raises(tf.errors.InvalidArgumentError) as info:
                sess.run(enq, {x: [1, 2, 3]})
            assert "Shape mismatch in tuple component 0. Expected [2], got [3]" \
                in info.value.message
            sess.run(enq, {x: [1, 2]})  # the session stays usable
            assert sess.run(q.size()) == 1


def test_dequeue_many_needs_shapes():
    with _graph().as_default():
        q = tf.FIFOQueue(4, tf.int32)
        with tf.Session() as sess:
            sess.run(q.enqueue([1]))
            with pytest.raises(tf.errors.InvalidArgumentError,
                               match="require the components to have specified shapes"):
                sess.run(q.dequeue_many(1))


def test_padding_fifo_pads_to_the_longest():
    with _graph().as_default():
        q = tf.PaddingFIFOQueue(5, [tf.int32, tf.string], shapes=[[None], []])
        x = tf.placeholder(tf.int32, [None])
        s = tf.placeholder(tf.string, [])
        enq = q.enqueue([x, s])
        ints, strs = q.dequeue_many(3)
        with tf.Session() as sess:
            sess.run(enq, {x: [1, 2, 3], s: "a"})
            sess.run(enq, {x: [4], s: "bb"})
            sess.run(enq, {x: [5, 6], s: "c"})
            got_i, got_s = sess.run([ints, strs])
    assert got_i.tolist() == [[1, 2, 3], [4, 0, 0], [5, 6, 0]]
    assert got_s.dtype == object and got_s.shape == (3,)
    assert [type(v) for v in got_s.tolist()] == [bytes] * 3
    assert got_s.tolist() == [b"a", b"bb", b"c"]


def test_padding_fifo_requires_shapes():
    with pytest.raises(TypeError):
        tf.PaddingFIFOQueue(5, [tf.int32])  # noqa - shapes is required, as TF


def test_priority_queue_lowest_first():
    with _graph().as_default():
        q = tf.PriorityQueue(10, [tf.string], shapes=[[]])
        assert q.dtypes == [tf.int64, tf.string]
        enq = q.enqueue_many([[5, 1, 3, 9, 2], ["e", "a", "c", "i", "b"]])
        prio, value = q.dequeue()
        many_p, many_v = q.dequeue_many(3)
        with tf.Session() as sess:
            sess.run(enq)
            assert sess.run([prio, value]) == [1, b"a"]
            p, v = sess.run([many_p, many_v])
            assert p.tolist() == [2, 3, 5] and v.tolist() == [b"b", b"c", b"e"]
            sess.run(q.enqueue([0, "z"]))
            assert sess.run([prio, value]) == [0, b"z"]
            assert sess.run([prio, value]) == [9, b"i"]


def test_random_shuffle_is_a_seeded_permutation():
    def run(seed):
        with _graph().as_default():
            q = tf.RandomShuffleQueue(100, 10, tf.int32, shapes=[[]], seed=seed)
            enq = q.enqueue_many([np.arange(50, dtype=np.int32)])
            close = q.close()
            out = q.dequeue_up_to(7)
            got = []
            with tf.Session() as sess:
                sess.run(enq)
                sess.run(close)
                while True:
                    try:
                        got.extend(sess.run(out).tolist())
                    except tf.errors.OutOfRangeError:
                        break
            return got

    first = run(7)
    assert sorted(first) == list(range(50))
    assert first != list(range(50))
    assert run(7) == first  # seeded: the same order again


def test_random_shuffle_keeps_min_after_dequeue():
    with _graph().as_default():
        q = tf.RandomShuffleQueue(10, 3, tf.int32, shapes=[[]], seed=1)
        deq = q.dequeue()
        with tf.Session() as sess:
            sess.run(q.enqueue_many([[1, 2, 3, 4]]))
            first = sess.run(deq)  # 4 held, 3 must stay
            with pytest.raises(tf.errors.DeadlineExceededError):
                sess.run(deq, options=tf.RunOptions(timeout_in_ms=50))
            assert sess.run(q.size()) == 3
            sess.run(q.close())
            rest = [sess.run(deq) for _ in range(3)]  # closed: drains
            assert sorted([first] + rest) == [1, 2, 3, 4]


def test_dequeue_blocks_until_another_thread_enqueues():
    with _graph().as_default():
        q = tf.FIFOQueue(2, tf.int32, shapes=[[]])
        x = tf.placeholder(tf.int32, [])
        enq = q.enqueue([x])
        deq = q.dequeue() + 1
        with tf.Session() as sess:
            got = []
            t = threading.Thread(target=lambda: got.append(sess.run(deq)))
            t.start()
            time.sleep(0.1)
            assert t.is_alive() and not got  # waiting on the empty queue
            sess.run(enq, {x: 41})
            t.join(5)
            assert got == [42]


def test_enqueue_blocks_while_full():
    with _graph().as_default():
        q = tf.FIFOQueue(2, tf.int32, shapes=[[]])
        enq = q.enqueue_many([[1, 2, 3, 4]])  # twice the capacity
        deq = q.dequeue()
        with tf.Session() as sess:
            t = threading.Thread(target=lambda: sess.run(enq))
            t.start()
            time.sleep(0.1)
            assert t.is_alive() and sess.run(q.size()) == 2
            assert [sess.run(deq) for _ in range(4)] == [1, 2, 3, 4]
            t.join(5)
            assert not t.is_alive()


def test_dequeue_many_larger_than_capacity():
    with _graph().as_default():
        q = tf.FIFOQueue(2, tf.int32, shapes=[[]])
        enq = q.enqueue_many([[1, 2, 3, 4, 5]])
        with tf.Session() as sess:
            t = threading.Thread(target=lambda: sess.run(enq))
            t.start()
            assert sess.run(q.dequeue_many(5)).tolist() == [1, 2, 3, 4, 5]
            t.join(5)


def test_timeout_raises_deadline_exceeded():
    with _graph().as_default():
        q = tf.FIFOQueue(1, tf.int32, shapes=[[]])
        with tf.Session() as sess:
            start = time.monotonic()
            with pytest.raises(tf.errors.DeadlineExceededError,
                               match="Timed out waiting for notification"):
                sess.run(q.dequeue(), options=tf.RunOptions(timeout_in_ms=80))
            assert 0.07 < time.monotonic() - start < 2
            sess.run(q.enqueue([1]))
            with pytest.raises(tf.errors.DeadlineExceededError):
                sess.run(q.enqueue([2]), options=tf.RunOptions(timeout_in_ms=50))
            assert sess.run(q.dequeue()) == 1


def test_waiters_that_time_out_leave_the_line():
    # Two dequeues wait, three later ones time out: the first two still get
    # the next two elements, in their order.
    with _graph().as_default():
        q = tf.FIFOQueue(5, tf.int32, shapes=[[]])
        deq = q.dequeue()
        with tf.Session() as sess:
            got = {}

            def wait(name):
                got[name] = int(sess.run(deq))
            first = threading.Thread(target=wait, args=("first",))
            first.start()
            time.sleep(0.05)
            second = threading.Thread(target=wait, args=("second",))
            second.start()
            time.sleep(0.05)
            timed_out = []

            def give_up():
                try:
                    sess.run(deq, options=tf.RunOptions(timeout_in_ms=30))
                except tf.errors.DeadlineExceededError:
                    timed_out.append(1)
            quitters = [threading.Thread(target=give_up) for _ in range(3)]
            for t in quitters:
                t.start()
            for t in quitters:
                t.join(5)
            assert len(timed_out) == 3
            sess.run(q.enqueue_many([[1, 2]]))
            first.join(5)
            second.join(5)
            assert got == {"first": 1, "second": 2}


def test_close_semantics():
    with _graph().as_default():
        q = tf.FIFOQueue(5, tf.int32, shapes=[[]])
        enq = q.enqueue([7])
        deq = q.dequeue()
        with tf.Session() as sess:
            sess.run(enq)
            sess.run(enq)
            assert not sess.run(q.is_closed())
            sess.run(q.close())
            assert sess.run(q.is_closed())
            with pytest.raises(tf.errors.CancelledError) as info:
                sess.run(enq)
            assert "FIFOQueue '" in info.value.message and "' is closed." in info.value.message
            with pytest.raises(tf.errors.OutOfRangeError):
                sess.run(q.dequeue_many(3))  # 2 left: they stay
            assert sess.run(q.size()) == 2
            assert sess.run(deq) == 7 and sess.run(deq) == 7
            with pytest.raises(tf.errors.OutOfRangeError):
                sess.run(deq)


def test_close_wakes_waiting_dequeue_with_out_of_range():
    with _graph().as_default():
        q = tf.FIFOQueue(5, tf.int32, shapes=[[]])
        deq = q.dequeue()
        with tf.Session() as sess:
            errs = []

            def wait():
                try:
                    sess.run(deq)
                except tf.errors.OutOfRangeError as e:
                    errs.append(e)
            t = threading.Thread(target=wait)
            t.start()
            time.sleep(0.1)
            sess.run(q.close())
            t.join(5)
            assert len(errs) == 1


def test_cancel_pending_enqueues():
    with _graph().as_default():
        q = tf.FIFOQueue(1, tf.int32, shapes=[[]])
        enq = q.enqueue([3])
        with tf.Session() as sess:
            sess.run(enq)
            errs = []

            def wait():
                try:
                    sess.run(enq)
                except tf.errors.CancelledError as e:
                    errs.append(e)
            t = threading.Thread(target=wait)
            t.start()
            time.sleep(0.1)
            sess.run(q.close(cancel_pending_enqueues=True))
            t.join(5)
            assert len(errs) == 1
            assert sess.run(q.dequeue()) == 3


def test_eight_threads_each_element_exactly_once():
    n_threads, per_thread = 8, 50
    with _graph().as_default():
        q = tf.FIFOQueue(16, tf.int32, shapes=[[]])
        x = tf.placeholder(tf.int32, [])
        enq = q.enqueue([x])
        deq = q.dequeue()
        with tf.Session() as sess:
            got, lock = [], threading.Lock()

            def produce(k):
                for i in range(per_thread):
                    sess.run(enq, {x: k * per_thread + i})

            def consume():
                for _ in range(per_thread):
                    v = int(sess.run(deq))
                    with lock:
                        got.append(v)
            threads = [threading.Thread(target=produce, args=(k,)) for k in range(n_threads)]
            threads += [threading.Thread(target=consume) for _ in range(n_threads)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(30)
            assert not any(t.is_alive() for t in threads)
    assert sorted(got) == list(range(n_threads * per_thread))


def test_session_close_cancels_waiting_runs():
    with _graph().as_default():
        q = tf.FIFOQueue(2, tf.int32, shapes=[[]])
        deq = q.dequeue()
        sess = tf.Session()
        errs = []

        def wait():
            try:
                sess.run(deq)
            except tf.errors.CancelledError as e:
                errs.append(e.message)
        t = threading.Thread(target=wait)
        t.start()
        time.sleep(0.1)
        assert sess.memory_stats()["resources"] == 1
        sess.close()
        t.join(5)
        assert not t.is_alive()
        assert errs and "Dequeue operation was cancelled" in errs[0]
        with pytest.raises(RuntimeError, match="closed Session"):
            sess.run(deq)


def test_two_sessions_hold_two_queues():
    with _graph().as_default():
        q = tf.FIFOQueue(5, tf.int32, shapes=[[]])
        x = tf.placeholder(tf.int32, [])
        enq = q.enqueue([x])
        with tf.Session() as s1, tf.Session() as s2:
            s1.run(enq, {x: 1})
            s1.run(enq, {x: 2})
            s2.run(enq, {x: 9})
            assert s1.run(q.size()) == 2 and s2.run(q.size()) == 1
            assert s2.run(q.dequeue()) == 9
            assert s1.run(q.dequeue()) == 1


def test_shared_name_shares_one_queue_in_a_session():
    with _graph().as_default():
        a = tf.FIFOQueue(5, tf.int32, shapes=[[]], shared_name="shared_q")
        b = tf.FIFOQueue(5, tf.int32, shapes=[[]], shared_name="shared_q")
        with tf.Session() as sess:
            sess.run(a.enqueue([4]))
            assert sess.run(b.dequeue()) == 4


def test_queue_ops_names_as_tf():
    with _graph().as_default():
        q = tf.FIFOQueue(3, tf.int32, shapes=[[]])
        assert q.name == "fifo_queue"
        assert q.enqueue([1]).name == "fifo_queue_enqueue"
        assert q.dequeue().op.name == "fifo_queue_Dequeue"
        assert q.dequeue_many(2).op.name == "fifo_queue_DequeueMany"
        assert q.size().op.name == "fifo_queue_Size"
        assert q.close().name == "fifo_queue_Close"
        assert q.queue_ref.op.type == "FIFOQueueV2"
        assert tf.queue.FIFOQueue is tf.FIFOQueue is tf.compat.v1.FIFOQueue


def test_queue_graph_round_trips_through_graph_def():
    with _graph().as_default() as g:
        q = tf.PaddingFIFOQueue(4, [tf.int32], shapes=[[None]], name="pq")
        q.enqueue([[1, 2]], name="enq")
        q.dequeue_many(1, name="deq")
        gd = g.as_graph_def()
    with tf.Graph().as_default():
        tf.import_graph_def(gd, name="")
        with tf.Session() as sess:
            sess.run("enq")
            assert sess.run("deq:0").tolist() == [[1, 2]]
    node = [n for n in gd.node if n.name == "pq"][0]
    assert node.op == "PaddingFIFOQueueV2"


# ---- Coordinator, QueueRunner, input producers and batchers --------------------------

def test_coordinator_stop_and_join():
    coord = tf.train.Coordinator()
    assert not coord.should_stop()
    ticks = []

    def loop():
        while not coord.should_stop():
            ticks.append(1)
            time.sleep(0.005)
    threads = [threading.Thread(target=loop) for _ in range(3)]
    for t in threads:
        t.start()
    time.sleep(0.05)
    coord.request_stop()
    assert coord.should_stop() and coord.wait_for_stop(0.01)
    coord.join(threads)
    assert coord.joined and not any(t.is_alive() for t in threads) and ticks
    coord.clear_stop()
    assert not coord.should_stop() and not coord.wait_for_stop(0.01)


def test_coordinator_reports_the_first_exception():
    coord = tf.train.Coordinator()

    def fail():
        with coord.stop_on_exception():
            raise ValueError("first")
    t = threading.Thread(target=fail)
    coord.register_thread(t)
    t.start()
    assert coord.wait_for_stop(5)
    coord.request_stop(RuntimeError("second"))  # already stopping: not recorded
    with pytest.raises(ValueError, match="first"):
        coord.raise_requested_exception()
    with pytest.raises(ValueError, match="first"):
        coord.join()


def test_coordinator_clean_stop_on_out_of_range():
    coord = tf.train.Coordinator()
    with coord.stop_on_exception():
        raise tf.errors.OutOfRangeError(None, None, "end of input")
    assert coord.should_stop()
    coord.join([])  # nothing to re-raise


def test_coordinator_join_raises_for_stragglers():
    coord = tf.train.Coordinator()
    release = threading.Event()
    t = threading.Thread(target=release.wait)
    t.start()
    coord.request_stop()
    with pytest.raises(RuntimeError, match="Coordinator stopped with threads still running"):
        coord.join([t], stop_grace_period_secs=0.01)
    release.set()
    t.join()


def test_queue_runner_fills_and_closes_the_queue():
    with _graph().as_default():
        source = tf.FIFOQueue(100, tf.int32, shapes=[[]])
        target = tf.FIFOQueue(4, tf.int32, shapes=[[]])
        fill = source.enqueue_many([np.arange(30, dtype=np.int32)])
        # Two threads move elements; the source's end closes the target.
        move = target.enqueue([source.dequeue() * 2])
        qr = tf.train.QueueRunner(target, [move, move])
        assert qr.queue is target and qr.enqueue_ops == [move, move]
        assert qr.queue_closed_exception_types == (tf.errors.OutOfRangeError,)
        assert qr.name == "fifo_queue_1"
        tf.train.add_queue_runner(qr)
        assert tf.get_collection(tf.GraphKeys.QUEUE_RUNNERS) == [qr]
        deq = target.dequeue()
        with tf.Session() as sess:
            sess.run(fill)
            sess.run(source.close())
            coord = tf.train.Coordinator()
            threads = tf.train.start_queue_runners(sess, coord)
            assert len(threads) == 3  # two enqueue threads and the close-on-stop one
            got = []
            with pytest.raises(tf.errors.OutOfRangeError):
                while True:
                    got.append(int(sess.run(deq)))
            coord.request_stop()
            coord.join(threads)
    assert sorted(got) == [2 * i for i in range(30)]


def test_queue_runner_stop_cancels_blocked_enqueues():
    with _graph().as_default():
        q = tf.FIFOQueue(2, tf.int32, shapes=[[]])
        qr = tf.train.QueueRunner(q, [q.enqueue([1])])
        with tf.Session() as sess:
            coord = tf.train.Coordinator()
            threads = qr.create_threads(sess, coord=coord, start=True)
            time.sleep(0.1)  # the queue fills, the enqueue thread blocks
            assert sess.run(q.size()) == 2
            coord.request_stop()
            coord.join(threads, stop_grace_period_secs=5)
            assert sess.run(q.is_closed())


def test_queue_runner_errors_reach_the_coordinator():
    with _graph().as_default():
        q = tf.FIFOQueue(2, tf.int32, shapes=[[2]])
        x = tf.placeholder_with_default(np.array([1, 2, 3], np.int32), [None])
        qr = tf.train.QueueRunner(q, [q.enqueue([x])])
        with tf.Session() as sess:
            coord = tf.train.Coordinator()
            threads = qr.create_threads(sess, coord=coord, start=True)
            with pytest.raises(tf.errors.InvalidArgumentError, match="Shape mismatch"):
                coord.join(threads, stop_grace_period_secs=5)


def _drain(sess, fetch):
    out = []
    try:
        while True:
            out.append(sess.run(fetch))
    except tf.errors.OutOfRangeError:
        pass
    return out


def test_limit_epochs_raises_after_the_last_epoch():
    with _graph().as_default():
        t = tf.train.limit_epochs(tf.constant([1, 2]), num_epochs=3)
        assert [v.op.name for v in tf.local_variables()] == ["limit_epochs/epochs"]
        with tf.Session() as sess:
            with pytest.raises(tf.errors.FailedPreconditionError):
                sess.run(t)  # the counter is a local variable
            sess.run(tf.local_variables_initializer())
            assert [v.tolist() for v in _drain(sess, t)] == [[1, 2]] * 3
            with pytest.raises(tf.errors.OutOfRangeError, match="Reached limit of 3"):
                sess.run(t)
            (epochs,) = tf.local_variables()
            assert sess.run(epochs) == 3  # the counter stays at the limit, as TF's
            assert epochs.dtype == tf.int64


def test_string_input_producer_in_order_for_num_epochs():
    with _graph().as_default():
        q = tf.train.string_input_producer(["a", "b", "c"], num_epochs=2, shuffle=False)
        name = q.dequeue()
        with tf.Session() as sess:
            sess.run(tf.local_variables_initializer())
            coord = tf.train.Coordinator()
            threads = tf.train.start_queue_runners(sess, coord)
            got = _drain(sess, name)
            coord.request_stop()
            coord.join(threads)
    assert got == [b"a", b"b", b"c", b"a", b"b", b"c"]


def test_range_input_producer_shuffles_each_epoch():
    with _graph().as_default():
        q = tf.train.range_input_producer(10, num_epochs=3, shuffle=True, seed=5)
        i = q.dequeue()
        with tf.Session() as sess:
            sess.run(tf.local_variables_initializer())
            coord = tf.train.Coordinator()
            threads = tf.train.start_queue_runners(sess, coord)
            got = [int(v) for v in _drain(sess, i)]
            coord.request_stop()
            coord.join(threads)
    assert len(got) == 30
    epochs = [got[k:k + 10] for k in (0, 10, 20)]
    assert all(sorted(e) == list(range(10)) for e in epochs)
    assert epochs[0] != list(range(10)) or epochs[1] != list(range(10))


def test_slice_input_producer_and_batch_keep_rows_together():
    data = np.arange(24, dtype=np.float32).reshape(12, 2)
    labels = np.arange(12, dtype=np.int64) * 10
    with _graph().as_default():
        x, y = tf.train.slice_input_producer([tf.constant(data), tf.constant(labels)],
                                             num_epochs=1, shuffle=False)
        bx, by = tf.train.batch([x, y], batch_size=5, allow_smaller_final_batch=True)
        assert bx.shape.as_list() == [None, 2] and by.shape.as_list() == [None]
        with tf.Session() as sess:
            sess.run(tf.local_variables_initializer())
            coord = tf.train.Coordinator()
            threads = tf.train.start_queue_runners(sess, coord)
            batches = _drain(sess, [bx, by])
            coord.request_stop()
            coord.join(threads)
    assert [len(b) for b, _ in batches] == [5, 5, 2]
    xs = np.concatenate([b for b, _ in batches])
    ys = np.concatenate([b for _, b in batches])
    np.testing.assert_array_equal(xs, data)  # one thread, no shuffle: in order
    np.testing.assert_array_equal(ys, labels)


def test_shuffle_batch_gives_every_example_once_per_epoch():
    data = np.arange(40, dtype=np.int32)
    with _graph().as_default():
        (v,) = tf.train.slice_input_producer([tf.constant(data)], num_epochs=2, seed=1)
        batch = tf.train.shuffle_batch({"v": v}, batch_size=8, capacity=30,
                                       min_after_dequeue=10, num_threads=2, seed=2)
        assert sorted(batch) == ["v"] and batch["v"].shape.as_list() == [8]
        with tf.Session() as sess:
            sess.run(tf.local_variables_initializer())
            coord = tf.train.Coordinator()
            threads = tf.train.start_queue_runners(sess, coord)
            got = np.concatenate([b["v"] for b in _drain(sess, batch)])
            coord.request_stop()
            coord.join(threads)
    assert sorted(got.tolist()) == sorted(data.tolist() * 2)


def test_batch_join_and_shuffle_batch_join_mix_their_inputs():
    with _graph().as_default():
        a = tf.train.limit_epochs(tf.constant([1, 2, 3]), num_epochs=2)
        b = tf.train.limit_epochs(tf.constant([10, 20, 30]), num_epochs=2)
        joined = tf.train.batch_join([[a], [b]], batch_size=3, enqueue_many=True,
                                     allow_smaller_final_batch=True)
        c = tf.train.limit_epochs(tf.constant([100, 200]), num_epochs=3)
        d = tf.train.limit_epochs(tf.constant([7, 8]), num_epochs=3)
        shuffled = tf.train.shuffle_batch_join([[c], [d]], batch_size=2, capacity=20,
                                               min_after_dequeue=2, enqueue_many=True, seed=3,
                                               allow_smaller_final_batch=True)
        with tf.Session() as sess:
            sess.run(tf.local_variables_initializer())
            coord = tf.train.Coordinator()
            threads = tf.train.start_queue_runners(sess, coord)
            got_joined = np.concatenate(_drain(sess, joined)).tolist()
            got_shuffled = np.concatenate(_drain(sess, shuffled)).tolist()
            coord.request_stop()
            coord.join(threads)
    assert sorted(got_joined) == sorted([1, 2, 3, 10, 20, 30] * 2)
    assert sorted(got_shuffled) == sorted([100, 200, 7, 8] * 3)


def test_random_shuffle_op():
    with _graph().as_default():
        x = tf.constant(np.arange(6).reshape(3, 2))
        s = tf.random_shuffle(x, seed=4)
        assert tf.random.shuffle is tf.random_shuffle
        with tf.Session() as sess:
            first = sess.run(s)
            second = sess.run(s)
        with tf.Session() as sess:
            again = sess.run(s)
    assert sorted(first.tolist()) == [[0, 1], [2, 3], [4, 5]]  # whole rows move
    np.testing.assert_array_equal(first, again)  # seeded: each session repeats
    assert sorted(second.tolist()) == [[0, 1], [2, 3], [4, 5]]


def test_queue_runners_round_trip_through_a_meta_graph():
    with _graph().as_default():
        x = tf.train.limit_epochs(tf.constant([1.0, 2.0, 3.0]), num_epochs=2)
        b = tf.train.batch([x], batch_size=2, enqueue_many=True, allow_smaller_final_batch=True)
        (qr,) = tf.get_collection(tf.GraphKeys.QUEUE_RUNNERS)
        proto = qr.to_proto()
        assert proto.queue_name == "batch/fifo_queue"
        assert list(proto.enqueue_op_name) == ["batch/fifo_queue_EnqueueMany"]
        assert proto.close_op_name == "batch/fifo_queue_Close"
        assert proto.cancel_op_name == "batch/fifo_queue_Close_1"
        assert list(proto.queue_closed_exception_types) == [11]  # OUT_OF_RANGE
        mg = tf.train.export_meta_graph()
        name = b.name
    with _graph().as_default() as g:
        tf.train.import_meta_graph(mg)
        (qr,) = tf.get_collection(tf.GraphKeys.QUEUE_RUNNERS)
        assert qr.name == "batch/fifo_queue" and qr.enqueue_ops[0].name == \
            "batch/fifo_queue_EnqueueMany"
        assert qr.queue_closed_exception_types == (tf.errors.OutOfRangeError,)
        with tf.Session() as sess:
            sess.run(tf.local_variables_initializer())
            coord = tf.train.Coordinator()
            threads = tf.train.start_queue_runners(sess, coord)
            got = np.concatenate(_drain(sess, g.as_graph_element(name))).tolist()
            coord.request_stop()
            coord.join(threads)
    assert sorted(got) == [1.0, 1.0, 2.0, 2.0, 3.0, 3.0]
