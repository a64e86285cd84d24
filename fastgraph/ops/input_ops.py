"""Ops of TF1's input pipelines (`train/input.py`): RandomShuffle
(`tf.random.shuffle`). (`limit_epochs` counts with CountUpTo, a state op.)

It is a host op (`OpDef.host`, see staged_run.py) that keeps a
generator per session (a session resource), seeded by its op's seeds, so a
seeded shuffle gives the same sequence of permutations in every session
(not TF's: TF's Philox stream is its own).
"""

import threading

import numpy as np

from ..framework import dtypes
from ..framework.dtype_sets import NUMERIC
from ..framework.graphdef_mapping import Attr, NodeMapping, TypeAttr
from ..framework.op_registry import Accepts, NotDifferentiable, OpDef, register
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
