"""The convolution and pooling backprops and gradients against TensorFlow:
the backprop ops through their public functions (tf.compat.v1.nn) and
tf.raw_ops, and tf.gradients of the forward ops, in float32."""

import numpy as np
import pytest

from .parity import assert_same, run_both, run_in

tf = pytest.importorskip("tensorflow")

# x shape (no batch), filter shape, strides, dilations, padding
CONV = [((5, 7, 3), (3, 3, 3, 4), [1, 1], [1, 1], "SAME"),
        ((5, 7, 3), (3, 3, 3, 4), [2, 2], [1, 1], "VALID"),
        ((8, 8, 2), (3, 2, 2, 5), [2, 3], [1, 1], "SAME"),
        ((9, 9, 2), (3, 3, 2, 2), [1, 1], [2, 2], "SAME"),
        ((9, 8, 2), (2, 3, 2, 3), [1, 1], [2, 1], "VALID"),
        ((10, 9, 3), (4, 4, 3, 2), [3, 3], [1, 1], "SAME"),
        ((7, 5, 2), (2, 2, 2, 3), [1, 1], [1, 1], [[0, 0], [1, 2], [0, 1], [0, 0]])]


def _forward_out(api, x, f, strides, dil, padding):
    """The forward conv2d's output for x and f (its shape sizes out_backprop)."""
    return run_in(api, lambda a, p: a.nn.conv2d(p[0], p[1], strides, padding, dilations=dil),
                  [x, f])


@pytest.mark.parametrize("x_shape,f_shape,strides,dil,padding", CONV, ids=str)
def test_conv2d_backprop_filter_and_input(x_shape, f_shape, strides, dil, padding):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(2,) + x_shape).astype(np.float32)
    f = rng.normal(size=f_shape).astype(np.float32)
    dy = rng.normal(size=_forward_out(tf, x, f, strides, dil, padding).shape).astype(np.float32)
    s4, d4 = [1, *strides, 1], [1, *dil, 1]
    assert_same(*run_both(lambda api, p: api.compat.v1.nn.conv2d_backprop_filter(
        p[0], list(f_shape), p[1], s4, padding, dilations=d4), [x, dy]), rtol=1e-4, atol=1e-4)
    assert_same(*run_both(lambda api, p: api.compat.v1.nn.conv2d_backprop_input(
        list(x.shape), p[0], p[1], s4, padding, dilations=d4), [f, dy]), rtol=1e-4, atol=1e-4)


# TF's CPU (oneDNN) depthwise backprops refuse dilations; tests/ops covers them.
@pytest.mark.parametrize("mult", [1, 3])
@pytest.mark.parametrize("x_shape,f_shape,strides,dil,padding",
                         [c for c in CONV if isinstance(c[4], str) and c[2][0] == c[2][1]
                          and c[3] == [1, 1]], ids=str)
def test_depthwise_backprops(x_shape, f_shape, strides, dil, padding, mult):
    rng = np.random.default_rng(2)
    x = rng.normal(size=(2,) + x_shape).astype(np.float32)
    f = rng.normal(size=f_shape[:3] + (mult,)).astype(np.float32)
    s4, d4 = [1, *strides, 1], [1, *dil, 1]
    y = run_in(tf, lambda a, p: a.nn.depthwise_conv2d(p[0], p[1], s4, padding, dilations=dil),
               [x, f])
    dy = rng.normal(size=y.shape).astype(np.float32)
    assert_same(*run_both(lambda api, p: api.compat.v1.nn.depthwise_conv2d_native_backprop_input(
        list(x.shape), p[0], p[1], s4, padding, dilations=d4), [f, dy]), rtol=1e-4, atol=1e-4)
    assert_same(*run_both(lambda api, p: api.compat.v1.nn.depthwise_conv2d_native_backprop_filter(
        p[0], list(f.shape), p[1], s4, padding, dilations=d4), [x, dy]), rtol=1e-4, atol=1e-4)


def _grads(build, arrays, weights):
    """[fastgraph's, TensorFlow's] gradients of build's output, weighted by
    `weights`, with respect to every placeholder."""
    def grads(api, p):
        y = build(api, p[:-1])
        return api.compat.v1.gradients(y, p[:-1], grad_ys=p[-1])
    return run_both(grads, list(arrays) + [weights])


@pytest.mark.parametrize("x_shape,f_shape,strides,dil,padding", CONV, ids=str)
def test_conv2d_gradients(x_shape, f_shape, strides, dil, padding):
    rng = np.random.default_rng(3)
    x = rng.normal(size=(2,) + x_shape).astype(np.float32)
    f = rng.normal(size=f_shape).astype(np.float32)
    w = rng.normal(size=_forward_out(tf, x, f, strides, dil, padding).shape).astype(np.float32)
    ours, theirs = _grads(lambda api, p: api.nn.conv2d(p[0], p[1], strides, padding,
                                                       dilations=dil), [x, f], w)
    for a, b in zip(ours, theirs):
        assert_same(a, b, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("mult", [1, 2])
def test_depthwise_conv2d_gradients(mult):
    rng = np.random.default_rng(4)
    x = rng.normal(size=(2, 9, 8, 3)).astype(np.float32)
    f = rng.normal(size=(3, 2, 3, mult)).astype(np.float32)

    def build(api, p):
        return api.nn.depthwise_conv2d(p[0], p[1], [1, 2, 2, 1], "SAME")

    w = rng.normal(size=run_in(tf, build, [x, f]).shape).astype(np.float32)
    ours, theirs = _grads(build, [x, f], w)
    for a, b in zip(ours, theirs):
        assert_same(a, b, rtol=1e-4, atol=1e-4)


POOLS = [(2, 2, "VALID"), (3, 1, "SAME"), ([3, 2], [2, 1], "SAME"), (2, 2, "SAME"),
         (4, 3, "SAME"), (3, 2, "VALID"),
         (2, 3, "VALID"), ([1, 2], [1, 2], "VALID")]  # windows apart; windows tiling x


@pytest.mark.parametrize("k,s,padding", POOLS, ids=str)
@pytest.mark.parametrize("ties", [False, True], ids=["distinct", "ties"])
def test_pool_gradients(k, s, padding, ties):
    rng = np.random.default_rng(5)
    x = rng.normal(size=(2, 7, 6, 3)).astype(np.float32)
    if ties:
        x = np.round(x).astype(np.float32)  # a few values: windows tie often

    def max_pool(api, p):
        return api.nn.max_pool2d(p[0], k, s, padding)

    def avg_pool(api, p):
        return api.nn.avg_pool2d(p[0], k, s, padding)

    w = rng.normal(size=run_in(tf, max_pool, [x]).shape).astype(np.float32)
    for build in (max_pool, avg_pool):
        ours, theirs = _grads(build, [x], w)
        assert_same(ours[0], theirs[0], rtol=1e-5, atol=1e-6)


def _raw_pool_grad(op_type, ksize, strides, padding):
    """tf.raw_ops.<op_type> in TensorFlow, the op itself in fastgraph."""
    attrs = {"ksize": [1, *ksize, 1], "strides": [1, *strides, 1], "padding": padding}

    def build(api, p):
        if api is tf:
            return getattr(tf.raw_ops, op_type)(orig_input=p[0], orig_output=p[1], grad=p[2],
                                                **attrs)
        g = api.get_default_graph()
        return g.create_op(op_type, p, {"ksize": tuple(ksize), "strides": tuple(strides),
                                        "padding": padding, "dilations": (1, 1)}).outputs[0]
    return build


@pytest.mark.parametrize("op_type", ["MaxPoolGrad", "MaxPoolGradGrad"])
def test_max_pool_grad_ops_with_ties_and_nan(op_type):
    rng = np.random.default_rng(6)
    x = np.round(rng.normal(size=(2, 6, 7, 2))).astype(np.float32)
    x[0, 1, 2, 0] = np.nan
    x[1, 0, 0, 1] = np.nan
    build = _raw_pool_grad(op_type, (3, 3), (2, 2), "SAME")
    y = run_in(tf, lambda api, p: api.nn.max_pool2d(p[0], 3, 2, "SAME"), [x])
    g = rng.normal(size=(y.shape if op_type == "MaxPoolGrad" else x.shape)).astype(np.float32)
    assert_same(*run_both(build, [x, y, g]), rtol=1e-5, atol=1e-6)


def test_avg_pool_grad_op():
    rng = np.random.default_rng(7)
    g = rng.normal(size=(2, 3, 3, 4)).astype(np.float32)

    def build(api, p):
        if api is tf:
            return tf.raw_ops.AvgPoolGrad(orig_input_shape=[2, 7, 6, 4], grad=p[0],
                                          ksize=[1, 3, 2, 1], strides=[1, 3, 2, 1],
                                          padding="SAME")
        return api.get_default_graph().create_op(
            "AvgPoolGrad", p, {"ksize": (3, 2), "strides": (3, 2), "padding": "SAME",
                               "dilations": (1, 1), "orig_input_shape": (2, 7, 6, 4)}).outputs[0]

    assert_same(*run_both(build, [g], static=True), rtol=1e-5, atol=1e-6)


def test_bad_out_backprop_size_is_an_error_in_both():
    """TF's Eigen kernel says InvalidArgumentError with this message; its
    oneDNN kernel (the default on x86) says AbortedError: both are OpErrors."""
    import fastgraph as fg

    x = np.zeros((2, 7, 6, 3), np.float32)
    dy = np.zeros((2, 7, 6, 4), np.float32)
    sizes = np.array([3, 3, 3, 4], np.int32)

    def build(api, p):
        return api.compat.v1.nn.conv2d_backprop_filter(p[0], p[2], p[1], [1, 1, 1, 1], "VALID")

    with pytest.raises(fg.errors.InvalidArgumentError,
                       match="Conv2DCustomBackpropFilter: Size of out_backprop doesn't match "
                             "computed: actual = 7, computed = 5 spatial_dim: 1 input: 7 "
                             "filter: 3 output: 7 stride: 1 dilation: 1"):
        run_in(fg, build, [x, dy, sizes])
    with pytest.raises(tf.errors.OpError):
        run_in(tf, build, [x, dy, sizes])
