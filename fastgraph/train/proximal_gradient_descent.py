"""ProximalGradientDescent for TensorFlow (TF's
`tf.compat.v1.train.ProximalGradientDescentOptimizer`)."""

from ..framework.constant_op import convert_to_tensor
from ..ops.training_ops import apply_update
from .optimizer import Optimizer, cast_like

__all__ = ["ProximalGradientDescentOptimizer"]


class ProximalGradientDescentOptimizer(Optimizer):
    """Optimizer that implements the proximal gradient descent algorithm.

    References:
      Efficient Learning using Forward-Backward Splitting:
        [Duchi et al., 2009](http://papers.nips.cc/paper/3793-efficient-learning-using-forward-backward-splitting)
    """

    def __init__(self, learning_rate, l1_regularization_strength=0.0,
                 l2_regularization_strength=0.0, use_locking=False,
                 name="ProximalGradientDescent"):
        """Construct a new proximal gradient descent optimizer.

        Args:
          learning_rate: A Tensor or a floating point value. The learning
            rate to use.
          l1_regularization_strength: A float value, must be greater than or
            equal to zero.
          l2_regularization_strength: A float value, must be greater than or
            equal to zero.
          use_locking: If True use locks for update operations.
          name: Optional name prefix for the operations created when applying
            gradients. Defaults to "GradientDescent".
        """
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._l1_regularization_strength = l1_regularization_strength
        self._l2_regularization_strength = l2_regularization_strength

    def _prepare(self):
        self._learning_rate_tensor = convert_to_tensor(self._learning_rate,
                                                       name="learning_rate")
        self._l1_regularization_strength_tensor = convert_to_tensor(
            self._l1_regularization_strength, name="l1_regularization_strength")
        self._l2_regularization_strength_tensor = convert_to_tensor(
            self._l2_regularization_strength, name="l2_regularization_strength")

    def _apply_dense(self, grad, var):
        return apply_update("ApplyProximalGradientDescent", [var._variable],
                            [cast_like(self._learning_rate_tensor, var),
                             cast_like(self._l1_regularization_strength_tensor, var),
                             cast_like(self._l2_regularization_strength_tensor, var), grad],
                            use_locking=self._use_locking).op
