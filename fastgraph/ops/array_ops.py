"""Array ops of the core runtime: placeholders, identity, shape views
(reshape, expand_dims, squeeze), shape, and grouping ops."""

import numpy as np

from ..framework import dtypes
from ..framework.graph import get_default_graph
from ..framework.op_registry import OpDef, register
from ..framework.tensor_shape import as_shape
from .common import graph_of, make_op, to_tensor

__all__ = ["placeholder", "identity", "reshape", "expand_dims", "squeeze", "shape", "no_op",
           "group", "stop_gradient"]


def _num_elements(shape):
    if shape is None or any(d is None for d in shape):
        return None
    return int(np.prod(shape, dtype=np.int64))


def _fmt(shape):
    return "[" + ",".join("?" if d is None else str(d) for d in shape) + "]"


# ---- placeholder ------------------------------------------------------------

register(OpDef("Placeholder", shape=lambda ctx: [ctx.attrs["shape"].as_tuple()],
               dtype=lambda ctx: [ctx.attrs["dtype"]]))


def placeholder(dtype, shape=None, name=None):
    """Inserts a placeholder for a tensor that will be always fed.

    Its value must be fed using the `feed_dict` argument to `Session.run()`;
    running a graph that needs an unfed placeholder raises InvalidArgumentError.
    `shape` may contain None for dimensions that any fed size may fill.
    """
    dtype = dtypes.as_dtype(dtype)
    if dtype.code < 0:
        raise TypeError(f"fastgraph has no kernels for dtype {dtype.name}.")
    return get_default_graph().create_op(
        "Placeholder", [], {"dtype": dtype, "shape": as_shape(shape)},
        name=name or "Placeholder").outputs[0]


# ---- identity and views -----------------------------------------------------

def _same_shape(ctx):
    return [ctx.shapes[0]]


def _first_dtype(ctx):
    return [ctx.dtypes[0]]


register(OpDef("Identity", shape=_same_shape, dtype=_first_dtype, kernel="copy", view=True,
               reference=lambda inputs, attrs: [inputs[0].copy()], parallel=True))


def identity(input, name=None):  # noqa: A002 - TF's argument name
    """Return a Tensor with the same shape and contents as input."""
    graph = graph_of([input])
    x = to_tensor(graph, input)
    return make_op(graph, "Identity", [x], name=name or "Identity").outputs[0]


def stop_gradient(input, name=None):  # noqa: A002
    """Identity (fastgraph computes no gradients)."""
    return identity(input, name=name or "StopGradient")


def _reshape_shape(ctx):
    in_shape, target = ctx.shapes[0], ctx.values[1]
    if target is None:
        n = ctx.shapes[1][0] if ctx.shapes[1] else None
        return [None if n is None else (None,) * n]
    target = [int(d) for d in np.asarray(target).reshape(-1)]
    unknown = [i for i, d in enumerate(target) if d == -1]
    if len(unknown) > 1:
        raise ValueError(f"Only one input size may be -1, not both {unknown[0]} and "
                         f"{unknown[1]}")
    if any(d < -1 for d in target):
        raise ValueError(f"Size {min(target)} must be non-negative, not {min(target)}")
    have = _num_elements(in_shape)
    known = int(np.prod([d for d in target if d != -1], dtype=np.int64))
    if unknown:
        if have is None:
            return [tuple(None if d == -1 else d for d in target)]
        if (known == 0 and have != 0) or (known and have % known):
            raise ValueError(f"Input to reshape is a tensor with {have} values, but the "
                             f"requested shape requires a multiple of {known}")
        target[unknown[0]] = have // known if known else 0
    elif have is not None and have != known:
        raise ValueError(f"Input to reshape is a tensor with {have} values, but the requested "
                         f"shape has {known}")
    return [tuple(target)]


register(OpDef("Reshape", shape=_reshape_shape, dtype=_first_dtype, kernel="copy", view=True,
               reference=lambda inputs, attrs: [inputs[0].reshape(inputs[1])]))


def reshape(tensor, shape, name=None):
    """Reshapes a tensor; one entry of `shape` may be -1, computed so that the
    total size stays constant."""
    graph = graph_of([tensor, shape])
    x = to_tensor(graph, tensor)
    s = to_tensor(graph, shape, dtype=dtypes.int32 if not hasattr(shape, "dtype") else None)
    return make_op(graph, "Reshape", [x, s], name=name or "Reshape").outputs[0]


def _expand_dims_shape(ctx):
    in_shape, axis = ctx.shapes[0], ctx.values[1]
    if axis is None:
        raise ValueError("expand_dims needs a constant axis")
    axis = int(np.asarray(axis).reshape(-1)[0])
    if in_shape is None:
        return [None]
    rank = len(in_shape)
    if not -rank - 1 <= axis <= rank:
        raise ValueError(f"Tried to expand dim index {axis} for tensor with {rank} dimensions.")
    if axis < 0:
        axis += rank + 1
    return [in_shape[:axis] + (1,) + in_shape[axis:]]


register(OpDef("ExpandDims", shape=_expand_dims_shape, dtype=_first_dtype, kernel="copy",
               view=True,
               reference=lambda inputs, attrs: [np.expand_dims(inputs[0], int(inputs[1]))]))


def expand_dims(input, axis, name=None):  # noqa: A002
    """Returns a tensor with a length 1 axis inserted at index `axis`.

    A negative `axis` counts backward from the end (-1 appends a dim).
    """
    graph = graph_of([input])
    x = to_tensor(graph, input)
    a = to_tensor(graph, axis, dtype=dtypes.int32 if not hasattr(axis, "dtype") else None)
    return make_op(graph, "ExpandDims", [x, a], name=name or "ExpandDims").outputs[0]


def _squeeze_shape(ctx):
    in_shape, axes = ctx.shapes[0], ctx.attrs["squeeze_dims"]
    if in_shape is None:
        return [None]
    rank = len(in_shape)
    norm = set()
    for a in axes:
        if not -rank <= a < rank:
            raise ValueError(f"Tried to squeeze dim index {a} for tensor with {rank} dimensions.")
        norm.add(a % rank)
    out = []
    for i, d in enumerate(in_shape):
        if i in norm:
            if d is not None and d != 1:
                raise ValueError(f"Can not squeeze dim[{i}], expected a dimension of 1, got {d}")
            continue
        if not axes and d == 1:
            continue
        if not axes and d is None:
            return [None]
        out.append(d)
    return [tuple(out)]


def _squeeze_reference(inputs, attrs):
    axes = tuple(attrs["squeeze_dims"]) or None
    return [np.squeeze(inputs[0], axis=axes)]


register(OpDef("Squeeze", shape=_squeeze_shape, dtype=_first_dtype, kernel="copy", view=True,
               reference=_squeeze_reference))


def squeeze(input, axis=None, name=None):  # noqa: A002
    """Removes dimensions of size 1 from the shape of a tensor (only those in
    `axis`, when given)."""
    graph = graph_of([input])
    x = to_tensor(graph, input)
    if axis is None:
        axes = ()
    elif isinstance(axis, (list, tuple)):
        axes = tuple(int(a) for a in axis)
    else:
        axes = (int(axis),)
    return make_op(graph, "Squeeze", [x], {"squeeze_dims": axes},
                   name=name or "Squeeze").outputs[0]


# ---- shape ------------------------------------------------------------------

def _shape_fold(ctx):
    shape = ctx.shapes[0]
    if shape is None or any(d is None for d in shape):
        return None
    return [np.array(shape, dtype=ctx.attrs["out_type"].np_dtype)]


register(OpDef(
    "Shape", shape=lambda ctx: [(None if ctx.shapes[0] is None else len(ctx.shapes[0]),)],
    dtype=lambda ctx: [ctx.attrs["out_type"]], fold=_shape_fold,
    reference=lambda inputs, attrs: [np.array(inputs[0].shape,
                                              dtype=attrs["out_type"].np_dtype)]))


def shape(input, name=None, out_type=dtypes.int32):  # noqa: A002
    """Returns a 1-D tensor holding the shape of `input`.

    The compiler knows every shape when it plans a run, so this op is always
    folded into a constant there.
    """
    graph = graph_of([input])
    x = to_tensor(graph, input)
    return make_op(graph, "Shape", [x], {"out_type": dtypes.as_dtype(out_type)},
                   name=name or "Shape").outputs[0]


# ---- grouping ---------------------------------------------------------------

register(OpDef("NoOp", shape=lambda ctx: [], dtype=lambda ctx: []))


def no_op(name=None):
    """Does nothing. Only useful as a placeholder for control edges."""
    return get_default_graph().create_op("NoOp", [], {}, name=name or "NoOp")


def group(*inputs, name=None):
    """Create an op that groups multiple operations: running it runs them all."""
    graph = graph_of(inputs)
    ops = []
    for x in inputs:
        if isinstance(x, (list, tuple)):
            ops.extend(x)
        else:
            ops.append(x)
    return graph.create_op("NoOp", [], {}, name=name or "group_deps", control_inputs=[
        o.op if hasattr(o, "value_index") else o for o in
        (graph.as_graph_element(o) for o in ops)])

