"""tf.image's colour adjustments and colour spaces: brightness, contrast
(AdjustContrastv2), gamma, hue (AdjustHue), saturation (AdjustSaturation),
RGB <-> HSV (RGBToHSV, HSVToRGB), YIQ and YUV, grayscale to RGB, and their
random variants.

TF's colour kernels are float32 loops over pixels; here they are host ops
(`OpDef.host`) computing the same float32 formulas in NumPy. Integer images
are converted to float32 and back (saturating) as TF's functions do with
convert_image_dtype.
"""

import numpy as np

from ..framework import dtypes, errors
from ..framework.graph import Tensor
from ..framework.graphdef_mapping import NodeMapping, TypeAttr
from ..framework.op_registry import Accepts, NoGradient, OpDef, RegisterGradient, register
from ..framework.tensor_shape import debug_string as _fmt
from .arguments import graph_of, make_op, to_tensor
from .array_ops import reshape, stack, tile
from .array_ops import shape as shape_of
from .elementwise import (add, cast, greater, greater_equal, less, less_equal, logical_and,
                          multiply, pow as pow_, realdiv, subtract)
from .indexing_ops import where_v2, zeros_like
from .image_ops import convert_image_dtype
from .linalg_ops import matmul
from .random_ops import random_uniform

__all__ = []

IMAGE = ["adjust_brightness", "adjust_contrast", "adjust_gamma", "adjust_hue",
         "adjust_saturation", "rgb_to_hsv", "hsv_to_rgb", "rgb_to_yiq", "yiq_to_rgb",
         "rgb_to_yuv", "yuv_to_rgb", "grayscale_to_rgb", "random_brightness",
         "random_contrast", "random_hue", "random_saturation"]

_F32 = np.float32
_HSV_TYPES = (dtypes.float32, dtypes.float64)  # TF also takes half and bfloat16


def _invalid(message):
    return errors.InvalidArgumentError(None, None, message)


def _host_of(reference):
    def host(ctx, op, values):
        return reference(values, op.attrs)
    return host


def _check_pixels(x, what_dims="input must be at least 3-D, got shape"):
    if x.ndim < 3:
        raise _invalid(f"{what_dims}{_fmt(x.shape)}")
    if x.shape[-1] != 3:
        raise _invalid(f"input must have 3 channels but instead has {x.shape[-1]} channels.")


def _check_scalar(v, what):
    if np.ndim(v) != 0:
        raise _invalid(f"{what} must be scalar: {_fmt(np.shape(v))}")


def _pixel_shape(ctx):
    """At least 3-D with 3 channels, the second input a scalar."""
    shape = ctx.shapes[0]
    if shape is not None and len(shape) < 3:
        raise ValueError(f"Shape must be at least rank 3 but is rank {len(shape)}")
    if shape is not None and shape[-1] not in (None, 3):
        raise ValueError(f"Dimension must be 3 but is {shape[-1]}")
    if len(ctx.shapes) > 1 and ctx.shapes[1] is not None and len(ctx.shapes[1]) != 0:
        raise ValueError(f"Shape must be rank 0 but is rank {len(ctx.shapes[1])}")
    return [shape]


# ---- AdjustContrastv2 -------------------------------------------------------------

def _contrast_reference(inputs, attrs):
    """(x - mean) * factor + mean, the mean over each image's height and
    width per channel, in float32."""
    x, factor = inputs[0], inputs[1]
    if x.ndim < 3:
        raise _invalid(f"input must be at least 3-D, got shape{_fmt(x.shape)}")
    _check_scalar(factor, "contrast_factor")
    t = x.dtype.type
    f = np.asarray(factor, np.float32).astype(x.dtype)
    if x.size == 0:
        return [x.copy()]
    mean = x.astype(np.float64).mean(axis=(-3, -2), keepdims=True).astype(x.dtype)
    return [((x - mean) * f + mean).astype(t)]


def _contrast_shape(ctx):
    shape = ctx.shapes[0]
    if shape is not None and len(shape) < 3:
        raise ValueError(f"Shape must be at least rank 3 but is rank {len(shape)}")
    if ctx.shapes[1] is not None and len(ctx.shapes[1]) != 0:
        raise ValueError(f"Shape must be rank 0 but is rank {len(ctx.shapes[1])}")
    return [shape]


def _float_samples(shapes, extra):
    def samples(dtype):
        rng = np.random.default_rng(7)
        for shape, second in zip(shapes, extra):
            yield [rng.random(shape).astype(dtype.np_dtype), np.asarray(second, np.float32)], {}
    return samples


register(OpDef("AdjustContrastv2", shape=_contrast_shape, dtype=lambda ctx: [ctx.dtypes[0]],
               reference=_contrast_reference, host=_host_of(_contrast_reference),
               dtypes=[Accepts("images", (dtypes.float32,)),
                       Accepts("contrast_factor", (dtypes.float32,), input=1)],
               samples=_float_samples([(4, 5, 3), (2, 3, 4, 2), (1, 1, 3)], [1.7, 0.3, 2.0]),
               gradient=NoGradient("TensorFlow registers no gradient for AdjustContrastv2"),
               graphdef=NodeMapping(("images", "contrast_factor"), [TypeAttr("T", input=0)])))


# ---- RGBToHSV, HSVToRGB ------------------------------------------------------------

def _rgb_to_hsv_values(rgb):
    """TF's RGBToHSV in the image's type: h, s, v in [0, 1]."""
    t = rgb.dtype.type
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    v = rgb.max(axis=-1)
    rng = (v - rgb.min(axis=-1)).astype(rgb.dtype)
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.where(v > 0, rng / v, t(0)).astype(rgb.dtype)
        norm = (np.reciprocal(rng) * (t(1) / t(6))).astype(rgb.dtype)
        h = np.where(r == v, norm * (g - b),
                     np.where(g == v, norm * (b - r) + t(2) / t(6), norm * (r - g) + t(4) / t(6)))
    h = np.where(rng > 0, h, t(0)).astype(rgb.dtype)
    h = np.where(h < 0, h + t(1), h).astype(rgb.dtype)
    return h, s, v


def _hsv_to_rgb_values(hsv):
    t = hsv.dtype.type
    h, s, v = hsv[..., 0], hsv[..., 1], hsv[..., 2]
    dh = h * t(6)
    dr = np.clip(np.abs(dh - t(3)) - t(1), t(0), t(1))
    dg = np.clip(-np.abs(dh - t(2)) + t(2), t(0), t(1))
    db = np.clip(-np.abs(dh - t(4)) + t(2), t(0), t(1))
    one_s = -s + t(1)
    return [((one_s + s * d) * v).astype(hsv.dtype) for d in (dr, dg, db)]


def _rgb_to_hsv_reference(inputs, attrs):
    x = inputs[0]
    if x.ndim < 1 or x.shape[-1] != 3:
        raise _invalid("input must have 3 channels but input only has "
                       f"{x.shape[-1] if x.ndim else 0} channels.")
    return [np.stack(_rgb_to_hsv_values(x), axis=-1).astype(x.dtype)]


def _hsv_to_rgb_reference(inputs, attrs):
    x = inputs[0]
    if x.ndim < 1 or x.shape[-1] != 3:
        raise _invalid("input must have 3 channels but input only has "
                       f"{x.shape[-1] if x.ndim else 0} channels.")
    return [np.stack(_hsv_to_rgb_values(x), axis=-1).astype(x.dtype)]


def _colorspace_shape(ctx):
    shape = ctx.shapes[0]
    if shape is not None and len(shape) < 1:
        raise ValueError("Shape must be at least rank 1 but is rank 0")
    if shape is not None and shape[-1] not in (None, 3):
        raise ValueError(f"Dimension must be 3 but is {shape[-1]}")
    return [shape]


def _colorspace_samples(dtype):
    rng = np.random.default_rng(3)
    for shape in [(4, 5, 3), (2, 3, 3), (3,)]:
        yield [rng.random(shape).astype(dtype.np_dtype)], {}
    # Ties between channels, and grays.
    yield [np.array([[0.5, 0.5, 0.2], [0.3, 0.3, 0.3], [0.1, 0.7, 0.7], [0.0, 0.0, 0.0],
                     [0.9, 0.2, 0.9]], dtype.np_dtype)], {}


for _type, _ref, _grad in (
        ("RGBToHSV", _rgb_to_hsv_reference, None),  # its gradient is below
        ("HSVToRGB", _hsv_to_rgb_reference,
         NoGradient("TensorFlow registers no gradient for HSVToRGB"))):
    register(OpDef(_type, shape=_colorspace_shape, dtype=lambda ctx: [ctx.dtypes[0]],
                   reference=_ref, host=_host_of(_ref),
                   dtypes=[Accepts("images", _HSV_TYPES)],
                   samples=_colorspace_samples, gradient=_grad,
                   graphdef=NodeMapping(("images",), [TypeAttr("T", input=0)])))



def _safe_reciprocal(x):
    """1 / x, and 0 where x is 0 (TF's div_no_nan(1, x))."""
    nonzero = greater(x * x, zeros_like(x))
    ones = x * 0 + 1
    return where_v2(nonzero, realdiv(ones, where_v2(nonzero, x, ones)), zeros_like(x))


@RegisterGradient("RGBToHSV")
def _rgb_to_hsv_grad(op, grad):
    """The derivative of the piecewise formulas, with TF's choice among tied
    channels (R before G before B for the largest; B before G before R for
    the smallest), each hue piece gated by a positive value and each
    saturation piece by a positive channel, as TF's gradient has them."""
    rgb = op.inputs[0]
    dtype = rgb.dtype
    r, g, b = (rgb[..., i] for i in range(3))
    gh, gs, gv = (grad[..., i] for i in range(3))

    def mask(cond):
        return cast(cond, dtype)

    big = [mask(logical_and(greater_equal(r, b), greater_equal(r, g))),
           mask(logical_and(greater(g, r), greater_equal(g, b))),
           mask(logical_and(greater(b, r), greater(b, g)))]
    small = [mask(logical_and(less(r, b), less(r, g))),
             mask(logical_and(less_equal(g, r), less(g, b))),
             mask(logical_and(less_equal(b, r), less_equal(b, g)))]
    chans = [r, g, b]
    zero = zeros_like(r)
    # The largest channel, the smallest, and their difference.
    top = add(add(big[0] * r, big[1] * g), big[2] * b)
    low = add(add(small[0] * r, small[1] * g), small[2] * b)
    spread = subtract(top, low)
    inv_top, inv_spread = _safe_reciprocal(top), _safe_reciprocal(spread)
    lit = mask(greater(top, zero))
    # 6 h = num / spread + 2 k when channel k is the largest, num the
    # difference of the next two channels in R, G, B order.
    nums = [subtract(g, b), subtract(b, r), subtract(r, g)]
    dnum = [[0, 1, -1], [-1, 0, 1], [1, -1, 0]]  # d num_k / d channel x
    out = []
    for x in range(3):
        dspread = subtract(big[x], small[x])
        dh6 = zero
        for k in range(3):
            term = subtract(multiply(float(dnum[k][x]), spread) if dnum[k][x] else zero,
                            multiply(nums[k], dspread))
            dh6 = add(dh6, big[k] * term)
        dh = realdiv(dh6 * inv_spread * inv_spread * lit, 6.0)
        positive = mask(greater(chans[x], zero))
        ds = positive * subtract(big[x] * low * inv_top * inv_top, small[x] * inv_top)
        out.append(add(add(gv * big[x], gs * ds), gh * dh))
    return [stack(out, axis=-1)]


# ---- AdjustHue, AdjustSaturation ---------------------------------------------------

def _hue_categories(r, g, b):
    """TF's adjust_hue sextant of each pixel, and its max, mid and min."""
    rg = r < g
    cat = np.where(rg, np.where(b < r, 1, np.where(b > g, 3, 2)),
                   np.where(b < g, 0, np.where(b > r, 4, 5)))
    vmax = np.choose(cat, [r, g, g, b, b, r])
    vmid = np.choose(cat, [g, r, b, g, r, b])
    vmin = np.choose(cat, [b, b, r, r, g, g])
    return cat, vmax, vmid, vmin


def _adjust_hue_reference(inputs, attrs):
    x, delta = inputs[0], inputs[1]
    if x.ndim < 3:
        raise _invalid(f"input must be at least 3-D, got shape{_fmt(x.shape)}")
    _check_scalar(delta, "delta")
    if x.shape[-1] != 3:
        raise _invalid(f"input must have 3 channels but instead has {x.shape[-1]} channels.")
    f = x.astype(np.float32)
    r, g, b = f[..., 0], f[..., 1], f[..., 2]
    cat, vmax, vmid, vmin = _hue_categories(r, g, b)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = ((vmid - vmin) / (vmax - vmin)).astype(_F32)
    inc = (cat & 1) == 0
    h = np.where(vmax == vmin, _F32(0), cat.astype(_F32) + np.where(inc, ratio, _F32(1) - ratio))
    h = (h + _F32(np.float32(delta) * _F32(6))).astype(_F32)
    for _ in range(64):  # TF's loops of +-6; a few steps for any |delta| <= 10
        low = h < 0
        if not low.any():
            break
        h = np.where(low, h + _F32(6), h).astype(_F32)
    for _ in range(64):
        high = h >= 6
        if not high.any():
            break
        h = np.where(high, h - _F32(6), h).astype(_F32)
    h = np.where((h < 0) | (h >= 6), np.mod(h, _F32(6)), h).astype(_F32)
    hc = np.clip(h.astype(np.int64), 0, 5)
    ratio = (h - hc).astype(_F32)
    ratio = np.where((hc & 1) == 0, ratio, _F32(1) - ratio)
    mid = (vmin + ratio * (vmax - vmin)).astype(_F32)
    out = np.choose(hc, [vmax, mid, vmin, vmin, mid, vmax]), \
        np.choose(hc, [mid, vmax, vmax, mid, vmin, vmin]), \
        np.choose(hc, [vmin, vmin, mid, vmax, vmax, mid])
    return [np.stack(out, axis=-1).astype(x.dtype)]


def _adjust_saturation_reference(inputs, attrs):
    x, scale = inputs[0], inputs[1]
    if x.ndim < 3:
        raise _invalid(f"input must be at least 3-D, got shape{_fmt(x.shape)}")
    _check_scalar(scale, "scale")
    if x.shape[-1] != 3:
        raise _invalid(f"input must have 3 channels but instead has {x.shape[-1]} channels.")
    f = x.astype(np.float32)
    r, g, b = f[..., 0], f[..., 1], f[..., 2]
    v = np.maximum(r, np.maximum(g, b))
    rng = (v - np.minimum(r, np.minimum(g, b))).astype(_F32)
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.where(v > 0, rng / v, _F32(0)).astype(_F32)
        norm = (_F32(1) / (_F32(6) * rng)).astype(_F32)
        # TF adds the sextant offsets in double, then stores float.
        hh = np.where(r == v, norm * (g - b),
                      np.where(g == v, ((norm * (b - r)).astype(np.float64) + 2.0 / 6.0)
                               .astype(_F32),
                               ((norm * (r - g)).astype(np.float64) + 4.0 / 6.0).astype(_F32)))
    hh = np.where(rng <= 0, _F32(0), hh).astype(_F32)
    hh = np.where(hh < 0, hh + _F32(1), hh).astype(_F32)
    s = np.minimum(_F32(1), np.maximum(_F32(0), (s * _F32(scale)).astype(_F32)))
    c = (s * v).astype(_F32)
    m = (v - c).astype(_F32)
    dh = (hh * _F32(6)).astype(_F32)
    cat = dh.astype(np.int64)
    fm = dh.copy()
    fm = np.where(fm <= 0, fm + _F32(2), fm).astype(_F32)
    fm = np.where(fm >= 2, fm - _F32(2), fm).astype(_F32)
    fm = np.where(fm >= 2, fm - _F32(2), fm).astype(_F32)
    xx = (c * (_F32(1) - np.abs(fm - _F32(1)))).astype(_F32)
    zero = np.zeros_like(c)
    cat = np.where((cat >= 0) & (cat <= 5), cat, 6)
    rr = np.choose(cat, [c, xx, zero, zero, xx, c, zero])
    gg = np.choose(cat, [xx, c, c, xx, zero, zero, zero])
    bb = np.choose(cat, [zero, zero, xx, c, c, xx, zero])
    return [np.stack([rr + m, gg + m, bb + m], axis=-1).astype(x.dtype)]


def _adjust_samples(values):
    def samples(dtype):
        rng = np.random.default_rng(5)
        for shape, v in zip([(4, 5, 3), (2, 3, 4, 3), (1, 1, 3), (2, 2, 3)], values):
            yield [rng.random(shape).astype(dtype.np_dtype), np.asarray(v, np.float32)], {}
    return samples


for _type, _ref, _arg, _vals in (
        ("AdjustHue", _adjust_hue_reference, "delta", [0.2, -0.45, 0.0, 0.9]),
        ("AdjustSaturation", _adjust_saturation_reference, "scale", [1.5, 0.3, 0.0, 4.0])):
    register(OpDef(_type, shape=_pixel_shape, dtype=lambda ctx: [ctx.dtypes[0]],
                   reference=_ref, host=_host_of(_ref),
                   dtypes=[Accepts("images", (dtypes.float32,)),
                           Accepts(_arg, (dtypes.float32,), input=1)],
                   samples=_adjust_samples(_vals),
                   gradient=NoGradient(f"TensorFlow registers no gradient for {_type}"),
                   graphdef=NodeMapping(("images", _arg), [TypeAttr("T", input=0)])))


# ---- the functions ---------------------------------------------------------------------

def _image(image, name="image"):
    graph = graph_of([image])
    return graph, to_tensor(graph, image, name=name)


def _as_float(image):
    """TF's working copy: float16 and float32 images as they are, others
    through convert_image_dtype to float32."""
    if image.dtype in (dtypes.float16, dtypes.float32):
        return image
    return convert_image_dtype(image, dtypes.float32)


def _float_arg(graph, value, dtype, name):
    if isinstance(value, Tensor):
        return value if value.dtype == dtype else cast(value, dtype)
    return to_tensor(graph, np.asarray(value, dtype.np_dtype), name=name)


def adjust_brightness(image, delta):
    """Adjust the brightness of RGB or Grayscale images.

    This is a convenience method that converts RGB images to float
    representation, adjusts their brightness, and then converts them back to
    the original data type. The value `delta` is added to all components of
    the tensor `image`. `image` and `delta` are converted to `float` before
    adding (and `image` is scaled appropriately if it is in fixed-point
    representation); for regular images, `delta` should be in the range
    `(-1,1)`, as it is added to the image in floating point representation,
    where pixel values are in the `[0,1)` range.
    """
    graph, image = _image(image)
    with graph.as_default(), graph.name_scope("adjust_brightness") as scope:
        orig = image.dtype
        flt = _as_float(image)
        adjusted = add(flt, _float_arg(graph, delta, flt.dtype, "delta"),
                       name=scope.rstrip("/") or None)
        return convert_image_dtype(adjusted, orig, saturate=True)


def adjust_contrast(images, contrast_factor):
    """Adjust contrast of RGB or grayscale images.

    `images` is a tensor of at least 3 dimensions. The last 3 dimensions are
    interpreted as `[height, width, channels]`. The other dimensions only
    represent a collection of images, such as `[batch, height, width,
    channels].` Contrast is adjusted independently for each channel of each
    image: for each channel, the mean of the image pixels in the channel is
    computed and each component `x` of each pixel becomes `(x - mean) *
    contrast_factor + mean`.
    """
    graph, images = _image(images, "images")
    with graph.as_default(), graph.name_scope("adjust_contrast") as scope:
        orig = images.dtype
        flt = _as_float(images)
        factor = _float_arg(graph, contrast_factor, dtypes.float32, "contrast_factor")
        adjusted = make_op(graph, "AdjustContrastv2", [flt, factor],
                           name=scope.rstrip("/")).outputs[0]
        return convert_image_dtype(adjusted, orig, saturate=True)


def adjust_gamma(image, gamma=1, gain=1):
    """Performs Gamma Correction.

    on the input image. Also known as Power Law Transform. This function
    converts the input images at first to float representation, then
    transforms them pixelwise according to the equation `Out = gain * In**gamma`,
    and then converts the back to the original data type.

    Raises ValueError if gamma is negative.
    """
    graph, image = _image(image)
    with graph.as_default(), graph.name_scope("adjust_gamma"):
        orig = image.dtype
        flt = _as_float(image)
        if not isinstance(gamma, Tensor) and float(gamma) < 0:
            raise ValueError("Gamma should be a non-negative real number.")
        g = _float_arg(graph, gamma, flt.dtype, "gamma")
        k = _float_arg(graph, gain, flt.dtype, "gain")
        adjusted = multiply(k, pow_(flt, g))
        return convert_image_dtype(adjusted, orig, saturate=True)


def _adjust_with(op_type, image, value, arg, scope_name, name):
    graph, image = _image(image)
    with graph.as_default(), graph.name_scope(name or scope_name) as scope:
        orig = image.dtype
        flt = _as_float(image)
        v = _float_arg(graph, value, dtypes.float32, arg)
        adjusted = make_op(graph, op_type, [flt, v], name=scope.rstrip("/")).outputs[0]
        return convert_image_dtype(adjusted, orig, saturate=True)


def adjust_hue(image, delta, name=None):
    """Adjust hue of RGB images.

    This is a convenience method that converts an RGB image to float
    representation, converts it to HSV, adds an offset to the hue channel,
    converts back to RGB and then back to the original data type. `image` is
    RGB, its last dimension of size 3; `delta` is how much to add to the hue
    channel, in the interval `[-1, 1]`.
    """
    return _adjust_with("AdjustHue", image, delta, "delta", "adjust_hue", name)


def adjust_saturation(image, saturation_factor, name=None):
    """Adjust saturation of RGB images.

    This is a convenience method that converts RGB images to float
    representation, converts them to HSV, adds an offset to the saturation
    channel, converts back to RGB and then back to the original data type.
    `saturation_factor` multiplies the saturation, which is clipped to [0, 1].
    """
    return _adjust_with("AdjustSaturation", image, saturation_factor, "saturation_factor",
                        "adjust_saturation", name)


def rgb_to_hsv(images, name=None):
    """Converts one or more images from RGB to HSV.

    Outputs a tensor of the same shape as the `images` tensor, containing the
    HSV value of the pixels. The output is only well defined if the value in
    `images` are in `[0,1]`. `output[..., 0]` contains hue, `output[..., 1]`
    contains saturation, and `output[..., 2]` contains value. All HSV values
    are in `[0,1]`. A hue of 0 corresponds to pure red, hue 1/3 is pure green,
    and 2/3 is pure blue.
    """
    graph, images = _image(images, "images")
    return make_op(graph, "RGBToHSV", [images], name=name or "RGBToHSV").outputs[0]


def hsv_to_rgb(images, name=None):
    """Convert one or more images from HSV to RGB.

    Outputs a tensor of the same shape as the `images` tensor, containing the
    RGB value of the pixels. The output is only well defined if the value in
    `images` are in `[0,1]`. See `rgb_to_hsv` for a description of the HSV
    encoding.
    """
    graph, images = _image(images, "images")
    return make_op(graph, "HSVToRGB", [images], name=name or "HSVToRGB").outputs[0]


_RGB_TO_YIQ = [[0.299, 0.59590059, 0.2115], [0.587, -0.27455667, -0.52273617],
               [0.114, -0.32134392, 0.31119955]]
_YIQ_TO_RGB = [[1, 1, 1], [0.95598634, -0.27201283, -1.10674021],
               [0.6208248, -0.64720424, 1.70423049]]
_RGB_TO_YUV = [[0.299, -0.14714119, 0.61497538], [0.587, -0.28886916, -0.51496512],
               [0.114, 0.43601035, -0.10001026]]
_YUV_TO_RGB = [[1, 1, 1], [0, -0.394642334, 2.03206185], [1.13988303, -0.58062185, 0]]


def _last_axis_product(images, kernel, name):
    """TF's tensordot of the last axis with a 3x3 kernel: a reshape to
    [pixels, 3], a MatMul and a reshape back."""
    graph, images = _image(images, "images")
    with graph.as_default(), graph.name_scope(name):
        if not images.dtype.is_floating:
            raise TypeError(f"Value passed to parameter 'a' has DataType {images.dtype.name} "
                            "not in list of allowed values: bfloat16, float16, float32, "
                            "float64")
        k = to_tensor(graph, np.asarray(kernel, images.dtype.np_dtype), name="Const")
        dims = images.shape.as_tuple()
        flat = reshape(images, [-1, 3])
        out = matmul(flat, k)
        if dims is not None and None not in dims:
            return reshape(out, list(dims))
        return reshape(out, shape_of(images))


def rgb_to_yiq(images):
    """Converts one or more images from RGB to YIQ.

    Outputs a tensor of the same shape as the `images` tensor, containing the
    YIQ value of the pixels. The output is only well defined if the value in
    images are in [0,1].
    """
    return _last_axis_product(images, _RGB_TO_YIQ, "rgb_to_yiq")


def yiq_to_rgb(images):
    """Converts one or more images from YIQ to RGB.

    Outputs a tensor of the same shape as the `images` tensor, containing the
    RGB value of the pixels. The output is only well defined if the Y value
    in images are in [0,1], I value are in [-0.5957,0.5957] and Q value are
    in [-0.5226,0.5226].
    """
    return _last_axis_product(images, _YIQ_TO_RGB, "yiq_to_rgb")


def rgb_to_yuv(images):
    """Converts one or more images from RGB to YUV.

    Outputs a tensor of the same shape as the `images` tensor, containing the
    YUV value of the pixels. The output is only well defined if the value in
    images are in [0, 1]. There are two ways of representing an image: [0,
    255] pixel values range or [0, 1] (as float) pixel values range. Users
    need to convert the input image into a float [0, 1] range.
    """
    return _last_axis_product(images, _RGB_TO_YUV, "rgb_to_yuv")


def yuv_to_rgb(images):
    """Converts one or more images from YUV to RGB.

    Outputs a tensor of the same shape as the `images` tensor, containing the
    RGB value of the pixels. The output is only well defined if the Y value
    in images are in [0,1], U and V value are in [-0.5,0.5].
    """
    return _last_axis_product(images, _YUV_TO_RGB, "yuv_to_rgb")


def grayscale_to_rgb(images, name=None):
    """Converts one or more images from Grayscale to RGB.

    Outputs a tensor of the same `DType` and rank as `images`. The size of
    the last dimension of the output is 3, containing the RGB value of the
    pixels. The input images' last dimension must be size 1.
    """
    graph, images = _image(images, "images")
    with graph.as_default(), graph.name_scope(name or "grayscale_to_rgb"):
        shape = images.shape.as_tuple()
        if shape is None:
            raise ValueError("'images' contains no shape.")
        if len(shape) < 2:
            raise ValueError(f"'images' (shape {images.shape}) must be at least "
                             "two-dimensional.")
        if shape[-1] not in (None, 1):
            raise ValueError("Last dimension of a grayscale image should be size 1.")
        return tile(images, [1] * (len(shape) - 1) + [3])


def _check_range(lower, upper):
    if upper <= lower:
        raise ValueError("upper must be > lower.")
    if lower < 0:
        raise ValueError("lower must be non-negative.")


def random_brightness(image, max_delta, seed=None):
    """Adjust the brightness of images by a random factor.

    Equivalent to `adjust_brightness()` using a `delta` randomly picked in
    the interval `[-max_delta, max_delta)`. Raises ValueError if `max_delta`
    is negative.
    """
    if max_delta < 0:
        raise ValueError("max_delta must be non-negative.")
    graph, image = _image(image)
    with graph.as_default():
        delta = random_uniform([], -max_delta, max_delta, seed=seed)
        return adjust_brightness(image, delta)


def random_contrast(image, lower, upper, seed=None):
    """Adjust the contrast of an image or images by a random factor.

    Equivalent to `adjust_contrast()` but uses a `contrast_factor` randomly
    picked in the interval `[lower, upper)`. Raises ValueError if
    `upper <= lower` or if `lower < 0`.
    """
    _check_range(lower, upper)
    graph, image = _image(image)
    with graph.as_default():
        factor = random_uniform([], lower, upper, seed=seed)
        return adjust_contrast(image, factor)


def random_hue(image, max_delta, seed=None):
    """Adjust the hue of RGB images by a random factor.

    Equivalent to `adjust_hue()` but uses a `delta` randomly picked in the
    interval `[-max_delta, max_delta)`. `max_delta` must be in the interval
    `[0, 0.5]`; ValueError otherwise.
    """
    if max_delta > 0.5:
        raise ValueError("max_delta must be <= 0.5.")
    if max_delta < 0:
        raise ValueError("max_delta must be non-negative.")
    graph, image = _image(image)
    with graph.as_default():
        delta = random_uniform([], -max_delta, max_delta, seed=seed)
        return adjust_hue(image, delta)


def random_saturation(image, lower, upper, seed=None):
    """Adjust the saturation of RGB images by a random factor.

    Equivalent to `adjust_saturation()` but uses a `saturation_factor`
    randomly picked in the interval `[lower, upper)`. Raises ValueError if
    `upper <= lower` or if `lower < 0`.
    """
    _check_range(lower, upper)
    graph, image = _image(image)
    with graph.as_default():
        factor = random_uniform([], lower, upper, seed=seed)
        return adjust_saturation(image, factor)
