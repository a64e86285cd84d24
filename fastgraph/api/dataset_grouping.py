"""The transformations of `tf.data` that TF 2.21 keeps on `Dataset` and in
`tf.data.experimental`: take_while, scan, unique, ignore_errors,
assert_cardinality, group_by_window (and bucket_by_sequence_length on it),
group_by_reducer, choose_from_datasets and sample_from_datasets, counter,
reduce and get_single_element.

Each is a dataset class as in dataset_ops.py; the `Dataset` methods that
make them are set on `DatasetV2` here, since these classes subclass it.
"""

import numpy as np

from ..framework import dtypes, errors
from ..framework.graph import Tensor, get_default_graph
from ..framework.tensor_shape import TensorShape
from ..ops.arguments import to_tensor
from ..ops.data_ops import single_element
from . import dataset_ops
from .data_structure import (
    TensorSpec, flatten, normalize_element, pack_sequence_as, same_structure,
)
from .dataset_functions import TracedFunction
from .dataset_ops import INFINITE, DatasetV2, _graph_tensors, _most_specific, _RandomWords, _scalar_arg
from .dataset_random import PhiloxStream, SeedGenerator, dataset_seeds, resolve_seeds

__all__ = ["take_while", "scan", "unique", "ignore_errors", "assert_cardinality",
           "group_by_window", "group_by_reducer", "Reducer", "bucket_by_sequence_length",
           "choose_from_datasets", "sample_from_datasets", "Counter", "get_single_element",
           "enumerate_dataset", "RandomDataset"]


def _scalar_bool(fn, what):
    outs = fn.outputs
    if len(outs) != 1 or outs[0].dtype != dtypes.bool or outs[0].shape.rank not in (None, 0) \
            or isinstance(fn.structure, (tuple, list, dict)):
        raise ValueError(f"`{what}` return type must be convertible to a scalar boolean tensor. "
                         f"Was {fn.output_spec()}.")


class _TakeWhile(DatasetV2):
    def __init__(self, input_ds, predicate):
        self._children = (input_ds,)
        self._fn = TracedFunction(predicate, input_ds._spec, "take_while")
        _scalar_bool(self._fn, "predicate")
        self._functions = (self._fn,)
        self._spec = input_ds._spec

    def _iterate(self, env):
        call = self._fn.caller(env)
        it = self._children[0]._iterate(env)
        try:
            for element in it:
                if not bool(np.asarray(call(element)[0])):
                    return
                yield element
        finally:
            it.close()


def _state_tensors(initial_state):
    graph = get_default_graph()
    state = normalize_element(initial_state)
    flat = [to_tensor(graph, x) for x in flatten(state)]
    return state, flat


def _relaxed(specs, tensors):
    return [TensorSpec(_most_specific(s.shape, t.shape), s.dtype) for s, t in zip(specs, tensors)]


class _Scan(DatasetV2):
    """TF's ScanDataset: `scan_func(state, element)` gives `(new_state,
    output)`; the state's shapes are relaxed until the function keeps them."""

    def __init__(self, input_ds, initial_state, scan_func, what="scan", outputs_state=True):
        self._children = (input_ds,)
        structure, self._initial = _state_tensors(initial_state)
        self._tensors = _graph_tensors(*self._initial)
        specs = [TensorSpec(t.shape, t.dtype) for t in self._initial]
        for _ in range(8):
            state_spec = pack_sequence_as(structure, specs)
            fn = TracedFunction(scan_func, (state_spec, input_ds._spec), what)
            out = fn.structure
            if outputs_state:
                if not isinstance(out, tuple) or len(out) != 2:
                    raise TypeError(f"The scan function must return a pair comprising the new "
                                    f"state and the output value. Got {out}.")
                new_state = out[0]
            else:
                new_state = out
            if not same_structure(structure, new_state):
                raise TypeError(f"The element classes for the new state must match the initial "
                                f"state. Expected {structure}; got {new_state}.")
            n = len(specs)
            new = fn.outputs[:n]
            for s, t in zip(specs, new):
                if s.dtype != t.dtype:
                    raise TypeError(
                        "The element types for the new state must match the initial state. "
                        f"Expected {[s.dtype for s in specs]}; got {[t.dtype for t in new]}.")
            relaxed = _relaxed(specs, new)
            if all(r.shape.as_tuple() == s.shape.as_tuple() if r.shape.rank is not None
                   else s.shape.rank is None for r, s in zip(relaxed, specs)):
                break
            specs = relaxed
        self._fn = fn
        self._functions = (fn,)
        self._n = len(specs)
        self._state_spec = pack_sequence_as(structure, specs)
        if outputs_state:
            self._spec = fn.output_spec()[1]

    def _states(self, env):
        """The state after each element (the scan's running value)."""
        call = self._fn.caller(env)
        state = [np.asarray(env.value(t)) for t in self._initial]
        for element in self._children[0]._iterate(env):
            outs = call(list(state) + list(element))
            state = outs[:self._n]
            yield state, outs[self._n:]

    def _iterate(self, env):
        for _, out in self._states(env):
            yield tuple(out)


class _Reduce(_Scan):
    """The final state of `reduce_func(state, element)` over the whole
    dataset: one element (Dataset.reduce)."""

    def __init__(self, input_ds, initial_state, reduce_func):
        super().__init__(input_ds, initial_state, reduce_func, "reduce", outputs_state=False)
        self._spec = self._state_spec

    def _iterate(self, env):
        state = [np.asarray(env.value(t)) for t in self._initial]
        for state, _ in self._states(env):
            pass
        yield tuple(state)


_UNIQUE_TYPES = (dtypes.int32, dtypes.int64, dtypes.string)


class _Unique(DatasetV2):
    def __init__(self, input_ds):
        spec = input_ds._spec
        if not isinstance(spec, TensorSpec) or spec.dtype not in _UNIQUE_TYPES:
            raise TypeError("`tf.data.Dataset.unique` does not support type "
                            f"{spec.dtype if isinstance(spec, TensorSpec) else spec}. "
                            "Only `tf.int32`, `tf.int64`, and `tf.string` are supported.")
        self._children = (input_ds,)
        self._spec = spec

    def _iterate(self, env):
        seen = set()
        for element in self._children[0]._iterate(env):
            value = element[0]
            key = (value.shape, tuple(value.reshape(-1).tolist()) if value.dtype == object
                   else value.tobytes())
            if key not in seen:
                seen.add(key)
                yield element


class _IgnoreErrors(DatasetV2):
    """Drops the elements whose making raised an error. A failing map is
    skipped element by element; another failing input ends the dataset
    (its generator cannot go on past the error)."""

    def __init__(self, input_ds, log_warning=False):
        self._children = (input_ds,)
        self._spec = input_ds._spec

    def _iterate(self, env):
        source = self._children[0]
        if isinstance(source, dataset_ops._Map):
            call = source._fn.caller(env)
            it = source._children[0]._iterate(env)
            while True:
                try:
                    element = next(it)
                except StopIteration:
                    return
                except errors.OpError:
                    return
                try:
                    yield tuple(call(element))
                except errors.OpError:
                    continue
        it = source._iterate(env)
        while True:
            try:
                element = next(it)
            except (StopIteration, errors.OpError):
                return
            yield element


class _AssertCardinality(DatasetV2):
    def __init__(self, input_ds, expected):
        self._children = (input_ds,)
        self._expected = _scalar_arg(expected, name="expected_cardinality")
        self._tensors = _graph_tensors(self._expected)
        self._spec = input_ds._spec

    @staticmethod
    def _text(n):
        return "an infinite number of" if n == INFINITE else str(n)

    def _iterate(self, env):
        expected = env.int_value(self._expected)
        n = 0
        for element in self._children[0]._iterate(env):
            n += 1
            if expected != INFINITE and n > expected:
                raise errors.FailedPreconditionError(
                    None, None, f"Input dataset was expected to contain {self._text(expected)} "
                                f"elements but contained at least {n} elements.")
            yield element
        if n != expected:
            raise errors.FailedPreconditionError(
                None, None, f"Input dataset was expected to contain {self._text(expected)} "
                            f"elements but contained only {n} elements.")


class _Window(DatasetV2):
    """The elements of one window of group_by_window, bound by its caller."""

    def __init__(self, spec):
        self._spec = spec

    def _iterate(self, env):
        yield from env.feeds[id(self)][1]


def _key_fn(fn, spec, what):
    traced = TracedFunction(fn, spec, what)
    outs = traced.outputs
    if len(outs) != 1 or outs[0].dtype != dtypes.int64 or outs[0].shape.rank not in (None, 0):
        raise ValueError(f"`{what}` must return a single tf.int64 scalar tensor. Got "
                         f"{traced.output_spec()}.")
    return traced


class _GroupByWindow(DatasetV2):
    def __init__(self, input_ds, key_func, reduce_func, window_size=None,
                 window_size_func=None):
        if (window_size is None) == (window_size_func is None):
            raise ValueError("Either the `window_size` argument or the `window_size_func` "
                             "argument must be specified.")
        self._children = (input_ds,)
        self._key = _key_fn(key_func, input_ds._spec, "key_func")
        self._window = _Window(input_ds._spec)
        self._reduce = TracedFunction(lambda key: reduce_func(key, self._window),
                                      TensorSpec((), dtypes.int64), "reduce_func",
                                      returns_dataset=True)
        fns = [self._key, self._reduce]
        if window_size_func is not None:
            self._size_fn = _key_fn(window_size_func, TensorSpec((), dtypes.int64),
                                    "window_size_func")
            fns.append(self._size_fn)
            self._size = None
        else:
            self._size_fn = None
            self._size = _scalar_arg(window_size, name="window_size")
            self._tensors = _graph_tensors(self._size)
        self._functions = tuple(fns)
        self._spec = self._reduce.dataset._spec

    def _iterate(self, env):
        key_of = self._key.caller(env)
        size_of = self._size_fn.caller(env) if self._size_fn is not None else None
        fixed = None if size_of is not None else env.int_value(self._size)
        groups = {}
        sizes = {}

        def flush(key):
            window = groups.pop(key)
            bound = self._reduce.bound(env, [np.array(key, np.int64)]).child(
                [(self._window, window)])
            yield from self._reduce.dataset._iterate(bound)

        for element in self._children[0]._iterate(env):
            key = int(np.asarray(key_of(element)[0]))
            if key not in sizes:
                size = fixed if size_of is None else int(np.asarray(
                    size_of([np.array(key, np.int64)])[0]))
                if size <= 0:
                    raise errors.InvalidArgumentError(
                        None, None, f"Window size must be greater than zero, but got {size}.")
                sizes[key] = size
            groups.setdefault(key, []).append(element)
            if len(groups[key]) >= sizes[key]:
                yield from flush(key)
        # As TF's std::map of groups: what is left goes out by key.
        for key in sorted(groups):
            yield from flush(key)


class Reducer:
    """A reducer is used for reducing a set of elements: `init_func(key)`
    gives the initial state, `reduce_func(state, element)` the next one and
    `finalize_func(state)` the result of the group."""

    def __init__(self, init_func, reduce_func, finalize_func):
        self._init_func = init_func
        self._reduce_func = reduce_func
        self._finalize_func = finalize_func

    @property
    def init_func(self):
        """The function that gives a key's initial state."""
        return self._init_func

    @property
    def reduce_func(self):
        """The function of (state, element) that gives the next state."""
        return self._reduce_func

    @property
    def finalize_func(self):
        """The function of the final state that gives the group's element."""
        return self._finalize_func


class _GroupByReducer(DatasetV2):
    def __init__(self, input_ds, key_func, reducer):
        self._children = (input_ds,)
        self._key = _key_fn(key_func, input_ds._spec, "key_func")
        self._init = TracedFunction(reducer.init_func, TensorSpec((), dtypes.int64),
                                    "init_func")
        state_spec = self._init.output_spec()
        self._step = TracedFunction(reducer.reduce_func, (state_spec, input_ds._spec),
                                    "reduce_func")
        if not same_structure(state_spec, self._step.structure):
            raise TypeError("The element classes for the new state must match the initial "
                            f"state. Expected {state_spec}; got {self._step.structure}.")
        self._final = TracedFunction(reducer.finalize_func, state_spec, "finalize_func")
        self._functions = (self._key, self._init, self._step, self._final)
        self._spec = self._final.output_spec()

    def _iterate(self, env):
        key_of, init = self._key.caller(env), self._init.caller(env)
        step, final = self._step.caller(env), self._final.caller(env)
        states = {}
        for element in self._children[0]._iterate(env):
            key = int(np.asarray(key_of(element)[0]))
            if key not in states:
                states[key] = init([np.array(key, np.int64)])
            states[key] = step(list(states[key]) + list(element))
        for key in sorted(states):  # TF keeps the states in a std::map
            yield tuple(final(states[key]))


def _common_spec(datasets):
    first = datasets[0]._spec
    for ds in datasets[1:]:
        if not same_structure(first, ds._spec) or any(
                a.dtype != b.dtype for a, b in zip(flatten(first), flatten(ds._spec))):
            raise TypeError("All datasets must have the same type structure. Got "
                            f"{first} and {ds._spec}.")
    flat = flatten(first)
    for ds in datasets[1:]:
        flat = [TensorSpec(_most_specific(a.shape, b.shape), a.dtype)
                for a, b in zip(flat, flatten(ds._spec))]
    return pack_sequence_as(first, flat)


class _DirectedInterleave(DatasetV2):
    """TF's DirectedInterleaveDataset: each selector element names the
    input that gives the next element."""

    def __init__(self, selector, datasets, stop_on_empty_dataset):
        datasets = list(datasets)
        if not datasets:
            raise ValueError("Invalid `datasets`. `datasets` should not be empty.")
        self._children = (selector,) + tuple(datasets)
        self._stop = bool(stop_on_empty_dataset)
        self._spec = _common_spec(datasets)

    def _iterate(self, env):
        inputs = [ds._iterate(env) for ds in self._children[1:]]
        live = [True] * len(inputs)
        try:
            for (index,) in self._children[0]._iterate(env):
                i = int(index)
                if not 0 <= i < len(inputs):
                    raise errors.InvalidArgumentError(
                        None, None, f"Selector index out of range: {i} >= {len(inputs)}")
                if not live[i]:
                    continue
                try:
                    yield next(inputs[i])
                except StopIteration:
                    live[i] = False
                    if self._stop or not any(live):
                        return
        finally:
            for it in inputs:
                it.close()


def choose_from_datasets(datasets, choice_dataset, stop_on_empty_dataset=False):
    """Creates a dataset that deterministically chooses elements from
    `datasets`: the i-th element of `choice_dataset` (scalar tf.int64)
    says which dataset gives the i-th element. (The experimental endpoint:
    by default an exhausted dataset's choices are skipped.)"""
    spec = choice_dataset._spec
    if not isinstance(spec, TensorSpec) or spec.dtype != dtypes.int64 or \
            spec.shape.rank not in (None, 0):
        raise TypeError("Invalid `choice_dataset`. Elements of `choice_dataset` must be scalar "
                        f"`tf.int64` tensors but are {spec}.")
    return _DirectedInterleave(choice_dataset, datasets, stop_on_empty_dataset)


class _Choices(DatasetV2):
    """Indices drawn at random with the given weights, from the dataset
    seeds' Philox stream (53 bits per draw)."""

    def __init__(self, weights, seed, rerandomize):
        self._weights = weights
        self._tensors = _graph_tensors(weights)
        self._seeds = dataset_seeds(seed)
        self._rerandomize = True if rerandomize is None else bool(rerandomize)
        self._spec = TensorSpec((), dtypes.int64)

    def _iterate(self, env):
        w = np.asarray(env.value(self._weights), np.float64).reshape(-1)
        if np.any(w < 0) or not np.all(np.isfinite(w)) or w.sum() <= 0:
            raise errors.InvalidArgumentError(None, None, "`weights` must be non-negative and "
                                                          "not all zero.")
        cdf = np.cumsum(w / w.sum())
        with env.state["lock"]:
            gen = env.state.get(("seeds", id(self)))
            if gen is None:
                gen = env.state[("seeds", id(self))] = SeedGenerator(
                    resolve_seeds(self._seeds), self._rerandomize)
            rand = PhiloxStream(*gen.next_seeds())
        last = len(cdf) - 1
        while True:
            env.check()
            u = ((rand() >> 5) * 67108864.0 + (rand() >> 6)) / 9007199254740992.0
            yield (np.array(min(int(np.searchsorted(cdf, u, side="right")), last), np.int64),)


def sample_from_datasets(datasets, weights=None, seed=None, stop_on_empty_dataset=False,
                         rerandomize_each_iteration=None):
    """Samples elements at random from the datasets in `datasets`, with
    probabilities `weights` (uniform when None). With
    `stop_on_empty_dataset=False`, an exhausted dataset's weight goes to the
    others, and the result ends when all are exhausted."""
    datasets = list(datasets)
    if not datasets:
        raise ValueError("Invalid `datasets`. `datasets` should not be empty.")
    if weights is None:
        weights = np.full(len(datasets), 1.0 / len(datasets))
    elif isinstance(weights, DatasetV2):
        raise NotImplementedError("fastgraph's sample_from_datasets takes fixed weights (a list "
                                  "or a tensor), not a dataset of them")
    if isinstance(weights, Tensor) or hasattr(weights, "_as_graph_element"):
        weights = to_tensor(get_default_graph(), weights)
    else:
        weights = np.asarray(weights, np.float64)
        if weights.shape != (len(datasets),):
            raise ValueError(f"Invalid `weights`. The shape of `weights` should be compatible "
                             f"with `[len(datasets)]` but is {list(weights.shape)}.")
    return _DirectedInterleave(_Choices(weights, seed, rerandomize_each_iteration), datasets,
                               stop_on_empty_dataset)


def Counter(start=0, step=1, dtype=dtypes.int64, name=None):  # noqa: N802 - TF's name
    """Creates a `Dataset` that counts from `start` in steps of size `step`
    (forever)."""
    return _Counter(start, step, dtypes.as_dtype(dtype))


class _Counter(DatasetV2):
    def __init__(self, start, step, dtype):
        self._start = _scalar_arg(start, name="start")
        self._step = _scalar_arg(step, name="step")
        self._tensors = _graph_tensors(self._start, self._step)
        self._dtype = dtype
        self._spec = TensorSpec((), dtype)

    def _iterate(self, env):
        value, step = env.int_value(self._start), env.int_value(self._step)
        np_type = self._dtype.np_dtype
        while True:
            env.check()
            yield (np.array(value, np_type),)
            value += step


def RandomDataset(seed=None, name=None):  # noqa: N802 - TF's name
    """A `Dataset` of pseudorandom values (scalar tf.int64)."""
    return _RandomWords(seed, None)


class _BucketBySequenceLength(DatasetV2):
    """TF's bucket_by_sequence_length: elements go to the bucket of their
    length (`bucket_boundaries` split the lengths into half-open ranges),
    and each bucket is padded-batched once it holds its batch size; the
    partly filled buckets follow at the end, in the order they were
    first filled."""

    def __init__(self, input_ds, element_length_func, bucket_boundaries, bucket_batch_sizes,
                 padded_shapes, padding_values, pad_to_bucket_boundary, no_padding,
                 drop_remainder):
        self._bounds = [int(b) for b in bucket_boundaries]
        self._sizes = [int(n) for n in bucket_batch_sizes]
        if len(self._sizes) != len(self._bounds) + 1:
            raise ValueError(
                "`len(bucket_batch_sizes)` must equal `len(bucket_boundaries) + 1` but "
                f"`len(bucket_batch_sizes)={len(self._sizes)}` and "
                f"`len(bucket_boundaries)={len(self._bounds)}`.")
        if self._bounds != sorted(self._bounds):
            raise ValueError("`bucket_boundaries` must be sorted.")
        self._children = (input_ds,)
        self._length = TracedFunction(element_length_func, input_ds._spec,
                                      "element_length_func")
        if len(self._length.outputs) != 1 or not self._length.outputs[0].dtype.is_integer:
            raise ValueError("`element_length_func` must return a single integer scalar.")
        self._functions = (self._length,)
        self._to_boundary = bool(pad_to_bucket_boundary)
        self._no_padding = bool(no_padding)
        self._drop = bool(drop_remainder)
        if self._no_padding:
            self._batcher = dataset_ops._Batch(input_ds, 1, False)
        else:
            self._batcher = dataset_ops._PaddedBatch(input_ds, 1, padded_shapes,
                                                     padding_values, False)
        self._tensors = list(self._batcher._tensors)
        self._spec = self._batcher._spec

    def _bucket(self, n):
        for i, b in enumerate(self._bounds):
            if n < b:
                return i
        return len(self._bounds)

    def _combine(self, batch, pads, bucket):
        if self._no_padding:
            return self._batcher._combine(batch, pads)
        if not self._to_boundary:
            return self._batcher._combine(batch, pads)
        if bucket >= len(self._bounds):
            raise errors.InvalidArgumentError(
                None, None, "When pad_to_bucket_boundary=True, elements must have length < "
                            "max(bucket_boundaries).")
        top = self._bounds[bucket] - 1
        saved = self._batcher._pad_shapes
        self._batcher._pad_shapes = [
            TensorShape([top if d is None else d for d in s.as_tuple()])
            if s.rank is not None else s for s in saved]
        try:
            return self._batcher._combine(batch, pads)
        finally:
            self._batcher._pad_shapes = saved

    def _iterate(self, env):
        length_of = self._length.caller(env)
        pads = self._batcher._prepare(env)
        buckets = {}
        for element in self._children[0]._iterate(env):
            b = self._bucket(int(np.asarray(length_of(element)[0])))
            buckets.setdefault(b, []).append(element)
            if len(buckets[b]) == self._sizes[b]:
                yield self._combine(buckets.pop(b), pads, b)
        if not self._drop:
            for b in sorted(buckets):  # as group_by_window, by bucket
                yield self._combine(buckets[b], pads, b)


def bucket_by_sequence_length(element_length_func, bucket_boundaries, bucket_batch_sizes,
                              padded_shapes=None, padding_values=None,
                              pad_to_bucket_boundary=False, no_padding=False,
                              drop_remainder=False):
    """A transformation that buckets elements of a `Dataset` by length:
    elements of similar length are batched together, padded to the longest
    of their batch (or to their bucket's boundary - 1)."""
    return lambda ds: _BucketBySequenceLength(
        ds, element_length_func, bucket_boundaries, bucket_batch_sizes, padded_shapes,
        padding_values, pad_to_bucket_boundary, no_padding, drop_remainder)


def get_single_element(dataset, name=None):
    """Returns the single element of the `dataset` as a nested structure of
    tensors: InvalidArgumentError when the dataset is empty or has more than
    one element (each run reads the dataset anew)."""
    if not isinstance(dataset, DatasetV2):
        raise TypeError(f"Invalid `dataset`. Expected a `tf.data.Dataset` object but got "
                        f"{type(dataset)}.")
    flat = dataset._flat_specs()
    outs = single_element(dataset, dataset._captured(), [s.dtype for s in flat],
                          [s.shape.as_tuple() for s in flat], name=name)
    return pack_sequence_as(dataset._spec, outs)


def enumerate_dataset(start=0):
    """A transformation that enumerates the elements of a dataset: its
    elements are `(index, element)` pairs."""
    return lambda ds: ds.enumerate(start)


def take_while(predicate):
    """A transformation that stops dataset iteration based on a `predicate`."""
    return lambda ds: _TakeWhile(ds, predicate)


def scan(initial_state, scan_func):
    """A transformation that scans a function across an input dataset."""
    return lambda ds: _Scan(ds, initial_state, scan_func)


def unique():
    """Creates a `Dataset` from another `Dataset`, discarding duplicates."""
    return lambda ds: _Unique(ds)


def ignore_errors(log_warning=False):
    """Creates a `Dataset` from another `Dataset` and silently ignores any
    errors."""
    return lambda ds: _IgnoreErrors(ds, log_warning)


def assert_cardinality(expected_cardinality):
    """Asserts the cardinality of the input dataset: FailedPreconditionError
    when its iteration gives another number of elements."""
    return lambda ds: _AssertCardinality(ds, expected_cardinality)


def group_by_window(key_func, reduce_func, window_size=None, window_size_func=None):
    """A transformation that groups windows of elements by key and reduces
    them: `reduce_func(key, window_dataset)` gives a dataset for each window
    of up to `window_size` elements of one key."""
    return lambda ds: _GroupByWindow(ds, key_func, reduce_func, window_size, window_size_func)


def group_by_reducer(key_func, reducer):
    """A transformation that groups elements and performs a reduction: one
    element per key, from the `Reducer`'s functions."""
    return lambda ds: _GroupByReducer(ds, key_func, reducer)

# -- the Dataset methods (TF 2.21 keeps these transformations on Dataset) --------

def _method_take_while(self, predicate, name=None):
    """A transformation that stops dataset iteration based on a `predicate`."""
    return _TakeWhile(self, predicate)


def _method_scan(self, initial_state, scan_func, name=None):
    """A transformation that scans a function across an input dataset."""
    return _Scan(self, initial_state, scan_func)


def _method_unique(self, name=None):
    """A transformation that discards duplicate elements of a `Dataset`."""
    return _Unique(self)


def _method_ignore_errors(self, log_warning=False, name=None):
    """Drops elements that cause errors."""
    return _IgnoreErrors(self, log_warning)


def _method_group_by_window(self, key_func, reduce_func, window_size=None,
                            window_size_func=None, name=None):
    """Groups windows of elements by key and reduces them."""
    return _GroupByWindow(self, key_func, reduce_func, window_size, window_size_func)


def _method_bucket_by_sequence_length(self, element_length_func, bucket_boundaries,
                                      bucket_batch_sizes, padded_shapes=None,
                                      padding_values=None, pad_to_bucket_boundary=False,
                                      no_padding=False, drop_remainder=False, name=None):
    """A transformation that buckets elements in a `Dataset` by length."""
    return _BucketBySequenceLength(self, element_length_func, bucket_boundaries,
                                   bucket_batch_sizes, padded_shapes, padding_values,
                                   pad_to_bucket_boundary, no_padding, drop_remainder)


def _method_reduce(self, initial_state, reduce_func, name=None):
    """Reduces the input dataset to a single element: `reduce_func(state,
    element)` over all elements, from `initial_state`."""
    return get_single_element(_Reduce(self, initial_state, reduce_func))


def _method_get_single_element(self, name=None):
    """Returns the single element of the `dataset`."""
    return get_single_element(self, name)


def _choose(datasets, choice_dataset, stop_on_empty_dataset=True):
    """Creates a dataset that deterministically chooses elements from `datasets`."""
    return choose_from_datasets(datasets, choice_dataset, stop_on_empty_dataset)


def _sample(datasets, weights=None, seed=None, stop_on_empty_dataset=False,
            rerandomize_each_iteration=None):
    """Samples elements at random from the datasets in `datasets`."""
    return sample_from_datasets(datasets, weights, seed, stop_on_empty_dataset,
                                rerandomize_each_iteration)


def _counter(start=0, step=1, dtype=dtypes.int64, name=None):
    """Creates a `Dataset` that counts from `start` in steps of size `step`."""
    return _Counter(start, step, dtypes.as_dtype(dtype))


for _name, _fn in [("take_while", _method_take_while), ("scan", _method_scan),
                   ("unique", _method_unique), ("ignore_errors", _method_ignore_errors),
                   ("group_by_window", _method_group_by_window),
                   ("bucket_by_sequence_length", _method_bucket_by_sequence_length),
                   ("reduce", _method_reduce), ("get_single_element", _method_get_single_element),
                   ("choose_from_datasets", staticmethod(_choose)),
                   ("sample_from_datasets", staticmethod(_sample)),
                   ("counter", staticmethod(_counter))]:
    setattr(DatasetV2, _name, _fn)
