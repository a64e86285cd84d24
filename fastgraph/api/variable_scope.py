"""Variables the TF1 way: `get_variable` and `variable_scope` (the TF1
initializer classes are in init_ops).

A graph keeps one variable store (full name -> Variable) and one scope
store (the current VariableScope and the counts of opened scope names), in
collections of the graph, as TF does: a new graph starts with neither.
"""

import enum
import inspect

from ..framework import dtypes
from ..framework.constant_op import convert_to_tensor
from ..framework.graph import get_default_graph
from ..framework.tensor_shape import TensorShape
from ..ops.arguments import graph_of
from ..ops.state_ops import Variable
from .init_ops import glorot_uniform_initializer, zeros_initializer

__all__ = [
    "get_variable", "get_local_variable", "variable_scope", "get_variable_scope",
    "VariableScope", "AUTO_REUSE",
]

_VARSTORE_KEY = ("__variable_store",)
_VARSCOPESTORE_KEY = ("__varscope",)
REGULARIZATION_LOSSES = "regularization_losses"


class _ReuseMode(enum.Enum):
    """Mode for variable access within a variable scope."""

    # Fetch variables if they already exist, otherwise create them.
    AUTO_REUSE = 1


AUTO_REUSE = _ReuseMode.AUTO_REUSE


# ---- the stores ---------------------------------------------------------------


def _needs_no_arguments(fn):
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return False
    return all(p.default is not p.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
               for p in sig.parameters.values())


def _accepts(fn, arg):
    try:
        return arg in inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False


class _VariableStore:
    """The variables that `get_variable` made in one graph, by full name."""

    def __init__(self):
        self._vars = {}

    def get_variable(self, name, shape=None, dtype=dtypes.float32, initializer=None,
                     regularizer=None, reuse=None, trainable=None, collections=None,
                     partitioner=None, validate_shape=True, custom_getter=None, constraint=None):
        if trainable is None:
            trainable = True
        kwargs = dict(shape=shape, dtype=dtype, initializer=initializer,
                      regularizer=regularizer, reuse=reuse, trainable=trainable,
                      collections=collections, partitioner=partitioner,
                      validate_shape=validate_shape, constraint=constraint)
        if custom_getter is not None:
            return custom_getter(self._true_getter, name, **kwargs)
        return self._true_getter(name, **kwargs)

    def _true_getter(self, name, shape=None, dtype=dtypes.float32, initializer=None,
                     regularizer=None, reuse=None, trainable=None, collections=None,
                     partitioner=None, validate_shape=True, constraint=None, **unused):
        is_scalar = shape is not None and isinstance(shape, (list, tuple)) and not shape
        if partitioner is not None and not is_scalar:
            raise NotImplementedError("fastgraph has no partitioned variables")
        if trainable is None:
            trainable = True
        initializing_from_value = initializer is not None and not callable(initializer)
        if shape is not None and initializing_from_value:
            raise ValueError("If initializer is a constant, do not specify shape.")
        dtype = dtypes.as_dtype(dtype)
        if shape is not None:
            shape = TensorShape(shape)

        if name in self._vars:
            found = self._vars[name]
            if reuse is False:
                raise ValueError(f"Variable {name} already exists, disallowed. Did you mean to "
                                 "set reuse=True or reuse=tf.AUTO_REUSE in VarScope?")
            if shape is not None and not shape.is_compatible_with(found.shape):
                raise ValueError(f"Trying to share variable {name}, but specified shape {shape} "
                                 f"and found shape {found.shape}.")
            if dtype != found.dtype:
                raise ValueError(f"Trying to share variable {name}, but specified dtype "
                                 f"{dtype.name} and found dtype {found.dtype.name}.")
            return found

        if reuse is True:
            raise ValueError(f"Variable {name} does not exist, or was not created with "
                             "tf.get_variable(). Did you mean to set reuse=tf.AUTO_REUSE in "
                             "VarScope?")

        if initializer is None:
            if shape is None:
                raise ValueError(f"Variable {name} did not get an initializer, so its `shape` "
                                 "argument must be specified.")
            if dtype.is_floating:
                initializer = glorot_uniform_initializer()
            elif dtype.is_integer or dtype.is_unsigned or dtype.is_bool or dtype == dtypes.string:
                initializer = zeros_initializer()
            else:
                raise ValueError(f"An initializer for variable {name} of {dtype} is required")

        graph = get_default_graph()
        # TF's init_scope: no control dependencies, and outside any loop body
        # or cond branch being built (a cell first called in dynamic_rnn's
        # loop makes its variables once, in the graph); the initializer's ops
        # go under "<name>/Initializer/".
        outer, graph._sub_graph_stack = graph._sub_graph_stack, []
        try:
            return self._make_variable(graph, name, shape, dtype, initializer, regularizer,
                                       trainable, collections, validate_shape, constraint,
                                       initializing_from_value)
        finally:
            graph._sub_graph_stack = outer

    def _make_variable(self, graph, name, shape, dtype, initializer, regularizer, trainable,
                       collections, validate_shape, constraint, initializing_from_value):
        with graph.control_dependencies(None), graph.name_scope(name + "/Initializer/"):
            if initializing_from_value:
                init_val = initializer
                variable_dtype = None
            else:
                if inspect.isclass(initializer):
                    initializer = initializer()
                if shape is not None and shape.is_fully_defined():
                    if _accepts(initializer, "partition_info"):
                        init_val = initializer(shape.as_list(), dtype=dtype, partition_info=None)
                    else:
                        init_val = initializer(shape.as_list(), dtype=dtype)
                    variable_dtype = dtype
                elif _needs_no_arguments(initializer):
                    init_val = initializer()
                    variable_dtype = None
                else:
                    raise ValueError("The initializer passed is not valid. It should be a "
                                     "callable with no arguments and the shape should not be "
                                     "provided or an instance of `tf.keras.initializers.*' and "
                                     "`shape` should be fully defined.")
        with graph.control_dependencies(None), graph.name_scope(None):
            v = Variable(initial_value=init_val, name=name, trainable=trainable,
                         collections=collections, validate_shape=validate_shape,
                         dtype=variable_dtype, constraint=constraint, shape=shape)
        self._vars[name] = v
        if regularizer:
            with graph.name_scope(None), graph.name_scope(name + "/Regularizer/"):
                loss = regularizer(v)
            if loss is not None:
                graph.add_to_collection(REGULARIZATION_LOSSES, loss)
        return v


class VariableScope:
    """Variable scope object to carry defaults to provide to `get_variable`.

    Many of the arguments we need for `get_variable` in a variable store are most
    easily handled with a context. This object is used for the defaults.

    Attributes:
      name: name of the current scope, used as prefix in get_variable.
      initializer: default initializer passed to get_variable.
      regularizer: default regularizer passed to get_variable.
      reuse: Boolean, None, or tf.compat.v1.AUTO_REUSE, setting the reuse in
        get_variable.
      custom_getter: default custom getter passed to get_variable.
      name_scope: The name passed to `tf.name_scope`.
      dtype: default type passed to get_variable (defaults to DT_FLOAT).
    """

    def __init__(self, reuse, name="", initializer=None, regularizer=None, caching_device=None,
                 partitioner=None, custom_getter=None, name_scope="", dtype=dtypes.float32,
                 use_resource=None, constraint=None):
        self._name = name
        self._initializer = initializer
        self._regularizer = regularizer
        self._reuse = reuse
        self._caching_device = caching_device
        self._partitioner = partitioner
        self._custom_getter = custom_getter
        self._name_scope = name_scope
        self._dtype = dtype
        self._use_resource = use_resource
        self._constraint = constraint

    name = property(lambda self: self._name, doc="The scope's name (the variables' prefix).")
    original_name_scope = property(lambda self: self._name_scope,
                                   doc="The name scope opened with this scope (ends in '/').")
    reuse = property(lambda self: self._reuse, doc="True, False, None or AUTO_REUSE.")
    initializer = property(lambda self: self._initializer)
    dtype = property(lambda self: self._dtype)
    use_resource = property(lambda self: self._use_resource)
    regularizer = property(lambda self: self._regularizer)
    caching_device = property(lambda self: self._caching_device)
    partitioner = property(lambda self: self._partitioner)
    custom_getter = property(lambda self: self._custom_getter)
    constraint = property(lambda self: self._constraint)

    def reuse_variables(self):
        """Reuse variables in this scope."""
        self._reuse = True

    def set_initializer(self, initializer):
        """Set initializer for this scope."""
        self._initializer = initializer

    def set_dtype(self, dtype):
        """Set data type for this scope."""
        self._dtype = dtype

    def set_use_resource(self, use_resource):
        """Sets whether to use ResourceVariables for this scope (no effect here)."""
        self._use_resource = use_resource

    def set_regularizer(self, regularizer):
        """Set regularizer for this scope."""
        self._regularizer = regularizer

    def set_caching_device(self, caching_device):
        """Set caching_device for this scope (no effect: fastgraph runs on the CPU)."""
        self._caching_device = caching_device

    def set_partitioner(self, partitioner):
        """Set partitioner for this scope."""
        self._partitioner = partitioner

    def set_custom_getter(self, custom_getter):
        """Set custom getter for this scope."""
        self._custom_getter = custom_getter

    def get_collection(self, name):
        """Get this scope's variables."""
        scope = self._name + "/" if self._name else ""
        return get_default_graph().get_collection(name, scope)

    def trainable_variables(self):
        """Get this scope's trainable variables."""
        return self.get_collection("trainable_variables")

    def global_variables(self):
        """Get this scope's global variables."""
        return self.get_collection("variables")

    def local_variables(self):
        """Get this scope's local variables."""
        return self.get_collection("local_variables")

    def get_variable(self, var_store, name, shape=None, dtype=None, initializer=None,
                     regularizer=None, reuse=None, trainable=None, collections=None,
                     caching_device=None, partitioner=None, validate_shape=True,
                     use_resource=None, custom_getter=None, constraint=None,
                     synchronization=None, aggregation=None):
        """Gets an existing variable with this name or create a new one."""
        if regularizer is None:
            regularizer = self._regularizer
        if partitioner is None:
            partitioner = self._partitioner
        if custom_getter is None:
            custom_getter = self._custom_getter
        if reuse is None:
            reuse = self._reuse
        full_name = self._name + "/" + name if self._name else name
        graph = get_default_graph()
        # Variable names depend only on the variable scope, not the name scope.
        with graph.name_scope(None):
            if dtype is not None and initializer is not None and not callable(initializer):
                init_dtype = convert_to_tensor(initializer).dtype
                if init_dtype != dtypes.as_dtype(dtype):
                    raise ValueError(f"Initializer type '{init_dtype}' and explicit dtype "
                                     f"'{dtypes.as_dtype(dtype)}' don't match.")
            if initializer is None:
                initializer = self._initializer
            if constraint is None:
                constraint = self._constraint
            if dtype is None:
                dtype = self._dtype
            return var_store.get_variable(
                full_name, shape=shape, dtype=dtype, initializer=initializer,
                regularizer=regularizer, reuse=reuse, trainable=trainable,
                collections=collections, partitioner=partitioner,
                validate_shape=validate_shape, custom_getter=custom_getter,
                constraint=constraint)


class _VariableScopeStore:
    """The current variable scope of a graph and the counts of opened scope names."""

    def __init__(self):
        self.current_scope = VariableScope(False)
        self.variable_scopes_count = {}

    def open_variable_scope(self, scope_name):
        self.variable_scopes_count[scope_name] = self.variable_scopes_count.get(scope_name, 0) + 1

    def close_variable_subscopes(self, scope_name):
        prefix = scope_name + "/"
        for k in self.variable_scopes_count:
            if k.startswith(prefix):
                self.variable_scopes_count[k] = 0

    def variable_scope_count(self, scope_name):
        return self.variable_scopes_count.get(scope_name, 0)


def _graph_singleton(graph, key, make):
    ref = graph.get_collection_ref(key)
    if not ref:
        ref.append(make())
    return ref[0]


def _scope_store(graph=None):
    return _graph_singleton(graph or get_default_graph(), _VARSCOPESTORE_KEY, _VariableScopeStore)


def _var_store(graph=None):
    return _graph_singleton(graph or get_default_graph(), _VARSTORE_KEY, _VariableStore)


def get_variable_scope():
    """Returns the current variable scope."""
    return _scope_store().current_scope


def get_variable(name, shape=None, dtype=None, initializer=None, regularizer=None,
                 trainable=None, collections=None, caching_device=None, partitioner=None,
                 validate_shape=True, use_resource=None, custom_getter=None, constraint=None,
                 synchronization=None, aggregation=None):
    """Gets an existing variable with these parameters or create a new one.

    This function prefixes the name with the current variable scope
    and performs reuse checks. See the
    [Variable Scope How To](https://tensorflow.org/guide/variables)
    for an extensive description of how reusing works. Here is a basic example:

    ```python
    def foo():
      with tf.variable_scope("foo", reuse=tf.AUTO_REUSE):
        v = tf.get_variable("v", [1])
      return v

    v1 = foo()  # Creates v.
    v2 = foo()  # Gets the same, existing v.
    assert v1 == v2
    ```

    If initializer is `None` (the default), the default initializer passed in
    the variable scope will be used. If that one is `None` too, a
    `glorot_uniform_initializer` will be used. The initializer can also be
    a Tensor, in which case the variable is initialized to this value and shape.

    Similarly, if the regularizer is `None` (the default), the default regularizer
    passed in the variable scope will be used (if that is `None` too,
    then by default no regularization is performed).

    Args:
      name: The name of the new or existing variable.
      shape: Shape of the new or existing variable.
      dtype: Type of the new or existing variable (defaults to `DT_FLOAT`).
      initializer: Initializer for the variable if one is created. Can either be
        an initializer object or a Tensor. If it's a Tensor, its shape must be known
        unless validate_shape is False.
      regularizer: A (Tensor -> Tensor or None) function; the result of
        applying it on a newly created variable will be added to the collection
        `tf.GraphKeys.REGULARIZATION_LOSSES` and can be used for regularization.
      trainable: If `True` also add the variable to the graph collection
        `GraphKeys.TRAINABLE_VARIABLES`.
      collections: List of graph collections keys to add the Variable to.
        Defaults to `[GraphKeys.GLOBAL_VARIABLES]` (see `tf.Variable`).
      caching_device, use_resource, synchronization, aggregation: accepted for
        TF's signature; no effect in fastgraph.
      partitioner: partitioned variables are not supported (NotImplementedError).
      validate_shape: If False, allows the variable to be initialized with a
        value of unknown shape. If True, the default, the shape of initial_value
        must be known.
      custom_getter: Callable that takes as a first argument the true getter, and
        allows overwriting the internal get_variable method.
      constraint: An optional projection function to be applied to the variable
        after being updated by an `Optimizer`.

    Returns:
      The created or existing `Variable`.

    Raises:
      ValueError: when creating a new variable and shape is not declared,
        when violating reuse during variable creation, or when `initializer` dtype
        and `dtype` don't match. Reuse is set inside `variable_scope`.
    """
    return get_variable_scope().get_variable(
        _var_store(), name, shape=shape, dtype=dtype, initializer=initializer,
        regularizer=regularizer, trainable=trainable, collections=collections,
        partitioner=partitioner, validate_shape=validate_shape, custom_getter=custom_getter,
        constraint=constraint)


def get_local_variable(name, shape=None, dtype=None, initializer=None, regularizer=None,
                       trainable=False, collections=None, caching_device=None,
                       partitioner=None, validate_shape=True, use_resource=None,
                       custom_getter=None, constraint=None, synchronization=None,
                       aggregation=None):
    """Gets an existing *local* variable or creates a new one.

    Behavior is the same as in `get_variable`, except that variables are
    added to the `LOCAL_VARIABLES` collection and `trainable` is set to
    `False`.
    """
    collections = list(collections or []) + ["local_variables"]
    return get_variable(name, shape=shape, dtype=dtype, initializer=initializer,
                        regularizer=regularizer, trainable=False, collections=collections,
                        partitioner=partitioner, validate_shape=validate_shape,
                        custom_getter=custom_getter, constraint=constraint)


def _get_unique_variable_scope(store, prefix):
    current = store.current_scope
    name = current.name + "/" + prefix if current.name else prefix
    if store.variable_scope_count(name) == 0:
        return prefix
    idx = 1
    while store.variable_scope_count(f"{name}_{idx}") > 0:
        idx += 1
    return f"{prefix}_{idx}"


class variable_scope:  # noqa: N801 - TF's name
    """A context manager for defining ops that creates variables (layers).

    This context manager validates that the (optional) `values` are from the same
    graph, ensures that graph is the default graph, and pushes a name scope and a
    variable scope.

    If `name_or_scope` is not None, it is used as is. If `name_or_scope` is None,
    then `default_name` is used.  In that case, if the same name has been
    previously used in the same scope, it will be made unique by appending `_N`
    to it.

    Variable scope allows you to create new variables and to share already created
    ones while providing checks to not create or share by accident.

    Keep in mind that the counters for `default_name` are discarded once the
    parent scope is exited. Therefore when the code re-enters the scope (for
    instance by saving it), all nested default_name counters will be restarted.

    Args:
      name_or_scope: `string` or `VariableScope`: the scope to open.
      default_name: The default name to use if the `name_or_scope` argument is
        `None`, this name will be uniquified. If name_or_scope is provided it
        won't be used and therefore it is not required and can be None.
      values: The list of `Tensor` arguments that are passed to the op function.
      initializer: default initializer for variables within this scope.
      regularizer: default regularizer for variables within this scope.
      custom_getter: default custom getter for variables within this scope.
      reuse: `True`, None, or tf.compat.v1.AUTO_REUSE; if `True`, we go into
        reuse mode for this scope as well as all sub-scopes; if
        tf.compat.v1.AUTO_REUSE, we create variables if they do not exist, and
        return them otherwise; if None, we inherit the parent scope's reuse
        flag.
      dtype: type of variables created in this scope (defaults to the type in
        the passed scope, or inherited from parent scope).
      auxiliary_name_scope: If `True`, we create an auxiliary name scope with
        the scope. If `False`, we don't create it. Note that the argument is not
        inherited, and it only takes effect for once when creating. You should
        only use it for re-entering a premade variable scope.

    Returns:
      A scope that can be captured and reused.

    Raises:
      ValueError: when trying to reuse within a create scope, or create within
        a reuse scope.
      TypeError: when the types of some arguments are not appropriate.
    """

    def __init__(self, name_or_scope, default_name=None, values=None, initializer=None,
                 regularizer=None, caching_device=None, partitioner=None, custom_getter=None,
                 reuse=None, dtype=None, use_resource=None, constraint=None,
                 auxiliary_name_scope=True):
        if default_name is None and name_or_scope is None:
            raise TypeError("If default_name is None then name_or_scope is required")
        if reuse is False:
            reuse = None  # False inherits, as None does.
        if not (reuse is True or reuse is None or reuse is AUTO_REUSE):
            raise ValueError("The reuse parameter must be True or False or None.")
        if not isinstance(auxiliary_name_scope, bool):
            raise TypeError("The auxiliary_name_scope must be `True` or `False`, "
                            f"while get {auxiliary_name_scope}")
        self._name_or_scope = name_or_scope
        self._default_name = default_name
        self._graph = graph_of(values or [])
        self._defaults = dict(initializer=initializer, regularizer=regularizer,
                              partitioner=partitioner, custom_getter=custom_getter,
                              dtype=dtype, use_resource=use_resource)
        self._constraint = constraint
        self._reuse = reuse
        self._auxiliary_name_scope = auxiliary_name_scope
        self._exits = []

    def __enter__(self):
        if self._exits:
            raise RuntimeError("variable_scope is not reentrant; make a new one.")
        try:
            return self._enter()
        except BaseException:
            self._unwind(None, None, None)
            raise

    def _push(self, cm):
        value = cm.__enter__()
        self._exits.append(cm.__exit__)
        return value

    def _enter(self):
        graph = self._graph
        self._push(graph.as_default())
        if self._auxiliary_name_scope:
            name_scope_cm = None
        else:
            current = graph.get_name_scope()
            name_scope_cm = graph.name_scope(current + "/" if current else None)
        scope = self._name_or_scope
        if scope is not None:
            if not isinstance(scope, (VariableScope, str)):
                raise TypeError("VariableScope: name_or_scope must be a string or VariableScope.")
            ns = scope if isinstance(scope, str) else scope.name.split("/")[-1]
            old_name_scope = None
            if ns or name_scope_cm is not None:
                entered = self._push(name_scope_cm or graph.name_scope(ns))
                old_name_scope = entered if isinstance(scope, str) else scope.original_name_scope
            return self._enter_pure(scope, self._reuse, old_name_scope)
        if self._reuse:
            raise ValueError("reuse=True cannot be used without a name_or_scope")
        entered = self._push(name_scope_cm or graph.name_scope(self._default_name))
        unique = _get_unique_variable_scope(_scope_store(graph), self._default_name)
        return self._enter_pure(unique, None, entered)

    def _enter_pure(self, name_or_scope, reuse, old_name_scope):
        store = _scope_store(self._graph)
        old = store.current_scope
        d = self._defaults
        if isinstance(name_or_scope, VariableScope):
            new_name = name_or_scope.name
            src = name_or_scope
            new = VariableScope(name_or_scope.reuse if not reuse else reuse, name=new_name,
                                initializer=src.initializer, regularizer=src.regularizer,
                                caching_device=src.caching_device, partitioner=src.partitioner,
                                dtype=src.dtype, custom_getter=src.custom_getter,
                                name_scope=src._name_scope, use_resource=src.use_resource,
                                constraint=self._constraint)
            store.open_variable_scope(new_name)
            saved_counts = dict(store.variable_scopes_count)
        else:
            new_name = old.name + "/" + name_or_scope if old.name else name_or_scope
            reuse = reuse or old.reuse  # reuse is inherited by sub-scopes
            src = old
            new = VariableScope(reuse, name=new_name, initializer=old.initializer,
                                regularizer=old.regularizer, caching_device=old.caching_device,
                                partitioner=old.partitioner, dtype=old.dtype,
                                use_resource=old.use_resource, custom_getter=old.custom_getter,
                                name_scope=name_or_scope if old_name_scope is None
                                else old_name_scope,
                                constraint=self._constraint)
            store.open_variable_scope(new_name)
            saved_counts = None
        for attr in ("initializer", "regularizer", "partitioner", "dtype", "use_resource"):
            if d[attr] is not None:
                getattr(new, "set_" + attr)(d[attr])
        if d["custom_getter"] is not None:
            new.set_custom_getter(_wrap_custom_getter(d["custom_getter"], src.custom_getter))
        store.current_scope = new

        def exit_pure(*exc):
            if store.current_scope is not new:
                raise RuntimeError("Improper nesting of variable_scope.")
            if saved_counts is not None:
                store.variable_scopes_count = saved_counts
            else:
                store.close_variable_subscopes(new_name)
            store.current_scope = old
        self._exits.append(exit_pure)
        return new

    def _unwind(self, *exc):
        while self._exits:
            self._exits.pop()(*exc)

    def __exit__(self, exc_type, exc_value, tb):
        self._unwind(exc_type, exc_value, tb)
        return False


def _wrap_custom_getter(custom_getter, old_getter):
    if old_getter is None:
        return custom_getter

    def wrapped(getter, *args, **kwargs):
        return custom_getter(lambda *a, **k: old_getter(getter, *a, **k), *args, **kwargs)
    return wrapped
