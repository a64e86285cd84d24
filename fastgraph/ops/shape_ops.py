"""Ops on shapes: ShapeN (the shapes of several tensors), BroadcastArgs
(the broadcast of two shapes, tf.broadcast_dynamic_shape), EnsureShape (a
view that checks its input's shape); and broadcast_static_shape, on
TensorShapes.

Every shape is known when a plan is compiled, so ShapeN and BroadcastArgs
fold into constants there, and EnsureShape's check runs once per run
signature (TF's InvalidArgumentError when a fed shape differs).
"""

import numpy as np

from ..framework import dtypes
from ..framework.dtype_sets import WITH_STRING
from ..framework.graphdef_mapping import Attr, InputList, NodeMapping, TypeAttr
from ..framework.op_registry import NOT_DIFFERENTIABLE, Accepts, OpDef, RegisterGradient, \
    register
from ..framework.tensor_shape import TensorShape, as_shape, debug_string as _fmt
from . import samples
from .arguments import graph_of, make_op, to_tensor, to_tensors_like
from .elementwise import broadcast_reduction_axes

__all__ = ["shape_n", "ensure_shape", "broadcast_dynamic_shape", "broadcast_static_shape"]
DEBUGGING = ["ensure_shape"]

_INDEX_TYPES = (dtypes.int32, dtypes.int64)


# ---- ShapeN ------------------------------------------------------------------------

def _shape_n_fold(ctx):
    if any(s is None or None in s for s in ctx.shapes):
        return None
    return [np.array(s, dtype=ctx.attrs["out_type"].np_dtype) for s in ctx.shapes]


def _shape_n_samples(dtype):
    for i, (shapes, out) in enumerate([([(3, 4)], dtypes.int32),
                                       ([(2,), (), (2, 0, 5)], dtypes.int64),
                                       ([(1, 2, 3), (4, 1)], dtypes.int32)]):
        yield [samples.values(dtype, s, i + j) for j, s in enumerate(shapes)], {"out_type": out}


register(OpDef(
    "ShapeN", shape=lambda ctx: [(None if s is None else len(s),) for s in ctx.shapes],
    dtype=lambda ctx: [ctx.attrs["out_type"]] * len(ctx.dtypes), fold=_shape_n_fold,
    reference=lambda inputs, attrs: [np.array(x.shape, dtype=attrs["out_type"].np_dtype)
                                     for x in inputs],
    dtypes=[Accepts("input", WITH_STRING, input=slice(0, None)),
            Accepts("out_type", _INDEX_TYPES, attr="out_type")],
    samples=_shape_n_samples, gradient=NOT_DIFFERENTIABLE,
    graphdef=NodeMapping((InputList("input", count_attr="N"),),
                         [TypeAttr("T", input=0), Attr("out_type", default=dtypes.int32)])))


def shape_n(input, out_type=dtypes.int32, name=None):  # noqa: A002 - TF's argument name
    """Returns shape of tensors.

    `input` is a list of at least 1 Tensor objects with the same type;
    returns a list with the same length as `input` of `Tensor` objects of
    type `out_type`, the shape of each.
    """
    values = list(input)
    graph = graph_of(values)
    xs = [to_tensor(graph, x) for x in values]
    kinds = {x.dtype for x in xs}
    if len(kinds) > 1:
        raise TypeError(f"Tensors in list passed to 'input' of 'ShapeN' Op have types "
                        f"[{', '.join(x.dtype.name for x in xs)}] that don't all match.")
    return list(make_op(graph, "ShapeN", xs, {"out_type": dtypes.as_dtype(out_type)},
                        name=name or "ShapeN").outputs)


# ---- BroadcastArgs -------------------------------------------------------------------

def broadcast_shape_value(s0, s1):
    """The broadcast of two shapes (sequences of ints), or ValueError in
    TF's words when they do not broadcast."""
    broadcast_reduction_axes(s0, s1)  # TF's check and message
    s0, s1 = [int(d) for d in s0], [int(d) for d in s1]
    rank = max(len(s0), len(s1))
    x = [1] * (rank - len(s0)) + s0
    y = [1] * (rank - len(s1)) + s1
    return [b if a == 1 else a for a, b in zip(x, y)]


def _broadcast_args_reference(inputs, attrs):
    s0, s1 = inputs
    return [np.array(broadcast_shape_value(s0, s1), dtype=s0.dtype)]


def _broadcast_args_shape(ctx):
    for s in ctx.shapes:
        if s is not None and len(s) != 1:
            raise ValueError(f"Shape must be rank 1 but is rank {len(s)}")
    a, b = ctx.shapes
    if a is None or b is None or a[0] is None or b[0] is None:
        return [(None,)]
    return [(max(a[0], b[0]),)]


def _broadcast_args_samples(dtype):
    for s0, s1 in [((2, 1, 3), (4, 3)), ((5,), (1,)), ((), (2, 2)), ((3, 1), (3, 1))]:
        yield [samples.known(s0, dtype), samples.known(s1, dtype)], {}


# Its inputs are shapes, which the compiler knows when it plans a run, so it
# folds through the reference there (as BroadcastGradientArgs).
register(OpDef("BroadcastArgs", shape=_broadcast_args_shape, dtype=lambda ctx: [ctx.dtypes[0]],
               reference=_broadcast_args_reference,
               dtypes=[Accepts("s0", _INDEX_TYPES)], samples=_broadcast_args_samples,
               gradient=NOT_DIFFERENTIABLE,
               graphdef=NodeMapping(("s0", "s1"), [TypeAttr("T", input=0)])))


def broadcast_dynamic_shape(shape_x, shape_y):
    """Computes the shape of a broadcast given symbolic shapes.

    When `shape_x` and `shape_y` are Tensors representing shapes (i.e. the
    result of calling tf.shape on another Tensor) this computes a Tensor
    which is the shape of the result of a broadcasting op applied in
    tensors of shapes `shape_x` and `shape_y`.
    """
    graph, (x, y) = to_tensors_like([shape_x, shape_y], "BroadcastArgs", ("s0", "s1"))
    return make_op(graph, "BroadcastArgs", [x, y], name="BroadcastArgs").outputs[0]


def broadcast_static_shape(shape_x, shape_y):
    """Computes the shape of a broadcast given known shapes.

    When `shape_x` and `shape_y` are fully known `TensorShape`s this
    computes a `TensorShape` which is the shape of the result of a
    broadcasting op applied in tensors of shapes `shape_x` and `shape_y`;
    unknown dims stay unknown where the other is not 1 or equal to them.
    Raises ValueError when the shapes are not broadcast-compatible.
    """
    x, y = as_shape(shape_x), as_shape(shape_y)
    if x.rank is None or y.rank is None:
        return TensorShape(None)
    a, b = list(x.as_tuple()), list(y.as_tuple())
    rank = max(len(a), len(b))
    a = [1] * (rank - len(a)) + a
    b = [1] * (rank - len(b)) + b
    out = []
    for da, db in zip(a, b):
        if da is None or db is None:
            if da is None and db is None:
                out.append(None)
            else:
                known = da if db is None else db
                out.append(None if known == 1 else known)
        elif da == db or db == 1:
            out.append(da)
        elif da == 1:
            out.append(db)
        else:
            raise ValueError(f"Incompatible shapes for broadcasting. Two shapes are "
                             f"compatible if for each dimension pair they are either equal "
                             f"or one of them is 1. Received: {x} and {y}.")
    return TensorShape(out)


# ---- EnsureShape ------------------------------------------------------------------------

def _ensure_shape_shape(ctx):
    have, want = ctx.shapes[0], ctx.attrs["shape"].as_tuple()
    if want is None:
        return [have]
    if have is None:
        return [want]
    if len(have) != len(want):
        if ctx.op is not None:
            raise ValueError(_mismatch(ctx, have, want))
        raise ValueError(f"Shape must be rank {len(want)} but is rank {len(have)}")
    out = []
    for i, (a, b) in enumerate(zip(have, want)):
        if a is not None and b is not None and a != b:
            if ctx.op is not None:
                raise ValueError(_mismatch(ctx, have, want))
            raise ValueError(f"Dimension {i} in both shapes must be equal, but are {b} and {a}. "
                             f"Shapes are {_fmt(want)} and {_fmt(have)}.")
        out.append(a if a is not None else b)
    return [tuple(out)]


def _mismatch(ctx, have, want):
    return (f"Shape of tensor {ctx.op.inputs[0].op.name} {_fmt(have)} is not compatible with "
            f"expected shape {_fmt(want)}.")


def _ensure_shape_samples(dtype):
    for i, (shape, want) in enumerate([((3, 4), (3, 4)), ((2, 5), (None, 5)), ((), ()),
                                       ((2, 0, 1), (None, None, None))]):
        yield [samples.values(dtype, shape, i)], {"shape": TensorShape(want)}


register(OpDef("EnsureShape", shape=_ensure_shape_shape, dtype=lambda ctx: [ctx.dtypes[0]],
               kernel="copy", view=True, reference=lambda inputs, attrs: [inputs[0].copy()],
               dtypes=[Accepts("input", WITH_STRING)], samples=_ensure_shape_samples,
               graphdef=NodeMapping(("input",), [TypeAttr("T", input=0), Attr("shape", decode=as_shape)])))


@RegisterGradient("EnsureShape")
def _ensure_shape_grad(op, grad):
    return [grad]


def ensure_shape(x, shape, name=None):
    """Updates the shape of a tensor and checks at runtime that the shape holds.

    The check is made when the run is planned for the fed shapes: a tensor
    whose shape is not compatible with `shape` raises InvalidArgumentError,
    with TF's message. At graph construction the result has `shape` merged
    with `x`'s static shape.
    """
    if not isinstance(shape, TensorShape):
        shape = TensorShape(shape)
    graph = graph_of([x])
    t = to_tensor(graph, x)
    return make_op(graph, "EnsureShape", [t], {"shape": shape},
                   name=name or "EnsureShape").outputs[0]
