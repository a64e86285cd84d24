"""Moving averages (TF's `tf.compat.v1.train.ExponentialMovingAverage` and
`assign_moving_average`): shadow variables that follow other variables."""

from ..framework import dtypes
from ..framework.constant_op import convert_to_tensor
from ..framework.graph import GraphKeys, get_default_graph
from ..ops.array_ops import group
from ..ops.elementwise import add, cast, minimum, multiply, realdiv, subtract
from ..ops.state_ops import Variable, assign_sub, global_variables, trainable_variables
from . import slot_creator

__all__ = ["ExponentialMovingAverage", "assign_moving_average"]

_FLOATS = (dtypes.float16, dtypes.float32, dtypes.float64)


def assign_moving_average(variable, value, decay, zero_debias=True, name=None):
    """Compute the moving average of a variable.

    The moving average of 'variable' updated with 'value' is:
      variable * decay + value * (1 - decay)

    which is computed in place as variable -= (1 - decay) * (variable - value).

    Args:
      variable: A Variable.
      value: A tensor with the same shape as 'variable'.
      decay: A float `Tensor` or float value. The moving average decay.
      zero_debias: A python bool. If true, assume the variable is
        0-initialized and unbias it, as in (Kingma et al., 2015). Only
        zero_debias=False is supported.
      name: Optional name of the returned operation.

    Returns:
      A tensor which if evaluated will compute and return the new moving
      average.
    """
    if zero_debias:
        raise NotImplementedError("assign_moving_average(zero_debias=True) is not supported "
                                  "yet; pass zero_debias=False")
    graph = variable.graph
    with graph.as_default(), graph.name_scope(name or "AssignMovingAvg") as scope:
        rate = convert_to_tensor(subtract(1.0, decay), name="decay")
        if rate.dtype != variable.dtype.base_dtype:
            rate = cast(rate, variable.dtype.base_dtype)
        return assign_sub(variable, multiply(subtract(variable, value), rate), name=scope)


class ExponentialMovingAverage:
    """Maintains moving averages of variables by employing an exponential decay.

    When training a model, it is often beneficial to maintain moving
    averages of the trained parameters. Evaluations that use averaged
    parameters sometimes produce significantly better results than the
    final trained values.

    The `apply()` method adds shadow copies of trained variables the first
    time it is called, and add ops that maintain a moving average of the
    trained variables in their shadow copies. It is used when building the
    training model. The `average()` and `average_name()` methods give access
    to the shadow variables and their names.

    The moving averages are computed using exponential decay. You specify
    the decay value (as a scalar float value, `Tensor`, or `Variable`) when
    creating the `ExponentialMovingAverage` object. The shadow variables are
    initialized with the same initial values as the trained variables. When
    you run the ops to maintain the moving averages, each shadow variable is
    updated with the formula:

      `shadow_variable -= (1 - decay) * (shadow_variable - variable)`
    """

    def __init__(self, decay, num_updates=None, zero_debias=False,
                 name="ExponentialMovingAverage"):
        """Creates a new ExponentialMovingAverage object.

        Args:
          decay: A scalar float value, `Tensor`, or `Variable`. The decay
            parameter.
          num_updates: Optional count of number of updates applied to
            variables; the decay used is then `min(decay, (1 + num_updates)
            / (10 + num_updates))`.
          zero_debias: If `True`, zero debias moving-averages that are
            initialized with tensors (not supported yet).
          name: String. Optional prefix name to use for the name of ops
            added in `apply()`.
        """
        self._decay = decay
        self._num_updates = num_updates
        self._zero_debias = zero_debias
        self._name = name
        self._averages = {}

    @property
    def name(self):
        """The name of this ExponentialMovingAverage object."""
        return self._name

    def apply(self, var_list=None):
        """Maintains moving averages of variables.

        `var_list` must be a list of `Variable` objects. This method creates
        shadow variables (holding the moving averages) for all elements of
        `var_list`, initialized to the variable's initial value, and adds
        them to the `GraphKeys.MOVING_AVERAGE_VARIABLES` collection.

        Returns an op that updates all shadow variables from the current
        value of their associated variables.

        Args:
          var_list: A list of Variable objects. The variables must be of
            types bfloat16, float16, float32, or float64. If `None`, the
            trainable variables of the graph.

        Returns:
          An Operation that updates the moving averages.

        Raises:
          TypeError: If the arguments are not an allowed type.
        """
        if var_list is None:
            var_list = trainable_variables()
        var_list = list(var_list)
        for var in var_list:
            if var.dtype.base_dtype not in _FLOATS:
                raise TypeError("The variables must be half, float, or double: %s" % var.name)
            if not isinstance(var, Variable):
                raise NotImplementedError("ExponentialMovingAverage.apply takes Variables only "
                                          "(moving averages of tensors are not supported yet)")
            if var not in self._averages:
                # The shadow starts from the variable's initial value (TF
                # takes its current value when it is initialized first).
                self._averages[var] = slot_creator.create_slot(var, var.initial_value,
                                                               self._name)
                var.graph.add_to_collection(GraphKeys.MOVING_AVERAGE_VARIABLES, var)
        graph = var_list[0].graph if var_list else get_default_graph()
        with graph.as_default(), graph.name_scope(self._name) as scope:
            decay = convert_to_tensor(self._decay, dtype=dtypes.float32, name="decay")
            if self._num_updates is not None:
                num_updates = cast(self._num_updates, dtypes.float32, name="num_updates")
                decay = minimum(decay, realdiv(add(1.0, num_updates), add(10.0, num_updates)))
            updates = [assign_moving_average(self._averages[var], var, decay,
                                             zero_debias=False).op
                       for var in var_list]
            return group(*updates, name=scope)

    def average(self, var):
        """Returns the `Variable` holding the average of `var`, or None."""
        return self._averages.get(var)

    def average_name(self, var):
        """Returns the name of the `Variable` holding the average for `var`.

        The typical scenario for `ExponentialMovingAverage` is to compute
        moving averages of variables during training, and restore the
        variables from the computed moving averages during evaluations.

        To restore variables, you have to know the name of the shadow
        variables. That name and the original variable can then be passed to
        a `Saver()` object to restore the variable from the moving average
        value with: `saver = tf.compat.v1.train.Saver({ema.average_name(var):
        var})`

        `average_name()` can be called whether or not `apply()` has been
        called.

        Args:
          var: A `Variable` object.

        Returns:
          A string: The name of the variable that will be used or was used
          by the `ExponentialMovingAverage class` to hold the moving average
          of `var`.
        """
        if var in self._averages:
            return self._averages[var].op.name
        return var.graph.unique_name(var.op.name + "/" + self._name, mark_as_used=False)

    def variables_to_restore(self, moving_avg_variables=None):
        """Returns a map of names to `Variables` to restore.

        If a variable has a moving average, use the moving average variable
        name as the restore name; otherwise, use the variable name.

        Below is an example of such mapping:

        ```
          conv/batchnorm/gamma/ExponentialMovingAverage: conv/batchnorm/gamma,
          conv_4/conv2d_params/ExponentialMovingAverage: conv_4/conv2d_params,
          global_step: global_step
        ```

        Args:
          moving_avg_variables: a list of variables that require to use of
            the moving average variable name to be restored. If None, it
            will default to variables.moving_average_variables() +
            variables.trainable_variables()

        Returns:
          A map from restore_names to variables. The restore_name is either
          the original or the moving average version of the variable name,
          depending on whether the variable name is in the
          `moving_avg_variables`.
        """
        graph = get_default_graph()
        if moving_avg_variables is None:
            moving_avg_variables = trainable_variables() + \
                graph.get_collection(GraphKeys.MOVING_AVERAGE_VARIABLES)
        averaged = list(dict.fromkeys(moving_avg_variables))
        name_map = {self.average_name(v): v for v in averaged}
        averaged_names = {v.name for v in averaged}
        for v in global_variables():
            if v.name not in averaged_names and v.op.name not in name_map:
                name_map[v.op.name] = v
        return name_map
