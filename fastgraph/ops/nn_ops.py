"""Neural-network ops: activations and TF's gradient ops of them (ReluGrad,
EluGrad, ...), softmax and log-softmax, cross-entropies (the loss and TF's
backprop output), bias_add and BiasAddGrad, l2_loss, and the gradients of
all of them; dropout is built from other ops. Batch norm's fused ops are in
batch_norm_ops."""

import numbers

import numpy as np

from ..framework import dtypes
from ..framework.dtype_sets import FLOATS, NUMERIC
from ..framework.graph import Tensor
from ..framework.graphdef_mapping import Attr, Implied, NodeMapping, TypeAttr
from ..framework.op_registry import Accepts, OpDef, RegisterGradient, register
from ..framework.static_values import static_value
from ..framework.tensor_shape import as_shape
from . import samples
from .arguments import graph_of, make_op, to_tensor
from .array_ops import expand_dims, shape as shape_of, transpose
from .broadcast import lower_broadcast
from .elementwise import (abs as abs_, add, cast, exp, greater_equal, less, multiply, negative,
                          realdiv, sign, square, subtract)
from .indexing_ops import where, zeros_like
from .random_ops import random_uniform
from .reduction_ops import reduce_sum

__all__ = []

NN = ["relu", "relu6", "leaky_relu", "elu", "selu", "softplus", "softsign", "softmax",
      "log_softmax", "bias_add", "sparse_softmax_cross_entropy_with_logits",
      "softmax_cross_entropy_with_logits", "l2_loss", "dropout"]
# TF-Keras activation names (`activation="relu"` in fastgraph.layers).
ACTIVATIONS = ["relu", "relu6", "elu", "selu", "softplus", "softsign", "softmax"]

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def _softplus(x):
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))


_ACTIVATIONS = {
    # op type: (kernel, allowed dtypes, NumPy reference)
    "Relu": ("relu", NUMERIC, lambda x, a: np.where(x < 0, 0, x)),
    "Relu6": ("relu6", NUMERIC, lambda x, a: np.where(x < 0, 0, np.where(x > 6, 6, x))),
    "LeakyRelu": ("leaky_relu", FLOATS, lambda x, a: np.where(x > 0, x, x * a)),
    "Elu": ("elu", FLOATS, lambda x, a: np.where(x > 0, x, np.expm1(x))),
    "Selu": ("selu", FLOATS,
             lambda x, a: SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * np.expm1(x))),
    "Softplus": ("softplus", FLOATS, lambda x, a: _softplus(x)),
    "Softsign": ("softsign", FLOATS, lambda x, a: x / (1 + np.abs(x))),
}


def _activation_node(op_type):
    attrs = [TypeAttr("T", input=0)]
    if op_type == "LeakyRelu":  # a 32-bit float in TF, also for float64 features
        attrs.append(Attr("alpha", decode=lambda v: float(np.float32(v)),
                          default=float(np.float32(0.2))))
    return NodeMapping(("features",), attrs)


def _register_activation(op_type, kernel, allowed, ref):
    def reference(inputs, attrs):
        with np.errstate(all="ignore"):
            out = ref(inputs[0], attrs.get("alpha", 0.0))
        return [np.asarray(out, dtype=inputs[0].dtype)]

    register(OpDef(op_type, shape=lambda ctx: [ctx.shapes[0]],
                   dtype=lambda ctx: [ctx.dtypes[0]], kernel=kernel,
                   lower=lambda ctx: (None, [ctx.attrs.get("alpha", 0.0)]),
                   reference=reference, parallel=True, inplace=True,
                   dtypes=[Accepts("features", allowed)],
                   samples=samples.leaky_relu if op_type == "LeakyRelu" else samples.activation,
                   fused=kernel if kernel in _FUSED else None,
                   graphdef=_activation_node(op_type)))


# The activations the fused elementwise kernel computes (compiler/fuse.py).
_FUSED = ("relu", "relu6")
for _t, (_k, _allowed, _ref) in _ACTIVATIONS.items():
    _register_activation(_t, _k, _allowed, _ref)


def _activation(op_type, features, name, attrs=None):
    graph = graph_of([features])
    x = to_tensor(graph, features)
    return make_op(graph, op_type, [x], attrs, name=name or op_type).outputs[0]


def relu(features, name=None):
    """Computes rectified linear: `max(features, 0)`."""
    return _activation("Relu", features, name)


def relu6(features, name=None):
    """Computes Rectified Linear 6: `min(max(features, 0), 6)`."""
    return _activation("Relu6", features, name)


def leaky_relu(features, alpha=0.2, name=None):
    """Compute the Leaky ReLU activation function: `features` where positive,
    `alpha * features` elsewhere. Integer features are cast to float32 first."""
    graph = graph_of([features])
    x = to_tensor(graph, features)
    if x.dtype.is_integer:
        with graph.as_default():
            x = cast(x, dtypes.float32)
    # TF's `alpha` attr is a 32-bit float, also for float64 features.
    return _activation("LeakyRelu", x, name, {"alpha": float(np.float32(alpha))})


def elu(features, name=None):
    """Computes the exponential linear function: `features` where positive,
    `exp(features) - 1` elsewhere."""
    return _activation("Elu", features, name)


def selu(features, name=None):
    """Computes scaled exponential linear: `scale * alpha * (exp(features) - 1)`
    if < 0, `scale * features` otherwise."""
    return _activation("Selu", features, name)


def softplus(features, name=None):
    """Computes elementwise softplus: `log(exp(features) + 1)`."""
    return _activation("Softplus", features, name)


def softsign(features, name=None):
    """Computes softsign: `features / (abs(features) + 1)`."""
    return _activation("Softsign", features, name)


# ---- activation gradients ----------------------------------------------------------
#
# TF's dedicated kernels (ReluGrad, EluGrad, ...): (gradients, features) or,
# for Elu and Selu, (gradients, outputs) -> backprops, element by element.

_ACTIVATION_GRADS = {
    # op type: (kernel, allowed dtypes, TF's name of input 1, NumPy reference of (g, x, alpha))
    "ReluGrad": ("relu_grad", NUMERIC, "features", lambda g, x, a: g * (x > 0)),
    "Relu6Grad": ("relu6_grad", NUMERIC, "features",
                  lambda g, x, a: g * ((x > 0) & (x < 6))),
    "LeakyReluGrad": ("leaky_relu_grad", FLOATS, "features",
                      lambda g, x, a: np.where(x > 0, g, g * a)),
    "EluGrad": ("elu_grad", FLOATS, "outputs", lambda g, y, a: np.where(y < 0, g * (y + 1), g)),
    "SeluGrad": ("selu_grad", FLOATS, "outputs",
                 lambda g, y, a: np.where(y < 0, g * (y + y.dtype.type(SELU_SCALE * SELU_ALPHA)),
                                          g * y.dtype.type(SELU_SCALE))),
    "SoftplusGrad": ("softplus_grad", FLOATS, "features", lambda g, x, a: g / (np.exp(-x) + 1)),
    "SoftsignGrad": ("softsign_grad", FLOATS, "features",
                     lambda g, x, a: g / np.square(np.abs(x) + 1)),
}


def _same_shape(ctx):
    """TF's MergeBothInputsShapeFn: both inputs have one shape."""
    a, b = ctx.shapes
    if a is None or b is None:
        return [a if b is None else b]
    if len(a) != len(b):
        raise ValueError(f"Shapes must be equal rank, but are {len(a)} and {len(b)}")
    for i, (x, y) in enumerate(zip(a, b)):
        if x is not None and y is not None and x != y:
            raise ValueError(f"Dimension {i} in both shapes must be equal, but are {x} and {y}. "
                             f"Shapes are {list(a)} and {list(b)}.")
    return [tuple(x if x is not None else y for x, y in zip(a, b))]


def _register_activation_grad(op_type, kernel, allowed, second, ref):
    def reference(inputs, attrs):
        g, x = inputs
        with np.errstate(all="ignore"):
            out = ref(g, x, x.dtype.type(attrs.get("alpha", 0.0)))
        return [np.asarray(out).astype(g.dtype)]

    attrs = [TypeAttr("T", input=0)]
    if op_type == "LeakyReluGrad":
        attrs.append(Attr("alpha", decode=lambda v: float(np.float32(v)),
                          default=float(np.float32(0.2))))
    register(OpDef(op_type, shape=_same_shape, dtype=lambda ctx: [ctx.dtypes[0]],
                   kernel=kernel, lower=lambda ctx: (None, [ctx.attrs.get("alpha", 0.0)]),
                   reference=reference, parallel=True, inplace=True,
                   dtypes=[Accepts("gradients", allowed)],
                   samples=samples.leaky_relu_grad if op_type == "LeakyReluGrad"
                   else samples.activation_grad,
                   fused=kernel if kernel in _FUSED_GRADS else None,
                   graphdef=NodeMapping(("gradients", second), attrs)))


# The gradients the fused elementwise kernel computes (binary opcodes).
_FUSED_GRADS = ("relu_grad", "relu6_grad")
for _t, (_k, _allowed, _second, _ref) in _ACTIVATION_GRADS.items():
    _register_activation_grad(_t, _k, _allowed, _second, _ref)


def _activation_grad(op_type, gradients, x, name, attrs=None):
    graph = graph_of([gradients, x])
    g = to_tensor(graph, gradients)
    x = to_tensor(graph, x, dtype=g.dtype)
    return make_op(graph, op_type, [g, x], attrs, name=name or op_type).outputs[0]


def relu_grad(gradients, features, name=None):
    """Computes rectified linear gradients for a Relu operation:
    `gradients * (features > 0)`."""
    return _activation_grad("ReluGrad", gradients, features, name)


def relu6_grad(gradients, features, name=None):
    """Computes rectified linear 6 gradients for a Relu6 operation:
    `gradients * (features > 0) * (features < 6)`."""
    return _activation_grad("Relu6Grad", gradients, features, name)


def leaky_relu_grad(gradients, features, alpha=0.2, name=None):
    """Computes rectified linear gradients for a LeakyRelu operation:
    `gradients` where `features > 0`, `alpha * gradients` elsewhere."""
    return _activation_grad("LeakyReluGrad", gradients, features, name,
                            {"alpha": float(np.float32(alpha))})


def elu_grad(gradients, outputs, name=None):
    """Computes gradients for the exponential linear (Elu) operation from its
    outputs: `gradients * (outputs + 1)` where `outputs < 0`, else `gradients`."""
    return _activation_grad("EluGrad", gradients, outputs, name)


def selu_grad(gradients, outputs, name=None):
    """Computes gradients for the scaled exponential linear (Selu) operation
    from its outputs: `gradients * (outputs + scale * alpha)` where
    `outputs < 0`, else `gradients * scale`."""
    return _activation_grad("SeluGrad", gradients, outputs, name)


def softplus_grad(gradients, features, name=None):
    """Computes softplus gradients for a softplus operation:
    `gradients / (1 + exp(-features))`."""
    return _activation_grad("SoftplusGrad", gradients, features, name)


def softsign_grad(gradients, features, name=None):
    """Computes softsign gradients for a softsign operation:
    `gradients / (1 + abs(features)) ** 2`."""
    return _activation_grad("SoftsignGrad", gradients, features, name)


@RegisterGradient("Relu")
def _relu_grad(op, grad):
    return [relu_grad(grad, op.outputs[0])]


@RegisterGradient("Relu6")
def _relu6_grad(op, grad):
    return [relu6_grad(grad, op.outputs[0])]


@RegisterGradient("LeakyRelu")
def _leaky_relu_grad(op, grad):
    return [leaky_relu_grad(grad, op.inputs[0], alpha=op.get_attr("alpha"))]


@RegisterGradient("Elu")
def _elu_grad(op, grad):
    return [elu_grad(grad, op.outputs[0])]


@RegisterGradient("Selu")
def _selu_grad(op, grad):
    return [selu_grad(grad, op.outputs[0])]


@RegisterGradient("Softplus")
def _softplus_grad(op, grad):
    return [softplus_grad(grad, op.inputs[0])]


@RegisterGradient("Softsign")
def _softsign_grad(op, grad):
    return [softsign_grad(grad, op.inputs[0])]


# Second order, as TF: the masks do not depend on x almost everywhere.
@RegisterGradient("ReluGrad")
def _relu_grad_grad(op, grad):
    x = op.inputs[1]
    return [relu_grad(grad, x), zeros_like(x)]


@RegisterGradient("Relu6Grad")
def _relu6_grad_grad(op, grad):
    x = op.inputs[1]
    return [relu6_grad(grad, x), zeros_like(x)]


@RegisterGradient("LeakyReluGrad")
def _leaky_relu_grad_grad(op, grad):
    x = op.inputs[1]
    return [leaky_relu_grad(grad, x, alpha=op.get_attr("alpha")), zeros_like(x)]


@RegisterGradient("EluGrad")
def _elu_grad_grad(op, grad):
    y = op.inputs[1]
    return [elu_grad(grad, y), where(less(y, 0.0), multiply(grad, op.inputs[0]),
                                     zeros_like(y))]


@RegisterGradient("SeluGrad")
def _selu_grad_grad(op, grad):
    y = op.inputs[1]
    return [selu_grad(grad, y), where(less(y, 0.0), multiply(grad, op.inputs[0]),
                                      zeros_like(y))]


@RegisterGradient("SoftplusGrad")
def _softplus_grad_grad(op, grad):
    # dx = dy / (1 + e^-x): d dx / d x = dy / (e^-x + 2 + e^x).
    dy, x = op.inputs
    d2x = realdiv(multiply(grad, dy), add(add(exp(negative(x)), 2.0), exp(x)))
    return [softplus_grad(grad, x), d2x]


@RegisterGradient("SoftsignGrad")
def _softsign_grad_grad(op, grad):
    # dx = dy / (1 + |x|)^2: d dx / d x = -2 dy sign(x) / (1 + |x|)^3.
    dy, x = op.inputs
    denom = add(abs_(x), 1.0)
    d2x = realdiv(multiply(multiply(grad, dy), multiply(-2.0, sign(x))),
                  multiply(square(denom), denom))
    return [softsign_grad(grad, x), d2x]


# ---- softmax family -------------------------------------------------------------

def _norm_axis(axis, rank, what="logits"):
    if rank is None:
        return axis
    if rank == 0:
        raise ValueError(f"`{what}` must have at least one dimension")
    if not -rank <= axis < rank:
        raise ValueError(f"Dimension ({axis}) must be in the range [{-rank}, {rank}), where "
                         f"{rank} is the number of dimensions in the input.")
    return axis % rank


def _rows(shape, axis):
    """[outer, classes, inner] of `shape` around `axis`."""
    outer = int(np.prod(shape[:axis], dtype=np.int64))
    inner = int(np.prod(shape[axis + 1:], dtype=np.int64))
    return [outer, shape[axis], inner]


def _np_log_softmax(x, axis):
    m = np.max(x, axis=axis, keepdims=True)
    with np.errstate(all="ignore"):
        return x - m - np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True))


def _register_softmax(op_type, kernel, log):
    def shape(ctx):
        _norm_axis(ctx.attrs["axis"], None if ctx.shapes[0] is None else len(ctx.shapes[0]))
        return [ctx.shapes[0]]

    def lower(ctx):
        shp = ctx.shapes[0]
        return _rows(shp, _norm_axis(ctx.attrs["axis"], len(shp))), None

    def reference(inputs, attrs):
        x = inputs[0]
        out = _np_log_softmax(x, attrs["axis"])
        return [(out if log else np.exp(out)).astype(x.dtype)]

    register(OpDef(op_type, shape=shape, dtype=lambda ctx: [ctx.dtypes[0]], kernel=kernel,
                   lower=lower, reference=reference, parallel=True,
                   dtypes=[Accepts("logits", FLOATS)],
                   samples=samples.softmax,
                   graphdef=NodeMapping(("logits",), [TypeAttr("T", input=0),
                                                      Implied("axis", -1)])))


_register_softmax("Softmax", "softmax", False)
_register_softmax("LogSoftmax", "log_softmax", True)


def _softmax_op(op_type, logits, axis, name):
    graph = graph_of([logits])
    x = to_tensor(graph, logits)
    axis = -1 if axis is None else int(axis)
    _norm_axis(axis, x.shape.rank)
    return make_op(graph, op_type, [x], {"axis": axis}, name=name or op_type).outputs[0]


def softmax(logits, axis=None, name=None):
    """Computes softmax activations: `exp(logits) / reduce_sum(exp(logits), axis)`
    along `axis` (default -1)."""
    return _softmax_op("Softmax", logits, axis, name)


def log_softmax(logits, axis=None, name=None):
    """Computes log softmax activations: `logits - log(reduce_sum(exp(logits), axis))`."""
    return _softmax_op("LogSoftmax", logits, axis, name)


@RegisterGradient("Softmax")
def _softmax_grad(op, grad_softmax):
    """TF's: (grad - sum(grad * softmax)) * softmax, the sum along the axis."""
    softmax_ = op.outputs[0]
    axis = op.get_attr("axis")
    sum_channels = reduce_sum(multiply(grad_softmax, softmax_), axis, keepdims=True)
    return [multiply(subtract(grad_softmax, sum_channels), softmax_)]


@RegisterGradient("LogSoftmax")
def _log_softmax_grad(op, grad):
    """TF's: grad - sum(grad) * softmax, the sum along the axis."""
    softmax_ = exp(op.outputs[0])
    axis = op.get_attr("axis")
    return [subtract(grad, multiply(reduce_sum(grad, axis, keepdims=True), softmax_))]


def _sparse_xent_shape(ctx):
    logits, labels = ctx.shapes
    if logits is not None and len(logits) == 0:
        raise ValueError("Logits cannot be scalars - received shape ().")
    if logits is not None and labels is not None:
        if len(labels) != len(logits) - 1 or any(
                a is not None and b is not None and a != b for a, b in zip(labels, logits)):
            raise ValueError(
                f"Shape mismatch: The shape of labels (received {tuple(labels)}) should equal "
                f"the shape of logits except for the last dimension (received "
                f"{tuple(logits)}).")
    loss = labels if labels is not None else (None if logits is None else logits[:-1])
    return [loss, logits if logits is not None or labels is None else tuple(labels) + (None,)]


def _sparse_xent_reference(inputs, attrs):
    logits, labels = inputs
    if labels.size and (labels.min() < 0 or labels.max() >= logits.shape[-1]):
        raise ValueError("label out of range")  # not folded: the kernel reports it
    ls = _np_log_softmax(logits, -1)
    one_hot = np.arange(logits.shape[-1]) == labels[..., None]
    return [-np.take_along_axis(ls, labels[..., None].astype(np.int64), -1)[..., 0],
            (np.exp(ls) - one_hot).astype(logits.dtype)]


register(OpDef(
    "SparseSoftmaxCrossEntropyWithLogits", shape=_sparse_xent_shape,
    dtype=lambda ctx: [ctx.dtypes[0]] * 2, kernel="sparse_xent",
    lower=lambda ctx: ([int(np.prod(ctx.shapes[1], dtype=np.int64)), ctx.shapes[0][-1], 1],
                       None),
    reference=_sparse_xent_reference, parallel=True,
    dtypes=[Accepts("features", FLOATS),
            Accepts("labels", (dtypes.int32, dtypes.int64), input=1)],
    samples=samples.sparse_xent,
    graphdef=NodeMapping(("features", "labels"), [TypeAttr("T", input=0),
                                                  TypeAttr("Tlabels", input=1)],
                         unwritable=lambda op: _xent_rank(op, 2))))


def _xent_rank(op, rank):
    """Why a cross-entropy op has no TF NodeDef: TF's kernels take logits of
    rank 2 only (tf.nn reshapes around them)."""
    if op.inputs[0].shape.rank != rank:
        return f"TF's {op.type} takes logits of rank {rank}, not {op.inputs[0].shape}"
    return None


def sparse_softmax_cross_entropy_with_logits(labels=None, logits=None, name=None):
    """Computes sparse softmax cross entropy between `logits` and `labels`.

    `labels` holds class indices (int32 or int64) of shape `logits.shape[:-1]`;
    the result is the per-example loss. A label outside [0, classes) raises
    InvalidArgumentError when run.
    """
    graph = graph_of([labels, logits])
    logits = to_tensor(graph, logits)
    labels = to_tensor(graph, labels)
    return make_op(graph, "SparseSoftmaxCrossEntropyWithLogits", [logits, labels],
                   name=name or "SparseSoftmaxCrossEntropyWithLogits").outputs[0]


def _xent_shape(ctx):
    logits, labels = ctx.shapes
    if logits is not None and labels is not None and (len(logits) != len(labels) or any(
            a is not None and b is not None and a != b for a, b in zip(logits, labels))):
        raise ValueError(f"logits and labels must be broadcastable: logits_size="
                         f"{list(logits)} labels_size={list(labels)}")
    if logits is not None and len(logits) == 0:
        raise ValueError("Logits cannot be scalars - received shape ().")
    shape = logits if logits is not None else labels
    return [None if shape is None else shape[:-1], shape]


def _xent_reference(inputs, attrs):
    logits, labels = inputs
    ls = _np_log_softmax(logits, -1)
    return [-np.sum(labels * ls, axis=-1).astype(logits.dtype),
            (np.exp(ls) - labels).astype(logits.dtype)]


register(OpDef(
    "SoftmaxCrossEntropyWithLogits", shape=_xent_shape, dtype=lambda ctx: [ctx.dtypes[0]] * 2,
    kernel="xent",
    lower=lambda ctx: ([int(np.prod(ctx.shapes[0][:-1], dtype=np.int64)), ctx.shapes[0][-1], 1],
                       None),
    reference=_xent_reference,
    parallel=True,
    dtypes=[Accepts("features", FLOATS)],
    samples=samples.xent,
    graphdef=NodeMapping(("features", "labels"), [TypeAttr("T", input=0)],
                         unwritable=lambda op: _xent_rank(op, 2))))


def softmax_cross_entropy_with_logits(labels=None, logits=None, axis=-1, name=None):
    """Computes softmax cross entropy between `logits` and `labels` (each
    vector of `labels` along the class dimension `axis` a probability
    distribution); returns the loss, of `labels`' shape without the class
    dimension.

    As in TF, a class dimension other than the last is moved last with a
    transpose first; `axis` may count from the end, and needs logits of known
    rank unless it is -1.
    """
    graph = graph_of([labels, logits])
    logits = to_tensor(graph, logits)
    labels = to_tensor(graph, labels, dtype=logits.dtype)
    axis = -1 if axis is None else int(axis)
    rank = logits.shape.rank
    if axis != -1:
        if rank is None:
            raise ValueError("softmax_cross_entropy_with_logits needs logits of known rank "
                             f"for axis={axis}")
        axis = _norm_axis(axis, rank)
        if axis != rank - 1:
            perm = list(range(axis)) + list(range(axis + 1, rank)) + [axis]
            with graph.as_default():
                logits = transpose(logits, perm)
                labels = transpose(labels, perm)
    return make_op(graph, "SoftmaxCrossEntropyWithLogits", [logits, labels],
                   name=name or "SoftmaxCrossEntropyWithLogits").outputs[0]


register(OpDef("L2Loss", shape=lambda ctx: [()], dtype=lambda ctx: [ctx.dtypes[0]],
               kernel="l2_loss",
               reference=lambda inputs, attrs: [np.asarray(
                   np.sum(inputs[0].astype(np.float64) ** 2) / 2, dtype=inputs[0].dtype)],
               dtypes=[Accepts("t", FLOATS)],
               samples=samples.unary,
               graphdef=NodeMapping(("t",), [TypeAttr("T", input=0)])))


def l2_loss(t, name=None):
    """Computes half the L2 norm of a tensor without the sqrt: `sum(t ** 2) / 2`."""
    graph = graph_of([t])
    x = to_tensor(graph, t)
    return make_op(graph, "L2Loss", [x], name=name or "L2Loss").outputs[0]


def _broadcast_mul(vec, mat):
    """vec[..., None] * mat: a per-row factor times each row (TF's _BroadcastMul)."""
    return multiply(expand_dims(vec, -1), mat)


def _softmax_second_order(logits, grad_grad):
    """What a gradient flowing into the backprop output (softmax - labels)
    gives the logits: that of softmax, (gg - sum(gg * softmax)) * softmax."""
    softmax_ = softmax(logits)
    return multiply(subtract(grad_grad, reduce_sum(multiply(grad_grad, softmax_), -1,
                                                   keepdims=True)), softmax_)


def _is_zeros(t):
    """Whether gradient `t` is known to be zero (tf.gradients gives ZerosLike
    for an output nothing depends on), so its terms can be left out."""
    if t is None or t.op.type == "ZerosLike":
        return True
    value = static_value(t)
    return value is not None and not np.any(value)


@RegisterGradient("SoftmaxCrossEntropyWithLogits")
def _softmax_cross_entropy_with_logits_grad(op, grad_loss, grad_grad):
    """TF's: the loss's gradient is grad_loss times the backprop output for
    the logits and times -log_softmax for the labels; a gradient of the
    backprop output adds the second-order softmax term to the logits' and,
    since the backprop is softmax - labels, its negation to the labels'."""
    logits = op.inputs[0]
    grad = _broadcast_mul(grad_loss, op.outputs[1])
    labels_grad = _broadcast_mul(grad_loss, negative(log_softmax(logits)))
    if not _is_zeros(grad_grad):
        grad = add(grad, _softmax_second_order(logits, grad_grad))
        labels_grad = subtract(labels_grad, grad_grad)
    return [grad, labels_grad]


@RegisterGradient("SparseSoftmaxCrossEntropyWithLogits")
def _sparse_softmax_cross_entropy_with_logits_grad(op, grad_loss, grad_grad):
    """TF's: grad_loss times the backprop output, plus the second-order
    softmax term of a gradient of the backprop; none for the labels."""
    logits = op.inputs[0]
    grad = _broadcast_mul(grad_loss, op.outputs[1])
    if not _is_zeros(grad_grad):
        grad = add(grad, _softmax_second_order(logits, grad_grad))
    return [grad, None]


@RegisterGradient("L2Loss")
def _l2_loss_grad(op, grad):
    return [multiply(op.inputs[0], grad)]


# ---- bias_add -----------------------------------------------------------------

def _bias_add_shape(ctx):
    value, bias = ctx.shapes
    nhwc = ctx.attrs["data_format"] == "NHWC"
    axis = -1 if nhwc else 1
    if value is not None:
        if len(value) < (2 if nhwc else 3):
            raise ValueError(f"Shape must be at least rank {2 if nhwc else 3} but is rank "
                             f"{len(value)}")
        if bias is not None and len(bias) != 1:
            raise ValueError(f"Shape must be rank 1 but is rank {len(bias)}")
        c = value[axis]
        if bias is not None and c is not None and bias[0] is not None and bias[0] != c:
            raise ValueError(f"Dimensions must be equal, but are {c} and {bias[0]} for "
                             "'BiasAdd'")
    return [value]


def _bias_add_lower(ctx):
    value, bias = ctx.shapes
    if ctx.attrs["data_format"] == "NHWC":
        b_shape = bias
    else:
        b_shape = (bias[0],) + (1,) * (len(value) - 2)
    return lower_broadcast(ctx.out_shapes[0], [value, b_shape]), None


def _bias_add_reference(inputs, attrs):
    value, bias = inputs
    if attrs["data_format"] != "NHWC":
        bias = bias.reshape((-1,) + (1,) * (value.ndim - 2))
    return [(value + bias).astype(value.dtype)]


register(OpDef("BiasAdd", shape=_bias_add_shape, dtype=lambda ctx: [ctx.dtypes[0]],
               kernel="add", lower=_bias_add_lower, reference=_bias_add_reference,
               parallel=True,
               dtypes=[Accepts("value", NUMERIC)],
               samples=samples.bias_add,
               graphdef=NodeMapping(("value", "bias"), [TypeAttr("T", input=0),
                                                        Attr("data_format", default="NHWC")])))


def bias_add(value, bias, data_format=None, name=None):
    """Adds `bias` (1-D) to `value` along its channel dimension: the last one
    for formats of the form `N...C` (the default, "NHWC"), dimension 1 for
    `NC...` ("NCHW", which needs rank 3 or more)."""
    graph = graph_of([value, bias])
    value = to_tensor(graph, value)
    bias = to_tensor(graph, bias, dtype=value.dtype)
    fmt = data_format or "NHWC"
    if fmt.startswith("NC"):
        fmt = "NCHW"
    elif fmt.startswith("N") and fmt.endswith("C"):
        fmt = "NHWC"
    else:
        raise ValueError("data_format must be of the form `N...C` or `NC...`")
    return make_op(graph, "BiasAdd", [value, bias], {"data_format": fmt},
                   name=name or "BiasAdd").outputs[0]



def _channel_view(shape, channels_first):
    """[outer, channels, inner] of `shape` with channels at dimension 1 or last."""
    return _rows(shape, 1 if channels_first else len(shape) - 1)


def _bias_add_grad_shape(ctx):
    g = ctx.shapes[0]
    nchw = ctx.attrs["data_format"] == "NCHW"
    if g is None:
        return [(None,)]
    if len(g) < 2:
        raise ValueError(f"Shape must be at least rank 2 but is rank {len(g)}")
    return [(g[1] if nchw else g[-1],)]


def _bias_add_grad_reference(inputs, attrs):
    g = inputs[0]
    axis = 1 if attrs["data_format"] == "NCHW" else g.ndim - 1
    axes = tuple(i for i in range(g.ndim) if i != axis)
    return [np.sum(g.astype(np.float64), axis=axes).astype(g.dtype)]


register(OpDef("BiasAddGrad", shape=_bias_add_grad_shape, dtype=lambda ctx: [ctx.dtypes[0]],
               kernel="bias_add_grad",
               lower=lambda ctx: (_channel_view(ctx.shapes[0],
                                                ctx.attrs["data_format"] == "NCHW"), None),
               reference=_bias_add_grad_reference, parallel=True,
               work=lambda ctx: int(np.prod(ctx.shapes[0], dtype=np.int64)),
               dtypes=[Accepts("out_backprop", FLOATS)],
               samples=samples.bias_add_grad,
               graphdef=NodeMapping(("out_backprop",), [TypeAttr("T", input=0),
                                                        Attr("data_format", default="NHWC")])))


def bias_add_grad(out_backprop, data_format="NHWC", name=None):
    """The backward operation for "BiasAdd" on the "bias" tensor: `out_backprop`
    summed over every dimension but the channel one (the last for "NHWC",
    dimension 1 for "NCHW")."""
    graph = graph_of([out_backprop])
    g = to_tensor(graph, out_backprop)
    return make_op(graph, "BiasAddGrad", [g], {"data_format": data_format or "NHWC"},
                   name=name or "BiasAddGrad").outputs[0]


@RegisterGradient("BiasAdd")
def _bias_add_grad(op, received_grad):
    fmt = op.get_attr("data_format")
    return [received_grad, bias_add_grad(received_grad, data_format=fmt)]


@RegisterGradient("BiasAddGrad")
def _bias_add_grad_grad(op, received_grad):
    """The bias gradient copied along every other dimension of the op's input
    (TF tiles it; a bias add to zeros is the same)."""
    fmt = op.get_attr("data_format")
    return [bias_add(zeros_like(op.inputs[0]), received_grad, data_format=fmt)]



# ---- dropout ------------------------------------------------------------------
#
# As in TF, dropout is built from other ops: x scaled by 1 / (1 - rate), a
# RandomUniform of the noise shape (stateful: never folded, new numbers in
# every run; seeded as TF seeds it), and SelectV2(uniform >= rate, scaled, 0).


def _noise_shape(graph, x, noise_shape):
    """TF's _get_noise_shape: x's shape, or `noise_shape` with its unknown
    dims taken from x's known ones."""
    if noise_shape is None:
        return shape_of(x)
    if isinstance(noise_shape, Tensor):
        return noise_shape
    if hasattr(noise_shape, "as_list"):
        dims = noise_shape.as_list()
    else:
        dims = [None if d is None else int(d)
                for d in np.asarray(noise_shape, dtype=object).reshape(-1).tolist()]
    x_dims = None if x.shape.rank is None else x.shape.as_tuple()
    if x_dims is not None and len(x_dims) == len(dims):
        dims = [xd if d is None and xd is not None else d for d, xd in zip(dims, x_dims)]
    if any(d is None for d in dims):
        raise ValueError(f"Cannot convert a partially known TensorShape {as_shape(dims)} to "
                         "a Tensor.")
    return dims


def dropout(x, rate, noise_shape=None, seed=None, name=None):
    """Computes dropout: randomly sets elements to zero to prevent overfitting.

    With probability `rate` each element of `x` is set to 0, and the others
    are scaled up by `1 / (1 - rate)`, so that the expected sum is unchanged.
    `rate` is a Python float in [0, 1) or a scalar tensor of `x`'s dtype; a
    rate of 0 given as a number returns `x`, and fed as a tensor (as at
    inference) gives exactly `x`. `noise_shape` (a 1-D shape that broadcasts
    to `x`'s shape) chooses which elements are kept or dropped together: the
    uniform numbers that decide are drawn in that shape. `seed` is the op
    seed of the random numbers (see `tf.random.set_seed`); every run of the
    session draws a new mask.
    """
    graph = graph_of([x, rate])
    with graph.as_default(), graph.name_scope(name or "dropout"):
        is_number = isinstance(rate, numbers.Real) and not isinstance(rate, bool)
        if is_number and not 0 <= rate < 1:
            raise ValueError("`rate` must be a scalar tensor or a float in the range [0, 1). "
                             f"Received: rate={rate}")
        x = to_tensor(graph, x, name="x")
        if not x.dtype.is_floating:
            raise ValueError("`x.dtype` must be a floating point tensor as `x` will be scaled. "
                             f"Received: x_dtype={x.dtype!r}")
        if noise_shape is not None and x.shape.rank is not None and \
                not isinstance(noise_shape, Tensor):
            dims = [None if d is None else int(d) for d in
                    np.asarray(noise_shape, dtype=object).reshape(-1).tolist()]
            if len(dims) != x.shape.rank or any(
                    d is not None and s is not None and d not in (1, s)
                    for d, s in zip(dims, x.shape.as_tuple())):
                raise ValueError(f"noise_shape {dims} is not broadcastable to the shape of x "
                                 f"{x.shape.as_tuple()}")
        if is_number and rate == 0:
            return x
        if is_number:
            scale = to_tensor(graph, 1 / (1 - rate), dtype=x.dtype)
            ret = multiply(x, scale, name="Mul")
        elif isinstance(rate, Tensor):
            if rate.shape.rank not in (None, 0):
                raise ValueError(f"Shape must be rank 0 but is rank {rate.shape.rank}")
            if rate.dtype != x.dtype:
                raise ValueError("`x.dtype` must be compatible with `rate.dtype`. Received: "
                                 f"x.dtype={x.dtype!r} and rate.dtype={rate.dtype!r}")
            one = to_tensor(graph, 1, dtype=x.dtype)
            ret = realdiv(x, subtract(one, rate, name="sub"), name="RealDiv")
        else:
            raise ValueError(f"`rate` must be a scalar or scalar tensor. Received: rate={rate}")
        noise = random_uniform(_noise_shape(graph, x, noise_shape), seed=seed, dtype=x.dtype)
        keep_mask = greater_equal(noise, rate)
        zero = to_tensor(graph, 0, dtype=x.dtype)
        ret = where(keep_mask, ret, zero, name="SelectV2")
        ret.set_shape(x.shape)
        return ret


def dropout_v1(x, keep_prob=None, noise_shape=None, seed=None, name=None, rate=None):
    """Computes dropout (TF1's `tf.compat.v1.nn.dropout`): `keep_prob`, the
    deprecated alias of `1 - rate`, or `rate` itself."""
    if keep_prob is not None and rate is not None:
        raise ValueError("Cannot specify both 'rate' and 'keep_prob'.")
    if keep_prob is not None:
        graph = graph_of([x, keep_prob])
        if isinstance(keep_prob, numbers.Real):
            rate = 1.0 - keep_prob
        else:
            with graph.as_default():
                kp = to_tensor(graph, keep_prob)
                rate = subtract(1.0, kp)
    if rate is None:
        raise ValueError(f"`rate` must be provided. Received: rate={rate}")
    return dropout(x, rate, noise_shape=noise_shape, seed=seed, name=name)
