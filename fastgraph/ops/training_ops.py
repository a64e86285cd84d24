"""The optimizers' update ops (TF's training_ops): ApplyAdam and the others.

Each op updates a variable and its slot variables (ref inputs, written in
place in the session's buffers) from a gradient and scalar hyperparameters,
in one fused C pass per variable, and returns the variable (a ref) as TF's
do. `tf.compat.v1.train`'s optimizers (fastgraph/train/) build them.

`updates(op_type, inputs, attrs)` is the NumPy transcription of TF's formula
for each op: it returns the new values of the op's ref inputs (variable
first), and the op's `reference` is its first entry.
"""

import numpy as np

from ..framework import dtypes as _dtypes
from ..framework.dtype_sets import FLOATS
from ..framework.graph import get_default_graph
from ..framework.graphdef_mapping import Attr, NodeMapping, TypeAttr
from ..framework.op_registry import Accepts, NotDifferentiable, OpDef, register
from . import samples
from .arguments import to_tensor

__all__ = []  # TF keeps these in tf.raw_ops, not at the top level

# TF's type for the sparse ops' indices.
_INDEX_TYPES = ("int32", "int64")


class _Spec:
    """One update op: TF's input names in order, how many of them (from the
    first) are refs, the scalars among the rest, its bool attrs with TF's
    defaults, the kernel's iattrs from those attrs, and its NumPy formula."""

    def __init__(self, op_type, kernel, inputs, n_refs, scalars, bools, iattrs, formula,
                 sparse=False):
        self.op_type = op_type
        self.kernel = kernel
        self.inputs = inputs
        self.n_refs = n_refs
        self.scalars = scalars
        self.bools = bools
        self.iattrs = iattrs
        self.formula = formula
        self.sparse = sparse


def _dims(shape):
    return "[" + ",".join("?" if d is None else str(d) for d in shape) + "]"


def _same_shape(a, b, what_a, what_b):
    if a is None or b is None:
        return
    if len(a) != len(b) or any(x is not None and y is not None and x != y for x, y in zip(a, b)):
        raise ValueError(f"{what_a} and {what_b} do not have the same shape{_dims(a)} "
                         f"{_dims(b)}")


def _shape_fn(spec):
    def shape(ctx):
        var = ctx.shapes[0]
        for i, name in enumerate(spec.inputs):
            s = ctx.shapes[i]
            if name in spec.scalars:
                if s is not None and len(s) != 0:
                    raise ValueError(f"Shape must be rank 0 but is rank {len(s)} for "
                                     f"'{spec.op_type}' ({name})")
            elif name == "indices":
                if s is not None and len(s) != 1:
                    raise ValueError(f"Shape must be rank 1 but is rank {len(s)} for "
                                     f"'{spec.op_type}' (indices)")
            elif 0 < i and not (spec.sparse and name == "grad"):
                _same_shape(var, s, "var", name)
        if spec.sparse:
            grad = ctx.shapes[spec.inputs.index("grad")]
            if var is not None and grad is not None:
                if len(var) != len(grad):
                    raise ValueError(f"var and grad do not have the same rank{_dims(var)} "
                                     f"{_dims(grad)}")
                _same_shape(var[1:], grad[1:], "var", "grad")
        return [var]
    return shape


def _dtype_fn(spec):
    def dtype(ctx):
        t = ctx.dtypes[0]
        for i, name in enumerate(spec.inputs):
            if name != "indices" and ctx.dtypes[i] != t:
                raise TypeError(f"Input '{name}' of '{spec.op_type}' Op has type "
                                f"{ctx.dtypes[i].name} that does not match type {t.name} of "
                                f"argument 'var'.")
        return [t]
    return dtype


def _lower_fn(spec):
    def lower(ctx):
        iattrs = [int(bool(ctx.attrs.get(a, spec.bools[a]))) for a in spec.iattrs]
        if spec.op_type.startswith("ApplyFtrl"):
            iattrs.append(int(spec.op_type == "ApplyFtrlV2"))
        if spec.sparse:
            var = ctx.shapes[0]
            iattrs += [var[0], int(np.prod(var[1:], dtype=np.int64))]
        return iattrs, None
    return lower


def _exclusive(ctx):
    return bool(ctx.attrs.get("use_locking", False))


def _samples_fn(spec):
    """Positive slots and rates (roots and powers of them), two shapes, one
    big enough to split across threads, and each bool attr flipped once."""
    flips = [{}] + [{a: not d} for a, d in spec.bools.items() if a != "use_locking"]

    def generate(dtype):
        shapes = [(5, 4), (), (65, 1024)] if not spec.sparse else [(6, 3), (4, 2, 2)]
        for k, shape in enumerate(shapes):
            for attrs in flips:
                inputs = []
                for i, name in enumerate(spec.inputs):
                    if name in spec.scalars:
                        inputs.append(np.asarray(spec.scalars[name], dtype.np_dtype))
                    elif name == "indices":
                        inputs.append(np.array([shape[0] - 1, 0, shape[0] - 1], np.int32))
                    elif name in ("grad", "delta"):
                        gshape = (3,) + shape[1:] if spec.sparse else shape
                        inputs.append(samples.values(dtype, gshape, k + i))
                    elif name == "mg":  # small enough that ms - mg^2 stays positive
                        inputs.append(samples.values(dtype, shape, k + i, -0.3, 0.3))
                    elif i < spec.n_refs and i > 0:
                        inputs.append(samples.values(dtype, shape, k + i, 0.1, 2.0))
                    else:
                        inputs.append(samples.values(dtype, shape, k + i))
                yield inputs, dict(attrs)
    return generate


def updates(op_type, inputs, attrs):
    """The new values of `op_type`'s ref inputs (var first) by TF's formula,
    from NumPy `inputs` in TF's order (left unchanged)."""
    spec = _SPECS[op_type]
    args = {name: np.array(v, copy=True) for name, v in zip(spec.inputs, inputs)}
    flags = {a: bool(attrs.get(a, d)) for a, d in spec.bools.items()}
    out = spec.formula(args, flags)
    return [np.asarray(o, dtype=inputs[0].dtype).reshape(np.shape(inputs[0])) for o in out]


def _reference(op_type):
    return lambda inputs, attrs: updates(op_type, inputs, attrs)[:1]


# ---- TF's formulas in NumPy ----------------------------------------------------------

def _prox(prox, rate, l1, l2):
    if l1 > 0:
        return np.sign(prox) * np.maximum(np.abs(prox) - rate * l1, 0) / (1 + rate * l2)
    return prox / (1 + l2 * rate)


def _gd(a, f):
    return [a["var"] - a["alpha"] * a["delta"]]


def _prox_gd(a, f):
    return [_prox(a["var"] - a["delta"] * a["alpha"], a["alpha"], a["l1"], a["l2"])]


def _momentum(a, f):
    accum = a["accum"] * a["momentum"] + a["grad"]
    if f["use_nesterov"]:
        var = a["var"] - (a["grad"] * a["lr"] + accum * a["momentum"] * a["lr"])
    else:
        var = a["var"] - accum * a["lr"]
    return [var, accum]


def _adam(a, f):
    one = a["lr"].dtype.type(1)
    alpha = a["lr"] * np.sqrt(one - a["beta2_power"]) / (one - a["beta1_power"])
    g = a["grad"]
    m = a["m"] + (g - a["m"]) * (one - a["beta1"])
    v = a["v"] + (g * g - a["v"]) * (one - a["beta2"])
    step = (g * (one - a["beta1"]) + a["beta1"] * m) * alpha if f["use_nesterov"] else m * alpha
    return [a["var"] - step / (np.sqrt(v) + a["epsilon"]), m, v]


def _adagrad(a, f):
    accum = a["accum"] + a["grad"] ** 2 if f["update_slots"] else a["accum"]
    return [a["var"] - a["grad"] * a["lr"] / np.sqrt(accum), accum]


def _prox_adagrad(a, f):
    accum = a["accum"] + a["grad"] ** 2
    rate = a["lr"] / np.sqrt(accum)
    return [_prox(a["var"] - a["grad"] * rate, rate, a["l1"], a["l2"]), accum]


def _adadelta(a, f):
    one = a["lr"].dtype.type(1)
    accum = a["accum"] * a["rho"] + a["grad"] ** 2 * (one - a["rho"])
    update = np.sqrt(a["accum_update"] + a["epsilon"]) / np.sqrt(accum + a["epsilon"]) * a["grad"]
    accum_update = a["accum_update"] * a["rho"] + update ** 2 * (one - a["rho"])
    return [a["var"] - update * a["lr"], accum, accum_update]


def _rms_prop(a, f):
    one = a["lr"].dtype.type(1)
    ms = a["ms"] + (a["grad"] ** 2 - a["ms"]) * (one - a["rho"])
    mom = a["mom"] * a["momentum"] + a["grad"] * a["lr"] / np.sqrt(ms + a["epsilon"])
    return [a["var"] - mom, ms, mom]


def _centered_rms_prop(a, f):
    one = a["lr"].dtype.type(1)
    ms = a["ms"] + (a["grad"] ** 2 - a["ms"]) * (one - a["rho"])
    mg = a["mg"] + (a["grad"] - a["mg"]) * (one - a["rho"])
    mom = a["mom"] * a["momentum"] + a["grad"] * a["lr"] / np.sqrt(ms - mg ** 2 + a["epsilon"])
    return [a["var"] - mom, mg, ms, mom]


def _ftrl(a, f):
    g, var, lr, l1, l2, p = a["grad"], a["var"], a["lr"], a["l1"], a["l2"], -a["lr_power"]
    shrunk = g + 2 * a["l2_shrinkage"] * var if "l2_shrinkage" in a else g
    new_accum = a["accum"] + g * g
    p_new, p_old = new_accum ** p, a["accum"] ** p
    if f["multiply_linear_by_lr"]:
        linear = a["linear"] + shrunk * lr - (p_new - p_old) * var
        x, y, bound = l1 * lr * np.sign(linear) - linear, p_new + 2 * l2 * lr, l1 * lr
    else:
        linear = a["linear"] + shrunk - (p_new - p_old) / lr * var
        x, y, bound = l1 * np.sign(linear) - linear, p_new / lr + 2 * l2, l1
    return [np.where(np.abs(linear) > bound, x / y, 0), new_accum, linear]


def _sparse(dense):
    """A dense formula applied row by row to the rows `indices` names, in order."""
    def formula(a, f):
        refs = [n for n in ("var", "accum") if n in a]
        out = {n: a[n].copy() for n in refs}
        for k, r in enumerate(a["indices"]):
            row = dict(a, grad=a["grad"][k], **{n: out[n][r] for n in refs})
            for n, v in zip(refs, dense(row, f)):
                out[n][r] = v
        return [out[n] for n in refs]
    return formula


_LOCK = {"use_locking": False}
_SPECS = {s.op_type: s for s in [
    _Spec("ApplyGradientDescent", "apply_gradient_descent", ("var", "alpha", "delta"), 1,
          {"alpha": 0.25}, _LOCK, (), _gd),
    _Spec("ApplyProximalGradientDescent", "apply_proximal_gradient_descent",
          ("var", "alpha", "l1", "l2", "delta"), 1, {"alpha": 0.25, "l1": 0.5, "l2": 0.3},
          _LOCK, (), _prox_gd),
    _Spec("ApplyMomentum", "apply_momentum", ("var", "accum", "lr", "grad", "momentum"), 2,
          {"lr": 0.25, "momentum": 0.9}, dict(_LOCK, use_nesterov=False), ("use_nesterov",),
          _momentum),
    _Spec("ApplyAdam", "apply_adam", ("var", "m", "v", "beta1_power", "beta2_power", "lr",
                                      "beta1", "beta2", "epsilon", "grad"), 3,
          {"beta1_power": 0.81, "beta2_power": 0.998, "lr": 0.01, "beta1": 0.9,
           "beta2": 0.999, "epsilon": 1e-7}, dict(_LOCK, use_nesterov=False),
          ("use_nesterov",), _adam),
    _Spec("ApplyAdagrad", "apply_adagrad", ("var", "accum", "lr", "grad"), 2, {"lr": 0.25},
          dict(_LOCK, update_slots=True), ("update_slots",), _adagrad),
    _Spec("ApplyProximalAdagrad", "apply_proximal_adagrad",
          ("var", "accum", "lr", "l1", "l2", "grad"), 2, {"lr": 0.25, "l1": 0.5, "l2": 0.3},
          _LOCK, (), _prox_adagrad),
    _Spec("ApplyAdadelta", "apply_adadelta", ("var", "accum", "accum_update", "lr", "rho",
                                              "epsilon", "grad"), 3,
          {"lr": 0.5, "rho": 0.95, "epsilon": 1e-6}, _LOCK, (), _adadelta),
    _Spec("ApplyRMSProp", "apply_rms_prop", ("var", "ms", "mom", "lr", "rho", "momentum",
                                             "epsilon", "grad"), 3,
          {"lr": 0.01, "rho": 0.9, "momentum": 0.5, "epsilon": 1e-7}, _LOCK, (), _rms_prop),
    _Spec("ApplyCenteredRMSProp", "apply_centered_rms_prop",
          ("var", "mg", "ms", "mom", "lr", "rho", "momentum", "epsilon", "grad"), 4,
          {"lr": 0.01, "rho": 0.9, "momentum": 0.5, "epsilon": 1e-7}, _LOCK, (),
          _centered_rms_prop),
    _Spec("ApplyFtrl", "apply_ftrl", ("var", "accum", "linear", "grad", "lr", "l1", "l2",
                                      "lr_power"), 3,
          {"lr": 0.3, "l1": 0.05, "l2": 0.2, "lr_power": -0.5},
          dict(_LOCK, multiply_linear_by_lr=False), ("multiply_linear_by_lr",), _ftrl),
    _Spec("ApplyFtrlV2", "apply_ftrl", ("var", "accum", "linear", "grad", "lr", "l1", "l2",
                                        "l2_shrinkage", "lr_power"), 3,
          {"lr": 0.3, "l1": 0.05, "l2": 0.2, "l2_shrinkage": 0.1, "lr_power": -0.6},
          dict(_LOCK, multiply_linear_by_lr=False), ("multiply_linear_by_lr",), _ftrl),
    _Spec("SparseApplyAdagrad", "sparse_apply_adagrad", ("var", "accum", "lr", "grad",
                                                         "indices"), 2,
          {"lr": 0.25}, dict(_LOCK, update_slots=True), ("update_slots",),
          _sparse(_adagrad), sparse=True),
    _Spec("SparseApplyMomentum", "sparse_apply_momentum", ("var", "accum", "lr", "grad",
                                                           "indices", "momentum"), 2,
          {"lr": 0.25, "momentum": 0.9}, dict(_LOCK, use_nesterov=False), ("use_nesterov",),
          _sparse(_momentum), sparse=True),
]}


def _register(spec):
    dtypes = [Accepts("var", FLOATS)]
    attrs = [TypeAttr("T", input=0)]
    if spec.sparse:
        k = spec.inputs.index("indices")
        dtypes.append(Accepts("indices", _index_dtypes(), input=k))
        attrs.append(TypeAttr("Tindices", input=k))
    attrs += [Attr(a, default=d) for a, d in spec.bools.items()]
    register(OpDef(
        spec.op_type, shape=_shape_fn(spec), dtype=_dtype_fn(spec), kernel=spec.kernel,
        lower=_lower_fn(spec), reference=_reference(spec.op_type),
        ref_inputs=tuple(range(spec.n_refs)), stateful=True, exclusive=_exclusive,
        parallel=not spec.sparse, dtypes=dtypes, samples=_samples_fn(spec),
        graphdef=NodeMapping(spec.inputs, attrs)))
    NotDifferentiable(spec.op_type)


def _index_dtypes():
    return tuple(_dtypes.as_dtype(n) for n in _INDEX_TYPES)


for _spec in _SPECS.values():
    _register(_spec)


def apply_update(op_type, refs, values, use_locking=False, name=None, **flags):
    """Builds `op_type` on the variables `refs` (var, then its slots: their
    VariableV2 tensors) and `values` (the other inputs in TF's order; Python
    numbers become constants of var's dtype, indices stay integers). Returns
    the updated var (a ref), as TF's training ops do."""
    spec = _SPECS[op_type]
    # In a traced function's graph, the variables (and slots) of other
    # graphs are its captures of them.
    capture = getattr(get_default_graph(), "_capture_ref", None)
    if capture is not None:
        refs = [capture(r) for r in refs]
    var = refs[0]
    graph = var.graph
    names = spec.inputs[spec.n_refs:]
    tensors = [to_tensor(graph, v, dtype=None if n == "indices" else var.dtype, name=n)
               for n, v in zip(names, values)]
    attrs = {"use_locking": bool(use_locking)}
    for a in spec.bools:
        if a != "use_locking":
            attrs[a] = bool(flags.pop(a, spec.bools[a]))
    if flags:
        raise TypeError(f"{op_type} has no attrs {sorted(flags)}")
    return graph.create_op(op_type, list(refs) + tensors, attrs,
                           name=name or op_type).outputs[0]
