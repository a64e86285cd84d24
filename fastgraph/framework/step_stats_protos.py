"""TensorFlow's run-trace protobufs (`step_stats.proto`, the `RunMetadata`
of `config.proto`) as small Python classes over the hand-written wire format.

`RunMetadata.step_stats` holds one `DeviceStepStats` per device (fastgraph
has one, the CPU) whose `node_stats` are one `NodeExecStats` per executed
step. The bytes are TF's: `RunMetadata.SerializeToString()` parses with
TensorFlow's `config_pb2.RunMetadata`, and TensorFlow's `timeline.Timeline`
reads the result.
"""

from .graph_protos import DATA_TYPE_NAMES, GraphDef, TensorShapeProto
from .proto_message import Field, Message

__all__ = ["AllocationDescription", "TensorDescription", "AllocatorMemoryUsed", "NodeOutput",
           "MemoryStats", "NodeExecStats", "DeviceStepStats", "StepStats", "RunMetadata"]


class AllocationDescription(Message):
    """The bytes asked for and given for one tensor, and by which allocator."""

    _FIELDS = (Field("requested_bytes", 1, "int"), Field("allocated_bytes", 2, "int"),
               Field("allocator_name", 3, "string"), Field("allocation_id", 4, "int"),
               Field("has_single_reference", 5, "bool"), Field("ptr", 6, "int"))


class TensorDescription(Message):
    """A tensor's dtype, shape and allocation."""

    _FIELDS = (Field("dtype", 1, "enum", enum=DATA_TYPE_NAMES),
               Field("shape", 2, "message", TensorShapeProto),
               Field("allocation_description", 4, "message", AllocationDescription))


class AllocatorMemoryUsed(Message):
    """Memory one allocator held for a node."""

    _FIELDS = (Field("allocator_name", 1, "string"), Field("total_bytes", 2, "int"),
               Field("peak_bytes", 3, "int"), Field("live_bytes", 4, "int"),
               Field("allocator_bytes_in_use", 5, "int"))


class NodeOutput(Message):
    """One output of a node: its slot and tensor."""

    _FIELDS = (Field("slot", 1, "int"),
               Field("tensor_description", 3, "message", TensorDescription))


class MemoryStats(Message):
    """A node's temporary and persistent memory."""

    _FIELDS = (Field("temp_memory_size", 1, "int"), Field("persistent_memory_size", 3, "int"),
               Field("persistent_tensor_alloc_ids", 5, "ints"))


class NodeExecStats(Message):
    """Time and memory of one executed node: when it started (µs since the
    epoch), when its op started and ended and when it was done, relative to
    the start, its outputs, and the thread that ran it. `timeline_label` is
    TF's "name = Op(input, ...)"."""

    _FIELDS = (Field("node_name", 1, "string"), Field("all_start_micros", 2, "int"),
               Field("op_start_rel_micros", 3, "int"), Field("op_end_rel_micros", 4, "int"),
               Field("all_end_rel_micros", 5, "int"),
               Field("memory", 6, "messages", AllocatorMemoryUsed),
               Field("output", 7, "messages", NodeOutput),
               Field("timeline_label", 8, "string"), Field("scheduled_micros", 9, "int"),
               Field("thread_id", 10, "int"),
               Field("memory_stats", 12, "message", MemoryStats),
               Field("all_start_nanos", 13, "int"), Field("op_start_rel_nanos", 14, "int"),
               Field("op_end_rel_nanos", 15, "int"), Field("all_end_rel_nanos", 16, "int"),
               Field("scheduled_nanos", 17, "int"))


class DeviceStepStats(Message):
    """The nodes one device ran, and its threads' names."""

    _FIELDS = (Field("device", 1, "string"),
               Field("node_stats", 2, "messages", NodeExecStats),
               Field("thread_names", 3, "map", None, key="int"))


class StepStats(Message):
    """What each device ran in one step (one `Session.run`)."""

    _FIELDS = (Field("dev_stats", 1, "messages", DeviceStepStats),)


class RunMetadata(Message):
    """What a run reports back: `step_stats` when the run's RunOptions asked
    for a trace. `cost_graph` is not recorded (kept as read);
    `partition_graphs` stays empty."""

    _FIELDS = (Field("step_stats", 1, "message", StepStats),
               Field("partition_graphs", 3, "messages", GraphDef))
