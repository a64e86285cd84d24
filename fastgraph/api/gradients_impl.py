"""Symbolic differentiation (TF's gradients_impl / gradients_util):
`tf.gradients` builds the gradient of `ys` with respect to `xs` as ordinary
graph ops, walking the ops between them backwards and calling each op's
registered gradient function, so gradients of gradients work too.
"""

import enum
import math

from ..framework.graph import Operation, Tensor
from ..framework.op_registry import gradient_function
from ..ops.arguments import graph_of, to_tensor
from ..ops.array_ops import reshape, stack, unstack
from ..ops.elementwise import add
from ..ops.indexing_ops import ones_like, zeros_like

__all__ = ["gradients", "hessians", "UnconnectedGradients", "AggregationMethod"]


class UnconnectedGradients(enum.Enum):
    """Controls how gradient computation behaves when y does not depend on x.

    The gradient of y with respect to x can be zero in two different ways:
    there could be no differentiable path in the graph connecting x to y (and
    so we can statically prove that the gradient is zero) or it could be
    that runtime values of tensors in a particular execution lead to a
    gradient of zero (say, if a relu unit happens to not be activated). To
    allow you to distinguish between these two cases you can choose what
    value gets returned for the gradient when there is no path in the graph
    from x to y: `NONE` returns None, `ZERO` returns zeros of x's shape.
    """
    NONE = "none"
    ZERO = "zero"


class AggregationMethod:
    """A class listing aggregation methods used to combine gradients.

    Computing partial derivatives can require aggregating gradient
    contributions. fastgraph sums them with one AddN whatever the method:
    the methods differ in TF only in memory use and order of addition.
    """
    ADD_N = 0
    DEFAULT = ADD_N
    EXPERIMENTAL_TREE = 1
    EXPERIMENTAL_ACCUMULATE_N = 2


def _is_trainable(tensor):
    # TF's backprop_util.IsTrainable: gradients flow through floats only
    # (fastgraph has no complex, resource or variant tensors yet).
    return tensor.dtype.is_floating


def _as_list(values):
    if values is None:
        return []
    return list(values) if isinstance(values, (list, tuple)) else [values]


def _as_tensor(graph, value, as_ref):
    if as_ref and hasattr(value, "_variable"):
        return graph._ref_of(value)  # a Variable: its ref, as TF differentiates
    return value if isinstance(value, Tensor) else to_tensor(graph, value)


def _reached_from(xs):
    """The ops forward-reachable from `xs` through trainable tensors."""
    reached, stack = set(), [x.op for x in xs]
    while stack:
        op = stack.pop()
        if op in reached:
            continue
        reached.add(op)
        for out in op.outputs:
            if _is_trainable(out):
                stack.extend(out.consumers())
    return reached


def _between(ys, reached):
    """The ops on a path from xs to ys, and for each its count of consumers
    among them (TF's pending count)."""
    between, stack = set(), [y.op for y in ys]
    while stack:
        op = stack.pop()
        if op in between or op not in reached:
            continue
        between.add(op)
        stack.extend(t.op for t in op.inputs)
    pending = dict.fromkeys(between, 0)
    for op in between:
        for t in op.inputs:
            if t.op in between:
                pending[t.op] += 1
    return between, pending


def _check_grad_y(y, grad_y):
    if y.dtype.is_floating and grad_y.dtype != y.dtype:
        raise TypeError(f"Gradient type {grad_y.dtype.name} generated for real or integer-"
                        f"valued tensor {y} with type {y.dtype.name} must be real")
    if y.dtype.is_integer and not grad_y.dtype.is_integer:
        raise TypeError(f"Gradient type {grad_y.dtype.name} generated for real or integer-"
                        f"valued tensor {y} with type {y.dtype.name} must be real")


def _aggregate(grads, op):
    """One gradient per output of `op`: contributions summed, zeros for a
    trainable output that nothing differentiated reached."""
    out = []
    for i, t in enumerate(op.outputs):
        parts = grads.get(t)
        if not parts:
            out.append(zeros_like(t) if _is_trainable(t) else None)
        else:
            total = _sum(parts)
            grads[t] = [total]  # summed once, also for an x that is read later
            out.append(total)
    return out


def _sum(parts):
    # Every part has the shape of the tensor differentiated, so a chain of
    # adds is exact and fuses; add_n stacks when static shapes are partial.
    total = parts[0]
    for p in parts[1:]:
        total = add(total, p)
    return total


def _set_static_shape(grad, t_in):
    have, want = grad.shape.as_tuple(), t_in.shape.as_tuple()
    if have is None or want is None:
        if want is not None:
            grad.set_shape(t_in.shape)
        return
    if len(have) != len(want) or any(a is not None and b is not None and a != b
                                     for a, b in zip(have, want)):
        raise ValueError(f"Incompatible shapes between op input and calculated input "
                         f"gradient.  Forward operation: {t_in.op.name}.  Input index: "
                         f"{t_in.value_index}. Original input shape: {t_in.shape}.  "
                         f"Calculated input gradient shape: {grad.shape}")
    grad.set_shape(t_in.shape)


def gradients(ys, xs, grad_ys=None, name="gradients", colocate_gradients_with_ops=False,
              gate_gradients=False, aggregation_method=None, stop_gradients=None,
              unconnected_gradients=UnconnectedGradients.NONE):
    """Constructs symbolic derivatives of sum of `ys` w.r.t. x in `xs`.

    `ys` and `xs` are each a `Tensor` or a list of tensors. `grad_ys` is a
    list of `Tensor`, holding the gradients received by the `ys`. The list
    must be the same length as `ys`.

    `gradients()` adds ops to the graph to output the derivatives of `ys`
    with respect to `xs`. It returns a list of `Tensor` of length `len(xs)`
    where each tensor is the `sum(dy/dx)` for y in `ys` and for x in `xs`.

    `grad_ys` is a list of tensors of the same length as `ys` that holds the
    initial gradients for each y in `ys`. When `grad_ys` is None, we fill in
    a tensor of '1's of the shape of y for each y in `ys`.

    `stop_gradients` is a `Tensor` or a list of tensors to be considered
    constant with respect to all `xs`. These tensors will not be
    backpropagated through, as though they had been explicitly disconnected
    using `stop_gradient`.

    `unconnected_gradients` determines the value returned for each x in xs
    if it is unconnected in the graph to ys: None by default, zeros with
    `UnconnectedGradients.ZERO` (or "zero").

    `colocate_gradients_with_ops`, `gate_gradients` and `aggregation_method`
    are accepted for TF's signature: on one CPU they change nothing.

    Raises:
      LookupError: if one of the operations between `x` and `y` does not
        have a registered gradient function.
      ValueError: if the arguments are invalid.
    """
    del colocate_gradients_with_ops, gate_gradients, aggregation_method
    unconnected = UnconnectedGradients(getattr(unconnected_gradients, "value",
                                               unconnected_gradients))
    ys_in, xs_in = _as_list(ys), _as_list(xs)
    grad_ys_in = _as_list(grad_ys)
    stops_in = _as_list(stop_gradients)
    graph = graph_of(ys_in + xs_in + [g for g in grad_ys_in if g is not None])
    if grad_ys_in and len(grad_ys_in) != len(ys_in):
        raise ValueError(f"Passed {len(grad_ys_in)} grad_ys for {len(ys_in)} ys")
    with graph.as_default(), graph.name_scope(name or "gradients"):
        ys_t = [_as_tensor(graph, y, False) for y in ys_in]
        xs_t = [_as_tensor(graph, x, True) for x in xs_in]
        stop_ops = {(s if isinstance(s, Operation) else _as_tensor(graph, s, True).op)
                    for s in stops_in}
        reached = _reached_from(xs_t)
        between, pending = _between(ys_t, reached)
        # An x's op needs no gradient of its own inputs unless some other x
        # is upstream of it (TF's _StopOps).
        for x in xs_t:
            if all(pending.get(t.op, 0) == 0 for t in x.op.inputs):
                stop_ops.add(x.op)

        grads = {}
        for i, y in enumerate(ys_t):
            g = grad_ys_in[i] if grad_ys_in else None
            if g is None:
                g = ones_like(y, name=f"grad_ys_{i}")
            else:
                g = g if isinstance(g, Tensor) else to_tensor(graph, g, dtype=y.dtype)
                _check_grad_y(y, g)
            grads.setdefault(y, []).append(g)

        ready = []
        seen = set()
        for y in ys_t:
            if y.op in between and pending[y.op] == 0 and y.op not in seen:
                seen.add(y.op)
                ready.append(y.op)
        while ready:
            op = ready.pop()
            out_grads = _aggregate(grads, op)
            if op not in stop_ops and any(g is not None for g in out_grads):
                fn = gradient_function(op)
                if fn is not None:
                    _backprop_op(graph, op, fn, out_grads, grads)
            for t in op.inputs:
                if t.op in pending:
                    pending[t.op] -= 1
                    if pending[t.op] == 0 and t.op not in seen:
                        seen.add(t.op)
                        ready.append(t.op)

        result = []
        for x in xs_t:
            parts = grads.get(x)
            if not parts:
                result.append(zeros_like(x) if unconnected is UnconnectedGradients.ZERO
                              else None)
            else:
                result.append(_sum(parts))
        return result


def _backprop_op(graph, op, fn, out_grads, grads):
    """Calls `op`'s gradient function under `<op name>_grad` and files the
    gradients of its inputs."""
    with graph.name_scope(op.name + "_grad"):
        in_grads = fn(op, *out_grads)
    in_grads = _as_list(in_grads)
    if len(in_grads) != len(op.inputs):
        raise ValueError(f"Num gradients {len(in_grads)} generated for op {op.name} do not "
                         f"match num inputs {len(op.inputs)}")
    for t_in, g in zip(op.inputs, in_grads):
        if g is None:
            continue
        if not isinstance(g, Tensor):
            g = to_tensor(graph, g, dtype=t_in.dtype)
        _set_static_shape(g, t_in)
        grads.setdefault(t_in, []).append(g)


def hessians(ys, xs, name="hessians", colocate_gradients_with_ops=False,
             gate_gradients=False, aggregation_method=None):
    """Constructs the Hessian of sum of `ys` with respect to `x` in `xs`.

    `hessians()` adds ops to the graph to output the Hessian matrix of `ys`
    with respect to `xs`. It returns a list of `Tensor` of length `len(xs)`
    where each tensor is the Hessian of `sum(ys)`, of shape
    `x.shape + x.shape`.
    """
    xs_in = _as_list(xs)
    graph = graph_of(_as_list(ys) + xs_in)
    out = []
    with graph.as_default(), graph.name_scope(name):
        for x, g in zip(xs_in, gradients(ys, xs_in)):
            if g is None:
                out.append(None)
                continue
            x_t = _as_tensor(graph, x, True)
            dims = x_t.shape.as_tuple()
            if dims is None or None in dims:
                raise ValueError("hessians needs the static shape of each x")
            n = math.prod(dims)
            flat = unstack(reshape(g, [n])) if n else []
            rows = [gradients(e, x)[0] for e in flat]
            rows = [zeros_like(x_t) if r is None else r for r in rows]
            out.append(reshape(stack(rows), list(dims) + list(dims)))
    return out

