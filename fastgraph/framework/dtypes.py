"""Tensor element types: TF's names, each tied to a NumPy dtype, a C code and
TF's DataType enum value (the number GraphDefs and checkpoints store)."""

import builtins

import numpy as np

__all__ = [
    "DType", "as_dtype", "bool", "uint8", "uint16", "int8", "int16", "int32", "int64",
    "float32", "float64", "float16", "double", "string", "numpy_dtype_of_enum",
]

# tensorflow/core/framework/types.proto: DataType enum value -> NumPy type, for
# every type a GraphDef or checkpoint may hold that NumPy can represent (the
# ones without a fastgraph DType are still read from checkpoints).
_TF_ENUMS = {1: np.float32, 2: np.float64, 3: np.int32, 4: np.uint8, 5: np.int16, 6: np.int8,
             7: np.object_, 9: np.int64, 10: np.bool_, 17: np.uint16, 19: np.float16,
             22: np.uint32, 23: np.uint64}
_ENUM_OF_NP = {np.dtype(t): e for e, t in _TF_ENUMS.items()}


def numpy_dtype_of_enum(enum):
    """The NumPy dtype of TF DataType enum value `enum`, or None when NumPy
    has none for it (bfloat16, complex, quantized and resource types)."""
    t = _TF_ENUMS.get(enum)
    return None if t is None else np.dtype(t)


class DType:
    """Represents the type of the elements in a `Tensor`.

    Each DType maps to a NumPy dtype (`as_numpy_dtype`) and to the element
    code the C core uses (`code`, the `fg_dtype` enum of `csrc/fg.h`).
    """

    __slots__ = ("name", "code", "_np", "is_floating", "is_integer", "is_bool", "is_unsigned")

    def __init__(self, name, code, np_dtype, kind):
        self.name = name
        self.code = code
        self._np = np.dtype(np_dtype)
        self.is_floating = kind == "f"
        self.is_integer = kind in "iu"
        self.is_unsigned = kind == "u"
        self.is_bool = kind == "b"

    @property
    def as_numpy_dtype(self):
        """The NumPy scalar type this DType stands for (e.g. `numpy.float32`)."""
        return self._np.type

    @property
    def np_dtype(self):
        """The `numpy.dtype` object of this DType."""
        return self._np

    @property
    def base_dtype(self):
        """Returns this DType (fastgraph has no reference dtypes)."""
        return self

    @property
    def is_numeric(self):
        """Whether values of this type are numbers (not bool)."""
        return self.is_floating or self.is_integer

    @property
    def message_name(self):
        """The type's name in TF's error messages, which spell float32 as
        "float" and float64 as "double"."""
        return {"float32": "float", "float64": "double"}.get(self.name, self.name)

    @property
    def as_datatype_enum(self):
        """TF's DataType enum value of this type (types.proto: float32 is 1)."""
        return _ENUM_OF_NP[self._np]

    @property
    def size(self):
        """Bytes per element."""
        return self._np.itemsize

    @property
    def min(self):
        """The smallest representable value."""
        return np.finfo(self._np).min if self.is_floating else np.iinfo(self._np).min

    @property
    def max(self):
        """The largest representable value."""
        return np.finfo(self._np).max if self.is_floating else np.iinfo(self._np).max

    def __repr__(self):
        return f"tf.{self.name}"

    def __str__(self):
        return f"<dtype: '{self.name}'>"

    def __eq__(self, other):
        if isinstance(other, DType):
            return self is other
        try:
            return self is as_dtype(other)
        except TypeError:
            return False

    def __ne__(self, other):
        return not self.__eq__(other)

    def __hash__(self):
        return hash(self.name)

    def __reduce__(self):
        return as_dtype, (self.name,)


# Codes must match fg_dtype in csrc/fg.h.
bool = DType("bool", 0, np.bool_, "b")  # noqa: A001 - TF's public name
uint8 = DType("uint8", 1, np.uint8, "u")
int32 = DType("int32", 2, np.int32, "i")
int64 = DType("int64", 3, np.int64, "i")
float32 = DType("float32", 4, np.float32, "f")
float64 = DType("float64", 5, np.float64, "f")
int8 = DType("int8", 6, np.int8, "i")
int16 = DType("int16", 7, np.int16, "i")
double = float64
# Named so that TF code referring to them imports; no kernel accepts them.
float16 = DType("float16", -1, np.float16, "f")
string = DType("string", -2, np.object_, "O")
# Host-only: decoded 16-bit PNGs (tf.io.decode_png(dtype=tf.uint16)) and their encoder.
uint16 = DType("uint16", -3, np.uint16, "u")

_ALL = (bool, uint8, int8, int16, int32, int64, float32, float64, float16, string, uint16)
_BY_NAME = {d.name: d for d in _ALL}
_BY_NAME.update(double=float64, half=float16, float=float32)
_BY_NP = {d.np_dtype: d for d in _ALL if d is not string}


def as_dtype(type_value):
    """Converts the given `type_value` to a `DType`.

    Accepts a DType, a NumPy dtype or scalar type, a Python type (`float` means
    float32 here as in TF's tensor conversion), a type name string, or TF's
    DataType enum value (`as_datatype_enum`).
    """
    if isinstance(type_value, DType):
        return type_value
    if isinstance(type_value, (int, np.integer)) and not isinstance(
            type_value, (builtins.bool, np.bool_)):
        np_type = numpy_dtype_of_enum(int(type_value))
        found = None if np_type is None else (string if np_type.kind == "O" else
                                              _BY_NP.get(np_type))
        if found is not None:
            return found
    if isinstance(type_value, str):
        if type_value in _BY_NAME:
            return _BY_NAME[type_value]
    elif type_value is not None and not isinstance(type_value, (int, float)):
        try:
            dt = np.dtype(type_value)
        except TypeError:
            dt = None
        if dt is not None:
            if dt.kind in "USO":  # NumPy's strings, and object arrays of bytes as TF's
                return string
            if dt in _BY_NP:
                return _BY_NP[dt]
    raise TypeError(f"Cannot convert value {type_value!r} to a TensorFlow DType.")
