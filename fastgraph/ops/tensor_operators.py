"""Every operator of Tensor and Variable, attached in this one place:
arithmetic, comparisons and logic (the elementwise ops), `@` (matmul) and
indexing (one StridedSlice).

`==` and `!=` stay identity comparisons, as for graph tensors in TF. The
framework's Tensor knows nothing of ops; importing `fastgraph.ops` gives it
its operators.
"""

from ..framework.graph import Tensor
from .array_ops import _getitem
from .elementwise import (
    abs, add, floordiv, floormod, greater, greater_equal, less, less_equal, logical_and,
    logical_not, logical_or, logical_xor, multiply, negative, pow, subtract, truediv,
)
from .linalg_ops import matmul
from .state_ops import Variable

__all__ = []


def _operator(fn, name):
    """x <op> y, with the op named as TF names operator ops ("add", "mul")."""
    return lambda self, other: fn(self, other, name=name)


def _reverse(fn, name):
    return lambda self, other: fn(other, self, name=name)


_OPERATORS = {
    "__add__": _operator(add, "add"), "__radd__": _reverse(add, "add"),
    "__sub__": _operator(subtract, "sub"), "__rsub__": _reverse(subtract, "sub"),
    "__mul__": _operator(multiply, "mul"), "__rmul__": _reverse(multiply, "mul"),
    "__truediv__": _operator(truediv, "truediv"), "__rtruediv__": _reverse(truediv, "truediv"),
    "__floordiv__": _operator(floordiv, "floordiv"),
    "__rfloordiv__": _reverse(floordiv, "floordiv"),
    "__mod__": _operator(floormod, "mod"), "__rmod__": _reverse(floormod, "mod"),
    "__pow__": _operator(pow, "pow"), "__rpow__": _reverse(pow, "pow"),
    "__lt__": _operator(less, None), "__le__": _operator(less_equal, None),
    "__gt__": _operator(greater, None), "__ge__": _operator(greater_equal, None),
    "__and__": _operator(logical_and, "and"), "__rand__": _reverse(logical_and, "and"),
    "__or__": _operator(logical_or, "or"), "__ror__": _reverse(logical_or, "or"),
    "__xor__": _operator(logical_xor, "xor"), "__rxor__": _reverse(logical_xor, "xor"),
    "__neg__": lambda self: negative(self),
    "__abs__": lambda self: abs(self),
    "__invert__": lambda self: logical_not(self),
    "__matmul__": _operator(matmul, "matmul"), "__rmatmul__": _reverse(matmul, "matmul"),
}


for _attr, _fn in _OPERATORS.items():
    setattr(Tensor, _attr, _fn)
    setattr(Variable, _attr, _fn)
Tensor.__getitem__ = _getitem
# A Variable is indexed through its current value, as in TF.
Variable.__getitem__ = lambda self, slice_spec: _getitem(self.value(), slice_spec)
