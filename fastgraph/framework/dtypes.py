"""Tensor element types: TF's names, each tied to a NumPy dtype, a C code and
TF's DataType enum value (the number GraphDefs and checkpoints store)."""

import builtins

import ml_dtypes
import numpy as np

__all__ = [
    "DType", "as_dtype", "bool", "uint8", "uint16", "uint32", "uint64", "int8", "int16",
    "int32", "int64", "float32", "float64", "float16", "half", "double", "bfloat16",
    "complex64", "complex128", "string", "qint8", "quint8", "qint16", "quint16", "qint32",
    "resource", "variant", "QUANTIZED_DTYPES", "numpy_dtype_of_enum",
]


class DType:
    """Represents the type of the elements in a `Tensor`.

    Each DType maps to a NumPy dtype (`as_numpy_dtype`), to TF's DataType
    enum value (`as_datatype_enum`) and to the element code the C core uses
    (`code`, the `fg_dtype` enum of `csrc/fg.h`; negative for the types no
    C kernel takes, which the session computes on the host, see `on_host`).
    """

    __slots__ = ("name", "code", "_np", "_enum", "_kind", "is_floating", "is_integer",
                 "is_bool", "is_unsigned", "is_complex", "is_quantized")

    def __init__(self, name, code, np_dtype, kind, enum):
        self.name = name
        self.code = code
        self._np = np.dtype(np_dtype)
        self._enum = enum
        self._kind = kind
        self.is_floating = kind == "f"
        self.is_integer = kind in "iu"
        self.is_unsigned = kind == "u"
        self.is_bool = kind == "b"
        self.is_complex = kind == "c"
        self.is_quantized = kind == "q"

    @property
    def as_numpy_dtype(self):
        """The NumPy scalar type this DType stands for (e.g. `numpy.float32`)."""
        if self._kind == "r":
            raise KeyError(self._enum)  # TF's: resource and variant have none
        return self._np if self.is_quantized else self._np.type

    @property
    def np_dtype(self):
        """The `numpy.dtype` object of this DType."""
        return self._np

    @property
    def base_dtype(self):
        """Returns this DType (fastgraph has no reference dtypes)."""
        return self

    @property
    def real_dtype(self):
        """The DType of the real and imaginary parts of a complex type;
        the type itself for the others."""
        if self is complex64:
            return float32
        if self is complex128:
            return float64
        return self

    @property
    def is_numeric(self):
        """Whether values of this type are numbers (not bool)."""
        return self.is_floating or self.is_integer or self.is_complex

    @property
    def is_numpy_compatible(self):
        """Whether NumPy can hold values of this type (not resource and variant)."""
        return self._kind != "r"

    @property
    def on_host(self):
        """Whether tensors of this type exist but no C kernel takes them:
        the session computes every op that takes or gives one in Python,
        by the op's NumPy reference (staged_run.py)."""
        return self.code < 0 and self._kind not in "qr"

    @property
    def message_name(self):
        """The type's name in TF's error messages, which spell float32 as
        "float" and float64 as "double"."""
        return {"float32": "float", "float64": "double", "float16": "half"}.get(
            self.name, self.name)

    @property
    def as_datatype_enum(self):
        """TF's DataType enum value of this type (types.proto: float32 is 1)."""
        return self._enum

    @property
    def size(self):
        """Bytes per element (1 for bool, 0 for string, resource and variant)."""
        return 0 if self._kind in "Or" else self._np.itemsize

    def _finfo(self):
        return ml_dtypes.finfo(self._np) if self is bfloat16 else np.finfo(self._np)

    @property
    def min(self):
        """The smallest representable value."""
        if self.is_quantized or self._kind in "cOr":
            what = "quantized type " if self.is_quantized else "type "
            raise TypeError(f"Cannot find minimum value of {self}"
                            + (f" with {what}{self}." if self._kind != "r" else "."))
        if self.is_bool:
            return False
        return self._finfo().min if self.is_floating else np.iinfo(self._np).min

    @property
    def max(self):
        """The largest representable value."""
        if self.is_quantized or self._kind in "cOr":
            what = "quantized type " if self.is_quantized else "type "
            raise TypeError(f"Cannot find maximum value of {self}"
                            + (f" with {what}{self}." if self._kind != "r" else "."))
        if self.is_bool:
            return True
        return self._finfo().max if self.is_floating else np.iinfo(self._np).max

    def is_compatible_with(self, other):
        """Whether a value of `other`'s type may be used where this one is expected."""
        return self == other

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


# Codes must match fg_dtype in csrc/fg.h; the last argument is TF's
# DataType enum value (tensorflow/core/framework/types.proto).
bool = DType("bool", 0, np.bool_, "b", 10)  # noqa: A001 - TF's public name
uint8 = DType("uint8", 1, np.uint8, "u", 4)
int32 = DType("int32", 2, np.int32, "i", 3)
int64 = DType("int64", 3, np.int64, "i", 9)
float32 = DType("float32", 4, np.float32, "f", 1)
float64 = DType("float64", 5, np.float64, "f", 2)
int8 = DType("int8", 6, np.int8, "i", 6)
int16 = DType("int16", 7, np.int16, "i", 5)
double = float64
# Types no C kernel takes (negative codes): the session computes the ops
# on them on the host, by their NumPy references (staged_run.py).
float16 = DType("float16", -1, np.float16, "f", 19)
half = float16
string = DType("string", -2, np.object_, "O", 7)
uint16 = DType("uint16", -3, np.uint16, "u", 17)
bfloat16 = DType("bfloat16", -4, ml_dtypes.bfloat16, "f", 14)
complex64 = DType("complex64", -5, np.complex64, "c", 8)
complex128 = DType("complex128", -6, np.complex128, "c", 18)
uint32 = DType("uint32", -7, np.uint32, "u", 22)
uint64 = DType("uint64", -8, np.uint64, "u", 23)
# Named so that TF code referring to them imports; no tensor holds them.
# The quantized types' NumPy dtypes are TF's one-field records.
qint8 = DType("qint8", -9, [("qint8", np.int8)], "q", 11)
quint8 = DType("quint8", -10, [("quint8", np.uint8)], "q", 12)
qint16 = DType("qint16", -11, [("qint16", np.int16)], "q", 15)
quint16 = DType("quint16", -12, [("quint16", np.uint16)], "q", 16)
qint32 = DType("qint32", -13, [("qint32", np.int32)], "q", 13)
resource = DType("resource", -14, np.object_, "r", 20)
variant = DType("variant", -15, np.object_, "r", 21)

QUANTIZED_DTYPES = frozenset((qint8, quint8, qint16, quint16, qint32))

_ALL = (bool, uint8, int8, int16, int32, int64, float32, float64, float16, string, uint16,
        bfloat16, complex64, complex128, uint32, uint64, qint8, quint8, qint16, quint16,
        qint32, resource, variant)
_BY_NAME = {d.name: d for d in _ALL}
_BY_NAME.update(double=float64, half=float16, float=float32)
_BY_NP = {d.np_dtype: d for d in _ALL if d._kind not in "Or"}
_BY_ENUM = {d.as_datatype_enum: d for d in _ALL}


def numpy_dtype_of_enum(enum):
    """The NumPy dtype of TF DataType enum value `enum`, or None when there
    is none for it (quantized, resource and variant types, and unknown
    values); strings are object arrays."""
    d = _BY_ENUM.get(enum)
    return None if d is None or d._kind in "qr" else d.np_dtype


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
        found = _BY_ENUM.get(int(type_value))
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
