"""tf.image ops against TensorFlow: the same graph built in both."""

import numpy as np
import pytest

import fastgraph as fg

from ..samples import image_array
from .parity import assert_same, run_both

tf = pytest.importorskip("tensorflow")

INTS = [np.uint8, np.int8, np.int16, np.int32, np.int64]
FLOATS = [np.float32, np.float64]


@pytest.mark.parametrize("src,dst", [((12, 17), (5, 7)), ((6, 6), (6, 6)), ((5, 7), (11, 13)),
                                     ((1, 1), (3, 2)), ((135, 240), (32, 32)), ((9, 4), (4, 9))])
@pytest.mark.parametrize("dtype", [np.uint8, np.float32, np.int32, np.float64])
def test_resize_area(src, dst, dtype):
    img = (image_array((2,) + src + (3,), np.float64) * 255).astype(dtype)
    ours, theirs = run_both(lambda api, p: api.image.resize(p[0], list(dst), method="area"), [img])
    assert_same(ours, theirs, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("channels", [1, 4])
def test_resize_area_channels_and_3d(channels):
    img = image_array((10, 15, channels), np.float32)
    ours, theirs = run_both(lambda api, p: api.image.resize(p[0], [4, 6], method=api.image
                                                            .ResizeMethod.AREA), [img])
    assert_same(ours, theirs, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("align", [False, True])
def test_v1_resize_area(align):
    img = image_array((1, 9, 7, 2), np.float32)
    ours, theirs = run_both(lambda api, p: api.compat.v1.image.resize_area(
        p[0], [4, 5], align_corners=align), [img])
    assert_same(ours, theirs, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("method", ["bilinear", "nearest", "area"])
@pytest.mark.parametrize("src,size", [((20, 10), (8, 8)), ((10, 20), (9, 30)), ((7, 7), (3, 5)),
                                      ((3, 5), (100, 100))])
@pytest.mark.parametrize("static", [False, True])
def test_resize_preserve_aspect_ratio(method, src, size, static):
    img = image_array((1,) + src + (2,), np.float32)
    ours, theirs = run_both(lambda api, p: api.image.resize(
        p[0], list(size), method=method, preserve_aspect_ratio=True), [img], static=static)
    assert_same(ours, theirs, rtol=1e-4, atol=1e-5)


PAIRS = [(a, b) for a in INTS + FLOATS for b in INTS + FLOATS]


@pytest.mark.parametrize("src,dst", PAIRS)
@pytest.mark.parametrize("saturate", [False, True])
def test_convert_image_dtype(src, dst, saturate):
    if np.dtype(src).kind == "f":
        # In range, at the edges, and (when saturating) out of range both ways:
        # TF's own float -> int cast of out-of-range values differs between its
        # vectorised and scalar paths.
        edges = [0, 1, 0.5, 0.999, 1 - 1e-7, 1 / 255, 254.5 / 255.5]
        if saturate or np.dtype(dst).kind == "f":
            edges += [-0.25, 1.5, -3.0, 7.0, -1.0, 2.0]
        x = np.concatenate([image_array((40,), src), np.array(edges, src)])
    else:
        info = np.iinfo(src)
        x = np.concatenate([image_array((40,), src), np.array(
            [0, 1, info.max, info.min, info.max - 1, info.min + 1], src)])
    ours, theirs = run_both(lambda api, p: api.image.convert_image_dtype(
        p[0], api.as_dtype(dst), saturate=saturate), [x.reshape(-1, 1, 1)])
    assert_same(ours, theirs, rtol=1e-5, atol=0.0)


@pytest.mark.parametrize("dtype", INTS + FLOATS)
@pytest.mark.parametrize("shape", [(5, 7, 3), (2, 4, 6, 3), (3,), (0, 3)])
def test_rgb_to_grayscale(dtype, shape):
    x = image_array(shape, dtype)
    ours, theirs = run_both(lambda api, p: api.image.rgb_to_grayscale(p[0]), [x])
    assert_same(ours, theirs, rtol=1e-5, atol=0.0)


@pytest.mark.parametrize("dtype", [np.uint8, np.int32, np.float32, np.float64])
@pytest.mark.parametrize("shape", [(5, 7, 3), (2, 4, 6, 3), (3, 1, 2, 2, 1), (1, 1, 1)])
def test_per_image_standardization(dtype, shape):
    x = (image_array(shape, np.float64) * 100).astype(dtype)
    ours, theirs = run_both(lambda api, p: api.image.per_image_standardization(p[0]), [x])
    assert_same(ours, theirs, rtol=1e-5, atol=1e-5)


def test_per_image_standardization_uniform():
    x = np.full((2, 3, 4, 3), 7, np.uint8)
    ours, theirs = run_both(lambda api, p: api.image.per_image_standardization(p[0]), [x])
    assert_same(ours, theirs, rtol=1e-5, atol=0.0)


@pytest.mark.parametrize("fn", ["flip_left_right", "flip_up_down"])
@pytest.mark.parametrize("shape", [(5, 7, 3), (2, 4, 6, 1), (1, 1, 2), (0, 3, 2, 1)])
@pytest.mark.parametrize("dtype", [np.uint8, np.float32, np.int64, np.bool_])
@pytest.mark.parametrize("static", [False, True])
def test_flips(fn, shape, dtype, static):
    x = image_array(shape, np.float64) > 0.5 if dtype is np.bool_ else image_array(shape, dtype)
    ours, theirs = run_both(lambda api, p: getattr(api.image, fn)(p[0]), [x], static=static)
    assert_same(ours, theirs, rtol=1e-5, atol=0.0)


BOXES = [(0, 0, 5, 7), (1, 2, 3, 4), (4, 6, 1, 1), (2, 0, 3, 7)]


@pytest.mark.parametrize("box", BOXES)
@pytest.mark.parametrize("shape", [(5, 7, 3), (2, 5, 7, 2)])
@pytest.mark.parametrize("static", [False, True])
def test_crop_to_bounding_box(box, shape, static):
    x = image_array(shape, np.int16)
    ours, theirs = run_both(lambda api, p: api.image.crop_to_bounding_box(p[0], *box), [x],
                            static=static)
    assert_same(ours, theirs, rtol=1e-5, atol=0.0)


@pytest.mark.parametrize("box", [(0, 0, 5, 7), (1, 2, 8, 10), (0, 3, 5, 10), (4, 0, 9, 7)])
@pytest.mark.parametrize("shape", [(5, 7, 3), (2, 5, 7, 2)])
@pytest.mark.parametrize("static", [False, True])
def test_pad_to_bounding_box(box, shape, static):
    x = image_array(shape, np.float32)
    ours, theirs = run_both(lambda api, p: api.image.pad_to_bounding_box(p[0], *box), [x],
                            static=static)
    assert_same(ours, theirs, rtol=1e-5, atol=0.0)


@pytest.mark.parametrize("fraction", [0.5, 0.33, 0.9, 1.0, 0.01])
@pytest.mark.parametrize("shape", [(5, 7, 3), (2, 9, 6, 2), (1, 1, 1)])
@pytest.mark.parametrize("static", [False, True])
def test_central_crop(fraction, shape, static):
    x = image_array(shape, np.uint8)
    ours, theirs = run_both(lambda api, p: api.image.central_crop(p[0], fraction), [x],
                            static=static)
    assert_same(ours, theirs, rtol=1e-5, atol=0.0)


def _both_errors(build, shape):
    """The exception types and messages of build(api, static placeholder)."""
    out = []
    for api in (fg, tf):
        g = api.Graph()
        with g.as_default():
            p = api.compat.v1.placeholder(api.float32, shape)
            with pytest.raises(Exception) as info:
                build(api, p)
            out.append(info.value)
    return out


@pytest.mark.parametrize("build,shape", [
    (lambda api, p: api.image.crop_to_bounding_box(p, -1, 0, 2, 2), [5, 7, 3]),
    (lambda api, p: api.image.crop_to_bounding_box(p, 0, -1, 2, 2), [5, 7, 3]),
    (lambda api, p: api.image.crop_to_bounding_box(p, 0, 0, 0, 2), [5, 7, 3]),
    (lambda api, p: api.image.crop_to_bounding_box(p, 0, 0, 2, 0), [5, 7, 3]),
    (lambda api, p: api.image.crop_to_bounding_box(p, 3, 0, 3, 2), [5, 7, 3]),
    (lambda api, p: api.image.crop_to_bounding_box(p, 0, 3, 2, 5), [1, 5, 7, 3]),
    (lambda api, p: api.image.crop_to_bounding_box(p, 0, 0, 1, 1), [5, 7]),
    (lambda api, p: api.image.crop_to_bounding_box(p, 0, 0, 1, 1), [5, 0, 3]),
    (lambda api, p: api.image.pad_to_bounding_box(p, -1, 0, 9, 9), [5, 7, 3]),
    (lambda api, p: api.image.pad_to_bounding_box(p, 0, -1, 9, 9), [5, 7, 3]),
    (lambda api, p: api.image.pad_to_bounding_box(p, 0, 3, 9, 9), [5, 7, 3]),
    (lambda api, p: api.image.pad_to_bounding_box(p, 5, 0, 9, 9), [2, 5, 7, 3]),
    (lambda api, p: api.image.pad_to_bounding_box(p, 0, 0, 9, 9), [1, 2, 5, 7, 3]),
    (lambda api, p: api.image.central_crop(p, 0.0), [5, 7, 3]),
    (lambda api, p: api.image.central_crop(p, 1.5), [5, 7, 3]),
    (lambda api, p: api.image.central_crop(p, 0.5), [5, 7]),
    (lambda api, p: api.image.central_crop(p, 0.5), [1, 1, 5, 7, 3]),
    (lambda api, p: api.image.flip_left_right(p), [5, 7]),
    (lambda api, p: api.image.flip_up_down(p), [1, 1, 5, 7, 3]),
    (lambda api, p: api.image.flip_up_down(p), [0, 7, 3]),
    (lambda api, p: api.image.per_image_standardization(p), [7, 3]),
    (lambda api, p: api.image.resize(p, [2, 2]), [7, 3]),
    (lambda api, p: api.image.resize(p, [2, 2, 2]), [1, 7, 3, 1]),
    (lambda api, p: api.image.resize(p, [2, 2], method="cubic"), [1, 7, 3, 1]),
])
def test_build_errors_match(build, shape):
    ours, theirs = _both_errors(build, shape)
    assert type(ours) is type(theirs) is ValueError
    assert str(ours) == str(theirs)


def test_convert_image_dtype_bool_errors():
    for api in (fg, tf):
        g = api.Graph()
        with g.as_default():
            with pytest.raises(AttributeError, match="dtype must be either"):
                api.image.convert_image_dtype(api.compat.v1.placeholder(api.float32), api.bool)
            with pytest.raises(AttributeError, match="image dtype must be either"):
                api.image.convert_image_dtype(api.compat.v1.placeholder(api.bool), api.float32)


@pytest.mark.parametrize("build,shape", [
    (lambda api, p: api.image.crop_to_bounding_box(p, 3, 0, 3, 2), (5, 7, 3)),
    (lambda api, p: api.image.pad_to_bounding_box(p, 0, 3, 9, 9), (5, 7, 3)),
    (lambda api, p: api.image.flip_left_right(p), (5, 0, 3)),
])
def test_run_time_errors(build, shape):
    for api in (fg, tf):
        g = api.Graph()
        with g.as_default():
            p = api.compat.v1.placeholder(api.float32, [None, None, None])
            y = build(api, p)
            with api.compat.v1.Session(graph=g) as sess:
                with pytest.raises(api.errors.InvalidArgumentError):
                    sess.run(y, {p: np.zeros(shape, np.float32)})


# ---- tf.compat.v1.image.resize_images ---------------------------------------------------

@pytest.mark.parametrize("method", [0, 1, 3, "bilinear", "nearest", "area"])
@pytest.mark.parametrize("align", [False, True])
@pytest.mark.parametrize("dtype", [np.uint8, np.int16, np.float32, np.float64])
@pytest.mark.parametrize("src,dst", [((5, 7), (9, 4)), ((8, 8), (3, 3)), ((1, 3), (4, 1))])
def test_resize_images_v1(method, align, dtype, src, dst):
    img = (image_array((2,) + src + (3,), np.float64) * 200).astype(dtype)
    ours, theirs = run_both(lambda api, p: api.compat.v1.image.resize_images(
        p[0], list(dst), method=method, align_corners=align), [img])
    assert_same(ours, theirs, rtol=1e-5, atol=1e-4)


@pytest.mark.parametrize("static", [False, True])
def test_resize_images_v1_3d_aspect_same_size_and_constants(static):
    img = (image_array((6, 4, 2), np.float64) * 200).astype(np.uint8)
    for kw in ({"size": [3, 8], "preserve_aspect_ratio": True}, {"size": [6, 4]},
               {"size": [6, 4], "method": 1}, {"size": [12, 8], "method": 3}):
        ours, theirs = run_both(lambda api, p: api.compat.v1.image.resize_images(p[0], **kw), [img],
                                static=static)
        assert_same(ours, theirs, rtol=1e-5, atol=1e-4)
        ours, theirs = run_both(lambda api, p: api.compat.v1.image.resize(p[0], **kw), [img],
                                static=static)
        assert_same(ours, theirs, rtol=1e-5, atol=1e-4)
    m_ours, m_tf = fg.compat.v1.image.ResizeMethod, tf.compat.v1.image.ResizeMethod
    for n in ("BILINEAR", "NEAREST_NEIGHBOR", "BICUBIC", "AREA"):
        assert getattr(m_ours, n) == getattr(m_tf, n)
