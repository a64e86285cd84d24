"""import_graph_def on tests/data/frozen_cnn.pb, a GraphDef written by TF 2.21:
input [?, 8, 8, 3] -> Conv2D 3x3x3x4 SAME -> BiasAdd -> Relu -> MaxPool 2x2 ->
Reshape [-1, 64] -> MatMul 64x5 -> Softmax "probs". The weights are read
from the GraphDef's Const nodes and the network recomputed in NumPy."""

import pathlib

import numpy as np

import fastgraph as tf

PB = pathlib.Path(__file__).parent / "data" / "frozen_cnn.pb"


def _numpy_net(x, consts):
    k, b, w = consts["Const"], consts["Const_1"], consts["Const_2"]
    xp = np.pad(x.astype(np.float64), [(0, 0), (1, 1), (1, 1), (0, 0)])
    h = sum(xp[:, i:i + 8, j:j + 8] @ k[i, j] for i in range(3) for j in range(3)) + b
    h = np.maximum(h, 0).reshape(-1, 4, 2, 4, 2, 4).max(axis=(2, 4)).reshape(-1, 64)
    z = h @ w
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def test_frozen_graph_runs_and_matches_numpy():
    gd = tf.GraphDef()
    gd.ParseFromString(PB.read_bytes())
    assert [n.op for n in gd.node][:3] == ["Placeholder", "Const", "Conv2D"]
    consts = {n.name: tf.make_ndarray(n.attr["value"].tensor) for n in gd.node if n.op == "Const"}
    assert consts["Const"].shape == (3, 3, 3, 4) and consts["Reshape/shape"].tolist() == [-1, 64]
    conv = next(n for n in gd.node if n.op == "Conv2D")
    assert conv.attr["padding"].s == b"SAME" and list(conv.attr["strides"].list.i) == [1, 1, 1, 1]
    g = tf.Graph()
    with g.as_default():
        x, probs = tf.import_graph_def(gd, return_elements=["input:0", "probs:0"], name="net")
        assert probs.name == "net/probs:0" and x.shape.as_list() == [None, 8, 8, 3]
        with tf.Session() as sess:
            for n in (1, 3):
                v = np.random.default_rng(n).normal(size=(n, 8, 8, 3)).astype(np.float32)
                np.testing.assert_allclose(sess.run(probs, {x: v}), _numpy_net(v, consts),
                                           rtol=1e-4, atol=1e-6)
