"""TF1's dataset iterators: `make_one_shot_iterator`,
`make_initializable_iterator` and `Iterator.from_structure`.

An iterator is an `IteratorHandle` in the attributes of its graph ops
(ops/data_ops.py): `get_next()` adds an IteratorGetNext op, whose outputs
have the dataset's static shapes; an initializer is a MakeIterator op that
takes the values of the tensors its dataset captures. The running state is
a resource of each session.
"""

from ..framework import dtypes
from ..framework.graph import Tensor, get_default_graph
from ..ops.arguments import to_tensor
from ..ops.data_ops import IteratorHandle
from .data_structure import flatten, pack_sequence_as, same_structure, specs_from

__all__ = ["Iterator", "make_one_shot_iterator", "make_initializable_iterator",
           "get_output_shapes", "get_output_types", "get_output_classes"]

_PLACEHOLDERS = ("Placeholder", "PlaceholderWithDefault")


class Iterator:
    """Represents the state of iterating through a `Dataset` (TF1's
    `tf.compat.v1.data.Iterator`)."""

    def __init__(self, handle, spec, initializer=None, graph=None, captures=()):
        self._handle = handle
        self._spec = spec
        self._initializer = initializer
        self._graph = graph or get_default_graph()
        self._captures = list(captures)

    @staticmethod
    def from_structure(output_types, output_shapes=None, shared_name=None, output_classes=None):
        """Creates a new, uninitialized `Iterator` with the given structure;
        `make_initializer(dataset)` gives the op that starts it on `dataset`."""
        spec = specs_from(output_types, output_shapes)
        graph = get_default_graph()
        return Iterator(_handle(graph, "Iterator", spec), spec, graph=graph)

    @staticmethod
    def from_string_handle(string_handle, output_types, output_shapes=None, output_classes=None):
        """Creates a new, uninitialized `Iterator` based on the given handle:
        its `get_next()` reads the iterator whose `string_handle()` value
        `string_handle` (a scalar tf.string tensor, usually a placeholder) is
        fed in that run."""
        spec = specs_from(output_types, output_shapes)
        graph = get_default_graph()
        handle_t = to_tensor(graph, string_handle)
        if handle_t.dtype != dtypes.string:
            raise TypeError(f"`string_handle` must be a tf.string tensor, got {handle_t.dtype}")
        flat = flatten(spec)
        handle = IteratorHandle(graph.unique_name("Iterator", mark_as_used=False),
                                [s.dtype for s in flat], [s.shape.as_tuple() for s in flat],
                                feedable=True)
        return Iterator(handle, spec, graph=graph, captures=[handle_t])

    def string_handle(self, name=None):
        """Returns a string-valued `tf.Tensor` that represents this iterator
        (to feed an iterator made by `Iterator.from_string_handle`)."""
        graph = self._graph
        with graph.as_default():
            return graph.create_op("IteratorToStringHandle", [], {"iterator": self._handle},
                                   name=name or "IteratorToStringHandle").outputs[0]

    @property
    def initializer(self):
        """The `tf.Operation` that initializes this iterator."""
        if self._initializer is None:
            raise ValueError("The iterator does not have an initializer. This means it was "
                             "likely created using `tf.data.Dataset.make_one_shot_iterator()`. "
                             "For an initializable iterator, use "
                             "`tf.data.Dataset.make_initializable_iterator()` instead.")
        return self._initializer

    def make_initializer(self, dataset, name=None):
        """Returns a `tf.Operation` that initializes this iterator on `dataset`."""
        if not _is_dataset(dataset):
            raise TypeError(f"`dataset` must be a `tf.data.Dataset` object, got {dataset!r}")
        if self._handle.one_shot is not None or self._handle.feedable:
            raise ValueError("Only an iterator made by `from_structure` or "
                             "`make_initializable_iterator` can be initialized.")
        if not same_structure(self._spec, dataset._spec):
            raise TypeError(f"Expected output types {self.output_types} but got dataset with "
                            f"output types {dataset.output_types}.")
        for mine, theirs in zip(flatten(self._spec), flatten(dataset._spec)):
            if mine.dtype != theirs.dtype:
                raise TypeError(f"Expected output types {self.output_types} but got dataset "
                                f"with output types {dataset.output_types}.")
            if not mine.shape.is_compatible_with(theirs.shape):
                raise TypeError(f"Expected output shapes compatible with {self.output_shapes} "
                                f"but got dataset with output shapes {dataset.output_shapes}.")
        graph = self._graph
        with graph.as_default():
            return graph.create_op("MakeIterator", dataset._captured(),
                                   {"iterator": self._handle, "dataset": dataset},
                                   name=name or "MakeIterator")

    def get_next(self, name=None):
        """Returns the next element (a nested structure of tensors, with the
        dataset's static shapes); running it at the end of the dataset
        raises `tf.errors.OutOfRangeError`."""
        graph = self._graph
        with graph.as_default():
            op = graph.create_op("IteratorGetNext", self._captures, {"iterator": self._handle},
                                 name=name or "IteratorGetNext")
        return pack_sequence_as(self._spec, list(op.outputs))

    @property
    def element_spec(self):
        """The type specification of an element of this iterator."""
        return self._spec

    @property
    def output_types(self):
        """The type of each component of an element of this iterator."""
        return pack_sequence_as(self._spec, [s.dtype for s in flatten(self._spec)])

    @property
    def output_shapes(self):
        """The shape of each component of an element of this iterator."""
        return pack_sequence_as(self._spec, [s.shape for s in flatten(self._spec)])

    @property
    def output_classes(self):
        """The class of each component of an element of this iterator."""
        return pack_sequence_as(self._spec, [Tensor for _ in flatten(self._spec)])


def _is_dataset(value):
    # Datasets (api/dataset_ops.py) import this module for their iterators.
    return hasattr(value, "_captured") and hasattr(value, "element_spec")


def _handle(graph, kind, spec, one_shot=None, captures=()):
    flat = flatten(spec)
    return IteratorHandle(graph.unique_name(kind, mark_as_used=False),
                          [s.dtype for s in flat], [s.shape.as_tuple() for s in flat], one_shot,
                          captures)


def make_one_shot_iterator(dataset):
    """Creates an iterator for elements of `dataset`, initialized on its
    first use (it cannot be re-initialized). The dataset may not capture
    placeholders: use an initializable iterator for those."""
    if not _is_dataset(dataset):
        raise TypeError(f"`dataset` must be a `tf.data.Dataset` object, got {dataset!r}")
    captures = dataset._captured()
    for t in captures:
        if t.op.type in _PLACEHOLDERS:
            raise ValueError(f"Cannot capture a placeholder (name:{t.op.name}, type:{t.op.type}) "
                             "by value.")
    graph = captures[0].graph if captures else get_default_graph()
    return Iterator(_handle(graph, "OneShotIterator", dataset._spec, dataset, captures),
                    dataset._spec, graph=graph, captures=captures)


def make_initializable_iterator(dataset, shared_name=None):
    """Creates an iterator for elements of `dataset`; run its `initializer`
    (with the values of any placeholders the dataset uses fed) before
    `get_next()`, and again to restart it."""
    if not _is_dataset(dataset):
        raise TypeError(f"`dataset` must be a `tf.data.Dataset` object, got {dataset!r}")
    captures = dataset._captured()
    graph = captures[0].graph if captures else get_default_graph()
    with graph.as_default():
        it = Iterator(_handle(graph, "Iterator", dataset._spec), dataset._spec, graph=graph)
        it._initializer = it.make_initializer(dataset)
    return it


def get_output_types(dataset_or_iterator):
    """The output types of a `Dataset` or `Iterator`."""
    return dataset_or_iterator.output_types


def get_output_shapes(dataset_or_iterator):
    """The output shapes of a `Dataset` or `Iterator`."""
    return dataset_or_iterator.output_shapes


def get_output_classes(dataset_or_iterator):
    """The output classes of a `Dataset` or `Iterator`."""
    return dataset_or_iterator.output_classes
