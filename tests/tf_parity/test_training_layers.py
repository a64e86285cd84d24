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
def test_batch_normalization_training(v1_layers, shape, kwargs, training):
    tf.compat.v1.disable_eager_execution()
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


def test_batch_normalization_layer_updates(v1_layers):
    """BatchNormalization's `updates` are what it added to UPDATE_OPS."""
    tf.compat.v1.disable_eager_execution()
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
