"""Momentum for TensorFlow (TF's `tf.compat.v1.train.MomentumOptimizer`)."""

from ..framework.constant_op import convert_to_tensor
from ..ops.training_ops import apply_update
from .optimizer import Optimizer, cast_like

__all__ = ["MomentumOptimizer"]


class MomentumOptimizer(Optimizer):
    """Optimizer that implements the Momentum algorithm.

    Computes (if `use_nesterov = False`):

    ```
    accumulation = momentum * accumulation + gradient
    variable -= learning_rate * accumulation
    ```

    Note that in the dense version of this algorithm, `accumulation` is
    updated and applied regardless of a gradient's value, whereas the sparse
    version (when the gradient is an `IndexedSlices`, typically because of
    `tf.gather` or an embedding) only updates variable slices and
    corresponding `accumulation` terms when that part of the variable was
    used in the forward pass.
    """

    def __init__(self, learning_rate, momentum, use_locking=False, name="Momentum",
                 use_nesterov=False):
        """Construct a new Momentum optimizer.

        Args:
          learning_rate: A `Tensor` or a floating point value. The learning rate.
          momentum: A `Tensor` or a floating point value. The momentum.
          use_locking: If `True` use locks for update operations.
          name: Optional name prefix for the operations created when applying
            gradients. Defaults to "Momentum".
          use_nesterov: If `True` use Nesterov Momentum. See (Sutskever et
            al., 2013). This implementation always computes gradients at the
            value of the variable(s) passed to the optimizer. Using Nesterov
            Momentum makes the variable(s) track the values called `theta_t +
            mu*v_t` in the paper.
        """
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._momentum = momentum
        self._use_nesterov = use_nesterov

    def _create_slots(self, var_list):
        for v in var_list:
            self._zeros_slot(v, "momentum", self._name)

    def _prepare(self):
        self._learning_rate_tensor = convert_to_tensor(
            self._call_if_callable(self._learning_rate), name="learning_rate")
        self._momentum_tensor = convert_to_tensor(self._call_if_callable(self._momentum),
                                                  name="momentum")

    def _apply_dense(self, grad, var):
        mom = self.get_slot(var, "momentum")
        return apply_update("ApplyMomentum", [var._variable, mom._variable],
                            [cast_like(self._learning_rate_tensor, var), grad,
                             cast_like(self._momentum_tensor, var)],
                            use_locking=self._use_locking, use_nesterov=self._use_nesterov).op
