"""Queue ops: FIFOQueueV2, PaddingFIFOQueueV2, RandomShuffleQueueV2 and
PriorityQueueV2, which give a queue's handle, and QueueEnqueueV2,
QueueEnqueueManyV2, QueueDequeueV2, QueueDequeueManyV2, QueueDequeueUpToV2,
QueueCloseV2, QueueSizeV2 and QueueIsClosedV2, which act on the queue a
handle names.

They are host ops (`OpDef.host`, see staged_run.py): the session computes
them in Python, and the queues are session resources (`queue_buffers.py`),
so two sessions on one graph hold two queues and `Session.close()` cancels
the runs waiting on one. A dequeue or enqueue blocks the run that computes
it (never the session: runs of other threads go on meanwhile) until
elements or room come, the queue closes, the session closes, or the run's
`RunOptions.timeout_in_ms` passes (DeadlineExceededError).

A handle is a scalar string naming the queue (TF's FIFOQueueV2 gives a
resource handle; fastgraph has no resource dtype, and the string keeps
every op that reads it on the host). The public classes are in
`api/data_flow_ops.py`.
"""

import time

import numpy as np

from ..framework import dtypes, errors
from ..framework.graphdef_mapping import Attr, Derived, Input, InputList, NodeMapping
from ..framework.op_registry import NotDifferentiable, OpDef, register
from ..framework.tensor_shape import TensorShape
from . import queue_buffers

__all__ = []  # the public classes are tf.queue's (api/data_flow_ops.py)

QUEUE_TYPES = ("FIFOQueueV2", "PaddingFIFOQueueV2", "RandomShuffleQueueV2", "PriorityQueueV2")
ACTION_TYPES = ("QueueEnqueueV2", "QueueEnqueueManyV2", "QueueDequeueV2", "QueueDequeueManyV2",
                "QueueDequeueUpToV2", "QueueCloseV2", "QueueSizeV2", "QueueIsClosedV2")


def deadline(ctx):
    """The monotonic time by which a waiting queue op gives up, or None."""
    timeout = getattr(ctx, "timeout_in_ms", 0) or 0
    started = getattr(ctx, "started", None)
    if timeout <= 0:
        return None
    return (started if started is not None else time.monotonic()) + timeout / 1000.0


def _handle_bytes(value):
    v = np.asarray(value, dtype=object).reshape(-1)
    return bytes(v[0]) if v.size else b""


def _queue_of(ctx, handle):
    """The session's queue that `handle` names."""
    key = ("queue", _handle_bytes(handle))

    def missing():
        raise errors.NotFoundError(None, None, f"Resource {key[1].decode(errors='replace')} "
                                               "does not exist.")
    return ctx.resource(key, missing)


def _shapes(attrs):
    shapes = attrs.get("shapes") or []
    return [TensorShape(s) for s in shapes]


def _make_buffer(op):
    attrs = op.attrs
    name = queue_buffers.resource_name(op.name, attrs.get("shared_name", ""))
    types = list(attrs["component_types"])
    shapes = _shapes(attrs)
    capacity = attrs.get("capacity", -1)
    if op.type == "FIFOQueueV2":
        return queue_buffers.FIFOBuffer(name, types, shapes, capacity)
    if op.type == "PaddingFIFOQueueV2":
        return queue_buffers.PaddingFIFOBuffer(name, types, shapes, capacity)
    if op.type == "RandomShuffleQueueV2":
        return queue_buffers.RandomShuffleBuffer(
            name, types, shapes, capacity, attrs.get("min_after_dequeue", 0),
            attrs.get("seed", 0), attrs.get("seed2", 0))
    # PriorityQueueV2: the int64 priority comes first in each element.
    return queue_buffers.PriorityBuffer(name, [dtypes.int64] + types,
                                        [TensorShape(())] + shapes if shapes else [], capacity)


def _handle_key(op):
    shared = op.attrs.get("shared_name", "")
    return (f"shared:{shared}" if shared else f"node:{op.name}").encode()


def _queue_host(ctx, op, inputs):
    key = _handle_key(op)
    ctx.resource(("queue", key), lambda: _make_buffer(op))
    return [np.array(key, dtype=object)]


def _enqueue_host(ctx, op, inputs):
    _queue_of(ctx, inputs[0]).enqueue(inputs[1:], deadline(ctx))
    return []


def _enqueue_many_host(ctx, op, inputs):
    _queue_of(ctx, inputs[0]).enqueue_many(inputs[1:], deadline(ctx))
    return []


def _dequeue_host(ctx, op, inputs):
    return _queue_of(ctx, inputs[0]).dequeue(deadline(ctx))


def _dequeue_many_host(ctx, op, inputs):
    return _queue_of(ctx, inputs[0]).dequeue_many(np.asarray(inputs[1]), deadline(ctx))


def _dequeue_up_to_host(ctx, op, inputs):
    return _queue_of(ctx, inputs[0]).dequeue_many(np.asarray(inputs[1]), deadline(ctx),
                                                  allow_smaller=True)


def _close_host(ctx, op, inputs):
    _queue_of(ctx, inputs[0]).close_queue(op.attrs.get("cancel_pending_enqueues", False))
    return []


def _size_host(ctx, op, inputs):
    return [np.int32(_queue_of(ctx, inputs[0]).size())]


def _is_closed_host(ctx, op, inputs):
    return [np.bool_(_queue_of(ctx, inputs[0]).is_closed())]


def _no_reference(op_type):
    def reference(inputs, attrs):
        raise NotImplementedError(f"{op_type} acts on a session's queue: it has no value "
                                  "outside a session")
    return reference


# -- shapes and dtypes ---------------------------------------------------------

def _handle_shape(ctx):
    return [()]


def _handle_dtype(ctx):
    return [dtypes.string]


def _no_outputs(ctx):
    return []


def _components(ctx):
    return list(ctx.attrs["component_types"])


def _unknown_components(ctx):
    # The queue's shapes are set by the Python class (TF's set_shape).
    return [None] * len(ctx.attrs["component_types"])


def _scalar(ctx):
    return [()]


def _int32(ctx):
    return [dtypes.int32]


def _bool(ctx):
    return [dtypes.bool]


def _shape_list(value):
    return [TensorShape(s) for s in value]


_QUEUE_ATTRS = [Attr("component_types"), Attr("shapes", decode=_shape_list, default=[]),
                Attr("capacity", default=-1), Attr("container", default=""),
                Attr("shared_name", default="")]
_MAPPINGS = {
    "FIFOQueueV2": _QUEUE_ATTRS,
    "PaddingFIFOQueueV2": _QUEUE_ATTRS,
    "PriorityQueueV2": _QUEUE_ATTRS,
    "RandomShuffleQueueV2": _QUEUE_ATTRS[:3] + [
        Attr("min_after_dequeue", default=0), Attr("seed", default=0),
        Attr("seed2", default=0)] + _QUEUE_ATTRS[3:],
}

for _op_type in QUEUE_TYPES:
    register(OpDef(_op_type, shape=_handle_shape, dtype=_handle_dtype, stateful=True,
                   host=_queue_host, reference=_no_reference(_op_type),
                   graphdef=NodeMapping((), _MAPPINGS[_op_type])))

_TIMEOUT = Attr("timeout_ms", default=-1)
_TCOMPONENTS = Derived("Tcomponents", lambda op: [t.dtype for t in op.inputs[1:]])
register(OpDef("QueueEnqueueV2", shape=_no_outputs, dtype=_no_outputs, stateful=True,
               host=_enqueue_host, reference=_no_reference("QueueEnqueueV2"),
               graphdef=NodeMapping((Input("handle"), InputList("components", None)),
                                    [_TCOMPONENTS, _TIMEOUT])))
register(OpDef("QueueEnqueueManyV2", shape=_no_outputs, dtype=_no_outputs, stateful=True,
               host=_enqueue_many_host, reference=_no_reference("QueueEnqueueManyV2"),
               graphdef=NodeMapping((Input("handle"), InputList("components", None)),
                                    [_TCOMPONENTS, _TIMEOUT])))
register(OpDef("QueueDequeueV2", shape=_unknown_components, dtype=_components, stateful=True,
               host=_dequeue_host, reference=_no_reference("QueueDequeueV2"),
               graphdef=NodeMapping((Input("handle"),), [Attr("component_types"), _TIMEOUT])))
register(OpDef("QueueDequeueManyV2", shape=_unknown_components, dtype=_components,
               stateful=True, host=_dequeue_many_host,
               reference=_no_reference("QueueDequeueManyV2"),
               graphdef=NodeMapping((Input("handle"), Input("n")),
                                    [Attr("component_types"), _TIMEOUT])))
register(OpDef("QueueDequeueUpToV2", shape=_unknown_components, dtype=_components,
               stateful=True, host=_dequeue_up_to_host,
               reference=_no_reference("QueueDequeueUpToV2"),
               graphdef=NodeMapping((Input("handle"), Input("n")),
                                    [Attr("component_types"), _TIMEOUT])))
register(OpDef("QueueCloseV2", shape=_no_outputs, dtype=_no_outputs, stateful=True,
               host=_close_host, reference=_no_reference("QueueCloseV2"),
               graphdef=NodeMapping((Input("handle"),),
                                    [Attr("cancel_pending_enqueues", default=False)])))
register(OpDef("QueueSizeV2", shape=_scalar, dtype=_int32, stateful=True, host=_size_host,
               reference=_no_reference("QueueSizeV2"),
               graphdef=NodeMapping((Input("handle"),), [])))
register(OpDef("QueueIsClosedV2", shape=_scalar, dtype=_bool, stateful=True,
               host=_is_closed_host, reference=_no_reference("QueueIsClosedV2"),
               graphdef=NodeMapping((Input("handle"),), [])))

for _op_type in QUEUE_TYPES + ACTION_TYPES:
    NotDifferentiable(_op_type)
