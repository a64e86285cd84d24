"""Scatter updates against TensorFlow: TF1 ref variables (use_resource=False)
and tensor scatters, values and error messages."""

import numpy as np
import pytest

import fastgraph as fg

from .parity import assert_same, run_both, run_in

tf = pytest.importorskip("tensorflow")

BASE = np.arange(12, dtype=np.float32).reshape(4, 3) + 1


@pytest.mark.parametrize("fn", ["scatter_update", "scatter_add", "scatter_sub", "scatter_mul",
                                "scatter_div", "scatter_min", "scatter_max"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32])
def test_variable_scatters(fn, dtype):
    def build(api, p):
        v = api.compat.v1.Variable(BASE.astype(dtype), use_resource=False)
        up = getattr(api.compat.v1, fn)(v, [3, 1], np.array([[2, 3, 4], [5, 6, 7]], dtype))
        with api.control_dependencies([up]):
            return [up, api.identity(v)]
    ours, theirs = run_both(build, init=True)
    assert_same(ours, theirs)


@pytest.mark.parametrize("fn", ["scatter_nd_update", "scatter_nd_add", "scatter_nd_sub"])
def test_variable_scatter_nd(fn):
    def build(api, p):
        v = api.compat.v1.Variable(BASE, use_resource=False)
        return getattr(api.compat.v1, fn)(v, [[0, 2], [3, 1]], [10., 20.])
    ours, theirs = run_both(build, init=True)
    assert_same(ours, theirs)


@pytest.mark.parametrize("fn", ["tensor_scatter_nd_update", "tensor_scatter_nd_add",
                                "tensor_scatter_nd_sub", "tensor_scatter_nd_min",
                                "tensor_scatter_nd_max"])
def test_tensor_scatters_and_gradients(fn):
    def build(api, p):
        x = api.constant(BASE)
        u = api.constant([[0., 30., 2.], [9., 9., 9.]])
        y = getattr(api.compat.v1, fn)(x, [[2], [0]], u)
        return [y] + api.compat.v1.gradients(api.reduce_sum(y * y), [x, u])
    ours, theirs = run_both(build)
    assert_same(ours, theirs)


def test_batch_scatter_update():
    def build(api, p):
        v = api.compat.v1.Variable(BASE, use_resource=False)
        return api.compat.v1.batch_scatter_update(v, [[0], [2], [1], [0]],
                                                  [[1.], [2.], [3.], [4.]])
    ours, theirs = run_both(build, init=True)
    assert_same(ours, theirs)


@pytest.mark.parametrize("build", [
    lambda api, p: api.compat.v1.scatter_update(
        api.compat.v1.Variable(BASE, use_resource=False), [[1], [7]], np.ones((2, 1, 3))),
    lambda api, p: api.compat.v1.tensor_scatter_nd_update(BASE, [[1], [7]], np.ones((2, 3))),
])
def test_bad_indices_raise_as_tensorflow(build):
    messages = []
    for api in (fg, tf):
        with pytest.raises(api.errors.InvalidArgumentError) as info:
            run_in(api, build, init=True)
        messages.append(str(info.value))
    line = [m for m in messages[1].splitlines() if m.startswith("indices")][0]
    assert line in messages[0]
