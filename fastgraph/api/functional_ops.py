"""TF's functional ops over the first dimension of a tensor: `map_fn`,
`scan`, `foldl` and `foldr`, each one `while_loop` (so one C loop step)
whose body reads row i with a gather and writes its result row with a
scatter, as TF's do with TensorArrays.

fastgraph has no TensorArray yet: `fn`'s result must have a static shape
(it is traced once on a row-shaped placeholder to learn it), and `elems`
and results are single tensors.
"""

from ..ops.arguments import graph_of, to_tensor
from ..ops.array_ops import concat, placeholder, shape
from ..ops.control_flow_ops import while_loop
from ..ops.elementwise import add, subtract
from ..ops.indexing_ops import gather, scatter_nd, zeros

__all__ = ["map_fn", "scan", "foldl", "foldr"]


def _single(value, what):
    if isinstance(value, (list, tuple, dict)):
        raise NotImplementedError(f"fastgraph's {what} takes a single tensor (no TensorArray "
                                  "for nested structures yet)")
    return value


def _row_result(graph, fn, row_like, *extra):
    """The dtype and static shape of fn's result on one row, traced on a
    placeholder in a sub-graph that never runs."""
    with graph._sub_graph():
        probe = placeholder(row_like.dtype, row_like.shape[1:], name="probe")
        out = _single(fn(*extra, probe) if extra else fn(probe), "fn's result")
        out = to_tensor(graph, out)
    if not out.shape.is_fully_defined():
        raise NotImplementedError(f"fastgraph's map_fn and scan need fn's result to have a "
                                  f"static shape, got {out.shape}")
    return out.dtype, out.shape.as_tuple()


def _stacked(graph, n, dtype, row_shape):
    dims = concat([[n], list(row_shape)], 0) if row_shape else [n]
    return zeros(dims, dtype)


def _put(acc, i, row):
    """acc with row i set to `row` (row i is zero before: each is written once)."""
    update = scatter_nd([[i]], [row], shape(acc))
    update.set_shape(acc.shape)
    return add(acc, update)


def map_fn(fn, elems, dtype=None, parallel_iterations=None, back_prop=True, swap_memory=False,
           infer_shape=True, name=None, fn_output_signature=None):
    """Transforms `elems` by applying `fn` to each element unstacked on axis 0.

    Returns a tensor stacking fn's results in order: result[i] =
    fn(elems[i]). Runs as one while_loop in C.
    """
    if not callable(fn):
        raise TypeError(f"fn must be callable, got {fn!r}")
    elems = _single(elems, "map_fn")
    graph = graph_of([elems])
    with graph.as_default(), graph.name_scope(name or "map"):
        elems = to_tensor(graph, elems)
        out_dtype, row_shape = _row_result(graph, fn, elems)
        n = shape(elems)[0]
        acc = _stacked(graph, n, out_dtype, row_shape)
        _, out = while_loop(lambda i, a: i < n,
                            lambda i, a: (i + 1, _put(a, i, fn(gather(elems, i)))),
                            [0, acc], name="while")
    return out


def scan(fn, elems, initializer=None, parallel_iterations=10, back_prop=True, swap_memory=False,
         infer_shape=True, reverse=False, name=None):
    """scan on the list of tensors unpacked from `elems` on dimension 0.

    result[i] = fn(result[i - 1], elems[i]), starting from `initializer`
    (elems[0] when None, which is then result[0]); `reverse` scans from
    the last element.
    """
    if not callable(fn):
        raise TypeError("fn must be callable.")
    elems = _single(elems, "scan")
    graph = graph_of([elems])
    with graph.as_default(), graph.name_scope(name or "scan"):
        elems = to_tensor(graph, elems)
        n = shape(elems)[0]

        def row(i):
            return gather(elems, subtract(n - 1, i) if reverse else i)
        if initializer is None:
            a0, start = row(0), 1
        else:
            a0, start = to_tensor(graph, _single(initializer, "scan")), 0
        out_dtype, row_shape = a0.dtype, a0.shape.as_tuple()
        if not a0.shape.is_fully_defined():
            raise NotImplementedError("fastgraph's scan needs a statically shaped initializer")
        acc = _stacked(graph, n, out_dtype, row_shape)
        if start:
            acc = _put(acc, n - 1 if reverse else 0, a0)

        def body(i, a, stacked):
            nxt = to_tensor(graph, fn(a, row(i)))
            return i + 1, nxt, _put(stacked, subtract(n - 1, i) if reverse else i, nxt)
        _, _, out = while_loop(lambda i, a, s: i < n, body, [start, a0, acc], name="while")
    return out


def _fold(fn, elems, initializer, reverse, name, what):
    if not callable(fn):
        raise TypeError("fn must be callable.")
    elems = _single(elems, what)
    graph = graph_of([elems])
    with graph.as_default(), graph.name_scope(name):
        elems = to_tensor(graph, elems)
        n = shape(elems)[0]

        def row(i):
            return gather(elems, subtract(n - 1, i) if reverse else i)
        if initializer is None:
            a0, start = row(0), 1
        else:
            a0, start = to_tensor(graph, _single(initializer, what)), 0
        _, out = while_loop(lambda i, a: i < n, lambda i, a: (i + 1, fn(a, row(i))),
                            [start, a0], name="while")
    return out


def foldl(fn, elems, initializer=None, parallel_iterations=10, back_prop=True,
          swap_memory=False, name=None):
    """foldl on the list of tensors unpacked from `elems` on dimension 0:
    fn(...fn(fn(initializer, elems[0]), elems[1])..., elems[n - 1])."""
    return _fold(fn, elems, initializer, False, name or "foldl", "foldl")


def foldr(fn, elems, initializer=None, parallel_iterations=10, back_prop=True,
          swap_memory=False, name=None):
    """foldr on the list of tensors unpacked from `elems` on dimension 0:
    from the last element to the first."""
    return _fold(fn, elems, initializer, True, name or "foldr", "foldr")

