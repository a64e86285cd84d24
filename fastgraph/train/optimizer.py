"""The optimizer base class (TF's `tf.compat.v1.train.Optimizer`):
compute_gradients with `tf.gradients`, then one update op per variable
(the subclass's training op), grouped, and global_step incremented after
them."""

from ..api.gradients_impl import gradients
from ..framework import dtypes
from ..framework.graph import GraphKeys, Tensor, get_default_graph
from ..ops.arguments import to_tensor
from ..ops.array_ops import group, identity
from ..ops.elementwise import cast
from ..ops.state_ops import Variable, assign_add, trainable_variables
from . import slot_creator

__all__ = ["Optimizer"]

# In the order TF's message lists them (it has bfloat16 last, fastgraph none).
_VALID_DTYPES = (dtypes.float32, dtypes.float64, dtypes.float16)


class Optimizer:
    """Base class for optimizers.

    This class defines the API to add Ops to train a model. You never use
    this class directly, but instead instantiate one of its subclasses such
    as `GradientDescentOptimizer`, `AdagradOptimizer`, or
    `MomentumOptimizer`.

    Calling `minimize()` takes care of both computing the gradients and
    applying them to the variables. If you want to process the gradients
    before applying them you can instead use the optimizer in three steps:
    compute the gradients with `compute_gradients()`, process them as you
    wish, and apply them with `apply_gradients()`.

    Some optimizer subclasses, such as `MomentumOptimizer` and
    `AdagradOptimizer`, allocate and manage additional variables associated
    with the variables to train. These are called *Slots*; `get_slot_names()`
    and `get_slot()` give access to them.
    """

    # Values for gate_gradients.
    GATE_NONE = 0
    GATE_OP = 1
    GATE_GRAPH = 2

    def __init__(self, use_locking, name):
        """Create a new Optimizer.

        Args:
          use_locking: Bool. If True apply use locks to prevent concurrent
            updates to variables.
          name: A non-empty string. The name to use for accumulators created
            for the optimizer.

        Raises:
          ValueError: If name is malformed.
        """
        if not name:
            raise ValueError("Must specify the optimizer name")
        self._use_locking = use_locking
        self._name = name
        # {slot name: {variable: slot variable}}
        self._slots = {}
        # {(name, graph): variable}: beta1_power and the like.
        self._non_slot_dict = {}

    def get_name(self):
        """The optimizer's name."""
        return self._name

    # ---- the public API -------------------------------------------------------------

    def minimize(self, loss, global_step=None, var_list=None, gate_gradients=GATE_OP,
                 aggregation_method=None, colocate_gradients_with_ops=False, name=None,
                 grad_loss=None):
        """Add operations to minimize `loss` by updating `var_list`.

        This method simply combines calls `compute_gradients()` and
        `apply_gradients()`.

        Args:
          loss: A `Tensor` containing the value to minimize.
          global_step: Optional `Variable` to increment by one after the
            variables have been updated.
          var_list: Optional list or tuple of `Variable` objects to update to
            minimize `loss`. Defaults to the list of variables collected in
            the graph under the key `GraphKeys.TRAINABLE_VARIABLES`.
          gate_gradients: How to gate the computation of gradients. Can be
            `GATE_NONE`, `GATE_OP`, or `GATE_GRAPH`.
          aggregation_method: Specifies the method used to combine gradient
            terms. Valid values are defined in the class `AggregationMethod`.
          colocate_gradients_with_ops: If True, try colocating gradients with
            the corresponding op.
          name: Optional name for the returned operation.
          grad_loss: Optional. A `Tensor` holding the gradient computed for
            `loss`.

        Returns:
          An Operation that updates the variables in `var_list`. If
          `global_step` was not `None`, that operation also increments
          `global_step`.

        Raises:
          ValueError: If some of the variables are not `Variable` objects.
        """
        grads_and_vars = self.compute_gradients(
            loss, var_list=var_list, gate_gradients=gate_gradients,
            aggregation_method=aggregation_method,
            colocate_gradients_with_ops=colocate_gradients_with_ops, grad_loss=grad_loss)
        vars_with_grad = [v for g, v in grads_and_vars if g is not None]
        if not vars_with_grad:
            raise ValueError(
                "No gradients provided for any variable, check your graph for ops"
                " that do not support gradients, between variables %s and loss %s." %
                ([str(v) for _, v in grads_and_vars], loss))
        return self.apply_gradients(grads_and_vars, global_step=global_step, name=name)

    def compute_gradients(self, loss, var_list=None, gate_gradients=GATE_OP,
                          aggregation_method=None, colocate_gradients_with_ops=False,
                          grad_loss=None):
        """Compute gradients of `loss` for the variables in `var_list`.

        This is the first part of `minimize()`. It returns a list of
        (gradient, variable) pairs where "gradient" is the gradient for
        "variable". Note that "gradient" can be a `Tensor` or `None` if there
        is no gradient for the given variable.

        Args:
          loss: A Tensor containing the value to minimize.
          var_list: Optional list or tuple of `tf.Variable` to update to
            minimize `loss`. Defaults to the list of variables collected in
            the graph under the key `GraphKeys.TRAINABLE_VARIABLES`.
          gate_gradients: How to gate the computation of gradients. Can be
            `GATE_NONE`, `GATE_OP`, or `GATE_GRAPH`.
          aggregation_method: Specifies the method used to combine gradient
            terms. Valid values are defined in the class `AggregationMethod`.
          colocate_gradients_with_ops: If True, try colocating gradients with
            the corresponding op.
          grad_loss: Optional. A `Tensor` holding the gradient computed for
            `loss`.

        Returns:
          A list of (gradient, variable) pairs. Variable is always present,
          but gradient can be `None`.

        Raises:
          TypeError: If `var_list` contains anything else than `Variable`
            objects.
          ValueError: If some arguments are invalid.
        """
        if callable(loss):
            # TF records the call on a GradientTape; in a graph the ops the
            # call builds are that record, and tf.gradients reads them.
            loss = loss()
        if gate_gradients not in (Optimizer.GATE_NONE, Optimizer.GATE_OP, Optimizer.GATE_GRAPH):
            raise ValueError("gate_gradients must be one of: Optimizer.GATE_NONE, "
                             "Optimizer.GATE_OP, Optimizer.GATE_GRAPH.  Not %s" % gate_gradients)
        self._assert_valid_dtypes([loss])
        if grad_loss is not None:
            self._assert_valid_dtypes([grad_loss])
        if var_list is None:
            with loss.graph.as_default():
                var_list = trainable_variables()
        else:
            var_list = list(_flatten(var_list))
        if not var_list:
            raise ValueError("No variables to optimize.")
        for v in var_list:
            if not isinstance(v, Variable):
                raise TypeError(f"Argument is not a tf.Variable: {v}")
        grads = gradients(loss, var_list, grad_ys=grad_loss,
                          gate_gradients=(gate_gradients == Optimizer.GATE_OP),
                          aggregation_method=aggregation_method,
                          colocate_gradients_with_ops=colocate_gradients_with_ops)
        if gate_gradients == Optimizer.GATE_GRAPH:
            grads = _gate_together(grads)
        grads_and_vars = list(zip(grads, var_list))
        self._assert_valid_dtypes([v for g, v in grads_and_vars if g is not None])
        return grads_and_vars

    def apply_gradients(self, grads_and_vars, global_step=None, name=None):
        """Apply gradients to variables.

        This is the second part of `minimize()`. It returns an `Operation`
        that applies gradients.

        Args:
          grads_and_vars: List of (gradient, variable) pairs as returned by
            `compute_gradients()`.
          global_step: Optional `Variable` to increment by one after the
            variables have been updated.
          name: Optional name for the returned operation. Default to the name
            passed to the `Optimizer` constructor.

        Returns:
          An `Operation` that applies the specified gradients. If
          `global_step` was not None, that operation also increments
          `global_step`.

        Raises:
          TypeError: If `grads_and_vars` is malformed.
          ValueError: If none of the variables have gradients.
        """
        grads_and_vars = tuple(grads_and_vars)
        if not grads_and_vars:
            raise ValueError("No variables provided.")
        converted = []
        for g, v in grads_and_vars:
            if g is not None:
                try:
                    g = to_tensor(v.graph, g)
                except TypeError:
                    raise TypeError("Gradient must be convertible to a Tensor or "
                                    "IndexedSlices, or None: %s" % (g,)) from None
                if not isinstance(g, Tensor):
                    raise TypeError("Gradient must be a Tensor, IndexedSlices, or None: %s" % g)
            if not isinstance(v, Variable):
                raise TypeError(f"Trying to update a Tensor {v}")
            converted.append((g, v))
        var_list = [v for g, v in converted if g is not None]
        if not var_list:
            raise ValueError("No gradients provided for any variable: %s." %
                             ([str(v) for _, v in converted],))
        graph = var_list[0].graph
        if hasattr(get_default_graph(), "_capture_variable"):
            # A traced function's graph: the updates are its ops (the slots
            # still live beside their variables, which it captures).
            graph = get_default_graph()
        with graph.as_default():
            with graph.control_dependencies(None):
                self._create_slots(var_list)
            update_ops = []
            with graph.name_scope(name or self._name) as scope:
                self._prepare()
                for grad, var in converted:
                    if grad is None:
                        continue
                    with graph.name_scope("update_" + var.op.name):
                        update = self._apply_dense(grad, var)
                        if getattr(var, "constraint", None) is not None:
                            # The projection reads the variable once updated.
                            with graph.control_dependencies([update]):
                                update = var.assign(var.constraint(var)).op
                        update_ops.append(update)
                if global_step is None:
                    apply_updates = self._finish(update_ops, scope)
                else:
                    with graph.control_dependencies([self._finish(update_ops, "update")]):
                        apply_updates = assign_add(global_step, 1, name=scope).op
            if apply_updates not in graph.get_collection(GraphKeys.TRAIN_OP):
                graph.add_to_collection(GraphKeys.TRAIN_OP, apply_updates)
            return apply_updates

    def get_slot(self, var, name):
        """Return a slot named `name` created for `var` by the Optimizer.

        Some `Optimizer` subclasses use additional variables. For example
        `Momentum` and `Adagrad` use variables to accumulate updates. This
        method gives access to these `Variable` objects if for some reason
        you need them.

        Use `get_slot_names()` to get the list of slot names created by the
        `Optimizer`.

        Returns:
          The `Variable` for the slot if it was created, `None` otherwise.
        """
        named_slots = self._slots.get(name)
        if not named_slots:
            return None
        return named_slots.get(_var_key(var))

    def get_slot_names(self):
        """Return a list of the names of slots created by the `Optimizer`.

        See `get_slot()`.

        Returns:
          A list of strings.
        """
        return sorted(self._slots.keys())

    def variables(self):
        """A list of variables which encode the current state of `Optimizer`.

        Includes slot variables and additional global variables created by
        the optimizer in the current default graph.

        Returns:
          A list of variables.
        """
        graph = get_default_graph()
        found = [v for (_, g), v in self._non_slot_dict.items() if g is graph]
        for slots in self._slots.values():
            found.extend(v for v in slots.values() if v.graph is graph)
        return sorted(found, key=lambda v: v.name)

    # ---- what subclasses implement -------------------------------------------------

    def _create_slots(self, var_list):
        """Create all slots needed by the variables."""

    def _prepare(self):
        """Create all needed tensors before applying gradients."""

    def _apply_dense(self, grad, var):
        """Add ops to apply dense gradients to `var`; returns an Operation."""
        raise NotImplementedError()

    def _finish(self, update_ops, name_scope):
        """Do what is needed to finish the update: groups the updates."""
        return group(*update_ops, name=name_scope)

    # ---- for subclasses ------------------------------------------------------------

    def _slot_dict(self, slot_name):
        return self._slots.setdefault(slot_name, {})

    def _zeros_slot(self, var, slot_name, op_name):
        """Find or create a slot initialized with 0.0."""
        named_slots = self._slot_dict(slot_name)
        if _var_key(var) not in named_slots:
            named_slots[_var_key(var)] = slot_creator.create_zeros_slot(var, op_name)
        return named_slots[_var_key(var)]

    def _get_or_make_slot_with_value(self, var, value, slot_name, op_name):
        """Find or create a slot holding `value` (a number) everywhere."""
        named_slots = self._slot_dict(slot_name)
        if _var_key(var) not in named_slots:
            named_slots[_var_key(var)] = slot_creator.create_slot_with_value(
                var, value, op_name)
        return named_slots[_var_key(var)]

    def _create_non_slot_variable(self, initial_value, name, colocate_with):
        """Add an extra variable, not associated with a slot."""
        key = (name, colocate_with.graph)
        v = self._non_slot_dict.get(key)
        if v is None:
            with colocate_with.graph.as_default():
                v = Variable(initial_value, name=name, trainable=False)
            self._non_slot_dict[key] = v
        return v

    def _get_non_slot_variable(self, name, graph=None):
        graph = graph or get_default_graph()
        v = self._non_slot_dict.get((name, graph))
        if v is None and hasattr(graph, "_capture_variable"):
            # A traced function's graph uses the one beside the variables.
            v = next((v for (n, _), v in self._non_slot_dict.items() if n == name), None)
        return v

    def _call_if_callable(self, param):
        """Call the function if param is callable."""
        return param() if callable(param) else param

    def _assert_valid_dtypes(self, tensors):
        """Asserts tensors are all valid types (see `_valid_dtypes`).

        Raises:
          ValueError: If any tensor is not a valid type.
        """
        valid = self._valid_dtypes()
        for t in tensors:
            dtype = t.dtype.base_dtype
            if dtype not in valid:
                raise ValueError("Invalid type %r for %s, expected: %s." %
                                 (dtype, t.name, list(valid)))

    def _valid_dtypes(self):
        """Valid types for loss, variables and gradients."""
        return _VALID_DTYPES


def _var_key(var):
    return var


def _flatten(values):
    for v in values:
        if isinstance(v, (list, tuple)):
            yield from _flatten(v)
        else:
            yield v


def _gate_together(grads):
    # TF's control_flow_ops.tuple: every gradient waits for all of them.
    present = [g for g in grads if g is not None]
    if not present:
        return grads
    graph = present[0].graph
    with graph.name_scope("tuple"):
        gate = group(*[g.op for g in present])
        with graph.control_dependencies([gate]):
            return [None if g is None else identity(g) for g in grads]


def cast_like(value, var):
    """`value` (a tensor of the optimizer's hyperparameters) as var's dtype,
    as TF's optimizers cast them before the update op."""
    return cast(value, var.dtype.base_dtype) if value.dtype != var.dtype.base_dtype else value
