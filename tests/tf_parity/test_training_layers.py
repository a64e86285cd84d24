"""Training-mode layers against TensorFlow: batch normalization with
`training=True` or a fed bool (outputs, the UPDATE_OPS it adds, the moving
statistics after several update steps), dropout's scaling, and the
regularization losses of layers and get_variable.

TF 2.16+ routes tf.compat.v1.layers to Keras 2 (the `tf_keras` package);
without it these tests are skipped."""

import warnings

import numpy as np
import pytest

import fastgraph as fg

from .parity import assert_same

tf = pytest.importorskip("tensorflow")

RNG = np.random.default_rng(11)


def _batches(shape, n=3):
    return [(RNG.standard_normal(shape) * (i + 1) + i).astype(np.float32) for i in range(n)]


def _train_bn(api, layers, kwargs, shape, batches, training):
    """Outputs of every step, the update ops' names, and the moving
    statistics after the steps."""
    v1 = api.compat.v1
    g = api.Graph() if api is fg else v1.Graph()
    with g.as_default(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        x = v1.placeholder(api.float32, [None] + list(shape[1:]))
        t = v1.placeholder(api.bool, [])
        y = layers.batch_normalization(x, training=t if training == "fed" else True, **kwargs)
        updates = v1.get_collection(v1.GraphKeys.UPDATE_OPS)
        names = [u.name for u in updates]
        variables = {v.op.name: v for v in v1.global_variables()}
        assigns = []
        for name, v in sorted(variables.items()):
            value = RNG.uniform(0.5, 2, v.shape.as_list()) if "variance" in name or \
                "gamma" in name else RNG.standard_normal(v.shape.as_list())
            assigns.append(v1.assign(v, value.astype(np.float32)))
        with v1.Session(graph=g) as sess:
            sess.run(v1.global_variables_initializer())
            sess.run(assigns)
            outs = []
            for i, b in enumerate(batches):
                feed = {x: b, t: i != 1}
                outs.append(sess.run([y] + updates, feed)[0])
            moving = sess.run({n: v for n, v in variables.items() if "moving" in n})
    return outs, names, moving


@pytest.mark.parametrize("shape,kwargs", [
    ((4, 3, 3, 5), {}),
    ((4, 3, 3, 5), {"fused": False}),
    ((4, 5, 3, 3), {"axis": 1, "momentum": 0.7}),
    ((6, 5), {"momentum": 0.5, "center": False}),
    ((4, 3, 5), {"axis": [1, 2], "scale": False}),
    ((4, 3, 5), {"axis": 1, "epsilon": 1e-5}),
])
@pytest.mark.parametrize("training", ["python", "fed"])
def test_batch_normalization_training(tf_graph_mode, v1_layers, shape, kwargs, training):
    batches = _batches(shape)
    # RNG draws the same variable values in both runs.
    state = RNG.bit_generator.state
    ours = _train_bn(fg, fg.compat.v1.layers, kwargs, shape, batches, training)
    RNG.bit_generator.state = state
    theirs = _train_bn(tf, v1_layers, kwargs, shape, batches, training)
    # TF's variables are resource variables: its update is the
    # AssignSubVariableOp inside the scope that names fastgraph's AssignSub.
    # With a fed bool TF's updates are conds (fastgraph's decay is 0 instead).
    assert len(ours[1]) == len(theirs[1]) == 2
    if training == "python":
        assert [t.startswith(o + "/") for o, t in zip(*ours[1:2], *theirs[1:2])] == [True] * 2
    for a, b in zip(ours[0], theirs[0]):
        assert_same(a, b, rtol=1e-4, atol=1e-5)
    assert sorted(ours[2]) == sorted(theirs[2])
    for name in ours[2]:
        assert_same(ours[2][name], theirs[2][name], rtol=1e-5, atol=1e-6)


def test_batch_normalization_layer_updates(tf_graph_mode, v1_layers):
    """BatchNormalization's `updates` are what it added to UPDATE_OPS."""
    for api, layers in ((fg, fg.compat.v1.layers), (tf, v1_layers)):
        v1 = api.compat.v1
        g = api.Graph() if api is fg else v1.Graph()
        with g.as_default(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            bn = layers.BatchNormalization(name="bn")
            bn(v1.placeholder(api.float32, [None, 3]), training=True)
            assert [u.name.split("/")[:2] for u in bn.updates] == [
                ["bn", "AssignMovingAvg"], ["bn", "AssignMovingAvg_1"]]
            assert len(v1.get_collection(v1.GraphKeys.UPDATE_OPS)) == 2


# ---- dropout in training -------------------------------------------------------------


@pytest.mark.parametrize("training", ["python", "fed"])
def test_layers_dropout_training_scaling(tf_graph_mode, v1_layers, training):
    """Kept elements are x / (1 - rate) in both; the dropped fraction is the
    rate (distributions, never value for value: the generators differ)."""
    x = np.full((200, 100), 2.0, np.float32)
    results = []
    for api, layers in ((fg, fg.compat.v1.layers), (tf, v1_layers)):
        v1 = api.compat.v1
        g = api.Graph() if api is fg else v1.Graph()
        with g.as_default(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            xp = v1.placeholder(api.float32, [None, 100])
            t = v1.placeholder(api.bool, [])
            y = layers.dropout(xp, 0.3, training=True if training == "python" else t, seed=3)
            with v1.Session(graph=g) as sess:
                results.append(sess.run(y, {xp: x, t: True}))
                if training == "fed":
                    np.testing.assert_array_equal(sess.run(y, {xp: x, t: False}), x)
    for out in results:
        kept = out[out != 0]
        np.testing.assert_allclose(kept, np.float32(2.0) / np.float32(0.7), rtol=1e-6)
        assert abs((out == 0).mean() - 0.3) < 0.01


# ---- regularization losses ------------------------------------------------------------


def _regularized(api, v1, layers, regs, reg, conv):
    x = v1.placeholder(api.float32, [None, 4], name="x")
    img = v1.placeholder(api.float32, [None, 5, 5, 2], name="img")
    layers.dense(x, 3, kernel_regularizer=reg(regs), bias_regularizer=regs.l1(0.3))
    if conv:
        layers.conv2d(img, 2, 3, kernel_regularizer=reg(regs))
    if not isinstance(reg(regs), str):
        v1.get_variable("v", [3, 2], regularizer=reg(regs))
    with v1.variable_scope("scoped", regularizer=regs.l2(0.5)):
        v1.get_variable("w", [2])
    return v1.losses.get_regularization_losses()


@pytest.mark.parametrize("reg", ["l2", "l1", "l1_l2", "L1L2", "orthogonal", "string"])
def test_regularization_losses(tf_graph_mode, v1_layers, reg):
    """The values of the losses that layers and get_variable add, and the
    variables they are named for ("dense/kernel/Regularizer/...")."""
    tf_keras = pytest.importorskip("tf_keras")
    make = {"l2": lambda r: r.l2(0.02), "l1": lambda r: r.l1(0.1),
            "l1_l2": lambda r: r.l1_l2(0.1, 0.2), "L1L2": lambda r: r.L1L2(l2=0.3),
            "orthogonal": lambda r: r.OrthogonalRegularizer(0.4, mode="columns"),
            "string": lambda r: "l2"}[reg]
    results = []
    for api, layers, regs in ((fg, fg.compat.v1.layers, fg.keras.regularizers),
                              (tf, v1_layers, tf_keras.regularizers)):
        v1 = api.compat.v1
        g = api.Graph() if api is fg else v1.Graph()
        with g.as_default(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            losses = _regularized(api, v1, layers, regs, make, conv=reg != "orthogonal")
            rng = np.random.default_rng(0)
            assigns = [v1.assign(v, rng.standard_normal(v.shape.as_list()).astype(np.float32))
                       for v in v1.global_variables()]
            with v1.Session(graph=g) as sess:
                sess.run(v1.global_variables_initializer())
                sess.run(assigns)
                results.append((sess.run(losses + [v1.losses.get_regularization_loss()]),
                                [t.name for t in losses]))
    (ours, ours_names), (theirs, theirs_names) = results
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        assert_same(np.asarray(a), np.asarray(b), rtol=1e-5)
    assert ours_names == theirs_names


def test_layer_losses(tf_graph_mode, v1_layers):
    """A layer's `losses` are the regularization losses it added."""
    import tf_keras
    counts = []
    for api, layers, regs in ((fg, fg.compat.v1.layers, fg.keras.regularizers),
                              (tf, v1_layers, tf_keras.regularizers)):
        v1 = api.compat.v1
        g = api.Graph() if api is fg else v1.Graph()
        with g.as_default(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            dense = layers.Dense(3, kernel_regularizer=regs.l2(0.1),
                                 activity_regularizer=regs.l1(0.2))
            dense(v1.placeholder(api.float32, [None, 4]))
            # TF-Keras's `losses` are new tensors of the same losses; fastgraph's
            # are those in the collection.
            if api is fg:
                assert set(dense.losses) == set(v1.losses.get_regularization_losses())
            counts.append((len(dense.losses), len(v1.losses.get_regularization_losses())))
    assert counts[0] == counts[1] == (2, 2)
