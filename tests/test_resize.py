"""image.resize against values computed independently: TF's documented
example, and per-pixel loops written from TF's sampling rules."""

import math

import numpy as np
import pytest

import fastgraph as tf
from fastgraph.ops.image_ops import _bilinear_reference


def _run(images, size, method="bilinear", dtype=None):
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(dtype or tf.as_dtype(images.dtype), [None] * images.ndim)
        y = tf.image.resize(x, size, method=method)
        with tf.Session() as sess:
            return sess.run(y, {x: images})


def _bilinear_loops(img, oh, ow):
    """Half-pixel-centre bilinear sampling, one output pixel at a time."""
    b, h, w, c = img.shape
    out = np.zeros((b, oh, ow, c), dtype=np.float64)
    sy, sx = h / oh, w / ow
    for y in range(oh):
        fy = (y + 0.5) * sy - 0.5
        y0 = max(math.floor(fy), 0)
        y1 = min(math.ceil(fy), h - 1)
        wy = fy - math.floor(fy)
        for x in range(ow):
            fx = (x + 0.5) * sx - 0.5
            x0 = max(math.floor(fx), 0)
            x1 = min(math.ceil(fx), w - 1)
            wx = fx - math.floor(fx)
            top = img[:, y0, x0] * (1 - wx) + img[:, y0, x1] * wx
            bot = img[:, y1, x0] * (1 - wx) + img[:, y1, x1] * wx
            out[:, y, x] = top * (1 - wy) + bot * wy
    return out


def _nearest_loops(img, oh, ow):
    b, h, w, c = img.shape
    out = np.zeros((b, oh, ow, c), dtype=img.dtype)
    for y in range(oh):
        sy = min(int(math.floor((y + 0.5) * h / oh)), h - 1)
        for x in range(ow):
            sx = min(int(math.floor((x + 0.5) * w / ow)), w - 1)
            out[:, y, x] = img[:, sy, sx]
    return out


def test_tf_documented_example():
    # From tf.image.resize's docstring: a 5x5 identity resized to [3, 5].
    image = np.eye(5, dtype=np.int32)[None, :, :, None]
    out = _run(image, [3, 5])[0, ..., 0]
    expected = [[0.6666667, 0.3333333, 0.0, 0.0, 0.0],
                [0.0, 0.0, 1.0, 0.0, 0.0],
                [0.0, 0.0, 0.0, 0.3333335, 0.6666665]]
    np.testing.assert_allclose(out, expected, atol=1e-6)
    assert out.dtype == np.float32


@pytest.mark.parametrize("src,dst", [((2, 3), (256, 256)), ((7, 5), (3, 4)), ((4, 4), (4, 4)),
                                     ((1, 1), (3, 2)), ((9, 13), (17, 6)), ((30, 40), (7, 9))])
@pytest.mark.parametrize("dtype", [np.uint8, np.float32, np.int32, np.float64])
def test_bilinear_matches_loops(src, dst, dtype):
    rng = np.random.default_rng(0)
    img = (rng.random((2,) + src + (3,)) * 255).astype(dtype)
    out = _run(img, list(dst))
    assert out.dtype == np.float32 and out.shape == (2,) + dst + (3,)
    np.testing.assert_allclose(out, _bilinear_loops(img.astype(np.float64), *dst),
                               rtol=1e-5, atol=1e-4 * 255)


@pytest.mark.parametrize("src,dst", [((108, 1920), (26, 256)), ((7, 9), (5, 13)),
                                     ((2, 2), (7, 7)), ((5, 1), (3, 3)), ((9, 2), (4, 6)),
                                     ((40, 300), (9, 1030)), ((3, 3), (1, 1)),
                                     ((17, 33), (17, 33)), ((4, 3000), (3, 2100))])
@pytest.mark.parametrize("align,half", [(False, True), (False, False), (True, False)])
def test_bilinear_uint8_rgb_exact(src, dst, align, half):
    """The uint8 3-channel kernel (vector loops, remapped edge pairs) gives
    bit for bit the generic kernel's float32 values and the reference's."""
    rng = np.random.default_rng(2)
    img = rng.integers(0, 256, (2,) + src + (3,), dtype=np.uint8)
    outs = []
    for x in (img, img.astype(np.float32)):
        g = tf.Graph()
        with g.as_default():
            p = tf.placeholder(tf.as_dtype(x.dtype), [None] * 4)
            y = tf.compat.v1.image.resize_bilinear(p, dst, align_corners=align,
                                                   half_pixel_centers=half)
            with tf.Session() as sess:
                outs.append(sess.run(y, {p: x}))
    ref = _bilinear_reference([img, np.array(dst)],
                              {"align_corners": align, "half_pixel_centers": half})[0]
    np.testing.assert_array_equal(outs[0].view(np.uint32), outs[1].view(np.uint32))
    np.testing.assert_array_equal(outs[0].view(np.uint32), ref.view(np.uint32))


@pytest.mark.parametrize("src,dst", [((2, 3), (5, 7)), ((7, 5), (3, 4)), ((8, 8), (3, 3))])
@pytest.mark.parametrize("dtype", [np.uint8, np.float32, np.int64])
def test_nearest_matches_loops(src, dst, dtype):
    rng = np.random.default_rng(1)
    img = (rng.random((1,) + src + (2,)) * 100).astype(dtype)
    out = _run(img, list(dst), method="nearest")
    assert out.dtype == dtype
    np.testing.assert_array_equal(out, _nearest_loops(img, *dst))


def test_seed_three_program():
    g = tf.Graph()
    with g.as_default():
        image = tf.placeholder(dtype=tf.uint8, shape=[None, None, 3])
        resized = tf.image.resize(images=tf.expand_dims(image, axis=0), size=[256, 256])
        with tf.Session() as sess:
            mock = [[[255, 0, 0], [0, 255, 0], [0, 0, 255]],
                    [[255, 255, 0], [0, 255, 255], [255, 0, 255]]]
            result = sess.run(resized, feed_dict={image: tf.constant(mock, dtype=tf.uint8)})
    assert result.shape == (1, 256, 256, 3)
    np.testing.assert_allclose(result, _bilinear_loops(np.array([mock], np.float64), 256, 256),
                               atol=1e-3)


def test_three_dim_images_and_errors():
    img = np.arange(2 * 3 * 1, dtype=np.float32).reshape(2, 3, 1)
    out = _run(img, [4, 6])
    assert out.shape == (4, 6, 1)
    np.testing.assert_allclose(out, _bilinear_loops(img[None].astype(np.float64), 4, 6)[0],
                               atol=1e-5)
    g = tf.Graph()
    with g.as_default():
        with pytest.raises(ValueError):
            tf.image.resize(tf.placeholder(tf.float32, [2, 2]), [3, 3])
        with pytest.raises(ValueError):
            tf.image.resize(tf.placeholder(tf.float32, [1, 2, 2, 1]), [3, 3], method="nope")
