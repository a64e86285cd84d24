"""Checking an op's registered gradient against central finite differences.

`check_gradient(op_type, inputs)` builds the op on placeholders, builds its
gradient graph with the registry's gradient function (`OpDef.gradient`) for
random output weights `w`, runs both in a Session, and compares the gradient
of `sum(w * op(x))` with respect to each float input with
`(f(x + h e_j) - f(x - h e_j)) / 2h`, element by element, in float64.
"""

import numpy as np

import fastgraph as tf
from fastgraph.framework import op_registry

__all__ = ["check_gradient", "numeric_gradient"]


def numeric_gradient(f, x, delta):
    """Central differences of the scalar function `f` at `x` (float64)."""
    x = np.array(x, dtype=np.float64)
    out = np.zeros_like(x)
    for j in np.ndindex(x.shape):
        keep = x[j]
        x[j] = keep + delta
        up = f(x)
        x[j] = keep - delta
        down = f(x)
        x[j] = keep
        out[j] = (up - down) / (2 * delta)
    return out


def check_gradient(op_type, inputs, attrs=None, delta=1e-6, rtol=1e-6, atol=1e-8, seed=0):
    """Asserts that op `op_type`'s gradient on `inputs` (NumPy arrays; float
    ones are differentiated, in float64) matches finite differences.

    Returns the gradients the registry's function computed (None where it
    gives none)."""
    rng = np.random.default_rng(seed)
    inputs = [np.asarray(a, np.float64) if np.asarray(a).dtype.kind == "f" else np.asarray(a)
              for a in inputs]
    g = tf.Graph()
    with g.as_default():
        phs = [tf.placeholder(tf.as_dtype(a.dtype), a.shape) for a in inputs]
        op = g.create_op(op_type, phs, attrs or {})
        weights = [tf.placeholder(t.dtype, t.shape) for t in op.outputs]
        grad_fn = op_registry.gradient_function(op)
        assert grad_fn is not None, f"{op_type} is not differentiable"
        grads = list(grad_fn(op, *weights))
        assert len(grads) == len(inputs), f"{op_type}'s gradient gives {len(grads)} values " \
                                          f"for {len(inputs)} inputs"
        with tf.Session(graph=g) as sess:
            outs = sess.run(op.outputs, dict(zip(phs, inputs)))
            w = [rng.normal(size=o.shape) if o.dtype.kind == "f" else np.zeros(o.shape)
                 for o in outs]
            feeds = dict(zip(phs, inputs))
            feeds.update(zip(weights, [v.astype(o.dtype) for v, o in zip(w, outs)]))
            wanted = [t for t in grads if t is not None]
            got = dict(zip([id(t) for t in wanted], sess.run(wanted, feeds)))
            analytic = [None if t is None else got[id(t)] for t in grads]
            for i, a in enumerate(inputs):
                if a.dtype.kind != "f":
                    continue
                assert analytic[i] is not None, f"{op_type} gives no gradient for input {i}"
                assert analytic[i].shape == a.shape, (op_type, i, analytic[i].shape, a.shape)

                def f(xi, i=i):
                    run_feeds = dict(zip(phs, inputs))
                    run_feeds[phs[i]] = xi
                    ys = sess.run(op.outputs, run_feeds)
                    return sum(float(np.sum(y * wk)) for y, wk in zip(ys, w))

                np.testing.assert_allclose(analytic[i], numeric_gradient(f, a, delta),
                                           rtol=rtol, atol=atol,
                                           err_msg=f"{op_type} input {i}")
    return analytic
