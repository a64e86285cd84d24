"""Python functions as ops: tf.compat.v1.py_func, tf.numpy_function and
tf.py_function (TF's script_ops).

Their ops (PyFunc, PyFuncStateless, EagerPyFunc) are host ops
(`OpDef.host`, see staged_run.py): the session calls the Python function
between C plans, with NumPy arrays, and feeds what it returns to what
follows. The function is held in a process-wide registry under the op's
`token` attr (`pyfunc_N`, as TF names them) for as long as its graph
lives, so a GraphDef written with it names the function as TF's does.

As in TF, an exception raised by the function becomes the `tf.errors`
class TF gives it (ValueError and TypeError: InvalidArgumentError;
StopIteration: OutOfRangeError; MemoryError: ResourceExhaustedError;
NotImplementedError: UnimplementedError; anything else: UnknownError),
and a value of the wrong type or count is an InvalidArgumentError.
"""

import itertools
import threading
import traceback
import weakref

import numpy as np

from ..framework import dtypes, errors
from ..framework.graphdef_mapping import Attr, Derived, InputList, NodeMapping
from ..framework.op_registry import NOT_DIFFERENTIABLE, OpDef, register
from . import samples
from .arguments import graph_of, make_op, to_tensor

__all__ = ["py_func", "numpy_function", "py_function"]

_FUNCS = {}  # token -> the Python function
_LOCK = threading.Lock()
_COUNTER = itertools.count()

# TF's mapping of the Python exception a function raised to its error class
# (py_func.cc); the first that matches wins.
_ERROR_CLASSES = ((StopIteration, errors.OutOfRangeError),
                  (MemoryError, errors.ResourceExhaustedError),
                  (NotImplementedError, errors.UnimplementedError),
                  ((ValueError, TypeError), errors.InvalidArgumentError))


def _register_function(graph, func):
    """A new token for `func`, forgotten when `graph` is collected."""
    with _LOCK:
        token = f"pyfunc_{next(_COUNTER)}"
        _FUNCS[token] = func
    if graph is not None:
        weakref.finalize(graph, _FUNCS.pop, token, None)
    return token


def _function(token):
    func = _FUNCS.get(token)
    if func is None:
        raise errors.InvalidArgumentError(
            None, None, f"ValueError: Could not find callback with key={token} in the registry.")
    return func


def _call(token, args):
    """What the function under `token` returns for `args`, its exceptions
    turned into TF's error classes."""
    func = _function(token)
    try:
        return func(*args)
    except Exception as e:  # noqa: BLE001 - every exception becomes an OpError, as in TF
        cls = errors.UnknownError
        for kinds, error in _ERROR_CLASSES:
            if isinstance(e, kinds):
                cls = error
                break
        text = "".join(traceback.format_exception(type(e), e, e.__traceback__))
        raise cls(None, None, f"{type(e).__name__}: {e}\n{text}") from e


def _as_outputs(token, result, tout):
    """The function's result as one value per output (a list or tuple is one
    value per output, anything else is the one output)."""
    if isinstance(result, (list, tuple)):
        values = list(result)
    elif result is None and not tout:
        values = []
    else:
        values = [result]
    if len(values) != len(tout):
        raise errors.InvalidArgumentError(
            None, None, f"{token} returns {len(values)} values, but expects to see "
                        f"{len(tout)} values.")
    return values


def _numpy_result(token, value, dtype, i):
    """A value PyFunc gives back: of exactly the output's type, as TF checks
    (a Python float is float64, an int int64), strings as bytes."""
    if dtype == dtypes.string:
        arr = np.asarray(value, dtype=object)
        return np.vectorize(lambda s: s.encode() if isinstance(s, str) else s,
                            otypes=[object])(arr) if arr.size else arr
    arr = np.asarray(value)
    if arr.dtype != np.dtype(dtype.np_dtype):
        try:
            got = dtypes.as_dtype(arr.dtype).name
        except (TypeError, ValueError, KeyError):
            got = str(arr.dtype)
        raise errors.InvalidArgumentError(
            None, None, f"{i}-th value returned by {token} is {_c_name(got)}, but expects "
                        f"{_c_name(dtype.name)}")
    return arr


def _c_name(name):
    """TF's DataTypeString of a dtype name (float32 is 'float')."""
    return {"float32": "float", "float64": "double", "float16": "half"}.get(name, name)


def _pyfunc_reference(inputs, attrs):
    tout = list(attrs["Tout"])
    token = attrs["token"]
    result = _call(token, [np.asarray(v) for v in inputs])
    return [_numpy_result(token, v, d, i)
            for i, (v, d) in enumerate(zip(_as_outputs(token, result, tout), tout))]


class EagerValue(np.ndarray):
    """What tf.py_function's Python function gets for each input: the
    input's value, with the `.numpy()` of TF's EagerTensor."""

    def numpy(self):
        """The value as a NumPy array."""
        return np.array(self)


def _eager_reference(inputs, attrs):
    tout = list(attrs["Tout"])
    token = attrs["token"]
    args = [np.asarray(v).view(EagerValue) if np.asarray(v).dtype != object else v
            for v in inputs]
    result = _call(token, args)
    out = []
    for v, d in zip(_as_outputs(token, result, tout), tout):
        if d == dtypes.string:
            out.append(_numpy_result(token, v, d, 0))
            continue
        v = v.numpy() if hasattr(v, "numpy") else v
        try:
            # tf.py_function converts what the function returns to Tout.
            out.append(np.asarray(np.asarray(v), dtype=d.np_dtype))
        except (TypeError, ValueError) as e:
            raise errors.InvalidArgumentError(None, None, f"{type(e).__name__}: {e}") from e
    return out


def _shapes(ctx):
    return [None] * len(ctx.attrs["Tout"])


def _dtypes(ctx):
    return list(ctx.attrs["Tout"])


def _flip_token():
    token = "pyfunc_sample_flip"
    _FUNCS.setdefault(token, lambda x: np.flip(x, -1).copy())
    return token


def _samples(dtype):
    yield [samples.values(dtype, (2, 3), 1)], {"token": _flip_token(), "Tout": (dtype,)}


def _mapping(extra=()):
    return NodeMapping((InputList("input", count_attr=None),),
                       [Derived("Tin", lambda op: [t.dtype for t in op.inputs]),
                        Attr("Tout"), Attr("token")] + list(extra))


for _type, _stateful in (("PyFunc", True), ("PyFuncStateless", False)):
    register(OpDef(_type, shape=_shapes, dtype=_dtypes, stateful=_stateful,
                   reference=_pyfunc_reference,
                   host=lambda ctx, op, values: _pyfunc_reference(values, op.attrs),
                   gradient=NOT_DIFFERENTIABLE, samples=_samples, graphdef=_mapping()))

register(OpDef("EagerPyFunc", shape=_shapes, dtype=_dtypes, stateful=True,
               reference=_eager_reference,
               host=lambda ctx, op, values: _eager_reference(values, op.attrs),
               # TF differentiates the function with its eager tape, which a graph
               # runtime does not have: the catalog says "missing".
               gradient=None,
               samples=_samples,
               graphdef=_mapping([Attr("is_async", default=False)])))


def _build(op_type, func, inp, Tout, name, extra_attrs=None):  # noqa: N803 - TF's name
    inp = list(inp) if isinstance(inp, (list, tuple)) else [inp]
    is_list = isinstance(Tout, (list, tuple))
    tout = tuple(dtypes.as_dtype(t) for t in (Tout if is_list else [Tout]))
    graph = graph_of(inp)
    token = _register_function(graph, func)
    tensors = [to_tensor(graph, x) for x in inp]
    attrs = {"token": token, "Tout": tout, **(extra_attrs or {})}
    op = make_op(graph, op_type, tensors, attrs, name=name or op_type)
    if not tout:
        return op
    return list(op.outputs) if is_list else op.outputs[0]


def py_func(func, inp, Tout, stateful=True, name=None):  # noqa: N803 - TF's name
    """Wraps a python function and uses it as a TensorFlow op.

    `func` takes NumPy arrays (one per tensor of `inp`) and returns a NumPy
    array or a list of them, of the types `Tout` (a list, or one type for a
    single tensor). `stateful=False` lets the function be treated as pure.
    Returns a Tensor, or a list of them when `Tout` is a list. The op has no
    gradient.
    """
    return _build("PyFunc" if stateful else "PyFuncStateless", func, inp, Tout, name)


def numpy_function(func, inp, Tout, stateful=True, name=None):  # noqa: N803 - TF's name
    """Wraps a python function and uses it as a TensorFlow op.

    As `py_func`: `func` takes and returns NumPy arrays; it is not
    differentiable.
    """
    return _build("PyFunc" if stateful else "PyFuncStateless", func, inp, Tout, name)


def py_function(func, inp, Tout, name=None):  # noqa: N803 - TF's name
    """Wraps a python function into a TensorFlow op that executes it eagerly.

    `func` gets each input as an array with `.numpy()` (TF's EagerTensor
    has it) and its results are converted to the types `Tout`. TF's
    gradient through it (its eager tape) is not available here.
    """
    return _build("EagerPyFunc", func, inp, Tout, name, {"is_async": False})
