"""TF1's queue-based input pipelines (`tf.compat.v1.train`): the input
producers (`input_producer`, `string_input_producer`,
`range_input_producer`, `slice_input_producer`, `limit_epochs`) and the
batchers (`batch`, `shuffle_batch`, `batch_join`, `shuffle_batch_join`).

Each builds a queue (`api/data_flow_ops.py`), its enqueue ops and a
`QueueRunner` in the QUEUE_RUNNERS collection, which
`start_queue_runners()` starts; `num_epochs` counts epochs in a local
variable (run `tf.compat.v1.local_variables_initializer()` first), and the
end of the input reaches the consumer as OutOfRangeError.
"""

from ..api import data_flow_ops
from ..api import summary
from ..api.data_flow_ops import _component
from ..framework import dtypes
from ..framework.constant_op import convert_to_tensor
from ..framework.graph import GraphKeys, Tensor, control_dependencies, get_default_graph
from ..framework.tensor_shape import TensorShape, as_shape
from ..ops import array_ops, elementwise, indexing_ops, state_ops
from ..ops.input_ops import random_shuffle
from .queue_runner import QueueRunner, add_queue_runner

__all__ = ["limit_epochs", "input_producer", "string_input_producer", "range_input_producer",
           "slice_input_producer", "batch", "shuffle_batch", "batch_join",
           "shuffle_batch_join"]


def _scope(name, default):
    return get_default_graph().name_scope(name or default)


def _to_tensor(value, dtype=None, name=None):
    if isinstance(value, Tensor) or hasattr(value, "_as_graph_element"):
        return convert_to_tensor(value, dtype=dtype, name=name)
    if dtype == dtypes.string:
        return _component(value, dtype, name or "Const")
    return convert_to_tensor(value, dtype=dtype, name=name)


def limit_epochs(tensor, num_epochs=None, name=None):
    """Returns tensor `num_epochs` times and then raises an OutOfRange error.

    Note: creates a local counter `epochs`. Use `local_variables_initializer()`
    to initialize local variables.
    """
    if num_epochs is None:
        return tensor
    if num_epochs <= 0:
        raise ValueError(f"num_epochs must be > 0 not {num_epochs}.")
    with _scope(name, "limit_epochs") as scope:
        zero64 = convert_to_tensor(0, dtype=dtypes.int64)
        epochs = state_ops.Variable(zero64, name="epochs", trainable=False,
                                    collections=[GraphKeys.LOCAL_VARIABLES])
        counter = epochs.count_up_to(num_epochs)
        with control_dependencies([counter]):
            return array_ops.identity(tensor, name=scope)


def input_producer(input_tensor, element_shape=None, num_epochs=None, shuffle=True,
                   seed=None, capacity=32, shared_name=None, summary_name=None, name=None,
                   cancel_op=None):
    """Output the rows of `input_tensor` to a queue for an input pipeline.

    Returns a queue with the output rows. A `QueueRunner` for the queue is
    added to the current graph's QUEUE_RUNNER collection.
    """
    with _scope(name, "input_producer") as scope:
        input_tensor = convert_to_tensor(input_tensor, name="input_tensor")
        element_shape = input_tensor.shape[1:].merge_with(
            TensorShape(None) if element_shape is None else as_shape(element_shape))
        if not element_shape.is_fully_defined():
            raise ValueError("Either `input_tensor` must have a fully defined shape "
                             "or `element_shape` must be specified")
        if shuffle:
            input_tensor = random_shuffle(input_tensor, seed=seed)
        input_tensor = limit_epochs(input_tensor, num_epochs)
        q = data_flow_ops.FIFOQueue(capacity=capacity, dtypes=[input_tensor.dtype],
                                    shapes=[element_shape], shared_name=shared_name,
                                    name=scope)
        enq = q.enqueue_many([input_tensor])
        add_queue_runner(QueueRunner(q, [enq], cancel_op=cancel_op))
        if summary_name is not None:
            summary.scalar(summary_name,
                           elementwise.cast(q.size(), dtypes.float32) * (1.0 / capacity))
        return q


def string_input_producer(string_tensor, num_epochs=None, shuffle=True, seed=None,
                          capacity=32, shared_name=None, name=None, cancel_op=None):
    """Output strings (e.g. filenames) to a queue for an input pipeline.

    Returns a queue with the output strings; a `QueueRunner` for it is added
    to the current graph's QUEUE_RUNNER collection.
    """
    not_null_err = "string_input_producer requires a non-null input tensor"
    if not isinstance(string_tensor, Tensor) and not len(string_tensor):
        raise ValueError(not_null_err)
    with _scope(name, "input_producer") as scope:
        string_tensor = _to_tensor(string_tensor, dtype=dtypes.string)
        if string_tensor.shape.num_elements() == 0:
            raise ValueError(not_null_err)
        return input_producer(input_tensor=string_tensor, element_shape=[],
                              num_epochs=num_epochs, shuffle=shuffle, seed=seed,
                              capacity=capacity, shared_name=shared_name, name=scope,
                              summary_name=f"fraction_of_{capacity}_full",
                              cancel_op=cancel_op)


def range_input_producer(limit, num_epochs=None, shuffle=True, seed=None, capacity=32,
                         shared_name=None, name=None):
    """Produces the integers from 0 to limit-1 in a queue.

    Returns a queue with the output integers; a `QueueRunner` for it is
    added to the current graph's QUEUE_RUNNER collection.
    """
    with _scope(name, "input_producer") as scope:
        range_tensor = indexing_ops.range(limit)
        return input_producer(range_tensor, [], num_epochs, shuffle, seed, capacity,
                              shared_name, f"fraction_of_{capacity}_full", scope)


def slice_input_producer(tensor_list, num_epochs=None, shuffle=True, seed=None, capacity=32,
                         shared_name=None, name=None):
    """Produces a slice of each `Tensor` in `tensor_list`.

    Implemented using a Queue of indices; a `QueueRunner` for it is added
    to the current graph's QUEUE_RUNNER collection. Returns a list of
    tensors, one per element of `tensor_list`, each the same slice of it.
    """
    with _scope(name, "input_producer"):
        tensor_list = [convert_to_tensor(t) for t in tensor_list]
        if not tensor_list:
            raise ValueError("Expected at least one tensor in slice_input_producer().")
        range_size = array_ops.shape(tensor_list[0])[0]
        queue = range_input_producer(range_size, num_epochs=num_epochs, shuffle=shuffle,
                                     seed=seed, capacity=capacity, shared_name=shared_name)
        index = queue.dequeue()
        return [indexing_ops.gather(t, index) for t in tensor_list]


# -- batching -------------------------------------------------------------------------

def _as_tensor_list(tensors):
    if isinstance(tensors, dict):
        return [tensors[k] for k in sorted(tensors, key=str)]
    return tensors


def _as_tensor_list_list(tensors_list):
    if not tensors_list:
        raise ValueError("Expected at least one set of tensors")
    if isinstance(tensors_list[0], dict):
        keys = set(tensors_list[0].keys())
        for tensors in tensors_list[1:]:
            if set(tensors.keys()) != keys:
                raise ValueError("All dictionaries in tensors_list must have the same keys")
        return [_as_tensor_list(t) for t in tensors_list]
    return tensors_list


def _as_original_type(original, tensor_list):
    if isinstance(original, dict):
        if len(original) == 1:
            tensor_list = [tensor_list]  # one component dequeues as a single tensor
        return {k: tensor_list[i] for i, k in enumerate(sorted(original, key=str))}
    return tensor_list


def _validate(tensor_list, what="batch()"):
    if isinstance(tensor_list, (Tensor,)) or not isinstance(tensor_list, (list, tuple)):
        tensor_list = [tensor_list]
    tensor_list = [convert_to_tensor(t) for t in tensor_list]
    if not tensor_list:
        raise ValueError(f"Expected at least one tensor in {what}.")
    return tensor_list


def _dtypes(tensor_list_list):
    types = [t.dtype for t in tensor_list_list[0]]
    for tl in tensor_list_list[1:]:
        other = [t.dtype for t in tl]
        if other != types:
            raise TypeError("Expected types to be consistent: "
                            f"{', '.join(x.name for x in types)} vs. "
                            f"{', '.join(x.name for x in other)}.")
    return types


def _merge_shapes(shape_list, enqueue_many):
    shape_list = [as_shape(s) for s in shape_list]
    if enqueue_many:
        for s in shape_list:
            if s.rank is not None and s.rank < 1:
                raise ValueError(f"Shape {s} must have rank at least 1")
        shape_list = [s[1:] for s in shape_list]
    merged = shape_list[0]
    for s in shape_list[1:]:
        merged = merged.merge_with(s)
    return merged.as_list()


def _shapes(tensor_list_list, shapes, enqueue_many):
    if shapes is not None:
        return shapes
    for tl in tensor_list_list:
        for t in tl:
            if t.shape.rank is None:
                raise ValueError(f"Cannot infer Tensor's rank: {t}")
    return [_merge_shapes([tl[i].shape.as_list() for tl in tensor_list_list], enqueue_many)
            for i in range(len(tensor_list_list[0]))]


def _enqueue_ops(queue, tensor_list_list, enqueue_many):
    fn = queue.enqueue_many if enqueue_many else queue.enqueue
    return [fn(tl) for tl in tensor_list_list]


def _dequeue(queue, batch_size, allow_smaller_final_batch, name):
    if allow_smaller_final_batch:
        return queue.dequeue_up_to(batch_size, name=name)
    return queue.dequeue_many(batch_size, name=name)


def _fraction_full(queue, capacity):
    summary.scalar(f"fraction_of_{capacity}_full",
                   elementwise.cast(queue.size(), dtypes.float32) * (1.0 / capacity))


def _fraction_over(queue, capacity, min_after_dequeue):
    full = elementwise.cast(elementwise.maximum(queue.size() - min_after_dequeue, 0),
                            dtypes.float32) * (1.0 / (capacity - min_after_dequeue))
    summary.scalar(f"fraction_over_{min_after_dequeue}_of_{capacity - min_after_dequeue}_full",
                   full)


def batch(tensors, batch_size, num_threads=1, capacity=32, enqueue_many=False, shapes=None,
          dynamic_pad=False, allow_smaller_final_batch=False, shared_name=None, name=None):
    """Creates batches of tensors in `tensors`.

    Adds a queue (a PaddingFIFOQueue when `dynamic_pad`) filled by
    `num_threads` threads running `enqueue(tensors)` (`enqueue_many` when
    `tensors` are batches already) and returns `dequeue_many(batch_size)`
    (`dequeue_up_to` with `allow_smaller_final_batch`), in the structure of
    `tensors` (a list or a dict).
    """
    tensor_list = _as_tensor_list(tensors)
    with _scope(name, "batch") as scope:
        tensor_list = _validate(tensor_list)
        types = _dtypes([tensor_list])
        shapes = _shapes([tensor_list], shapes, enqueue_many)
        cls = data_flow_ops.PaddingFIFOQueue if dynamic_pad else data_flow_ops.FIFOQueue
        queue = cls(capacity=capacity, dtypes=types, shapes=shapes, shared_name=shared_name)
        enqueue = _enqueue_ops(queue, [tensor_list], enqueue_many)[0]
        add_queue_runner(QueueRunner(queue, [enqueue] * num_threads))
        _fraction_full(queue, capacity)
        dequeued = _dequeue(queue, batch_size, allow_smaller_final_batch, scope)
        return _as_original_type(tensors, dequeued)


def batch_join(tensors_list, batch_size, capacity=32, enqueue_many=False, shapes=None,
               dynamic_pad=False, allow_smaller_final_batch=False, shared_name=None,
               name=None):
    """Runs a list of tensors to fill a queue to create batches of examples.

    One thread per element of `tensors_list` enqueues it into one queue;
    returns `dequeue_many(batch_size)` as `batch` does.
    """
    tensor_list_list = _as_tensor_list_list(tensors_list)
    with _scope(name, "batch_join") as scope:
        tensor_list_list = [_validate(tl, "batch_join()") for tl in tensor_list_list]
        types = _dtypes(tensor_list_list)
        shapes = _shapes(tensor_list_list, shapes, enqueue_many)
        cls = data_flow_ops.PaddingFIFOQueue if dynamic_pad else data_flow_ops.FIFOQueue
        queue = cls(capacity=capacity, dtypes=types, shapes=shapes, shared_name=shared_name)
        add_queue_runner(QueueRunner(queue, _enqueue_ops(queue, tensor_list_list,
                                                         enqueue_many)))
        _fraction_full(queue, capacity)
        dequeued = _dequeue(queue, batch_size, allow_smaller_final_batch, scope)
        return _as_original_type(tensors_list[0], dequeued)


def shuffle_batch(tensors, batch_size, capacity, min_after_dequeue, num_threads=1, seed=None,
                  enqueue_many=False, shapes=None, allow_smaller_final_batch=False,
                  shared_name=None, name=None):
    """Creates batches by randomly shuffling tensors.

    Adds a RandomShuffleQueue holding at least `min_after_dequeue` elements
    (until it closes), filled by `num_threads` threads, and returns
    `dequeue_many(batch_size)` of it.
    """
    tensor_list = _as_tensor_list(tensors)
    with _scope(name, "shuffle_batch") as scope:
        if capacity <= min_after_dequeue:
            raise ValueError(f"capacity {capacity} must be bigger than min_after_dequeue "
                             f"{min_after_dequeue}.")
        tensor_list = _validate(tensor_list)
        types = _dtypes([tensor_list])
        shapes = _shapes([tensor_list], shapes, enqueue_many)
        queue = data_flow_ops.RandomShuffleQueue(
            capacity=capacity, min_after_dequeue=min_after_dequeue, seed=seed, dtypes=types,
            shapes=shapes, shared_name=shared_name)
        enqueue = _enqueue_ops(queue, [tensor_list], enqueue_many)[0]
        add_queue_runner(QueueRunner(queue, [enqueue] * num_threads))
        _fraction_over(queue, capacity, min_after_dequeue)
        dequeued = _dequeue(queue, batch_size, allow_smaller_final_batch, scope)
        return _as_original_type(tensors, dequeued)


def shuffle_batch_join(tensors_list, batch_size, capacity, min_after_dequeue, seed=None,
                       enqueue_many=False, shapes=None, allow_smaller_final_batch=False,
                       shared_name=None, name=None):
    """Create batches by randomly shuffling tensors: one thread per element
    of `tensors_list` enqueues it into one RandomShuffleQueue."""
    tensor_list_list = _as_tensor_list_list(tensors_list)
    with _scope(name, "shuffle_batch_join") as scope:
        if capacity <= min_after_dequeue:
            raise ValueError(f"capacity {capacity} must be bigger than min_after_dequeue "
                             f"{min_after_dequeue}.")
        tensor_list_list = [_validate(tl, "batch_join()") for tl in tensor_list_list]
        types = _dtypes(tensor_list_list)
        shapes = _shapes(tensor_list_list, shapes, enqueue_many)
        queue = data_flow_ops.RandomShuffleQueue(
            capacity=capacity, min_after_dequeue=min_after_dequeue, seed=seed, dtypes=types,
            shapes=shapes, shared_name=shared_name)
        add_queue_runner(QueueRunner(queue, _enqueue_ops(queue, tensor_list_list,
                                                         enqueue_many)))
        _fraction_over(queue, capacity, min_after_dequeue)
        dequeued = _dequeue(queue, batch_size, allow_smaller_final_batch, scope)
        return _as_original_type(tensors_list[0], dequeued)
