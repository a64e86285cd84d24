"""Property test: random graphs of elementwise, broadcasting and reshape ops
give NumPy's results (float64 NumPy as the oracle for float32 graphs)."""

import os

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import fastgraph as tf

# FG_PROPERTY_EXAMPLES=2000 for a longer search than CI's.
EXAMPLES = int(os.environ.get("FG_PROPERTY_EXAMPLES", 60))

BINARY = {
    "add": (tf.add, np.add), "sub": (tf.subtract, np.subtract), "mul": (tf.multiply, np.multiply),
    "max": (tf.maximum, np.maximum), "min": (tf.minimum, np.minimum),
    "sqdiff": (tf.squared_difference, lambda a, b: (a - b) ** 2),
}
UNARY = {
    "neg": (tf.negative, np.negative), "abs": (tf.abs, np.abs), "tanh": (tf.tanh, np.tanh),
    "sigmoid": (tf.sigmoid, lambda a: 1 / (1 + np.exp(-a))), "square": (tf.square, np.square),
    "flat": (lambda t: tf.reshape(t, [-1]),
                                            lambda a: a.reshape(-1)),
}


@st.composite
def graphs(draw):
    rank = draw(st.integers(0, 3))
    base = tuple(draw(st.lists(st.integers(1, 4), min_size=rank, max_size=rank)))
    n_inputs = draw(st.integers(1, 3))
    shapes = []
    for _ in range(n_inputs):
        keep = draw(st.integers(0, rank))
        dims = base[rank - keep:]
        dims = tuple(1 if draw(st.booleans()) and d > 1 else d for d in dims)
        shapes.append(dims)
    steps = draw(st.lists(
        st.one_of(
            st.tuples(st.just("b"), st.sampled_from(sorted(BINARY)), st.integers(0, 99),
                      st.integers(0, 99)),
            st.tuples(st.just("u"), st.sampled_from(sorted(UNARY)), st.integers(0, 99),
                      st.just(0)),
            st.tuples(st.just("c"), st.sampled_from(sorted(BINARY)), st.integers(0, 99),
                      st.floats(-2, 2, allow_nan=False).map(lambda v: round(v, 3)))),
        min_size=1, max_size=8))
    seed = draw(st.integers(0, 2**16))
    fetch_mid = draw(st.booleans())
    return shapes, steps, seed, fetch_mid


def _broadcastable(a, b):
    try:
        np.broadcast_shapes(a, b)
        return True
    except ValueError:
        return False


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs())
def test_random_elementwise_graphs_match_numpy(spec):
    shapes, steps, seed, fetch_mid = spec
    rng = np.random.default_rng(seed)
    data = [rng.uniform(-2, 2, size=s).astype(np.float32) for s in shapes]
    g = tf.Graph()
    with g.as_default():
        phs = [tf.placeholder(tf.float32, s) for s in shapes]
        nodes = list(zip(phs, [d.astype(np.float64) for d in data]))
        for kind, name, i, j in steps:
            t_a, n_a = nodes[i % len(nodes)]
            if kind == "u":
                f, ref = UNARY[name]
                nodes.append((f(t_a), ref(n_a)))
            elif kind == "c":
                f, ref = BINARY[name]
                nodes.append((f(t_a, j), ref(n_a, np.float64(np.float32(j)))))
            else:
                t_b, n_b = nodes[j % len(nodes)]
                if not _broadcastable(n_a.shape, n_b.shape):
                    continue
                f, ref = BINARY[name]
                nodes.append((f(t_a, t_b), ref(n_a, n_b)))
        fetch = [nodes[-1]] + ([nodes[len(nodes) // 2]] if fetch_mid else [])
        with tf.Session() as sess:
            got = sess.run([t for t, _ in fetch], dict(zip(phs, data)))
    for out, (_, expected) in zip(got, fetch):
        assert out.shape == expected.shape
        np.testing.assert_allclose(out, expected, rtol=2e-5, atol=2e-5 * max(
            1.0, float(np.max(np.abs(expected))) if expected.size else 1.0))


REDUCE = {
    "sum": (tf.reduce_sum, np.sum), "mean": (tf.reduce_mean, np.mean),
    "max": (tf.reduce_max, np.max), "min": (tf.reduce_min, np.min),
}


@st.composite
def shaped_graphs(draw):
    """Steps over one input: elementwise ops, reductions over random axis
    lists (negative, repeated-free, empty or None) with keepdims, and
    transposes by random permutations; each step's axes are drawn as numbers
    that the test maps onto the rank the node has when it is built."""
    rank = draw(st.integers(0, 4))
    shape = tuple(draw(st.lists(st.integers(1, 6), min_size=rank, max_size=rank)))
    shape2 = tuple(1 if draw(st.booleans()) else d for d in shape)
    step = st.one_of(
        st.tuples(st.just("r"), st.sampled_from(sorted(REDUCE)),
                  st.one_of(st.lists(st.integers(0, 99), max_size=4),
                            st.lists(st.integers(0, 99), min_size=1, max_size=2), st.none()),
                  st.booleans(), st.booleans()),
        st.tuples(st.just("t"), st.none(), st.lists(st.integers(0, 99), min_size=4,
                                                    max_size=4), st.booleans(), st.booleans()),
        st.tuples(st.just("u"), st.sampled_from(sorted(UNARY)), st.integers(0, 99),
                  st.booleans(), st.booleans()),
        st.tuples(st.just("b"), st.sampled_from(sorted(BINARY)), st.integers(0, 99),
                  st.booleans(), st.booleans()))
    steps = draw(st.lists(step, min_size=1, max_size=6))
    seed = draw(st.integers(0, 2**16))
    known = draw(st.booleans())
    return shape, shape2, steps, seed, known


def _axes(draws, rank, neg_flags):
    """Distinct axes of `rank` from the numbers `draws`, some negative."""
    if rank == 0:
        return []
    out = []
    for k, d in enumerate(draws):
        a = d % rank
        if a in out:
            continue
        out.append(a)
    return [a - rank if (k + draws[0]) % 2 and neg_flags else a for k, a in enumerate(out)]


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(shaped_graphs())
def test_random_reduction_and_transpose_graphs_match_numpy(spec):
    shape, shape2, steps, seed, known = spec
    rng = np.random.default_rng(seed)
    data = [rng.uniform(-2, 2, size=s).astype(np.float32) for s in (shape, shape2)]
    g = tf.Graph()
    with g.as_default():
        phs = [tf.placeholder(tf.float32, s if known else [None] * len(s))
               for s in (shape, shape2)]
        nodes = list(zip(phs, [d.astype(np.float64) for d in data]))
        for kind, name, arg, flag_a, flag_b in steps:
            t_a, n_a = nodes[-1]
            rank = n_a.ndim
            if kind == "r":
                f, ref = REDUCE[name]
                if arg is None:
                    t, n = f(t_a, keepdims=flag_a), ref(n_a, axis=None, keepdims=flag_a)
                else:
                    axes = _axes(arg, rank, flag_b)
                    if not axes and arg:
                        continue  # rank 0: only an empty axis list is valid
                    t = f(t_a, axis=axes, keepdims=flag_a)
                    n = ref(n_a, axis=tuple(axes), keepdims=flag_a)
            elif kind == "t":
                perm = list(np.argsort(np.asarray(arg[:rank]) + np.arange(rank) * 1e-3))
                perm = [int(p) for p in perm]
                t = tf.transpose(t_a, perm) if flag_b or rank != 2 else tf.transpose(t_a)
                n = np.transpose(n_a, perm if flag_b or rank != 2 else None)
            elif kind == "u":
                f, ref = UNARY[name]
                t, n = f(t_a), ref(n_a)
            else:
                t_b, n_b = nodes[arg % len(nodes)]
                if not _broadcastable(n_a.shape, n_b.shape):
                    continue
                f, ref = BINARY[name]
                t, n = f(t_a, t_b), ref(n_a, n_b)
            if known:
                assert t.shape.as_tuple() == n.shape, (kind, name, arg)
            nodes.append((t, n))
        fetch = [nodes[-1], nodes[len(nodes) // 2]]
        with tf.Session() as sess:
            got = sess.run([t for t, _ in fetch], dict(zip(phs, data)))
    for out, (_, expected) in zip(got, fetch):
        assert out.shape == expected.shape
        np.testing.assert_allclose(out, expected, rtol=3e-5, atol=3e-5 * max(
            1.0, float(np.max(np.abs(expected))) if expected.size else 1.0))
