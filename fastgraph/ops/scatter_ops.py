"""Scatter updates: TF's Scatter{Update,Add,Sub,Mul,Div,Min,Max} and
ScatterNd{Update,Add,Sub} on variables (ref ops: the result is the
variable), TensorScatter{Update,Add,Sub,Min,Max} on tensors (a new tensor),
and batch_scatter_update built from ScatterNdUpdate. One kernel
(`scatter_apply`, csrc/kernels/scatter.c) serves them all: the target as
rows, the indices as tuples naming rows, a combining mode."""

import numpy as np

from ..framework import dtypes, errors
from ..framework.dtype_sets import NUMERIC
from ..framework.graphdef_mapping import Attr, Fixed, NodeMapping, TypeAttr
from ..framework.op_registry import Accepts, NotDifferentiable, OpDef, RegisterGradient, \
    register
from ..framework.tensor_shape import debug_string as _fmt
from . import samples
from .array_ops import concat, expand_dims, reshape, shape
from .arguments import graph_of, make_op, scope_of, to_tensor
from .elementwise import add, cast, equal, multiply, negative, realdiv
from .indexing_ops import gather_nd, range as range_, scatter_nd, zeros_like, ones_like
from .state_ops import _ref_variable

__all__ = ["scatter_update", "scatter_add", "scatter_sub", "scatter_mul", "scatter_div",
           "scatter_min", "scatter_max", "scatter_nd_update", "scatter_nd_add",
           "scatter_nd_sub", "tensor_scatter_nd_update", "tensor_scatter_nd_add",
           "tensor_scatter_nd_sub", "tensor_scatter_nd_min", "tensor_scatter_nd_max",
           "tensor_scatter_update", "tensor_scatter_add", "tensor_scatter_sub",
           "batch_scatter_update"]

_INDICES = (dtypes.int32, dtypes.int64)
# The kernel's modes (SCATTER_* in csrc/kernels/scatter.h).
_MODES = {"Update": 0, "Add": 1, "Sub": 2, "Mul": 3, "Div": 4, "Min": 5, "Max": 6}


def _combine(mode, dtype):
    def div(a, b):
        if np.issubdtype(dtype, np.integer):
            if (b == 0).any():
                raise errors.InvalidArgumentError(None, None, "Integer division by zero")
            return (np.trunc(a / b)).astype(dtype)
        return a / b
    return {"Update": lambda a, b: b, "Add": np.add, "Sub": np.subtract, "Mul": np.multiply,
            "Div": div, "Min": np.minimum, "Max": np.maximum}[mode]


def _apply(target, indices, updates, mode, first_dim):
    """The NumPy scatter: each update slice combined into its row in order."""
    out = np.array(target, copy=True)
    if first_dim:
        flat = indices.reshape(-1, 1).astype(np.int64)
    else:
        flat = indices.reshape(-1, indices.shape[-1]).astype(np.int64)
    depth = flat.shape[1]
    rows_shape = out.shape[depth:]
    scalar = updates.ndim == 0
    ups = updates if scalar else updates.reshape((flat.shape[0],) + rows_shape)
    for r in range(flat.shape[0]):
        idx = tuple(int(k) for k in flat[r])
        for j, k in enumerate(idx):
            if k < 0 or k >= out.shape[j]:
                if first_dim:
                    pos = ",".join(str(int(p)) for p in np.unravel_index(r, indices.shape))
                    raise errors.InvalidArgumentError(
                        None, None, f"indices[{pos}] = {k} is not in [0, {out.shape[0]})")
                raise errors.InvalidArgumentError(
                    None, None, f"indices[{r}] = [{', '.join(str(i) for i in idx)}] does not "
                                f"index into shape {_fmt(out.shape).replace(', ', ',')}")
        up = ups if scalar else ups[r]
        out[idx] = _combine(mode, out.dtype)(out[idx], up)
    return out


def _scatter_shape(first_dim, op_type):
    def shape_fn(ctx):
        ref, indices, updates = ctx.shapes
        if ref is None or indices is None or updates is None:
            return [ref]
        if first_dim:
            if updates == () and op_type.startswith("Scatter"):
                return [ref]
            want = tuple(indices) + tuple(ref[1:])
            if len(ref) == 0:
                raise ValueError(f"Shape must be at least rank 1 but is rank 0 for "
                                 f"'{ctx.op.name}' ({op_type})")
        else:
            if len(indices) == 0:
                raise ValueError("Shape must be at least rank 1 but is rank 0")
            depth = indices[-1]
            if depth is None:
                return [ref]
            if depth > len(ref):
                raise ValueError(f"Dimension {depth} in both shapes must be equal, but are "
                                 f"{depth} and {len(ref)}")
            want = tuple(indices[:-1]) + tuple(ref[depth:])
        if len(updates) != len(want) or any(a is not None and b is not None and a != b
                                            for a, b in zip(updates, want)):
            raise ValueError(f"Shapes must be equal rank, and compatible, but are "
                             f"{_fmt(updates)} and {_fmt(want)} for '{ctx.op.name}' "
                             f"({op_type}): updates must have shape {_fmt(want)}")
        return [ref]
    return shape_fn


def _dtype(ctx):
    if ctx.dtypes[2] != ctx.dtypes[0]:
        raise TypeError(f"Input 'updates' of '{ctx.op.type}' Op has type {ctx.dtypes[2].name} "
                        f"that does not match type {ctx.dtypes[0].name} of argument "
                        f"'{'ref' if ctx.op.opdef.ref_inputs else 'tensor'}'.")
    return [ctx.dtypes[0]]


def _lower(mode, first_dim, var):
    def lower(ctx):
        ref, indices, updates = ctx.shapes
        depth = 1 if first_dim else indices[-1]
        return [_MODES[mode], depth, int(var), int(len(updates) == 0 and first_dim),
                int(first_dim)], None
    return lower


def _samples(first_dim, allow_scalar):
    def gen(dtype):
        hi = 4 if dtype in (dtypes.uint8, dtypes.int8) else None
        lo = 1 if dtype.is_integer else None
        if first_dim:
            yield [samples.values(dtype, (5, 3), 0, lo, hi), np.array([3, 0, 3], np.int32),
                   samples.values(dtype, (3, 3), 1, lo, hi)], {}
            yield [samples.values(dtype, (4,), 2, lo, hi), np.array([[1, 2], [1, 0]], np.int64),
                   samples.values(dtype, (2, 2), 3, lo, hi)], {}
            if allow_scalar:
                yield [samples.values(dtype, (4, 2), 4, lo, hi), np.array([2, 1], np.int32),
                       samples.values(dtype, (), 5, lo, hi)], {}
        else:
            # Distinct indices in the small samples (the gradient sweep's: an
            # overwritten update has no gradient, TF's gather_nd gives it one);
            # the big one repeats them.
            yield [samples.values(dtype, (4, 2), 0, lo, hi), np.array([[1], [3], [0]], np.int32),
                   samples.values(dtype, (3, 2), 1, lo, hi)], {}
            yield [samples.values(dtype, (3, 2), 2, lo, hi),
                   np.array([[0, 1], [2, 0], [1, 1]], np.int64),
                   samples.values(dtype, (3,), 3, lo, hi)], {}
            # Past PARALLEL_GRAIN, so that the shares are compared too.
            yield [samples.values(dtype, (3000, 12), 4, lo, hi),
                   np.random.default_rng(4).integers(0, 3000, (500, 1)).astype(np.int32),
                   samples.values(dtype, (500, 12), 5, lo, hi)], {}
    return gen


def _reference(mode, first_dim):
    return lambda inputs, attrs: [_apply(inputs[0], inputs[1], inputs[2], mode, first_dim)]


# TF's ScatterMin/ScatterMax take real types only (its REGISTER_OP's T).
_MIN_MAX_REF = tuple(d for d in NUMERIC if d.name in ("float32", "float64", "int32", "int64"))


def _register(op_type, mode, first_dim, var, use_locking_default=None):
    attrs = [TypeAttr("T", input=0), TypeAttr("Tindices", input=1)]
    if var:
        attrs.append(Attr("use_locking", default=use_locking_default))
    if not first_dim:
        attrs.append(Fixed("bad_indices_policy", ""))
    kwargs = dict(ref_inputs=(0,), stateful=True, exclusive=True) if var else \
        dict(parallel=True)
    register(OpDef(op_type, shape=_scatter_shape(first_dim, op_type), dtype=_dtype,
                   kernel="scatter_apply", lower=_lower(mode, first_dim, var),
                   reference=_reference(mode, first_dim),
                   dtypes=[Accepts("ref" if var else "tensor",
                                   _MIN_MAX_REF if var and mode in ("Min", "Max") else NUMERIC),
                           Accepts("indices", _INDICES, input=1)],
                   samples=_samples(first_dim, var and first_dim),
                   graphdef=NodeMapping(("ref" if var else "tensor", "indices", "updates"),
                                        attrs), **kwargs))
    if var:
        NotDifferentiable(op_type)


for _mode in ("Update", "Add", "Sub", "Mul", "Div", "Min", "Max"):
    _register(f"Scatter{_mode}", _mode, True, True, _mode == "Update")
for _mode in ("Update", "Add", "Sub"):
    _register(f"ScatterNd{_mode}", _mode, False, True, _mode == "Update")
for _mode in ("Update", "Add", "Sub", "Min", "Max"):
    _register(f"TensorScatter{_mode}", _mode, False, False)


def _var_scatter(op_type, ref, indices, updates, use_locking, name):
    ref = _ref_variable(ref)
    graph = ref.graph
    indices = to_tensor(graph, indices)
    updates = to_tensor(graph, updates, dtype=ref.dtype.base_dtype
                        if hasattr(ref.dtype, "base_dtype") else ref.dtype)
    attrs = {} if use_locking is None else {"use_locking": bool(use_locking)}
    return make_op(graph, op_type, [ref, indices, updates], attrs, name=name or op_type).outputs[0]


def scatter_update(ref, indices, updates, use_locking=True, name=None):
    """Applies sparse updates to a variable reference.

    `ref[indices, ...] = updates[...]`; with repeated indices the last
    update wins. `updates` has shape `indices.shape + ref.shape[1:]` or is a
    scalar. Returns `ref` after the update.
    """
    return _var_scatter("ScatterUpdate", ref, indices, updates, use_locking, name)


def scatter_add(ref, indices, updates, use_locking=False, name=None):
    """Adds sparse updates to a variable reference: `ref[indices, ...] +=
    updates[...]`; repeated indices add up."""
    return _var_scatter("ScatterAdd", ref, indices, updates, use_locking, name)


def scatter_sub(ref, indices, updates, use_locking=False, name=None):
    """Subtracts sparse updates from a variable reference: `ref[indices, ...]
    -= updates[...]`; repeated indices subtract in turn."""
    return _var_scatter("ScatterSub", ref, indices, updates, use_locking, name)


def scatter_mul(ref, indices, updates, use_locking=False, name=None):
    """Multiplies sparse updates into a variable reference: `ref[indices, ...]
    *= updates[...]`."""
    return _var_scatter("ScatterMul", ref, indices, updates, use_locking, name)


def scatter_div(ref, indices, updates, use_locking=False, name=None):
    """Divides a variable reference by sparse updates: `ref[indices, ...] /=
    updates[...]`."""
    return _var_scatter("ScatterDiv", ref, indices, updates, use_locking, name)


def scatter_min(ref, indices, updates, use_locking=False, name=None):
    """Reduces sparse updates into a variable reference using the `min`
    operation: `ref[indices, ...] = min(ref[indices, ...], updates[...])`."""
    return _var_scatter("ScatterMin", ref, indices, updates, use_locking, name)


def scatter_max(ref, indices, updates, use_locking=False, name=None):
    """Reduces sparse updates into a variable reference using the `max`
    operation: `ref[indices, ...] = max(ref[indices, ...], updates[...])`."""
    return _var_scatter("ScatterMax", ref, indices, updates, use_locking, name)


def scatter_nd_update(ref, indices, updates, use_locking=True, name=None):
    """Applies sparse `updates` to individual values or slices in a Variable.

    `indices` is a `[..., K]` tensor of index tuples into the first K dims
    of `ref`; `updates` has shape `indices.shape[:-1] + ref.shape[K:]`.
    """
    return _var_scatter("ScatterNdUpdate", ref, indices, updates, use_locking, name)


def scatter_nd_add(ref, indices, updates, use_locking=False, name=None):
    """Applies sparse addition to individual values or slices in a Variable."""
    return _var_scatter("ScatterNdAdd", ref, indices, updates, use_locking, name)


def scatter_nd_sub(ref, indices, updates, use_locking=False, name=None):
    """Applies sparse subtraction to individual values or slices in a Variable."""
    return _var_scatter("ScatterNdSub", ref, indices, updates, use_locking, name)


def _tensor_scatter(op_type, tensor, indices, updates, name):
    graph = graph_of([tensor, indices, updates])
    tensor = to_tensor(graph, tensor)
    indices = to_tensor(graph, indices)
    updates = to_tensor(graph, updates, dtype=tensor.dtype)
    return make_op(graph, op_type, [tensor, indices, updates],
                   name=name or op_type).outputs[0]


def tensor_scatter_nd_update(tensor, indices, updates, name=None):
    """Scatter `updates` into an existing tensor according to `indices`.

    Returns a copy of `tensor` with the slices `indices` names replaced by
    `updates` (`updates.shape == indices.shape[:-1] + tensor.shape[K:]`). An
    index out of range raises InvalidArgumentError when the graph runs.
    """
    return _tensor_scatter("TensorScatterUpdate", tensor, indices, updates, name)


def tensor_scatter_nd_add(tensor, indices, updates, name=None):
    """Adds sparse `updates` to an existing tensor according to `indices`."""
    return _tensor_scatter("TensorScatterAdd", tensor, indices, updates, name)


def tensor_scatter_nd_sub(tensor, indices, updates, name=None):
    """Subtracts sparse `updates` from an existing tensor according to `indices`."""
    return _tensor_scatter("TensorScatterSub", tensor, indices, updates, name)


def tensor_scatter_nd_min(tensor, indices, updates, name=None):
    """Apply a sparse update to a tensor taking the element-wise minimum."""
    return _tensor_scatter("TensorScatterMin", tensor, indices, updates, name)


def tensor_scatter_nd_max(tensor, indices, updates, name=None):
    """Apply a sparse update to a tensor taking the element-wise maximum."""
    return _tensor_scatter("TensorScatterMax", tensor, indices, updates, name)


tensor_scatter_update = tensor_scatter_nd_update
tensor_scatter_add = tensor_scatter_nd_add
tensor_scatter_sub = tensor_scatter_nd_sub


def batch_scatter_update(ref, indices, updates, use_locking=True, name=None):
    """Generalization of `tf.compat.v1.scatter_update` to axis different than 0.

    `ref[i1, ..., in, indices[i1, ..., in, j], ...] = updates[i1, ..., in, j,
    ...]` for the leading `indices.ndims - 1` batch dims (TF builds it from
    ScatterNdUpdate, as here).
    """
    var = _ref_variable(ref)
    graph, scope = scope_of([var, indices, updates], name, "BatchGather")
    with scope:
        indices = to_tensor(graph, indices)
        rank = indices.shape.rank
        if rank is None:
            raise ValueError("batch_scatter_update needs the rank of its indices")
        ishape = shape(indices, out_type=indices.dtype)
        parts = []
        for d in range(rank - 1):
            n = ishape[d]
            r = range_(0, n, dtype=indices.dtype)
            view = [1] * rank
            view[d] = -1
            grid = multiply(reshape(r, view), ones_like(indices))
            parts.append(expand_dims(grid, -1))
        nd = concat(parts + [expand_dims(indices, -1)], axis=-1)
        return scatter_nd_update(var, nd, updates, use_locking=use_locking)


# ---- gradients (TF's array_grad.py) -----------------------------------------

@RegisterGradient("TensorScatterUpdate")
def _tensor_scatter_update_grad(op, grad):
    indices = op.inputs[1]
    updates_grad = gather_nd(grad, indices)
    tensor_grad = tensor_scatter_nd_update(grad, indices, zeros_like(op.inputs[2]))
    return [tensor_grad, None, updates_grad]


@RegisterGradient("TensorScatterAdd")
def _tensor_scatter_add_grad(op, grad):
    return [grad, None, gather_nd(grad, op.inputs[1])]


@RegisterGradient("TensorScatterSub")
def _tensor_scatter_sub_grad(op, grad):
    return [grad, None, negative(gather_nd(grad, op.inputs[1]))]


def _tensor_scatter_min_max_grad(op, grad):
    """TF's _TensorScatterMinOrMaxGrad: the gradient split evenly between the
    tensor's element and the updates that equal the result."""
    x, indices, y = op.inputs
    out = op.outputs[0]
    x_ind = cast(equal(x, out), grad.dtype)
    y_out = gather_nd(out, indices)
    y_ind = cast(equal(y, y_out), grad.dtype)
    ys_ind = scatter_nd(indices, y_ind, shape(x, out_type=indices.dtype))
    ind = add(x_ind, ys_ind)
    x_grad = realdiv(multiply(grad, x_ind), ind)
    y_grad = multiply(gather_nd(realdiv(grad, ind), indices), y_ind)
    return [x_grad, None, y_grad]


RegisterGradient("TensorScatterMin")(_tensor_scatter_min_max_grad)
RegisterGradient("TensorScatterMax")(_tensor_scatter_min_max_grad)
