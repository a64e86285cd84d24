"""Graph, Operation and Tensor: the dataflow graph that sessions run.

Pure Python: nothing here knows of the compiler or of C. Shapes and dtypes
of new ops come from the op registry at build time.
"""

import contextlib
import re
import threading
import weakref

from . import errors, op_registry, partial_shapes
from .graph_export import GRAPH_DEF_VERSION, GRAPH_DEF_VERSION_MIN_CONSUMER, graph_def_of
from .graph_protos import VersionDef
from .session_stack import get_default_session
from .static_values import constant_value
from .tensor_shape import TensorShape

__all__ = [
    "Graph", "Operation", "Tensor", "GraphKeys", "get_default_graph", "reset_default_graph",
    "name_scope", "control_dependencies", "add_to_collection", "get_collection",
]

_VALID_OP_NAME = re.compile(r"^[A-Za-z0-9.][A-Za-z0-9_.\\/>-]*$")


class GraphKeys:
    """Standard names for graph collections, as in TF."""

    GLOBAL_VARIABLES = "variables"
    TRAINABLE_VARIABLES = "trainable_variables"
    LOCAL_VARIABLES = "local_variables"
    UPDATE_OPS = "update_ops"
    LOSSES = "losses"
    REGULARIZATION_LOSSES = "regularization_losses"
    MODEL_VARIABLES = "model_variables"
    ASSET_FILEPATHS = "asset_filepaths"
    SUMMARIES = "summaries"
    GLOBAL_STEP = "global_step"
    TRAIN_OP = "train_op"
    MOVING_AVERAGE_VARIABLES = "moving_average_variables"
    METRIC_VARIABLES = "metric_variables"
    TABLE_INITIALIZERS = "table_initializer"
    QUEUE_RUNNERS = "queue_runners"
    SAVERS = "savers"
    INIT_OP = "init_op"
    LOCAL_INIT_OP = "local_init_op"
    READY_OP = "ready_op"
    READY_FOR_LOCAL_INIT_OP = "ready_for_local_init_op"
    SUMMARY_OP = "summary_op"


class Tensor:
    """A symbolic handle to one output of an `Operation`.

    It holds no value: a `Session.run` computes it. Tensors support the
    arithmetic operators once `fastgraph.ops` is imported.
    """

    # NumPy must hand `ndarray + Tensor` to Tensor.__radd__.
    __array_priority__ = 100
    __slots__ = ("_op", "_value_index", "_dtype", "_shape", "_consumers", "__weakref__")

    def __init__(self, op, value_index, dtype, shape):
        self._op = op
        self._value_index = value_index
        self._dtype = dtype
        self._shape = TensorShape(shape)
        self._consumers = []

    @property
    def op(self):
        """The `Operation` that produces this tensor as an output."""
        return self._op

    @property
    def value_index(self):
        """The index of this tensor in the outputs of its `Operation`."""
        return self._value_index

    @property
    def dtype(self):
        """The `DType` of elements in this tensor."""
        return self._dtype

    @property
    def graph(self):
        """The `Graph` that contains this tensor."""
        return self._op.graph

    @property
    def name(self):
        """The string name of this tensor, `"<op name>:<output index>"`."""
        return f"{self._op.name}:{self._value_index}"

    @property
    def device(self):
        """The device of this tensor (always the CPU: empty string)."""
        return ""

    @property
    def shape(self):
        """The `TensorShape` known statically for this tensor."""
        return self._shape

    def get_shape(self):
        """Alias of `Tensor.shape`."""
        return self._shape

    def set_shape(self, shape):
        """Updates the static shape of this tensor, merging it with `shape`."""
        merged = self._shape.merge_with(shape)
        if merged != self._shape:
            self._shape = merged
            self.graph._shape_narrowed()

    @property
    def ndim(self):
        """The rank of this tensor, or None if unknown."""
        return self._shape.rank

    def consumers(self):
        """A list of the `Operation`s that consume this tensor."""
        return list(self._consumers)

    def eval(self, feed_dict=None, session=None):
        """Evaluates this tensor in `session` (default: the default session)."""
        session = session or get_default_session()
        if session is None:
            raise ValueError("Cannot evaluate tensor using `eval()`: No default session is "
                             "registered. Use `with sess.as_default()` or pass an explicit "
                             "session to `eval(session=sess)`")
        return session.run(self, feed_dict)

    def __repr__(self):
        return f"<tf.Tensor '{self.name}' shape={self._shape} dtype={self._dtype.name}>"

    def __str__(self):
        # TF's str of a graph tensor differs from its repr; messages show it.
        return f'Tensor("{self.name}", shape={self._shape}, dtype={self._dtype.name})'

    def __hash__(self):
        return id(self)

    def __bool__(self):
        raise errors.OperatorNotAllowedInGraphError(
            "Using a symbolic `tf.Tensor` as a Python `bool` is not allowed. You can attempt the "
            "following resolutions to the problem: If you are running in Graph mode, use Eager "
            "execution mode or decorate this function with @tf.function. If you are using "
            "AutoGraph, you can try decorating this function with @tf.function. If that does "
            "not work, then you may be using an unsupported feature or your source code may not "
            "be visible to AutoGraph. See https://github.com/tensorflow/tensorflow/blob/master/"
            "tensorflow/python/autograph/g3doc/reference/limitations.md#access-to-source-code "
            "for more information.")

    def __iter__(self):
        raise TypeError("Tensor objects are only iterable when eager execution is enabled. "
                        "To iterate over this tensor use tf.map_fn.")

    def __len__(self):
        raise TypeError(f"len is not well defined for symbolic Tensors. ({self.name}) "
                        "Please call `x.shape` rather than `len(x)` for shape information.")


class Operation:
    """A node in a `Graph` that takes tensors as input and produces tensors."""

    __slots__ = ("_graph", "_name", "_type", "_inputs", "_outputs", "_control_inputs",
                 "_attrs", "_id", "_opdef", "_gradient_op_type", "__weakref__")

    def __init__(self, graph, name, op_type, inputs, control_inputs, attrs, out_dtypes,
                 out_shapes, opdef, op_id):
        self._graph = graph
        self._name = name
        self._type = op_type
        self._inputs = tuple(inputs)
        self._control_inputs = tuple(control_inputs)
        self._attrs = dict(attrs)
        self._id = op_id
        self._opdef = opdef
        # The gradient name `Graph.gradient_override_map` gave this op, if any.
        self._gradient_op_type = None
        self._outputs = tuple(
            Tensor(self, i, dt, shp) for i, (dt, shp) in enumerate(zip(out_dtypes, out_shapes)))

    @property
    def name(self):
        """The full name of this operation."""
        return self._name

    @property
    def type(self):
        """The type of the op (e.g. `"AddV2"`)."""
        return self._type

    @property
    def graph(self):
        """The `Graph` that contains this operation."""
        return self._graph

    @property
    def inputs(self):
        """The list of `Tensor` objects representing the data inputs of this op."""
        return list(self._inputs)

    @property
    def outputs(self):
        """The list of `Tensor` objects representing the outputs of this op."""
        return list(self._outputs)

    @property
    def control_inputs(self):
        """The `Operation` objects on which this op has a control dependency."""
        return list(self._control_inputs)

    @property
    def device(self):
        """The device of this operation (always the CPU: empty string)."""
        return ""

    @property
    def attrs(self):
        """The op's attributes as a read-only view."""
        return dict(self._attrs)

    @property
    def opdef(self):
        """The registry entry (`OpDef`) of this op's type."""
        return self._opdef

    def get_attr(self, name):
        """Returns the value of the attr of this op with the given `name`."""
        try:
            return self._attrs[name]
        except KeyError:
            raise ValueError(f"Operation {self._name!r} has no attr named '{name}'.") from None

    def values(self):
        """DEPRECATED: the outputs of this op, as a tuple."""
        return self._outputs

    def run(self, feed_dict=None, session=None):
        """Runs this operation in `session` (default: the default session)."""
        session = session or get_default_session()
        if session is None:
            raise ValueError("Cannot execute operation using `run()`: No default session is "
                             "registered.")
        session.run(self, feed_dict)

    # -- mutation (TF's private API; sessions recompile what they ran) --------

    def _update_input(self, index, tensor):
        """Replaces input `index` of this op with `tensor` (same dtype, a
        compatible shape). Unlike TF, which ignores a change to an op that
        a session has already run, sessions honour it from their next run.
        """
        if not isinstance(tensor, Tensor):
            raise TypeError(f"tensor must be a Tensor: {tensor!r}")
        if tensor.graph is not self._graph:
            raise ValueError(f"{tensor} must be from the same graph as {self}.")
        if not 0 <= index < len(self._inputs):
            raise errors.OutOfRangeError(
                None, self, f"Cannot update edge. Input index [{index}] is greater than the "
                f"number of total inputs [{len(self._inputs)}].")
        old = self._inputs[index]
        if tensor.dtype != old.dtype:
            raise TypeError(f"Input {index} of {self._name} has dtype {old.dtype.name}, and "
                            f"{tensor.name} has dtype {tensor.dtype.name}")
        if not tensor.shape.is_compatible_with(old.shape):
            raise errors.InvalidArgumentError(
                None, self, f"Cannot update edge, incompatible shapes: {tensor.shape} and "
                f"{old.shape}.")
        inputs = list(self._inputs)
        inputs[index] = tensor
        self._inputs = tuple(inputs)
        old._consumers.remove(self)
        tensor._consumers.append(self)
        self._graph._mutated()

    def _add_control_input(self, op):
        """Makes this op run after `op` (a control dependency added after
        creation; sessions honour it from their next run)."""
        self._add_control_inputs([op])

    def _add_control_inputs(self, ops):
        """Makes this op run after each op of `ops`."""
        new = []
        for op in ops:
            if not isinstance(op, Operation):
                raise TypeError(f"op must be an Operation: {op!r}")
            if op.graph is not self._graph:
                raise ValueError(f"Control input {op.name} must be from the same graph.")
            if op not in self._control_inputs and op not in new:
                new.append(op)
        if new:
            self._control_inputs = self._control_inputs + tuple(new)
            self._graph._mutated()

    def _remove_all_control_inputs(self):
        """Removes this op's control dependencies."""
        if self._control_inputs:
            self._control_inputs = ()
            self._graph._mutated()

    def __repr__(self):
        return f"<tf.Operation '{self._name}' type={self._type}>"

    def __hash__(self):
        return id(self)


class Graph:
    """A TensorFlow computation, represented as a dataflow graph.

    A Graph holds `Operation`s and the `Tensor`s between them, plus named
    collections. Ops are added by the op functions (`tf.add`, ...) to the
    default graph, which `as_default()` sets.
    """

    def __init__(self):
        self._ops = []
        self._ops_by_name = {}
        self._names_in_use = {}
        self._argument_consts = {}  # id -> Const op awaiting its op's name (see create_op)
        self._name_stack = ""
        self._control_stack = []
        self._sub_graph_stack = []
        self._gradient_override_map = {}
        self._collections = {}
        self._finalized = False
        self._lock = threading.RLock()
        self.seed = None
        self._last_op_seed = 0
        # Told of each change to an existing op (new ops leave what ran
        # unchanged): sessions, which drop what they compiled.
        self._watchers = weakref.WeakSet()

    # -- building ------------------------------------------------------------

    def create_op(self, op_type, inputs, attrs=None, name=None, control_inputs=()):
        """Adds an op of registered type `op_type` and returns the `Operation`.

        Output dtypes and static shapes come from the op's registry entry.
        Raises ValueError if an input belongs to another graph, and TypeError
        (TF's message) if an input or type attribute has a dtype the entry's
        `dtypes` does not accept.
        """
        self._check_not_finalized()
        attrs = attrs or {}
        opdef = op_registry.get(op_type)
        for t in inputs:
            if not isinstance(t, Tensor):
                raise TypeError(f"Input to {op_type} must be a Tensor, got {type(t).__name__}")
            if t.graph is not self:
                raise ValueError(f"Tensor {t.name} must be from the same graph as the op "
                                 f"being created ({op_type}).")
        opdef.check_dtypes(inputs, attrs)
        ctx = op_registry.InferenceContext(
            None,
            [t.shape.as_tuple() for t in inputs],
            [t.dtype for t in inputs],
            [constant_value(t) for t in inputs],
            attrs,
        )
        out_dtypes = opdef.dtype(ctx)
        resolved = op_registry.resolve_attrs(attrs, ctx.values)
        if resolved is None:
            # An attribute known only at compile time: shapes wait for it.
            out_shapes = [None] * len(out_dtypes)
        else:
            ctx.attrs = resolved
            out_shapes = opdef.shape(ctx)
        out_shapes = partial_shapes.refine(op_type, inputs, attrs, out_shapes)
        controls = list(control_inputs)
        for frame in self._control_stack:
            controls.extend(frame)
        seen = set()
        uniq_controls = []
        for c in controls:
            if c.graph is not self:
                raise ValueError(f"Control input {c.name} must be from the same graph.")
            if id(c) not in seen:
                seen.add(id(c))
                uniq_controls.append(c)
        with self._lock:
            if name and name.endswith("/"):
                # A scope name used as an op name: TF's way to name a
                # Variable's op exactly like its scope ("Variable").
                full_name = name[:-1]
                if full_name in self._ops_by_name:
                    raise ValueError(f"Duplicate node name in graph: '{full_name}'")
            else:
                full_name = self.unique_name(name or op_type)
            op = Operation(self, full_name, op_type, inputs, uniq_controls, attrs, out_dtypes,
                           out_shapes, opdef, len(self._ops))
            override = self._gradient_override_map.get(op_type)
            if override is not None:
                op._gradient_op_type = override
            self._ops.append(op)
            self._ops_by_name[full_name] = op
            if self._sub_graph_stack:
                self._sub_graph_stack[-1].append(op)
        for t in inputs:
            t._consumers.append(op)
        if self._argument_consts:
            self._name_argument_consts(op, opdef)
        return op

    # -- constants named under the op that takes them ----------------------------

    def _mark_argument_const(self, const_op):
        """Marks a Const that an op function made from a Python value: the op
        it is passed to renames it `<op>/<input arg>` and gives back its
        `Const` name, as TF converts operands inside the op's name scope."""
        self._argument_consts[id(const_op)] = const_op

    def _name_argument_consts(self, op, opdef):
        found = [(i, t.op) for i, t in enumerate(op._inputs) if id(t.op) in self._argument_consts]
        if not found:
            return
        mapping = opdef.graphdef
        names = mapping.input_arg_names(op) if hasattr(mapping, "input_arg_names") else []
        renames = {}
        for i, const in found:
            if i < len(names) and names[i] is not None and id(const) not in renames:
                renames[id(const)] = (const, names[i])
                del self._argument_consts[id(const)]
        with self._lock:
            # Latest first, so that each gives its name back to the counter.
            for const, _ in sorted(renames.values(), key=lambda cn: -cn[0]._id):
                self._release_name(const._name)
            for const, arg in renames.values():
                new = self._unique(f"{op._name}/{arg}")
                del self._ops_by_name[const._name]
                const._name = new
                self._ops_by_name[new] = const

    def _release_name(self, name):
        """Gives back `name` to unique_name when it was the last one made of
        its base (`Const_3` after `Const_2`), so the next `Const` is named
        as if it never was."""
        base, _, suffix = name.rpartition("_")
        if suffix.isdigit() and base:
            n = int(suffix)
            if self._names_in_use.get(base.lower()) == n + 1 and \
                    self._names_in_use.get(name.lower()) == 1:
                del self._names_in_use[name.lower()]
                self._names_in_use[base.lower()] = n
            return
        if self._names_in_use.get(name.lower()) == 1:
            del self._names_in_use[name.lower()]

    def unique_name(self, name, mark_as_used=True):
        """Returns `name` under the current name scope, made unique with `_N`."""
        if self._name_stack:
            name = self._name_stack + "/" + name
        return self._unique(name, mark_as_used)

    def _unique(self, name, mark_as_used=True):
        key = name.lower()
        count = self._names_in_use.get(key, 0)
        if mark_as_used:
            self._names_in_use[key] = count + 1
        if count > 0:
            base = name
            while True:
                name = f"{base}_{count}"
                if name.lower() not in self._names_in_use:
                    break
                count += 1
            if mark_as_used:
                self._names_in_use[name.lower()] = 1
        return name

    @contextlib.contextmanager
    def name_scope(self, name):
        """Context manager that prefixes the names of ops created inside it.

        A name ending in "/" is used as is (re-entering an existing scope);
        None or "" resets to the top level; other names are made unique.
        """
        old = self._name_stack
        if not name:
            new = ""
        elif name.endswith("/"):
            new = name[:-1]
        else:
            if not _VALID_OP_NAME.match(name):
                raise ValueError(f"'{name}' is not a valid scope name")
            new = self.unique_name(name)
        self._name_stack = new
        try:
            yield (new + "/") if new else ""
        finally:
            self._name_stack = old

    @contextlib.contextmanager
    def gradient_override_map(self, op_type_map):
        """EXPERIMENTAL: A context manager for overriding gradient functions.

        This context manager can be used to override the gradient function
        that will be used for ops within the scope of the context: ops of a
        type in `op_type_map` ({op type: gradient name}) created inside use
        the gradient registered with `tf.RegisterGradient` under the mapped
        name.
        """
        if not isinstance(op_type_map, dict):
            raise TypeError("op_type_map must be a dictionary mapping strings to strings")
        for key, value in op_type_map.items():
            if not (isinstance(key, str) and isinstance(value, str)):
                raise TypeError("op_type_map must be a dictionary mapping strings to strings")
        saved = dict(self._gradient_override_map)
        self._gradient_override_map.update(op_type_map)
        try:
            yield
        finally:
            self._gradient_override_map = saved

    @contextlib.contextmanager
    def device(self, device_name_or_function):
        """Returns a context manager that specifies the default device to use.

        fastgraph runs every op on the CPU, as TF does with soft placement
        when the named device is absent: the device is accepted and places
        nothing.
        """
        if not (device_name_or_function is None or isinstance(device_name_or_function, str)
                or callable(device_name_or_function)):
            raise TypeError(f"device must be a string, a function or None, got "
                            f"{type(device_name_or_function).__name__}")
        yield

    def get_name_scope(self):
        """The current name scope, without a trailing slash."""
        return self._name_stack

    @contextlib.contextmanager
    def control_dependencies(self, control_inputs):
        """Ops created inside depend on every op (or tensor's op) in `control_inputs`.

        `None` clears the dependencies of enclosing contexts.
        """
        if control_inputs is None:
            saved, self._control_stack = self._control_stack, []
            try:
                yield
            finally:
                self._control_stack = saved
            return
        ops = []
        for c in control_inputs:
            if not isinstance(c, (Tensor, Operation)) and hasattr(c, "_as_graph_element"):
                c = c._as_graph_element()
            if isinstance(c, Tensor):
                c = c.op
            if not isinstance(c, Operation):
                raise TypeError(f"Control input must be Operation or Tensor: {c!r}")
            ops.append(c)
        self._control_stack.append(ops)
        try:
            yield
        finally:
            self._control_stack.pop()

    @contextlib.contextmanager
    def _sub_graph(self):
        """Ops created inside belong to a control-flow sub-graph (a loop's
        condition or body, a cond branch, as TF's WhileContext and
        CondContext): yields the list they are appended to, in creation
        order (ops of a sub-graph nested in it go to the inner list only).
        Control dependencies opened outside do not reach them: the
        control-flow op that runs the sub-graph takes those."""
        ops = []
        self._sub_graph_stack.append(ops)
        saved, self._control_stack = self._control_stack, []
        try:
            yield ops
        finally:
            self._sub_graph_stack.pop()
            self._control_stack = saved

    @contextlib.contextmanager
    def as_default(self):
        """Context manager that makes this graph the default graph."""
        _default_graph_stack.append(self)
        try:
            yield self
        finally:
            _default_graph_stack.pop()

    def finalize(self):
        """Makes this graph read-only: adding an op afterwards raises RuntimeError."""
        self._finalized = True

    @property
    def finalized(self):
        """True if this graph has been finalized."""
        return self._finalized

    def _unsafe_unfinalize(self):
        """Opens a finalized graph again (what a MonitoredSession does on
        close to a graph it finalized)."""
        self._finalized = False

    def _watch(self, watcher):
        """Calls `watcher._graph_mutated()` after each change to an existing op
        (an updated input, an added control input), and
        `watcher._graph_shape_narrowed()` after a tensor's static shape is
        narrowed, until `watcher` dies or `_unwatch`es."""
        self._watchers.add(watcher)

    def _unwatch(self, watcher):
        self._watchers.discard(watcher)

    def _mutated(self):
        for watcher in list(self._watchers):
            watcher._graph_mutated()

    def _shape_narrowed(self):
        for watcher in list(self._watchers):
            watcher._graph_shape_narrowed()

    def _check_not_finalized(self):
        if self._finalized:
            raise RuntimeError("Graph is finalized and cannot be modified.")

    # -- export --------------------------------------------------------------

    @property
    def version(self):
        """Returns a version number that increases as ops are added to the graph."""
        return len(self._ops)

    @property
    def graph_def_versions(self):
        """The GraphDef version information of this graph (a VersionDef)."""
        return VersionDef(producer=GRAPH_DEF_VERSION, min_consumer=GRAPH_DEF_VERSION_MIN_CONSUMER)

    def as_graph_def(self, from_version=None, add_shapes=False):
        """Returns a serialized `GraphDef` representation of this graph.

        The serialized `GraphDef` can be imported into another `Graph` (using
        `tf.import_graph_def`) or used with TensorFlow. Each op is written as
        TF's op of its registry entry's mapping. `from_version`: only the
        nodes added since `version` had that value. `add_shapes`: each node
        gets an `_output_shapes` attr with its outputs' inferred shapes.
        Raises ValueError for an op TF has no equivalent of.
        """
        with self._lock:
            return graph_def_of(self, from_version, add_shapes)

    # -- lookup --------------------------------------------------------------

    def get_operations(self):
        """All operations of this graph, in creation order."""
        return list(self._ops)

    def get_operation_by_name(self, name):
        """The `Operation` with the given `name`; KeyError if there is none."""
        if not isinstance(name, str):
            raise TypeError(f"Operation names are strings (or similar), not {type(name).__name__}.")
        if ":" in name:
            raise ValueError(f"Name '{name}' appears to refer to a Tensor, not an Operation.")
        try:
            return self._ops_by_name[name]
        except KeyError:
            raise KeyError(f"The name '{name}' refers to an Operation not in the graph.") from None

    def get_tensor_by_name(self, name):
        """The `Tensor` with the given `name` ("op:index"); KeyError if there is none."""
        if not isinstance(name, str):
            raise TypeError(f"Tensor names are strings (or similar), not {type(name).__name__}.")
        op_name, sep, index = name.rpartition(":")
        if not sep or not index.isdigit():
            raise ValueError(f"The name '{name}' looks like an (invalid) Operation name, "
                             "not a Tensor. Tensor names must be of the form "
                             '"<op_name>:<output_index>".')
        op = self._ops_by_name.get(op_name)
        if op is None:
            raise KeyError(f"The name '{name}' refers to a Tensor which does not exist. "
                           f"The operation, '{op_name}', does not exist in the graph.")
        i = int(index)
        if i >= len(op._outputs):
            raise KeyError(f"The name '{name}' refers to a Tensor which does not exist. The "
                           f"operation, '{op_name}', exists but only has "
                           f"{len(op._outputs)} outputs.")
        return op._outputs[i]

    def as_graph_element(self, obj, allow_tensor=True, allow_operation=True):
        """Returns the Tensor or Operation `obj` names in this graph.

        `obj` may be a Tensor, an Operation, a name string or an object with
        `_as_graph_element()` (a Variable). Raises TypeError or ValueError
        as TF does.
        """
        conv = getattr(obj, "_as_graph_element", None)
        if conv is not None and not isinstance(obj, (Tensor, Operation)):
            obj = conv()
        if isinstance(obj, Tensor) and allow_tensor:
            if obj.graph is not self:
                raise ValueError(f"Tensor {obj} is not an element of this graph.")
            return obj
        if isinstance(obj, Operation) and allow_operation:
            if obj.graph is not self:
                raise ValueError(f"Operation {obj} is not an element of this graph.")
            return obj
        if isinstance(obj, str):
            if ":" in obj and allow_tensor:
                return self.get_tensor_by_name(obj)
            if ":" not in obj and allow_operation:
                return self.get_operation_by_name(obj)
            if ":" not in obj and allow_tensor:
                self.get_operation_by_name(obj)  # KeyError when there is no such op
                raise ValueError(f"The name '{obj}' refers to an Operation, not a Tensor. "
                                 f"Tensor names must be of the form "
                                 f'"<op_name>:<output_index>".')
        kinds = " or ".join(k for k, ok in (("Tensor", allow_tensor),
                                             ("Operation", allow_operation)) if ok)
        raise TypeError(f"Can not convert a {type(obj).__name__} into a {kinds}.")

    def is_feedable(self, tensor):
        """Whether `tensor` may be fed (every tensor may, in fastgraph)."""
        return tensor.graph is self

    def is_fetchable(self, tensor_or_op):
        """Whether `tensor_or_op` may be fetched (every one may, in fastgraph)."""
        return tensor_or_op.graph is self

    # -- collections ---------------------------------------------------------

    def add_to_collection(self, name, value):
        """Stores `value` in the collection `name`."""
        self._collections.setdefault(name, []).append(value)

    def add_to_collections(self, names, value):
        """Stores `value` in each collection of `names`."""
        for n in ([names] if isinstance(names, str) else names):
            self.add_to_collection(n, value)

    def _ref_of(self, variable):
        """The VariableV2 tensor standing for `variable` in this graph (a
        traced function's graph captures variables of other graphs)."""
        return variable._variable

    def get_collection(self, name, scope=None):
        """A copy of the list of values in collection `name`, filtered by `scope`."""
        items = list(self._collections.get(name, ()))
        if scope is None:
            return items
        pat = re.compile(scope)
        return [v for v in items if pat.match(getattr(v, "name", "") or "")]

    def get_collection_ref(self, name):
        """The list behind collection `name` (mutations show in the graph)."""
        return self._collections.setdefault(name, [])

    def get_all_collection_keys(self):
        """The names of all collections of this graph."""
        return [k for k, v in self._collections.items() if v]

    def clear_collection(self, name):
        """Empties collection `name`."""
        self._collections.pop(name, None)

    # -- random seeds --------------------------------------------------------

    def _next_op_seed(self):
        """A distinct op seed per random op when only the graph seed is set."""
        self._last_op_seed += 1
        return self._last_op_seed

    def __repr__(self):
        return f"<fastgraph.Graph with {len(self._ops)} ops>"


_default_graph_stack = []
_global_default_graph = None


def get_default_graph():
    """Returns the default graph for the current thread."""
    global _global_default_graph
    if _default_graph_stack:
        return _default_graph_stack[-1]
    if _global_default_graph is None:
        _global_default_graph = Graph()
    return _global_default_graph


def reset_default_graph():
    """Clears the default graph stack and resets the global default graph."""
    global _global_default_graph
    if _default_graph_stack:
        raise AssertionError("Do not use tf.reset_default_graph() to clear nested graphs.")
    _global_default_graph = Graph()


def name_scope(name, default_name=None, values=None):
    """Context manager for op names under `name` in the default graph (or in
    the graph of `values`, TF1 style)."""
    graph = get_default_graph()
    for v in values or ():
        if isinstance(v, Tensor):
            graph = v.graph
            break
    return graph.name_scope(name if name is not None else default_name)


def control_dependencies(control_inputs):
    """`Graph.control_dependencies` on the default graph."""
    return get_default_graph().control_dependencies(control_inputs)


def device(device_name_or_function):
    """`Graph.device` on the default graph: places nothing, every op runs
    on the CPU."""
    return get_default_graph().device(device_name_or_function)


def add_to_collection(name, value):
    """`Graph.add_to_collection` on the default graph."""
    get_default_graph().add_to_collection(name, value)


def get_collection(key, scope=None):
    """`Graph.get_collection` on the default graph."""
    return get_default_graph().get_collection(key, scope)
