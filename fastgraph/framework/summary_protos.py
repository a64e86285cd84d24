"""TensorFlow's summary and event protobufs (`summary.proto`,
`event.proto`) as small Python classes, written and read with the wire
format by hand.

They behave as the generated classes do where TF1 programs touch them:
keyword construction (`Summary(value=[Summary.Value(tag=..., simple_value=x)])`),
`summary.value.add(...)`, attribute access with proto3 defaults, oneofs
(setting one member clears the others), `SerializeToString()`,
`FromString()` and `ParseFromString()`. Fields these classes do not
declare (a Summary.Value's TensorProto) are kept as read and written back.
"""

import struct

from .. import protobuf_wire as wire

__all__ = ["Message", "TensorShapeProto", "TensorProto", "HistogramProto", "SummaryMetadata",
           "Summary", "SessionLog", "TaggedRunMetadata", "SourceMetadata", "Event"]


class _Field:
    __slots__ = ("name", "number", "kind", "message", "oneof")

    def __init__(self, name, number, kind, message=None, oneof=None):
        self.name = name
        self.number = number
        # double float int string bytes message doubles messages repeated_bytes
        self.kind = kind
        self.message = message
        self.oneof = oneof


_DEFAULTS = {"double": 0.0, "float": 0.0, "int": 0, "string": "", "bytes": b""}


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


class Message:
    """A protobuf message of declared `_FIELDS` (proto3: scalars at their
    default value are not written; a oneof member is written once set)."""

    _FIELDS = ()

    def __init__(self, **fields):
        object.__setattr__(self, "_values", {})
        object.__setattr__(self, "_unknown", [])
        for name, value in fields.items():
            f = self._field(name)
            if f.kind in ("messages", "doubles", "repeated_bytes"):
                getattr(self, name).extend(value)
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

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        f = self._field(name)
        values = self._values
        if name in values:
            return values[name]
        if f.kind == "messages":
            v = values[name] = _Repeated(f.message)
        elif f.kind in ("doubles", "repeated_bytes"):
            v = values[name] = []
        elif f.kind == "message":
            # Present once something is set in it (or it is assigned).
            v = values[name] = f.message()
        else:
            return _DEFAULTS[f.kind]
        return v

    def __setattr__(self, name, value):
        f = self._field(name)
        if f.kind in ("messages", "doubles", "repeated_bytes"):
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
        elif f.kind == "int":
            value = int(value)
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

    def _present(self, f):
        if f.name not in self._values:
            return False
        if f.oneof is not None and self._values.get("_oneof_" + f.oneof) == f.name:
            return True
        v = self._values[f.name]
        if f.kind == "message":
            return bool(v.SerializeToString()) or getattr(v, "_assigned", False)
        if f.kind in ("messages", "doubles", "repeated_bytes"):
            return len(v) > 0
        return v != _DEFAULTS[f.kind]

    def ListFields(self):  # noqa: N802 - protobuf's name
        """(name, value) of the fields that are set, in field-number order."""
        return [(f.name, self._values[f.name]) for f in sorted(self._FIELDS, key=_number)
                if self._present(f)]

    def SerializeToString(self, deterministic=None):  # noqa: N802 - protobuf's name
        """The message in protobuf's binary wire format, fields in number order."""
        out = []
        for f in sorted(self._FIELDS, key=_number):
            if not self._present(f):
                continue
            v = self._values[f.name]
            n = f.number
            if f.kind == "double":
                out.append(wire.encode_double(n, v))
            elif f.kind == "float":
                out.append(wire.encode_float(n, v))
            elif f.kind == "int":
                out.append(wire.encode_int(n, v))
            elif f.kind in ("string", "bytes"):
                out.append(wire.encode_bytes(n, v))
            elif f.kind == "message":
                out.append(wire.encode_bytes(n, v.SerializeToString()))
            elif f.kind == "messages":
                out.extend(wire.encode_bytes(n, m.SerializeToString()) for m in v)
            elif f.kind == "doubles":
                out.append(wire.encode_packed_doubles(n, v))
            elif f.kind == "repeated_bytes":
                out.extend(wire.encode_bytes(n, b) for b in v)
        for n, w, v in self._unknown:
            out.append(_encode_raw(n, w, v))
        return b"".join(out)

    def ParseFromString(self, data):  # noqa: N802 - protobuf's name
        """Replaces the contents with the message serialized in `data`;
        DecodeError-like ValueError on malformed bytes."""
        object.__setattr__(self, "_values", {})
        object.__setattr__(self, "_unknown", [])
        self.MergeFromString(data)
        return len(data)

    def MergeFromString(self, data):  # noqa: N802 - protobuf's name
        """Merges the message serialized in `data` into this one (repeated
        fields appended, scalars and oneofs overwritten, as protobuf)."""
        numbers = type(self).__dict__.get("_BY_NUMBER")
        if numbers is None:
            self._field(self._FIELDS[0].name)
            numbers = type(self)._BY_NUMBER
        try:
            parsed = list(wire.fields(memoryview(data).tobytes()))
        except (IndexError, struct.error) as e:
            raise ValueError(f"Error parsing message: {e}") from None
        for n, w, v in parsed:
            f = numbers.get(n)
            if f is None:
                self._unknown.append((n, w, v))
                continue
            k = f.kind
            if k == "double":
                setattr(self, f.name, struct.unpack("<d", struct.pack("<Q", v))[0])
            elif k == "float":
                setattr(self, f.name, struct.unpack("<f", struct.pack("<I", v))[0])
            elif k == "int":
                setattr(self, f.name, wire.signed(v))
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
                current.MergeFromString(v)
            elif k == "messages":
                getattr(self, f.name).append(f.message.FromString(v))
            elif k == "doubles":
                getattr(self, f.name).extend(wire.repeated_numbers([(w, v)], "<f8", 8))
            elif k == "repeated_bytes":
                getattr(self, f.name).append(v)
        return len(data)

    @classmethod
    def FromString(cls, data):  # noqa: N802 - protobuf's name
        """A new message parsed from `data`."""
        m = cls()
        m.ParseFromString(data)
        return m

    def CopyFrom(self, other):  # noqa: N802 - protobuf's name
        """Makes this message a copy of `other`."""
        self.ParseFromString(other.SerializeToString())

    def __eq__(self, other):
        return type(other) is type(self) and \
            self.SerializeToString() == other.SerializeToString()

    def __hash__(self):
        raise TypeError("unhashable object")

    def __repr__(self):
        parts = [f"{n}={v!r}" for n, v in self.ListFields()]
        return f"{type(self).__name__}({', '.join(parts)})"


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


class TensorShapeProto(Message):
    """A tensor's shape: its dims (each with a size), or unknown rank."""

    class Dim(Message):
        """One dimension: its size (-1 unknown) and optional name."""

        _FIELDS = (_Field("size", 1, "int"), _Field("name", 2, "string"))

    _FIELDS = (_Field("dim", 2, "messages", Dim), _Field("unknown_rank", 3, "int"))


class TensorProto(Message):
    """A tensor value: its DataType enum, shape, and elements (numbers as
    little-endian `tensor_content`, strings as `string_val`)."""

    _FIELDS = (_Field("dtype", 1, "int"), _Field("tensor_shape", 2, "message", TensorShapeProto),
               _Field("version_number", 3, "int"), _Field("tensor_content", 4, "bytes"),
               _Field("string_val", 8, "repeated_bytes"))


class HistogramProto(Message):
    """A histogram: min, max, num, sum, sum_squares, and per bucket its
    right edge (`bucket_limit`) and count (`bucket`)."""

    _FIELDS = (_Field("min", 1, "double"), _Field("max", 2, "double"),
               _Field("num", 3, "double"), _Field("sum", 4, "double"),
               _Field("sum_squares", 5, "double"), _Field("bucket_limit", 6, "doubles"),
               _Field("bucket", 7, "doubles"))


class SummaryMetadata(Message):
    """Metadata of a summary value: the plugin that reads it and its data."""

    class PluginData(Message):
        """The plugin's name and its own serialized content."""

        _FIELDS = (_Field("plugin_name", 1, "string"), _Field("content", 2, "bytes"))

    _FIELDS = (_Field("plugin_data", 1, "message", PluginData),
               _Field("display_name", 2, "string"),
               _Field("summary_description", 3, "string"), _Field("data_class", 4, "int"))


class Summary(Message):
    """A Summary: a list of tagged values (scalars, histograms, images, audio)."""

    class Image(Message):
        """An image summary value: its size, channel count and encoded (PNG) bytes."""

        _FIELDS = (_Field("height", 1, "int"), _Field("width", 2, "int"),
                   _Field("colorspace", 3, "int"), _Field("encoded_image_string", 4, "bytes"))

    class Audio(Message):
        """An audio summary value: its sample rate, channels, frames and WAV bytes."""

        _FIELDS = (_Field("sample_rate", 1, "float"), _Field("num_channels", 2, "int"),
                   _Field("length_frames", 3, "int"),
                   _Field("encoded_audio_string", 4, "bytes"),
                   _Field("content_type", 5, "string"))

    class Value(Message):
        """One tagged value of a Summary."""

        _FIELDS = (_Field("node_name", 7, "string"), _Field("tag", 1, "string"),
                   _Field("metadata", 9, "message", SummaryMetadata),
                   _Field("simple_value", 2, "float", oneof="value"),
                   _Field("obsolete_old_style_histogram", 3, "bytes", oneof="value"),
                   _Field("image", 4, "message", None, oneof="value"),
                   _Field("histo", 5, "message", HistogramProto, oneof="value"),
                   _Field("audio", 6, "message", None, oneof="value"),
                   _Field("tensor", 8, "message", TensorProto, oneof="value"))

    _FIELDS = (_Field("value", 1, "messages", Value),)


Summary.Value._FIELDS[5].message = Summary.Image
Summary.Value._FIELDS[7].message = Summary.Audio


class SessionLog(Message):
    """A session's status (START, STOP, CHECKPOINT), written to event files."""

    STATUS_UNSPECIFIED = 0
    START = 1
    STOP = 2
    CHECKPOINT = 3
    _FIELDS = (_Field("status", 1, "int"), _Field("checkpoint_path", 2, "string"),
               _Field("msg", 3, "string"))


class TaggedRunMetadata(Message):
    """A RunMetadata proto (serialized) under a tag."""

    _FIELDS = (_Field("tag", 1, "string"), _Field("run_metadata", 2, "bytes"))


class SourceMetadata(Message):
    """Which writer wrote an event file."""

    _FIELDS = (_Field("writer", 1, "string"),)


class Event(Message):
    """One record of an event file: its wall time and step, and what it holds
    (the file version, a graph, a summary, a session log, run metadata)."""

    _FIELDS = (_Field("wall_time", 1, "double"), _Field("step", 2, "int"),
               _Field("file_version", 3, "string", oneof="what"),
               _Field("graph_def", 4, "bytes", oneof="what"),
               _Field("summary", 5, "message", Summary, oneof="what"),
               _Field("session_log", 7, "message", SessionLog, oneof="what"),
               _Field("tagged_run_metadata", 8, "message", TaggedRunMetadata, oneof="what"),
               _Field("meta_graph_def", 9, "bytes", oneof="what"),
               _Field("source_metadata", 10, "message", SourceMetadata))
