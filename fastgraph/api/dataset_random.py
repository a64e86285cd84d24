"""The random streams of tf.data's seeded transformations, as TF draws them.

TF's dataset kernels draw 32-bit words one at a time from
`SingleSampleAdapter<PhiloxRandom>(seed, seed2)`: the four words of each
Philox block in order. A shuffle that reshuffles each iteration takes the
seeds of each iteration from a seed generator, itself such a stream over the
dataset's seeds, two words per iteration (TF's RandomSeedGenerator); one that
does not uses the dataset's seeds every time. Seeds of (0, 0) mean "seeded
non-deterministically" (fresh 64-bit seeds, as TF's random::New64).
"""

import secrets

import numpy as np

from ..ops.random_ops import get_seed, philox_outputs

__all__ = ["PhiloxStream", "dataset_seeds", "resolve_seeds", "SeedGenerator"]

_MAXINT32 = 2**31 - 1
_BLOCKS = 64  # Philox blocks made at once: 256 words per NumPy call


class PhiloxStream:
    """The words of TF's SingleSampleAdapter<PhiloxRandom>(seed, seed2), in
    the order TF's kernels draw them (uint32 each)."""

    def __init__(self, seed, seed2):
        self._seed, self._seed2 = int(seed) % 2**64, int(seed2) % 2**64
        self._block = 0
        self._words = []
        self._next = 0

    def __call__(self):
        """The next word."""
        if self._next == len(self._words):
            self._words = philox_outputs(self._seed, self._seed2,
                                         self._block + np.arange(_BLOCKS)).reshape(-1).tolist()
            self._block += _BLOCKS
            self._next = 0
        w = self._words[self._next]
        self._next += 1
        return w


def dataset_seeds(seed):
    """The (seed, seed2) a dataset op takes for the op-level `seed`, as TF's
    tf.data `random_seed.get_seed`: the graph's rules, missing seeds as 0,
    and (0, 0) from given seeds moved to (0, 2**31 - 1)."""
    s, s2 = get_seed(seed)
    if s2 is None:
        return (0 if s is None else s), 0
    s = 0 if s is None else s
    if s == 0 and s2 == 0:
        s2 = _MAXINT32
    return s, s2


def resolve_seeds(seeds):
    """The seeds one run of a dataset op uses: fresh ones for (0, 0)."""
    s, s2 = seeds
    if s == 0 and s2 == 0:
        return secrets.randbits(64), secrets.randbits(64)
    return s, s2


class SeedGenerator:
    """The seeds of each iteration of a shuffle: TF's RandomSeedGenerator
    (two words of a stream over the dataset's seeds per iteration) when it
    reshuffles, TF's FixedSeedGenerator (the dataset's seeds) when not."""

    def __init__(self, seeds, reshuffle):
        self._seeds = seeds
        self._stream = PhiloxStream(*seeds) if reshuffle else None

    def next_seeds(self):
        """The (seed, seed2) of the next iteration."""
        if self._stream is None:
            return self._seeds
        return self._stream(), self._stream()
