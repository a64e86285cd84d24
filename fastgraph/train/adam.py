"""Adam for TensorFlow (TF's `tf.compat.v1.train.AdamOptimizer`)."""

from ..framework.constant_op import convert_to_tensor
from ..framework.graph import get_default_graph
from ..ops.array_ops import group
from ..ops.elementwise import multiply
from ..ops.state_ops import assign
from ..ops.training_ops import apply_update
from .optimizer import Optimizer, cast_like

__all__ = ["AdamOptimizer"]


class AdamOptimizer(Optimizer):
    """Optimizer that implements the Adam algorithm.

    References:
      Adam - A Method for Stochastic Optimization:
        [Kingma et al., 2015](https://arxiv.org/abs/1412.6980)
    """

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8,
                 use_locking=False, name="Adam"):
        r"""Construct a new Adam optimizer.

        Initialization:

        $$m_0 := 0 \text{(Initialize initial 1st moment vector)}$$
        $$v_0 := 0 \text{(Initialize initial 2nd moment vector)}$$
        $$t := 0 \text{(Initialize timestep)}$$

        The update rule for `variable` with gradient `g`:

        $$t := t + 1$$
        $$\text{lr}_t := \mathrm{learning\_rate} * \sqrt{1 - \beta_2^t} / (1 - \beta_1^t)$$
        $$m_t := \beta_1 * m_{t-1} + (1 - \beta_1) * g$$
        $$v_t := \beta_2 * v_{t-1} + (1 - \beta_2) * g * g$$
        $$\text{variable} := \text{variable} - \text{lr}_t * m_t / (\sqrt{v_t} + \epsilon)$$

        Args:
          learning_rate: A Tensor or a floating point value. The learning rate.
          beta1: A float value or a constant float tensor. The exponential
            decay rate for the 1st moment estimates.
          beta2: A float value or a constant float tensor. The exponential
            decay rate for the 2nd moment estimates.
          epsilon: A small constant for numerical stability. This epsilon is
            "epsilon hat" in the Kingma and Ba paper (in the formula just
            before Section 2.1), not the epsilon in Algorithm 1 of the paper.
          use_locking: If True use locks for update operations.
          name: Optional name for the operations created when applying
            gradients. Defaults to "Adam".
        """
        super().__init__(use_locking, name)
        self._lr = learning_rate
        self._beta1 = beta1
        self._beta2 = beta2
        self._epsilon = epsilon

    def _get_beta_accumulators(self):
        graph = get_default_graph()
        return (self._get_non_slot_variable("beta1_power", graph=graph),
                self._get_non_slot_variable("beta2_power", graph=graph))

    def _create_slots(self, var_list):
        # The beta accumulators sit with the variable that comes first by name.
        first_var = min(var_list, key=lambda x: x.name)
        self._create_non_slot_variable(initial_value=self._beta1, name="beta1_power",
                                       colocate_with=first_var)
        self._create_non_slot_variable(initial_value=self._beta2, name="beta2_power",
                                       colocate_with=first_var)
        for v in var_list:
            self._zeros_slot(v, "m", self._name)
            self._zeros_slot(v, "v", self._name)

    def _prepare(self):
        c = self._call_if_callable
        self._lr_t = convert_to_tensor(c(self._lr), name="learning_rate")
        self._beta1_t = convert_to_tensor(c(self._beta1), name="beta1")
        self._beta2_t = convert_to_tensor(c(self._beta2), name="beta2")
        self._epsilon_t = convert_to_tensor(c(self._epsilon), name="epsilon")

    def _apply_dense(self, grad, var):
        m, v = self.get_slot(var, "m"), self.get_slot(var, "v")
        beta1_power, beta2_power = self._get_beta_accumulators()
        return apply_update(
            "ApplyAdam", [var._variable, m._variable, v._variable],
            [cast_like(beta1_power.value(), var), cast_like(beta2_power.value(), var),
             cast_like(self._lr_t, var), cast_like(self._beta1_t, var),
             cast_like(self._beta2_t, var), cast_like(self._epsilon_t, var), grad],
            use_locking=self._use_locking).op

    def _finish(self, update_ops, name_scope):
        # The powers advance once every variable has been updated with them.
        graph = get_default_graph()
        with graph.control_dependencies(update_ops):
            beta1_power, beta2_power = self._get_beta_accumulators()
            update_beta1 = assign(beta1_power, multiply(beta1_power, self._beta1_t),
                                  use_locking=self._use_locking)
            update_beta2 = assign(beta2_power, multiply(beta2_power, self._beta2_t),
                                  use_locking=self._use_locking)
        return group(*update_ops + [update_beta1.op, update_beta2.op], name=name_scope)
