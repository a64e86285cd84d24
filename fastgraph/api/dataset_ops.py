"""`tf.data.Dataset` in graph mode.

A dataset is a Python object that describes a pipeline (its source, the
transformations on it and its `element_spec`); it holds no state. The
graph holds only the ops of the iterators made from it (iterator_ops.py),
whose session-owned resource runs the pipeline: `_iterate(env)` of each
dataset is a Python generator of elements, each a tuple of NumPy arrays
(the flattened structure; strings are object arrays of bytes).

Functions given to `map`, `filter`, `flat_map` and `interleave` are traced
once, on placeholders shaped as the input elements, into a sub-graph of
the dataset's graph (`Graph._sub_graph`, as loops trace their bodies), and
run by the iterator's session for each element: they read the session's
variables, as TF's dataset functions do (dataset_functions.py). The
running state of one initialization is in dataset_pipeline.py. Tensors a dataset takes from the
graph (a placeholder given to `from_tensor_slices`, a fed batch size) are
its captures: the iterator's initializer takes their values when it runs.
"""

import collections
import glob
import os
import time

import numpy as np

from ..framework import dtypes, errors
from ..framework.graph import Tensor, get_default_graph
from ..framework.static_values import constant_value
from ..framework.tensor_shape import TensorShape
from ..ops.arguments import to_tensor
from . import iterator_ops
from .dataset_cache_file import CacheFileWriter, read_cache_file
from .dataset_functions import TracedFunction
from .dataset_random import PhiloxStream, SeedGenerator, dataset_seeds, resolve_seeds
from .dataset_pipeline import END, Pipeline, Pool, Producer, interleave
from .data_structure import (
    TensorSpec, as_array, flatten, is_nested, leaves_like, map_structure, normalize_element,
    pack_sequence_as, same_structure, specs_from,
)

__all__ = ["DatasetV2", "Options", "AUTOTUNE", "INFINITE", "UNKNOWN"]

AUTOTUNE = -1
"""Lets tf.data choose a value (buffer sizes, parallelism) at run time."""
INFINITE = -1
UNKNOWN = -2



# -- arguments --------------------------------------------------------------------

def _graph_tensors(*args):
    """The arguments that are graph tensors (a dataset's `_tensors`: what
    its iterator's initializer evaluates), the known ones left out."""
    return [a for a in args if isinstance(a, Tensor)]


def _scalar_arg(value, dtype=dtypes.int64, name="argument"):
    """A scalar argument (batch size, count): a Python int when known when
    the graph is built, else the graph tensor that gives it."""
    if isinstance(value, Tensor) or hasattr(value, "_as_graph_element"):
        t = to_tensor(get_default_graph(), value)
        known = constant_value(t)
        if known is not None:
            return int(np.asarray(known))
        if t.shape.rank not in (None, 0):
            raise ValueError(f"Shape must be rank 0 but is rank {t.shape.rank} for '{name}'")
        return t
    return int(value)


def _static(value):
    """A scalar argument's value when known at build time, else None."""
    return None if isinstance(value, Tensor) else value


def _leaf_value(value, dtype=None):
    """A component given to from_tensors/from_tensor_slices: a NumPy array
    (constants and Python values) or a graph tensor to capture."""
    if isinstance(value, DatasetV2):
        raise TypeError("Datasets cannot be elements of a dataset here")
    if not isinstance(value, (Tensor, np.ndarray, np.generic, list, tuple, int, float, bool,
                              complex, str, bytes)):
        value = to_tensor(get_default_graph(), value)  # a Variable reads itself
    if isinstance(value, Tensor):
        known = constant_value(value) if value.op.type == "Const" else None
        if known is not None:
            return np.asarray(known), value.dtype, value.shape
        return value, value.dtype, value.shape
    arr, dtype = as_array(value, dtype)
    if isinstance(value, np.ndarray) and np.shares_memory(arr, value):
        arr = arr.copy()  # a snapshot, as TF's constant: the caller may change theirs
    arr.setflags(write=False)
    return arr, dtype, TensorShape(arr.shape)


def _leaf(arr, i):
    """Row `i` of `arr`, as an array (0-d for a vector's row)."""
    return arr[i, ...]


def _shape_text(shape):
    return "[" + ",".join(str(d) for d in shape) + "]"


# -- the dataset base class ----------------------------------------------------------

class DatasetV2:
    """Represents a potentially large set of elements.

    A `Dataset` describes an input pipeline: a source of elements and the
    transformations applied to them. In graph mode its elements are read
    through an iterator (`tf.compat.v1.data.make_one_shot_iterator`,
    `make_initializable_iterator`), whose `get_next()` gives graph tensors.
    """

    _spec = None
    _children = ()
    _tensors = ()
    _functions = ()

    # -- structure -----------------------------------------------------------

    @property
    def element_spec(self):
        """The type specification of an element of this dataset (a nested
        structure of `tf.TensorSpec`)."""
        return self._spec

    @property
    def output_types(self):
        """The type of each component of an element of this dataset."""
        return map_structure(lambda s: s.dtype, self._spec)

    @property
    def output_shapes(self):
        """The shape of each component of an element of this dataset."""
        return map_structure(lambda s: s.shape, self._spec)

    @property
    def output_classes(self):
        """The class of each component of an element of this dataset."""
        return map_structure(lambda s: Tensor, self._spec)

    def _flat_specs(self):
        return flatten(self._spec)

    def _captured(self):
        """The graph tensors this pipeline needs when it starts (in a
        stable order, each once)."""
        out, seen = [], set()

        def add(t):
            if id(t) not in seen:
                seen.add(id(t))
                out.append(t)

        stack = [self]
        while stack:
            ds = stack.pop()
            for t in ds._tensors:
                if isinstance(t, Tensor):
                    add(t)
            for fn in ds._functions:
                for t in fn.captures:
                    add(t)
            stack.extend(reversed(ds._children))
        return out

    def _iterate(self, env):
        raise NotImplementedError

    def _start(self, session, feeds):
        """A running Pipeline of this dataset (feeds: the captures' values)."""
        return Pipeline(self, session, feeds)

    def __iter__(self):
        raise RuntimeError("`tf.data.Dataset` only supports Python-style iteration in eager "
                           "mode or within tf.function.")

    def __repr__(self):
        return f"<{type(self).__name__} element_spec={self._spec}>"

    # -- sources ---------------------------------------------------------------

    @staticmethod
    def from_tensors(tensors, name=None):
        """Creates a `Dataset` with a single element, comprising the given tensors."""
        return _Tensors(tensors)

    @staticmethod
    def from_tensor_slices(tensors, name=None):
        """Creates a `Dataset` whose elements are slices of the given tensors
        (along their first dimension, which must be the same for all)."""
        return _TensorSlices(tensors)

    @staticmethod
    def range(*args, output_type=dtypes.int64, name=None):
        """Creates a `Dataset` of a step-separated range of values
        (`range(stop)`, `range(start, stop[, step])`)."""
        return _Range(args, output_type)

    @staticmethod
    def from_generator(generator, output_types=None, output_shapes=None, args=None,
                       output_signature=None, name=None):
        """Creates a `Dataset` whose elements are generated by `generator`
        (a callable returning an iterator, called anew for each iteration)."""
        return _Generator(generator, output_types, output_shapes, args, output_signature)

    @staticmethod
    def random(seed=None, rerandomize_each_iteration=None, name=None):
        """Creates a `Dataset` of pseudorandom values: scalar tf.int64
        values, each a uniformly drawn 32-bit word (TF's stream for the
        seeds; with `rerandomize_each_iteration` each iteration draws new
        ones, else each repeats the first's)."""
        return _RandomWords(seed, bool(rerandomize_each_iteration))

    @staticmethod
    def list_files(file_pattern, shuffle=None, seed=None, name=None):
        """A dataset of all files matching one or more glob patterns (sorted,
        then shuffled unless `shuffle=False`)."""
        files = _MatchingFiles(file_pattern)
        if shuffle is None or shuffle:
            return _Shuffle(files, np.iinfo(np.int64).max, seed, True)
        return files

    @staticmethod
    def zip(*args, datasets=None, name=None):
        """Creates a `Dataset` by zipping together the given datasets (a
        nested structure of datasets, or several positional ones)."""
        if datasets is None:
            datasets = args[0] if len(args) == 1 else tuple(args)
        return _Zip(datasets)

    # -- transformations ---------------------------------------------------------

    def concatenate(self, dataset, name=None):
        """Creates a `Dataset` by concatenating the given dataset with this dataset."""
        return _Concatenate(self, dataset)

    def map(self, map_func, num_parallel_calls=None, deterministic=None, name=None):
        """Maps `map_func` across the elements of this dataset.

        `map_func` is traced once into graph ops and run for each element;
        with `num_parallel_calls` (or AUTOTUNE) several elements are mapped
        at once, in order.
        """
        return _Map(self, map_func, num_parallel_calls)

    def filter(self, predicate, name=None):
        """Filters this dataset according to `predicate` (a function
        returning a scalar tf.bool)."""
        return _Filter(self, predicate)

    def batch(self, batch_size, drop_remainder=False, num_parallel_calls=None,
              deterministic=None, name=None):
        """Combines consecutive elements of this dataset into batches."""
        return _Batch(self, batch_size, drop_remainder)

    def padded_batch(self, batch_size, padded_shapes=None, padding_values=None,
                     drop_remainder=False, name=None):
        """Combines consecutive elements of this dataset into padded batches."""
        return _PaddedBatch(self, batch_size, padded_shapes, padding_values, drop_remainder)

    def unbatch(self, name=None):
        """Splits elements of a dataset into multiple elements (along the
        first dimension of each component)."""
        return _Unbatch(self)

    def repeat(self, count=None, name=None):
        """Repeats this dataset so each original value is seen `count` times
        (forever when `count` is None or -1)."""
        return _Repeat(self, count)

    def shuffle(self, buffer_size, seed=None, reshuffle_each_iteration=None, name=None):
        """Randomly shuffles the elements of this dataset, drawing each from
        a buffer of `buffer_size` elements."""
        return _Shuffle(self, buffer_size, seed, reshuffle_each_iteration)

    def take(self, count, name=None):
        """Creates a `Dataset` with at most `count` elements from this dataset."""
        return _Take(self, count)

    def skip(self, count, name=None):
        """Creates a `Dataset` that skips `count` elements from this dataset."""
        return _Skip(self, count)

    def prefetch(self, buffer_size, name=None):
        """Creates a `Dataset` that prefetches elements from this dataset
        (in a background thread, up to `buffer_size` ahead)."""
        return _Prefetch(self, buffer_size)

    def cache(self, filename="", name=None):
        """Caches the elements in this dataset: the first iteration reads
        the input, later ones replay it, from memory, or from the file
        `filename` names when given (kept across sessions and processes;
        dataset_cache_file.py)."""
        return _Cache(self, filename)

    def interleave(self, map_func, cycle_length=None, block_length=None, num_parallel_calls=None,
                   deterministic=None, name=None):
        """Maps `map_func` (returning a Dataset) across this dataset and
        interleaves the results: `cycle_length` inputs at a time, taking
        `block_length` consecutive elements from each."""
        return _Interleave(self, map_func, cycle_length, block_length)

    def flat_map(self, map_func, name=None):
        """Maps `map_func` across this dataset and flattens the result."""
        return _Interleave(self, map_func, 1, 1)

    def enumerate(self, start=0, name=None):
        """Enumerates the elements of this dataset: (index, element) pairs."""
        return _Zip((DatasetV2.range(start, np.iinfo(np.int64).max), self))

    def shard(self, num_shards, index, name=None):
        """Creates a `Dataset` that includes only 1/`num_shards` of this
        dataset: the elements whose position modulo `num_shards` is `index`."""
        return _Shard(self, num_shards, index)

    def with_options(self, options, name=None):
        """Returns a new `tf.data.Dataset` with the given options set (they
        are kept; fastgraph's pipelines need none of them)."""
        return _WithOptions(self, options)

    def options(self):
        """Returns the options for this dataset and its inputs."""
        found = Options()
        stack = [self]
        while stack:
            ds = stack.pop()
            if isinstance(ds, _WithOptions):
                found = ds._options.merge(found)
            stack.extend(ds._children)
        return found

    def cardinality(self):
        """The number of elements of this dataset as a scalar tf.int64
        tensor: `INFINITE` (-1) for an endless one, `UNKNOWN` (-2) when it
        depends on the data (a filter, files, a generator)."""
        return to_tensor(get_default_graph(), np.int64(_cardinality(self)))

    def apply(self, transformation_func):
        """Applies a transformation function (Dataset -> Dataset) to this dataset."""
        out = transformation_func(self)
        if not isinstance(out, DatasetV2):
            raise TypeError("`transformation_func` must return a `tf.data.Dataset` object.")
        return out

    # -- TF1 iterators -------------------------------------------------------------

    def make_one_shot_iterator(self):
        """Creates an iterator for elements of this dataset, initialized
        automatically (it cannot be re-initialized)."""
        return iterator_ops.make_one_shot_iterator(self)

    def make_initializable_iterator(self, shared_name=None, name=None):
        """Creates an iterator for elements of this dataset, which must be
        initialized by running `iterator.initializer`."""
        return iterator_ops.make_initializable_iterator(self, shared_name)


# -- sources -------------------------------------------------------------------------

class Options:
    """Represents options for `tf.data.Dataset` (kept as given: fastgraph's
    pipelines take no tuning)."""

    def __init__(self):
        object.__setattr__(self, "_values", {})

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        values = object.__getattribute__(self, "_values")
        if name not in values:
            values[name] = _OptionGroup()
        return values[name]

    def __setattr__(self, name, value):
        self._values[name] = value

    def merge(self, options):
        """These options with `options`' set on top."""
        out = Options()
        out._values.update(self._values)
        out._values.update(options._values)
        return out

    def __eq__(self, other):
        return isinstance(other, Options) and self._values == other._values


class _OptionGroup(Options):
    """A group of options (`options.threading`, `options.experimental_optimization`)."""

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return self._values.get(name)


class _WithOptions(DatasetV2):
    def __init__(self, input_ds, options):
        if not isinstance(options, Options):
            raise TypeError("`options` must be a `tf.data.Options` object.")
        self._children = (input_ds,)
        self._options = options
        self._spec = input_ds._spec

    def _iterate(self, env):
        return self._children[0]._iterate(env)


class _Shard(DatasetV2):
    def __init__(self, input_ds, num_shards, index):
        self._children = (input_ds,)
        self._num = _scalar_arg(num_shards, name="num_shards")
        self._index = _scalar_arg(index, name="index")
        self._tensors = _graph_tensors(self._num, self._index)
        self._spec = input_ds._spec

    def _iterate(self, env):
        num, index = env.int_value(self._num), env.int_value(self._index)
        if num <= 0:
            raise errors.InvalidArgumentError(None, None, "Number of shards must be greater "
                                                          f"than zero (currently num_shards = "
                                                          f"{num}).")
        if not 0 <= index < num:
            raise errors.InvalidArgumentError(None, None, f"Index must be between 0 and "
                                                          f"{num - 1} (currently index = "
                                                          f"{index}).")
        for i, element in enumerate(self._children[0]._iterate(env)):
            if i % num == index:
                yield element


class _Tensors(DatasetV2):
    def __init__(self, tensors):
        tensors = normalize_element(tensors)
        leaves = [_leaf_value(v) for v in flatten(tensors)]
        self._tensors = [v for v, _, _ in leaves]
        self._spec = pack_sequence_as(tensors, [TensorSpec(s, d) for _, d, s in leaves])

    def _iterate(self, env):
        yield tuple(np.asarray(env.value(v)) for v in self._tensors)


class _TensorSlices(DatasetV2):
    def __init__(self, tensors):
        tensors = normalize_element(tensors)
        leaves = [_leaf_value(v) for v in flatten(tensors)]
        if not leaves:
            raise ValueError("Invalid `tensors`: at least one component is required.")
        first = None
        for _, _, s in leaves:
            if s.rank == 0:
                raise ValueError("Unbatching a tensor is only supported for rank >= 1")
            d = s[0] if s.rank is not None else None
            if first is None:
                first = d
            elif d is not None and first is not None and d != first:
                raise ValueError(f"Dimensions {first} and {d} are not compatible")
        self._tensors = [v for v, _, _ in leaves]
        self._spec = pack_sequence_as(tensors, [TensorSpec(s[1:], d) for _, d, s in leaves])
        self._spec_rows = first

    def _arrays(self, env):
        arrays = [np.asarray(env.value(v)) for v in self._tensors]
        n = arrays[0].shape[0] if arrays[0].ndim else 0
        for a in arrays:
            if a.ndim == 0 or a.shape[0] != n:
                raise errors.InvalidArgumentError(
                    None, None, "All components must have the same size in the 0th dimension")
        return arrays, n

    def _iterate(self, env):
        arrays, n = self._arrays(env)
        for i in range(n):
            yield tuple(_leaf(a, i) for a in arrays)

    def _batches(self, env, size, drop):
        """The batches `batch(size, drop)` makes of the slices: runs of rows."""
        arrays, n = self._arrays(env)
        end = n - n % size if drop else n
        for i in range(0, end, size):
            yield tuple(a[i:i + size].copy() for a in arrays)


class _Range(DatasetV2):
    def __init__(self, args, output_type):
        if not 1 <= len(args) <= 3:
            raise ValueError(f"Invalid arguments to range: {args}")
        if len(args) == 1:
            args = (0, args[0], 1)
        elif len(args) == 2:
            args = (args[0], args[1], 1)
        self._args = [_scalar_arg(a, name="range") for a in args]
        self._tensors = _graph_tensors(*self._args)
        self._dtype = dtypes.as_dtype(output_type)
        self._spec = TensorSpec((), self._dtype)

    def _iterate(self, env):
        start, stop, step = (env.int_value(a) for a in self._args)
        if step == 0:
            raise errors.InvalidArgumentError(None, None, "step must be a non-zero integer.")
        np_dtype = self._dtype.np_dtype
        for v in range(start, stop, step):
            yield (np.array(v, dtype=np_dtype),)


class _RandomWords(DatasetV2):
    def __init__(self, seed, rerandomize):
        self._seeds = dataset_seeds(seed)
        self._rerandomize = rerandomize
        self._spec = TensorSpec((), dtypes.int64)

    def _iterate(self, env):
        with env.state["lock"]:
            gen = env.state.get(("seeds", id(self)))
            if gen is None:
                gen = env.state[("seeds", id(self))] = SeedGenerator(
                    resolve_seeds(self._seeds), self._rerandomize)
            rand = PhiloxStream(*gen.next_seeds())
        while True:
            env.check()
            yield (np.array(rand(), dtype=np.int64),)


class _Generator(DatasetV2):
    def __init__(self, generator, output_types, output_shapes, args, output_signature):
        if not callable(generator):
            raise TypeError("`generator` must be a Python callable.")
        if output_signature is not None:
            if output_types is not None or output_shapes is not None:
                raise TypeError("The `output_types` and `output_shapes` arguments can only be "
                                "used when `output_signature` is not specified.")
            self._spec = normalize_element(output_signature)
        else:
            if output_types is None:
                raise TypeError("The `output_types` argument can not be None.")
            self._spec = specs_from(output_types, output_shapes)
        self._generator = generator
        self._args = [_leaf_value(a) for a in (args or ())]
        self._tensors = [v for v, _, _ in self._args]

    def _iterate(self, env):
        args = [np.asarray(env.value(v)) for v, _, _ in self._args]
        specs = self._flat_specs()
        for value in self._generator(*args):
            env.check()
            value = normalize_element(value)
            if is_nested(self._spec) and not same_structure(self._spec, value):
                raise errors.InvalidArgumentError(
                    None, None, "`generator` yielded an element that did not match the expected "
                                f"structure. The expected structure was {self.output_types}, "
                                f"but the yielded element was {value}.")
            leaves = flatten(value) if is_nested(self._spec) else [value]
            out = []
            for v, spec in zip(leaves, specs):
                try:
                    arr, _ = as_array(v, spec.dtype)
                except (TypeError, ValueError):
                    raise errors.InvalidArgumentError(
                        None, None, "TypeError: `generator` yielded an element that could not be "
                                    "converted to the expected type. The expected type was "
                                    f"{spec.dtype.name}, but the yielded element was {v}.") from None
                if not spec.shape.is_compatible_with(arr.shape):
                    raise errors.InvalidArgumentError(
                        None, None, f"`generator` yielded an element of shape {arr.shape} where "
                                    f"an element of shape {tuple(spec.shape.as_list())} was "
                                    "expected.")
                out.append(arr)
            yield tuple(out)


class _Zip(DatasetV2):
    def __init__(self, datasets):
        datasets = normalize_element(datasets)
        flat = flatten(datasets)
        for ds in flat:
            if not isinstance(ds, DatasetV2):
                raise TypeError(f"Invalid `datasets`. `datasets` is expected to be a (nested) "
                                f"structure of `tf.data.Dataset` objects. Encountered object "
                                f"with type {type(ds)}.")
        self._children = flat
        self._spec = pack_sequence_as(datasets, [ds._spec for ds in flat])

    def _iterate(self, env):
        its = [ds._iterate(env) for ds in self._children]
        try:
            while True:
                parts = []
                for it in its:
                    try:
                        parts.extend(next(it))
                    except StopIteration:
                        return
                yield tuple(parts)
        finally:
            for it in its:
                it.close()


def _most_specific(a, b):
    if a.rank is None or b.rank is None or a.rank != b.rank:
        return TensorShape(None)
    return TensorShape([x if x == y else None for x, y in zip(a.as_tuple(), b.as_tuple())])


class _Concatenate(DatasetV2):
    def __init__(self, first, second):
        if not same_structure(first._spec, second._spec) or \
                type(first._spec) is not type(second._spec):
            raise TypeError(f"Incompatible dataset elements:\n  {first._spec} vs.   "
                            f"{second._spec}")
        fa, fb = first._flat_specs(), second._flat_specs()
        for a, b in zip(fa, fb):
            if a.dtype != b.dtype:
                raise TypeError(f"Incompatible dataset elements:\n  {first._spec} vs.   "
                                f"{second._spec}")
        self._children = (first, second)
        self._spec = pack_sequence_as(first._spec, [
            TensorSpec(_most_specific(a.shape, b.shape), a.dtype) for a, b in zip(fa, fb)])

    def _iterate(self, env):
        for ds in self._children:
            yield from ds._iterate(env)


# -- transformations ------------------------------------------------------------------

class _Map(DatasetV2):
    def __init__(self, input_ds, fn, num_parallel_calls):
        self._children = (input_ds,)
        self._fn = TracedFunction(fn, input_ds._spec, "map")
        self._functions = (self._fn,)
        self._spec = self._fn.output_spec()
        n = num_parallel_calls
        self._parallel = 0 if n is None else (os.cpu_count() or 1) if int(n) == AUTOTUNE \
            else int(n)

    def _iterate(self, env):
        call = self._fn.caller(env)
        source = self._children[0]._iterate(env)
        if self._parallel <= 1:
            for element in source:
                yield tuple(call(element))
            return
        # Threads only pay when a call spends its time in C (the GIL is
        # released there): the first calls run here and are timed, and the
        # rest go to a pool when they are slow enough.
        spent = 0.0
        for n, element in enumerate(source, 1):
            start = time.perf_counter()
            out = tuple(call(element))
            spent += time.perf_counter() - start
            yield out
            if n == _PROBE_CALLS:
                break
        else:
            return
        if spent / _PROBE_CALLS < _PARALLEL_CALL_SECONDS:
            for element in source:
                yield tuple(call(element))
            return
        pool = env.shared(("pool", id(self)), lambda: env.closers.add(
            Pool(self._parallel), rank=0))
        window = collections.deque()
        try:
            for element in source:
                window.append(pool.submit(call, element))
                if len(window) >= self._parallel:
                    yield tuple(window.popleft().result())
            while window:
                yield tuple(window.popleft().result())
        finally:
            for f in window:
                f.cancel()


_PROBE_CALLS = 16
_PARALLEL_CALL_SECONDS = 200e-6


class _Filter(DatasetV2):
    def __init__(self, input_ds, predicate):
        self._children = (input_ds,)
        self._fn = TracedFunction(predicate, input_ds._spec, "filter")
        self._functions = (self._fn,)
        outs = self._fn.outputs
        if len(outs) != 1 or outs[0].dtype != dtypes.bool or \
                (outs[0].shape.rank not in (None, 0)) or is_nested(self._fn.structure):
            raise ValueError(f"Invalid `predicate`. `predicate` must return a `tf.bool` scalar "
                             f"tensor, but its return type was {self._fn.output_spec()}.")
        self._spec = input_ds._spec

    def _iterate(self, env):
        call = self._fn.caller(env)
        for element in self._children[0]._iterate(env):
            if bool(np.asarray(call(element)[0])):
                yield element


def _stack(parts, i):
    first = parts[0].shape
    for j, p in enumerate(parts[1:], 1):
        if p.shape != first:
            # As TF: an element of as many values takes the first one's shape.
            if p.size != parts[0].size:
                raise errors.InvalidArgumentError(
                    None, None, "Cannot add tensor to the batch: number of elements does not "
                                f"match. Shapes are: [tensor]: {_shape_text(p.shape)}, [batch]: "
                                f"{_shape_text(first)}")
            parts[j] = p.reshape(first)
    return np.stack(parts)


class _Batch(DatasetV2):
    def __init__(self, input_ds, batch_size, drop_remainder):
        self._children = (input_ds,)
        self._size = _scalar_arg(batch_size, name="batch_size")
        self._drop = bool(drop_remainder)
        self._tensors = _graph_tensors(self._size)
        known = _static(self._size)
        if known is not None and known <= 0:
            raise errors.InvalidArgumentError(None, None, "Batch size must be greater than zero.")
        dim = known if self._drop else None
        self._spec = map_structure(lambda s: TensorSpec(_prepend(dim, s.shape), s.dtype),
                                   input_ds._spec)

    def _iterate(self, env):
        size = env.int_value(self._size)
        if size <= 0:
            raise errors.InvalidArgumentError(None, None, "Batch size must be greater than zero.")
        source = self._children[0]
        if type(self) is _Batch and type(source) is _TensorSlices:
            # Consecutive slices batch to runs of rows: no element is cut out.
            yield from source._batches(env, size, self._drop)
            return
        how = self._prepare(env)
        batch = []
        for element in source._iterate(env):
            batch.append(element)
            if len(batch) == size:
                yield self._combine(batch, how)
                batch = []
        if batch and not self._drop:
            yield self._combine(batch, how)

    def _prepare(self, env):
        return None

    def _combine(self, batch, how):
        return tuple(_stack([e[i] for e in batch], i) for i in range(len(batch[0])))


def _prepend(dim, shape):
    if shape.rank is None:
        return TensorShape(None)
    return TensorShape((dim,) + shape.as_tuple())


class _PaddedBatch(_Batch):
    def __init__(self, input_ds, batch_size, padded_shapes, padding_values, drop_remainder):
        super().__init__(input_ds, batch_size, drop_remainder)
        specs = input_ds._flat_specs()
        if padded_shapes is None:
            shapes = [s.shape for s in specs]
            for s in shapes:
                if s.rank is None:
                    raise ValueError("You must provide `padded_shapes` argument because component "
                                     "has unknown rank.")
        else:
            shapes = leaves_like(padded_shapes, input_ds._spec)
            shapes = [TensorShape(None) if s is None or (isinstance(s, TensorShape) and
                                                        s.rank is None)
                      else TensorShape([None if d is not None and int(d) < 0 else d
                                        for d in (s.as_list() if isinstance(s, TensorShape)
                                                  else np.asarray(s, dtype=object).reshape(-1))])
                      for s in shapes]
        self._pad_shapes = []
        for spec, s in zip(specs, shapes):
            if spec.shape.rank is not None and s.rank is not None and s.rank != spec.shape.rank:
                raise ValueError(f"The padded shape {s} is not compatible with the shape "
                                 f"{spec.shape} of the corresponding input component.")
            self._pad_shapes.append(s)
        if padding_values is None:
            pads = [b"" if spec.dtype == dtypes.string else 0 for spec in specs]
        else:
            pads = leaves_like(padding_values, input_ds._spec)
        self._pads = []
        for p, spec in zip(pads, specs):
            v, _, _ = _leaf_value(p) if not isinstance(p, Tensor) else (p, None, None)
            if isinstance(v, np.ndarray):
                v, _ = as_array(v, spec.dtype)
            self._pads.append(v)
            if isinstance(v, Tensor):
                self._tensors = list(self._tensors) + [v]
        dim = _static(self._size) if self._drop else None
        self._spec = pack_sequence_as(input_ds._spec, [
            TensorSpec(_prepend(dim, s if s.rank is not None else spec.shape), spec.dtype)
            for s, spec in zip(self._pad_shapes, specs)])

    def _prepare(self, env):
        return [np.asarray(env.value(p)) for p in self._pads]

    def _combine(self, batch, pad_values):
        out = []
        for i, (shape, pad) in enumerate(zip(self._pad_shapes, pad_values)):
            parts = [e[i] for e in batch]
            rank = parts[0].ndim
            target = []
            for d in range(rank):
                want = shape[d] if shape.rank is not None else None
                longest = max(p.shape[d] for p in parts)
                if want is not None and longest > want:
                    raise errors.InvalidArgumentError(
                        None, None, "Attempted to pad to a smaller size than the input element.")
                target.append(longest if want is None else want)
            arr = np.empty([len(parts)] + target, dtype=parts[0].dtype)
            arr[...] = pad
            for j, p in enumerate(parts):
                if p.ndim != rank:
                    raise errors.InvalidArgumentError(
                        None, None, f"All elements in a batch must have the same rank as the "
                                    f"padded shape for component{i}: expected rank {rank} but "
                                    f"got element with rank {p.ndim}")
                arr[(j,) + tuple(slice(0, n) for n in p.shape)] = p
            out.append(arr)
        return tuple(out)


class _Unbatch(DatasetV2):
    def __init__(self, input_ds):
        for s in input_ds._flat_specs():
            if s.shape.rank == 0:
                raise ValueError("Cannot unbatch an input with scalar components.")
        self._children = (input_ds,)
        self._spec = map_structure(lambda s: TensorSpec(s.shape[1:], s.dtype), input_ds._spec)

    def _iterate(self, env):
        for element in self._children[0]._iterate(env):
            n = element[0].shape[0]
            for i, c in enumerate(element[1:], 1):
                if c.shape[0] != n:
                    raise errors.InvalidArgumentError(
                        None, None, f"Input element must have the same batch size in each "
                                    f"component. Component 0 had size {n} but component {i} "
                                    f"had size {c.shape[0]}.")
            for j in range(n):
                yield tuple(_leaf(c, j) for c in element)


class _Repeat(DatasetV2):
    def __init__(self, input_ds, count):
        self._children = (input_ds,)
        self._count = -1 if count is None else _scalar_arg(count, name="count")
        self._tensors = _graph_tensors(self._count)
        self._spec = input_ds._spec

    def _iterate(self, env):
        count = env.int_value(self._count)
        epoch = 0
        while count < 0 or epoch < count:
            empty = True
            for element in self._children[0]._iterate(env):
                empty = False
                yield element
            if empty:
                return  # an empty input repeated forever is still empty
            epoch += 1


class _Shuffle(DatasetV2):
    def __init__(self, input_ds, buffer_size, seed, reshuffle_each_iteration):
        self._children = (input_ds,)
        self._buffer = _scalar_arg(buffer_size, name="buffer_size")
        self._tensors = _graph_tensors(self._buffer)
        self._seeds = dataset_seeds(seed)
        self._reshuffle = True if reshuffle_each_iteration is None else \
            bool(reshuffle_each_iteration)
        self._spec = input_ds._spec

    def _stream(self, env):
        # One seed generator per initialization (TF's lives in the
        # iterator's resource manager): each iteration of this shuffle
        # takes its seeds from it.
        with env.state["lock"]:
            key = ("seeds", id(self))
            gen = env.state.get(key)
            if gen is None:
                gen = env.state[key] = SeedGenerator(resolve_seeds(self._seeds),
                                                     self._reshuffle)
            return PhiloxStream(*gen.next_seeds())

    def _iterate(self, env):
        size = env.int_value(self._buffer)
        if size <= 0 and size != AUTOTUNE:
            raise errors.InvalidArgumentError(None, None, "buffer_size must be greater than zero.")
        size = max(size, 1)
        rand = self._stream(env)
        # TF's ShuffleDatasetBase: a ring of `size` slots holding the live
        # elements at positions [start, end); the buffer is filled before
        # each draw, the drawn element leaves, the one at `start` takes its
        # slot. The ring grows as it fills (list_files' buffer is huge).
        buf = []
        start = end = 0
        source = self._children[0]._iterate(env)
        try:
            for element in source:
                if end < size:
                    buf.append(element)
                else:
                    buf[end % size] = element
                end += 1
                if end - start < size:
                    continue
                i = (start + rand() % (end - start)) % size
                j = start % size
                out, buf[i] = buf[i], buf[j]
                buf[j] = None
                start += 1
                yield out
        finally:
            source.close()
        while start < end:
            i = (start + rand() % (end - start)) % size
            j = start % size
            out, buf[i] = buf[i], buf[j]
            buf[j] = None
            start += 1
            yield out


class _Take(DatasetV2):
    def __init__(self, input_ds, count):
        self._children = (input_ds,)
        self._count = _scalar_arg(count, name="count")
        self._tensors = _graph_tensors(self._count)
        self._spec = input_ds._spec

    def _iterate(self, env):
        count = env.int_value(self._count)
        if count == 0:
            return
        it = self._children[0]._iterate(env)
        try:
            for n, element in enumerate(it, 1):
                yield element
                if n == count:
                    return
        finally:
            it.close()


class _Skip(DatasetV2):
    def __init__(self, input_ds, count):
        self._children = (input_ds,)
        self._count = _scalar_arg(count, name="count")
        self._tensors = _graph_tensors(self._count)
        self._spec = input_ds._spec

    def _iterate(self, env):
        count = env.int_value(self._count)
        it = self._children[0]._iterate(env)
        for n, element in enumerate(it):
            if count < 0 or n < count:
                continue
            yield element


class _Prefetch(DatasetV2):
    def __init__(self, input_ds, buffer_size):
        self._children = (input_ds,)
        self._size = _scalar_arg(buffer_size, name="buffer_size")
        self._tensors = _graph_tensors(self._size)
        self._spec = input_ds._spec

    def _iterate(self, env):
        size = env.int_value(self._size)
        if size == 0:
            yield from self._children[0]._iterate(env)
            return
        size = 2 if size == AUTOTUNE else size
        producer = env.closers.add(Producer(self._children[0]._iterate(env), size, env.closers),
                                   rank=0)
        try:
            while True:
                item = producer.get()
                if item is END:
                    return
                yield item
        finally:
            producer.close()


class _Cache(DatasetV2):
    def __init__(self, input_ds, filename):
        self._children = (input_ds,)
        if isinstance(filename, Tensor):
            known = constant_value(filename) if filename.op.type == "Const" else None
            filename = filename if known is None else np.asarray(known).item()
        elif hasattr(filename, "_as_graph_element"):
            filename = to_tensor(get_default_graph(), filename)
        self._filename = filename
        self._tensors = _graph_tensors(filename)
        self._spec = input_ds._spec

    def _iterate(self, env):
        name = env.value(self._filename)
        name = _path(np.asarray(name, dtype=object).item() if isinstance(name, np.ndarray)
                     else name)
        if name:
            return self._file_cache(env, name)
        return self._memory_cache(env)

    def _memory_cache(self, env):
        key = ("cache", id(self))
        cached = env.state.get(key)
        if cached is not None:
            yield from cached
            return
        seen = []
        for element in self._children[0]._iterate(env):
            seen.append(element)
            yield element
        env.state[key] = seen  # complete: later iterations replay it

    def _file_cache(self, env, name):
        n = len(self._flat_specs())
        cached = read_cache_file(name, n, env)
        if cached is not None:
            yield from cached
            return
        writer = CacheFileWriter(name, n)
        source = self._children[0]._iterate(env)
        try:
            for element in source:
                writer.write(element)
                yield element
            writer.complete()
        finally:
            writer.abandon()
            source.close()


class _Interleave(DatasetV2):
    def __init__(self, input_ds, fn, cycle_length, block_length):
        self._children = (input_ds,)
        self._fn = TracedFunction(fn, input_ds._spec, "interleave", returns_dataset=True)
        self._functions = (self._fn,)
        self._cycle = AUTOTUNE if cycle_length is None else _scalar_arg(cycle_length)
        self._block = 1 if block_length is None else _scalar_arg(block_length)
        self._tensors = _graph_tensors(self._cycle, self._block)
        self._spec = self._fn.dataset._spec

    def _iterate(self, env):
        cycle = env.int_value(self._cycle)
        if cycle == AUTOTUNE:
            cycle = os.cpu_count() or 1
        block = env.int_value(self._block)
        if cycle <= 0:
            raise errors.InvalidArgumentError(None, None, "cycle_length must be greater than zero.")
        if block <= 0:
            raise errors.InvalidArgumentError(None, None, "block_length must be greater than zero.")
        inner = self._fn.dataset
        return interleave(self._children[0]._iterate(env),
                          lambda arg: inner._iterate(self._fn.bound(env, arg)), cycle, block)


def _path(name):
    """A file name (bytes from a string tensor) as a str."""
    return name.decode("utf-8", "surrogateescape") if isinstance(name, bytes) else str(name)


class _MatchingFiles(DatasetV2):
    """The sorted names of the files matching glob patterns."""

    def __init__(self, patterns):
        if isinstance(patterns, Tensor):
            known = constant_value(patterns) if patterns.op.type == "Const" else None
            self._patterns = np.asarray(known, dtype=object) if known is not None else patterns
        else:
            self._patterns, _ = as_array(patterns, dtypes.string)
        self._tensors = _graph_tensors(self._patterns)
        self._spec = TensorSpec((), dtypes.string)

    def _iterate(self, env):
        patterns = [_path(p) for p in
                    np.asarray(env.value(self._patterns), dtype=object).reshape(-1)]
        found = set()
        for p in patterns:
            found.update(glob.glob(p))
        if not found:
            shown = ", ".join(repr(p.encode()) for p in patterns)
            raise errors.InvalidArgumentError(
                None, None, "Expected 'tf.Tensor(False, shape=(), dtype=bool)' to be true. "
                            f"Summarized data: b'No files matched pattern: ', {shown}")
        for name in sorted(found):
            yield (np.array(name.encode("utf-8", "surrogateescape"), dtype=object),)


def _cardinality(ds):
    """The number of elements of `ds` as TF's datasets count them without
    running (INFINITE, UNKNOWN when it depends on data or fed values)."""
    if isinstance(ds, _TensorSlices):
        return UNKNOWN if ds._spec_rows is None else ds._spec_rows
    if any(isinstance(t, Tensor) for t in ds._tensors):
        return UNKNOWN
    kids = [_cardinality(c) for c in ds._children]
    if isinstance(ds, (_Map, _Prefetch, _Cache, _Shuffle, _WithOptions)):
        return kids[0]
    if isinstance(ds, _Tensors):
        return 1
    if isinstance(ds, _RandomWords):
        return INFINITE
    if isinstance(ds, _Range):
        return len(range(*ds._args))
    if isinstance(ds, _Zip):
        if UNKNOWN in kids:
            return UNKNOWN
        finite = [n for n in kids if n != INFINITE]
        return min(finite) if finite else INFINITE
    if isinstance(ds, _Concatenate):
        if UNKNOWN in kids:
            return UNKNOWN
        return INFINITE if INFINITE in kids else sum(kids)
    n = kids[0] if kids else UNKNOWN
    if isinstance(ds, _Repeat):
        if ds._count < 0:
            return 0 if n == 0 else INFINITE
        if ds._count == 0:
            return 0
        return n if n in (INFINITE, UNKNOWN) else n * ds._count
    if isinstance(ds, _Batch):
        if n in (INFINITE, UNKNOWN):
            return n
        return n // ds._size + (0 if n % ds._size == 0 or ds._drop else 1)
    if isinstance(ds, _Take):
        if n == UNKNOWN:
            return UNKNOWN
        if n == INFINITE:
            return ds._count if ds._count >= 0 else INFINITE
        return n if ds._count < 0 else min(n, ds._count)
    if isinstance(ds, _Skip):
        if n in (INFINITE, UNKNOWN):
            return n
        return 0 if ds._count < 0 else max(0, n - ds._count)
    if isinstance(ds, _Shard):
        if n in (INFINITE, UNKNOWN):
            return n
        return n // ds._num + (1 if ds._index < n % ds._num else 0)
    return UNKNOWN
