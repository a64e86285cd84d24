"""Iterator ops: IteratorGetNext, MakeIterator and IteratorToStringHandle, the graph side of
`tf.data` (api/dataset_ops.py, api/iterator_ops.py).

Both are stateful host ops. The iterator they share is a resource of the
session that runs them (`HostContext.resource`, keyed by the iterator's
`IteratorHandle`), so two sessions on one graph iterate independently and
`Session.close()` closes the iterator with its files and threads.
MakeIterator (an initializable iterator's `initializer`) starts the
pipeline of its `dataset` attribute with the values of its inputs (the
graph tensors the dataset captures); IteratorGetNext gives the next
element, and starts a one-shot iterator's pipeline on its first run.

A dataset here is any object with `_start(session, feeds)`, `feeds` a list
of (tensor, value) pairs, giving a pipeline with `next()` (a list of
arrays, or OutOfRangeError at the end) and `close()`.
"""

import threading
import weakref

import numpy as np

from ..framework import dtypes, errors
from ..framework.graphdef_mapping import NoGraphDef
from ..framework.op_registry import NotDifferentiable, OpDef, register
from . import samples
from .arguments import graph_of

__all__ = []  # the public API is tf.data's (api/dataset_ops.py, api/iterator_ops.py)

_NOT_INITIALIZED = ("GetNext() failed because the iterator has not been initialized. Ensure that "
                    "you have run the initializer operation for this iterator before getting "
                    "the next element.")


_BY_TOKEN = weakref.WeakValueDictionary()  # string handle -> IteratorHandle


class IteratorHandle:
    """What names one iterator in a graph: the flat dtypes and shapes of its
    elements, for a one-shot iterator the dataset it starts itself and the
    graph tensors that dataset captures, and whether it is a feedable
    iterator (`Iterator.from_string_handle`: its IteratorGetNext takes the
    string handle of the iterator to read as its input)."""

    __slots__ = ("name", "output_types", "output_shapes", "one_shot", "captures", "feedable",
                 "token", "__weakref__")

    def __init__(self, name, output_types, output_shapes, one_shot=None, captures=(),
                 feedable=False):
        self.name = name
        self.output_types = list(output_types)
        self.output_shapes = [None if s is None else tuple(s) for s in output_shapes]
        self.one_shot = one_shot
        self.captures = list(captures)
        self.feedable = feedable
        self.token = f"{name}:{id(self):x}".encode()
        _BY_TOKEN[self.token] = self

    def __repr__(self):
        return f"IteratorHandle({self.name!r})"


class IteratorResource:
    """One session's state of one iterator: its running pipeline (None until
    initialized). Runs in several threads take elements in turn, each once."""

    def __init__(self):
        self._lock = threading.Lock()
        self._pipeline = None
        self._closed = False
        self._started = False

    def initialize(self, dataset, feeds, session):
        """(Re)starts the pipeline of `dataset`, closing the one before."""
        new = dataset._start(session, feeds)
        with self._lock:
            old, self._pipeline = self._pipeline, new
            self._started = True
            closed = self._closed
        if old is not None:
            old.close()
        if closed:
            new.close()

    def start_once(self, dataset, feeds, session):
        """Starts a one-shot iterator's pipeline on its first use."""
        with self._lock:
            if self._started:
                return
            self._started = True
            self._pipeline = dataset._start(session, feeds)

    def get_next(self):
        """The next element's arrays; OutOfRangeError at the end."""
        with self._lock:
            if self._closed:
                raise errors.CancelledError(None, None, "Iterator was closed")
            if self._pipeline is None:
                raise errors.FailedPreconditionError(None, None, _NOT_INITIALIZED)
            return self._pipeline.next()

    def close(self):
        """Stops the pipeline: its threads end and its files close."""
        self._closed = True
        pipeline, self._pipeline = self._pipeline, None
        if pipeline is not None:
            pipeline.close()


def _resource(ctx, handle):
    return ctx.resource(("iterator", handle), IteratorResource)


def _target(handle, values):
    """The iterator an IteratorGetNext reads: its own, or for a feedable
    iterator the one whose string handle it was fed."""
    if not handle.feedable:
        return handle
    token = np.asarray(values[0], dtype=object).item()
    token = token.encode() if isinstance(token, str) else token
    target = _BY_TOKEN.get(token)
    if target is None:
        raise errors.InvalidArgumentError(None, None, f"Invalid iterator handle: {token!r}")
    if target.output_types != handle.output_types:
        raise errors.InvalidArgumentError(
            None, None, "The iterator handle names an iterator of types "
                        f"[{', '.join(t.name for t in target.output_types)}], expected "
                        f"[{', '.join(t.name for t in handle.output_types)}]")
    return target


def _get_next_host(ctx, op, values):
    handle = op.get_attr("iterator")
    target = _target(handle, values)
    res = _resource(ctx, target)
    if target.one_shot is not None:
        if target is handle:
            feeds = list(zip(op._inputs, values))
        else:  # its captures' values, from a run of their own
            feeds = list(zip(target.captures, ctx.session.run(target.captures))) \
                if target.captures else []
        res.start_once(target.one_shot, feeds, ctx.session)
    return res.get_next()


def _string_handle_host(ctx, op, values):
    return [np.array(op.get_attr("iterator").token, dtype=object)]


def _string_handle_reference(inputs, attrs):
    return [attrs["iterator"].token]


def _make_iterator_host(ctx, op, values):
    res = _resource(ctx, op.get_attr("iterator"))
    res.initialize(op.get_attr("dataset"), list(zip(op._inputs, values)), ctx.session)
    return []


def _first_element(dataset, inputs):
    """The element a fresh pipeline of `dataset` gives first (datasets that
    run no graph function, as the samples')."""
    pipeline = dataset._start(None, list(zip([None] * len(inputs), inputs)))
    try:
        return pipeline.next()
    finally:
        pipeline.close()


def _get_next_reference(inputs, attrs):
    target = _target(attrs["iterator"], inputs)
    return _first_element(target.one_shot, [] if target is not attrs["iterator"] else inputs)


def _make_iterator_reference(inputs, attrs):
    return []


def _get_next_shape(ctx):
    return list(ctx.attrs["iterator"].output_shapes)


def _get_next_dtype(ctx):
    return list(ctx.attrs["iterator"].output_types)


class _Rows:
    """The op sweep's dataset: the rows of arrays (the sweep's `samples`)."""

    def __init__(self, arrays):
        self.arrays = [np.asarray(a) for a in arrays]

    def _start(self, session, feeds):
        return _RowPipeline(self.arrays)


class _RowPipeline:
    def __init__(self, arrays):
        self._arrays = arrays
        self._i = 0

    def next(self):
        if self._i >= len(self._arrays[0]):
            raise errors.OutOfRangeError(None, None, "End of sequence")
        self._i += 1
        return [np.array(a[self._i - 1]) for a in self._arrays]

    def close(self):
        self._arrays = None


def _handle_of(arrays, name):
    return IteratorHandle(name, [dtypes.as_dtype(np.asarray(a).dtype) for a in arrays],
                          [np.shape(a)[1:] for a in arrays], one_shot=_Rows(arrays))


def _get_next_samples(dtype):
    rows = samples.values(dtype, (3, 2), 1)
    yield [], {"iterator": _handle_of([rows], "sample_iterator")}
    pairs = _handle_of([samples.values(dtype, (2,), 2), rows[:2]], "pairs")
    yield [], {"iterator": pairs}
    # A feedable iterator reading the one-shot iterator named by its input.
    target = _handle_of([rows[1:]], "named")
    _SAMPLE_HANDLES.append(target)
    feedable = IteratorHandle("feedable", target.output_types, target.output_shapes,
                              feedable=True)
    yield [samples.known(np.array(target.token, dtype=object))], {"iterator": feedable}


_SAMPLE_HANDLES = []  # the targets of the feedable samples stay alive while the sweep runs


def _string_handle_samples(dtype):
    yield [], {"iterator": _handle_of([samples.values(dtype, (2,), 4)], "handled")}


def _make_iterator_samples(dtype):
    rows = samples.values(dtype, (3, 2), 3)
    handle = _handle_of([rows], "initializable")
    yield [], {"iterator": IteratorHandle(handle.name, handle.output_types, handle.output_shapes),
               "dataset": _Rows([rows])}


_NO_NODE = NoGraphDef("TF's op takes a dataset variant and an iterator resource, which fastgraph "
                      "keeps as Python objects of the session (no dataset graph to write)")

register(OpDef("IteratorGetNext", shape=_get_next_shape, dtype=_get_next_dtype, stateful=True,
               host=_get_next_host, reference=_get_next_reference, samples=_get_next_samples,
               graphdef=_NO_NODE))
register(OpDef("IteratorToStringHandle", shape=lambda ctx: [()],
               dtype=lambda ctx: [dtypes.string], host=_string_handle_host,
               reference=_string_handle_reference, samples=_string_handle_samples,
               graphdef=_NO_NODE))
register(OpDef("MakeIterator", shape=lambda ctx: [], dtype=lambda ctx: [], stateful=True,
               host=_make_iterator_host, reference=_make_iterator_reference,
               samples=_make_iterator_samples, graphdef=_NO_NODE))

# ---- DatasetToSingleElement ----------------------------------------------------------

def _single_element_host(ctx, op, values):
    pipeline = op.get_attr("dataset")._start(ctx.session, list(zip(op._inputs, values)))
    try:
        try:
            first = pipeline.next()
        except errors.OutOfRangeError:
            raise errors.InvalidArgumentError(None, None, "Dataset was empty.") from None
        try:
            pipeline.next()
        except errors.OutOfRangeError:
            return first
        raise errors.InvalidArgumentError(None, None, "Dataset had more than one element.")
    finally:
        pipeline.close()


def _single_element_reference(inputs, attrs):
    return _first_element(attrs["dataset"], inputs)


def _single_element_samples(dtype):
    rows = samples.values(dtype, (1, 3), 5)
    yield [], {"dataset": _Rows([rows]), "output_types": (dtypes.as_dtype(rows.dtype),),
               "output_shapes": ((3,),)}


def single_element(dataset, captures, output_types, output_shapes, name=None):
    """The outputs of a DatasetToSingleElement op: the one element of
    `dataset` (its pipeline started with `captures`' values) on each run."""
    graph = graph_of(captures)
    op = graph.create_op("DatasetToSingleElement", list(captures), {
        "dataset": dataset, "output_types": tuple(output_types),
        "output_shapes": tuple(tuple(s) if s is not None else None for s in output_shapes)},
        name=name or "DatasetToSingleElement")
    return list(op.outputs)


register(OpDef("DatasetToSingleElement",
               shape=lambda ctx: list(ctx.attrs["output_shapes"]),
               dtype=lambda ctx: list(ctx.attrs["output_types"]), stateful=True,
               host=_single_element_host, reference=_single_element_reference,
               samples=_single_element_samples, graphdef=_NO_NODE))

NotDifferentiable("DatasetToSingleElement")
NotDifferentiable("IteratorGetNext")
NotDifferentiable("MakeIterator")
NotDifferentiable("IteratorToStringHandle")
