"""Image ops with TensorFlow 2's `tf.image` semantics: resizing (bilinear,
nearest, area), dtype conversion, grayscale, per-image standardization,
flips, crops and pads. Images are 4-D `[batch, height, width, channels]`
(NHWC) or 3-D `[height, width, channels]`."""

import numpy as np

from ..framework import dtypes
from ..framework.dtype_sets import ALL, FLOATS, NUMERIC
from ..framework.graph import Tensor
from ..framework.graphdef_mapping import Attr, AttrInput, Implied, NodeMapping, NoGraphDef, TypeAttr
from ..framework.onednn_policy import tf_uses_onednn
from ..framework.op_registry import Accepts, NoGradient, OpDef, RegisterGradient, register
from . import samples
from .arguments import graph_of, make_op, to_tensor
from .array_ops import _ints_attr, _shape_arg, expand_dims, identity, pad, squeeze
from .array_ops import shape as shape_of
from .array_ops import slice as slice_
from .elementwise import cast, greater, maximum, multiply, realdiv, sqrt, square, subtract
from .reduction_ops import reduce_mean, reduce_prod

__all__ = []

IMAGE = ["resize", "ResizeMethod", "convert_image_dtype", "flip_left_right", "flip_up_down",
         "rgb_to_grayscale", "per_image_standardization", "crop_to_bounding_box",
         "pad_to_bounding_box", "central_crop"]
# tf.compat.v1.image adds these.
IMAGE_V1 = ["resize_bilinear", "resize_nearest_neighbor", "resize_area", "resize_images"]


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


class ResizeMethodV1:
    """See `v1.image.resize` for details (TF1's `tf.compat.v1.image.ResizeMethod`)."""

    BILINEAR = 0
    NEAREST_NEIGHBOR = 1
    BICUBIC = 2
    AREA = 3


def _shape_str(dims):
    """A shape as TF 2 prints a TensorShape in its messages: (None, 2, 3)."""
    if dims is None:
        return "<unknown>"
    parts = ["None" if d is None else str(d) for d in dims]
    return f"({parts[0]},)" if len(parts) == 1 else "(" + ", ".join(parts) + ")"


def _static_value(value, what):
    """A Python number for `value` (constant tensors are read)."""
    if isinstance(value, Tensor):
        if value.op.type != "Const":
            raise NotImplementedError(f"{what} must be known when the graph is built")
        value = value.op.get_attr("value")
    return np.asarray(value).item()


def _target_size(height, width, size, attrs):
    """The output (height, width): `size`, or with preserve_aspect_ratio the
    largest size that fits in it with the input's aspect ratio, computed in
    float32 as TF does (None while the input's dims are unknown)."""
    h, w = (int(d) for d in np.asarray(size).reshape(-1))
    if attrs.get("preserve_aspect_ratio"):
        if height is None or width is None:
            return None, None
        f32 = np.float32
        scale = min(f32(h) / f32(height), f32(w) / f32(width))
        h, w = int(np.round(scale * f32(height))), int(np.round(scale * f32(width)))
    return h, w


def _resize_shape(ctx):
    images, size = ctx.shapes[0], ctx.values[1]
    if images is not None and len(images) != 4:
        raise ValueError(f"'images' must have 4 dimensions, got shape {list(images)}")
    if size is None:
        raise ValueError("resize needs a constant `size`")
    height, width = (None, None) if images is None else (images[1], images[2])
    h, w = _target_size(height, width, size, ctx.attrs)
    if h is not None and (h <= 0 or w <= 0):
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
    images = inputs[0].astype(np.float32)
    _, h, w, _ = images.shape
    oh, ow = _target_size(h, w, inputs[1], attrs)
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
    images = inputs[0]
    _, h, w, _ = images.shape
    oh, ow = _target_size(h, w, inputs[1], attrs)
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


def _area_weights(out_size, in_size, scale):
    """[out_size, in_size] float64 matrix of TF's ResizeArea weights along one
    axis: the part of each input cell inside each output box (TF's float32
    formulas), with indices past the edge clamped onto it as TF does."""
    f32 = np.float32
    m = np.zeros((out_size, in_size), np.float64)
    for i in range(out_size):
        in0, in1 = f32(i) * scale, f32(i + 1) * scale
        for v in range(int(np.floor(in0)), int(np.ceil(in1))):
            if f32(v) < in0:
                wgt = scale if f32(v + 1) > in1 else f32(v + 1) - in0
            else:
                wgt = in1 - f32(v) if f32(v + 1) > in1 else f32(1)
            m[i, min(max(v, 0), in_size - 1)] += float(f32(wgt))
    return m


def _area_reference(inputs, attrs):
    """TF's ResizeArea as two weight matrices (summed in float64)."""
    images = inputs[0]
    _, h, w, _ = images.shape
    oh, ow = _target_size(h, w, inputs[1], attrs)
    align = attrs["align_corners"]
    # A one-pixel axis with aligned corners has scale 0; TF's area kernel
    # then samples with in / out (csrc/kernels/image.c area_scale).
    hs, ws = (_scale(n, o, align) or _scale(n, o, False) for n, o in ((h, oh), (w, ow)))
    scale = np.float32(1.0 / float(np.float32(hs * ws)))
    x = images.astype(np.float32).astype(np.float64)
    out = np.einsum("yi,bijc,xj->byxc", _area_weights(oh, h, hs), x, _area_weights(ow, w, ws))
    return [(out * float(scale)).astype(np.float32)]


def _resize_node(half_pixel_centers=True):
    """TF's resize ops; preserve_aspect_ratio, fastgraph's own attr, has no
    TF form (TF computes the size with other ops)."""
    attrs = [TypeAttr("T", input=0), Attr("align_corners", default=False),
             Implied("preserve_aspect_ratio", None)]
    attrs.append(Attr("half_pixel_centers", default=False) if half_pixel_centers
                 else Implied("half_pixel_centers", False))
    return NodeMapping(("images", "size"), attrs)


register(OpDef("ResizeBilinear", shape=_resize_shape, dtype=lambda ctx: [dtypes.float32],
               kernel="resize_bilinear", lower=_resize_lower, reference=_bilinear_reference,
               parallel=True,
               dtypes=[Accepts("images", NUMERIC)],
               samples=samples.resize,
               graphdef=_resize_node()))
register(OpDef("ResizeNearestNeighbor", shape=_resize_shape, dtype=lambda ctx: [ctx.dtypes[0]],
               kernel="resize_nearest", lower=_resize_lower, reference=_nearest_reference,
               parallel=True,
               dtypes=[Accepts("images", NUMERIC)],
               samples=samples.resize,
               graphdef=_resize_node()))
register(OpDef("ResizeArea", shape=_resize_shape, dtype=lambda ctx: [dtypes.float32],
               kernel="resize_area", lower=_resize_lower, reference=_area_reference,
               parallel=True,
               dtypes=[Accepts("images", NUMERIC)],
               samples=samples.resize_area,
               gradient=NoGradient("TF registers no gradient for ResizeArea"),
               graphdef=_resize_node(half_pixel_centers=False)))


# ---- the gradients of the bilinear and nearest resizes ----------------------------

def _bilinear_taps(out_size, in_size, align, half):
    """Per resized index: the two source indices and their float32 weights."""
    scale = _scale(in_size, out_size, align)
    i = np.arange(out_size, dtype=np.float32)
    src = (i + np.float32(0.5)) * scale - np.float32(0.5) if half else i * scale
    fl = np.floor(src)
    lo = np.maximum(fl, 0).astype(np.int64)
    hi = np.minimum(np.ceil(src), in_size - 1).astype(np.int64)
    lerp = (src - fl).astype(np.float32)
    return lo, hi, np.float32(1) - lerp, lerp


def _bilinear_grad_reference(inputs, attrs):
    """Each resized pixel's gradient times its float32 weights, added (in the
    image's type) to the four pixels it was sampled from."""
    grads, image = inputs[0].astype(np.float32), inputs[1]
    _, h, w, _ = image.shape
    _, oh, ow, _ = grads.shape
    align, half = attrs["align_corners"], attrs["half_pixel_centers"]
    ylo, yhi, iyl, yl = _bilinear_taps(oh, h, align, half)
    xlo, xhi, ixl, xl = _bilinear_taps(ow, w, align, half)
    out = np.zeros(image.shape, image.dtype)
    for ys, wy in ((ylo, iyl), (yhi, yl)):
        for xs, wx in ((xlo, ixl), (xhi, xl)):
            part = (grads * wy[None, :, None, None]).astype(np.float32) * wx[None, None, :, None]
            np.add.at(out, (slice(None), ys[:, None], xs[None, :]),
                      part.astype(image.dtype))
    return [out]


def _nearest_taps(out_size, in_size, align, half):
    scale = _scale(in_size, out_size, align)
    i = np.arange(out_size, dtype=np.float32)
    src = (i + np.float32(0.5)) * scale if half else i * scale
    # C's roundf: halves away from zero (np.round rounds them to even).
    j = np.minimum(np.floor(src + np.float32(0.5)) if align else np.floor(src), in_size - 1)
    return (np.maximum(j, 0) if half else j).astype(np.int64)


def _nearest_grad_reference(inputs, attrs):
    grads = inputs[0]
    b, oh, ow, c = grads.shape
    h, w = attrs["size"]
    align, half = attrs["align_corners"], attrs["half_pixel_centers"]
    out = np.zeros((b, h, w, c), grads.dtype)
    np.add.at(out, (slice(None), _nearest_taps(oh, h, align, half)[:, None],
                    _nearest_taps(ow, w, align, half)[None, :]), grads)
    return [out]


def _resize_grad_shape(ctx):
    grads, image = ctx.shapes[0], ctx.shapes[1]
    for shape in (grads, image):
        if shape is not None and len(shape) != 4:
            raise ValueError(f"Shape must be rank 4 but is rank {len(shape)}")
    return [image]


def _nearest_grad_shape(ctx):
    grads, size = ctx.shapes[0], tuple(ctx.attrs["size"])
    if grads is not None and len(grads) != 4:
        raise ValueError(f"Shape must be rank 4 but is rank {len(grads)}")
    if len(size) != 2:
        raise ValueError(f"Dimension must be 2 but is {len(size)}")
    return [(None, size[0], size[1], None) if grads is None else
            (grads[0], size[0], size[1], grads[3])]


def _resize_grad_node(inputs, t_input):
    return NodeMapping(inputs, [TypeAttr("T", input=t_input),
                                Attr("align_corners", default=False),
                                Attr("half_pixel_centers", default=False)])


register(OpDef("ResizeBilinearGrad", shape=_resize_grad_shape, dtype=lambda ctx: [ctx.dtypes[1]],
               kernel="resize_bilinear_grad", lower=_resize_lower,
               reference=_bilinear_grad_reference, parallel=True,
               dtypes=[Accepts("original_image", FLOATS, input=1),
                       Accepts("grads", (dtypes.float32,))],
               samples=samples.resize_grad,
               gradient=NoGradient("a resize's gradient; TF has no second order for it"),
               graphdef=_resize_grad_node(("grads", "original_image"), 1)))
register(OpDef("ResizeNearestNeighborGrad", shape=_nearest_grad_shape,
               dtype=lambda ctx: [ctx.dtypes[0]], kernel="resize_nearest_grad",
               lower=_resize_lower, reference=_nearest_grad_reference, parallel=True,
               dtypes=[Accepts("grads", (dtypes.uint8, dtypes.int8, dtypes.int32) + FLOATS)],
               samples=samples.resize_nearest_grad,
               gradient=NoGradient("a resize's gradient; TF has no second order for it"),
               graphdef=_resize_grad_node(("grads", AttrInput("size", "size", deferred=True)),
                                          0)))


def resize_bilinear_grad(grads, original_image, align_corners=False, half_pixel_centers=False,
                         name=None):
    """Computes the gradient of bilinear interpolation.

    `grads` (float32, 4-D `[batch, height, width, channels]`) is the
    gradient of the resized image; the output has the shape and type of
    `original_image`, the image that was resized.
    """
    graph = graph_of([grads, original_image])
    grads = to_tensor(graph, grads)
    image = to_tensor(graph, original_image)
    return make_op(graph, "ResizeBilinearGrad", [grads, image],
                   {"align_corners": bool(align_corners),
                    "half_pixel_centers": bool(half_pixel_centers)},
                   name=name or "ResizeBilinearGrad").outputs[0]


def resize_nearest_neighbor_grad(grads, size, align_corners=False, half_pixel_centers=False,
                                 name=None):
    """Computes the gradient of nearest neighbor interpolation.

    `grads` (4-D `[batch, height, width, channels]`) is the gradient of the
    resized image; `size` (`[orig_height, orig_width]`) the original size.
    Each resized pixel's gradient is added to the pixel it was copied from.
    """
    graph = graph_of([grads, size])
    grads = to_tensor(graph, grads)
    inputs = [grads]
    attrs = {"size": _ints_attr(graph, size, "size", "resize_nearest_neighbor_grad", inputs),
             "align_corners": bool(align_corners),
             "half_pixel_centers": bool(half_pixel_centers)}
    return make_op(graph, "ResizeNearestNeighborGrad", inputs, attrs,
                   name=name or "ResizeNearestNeighborGrad").outputs[0]


@RegisterGradient("ResizeBilinear")
def _resize_bilinear_grad(op, grad):
    image = op.inputs[0]
    if not image.dtype.is_floating:
        return [None, None]
    return [resize_bilinear_grad(grad, image, op.get_attr("align_corners"),
                                 op.get_attr("half_pixel_centers")), None]


@RegisterGradient("ResizeNearestNeighbor")
def _resize_nearest_grad(op, grad):
    image = op.inputs[0]
    dims = image.shape.as_tuple()
    size = tuple(dims[1:3]) if dims is not None and None not in dims[1:3] else \
        _shape_arg(image)[1:3]
    return [resize_nearest_neighbor_grad(grad, size, op.get_attr("align_corners"),
                                         op.get_attr("half_pixel_centers")), None]


def _resize_op(op_type, images, size, align_corners, half_pixel_centers, name,
               preserve_aspect_ratio=False):
    if align_corners and half_pixel_centers:
        raise ValueError("If half_pixel_centers is True, align_corners must be False.")
    graph = graph_of([images])
    images = to_tensor(graph, images)
    size = to_tensor(graph, size, dtype=dtypes.int32 if not hasattr(size, "dtype") else None)
    attrs = {"align_corners": bool(align_corners), "half_pixel_centers": bool(half_pixel_centers)}
    if preserve_aspect_ratio:
        attrs["preserve_aspect_ratio"] = True
    return make_op(graph, op_type, [images, size], attrs, name=name).outputs[0]


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


def resize_area(images, size, align_corners=False, name=None):
    """Resize `images` (4-D, NHWC) to `size` using area interpolation: each
    output pixel is the average of the input pixels its area covers, weighted
    by coverage. The output is float32 (TF1's `tf.compat.v1.image.resize_area`)."""
    return _resize_op("ResizeArea", images, size, align_corners, False, name)


_RESIZE_OPS = {ResizeMethod.BILINEAR: "ResizeBilinear",
               ResizeMethod.NEAREST_NEIGHBOR: "ResizeNearestNeighbor",
               ResizeMethod.AREA: "ResizeArea"}
_RESIZE_UNSUPPORTED = (ResizeMethod.BICUBIC, ResizeMethod.LANCZOS3, ResizeMethod.LANCZOS5,
                       ResizeMethod.GAUSSIAN, ResizeMethod.MITCHELLCUBIC)


def resize(images, size, method=ResizeMethod.BILINEAR, preserve_aspect_ratio=False,
           antialias=False, name=None):
    """Resize `images` to `size` using the specified `method`.

    `images` is 4-D `[batch, height, width, channels]` or 3-D `[height,
    width, channels]`; `size` is `[new_height, new_width]`. `method` is a
    `ResizeMethod` (or its string): `bilinear`, `nearest` or `area`; sampling
    uses half-pixel centres (TF2). The result is float32 unless `method` is
    `nearest`, which keeps the input dtype. With `preserve_aspect_ratio`, the
    image is resized to the largest size that fits in `size` and keeps its
    aspect ratio. `antialias` is accepted for `nearest` and `area` (where TF
    ignores it too).
    """
    if method in _RESIZE_UNSUPPORTED or (antialias and method == ResizeMethod.BILINEAR):
        raise NotImplementedError(
            f"resize method {method!r}{' with antialias' if antialias else ''} is not "
            "supported by fastgraph yet")
    if method not in _RESIZE_OPS:
        raise ValueError(f"Resize method is not implemented: {method}")
    graph = graph_of([images])
    images = to_tensor(graph, images)
    rank = images.shape.rank
    if rank is None:
        raise ValueError("'images' contains no shape.")
    if rank not in (3, 4):
        raise ValueError("'images' must have either 3 or 4 dimensions.")
    if not isinstance(size, Tensor):
        try:
            size = np.asarray(size, dtype=np.int32)
        except (TypeError, ValueError):
            raise ValueError("'size' must be a 1-D int32 Tensor") from None
    size_shape = size.shape.as_tuple() if isinstance(size, Tensor) else size.shape
    if size_shape is not None and (len(size_shape) != 1 or size_shape[0] not in (None, 2)):
        raise ValueError("'size' must be a 1-D Tensor of 2 elements: new_height, new_width")
    with graph.as_default(), graph.name_scope(name or "resize"):
        batched = images if rank == 4 else expand_dims(images, 0)
        out = _resize_op(_RESIZE_OPS[method], batched, size, False,
                         method != ResizeMethod.AREA, None, preserve_aspect_ratio)
        return out if rank == 4 else squeeze(out, axis=[0])


_RESIZE_V1_OPS = {ResizeMethodV1.BILINEAR: "ResizeBilinear",
                  ResizeMethod.BILINEAR: "ResizeBilinear",
                  ResizeMethodV1.NEAREST_NEIGHBOR: "ResizeNearestNeighbor",
                  ResizeMethod.NEAREST_NEIGHBOR: "ResizeNearestNeighbor",
                  ResizeMethodV1.AREA: "ResizeArea", ResizeMethod.AREA: "ResizeArea"}


def resize_images(images, size, method=ResizeMethodV1.BILINEAR, align_corners=False,
                  preserve_aspect_ratio=False, name=None):
    """Resize `images` to `size` using the specified `method` (TF1's
    `tf.compat.v1.image.resize_images`, also `tf.compat.v1.image.resize`).

    Resized images will be distorted if their original aspect ratio is not
    the same as `size`. `method` is a `tf.compat.v1.image.ResizeMethod` (0
    BILINEAR, 1 NEAREST_NEIGHBOR, 2 BICUBIC, 3 AREA) or a TF2 method name.
    Sampling uses TF1's pixel corners (no half-pixel centres); `align_corners`
    aligns the corner pixels of input and output. The result is float32 unless
    `method` is NEAREST_NEIGHBOR, which keeps the input dtype; when `size` is
    known to equal the images' height and width, the images are returned as
    they are. With `preserve_aspect_ratio`, the image is resized to the
    largest size that fits in `size` and keeps its aspect ratio.
    """
    if method in (ResizeMethodV1.BICUBIC, ResizeMethod.BICUBIC):
        raise NotImplementedError("resize method BICUBIC is not supported by fastgraph yet")
    if isinstance(method, bool) or method not in _RESIZE_V1_OPS:
        raise ValueError(f"Resize method is not implemented: {method}")
    graph = graph_of([images])
    with graph.as_default(), graph.name_scope(name or "resize"):
        images = to_tensor(graph, images, name="images")
        rank = images.shape.rank
        if rank is None:
            raise ValueError("'images' contains no shape.")
        if rank not in (3, 4):
            raise ValueError("'images' must have either 3 or 4 dimensions.")
        if isinstance(size, Tensor):
            known = size.op.get_attr("value") if size.op.type == "Const" else None
        else:
            try:
                known = size = np.asarray(size, dtype=np.int32)
            except (TypeError, ValueError):
                raise ValueError("'size' must be a 1-D int32 Tensor") from None
        size_shape = size.shape.as_tuple() if isinstance(size, Tensor) else size.shape
        if size_shape is not None and (len(size_shape) != 1 or size_shape[0] not in (None, 2)):
            raise ValueError("'size' must be a 1-D Tensor of 2 elements: new_height, new_width")
        dims = images.shape.as_tuple()
        height, width = (dims[0], dims[1]) if rank == 3 else (dims[1], dims[2])
        if not preserve_aspect_ratio and known is not None and \
                (height, width) == tuple(int(d) for d in np.asarray(known).reshape(-1)):
            return images
        batched = images if rank == 4 else expand_dims(images, 0)
        out = _resize_op(_RESIZE_V1_OPS[method], batched, size, align_corners, False, None,
                         preserve_aspect_ratio)
        return out if rank == 4 else squeeze(out, axis=[0])


# ---- convert_image_dtype ----------------------------------------------------------

_CID_INT_DOWN, _CID_INT_UP, _CID_FLOAT_FLOAT, _CID_INT_TO_FLOAT, _CID_FLOAT_TO_INT = range(5)


def _saturate_limits(src, dst):
    """The clip bounds of TF's saturate_cast from `src` to `dst`, as values of
    `src`: the overlap of the two ranges, each bound moved one step toward
    zero when `src` cannot hold it exactly (float32 cannot hold int32's max)."""
    t = src.as_numpy_dtype
    wide = np.promote_types(t, dst.as_numpy_dtype)
    lo = t(np.maximum(src.min, dst.min))
    if np.array(lo, wide) < np.array(dst.min, wide):
        lo = np.nextafter(lo, t(0), dtype=t)
    hi = t(min(float(src.max), float(dst.max)))
    if np.array(hi, wide) > np.array(dst.max, wide):
        hi = np.nextafter(hi, t(0), dtype=t)
    return lo, hi


def _convert_plan(src, dst, saturate):
    """(mode, k, (lo, hi), scale): the steps TF's convert_image_dtype takes."""
    limits = _saturate_limits(src, dst) if saturate and dst.is_integer else None
    if src.is_integer and dst.is_integer:
        if src.max > dst.max:
            return _CID_INT_DOWN, (int(src.max) + 1) // (int(dst.max) + 1), limits, 1.0
        return _CID_INT_UP, (int(dst.max) + 1) // (int(src.max) + 1), limits, 1.0
    if src.is_floating and dst.is_floating:
        return _CID_FLOAT_FLOAT, 1, None, 1.0
    if src.is_integer:
        return _CID_INT_TO_FLOAT, 1, None, 1.0 / src.max
    return _CID_FLOAT_TO_INT, 1, limits, float(dst.max) + 0.5


def _tf_cast(x, np_dtype):
    """NumPy cast with TF's (x86's) float -> int rule: NaN and out-of-range
    values become the int32 minimum (int64's for int64), and narrower types
    keep that int32's low bits."""
    np_dtype = np.dtype(np_dtype)
    if x.dtype.kind != "f" or np_dtype.kind == "f":
        return x.astype(np_dtype)
    via = np.int64 if np_dtype.itemsize == 8 else np.int32
    info = np.iinfo(via)
    xd = x.astype(np.float64)
    bad = ~((xd >= float(info.min)) & (xd < -float(info.min)))
    with np.errstate(invalid="ignore"):
        out = np.where(bad, info.min, np.trunc(np.where(bad, 0, xd))).astype(via)
    return out.astype(np_dtype)


def _convert_reference(inputs, attrs):
    x, dst, saturate = inputs[0], attrs["dtype"], attrs["saturate"]
    src = dtypes.as_dtype(x.dtype)
    mode, k, limits, scale = _convert_plan(src, dst, saturate)
    t = dst.as_numpy_dtype
    with np.errstate(all="ignore"):
        if mode == _CID_INT_DOWN:
            x = np.floor_divide(x, x.dtype.type(k))
            return [(np.clip(x, *limits) if saturate else x).astype(t)]
        if mode == _CID_INT_UP:
            x = (np.clip(x, *limits) if saturate else x).astype(t)
            return [(x * t(k)).astype(t)]
        if mode == _CID_FLOAT_FLOAT:
            return [x.astype(t)]
        if mode == _CID_INT_TO_FLOAT:
            return [x.astype(t) * t(scale)]
        x = x * x.dtype.type(scale)
        return [_tf_cast(np.clip(x, *limits) if saturate else x, t)]


def _convert_lower(ctx):
    src, dst = ctx.dtypes[0], ctx.attrs["dtype"]
    mode, k, limits, scale = _convert_plan(src, dst, ctx.attrs["saturate"])
    lo, hi = limits if limits is not None else (0, 0)
    ilo, ihi = (int(lo), int(hi)) if src.is_integer else (0, 0)
    flo, fhi = (float(lo), float(hi)) if src.is_floating else (0.0, 0.0)
    return [mode, int(ctx.attrs["saturate"]), int(k), ilo, ihi], [float(scale), flo, fhi]


register(OpDef("ConvertImageDtype", shape=lambda ctx: [ctx.shapes[0]],
               dtype=lambda ctx: [ctx.attrs["dtype"]], kernel="convert_image_dtype",
               lower=_convert_lower, reference=_convert_reference, parallel=True,
               dtypes=[Accepts("image", NUMERIC + (dtypes.uint16,))],  # uint16: on the host
               samples=samples.convert_image,
               graphdef=NoGraphDef("TF builds tf.image.convert_image_dtype from Cast, Mul "
                                   "and clipping ops; it has no op of its own")))


def convert_image_dtype(image, dtype, saturate=False, name=None):
    """Convert `image` to `dtype`, scaling its values if needed.

    Images that are represented using floating point values are expected to
    have values in the range [0,1). Image data stored in integer data types
    are expected to have values in the range [0,MAX], where MAX is the largest
    positive representable number for the data type. Converting integer types
    to floating point types returns normalized floating point values; scaling
    up between integer types does not map in.max to out.max, but converting
    back and forth results in no change. If `saturate` is True, values are
    clipped into the output range before a potentially dangerous cast (float
    to integer, signed to unsigned).

    Raises AttributeError when `dtype` or the image's dtype is neither float
    nor integer.
    """
    graph = graph_of([image])
    image = to_tensor(graph, image)
    dtype = dtypes.as_dtype(dtype)
    if not dtype.is_floating and not dtype.is_integer:
        raise AttributeError("dtype must be either floating point or integer")
    if not image.dtype.is_floating and not image.dtype.is_integer:
        raise AttributeError("image dtype must be either floating point or integer")
    if dtype == image.dtype:
        return identity(image, name=name)
    return make_op(graph, "ConvertImageDtype", [image],
                   {"dtype": dtype, "saturate": bool(saturate)},
                   name=name or "convert_image").outputs[0]


# ---- rgb_to_grayscale ---------------------------------------------------------------

_RGB_WEIGHTS = np.array([0.2989, 0.5870, 0.1140], np.float32)


def _gray_scales(dtype):
    """(in, out) float32 factors of the round trip through float32."""
    if dtype.is_integer:
        return np.float32(1.0 / dtype.max), np.float32(float(dtype.max) + 0.5)
    return np.float32(1), np.float32(1)


def _gray_shape(ctx):
    shape = ctx.shapes[0]
    if shape is None:
        return [None]
    if len(shape) == 0:
        raise ValueError("Shape must be at least rank 1 but is rank 0 for 'rgb_to_grayscale'")
    if shape[-1] is not None and shape[-1] != 3:
        raise ValueError(f"Dimensions must be equal, but are {shape[-1]} and 3 for "
                         f"'rgb_to_grayscale' with input shapes: {list(shape)}, [3].")
    return [tuple(shape[:-1]) + (1,)]


def _gray_reference(inputs, attrs):
    x = inputs[0]
    sin, sout = _gray_scales(dtypes.as_dtype(x.dtype))
    f = x.astype(np.float32) * sin
    w = _RGB_WEIGHTS
    if f.size == 3 and tf_uses_onednn():
        # One pixel: TF's oneDNN matmul takes its dot-product path, two fused
        # multiply-adds (Eigen's, without oneDNN, sums in order as for many).
        y = (f[..., 0:1] * w[0]).astype(np.float64)
        y = (f[..., 1:2].astype(np.float64) * w[1] + y).astype(np.float32).astype(np.float64)
        y = (f[..., 2:3].astype(np.float64) * w[2] + y).astype(np.float32) * sout
    else:
        y = (f[..., 0:1] * w[0] + f[..., 1:2] * w[1] + f[..., 2:3] * w[2]) * sout
    return [_tf_cast(y, x.dtype)]


register(OpDef("RGBToGrayscale", shape=_gray_shape, dtype=lambda ctx: [ctx.dtypes[0]],
               kernel="rgb_to_grayscale",
               lower=lambda ctx: ([int(tf_uses_onednn())],
                                  [float(v) for v in _gray_scales(ctx.dtypes[0])]),
               reference=_gray_reference, parallel=True,
               dtypes=[Accepts("images", NUMERIC)],
               samples=samples.rgb_to_grayscale,
               graphdef=NoGraphDef("TF builds tf.image.rgb_to_grayscale from a tensordot "
                                   "with the luma weights; it has no op of its own")))


def rgb_to_grayscale(images, name=None):
    """Converts one or more images from RGB to Grayscale.

    Outputs a tensor of the same `DType` and rank as `images`. The size of the
    last dimension of the output is 1, containing the Grayscale value of the
    pixels (weights 0.2989, 0.5870, 0.1140; integer images are converted to
    float32 and back with `convert_image_dtype`).
    """
    graph = graph_of([images])
    images = to_tensor(graph, images)
    if not images.dtype.is_floating and not images.dtype.is_integer:
        raise AttributeError("image dtype must be either floating point or integer")
    return make_op(graph, "RGBToGrayscale", [images], name=name or "rgb_to_grayscale").outputs[0]


# ---- shape checks shared by the per-image ops -------------------------------------------

def _check_at_least_3d(shape):
    """TF's _CheckAtLeast3DImage on a static shape."""
    if shape is not None and len(shape) < 3:
        raise ValueError(f"'image' (shape {_shape_str(shape)}) must be at least "
                         "three-dimensional.")
    if shape is not None and any(d == 0 for d in shape[-3:]):
        raise ValueError(f"inner 3 dims of 'image.shape' must be > 0: {_shape_str(shape)}")


def _as_batch(shape, rank_error):
    """`shape` as 4-D (a 3-D image as a batch of one); ValueError otherwise."""
    if len(shape) == 3:
        return (1,) + tuple(shape)
    if len(shape) != 4:
        raise ValueError(rank_error.format(_shape_str(shape)))
    return tuple(shape)


# ---- per_image_standardization ------------------------------------------------------------

def _standardize_shape(ctx):
    _check_at_least_3d(ctx.shapes[0])
    return [ctx.shapes[0]]


def _standardize_reference(inputs, attrs):
    x = inputs[0].astype(np.float32)
    axes = (-1, -2, -3)
    n = int(np.prod(x.shape[-3:]))
    mean = x.astype(np.float64).mean(axis=axes, keepdims=True).astype(np.float32)
    std = np.sqrt(np.square(x.astype(np.float64) - mean).mean(axis=axes, keepdims=True))
    adj = np.maximum(std.astype(np.float32), np.float32(1) / np.sqrt(np.float32(n)))
    return [((x - mean) / adj).astype(np.float32)]


def _standardize_lower(ctx):
    shape = ctx.shapes[0]
    n = int(np.prod(shape[-3:]))
    return [int(np.prod(shape[:-3], dtype=np.int64)), n], None


register(OpDef("PerImageStandardization", shape=_standardize_shape,
               dtype=lambda ctx: [dtypes.float32], kernel="per_image_standardization",
               lower=_standardize_lower, reference=_standardize_reference, parallel=True,
               dtypes=[Accepts("image", NUMERIC)],
               samples=samples.per_image,
               graphdef=NoGraphDef("TF builds tf.image.per_image_standardization from "
                                   "reductions and arithmetic; it has no op of its own")))


def per_image_standardization(image):
    """Linearly scales each image in `image` to have mean 0 and variance 1.

    For each 3-D image `x` in `image`, computes `(x - mean) / adjusted_stddev`,
    where `mean` is the average of all values in x, `adjusted_stddev =
    max(stddev, 1.0/sqrt(N))` is capped away from 0 to protect against
    division by 0 when handling uniform images, and N is the number of
    elements in x. `image` is an n-D Tensor with at least 3 dimensions, the
    last 3 of which are the dimensions of each image; the output is float32.
    """
    graph = graph_of([image])
    image = to_tensor(graph, image)
    return make_op(graph, "PerImageStandardization", [image],
                   name="per_image_standardization").outputs[0]


# ---- flips, crops and pads: one window copy ---------------------------------------------
#
# Each op's `window(shape4, attrs)` gives (out_h, out_w, dy, dx, flip_y,
# flip_x) for a concrete [batch, height, width, depth]: output pixel (y, x)
# reads input (y + dy, x + dx), mirrored where flipped, zero outside.

_RANK_3_OR_4 = "'image' (shape {}) must have either 3 or 4 dimensions."


def _flip_shape(ctx):
    shape = ctx.shapes[0]
    _check_at_least_3d(shape)
    if shape is not None and len(shape) not in (3, 4):
        # TF's message, missing space and all.
        raise ValueError(f"'image' (shape {_shape_str(shape)})must have either 3 or 4 "
                         "dimensions.")
    return [shape]


def _flip_window(axis):
    def window(shape4, attrs):
        _, h, w, _ = shape4
        return h, w, 0, 0, axis == 1, axis == 2
    return window


def _crop_checks(shape4, attrs):
    """TF's crop_to_bounding_box checks, on the known dims."""
    oh, ow, th, tw = (attrs[k] for k in ("offset_height", "offset_width", "target_height",
                                           "target_width"))
    _check_at_least_3d(shape4)
    for ok, msg in ((ow >= 0, "offset_width must be >= 0."),
                    (oh >= 0, "offset_height must be >= 0."),
                    (tw > 0, "target_width must be > 0."),
                    (th > 0, "target_height must be > 0."),
                    (shape4[2] is None or shape4[2] >= tw + ow,
                     "width must be >= target + offset."),
                    (shape4[1] is None or shape4[1] >= th + oh,
                     "height must be >= target + offset.")):
        if not ok:
            raise ValueError(msg)


def _crop_window(shape4, attrs):
    return attrs["target_height"], attrs["target_width"], attrs["offset_height"], \
        attrs["offset_width"], False, False


def _pad_checks(shape4, attrs):
    """TF's pad_to_bounding_box checks, on the known dims."""
    oh, ow, th, tw = (attrs[k] for k in ("offset_height", "offset_width", "target_height",
                                           "target_width"))
    _check_at_least_3d(shape4)
    for ok, msg in ((oh >= 0, "offset_height must be >= 0"),
                    (ow >= 0, "offset_width must be >= 0"),
                    (shape4[2] is None or tw - ow - shape4[2] >= 0,
                     "width must be <= target - offset"),
                    (shape4[1] is None or th - oh - shape4[1] >= 0,
                     "height must be <= target - offset")):
        if not ok:
            raise ValueError(msg)


def _pad_window(shape4, attrs):
    return attrs["target_height"], attrs["target_width"], -attrs["offset_height"], \
        -attrs["offset_width"], False, False


def _central_start(size, fraction):
    return int((float(size) - float(size) * fraction) / 2)


def _central_window(shape4, attrs):
    _, h, w, _ = shape4
    f = attrs["central_fraction"]
    top = None if h is None else _central_start(h, f)
    left = None if w is None else _central_start(w, f)
    return (None if h is None else h - 2 * top), (None if w is None else w - 2 * left), \
        top, left, False, False


def _box_shape(checks, window, rank_error=_RANK_3_OR_4):
    def shape_fn(ctx):
        shape = ctx.shapes[0]
        if shape is None:
            return [None]
        shape4 = _as_batch(shape, rank_error)
        checks(shape4, ctx.attrs)
        oh, ow = window(shape4, ctx.attrs)[:2]
        return [tuple(shape[:-3]) + (oh, ow, shape[-1])]
    return shape_fn


def _central_checks(shape4, attrs):
    _check_at_least_3d(shape4)


def _window_lower(window):
    def lower(ctx):
        shape = ctx.shapes[0]
        b, h, w, c = _as_batch(shape, _RANK_3_OR_4)
        oh, ow, dy, dx, fy, fx = window((b, h, w, c), ctx.attrs)
        return [b, h, w, oh, ow, c * ctx.dtypes[0].size, dy, dx, int(fy), int(fx)], None
    return lower


def _window_reference(window):
    def reference(inputs, attrs):
        x = inputs[0]
        x4 = x if x.ndim == 4 else x[None]
        b, h, w, c = x4.shape
        oh, ow, dy, dx, fy, fx = window(x4.shape, attrs)
        if fy:
            x4 = x4[:, ::-1]
        if fx:
            x4 = x4[:, :, ::-1]
        out = np.zeros((b, oh, ow, c), x.dtype)
        ys, xs = np.arange(oh) + dy, np.arange(ow) + dx
        yk, xk = (ys >= 0) & (ys < h), (xs >= 0) & (xs < w)
        out[:, yk[:, None] & xk[None, :]] = x4[:, ys[yk]][:, :, xs[xk]].reshape(b, -1, c)
        return [out if x.ndim == 4 else out[0]]
    return reference


def _register_window(op_type, shape, window, sampler):
    register(OpDef(op_type, shape=shape, dtype=lambda ctx: [ctx.dtypes[0]],
                   kernel="image_window", lower=_window_lower(window),
                   reference=_window_reference(window), parallel=True,
                   dtypes=[Accepts("image", ALL)],
                   samples=sampler,
                   graphdef=NoGraphDef("TF builds its tf.image flips, crops and pads from "
                                       "ReverseV2, Slice and Pad; it has no op of this name")))


_register_window("FlipLeftRight", _flip_shape, _flip_window(2), samples.flip)
_register_window("FlipUpDown", _flip_shape, _flip_window(1), samples.flip)
_register_window("CropToBoundingBox", _box_shape(_crop_checks, _crop_window), _crop_window,
                 samples.crop_to_box)
_register_window("PadToBoundingBox", _box_shape(_pad_checks, _pad_window), _pad_window,
                 samples.pad_to_box)
_register_window("CentralCrop", _box_shape(
    _central_checks, _central_window,
    "`image` should either be a Tensor with rank = 3 or rank = 4. Had rank = {}."),
    _central_window, samples.central_crop)


def _image_op(op_type, image, attrs, name):
    graph = graph_of([image])
    image = to_tensor(graph, image)
    return make_op(graph, op_type, [image], attrs, name=name).outputs[0]


def flip_left_right(image):
    """Flip an image horizontally (left to right).

    Outputs the contents of `image` flipped along the width dimension.
    `image` is 4-D `[batch, height, width, channels]` or 3-D `[height, width,
    channels]`; the result has its type and shape.
    """
    return _image_op("FlipLeftRight", image, {}, "flip_left_right")


def flip_up_down(image):
    """Flip an image vertically (upside down).

    Outputs the contents of `image` flipped along the height dimension.
    `image` is 4-D `[batch, height, width, channels]` or 3-D `[height, width,
    channels]`; the result has its type and shape.
    """
    return _image_op("FlipUpDown", image, {}, "flip_up_down")


def _box_attrs(offset_height, offset_width, target_height, target_width):
    return {k: int(_static_value(v, k)) for k, v in (
        ("offset_height", offset_height), ("offset_width", offset_width),
        ("target_height", target_height), ("target_width", target_width))}


def crop_to_bounding_box(image, offset_height, offset_width, target_height, target_width):
    """Crops an `image` to a specified bounding box.

    This op cuts a rectangular bounding box out of `image`. The top-left corner
    of the bounding box is at `offset_height, offset_width` in `image`, and the
    lower-right corner is at `offset_height + target_height, offset_width +
    target_width`. `image` is 4-D `[batch, height, width, channels]` or 3-D
    `[height, width, channels]`.

    Raises ValueError if `image` is not 3-D or 4-D, or the box does not fit
    (`offset_*` negative, `target_*` not positive, or `width`/`height` less
    than `target + offset`).
    """
    attrs = _box_attrs(offset_height, offset_width, target_height, target_width)
    return _image_op("CropToBoundingBox", image, attrs, "crop_to_bounding_box")


def pad_to_bounding_box(image, offset_height, offset_width, target_height, target_width):
    """Pad `image` with zeros to the specified `height` and `width`.

    Adds `offset_height` rows of zeros on top, `offset_width` columns of zeros
    on the left, and then pads the image on the bottom and right with zeros
    until it has dimensions `target_height`, `target_width`. This op does
    nothing if `offset_*` is zero and the image already has size
    `target_height` by `target_width`.

    Raises ValueError if `image` is not 3-D or 4-D, `offset_*` is negative,
    or the image does not fit (`width`/`height` more than `target - offset`).
    """
    attrs = _box_attrs(offset_height, offset_width, target_height, target_width)
    return _image_op("PadToBoundingBox", image, attrs, "pad_to_bounding_box")


def central_crop(image, central_fraction):
    """Crop the central region of the image(s).

    Remove the outer parts of an image but retain the central region of the
    image along each dimension. If we specify `central_fraction = 0.5`, this
    function returns the region marked with "X" in the below diagram. The
    larger the value of `central_fraction`, the larger the dimension of the
    region to be cropped and retained.

         --------
        |        |
        |  XXXX  |
        |  XXXX  |
        |        |   where "X" is the central 50% of the image.
         --------

    `image` is 3-D `[height, width, depth]` or 4-D `[batch_size, height,
    width, depth]`; `central_fraction` is a float in (0, 1].
    """
    graph = graph_of([image])
    image = to_tensor(graph, image)
    fraction = float(_static_value(central_fraction, "central_fraction"))
    if fraction <= 0.0 or fraction > 1.0:
        raise ValueError("central_fraction must be within (0, 1]")
    if fraction == 1.0:
        return image
    shape = image.shape.as_tuple()
    _check_at_least_3d(shape)
    if shape is None or len(shape) not in (3, 4):
        raise ValueError("`image` should either be a Tensor with rank = 3 or rank = 4. "
                         f"Had rank = {None if shape is None else len(shape)}.")
    return make_op(graph, "CentralCrop", [image], {"central_fraction": fraction},
                   name="central_crop").outputs[0]


# ---- gradients -------------------------------------------------------------------------
#
# TF builds its flips, crops, pads, grayscale and standardization from other
# ops, whose gradients compose; fastgraph's single ops give the same
# gradients directly. They need the image's height and width at graph
# construction (the batch may be unknown).

def _image_hw(op):
    dims = op.inputs[0].shape.as_tuple()
    if dims is None or len(dims) not in (3, 4) or None in dims[-3:-1]:
        raise NotImplementedError(f"the gradient of {op.type} {op.name!r} needs the image's "
                                  f"height and width at graph construction; "
                                  f"{op.inputs[0].name} has {op.inputs[0].shape}")
    return dims[-3], dims[-2]


@RegisterGradient("FlipLeftRight")
def _flip_left_right_grad(op, grad):
    return [flip_left_right(grad)]


@RegisterGradient("FlipUpDown")
def _flip_up_down_grad(op, grad):
    return [flip_up_down(grad)]


def _box_paddings(image, top, left, inner):
    """Paddings that put `inner` (a [..., h, w, c] window of `image` at top,
    left) back in `image`'s height and width (known only at run time too)."""
    rank = image.shape.rank
    dims = image.shape.as_tuple()
    if None in dims[-3:-1]:
        size = shape_of(image)
        bottom = subtract(subtract(size[rank - 3], top), shape_of(inner)[rank - 3])
        right = subtract(subtract(size[rank - 2], left), shape_of(inner)[rank - 2])
    else:
        h, w = dims[-3:-1]
        ih, iw = inner.shape.as_tuple()[-3:-1]
        bottom, right = h - top - ih, w - left - iw
    return [[0, 0]] * (rank - 3) + [[top, bottom], [left, right], [0, 0]]


@RegisterGradient("CropToBoundingBox")
def _crop_grad(op, grad):
    image = op.inputs[0]
    return [pad(grad, _box_paddings(image, op.get_attr("offset_height"),
                                    op.get_attr("offset_width"), op.outputs[0]))]


@RegisterGradient("PadToBoundingBox")
def _pad_to_box_grad(op, grad):
    image = op.inputs[0]
    rank = image.shape.rank
    begin = [0] * (rank - 3) + [op.get_attr("offset_height"), op.get_attr("offset_width"), 0]
    return [slice_(grad, begin, _shape_arg(image))]


@RegisterGradient("CentralCrop")
def _central_crop_grad(op, grad):
    h, w = _image_hw(op)
    _, _, top, left, _, _ = _central_window((None, h, w, None), op.attrs)
    return [pad_to_bounding_box(grad, top, left, h, w)]


@RegisterGradient("RGBToGrayscale")
def _rgb_to_grayscale_grad(op, grad):
    """The gradient times each channel's weight (float images; the integer
    round trip through float32 is not differentiable)."""
    image = op.inputs[0]
    if not image.dtype.is_floating:
        return [None]
    return [multiply(grad, _RGB_WEIGHTS.astype(image.dtype.np_dtype))]


@RegisterGradient("ConvertImageDtype")
def _convert_image_dtype_grad(op, grad):
    """float -> float is a cast, whose gradient is the cast back; the
    conversions from or to integers are not differentiable."""
    image = op.inputs[0]
    if not (image.dtype.is_floating and op.outputs[0].dtype.is_floating):
        return [None]
    return [cast(grad, image.dtype)]


@RegisterGradient("PerImageStandardization")
def _per_image_standardization_grad(op, grad):
    """With y = (x - mean) / a, a = max(stddev, 1/sqrt(N)) over each image:
    dx = (g - mean(g) - [stddev > 1/sqrt(N)] y mean(g y)) / a, in float32
    as the op computes."""
    image = op.inputs[0]
    if not image.dtype.is_floating:
        return [None]
    if image.shape.rank is None:
        raise NotImplementedError(f"the gradient of PerImageStandardization {op.name!r} needs "
                                  "the image's rank at graph construction")
    axes = [-3, -2, -1]
    x = cast(image, dtypes.float32)
    centered = subtract(x, reduce_mean(x, axis=axes, keepdims=True))
    std = sqrt(reduce_mean(square(centered), axis=axes, keepdims=True))
    dims = image.shape.as_tuple()[-3:]
    if None in dims:
        pixels = cast(reduce_prod(shape_of(image)[-3:]), dtypes.float32)
    else:
        pixels = np.float32(int(np.prod(dims)))
    floor = realdiv(np.float32(1), sqrt(pixels))
    adj = maximum(std, floor)
    y = op.outputs[0]
    g = subtract(grad, reduce_mean(grad, axis=axes, keepdims=True))
    moving = cast(greater(std, floor), dtypes.float32)
    g = subtract(g, multiply(multiply(moving, y),
                             reduce_mean(multiply(grad, y), axis=axes, keepdims=True)))
    return [cast(realdiv(g, adj), image.dtype)]
