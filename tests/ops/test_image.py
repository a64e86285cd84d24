"""tf.image ops against NumPy and hand-computed values: area resizing,
preserve_aspect_ratio, convert_image_dtype, rgb_to_grayscale,
per_image_standardization, flips, crops and pads, with TF's errors."""

import math

import numpy as np
import pytest

import fastgraph as tf
from fastgraph.framework import op_registry

from ..evaluate import evaluate
from ..samples import image_array

INTS = [np.uint8, np.int8, np.int16, np.int32, np.int64]
FLOATS = [np.float32, np.float64]
NUMERIC = INTS + FLOATS


# ---- resize: area --------------------------------------------------------------------

def _area_loops(img, oh, ow):
    """Area resampling from its definition: each output pixel is the mean of
    the input over its box [y*sy, (y+1)*sy) x [x*sx, (x+1)*sx), each input
    cell weighted by how much of it lies in the box (float64 throughout)."""
    b, h, w, c = img.shape
    sy, sx = h / oh, w / ow
    out = np.zeros((b, oh, ow, c))

    def cover(lo, hi, n):
        return [(i, min(hi, i + 1) - max(lo, i)) for i in range(math.floor(lo), math.ceil(hi))
                if i < n and min(hi, i + 1) > max(lo, i)]

    for y in range(oh):
        for x in range(ow):
            acc = np.zeros((b, c))
            for i, wy in cover(y * sy, (y + 1) * sy, h):
                for j, wx in cover(x * sx, (x + 1) * sx, w):
                    acc += img[:, i, j].astype(np.float64) * wy * wx
            out[:, y, x] = acc / (sy * sx)
    return out


@pytest.mark.parametrize("src,dst", [((4, 4), (3, 3)), ((7, 5), (3, 4)), ((6, 6), (6, 6)),
                                     ((5, 7), (11, 13)), ((1, 1), (3, 2)), ((9, 13), (1, 1)),
                                     ((2, 3), (2, 7)), ((31, 17), (8, 5))])
@pytest.mark.parametrize("dtype", NUMERIC)
def test_resize_area_matches_loops(src, dst, dtype):
    img = (image_array((2,) + src + (3,), np.float64) * 100).astype(dtype)
    out = evaluate(lambda p: tf.image.resize(p, list(dst), method="area"), img, unknown=True)
    assert out.dtype == np.float32 and out.shape == (2,) + dst + (3,)
    np.testing.assert_allclose(out, _area_loops(img, *dst), rtol=1e-5, atol=1e-4)


def test_resize_area_tf_comment_example():
    # TF's resize_area_op.cc: in[4] -> out[3] at scale 3/4 gives
    # out[0] = (in[0] + in[1] / 3) * 3/4, out[1] = (in[1] + in[2]) * 2/3 * 3/4, ...
    row = np.array([1.0, 2.0, 4.0, 8.0], np.float32)
    img = np.tile(row[None, None, :, None], (1, 1, 1, 1))
    out = evaluate(lambda p: tf.image.resize(p, [1, 3], method=tf.image.ResizeMethod.AREA), img,
                   unknown=True)
    expected = [(1 + 2 / 3) * 0.75, (2 * 2 / 3 + 4 * 2 / 3) * 0.75, (4 / 3 + 8) * 0.75]
    np.testing.assert_allclose(out[0, 0, :, 0], expected, rtol=1e-6)


@pytest.mark.parametrize("channels", [1, 2, 4, 5])
def test_resize_area_channels_3d_and_reference(channels):
    img = image_array((9, 14, channels), np.float32)
    out = evaluate(lambda p: tf.image.resize(p, [4, 5], method="area"), img, unknown=True)
    assert out.shape == (4, 5, channels)
    np.testing.assert_allclose(out, _area_loops(img[None], 4, 5)[0], rtol=1e-5, atol=1e-6)
    ref = op_registry.get("ResizeArea").reference(
        [img[None], np.array([4, 5])], {"align_corners": False, "half_pixel_centers": False})[0]
    np.testing.assert_allclose(out, ref[0], rtol=1e-6, atol=1e-7)


def test_resize_area_zero_batch_and_wide_image():
    out = evaluate(lambda p: tf.image.resize(p, [2, 3], method="area"),
                   np.zeros((0, 4, 5, 3), np.uint8), unknown=True)
    assert out.shape == (0, 2, 3, 3)
    # More than one chunk of output columns.
    img = image_array((1, 3, 2100, 1), np.float32)
    out = evaluate(lambda p: tf.image.resize(p, [2, 1500], method="area"), img, unknown=True)
    ref = op_registry.get("ResizeArea").reference(
        [img, np.array([2, 1500])], {"align_corners": False, "half_pixel_centers": False})[0]
    np.testing.assert_allclose(out, ref, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("align", [False, True])
def test_v1_resize_area(align):
    img = image_array((1, 9, 7, 2), np.float32)
    out = evaluate(lambda p: tf.compat.v1.image.resize_area(p, [4, 5], align_corners=align), img,
                   unknown=True)
    ref = op_registry.get("ResizeArea").reference(
        [img, np.array([4, 5])], {"align_corners": align, "half_pixel_centers": False})[0]
    np.testing.assert_allclose(out, ref, rtol=1e-5, atol=1e-6)
    if not align:
        np.testing.assert_allclose(out, _area_loops(img, 4, 5), rtol=1e-5, atol=1e-6)


# ---- resize: methods, preserve_aspect_ratio ------------------------------------------------

def test_resize_method_names_and_constants():
    img = image_array((1, 6, 8, 1), np.float32)
    for name, const in (("bilinear", tf.image.ResizeMethod.BILINEAR),
                        ("nearest", tf.image.ResizeMethod.NEAREST_NEIGHBOR),
                        ("area", tf.image.ResizeMethod.AREA)):
        a = evaluate(lambda p: tf.image.resize(p, [3, 5], method=name), img, unknown=True)
        b = evaluate(lambda p: tf.image.resize(p, [3, 5], method=const), img, unknown=True)
        np.testing.assert_array_equal(a, b)
    g = tf.Graph()
    with g.as_default():
        p = tf.placeholder(tf.float32, [1, 6, 8, 1])
        for method in ("bicubic", "lanczos3", "lanczos5", "gaussian", "mitchellcubic"):
            with pytest.raises(NotImplementedError):
                tf.image.resize(p, [3, 5], method=method)
        with pytest.raises(NotImplementedError):
            tf.image.resize(p, [3, 5], antialias=True)
        with pytest.raises(ValueError, match="Resize method is not implemented: cubic"):
            tf.image.resize(p, [3, 5], method="cubic")
        with pytest.raises(ValueError, match="contains no shape"):
            tf.image.resize(tf.placeholder(tf.float32), [3, 5])
        with pytest.raises(ValueError, match="1-D Tensor of 2 elements"):
            tf.image.resize(p, [3, 5, 1])
        # TF ignores antialias for area and nearest.
        assert tf.image.resize(p, [3, 5], method="area", antialias=True).shape.as_list() == \
            [1, 3, 5, 1]


def _aspect(h, w, size):
    scale = min(np.float32(size[0]) / np.float32(h), np.float32(size[1]) / np.float32(w))
    return int(np.round(scale * np.float32(h))), int(np.round(scale * np.float32(w)))


@pytest.mark.parametrize("src,size,expected", [((20, 10), (8, 8), (8, 4)),
                                               ((10, 20), (9, 30), (9, 18)),
                                               ((7, 7), (3, 5), (3, 3)),
                                               ((3, 5), (100, 100), (60, 100)),
                                               ((5, 5), (5, 5), (5, 5))])
@pytest.mark.parametrize("method", ["bilinear", "nearest", "area"])
def test_resize_preserve_aspect_ratio(src, size, expected, method):
    assert _aspect(*src, size) == expected
    img = image_array((2,) + src + (3,), np.float32)
    for static in (False, True):
        g = tf.Graph()
        with g.as_default():
            p = tf.placeholder(tf.float32, img.shape if static else [None] * 4)
            y = tf.image.resize(p, list(size), method=method, preserve_aspect_ratio=True)
            assert y.shape.as_list() == ([2, *expected, 3] if static else [None] * 4)
            with tf.Session() as sess:
                out = sess.run(y, {p: img})
        direct = evaluate(lambda q: tf.image.resize(q, list(expected), method=method), img,
                          unknown=True)
        np.testing.assert_array_equal(out, direct)
    out3 = evaluate(lambda q: tf.image.resize(q, list(size), method=method,
                                              preserve_aspect_ratio=True), img[0], unknown=True)
    assert out3.shape == expected + (3,)


def test_resize_preserve_aspect_ratio_to_zero_fails_at_run():
    g = tf.Graph()
    with g.as_default():
        p = tf.placeholder(tf.float32, [None, None, None, 1])
        y = tf.image.resize(p, [10, 10], preserve_aspect_ratio=True)
        with tf.Session() as sess:
            with pytest.raises(tf.errors.InvalidArgumentError):
                sess.run(y, {p: np.zeros((1, 1, 100, 1), np.float32)})


# ---- convert_image_dtype ----------------------------------------------------------------

def test_convert_image_dtype_documented_examples():
    a = np.array([[[1], [2]], [[3], [4]]])
    out = evaluate(lambda p: tf.image.convert_image_dtype(p, tf.float32), a.astype(np.int8),
                   unknown=True)
    np.testing.assert_allclose(out[..., 0], [[0.00787402, 0.01574803], [0.02362205, 0.03149606]],
                               rtol=1e-6)
    out = evaluate(lambda p: tf.image.convert_image_dtype(p, tf.float32), a.astype(np.int32),
                   unknown=True)
    np.testing.assert_allclose(out[..., 0], [[4.6566129e-10, 9.3132257e-10],
                                             [1.3969839e-09, 1.8626451e-09]], rtol=1e-6)
    b = np.array([[[0.12], [0.34]], [[0.56], [0.78]]], np.float32)
    out = evaluate(lambda p: tf.image.convert_image_dtype(
        tf.image.convert_image_dtype(p, tf.int8), tf.float32), b, unknown=True)
    np.testing.assert_allclose(out[..., 0], [[0.11811024, 0.33858266], [0.5590551, 0.77952754]],
                               rtol=1e-6)
    c = np.array([[[1], [2]], [[127], [127]]], np.int8)
    up = evaluate(lambda p: tf.image.convert_image_dtype(p, tf.int16), c, unknown=True)
    assert up.dtype == np.int16
    np.testing.assert_array_equal(up[..., 0], [[256, 512], [32512, 32512]])
    np.testing.assert_array_equal(
        evaluate(lambda p: tf.image.convert_image_dtype(p, tf.int8), up, unknown=True), c)
    d = np.array([[[1000], [2000]], [[3000], [4000]]], np.int16)
    back = evaluate(lambda p: tf.image.convert_image_dtype(
        tf.image.convert_image_dtype(p, tf.uint8), tf.int16), d, unknown=True)
    np.testing.assert_array_equal(back[..., 0], [[896, 1920], [2944, 3968]])


def _convert_oracle(x, dst):
    """convert_image_dtype without saturation, for values in range, from TF's
    documented rules."""
    src = np.dtype(x.dtype)
    dst = np.dtype(dst)
    if src == dst:
        return x
    if src.kind in "iu" and dst.kind in "iu":
        smax, dmax = int(np.iinfo(src).max), int(np.iinfo(dst).max)
        if smax > dmax:
            return np.array([v // ((smax + 1) // (dmax + 1)) for v in x.tolist()]).astype(dst)
        prod = [v * ((dmax + 1) // (smax + 1)) for v in x.tolist()]
        return np.array([(p + 2 ** 63) % 2 ** 64 - 2 ** 63 for p in prod]).astype(np.int64) \
            .astype(dst)
    if src.kind == "f" and dst.kind == "f":
        return x.astype(dst)
    if src.kind in "iu":
        return x.astype(dst) * dst.type(1.0 / np.iinfo(src).max)
    return np.trunc(x * src.type(float(np.iinfo(dst).max) + 0.5)).astype(dst)


@pytest.mark.parametrize("src", NUMERIC)
@pytest.mark.parametrize("dst", NUMERIC)
def test_convert_image_dtype_all_pairs(src, dst):
    if np.dtype(src).kind == "f":
        x = np.concatenate([image_array((50,), src), np.array([0, 0.999, 0.5, 1 / 255], src)])
    else:
        info = np.iinfo(src)
        x = np.concatenate([image_array((50,), src), np.array([0, 1, info.max, info.min], src)])
    out = evaluate(lambda p: tf.image.convert_image_dtype(p, tf.as_dtype(dst)), x, unknown=True)
    assert out.dtype == dst
    np.testing.assert_array_equal(out, _convert_oracle(x, dst))
    sat = evaluate(lambda p: tf.image.convert_image_dtype(p, tf.as_dtype(dst), saturate=True), x,
                   unknown=True)
    if np.dtype(src).kind == "f" or np.dtype(dst).kind == "f" or \
            np.iinfo(src).min >= np.iinfo(dst).min:
        np.testing.assert_array_equal(sat, out)


def test_convert_image_dtype_saturate():
    x = np.array([-0.5, 0.0, 0.5, 1.0, 1.5, 7.0, np.nan], np.float32)
    out = evaluate(lambda p: tf.image.convert_image_dtype(p, tf.uint8, saturate=True), x[:-1],
                   unknown=True)
    np.testing.assert_array_equal(out, [0, 0, 127, 255, 255, 255])
    out = evaluate(lambda p: tf.image.convert_image_dtype(p, tf.int32, saturate=True), x[:-1],
                   unknown=True)
    # float32 cannot hold int32's max: TF clips to the float32 just below it.
    np.testing.assert_array_equal(out, [-1073741824, 0, 1073741824, 2147483520, 2147483520,
                                        2147483520])
    out = evaluate(lambda p: tf.image.convert_image_dtype(p, tf.int16, saturate=True),
                   x.astype(np.float64)[:-1], unknown=True)
    np.testing.assert_array_equal(out, [-16383, 0, 16383, 32767, 32767, 32767])
    # Signed to unsigned: negatives clip to 0 before the cast.
    i8 = np.array([-128, -1, 0, 1, 127], np.int8)
    np.testing.assert_array_equal(
        evaluate(lambda p: tf.image.convert_image_dtype(p, tf.uint8, saturate=True), i8,
                 unknown=True),
        [0, 0, 0, 2, 254])
    np.testing.assert_array_equal(
        evaluate(lambda p: tf.image.convert_image_dtype(p, tf.uint8), i8, unknown=True),
                                  [0, 254, 0, 2, 254])
    i16 = np.array([-32768, -129, 0, 32767], np.int16)
    np.testing.assert_array_equal(
        evaluate(lambda p: tf.image.convert_image_dtype(p, tf.uint8, saturate=True), i16,
                 unknown=True),
        [0, 0, 0, 255])


@pytest.mark.parametrize("shape", [(), (0,), (3, 0, 2), (2, 3, 4, 3)])
def test_convert_image_dtype_shapes_and_identity(shape):
    x = image_array(shape, np.uint8)
    out = evaluate(lambda p: tf.image.convert_image_dtype(p, tf.float64), x, unknown=True)
    assert out.shape == shape and out.dtype == np.float64
    np.testing.assert_array_equal(out, x * np.float64(1 / 255))
    g = tf.Graph()
    with g.as_default():
        p = tf.placeholder(tf.uint8, shape)
        assert tf.image.convert_image_dtype(p, tf.uint8).op.type == "Identity"
        assert tf.image.convert_image_dtype(p, "float32", name="conv").op.name == "conv"
        with pytest.raises(AttributeError, match="^dtype must be either floating point or int"):
            tf.image.convert_image_dtype(p, tf.bool)
        with pytest.raises(AttributeError, match="^image dtype must be either"):
            tf.image.convert_image_dtype(tf.placeholder(tf.bool, shape), tf.float32)


# ---- rgb_to_grayscale -------------------------------------------------------------------

def test_rgb_to_grayscale_documented_example():
    out = evaluate(tf.image.rgb_to_grayscale, np.array([[[1.0, 2.0, 3.0]]], np.float32),
                   unknown=True)
    np.testing.assert_allclose(out, [[[0.2989 + 2 * 0.587 + 3 * 0.114]]], rtol=1e-6)


def _gray_oracle(x):
    if x.dtype.kind == "f":
        f = x.astype(np.float32)
        y = f[..., 0:1] * np.float32(0.2989) + f[..., 1:2] * np.float32(0.5870) \
            + f[..., 2:3] * np.float32(0.1140)
        return y.astype(x.dtype)
    m = np.iinfo(x.dtype).max
    f = x.astype(np.float64) / m
    y = f[..., 0:1] * 0.2989 + f[..., 1:2] * 0.5870 + f[..., 2:3] * 0.1140
    return np.trunc(y * (m + 0.5))


@pytest.mark.parametrize("dtype", NUMERIC)
@pytest.mark.parametrize("shape", [(5, 7, 3), (2, 4, 6, 3), (3,), (1, 1, 3), (0, 3),
                                   (2, 0, 4, 3)])
def test_rgb_to_grayscale(dtype, shape):
    x = image_array(shape, dtype) if np.dtype(dtype).kind == "f" else \
        np.abs(image_array(shape, dtype) // 2).astype(dtype)
    out = evaluate(tf.image.rgb_to_grayscale, x, unknown=True)
    assert out.dtype == dtype and out.shape == shape[:-1] + (1,)
    expected = _gray_oracle(x)
    if np.dtype(dtype).kind == "f":
        np.testing.assert_allclose(out, expected, rtol=1e-6)
    else:
        # float32 rounding may move a truncation by one step.
        scale = max(1.0, np.iinfo(dtype).max * 2.0 ** -23)
        assert np.all(np.abs(out.astype(np.float64) - expected) <= scale)
    ref = op_registry.get("RGBToGrayscale").reference([x], {})[0]
    np.testing.assert_array_equal(out, ref)


def test_rgb_to_grayscale_errors():
    g = tf.Graph()
    with g.as_default():
        with pytest.raises(ValueError, match="Dimensions must be equal, but are 4 and 3"):
            tf.image.rgb_to_grayscale(tf.placeholder(tf.float32, [2, 2, 4]))
        with pytest.raises(ValueError, match="rank 0"):
            tf.image.rgb_to_grayscale(tf.placeholder(tf.float32, []))
        p = tf.placeholder(tf.float32, [None, None, None])
        y = tf.image.rgb_to_grayscale(p)
        assert y.shape.as_list() == [None, None, 1]
        with tf.Session() as sess:
            with pytest.raises(tf.errors.InvalidArgumentError):
                sess.run(y, {p: np.zeros((2, 2, 4), np.float32)})
            assert sess.run(y, {p: np.ones((2, 2, 3), np.float32)}).shape == (2, 2, 1)


# ---- per_image_standardization ------------------------------------------------------------

def _standardize_oracle(x):
    f = x.astype(np.float32).astype(np.float64)
    axes = (-1, -2, -3)
    n = np.prod(x.shape[-3:])
    mean = f.mean(axis=axes, keepdims=True)
    std = np.maximum(f.std(axis=axes, keepdims=True), 1 / np.sqrt(n))
    return (f - mean) / std


@pytest.mark.parametrize("dtype", NUMERIC)
@pytest.mark.parametrize("shape", [(5, 7, 3), (2, 4, 6, 3), (3, 1, 2, 2, 1), (1, 1, 1),
                                   (0, 4, 4, 3), (300, 1, 4)])
def test_per_image_standardization(dtype, shape):
    x = (image_array(shape, np.float64) * 100).astype(dtype)
    out = evaluate(tf.image.per_image_standardization, x, unknown=True)
    assert out.dtype == np.float32 and out.shape == shape
    np.testing.assert_allclose(out, _standardize_oracle(x), rtol=1e-5, atol=1e-5)


def test_per_image_standardization_uniform_and_errors():
    x = np.full((2, 3, 4, 3), 7, np.uint8)
    np.testing.assert_array_equal(evaluate(tf.image.per_image_standardization, x, unknown=True),
                                  np.zeros(x.shape))
    g = tf.Graph()
    with g.as_default():
        with pytest.raises(ValueError, match=r"\(shape \(7, 3\)\) must be at least three-dim"):
            tf.image.per_image_standardization(tf.placeholder(tf.float32, [7, 3]))
        with pytest.raises(ValueError, match=r"inner 3 dims .* must be > 0: \(2, 0, 4, 3\)"):
            tf.image.per_image_standardization(tf.placeholder(tf.float32, [2, 0, 4, 3]))
        with pytest.raises(TypeError):
            tf.image.per_image_standardization(tf.placeholder(tf.bool, [2, 4, 3]))
        p = tf.placeholder(tf.float32, [None, None, None])
        y = tf.image.per_image_standardization(p)
        with tf.Session() as sess:
            with pytest.raises(tf.errors.InvalidArgumentError):
                sess.run(y, {p: np.zeros((2, 0, 3), np.float32)})


# ---- flips, crops, pads ---------------------------------------------------------------------

WINDOW_DTYPES = [np.bool_] + NUMERIC
IMAGE_SHAPES = [(5, 7, 3), (2, 4, 6, 1), (1, 1, 2), (0, 3, 2, 1), (3, 1, 9, 5)]


@pytest.mark.parametrize("dtype", WINDOW_DTYPES)
@pytest.mark.parametrize("shape", IMAGE_SHAPES)
def test_flips(dtype, shape):
    x = image_array(shape, dtype)
    w, h = len(shape) - 2, len(shape) - 3
    for static in (False, True):
        np.testing.assert_array_equal(evaluate(tf.image.flip_left_right, x, unknown=not static),
                                      np.flip(x, w))
        np.testing.assert_array_equal(evaluate(tf.image.flip_up_down, x, unknown=not static),
                                      np.flip(x, h))


def test_flips_unknown_rank_large_and_errors():
    x = image_array((4, 6, 3), np.float32)
    np.testing.assert_array_equal(evaluate(tf.image.flip_left_right, x, shapes=[None]), x[:, ::-1])
    big = image_array((2, 300, 400, 3), np.uint8)
    np.testing.assert_array_equal(evaluate(tf.image.flip_up_down, big, unknown=True), big[:, ::-1])
    g = tf.Graph()
    with g.as_default():
        y = tf.image.flip_left_right(tf.placeholder(tf.float32, [5, 7, 3]))
        assert y.shape.as_list() == [5, 7, 3]
        with pytest.raises(ValueError, match=r"^'image' \(shape \(5, 7\)\) must be at least "):
            tf.image.flip_left_right(tf.placeholder(tf.float32, [5, 7]))
        with pytest.raises(ValueError, match=r"\(shape \(1, 1, 5, 7, 3\)\)must have either 3"):
            tf.image.flip_up_down(tf.placeholder(tf.float32, [1, 1, 5, 7, 3]))
        with pytest.raises(ValueError, match=r"inner 3 dims .*: \(None, 0, 3\)"):
            tf.image.flip_up_down(tf.placeholder(tf.float32, [None, 0, 3]))
        p = tf.placeholder(tf.float32)
        y = tf.image.flip_up_down(p)
        with tf.Session() as sess:
            with pytest.raises(tf.errors.InvalidArgumentError):
                sess.run(y, {p: np.zeros((3, 4), np.float32)})


BOXES = [(0, 0, 5, 7), (1, 2, 3, 4), (4, 6, 1, 1), (2, 0, 3, 7), (0, 5, 5, 2)]


@pytest.mark.parametrize("box", BOXES)
@pytest.mark.parametrize("dtype", [np.bool_, np.uint8, np.int64, np.float32])
def test_crop_to_bounding_box(box, dtype):
    oh, ow, th, tw = box
    for shape in ((5, 7, 3), (2, 5, 7, 2), (0, 5, 7, 1)):
        x = image_array(shape, dtype)
        for static in (False, True):
            out = evaluate(lambda p: tf.image.crop_to_bounding_box(p, *box), x, unknown=not static)
            np.testing.assert_array_equal(out, x[..., oh:oh + th, ow:ow + tw, :])


@pytest.mark.parametrize("box", [(0, 0, 5, 7), (1, 2, 8, 10), (0, 3, 5, 10), (4, 0, 9, 7),
                                 (2, 2, 9, 11)])
@pytest.mark.parametrize("dtype", [np.bool_, np.int8, np.int32, np.float64])
def test_pad_to_bounding_box(box, dtype):
    oh, ow, th, tw = box
    for shape in ((5, 7, 3), (2, 5, 7, 2), (0, 5, 7, 1)):
        x = image_array(shape, dtype)
        pads = [(oh, th - oh - 5), (ow, tw - ow - 7), (0, 0)]
        if len(shape) == 4:
            pads = [(0, 0)] + pads
        for static in (False, True):
            out = evaluate(lambda p: tf.image.pad_to_bounding_box(p, *box), x, unknown=not static)
            np.testing.assert_array_equal(out, np.pad(x, pads))


@pytest.mark.parametrize("fraction", [0.5, 0.33, 0.9, 1.0, 0.01])
@pytest.mark.parametrize("shape", [(5, 7, 3), (2, 9, 6, 2), (1, 1, 1), (0, 4, 4, 1)])
def test_central_crop(fraction, shape):
    x = image_array(shape, np.int16)
    h, w = shape[-3], shape[-2]
    top, left = int((h - h * fraction) / 2), int((w - w * fraction) / 2)
    for static in (False, True):
        out = evaluate(lambda p: tf.image.central_crop(p, fraction), x, unknown=not static)
        np.testing.assert_array_equal(out, x[..., top:h - top, left:w - left, :])


def test_box_arguments_as_constants_and_static_shapes():
    x = image_array((6, 8, 2), np.float32)
    out = evaluate(lambda p: tf.image.crop_to_bounding_box(p, tf.constant(1), np.int64(2),
                                                           tf.constant(3), 4), x, unknown=True)
    np.testing.assert_array_equal(out, x[1:4, 2:6])
    g = tf.Graph()
    with g.as_default():
        p = tf.placeholder(tf.float32, [None, 6, None, 2])
        assert tf.image.crop_to_bounding_box(p, 1, 2, 3, 4).shape.as_list() == [None, 3, 4, 2]
        assert tf.image.pad_to_bounding_box(p, 1, 2, 9, 9).shape.as_list() == [None, 9, 9, 2]
        assert tf.image.central_crop(p, 0.5).shape.as_list() == [None, 4, None, 2]
        assert tf.image.central_crop(p, 1.0) is p
        with pytest.raises(NotImplementedError):
            tf.image.crop_to_bounding_box(p, tf.placeholder(tf.int32, []), 0, 1, 1)


@pytest.mark.parametrize("fn,args,shape,message", [
    ("crop_to_bounding_box", (-1, 0, 2, 2), [5, 7, 3], "offset_height must be >= 0."),
    ("crop_to_bounding_box", (0, -1, 2, 2), [5, 7, 3], "offset_width must be >= 0."),
    ("crop_to_bounding_box", (0, 0, 0, 2), [5, 7, 3], "target_height must be > 0."),
    ("crop_to_bounding_box", (0, 0, 2, 0), [5, 7, 3], "target_width must be > 0."),
    ("crop_to_bounding_box", (3, 0, 3, 2), [5, 7, 3], "height must be >= target + offset."),
    ("crop_to_bounding_box", (0, 3, 2, 5), [1, 5, 7, 3], "width must be >= target + offset."),
    ("crop_to_bounding_box", (0, 0, 1, 1), [5, 7],
     "'image' (shape (5, 7)) must have either 3 or 4 dimensions."),
    ("crop_to_bounding_box", (0, 0, 1, 1), [5, 0, 3],
     "inner 3 dims of 'image.shape' must be > 0: (1, 5, 0, 3)"),
    ("pad_to_bounding_box", (-1, 0, 9, 9), [5, 7, 3], "offset_height must be >= 0"),
    ("pad_to_bounding_box", (0, -1, 9, 9), [5, 7, 3], "offset_width must be >= 0"),
    ("pad_to_bounding_box", (0, 3, 9, 9), [5, 7, 3], "width must be <= target - offset"),
    ("pad_to_bounding_box", (5, 0, 9, 9), [2, 5, 7, 3], "height must be <= target - offset"),
    ("pad_to_bounding_box", (0, 0, 9, 9), [1, 2, 5, 7, 3],
     "'image' (shape (1, 2, 5, 7, 3)) must have either 3 or 4 dimensions."),
    ("central_crop", (0.0,), [5, 7, 3], "central_fraction must be within (0, 1]"),
    ("central_crop", (1.5,), [5, 7, 3], "central_fraction must be within (0, 1]"),
    ("central_crop", (0.5,), [5, 7], "'image' (shape (5, 7)) must be at least three-dimensional."),
    ("central_crop", (0.5,), [1, 1, 5, 7, 3],
     "`image` should either be a Tensor with rank = 3 or rank = 4. Had rank = 5."),
])
def test_box_build_errors(fn, args, shape, message):
    g = tf.Graph()
    with g.as_default():
        with pytest.raises(ValueError) as info:
            getattr(tf.image, fn)(tf.placeholder(tf.float32, shape), *args)
        assert str(info.value) == message


@pytest.mark.parametrize("fn,args,shape", [
    ("crop_to_bounding_box", (3, 0, 3, 2), (5, 7, 3)),
    ("crop_to_bounding_box", (0, 0, 2, 2), (5, 0, 3)),
    ("pad_to_bounding_box", (0, 3, 9, 9), (5, 7, 3)),
    ("pad_to_bounding_box", (0, 0, 9, 9), (2, 5, 7, 3, 1)),
])
def test_box_run_time_errors(fn, args, shape):
    g = tf.Graph()
    with g.as_default():
        p = tf.placeholder(tf.float32)
        y = getattr(tf.image, fn)(p, *args)
        with tf.Session() as sess:
            with pytest.raises(tf.errors.InvalidArgumentError, match="must"):
                sess.run(y, {p: np.zeros(shape, np.float32)})
            # The session stays usable.
            fits = np.ones((9, 12, 3) if fn == "crop_to_bounding_box" else (5, 5, 3), np.float32)
            assert sess.run(y, {p: fits}).shape == (args[2], args[3], 3)


def test_references_agree_with_kernels():
    """Each op's registered NumPy reference gives what its kernel gives."""
    x = image_array((2, 6, 9, 3), np.uint8)
    cases = [
        (lambda p: tf.image.flip_left_right(p), "FlipLeftRight", {}),
        (lambda p: tf.image.crop_to_bounding_box(p, 1, 2, 3, 4), "CropToBoundingBox",
         {"offset_height": 1, "offset_width": 2, "target_height": 3, "target_width": 4}),
        (lambda p: tf.image.pad_to_bounding_box(p, 1, 2, 8, 12), "PadToBoundingBox",
         {"offset_height": 1, "offset_width": 2, "target_height": 8, "target_width": 12}),
        (lambda p: tf.image.central_crop(p, 0.6), "CentralCrop", {"central_fraction": 0.6}),
        (lambda p: tf.image.convert_image_dtype(p, tf.int16), "ConvertImageDtype",
         {"dtype": tf.int16, "saturate": False}),
    ]
    for fn, op_type, attrs in cases:
        ref = op_registry.get(op_type).reference([x], attrs)[0]
        np.testing.assert_array_equal(evaluate(fn, x, unknown=True), ref)
    ref = op_registry.get("PerImageStandardization").reference([x], {})[0]
    np.testing.assert_allclose(evaluate(tf.image.per_image_standardization, x, unknown=True),
                               ref, rtol=1e-5, atol=1e-6)


def test_constant_images_fold():
    x = image_array((4, 6, 3), np.uint8)
    g = tf.Graph()
    with g.as_default():
        c = tf.constant(x)
        ys = [tf.image.flip_up_down(c), tf.image.rgb_to_grayscale(c),
              tf.image.resize(c, [2, 3], method="area"),
              tf.image.convert_image_dtype(c, tf.float32)]
        with tf.Session() as sess:
            out = sess.run(ys)
    np.testing.assert_array_equal(out[0], x[::-1])
    assert out[1].shape == (4, 6, 1) and out[2].shape == (2, 3, 3)
    np.testing.assert_allclose(out[3], x / np.float32(255), rtol=1e-6)


# ---- compat.v1.image.resize_images ----------------------------------------------------

V1_METHODS = [(0, "resize_bilinear"), (1, "resize_nearest_neighbor"), (3, "resize_area")]


@pytest.mark.parametrize("method,op", V1_METHODS)
@pytest.mark.parametrize("align", [False, True])
@pytest.mark.parametrize("dtype", [np.uint8, np.int32, np.float32, np.float64])
def test_resize_images_v1_is_the_v1_resize_op(method, op, align, dtype):
    v1 = tf.compat.v1
    img = (image_array((2, 5, 7, 3), np.float64) * 200).astype(dtype)
    fn = getattr(v1.image, op)
    want = evaluate(lambda p: fn(p, [9, 4], align_corners=align) if op != "resize_area"
                    else fn(p, [9, 4], align_corners=align), img, unknown=True)
    for resize in (v1.image.resize_images, v1.image.resize):
        got = evaluate(lambda p: resize(p, [9, 4], method=method, align_corners=align), img,
                       unknown=True)
        assert got.dtype == (dtype if method == 1 else np.float32)
        np.testing.assert_array_equal(got, want)


def test_resize_images_v1_hand_values():
    v1 = tf.compat.v1
    img = np.array([[1, 2], [3, 4]], np.float32).reshape(1, 2, 2, 1)
    # TF1 corners: output pixel i samples input i * in / out (no half-pixel shift).
    bil = evaluate(lambda p: v1.image.resize_images(p, [4, 4]), img, unknown=True)[0, :, :, 0]
    np.testing.assert_allclose(bil, [[1, 1.5, 2, 2], [2, 2.5, 3, 3], [3, 3.5, 4, 4],
                                     [3, 3.5, 4, 4]])
    near = evaluate(lambda p: v1.image.resize_images(p, [4, 4], v1.image.ResizeMethod
                                                     .NEAREST_NEIGHBOR), img,
                    unknown=True)[0, :, :, 0]
    np.testing.assert_array_equal(near, [[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]])
    aligned = evaluate(lambda p: v1.image.resize_images(p, [3, 3], align_corners=True),
                       img, unknown=True)[0, :, :, 0]
    np.testing.assert_allclose(aligned, [[1, 1.5, 2], [2, 2.5, 3], [3, 3.5, 4]])
    area = evaluate(lambda p: v1.image.resize_images(p, [1, 1], method=3), img, unknown=True)
    np.testing.assert_allclose(area, [[[[2.5]]]])


def test_resize_images_v1_constants_strings_3d_and_aspect():
    v1 = tf.compat.v1
    m = v1.image.ResizeMethod
    assert (m.BILINEAR, m.NEAREST_NEIGHBOR, m.BICUBIC, m.AREA) == (0, 1, 2, 3)
    assert tf.image.ResizeMethod.BILINEAR == "bilinear"
    img = image_array((6, 4, 2), np.float32)
    got = evaluate(lambda p: v1.image.resize_images(p, [3, 8], method="nearest"), img, unknown=True)
    want = evaluate(lambda p: v1.image.resize_nearest_neighbor(p[None], [3, 8])[0], img,
                    unknown=True)
    np.testing.assert_array_equal(got, want)
    got = evaluate(lambda p: v1.image.resize_images(p, [3, 8], preserve_aspect_ratio=True), img,
                   unknown=False)
    assert got.shape == (3, 2, 2)


def test_resize_images_v1_same_size_returns_images():
    v1 = tf.compat.v1
    with tf.Graph().as_default():
        x = tf.placeholder(tf.uint8, [2, 4, 5, 3])
        assert v1.image.resize_images(x, [4, 5]) is x
        assert v1.image.resize_images(x, tf.constant([4, 5])) is x
        y = v1.image.resize_images(x, [4, 5], preserve_aspect_ratio=True)
        assert y is not x and y.dtype == tf.float32
        z = tf.placeholder(tf.uint8, [None, None, 3])
        assert v1.image.resize_images(z, [4, 5]).dtype == tf.float32
        assert v1.image.resize_images(z, [4, 5]).shape.as_tuple() == (4, 5, 3)
    img = image_array((4, 5, 3), np.uint8)
    out = evaluate(lambda p: v1.image.resize_images(p, [4, 5]), img, unknown=False)
    assert out.dtype == np.uint8
    np.testing.assert_array_equal(out, img)


def test_resize_images_v1_errors():
    v1 = tf.compat.v1
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [1, 4, 4, 1])
        with pytest.raises(ValueError, match="Resize method is not implemented: 7"):
            v1.image.resize_images(x, [2, 2], method=7)
        with pytest.raises(NotImplementedError):
            v1.image.resize_images(x, [2, 2], method=v1.image.ResizeMethod.BICUBIC)
        with pytest.raises(ValueError, match="contains no shape"):
            v1.image.resize_images(tf.placeholder(tf.float32), [2, 2])
        with pytest.raises(ValueError, match="either 3 or 4 dimensions"):
            v1.image.resize_images(tf.placeholder(tf.float32, [4, 4]), [2, 2])
        with pytest.raises(ValueError, match="1-D Tensor of 2 elements"):
            v1.image.resize_images(x, [2, 2, 2])
