"""RMSProp for TensorFlow (TF's `tf.compat.v1.train.RMSPropOptimizer`)."""

from ..framework.constant_op import convert_to_tensor
from ..ops.training_ops import apply_update
from .optimizer import Optimizer, cast_like

__all__ = ["RMSPropOptimizer"]


class RMSPropOptimizer(Optimizer):
    """Optimizer that implements the RMSProp algorithm (Tielemans et al. 2012).

    References:
      Coursera slide 29:
      Hinton, 2012
      ([pdf](http://www.cs.toronto.edu/~tijmen/csc321/slides/lecture_slides_lec6.pdf))
    """

    def __init__(self, learning_rate, decay=0.9, momentum=0.0, epsilon=1e-10,
                 use_locking=False, centered=False, name="RMSProp"):
        """Construct a new RMSProp optimizer.

        The mean square of gradients `ms` starts at one, the momentum `mom`
        at zero, and each step does

        mean_square = decay * mean_square{t-1} + (1-decay) * gradient ** 2
        mom = momentum * mom{t-1} + learning_rate * g_t / sqrt(mean_square + epsilon)
        delta = - mom

        Args:
          learning_rate: A Tensor or a floating point value. The learning rate.
          decay: Discounting factor for the history/coming gradient
          momentum: A scalar tensor.
          epsilon: Small value to avoid zero denominator.
          use_locking: If True use locks for update operation.
          centered: If True, gradients are normalized by the estimated
            variance of the gradient; if False, by the uncentered second
            moment. Setting this to True may help with training, but is
            slightly more expensive in terms of computation and memory.
            Defaults to False.
          name: Optional name prefix for the operations created when applying
            gradients. Defaults to "RMSProp".
        """
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._decay = decay
        self._momentum = momentum
        self._epsilon = epsilon
        self._centered = centered

    def _create_slots(self, var_list):
        for v in var_list:
            self._get_or_make_slot_with_value(v, 1.0, "rms", self._name)
            if self._centered:
                self._zeros_slot(v, "mg", self._name)
            self._zeros_slot(v, "momentum", self._name)

    def _prepare(self):
        c = self._call_if_callable
        self._learning_rate_tensor = convert_to_tensor(c(self._learning_rate),
                                                       name="learning_rate")
        self._decay_tensor = convert_to_tensor(c(self._decay), name="decay")
        self._momentum_tensor = convert_to_tensor(c(self._momentum), name="momentum")
        self._epsilon_tensor = convert_to_tensor(c(self._epsilon), name="epsilon")

    def _apply_dense(self, grad, var):
        rms, mom = self.get_slot(var, "rms"), self.get_slot(var, "momentum")
        hyper = [cast_like(t, var) for t in (self._learning_rate_tensor, self._decay_tensor,
                                             self._momentum_tensor, self._epsilon_tensor)]
        if self._centered:
            mg = self.get_slot(var, "mg")
            return apply_update("ApplyCenteredRMSProp",
                                [var._variable, mg._variable, rms._variable, mom._variable],
                                hyper + [grad], use_locking=self._use_locking).op
        return apply_update("ApplyRMSProp", [var._variable, rms._variable, mom._variable],
                            hyper + [grad], use_locking=self._use_locking).op
