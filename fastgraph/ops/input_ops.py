"""Ops of TF1's input pipelines (`train/input.py`): RandomShuffle
(`tf.random.shuffle`). (`limit_epochs` counts with CountUpTo, a state op.)

It is a host op (`OpDef.host`, see staged_run.py) that keeps its Philox
counter per session (a session resource) and draws TF's permutations: TF's
RandomShuffle reserves size - 1 words of the op's stream per run and swaps
element i with i + word % (size - i), so a seeded shuffle gives TF's
sequence of permutations in every session.
"""

import secrets
import threading

import numpy as np

from ..framework import dtypes
from ..framework.dtype_sets import NUMERIC
from ..framework.graphdef_mapping import Attr, NodeMapping, TypeAttr
from ..framework.op_registry import Accepts, NotDifferentiable, OpDef, register
from . import samples
from .arguments import graph_of, to_tensor
from .random_ops import get_seed, philox_outputs

__all__ = ["random_shuffle"]
RANDOM = ["shuffle"]


def _seeds(seed, seed2):
    if seed == 0 and seed2 == 0:
        return secrets.randbits(63), secrets.randbits(63)
    return seed, seed2


def _permutation(seed, seed2, offset, n):
    """TF's Fisher-Yates permutation of n rows from the words at counter
    `offset` of the generator (seed, seed2)."""
    words = philox_outputs(seed, seed2, offset + np.arange((n + 2) // 4 + 1)).reshape(-1)
    perm = np.arange(n)
    for i in range(n - 1):
        j = i + int(words[i]) % (n - i)
        perm[i], perm[j] = perm[j], perm[i]
    return perm


def _shuffled(value, seed, seed2, offset):
    """(value shuffled along dimension 0, the counter words the run took)."""
    value = np.asarray(value)
    if value.ndim == 0 or value.size <= 1 or value.shape[0] <= 1:
        return value.copy(), 0
    n = value.shape[0]
    return value[_permutation(seed, seed2, offset, n)], (n + 2) // 4


def _shuffle_reference(inputs, attrs):
    # The first run's value in a session.
    return [_shuffled(inputs[0], *_seeds(attrs.get("seed", 0), attrs.get("seed2", 0)), 0)[0]]


class _ShuffleState:
    """One RandomShuffle op's seeds and counter in one session."""

    def __init__(self, seed, seed2):
        self.seeds = _seeds(seed, seed2)
        self.offset = 0
        self.lock = threading.Lock()


def _shuffle_host(ctx, op, inputs):
    state = ctx.resource(("random_shuffle", op.name),
                         lambda: _ShuffleState(op.attrs.get("seed", 0), op.attrs.get("seed2", 0)))
    with state.lock:
        value, used = _shuffled(inputs[0], *state.seeds, state.offset)
        state.offset += used
    return [value]


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
