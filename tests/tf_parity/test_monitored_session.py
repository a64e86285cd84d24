"""One TF1 training program under TensorFlow and under fastgraph:
MonitoredTrainingSession with a checkpoint directory, hooks and a second
session that resumes from the checkpoint. The losses, the hooks' calls and
the results of their own fetches, the checkpoint files and the summaries
written must be the same."""

import collections
import os

import numpy as np
import pytest

import fastgraph as fg

tf = pytest.importorskip("tensorflow")

X = np.array([[1.0, 2.0], [3.0, 4.0], [0.5, -1.0]], np.float32)
Y = np.array([[1.0], [2.0], [0.0]], np.float32)


def _recorder(v1, name, log, fetch=None):
    class Recorder(v1.train.SessionRunHook):
        def begin(self):
            log.append((name, "begin"))

        def after_create_session(self, session, coord):
            log.append((name, "after_create_session"))

        def before_run(self, run_context):
            log.append((name, "before_run"))
            return v1.train.SessionRunArgs(fetch() if fetch else None)

        def after_run(self, run_context, run_values):
            res = run_values.results
            log.append((name, "after_run", None if res is None else
                        {k: np.asarray(v).tolist() for k, v in res.items()}))

        def end(self, session):
            log.append((name, "end"))
    return Recorder()


def _program(api, ckpt_dir, last_steps=(4, 7)):
    v1 = api.compat.v1
    log, losses, first_steps = [], [], []
    for last in last_steps:
        with api.Graph().as_default():
            gs = v1.train.get_or_create_global_step()
            w = v1.get_variable("w", [2, 1], initializer=v1.zeros_initializer())
            loss = v1.reduce_mean(v1.square(v1.matmul(api.constant(X), w) - api.constant(Y)))
            v1.summary.scalar("loss", loss)
            train = v1.train.MomentumOptimizer(0.05, 0.9).minimize(loss, global_step=gs)
            w_sum = v1.reduce_sum(w)
            hooks = [v1.train.StopAtStepHook(last_step=last),
                     _recorder(v1, "r", log, fetch=lambda: {"w_sum": w_sum})]
            final = v1.train.FinalOpsHook(w_sum)
            with v1.train.MonitoredTrainingSession(
                    checkpoint_dir=ckpt_dir, save_checkpoint_steps=3, save_summaries_steps=2,
                    log_step_count_steps=None, hooks=hooks, chief_only_hooks=[final]) as sess:
                first_steps.append(int(sess.run(gs)))
                while not sess.should_stop():
                    losses.append(float(sess.run([loss, train])[0]))
            log.append(("final", float(final.final_ops_values)))
    return log, losses, first_steps


def _events(api, d):
    out = collections.defaultdict(list)
    for f in sorted(os.listdir(d)):
        if f.startswith("events."):
            for e in api.compat.v1.train.summary_iterator(os.path.join(d, f)):
                for v in e.summary.value:
                    out[v.tag].append((e.step, round(v.simple_value, 5)))
                if e.HasField("session_log"):
                    out["session_log"].append((e.step, e.session_log.status))
    return dict(out)


def test_training_program_agrees(tmp_path, tf_graph_mode):
    ours = _program(fg, str(tmp_path / "fg"))
    fg.summary.FileWriterCache.clear()
    theirs = _program(tf, str(tmp_path / "tf"))
    tf.compat.v1.summary.FileWriterCache.clear()
    (log_a, losses_a, first_a), (log_b, losses_b, first_b) = ours, theirs
    assert first_a == first_b == [0, 4]
    np.testing.assert_allclose(losses_a, losses_b, rtol=1e-5)
    assert [e[:2] for e in log_a] == [e[:2] for e in log_b]
    for a, b in zip(log_a, log_b):
        if a[0] == "final":
            np.testing.assert_allclose(a[1], b[1], rtol=1e-5)
        elif len(a) == 3 and a[2] is not None:
            np.testing.assert_allclose(a[2]["w_sum"], b[2]["w_sum"], rtol=1e-5, atol=1e-7)
    files = lambda d: sorted(f for f in os.listdir(d) if not f.startswith("events."))  # noqa
    assert files(tmp_path / "fg") == files(tmp_path / "tf")
    ev_a, ev_b = _events(fg, str(tmp_path / "fg")), _events(tf, str(tmp_path / "tf"))
    assert sorted(ev_a) == sorted(ev_b)
    assert ev_a["session_log"] == ev_b["session_log"]
    assert [s for s, _ in ev_a["loss"]] == [s for s, _ in ev_b["loss"]]
    np.testing.assert_allclose([v for _, v in ev_a["loss"]], [v for _, v in ev_b["loss"]],
                               rtol=1e-4)
    # Each side's checkpoint restores in the other's reader.
    for d in ("fg", "tf"):
        np.testing.assert_allclose(
            fg.train.load_variable(str(tmp_path / d), "w"),
            tf.train.load_variable(str(tmp_path / d), "w"), rtol=0)
    np.testing.assert_allclose(fg.train.load_variable(str(tmp_path / "fg"), "w"),
                               tf.train.load_variable(str(tmp_path / "tf"), "w"), rtol=1e-5)


def test_nan_hook_and_out_of_range_agree(tf_graph_mode):
    def run(api):
        v1 = api.compat.v1
        out = []
        with api.Graph().as_default():
            v1.train.get_or_create_global_step()
            nxt = v1.data.make_one_shot_iterator(
                v1.data.Dataset.from_tensor_slices(np.array([1.0, 2.0, np.nan]))).get_next()
            try:
                with v1.train.MonitoredSession(hooks=[v1.train.NanTensorHook(nxt)]) as sess:
                    while not sess.should_stop():
                        out.append(float(sess.run(nxt)))
            except v1.train.NanLossDuringTrainingError as e:
                out.append(str(e))
        with api.Graph().as_default():
            v1.train.get_or_create_global_step()
            nxt = v1.data.make_one_shot_iterator(v1.data.Dataset.range(3)).get_next()
            with v1.train.MonitoredSession() as sess:
                while not sess.should_stop():
                    out.append(int(sess.run(nxt)))
            out.append(sess.should_stop())
        return out
    assert run(fg) == run(tf) == [1.0, 2.0, "NaN loss during training.", 0, 1, 2, True]
