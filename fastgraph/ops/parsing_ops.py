"""Parsing ops: ParseExampleV2 (`tf.io.parse_example`,
`tf.io.parse_single_example` and their TF1 names) with FixedLenFeature,
VarLenFeature and FixedLenSequenceFeature, DecodeRaw, DecodeCSV,
SerializeTensor, ParseTensor and DecodeCompressed (SequenceExamples are
sequence_example_ops.py's).

They take strings, so the session computes them on the host through their
NumPy `reference` (staged_run.py). Serialized protos are read straight off
the wire (`protobuf_wire`), as TF's fast parser does: a feature key seen
twice in one Example keeps its first value. Everything read is untrusted:
malformed bytes raise InvalidArgumentError with TF's message, never
anything else.
"""

import base64
import collections
import gzip
import math
import re
import struct
import zlib

import numpy as np

from .. import protobuf_wire as wire
from .._native import wire as _native_wire
from ..framework import dtypes, errors
from ..framework.attr_values import ndarray_of
from ..framework.graph import Tensor
from ..framework.graph_protos import TensorProto
from ..framework.graphdef_mapping import Attr, Fixed, InputList, NodeMapping, TypeAttr
from ..framework.op_registry import Accepts, NotDifferentiable, OpDef, register
from ..framework.sparse_tensor import SparseTensor
from ..framework.tensor_shape import TensorShape, as_shape
from ..framework.example_protos import Example, Feature, Features, FloatList, Int64List, \
    BytesList
from . import samples
from .array_ops import reshape
from .arguments import graph_of, to_tensor
from .io_ops import string_tensor
from .summary_ops import tensor_proto

__all__ = ["FixedLenFeature", "VarLenFeature", "FixedLenSequenceFeature", "parse_example",
           "parse_single_example", "decode_raw", "decode_csv",
           "serialize_tensor", "parse_tensor", "decode_compressed"]
IO = list(__all__)

_PARSED_TYPES = (dtypes.float32, dtypes.int64, dtypes.string)


class FixedLenFeature(collections.namedtuple(
        "FixedLenFeature", ["shape", "dtype", "default_value"])):
    """Configuration for parsing a fixed-length input feature.

    Fields:
      shape: Shape of input data.
      dtype: Data type of input.
      default_value: Value to be used if an example is missing this feature.
        It must be compatible with `dtype` and of the specified `shape`.
    """

    def __new__(cls, shape, dtype, default_value=None):
        return super().__new__(cls, shape, dtype, default_value)


class VarLenFeature(collections.namedtuple("VarLenFeature", ["dtype"])):
    """Configuration for parsing a variable-length input feature (parsed
    as a SparseTensor).

    Fields:
      dtype: Data type of input.
    """


class FixedLenSequenceFeature(collections.namedtuple(
        "FixedLenSequenceFeature", ["shape", "dtype", "allow_missing", "default_value"])):
    """Configuration for parsing a variable-length input feature into a
    `Tensor`: each example holds a multiple of prod(shape) values, and a
    batch is padded to its longest with `default_value`.

    Fields:
      shape: Shape of input data for dimension 2 and higher.
      dtype: Data type of input.
      allow_missing: Whether to allow this feature to be missing from a
        feature list item. Must be True.
      default_value: Scalar value to be used to pad multiple `Example`s to
        their maximum length.
    """

    def __new__(cls, shape, dtype, allow_missing=False, default_value=None):
        return super().__new__(cls, shape, dtype, allow_missing, default_value)


# ---- the wire --------------------------------------------------------------------

_KINDS = {1: dtypes.string, 2: dtypes.float32, 3: dtypes.int64}  # Feature's oneof fields


def _wire_fields(data):
    try:
        return list(wire.fields(data))
    except (IndexError, struct.error, ValueError):
        raise ValueError("malformed") from None


def _feature_values(data):
    """(dtype or None, values) of a serialized Feature: the last kind set,
    as protobuf reads a oneof; values are a list of bytes, or a float32 or
    int64 array (scanned in C: fastgraph/_native/wire.pyx)."""
    kind, values = _native_wire.feature_values(data)
    return _KINDS.get(kind), values


def _features_map(data, into):
    """Adds the {key: serialized Feature} entries of serialized Features
    `data` to `into`, keeping the first of a repeated key."""
    for n, w, v in _wire_fields(data):
        if n != 1:
            continue
        if w != 2:
            raise ValueError("malformed")
        key, value = b"", b""
        for m, mw, mv in _wire_fields(v):
            if mw != 2 and m in (1, 2):
                raise ValueError("malformed")
            if m == 1:
                key = mv
            elif m == 2:
                value = mv
        into.setdefault(key, value)


def _example_features(data):
    """{key (bytes): serialized Feature} of a serialized Example."""
    return _native_wire.example_features(data)


def _type_name(dtype):
    return dtype.message_name


def _shape_text(shape):
    return "[" + ",".join("?" if d is None else str(d) for d in shape) + "]"


def _as_array(values, dtype, n=None):
    if dtype is dtypes.string:
        out = np.empty(len(values), dtype=object)
        out[:] = values
        return out
    return np.asarray(values, dtype=dtype.np_dtype).reshape(-1)


class _ParseError(Exception):
    pass


def _parsed(serialized, names):
    """The feature maps of every serialized Example, with TF's message for
    one that does not parse."""
    out = []
    for s in serialized:
        data = s.encode() if isinstance(s, str) else bytes(s)
        try:
            out.append(_example_features(data))
        except ValueError:
            raise errors.InvalidArgumentError(
                None, None, f"Could not parse example input, value: "
                            f"'{data.decode('latin-1')}'") from None
    return out


def _values_of(features, key, dtype, name, index, sparse):
    """The values of `key` in one example's features (None when missing
    or a Feature with no kind), checked against `dtype`."""
    data = features.get(key)
    if data is None:
        return None
    try:
        if type(data) is tuple:  # parsed by an earlier look
            kind, values = data
        else:
            kind, values = features[key] = _feature_values(data)
    except ValueError:
        raise errors.InvalidArgumentError(
            None, None, f"Name: {name}, Key: {key.decode('utf-8', 'replace')}, Index: {index}.  "
                        "Could not parse the feature.") from None
    if kind is None:
        return [] if sparse else None
    if kind is not dtype:
        where = f"Name: {name}, Key: {key.decode('utf-8', 'replace')}, Index: {index}.  "
        if sparse:
            raise errors.InvalidArgumentError(
                None, None, f"{where}Data types don't match. Expected type: "
                            f"{_type_name(dtype)}, Actual type: {_type_name(kind)}")
        raise errors.InvalidArgumentError(
            None, None, f"{where}Data types don't match. Data type: {_type_name(kind)} but "
                        f"expected type: {_type_name(dtype)}")
    return values


def _key_list(value):
    return [k.encode() if isinstance(k, str) else bytes(k)
            for k in np.asarray(value, dtype=object).reshape(-1)]


def _validate(examples, names, sparse, dense):
    """TF's errors in TF's order: each example's features as its bytes list
    them (type, count and stride), then its missing required features."""
    for i, feats in enumerate(examples):
        for key in feats:
            if key in sparse:
                _values_of(feats, key, sparse[key], names[i], i, sparse=True)
            elif key in dense:
                dtype, shape, _ = dense[key]
                v = _values_of(feats, key, dtype, names[i], i, sparse=False)
                if v is not None:
                    _check_count(v, key, dtype, shape, names[i], i)
        for key, (dtype, shape, default) in dense.items():
            fixed = not (len(shape) > 0 and shape[0] is None)
            if fixed and default.size == 0 and \
                    _values_of(feats, key, dtype, names[i], i, sparse=False) is None:
                raise errors.InvalidArgumentError(
                    None, None, f"Name: {names[i]}, Feature: {key.decode('utf-8', 'replace')} "
                                f"(data type: {_type_name(dtype)}) is required but could not "
                                "be found.")


def _check_count(values, key, dtype, shape, name, index):
    what = key.decode("utf-8", "replace")
    if len(shape) > 0 and shape[0] is None:
        stride = math.prod(shape[1:])
        if (stride == 0 and len(values)) or (stride and len(values) % stride):
            raise errors.InvalidArgumentError(
                None, None, f"Name: {name}, Key: {what}, Index: {index}.  Number of "
                            f"{_type_name(dtype)} values is not a multiple of stride length. "
                            f"Saw {len(values)} values but output shape is: "
                            f"{_shape_text(shape)}")
        return
    n = math.prod(shape)
    if len(values) != n:
        raise errors.InvalidArgumentError(
            None, None, f"Name: {name}, Key: {what}, Index: {index}.  Number of "
                        f"{_type_name(dtype)} values != expected.  Values size: "
                        f"{len(values)} but output shape: {_shape_text(shape)}")


def parse_example_value(inputs, attrs):
    """ParseExampleV2's outputs: sparse indices, values and shapes of each
    sparse key, then the value of each dense key."""
    serialized = np.asarray(inputs[0], dtype=object)
    if serialized.ndim > 1:
        raise errors.InvalidArgumentError(
            None, None, f"Expected serialized to be a scalar or vector, got shape: "
                        f"{_shape_text(serialized.shape)}")
    batch = serialized.ndim == 1
    flat = serialized.reshape(-1)
    given_names = [n.decode("utf-8", "replace") if isinstance(n, bytes) else str(n)
                   for n in np.asarray(inputs[1], dtype=object).reshape(-1)]
    names = given_names if given_names else ["<unknown>"] * len(flat)
    sparse_keys, dense_keys = _key_list(inputs[2]), _key_list(inputs[3])
    defaults = inputs[5:]
    sparse_types = attrs["sparse_types"]
    dense_types = attrs["Tdense"]
    dense_shapes = attrs["dense_shapes"]
    examples = _parsed(flat, names)
    _validate(examples, names, dict(zip(sparse_keys, sparse_types)),
              {k: (t, shape, np.asarray(d, dtype=object if t is dtypes.string else t.np_dtype))
               for k, t, shape, d in zip(dense_keys, dense_types, dense_shapes, defaults)})

    sparse_out = ([], [], [])
    for key, dtype in zip(sparse_keys, sparse_types):
        rows, vals, longest = [], [], 0
        for i, feats in enumerate(examples):
            v = _values_of(feats, key, dtype, names[i], i, sparse=True)
            v = [] if v is None else v
            for j in range(len(v)):
                rows.append((i, j) if batch else (j,))
            vals.extend(v)
            longest = max(longest, len(v))
        indices = np.asarray(rows, dtype=np.int64).reshape(-1, 2 if batch else 1)
        sparse_out[0].append(indices)
        sparse_out[1].append(_as_array(vals, dtype))
        sparse_out[2].append(np.asarray([len(flat), longest] if batch else [longest], np.int64))

    dense_out = []
    for key, dtype, shape, default in zip(dense_keys, dense_types, dense_shapes, defaults):
        default = np.asarray(default, dtype=object if dtype is dtypes.string else
                             dtype.np_dtype)
        variable = len(shape) > 0 and shape[0] is None
        what = key.decode("utf-8", "replace")
        if not variable:
            n = math.prod(shape)
            rows = []
            for i, feats in enumerate(examples):
                v = _values_of(feats, key, dtype, names[i], i, sparse=False)
                if v is None:
                    if default.size == 0:
                        raise errors.InvalidArgumentError(
                            None, None, f"Name: {names[i]}, Feature: {what} (data type: "
                                        f"{_type_name(dtype)}) is required but could not be "
                                        "found.")
                    rows.append(default.reshape(-1))
                    continue
                if len(v) != n:
                    raise errors.InvalidArgumentError(
                        None, None, f"Name: {names[i]}, Key: {what}, Index: {i}.  Number of "
                                    f"{_type_name(dtype)} values != expected.  Values size: "
                                    f"{len(v)} but output shape: {_shape_text(shape)}")
                rows.append(_as_array(v, dtype))
            out = np.stack(rows) if rows else np.empty((0, n), default.dtype)
            out = out.astype(default.dtype).reshape((len(flat),) + tuple(shape))
            dense_out.append(out if batch else out[0])
            continue
        inner = tuple(shape[1:])
        stride = math.prod(inner)
        rows = []
        for i, feats in enumerate(examples):
            v = _values_of(feats, key, dtype, names[i], i, sparse=False)
            v = [] if v is None else v
            if stride == 0 or len(v) % stride:
                if stride == 0 and len(v) == 0:
                    rows.append(_as_array([], dtype))
                    continue
                raise errors.InvalidArgumentError(
                    None, None, f"Name: {names[i]}, Key: {what}, Index: {i}.  Number of "
                                f"{_type_name(dtype)} values is not a multiple of stride "
                                f"length. Saw {len(v)} values but output shape is: "
                                f"{_shape_text(shape)}")
            rows.append(_as_array(v, dtype))
        longest = max((len(r) // stride for r in rows if stride), default=0)
        pad = default.reshape(-1)[0] if default.size else (b"" if dtype is dtypes.string else 0)
        out = np.empty((len(flat), longest) + inner, dtype=default.dtype)
        out[...] = pad
        for i, r in enumerate(rows):
            k = len(r) // stride if stride else 0
            out[i, :k] = r.reshape((k,) + inner)
        dense_out.append(out if batch else out[0])
    return sparse_out[0] + sparse_out[1] + sparse_out[2] + dense_out


def _parse_example_shapes(ctx):
    ser = ctx.shapes[0]
    k = ctx.attrs["num_sparse"]
    if ser is None:
        return [(None, None)] * k + [(None,)] * k + [(None,)] * k + \
            [None] * len(ctx.attrs["Tdense"])
    batch = tuple(ser)
    rank = len(batch) + 1
    dense = [batch + tuple(shape) for shape in ctx.attrs["dense_shapes"]]
    return [(None, rank)] * k + [(None,)] * k + [(rank,)] * k + dense


def _parse_example_dtypes(ctx):
    k = ctx.attrs["num_sparse"]
    return [dtypes.int64] * k + list(ctx.attrs["sparse_types"]) + [dtypes.int64] * k + \
        list(ctx.attrs["Tdense"])


def _string(value):
    return samples.known(np.array(value, dtype=object))


def _sample_examples():
    a = Example(features=Features(feature={
        "f": Feature(float_list=FloatList(value=[1.5, -2.0])),
        "i": Feature(int64_list=Int64List(value=[3, -4, 5])),
        "s": Feature(bytes_list=BytesList(value=[b"x", b"yz"]))}))
    b = Example(features=Features(feature={
        "f": Feature(float_list=FloatList(value=[0.25, 8.0])),
        "s": Feature(bytes_list=BytesList(value=[b""]))}))
    return a.SerializeToString(), b.SerializeToString()


def _parse_example_samples(dtype):
    a, b = _sample_examples()
    empty = _string(np.empty(0, dtype=object))
    dense_f = samples.known(np.zeros(0, np.float32))
    yield [_string([a, b]), empty, _string([b"i", b"s"]), _string([b"f"]), empty, dense_f], {
        "num_sparse": 2, "sparse_types": (dtypes.int64, dtypes.string),
        "Tdense": (dtypes.float32,), "dense_shapes": ((2,),)}
    yield [_string(a), empty, empty, _string([b"i", b"missing", b"f"]), empty,
           samples.known(np.int64(0)), samples.known(np.array([[7], [8]], np.int64)),
           samples.known(np.float32(-1.0))], {
        "num_sparse": 0, "sparse_types": (),
        "Tdense": (dtypes.int64, dtypes.int64, dtypes.float32),
        "dense_shapes": ((None,), (2, 1), (None,))}


def _types(value):
    return [dtypes.as_dtype(t) for t in value]


def _shapes_out(value):
    return [TensorShape(list(s)) for s in value]


def _shapes_in(value):
    return tuple(tuple(d for d in s) for s in value)


register(OpDef(
    "ParseExampleV2", shape=_parse_example_shapes, dtype=_parse_example_dtypes,
    reference=parse_example_value, samples=_parse_example_samples,
    graphdef=NodeMapping(
        ("serialized", "names", "sparse_keys", "dense_keys", "ragged_keys",
         InputList("dense_defaults", count_attr=None)),
        [Attr("Tdense", encode=list, decode=lambda v: tuple(_types(v))),
         Attr("num_sparse"),
         Attr("sparse_types", encode=list, decode=lambda v: tuple(_types(v))),
         Fixed("ragged_value_types", []), Fixed("ragged_split_types", []),
         Attr("dense_shapes", encode=_shapes_out, decode=_shapes_in)])))


def _prepend_none_dimension(features):
    out = dict(features)
    for key, feature in features.items():
        if isinstance(feature, FixedLenSequenceFeature):
            if not feature.allow_missing:
                raise ValueError("Unsupported: FixedLenSequenceFeature requires "
                                 "allow_missing to be True.")
            out[key] = FixedLenSequenceFeature([None] + list(as_shape(feature.shape).as_list()),
                                               feature.dtype, feature.allow_missing,
                                               feature.default_value)
    return out


def _check_type(dtype, key):
    dtype = dtypes.as_dtype(dtype)
    if dtype not in _PARSED_TYPES:
        raise ValueError(f"Unsupported dtype {dtype.name} for feature {key}: Example features "
                         "are float32, int64 or string")
    return dtype


def _constant(graph, value, dtype, name):
    if dtype is dtypes.string:
        return string_tensor(graph, value, name)
    if isinstance(value, Tensor):
        return value
    return to_tensor(graph, np.asarray(value, dtype=dtype.np_dtype), dtype=dtype, name=name)


def _dense_default(graph, key, feature, shape, dtype):
    safe = re.sub(r"[^A-Za-z0-9_.\-/]", "_", key)
    value = feature.default_value
    if shape and shape[0] is None:
        if value is None:
            value = b"" if dtype is dtypes.string else 0
        arr = np.asarray(value, dtype=object if dtype is dtypes.string else None)
        if isinstance(value, Tensor):
            return reshape(value, [])
        if arr.size != 1:
            raise ValueError(f"Cannot reshape a tensor with {arr.size} elements to shape [] "
                             f"(padding_{safe})")
        return _constant(graph, arr.reshape(()), dtype, f"padding_{safe}")
    if value is None:
        return _constant(graph, np.zeros(0, dtype=object if dtype is dtypes.string
                                         else dtype.np_dtype), dtype, "Const")
    if isinstance(value, Tensor):
        return reshape(value, list(shape))
    arr = np.asarray(value, dtype=object if dtype is dtypes.string else dtype.np_dtype)
    n = math.prod(shape)
    if arr.size != n:
        raise ValueError(f"Cannot reshape a tensor with {arr.size} elements to shape "
                         f"{list(shape)} (key_{safe})")
    return _constant(graph, arr.reshape(shape), dtype, f"key_{safe}")


def _parse(serialized, features, example_names, name, scope):
    if features is None:
        raise ValueError("Invalid argument: features cannot be None.")
    if not features:
        raise ValueError("Must provide at least one feature key.")
    features = _prepend_none_dimension(features)
    sparse_keys, sparse_types = [], []
    dense = []  # (key, feature, shape, dtype)
    for key in sorted(features):
        feature = features[key]
        if isinstance(feature, VarLenFeature):
            sparse_keys.append(key)
            sparse_types.append(_check_type(feature.dtype, key))
        elif isinstance(feature, (FixedLenFeature, FixedLenSequenceFeature)):
            if feature.dtype is None:
                raise ValueError(f"Missing type for feature {key}. Received feature={feature}.")
            if feature.shape is None:
                raise ValueError(f"Missing shape for feature {key}. Received feature="
                                 f"{feature}.")
            shape = tuple(as_shape(feature.shape).as_list())
            if isinstance(feature, FixedLenFeature):
                if shape and shape[0] is None:
                    raise ValueError(f"First dimension of shape for feature {key} unknown. "
                                     "Consider using FixedLenSequenceFeature. Received "
                                     f"feature={feature}.")
                if any(d is None for d in shape):
                    raise ValueError(f"All dimensions of shape for feature {key} need to be "
                                     f"known but received {feature.shape!s}.")
            dense.append((key, feature, shape, _check_type(feature.dtype, key)))
        else:
            raise ValueError(f"Unsupported {type(feature).__name__} {feature} for key '{key}'")
    graph = graph_of([serialized, example_names])
    with graph.name_scope(name or scope):
        ser = string_tensor(graph, serialized, "serialized")
        if ser.shape.ndims is not None and ser.shape.ndims > 1:
            raise ValueError(f"Shape must be at most rank 1 but is rank {ser.shape.ndims} for "
                             "'ParseExampleV2' (op: 'ParseExampleV2')")
        defaults = [_dense_default(graph, k, f, s, t) for k, f, s, t in dense]
        names = string_tensor(graph, [] if example_names is None else example_names, "names")
        inputs = [ser, names, string_tensor(graph, sparse_keys, "sparse_keys"),
                  string_tensor(graph, [k for k, _, _, _ in dense], "dense_keys"),
                  string_tensor(graph, np.empty(0, dtype=object), "ragged_keys")] + defaults
        op = graph.create_op("ParseExampleV2", inputs, {
            "num_sparse": len(sparse_keys), "sparse_types": tuple(sparse_types),
            "Tdense": tuple(t for _, _, _, t in dense),
            "dense_shapes": tuple(s for _, _, s, _ in dense)}, name="ParseExampleV2")
    k = len(sparse_keys)
    outs = op.outputs
    result = {key: SparseTensor(outs[i], outs[k + i], outs[2 * k + i])
              for i, key in enumerate(sparse_keys)}
    result.update({key: outs[3 * k + j] for j, (key, _, _, _) in enumerate(dense)})
    return result


def parse_example(serialized, features, name=None, example_names=None):
    """Parses `Example` protos into a `dict` of tensors.

    Parses a number of serialized `Example` protos given in `serialized`
    (a batch, a 1-D string tensor). `features` maps keys to
    `VarLenFeature` (a `SparseTensor` whose indices are [batch, index]
    pairs and whose dense_shape is [batch_size, longest]),
    `FixedLenFeature` (a dense tensor of shape [batch_size] + shape, the
    default value standing in for a missing feature; without one a missing
    feature raises InvalidArgumentError) and `FixedLenSequenceFeature`
    (allow_missing=True: a dense [batch_size, longest] + shape tensor,
    padded with its default_value).

    Args:
      serialized: A vector (1-D Tensor) of strings, a batch of binary
        serialized `Example` protos.
      features: A mapping of feature keys to `FixedLenFeature`,
        `VarLenFeature` or `FixedLenSequenceFeature` values.
      name: A name for this operation (optional).
      example_names: A vector (1-D Tensor) of strings (optional), the names
        of the serialized protos in the batch, used in error messages.

    Returns:
      A `dict` mapping feature keys to `Tensor` and `SparseTensor` values.
    """
    return _parse(serialized, features, example_names, name, "ParseExample")


def parse_single_example(serialized, features, name=None, example_names=None):
    """Parses a single `Example` proto.

    Similar to `parse_example`, except: for dense tensors, the returned
    `Tensor` has no batch dimension (its shape is the shape given in the
    feature); for `SparseTensor`s, the indices matrix is a column vector and
    the shape vector has one element.

    Args:
      serialized: A scalar string Tensor, a single serialized Example.
      features: A mapping of feature keys to `FixedLenFeature` or
        `VarLenFeature` values.
      name: A name for this operation (optional).
      example_names: (Optional) A scalar string Tensor, the associated name.

    Returns:
      A `dict` mapping feature keys to `Tensor` and `SparseTensor` values.
    """
    if features is None:
        raise ValueError("Invalid argument: features cannot be None.")
    if not features:
        raise ValueError("Invalid argument: features cannot be empty.")
    graph = graph_of([serialized])
    with graph.name_scope(name or "ParseSingleExample"):
        ser = string_tensor(graph, serialized, "serialized")
        if ser.shape.ndims not in (None, 0):
            raise ValueError(f"Input serialized must be a scalar, got shape {ser.shape}")
        return _parse(ser, features, example_names, None, "ParseExample")


# ---- DecodeRaw -------------------------------------------------------------------

_RAW_TYPES = (dtypes.float16, dtypes.float32, dtypes.float64, dtypes.int32, dtypes.uint16,
              dtypes.uint8, dtypes.int16, dtypes.int8, dtypes.int64, dtypes.bool)


def decode_raw_value(inputs, attrs):
    """Each string of `inputs[0]` read as a vector of `out_type` (all of
    one length, a multiple of the type's size)."""
    data = np.asarray(inputs[0], dtype=object)
    out_type = attrs["out_type"]
    size = out_type.size
    flat = [d.encode() if isinstance(d, str) else bytes(d) for d in data.reshape(-1)]
    width = len(flat[0]) if flat else 0
    if width % size:
        raise errors.InvalidArgumentError(
            None, None, f"Input to DecodeRaw has length {width} that is not a multiple of "
                        f"{size}, the size of {out_type.message_name}")
    for i, d in enumerate(flat):
        if len(d) != width:
            raise errors.InvalidArgumentError(
                None, None, f"DecodeRaw requires input strings to all be the same size, but "
                            f"element {i} has size {len(d)} != {width}")
    order = "<" if attrs.get("little_endian", True) else ">"
    np_type = out_type.np_dtype.newbyteorder(order) if size > 1 else out_type.np_dtype
    out = np.frombuffer(b"".join(flat), dtype=np_type).astype(out_type.np_dtype)
    return out.reshape(data.shape + (width // size,))


def _decode_raw_samples(dtype):
    item = dtype.size
    rng = np.random.default_rng(item)
    rows = [rng.integers(0, 256, 3 * item, dtype=np.uint8).tobytes() for _ in range(4)]
    if dtype is dtypes.bool:
        rows = [bytes([0, 1, 1]) for _ in range(4)]
    if dtype.is_floating:
        rows = [samples.values(dtype, (3,), i).tobytes() for i in range(4)]
    yield [_string(np.array(rows, dtype=object).reshape(2, 2))], \
        {"out_type": dtype, "little_endian": True}
    if item > 1:
        yield [_string(rows[0])], {"out_type": dtype, "little_endian": False}


register(OpDef(
    "DecodeRaw", shape=lambda ctx: [None if ctx.shapes[0] is None else
                                    tuple(ctx.shapes[0]) + (None,)],
    dtype=lambda ctx: [ctx.attrs["out_type"]], reference=lambda i, a: [decode_raw_value(i, a)],
    dtypes=[Accepts("out_type", tuple(t for t in _RAW_TYPES if t is not dtypes.float16),
                    attr="out_type")],
    samples=_decode_raw_samples,
    graphdef=NodeMapping(("bytes",), [Attr("out_type"), Attr("little_endian", default=True)])))


def decode_raw(input_bytes=None, out_type=None, little_endian=True, name=None, bytes=None):  # noqa: A002
    """Convert raw bytes from input tensor into numeric tensors.

    Every component of the input tensor is interpreted as a sequence of
    bytes. These bytes are then decoded as numbers in the format specified
    by `out_type`; all the strings must have the same length. The output
    has one more dimension than the input, of length (bytes / size of
    out_type).

    Args:
      input_bytes: Each element of the input Tensor is converted to an
        array of bytes (`bytes` is TF1's name of it).
      out_type: `DType` of the output. Acceptable types are `half`,
        `float`, `double`, `int32`, `uint16`, `uint8`, `int16`, `int8`,
        `int64`, `bool`.
      little_endian: Whether the input `input_bytes` are in little-endian
        order. Ignored for `out_type` values that are stored in a single byte.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of type `out_type`.
    """
    if input_bytes is None:
        input_bytes = bytes
    if out_type is None:
        raise TypeError("decode_raw() missing required argument: 'out_type'")
    graph = graph_of([input_bytes])
    t = string_tensor(graph, input_bytes, "bytes")
    return graph.create_op("DecodeRaw", [t], {"out_type": dtypes.as_dtype(out_type),
                                              "little_endian": bool(little_endian)},
                           name=name or "DecodeRaw").outputs[0]


# ---- DecodeCSV -------------------------------------------------------------------

_CSV_TYPES = (dtypes.float32, dtypes.float64, dtypes.int32, dtypes.int64, dtypes.string)
_INT = re.compile(rb"^\s*[+-]?[0-9]+\s*$")


def _csv_fields(record, delim, quoted, index):
    """The fields of one CSV record (RFC 4180 quoting when `quoted`)."""
    fields, i, n = [], 0, len(record)
    while True:
        if quoted and i < n and record[i:i + 1] == b'"':
            i += 1
            buf = bytearray()
            while True:
                if i >= n:
                    raise errors.InvalidArgumentError(
                        None, None, "Quoted field has to end with quote followed by delim or "
                                    "end")
                c = record[i:i + 1]
                if c == b'"':
                    if record[i + 1:i + 2] == b'"':
                        buf += b'"'
                        i += 2
                        continue
                    if i + 1 < n and record[i + 1:i + 2] != delim:
                        raise errors.InvalidArgumentError(
                            None, None, "Quote inside a string has to be escaped by another "
                                        "quote")
                    i += 1
                    break
                buf += c
                i += 1
            fields.append(bytes(buf))
        else:
            j = record.find(delim, i)
            j = n if j < 0 else j
            field = record[i:j]
            if quoted and b'"' in field:
                raise errors.InvalidArgumentError(
                    None, None, f"Unquoted fields cannot have quotes/CRLFs inside, record "
                                f"{index}")
            fields.append(field)
            i = j
        if i >= n:
            return fields
        i += len(delim)
        if i >= n:
            fields.append(b"")
            return fields


def _csv_value(text, dtype, column, index):
    if dtype is dtypes.string:
        return text
    if dtype.is_integer:
        ok = _INT.match(text) is not None
        value = int(text) if ok else None
        if not ok or not dtype.min <= value <= dtype.max:
            raise errors.InvalidArgumentError(
                None, None, f"Field {column} in record {index} is not a valid {dtype.name}: "
                            f"{text.decode('utf-8', 'replace')}")
        return value
    try:
        if b"_" in text:
            raise ValueError(text)
        return float(text)
    except ValueError:
        raise errors.InvalidArgumentError(
            None, None, f"Field {column} in record {index} is not a valid "
                        f"{dtype.message_name}: {text.decode('utf-8', 'replace')}") from None


def decode_csv_value(inputs, attrs):
    """DecodeCSV: one tensor per column of the CSV records of `inputs[0]`,
    each of the records' shape; an empty or NA field takes its column's
    default, which a required column (an empty default) has not."""
    records = np.asarray(inputs[0], dtype=object)
    defaults = inputs[1:]
    types = attrs["OUT_TYPE"]
    delim = attrs.get("field_delim", ",").encode()
    quoted = attrs.get("use_quote_delim", True)
    na = attrs.get("na_value", "").encode()
    select = list(attrs.get("select_cols", ()))
    flat = records.reshape(-1)
    columns = [[] for _ in types]
    for r, rec in enumerate(flat):
        rec = rec.encode() if isinstance(rec, str) else bytes(rec)
        fields = _csv_fields(rec, delim, quoted, r)
        if select:
            if len(fields) <= select[-1]:
                raise errors.InvalidArgumentError(
                    None, None, f"Expect {len(types)} fields but have {len(fields)} in record "
                                f"{r}")
            fields = [fields[c] for c in select]
        elif len(fields) != len(types):
            raise errors.InvalidArgumentError(
                None, None, f"Expect {len(types)} fields but have {len(fields)} in record {r}")
        for c, (text, dtype) in enumerate(zip(fields, types)):
            if text == b"" or (na and text == na):
                default = np.asarray(defaults[c]).reshape(-1)
                if default.size == 0:
                    raise errors.InvalidArgumentError(
                        None, None, f"Field {c} is required but missing in record {r}!")
                columns[c].append(default[0])
            else:
                columns[c].append(_csv_value(text, dtype, c, r))
    out = []
    for values, dtype in zip(columns, types):
        if dtype is dtypes.string:
            arr = np.empty(len(values), dtype=object)
            arr[:] = [v.encode() if isinstance(v, str) else bytes(v) for v in values]
        else:
            arr = np.asarray(values, dtype=dtype.np_dtype) if values else \
                np.zeros(0, dtype.np_dtype)
        out.append(arr.reshape(records.shape))
    return out


def _csv_samples(dtype):
    rows = _string(np.array([b'1,2.5,"a,""b""",-7', b"3,,x,8", b"5,0.25,,9"], dtype=object))
    defaults = [samples.known(np.array([0], np.int32)), samples.known(np.array([-1.0])),
                _string(np.array([b"dflt"], dtype=object)), samples.known(np.zeros(0, np.int64))]
    yield [rows] + defaults, {"OUT_TYPE": (dtypes.int32, dtypes.float64, dtypes.string,
                                           dtypes.int64),
                              "field_delim": ",", "use_quote_delim": True, "na_value": "",
                              "select_cols": ()}
    yield [_string(np.array([[b"1|NA|3"], [b"4|5|6"]], dtype=object)),
           samples.known(np.array([-1], np.int64)),
           samples.known(np.array([7.0], np.float32))], {
        "OUT_TYPE": (dtypes.int64, dtypes.float32), "field_delim": "|",
        "use_quote_delim": False, "na_value": "NA", "select_cols": (1, 2)}


register(OpDef(
    "DecodeCSV", shape=lambda ctx: [ctx.shapes[0]] * len(ctx.attrs["OUT_TYPE"]),
    dtype=lambda ctx: list(ctx.attrs["OUT_TYPE"]), reference=decode_csv_value,
    samples=_csv_samples,
    graphdef=NodeMapping(("records", InputList("record_defaults", count_attr=None)), [
        Attr("OUT_TYPE", encode=list, decode=lambda v: tuple(_types(v))),
        Attr("field_delim", default=","), Attr("use_quote_delim", default=True),
        Attr("na_value", default=""),
        Attr("select_cols", encode=list, decode=tuple, default=())])))


def decode_csv(records, record_defaults, field_delim=",", use_quote_delim=True, name=None,
               na_value="", select_cols=None):
    """Convert CSV records to tensors. Each column maps to one tensor.

    RFC 4180 format is expected for the CSV records.
    (https://tools.ietf.org/html/rfc4180) Note that we allow leading and
    trailing spaces with int or float field.

    Args:
      records: A `Tensor` of type `string`. Each string is a record/row in
        the csv and all records should have the same format.
      record_defaults: A list of `Tensor` objects with specific types.
        Acceptable types are `float32`, `float64`, `int32`, `int64`,
        `string`. One tensor per column of the input record, with either a
        scalar default value for that column or an empty vector if the
        column is required.
      field_delim: An optional `string`. Defaults to `","`. char delimiter
        to separate fields in a record.
      use_quote_delim: An optional `bool`. Defaults to `True`. If false,
        treats double quotation marks as regular characters inside of the
        string fields (ignoring RFC 4180, Section 2, Bullet 5).
      name: A name for the operation (optional).
      na_value: Additional string to recognize as NA/NaN.
      select_cols: Optional sorted list of column indices to select. If
        specified, only this subset of columns will be parsed and returned.

    Returns:
      A list of `Tensor` objects. Has the same type as `record_defaults`.
      Each tensor will have the same shape as records.
    """
    if select_cols is not None:
        select_cols = [int(c) for c in select_cols]
        if any(b <= a for a, b in zip(select_cols, select_cols[1:])):
            raise ValueError("select_cols is not strictly increasing.")
        if select_cols and select_cols[0] < 0:
            raise ValueError("select_cols contains negative values.")
        if len(select_cols) != len(record_defaults):
            raise ValueError("Length of select_cols and record_defaults do not match.")
    graph = graph_of([records] + list(record_defaults))
    recs = string_tensor(graph, records, "records")
    defaults, types = [], []
    for d in record_defaults:
        if isinstance(d, Tensor):
            defaults.append(d)
        else:
            arr = np.asarray(d, dtype=object) if _is_text(d) else np.asarray(d)
            if arr.dtype == object:
                defaults.append(string_tensor(graph, arr, "record_defaults"))
            else:
                if arr.dtype == np.float64 and not isinstance(d, np.ndarray):
                    arr = arr.astype(np.float32)
                if arr.dtype == np.int64 and not isinstance(d, np.ndarray) and (
                        arr.size == 0 or abs(arr).max() < 2 ** 31):
                    arr = arr.astype(np.int32)
                defaults.append(to_tensor(graph, arr))
        types.append(defaults[-1].dtype)
    for t in types:
        if t not in _CSV_TYPES:
            raise TypeError(f"Value passed to parameter 'record_defaults' has DataType {t.name} "
                            "not in list of allowed values: float32, float64, int32, int64, "
                            "string")
    op = graph.create_op("DecodeCSV", [recs] + defaults, {
        "OUT_TYPE": tuple(types), "field_delim": str(field_delim),
        "use_quote_delim": bool(use_quote_delim), "na_value": str(na_value),
        "select_cols": tuple(select_cols or ())}, name=name or "DecodeCSV")
    return list(op.outputs)


def _is_text(value):
    flat = np.asarray(value, dtype=object).reshape(-1)
    return any(isinstance(v, (str, bytes)) for v in flat)


# ---- SerializeTensor, ParseTensor ------------------------------------------------

def serialize_tensor_value(inputs, attrs):
    """SerializeTensor: the TensorProto of a value, serialized as TF's
    (numbers in little-endian `tensor_content`, strings in `string_val`)."""
    return tensor_proto(np.asarray(inputs[0])).SerializeToString()


def parse_tensor_value(inputs, attrs):
    """ParseTensor: the value of a serialized TensorProto of `out_type`."""
    data = np.asarray(inputs[0], dtype=object)
    if data.ndim != 0:
        raise errors.InvalidArgumentError(
            None, None, f"Expected `serialized` to be a scalar, got shape: "
                        f"{_shape_text(data.shape)}")
    raw = data[()]
    raw = raw.encode() if isinstance(raw, str) else bytes(raw)
    out_type = attrs["out_type"]
    try:
        proto = TensorProto.FromString(raw)
        value = ndarray_of(proto)
    except (ValueError, TypeError, KeyError, IndexError, struct.error):
        raise errors.InvalidArgumentError(
            None, None, f"Could not parse `serialized` as TensorProto, base64: "
                        f"{base64.b64encode(raw).decode()}") from None
    found = dtypes.as_dtype(proto.dtype) if proto.dtype else None
    if found is not out_type:
        name = found.message_name if found is not None else "invalid"
        raise errors.InvalidArgumentError(
            None, None, f"Type mismatch between parsed tensor ({name}) and dtype "
                        f"({out_type.message_name})")
    return value


def _serialize_samples(dtype):
    yield [samples.values(dtype, (2, 3), 1)], {}
    yield [samples.values(dtype, (), 2)], {}


def _parse_tensor_samples(dtype):
    for shape, seed in (((2, 3), 1), ((), 2), ((0, 4), 3)):
        data = serialize_tensor_value([samples.values(dtype, shape, seed)], {})
        yield [_string(data)], {"out_type": dtype}


register(OpDef("SerializeTensor", shape=lambda ctx: [()], dtype=lambda ctx: [dtypes.string],
               reference=lambda i, a: [serialize_tensor_value(i, a)],
               samples=_serialize_samples,
               graphdef=NodeMapping(("tensor",), [TypeAttr("T", input=0)])))
register(OpDef("ParseTensor", shape=lambda ctx: [None], dtype=lambda ctx: [ctx.attrs["out_type"]],
               reference=lambda i, a: [parse_tensor_value(i, a)],
               samples=_parse_tensor_samples,
               graphdef=NodeMapping(("serialized",), [Attr("out_type")])))


def serialize_tensor(tensor, name=None):
    """Transforms a Tensor into a serialized TensorProto proto.

    Args:
      tensor: A `Tensor`.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of type `string`: the serialized TensorProto.
    """
    graph = graph_of([tensor])
    if _is_text(tensor) and not isinstance(tensor, Tensor):
        t = string_tensor(graph, tensor, "tensor")
    else:
        t = to_tensor(graph, tensor)
    return graph.create_op("SerializeTensor", [t], {},
                           name=name or "SerializeTensor").outputs[0]


def parse_tensor(serialized, out_type, name=None):
    """Transforms a serialized tensorflow.TensorProto proto into a Tensor.

    Args:
      serialized: A `Tensor` of type `string`. A scalar string containing a
        serialized TensorProto proto.
      out_type: A `tf.DType`. The type of the serialized tensor. The
        provided type must match the type of the serialized tensor and no
        implicit conversion will take place.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of type `out_type`.
    """
    graph = graph_of([serialized])
    t = string_tensor(graph, serialized, "serialized")
    return graph.create_op("ParseTensor", [t], {"out_type": dtypes.as_dtype(out_type)},
                           name=name or "ParseTensor").outputs[0]


# ---- DecodeCompressed -------------------------------------------------------------

def decode_compressed_value(inputs, attrs):
    """DecodeCompressed: each string inflated from zlib ("ZLIB") or gzip
    ("GZIP") streams, or kept ("")."""
    kind = attrs.get("compression_type", "")
    if kind not in ("", "ZLIB", "GZIP"):
        raise errors.InvalidArgumentError(
            None, None, "Only ZLIB, ZSTD, GZIP or NONE are supported compressions")
    data = np.asarray(inputs[0], dtype=object)
    out = np.empty(data.shape, dtype=object)
    for index, item in np.ndenumerate(data):
        raw = item.encode() if isinstance(item, str) else bytes(item)
        if kind:
            z = zlib.decompressobj(15 + (16 if kind == "GZIP" else 0))
            try:
                # A stream cut before its checksum still gives its data, as TF's.
                raw = z.decompress(raw) + z.flush()
            except zlib.error as e:
                code = str(e).split("Error ")[-1].split(" ")[0]
                what = str(e).split(": ", 1)[-1]
                raise errors.DataLossError(
                    None, None, f"inflate() failed with error {code}: {what}") from None
        out[index] = raw
    return out


def _compressed_samples(dtype):
    items = [b"hello", b"", b"abc" * 50]
    yield [_string(np.array([zlib.compress(x) for x in items], dtype=object))], \
        {"compression_type": "ZLIB"}
    yield [_string(np.array([[gzip.compress(x)] for x in items], dtype=object))], \
        {"compression_type": "GZIP"}
    yield [_string(np.array(items, dtype=object))], {"compression_type": ""}


register(OpDef("DecodeCompressed", shape=lambda ctx: [ctx.shapes[0]],
               dtype=lambda ctx: [dtypes.string],
               reference=lambda i, a: [decode_compressed_value(i, a)],
               samples=_compressed_samples,
               graphdef=NodeMapping(("bytes",), [Attr("compression_type", default="")])))


def decode_compressed(bytes, compression_type="", name=None):  # noqa: A002 - TF's name
    """Decompress strings.

    This op decompresses each element of the `bytes` input `Tensor`, which
    is assumed to be compressed using the given `compression_type`. The
    `output` is a string `Tensor` of the same shape as `bytes`, each
    element containing the decompressed data from the corresponding element
    in `bytes`.

    Args:
      bytes: A `Tensor` of type `string`. A Tensor of string which is
        compressed.
      compression_type: An optional `string`. Defaults to `""`. A scalar
        containing either (i) the empty string (no compression), (ii)
        "ZLIB", or (iii) "GZIP".
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of type `string`.
    """
    graph = graph_of([bytes])
    t = string_tensor(graph, bytes, "bytes")
    return graph.create_op("DecodeCompressed", [t], {"compression_type": str(compression_type)},
                           name=name or "DecodeCompressed").outputs[0]


for _op_type in ("ParseExampleV2", "DecodeRaw", "DecodeCSV",
                 "ParseTensor", "SerializeTensor", "DecodeCompressed"):
    NotDifferentiable(_op_type)
