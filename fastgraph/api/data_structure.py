"""Nested structures of dataset elements, as `tf.nest` sees them: tuples,
lists, namedtuples and dicts (sorted by key) of leaves, and the
`TensorSpec` (framework/tensor_spec.py) that describes one leaf of a
dataset's `element_spec`."""

import numpy as np

from ..framework import dtypes
from ..framework.constant_op import convert_to_tensor, to_numpy
from ..framework.graph import Tensor
from ..framework.tensor_shape import TensorShape
from ..framework.tensor_spec import TensorSpec

__all__ = ["TensorSpec"]


def _is_namedtuple(x):
    return isinstance(x, tuple) and hasattr(type(x), "_fields")


def is_nested(x):
    """Whether `x` is a structure (tuple, list, dict) rather than a leaf."""
    return isinstance(x, (tuple, list, dict))


def flatten(x):
    """The leaves of `x` in tf.nest's order (dicts by sorted key)."""
    if isinstance(x, dict):
        return [leaf for k in sorted(x) for leaf in flatten(x[k])]
    if isinstance(x, (tuple, list)):
        return [leaf for v in x for leaf in flatten(v)]
    return [x]


def pack_sequence_as(structure, leaves):
    """`leaves` (a flat list) arranged as `structure`."""
    it = iter(leaves)

    def build(s):
        if isinstance(s, dict):
            built = {k: build(s[k]) for k in sorted(s)}
            return type(s)((k, built[k]) for k in s) if type(s) is not dict else \
                {k: built[k] for k in s}
        if _is_namedtuple(s):
            return type(s)(*[build(v) for v in s])
        if isinstance(s, (tuple, list)):
            return type(s)(build(v) for v in s)
        return next(it)

    return build(structure)


def map_structure(fn, structure):
    """`structure` with each leaf replaced by `fn(leaf)`."""
    return pack_sequence_as(structure, [fn(x) for x in flatten(structure)])


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
