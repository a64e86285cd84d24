"""`fastgraph.profile`: the per-op table of one traced run.

It runs the fetches once to compile (and warm) their plan, then once with
`RunOptions(trace_level=FULL_TRACE)`, and prints, slowest first, each
executed step's time, its share of the run, and its floating-point
operations where they are known (matrix products, convolutions, and one
per output element for elementwise steps).
"""

import sys

import numpy as np

from .config import RunMetadata, RunOptions
from .framework import session_stack
from .framework.graph import Tensor

__all__ = ["profile", "node_flops"]

_ELEMENTWISE = frozenset((
    "Add", "AddV2", "Sub", "Mul", "RealDiv", "Div", "Maximum", "Minimum", "Relu", "Relu6",
    "Sigmoid", "Tanh", "Exp", "Log", "Sqrt", "Rsqrt", "Square", "Neg", "BiasAdd",
    "SquaredDifference", "Elu", "Selu", "Softplus", "Abs", "Pow"))


def _dims(shape):
    return [int(d.size) for d in shape.dim]


def node_flops(op, node, types=None):
    """The floating-point operations of traced node `node`, whose main graph
    op is `op` and which computes ops of `types` (several for a fused step;
    its output shapes are the run's), or None when unknown."""
    outs = [_dims(o.tensor_description.shape) for o in node.output]
    if not outs:
        return None
    n_out = int(np.prod(outs[0], dtype=np.int64))
    types = list(types or [op.type])
    rest = list(types)
    if op.type in rest:
        rest.remove(op.type)
    if any(t not in _ELEMENTWISE for t in rest):
        return None
    main = _op_flops(op, op.type, n_out)
    return None if main is None else main + n_out * len(rest)


def _op_flops(op, kind, n_out):
    try:
        if kind in ("MatMul", "BatchMatMul", "BatchMatMulV2", "BatchMatMulV3"):
            a = op.inputs[0].shape.as_list()
            adj = op.get_attr("transpose_a") if kind == "MatMul" else op.get_attr("adj_x")
            k = a[-2] if adj else a[-1]
            return None if k is None else 2 * n_out * k
        if kind in ("Conv2D", "DepthwiseConv2dNative", "Conv3D"):
            f = op.inputs[1].shape.as_list()
            if any(d is None for d in f):
                return None
            per = int(np.prod(f[:-1])) if kind != "DepthwiseConv2dNative" else \
                int(np.prod(f[:-2]))
            return 2 * n_out * per
    except (ValueError, KeyError, AttributeError):
        return None
    if kind in _ELEMENTWISE:
        return n_out
    return None


def _fetch_graph(fetches, session):
    if session.graph is not None:
        return session.graph
    leaf = fetches[0] if isinstance(fetches, (list, tuple)) else fetches
    return leaf.graph if isinstance(leaf, Tensor) else None


def profile(fetches, feed_dict=None, session=None, file=None, warmup=1):
    """Runs `fetches` in `session` (the default session when None) and
    prints the per-op table of the run to `file` (sys.stdout).

    Returns the `RunMetadata` of the traced run, whose `step_stats` has
    one node per executed step (open it in Chrome or Perfetto through
    `fastgraph.client.timeline.Timeline`).
    """
    session = session or session_stack.get_default_session()
    if session is None:
        raise ValueError("profile() needs a session: pass session= or run it in "
                         "`with tf.Session().as_default():`")
    for _ in range(warmup):
        session.run(fetches, feed_dict)
    meta = RunMetadata()
    session.run(fetches, feed_dict, options=RunOptions(trace_level=RunOptions.FULL_TRACE),
                run_metadata=meta)
    graph = _fetch_graph(fetches, session)
    rows = []
    for dev in meta.step_stats.dev_stats:
        for node in dev.node_stats:
            label = node.timeline_label
            op_type = label.split(" = ", 1)[1].split("(", 1)[0] if " = " in label else ""
            micros = node.op_end_rel_nanos / 1000.0
            flops = None
            if graph is not None:
                try:
                    flops = node_flops(graph.get_operation_by_name(node.node_name), node,
                                       op_type.split("+"))
                except (KeyError, ValueError):
                    flops = None
            rows.append((micros, node.node_name, op_type, flops))
    total = sum(r[0] for r in rows) or 1.0
    out = file or sys.stdout
    width = max([len(r[1]) for r in rows] + [4])
    print(f"{'node':<{width}}  {'op':<24} {'time (us)':>10} {'share':>7} {'FLOPs':>12} "
          f"{'GFLOP/s':>8}", file=out)
    for micros, name, op_type, flops in sorted(rows, key=lambda r: -r[0]):
        rate = f"{flops / micros / 1e3:8.2f}" if flops and micros > 0 else f"{'':>8}"
        fl = f"{flops:12d}" if flops is not None else f"{'':>12}"
        print(f"{name:<{width}}  {op_type[:24]:<24} {micros:10.1f} {100 * micros / total:6.1f}% "
              f"{fl} {rate}", file=out)
    print(f"{'total':<{width}}  {'':<24} {total:10.1f} {100.0:6.1f}% {len(rows)} steps",
          file=out)
    return meta
