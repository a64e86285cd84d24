"""Gradients of the control-flow ops (TF's control_flow_grad): `If` and
`While`, registered here because they are built with `tf.gradients`.

A cond's gradient is a cond on the same predicate whose branch b computes
branch b's vector-Jacobian product. A loop's gradient is a loop running as
many iterations backwards: iteration k evaluates one body step's
vector-Jacobian product at the loop variables that entered forward
iteration k. fastgraph recomputes those (the body run k times from the
initial values, in C) instead of keeping them in stacks as TF does, so the
backward pass costs O(n^2) body steps for n iterations and no memory that
grows with n.
"""

from ..framework import dtypes, errors
from ..framework.constant_op import constant
from ..framework.op_registry import RegisterGradient
from ..framework.tensor_shape import TensorShape
from ..ops.array_ops import placeholder
from ..ops.control_flow_ops import make_if, while_loop
from ..ops.indexing_ops import zeros_like
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
            list(o._attrs.get("branch_ops", [])) if o._type in ("While", "If") else []
        for inner in nested:
            found = _random_op(inner)
            if found is not None:
                return found
    return None


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

    def backward(k, gv, gc):
        # The loop variables entering forward iteration k.
        state = while_loop(lambda t, *s: t < k, lambda t, *s: [t + 1] + forward(s),
                           [constant(0, dtypes.int32)] + init,
                           shape_invariants=[TensorShape(())] + [v.shape for v in loop_vars],
                           name="recompute")[1:]
        d = step_vjp(state, gv)
        return [k - 1, d[:len(fv)], [x + y for x, y in zip(gc, d[len(fv):])]]

    g0 = [_dense(grads[j], op.outputs[j]) for j in fv]
    gc0 = [zeros_like(cap_args[c]) for c in fc]
    # The cotangents keep the loop variables' shapes, which may be less
    # specific than the gradients that enter (a TensorArray's stack()).
    invariants = [TensorShape(()), [loop_vars[j].shape for j in fv],
                  [captures[c].shape for c in fc]]
    _, gv, gc = while_loop(lambda k, gv, gc: k >= 0, backward,
                           [op.outputs[n] - 1, g0, gc0], shape_invariants=invariants,
                           name="backward")
    for i, j in enumerate(fv):
        result[j] = gv[i]
    for i, c in enumerate(fc):
        result[n + c] = gc[i]
    return result
