"""The Keras history of graph tensors: which layer call made each tensor
(what a functional Model walks back from its outputs). Kept apart from the
base layer so the backend can ask without importing layers."""

from ...framework.graph import get_default_graph

__all__ = ["keras_history"]

_HISTORY_KEY = ("__keras_history",)


def _history(graph=None):
    ref = (graph or get_default_graph()).get_collection_ref(_HISTORY_KEY)
    if not ref:
        ref.append({})
    return ref[0]


def keras_history(tensor):
    """(layer, node index, tensor index) of the layer call that made `tensor`, or None."""
    entry = _history(tensor.graph).get(id(tensor))
    if entry is None or entry[0] is not tensor:
        return None
    return entry[1:]
