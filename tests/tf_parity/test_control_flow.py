"""cond against TensorFlow's: a fed predicate, both ways."""

import numpy as np
import pytest

import fastgraph as fg

tf = pytest.importorskip("tensorflow")


@pytest.mark.parametrize("pred", [True, False])
def test_cond_matches_tensorflow(pred):
    v = np.linspace(-2, 2, 12, dtype=np.float32).reshape(4, 3)
    out = []
    for api in (fg, tf):
        v1 = api.compat.v1
        g = api.Graph()
        with g.as_default():
            p = v1.placeholder(api.bool, [])
            x = v1.placeholder(api.float32, [None, 3])
            y = v1.cond(p, lambda: (api.nn.relu(x) * 2.0, api.reduce_sum(x)),
                        lambda: (api.tanh(x), api.reduce_max(x)))
            with v1.Session(graph=g) as sess:
                out.append(sess.run(y, {p: pred, x: v}))
    for a, b in zip(*out):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
