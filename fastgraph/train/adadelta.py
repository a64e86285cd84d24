"""Adadelta for TensorFlow (TF's `tf.compat.v1.train.AdadeltaOptimizer`)."""

from ..framework.constant_op import convert_to_tensor
from ..ops.training_ops import apply_update
from .optimizer import Optimizer, cast_like

__all__ = ["AdadeltaOptimizer"]


class AdadeltaOptimizer(Optimizer):
    """Optimizer that implements the Adadelta algorithm.

    References:
      ADADELTA - An Adaptive Learning Rate Method:
        [Zeiler, 2012](http://arxiv.org/abs/1212.5701)
    """

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-8, use_locking=False,
                 name="Adadelta"):
        """Construct a new Adadelta optimizer.

        Args:
          learning_rate: A `Tensor` or a floating point value. The learning
            rate. To match the exact form in the original paper use 1.0.
          rho: A `Tensor` or a floating point value. The decay rate.
          epsilon: A `Tensor` or a floating point value. A constant epsilon
            used to better conditioning the grad update.
          use_locking: If `True` use locks for update operations.
          name: Optional name prefix for the operations created when applying
            gradients. Defaults to "Adadelta".
        """
        super().__init__(use_locking, name)
        self._lr = learning_rate
        self._rho = rho
        self._epsilon = epsilon

    def _create_slots(self, var_list):
        for v in var_list:
            self._zeros_slot(v, "accum", self._name)
            self._zeros_slot(v, "accum_update", self._name)

    def _prepare(self):
        c = self._call_if_callable
        self._lr_t = convert_to_tensor(c(self._lr), name="lr")
        self._rho_t = convert_to_tensor(c(self._rho), name="rho")
        self._epsilon_t = convert_to_tensor(c(self._epsilon), name="epsilon")

    def _apply_dense(self, grad, var):
        accum, accum_update = self.get_slot(var, "accum"), self.get_slot(var, "accum_update")
        return apply_update("ApplyAdadelta",
                            [var._variable, accum._variable, accum_update._variable],
                            [cast_like(self._lr_t, var), cast_like(self._rho_t, var),
                             cast_like(self._epsilon_t, var), grad],
                            use_locking=self._use_locking).op
