"""Batch inference on a Dask cluster: `fastgraph.dask.run` maps a graph's
fetches over the blocks of feeds that are `dask.array`s chunked along the
batch axis (axis 0), and returns `dask.array`s of the results.

What travels to a worker is a `Program`: the graph's serialized GraphDef
and the values the session holds for its variables (NumPy arrays); each
block's task adds the names of the fed and fetched tensors and the feeds
that are not dask arrays. No Python graph object is pickled. The program is
one key of the Dask graph, so a worker receives it once per computation
however many blocks it runs, and it keeps one Session per graph fingerprint
(`Program.fingerprint`, a hash of the GraphDef and the values), so a later
computation on the same graph and values, whatever it fetches, reuses the
session built for the first. Each block then runs as a local
`Session.run` of those blocks would, so the results are those of a local run.

It runs on whatever scheduler Dask is using: a `dask.distributed` Client
(its workers import fastgraph themselves, so install it on every machine of
the cluster), the threaded scheduler, or the synchronous one.

On a real multi-machine cluster, install the same fastgraph (and numpy,
dask[array], distributed) on every machine, start a scheduler on one of
them (`dask scheduler`), a worker on each (`dask worker tcp://HOST:8786
--nthreads 1 --nworkers N`: fastgraph's kernels use their own threads, see
FASTGRAPH_NUM_THREADS, so one Dask thread per worker process keeps the cores
from being oversubscribed), and connect to it before calling `run`:

    from dask.distributed import Client
    client = Client("tcp://HOST:8786")
    images = dask.array.from_zarr(...).rechunk({0: 256})
    probs = fastgraph.dask.run(softmax, {x: images}, session=sess)
    probs.to_zarr(...)                 # or probs.compute()

`dask[array]` and `distributed` come with fastgraph's `dask` extra
(`pip install "fastgraph[dask]"`).
"""

import collections
import hashlib
import operator
import threading

import numpy as np

import dask
import dask.array as da

from .framework import errors
from .framework.graph import Graph, Operation, Tensor, get_default_graph
from .framework.graph_import import GraphDef, import_graph_def
from .framework.session_stack import get_default_session
from .ops.array_ops import placeholder
from .ops.state_ops import assign
from .session import Session

__all__ = ["run", "Program"]

# How many graphs a worker keeps sessions for; the oldest is closed past it.
_SESSIONS_KEPT = 8


class Program:
    """What a worker needs to hold a graph's session: the GraphDef's bytes
    and the variables' values. Pickles as bytes and arrays; `fingerprint`
    (a hash of both) names the session workers keep for it."""

    def __init__(self, graph_def, variables):
        self.graph_def = graph_def
        self.variables = variables          # [(variable op name, value)]
        h = hashlib.sha256(graph_def)
        for name, value in variables:
            value = np.asarray(value)
            h.update(repr((name, value.dtype.str, value.shape)).encode())
            h.update(value.tobytes() if value.dtype != object else repr(value.tolist()).encode())
        self.fingerprint = h.hexdigest()

    def __dask_tokenize__(self):
        return ("fastgraph.dask.Program", self.fingerprint)


class _Runner:
    """A worker's session on the imported graph of a Program."""

    def __init__(self, program):
        self.graph = Graph()
        with self.graph.as_default():
            import_graph_def(GraphDef.FromString(program.graph_def), name="")
            loads, feeds = [], {}
            for name, value in program.variables:
                var = self.graph.get_operation_by_name(name).outputs[0]
                value = np.asarray(value)
                slot = placeholder(var.dtype, value.shape)
                loads.append(assign(var, slot, validate_shape=False).op)
                feeds[slot] = value
        self.session = Session(graph=self.graph)
        if loads:
            self.session.run(loads, feeds)

    def run(self, call, blocks):
        get = self.graph.get_tensor_by_name
        feeds = {get(n): v for n, v in call.fixed_feeds}
        feeds.update(zip((get(n) for n in call.feed_names), blocks))
        return tuple(self.session.run([get(n) for n in call.fetch_names], feeds))


class _Call:
    """One `run`'s names: the blocked feeds (in block-argument order), the
    fetches, and the feeds that are the same for every block."""

    def __init__(self, feed_names, fetch_names, fixed_feeds):
        self.feed_names = feed_names
        self.fetch_names = fetch_names
        self.fixed_feeds = fixed_feeds      # [(tensor name, value)]


_runners = collections.OrderedDict()
_runners_lock = threading.Lock()


def _runner(program):
    """The worker's runner of `program`, made on its first block."""
    with _runners_lock:
        runner = _runners.get(program.fingerprint)
        if runner is not None:
            _runners.move_to_end(program.fingerprint)
            return runner
        runner = _Runner(program)
        _runners[program.fingerprint] = runner
        while len(_runners) > _SESSIONS_KEPT:
            _, old = _runners.popitem(last=False)
            old.session.close()
        return runner


def cached_fingerprints():
    """The fingerprints of the programs this process holds sessions for
    (for `Client.run`, to see what a worker keeps)."""
    with _runners_lock:
        return list(_runners)


def _run_block(program, call, *blocks):
    out = _runner(program).run(call, blocks)
    rows = len(blocks[0])
    for name, value in zip(call.fetch_names, out):
        if np.ndim(value) == 0 or len(value) != rows:
            raise errors.InvalidArgumentError(
                None, None, f"fastgraph.dask.run: fetch {name} has shape {np.shape(value)} "
                f"for a block of {rows} rows; each fetch must keep the batch axis first")
    return out


def _flatten(fetches):
    """(list of fetched Tensors, function rebuilding the structure)."""
    if isinstance(fetches, (list, tuple)):
        parts = [_flatten(f) for f in fetches]
        flat = [t for p in parts for t in p[0]]

        def rebuild(values):
            out, k = [], 0
            for p in parts:
                n = len(p[0])
                out.append(p[1](values[k:k + n]))
                k += n
            return type(fetches)(out) if not hasattr(fetches, "_fields") else type(fetches)(*out)
        return flat, rebuild
    if isinstance(fetches, dict):
        keys = list(fetches)
        flat, rebuild_list = _flatten([fetches[k] for k in keys])
        return flat, lambda values: dict(zip(keys, rebuild_list(values)))
    return [fetches], lambda values: values[0]


def run(fetches, feed_dict, session=None, graph=None):
    """Runs `fetches` over the blocks of `feed_dict`'s dask arrays on the
    current Dask scheduler and returns them as `dask.array`s.

    Args:
      fetches: a Tensor (or tensor name), or a list, tuple or dict of them,
        each with the batch axis first.
      feed_dict: maps placeholders (or names) to values. `dask.array`s are
        split along axis 0 (rechunked to the chunks of the first one, and to
        one chunk along every other axis); other values (NumPy arrays,
        scalars) are fed whole to every block.
      session: the Session whose variable values the workers use; the
        default session when None. Needed when the graph has variables.
      graph: the graph of `fetches` (the session's, or the default graph).

    Returns:
      `fetches`' structure of `dask.array`s, chunked along axis 0 as the
      feeds. Computing them runs each block in a Session on a worker, which
      gives the values a local `session.run` of that block gives.
    """
    session = session if session is not None else get_default_session()
    if graph is None:
        graph = session.graph if session is not None else get_default_graph()
    elif session is not None and session.graph is not graph:
        raise ValueError("fastgraph.dask.run: the session runs another graph than `graph`")

    flat, rebuild = _flatten(fetches)
    tensors = []
    for f in flat:
        t = graph.as_graph_element(f.name if isinstance(f, (Tensor, Operation)) else f)
        if not isinstance(t, Tensor):
            raise TypeError(f"fastgraph.dask.run fetches tensors, not {t!r}")
        if t.shape.ndims is None:
            raise ValueError(f"fastgraph.dask.run: fetch {t.name} has an unknown rank; its "
                             "dask.array needs one (tf.ensure_shape or set_shape gives it)")
        if t.shape.ndims == 0:
            raise ValueError(f"fastgraph.dask.run: fetch {t.name} is a scalar; each fetch "
                             "must keep the batch axis first")
        tensors.append(t)

    blocked, fixed = [], []
    for key, value in feed_dict.items():
        t = graph.as_graph_element(key.name if isinstance(key, Tensor) else key)
        if isinstance(value, da.Array):
            blocked.append((t, value))
        else:
            fixed.append((t.name, np.asarray(value)))
    if not blocked:
        raise ValueError("fastgraph.dask.run needs at least one dask.array feed")
    chunks = blocked[0][1].chunks[0]
    arrays = []
    for t, value in blocked:
        if value.ndim == 0 or value.shape[0] != sum(chunks):
            raise ValueError(f"fastgraph.dask.run: the feed of {t.name} has shape {value.shape}; "
                             f"every dask.array feed has the {sum(chunks)} rows of the first")
        arrays.append(value.rechunk((chunks,) + tuple(-1 for _ in value.shape[1:])))

    variables = _variables_of(graph)
    values = []
    if variables:
        if session is None:
            raise ValueError("fastgraph.dask.run: the graph has variables; pass the session "
                             "that holds their values")
        values = session.run([v.outputs[0] for v in variables])
    program = Program(graph.as_graph_def().SerializeToString(),
                      [(v.name, np.asarray(x)) for v, x in zip(variables, values)])
    held = dask.delayed(program, pure=True)
    call = _Call([t.name for t, _ in blocked], [t.name for t in tensors], fixed)

    block_lists = [a.to_delayed().reshape(-1) for a in arrays]
    pieces = [[] for _ in tensors]
    for k, rows in enumerate(chunks):
        out = dask.delayed(_run_block, pure=True)(held, call, *[b[k] for b in block_lists])
        for i, t in enumerate(tensors):
            rest = tuple(np.nan if d is None else d for d in t.shape.as_list()[1:])
            piece = dask.delayed(operator.getitem, pure=True)(out, i)
            pieces[i].append(da.from_delayed(piece, (rows,) + rest, dtype=t.dtype.as_numpy_dtype))
    return rebuild([da.concatenate(p, axis=0) for p in pieces])


def _variables_of(graph):
    """The graph's variable ops, in graph order."""
    return [op for op in graph.get_operations() if op.type in ("VariableV2", "Variable")]
