"""String ops: joining, splitting, case, stripping, substrings, regular
expressions, number conversion both ways, formatting, reductions and hashes.

Every op here takes or gives a `tf.string`, so the session computes it on
the host through its NumPy `reference` (staged_run.py): string tensors are
object arrays of bytes. The public functions (`tf.strings.*` and TF1's
root aliases) are in `fastgraph/strings.py`; those that give ragged or
sparse results are in `fastgraph/api/string_ops.py`.
"""

import math
import re

import numpy as np

from ..framework import dtypes, errors
from ..framework.fingerprint import fingerprint64, legacy_hash64, siphash24
from ..framework.graphdef_mapping import Attr, Derived, InputList, NodeMapping, TypeAttr
from ..framework.op_registry import NOT_DIFFERENTIABLE, Accepts, OpDef, register
from . import samples
from .tensor_text import format_tensor

__all__ = []  # the public functions are tf.strings' (fastgraph/strings.py)

_STRING = (dtypes.string,)
_INDEX = (dtypes.int32, dtypes.int64)
_NUMBERS_OUT = (dtypes.float32, dtypes.float64, dtypes.int32, dtypes.int64)
# AsString's T (TF also takes complex and half, which fastgraph has no kernels for).
_AS_STRING_IN = (dtypes.float32, dtypes.float64, dtypes.int32, dtypes.uint8, dtypes.int16,
                 dtypes.int8, dtypes.int64, dtypes.bool, dtypes.string)
_WHITESPACE = b" \t\n\v\f\r"


def _invalid(message):
    return errors.InvalidArgumentError(None, None, message)


def _flat(value):
    """The elements of a string tensor value, as a list of bytes."""
    return [bytes(v) for v in np.asarray(value, dtype=object).reshape(-1)]


def _strings(shape, items):
    """An object array of `shape` holding `items` (bytes) in order."""
    out = np.empty(shape, dtype=object)
    out.reshape(-1)[:] = list(items) if len(items) else []
    return out


def _shape_text(shape):
    return "[" + ",".join(str(d) for d in shape) + "]"


def _same_shape(ctx):
    return [ctx.shapes[0]]


def _string_out(ctx):
    return [dtypes.string]


def _words(shape, seed):
    return samples.values(dtypes.string, shape, seed)


def _register(op_type, *, shape=_same_shape, dtype=_string_out, reference, sampler, graphdef,
              accepts=None):
    register(OpDef(op_type, shape=shape, dtype=dtype, reference=reference,
                   dtypes=accepts or [Accepts("input", _STRING)], samples=sampler,
                   gradient=NOT_DIFFERENTIABLE, graphdef=graphdef))


def _elementwise(fn):
    """A reference applying `fn(bytes) -> bytes` to each element of input 0."""
    def reference(inputs, attrs):
        x = np.asarray(inputs[0], dtype=object)
        return [_strings(x.shape, [fn(s, attrs) for s in _flat(x)])]
    return reference


def _unary_samples(dtype):
    yield [_words((), 1)], {}
    yield [samples.known(np.array([b"Hello World", b" \tMiXeD 12 \n", b""], dtype=object))], {}
    yield [_words((2, 3), 2)], {}


# ---- StringJoin ----------------------------------------------------------------

def _join_shape(ctx):
    out = ()
    for shape in ctx.shapes:
        if shape is None:
            return [None]
        if len(shape) == 0:
            continue
        if out == ():
            out = shape
            continue
        if len(shape) != len(out):
            raise ValueError(f"Shapes must be equal rank, but are {len(out)} and {len(shape)}")
        merged = []
        for i, (a, b) in enumerate(zip(out, shape)):
            if a is not None and b is not None and a != b:
                raise ValueError(f"Dimension {i} in both shapes must be equal, but are {a} and "
                                 f"{b}. Shapes are {_shape_text(out)} and {_shape_text(shape)}.")
            merged.append(a if a is not None else b)
        out = tuple(merged)
    return [out]


def string_join_value(inputs, attrs):
    """TF's StringJoin: the elementwise concatenation of `inputs` (scalars
    or one shape), with `separator` between."""
    arrays = [np.asarray(x, dtype=object) for x in inputs]
    shape = ()
    for a in arrays:
        if a.ndim:
            if shape and a.shape != shape:
                raise _invalid(f"Input shapes do not match: {_shape_text(shape)} vs. "
                               f"{_shape_text(a.shape)}")
            shape = a.shape
    sep = _as_bytes(attrs.get("separator", b""))
    cols = [_flat(np.broadcast_to(a, shape)) for a in arrays]
    n = int(np.prod(shape, dtype=np.int64))
    return [_strings(shape, [sep.join(c[i] for c in cols) for i in range(n)])]


def _as_bytes(v):
    return v.encode() if isinstance(v, str) else bytes(v)


def _join_samples(dtype):
    yield [_words((3,), 1), _words((), 2)], {"separator": b"-"}
    yield [_words((2, 2), 3), _words((2, 2), 4), _words((2, 2), 5)], {"separator": b""}


_register("StringJoin", shape=_join_shape, reference=string_join_value, sampler=_join_samples,
          accepts=[Accepts("inputs", _STRING, input=slice(None))],
          graphdef=NodeMapping((InputList("inputs"),), [Attr("separator", default=b"")]))


# ---- ReduceJoin ----------------------------------------------------------------

def _reduction_dims(indices, rank, build_time=False):
    out = []
    for a in np.asarray(indices).reshape(-1).tolist():
        a = int(a)
        if not -rank <= a < rank:
            if build_time:  # TF's shape function, then its kernel, say it so
                raise ValueError(f"Invalid reduction dimension {a} for input with {rank} "
                                 "dimensions.")
            raise _invalid(f"Invalid reduction dimension {a} for input with {rank} "
                           "dimension(s)")
        a %= rank
        if a in out:
            if build_time:
                return None  # TF finds duplicates when it runs

            raise _invalid(f"Duplicate reduction dimension {a}")
        out.append(a)
    return out


def _reduce_join_shape(ctx):
    shape, axes = ctx.shapes[0], ctx.values[1]
    if shape is None or axes is None:
        return [None]
    dims = _reduction_dims(axes, len(shape), build_time=True)
    if dims is None:
        return [None]
    if ctx.attrs.get("keep_dims", False):
        return [tuple(1 if i in dims else d for i, d in enumerate(shape))]
    return [tuple(d for i, d in enumerate(shape) if i not in dims)]


def reduce_join_value(inputs, attrs):
    """TF's ReduceJoin: joins the strings over the reduction dimensions, the
    first listed varying fastest (TF's order: [0, 1] of [[a, b], [c, d]] is
    "acbd")."""
    x = np.asarray(inputs[0], dtype=object)
    dims = _reduction_dims(inputs[1], x.ndim)
    kept = [i for i in range(x.ndim) if i not in dims]
    moved = np.transpose(x, kept + dims[::-1]) if x.ndim else x
    out_shape = tuple(x.shape[i] for i in kept)
    n_out = int(np.prod(out_shape, dtype=np.int64))
    rows = moved.reshape(n_out, -1) if n_out else np.empty((0, 0), dtype=object)
    sep = _as_bytes(attrs.get("separator", b""))
    joined = [sep.join(_flat(r)) for r in rows]
    if attrs.get("keep_dims", False):
        out_shape = tuple(1 if i in dims else d for i, d in enumerate(x.shape))
    return [_strings(out_shape, joined)]


def _reduce_join_samples(dtype):
    x = _words((2, 3), 1)
    for axes, keep in (([1], False), ([0], True), ([0, 1], False), ([1, 0], False), ([], False),
                       ([-1], True)):
        yield [x, samples.known(np.array(axes, np.int32))], {"keep_dims": keep,
                                                             "separator": b"."}


_register("ReduceJoin", shape=_reduce_join_shape, reference=reduce_join_value,
          sampler=_reduce_join_samples, accepts=[Accepts("inputs", _STRING)],
          graphdef=NodeMapping(("inputs", "reduction_indices"),
                               [Attr("keep_dims", default=False),
                                Attr("separator", default=b"")]))


# ---- case, strip, length ---------------------------------------------------------

def _lower(s, attrs):
    if _as_bytes(attrs.get("encoding", b"")).lower() in (b"utf-8", b"utf8"):
        return s.decode("utf-8", "surrogateescape").lower().encode("utf-8", "surrogateescape")
    return s.lower()  # bytes.lower changes ASCII letters only, as TF's default


def _upper(s, attrs):
    if _as_bytes(attrs.get("encoding", b"")).lower() in (b"utf-8", b"utf8"):
        return s.decode("utf-8", "surrogateescape").upper().encode("utf-8", "surrogateescape")
    return s.upper()


_CASE = NodeMapping(("input",), [Attr("encoding", default=b"")])
_register("StringLower", reference=_elementwise(_lower), sampler=_unary_samples, graphdef=_CASE)
_register("StringUpper", reference=_elementwise(_upper), sampler=_unary_samples, graphdef=_CASE)
_register("StringStrip", reference=_elementwise(lambda s, attrs: s.strip(_WHITESPACE)),
          sampler=_unary_samples, graphdef=NodeMapping(("input",), []))


def utf8_length(s):
    """The number of UTF-8 characters of `s`: its bytes that do not
    continue a character (as TF counts them, valid or not)."""
    return sum(1 for b in s if b & 0xC0 != 0x80)


def _check_unit(unit):
    unit = _as_bytes(unit)
    if unit not in (b"BYTE", b"UTF8_CHAR"):
        raise ValueError(f"unit must be one of BYTE, UTF8_CHAR, got {unit.decode()}")
    return unit


def string_length_value(inputs, attrs):
    """TF's StringLength: bytes, or UTF-8 characters, of each string."""
    x = np.asarray(inputs[0], dtype=object)
    utf8 = _check_unit(attrs.get("unit", b"BYTE")) == b"UTF8_CHAR"
    return [np.array([utf8_length(s) if utf8 else len(s) for s in _flat(x)],
                     dtype=np.int32).reshape(x.shape)]


def _length_samples(dtype):
    word = samples.known(np.array(["h\u00e9llo".encode(), b"", b"abc"], dtype=object))
    yield [word], {"unit": b"BYTE"}
    yield [word], {"unit": b"UTF8_CHAR"}
    yield [_words((2, 2), 1)], {"unit": b"BYTE"}


_register("StringLength", dtype=lambda ctx: [dtypes.int32], reference=string_length_value,
          sampler=_length_samples, graphdef=NodeMapping(("input",), [Attr("unit", default=b"BYTE")]))


# ---- Substr ----------------------------------------------------------------------

def _utf8_starts(s):
    return [i for i, b in enumerate(s) if b & 0xC0 != 0x80]


def substr_value(inputs, attrs):
    """TF's Substr: `len` bytes (or UTF-8 characters) of each string from
    `pos` (negative: from the end), broadcast against `pos` and `len`."""
    x = np.asarray(inputs[0], dtype=object)
    pos, length = (np.asarray(v) for v in inputs[1:3])
    if pos.shape != length.shape:
        raise _invalid(f"pos and len should have the same shape, got: {_shape_text(pos.shape)} "
                       f"vs. {_shape_text(length.shape)}")
    utf8 = _check_unit(attrs.get("unit", b"BYTE")) == b"UTF8_CHAR"
    try:
        shape = np.broadcast_shapes(x.shape, pos.shape)
    except ValueError:
        raise _invalid(f"Incompatible shapes: {_shape_text(x.shape)} vs. "
                       f"{_shape_text(pos.shape)}") from None
    xs = _flat(np.broadcast_to(x, shape))
    ps = np.broadcast_to(pos, shape).reshape(-1).tolist()
    ls = np.broadcast_to(length, shape).reshape(-1).tolist()
    out = []
    for i, (s, p, n) in enumerate(zip(xs, ps, ls)):
        starts = _utf8_starts(s) if utf8 else None
        size = len(starts) if utf8 else len(s)
        if p < 0:
            p += size
        if not 0 <= p <= size:
            raise _invalid(f"pos {ps[i]} out of range for string b'{_escaped(s)}' at index {i}")
        end = size if n < 0 else min(size, p + n)
        if utf8:
            bounds = starts + [len(s)]
            out.append(s[bounds[p]:bounds[end]])
        else:
            out.append(s[p:end])
    return [_strings(shape, out)]


def _escaped(s):
    """`s` as C's CEscape writes it in TF's messages."""
    return "".join(chr(b) if 32 <= b < 127 and b not in (34, 39, 92) else
                   {9: "\\t", 10: "\\n", 13: "\\r", 34: '\\"', 39: "\\'", 92: "\\\\"}.get(
                       b, f"\\{b:03o}") for b in s)


def _substr_samples(dtype):
    words = samples.known(np.array([b"hello", b"ab", b"xyz"], dtype=object))
    for itype in (np.int32, np.int64):
        yield [words, samples.known(np.array(1, itype)), samples.known(np.array(2, itype))], \
            {"unit": b"BYTE"}
        yield [words, samples.known(np.array([0, -1, 3], itype)),
               samples.known(np.array([9, 1, 0], itype))], {"unit": b"BYTE"}
    yield [samples.known(np.array(["h\u00e9llo".encode()], dtype=object)),
           samples.known(np.array(1, np.int32)), samples.known(np.array(2, np.int32))], \
        {"unit": b"UTF8_CHAR"}


def _broadcast_shape(ctx):
    shapes = [ctx.shapes[0], ctx.shapes[1]]
    if any(s is None for s in shapes):
        return [None]
    rank = max(len(s) for s in shapes)
    padded = [(1,) * (rank - len(s)) + tuple(s) for s in shapes]
    out = []
    for a, b in zip(*padded):
        if a == 1 or a == b:
            out.append(b)
        elif b == 1:
            out.append(a)
        elif a is None or b is None:
            out.append(a if b is None else b)  # the known one, unless the other is 1
        else:
            raise ValueError(f"Incompatible shapes: {_shape_text(shapes[0])} vs. "
                             f"{_shape_text(shapes[1])}")
    return [tuple(out)]


_register("Substr", shape=_broadcast_shape, reference=substr_value, sampler=_substr_samples,
          accepts=[Accepts("input", _STRING), Accepts("pos", _INDEX, input=1)],
          graphdef=NodeMapping(("input", "pos", "len"), [TypeAttr("T", input=1),
                                                         Attr("unit", default=b"BYTE")]))


# ---- regular expressions -----------------------------------------------------------

def compile_pattern(pattern):
    """`pattern` (RE2 syntax, bytes) as a Python regex over text decoded
    from UTF-8 (bytes that are not UTF-8 kept as surrogates), with RE2's
    ASCII classes; InvalidArgumentError as TF's for a bad one."""
    text = _as_bytes(pattern).decode("utf-8", "surrogateescape")
    try:
        return re.compile(text, re.ASCII)
    except re.error as e:
        raise _invalid(f"Invalid pattern: {text}, error: {e.msg}") from None


def _rewrite_fn(rewrite):
    """A replacement function for RE2's rewrite string: \\0 to \\9 are the
    groups, \\\\ a backslash."""
    text = _as_bytes(rewrite).decode("utf-8", "surrogateescape")
    parts = []  # str literals and int group numbers
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            if nxt.isdigit():
                parts.append(int(nxt))
                i += 2
                continue
            if nxt == "\\":
                parts.append("\\")
                i += 2
                continue
            raise _invalid(f"Invalid rewrite pattern: {text}")
        parts.append(c)
        i += 1

    def replace(match):
        return "".join(p if isinstance(p, str) else (match.group(p) or "") for p in parts)
    return replace


def _decoded(s):
    return s.decode("utf-8", "surrogateescape")


def _encoded(t):
    return t.encode("utf-8", "surrogateescape")


def _regex_replace(x, pattern, rewrite, replace_global):
    regex = compile_pattern(pattern)
    groups = [p for p in re.findall(r"\\(\d)", _decoded(_as_bytes(rewrite)))]
    for g in groups:
        if int(g) > regex.groups:
            raise _invalid(f"Invalid rewrite pattern: {_decoded(_as_bytes(rewrite))}")
    fn = _rewrite_fn(rewrite)
    x = np.asarray(x, dtype=object)
    if replace_global:
        out = [_encoded(global_replace(regex, fn, _decoded(s))) for s in _flat(x)]
    else:
        out = [_encoded(regex.sub(fn, _decoded(s), count=1)) for s in _flat(x)]
    return [_strings(x.shape, out)]


def global_replace(regex, fn, text):
    """RE2's GlobalReplace: every non-overlapping match replaced, except an
    empty match right where the previous match ended (Python's re.sub
    takes that one; "x*" over "Text" is "-T-e-t-" in RE2)."""
    out, p, last_end, count = [], 0, -1, 0
    while p <= len(text):
        m = regex.search(text, p)
        if m is None:
            break
        if p < m.start():
            out.append(text[p:m.start()])
        if m.start() == m.end() == last_end:
            if p >= len(text):
                break
            out.append(text[p])
            p += 1
            continue
        out.append(fn(m))
        p = last_end = m.end()
        count += 1
    if count == 0:
        return text
    out.append(text[p:])
    return "".join(out)


def _scalar_bytes(value):
    return bytes(np.asarray(value, dtype=object).reshape(-1)[0])


def regex_replace_value(inputs, attrs):
    """TF's RegexReplace: `rewrite` in place of the matches of `pattern`
    (the first only unless `replace_global`)."""
    return _regex_replace(inputs[0], _scalar_bytes(inputs[1]), _scalar_bytes(inputs[2]),
                          attrs.get("replace_global", True))


def static_regex_replace_value(inputs, attrs):
    """TF's StaticRegexReplace: RegexReplace with the pattern and rewrite as attrs."""
    return _regex_replace(inputs[0], attrs["pattern"], attrs["rewrite"],
                          attrs.get("replace_global", True))


def _full_match(x, pattern):
    regex = compile_pattern(pattern)
    x = np.asarray(x, dtype=object)
    return [np.array([regex.fullmatch(_decoded(s)) is not None for s in _flat(x)],
                     dtype=bool).reshape(x.shape)]


_REGEX_WORDS = np.array([b"abcabc", b"Text <b>bold</b>", b"", b"xyz"], dtype=object)


def _regex_replace_samples(dtype):
    words = samples.known(_REGEX_WORDS)
    for pattern, rewrite, glob in ((b"(b)(c)", b"<\\2\\1\\0\\\\>", True), (b"<[^>]+>", b" ", True),
                                   (b"x*", b"-", True), (b"b", b"X", False)):
        yield [words, samples.known(np.array(pattern, dtype=object)),
               samples.known(np.array(rewrite, dtype=object))], {"replace_global": glob}


def _static_regex_replace_samples(dtype):
    for (words, pattern, rewrite), attrs in _regex_replace_samples(dtype):
        yield [words], dict(attrs, pattern=bytes(pattern[()]), rewrite=bytes(rewrite[()]))


def _full_match_samples(dtype):
    for pattern in (b"a.c.*", b"[a-z]*", b"T\\w+ <b>.*"):
        yield [samples.known(_REGEX_WORDS), samples.known(np.array(pattern, dtype=object))], {}


def _static_full_match_samples(dtype):
    for (words, pattern), _ in _full_match_samples(dtype):
        yield [words], {"pattern": bytes(pattern[()])}


_register("RegexReplace", reference=regex_replace_value, sampler=_regex_replace_samples,
          graphdef=NodeMapping(("input", "pattern", "rewrite"),
                               [Attr("replace_global", default=True)]))
_register("StaticRegexReplace", reference=static_regex_replace_value,
          sampler=_static_regex_replace_samples,
          graphdef=NodeMapping(("input",), [Attr("pattern"), Attr("rewrite"),
                                            Attr("replace_global", default=True)]))
_BOOL_OUT = dict(dtype=lambda ctx: [dtypes.bool])
_register("RegexFullMatch", **_BOOL_OUT,
          reference=lambda inputs, attrs: _full_match(inputs[0], _scalar_bytes(inputs[1])),
          sampler=_full_match_samples, graphdef=NodeMapping(("input", "pattern"), []))
_register("StaticRegexFullMatch", **_BOOL_OUT,
          reference=lambda inputs, attrs: _full_match(inputs[0], attrs["pattern"]),
          sampler=_static_full_match_samples, graphdef=NodeMapping(("input",), [Attr("pattern")]))


# ---- StringToNumber ---------------------------------------------------------------

_FLOAT_TEXT = re.compile(rb"[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf|infinity|nan)",
                         re.IGNORECASE)
_HEX_FLOAT_TEXT = re.compile(rb"[+-]?0x(?:[0-9a-f]+\.?[0-9a-f]*|\.[0-9a-f]+)(?:p[+-]?\d+)?",
                             re.IGNORECASE)
_INT_TEXT = re.compile(rb"[+-]?\d+")


def parse_number(s, dtype):
    """`s` as TF's StringToNumber reads a number of `dtype`: surrounding
    ASCII whitespace allowed; floats in decimal, hex, inf or nan (out of
    range: inf); integers in decimal within the type's range. None when it
    does not parse."""
    t = s.strip(_WHITESPACE)
    if dtype.is_floating:
        if _FLOAT_TEXT.fullmatch(t):
            v = float(t)
        elif _HEX_FLOAT_TEXT.fullmatch(t):
            v = float.fromhex(t.decode())
        else:
            return None
        with np.errstate(over="ignore"):
            return dtype.np_dtype.type(v)
    if not _INT_TEXT.fullmatch(t):
        return None
    v = int(t)
    info = np.iinfo(dtype.np_dtype)
    return v if info.min <= v <= info.max else None


def string_to_number_value(inputs, attrs):
    """TF's StringToNumber: each string as a number of `out_type`;
    InvalidArgumentError for one that is not."""
    x = np.asarray(inputs[0], dtype=object)
    dtype = attrs.get("out_type", dtypes.float32)
    out = []
    for s in _flat(x):
        v = parse_number(s, dtype)
        if v is None:
            raise _invalid("StringToNumberOp could not correctly convert string: "
                           + s.decode("utf-8", "replace"))
        out.append(v)
    return [np.array(out, dtype=dtype.np_dtype).reshape(x.shape)]


def _to_number_samples(dtype):
    floats = samples.known(np.array([b"1.5", b" -2e3 ", b"inf", b"0x10", b".5", b"NaN"],
                                    dtype=object))
    ints = samples.known(np.array([b"12", b" -7", b"+3 ", b"2147483647"], dtype=object))
    for out_type in (dtypes.float32, dtypes.float64):
        yield [floats], {"out_type": out_type}
    for out_type in (dtypes.int32, dtypes.int64):
        yield [ints], {"out_type": out_type}


register(OpDef("StringToNumber", shape=_same_shape,
               dtype=lambda ctx: [ctx.attrs.get("out_type", dtypes.float32)],
               reference=string_to_number_value,
               dtypes=[Accepts("string_tensor", _STRING), Accepts("out_type", _NUMBERS_OUT,
                                                                  attr="out_type")],
               samples=_to_number_samples, gradient=NOT_DIFFERENTIABLE,
               graphdef=NodeMapping(("string_tensor",), [Attr("out_type",
                                                              default=dtypes.float32)])))


# ---- AsString ------------------------------------------------------------------------

def as_string_format(dtype, attrs):
    """The printf format TF's AsString writes elements of `dtype` with;
    InvalidArgumentError for attrs it refuses, in TF's words."""
    precision = int(attrs.get("precision", -1))
    scientific = bool(attrs.get("scientific", False))
    shortest = bool(attrs.get("shortest", False))
    width = int(attrs.get("width", -1))
    fill = _as_bytes(attrs.get("fill", b"")).decode("utf-8", "replace")
    if len(fill) > 1:
        raise _invalid("Fill string must be one or fewer characters")
    if scientific and shortest:
        raise _invalid("Cannot select both scientific and shortest notation")
    if not dtype.is_floating and dtype != dtypes.string and (scientific or shortest):
        raise _invalid(f"scientific and shortest format not supported for datatype "
                       f"{dtype.name}")
    if not dtype.is_floating and precision > -1:
        raise _invalid(f"precision not supported for datatype {dtype.name}")
    fmt = "%"
    if fill:
        if fill not in " +-0#":
            raise _invalid(f'Fill argument not supported: "{fill}"')
        fmt += fill
    if width > -1:
        fmt += str(width)
    if precision > -1:
        fmt += f".{precision}"
    if dtype.is_floating:
        fmt += "g" if shortest else "e" if scientific else "f"
    elif dtype == dtypes.bool or dtype == dtypes.string:
        fmt += "s"
    else:
        fmt += "d"
    return fmt


def _c_float_text(fmt, v, flags, width):
    """C's printf of one double: Python's % for finite values; inf and nan
    as C spells them (no precision, padded with spaces even under the 0
    flag, + or space flags kept)."""
    if math.isfinite(v):
        return fmt % v
    if math.copysign(1.0, v) < 0:
        sign = "-"
    else:
        sign = "+" if "+" in flags else " " if " " in flags else ""
    text = sign + ("nan" if math.isnan(v) else "inf")
    return ("%" + ("-" if "-" in flags else "") + (str(width) if width > -1 else "") + "s") % text


def as_string_value(inputs, attrs):
    """TF's AsString: each element as text."""
    x = np.asarray(inputs[0])
    dtype = dtypes.string if x.dtype == object else dtypes.as_dtype(x.dtype)
    fmt = as_string_format(dtype, attrs)
    flags = _as_bytes(attrs.get("fill", b"")).decode("utf-8", "replace")
    width = int(attrs.get("width", -1))
    flat = x.reshape(-1)
    if dtype.is_floating:
        out = [_c_float_text(fmt, float(v), flags, width) for v in flat]
    elif dtype == dtypes.bool:  # TF writes bools as they are, without width or fill
        out = ["true" if v else "false" for v in flat]
    elif dtype == dtypes.string:
        out = [fmt % bytes(v).decode("utf-8", "surrogateescape") for v in flat]
    else:
        out = [fmt % int(v) for v in flat]
    return [_strings(x.shape, [_encoded(t) for t in out])]


def _as_string_samples(dtype):
    if dtype == dtypes.string:
        yield [_words((3,), 1)], {"width": 4}
        yield [_words((), 2)], {}
        return
    x = samples.values(dtype, (2, 3), 1)
    yield [x], {}
    yield [x], {"width": 6, "fill": b"0" if dtype != dtypes.bool else b""}
    yield [samples.values(dtype, (), 2)], {"width": 3, "fill": b"-"}
    if dtype.is_floating:
        yield [x], {"precision": 2, "scientific": True}
        yield [x], {"shortest": True}
        yield [x], {"precision": 3, "width": 9, "fill": b" "}


register(OpDef("AsString", shape=_same_shape, dtype=_string_out, reference=as_string_value,
               dtypes=[Accepts("input", _AS_STRING_IN)], samples=_as_string_samples,
               gradient=NOT_DIFFERENTIABLE,
               graphdef=NodeMapping(("input",), [
                   TypeAttr("T", input=0), Attr("precision", default=-1),
                   Attr("scientific", default=False), Attr("shortest", default=False),
                   Attr("width", default=-1), Attr("fill", default=b"")])))


# ---- StringFormat -----------------------------------------------------------------------

def string_format_value(inputs, attrs):
    """TF's StringFormat: `template` with each `placeholder` replaced by the
    next input, summarized."""
    template = _as_bytes(attrs.get("template", b"%s")).decode("utf-8", "surrogateescape")
    placeholder = _as_bytes(attrs.get("placeholder", b"%s")).decode("utf-8", "surrogateescape")
    summarize = int(attrs.get("summarize", 3))
    pieces = template.split(placeholder)
    if len(pieces) - 1 != len(inputs):
        raise _invalid(f"num placeholders in template and num inputs must match: "
                       f"{len(pieces) - 1} vs. {len(inputs)}")
    out = pieces[0]
    for piece, value in zip(pieces[1:], inputs):
        out += format_tensor(value, summarize) + piece
    return [np.array(_encoded(out), dtype=object)]


def _format_samples(dtype):
    yield [samples.values(dtype, (10,), 1)], {"template": b"x: {}", "placeholder": b"{}",
                                              "summarize": 3}
    yield [samples.values(dtype, (3, 4, 5), 2), samples.values(dtype, (), 3)], {
        "template": b"a {} b {}!", "placeholder": b"{}", "summarize": 2}
    yield [samples.values(dtype, (2, 2), 4)], {"template": b"<%s>", "placeholder": b"%s",
                                               "summarize": -1}


register(OpDef("StringFormat", shape=lambda ctx: [()], dtype=_string_out,
               reference=string_format_value, samples=_format_samples,
               gradient=NOT_DIFFERENTIABLE,
               graphdef=NodeMapping((InputList("inputs", count_attr=None),), [
                   Derived("T", lambda op: [t.dtype for t in op.inputs]),
                   Attr("template", default=b"%s"), Attr("placeholder", default=b"%s"),
                   Attr("summarize", default=3)])))


# ---- hashes -------------------------------------------------------------------------------

def _hash_value(hash_fn):
    def reference(inputs, attrs):
        x = np.asarray(inputs[0], dtype=object)
        n = int(attrs["num_buckets"])
        return [np.array([hash_fn(s, attrs) % n for s in _flat(x)],
                         dtype=np.int64).reshape(x.shape)]
    return reference


def _strong(s, attrs):
    key = list(attrs["key"])
    if len(key) != 2:
        raise _invalid("Key must have 2 elements")
    return siphash24(key, s)


def _hash_samples(dtype):
    words = samples.known(np.array([b"", b"a", b"hello world", b"x" * 70, b"\xff\x00z"],
                                   dtype=object))
    for n in (1, 7, 1 << 40):
        yield [words], {"num_buckets": n}
    yield [_words((2, 3), 1)], {"num_buckets": 3}


def _strong_samples(dtype):
    for (words,), attrs in _hash_samples(dtype):
        yield [words], dict(attrs, key=(123, 456))


_INT64_OUT = dict(dtype=lambda ctx: [dtypes.int64])
_register("StringToHashBucketFast", **_INT64_OUT,
          reference=_hash_value(lambda s, attrs: fingerprint64(s)), sampler=_hash_samples,
          graphdef=NodeMapping(("input",), [Attr("num_buckets")]))
_register("StringToHashBucketStrong", **_INT64_OUT, reference=_hash_value(_strong),
          sampler=_strong_samples,
          graphdef=NodeMapping(("input",), [Attr("num_buckets"), Attr("key")]))
_register("StringToHashBucket", **_INT64_OUT,
          reference=_hash_value(lambda s, attrs: legacy_hash64(s)), sampler=_hash_samples,
          accepts=[Accepts("string_tensor", _STRING)],
          graphdef=NodeMapping(("string_tensor",), [Attr("num_buckets")]))


# ---- splitting --------------------------------------------------------------------------

def _sparse_result(rows, n):
    """(indices, values, dense_shape) of token lists `rows` for n strings."""
    indices = [(i, j) for i, row in enumerate(rows) for j in range(len(row))]
    values = [t for row in rows for t in row]
    width = max((len(r) for r in rows), default=0)
    return [np.array(indices, dtype=np.int64).reshape(-1, 2), _strings((len(values),), values),
            np.array([n, width], dtype=np.int64)]


def _check_vector(x, what="input"):
    if x.ndim != 1:
        raise _invalid(f"{what} must be a vector, got shape: {_shape_text(x.shape)}")


def split_v2(s, sep, maxsplit):
    """The tokens of `s` as TF's StringSplitV2 makes them: at each `sep`
    (empty ones kept), or at runs of ASCII whitespace when `sep` is empty;
    after `maxsplit` splits (when positive) the rest is the last token,
    empty or not."""
    if maxsplit == 0:
        return [s]
    out = []
    if not sep:
        text = s.lstrip(_WHITESPACE)
        while text:
            n = next((i for i, b in enumerate(text) if b in _WHITESPACE), len(text))
            out.append(text[:n])
            text = text[n:].lstrip(_WHITESPACE)
            if maxsplit > 0 and len(out) == maxsplit:
                out.append(text)
                break
        return out
    text = s
    while True:
        i = text.find(sep)
        if i < 0:
            break
        out.append(text[:i])
        text = text[i + len(sep):]
        if maxsplit > 0 and len(out) == maxsplit:
            break
    out.append(text)
    return out


def string_split_v2_value(inputs, attrs):
    """TF's StringSplitV2: each string of a vector split on `sep` (on runs
    of whitespace when it is empty), at most `maxsplit` times when that is
    positive."""
    x = np.asarray(inputs[0], dtype=object)
    _check_vector(x)
    sep = _scalar_bytes(inputs[1])
    maxsplit = int(attrs.get("maxsplit", -1))
    return _sparse_result([split_v2(s, sep, maxsplit) for s in _flat(x)], x.shape[0])


def string_split_value(inputs, attrs):
    """TF's (TF1) StringSplit: each non-empty string of a vector split at
    every byte of `delimiter` (into single bytes when it is empty), empty
    tokens dropped when `skip_empty`."""
    x = np.asarray(inputs[0], dtype=object)
    _check_vector(x)
    delimiter = _scalar_bytes(inputs[1])
    skip = attrs.get("skip_empty", True)
    rows = []
    for s in _flat(x):
        if not s:
            tokens = []  # TF gives an empty string no token, skip_empty or not
        elif not delimiter:
            tokens = [s[i:i + 1] for i in range(len(s))]
        else:
            tokens = re.split(b"[" + re.escape(delimiter) + b"]", s)
        rows.append([t for t in tokens if t] if skip else tokens)
    return _sparse_result(rows, x.shape[0])


def _split_shape(ctx):
    return [(None, 2), (None,), (2,)]


def _split_dtypes(ctx):
    return [dtypes.int64, dtypes.string, dtypes.int64]


def _split_v2_samples(dtype):
    words = samples.known(np.array([b"a  b", b" c d ", b"", b"1<>2<><>3"], dtype=object))
    for sep, maxsplit in ((b"", -1), (b" ", -1), (b"<>", -1), (b" ", 1), (b"", 1)):
        yield [words, samples.known(np.array(sep, dtype=object))], {"maxsplit": maxsplit}


def _split_samples(dtype):
    words = samples.known(np.array([b"a,b;;c", b"", b"hello world", b";"], dtype=object))
    for delimiter, skip in ((b",;", True), (b",;", False), (b"", True), (b" ", False)):
        yield [words, samples.known(np.array(delimiter, dtype=object))], {"skip_empty": skip}


register(OpDef("StringSplitV2", shape=_split_shape, dtype=_split_dtypes,
               reference=string_split_v2_value, dtypes=[Accepts("input", _STRING)],
               samples=_split_v2_samples, gradient=NOT_DIFFERENTIABLE,
               graphdef=NodeMapping(("input", "sep"), [Attr("maxsplit", default=-1)])))
register(OpDef("StringSplit", shape=_split_shape, dtype=_split_dtypes,
               reference=string_split_value, dtypes=[Accepts("input", _STRING)],
               samples=_split_samples, gradient=NOT_DIFFERENTIABLE,
               graphdef=NodeMapping(("input", "delimiter"), [Attr("skip_empty", default=True)])))


# ---- UnicodeDecode --------------------------------------------------------------------------

def _decode_utf8(s, errors_mode, replacement, replace_control):
    """The code points of `s` (UTF-8) as TF's UnicodeDecode reads them:
    each invalid byte (and, with `replace_control`, each C0 control
    character) replaced, skipped or refused as `errors_mode` says."""
    text = s.decode("utf-8", "surrogateescape")
    out = []
    for ch in text:
        cp = ord(ch)
        if 0xDC80 <= cp <= 0xDCFF or (replace_control and cp < 0x20):
            if errors_mode == "strict":
                raise _invalid("Invalid formatting on input string")
            if errors_mode == "ignore":
                continue
            cp = replacement
        out.append(cp)
    return out


def unicode_decode_value(inputs, attrs):
    """TF's UnicodeDecode (UTF-8 input): row_splits and the code points of
    each string of a vector."""
    x = np.asarray(inputs[0], dtype=object)
    encoding = _as_bytes(attrs.get("input_encoding", b"UTF-8")).upper()
    if encoding not in (b"UTF-8", b"UTF8"):
        raise NotImplementedError(f"UnicodeDecode from {encoding.decode()} is not supported; "
                                  "fastgraph decodes UTF-8")
    mode = _as_bytes(attrs.get("errors", b"replace")).decode()
    rows = [_decode_utf8(s, mode, int(attrs.get("replacement_char", 0xFFFD)),
                         bool(attrs.get("replace_control_characters", False)))
            for s in _flat(x)]
    splits = np.cumsum([0] + [len(r) for r in rows])
    split_type = attrs.get("Tsplits", dtypes.int64).np_dtype
    return [splits.astype(split_type), np.array([c for r in rows for c in r], dtype=np.int32)]


def _decode_samples(dtype):
    words = samples.known(np.array(["h\u00e9llo".encode(), b"", b"a\xffb", b"\x01z"],
                                   dtype=object))
    yield [words], {"input_encoding": b"UTF-8", "errors": b"replace",
                    "replacement_char": 0xFFFD, "replace_control_characters": False}
    yield [words], {"input_encoding": b"UTF-8", "errors": b"ignore",
                    "replacement_char": 0xFFFD, "replace_control_characters": True,
                    "Tsplits": dtypes.int32}


register(OpDef("UnicodeDecode",
               shape=lambda ctx: [(None if ctx.shapes[0] is None or ctx.shapes[0][0] is None
                                   else ctx.shapes[0][0] + 1,), (None,)],
               dtype=lambda ctx: [ctx.attrs.get("Tsplits", dtypes.int64), dtypes.int32],
               reference=unicode_decode_value, dtypes=[Accepts("input", _STRING)],
               samples=_decode_samples, gradient=NOT_DIFFERENTIABLE,
               graphdef=NodeMapping(("input",), [
                   Attr("input_encoding"), Attr("errors", default=b"replace"),
                   Attr("replacement_char", default=0xFFFD),
                   Attr("replace_control_characters", default=False),
                   Attr("Tsplits", default=dtypes.int64)])))


# ---- Fingerprint ------------------------------------------------------------------------------

def fingerprint_value(inputs, attrs):
    """TF's Fingerprint (farmhash64) of a vector of strings: the 8
    little-endian bytes of each one's Fingerprint64."""
    x = np.asarray(inputs[0], dtype=object)
    method = _scalar_bytes(inputs[1])
    if method != b"farmhash64":
        raise _invalid(f"Unsupported fingerprint method: {method.decode()}")
    if x.ndim < 1:
        raise _invalid("`data` should have at least one dimension.")
    if x.ndim > 1:
        raise NotImplementedError("Fingerprint of rows of several strings (a string tensor "
                                  "of rank > 1); fastgraph fingerprints string vectors")
    out = np.zeros((x.shape[0], 8), np.uint8)
    for i, s in enumerate(_flat(x)):
        out[i] = np.frombuffer(fingerprint64(s).to_bytes(8, "little"), np.uint8)
    return [out]


def _fingerprint_samples(dtype):
    method = samples.known(np.array(b"farmhash64", dtype=object))
    yield [samples.known(np.array([b"", b"a", b"x" * 100], dtype=object)), method], {}


register(OpDef("Fingerprint",
               shape=lambda ctx: [(None if ctx.shapes[0] is None else ctx.shapes[0][0], 8)],
               dtype=lambda ctx: [dtypes.uint8], reference=fingerprint_value,
               dtypes=[Accepts("data", _STRING)], samples=_fingerprint_samples,
               gradient=NOT_DIFFERENTIABLE,
               graphdef=NodeMapping(("data", "method"), [TypeAttr("T", input=0)])))
