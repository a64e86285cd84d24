"""Session: runs fetches of a graph over compiled, cached plans.

A session owns its variable buffers and the plans it compiled (each with
its arena); `close()` frees all of them.
"""

import threading
import time

import numpy as np

from ._native.runtime import MISS, FastCallable, NativePlan, RunGate, VariableBuffer, threads
from .compiler.plan import compile_plan
from .fetches import FetchStructure
from .framework import errors, session_stack
from .framework.dtypes import int64, string
from .framework.graph import Tensor, get_default_graph
from .plan_cache import PlanCache, RunSignature
from .run_trace import RunTrace, wants_trace
from .staged_run import StagedRun

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
        self._plan_cache = PlanCache(PLAN_CACHE_SIZE)
        # The cache's memo of Session.run, held here too: a hit is the
        # whole run (about a microsecond), so every lookup counts.
        self._fast = self._plan_cache.fast
        self._variables = {}  # id(VariableV2 op) -> VariableBuffer
        self._default_ctx = []
        self._gate = RunGate()  # runs in flight, which close() waits for
        self._resources = {}  # key -> a host op's resource (iterator, table, queue, ...)
        self._resource_lock = threading.Lock()
        self._graph._watch(self)

    # -- properties ------------------------------------------------------------

    @property
    def graph(self):
        """The graph that was launched in this session."""
        return self._graph

    @property
    def graph_def(self):
        """A serializable version of the underlying TensorFlow graph (its GraphDef)."""
        return self._graph.as_graph_def()

    @property
    def sess_str(self):
        """The target of this session (always the local process: "")."""
        return ""

    def memory_stats(self):
        """Memory this session holds: arena bytes of its cached plans,
        variable bytes, and the numbers of plans and variables."""
        return {
            "arena_bytes": self._plan_cache.arena_bytes(),
            "variable_bytes": sum(v.nbytes for v in self._variables.values()),
            "plans": len(self._plan_cache),
            "variables": len(self._variables),
            "resources": len(self._resources),
        }

    # -- running ---------------------------------------------------------------

    def run(self, fetches, feed_dict=None, options=None, run_metadata=None):
        """Runs operations and evaluates tensors in `fetches`.

        `fetches` is a graph element (Tensor, Operation, tensor or op name) or
        a nested list, tuple, namedtuple or dict of them; the result has the
        same structure, with NumPy values for tensors and None for ops.
        `feed_dict` maps tensors (or their names) to values that override
        them for this run. With `options.trace_level` other than NO_TRACE,
        `run_metadata.step_stats` receives the run's trace: one node per
        executed step, with its times, outputs and thread.
        """
        trace = RunTrace() if wants_trace(options, run_metadata) else None
        if trace is None:
            # A signature run before, with feeds that need no conversion: all in C.
            result = self._fast.run(fetches, feed_dict)
            if result is not MISS:
                return result
        self._check_open()
        structure = FetchStructure(self._graph, fetches)
        feeds = self._feeds(feed_dict)
        staged = self._staged(structure.leaves, feeds)
        try:
            if staged is not None:
                return structure.build(staged.run(self, feeds, options, trace))
            sig = RunSignature(structure.leaves, feeds)
            native, outs = self._run_signature(sig, trace)
            if trace is None:
                self._plan_cache.remember_run(fetches, feed_dict, sig, native)
            return structure.build(sig.results(outs))
        finally:
            if trace is not None:
                run_metadata.step_stats.CopyFrom(trace.step_stats())

    def make_callable(self, fetches, feed_list=None, accept_options=False):
        """Returns a Python callable that runs `fetches` with positional
        arguments fed to the tensors of `feed_list`, in order.

        With `accept_options`, the callable also takes the keyword arguments
        `options` (RunOptions) and `run_metadata` (RunMetadata), as
        `Session.run`: a trace_level other than NO_TRACE fills
        `run_metadata.step_stats` with the run's trace."""
        self._check_open()
        structure = FetchStructure(self._graph, fetches)
        feed_tensors = [self._feed_key(k) for k in (feed_list or ())]
        position = {id(t): i for i, t in enumerate(feed_tensors)}
        # The C callable takes positional arrays: a flat structure of
        # distinct feeds only.
        kind = structure.flat_kind() if len(position) == len(feed_tensors) else None
        def slow(*args, _options=None, _trace=None):
            # As TF's: arguments pair with feeds in order; a feed left
            # without one is unfed (a placeholder raises InvalidArgumentError).
            self._check_open()
            feeds = [(t, self._feed_value(t, v)) for t, v in zip(feed_tensors, args)]
            staged = self._staged(structure.leaves, feeds)
            if staged is not None:
                return structure.build(staged.run(self, feeds, _options, _trace))
            sig = RunSignature(structure.leaves, feeds)
            native, outs = self._run_signature(sig, _trace)
            if _trace is None and kind is not None and len(args) == len(feed_tensors) and \
                    all(a is v for (_, a), v in zip(feeds, args)):
                order = tuple(position[id(t)] for t in sig.fed)
                self._plan_cache.remember_call(call, tuple(a.shape for a in args), order, kind,
                                               sig, native)
            return structure.build(sig.results(outs))

        call = FastCallable(tuple(t.dtype.np_dtype.num for t in feed_tensors), slow)
        self._plan_cache.add_callable(call)
        if not accept_options:
            return call

        def call_with_options(*args, options=None, run_metadata=None):
            if not wants_trace(options, run_metadata):
                return call(*args)
            trace = RunTrace()
            try:
                return slow(*args, _options=options, _trace=trace)
            finally:
                run_metadata.step_stats.CopyFrom(trace.step_stats())
        return call_with_options

    def _staged(self, leaves, feeds):
        """The StagedRun of a run of `leaves` fed `feeds` when a host op
        (or a string) takes part, else None. Never memoised by the fast
        paths, whose results are one plan's arrays."""
        key = (tuple(map(id, leaves)), tuple(sorted(id(t) for t, _ in feeds)))
        known = self._plan_cache.staged
        try:
            return known[key]
        except KeyError:
            pass
        staged = StagedRun.of(leaves, [t for t, _ in feeds])
        if len(known) >= PLAN_CACHE_SIZE * 4:
            known.clear()
        known[key] = staged
        return staged

    # -- resources -------------------------------------------------------------

    def _resource(self, key, create):
        """The resource of host ops under `key`, made by `create()` on first use."""
        with self._resource_lock:
            self._check_open()
            res = self._resources.get(key)
            if res is None:
                res = self._resources[key] = create()
            return res

    def _drop_resource(self, key):
        with self._resource_lock:
            res = self._resources.pop(key, None)
        _close_resource(res)

    def _run_signature(self, sig, trace=None):
        """Runs the plan of `sig`, compiled on a miss; returns (the plan,
        its fetched arrays). A RunTrace `trace` gets the times of its steps."""
        run = self._plan_cache.lookup(sig) or self._compile(sig)
        records = None if trace is None else trace.records_for(run.native.plan)
        try:
            outs = run.run(sig.arrays, records)
        except MemoryError:
            raise _oom(run.native.plan) from None
        finally:
            if trace is not None:
                trace.add_plan(run.native.plan, records)
        if outs is None:  # the session closed since the lookup
            self._check_open()
        return run.native, outs

    def _compile(self, sig):
        """A reserved run of a plan compiled for `sig` and cached."""
        # One thread compiles a signature; others asking for it meanwhile
        # wait for that plan instead of compiling their own.
        with self._plan_cache.compiling:
            run = self._plan_cache.lookup(sig)
            if run is not None:
                return run
            self._check_open()
            plan = compile_plan(sig.tensors, sig.targets,
                                {t: (a.shape, t.dtype) for t, a in sig.feeds},
                                self._threads or threads(), values=dict(sig.feeds),
                                done=sig.done)
            buffers = [self._variable_buffer(op) for op in plan.variables]
            return self._plan_cache.insert(sig, NativePlan(plan, buffers, self._gate))

    def _variable_buffer(self, op):
        buf = self._variables.get(id(op))
        if buf is None:
            if op.type == "VariableV2":
                buf = VariableBuffer(op.get_attr("dtype"), op.get_attr("shape"), op.name)
            else:
                buf = VariableBuffer(int64, (op.opdef.state_words,), op.name, True)
            self._variables[id(op)] = buf
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
        if t.dtype == string:
            return self._checked_feed_shape(t, _string_array(t, value))
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
        return self._checked_feed_shape(t, arr)

    @staticmethod
    def _checked_feed_shape(t, arr):
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

    def _graph_mutated(self):
        """An existing op of the graph changed: every plan may be stale."""
        self._plan_cache.invalidate()

    def _graph_shape_narrowed(self):
        """A tensor's static shape was narrowed: feeds are checked against it
        on the slow path only, so the memos forget what they skip."""
        self._plan_cache.invalidate(keep_plans=True)

    def _check_open(self):
        if self._closed:
            raise RuntimeError("Attempted to use a closed Session.")

    def close(self):
        """Frees the session's plans, arenas and variable buffers; using the
        session afterwards raises RuntimeError."""
        if self._closed:
            return
        self._closed = True
        self._gate.close()
        self._graph._unwatch(self)
        self._plan_cache.invalidate()
        # Runs in other threads still use the variables: let them end first.
        while self._gate.busy:
            time.sleep(0.0005)
        for buf in self._variables.values():
            buf.free()
        self._variables.clear()
        with self._resource_lock:
            resources, self._resources = list(self._resources.values()), {}
        for res in resources:
            _close_resource(res)

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


def _string_array(t, value):
    """A fed string value as TF holds it: an object array of bytes (str
    encoded as UTF-8)."""
    arr = np.array(value, dtype=object)
    flat = arr.reshape(-1)
    for i, v in enumerate(flat):
        if isinstance(v, str):
            flat[i] = v.encode("utf-8")
        elif isinstance(v, (bytes, np.bytes_)):
            flat[i] = bytes(v)
        else:
            raise TypeError(f"Cannot convert {v!r} to a string feed for Tensor {t.name}: "
                            f"expected str or bytes, got {type(v).__name__}")
    return arr


def _close_resource(res):
    close = getattr(res, "close", None)
    if close is not None:
        close()


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


session_stack.register_session_class(Session)


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
