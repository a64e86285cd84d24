"""Protobuf messages as small Python classes: declared fields, written and
read with the wire format by hand (`protobuf_wire`), and printed and parsed
in protobuf's text format (`.pbtxt`).

They behave as the generated classes do where TF1 programs touch them:
keyword construction, `repeated.add(...)`, `map[key]` (a message value is
made on first use), attribute access with proto3 defaults, oneofs (setting
one member clears the others), `SerializeToString()`, `FromString()`,
`ParseFromString()`, `CopyFrom`, `HasField`. Fields a class does not
declare are kept as read and written back. Everything read is untrusted:
malformed bytes or text raise `DecodeError` (a ValueError), never anything
else.
"""

import math
import struct

import numpy as np

from .. import protobuf_wire as wire

__all__ = ["DecodeError", "Field", "Message", "MessageMap", "text_format_of", "parse_text"]


class DecodeError(ValueError):
    """Raised for bytes or text that are not a valid message (protobuf's
    `message.DecodeError`, and text_format's `ParseError`)."""


# Kinds: double float int bool enum string bytes message (singular);
# messages doubles floats ints bools enums strings repeated_bytes (repeated);
# map (map<key, value>: `key` "string" or "int", `message` the value's class
# or None for a map<string, string>).
_REPEATED = frozenset(("messages", "doubles", "floats", "ints", "bools", "enums", "strings",
                       "repeated_bytes"))
_DEFAULTS = {"double": 0.0, "float": 0.0, "int": 0, "bool": False, "enum": 0, "string": "",
             "bytes": b""}
_VARINT = frozenset(("int", "bool", "enum"))


class Field:
    """One declared field: its name, number and kind (`message` for message
    kinds, `enum` a {number: name} table for text format, `key` a map's key
    kind, `oneof` the oneof it is a member of)."""

    __slots__ = ("name", "number", "kind", "message", "oneof", "enum", "key")

    def __init__(self, name, number, kind, message=None, oneof=None, enum=None, key="string"):
        self.name = name
        self.number = number
        self.kind = kind
        self.message = message
        self.oneof = oneof
        self.enum = enum
        self.key = key


class _Repeated(list):
    """A repeated message field: a list with protobuf's `add(**fields)`."""

    __slots__ = ("_cls",)

    def __init__(self, cls, items=()):
        super().__init__(items)
        self._cls = cls

    def add(self, **fields):
        """Appends a new message built from `fields` and returns it."""
        item = self._cls(**fields)
        self.append(item)
        return item


class MessageMap(dict):
    """A map field: `m[key]` of a missing key adds the value's default (a
    new message for message maps), as protobuf's maps do."""

    __slots__ = ("_cls",)

    def __init__(self, cls, items=()):
        super().__init__(items)
        self._cls = cls

    def __missing__(self, key):
        value = self._cls() if self._cls is not None else ""
        self[key] = value
        return value

    def get_or_create(self, key):
        """The value under `key`, made when missing."""
        return self[key]


def _check_wire(f, w):
    want = 2 if f.kind in ("string", "bytes", "message", "messages", "repeated_bytes", "map",
                           "strings") \
        else 1 if f.kind == "double" else 5 if f.kind == "float" else 0
    if f.kind in ("doubles", "floats", "ints", "bools", "enums"):
        scalar = 1 if f.kind == "doubles" else 5 if f.kind == "floats" else 0
        if w not in (2, scalar):
            raise DecodeError(f"Error parsing message: field {f.name} has wire type {w}")
        return
    if w != want:
        raise DecodeError(f"Error parsing message: field {f.name} has wire type {w}")


def _encode_scalar(kind, n, v):
    if kind == "double":
        return wire.encode_double(n, v)
    if kind == "float":
        return wire.encode_float(n, v)
    if kind in _VARINT:
        return wire.encode_int(n, int(v))
    return wire.encode_bytes(n, v)


def _encode_packed(kind, n, values):
    if not values:
        return b""
    if kind == "doubles":
        data = np.asarray(values, dtype="<f8").tobytes()
    elif kind == "floats":
        data = np.asarray(values, dtype="<f4").tobytes()
    else:
        data = b"".join(wire.encode_varint(int(v)) for v in values)
    return wire.encode_bytes(n, data)


class Message:
    """A protobuf message of declared `_FIELDS` (proto3: scalars at their
    default value are not written; a oneof member is written once set)."""

    _FIELDS = ()

    def __init__(self, **fields):
        object.__setattr__(self, "_values", {})
        object.__setattr__(self, "_unknown", [])
        for name, value in fields.items():
            f = self._field(name)
            if f.kind in _REPEATED:
                getattr(self, name).extend(value)
            elif f.kind == "map":
                getattr(self, name).update(value)
            else:
                setattr(self, name, value)

    @classmethod
    def _field(cls, name):
        by_name = cls.__dict__.get("_BY_NAME")
        if by_name is None:
            by_name = {f.name: f for f in cls._FIELDS}
            cls._BY_NAME = by_name
            cls._BY_NUMBER = {f.number: f for f in cls._FIELDS}
        f = by_name.get(name)
        if f is None:
            raise AttributeError(f'Protocol message {cls.__name__} has no "{name}" field.')
        return f

    @classmethod
    def _numbers(cls):
        numbers = cls.__dict__.get("_BY_NUMBER")
        if numbers is None:
            if not cls._FIELDS:
                return {}
            cls._field(cls._FIELDS[0].name)
            numbers = cls._BY_NUMBER
        return numbers

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        f = self._field(name)
        values = self._values
        if name in values:
            return values[name]
        if f.kind == "messages":
            v = values[name] = _Repeated(f.message)
        elif f.kind in _REPEATED:
            v = values[name] = []
        elif f.kind == "map":
            v = values[name] = MessageMap(f.message)
        elif f.kind == "message":
            # Present once something is set in it (or it is assigned).
            v = values[name] = f.message()
        else:
            return _DEFAULTS[f.kind]
        return v

    def __setattr__(self, name, value):
        f = self._field(name)
        if f.kind in _REPEATED or f.kind == "map":
            raise AttributeError(f"Assignment not allowed to repeated field \"{name}\" in "
                                 "protocol message object.")
        if f.kind == "message":
            if not isinstance(value, f.message):
                raise TypeError(f"{name} must be a {f.message.__name__}, got "
                                f"{type(value).__name__}")
            # Assigned (or parsed), a message is present even when empty.
            object.__setattr__(value, "_assigned", True)
        elif f.kind in ("double", "float"):
            value = float(value)
        elif f.kind in ("int", "enum"):
            value = int(value)
        elif f.kind == "bool":
            value = bool(value)
        elif f.kind == "string":
            value = value.decode() if isinstance(value, bytes) else str(value)
        elif f.kind == "bytes":
            value = value.encode() if isinstance(value, str) else bytes(value)
        if f.oneof is not None:
            for other in self._FIELDS:
                if other.oneof == f.oneof and other.name != name:
                    self._values.pop(other.name, None)
            self._values["_oneof_" + f.oneof] = name
        self._values[name] = value

    def WhichOneof(self, oneof):  # noqa: N802 - protobuf's name
        """The name of the member of `oneof` that is set, or None."""
        name = self._values.get("_oneof_" + oneof)
        if name is not None and self._present(self._field(name)):
            return name
        # A member message filled in place (`attr.tensor.dtype = 1`).
        for f in self._FIELDS:
            if f.oneof == oneof and f.kind == "message" and self._present(f):
                return f.name
        return None

    def HasField(self, name):  # noqa: N802 - protobuf's name
        """Whether message field or oneof member `name` is set."""
        return self._present(self._field(name))

    def ClearField(self, name):  # noqa: N802 - protobuf's name
        """Resets field `name` to its default."""
        f = self._field(name)
        self._values.pop(name, None)
        if f.oneof is not None and self._values.get("_oneof_" + f.oneof) == name:
            del self._values["_oneof_" + f.oneof]

    def SetInParent(self):  # noqa: N802 - protobuf's name
        """Marks this (sub)message present even when empty."""
        object.__setattr__(self, "_assigned", True)

    def _present(self, f):
        if f.name not in self._values:
            return False
        if f.oneof is not None and self._values.get("_oneof_" + f.oneof) == f.name:
            return True
        v = self._values[f.name]
        if f.kind == "message":
            return getattr(v, "_assigned", False) or bool(v.SerializeToString())
        if f.kind in _REPEATED or f.kind == "map":
            return len(v) > 0
        return v != _DEFAULTS[f.kind]

    def ListFields(self):  # noqa: N802 - protobuf's name
        """(name, value) of the fields that are set, in field-number order."""
        return [(f.name, self._values[f.name]) for f in sorted(self._FIELDS, key=_number)
                if self._present(f)]

    def SerializeToString(self, deterministic=None):  # noqa: N802 - protobuf's name
        """The message in protobuf's binary wire format, fields in number
        order (map entries by key)."""
        out = []
        for f in sorted(self._FIELDS, key=_number):
            if not self._present(f):
                continue
            v = self._values[f.name]
            n, k = f.number, f.kind
            if k == "message":
                out.append(wire.encode_bytes(n, v.SerializeToString()))
            elif k == "messages":
                out.extend(wire.encode_bytes(n, m.SerializeToString()) for m in v)
            elif k in ("doubles", "floats", "ints", "bools", "enums"):
                out.append(_encode_packed(k, n, v))
            elif k == "strings" or k == "repeated_bytes":
                out.extend(wire.encode_bytes(n, b) for b in v)
            elif k == "map":
                for key in sorted(v):
                    value = v[key]
                    entry = (wire.encode_bytes(1, key) if f.key == "string"
                             else wire.encode_int(1, key))
                    entry += wire.encode_bytes(2, value.SerializeToString()
                                               if f.message is not None else value)
                    out.append(wire.encode_bytes(n, entry))
            else:
                out.append(_encode_scalar(k, n, v))
        for n, w, v in self._unknown:
            out.append(_encode_raw(n, w, v))
        return b"".join(out)

    def ByteSize(self):  # noqa: N802 - protobuf's name
        """The size of the serialized message in bytes."""
        return len(self.SerializeToString())

    def ParseFromString(self, data):  # noqa: N802 - protobuf's name
        """Replaces the contents with the message serialized in `data`;
        DecodeError (a ValueError) on malformed bytes."""
        object.__setattr__(self, "_values", {})
        object.__setattr__(self, "_unknown", [])
        self.MergeFromString(data)
        return len(data)

    def MergeFromString(self, data):  # noqa: N802 - protobuf's name
        """Merges the message serialized in `data` into this one (repeated
        fields appended, scalars and oneofs overwritten, as protobuf)."""
        self._merge(memoryview(data).tobytes(), 0)
        return len(data)

    def _merge(self, data, depth):
        if depth > 100:
            raise DecodeError("Error parsing message: messages nested too deeply")
        numbers = self._numbers()
        try:
            parsed = list(wire.fields(data))
        except (IndexError, struct.error, ValueError) as e:
            raise DecodeError(f"Error parsing message: {e}") from None
        for n, w, v in parsed:
            f = numbers.get(n)
            if f is None:
                self._unknown.append((n, w, v))
                continue
            _check_wire(f, w)
            k = f.kind
            if k == "double":
                setattr(self, f.name, struct.unpack("<d", struct.pack("<Q", v))[0])
            elif k == "float":
                setattr(self, f.name, struct.unpack("<f", struct.pack("<I", v))[0])
            elif k in ("int", "enum"):
                setattr(self, f.name, wire.signed(v))
            elif k == "bool":
                setattr(self, f.name, bool(v))
            elif k == "string":
                setattr(self, f.name, v.decode("utf-8", "replace"))
            elif k == "bytes":
                setattr(self, f.name, v)
            elif k == "message":
                current = self._values.get(f.name)
                if current is None:
                    current = f.message()
                    setattr(self, f.name, current)
                elif f.oneof is not None:
                    setattr(self, f.name, current)
                current._merge(v, depth + 1)
            elif k == "messages":
                m = f.message()
                m._merge(v, depth + 1)
                getattr(self, f.name).append(m)
            elif k in ("doubles", "floats"):
                width = 8 if k == "doubles" else 4
                if w == 2 and len(v) % width:
                    raise DecodeError(f"Error parsing message: packed field {f.name} has "
                                      f"{len(v)} bytes")
                getattr(self, f.name).extend(wire.repeated_numbers(
                    [(w, v)], "<f8" if width == 8 else "<f4", width))
            elif k in ("ints", "enums"):
                getattr(self, f.name).extend(_varints(w, v))
            elif k == "bools":
                getattr(self, f.name).extend(bool(x) for x in _varints(w, v))
            elif k == "strings":
                getattr(self, f.name).append(v.decode("utf-8", "replace"))
            elif k == "repeated_bytes":
                getattr(self, f.name).append(v)
            elif k == "map":
                self._merge_entry(f, v, depth)

    def _merge_entry(self, f, data, depth):
        key = "" if f.key == "string" else 0
        value = f.message() if f.message is not None else ""
        try:
            parsed = list(wire.fields(data))
        except (IndexError, struct.error, ValueError) as e:
            raise DecodeError(f"Error parsing message: {e}") from None
        for n, w, v in parsed:
            if n == 1:
                if (w != 2) if f.key == "string" else (w != 0):
                    raise DecodeError(f"Error parsing message: bad key in map {f.name}")
                key = v.decode("utf-8", "replace") if f.key == "string" else wire.signed(v)
            elif n == 2:
                if w != 2:
                    raise DecodeError(f"Error parsing message: bad value in map {f.name}")
                if f.message is not None:
                    value = f.message()
                    value._merge(v, depth + 1)
                else:
                    value = v.decode("utf-8", "replace")
        getattr(self, f.name)[key] = value

    @classmethod
    def FromString(cls, data):  # noqa: N802 - protobuf's name
        """A new message parsed from `data`."""
        m = cls()
        m.ParseFromString(data)
        return m

    def CopyFrom(self, other):  # noqa: N802 - protobuf's name
        """Makes this message a copy of `other`."""
        if other is self:
            return
        self.ParseFromString(other.SerializeToString())
        object.__setattr__(self, "_assigned", True)

    def MergeFrom(self, other):  # noqa: N802 - protobuf's name
        """Merges the fields of `other` into this message."""
        self.MergeFromString(other.SerializeToString())

    def Clear(self):  # noqa: N802 - protobuf's name
        """Resets every field."""
        self.ParseFromString(b"")

    def __eq__(self, other):
        return type(other) is type(self) and \
            self.SerializeToString() == other.SerializeToString()

    def __hash__(self):
        raise TypeError("unhashable object")

    def __str__(self):
        return text_format_of(self)

    def __repr__(self):
        parts = [f"{n}={v!r}" for n, v in self.ListFields()]
        return f"{type(self).__name__}({', '.join(parts)})"


def _varints(w, v):
    if w == 2:
        try:
            return [wire.signed(x) for x in wire.packed_varints(v)]
        except (IndexError, ValueError):
            raise DecodeError("Error parsing message: malformed packed varints") from None
    return [wire.signed(v)]


def _number(f):
    return f.number


def _encode_raw(n, w, v):
    if w == 0:
        return wire.encode_key(n, 0) + wire.encode_varint(v)
    if w == 1:
        return wire.encode_key(n, 1) + struct.pack("<Q", v)
    if w == 5:
        return wire.encode_key(n, 5) + struct.pack("<I", v)
    return wire.encode_bytes(n, v)


# ---- text format -------------------------------------------------------------------

def _escape(data):
    if isinstance(data, str):
        data = data.encode()
    out = []
    for b in data:
        c = chr(b)
        if c == "\n":
            out.append("\\n")
        elif c == "\r":
            out.append("\\r")
        elif c == "\t":
            out.append("\\t")
        elif c == '"':
            out.append('\\"')
        elif c == "'":
            out.append("\\'")
        elif c == "\\":
            out.append("\\\\")
        elif 32 <= b < 127:
            out.append(c)
        else:
            out.append(f"\\{b:03o}")
    return '"' + "".join(out) + '"'


def _float_text(v, single):
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    if not single:
        return repr(float(v))
    f32 = np.float32(v)
    for digits in range(6, 10):
        s = f"{float(f32):.{digits}g}"
        if np.float32(float(s)) == f32:
            break
    return s


def _scalar_text(f, kind, v):
    if kind in ("double", "doubles"):
        return _float_text(v, False)
    if kind in ("float", "floats"):
        return _float_text(v, True)
    if kind in ("bool", "bools"):
        return "true" if v else "false"
    if kind in ("enum", "enums"):
        return (f.enum or {}).get(int(v), str(int(v)))
    if kind in ("string", "strings", "bytes", "repeated_bytes"):
        return _escape(v)
    return str(int(v))


def text_format_of(msg, indent=0):
    """The message in protobuf's text format (as `text_format.MessageToString`)."""
    lines = []
    pad = " " * indent
    for f in sorted(msg._FIELDS, key=_number):
        if not msg._present(f):
            continue
        v = msg._values[f.name]
        k = f.kind
        if k == "message":
            lines.append(f"{pad}{f.name} {{\n{text_format_of(v, indent + 2)}{pad}}}\n")
        elif k == "messages":
            for m in v:
                lines.append(f"{pad}{f.name} {{\n{text_format_of(m, indent + 2)}{pad}}}\n")
        elif k == "map":
            for key in sorted(v):
                value = v[key]
                key_text = _escape(key) if f.key == "string" else str(key)
                inner = " " * (indent + 2)
                if f.message is not None:
                    value_text = (f"{inner}value {{\n{text_format_of(value, indent + 4)}"
                                  f"{inner}}}\n")
                else:
                    value_text = f"{inner}value: {_escape(value)}\n"
                lines.append(f"{pad}{f.name} {{\n{inner}key: {key_text}\n{value_text}{pad}}}\n")
        elif k in _REPEATED:
            lines.extend(f"{pad}{f.name}: {_scalar_text(f, k, x)}\n" for x in v)
        else:
            lines.append(f"{pad}{f.name}: {_scalar_text(f, k, v)}\n")
    return "".join(lines)


class _Tokens:
    """The tokens of a text-format message: identifiers and numbers, quoted
    strings (as bytes), and the punctuation { } < > [ ] : , ;"""

    def __init__(self, text):
        self.items = list(self._scan(text))
        self.pos = 0

    @staticmethod
    def _scan(text):
        i, n = 0, len(text)
        while i < n:
            c = text[i]
            if c.isspace():
                i += 1
            elif c == "#":
                while i < n and text[i] != "\n":
                    i += 1
            elif c in "{}<>[]:,;":
                yield ("sym", c)
                i += 1
            elif c in "\"'":
                data, i = _unescape(text, i + 1, c)
                yield ("str", data)
            else:
                j = i
                while j < n and (text[j].isalnum() or text[j] in "_.-+"):
                    j += 1
                if j == i:
                    raise DecodeError(f"text format: unexpected character {c!r} at {i}")
                yield ("word", text[i:j])
                i = j

    def peek(self):
        return self.items[self.pos] if self.pos < len(self.items) else (None, None)

    def take(self):
        tok = self.peek()
        if tok[0] is None:
            raise DecodeError("text format: unexpected end of input")
        self.pos += 1
        return tok

    def take_sym(self, sym):
        if self.peek() == ("sym", sym):
            self.pos += 1
            return True
        return False

    def expect(self, sym):
        if not self.take_sym(sym):
            raise DecodeError(f"text format: expected {sym!r}, got {self.peek()[1]!r}")


_ESCAPES = {"n": 10, "r": 13, "t": 9, "a": 7, "b": 8, "f": 12, "v": 11, "\\": 92, "'": 39,
            '"': 34, "?": 63}


def _unescape(text, i, quote):
    out = bytearray()
    n = len(text)
    while True:
        if i >= n or text[i] == "\n":
            raise DecodeError("text format: unterminated string")
        c = text[i]
        if c == quote:
            return bytes(out), i + 1
        if c != "\\":
            out += c.encode()
            i += 1
            continue
        i += 1
        if i >= n:
            raise DecodeError("text format: unterminated string")
        c = text[i]
        if c in _ESCAPES:
            out.append(_ESCAPES[c])
            i += 1
        elif c in "01234567":
            j = i
            while j < min(i + 3, n) and text[j] in "01234567":
                j += 1
            value = int(text[i:j], 8)
            if value > 255:
                raise DecodeError("text format: octal escape out of range")
            out.append(value)
            i = j
        elif c == "x":
            j = i + 1
            while j < min(i + 3, n) and text[j] in "0123456789abcdefABCDEF":
                j += 1
            if j == i + 1:
                raise DecodeError("text format: bad hex escape")
            out.append(int(text[i + 1:j], 16))
            i = j
        else:
            raise DecodeError(f"text format: unknown escape \\{c}")


def _word_number(word, kind, f):
    low = word.lower()
    try:
        if kind in ("double", "float", "doubles", "floats"):
            if low in ("inf", "infinity", "+inf"):
                return math.inf
            if low in ("-inf", "-infinity"):
                return -math.inf
            if low in ("nan", "-nan"):
                return math.nan
            return float(low.rstrip("f") if not low.startswith("0x") else int(low, 16))
        if kind in ("bool", "bools"):
            if low in ("true", "t", "1"):
                return True
            if low in ("false", "f", "0"):
                return False
            raise ValueError(word)
        if kind in ("enum", "enums"):
            names = {name: num for num, name in (f.enum or {}).items()}
            if word in names:
                return names[word]
        return int(word, 0)
    except ValueError:
        raise DecodeError(f"text format: {word!r} is not a value of field {f.name}") from None


def _parse_scalar(tokens, f, kind):
    typ, val = tokens.take()
    if kind in ("string", "strings", "bytes", "repeated_bytes"):
        if typ != "str":
            raise DecodeError(f"text format: field {f.name} takes a string, got {val!r}")
        while tokens.peek()[0] == "str":  # adjacent strings concatenate
            val += tokens.take()[1]
        if kind in ("string", "strings"):
            return val.decode("utf-8", "replace")
        return val
    if typ != "word":
        raise DecodeError(f"text format: field {f.name} takes a value, got {val!r}")
    return _word_number(val, kind, f)


def _parse_message_body(tokens, cls, msg, close, depth):
    if depth > 100:
        raise DecodeError("text format: messages nested too deeply")
    while True:
        typ, val = tokens.peek()
        if close is None and typ is None:
            return
        if close is not None and tokens.take_sym(close):
            return
        typ, name = tokens.take()
        if typ != "word":
            raise DecodeError(f"text format: expected a field name, got {name!r}")
        try:
            f = cls._field(name)
        except AttributeError:
            raise DecodeError(f'text format: message type "{cls.__name__}" has no field '
                              f'named "{name}"') from None
        _parse_field(tokens, msg, f, depth)
        tokens.take_sym(",") or tokens.take_sym(";")


def _open(tokens):
    if tokens.take_sym("{"):
        return "}"
    if tokens.take_sym("<"):
        return ">"
    raise DecodeError(f"text format: expected '{{', got {tokens.peek()[1]!r}")


def _parse_field(tokens, msg, f, depth):
    k = f.kind
    if k in ("message", "messages", "map"):
        tokens.take_sym(":")
        if tokens.take_sym("["):
            if tokens.take_sym("]"):
                return
            while True:
                _parse_one_message(tokens, msg, f, depth)
                if tokens.take_sym("]"):
                    return
                tokens.expect(",")
        _parse_one_message(tokens, msg, f, depth)
        return
    tokens.expect(":")
    if k in _REPEATED and tokens.take_sym("["):
        if tokens.take_sym("]"):
            return
        while True:
            getattr(msg, f.name).append(_parse_scalar(tokens, f, k))
            if tokens.take_sym("]"):
                return
            tokens.expect(",")
    value = _parse_scalar(tokens, f, k)
    if k in _REPEATED:
        getattr(msg, f.name).append(value)
    else:
        setattr(msg, f.name, value)


def _parse_one_message(tokens, msg, f, depth):
    close = _open(tokens)
    if f.kind == "map":
        key = "" if f.key == "string" else 0
        value = f.message() if f.message is not None else ""
        key_field = Field("key", 1, "string" if f.key == "string" else "int")
        while not tokens.take_sym(close):
            typ, name = tokens.take()
            if name == "key":
                tokens.expect(":")
                key = _parse_scalar(tokens, key_field, key_field.kind)
            elif name == "value":
                if f.message is not None:
                    tokens.take_sym(":")
                    inner = _open(tokens)
                    value = f.message()
                    _parse_message_body(tokens, f.message, value, inner, depth + 1)
                else:
                    tokens.expect(":")
                    value = _parse_scalar(tokens, Field("value", 2, "string"), "string")
            else:
                raise DecodeError(f"text format: map entry of {f.name} has no field {name!r}")
            tokens.take_sym(",") or tokens.take_sym(";")
        getattr(msg, f.name)[key] = value
        return
    sub = f.message()
    _parse_message_body(tokens, f.message, sub, close, depth + 1)
    if f.kind == "messages":
        getattr(msg, f.name).append(sub)
    else:
        current = msg._values.get(f.name)
        if current is not None and msg._present(f):
            current.MergeFrom(sub)
        else:
            setattr(msg, f.name, sub)


def parse_text(text, message):
    """Merges the text-format `text` (str or bytes) into `message` and
    returns it (as `text_format.Merge`); DecodeError on malformed text."""
    if isinstance(text, (bytes, bytearray, memoryview)):
        text = bytes(text).decode("utf-8", "replace")
    tokens = _Tokens(text)
    _parse_message_body(tokens, type(message), message, None, 0)
    return message
