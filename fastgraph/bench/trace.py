"""`fastgraph-bench --trace DIR` (and `fastgraph-bench --models --trace DIR`):
the Chrome trace of one run of each workload (of each real model), written
as DIR/<name>.trace.json, instead of timing them.

Each trace is of a steady-state run: the session runs its fetch once
untraced (which compiles the plan), then once with
RunOptions(trace_level=FULL_TRACE); the RunMetadata's step_stats become
the Chrome trace through fastgraph.client.timeline, one event per executed
step of the plan (fused steps named after their main op and labelled with
all their op types). Open the file in chrome://tracing or
https://ui.perfetto.dev.
"""

import json
import os

import fastgraph
from fastgraph.client import timeline

from . import models
from .workloads import WORKLOADS

__all__ = ["traced_run", "write_trace", "trace_workload", "trace_model", "Traced"]


class Traced:
    """One written trace: its `path`, the number of step `events` in it, the
    run's `run_metadata` and the `session` that ran it."""

    def __init__(self, name, path, events, run_metadata, session):
        self.name = name
        self.path = path
        self.events = events
        self.run_metadata = run_metadata
        self.session = session

    def line(self):
        """How the command line reports it."""
        return f"{self.name}: {self.events} steps -> {self.path}"


def traced_run(session, fetches, feed_dict=None):
    """Runs `fetches` once untraced (compiling its plan), then once traced;
    returns (the traced run's values, its RunMetadata)."""
    session.run(fetches, feed_dict)
    meta = fastgraph.RunMetadata()
    full = fastgraph.RunOptions(trace_level=fastgraph.RunOptions.FULL_TRACE)
    out = session.run(fetches, feed_dict, options=full, run_metadata=meta)
    return out, meta


def write_trace(run_metadata, path):
    """Writes the Chrome trace of `run_metadata.step_stats` to `path`;
    returns the number of step events ("ph": "X") in it."""
    text = timeline.Timeline(run_metadata.step_stats).generate_chrome_trace_format()
    with open(path, "w") as f:
        f.write(text)
    return sum(1 for e in json.loads(text)["traceEvents"] if e.get("ph") == "X")


def trace_workload(name, directory):
    """Traces one run of workload `name` (bench.workloads) through
    `Session.run`; returns its Traced."""
    w = WORKLOADS[name]
    x = w.inputs()
    g = fastgraph.Graph()
    with g.as_default():
        ph = {n: fastgraph.placeholder(fastgraph.as_dtype(x[n].dtype), shape)
              for n, shape in w.feeds}
        out = w.graph(fastgraph, ph)
    sess = fastgraph.Session(graph=g)
    w.setup(fastgraph, sess)
    _, meta = traced_run(sess, out, {ph[n]: x[n] for n, _ in w.feeds})
    path = os.path.join(directory, f"{name}.trace.json")
    return Traced(name, path, write_trace(meta, path), meta, sess)


def trace_model(model, batch, directory, threads=2):
    """Traces one run of real model `model` (bench.models, built and
    frozen by TensorFlow once, then cached) on `batch` images; returns its
    Traced."""
    meta_info = models.ensure_built(model)
    g = fastgraph.Graph()
    with g.as_default():
        gd = fastgraph.GraphDef()
        with open(models._paths(model)["pb"], "rb") as f:
            gd.ParseFromString(f.read())
        fastgraph.import_graph_def(gd, name="")
    sess = fastgraph.Session(graph=g, config=fastgraph.ConfigProto(
        intra_op_parallelism_threads=threads))
    x = models._images(batch, meta_info.get("side", 224))
    _, meta = traced_run(sess, g.get_tensor_by_name(meta_info["output"]),
                         {g.get_tensor_by_name(meta_info["input"]): x})
    path = os.path.join(directory, f"{model}_b{batch}.trace.json")
    return Traced(f"{model} batch {batch}", path, write_trace(meta, path), meta, sess)
