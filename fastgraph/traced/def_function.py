"""tf.function: a Python function traced into a graph once per input
signature, whose traces (graphs, compiled plans) and variables persist
between calls.

The signature of a call is the structure of its arguments, with the
shape and dtype of each tensor argument (NumPy arrays and scalars, eager
tensors) and the value of each Python argument. A call whose signature was
traced before runs that trace's plan directly; another signature traces
the function again (its Python side effects happen while tracing only).
Called with graph tensors, or while a graph is being built, the function
adds its trace's ops to that graph instead of running.
"""

import collections
import functools
import inspect
import threading
import weakref

import numpy as np

from ..framework import dtypes
from ..framework import graph as graph_module
from ..framework.constant_op import convert_to_tensor
from ..framework.graph import GraphKeys, Operation, Tensor, get_default_graph
from ..ops.array_ops import placeholder
from ..ops.state_ops import Variable
from . import structure
from .autograph import convert
from .concrete_function import ConcreteFunction
from .eager_tensor import EagerTensor
from .func_graph import FuncGraph
from .held_variables import BoundSession, held_buffer
from ..framework.tensor_spec import TensorSpec

__all__ = ["function", "Function"]

# Traces kept per function; the least recently used is dropped beyond this.
TRACE_CACHE_SIZE = 64

_PYTHON_SCALARS = (bool, int, float, str, bytes, type(None))
_new_eager = object.__new__


class _Signature:
    """The flattened arguments of one call: a hashable key, and the
    tensor arguments in order (their values, or specs)."""

    __slots__ = ("key", "tensors", "inline")

    def __init__(self):
        self.key = None
        self.tensors = []
        self.inline = False


def _walk(x, sig, key):
    if isinstance(x, np.ndarray):
        sig.tensors.append(x)
        key.append((x.shape, x.dtype.char))
    elif isinstance(x, EagerTensor):
        sig.tensors.append(x._array)
        key.append((x._array.shape, x._array.dtype.char))
    elif isinstance(x, _PYTHON_SCALARS):
        key.append((type(x), x))
    elif isinstance(x, np.generic):
        a = np.asarray(x)
        sig.tensors.append(a)
        key.append(((), a.dtype.char))
    elif isinstance(x, (list, tuple)):
        key.append((type(x), len(x)))
        for item in x:
            _walk(item, sig, key)
    elif isinstance(x, dict):
        key.append((type(x), tuple(structure._sorted_keys(x))))
        for k in structure._sorted_keys(x):
            _walk(x[k], sig, key)
    elif isinstance(x, Tensor):
        sig.inline = True
        sig.tensors.append(x)
        key.append(("graph", x.shape.as_tuple(), x.dtype))
    elif isinstance(x, TensorSpec):
        sig.tensors.append(x)
        key.append(("spec", x._shape_tuple(), x.dtype))
    else:
        # Other objects (a Variable, a Module) count by identity, as TF.
        key.append(("id", id(x)))


def _spec_of(value):
    """(shape, DType) of a tensor argument: an array, graph tensor or spec."""
    if isinstance(value, TensorSpec):
        return value._shape_tuple(), value.dtype
    if isinstance(value, Tensor):
        return value.shape.as_tuple(), value.dtype
    if value.dtype == object:
        return value.shape, dtypes.string
    return value.shape, dtypes.as_dtype(value.dtype)


class Function:
    """A callable that traces `python_function` into a graph per input
    signature and runs the traced graphs (the result of `tf.function`)."""

    def __init__(self, python_function, name=None, input_signature=None, autograph=True,
                 reduce_retracing=False, jit_compile=None):
        self._python_function = python_function
        self._name = name or getattr(python_function, "__name__", "function")
        self._autograph = autograph
        self._converted = None
        self._reduce_retracing = bool(reduce_retracing)
        self._jit_compile = jit_compile
        try:
            self._signature = inspect.signature(python_function)
        except (TypeError, ValueError):
            self._signature = None
        self._input_signature = None
        if input_signature is not None:
            self._input_signature = tuple(input_signature)
            for spec in structure.flatten(self._input_signature):
                if not isinstance(spec, TensorSpec):
                    raise TypeError(f"input_signature must be a possibly nested sequence of "
                                    f"TensorSpec objects, got invalid args {spec!r}")
        self._traces = collections.OrderedDict()  # signature key -> ConcreteFunction
        self._tracing_count = 0
        self._traced = False  # after the first trace no variable may be created
        self._lock = threading.RLock()
        self._instances = weakref.WeakKeyDictionary()  # instance -> its bound Function
        functools.update_wrapper(self, python_function, updated=())

    # -- the TF attributes ---------------------------------------------------------

    @property
    def python_function(self):
        """The Python function this Function traces."""
        return self._python_function

    @property
    def input_signature(self):
        """The input signature given, or None."""
        return self._input_signature

    @property
    def function_spec(self):
        """The Python signature of the traced function."""
        return self._signature

    def experimental_get_tracing_count(self):
        """The number of times the function has been traced."""
        return self._tracing_count

    def memory_stats(self):
        """The memory of the traces kept (sums of `Session.memory_stats`)."""
        total = collections.Counter()
        for cf in {id(c): c for c in self._traces.values()}.values():
            total.update(cf.memory_stats())
        return dict(total)

    # -- binding to instances --------------------------------------------------------

    def __get__(self, instance, owner):
        if instance is None:
            return self
        try:
            bound = self._instances.get(instance)
        except TypeError:  # not weakly referenceable
            bound = None
        if bound is None:
            # The instance's own Function holds it weakly (the instance owns
            # it, through this WeakKeyDictionary); the method object made
            # here holds it, as a Python bound method does.
            # Converted once, by this Function; bound, not converted again.
            bound = Function(_weak_method(self._callable(), instance), self._name,
                             self._input_signature, False, self._reduce_retracing,
                             self._jit_compile)
            try:
                self._instances[instance] = bound
            except TypeError:
                bound = Function(functools.partial(self._callable(), instance),
                                 self._name, self._input_signature, False,
                                 self._reduce_retracing, self._jit_compile)
        return BoundMethod(bound, instance)

    # -- calling -------------------------------------------------------------------

    def __call__(self, *args, **kwargs):
        """Runs the trace of this call's signature, tracing it first if new."""
        if not kwargs and self._input_signature is None and not graph_module._default_graph_stack:
            # The common call: arrays only, outside any graph. (The dtype's
            # character: a byte-swapped array shares its trace, and the
            # session converts it.)
            key = []
            for a in args:
                if type(a) is not np.ndarray:
                    break
                key.append((a.shape, a.dtype.char))
            else:
                key = tuple(key)
                cf = self._traces.get(key)
                if cf is not None:
                    self._traces.move_to_end(key)
                    if cf._single and not cf._pending:  # the whole call, inline
                        out = cf._call(*args)
                        t = _new_eager(EagerTensor)
                        # A scalar result comes back as a NumPy scalar.
                        t._array = out if type(out) is np.ndarray else np.asarray(out)
                        return t
                    return cf.call_arrays(args)
        sig = self._signature_of(args, kwargs)
        if not sig.inline:
            sig.inline = bool(graph_module._default_graph_stack)
        cf = self._traces.get(sig.key)
        if cf is None:
            cf = self._concrete(sig, args, kwargs)
        else:
            self._traces.move_to_end(sig.key)
        if sig.inline:
            graph = get_default_graph()
            # Arrays among graph tensors become constants of the graph.
            values = [v if isinstance(v, Tensor) else convert_to_tensor(v, dtype=p.dtype)
                      for v, p in zip(sig.tensors, cf.inputs)]
            return cf.inline(graph, values)
        if self._input_signature is not None:
            return cf.call_flat(sig.tensors)
        return cf.call_arrays(sig.tensors)

    def get_concrete_function(self, *args, **kwargs):
        """The ConcreteFunction of these arguments' signature (arrays,
        TensorSpecs or Python values), traced if new; without arguments,
        the one of `input_signature`."""
        sig = self._signature_of(args, kwargs)
        cf = self._traces.get(sig.key)
        if cf is None:
            cf = self._concrete(sig, args, kwargs)
        return cf

    def _signature_of(self, args, kwargs):
        sig = _Signature()
        if self._input_signature is not None:
            return self._input_signature_of(args, kwargs, sig)
        key = []
        if kwargs:
            args, kwargs = self._canonical(args, kwargs)
        for a in args:
            _walk(a, sig, key)
        for k in sorted(kwargs):
            key.append(k)
            _walk(kwargs[k], sig, key)
        sig.key = tuple(key)
        return sig

    def _canonical(self, args, kwargs):
        """Keyword arguments of positional parameters moved into `args`."""
        if self._signature is None:
            return args, kwargs
        bound = self._signature.bind(*args, **kwargs)
        positional, named = [], dict(bound.kwargs)
        for name, p in self._signature.parameters.items():
            if name not in bound.arguments:
                continue
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
                positional.append(bound.arguments[name])
            elif p.kind == p.VAR_POSITIONAL:
                positional.extend(bound.arguments[name])
        return tuple(positional), named

    def _input_signature_of(self, args, kwargs, sig):
        if kwargs:
            args, kwargs = self._canonical(args, kwargs)
        specs = structure.flatten(self._input_signature)
        if len(args) == 0 and not kwargs:
            leaves = list(specs)  # get_concrete_function() of the signature
        else:
            try:
                if kwargs:
                    raise ValueError("keyword arguments")
                leaves = structure.flatten_up_to(list(self._input_signature), list(args))
            except ValueError:
                raise TypeError(f"{self._name}() takes {len(self._input_signature)} positional "
                                f"arguments of the structure of its input_signature "
                                f"{self._input_signature!r}, got {args!r} and {kwargs!r}"
                                ) from None
        for value, spec in zip(leaves, specs):
            if isinstance(value, TensorSpec):
                sig.tensors.append(value)
                continue
            if isinstance(value, Tensor):
                sig.inline = True
                got = TensorSpec(value.shape, value.dtype)
            elif isinstance(value, (np.ndarray, np.generic, EagerTensor)):
                value = np.asarray(value)
                got = TensorSpec(value.shape, dtypes.string if value.dtype == object
                                 else value.dtype)
            else:  # Python values convert to the spec's dtype, as TF
                value = np.asarray(value, dtype=spec.dtype.np_dtype)
                got = TensorSpec(value.shape, spec.dtype)
            if not spec.is_compatible_with(got):
                raise TypeError(f"Binding inputs to tf.function failed due to `Can not cast "
                                f"{got!r} to {spec!r}`. Received args: {args!r} and kwargs: "
                                f"{kwargs!r} for signature: {self._input_signature!r}.")
            sig.tensors.append(value)
        sig.key = ("input_signature",)
        return sig

    # -- tracing -------------------------------------------------------------------

    def _concrete(self, sig, args, kwargs):
        with self._lock:
            cf = self._traces.get(sig.key)
            if cf is not None:
                return cf
            specs = [_spec_of(t) for t in sig.tensors]
            if self._input_signature is not None:
                specs = [(s._shape_tuple(), s.dtype)
                         for s in structure.flatten(self._input_signature)]
            elif self._reduce_retracing:
                cf = self._relaxed_trace(specs)
                if cf is not None:
                    self._remember(sig.key, cf)
                    return cf
                specs = self._relaxed_specs(specs)
            if self._input_signature is not None:
                # Traced on the specs: every argument is a tensor.
                args, kwargs = self._input_signature, {}
            cf = self._trace(args, kwargs, specs, sig.tensors)
            self._remember(sig.key, cf)
            return cf

    def _remember(self, key, cf):
        self._traces[key] = cf
        if len(self._traces) > TRACE_CACHE_SIZE:
            self._traces.popitem(last=False)

    def _relaxed_trace(self, specs):
        """A trace whose (relaxed) input shapes accept `specs`, for reduce_retracing."""
        for cf in reversed(list(self._traces.values())):
            if _accepts(cf, specs):
                return cf
        return None

    def _relaxed_specs(self, specs):
        """`specs` made as general as needed to cover the latest trace of the
        same dtypes too (dims that differ become None; ranks that differ,
        an unknown rank), as TF's reduce_retracing."""
        for cf in reversed(list(self._traces.values())):
            if len(cf.inputs) == len(specs) and all(
                    p.dtype == d for p, (_, d) in zip(cf.inputs, specs)):
                out = []
                for p, (shape, d) in zip(cf.inputs, specs):
                    old = p.shape.as_tuple()
                    if old is None or shape is None or len(old) != len(shape):
                        out.append((None, d))
                    else:
                        out.append((tuple(a if a == b else None for a, b in zip(old, shape)), d))
                return out
        return specs

    def _trace(self, args, kwargs, specs, values):
        """Traces the function for tensor arguments of `specs`; on the first
        trace that creates variables, initializes them and traces again
        with variable creation disallowed (as TF)."""
        made = Variable.made
        graph = self._trace_graph(args, kwargs, specs, allow_variables=not self._traced)
        first, self._traced = not self._traced, True
        # Made in any graph (an optimizer's slot lives beside its variable):
        # the first call traces again, as TF's, with creation disallowed.
        if first and Variable.made != made:
            created = [v for v in graph.get_collection(GraphKeys.GLOBAL_VARIABLES)
                       if v.graph is graph]
            if created:
                init = BoundSession(graph)
                for v in created:
                    init.bind(v.op, held_buffer(v))
                feeds = {p: v for p, v in zip(graph.inputs, values)
                         if not isinstance(v, (TensorSpec, Tensor))}
                init.run([v.initializer for v in created], feeds)
                init.close()
            graph = self._trace_graph(args, kwargs, specs, allow_variables=False)
        slots = _tensor_slots(args, kwargs)
        return ConcreteFunction(graph, slots, self._input_signature)

    def _trace_graph(self, args, kwargs, specs, allow_variables):
        graph = FuncGraph(self._name, allow_variables=allow_variables)
        names = self._arg_names(args)
        it = iter(specs)
        with graph.as_default():
            def to_placeholder(x, name):
                if _is_tensor_leaf(x):
                    shape, dtype = next(it)
                    p = placeholder(dtype, shape, name=name)
                    graph.inputs.append(p)
                    return p
                return x
            p_args = [structure.map_structure(functools.partial(to_placeholder, name=n), a)
                      for a, n in zip(args, names)]
            p_kwargs = {k: structure.map_structure(functools.partial(to_placeholder, name=k),
                                                   kwargs[k]) for k in sorted(kwargs)}
            self._tracing_count += 1
            out = self._callable()(*p_args, **p_kwargs)
            graph.structured_outputs = structure.map_structure(
                lambda x: _returned(graph, x), out)
            graph.outputs = [t for t in structure.flatten(graph.structured_outputs)
                             if isinstance(t, Tensor)]
        return graph

    def _callable(self):
        if not self._autograph:
            return self._python_function
        if self._converted is None:
            self._converted = convert(self._python_function)
        return self._converted

    def _arg_names(self, args):
        params = list(self._signature.parameters.values()) if self._signature else []
        names = []
        for i in range(len(args)):
            if i < len(params) and params[i].kind in (params[i].POSITIONAL_ONLY,
                                                      params[i].POSITIONAL_OR_KEYWORD):
                names.append(params[i].name)
            else:
                names.append(f"args_{i}")
        return names

    def __repr__(self):
        return f"<fastgraph.function {self._name}>"


class BoundMethod:
    """A traced method bound to an instance: calls and attributes are the
    instance's own Function's (its traces, its tracing count)."""

    __slots__ = ("_function", "__self__")

    def __init__(self, function, instance):
        self._function = function
        self.__self__ = instance

    def __call__(self, *args, **kwargs):
        return self._function(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._function, name)

    def __repr__(self):
        return f"<bound fastgraph.function {self._function._name} of {self.__self__!r}>"


def _weak_method(fn, instance):
    """`fn` bound to `instance` without keeping it alive (the instance owns
    its bound Function, in the Function's WeakKeyDictionary)."""
    ref = weakref.ref(instance)

    def method(*args, **kwargs):
        return fn(ref(), *args, **kwargs)

    functools.update_wrapper(method, fn)
    try:
        params = list(inspect.signature(fn).parameters.values())[1:]
        method.__signature__ = inspect.Signature(params)
    except (TypeError, ValueError):
        pass
    return method


def _is_tensor_leaf(x):
    return isinstance(x, (np.ndarray, np.generic, EagerTensor, Tensor, TensorSpec))


def _tensor_slots(args, kwargs):
    leaves = structure.flatten((tuple(args), kwargs))
    return [i for i, x in enumerate(leaves) if _is_tensor_leaf(x)]


def _accepts(cf, specs):
    if len(cf.inputs) != len(specs):
        return False
    for p, (shape, dtype) in zip(cf.inputs, specs):
        if p.dtype != dtype:
            return False
        if shape is None:
            if p.shape.rank is not None:
                return False
        elif not p.shape.is_compatible_with(shape):
            return False
    return True


def _returned(graph, x):
    out = _as_output(x)
    return graph.own_value(out) if isinstance(out, Tensor) else out


def _as_output(x):
    """A result of the traced function as the trace returns it: graph
    tensors stay, variables give their value, Python values become
    constants (as TF), None and ops give None."""
    if x is None or isinstance(x, Operation):
        return None
    if isinstance(x, Tensor):
        return x
    if isinstance(x, Variable):
        return x.read_value()
    return convert_to_tensor(x)


def function(func=None, input_signature=None, autograph=True, jit_compile=None,
             reduce_retracing=False, experimental_implements=None,
             experimental_autograph_options=None, experimental_attributes=None,
             experimental_relax_shapes=None, experimental_compile=None,
             experimental_follow_type_hints=None, name=None):
    """Compiles a function into a callable graph (TF2's `tf.function`).

    The function is traced into a graph once per input signature (tensor
    shapes and dtypes, Python values); later calls with a traced signature
    run the graph without running the Python code. Used as a decorator
    with or without arguments.
    """
    if experimental_relax_shapes is not None:
        reduce_retracing = reduce_retracing or bool(experimental_relax_shapes)

    def decorate(f):
        return Function(f, name=name, input_signature=input_signature, autograph=autograph,
                        reduce_retracing=reduce_retracing, jit_compile=jit_compile)

    if func is None:
        return decorate
    return decorate(func)
