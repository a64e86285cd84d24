"""ProximalAdagrad for TensorFlow (TF's `tf.compat.v1.train.ProximalAdagradOptimizer`)."""

from ..framework.constant_op import convert_to_tensor
from ..ops.training_ops import apply_update
from .optimizer import Optimizer, cast_like

__all__ = ["ProximalAdagradOptimizer"]


class ProximalAdagradOptimizer(Optimizer):
    """Optimizer that implements the Proximal Adagrad algorithm.

    References:
      Adaptive Subgradient Methods for Online Learning and Stochastic
      Optimization: [Duchi et al., 2011](http://jmlr.org/papers/v12/duchi11a.html)
      Efficient Learning using Forward-Backward Splitting:
        [Duchi et al., 2009](http://papers.nips.cc/paper/3793-efficient-learning-using-forward-backward-splitting)
    """

    def __init__(self, learning_rate, initial_accumulator_value=0.1,
                 l1_regularization_strength=0.0, l2_regularization_strength=0.0,
                 use_locking=False, name="ProximalAdagrad"):
        """Construct a new ProximalAdagrad optimizer.

        Args:
          learning_rate: A `Tensor` or a floating point value. The learning rate.
          initial_accumulator_value: A floating point value. Starting value
            for the accumulators, must be positive.
          l1_regularization_strength: A float value, must be greater than or
            equal to zero.
          l2_regularization_strength: A float value, must be greater than or
            equal to zero.
          use_locking: If `True` use locks for update operations.
          name: Optional name prefix for the operations created when applying
            gradients. Defaults to "Adagrad".

        Raises:
          ValueError: If the `initial_accumulator_value` is invalid.
        """
        if initial_accumulator_value <= 0.0:
            raise ValueError("initial_accumulator_value must be positive: %s" %
                             initial_accumulator_value)
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._initial_accumulator_value = initial_accumulator_value
        self._l1_regularization_strength = l1_regularization_strength
        self._l2_regularization_strength = l2_regularization_strength

    def _create_slots(self, var_list):
        for v in var_list:
            self._get_or_make_slot_with_value(v, self._initial_accumulator_value,
                                              "accumulator", self._name)

    def _prepare(self):
        self._learning_rate_tensor = convert_to_tensor(self._learning_rate,
                                                       name="learning_rate")
        self._l1_regularization_strength_tensor = convert_to_tensor(
            self._l1_regularization_strength, name="l1_regularization_strength")
        self._l2_regularization_strength_tensor = convert_to_tensor(
            self._l2_regularization_strength, name="l2_regularization_strength")

    def _apply_dense(self, grad, var):
        acc = self.get_slot(var, "accumulator")
        return apply_update("ApplyProximalAdagrad", [var._variable, acc._variable],
                            [cast_like(self._learning_rate_tensor, var),
                             cast_like(self._l1_regularization_strength_tensor, var),
                             cast_like(self._l2_regularization_strength_tensor, var), grad],
                            use_locking=self._use_locking).op
