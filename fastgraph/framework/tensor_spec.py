"""TensorSpec: the shape and dtype of a tensor, as a traced function's
`input_signature` and a dataset's `element_spec` describe them."""

from . import dtypes
from .tensor_shape import TensorShape, as_shape

__all__ = ["TensorSpec"]


class TensorSpec:
    """Describes the type of a tf.Tensor: its shape (dims may be None, any
    size) and dtype, and an optional name."""

    __slots__ = ("_shape", "_dtype", "_name")

    def __init__(self, shape, dtype=dtypes.float32, name=None):
        self._shape = as_shape(shape) if not isinstance(shape, TensorShape) else shape
        self._dtype = dtypes.as_dtype(dtype)
        self._name = name

    @classmethod
    def from_tensor(cls, tensor, name=None):
        """The TensorSpec of `tensor` (a Tensor, EagerTensor or array)."""
        shape = tensor.shape
        dtype = tensor.dtype
        if not isinstance(dtype, dtypes.DType):
            dtype = dtypes.as_dtype(dtype)
        return cls(shape, dtype, name if name is not None else getattr(tensor, "_spec_name", None))

    @property
    def shape(self):
        """The TensorShape of this spec."""
        return self._shape

    @property
    def dtype(self):
        """The DType of this spec."""
        return self._dtype

    @property
    def name(self):
        """The name of this spec (or None)."""
        return self._name

    def is_compatible_with(self, spec_or_value):
        """Whether a value or spec of this dtype and a compatible shape fits."""
        dtype = spec_or_value.dtype
        if not isinstance(dtype, dtypes.DType):
            dtype = dtypes.as_dtype(dtype)
        return dtype == self._dtype and self._shape.is_compatible_with(spec_or_value.shape)

    def _shape_tuple(self):
        return None if self._shape.rank is None else tuple(self._shape.as_list())

    def __eq__(self, other):
        return (type(other) is TensorSpec and self._dtype == other._dtype
                and self._shape_tuple() == other._shape_tuple() and self._name == other._name)

    def __hash__(self):
        return hash((self._shape_tuple(), self._dtype, self._name))

    def __repr__(self):
        shape = self._shape_tuple()
        shape = "<unknown>" if shape is None else shape
        return f"TensorSpec(shape={shape}, dtype=tf.{self._dtype.name}, name={self._name!r})"
