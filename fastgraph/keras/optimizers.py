"""`tf.keras.optimizers` (and `tf.compat.v1.keras.optimizers`, the
`legacy` ones of TF-Keras): SGD, Adam, RMSprop, Adagrad, Adadelta, Adamax
and Ftrl with Keras's defaults, each applying its update through
fastgraph's TF1 optimizer of the same algorithm.

Keras's defaults differ from TF1's optimizers', and are kept: Adam's
epsilon is 1e-7 (TF1's 1e-8); RMSprop's epsilon is 1e-7, its mean
square starts at zero (TF1's at one) and, without momentum, epsilon is
added to the root, not under it; Adagrad adds epsilon 1e-7 to the
root of its accumulator (TF1's none). Keras's SGD momentum
(`v = m * v - lr * g; w += v`) is TF1's Momentum (`a = m * a + g; w -= lr
* a`) for a constant learning rate, Nesterov's too. `iterations` counts the
steps (the global step of the updates)."""

from ..framework import dtypes
from ..framework.constant_op import convert_to_tensor
from ..framework.graph import get_default_graph
from ..ops import elementwise as _ew
from ..ops.state_ops import Variable, assign_add, assign_sub
from ..ops.array_ops import group
from ..api.clip_ops import clip_by_norm, clip_by_value
from ..api.gradients_impl import gradients as _gradients
from ..train.adadelta import AdadeltaOptimizer
from ..train.adagrad import AdagradOptimizer
from ..train.adam import AdamOptimizer
from ..train.ftrl import FtrlOptimizer
from ..train.gradient_descent import GradientDescentOptimizer
from ..train.momentum import MomentumOptimizer
from ..train.optimizer import cast_like
from ..train.rmsprop import RMSPropOptimizer
from ..train.optimizer import Optimizer as TFOptimizer
from ..ops.state_ops import assign
from ..api.clip_ops import clip_by_global_norm

__all__ = ["Optimizer", "SGD", "Adam", "RMSprop", "Adagrad", "Adadelta", "Adamax",
           "Ftrl", "get", "serialize", "deserialize"]


class _KerasRMSProp(RMSPropOptimizer):
    """TF1's RMSProp with Keras's slots: the mean square starts at zero."""

    def _create_slots(self, var_list):
        for v in var_list:
            self._zeros_slot(v, "rms", self._name)
            if self._centered:
                self._zeros_slot(v, "mg", self._name)
            self._zeros_slot(v, "momentum", self._name)

    def _apply_dense(self, grad, var):
        if self._momentum:
            return super()._apply_dense(grad, var)
        # Keras's update without momentum puts epsilon outside the root:
        # w -= lr * g / (sqrt(ms - mg^2) + eps).
        rho = cast_like(self._decay_tensor, var)
        rms = self.get_slot(var, "rms")
        new_rms = assign(rms, rho * rms.value() + (1.0 - rho) * _ew.square(grad))
        denom = new_rms
        if self._centered:
            mg = self.get_slot(var, "mg")
            new_mg = assign(mg, rho * mg.value() + (1.0 - rho) * grad)
            denom = new_rms - _ew.square(new_mg)
        lr = cast_like(self._learning_rate_tensor, var)
        eps = cast_like(self._epsilon_tensor, var)
        return assign_sub(var, lr * grad / (_ew.sqrt(denom) + eps)).op


class _KerasAdagrad(AdagradOptimizer):
    """Adagrad with Keras's epsilon: `accum += g^2; w -= lr * g / (sqrt(accum) + eps)`."""

    def __init__(self, learning_rate, initial_accumulator_value, epsilon, name):
        super().__init__(learning_rate, initial_accumulator_value, name=name)
        self._epsilon = epsilon

    def _apply_dense(self, grad, var):
        acc = self.get_slot(var, "accumulator")
        new_acc = assign_add(acc, _ew.square(grad))
        lr = cast_like(self._learning_rate_tensor, var)
        return assign_sub(var, lr * grad / (_ew.sqrt(new_acc) + self._epsilon)).op


class _Adamax(AdamOptimizer):
    """Adamax (Kingma & Ba): the infinity-norm variant of Adam:
    `m = b1 m + (1 - b1) g; u = max(b2 u, |g|); w -= lr / (1 - b1^t) * m / (u + eps)`."""

    def _apply_dense(self, grad, var):
        m, u = self.get_slot(var, "m"), self.get_slot(var, "v")
        beta1_power, _ = self._get_beta_accumulators()
        b1, b2 = self._beta1, self._beta2
        new_m = assign_add(m, (grad - m.value()) * (1.0 - b1))
        new_u = assign(u, _ew.maximum(b2 * u.value(), _ew.abs(grad)))
        lr = cast_like(self._lr_t, var) / (1.0 - cast_like(beta1_power.value(), var))
        return assign_sub(var, lr * new_m / (new_u + self._epsilon)).op


class Optimizer:
    """Base class of the Keras optimizers: hyperparameters (Keras's names
    and defaults), `get_updates` for the training loop, `minimize` and
    `apply_gradients`, `iterations`, gradient clipping by `clipnorm`,
    `global_clipnorm` or `clipvalue`."""

    _default_name = "Optimizer"

    def __init__(self, name=None, clipnorm=None, clipvalue=None, global_clipnorm=None,
                 **kwargs):
        for k in kwargs:
            if k not in ("lr", "decay", "use_ema", "ema_momentum", "jit_compile",
                         "is_legacy_optimizer"):
                raise TypeError(f"{k} is not a valid argument, kwargs should be empty  for "
                                "`optimizer_experimental.Optimizer`.")
        if "lr" in kwargs:
            self._hyper["learning_rate"] = kwargs["lr"]
        self._name = name or self._default_name
        self.clipnorm = clipnorm
        self.clipvalue = clipvalue
        self.global_clipnorm = global_clipnorm
        self._iterations = None
        self._tf_optimizer = None

    _hyper = None

    def _set_hyper(self, **hyper):
        self._hyper = dict(hyper)

    def __getattr__(self, name):
        hyper = self.__dict__.get("_hyper") or {}
        if name in hyper:
            return hyper[name]
        if name == "lr" and "learning_rate" in hyper:
            return hyper["learning_rate"]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __setattr__(self, name, value):
        hyper = self.__dict__.get("_hyper")
        if hyper is not None and (name in hyper or name == "lr"):
            hyper["learning_rate" if name == "lr" else name] = value
            return
        object.__setattr__(self, name, value)

    @property
    def iterations(self):
        """The number of training steps this optimizer has run (an int64 variable)."""
        if self._iterations is None:
            graph = get_default_graph()
            with graph.name_scope(self._name):
                self._iterations = Variable(0, dtype=dtypes.int64, trainable=False, name="iter")
        return self._iterations

    def _optimizer(self):
        if self._tf_optimizer is None:
            self._tf_optimizer = self._make()
        return self._tf_optimizer

    def _clip(self, grads):
        if self.clipvalue is not None:
            grads = [None if g is None else clip_by_value(g, -self.clipvalue, self.clipvalue)
                     for g in grads]
        if self.clipnorm is not None:
            grads = [None if g is None else clip_by_norm(g, self.clipnorm) for g in grads]
        if self.global_clipnorm is not None:
            present = [g for g in grads if g is not None]
            clipped, _ = clip_by_global_norm(present, self.global_clipnorm)
            it = iter(clipped)
            grads = [None if g is None else next(it) for g in grads]
        return grads

    def get_gradients(self, loss, params):
        """Returns gradients of `loss` with respect to `params` (clipped as configured)."""
        grads = _gradients(loss, list(params))
        if any(g is None for g in grads):
            raise ValueError("An operation has `None` for gradient. Please make sure that all "
                             "of your ops have a gradient defined (i.e. are differentiable). "
                             "Common ops without gradient: K.argmax, K.round, K.eval.")
        return self._clip(grads)

    def apply_gradients(self, grads_and_vars, name=None):
        """Apply gradients to variables; returns the op (which also
        increments `iterations`)."""
        grads_and_vars = [(g, v) for g, v in grads_and_vars if g is not None]
        if not grads_and_vars:
            raise ValueError("No gradients provided for any variable.")
        graph = get_default_graph()
        iterations = self.iterations
        with graph.name_scope(self._name):
            return self._optimizer().apply_gradients(grads_and_vars, global_step=iterations,
                                                     name=name)

    def minimize(self, loss, var_list, grad_loss=None, name=None, tape=None):
        """Minimize `loss` by updating `var_list` (computes the gradients,
        clips them, applies them)."""
        if callable(loss):
            loss = loss()
        if callable(var_list):
            var_list = var_list()
        var_list = list(var_list)
        grads = _gradients(loss, var_list, grad_ys=grad_loss)
        return self.apply_gradients(zip(self._clip(grads), var_list), name=name)

    def get_updates(self, loss, params):
        """The update ops of one training step of `loss` over `params`."""
        grads = self.get_gradients(loss, params)
        return [self.apply_gradients(zip(grads, params))]

    def variables(self):
        """The optimizer's variables: `iterations` and its slots."""
        out = [self.iterations] if self._iterations is not None else []
        opt = self._tf_optimizer
        if opt is not None:
            out += list(opt.variables()) if hasattr(opt, "variables") else []
        return out

    def get_config(self):
        """The optimizer's configuration: its name and hyperparameters."""
        config = {"name": self._name, **self._hyper}
        for k in ("clipnorm", "clipvalue", "global_clipnorm"):
            if getattr(self, k) is not None:
                config[k] = getattr(self, k)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """Creates an optimizer from its config."""
        return cls(**config)


class SGD(Optimizer):
    """Gradient descent (with momentum) optimizer: `w -= lr * g`, or with
    `momentum`, `velocity = momentum * velocity - lr * g; w += velocity`
    (and Nesterov's variant)."""

    _default_name = "SGD"

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, name="SGD", **kwargs):
        if isinstance(momentum, (int, float)) and not 0 <= momentum <= 1:
            raise ValueError(f"`momentum` must be between [0, 1]. Received: momentum={momentum}"
                             f" (of type {type(momentum)}).")
        self._set_hyper(learning_rate=learning_rate, momentum=momentum)
        self.nesterov = nesterov
        super().__init__(name=name, **kwargs)

    def _make(self):
        h = self._hyper
        if h["momentum"]:
            return MomentumOptimizer(h["learning_rate"], h["momentum"], name=self._name,
                                     use_nesterov=self.nesterov)
        return GradientDescentOptimizer(h["learning_rate"], name=self._name)


class Adam(Optimizer):
    """Adam: `m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; w -= lr *
    sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + epsilon)` (Keras's defaults:
    learning_rate 0.001, beta_1 0.9, beta_2 0.999, epsilon 1e-7)."""

    _default_name = "Adam"

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 amsgrad=False, name="Adam", **kwargs):
        if amsgrad:
            raise NotImplementedError("fastgraph's Keras Adam has no amsgrad")
        self._set_hyper(learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2,
                        epsilon=epsilon)
        self.amsgrad = amsgrad
        super().__init__(name=name, **kwargs)

    def _make(self):
        h = self._hyper
        return AdamOptimizer(h["learning_rate"], h["beta_1"], h["beta_2"], h["epsilon"],
                             name=self._name)


class Adamax(Adam):
    """Adamax, a variant of Adam based on the infinity norm (Keras's
    defaults: learning_rate 0.001, beta_1 0.9, beta_2 0.999, epsilon 1e-7)."""

    _default_name = "Adamax"

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 name="Adamax", **kwargs):
        super().__init__(learning_rate, beta_1, beta_2, epsilon, name=name, **kwargs)

    def _make(self):
        h = self._hyper
        return _Adamax(h["learning_rate"], h["beta_1"], h["beta_2"], h["epsilon"],
                       name=self._name)


class RMSprop(Optimizer):
    """RMSprop: `ms = rho ms + (1 - rho) g^2; mom = momentum mom + lr g /
    sqrt(ms + epsilon); w -= mom` (Keras's defaults: learning_rate 0.001,
    rho 0.9, momentum 0.0, epsilon 1e-7, the mean square starting at 0)."""

    _default_name = "RMSprop"

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7,
                 centered=False, name="RMSprop", **kwargs):
        self._set_hyper(learning_rate=learning_rate, rho=rho, momentum=momentum,
                        epsilon=epsilon)
        self.centered = centered
        super().__init__(name=name, **kwargs)

    def _make(self):
        h = self._hyper
        return _KerasRMSProp(h["learning_rate"], decay=h["rho"], momentum=h["momentum"],
                             epsilon=h["epsilon"], centered=self.centered, name=self._name)


class Adagrad(Optimizer):
    """Adagrad: `accum += g^2; w -= lr * g / (sqrt(accum) + epsilon)`
    (Keras's defaults: learning_rate 0.001, initial_accumulator_value 0.1,
    epsilon 1e-7)."""

    _default_name = "Adagrad"

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7,
                 name="Adagrad", **kwargs):
        if initial_accumulator_value < 0.0:
            raise ValueError("initial_accumulator_value must be non-negative: "
                             f"{initial_accumulator_value}")
        self._set_hyper(learning_rate=learning_rate, epsilon=epsilon)
        self.initial_accumulator_value = initial_accumulator_value
        super().__init__(name=name, **kwargs)

    def _make(self):
        h = self._hyper
        return _KerasAdagrad(h["learning_rate"], self.initial_accumulator_value or 1e-30,
                             h["epsilon"], self._name)


class Adadelta(Optimizer):
    """Adadelta (Keras's defaults: learning_rate 0.001, rho 0.95, epsilon 1e-7)."""

    _default_name = "Adadelta"

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-7, name="Adadelta", **kwargs):
        self._set_hyper(learning_rate=learning_rate, rho=rho, epsilon=epsilon)
        super().__init__(name=name, **kwargs)

    def _make(self):
        h = self._hyper
        return AdadeltaOptimizer(h["learning_rate"], h["rho"], h["epsilon"], name=self._name)


class Ftrl(Optimizer):
    """FTRL-proximal (Keras's defaults: learning_rate 0.001,
    learning_rate_power -0.5, initial_accumulator_value 0.1, no l1/l2)."""

    _default_name = "Ftrl"

    def __init__(self, learning_rate=0.001, learning_rate_power=-0.5,
                 initial_accumulator_value=0.1, l1_regularization_strength=0.0,
                 l2_regularization_strength=0.0, name="Ftrl",
                 l2_shrinkage_regularization_strength=0.0, beta=0.0, **kwargs):
        self._set_hyper(learning_rate=learning_rate, learning_rate_power=learning_rate_power,
                        l1_regularization_strength=l1_regularization_strength,
                        l2_regularization_strength=l2_regularization_strength)
        self.initial_accumulator_value = initial_accumulator_value
        self.l2_shrinkage_regularization_strength = l2_shrinkage_regularization_strength
        super().__init__(name=name, **kwargs)

    def _make(self):
        h = self._hyper
        return FtrlOptimizer(h["learning_rate"], h["learning_rate_power"],
                             self.initial_accumulator_value, h["l1_regularization_strength"],
                             h["l2_regularization_strength"], name=self._name,
                             l2_shrinkage_regularization_strength=(
                                 self.l2_shrinkage_regularization_strength))


_BY_NAME = {"sgd": SGD, "adam": Adam, "rmsprop": RMSprop, "adagrad": Adagrad,
            "adadelta": Adadelta, "adamax": Adamax, "ftrl": Ftrl}


def serialize(optimizer):
    """The `{"class_name", "config"}` of an optimizer."""
    return {"class_name": type(optimizer).__name__, "config": optimizer.get_config()}


def deserialize(config, custom_objects=None):
    """An optimizer from its config (or its name)."""
    if isinstance(config, str):
        config = {"class_name": config, "config": {}}
    name = config["class_name"]
    cls = (custom_objects or {}).get(name) or _BY_NAME.get(name.lower())
    if cls is None:
        raise ValueError(f"Unknown optimizer: '{name}'. Please ensure you are using a "
                         "`keras.utils.custom_object_scope` and that this object is included "
                         "in the scope.")
    return cls(**config.get("config", {}))


def get(identifier):
    """An optimizer for a name ("sgd", "adam", ...), a config, an optimizer
    instance, or a TF1 `tf.train.Optimizer` (used as it is)."""
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, TFOptimizer):
        return _TFOptimizer(identifier)
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    raise ValueError(f"Could not interpret optimizer identifier: {identifier}")


class _TFOptimizer(Optimizer):
    """A TF1 `tf.train.Optimizer` given to `compile`, used as it is."""

    def __init__(self, optimizer):
        self._set_hyper()
        super().__init__(name=optimizer.get_name())
        self._tf_optimizer = optimizer


del convert_to_tensor, group
