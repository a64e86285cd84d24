"""The sets of dtypes that ops accept (as TF's type constraints name them),
and the check of an input against one."""

from . import dtypes
from .op_registry import dtype_not_allowed

__all__ = ["INTS", "FLOATS", "NUMERIC", "SIGNED", "ALL", "WITH_STRING", "HOST_FLOATS", "COMPLEX",
           "HOST_INTS", "HOST_NUMERIC", "HOST_INEXACT", "HOST_ALL", "check_dtype"]

INTS = (dtypes.uint8, dtypes.int8, dtypes.int16, dtypes.int32, dtypes.int64)
FLOATS = (dtypes.float32, dtypes.float64)
NUMERIC = INTS + FLOATS
SIGNED = (dtypes.int8, dtypes.int16, dtypes.int32, dtypes.int64) + FLOATS
ALL = (dtypes.bool,) + NUMERIC
# What ops that move elements without computing on them take (copies,
# gathers, concatenations, comparisons for equality): strings too, which
# the session moves on the host (staged_run.py) with the op's reference.
WITH_STRING = ALL + (dtypes.string,)

# Types no C kernel takes, which the session computes on the host by the
# ops' NumPy references (DType.on_host): ops that TF defines for them list
# them next to their C ones.
HOST_FLOATS = (dtypes.float16, dtypes.bfloat16)
COMPLEX = (dtypes.complex64, dtypes.complex128)
HOST_INTS = (dtypes.uint16, dtypes.uint32, dtypes.uint64)
HOST_INEXACT = HOST_FLOATS + COMPLEX
HOST_NUMERIC = HOST_INEXACT + HOST_INTS
HOST_ALL = HOST_NUMERIC


def check_dtype(tensor, allowed, op_type, arg="x"):
    """Raises TypeError, as TF does, if `tensor`'s dtype is not in `allowed`."""
    if tensor.dtype not in allowed:
        raise dtype_not_allowed(arg, tensor.dtype, allowed)
