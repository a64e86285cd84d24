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
