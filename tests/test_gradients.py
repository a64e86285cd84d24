"""The registry's gradient slot: RegisterGradient / NotDifferentiable
plumbing, and the gradients registered so far against finite differences."""

import numpy as np
import pytest

import fastgraph as tf
from fastgraph.framework import op_registry

from .gradient_check import check_gradient, numeric_gradient

RNG = np.random.default_rng(0)


def _normal(*shape):
    return RNG.normal(size=shape)


@pytest.mark.parametrize("op_type,shapes", [
    ("AddV2", [(2, 3), (2, 3)]),
    ("AddV2", [(2, 3), (3,)]),
    ("Sub", [(4, 1), (2, 1, 3)]),
    ("Mul", [(2, 1, 3), (4, 1)]),
    ("Mul", [(), (2, 2)]),
])
def test_binary_gradients_match_finite_differences(op_type, shapes):
    check_gradient(op_type, [_normal(*s) for s in shapes])


@pytest.mark.parametrize("op_type", ["Tanh", "Exp", "Atan"])
def test_unary_gradients_match_finite_differences(op_type):
    check_gradient(op_type, [_normal(3, 4)])


def test_the_checker_catches_a_wrong_gradient():
    opdef = op_registry.get("Exp")
    saved = opdef.gradient
    opdef.gradient = lambda op, grad: [grad]  # d exp(x) is not 1
    try:
        with pytest.raises(AssertionError):
            check_gradient("Exp", [_normal(3)])
    finally:
        opdef.gradient = saved


def test_numeric_gradient_of_a_square():
    x = np.array([1.0, -2.0, 3.0])
    np.testing.assert_allclose(numeric_gradient(lambda v: float(np.sum(v * v)), x, 1e-6),
                               2 * x, rtol=1e-7)


def test_not_differentiable_ops_have_no_gradient_function():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [2])
        less = tf.less(x, 1.0)
        relu = tf.nn.relu(x)
        assert op_registry.get("Less").gradient is op_registry.NOT_DIFFERENTIABLE
        assert op_registry.gradient_function(less.op) is None
        if op_registry.get("Relu").gradient is None:  # until the training work gives it one
            with pytest.raises(LookupError, match="No gradient defined for operation"):
                op_registry.gradient_function(relu.op)


def test_a_gradient_registers_once():
    with pytest.raises(KeyError, match="Registering two gradient"):
        op_registry.RegisterGradient("Mul")(lambda op, grad: [grad, grad])
    with pytest.raises(KeyError):
        op_registry.NotDifferentiable("Mul")
    with pytest.raises(TypeError):
        op_registry.RegisterGradient(3)
