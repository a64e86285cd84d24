"""Run traces (RunOptions(trace_level=FULL_TRACE) -> RunMetadata.step_stats),
their Chrome trace (fastgraph.client.timeline), fastgraph.profile and
fastgraph.visualize."""

import io
import json
import re

import numpy as np
import pytest

import fastgraph as tf
from fastgraph.client import timeline
from fastgraph.framework.step_stats_protos import RunMetadata, StepStats

FULL = tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE)


def _cnn():
    x = tf.placeholder(tf.float32, [None, 16, 16, 3], name="images")
    h = tf.layers.conv2d(x, 8, 3, padding="same", activation=tf.nn.relu)
    h = tf.layers.max_pooling2d(h, 2, 2)
    h = tf.layers.conv2d(h, 16, 3, padding="same", activation=tf.nn.relu)
    h = tf.reshape(h, [-1, 8 * 8 * 16])
    logits = tf.layers.dense(h, 10)
    return x, tf.nn.softmax(logits)


def _traced(sess, fetches, feed_dict=None):
    meta = tf.RunMetadata()
    out = sess.run(fetches, feed_dict, options=FULL, run_metadata=meta)
    return out, meta


def test_cnn_trace_has_one_node_per_step_with_sane_times():
    with tf.Graph().as_default():
        x, y = _cnn()
        batch = np.random.RandomState(0).rand(4, 16, 16, 3).astype(np.float32)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            plain = sess.run(y, {x: batch})
            out, meta = _traced(sess, y, {x: batch})
            np.testing.assert_array_equal(out, plain)
            # The traced run's plan is the untraced one's: same steps.
            native = list(sess._plan_cache.plans.values())[-1]  # after the initializer's
            kernels = native.kernels()
            assert kernels == native.plan.kernels()
    dev, = meta.step_stats.dev_stats
    nodes = list(dev.node_stats)
    assert dev.device.endswith("CPU:0")
    assert len(nodes) == len(kernels) > 3
    starts = [n.all_start_micros for n in nodes]
    assert starts == sorted(starts)
    assert all(n.all_end_rel_micros >= n.op_end_rel_micros >= n.op_start_rel_micros >= 0
               for n in nodes)
    assert all(n.op_end_rel_nanos >= 0 for n in nodes)
    # The whole run takes well under a minute; the steps follow each other.
    assert 0 <= starts[-1] - starts[0] < 60e6
    assert len({n.thread_id for n in nodes}) == 1 and nodes[0].thread_id != 0
    assert dev.thread_names[nodes[0].thread_id]
    labels = [n.timeline_label for n in nodes]
    assert all(re.fullmatch(r"(.*) = (.*)\((.*)\)", label) for label in labels)
    # conv + bias + relu run as one step that says so.
    assert any("Conv2D+" in label and "Relu" in label for label in labels)
    last = nodes[-1]
    assert last.output[0].tensor_description.shape.dim[0].size == 4
    assert last.output[0].tensor_description.allocation_description.requested_bytes == 4 * 10 * 4


def test_untraced_runs_record_nothing_and_metadata_round_trips():
    with tf.Graph().as_default():
        a = tf.placeholder(tf.float32, [3])
        b = a * 2.0 + 1.0
        with tf.Session() as sess:
            meta = tf.RunMetadata()
            sess.run(b, {a: np.ones(3, np.float32)}, run_metadata=meta)
            assert not meta.HasField("step_stats")
            sess.run(b, {a: np.ones(3, np.float32)},
                     options=tf.RunOptions(trace_level=tf.RunOptions.NO_TRACE),
                     run_metadata=meta)
            assert not meta.HasField("step_stats")
            _, meta = _traced(sess, b, {a: np.ones(3, np.float32)})
    again = RunMetadata.FromString(meta.SerializeToString())
    assert again.step_stats == meta.step_stats
    assert [n.node_name for n in again.step_stats.dev_stats[0].node_stats] == \
        [n.node_name for n in meta.step_stats.dev_stats[0].node_stats]


def test_staged_run_lists_host_ops_between_plans():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [4])
        s = tf.summary.scalar("loss", tf.reduce_mean(x * 3.0))
        total = tf.reduce_sum(x) + 1.0
        with tf.Session() as sess:
            (summary, value), meta = _traced(sess, [s, total], {x: np.arange(4, dtype=np.float32)})
    assert value == 7.0 and isinstance(summary, bytes)
    nodes = meta.step_stats.dev_stats[0].node_stats
    names = [n.node_name for n in nodes]
    assert any(n.node_name.startswith("loss") and "ScalarSummary" in n.timeline_label
               for n in nodes), names
    assert any("Sum" in n.timeline_label for n in nodes)


def _node_counts(meta):
    counts = {}
    for node in meta.step_stats.dev_stats[0].node_stats:
        counts[node.node_name] = counts.get(node.node_name, 0) + 1
    return counts


def test_while_loop_steps_are_traced_per_iteration():
    # TF's step stats list each node of a While's condition and body once
    # per time it ran: the condition n + 1 times, the body n times.
    with tf.Graph().as_default():
        n = tf.placeholder(tf.int32, [])
        _, acc = tf.while_loop(lambda i, a: i < n, lambda i, a: (i + 1, tf.sin(a) * 2.0),
                               [tf.constant(0), tf.constant(1.0)])
        with tf.Session() as sess:
            out, meta = _traced(sess, acc, {n: 5})
            plain = sess.run(acc, {n: 5})
    ref = 1.0
    for _ in range(5):
        ref = np.sin(np.float32(ref)) * np.float32(2.0)
    np.testing.assert_allclose(out, ref, rtol=1e-6)
    assert out == plain
    counts = _node_counts(meta)
    assert counts.get("while/Sin") == 5 and counts.get("while/Less") == 6, counts
    nodes = list(meta.step_stats.dev_stats[0].node_stats)
    loop = next(k for k, nd in enumerate(nodes) if nd.timeline_label.split(" = ")[1]
                .startswith("While"))
    # The loop's own entry comes first and spans every step it ran.
    start, end = nodes[loop].all_start_nanos, \
        nodes[loop].all_start_nanos + nodes[loop].all_end_rel_nanos
    inner = [nd for nd in nodes if nd.node_name in ("while/Sin", "while/Less")]
    assert all(start <= nd.all_start_nanos and
               nd.all_start_nanos + nd.all_end_rel_nanos <= end for nd in inner)
    assert [nd.all_start_nanos for nd in nodes] == sorted(nd.all_start_nanos for nd in nodes)


def test_nested_loop_and_cond_steps_are_traced():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [3])

        def outer(i, v):
            _, w = tf.while_loop(lambda j, w: j < 2, lambda j, w: (j + 1, w + 1.0),
                                 [tf.constant(0), v], name="inner")
            return i + 1, tf.cond(tf.reduce_sum(w) > 10.0, lambda: w * 0.5,
                                  lambda: w * 3.0, name="pick")

        _, y = tf.while_loop(lambda i, v: i < 3, outer, [tf.constant(0), x], name="outer")
        with tf.Session() as sess:
            out, meta = _traced(sess, y, {x: np.ones(3, np.float32)})
    ref = np.ones(3, np.float32)
    halves = thirds = 0
    for _ in range(3):
        ref = ref + 2.0
        if ref.sum() > 10.0:
            ref, halves = ref * 0.5, halves + 1
        else:
            ref, thirds = ref * 3.0, thirds + 1
    np.testing.assert_allclose(out, ref)
    counts = _node_counts(meta)
    inner_adds = [k for k in counts if k.startswith("outer/inner/add")]
    # The inner loop ran twice in each of the outer loop's three iterations.
    assert sum(counts[k] for k in inner_adds) >= 6, counts
    muls = {k: c for k, c in counts.items() if k.startswith("outer/pick/mul")}
    assert sorted(muls.values()) == sorted(c for c in (halves, thirds) if c), counts


def test_a_full_trace_keeps_its_first_records_and_counts_the_rest():
    from fastgraph.run_trace import RunTrace
    with tf.Graph().as_default():
        n = tf.placeholder(tf.int32, [])
        _, acc = tf.while_loop(lambda i, a: i < n, lambda i, a: (i + 1, a + 1.0),
                               [tf.constant(0), tf.constant(0.0)])
        with tf.Session() as sess:
            assert sess.run(acc, {n: 3}) == 3.0
            native = list(sess._plan_cache.plans.values())[-1]
            records = np.zeros((1 + 4, 4), np.int64)
            feeds = [np.array(50, np.int32)]
            out, = native.reserve().run(feeds, records)
            with pytest.raises(ValueError, match="contiguous int64"):
                native.reserve().run(feeds, np.zeros(8, np.int64))
    assert out == 50.0
    # 50 iterations of a condition and a body of at least one step each.
    assert records[0, 0] == 4 and records[0, 1] >= 100
    trace = RunTrace()
    trace.add_plan(native.plan, records)
    assert len(trace.nodes) == 4 and trace.dropped == records[0, 1]


def test_failing_run_still_fills_the_steps_it_ran():
    with tf.Graph().as_default():
        i = tf.placeholder(tf.int32, [2])
        table = tf.constant([1.0, 2.0, 3.0])
        out = tf.gather(table, i) * 2.0
        with tf.Session() as sess:
            meta = tf.RunMetadata()
            with pytest.raises(tf.errors.InvalidArgumentError):
                sess.run(out, {i: np.array([0, 7], np.int32)}, options=FULL, run_metadata=meta)
            sess.run(out, {i: np.array([0, 1], np.int32)})  # the plan still runs
    nodes = meta.step_stats.dev_stats[0].node_stats
    assert nodes and "GatherV2" in nodes[-1].timeline_label
    assert "mul" not in [n.node_name for n in nodes]


def test_chrome_trace_has_tf_keys():
    with tf.Graph().as_default():
        x, y = _cnn()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            _, meta = _traced(sess, y, {x: np.zeros((2, 16, 16, 3), np.float32)})
    n_nodes = len(meta.step_stats.dev_stats[0].node_stats)
    for source in (meta.step_stats, meta.step_stats.SerializeToString()):
        trace = json.loads(timeline.Timeline(source).generate_chrome_trace_format(
            show_memory=True))
        events = trace["traceEvents"]
        ops = [e for e in events if e["ph"] == "X"]
        assert len(ops) == n_nodes
        for e in ops:
            assert {"ph", "cat", "name", "pid", "tid", "ts", "dur", "args"} <= set(e)
            assert e["cat"] == "Op" and e["dur"] >= 0 and e["args"]["name"]
        names = {e["args"]["name"] for e in events if e["ph"] == "M"
                 and e["name"] == "process_name"}
        assert any(n.endswith("CPU:0 Compute") for n in names) and "Allocators" in names
        assert sum(e["ph"] == "s" for e in events) == sum(e["ph"] == "t" for e in events)
        assert any(e["ph"] == "C" for e in events)
    assert isinstance(StepStats.FromString(meta.step_stats.SerializeToString()), StepStats)


def test_profile_prints_the_per_op_table():
    with tf.Graph().as_default():
        x, y = _cnn()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            buf = io.StringIO()
            meta = tf.profile(y, {x: np.zeros((2, 16, 16, 3), np.float32)}, session=sess,
                              file=buf)
    text = buf.getvalue()
    lines = text.strip().splitlines()
    assert lines[0].split()[:3] == ["node", "op", "time"]
    assert len(lines) == len(meta.step_stats.dev_stats[0].node_stats) + 2
    assert lines[-1].startswith("total") and "100.0%" in lines[-1]
    # The dense layer's MatMul+BiasAdd has its FLOPs: 2 * batch * 1024 * 10 + batch * 10.
    matmul = [line for line in lines if " MatMul" in line]
    assert matmul and str(2 * 2 * 1024 * 10 + 2 * 10) in matmul[0].split(), text
    conv = [line for line in lines if line.startswith("conv2d/Conv2D ")]
    assert str(2 * 2 * 16 * 16 * 8 * 27 + 2 * (2 * 16 * 16 * 8)) in conv[0].split(), text


def test_profile_needs_a_session():
    with tf.Graph().as_default():
        c = tf.constant(1.0) + 1.0
        with pytest.raises(ValueError, match="session"):
            tf.profile(c)


def _well_formed_dot(text):
    assert text.startswith("digraph ") and text.rstrip().endswith("}")
    depth = 0
    in_string = False
    prev = ""
    for ch in text:
        if ch == '"' and prev != "\\":
            in_string = not in_string
        elif not in_string:
            depth += ch == "{"
            depth -= ch == "}"
            assert depth >= 0
        prev = ch if not (prev == "\\" and ch == "\\") else ""
    assert depth == 0 and not in_string
    for line in text.splitlines()[1:-1]:
        assert line.rstrip().endswith(";"), line


def test_visualize_graph_and_plan(tmp_path):
    with tf.Graph().as_default() as g:
        x, y = _cnn()
        dot = tf.visualize(g, tmp_path / "graph.dot")
        _well_formed_dot(dot)
        assert (tmp_path / "graph.dot").read_text() == dot
        assert "Conv2D" in dot and "MatMul" in dot
        plan_dot = tf.visualize(y, tmp_path / "plan.dot",
                                feed_dict={x: np.zeros((2, 16, 16, 3), np.float32)})
        _well_formed_dot(plan_dot)
        assert "ops fused" in plan_dot and "arena@" in plan_dot
        # Without Graphviz an .svg path gets the DOT text beside it.
        tf.visualize(g, tmp_path / "graph.svg")
        assert (tmp_path / "graph.svg").exists() or (tmp_path / "graph.dot").exists()


def _check_chrome_trace(path, plan, graph):
    """The trace at `path` is trace-event JSON with one complete event per
    step of `plan`, in order, named after the steps' ops and op types."""
    with open(path) as f:
        trace = json.load(f)
    events = trace["traceEvents"]
    steps = [e for e in events if e["ph"] == "X"]
    assert len(steps) == len(plan.steps) > 3
    names = {op.name for op in graph.get_operations()}
    for e, step in zip(sorted(steps, key=lambda e: e["ts"]), plan.steps):
        assert {"ph", "cat", "name", "pid", "tid", "ts", "dur", "args"} <= set(e)
        assert isinstance(e["ts"], int) and e["dur"] >= 0
        assert e["args"]["name"] == step.op.name and e["args"]["name"] in names
        assert e["name"] == e["args"]["op"] == "+".join(op.type for op in step.ops)
    pids = {e["pid"] for e in steps}
    assert any(e["ph"] == "M" and e["pid"] in pids and e["args"]["name"].endswith("Compute")
               for e in events)
    return steps


def test_bench_trace_of_a_conv_workload(tmp_path):
    from fastgraph.bench import trace as bench_trace
    from fastgraph.bench.__main__ import main

    assert main(["--trace", str(tmp_path), "--workload", "cnn_b32",
                 "--workload", "copyto_4M"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cnn_b32.trace.json"]
    traced = bench_trace.trace_workload("cnn_b32", str(tmp_path))
    with traced.session:
        native = list(traced.session._plan_cache.plans.values())[-1]
        steps = _check_chrome_trace(traced.path, native.plan, traced.session.graph)
    assert len(steps) == traced.events
    assert any(e["name"].startswith("Conv2D") for e in steps)
    assert traced.line().startswith(f"cnn_b32: {len(steps)} steps -> ")


def test_make_callable_with_options_traces_its_runs():
    with tf.Graph().as_default():
        x, y = _cnn()
        batch = np.random.RandomState(2).rand(3, 16, 16, 3).astype(np.float32)
        loss = tf.summary.scalar("loss", tf.reduce_mean(y))
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            want, run_meta = _traced(sess, y, {x: batch})
            call = sess.make_callable(y, [x], accept_options=True)
            np.testing.assert_array_equal(call(batch), want)  # untraced, then its fast path
            np.testing.assert_array_equal(call(batch), want)
            meta = tf.RunMetadata()
            np.testing.assert_array_equal(call(batch, options=FULL, run_metadata=meta), want)
            untraced = tf.RunMetadata()
            call(batch, run_metadata=untraced)
            assert not untraced.HasField("step_stats")
            staged = sess.make_callable([loss, y], [x], accept_options=True)
            staged_meta = tf.RunMetadata()
            summary, value = staged(batch, options=FULL, run_metadata=staged_meta)
            plain = sess.make_callable(y, [x])
            with pytest.raises(TypeError):
                plain(batch, options=FULL, run_metadata=tf.RunMetadata())
    names = [n.node_name for n in meta.step_stats.dev_stats[0].node_stats]
    assert names == [n.node_name for n in run_meta.step_stats.dev_stats[0].node_stats]
    assert len(names) > 3
    assert isinstance(summary, bytes)
    np.testing.assert_array_equal(value, want)
    labels = [n.timeline_label for n in staged_meta.step_stats.dev_stats[0].node_stats]
    assert any("ScalarSummary" in label for label in labels)
    assert any("Conv2D" in label for label in labels)
