"""Run traces: the `RunMetadata.step_stats` of a run whose RunOptions ask
for a trace (`trace_level` other than NO_TRACE).

The C executor times each step of a plan when the run hands it a buffer
(csrc/plan.c, `fg_plan.trace`): a start and an end per step, nothing when
untraced. A RunTrace turns those times into TF's `NodeExecStats`, one per
executed step, naming each step after its graph op (a step fused from
several ops is named after its main op and labelled with all their types,
"Conv2D+BiasAdd+Relu"). A control-flow step is a While/If entry, followed
by an entry for each step its condition, body or branch ran, iteration by
iteration, as TF's step stats list the nodes of the functions a While or If
calls. Host ops of a staged run (staged_run.py) are
timed in Python and listed between the plans' steps, in run order.
"""

import threading
import time

import numpy as np

from .compiler.nested import traced_plans
from .framework.graph_protos import TensorShapeProto
from .framework.step_stats_protos import (AllocationDescription, AllocatorMemoryUsed,
                                          DeviceStepStats, NodeExecStats,
                                          StepStats, TensorDescription)

__all__ = ["RunTrace", "DEVICE", "wants_trace", "now_ns"]

DEVICE = "/job:localhost/replica:0/task:0/device:CPU:0"
_ALLOCATOR = "cpu"
_WORDS = 4  # FG_TRACE_WORDS: plan tag, step index, start, end
# Records kept of a traced run of a plan with loops or branches: a long
# loop's later iterations are left out past them (RunTrace.dropped).
_LOOP_RECORDS = 1 << 17


def wants_trace(options, run_metadata):
    """Whether a run with `options` (RunOptions or None) records a trace
    into `run_metadata`."""
    return run_metadata is not None and options is not None and \
        int(getattr(options, "trace_level", 0) or 0) > 0


class RunTrace:
    """Collects the node stats of one run, in the order its steps ran."""

    def __init__(self):
        self.nodes = []
        self.thread_names = {}
        self.dropped = 0  # sub-plan steps that ran after the buffer was full

    def _thread(self):
        tid = threading.get_native_id() & 0xFFFFFFFF
        self.thread_names.setdefault(tid, threading.current_thread().name)
        return tid

    def records_for(self, plan):
        """A zeroed record buffer for a traced run of `plan` (see
        NativePlan._run_on): a record per step, and room for the steps of
        loop and branch sub-plans, which run any number of times."""
        nested = any(step.nested is not None for step in plan.steps)
        return np.zeros((1 + max(len(plan.steps), _LOOP_RECORDS if nested else 0), _WORDS),
                        np.int64)

    def add_plan(self, plan, records):
        """Adds the steps of a run of `plan` (compiler.plan.Plan) that the
        executor recorded in `records` (records_for's buffer): each step of
        the plan and of its sub-plans that ran, in the order they started;
        steps after a failing one did not run and are left out."""
        tid = self._thread()
        n, dropped = int(records[0, 0]), int(records[0, 1])
        self.dropped += dropped
        plans = traced_plans(plan)
        for tag, index, start, end in records[1:1 + n].tolist():
            step = plans[tag].steps[index]
            end = max(end, start)
            outs = [plans[tag].values[i] for i in step.outputs]
            self.nodes.append(_node(step.op, "+".join(op.type for op in step.ops), start, end,
                                    tid, [(v.shape, v.dtype, v.nbytes) for v in outs]))

    def add_host(self, op, start, end, outputs):
        """Adds host op `op` (staged_run.py), run from `start` to `end`
        (ns since the epoch), which gave the arrays `outputs`."""
        outs = []
        for t, v in zip(op._outputs, outputs):
            shape = tuple(getattr(v, "shape", ()))
            nbytes = int(getattr(v, "nbytes", 0)) if t.dtype.name != "string" else 0
            outs.append((shape, t.dtype, nbytes))
        self.nodes.append(_node(op, op.type, start, end, self._thread(), outs))

    def step_stats(self):
        """The StepStats of what was added: one device, one node per step."""
        dev = DeviceStepStats(device=DEVICE, node_stats=self.nodes)
        for tid, name in self.thread_names.items():
            dev.thread_names[tid] = name
        return StepStats(dev_stats=[dev])


def now_ns():
    """The clock the C executor's trace uses (CLOCK_REALTIME), in ns."""
    return time.time_ns()


def _node(op, types, start, end, tid, outputs):
    ins = ", ".join(t.name.split(":")[0] if t.name.endswith(":0") else t.name
                    for t in op._inputs)
    rel = max(0, end - start)
    node = NodeExecStats(node_name=op.name, all_start_micros=start // 1000,
                         op_start_rel_micros=0, op_end_rel_micros=rel // 1000,
                         all_end_rel_micros=rel // 1000, all_start_nanos=start,
                         op_start_rel_nanos=0, op_end_rel_nanos=rel, all_end_rel_nanos=rel,
                         scheduled_micros=start // 1000, scheduled_nanos=start,
                         timeline_label=f"{op.name} = {types}({ins})", thread_id=tid)
    total = 0
    for slot, (shape, dtype, nbytes) in enumerate(outputs):
        total += nbytes
        node.output.add(slot=slot, tensor_description=TensorDescription(
            dtype=dtype.as_datatype_enum,
            shape=TensorShapeProto(dim=[TensorShapeProto.Dim(size=int(d)) for d in shape]),
            allocation_description=AllocationDescription(
                requested_bytes=nbytes, allocated_bytes=nbytes, allocator_name=_ALLOCATOR)))
    node.memory.append(AllocatorMemoryUsed(allocator_name=_ALLOCATOR, total_bytes=total,
                                           peak_bytes=total))
    return node
