"""fastgraph's run traces read by TensorFlow: RunMetadata bytes parse as TF's
config_pb2.RunMetadata, and TF's own timeline.Timeline turns their
step_stats into the Chrome trace fastgraph's timeline gives."""

import json

import numpy as np
import pytest

import fastgraph as fg
from fastgraph.client import timeline as fg_timeline

tf = pytest.importorskip("tensorflow")
from tensorflow.core.protobuf import config_pb2  # noqa: E402
from tensorflow.python.client import timeline as tf_timeline  # noqa: E402


def _traced_cnn():
    with fg.Graph().as_default():
        x = fg.placeholder(fg.float32, [None, 12, 12, 3])
        h = fg.layers.conv2d(x, 4, 3, padding="same", activation=fg.nn.relu)
        h = fg.layers.max_pooling2d(h, 2, 2)
        y = fg.nn.softmax(fg.layers.dense(fg.reshape(h, [-1, 6 * 6 * 4]), 5))
        with fg.Session() as sess:
            sess.run(fg.global_variables_initializer())
            meta = fg.RunMetadata()
            sess.run(y, {x: np.ones((2, 12, 12, 3), np.float32)},
                     options=fg.RunOptions(trace_level=fg.RunOptions.FULL_TRACE),
                     run_metadata=meta)
    return meta


def test_tensorflow_timeline_reads_fastgraph_step_stats():
    meta = _traced_cnn()
    theirs = config_pb2.RunMetadata.FromString(meta.SerializeToString())
    nodes = meta.step_stats.dev_stats[0].node_stats
    tf_nodes = theirs.step_stats.dev_stats[0].node_stats
    assert [n.node_name for n in tf_nodes] == [n.node_name for n in nodes]
    assert [n.all_start_micros for n in tf_nodes] == [n.all_start_micros for n in nodes]
    assert [n.thread_id for n in tf_nodes] == [n.thread_id for n in nodes]
    assert tf_nodes[-1].output[0].tensor_description.dtype == tf.float32.as_datatype_enum
    for show_memory in (False, True):
        tf_trace = json.loads(tf_timeline.Timeline(theirs.step_stats)
                              .generate_chrome_trace_format(show_memory=show_memory))
        fg_trace = json.loads(fg_timeline.Timeline(meta.step_stats)
                              .generate_chrome_trace_format(show_memory=show_memory))
        key = lambda e: (e["ts"], e["name"], e["args"]["name"])  # noqa: E731
        tf_ops = sorted((e for e in tf_trace["traceEvents"] if e["ph"] == "X"), key=key)
        fg_ops = sorted((e for e in fg_trace["traceEvents"] if e["ph"] == "X"), key=key)
        assert len(tf_ops) == len(nodes) == len(fg_ops)
        for a, b in zip(tf_ops, fg_ops):
            assert (a["name"], a["ts"], a["dur"], a["tid"], a["args"]) == \
                (b["name"], b["ts"], b["dur"], b["tid"], b["args"])
        tf_procs = {e["args"]["name"] for e in tf_trace["traceEvents"]
                    if e.get("name") == "process_name"}
        fg_procs = {e["args"]["name"] for e in fg_trace["traceEvents"]
                    if e.get("name") == "process_name"}
        assert fg_procs <= tf_procs


def test_tensorflow_run_metadata_parses_in_fastgraph():
    with tf.compat.v1.Graph().as_default():
        x = tf.compat.v1.placeholder(tf.float32, [3])
        y = tf.reduce_sum(x * 2.0)
        with tf.compat.v1.Session() as sess:
            meta = tf.compat.v1.RunMetadata()
            sess.run(y, {x: np.ones(3, np.float32)},
                     options=tf.compat.v1.RunOptions(
                         trace_level=tf.compat.v1.RunOptions.FULL_TRACE),
                     run_metadata=meta)
    ours = fg.RunMetadata.FromString(meta.SerializeToString())
    names = {n.node_name for d in ours.step_stats.dev_stats for n in d.node_stats}
    assert names
    trace = json.loads(fg_timeline.Timeline(ours.step_stats).generate_chrome_trace_format())
    assert any(e["ph"] == "X" for e in trace["traceEvents"])


def test_chrome_trace_of_a_real_model_has_one_event_per_step(tmp_path):
    # MobileNetV2 from tf-keras (random weights, small), frozen by TF and
    # imported: the trace of a steady-state run, written as fastgraph-bench
    # --models --trace writes it, has one event per plan step.
    import tf_keras
    from tensorflow.python.framework.convert_to_constants import \
        convert_variables_to_constants_v2

    from fastgraph.bench import trace as bench_trace
    from ..test_run_trace import _check_chrome_trace

    tf_keras.utils.set_random_seed(3)
    net = tf_keras.applications.MobileNetV2(weights=None, input_shape=(64, 64, 3), alpha=0.35,
                                            classifier_activation=None)
    fn = tf.function(lambda x: net(x, training=False))
    frozen = convert_variables_to_constants_v2(fn.get_concrete_function(
        tf.TensorSpec([None, 64, 64, 3], tf.float32)))
    images = np.random.default_rng(0).standard_normal((2, 64, 64, 3)).astype(np.float32)
    want = frozen(tf.constant(images))[0].numpy()
    g = fg.Graph()
    with g.as_default():
        fg.import_graph_def(fg.GraphDef.FromString(
            frozen.graph.as_graph_def().SerializeToString()), name="")
    x = g.get_tensor_by_name(frozen.inputs[0].name)
    y = g.get_tensor_by_name(frozen.outputs[0].name)
    with fg.Session(graph=g) as sess:
        out, meta = bench_trace.traced_run(sess, y, {x: images})
        native = list(sess._plan_cache.plans.values())[-1]
        path = str(tmp_path / "mobilenet_v2.trace.json")
        assert bench_trace.write_trace(meta, path) == len(native.plan.steps)
        steps = _check_chrome_trace(path, native.plan, g)
    np.testing.assert_allclose(out, want, rtol=1e-4, atol=1e-4 * np.abs(want).max())
    assert sum("Conv2D" in e["name"] or "DepthwiseConv2dNative" in e["name"]
               for e in steps) >= 20
    # TF's own timeline reads the same step stats.
    theirs = config_pb2.RunMetadata.FromString(meta.SerializeToString())
    tf_events = json.loads(tf_timeline.Timeline(theirs.step_stats)
                           .generate_chrome_trace_format())["traceEvents"]
    assert sum(e["ph"] == "X" for e in tf_events) == len(steps)
