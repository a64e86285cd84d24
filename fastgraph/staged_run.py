"""Staged runs: runs of graphs that hold host ops.

A host op is computed by the session in Python, between C plans: an op
whose OpDef has a `host` function (summaries, iterators, queues, readers),
or any op that takes or gives a tensor of a type no C kernel takes
(strings, complex numbers, bfloat16...: `DType.on_host`); such an op is
computed by its NumPy `reference`. Its outputs may have shapes known only
once it ran, and may be strings (NumPy object arrays of bytes).

A run with host ops is split by host depth: an op's depth is the number of
host ops on the longest path from the feeds to it (a host op counts for
the ops after it, not for itself). Stage k runs the C plan of the non-host
ops of depth k, fed with the run's feeds and the values earlier stages
made, then computes the host ops of depth k from their inputs' values.
Each C plan is an ordinary run signature of the session's plan cache, so
it is compiled once per shape of what it is fed. Every op runs at most once
per run: a stage fetches what later stages need from it, and its plan
skips the control inputs that earlier stages already ran.
"""

import time

import numpy as np

from .compiler.prune import prune
from .compiler.schedule import schedule
from .framework import errors
from .framework.dtypes import string
from .framework.graph import Operation
from .framework.op_registry import Unwritten, resolve_attrs
from .plan_cache import RunSignature

__all__ = ["StagedRun", "HostContext", "is_host"]


def is_host(op):
    """Whether the session computes `op` in Python rather than in a C plan."""
    if op._opdef.host is not None:
        return True
    # Element types no C kernel takes (strings, 16-bit images, complex...).
    return any(t.dtype.on_host for t in op._outputs) or \
        any(t.dtype.on_host for t in op._inputs)


class HostContext:
    """What a host function gets besides its op and inputs: the session
    that runs it, that session's resources, and the run's
    `RunOptions.timeout_in_ms` (0: none) counted from `started` (a
    `time.monotonic()` value), for host ops that wait (queues)."""

    __slots__ = ("session", "timeout_in_ms", "started")

    def __init__(self, session, timeout_in_ms=0):
        self.session = session
        self.timeout_in_ms = timeout_in_ms
        self.started = time.monotonic()

    def resource(self, key, create):
        """The session's resource for `key`, made by `create()` on first use
        (once, also when runs in several threads ask at the same time)."""
        return self.session._resource(key, create)

    def variable_initialized(self, op):
        """Whether VariableV2 `op` holds a value in this session."""
        if op.outputs[0].dtype.on_host:
            held = self.session._resources.get(("host_variable", id(op)))
            return held is not None and held.value is not None
        buf = self.session._variables.get(id(op))
        return buf is not None and buf.initialized

    def drop_resource(self, key):
        """Forgets (and closes) the session's resource for `key`, if any."""
        self.session._drop_resource(key)

    def run(self, tensors, feeds):
        """The values of `tensors` from a run of the session fed `feeds`
        ((tensor, array) pairs): how a host op runs a sub-graph (the body
        of a loop whose shapes change across iterations). Each distinct
        signature is compiled once, as any run's."""
        session = self.session
        staged = session._staged(tensors, feeds)
        if staged is not None:
            return [np.asarray(v) for v in staged.run(session, feeds)]
        sig = RunSignature(tensors, feeds)
        _, outs = session._run_signature(sig)
        return [np.asarray(v) for v in sig.results(outs)]


class _Stage:
    __slots__ = ("fetches", "targets", "feeds", "done", "host_ops")

    def __init__(self):
        self.fetches = []   # tensors this stage's plan returns
        self.targets = []   # ops it runs for later stages (control inputs) or the user
        self.feeds = []     # tensors it is fed: the run's feeds and earlier stages' values
        self.done = frozenset()  # ids of ops earlier stages ran
        self.host_ops = []  # host ops computed after its plan, in order


class StagedRun:
    """The stages of one run request: `leaves` (the fetch leaves, Tensors
    and Operations) with `fed` tensors. `of()` gives None when the request
    needs no host op, which is the usual case."""

    __slots__ = ("stages", "leaves", "_constants", "_leaf_ops")

    @classmethod
    def of(cls, leaves, fed):
        """A StagedRun, or None when no leaf, feed or needed op is on the host."""
        tensors = [x for x in leaves if not isinstance(x, Operation)]
        ops = [x for x in leaves if isinstance(x, Operation)]
        needed = prune(tensors, ops, fed)
        if not any(t.dtype.on_host for t in tensors) and \
                not any(t.dtype.on_host for t in fed) and \
                not any(is_host(op) for op in needed.values()):
            return None
        return cls(leaves, tensors, ops, needed, fed)

    def __init__(self, leaves, tensors, ops, needed, fed):
        self.leaves = list(leaves)
        fed_ids = {id(t) for t in fed}
        order = schedule(needed, fed)
        depth, host = {}, {}  # depth None: in every stage's plan that uses it
        for op in order:
            h = is_host(op)
            host[id(op)] = int(h)
            if not h and _everywhere(op):
                depth[id(op)] = None
                continue
            d = 0
            for t in op._inputs:
                p = depth.get(id(t.op))
                if id(t) not in fed_ids and p is not None:
                    d = max(d, p + host[id(t.op)])
            for c in op._control_inputs:
                p = depth.get(id(c))
                if p is not None:
                    d = max(d, p + host[id(c)])
            depth[id(op)] = d
        n = max((d for d in depth.values() if d is not None), default=0) + 1
        stages = [_Stage() for _ in range(n)]

        # Where each value is taken from a plan: in its producer's stage
        # when a host op or a later stage needs it (every stage makes the
        # values of ops that are everywhere itself), and in the stage of
        # the host op or leaf that needs a value of an op that is everywhere.
        fetch_at, target_at = {}, {}  # tensor / op id -> stage index

        def take(t, k):
            if id(t) in fed_ids or host[id(t.op)]:
                return
            p = depth[id(t.op)]
            if p is None:
                fetch_at.setdefault(id(t), (k, t))
            elif k is None or k > p:
                fetch_at[id(t)] = (p, t)

        def wait(op, k):
            p = depth[id(op)]
            if not host[id(op)] and p is not None and (k is None or k > p):
                target_at[id(op)] = p

        last = n - 1
        fed_in = [set() for _ in stages]  # ids of each stage's feeds
        for op in order:
            d = depth[id(op)]
            if d is None:
                continue
            if host[id(op)]:
                stages[d].host_ops.append(op)
                refs = op._opdef.ref_inputs  # named, not read (IsVariableInitialized)
                for i, t in enumerate(op._inputs):
                    if i not in refs:
                        take(t, d if depth.get(id(t.op), 0) is None else None)
                for c in op._control_inputs:
                    wait(c, None)
                continue
            seen = fed_in[d]
            for t in op._inputs:
                take(t, d)
                fed_here = id(t) in fed_ids or host[id(t.op)] or (
                    depth[id(t.op)] is not None and depth[id(t.op)] < d)
                if fed_here and id(t) not in seen:
                    seen.add(id(t))
                    stages[d].feeds.append(t)
            for c in op._control_inputs:
                wait(c, d)
        for t in tensors:
            take(t, last if depth.get(id(t.op), 0) is None else None)
        for op in ops:
            if not host[id(op)]:
                target_at[id(op)] = last if depth[id(op)] is None else depth[id(op)]
        for k, t in sorted(fetch_at.values(), key=lambda kt: kt[0]):
            stages[k].fetches.append(t)
        for op in order:
            k = target_at.get(id(op))
            if k is not None:
                stages[k].targets.append(op)
        ran = [[] for _ in stages]  # ids of the ops each stage runs
        for op in order:
            if depth[id(op)] is not None:
                ran[depth[id(op)]].append(id(op))
        done = set()
        for stage, ids in zip(stages, ran):
            stage.done = frozenset(done)
            done.update(ids)
        self.stages = stages
        self._constants = {}  # id(op) -> outputs of a host Const, made at its first run
        self._leaf_ops = {id(x.op) for x in self.leaves if not isinstance(x, Operation)}

    def run(self, session, feeds, options=None, trace=None):
        """The value of each leaf (None for an op) from a run of `session`
        with `feeds` ((tensor, array) pairs) and `options` (RunOptions);
        a RunTrace `trace` gets the times of the plans' steps and host ops."""
        values = {id(t): a for t, a in feeds}
        ctx = HostContext(session, int(getattr(options, "timeout_in_ms", 0) or 0))
        for stage in self.stages:
            if stage.fetches or stage.targets:
                sig = RunSignature(stage.fetches + stage.targets,
                                   [(t, values[id(t)]) for t in stage.feeds], stage.done)
                _, outs = session._run_signature(sig, trace)
                for t, v in zip(stage.fetches, outs):
                    values[id(t)] = v
            for op in stage.host_ops:
                start = time.time_ns()
                outs = self._constants.get(id(op))
                if outs is None:
                    outs = _compute(ctx, op, [_read(ctx, t, values) for t in op._inputs])
                    if op.type == "Const" and id(op) not in self._leaf_ops:
                        # Its value never changes: a run per element of a
                        # dataset's map need not make it again.
                        for v in outs:
                            v.setflags(write=False)
                        self._constants[id(op)] = outs
                if trace is not None:
                    trace.add_host(op, start, time.time_ns(), outs)
                for t, v in zip(op._outputs, outs):
                    values[id(t)] = v
        out = []
        for leaf in self.leaves:
            if isinstance(leaf, Operation):
                out.append(None)
                continue
            v = _read(ctx, leaf, values)
            if isinstance(v, Unwritten):
                raise errors.FailedPreconditionError(None, leaf.op, v.message)
            out.append(v[()] if getattr(v, "ndim", None) == 0 else v)
        return out


def _everywhere(op):
    """Whether each stage's plan makes `op`'s values itself instead of being
    fed them: constants and variables (a variable is a buffer, and a fed
    copy of it could not be assigned), so that later stages keep folding
    constants and updating variables."""
    if op._inputs or op._control_inputs:
        return False
    return not op._opdef.stateful or op.type == "VariableV2"


def _read(ctx, t, values):
    """The value of tensor `t` for the host op that uses it now: a host
    variable (a source with a `host_state`) is read at its use, so that a
    read after an assign (by a control input) sees the new value, as a C
    kernel reading the variable's buffer does."""
    op = t.op
    # A variable of a type C kernels take lives in the session's arena; the
    # value the C plan gave is the one to use.
    if op._opdef.host_state is not None and not op._inputs and t.dtype.on_host and \
            id(t) in values:
        return _compute(ctx, op, [])[t._value_index]
    return values.get(id(t))


def _compute(ctx, op, inputs):
    """The outputs of host op `op` from its inputs' values."""
    opdef = op._opdef
    for i, v in enumerate(inputs):
        if isinstance(v, Unwritten) and i not in opdef.ref_inputs:
            raise errors.FailedPreconditionError(None, op, v.message)
    try:
        if opdef.host is not None:
            outs = opdef.host(ctx, op, inputs)
        elif opdef.host_state is not None:
            outs = opdef.host_state(ctx, op, inputs)
        else:
            attrs = resolve_attrs(op.attrs, inputs)
            outs = opdef.reference(inputs, attrs)
    except errors.OpError as e:
        if e.op is not None:
            raise
        raise type(e)(None, op, e.message) from None  # str(e) names the node
    outs = list(outs)
    if len(outs) != len(op._outputs):
        raise errors.InternalError(
            None, op, f"host op {op.name} gave {len(outs)} values for {len(op._outputs)} outputs")
    return [v if isinstance(v, Unwritten) else _as_value(t, v) for t, v in zip(op._outputs, outs)]


def _as_value(t, v):
    """`v` as the array a C plan is fed for tensor `t` (strings: an object
    array of bytes), checked against `t`'s static shape."""
    if t.dtype == string:
        return np.asarray(v, dtype=object)
    arr = np.asarray(v, dtype=t.dtype.np_dtype)
    if not (arr.flags.c_contiguous and arr.flags.aligned):
        arr = np.array(arr, order="C")  # 0-d stays 0-d, unlike ascontiguousarray
    if not t.shape.is_compatible_with(arr.shape):
        raise errors.InternalError(
            None, t.op, f"host op {t.op.name} gave a value of shape {arr.shape} for {t.name}, "
                        f"whose shape is {t.shape}")
    return arr
