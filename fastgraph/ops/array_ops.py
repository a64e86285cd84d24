"""Array ops of the core runtime: placeholders, identity, shape views
(reshape, expand_dims, squeeze), shape, and grouping ops; layout ops that move
bytes (transpose, concat, stack, unstack, split, slice, strided_slice and
`Tensor.__getitem__`, reverse, tile, pad, broadcast_to)."""

import builtins

import numpy as np

from ..framework import dtypes, errors
from ..framework.constant_op import to_numpy
from ..framework.dtype_sets import ALL, WITH_STRING, check_dtype
from ..framework.graph import Tensor, get_default_graph
from ..framework.graphdef_mapping import Attr, AttrInput, Derived, Implied, InputList, \
    NodeMapping, TypeAttr, int_scalar
from ..framework.op_registry import Accepts, AttrFromInput, InferenceContext, NoGradient, \
    NotDifferentiable, OpDef, RegisterGradient, register, \
    register_graphdef_translation
from ..framework.static_values import static_value
from ..framework.tensor_shape import as_shape, debug_string as _fmt
from . import samples
from .arguments import graph_of, make_op, to_tensor

__all__ = ["placeholder", "placeholder_with_default", "identity", "reshape", "expand_dims", "squeeze", "shape", "no_op",
           "group", "stop_gradient", "transpose", "concat", "stack", "unstack", "split", "slice",
           "strided_slice", "reverse", "reverse_v2", "tile", "pad", "broadcast_to",
           "check_numerics", "identity_n", "guarantee_const"]
DEBUGGING = ["check_numerics"]


def _num_elements(shape):
    if shape is None or any(d is None for d in shape):
        return None
    return int(np.prod(shape, dtype=np.int64))


# ---- placeholder ------------------------------------------------------------

register(OpDef("Placeholder", shape=lambda ctx: [ctx.attrs["shape"].as_tuple()],
               dtype=lambda ctx: [ctx.attrs["dtype"]],
               samples=samples.placeholder,
               graphdef=NodeMapping((), [Attr("dtype"), Attr("shape", decode=as_shape,
                                                             default=as_shape(None))])))


def placeholder(dtype, shape=None, name=None):
    """Inserts a placeholder for a tensor that will be always fed.

    Its value must be fed using the `feed_dict` argument to `Session.run()`;
    running a graph that needs an unfed placeholder raises InvalidArgumentError.
    `shape` may contain None for dimensions that any fed size may fill.
    """
    dtype = dtypes.as_dtype(dtype)
    if dtype.code < 0 and not dtype.on_host:
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
               reference=lambda inputs, attrs: [inputs[0].copy()], parallel=True,
               samples=samples.identity,
               graphdef=NodeMapping(("input",), [TypeAttr("T", input=0)]),
               gradient=lambda op, grad: [grad]))


# A copy, never a view: a traced function's read of a variable keeps the
# value it read when the variable is assigned later in the same call (TF2's
# ReadVariableOp).
register(OpDef("Snapshot", shape=_same_shape, dtype=_first_dtype, kernel="copy",
               reference=lambda inputs, attrs: [inputs[0].copy()], parallel=True,
               samples=samples.identity,
               graphdef=NodeMapping(("input",), [TypeAttr("T", input=0)]),
               gradient=lambda op, grad: [grad]))


def identity(input, name=None):  # noqa: A002 - TF's argument name
    """Return a Tensor with the same shape and contents as input."""
    graph = graph_of([input])
    x = to_tensor(graph, input)
    return make_op(graph, "Identity", [x], name=name or "Identity").outputs[0]


register(OpDef("IdentityN", shape=lambda ctx: list(ctx.shapes),
               dtype=lambda ctx: list(ctx.dtypes), kernel="copy_n", parallel=True,
               reference=lambda inputs, attrs: [x.copy() for x in inputs],
               samples=samples.identity_n,
               graphdef=NodeMapping((InputList("input", count_attr=None),),
                                    [Derived("T", lambda op: [t.dtype for t in op.inputs])]),
               gradient=lambda op, *grads: list(grads)))


def identity_n(input, name=None):  # noqa: A002 - TF's argument name
    """Returns a list of tensors with the same shapes and contents as the
    input tensors (one op with an output for each input)."""
    graph = graph_of(list(input))
    xs = [to_tensor(graph, x) for x in input]
    return list(make_op(graph, "IdentityN", xs, name=name or "IdentityN").outputs)


# TF's promise that the value does not change across runs; fastgraph needs
# no such promise to fold or cache, so it is an identity.
register(OpDef("GuaranteeConst", shape=_same_shape, dtype=_first_dtype, kernel="copy", view=True,
               reference=lambda inputs, attrs: [inputs[0].copy()], parallel=True,
               samples=samples.identity,
               graphdef=NodeMapping(("input",), [TypeAttr("T", input=0)]),
               gradient=NoGradient("TensorFlow registers no gradient for GuaranteeConst")))


def guarantee_const(input, name=None):  # noqa: A002 - TF's argument name
    """Promise to the TF runtime that the input tensor is a constant.

    The runtime is then free to make optimizations based on this. Returns
    the input tensor without modification.
    """
    graph = graph_of([input])
    x = to_tensor(graph, input)
    return make_op(graph, "GuaranteeConst", [x], name=name or "GuaranteeConst").outputs[0]


def _with_default_shape(ctx):
    given, actual = ctx.attrs["shape"].as_tuple(), ctx.shapes[0]
    if given is None:
        return [actual]
    if actual is not None and (len(given) != len(actual) or any(
            g is not None and a is not None and g != a for g, a in zip(given, actual))):
        raise ValueError(f"Shapes must be equal rank, and compatible: default has shape "
                         f"{_fmt(actual)}, placeholder_with_default {_fmt(given)}")
    return [given if ctx.op is None else actual]


register(OpDef("PlaceholderWithDefault", shape=_with_default_shape, dtype=_first_dtype,
               kernel="copy", view=True, reference=lambda inputs, attrs: [inputs[0].copy()],
               parallel=True,
               samples=samples.with_default,
               graphdef=NodeMapping(("input",), [TypeAttr("dtype", input=0),
                                                 Attr("shape", decode=as_shape)])))


def placeholder_with_default(input, shape, name=None):  # noqa: A002
    """A placeholder op that passes through `input` when its output is not fed.

    `shape` (dims may be None) is the static shape of the output: a fed value
    must fit it; unfed, the output is `input`.
    """
    graph = graph_of([input])
    x = to_tensor(graph, input)
    return make_op(graph, "PlaceholderWithDefault", [x], {"shape": as_shape(shape)},
                   name=name or "PlaceholderWithDefault").outputs[0]


# Identity's kernel under types of their own, so that gradients stop at them.
register(OpDef("StopGradient", shape=_same_shape, dtype=_first_dtype, kernel="copy", view=True,
               reference=lambda inputs, attrs: [inputs[0].copy()], parallel=True,
               samples=samples.identity,
               graphdef=NodeMapping(("input",), [TypeAttr("T", input=0)])))
register(OpDef("PreventGradient", shape=_same_shape, dtype=_first_dtype, kernel="copy", view=True,
               reference=lambda inputs, attrs: [inputs[0].copy()], parallel=True,
               samples=samples.prevent_gradient,
               graphdef=NodeMapping(("input",), [TypeAttr("T", input=0),
                                                 Attr("message", default="")])))


def stop_gradient(input, name=None):  # noqa: A002
    """Stops gradient computation.

    When executed in a graph, this op outputs its input tensor as-is. When
    building ops to compute gradients, this op prevents the contribution of
    its inputs to be taken into account: the gradient through it is None.
    """
    graph = graph_of([input])
    x = to_tensor(graph, input)
    return make_op(graph, "StopGradient", [x], name=name or "StopGradient").outputs[0]


def prevent_gradient(input, message="", name=None):  # noqa: A002
    """An identity op that triggers an error if a gradient is requested.

    Building the gradient of a graph through it raises LookupError with
    `message` as the reason.
    """
    graph = graph_of([input])
    x = to_tensor(graph, input)
    return make_op(graph, "PreventGradient", [x], {"message": str(message)},
                   name=name or "PreventGradient").outputs[0]


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
               reference=lambda inputs, attrs: [inputs[0].reshape(inputs[1])],
               samples=samples.reshape,
               graphdef=NodeMapping(("tensor", "shape"), [TypeAttr("T", input=0),
                                                          TypeAttr("Tshape", input=1)])))


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
               reference=lambda inputs, attrs: [np.expand_dims(inputs[0], int(inputs[1]))],
               samples=samples.expand_dims,
               graphdef=NodeMapping(("input", "dim"), [TypeAttr("T", input=0),
                                                       TypeAttr("Tdim", input=1)])))


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
               reference=_squeeze_reference,
               samples=samples.squeeze,
               graphdef=NodeMapping(("input",), [TypeAttr("T", input=0), Attr(
                   "squeeze_dims", decode=lambda v: tuple(int(a) for a in v), default=())])))


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
                                              dtype=attrs["out_type"].np_dtype)],
    samples=samples.shape_of,
    graphdef=NodeMapping(("input",), [TypeAttr("T", input=0),
                                      Attr("out_type", default=dtypes.int32)])))


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

register(OpDef("NoOp", shape=lambda ctx: [], dtype=lambda ctx: [],
               samples=samples.no_op,
               graphdef=NodeMapping()))


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



# =============================================================================
# Layout ops: kernels that move bytes (csrc/kernels/array.c).
#
# Arguments that TF takes as tensors (perm, begin, size, multiples, paddings,
# axis) must be known when the graph is built here: Python values, NumPy
# arrays, or tensors whose value follows from constants and static shapes.
# They become attrs, so the kernels are fully described at compile time.
# Shape functions run at build time (ctx.op is None, dims may be None) with
# TF's graph-construction messages, and at compile time (every dim known)
# with the messages TF's kernels give at run time.
# =============================================================================

def _static(value, what, op_name):
    """`value` (Python, NumPy or a statically known tensor) as a NumPy array."""
    if hasattr(value, "_as_graph_element") and not isinstance(value, Tensor):
        value = value._as_graph_element()
    if isinstance(value, Tensor):
        known = static_value(value)
        if known is None:
            raise NotImplementedError(
                f"fastgraph needs `{what}` of {op_name} known when the graph is built (a Python "
                f"value, NumPy array or constant tensor); {value.name} is only known at run time.")
        return np.asarray(known)
    if isinstance(value, (list, tuple)):
        return np.asarray([_static(v, what, op_name) for v in value]) if value else \
            np.zeros((0,), np.int64)
    return np.asarray(value)


def _static_ints(value, what, op_name):
    arr = _static(value, what, op_name)
    if arr.dtype.kind not in "iub":
        raise TypeError(f"Value passed to parameter '{what}' has DataType "
                        f"{arr.dtype.name} not in list of allowed values: int32, int64")
    return arr.astype(np.int64)


def _as_int_tuple(value):
    return tuple(int(v) for v in np.asarray(value).reshape(-1))


def _ints_attr(graph, value, what, op_name, inputs, convert=_as_int_tuple):
    """Attr `what` as `convert` of an int64 array: now when `value` is static,
    else an AttrFromInput over `value` appended to the op's `inputs`, filled
    in when the plan is compiled (values that follow from fed shapes, such
    as `[tf.shape(y)[0], 1]`)."""
    try:
        return convert(_static_ints(value, what, op_name))
    except NotImplementedError:
        t = to_tensor(graph, value)
        if not t.dtype.is_integer:
            raise TypeError(f"Value passed to parameter '{what}' has DataType {t.dtype.name} not "
                            "in list of allowed values: int32, int64") from None
        inputs.append(t)
        return AttrFromInput(len(inputs) - 1, lambda v: convert(np.asarray(v, np.int64)), what)


def _static_int(value, what, op_name):
    arr = _static_ints(value, what, op_name)
    if arr.size != 1:
        raise ValueError(f"Shape must be rank 0 but is rank {arr.ndim} for '{what}' of "
                         f"{op_name}")
    return int(arr.reshape(()))


def _runtime(ctx):
    """Whether the shape function runs at compile time (every dim known)."""
    return ctx.op is not None


def _strides(shape):
    out, acc = [0] * len(shape), 1
    for d in range(len(shape) - 1, -1, -1):
        out[d] = acc
        acc *= shape[d]
    return out


def _gather_lower(out_shape, strides, offset, itemsize):
    """iattrs of the strided_copy kernel: size-1 dims dropped, walkable neighbours merged."""
    dims = [(int(n), int(s)) for n, s in zip(out_shape, strides) if n != 1]
    if any(n == 0 for n, _ in dims):
        dims = [(0, 1)]
    if not dims:
        dims = [(1, 1)]
    merged = [list(dims[0])]
    for n, st in dims[1:]:
        if merged[-1][1] == st * n:
            merged[-1] = [merged[-1][0] * n, st]
        else:
            merged.append([n, st])
    return ([len(merged), itemsize, int(offset)] + [n for n, _ in merged] +
            [st for _, st in merged]), None


def _itemsize(ctx):
    return ctx.dtypes[0].np_dtype.itemsize


def _layout_op(op_type, shape, kernel, lower, reference, accepts, sampler, **kw):
    register(OpDef(op_type, shape=shape, dtype=kw.pop("dtype", _first_dtype), kernel=kernel,
                   lower=lower, reference=reference, parallel=True,
                   dtypes=[accepts],
                   samples=sampler, **kw))


def _input(value):
    graph = graph_of([value])
    return graph, to_tensor(graph, value)


def _check_axis_in(axis, rank, fmt):
    if not -rank <= axis < rank:
        raise ValueError(fmt.format(axis=axis, lo=-rank, hi=rank))
    return axis % rank if rank else 0


# ---- transpose ----------------------------------------------------------------

def _perm_of(attrs, rank):
    perm = attrs["perm"]
    return tuple(range(rank - 1, -1, -1)) if perm is None else perm


def _transpose_shape(ctx):
    shape, perm = ctx.shapes[0], ctx.attrs["perm"]
    if shape is None:
        return [None if perm is None else (None,) * len(perm)]
    rank = len(shape)
    perm = _perm_of(ctx.attrs, rank)
    if len(perm) != rank:
        raise ValueError(f"Dimension must be {rank} but is {len(perm)}")
    for p in perm:
        if not -rank <= p < rank:
            if _runtime(ctx):
                raise ValueError(f"{p} is out of range [0 .. {rank})")
            raise ValueError(f"perm dim {p} is out of range of input rank {rank}")
    norm = [p % rank for p in perm]
    if _runtime(ctx) and len(set(norm)) != rank:
        missing = min(set(range(rank)) - set(norm))
        raise ValueError(f"{missing} is missing from {{{','.join(str(p) for p in perm)}}}.")
    return [tuple(shape[p] for p in norm)]


def _transpose_lower(ctx):
    shape = ctx.shapes[0]
    perm = [p % len(shape) for p in _perm_of(ctx.attrs, len(shape))]
    strides = _strides(shape)
    return _gather_lower(ctx.out_shapes[0], [strides[p] for p in perm], 0, _itemsize(ctx))


_layout_op("Transpose", _transpose_shape, "strided_copy", _transpose_lower,
           lambda inputs, attrs: [np.transpose(inputs[0], _perm_of(attrs, inputs[0].ndim))],
           Accepts("x", WITH_STRING), samples.transpose,
           graphdef=NodeMapping(
               ("x", AttrInput("perm", "perm", type_attr="Tperm",
                               encode=lambda perm, op: _perm_of({"perm": perm},
                                                                op.inputs[0].shape.rank))),
               [TypeAttr("T", input=0)]))


def transpose(a, perm=None, name="transpose", conjugate=False):
    """Transposes `a`, where `a` is a Tensor.

    Permutes the dimensions according to the value of `perm`: the returned
    tensor's dimension `i` corresponds to the input dimension `perm[i]`. If
    `perm` is not given, it is set to (n-1...0), where n is the rank of the
    input tensor; hence by default this operation performs a regular matrix
    transpose on 2-D input Tensors. `conjugate` has no effect (fastgraph has
    no complex types).
    """
    del conjugate
    graph, x = _input(a)
    if perm is not None:
        perm = tuple(int(p) for p in _static_ints(perm, "perm", "transpose").reshape(-1))
    return make_op(graph, "Transpose", [x], {"perm": perm}, name=name or "transpose").outputs[0]


# ---- concat and stack -----------------------------------------------------------

def _same_dtype_tensors(values, op_type, arg="values"):
    """Tensors of one dtype from a list; Python values take the tensors' dtype."""
    values = list(values)
    graph = graph_of(values)
    dtype = None
    for v in values:
        if isinstance(v, Tensor) or hasattr(v, "_as_graph_element"):
            dtype = to_tensor(graph, v).dtype
            break
    tensors = [to_tensor(graph, v) if isinstance(v, Tensor) or hasattr(v, "_as_graph_element")
               else to_tensor(graph, v, dtype=dtype) for v in values]
    types = [t.dtype for t in tensors]
    if len(set(types)) > 1:
        names = ", ".join(t.name for t in types)
        raise TypeError(f"Tensors in list passed to '{arg}' of '{op_type}' Op have types "
                        f"[{names}] that don't all match.")
    return graph, tensors


def _merge_dims(merged, other, index_base=0):
    """Merges `other` into the list `merged` in place (TF's Merge message)."""
    for i, (a, b) in enumerate(zip(merged, other)):
        if a is not None and b is not None and a != b:
            raise ValueError(f"Dimension {i + index_base} in both shapes must be equal, but are "
                             f"{a} and {b}. Shapes are {_fmt(merged)} and {_fmt(other)}.")
        if a is None:
            merged[i] = b


def _concat_shape(ctx):
    shapes, axis = ctx.shapes, ctx.attrs["axis"]
    known = [s for s in shapes if s is not None]
    if not known:
        return [None]
    rank = len(known[0])
    if _runtime(ctx):
        if not -rank <= axis < rank:
            raise ValueError(f"ConcatOp : Expected concatenating dimensions in the range "
                             f"[{-rank}, {rank}), but got {axis}")
        if rank == 0:
            raise ValueError("ConcatOp : Can't concatenate scalars (use tf.stack instead)")
        a = axis % rank
        for i, s in enumerate(shapes[1:], 1):
            if len(s) != rank:
                raise ValueError(f"ConcatOp : Ranks of all input tensors should match: "
                                 f"shape[0] = {_fmt(shapes[0])} vs. shape[{i}] = {_fmt(s)}")
            for d in range(rank):
                if d != a and s[d] != shapes[0][d]:
                    raise ValueError(f"ConcatOp : Dimension {d} in both shapes must be equal: "
                                     f"shape[0] = {_fmt(shapes[0])} vs. shape[{i}] = {_fmt(s)}")
        out = list(shapes[0])
        out[a] = sum(s[a] for s in shapes)
        return [tuple(out)]
    if rank == 0:
        raise ValueError("Can't concatenate scalars (use tf.stack instead)")
    for s in known[1:]:
        if len(s) != rank:
            raise ValueError(f"Shape must be rank {rank} but is rank {len(s)}")
    if not -rank <= axis < rank:
        need = -axis if axis < 0 else axis + 1
        raise ValueError(f"Shape must be at least rank {need} but is rank {rank}")
    a = axis % rank
    prefix, suffix = list(known[0][:a]), list(known[0][a + 1:])
    for s in known[1:]:
        _merge_dims(prefix, s[:a])
        _merge_dims(suffix, s[a + 1:])
    dims = [s[a] for s in shapes if s is not None]
    total = None if len(known) < len(shapes) or None in dims else sum(dims)
    return [tuple(prefix) + (total,) + tuple(suffix)]


def _concat_lower(ctx):
    out, a = ctx.out_shapes[0], ctx.attrs["axis"] % len(ctx.out_shapes[0])
    size = _itemsize(ctx)
    rows = int(np.prod(out[:a], dtype=np.int64))
    return [len(ctx.shapes), rows] + [
        int(np.prod(s[a:], dtype=np.int64)) * size for s in ctx.shapes], None


_layout_op("ConcatV2", _concat_shape, "concat", _concat_lower,
           lambda inputs, attrs: [np.concatenate(inputs, axis=attrs["axis"])],
           Accepts("values", WITH_STRING, input=slice(None)), samples.concat,
           graphdef=NodeMapping(
               (InputList("values"), AttrInput("axis", "axis", type_attr="Tidx",
                                               decode=int_scalar)),
               [TypeAttr("T", input=0)]))


def concat(values, axis, name="concat"):
    """Concatenates tensors along one dimension.

    Concatenates the list of tensors `values` along dimension `axis`. If
    `values[i].shape = [D0, D1, ... Daxis(i), ...Dn]`, the concatenated result
    has shape `[D0, D1, ... Raxis, ...Dn]` where `Raxis = sum(Daxis(i))`.
    A negative `axis` is interpreted as counting from the end of the rank.
    """
    if isinstance(values, Tensor) or not isinstance(values, (list, tuple)):
        values = [values]
    axis = _static_int(axis, "axis", "concat")
    if len(values) == 1:
        graph, x = _input(values[0])
        check_dtype(x, ALL, "ConcatV2", "values")  # makes an Identity, not a ConcatV2
        if x.shape.rank is not None and not -max(x.shape.rank, 1) <= axis < max(x.shape.rank, 1):
            _concat_shape(InferenceContext(None, [x.shape.as_tuple()], [x.dtype], [None],
                                           {"axis": axis}))
        return identity(x, name=name or "concat")
    graph, tensors = _same_dtype_tensors(values, "ConcatV2")
    return make_op(graph, "ConcatV2", tensors, {"axis": axis},
                   name=name or "concat").outputs[0]


def _pack_shape(ctx):
    shapes, axis = ctx.shapes, ctx.attrs["axis"]
    known = [s for s in shapes if s is not None]
    if not known:
        return [None]
    rank = len(known[0]) + 1
    if _runtime(ctx):
        if not -rank <= axis < rank:
            raise ValueError(f"axis = {axis} not in [{-rank}, {rank})")
        for i, s in enumerate(shapes[1:], 1):
            if s != shapes[0]:
                raise ValueError(f"Shapes of all inputs must match: values[0].shape = "
                                 f"{_fmt(shapes[0])} != values[{i}].shape = {_fmt(s)}")
    merged = list(known[0])
    for s in known[1:]:
        if len(s) != len(merged):
            raise ValueError(f"Shapes must be equal rank, but are {len(merged)} and {len(s)}")
        _merge_dims(merged, s)
    a = _check_axis_in(axis, rank, "Argument `axis` = {axis} not in range [{lo}, {hi})")
    return [tuple(merged[:a]) + (len(shapes),) + tuple(merged[a:])]


def _pack_lower(ctx):
    shape, size = ctx.shapes[0], _itemsize(ctx)
    a = ctx.attrs["axis"] % (len(shape) + 1)
    row = int(np.prod(shape[a:], dtype=np.int64)) * size
    return [len(ctx.shapes), int(np.prod(shape[:a], dtype=np.int64))] + [row] * len(ctx.shapes), \
        None


_layout_op("Pack", _pack_shape, "concat", _pack_lower,
           lambda inputs, attrs: [np.stack(inputs, axis=attrs["axis"])],
           Accepts("values", WITH_STRING, input=slice(None)), samples.pack,
           graphdef=NodeMapping((InputList("values"),),
                                [TypeAttr("T", input=0), Attr("axis", default=0)]))


def stack(values, axis=0, name="stack"):
    """Stacks a list of rank-`R` tensors into one rank-`(R+1)` tensor.

    Packs the list of tensors in `values` into a tensor with rank one higher
    than each tensor in `values`, by packing them along the `axis` dimension.
    Given a list of length `N` of tensors of shape `(A, B, C)`: if `axis == 0`
    the output has shape `(N, A, B, C)`, if `axis == 1` `(A, N, B, C)`, etc.
    """
    axis = _static_int(axis, "axis", "stack")
    values = list(values) if isinstance(values, (list, tuple)) else [values]
    graph = graph_of(values)
    if not any(isinstance(v, Tensor) or hasattr(v, "_as_graph_element") for v in values):
        arr, dtype = to_numpy(values)
        rank = arr.ndim
        a = _check_axis_in(axis, rank, "Argument `axis` = {axis} not in range [{lo}, {hi})")
        return to_tensor(graph, np.moveaxis(arr, 0, a) if rank else arr, dtype=dtype,
                         name=name or "stack")
    graph, tensors = _same_dtype_tensors(values, "Pack")
    return make_op(graph, "Pack", tensors, {"axis": axis}, name=name or "stack").outputs[0]


# ---- unstack and split ----------------------------------------------------------

def _unpack_shape(ctx):
    shape, num, axis = ctx.shapes[0], ctx.attrs["num"], ctx.attrs["axis"]
    if shape is None:
        return [None] * num
    rank = len(shape)
    a = _check_axis_in(axis, rank, "Argument `axis` = {axis} not in range [{lo}, {hi})")
    if shape[a] is not None and shape[a] != num:
        if _runtime(ctx):
            raise ValueError(f"Input shape axis {a} must equal {num}, got shape {_fmt(shape)}")
        raise ValueError(f"Dimension must be {num} but is {shape[a]}")
    return [shape[:a] + shape[a + 1:]] * num


def _split_rows_lower(ctx, sizes, a):
    shape, size = ctx.shapes[0], _itemsize(ctx)
    inner = int(np.prod(shape[a + 1:], dtype=np.int64)) * size
    return [len(sizes), int(np.prod(shape[:a], dtype=np.int64))] + [n * inner for n in sizes], \
        None


def _unpack_reference(inputs, attrs):
    x = inputs[0]
    return [np.take(x, i, axis=attrs["axis"]) for i in range(attrs["num"])]


_layout_op("Unpack", _unpack_shape, "split",
           lambda ctx: _split_rows_lower(ctx, [1] * ctx.attrs["num"],
                                         ctx.attrs["axis"] % len(ctx.shapes[0])),
           _unpack_reference, Accepts("value", WITH_STRING), samples.unpack,
           dtype=lambda ctx: [ctx.dtypes[0]] * ctx.attrs["num"],
           graphdef=NodeMapping(("value",), [TypeAttr("T", input=0), Attr("num"),
                                             Attr("axis", default=0)]))


def unstack(value, num=None, axis=0, name="unstack"):
    """Unpacks the given dimension of a rank-`R` tensor into rank-`(R-1)` tensors.

    Unpacks tensors from `value` by chipping it along the `axis` dimension.
    If `num` is not specified (the default), it is inferred from `value`'s
    shape; if `value.shape[axis]` is not known, ValueError is raised.
    """
    graph, x = _input(value)
    axis = _static_int(axis, "axis", "unstack")
    shape = x.shape.as_tuple()
    if shape is not None:
        _check_axis_in(axis, len(shape), "Argument `axis` = {axis} not in range [{lo}, {hi})")
    if num is None:
        if shape is None or shape[axis] is None:
            raise ValueError("Cannot infer argument `num` from shape "
                             f"{'<unknown>' if shape is None else shape}")
        num = shape[axis]
    num = int(num)
    if num == 0:
        return []
    return make_op(graph, "Unpack", [x], {"num": num, "axis": axis},
                   name=name or "unstack").outputs


def _split_sizes(ctx):
    """(axis, sizes per output) with None for sizes unknown at build time."""
    shape, axis = ctx.shapes[0], ctx.attrs["axis"]
    num = ctx.attrs.get("num_split")
    if shape is None:
        return None, None
    rank = len(shape)
    if not -rank <= axis < rank:
        raise ValueError(f"Dimension size, given by scalar input {axis} must be in range "
                         f"[{-rank}, {rank})")
    a = axis % rank
    dim = shape[a]
    if num is not None:
        if dim is None:
            return a, [None] * num
        if dim % num:
            if _runtime(ctx):
                raise ValueError(f"Number of ways to split should evenly divide the split "
                                 f"dimension, but got split_dim {a} (size = {dim}) and "
                                 f"num_split {num}")
            raise ValueError(f"Dimension size must be evenly divisible by {num} but is {dim}")
        return a, [dim // num] * num
    sizes = list(ctx.attrs["size_splits"])
    unknown = [i for i, n in enumerate(sizes) if n == -1]
    if len(unknown) > 1:
        raise ValueError("size_splits can only have one -1")
    known = sum(n for n in sizes if n != -1)
    if dim is not None and unknown:
        sizes[unknown[0]] = dim - known
    for i, n in enumerate(sizes):
        if n is not None and n < 0 and not (n == -1 and dim is None):
            raise ValueError(f"Split size at index {i} must be >= 0. Got: {n}")
    if dim is None:
        return a, [None if n == -1 else n for n in sizes]
    if sum(sizes) != dim:
        if _runtime(ctx):
            raise ValueError("Determined shape must either match input shape along split_dim "
                             "exactly if fully specified, or be less than the size of the "
                             f"input along split_dim if not fully specified.  Got: {known}")
        raise ValueError(f"can't split axis of size {dim} into pieces of size "
                         f"[{','.join(str(n) for n in ctx.attrs['size_splits'])}]")
    return a, sizes


def _split_shape(ctx):
    a, sizes = _split_sizes(ctx)
    n = ctx.attrs.get("num_split") or len(ctx.attrs["size_splits"])
    if sizes is None:
        return [None] * n
    shape = ctx.shapes[0]
    return [shape[:a] + (d,) + shape[a + 1:] for d in sizes]


def _split_lower(ctx):
    a, sizes = _split_sizes(ctx)
    return _split_rows_lower(ctx, sizes, a)


def _split_reference(inputs, attrs):
    x = inputs[0]
    ctx = InferenceContext(None, [x.shape], [None], [None], attrs)
    a, sizes = _split_sizes(ctx)
    return np.split(x, np.cumsum(sizes)[:-1], axis=a)


def _split_dtypes(ctx):
    return [ctx.dtypes[0]] * (ctx.attrs.get("num_split") or len(ctx.attrs["size_splits"]))


_layout_op("Split", _split_shape, "split", _split_lower, _split_reference, Accepts("value", WITH_STRING),
           samples.split, dtype=_split_dtypes,
           graphdef=NodeMapping((AttrInput("split_dim", "axis", decode=int_scalar), "value"),
                                [TypeAttr("T", input=0), Attr("num_split")]))
_layout_op("SplitV", _split_shape, "split", _split_lower, _split_reference,
           Accepts("value", WITH_STRING), samples.split_v, dtype=_split_dtypes,
           graphdef=NodeMapping(
               ("value", AttrInput("size_splits", "size_splits", type_attr="Tlen"),
                AttrInput("split_dim", "axis", decode=int_scalar)),
               [TypeAttr("T", input=0),
                Derived("num_split", lambda op: len(op.get_attr("size_splits")))]))


def split(value, num_or_size_splits, axis=0, num=None, name="split"):
    """Splits a tensor `value` into a list of sub tensors.

    If `num_or_size_splits` is an `int`, `value` is split along `axis` into
    that many smaller tensors of equal size (the dimension must divide
    evenly). Otherwise it is a 1-D list of the sizes of each output along
    `axis`, which must sum to the dimension; one size may be -1, computed
    from the others.
    """
    graph, x = _input(value)
    axis = _static_int(axis, "axis", "split")
    splits = _static_ints(num_or_size_splits, "num_or_size_splits", "split")
    if splits.ndim == 0:
        n = int(splits)
        if n < 1:
            raise ValueError(f"Attr 'num_split' of 'Split' Op passed {n} less than minimum 1.")
        return make_op(graph, "Split", [x], {"num_split": n, "axis": axis},
                       name=name or "split").outputs
    sizes = tuple(int(n) for n in splits.reshape(-1))
    if num is not None and int(num) != len(sizes):
        raise ValueError(f"Cannot infer num from shape {list(sizes)}")
    if not sizes:
        raise ValueError("Attr 'num_split' of 'SplitV' Op passed 0 less than minimum 1.")
    return make_op(graph, "SplitV", [x], {"size_splits": sizes, "axis": axis},
                   name=name or "split").outputs


# ---- slice and strided_slice ------------------------------------------------------

def _slice_spec(ctx):
    """Per dim (begin, size), size None when unknown at build time."""
    shape, begin, size = ctx.shapes[0], ctx.attrs["begin"], ctx.attrs["size"]
    if len(begin) != len(size):
        raise ValueError(f"Dimension 0 in both shapes must be equal, but are {len(begin)} and "
                         f"{len(size)}. Shapes are [{len(begin)}] and [{len(size)}].")
    for n in size:
        if n < -1:
            raise ValueError(f"Invalid value in tensor used for shape: {n}")
    if shape is None:
        return None
    if len(shape) != len(begin):
        raise ValueError(f"Shape must be rank {len(begin)} but is rank {len(shape)}")
    out = []
    for i, (d, b, n) in enumerate(zip(shape, begin, size)):
        if d is None:
            out.append((b, None if n == -1 else n))
            continue
        if n == -1:
            n = d - b
        if _runtime(ctx):
            if not 0 <= b <= d:
                raise ValueError(f"Expected begin[{i}] in [0, {d}], but got {b}")
            if not 0 <= n <= d - b:
                raise ValueError(f"Expected size[{i}] in [0, {d - b}], but got {n}")
        out.append((b, n if 0 <= b <= d and 0 <= n <= d - b else None))
    return out


def _slice_shape(ctx):
    spec = _slice_spec(ctx)
    if spec is None:
        return [(None,) * len(ctx.attrs["begin"])]
    return [tuple(n for _, n in spec)]


def _slice_lower(ctx):
    spec = _slice_spec(ctx)
    strides = _strides(ctx.shapes[0])
    offset = sum(b * st for (b, _), st in zip(spec, strides))
    return _gather_lower(ctx.out_shapes[0], strides, offset, _itemsize(ctx))


def _slice_reference(inputs, attrs):
    x = inputs[0]
    ctx = InferenceContext(None, [x.shape], [None], [None], attrs)
    spec = _slice_spec(ctx)
    if any(n is None for _, n in spec):
        raise ValueError("slice out of bounds")
    return [x[tuple(builtins.slice(b, b + n) for b, n in spec)]]


_layout_op("Slice", _slice_shape, "strided_copy", _slice_lower, _slice_reference,
           Accepts("input", WITH_STRING), samples.slice_,
           graphdef=NodeMapping(
               ("input", AttrInput("begin", "begin", type_attr="Index", deferred=True),
                AttrInput("size", "size", type_attr="Index", deferred=True)),
               [TypeAttr("T", input=0)]))


def slice(input_, begin, size, name=None):  # noqa: A001 - TF's name
    """Extracts a slice from a tensor.

    Extracts a slice of size `size` from `input_` starting at the location
    specified by `begin`. `begin` is zero-based; `size` is one-based, and
    `size[i] = -1` means all remaining elements in dimension i are included.
    """
    graph, x = _input(input_)
    inputs = [x]
    attrs = {"begin": _ints_attr(graph, begin, "begin", "slice", inputs),
             "size": _ints_attr(graph, size, "size", "slice", inputs)}
    return make_op(graph, "Slice", inputs, attrs, name=name or "Slice").outputs[0]


_NEW_AXIS, _SHRINK_AXIS = -1, -2


def _strided_spec(ctx):
    """TF's strided-slice validation: (dense [(begin, size, stride)] per input
    dim, output shape) with None for what is unknown at build time."""
    shape, attrs = ctx.shapes[0], ctx.attrs
    begin, end, strides = attrs["begin"], attrs["end"], attrs["strides"]
    n = len(begin)
    for other in (end, strides):
        if len(other) != n:
            raise ValueError(f"Dimension 0 in both shapes must be equal, but are {n} and "
                             f"{len(other)}. Shapes are [{n}] and [{len(other)}].")
    bm, em, nam, sam = (attrs["begin_mask"], attrs["end_mask"], attrs["new_axis_mask"],
                        attrs["shrink_axis_mask"])
    ellipsis = attrs["ellipsis_mask"]
    if bin(ellipsis & ((1 << max(n, 1)) - 1)).count("1") > 1 or bin(ellipsis).count("1") > 1:
        raise ValueError("Multiple ellipses in slice spec not allowed")
    sparse = n
    if not ellipsis:
        ellipsis, sparse = 1 << n, n + 1
    if shape is None:
        return None, None
    rank = len(shape)
    ell = ellipsis.bit_length() - 1
    after = sum(1 for i in range(ell + 1, sparse) if nam >> i & 1)
    dense = [None] * rank  # sparse index of each input dim, None for a full slice
    gather = []
    full = 0
    for i in range(sparse):
        if ellipsis >> i & 1:
            nxt = min(rank - (sparse - i) + 1 + after, rank)
            while full < nxt:
                gather.append(full)
                full += 1
        elif nam >> i & 1:
            gather.append(_NEW_AXIS)
        else:
            if full == rank:
                raise ValueError(f"Index out of range using input dim {full}; input has only "
                                 f"{rank} dims")
            dense[full] = i
            gather.append(_SHRINK_AXIS if sam >> i & 1 else full)
            full += 1
    spec = []
    for d, (dim, i) in enumerate(zip(shape, dense)):
        if i is None:
            spec.append((0, dim, 1))
            continue
        b, e, st = begin[i], end[i], strides[i]
        if st == 0:
            raise ValueError(f"strides[{d}] must be non-zero")
        shrink = sam >> i & 1
        if dim is None:
            spec.append((None, 1 if shrink else None, st))
            continue
        if shrink:
            fwd = dim + b if b < 0 else b
            if not 0 <= fwd < dim:
                raise ValueError(f"slice index {fwd} of dimension {d} out of bounds.")
            spec.append((fwd, 1, 1))
            continue
        lo, hi = (0, dim) if st > 0 else (-1, dim - 1)

        def canonical(x, c, mask):
            if mask:
                return (lo, hi)[c] if st > 0 else (hi, lo)[c]
            fwd = dim + x if x < 0 else x
            return lo if fwd < lo else min(fwd, hi)

        b = canonical(b, 0, bm >> i & 1)
        e = canonical(e, 1, em >> i & 1)
        length = e - b
        if length == 0 or (length < 0) != (st < 0):
            size = 0
        else:
            size = abs(length) // abs(st) + (1 if abs(length) % abs(st) else 0)
        spec.append((b, size, st))
    out = []
    for g in gather:
        if g == _NEW_AXIS:
            out.append(1)
        elif g != _SHRINK_AXIS:
            out.append(spec[g][1])
    return spec, tuple(out)


def _strided_slice_shape(ctx):
    spec, out = _strided_spec(ctx)
    return [out]


def _strided_slice_lower(ctx):
    spec, _ = _strided_spec(ctx)
    strides = _strides(ctx.shapes[0])
    offset = sum(b * s for (b, n, _), s in zip(spec, strides) if n)
    return _gather_lower([n for _, n, _ in spec], [st * s for (_, _, st), s in zip(spec, strides)],
                         offset, _itemsize(ctx))


def _strided_slice_reference(inputs, attrs):
    x = inputs[0]
    spec, out = _strided_spec(InferenceContext(None, [x.shape], [None], [None], attrs))
    if x.ndim:
        x = x[np.ix_(*[b + st * np.arange(n) for b, n, st in spec])]
    return [x.reshape(out)]


_layout_op("StridedSlice", _strided_slice_shape, "strided_copy", _strided_slice_lower,
           _strided_slice_reference, Accepts("input", WITH_STRING), samples.strided_slice,
           graphdef=NodeMapping(
               ("input", AttrInput("begin", "begin", type_attr="Index", deferred=True),
                AttrInput("end", "end", type_attr="Index", deferred=True),
                AttrInput("strides", "strides", type_attr="Index", deferred=True)),
               [TypeAttr("T", input=0)] + [Attr(m, default=0) for m in (
                   "begin_mask", "end_mask", "ellipsis_mask", "new_axis_mask",
                   "shrink_axis_mask")]))


def strided_slice(input_, begin, end, strides=None, begin_mask=0, end_mask=0, ellipsis_mask=0,
                  new_axis_mask=0, shrink_axis_mask=0, var=None, name=None):
    """Extracts a strided slice of a tensor (generalized Python array indexing).

    Walks `input_` from `begin` towards `end` (exclusive) by `strides` in each
    dimension; bit i of `begin_mask`/`end_mask` ignores `begin[i]`/`end[i]`
    (the fullest range is used), of `ellipsis_mask` makes position i an
    ellipsis, of `new_axis_mask` inserts a dimension of size 1, and of
    `shrink_axis_mask` takes the single index `begin[i]` and removes that
    dimension. Negative `begin`/`end` count from the end of a dimension.
    """
    del var
    graph, x = _input(input_)
    inputs = [x]
    begin = _ints_attr(graph, begin, "begin", "strided_slice", inputs)
    end = _ints_attr(graph, end, "end", "strided_slice", inputs)
    if strides is None:
        strides = (1,) * (len(begin) if isinstance(begin, tuple) else
                          int(inputs[begin.index].shape.as_tuple()[0]))
    strides = _ints_attr(graph, strides, "strides", "strided_slice", inputs)
    attrs = {"begin": begin, "end": end, "strides": strides, "begin_mask": int(begin_mask),
             "end_mask": int(end_mask), "ellipsis_mask": int(ellipsis_mask),
             "new_axis_mask": int(new_axis_mask), "shrink_axis_mask": int(shrink_axis_mask)}
    return make_op(graph, "StridedSlice", inputs, attrs, name=name or "StridedSlice").outputs[0]


def _index_value(idx):
    """A Python int from an index (int, NumPy integer or static scalar int tensor)."""
    if isinstance(idx, (bool, np.bool_)):
        pass
    elif isinstance(idx, (int, np.integer)):
        return int(idx)
    elif isinstance(idx, Tensor) and idx.dtype.is_integer and idx.shape.rank == 0:
        known = static_value(idx)
        return idx if known is None else int(known)  # a tensor: filled in at compile time
    raise TypeError("Only integers, slices (`:`), ellipsis (`...`), tf.newaxis (`None`) and "
                    f"scalar tf.int32/tf.int64 tensors are valid indices, got {idx!r}")


def _getitem(tensor, slice_spec):
    """`tensor[slice_spec]` as one StridedSlice (Python indexing semantics)."""
    if not isinstance(slice_spec, (list, tuple)):
        slice_spec = [slice_spec]
    begin, end, strides = [], [], []
    masks = {"begin_mask": 0, "end_mask": 0, "ellipsis_mask": 0, "new_axis_mask": 0,
             "shrink_axis_mask": 0}
    for i, s in enumerate(slice_spec):
        bit = 1 << i
        if isinstance(s, builtins.slice):
            step = 1 if s.step is None else _index_value(s.step)
            for value, key, out in ((s.start, "begin_mask", begin), (s.stop, "end_mask", end)):
                if value is None:
                    out.append(0)
                    masks[key] |= bit
                else:
                    out.append(_index_value(value))
            strides.append(step)
        elif s is Ellipsis:
            begin.append(0), end.append(0), strides.append(1)
            masks["ellipsis_mask"] |= bit
        elif s is None:
            begin.append(0), end.append(0), strides.append(1)
            masks["new_axis_mask"] |= bit
        else:
            b = _index_value(s)
            begin.append(b), end.append(b + 1), strides.append(1)
            masks["shrink_axis_mask"] |= bit
    return strided_slice(tensor, begin, end, strides, name="strided_slice", **masks)


# ---- reverse --------------------------------------------------------------------

def _reverse_axes(ctx, rank):
    axes = []
    for i, a in enumerate(ctx.attrs["axis"]):
        if not -rank <= a < rank:
            raise ValueError(f"'axis'[{i}] = {a} is out of valid range [0, {rank - 1}")
        a %= rank
        if a in axes:
            raise ValueError(f"axis {a} specified more than once.")
        axes.append(a)
    return axes


def _reverse_shape(ctx):
    if ctx.shapes[0] is not None:
        _reverse_axes(ctx, len(ctx.shapes[0]))
    return [ctx.shapes[0]]


def _reverse_lower(ctx):
    shape = ctx.shapes[0]
    strides = _strides(shape)
    offset = 0
    for a in _reverse_axes(ctx, len(shape)):
        offset += (shape[a] - 1) * strides[a] if shape[a] else 0
        strides[a] = -strides[a]
    return _gather_lower(shape, strides, offset, _itemsize(ctx))


_layout_op("ReverseV2", _reverse_shape, "strided_copy", _reverse_lower,
           lambda inputs, attrs: [np.flip(inputs[0], tuple(attrs["axis"])) if attrs["axis"]
                                  else inputs[0].copy()],
           Accepts("tensor", WITH_STRING), samples.reverse,
           graphdef=NodeMapping(("tensor", AttrInput("axis", "axis", type_attr="Tidx")),
                                [TypeAttr("T", input=0)]))


def reverse(tensor, axis, name=None):
    """Reverses specific dimensions of a tensor.

    Given a `tensor` and an int32/int64 tensor `axis` representing the set of
    dimensions of `tensor` to reverse, reverses each dimension `i` for which
    there exists `j` such that `axis[j] == i`. `axis` may count from the end.
    """
    graph, x = _input(tensor)
    axis = tuple(int(a) for a in _static_ints(axis, "axis", "reverse").reshape(-1))
    return make_op(graph, "ReverseV2", [x], {"axis": axis}, name=name or "ReverseV2").outputs[0]


reverse_v2 = reverse


# ---- tile -------------------------------------------------------------------------

def _tile_shape(ctx):
    shape, mult = ctx.shapes[0], ctx.attrs["multiples"]
    if shape is None:
        return [(None,) * len(mult)]
    if len(shape) != len(mult):
        if _runtime(ctx):
            raise ValueError(f"Expected multiples argument to be a vector of length "
                             f"{len(shape)} but got length {len(mult)}")
        raise ValueError(f"Shape must be rank {len(shape)} but is rank {len(mult)}")
    out = []
    for i, (d, m) in enumerate(zip(shape, mult)):
        if m < 0:
            if _runtime(ctx):
                raise ValueError(f"Expected multiples[{i}] >= 0, but got {m}")
            out.append(None)
        else:
            out.append(None if d is None else d * m)
    return [tuple(out)]


def _tile_lower(ctx):
    shape, mult = ctx.shapes[0], ctx.attrs["multiples"]
    strides = _strides(shape)
    dims, st = [], []
    for d, m, s in zip(shape, mult, strides):
        dims += [m, d]
        st += [0, s]
    return _gather_lower(dims, st, 0, _itemsize(ctx))


_layout_op("Tile", _tile_shape, "strided_copy", _tile_lower,
           lambda inputs, attrs: [np.tile(inputs[0], attrs["multiples"])
                                  if inputs[0].ndim else inputs[0].copy()],
           Accepts("input", WITH_STRING), samples.tile,
           graphdef=NodeMapping(
               ("input", AttrInput("multiples", "multiples", type_attr="Tmultiples",
                                   deferred=True)),
               [TypeAttr("T", input=0)]))


def tile(input, multiples, name=None):  # noqa: A002
    """Constructs a tensor by tiling a given tensor.

    The output tensor's i'th dimension has `input.dims(i) * multiples[i]`
    elements, and the values of `input` are replicated `multiples[i]` times
    along the i'th dimension.
    """
    graph, x = _input(input)
    inputs = [x]
    mult = _ints_attr(graph, multiples, "multiples", "tile", inputs)
    return make_op(graph, "Tile", inputs, {"multiples": mult}, name=name or "Tile").outputs[0]


# ---- pad --------------------------------------------------------------------------

_PAD_MODES = {"CONSTANT": 0, "REFLECT": 1, "SYMMETRIC": 2}


def _pad_shape(ctx):
    shape, paddings, mode = ctx.shapes[0], ctx.attrs["paddings"], ctx.attrs["mode"]
    if shape is None:
        return [(None,) * len(paddings)]
    if len(shape) != len(paddings):
        if _runtime(ctx):
            raise ValueError(f"The first dimension of paddings must be the rank of inputs"
                             f"[{len(paddings)},2] {_fmt(shape)}")
        raise ValueError(f"Shape must be rank {len(paddings)} but is rank {len(shape)}")
    out = []
    for d, (before, after) in zip(shape, paddings):
        if d is not None and _runtime(ctx) and mode != "CONSTANT":
            if mode == "REFLECT" and (before >= d or after >= d):
                raise ValueError(f"paddings must be less than the dimension size: {before}, "
                                 f"{after} not less than {d}")
            if mode == "SYMMETRIC" and (before > d or after > d):
                raise ValueError(f"paddings must be no greater than the dimension size: "
                                 f"{before}, {after} greater than {d}")
        out.append(None if d is None else before + d + after)
    return [tuple(out)]


def _pad_lower(ctx):
    shape = ctx.shapes[0]
    paddings = ctx.attrs["paddings"]
    if not shape:
        shape, paddings = (1,), ((0, 0),)
    return ([len(shape), _itemsize(ctx), _PAD_MODES[ctx.attrs["mode"]]] + list(shape) +
            [p[0] for p in paddings] + [p[1] for p in paddings]), None


def _pad_reference(inputs, attrs):
    x, mode = inputs[0], attrs["mode"]
    pads = [tuple(p) for p in attrs["paddings"]]
    if mode == "CONSTANT":
        return [np.pad(x, pads, mode="constant", constant_values=inputs[1])]
    return [np.pad(x, pads, mode=mode.lower())]


def _paddings_input():
    return AttrInput("paddings", "paddings", type_attr="Tpaddings", deferred=True,
                     decode=lambda v: _pad_pairs(np.asarray(v, np.int64)))


_layout_op("PadV2", _pad_shape, "pad", _pad_lower, _pad_reference, Accepts("input", ALL),
           samples.pad,
           graphdef=NodeMapping(("input", _paddings_input(), "constant_values"),
                                [TypeAttr("T", input=0), Implied("mode", "CONSTANT")]))
_layout_op("MirrorPad", _pad_shape, "pad", _pad_lower, _pad_reference, Accepts("input", ALL),
           samples.mirror_pad,
           graphdef=NodeMapping(("input", _paddings_input()),
                                [TypeAttr("T", input=0), Attr("mode")]))


def pad(tensor, paddings, mode="CONSTANT", name=None, constant_values=0):
    """Pads a tensor.

    `paddings` is an integer tensor with shape `[n, 2]`, where n is the rank
    of `tensor`. For each dimension D of the input, `paddings[D, 0]` indicates
    how many values to add before the contents of `tensor` in that dimension,
    and `paddings[D, 1]` how many after. If `mode` is "REFLECT" then both
    must be no greater than `tensor.dim_size(D) - 1`; if "SYMMETRIC", no
    greater than `tensor.dim_size(D)`. "CONSTANT" pads with `constant_values`.
    `mode` is case-insensitive.
    """
    upper = str(mode).upper()
    if upper not in _PAD_MODES:
        raise ValueError('Value of argument `mode` expected to be one of "CONSTANT", '
                         f'"REFLECT", or "SYMMETRIC". Received `mode` = {mode}')
    graph, x = _input(tensor)
    inputs = [x]
    if upper == "CONSTANT":
        cv = to_tensor(graph, constant_values, dtype=x.dtype)
        if cv.dtype != x.dtype:
            raise TypeError(f"Input 'constant_values' of 'PadV2' Op has type {cv.dtype.name} "
                            f"that does not match type {x.dtype.name} of argument 'input'.")
        if cv.shape.rank not in (None, 0):
            raise ValueError(f"Shape must be rank 0 but is rank {cv.shape.rank}")
        inputs.append(cv)
    attrs = {"paddings": _ints_attr(graph, paddings, "paddings", "pad", inputs, _pad_pairs),
             "mode": upper}
    op_type, default_name = ("PadV2", "Pad") if upper == "CONSTANT" else ("MirrorPad",) * 2
    return make_op(graph, op_type, inputs, attrs, name=name or default_name).outputs[0]


def _pad_pairs(arr):
    """((before, after), ...) from a [n, 2] paddings array, checked as TF does."""
    if arr.ndim != 2 or (arr.size and arr.shape[1] != 2):
        if arr.ndim == 2 or arr.size:
            raise ValueError(f"paddings must be a matrix with 2 columns: "
                             f"{_fmt(arr.shape)}")
        arr = arr.reshape(0, 2)
    if (arr < 0).any():
        raise ValueError("Paddings must be non-negative")
    return tuple((int(a), int(b)) for a, b in arr.reshape(-1, 2))


# ---- broadcast_to -----------------------------------------------------------------

def _broadcast_to_shape(ctx):
    shape, target = ctx.shapes[0], ctx.attrs["shape"]
    for d in target:
        if d < 0:
            raise ValueError(f"Dimension {d} must be >= 0")
    if shape is None:
        return [target]
    if len(shape) > len(target):
        if _runtime(ctx):
            raise ValueError(f"Rank of input ({len(shape)}) must be no greater than rank of "
                             f"output shape ({len(target)}).")
        raise ValueError(f"Shape must be at most rank {len(target)} but is rank {len(shape)}")
    for d, t in zip(shape[::-1], target[::-1]):
        if d is not None and d != 1 and d != t:
            if _runtime(ctx):
                raise ValueError(f"Incompatible shapes: {_fmt(shape)} vs. {_fmt(target)}")
            raise ValueError(f"Dimensions must be equal, but are {d} and {t}")
    return [target]


def _broadcast_to_lower(ctx):
    shape, target = ctx.shapes[0], ctx.out_shapes[0]
    lead = len(target) - len(shape)
    strides = _strides(shape)
    st = [0] * lead + [0 if d == 1 else s for d, s in zip(shape, strides)]
    return _gather_lower(target, st, 0, _itemsize(ctx))


_layout_op("BroadcastTo", _broadcast_to_shape, "strided_copy", _broadcast_to_lower,
           lambda inputs, attrs: [np.broadcast_to(inputs[0], attrs["shape"]).copy()],
           Accepts("input", WITH_STRING), samples.broadcast_to,
           graphdef=NodeMapping(
               ("input", AttrInput("shape", "shape", type_attr="Tidx", deferred=True)),
               [TypeAttr("T", input=0)]))


def broadcast_to(input, shape, name=None):  # noqa: A002
    """Broadcast an array for a compatible shape.

    Broadcasting makes `input`'s shape compatible with `shape` by prepending
    dimensions of size 1 and stretching dimensions of size 1 to the target
    size, as in NumPy.
    """
    graph, x = _input(input)
    inputs = [x]
    target = _ints_attr(graph, shape, "shape", "broadcast_to", inputs)
    return make_op(graph, "BroadcastTo", inputs, {"shape": target},
                   name=name or "BroadcastTo").outputs[0]


# TF's Pad is PadV2 with a zero.
register_graphdef_translation("Pad", lambda inputs, attrs, name: pad(inputs[0], inputs[1],
                                                                     name=name))


# ---- the adjoints of strided_slice and mirror_pad ---------------------------------

def _strided_slice_grad_ctx(ctx):
    """The forward op's context: its input has the shape attr's shape."""
    return InferenceContext(ctx.op, [tuple(ctx.attrs["shape"])], ctx.dtypes, [None], ctx.attrs)


def _strided_slice_grad_shape(ctx):
    shape = tuple(ctx.attrs["shape"])
    _, out = _strided_spec(_strided_slice_grad_ctx(ctx))
    dy = ctx.shapes[0]
    if dy is not None and out is not None and (len(dy) != len(out) or any(
            a is not None and a != b for a, b in zip(dy, out))):
        raise ValueError(f"shape of dy was {_fmt(dy)} instead of {_fmt(out)}")
    return [shape]


def _strided_slice_grad_lower(ctx):
    return _strided_slice_lower(_strided_slice_grad_ctx(ctx))


def _strided_slice_grad_reference(inputs, attrs):
    dy, shape = inputs[0], tuple(attrs["shape"])
    spec, _ = _strided_spec(InferenceContext(None, [shape], [None], [None], attrs))
    out = np.zeros(shape, dy.dtype)
    if out.ndim:
        out[np.ix_(*[b + st * np.arange(n) for b, n, st in spec])] = \
            dy.reshape([n for _, n, _ in spec])
    else:
        out[()] = dy.reshape(())
    return [out]


register(OpDef("StridedSliceGrad", shape=_strided_slice_grad_shape, dtype=_first_dtype,
               kernel="strided_scatter", lower=_strided_slice_grad_lower,
               reference=_strided_slice_grad_reference, dtypes=[Accepts("dy", ALL)],
               samples=samples.strided_slice_grad,
               graphdef=NodeMapping(
                   (AttrInput("shape", "shape", type_attr="Index", deferred=True),
                    AttrInput("begin", "begin", type_attr="Index", deferred=True),
                    AttrInput("end", "end", type_attr="Index", deferred=True),
                    AttrInput("strides", "strides", type_attr="Index", deferred=True), "dy"),
                   [TypeAttr("T", input=0)] + [Attr(m, default=0) for m in (
                       "begin_mask", "end_mask", "ellipsis_mask", "new_axis_mask",
                       "shrink_axis_mask")])))


def strided_slice_grad(shape, begin, end, strides, dy, begin_mask=0, end_mask=0,
                       ellipsis_mask=0, new_axis_mask=0, shrink_axis_mask=0, name=None):
    """Returns the gradient of `StridedSlice`.

    Since `StridedSlice` cuts out pieces of its `input` which is size `shape`,
    its gradient will have the same shape (which is passed here as `shape`).
    The gradient will be zero in any element that the slice does not select.
    """
    graph, g = _input(dy)
    inputs = [g]
    attrs = {"shape": _ints_attr(graph, shape, "shape", "strided_slice_grad", inputs),
             "begin": _ints_attr(graph, begin, "begin", "strided_slice_grad", inputs),
             "end": _ints_attr(graph, end, "end", "strided_slice_grad", inputs),
             "strides": _ints_attr(graph, strides, "strides", "strided_slice_grad", inputs),
             "begin_mask": int(begin_mask), "end_mask": int(end_mask),
             "ellipsis_mask": int(ellipsis_mask), "new_axis_mask": int(new_axis_mask),
             "shrink_axis_mask": int(shrink_axis_mask)}
    return make_op(graph, "StridedSliceGrad", inputs, attrs,
                   name=name or "StridedSliceGrad").outputs[0]


def _unpadded(ctx):
    """MirrorPadGrad's output shape: its input's with the paddings taken off."""
    shape, paddings, mode = ctx.shapes[0], ctx.attrs["paddings"], ctx.attrs["mode"]
    if shape is None:
        return [(None,) * len(paddings)]
    if len(shape) != len(paddings):
        raise ValueError(f"Shape must be rank {len(paddings)} but is rank {len(shape)}")
    out = []
    for d, (before, after) in zip(shape, paddings):
        n = None if d is None else d - before - after
        if n is not None and (n < 0 or (mode == "REFLECT" and (before >= n or after >= n)) or
                              (mode == "SYMMETRIC" and (before > n or after > n))):
            raise ValueError(f"paddings {before}, {after} do not fit a padded dimension of "
                             f"{d} in mode {mode}")
        out.append(n)
    return [tuple(out)]


def _mirror_pad_grad_lower(ctx):
    out = ctx.out_shapes[0]
    paddings = ctx.attrs["paddings"]
    if not out:
        out, paddings = (1,), ((0, 0),)
    return ([len(out), _itemsize(ctx), _PAD_MODES[ctx.attrs["mode"]]] + list(out) +
            [p[0] for p in paddings] + [p[1] for p in paddings]), None


def _mirror_pad_grad_reference(inputs, attrs):
    g, mode = inputs[0], attrs["mode"]
    out = g
    for axis, (before, after) in enumerate(attrs["paddings"]):
        n = out.shape[axis] - before - after
        folded = np.take(out, np.arange(before, before + n), axis=axis)
        skip = 1 if mode == "REFLECT" else 0
        for j in range(before):  # padded position j mirrors position before - j - 1 + skip
            src = before - 1 - j + skip
            idx = [builtins.slice(None)] * out.ndim
            idx[axis] = src
            folded[tuple(idx)] += np.take(out, j, axis=axis)
        for j in range(after):
            src = n - 1 - j - skip
            idx = [builtins.slice(None)] * out.ndim
            idx[axis] = src
            folded[tuple(idx)] += np.take(out, before + n + j, axis=axis)
        out = folded
    return [np.array(out)]


register(OpDef("MirrorPadGrad", shape=_unpadded, dtype=_first_dtype, kernel="mirror_pad_grad",
               lower=_mirror_pad_grad_lower, reference=_mirror_pad_grad_reference,
               dtypes=[Accepts("input", tuple(d for d in ALL if d != dtypes.bool))],
               samples=samples.mirror_pad_grad,
               graphdef=NodeMapping(("input", _paddings_input()),
                                    [TypeAttr("T", input=0), Attr("mode")])))


def mirror_pad_grad(input, paddings, mode, name=None):  # noqa: A002
    """Gradient op for MirrorPad op. This op folds a mirror-padded tensor.

    The folded size of each dimension D of the output is
    `input.dim_size(D) - paddings(D, 0) - paddings(D, 1)`; each padded
    element is added to the element it mirrors.
    """
    graph, g = _input(input)
    inputs = [g]
    attrs = {"paddings": _ints_attr(graph, paddings, "paddings", "mirror_pad_grad", inputs,
                                    _pad_pairs),
             "mode": str(mode).upper()}
    return make_op(graph, "MirrorPadGrad", inputs, attrs, name=name or "MirrorPadGrad").outputs[0]


# ---- gradients (TF's array_grad.py) ------------------------------------------------

def _attr_arg(op, name):
    """Attr `name` of `op`: its value, or the tensor it waits for (AttrFromInput)."""
    value = op.get_attr(name)
    return op.inputs[value.index] if isinstance(value, AttrFromInput) else value


def _shape_arg(t):
    """`t`'s shape: a tuple when it is static, else `tf.shape(t)` (folded per plan)."""
    dims = t.shape.as_tuple()
    if dims is not None and None not in dims:
        return dims
    return shape(t)


def _known_rank(t, op):
    rank = t.shape.rank
    if rank is None:
        raise NotImplementedError(f"the gradient of {op.type} {op.name!r} needs the rank of "
                                  f"{t.name} at graph construction")
    return rank


def _reshape_to(grad, like):
    return reshape(grad, _shape_arg(like))


def _pass_through(op, grad):
    return [grad] + [None] * (len(op.inputs) - 1)


def _reshape_like_input(op, grad):
    return [_reshape_to(grad, op.inputs[0])] + [None] * (len(op.inputs) - 1)


RegisterGradient("PlaceholderWithDefault")(_pass_through)
for _t in ("Reshape", "ExpandDims", "Squeeze"):
    RegisterGradient(_t)(_reshape_like_input)
for _t in ("StopGradient", "Shape", "Placeholder", "NoOp"):
    NotDifferentiable(_t)


@RegisterGradient("PreventGradient")
def _prevent_gradient_grad(op, _):
    raise LookupError(f"Gradient explicitly disabled. Reason: {op.get_attr('message')}")


def _int32(value):
    """An int32 tensor of an int tensor or of a static tuple."""
    from .elementwise import cast  # elementwise builds on this module
    if isinstance(value, Tensor):
        return value if value.dtype == dtypes.int32 else cast(value, dtypes.int32)
    return np.asarray(value, np.int32)


def _concat_grad(op, grad):
    """The slices of the gradient at each input's place (TF's _ConcatGradHelper)."""
    from .elementwise import add, multiply
    values = op.inputs
    rank = _known_rank(values[0], op)
    a = op.get_attr("axis") % rank
    shapes = [v.shape.as_tuple() for v in values]
    if all(s is not None and s[a] is not None for s in shapes):
        return list(split(grad, [s[a] for s in shapes], axis=a))
    # Sizes known only at run time: each input's slice starts at the sum of the
    # sizes before it (TF's ConcatOffset), computed from shapes and folded per plan.
    along = np.zeros(rank, np.int32)
    along[a] = 1
    out, offset = [], np.zeros(rank, np.int32)
    for v in values:
        out.append(slice(grad, offset, shape(v)))
        offset = add(offset, multiply(shape(v), along))
    return out


RegisterGradient("ConcatV2")(_concat_grad)


@RegisterGradient("Pack")
def _pack_grad(op, grad):
    return unstack(grad, num=len(op.inputs), axis=op.get_attr("axis"))


@RegisterGradient("Unpack")
def _unpack_grad(op, *grads):
    if any(g is None for g in grads):
        return [None]
    return [stack(list(grads), axis=op.get_attr("axis"))]


def _split_grad(op, *grads):
    if any(g is None for g in grads):
        return [None] * len(op.inputs)
    return [concat(list(grads), axis=op.get_attr("axis"))] + [None] * (len(op.inputs) - 1)


RegisterGradient("Split")(_split_grad)
RegisterGradient("SplitV")(_split_grad)


@RegisterGradient("Slice")
def _slice_grad(op, grad):
    """Pads the gradient with zeros around the slice, as TF's _SliceGrad."""
    from .elementwise import subtract
    x = op.inputs[0]
    begin = _attr_arg(op, "begin")
    in_shape, out_shape = _shape_arg(x), _shape_arg(op.outputs[0])
    if all(isinstance(v, tuple) for v in (begin, in_shape, out_shape)):
        paddings = [(b, d - b - n) for b, d, n in zip(begin, in_shape, out_shape)]
    else:
        begin = _int32(begin)
        after = subtract(subtract(shape(x), begin), shape(op.outputs[0]))
        paddings = stack([begin, after], axis=1)
    return [pad(grad, paddings)] + [None] * (len(op.inputs) - 1)


@RegisterGradient("StridedSlice")
def _strided_slice_grad(op, grad):
    kw = {m: op.get_attr(m) for m in ("begin_mask", "end_mask", "ellipsis_mask",
                                      "new_axis_mask", "shrink_axis_mask")}
    dx = strided_slice_grad(_shape_arg(op.inputs[0]), _attr_arg(op, "begin"),
                            _attr_arg(op, "end"), _attr_arg(op, "strides"), grad, **kw)
    return [dx] + [None] * (len(op.inputs) - 1)


@RegisterGradient("StridedSliceGrad")
def _strided_slice_grad_grad(op, grad):
    """StridedSliceGrad is linear: its gradient is the strided slice itself."""
    kw = {m: op.get_attr(m) for m in ("begin_mask", "end_mask", "ellipsis_mask",
                                      "new_axis_mask", "shrink_axis_mask")}
    dy = strided_slice(grad, _attr_arg(op, "begin"), _attr_arg(op, "end"),
                       _attr_arg(op, "strides"), **kw)
    return [dy] + [None] * (len(op.inputs) - 1)


@RegisterGradient("Tile")
def _tile_grad(op, grad):
    """Sums the tiles: grad reshaped to [m0, d0, m1, d1, ...], summed over the m's."""
    from .reduction_ops import reduce_sum
    x = op.inputs[0]
    rank = _known_rank(x, op)
    multiples, in_shape = _attr_arg(op, "multiples"), _shape_arg(x)
    if isinstance(multiples, tuple) and isinstance(in_shape, tuple):
        split_shape = [d for pair in zip(multiples, in_shape) for d in pair]
    else:
        split_shape = reshape(transpose(stack([_int32(multiples), shape(x)])), [-1])
    if rank == 0:
        return [grad] + [None] * (len(op.inputs) - 1)
    summed = reduce_sum(reshape(grad, split_shape), axis=list(range(0, 2 * rank, 2)))
    return [_reshape_to(summed, x)] + [None] * (len(op.inputs) - 1)


@RegisterGradient("Transpose")
def _transpose_grad(op, grad):
    rank = _known_rank(op.inputs[0], op)
    perm = [p % rank for p in _perm_of(op.attrs, rank)]
    return [transpose(grad, list(np.argsort(perm)))]


@RegisterGradient("ReverseV2")
def _reverse_grad(op, grad):
    return [reverse(grad, op.get_attr("axis"))]


def _pad_before(op):
    paddings = _attr_arg(op, "paddings")
    if isinstance(paddings, tuple):
        return tuple(b for b, _ in paddings)
    return reshape(slice(paddings, [0, 0], [-1, 1]), [-1])


@RegisterGradient("PadV2")
def _pad_grad(op, grad):
    """The slice of the gradient under the input; no gradient for
    `constant_values`, as TF's _PadV2Grad."""
    x = op.inputs[0]
    dx = slice(grad, _pad_before(op), _shape_arg(x))
    return [dx] + [None] * (len(op.inputs) - 1)


@RegisterGradient("MirrorPad")
def _mirror_pad_grad(op, grad):
    return [mirror_pad_grad(grad, _attr_arg(op, "paddings"), op.get_attr("mode"))] + \
        [None] * (len(op.inputs) - 1)


@RegisterGradient("MirrorPadGrad")
def _mirror_pad_grad_grad(op, grad):
    return [pad(grad, _attr_arg(op, "paddings"), mode=op.get_attr("mode"))] + \
        [None] * (len(op.inputs) - 1)


@RegisterGradient("BroadcastTo")
def _broadcast_to_grad(op, grad):
    """Sums the gradient over the broadcast dimensions (BroadcastGradientArgs
    of the input's and the output's shapes, folded per plan)."""
    from .elementwise import sum_to_input
    return [sum_to_input(grad, op.inputs[0], [op.outputs[0]])] + [None] * (len(op.inputs) - 1)



# ---- check_numerics ---------------------------------------------------------------
# TF's CheckNumerics is stateful: never folded or merged, so the check runs
# whenever its output is computed.

def _np_check_numerics(inputs, attrs):
    x = inputs[0]
    nan, inf = bool(np.isnan(x).any()), bool(np.isinf(x).any())
    if nan or inf:
        what = "Inf and NaN" if nan and inf else "NaN" if nan else "Inf"
        raise errors.InvalidArgumentError(None, None, f"{attrs['message']} : Tensor had "
                                                      f"{what} values")
    return [x.copy()]


def _check_numerics_lower(ctx):
    data = ctx.attrs["message"].encode("utf-8")
    return [len(data)] + list(data), None


register(OpDef("CheckNumerics", shape=lambda ctx: [ctx.shapes[0]],
               dtype=lambda ctx: [ctx.dtypes[0]], kernel="check_numerics",
               lower=_check_numerics_lower, reference=_np_check_numerics, stateful=True,
               dtypes=[Accepts("tensor", (dtypes.float32, dtypes.float64))],
               samples=samples.check_numerics,
               graphdef=NodeMapping(("tensor",), [TypeAttr("T", input=0), Attr("message")])))


def check_numerics(tensor, message, name=None):
    """Checks a tensor for NaN and Inf values.

    When run, reports an `InvalidArgument` error if `tensor` has any values
    that are not a number (NaN) or infinity (Inf). Otherwise, returns the
    input tensor unmodified.
    """
    graph = graph_of([tensor])
    x = to_tensor(graph, tensor)
    return make_op(graph, "CheckNumerics", [x], {"message": str(message)},
                   name=name or "CheckNumerics").outputs[0]


@RegisterGradient("CheckNumerics")
def _check_numerics_grad(op, grad):
    """TF's: the gradient is checked too."""
    return [check_numerics(grad, "Not a number (NaN) or infinity (Inf) values detected in "
                                 f"gradient. {op.get_attr('message')}")]
