"""Constants and conversion of Python and NumPy values to tensors."""

import numbers

import numpy as np

from . import dtypes, op_registry
from .graph import Tensor, get_default_graph
from .graphdef_mapping import Attr, NodeMapping

__all__ = ["constant", "convert_to_tensor", "register_tensor_conversion_function",
           "to_numpy"]

_conversion_functions = []


def register_tensor_conversion_function(base_type, conversion_func):
    """Registers `conversion_func(value, dtype, name, as_ref)` for `base_type`
    (how a Variable becomes a Tensor)."""
    _conversion_functions.append((base_type, conversion_func))


def _fits(arr, dtype):
    """Whether converting `arr` to `dtype` keeps every value."""
    if arr.size == 0 or arr.dtype == dtype.np_dtype:
        return True
    with np.errstate(all="ignore"):
        back = arr.astype(dtype.np_dtype)
        if arr.dtype.kind == "f" and dtype.is_floating:
            return True
        return bool(np.all(back.astype(arr.dtype) == arr))


def to_numpy(value, dtype=None):
    """Converts a Python or NumPy value to an ndarray with TF's inference rules.

    Python ints become int32 (int64 when out of range), Python floats
    float32, bools bool; NumPy values keep their dtype. With `dtype`, the
    value must convert without changing (TypeError otherwise, as in TF).
    """
    if dtype is not None:
        dtype = dtypes.as_dtype(dtype)
    is_numpy = isinstance(value, (np.ndarray, np.generic))
    arr = np.asarray(value) if not isinstance(value, (str, bytes)) else np.array(value, object)
    if arr.dtype == object or arr.dtype.kind in "USV":
        if not is_numpy and arr.dtype.kind in "US":
            arr = np.array(value, dtype=object)  # NumPy would make ['a', 1] all strings
        return _strings_of(value, arr, dtype), dtypes.string
    if dtype == dtypes.string:
        if arr.size == 0:
            return np.full(arr.shape, b"", dtype=object), dtypes.string
        first = arr.reshape(-1)[0].item()
        raise TypeError(f"Expected string, but got {first!r} of type '{type(first).__name__}'.")
    if not is_numpy:
        if arr.dtype == np.int64 and dtype is None:
            if arr.size == 0 or (arr.min() >= -(2**31) and arr.max() < 2**31):
                arr = arr.astype(np.int32)
        elif arr.dtype == np.float64 and dtype is None:
            arr = arr.astype(np.float32)
        elif arr.dtype == np.float64 and arr.size and dtype is not None and not dtype.is_floating:
            raise TypeError(f"Expected {dtype.name}, but got {value!r} of type "
                            f"'{type(value).__name__}'.")
    if dtype is None:
        dtype = dtypes.as_dtype(arr.dtype)
    if dtype.code < 0 and not dtype.on_host:
        raise TypeError(f"fastgraph has no kernels for dtype {dtype.name}.")
    if not _fits(arr, dtype):
        raise TypeError(f"Cannot convert {value!r} to a Tensor of dtype {dtype.name}: "
                        "the value would change.")
    return np.asarray(arr, dtype=dtype.np_dtype, order="C"), dtype


def _is_string(v):
    return isinstance(v, (str, bytes, np.str_, np.bytes_))


def _strings_of(value, arr, dtype):
    """`value` (str, bytes, or arrays and nests of them) as TF holds a
    string tensor: an object array of bytes, str encoded as UTF-8."""
    if arr.dtype.kind == "V":
        raise TypeError(f"Failed to convert elements of {value!r} to Tensor.")
    flat = list(arr.reshape(-1))
    if dtype is not None and dtype != dtypes.string:
        bad = next((v for v in flat if _is_string(v)), flat[0] if flat else value)
        text = bad.decode(errors="replace") if isinstance(bad, bytes) else bad
        raise TypeError(f"Expected {dtype.name}, but got {text} of type '{type(bad).__name__}'.")
    if not all(_is_string(v) for v in flat):
        raise TypeError(f"Failed to convert elements of {value!r} to Tensor. Consider casting "
                        "elements to a supported type. See "
                        "https://www.tensorflow.org/api_docs/python/tf/dtypes for supported "
                        "TF dtypes.")
    out = np.empty(arr.shape, dtype=object)
    out.reshape(-1)[:] = [v.encode("utf-8") if isinstance(v, str) else bytes(v) for v in flat]
    return out


def constant(value, dtype=None, shape=None, name="Const"):
    """Creates a constant tensor from a tensor-like object.

    If `shape` is given, a scalar or single-element `value` is broadcast to
    it, and a value with as many elements is reshaped to it. Python and
    NumPy strings (str encoded as UTF-8, or bytes) make a `tf.string`
    constant, held as a NumPy object array of bytes.
    """
    strings = _string_array(value, dtype)
    arr, dtype = (strings, dtypes.string) if strings is not None else to_numpy(value, dtype)
    if shape is not None:
        shape = tuple(int(d) for d in shape)
        n = int(np.prod(shape, dtype=np.int64))
        if arr.size == 1:
            arr = np.full(shape, arr.reshape(()), dtype=arr.dtype)
        elif arr.size == n:
            arr = arr.reshape(shape)
        else:
            raise TypeError(f"Eager execution of tf.constant with unsupported shape. Tried to "
                            f"convert value of shape {arr.shape} to shape {shape}.")
    arr.setflags(write=False)
    return get_default_graph().create_op(
        "Const", [], {"value": arr, "dtype": dtype}, name=name).outputs[0]


def _string_array(value, dtype):
    """`value` as an object array of bytes when it is made of strings (and
    `dtype` is None or tf.string), else None."""
    if dtype is not None and dtypes.as_dtype(dtype) != dtypes.string:
        return None
    if isinstance(value, (np.ndarray, np.generic)):
        arr = np.asarray(value)
        if arr.dtype.kind not in "USO":
            return None
    else:
        try:
            arr = np.asarray(value, dtype=object)
        except ValueError:
            return None
    flat = arr.reshape(-1)
    if arr.size == 0 and dtype is None or \
            not all(isinstance(v, (str, bytes, np.str_, np.bytes_)) for v in flat):
        return None
    out = np.empty(arr.shape, dtype=object)
    out.reshape(-1)[:] = [v.encode("utf-8") if isinstance(v, str) else bytes(v) for v in flat]
    return out


def convert_to_tensor(value, dtype=None, name=None, preferred_dtype=None, dtype_hint=None):
    """Converts `value` to a `Tensor`.

    Tensors pass through (their dtype must match `dtype`), registered types
    (Variables) convert themselves, anything else becomes a constant.
    """
    if dtype is not None:
        dtype = dtypes.as_dtype(dtype)
    if isinstance(value, Tensor):
        if dtype is not None and value.dtype != dtype:
            raise ValueError(f"Tensor conversion requested dtype {dtype.name} for Tensor with "
                             f"dtype {value.dtype.name}: {value!r}")
        return value
    for base, fn in _conversion_functions:
        if isinstance(value, base):
            return fn(value, dtype=dtype, name=name)
    if isinstance(value, (list, tuple)) and _holds_tensor(value):
        return _autopack(value, dtype, name)
    hint = preferred_dtype or dtype_hint
    if dtype is None and hint is not None:
        try:
            return constant(value, dtype=hint, name=name or "Const")
        except (TypeError, ValueError):
            pass
    return constant(value, dtype=dtype, name=name or "Const")


def _is_graph_value(v):
    return isinstance(v, Tensor) or any(isinstance(v, base) for base, _ in _conversion_functions)


def _holds_tensor(value):
    return any(_is_graph_value(v) or (isinstance(v, (list, tuple)) and _holds_tensor(v))
               for v in value)


def _first_dtype(value):
    for v in value:
        if _is_graph_value(v):
            return convert_to_tensor(v).dtype
        if isinstance(v, (list, tuple)):
            d = _first_dtype(v)
            if d is not None:
                return d
    return None


def _autopack(value, dtype, name):
    """A list mixing tensors and Python values (`[tf.shape(x)[0], -1]`)
    becomes one Pack op, as TF's auto-packing does: the Python values take
    the tensors' dtype."""
    dtype = dtype or _first_dtype(value)
    elems = [_autopack(v, dtype, None) if isinstance(v, (list, tuple)) and _holds_tensor(v)
             else convert_to_tensor(v, dtype=dtype) for v in value]
    graph = elems[0].graph if elems else get_default_graph()
    return graph.create_op("Pack", elems, {"axis": 0}, name=name or "packed").outputs[0]


def _const_shape(ctx):
    return [ctx.attrs["value"].shape]


def _const_dtype(ctx):
    return [ctx.attrs["dtype"]]


def _frozen(value):
    arr = np.array(value)
    arr.setflags(write=False)
    return arr


op_registry.register(op_registry.OpDef(
    "Const", shape=_const_shape, dtype=_const_dtype,
    reference=lambda inputs, attrs: [attrs["value"]],
    gradient=op_registry.NOT_DIFFERENTIABLE,
    graphdef=NodeMapping((), [Attr("value", decode=_frozen), Attr("dtype")])))


def is_python_scalar(value):
    """Whether `value` is a plain Python number (converted to the other operand's dtype)."""
    return isinstance(value, numbers.Number) and not isinstance(value, np.generic)
