"""Compiling a run signature into a Plan: pure Python, testable without C.

prune -> schedule -> concrete shapes and constant folding -> steps and
storage -> liveness -> arena offsets. The Plan lists C-level values and
steps; `fastgraph._native` lowers it to an fg_plan.
"""

import numpy as np

from ..framework import errors
from ..framework.dtypes import uint8 as _UINT8
from ..framework.op_registry import AttrFromInput, InferenceContext, resolve_attrs
from ..framework.tensor_shape import debug_string
from .liveness import liveness
from .memory_plan import REDZONE, MemoryPlan, plan_memory
from .epilogue import fuse_epilogues
from .fuse import fuse_steps
from .prune import prune
from .schedule import schedule
from .steps import ARENA, CONST, FEED, VAR, Plan, Step, Value

__all__ = ["compile_plan", "FOLD_LIMIT", "PARALLEL_GRAIN", "VALUE_FEED_LIMIT"]

# A parallel step gets one share per this many output elements, up to the
# number of threads: below it, waking a second thread costs more than it saves.
PARALLEL_GRAIN = 1 << 15

# Ops whose inputs are all known are folded into constants at compile time
# when their output is at most this many elements (bigger results would
# bloat the plan more than they save).
FOLD_LIMIT = 1 << 20

# A fed integer tensor of at most this many elements may decide shapes
# (`tf.fill(n, 0.0)`, `tf.reshape(x, fed_shape)`): the plan is compiled for
# its value and kept under it. Bigger or non-integer feeds never are, so that
# data feeds do not compile a plan per value.
VALUE_FEED_LIMIT = 64


class _NeedsValues(Exception):
    """Inference needs the values of these fed tensors."""

    def __init__(self, tensors):
        super().__init__(tensors)
        self.tensors = tensors


def _fed_sources(tensors, values, feeds):
    """The fed tensors whose values the unknown values of `tensors` follow from."""
    found, seen = [], set()
    stack = [t for t in tensors if id(t) not in values]
    while stack:
        t = stack.pop()
        if id(t) in seen:
            continue
        seen.add(id(t))
        if t in feeds:
            found.append(t)
        else:
            stack.extend(x for x in t.op._inputs if id(x) not in values)
    return found


def _infer(order, feeds, baked=None, offered=None):
    """Concrete shapes and, where known, values of every tensor of `order`.

    Returns (shapes, values) keyed by tensor id, and the attrs of ops whose
    attributes waited for an input's value, keyed by op id. `baked` maps
    fed tensor ids to the values inference may use; when an op's shape
    needs an unknown value that follows from `offered` feeds not yet baked,
    raises _NeedsValues with them. Raises InvalidArgumentError for an unfed
    placeholder or shapes that do not fit.
    """
    baked = baked or {}
    offered = offered or {}
    shapes, values, resolved = {}, dict(baked), {}
    for t, (shape, _) in feeds.items():
        shapes[id(t)] = shape

    def ask_for(inputs):
        wanted = [t for t in _fed_sources(inputs, values, feeds)
                  if id(t) in offered and id(t) not in baked]
        if wanted:
            raise _NeedsValues(wanted)

    for op in order:
        outs = op._outputs
        if all(id(t) in shapes for t in outs) and outs:
            continue
        if op._type == "Placeholder":
            t = outs[0]
            raise errors.InvalidArgumentError(
                None, op,
                f"You must feed a value for placeholder tensor '{op.name}' with dtype "
                f"{t.dtype.message_name} and shape {debug_string(t.shape.as_tuple() or ())}")
        opdef = op._opdef
        in_shapes = [shapes[id(t)] for t in op._inputs]
        in_values = [values.get(id(t)) for t in op._inputs]
        unknown = [t for t, v in zip(op._inputs, in_values) if v is None]
        try:
            attrs = resolve_attrs(op._attrs, in_values)
        except ValueError as e:
            raise errors.InvalidArgumentError(None, op, str(e)) from None
        if attrs is None:
            missing = next(v for v in op._attrs.values()
                           if isinstance(v, AttrFromInput) and in_values[v.index] is None)
            ask_for([op._inputs[missing.index]])
            raise errors.InvalidArgumentError(
                None, op, f"fastgraph needs `{missing.what}` of {op.name} when the plan is "
                f"compiled, but {op._inputs[missing.index].name} depends on a fed value that "
                f"is not an integer tensor of at most {VALUE_FEED_LIMIT} elements (the only "
                "fed values a plan is compiled for)")
        if attrs is not op._attrs:
            resolved[id(op)] = attrs
        ctx = InferenceContext(op, in_shapes, [t.dtype for t in op._inputs], in_values, attrs)
        try:
            out_shapes = opdef.shape(ctx)
        except ValueError as e:
            # A shape that waits for a fed value, or one that does not fit
            # (which inference with the values reports again).
            ask_for(unknown)
            raise errors.InvalidArgumentError(None, op, str(e)) from None
        for t, s in zip(outs, out_shapes):
            if s is None or any(d is None for d in s):
                ask_for(unknown)
                # Shapes follow from integers: a float feed is data, not the cause.
                fed = [f for f in _fed_sources(unknown, values, feeds) if f.dtype.is_integer]
                why = (f": it depends on the value of {', '.join(f.name for f in fed)}, which is "
                       f"not an integer tensor of at most {VALUE_FEED_LIMIT} elements (the only "
                       "fed values a plan is compiled for)") if fed else ""
                raise errors.InvalidArgumentError(
                    None, op, f"Could not infer the shape of {t.name} when the plan is "
                    f"compiled{why}")
            shapes[id(t)] = tuple(int(d) for d in s)
        folded = _fold(op, ctx, in_values, outs, shapes)
        if folded is not None:
            for t, v in zip(outs, folded):
                values[id(t)] = v
    return shapes, values, resolved


def _fold(op, ctx, in_values, outs, shapes):
    opdef = op._opdef
    if opdef.stateful or not outs:
        return None
    if opdef.fold is not None:
        folded = opdef.fold(ctx)
        if folded is not None:
            return [np.asarray(v, order="C") for v in folded]
    if op._type == "Const":
        return [op._attrs["value"]]
    if opdef.reference is None or any(v is None for v in in_values):
        return None
    if sum(int(np.prod(shapes[id(t)], dtype=np.int64)) for t in outs) > FOLD_LIMIT:
        return None
    try:
        result = opdef.reference(list(in_values), ctx.attrs)
    except Exception:  # noqa: BLE001 - the kernel reports the error at run time
        return None
    return [np.asarray(r, dtype=t.dtype.np_dtype, order="C") for r, t in zip(result, outs)]


def compile_plan(fetch_tensors, target_ops, feeds, threads=1, values=None):
    """Compiles one run signature.

    fetch_tensors: unique tensors to return; target_ops: ops to run for
    their effects; feeds: dict tensor -> (concrete shape tuple, DType), in
    feed-slot order; threads: how many shares a big parallel step may be
    split into; values: dict fed tensor -> its value this run, for the feeds
    whose values an output shape may depend on. The plan uses a value only
    when a shape needs it (and only of an integer feed of at most
    VALUE_FEED_LIMIT elements); `Plan.value_feeds` lists those, and the
    plan is right only for runs that feed the same values there. Raises
    InvalidArgumentError for unfed placeholders and shapes that do not fit.
    """
    fed = list(feeds)
    fed_ids = {id(t): k for k, t in enumerate(fed)}
    needed = prune(fetch_tensors, target_ops, fed)
    order = schedule(needed, fed)
    offered = {id(t): a for t, a in (values or {}).items()
               if id(t) in fed_ids and t.dtype.is_integer and np.size(a) <= VALUE_FEED_LIMIT}
    baked = {}
    while True:
        try:
            shapes, known, resolved = _infer(order, feeds, baked, offered)
            break
        except _NeedsValues as e:
            # A copy: the caller may change its array after the run.
            baked.update((id(t), np.array(offered[id(t)], order="C")) for t in e.tensors)
    value_feeds = [(k, baked[id(t)]) for k, t in enumerate(fed) if id(t) in baked]

    # Ops still needed once folded tensors count as sources.
    live_ops = {}
    stack = [t.op for t in fetch_tensors if id(t) not in fed_ids and id(t) not in known]
    stack += list(target_ops)
    # Effects run whenever the run reaches them, as in TF: behind a folded
    # value, or behind a control edge (of a folded op too), with the ops
    # their inputs need.
    stack += [op for op in order if op._opdef.stateful and op._inputs]
    stack += [c for op in order for c in op._control_inputs]
    while stack:
        op = stack.pop()
        if id(op) in live_ops:
            continue
        live_ops[id(op)] = op
        for t in op._inputs:
            if id(t) not in fed_ids and id(t) not in known:
                stack.append(t.op)
        stack.extend(op._control_inputs)

    builder = _Builder(shapes, threads, resolved)
    for k, t in enumerate(fed):
        builder.new_value(t, FEED, k)
    for op in order:
        if id(op) not in live_ops:
            for t in op._outputs:
                if id(t) in known and id(t) not in fed_ids:
                    builder.bind_const(t, known[id(t)])
            continue
        builder.emit(op, fed_ids, known)
    fetch_values = []
    for t in fetch_tensors:
        if id(t) not in builder.value_of and id(t) in known:
            builder.bind_const(t, known[id(t)])
        builder.check_fetched_var(t)
        fetch_values.append(builder.value_of[id(t)])
    plan = builder.finish(fed, fetch_values)
    plan.value_feeds = value_feeds
    return plan


class _Builder:
    """Accumulates values, steps and buffers while walking the schedule."""

    def __init__(self, shapes, threads, resolved):
        self.shapes = shapes
        self.resolved = resolved  # op id -> attrs with input values in place
        self.threads = threads
        self.values = []
        self.value_of = {}  # tensor id -> value index
        self.steps = []
        self.consts = []
        self.variables = []
        self.var_index = {}  # VariableV2 op id -> variables index
        self.checked = set()  # variables indices already checked for initialization
        self.buffer_sizes = []
        self.feed_values = {}  # feed slot -> [value indices]

    def new_value(self, tensor, kind, key, shape=None):
        v = Value(len(self.values), self.shapes[id(tensor)] if shape is None else shape,
                  tensor.dtype, kind, key, tensor)
        self.values.append(v)
        # A fed output of an op that still runs keeps its fed value.
        self.value_of.setdefault(id(tensor), v.index)
        if kind == FEED:
            self.feed_values.setdefault(key, []).append(v.index)
        return v

    def bind_const(self, tensor, array):
        if id(tensor) in self.value_of:
            return
        self.consts.append(array)
        self.new_value(tensor, CONST, len(self.consts) - 1, shape=array.shape)

    def new_buffer(self, tensor):
        b = len(self.buffer_sizes)
        shape = self.shapes[id(tensor)]
        self.buffer_sizes.append(int(np.prod(shape, dtype=np.int64)) * tensor.dtype.size)
        return self.new_value(tensor, ARENA, b)

    def scratch_buffer(self, nbytes):
        """A uint8 arena buffer of `nbytes`, for one step's scratch."""
        b = len(self.buffer_sizes)
        self.buffer_sizes.append(nbytes)
        v = Value(len(self.values), (nbytes,), _UINT8, ARENA, b, None)
        self.values.append(v)
        return v.index

    def variable(self, var_op):
        j = self.var_index.get(id(var_op))
        if j is None:
            j = len(self.variables)
            self.variables.append(var_op)
            self.var_index[id(var_op)] = j
        return j

    def read(self, indices):
        """The next step reads these values: variables among them get their
        initialization check first."""
        for i in indices:
            v = self.values[i]
            if v.kind == VAR and v.key not in self.checked:
                self.add_check(v)

    def add_check(self, v):
        self.checked.add(v.key)
        self.steps.append(Step("var_check", [], [v.index], None, None, v.key,
                               self.variables[v.key]))

    def check_fetched_var(self, tensor):
        v = self.values[self.value_of[id(tensor)]]
        if v.kind == VAR and v.key not in self.checked and tensor.op._type == "VariableV2":
            self.add_check(v)

    def emit(self, op, fed_ids, known):
        opdef = op._opdef
        if op._type == "VariableV2":
            self.new_value(op._outputs[0], VAR, self.variable(op))
            return
        if op._type == "Const":
            self.bind_const(op._outputs[0], op._attrs["value"])
            return
        if all(id(t) in fed_ids for t in op._outputs) and op._outputs:
            return
        if not opdef.kernel:
            return  # NoOp: control edges only
        ins = []
        for i, t in enumerate(op._inputs):
            if id(t) not in self.value_of:
                self.bind_const(t, known[id(t)])
            ins.append(self.value_of[id(t)])
        if opdef.ref_inputs:
            ref = self.values[ins[0]]
            var = ref.key
            self.read(ins[1:])
            out = self.new_value(op._outputs[0], VAR, var)
            self.steps.append(self._step(op, ins, [out.index], var))
            if op._type == "Assign":
                self.checked.add(var)
            return
        if opdef.view and self.values[ins[0]].kind != VAR:
            src = self.values[ins[0]]
            # Same storage, other shape: readers of the view keep the
            # source's buffer alive because they share its key.
            self.new_value(op._outputs[0], src.kind, src.key)
            return
        self.read(ins)
        outs = [self.new_buffer(t).index for t in op._outputs]
        state = self.variable(op) if opdef.state_words else None
        self.steps.append(self._step(op, ins, outs, state))

    def _step(self, op, ins, outs, var):
        opdef = op._opdef
        iattrs = fattrs = None
        ctx = InferenceContext(op, [self.values[i].shape for i in ins],
                               [self.values[i].dtype for i in ins],
                               [None] * len(ins), self.resolved.get(id(op), op._attrs),
                               [self.values[o].shape for o in outs],
                               [self.values[o].dtype for o in outs])
        if opdef.lower is not None:
            iattrs, fattrs = opdef.lower(ctx)
        kernel = opdef.kernel if not opdef.view else "copy"
        nparts = 1
        if opdef.parallel or opdef.view:
            size = sum(self.values[o].size for o in outs)
            if opdef.work is not None:
                size = max(size, int(opdef.work(ctx)))
            nparts = self.parts_for(size)
        if opdef.scratch is not None:
            # Each share gets its own slice, live for this step only.
            outs = outs + [self.scratch_buffer(int(opdef.scratch(ctx)) * nparts)]
        exclusive = opdef.exclusive(ctx) if callable(opdef.exclusive) else opdef.exclusive
        return Step(kernel, ins, outs, iattrs, fattrs, var, op, nparts, exclusive)

    def parts_for(self, n_elements):
        """Shares for a parallel step writing n_elements."""
        return max(1, min(self.threads, n_elements // PARALLEL_GRAIN))

    def finish(self, fed, fetch_values):
        steps = fuse_epilogues(self.steps, self.values, fetch_values)
        steps = fuse_steps(steps, self.values, fetch_values, self.parts_for)
        n_steps = len(steps)
        producers, readers = {}, {}
        for k, st in enumerate(steps):
            for i in st.inputs:
                if self.values[i].kind == ARENA:
                    readers.setdefault(self.values[i].key, []).append(k)
            for o in st.outputs:
                producers.setdefault(self.values[o].key, k)
        # Fetched buffers become outputs: written in place, never copied.
        outputs, fetch_output, out_of_buffer = [], [], {}
        for i in fetch_values:
            v = self.values[i]
            if v.kind != ARENA or v.key not in producers:
                fetch_output.append(-1)
            elif v.key in out_of_buffer:
                fetch_output.append(-1)  # the first fetch of this buffer owns the array
            else:
                out_of_buffer[v.key] = len(outputs)
                fetch_output.append(len(outputs))
                outputs.append((i, [u.index for u in self.values
                                    if u.kind == ARENA and u.key == v.key]))
        # Buffers that fusion kept in registers are never written, and
        # outputs live outside the arena: neither takes arena space.
        sizes = [n if b in producers and b not in out_of_buffer else 0
                 for b, n in enumerate(self.buffer_sizes)]
        home = _inplace(steps, self.values, sizes, producers, readers)
        merged_readers = {}
        for b, ks in readers.items():
            merged_readers.setdefault(home[b], []).extend(ks)
        starts = [producers.get(b, 0) for b in range(len(sizes))]
        roots = [b for b in range(len(sizes)) if home[b] == b]
        intervals = liveness([sizes[b] for b in roots], [starts[b] for b in roots],
                             {i: merged_readers.get(b, []) for i, b in enumerate(roots)},
                             n_steps, ())
        planned = plan_memory(intervals, redzone=REDZONE)
        position = {b: i for i, b in enumerate(roots)}
        memory = MemoryPlan([planned.offsets[position[home[b]]] for b in range(len(sizes))],
                            planned.arena_bytes, planned.lower_bound, planned.intervals)
        feeds = [(t, self.feed_values.get(k, [])) for k, t in enumerate(fed)]
        return Plan(self.values, steps, feeds, fetch_values, self.consts, self.variables, memory,
                    outputs, fetch_output)


def _inplace(steps, values, sizes, producers, readers):
    """home[b]: the buffer whose memory buffer b uses. A step whose kernel
    works in place writes its output over an input buffer of the same size
    that nobody reads after it (TFLite and ONNX Runtime do the same). The
    input must also have the output's element count and element size: a
    broadcast input of as many bytes (float32[3] under a bool[4, 3]
    comparison) is read again after its bytes have been overwritten."""
    home = list(range(len(sizes)))
    last_read = {b: max(ks) for b, ks in readers.items()}
    for k, st in enumerate(steps):
        opdef = st.op._opdef
        if not opdef.inplace or st.kernel == "fused" or len(st.outputs) != 1:
            continue
        out = values[st.outputs[0]]
        if out.kind != ARENA or not sizes[out.key]:
            continue
        for i in st.inputs:
            v = values[i]
            if (v.kind == ARENA and sizes[v.key] == sizes[out.key]
                    and v.size == out.size and v.dtype.size == out.dtype.size
                    and producers.get(v.key, k) < k and last_read.get(v.key) == k):
                home[out.key] = home[v.key]
                break
    return home
