"""tf.image's colour, geometry, box and quality functions against
TensorFlow: the same graph built in both."""

import numpy as np
import pytest

import fastgraph as fg

from ..samples import image_array
from .parity import assert_same, run_both, run_in

tf = pytest.importorskip("tensorflow")

DTYPES = [np.uint8, np.float32, np.float64, np.int32]


def _img(shape, dtype, seed=0):
    if np.dtype(dtype).kind == "f":
        return image_array(shape, dtype, seed)
    return image_array(shape, np.uint8, seed).astype(dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("fn,args", [
    ("adjust_brightness", (0.2,)), ("adjust_brightness", (-0.7,)),
    ("adjust_contrast", (1.8,)), ("adjust_contrast", (0.4,)),
    ("adjust_gamma", (0.5, 1.2)), ("adjust_gamma", (2.0,)),
    ("adjust_hue", (0.3,)), ("adjust_hue", (-0.6,)), ("adjust_hue", (1.0,)),
    ("adjust_saturation", (1.7,)), ("adjust_saturation", (0.2,))])
@pytest.mark.parametrize("shape", [(5, 6, 3), (2, 3, 4, 3)])
def test_adjust(fn, args, dtype, shape):
    x = _img(shape, dtype)
    ours, theirs = run_both(lambda api, p: getattr(api.image, fn)(p[0], *args), [x])
    assert_same(ours, theirs, rtol=2e-5, atol=2e-6)


def test_adjust_names_in_graph():
    names = {}
    for api in (fg, tf):
        g = api.Graph()
        with g.as_default():
            x = api.compat.v1.placeholder(api.float32, [4, 4, 3])
            api.image.adjust_contrast(x, 2.0)
            api.image.adjust_hue(x, 0.1)
            api.image.adjust_saturation(x, 0.5)
            api.image.rgb_to_hsv(x)
            api.image.hsv_to_rgb(x)
        names[api] = {op.type for op in g.get_operations()}
    for t in ("AdjustContrastv2", "AdjustHue", "AdjustSaturation", "RGBToHSV", "HSVToRGB"):
        assert t in names[fg] and t in names[tf]


@pytest.mark.parametrize("fn", ["rgb_to_hsv", "hsv_to_rgb", "rgb_to_yiq", "yiq_to_rgb",
                                "rgb_to_yuv", "yuv_to_rgb"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_colorspaces(fn, dtype):
    x = np.concatenate([image_array((30, 3), dtype), np.array(
        [[0.5, 0.5, 0.2], [0.3, 0.3, 0.3], [0.1, 0.7, 0.7], [0, 0, 0], [0.9, 0.2, 0.9],
         [1, 0, 0], [0, 1, 0], [0, 0, 1]], dtype)]).reshape(2, 19, 3)
    ours, theirs = run_both(lambda api, p: getattr(api.image, fn)(p[0]), [x], static=True)
    assert_same(ours, theirs, rtol=1e-5, atol=1e-6)


def test_grayscale_to_rgb():
    x = image_array((2, 3, 4, 1), np.uint8)
    ours, theirs = run_both(lambda api, p: api.image.grayscale_to_rgb(p[0]), [x], static=True)
    assert_same(ours, theirs)


@pytest.mark.parametrize("fn,args", [("random_brightness", (0.3,)),
                                     ("random_contrast", (0.2, 1.8)),
                                     ("random_hue", (0.4,)),
                                     ("random_saturation", (0.1, 3.0))])
def test_random_colour_seeded(fn, args):
    x = image_array((4, 5, 3), np.float32)

    def build(api, p):
        api.compat.v1.set_random_seed(7)
        return getattr(api.image, fn)(p[0], *args, seed=11)

    ours, theirs = (run_in(api, build, [x], runs=3) for api in (fg, tf))
    assert_same(ours, theirs, rtol=2e-5, atol=2e-6)


@pytest.mark.parametrize("build,error", [
    (lambda api: api.image.random_hue(np.zeros((2, 2, 3), np.float32), 0.6), ValueError),
    (lambda api: api.image.random_contrast(np.zeros((2, 2, 3), np.float32), 1.0, 0.5),
     ValueError),
    (lambda api: api.image.random_saturation(np.zeros((2, 2, 3), np.float32), -1.0, 0.5),
     ValueError),
    (lambda api: api.image.random_brightness(np.zeros((2, 2, 3), np.float32), -0.1),
     ValueError),
    (lambda api: api.image.adjust_gamma(np.zeros((2, 2, 3), np.float32), -1.0), ValueError),
])
def test_colour_argument_errors(build, error):
    messages = []
    for api in (fg, tf):
        with api.Graph().as_default(), pytest.raises(error) as info:
            build(api)
        messages.append(str(info.value))
    assert messages[0] == messages[1]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_rgb_to_hsv_gradient(seed):
    x = image_array((3, 5, 3), np.float32, seed)
    x[0, 0] = [0.5, 0.5, 0.2]  # ties, as TF breaks them
    x[0, 1] = [0.1, 0.7, 0.7]
    x[0, 2] = [0.9, 0.2, 0.9]
    x[0, 3] = [0.0, 0.4, 0.6]
    w = image_array((3, 5, 3), np.float32, seed + 10)

    def build(api, p):
        y = api.image.rgb_to_hsv(p[0])
        return api.gradients(api.reduce_sum(y * w), p[0])[0]

    ours, theirs = run_both(build, [x], static=True)
    assert_same(ours, theirs, rtol=1e-4, atol=1e-5)
