"""Adagrad for TensorFlow (TF's `tf.compat.v1.train.AdagradOptimizer`)."""

from ..framework.constant_op import convert_to_tensor
from ..ops.training_ops import apply_update
from .optimizer import Optimizer, cast_like

__all__ = ["AdagradOptimizer"]


class AdagradOptimizer(Optimizer):
    """Optimizer that implements the Adagrad algorithm.

    References:
      Adaptive Subgradient Methods for Online Learning and Stochastic
      Optimization: [Duchi et al., 2011](http://jmlr.org/papers/v12/duchi11a.html)
    """

    def __init__(self, learning_rate, initial_accumulator_value=0.1, use_locking=False,
                 name="Adagrad"):
        """Construct a new Adagrad optimizer.

        Args:
          learning_rate: A `Tensor` or a floating point value. The learning rate.
          initial_accumulator_value: A floating point value. Starting value
            for the accumulators, must be positive.
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

    def _create_slots(self, var_list):
        for v in var_list:
            self._get_or_make_slot_with_value(v, self._initial_accumulator_value,
                                              "accumulator", self._name)

    def _prepare(self):
        self._learning_rate_tensor = convert_to_tensor(
            self._call_if_callable(self._learning_rate), name="learning_rate")

    def _apply_dense(self, grad, var):
        acc = self.get_slot(var, "accumulator")
        return apply_update("ApplyAdagrad", [var._variable, acc._variable],
                            [cast_like(self._learning_rate_tensor, var), grad],
                            use_locking=self._use_locking).op
