"""ConcreteFunction: one trace of a traced function — its FuncGraph, and
the private session that runs the graph's plans, bound to the held buffers
of the variables it uses.

A call runs the session's `make_callable` of the graph's outputs (and its
effects) fed the tensor arguments: on a known set of feed shapes that is
one C call, with no Python per op.
"""

import re

import numpy as np

from ..framework.graph import GraphKeys, Tensor
from . import structure
from .eager_tensor import EagerTensor
from .held_variables import BoundSession, held_buffer, initialize_held

__all__ = ["ConcreteFunction"]


class ConcreteFunction:
    """A traced function specialised to one input signature: a callable
    with a graph (`graph`, `inputs`, `outputs`, `structured_outputs`)."""

    def __init__(self, graph, tensor_slots, input_signature=None):
        self._graph = graph
        self._tensor_slots = tensor_slots  # positions of tensor leaves in the flat arguments
        self.structured_input_signature = input_signature
        self._session = BoundSession(graph)
        self._created = []
        for v in graph.get_collection(GraphKeys.GLOBAL_VARIABLES) + graph.get_collection(
                GraphKeys.LOCAL_VARIABLES):
            if v.graph is graph:
                self._session.bind(v.op, held_buffer(v))
                self._created.append(v)
        self._captured = [v for v, _ in graph.captures.values()]
        for v, op in graph.captures.values():
            self._session.bind(op, held_buffer(v))
        # Variables whose held value is written before the first call.
        self._pending = bool(self._created or self._captured)
        self._dtypes = [np.dtype(t.dtype.np_dtype) for t in graph.inputs]
        effects = graph.effect_ops()
        fetches = list(graph.outputs) + effects
        self._n_out = len(graph.outputs)
        # One tensor returned, nothing else run: the callable gives its array.
        self._single = isinstance(graph.structured_outputs, Tensor) and not effects
        if self._single:
            fetches = graph.outputs[0]
        self._call = (self._session.make_callable(fetches, graph.inputs)
                      if self._single or fetches else None)

    # -- the TF attributes -------------------------------------------------------

    @property
    def graph(self):
        """The FuncGraph this function was traced into."""
        return self._graph

    @property
    def name(self):
        """The name of the traced function."""
        return self._graph.name

    @property
    def inputs(self):
        """The placeholders of the tensor arguments, in order."""
        return list(self._graph.inputs)

    @property
    def outputs(self):
        """The graph tensors of the results, flattened."""
        return list(self._graph.outputs)

    @property
    def structured_outputs(self):
        """The results as the Python function returned them, with graph tensors."""
        return self._graph.structured_outputs

    @property
    def variables(self):
        """The variables this trace uses: created by it, then captured."""
        return tuple(self._created + self._captured)

    def memory_stats(self):
        """The memory of this trace's session (see `Session.memory_stats`)."""
        return self._session.memory_stats()

    # -- calling -----------------------------------------------------------------

    def __call__(self, *args, **kwargs):
        """Runs the trace on arguments of the structure it was traced for."""
        leaves = structure.flatten((args, kwargs))
        if len(leaves) <= (self._tensor_slots[-1] if self._tensor_slots else -1):
            raise TypeError(f"{self.name} takes {len(self._tensor_slots)} tensor arguments")
        return self.call_flat([leaves[i] for i in self._tensor_slots])

    def call_flat(self, values):
        """Runs the trace on the tensor arguments `values` (arrays or
        values NumPy converts), in the order of `inputs`."""
        arrays = [_array(v, d) for v, d in zip(values, self._dtypes)]
        if self._pending:
            self._initialize(arrays)
        outs = self._call(*arrays) if self._call is not None else ()
        return self._results(outs)

    def call_arrays(self, arrays):
        """`call_flat` for NumPy arrays (the session converts any of
        another dtype)."""
        if self._pending:
            self._initialize(arrays)
        if self._single:
            return EagerTensor._of(self._call(*arrays))
        outs = self._call(*arrays) if self._call is not None else ()
        return self._results(outs)

    def _results(self, outs):
        template = self._graph.structured_outputs
        if self._single:
            return EagerTensor(outs)
        if isinstance(template, Tensor):
            return EagerTensor(outs[0])
        if self._n_out == 0:
            return structure.pack_as(template, []) if template is not None else None
        wrapped = [EagerTensor(a) for a in outs[:self._n_out]]
        return structure.pack_as(template, _fill(template, wrapped))

    def _initialize(self, arrays):
        """Writes the variables' first values: the ones this trace created
        from their initial values (which may read the arguments), the
        captured ones from theirs (unless already written)."""
        for v in self._captured:
            initialize_held(v)
        todo = [v for v in self._created if not held_buffer(v).initialized]
        if todo:
            feeds = dict(zip(self._graph.inputs, arrays))
            self._session.run([v.initializer for v in todo], feeds)
        self._pending = False

    # -- inlining ----------------------------------------------------------------

    def inline(self, graph, values):
        """Adds the trace's ops to `graph` (being built) with `values` (its
        tensors) for the inputs; returns the structured outputs there."""
        g = self._graph
        mapped = {id(p): v for p, v in zip(g.inputs, values)}
        variables = {id(op): v for v, op in g.captures.values()}
        variables.update((id(v.op), v) for v in self._created)
        skip = {id(op) for op in g.initializers} | {id(p.op) for p in g.inputs}
        # A loop's or cond's own ops run inside it (its copy keeps pointing
        # at them), never as ops of the graph.
        skip.update(id(o) for op in g.get_operations() for o in _sub_graph_ops(op))
        op_map = {}
        scope = re.sub(r"[^A-Za-z0-9_.\-]", "_", g.name).lstrip("_.-") or "function"
        with graph.as_default(), graph.name_scope(scope):
            for op in g.get_operations():
                if id(op) in skip:
                    continue
                v = variables.get(id(op))
                if v is not None:
                    mapped[id(op.outputs[0])] = self._ref_in(graph, v)
                    continue
                inputs = [mapped[id(t)] for t in op.inputs]
                controls = [op_map[id(c)] for c in op.control_inputs if id(c) in op_map]
                new = graph.create_op(op.type, inputs, dict(op.attrs), name=op.name,
                                      control_inputs=controls)
                op_map[id(op)] = new
                for t, n in zip(op.outputs, new.outputs):
                    mapped[id(t)] = n
        template = g.structured_outputs
        return structure.pack_as(template, _fill(template, [mapped[id(t)] for t in g.outputs]))

    def _ref_in(self, graph, v):
        """The VariableV2 tensor standing for `v` in `graph`: its own, or the
        capture of a traced function's graph being built."""
        if v.graph is graph:
            return v._variable
        capture = getattr(graph, "_capture_variable", None)
        if capture is None:
            raise ValueError(f"A traced function called in a TF1 graph uses the variable "
                             f"{v.name} of another graph; create it in this graph instead.")
        if not any(v is c for c in self._created):
            initialize_held(v)
        return capture(v)[0]

    def __repr__(self):
        return f"<ConcreteFunction {self.name} inputs={self.inputs} outputs={self.outputs}>"

    def __del__(self):
        session = getattr(self, "_session", None)
        if session is not None:
            session.close()


def _array(value, dtype):
    if isinstance(value, EagerTensor):
        value = value._array
    if type(value) is np.ndarray and value.dtype == dtype and value.flags.c_contiguous:
        return value
    return np.ascontiguousarray(np.asarray(value).astype(dtype, copy=False))


def _sub_graph_ops(op):
    """The ops of the control-flow sub-graphs `op` runs (a while_loop's
    condition and body, a cond's branches)."""
    for key in ("cond_ops", "body_ops", "branch_ops"):
        ops = op.attrs.get(key)
        if ops:
            for o in ops:
                if isinstance(o, list):
                    yield from o
                else:
                    yield o


def _fill(template, values):
    """The leaves of `template` (graph tensors and None) with its tensors
    replaced by `values`, in order."""
    it = iter(values)
    return [next(it) if isinstance(leaf, Tensor) else None
            for leaf in structure.flatten(template)]

