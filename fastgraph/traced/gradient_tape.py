"""GradientTape: TF2's way to ask for gradients, in the graph being built
(a traced function's, or a TF1 graph).

fastgraph has no eager mode, so the tape records nothing: `gradient`
differentiates the graph (`tf.gradients`). A variable's gradient is the
sum over the reads of it in the graph (in a traced function each read of
a variable is an op of its own, as TF2's ReadVariableOp).
"""

from ..api.gradients_impl import UnconnectedGradients, gradients
from ..api.math_ops import add_n
from ..framework.graph import Tensor, get_default_graph
from ..ops.indexing_ops import zeros_like
from ..ops.state_ops import Variable
from . import structure

__all__ = ["GradientTape"]

_READS = ("Snapshot", "Identity")


class GradientTape:
    """Record operations for automatic differentiation.

    Used as a context manager around the computation; `gradient(target,
    sources)` then gives the gradients of `target` with respect to each
    source (a tensor or a variable; a nested structure of them).
    """

    def __init__(self, persistent=False, watch_accessed_variables=True):
        self._persistent = persistent
        self._watch_accessed_variables = watch_accessed_variables
        self._used = False
        self._watched = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def watch(self, tensor):
        """Ensures that `tensor` is being traced by this tape."""
        self._watched.extend(structure.flatten(tensor))

    def watched_variables(self):
        """The variables watched with `watch`."""
        return tuple(v for v in self._watched if isinstance(v, Variable))

    def reset(self):
        """Clears all information stored in this tape."""
        self._watched = []

    def stop_recording(self):
        """A context manager in which operations are not recorded (all are
        graph ops in fastgraph: a no-op)."""
        return _NoRecording()

    def gradient(self, target, sources, output_gradients=None,
                 unconnected_gradients=UnconnectedGradients.NONE):
        """The gradients of `target` (a tensor, or a structure whose sum is
        differentiated) with respect to `sources`, in their structure."""
        if self._used and not self._persistent:
            raise RuntimeError("A non-persistent GradientTape can only be used to compute one "
                               "set of gradients (or jacobians)")
        self._used = True
        targets = [t for t in structure.flatten(target) if t is not None]
        grad_ys = None if output_gradients is None else structure.flatten(output_gradients)
        flat = structure.flatten(sources)
        graph = targets[0].graph if targets and isinstance(targets[0], Tensor) else (
            get_default_graph())
        # One backward pass for every source: the reads of all, together.
        groups = [_reads(graph, s) if isinstance(s, Variable) else [s] for s in flat]
        xs = [x for g in groups for x in g]
        grads = iter(gradients(targets, xs, grad_ys) if xs else [])
        out = []
        for s, group in zip(flat, groups):
            got = [g for g in (next(grads) for _ in group) if g is not None]
            if not got:
                if unconnected_gradients in (UnconnectedGradients.ZERO, "zero"):
                    got = [zeros_like(s.value() if isinstance(s, Variable) else s)]
                else:
                    out.append(None)
                    continue
            out.append(got[0] if len(got) == 1 else add_n(got))
        return structure.pack_as(sources, out)


def _reads(graph, variable):
    """The tensors through which `graph` reads `variable`."""
    capture = getattr(graph, "captures", {}).get(id(variable))
    ref = capture[1].outputs[0] if capture is not None else (
        variable._variable if variable.graph is graph else None)
    if ref is None:
        return []
    return [op.outputs[0] for op in ref.consumers() if op.type in _READS]


class _NoRecording:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False
