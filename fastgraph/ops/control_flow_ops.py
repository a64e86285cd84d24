"""Control flow: `while_loop`, `cond`, `case` and `switch_case`, run in C.

The functions a loop or a cond is given build their ops in a sub-graph of
the graph (`Graph._sub_graph`, as TF's WhileContext and CondContext): a
loop's condition and body see its loop variables as placeholders of the
sub-graph, and tensors they read from outside are captured as inputs of the
control-flow op (a `While` or an `If`). The compiler turns each sub-graph
into a plan of its own, for the concrete shapes of the op's inputs, and the
op's step iterates them (the loop) or runs the taken one (the cond) in C,
with no Python call per iteration (csrc/kernels/control_flow.c).

Variables, constants and views of them (a variable's `read`) are not
captured: a sub-plan reads them itself, so each iteration sees the writes
of the one before, and each branch's assigns run only when it is taken.
"""

import numpy as np

from ..framework import dtypes, errors
from ..framework.graph import Tensor, get_default_graph
from ..framework.graphdef_mapping import NoGraphDef
from ..framework.op_registry import (NoGradient, OpDef, RegisterGradient, register, resolve_attrs,
                                     register_graphdef_translation)
from ..framework.tensor_shape import TensorShape
from . import samples
from .arguments import graph_of, make_op, to_tensor
from .array_ops import identity, identity_n, stack
from .elementwise import cast, not_equal
from .reduction_ops import argmax

__all__ = ["cond", "while_loop", "build_while", "case", "switch_case", "run_time_value",
           "LOOP_TYPES"]

# The op types of loops: `While` runs in C; `HostWhile`, a loop whose
# variables change shape across iterations (or whose body holds host ops),
# is run by the session, one C plan per iteration, compiled once per shape.
LOOP_TYPES = ("While", "HostWhile")


# ---- nested structures ------------------------------------------------------

def _flatten(structure):
    if hasattr(structure, "_loop_tensors"):  # a TensorArray: its buffer and mask
        return structure._loop_tensors()
    if isinstance(structure, dict):
        return [x for k in sorted(structure) for x in _flatten(structure[k])]
    if isinstance(structure, (list, tuple)):
        return [x for s in structure for x in _flatten(s)]
    return [structure]


def _pack(structure, flat):
    """`structure` with its leaves replaced, in order, by the items of `flat`."""
    it = iter(flat)

    def build(s):
        if hasattr(s, "_loop_tensors"):
            return s._with_loop_tensors([next(it), next(it)])
        if isinstance(s, dict):
            return {k: build(s[k]) for k in sorted(s)}
        if isinstance(s, tuple) and hasattr(s, "_fields"):
            return type(s)(*[build(x) for x in s])
        if isinstance(s, (list, tuple)):
            return type(s)(build(x) for x in s)
        return next(it)
    return build(structure)


def _same_structure(a, b):
    if isinstance(a, dict) or isinstance(b, dict):
        return isinstance(a, dict) and isinstance(b, dict) and sorted(a) == sorted(b) and all(
            _same_structure(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) or isinstance(b, (list, tuple)):
        return (isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)) and
                len(a) == len(b) and all(_same_structure(x, y) for x, y in zip(a, b)))
    return True


def _structure_error(first, second):
    """TF's ValueError (nest.assert_same_structure) for structures that differ."""
    na, nb = len(_flatten(first)), len(_flatten(second))
    more = (f"The two structures don't have the same number of elements. First structure: "
            f"type={type(first).__name__} str={first!r}. Second structure: "
            f"type={type(second).__name__} str={second!r}" if na != nb else
            "The two structures don't have the same sequence type or nesting.")
    return ValueError("The two structures don't have the same nested structure.\n\n"
                      f"First structure: type={type(first).__name__} str={first!r}\n\n"
                      f"Second structure: type={type(second).__name__} str={second!r}\n\n"
                      f"More specifically: {more}")


def _shape_str(shape):
    """A shape as TF 2's messages print it: (None, 3)."""
    dims = shape.as_tuple()
    if dims is None:
        return "<unknown>"
    parts = ["None" if d is None else str(d) for d in dims]
    return f"({parts[0]},)" if len(parts) == 1 else "(" + ", ".join(parts) + ")"


# ---- sub-graphs ----------------------------------------------------------------

def _written(ops, into=None):
    """Ids of the VariableV2 ops that `ops` (and sub-graphs nested in them) assign."""
    into = set() if into is None else into
    for op in ops:
        for i in op.opdef.ref_inputs:
            if i < len(op._inputs):
                into.add(id(op._inputs[i].op))
        for key in ("cond_ops", "body_ops"):
            if key in op._attrs and op._type in LOOP_TYPES:
                _written(op._attrs[key], into)
        if op._type == "If":
            for branch in op._attrs["branch_ops"]:
                _written(branch, into)
    return into


def _read_inside(t, written):
    """Whether a sub-plan computes outside tensor `t` itself instead of
    taking it as an input: variables, constants, and views of the
    variables the sub-graph assigns (so that a loop reads such a variable
    afresh each iteration; a variable it only reads is read once, on
    entry, and gradients flow to it through the op's input)."""
    op = t.op
    if op._control_inputs or op._type == "PlaceholderWithDefault":
        return False  # a feed may replace it: the op's input carries the value
    if op._type in ("VariableV2", "Const"):
        return True
    if not (op.opdef.view and op._inputs and all(_read_inside(x, written) for x in op._inputs)):
        return False
    root = op
    while root.opdef.view and root._inputs:
        root = root._inputs[0].op
    return root._type == "Const" or id(root) in written


def _captures(ops, results, internal, into, written=None):
    """Appends to `into` the tensors from outside the sub-graph `ops` that
    it reads (data inputs of its ops, and results it passes through);
    `internal`: ids of the sub-graph's own inputs (loop variables).
    Placeholders made inside count as outside: the run feeds them."""
    written = _written(ops) if written is None else written
    own = {id(op) for op in ops if op._type != "Placeholder"}
    seen = {id(t) for t in into}
    reads = [t for op in ops for t in op._inputs] + list(results)
    for t in reads:
        if id(t.op) in own or id(t) in internal or id(t) in seen:
            continue
        seen.add(id(t))
        if not _read_inside(t, written):
            into.append(t)


def _evaluate(fetches, feeds):
    """NumPy values of `fetches` when `feeds` ({tensor id: array}) are given:
    every op through its registry reference (the control-flow ops'
    references, which the tests use as an oracle)."""
    memo = dict(feeds)

    def value(t):
        if id(t) not in memo:
            op = t.op
            if op._type == "Const":
                outs = [op._attrs["value"]]
            elif op._type in ("Placeholder", "VariableV2") or op.opdef.reference is None:
                raise ValueError(f"the reference evaluation has no value for {t.name}")
            else:
                vals = [value(x) for x in op._inputs]
                outs = op.opdef.reference(vals, resolve_attrs(op._attrs, vals))
            for out, r in zip(op._outputs, outs):
                memo[id(out)] = np.asarray(r, dtype=out.dtype.np_dtype)
        return memo[id(t)]
    return [value(t) for t in fetches]


# ---- While --------------------------------------------------------------------

def _align(n):
    return (n + 63) // 64 * 64


def _while_shape(ctx):
    # The loop variables, then the number of iterations run (for the gradient).
    n = ctx.attrs["n_vars"]
    if ctx.op is None:
        return [tuple(s) if s is not None else None for s in ctx.attrs["shapes"]] + [()]
    return [ctx.shapes[j] for j in range(n)] + [()]


def _while_scratch(ctx):
    n = ctx.attrs["n_vars"]
    half = sum(_align(int(np.prod(ctx.shapes[j], dtype=np.int64)) * ctx.dtypes[j].size)
               for j in range(n))
    return 2 * half + 64


def _sub_feeds(ctx, inputs, first):
    """(tensor, concrete shape) for each sub-plan feed: the sub-graph's own
    inputs, then its captures (fed by the op's inputs from `first` on)."""
    caps = ctx.attrs["captures"]
    return (list(zip(inputs, ctx.shapes)) +
            list(zip(caps, ctx.shapes[first:first + len(caps)])))


def _lower_while(ctx):
    a = ctx.attrs
    n, nc = a["n_vars"], a["n_caps"]
    feeds = _sub_feeds(ctx, a["loop_vars"], n)
    cond_plan = ctx.compile([a["cond"]], feeds)
    body_plan = ctx.compile(a["body"], feeds)
    for j, (t, shape) in enumerate(zip(a["loop_vars"], body_plan.result_shapes)):
        if tuple(shape) != tuple(ctx.shapes[j]):
            raise errors.UnimplementedError(
                None, ctx.op, f"while_loop: loop variable {j} ({ctx.op._inputs[j].name}) enters "
                f"the loop with shape {tuple(ctx.shapes[j])} and has shape {tuple(shape)} after "
                "one iteration; fastgraph runs loops whose variables keep their shape in a run")
    return ([n, nc, int(a["has_max"])], [],
            {"kind": "loop", "subplans": [cond_plan, body_plan], "n_vars": n, "n_caps": nc})


def _while_reference(inputs, attrs):
    n, nc = attrs["n_vars"], attrs["n_caps"]
    current = [np.asarray(x) for x in inputs[:n]]
    caps_values = inputs[n:n + nc]
    caps = {id(t): np.asarray(x) for t, x in zip(attrs["captures"], caps_values)}
    limit = int(inputs[n + nc]) if attrs["has_max"] else None
    iteration = 0
    while limit is None or iteration < limit:
        feeds = dict(caps)
        feeds.update({id(p): v for p, v in zip(attrs["loop_vars"], current)})
        if not bool(_evaluate([attrs["cond"]], feeds)[0]):
            break
        current = _evaluate(attrs["body"], feeds)
        iteration += 1
    return current + [np.int32(iteration)]


register(OpDef(
    "While", shape=_while_shape,
    dtype=lambda ctx: list(ctx.dtypes[:ctx.attrs["n_vars"]]) + [dtypes.int32],
    kernel="while_loop", lower=_lower_while, scratch=_while_scratch, stateful=True,
    reference=_while_reference,
    graphdef=NoGraphDef("a while_loop's condition and body are sub-graphs that fastgraph does "
                        "not write as TF's Enter/Merge/Switch/NextIteration/Exit frames")))


def _runs_on_host(op):
    """Whether the session computes `op` between C plans (staged_run.is_host):
    a C sub-plan cannot hold it."""
    return op.opdef.host is not None or any(
        t.dtype.on_host for t in list(op._outputs) + list(op._inputs))


def _as_feed(t, value):
    arr = np.asarray(value, dtype=t.dtype.np_dtype)
    return t, (arr if arr.flags.c_contiguous else np.array(arr, order="C"))


def _host_while(ctx, op, values):
    """A HostWhile's run: the condition and the body are runs of the
    session fed the loop variables and the captures (so each iteration may
    give its variables other shapes, and the body may hold host ops)."""
    a = op._attrs
    n, nc = a["n_vars"], a["n_caps"]
    current = list(values[:n])
    caps = [_as_feed(t, v) for t, v in zip(a["captures"], values[n:n + nc])]
    limit = int(values[n + nc]) if a["has_max"] else None
    iteration = 0
    while limit is None or iteration < limit:
        feeds = [_as_feed(p, v) for p, v in zip(a["loop_vars"], current)] + caps
        if not bool(ctx.run([a["cond"]], feeds)[0]):
            break
        current = ctx.run(a["body"], feeds)
        for p, v in zip(a["loop_vars"], current):
            if not p.shape.is_compatible_with(v.shape):
                raise errors.InvalidArgumentError(
                    None, op, f"The shape of loop variable {p.name} after iteration "
                    f"{iteration + 1} is {_shape_str(TensorShape(v.shape))}, which is not "
                    f"compatible with its shape invariant {_shape_str(p.shape)}")
        iteration += 1
    return current + [np.int32(iteration)]


register(OpDef(
    "HostWhile", shape=lambda ctx: [tuple(s) if s is not None else None
                                    for s in ctx.attrs["shapes"]] + [()],
    dtype=lambda ctx: list(ctx.dtypes[:ctx.attrs["n_vars"]]) + [dtypes.int32],
    host=_host_while, stateful=True, reference=_while_reference,
    graphdef=NoGraphDef("a while_loop's condition and body are sub-graphs that fastgraph does "
                        "not write as TF's Enter/Merge/Switch/NextIteration/Exit frames")))


def _host_while_grad(ctx, op, values):
    """The gradient of a HostWhile, as TF's: a forward pass that keeps the
    loop variables entering each iteration (TF's stacks), then the body's
    vector-Jacobian product run once per iteration backwards from the
    last. O(n) body steps for n iterations."""
    return _while_grad_steps(ctx.run, op._attrs, values)


def _while_grad_reference(inputs, attrs):
    return _while_grad_steps(
        lambda ts, pairs: _evaluate(ts, {id(t): v for t, v in pairs}), attrs, inputs)


def _while_grad_steps(run, a, values):
    """HostWhileGrad's values, sub-graphs evaluated by `run(tensors,
    [(tensor, array)])`."""
    ctx = _Runner(run)
    n, nc = a["n_vars"], a["n_caps"]
    fv, fc = a["fv"], a["fc"]
    state = list(values[:n])
    caps = [_as_feed(t, v) for t, v in zip(a["captures"], values[n:n + nc])]
    count = int(values[n + nc])
    g = list(values[n + nc + 1:])
    history = []
    for _ in range(count):
        history.append(state)
        state = ctx.run(a["body"], [_as_feed(p, v) for p, v in zip(a["loop_vars"], state)] + caps)
    gc = [np.zeros(np.shape(values[n + c]), a["captures"][c].dtype.np_dtype) for c in fc]
    for k in range(count - 1, -1, -1):
        feeds = ([_as_feed(p, v) for p, v in zip(a["loop_vars"], history[k])] + caps +
                 [_as_feed(p, v) for p, v in zip(a["cotangents"], g)])
        d = ctx.run(a["vjp"], feeds)
        g = d[:len(fv)]
        gc = [x + y for x, y in zip(gc, d[len(fv):])]
    return [np.asarray(x, a["loop_vars"][j].dtype.np_dtype) for x, j in zip(g, fv)] + gc


register(OpDef(
    "HostWhileGrad", shape=lambda ctx: list(ctx.attrs["shapes"]),
    dtype=lambda ctx: [ctx.attrs["loop_vars"][j].dtype for j in ctx.attrs["fv"]] +
    [ctx.attrs["captures"][c].dtype for c in ctx.attrs["fc"]],
    host=_host_while_grad, stateful=True, reference=_while_grad_reference,
    gradient=NoGradient("fastgraph has no second derivative of a loop whose shapes change"),
    graphdef=NoGraphDef("the gradient of a fastgraph HostWhile: sub-graphs run by the session")))


class _Runner:
    __slots__ = ("run",)

    def __init__(self, run):
        self.run = run


def _run_time_value(ctx, op, values):
    return [np.asarray(values[0])]


register(OpDef(
    "RunTimeValue", shape=lambda ctx: [ctx.shapes[0]], dtype=lambda ctx: [ctx.dtypes[0]],
    host=_run_time_value, reference=lambda inputs, attrs: [np.asarray(inputs[0])],
    stateful=True, samples=samples.run_time_value,
    graphdef=NoGraphDef("a fastgraph stage boundary: TF computes shapes at run time")))


@RegisterGradient("RunTimeValue")
def _run_time_value_grad(op, grad):
    return [grad]


def run_time_value(x, name=None):
    """`x`, computed before what reads it is compiled: a shape that only a
    run can tell (a loop's trip count) becomes known to the plans after it,
    which are compiled for its value. Not in a loop body or a branch."""
    graph = graph_of([x])
    return make_op(graph, "RunTimeValue", [to_tensor(graph, x)], {},
                   name=name or "RunTimeValue").outputs[0]


def _check_invariant(t, invariant, after=None):
    """TF's ValueError when `after` (the shape a loop variable has after an
    iteration, or its initial shape when None) does not fit `invariant`."""
    shape = t.shape if after is None else after
    dims, inv = shape.as_tuple(), invariant.as_tuple()
    if inv is None:
        return
    ok = dims is not None and len(dims) == len(inv) and all(
        i is None or d == i for d, i in zip(dims, inv))
    if ok:
        return
    if after is None:
        raise ValueError(f"The shape invariant specified for {t.name} is not compatible with "
                         f"the initial shape of the loop variable. It enters the loop with "
                         f"shape {_shape_str(shape)}, but the specified shape invariant is "
                         f"{_shape_str(invariant)}.")
    raise ValueError(f"Input tensor `{t.name}` enters the loop with shape {_shape_str(t.shape)}, "
                     f"but has shape {_shape_str(after)} after one iteration. To allow the "
                     "shape to vary across iterations, use the `shape_invariants` argument of "
                     "tf.while_loop to specify a less-specific shape.")


def _check_pred(pred, where):
    if pred.dtype != dtypes.bool:
        raise TypeError(f"Input 'input' of 'LoopCond' Op has type {pred.dtype.name} that does "
                        "not match expected type of bool.")
    rank = pred.shape.rank
    if rank not in (None, 0):
        raise ValueError(f"Shape must be rank 0 but is rank {rank} for '{where}' (op: "
                         f"'LoopCond') with input shapes: {list(pred.shape.as_tuple())}.")


def while_loop(cond, body, loop_vars, shape_invariants=None, parallel_iterations=10,
               back_prop=True, swap_memory=False, name=None, maximum_iterations=None,
               return_same_structure=False):
    """Repeat `body` while the condition `cond` is true.

    `cond` is a callable returning a boolean scalar tensor. `body` is a
    callable returning a (possibly nested) tuple, namedtuple or list of
    tensors of the same arity (length and structure) and types as
    `loop_vars`. `loop_vars` is a (possibly nested) tuple, namedtuple or
    list of tensors that is passed to both `cond` and `body`. `cond` and
    `body` both take as many arguments as there are `loop_vars`.

    `shape_invariants` gives a less specific shape for loop variables whose
    shape changes across iterations (in fastgraph, a run's loop keeps the
    shapes it enters with). `maximum_iterations` bounds the number of
    iterations. `parallel_iterations`, `back_prop` and `swap_memory` are
    accepted; the loop runs its iterations in order in C. Returns the output
    tensors for the loop variables after the loop: a single tensor when
    there is one loop variable and `return_same_structure` is False.
    """
    return build_while(cond, body, loop_vars, shape_invariants, parallel_iterations, name,
                       maximum_iterations, return_same_structure)


def build_while(cond, body, loop_vars, shape_invariants=None, parallel_iterations=10, name=None,
                maximum_iterations=None, return_same_structure=False, fixed_shapes=False):
    """`while_loop`; `fixed_shapes`: the caller knows that its variables keep
    the shapes they enter with in every run (the loops of gradients), so
    that its shape invariants never make it a HostWhile."""
    if not callable(cond):
        raise TypeError("cond must be callable.")
    if not callable(body):
        raise TypeError("body must be callable.")
    if not isinstance(parallel_iterations, int) or parallel_iterations <= 0:
        raise ValueError("parallel_iterations must be a positive integer.")
    flat_init = _flatten(loop_vars)
    if not flat_init:
        raise ValueError("No loop variables provided")
    graph = graph_of(flat_init + ([maximum_iterations] if maximum_iterations is not None else []))
    with graph.as_default(), graph.name_scope(name or "while") as scope:
        # A TensorArray whose element shape is not known yet enters with a
        # pending buffer, made once the body's first write tells its shape.
        init = [v if hasattr(v, "_resolve_loop_input") else to_tensor(graph, v)
                for v in flat_init]
        if shape_invariants is not None and not _same_structure(loop_vars, shape_invariants) \
                and not (len(init) == 1 and not isinstance(shape_invariants, (list, tuple, dict))):
            raise _structure_error(loop_vars, shape_invariants)
        flat_given = _flat_invariants(loop_vars, shape_invariants, len(init))
        given = [g for g, _ in flat_given]
        # The user's own invariants (a TensorArray gives its own).
        explicit = {id(g) for g, mine in flat_given if mine}
        invariants = [t.shape if g is None else g for t, g in zip(init, given)]
        for t, g in zip(init, given):
            if g is not None and not hasattr(t, "_resolve_loop_input"):
                _check_invariant(t, g)
        placeholders = [graph.create_op("Placeholder", [], {"dtype": t.dtype, "shape": inv},
                                        name="loop_var").outputs[0]
                        for t, inv in zip(init, invariants)]
        packed = _pack(loop_vars, placeholders)
        args = packed if isinstance(packed, (list, tuple)) else [packed]
        with graph._sub_graph() as cond_ops:
            pred = to_tensor(graph, cond(*args))
        _check_pred(pred, scope + "LoopCond")
        with graph._sub_graph() as body_ops:
            result = body(*args)
            if isinstance(loop_vars, (list, tuple)) and (
                    not isinstance(result, (list, tuple)) or
                    len(args) == 1 and _same_structure(args[0], result) and
                    not _same_structure(list(args), list(result))):
                result = [result]
            if not (_same_structure(list(packed) if isinstance(packed, (list, tuple)) else packed,
                                    list(result) if isinstance(result, (list, tuple)) else result)):
                raise _structure_error(result, packed)
            outs = [to_tensor(graph, x) for x in _flatten(result)]
        # A loop whose variables may change shape across iterations (one
        # with a less specific shape invariant that its body's results
        # have), or whose body holds host ops, runs as a HostWhile.
        host = any(_runs_on_host(o) for o in cond_ops + body_ops) or not fixed_shapes and any(
            g is not None and out is not p and not hasattr(t, "_resolve_loop_input") and
            (t.shape.as_tuple() != out.shape.as_tuple() or
             (id(g) in explicit and not g.is_fully_defined()))
            for t, g, out, p in zip(init, given, outs, placeholders))
        init = [t._resolve_loop_input(out, host) if hasattr(t, "_resolve_loop_input") else t
                for t, out in zip(init, outs)]
        for t, out, inv, g in zip(init, outs, invariants, given):
            if out.dtype != t.dtype:
                raise TypeError(f"Loop var {t.name} enters the loop with type {t.dtype} but has "
                                f"type {out.dtype} after 1 iteration. {t.name} type should "
                                "remain constant.")
            _check_invariant(t if g is None else _WithShape(t, inv), inv, out.shape)
        extra = []
        if maximum_iterations is not None:
            limit = to_tensor(graph, maximum_iterations)
            if limit.shape.rank not in (None, 0):
                raise ValueError(f"maximum_iterations must be a scalar, saw shape: "
                                 f"{_shape_str(limit.shape)}")
            if limit.dtype != dtypes.int64:
                limit = cast(limit, dtypes.int64, name="maximum_iterations")
            extra = [limit]
        internal = {id(p) for p in placeholders}
        caps = []
        written = _written(cond_ops) | _written(body_ops)
        _captures(cond_ops, [pred], internal, caps, written)
        _captures(body_ops, outs, internal, caps, written)
        attrs = {"n_vars": len(init), "n_caps": len(caps),
                 "has_max": maximum_iterations is not None,
                 "shapes": [inv.as_tuple() for inv in invariants],
                 "loop_vars": placeholders, "cond": pred, "body": outs, "captures": caps,
                 "cond_ops": cond_ops, "body_ops": body_ops}
        op = make_op(graph, "HostWhile" if host else "While", init + caps + extra, attrs,
                     name="While")
    results = op.outputs[:-1]
    if not return_same_structure and len(results) == 1:
        return results[0]
    return _pack(loop_vars, results)


def _flat_invariants(loop_vars, shape_invariants, count):
    """Per flattened loop variable: (the TensorShape its invariant gives, or
    None to keep the shape it enters with; whether the user gave it). A TensorArray gives its own (a
    dynamic_size one grows, and TF's invariants do not name its buffer)."""
    if shape_invariants is not None and count == 1 and \
            not isinstance(shape_invariants, (list, tuple, dict)) and \
            not hasattr(loop_vars, "_loop_tensors"):
        return [(TensorShape(shape_invariants), True)]
    out = []

    def walk(s, inv):
        if hasattr(s, "_loop_tensors"):
            out.extend((g, False) for g in s._loop_invariants())
        elif isinstance(s, dict):
            for k in sorted(s):
                walk(s[k], None if inv is None else inv[k])
        elif isinstance(s, (list, tuple)):
            for k, x in enumerate(s):
                walk(x, None if inv is None else inv[k])
        else:
            out.append((None, False) if inv is None else (TensorShape(inv), True))
    walk(loop_vars, shape_invariants)
    return out


class _WithShape:
    """A loop variable seen with its shape invariant, for TF's message."""

    def __init__(self, t, shape):
        self.name = t.name
        self.shape = shape


# ---- If -----------------------------------------------------------------------

def _merged(shapes):
    """The most specific shape every one of `shapes` (TensorShapes) has."""
    dims = [s.as_tuple() for s in shapes]
    if any(d is None for d in dims) or len({len(d) for d in dims}) != 1:
        return None
    return tuple(ds[0] if all(x == ds[0] for x in ds) else None for ds in zip(*dims))


def _if_shape(ctx):
    a = ctx.attrs
    if ctx.op is None:
        return list(a["shapes"])
    feeds = _sub_feeds(ctx, [], 1)
    found = [ctx.sub_shapes(outs, feeds) for outs in a["branches"]]
    for r in range(len(found[0])):
        if len({tuple(f[r]) for f in found}) != 1:
            raise ValueError(f"cond: output {r} has shape {tuple(found[0][r])} in one branch and "
                             f"{tuple(next(f[r] for f in found if f[r] != found[0][r]))} in "
                             "another; fastgraph needs the shapes of a run's results when its "
                             "plan is compiled")
    return [tuple(s) for s in found[0]]


def _lower_if(ctx):
    a = ctx.attrs
    feeds = _sub_feeds(ctx, [], 1)
    plans = [ctx.compile(outs, feeds) for outs in a["branches"]]
    return ([a["n_caps"], int(a["index"])], [],
            {"kind": "branch", "subplans": plans, "n_caps": a["n_caps"],
             "n_results": len(a["branches"][0])})


def _if_reference(inputs, attrs):
    n = len(attrs["branches"])
    if attrs["index"]:
        b = int(inputs[0])
        b = b if 0 <= b < n else n - 1
    else:
        b = 0 if bool(inputs[0]) else 1
    feeds = {id(t): np.asarray(x) for t, x in zip(attrs["captures"], inputs[1:])}
    return _evaluate(attrs["branches"][b], feeds)


register(OpDef(
    "If", shape=_if_shape, dtype=lambda ctx: [t.dtype for t in ctx.attrs["branches"][0]],
    kernel="if_branch", lower=_lower_if, stateful=True, reference=_if_reference,
    graphdef=NoGraphDef("a cond's branches are sub-graphs that fastgraph does not write as "
                        "TF's Switch/Merge")))


def _build_branch(graph, fn):
    with graph._sub_graph() as ops:
        out = fn()
        flat = [to_tensor(graph, x) for x in _flatten(out)]
    return out, flat, ops


def make_if(graph, pred, branches, branch_ops, params=(), args=(), index=False, name="cond"):
    """The If op choosing among `branches` (lists of tensors, one list per
    branch, computed by the ops `branch_ops[b]`) by `pred` (bool: branch 0
    is the true one) or an int32 index. Each branch's sub-plan is fed
    `params[k]` with the value of `args[k]` (the gradients use this to
    evaluate a sub-graph at other values), and the outside tensors its ops
    read with their own values."""
    written = set()
    for ops in branch_ops:
        _written(ops, written)
    extra = []
    internal = {id(p) for p in params}
    for outs, ops in zip(branches, branch_ops):
        _captures(ops, outs, internal, extra, written)
    captures = list(params) + extra
    shapes = [_merged([t.shape for t in ts]) for ts in zip(*branches)]
    attrs = {"branches": [list(b) for b in branches], "n_caps": len(captures), "index": index,
             "shapes": shapes, "captures": captures, "branch_ops": [list(o) for o in branch_ops]}
    return make_op(graph, "If", [pred] + list(args) + extra, attrs, name=name)


def _if(graph, pred, fns, index, name):
    """The If op running fns[k]() for branch k (0 is the true branch of a
    bool `pred`), packed as the first branch's structure. As TF's cond_v2,
    the op is named as its scope ("cond") and each result is an Identity
    of its output under it ("cond/Identity", "cond/Identity_1"), so the
    names of what users fetch are TF's."""
    with graph.as_default(), graph.name_scope(name) as scope:
        built = [_build_branch(graph, fn) for fn in fns]
    first = built[0][0]
    for out, flat, _ in built[1:]:
        if not _same_structure(first, out):
            raise ValueError("true_fn and false_fn must return the same nested structure; "
                             f"got {first!r} and {out!r}" if len(fns) == 2 else
                             f"branches must return the same nested structure; got {first!r} "
                             f"and {out!r}")
    for i, ts in enumerate(zip(*[flat for _, flat, _ in built])):
        if len({t.dtype for t in ts}) != 1:
            raise TypeError(f"Outputs of true_fn and false_fn must have the same type: "
                            f"{', '.join(t.dtype.name for t in ts)}")
    branches = [flat for _, flat, _ in built]
    if not branches[0]:
        return first
    with graph.as_default():
        op = make_if(graph, pred, branches, [ops for _, _, ops in built], index=index,
                     name=scope)
        with graph.name_scope(scope):
            results = [identity(t) for t in op.outputs]
    return _pack(first, results)


def _constant_pred(pred):
    if isinstance(pred, (bool, np.bool_)):
        return bool(pred)
    if isinstance(pred, Tensor) and pred.op.type == "Const":
        return bool(pred.op.get_attr("value"))
    return None


def cond(pred, true_fn=None, false_fn=None, strict=False, name=None, fn1=None, fn2=None):
    """Return `true_fn()` if the predicate `pred` is true else `false_fn()`.

    `pred` is a scalar bool (a Python bool or a tensor). `true_fn` and
    `false_fn` return the same structure of tensors (lists, tuples, dicts),
    with matching dtypes. As in TF1, ops created inside `true_fn` and
    `false_fn` run only when their branch is taken (so a branch may assign
    variables); tensors created outside run regardless. A predicate known
    when the graph is built picks its branch then (TF's smart_cond).
    """
    true_fn = true_fn if true_fn is not None else fn1
    false_fn = false_fn if false_fn is not None else fn2
    if not callable(true_fn):
        raise TypeError("true_fn must be callable.")
    if not callable(false_fn):
        raise TypeError("false_fn must be callable.")
    known = _constant_pred(pred)
    if known is not None:
        return true_fn() if known else false_fn()
    graph = graph_of([pred])
    pred = to_tensor(graph, pred)
    if pred.dtype != dtypes.bool:
        raise TypeError(f"pred must be a bool tensor, got {pred.dtype.name}")
    if pred.shape.rank not in (None, 0):
        raise ValueError(f"Shape must be rank 0 but is rank {pred.shape.rank} for pred of cond")
    return _if(graph, pred, [true_fn, false_fn], False, name or "cond")


def switch_case(branch_index, branch_fns, default=None, name="switch_case"):
    """Create a switch/case operation, i.e. an integer-indexed conditional.

    `branch_fns` is a list of callables, or of (int, callable) pairs, or a
    dict {int: callable}, with keys 0 .. n - 1. `branch_fns[branch_index]()`
    runs, or `default()` (the last branch when None) for an index out of
    range. Only the ops of the branch taken run.
    """
    if isinstance(branch_fns, dict):
        branch_fns = sorted(branch_fns.items())
    branch_fns = list(branch_fns)
    if not branch_fns:
        raise ValueError("Must provide at least one item in `branch_fns`")
    if all(isinstance(b, (tuple, list)) and len(b) == 2 for b in branch_fns):
        keys = [k for k, _ in branch_fns]
        if keys != list(range(len(keys))):
            raise ValueError(f"branch indices (keys) must form contiguous range of [0 to "
                             f"{len(keys)}) but found {{{', '.join(map(str, keys))}}}")
        branch_fns = [fn for _, fn in branch_fns]
    for fn in branch_fns:
        if not callable(fn):
            raise TypeError(f"fn for branch must be callable, got {fn!r}")
    if default is not None:
        if not callable(default):
            raise TypeError("default must be callable.")
        branch_fns = branch_fns + [default]
    graph = graph_of([branch_index])
    index = to_tensor(graph, branch_index)
    if index.dtype != dtypes.int32:
        raise TypeError(f"branch_index must be an int32 Tensor, got {index.dtype.name}")
    if index.shape.rank not in (None, 0):
        raise ValueError(f"branch_index should be a scalar (rank 0), got rank {index.shape.rank}")
    if index.op.type == "Const":
        b = int(index.op.get_attr("value"))
        return branch_fns[b if 0 <= b < len(branch_fns) else -1]()
    with graph.as_default(), graph.name_scope(name or "switch_case"):
        return _if(graph, index, branch_fns, True, "indexed_case")


def case(pred_fn_pairs, default=None, exclusive=False, strict=False, name="case"):
    """Create a case operation.

    `pred_fn_pairs` is a list of (bool scalar, callable) pairs (or a dict);
    the callable of the first true predicate runs, else `default()` (the
    last pair's callable when None). Only the taken branch's ops run.
    `exclusive` is accepted; fastgraph takes the first true predicate.
    """
    if isinstance(pred_fn_pairs, dict):
        pred_fn_pairs = list(pred_fn_pairs.items())
    pairs = list(pred_fn_pairs)
    if not pairs:
        raise ValueError("Must provide at least one item in `pred_fn_pairs`")
    for p in pairs:
        if not isinstance(p, tuple) or len(p) != 2:
            raise TypeError("Each entry in pred_fn_pairs must be a 2-tuple")
        if not callable(p[1]):
            raise TypeError("fn for pred %s must be callable." % (p[0],))
    if default is None:
        pairs, default = pairs[:-1], pairs[-1][1]
    elif not callable(default):
        raise TypeError("default must be callable.")
    if not pairs:
        return default()
    graph = graph_of([p for p, _ in pairs])
    with graph.as_default(), graph.name_scope(name or "case"):
        preds = [to_tensor(graph, p) for p, _ in pairs]
        for p in preds:
            if p.dtype != dtypes.bool:
                raise TypeError(f"pred must be of type bool: {p.name}")
        # The index of the first true predicate (len(preds): none): one If
        # over every branch, as TF's case builds one switch_case.
        flags = cast(stack(preds + [to_tensor(graph, True)]), dtypes.int32)
        index = cast(argmax(flags, 0), dtypes.int32)
        return _if(graph, index, [fn for _, fn in pairs] + [default], True, "cond")


# ---- TF2's functional control flow, read from GraphDefs ----------------------
# A frozen TF2 graph loops and branches with While/If ops that name their
# condition, body and branches as functions of the graph's library; the
# importer hands each as a callable that imports the function's body
# (framework/function_library.py), so they read as while_loop and cond.

def _as_pred(x):
    """TF's ToBool of a scalar condition: nonzero is true."""
    if x.dtype == dtypes.bool:
        return x
    return not_equal(x, to_tensor(x.graph, np.zeros((), x.dtype.np_dtype)))


def _while_from_node(inputs, attrs, name):
    cond_fn, body_fn = attrs["cond"], attrs["body"]
    shapes = attrs.get("output_shapes") or None
    invariants = None
    if shapes and len(shapes) == len(inputs):
        invariants = [TensorShape(s) for s in shapes]
    # A frozen graph's loops keep their shapes (fixed_shapes, as before).
    out = build_while(lambda *vs: _as_pred(cond_fn(*vs)[0]), lambda *vs: list(body_fn(*vs)),
                      list(inputs), shape_invariants=invariants,
                      parallel_iterations=max(1, int(attrs.get("parallel_iterations") or 10)),
                      name=name, return_same_structure=True, fixed_shapes=True)
    return list(out)


def _if_from_node(inputs, attrs, name):
    pred, args = _as_pred(inputs[0]), inputs[1:]
    then_fn, else_fn = attrs["then_branch"], attrs["else_branch"]
    out = cond(pred, lambda: list(then_fn(*args)), lambda: list(else_fn(*args)), name=name)
    return list(out)


def _case_from_node(inputs, attrs, name):
    index, args = inputs[0], inputs[1:]
    fns = [(lambda f=f: list(f(*args))) for f in attrs["branches"]]
    return list(switch_case(index, fns, name=name))


def _call_from_node(inputs, attrs, name):
    # The body goes under the node's name as a scope, and its results are
    # one IdentityN of that name, so "call:0", "call:1" name them as in TF.
    graph = graph_of(inputs) if inputs else get_default_graph()
    with graph.as_default():
        with graph.name_scope(name) as scope:
            outs = attrs["f"](*inputs)
        if not outs or not isinstance(outs[0], Tensor):
            return [graph.create_op("NoOp", [], {}, name=scope,
                                    control_inputs=[o for o in outs])]
        return identity_n(outs, name=scope)


for _t in ("While", "StatelessWhile"):
    register_graphdef_translation(_t, _while_from_node)
for _t in ("If", "StatelessIf"):
    register_graphdef_translation(_t, _if_from_node)
for _t in ("Case", "StatelessCase"):
    register_graphdef_translation(_t, _case_from_node)
for _t in ("PartitionedCall", "StatefulPartitionedCall"):
    register_graphdef_translation(_t, _call_from_node)
