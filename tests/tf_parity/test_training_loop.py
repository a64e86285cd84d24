"""A TF1 training program against TensorFlow: dense and conv layers with
kernel regularizers, batch normalization in training (its UPDATE_OPS run
with the train step), a weighted softmax cross-entropy plus the
regularization losses (`get_total_loss`), plain gradient descent written
with `tf.gradients` and `assign_sub`, and a streaming accuracy. The same
weights and batches in both; the losses, metrics, moving statistics and
weights after a few steps are compared.

The gradients come from the op families; while an op of the graph has
none, tf.gradients raises LookupError and the test is skipped naming it.
TF 2.16+ routes tf.compat.v1.layers to Keras 2 (`tf_keras`); without it
the test is skipped."""

import warnings

import numpy as np
import pytest

import fastgraph as fg

from .parity import assert_same

tf = pytest.importorskip("tensorflow")

RNG = np.random.default_rng(17)
STEPS = 4
BATCHES = [(RNG.standard_normal((6, 4, 4, 2)).astype(np.float32),
            RNG.integers(0, 3, size=6).astype(np.int64),
            RNG.uniform(0.5, 1.5, size=6).astype(np.float32)) for _ in range(STEPS)]


def _program(api, layers, regs):
    v1 = api.compat.v1
    x = v1.placeholder(api.float32, [None, 4, 4, 2])
    y = v1.placeholder(api.int64, [None])
    w = v1.placeholder(api.float32, [None])
    h = layers.conv2d(x, 3, 3, padding="same", kernel_regularizer=regs.l2(0.01))
    h = layers.batch_normalization(h, training=True, momentum=0.9)
    h = api.nn.relu(h)
    h = layers.flatten(h)
    h = layers.dense(h, 8, activation=api.nn.tanh, kernel_regularizer=regs.l1(0.001))
    h = layers.batch_normalization(h, training=True, fused=False)
    logits = layers.dense(h, 3)
    v1.losses.sparse_softmax_cross_entropy(y, logits, weights=w)
    loss = v1.losses.get_total_loss()
    params = v1.trainable_variables()
    grads = api.gradients(loss, params)
    with api.control_dependencies(v1.get_collection(v1.GraphKeys.UPDATE_OPS)):
        train = api.group(*[v1.assign_sub(p, 0.1 * g) for p, g in zip(params, grads)])
    acc, acc_update = v1.metrics.accuracy(y, api.argmax(logits, 1))
    return (x, y, w), loss, train, acc, acc_update


def _run(api, layers, regs):
    v1 = api.compat.v1
    g = api.Graph() if api is fg else v1.Graph()
    with g.as_default(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        phs, loss, train, acc, acc_update = _program(api, layers, regs)
        rng = np.random.default_rng(0)
        variables = sorted(v1.global_variables(), key=lambda v: v.op.name)
        assigns = [v1.assign(v, (rng.uniform(0.5, 1.5, v.shape.as_list()) if "variance" in
                                 v.op.name else rng.standard_normal(v.shape.as_list()) * 0.5)
                             .astype(np.float32)) for v in variables]
        losses, accs = [], []
        with v1.Session(graph=g) as sess:
            sess.run([v1.global_variables_initializer(), v1.local_variables_initializer()])
            sess.run(assigns)
            for b in BATCHES:
                feed = dict(zip(phs, b))
                losses.append(sess.run(loss, feed))
                accs.append(sess.run(acc_update, feed))
                sess.run(train, feed)
            final = {v.op.name: sess.run(v) for v in variables}
            accs.append(sess.run(acc))
    return losses, accs, final


def test_training_loop(tf_graph_mode, v1_layers):
    tf_keras = pytest.importorskip("tf_keras")
    try:
        ours = _run(fg, fg.compat.v1.layers, fg.keras.regularizers)
    except LookupError as e:
        pytest.skip(f"an op of the graph has no gradient yet: {e}")
    theirs = _run(tf, v1_layers, tf_keras.regularizers)
    for a, b in zip(ours[0], theirs[0]):
        assert_same(np.asarray(a), np.asarray(b), rtol=1e-4, atol=1e-5)
    assert ours[0][-1] < ours[0][0]
    for a, b in zip(ours[1], theirs[1]):
        assert_same(np.asarray(a), np.asarray(b))
    assert sorted(ours[2]) == sorted(theirs[2])
    for name in ours[2]:
        assert_same(ours[2][name], theirs[2][name], rtol=1e-4, atol=1e-5)
