"""Variables the TF1 way: `get_variable`, `variable_scope` and the TF1
initializer classes (`zeros_initializer`, `glorot_uniform_initializer`, ...).

A graph keeps one variable store (full name -> Variable) and one scope
store (the current VariableScope and the counts of opened scope names), in
collections of the graph, as TF does: a new graph starts with neither.
The initializers build their values from existing ops (Fill, Const and the
random ops, with TF1's seed rules).
"""

import enum
import inspect
import math
from types import SimpleNamespace

import numpy as np

from ..framework import dtypes
from ..framework.constant_op import to_numpy
from ..framework.graph import get_default_graph
from ..framework.tensor_shape import TensorShape
from ..ops.arguments import graph_of
from .state_ops import Variable

__all__ = [
    "get_variable", "get_local_variable", "variable_scope", "get_variable_scope",
    "VariableScope", "AUTO_REUSE", "zeros_initializer", "ones_initializer",
    "constant_initializer", "random_normal_initializer", "random_uniform_initializer",
    "truncated_normal_initializer", "variance_scaling_initializer",
    "glorot_uniform_initializer", "glorot_normal_initializer", "initializers",
]

_VARSTORE_KEY = ("__variable_store",)
_VARSCOPESTORE_KEY = ("__varscope",)
REGULARIZATION_LOSSES = "regularization_losses"


class _ReuseMode(enum.Enum):
    """Mode for variable access within a variable scope."""

    # Fetch variables if they already exist, otherwise create them.
    AUTO_REUSE = 1


AUTO_REUSE = _ReuseMode.AUTO_REUSE


# ---- initializers -------------------------------------------------------------


def _assert_float_dtype(dtype):
    if not dtype.is_floating:
        raise ValueError(f"Argument `dtype` is expected to be floating point. Received: {dtype}.")
    return dtype


def _shape_list(shape):
    if isinstance(shape, TensorShape):
        return shape.as_list()
    if isinstance(shape, (int, np.integer)):
        return [int(shape)]
    return [int(d) for d in shape]


class Initializer:
    """Initializer base class: all initializers inherit from this class."""

    def __call__(self, shape, dtype=None, partition_info=None):
        """Returns a tensor object initialized as specified by the initializer.

        Args:
          shape: Shape of the tensor.
          dtype: Optional dtype of the tensor. If not provided use the initializer
            dtype.
          partition_info: Optional information about the possible partitioning of a
            tensor.
        """
        raise NotImplementedError

    def get_config(self):
        """Returns the configuration of the initializer as a JSON-serializable dict."""
        return {}

    @classmethod
    def from_config(cls, config):
        """Instantiates an initializer from a configuration dictionary."""
        return cls(**config)


class zeros_initializer(Initializer):  # noqa: N801 - TF's name
    """Initializer that generates tensors initialized to 0."""

    def __init__(self, dtype=dtypes.float32):
        self.dtype = dtypes.as_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        from .indexing_ops import zeros
        return zeros(_shape_list(shape), self.dtype if dtype is None else dtype)

    def get_config(self):
        return {"dtype": self.dtype.name}


class ones_initializer(Initializer):  # noqa: N801
    """Initializer that generates tensors initialized to 1."""

    def __init__(self, dtype=dtypes.float32):
        self.dtype = dtypes.as_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        from .indexing_ops import ones
        return ones(_shape_list(shape), self.dtype if dtype is None else dtype)

    def get_config(self):
        return {"dtype": self.dtype.name}


class constant_initializer(Initializer):  # noqa: N801
    """Initializer that generates tensors with constant values.

    The resulting tensor is populated with values of type `dtype`, as
    specified by arguments `value` following the desired `shape` of the
    new tensor (see examples below).

    The argument `value` can be a constant value, or a list of values of type
    `dtype`. If `value` is a list, then the length of the list must be less
    than or equal to the number of elements implied by the desired shape of the
    tensor. In the case where the total number of elements in `value` is less
    than the number of elements required by the tensor shape, the last element
    in `value` will be used to fill the remaining entries. If the total number of
    elements in `value` is greater than the number of elements required by the
    tensor shape, the initializer will raise a `ValueError`.

    Args:
      value: A Python scalar, list or tuple of values, or a N-dimensional numpy
        array. All elements of the initialized variable will be set to the
        corresponding value in the `value` argument.
      dtype: Default data type, used if no `dtype` argument is provided when
        calling the initializer.
      verify_shape: Boolean that enables verification of the shape of `value`. If
        `True`, the initializer will throw an error if the shape of `value` is not
        compatible with the shape of the initialized tensor.

    Raises:
      TypeError: If the input `value` is not one of the expected types.
    """

    def __init__(self, value=0, dtype=dtypes.float32, verify_shape=False):
        if not (np.isscalar(value) or isinstance(value, (list, tuple, np.ndarray))):
            raise TypeError(f"Invalid type for initial value={value} of type: "
                            f"{type(value).__name__}. Expected Python scalar, list or tuple of "
                            "values, or numpy.ndarray.")
        self.value = value
        self.dtype = dtypes.as_dtype(dtype)
        self._verify_shape = verify_shape

    def __call__(self, shape, dtype=None, partition_info=None, verify_shape=None):
        from ..framework.constant_op import constant
        dtype = self.dtype if dtype is None else dtypes.as_dtype(dtype)
        verify_shape = self._verify_shape if verify_shape is None else verify_shape
        shape = tuple(_shape_list(shape))
        n = int(np.prod(shape, dtype=np.int64))
        if n == 0:
            arr = np.zeros(shape, dtype.np_dtype)
        else:
            arr, dtype = to_numpy(self.value, dtype)
            if verify_shape and arr.shape != shape:
                raise TypeError(f"Expected Tensor's shape: {shape}, but got {arr.shape}.")
            if arr.size > n:
                raise ValueError(f"Too many elements provided. Takes at most {n}, but got "
                                 f"{arr.size}.")
            flat = arr.reshape(-1)
            if flat.size < n:
                # As TF's tensor protos: the last value fills the rest (zeros if none).
                fillv = flat[-1] if flat.size else np.zeros((), arr.dtype)
                flat = np.concatenate([flat, np.full(n - flat.size, fillv, arr.dtype)])
            arr = flat.reshape(shape)
        return constant(arr, dtype=dtype)

    def get_config(self):
        return {"value": self.value, "dtype": self.dtype.name}


class random_uniform_initializer(Initializer):  # noqa: N801
    """Initializer that generates tensors with a uniform distribution.

    Args:
      minval: A python scalar or a scalar tensor. Lower bound of the range of
        random values to generate.
      maxval: A python scalar or a scalar tensor. Upper bound of the range of
        random values to generate.  Defaults to 1 for float types.
      seed: A Python integer. Used to create random seeds. See
        `tf.compat.v1.set_random_seed` for behavior.
      dtype: Default data type, used if no `dtype` argument is provided when
        calling the initializer.
    """

    def __init__(self, minval=.0, maxval=None, seed=None, dtype=dtypes.float32):
        self.minval = minval
        self.maxval = maxval
        self.seed = seed
        self.dtype = dtypes.as_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        from .random_ops import random_uniform
        return random_uniform(_shape_list(shape), self.minval, self.maxval,
                              self.dtype if dtype is None else dtype, seed=self.seed)

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed,
                "dtype": self.dtype.name}


class _MeanStddevInitializer(Initializer):
    """A float initializer drawing from `random_ops.<_sampler>(shape, mean, stddev)`."""

    _sampler = None

    def __init__(self, mean=0.0, stddev=1.0, seed=None, dtype=dtypes.float32):
        self.mean = mean
        self.stddev = stddev
        self.seed = seed
        self.dtype = _assert_float_dtype(dtypes.as_dtype(dtype))

    def __call__(self, shape, dtype=None, partition_info=None):
        from . import random_ops
        return getattr(random_ops, self._sampler)(_shape_list(shape), self.mean, self.stddev,
                                                  self.dtype if dtype is None else dtype,
                                                  seed=self.seed)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed,
                "dtype": self.dtype.name}


class random_normal_initializer(_MeanStddevInitializer):  # noqa: N801
    """Initializer that generates tensors with a normal distribution.

    Args:
      mean: a python scalar or a scalar tensor. Mean of the random values to
        generate.
      stddev: a python scalar or a scalar tensor. Standard deviation of the random
        values to generate.
      seed: A Python integer. Used to create random seeds. See
        `tf.compat.v1.set_random_seed` for behavior.
      dtype: Default data type, used if no `dtype` argument is provided when
        calling the initializer. Only floating point types are supported.
    """

    _sampler = "random_normal"


class truncated_normal_initializer(_MeanStddevInitializer):  # noqa: N801
    """Initializer that generates a truncated normal distribution.

    These values are similar to values from a `random_normal_initializer`
    except that values more than two standard deviations from the mean
    are discarded and re-drawn. This is the recommended initializer for
    neural network weights and filters.

    Args:
      mean: a python scalar or a scalar tensor. Mean of the random values to
        generate.
      stddev: a python scalar or a scalar tensor. Standard deviation of the random
        values to generate.
      seed: A Python integer. Used to create random seeds. See
        `tf.compat.v1.set_random_seed` for behavior.
      dtype: Default data type, used if no `dtype` argument is provided when
        calling the initializer. Only floating point types are supported.
    """

    _sampler = "truncated_normal"


def _compute_fans(shape):
    """The number of input and output units for a weight shape (fan_in, fan_out)."""
    if len(shape) < 1:
        return 1, 1
    if len(shape) == 1:
        return int(shape[0]), int(shape[0])
    if len(shape) == 2:
        return int(shape[0]), int(shape[1])
    # Convolution kernels: (..., input_depth, depth).
    receptive = int(np.prod(shape[:-2], dtype=np.int64))
    return int(shape[-2]) * receptive, int(shape[-1]) * receptive


class variance_scaling_initializer(Initializer):  # noqa: N801
    """Initializer capable of adapting its scale to the shape of weights tensors.

    With `distribution="truncated_normal" or "untruncated_normal"`,
    samples are drawn from a truncated/untruncated normal
    distribution with a mean of zero and a standard deviation (after truncation,
    if used) `stddev = sqrt(scale / n)`
    where n is:
      - number of input units in the weight tensor, if mode = "fan_in"
      - number of output units, if mode = "fan_out"
      - average of the numbers of input and output units, if mode = "fan_avg"

    With `distribution="uniform"`, samples are drawn from a uniform distribution
    within [-limit, limit], with `limit = sqrt(3 * scale / n)`.

    Args:
      scale: Scaling factor (positive float).
      mode: One of "fan_in", "fan_out", "fan_avg".
      distribution: Random distribution to use. One of "normal", "uniform".
      seed: A Python integer. Used to create random seeds. See
        `tf.compat.v1.set_random_seed` for behavior.
      dtype: Default data type, used if no `dtype` argument is provided when
        calling the initializer. Only floating point types are supported.

    Raises:
      ValueError: In case of an invalid value for the "scale", mode" or
        "distribution" arguments.
    """

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None,
                 dtype=dtypes.float32):
        if scale <= 0.:
            raise ValueError(f"Argument `scale` must be a positive float. Received: {scale}")
        if mode not in {"fan_in", "fan_out", "fan_avg"}:
            raise ValueError("Argument `mode` should be one of ('fan_in', 'fan_out', "
                             f"'fan_avg'). Received: {mode}")
        distribution = distribution.lower()
        if distribution not in {"normal", "uniform", "truncated_normal", "untruncated_normal"}:
            raise ValueError("Argument `distribution` should be one of ('normal', "
                             "uniform', 'truncated_normal', 'untruncated_normal'). "
                             f"Received: {distribution}")
        self.scale = scale
        self.mode = mode
        self.distribution = distribution
        self.seed = seed
        self.dtype = _assert_float_dtype(dtypes.as_dtype(dtype))

    def __call__(self, shape, dtype=None, partition_info=None):
        from .random_ops import random_normal, random_uniform, truncated_normal
        dtype = self.dtype if dtype is None else dtype
        shape = _shape_list(shape)
        fan_in, fan_out = _compute_fans(shape)
        scale = self.scale
        if self.mode == "fan_in":
            scale /= max(1., fan_in)
        elif self.mode == "fan_out":
            scale /= max(1., fan_out)
        else:
            scale /= max(1., (fan_in + fan_out) / 2.)
        if self.distribution in ("normal", "truncated_normal"):
            # The standard deviation of a unit normal truncated to [-2, 2].
            stddev = math.sqrt(scale) / .87962566103423978
            return truncated_normal(shape, 0.0, stddev, dtype, seed=self.seed)
        if self.distribution == "untruncated_normal":
            return random_normal(shape, 0.0, math.sqrt(scale), dtype, seed=self.seed)
        limit = math.sqrt(3.0 * scale)
        return random_uniform(shape, -limit, limit, dtype, seed=self.seed)

    def get_config(self):
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution,
                "seed": self.seed, "dtype": self.dtype.name}


class glorot_uniform_initializer(variance_scaling_initializer):  # noqa: N801
    """The Glorot uniform initializer, also called Xavier uniform initializer.

    It draws samples from a uniform distribution within [-limit, limit]
    where `limit` is `sqrt(6 / (fan_in + fan_out))`
    where `fan_in` is the number of input units in the weight tensor
    and `fan_out` is the number of output units in the weight tensor.

    Args:
      seed: A Python integer. Used to create random seeds. See
        `tf.compat.v1.set_random_seed` for behavior.
      dtype: Default data type, used if no `dtype` argument is provided when
        calling the initializer. Only floating point types are supported.
    """

    def __init__(self, seed=None, dtype=dtypes.float32):
        # As TF: `dtype` is accepted and dropped (the default stays float32).
        super().__init__(scale=1.0, mode="fan_avg", distribution="uniform", seed=seed)

    def get_config(self):
        return {"seed": self.seed, "dtype": self.dtype.name}


class glorot_normal_initializer(variance_scaling_initializer):  # noqa: N801
    """The Glorot normal initializer, also called Xavier normal initializer.

    It draws samples from a truncated normal distribution centered on 0
    with standard deviation (after truncation) given by
    `stddev = sqrt(2 / (fan_in + fan_out))` where `fan_in` is the number
    of input units in the weight tensor and `fan_out` is the number of
    output units in the weight tensor.

    Args:
      seed: A Python integer. Used to create random seeds. See
        `tf.compat.v1.set_random_seed` for behavior.
      dtype: Default data type, used if no `dtype` argument is provided when
        calling the initializer. Only floating point types are supported.
    """

    def __init__(self, seed=None, dtype=dtypes.float32):
        # As TF: `dtype` is accepted and dropped (the default stays float32).
        super().__init__(scale=1.0, mode="fan_avg", distribution="truncated_normal", seed=seed)

    def get_config(self):
        return {"seed": self.seed, "dtype": self.dtype.name}


# `tf.compat.v1.initializers`: the same classes under their short names.
initializers = SimpleNamespace(
    zeros=zeros_initializer, ones=ones_initializer, constant=constant_initializer,
    random_uniform=random_uniform_initializer, random_normal=random_normal_initializer,
    truncated_normal=truncated_normal_initializer,
    variance_scaling=variance_scaling_initializer, glorot_uniform=glorot_uniform_initializer,
    glorot_normal=glorot_normal_initializer,
)


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
        # TF's init_scope: no control dependencies; the initializer's ops
        # go under "<name>/Initializer/".
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
                from ..framework.constant_op import convert_to_tensor
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
