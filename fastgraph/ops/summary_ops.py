"""Summary ops: ScalarSummary, HistogramSummary, ImageSummary,
AudioSummaryV2, TensorSummaryV2 and MergeSummary, whose string outputs are serialized `Summary` protobufs.

They are host ops (`OpDef.host`): the C executor has no string tensors,
so a run that fetches one runs the numeric tensors it is computed from and
the session builds the Summary in Python from their values, as TF's kernels
would. Their string inputs (tags) are constants, read on the host too.
The public `tf.summary` functions that build them are in `api/summary.py`.
"""

import struct
import sys
import zlib

import numpy as np

from .. import protobuf_wire as wire
from ..framework import dtypes, errors
from ..framework.dtype_sets import FLOATS, NUMERIC
from ..framework.graphdef_mapping import Attr, InputList, NodeMapping, TypeAttr
from ..framework.op_registry import Accepts, NotDifferentiable, OpDef, register
from ..framework.summary_protos import (
    HistogramProto, Summary, SummaryMetadata, TensorProto, TensorShapeProto,
)
from . import samples

__all__ = []  # the public functions are tf.summary's (api/summary.py)


def _scalar_dtype(ctx):
    return [dtypes.string]


def _scalar_shape(ctx):
    return [()]


def _tags(value):
    return [t.decode() if isinstance(t, bytes) else str(t) for t in np.asarray(value).reshape(-1)]


def _shape_text(shape):
    return "[" + ",".join(str(d) for d in shape) + "]"


# -- ScalarSummary ---------------------------------------------------------------

def scalar_summary_value(inputs, attrs):
    """Serialized Summary of `tags` and `values` of one shape (or both
    scalars): one simple_value (as float32) per tag."""
    tags, values = np.asarray(inputs[0]), np.asarray(inputs[1])
    if tags.shape != values.shape:
        single = f" (tag '{_tags(tags)[0]}')" if tags.size == 1 else ""
        raise errors.InvalidArgumentError(
            None, None, f"tags and values are not the same shape: {_shape_text(tags.shape)} != "
                        f"{_shape_text(values.shape)}{single}")
    out = Summary()
    for tag, v in zip(_tags(tags), values.reshape(-1)):
        out.value.add(tag=tag, simple_value=float(np.float32(v)))
    return out.SerializeToString()


# -- HistogramSummary ------------------------------------------------------------

def _default_bucket_limits():
    # TF's histogram: edges growing by 10% from 1e-12 up to 1e20, mirrored
    # for negative values, with 0 between and DBL_MAX at both ends.
    positive, v = [], 1.0e-12
    while v < 1.0e20:
        positive.append(v)
        v *= 1.1
    positive.append(sys.float_info.max)
    return np.array([-x for x in reversed(positive)] + [0.0] + positive)


DEFAULT_BUCKET_LIMITS = _default_bucket_limits()
"""TF's default histogram bucket limits (the right edge of each bucket)."""


def histogram_proto(values):
    """The HistogramProto TF's HistogramSummary makes of `values` (finite
    numbers): counts per default bucket, runs of empty buckets merged into
    the next one as TF encodes them."""
    x = np.asarray(values, dtype=np.float64).reshape(-1)
    limits = DEFAULT_BUCKET_LIMITS
    counts = np.bincount(np.searchsorted(limits, x, side="right"), minlength=len(limits))
    proto = HistogramProto()
    proto.min = float(x.min()) if x.size else float(limits[-1])
    proto.max = float(x.max()) if x.size else -sys.float_info.max
    proto.num = float(x.size)
    # Summed in order, one double at a time, as TF adds each value.
    proto.sum = float(np.cumsum(x)[-1]) if x.size else 0.0
    proto.sum_squares = float(np.cumsum(x * x)[-1]) if x.size else 0.0
    edges, kept = [], []
    i, n = 0, len(counts)
    while i < n:
        j = i + 1
        # A run of empty buckets is written as its last one.
        if counts[i] == 0:
            while j < n and counts[j] == 0:
                j += 1
        edges.append(limits[j - 1])
        kept.append(float(counts[j - 1]))
        i = j
    proto.bucket_limit.extend(float(e) for e in edges)
    proto.bucket.extend(kept)
    return proto


def histogram_summary_value(inputs, attrs, name="HistogramSummary"):
    """Serialized Summary of one histogram of `values` under scalar `tag`."""
    tag, values = np.asarray(inputs[0]), np.asarray(inputs[1])
    if tag.ndim != 0:
        raise errors.InvalidArgumentError(None, None, "tags must be scalar")
    x = values.astype(np.float64).reshape(-1)
    bad = ~np.isfinite(x)
    if bad.any():
        what = "Nan" if np.isnan(x[np.argmax(bad)]) else "Infinity"
        raise errors.InvalidArgumentError(None, None, f"{what} in summary histogram for: {name}")
    out = Summary()
    out.value.add(tag=_tags(tag)[0], histo=histogram_proto(x))
    return out.SerializeToString()


# -- ImageSummary ----------------------------------------------------------------

_PNG_COLOR_TYPES = {1: 0, 3: 2, 4: 6}  # gray, RGB, RGBA


def encode_png(image):
    """PNG bytes of a uint8 image [height, width, channels] (1, 3 or 4
    channels), compressed with zlib's default level."""
    h, w, c = image.shape

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    rows = np.concatenate([np.zeros((h, 1), np.uint8), image.reshape(h, w * c)], axis=1)
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, _PNG_COLOR_TYPES[c], 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows.tobytes()))
            + chunk(b"IEND", b""))


def normalize_float_image(image, bad_color):
    """A float image [h, w, c] as uint8, as TF's ImageSummary scales it:
    by 255 / max when no pixel is negative, else by 127 / max|v| around 128
    (min and max over the pixels whose channels are all finite); pixels with
    a non-finite channel become `bad_color`."""
    t = image.dtype.type
    h, w, c = image.shape
    pix = image.reshape(h * w, c)
    finite = np.all(np.isfinite(pix), axis=1)
    good = pix[finite].astype(np.float32)
    lo = np.float32(good.min()) if good.size else np.float32(np.inf)
    hi = np.float32(good.max()) if good.size else np.float32(-np.inf)
    threshold = np.float32(1e-6)
    if lo < 0:
        top = max(abs(lo), abs(hi))
        scale = t(0.0 if top < threshold else np.float32(127.0) / top)
        offset = t(128.0)
    else:
        scale = t(0.0 if hi < threshold else np.float32(255.0) / hi)
        offset = t(0.0)
    out = np.empty((h * w, c), np.uint8)
    with np.errstate(invalid="ignore", over="ignore"):
        scaled = pix[finite] * scale + offset
    out[finite] = scaled.astype(np.int64).astype(np.uint8)
    out[~finite] = np.asarray(bad_color, np.uint8)[:c]
    return out.reshape(h, w, c)


_BAD_COLOR = np.array([255, 0, 0, 255], np.uint8)


def image_summary_value(inputs, attrs):
    """Serialized Summary of up to `max_images` PNG images of the batch
    `tensor` [batch, height, width, channels], tagged `tag/image/i` (or
    `tag/image` when max_images is 1)."""
    tag, tensor = np.asarray(inputs[0]), np.asarray(inputs[1])
    max_images = int(attrs.get("max_images", 3))
    if tensor.ndim != 4 or tensor.shape[3] not in (1, 3, 4):
        raise errors.InvalidArgumentError(
            None, None, f"Tensor must be 4-D with last dim 1, 3, or 4, not "
                        f"{_shape_text(tensor.shape)}")
    bad_color = np.asarray(attrs.get("bad_color", _BAD_COLOR), np.uint8).reshape(-1)
    depth = tensor.shape[3]
    if tensor.dtype != np.uint8 and bad_color.size < depth:
        raise errors.InvalidArgumentError(
            None, None, f"expected depth <= bad_color.size, got depth = {depth}, "
                        f"bad_color.size = {bad_color.size}")
    base = _tags(tag)[0]
    out = Summary()
    for i in range(min(max_images, tensor.shape[0])):
        image = tensor[i]
        if image.dtype != np.uint8:
            image = normalize_float_image(image, bad_color)
        v = out.value.add(tag=f"{base}/image/{i}" if max_images > 1 else f"{base}/image")
        v.image.height, v.image.width = tensor.shape[1], tensor.shape[2]
        v.image.colorspace = depth
        v.image.encoded_image_string = encode_png(np.ascontiguousarray(image))
    return out.SerializeToString()


# -- AudioSummaryV2 --------------------------------------------------------------

def encode_wav(audio, sample_rate):
    """A 16-bit PCM WAV file of float `audio` [frames, channels] in [-1, 1]
    (clamped), each sample rounded half away from zero as TF's encoder."""
    frames, channels = audio.shape
    v = audio.astype(np.float32) * np.float32(32768.0)
    v = np.sign(v) * np.floor(np.abs(v) + np.float32(0.5))
    pcm = np.clip(v, -32768, 32767).astype("<i2").tobytes()
    rate = int(sample_rate)
    fmt = struct.pack("<HHIIHH", 1, channels, rate, rate * channels * 2, channels * 2, 16)
    return (b"RIFF" + struct.pack("<I", 36 + len(pcm)) + b"WAVE" + b"fmt "
            + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", len(pcm)) + pcm)


def audio_summary_value(inputs, attrs):
    """Serialized Summary of up to `max_outputs` WAV clips of the batch
    `tensor` [batch, frames] or [batch, frames, channels], tagged
    `tag/audio/i` (or `tag/audio` when max_outputs is 1)."""
    tag, tensor, rate = (np.asarray(v) for v in inputs)
    if tag.ndim != 0:
        raise errors.InvalidArgumentError(None, None, f"Tags must be a scalar, got: "
                                                      f"{_shape_text(tag.shape)}")
    if rate.ndim != 0:
        raise errors.InvalidArgumentError(None, None, "sample_rate must be rank 0")
    if tensor.ndim not in (2, 3):
        raise errors.InvalidArgumentError(None, None, f"Tensor must be 3-D or 2-D, got: "
                                                      f"{_shape_text(tensor.shape)}")
    clips = tensor if tensor.ndim == 3 else tensor[:, :, None]
    max_outputs = int(attrs.get("max_outputs", 3))
    base = _tags(tag)[0]
    out = Summary()
    for i in range(min(max_outputs, clips.shape[0])):
        v = out.value.add(tag=f"{base}/audio/{i}" if max_outputs > 1 else f"{base}/audio")
        v.audio.sample_rate = float(rate)
        v.audio.num_channels = clips.shape[2]
        v.audio.length_frames = clips.shape[1]
        v.audio.encoded_audio_string = encode_wav(clips[i], float(rate))
        v.audio.content_type = "audio/wav"
    return out.SerializeToString()


# -- TensorSummaryV2 -------------------------------------------------------------

def tensor_proto(value):
    """The TensorProto TF's summaries hold of `value`: numbers as
    little-endian `tensor_content`, strings (object arrays) as `string_val`."""
    arr = np.asarray(value)
    shape = TensorShapeProto(dim=[TensorShapeProto.Dim(size=d) for d in arr.shape])
    if arr.dtype == object:
        return TensorProto(dtype=dtypes.string.as_datatype_enum, tensor_shape=shape,
                           string_val=[s.encode() if isinstance(s, str) else bytes(s)
                                       for s in arr.reshape(-1)])
    dtype = dtypes.as_dtype(arr.dtype)
    data = np.ascontiguousarray(arr, dtype=arr.dtype.newbyteorder("<")).tobytes()
    return TensorProto(dtype=dtype.as_datatype_enum, tensor_shape=shape, tensor_content=data)


def tensor_summary_value(inputs, attrs):
    """Serialized Summary of one tensor value under scalar `tag`, with the
    SummaryMetadata serialized in the third input."""
    tag, tensor, metadata = inputs
    value = Summary.Value(tag=_tags(tag)[0], tensor=tensor_proto(tensor))
    value.metadata = SummaryMetadata.FromString(bytes(np.asarray(metadata).reshape(-1)[0]))
    return Summary(value=[value]).SerializeToString()


# -- MergeSummary ----------------------------------------------------------------

def merge_summary_value(inputs, attrs):
    """The serialized Summary holding every value of the serialized
    Summaries in `inputs` (each a string tensor), in order; a tag seen
    twice raises InvalidArgumentError, as TF's MergeSummary."""
    seen, parts = set(), []
    for value in inputs:
        for s in np.asarray(value, dtype=object).reshape(-1):
            try:
                entries = list(wire.fields(bytes(s)))
                tags = [dict((n, v) for n, w, v in wire.fields(v) if w == 2).get(1, b"")
                        for n, w, v in entries if n == 1 and w == 2]
            except (ValueError, IndexError, struct.error):
                raise errors.InvalidArgumentError(
                    None, None, "Could not parse one of the summary inputs") from None
            for tag in tags:
                if tag and tag in seen:
                    raise errors.InvalidArgumentError(
                        None, None, f"Duplicate tag {tag.decode(errors='replace')} found in "
                                    "summary inputs ")
                seen.add(tag)
            parts.extend(wire.encode_bytes(1, v) for n, w, v in entries if n == 1 and w == 2)
    return b"".join(parts)


# -- registration ----------------------------------------------------------------

def _host(value_fn):
    """The OpDef's host function: `value_fn` of the op's input values."""
    def host(ctx, op, values):
        return [value_fn(values, op.attrs)]
    return host


def _host_named(value_fn):
    def host(ctx, op, values):
        return [value_fn(values, op.attrs, op.name)]
    return host


def _reference(value_fn):
    return lambda inputs, attrs: [value_fn(inputs, attrs)]


def _tag(text):
    return samples.known(np.array(text.encode(), dtype=object))


def _scalar_samples(dtype):
    yield [_tag("loss"), samples.values(dtype, (), 1)], {}
    yield [samples.known(np.array([b"a", b"b", b"c"], dtype=object)),
           samples.values(dtype, (3,), 2)], {}


def _histogram_samples(dtype):
    yield [_tag("weights"), samples.values(dtype, (4, 5), 3)], {}
    yield [_tag("empty"), samples.values(dtype, (0,), 4)], {}


def _image_samples(dtype):
    for channels in (1, 3, 4):
        yield [_tag("img"), samples.values(dtype, (2, 3, 5, channels), channels)], \
            {"max_images": 3}
    yield [_tag("one"), samples.values(dtype, (2, 4, 4, 3), 9)], {"max_images": 1}


def _audio_samples(dtype):
    rate = samples.known(np.float32(8000.0))
    yield [_tag("sound"), samples.values(dtype, (2, 9), 7, -1.5, 1.5), rate], {"max_outputs": 3}
    yield [_tag("stereo"), samples.values(dtype, (3, 5, 2), 8, -1.0, 1.0), rate], \
        {"max_outputs": 1}


def _tensor_samples(dtype):
    meta = samples.known(np.array(SummaryMetadata().SerializeToString(), dtype=object))
    yield [_tag("t"), samples.values(dtype, (2, 3), 5), meta], {}
    yield [_tag("s"), samples.values(dtype, (), 6), meta], {}


def _merge_samples(dtype):
    a = scalar_summary_value([np.array(b"a", dtype=object), np.float32(1.5)], {})
    b = histogram_summary_value([np.array(b"b", dtype=object), np.arange(5.0)], {})
    yield [samples.known(np.array(a, dtype=object)), samples.known(np.array(b, dtype=object))], {}


_REAL = NUMERIC
_SCALAR_OUT = dict(shape=_scalar_shape, dtype=_scalar_dtype)

register(OpDef("ScalarSummary", **_SCALAR_OUT, host=_host(scalar_summary_value),
               reference=_reference(scalar_summary_value),
               dtypes=[Accepts("values", _REAL, input=1)], samples=_scalar_samples,
               graphdef=NodeMapping(("tags", "values"), [TypeAttr("T", input=1)])))
register(OpDef("HistogramSummary", **_SCALAR_OUT, host=_host_named(histogram_summary_value),
               reference=_reference(histogram_summary_value),
               dtypes=[Accepts("values", _REAL, input=1)], samples=_histogram_samples,
               graphdef=NodeMapping(("tag", "values"), [TypeAttr("T", input=1)])))
register(OpDef("ImageSummary", **_SCALAR_OUT, host=_host(image_summary_value),
               reference=_reference(image_summary_value),
               dtypes=[Accepts("tensor", (dtypes.uint8,) + FLOATS, input=1)],
               samples=_image_samples,
               graphdef=NodeMapping(("tag", "tensor"), [
                   TypeAttr("T", input=1), Attr("max_images", default=3),
                   Attr("bad_color", optional=True)])))
register(OpDef("AudioSummaryV2", **_SCALAR_OUT, host=_host(audio_summary_value),
               reference=_reference(audio_summary_value),
               dtypes=[Accepts("tensor", (dtypes.float32,), input=1)], samples=_audio_samples,
               graphdef=NodeMapping(("tag", "tensor", "sample_rate"),
                                    [Attr("max_outputs", default=3)])))
register(OpDef("TensorSummaryV2", **_SCALAR_OUT, host=_host(tensor_summary_value),
               reference=_reference(tensor_summary_value), samples=_tensor_samples,
               graphdef=NodeMapping(("tag", "tensor", "serialized_summary_metadata"),
                                    [TypeAttr("T", input=1)])))
register(OpDef("MergeSummary", **_SCALAR_OUT, host=_host(merge_summary_value),
               reference=_reference(merge_summary_value), samples=_merge_samples,
               graphdef=NodeMapping((InputList("inputs"),), [])))

# As TF's logging_ops: gradients stop at summaries.
for _op_type in ("ScalarSummary", "HistogramSummary", "ImageSummary", "AudioSummaryV2",
                 "TensorSummaryV2", "MergeSummary"):
    NotDifferentiable(_op_type)
