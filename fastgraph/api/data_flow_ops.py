"""`tf.queue` (TF1's `tf.FIFOQueue`, ...): QueueBase and its FIFOQueue,
PaddingFIFOQueue, RandomShuffleQueue and PriorityQueue.

A queue object builds its queue op (the handle, `queue_ref`) once, and each
method adds an op acting on that queue; the queue itself lives in the
session that runs them (`ops/queue_ops.py`, `ops/queue_buffers.py`).
"""

import hashlib

import numpy as np

from ..framework import dtypes as _dtypes
from ..framework.constant_op import convert_to_tensor
from ..framework.graph import Tensor, get_default_graph
from ..framework.static_values import constant_value
from ..framework.tensor_shape import Dimension, TensorShape, as_shape, unknown_shape
from ..ops.random_ops import get_seed

__all__ = ["QueueBase", "FIFOQueue", "PaddingFIFOQueue", "RandomShuffleQueue", "PriorityQueue"]


def _as_type_list(dtypes):
    if not isinstance(dtypes, (list, tuple)):
        return [_dtypes.as_dtype(dtypes)]
    return [_dtypes.as_dtype(d) for d in dtypes]


def _is_single_shape(shapes):
    return all(s is None or isinstance(s, (int, Dimension)) for s in shapes)


def _as_shape_list(shapes, unknown_dim_allowed=False, unknown_rank_allowed=False):
    if unknown_dim_allowed:
        if (not isinstance(shapes, (list, tuple)) or not shapes or
                any(s is None or isinstance(s, int) for s in shapes)):
            raise ValueError("When providing partial shapes, a list of shapes must be provided.")
    if shapes is None:
        return None
    if isinstance(shapes, TensorShape):
        shapes = [shapes]
    if not isinstance(shapes, (tuple, list)):
        raise TypeError("Shapes must be a TensorShape or a list or tuple of TensorShapes, "
                        f"got {type(shapes)} instead.")
    if _is_single_shape(shapes):
        shapes = [shapes]
    shapes = [as_shape(s) for s in shapes]
    if not unknown_dim_allowed and any(not s.is_fully_defined() for s in shapes):
        raise ValueError(f"All shapes must be fully defined: {shapes}")
    if not unknown_rank_allowed and any(s.dims is None for s in shapes):
        raise ValueError(f"All shapes must have a defined rank: {shapes}")
    return shapes


def _as_name_list(names, dtypes):
    if names is None:
        return None
    if not isinstance(names, (list, tuple)):
        names = [names]
    if len(names) != len(dtypes):
        raise ValueError("List of names must have the same length as the list of dtypes, "
                         f"received len(names)={len(names)},len(dtypes)={len(dtypes)}")
    return list(names)


def _component(value, dtype, name):
    """`value` as a tensor of `dtype`; Python strings become a string
    constant (an object array of bytes, as fastgraph holds strings)."""
    if dtype == _dtypes.string and not isinstance(value, Tensor) and \
            not hasattr(value, "_as_graph_element"):
        arr = np.array(value, dtype=object)
        flat = arr.reshape(-1)
        for i, v in enumerate(flat):
            flat[i] = v.encode("utf-8") if isinstance(v, str) else bytes(v)
        arr.setflags(write=False)
        return get_default_graph().create_op("Const", [], {"value": arr, "dtype": dtype},
                                             name=name).outputs[0]
    return convert_to_tensor(value, dtype=dtype, name=name)


def _attr_shapes(shapes):
    return [] if shapes is None else list(shapes)


class QueueBase:
    """Base class for queue implementations.

    A queue is a TensorFlow data structure that stores tensors across
    multiple steps, and exposes operations that enqueue and dequeue
    tensors.

    Each queue element is a tuple of one or more tensors, where each tuple
    component has a static dtype, and may have a static shape. The queue
    implementations support versions of enqueue and dequeue that handle
    single elements, versions that support enqueuing and dequeuing a batch
    of elements at once.
    """

    def __init__(self, dtypes, shapes, names, queue_ref):
        """Constructs a queue object from a queue reference.

        `dtypes`: the component types; `shapes`: a list of TensorShapes, one
        per component, or None; `names`: component names, or None.
        """
        self._dtypes = list(dtypes)
        if shapes is not None:
            if len(shapes) != len(dtypes):
                raise ValueError("Queue shapes must have the same length as dtypes, "
                                 f"received len(shapes)={len(shapes)}, "
                                 f"len(dtypes)={len(dtypes)}")
            self._shapes = [TensorShape(s) for s in shapes]
        else:
            self._shapes = [unknown_shape() for _ in self._dtypes]
        if names is not None:
            if len(names) != len(dtypes):
                raise ValueError("Queue names must have the same length as dtypes,"
                                 f"received len(names)={len(names)},"
                                 f"len {len(dtypes)}")
            self._names = names
        else:
            self._names = None
        self._queue_ref = queue_ref
        self._name = queue_ref.op.name.split("/")[-1]

    @staticmethod
    def from_list(index, queues):
        """Creates a queue using the queue reference from `queues[index]`;
        the queues must have the same dtypes (and names)."""
        if not queues or not isinstance(queues, list) or \
                not all(isinstance(x, QueueBase) for x in queues):
            raise TypeError("A list of queues expected")
        dtypes = queues[0].dtypes
        if not all(dtypes == q.dtypes for q in queues[1:]):
            raise TypeError("Queues do not have matching component dtypes.")
        names = queues[0].names
        if not all(names == q.names for q in queues[1:]):
            raise TypeError("Queues do not have matching component names.")
        if len(queues) == 1:
            return queues[0]
        raise NotImplementedError("QueueBase.from_list of several queues needs a ref "
                                  "selector fastgraph does not have")

    @property
    def queue_ref(self):
        """The underlying queue reference."""
        return self._queue_ref

    @property
    def name(self):
        """The name of the underlying queue (its op's name)."""
        return self._queue_ref.op.name

    @property
    def dtypes(self):
        """The list of dtypes for each component of a queue element."""
        return self._dtypes

    @property
    def shapes(self):
        """The list of shapes for each component of a queue element."""
        return self._shapes

    @property
    def names(self):
        """The list of names for each component of a queue element."""
        return self._names

    def _graph(self):
        return self._queue_ref.graph

    def _check_enqueue_dtypes(self, vals):
        if isinstance(vals, dict):
            if not self._names:
                raise ValueError("Queue must have names to enqueue a dictionary")
            if sorted(self._names, key=str) != sorted(vals.keys(), key=str):
                raise ValueError("Keys in dictionary to enqueue do not match names of Queue.  "
                                 f"Dictionary: {sorted(vals.keys())},"
                                 f"Queue: {sorted(self._names)}")
            vals = [vals[k] for k in self._names]
        else:
            if self._names:
                raise ValueError("You must enqueue a dictionary in a Queue with names")
            if not isinstance(vals, (list, tuple)):
                vals = [vals]
        return [_component(v, d, f"component_{i}")
                for i, (v, d) in enumerate(zip(vals, self._dtypes))]

    def enqueue(self, vals, name=None):
        """Enqueues one element to this queue.

        If the queue is full when this operation executes, it will block
        until the element has been enqueued. At runtime, this operation may
        raise an error if the queue is closed before or during its
        execution: `tf.errors.CancelledError`.
        """
        graph = self._graph()
        with graph.as_default(), graph.name_scope(name or f"{self._name}_enqueue") as scope:
            vals = self._check_enqueue_dtypes(vals)
            for val, shape in zip(vals, self._shapes):
                val.shape.assert_is_compatible_with(shape)
            return graph.create_op("QueueEnqueueV2", [self._queue_ref] + vals,
                                   {"timeout_ms": -1}, name=scope)

    def enqueue_many(self, vals, name=None):
        """Enqueues zero or more elements to this queue: each component is
        sliced along its 0th dimension into elements (all components must
        have the same size in that dimension).

        If the queue is full when this operation executes, it will block
        until all of the elements have been enqueued.
        """
        graph = self._graph()
        with graph.as_default(), graph.name_scope(name or f"{self._name}_EnqueueMany") as scope:
            vals = self._check_enqueue_dtypes(vals)
            batch = None
            for val, shape in zip(vals, self._shapes):
                s = val.shape
                if s.rank is not None and s.rank < 1:
                    raise ValueError(f"Shape {s} must have rank at least 1")
                if s.rank is None:
                    continue
                if batch is not None and s[0] is not None and s[0] != batch:
                    raise ValueError(f"Dimensions {batch} and {s[0]} are not compatible")
                batch = batch if s[0] is None else s[0]
                s[1:].assert_is_compatible_with(shape)
            return graph.create_op("QueueEnqueueManyV2", [self._queue_ref] + vals,
                                   {"timeout_ms": -1}, name=scope)

    def _dequeue_return_value(self, tensors):
        if self._names:
            return {n: tensors[i] for i, n in enumerate(self._names)}
        if len(tensors) == 1:
            return tensors[0]
        return tensors

    def dequeue(self, name=None):
        """Dequeues one element from this queue.

        If the queue is empty when this operation executes, it will block
        until there is an element to dequeue. If the queue is closed and
        empty, `tf.errors.OutOfRangeError` is raised; if the session is
        closed, `tf.errors.CancelledError`.
        """
        graph = self._graph()
        with graph.as_default():
            op = graph.create_op("QueueDequeueV2", [self._queue_ref],
                                 {"component_types": list(self._dtypes), "timeout_ms": -1},
                                 name=name or f"{self._name}_Dequeue")
        for out, shape in zip(op.outputs, self._shapes):
            out.set_shape(shape)
        return self._dequeue_return_value(list(op.outputs))

    def _dequeue_n(self, op_type, n, name, known_batch):
        graph = self._graph()
        with graph.as_default():
            n_t = convert_to_tensor(n, dtype=_dtypes.int32, name="n") \
                if not hasattr(n, "op") else n
            op = graph.create_op(op_type, [self._queue_ref, n_t],
                                 {"component_types": list(self._dtypes), "timeout_ms": -1},
                                 name=name)
        batch = None
        if known_batch:
            value = constant_value(n_t)
            batch = None if value is None else int(value)
        for out, shape in zip(op.outputs, self._shapes):
            if shape.rank is None:
                out.set_shape(unknown_shape())
            else:
                out.set_shape(TensorShape([batch] + list(shape.as_tuple())))
        return self._dequeue_return_value(list(op.outputs))

    def dequeue_many(self, n, name=None):
        """Dequeues and concatenates `n` elements from this queue: each
        component of the result has `n` in its 0th dimension.

        If the queue is closed and there are fewer than `n` elements left,
        `tf.errors.OutOfRangeError` is raised.
        """
        return self._dequeue_n("QueueDequeueManyV2", n, name or f"{self._name}_DequeueMany",
                               known_batch=True)

    def dequeue_up_to(self, n, name=None):
        """Dequeues and concatenates `n` elements from this queue, or fewer
        when the queue is closed: the last batch then holds what was left
        (`tf.errors.OutOfRangeError` when nothing is)."""
        return self._dequeue_n("QueueDequeueUpToV2", n, name or f"{self._name}_DequeueUpTo",
                               known_batch=False)

    def close(self, cancel_pending_enqueues=False, name=None):
        """Closes this queue: subsequent enqueues fail, dequeues go on while
        elements remain. With `cancel_pending_enqueues`, the enqueues that
        are waiting are cancelled too."""
        graph = self._graph()
        with graph.as_default():
            return graph.create_op("QueueCloseV2", [self._queue_ref],
                                   {"cancel_pending_enqueues": bool(cancel_pending_enqueues)},
                                   name=name or f"{self._name}_Close")

    def is_closed(self, name=None):
        """A boolean tensor: whether the queue is closed."""
        graph = self._graph()
        with graph.as_default():
            return graph.create_op("QueueIsClosedV2", [self._queue_ref], {},
                                   name=name or f"{self._name}_Is_Closed").outputs[0]

    def size(self, name=None):
        """An int32 scalar tensor: the number of elements in this queue."""
        graph = self._graph()
        with graph.as_default():
            return graph.create_op("QueueSizeV2", [self._queue_ref], {},
                                   name=name or f"{self._name}_Size").outputs[0]


def _queue_op(op_type, attrs, shared_name, name):
    graph = get_default_graph()
    attrs = dict(attrs, container="", shared_name=shared_name or "")
    return graph.create_op(op_type, [], attrs, name=name).outputs[0]


class RandomShuffleQueue(QueueBase):
    """A queue implementation that dequeues elements in a random order."""

    def __init__(self, capacity, min_after_dequeue, dtypes, shapes=None, names=None,
                 seed=None, shared_name=None, name="random_shuffle_queue"):
        """Creates a queue that dequeues elements in a random order, holding
        at least `min_after_dequeue` of them (until it is closed) so that
        they are mixed, and at most `capacity`."""
        dtypes = _as_type_list(dtypes)
        shapes = _as_shape_list(shapes)
        names = _as_name_list(names, dtypes)
        seed1, seed2 = get_seed(seed)
        if seed1 is None and seed2 is None:
            seed1, seed2 = 0, 0
        elif seed is None and shared_name is not None:
            # As TF: seed2 then depends on the graph seed and the shared name only.
            text = (str(seed1) + shared_name).encode("utf-8")
            seed2 = int(hashlib.md5(text).hexdigest()[:8], 16) & 0x7FFFFFFF
        ref = _queue_op("RandomShuffleQueueV2", {
            "component_types": dtypes, "shapes": _attr_shapes(shapes), "capacity": capacity,
            "min_after_dequeue": min_after_dequeue, "seed": seed1, "seed2": seed2},
            shared_name, name)
        super().__init__(dtypes, shapes, names, ref)


class FIFOQueue(QueueBase):
    """A queue implementation that dequeues elements in first-in first-out order."""

    def __init__(self, capacity, dtypes, shapes=None, names=None, shared_name=None,
                 name="fifo_queue"):
        """Creates a queue that dequeues elements in a first-in first-out
        order, holding at most `capacity` elements."""
        dtypes = _as_type_list(dtypes)
        shapes = _as_shape_list(shapes)
        names = _as_name_list(names, dtypes)
        ref = _queue_op("FIFOQueueV2", {"component_types": dtypes,
                                        "shapes": _attr_shapes(shapes), "capacity": capacity},
                        shared_name, name)
        super().__init__(dtypes, shapes, names, ref)


class PaddingFIFOQueue(QueueBase):
    """A FIFOQueue that supports batching variable-sized tensors by padding.

    Its shapes may have unknown dimensions; `dequeue_many` pads each
    component to the largest size of that dimension in the batch, with
    zeros (empty strings).
    """

    def __init__(self, capacity, dtypes, shapes, names=None, shared_name=None,
                 name="padding_fifo_queue"):
        """Creates a padding FIFO queue; `shapes` (one per component, of
        known rank) is required."""
        dtypes = _as_type_list(dtypes)
        shapes = _as_shape_list(shapes, unknown_dim_allowed=True)
        names = _as_name_list(names, dtypes)
        if len(dtypes) != len(shapes):
            raise ValueError("Shapes must be provided for all components, "
                             f"but received {len(dtypes)} dtypes and {len(shapes)} shapes.")
        ref = _queue_op("PaddingFIFOQueueV2", {"component_types": dtypes,
                                               "shapes": _attr_shapes(shapes),
                                               "capacity": capacity},
                        shared_name, name)
        super().__init__(dtypes, shapes, names, ref)


class PriorityQueue(QueueBase):
    """A queue implementation that dequeues elements in prioritized order.

    Each element's first component is its int64 scalar priority (not named
    in `types`); entries with lower priorities are dequeued first.
    """

    def __init__(self, capacity, types, shapes=None, names=None, shared_name=None,
                 name="priority_queue"):
        """Creates a priority queue of elements (priority, *components of
        `types` and `shapes`), holding at most `capacity`."""
        types = _as_type_list(types)
        shapes = _as_shape_list(shapes)
        ref = _queue_op("PriorityQueueV2", {"component_types": types,
                                            "shapes": _attr_shapes(shapes),
                                            "capacity": capacity},
                        shared_name, name)
        priority_dtypes = [_dtypes.int64] + types
        priority_shapes = [TensorShape(())] + shapes if shapes else shapes
        super().__init__(priority_dtypes, priority_shapes, names, ref)
