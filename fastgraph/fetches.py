"""Fetch structures: flattening nested fetches to graph elements and
rebuilding the same structure around the fetched values."""

from .framework.graph import Operation, Tensor

__all__ = ["FetchStructure"]


def _is_namedtuple(x):
    return isinstance(x, tuple) and hasattr(x, "_fields")


class FetchStructure:
    """The leaves of a nested fetch (Tensor, Operation, name string, or
    list/tuple/namedtuple/dict of them) as graph elements, and a way to
    put results back in the same shape."""

    __slots__ = ("leaves", "_template")

    def __init__(self, graph, fetches):
        self.leaves = []
        self._template = self._flatten(graph, fetches)

    def _flatten(self, graph, f):
        components = getattr(f, "_fetch_components", None)
        if components is not None:  # a SparseTensor: a SparseTensorValue of its parts
            cls, parts = components()
            return (cls, [self._flatten(graph, x) for x in parts])
        if isinstance(f, (Tensor, Operation)) or isinstance(f, str) or (
                hasattr(f, "_as_graph_element") and not isinstance(f, (list, tuple, dict))):
            self.leaves.append(_as_element(graph, f))
            return len(self.leaves) - 1
        if f is None:
            raise TypeError('Argument `fetch` = None has invalid type "NoneType". Cannot be None')
        if _is_namedtuple(f):
            return (type(f), [self._flatten(graph, x) for x in f])
        if isinstance(f, (list, tuple)):
            return (type(f), [self._flatten(graph, x) for x in f])
        if isinstance(f, dict):
            return (type(f), {k: self._flatten(graph, v) for k, v in f.items()})
        raise TypeError(f'Argument `fetch` = {f} has invalid type "{type(f).__name__}" must be '
                        f"a string or Tensor. (Can not convert a {type(f).__name__} into a "
                        "Tensor or Operation.)")

    def flat_kind(self):
        """The FastCallable kind of this structure: 0 one tensor, 1 one op,
        2 a flat list, 3 a flat tuple; None for anything else."""
        t = self._template
        if isinstance(t, int):
            return 1 if isinstance(self.leaves[0], Operation) else 0
        cls, items = t
        if cls in (list, tuple) and all(isinstance(i, int) for i in items):
            return 2 if cls is list else 3
        return None

    def build(self, results):
        """The fetch structure with leaf i replaced by results[i]."""
        return _build(self._template, results)


def _build(node, results):
    if isinstance(node, int):
        return results[node]
    cls, items = node
    if isinstance(items, dict):
        out = {k: _build(v, results) for k, v in items.items()}
        return out if cls is dict else cls(out)
    built = [_build(x, results) for x in items]
    if cls is list:
        return built
    if cls is tuple:
        return tuple(built)
    if hasattr(cls, "_fields"):
        return cls(*built)
    return cls(built)


def _as_element(graph, f):
    try:
        return graph.as_graph_element(f, allow_tensor=True, allow_operation=True)
    except TypeError as e:
        raise TypeError(f'Argument `fetch` = {f} has invalid type "{type(f).__name__}" must be '
                        f"a string or Tensor. ({e})") from None
    except (ValueError, KeyError) as e:
        # str() of a KeyError quotes its message: TF's text has the quotes too.
        raise ValueError(f"Argument `fetch` = {f} cannot be interpreted as a Tensor. "
                         f"({e})") from None
