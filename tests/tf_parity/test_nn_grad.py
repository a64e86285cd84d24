"""The nn family's gradient ops and gradients against TensorFlow: the raw ops
(tf.raw_ops.ReluGrad, BiasAddGrad, FusedBatchNormV3, FusedBatchNormGradV3,
the cross-entropies' two outputs) and tf.gradients of the forward ops, the
same graph built in both."""

import numpy as np
import pytest

import fastgraph as fg
from fastgraph.ops import batch_norm_ops, nn_ops

from ..samples import random_array
from .parity import assert_same, run_both

tf = pytest.importorskip("tensorflow")

FLOATS = [np.float32, np.float64]
RNG = np.random.default_rng(20)

# op: (fastgraph function, TF's name of the second input, dtypes)
GRAD_OPS = {
    "ReluGrad": (nn_ops.relu_grad, "features", FLOATS + [np.int32]),
    "Relu6Grad": (nn_ops.relu6_grad, "features", FLOATS + [np.int32]),
    "EluGrad": (nn_ops.elu_grad, "outputs", FLOATS),
    "SeluGrad": (nn_ops.selu_grad, "outputs", FLOATS),
    "SoftplusGrad": (nn_ops.softplus_grad, "features", FLOATS),
    "SoftsignGrad": (nn_ops.softsign_grad, "features", FLOATS),
}
SPECIAL = [0.0, -1e-30, 1e-30, 5.9, 6.0, 6.1, -20.0, 20.0, -100.0, 100.0, np.inf, -np.inf,
           np.nan]


def _raw_or_ours(api, op_type, fg_fn, **kwargs):
    if api is tf:
        return getattr(tf.raw_ops, op_type)(**kwargs)
    return fg_fn(*kwargs.values())


@pytest.mark.parametrize("op_type", list(GRAD_OPS))
def test_activation_grad_ops_match_tensorflow(op_type):
    fn, second, dtypes = GRAD_OPS[op_type]
    for dtype in dtypes:
        for shape in [(7,), (3, 4), (0, 2), (70001,)]:
            g = random_array(shape, dtype, RNG)
            x = random_array(shape, dtype, RNG, scale=8.0) if np.dtype(dtype).kind == "f" \
                else RNG.integers(-3, 9, size=shape).astype(dtype)
            assert_same(*run_both(lambda api, p: _raw_or_ours(
                api, op_type, fn, gradients=p[0], **{second: p[1]}), [g, x]))
        if np.dtype(dtype).kind == "f":
            x = np.array(SPECIAL, dtype)
            g = np.array([1.0, -2.0, np.nan, 3.0, np.inf] + [0.5] * 8, dtype)
            assert_same(*run_both(lambda api, p: _raw_or_ours(
                api, op_type, fn, gradients=p[0], **{second: p[1]}), [g, x]))


@pytest.mark.parametrize("alpha", [0.2, 0.01, 1.7])
def test_leaky_relu_grad_matches_tensorflow(alpha):
    for dtype in FLOATS:
        g, x = (random_array((4, 5), dtype, RNG) for _ in range(2))

        def build(api, p):
            if api is tf:
                return tf.raw_ops.LeakyReluGrad(gradients=p[0], features=p[1], alpha=alpha)
            return nn_ops.leaky_relu_grad(p[0], p[1], alpha=alpha)
        assert_same(*run_both(build, [g, x]))


@pytest.mark.parametrize("shape,fmt", [((2, 3, 4), "NHWC"), ((5, 3), "NHWC"),
                                       ((2, 3, 4, 5), "NCHW"), ((300, 130), "NHWC"),
                                       ((0, 4), "NHWC")])
def test_bias_add_grad_matches_tensorflow(shape, fmt):
    for dtype in FLOATS:
        g = random_array(shape, dtype, RNG)

        def build(api, p):
            if api is tf:
                return tf.raw_ops.BiasAddGrad(out_backprop=p[0], data_format=fmt)
            return nn_ops.bias_add_grad(p[0], data_format=fmt)
        assert_same(*run_both(build, [g]), rtol=1e-4 if dtype == np.float32 else None)


@pytest.mark.parametrize("shape", [(4, 5), (1, 1), (3, 70000)])
def test_cross_entropy_two_outputs_match_tensorflow(shape):
    for dtype in FLOATS:
        logits = random_array(shape, dtype, RNG, scale=4.0)
        p = RNG.uniform(size=shape)
        labels = (p / p.sum(-1, keepdims=True)).astype(dtype)
        sparse = RNG.integers(0, shape[-1], size=shape[:1]).astype(np.int64)

        def build(api, ph):
            if api is tf:
                return list(tf.raw_ops.SoftmaxCrossEntropyWithLogits(
                    features=ph[0], labels=ph[1])) + list(
                    tf.raw_ops.SparseSoftmaxCrossEntropyWithLogits(features=ph[0],
                                                                   labels=ph[2]))
            g = ph[0].graph
            return list(g.create_op("SoftmaxCrossEntropyWithLogits", ph[:2], {}).outputs) + \
                list(g.create_op("SparseSoftmaxCrossEntropyWithLogits", [ph[0], ph[2]],
                                 {}).outputs)
        # Many classes: float32 sums of 70000 exponentials differ in their last bits.
        rtol = 1e-4 if dtype == np.float32 and shape[-1] > 1000 else None
        assert_same(*run_both(build, [logits, labels, sparse]), rtol=rtol, atol=1e-6)


def test_sparse_label_out_of_range_is_tfs_error():
    logits = np.zeros((2, 3), np.float32)
    labels = np.array([1, 3], np.int32)
    for api in (tf, fg):
        with pytest.raises(api.errors.InvalidArgumentError, match="label value of 3"):
            g = api.Graph()
            with g.as_default():
                lo = api.compat.v1.placeholder(api.float32, [None, 3])
                la = api.compat.v1.placeholder(api.int32, [None])
                grads = api.compat.v1.gradients(
                    api.nn.sparse_softmax_cross_entropy_with_logits(labels=la, logits=lo), lo)
                with api.compat.v1.Session(graph=g) as sess:
                    sess.run(grads, {lo: logits, la: labels})


def _bn_inputs(shape, fmt):
    c = shape[1] if fmt.startswith("NC") else shape[-1]
    x = RNG.normal(size=shape).astype(np.float32) * 2 + 1
    scale = RNG.uniform(0.5, 2, c).astype(np.float32)
    offset, mean = (RNG.normal(size=c).astype(np.float32) for _ in range(2))
    var = RNG.uniform(0.5, 2, c).astype(np.float32)
    return [x, scale, offset, mean, var]


BN_CASES = [((2, 3, 3, 4), "NHWC"), ((2, 4, 3, 3), "NCHW"), ((1, 5, 5, 70), "NHWC"),
            ((2, 2, 3, 3, 3), "NDHWC")]


@pytest.mark.parametrize("shape,fmt", BN_CASES)
@pytest.mark.parametrize("training,factor", [(True, 1.0), (True, 0.3), (False, 1.0)])
def test_fused_batch_norm_v3_matches_tensorflow(shape, fmt, training, factor):
    inputs = _bn_inputs(shape, fmt)
    if training and factor == 1.0:
        inputs[3] = inputs[4] = np.zeros(0, np.float32)

    def build(api, p):
        kw = dict(epsilon=1e-3, exponential_avg_factor=factor, data_format=fmt,
                  is_training=training)
        if api is tf:
            outs = tf.raw_ops.FusedBatchNormV3(x=p[0], scale=p[1], offset=p[2], mean=p[3],
                                               variance=p[4], **kw)
        else:
            outs = batch_norm_ops.fused_batch_norm_v3(*p, **kw)
        # reserve_space_3 is TF's own (empty), and in inference TF leaves the
        # reserve spaces of a 5-D input unset; an identity keeps grappler from
        # rewriting a fetched inference op.
        return [api.identity(t) for t in outs[:5 if training else 3]]
    assert_same(*run_both(build, inputs, static=True), rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("shape,fmt", BN_CASES[:3])
@pytest.mark.parametrize("training", [True, False])
def test_fused_batch_norm_grad_v3_matches_tensorflow(shape, fmt, training):
    x, scale, offset, mean, var = _bn_inputs(shape, fmt)
    dy = RNG.normal(size=shape).astype(np.float32)

    def build(api, p):
        xp, dyp, sp, op_, mp, vp = p
        kw = dict(epsilon=1e-3, data_format=fmt)
        if api is tf:
            f = tf.raw_ops.FusedBatchNormV3(x=xp, scale=sp, offset=op_, mean=mp, variance=vp,
                                            is_training=training, **kw)
            stats = (f[3], f[4]) if training else (mp, vp)
            outs = tf.raw_ops.FusedBatchNormGradV3(
                y_backprop=dyp, x=xp, scale=sp, reserve_space_1=stats[0],
                reserve_space_2=stats[1], reserve_space_3=f[5], is_training=training, **kw)
        else:
            f = batch_norm_ops.fused_batch_norm_v3(xp, sp, op_, mp, vp, is_training=training, **kw)
            stats = (f[3], f[4]) if training else (mp, vp)
            outs = batch_norm_ops.fused_batch_norm_grad_v3(dyp, xp, sp, stats[0], stats[1], f[5],
                                                   is_training=training, **kw)
        return list(outs[:3])
    if not training and fmt == "NCHW":
        pytest.skip("TF's CPU FusedBatchNormGradV3 takes NHWC only in inference")
    assert_same(*run_both(build, [x, dy, scale, offset, mean, var], static=True), rtol=1e-4,
                atol=1e-4)


# ---- tf.gradients of the forward ops in both -----------------------------------------

@pytest.mark.parametrize("name", ["relu", "relu6", "elu", "selu", "softplus", "softsign",
                                  "leaky_relu", "softmax", "log_softmax", "l2_loss"])
def test_gradients_of_activations_match_tensorflow(name):
    for dtype in FLOATS:
        x = random_array((4, 6), dtype, RNG, scale=4.0)
        w = random_array((4, 6) if name != "l2_loss" else (), dtype, RNG)

        def build(api, p):
            y = getattr(api.nn, name)(p[0])
            return api.compat.v1.gradients(y, p[0], grad_ys=p[1])
        assert_same(*run_both(build, [x, w], static=True))


@pytest.mark.parametrize("fmt,shape", [("NHWC", (2, 3, 4)), ("NCHW", (2, 3, 4, 5))])
def test_gradients_of_bias_add_match_tensorflow(fmt, shape):
    c = shape[1] if fmt == "NCHW" else shape[-1]
    x, w = random_array(shape, np.float64, RNG), random_array(shape, np.float64, RNG)
    b = random_array((c,), np.float64, RNG)
    assert_same(*run_both(lambda api, p: api.compat.v1.gradients(
        api.nn.bias_add(p[0], p[1], data_format=fmt), [p[0], p[1]], grad_ys=p[2]), [x, b, w],
        static=True))


def test_gradients_of_cross_entropies_match_tensorflow():
    for dtype in FLOATS:
        logits = random_array((5, 4), dtype, RNG, scale=3.0)
        p = RNG.uniform(size=(5, 4))
        labels = (p / p.sum(-1, keepdims=True)).astype(dtype)
        sparse = RNG.integers(0, 4, size=5).astype(np.int32)
        w = random_array((5,), dtype, RNG)

        def build(api, ph):
            lo, la, sl, wp = ph
            dense = api.nn.softmax_cross_entropy_with_logits(labels=la, logits=lo)
            sp = api.nn.sparse_softmax_cross_entropy_with_logits(labels=sl, logits=lo)
            return (api.compat.v1.gradients(dense, [lo, la], grad_ys=wp) +
                    api.compat.v1.gradients(sp, [lo], grad_ys=wp))
        assert_same(*run_both(build, [logits, labels, sparse, w]))


@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("shape,fmt", [((2, 3, 3, 4), "NHWC"), ((2, 4, 3, 3), "NCHW")])
def test_gradients_of_fused_batch_norm_match_tensorflow(training, shape, fmt):
    x, scale, offset, mean, var = _bn_inputs(shape, fmt)
    w = RNG.normal(size=shape).astype(np.float32)

    def build(api, p):
        xp, sp, op_, mp, vp, wp = p
        if training:
            y = api.compat.v1.nn.fused_batch_norm(xp, sp, op_, epsilon=1e-3, data_format=fmt,
                                                  is_training=True)[0]
        else:
            y = api.compat.v1.nn.fused_batch_norm(xp, sp, op_, mp, vp, epsilon=1e-3,
                                                  data_format=fmt, is_training=False)[0]
        return api.compat.v1.gradients(y, [xp, sp, op_], grad_ys=wp)
    assert_same(*run_both(build, [x, scale, offset, mean, var, w], static=True), rtol=1e-4,
                atol=1e-4)


# ---- second order ---------------------------------------------------------------------

@pytest.mark.parametrize("name", ["relu", "relu6", "elu", "selu", "softplus", "leaky_relu"])
def test_second_derivatives_of_activations_match_tensorflow(name):
    x = random_array((3, 5), np.float64, RNG, scale=3.0)
    w1, w2 = random_array((3, 5), np.float64, RNG), random_array((3, 5), np.float64, RNG)

    def build(api, p):
        (g,) = api.compat.v1.gradients(getattr(api.nn, name)(p[0]), p[0], grad_ys=p[1])
        return api.compat.v1.gradients(g, [p[0], p[1]], grad_ys=p[2])
    assert_same(*run_both(build, [x, w1, w2], static=True))


def test_second_derivative_of_cross_entropies_match_tensorflow():
    logits = random_array((4, 5), np.float64, RNG)
    p = RNG.uniform(size=(4, 5))
    labels = p / p.sum(-1, keepdims=True)
    sparse = RNG.integers(0, 5, size=4).astype(np.int32)
    w0 = random_array((4,), np.float64, RNG)
    w = random_array((4, 5), np.float64, RNG)

    def build(api, ph):
        lo, la, sl, w0p, wp = ph
        dense = api.nn.softmax_cross_entropy_with_logits(labels=la, logits=lo)
        sp = api.nn.sparse_softmax_cross_entropy_with_logits(labels=sl, logits=lo)
        (g1,) = api.compat.v1.gradients(dense, lo, grad_ys=w0p)
        (g2,) = api.compat.v1.gradients(sp, lo, grad_ys=w0p)
        return (api.compat.v1.gradients(g1, lo, grad_ys=wp) +
                api.compat.v1.gradients(g2, lo, grad_ys=wp))
    assert_same(*run_both(build, [logits, labels, sparse, w0, w], static=True))


@pytest.mark.parametrize("training", [True, False])
def test_second_derivative_of_fused_batch_norm_matches_tensorflow(training):
    x, scale, offset, mean, var = _bn_inputs((2, 3, 3, 4), "NHWC")
    w1 = RNG.normal(size=x.shape).astype(np.float32)
    w2 = RNG.normal(size=x.shape).astype(np.float32)

    def build(api, p):
        xp, sp, op_, mp, vp, w1p, w2p = p
        kw = dict(epsilon=1e-3, is_training=training)
        y = api.compat.v1.nn.fused_batch_norm(xp, sp, op_, *([] if training else [mp, vp]),
                                              **kw)[0]
        (gx,) = api.compat.v1.gradients(y, xp, grad_ys=w1p)
        return api.compat.v1.gradients(gx, [xp, sp, w1p], grad_ys=w2p)
    assert_same(*run_both(build, [x, scale, offset, mean, var, w1, w2], static=True),
                rtol=2e-4, atol=2e-4)


# ---- bad inputs -----------------------------------------------------------------------

def test_fused_batch_norm_fed_channels_mismatch_fails_in_both():
    from .parity import fail_both

    x = np.zeros((2, 2, 2, 4), np.float32)
    c = np.ones(3, np.float32)

    def build(api, p):
        if api is tf:
            return tf.raw_ops.FusedBatchNormV3(x=p[0], scale=c, offset=c, mean=c, variance=c,
                                               is_training=False)[0]
        return batch_norm_ops.fused_batch_norm_v3(p[0], c, c, c, c, is_training=False)[0]
    fail_both(build, [x])


def test_activation_grad_fed_shape_mismatch_fails_in_both():
    from .parity import fail_both

    g, x = np.zeros((2, 3), np.float32), np.zeros((2, 4), np.float32)
    fail_both(lambda api, p: _raw_or_ours(api, "ReluGrad", nn_ops.relu_grad, gradients=p[0],
                                          features=p[1]), [g, x])


def test_bias_add_grad_of_a_vector_is_refused_in_both():
    for api in (tf, fg):
        with api.Graph().as_default():
            v = api.compat.v1.placeholder(api.float32, [3])
            with pytest.raises(ValueError, match="at least rank 2"):
                if api is tf:
                    tf.raw_ops.BiasAddGrad(out_backprop=v)
                else:
                    nn_ops.bias_add_grad(v)


# ---- GraphDefs TF writes ---------------------------------------------------------------

def test_imported_training_batch_norms_and_their_gradients_run_as_in_tensorflow():
    # TF's first FusedBatchNorm (read as FusedBatchNormV3's first five
    # outputs) and FusedBatchNormV3 in training, and the FusedBatchNormGrad(V3),
    # ReluGrad and BiasAddGrad nodes of TF's own gradient graph.
    rng = np.random.default_rng(5)
    x = rng.normal(size=(2, 3, 3, 4)).astype(np.float32)
    c = [rng.uniform(0.5, 2, 4).astype(np.float32) for _ in range(4)]
    g = tf.Graph()
    with g.as_default():
        xp = tf.compat.v1.placeholder(tf.float32, [None, 3, 3, 4], name="x")
        bias = tf.constant(c[0])
        h = tf.nn.bias_add(xp, bias)
        a = tf.raw_ops.FusedBatchNorm(x=h, scale=c[1], offset=c[2], mean=np.zeros(0, np.float32),
                                      variance=np.zeros(0, np.float32), is_training=True,
                                      epsilon=1e-3)
        b = tf.raw_ops.FusedBatchNormV3(x=tf.nn.relu(a[0]), scale=c[1], offset=c[2], mean=c[3],
                                        variance=c[0], exponential_avg_factor=0.4,
                                        is_training=True, epsilon=1e-3)
        w = tf.constant(rng.normal(size=(2, 3, 3, 4)).astype(np.float32))
        gx, gb = tf.compat.v1.gradients(b[0], [xp, bias], grad_ys=w)
        names = [t.name for t in (a[0], a[1], a[2], b[0], b[1], b[2], gx, gb)]
    data = g.as_graph_def().SerializeToString()
    assert {"FusedBatchNormGradV3", "FusedBatchNormGrad", "BiasAddGrad", "ReluGrad"} <= {
        n.op for n in g.as_graph_def().node}
    with tf.compat.v1.Session(graph=g) as sess:
        theirs = sess.run(names, {"x:0": x})
    gd = fg.GraphDef()
    gd.ParseFromString(data)
    fg_graph = fg.Graph()
    with fg_graph.as_default():
        fg.import_graph_def(gd, name="")
        with fg.Session(graph=fg_graph) as sess:
            ours = sess.run(names, {"x:0": x})
    for name, ours_t, theirs_t in zip(names, ours, theirs):
        np.testing.assert_allclose(ours_t, theirs_t, rtol=1e-4, atol=1e-4, err_msg=name)
