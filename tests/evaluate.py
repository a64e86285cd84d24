"""Graphs built over NumPy arrays in a fresh fastgraph graph: run
(`evaluate`), compiled (`max_parts`) or only built (`static_shape`).

pytest runs with `--import-mode=importlib`, so tests import this module
relatively (`from ..evaluate import evaluate`), never as `evaluate`."""

import fastgraph as tf
from fastgraph._native.runtime import threads
from fastgraph.compiler.plan import compile_plan


def _placeholders(arrays, unknown, shapes):
    if shapes is None:
        shapes = [None if unknown == "rank" else [None] * a.ndim if unknown else a.shape
                  for a in arrays]
    return [tf.placeholder(tf.as_dtype(a.dtype), s) for a, s in zip(arrays, shapes)]


def evaluate(fn, *arrays, unknown=False, shapes=None, fed=True):
    """fn(*inputs) run once in a fresh graph and session; returns its value.

    The inputs are placeholders fed with `arrays` (the C kernels run), of the
    arrays' shapes, of unknown dims when `unknown` is true, of unknown rank
    when it is "rank", or of the given `shapes`. With `fed=False` they are
    graph constants instead, so the compiler folds them.
    """
    with tf.Graph().as_default():
        if fed:
            ins = _placeholders(arrays, unknown, shapes)
            feeds = dict(zip(ins, arrays))
        else:
            ins = [tf.constant(a) for a in arrays]
            feeds = {}
        out = fn(*ins)
        with tf.Session() as sess:
            return sess.run(out, feeds)


def max_parts(fn, *arrays):
    """The largest share count of any step when fn(*placeholders) is
    compiled for `arrays`' shapes with at least two threads."""
    with tf.Graph().as_default():
        phs = _placeholders(arrays, False, None)
        out = fn(*phs)
        plan = compile_plan([out], [], {p: (a.shape, p.dtype) for p, a in zip(phs, arrays)},
                            threads=max(2, threads()))
    return max(s.nparts for s in plan.steps)


def static_shape(fn, *shapes, dtype=tf.float32):
    """The build-time shape tuple (None for an unknown rank) of fn over
    placeholders of `shapes`; a list of them when fn returns a list."""
    with tf.Graph().as_default():
        out = fn(*[tf.placeholder(dtype, s) for s in shapes])
        if isinstance(out, list):
            return [t.shape.as_tuple() for t in out]
        return out.shape.as_tuple()
