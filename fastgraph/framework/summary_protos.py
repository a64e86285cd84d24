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

from .graph_protos import TensorProto, TensorShapeProto
from .proto_message import Field as _Field
from .proto_message import Message

__all__ = ["Message", "TensorShapeProto", "TensorProto", "HistogramProto", "SummaryMetadata",
           "Summary", "SessionLog", "TaggedRunMetadata", "SourceMetadata", "Event"]


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
