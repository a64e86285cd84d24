"""One sweep over the op registry's gradients: every op type whose
`OpDef.gradient` is a function is checked against central finite
differences in float64 (`gradient_check.check_gradient`), on its own sweep
samples (`OpDef.samples`, the small ones) or on the inputs of `OVERRIDES`
where its samples are not smooth points of the op.

An op with a gradient leaves the sweep only through `EXEMPT`, which says
why; each is also run with placeholders of unknown dims, which must give
the static gradients (`STATIC_ONLY` says why an op cannot). Where the registered gradient is None for a float input (TF gives none
for Floor, Round, FloorDiv, a cast to an integer: they are piecewise
constant), finite differences at the samples must be 0 instead.

`test_every_op_has_a_gradient_or_is_not_differentiable` lists the op types
with neither, as TF's tf.gradients would raise LookupError for them.
"""

import numpy as np
import pytest

import fastgraph as tf
from fastgraph.framework import dtypes, op_registry
from fastgraph.ops import samples

from .gradient_check import check_gradient, numeric_gradient

# Op types with a gradient that the sweep does not check, and why.
EXEMPT = {
    "Cholesky": "TF's gradient is the symmetric one (of a symmetric input), while the op reads "
                "the lower triangle only, so one-element differences disagree with it; "
                "tests/ops/test_decompositions.py checks it through a symmetrized input",
    # float32 only, as TF's: tests/ops/test_nn_grad.py checks them (first and
    # second order) against finite differences of a float64 NumPy batch norm.
    "FusedBatchNormV3": "float32 only (TF's T); checked in tests/ops/test_nn_grad.py",
    "FusedBatchNormGradV3": "float32 only (TF's T); checked in tests/ops/test_nn_grad.py",
    "MaxPool3D": "float32 only (TF's T); tests/test_nn_more.py checks it against float32 "
                 "differences of distinct values",
    "MaxPool3DGrad": "float32 only (TF's T); linear in grad, tests/test_nn_more.py checks it "
                     "against float32 differences",
    "MaxPool3DGradGrad": "float32 only, as its gradient is a MaxPool3DGrad (TF's T); "
                         "tests/test_nn_more.py checks it as MaxPool3DGrad's gradient",
    # Array and image ops (tests/test_gradients_array.py checks each with a constant):
    "ExpandDims": "its axis must be a constant at graph construction, and the sweep feeds "
                  "every input",
    "ResizeBilinear": "its size must be a constant at graph construction, and the sweep feeds "
                      "every input",
    "ResizeNearestNeighbor": "its size must be a constant at graph construction, and the "
                             "sweep feeds every input",
    "PadV2": "TF's _PadV2Grad gives constant_values no gradient though the output moves "
             "with it; x's gradient is checked in tests/test_gradients_array.py",
    "PreventGradient": "its gradient raises LookupError, by design",
    "SparseDenseCwiseAdd": "TF's gradient raises NotImplementedError, by design (and so "
                           "does fastgraph's)",
    "SparseAdd": "TF's gradient gives the threshold no gradient (None; the sum is piecewise "
                 "constant in it); the values' gradients are checked against finite "
                 "differences in tests/test_sparse_ops.py",
    **{t: f"TF's gradient gives {which} no gradient (None) though the op moves with "
          f"{'them' if ',' in which else 'it'}; the other input's is checked in "
          "tests/ops/test_special.py"
       for t, which in (("Betainc", "a, b"), ("Zeta", "x"), ("Polygamma", "the order a"))},
    "Print": "TF's _PrintGrad gives the printed data no gradient (None; the output does not "
             "depend on it); tests/tf_parity/test_logging_asserts.py checks the input's",
    "While": "built by tf.while_loop from sub-graphs, not from samples; "
             "tests/test_control_flow.py checks its gradient against finite differences",
    "HostWhile": "built by tf.while_loop from sub-graphs, not from samples; "
                 "tests/test_loop_shapes.py checks its gradient against finite differences",
    "If": "built by tf.cond/switch_case from sub-graphs, not from samples; "
          "tests/test_control_flow.py checks its gradient against finite differences",
}

# Op types whose gradient needs static shapes (and why): they skip the
# check with placeholders of unknown dims only.
STATIC_ONLY = {
    "CentralCrop": "the crop's offsets are computed from the image's height and width at "
                   "graph construction",
    "ExtractImagePatches": "the pixel each patch element came from is worked out from the "
                           "images' height and width at graph construction",
}

# Samples with at most this many float elements are checked: finite
# differences run the op twice per element.
MAX_ELEMENTS = 240

# Tolerances of the sweep: float64 central differences with delta 1e-6 are
# good to about 1e-9 of the summed output.
RTOL, ATOL = 1e-5, 1e-7

_RNG = np.random.default_rng(7)


def _uniform(shape, low, high):
    return _RNG.uniform(low, high, size=shape)


# op type -> [(inputs, attrs, check_gradient keywords)] used instead of its
# samples, and why.
def _distinct(shape, seed):
    """Values with no ties, a step of 1e-6 apart from none: max pooling's
    choice stays put under finite differences."""
    n = int(np.prod(shape))
    return (np.random.default_rng(seed).permutation(n).reshape(shape) * 0.1 - n * 0.05)


def _small_convs():
    """(x, filter, attrs) of small convolutions: the op's own samples are
    bigger than MAX_ELEMENTS."""
    for i, (strides, padding, dilations) in enumerate([((1, 1), "SAME", (1, 1)),
                                                       ((2, 1), "VALID", (1, 1)),
                                                       ((1, 1), "SAME", (2, 1))]):
        yield (_uniform((2, 5, 4, 2), -1, 1), _uniform((2, 2, 2, 3), -1, 1),
               {"strides": strides, "padding": padding, "dilations": dilations})


def _conv_overrides():
    out = {"Conv2D": [], "DepthwiseConv2dNative": [], "Conv2DBackpropFilter": [],
           "DepthwiseConv2dNativeBackpropFilter": []}
    for x, f, attrs in _small_convs():
        out["Conv2D"].append(([x, f], attrs, {}))
        out["DepthwiseConv2dNative"].append(([x, f[..., :2]], attrs, {}))
        with tf.Graph().as_default():
            y = tf.Session().run(tf.compat.v1.nn.conv2d(x, f, (1,) + attrs["strides"] + (1,),
                                                      attrs["padding"],
                                                      dilations=(1,) + attrs["dilations"] + (1,)))
        out["Conv2DBackpropFilter"].append(
            ([x, _uniform(y.shape, -1, 1)], dict(attrs, filter_sizes=f.shape), {}))
        out["DepthwiseConv2dNativeBackpropFilter"].append(
            ([x, _uniform(y.shape[:3] + (4,), -1, 1)], dict(attrs, filter_sizes=(2, 2, 2, 2)),
             {}))
    return out


def _pool_overrides():
    out = {"MaxPool": [], "AvgPool": [], "MaxPoolGrad": [], "MaxPoolGradGrad": []}
    for i, (ksize, strides, padding) in enumerate([((2, 2), (2, 2), "VALID"),
                                                   ((3, 3), (1, 1), "SAME"),
                                                   ((3, 2), (2, 1), "SAME")]):
        x = _distinct((2, 5, 4, 2), i)
        attrs = {"ksize": ksize, "strides": strides, "padding": padding, "dilations": (1, 1)}
        out["MaxPool"].append(([x], attrs, {}))
        out["AvgPool"].append(([x], attrs, {}))
        y = samples._max_pooled(x, ksize, strides, padding)
        out["MaxPoolGrad"].append(([x, y, _uniform(y.shape, -1, 1)], attrs, {}))
        out["MaxPoolGradGrad"].append(([x, y, _uniform(x.shape, -1, 1)], attrs, {}))
    return out


OVERRIDES = {
    # Its samples sweep the index dtypes (its first type attribute): float64
    # values and default here.
    "SparseToDense": [([np.array([[0, 1], [1, 0], [2, 3]], np.int64), np.array([3, 4], np.int64),
                        _uniform((3,), -1.0, 1.0), np.array(0.5)], {"validate_indices": True},
                       {}),
                      ([np.array([1, 3], np.int32), np.array([5], np.int32), np.array(0.25),
                        np.array(-1.5)], {"validate_indices": False}, {})],
    # The samples' bases are negative with integer exponents, where x^y has
    # no derivative in y (TF's gradient is 0 there by its guard, x^y is NaN
    # a step away).
    "Pow": [([_uniform((3, 4), 0.5, 2.0), _uniform((3, 4), -1.5, 2.0)], {}, {}),
            ([_uniform((2, 3), 0.5, 2.0), _uniform((3,), -1.5, 2.0)], {}, {}),
            ([_uniform((3, 1), 0.5, 2.0), np.array([0.0, 1.0, 2.0, 3.0])], {}, {})],
    # A cast to float32 rounds each step of 1e-6: a wide step is exact for
    # this linear op. Casts to integers and bool have no gradient.
    "Cast": [([_uniform((3, 4), -3, 3)], {"SrcT": dtypes.float64, "DstT": dtypes.float32},
              {"delta": 0.25, "rtol": 1e-6})] + [
        ([_uniform((3, 4), -3, 3) + 0.5], {"SrcT": dtypes.float64, "DstT": dst}, {})
        for dst in (dtypes.int32, dtypes.int64, dtypes.uint8, dtypes.bool)],
    # Divisors kept away from 0, where the quotient's slope is too steep for
    # differences of 1e-6.
    "RealDiv": [([_uniform((3, 4), -3, 3), _uniform((3, 4), 0.5, 3)], {}, {}),
                ([_uniform((2, 3, 4), -3, 3), -_uniform((4,), 0.5, 3)], {}, {}),
                ([_uniform((3, 1), -3, 3), _uniform((1, 4), 0.5, 3)], {}, {})],
    "Div": [([_uniform((3, 4), -3, 3), _uniform((3, 4), 0.5, 3)], {}, {}),
            ([_uniform((), -3, 3), -_uniform((5,), 0.5, 3)], {}, {})],
    # Kept off tan's poles at +-pi/2.
    "Tan": [([_uniform(shape, -1.2, 1.2)], {}, {}) for shape in [(), (7,), (2, 3, 5)]],
    # Computed in float32: linear ones take a wide step, the standardization
    # one float32 resolves.
    "RGBToGrayscale": [([_uniform((2, 3, 3), -3, 3)], {}, {"delta": 1.0, "rtol": 1e-4,
                                                          "atol": 1e-4})],
    "ConvertImageDtype": [([_uniform((2, 3, 3), 0, 1)], {"dtype": dst, "saturate": False},
                           {"delta": 1.0, "rtol": 1e-4, "atol": 1e-4})
                          for dst in (dtypes.float32, dtypes.float64)],
    "PerImageStandardization": [([_uniform((2, 3, 3, 2), -3, 3)], {},
                                 {"delta": 1e-2, "rtol": 2e-3, "atol": 2e-3})],
    # Its samples are past MAX_ELEMENTS.
    "CentralCrop": [([_uniform((6, 6, 2), -3, 3)], {"central_fraction": 0.5}, {}),
                    ([_uniform((2, 5, 7, 1), -3, 3)], {"central_fraction": 0.6}, {})],
    # Off the cumulative product's zeros (TF's div_no_nan is 0 there) and
    # kept near 1 for a product of moderate size.
    "Cumprod": [([_uniform((3, 4, 2), 0.5, 1.5)], attrs, {})
                for _, attrs in samples.scan(dtypes.float64)],
}
# Pixels whose channels are 0.1 apart at least: RGBToHSV is piecewise, its
# pieces meeting where two channels tie.
OVERRIDES["RGBToHSV"] = [
    ([np.array([[0.2, 0.5, 0.8], [0.9, 0.3, 0.6], [0.4, 0.8, 0.1], [0.7, 0.1, 0.35],
                [0.15, 0.55, 0.3]])], {}, {}),
    ([np.array([[[0.6, 0.2, 0.4], [0.3, 0.95, 0.5]], [[0.25, 0.45, 0.85], [0.8, 0.6, 0.2]]])],
     {}, {})]
OVERRIDES.update(_conv_overrides())
OVERRIDES.update(_pool_overrides())


def _float_elements(inputs):
    return sum(np.size(a) for a in inputs if np.asarray(a).dtype.kind == "f")


def _sweep_samples(op_type):
    """(inputs, attrs, keywords) the sweep checks op_type's gradient on."""
    if op_type in OVERRIDES:
        return OVERRIDES[op_type]
    opdef = op_registry.get(op_type)
    if opdef.samples is None:
        return []
    if opdef.main_dtypes and dtypes.float64 not in opdef.main_dtypes:
        return []
    return [([np.asarray(a) for a in inputs], attrs, {})
            for inputs, attrs in opdef.samples(dtypes.float64)
            if _float_elements(inputs) <= MAX_ELEMENTS]


def _differentiable_types():
    return [t for t in op_registry.registered_types()
            if callable(op_registry.get(t).gradient)]


def _cases():
    for op_type in _differentiable_types():
        marks = [pytest.mark.skip(reason=EXEMPT[op_type])] if op_type in EXEMPT else []
        yield pytest.param(op_type, id=op_type, marks=marks)


def _gives_none(op_type, inputs, attrs):
    """Whether op_type's gradient function gives None for every input."""
    with tf.Graph().as_default() as g:
        phs = [tf.placeholder(tf.as_dtype(a.dtype), a.shape) for a in inputs]
        op = g.create_op(op_type, phs, attrs)
        grads = op_registry.gradient_function(op)(
            op, *[tf.placeholder(t.dtype, t.shape) for t in op.outputs])
        return all(gr is None for gr in grads)


def _assert_flat(op_type, inputs, attrs):
    """Finite differences of the op at `inputs` are 0 for each float input
    (the op is piecewise constant there, and its gradient None)."""
    rng = np.random.default_rng(0)
    with tf.Graph().as_default() as g:
        phs = [tf.placeholder(tf.as_dtype(a.dtype), a.shape) for a in inputs]
        op = g.create_op(op_type, phs, attrs)
        with tf.Session() as sess:
            feeds = dict(zip(phs, inputs))
            outs = sess.run(op.outputs, feeds)
            w = [rng.normal(size=np.shape(o)) for o in outs]
            for i, a in enumerate(inputs):
                if a.dtype.kind != "f":
                    continue

                def f(xi, i=i):
                    run = dict(feeds)
                    run[phs[i]] = xi
                    ys = sess.run(op.outputs, run)
                    return sum(float(np.sum(np.asarray(y, np.float64) * wk))
                               for y, wk in zip(ys, w))

                np.testing.assert_array_equal(numeric_gradient(f, a, 1e-6), 0,
                                              err_msg=f"{op_type} input {i}")


@pytest.mark.parametrize("op_type", list(_cases()))
def test_gradient_matches_finite_differences(op_type):
    cases = _sweep_samples(op_type)
    assert cases, (f"{op_type} has a gradient but no float64 sample of at most "
                   f"{MAX_ELEMENTS} elements: add one to OVERRIDES (or EXEMPT, saying why)")
    for inputs, attrs, keywords in cases:
        inputs = [np.asarray(a) for a in inputs]
        inputs = [a.astype(np.float64) if a.dtype.kind == "f" else a for a in inputs]
        if _gives_none(op_type, inputs, attrs):
            _assert_flat(op_type, inputs, attrs)
            continue
        check_gradient(op_type, inputs, attrs, **{"rtol": RTOL, "atol": ATOL, **keywords})


def _gradients_for_shapes(op_type, inputs, attrs, w, unknown):
    """The gradient function's values on `inputs` for output weights `w`;
    with `unknown`, every float input (and each weight) is a placeholder of
    unknown dims, as a batch placeholder is in training."""
    with tf.Graph().as_default() as g:
        phs = [tf.placeholder(tf.as_dtype(a.dtype),
                              [None] * a.ndim if unknown and a.dtype.kind == "f" else a.shape)
               for a in inputs]
        op = g.create_op(op_type, phs, attrs)
        ws = [tf.placeholder(t.dtype, [None] * len(wk.shape) if unknown else wk.shape)
              for t, wk in zip(op.outputs, w)]
        grads = op_registry.gradient_function(op)(op, *ws)
        wanted = [t for t in grads if t is not None]
        feeds = dict(zip(phs, inputs))
        feeds.update((p, wk.astype(t.dtype.np_dtype)) for p, t, wk in zip(ws, op.outputs, w))
        with tf.Session() as sess:
            return sess.run(wanted, feeds)


@pytest.mark.parametrize("op_type", list(_cases()))
def test_gradient_with_unknown_dims_is_the_static_one(op_type):
    """Shapes known only at run time give the gradients that static ones do
    (the gradient functions take shapes from Shape ops then)."""
    if op_type in STATIC_ONLY:
        pytest.skip(STATIC_ONLY[op_type])
    rng = np.random.default_rng(1)
    for inputs, attrs, _ in _sweep_samples(op_type)[:3]:
        inputs = [np.asarray(a) for a in inputs]
        inputs = [a.astype(np.float64) if a.dtype.kind == "f" else a for a in inputs]
        ref = op_registry.get(op_type).reference
        w = [rng.normal(size=np.shape(o)) for o in ref(inputs, attrs)]
        static = _gradients_for_shapes(op_type, inputs, attrs, w, unknown=False)
        dynamic = _gradients_for_shapes(op_type, inputs, attrs, w, unknown=True)
        assert len(static) == len(dynamic)
        for a, b in zip(dynamic, static):
            assert a.shape == b.shape, (op_type, attrs)
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12, err_msg=op_type)


def test_exemptions_and_overrides_name_ops_with_gradients():
    differentiable = set(_differentiable_types())
    assert set(EXEMPT) <= differentiable, set(EXEMPT) - differentiable
    assert set(OVERRIDES) <= differentiable, set(OVERRIDES) - differentiable
    assert set(STATIC_ONLY) <= differentiable, set(STATIC_ONLY) - differentiable


def _missing():
    # NoGradient (ops TF has no gradient for either) counts as declared.
    return [t for t in op_registry.registered_types() if op_registry.get(t).gradient is None]


# Op types whose gradient TF has (linalg_grad.py; EagerPyFunc's runs the Python
# function under TF's eager tape, which a graph runtime lacks) and fastgraph has
# not written yet: tf.gradients through them raises LookupError, and the catalog
# says "missing". Nothing may join this list without a reason.
NOT_YET_WRITTEN = {"Lu", "MatrixExponential", "MatrixSolveLs", "MatrixSquareRoot", "Qr",
                   "SelfAdjointEigV2", "Svd", "EagerPyFunc"}


def test_every_op_has_a_gradient_or_is_not_differentiable():
    missing = set(_missing()) - NOT_YET_WRITTEN
    assert not missing, f"op types with neither a gradient nor NotDifferentiable: {missing}"


def test_the_sweep_fails_a_wrong_gradient():
    """The check the sweep runs fails when a registered gradient is off by
    a factor, and when it is None where the op is not flat."""
    opdef = op_registry.get("Sin")
    saved = opdef.gradient
    try:
        opdef.gradient = lambda op, grad: [tf.multiply(saved(op, grad)[0], 1.01)]
        with pytest.raises(AssertionError):
            test_gradient_matches_finite_differences("Sin")
        opdef.gradient = lambda op, grad: [None]
        with pytest.raises(AssertionError):
            test_gradient_matches_finite_differences("Sin")
    finally:
        opdef.gradient = saved
