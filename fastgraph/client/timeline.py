"""Timeline visualization of a run's trace, as TensorFlow's
`tensorflow/python/client/timeline.py`.

`Timeline(run_metadata.step_stats).generate_chrome_trace_format()` gives
the JSON that Chrome's trace viewer (chrome://tracing) and Perfetto open:
`traceEvents` with one process per device (named "<device> Compute"), a
complete event (`ph` "X") per executed node on the thread that ran it,
each on the first lane (`tid`) free when it starts, as TF lays them out,
flow arrows from a tensor's producer to its readers on other lanes
(`show_dataflow`),
and, with `show_memory`, a process of allocator counters.
"""

import json
import re

from ..framework.step_stats_protos import StepStats

__all__ = ["Timeline", "AllocationMaximum", "StepStatsAnalysis"]

# TF's timeline_label: "name = Op(input, input)".
_LABEL = re.compile(r"(.*) = (.*)\((.*)\)")


class AllocationMaximum:
    """The most bytes an allocator held during a step, when, and the tensors then live."""

    def __init__(self, timestamp, num_bytes, tensors):
        self.timestamp = timestamp
        self.num_bytes = num_bytes
        self.tensors = tensors


class StepStatsAnalysis:
    """What `Timeline.analyze_step_stats` finds: the Chrome trace and, per
    allocator, its AllocationMaximum."""

    def __init__(self, chrome_trace, allocator_maximums):
        self.chrome_trace = chrome_trace
        self.allocator_maximums = allocator_maximums


class _ChromeTrace:
    """Chrome trace events, built up and dumped as JSON."""

    def __init__(self):
        self.metadata = []
        self.events = []

    def process(self, name, pid):
        self.metadata.append({"name": "process_name", "ph": "M", "pid": pid,
                              "args": {"name": name}})

    def thread(self, name, pid, tid):
        self.metadata.append({"name": "thread_name", "ph": "M", "pid": pid, "tid": tid,
                              "args": {"name": name}})

    def complete(self, category, name, pid, tid, ts, dur, args):
        self.events.append({"ph": "X", "cat": category, "name": name, "pid": pid, "tid": tid,
                            "ts": ts, "dur": dur, "args": args})

    def flow(self, phase, name, pid, tid, ts, flow_id):
        event = {"ph": phase, "cat": "DataFlow", "name": name, "pid": pid, "tid": tid,
                 "ts": ts, "id": flow_id}
        if phase == "t":
            event["bp"] = "e"
        self.events.append(event)

    def counter(self, category, name, pid, ts, counter, value):
        self.events.append({"ph": "C", "cat": category, "name": name, "pid": pid, "ts": ts,
                            "args": {counter: value}})

    def format_to_string(self, pretty=False):
        trace = {"traceEvents": self.metadata + self.events}
        return json.dumps(trace, indent=4 if pretty else None, separators=None if pretty
                          else (",", ":"))


def _as_step_stats(step_stats):
    if isinstance(step_stats, (bytes, bytearray, memoryview)):
        return StepStats.FromString(bytes(step_stats))
    return step_stats


def _parse_label(node):
    """(op type, [input names]) of a node, from its timeline label."""
    m = _LABEL.match(node.timeline_label or "")
    if m is None:
        return node.node_name, []
    ins = [s.strip() for s in m.group(3).split(",") if s.strip()]
    return m.group(2), ins


class Timeline:
    """A class for visualizing execution timelines of TensorFlow steps."""

    def __init__(self, step_stats, graph=None):
        """Constructs a new Timeline.

        Args:
          step_stats: The 'step_stats' field of a RunMetadata proto (or its
            serialized bytes; TensorFlow's own StepStats works too).
          graph: (Optional) The 'Graph' that was executed (unused: the node
            names and op types come from the trace).
        """
        self._step_stats = _as_step_stats(step_stats)
        self._graph = graph
        self._chrome_trace = _ChromeTrace()
        self._next_pid = 0
        self._device_pids = {}
        self._alloc_pid = None
        self._flow_id = 0

    def _alloc(self):
        pid = self._next_pid
        self._next_pid += 1
        return pid

    def _allocate_pids(self):
        self._alloc_pid = self._alloc()
        self._chrome_trace.process("Allocators", self._alloc_pid)
        for dev in self._step_stats.dev_stats:
            pid = self._alloc()
            self._device_pids[dev.device] = pid
            self._chrome_trace.process(dev.device + " Compute", pid)
            self._chrome_trace.process(dev.device + " Tensors", self._alloc())

    @staticmethod
    def _lanes(dev):
        """TF's lanes: each node on the first lane free when it starts, so
        that events on one `tid` never overlap."""
        lanes, out = [0], []
        for node in dev.node_stats:
            end = node.all_start_micros + node.all_end_rel_micros
            lane = next((i for i, t in enumerate(lanes) if node.all_start_micros > t), None)
            if lane is None:
                lane = len(lanes)
                lanes.append(end)
            lanes[lane] = end
            out.append(lane)
        return out

    def _emit_ops(self, op_time):
        producers = {}  # tensor name -> (pid, tid, end micros)
        for dev in self._step_stats.dev_stats:
            pid = self._device_pids[dev.device]
            for node, tid in zip(dev.node_stats, self._lanes(dev)):
                op, inputs = _parse_label(node)
                # On the CPU an op's kernels are the op: every op_time is
                # the node's span, as TF's without GPU streams.
                start, dur = node.all_start_micros, max(node.all_end_rel_micros, 0)
                args = {"name": node.node_name, "op": op}
                for i, name in enumerate(inputs):
                    args[f"input{i}"] = name
                self._chrome_trace.complete("Op", op, pid, tid, start, dur, args)
                yield node, pid, tid, inputs, producers
                for out in node.output:
                    name = node.node_name if out.slot == 0 else f"{node.node_name}:{out.slot}"
                    producers[name] = (pid, tid, start + dur)

    def _show_flows(self, node, pid, tid, inputs, producers):
        for name in inputs:
            src = producers.get(name)
            if src is None or src[:2] == (pid, tid):
                continue
            self._chrome_trace.flow("s", name, src[0], src[1], src[2], self._flow_id)
            self._chrome_trace.flow("t", name, pid, tid, node.all_start_micros,
                                    self._flow_id)
            self._flow_id += 1

    def _show_memory(self):
        """Allocator counters over the step: bytes each node's outputs add."""
        maximums = {}
        for dev in self._step_stats.dev_stats:
            held = {}
            for node in dev.node_stats:
                for mem in node.memory:
                    name = mem.allocator_name
                    held[name] = held.get(name, 0) + mem.total_bytes
                    self._chrome_trace.counter("Memory", name, self._alloc_pid,
                                               node.all_start_micros, name, held[name])
                    best = maximums.get(name)
                    if best is None or held[name] > best.num_bytes:
                        maximums[name] = AllocationMaximum(node.all_start_micros, held[name],
                                                           set())
        return maximums

    def analyze_step_stats(self, show_dataflow=True, show_memory=True, op_time="schedule"):
        """The StepStatsAnalysis of the trace: its Chrome trace (with flows
        and memory counters as asked) and allocator maximums."""
        self._allocate_pids()
        for node, pid, tid, inputs, producers in self._emit_ops(op_time):
            if show_dataflow:
                self._show_flows(node, pid, tid, inputs, producers)
        maximums = self._show_memory() if show_memory else {}
        return StepStatsAnalysis(self._chrome_trace, maximums)

    def generate_chrome_trace_format(self, show_dataflow=True, show_memory=False,
                                     op_time="schedule"):
        """Produces a trace in Chrome Trace Format.

        Args:
          show_dataflow: (Optional.) If True, add flow events to the trace
            connecting producers and consumers of tensors.
          show_memory: (Optional.) If True, add object snapshot events to the
            trace showing the sizes and lifetimes of tensors.
          op_time: (Optional.) How the execution time of an op is shown:
            "schedule" (the op's own time), "gpu" (from op start to op end)
            or "all" (from the start to when the node was done).

        Returns:
          A JSON formatted string in Chrome Trace format.
        """
        analysis = self.analyze_step_stats(show_dataflow=show_dataflow,
                                           show_memory=show_memory, op_time=op_time)
        return analysis.chrome_trace.format_to_string(pretty=True)
