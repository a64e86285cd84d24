"""`tf.keras.regularizers` (and `tf.compat.v1.keras.regularizers`): the
penalties that layers' `kernel_regularizer` / `bias_regularizer` and
`get_variable(regularizer=...)` add to GraphKeys.REGULARIZATION_LOSSES,
computed as TF-Keras computes them (`l2 * sum(x**2)` as `2 * l2 *
l2_loss(x)`, penalty factors as float32 numbers)."""

import math

import numpy as np

from ..framework.constant_op import constant
from ..ops.array_ops import transpose
from ..ops.elementwise import abs as _abs
from ..ops.linalg_ops import matmul
from ..ops.nn_ops import l2_loss
from ..ops.reduction_ops import reduce_sum
from .linalg_ops import eye
from .nn_impl import l2_normalize

__all__ = []
REGULARIZERS = ["Regularizer", "L1", "L2", "L1L2", "OrthogonalRegularizer", "l1", "l2",
                "l1_l2", "orthogonal_regularizer", "get", "serialize", "deserialize"]


def _check_penalty_number(x):
    if not isinstance(x, (float, int)):
        raise ValueError(f"Value {x} is not a valid regularization penalty number, expected an "
                         "int or float value.")
    if math.isinf(x) or math.isnan(x):
        raise ValueError(f"Value {x} is not a valid regularization penalty number, an infinite "
                         "number or NaN are not valid values.")


class Regularizer:
    """Regularizer base class.

    Regularizers allow you to apply penalties on layer parameters or layer
    activity during optimization. These penalties are summed into the loss
    function that the network optimizes. A regularizer is a callable that
    takes a tensor and returns a scalar penalty tensor.
    """

    def __call__(self, x):
        """Compute a regularization penalty from an input tensor."""
        return 0.0

    @classmethod
    def from_config(cls, config):
        """Creates a regularizer from its config (the output of `get_config`)."""
        return cls(**config)

    def get_config(self):
        """Returns the config of the regularizer (a serializable dict)."""
        raise NotImplementedError(f"{self} does not implement get_config()")


class L1L2(Regularizer):
    """A regularizer that applies both L1 and L2 regularization penalties.

    The L1 regularization penalty is computed as:
    `loss = l1 * reduce_sum(abs(x))`

    The L2 regularization penalty is computed as
    `loss = l2 * reduce_sum(square(x))`

    Attributes:
        l1: Float; L1 regularization factor.
        l2: Float; L2 regularization factor.
    """

    def __init__(self, l1=0.0, l2=0.0):  # noqa: E741 - TF's names
        l1 = 0.0 if l1 is None else l1
        l2 = 0.0 if l2 is None else l2
        _check_penalty_number(l1)
        _check_penalty_number(l2)
        self.l1 = np.float32(l1)
        self.l2 = np.float32(l2)

    def __call__(self, x):
        # Python operators, so that the ops are named as TF-Keras's ("add", "mul").
        regularization = constant(0.0, dtype=x.dtype)
        if self.l1:
            regularization += self.l1 * reduce_sum(_abs(x))
        if self.l2:
            regularization += np.float32(2.0) * self.l2 * l2_loss(x)
        return regularization

    def get_config(self):
        """{"l1": ..., "l2": ...}."""
        return {"l1": float(self.l1), "l2": float(self.l2)}


class L1(Regularizer):
    """A regularizer that applies a L1 regularization penalty.

    The L1 regularization penalty is computed as:
    `loss = l1 * reduce_sum(abs(x))`

    Attributes:
        l1: Float; L1 regularization factor.
    """

    def __init__(self, l1=0.01, **kwargs):
        l1 = kwargs.pop("l", l1)
        if kwargs:
            raise TypeError(f"Argument(s) not recognized: {kwargs}")
        l1 = 0.01 if l1 is None else l1
        _check_penalty_number(l1)
        self.l1 = np.float32(l1)

    def __call__(self, x):
        return self.l1 * reduce_sum(_abs(x))

    def get_config(self):
        """{"l1": ...}."""
        return {"l1": float(self.l1)}


class L2(Regularizer):
    """A regularizer that applies a L2 regularization penalty.

    The L2 regularization penalty is computed as:
    `loss = l2 * reduce_sum(square(x))`

    Attributes:
        l2: Float; L2 regularization factor.
    """

    def __init__(self, l2=0.01, **kwargs):
        l2 = kwargs.pop("l", l2)
        if kwargs:
            raise TypeError(f"Argument(s) not recognized: {kwargs}")
        l2 = 0.01 if l2 is None else l2
        _check_penalty_number(l2)
        self.l2 = np.float32(l2)

    def __call__(self, x):
        return np.float32(2.0) * self.l2 * l2_loss(x)

    def get_config(self):
        """{"l2": ...}."""
        return {"l2": float(self.l2)}


class OrthogonalRegularizer(Regularizer):
    """Regularizer that encourages input vectors to be orthogonal to each other.

    It can be applied to either the rows of a matrix (`mode="rows"`) or its
    columns (`mode="columns"`). When applied to a `Dense` kernel of shape
    `(input_dim, units)`, rows mode will seek to make the feature vectors
    (i.e. the basis of the output space) orthogonal to each other.

    Arguments:
      factor: Float. The regularization factor. The regularization penalty will
        be proportional to `factor` times the mean of the dot products between
        the L2-normalized rows (if `mode="rows"`, or columns if
        `mode="columns"`) of the inputs, excluding the product of each
        row/column with itself.  Defaults to `0.01`.
      mode: String, one of `{"rows", "columns"}`. Defaults to `"rows"`. In rows
        mode, the regularization effect seeks to make the rows of the input
        orthogonal to each other. In columns mode, it seeks to make the columns
        of the input orthogonal to each other.
    """

    def __init__(self, factor=0.01, mode="rows"):
        _check_penalty_number(factor)
        self.factor = np.float32(factor)
        if mode not in {"rows", "columns"}:
            raise ValueError("Invalid value for argument `mode`. Expected one of "
                             f'{{"rows", "columns"}}. Received: mode={mode}')
        self.mode = mode

    def __call__(self, inputs):
        if inputs.shape.rank != 2:
            raise ValueError("Inputs to OrthogonalRegularizer must have rank 2. Received: "
                             f"inputs.shape == {inputs.shape}")
        if self.mode == "rows":
            inputs = l2_normalize(inputs, axis=1)
            product = matmul(inputs, transpose(inputs))
            size = inputs.shape.as_tuple()[0]
        else:
            inputs = l2_normalize(inputs, axis=0)
            product = matmul(transpose(inputs), inputs)
            size = inputs.shape.as_tuple()[1]
        no_diagonal = product * (1.0 - eye(size, dtype=inputs.dtype))
        num_pairs = size * (size - 1.0) / 2.0
        return self.factor * 0.5 * reduce_sum(_abs(no_diagonal)) / num_pairs

    def get_config(self):
        """{"factor": ..., "mode": ...}."""
        return {"factor": float(self.factor), "mode": self.mode}


def l1_l2(l1=0.01, l2=0.01):  # noqa: E741
    r"""Create a regularizer that applies both L1 and L2 penalties.

    The L1 regularization penalty is computed as:
    `loss = l1 * reduce_sum(abs(x))`

    The L2 regularization penalty is computed as:
    `loss = l2 * reduce_sum(square(x))`

    Args:
        l1: Float; L1 regularization factor.
        l2: Float; L2 regularization factor.

    Returns:
      An L1L2 Regularizer with the given regularization factors.
    """
    return L1L2(l1=l1, l2=l2)


l1 = L1
l2 = L2
orthogonal_regularizer = OrthogonalRegularizer

_BY_NAME = {"L1": L1, "L2": L2, "L1L2": L1L2, "OrthogonalRegularizer": OrthogonalRegularizer,
            "l1": L1, "l2": L2, "orthogonal_regularizer": OrthogonalRegularizer}


def serialize(regularizer, use_legacy_format=False):
    """The config of `regularizer`: {"class_name": ..., "config": {...}}."""
    if regularizer is None:
        return None
    return {"class_name": type(regularizer).__name__, "config": regularizer.get_config()}


def deserialize(config, custom_objects=None, use_legacy_format=False):
    """A regularizer from a name ("l1", "l2", "l1_l2", a class name) or a
    {"class_name", "config"} dict."""
    if config == "l1_l2":
        return L1L2(l1=0.01, l2=0.01)
    classes = {**_BY_NAME, **(custom_objects or {})}
    if isinstance(config, str):
        if config not in classes:
            raise ValueError(f"Unknown regularizer: '{config}'. Please ensure you are using a "
                             "`keras.utils.custom_object_scope` and that this object is "
                             "included in the scope.")
        return classes[config]()
    name = config.get("class_name")
    if name not in classes:
        raise ValueError(f"Unknown regularizer: '{name}'.")
    cls = classes[name]
    return cls.from_config(config.get("config", {})) if hasattr(cls, "from_config") \
        else cls(**config.get("config", {}))


def get(identifier):
    """Retrieve a regularizer instance from a config dict, a name or a callable."""
    if identifier is None:
        return None
    if isinstance(identifier, (dict, str)):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret regularizer identifier: {identifier}")
