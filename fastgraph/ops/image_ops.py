"""Image resizing with TensorFlow 2's `tf.image.resize` sampling rules."""

import numpy as np

from ..framework import dtypes
from ..framework.op_registry import OpDef, register
from .array_ops import expand_dims, squeeze
from .common import NUMERIC, check_dtype, graph_of, make_op, to_tensor

__all__ = []

IMAGE = ["resize", "ResizeMethod"]
# tf.compat.v1.image adds these.
IMAGE_V1 = ["resize_bilinear", "resize_nearest_neighbor"]


class ResizeMethod:
    """See `resize`: the sampling methods by name."""

    BILINEAR = "bilinear"
    NEAREST_NEIGHBOR = "nearest"
    AREA = "area"
    BICUBIC = "bicubic"
    LANCZOS3 = "lanczos3"
    LANCZOS5 = "lanczos5"
    GAUSSIAN = "gaussian"
    MITCHELLCUBIC = "mitchellcubic"


def _resize_shape(ctx):
    images, size = ctx.shapes[0], ctx.values[1]
    if images is not None and len(images) != 4:
        raise ValueError(f"'images' must have 4 dimensions, got shape {list(images)}")
    if size is None:
        raise ValueError("resize needs a constant `size`")
    h, w = (int(d) for d in np.asarray(size).reshape(-1))
    if h <= 0 or w <= 0:
        raise ValueError(f"output dimensions must be positive, got [{h}, {w}]")
    batch, channels = (None, None) if images is None else (images[0], images[3])
    return [(batch, h, w, channels)]


def _resize_lower(ctx):
    return [int(ctx.attrs["align_corners"]), int(ctx.attrs["half_pixel_centers"])], None


def _scale(in_size, out_size, align_corners):
    if align_corners and out_size > 1:
        return np.float32((in_size - 1) / np.float32(out_size - 1))
    return np.float32(in_size / np.float32(out_size))


def _bilinear_reference(inputs, attrs):
    """TF's ResizeBilinear in NumPy float32: corners from floor/ceil of the
    scaled coordinate, clamped; weights from its fractional part."""
    images, (oh, ow) = inputs[0].astype(np.float32), (int(d) for d in inputs[1])
    _, h, w, _ = images.shape
    align, half = attrs["align_corners"], attrs["half_pixel_centers"]

    def axis(out_size, in_size):
        scale = _scale(in_size, out_size, align)
        i = np.arange(out_size, dtype=np.float32)
        src = (i + np.float32(0.5)) * scale - np.float32(0.5) if half else i * scale
        fl = np.floor(src)
        lo = np.maximum(fl, 0).astype(np.int64)
        hi = np.minimum(np.ceil(src), in_size - 1).astype(np.int64)
        return lo, hi, (src - fl).astype(np.float32)

    ylo, yhi, yl = axis(oh, h)
    xlo, xhi, xl = axis(ow, w)
    xl = xl[None, None, :, None]
    top = images[:, ylo][:, :, xlo] + (images[:, ylo][:, :, xhi] - images[:, ylo][:, :, xlo]) * xl
    bot = images[:, yhi][:, :, xlo] + (images[:, yhi][:, :, xhi] - images[:, yhi][:, :, xlo]) * xl
    return [(top + (bot - top) * yl[None, :, None, None]).astype(np.float32)]


def _nearest_reference(inputs, attrs):
    images, (oh, ow) = inputs[0], (int(d) for d in inputs[1])
    _, h, w, _ = images.shape
    align, half = attrs["align_corners"], attrs["half_pixel_centers"]

    def axis(out_size, in_size):
        scale = _scale(in_size, out_size, align)
        i = np.arange(out_size, dtype=np.float32)
        src = (i + np.float32(0.5)) * scale if half else i * scale
        j = np.round(src) if align else np.floor(src)
        j = np.minimum(j, in_size - 1)
        if half:
            j = np.maximum(j, 0)
        return j.astype(np.int64)

    return [images[:, axis(oh, h)][:, :, axis(ow, w)]]


register(OpDef("ResizeBilinear", shape=_resize_shape, dtype=lambda ctx: [dtypes.float32],
               kernel="resize_bilinear", lower=_resize_lower, reference=_bilinear_reference,
               parallel=True, dtypes=NUMERIC))
register(OpDef("ResizeNearestNeighbor", shape=_resize_shape, dtype=lambda ctx: [ctx.dtypes[0]],
               kernel="resize_nearest", lower=_resize_lower, reference=_nearest_reference,
               parallel=True, dtypes=NUMERIC))


def _resize_op(op_type, images, size, align_corners, half_pixel_centers, name):
    if align_corners and half_pixel_centers:
        raise ValueError("If half_pixel_centers is True, align_corners must be False.")
    graph = graph_of([images])
    images = to_tensor(graph, images)
    check_dtype(images, NUMERIC, op_type, "images")
    size = to_tensor(graph, size, dtype=dtypes.int32 if not hasattr(size, "dtype") else None)
    return make_op(graph, op_type, [images, size],
                   {"align_corners": bool(align_corners),
                    "half_pixel_centers": bool(half_pixel_centers)}, name=name).outputs[0]


def resize_bilinear(images, size, align_corners=False, half_pixel_centers=False, name=None):
    """Resize `images` (4-D, NHWC) to `size` using bilinear interpolation;
    the output is float32 (TF1's `tf.compat.v1.image.resize_bilinear`)."""
    return _resize_op("ResizeBilinear", images, size, align_corners, half_pixel_centers, name)


def resize_nearest_neighbor(images, size, align_corners=False, half_pixel_centers=False,
                            name=None):
    """Resize `images` (4-D, NHWC) to `size` using nearest neighbor
    interpolation; the output keeps the input dtype."""
    return _resize_op("ResizeNearestNeighbor", images, size, align_corners,
                      half_pixel_centers, name)


def resize(images, size, method=ResizeMethod.BILINEAR, preserve_aspect_ratio=False,
           antialias=False, name=None):
    """Resize `images` to `size` using the specified `method`.

    `images` is 4-D `[batch, height, width, channels]` or 3-D `[height,
    width, channels]`; `size` is `[new_height, new_width]`. Sampling uses
    half-pixel centres (TF2). The result is float32 unless `method` is
    `nearest`, which keeps the input dtype.
    """
    if preserve_aspect_ratio:
        raise NotImplementedError("preserve_aspect_ratio=True is not supported yet")
    if antialias:
        raise NotImplementedError("antialias=True is not supported yet")
    graph = graph_of([images])
    images = to_tensor(graph, images)
    rank = images.shape.rank
    if rank is not None and rank not in (3, 4):
        raise ValueError("'images' must have either 3 or 4 dimensions.")
    with graph.as_default(), graph.name_scope(name or "resize"):
        batched = images if rank == 4 else expand_dims(images, 0)
        if method == ResizeMethod.BILINEAR:
            out = resize_bilinear(batched, size, half_pixel_centers=True)
        elif method == ResizeMethod.NEAREST_NEIGHBOR:
            out = resize_nearest_neighbor(batched, size, half_pixel_centers=True)
        else:
            raise ValueError(f"Resize method is not implemented: [{method}]")
        return out if rank == 4 else squeeze(out, axis=[0])
