"""Sample inputs for the op sweep, one generator per op family.

An OpDef's `samples` is a function of a DType that yields `(inputs, attrs)`:
a NumPy array for each of the op's inputs and the op's attributes, in the
form `Graph.create_op` takes them. `tests/test_op_sweep.py` builds the op from
each sample (inputs read from variables, so that the C kernel computes it
rather than the compiler folding it; `known` ones, whose values decide an
output's shape, as constants), runs it and compares the result with the op's
NumPy `reference`.

Families share a generator (elementwise ops broadcast the same shapes,
reductions reduce the same axes); an op with a pattern of its own gets a
small one here, next to its family's. The values are small and seeded, so a
sample is the same on every run and stays clear of overflow where the
reference and the kernel may differ by design (division by zero, negative
integer powers).
"""

import zlib

import numpy as np

from ..framework import dtypes
from ..framework.tensor_shape import as_shape

__all__ = [
    "Known", "known", "values", "unary", "unary_positive", "binary", "binary_divisor",
    "binary_power", "broadcast_gradient_args", "cast", "select", "reduce", "arg", "scan",
    "activation", "leaky_relu",
    "softmax", "xent", "sparse_xent", "bias_add", "matmul", "batch_matmul", "conv2d",
    "depthwise_conv2d", "conv2d_transpose", "pool", "conv2d_backprop_filter",
    "depthwise_backprop_input", "depthwise_backprop_filter", "max_pool_grad",
    "max_pool_grad_grad", "avg_pool_grad", "resize", "resize_area", "convert_image",
    "rgb_to_grayscale", "per_image", "flip", "crop_to_box", "pad_to_box", "central_crop",
    "gather", "gather_nd", "one_hot", "fill", "like", "range_", "shape_of", "where_coordinates",
    "top_k", "sort", "transpose", "concat", "pack", "unpack", "split", "split_v", "slice_",
    "strided_slice", "strided_slice_grad", "mirror_pad_grad", "prevent_gradient",
    "unsorted_segment_sum", "scatter_nd", "resize_grad", "resize_nearest_grad", "reverse", "tile", "pad", "mirror_pad", "broadcast_to", "identity",
    "reshape", "expand_dims", "squeeze", "with_default", "placeholder", "variable", "assign",
    "assign_update", "random_float", "random_int", "no_op", "KERNEL_DTYPES",
    "activation_grad", "leaky_relu_grad", "bias_add_grad", "fused_batch_norm",
    "fused_batch_norm_grad", "dense_array_write", "dense_array_read",
]

# Every dtype a kernel can take (float16 and string have none).
KERNEL_DTYPES = (dtypes.bool, dtypes.uint8, dtypes.int8, dtypes.int16, dtypes.int32,
                 dtypes.int64, dtypes.float32, dtypes.float64)


class Known(np.ndarray):
    """An input the op needs as a constant of the graph (its value decides an
    output's shape and cannot be fed): the sweep builds a Const for it."""


def known(value, dtype=None):
    """`value` as a Known array (of `dtype`, a DType or NumPy dtype, if given)."""
    if isinstance(dtype, dtypes.DType):
        dtype = dtype.np_dtype
    return np.asarray(value, dtype=dtype).view(Known)


def values(dtype, shape, seed=0, low=None, high=None):
    """A seeded array of `dtype` and `shape`: booleans half true, integers in
    [-9, 9] ([0, 19] unsigned), floats (and both parts of complex numbers) in
[-3, 3); `low`/`high` narrow it.
    Strings are short words over a small alphabet (so that some repeat), as
    a Known object array of bytes: the sweep makes them constants, the only
    string tensors it can build (variables hold numbers)."""
    rng = np.random.default_rng(zlib.crc32(repr((dtype.name, tuple(shape), seed)).encode()))
    if dtype is dtypes.string:
        words = np.empty(shape, dtype=object)
        words.reshape(-1)[:] = [bytes(rng.choice(list(b"abc"), size=rng.integers(0, 3)).tolist())
                                for _ in range(words.size)]
        return words.view(Known)
    if dtype is dtypes.bool:
        return rng.random(shape) < 0.5
    if dtype.is_integer:
        lo = (0 if dtype.is_unsigned else -9) if low is None else low
        hi = (19 if dtype.is_unsigned else 9) if high is None else high
        return rng.integers(lo, hi + 1, size=shape).astype(dtype.np_dtype)
    lo = -3.0 if low is None else low
    hi = 3.0 if high is None else high
    if dtype.is_complex:  # both parts in [lo, hi)
        parts = rng.uniform(lo, hi, size=(2,) + tuple(shape))
        return (parts[0] + 1j * parts[1]).astype(dtype.np_dtype)
    return rng.uniform(lo, hi, size=shape).astype(dtype.np_dtype)


# ---- elementwise --------------------------------------------------------------

# The last shapes are past the compiler's PARALLEL_GRAIN (1 << 15 elements),
# so that the kernels' split into shares is compared too.
_UNARY_SHAPES = [(), (7,), (2, 3, 5), (0, 4), (129, 257)]
_BINARY_SHAPES = [((3, 4), (3, 4)), ((2, 3, 4), (4,)), ((3, 1), (1, 4)), ((), (5,)),
                  ((0, 3), (1, 3)), ((129, 257), (257,))]


def unary(dtype):
    """One input of several shapes (a scalar and an empty one among them)."""
    for i, shape in enumerate(_UNARY_SHAPES):
        yield [values(dtype, shape, i)], {}


def unary_positive(dtype):
    """One input of positive values, for functions defined there only (log, sqrt)."""
    for i, shape in enumerate(_UNARY_SHAPES):
        yield [values(dtype, shape, i, low=1 if dtype.is_integer else 0.05)], {}


def _binary(dtype, y_low=None, y_high=None, nonzero=False):
    for i, (sx, sy) in enumerate(_BINARY_SHAPES):
        y = values(dtype, sy, i + 100, low=y_low, high=y_high)
        if nonzero:
            y = np.where(y == 0, np.ones((), y.dtype), y)
        yield [values(dtype, sx, i), y], {}


def binary(dtype):
    """Two inputs of one dtype, broadcast against each other in NumPy's ways."""
    return _binary(dtype)


def binary_divisor(dtype):
    """Two broadcast inputs whose second has no zero (integer division)."""
    return _binary(dtype, nonzero=True)


def binary_power(dtype):
    """Two broadcast inputs, the second (the exponent) a small non-negative
    integer: integers have no negative powers, and negative floats no
    fractional ones."""
    for (x, y), attrs in _binary(dtype, y_low=0, y_high=3):
        yield [x, np.round(y).astype(y.dtype)], attrs


def broadcast_gradient_args(dtype):
    """Pairs of shapes (constants: their values decide the outputs' shapes),
    broadcast in each of NumPy's ways, equal ones and a scalar among them."""
    for sx, sy in [((2, 1, 3), (3,)), ((5, 1), (1, 4)), ((), (4, 1)), ((1, 1), (1,)),
                   ((2, 3), (2, 3)), ((0, 3), (1, 3))]:
        yield [known(sx, dtype), known(sy, dtype)], {}


def cast(dtype):
    """The input of `dtype` cast to every other kernel dtype."""
    for i, dst in enumerate(KERNEL_DTYPES):
        if dst is not dtype:
            x = values(dtype, (3, 4), i)
            # uint16 lives on the host, which has no variables: a constant.
            yield [known(x) if dtype is dtypes.uint16 else x], {"SrcT": dtype, "DstT": dst}


def select(dtype):
    """A boolean condition broadcast with two inputs of `dtype`."""
    for i, (sc, sx, sy) in enumerate([((3, 4), (3, 4), (3, 4)), ((3, 1), (1, 4), (3, 4)),
                                      ((), (2, 3), (3,))]):
        yield [values(dtypes.bool, sc, i), values(dtype, sx, i + 1),
               values(dtype, sy, i + 2)], {}


# ---- reductions and scans -------------------------------------------------------

_AXES = [((3, 4, 5), (1,), False), ((3, 4, 5), (0, 2), True), ((3, 4, 5), None, False),
         ((2, 0, 3), (1,), False), ((6,), (0,), True), ((), None, False),
         ((65, 520), (1,), False), ((65, 520), (0,), True)]


def reduce(dtype):
    """Reductions over one axis, several, all; kept or dropped; an empty one;
    long ones of floats near 1, whose products neither overflow nor vanish."""
    for i, (shape, axis, keep) in enumerate(_AXES):
        long = dtype.is_floating and shape[-1:] == (520,)
        yield [values(dtype, shape, i, low=0.5 if long else None, high=1.5 if long else None)], \
            {"axis": axis, "keepdims": keep}


def arg(dtype):
    """argmax/argmin along each axis, both output types."""
    for i, (axis, out) in enumerate([(0, dtypes.int64), (1, dtypes.int32), (-1, dtypes.int64)]):
        yield [values(dtype, (3, 4, 5), i)], {"axis": axis, "output_type": out}


def scan(dtype):
    """Cumulative ops along an axis, exclusive and reversed or not."""
    for i, (axis, exclusive, reverse) in enumerate([(0, False, False), (1, True, False),
                                                    (-1, False, True), (1, True, True)]):
        yield [values(dtype, (3, 4, 2), i, high=3 if dtype.is_integer else None)], \
            {"axis": axis, "exclusive": exclusive, "reverse": reverse}


# ---- nn -------------------------------------------------------------------------

def activation(dtype):
    """An activation's one input (the unary shapes)."""
    return unary(dtype)


def leaky_relu(dtype):
    """LeakyRelu's input with two slopes."""
    for i, alpha in enumerate((0.2, 1.5)):
        yield [values(dtype, (3, 5), i)], {"alpha": alpha}


def softmax(dtype):
    """(Log)softmax along the last axis and another."""
    for i, (shape, axis) in enumerate([((3, 5), -1), ((2, 3, 4), 1), ((7,), 0)]):
        yield [values(dtype, shape, i)], {"axis": axis}


def xent(dtype):
    """Logits and a probability distribution over the classes."""
    for i, shape in enumerate([(4, 5), (1, 3)]):
        p = values(dtype, shape, i + 50, low=0.0, high=1.0)
        yield [values(dtype, shape, i), (p / p.sum(-1, keepdims=True)).astype(p.dtype)], {}


def sparse_xent(dtype):
    """Logits and class indices of both index types."""
    for i, (shape, lab) in enumerate([((4, 5), np.int32), ((3, 2, 6), np.int64)]):
        labels = values(dtypes.int64, shape[:-1], i, low=0, high=shape[-1] - 1)
        yield [values(dtype, shape, i), labels.astype(lab)], {}


def bias_add(dtype):
    """A bias along the last dimension (NHWC) and along dimension 1 (NCHW)."""
    yield [values(dtype, (2, 3, 4), 0), values(dtype, (4,), 1)], {"data_format": "NHWC"}
    yield [values(dtype, (2, 3, 4, 5), 2), values(dtype, (3,), 3)], {"data_format": "NCHW"}



# The gradients of the nn family (nngrad).

def activation_grad(dtype, attrs=None):
    """An activation gradient's (gradients, features): the unary shapes, the
    features spread over both sides of 0 and of 6 (Relu6)."""
    for i, shape in enumerate(_UNARY_SHAPES):
        x = values(dtype, shape, i + 70, low=0 if dtype.is_unsigned else -2, high=8)
        yield [values(dtype, shape, i), x], dict(attrs or {})


def leaky_relu_grad(dtype):
    """LeakyReluGrad's inputs with two slopes."""
    for alpha in (0.2, 1.5):
        yield from activation_grad(dtype, {"alpha": alpha})


def bias_add_grad(dtype):
    """A gradient summed to its last dimension (NHWC) and to dimension 1 (NCHW)."""
    yield [values(dtype, (2, 3, 4), 0)], {"data_format": "NHWC"}
    yield [values(dtype, (2, 3, 4, 5), 1)], {"data_format": "NCHW"}
    yield [values(dtype, (300, 130), 2)], {"data_format": "NHWC"}
    yield [values(dtype, (0, 3), 3)], {"data_format": "NHWC"}


def _bn_params(dtype, c, seed):
    scale = values(dtype, (c,), seed, low=0.5, high=2.0)
    offset = values(dtype, (c,), seed + 1)
    mean = values(dtype, (c,), seed + 2)
    var = values(dtype, (c,), seed + 3, low=0.5, high=2.0)
    return scale, offset, mean, var


def fused_batch_norm(dtype):
    """Batch norm in training (with and without a running average) and in
    inference, NHWC and NCHW, 4-D and 5-D."""
    cases = [((2, 3, 3, 4), "NHWC"), ((2, 4, 3, 3), "NCHW"), ((2, 2, 3, 3, 5), "NDHWC"),
             ((1, 8, 8, 70), "NHWC")]
    for i, (shape, fmt) in enumerate(cases):
        c = shape[1] if fmt.startswith("NC") else shape[-1]
        scale, offset, mean, var = _bn_params(dtype, c, 10 * i)
        x = values(dtype, shape, 10 * i + 5, low=-1.0, high=4.0)
        empty = np.zeros(0, dtype.np_dtype)
        base = {"epsilon": 1e-3, "data_format": fmt}
        yield [x, scale, offset, empty, empty], dict(base, is_training=True,
                                                    exponential_avg_factor=1.0)
        yield [x, scale, offset, mean, var], dict(base, is_training=True,
                                                  exponential_avg_factor=0.3)
        yield [x, scale, offset, mean, var], dict(base, is_training=False,
                                                  exponential_avg_factor=1.0)


def fused_batch_norm_grad(dtype):
    """FusedBatchNormGradV3's inputs, in training and in inference."""
    for i, (shape, fmt) in enumerate([((2, 3, 3, 4), "NHWC"), ((2, 4, 3, 3), "NCHW")]):
        c = shape[1] if fmt.startswith("NC") else shape[-1]
        scale, _, mean, var = _bn_params(dtype, c, 10 * i)
        x = values(dtype, shape, 10 * i + 5)
        dy = values(dtype, shape, 10 * i + 6)
        for training in (True, False):
            yield [dy, x, scale, mean, var, np.zeros(0, dtype.np_dtype)], \
                {"epsilon": 1e-3, "data_format": fmt, "is_training": training}

# ---- contraction and convolution ------------------------------------------------

def matmul(dtype):
    """Matrix products with each transposition (an empty inner size among them)."""
    for i, (sa, sb, ta, tb) in enumerate([((3, 4), (4, 5), False, False),
                                          ((4, 3), (4, 5), True, False),
                                          ((3, 4), (5, 4), False, True),
                                          ((4, 3), (5, 4), True, True),
                                          ((2, 0), (0, 3), False, False),
                                          ((17, 33), (33, 19), False, False)]):
        yield [values(dtype, sa, i), values(dtype, sb, i + 1)], \
            {"transpose_a": ta, "transpose_b": tb}


def batch_matmul(dtype):
    """Batched products with broadcast batch dimensions."""
    for i, (sa, sb, ta, tb) in enumerate([((2, 3, 4), (2, 4, 5), False, False),
                                          ((2, 1, 3, 4), (3, 5, 4), False, True),
                                          ((2, 4, 3), (4, 5), True, False)]):
        yield [values(dtype, sa, i), values(dtype, sb, i + 1)], \
            {"transpose_a": ta, "transpose_b": tb}


_CONV = [((1, 1), "VALID", (1, 1)), ((2, 2), "SAME", (1, 1)), ((1, 2), "SAME", (1, 1)),
         ((1, 1), "VALID", (2, 2)), ((1, 1), ((0, 0), (1, 2), (0, 1), (0, 0)), (1, 1))]


def conv2d(dtype):
    """NHWC convolutions: strides, SAME/VALID/explicit padding, dilations."""
    for i, (strides, padding, dilations) in enumerate(_CONV):
        yield [values(dtype, (2, 7, 6, 3), i), values(dtype, (3, 2, 3, 4), i + 1)], \
            {"strides": strides, "padding": _pads(padding), "dilations": dilations}


def depthwise_conv2d(dtype):
    """Depthwise convolutions with a channel multiplier of 2."""
    for i, (strides, padding, dilations) in enumerate(_CONV[:4]):
        yield [values(dtype, (2, 7, 6, 3), i), values(dtype, (3, 2, 3, 2), i + 1)], \
            {"strides": strides, "padding": padding, "dilations": dilations}


def conv2d_transpose(dtype):
    """Transposed convolutions (out_backprop, filter) back to an input shape."""
    for i, (strides, padding, out) in enumerate([((2, 2), "SAME", (2, 8, 8, 3)),
                                                 ((1, 1), "VALID", (2, 6, 6, 3)),
                                                 ((2, 2), "VALID", (2, 9, 9, 3))]):
        h = (out[1] + strides[0] - 1) // strides[0] if padding == "SAME" else \
            (out[1] - 3) // strides[0] + 1
        yield [values(dtype, (2, h, h, 4), i), values(dtype, (3, 3, 3, 4), i + 1)], \
            {"strides": strides, "padding": padding, "dilations": (1, 1), "output_shape": out}


def _pads(padding):
    return padding if isinstance(padding, str) else tuple(tuple(p) for p in padding[1:3])


_POOL = [((2, 2), (2, 2), "VALID"), ((3, 3), (1, 1), "SAME"), ((3, 2), (2, 1), "SAME"),
         ((1, 1), (1, 1), "VALID")]


def pool(dtype):
    """Pooling windows with strides and SAME/VALID padding."""
    for i, (ksize, strides, padding) in enumerate(_POOL):
        yield [values(dtype, (2, 7, 6, 3), i)], \
            {"ksize": ksize, "strides": strides, "padding": padding, "dilations": (1, 1)}


# ---- convolution and pooling backprops -------------------------------------------

def _conv_out(size, k, stride, dil, padding):
    eff = (k - 1) * dil + 1
    if padding == "SAME":
        return -(-size // stride)
    before, after = (0, 0) if padding == "VALID" else padding
    return (size + before + after - eff) // stride + 1


def _conv_out_shape(x, kh, kw, strides, padding, dilations):
    """(N, OH, OW) of the forward conv or pool of x."""
    pads = (padding, padding) if isinstance(padding, str) else padding
    return (x[0], _conv_out(x[1], kh, strides[0], dilations[0], pads[0]),
            _conv_out(x[2], kw, strides[1], dilations[1], pads[1]))


# The last cases are past the compiler's PARALLEL_GRAIN, and the second has
# more output pixels than one im2col tile, so shares and tiles are compared too.
_BACKPROP_FILTER = [((2, 7, 6, 3), (3, 2, 3, 4), s, _pads(p), d) for s, p, d in _CONV] + [
    ((4, 16, 16, 8), (3, 3, 8, 16), (1, 1), "SAME", (1, 1)),
    ((2, 12, 12, 64), (3, 3, 64, 2), (1, 1), "SAME", (1, 1))]


def conv2d_backprop_filter(dtype):
    """Filter gradients (input, out_backprop) over the conv2d cases."""
    for i, (x, fs, strides, padding, dil) in enumerate(_BACKPROP_FILTER):
        dy = _conv_out_shape(x, fs[0], fs[1], strides, padding, dil) + (fs[3],)
        # Small values for the long sums, so float32 rounding stays in tolerance.
        scale = {} if i < len(_CONV) else {"low": -0.5, "high": 0.5}
        yield [values(dtype, x, i, **scale), values(dtype, dy, i + 1, **scale)], \
            {"strides": strides, "padding": padding, "dilations": dil, "filter_sizes": fs}


def depthwise_backprop_input(dtype):
    """Depthwise input gradients (out_backprop, filter) with a multiplier of 2."""
    for i, (strides, padding, dil) in enumerate(_CONV[:4]):
        x, f = (2, 7, 6, 3), (3, 2, 3, 2)
        dy = _conv_out_shape(x, f[0], f[1], strides, padding, dil) + (6,)
        yield [values(dtype, dy, i), values(dtype, f, i + 1)], \
            {"strides": strides, "padding": padding, "dilations": dil, "input_sizes": x}


def depthwise_backprop_filter(dtype):
    """Depthwise filter gradients (input, out_backprop) with a multiplier of 2."""
    for i, (strides, padding, dil) in enumerate(_CONV[:4]):
        x, fs = (2, 7, 6, 3), (3, 2, 3, 2)
        dy = _conv_out_shape(x, fs[0], fs[1], strides, padding, dil) + (6,)
        yield [values(dtype, x, i), values(dtype, dy, i + 1)], \
            {"strides": strides, "padding": padding, "dilations": dil, "filter_sizes": fs}


def _max_pooled(x, ksize, strides, padding):
    """The max pool of x (the padding never wins)."""
    _, oh, ow = _conv_out_shape(x.shape, *ksize, strides, padding, (1, 1))
    pads = [max((o - 1) * s + k - n, 0) // 2 if padding == "SAME" else 0
            for o, s, k, n in zip((oh, ow), strides, ksize, x.shape[1:3])]
    xp = np.full((x.shape[0], pads[0] + oh * strides[0] + ksize[0],
                  pads[1] + ow * strides[1] + ksize[1], x.shape[3]), -np.inf)
    xp[:, pads[0]:pads[0] + x.shape[1], pads[1]:pads[1] + x.shape[2]] = x
    return np.max([xp[:, ky:ky + (oh - 1) * strides[0] + 1:strides[0],
                      kx:kx + (ow - 1) * strides[1] + 1:strides[1]]
                   for ky in range(ksize[0]) for kx in range(ksize[1])], axis=0).astype(x.dtype)


def _pool_grad_cases(dtype):
    """(x, its max pool, attrs); the last x is rounded to whole numbers, so
    windows tie and the first maximum must be the one picked."""
    cases = [(values(dtype, (2, 7, 6, 3), i), k, s, p) for i, (k, s, p) in enumerate(_POOL)]
    cases.append((np.round(values(dtype, (2, 7, 6, 3), 9)), (3, 3), (2, 2), "SAME"))
    for x, k, s, p in cases:
        yield x, _max_pooled(x, k, s, p), \
            {"ksize": k, "strides": s, "padding": p, "dilations": (1, 1)}


def max_pool_grad(dtype):
    """(orig_input, orig_output, grad) over the pooling cases and ties."""
    for i, (x, y, attrs) in enumerate(_pool_grad_cases(dtype)):
        yield [x, y, values(dtype, y.shape, i + 20)], attrs


def max_pool_grad_grad(dtype):
    """(orig_input, orig_output, grad of the input) over the pooling cases and ties."""
    for i, (x, y, attrs) in enumerate(_pool_grad_cases(dtype)):
        yield [x, y, values(dtype, x.shape, i + 20)], attrs


def avg_pool_grad(dtype):
    """Average-pool gradients back to the input shape over the pooling cases."""
    for i, (x, y, attrs) in enumerate(_pool_grad_cases(dtype)):
        yield [values(dtype, y.shape, i)], dict(attrs, orig_input_shape=x.shape)


# ---- image ----------------------------------------------------------------------

def resize(dtype):
    """Resizes up and down with each corner convention."""
    for i, (size, align, half) in enumerate([((6, 7), False, False), ((3, 2), True, False),
                                             ((5, 9), False, True), ((4, 5), False, False)]):
        yield [values(dtype, (2, 4, 5, 3), i), known(size, np.int32)], \
            {"align_corners": align, "half_pixel_centers": half}


def resize_area(dtype):
    """Area resizes (no half-pixel centres in TF's ResizeArea)."""
    for i, (size, align) in enumerate([((6, 7), False), ((3, 2), True), ((2, 3), False)]):
        yield [values(dtype, (2, 4, 5, 3), i), known(size, np.int32)], \
            {"align_corners": align, "half_pixel_centers": False}


def convert_image(dtype):
    """The image converted to every other numeric dtype, saturating or not."""
    for i, dst in enumerate(KERNEL_DTYPES[1:]):
        if dst is not dtype:
            for saturate in (False, True):
                x = values(dtype, (3, 4, 3), i, low=0 if dtype.is_floating else None,
                           high=1.0 if dtype.is_floating else None)
                # uint16 lives on the host, which has no variables: a constant.
                yield [known(x) if dtype is dtypes.uint16 else x], \
                    {"dtype": dst, "saturate": saturate}


def rgb_to_grayscale(dtype):
    """RGB images, one and a batch of them."""
    for i, shape in enumerate([(4, 5, 3), (2, 3, 4, 3)]):
        yield [values(dtype, shape, i)], {}


def per_image(dtype):
    """Images to standardise, one and a batch."""
    for i, shape in enumerate([(4, 5, 3), (2, 3, 4, 1)]):
        yield [values(dtype, shape, i)], {}


def flip(dtype):
    """Images to flip, one and a batch."""
    for i, shape in enumerate([(4, 5, 3), (2, 3, 4, 2)]):
        yield [values(dtype, shape, i)], {}


def crop_to_box(dtype):
    """Crops inside the image."""
    for i, shape in enumerate([(6, 7, 3), (2, 6, 7, 1)]):
        yield [values(dtype, shape, i)], {"offset_height": 1, "offset_width": 2,
                                          "target_height": 4, "target_width": 3}


def pad_to_box(dtype):
    """Pads around the image."""
    for i, shape in enumerate([(4, 3, 2), (2, 4, 3, 1)]):
        yield [values(dtype, shape, i)], {"offset_height": 1, "offset_width": 2,
                                          "target_height": 7, "target_width": 6}


def central_crop(dtype):
    """Central crops of two fractions."""
    for i, fraction in enumerate((0.5, 0.8)):
        yield [values(dtype, (2, 8, 6, 3), i)], {"central_fraction": fraction}


# ---- indexing -------------------------------------------------------------------

def gather(dtype):
    """Gathers along the first and a later axis, int32 and int64 indices
    (of strings: constants, gathered on the host)."""
    if dtype is dtypes.string:
        words = np.array([b"a", b"bc", b"", b"d\x00e", b"f", b"g"], dtype=object).reshape(3, 2)
        yield [known(words), known(np.array([2, 0, 2], np.int32))], {"axis": 0, "batch_dims": 0}
        return
    yield [values(dtype, (5, 3), 0), np.array([4, 0, 2, 2], np.int32)], \
        {"axis": 0, "batch_dims": 0}
    yield [values(dtype, (2, 4, 3), 1), np.array([[3, 1], [0, 0]], np.int64)], \
        {"axis": 1, "batch_dims": 0}
    yield [values(dtype, (2, 4), 2), np.array([1, 0, 1], np.int16)], \
        {"axis": -1, "batch_dims": 0}


def gather_nd(dtype):
    """Gathers of elements and of slices."""
    yield [values(dtype, (4, 3, 2), 0), np.array([[3, 1], [0, 2], [1, 1]], np.int32)], {}
    yield [values(dtype, (4, 3), 1), np.array([[[2]], [[0]]], np.int64)], {}


def one_hot(dtype):
    """Indices of `dtype` (one out of range) along the last, a middle and the
    first axis, with on and off values of every kernel dtype."""
    idx = np.array([0, 3, 1, 7], dtype.np_dtype)
    for i, out in enumerate(KERNEL_DTYPES):
        axis = (-1, 1, 0)[i % 3]
        on, off = values(out, (), i), values(out, (), i + 20)
        yield [idx.reshape(2, 2) if axis == 1 else idx, known(4, np.int32), on, off], \
            {"axis": axis, "T": out}


def fill(dtype):
    """Fills of int32 and int64 dims, an empty one among them."""
    for i, dims in enumerate([np.array([2, 3], np.int32), np.array([4], np.int64),
                              np.array([0, 2], np.int32), np.array([], np.int32)]):
        yield [known(dims), values(dtype, (), i)], {}


def like(dtype):
    """zeros_like/ones_like keeping the dtype, and into another one."""
    for i, shape in enumerate([(3, 4), (), (0, 2)]):
        yield [values(dtype, shape, i)], {"T": dtype, "dtype": dtype}
    for out in KERNEL_DTYPES:
        yield [values(dtype, (2, 3), 9)], {"T": dtype, "dtype": out}


def range_(dtype):
    """Ranges up and down. The bounds decide the output's length, so they are
    constants, and the compiler folds a range of up to 1 << 20 elements: the
    last sample, longer, is the kernel's (int8 and int16 cannot count so far)."""
    bounds = [(1, 9, 2), (7, -3, -3), (0, 5, 1), (4, 4, 1)]
    if dtype.is_floating:
        bounds.append((0.5, 2.0, 0.25))
    if dtype.np_dtype.itemsize >= 4:
        bounds.append((3, (1 << 20) + 7, 1))
    for b in bounds:
        yield [known(v, dtype) for v in b], {"Tidx": dtype}


def shape_of(dtype):
    """Shape/Size/Rank of several shapes, both out types where there is one."""
    for i, (shape, out) in enumerate([((3, 4), dtypes.int32), ((), dtypes.int64),
                                      ((2, 0, 5), dtypes.int32)]):
        yield [values(dtype, shape, i)], {"out_type": out}


def where_coordinates(dtype):
    """Conditions (constants: their values decide the output's shape)."""
    for i, shape in enumerate([(3, 4), (5,), (2, 3, 2)]):
        yield [known(values(dtype, shape, i))], {}


def top_k(dtype):
    """Top k of each row, both index types."""
    for i, (shape, k, index) in enumerate([((3, 6), 2, dtypes.int32), ((7,), 7, dtypes.int64),
                                           ((2, 2, 5), 1, dtypes.int32)]):
        yield [values(dtype, shape, i), known(k, np.int32)], \
            {"sorted": True, "index_type": index}


def sort(dtype):
    """Sorts along each axis, both directions."""
    for i, (axis, desc) in enumerate([(-1, False), (0, True), (1, False)]):
        yield [values(dtype, (4, 5, 3), i)], \
            {"axis": axis, "descending": desc, "index_type": dtypes.int32}


# ---- layout ---------------------------------------------------------------------

def transpose(dtype):
    """Permutations, the default reversal among them."""
    for i, (shape, perm) in enumerate([((3, 4), None), ((2, 3, 4), (1, 2, 0)),
                                       ((2, 1, 3, 2), (3, 0, 2, 1)), ((5,), (0,))]):
        yield [values(dtype, shape, i)], {"perm": perm}


def concat(dtype):
    """Concatenations of two and three inputs along each axis."""
    yield [values(dtype, (2, 3), 0), values(dtype, (4, 3), 1)], {"axis": 0}
    yield [values(dtype, (2, 3), 2), values(dtype, (2, 1), 3), values(dtype, (2, 0), 4)], \
        {"axis": -1}


def pack(dtype):
    """Stacks along the first, a middle and the new last axis."""
    for i, axis in enumerate((0, 1, -1)):
        yield [values(dtype, (2, 3), i), values(dtype, (2, 3), i + 10)], {"axis": axis}


def unpack(dtype):
    """Unstacks along the first and the last axis."""
    yield [values(dtype, (3, 2, 4), 0)], {"num": 3, "axis": 0}
    yield [values(dtype, (3, 2, 4), 1)], {"num": 4, "axis": -1}


def split(dtype):
    """Even splits along two axes."""
    yield [values(dtype, (6, 4), 0)], {"num_split": 3, "axis": 0}
    yield [values(dtype, (2, 4), 1)], {"num_split": 2, "axis": 1}


def split_v(dtype):
    """Splits into given sizes, one of them -1."""
    yield [values(dtype, (6, 4), 0)], {"size_splits": (1, 3, 2), "axis": 0}
    yield [values(dtype, (2, 5), 1)], {"size_splits": (2, -1), "axis": -1}


def slice_(dtype):
    """Slices with sizes given and -1 (to the end)."""
    yield [values(dtype, (4, 5), 0)], {"begin": (1, 2), "size": (2, 3)}
    yield [values(dtype, (3, 4, 2), 1)], {"begin": (0, 1, 0), "size": (-1, 2, 1)}


def strided_slice(dtype):
    """Strided slices forward and backward, with the masks."""
    base = {"begin_mask": 0, "end_mask": 0, "ellipsis_mask": 0, "new_axis_mask": 0,
            "shrink_axis_mask": 0}
    yield [values(dtype, (6, 5), 0)], dict(base, begin=(1, 0), end=(5, 5), strides=(2, 1))
    yield [values(dtype, (6, 5), 1)], dict(base, begin=(-1, 4), end=(0, 0), strides=(-1, -2),
                                           end_mask=1)
    yield [values(dtype, (3, 4, 2), 2)], dict(base, begin=(1, 0), end=(2, 3), strides=(1, 1),
                                              shrink_axis_mask=1)
    yield [values(dtype, (3, 4), 3)], dict(base, begin=(0, 1), end=(0, 3), strides=(1, 1),
                                           new_axis_mask=1)


def strided_slice_grad(dtype):
    """The gradients of strided slices with each mask, negative strides and an ellipsis:
    dy has the forward slice's shape, `shape` the forward input's."""
    base = {"begin_mask": 0, "end_mask": 0, "ellipsis_mask": 0, "new_axis_mask": 0,
            "shrink_axis_mask": 0}
    yield [values(dtype, (2, 5), 0)], dict(base, shape=(6, 5), begin=(1, 0), end=(5, 5),
                                           strides=(2, 1))
    yield [values(dtype, (6, 2), 1)], dict(base, shape=(6, 5), begin=(-1, 4), end=(0, 0),
                                           strides=(-1, -2), end_mask=1)
    yield [values(dtype, (3, 2), 2)], dict(base, shape=(3, 4, 2), begin=(1, 0), end=(2, 3),
                                           strides=(1, 1), shrink_axis_mask=1)
    yield [values(dtype, (1, 2, 4), 3)], dict(base, shape=(3, 4), begin=(0, 1), end=(0, 3),
                                              strides=(1, 1), new_axis_mask=1)
    yield [values(dtype, (2, 3, 2), 4)], dict(base, shape=(2, 3, 4), begin=(0, 1), end=(0, 0),
                                              strides=(1, 2), ellipsis_mask=1, end_mask=2)


def mirror_pad_grad(dtype):
    """The folds of mirror_pad's samples (input: the padded shape)."""
    yield [values(dtype, (6, 9), 0)], {"paddings": ((1, 2), (2, 3)), "mode": "REFLECT"}
    yield [values(dtype, (6, 9), 1)], {"paddings": ((3, 0), (1, 4)), "mode": "SYMMETRIC"}


def prevent_gradient(dtype):
    """An identity with its message."""
    yield [values(dtype, (3, 4), 0)], {"message": "no"}


def unsorted_segment_sum(dtype):
    """Sums of rows and of elements into segments, repeated and missing ids,
    negative ids (dropped, as TF's CPU kernel)."""
    yield [values(dtype, (5, 3), 0), np.array([2, 0, 2, 2, 3], np.int32)], \
        {"num_segments": 4}
    yield [values(dtype, (2, 3, 2), 1), np.array([[1, -1, 0], [1, 1, 0]], np.int64)], \
        {"num_segments": 3}
    yield [values(dtype, (4,), 2), np.array([0, 0, 5, 1], np.int16)], {"num_segments": 6}
    # Past PARALLEL_GRAIN, so that the shares are compared too.
    yield [values(dtype, (3000, 12), 3),
           np.random.default_rng(3).integers(-1, 3000, 3000).astype(np.int32)], \
        {"num_segments": 3000}


def scatter_nd(dtype):
    """Scatters of elements and slices, with repeated indices (which add)."""
    yield [np.array([[1], [3], [1]], np.int32), values(dtype, (3, 2), 0)], {"shape": (4, 2)}
    yield [np.array([[0, 1], [2, 0], [0, 1]], np.int64), values(dtype, (3,), 1)], \
        {"shape": (3, 2)}
    yield [np.random.default_rng(4).integers(0, 3000, (500, 1)).astype(np.int32),
           values(dtype, (500, 12), 2)], {"shape": (3000, 12)}


def resize_grad(dtype):
    """Gradients of 2x3 -> 4x5 and 5x4 -> 3x2 resizes in each corner mode."""
    for i, (size, out, ac, hp) in enumerate([((2, 3), (4, 5), False, False),
                                            ((2, 3), (4, 5), True, False),
                                            ((5, 4), (3, 2), False, True),
                                            ((5, 4), (3, 7), False, False),
                                            ((40, 40), (20, 30), False, True)]):
        batch, depth = (3, 8) if size == (40, 40) else (2, 3)  # the last past PARALLEL_GRAIN
        yield [values(dtypes.float32, (batch,) + out + (depth,), i),
               values(dtype, (batch,) + size + (depth,), i + 10)], \
            {"align_corners": ac, "half_pixel_centers": hp}


def resize_nearest_grad(dtype):
    """Gradients of the same resizes for the nearest sampler (`size`: the original's)."""
    for i, (size, out, ac, hp) in enumerate([((2, 3), (4, 5), False, False),
                                            ((2, 3), (4, 5), True, False),
                                            ((5, 4), (3, 2), False, True),
                                            ((5, 4), (3, 7), False, False),
                                            ((40, 40), (20, 30), True, False)]):
        batch, depth = (3, 8) if size == (40, 40) else (2, 3)  # the last past PARALLEL_GRAIN
        yield [values(dtype, (batch,) + out + (depth,), i)], \
            {"size": size, "align_corners": ac, "half_pixel_centers": hp}


def reverse(dtype):
    """Reversals of one axis and two."""
    yield [values(dtype, (3, 4), 0)], {"axis": (1,)}
    yield [values(dtype, (2, 3, 4), 1)], {"axis": (0, -1)}


def tile(dtype):
    """Tilings along each axis."""
    yield [values(dtype, (2, 3), 0)], {"multiples": (2, 1)}
    yield [values(dtype, (2, 1, 3), 1)], {"multiples": (1, 3, 2)}


def pad(dtype):
    """Constant pads with a fed pad value."""
    yield [values(dtype, (2, 3), 0), values(dtype, (), 1)], \
        {"paddings": ((1, 0), (2, 1)), "mode": "CONSTANT"}
    yield [values(dtype, (2, 1, 2), 2), values(dtype, (), 3)], \
        {"paddings": ((0, 0), (1, 1), (0, 2)), "mode": "CONSTANT"}


def mirror_pad(dtype):
    """Reflecting and symmetric pads."""
    yield [values(dtype, (3, 4), 0)], {"paddings": ((1, 2), (2, 3)), "mode": "REFLECT"}
    yield [values(dtype, (3, 4), 1)], {"paddings": ((3, 0), (1, 4)), "mode": "SYMMETRIC"}


def broadcast_to(dtype):
    """Broadcasts that prepend and stretch dimensions."""
    yield [values(dtype, (3, 1), 0)], {"shape": (2, 3, 4)}
    yield [values(dtype, (), 1)], {"shape": (5,)}


# ---- views and sources ----------------------------------------------------------

def identity(dtype):
    """A view's one input."""
    return unary(dtype)


def identity_n(dtype):
    """One input, and several of different shapes."""
    yield [values(dtype, (2, 3), 0)], {}
    yield [values(dtype, (4,), 1), values(dtype, (), 2), values(dtype, (3, 1, 2), 3)], {}


def reshape(dtype):
    """Reshapes to given shapes, one with -1."""
    for i, (shape, to) in enumerate([((3, 4), (4, 3)), ((2, 3, 4), (-1, 4)), ((6,), (1, 6, 1)),
                                     ((0, 3), (3, 0))]):
        yield [values(dtype, shape, i), known(to, np.int32)], {}


def expand_dims(dtype):
    """Axes inserted first, last and counted from the end."""
    for i, axis in enumerate((0, 2, -1)):
        yield [values(dtype, (3, 4), i), known(axis, np.int32)], {}


def squeeze(dtype):
    """Squeezes of every size-1 dimension and of chosen ones."""
    yield [values(dtype, (1, 3, 1, 2), 0)], {"squeeze_dims": ()}
    yield [values(dtype, (1, 3, 1, 2), 1)], {"squeeze_dims": (2,)}


def with_default(dtype):
    """A default value that is not fed."""
    yield [values(dtype, (3, 4), 0)], {"shape": as_shape((3, 4))}
    yield [values(dtype, (2,), 1)], {"shape": as_shape(None)}


def placeholder(dtype):
    """Placeholders (no inputs); the sweep feeds them a value of the shape."""
    for shape in [(3, 4), (), (0, 2)]:
        yield [], {"dtype": dtype, "shape": as_shape(shape)}


def variable(dtype):
    """Variables (no inputs); the sweep assigns them a value and reads it."""
    for shape in [(3, 4), ()]:
        yield [], {"shape": shape, "dtype": dtype, "container": "", "shared_name": ""}


def assign(dtype):
    """The variable's first value (input 0, a ref) and the value assigned."""
    for i, shape in enumerate([(3, 4), ()]):
        yield [values(dtype, shape, i), values(dtype, shape, i + 1)], {}


def assign_update(dtype):
    """AssignAdd/AssignSub: a first value and an update."""
    for i, (shape, locking) in enumerate([((3, 4), None), ((), True)]):
        yield [values(dtype, shape, i), values(dtype, shape, i + 1)], \
            {} if locking is None else {"use_locking": locking}


def count_up_to(dtype):
    """CountUpTo: a scalar counter below its limit."""
    yield [np.asarray(2, dtype=dtype.np_dtype)], {"limit": 5}
    yield [np.asarray(0, dtype=dtype.np_dtype)], {"limit": 1}


def random_float(dtype):
    """Random float ops of a few shapes and seeds (fed shapes)."""
    for i, shape in enumerate([(3, 4), (7,), (0,), (2, 3, 129)]):
        yield [known(shape, np.int32 if i % 2 else np.int64)], \
            {"seed": 3 + i, "seed2": 11, "dtype": dtype}


def random_int(dtype):
    """RandomUniformInt of `dtype` bounds."""
    for i, (shape, lo, hi) in enumerate([((3, 4), 0, 10), ((130,), -5, 3), ((0,), 1, 2)]):
        yield [known(shape, np.int32), np.array(lo, dtype.np_dtype),
               np.array(hi, dtype.np_dtype)], {"seed": 5 + i, "seed2": 2}


def no_op(dtype):
    """NoOp: run as a target (it has no inputs, attrs nor outputs)."""
    yield [], {}


def candidate_sampler(dtype):
    """Candidate samplers: true classes of a few batches, unique draws and not."""
    for i, (classes, num_sampled, unique, range_max) in enumerate([
            ([[0, 3], [7, 1]], 4, True, 10), ([[2], [5], [9]], 6, False, 10),
            ([[1, 2, 3]], 30, True, 40), ([[0]], 5, True, 5), ([[4]], 1, False, 1000)]):
        yield [known(classes, np.int64)], {
            "num_true": len(classes[0]), "num_sampled": num_sampled, "unique": unique,
            "range_max": range_max, "seed": 3 + i, "seed2": 7}


# ---- diagonals and bands (linalg_ops) ----------------------------------------

_MATRICES = [(3, 3), (2, 3, 4), (2, 1, 4, 2), (0, 2, 2)]


def matrix_diag(dtype):
    """Batches of diagonals, square and wider or taller outputs, padded."""
    for i, (shape, rows, cols) in enumerate([((3,), -1, -1), ((2, 3), -1, -1),
                                            ((2, 3), 3, 5), ((2, 2), 4, -1)]):
        yield [values(dtype, shape, i), known(0, np.int32), known(rows, np.int32),
               known(cols, np.int32),
               np.asarray(7 if dtype.is_integer else 0.5, dtype.as_numpy_dtype)], \
            {"align": "RIGHT_LEFT"}


def matrix_diag_part(dtype):
    """The main diagonal of square, wide and tall matrices in batches."""
    for i, shape in enumerate(_MATRICES):
        yield [values(dtype, shape, i), known(0, np.int32), np.zeros((), dtype.as_numpy_dtype)], \
            {"align": "RIGHT_LEFT"}


def matrix_set_diag(dtype):
    """A new main diagonal in square, wide and tall matrices in batches."""
    for i, shape in enumerate(_MATRICES):
        d = shape[:-2] + (min(shape[-2:]),)
        yield [values(dtype, shape, i), values(dtype, d, i + 1), known(0, np.int32)], \
            {"align": "RIGHT_LEFT"}


def matrix_band_part(dtype):
    """Bands of each width, all of one side kept with -1."""
    for i, (shape, lower, upper) in enumerate([((4, 4), 1, 0), ((2, 3, 5), -1, 1),
                                             ((2, 5, 3), 2, -1), ((3, 3), 0, 0),
                                             ((3, 4), 3, 4)]):
        yield [values(dtype, shape, i), np.int64(lower), np.int64(upper)], {}


def in_top_k(dtype):
    """Ties with the target, a row with NaN and one with inf, targets out of
    range, k of 0, 1 and more than the classes."""
    pred = values(dtype, (6, 5), 0)
    pred[1, 3] = pred[1, 0]
    pred[2, 4] = np.nan
    pred[3, 1] = np.inf
    targets = np.array([2, 0, 1, 1, 5, -1], np.int32)
    for k in (0, 1, 2, 6):
        yield [pred, targets, np.int32(k)], {}


def check_numerics(dtype):
    """Finite values of every size (NaN and Inf fail the op: tested apart)."""
    for i, shape in enumerate([(), (3, 4), (0,), (2, 3, 5)]):
        yield [values(dtype, shape, i)], {"message": "checked"}


def dense_array_write(dtype):
    """Writes of one row (a scalar index) and of several (a vector) into
    partly written arrays."""
    yield [values(dtype, (4, 3), 0), np.array([True, False, False, True]), np.int32(2),
           values(dtype, (3,), 1)], {}
    yield [values(dtype, (5, 2, 2), 2), np.zeros(5, bool), np.array([4, 0, 2], np.int64),
           values(dtype, (3, 2, 2), 3)], {}
    yield [values(dtype, (3,), 4), np.array([False, True, False]), np.array([], np.int32),
           values(dtype, (0,), 5)], {}


def run_time_value(dtype):
    """A scalar and a matrix pass through."""
    yield [values(dtype, (), 0)], {}
    yield [values(dtype, (2, 3), 1)], {}


def dense_array_grow(dtype):
    """Growth past the end (doubled, and by more than double), into an
    empty buffer (which takes the element's dims), and none needed."""
    yield [values(dtype, (2, 3), 0), np.array([True, True]), np.int32(2),
           values(dtype, (3,), 1)], {}
    yield [values(dtype, (2, 2), 2), np.array([True, False]), np.array([1, 6], np.int64),
           values(dtype, (2, 2), 3)], {}
    yield [values(dtype, (0, 0), 4), np.zeros(0, bool), np.int32(0), values(dtype, (4,), 5)], {}
    yield [values(dtype, (4, 3), 6), np.zeros(4, bool), np.int32(3), values(dtype, (3,), 7)], {}


def dense_array_trim(dtype):
    """Cuts to the last row written, to the initial size, and to nothing."""
    yield [values(dtype, (8, 3), 0), np.array([1, 1, 0, 1, 0, 0, 0, 0], bool), np.int32(0)], {}
    yield [values(dtype, (4, 2), 1), np.array([1, 0, 0, 0], bool), np.int32(3)], {}
    yield [values(dtype, (4,), 2), np.zeros(4, bool), np.int32(0)], {}


def dense_array_read(dtype):
    """Reads of one row, of several (repeated) and of none."""
    yield [values(dtype, (4, 3), 0), np.int32(3)], {}
    yield [values(dtype, (5, 2, 2), 1), np.array([4, 0, 4], np.int64)], {}
    yield [values(dtype, (3,), 2), np.array([], np.int32)], {}
