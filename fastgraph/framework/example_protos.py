"""TensorFlow's `tf.train.Example` protobufs (`feature.proto`,
`example.proto`) as small Python classes, written and read with the wire
format by hand (`proto_message`): BytesList, FloatList, Int64List, Feature
(a oneof of the three), Features (a map of Feature), FeatureList,
FeatureLists, Example and SequenceExample.

They behave as the generated classes do: keyword construction
(`Feature(float_list=FloatList(value=[1.0]))`), field access
(`example.features.feature['x'].float_list.value`), `SerializeToString()`,
`FromString()` and `ParseFromString()`, text format through `str()`; the
bytes are protobuf's, so TensorFlow parses what these write and back.
"""

from .proto_message import Field as _Field
from .proto_message import Message

__all__ = ["BytesList", "FloatList", "Int64List", "Feature", "Features", "FeatureList",
           "FeatureLists", "Example", "SequenceExample"]


class BytesList(Message):
    """Containers to hold repeated fundamental values: a list of bytes."""

    _FIELDS = (_Field("value", 1, "repeated_bytes"),)


class FloatList(Message):
    """Containers to hold repeated fundamental values: a list of floats
    (float32 on the wire, packed)."""

    _FIELDS = (_Field("value", 1, "floats"),)


class Int64List(Message):
    """Containers to hold repeated fundamental values: a list of int64s
    (packed varints)."""

    _FIELDS = (_Field("value", 1, "ints"),)


class Feature(Message):
    """Containers for non-sequential data: one of bytes_list, float_list
    and int64_list (the oneof `kind`)."""

    _FIELDS = (_Field("bytes_list", 1, "message", BytesList, oneof="kind"),
               _Field("float_list", 2, "message", FloatList, oneof="kind"),
               _Field("int64_list", 3, "message", Int64List, oneof="kind"))


class Features(Message):
    """A map from feature names to Feature values."""

    _FIELDS = (_Field("feature", 1, "map", Feature),)


class FeatureList(Message):
    """Containers for sequential data: a list of Features."""

    _FIELDS = (_Field("feature", 1, "messages", Feature),)


class FeatureLists(Message):
    """A map from feature-list names to FeatureList values."""

    _FIELDS = (_Field("feature_list", 1, "map", FeatureList),)


class Example(Message):
    """An Example: a Features message of named features."""

    _FIELDS = (_Field("features", 1, "message", Features),)


class SequenceExample(Message):
    """A SequenceExample: `context` Features and `feature_lists`, the
    FeatureLists of its sequence data."""

    _FIELDS = (_Field("context", 1, "message", Features),
               _Field("feature_lists", 2, "message", FeatureLists))
