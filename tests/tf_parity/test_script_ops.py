"""tf.py_func, tf.numpy_function and tf.py_function against TensorFlow:
values, output dtypes and static shapes, the error class of each exception
the function raises and of results of the wrong type, and the gradient."""

import numpy as np
import pytest

import fastgraph as fg

from .parity import assert_same, run_both

tf = pytest.importorskip("tensorflow")

X = np.array([1.5, -2.0, 3.25], np.float32)


@pytest.mark.parametrize("wrap", ["py_func", "numpy_function", "py_function"])
def test_values_and_static_shapes(wrap):
    def build(api, p):
        fn = getattr(api.compat.v1, wrap) if wrap == "py_func" else getattr(api, wrap)
        np_of = (lambda a: a.numpy()) if wrap == "py_function" else (lambda a: a)
        a, b = fn(lambda u, v: (np.cumsum(np_of(u)), np_of(v)[:2] * 2), [p[0], p[0] + 1.0],
                  [api.float32, api.float32])
        assert a.shape.ndims is None and b.shape.ndims is None
        return [a * 3.0, b, api.shape(b)]
    ours, theirs = run_both(build, [X])
    assert_same(ours, theirs)


@pytest.mark.parametrize("exc", [ValueError, TypeError, StopIteration, MemoryError,
                                 NotImplementedError, KeyError, IndexError, ZeroDivisionError])
@pytest.mark.parametrize("wrap", ["py_func", "py_function"])
def test_error_classes(exc, wrap):
    def f(a):
        raise exc("message")

    classes = []
    for api in (fg, tf):
        fn = api.compat.v1.py_func if wrap == "py_func" else api.py_function
        with pytest.raises(api.errors.OpError) as info:
            run_in_graph(api, lambda p: fn(f, [p], api.float32))
        classes.append(type(info.value).__name__)
        assert f"{exc.__name__}: {exc('message')}" in str(info.value)
    assert classes[0] == classes[1]


@pytest.mark.parametrize("result,tout", [(lambda a: a.astype(np.float64), "float32"),
                                         (lambda a: 3, "int32"),
                                         (lambda a: 3.0, "float32"),
                                         (lambda a: [a, a], "float32")])
def test_wrong_results_are_invalid_argument(result, tout):
    for api in (fg, tf):
        with pytest.raises(api.errors.InvalidArgumentError):
            run_in_graph(api, lambda p: api.compat.v1.py_func(result, [p], api.as_dtype(tout)))


def test_right_python_scalars_pass():
    def build(api, p):
        return [api.compat.v1.py_func(lambda a: 3, [p[0]], api.int64),
                api.compat.v1.py_func(lambda a: True, [p[0]], api.bool),
                api.py_function(lambda a: 3, [p[0]], api.float32)]
    ours, theirs = run_both(build, [X])
    assert_same(ours, theirs)
    assert [np.asarray(v).dtype for v in ours] == [np.asarray(v).dtype for v in theirs]


def test_py_func_has_no_gradient():
    def build(api, p):
        g = api.gradients(api.compat.v1.py_func(np.square, [p[0]], api.float32), p[0])[0]
        return api.zeros([]) if g is None else g
    ours, theirs = run_both(build, [X])
    assert_same(ours, theirs)


def run_in_graph(api, build):
    v1 = api.compat.v1
    with api.Graph().as_default():
        p = v1.placeholder(api.float32, [None])
        y = build(p)
        with v1.Session() as s:
            return s.run(y, {p: X})
