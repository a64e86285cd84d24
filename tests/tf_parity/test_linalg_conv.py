"""matmul, convolutions and pooling against TensorFlow: the same graph in both."""

import numpy as np
import pytest

from .parity import assert_same, run_both

tf = pytest.importorskip("tensorflow")


@pytest.mark.parametrize("a_shape,b_shape,ta,tb", [
    ((3, 4), (4, 5), False, False), ((4, 3), (5, 4), True, True),
    ((2, 3, 4), (4, 6), False, False), ((3, 1, 5, 2), (4, 2, 3), False, False),
    ((0, 3), (3, 4), False, False), ((3, 0), (0, 4), False, False)], ids=str)
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32, np.int64],
                         ids=lambda d: np.dtype(d).name)
def test_matmul(a_shape, b_shape, ta, tb, dtype):
    rng = np.random.default_rng(0)
    a = (rng.normal(size=a_shape) * 5).astype(dtype)
    b = (rng.normal(size=b_shape) * 5).astype(dtype)
    assert_same(*run_both(lambda api, p: api.matmul(p[0], p[1], transpose_a=ta, transpose_b=tb),
                          [a, b]), rtol=1e-5)


CONV = [((5, 7, 3), (3, 3, 3, 4), 1, 1, "SAME"), ((5, 7, 3), (3, 3, 3, 4), 2, 1, "VALID"),
        ((8, 8, 2), (3, 2, 2, 5), [2, 3], 1, "SAME"), ((9, 9, 2), (3, 3, 2, 2), 1, 2, "SAME"),
        ((10, 9, 3), (4, 4, 3, 2), 3, 1, "SAME"), ((6, 6, 4), (1, 1, 4, 3), 1, 1, "VALID"),
        ((7, 5, 2), (2, 2, 2, 3), 1, 1, [[0, 0], [1, 2], [0, 1], [0, 0]])]


@pytest.mark.parametrize("x_shape,f_shape,strides,dil,padding", CONV, ids=str)
def test_conv2d(x_shape, f_shape, strides, dil, padding):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(2,) + x_shape).astype(np.float32)
    f = rng.normal(size=f_shape).astype(np.float32)
    assert_same(*run_both(lambda api, p: api.nn.conv2d(p[0], p[1], strides, padding, dilations=dil),
                          [x, f]), rtol=1e-5)


@pytest.mark.parametrize("x_shape,f_shape,strides,dil,padding",
                         [c for c in CONV if not isinstance(c[4], list) and c[2] != [2, 3]],
                         ids=str)
def test_depthwise_conv2d(x_shape, f_shape, strides, dil, padding):
    rng = np.random.default_rng(2)
    x = rng.normal(size=(2,) + x_shape).astype(np.float32)
    f = rng.normal(size=f_shape[:3] + (2,)).astype(np.float32)
    assert_same(*run_both(lambda api, p: api.nn.depthwise_conv2d(
        p[0], f, [1, strides, strides, 1], padding, dilations=[dil, dil]), [x]), rtol=1e-5)


@pytest.mark.parametrize("k,s,padding", [(2, 2, "VALID"), (3, 1, "SAME"), ([3, 2], [2, 1], "SAME"),
                                         (2, 2, "SAME"), (4, 3, "SAME")], ids=str)
@pytest.mark.parametrize("dtype", [np.float32, np.int32, np.uint8], ids=lambda d: np.dtype(d).name)
def test_pools(k, s, padding, dtype):
    rng = np.random.default_rng(3)
    x = (rng.normal(size=(2, 7, 6, 3)) * 50).astype(dtype)
    assert_same(*run_both(lambda api, p: api.nn.max_pool2d(p[0], k, s, padding), [x]), rtol=1e-5)
    if dtype == np.float32:
        assert_same(*run_both(lambda api, p: api.nn.avg_pool2d(p[0], k, s, padding), [x]),
                    rtol=1e-5)


@pytest.mark.parametrize("x_shape,f_shape,out_shape,strides,padding", [
    ((2, 4, 4, 3), (3, 3, 5, 3), (2, 8, 8, 5), 2, "SAME"),
    ((1, 4, 4, 2), (3, 3, 2, 2), (1, 9, 9, 2), 2, "VALID"),
    ((2, 3, 3, 1), (4, 4, 2, 1), (2, 6, 6, 2), 2, "SAME")], ids=str)
def test_conv2d_transpose(x_shape, f_shape, out_shape, strides, padding):
    rng = np.random.default_rng(4)
    x = rng.normal(size=x_shape).astype(np.float32)
    f = rng.normal(size=f_shape).astype(np.float32)
    assert_same(*run_both(lambda api, p: api.nn.conv2d_transpose(p[0], f, list(out_shape), strides,
                                                                 padding), [x]), rtol=1e-5)


def test_conv1d_atrous_and_separable():
    rng = np.random.default_rng(5)
    x1 = rng.normal(size=(2, 9, 3)).astype(np.float32)
    f1 = rng.normal(size=(3, 3, 4)).astype(np.float32)
    x2 = rng.normal(size=(2, 9, 8, 3)).astype(np.float32)
    f2 = rng.normal(size=(3, 3, 3, 4)).astype(np.float32)
    dw = rng.normal(size=(3, 3, 3, 2)).astype(np.float32)
    pw = rng.normal(size=(1, 1, 6, 5)).astype(np.float32)
    assert_same(*run_both(lambda api, p: api.nn.conv1d(p[0], f1, 2, "SAME"), [x1]), rtol=1e-5)
    assert_same(*run_both(lambda api, p: api.nn.conv1d(p[0], f1, 1, "VALID", dilations=2),
                          [x1]), rtol=1e-5)
    assert_same(*run_both(lambda api, p: api.nn.atrous_conv2d(p[0], f2, 2, "SAME"), [x2]),
                rtol=1e-5)
    ours, theirs = run_both(lambda api, p: api.nn.separable_conv2d(p[0], dw, pw, [1, 2, 2, 1],
                                                                   "VALID"), [x2])
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-5)
