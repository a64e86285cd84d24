"""Concrete shapes and known values of every tensor of a scheduled run.

Walks the schedule once: each op gets its output shapes from its registry
entry and, where its inputs are known, its output values by folding
(`framework.static_values`). A shape that needs the value of a small fed
integer tensor (`tf.fill(n, 0.0)` with `n` fed) has that value baked in:
the plan is then right only for runs feeding the same value. Baking does
not start inference again; the ops already inferred that follow from the
baked feeds are folded again, and the walk goes on.
"""

import heapq

import numpy as np

from ..framework import errors
from ..framework.op_registry import AttrFromInput, InferenceContext, resolve_attrs
from ..framework.static_values import FOLD_LIMIT, fold
from ..framework.tensor_shape import debug_string
from .prune import prune
from .schedule import schedule

__all__ = ["Inference", "VALUE_FEED_LIMIT", "sub_shapes"]

# A fed integer tensor of at most this many elements may decide shapes
# (`tf.fill(n, 0.0)`, `tf.reshape(x, fed_shape)`): the plan is compiled for
# its value and kept under it. Bigger or non-integer feeds never are, so that
# data feeds do not compile a plan per value.
VALUE_FEED_LIMIT = 64


def _complete(shapes):
    """Whether `shapes` (None, or shapes that may hold None) are all known."""
    return shapes is not None and all(
        s is not None and all(d is not None for d in s) for s in shapes)


def sub_shapes(fetches, feeds):
    """The concrete shapes of `fetches` (tensors of a control-flow
    sub-graph) when `feeds` ((tensor, concrete shape) pairs) are fed."""
    fed = [t for t, _ in feeds]
    order = schedule(prune(fetches, [], fed), fed)
    inferred = Inference(order, {t: (tuple(s), t.dtype) for t, s in feeds})
    return [inferred.shapes[id(t)] for t in fetches]


class Inference:
    """Shapes and values of the tensors of `order` (ops in schedule order),
    fed tensors `feeds` (dict tensor -> (concrete shape, DType)).

    `offered` maps fed tensor ids to this run's values of the feeds that
    may decide shapes. After construction: `shapes` and `values` (tensor id
    -> shape tuple / NumPy array, values where known), `resolved` (op id ->
    attrs with input values in place, for ops whose attributes waited for
    one) and `baked` (fed tensor id -> the value the plan was compiled for).
    Raises InvalidArgumentError for an unfed placeholder or shapes that do
    not fit.
    """

    def __init__(self, order, feeds, offered=None):
        self.feeds = feeds
        self.offered = offered or {}
        self.shapes = {id(t): shape for t, (shape, _) in feeds.items()}
        self.values = {}
        self.resolved = {}
        self.baked = {}
        self._order = order
        self._position = {id(op): k for k, op in enumerate(order)}
        for k, op in enumerate(order):
            self._infer(k, op)

    def _infer(self, k, op):
        """Shapes and, where known, values of the outputs of `op`, the k-th
        op of the schedule."""
        outs = op._outputs
        shapes, values = self.shapes, self.values
        if outs and all(id(t) in shapes for t in outs):
            return  # fed
        if op._type == "Placeholder":
            t = outs[0]
            raise errors.InvalidArgumentError(
                None, op,
                f"You must feed a value for placeholder tensor '{op.name}' with dtype "
                f"{t.dtype.message_name} and shape {debug_string(t.shape.as_tuple() or ())}")
        attrs = self._resolve(op)
        attempt = None if attrs is None else self._try_shapes(op, attrs)
        if attempt is None or not _complete(attempt[1]):
            attempt = self._with_fed_values(k, op, attrs, attempt)
        ctx, out_shapes, _ = attempt
        out_shapes = [tuple(int(d) for d in s) for s in out_shapes]
        for t, s in zip(outs, out_shapes):
            shapes[id(t)] = s
        self._fold(op, ctx, out_shapes)

    def _with_fed_values(self, k, op, attrs, attempt):
        """Inference of the k-th op `op` when its attributes (`attrs` None)
        or shapes (`attempt`: (ctx, shapes, ValueError) of the first try)
        wait for values: the offered feeds those follow from are baked, once
        for the attributes and once for the shapes, and each is tried once
        more; the feeds baked then are all that the values follow from.
        Raises InvalidArgumentError when that does not tell them."""
        if attrs is None:
            if self._bake(self._wanted([op._inputs[self._missing(op).index]]), k):
                attrs = self._resolve(op)
            if attrs is None:
                missing = self._missing(op)
                raise errors.InvalidArgumentError(
                    None, op, f"fastgraph needs `{missing.what}` of {op.name} when the plan is "
                    f"compiled, but {op._inputs[missing.index].name} depends on a fed value "
                    f"that is not an integer tensor of at most {VALUE_FEED_LIMIT} elements "
                    "(the only fed values a plan is compiled for)")
            attempt = self._try_shapes(op, attrs)
        if not _complete(attempt[1]) and self._bake(self._wanted(self._unknown(op)), k):
            attempt = self._try_shapes(op, attrs)
        ctx, out_shapes, error = attempt
        if error is not None:
            # A shape that does not fit (or waits for a value no feed gives).
            raise errors.InvalidArgumentError(None, op, str(error)) from None
        if not _complete(out_shapes):
            t = next(t for t, s in zip(op._outputs, out_shapes) if not _complete([s]))
            # Shapes follow from integers: a float feed is data, not the cause.
            fed = [f for f in self._fed_sources(self._unknown(op)) if f.dtype.is_integer]
            why = (f": it depends on the value of {', '.join(f.name for f in fed)}, which is "
                   f"not an integer tensor of at most {VALUE_FEED_LIMIT} elements (the only "
                   "fed values a plan is compiled for)") if fed else ""
            raise errors.InvalidArgumentError(
                None, op, f"Could not infer the shape of {t.name} when the plan is "
                f"compiled{why}")
        return attempt

    def _resolve(self, op):
        """op's attrs with input values in place (recorded in `resolved`), or
        None when a value they need is unknown."""
        attrs = op._attrs
        try:
            attrs = resolve_attrs(attrs, [self.values.get(id(t)) for t in op._inputs])
        except ValueError as e:
            raise errors.InvalidArgumentError(None, op, str(e)) from None
        if attrs is not None and attrs is not op._attrs:
            self.resolved[id(op)] = attrs
        return attrs

    def _missing(self, op):
        """The AttrFromInput of `op` whose input value is unknown."""
        return next(v for v in op._attrs.values()
                    if isinstance(v, AttrFromInput) and id(op._inputs[v.index]) not in self.values)

    def _try_shapes(self, op, attrs):
        """(ctx, output shapes (None on an error), the shape function's
        ValueError or None)."""
        inputs = op._inputs
        ctx = InferenceContext(op, [self.shapes[id(t)] for t in inputs],
                               [t.dtype for t in inputs],
                               [self.values.get(id(t)) for t in inputs], attrs)
        ctx.sub_shapes = sub_shapes
        try:
            return ctx, op.opdef.shape(ctx), None
        except ValueError as e:
            return ctx, None, e

    def _unknown(self, op):
        return [t for t in op._inputs if id(t) not in self.values]

    def _fold(self, op, ctx, out_shapes):
        """Records the values of op's outputs if they follow from ctx;
        whether they did."""
        folded = fold(op, ctx, out_shapes, FOLD_LIMIT)
        if folded is None:
            return False
        for t, v in zip(op._outputs, folded):
            self.values[id(t)] = v
        return True

    def _fed_sources(self, tensors):
        """The fed tensors whose values the unknown values of `tensors` follow from."""
        found, seen = [], set()
        stack = [t for t in tensors if id(t) not in self.values]
        while stack:
            t = stack.pop()
            if id(t) in seen:
                continue
            seen.add(id(t))
            if t in self.feeds:
                found.append(t)
            else:
                stack.extend(x for x in t.op._inputs if id(x) not in self.values)
        return found

    def _wanted(self, tensors):
        """The offered feeds, not baked yet, that the values of `tensors` follow from."""
        return [t for t in self._fed_sources(tensors)
                if id(t) in self.offered and id(t) not in self.baked]

    def _bake(self, tensors, upto):
        """Takes the values of fed `tensors` as known, and folds again the
        ops before schedule position `upto` whose values follow from them
        now; whether there were any tensors."""
        queued = set()
        ready = []

        def consumers_of(t):
            for c in t._consumers:
                j = self._position.get(id(c))
                if j is not None and j < upto and j not in queued:
                    queued.add(j)
                    heapq.heappush(ready, j)

        for t in tensors:
            # A copy: the caller may change its array after the run.
            value = np.array(self.offered[id(t)], order="C")
            self.baked[id(t)] = value
            self.values[id(t)] = value
            consumers_of(t)
        while ready:
            op = self._order[heapq.heappop(ready)]
            outs = op._outputs
            if all(t in self.feeds for t in outs) or all(id(t) in self.values for t in outs):
                continue  # fed (never inferred), or known already
            ctx = InferenceContext(op, [self.shapes[id(t)] for t in op._inputs],
                                   [t.dtype for t in op._inputs],
                                   [self.values.get(id(t)) for t in op._inputs],
                                   self.resolved.get(id(op), op._attrs))
            if self._fold(op, ctx, [self.shapes[id(t)] for t in outs]):
                for t in outs:
                    consumers_of(t)
        return bool(tensors)
