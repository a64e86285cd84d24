"""Gradients of the math ops (elementwise, reductions, scans, matrix
products) through `tf.gradients`, against TensorFlow's on the same graphs,
with placeholders of static shape and of unknown dims (the shapes known
only when the graph runs, where the gradients of broadcasting ops go
through BroadcastGradientArgs)."""

import numpy as np
import pytest

from fastgraph.framework import op_registry

from .parity import assert_same, run_both

RNG = np.random.default_rng(3)


def _normal(*shape):
    return RNG.normal(size=shape)


def _positive(*shape):
    return RNG.uniform(0.5, 2.0, size=shape)


def _grads(api, y, xs):
    return api.compat.v1.gradients(y, xs)


@pytest.mark.parametrize("static", [True, False], ids=["static", "unknown_dims"])
@pytest.mark.parametrize("fn", ["add", "subtract", "multiply", "truediv", "maximum", "minimum",
                                "squared_difference", "pow", "floormod"])
@pytest.mark.parametrize("shapes", [((4, 3), (3,)), ((4, 1), (1, 5)), ((2, 3), (2, 3))],
                         ids=["vector", "outer", "same"])
def test_binary_gradients_broadcast(static, fn, shapes):
    def build(api, phs):
        x, y = phs
        z = getattr(api.math, fn)(x, y)
        return _grads(api, api.reduce_sum(api.sin(z)), [x, y])

    feeds = [_positive(*shapes[0]), _positive(*shapes[1])]
    assert_same(*run_both(build, feeds, static=static))


@pytest.mark.parametrize("shapes", [((3,), (3,)), ((1,), (1, 4))], ids=["none_3", "none_1"])
def test_binary_gradients_with_a_batch_dim(shapes):
    """[None, 3] against [3] and [None, 1] against [1, 4], as a batch
    placeholder and a weight meet in training."""
    def build(api, phs):
        xf, yf = phs  # of unknown dims
        x = api.reshape(xf, [-1, shapes[0][-1]])
        y = api.reshape(yf, list(shapes[1]))
        assert x.shape.as_list() == [None, shapes[0][-1]]
        assert y.shape.as_list() == list(shapes[1])
        z = x * y + api.square(x - y)
        gx, gy = _grads(api, api.reduce_mean(z), [x, y])
        assert gx.shape.as_list() == x.shape.as_list()
        assert gy.shape.as_list() == y.shape.as_list()
        return gx, gy

    feeds = [_normal(5 * shapes[0][-1]), _normal(*shapes[1]).reshape(-1)]
    assert_same(*run_both(build, feeds, static=False))


@pytest.mark.parametrize("static", [True, False], ids=["static", "unknown_dims"])
def test_unary_chain(static):
    def build(api, phs):
        x, = phs
        m = api.math
        y = (m.sqrt(x) + m.rsqrt(x) + m.log(x) + m.log1p(x) + m.exp(-x) + m.expm1(x / 4)
             + m.sigmoid(x) + m.tanh(x) + m.erf(x) + m.sin(x) * m.cos(x) + m.tan(x / 3)
             + m.reciprocal(x) + m.abs(x - 1) + m.square(x) + m.atan(x) + m.negative(x)
             + m.sign(x - 1) + m.floor(x) * 0 + m.round(x) * 0 + m.ceil(x) * 0)
        return _grads(api, api.reduce_sum(y * y), [x])

    assert_same(*run_both(build, [_positive(3, 4)], static=static))


@pytest.mark.parametrize("static", [True, False], ids=["static", "unknown_dims"])
@pytest.mark.parametrize("fn", ["reduce_sum", "reduce_mean", "reduce_max", "reduce_min",
                                "reduce_prod"])
@pytest.mark.parametrize("axis,keepdims", [(1, False), ([0, 2], True), (None, False),
                                           (-1, True)])
def test_reduction_gradients(static, fn, axis, keepdims):
    def build(api, phs):
        x, = phs
        r = getattr(api, fn)(x, axis=axis, keepdims=keepdims)
        return _grads(api, api.reduce_sum(api.sin(r)), [x])

    assert_same(*run_both(build, [_positive(2, 3, 4)], static=static))


@pytest.mark.parametrize("fn", ["cumsum", "cumprod"])
@pytest.mark.parametrize("exclusive", [False, True])
@pytest.mark.parametrize("reverse", [False, True])
def test_scan_gradients(fn, exclusive, reverse):
    def build(api, phs):
        x, = phs
        r = getattr(api.math, fn)(x, axis=1, exclusive=exclusive, reverse=reverse)
        return _grads(api, api.reduce_sum(api.sin(r)), [x])

    assert_same(*run_both(build, [_positive(3, 4)], static=False))


@pytest.mark.parametrize("static", [True, False], ids=["static", "unknown_dims"])
@pytest.mark.parametrize("ta", [False, True])
@pytest.mark.parametrize("tb", [False, True])
def test_matmul_gradients(static, ta, tb):
    def build(api, phs):
        a, b = phs
        return _grads(api, api.reduce_sum(api.sin(api.matmul(a, b, transpose_a=ta,
                                                                transpose_b=tb))), [a, b])

    a = _normal(*((4, 3) if ta else (3, 4)))
    b = _normal(*((5, 4) if tb else (4, 5)))
    assert_same(*run_both(build, [a, b], static=static))


@pytest.mark.parametrize("static", [True, False], ids=["static", "unknown_dims"])
@pytest.mark.parametrize("sa,sb,ta,tb", [((2, 3, 4), (2, 4, 5), False, False),
                                         ((2, 1, 3, 4), (3, 5, 4), False, True),
                                         ((2, 4, 3), (4, 5), True, False),
                                         ((3, 4), (2, 4, 5), False, False)])
def test_batch_matmul_gradients_broadcast_batch_dims(static, sa, sb, ta, tb):
    def build(api, phs):
        a, b = phs
        c = api.matmul(a, b, transpose_a=ta, transpose_b=tb)
        return _grads(api, api.reduce_sum(api.sin(c)), [a, b])

    assert_same(*run_both(build, [_normal(*sa), _normal(*sb)], static=static))


@pytest.mark.parametrize("static", [True, False], ids=["static", "unknown_dims"])
def test_where_and_cast_gradients(static):
    def build(api, phs):
        c, x, y = phs
        z = api.where(c > 0, x, y)  # SelectV2 broadcasting x [3, 1] and y [4]
        w = api.cast(api.cast(z, api.float32), api.float64)
        return _grads(api, api.reduce_sum(w * w), [x, y])

    assert_same(*run_both(build, [_normal(3, 4), _normal(3, 1), _normal(4)], static=static),
                rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("static", [True, pytest.param(False, marks=pytest.mark.skipif(
    not callable(op_registry.get("Reshape").gradient),
    reason="with run-time shapes the gradients sum through Reshape, whose gradient comes "
           "with the array family's"))], ids=["static", "unknown_dims"])
def test_second_derivatives(static):
    """Gradients of gradients: the gradient graphs are ordinary ops, with
    gradients of their own (weights given as grad_ys, so that no reduction
    to a scalar is on the path)."""
    def build(api, phs):
        x, y, a, b, w, v = phs
        m = api.math
        f = (m.sin(x) * m.exp(y) + m.sqrt(x) / y + m.square(x - y) + m.pow(x, y)
             + m.sigmoid(x * y) + m.log1p(x) * m.rsqrt(y) + m.maximum(x, y) * x)
        g = api.tanh(api.matmul(a, b))
        dx, dy = api.compat.v1.gradients(f, [x, y], grad_ys=w)
        da, db = api.compat.v1.gradients(g, [a, b], grad_ys=v)
        return (api.compat.v1.gradients(dx * dy, [x, y], grad_ys=w)
                + api.compat.v1.gradients([da * da, db], [a, b], grad_ys=[a, b]))

    feeds = [_positive(3, 4), _positive(3, 4), _normal(2, 3), _normal(3, 4), _normal(3, 4),
             _normal(2, 4)]
    assert_same(*run_both(build, feeds, static=static))


def test_gradients_of_a_small_network_with_a_batch_dim():
    """A dense layer, a sigmoid and a mean squared error over a batch of
    unknown size, run at two batch sizes: the weights' and bias's gradients
    are TF's."""
    w0, b0 = _normal(4, 3), _normal(3)

    def build(api, phs):
        x, labels = phs
        v1 = api.compat.v1
        w = v1.Variable(w0, name="w")
        b = v1.Variable(b0, name="b")
        h = api.sigmoid(api.matmul(x, w) + b)
        out = api.reduce_sum(h * h, axis=1, keepdims=True) / 3.0
        loss = api.reduce_mean(api.square(out - labels))
        return _grads(api, loss, [w, b, x])

    for batch in (5, 2):
        feeds = [_normal(batch, 4), _normal(batch, 1)]
        assert_same(*run_both(build, feeds, static=False, init=True))


def test_broadcast_gradient_args_is_tfs():
    """fastgraph's BroadcastGradientArgs (the reduction axes of each input)
    against TF's raw op on shape pairs that broadcast, ones among them, and
    its message for a pair that does not."""
    import fastgraph as fg

    from .parity import tf

    rng = np.random.default_rng(9)
    pairs = [((1,), (1,)), ((), ()), ((1, 1), (1,)), ((2, 3), (3, 2))]
    for _ in range(30):
        rank = int(rng.integers(0, 4))
        out = [int(d) for d in rng.integers(0, 4, size=rank)]
        pairs.append(tuple(tuple(1 if rng.random() < 0.4 else d for d in out[rank - r:])
                           for r in rng.integers(0, rank + 1, size=2)))
    for s0, s1 in pairs:
        s0v, s1v = np.array(s0, np.int32), np.array(s1, np.int32)
        with fg.Graph().as_default() as g:
            try:
                # Constant shapes are checked when the op is built, fed ones
                # when it runs.
                out = g.create_op("BroadcastGradientArgs", [fg.constant(s0v), fg.constant(s1v)],
                                  {}).outputs
                with fg.Session() as sess:
                    ours = [a.tolist() for a in sess.run(out)]
            except (ValueError, fg.errors.InvalidArgumentError) as e:
                ours = str(e)
        try:
            # In a graph: other parity tests turn TF's eager mode off.
            with tf.Graph().as_default(), tf.compat.v1.Session() as tf_sess:
                theirs = [a.tolist() for a in tf_sess.run(
                    tf.raw_ops.BroadcastGradientArgs(s0=s0v, s1=s1v))]
        except tf.errors.InvalidArgumentError as e:
            theirs = e.message
            assert isinstance(ours, str) and ours in theirs, (s0, s1)
            continue
        assert ours == theirs, (s0, s1)


@pytest.mark.parametrize("static", [True, False], ids=["static", "unknown_dims"])
def test_gradients_at_ties_and_kinks(static):
    """Where TF picks a side: Maximum/Minimum's ties go to x, a reduction's
    tied extremes share the gradient, Abs and Sign give 0 at 0, Pow's
    exponent gradient is 0 at a zero base, cumprod's is div_no_nan's 0."""
    def build(api, phs):
        x, y = phs
        m = api.math
        f = (m.maximum(x, y) * 2.0 + m.minimum(x, y) * 3.0 + m.abs(x) + m.sign(y) * x
             + api.reduce_max(x, axis=1, keepdims=True) * 5.0
             + api.reduce_min(y, axis=0) * 7.0 + m.pow(x, y) + m.cumprod(x, axis=1))
        return _grads(api, api.reduce_sum(f * f), [x, y])

    x = np.array([[0.0, 1.0, 1.0], [2.0, 0.0, 2.0]])
    y = np.array([[0.0, 1.0, 3.0], [1.0, 0.0, 2.0]])
    assert_same(*run_both(build, [x, y], static=static))
