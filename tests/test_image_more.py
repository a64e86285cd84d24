"""tf.image's colour, geometry, box and quality functions against NumPy
references and hand-computed values; gradients by finite differences."""

import numpy as np
import pytest

import fastgraph as fg
from fastgraph.framework import onednn_policy

from .compare import assert_close
from .samples import image_array


def run(build, *feeds):
    """build(*placeholders) in a fresh graph, run with `feeds`."""
    g = fg.Graph()
    with g.as_default():
        phs = [fg.compat.v1.placeholder(fg.as_dtype(a.dtype), a.shape) for a in feeds]
        y = build(*phs)
        with fg.compat.v1.Session(graph=g) as sess:
            return sess.run(y, dict(zip(phs, feeds)))


# ---- TF's oneDNN policy (the one-pixel rgb_to_grayscale path) -------------------

@pytest.mark.parametrize("value,want", [("1", True), ("true", True), ("TRUE", True),
                                        ("0", False), ("false", False)])
def test_onednn_env_decides(value, want):
    assert onednn_policy.tf_uses_onednn({"TF_ENABLE_ONEDNN_OPTS": value},
                                        system="Linux", machine="x86_64",
                                        flags={"avx2"} if want else {"avx512_vnni"}) is want


@pytest.mark.parametrize("flags,want", [({"avx2", "fma"}, False), ({"avx512f"}, False),
                                        ({"avx512f", "avx512_vnni"}, True),
                                        ({"avx_vnni"}, True), ({"amx_tile"}, True),
                                        ({"avx512_bf16"}, True)])
def test_onednn_default_by_cpu(flags, want):
    assert onednn_policy.tf_uses_onednn({}, system="Linux", machine="x86_64",
                                        flags=flags) is want
    # A value TF does not read as a bool leaves the default.
    assert onednn_policy.tf_uses_onednn({"TF_ENABLE_ONEDNN_OPTS": "maybe"}, system="Linux",
                                        machine="x86_64", flags=flags) is want
    assert onednn_policy.tf_uses_onednn({}, system="Darwin", machine="x86_64",
                                        flags=flags) is False


@pytest.mark.parametrize("fused", ["0", "1"])
def test_one_pixel_grayscale_follows_policy(fused, monkeypatch):
    """One int64 pixel whose channels cancel: the order of the sums shows."""
    monkeypatch.setenv("TF_ENABLE_ONEDNN_OPTS", fused)
    x = image_array((3,), np.int64)
    f = x.astype(np.float32) * np.float32(1.0 / np.iinfo(np.int64).max)
    w = np.array([0.2989, 0.5870, 0.1140], np.float32)
    if fused == "1":
        y = np.float32(f[0] * w[0])
        y = np.float32(np.float64(f[1]) * np.float64(w[1]) + np.float64(y))
        y = np.float32(np.float64(f[2]) * np.float64(w[2]) + np.float64(y))
    else:
        y = np.float32(np.float32(f[0] * w[0]) + np.float32(f[1] * w[1])) + np.float32(f[2] * w[2])
    want = np.int64(np.float32(y) * np.float32(float(np.iinfo(np.int64).max) + 0.5))
    got = run(lambda p: fg.image.rgb_to_grayscale(p), x)
    assert_close(got, np.array([want]))


# ---- colour ---------------------------------------------------------------------------

def _hsv_reference(rgb):
    """HSV from the textbook formulas, in float64."""
    rgb = rgb.astype(np.float64)
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    v = rgb.max(-1)
    d = v - rgb.min(-1)
    s = np.where(v > 0, d / np.where(v > 0, v, 1), 0)
    dd = np.where(d > 0, d, 1)
    h = np.where(r == v, (g - b) / dd, np.where(g == v, (b - r) / dd + 2, (r - g) / dd + 4))
    h = np.where(d > 0, h / 6 % 1.0, 0)
    return np.stack([h, s, v], -1)


def _rgb_reference(hsv):
    hsv = hsv.astype(np.float64)
    h, s, v = hsv[..., 0] * 6, hsv[..., 1], hsv[..., 2]
    out = []
    for n in (5, 3, 1):
        k = (n + h) % 6
        out.append(v - v * s * np.clip(np.minimum(k, 4 - k), 0, 1))
    return np.stack(out, -1)


def test_rgb_to_hsv_and_back():
    x = image_array((4, 6, 3), np.float32)
    x[0, :3] = [[0.5, 0.5, 0.2], [0.3, 0.3, 0.3], [0, 0, 0]]
    hsv = run(lambda p: fg.image.rgb_to_hsv(p), x)
    assert_close(hsv, _hsv_reference(x), 1e-5, 1e-6, dtype=np.float32)
    rgb = run(lambda p: fg.image.hsv_to_rgb(p), hsv)
    assert_close(rgb, _rgb_reference(hsv), 1e-5, 1e-6, dtype=np.float32)
    assert_close(rgb, x, 1e-5, 1e-6)


@pytest.mark.parametrize("delta", [0.25, -0.4, 0.0])
def test_adjust_hue_rotates_hue(delta):
    x = image_array((3, 4, 3), np.float32, 1)
    got = run(lambda p: fg.image.adjust_hue(p, delta), x)
    hsv = _hsv_reference(x)
    hsv[..., 0] = (hsv[..., 0] + delta) % 1.0
    assert_close(got, _rgb_reference(hsv), 1e-5, 1e-5, dtype=np.float32)


@pytest.mark.parametrize("factor", [0.3, 1.6, 9.0])
def test_adjust_saturation_scales_saturation(factor):
    x = image_array((3, 4, 3), np.float32, 2)
    got = run(lambda p: fg.image.adjust_saturation(p, factor), x)
    hsv = _hsv_reference(x)
    hsv[..., 1] = np.clip(hsv[..., 1] * factor, 0, 1)
    assert_close(got, _rgb_reference(hsv), 1e-5, 1e-5, dtype=np.float32)


def test_adjust_contrast_and_brightness_uint8():
    x = image_array((2, 3, 4, 3), np.uint8)
    f = x.astype(np.float64) / 255
    mean = f.mean(axis=(1, 2), keepdims=True)
    want = np.clip(((f - mean) * 1.5 + mean) * 255.5, 0, 255).astype(np.uint8)
    got = run(lambda p: fg.image.adjust_contrast(p, 1.5), x)
    assert np.abs(got.astype(int) - want.astype(int)).max() <= 1
    want = np.clip((f + 0.25) * 255.5, 0, 255).astype(np.uint8)
    got = run(lambda p: fg.image.adjust_brightness(p, 0.25), x)
    assert np.abs(got.astype(int) - want.astype(int)).max() <= 1


def test_adjust_gamma_float():
    x = image_array((3, 4, 3), np.float32)
    got = run(lambda p: fg.image.adjust_gamma(p, 2.2, 0.8), x)
    assert_close(got, 0.8 * x.astype(np.float64) ** 2.2, 1e-5, 1e-6, dtype=np.float32)


def test_yiq_yuv_round_trip():
    x = image_array((2, 5, 3), np.float64)
    yiq = run(lambda p: fg.image.rgb_to_yiq(p), x)
    assert_close(yiq[..., 0], x @ np.array([0.299, 0.587, 0.114]), 1e-12)
    # TF's inverse matrices are rounded to 8 digits: the round trip is close.
    assert_close(run(lambda p: fg.image.yiq_to_rgb(p), yiq), x, 2e-4, 2e-4)
    yuv = run(lambda p: fg.image.rgb_to_yuv(p), x)
    assert_close(yuv[..., 0], x @ np.array([0.299, 0.587, 0.114]), 1e-12)
    assert_close(run(lambda p: fg.image.yuv_to_rgb(p), yuv), x, 2e-4, 2e-4)


def test_grayscale_to_rgb_tiles():
    x = image_array((4, 5, 1), np.uint8)
    assert_close(run(lambda p: fg.image.grayscale_to_rgb(p), x), np.repeat(x, 3, -1))
    with pytest.raises(ValueError):
        fg.image.grayscale_to_rgb(np.zeros((4, 5, 3), np.float32))


def test_rgb_to_hsv_gradient_finite_differences():
    from .gradient_check import check_gradient
    rng = np.random.default_rng(3)
    # Well away from ties, where the derivative is continuous.
    x = np.sort(rng.uniform(0.1, 0.9, (6, 3)), axis=-1)
    x = np.stack([rng.permutation(row) for row in x]).reshape(2, 3, 3)
    x = x + np.array([0, 0.02, 0.04])[None, None, :] * (x.argsort(-1) == 1)
    check_gradient("RGBToHSV", [x], rtol=1e-5, atol=1e-7)
