"""Functions given to `Dataset.map`, `filter`, `flat_map` and
`interleave`, traced once into a sub-graph of the dataset's graph and run
by the iterator's session for each element."""

import numpy as np

from ..framework import dtypes
from ..framework.graph import get_default_graph
from ..ops.arguments import to_tensor
from ..ops.array_ops import placeholder
from .data_structure import TensorSpec, flatten, normalize_element, pack_sequence_as

__all__ = ["TracedFunction"]

_PLACEHOLDERS = ("Placeholder", "PlaceholderWithDefault")


def _should_unpack(structure):
    return type(structure) is tuple  # noqa: E721 - TF unpacks plain tuples only


class TracedFunction:
    """A user function traced once on placeholders shaped as `spec` (a
    nested structure of TensorSpec) into a sub-graph of `graph`.

    `outputs` are its result tensors (flattened; `structure` their nesting),
    or `dataset` when it returns a Dataset. `captures` are the placeholders
    of the outer graph it reads, fed with their values at initialization.
    """

    def __init__(self, fn, spec, what, returns_dataset=False, graph=None):
        if not callable(fn):
            raise TypeError(f"`{what}` must be callable, got {fn!r}")
        graph = graph or get_default_graph()
        self.graph = graph
        flat = flatten(spec)
        with graph.as_default(), graph._sub_graph() as ops, graph.name_scope(what):
            self.inputs = [placeholder(s.dtype, s.shape.as_tuple() if s.shape.rank is not None
                                       else None, name="arg") for s in flat]
            args = pack_sequence_as(spec, self.inputs)
            out = fn(*args) if _should_unpack(args) else fn(args)
            self.dataset = None
            if returns_dataset:
                if not hasattr(out, "_iterate"):
                    raise TypeError(f"The `map_func` argument must return a `Dataset` object. "
                                    f"Got {type(out).__name__}.")
                self.dataset = out
                self.structure, self.outputs = None, []
            else:
                out = normalize_element(out)
                self.structure = out
                self.outputs = [to_tensor(graph, x) for x in flatten(out)]
        mine = {id(op) for op in ops}
        mine.update(id(t.op) for t in self.inputs)
        seen, captures = set(), []
        for op in ops:
            for t in op._inputs:
                if id(t.op) not in mine and t.op.type in _PLACEHOLDERS and id(t) not in seen:
                    seen.add(id(t))
                    captures.append(t)
        for t in self.outputs:
            if id(t.op) not in mine and t.op.type in _PLACEHOLDERS and id(t) not in seen:
                seen.add(id(t))
                captures.append(t)
        if self.dataset is not None:
            for t in self.dataset._captured():
                if id(t.op) not in mine and id(t) not in seen:
                    seen.add(id(t))
                    captures.append(t)
        self.captures = captures

    def output_spec(self):
        """The nested TensorSpec of the function's result."""
        return pack_sequence_as(self.structure, [
            TensorSpec(t.shape, t.dtype) for t in self.outputs])

    def caller(self, env):
        """A function of an element's values giving the result's values,
        compiled once per pipeline (a session callable)."""
        run = env.shared(("call", id(self)), lambda: env.session.make_callable(
            self.outputs, feed_list=self.inputs + self.captures))
        extra = [env.value(t) for t in self.captures]
        strings = [t.dtype == dtypes.string for t in self.outputs]

        def call(values):
            outs = run(*values, *extra)
            return [np.asarray(v, dtype=object) if s else np.asarray(v)
                    for v, s in zip(outs, strings)]
        return call

    def bound(self, env, values):
        """`env` with the function's placeholders bound to `values`."""
        return env.child(list(zip(self.inputs, values)))
