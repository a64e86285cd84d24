"""Nested structures of dataset elements, as `tf.nest` sees them: tuples,
lists, namedtuples and dicts (sorted by key) of leaves, and the
`TensorSpec` (framework/tensor_spec.py) that describes one leaf of a
dataset's `element_spec`."""

import numpy as np

from ..framework import dtypes, nest
from ..framework.constant_op import convert_to_tensor, to_numpy
from ..framework.graph import Tensor
from ..framework.tensor_shape import TensorShape
from ..framework.tensor_spec import TensorSpec

__all__ = ["TensorSpec"]


def _is_namedtuple(x):
    return isinstance(x, tuple) and hasattr(type(x), "_fields")


# tf.nest's own: dataset elements nest as tf.nest sees them.
is_nested = nest.is_nested
flatten = nest.flatten
pack_sequence_as = nest.pack_sequence_as
map_structure = nest.map_structure


def same_structure(a, b):
    """Whether `a` and `b` nest the same way (leaves may differ)."""
    if isinstance(a, dict) or isinstance(b, dict):
        return isinstance(a, dict) and isinstance(b, dict) and sorted(a) == sorted(b) and \
            all(same_structure(a[k], b[k]) for k in a)
    if isinstance(a, (tuple, list)) or isinstance(b, (tuple, list)):
        return isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)) and \
            len(a) == len(b) and all(same_structure(x, y) for x, y in zip(a, b))
    return True


def normalize_element(value):
    """A Python structure of leaves as tf.data reads it: tuples, namedtuples
    and dicts are structures, a list is one leaf (a tensor packed from its
    items when it holds tensors, else an array)."""
    if isinstance(value, dict):
        return {k: normalize_element(v) for k, v in value.items()}
    if _is_namedtuple(value):
        return type(value)(*[normalize_element(v) for v in value])
    if isinstance(value, tuple):
        return tuple(normalize_element(v) for v in value)
    if isinstance(value, list):
        if any(isinstance(v, Tensor) for v in flatten(value)):
            return convert_to_tensor(value)
        return as_array(value)[0]
    return value


def leaves_like(value, structure):
    """The leaves of `value` taken along `structure` (a leaf of `structure`
    takes what `value` has there, even a list; a leaf of `value` where
    `structure` nests is repeated for each leaf below)."""
    if isinstance(structure, dict):
        if isinstance(value, dict):
            return [x for k in sorted(structure) for x in leaves_like(value[k], structure[k])]
        return [value] * len(flatten(structure))
    if isinstance(structure, (tuple, list)):
        if isinstance(value, tuple):
            if len(value) != len(structure):
                raise ValueError("The two structures don't have the same sequence length.")
            return [x for v, s in zip(value, structure) for x in leaves_like(v, s)]
        return [value] * len(flatten(structure))
    return [value]


def as_array(value, dtype=None):
    """A Python or NumPy leaf value as (ndarray, DType), with TF's inference
    rules; strings become object arrays of bytes."""
    if isinstance(value, Tensor):
        raise TypeError("as_array takes values, not tensors")
    dtype = None if dtype is None else dtypes.as_dtype(dtype)
    arr = np.asarray(value) if not isinstance(value, np.ndarray) else value
    if dtype == dtypes.string or (dtype is None and (arr.dtype == object or arr.dtype.kind in "SU")):
        out = np.empty(arr.shape, dtype=object)
        flat_in, flat_out = arr.reshape(-1), out.reshape(-1)
        for i, v in enumerate(flat_in):
            if isinstance(v, str):
                v = v.encode("utf-8")
            elif isinstance(v, (bytes, np.bytes_)):
                v = bytes(v)
            else:
                raise TypeError(f"Failed to convert elements of {value!r} to Tensor.")
            flat_out[i] = v
        return out, dtypes.string
    return to_numpy(value, dtype)


def spec_shape(shape):
    """`shape` as a TensorShape (None: unknown rank)."""
    return TensorShape(shape) if not isinstance(shape, TensorShape) else shape


def specs_from(types, shapes):
    """A nested TensorSpec from TF1's output_types/output_shapes."""
    types = normalize_element(types)
    if shapes is None:
        shapes = map_structure(lambda _: TensorShape(None), types)
    else:
        shapes = shape_structure(shapes, types)
    flat_t, flat_s = flatten(types), flatten(shapes)
    return pack_sequence_as(types, [TensorSpec(s, t) for t, s in zip(flat_t, flat_s)])


def shape_structure(shapes, like):
    """`shapes` (with lists/tuples of dims as leaves) nested as `like`."""
    if isinstance(like, dict):
        return {k: shape_structure(shapes[k], like[k]) for k in like}
    if isinstance(like, (tuple, list)):
        if len(shapes) != len(like):
            raise ValueError("The two structures don't have the same sequence length.")
        return type(like)(shape_structure(s, x) for s, x in zip(shapes, like)) \
            if not hasattr(type(like), "_fields") else \
            type(like)(*[shape_structure(s, x) for s, x in zip(shapes, like)])
    return shapes if isinstance(shapes, TensorShape) else TensorShape(shapes)
