"""Importing TensorFlow GraphDefs (frozen inference graphs, `.pb` files).

`GraphDef().ParseFromString(bytes)` decodes the protobuf by hand (no
protobuf dependency) into NodeDefs; `import_graph_def` rebuilds each node
with fastgraph's op functions, so the imported graph compiles and runs like
one built in Python. Nodes whose op type has no translation here raise
NotImplementedError naming the op.
"""

import numpy as np

from . import protobuf_wire as pw
from .framework import dtypes
from .framework.graph import Tensor

__all__ = ["GraphDef", "NodeDef", "import_graph_def"]

# tensorflow/core/framework/types.proto
_TF_DTYPES = {1: dtypes.float32, 2: dtypes.float64, 3: dtypes.int32, 4: dtypes.uint8,
              5: dtypes.int16, 6: dtypes.int8, 9: dtypes.int64, 10: dtypes.bool}


def _dtype(enum):
    if enum not in _TF_DTYPES:
        raise NotImplementedError(f"TF dtype enum {enum} has no fastgraph dtype")
    return _TF_DTYPES[enum]


def _shape(buf):
    """A TensorShapeProto as a list (None for -1 dims), or None for unknown rank."""
    f = pw.message_fields(buf)
    if f.get(3, [(0, 0)])[0][1]:
        return None
    dims = []
    for _, d in f.get(2, []):
        size = pw.signed(next((v for n, _, v in pw.fields(d) if n == 1), 0))
        dims.append(None if size < 0 else size)
    return dims


def _tensor(buf):
    """A TensorProto as a NumPy array."""
    f = pw.message_fields(buf)
    dt = _dtype(f.get(1, [(0, 1)])[0][1])
    shape = _shape(f[2][0][1]) if 2 in f else []
    np_dtype = dt.np_dtype
    n = int(np.prod(shape, dtype=np.int64))
    if 4 in f:  # tensor_content: the raw little-endian bytes
        return np.frombuffer(f[4][0][1], dtype=np_dtype).reshape(shape).copy()
    field, width = {np.float32: (5, 4), np.float64: (6, 8), np.int64: (10, 0),
                    np.bool_: (11, 0)}.get(np_dtype.type, (7, 0))
    vals = pw.repeated_numbers(f.get(field, []), np_dtype, width)
    arr = np.asarray(vals, dtype=np_dtype)
    if arr.size == n:
        return arr.reshape(shape)
    # TF stores a repeated last value only once: fill the rest with it.
    out = np.full(n, arr[-1] if arr.size else 0, dtype=np_dtype)
    out[:arr.size] = arr
    return out.reshape(shape)


def _attr_value(buf):
    """An AttrValue as a Python value (lists as lists)."""
    for field, wire, v in pw.fields(buf):
        if field == 2:
            return v.decode()
        if field == 3:
            return pw.signed(v)
        if field == 4:
            return float(np.frombuffer(np.uint32(v).tobytes(), np.float32)[0])
        if field == 5:
            return bool(v)
        if field == 6:
            return _dtype(v)
        if field == 7:
            return _shape(v)
        if field == 8:
            return _tensor(v)
        if field == 1:
            lf = pw.message_fields(v)
            if 3 in lf:
                return pw.repeated_numbers(lf[3], np.int64, 0)
            if 2 in lf:
                return [s.decode() for _, s in lf[2]]
            if 4 in lf:
                return pw.repeated_numbers(lf[4], np.float32, 4)
            if 6 in lf:
                return [_dtype(t) for t in pw.repeated_numbers(lf[6], np.int64, 0)]
            return []
    return None


class NodeDef:
    """One node of a GraphDef: name, op, inputs ("node:1", "^control") and attrs."""

    def __init__(self, name, op, inputs, attr):
        self.name, self.op, self.input, self.attr = name, op, inputs, attr

    def __repr__(self):
        return f"NodeDef({self.name!r}, {self.op!r}, {self.input})"


class GraphDef:
    """A TensorFlow GraphDef: `ParseFromString(data)` fills `node`."""

    def __init__(self):
        self.node = []

    def ParseFromString(self, data):  # noqa: N802 - protobuf's name
        """Decodes a serialized GraphDef (returns the number of bytes read)."""
        self.node = []
        for field, _, value in pw.fields(memoryview(data)):
            if field != 1:
                continue  # versions, library: nothing to run
            name, op, inputs, attr = "", "", [], {}
            for f, _, v in pw.fields(value):
                if f == 1:
                    name = v.decode()
                elif f == 2:
                    op = v.decode()
                elif f == 3:
                    inputs.append(v.decode())
                elif f == 5:
                    key = val = None
                    for f2, _, v2 in pw.fields(v):
                        if f2 == 1:
                            key = v2.decode()
                        elif f2 == 2:
                            val = _attr_value(v2)
                    attr[key] = val
            self.node.append(NodeDef(name, op, inputs, attr))
        return len(data)


def _padding(attr):
    return attr.get("padding", "VALID")


def _nhwc(attr, op):
    fmt = attr.get("data_format", "NHWC")
    if fmt not in ("NHWC", "NWC", "N...C"):
        raise NotImplementedError(f"{op} with data_format {fmt}: fastgraph imports NHWC only")


def _builders():
    """{TF op type: fn(inputs, attr, name) -> tensor or list of tensors}."""
    import fastgraph as tf

    def unary(fn):
        return lambda x, a, name: fn(x[0], name=name)

    def binary(fn):
        return lambda x, a, name: fn(x[0], x[1], name=name)

    def conv(x, a, name):
        _nhwc(a, "Conv2D")
        return tf.nn.conv2d(x[0], x[1], a.get("strides", [1, 1, 1, 1]), _padding(a),
                            dilations=a.get("dilations"), name=name)

    def depthwise(x, a, name):
        _nhwc(a, "DepthwiseConv2dNative")
        return tf.nn.depthwise_conv2d(x[0], x[1], a.get("strides", [1, 1, 1, 1]), _padding(a),
                                      dilations=a.get("dilations"), name=name)

    def pool(fn):
        def build(x, a, name):
            _nhwc(a, "pool")
            return fn(x[0], a["ksize"], a["strides"], _padding(a), name=name)
        return build

    def fused_bn(x, a, name):
        if a.get("is_training", False):
            raise NotImplementedError("FusedBatchNorm with is_training=True")
        _nhwc(a, "FusedBatchNorm")
        eps = a.get("epsilon", 1e-3)
        scale, offset, mean, var = x[1:5]
        inv = tf.math.rsqrt(var + eps) * scale
        y = tf.add(x[0] * inv, offset - mean * inv, name=name)
        return [y, mean, var, mean, var, mean]

    def concat(x, a, name):
        return tf.concat(x[:-1], axis=x[-1], name=name)

    def reduce(fn):
        return lambda x, a, name: fn(x[0], axis=x[1], keepdims=a.get("keep_dims", False),
                                     name=name)

    def strided_slice(x, a, name):
        return tf.strided_slice(x[0], x[1], x[2], x[3], begin_mask=a.get("begin_mask", 0),
                                end_mask=a.get("end_mask", 0),
                                ellipsis_mask=a.get("ellipsis_mask", 0),
                                new_axis_mask=a.get("new_axis_mask", 0),
                                shrink_axis_mask=a.get("shrink_axis_mask", 0), name=name)

    return {
        "Identity": unary(tf.identity), "StopGradient": unary(tf.identity),
        "Add": binary(tf.add), "AddV2": binary(tf.add), "Sub": binary(tf.subtract),
        "Mul": binary(tf.multiply), "RealDiv": binary(tf.truediv),
        "FloorDiv": binary(tf.floordiv), "FloorMod": binary(tf.floormod),
        "Maximum": binary(tf.maximum), "Minimum": binary(tf.minimum), "Pow": binary(tf.pow),
        "SquaredDifference": binary(tf.squared_difference),
        "Greater": binary(tf.greater), "GreaterEqual": binary(tf.greater_equal),
        "Less": binary(tf.less), "LessEqual": binary(tf.less_equal),
        "Equal": binary(tf.equal), "NotEqual": binary(tf.not_equal),
        "LogicalAnd": binary(tf.logical_and), "LogicalOr": binary(tf.logical_or),
        "LogicalNot": unary(tf.logical_not),
        "Neg": unary(tf.negative), "Abs": unary(tf.abs), "Square": unary(tf.square),
        "Sqrt": unary(tf.sqrt), "Rsqrt": unary(tf.math.rsqrt), "Exp": unary(tf.exp),
        "Log": unary(tf.math.log), "Tanh": unary(tf.tanh), "Sigmoid": unary(tf.sigmoid),
        "Floor": unary(tf.floor), "Ceil": unary(tf.math.ceil), "Reciprocal": unary(tf.math.reciprocal),
        "Relu": unary(tf.nn.relu), "Relu6": unary(tf.nn.relu6), "Elu": unary(tf.nn.elu),
        "Selu": unary(tf.nn.selu), "Softplus": unary(tf.nn.softplus),
        "LeakyRelu": lambda x, a, name: tf.nn.leaky_relu(x[0], a.get("alpha", 0.2), name=name),
        "Softmax": unary(tf.nn.softmax), "LogSoftmax": unary(tf.nn.log_softmax),
        "BiasAdd": lambda x, a, name: tf.nn.bias_add(x[0], x[1], a.get("data_format"),
                                                     name=name),
        "MatMul": lambda x, a, name: tf.matmul(x[0], x[1], a.get("transpose_a", False),
                                               a.get("transpose_b", False), name=name),
        "BatchMatMulV2": lambda x, a, name: tf.matmul(x[0], x[1], a.get("adj_x", False),
                                                      a.get("adj_y", False), name=name),
        "Conv2D": conv, "DepthwiseConv2dNative": depthwise,
        "MaxPool": pool(tf.nn.max_pool2d), "AvgPool": pool(tf.nn.avg_pool2d),
        "FusedBatchNorm": fused_bn, "FusedBatchNormV3": fused_bn,
        "Reshape": lambda x, a, name: tf.reshape(x[0], x[1], name=name),
        "Squeeze": lambda x, a, name: tf.squeeze(x[0], a.get("squeeze_dims") or None,
                                                 name=name),
        "ExpandDims": lambda x, a, name: tf.expand_dims(x[0], x[1], name=name),
        "Transpose": lambda x, a, name: tf.transpose(x[0], x[1], name=name),
        "ConcatV2": concat,
        "Pack": lambda x, a, name: tf.stack(x, axis=a.get("axis", 0), name=name),
        "Shape": lambda x, a, name: tf.shape(x[0], out_type=a.get("out_type", dtypes.int32),
                                             name=name),
        "Cast": lambda x, a, name: tf.cast(x[0], a["DstT"], name=name),
        "Pad": lambda x, a, name: tf.pad(x[0], x[1], name=name),
        "PadV2": lambda x, a, name: tf.pad(x[0], x[1], constant_values=x[2], name=name),
        "StridedSlice": strided_slice,
        "Mean": reduce(tf.reduce_mean), "Sum": reduce(tf.reduce_sum),
        "Max": reduce(tf.reduce_max), "Min": reduce(tf.reduce_min),
        "Prod": reduce(tf.reduce_prod),
        "ArgMax": lambda x, a, name: tf.argmax(x[0], x[1], output_type=a.get(
            "output_type", dtypes.int64), name=name),
        "GatherV2": lambda x, a, name: tf.gather(x[0], x[1], axis=x[2], name=name),
        "ResizeBilinear": lambda x, a, name: tf.compat.v1.image.resize_bilinear(
            x[0], x[1], a.get("align_corners", False), a.get("half_pixel_centers", False),
            name=name),
        "ResizeNearestNeighbor": lambda x, a, name: tf.compat.v1.image.resize_nearest_neighbor(
            x[0], x[1], a.get("align_corners", False), a.get("half_pixel_centers", False),
            name=name),
        "Tile": lambda x, a, name: tf.tile(x[0], x[1], name=name),
        "Fill": lambda x, a, name: tf.fill(x[0], x[1], name=name),
        "Range": lambda x, a, name: tf.range(x[0], x[1], x[2], name=name),
        "Select": lambda x, a, name: tf.where(x[0], x[1], x[2], name=name),
        "SelectV2": lambda x, a, name: tf.where(x[0], x[1], x[2], name=name),
        "Erf": unary(tf.math.erf), "Sin": unary(tf.sin), "Cos": unary(tf.cos),
        "Softsign": unary(tf.nn.softsign), "IsNan": unary(tf.math.is_nan),
        "ZerosLike": unary(tf.zeros_like), "OnesLike": unary(tf.ones_like),
        "AddN": lambda x, a, name: tf.add_n(x, name=name),
        "ClipByValue": lambda x, a, name: tf.clip_by_value(x[0], x[1], x[2], name=name),
        "All": reduce(tf.reduce_all), "Any": reduce(tf.reduce_any),
        "ArgMin": lambda x, a, name: tf.argmin(x[0], x[1], output_type=a.get(
            "output_type", dtypes.int64), name=name),
        "Cumsum": lambda x, a, name: tf.cumsum(x[0], x[1], a.get("exclusive", False),
                                               a.get("reverse", False), name=name),
        "Split": lambda x, a, name: tf.split(x[1], a["num_split"], axis=x[0], name=name),
        "SplitV": lambda x, a, name: tf.split(x[0], x[1], axis=x[2], name=name),
        "Unpack": lambda x, a, name: tf.unstack(x[0], a.get("num"), a.get("axis", 0),
                                                name=name),
        "Slice": lambda x, a, name: tf.slice(x[0], x[1], x[2], name=name),
        "ReverseV2": lambda x, a, name: tf.reverse(x[0], x[1], name=name),
        "OneHot": lambda x, a, name: tf.one_hot(x[0], x[1], x[2], x[3],
                                                axis=a.get("axis", -1), name=name),
        "TopKV2": lambda x, a, name: list(tf.math.top_k(x[0], x[1], a.get("sorted", True),
                                                        name=name)),
        "Size": lambda x, a, name: tf.size(x[0], name=name,
                                           out_type=a.get("out_type", dtypes.int32)),
        "Rank": unary(tf.rank),
        "Einsum": lambda x, a, name: tf.einsum(a["equation"], *x, name=name),
        "BatchMatMul": lambda x, a, name: tf.matmul(x[0], x[1], a.get("adj_x", False),
                                                    a.get("adj_y", False), name=name),
        "MirrorPad": lambda x, a, name: tf.pad(x[0], x[1], mode=a["mode"], name=name),
        "ResizeArea": lambda x, a, name: tf.compat.v1.image.resize_area(
            x[0], x[1], a.get("align_corners", False), name=name),
        "Conv2DBackpropInput": lambda x, a, name: tf.nn.conv2d_transpose(
            x[2], x[1], x[0], a.get("strides", [1, 1, 1, 1]), _padding(a),
            dilations=a.get("dilations"), name=name),
    }


def _order(nodes):
    """The nodes in an order where every input comes first (GraphDefs need not
    be sorted)."""
    by_name = {n.name: n for n in nodes}
    done, out = set(), []
    for root in nodes:
        stack = [(root, False)]
        while stack:
            node, expanded = stack.pop()
            if node.name in done:
                continue
            if expanded:
                done.add(node.name)
                out.append(node)
                continue
            stack.append((node, True))
            for inp in node.input:
                src = inp.lstrip("^").split(":")[0]
                if src in by_name and src not in done:
                    stack.append((by_name[src], False))
    return out


def import_graph_def(graph_def, input_map=None, return_elements=None, name=None,
                     op_dict=None, producer_op_list=None):
    """Imports the graph from `graph_def` into the current default graph.

    Node names are prefixed with `name` ("import" when None, nothing when
    ""). `input_map` maps tensor names of the GraphDef ("input:0") to
    tensors that replace them; `return_elements` lists tensor or op names to
    return. Supports the op types of inference graphs (see `_builders`);
    others raise NotImplementedError.
    """
    import fastgraph as tf

    prefix = "import" if name is None else name
    input_map = {(k if ":" in k else k + ":0"): v for k, v in (input_map or {}).items()}
    builders = _builders()
    produced = {}  # GraphDef tensor name -> fastgraph Tensor
    ops = {}  # GraphDef node name -> fastgraph Operation

    def tensor_of(ref):
        src, _, index = ref.partition(":")
        key = f"{src}:{index or 0}"
        if key in input_map:
            return input_map[key]
        return produced[key]

    scope = tf.name_scope(prefix) if prefix else None
    if scope is not None:
        scope.__enter__()
    try:
        for node in _order(graph_def.node):
            a = node.attr
            inputs = [tensor_of(i) for i in node.input if not i.startswith("^")]
            if node.op == "Placeholder":
                out = tf.placeholder(a["dtype"], a.get("shape"), name=node.name)
            elif node.op == "PlaceholderWithDefault":
                out = tf.placeholder_with_default(inputs[0], a.get("shape"), name=node.name)
            elif node.op == "Const":
                out = tf.constant(a["value"], dtype=a.get("dtype"), name=node.name)
            elif node.op in ("NoOp",):
                out = tf.no_op(name=node.name)
            elif node.op in builders:
                out = builders[node.op](inputs, a, node.name)
            else:
                raise NotImplementedError(f"import_graph_def: node {node.name} has op type "
                                          f"{node.op}, which fastgraph does not import")
            outs = out if isinstance(out, list) else [out]
            for i, t in enumerate(outs):
                if isinstance(t, Tensor):
                    produced[f"{node.name}:{i}"] = t
            ops[node.name] = outs[0].op if isinstance(outs[0], Tensor) else outs[0]
    finally:
        if scope is not None:
            scope.__exit__(None, None, None)
    if return_elements is None:
        return None
    return [tensor_of(el) if ":" in el else ops[el] for el in return_elements]
