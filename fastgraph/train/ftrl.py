"""Ftrl-proximal for TensorFlow (TF's `tf.compat.v1.train.FtrlOptimizer`)."""

from ..framework.constant_op import convert_to_tensor
from ..ops.elementwise import add, maximum, multiply, truediv
from ..ops.training_ops import apply_update
from .optimizer import Optimizer, cast_like

__all__ = ["FtrlOptimizer"]


class FtrlOptimizer(Optimizer):
    """Optimizer that implements the FTRL algorithm.

    This version has support for both online L2 (McMahan et al., 2013) and
    shrinkage-type L2, which is the addition of an L2 penalty to the loss
    function.

    References:
      Ad-click prediction:
        [McMahan et al., 2013](https://dl.acm.org/citation.cfm?id=2488200)
    """

    def __init__(self, learning_rate, learning_rate_power=-0.5, initial_accumulator_value=0.1,
                 l1_regularization_strength=0.0, l2_regularization_strength=0.0,
                 use_locking=False, name="Ftrl", accum_name=None, linear_name=None,
                 l2_shrinkage_regularization_strength=0.0, beta=None):
        r"""Construct a new FTRL optimizer.

        Args:
          learning_rate: A float value or a constant float `Tensor`.
          learning_rate_power: A float value, must be less or equal to zero.
            Controls how the learning rate decreases during training. Use
            zero for a fixed learning rate. See section 3.1 in (McMahan et
            al., 2013).
          initial_accumulator_value: The starting value for accumulators. Only
            zero or positive values are allowed.
          l1_regularization_strength: A float value, must be greater than or
            equal to zero.
          l2_regularization_strength: A float value, must be greater than or
            equal to zero.
          use_locking: If `True` use locks for update operations.
          name: Optional name prefix for the operations created when applying
            gradients. Defaults to "Ftrl".
          accum_name: The suffix for the variable that keeps the gradient
            squared accumulator. If not present, defaults to name.
          linear_name: The suffix for the variable that keeps the linear
            gradient accumulator. If not present, defaults to name + "_1".
          l2_shrinkage_regularization_strength: A float value, must be
            greater than or equal to zero. This differs from L2 above in that
            the L2 above is a stabilization penalty, whereas this L2
            shrinkage is a magnitude penalty. The FTRL formulation can be
            written as: w_{t+1} = argmin_w(\hat{g}_{1:t}w + L1*||w||_1 +
            L2*||w||_2^2), where \hat{g} = g + (2*L2_shrinkage*w), and g is
            the gradient of the loss function w.r.t. the weights w.
          beta: A float value; corresponds to the beta parameter in the paper.

        Raises:
          ValueError: If one of the arguments is invalid.
        """
        super().__init__(use_locking, name)
        if initial_accumulator_value < 0.0:
            raise ValueError("initial_accumulator_value %f needs to be positive or zero" %
                             initial_accumulator_value)
        if learning_rate_power > 0.0:
            raise ValueError("learning_rate_power %f needs to be negative or zero" %
                             learning_rate_power)
        if l1_regularization_strength < 0.0:
            raise ValueError("l1_regularization_strength %f needs to be positive or zero" %
                             l1_regularization_strength)
        if l2_regularization_strength < 0.0:
            raise ValueError("l2_regularization_strength %f needs to be positive or zero" %
                             l2_regularization_strength)
        if l2_shrinkage_regularization_strength < 0.0:
            raise ValueError("l2_shrinkage_regularization_strength %f needs to be positive"
                             " or zero" % l2_shrinkage_regularization_strength)
        self._learning_rate = learning_rate
        self._learning_rate_power = learning_rate_power
        self._initial_accumulator_value = initial_accumulator_value
        self._l1_regularization_strength = l1_regularization_strength
        self._l2_regularization_strength = l2_regularization_strength
        self._beta = 0.0 if beta is None else beta
        self._l2_shrinkage_regularization_strength = l2_shrinkage_regularization_strength
        self._accum_name = accum_name
        self._linear_name = linear_name

    def _create_slots(self, var_list):
        for v in var_list:
            self._get_or_make_slot_with_value(v, self._initial_accumulator_value, "accum",
                                              self._accum_name or self._name)
            self._zeros_slot(v, "linear", self._linear_name or self._name)

    def _prepare(self):
        lr = convert_to_tensor(self._learning_rate, name="learning_rate")
        self._learning_rate_tensor = lr
        self._l1_regularization_strength_tensor = convert_to_tensor(
            self._l1_regularization_strength, name="l1_regularization_strength")
        # The L2 strength with beta folded in, so the training ops need no beta.
        l2 = convert_to_tensor(self._l2_regularization_strength)
        half_beta_over_lr = truediv(self._beta, multiply(2.0, maximum(lr, 1e-36)))
        self._adjusted_l2_regularization_strength_tensor = add(
            l2, half_beta_over_lr, name="adjusted_l2_regularization_strength")
        self._l2_shrinkage_regularization_strength_tensor = convert_to_tensor(
            self._l2_shrinkage_regularization_strength,
            name="l2_shrinkage_regularization_strength")
        self._learning_rate_power_tensor = convert_to_tensor(self._learning_rate_power,
                                                             name="learning_rate_power")

    def _apply_dense(self, grad, var):
        accum, linear = self.get_slot(var, "accum"), self.get_slot(var, "linear")
        refs = [var._variable, accum._variable, linear._variable]
        lr = cast_like(self._learning_rate_tensor, var)
        l1 = cast_like(self._l1_regularization_strength_tensor, var)
        l2 = cast_like(self._adjusted_l2_regularization_strength_tensor, var)
        power = cast_like(self._learning_rate_power_tensor, var)
        if self._l2_shrinkage_regularization_strength <= 0.0:
            return apply_update("ApplyFtrl", refs, [grad, lr, l1, l2, power],
                                use_locking=self._use_locking).op
        shrinkage = cast_like(self._l2_shrinkage_regularization_strength_tensor, var)
        return apply_update("ApplyFtrlV2", refs, [grad, lr, l1, l2, shrinkage, power],
                            use_locking=self._use_locking).op
