"""`tf.compat.v1.summary`: summary ops (scalar, histogram, image, audio, text,
tensor_summary, merge, merge_all) and, from `summary_writer`, FileWriter and its cache.

Each summary is a string tensor holding a serialized `Summary` protobuf,
computed on the host when it is fetched (`ops/summary_ops.py`); `sess.run`
of it gives the bytes, which `FileWriter.add_summary` writes to an event
file for TensorBoard.
"""

import re

import numpy as np

from ..framework import dtypes
from ..framework.graph import GraphKeys, Tensor, get_default_graph
from ..framework.summary_protos import Event, SessionLog, Summary, SummaryMetadata
from ..ops.arguments import graph_of, to_tensor
from .summary_iterator import summary_iterator
from .summary_writer import FileWriter, FileWriterCache

__all__ = []  # tf.summary is its own namespace: SUMMARY below

_INVALID_TAG_CHARACTERS = re.compile(r"[^-/\w\.]")


def _clean_tag(name):
    # TF replaces characters a tag may not have and drops leading slashes.
    if name is not None:
        name = _INVALID_TAG_CHARACTERS.sub("_", name).lstrip("/")
    return name


class _SummaryScope:
    """TF's summary_scope: the name scope of a summary op and its tag (the
    scope without its slash, prefixed by `family` when given)."""

    def __init__(self, graph, name, family):
        self.name = _clean_tag(name)
        self.family = _clean_tag(family)
        base = self.name if self.family is None else f"{self.family}/{self.name}"
        self._ctx = graph.name_scope(base)

    def __enter__(self):
        scope = self._ctx.__enter__()
        tag = scope.rstrip("/")
        if self.family is not None:
            tag = f"{self.family}/{tag}"
        return tag, scope

    def __exit__(self, *exc):
        return self._ctx.__exit__(*exc)


def _string_constant(graph, value, name):
    arr = np.array(value, dtype=object)
    arr = np.vectorize(lambda s: s.encode() if isinstance(s, str) else bytes(s),
                       otypes=[object])(arr) if arr.size else arr
    arr.setflags(write=False)
    return graph.create_op("Const", [], {"value": arr, "dtype": dtypes.string},
                           name=name).outputs[0]


def _collect(graph, value, collections, default):
    for key in (default if collections is None else collections):
        graph.add_to_collection(key, value)


def _summary_op(op_type, tag_input, name, tensor, family, collections, attrs=None,
                dtype=None):
    graph = graph_of([tensor])
    with graph.as_default():
        with _SummaryScope(graph, name, family) as (tag, scope):
            tensor = to_tensor(graph, tensor, dtype=dtype)
            tag_t = _string_constant(graph, tag, tag_input)
            out = graph.create_op(op_type, [tag_t, tensor], attrs or {}, name=scope).outputs[0]
    _collect(graph, out, collections, [GraphKeys.SUMMARIES])
    return out


def scalar(name, tensor, collections=None, family=None):
    """Outputs a `Summary` protocol buffer containing a single scalar value.

    The generated Summary has a Tensor.proto containing the input Tensor.

    Args:
      name: A name for the generated node. Will also serve as the series name
        in TensorBoard.
      tensor: A real numeric Tensor containing a single value.
      collections: Optional list of graph collections keys. The new summary
        op is added to these collections. Defaults to `[GraphKeys.SUMMARIES]`.
      family: Optional; if provided, used as the prefix of the summary tag
        name, which controls the tab name used for display on Tensorboard.

    Returns:
      A scalar `Tensor` of type `string`. Which contains a `Summary` protobuf.
    """
    return _summary_op("ScalarSummary", "tags", name, tensor, family, collections)


def histogram(name, values, collections=None, family=None):
    """Outputs a `Summary` protocol buffer with a histogram.

    Adding a histogram summary makes it possible to visualize your data's
    distribution in TensorBoard. The generated `Summary` has one summary
    value containing a histogram for `values`, in TF's default buckets.

    This op reports an `InvalidArgument` error if any value is not finite.
    """
    return _summary_op("HistogramSummary", "tag", name, values, family, collections)


def image(name, tensor, max_outputs=3, collections=None, family=None):
    """Outputs a `Summary` protocol buffer with images.

    The summary has up to `max_outputs` summary values containing images. The
    images are built from `tensor` which must be 4-D with shape `[batch_size,
    height, width, channels]` and where `channels` can be 1 (grayscale), 3
    (RGB) or 4 (RGBA). For float input, the values are normalized one image
    at a time to fit in the range `[0, 255]`; `uint8` values are unchanged.
    If the input values are all positive, they are rescaled so the largest
    one is 255; if any input value is negative, the values are shifted so
    input value 0.0 is at 127, then rescaled so that either the smallest
    value is 0, or the largest one is 255.

    The tags are `name/image/0`, `name/image/1`, ... (`name/image` when
    `max_outputs` is 1).
    """
    return _summary_op("ImageSummary", "tag", name, tensor, family, collections,
                       {"max_images": int(max_outputs)})


def audio(name, tensor, sample_rate, max_outputs=3, collections=None, family=None):
    """Outputs a `Summary` protocol buffer with audio.

    The summary has up to `max_outputs` summary values containing audio. The
    audio is built from `tensor` which must be 3-D with shape `[batch_size,
    frames, channels]` or 2-D with shape `[batch_size, frames]`. The values
    are assumed to be in the range of `[-1.0, 1.0]` with a sample rate of
    `sample_rate`.

    The `tag` in the outputted Summary.Value protobufs is generated based on
    the name, with a suffix depending on the max_outputs setting: `name/audio`
    if `max_outputs` is 1, else `name/audio/0`, `name/audio/1`, etc.

    Args:
      name: A name for the generated node. Will also serve as a series name in
        TensorBoard.
      tensor: A 3-D `float32` `Tensor` of shape `[batch_size, frames,
        channels]` or a 2-D `float32` `Tensor` of shape `[batch_size, frames]`.
      sample_rate: A Scalar `float32` `Tensor` indicating the sample rate of
        the signal in hertz.
      max_outputs: Max number of batch elements to generate audio for.
      collections: Optional list of ops.GraphKeys. The collections to add the
        summary to. Defaults to [_ops.GraphKeys.SUMMARIES]
      family: Optional; if provided, used as the prefix of the summary tag
        name, which controls the tab name used for display on Tensorboard.

    Returns:
      A scalar `Tensor` of type `string`. The serialized `Summary` protocol
      buffer.
    """
    graph = graph_of([tensor, sample_rate])
    with graph.as_default():
        with _SummaryScope(graph, name, family) as (tag, scope):
            rate = to_tensor(graph, sample_rate, dtype=dtypes.float32, name="sample_rate")
            inputs = [_string_constant(graph, tag, "tag"), to_tensor(graph, tensor), rate]
            out = graph.create_op("AudioSummaryV2", inputs, {"max_outputs": int(max_outputs)},
                                  name=scope).outputs[0]
    _collect(graph, out, collections, [GraphKeys.SUMMARIES])
    return out


def tensor_summary(name, tensor, summary_description=None, collections=None,
                   summary_metadata=None, family=None, display_name=None):
    """Outputs a `Summary` protocol buffer with a serialized tensor.proto.

    Args:
      name: A name for the generated node. If display_name is not set, it will
        also serve as the tag name in TensorBoard.
      tensor: A tensor of any type and shape to serialize.
      summary_description: A long description of the summary sequence.
      collections: Optional list of graph collections keys. The new summary
        op is added to these collections. Defaults to `[GraphKeys.SUMMARIES]`.
      summary_metadata: Optional SummaryMetadata proto (which describes which
        plugins may use the summary value).
      family: Optional; if provided, used as the prefix of the summary tag,
        which controls the name used for display on TensorBoard.
      display_name: A string used to name this data in TensorBoard.

    Returns:
      A scalar `Tensor` of type `string`. The serialized `Summary` protocol
      buffer.
    """
    meta = SummaryMetadata() if summary_metadata is None else \
        SummaryMetadata.FromString(summary_metadata.SerializeToString())
    if summary_description is not None:
        meta.summary_description = summary_description
    if display_name is not None:
        meta.display_name = display_name
    graph = graph_of([tensor])
    with graph.as_default(), _SummaryScope(graph, name, family) as (tag, scope):
        if not isinstance(tensor, Tensor):
            tensor = (_string_constant(graph, tensor, "tensor") if _is_text(tensor)
                      else to_tensor(graph, tensor))
        inputs = [_string_constant(graph, tag, "tag"), tensor,
                  _string_constant(graph, meta.SerializeToString(),
                                   "serialized_summary_metadata")]
        out = graph.create_op("TensorSummaryV2", inputs, {}, name=scope).outputs[0]
    _collect(graph, out, collections, [GraphKeys.SUMMARIES])
    return out


def _is_text(value):
    if isinstance(value, (str, bytes)):
        return True
    return isinstance(value, (list, tuple, np.ndarray)) and np.asarray(value).dtype.kind in "USO"


def text(name, tensor, collections=None):
    """Summarizes textual data.

    Text data summarized via this plugin will be visible in the Text Dashboard
    in TensorBoard. The standard TensorBoard Text Dashboard will render
    markdown in the strings, and will automatically organize 1d and 2d
    tensors into tables.

    fastgraph's string tensors are constants: `tensor` is a string constant
    or a Python string (bytes, or a nested list of them), made into one.

    Args:
      name: A name for the generated node. Will also serve as a series name in
        TensorBoard.
      tensor: a string-type Tensor to summarize.
      collections: Optional list of ops.GraphKeys. The collections to add the
        summary to. Defaults to [_ops.GraphKeys.SUMMARIES]

    Returns:
      A TensorSummary op that is configured so that TensorBoard will recognize
      that it contains textual data.

    Raises:
      ValueError: If tensor has the wrong type.
    """
    if isinstance(tensor, Tensor):
        if tensor.dtype != dtypes.string:
            raise ValueError(f"Expected tensor {tensor.name} to have dtype string, got "
                             f"{tensor.dtype}")
    elif not _is_text(tensor):
        raise ValueError(f"Expected tensor {tensor!r} to have dtype string")
    meta = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(plugin_name="text"))
    return tensor_summary(name, tensor, summary_metadata=meta, collections=collections)


def merge(inputs, collections=None, name=None):
    """Merges summaries.

    This op creates a `Summary` protocol buffer that contains the union of all
    the values in the input summaries. When the Op is run, it reports an
    `InvalidArgument` error if multiple values in the summaries to merge use
    the same tag.

    Args:
      inputs: A list of `string` `Tensor` objects containing serialized
        `Summary` protocol buffers.
      collections: Optional list of graph collections keys. The new summary
        op is added to these collections. Defaults to `[]`.
      name: A name for the operation (optional).

    Returns:
      A scalar `Tensor` of type `string`. The serialized `Summary` protocol
      buffer resulting from the merging.
    """
    inputs = list(inputs)
    graph = graph_of(inputs) if inputs else get_default_graph()
    with graph.name_scope(name or "Merge") as scope:
        out = graph.create_op("MergeSummary", inputs, {"N": len(inputs)},
                              name=scope).outputs[0]
    _collect(graph, out, collections, [])
    return out


def merge_all(key=GraphKeys.SUMMARIES, scope=None, name=None):
    """Merges all summaries collected in the default graph.

    Args:
      key: `GraphKey` used to collect the summaries. Defaults to
        `GraphKeys.SUMMARIES`.
      scope: Optional scope used to filter the summary ops, using `re.match`.
      name: A name for the operation (optional).

    Returns:
      If no summaries were collected, returns None. Otherwise returns a scalar
      `Tensor` of type `string` containing the serialized `Summary` protocol
      buffer resulting from the merging.
    """
    summary_ops = get_default_graph().get_collection(key, scope=scope)
    if not summary_ops:
        return None
    return merge(summary_ops, name=name)


SUMMARY = {
    "scalar": scalar, "histogram": histogram, "image": image, "text": text, "audio": audio,
    "tensor_summary": tensor_summary, "merge": merge,
    "merge_all": merge_all, "FileWriter": FileWriter, "FileWriterCache": FileWriterCache,
    "Summary": Summary, "SummaryMetadata": SummaryMetadata, "Event": Event,
    "SessionLog": SessionLog, "summary_iterator": summary_iterator,
}
"""The names of `tf.compat.v1.summary`."""
