"""The math ops' gradients where the registry sweep does not reach: shapes
known only at run time (BroadcastGradientArgs and the Shape ops the
compiler folds for each run signature), ties and zeros, and the gradients
that are None by TF's definition, against NumPy and hand-computed values."""

import numpy as np
import pytest

import fastgraph as tf
from fastgraph.framework import op_registry

from .gradient_check import check_gradient

RNG = np.random.default_rng(11)


def _grad(y, xs, grad_ys=None):
    """The registered gradient function of y's op, given grad_ys."""
    op = y.op
    return op_registry.gradient_function(op)(op, grad_ys if grad_ys is not None
                                             else tf.ones_like(y))


@pytest.mark.parametrize("s0,s1,r0,r1", [
    ([2, 1, 3], [3], [1], [0, 1]),
    ([5, 1], [1, 4], [1], [0]),
    ([], [4, 1], [0, 1], [1]),
    ([1, 1], [1], [0, 1], [0, 1]),
    ([1], [1], [], []),
    ([0, 3], [1, 3], [], [0]),
])
def test_broadcast_gradient_args_gives_tfs_axes(s0, s1, r0, r1):
    """TF 2.21's answers: equal shapes reduce nothing, an axis where both
    are 1 is in both lists."""
    with tf.Graph().as_default():
        a = tf.placeholder(tf.int32, [None])
        b = tf.placeholder(tf.int32, [None])
        out = tf.get_default_graph().create_op("BroadcastGradientArgs", [a, b], {}).outputs
        assert [t.shape.as_list() for t in out] == [[None], [None]]
        with tf.Session() as sess:
            got = sess.run(out, {a: np.array(s0, np.int32), b: np.array(s1, np.int32)})
    assert [g.tolist() for g in got] == [r0, r1]
    assert all(g.dtype == np.int32 for g in got)


def test_broadcast_gradient_args_refuses_shapes_that_do_not_broadcast():
    with tf.Graph().as_default() as g:
        x = tf.placeholder(tf.float32, [None, None])
        out = g.create_op("BroadcastGradientArgs", [tf.shape(x), tf.constant([3, 2])], {}).outputs
        with tf.Session() as sess:
            with pytest.raises(tf.errors.InvalidArgumentError,
                               match=r"Incompatible shapes: \[2,3\] vs. \[3,2\]"):
                sess.run(out, {x: np.zeros((2, 3), np.float32)})


@pytest.mark.parametrize("xs,ys,x_tail,y_shape", [((None, 3), (3,), (3,), (3,)),
                                                   ((None, 1), (1, 4), (1,), (1, 4)),
                                                   ((None, None), (None,), (4,), (4,))])
@pytest.mark.parametrize("op_type", ["AddV2", "Sub", "Mul", "RealDiv", "Maximum",
                                     "SquaredDifference"])
def test_binary_gradients_with_run_time_shapes(op_type, xs, ys, x_tail, y_shape):
    """The gradients of one graph, run for two batch sizes, are those of the
    same op with every shape static, and finite differences' (summed over
    the broadcast axes)."""
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float64, xs)
        y = tf.placeholder(tf.float64, ys)
        z = g.create_op(op_type, [x, y], {}).outputs[0]
        w = tf.placeholder(tf.float64, None)
        gx, gy = _grad(z, [x, y], w)
        assert gx.shape.as_list() == list(xs) and gy.shape.as_list() == list(ys)
        # Static shapes tell the axes unless a dim of unknown size may be
        # stretched by the other input.
        assert ("BroadcastGradientArgs" in {op.type for op in g.get_operations()}) == \
            (xs == (None, None))
        with tf.Session() as sess:
            for batch in (5, 2):
                xv = RNG.uniform(0.5, 2, (batch,) + x_tail)
                yv = RNG.uniform(0.5, 2, y_shape)
                wv = RNG.normal(size=np.broadcast(xv, yv).shape)
                got = sess.run([gx, gy], {x: xv, y: yv, w: wv})
                static = _static_grads(op_type, xv, yv, wv)
                for a, b, v in zip(got, static, (xv, yv)):
                    assert a.shape == v.shape
                    np.testing.assert_allclose(a, b, rtol=1e-12)
                _check_against_finite_differences(op_type, xv, yv, wv, got)


def _static_grads(op_type, xv, yv, wv):
    with tf.Graph().as_default() as g:
        x, y = tf.constant(xv), tf.constant(yv)
        z = g.create_op(op_type, [x, y], {}).outputs[0]
        with tf.Session() as sess:
            return sess.run(_grad(z, [x, y], tf.constant(wv)))


def _check_against_finite_differences(op_type, xv, yv, wv, got, h=1e-6):
    ref = op_registry.get(op_type).reference

    def f(a, b):
        return float(np.sum(ref([a, b], {})[0] * wv))

    for k, v in enumerate((xv, yv)):
        num = np.zeros_like(v)
        for j in np.ndindex(v.shape):
            up, down = v.copy(), v.copy()
            up[j] += h
            down[j] -= h
            args_up = (up, yv) if k == 0 else (xv, up)
            args_down = (down, yv) if k == 0 else (xv, down)
            num[j] = (f(*args_up) - f(*args_down)) / (2 * h)
        np.testing.assert_allclose(got[k], num, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("op_type", ["Sum", "Mean", "Max", "Min", "Prod"])
@pytest.mark.parametrize("axis,keepdims", [((1,), False), ((0, 2), True), (None, False)])
def test_reduction_gradients_with_run_time_shapes(op_type, axis, keepdims):
    """Placeholders of unknown dims: the kept shape and the broadcast come
    from Shape at run time; the result is the static gradient's."""
    xv = RNG.uniform(0.5, 1.5, (3, 4, 2))
    outs = []
    for shape in ([None, None, None], list(xv.shape)):
        with tf.Graph().as_default() as g:
            x = tf.placeholder(tf.float64, shape)
            y = g.create_op(op_type, [x], {"axis": axis, "keepdims": keepdims}).outputs[0]
            wv = RNG.normal(size=op_registry.get(op_type).reference([xv], {
                "axis": axis, "keepdims": keepdims})[0].shape) if not outs else outs[0][1]
            dx, = _grad(y, [x], tf.constant(wv))
            with tf.Session() as sess:
                outs.append((sess.run(dx, {x: xv}), wv))
    np.testing.assert_allclose(outs[0][0], outs[1][0], rtol=1e-12)
    check_gradient(op_type, [xv], {"axis": axis, "keepdims": keepdims})


def test_max_shares_the_gradient_among_ties():
    """TF's rule: each of the k equal maxima gets 1/k of the gradient."""
    with tf.Graph().as_default():
        x = tf.constant(np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]]))
        dx, = _grad(tf.reduce_max(x, axis=1), [x])
        dm, _ = _grad(tf.minimum(x, 2.0), [x])
        with tf.Session() as sess:
            got, got_min = sess.run([dx, dm])
    np.testing.assert_allclose(got, [[0, 0.5, 0.5], [1 / 3, 1 / 3, 1 / 3]])
    # Minimum's gradient goes to x on ties (x <= y), as TF's.
    np.testing.assert_array_equal(got_min, [[1, 0, 0], [1, 1, 1]])


def test_prod_gradient_with_zeros():
    """The product of the others, also where the input has one zero or two."""
    xv = np.array([[2.0, 0.0, 3.0], [0.0, 0.0, 5.0], [1.0, 2.0, 4.0]])
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float64, [None, None])
        dx, = _grad(tf.reduce_prod(x, axis=1), [x])
        with tf.Session() as sess:
            got = sess.run(dx, {x: xv})
    np.testing.assert_allclose(got, [[0, 6, 0], [0, 0, 0], [8, 4, 2]])


def test_gradients_that_tf_defines_as_none_or_zero():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [3])
        i = tf.placeholder(tf.int32, [3])
        assert _grad(tf.floor(x), [x]) == [None]
        assert _grad(tf.math.ceil(x), [x]) == [None]
        assert _grad(tf.round(x), [x]) == [None]
        assert _grad(tf.math.floordiv(x, 2.0), [x]) == [None, None]
        assert _grad(tf.cast(x, tf.int32), [x]) == [None]
        assert _grad(tf.cast(i, tf.float32), [i]) == [None]
        d64, = _grad(tf.cast(x, tf.float64), [x])
        assert d64.dtype == tf.float32
        ds, = _grad(tf.sign(x), [x])
        with tf.Session() as sess:
            np.testing.assert_array_equal(sess.run(ds, {x: [-1.0, 0.0, 2.0]}), [0, 0, 0])
    for op_type in ("ArgMax", "ArgMin", "All", "Any", "BroadcastGradientArgs", "Equal", "Less"):
        assert op_registry.get(op_type).gradient is op_registry.NOT_DIFFERENTIABLE, op_type


def test_pow_gradient_is_guarded_at_non_positive_bases():
    """TF's _PowGrad: d/dy x^y is 0 where x <= 0 (not NaN from log(x))."""
    with tf.Graph().as_default():
        x = tf.constant(np.array([0.0, -2.0, 2.0]))
        y = tf.constant(np.array([2.0, 2.0, 3.0]))
        dx, dy = _grad(tf.pow(x, y), [x, y])
        with tf.Session() as sess:
            gx, gy = sess.run([dx, dy])
    np.testing.assert_allclose(gx, [0.0, -4.0, 12.0])
    np.testing.assert_allclose(gy, [0.0, 0.0, 8 * np.log(2.0)])


@pytest.mark.parametrize("exclusive", [False, True])
@pytest.mark.parametrize("reverse", [False, True])
def test_scan_gradients(exclusive, reverse):
    xv = RNG.uniform(0.5, 1.5, (3, 4))
    for op_type in ("Cumsum", "Cumprod"):
        check_gradient(op_type, [xv], {"axis": 1, "exclusive": exclusive, "reverse": reverse})
        check_gradient(op_type, [xv], {"axis": 0, "exclusive": exclusive, "reverse": reverse})


def test_batch_matmul_gradient_with_run_time_batch_dims():
    xv, yv = RNG.normal(size=(5, 2, 3)), RNG.normal(size=(2, 1, 3, 4))
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float64, [None, 2, 3])
        y = tf.placeholder(tf.float64, [None, 1, 3, 4])
        z = tf.matmul(x, y)
        dx, dy = _grad(z, [x, y])
        assert dx.shape.as_list() == [None, 2, 3] and dy.shape.as_list() == [None, 1, 3, 4]
        with tf.Session() as sess:
            gx, gy = sess.run([dx, dy], {x: xv, y: yv})
    ones = np.ones((2, 5, 2, 4))
    np.testing.assert_allclose(gx, (ones @ np.swapaxes(yv, -1, -2)).sum(0))
    np.testing.assert_allclose(gy, (np.swapaxes(xv, -1, -2) @ ones).sum(1, keepdims=True))


def test_a_batch_dim_that_nothing_stretches_needs_no_sum():
    """x [None, 3] + b [3], as a layer's bias: x's gradient is the incoming
    one itself, b's a Sum over the batch axis, and no shape op is built."""
    with tf.Graph().as_default() as g:
        x = tf.placeholder(tf.float32, [None, 3])
        b = tf.placeholder(tf.float32, [3])
        y = x + b
        grad = tf.placeholder(tf.float32, [None, 3])
        gx, gb = _grad(y, [x, b], grad)
        assert gx is grad
        assert gb.shape.as_list() == [3]
        assert not {"Shape", "BroadcastGradientArgs"} & {op.type for op in g.get_operations()}
        with tf.Session() as sess:
            gv = RNG.normal(size=(4, 3)).astype(np.float32)
            np.testing.assert_allclose(sess.run(gb, {grad: gv}), gv.sum(0), rtol=1e-6)


def _broadcastable_pairs(rng, count):
    for _ in range(count):
        rank = int(rng.integers(0, 4))
        out = [int(d) for d in rng.integers(2, 4, size=rank)]
        pair = []
        for _ in range(2):
            r = int(rng.integers(0, rank + 1))
            pair.append(tuple(1 if rng.random() < 0.4 else d for d in out[rank - r:]))
        yield pair


def test_sum_to_input_with_partly_known_shapes_sums_as_numpy():
    """Every mix of known and unknown dims (the static axes where they can
    be told, BroadcastGradientArgs where not) sums the gradient of x + y to
    each input as NumPy does."""
    rng = np.random.default_rng(5)
    for sx, sy in _broadcastable_pairs(rng, 40):
        masks = [[rng.random() < 0.5 for _ in s] for s in (sx, sy)]
        xv, yv = rng.normal(size=sx), rng.normal(size=sy)
        gv = rng.normal(size=np.broadcast(xv, yv).shape)
        with tf.Graph().as_default():
            x = tf.placeholder(tf.float64, [None if m else d for d, m in zip(sx, masks[0])])
            y = tf.placeholder(tf.float64, [None if m else d for d, m in zip(sy, masks[1])])
            grad = tf.placeholder(tf.float64, None if rng.random() < 0.3 else gv.shape)
            gx, gy = _grad(x + y, [x, y], grad)
            with tf.Session() as sess:
                got = sess.run([gx, gy], {x: xv, y: yv, grad: gv})
        for g, v in zip(got, (xv, yv)):
            lead = gv.ndim - v.ndim
            want = gv.sum(axis=tuple(range(lead)))
            want = want.sum(axis=tuple(i for i, d in enumerate(v.shape) if d == 1),
                            keepdims=True).reshape(v.shape)
            assert g.shape == v.shape, (sx, sy, masks)
            np.testing.assert_allclose(g, want, rtol=1e-12, atol=1e-12,
                                       err_msg=str((sx, sy, masks)))


@pytest.mark.parametrize("fn", ["reduce_sum", "reduce_mean", "reduce_max", "reduce_min"])
@pytest.mark.parametrize("keepdims", [False, True])
def test_reduction_gradients_with_axes_known_only_at_run_time(fn, keepdims):
    """An axis computed from a fed shape (known once the plan is compiled)."""
    xv = RNG.uniform(0.5, 1.5, (3, 4))
    wv = RNG.normal(size=(3, 1) if keepdims else (3,))
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float64, [None, None])
        axis = tf.shape(x)[0] - tf.shape(x)[0] + 1
        y = getattr(tf, fn)(x, axis=axis, keepdims=keepdims)
        assert y.op.inputs[1] is axis  # the axis waits for the plan
        dx, _ = _grad(y, [x], tf.constant(wv))
        with tf.Session() as sess:
            got = sess.run(dx, {x: xv})
    with tf.Graph().as_default():
        xs = tf.constant(xv)
        y = getattr(tf, fn)(xs, axis=1, keepdims=keepdims)
        want, = _grad(y, [xs], tf.constant(wv))
        with tf.Session() as sess:
            np.testing.assert_allclose(got, sess.run(want), rtol=1e-12)
