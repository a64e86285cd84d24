"""TF's text of a tensor's value (its Tensor::SummarizeValue): what
tf.print and tf.strings.format write (NumPy-like rows, the first and last
`summarize` entries of each dimension) and what TF1's Print and Assert
write (`summarize` entries in all). Strings are C-escaped as TF does,
floats written as TF's FloatToBuffer."""

import numpy as np

__all__ = ["format_tensor"]


def _float_text(v, np_type):
    # TF's FloatToBuffer / DoubleToBuffer: the short form when it reads back
    # as the same number, else enough digits to.
    v = np_type(v)
    if np.isnan(v):
        return "nan" if not np.signbit(v) else "-nan"
    if np.isinf(v):
        return "inf" if v > 0 else "-inf"
    short, full = (6, 9) if np_type == np.float32 else (15, 17)
    text = "%.*g" % (short, float(v))
    if np_type(float(text)) != v:
        text = "%.*g" % (full, float(v))
    return text


_ESCAPES = {ord("\n"): b"\\n", ord("\r"): b"\\r", ord("\t"): b"\\t", ord('"'): b'\\"',
            ord("'"): b"\\'", ord("\\"): b"\\\\"}


def _c_escape(data):
    # TF's Utf8SafeCEscape: control bytes in octal, quotes and backslashes
    # escaped, and bytes of 128 and up (UTF-8) kept as they are.
    out = bytearray()
    for b in data:
        if b in _ESCAPES:
            out += _ESCAPES[b]
        elif b < 32 or b == 127:
            out += b"\\%03o" % b
        else:
            out.append(b)
    return out.decode("utf-8", "surrogateescape")


def _element_text(v, kind, v2):
    if kind == "S":
        text = _c_escape(v if isinstance(v, bytes) else str(v).encode())
        return f'"{text}"' if v2 else text
    if kind == "b":
        return "1" if v else "0"
    if kind == "f":
        return _float_text(v, np.float64 if v.dtype == np.float64 else np.float32)
    return str(int(v))


def _kind(arr):
    if arr.dtype == object or arr.dtype.kind in "SU":
        return "S"
    return "b" if arr.dtype == np.bool_ else "f" if arr.dtype.kind == "f" else "i"


def format_tensor(value, summarize=3, v2=True):
    """`value` as TF writes a tensor's value: tf.print's (`v2`: NumPy-like
    rows, the first and last `summarize` entries of each dim) or TF1's
    Print/Assert (`summarize` entries in all, then "..."). A negative
    `summarize` writes every entry."""
    arr = np.asarray(value)
    kind = _kind(arr)
    flat = arr.reshape(-1)
    n = flat.size
    if summarize is None:
        summarize = 3
    if summarize < 0:
        summarize = n
    if v2:
        if arr.ndim == 0:
            return _element_text(flat[0], kind, True)
        out = []
        _dim_v2(arr, 0, arr.ndim, summarize, kind, out)
        return "".join(out)
    limit = min(summarize, n)
    if arr.ndim == 0:
        text = " ".join(_element_text(flat[i], kind, False) for i in range(limit))
        return text + ("..." if n > limit else "")
    out, index = [], [0]
    _dim_v1(arr.shape, 0, limit, flat, kind, index, out)
    return "".join(out) + ("..." if n > limit else "")


def _dim_v1(shape, dim, limit, flat, kind, index, out):
    # TF's PrintOneDim: row-major, stops after `limit` entries.
    if index[0] >= limit:
        return
    count = shape[dim]
    if dim == len(shape) - 1:
        for i in range(count):
            if index[0] >= limit:
                if dim != 0:
                    out.append("...")
                return
            if i > 0:
                out.append(" ")
            out.append(_element_text(flat[index[0]], kind, False))
            index[0] += 1
        return
    for _ in range(count):
        opened = index[0] < limit
        if opened:
            out.append("[")
        _dim_v1(shape, dim + 1, limit, flat, kind, index, out)
        if index[0] < limit or opened:
            out.append("]")


def _spacing(dim, ndim, out):
    if dim == ndim - 1:
        out.append(" ")
        return
    out.append("\n" * (ndim - dim - 1) + " " * (dim + 1))


def _dim_v2(sub, dim, ndim, ends, kind, out):
    # TF's PrintOneDimV2: the first and last `ends` entries of each dim.
    if dim == ndim:
        out.append(_element_text(sub[()] if isinstance(sub, np.ndarray) else sub, kind, True))
        return
    out.append("[")
    count = sub.shape[0]
    start_of_end = max(ends, count - ends)
    for i in range(min(ends, count)):
        if i > 0:
            _spacing(dim, ndim, out)
        _dim_v2(sub[i], dim + 1, ndim, ends, kind, out)
    if count > 2 * ends:
        _spacing(dim, ndim, out)
        out.append("...")
    for i in range(start_of_end, count):
        _spacing(dim, ndim, out)
        _dim_v2(sub[i], dim + 1, ndim, ends, kind, out)
    out.append("]")
