"""Writing a Graph as a TensorFlow GraphDef.

Each op is written through its registry entry's `NodeMapping` (the same
rules the importer reads with, `graphdef_mapping.py`): TF's op name, its
inputs in TF's order, its attrs. Values fastgraph keeps as attrs but TF
takes as input tensors (axes, perms, shapes) become Const nodes named
"<op>/<input arg>", as TF's own op functions name them. Ops whose entry has
`NoGraphDef` (fastgraph's own ops, which TF builds from others) raise
ValueError naming the op and the reason.
"""

import numpy as np

from . import dtypes
from .attr_values import attr_value
from .graph_protos import GraphDef, NodeDef, VersionDef
from .graphdef_mapping import NodeMapping
from .tensor_shape import TensorShape

__all__ = ["GRAPH_DEF_VERSION", "GRAPH_DEF_VERSION_MIN_CONSUMER", "graph_def_of",
           "tensor_ref"]

# The GraphDef versions TensorFlow 2.21 writes (TF_GRAPH_DEF_VERSION and its
# min consumer): the ops written are TF's current ones, so its checks pass.
GRAPH_DEF_VERSION = 2474
GRAPH_DEF_VERSION_MIN_CONSUMER = 0


def tensor_ref(tensor):
    """A tensor as a NodeDef input names it: "op" for output 0, "op:i" else."""
    index = tensor.value_index
    return tensor.op.name if index == 0 else f"{tensor.op.name}:{index}"


def _output_shapes(tensors):
    return attr_value([t.shape for t in tensors])


def _unique(name, taken):
    if name not in taken:
        taken.add(name)
        return name
    i = 1
    while f"{name}_{i}" in taken:
        i += 1
    taken.add(f"{name}_{i}")
    return f"{name}_{i}"


def node_defs_of(op, taken, add_shapes=False):
    """The NodeDefs that write `op`: the Consts of its attr inputs, then its
    own. ValueError when TF's op cannot express it."""
    mapping = op.opdef.graphdef
    if not isinstance(mapping, NodeMapping):
        raise ValueError(f"{op.type} op {op.name} has no TF GraphDef node: {mapping.reason}")
    written = mapping.write(op)
    nodes, inputs = [], []
    for arg, value in written.inputs:
        if isinstance(value, np.ndarray):
            const = NodeDef(name=_unique(f"{op.name}/{arg}", taken), op="Const")
            if op.device:
                const.device = op.device
            const.attr["value"].CopyFrom(attr_value(value))
            const.attr["dtype"].CopyFrom(attr_value(_dtype_of(value)))
            if add_shapes:
                const.attr["_output_shapes"].CopyFrom(attr_value([TensorShape(list(value.shape))]))
            nodes.append(const)
            inputs.append(const.name)
        else:
            inputs.append(tensor_ref(value))
    inputs.extend("^" + c.name for c in op.control_inputs)
    node = NodeDef(name=op.name, op=written.op, input=inputs)
    if op.device:
        node.device = op.device
    for key, value in written.attrs.items():
        node.attr[key].CopyFrom(attr_value(value))
    if add_shapes and op.outputs:
        node.attr["_output_shapes"].CopyFrom(_output_shapes(op.outputs))
    nodes.append(node)
    return nodes


def _dtype_of(value):
    return dtypes.string if value.dtype.kind in "OUS" else dtypes.as_dtype(value.dtype)


def graph_def_of(graph, from_version=None, add_shapes=False):
    """The GraphDef of `graph` (`Graph.as_graph_def`): its ops in creation
    order (those added since version `from_version` when given), written
    through the registry's mappings; `add_shapes` adds each node's
    "_output_shapes"."""
    gd = GraphDef(versions=VersionDef(producer=GRAPH_DEF_VERSION,
                                      min_consumer=GRAPH_DEF_VERSION_MIN_CONSUMER))
    ops = graph.get_operations()
    taken = {op.name for op in ops}
    start = 0 if from_version is None else int(from_version)
    for op in ops[start:]:
        gd.node.extend(node_defs_of(op, taken, add_shapes))
    return gd
