"""tf.strings and TF1's string functions, built from the string ops
(`fastgraph/ops/string_ops.py`); splitting and decoding give RaggedTensors
(`api/ragged.py`) or, as TF1's string_split, SparseTensors.

`STRINGS` are tf.strings' names (TF2 signatures, as `import fastgraph as
tf` users reach them), `STRINGS_V1` tf.compat.v1.strings' where they differ,
and `ROOT_V1` TF1's root aliases (tf.string_join, tf.substr, ...).
"""

import numpy as np

from ..framework import dtypes
from ..framework.constant_op import convert_to_tensor
from ..framework.graph import Tensor
from ..framework.sparse_tensor import SparseTensor, SparseTensorValue
from ..ops import array_ops
from ..ops.arguments import graph_of, make_op, to_tensor
from .ragged import RaggedTensor

__all__ = ["STRINGS", "STRINGS_V1", "ROOT_V1"]


def _str_tensor(graph, value, name=None):
    """`value` as a string tensor of `graph`: tensors as they are (the op
    checks their dtype, with TF's message), Python and NumPy values as
    string constants."""
    if isinstance(value, Tensor):
        return value
    return to_tensor(graph, value, dtype=dtypes.string, name=name)


def _unary(op_type, input, name, attrs=None):  # noqa: A002 - TF's argument name
    graph = graph_of([input])
    x = _str_tensor(graph, input)
    return make_op(graph, op_type, [x], attrs or {}, name=name or op_type).outputs[0]


def _text(value):
    return value.encode() if isinstance(value, str) else bytes(value)


def join(inputs, separator="", name=None):
    """Perform element-wise concatenation of a list of string tensors.

    Given a list of string tensors of same shape, performs element-wise
    concatenation of the strings of the same index in all tensors; scalars
    are used in every position.
    """
    if isinstance(inputs, (Tensor, str, bytes)):
        raise TypeError("Expected list for 'inputs' argument to 'StringJoin' Op, not "
                        f"{inputs!r}.")
    graph = graph_of(list(inputs))
    tensors = [_str_tensor(graph, x) for x in inputs]
    return make_op(graph, "StringJoin", tensors, {"separator": _text(separator)},
                   name=name or "StringJoin").outputs[0]


def length(input, unit="BYTE", name=None):  # noqa: A002
    """String lengths of `input`, in bytes ("BYTE") or UTF-8 characters
    ("UTF8_CHAR"), as int32."""
    if unit not in ("BYTE", "UTF8_CHAR", b"BYTE", b"UTF8_CHAR"):
        raise ValueError(f"Value for attr 'unit' of \"{unit}\" is not in the list of allowed "
                         "values: \"BYTE\", \"UTF8_CHAR\"")
    return _unary("StringLength", input, name, {"unit": _text(unit)})


def length_v1(input, name=None, unit="BYTE"):  # noqa: A002
    """TF1's `tf.strings.length` (name before unit)."""
    return length(input, unit=unit, name=name)


def lower(input, encoding="", name=None):  # noqa: A002
    """Converts all uppercase characters into their respective lowercase
    replacements: ASCII ones, or every one when `encoding` is "utf-8"."""
    return _unary("StringLower", input, name, {"encoding": _text(encoding)})


def upper(input, encoding="", name=None):  # noqa: A002
    """Converts all lowercase characters into their respective uppercase
    replacements: ASCII ones, or every one when `encoding` is "utf-8"."""
    return _unary("StringUpper", input, name, {"encoding": _text(encoding)})


def strip(input, name=None):  # noqa: A002
    """Strip leading and trailing whitespaces from the Tensor."""
    return _unary("StringStrip", input, name)


def substr(input, pos, len, unit="BYTE", name=None):  # noqa: A002 - TF's argument names
    """Return substrings from a Tensor of strings: `len` bytes (or UTF-8
    characters) from `pos` (negative: from the end) of each, `pos` and
    `len` broadcast against `input`."""
    graph = graph_of([input, pos, len])
    x = _str_tensor(graph, input)
    pos_t = to_tensor(graph, pos)
    len_t = to_tensor(graph, len, dtype=pos_t.dtype)
    return make_op(graph, "Substr", [x, pos_t, len_t], {"unit": _text(unit)},
                   name=name or "Substr").outputs[0]


def substr_v1(input, pos, len, name=None, unit="BYTE"):  # noqa: A002
    """TF1's `tf.substr` (name before unit)."""
    return substr(input, pos, len, unit=unit, name=name)


def regex_replace(input, pattern, rewrite, replace_global=True, name=None):  # noqa: A002
    """Replace elements of `input` matching regex `pattern` with `rewrite`
    (RE2 syntax; \\1 to \\9 in `rewrite` insert the groups)."""
    if isinstance(pattern, (str, bytes)) and isinstance(rewrite, (str, bytes)):
        return _unary("StaticRegexReplace", input, name or "StaticRegexReplace",
                      {"pattern": _text(pattern), "rewrite": _text(rewrite),
                       "replace_global": bool(replace_global)})
    graph = graph_of([input, pattern, rewrite])
    tensors = [_str_tensor(graph, v) for v in (input, pattern, rewrite)]
    return make_op(graph, "RegexReplace", tensors, {"replace_global": bool(replace_global)},
                   name=name or "RegexReplace").outputs[0]


def regex_full_match(input, pattern, name=None):  # noqa: A002
    """Match elements of `input` with regex `pattern` (the whole string)."""
    if isinstance(pattern, (str, bytes)):
        return _unary("StaticRegexFullMatch", input, name or "StaticRegexFullMatch",
                      {"pattern": _text(pattern)})
    graph = graph_of([input, pattern])
    tensors = [_str_tensor(graph, v) for v in (input, pattern)]
    return make_op(graph, "RegexFullMatch", tensors, name=name or "RegexFullMatch").outputs[0]


def to_number(input, out_type=dtypes.float32, name=None):  # noqa: A002
    """Converts each string in the input Tensor to the specified numeric
    type; InvalidArgumentError when one is not a number."""
    return _unary("StringToNumber", input, name, {"out_type": dtypes.as_dtype(out_type)})


def to_number_v1(string_tensor=None, out_type=dtypes.float32, name=None, input=None):  # noqa: A002
    """TF1's `tf.string_to_number`."""
    return to_number(string_tensor if input is None else input, out_type, name)


def as_string(input, precision=-1, scientific=False, shortest=False, width=-1, fill="",  # noqa: A002
              name=None):
    """Converts each entry in the given tensor to strings (printf's
    formats: `precision` digits, `width` padded with the `fill` flag,
    scientific or shortest notation for floats)."""
    graph = graph_of([input])
    x = to_tensor(graph, input)
    return make_op(graph, "AsString", [x], {
        "precision": int(precision), "scientific": bool(scientific),
        "shortest": bool(shortest), "width": int(width), "fill": _text(fill)},
        name=name or "AsString").outputs[0]


def string_format(template, inputs, placeholder="{}", summarize=3, name=None):
    """Formats a string template using a list of tensors, abbreviating each
    to its first and last `summarize` entries of each dimension."""
    if isinstance(inputs, Tensor):
        inputs = [inputs]
    inputs = list(inputs)
    if template.count(placeholder) != len(inputs):
        raise ValueError(f"The template expects {template.count(placeholder)} tensors, but the "
                         f"inputs only has {len(inputs)}. Please ensure the number of "
                         "placeholders in template matches inputs length.")
    graph = graph_of(inputs)
    tensors = [to_tensor(graph, x) for x in inputs]
    # str attrs, as TF's Python gives them (and logging_ops' tf.print builds the op)
    return make_op(graph, "StringFormat", tensors, {
        "template": _str(template), "placeholder": _str(placeholder),
        "summarize": int(summarize)}, name=name or "StringFormat").outputs[0]


def _str(value):
    return value.decode() if isinstance(value, bytes) else str(value)


def reduce_join(inputs, axis=None, keepdims=False, separator="", name=None):
    """Joins all strings into a single string, or joins along an axis (the
    first of several axes varying fastest, as TF's)."""
    graph = graph_of([inputs])
    x = _str_tensor(graph, inputs)
    with graph.as_default(), graph.name_scope(name or "ReduceJoin") as scope:
        if axis is None:
            rank = x.shape.rank
            if rank is None:
                raise NotImplementedError("reduce_join over all axes of a tensor of unknown "
                                          "rank")
            axes = convert_to_tensor(np.arange(rank - 1, -1, -1, dtype=np.int32))
        else:
            axes = convert_to_tensor(axis, dtype_hint=dtypes.int32)
        return make_op(graph, "ReduceJoin", [x, axes], {
            "keep_dims": bool(keepdims), "separator": _text(separator)},
            name=scope.rstrip("/")).outputs[0]


def reduce_join_v1(inputs, axis=None, keep_dims=None, separator="", name=None,
                   reduction_indices=None, keepdims=None):
    """TF1's `tf.reduce_join` (keep_dims and reduction_indices spellings)."""
    if keepdims is not None and keep_dims is not None:
        raise ValueError("Cannot specify both 'keepdims' and 'keep_dims'")
    if axis is not None and reduction_indices is not None:
        raise ValueError("Cannot specify both 'axis' and 'reduction_indices'")
    keep = keepdims if keepdims is not None else bool(keep_dims)
    return reduce_join(inputs, axis if axis is not None else reduction_indices, keep,
                       separator, name)


def to_hash_bucket_fast(input, num_buckets, name=None):  # noqa: A002
    """Converts each string in the input Tensor to its hash mod by a number
    of buckets (FarmHash's Fingerprint64, as TF's)."""
    return _unary("StringToHashBucketFast", input, name, {"num_buckets": int(num_buckets)})


def to_hash_bucket_strong(input, num_buckets, key, name=None):  # noqa: A002
    """Converts each string in the input Tensor to its hash mod by a number
    of buckets (SipHash-2-4 keyed with the two ints of `key`)."""
    return _unary("StringToHashBucketStrong", input, name,
                  {"num_buckets": int(num_buckets), "key": tuple(int(k) for k in key)})


def to_hash_bucket(input, num_buckets, name=None):  # noqa: A002
    """Converts each string in the input Tensor to its hash mod by a number
    of buckets (TF's legacy Hash64; prefer to_hash_bucket_fast)."""
    return _unary("StringToHashBucket", input, name or "StringToHashBucket",
                  {"num_buckets": int(num_buckets)})


def to_hash_bucket_v1(string_tensor=None, num_buckets=None, name=None, input=None):  # noqa: A002
    """TF1's `tf.string_to_hash_bucket`."""
    return to_hash_bucket(string_tensor if input is None else input, num_buckets, name)


def fingerprint(data, method="farmhash64", name=None):
    """Generates fingerprint values: 8 bytes (uint8) per row of `data`
    (FarmHash's Fingerprint64, little-endian)."""
    graph = graph_of([data])
    x = to_tensor(graph, data)
    m = to_tensor(graph, method, dtype=dtypes.string)
    return make_op(graph, "Fingerprint", [x, m], name=name or "Fingerprint").outputs[0]


# ---- splitting --------------------------------------------------------------------------

def _split_sparse(op_type, source, sep, attrs, name):
    graph = graph_of([source, sep])
    x = _str_tensor(graph, source)
    sep_t = _str_tensor(graph, sep)
    indices, values, shape = make_op(graph, op_type, [x, sep_t], attrs,
                                     name=name or op_type).outputs
    return SparseTensor(indices, values, shape)


def _ragged_of(sparse):
    return RaggedTensor.from_value_rowids(sparse.values, sparse.indices[:, 0],
                                          nrows=sparse.dense_shape[0])


def _rank_of(x):
    rank = x.shape.rank
    if rank is not None and rank > 1:
        raise NotImplementedError("fastgraph splits scalars and vectors of strings only "
                                  f"(got rank {rank})")
    return rank


def split(input, sep=None, maxsplit=-1, name=None):  # noqa: A002
    """Split elements of `input` based on `sep` into a `RaggedTensor` (on
    runs of whitespace when `sep` is None or empty, as Python's str.split);
    a scalar gives the tokens as a vector."""
    graph = graph_of([input])
    x = _str_tensor(graph, input)
    with graph.as_default(), graph.name_scope(name or "StringSplit"):
        if _rank_of(x) == 0:
            x = array_ops.expand_dims(x, 0)
            sparse = _split_sparse("StringSplitV2", x, "" if sep is None else sep,
                                   {"maxsplit": int(maxsplit)}, None)
            return sparse.values
        sparse = _split_sparse("StringSplitV2", x, "" if sep is None else sep,
                               {"maxsplit": int(maxsplit)}, None)
        return _ragged_of(sparse)


def split_v1(input=None, sep=None, maxsplit=-1, result_type="SparseTensor", source=None,  # noqa: A002
             name=None):
    """TF1's `tf.strings.split`: a SparseTensor (or a RaggedTensor with
    result_type="RaggedTensor") of the tokens of each string."""
    if input is not None and source is not None:
        raise ValueError("Cannot specify both 'input' and 'source'")
    value = input if input is not None else source
    if result_type not in ("SparseTensor", "RaggedTensor"):
        raise ValueError("result_type must be 'RaggedTensor' or 'SparseTensor'.")
    graph = graph_of([value])
    x = _str_tensor(graph, value)
    with graph.as_default(), graph.name_scope(name or "StringSplit"):
        if _rank_of(x) == 0:
            x = array_ops.expand_dims(x, 0)
        sparse = _split_sparse("StringSplitV2", x, "" if sep is None else sep,
                               {"maxsplit": int(maxsplit)}, None)
        return sparse if result_type == "SparseTensor" else _ragged_of(sparse)


def string_split(source, sep=None, skip_empty=True, delimiter=None, result_type="SparseTensor",
                 name=None):
    """TF1's `tf.string_split`: each string split at every byte of `sep`
    (default " "; into single bytes when empty), as a SparseTensor (or a
    RaggedTensor with result_type="RaggedTensor")."""
    if sep is not None and delimiter is not None:
        raise ValueError("Cannot specify both 'sep' and 'delimiter'")
    sep = delimiter if sep is None else sep
    if sep is None:
        sep = " "
    if result_type not in ("SparseTensor", "RaggedTensor"):
        raise ValueError("result_type must be 'RaggedTensor' or 'SparseTensor'.")
    graph = graph_of([source])
    with graph.as_default(), graph.name_scope(name or "StringSplit"):
        sparse = _split_sparse("StringSplit", source, sep, {"skip_empty": bool(skip_empty)},
                               None)
        return sparse if result_type == "SparseTensor" else _ragged_of(sparse)


def bytes_split(input, name=None):  # noqa: A002
    """Split string elements of `input` into bytes: a RaggedTensor of the
    bytes of each string of a vector (a vector for a scalar)."""
    graph = graph_of([input])
    x = _str_tensor(graph, input)
    with graph.as_default(), graph.name_scope(name or "StringsByteSplit"):
        scalar = _rank_of(x) == 0
        if scalar:
            x = array_ops.expand_dims(x, 0)
        sparse = _split_sparse("StringSplit", x, "", {"skip_empty": False}, None)
        return sparse.values if scalar else _ragged_of(sparse)


def unicode_decode(input, input_encoding, errors="replace", replacement_char=65533,  # noqa: A002
                   replace_control_characters=False, name=None):
    """Decodes each string in `input` into a sequence of Unicode code points
    (int32): a RaggedTensor for a vector, a vector for a scalar."""
    graph = graph_of([input])
    x = _str_tensor(graph, input)
    with graph.as_default(), graph.name_scope(name or "UnicodeDecode"):
        scalar = _rank_of(x) == 0
        flat = array_ops.reshape(x, [-1])
        splits, chars = make_op(graph, "UnicodeDecode", [flat], {
            "input_encoding": _text(input_encoding), "errors": _text(errors),
            "replacement_char": int(replacement_char),
            "replace_control_characters": bool(replace_control_characters),
            "Tsplits": dtypes.int64}, name="UnicodeDecode").outputs
        return chars if scalar else RaggedTensor.from_row_splits(chars, splits)


STRINGS = {
    "join": join, "split": split, "length": length, "lower": lower, "upper": upper,
    "strip": strip, "substr": substr, "regex_replace": regex_replace,
    "regex_full_match": regex_full_match, "to_number": to_number, "as_string": as_string,
    "format": string_format, "reduce_join": reduce_join,
    "to_hash_bucket_fast": to_hash_bucket_fast, "to_hash_bucket_strong": to_hash_bucket_strong,
    "to_hash_bucket": to_hash_bucket, "unicode_decode": unicode_decode,
    "bytes_split": bytes_split,
}
STRINGS_V1 = dict(STRINGS, split=split_v1, length=length_v1, substr=substr_v1,
                  reduce_join=reduce_join_v1, to_number=to_number_v1,
                  to_hash_bucket=to_hash_bucket_v1)
ROOT_V1 = {
    "string_join": join, "string_split": string_split, "substr": substr_v1,
    "regex_replace": regex_replace, "string_to_number": to_number_v1, "as_string": as_string,
    "reduce_join": reduce_join_v1, "string_strip": strip,
    "string_to_hash_bucket_fast": to_hash_bucket_fast,
    "string_to_hash_bucket_strong": to_hash_bucket_strong,
    "string_to_hash_bucket": to_hash_bucket_v1, "fingerprint": fingerprint,
    "RaggedTensor": RaggedTensor, "SparseTensor": SparseTensor,
    "SparseTensorValue": SparseTensorValue,
}
