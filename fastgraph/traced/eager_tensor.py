"""EagerTensor: a traced function's result, a value rather than a graph
tensor (TF2's eager tensor for its common uses: `.numpy()`, `.shape`,
`.dtype`, NumPy interop, arithmetic, printing)."""

import numpy as np

from ..framework import dtypes
from ..framework.constant_op import constant, register_tensor_conversion_function
from ..framework.graph import Tensor
from ..framework.tensor_shape import TensorShape

__all__ = ["EagerTensor"]


class EagerTensor:
    """A tensor with a concrete value: the result of calling a traced
    function. Converts to a constant when used in a graph."""

    __slots__ = ("_array",)
    # NumPy defers to the tensor's operators (ndarray + EagerTensor).
    __array_priority__ = 100

    def __init__(self, value):
        self._array = np.asarray(value)

    @classmethod
    def _of(cls, array):
        """The EagerTensor of an ndarray, without converting it."""
        t = object.__new__(cls)
        t._array = array if type(array) is np.ndarray else np.asarray(array)
        return t

    def numpy(self):
        """The value as a NumPy array (a scalar tensor gives a 0-d array's
        NumPy scalar, as TF)."""
        a = self._array
        return a[()] if a.ndim == 0 else a

    @property
    def shape(self):
        """The TensorShape of the value."""
        return TensorShape(self._array.shape)

    def get_shape(self):
        """Alias of `shape`."""
        return self.shape

    @property
    def ndim(self):
        """The rank of the value."""
        return self._array.ndim

    @property
    def dtype(self):
        """The DType of the value."""
        if self._array.dtype == object:
            return dtypes.string
        return dtypes.as_dtype(self._array.dtype)

    @property
    def device(self):
        """The device holding the value (always the CPU)."""
        return "/job:localhost/replica:0/task:0/device:CPU:0"

    def __array__(self, dtype=None, copy=None):
        return self._array if dtype is None else self._array.astype(dtype)

    def __len__(self):
        if self._array.ndim == 0:
            raise TypeError("len() of unsized object")
        return len(self._array)

    def __iter__(self):
        if self._array.ndim == 0:
            raise TypeError("Cannot iterate over a scalar tensor.")
        return (EagerTensor(x) for x in self._array)

    def __getitem__(self, key):
        return EagerTensor(self._array[key])

    def __bool__(self):
        return bool(self._array)

    def __float__(self):
        return float(self._array)

    def __int__(self):
        return int(self._array)

    def __index__(self):
        return self._array.__index__()

    def __hash__(self):
        raise TypeError("Tensor is unhashable. Instead, use tensor.ref() as the key.")

    def __repr__(self):
        a = self._array
        value = np.array_repr(a) if a.ndim else str(a[()])
        return f"<tf.Tensor: shape={tuple(a.shape)}, dtype={self.dtype.name}, numpy={value}>"

    def __str__(self):
        return f"tf.Tensor({self._array}, shape={tuple(self._array.shape)}, dtype={self.dtype.name})"


def _value(x):
    return x._array if isinstance(x, EagerTensor) else x


def _graph_value(x):
    # A graph tensor or variable: its operator builds the op (with this
    # tensor as a constant).
    return isinstance(x, Tensor) or hasattr(x, "_as_graph_element")


def _binary(fn):
    def op(self, other):
        if _graph_value(other):
            return NotImplemented
        return EagerTensor(fn(self._array, _value(other)))
    return op


def _reflected(fn):
    def op(self, other):
        if _graph_value(other):
            return NotImplemented
        return EagerTensor(fn(_value(other), self._array))
    return op


for _name, _fn in [("add", np.add), ("sub", np.subtract), ("mul", np.multiply),
                   ("truediv", np.true_divide), ("floordiv", np.floor_divide),
                   ("mod", np.mod), ("pow", np.power), ("matmul", np.matmul)]:
    setattr(EagerTensor, f"__{_name}__", _binary(_fn))
    setattr(EagerTensor, f"__r{_name}__", _reflected(_fn))
for _name, _fn in [("lt", np.less), ("le", np.less_equal), ("gt", np.greater),
                   ("ge", np.greater_equal), ("eq", np.equal), ("ne", np.not_equal),
                   ("and", np.logical_and), ("or", np.logical_or)]:
    setattr(EagerTensor, f"__{_name}__", _binary(_fn))
EagerTensor.__neg__ = lambda self: EagerTensor(-self._array)
EagerTensor.__abs__ = lambda self: EagerTensor(np.abs(self._array))


def _eager_to_tensor(t, dtype=None, name=None, as_ref=False):
    # Used in a graph (a captured result, or a result fed to another op): its value.
    return constant(t._array, dtype=dtype, name=name or "Const")


register_tensor_conversion_function(EagerTensor, _eager_to_tensor)
