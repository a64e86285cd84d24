"""The protobuf wire format, decoded and encoded by hand: enough to read
TensorFlow's checkpoint entries and GraphDefs, and to write summaries and
event files, without depending on protobuf."""

import struct

import numpy as np

__all__ = ["varint", "fields", "signed", "packed_varints", "message_fields", "repeated_numbers",
           "encode_varint", "encode_key", "encode_int", "encode_double", "encode_float",
           "encode_bytes", "encode_packed_doubles"]


def varint(buf, pos):
    """(value, next position) of the base-128 varint at `pos`, as protobuf
    reads it: at most 10 bytes (ValueError past them), bits beyond 64 dropped."""
    result = shift = 0
    while True:
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result & 0xFFFFFFFFFFFFFFFF, pos
        shift += 7
        if shift >= 70:
            raise ValueError("protobuf varint longer than 10 bytes")


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


# -- encoding ------------------------------------------------------------------

def encode_varint(value):
    """The base-128 varint of a non-negative int (a negative int64 as its
    10-byte two's complement, as protobuf writes it)."""
    if value < 0:
        value += 1 << 64
    out = bytearray()
    while value > 0x7F:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def encode_key(field, wire):
    """The key of field number `field` with wire type `wire`."""
    return encode_varint((field << 3) | wire)


def encode_int(field, value):
    """A varint field (int32, int64, enum, bool)."""
    return encode_key(field, 0) + encode_varint(int(value))


def encode_double(field, value):
    """A double field (fixed 64 bits)."""
    return encode_key(field, 1) + struct.pack("<d", value)


def encode_float(field, value):
    """A float field (fixed 32 bits)."""
    return encode_key(field, 5) + struct.pack("<f", value)


def encode_bytes(field, data):
    """A length-delimited field: bytes, a string (UTF-8) or a message."""
    if isinstance(data, str):
        data = data.encode()
    return encode_key(field, 2) + encode_varint(len(data)) + bytes(data)


def encode_packed_doubles(field, values):
    """A packed repeated double field (nothing when empty, as protobuf)."""
    if len(values) == 0:
        return b""
    return encode_bytes(field, np.asarray(values, dtype="<f8").tobytes())
