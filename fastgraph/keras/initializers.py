"""`tf.keras.initializers`: the Keras initializers (`glorot_uniform` for
kernels, `zeros` for biases, `orthogonal` for recurrent kernels), with
Keras's default arguments (RandomNormal's stddev 0.05, ...), built on
fastgraph's init_ops.

The distributions are TF's (VarianceScaling's truncated normal divides its
stddev by .87962566103423978, the truncated unit normal's); the random
numbers themselves are fastgraph's, not those of TF-Keras's seed generator,
so a seeded initializer gives other values than TF's with the same seed."""

import math

from ..framework import dtypes
from ..ops import random_ops as _random
from ..ops import elementwise as _ew
from ..ops.array_ops import reshape, transpose
from ..ops.decomposition_ops import qr
from ..ops.linalg_ops import matrix_diag_part
from ..api import init_ops as _init_ops
from ..api.linalg_ops import eye

__all__ = ["Initializer", "Zeros", "Ones", "Constant", "RandomNormal", "RandomUniform",
           "TruncatedNormal", "VarianceScaling", "GlorotUniform", "GlorotNormal", "HeNormal",
           "HeUniform", "LecunNormal", "LecunUniform", "Orthogonal", "Identity",
           "zeros", "ones", "constant", "random_normal", "random_uniform", "truncated_normal",
           "variance_scaling", "glorot_uniform", "glorot_normal", "he_normal", "he_uniform",
           "lecun_normal", "lecun_uniform", "orthogonal", "identity", "normal", "uniform", "get", "serialize",
           "deserialize"]

Initializer = _init_ops.Initializer


def _float(dtype, default=dtypes.float32):
    return dtypes.as_dtype(dtype or default)


class Zeros(_init_ops.zeros_initializer):
    """Initializer that generates tensors initialized to 0."""

    def __init__(self, dtype=dtypes.float32):
        super().__init__(dtype=dtype)

    def __call__(self, shape, dtype=None, **kwargs):
        return super().__call__(shape, dtype=dtype)


class Ones(_init_ops.ones_initializer):
    """Initializer that generates tensors initialized to 1."""

    def __init__(self, dtype=dtypes.float32):
        super().__init__(dtype=dtype)

    def __call__(self, shape, dtype=None, **kwargs):
        return super().__call__(shape, dtype=dtype)


class Constant(_init_ops.constant_initializer):
    """Initializer that generates tensors with constant values."""

    def __init__(self, value=0, dtype=dtypes.float32):
        super().__init__(value=value, dtype=dtype)

    def __call__(self, shape, dtype=None, **kwargs):
        return super().__call__(shape, dtype=dtype)


class RandomNormal(_init_ops.random_normal_initializer):
    """Initializer that generates tensors with a normal distribution
    (Keras's defaults: mean 0.0, stddev 0.05)."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None, dtype=dtypes.float32):
        super().__init__(mean=mean, stddev=stddev, seed=seed, dtype=dtype)

    def __call__(self, shape, dtype=None, **kwargs):
        return super().__call__(shape, dtype=dtype)


class RandomUniform(_init_ops.random_uniform_initializer):
    """Initializer that generates tensors with a uniform distribution
    (Keras's defaults: minval -0.05, maxval 0.05)."""

    def __init__(self, minval=-0.05, maxval=0.05, seed=None, dtype=dtypes.float32):
        super().__init__(minval=minval, maxval=maxval, seed=seed, dtype=dtype)

    def __call__(self, shape, dtype=None, **kwargs):
        return super().__call__(shape, dtype=dtype)


class TruncatedNormal(_init_ops.truncated_normal_initializer):
    """Initializer that generates a truncated normal distribution (Keras's
    defaults: mean 0.0, stddev 0.05); values beyond two standard deviations
    are redrawn."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None, dtype=dtypes.float32):
        super().__init__(mean=mean, stddev=stddev, seed=seed, dtype=dtype)

    def __call__(self, shape, dtype=None, **kwargs):
        return super().__call__(shape, dtype=dtype)


class VarianceScaling(_init_ops.variance_scaling_initializer):
    """Initializer capable of adapting its scale to the shape of weights
    tensors: samples with stddev `sqrt(scale / n)` (truncated normal or
    untruncated normal) or within `[-limit, limit]`, `limit = sqrt(3 * scale
    / n)` (uniform), where n is fan_in, fan_out or their mean (`mode`)."""

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None,
                 dtype=dtypes.float32):
        super().__init__(scale=scale, mode=mode, distribution=distribution, seed=seed,
                         dtype=dtype)

    def __call__(self, shape, dtype=None, **kwargs):
        return super().__call__(shape, dtype=dtype)


class GlorotUniform(VarianceScaling):
    """The Glorot uniform initializer, also called Xavier uniform
    initializer: uniform within `[-limit, limit]`, `limit = sqrt(6 /
    (fan_in + fan_out))`."""

    def __init__(self, seed=None, dtype=dtypes.float32):
        super().__init__(1.0, "fan_avg", "uniform", seed, dtype)

    def get_config(self):
        return {"seed": self.seed}


class GlorotNormal(VarianceScaling):
    """The Glorot normal initializer: a truncated normal with stddev
    `sqrt(2 / (fan_in + fan_out))`."""

    def __init__(self, seed=None, dtype=dtypes.float32):
        super().__init__(1.0, "fan_avg", "truncated_normal", seed, dtype)

    def get_config(self):
        return {"seed": self.seed}


class HeNormal(VarianceScaling):
    """He normal initializer: a truncated normal with stddev `sqrt(2 / fan_in)`."""

    def __init__(self, seed=None, dtype=dtypes.float32):
        super().__init__(2.0, "fan_in", "truncated_normal", seed, dtype)

    def get_config(self):
        return {"seed": self.seed}


class HeUniform(VarianceScaling):
    """He uniform variance scaling initializer: `limit = sqrt(6 / fan_in)`."""

    def __init__(self, seed=None, dtype=dtypes.float32):
        super().__init__(2.0, "fan_in", "uniform", seed, dtype)

    def get_config(self):
        return {"seed": self.seed}


class LecunNormal(VarianceScaling):
    """Lecun normal initializer: a truncated normal with stddev `sqrt(1 / fan_in)`."""

    def __init__(self, seed=None, dtype=dtypes.float32):
        super().__init__(1.0, "fan_in", "truncated_normal", seed, dtype)

    def get_config(self):
        return {"seed": self.seed}


class LecunUniform(VarianceScaling):
    """Lecun uniform initializer: `limit = sqrt(3 / fan_in)`."""

    def __init__(self, seed=None, dtype=dtypes.float32):
        super().__init__(1.0, "fan_in", "uniform", seed, dtype)

    def get_config(self):
        return {"seed": self.seed}


class Orthogonal(Initializer):
    """Initializer that generates an orthogonal matrix: the Q of the QR
    decomposition of a normal matrix (signs fixed by R's diagonal), of shape
    `(prod(shape[:-1]), shape[-1])` reshaped to `shape`, times `gain`."""

    def __init__(self, gain=1.0, seed=None, dtype=dtypes.float32):
        self.gain = gain
        self.seed = seed
        self.dtype = dtypes.as_dtype(dtype)

    def __call__(self, shape, dtype=None, **kwargs):
        dtype = _float(dtype, self.dtype)
        shape = [int(d) for d in shape]
        if len(shape) < 2:
            raise ValueError("The tensor to initialize must be at least two-dimensional. "
                             f"Received: shape={shape} of rank {len(shape)}.")
        num_rows = int(math.prod(shape[:-1]))
        num_cols = shape[-1]
        flat = (max(num_cols, num_rows), min(num_cols, num_rows))
        a = _random.random_normal(flat, dtype=dtype, seed=self.seed)
        q, r = qr(a, full_matrices=False)
        q = q * _ew.sign(matrix_diag_part(r))
        if num_rows < num_cols:
            q = transpose(q)
        return self.gain * reshape(q, shape)

    def get_config(self):
        return {"gain": self.gain, "seed": self.seed}


class Identity(Initializer):
    """Initializer that generates the identity matrix (times `gain`); only
    for 2D matrices."""

    def __init__(self, gain=1.0, dtype=dtypes.float32):
        self.gain = gain
        self.dtype = dtypes.as_dtype(dtype)

    def __call__(self, shape, dtype=None, **kwargs):
        if len(shape) != 2:
            raise ValueError("Identity matrix initializer can only be used for 2D matrices. "
                             f"Received: shape={shape} of rank {len(shape)}.")
        return self.gain * eye(int(shape[0]), int(shape[1]), dtype=_float(dtype, self.dtype))

    def get_config(self):
        return {"gain": self.gain}


zeros, ones, constant = Zeros, Ones, Constant
random_normal, random_uniform, truncated_normal = RandomNormal, RandomUniform, TruncatedNormal
variance_scaling, glorot_uniform, glorot_normal = VarianceScaling, GlorotUniform, GlorotNormal
he_normal, he_uniform, lecun_normal, lecun_uniform = HeNormal, HeUniform, LecunNormal, LecunUniform
orthogonal, identity = Orthogonal, Identity
normal, uniform = RandomNormal, RandomUniform

_BY_NAME = {
    "zeros": Zeros, "ones": Ones, "constant": Constant, "random_normal": RandomNormal,
    "random_uniform": RandomUniform, "truncated_normal": TruncatedNormal,
    "variance_scaling": VarianceScaling, "glorot_uniform": GlorotUniform,
    "glorot_normal": GlorotNormal, "he_normal": HeNormal, "he_uniform": HeUniform,
    "lecun_normal": LecunNormal, "lecun_uniform": LecunUniform, "orthogonal": Orthogonal,
    "identity": Identity, "normal": RandomNormal, "uniform": RandomUniform,
}
_BY_NAME.update({cls.__name__: cls for cls in list(_BY_NAME.values())})


def serialize(initializer):
    """The `{"class_name", "config"}` of an initializer."""
    return {"class_name": type(initializer).__name__, "config": initializer.get_config()}


def deserialize(config, custom_objects=None):
    """An initializer from its serialized form (or its name)."""
    if isinstance(config, str):
        config = {"class_name": config, "config": {}}
    name = config["class_name"]
    cls = (custom_objects or {}).get(name) or _BY_NAME.get(name)
    if cls is None:
        raise ValueError(f"Unknown initializer: '{name}'. Please ensure you are using a "
                         "`keras.utils.custom_object_scope` and that this object is "
                         "included in the scope.")
    return cls(**config.get("config", {}))


def get(identifier):
    """An initializer for `identifier`: a name, a config dict, an
    initializer (returned as it is) or None."""
    if identifier is None:
        return None
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret initializer identifier: {identifier}")
