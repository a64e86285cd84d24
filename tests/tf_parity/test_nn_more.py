"""More of tf.nn against TensorFlow's compat.v1 graph mode: crelu,
relu_layer, sufficient statistics and moments, weighted_moments, global
batch norm, the 1-D/3-D/rank-dispatching poolings, conv3d and its
transposes and gradients, and the distributed-loss scalings; values, op
types and names in the graph."""

import numpy as np
import pytest

from .parity import assert_same, run_both

tf = pytest.importorskip("tensorflow")

_RNG = np.random.default_rng(11)


def _x(*shape):
    return _RNG.normal(size=shape).astype(np.float32)


def test_crelu_and_relu_layer():
    x, w, b = _x(3, 4), _x(4, 2), _x(2)
    ours, theirs = run_both(lambda api, p: [api.compat.v1.nn.crelu(p[0]),
                                            api.compat.v1.nn.crelu(p[0], axis=0),
                                            api.compat.v1.nn.relu_layer(*p)], [x, w, b])
    assert_same(ours, theirs)


def test_graph_names_match():
    def names(api):
        g = api.Graph()
        with g.as_default():
            x = api.compat.v1.placeholder(api.float32, [2, 7, 3])
            api.compat.v1.nn.crelu(x)
            api.compat.v1.nn.avg_pool1d(x, 2, 2, "VALID")
            api.compat.v1.nn.max_pool1d(x, 2, 2, "VALID")
            api.compat.v1.nn.relu_layer(x[0], api.ones([3, 2]), api.zeros([2]))
        return [(op.name, op.type) for op in g.get_operations()
                if op.type in ("Relu", "ConcatV2", "AvgPool", "MaxPool", "ExpandDims", "Squeeze",
                               "MatMul", "BiasAdd")]
    import fastgraph as fg
    assert names(fg) == names(tf)


@pytest.mark.parametrize("shift", [None, 0.25])
def test_sufficient_statistics_and_moments(shift):
    x = _x(3, 4, 5)

    def build(api, p):
        s = None if shift is None else api.constant(shift)
        c, m, v, s2 = api.compat.v1.nn.sufficient_statistics(p[0], [0, 2], shift=s)
        mean, var = api.compat.v1.nn.normalize_moments(c, m, v, s2)
        wm = api.compat.v1.nn.weighted_moments(p[0], [1], p[1], keep_dims=True)
        return [c, m, v, mean, var, *wm]
    ours, theirs = run_both(build, [x, np.abs(_x(3, 1, 5))])
    assert_same(ours, theirs, rtol=1e-5, atol=1e-5)
    ours, theirs = run_both(build, [x, np.abs(_x(3, 1, 5))], static=True)
    assert_same(ours, theirs, rtol=1e-5, atol=1e-5)


def test_batch_norm_with_global_normalization():
    x, m, v, b, g = _x(2, 3), _x(3), np.abs(_x(3)) + 1, _x(3), _x(3)
    ours, theirs = run_both(lambda api, p: [
        api.compat.v1.nn.batch_norm_with_global_normalization(*p, 1e-3, True),
        api.compat.v1.nn.batch_norm_with_global_normalization(*p, 1e-3, False)],
        [x, m, v, b, g])
    assert_same(ours, theirs)


@pytest.mark.parametrize("k,s,padding", [(2, 2, "VALID"), (3, 1, "SAME"), (3, 2, "SAME")])
def test_poolings(k, s, padding):
    x1, x2, x3 = _x(2, 7, 3), _x(2, 6, 5, 3), _x(2, 4, 5, 6, 2)
    ours, theirs = run_both(lambda api, p: [
        api.compat.v1.nn.avg_pool1d(p[0], k, s, padding),
        api.compat.v1.nn.max_pool1d(p[0], k, s, padding),
        api.compat.v1.nn.avg_pool_v2(p[0], k, s, padding),
        api.compat.v1.nn.max_pool_v2(p[1], k, s, padding),
        api.compat.v1.nn.avg_pool_v2(p[2], k, s, padding),
        api.compat.v1.nn.max_pool3d(p[2], k, s, padding),
        api.compat.v1.nn.avg_pool3d(p[2], [k, 2, 1], s, padding)], [x1, x2, x3], static=True)
    assert_same(ours, theirs)


@pytest.mark.parametrize("strides,padding", [((1, 1, 1), "SAME"), ((2, 1, 2), "VALID"),
                                             ((2, 2, 1), "SAME")])
def test_conv3d_and_gradients(strides, padding):
    x, f = _x(2, 4, 5, 6, 2), _x(2, 3, 2, 2, 3)

    def build(api, p):
        st = [1, *strides, 1]
        y = api.compat.v1.nn.conv3d(p[0], p[1], st, padding)
        dy = api.sin(y)
        gx, gf = api.gradients(y, [p[0], p[1]], dy)
        t = api.compat.v1.nn.conv3d_transpose(dy, p[1], [2, 4, 5, 6, 2], st, padding)
        bf = api.compat.v1.nn.conv3d_backprop_filter(p[0], [2, 3, 2, 2, 3], dy, st, padding)
        ggx = api.gradients(gx, p[1], api.cos(gx))
        return [y, gx, gf, t, bf, ggx]
    ours, theirs = run_both(build, [x, f], static=True)
    assert_same(ours, theirs, rtol=1e-4, atol=1e-4)


def test_pool3d_gradients():
    x = (_RNG.permutation(2 * 4 * 5 * 6 * 2).reshape(2, 4, 5, 6, 2) * 0.01).astype(np.float32)

    def build(api, p):
        m = api.compat.v1.nn.max_pool3d(p[0], 2, [1, 2, 1], "SAME")
        a = api.compat.v1.nn.avg_pool3d(p[0], [2, 3, 2], 2, "SAME")
        gm = api.gradients(m, p[0], api.sin(m))[0]
        ga = api.gradients(a, p[0], api.sin(a))[0]
        ggm = api.gradients(gm, p[0], api.cos(gm))  # zeros, through MaxPool3DGradGrad
        return [m, a, gm, ga, ggm]
    ours, theirs = run_both(build, [x], static=True)
    assert_same(ours, theirs, rtol=1e-5, atol=1e-6)


def test_loss_scalings():
    losses, w = np.abs(_x(4)), np.abs(_x(4))
    ours, theirs = run_both(lambda api, p: [
        api.compat.v1.nn.compute_average_loss(p[0]),
        api.compat.v1.nn.compute_average_loss(p[0], sample_weight=p[1], global_batch_size=8),
        api.compat.v1.nn.scale_regularization_loss(api.reduce_sum(p[0]))], [losses, w])
    assert_same(ours, theirs)
