"""ParseSequenceExampleV2: `tf.io.parse_sequence_example` (a batch of
serialized `SequenceExample`s) and `tf.io.parse_single_sequence_example`
(one, the op on a scalar), with TF's inputs, attrs and outputs, so their
GraphDefs are TF's.

A host op through its NumPy `reference` (it takes strings). Context
features parse as an Example's (FixedLenFeature, VarLenFeature); feature
lists as frames: a FixedLenSequenceFeature is a dense [frames] + shape
tensor (a batch padded to its longest with zeros, with each example's
frame count in the lengths output), a VarLenFeature a SparseTensor of
[frame, index] (batch: [example, frame, index]) coordinates.
"""

import numpy as np

from ..framework import dtypes, errors
from ..framework.graphdef_mapping import Attr, Fixed, InputList, NodeMapping
from ..framework.op_registry import NotDifferentiable, OpDef, register
from ..framework.sparse_tensor import SparseTensor
from ..framework.example_protos import BytesList, Feature, FeatureList, FeatureLists, \
    Features, FloatList, Int64List, SequenceExample
from ..framework.tensor_shape import as_shape
from . import samples
from .arguments import graph_of
from .io_ops import string_tensor
from .parsing_ops import (
    FixedLenFeature, FixedLenSequenceFeature, VarLenFeature, _as_array, _check_count,
    _check_type, _dense_default, _feature_values, _features_map, _key_list, _shape_text,
    _shapes_in, _shapes_out, _type_name, _types, _values_of, _wire_fields,
)

__all__ = ["parse_single_sequence_example"]
IO = ["parse_single_sequence_example", "parse_sequence_example"]


def _parts(data):
    """(context {key: Feature bytes}, {key: [Feature bytes per frame]}) of
    a serialized SequenceExample; ValueError when malformed."""
    context, lists = {}, {}
    for n, w, v in _wire_fields(data):
        if n == 1:
            if w != 2:
                raise ValueError("malformed")
            _features_map(v, context)
        elif n == 2:
            if w != 2:
                raise ValueError("malformed")
            for m, mw, mv in _wire_fields(v):
                if m != 1:
                    continue
                if mw != 2:
                    raise ValueError("malformed")
                key, value = b"", b""
                for e, ew, ev in _wire_fields(mv):
                    if ew != 2 and e in (1, 2):
                        raise ValueError("malformed")
                    if e == 1:
                        key = ev
                    elif e == 2:
                        value = ev
                frames = []
                for fn, fw, fv in _wire_fields(value):
                    if fn == 1:
                        if fw != 2:
                            raise ValueError("malformed")
                        frames.append(fv)
                lists.setdefault(key, frames)
    return context, lists


def _frame_values(frame, dtype, name, key, index):
    try:
        kind, values = _feature_values(frame)
    except ValueError:
        raise errors.InvalidArgumentError(
            None, None, f"Name: {name}, Feature list: {key}, Index: {index}.  Could not parse "
                        "the feature.") from None
    if kind is None:
        return []
    if kind is not dtype:
        raise errors.InvalidArgumentError(
            None, None, f"Name: {name}, Feature list: {key}, Index: {index}.  Data types don't "
                        f"match. Expected type: {_type_name(dtype)}, Actual type: "
                        f"{_type_name(kind)}")
    return values


def _context(examples, names, keys, types, shapes, defaults, batch):
    """The context outputs: sparse indices, values, shapes; dense values."""
    sparse_keys, dense_keys = keys
    sparse_types, dense_types = types
    out_sparse = ([], [], [])
    for key, dtype in zip(sparse_keys, sparse_types):
        rows, vals, longest = [], [], 0
        for i, (ctx, _) in enumerate(examples):
            v = _values_of(ctx, key, dtype, names[i], i, sparse=True)
            v = [] if v is None else v
            rows.extend((i, j) if batch else (j,) for j in range(len(v)))
            vals.extend(v)
            longest = max(longest, len(v))
        out_sparse[0].append(np.asarray(rows, np.int64).reshape(-1, 2 if batch else 1))
        out_sparse[1].append(_as_array(vals, dtype))
        out_sparse[2].append(np.asarray([len(examples), longest] if batch else [longest],
                                        np.int64))
    dense = []
    for key, dtype, shape, default in zip(dense_keys, dense_types, shapes, defaults):
        npd = object if dtype is dtypes.string else dtype.np_dtype
        default = np.asarray(default, dtype=npd)
        what = key.decode("utf-8", "replace")
        rows = []
        for i, (ctx, _) in enumerate(examples):
            v = _values_of(ctx, key, dtype, names[i], i, sparse=False)
            if v is None:
                if default.size == 0:
                    raise errors.InvalidArgumentError(
                        None, None, f"Name: {names[i]}, Context feature '{what}' is required "
                                    "but could not be found.")
                rows.append(default.reshape(-1))
                continue
            _check_count(v, key, dtype, shape, names[i], i)
            rows.append(_as_array(v, dtype))
        n = int(np.prod(shape, dtype=np.int64))
        out = np.stack(rows).astype(npd) if rows else np.empty((0, n), npd)
        out = out.reshape((len(examples),) + tuple(shape))
        dense.append(out if batch else out[0])
    return out_sparse[0] + out_sparse[1] + out_sparse[2] + dense


def _lists(examples, names, keys, types, shapes, assumed_empty, batch):
    """The feature-list outputs: sparse indices, values, shapes; dense
    values; dense lengths."""
    sparse_keys, dense_keys = keys
    sparse_types, dense_types = types
    out_sparse = ([], [], [])
    for key, dtype in zip(sparse_keys, sparse_types):
        what = key.decode("utf-8", "replace")
        rows, vals, most_frames, longest = [], [], 0, 0
        for i, (_, lists) in enumerate(examples):
            frames = lists.get(key, [])
            most_frames = max(most_frames, len(frames))
            for t, frame in enumerate(frames):
                v = _frame_values(frame, dtype, names[i], what, t)
                rows.extend((i, t, j) if batch else (t, j) for j in range(len(v)))
                vals.extend(v)
                longest = max(longest, len(v))
        out_sparse[0].append(np.asarray(rows, np.int64).reshape(-1, 3 if batch else 2))
        out_sparse[1].append(_as_array(vals, dtype))
        out_sparse[2].append(np.asarray(
            [len(examples), most_frames, longest] if batch else [most_frames, longest], np.int64))
    dense, lengths = [], []
    for key, dtype, shape, empty_ok in zip(dense_keys, dense_types, shapes, assumed_empty):
        what = key.decode("utf-8", "replace")
        npd = object if dtype is dtypes.string else dtype.np_dtype
        n = int(np.prod(shape, dtype=np.int64))
        per_example = []
        for i, (_, lists) in enumerate(examples):
            if key not in lists:
                if not empty_ok:
                    raise errors.InvalidArgumentError(
                        None, None, f"Name: {names[i]}, Feature list '{what}' is required but "
                                    "could not be found.  Did you mean to include it in "
                                    "feature_list_dense_missing_assumed_empty or "
                                    "feature_list_dense_defaults?")
                per_example.append([])
                continue
            frames = []
            for t, frame in enumerate(lists[key]):
                v = _frame_values(frame, dtype, names[i], what, t)
                if len(v) != n:
                    raise errors.InvalidArgumentError(
                        None, None, f"Name: {names[i]}, Key: {what}, Index: {t}.  Number of "
                                    f"{_type_name(dtype)} values != expected.  values size: "
                                    f"{len(v)} but output shape: {_shape_text(shape)}")
                frames.append(_as_array(v, dtype))
            per_example.append(frames)
        most = max((len(f) for f in per_example), default=0)
        out = np.zeros((len(examples), most, n), dtype=npd)
        if dtype is dtypes.string:
            out[...] = b""
        for i, frames in enumerate(per_example):
            for t, f in enumerate(frames):
                out[i, t] = f
        out = out.reshape((len(examples), most) + tuple(shape))
        count = np.asarray([len(f) for f in per_example], np.int64)
        dense.append(out if batch else out[0])
        lengths.append(count if batch else count[0])
    return out_sparse[0] + out_sparse[1] + out_sparse[2] + dense + lengths


def parse_sequence_example_value(inputs, attrs):
    """ParseSequenceExampleV2's outputs (ragged ones: none)."""
    ser = np.asarray(inputs[0], dtype=object)
    if ser.ndim > 1:
        raise errors.InvalidArgumentError(
            None, None, f"Expected serialized to be a scalar or vector, got shape: "
                        f"{_shape_text(ser.shape)}")
    batch = ser.ndim == 1
    flat = ser.reshape(-1)
    given = [n.decode("utf-8", "replace") if isinstance(n, bytes) else str(n)
             for n in np.asarray(inputs[1], dtype=object).reshape(-1)]
    names = given if len(given) == len(flat) and any(given) else ["<unknown>"] * len(flat)
    ctx_keys = (_key_list(inputs[2]), _key_list(inputs[3]))
    fl_keys = (_key_list(inputs[5]), _key_list(inputs[6]))
    assumed_empty = [bool(v) for v in np.asarray(inputs[8]).reshape(-1)]
    defaults = inputs[9:]
    examples = []
    for s in flat:
        data = s.encode() if isinstance(s, str) else bytes(s)
        try:
            examples.append(_parts(data))
        except ValueError:
            raise errors.InvalidArgumentError(
                None, None, f"Could not parse example input, value: "
                            f"'{data.decode('latin-1')}'") from None
    ctx = _context(examples, names, ctx_keys,
                   (attrs["context_sparse_types"], attrs["Tcontext_dense"]),
                   attrs["context_dense_shapes"], defaults, batch)
    lists = _lists(examples, names, fl_keys,
                   (attrs["feature_list_sparse_types"], attrs["feature_list_dense_types"]),
                   attrs["feature_list_dense_shapes"], assumed_empty, batch)
    return ctx + lists


def _shapes(ctx):
    a = ctx.attrs
    ser = ctx.shapes[0]
    nc, nf = a["Ncontext_sparse"], a["Nfeature_list_sparse"]
    if ser is None:
        return [(None, None)] * nc + [(None,)] * nc + [(None,)] * nc + \
            [None] * len(a["Tcontext_dense"]) + [(None, None)] * nf + [(None,)] * nf + \
            [(None,)] * nf + [None] * (2 * a["Nfeature_list_dense"])
    batch = tuple(ser)
    r = len(batch)
    out = [(None, r + 1)] * nc + [(None,)] * nc + [(r + 1,)] * nc
    out += [batch + tuple(s) for s in a["context_dense_shapes"]]
    out += [(None, r + 2)] * nf + [(None,)] * nf + [(r + 2,)] * nf
    out += [batch + (None,) + tuple(s) for s in a["feature_list_dense_shapes"]]
    out += [batch] * a["Nfeature_list_dense"]
    return out


def _dtypes(ctx):
    a = ctx.attrs
    nc, nf = a["Ncontext_sparse"], a["Nfeature_list_sparse"]
    return ([dtypes.int64] * nc + list(a["context_sparse_types"]) + [dtypes.int64] * nc
            + list(a["Tcontext_dense"]) + [dtypes.int64] * nf
            + list(a["feature_list_sparse_types"]) + [dtypes.int64] * nf
            + list(a["feature_list_dense_types"]) + [dtypes.int64] * a["Nfeature_list_dense"])


def _string(value):
    return samples.known(np.array(value, dtype=object))


def _samples(dtype):
    def one(k):
        return SequenceExample(
            context=Features(feature={"c": Feature(int64_list=Int64List(value=[4, k])),
                                      "v": Feature(bytes_list=BytesList(value=[b"q"] * k))}),
            feature_lists=FeatureLists(feature_list={
                "frames": FeatureList(feature=[Feature(float_list=FloatList(value=[1.0, k]))
                                               for _ in range(k)]),
                "tokens": FeatureList(feature=[Feature(int64_list=Int64List(value=[1] * t))
                                               for t in range(k + 1)])})).SerializeToString()
    attrs = {"Ncontext_sparse": 1, "Tcontext_dense": (dtypes.int64,),
             "Nfeature_list_sparse": 1, "Nfeature_list_dense": 1,
             "context_sparse_types": (dtypes.string,), "feature_list_dense_types": (dtypes.float32,),
             "feature_list_sparse_types": (dtypes.int64,), "context_dense_shapes": ((2,),),
             "feature_list_dense_shapes": ((2,),)}
    empty = _string(np.empty(0, dtype=object))
    keys = [_string([b"v"]), _string([b"c"]), empty, _string([b"tokens"]), _string([b"frames"]),
            empty, samples.known(np.array([False]))]
    default = samples.known(np.zeros(0, np.int64))
    yield [_string(one(2)), _string(b"one")] + keys + [default], attrs
    yield [_string([one(1), one(3)]), empty] + keys + [default], attrs


register(OpDef(
    "ParseSequenceExampleV2", shape=_shapes, dtype=_dtypes, reference=parse_sequence_example_value,
    samples=_samples,
    graphdef=NodeMapping(
        ("serialized", "debug_name", "context_sparse_keys", "context_dense_keys",
         "context_ragged_keys", "feature_list_sparse_keys", "feature_list_dense_keys",
         "feature_list_ragged_keys", "feature_list_dense_missing_assumed_empty",
         InputList("context_dense_defaults", count_attr=None)),
        [Attr("Ncontext_sparse", default=0),
         Attr("Tcontext_dense", encode=list, decode=lambda v: tuple(_types(v)), default=()),
         Attr("Nfeature_list_sparse", default=0), Attr("Nfeature_list_dense", default=0),
         Attr("context_sparse_types", encode=list, decode=lambda v: tuple(_types(v)),
              default=()),
         Attr("feature_list_dense_types", encode=list, decode=lambda v: tuple(_types(v)),
              default=()),
         Attr("feature_list_sparse_types", encode=list, decode=lambda v: tuple(_types(v)),
              default=()),
         Attr("context_dense_shapes", encode=_shapes_out, decode=_shapes_in, default=()),
         Attr("feature_list_dense_shapes", encode=_shapes_out, decode=_shapes_in, default=()),
         Fixed("context_ragged_value_types", []), Fixed("context_ragged_split_types", []),
         Fixed("feature_list_ragged_value_types", []),
         Fixed("feature_list_ragged_split_types", [])])))
NotDifferentiable("ParseSequenceExampleV2")


def _build(serialized, context_features, sequence_features, names, name, scope):
    context_features = dict(context_features or {})
    sequence_features = dict(sequence_features or {})
    if not context_features and not sequence_features:
        raise ValueError("Must provide at least one context_feature or sequence_feature.")
    cs_keys, cs_types, cd = [], [], []
    for key in sorted(context_features):
        f = context_features[key]
        if isinstance(f, VarLenFeature):
            cs_keys.append(key)
            cs_types.append(_check_type(f.dtype, key))
        elif isinstance(f, FixedLenFeature):
            cd.append((key, f, tuple(as_shape(f.shape).as_list()), _check_type(f.dtype, key)))
        else:
            raise ValueError(f"Unsupported {type(f).__name__} {f} for key '{key}'")
    fs_keys, fs_types, fd = [], [], []
    for key in sorted(sequence_features):
        f = sequence_features[key]
        if isinstance(f, VarLenFeature):
            fs_keys.append(key)
            fs_types.append(_check_type(f.dtype, key))
        elif isinstance(f, FixedLenSequenceFeature):
            fd.append((key, tuple(as_shape(f.shape).as_list()), _check_type(f.dtype, key),
                       bool(f.allow_missing)))
        else:
            raise ValueError(f"Unsupported {type(f).__name__} {f} for key '{key}'")
    graph = graph_of([serialized])
    with graph.name_scope(name or scope):
        ser = string_tensor(graph, serialized, "serialized")
        if ser.shape.ndims is not None and ser.shape.ndims > 1:
            raise ValueError(f"Shape must be at most rank 1 but is rank {ser.shape.ndims}")
        defaults = [_dense_default(graph, k, f, s, t) for k, f, s, t in cd]
        empty = np.empty(0, dtype=object)
        missing = graph.create_op("Const", [], {
            "value": np.array([m for _, _, _, m in fd], dtype=bool).reshape(-1),
            "dtype": dtypes.bool}, name="feature_list_dense_missing_assumed_empty").outputs[0]
        inputs = [ser, string_tensor(graph, [] if names is None else names, "debug_name"),
                  string_tensor(graph, cs_keys, "context_sparse_keys"),
                  string_tensor(graph, [k for k, _, _, _ in cd], "context_dense_keys"),
                  string_tensor(graph, empty, "context_ragged_keys"),
                  string_tensor(graph, fs_keys, "feature_list_sparse_keys"),
                  string_tensor(graph, [k for k, _, _, _ in fd], "feature_list_dense_keys"),
                  string_tensor(graph, empty, "feature_list_ragged_keys"), missing] + defaults
        op = graph.create_op("ParseSequenceExampleV2", inputs, {
            "Ncontext_sparse": len(cs_keys), "Tcontext_dense": tuple(t for _, _, _, t in cd),
            "Nfeature_list_sparse": len(fs_keys), "Nfeature_list_dense": len(fd),
            "context_sparse_types": tuple(cs_types),
            "feature_list_dense_types": tuple(t for _, _, t, _ in fd),
            "feature_list_sparse_types": tuple(fs_types),
            "context_dense_shapes": tuple(s for _, _, s, _ in cd),
            "feature_list_dense_shapes": tuple(s for _, s, _, _ in fd)},
            name="ParseSequenceExampleV2")
    outs = iter(op.outputs)

    def sparse(keys):
        parts = [next(outs) for _ in range(3 * len(keys))]
        n = len(keys)
        return {k: SparseTensor(parts[i], parts[n + i], parts[2 * n + i])
                for i, k in enumerate(keys)}

    context = sparse(cs_keys)
    context.update({k: next(outs) for k, _, _, _ in cd})
    lists = sparse(fs_keys)
    lists.update({k: next(outs) for k, _, _, _ in fd})
    lengths = {k: next(outs) for k, _, _, _ in fd}
    return context, lists, lengths


def parse_single_sequence_example(serialized, context_features=None, sequence_features=None,
                                  example_name=None, name=None):
    """Parses a single `SequenceExample` proto.

    Returns a tuple of two dicts: the context features (parsed as
    `parse_single_example` parses an Example's features) and the sequence
    features, whose `FixedLenSequenceFeature`s are dense [frames] + shape
    tensors (a missing one is an error unless allow_missing) and whose
    `VarLenFeature`s are SparseTensors of indices [frame, index].

    Args:
      serialized: A scalar (0-D Tensor) of type string, a single binary
        serialized `SequenceExample` proto.
      context_features: A mapping of keys to `FixedLenFeature` or
        `VarLenFeature` values.
      sequence_features: A mapping of keys to `FixedLenSequenceFeature` or
        `VarLenFeature` values.
      example_name: A scalar (0-D Tensor) of strings (optional), the name
        of the serialized proto.
      name: A name for this operation (optional).

    Returns:
      A tuple of two `dict`s, each mapping keys to `Tensor`s and
      `SparseTensor`s.
    """
    graph = graph_of([serialized])
    with graph.name_scope(name or "ParseSingleExample"):
        ser = string_tensor(graph, serialized, "serialized")
        if ser.shape.ndims not in (None, 0):
            raise ValueError(f"Input serialized must be a scalar, got shape {ser.shape}")
    context, lists, _ = _build(ser, context_features, sequence_features, example_name, name,
                               "ParseSequenceExample")
    return context, lists


def parse_sequence_example(serialized, context_features=None, sequence_features=None,
                           example_names=None, name=None):
    """Parses a batch of `SequenceExample` protos.

    Returns a tuple of three dicts: the context features, the feature
    lists (FixedLenSequenceFeatures as dense [batch, longest] + shape
    tensors padded with zeros, VarLenFeatures as SparseTensors of indices
    [example, frame, index]), and each dense feature list's frame counts
    ([batch] int64).

    Args:
      serialized: A vector (1-D Tensor) of type string containing binary
        serialized `SequenceExample` protos.
      context_features: A mapping of keys to `FixedLenFeature` or
        `VarLenFeature` values.
      sequence_features: A mapping of keys to `FixedLenSequenceFeature` or
        `VarLenFeature` values.
      example_names: A vector (1-D Tensor) of strings (optional), the names
        of the serialized protos.
      name: A name for this operation (optional).

    Returns:
      A tuple of three `dict`s of `Tensor`s and `SparseTensor`s.
    """
    return _build(serialized, context_features, sequence_features, example_names, name,
                  "ParseSequenceExample")
