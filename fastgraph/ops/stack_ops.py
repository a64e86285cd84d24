"""ParallelConcat, the op of tf.parallel_stack: inputs of leading dim 1
joined along it, into an output of a shape given when the graph is built.
One concat kernel step (TF's runs its copies in parallel; here the
kernel's shares split the bytes)."""

import numpy as np

from ..framework.dtype_sets import WITH_STRING
from ..framework.graphdef_mapping import Attr, InputList, NodeMapping, TypeAttr
from ..framework.op_registry import Accepts, NoGradient, OpDef, register
from ..framework.tensor_shape import TensorShape, as_shape
from . import samples
from .arguments import graph_of, to_tensor
from .array_ops import _itemsize, expand_dims

__all__ = ["parallel_stack"]


def _parallel_concat_shape(ctx):
    want = ctx.attrs["shape"].as_tuple()
    n = len(ctx.shapes)
    for s in ctx.shapes:
        if s is not None and (len(s) < 1 or (s[0] is not None and s[0] != 1)):
            raise ValueError("Shape must be at least rank 1 and of leading dim 1 (ParallelConcat's "
                             f"values), but is {s}")
    if want is None or None in want:
        raise ValueError("shape attr must be fully defined.")
    if want[0] is not None and want[0] != n:
        raise ValueError(f"Dimension 0 of shape must be {n} (the number of values), got {want[0]}")
    out = list(want)
    for s in ctx.shapes:
        if s is None:
            continue
        if len(s) != len(want):
            raise ValueError(f"Shape must be rank {len(want)} but is rank {len(s)}")
        for i in range(1, len(want)):
            if out[i] is None:
                out[i] = s[i]
            elif s[i] is not None and s[i] != out[i]:
                raise ValueError(f"Dimension {i} in both shapes must be equal, but are {out[i]} "
                                 f"and {s[i]}")
    out[0] = n
    return [tuple(out)]


def _parallel_concat_lower(ctx):
    size = _itemsize(ctx)
    return [len(ctx.shapes), 1] + [int(np.prod(s, dtype=np.int64)) * size
                                   for s in ctx.shapes], None


def _parallel_concat_samples(dtype):
    for i, (n, shape) in enumerate([(3, (2, 4)), (1, (5,)), (2, ()), (4, (0, 2))]):
        yield [samples.values(dtype, (1,) + shape, i + j) for j in range(n)], \
            {"shape": TensorShape((n,) + shape)}


register(OpDef("ParallelConcat", shape=_parallel_concat_shape, dtype=lambda ctx: [ctx.dtypes[0]],
               kernel="concat", lower=_parallel_concat_lower, parallel=True,
               reference=lambda inputs, attrs: [np.concatenate(inputs, axis=0)],
               dtypes=[Accepts("values", WITH_STRING, input=slice(None))],
               samples=_parallel_concat_samples,
               gradient=NoGradient("TensorFlow registers no gradient for ParallelConcat"),
               graphdef=NodeMapping((InputList("values", count_attr="N"),),
                                    [TypeAttr("T", input=0),
                                     Attr("shape", decode=as_shape)])))


def parallel_stack(values, name="parallel_stack"):
    """Stacks a list of rank-`R` tensors into one rank-`(R+1)` tensor in parallel.

    Requires that the shape of inputs be known at graph construction time
    (ValueError otherwise, as TF's).
    Packs the list of tensors in `values` into a tensor with rank one higher
    than each tensor in `values`, by packing them along the first dimension.
    Unlike `stack`, `parallel_stack` does NOT support backpropagation.
    """
    graph = graph_of(list(values))
    with graph.as_default(), graph.name_scope(name):
        first = to_tensor(graph, values[0])
        dims = first.shape.as_tuple()
        shape = TensorShape(None if dims is None else (len(values),) + tuple(dims))
        parts = [expand_dims(to_tensor(graph, v), 0) for v in values]
        return graph.create_op("ParallelConcat", parts, {"shape": shape},
                               name="ParallelConcat").outputs[0]
