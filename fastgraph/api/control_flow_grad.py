"""Gradients of the control-flow ops (TF's control_flow_grad): `If` and
`While`, registered here because they are built with `tf.gradients`.

A cond's gradient is a cond on the same predicate whose branch b computes
branch b's vector-Jacobian product. A loop's gradient is a loop running as
many iterations backwards: iteration k evaluates one body step's
vector-Jacobian product at the loop variables that entered forward
iteration k. When the loop's maximum_iterations is known when the plan is
compiled (dynamic_rnn's: the time steps), one forward loop records the
loop variables that the product reads in buffers of that many rows, as
TF's stacks do (O(n) body steps); otherwise fastgraph recomputes them (the
body run k times from the initial values, in C), which costs O(n^2) body
steps for n iterations and no memory that grows with n. Either way the body
runs again, so a body that draws random numbers has no gradient here.
"""

from ..framework import dtypes, errors
from ..framework.constant_op import constant
from ..framework.op_registry import RegisterGradient
from ..framework.tensor_shape import TensorShape
from ..ops.array_ops import concat, placeholder, shape, stack
from ..ops.arguments import make_op
from ..ops.control_flow_ops import build_while, make_if, run_time_value
from ..ops.elementwise import cast
from ..ops.indexing_ops import zeros, zeros_like
from ..ops.tensor_array_ops import dense_array_read, dense_array_write
from .gradients_impl import gradients

__all__ = []


def _dense(g, like):
    return zeros_like(like) if g is None else g


@RegisterGradient("If")
def _if_grad(op, *grads):
    a = op._attrs
    graph = op.graph
    captures = a["captures"]
    wrt = [k for k, c in enumerate(captures) if c.dtype.is_floating]
    outs = [r for r, t in enumerate(op.outputs) if t.dtype.is_floating]
    result = [None] * len(op._inputs)
    if not wrt or not outs:
        return result
    upstream = [_dense(grads[r], op.outputs[r]) for r in outs]
    cotangents = [placeholder(t.dtype, t.shape, name="cotangent") for t in upstream]
    branches, branch_ops = [], []
    for b, flat in enumerate(a["branches"]):
        with graph._sub_graph() as ops:
            found = gradients([flat[r] for r in outs], [captures[k] for k in wrt],
                              grad_ys=cotangents)
            branches.append([_dense(g, captures[k]) for g, k in zip(found, wrt)])
        branch_ops.append(ops + a["branch_ops"][b])
    grad_op = make_if(graph, op._inputs[0], branches, branch_ops,
                      params=list(captures) + cotangents,
                      args=list(op._inputs[1:1 + len(captures)]) + upstream,
                      index=a["index"], name="cond_grad")
    for i, k in enumerate(wrt):
        result[1 + k] = grad_op.outputs[i]
    return result


def _random_op(ops):
    """The first op among `ops` (and the sub-graphs nested in them) that
    keeps a random generator's state, or None."""
    for o in ops:
        if o.opdef.state_words:
            return o
        nested = [o._attrs.get("body_ops", []), o._attrs.get("cond_ops", [])] + \
            list(o._attrs.get("branch_ops", [])) if o._type in ("While", "HostWhile", "If") else []
        for inner in nested:
            found = _random_op(inner)
            if found is not None:
                return found
    return None


def _needed(outputs, loop_vars, ops):
    """Indices of the loop variables whose values `outputs` (computed by
    `ops`) read."""
    own = {id(o) for o in ops}
    targets = {id(p): j for j, p in enumerate(loop_vars)}
    found, seen, todo = set(), set(), list(outputs)
    while todo:
        t = todo.pop()
        if id(t) in seen:
            continue
        seen.add(id(t))
        if id(t) in targets:
            found.add(targets[id(t)])
        elif id(t.op) in own:
            todo.extend(t.op._inputs)
    return sorted(found)


def _known_at_compile(t, depth=0):
    """Whether `t` follows from constants and shapes (which every plan knows
    when it is compiled): dynamic_rnn's maximum_iterations, the time steps."""
    o = t.op
    if o._type in ("Const", "Shape", "Size", "Rank"):
        return True
    if depth > 64 or o.opdef.stateful or o._type in ("Placeholder", "PlaceholderWithDefault",
                                                     "VariableV2") or not o._inputs:
        return False
    return all(_known_at_compile(x, depth + 1) for x in o._inputs)


def _stacked_shape(shape_):
    dims = shape_.as_tuple()
    return TensorShape(None if dims is None else (None,) + tuple(dims))


def _recorded(graph, init, loop_vars, count, limit, forward, needed):
    """entering(k): the loop variables entering forward iteration k, read
    from a history that one forward loop records (the variables of
    `needed`, those the body's gradient reads, each in a buffer of
    `limit` rows: a loop with maximum_iterations known when the plan is
    compiled, as dynamic_rnn's). The others enter as their initial values,
    which the gradient does not read."""
    rows = cast(limit, dtypes.int32)
    mask = zeros(stack([rows]), dtypes.bool)
    history = [zeros(concat([stack([rows]), shape(init[j])], 0), init[j].dtype) for j in needed]
    for h, j in zip(history, needed):
        h.set_shape(_stacked_shape(loop_vars[j].shape))
    invariants = [TensorShape(()), [v.shape for v in loop_vars],
                  [_stacked_shape(loop_vars[j].shape) for j in needed]]

    def record(t, state, hs):
        written = [dense_array_write(h, mask, t, state[j])[0] for j, h in zip(needed, hs)]
        return [t + 1, forward(state), written]
    _, _, history = build_while(lambda t, s, h: t < count, record,
                               [constant(0, dtypes.int32), init, history],
                               shape_invariants=invariants, name="record", fixed_shapes=True)
    where = dict(zip(needed, history))

    def entering(k):
        return [dense_array_read(where[j], k) if j in where else init[j]
                for j in range(len(init))]
    return entering


@RegisterGradient("While")
def _while_grad(op, *grads):
    a = op._attrs
    n, nc = a["n_vars"], a["n_caps"]
    graph = op.graph
    loop_vars, body, captures = a["loop_vars"], a["body"], a["captures"]
    init, cap_args = list(op._inputs[:n]), list(op._inputs[n:n + nc])
    fv = [j for j in range(n) if loop_vars[j].dtype.is_floating]
    fc = [c for c in range(nc) if captures[c].dtype.is_floating]
    result = [None] * len(op._inputs)
    if not fv or all(grads[j] is None for j in fv):
        return result
    drawing = _random_op(a["body_ops"])
    if drawing is not None:
        # The backward pass recomputes the body, and a random op draws anew
        # each time it runs: the gradient would be another sample's.
        raise errors.UnimplementedError(
            None, op, f"fastgraph cannot differentiate {op.name}: its body draws random "
            f"numbers ({drawing.name}, e.g. dropout), and the while gradient recomputes the "
            "body, which would draw other ones")
    # One body step's vector-Jacobian product, as a sub-graph of the loop
    # variables, the captures and the cotangents of the step's results.
    cotangents = [placeholder(loop_vars[j].dtype, loop_vars[j].shape, name="cotangent")
                  for j in fv]
    wrt = [loop_vars[j] for j in fv] + [captures[c] for c in fc]
    with graph._sub_graph() as vjp_ops:
        found = gradients([body[j] for j in fv], wrt, grad_ys=cotangents)
        vjp = [_dense(g, x) for g, x in zip(found, wrt)]
    params = list(loop_vars) + list(captures)
    first = constant(0, dtypes.int32, name="branch")

    def forward(state):
        return list(make_if(graph, first, [list(body)], [a["body_ops"]], params,
                            list(state) + cap_args, index=True, name="forward").outputs)

    def step_vjp(state, g):
        return list(make_if(graph, first, [vjp], [vjp_ops + a["body_ops"]],
                            params + cotangents, list(state) + cap_args + list(g),
                            index=True, name="vjp").outputs)

    count = op.outputs[n]
    limit = op._inputs[n + nc] if a["has_max"] else None
    if limit is not None and _known_at_compile(limit):
        entering = _recorded(graph, init, loop_vars, count, limit, forward,
                             _needed(vjp, loop_vars, vjp_ops + a["body_ops"]))
    elif not graph._sub_graph_stack:
        # The trip count is known once the forward loop ran: the stage
        # after it records that many rows (compiled for the count).
        entering = _recorded(graph, init, loop_vars, count, run_time_value(count), forward,
                             _needed(vjp, loop_vars, vjp_ops + a["body_ops"]))
    else:
        def entering(k):
            # The loop variables entering forward iteration k, recomputed.
            return build_while(lambda t, *s: t < k, lambda t, *s: [t + 1] + forward(s),
                              [constant(0, dtypes.int32)] + init,
                              shape_invariants=[TensorShape(())] + [v.shape for v in loop_vars],
                              name="recompute", fixed_shapes=True)[1:]

    def backward(k, gv, gc):
        d = step_vjp(entering(k), gv)
        return [k - 1, d[:len(fv)], [x + y for x, y in zip(gc, d[len(fv):])]]

    g0 = [_dense(grads[j], op.outputs[j]) for j in fv]
    gc0 = [zeros_like(cap_args[c]) for c in fc]
    # The cotangents keep the loop variables' shapes, which may be less
    # specific than the gradients that enter (a TensorArray's stack()).
    invariants = [TensorShape(()), [loop_vars[j].shape for j in fv],
                  [captures[c].shape for c in fc]]
    _, gv, gc = build_while(lambda k, gv, gc: k >= 0, backward,
                           [op.outputs[n] - 1, g0, gc0], shape_invariants=invariants,
                           name="backward", fixed_shapes=True)
    for i, j in enumerate(fv):
        result[j] = gv[i]
    for i, c in enumerate(fc):
        result[n + c] = gc[i]
    return result


@RegisterGradient("HostWhile")
def _host_while_grad(op, *grads):
    """A HostWhileGrad op: the session runs the body forward, keeping each
    iteration's loop variables, and then its vector-Jacobian product
    backwards (shapes may change from one iteration to the next)."""
    a = op._attrs
    n, nc = a["n_vars"], a["n_caps"]
    graph = op.graph
    loop_vars, body, captures = a["loop_vars"], a["body"], a["captures"]
    fv = [j for j in range(n) if loop_vars[j].dtype.is_floating]
    fc = [c for c in range(nc) if captures[c].dtype.is_floating]
    result = [None] * len(op._inputs)
    if not fv or all(grads[j] is None for j in fv):
        return result
    drawing = _random_op(a["body_ops"])
    if drawing is not None:
        raise errors.UnimplementedError(
            None, op, f"fastgraph cannot differentiate {op.name}: its body draws random "
            f"numbers ({drawing.name}, e.g. dropout), and the while gradient recomputes the "
            "body, which would draw other ones")
    cotangents = [placeholder(loop_vars[j].dtype, loop_vars[j].shape, name="cotangent")
                  for j in fv]
    wrt = [loop_vars[j] for j in fv] + [captures[c] for c in fc]
    with graph._sub_graph():
        found = gradients([body[j] for j in fv], wrt, grad_ys=cotangents)
        vjp = [_dense(g, x) for g, x in zip(found, wrt)]
    attrs = {"n_vars": n, "n_caps": nc, "loop_vars": loop_vars, "body": body,
             "captures": captures, "fv": fv, "fc": fc, "vjp": vjp, "cotangents": cotangents,
             "shapes": [loop_vars[j].shape.as_tuple() for j in fv] +
             [captures[c].shape.as_tuple() for c in fc]}
    g0 = [_dense(grads[j], op.outputs[j]) for j in fv]
    inputs = list(op._inputs[:n + nc]) + [op.outputs[n]] + g0
    grad_op = make_op(graph, "HostWhileGrad", inputs, attrs, name="while_grad")
    for i, j in enumerate(fv):
        result[j] = grad_op.outputs[i]
    for i, c in enumerate(fc):
        result[n + c] = grad_op.outputs[len(fv) + i]
    return result
