"""A session's plan cache: compiled plans by run signature, the signatures
whose plans were compiled for fed values, and the fast-path memo of both,
dropped together by one `invalidate()`.

Threads: lookups, inserts and frees take one short lock, so a plan that a
lookup found is reserved (an instance taken for the run) before anything
can free it; compiles take a second lock, so one thread compiles a
signature while the others asking for it wait for that plan.
"""

import collections
import threading
import weakref

from ._native.runtime import FastPath
from .framework.graph import Operation, Tensor

__all__ = ["PlanCache", "RunSignature"]


def _slot_order(feed):
    t = feed[0]
    return t.op._id, t.value_index


class RunSignature:
    """One run's request: the unique tensors to fetch, the ops to run, the
    feeds in slot order, and the cache key they make.

    The key is exact: (fetched tensor ids, target op ids, (fed tensor id,
    shape, dtype number) per feed slot). Graph elements live as long as
    their graph, which outlives its sessions' plans.
    """

    __slots__ = ("tensors", "targets", "feeds", "arrays", "key", "leaf_out", "generation", "done")

    def __init__(self, leaves, feeds, done=frozenset()):
        """`leaves`: the fetch leaves (Tensor or Operation, repeats allowed);
        `feeds`: (tensor, array) pairs, one per fed tensor; `done`: ids of
        ops that an earlier stage of a staged run ran (staged_run.py)."""
        tensors, targets, seen, leaf_out = [], [], {}, []
        for leaf in leaves:
            if isinstance(leaf, Operation):
                targets.append(leaf)
                leaf_out.append(-1)
            else:
                k = seen.get(id(leaf))
                if k is None:
                    k = seen[id(leaf)] = len(tensors)
                    tensors.append(leaf)
                leaf_out.append(k)
        if len(feeds) > 1:
            feeds = sorted(feeds, key=_slot_order)
        self.tensors = tensors
        self.targets = targets
        self.feeds = feeds
        self.arrays = [a for _, a in feeds]  # the fed arrays, in feed-slot order
        self.key = (tuple(map(id, tensors)), tuple(map(id, targets)),
                    tuple([(id(t), a.shape, a.dtype.num) for t, a in feeds]))
        if done:
            self.key += (done,)
        self.done = done
        # Per leaf: the plan's fetch it returns, or -1 for an op.
        self.leaf_out = leaf_out
        self.generation = None  # the cache's, when its plan was found or made

    @property
    def fed(self):
        """The fed tensors, in feed-slot order."""
        return [t for t, _ in self.feeds]

    def results(self, outs):
        """Per leaf: its value from the plan's fetches `outs` (a NumPy scalar
        for a 0-d result, as TF), or None for an op."""
        return [None if k < 0 else (outs[k][()] if outs[k].ndim == 0 else outs[k])
                for k in self.leaf_out]


class PlanCache:
    """Compiled plans (NativePlan) of one session, least recently used
    evicted beyond `size`.

    `plans` maps a signature key to its plan; a signature whose plans were
    compiled for the values of some feeds (a fed shape of `tf.fill`) has
    those feed slots in `value_slots`, and each of its plans is kept under
    the key plus the bytes of those feeds. `fast` is the memo of
    `Session.run` (FastPath) and `callables` the FastCallables of
    `make_callable`: each remembers plans it ran, and forgets them with
    the cache.
    """

    def __init__(self, size):
        self.size = size
        self.plans = collections.OrderedDict()
        self.value_slots = collections.OrderedDict()
        self.fast = FastPath(Tensor, Operation)
        # Run requests (leaf ids, fed ids) -> their StagedRun, or None when
        # no host op takes part (staged_run.py); they depend on the graph only.
        self.staged = {}
        # A dropped callable goes with its memo.
        self.callables = weakref.WeakSet()
        self._lock = threading.Lock()
        self.compiling = threading.Lock()
        # Bumped by invalidate(): a run that found its plan before then must
        # not teach the memos about it afterwards.
        self._generation = 0

    # -- plans -----------------------------------------------------------------

    def lookup(self, sig):
        """A reserved run (PlanRun) of the cached plan of `sig`, or None."""
        with self._lock:
            slots = self.value_slots.get(sig.key) if self.value_slots else None
            full = sig.key if slots is None else _with_values(sig.key, slots, sig.feeds)
            native = self.plans.get(full)
            if native is None:
                return None
            self.plans.move_to_end(full)
            if slots is not None:
                self.value_slots.move_to_end(sig.key)
            sig.generation = self._generation
            return native.reserve()

    def insert(self, sig, native):
        """Caches `native`, just compiled for `sig` under `compiling`, and
        returns a reserved run of it; evicts and frees the least recently
        used plans beyond `size`."""
        with self._lock:
            full = sig.key
            if native.plan.value_feeds:
                slots = tuple(k for k, _ in native.plan.value_feeds)
                self.value_slots[sig.key] = slots
                self.value_slots.move_to_end(sig.key)
                while len(self.value_slots) > self.size:
                    self.value_slots.popitem(last=False)
                full = _with_values(sig.key, slots, sig.feeds)
            dropped = [self.plans.pop(full)] if full in self.plans else []
            self.plans[full] = native
            while len(self.plans) > self.size:
                dropped.append(self.plans.popitem(last=False)[1])
            if dropped:
                self._forget_memos()
                for old in dropped:
                    old.free()
            sig.generation = self._generation
            return native.reserve()

    def invalidate(self, keep_plans=False):
        """Drops every plan and what the memos remember of them: the graph
        changed, or the session closes. A run that reserved its plan
        before runs it (unless its session closed: RunGate); a compile in
        progress finishes first, and its plan is dropped too.

        keep_plans: only the memos forget (a static shape was narrowed:
        the plans are still right, but the memos skip the feed checks).
        """
        if keep_plans:
            with self._lock:
                self._generation += 1
                self._forget_memos()
            return
        with self.compiling, self._lock:
            self._generation += 1
            self._forget_memos()
            self.staged.clear()
            for native in self.plans.values():
                native.free()
            self.plans.clear()
            self.value_slots.clear()

    def arena_bytes(self):
        """Bytes of the arenas of the cached plans."""
        with self._lock:
            return sum(p.arena_bytes for p in self.plans.values())

    def __len__(self):
        return len(self.plans)

    # -- the memos -------------------------------------------------------------

    def add_callable(self, call):
        """Registers a FastCallable, to forget its plans with the cache's."""
        self.callables.add(call)

    def remember_run(self, fetches, feed_dict, sig, native):
        """Teaches `fast` the run just made of `fetches` and `feed_dict` by
        the slow path, on `native`. Never a plan compiled for fed values:
        the memo keys by feed shapes only."""
        if not native.plan.value_feeds:
            self.fast.remember(fetches, feed_dict, native, sig.feeds, sig.leaf_out)
            self._forget_if_invalidated(sig)

    def remember_call(self, call, shapes, order, kind, sig, native):
        """Teaches FastCallable `call` its run with argument shapes `shapes`,
        feed slot k taken from argument order[k]."""
        if not native.plan.value_feeds:
            call.remember(shapes, native, order, kind, sig.leaf_out)
            self._forget_if_invalidated(sig)

    def _forget_if_invalidated(self, sig):
        # Checked after the memo learnt, without the lock (every slow run
        # comes here): invalidate() bumps the generation before it clears
        # the memos, so either that clear or this one drops what was learnt
        # of a plan found before it.
        if sig.generation != self._generation:
            with self._lock:
                self._forget_memos()

    def _forget_memos(self):
        self.fast.clear()
        for call in list(self.callables):
            call.clear()


def _with_values(key, slots, feeds):
    """`key` extended by the bytes of the feeds in `slots`: exact, as the
    key already holds their shapes and dtypes."""
    return key + (tuple(feeds[k][1].tobytes() for k in slots),)
