"""Static values: one folding rule for graph building and for the compiler, with
a limit for each."""

import pytest

import fastgraph as tf
from fastgraph.compiler import compile_plan
from fastgraph.framework.static_values import (BUILD_FOLD_LIMIT, FOLD_LIMIT, constant_value,
                                               static_value)


@pytest.fixture()
def g():
    graph = tf.Graph()
    with graph.as_default():
        yield graph


def test_static_value_follows_constants_and_static_shapes(g):
    x = tf.placeholder(tf.float32, [2, 3])
    perm = tf.shape(x)[::-1] - 2  # [1, 0]
    assert static_value(perm).tolist() == [1, 0]
    assert constant_value(perm) is None  # only Const ops are constants
    assert tf.transpose(x, perm).shape.as_list() == [3, 2]
    assert static_value(tf.placeholder(tf.int32, [2])) is None


def test_the_build_limit_is_smaller_than_the_compile_limit(g):
    # Big enough not to fold while the graph is built, small enough to fold
    # into a plan constant when it is compiled.
    assert BUILD_FOLD_LIMIT < FOLD_LIMIT
    big = tf.zeros([BUILD_FOLD_LIMIT + 1]) + 1.0
    assert static_value(big) is None
    assert static_value(tf.zeros([BUILD_FOLD_LIMIT]) + 1.0) is not None
    plan = compile_plan([big], [], {})
    assert plan.kernels() == []
    too_big = tf.zeros([FOLD_LIMIT + 1]) + 1.0
    assert compile_plan([too_big], [], {}).kernels() != []
