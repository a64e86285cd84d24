"""Special functions of tf.math: the regularized incomplete gamma functions
(igamma, igammac), the regularized incomplete beta function (betainc), the
Hurwitz zeta function, polygamma, the inverse error function, the inverse
of the normal CDF (ndtri), the modified Bessel functions of order 0 and 1
(plain and exponentially scaled), and nextafter; with lbeta and erfcinv,
which TF builds from other ops.

They are rare in graphs and each is one SciPy call over the whole tensor,
so they run on the host (`OpDef.host`, see staged_run.py) through
`scipy.special`, computed in float64 and rounded to the input's type. The
gradients are TF's (math_grad.py): none for betainc's a and b, zeta's x
and polygamma's order, as in TF.
"""

import numpy as np
import scipy.special as sc

from ..framework.dtype_sets import FLOATS
from ..framework.graphdef_mapping import NodeMapping, TypeAttr
from ..framework.op_registry import Accepts, NoGradient, OpDef, RegisterGradient, register
from ..framework.tensor_shape import debug_string as _fmt
from . import samples
from .arguments import graph_of, make_op, to_tensor, to_tensors_like
from .array_ops import reshape, shape
from .broadcast import broadcast_shapes
from .elementwise import _digamma_ref
from .elementwise import (
    add, divide, equal, exp, lgamma, log, log1p, multiply, negative, reciprocal,
    scalar_like, select_v2, sign, subtract, sum_to_input,
)
from .reduction_ops import reduce_sum

__all__ = ["igamma", "igammac", "betainc", "zeta", "polygamma", "lbeta"]
MATH = ["igamma", "igammac", "betainc", "zeta", "polygamma", "lbeta", "erfinv", "erfcinv", "ndtri",
        "bessel_i0", "bessel_i0e", "bessel_i1", "bessel_i1e", "nextafter"]


def _zeta(x, q):
    """The Hurwitz zeta function with TF's (Eigen's) values off its domain:
    inf at x = 1, NaN for x < 1; at a non-positive integer q, inf when x is
    an even integer (or inf) and NaN otherwise; NaN at a negative q when x is not an integer."""
    x, q = np.broadcast_arrays(x, q)
    out = np.asarray(sc.zeta(x, q), np.float64).copy()
    whole_x = x == np.floor(x)
    pole = (q <= 0) & (q == np.floor(q))
    even = (np.fmod(x[pole], 2) == 0) | (x[pole] == np.inf)
    out[pole] = np.where(whole_x[pole] & even, np.inf, np.nan)
    out[(q < 0) & ~pole & ~whole_x] = np.nan
    out[(x == np.inf) & (q > 1)] = 0.0
    out[x < 1] = np.nan
    out[x == 1] = np.inf
    return out


def _polygamma(n, x):
    """polygamma(n, x) as TF computes it: digamma for n = 0, else
    (-1)^(n+1) n! zeta(n + 1, x); NaN where n is not a non-negative integer."""
    n, x = np.broadcast_arrays(n, x)
    whole = (n == np.floor(n)) & (n >= 0)
    out = np.full(n.shape, np.nan)
    zero = whole & (n == 0)
    out[zero] = _digamma_ref(x[zero])
    rest = whole & (n > 0)
    k = n[rest]
    out[rest] = np.where(np.fmod(k, 2) == 0, -1.0, 1.0) * sc.gamma(k + 1) * _zeta(k + 1, x[rest])
    return out


def _igamma(a, x):
    """P(a, x), TF's: 0 at x = 0, NaN for x < 0 or a <= 0, 0 at a = x = inf."""
    a, x = np.broadcast_arrays(a, x)
    out = np.where((x < 0) | (a <= 0), np.nan, sc.gammainc(np.maximum(a, 0), np.maximum(x, 0)))
    return np.where((x == 0) | ((a == np.inf) & (x == np.inf)), 0.0, out)


def _igammac(a, x):
    """Q(a, x), TF's: NaN for x < 0 or a <= 0, 0 at a = x = inf."""
    out = np.where((x < 0) | (a <= 0), np.nan, sc.gammaincc(np.maximum(a, 0), np.maximum(x, 0)))
    return np.where((a == np.inf) & (x == np.inf), 0.0, out)


def _betainc(a, b, x):
    """I_x(a, b), TF's: NaN for a or b not positive and finite, except that
    x = 0 gives 0 and x = 1 gives 1 for any a not <= 0 (NaN and inf too)."""
    a, b, x = np.broadcast_arrays(a, b, x)
    bad = ~((a > 0) & (b > 0) & np.isfinite(a) & np.isfinite(b))
    out = np.where(bad, np.nan, sc.betainc(np.where(bad, 1.0, a), np.where(bad, 1.0, b), x))
    ends = (b > 0) & np.isfinite(b) & ~(a <= 0)
    out = np.where(ends & (x == 0), 0.0, out)
    return np.where(ends & (x == 1), 1.0, out)


def _reference(fn):
    def reference(inputs, attrs):
        with np.errstate(all="ignore"):
            out = fn(*[np.asarray(v, np.float64) for v in inputs])
        return [np.asarray(out, dtype=inputs[0].dtype)]
    return reference


def _host(reference):
    return lambda ctx, op, values: reference(values, op.attrs)


def _elementwise_shape(op_type):
    def shape_fn(ctx):
        return [broadcast_shapes(ctx.shapes, f"'{op_type}'")]
    return shape_fn


def _betainc_shape(ctx):
    # TF's Betainc: a, b and x have one shape, or are scalars.
    known = [s for s in ctx.shapes if s is not None and len(s) != 0]
    out = None
    for s in known:
        if out is None:
            out = tuple(s)
            continue
        if len(s) != len(out) or any(a is not None and b is not None and a != b
                                     for a, b in zip(s, out)):
            raise ValueError(f"Shapes of a, b and x are inconsistent: {_fmt(ctx.shapes[0])} vs. "
                             f"{_fmt(ctx.shapes[1])} vs. {_fmt(ctx.shapes[2])}")
        out = tuple(a if a is not None else b for a, b in zip(out, s))
    if out is None:
        return [None if any(s is None for s in ctx.shapes) else ()]
    return [out]


def _register(op_type, fn, args, sampler, shape=None, gradient=None):
    reference = _reference(fn)
    register(OpDef(op_type, shape=shape or _elementwise_shape(op_type),
                   dtype=lambda ctx: [ctx.dtypes[0]], gradient=gradient,
                   reference=reference, host=_host(reference),
                   dtypes=[Accepts(args[0], FLOATS, input=slice(0, None))],
                   samples=sampler,
                   graphdef=NodeMapping(args, [TypeAttr("T", input=0)])))
    return op_type


def _within(*ranges, shapes=((3, 4), (2, 3, 4), ())):
    """Samples of one input per (low, high) range, of `shapes`."""
    def sampler(dtype):
        for i, dims in enumerate(shapes):
            yield [samples.values(dtype, dims, 10 * i + k, low=lo, high=hi)
                   for k, (lo, hi) in enumerate(ranges)], {}
    return sampler


def _polygamma_samples(dtype):
    for i, dims in enumerate(((3, 4), (2, 5), ())):
        n = np.round(samples.values(dtype, dims, i, low=0, high=3))
        yield [n.astype(dtype.np_dtype), samples.values(dtype, dims, i + 9, low=0.3, high=4)], {}


_IGAMMA = _register("Igamma", _igamma, ("a", "x"), _within((0.3, 4), (0.1, 5)))
_IGAMMAC = _register("Igammac", _igammac, ("a", "x"), _within((0.3, 4), (0.1, 5)))
_IGAMMA_GRAD_A = _register("IgammaGradA", lambda a, x: _igamma_grad_a(a, x), ("a", "x"),
                           _within((0.3, 4), (0.1, 5)),
                           gradient=NoGradient("TensorFlow registers no gradient for IgammaGradA"))
_BETAINC = _register("Betainc", _betainc, ("a", "b", "x"),
                     _within((0.5, 4), (0.5, 4), (0.05, 0.95)), shape=_betainc_shape)
_ZETA = _register("Zeta", _zeta, ("x", "q"), _within((1.5, 5), (0.5, 4)))
_POLYGAMMA = _register("Polygamma", _polygamma, ("a", "x"), _polygamma_samples)
_ERFINV = _register("Erfinv", sc.erfinv, ("x",), _within((-0.95, 0.95)))
_NDTRI = _register("Ndtri", sc.ndtri, ("x",), _within((0.02, 0.98)))
_I0 = _register("BesselI0", sc.i0, ("x",), _within((-4, 4)))
_I0E = _register("BesselI0e", sc.i0e, ("x",), _within((-4, 4)))
_I1 = _register("BesselI1", sc.i1, ("x",), _within((-4, 4)))
_I1E = _register("BesselI1e", sc.i1e, ("x",), _within((-4, 4)))
_NEXTAFTER = _register("NextAfter", np.nextafter, ("x1", "x2"), _within((-3, 3), (-3, 3)))


def _igamma_grad_a(a, x):
    """d igamma(a, x) / da. SciPy has no closed form; a Richardson-extrapolated
    central difference in float64 is good to about 1e-10 relative, far below
    float32's resolution and the tolerance TF's series meets."""
    h = 1e-3 * np.maximum(np.abs(a), 1e-3)
    h = np.minimum(h, 0.5 * a)

    def central(step):
        return (sc.gammainc(a + step, x) - sc.gammainc(a - step, x)) / (2 * step)
    return (4 * central(h / 2) - central(h)) / 3


# ---- op functions -------------------------------------------------------------

def _binary(op_type, x, y, name, args):
    graph, (x, y) = to_tensors_like([x, y], op_type, args)
    return make_op(graph, op_type, [x, y], name=name or op_type).outputs[0]


def _unary(op_type, x, name):
    graph = graph_of([x])
    return make_op(graph, op_type, [to_tensor(graph, x)], name=name or op_type).outputs[0]


def igamma(a, x, name=None):
    """Compute the lower regularized incomplete Gamma function `P(a, x)`."""
    return _binary(_IGAMMA, a, x, name, ("a", "x"))


def igammac(a, x, name=None):
    """Compute the upper regularized incomplete Gamma function `Q(a, x)`."""
    return _binary(_IGAMMAC, a, x, name, ("a", "x"))


def betainc(a, b, x, name=None):
    """Compute the regularized incomplete beta integral `I_x(a, b)`.

    `a`, `b` and `x` have one shape, or are scalars."""
    graph, (a, b, x) = to_tensors_like([a, b, x], _BETAINC, ("a", "b", "x"))
    return make_op(graph, _BETAINC, [a, b, x], name=name or _BETAINC).outputs[0]


def zeta(x, q, name=None):
    """Compute the Hurwitz zeta function `sum_n (q + n)^(-x)`."""
    return _binary(_ZETA, x, q, name, ("x", "q"))


def polygamma(a, x, name=None):
    """Compute the polygamma function `psi^(a)(x)`, the a-th derivative of
    digamma; `a` is a non-negative integer (NaN otherwise)."""
    return _binary(_POLYGAMMA, a, x, name, ("a", "x"))


def erfinv(x, name=None):
    """Compute inverse error function element-wise."""
    return _unary(_ERFINV, x, name)


def ndtri(x, name=None):
    """Compute quantile of Standard Normal (the inverse of its CDF)."""
    return _unary(_NDTRI, x, name)


def erfcinv(x, name=None):
    """Computes the inverse of complementary error function: erfcinv(erfc(x)) = x."""
    graph = graph_of([x])
    x = to_tensor(graph, x)
    with graph.name_scope(name or "erfcinv"):
        return multiply(negative(ndtri(multiply(x, scalar_like(x, 0.5)))),
                        scalar_like(x, np.sqrt(0.5)))


def bessel_i0(x, name=None):
    """Computes the Bessel i0 function of `x` element-wise."""
    return _unary(_I0, x, name)


def bessel_i0e(x, name=None):
    """Computes the Bessel i0e function of `x` element-wise: exp(-|x|) i0(x)."""
    return _unary(_I0E, x, name)


def bessel_i1(x, name=None):
    """Computes the Bessel i1 function of `x` element-wise."""
    return _unary(_I1, x, name)


def bessel_i1e(x, name=None):
    """Computes the Bessel i1e function of `x` element-wise: exp(-|x|) i1(x)."""
    return _unary(_I1E, x, name)


def nextafter(x1, x2, name=None):
    """Returns the next representable value of `x1` in the direction of `x2`, element-wise."""
    return _binary(_NEXTAFTER, x1, x2, name, ("x1", "x2"))


def lbeta(x, name=None):
    """Computes `ln(|Beta(x)|)`, reducing along the last dimension:
    sum(lgamma(x)) - lgamma(sum(x)) over it."""
    graph = graph_of([x])
    x = to_tensor(graph, x)
    with graph.name_scope(name or "lbeta"):
        return subtract(reduce_sum(lgamma(x), axis=[-1]), lgamma(reduce_sum(x, axis=[-1])))


# ---- gradients (TF's math_grad.py) --------------------------------------------

def _igamma_partials(op):
    a, x = op.inputs
    partial_a = make_op(a.graph, _IGAMMA_GRAD_A, [a, x]).outputs[0]
    # exp(-x + (a - 1) log x - lgamma(a))
    partial_x = exp(subtract(add(negative(x), multiply(subtract(a, scalar_like(a, 1.0)), log(x))),
                             lgamma(a)))
    return a, x, partial_a, partial_x


@RegisterGradient("Igamma")
def _igamma_grad(op, grad):
    a, x, partial_a, partial_x = _igamma_partials(op)
    return [sum_to_input(multiply(partial_a, grad), a, [x]),
            sum_to_input(multiply(partial_x, grad), x, [a])]


@RegisterGradient("Igammac")
def _igammac_grad(op, grad):
    a, x, partial_a, partial_x = _igamma_partials(op)
    return [negative(sum_to_input(multiply(partial_a, grad), a, [x])),
            negative(sum_to_input(multiply(partial_x, grad), x, [a]))]


@RegisterGradient("Betainc")
def _betainc_grad(op, grad):
    """TF's _BetaincGrad: the gradient of x only,
    exp((b - 1) log(1 - x) + (a - 1) log(x) - lbeta(a, b))."""
    a, b, x = op.inputs
    one = scalar_like(x, 1.0)
    log_beta = subtract(add(lgamma(a), lgamma(b)), lgamma(add(a, b)))
    partial_x = exp(subtract(add(multiply(subtract(b, one), log1p(negative(x))),
                                 multiply(subtract(a, one), log(x))), log_beta))
    gx = multiply(partial_x, grad)
    # x may be a scalar beside full a and b: sum down to its shape.
    return [None, None, reshape(reduce_sum(gx, axis=_extra_axes(gx, x)), shape(x))]


def _extra_axes(g, x):
    gs, xs = g.shape.as_tuple(), x.shape.as_tuple()
    if gs is not None and xs is not None and len(xs) == 0:
        return list(range(len(gs)))
    return []


@RegisterGradient("Zeta")
def _zeta_grad(op, grad):
    """TF's _ZetaGrad: none for x, -x zeta(x + 1, q) for q."""
    x, q = op.inputs
    partial_q = multiply(negative(x), zeta(add(x, scalar_like(x, 1.0)), q))
    return [None, sum_to_input(multiply(partial_q, grad), q, [x])]


@RegisterGradient("Polygamma")
def _polygamma_grad(op, grad):
    """TF's _PolygammaGrad: none for the order, polygamma(n + 1, x) for x."""
    n, x = op.inputs
    partial_x = polygamma(add(n, scalar_like(n, 1.0)), x)
    return [None, sum_to_input(multiply(partial_x, grad), x, [n])]


@RegisterGradient("Erfinv")
def _erfinv_grad(op, grad):
    """TF's _ErfinvGrad: grad sqrt(pi) / 2 exp(erfinv(x)^2)."""
    y = op.outputs[0]
    return [multiply(grad, multiply(scalar_like(y, np.sqrt(np.pi) / 2), exp(multiply(y, y))))]


@RegisterGradient("Ndtri")
def _ndtri_grad(op, grad):
    """TF's _NdtriGrad: grad sqrt(2 pi) exp(ndtri(x)^2 / 2)."""
    y = op.outputs[0]
    return [multiply(grad, multiply(scalar_like(y, np.sqrt(2 * np.pi)),
                                    exp(multiply(scalar_like(y, 0.5), multiply(y, y)))))]


@RegisterGradient("BesselI0")
def _bessel_i0_grad(op, grad):
    return [multiply(grad, bessel_i1(op.inputs[0]))]


@RegisterGradient("BesselI0e")
def _bessel_i0e_grad(op, grad):
    """TF's: grad (i1e(x) - sign(x) i0e(x))."""
    x, y = op.inputs[0], op.outputs[0]
    return [multiply(grad, subtract(bessel_i1e(x), multiply(sign(x), y)))]


def _safe(x):
    """x with its zeros replaced by the type's smallest normal number."""
    tiny = scalar_like(x, np.finfo(x.dtype.np_dtype).tiny)
    return select_v2(equal(x, scalar_like(x, 0.0)), tiny, x)


@RegisterGradient("BesselI1")
def _bessel_i1_grad(op, grad):
    """TF's _BesselI1Grad: i0(x) - y / x, 0.5 at x = 0."""
    x, y = op.inputs[0], op.outputs[0]
    dy_dx = subtract(bessel_i0(_safe(x)), divide(y, _safe(x)))
    dy_dx = select_v2(equal(x, scalar_like(x, 0.0)), scalar_like(x, 0.5), dy_dx)
    return [multiply(grad, dy_dx)]


@RegisterGradient("BesselI1e")
def _bessel_i1e_grad(op, grad):
    """TF's _BesselI1eGrad: i0e(x) - y (sign(x) + 1 / x), 0.5 at x = 0."""
    x, y = op.inputs[0], op.outputs[0]
    safe = _safe(x)
    dy_dx = subtract(bessel_i0e(safe), multiply(y, add(sign(safe), reciprocal(safe))))
    dy_dx = select_v2(equal(x, scalar_like(x, 0.0)), scalar_like(x, 0.5), dy_dx)
    return [multiply(grad, dy_dx)]


@RegisterGradient("NextAfter")
def _nextafter_grad(op, grad):
    """TF's _NextAfterGrad: ones for x1, zeros for x2."""
    x1, x2 = op.inputs
    return [sum_to_input(grad, x1, [x2]),
            sum_to_input(multiply(grad, scalar_like(grad, 0.0)), x2, [x1])]

