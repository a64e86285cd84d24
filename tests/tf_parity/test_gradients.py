"""`tf.gradients` against TensorFlow's on the same graphs: several ys,
grad_ys, stop_gradients, unconnected xs and variables."""

import numpy as np

from .parity import assert_same, run_both

X = np.array([[0.3, -1.2, 2.0], [0.5, 0.1, -0.7]])
W = np.array([[1.5, -2.0, 0.25], [0.5, 1.0, -1.0]])


def _graph(api, x):
    v1 = api.compat.v1
    w = v1.Variable(W, name="w")
    a = api.tanh(x * w)
    b = api.exp(a) - x
    return w, a, b


def test_gradients_of_several_ys_with_grad_ys():
    def build(api, phs):
        x, = phs
        w, a, b = _graph(api, x)
        return api.compat.v1.gradients([a, b], [x, w], grad_ys=[np.ones_like(X), W])

    ours, theirs = run_both(build, [X], static=True, init=True)
    assert_same(ours, theirs)


def test_stop_gradients_and_unconnected():
    def build(api, phs):
        x, z = phs
        w, a, b = _graph(api, x)
        g = api.compat.v1.gradients(b, [x, w, z], stop_gradients=[a],
                                    unconnected_gradients="zero")
        return g

    ours, theirs = run_both(build, [X, np.ones(4)], static=True, init=True)
    assert_same(ours, theirs)
