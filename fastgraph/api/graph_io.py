"""`tf.io.write_graph` (TF1's `tf.compat.v1.train.write_graph`) and the
text format of TF's protos (`.pbtxt`), as `google.protobuf.text_format`
gives them."""

import os

from ..framework.graph import Graph
from ..framework.proto_message import DecodeError, parse_text, text_format_of
from . import gfile

__all__ = ["write_graph", "MessageToString", "Parse", "Merge", "ParseError"]

ParseError = DecodeError


def MessageToString(message):  # noqa: N802 - text_format's name
    """The message in protobuf's text format."""
    return text_format_of(message)


def Merge(text, message):  # noqa: N802 - text_format's name
    """Merges the text-format `text` into `message` and returns it; ParseError
    (a ValueError) on malformed text."""
    return parse_text(text, message)


def Parse(text, message):  # noqa: N802 - text_format's name
    """Parses the text-format `text` into `message` (cleared first) and returns it."""
    message.Clear()
    return parse_text(text, message)


def write_graph(graph_or_graph_def, logdir, name, as_text=True):
    """Writes a graph proto to a file.

    The graph is written as a text proto unless `as_text` is `False`.
    `graph_or_graph_def` is a Graph (its `as_graph_def()` is written) or a
    GraphDef; `logdir` is created when missing. Returns the path of the
    output proto file.
    """
    graph_def = graph_or_graph_def.as_graph_def() if isinstance(graph_or_graph_def, Graph) \
        else graph_or_graph_def
    if not gfile.isdir(logdir):
        gfile.makedirs(logdir)
    path = os.path.join(logdir, name)
    write_message(path, graph_def, as_text)
    return path


def write_message(path, message, as_text):
    """Writes protobuf `message` to `path` in text format or serialized."""
    if as_text:
        with gfile.GFile(path, "w") as f:
            f.write(text_format_of(message))
    else:
        with gfile.GFile(path, "wb") as f:
            f.write(message.SerializeToString())
