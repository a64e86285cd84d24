"""One build run in fastgraph and in TensorFlow's TF1 graph mode, and the
two results compared.

A build is `build(api, placeholders)`, where `api` is the `fastgraph` or the
`tensorflow` module and `placeholders` are made in a fresh graph of that api
for the arrays to feed. pytest runs with `--import-mode=importlib`, so the
tests import this module relatively (`from .parity import run_both`)."""

import pytest

import fastgraph as fg

from ..compare import assert_close

tf = pytest.importorskip("tensorflow")

PARITY_TOLS = (1e-5, 1e-10)
"""Default (float32, wider floats) tolerances between fastgraph and
TensorFlow, whose kernels may sum or round in another order."""


def run_in(api, build, feeds=(), *, static=False, init=False, runs=None):
    """build(api, placeholders) in a fresh graph and session of `api`, its
    placeholders fed with `feeds`; returns the fetched value.

    Placeholders have unknown dims unless `static` (then the feeds' shapes).
    `init` runs the global variables initializer first. `runs`, when given,
    is how many times the fetches run in the one session; the values of
    every run are returned as a list.
    """
    v1 = api.compat.v1
    g = api.Graph()
    with g.as_default():
        phs = [v1.placeholder(api.as_dtype(a.dtype), a.shape if static else [None] * a.ndim)
               for a in feeds]
        y = build(api, phs)
        with v1.Session(graph=g) as sess:
            if init:
                sess.run(v1.global_variables_initializer())
            feed_dict = dict(zip(phs, feeds))
            if runs is None:
                return sess.run(y, feed_dict)
            return [sess.run(y, feed_dict) for _ in range(runs)]


def run_both(build, feeds=(), **options):
    """[fastgraph's result, TensorFlow's] of `run_in` with `options`."""
    return [run_in(api, build, feeds, **options) for api in (fg, tf)]


def fail_both(build, feeds=(), **options):
    """Asserts that the run raises InvalidArgumentError in both; returns
    [fastgraph's message, TensorFlow's]."""
    messages = []
    for api in (fg, tf):
        with pytest.raises(api.errors.InvalidArgumentError) as info:
            run_in(api, build, feeds, **options)
        messages.append(str(info.value))
    return messages


def assert_same(ours, theirs, rtol=None, atol=None, *, exact=False):
    """`compare.assert_close` with the parity tolerances (PARITY_TOLS) as
    the defaults: the same dtype, shape and values, item by item."""
    assert_close(ours, theirs, rtol, atol, exact=exact, tols=PARITY_TOLS)
