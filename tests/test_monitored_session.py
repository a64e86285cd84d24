"""tf.train's monitored sessions and session run hooks: a training loop of
least squares (whose gradient steps are computed here with NumPy) that
stops at a step, checkpoints and restores on re-entry, calls hooks in TF's
order with their own results, and stops or fails as TF does."""

import json
import logging
import os

import numpy as np
import pytest

import fastgraph as tf

X = np.array([[1.0, 2.0], [3.0, 4.0], [0.5, -1.0]], np.float32)
Y = np.array([[1.0], [2.0], [0.0]], np.float32)
LR = 0.05


def _numpy_losses(steps, w=None):
    """The loss before each of `steps` gradient descent steps, and the final w."""
    w = np.zeros((2, 1), np.float64) if w is None else w.copy()
    losses = []
    for _ in range(steps):
        r = X.astype(np.float64) @ w - Y
        losses.append(float(np.mean(r ** 2)))
        w -= LR * 2.0 * X.T.astype(np.float64) @ r / r.size
    return losses, w


def _model(summaries=True):
    gs = tf.train.get_or_create_global_step()
    w = tf.Variable(tf.zeros([2, 1]), name="w")
    loss = tf.reduce_mean(tf.square(tf.matmul(tf.constant(X), w) - tf.constant(Y)))
    if summaries:
        tf.summary.scalar("loss", loss)
    train = tf.train.GradientDescentOptimizer(LR).minimize(loss, global_step=gs)
    return gs, w, loss, train


class Recorder(tf.train.SessionRunHook):
    """Records each call, and what it was given."""

    def __init__(self, name, log, fetch=None):
        self.name, self.log, self.fetch = name, log, fetch

    def begin(self):
        self.log.append((self.name, "begin"))

    def after_create_session(self, session, coord):
        assert isinstance(coord, tf.train.Coordinator)
        self.log.append((self.name, "after_create_session"))

    def before_run(self, run_context):
        self.log.append((self.name, "before_run"))
        return tf.train.SessionRunArgs(self.fetch) if self.fetch is not None else None

    def after_run(self, run_context, run_values):
        self.log.append((self.name, "after_run", run_values.results))

    def end(self, session):
        self.log.append((self.name, "end"))


def test_loop_stops_at_step_and_matches_numpy(tmp_path):
    with tf.Graph().as_default():
        gs, w, loss, train = _model()
        got = []
        with tf.train.MonitoredTrainingSession(
                checkpoint_dir=str(tmp_path), save_checkpoint_steps=3, save_summaries_steps=2,
                hooks=[tf.train.StopAtStepHook(last_step=7)]) as sess:
            while not sess.should_stop():
                got.append(sess.run([loss, train])[0])
        assert sess.should_stop()
    want, _ = _numpy_losses(7)
    np.testing.assert_allclose(got, want, rtol=1e-5)
    names = set(os.listdir(tmp_path))
    # On create (step 0), every 3 steps, and at the end (step 7).
    for step in (0, 3, 6, 7):
        assert {f"model.ckpt-{step}.index", f"model.ckpt-{step}.meta",
                f"model.ckpt-{step}.data-00000-of-00001"} <= names
    assert "graph.pbtxt" in names and "checkpoint" in names
    assert tf.train.latest_checkpoint(str(tmp_path)).endswith("model.ckpt-7")


def test_reentry_restores_the_latest_checkpoint(tmp_path):
    for last in (4, 9):
        with tf.Graph().as_default():
            gs, w, loss, train = _model()
            losses = []
            with tf.train.MonitoredTrainingSession(
                    checkpoint_dir=str(tmp_path), save_checkpoint_steps=100,
                    hooks=[tf.train.StopAtStepHook(last_step=last)]) as sess:
                first_step = sess.run(gs)
                while not sess.should_stop():
                    losses.append(sess.run([loss, train])[0])
        if last == 4:
            assert first_step == 0 and len(losses) == 4
        else:
            assert first_step == 4 and len(losses) == 5  # resumed, not restarted
    want, w_end = _numpy_losses(9)
    np.testing.assert_allclose(losses, want[4:], rtol=1e-5)
    np.testing.assert_allclose(tf.train.load_variable(str(tmp_path), "w"), w_end, rtol=1e-5)
    assert tf.train.load_variable(str(tmp_path), "global_step") == 9


def test_hooks_are_called_in_tensorflows_order_with_their_results():
    log = []
    with tf.Graph().as_default():
        gs, w, loss, train = _model(summaries=False)
        a = Recorder("a", log, fetch=gs)
        b = Recorder("b", log)
        c = Recorder("c", log, fetch={"w": w})
        with tf.train.MonitoredSession(hooks=[a, b, c]) as sess:
            out0 = sess.run(loss)
            out = sess.run(train)
            out2 = sess.run(loss)
    assert out is None
    losses, w1 = _numpy_losses(2)
    np.testing.assert_allclose([out0, out2], losses, rtol=1e-5)
    names = [entry[:2] for entry in log]
    assert names == [("a", "begin"), ("b", "begin"), ("c", "begin"),
                     ("a", "after_create_session"), ("b", "after_create_session"),
                     ("c", "after_create_session"),
                     ("a", "before_run"), ("b", "before_run"), ("c", "before_run"),
                     ("a", "after_run"), ("b", "after_run"), ("c", "after_run"),
                     ("a", "before_run"), ("b", "before_run"), ("c", "before_run"),
                     ("a", "after_run"), ("b", "after_run"), ("c", "after_run"),
                     ("a", "before_run"), ("b", "before_run"), ("c", "before_run"),
                     ("a", "after_run"), ("b", "after_run"), ("c", "after_run"),
                     ("a", "end"), ("b", "end"), ("c", "end")]
    # a fetched the global step (0 before the train run, 1 after it; the
    # value read by the train run itself is unordered with its increment);
    # b fetched nothing; c's dict of w came back as a dict.
    a_results = [e[2] for e in log if e[:2] == ("a", "after_run")]
    assert [a_results[0], a_results[2]] == [0, 1]
    assert [e[2] for e in log if e[:2] == ("b", "after_run")] == [None, None, None]
    c_results = [e[2] for e in log if e[:2] == ("c", "after_run")]
    _, w_one = _numpy_losses(1)
    np.testing.assert_allclose(c_results[2]["w"], w_one, rtol=1e-5)
    np.testing.assert_array_equal(c_results[0]["w"], np.zeros((2, 1)))


def test_nan_loss_raises_or_stops():
    with tf.Graph().as_default():
        tf.train.get_or_create_global_step()
        bad = tf.constant(np.nan) * tf.Variable(1.0)
        with pytest.raises(tf.train.NanLossDuringTrainingError, match="NaN loss during training"):
            with tf.train.MonitoredSession(hooks=[tf.train.NanTensorHook(bad)]) as sess:
                sess.run(bad)
        with tf.train.MonitoredSession(
                hooks=[tf.train.NanTensorHook(bad, fail_on_nan_loss=False)]) as sess:
            sess.run(bad)
            assert sess.should_stop()
            with pytest.raises(RuntimeError, match="Run called even after should_stop"):
                sess.run(bad)


def test_out_of_range_ends_the_loop_and_ends_the_hooks():
    log = []
    with tf.Graph().as_default():
        tf.train.get_or_create_global_step()
        it = tf.compat.v1.data.make_one_shot_iterator(tf.data.Dataset.range(3))
        nxt = it.get_next()
        seen = []
        with tf.train.MonitoredSession(hooks=[Recorder("r", log)]) as sess:
            while not sess.should_stop():
                seen.append(int(sess.run(nxt)))
    assert seen == [0, 1, 2]
    assert log[-1] == ("r", "end")


def test_other_errors_propagate_and_skip_end():
    log = []
    with tf.Graph().as_default():
        tf.train.get_or_create_global_step()
        p = tf.compat.v1.placeholder(tf.float32, [2])
        double = p * 2
        with pytest.raises(ValueError):
            with tf.train.MonitoredSession(hooks=[Recorder("r", log)]) as sess:
                sess.run(double, {p: [1.0, 2.0]})
                raise ValueError("user error")
    assert ("r", "end") not in [e[:2] for e in log]


def test_graph_is_finalized_inside_and_opened_after():
    with tf.Graph().as_default() as g:
        _model(summaries=False)
        with tf.train.SingularMonitoredSession() as sess:
            assert g.finalized
            with pytest.raises(RuntimeError):
                tf.constant(1.0)
            assert isinstance(sess.raw_session(), tf.Session)
            assert sess.graph is g
        assert not g.finalized
        # The scaffold's ops went to their collections.
        assert len(g.get_collection(tf.GraphKeys.SAVERS)) == 1
        assert len(g.get_collection(tf.GraphKeys.READY_OP)) == 1


def test_run_step_fn_and_request_stop():
    with tf.Graph().as_default():
        gs, w, loss, train = _model(summaries=False)
        calls = []

        def step_fn(step_context):
            calls.append(step_context.session.run(gs))  # no hooks, no training
            value = step_context.run_with_hooks([loss, train])[0]
            if len(calls) == 3:
                step_context.request_stop()
            return value

        with tf.train.MonitoredSession() as sess:
            results = []
            while not sess.should_stop():
                results.append(sess.run_step_fn(step_fn))
            with pytest.raises(ValueError, match="`step_fn` may either have one"):
                sess.run_step_fn(lambda a, b: None)
    assert calls == [0, 1, 2] and len(results) == 2  # the third raised StopIteration
    np.testing.assert_allclose(results, _numpy_losses(2)[0], rtol=1e-5)


def test_feed_fn_hook_and_feed_conflicts():
    with tf.Graph().as_default():
        tf.train.get_or_create_global_step()
        p = tf.compat.v1.placeholder(tf.float32, [])
        q = tf.compat.v1.placeholder(tf.float32, [])
        double, total = p * 2, p + q
        with tf.train.MonitoredSession(hooks=[tf.train.FeedFnHook(lambda: {p: 3.0})]) as sess:
            assert sess.run(double) == 6.0
            assert sess.run(total, {q: 1.0}) == 4.0
            with pytest.raises(RuntimeError, match="Same tensor is fed by a SessionRunHook "
                                                   "and user. Conflict"):
                sess.run(p, {p: 1.0})


def test_final_ops_hook():
    with tf.Graph().as_default():
        gs, w, loss, train = _model(summaries=False)
        hook = tf.train.FinalOpsHook(loss)
        with tf.train.MonitoredSession(hooks=[hook]) as sess:
            for _ in range(3):
                sess.run(train)
            assert hook.final_ops_values is None
    losses, _ = _numpy_losses(4)
    np.testing.assert_allclose(hook.final_ops_values, losses[3], rtol=1e-5)


def test_logging_tensor_hook(caplog):
    with tf.Graph().as_default():
        gs, w, loss, train = _model(summaries=False)
        hook = tf.train.LoggingTensorHook({"w_sum": tf.reduce_sum(w), "loss": loss},
                                          every_n_iter=2)
        with caplog.at_level(logging.INFO, logger="fastgraph"):
            with tf.train.MonitoredSession(hooks=[hook]) as sess:
                for _ in range(5):
                    sess.run(train)
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("loss = ")]
    assert len(lines) == 3  # iterations 0, 2 and 4
    losses, _ = _numpy_losses(5)
    # Sorted tags, values as str() prints them; no time on the first line.
    assert lines[0] == "loss = %s, w_sum = 0.0" % np.float32(losses[0])
    head, _, tail = lines[1].partition(", w_sum = ")
    np.testing.assert_allclose(float(head[len("loss = "):]), losses[2], rtol=1e-5)
    assert tail.endswith(" sec)")
    with pytest.raises(ValueError, match="exactly one of every_n_iter and every_n_secs"):
        tf.train.LoggingTensorHook([loss])


def test_summary_and_step_counter_hooks_write_events(tmp_path):
    with tf.Graph().as_default():
        gs, w, loss, train = _model()
        with tf.train.MonitoredTrainingSession(
                checkpoint_dir=str(tmp_path), save_summaries_steps=2, log_step_count_steps=2,
                save_checkpoint_secs=None,
                hooks=[tf.train.StopAtStepHook(num_steps=6)]) as sess:
            while not sess.should_stop():
                sess.run(train)
    tf.summary.FileWriterCache.clear()
    events = [e for f in sorted(os.listdir(tmp_path)) if f.startswith("events.")
              for e in tf.train.summary_iterator(str(tmp_path / f))]
    loss_steps = [e.step for e in events for v in e.summary.value if v.tag == "loss"]
    rate_steps = [e.step for e in events for v in e.summary.value if v.tag == "global_step/sec"]
    # The summary of a run is written at the step after it ran.
    assert loss_steps == [1, 3, 5]
    assert rate_steps == [3, 5]
    losses, _ = _numpy_losses(5)
    written = [v.simple_value for e in events for v in e.summary.value if v.tag == "loss"]
    np.testing.assert_allclose(written, [losses[0], losses[2], losses[4]], rtol=1e-5)
    assert not any(f.startswith("model.ckpt") for f in os.listdir(tmp_path))


def test_checkpoint_saver_hook_listener_order_and_stop(tmp_path):
    calls = []

    class Listener(tf.train.CheckpointSaverListener):
        def begin(self):
            calls.append("begin")

        def before_save(self, session, step):
            calls.append(("before", step))

        def after_save(self, session, step):
            calls.append(("after", step))
            return step >= 4

        def end(self, session, step):
            calls.append(("end", step))

    with tf.Graph().as_default():
        gs, w, loss, train = _model(summaries=False)
        hook = tf.train.CheckpointSaverHook(str(tmp_path), save_steps=2, listeners=[Listener()],
                                            saver=tf.train.Saver())
        steps = 0
        with tf.train.MonitoredSession(hooks=[hook]) as sess:
            while not sess.should_stop():
                sess.run(train)
                steps += 1
    assert steps == 4
    assert calls == ["begin", ("before", 0), ("after", 0), ("before", 2), ("after", 2),
                     ("before", 4), ("after", 4), ("end", 4)]
    with pytest.raises(ValueError, match="You cannot provide both saver and scaffold."):
        tf.train.CheckpointSaverHook(str(tmp_path), save_steps=1, saver=object(),
                                     scaffold=tf.train.Scaffold())


def test_profiler_hook_writes_chrome_traces(tmp_path):
    with tf.Graph().as_default():
        gs, w, loss, train = _model(summaries=False)
        hook = tf.train.ProfilerHook(save_steps=2, output_dir=str(tmp_path))
        with tf.train.MonitoredSession(hooks=[hook]) as sess:
            for _ in range(5):
                sess.run(train)
    tf.summary.FileWriterCache.clear()
    traces = sorted(f for f in os.listdir(tmp_path) if f.startswith("timeline-"))
    # The first run starts the timer at step 0; the runs that start at
    # steps 2 and 4 (a step past the last trace, every 2) are traced.
    assert traces == ["timeline-2.json", "timeline-4.json"]
    events = json.loads((tmp_path / "timeline-2.json").read_text())["traceEvents"]
    assert any(e.get("ph") == "X" for e in events)  # the steps of a traced run


def test_second_or_step_timer():
    t = tf.train.SecondOrStepTimer(every_steps=3)
    assert t.should_trigger_for_step(0)
    assert t.update_last_triggered_step(0) == (None, None)
    assert not t.should_trigger_for_step(0) and not t.should_trigger_for_step(2)
    assert t.should_trigger_for_step(3)
    secs, steps = t.update_last_triggered_step(4)
    assert steps == 4 and secs >= 0 and t.last_triggered_step() == 4
    with pytest.raises(ValueError, match="Either every_secs or every_steps should be provided."):
        tf.train.SecondOrStepTimer()
    with pytest.raises(ValueError, match="Can not provide both every_secs and every_steps."):
        tf.train.SecondOrStepTimer(1, 1)


def test_hooks_need_a_global_step():
    with tf.Graph().as_default():
        tf.Variable(1.0)
        with pytest.raises(RuntimeError, match="Global step should be created to use "
                                               "StopAtStepHook."):
            tf.train.MonitoredSession(hooks=[tf.train.StopAtStepHook(num_steps=1)])
    with pytest.raises(ValueError, match="One of num_steps or last_step must be specified."):
        tf.train.StopAtStepHook()


def test_session_manager():
    with tf.Graph().as_default() as g:
        v = tf.Variable(2.0, name="v")
        ready = tf.report_uninitialized_variables()
        sm = tf.train.SessionManager(ready_op=ready, graph=g, recovery_wait_secs=0)
        with pytest.raises(RuntimeError, match="Model is not initialized and no init_op"):
            sm.prepare_session("")
        with pytest.raises(RuntimeError, match="Init operations did not make model ready.*"
                                               "Variables not initialized: v"):
            sm.prepare_session("", init_op=tf.no_op())
        sess = sm.prepare_session("", init_op=tf.global_variables_initializer())
        assert sess.run(v) == 2.0
        sess.close()
        with pytest.raises(tf.errors.DeadlineExceededError, match="Session was not ready"):
            sm.wait_for_session("", max_wait_secs=0)
        with pytest.raises(ValueError, match="If you pass a ready_for_local_init_op"):
            tf.train.SessionManager(ready_for_local_init_op=ready)


def test_scaffold_init_fn_and_collections():
    with tf.Graph().as_default():
        gs, w, loss, train = _model(summaries=False)
        seen = []
        set_w = w.assign([[1.0], [2.0]])

        def init_fn(scaffold, session):
            seen.append(scaffold)
            session.run(set_w)

        scaffold = tf.train.Scaffold(init_fn=init_fn)
        with tf.train.MonitoredSession(
                session_creator=tf.train.ChiefSessionCreator(scaffold=scaffold)) as sess:
            np.testing.assert_array_equal(sess.run(w), [[1.0], [2.0]])
        assert seen == [scaffold] and scaffold.summary_op is None
        assert tf.train.piecewise_constant_decay is tf.train.piecewise_constant
