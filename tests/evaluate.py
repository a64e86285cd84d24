"""Running fastgraph graphs in tests: fetches in a fresh session
(`session_run`), and graphs built over NumPy arrays in a fresh graph, then
run (`evaluate`), compiled (`max_parts`) or only built (`static_shape`).

pytest runs with `--import-mode=importlib`, so tests import this module
relatively (`from ..evaluate import evaluate`), never as `evaluate`."""

import fastgraph as tf
from fastgraph._native.runtime import threads
from fastgraph.compiler.plan import compile_plan


def session_run(fetches, feed_dict=None, *, init=False, values=None, runs=None, graph=None):
    """`fetches` run in a fresh session of `graph` (the default graph).

    `init` runs the global variables initializer first; `values`
    ({Variable: array}) are then loaded into their variables. `runs`, when
    given, is how many times the fetches run in the one session, and the
    list of every run's values is returned.
    """
    with tf.Session(graph=graph) as sess:
        if init:
            sess.run(tf.global_variables_initializer())
        for var, value in (values or {}).items():
            var.load(value, sess)
        if runs is None:
            return sess.run(fetches, feed_dict)
        return [sess.run(fetches, feed_dict) for _ in range(runs)]


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
