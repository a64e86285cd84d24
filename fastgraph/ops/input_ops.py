"""Ops of TF1's input pipelines (`train/input.py`): RandomShuffle
(`tf.random.shuffle`) and CountUpToLimit, the check half of `count_up_to`.

Both are host ops (`OpDef.host`, see staged_run.py). RandomShuffle keeps a
generator per session (a session resource), seeded by its op's seeds, so a
seeded shuffle gives the same sequence of permutations in every session
(not TF's: TF's Philox stream is its own). `count_up_to(ref, limit)` (state_ops) is an
atomic AssignAdd of the variable followed by CountUpToLimit, which gives
the count before the increment, or OutOfRangeError "Reached limit of
<limit>" once the count passed `limit` (unlike TF's CountUpTo, the variable
then goes on counting past the limit).
"""

import threading

import numpy as np

from ..framework import dtypes, errors
from ..framework.dtype_sets import NUMERIC
from ..framework.graphdef_mapping import Attr, NodeMapping, NoGraphDef, TypeAttr
from ..framework.op_registry import Accepts, NoGradient, NotDifferentiable, OpDef, register
from . import samples
from .arguments import graph_of, to_tensor
from .random_ops import get_seed

__all__ = ["random_shuffle"]
RANDOM = ["shuffle"]

def _generator(seed, seed2):
    if seed == 0 and seed2 == 0:
        return np.random.default_rng()
    return np.random.default_rng([int(seed) & 0xFFFFFFFFFFFFFFFF, int(seed2) & 0xFFFFFFFFFFFFFFFF])


def _shuffled(rng, value):
    value = np.asarray(value)
    if value.ndim == 0:
        return value.copy()
    return value[rng.permutation(value.shape[0])]


def _shuffle_reference(inputs, attrs):
    # The first run's value: a fresh generator from the op's seeds.
    return [_shuffled(_generator(attrs.get("seed", 0), attrs.get("seed2", 0)), inputs[0])]


class _ShuffleState:
    """One RandomShuffle op's generator in one session."""

    def __init__(self, seed, seed2):
        self.rng = _generator(seed, seed2)
        self.lock = threading.Lock()


def _shuffle_host(ctx, op, inputs):
    state = ctx.resource(("random_shuffle", op.name),
                         lambda: _ShuffleState(op.attrs.get("seed", 0), op.attrs.get("seed2", 0)))
    with state.lock:
        return [_shuffled(state.rng, inputs[0])]


def _same_shape(ctx):
    return [ctx.shapes[0]]


def _same_dtype(ctx):
    return [ctx.dtypes[0]]


def _shuffle_samples(dtype):
    if dtype == dtypes.string:
        yield [samples.known(np.array([b"a", b"b", b"c", b"d", b"e"], dtype=object))], \
            {"seed": 3, "seed2": 4}
        return
    yield [samples.values(dtype, (7,), 1)], {"seed": 87654321, "seed2": 5}
    yield [samples.values(dtype, (5, 3), 2)], {"seed": 1, "seed2": 2}


_SHUFFLE_TYPES = NUMERIC + (dtypes.bool, dtypes.string)
register(OpDef("RandomShuffle", shape=_same_shape, dtype=_same_dtype, stateful=True,
               host=_shuffle_host, reference=_shuffle_reference,
               dtypes=[Accepts("value", _SHUFFLE_TYPES)], samples=_shuffle_samples,
               graphdef=NodeMapping(("value",), [Attr("seed", default=0),
                                                 Attr("seed2", default=0),
                                                 TypeAttr("T", input=0)])))
NotDifferentiable("RandomShuffle")


def random_shuffle(value, seed=None, name=None):
    """Randomly shuffles a tensor along its first dimension.

    The tensor is shuffled along dimension 0, such that each `value[j]` is
    mapped to one and only one `output[i]`.
    """
    graph = graph_of([value])
    with graph.as_default():
        value = to_tensor(graph, value)
        seed1, seed2 = get_seed(seed)
        return graph.create_op("RandomShuffle", [value],
                               {"seed": seed1 or 0, "seed2": seed2 or 0},
                               name=name or "RandomShuffle").outputs[0]


shuffle = random_shuffle


# -- CountUpToLimit -------------------------------------------------------------------

def _count_reference(inputs, attrs):
    count = np.asarray(inputs[0])
    limit = attrs["limit"]
    if count > limit:
        raise errors.OutOfRangeError(None, None, f"Reached limit of {limit}")
    return [count - np.asarray(1, dtype=count.dtype)]


def _count_host(ctx, op, inputs):
    return _count_reference(inputs, op.attrs)


def _count_samples(dtype):
    yield [samples.known(np.asarray(1, dtype=dtype.np_dtype))], {"limit": 3}
    yield [samples.known(np.asarray(3, dtype=dtype.np_dtype))], {"limit": 3}


register(OpDef("CountUpToLimit", shape=lambda ctx: [()], dtype=_same_dtype, stateful=True,
               host=_count_host, reference=_count_reference,
               dtypes=[Accepts("ref", (dtypes.int32, dtypes.int64))], samples=_count_samples,
               graphdef=NoGraphDef("fastgraph's check half of count_up_to (TF's CountUpTo, "
                                   "which increments a ref variable in one kernel)"),
               gradient=NoGradient("CountUpTo has no gradient in TF")))

