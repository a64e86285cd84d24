"""The Plan of a run signature, and compiling one: pure Python, testable
without C.

prune -> schedule -> concrete shapes and constant folding -> steps and
storage -> batch norm folding, epilogues, packed weights and fusion -> liveness -> arena offsets. The Plan lists
C-level values and steps; `fastgraph._native` lowers it to an fg_plan.
"""

import numpy as np

from ..framework.dtypes import uint8 as _UINT8
from ..framework.op_registry import InferenceContext
from .epilogue import fuse_epilogues
from .fold_batch_norm import fold_batch_norms
from .fold_pad import fold_pads
from .fuse import fuse_steps
from .inference import VALUE_FEED_LIMIT, Inference
from .liveness import liveness
from .memory_plan import REDZONE, MemoryPlan, plan_memory
from .nested import Nested, SubPlan
from .pack_weights import pack_weights
from .prune import prune
from .schedule import schedule
from .steps import ARENA, CONST, FEED, VAR, Step, Value
from .uses import Uses
from .variable_order import read_before_write

__all__ = ["Plan", "compile_plan", "PARALLEL_GRAIN"]

# A parallel step gets one share per this many output elements, up to the
# number of threads: below it, waking a second thread costs more than it saves.
PARALLEL_GRAIN = 1 << 15

class Plan:
    """A compiled run: values, steps, feeds, fetches, constants, variables and
    the memory plan of the arena.

    feeds[k] is (tensor, [value indices bound to feed k]); fetch_values[i]
    is the value index of fetch i; variables[j] is the op owning session
    buffer j (a VariableV2, or an op with per-session state).

    Fetched results are not in the arena: each run allocates one new array
    per outputs[k] = (value index giving its shape, [value indices bound to
    it]), the kernels write into it, and it is handed to the user as is.
    fetch_output[i] is the output fetch i returns, or -1 when fetch i is
    copied out (constants, feeds, variables, a second fetch of one output).

    value_feeds lists (feed slot, value) for the feeds whose values the
    plan was compiled for (a fed shape of `tf.fill`): it is right only for
    runs that feed those values.
    """

    def __init__(self, values, steps, feeds, fetch_values, consts, variables, memory,
                 outputs=(), fetch_output=None):
        self.values = values
        self.steps = steps
        self.feeds = feeds
        self.fetch_values = fetch_values
        self.consts = consts
        self.variables = variables
        self.memory = memory
        self.outputs = list(outputs)
        self.fetch_output = list(fetch_output) if fetch_output is not None \
            else [-1] * len(fetch_values)
        self.value_feeds = []

    @property
    def arena_bytes(self):
        """Bytes of the arena this plan needs."""
        return self.memory.arena_bytes

    def kernels(self):
        """The kernel names of the steps, in order."""
        return [s.kernel for s in self.steps]

    def __repr__(self):
        return (f"<Plan {len(self.steps)} steps, {len(self.values)} values, "
                f"{self.memory.report()}>")


def compile_plan(fetch_tensors, target_ops, feeds, threads=1, values=None, done=frozenset()):
    """Compiles one run signature.

    fetch_tensors: unique tensors to return; target_ops: ops to run for
    their effects; feeds: dict tensor -> (concrete shape tuple, DType), in
    feed-slot order; threads: how many shares a big parallel step may be
    split into; values: dict fed tensor -> its value this run, for the feeds
    whose values an output shape may depend on. The plan uses a value only
    when a shape needs it (and only of an integer feed of at most
    VALUE_FEED_LIMIT elements); `Plan.value_feeds` lists those, and the
    plan is right only for runs that feed the same values there. done: ids
    of ops an earlier stage of a staged run ran (see staged_run.py), whose
    control edges are met. Raises
    InvalidArgumentError for unfed placeholders and shapes that do not fit.
    """
    fed = list(feeds)
    fed_ids = {id(t): k for k, t in enumerate(fed)}
    needed = prune(fetch_tensors, target_ops, fed, done)
    try:
        order = schedule(needed, fed, read_before_write(needed, fed))
    except ValueError:
        # Reads and writes of variables that no order satisfies (each
        # waits for a write of the other): unordered, as in TF.
        order = schedule(needed, fed)
    offered = {id(t): a for t, a in (values or {}).items()
               if id(t) in fed_ids and t.dtype.is_integer and np.size(a) <= VALUE_FEED_LIMIT}
    inferred = Inference(order, feeds, offered)
    shapes, known, resolved = inferred.shapes, inferred.values, inferred.resolved
    value_feeds = [(k, inferred.baked[id(t)]) for k, t in enumerate(fed) if id(t) in inferred.baked]

    # Ops still needed once folded tensors count as sources.
    live_ops = {}
    stack = [t.op for t in fetch_tensors if id(t) not in fed_ids and id(t) not in known]
    stack += list(target_ops)
    # Effects run whenever the run reaches them, as in TF: behind a folded
    # value, or behind a control edge (of a folded op too), with the ops
    # their inputs need.
    stack += [op for op in order if op.opdef.stateful and op._inputs]
    stack += [c for op in order for c in op._control_inputs if id(c) not in done]
    while stack:
        op = stack.pop()
        if id(op) in live_ops:
            continue
        live_ops[id(op)] = op
        for t in op._inputs:
            if id(t) not in fed_ids and id(t) not in known:
                stack.append(t.op)
        stack.extend(c for c in op._control_inputs if id(c) not in done)

    # A view of a variable (its Identity) that runs as a control input or a
    # target reads the variable there, as in TF, though no step reads its
    # value: an uninitialized variable fails the run at that point.
    awaited = {id(c) for op in order for c in op._control_inputs}
    awaited.update(id(op) for op in target_ops)
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
        if id(op) in awaited and op.opdef.view and op._outputs and \
                id(op._outputs[0]) in builder.value_of:
            builder.check_fetched_var(op._outputs[0])
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
        if v.kind == VAR and v.key not in self.checked and (
                tensor.op._type == "VariableV2" or tensor.op.opdef.view):
            self.add_check(v)

    def emit(self, op, fed_ids, known):
        opdef = op.opdef
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
            if op._type == "CountUpTo":  # the count before its increment: a copy
                out = self.new_buffer(op._outputs[0])
            else:
                out = self.new_value(op._outputs[0], VAR, var)
            self.steps.append(self._step(op, ins, [out.index], var))
            if op._type == "Assign":
                self.checked.add(var)
            return
        if opdef.view:
            src = self.values[ins[0]]
            # Same storage, other shape: readers of the view keep the
            # source's buffer alive because they share its key. A view of
            # a variable is read when its readers run (variable_order.py).
            self.new_value(op._outputs[0], src.kind, src.key)
            return
        self.read(ins)
        outs = [self.new_buffer(t).index for t in op._outputs]
        state = self.variable(op) if opdef.state_words else None
        self.steps.append(self._step(op, ins, outs, state))

    def _step(self, op, ins, outs, var):
        opdef = op.opdef
        iattrs = fattrs = None
        ctx = InferenceContext(op, [self.values[i].shape for i in ins],
                               [self.values[i].dtype for i in ins],
                               [None] * len(ins), self.resolved.get(id(op), op._attrs),
                               [self.values[o].shape for o in outs],
                               [self.values[o].dtype for o in outs])
        nested = None
        if opdef.lower is not None:
            ctx.compile = self.compile_sub
            lowered = opdef.lower(ctx)
            iattrs, fattrs = lowered[0], lowered[1]
            if len(lowered) > 2:
                nested = Nested(**lowered[2])
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
        return Step(kernel, ins, outs, iattrs, fattrs, var, op, nparts, exclusive, nested)

    def compile_sub(self, fetches, feeds):
        """A SubPlan fetching `fetches` (tensors, repeats allowed) fed by
        `feeds` ((tensor, concrete shape) per feed slot), for a
        control-flow step's lowering."""
        unique, index = [], {}
        for t in fetches:
            if id(t) not in index:
                index[id(t)] = len(unique)
                unique.append(t)
        plan = compile_plan(unique, [], {t: (tuple(shape), t.dtype) for t, shape in feeds},
                            self.threads)
        return SubPlan(plan, [self.variable(op) for op in plan.variables],
                       [index[id(t)] for t in fetches])

    def parts_for(self, n_elements):
        """Shares for a parallel step writing n_elements."""
        return max(1, min(self.threads, n_elements // PARALLEL_GRAIN))

    def finish(self, fed, fetch_values):
        steps = fold_pads(self.steps, self.values, self.consts, fetch_values)
        steps = fold_batch_norms(steps, self.values, self.consts, fetch_values)
        steps = fuse_epilogues(steps, self.values, fetch_values)
        steps = pack_weights(steps, self.values, self.consts, fetch_values, self.scratch_buffer)
        steps = fuse_steps(steps, self.values, fetch_values, self.parts_for)
        n_steps = len(steps)
        uses = Uses(steps, self.values)
        producers, readers = uses.producer, uses.readers
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
        home = _inplace(steps, self.values, sizes, uses)
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


def _inplace(steps, values, sizes, uses):
    """home[b]: the buffer whose memory buffer b uses. A step whose kernel
    works in place writes its output over an input buffer of the same size
    that nobody reads after it (TFLite and ONNX Runtime do the same). The
    input must also have the output's element count and element size: a
    broadcast input of as many bytes (float32[3] under a bool[4, 3]
    comparison) is read again after its bytes have been overwritten."""
    home = list(range(len(sizes)))
    for k, st in enumerate(steps):
        opdef = st.op.opdef
        if not opdef.inplace or st.kernel == "fused" or len(st.outputs) != 1:
            continue
        out = values[st.outputs[0]]
        if out.kind != ARENA or not sizes[out.key]:
            continue
        for i in st.inputs:
            v = values[i]
            if (v.kind == ARENA and sizes[v.key] == sizes[out.key]
                    and v.size == out.size and v.dtype.size == out.dtype.size
                    and uses.producer.get(v.key, k) < k and uses.last_read(v.key) == k):
                home[out.key] = home[v.key]
                break
    return home
