"""Importing TensorFlow GraphDefs (frozen inference graphs, `.pb` files).

`GraphDef().ParseFromString(bytes)` decodes the protobuf by hand (no
protobuf dependency, `framework/graph_protos.py`) into NodeDefs; `import_graph_def` rebuilds each node
through the op registry: the `graphdef` mapping of the OpDef that claims its
TF op type (`framework/graphdef_mapping.py`), or the import translation of a
TF op that fastgraph builds from other ops. The imported graph compiles and
runs like one built in Python. Nodes whose op type has no reading raise
NotImplementedError naming the node and its op.
"""

import functools

from . import op_registry
from . import graph_protos
from .attr_values import attr_value, python_value
from .graph_protos import GraphDef
from .graph import Tensor, get_default_graph
from .graphdef_mapping import NodeMapping
from .static_values import static_value

__all__ = ["GraphDef", "NodeDef", "import_graph_def", "reading_table"]


class NodeDef(graph_protos.NodeDef):
    """A NodeDef proto that may also be built as `NodeDef(name, op, inputs,
    attrs)` with attrs as Python values (DType, shapes as lists, arrays)."""

    def __init__(self, name="", op="", inputs=(), attr=None, **fields):
        super().__init__(name=name, op=op, input=list(inputs), **fields)
        for key, value in (attr or {}).items():
            self.attr[key].CopyFrom(attr_value(value))


class _Node:
    """A NodeDef as the readers take it: its attrs as Python values."""

    __slots__ = ("name", "op", "input", "attr")

    def __init__(self, node_def):
        self.name = node_def.name
        self.op = node_def.op
        self.input = list(node_def.input)
        try:
            self.attr = {k: python_value(v) for k, v in node_def.attr.items()}
        except ValueError as e:
            raise ValueError(f"import_graph_def: node {self.name} ({self.op}): {e}") from None


def reading_table():
    """{TF op type: how its NodeDefs are read}, derived from the op registry:
    each OpDef's `graphdef` mapping (its TF op name and aliases) and the
    registered import translations. Raises RuntimeError if two claim one
    TF op type."""
    table = {}

    def claim(tf_op, reader, owner):
        if tf_op in table:
            raise RuntimeError(f"TF op type {tf_op} is read by both {table[tf_op][1]} and "
                               f"{owner}")
        table[tf_op] = (reader, owner)

    for op_type in op_registry.registered_types():
        opdef = op_registry.get(op_type)
        mapping = opdef.graphdef
        if isinstance(mapping, NodeMapping):
            for tf_op in (mapping.tf_op(op_type),) + mapping.aliases:
                claim(tf_op, functools.partial(_read_mapped, opdef), f"OpDef {op_type}")
    for tf_op, build in op_registry.graphdef_translations().items():
        claim(tf_op, functools.partial(_read_translated, build), "a translation")
    return {k: reader for k, (reader, _) in table.items()}


def _read_mapped(opdef, graph, node, refs, tensor, value):
    inputs, attrs = opdef.graphdef.read(refs, node.attr, tensor, value,
                                        f"node {node.name} ({node.op})")
    op = graph.create_op(opdef.type, inputs, attrs, name=node.name)
    return op.outputs or [op]


def _read_translated(build, graph, node, refs, tensor, value):
    out = build([tensor(r) for r in refs], node.attr, node.name)
    return out if isinstance(out, list) else [out]


def _order(nodes):
    """The nodes in an order where every input comes first (GraphDefs need not
    be sorted)."""
    by_name = {n.name: n for n in nodes}
    done, out = set(), []
    for root in nodes:
        stack = [(root, False)]
        while stack:
            node, expanded = stack.pop()
            if node.name in done:
                continue
            if expanded:
                done.add(node.name)
                out.append(node)
                continue
            stack.append((node, True))
            for inp in node.input:
                src = inp.lstrip("^").split(":")[0]
                if src in by_name and src not in done:
                    stack.append((by_name[src], False))
    return out


def import_graph_def(graph_def, input_map=None, return_elements=None, name=None,
                     op_dict=None, producer_op_list=None):
    """Imports the graph from `graph_def` into the current default graph.

    Node names are prefixed with `name` ("import" when None, nothing when
    ""). `input_map` maps tensor names of the GraphDef ("input:0") to
    tensors that replace them; `return_elements` lists tensor or op names to
    return. Each node is read through the op registry (`reading_table`);
    op types it has no reading for raise NotImplementedError.

    Const nodes whose values other nodes take as attrs only (a ConcatV2
    axis, a Transpose perm) are not added to the graph, so that a fastgraph
    graph written out and read back is the graph it was.
    """
    prefix = "import" if name is None else name
    input_map = {(k if ":" in k else k + ":0"): v for k, v in (input_map or {}).items()}
    readers = reading_table()
    graph = get_default_graph()
    if isinstance(graph_def, (bytes, bytearray)):
        graph_def = GraphDef.FromString(graph_def)
    if not isinstance(graph_def, GraphDef):
        if not hasattr(graph_def, "SerializeToString"):
            raise TypeError("graph_def must be a GraphDef proto.")
        graph_def = GraphDef.FromString(graph_def.SerializeToString())  # TF's own proto
    nodes = _order([_Node(n) for n in graph_def.node])
    by_name = {n.name: n for n in nodes}
    produced = {}  # GraphDef tensor name -> fastgraph Tensor
    ops = {}  # GraphDef node name -> fastgraph Operation

    def key_of(ref):
        src, _, index = ref.partition(":")
        return src, f"{src}:{index or 0}"

    def build(node):
        refs = [i for i in node.input if not i.startswith("^")]
        if node.op not in readers:
            raise NotImplementedError(f"import_graph_def: node {node.name} has op type "
                                      f"{node.op}, which fastgraph does not import")
        controls = [control(i[1:]) for i in node.input if i.startswith("^")]
        outs = readers[node.op](graph, node, refs, tensor, value)
        if controls:
            last = outs[0].op if isinstance(outs[0], Tensor) else outs[0]
            last._add_control_inputs(controls)
        for i, t in enumerate(outs):
            if isinstance(t, Tensor):
                produced[f"{node.name}:{i}"] = t
        ops[node.name] = outs[0].op if isinstance(outs[0], Tensor) else outs[0]

    def tensor(ref):
        src, key = key_of(ref)
        if key in input_map:
            return input_map[key]
        if key not in produced and src not in ops and by_name.get(src) is not None:
            build(by_name[src])  # a Const built when first used as a tensor
        return produced[key]

    def control(ref):
        src = key_of(ref)[0]
        if src not in ops:
            if src not in by_name:
                raise ValueError(f"import_graph_def: control input {ref!r} names no node")
            build(by_name[src])
        return ops[src]

    def value(ref):
        src, key = key_of(ref)
        if key in input_map:
            return static_value(input_map[key])
        node = by_name.get(src)
        if node is not None and node.op == "Const" and src not in ops:
            return node.attr.get("value")
        return static_value(tensor(ref))

    consumed = {key_of(i.lstrip("^"))[0] for node in nodes for i in node.input}

    scope = graph.name_scope(prefix) if prefix else None
    if scope is not None:
        scope.__enter__()
    try:
        for node in nodes:
            if node.op == "Const" and node.name in consumed:
                continue  # built by its first consumer, which may read it as an attr
            if node.name not in ops:
                build(node)
        # A Const read only as an attr (an axis, a perm) is still an op of the
        # imported graph, as in TF, so it can be found by name; nothing reads it.
        for node in nodes:
            if node.name not in ops:
                build(node)
        if return_elements is None:
            return None
        out = []
        for el in return_elements:
            if ":" in el:
                out.append(tensor(el))
            else:
                if el not in ops and el in by_name:
                    build(by_name[el])
                out.append(ops[el])
        return out
    finally:
        if scope is not None:
            scope.__exit__(None, None, None)
