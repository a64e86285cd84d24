"""Static shapes from shape arguments known in part, as TF infers them at
build time (`tensor_util.constant_value_as_shape`): `tf.stack([n, 3])` with
a fed `n` is the shape `(None, 3)`, `tf.concat([[n], [4, 5]], 0)` is
`(None, 4, 5)`, `tf.shape(x)[:2]` is x's first two dims.

`refine` narrows the output shape of the ops whose output shape is such an
argument (Reshape, Fill, BroadcastTo, the random ops, conv2d_transpose's
output_shape) when create_op could not infer it from the argument's value.
"""

import numpy as np

from .op_registry import AttrFromInput
from .static_values import constant_value
from .tensor_shape import TensorShape

__all__ = ["constant_value_as_shape", "refine"]


def constant_value_as_shape(tensor):
    """The TensorShape that the 1-D int tensor `tensor` is known to hold at
    graph construction (None dims for the parts known only at run time)."""
    value = constant_value(tensor)
    if value is not None:
        if np.ndim(value) != 1:
            return TensorShape(None)
        return TensorShape([None if int(d) < 0 else int(d) for d in np.asarray(value)])
    op = tensor.op
    if op.type == "Shape":
        return op.inputs[0].shape
    if op.type == "Cast":
        return constant_value_as_shape(op.inputs[0])
    if op.type == "Pack" and op.attrs.get("axis", 0) == 0:
        dims = []
        for t in op.inputs:
            v = constant_value(t)
            dims.append(None if v is None or np.ndim(v) != 0 or int(v) < 0 else int(v))
        return TensorShape(dims)
    if op.type == "ConcatV2" and op.attrs.get("axis") in (0, -1) and \
            not isinstance(op.attrs.get("axis"), AttrFromInput):
        dims = []
        for t in op.inputs:
            part = constant_value_as_shape(t)
            if part.rank is None:
                return _unknown_of(tensor)
            dims.extend(part.as_tuple())
        return TensorShape(dims)
    if op.type == "StridedSlice":
        sliced = _sliced_shape(op)
        if sliced is not None:
            return sliced
    return _unknown_of(tensor)


def _unknown_of(tensor):
    n = tensor.shape.as_tuple()
    if n is not None and len(n) == 1 and n[0] is not None:
        return TensorShape([None] * n[0])
    return TensorShape(None)


def _sliced_shape(op):
    """`tf.shape(x)[a:b:c]` of a shape known in part (1-D slices only)."""
    attrs = op.attrs
    if op.inputs[0].op.type != "Shape" or any(
            isinstance(attrs[k], AttrFromInput) for k in ("begin", "end", "strides")):
        return None
    if attrs["ellipsis_mask"] or attrs["new_axis_mask"] or attrs["shrink_axis_mask"] or \
            len(attrs["begin"]) != 1:
        return None
    dims = op.inputs[0].op.inputs[0].shape.as_tuple()
    if dims is None:
        return None
    start = None if attrs["begin_mask"] & 1 else attrs["begin"][0]
    stop = None if attrs["end_mask"] & 1 else attrs["end"][0]
    return TensorShape(list(dims[slice(start, stop, attrs["strides"][0])]))


# op type -> where its output shape comes from: ("input", index) or ("attr", name)
_OUTPUT_SHAPE_ARGUMENT = {
    "Reshape": ("input", 1),
    "Fill": ("input", 0),
    "BroadcastTo": ("attr", "shape"),
    "RandomUniform": ("input", 0),
    "RandomStandardNormal": ("input", 0),
    "TruncatedNormal": ("input", 0),
    "RandomUniformInt": ("input", 0),
    "Conv2DBackpropInput": ("attr", "output_shape"),
    "ScatterNd": ("attr", "shape"),
}


def refine(op_type, inputs, attrs, out_shapes):
    """`out_shapes` with the first narrowed by the op's shape argument known
    in part (unchanged for other ops, and where the two disagree)."""
    where = _OUTPUT_SHAPE_ARGUMENT.get(op_type)
    if where is None or not out_shapes:
        return out_shapes
    first = out_shapes[0]
    if first is not None and None not in first:
        return out_shapes
    kind, key = where
    if kind == "attr":
        marker = attrs.get(key)
        if not isinstance(marker, AttrFromInput):
            return out_shapes
        key = marker.index
    if key >= len(inputs):
        return out_shapes
    hint = constant_value_as_shape(inputs[key])
    if hint.rank is None:
        return out_shapes
    dims = list(hint.as_tuple())
    if op_type == "Reshape":
        dims = _reshape_dims(inputs[0].shape.as_tuple(), dims, constant_value(inputs[key]))
        if dims is None:
            return out_shapes
    known = TensorShape(first)
    try:
        merged = known.merge_with(TensorShape(dims))
    except ValueError:
        return out_shapes
    return [merged.as_tuple()] + list(out_shapes[1:])


def _reshape_dims(in_dims, dims, value):
    # A -1 in a value known in part is None here; with every other dim and
    # the input's size known it is their quotient, as TF's shape fn gives.
    if value is not None:
        return None  # known in full: Reshape's own shape function had it
    unknown = [i for i, d in enumerate(dims) if d is None]
    if len(unknown) == 1 and in_dims is not None and None not in in_dims:
        rest = int(np.prod([d for d in dims if d is not None], dtype=np.int64))
        total = int(np.prod(in_dims, dtype=np.int64))
        if rest and total % rest == 0:
            dims[unknown[0]] = total // rest
    return dims
