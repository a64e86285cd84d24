"""A traced 3-layer MLP (784-256-128-10, ReLU, softmax) called with a NumPy
batch of 32: fastgraph's `tf.function` against TensorFlow 2's on the same
Python function, with the same weights (variables of a `tf.Module`).

Run with `pytest benchmarks/test_traced_function.py --benchmark-only`.
Each system's result is checked against a NumPy forward pass before it is
timed; the call is traced before timing, so the time is a call of the
cached trace (TF: its eager dispatch of the concrete function).
"""

import numpy as np
import pytest

SIZES = [784, 256, 128, 10]
BATCH = 32

_rng = np.random.default_rng(0)
WEIGHTS = [((_rng.standard_normal((a, b)) / np.sqrt(a)).astype(np.float32),
            _rng.standard_normal(b).astype(np.float32) * 0.1)
           for a, b in zip(SIZES, SIZES[1:])]
X = _rng.standard_normal((BATCH, SIZES[0])).astype(np.float32)


def _numpy_forward(x):
    for i, (w, b) in enumerate(WEIGHTS):
        x = x @ w + b
        if i < len(WEIGHTS) - 1:
            x = np.maximum(x, 0)
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _mlp(tf):
    class MLP(tf.Module):
        def __init__(self):
            super().__init__()
            self.layers = [(tf.Variable(w), tf.Variable(b)) for w, b in WEIGHTS]

        @tf.function
        def __call__(self, x):
            for i, (w, b) in enumerate(self.layers):
                x = tf.matmul(x, w) + b
                if i < len(self.layers) - 1:
                    x = tf.nn.relu(x)
            return tf.nn.softmax(x)

    return MLP()


def _system(name):
    if name == "fastgraph":
        import fastgraph as tf
    else:
        tf = pytest.importorskip("tensorflow")
        if not tf.executing_eagerly():
            pytest.skip("TensorFlow is not in eager mode")
    return _mlp(tf)


@pytest.mark.parametrize("system", ["fastgraph", "tensorflow"])
def test_traced_mlp_call(benchmark, system):
    benchmark.group = "tf_function_mlp_batch32"
    model = _system(system)
    np.testing.assert_allclose(model(X).numpy(), _numpy_forward(X), rtol=1e-4, atol=1e-6)
    benchmark(lambda: model(X))
    assert model.__call__.experimental_get_tracing_count() == 1
