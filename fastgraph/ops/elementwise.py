"""Elementwise ops: broadcasting binary arithmetic and comparisons, unary
math, cast and select (SelectV2)."""

import math

import numpy as np

from ..framework import dtypes
from ..framework.dtype_sets import ALL, FLOATS, NUMERIC, SIGNED, WITH_STRING
from ..framework.graphdef_mapping import Attr, Fixed, NodeMapping, NoGraphDef, TypeAttr
from ..framework.op_registry import NOT_DIFFERENTIABLE, Accepts, AttrFromInput, NotDifferentiable, \
    OpDef, RegisterGradient, register
from . import samples
from .arguments import graph_of, make_op, to_tensor, to_tensors_like
from .array_ops import identity, reshape, shape
from .broadcast import broadcast_shapes, lower_broadcast

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
_EQ = _binary_def("Equal", "equal", WITH_STRING, np.equal, out_bool=True)
_NE = _binary_def("NotEqual", "not_equal", WITH_STRING, np.not_equal, out_bool=True)
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
               dtypes=[Accepts("x", ALL + (dtypes.uint16,))],  # uint16: on the host
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


# ---- broadcast gradient args --------------------------------------------------

def broadcast_reduction_axes(s0, s1):
    """TF's BroadcastGradientArgs on two shapes (sequences of ints): the axes
    of the broadcast shape that each input's gradient is summed over. Equal
    shapes need none; an axis where both are 1 is in both. ValueError in
    TF's words when the shapes do not broadcast."""
    s0, s1 = [int(d) for d in s0], [int(d) for d in s1]
    if s0 == s1:
        return [], []
    rank = max(len(s0), len(s1))
    x = [1] * (rank - len(s0)) + s0
    y = [1] * (rank - len(s1)) + s1
    r0, r1 = [], []
    for i, (a, b) in enumerate(zip(x, y)):
        if a != b and a != 1 and b != 1:
            raise ValueError(f"Incompatible shapes: [{','.join(map(str, s0))}] vs. "
                             f"[{','.join(map(str, s1))}]")
        if a == 1:
            r0.append(i)
        if b == 1:
            r1.append(i)
    return r0, r1


def _bga_shape(ctx):
    s0, s1 = ctx.values
    if s0 is None or s1 is None:
        return [(None,), (None,)]
    return [(len(r),) for r in broadcast_reduction_axes(s0, s1)]


def _bga_reference(inputs, attrs):
    dtype = inputs[0].dtype
    return [np.array(r, dtype=dtype) for r in broadcast_reduction_axes(*inputs)]


# No kernel: its outputs' shapes are its inputs' values, which the compiler
# knows when it plans a run (they are Shape outputs, folded per run
# signature), so it always folds through the reference.
register(OpDef(
    "BroadcastGradientArgs", shape=_bga_shape, dtype=lambda ctx: [ctx.dtypes[0]] * 2,
    reference=_bga_reference,
    dtypes=[Accepts("s0", (dtypes.int32, dtypes.int64))],
    samples=samples.broadcast_gradient_args,
    gradient=NOT_DIFFERENTIABLE,  # integer axes computed from shapes, as in TF
    graphdef=NodeMapping(("s0", "s1"), [TypeAttr("T", input=0)])))


def broadcast_gradient_args(s0, s1, name=None):
    """Return the reduction indices for computing gradients of s0 op s1 with
    broadcast (TF's gen_array_ops.broadcast_gradient_args): two int vectors."""
    graph, (s0, s1) = to_tensors_like([s0, s1], "BroadcastGradientArgs", ("s0", "s1"))
    return make_op(graph, "BroadcastGradientArgs", [s0, s1], name=name).outputs


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
    if dtype.code < 0 and not dtype.on_host or dtype == dtypes.string:
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
# TF's definitions (math_grad.py), built from the ops above.

def _sum_over(grad, axes, keepdims=False):
    """The Sum of `grad` over `axes` (a list, or an int tensor known when the
    plan is compiled), built by type name: reduction_ops imports this
    module for its gradients."""
    if isinstance(axes, list):
        return make_op(grad.graph, "Sum", [grad], {"axis": axes, "keepdims": keepdims}).outputs[0]
    axis = AttrFromInput(1, lambda v: np.asarray(v).tolist(), "axis")
    return make_op(grad.graph, "Sum", [grad, axes],
                   {"axis": axis, "keepdims": keepdims}).outputs[0]


def _dims(value):
    """A shape tuple (None dims, or None) of a Tensor or of a shape tuple."""
    return value.shape.as_tuple() if hasattr(value, "shape") else value


def _static_axes(have, want, others):
    """The axes of `have` (the broadcast shape) to sum to get `want`, when
    they follow from static shapes, else None. `others` are the shapes the
    op broadcast `want` with, when the caller gives them: a dim of `want`
    of unknown size needs no sum where none of them is wider than 1."""
    if have is None or want is None or len(have) < len(want):
        return None
    lead = len(have) - len(want)
    axes = list(range(lead))
    for i, d in enumerate(want):
        pos = lead + i
        if d is None:
            # The output's dim is `want`'s unless another input stretches a 1.
            for o in others:
                if o is None:
                    return None
                j = pos - (len(have) - len(o))
                if j >= 0 and o[j] != 1:
                    return None
            if not others:
                return None
        elif d == 1 and have[pos] != 1:
            # Summing a size-1 axis changes nothing, so one of unknown size
            # in `have` is summed whenever `want` has 1 there.
            axes.append(pos)
    return axes


def _merge(a, b):
    """The better known of two shape tuples of one tensor, dim by dim."""
    if a is None or b is None or len(a) != len(b):
        return b if a is None else a
    return tuple(x if x is not None else y for x, y in zip(a, b))


def sum_to_input(grad, like, others=()):
    """`grad` (of the broadcast shape of an op's inputs) summed down to the
    shape of `like`, one of those inputs (TF's sum over the axes that
    BroadcastGradientArgs gives, reshaped to `like`'s shape). `others` are
    the op's other broadcast inputs (Tensors or shape tuples).

    When static shapes tell the axes (a batch dim of unknown size that no
    other input stretches needs none), they are fixed when the graph is
    built and no kernel is added beyond the sum; otherwise they come from
    BroadcastGradientArgs on the Shapes, which the compiler folds for each
    run signature."""
    have, want = grad.shape.as_tuple(), like.shape.as_tuple()
    others = [_dims(o) for o in others]
    if others:
        # grad has the inputs' broadcast shape, which may be better known.
        have = _merge(have, broadcast_shapes([want] + others))
    axes = _static_axes(have, want, others)
    if axes is not None:
        if not axes and len(have) == len(want):
            if _merge(grad.shape.as_tuple(), want) == grad.shape.as_tuple():
                return grad
            out = identity(grad)  # a view, to carry the better known shape
        else:
            out = _sum_over(grad, axes, keepdims=True) if axes else grad
            out = reshape(out, list(want) if None not in want else shape(like))
    else:
        sx = shape(like)
        rx, _ = broadcast_gradient_args(sx, shape(grad))
        out = reshape(_sum_over(grad, rx), sx)
    out.set_shape(like.shape)  # what TF's shape inference reads from Shape(like)
    return out


def scalar_like(like, value=0):
    """A scalar constant `value` of `like`'s dtype, in its graph."""
    return to_tensor(like.graph, np.asarray(value, like.dtype.np_dtype))


def _zeros_like(x):
    return make_op(x.graph, "ZerosLike", [x], {"T": x.dtype, "dtype": x.dtype}).outputs[0]


@RegisterGradient("AddV2")
def _add_grad(op, grad):
    x, y = op.inputs
    return [sum_to_input(grad, x, [y]), sum_to_input(grad, y, [x])]


@RegisterGradient("Sub")
def _sub_grad(op, grad):
    x, y = op.inputs
    return [sum_to_input(grad, x, [y]), sum_to_input(negative(grad), y, [x])]


@RegisterGradient("Mul")
def _mul_grad(op, grad):
    x, y = op.inputs
    return [sum_to_input(multiply(grad, y), x, [y]), sum_to_input(multiply(grad, x), y, [x])]


@RegisterGradient("RealDiv")
def _realdiv_grad(op, grad):
    """d(x/y) = grad / y, -grad x / y^2, as TF's _RealDivGrad."""
    x, y = op.inputs
    return [sum_to_input(realdiv(grad, y), x, [y]),
            sum_to_input(multiply(grad, realdiv(realdiv(negative(x), y), y)), y, [x])]


@RegisterGradient("Div")
def _div_grad(op, grad):
    """TF's _DivGrad: as RealDiv (integer Div has no float gradient to give)."""
    x, y = op.inputs
    return [sum_to_input(_binary(_DIV, grad, y, None), x, [y]),
            sum_to_input(multiply(grad, _binary(_DIV, _binary(_DIV, negative(x), y, None), y,
                                           None)), y, [x])]


@RegisterGradient("FloorDiv")
def _floordiv_grad(op, grad):
    """TF's _FloorDivGrad: the quotient is piecewise constant, no gradient."""
    return [None, None]


@RegisterGradient("FloorMod")
def _floormod_grad(op, grad):
    """x mod y = x - floor(x / y) y: grad, and -grad floor(x / y), as TF."""
    x, y = op.inputs
    return [sum_to_input(grad, x, [y]),
            sum_to_input(multiply(grad, negative(floordiv(x, y))), y, [x])]


@RegisterGradient("Pow")
def _pow_grad(op, grad):
    """TF's _PowGrad: grad y x^(y-1), and grad z log(x) where x > 0 (0
    elsewhere, avoiding the false singularity at x = 0)."""
    x, y = op.inputs
    z = op.outputs[0]
    gx = multiply(grad, multiply(y, pow(x, subtract(y, scalar_like(y, 1)))))
    mask = greater(x, scalar_like(x))
    safe_x = select_v2(mask, x, scalar_like(x, 1))
    log_x = select_v2(mask, log(safe_x), _zeros_like(x))
    return [sum_to_input(gx, x, [y]), sum_to_input(multiply(grad, multiply(z, log_x)), y, [x])]


def _maximum_minimum_grad(op, grad, selector):
    """TF's _MaximumMinimumGrad: the gradient goes to x where selector(x, y)
    (x >= y for Maximum, x <= y for Minimum: x on ties), to y elsewhere."""
    x, y = op.inputs
    xmask = selector(x, y)
    zeros = scalar_like(grad)
    return [sum_to_input(select_v2(xmask, grad, zeros), x, [y]),
            sum_to_input(select_v2(xmask, zeros, grad), y, [x])]


@RegisterGradient("Maximum")
def _maximum_grad(op, grad):
    return _maximum_minimum_grad(op, grad, greater_equal)


@RegisterGradient("Minimum")
def _minimum_grad(op, grad):
    return _maximum_minimum_grad(op, grad, less_equal)


@RegisterGradient("SquaredDifference")
def _squared_difference_grad(op, grad):
    """TF's _SquaredDifferenceGrad: 2 grad (x - y), and its negative."""
    x, y = op.inputs
    x_grad = multiply(multiply(scalar_like(grad, 2.0), grad), subtract(x, y))
    return [sum_to_input(x_grad, x, [y]), negative(sum_to_input(x_grad, y, [x]))]


@RegisterGradient("SelectV2")
def _select_v2_grad(op, grad):
    """TF's _SelectGradV2: grad where the condition holds goes to t, elsewhere
    to e, each summed to its input's shape; none for the condition."""
    c, x, y = op.inputs
    zeros = scalar_like(grad)
    return [None, sum_to_input(select_v2(c, grad, zeros), x, [c, y]),
            sum_to_input(select_v2(c, zeros, grad), y, [c, x])]


@RegisterGradient("Neg")
def _neg_grad(op, grad):
    return [negative(grad)]


@RegisterGradient("Abs")
def _abs_grad(op, grad):
    """grad sign(x), as TF's _AbsGrad."""
    return [multiply(grad, sign(op.inputs[0]))]


@RegisterGradient("Sign")
def _sign_grad(op, grad):
    """TF's _SignGrad: zeros."""
    return [_zeros_like(op.inputs[0])]


@RegisterGradient("Square")
def _square_grad(op, grad):
    """grad 2x, as TF's _SquareGrad."""
    x = op.inputs[0]
    return [multiply(grad, multiply(x, scalar_like(x, 2.0)))]


@RegisterGradient("Sqrt")
def _sqrt_grad(op, grad):
    """TF's SqrtGrad: grad 0.5 / y."""
    y = op.outputs[0]
    return [realdiv(multiply(grad, scalar_like(y, 0.5)), y)]


@RegisterGradient("Rsqrt")
def _rsqrt_grad(op, grad):
    """TF's RsqrtGrad: grad -0.5 y^3."""
    y = op.outputs[0]
    return [multiply(grad, multiply(scalar_like(y, -0.5), multiply(square(y), y)))]


@RegisterGradient("Reciprocal")
def _reciprocal_grad(op, grad):
    """TF's ReciprocalGrad: -grad y^2."""
    y = op.outputs[0]
    return [multiply(negative(grad), square(y))]


@RegisterGradient("Exp")
def _exp_grad(op, grad):
    return [multiply(grad, op.outputs[0])]


@RegisterGradient("Expm1")
def _expm1_grad(op, grad):
    """grad exp(x), as TF's _Expm1Grad."""
    return [multiply(grad, exp(op.inputs[0]))]


@RegisterGradient("Log")
def _log_grad(op, grad):
    """grad / x, as TF's _LogGrad (grad * reciprocal(x))."""
    return [multiply(grad, reciprocal(op.inputs[0]))]


@RegisterGradient("Log1p")
def _log1p_grad(op, grad):
    """grad / (1 + x), as TF's _Log1pGrad."""
    x = op.inputs[0]
    return [multiply(grad, reciprocal(add(scalar_like(x, 1), x)))]


@RegisterGradient("Sigmoid")
def _sigmoid_grad(op, grad):
    """TF's SigmoidGrad: grad y (1 - y)."""
    y = op.outputs[0]
    return [multiply(grad, multiply(y, subtract(scalar_like(y, 1), y)))]


@RegisterGradient("Tanh")
def _tanh_grad(op, grad):
    y = op.outputs[0]
    return [multiply(grad, subtract(1.0, square(y)))]


@RegisterGradient("Atan")
def _atan_grad(op, grad):
    """d/dx atan(x) = 1 / (1 + x^2), as TF's AtanGrad."""
    x = op.inputs[0]
    return [realdiv(grad, add(1.0, square(x)))]


@RegisterGradient("Erf")
def _erf_grad(op, grad):
    """grad 2/sqrt(pi) exp(-x^2), as TF's _ErfGrad."""
    x = op.inputs[0]
    two_over_root_pi = scalar_like(x, 2.0 / math.sqrt(math.pi))
    return [multiply(grad, multiply(two_over_root_pi, exp(negative(square(x)))))]


@RegisterGradient("Sin")
def _sin_grad(op, grad):
    return [multiply(grad, cos(op.inputs[0]))]


@RegisterGradient("Cos")
def _cos_grad(op, grad):
    return [negative(multiply(grad, sin(op.inputs[0])))]


@RegisterGradient("Tan")
def _tan_grad(op, grad):
    """grad sec(x)^2, as TF's _TanGrad."""
    secx = reciprocal(cos(op.inputs[0]))
    return [multiply(grad, square(secx))]


def _no_gradient(op, grad):
    """TF's gradient of Floor, Ceil and Round: piecewise constant, so None."""
    return [None]


for _t in ("Floor", "Ceil", "Round"):
    RegisterGradient(_t)(_no_gradient)


@RegisterGradient("Cast")
def _cast_grad(op, grad):
    """TF's _CastGrad: the gradient cast back to the input's type when both
    types are floats; None otherwise."""
    src = op.inputs[0].dtype
    if src in FLOATS and grad is not None and grad.dtype in FLOATS:
        return [cast(grad, src)]
    return [None]


# Boolean outputs (comparisons, logic, the float tests): nothing to
# differentiate, as in TF's math_grad.py.
for _t in ("Equal", "NotEqual", "Less", "LessEqual", "Greater", "GreaterEqual", "LogicalAnd",
           "LogicalOr", "LogicalXor", "LogicalNot", "IsNan", "IsFinite", "IsInf"):
    NotDifferentiable(_t)


# ---- hyperbolic, inverse trigonometric and special functions ----------------------

def _inside(low, high):
    """Samples of one input in (low, high), the function's domain."""
    def sampler(dtype):
        for i, dims in enumerate(samples._UNARY_SHAPES):
            yield [samples.values(dtype, dims, i, low=low, high=high)], {}
    return sampler


def _lgamma_ref(x):
    flat = [math.inf if v <= 0 and v == math.floor(v) else
            math.lgamma(v) if math.isfinite(v) else (math.inf if v == math.inf or v == -math.inf
                                                     else math.nan)
            for v in np.asarray(x, np.float64).reshape(-1)]
    return np.array(flat, np.float64).reshape(np.shape(x))


def _digamma_ref(x):
    # The reflection formula, the recurrence to 10 and the asymptotic series.
    x = np.asarray(x, np.float64)
    out = np.empty_like(x)
    for i, v in enumerate(x.reshape(-1)):
        if not math.isfinite(v):
            out.reshape(-1)[i] = math.inf if v == math.inf else math.nan
            continue
        r = 0.0
        if v <= 0:
            if v == math.floor(v):
                out.reshape(-1)[i] = math.nan
                continue
            r = -math.pi / math.tan(math.pi * v)
            v = 1.0 - v
        while v < 10:
            r -= 1.0 / v
            v += 1.0
        z = 1.0 / (v * v)
        tail = z * (1 / 12 - z * (1 / 120 - z * (1 / 252 - z * (1 / 240 - z / 132))))
        out.reshape(-1)[i] = r + math.log(v) - 0.5 / v - tail
    return out


_SINH = _unary_def("Sinh", "sinh", FLOATS, np.sinh)
_COSH = _unary_def("Cosh", "cosh", FLOATS, np.cosh)
_ASIN = _unary_def("Asin", "asin", FLOATS, np.arcsin, sampler=_inside(-0.95, 0.95))
_ACOS = _unary_def("Acos", "acos", FLOATS, np.arccos, sampler=_inside(-0.95, 0.95))
_ASINH = _unary_def("Asinh", "asinh", FLOATS, np.arcsinh)
_ACOSH = _unary_def("Acosh", "acosh", FLOATS, np.arccosh, sampler=_inside(1.05, 4.0))
_ATANH = _unary_def("Atanh", "atanh", FLOATS, np.arctanh, sampler=_inside(-0.95, 0.95))
_ERFC = _unary_def("Erfc", "erfc", FLOATS, np.vectorize(math.erfc, otypes=[np.float64]))
_LGAMMA = _unary_def("Lgamma", "lgamma", FLOATS, _lgamma_ref, sampler=samples.unary_positive)
_DIGAMMA = _unary_def("Digamma", "digamma", FLOATS, _digamma_ref, sampler=samples.unary_positive)
# TF's Rint rounds half to even, as its Round does: the same kernel.
_RINT = _unary_def("Rint", "round", FLOATS, np.rint)


def sinh(x, name=None):
    """Computes hyperbolic sine of x element-wise."""
    return _unary(_SINH, x, name)


def cosh(x, name=None):
    """Computes hyperbolic cosine of x element-wise."""
    return _unary(_COSH, x, name)


def asin(x, name=None):
    """Computes the trignometric inverse sine of x element-wise (in [-pi/2, pi/2])."""
    return _unary(_ASIN, x, name)


def acos(x, name=None):
    """Computes acos of x element-wise (in [0, pi])."""
    return _unary(_ACOS, x, name)


def asinh(x, name=None):
    """Computes inverse hyperbolic sine of x element-wise."""
    return _unary(_ASINH, x, name)


def acosh(x, name=None):
    """Computes inverse hyperbolic cosine of x element-wise (NaN below 1)."""
    return _unary(_ACOSH, x, name)


def atanh(x, name=None):
    """Computes inverse hyperbolic tangent of x element-wise (NaN outside [-1, 1])."""
    return _unary(_ATANH, x, name)


def erfc(x, name=None):
    """Computes the complementary error function of `x` element-wise (1 - erf(x))."""
    return _unary(_ERFC, x, name)


def lgamma(x, name=None):
    """Computes the log of the absolute value of `Gamma(x)` element-wise."""
    return _unary(_LGAMMA, x, name)


def digamma(x, name=None):
    """Computes Psi, the derivative of Lgamma (the log of the absolute value
    of `Gamma(x)`), element-wise."""
    return _unary(_DIGAMMA, x, name)


def rint(x, name=None):
    """Returns element-wise integer closest to x; halves go to the even integer."""
    return _unary(_RINT, x, name)


@RegisterGradient("Sinh")
def _sinh_grad(op, grad):
    return [multiply(grad, cosh(op.inputs[0]))]


@RegisterGradient("Cosh")
def _cosh_grad(op, grad):
    return [multiply(grad, sinh(op.inputs[0]))]


@RegisterGradient("Asin")
def _asin_grad(op, grad):
    x = op.inputs[0]
    return [multiply(grad, rsqrt(subtract(scalar_like(x, 1), square(x))))]


@RegisterGradient("Acos")
def _acos_grad(op, grad):
    x = op.inputs[0]
    return [negative(multiply(grad, rsqrt(subtract(scalar_like(x, 1), square(x)))))]


@RegisterGradient("Asinh")
def _asinh_grad(op, grad):
    """TF's: grad / cosh(y)."""
    return [divide(grad, cosh(op.outputs[0]))]


@RegisterGradient("Acosh")
def _acosh_grad(op, grad):
    """TF's: grad / sinh(y)."""
    return [divide(grad, sinh(op.outputs[0]))]


@RegisterGradient("Atanh")
def _atanh_grad(op, grad):
    x = op.inputs[0]
    return [multiply(grad, reciprocal(subtract(scalar_like(x, 1), square(x))))]


@RegisterGradient("Erfc")
def _erfc_grad(op, grad):
    x = op.inputs[0]
    minus_two_over_root_pi = scalar_like(x, -2.0 / math.sqrt(math.pi))
    return [multiply(grad, multiply(minus_two_over_root_pi, exp(negative(square(x)))))]


@RegisterGradient("Lgamma")
def _lgamma_grad(op, grad):
    return [multiply(grad, digamma(op.inputs[0]))]


def _trigamma(x):
    """polygamma(1, x), the derivative of digamma, from existing ops: the
    recurrence over ten steps, the asymptotic series after them, and the
    reflection formula for x <= 0."""
    positive = greater(x, scalar_like(x, 0.0))
    # Reflected inputs are 1 - x; both branches are computed, the select keeps one.
    z = select_v2(positive, x, subtract(scalar_like(x, 1.0), x))
    total = _zeros_like(z)
    for k in range(10):
        total = add(total, reciprocal(square(add(z, scalar_like(z, float(k))))))
    y = add(z, scalar_like(z, 10.0))
    inv = reciprocal(y)
    inv2 = square(inv)
    # 1/y + 1/(2y^2) + 1/(6y^3) - 1/(30y^5) + 1/(42y^7) - 1/(30y^9)
    tail = scalar_like(y, -1 / 30)
    for c in (1 / 42, -1 / 30, 1 / 6):
        tail = add(scalar_like(y, c), multiply(inv2, tail))
    series = add(add(inv, multiply(scalar_like(y, 0.5), inv2)), multiply(multiply(inv, inv2), tail))
    value = add(total, series)
    pi_sin = divide(scalar_like(x, math.pi), sin(multiply(scalar_like(x, math.pi), x)))
    return select_v2(positive, value, subtract(square(pi_sin), value))


@RegisterGradient("Digamma")
def _digamma_grad(op, grad):
    """grad * polygamma(1, x), as TF's _DigammaGrad."""
    return [multiply(grad, _trigamma(op.inputs[0]))]


RegisterGradient("Rint")(_no_gradient)

__all__ += ["sinh", "cosh", "asin", "acos", "asinh", "acosh", "atanh", "erfc", "lgamma",
            "digamma", "rint"]
MATH += ["sinh", "cosh", "asin", "acos", "asinh", "acosh", "atanh", "erfc", "lgamma", "digamma",
         "rint"]


# ---- Atan2 ------------------------------------------------------------------

_ATAN2 = _binary_def("Atan2", "atan2", FLOATS, np.arctan2,
                     graphdef=NodeMapping(("y", "x"), [TypeAttr("T", input=0)]))


def atan2(y, x, name=None):
    """Computes arctangent of `y/x` element-wise, respecting signs of the arguments.

    The angle in [-pi, pi] of the point (x, y), with broadcasting."""
    graph, (y, x) = to_tensors_like([y, x], _ATAN2, ("y", "x"))
    return make_op(graph, _ATAN2, [y, x], name=name or _ATAN2).outputs[0]


@RegisterGradient("Atan2")
def _atan2_grad(op, grad):
    """TF's _Atan2Grad: grad x / (x^2 + y^2) for y, -grad y / (x^2 + y^2) for x."""
    y, x = op.inputs
    grad_inv = divide(grad, add(square(x), square(y)))
    return [sum_to_input(multiply(x, grad_inv), y, [x]),
            sum_to_input(multiply(negative(y), grad_inv), x, [y])]


__all__ += ["atan2"]
MATH += ["atan2"]
