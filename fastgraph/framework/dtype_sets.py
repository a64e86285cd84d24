"""The sets of dtypes that ops accept (as TF's type constraints name them),
and the check of an input against one."""

from . import dtypes

__all__ = ["INTS", "FLOATS", "NUMERIC", "SIGNED", "ALL", "check_dtype"]

INTS = (dtypes.uint8, dtypes.int8, dtypes.int16, dtypes.int32, dtypes.int64)
FLOATS = (dtypes.float32, dtypes.float64)
NUMERIC = INTS + FLOATS
SIGNED = (dtypes.int8, dtypes.int16, dtypes.int32, dtypes.int64) + FLOATS
ALL = (dtypes.bool,) + NUMERIC


def check_dtype(tensor, allowed, op_type, arg="x"):
    """Raises TypeError, as TF does, if `tensor`'s dtype is not in `allowed`."""
    if tensor.dtype not in allowed:
        names = ", ".join(d.name for d in allowed)
        raise TypeError(f"Value passed to parameter '{arg}' has DataType {tensor.dtype.name} "
                        f"not in list of allowed values: {names}")
