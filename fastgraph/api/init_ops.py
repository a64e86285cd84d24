"""The TF1 initializer classes (TF's init_ops): `zeros_initializer`,
`glorot_uniform_initializer`, ... and `tf.compat.v1.initializers`.

The initializers build their values from existing ops (Fill, Const and the
random ops, with TF1's seed rules).
"""

import math
from types import SimpleNamespace

import numpy as np

from ..framework import dtypes
from ..framework.constant_op import constant, to_numpy
from ..framework.tensor_shape import TensorShape
from ..ops import random_ops
from ..ops.indexing_ops import ones, zeros
from ..ops.random_ops import random_normal, random_uniform, truncated_normal
from ..ops.state_ops import (global_variables_initializer, local_variables_initializer,
                             variables_initializer)
from ..ops.decomposition_ops import qr
from ..ops.elementwise import multiply, sign
from ..ops.array_ops import reshape
from .linalg_ops import diag_part, eye, matrix_transpose
from .lookup_ops import tables_initializer

__all__ = [
    "zeros_initializer", "ones_initializer", "constant_initializer",
    "random_normal_initializer", "random_uniform_initializer", "truncated_normal_initializer",
    "variance_scaling_initializer", "glorot_uniform_initializer", "glorot_normal_initializer",
    "orthogonal_initializer", "uniform_unit_scaling_initializer", "initializers",
]


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
        return zeros(_shape_list(shape), self.dtype if dtype is None else dtype)

    def get_config(self):
        return {"dtype": self.dtype.name}


class ones_initializer(Initializer):  # noqa: N801
    """Initializer that generates tensors initialized to 1."""

    def __init__(self, dtype=dtypes.float32):
        self.dtype = dtypes.as_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
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


class orthogonal_initializer(Initializer):  # noqa: N801
    """Initializer that generates an orthogonal matrix.

    If the shape of the tensor to initialize is two-dimensional, it is
    initialized with an orthogonal matrix obtained from the QR decomposition of
    a matrix of random numbers drawn from a normal distribution. If the matrix
    has fewer rows than columns then the output will have orthogonal rows.
    Otherwise, the output will have orthogonal columns.

    If the shape of the tensor to initialize is more than two-dimensional,
    a matrix of shape `(shape[0] * ... * shape[n - 2], shape[n - 1])`
    is initialized, where `n` is the length of the shape vector.
    The matrix is subsequently reshaped to give a tensor of the desired shape.

    Args:
      gain: multiplicative factor to apply to the orthogonal matrix
      seed: A Python integer. Used to create random seeds. See
        `tf.compat.v1.set_random_seed` for behavior.
      dtype: Default data type, used if no `dtype` argument is provided when
        calling the initializer. Only floating point types are supported.
    """

    def __init__(self, gain=1.0, seed=None, dtype=dtypes.float32):
        self.gain = gain
        self.dtype = _assert_float_dtype(dtypes.as_dtype(dtype))
        self.seed = seed

    def __call__(self, shape, dtype=None, partition_info=None):
        dtype = self.dtype if dtype is None else dtype
        shape = _shape_list(shape)
        if len(shape) < 2:
            raise ValueError("The tensor to initialize, specified by argument `shape` must be "
                             f"at least two-dimensional. Received shape={shape}")
        num_rows = int(np.prod(shape[:-1]))
        num_cols = int(shape[-1])
        flat_shape = (num_cols, num_rows) if num_rows < num_cols else (num_rows, num_cols)
        a = random_normal(flat_shape, dtype=dtype, seed=self.seed)
        q, r = qr(a, full_matrices=False)
        # Q is unique once R's diagonal is made positive.
        q = multiply(q, sign(diag_part(r)))
        if num_rows < num_cols:
            q = matrix_transpose(q)
        return multiply(self.gain, reshape(q, shape))

    def get_config(self):
        return {"gain": self.gain, "seed": self.seed, "dtype": self.dtype.name}


class uniform_unit_scaling_initializer(Initializer):  # noqa: N801
    """Initializer that generates tensors without scaling variance.

    When initializing a deep network, it is in principle advantageous to keep
    the scale of the input variance constant, so it does not explode or diminish
    by reaching the final layer. If the input is `x` and the operation `x * W`,
    and we want to initialize `W` uniformly at random, we need to pick `W` from

        [-sqrt(3) / sqrt(dim), sqrt(3) / sqrt(dim)]

    to keep the scale intact, where `dim = W.shape[0]` (the size of the input).
    A similar calculation for convolutional networks gives an analogous result
    with `dim` equal to the product of the first 3 dimensions.  When
    nonlinearities are present, we need to multiply this by a constant `factor`.

    Args:
      factor: Float.  A multiplicative factor by which the values will be scaled.
      seed: A Python integer. Used to create random seeds. See
        `tf.compat.v1.set_random_seed` for behavior.
      dtype: Default data type, used if no `dtype` argument is provided when
        calling the initializer. Only floating point types are supported.
    """

    def __init__(self, factor=1.0, seed=None, dtype=dtypes.float32):
        self.factor = factor
        self.seed = seed
        self.dtype = _assert_float_dtype(dtypes.as_dtype(dtype))

    def __call__(self, shape, dtype=None, partition_info=None):
        dtype = self.dtype if dtype is None else dtype
        shape = _shape_list(shape)
        input_size = 1.0
        # The product of all dimensions but the last: right for matrix
        # products and convolutions.
        for dim in shape[:-1]:
            input_size *= float(dim)
        input_size = max(input_size, 1.0)  # zero-size tensors
        max_val = math.sqrt(3 / input_size) * self.factor
        return random_uniform(shape, -max_val, max_val, dtype, seed=self.seed)

    def get_config(self):
        return {"factor": self.factor, "seed": self.seed, "dtype": self.dtype.name}


class identity_initializer(Initializer):  # noqa: N801
    """Initializer that generates the identity matrix.

    Only use for 2D matrices.

    Args:
      gain: Multiplicative factor to apply to the identity matrix.
      dtype: Default data type, used if no `dtype` argument is provided when
        calling the initializer. Only floating point types are supported.
    """

    def __init__(self, gain=1.0, dtype=dtypes.float32):
        self.gain = gain
        self.dtype = _assert_float_dtype(dtypes.as_dtype(dtype))

    def __call__(self, shape, dtype=None, partition_info=None):
        shape = _shape_list(shape)
        if len(shape) != 2:
            raise ValueError("The tensor to initialize, specified by argument `shape` must be "
                             f"at least two-dimensional. Received shape={shape}")
        dtype = self.dtype if dtype is None else dtype
        return multiply(self.gain, eye(*shape, dtype=dtype))

    def get_config(self):
        return {"gain": self.gain, "dtype": self.dtype.name}


def lecun_normal(seed=None):
    """LeCun normal initializer.

    It draws samples from a truncated normal distribution centered on 0
    with standard deviation (after truncation) given by
    `stddev = sqrt(1 / fan_in)` where `fan_in` is the number of
    input units in the weight tensor.

    Args:
      seed: A Python integer. Used to seed the random generator.

    Returns:
      An initializer.
    """
    return variance_scaling_initializer(scale=1., mode="fan_in",
                                        distribution="truncated_normal", seed=seed)


def lecun_uniform(seed=None):
    """LeCun uniform initializer.

    It draws samples from a uniform distribution within [-limit, limit]
    where `limit` is `sqrt(3 / fan_in)` where `fan_in` is the number of input
    units in the weight tensor.

    Args:
      seed: A Python integer. Used to seed the random generator.

    Returns:
      An initializer.
    """
    return variance_scaling_initializer(scale=1., mode="fan_in", distribution="uniform",
                                        seed=seed)


def he_normal(seed=None):
    """He normal initializer.

    It draws samples from a truncated normal distribution centered on 0
    with standard deviation (after truncation) given by
    `stddev = sqrt(2 / fan_in)` where `fan_in` is the number of
    input units in the weight tensor.

    Args:
      seed: A Python integer. Used to seed the random generator.

    Returns:
      An initializer.
    """
    return variance_scaling_initializer(scale=2., mode="fan_in",
                                        distribution="truncated_normal", seed=seed)


def he_uniform(seed=None):
    """He uniform variance scaling initializer.

    It draws samples from a uniform distribution within [-limit, limit]
    where `limit` is `sqrt(6 / fan_in)` where `fan_in` is the number of input
    units in the weight tensor.

    Args:
      seed: A Python integer. Used to seed the random generator.

    Returns:
      An initializer.
    """
    return variance_scaling_initializer(scale=2., mode="fan_in", distribution="uniform",
                                        seed=seed)


# `tf.compat.v1.initializers`: the same classes under their short names, and
# the variable and table initializer ops.
initializers = SimpleNamespace(
    zeros=zeros_initializer, ones=ones_initializer, constant=constant_initializer,
    random_uniform=random_uniform_initializer, random_normal=random_normal_initializer,
    truncated_normal=truncated_normal_initializer,
    variance_scaling=variance_scaling_initializer, glorot_uniform=glorot_uniform_initializer,
    glorot_normal=glorot_normal_initializer, orthogonal=orthogonal_initializer,
    uniform_unit_scaling=uniform_unit_scaling_initializer, identity=identity_initializer,
    he_normal=he_normal, he_uniform=he_uniform, lecun_normal=lecun_normal,
    lecun_uniform=lecun_uniform, global_variables=global_variables_initializer,
    local_variables=local_variables_initializer, variables=variables_initializer,
    tables_initializer=tables_initializer,
)
