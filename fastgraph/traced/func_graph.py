"""FuncGraph: the graph a traced function is traced into.

Beyond a Graph it knows what a TF2 function body needs:
- variables of other graphs (a `tf.Module`'s, another trace's) are
  captured: one VariableV2 op of this graph stands for each, and the
  function's session binds it to the variable's held buffer;
- every read of a variable is a fresh op ordered after the assigns made
  before it, and each assign after the reads and assigns before it (TF2's
  automatic control dependencies: program order for each variable);
- constants of other graphs are copied in;
- stateful ops are remembered, so a call runs them even when nothing it
  returns depends on them (as TF runs every stateful op of a function);
- creating a variable raises TF's ValueError when the function is traced
  again after its first call.
"""

from ..framework import op_registry
from ..framework.graph import Graph, GraphKeys, Tensor, get_default_graph

__all__ = ["FuncGraph", "SINGLETON_VARIABLES"]

SINGLETON_VARIABLES = (
    "tf.function only supports singleton tf.Variables created on the first call. Make sure "
    "the tf.Variable is only created once or created outside tf.function. See "
    "https://www.tensorflow.org/guide/function#creating_tfvariables for more information.")

# Ops that are state but need not run on their own: a call reads a variable
# through the ops that use it.
_NOT_EFFECTS = frozenset({"VariableV2", "Placeholder", "Const"})
# The collections a function body sees of the graph it is traced from (TF's
# FuncGraph shares these with its outer graph), so that an optimizer's
# `minimize` or `tf.trainable_variables()` inside the body finds the
# variables made outside it.
_OUTER_COLLECTIONS = (GraphKeys.GLOBAL_VARIABLES, GraphKeys.LOCAL_VARIABLES,
                      GraphKeys.TRAINABLE_VARIABLES)
# The attrs naming the ops of a control-flow op's sub-graphs.
_SUB_GRAPHS = ("cond_ops", "body_ops", "branch_ops")


def _flat_ops(ops):
    """The ops of a sub-graph attr (a list, or a list of lists for branches)."""
    out = []
    for o in ops or ():
        out.extend(o if isinstance(o, list) else [o])
    return out


class FuncGraph(Graph):
    """Graph of a traced function: its inputs (placeholders), outputs,
    captured variables and the variables it created."""

    def __init__(self, name, allow_variables=True, outer_graph=None):
        super().__init__()
        self.name = name
        self.outer_graph = get_default_graph() if outer_graph is None else outer_graph
        self.allow_variables = allow_variables
        self.inputs = []
        self.outputs = []
        self.structured_outputs = None
        self.captures = {}  # id(Variable) -> (Variable, VariableV2 op of this graph)
        self.created_variables = []  # VariableV2 ops created by the function itself
        self.initializers = []  # the first Assign of each created variable
        self._stateful = []  # stateful ops, for effect_ops()
        self._const_copies = {}
        self._uninitialized = set()  # id(VariableV2 op) created here, not yet assigned
        self._order = {}  # id(VariableV2 op) -> [last write, reads since]
        self._capturing = False

    # -- variables ---------------------------------------------------------------

    def get_collection(self, name, scope=None):
        """A copy of the list of values in collection `name`, filtered by
        `scope`; the variables collections hold the outer graph's variables
        too (as TF's FuncGraph shares them)."""
        own = super().get_collection(name, scope)
        if name not in _OUTER_COLLECTIONS or self.outer_graph is self:
            return own
        outer = self.outer_graph.get_collection(name, scope)
        seen = {id(v) for v in outer}
        return outer + [v for v in own if id(v) not in seen]

    def _capture_variable(self, variable):
        """(ref, read) of `variable` in this graph; the read is a new op."""
        ref = self._ref_of(variable)
        # A view, as TF1's read: the ops using it see the value the variable
        # holds when they run (each ordered after the assigns made before the
        # read); `own_value` copies a read that is returned.
        return ref, self.create_op("Identity", [ref], name="ReadVariableOp").outputs[0]

    def _ref_of(self, variable):
        if variable.graph is self:
            return variable._variable
        entry = self.captures.get(id(variable))
        if entry is None:
            entry = self.captures[id(variable)] = (variable, self._proxy(variable))
        return entry[1].outputs[0]

    def _capture_ref(self, ref):
        """This graph's VariableV2 tensor for `ref`, the VariableV2 tensor
        of a variable of any graph (what the optimizers' updates take)."""
        if ref.graph is self:
            return ref
        for v in (ref.graph.get_collection(GraphKeys.GLOBAL_VARIABLES)
                  + ref.graph.get_collection(GraphKeys.LOCAL_VARIABLES)):
            if v._variable is ref:
                return self._ref_of(v)
        raise ValueError(f"A traced function cannot update {ref.name}: it is no variable of "
                         "a graph's collections")

    def _proxy(self, variable):
        # Made outside any loop body or control scope: it stands for the
        # variable in the whole graph.
        saved = self._sub_graph_stack, self._control_stack, self._name_stack
        self._sub_graph_stack, self._control_stack, self._name_stack = [], [], ""
        self._capturing = True
        try:
            op = variable.op
            return self.create_op("VariableV2", [], dict(op.attrs), name=op.name)
        finally:
            self._capturing = False
            self._sub_graph_stack, self._control_stack, self._name_stack = saved

    def own_value(self, t):
        """`t`, or for a read of a variable (a view of it) a copy: a returned
        read keeps the value it read when the variable is assigned later in
        the call (TF2's ReadVariableOp gives a value, not the variable)."""
        x = t
        while x.op.opdef.view and x.op.inputs:
            x = x.op.inputs[0]
        if x.op.type != "VariableV2":
            return t
        return self.create_op("Snapshot", [t], name="ReadVariableOp").outputs[0]

    # -- ops ---------------------------------------------------------------------

    def create_op(self, op_type, inputs, attrs=None, name=None, control_inputs=()):
        """Graph.create_op, with captures and automatic control dependencies."""
        inputs = [self._local(t) for t in inputs]
        if op_type == "VariableV2" and not self._capturing and not self.allow_variables:
            raise ValueError(SINGLETON_VARIABLES)
        variables = [t.op for t in inputs
                     if isinstance(t, Tensor) and t.graph is self and t.op.type == "VariableV2"]
        inner = attrs and [o for k in _SUB_GRAPHS for o in _flat_ops(attrs.get(k))]
        if inner:
            # A loop or cond touches the variables its sub-graph ops use.
            seen = {id(v) for v in variables}
            for o in inner:
                for t in o.inputs:
                    if t.op.type == "VariableV2" and t.graph is self and id(t.op) not in seen:
                        seen.add(id(t.op))
                        variables.append(t.op)
        if not variables or self._sub_graph_stack:
            op = super().create_op(op_type, inputs, attrs, name, control_inputs)
            self._note(op)
            return op
        refs = op_registry.get(op_type).ref_inputs
        if inner:
            # ... and may write any of them: ordered as a write.
            writes = {id(v) for v in variables}
        else:
            writes = {id(inputs[i].op) for i in refs if i < len(inputs)
                      and inputs[i].op.type == "VariableV2"}
        if op_type == "Assign" and len(writes) == 1 and next(iter(writes)) in self._uninitialized:
            # A created variable's initializer: it runs once, before the first
            # call, and orders nothing.
            self._uninitialized.discard(next(iter(writes)))
            op = super().create_op(op_type, inputs, attrs, name, control_inputs)
            self.initializers.append(op)
            return op
        deps = list(control_inputs)
        for v in variables:
            last, reads = self._order.setdefault(id(v), [None, []])
            if last is not None:
                deps.append(last)
            if id(v) in writes:
                deps.extend(reads)
        op = super().create_op(op_type, inputs, attrs, name, deps)
        for v in variables:
            state = self._order[id(v)]
            if id(v) in writes:
                state[0], state[1] = op, []
            else:
                state[1].append(op)
        self._note(op)
        return op

    def _note(self, op):
        if op.type == "VariableV2" and not self._capturing:
            self.created_variables.append(op)
            self._uninitialized.add(id(op))
        elif op.opdef.stateful and op.type not in _NOT_EFFECTS and not self._sub_graph_stack:
            self._stateful.append(op)

    def effect_ops(self):
        """The stateful ops a call runs besides its outputs, as TF runs every
        stateful op of a function: all but those only the initializers of
        created variables use (they run once, before the first call)."""
        feeding = set()
        stack = [t.op for op in self.initializers for t in op.inputs[1:]]
        while stack:
            op = stack.pop()
            if id(op) not in feeding:
                feeding.add(id(op))
                stack.extend(t.op for t in op.inputs)
        return [op for op in self._stateful if id(op) not in feeding]

    def _local(self, t):
        """A constant of another graph copied into this one (TF2 captures
        tensors of outer graphs; constants are the ones a function can meet
        without an eager context)."""
        if not isinstance(t, Tensor) or t.graph is self:
            return t
        if t.op.type != "Const":
            return t  # Graph.create_op raises its ValueError
        copy = self._const_copies.get(id(t))
        if copy is None:
            op = super().create_op("Const", [], dict(t.op.attrs), name=t.op.name)
            copy = self._const_copies[id(t)] = (t, op.outputs[0])
        return copy[1]
