"""NodeDef attr values between their Python form (what `NodeMapping` rules
read and write: DType, TensorShape, NumPy arrays, ints, floats, bools,
strings, lists) and TF's `AttrValue`, `TensorProto` and `TensorShapeProto`.

Reading is of untrusted bytes: every count and size is checked, and a
malformed value raises ValueError naming what is wrong.
"""

import numbers

import numpy as np

from . import dtypes
from .graph_protos import AttrValue, TensorProto, TensorShapeProto
from .tensor_shape import TensorShape

__all__ = ["attr_value", "python_value", "tensor_proto", "ndarray_of", "shape_proto",
           "shape_of", "make_tensor_proto", "make_ndarray", "MAX_TENSOR_BYTES"]

# A tensor read from a file bigger than this is refused rather than allocated
# (a forged shape of 10^12 elements with one value to repeat).
MAX_TENSOR_BYTES = 1 << 33


# TF's handle dtypes: fastgraph reads a resource handle as the resource
# itself (a variable), so these name the kind of a function's argument only.
_HANDLE_TYPES = {20: "resource", 21: "variant"}


def _dtype(enum):
    if int(enum) in _HANDLE_TYPES:
        return _HANDLE_TYPES[int(enum)]
    try:
        dt = dtypes.as_dtype(int(enum))
    except TypeError:
        dt = None
    if dt is None:
        raise NotImplementedError(f"TF dtype enum {enum} has no fastgraph dtype")
    return dt


def shape_proto(shape):
    """A TensorShapeProto of a TensorShape, a list/tuple (None dims unknown)
    or None (unknown rank)."""
    if not isinstance(shape, TensorShape):
        shape = TensorShape(shape)
    if shape.rank is None:
        return TensorShapeProto(unknown_rank=True)
    return TensorShapeProto(dim=[TensorShapeProto.Dim(size=-1 if d is None else d)
                                 for d in shape.as_list()])


def shape_of(proto):
    """A TensorShapeProto as a list (None for unknown dims), or None for
    unknown rank."""
    if proto.unknown_rank:
        return None
    dims = []
    for d in proto.dim:
        if d.size < -1:
            raise ValueError(f"Shape has a dimension of size {d.size}")
        dims.append(None if d.size == -1 else int(d.size))
    return dims


def _fill_typed(proto, flat, dt):
    """The values of a tensor in TF's typed fields (as TF writes small
    tensors and scalars)."""
    kind = dt.np_dtype
    if kind == np.float32:
        proto.float_val.extend(float(v) for v in flat)
    elif kind == np.float64:
        proto.double_val.extend(float(v) for v in flat)
    elif kind == np.int64:
        proto.int64_val.extend(int(v) for v in flat)
    elif kind == np.bool_:
        proto.bool_val.extend(bool(v) for v in flat)
    elif kind == np.float16:
        proto.half_val.extend(int(v) for v in flat.view(np.uint16))
    else:
        proto.int_val.extend(int(v) for v in flat)


def tensor_proto(value, dtype=None):
    """A TensorProto of a NumPy array (strings: an object or bytes array).
    Numbers go in `tensor_content` (little-endian), scalars in the typed
    field, as TF's `make_tensor_proto` writes them."""
    arr = np.asarray(value)
    dt = dtype or (dtypes.string if arr.dtype.kind in "OUS" else dtypes.as_dtype(arr.dtype))
    proto = TensorProto(dtype=dt.as_datatype_enum, tensor_shape=shape_proto(list(arr.shape)))
    if dt is dtypes.string:
        for v in arr.reshape(-1):
            proto.string_val.append(v.encode() if isinstance(v, str) else bytes(v))
        return proto
    arr = np.ascontiguousarray(arr, dtype=dt.np_dtype.newbyteorder("<"))
    if arr.size == 1:
        _fill_typed(proto, arr.reshape(-1), dt)
    elif arr.size:
        proto.tensor_content = arr.tobytes()
    return proto


def ndarray_of(proto):
    """A TensorProto as a NumPy array (strings as an object array of bytes)."""
    dt = _dtype(proto.dtype)
    shape = shape_of(proto.tensor_shape) if proto.HasField("tensor_shape") else []
    if shape is None or any(d is None for d in shape):
        raise ValueError("A TensorProto's shape must be fully defined")
    n = 1
    for d in shape:
        n *= d
    itemsize = 8 if dt is dtypes.string else dt.np_dtype.itemsize
    if n * itemsize > MAX_TENSOR_BYTES:
        raise ValueError(f"TensorProto of shape {shape} is too large ({n} elements)")
    if dt is dtypes.string:
        vals = list(proto.string_val)
        if len(vals) not in (n, 1) and not (n == 0 and not vals):
            raise ValueError(f"TensorProto of shape {shape} has {len(vals)} strings")
        out = np.empty(n, dtype=object)
        for i in range(n):
            out[i] = vals[i] if len(vals) == n else vals[0]
        return out.reshape(shape)
    np_dtype = dt.np_dtype.newbyteorder("<")
    if proto.tensor_content:
        data = proto.tensor_content
        if len(data) != n * dt.np_dtype.itemsize:
            raise ValueError(f"TensorProto of shape {shape} and dtype {dt.name} has "
                             f"{len(data)} bytes of tensor_content, not "
                             f"{n * dt.np_dtype.itemsize}")
        return np.frombuffer(data, dtype=np_dtype).astype(dt.np_dtype).reshape(shape)
    kind = dt.np_dtype
    if kind == np.float32:
        vals = proto.float_val
    elif kind == np.float64:
        vals = proto.double_val
    elif kind == np.int64:
        vals = proto.int64_val
    elif kind == np.bool_:
        vals = proto.bool_val
    elif kind == np.float16:
        vals = np.asarray([v & 0xFFFF for v in proto.half_val], np.uint16).view(np.float16)
    else:
        vals = proto.int_val
    if len(vals) > n:
        raise ValueError(f"TensorProto of shape {shape} has {len(vals)} values")
    if kind == np.float16:
        arr = np.asarray(vals)
    else:
        src = np.float64 if dt.is_floating else np.int64
        with np.errstate(over="ignore", invalid="ignore"):
            arr = np.asarray(list(vals), dtype=src).astype(dt.np_dtype)
    if arr.size == n:
        return arr.astype(dt.np_dtype).reshape(shape)
    # TF stores a repeated last value only once: fill the rest with it.
    out = np.full(n, arr[-1] if arr.size else 0, dtype=dt.np_dtype)
    out[:arr.size] = arr
    return out.reshape(shape)


def attr_value(value):
    """The AttrValue of a Python attr value (as `NodeMapping.write` gives
    them): DType -> type, bool -> b, int -> i, float -> f, str/bytes -> s,
    TensorShape -> shape, ndarray -> tensor, list/tuple -> list."""
    if isinstance(value, AttrValue):
        return value
    if isinstance(value, dtypes.DType):
        return AttrValue(type=value.as_datatype_enum)
    if isinstance(value, (bool, np.bool_)):
        return AttrValue(b=bool(value))
    if isinstance(value, numbers.Integral):
        return AttrValue(i=int(value))
    if isinstance(value, numbers.Real):
        return AttrValue(f=float(value))
    if isinstance(value, (str, bytes)):
        return AttrValue(s=value)
    if isinstance(value, TensorShape):
        return AttrValue(shape=shape_proto(value))
    if isinstance(value, np.ndarray):
        return AttrValue(tensor=tensor_proto(value))
    if isinstance(value, (list, tuple)):
        lv = AttrValue.ListValue()
        for v in value:
            if isinstance(v, dtypes.DType):
                lv.type.append(v.as_datatype_enum)
            elif isinstance(v, (bool, np.bool_)):
                lv.b.append(bool(v))
            elif isinstance(v, numbers.Integral):
                lv.i.append(int(v))
            elif isinstance(v, numbers.Real):
                lv.f.append(float(v))
            elif isinstance(v, (str, bytes)):
                lv.s.append(v.encode() if isinstance(v, str) else v)
            elif isinstance(v, TensorShape):
                lv.shape.append(shape_proto(v))
            elif isinstance(v, np.ndarray):
                lv.tensor.append(tensor_proto(v))
            else:
                raise TypeError(f"no AttrValue list element for {v!r}")
        return AttrValue(list=lv)
    raise TypeError(f"no AttrValue for {value!r}")


def python_value(av):
    """An AttrValue as the Python value `NodeMapping.read` takes: strings as
    str, shapes as lists (None: unknown rank), tensors as NumPy arrays,
    types as DType, lists as lists. An AttrValue holding nothing raises
    ValueError, as TF's importer (no attr of any type is empty)."""
    which = av.WhichOneof("value")
    if which is None:
        raise ValueError("AttrValue missing value")
    if which == "s":
        return av.s.decode("utf-8", "replace")
    if which in ("i", "f", "b"):
        return getattr(av, which)
    if which == "type":
        return _dtype(av.type)
    if which == "shape":
        return shape_of(av.shape)
    if which == "tensor":
        return ndarray_of(av.tensor)
    if which == "list":
        lv = av.list
        if lv.i:
            return list(lv.i)
        if lv.s:
            return [s.decode("utf-8", "replace") for s in lv.s]
        if lv.f:
            return list(lv.f)
        if lv.b:
            return list(lv.b)
        if lv.type:
            return [_dtype(t) for t in lv.type]
        if lv.shape:
            return [shape_of(s) for s in lv.shape]
        if lv.tensor:
            return [ndarray_of(t) for t in lv.tensor]
        if lv.func:
            return list(lv.func)
        return []
    return av.placeholder if which == "placeholder" else av.func


def make_tensor_proto(values, dtype=None, shape=None):
    """Create a TensorProto from `values` (a NumPy array or what converts to
    one), of `dtype` and reshaped to `shape` when given."""
    dt = None if dtype is None else dtypes.as_dtype(dtype)
    arr = np.asarray(values, dtype=None if dt is None or dt is dtypes.string else dt.np_dtype)
    if arr.dtype == np.float64 and dt is None and not isinstance(values, np.ndarray):
        arr = arr.astype(np.float32)  # Python floats are float32, as in TF
    if arr.dtype == np.int64 and dt is None and not isinstance(values, np.ndarray):
        arr = arr.astype(np.int32)
    if shape is not None:
        arr = np.broadcast_to(arr, tuple(shape)) if arr.size == 1 else arr.reshape(shape)
    return tensor_proto(arr, dt)


def make_ndarray(tensor):
    """Create a numpy ndarray from a tensor (a TensorProto)."""
    return ndarray_of(tensor)
