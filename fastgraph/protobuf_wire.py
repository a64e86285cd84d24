"""The protobuf wire format, decoded by hand: enough to read TensorFlow's
checkpoint entries and GraphDefs without depending on protobuf."""

import struct

import numpy as np

__all__ = ["varint", "fields", "signed", "packed_varints", "message_fields", "repeated_numbers"]


def varint(buf, pos):
    """(value, next position) of the base-128 varint at `pos`."""
    result = shift = 0
    while True:
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, pos
        shift += 7


def signed(v):
    """An int64 field's value (negative numbers are 10-byte varints)."""
    return v - (1 << 64) if v >= 1 << 63 else v


def fields(buf):
    """Yields (field number, wire type, value) of a message; value is an int
    for varint and fixed-width fields, bytes for length-delimited ones."""
    pos = 0
    while pos < len(buf):
        key, pos = varint(buf, pos)
        field, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = varint(buf, pos)
        elif wire == 1:
            value, = struct.unpack_from("<Q", buf, pos)
            pos += 8
        elif wire == 2:
            n, pos = varint(buf, pos)
            if n > len(buf) - pos:
                raise ValueError(f"protobuf field {field} runs past the end of its message")
            value = bytes(buf[pos:pos + n])
            pos += n
        elif wire == 5:
            value, = struct.unpack_from("<I", buf, pos)
            pos += 4
        else:
            raise ValueError(f"unsupported protobuf wire type {wire}")
        yield field, wire, value


def packed_varints(buf):
    """The ints of a packed repeated varint field."""
    out, pos = [], 0
    while pos < len(buf):
        v, pos = varint(buf, pos)
        out.append(v)
    return out


def message_fields(buf):
    """{field number: [(wire type, value), ...]} of a message."""
    out = {}
    for f, w, v in fields(buf):
        out.setdefault(f, []).append((w, v))
    return out


def repeated_numbers(entries, np_dtype, fixed):
    """The values of a repeated numeric field given as `message_fields`
    entries (packed or not); `fixed` is the wire width in bytes for float
    types, or 0 for varints."""
    vals = []
    for wire, v in entries:
        if wire == 2:
            if fixed:
                vals.extend(np.frombuffer(v, dtype=np_dtype).tolist())
            else:
                vals.extend(signed(x) for x in packed_varints(v))
        elif fixed == 4:
            vals.append(struct.unpack("<f", struct.pack("<I", v))[0])
        elif fixed == 8:
            vals.append(struct.unpack("<d", struct.pack("<Q", v))[0])
        else:
            vals.append(signed(v))
    return vals
