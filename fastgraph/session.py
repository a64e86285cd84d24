"""Session: runs fetches of a graph over compiled, cached plans.

A session owns its variable buffers and the plans it compiled (each with
its arena); `close()` frees all of them.
"""

import collections
import threading
import time
import weakref

import numpy as np

from ._native.runtime import (MISS, FastCallable, FastPath, NativePlan, RunGate, VariableBuffer,
                              threads)
from .compiler.plan import compile_plan
from .fetches import FetchStructure
from .framework import errors, session_stack
from .framework.dtypes import int64
from .framework.graph import Operation, Tensor, get_default_graph

__all__ = ["Session", "InteractiveSession"]

# Compiled plans kept per session; the least recently used is freed beyond this.
PLAN_CACHE_SIZE = 64


class Session:
    """A class for running fastgraph operations.

    A Session encapsulates the environment in which Operation objects are
    executed and Tensor objects are evaluated: it holds the values of
    variables and the compiled plans with their memory. Release them with
    `close()` or by using the session as a context manager.
    """

    def __init__(self, target="", graph=None, config=None):
        # intra_op_parallelism_threads caps the shares of this session's steps.
        wanted = int(getattr(config, "intra_op_parallelism_threads", 0) or 0)
        self._threads = min(wanted, threads()) if wanted > 0 else None
        self._graph = graph if graph is not None else get_default_graph()
        self._closed = False
        self._plans = collections.OrderedDict()
        # Signature key -> feed slots whose values its plans were compiled
        # for (a fed shape of `tf.fill`); those plans are kept under the key
        # plus the bytes of those feeds. LRU, as long as the plan cache.
        self._value_slots = collections.OrderedDict()
        self._variables = {}  # id(VariableV2 op) -> VariableBuffer
        self._default_ctx = []
        self._fast = FastPath(Tensor, Operation)
        # Callables to clear with the plans; a dropped callable goes with it.
        self._callables = weakref.WeakSet()
        self._gate = RunGate()  # runs in flight, which close() waits for
        self._compiling = threading.Lock()
        self._graph._watch(self)

    # -- properties ------------------------------------------------------------

    @property
    def graph(self):
        """The graph that was launched in this session."""
        return self._graph

    @property
    def graph_def(self):
        """fastgraph has no GraphDef protos: the graph itself."""
        return self._graph

    @property
    def sess_str(self):
        """The target of this session (always the local process: "")."""
        return ""

    def memory_stats(self):
        """Memory this session holds: arena bytes of its cached plans,
        variable bytes, and the numbers of plans and variables."""
        return {
            "arena_bytes": sum(p.arena_bytes for p in self._plans.values()),
            "variable_bytes": sum(v.nbytes for v in self._variables.values()),
            "plans": len(self._plans),
            "variables": len(self._variables),
        }

    # -- running ---------------------------------------------------------------

    def run(self, fetches, feed_dict=None, options=None, run_metadata=None):
        """Runs operations and evaluates tensors in `fetches`.

        `fetches` is a graph element (Tensor, Operation, tensor or op name) or
        a nested list, tuple, namedtuple or dict of them; the result has the
        same structure, with NumPy values for tensors and None for ops.
        `feed_dict` maps tensors (or their names) to values that override
        them for this run.
        """
        result = self._fast.run(fetches, feed_dict)
        if result is not MISS:
            return result
        self._check_open()
        structure = FetchStructure(self._graph, fetches)
        feeds = self._feeds(feed_dict)
        native, fed, leaf_out, results = self._run_leaves(structure.leaves, feeds)
        # The fast path keys by feed shapes only: never a plan compiled for fed values.
        if not native.plan.value_feeds:
            self._fast.remember(fetches, feed_dict, native, fed, leaf_out)
        return structure.build(results)

    def make_callable(self, fetches, feed_list=None, accept_options=False):
        """Returns a Python callable that runs `fetches` with positional
        arguments fed to the tensors of `feed_list`, in order."""
        self._check_open()
        structure = FetchStructure(self._graph, fetches)
        feed_tensors = [self._feed_key(k) for k in (feed_list or ())]
        kind = structure.flat_kind()

        def slow(*args):
            if len(args) != len(feed_tensors):
                raise TypeError(f"Expected {len(feed_tensors)} feed values, got {len(args)}")
            self._check_open()
            feeds = [(t, self._feed_value(t, v)) for t, v in zip(feed_tensors, args)]
            native, fed, leaf_out, results = self._run_leaves(structure.leaves, feeds)
            if (kind is not None and not native.plan.value_feeds
                    and all(a is v for (_, a), v in zip(feeds, args))):
                position = {id(t): i for i, t in enumerate(feed_tensors)}
                if len(position) == len(feed_tensors):
                    call.remember(tuple(a.shape for a in args), native,
                                  tuple(position[id(t)] for t in fed), kind, leaf_out)
            return structure.build(results)

        call = FastCallable(tuple(t.dtype.np_dtype.num for t in feed_tensors), slow)
        self._callables.add(call)
        return call

    def _run_leaves(self, leaves, feeds):
        """Runs the leaves; returns (plan, fed tensors in slot order, plan
        output of each leaf or -1, results per leaf)."""
        tensors, targets, seen = [], [], {}
        for leaf in leaves:
            if isinstance(leaf, Operation):
                targets.append(leaf)
            elif id(leaf) not in seen:
                seen[id(leaf)] = len(tensors)
                tensors.append(leaf)
        feeds = sorted(feeds, key=lambda kv: (kv[0].op._id, kv[0].value_index))
        key = (tuple(id(t) for t in tensors), tuple(id(o) for o in targets),
               tuple((id(t), a.shape, a.dtype.num) for t, a in feeds))
        outs = None
        while outs is None:
            slots = self._value_slots.get(key)
            full = key if slots is None else _with_values(key, slots, feeds)
            native = self._plans.get(full)
            if native is None:
                native = self._compile(key, full, tensors, targets, feeds)
            else:
                try:
                    self._plans.move_to_end(full)
                    if slots is not None:
                        self._value_slots.move_to_end(key)
                except KeyError:  # evicted by a run in another thread
                    pass
            try:
                outs = native.run([a for _, a in feeds])
            except MemoryError:
                raise _oom(native.plan) from None
            if outs is None:  # freed since the lookup: closed, evicted, or the graph changed
                self._check_open()
        leaf_out = [-1 if isinstance(leaf, Operation) else seen[id(leaf)] for leaf in leaves]
        results = [None if k < 0 else (outs[k][()] if outs[k].ndim == 0 else outs[k])
                   for k in leaf_out]
        return native, [t for t, _ in feeds], leaf_out, results

    def _compile(self, key, full, tensors, targets, feeds):
        """The plan of signature `key`, cached under `full` (`key` and the
        values of the feeds that `key`'s plans were last compiled for)."""
        # One thread compiles a signature; others asking for it meanwhile
        # wait for that plan instead of compiling their own.
        with self._compiling:
            native = self._plans.get(full)
            if native is not None:
                return native
            self._check_open()
            return self._compile_locked(key, full, tensors, targets, feeds)

    def _compile_locked(self, key, full, tensors, targets, feeds):
        plan = compile_plan(tensors, targets,
                            {t: (a.shape, t.dtype) for t, a in feeds},
                            self._threads or threads(), values=dict(feeds))
        if plan.value_feeds:
            slots = tuple(k for k, _ in plan.value_feeds)
            self._value_slots[key] = slots
            self._value_slots.move_to_end(key)
            while len(self._value_slots) > PLAN_CACHE_SIZE:
                self._value_slots.popitem(last=False)
            full = _with_values(key, slots, feeds)
        buffers = [self._variable_buffer(op) for op in plan.variables]
        native = NativePlan(plan, buffers, self._gate)
        self._plans[full] = native
        while len(self._plans) > PLAN_CACHE_SIZE:
            _, old = self._plans.popitem(last=False)
            self._forget_fast_paths()
            old.free()
        return native

    def _variable_buffer(self, op):
        buf = self._variables.get(id(op))
        if buf is None:
            if op.type == "VariableV2":
                buf = VariableBuffer(op._attrs["dtype"], op._attrs["shape"], op.name)
            else:
                buf = VariableBuffer(int64, (op._opdef.state_words,), op.name, True)
            # Two threads compiling plans with one new variable must share one buffer.
            buf = self._variables.setdefault(id(op), buf)
        return buf

    # -- feeds -----------------------------------------------------------------

    def _feed_key(self, key):
        try:
            t = self._graph.as_graph_element(key, allow_tensor=True, allow_operation=False)
        except (TypeError, ValueError, KeyError) as e:
            msg = e.args[0] if e.args else str(e)
            raise TypeError(f"Cannot interpret feed_dict key as Tensor: {msg}") from None
        if not isinstance(t, Tensor):
            raise TypeError(f"Cannot interpret feed_dict key as Tensor: {key!r}")
        return t

    def _feed_value(self, t, value):
        if hasattr(value, "_as_graph_element") and not isinstance(value, np.ndarray):
            value = value._as_graph_element()
        if isinstance(value, Tensor):
            # A constant's value is known without running anything.
            if value.graph is self._graph and value.op.type == "Const":
                value = value.op.get_attr("value")
            else:
                raise TypeError("The value of a feed cannot be a tf.Tensor object. Acceptable "
                                "feed values include Python scalars, strings, lists, numpy "
                                "ndarrays, or TensorHandles.")
        np_dtype = np.dtype(t.dtype.np_dtype)
        if isinstance(value, int) and not isinstance(value, bool):
            if np.asarray(value).astype(np_dtype, casting="unsafe") != value:
                raise TypeError(f"Type of feed value {value} with type {type(value)} is not "
                                f"compatible with Tensor type {np_dtype.type}. Try explicitly "
                                "setting the type of the feed tensor to a larger type "
                                "(e.g. int64).")
        # As TF: NumPy converts, and its error (ValueError for "abc" fed as a
        # float, TypeError for an object) is the feed's error; a list of
        # ints wraps around into a narrower int type as NumPy 1 did.
        if np.issubdtype(np_dtype, np.number):
            arr = np.asarray(value).astype(np_dtype, copy=False)
        else:
            arr = np.asarray(value, dtype=np_dtype)
        if not (arr.flags.c_contiguous and arr.flags.aligned):
            # Kernels read whole elements at their natural alignment.
            arr = np.array(arr, order="C")
        if not t.shape.is_compatible_with(arr.shape):
            shape = "<unknown>" if t.shape.rank is None else str(tuple(t.shape.as_list()))
            raise ValueError(f"Cannot feed value of shape {arr.shape} for Tensor {t.name}, "
                             f"which has shape {shape}")
        return arr

    def _feeds(self, feed_dict):
        if not feed_dict:
            return []
        feeds = {}
        for key, value in feed_dict.items():
            t = self._feed_key(key)
            feeds[id(t)] = (t, self._feed_value(t, value))
        return list(feeds.values())

    # -- lifetime --------------------------------------------------------------

    def _forget_fast_paths(self):
        self._fast.clear()
        for call in list(self._callables):
            call.clear()

    def _graph_mutated(self):
        """An existing op of the graph changed: every plan may be stale."""
        self._forget_fast_paths()
        with self._compiling:  # as close(): a run in flight finds its plan freed
            for native in list(self._plans.values()):
                native.free()
            self._plans.clear()
            self._value_slots.clear()

    def _graph_shape_narrowed(self):
        """A tensor's static shape was narrowed: feeds are checked against it
        on the slow path only, so the fast paths forget what they skip."""
        self._forget_fast_paths()

    def _check_open(self):
        if self._closed:
            raise RuntimeError("Attempted to use a closed Session.")

    def close(self):
        """Frees the session's plans, arenas and variable buffers; using the
        session afterwards raises RuntimeError."""
        if self._closed:
            return
        self._closed = True
        self._graph._unwatch(self)
        self._forget_fast_paths()
        with self._compiling:  # a compile in progress finishes, or sees the close
            for native in list(self._plans.values()):
                native.free()
            self._plans.clear()
        # Runs in other threads still use the variables: let them end first.
        while self._gate.busy:
            time.sleep(0.0005)
        for buf in self._variables.values():
            buf.free()
        self._variables.clear()

    def as_default(self):
        """Context manager that makes this session the default session
        (for `Tensor.eval()` and `Operation.run()`)."""
        return _DefaultSession(self)

    def __enter__(self):
        ctx = _DefaultSession(self)
        ctx.__enter__()
        self._default_ctx.append(ctx)
        return self

    def __exit__(self, exc_type, exc, tb):
        if self._default_ctx:
            self._default_ctx.pop().__exit__(exc_type, exc, tb)
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:  # noqa: BLE001 - interpreter shutdown
            pass


def _oom(plan):
    """ResourceExhaustedError for fetched results that could not be allocated,
    naming the biggest (each run allocates them anew, outside the arena)."""
    v = max((plan.values[i] for i in plan.fetch_values), key=lambda v: v.nbytes, default=None)
    if v is None:
        return errors.ResourceExhaustedError(None, None, "OOM when allocating a run's results")
    dims = ",".join(map(str, v.shape))
    return errors.ResourceExhaustedError(
        None, v.tensor.op if v.tensor is not None else None,
        f"OOM when allocating tensor with shape[{dims}] and type {v.dtype.message_name} on CPU")


def _with_values(key, slots, feeds):
    """`key` extended by the bytes of the feeds in `slots`: exact, as the
    key already holds their shapes and dtypes."""
    return key + (tuple(feeds[k][1].tobytes() for k in slots),)


class _DefaultSession:
    def __init__(self, session):
        self._session = session
        self._graph_ctx = None

    def __enter__(self):
        session_stack.push(self._session)
        self._graph_ctx = self._session.graph.as_default()
        self._graph_ctx.__enter__()
        return self._session

    def __exit__(self, *exc):
        self._graph_ctx.__exit__(*exc)
        session_stack.pop(self._session)


class InteractiveSession(Session):
    """A Session that installs itself as the default session on construction."""

    def __init__(self, target="", graph=None, config=None):
        super().__init__(target, graph, config)
        self._interactive = _DefaultSession(self)
        self._interactive.__enter__()

    def close(self):
        """Closes the session and removes it from the default-session stack."""
        if not self._closed and self._interactive is not None:
            self._interactive.__exit__(None, None, None)
            self._interactive = None
        super().close()
