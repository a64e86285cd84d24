"""Ops that move blocks of space into depth or batch and back: SpaceToDepth
and DepthToSpace (NHWC), SpaceToBatchND and BatchToSpaceND, and
ExtractImagePatches; and the TF functions over them (space_to_batch,
batch_to_space, required_space_to_batch_paddings, extract_image_patches).

SpaceToDepth and DepthToSpace are one strided copy each (the C kernel of
transpose). SpaceToBatchND and BatchToSpaceND pad or crop as they move,
and ExtractImagePatches reads overlapping windows: they are host ops
(NumPy, between C plans), whose block shapes, paddings and crops may be
fed. Each op's gradient is its inverse (ExtractImagePatches': the patches'
gradients summed back onto the pixels they were read from).
"""

import numpy as np

from ..framework import dtypes, errors
from ..framework.dtype_sets import ALL, WITH_STRING
from ..framework.graphdef_mapping import Attr, Fixed, NodeMapping, TypeAttr
from ..framework.op_registry import Accepts, OpDef, RegisterGradient, register
from ..framework.static_values import constant_value
from ..framework.tensor_shape import debug_string as _fmt
from . import samples
from .arguments import graph_of, make_op, scope_of, to_tensor
from .array_ops import _gather_lower, _itemsize, reshape, transpose
from .indexing_ops import unsorted_segment_sum

__all__ = ["space_to_depth", "depth_to_space", "space_to_batch", "space_to_batch_nd",
           "batch_to_space", "batch_to_space_nd", "required_space_to_batch_paddings",
           "extract_image_patches"]
NN = ["space_to_depth", "depth_to_space", "space_to_batch", "batch_to_space"]
IMAGE = ["extract_patches"]
IMAGE_V1 = ["extract_image_patches", "extract_patches"]

_INDEX_TYPES = (dtypes.int32, dtypes.int64)


def _invalid(message):
    return errors.InvalidArgumentError(None, None, message)


def _host(reference):
    def host(ctx, op, values):
        return reference(values, op.attrs)
    return host


# ---- SpaceToDepth, DepthToSpace ------------------------------------------------

def _rank4(shape):
    if shape is not None and len(shape) != 4:
        raise ValueError(f"Shape must be rank 4 but is rank {len(shape)}")


def _space_to_depth_shape(ctx):
    b, shape = ctx.attrs["block_size"], ctx.shapes[0]
    if b < 2:
        raise ValueError(f"Attr 'block_size' of 'SpaceToDepth' Op passed {b} less than minimum 2.")
    _rank4(shape)
    if shape is None:
        return [(None,) * 4]
    n, h, w, c = shape
    if ctx.op is not None and (h % b or w % b):
        raise ValueError(f"Image width {w} and height {h} should be divisible by block_size: {b}")
    for d in (h, w):
        if d is not None and d % b:
            raise ValueError(f"Dimension size must be evenly divisible by {b} but is {d}")
    return [(n, None if h is None else h // b, None if w is None else w // b,
             None if c is None else c * b * b)]


def _depth_to_space_shape(ctx):
    b, shape = ctx.attrs["block_size"], ctx.shapes[0]
    if b < 2:
        raise ValueError(f"Attr 'block_size' of 'DepthToSpace' Op passed {b} less than minimum 2.")
    _rank4(shape)
    if shape is None:
        return [(None,) * 4]
    n, h, w, c = shape
    if c is not None and c % (b * b):
        if ctx.op is not None:
            raise ValueError(f"Input depth dimension {c} should be divisible by: {b * b}")
        raise ValueError(f"Dimension size must be evenly divisible by {b * b} but is {c}")
    return [(n, None if h is None else h * b, None if w is None else w * b,
             None if c is None else c // (b * b))]


def _space_to_depth_lower(ctx):
    n, h, w, c = ctx.shapes[0]
    b = ctx.attrs["block_size"]
    # The output as [n, h/b, w/b, b, b, c], read from the input's elements.
    view = (n, h // b, w // b, b, b, c)
    strides = (h * w * c, b * w * c, b * c, w * c, c, 1)
    return _gather_lower(view, strides, 0, _itemsize(ctx))


def _depth_to_space_lower(ctx):
    n, h, w, c = ctx.shapes[0]
    b = ctx.attrs["block_size"]
    oc = c // (b * b)
    # The output as [n, h, b, w, b, c/b^2], read from the input's elements.
    view = (n, h, b, w, b, oc)
    strides = (h * w * c, w * c, b * oc, c, oc, 1)
    return _gather_lower(view, strides, 0, _itemsize(ctx))


def space_to_depth_value(x, b):
    """NumPy SpaceToDepth of an NHWC array."""
    n, h, w, c = x.shape
    if h % b or w % b:
        raise _invalid(f"Image width {w} and height {h} should be divisible by block_size: {b}")
    y = x.reshape(n, h // b, b, w // b, b, c).transpose(0, 1, 3, 2, 4, 5)
    return y.reshape(n, h // b, w // b, b * b * c)


def depth_to_space_value(x, b):
    """NumPy DepthToSpace of an NHWC array."""
    n, h, w, c = x.shape
    if c % (b * b):
        raise _invalid(f"Input depth dimension {c} should be divisible by: {b * b}")
    oc = c // (b * b)
    y = x.reshape(n, h, w, b, b, oc).transpose(0, 1, 3, 2, 4, 5)
    return y.reshape(n, h * b, w * b, oc)


def _depth_samples(to_depth):
    def generate(dtype):
        cases = [((1, 4, 6, 3), 2), ((2, 6, 3, 1), 3), ((1, 2, 2, 2), 2), ((0, 4, 4, 1), 2)]
        for i, (shape, b) in enumerate(cases):
            if not to_depth:
                n, h, w, c = shape
                shape = (n, h // b, w // b, c * b * b)
            yield [samples.values(dtype, shape, i)], {"block_size": b}
    return generate


_BLOCK_NODE = NodeMapping(("input",), [TypeAttr("T", input=0), Attr("block_size"),
                                       Fixed("data_format", "NHWC")])

register(OpDef("SpaceToDepth", shape=_space_to_depth_shape, dtype=lambda ctx: [ctx.dtypes[0]],
               kernel="strided_copy", lower=_space_to_depth_lower, parallel=True,
               reference=lambda inputs, attrs: [space_to_depth_value(inputs[0],
                                                                     attrs["block_size"])],
               dtypes=[Accepts("input", WITH_STRING)], samples=_depth_samples(True),
               graphdef=_BLOCK_NODE))
register(OpDef("DepthToSpace", shape=_depth_to_space_shape, dtype=lambda ctx: [ctx.dtypes[0]],
               kernel="strided_copy", lower=_depth_to_space_lower, parallel=True,
               reference=lambda inputs, attrs: [depth_to_space_value(inputs[0],
                                                                     attrs["block_size"])],
               dtypes=[Accepts("input", WITH_STRING)], samples=_depth_samples(False),
               graphdef=_BLOCK_NODE))


def _check_format(data_format):
    if data_format not in ("NHWC", None):
        raise NotImplementedError(f"fastgraph's space/depth ops take NHWC only, not {data_format}")


def space_to_depth(input, block_size, name=None, data_format="NHWC"):  # noqa: A002
    """SpaceToDepth for tensors of type T.

    Rearranges blocks of spatial data, into depth. More specifically, this op
    outputs a copy of the input tensor where values from the `height` and
    `width` dimensions are moved to the `depth` dimension. The attr
    `block_size` indicates the input block size: non-overlapping blocks of
    size `block_size x block_size` are rearranged into depth at each
    location. The depth of the output tensor is `block_size * block_size *
    input_depth`.
    """
    _check_format(data_format)
    graph = graph_of([input])
    x = to_tensor(graph, input)
    return make_op(graph, "SpaceToDepth", [x], {"block_size": int(block_size)},
                   name=name or "SpaceToDepth").outputs[0]


def depth_to_space(input, block_size, name=None, data_format="NHWC"):  # noqa: A002
    """DepthToSpace for tensors of type T.

    Rearranges data from depth into blocks of spatial data. This is the
    reverse transformation of SpaceToDepth: values from the `depth`
    dimension are moved in spatial blocks to the `height` and `width`
    dimensions. The depth of the input must be divisible by
    `block_size * block_size`.
    """
    _check_format(data_format)
    graph = graph_of([input])
    x = to_tensor(graph, input)
    return make_op(graph, "DepthToSpace", [x], {"block_size": int(block_size)},
                   name=name or "DepthToSpace").outputs[0]


@RegisterGradient("SpaceToDepth")
def _space_to_depth_grad(op, grad):
    return [depth_to_space(grad, op.get_attr("block_size"))]


@RegisterGradient("DepthToSpace")
def _depth_to_space_grad(op, grad):
    return [space_to_depth(grad, op.get_attr("block_size"))]


# ---- SpaceToBatchND, BatchToSpaceND ---------------------------------------------

def _block_args(ctx, what):
    """(block_shape, pairs) as int lists when both values are known, else
    None; the static checks TF's shape function makes."""
    block, pairs = ctx.values[1], ctx.values[2]
    bshape, pshape = ctx.shapes[1], ctx.shapes[2]
    if bshape is not None and len(bshape) != 1:
        raise ValueError(f"Shape must be rank 1 but is rank {len(bshape)}")
    if pshape is not None and len(pshape) != 2:
        raise ValueError(f"Shape must be rank 2 but is rank {len(pshape)}")
    if pshape is not None and pshape[1] is not None and pshape[1] != 2:
        raise ValueError(f"Dimension must be 2 but is {pshape[1]}")
    if block is None or pairs is None:
        return None
    block = [int(v) for v in np.asarray(block).reshape(-1)]
    pairs = np.asarray(pairs).astype(np.int64).reshape(-1, 2).tolist()
    if len(pairs) != len(block):
        raise ValueError(f"Dimensions must be equal, but are {len(block)} and {len(pairs)}")
    if any(b < 1 for b in block):
        raise ValueError(f"block_shape must be positive")
    if any(p < 0 for pair in pairs for p in pair):
        raise ValueError(f"{what} cannot be negative")
    return block, pairs


def _space_to_batch_shape(ctx):
    x = ctx.shapes[0]
    args = _block_args(ctx, "paddings")
    m = ctx.shapes[1][0] if ctx.shapes[1] is not None else None
    if x is None:
        return [None]
    if m is not None and len(x) < m + 1:
        raise ValueError(f"Shape must be at least rank {m + 1} but is rank {len(x)}")
    if args is None:
        return [(None,) * len(x)]
    block, pads = args
    m = len(block)
    out = [None if x[0] is None else x[0] * int(np.prod(block))]
    for i in range(m):
        d = x[1 + i]
        if d is None:
            out.append(None)
            continue
        padded = d + pads[i][0] + pads[i][1]
        if padded % block[i]:
            if ctx.op is not None:
                raise ValueError(f"padded_shape[{i}]={padded} is not divisible by "
                                 f"block_shape[{i}]={block[i]}")
            raise ValueError(f"Dimension size must be evenly divisible by {block[i]} but is "
                             f"{padded}")
        out.append(padded // block[i])
    return [tuple(out) + tuple(x[1 + m:])]


def _batch_to_space_shape(ctx):
    x = ctx.shapes[0]
    args = _block_args(ctx, "crops")
    m = ctx.shapes[1][0] if ctx.shapes[1] is not None else None
    if x is None:
        return [None]
    if m is not None and len(x) < m + 1:
        raise ValueError(f"Shape must be at least rank {m + 1} but is rank {len(x)}")
    if args is None:
        return [(None,) * len(x)]
    block, crops = args
    m, prod = len(block), int(np.prod(block))
    if x[0] is not None and x[0] % prod:
        if ctx.op is not None:
            raise ValueError(f"Input batch dimension ({x[0]}) is not divisible by product of "
                             f"block sizes ({prod})")
        raise ValueError(f"Dimension size must be evenly divisible by {prod} but is {x[0]}")
    out = [None if x[0] is None else x[0] // prod]
    for i in range(m):
        d = x[1 + i]
        if d is None:
            out.append(None)
            continue
        size = d * block[i] - crops[i][0] - crops[i][1]
        if size < 0:
            raise ValueError(f"cropped_shape[{i}]={size} must be non-negative")
        out.append(size)
    return [tuple(out) + tuple(x[1 + m:])]


def _block_values(inputs, what):
    x, block, pairs = inputs[0], np.asarray(inputs[1]), np.asarray(inputs[2])
    if block.ndim != 1:
        raise _invalid(f"block_shape must be one-dimensional, got shape {_fmt(block.shape)}")
    if pairs.shape != (block.size, 2):
        raise _invalid(f"{what} should have shape [{block.size}, 2] instead of "
                       f"{_fmt(pairs.shape)}")
    m = block.size
    if x.ndim < m + 1:
        raise _invalid(f"input rank should be >= {m + 1} instead of {x.ndim}")
    block = [int(b) for b in block]
    pairs = pairs.astype(np.int64).tolist()
    if any(b < 1 for b in block):
        raise _invalid("block_shape must be positive")
    if any(p < 0 for pair in pairs for p in pair):
        raise _invalid(f"{what} must be non-negative")
    return x, block, pairs


def space_to_batch_value(inputs, attrs=None):
    """NumPy SpaceToBatchND: zero-pad the block dims, then move each block
    offset into the batch (offsets major, original batch minor)."""
    x, block, pads = _block_values(inputs, "paddings")
    m, n = len(block), x.shape[0]
    padded = np.pad(x, [(0, 0)] + [tuple(p) for p in pads] + [(0, 0)] * (x.ndim - 1 - m))
    split = [n]
    for i in range(m):
        size = padded.shape[1 + i]
        if size % block[i]:
            raise _invalid(f"padded_shape[{i}]={size} is not divisible by "
                           f"block_shape[{i}]={block[i]}")
        split += [size // block[i], block[i]]
    rest = list(padded.shape[1 + m:])
    y = padded.reshape(split + rest)
    # [n, o1, b1, o2, b2, ..., rest] -> [b1, b2, ..., n, o1, o2, ..., rest]
    perm = [2 + 2 * i for i in range(m)] + [0] + [1 + 2 * i for i in range(m)] + \
        list(range(1 + 2 * m, y.ndim))
    y = y.transpose(perm)
    return [np.ascontiguousarray(y.reshape([n * int(np.prod(block))] +
                                           [split[1 + 2 * i] for i in range(m)] + rest))]


def batch_to_space_value(inputs, attrs=None):
    """NumPy BatchToSpaceND: the inverse of SpaceToBatchND with `crops`
    for paddings."""
    x, block, crops = _block_values(inputs, "crops")
    m, prod = len(block), int(np.prod(block))
    if x.shape[0] % prod:
        raise _invalid(f"Input batch dimension ({x.shape[0]}) is not divisible by product of "
                       f"block sizes ({prod})")
    n = x.shape[0] // prod
    sizes = list(x.shape[1:1 + m])
    for i in range(m):
        size = sizes[i] * block[i] - crops[i][0] - crops[i][1]
        if size < 0:
            raise _invalid(f"cropped_shape[{i}]={size} must be non-negative")
    rest = list(x.shape[1 + m:])
    y = x.reshape(block + [n] + sizes + rest)
    # [b1, .., bm, n, o1, .., om, rest] -> [n, o1, b1, .., om, bm, rest]
    perm = [m]
    for i in range(m):
        perm += [m + 1 + i, i]
    perm += list(range(2 * m + 1, y.ndim))
    y = y.transpose(perm).reshape([n] + [sizes[i] * block[i] for i in range(m)] + rest)
    cut = (slice(None),) + tuple(slice(c[0], y.shape[1 + i] - c[1]) for i, c in
                                 enumerate(crops))
    return [np.ascontiguousarray(y[cut])]


def _space_batch_samples(to_batch):
    cases = [((2, 4, 6, 3), (2, 3), ((0, 0), (0, 0))), ((1, 3, 5, 1), (2, 2), ((1, 0), (2, 1))),
             ((2, 5, 2), (3,), ((1, 0),)), ((1, 2, 2, 1), (1, 1), ((0, 0), (0, 0)))]

    def generate(dtype):
        for i, (shape, block, pairs) in enumerate(cases):
            x = samples.values(dtype, shape, i)
            if not to_batch:
                x = space_to_batch_value([x, np.array(block), np.array(pairs)])[0]
            for index in _INDEX_TYPES:
                yield [x, samples.known(block, index), samples.known(pairs, index)], {}
    return generate


def _block_node(pairs, pairs_type):
    return NodeMapping(("input", "block_shape", pairs),
                       [TypeAttr("T", input=0), TypeAttr("Tblock_shape", input=1),
                        TypeAttr(pairs_type, input=2)])


register(OpDef("SpaceToBatchND", shape=_space_to_batch_shape, dtype=lambda ctx: [ctx.dtypes[0]],
               reference=space_to_batch_value, host=_host(space_to_batch_value),
               dtypes=[Accepts("input", ALL), Accepts("block_shape", _INDEX_TYPES, input=1),
                       Accepts("paddings", _INDEX_TYPES, input=2)],
               samples=_space_batch_samples(True),
               graphdef=_block_node("paddings", "Tpaddings")))
register(OpDef("BatchToSpaceND", shape=_batch_to_space_shape, dtype=lambda ctx: [ctx.dtypes[0]],
               reference=batch_to_space_value, host=_host(batch_to_space_value),
               dtypes=[Accepts("input", ALL), Accepts("block_shape", _INDEX_TYPES, input=1),
                       Accepts("crops", _INDEX_TYPES, input=2)],
               samples=_space_batch_samples(False),
               graphdef=_block_node("crops", "Tcrops")))


def space_to_batch_nd(input, block_shape, paddings, name=None):  # noqa: A002
    """SpaceToBatch for N-D tensors of type T.

    This operation divides "spatial" dimensions `[1, ..., M]` of the input
    into a grid of blocks of shape `block_shape`, and interleaves these
    blocks with the "batch" dimension (0) such that in the output, the
    spatial dimensions `[1, ..., M]` correspond to the position within the
    grid, and the batch dimension combines both the position within a
    spatial block and the original batch position. Prior to division into
    blocks, the spatial dimensions of the input are optionally zero padded
    according to `paddings`.
    """
    graph = graph_of([input, block_shape, paddings])
    inputs = [to_tensor(graph, v) for v in (input, block_shape, paddings)]
    return make_op(graph, "SpaceToBatchND", inputs, name=name or "SpaceToBatchND").outputs[0]


def batch_to_space_nd(input, block_shape, crops, name=None):  # noqa: A002
    """BatchToSpace for N-D tensors of type T.

    This operation reshapes the "batch" dimension 0 into `M + 1` dimensions
    of shape `block_shape + [batch]`, interleaves these blocks back into the
    grid defined by the spatial dimensions `[1, ..., M]`, to obtain a result
    with the same rank as the input. The spatial dimensions of this
    intermediate result are then optionally cropped according to `crops` to
    produce the output. This is the reverse of SpaceToBatch.
    """
    graph = graph_of([input, block_shape, crops])
    inputs = [to_tensor(graph, v) for v in (input, block_shape, crops)]
    return make_op(graph, "BatchToSpaceND", inputs, name=name or "BatchToSpaceND").outputs[0]


def space_to_batch(input, paddings, block_size=None, name=None, block_shape=None):  # noqa: A002
    """SpaceToBatch for 4-D tensors of type T: zero-pads and then rearranges
    (permutes) blocks of spatial data into batch (SpaceToBatchND with a
    square block of `block_size`)."""
    if block_size is None:
        block_size = block_shape
    if isinstance(block_size, (int, np.integer)):
        block_size = np.array([block_size, block_size], np.int32)
    return space_to_batch_nd(input, block_size, paddings, name=name)


def batch_to_space(input, crops, block_size, name=None, block_shape=None):  # noqa: A002
    """BatchToSpace for 4-D tensors of type T: rearranges (permutes) data
    from batch into blocks of spatial data, followed by cropping
    (BatchToSpaceND with a square block of `block_size`)."""
    if block_size is None:
        block_size = block_shape
    if isinstance(block_size, (int, np.integer)):
        block_size = np.array([block_size, block_size], np.int32)
    return batch_to_space_nd(input, block_size, crops, name=name)


@RegisterGradient("SpaceToBatchND")
def _space_to_batch_grad(op, grad):
    return [batch_to_space_nd(grad, op.inputs[1], op.inputs[2]), None, None]


@RegisterGradient("BatchToSpaceND")
def _batch_to_space_grad(op, grad):
    return [space_to_batch_nd(grad, op.inputs[1], op.inputs[2]), None, None]


def required_space_to_batch_paddings(input_shape, block_shape, base_paddings=None, name=None):
    """Calculate padding required to make block_shape divide input_shape.

    This function can be used to calculate a suitable paddings argument for
    use with space_to_batch_nd and batch_to_space_nd. Returns `(paddings,
    crops)`: int32 tensors of shape [num_block_dims, 2] such that
    `(input_shape + paddings.sum(1)) % block_shape == 0` with
    `paddings[i, 0] == base_paddings[i, 0]`, and `crops` the end padding
    added beyond `base_paddings`. The values must be known when the graph is
    built.
    """
    graph, scope = scope_of([input_shape, block_shape, base_paddings], name,
                            "required_space_to_batch_paddings")
    with graph.as_default(), scope:
        values = []
        for v, what in ((input_shape, "input_shape"), (block_shape, "block_shape"),
                        (base_paddings, "base_paddings")):
            if v is None:
                values.append(None)
                continue
            known = constant_value(v) if hasattr(v, "op") else np.asarray(v)
            if known is None:
                raise NotImplementedError(f"fastgraph needs `{what}` of "
                                          "required_space_to_batch_paddings known when the "
                                          "graph is built")
            values.append(np.asarray(known, np.int64))
        ishape, block, base = values
        block = block.reshape(-1)
        m = block.size
        if m == 0:
            return (to_tensor(graph, np.zeros((0, 2), np.int32), name="zeros"),
                    to_tensor(graph, np.zeros((0, 2), np.int32), name="zeros_1"))
        ishape = ishape.reshape(-1)
        if ishape.size != m:
            raise ValueError(f"Shapes ({ishape.size},) and ({m},) are incompatible")
        base = np.zeros((m, 2), np.int64) if base is None else base.reshape(m, 2)
        full = ishape + base[:, 0] + base[:, 1]
        extra = (block - full % block) % block
        pads = np.stack([base[:, 0], base[:, 1] + extra], axis=1).astype(np.int32)
        crops = np.stack([np.zeros(m, np.int64), extra], axis=1).astype(np.int32)
        return to_tensor(graph, pads, name="paddings"), to_tensor(graph, crops, name="crops")


# ---- ExtractImagePatches ------------------------------------------------------------

def _patch_geometry(size, k, stride, rate, padding):
    """(out size, pad before) of one spatial dim, as TF's windowed ops count."""
    eff = (k - 1) * rate + 1
    if padding == "VALID":
        return max((size - eff + stride) // stride, 0), 0
    out = -(-size // stride)
    pad = max((out - 1) * stride + eff - size, 0)
    return out, pad // 2


def _check_quads(attrs):
    for key in ("ksizes", "strides", "rates"):
        v = attrs[key]
        if len(v) != 4:
            raise ValueError(f"{key} must be a list of 4 ints (got {len(v)})")
        if v[0] != 1 or v[3] != 1:
            raise ValueError(f"Only supports {key} across space.")
        if any(d < 1 for d in v):
            raise ValueError(f"{key} must be positive")


def _patches_shape(ctx):
    _check_quads(ctx.attrs)
    x = ctx.shapes[0]
    _rank4(x)
    if x is None:
        return [(None,) * 4]
    _, kh, kw, _ = ctx.attrs["ksizes"]
    _, sh, sw, _ = ctx.attrs["strides"]
    _, rh, rw, _ = ctx.attrs["rates"]
    pad = ctx.attrs["padding"]
    n, h, w, c = x
    dims = []
    for size, k, s, r in ((h, kh, sh, rh), (w, kw, sw, rw)):
        if size is None:
            dims.append(None)
            continue
        eff = (k - 1) * r + 1
        if pad == "VALID" and size < eff:
            raise ValueError(f"Computed output size would be negative: {size - eff + 1} "
                             f"[input_size: {size}, effective_filter_size: {eff}, "
                             f"stride: {s}]")
        dims.append(_patch_geometry(size, k, s, r, pad)[0])
    return [(n, dims[0], dims[1], None if c is None else kh * kw * c)]


def extract_patches_value(inputs, attrs):
    """NumPy ExtractImagePatches: each output pixel holds its window's
    pixels (rows, then columns, then channels), zero where the window
    reaches into SAME padding."""
    x = inputs[0]
    _, kh, kw, _ = attrs["ksizes"]
    _, sh, sw, _ = attrs["strides"]
    _, rh, rw, _ = attrs["rates"]
    n, h, w, c = x.shape
    oh, ph = _patch_geometry(h, kh, sh, rh, attrs["padding"])
    ow, pw = _patch_geometry(w, kw, sw, rw, attrs["padding"])
    out = np.zeros((n, oh, ow, kh, kw, c), x.dtype)
    for i in range(kh):
        rows = np.arange(oh) * sh - ph + i * rh
        rok = (rows >= 0) & (rows < h)
        for j in range(kw):
            cols = np.arange(ow) * sw - pw + j * rw
            cok = (cols >= 0) & (cols < w)
            block = x[:, np.clip(rows, 0, max(h - 1, 0))][:, :, np.clip(cols, 0, max(w - 1, 0))] \
                if h and w else np.zeros((n, oh, ow, c), x.dtype)
            mask = (rok[:, None] & cok[None, :])[None, :, :, None]
            out[:, :, :, i, j, :] = np.where(mask, block, np.zeros((), x.dtype))
    return [out.reshape(n, oh, ow, kh * kw * c)]


def _patches_samples(dtype):
    cases = [((1, 5, 5, 2), (1, 2, 2, 1), (1, 1, 1, 1), (1, 1, 1, 1), "VALID"),
             ((2, 6, 5, 1), (1, 3, 2, 1), (1, 2, 2, 1), (1, 1, 1, 1), "SAME"),
             ((1, 7, 6, 2), (1, 2, 2, 1), (1, 1, 2, 1), (1, 2, 2, 1), "SAME"),
             ((1, 6, 6, 1), (1, 2, 3, 1), (1, 3, 2, 1), (1, 2, 1, 1), "VALID")]
    for i, (shape, k, s, r, pad) in enumerate(cases):
        yield [samples.values(dtype, shape, i)], {"ksizes": k, "strides": s, "rates": r,
                                                   "padding": pad}


register(OpDef("ExtractImagePatches", shape=_patches_shape, dtype=lambda ctx: [ctx.dtypes[0]],
               reference=extract_patches_value, host=_host(extract_patches_value),
               dtypes=[Accepts("images", ALL)], samples=_patches_samples,
               graphdef=NodeMapping(("images",), [TypeAttr("T", input=0), Attr("ksizes"),
                                                  Attr("strides"), Attr("rates"),
                                                  Attr("padding")])))


def _quad_attr(value, key):
    v = tuple(int(d) for d in value)
    if len(v) != 4:
        raise ValueError(f"{key} must be a list of 4 ints (got {len(v)})")
    return v


def extract_image_patches(images, ksizes=None, strides=None, rates=None, padding=None,
                          name=None, sizes=None):
    """Extract `patches` from `images` and put them in the "depth" output
    dimension.

    `ksizes` (or `sizes`), `strides` and `rates` are 4-element lists
    `[1, rows, cols, 1]`; `padding` is "VALID" or "SAME". The output has
    shape `[batch, out_rows, out_cols, ksize_rows * ksize_cols * depth]`,
    each patch's pixels flattened row by row, then by channel.
    """
    ksizes = sizes if ksizes is None else ksizes
    if padding not in ("VALID", "SAME"):
        raise ValueError(f"`padding` must be 'VALID' or 'SAME', got {padding!r}")
    graph = graph_of([images])
    x = to_tensor(graph, images)
    attrs = {"ksizes": _quad_attr(ksizes, "ksizes"), "strides": _quad_attr(strides, "strides"),
             "rates": _quad_attr(rates, "rates"), "padding": padding}
    return make_op(graph, "ExtractImagePatches", [x], attrs,
                   name=name or "ExtractImagePatches").outputs[0]


def extract_patches(images, sizes, strides, rates, padding, name=None):
    """Extract `patches` from `images` (TF2's tf.image.extract_patches)."""
    return extract_image_patches(images, sizes, strides, rates, padding, name=name)


@RegisterGradient("ExtractImagePatches")
def _extract_patches_grad(op, grad):
    # Each patch element came from one pixel (or from padding): patches of
    # the pixels' 1-based positions say which, and the gradient sums there.
    x = op.inputs[0]
    n, h, w, c = x.shape.as_list()
    if h is None or w is None:
        raise NotImplementedError("ExtractImagePatches' gradient needs the images' height and "
                                  "width known when the graph is built")
    ids = np.arange(1, h * w + 1, dtype=np.int64).reshape(1, h, w, 1)
    where = extract_patches_value([ids], op.attrs)[0]
    _, oh, ow, kk = where.shape
    graph = op.graph
    with graph.name_scope("ExtractImagePatchesGrad"):
        ids = to_tensor(graph, where.reshape(-1).astype(np.int32), name="ids")
        # grad [n, oh, ow, kk * c] -> [oh * ow * kk, n, c]
        flat = transpose(reshape(grad, [-1, oh * ow * kk, c]), [1, 0, 2])
        summed = unsorted_segment_sum(flat, ids, h * w + 1)[1:]
        return [transpose(reshape(summed, [h, w, -1, c]), [2, 0, 1, 3])]
