"""Variables and the ops that change them.

A Variable is a VariableV2 op plus its initializer (an Assign) and its
read (an Identity, `<name>/read`). The values live in buffers owned by each
Session, never in the graph: two sessions on one graph hold independent
values.
"""

import numpy as np

from ..framework import dtypes, errors
from ..framework.constant_op import register_tensor_conversion_function
from ..framework.dtype_sets import HOST_NUMERIC, NUMERIC
from ..framework.graph import GraphKeys, get_default_graph
from ..framework.graphdef_mapping import Attr, NodeMapping, TypeAttr
from ..framework.op_registry import NOT_DIFFERENTIABLE, Accepts, NotDifferentiable, OpDef, \
    Unwritten, register, register_graphdef_translation
from ..framework.tensor_shape import as_shape
from ..framework.session_stack import get_default_session
from . import samples
from .arguments import graph_of, to_tensor
from .array_ops import identity, no_op

__all__ = ["Variable", "global_variables_initializer", "variables_initializer",
           "global_variables", "trainable_variables", "local_variables",
           "initialize_all_variables", "assign", "assign_add", "assign_sub",
           "local_variables_initializer", "initialize_local_variables", "count_up_to",
           "is_variable_initialized"]


class HostVariable:
    """The value of one variable of a type no C kernel takes (complex64,
    bfloat16...: `DType.on_host`) in one session, a resource of the session
    rather than a C buffer. Assigns replace `value`, never write into it, so
    a value read earlier in a run keeps what it read."""

    __slots__ = ("value",)

    def __init__(self):
        self.value = None

    def close(self):
        """Forgets the value (the session closed)."""
        self.value = None


def _held(ctx, variable_op):
    return ctx.resource(("host_variable", id(variable_op)), HostVariable)


def _variable_host(ctx, op, values):
    value = _held(ctx, op).value
    if value is None:
        return [Unwritten(f"Attempting to use uninitialized value {op.name}")]
    return [value]


def _update_host(combine):
    def host_state(ctx, op, values):
        held = _held(ctx, op.inputs[0].op)
        new = np.asarray(values[1], dtype=op.inputs[0].dtype.np_dtype)
        if combine is not None:
            if held.value is None:
                raise errors.FailedPreconditionError(
                    None, op, f"Attempting to use uninitialized value {op.inputs[0].op.name}")
            new = combine(held.value, new).astype(held.value.dtype)
        elif op.attrs.get("validate_shape") is not False and \
                not op.inputs[0].shape.is_compatible_with(new.shape):
            raise errors.InvalidArgumentError(
                None, op, f"Assign requires shapes of both tensors to match. lhs shape= "
                          f"{list(op.inputs[0].shape.as_tuple())} rhs shape= {list(new.shape)}")
        new = np.array(new, order="C")
        new.setflags(write=False)
        held.value = new
        return [new]
    return host_state


register(OpDef("VariableV2", shape=lambda ctx: [ctx.attrs["shape"]],
               dtype=lambda ctx: [ctx.attrs["dtype"]], stateful=True,
               samples=samples.variable, host_state=_variable_host,
               graphdef=NodeMapping((), [
                   Attr("shape", encode=as_shape, decode=lambda v: as_shape(v).as_tuple()),
                   Attr("dtype"), Attr("container", default=""),
                   Attr("shared_name", default="")])))


def _assign_shape(ctx):
    ref, value = ctx.shapes
    if ref is not None and value is not None:
        if len(ref) != len(value) or any(a is not None and b is not None and a != b
                                         for a, b in zip(ref, value)):
            raise ValueError(f"Shapes must be equal rank, and compatible, but are {list(ref)} "
                             f"and {list(value)}")
    return [ref]


def _assign_dtype(ctx):
    if ctx.dtypes[0] != ctx.dtypes[1]:
        raise TypeError(f"Input 'value' of 'Assign' Op has type {ctx.dtypes[1].name} that does "
                        f"not match type {ctx.dtypes[0].name} of argument 'ref'.")
    return [ctx.dtypes[0]]


def _accum_reference(sign):
    # No `sign * value`: -1 times a uint8 array overflows in NumPy 2.
    combine = np.add if sign > 0 else np.subtract
    return lambda inputs, attrs: [combine(inputs[0], inputs[1]).astype(inputs[0].dtype)]


# TF's defaults for the ops' use_locking attr: Assign locks, the updates don't.
_LOCKS_BY_DEFAULT = {"Assign": True, "AssignAdd": False, "AssignSub": False}


def _use_locking(ctx):
    locking = ctx.attrs.get("use_locking")
    return _LOCKS_BY_DEFAULT[ctx.op.type] if locking is None else bool(locking)


_UPDATE_NODE = NodeMapping(("ref", "value"), [TypeAttr("T", input=0),
                                             Attr("use_locking", optional=True)])

register(OpDef("Assign", shape=_assign_shape, dtype=_assign_dtype, kernel="assign",
               ref_inputs=(0,), stateful=True, exclusive=_use_locking,
               reference=lambda inputs, attrs: [inputs[1].copy()],
               samples=samples.assign, host_state=_update_host(None),
               graphdef=NodeMapping(("ref", "value"), [
                   TypeAttr("T", input=0), Attr("validate_shape", optional=True),
                   Attr("use_locking", optional=True)])))
register(OpDef("AssignAdd", shape=_assign_shape, dtype=_assign_dtype, kernel="assign_add",
               ref_inputs=(0,), stateful=True, exclusive=_use_locking,
               reference=_accum_reference(1), host_state=_update_host(np.add),
               dtypes=[Accepts("ref", NUMERIC + HOST_NUMERIC)],
               samples=samples.assign_update,
               graphdef=_UPDATE_NODE))
register(OpDef("AssignSub", shape=_assign_shape, dtype=_assign_dtype, kernel="assign_sub",
               ref_inputs=(0,), stateful=True, exclusive=_use_locking,
               reference=_accum_reference(-1), host_state=_update_host(np.subtract),
               dtypes=[Accepts("ref", NUMERIC + HOST_NUMERIC)],
               samples=samples.assign_update,
               graphdef=_UPDATE_NODE))


def _count_up_to_reference(inputs, attrs):
    count = np.asarray(inputs[0])
    if count >= attrs["limit"]:
        raise errors.OutOfRangeError(None, None, f"Reached limit of {attrs['limit']}")
    return [count.copy()]


# TF's CountUpTo: its output is the count before the increment, a buffer of
# its own (compiler/plan.py), not the variable's as an assign's result is.
register(OpDef("CountUpTo", shape=lambda ctx: [()], dtype=lambda ctx: [ctx.dtypes[0]],
               kernel="count_up_to", lower=lambda ctx: ([ctx.attrs["limit"]], None),
               ref_inputs=(0,), stateful=True, exclusive=True,
               reference=_count_up_to_reference,
               dtypes=[Accepts("ref", (dtypes.int32, dtypes.int64))],
               samples=samples.count_up_to,
               graphdef=NodeMapping(("ref",), [TypeAttr("T", input=0), Attr("limit")])))
NotDifferentiable("CountUpTo")


# Set by fastgraph.traced: held_value(variable) is the value traced
# functions hold for a variable (its TF2 eager value), for `numpy()`.
held_value = None


def _state_op(op_type, ref, value, name, use_locking=None):
    graph = ref.graph
    value = to_tensor(graph, value, dtype=ref.dtype)
    attrs = {} if use_locking is None else {"use_locking": bool(use_locking)}
    return graph.create_op(op_type, [ref, value], attrs, name=name or op_type).outputs[0]


class Variable:
    """A variable maintains state across `Session.run` calls.

    Its value lives in the session that runs its `initializer`; use it like a
    tensor in ops (it reads the current value), and change it with
    `assign`, `assign_add` and `assign_sub`, whose results are the new value.
    Reading it before initializing raises `FailedPreconditionError`.
    """

    # Variables constructed so far, in any graph: a traced function counts
    # the ones its trace made (TF2 lets only the first call make any).
    made = 0

    def __init__(self, initial_value=None, trainable=None, collections=None,
                 validate_shape=True, caching_device=None, name=None, variable_def=None,
                 dtype=None, expected_shape=None, import_scope=None, constraint=None,
                 use_resource=None, synchronization=None, aggregation=None, shape=None):
        if initial_value is None:
            raise ValueError("initial_value must be specified.")
        if callable(initial_value):
            initial_value = initial_value()
        trainable = True if trainable is None else bool(trainable)
        graph = graph_of([initial_value])
        with graph.as_default(), graph.name_scope(name or "Variable") as scope:
            init = to_tensor(graph, initial_value,
                             dtype=dtypes.as_dtype(dtype) if dtype is not None else None,
                             name="initial_value")
            if not (init.dtype.code >= 0 or init.dtype.on_host) or init.dtype == dtypes.string:
                # Variables are C buffers; strings live on the host only.
                raise TypeError("fastgraph has no string variables: keep strings in "
                                "constants, placeholders or lookup tables")
            shape = init.shape if shape is None else init.shape.merge_with(shape)
            if not shape.is_fully_defined():
                raise ValueError(f"initial_value must have a shape specified: {init}")
            self._graph = graph
            self._dtype = init.dtype
            self._initial_value = init
            self._variable = graph.create_op(
                "VariableV2", [], {"shape": shape.as_tuple(), "dtype": init.dtype,
                                   "container": "", "shared_name": ""},
                name=scope).outputs[0]
            self._initializer_op = graph.create_op(
                "Assign", [self._variable, init], {"validate_shape": validate_shape},
                name="Assign")
            self._snapshot = identity(self._variable, name="read")
        self._trainable = trainable
        if constraint is not None and not callable(constraint):
            raise ValueError(f"The `constraint` argument must be a callable. Received: "
                             f"{constraint}")
        self._constraint = constraint
        if collections is None:
            collections = [GraphKeys.GLOBAL_VARIABLES]
        if trainable and GraphKeys.TRAINABLE_VARIABLES not in collections:
            collections = list(collections) + [GraphKeys.TRAINABLE_VARIABLES]
        graph.add_to_collections(collections, self)
        Variable.made += 1

    @classmethod
    def _from_graph(cls, graph, variable_name, initializer_name, snapshot_name,
                    initial_value_name, trainable=True):
        """The Variable of ops already in `graph` (a VariableDef's names: an
        imported MetaGraph's variables)."""
        var = cls.__new__(cls)
        var._graph = graph
        var._variable = graph.as_graph_element(variable_name)
        var._dtype = var._variable.dtype
        var._initializer_op = graph.as_graph_element(initializer_name)
        var._snapshot = graph.as_graph_element(snapshot_name) if snapshot_name else var._variable
        var._initial_value = (graph.as_graph_element(initial_value_name) if initial_value_name
                              else var._initializer_op.inputs[1])
        var._trainable = bool(trainable)
        var._constraint = None
        return var

    # -- identity --------------------------------------------------------------

    @property
    def name(self):
        """The name of this variable, e.g. `"Variable:0"`."""
        return self._variable.name

    @property
    def op(self):
        """The VariableV2 `Operation` of this variable."""
        return self._variable.op

    @property
    def graph(self):
        """The `Graph` of this variable."""
        return self._graph

    @property
    def dtype(self):
        """The `DType` of this variable."""
        return self._dtype

    @property
    def shape(self):
        """The `TensorShape` of this variable."""
        return self._variable.shape

    def get_shape(self):
        """Alias of `Variable.shape`."""
        return self.shape

    @property
    def device(self):
        """The device of this variable (always the CPU: empty string)."""
        return ""

    @property
    def trainable(self):
        """Whether this variable is in TRAINABLE_VARIABLES."""
        return self._trainable

    @property
    def constraint(self):
        """The projection an `Optimizer` applies to the variable after each
        update (a function of the variable returning its new value), or None."""
        return self._constraint

    @property
    def initializer(self):
        """The initializer operation for this variable."""
        return self._initializer_op

    @property
    def initial_value(self):
        """The Tensor used as the initial value for the variable."""
        return self._initial_value

    def _as_graph_element(self):
        return self._variable

    def _in_default_graph(self):
        """(ref, read) of this variable for ops of the default graph: its
        own VariableV2 and `read`, or, while a traced function's graph is
        built, that graph's capture of it with a read ordered after the
        assigns made before it (TF2's automatic control dependencies)."""
        capture = getattr(get_default_graph(), "_capture_variable", None)
        if capture is None:
            return self._variable, self._snapshot
        return capture(self)

    # -- reading ---------------------------------------------------------------

    def value(self):
        """A Tensor holding the variable's current value (its `read`
        Identity: ops that consume it see the value the variable holds when
        they run, as in TF)."""
        return self._in_default_graph()[1]

    def read_value(self):
        """A new Tensor that reads the variable's current value."""
        ref, read = self._in_default_graph()
        # In a traced function's graph the read is already a new op.
        return identity(ref, name="read") if read is self._snapshot else read

    def eval(self, session=None):
        """The variable's value in `session` (default: the default session)."""
        session = session or get_default_session()
        if session is None:
            raise ValueError("Cannot evaluate variable: no default session is registered.")
        return session.run(self._variable)

    # -- writing ---------------------------------------------------------------

    def assign(self, value, use_locking=False, name=None, read_value=True):
        """Assigns a new value to the variable; the result is the new value.

        use_locking: if True, use locking during the assignment.
        """
        out = _state_op("Assign", self._in_default_graph()[0], value, name, use_locking)
        return out if read_value else out.op

    def assign_add(self, delta, use_locking=False, name=None, read_value=True):
        """Adds a value to this variable; the result is the new value.

        use_locking: if True, use locking during the operation.
        """
        out = _state_op("AssignAdd", self._in_default_graph()[0], delta, name, use_locking)
        return out if read_value else out.op

    def assign_sub(self, delta, use_locking=False, name=None, read_value=True):
        """Subtracts a value from this variable; the result is the new value.

        use_locking: if True, use locking during the operation.
        """
        out = _state_op("AssignSub", self._in_default_graph()[0], delta, name, use_locking)
        return out if read_value else out.op

    def count_up_to(self, limit):
        """Increments this variable until it reaches `limit`; the result is
        its value before the increment (OutOfRangeError past the limit)."""
        return count_up_to(self, limit)

    def load(self, value, session=None):
        """Loads a new value into this variable in `session`."""
        session = session or get_default_session()
        if session is None:
            raise ValueError("Cannot load variable: no default session is registered.")
        session.run(self._initializer_op, {self._initial_value: np.asarray(value)})

    def __repr__(self):
        held = ""
        if held_value is not None and getattr(self, "_held", None) is not None:
            # The value traced functions hold, as TF2 shows a variable's.
            value = np.asarray(held_value(self))
            held = ", numpy=" + (np.array_repr(value) if value.ndim else str(value[()]))
        return (f"<tf.Variable '{self._variable.op.name}:0' shape={self.shape} "
                f"dtype={self._dtype.name}{held}>")

    def __hash__(self):
        return id(self)

    def numpy(self):
        """The value traced functions (`tf.function`) hold for this variable,
        as a NumPy array (TF2's eager value)."""
        if held_value is None:
            raise TypeError("A Variable has no value outside a session; use sess.run(variable).")
        return held_value(self)

    def __array__(self, dtype=None):
        if held_value is None or getattr(self, "_held", None) is None:
            raise TypeError("A Variable has no value outside a session; use sess.run(variable).")
        value = np.asarray(held_value(self))
        return value if dtype is None else value.astype(dtype)


def _variable_to_tensor(v, dtype=None, name=None, as_ref=False):
    if dtype is not None and dtype != v.dtype:
        raise ValueError(f"Incompatible type conversion requested to type '{dtype.name}' for "
                         f"variable of type '{v.dtype.name}'")
    return v._in_default_graph()[1]


register_tensor_conversion_function(Variable, _variable_to_tensor)


def _ref_variable(ref):
    # The module functions take a Variable or its VariableV2 tensor (a ref).
    return ref._in_default_graph()[0] if isinstance(ref, Variable) else ref


def assign(ref, value, validate_shape=None, use_locking=None, name=None):
    """Update `ref` by assigning `value` to it.

    use_locking: if True (the default), the assignment is protected by a
    lock; otherwise the behavior is undefined, but may exhibit less contention.
    """
    return _state_op("Assign", _ref_variable(ref), value, name, use_locking)


def assign_add(ref, value, use_locking=None, name=None):
    """Update `ref` by adding `value` to it.

    use_locking: if True, the addition will be protected by a lock;
    otherwise the behavior is undefined, but may exhibit less contention.
    """
    return _state_op("AssignAdd", _ref_variable(ref), value, name, use_locking)


def count_up_to(ref, limit, name=None):
    """Increments 'ref' until it reaches 'limit'.

    Returns a copy of `ref` before the increment. If the increment would
    make `ref` pass `limit`, running it raises OutOfRangeError ("Reached
    limit of ...") and `ref` stays.
    """
    ref = _ref_variable(ref)
    return ref.graph.create_op("CountUpTo", [ref], {"limit": int(limit)},
                               name=name or "CountUpTo").outputs[0]


def assign_sub(ref, value, use_locking=None, name=None):
    """Update `ref` by subtracting `value` from it.

    use_locking: if True, the subtraction will be protected by a lock;
    otherwise the behavior is undefined, but may exhibit less contention.
    """
    return _state_op("AssignSub", _ref_variable(ref), value, name, use_locking)


def global_variables(scope=None):
    """Returns global variables (the GLOBAL_VARIABLES collection)."""
    return get_default_graph().get_collection(GraphKeys.GLOBAL_VARIABLES, scope)


def trainable_variables(scope=None):
    """Returns all variables created with `trainable=True`."""
    return get_default_graph().get_collection(GraphKeys.TRAINABLE_VARIABLES, scope)


def local_variables(scope=None):
    """Returns local variables (the LOCAL_VARIABLES collection)."""
    return get_default_graph().get_collection(GraphKeys.LOCAL_VARIABLES, scope)


def variables_initializer(var_list, name="init"):
    """Returns an Op that initializes a list of variables."""
    var_list = list(var_list)
    graph = var_list[0].graph if var_list else get_default_graph()
    with graph.as_default(), graph.control_dependencies([v.initializer for v in var_list]):
        return no_op(name=name)


def global_variables_initializer():
    """Returns an Op that initializes global variables."""
    return variables_initializer(global_variables(), name="init")


initialize_all_variables = global_variables_initializer


# As TF: no gradient flows through these.
for _t in ("VariableV2", "Assign", "AssignAdd", "AssignSub"):
    NotDifferentiable(_t)
def local_variables_initializer():
    """Returns an Op that initializes all local variables (the
    LOCAL_VARIABLES collection: metrics' running totals, ...)."""
    return variables_initializer(local_variables(), name="init")


initialize_local_variables = local_variables_initializer


# ---- TF2's resource variables, read from GraphDefs ----------------------------
# A TF2 graph (a SavedModel's) holds each variable as a VarHandleOp whose
# resource handle ReadVariableOp reads and AssignVariableOp writes; fastgraph
# reads the handle as the variable itself, which its reads and assigns take.

def _var_handle_from_node(inputs, attrs, name):
    shape = attrs.get("shape")
    return get_default_graph().create_op(
        "VariableV2", [], {"shape": None if shape is None else tuple(shape),
                           "dtype": attrs["dtype"]}, name=name).outputs[0]


def _resource_update_from_node(op_type):
    # TF's AssignVariableOp has no output: the node reads as the op.
    return lambda inputs, attrs, name: _state_op(op_type, inputs[0], inputs[1], name).op


register_graphdef_translation("VarHandleOp", _var_handle_from_node)
register_graphdef_translation("ReadVariableOp",
                              lambda inputs, attrs, name: identity(inputs[0], name=name))
register_graphdef_translation("AssignVariableOp", _resource_update_from_node("Assign"))
register_graphdef_translation("AssignAddVariableOp", _resource_update_from_node("AssignAdd"))
register_graphdef_translation("AssignSubVariableOp", _resource_update_from_node("AssignSub"))
register_graphdef_translation("DisableCopyOnRead", lambda inputs, attrs, name: no_op(name=name))


# ---- is_variable_initialized and the reports built on it -------------------------

def _is_initialized_host(ctx, op, values):
    return [np.array(ctx.variable_initialized(op.inputs[0].op))]


register(OpDef("IsVariableInitialized", shape=lambda ctx: [()],
               dtype=lambda ctx: [dtypes.bool], ref_inputs=(0,), stateful=True,
               host=_is_initialized_host,
               reference=lambda inputs, attrs: [np.array(True)],
               gradient=NOT_DIFFERENTIABLE,
               graphdef=NodeMapping(("ref",), [TypeAttr("dtype", input=0)])))


def is_variable_initialized(variable):
    """Tests if a variable has been initialized: a bool scalar tensor,
    True once an initializer or assign has written the variable in the
    session that runs it."""
    ref = variable._variable if isinstance(variable, Variable) else variable
    return ref.graph.create_op("IsVariableInitialized", [ref], {},
                               name="IsVariableInitialized").outputs[0]
