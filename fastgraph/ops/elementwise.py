"""Elementwise ops: broadcasting binary arithmetic and comparisons, unary
math, cast and select (SelectV2)."""

import math

import numpy as np

from ..framework import dtypes
from ..framework.dtype_sets import ALL, FLOATS, NUMERIC, SIGNED
from ..framework.graphdef_mapping import Attr, Fixed, NodeMapping, NoGraphDef, TypeAttr
from ..framework.op_registry import Accepts, NotDifferentiable, OpDef, RegisterGradient, register
from . import samples
from .arguments import graph_of, make_op, to_tensor, to_tensors_like
from .array_ops import reshape
from .broadcast import broadcast_shapes, lower_broadcast
from .reduction_ops import reduce_sum

__all__ = [
    "add", "subtract", "multiply", "divide", "truediv", "realdiv", "div", "floordiv",
    "floor_div", "floormod", "mod", "pow", "maximum", "minimum", "squared_difference",
    "equal", "not_equal", "less", "less_equal", "greater", "greater_equal", "logical_and",
    "logical_or", "logical_xor", "negative", "abs", "sign", "square", "sqrt", "rsqrt", "exp",
    "expm1", "log", "log1p", "sin", "cos", "tan", "atan", "tanh", "sigmoid", "erf", "floor", "ceil",
    "round", "reciprocal", "logical_not", "is_nan", "is_finite", "is_inf", "cast",
]

MATH = [n for n in __all__ if n != "cast"] + ["floor_div"]
NN = ["sigmoid", "tanh"]
# TF-Keras activation names (`activation="tanh"` in fastgraph.layers);
# `exponential` is Keras's name for exp.
ACTIVATIONS = ["sigmoid", "tanh", "exponential"]

_BOOL = (dtypes.bool,)


def _int_div_trunc(x, y):
    with np.errstate(all="ignore"):
        q = np.abs(x) // np.abs(y)
    return (q * np.sign(x) * np.sign(y)).astype(x.dtype)


def _sigmoid(x):
    with np.errstate(over="ignore"):
        return (1 / (1 + np.exp(-x))).astype(x.dtype)


_erf = np.vectorize(math.erf, otypes=[np.float64])


# ---- registry ---------------------------------------------------------------

# TF's elementwise ops: inputs x (and y) of type attr T; its logical ops
# take bool only and have no T.
_XY = NodeMapping(("x", "y"), [TypeAttr("T", input=0)])
_X = NodeMapping(("x",), [TypeAttr("T", input=0)])
_BOOL_XY = NodeMapping(("x", "y"))


def _result_fns(ref, out_bool):
    """The dtype and reference functions of an elementwise op computing
    `ref` over its inputs: bool out for comparisons, else input 0's type."""
    def dtype(ctx):
        return [dtypes.bool if out_bool else ctx.dtypes[0]]

    def reference(inputs, attrs):
        with np.errstate(all="ignore"):
            out = ref(*inputs)
        return [np.asarray(out, dtype=np.bool_ if out_bool else inputs[0].dtype)]

    return dtype, reference


def _binary_def(op_type, kernel, allowed, ref, out_bool=False, sampler=samples.binary,
                fused=False, graphdef=_XY):
    def shape(ctx):
        return [broadcast_shapes(ctx.shapes, f"'{op_type}'")]

    def lower(ctx):
        return lower_broadcast(ctx.out_shapes[0], ctx.shapes), None

    dtype, reference = _result_fns(ref, out_bool)
    register(OpDef(op_type, shape=shape, dtype=dtype, kernel=kernel, lower=lower,
                   reference=reference, parallel=True, inplace=True,
                   dtypes=[Accepts("x", allowed)],
                   samples=sampler,
                   fused=kernel if fused else None,
                   graphdef=graphdef))
    return op_type


def _unary_def(op_type, kernel, allowed, ref, out_bool=False, sampler=samples.unary,
               fused=False, graphdef=_X):
    dtype, reference = _result_fns(ref, out_bool)
    register(OpDef(op_type, shape=lambda ctx: [ctx.shapes[0]], dtype=dtype, kernel=kernel,
                   reference=reference, parallel=True, inplace=True,
                   dtypes=[Accepts("x", allowed)],
                   samples=sampler,
                   fused=kernel if fused else None,
                   graphdef=graphdef))
    return op_type


_ADD = _binary_def("AddV2", "add", NUMERIC, np.add, fused=True,
                   graphdef=NodeMapping(("x", "y"), [TypeAttr("T", input=0)], aliases=("Add",)))
_SUB = _binary_def("Sub", "sub", NUMERIC, np.subtract, fused=True)
_MUL = _binary_def("Mul", "mul", NUMERIC, np.multiply, fused=True)
_REALDIV = _binary_def("RealDiv", "div", FLOATS, np.true_divide, fused=True)
_DIV = _binary_def("Div", "div", NUMERIC,
                   lambda x, y: _int_div_trunc(x, y) if x.dtype.kind in "iu" else x / y,
                   sampler=samples.binary_divisor, fused=True)
_FLOORDIV = _binary_def("FloorDiv", "floordiv", NUMERIC, np.floor_divide,
                        sampler=samples.binary_divisor)
_FLOORMOD = _binary_def("FloorMod", "floormod", NUMERIC, np.mod, sampler=samples.binary_divisor)
_POW = _binary_def("Pow", "pow", NUMERIC, np.power, sampler=samples.binary_power)
_MAX = _binary_def("Maximum", "maximum", NUMERIC, np.maximum, fused=True)
_MIN = _binary_def("Minimum", "minimum", NUMERIC, np.minimum, fused=True)
_SQDIFF = _binary_def("SquaredDifference", "squared_difference", NUMERIC,
                      lambda x, y: np.square(x - y), fused=True)
_EQ = _binary_def("Equal", "equal", ALL, np.equal, out_bool=True)
_NE = _binary_def("NotEqual", "not_equal", ALL, np.not_equal, out_bool=True)
_LT = _binary_def("Less", "less", NUMERIC, np.less, out_bool=True)
_LE = _binary_def("LessEqual", "less_equal", NUMERIC, np.less_equal, out_bool=True)
_GT = _binary_def("Greater", "greater", NUMERIC, np.greater, out_bool=True)
_GE = _binary_def("GreaterEqual", "greater_equal", NUMERIC, np.greater_equal, out_bool=True)
_LAND = _binary_def("LogicalAnd", "logical_and", _BOOL, np.logical_and, out_bool=True,
                    graphdef=_BOOL_XY)
_LOR = _binary_def("LogicalOr", "logical_or", _BOOL, np.logical_or, out_bool=True,
                   graphdef=_BOOL_XY)
_LXOR = _binary_def("LogicalXor", "logical_xor", _BOOL, np.logical_xor, out_bool=True,
                    graphdef=NoGraphDef("TF has no LogicalXor op: tf.math.logical_xor is "
                                        "built from LogicalAnd, LogicalOr and LogicalNot"))

_NEG = _unary_def("Neg", "neg", SIGNED, np.negative, fused=True)
_ABS = _unary_def("Abs", "abs", SIGNED, np.abs, fused=True)
_SIGN = _unary_def("Sign", "sign", SIGNED, np.sign)
_SQUARE = _unary_def("Square", "square", NUMERIC, np.square, fused=True)
_SQRT = _unary_def("Sqrt", "sqrt", FLOATS, np.sqrt, sampler=samples.unary_positive, fused=True)
_RSQRT = _unary_def("Rsqrt", "rsqrt", FLOATS, lambda x: 1 / np.sqrt(x),
                    sampler=samples.unary_positive, fused=True)
_EXP = _unary_def("Exp", "exp", FLOATS, np.exp, fused=True)
_EXPM1 = _unary_def("Expm1", "expm1", FLOATS, np.expm1)
_LOG = _unary_def("Log", "log", FLOATS, np.log, sampler=samples.unary_positive, fused=True)
_LOG1P = _unary_def("Log1p", "log1p", FLOATS, np.log1p, sampler=samples.unary_positive)
_SIN = _unary_def("Sin", "sin", FLOATS, np.sin)
_COS = _unary_def("Cos", "cos", FLOATS, np.cos)
_TAN = _unary_def("Tan", "tan", FLOATS, np.tan)
_ATAN = _unary_def("Atan", "atan", FLOATS, np.arctan)
_TANH = _unary_def("Tanh", "tanh", FLOATS, np.tanh, fused=True)
_SIGMOID = _unary_def("Sigmoid", "sigmoid", FLOATS, _sigmoid, fused=True)
_ERF = _unary_def("Erf", "erf", FLOATS, _erf)
_FLOOR = _unary_def("Floor", "floor", FLOATS, np.floor, fused=True)
_CEIL = _unary_def("Ceil", "ceil", FLOATS, np.ceil, fused=True)
_ROUND = _unary_def("Round", "round", FLOATS, np.round)  # NumPy also rounds half to even
_RECIP = _unary_def("Reciprocal", "reciprocal", FLOATS, lambda x: 1 / x, fused=True)
_LNOT = _unary_def("LogicalNot", "logical_not", _BOOL, np.logical_not, out_bool=True,
                   graphdef=NodeMapping(("x",)))
_ISNAN = _unary_def("IsNan", "is_nan", FLOATS, np.isnan, out_bool=True)
_ISFINITE = _unary_def("IsFinite", "is_finite", FLOATS, np.isfinite, out_bool=True)
_ISINF = _unary_def("IsInf", "is_inf", FLOATS, np.isinf, out_bool=True)


def float_to_int(x, np_dtype):
    """`x` (floats) cast to the integer type `np_dtype` as TF does on x86:
    truncation toward zero; NaN and values out of range give int64's minimum
    for int64 and int32's minimum otherwise, the narrower types keeping the
    low bits of that int32 (the cast kernel's rule)."""
    np_dtype = np.dtype(np_dtype)
    via = np.int64 if np_dtype.itemsize == 8 else np.int32
    lo = float(np.iinfo(via).min)
    xd = np.asarray(x, dtype=np.float64)
    bad = ~((xd >= lo) & (xd < -lo))
    out = np.where(bad, 0, np.trunc(np.where(bad, 0, xd))).astype(via)
    out[bad] = np.iinfo(via).min
    return out.astype(np_dtype)


def _cast_reference(inputs, attrs):
    x, dst = inputs[0], attrs["DstT"]
    if dst is dtypes.bool:
        return [x != 0]
    if x.dtype.kind == "f" and np.dtype(dst.np_dtype).kind in "iu":
        return [float_to_int(x, dst.np_dtype)]
    with np.errstate(all="ignore"):
        return [x.astype(dst.np_dtype)]


register(OpDef("Cast", shape=lambda ctx: [ctx.shapes[0]], dtype=lambda ctx: [ctx.attrs["DstT"]],
               kernel="cast", reference=_cast_reference, parallel=True,
               dtypes=[Accepts("x", ALL)],
               samples=samples.cast,
               graphdef=NodeMapping(("x",), [Attr("SrcT"), Attr("DstT"),
                                             Fixed("Truncate", False)])))


def _select_shape(ctx):
    return [broadcast_shapes(ctx.shapes, "'SelectV2'")]


register(OpDef(
    "SelectV2", shape=_select_shape, dtype=lambda ctx: [ctx.dtypes[1]], kernel="where",
    lower=lambda ctx: (lower_broadcast(ctx.out_shapes[0], ctx.shapes), None),
    reference=lambda inputs, attrs: [np.where(*inputs)], parallel=True,
    samples=samples.select,
    graphdef=NodeMapping(("condition", "t", "e"), [TypeAttr("T", input=1)])))


# ---- op functions -----------------------------------------------------------

def _binary(op_type, x, y, name):
    graph, (x, y) = to_tensors_like([x, y], op_type)
    # TF names tf.add's op "Add" although its type is AddV2.
    name = name or ("Add" if op_type == "AddV2" else op_type)
    return make_op(graph, op_type, [x, y], name=name).outputs[0]


def _unary(op_type, x, name):
    graph = graph_of([x])
    x = to_tensor(graph, x)
    return make_op(graph, op_type, [x], name=name).outputs[0]


def add(x, y, name=None):
    """Returns x + y element-wise, with broadcasting."""
    return _binary(_ADD, x, y, name)


def subtract(x, y, name=None):
    """Returns x - y element-wise, with broadcasting."""
    return _binary(_SUB, x, y, name)


def multiply(x, y, name=None):
    """Returns x * y element-wise, with broadcasting."""
    return _binary(_MUL, x, y, name)


# TF's _TRUEDIV_TABLE: the float type that integer operands of `/` become.
_TRUEDIV_CAST = {dtypes.uint8: dtypes.float32, dtypes.int8: dtypes.float32,
                 dtypes.int16: dtypes.float32, dtypes.int32: dtypes.float64,
                 dtypes.int64: dtypes.float64}


def truediv(x, y, name=None):
    """Divides x / y elementwise (using Python 3 division operator semantics).

    Integer operands are cast to floating point first (int32 and int64 to
    float64, narrower ints to float32), as in TF.
    """
    graph, (x, y) = to_tensors_like([x, y], "RealDiv")
    target = _TRUEDIV_CAST.get(x.dtype)
    if target is not None:
        x, y = cast(x, target), cast(y, target)
    elif x.dtype not in FLOATS:
        raise TypeError(f"Invalid dtype {x.dtype!r} in __truediv__")
    return make_op(graph, "RealDiv", [x, y], name=name or "truediv").outputs[0]


divide = truediv


def realdiv(x, y, name=None):
    """Returns x / y element-wise for real (floating point) types."""
    return _binary(_REALDIV, x, y, name)


def div(x, y, name=None):
    """Divides x / y elementwise, rounding toward the most negative integer
    for integer operands (TF1's Python 2 semantics)."""
    graph, (x, y) = to_tensors_like([x, y], "Div")
    if x.dtype in FLOATS:
        return make_op(graph, "RealDiv", [x, y], name=name).outputs[0]
    return floordiv(x, y, name=name)


def floordiv(x, y, name=None):
    """Divides x / y elementwise, rounding toward the most negative integer."""
    return _binary(_FLOORDIV, x, y, name)


floor_div = floordiv


def floormod(x, y, name=None):
    """Returns element-wise remainder of division; the result has the sign of y."""
    return _binary(_FLOORMOD, x, y, name)


mod = floormod


def pow(x, y, name=None):  # noqa: A001 - TF's public name
    """Computes the power of one value to another, element-wise."""
    return _binary(_POW, x, y, name)


def maximum(x, y, name=None):
    """Returns the max of x and y (i.e. x > y ? x : y) element-wise."""
    return _binary(_MAX, x, y, name)


def minimum(x, y, name=None):
    """Returns the min of x and y (i.e. x < y ? x : y) element-wise."""
    return _binary(_MIN, x, y, name)


def squared_difference(x, y, name=None):
    """Returns (x - y)(x - y) element-wise."""
    return _binary(_SQDIFF, x, y, name)


def equal(x, y, name=None):
    """Returns the truth value of (x == y) element-wise."""
    return _binary(_EQ, x, y, name)


def not_equal(x, y, name=None):
    """Returns the truth value of (x != y) element-wise."""
    return _binary(_NE, x, y, name)


def less(x, y, name=None):
    """Returns the truth value of (x < y) element-wise."""
    return _binary(_LT, x, y, name)


def less_equal(x, y, name=None):
    """Returns the truth value of (x <= y) element-wise."""
    return _binary(_LE, x, y, name)


def greater(x, y, name=None):
    """Returns the truth value of (x > y) element-wise."""
    return _binary(_GT, x, y, name)


def greater_equal(x, y, name=None):
    """Returns the truth value of (x >= y) element-wise."""
    return _binary(_GE, x, y, name)


def logical_and(x, y, name=None):
    """Returns the truth value of x AND y element-wise."""
    return _binary(_LAND, x, y, name)


def logical_or(x, y, name=None):
    """Returns the truth value of x OR y element-wise."""
    return _binary(_LOR, x, y, name)


def logical_xor(x, y, name="LogicalXor"):
    """Logical XOR function: x ^ y = (x | y) & ~(x & y), element-wise."""
    return _binary(_LXOR, x, y, name)


def negative(x, name=None):
    """Computes numerical negative value element-wise."""
    return _unary(_NEG, x, name)


def abs(x, name=None):  # noqa: A001 - TF's public name
    """Computes the absolute value of a tensor."""
    return _unary(_ABS, x, name)


def sign(x, name=None):
    """Returns an element-wise indication of the sign of a number (-1, 0 or 1)."""
    return _unary(_SIGN, x, name)


def square(x, name=None):
    """Computes square of x element-wise."""
    return _unary(_SQUARE, x, name)


def sqrt(x, name=None):
    """Computes element-wise square root of the input tensor."""
    return _unary(_SQRT, x, name)


def rsqrt(x, name=None):
    """Computes reciprocal of square root of x element-wise."""
    return _unary(_RSQRT, x, name)


def exp(x, name=None):
    """Computes exponential of x element-wise."""
    return _unary(_EXP, x, name)


def expm1(x, name=None):
    """Computes exp(x) - 1 element-wise."""
    return _unary(_EXPM1, x, name)


def log(x, name=None):
    """Computes natural logarithm of x element-wise."""
    return _unary(_LOG, x, name)


def log1p(x, name=None):
    """Computes natural logarithm of (1 + x) element-wise."""
    return _unary(_LOG1P, x, name)


def sin(x, name=None):
    """Computes sine of x element-wise."""
    return _unary(_SIN, x, name)


def cos(x, name=None):
    """Computes cos of x element-wise."""
    return _unary(_COS, x, name)


def tan(x, name=None):
    """Computes tan of x element-wise."""
    return _unary(_TAN, x, name)


def atan(x, name=None):
    """Computes the trignometric inverse tangent of x element-wise.

    The `tf.math.atan` operation returns the inverse of `tf.math.tan`, such that
    if `y = tf.math.tan(x)` then, `x = tf.math.atan(y)`. The result is in
    [-pi/2, pi/2].
    """
    return _unary(_ATAN, x, name)


def tanh(x, name=None):
    """Computes hyperbolic tangent of x element-wise."""
    return _unary(_TANH, x, name)


def sigmoid(x, name=None):
    """Computes sigmoid of x element-wise: 1 / (1 + exp(-x))."""
    return _unary(_SIGMOID, x, name)


def erf(x, name=None):
    """Computes the Gauss error function of x element-wise."""
    return _unary(_ERF, x, name)


def floor(x, name=None):
    """Returns element-wise largest integer not greater than x."""
    return _unary(_FLOOR, x, name)


def ceil(x, name=None):
    """Returns element-wise smallest integer not less than x."""
    return _unary(_CEIL, x, name)


def round(x, name=None):  # noqa: A001 - TF's public name
    """Rounds the values of a tensor to the nearest integer, element-wise,
    half to even (banker's rounding)."""
    graph = graph_of([x])
    x = to_tensor(graph, x)
    if x.dtype.is_integer:
        return x
    return _unary(_ROUND, x, name)


def reciprocal(x, name=None):
    """Computes the reciprocal of x element-wise."""
    return _unary(_RECIP, x, name)


def logical_not(x, name=None):
    """Returns the truth value of NOT x element-wise."""
    return _unary(_LNOT, x, name)


def is_nan(x, name=None):
    """Returns which elements of x are NaN."""
    return _unary(_ISNAN, x, name)


def is_finite(x, name=None):
    """Returns which elements of x are finite."""
    return _unary(_ISFINITE, x, name)


def is_inf(x, name=None):
    """Returns which elements of x are Inf."""
    return _unary(_ISINF, x, name)


exponential = exp


def cast(x, dtype, name=None):
    """Casts a tensor to a new type.

    Floats cast to ints truncate toward zero; anything cast to bool is x != 0.
    Returns `x` itself when it already has `dtype`.
    """
    dtype = dtypes.as_dtype(dtype)
    graph = graph_of([x])
    x = to_tensor(graph, x)
    if x.dtype == dtype:
        return x
    if dtype.code < 0:
        raise TypeError(f"fastgraph has no kernels for dtype {dtype.name}.")
    return make_op(graph, "Cast", [x], {"SrcT": x.dtype, "DstT": dtype},
                   name=name or "Cast").outputs[0]


def select_v2(condition, x, y, name=None):
    """Elements chosen from `x` or `y` depending on `condition`, with
    broadcasting among the three (TF's SelectV2; `where` in indexing_ops is
    the public function that also takes a condition alone)."""
    graph = graph_of([condition, x, y])
    condition = to_tensor(graph, condition, dtype=dtypes.bool)
    graph, (x, y) = to_tensors_like([x, y], "SelectV2", ("t", "e"))
    return make_op(graph, "SelectV2", [condition, x, y], name=name).outputs[0]


# ---- gradients --------------------------------------------------------------

def _sum_to(grad, like):
    """`grad` summed down to the shape of `like`, undoing the broadcasting
    of a binary op (over static shapes: TF's BroadcastGradientArgs, which
    handles dims known only at run time, is for the training work)."""
    have, want = grad.shape.as_tuple(), like.shape.as_tuple()
    if have == want and have is not None and None not in have:
        return grad
    if have is None or want is None or None in have or None in want:
        raise NotImplementedError(f"the gradient of a broadcasting op needs static shapes; "
                                  f"{grad.name} has {grad.shape} and {like.name} {like.shape}")
    lead = len(have) - len(want)
    axes = list(range(lead)) + [lead + i for i, d in enumerate(want)
                                if d == 1 and have[lead + i] != 1]
    return reshape(reduce_sum(grad, axis=axes), list(want)) if axes else grad


@RegisterGradient("AddV2")
def _add_grad(op, grad):
    x, y = op.inputs
    return [_sum_to(grad, x), _sum_to(grad, y)]


@RegisterGradient("Sub")
def _sub_grad(op, grad):
    x, y = op.inputs
    return [_sum_to(grad, x), _sum_to(negative(grad), y)]


@RegisterGradient("Mul")
def _mul_grad(op, grad):
    x, y = op.inputs
    return [_sum_to(multiply(grad, y), x), _sum_to(multiply(grad, x), y)]


@RegisterGradient("Tanh")
def _tanh_grad(op, grad):
    y = op.outputs[0]
    return [multiply(grad, subtract(1.0, square(y)))]


@RegisterGradient("Atan")
def _atan_grad(op, grad):
    """d/dx atan(x) = 1 / (1 + x^2), as TF's AtanGrad."""
    x = op.inputs[0]
    return [realdiv(grad, add(1.0, square(x)))]


@RegisterGradient("Exp")
def _exp_grad(op, grad):
    return [multiply(grad, op.outputs[0])]


for _t in ("Equal", "NotEqual", "Less", "LessEqual", "Greater", "GreaterEqual", "LogicalAnd",
           "LogicalOr", "LogicalXor", "LogicalNot", "IsNan", "IsFinite", "IsInf"):
    NotDifferentiable(_t)
