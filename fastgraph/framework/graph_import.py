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
from .function_library import ImportedFunction, graph_ref, body_nodes
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
    """A NodeDef as the readers take it: its attrs as Python values, `func`
    attrs as the ImportedFunctions `resolve` gives for them."""

    __slots__ = ("name", "op", "input", "attr")

    def __init__(self, node_def, resolve):
        self.name = node_def.name
        self.op = node_def.op
        self.input = list(node_def.input)
        try:
            self.attr = {k: _with_functions(python_value(v), resolve)
                         for k, v in node_def.attr.items()}
        except ValueError as e:
            raise ValueError(f"import_graph_def: node {self.name} ({self.op}): {e}") from None


def _with_functions(value, resolve):
    if isinstance(value, graph_protos.NameAttrList):
        return resolve(value)
    if isinstance(value, list) and value and isinstance(value[0], graph_protos.NameAttrList):
        return [resolve(v) for v in value]
    return value


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
    graph = get_default_graph()
    if isinstance(graph_def, (bytes, bytearray)):
        graph_def = GraphDef.FromString(graph_def)
    if not isinstance(graph_def, GraphDef):
        if not hasattr(graph_def, "SerializeToString"):
            raise TypeError("graph_def must be a GraphDef proto.")
        graph_def = GraphDef.FromString(graph_def.SerializeToString())  # TF's own proto
    library = _Library(graph_def.library, reading_table())
    scope = graph.name_scope(prefix) if prefix else None
    if scope is not None:
        scope.__enter__()
    try:
        nodes = _NodeSet(graph, [library.node(n) for n in graph_def.node], input_map,
                         library.readers)
        nodes.build_all()
        if return_elements is None:
            return None
        return [nodes.tensor(el) if ":" in el else nodes.op(el) for el in return_elements]
    finally:
        if scope is not None:
            scope.__exit__(None, None, None)


class _Library:
    """The readers and the function library of one import."""

    def __init__(self, library, readers):
        self.readers = readers
        self.functions = {f.signature.name: f for f in library.function} if library else {}

    def node(self, node_def):
        return _Node(node_def, self.function)

    def function(self, func):
        fdef = self.functions.get(func.name)
        if fdef is None:
            raise ValueError(f"function {func.name} is not in the graph's library")
        return ImportedFunction(func.name, fdef, self._import_body)

    def _import_body(self, fn, args, ret_refs):
        body = body_nodes(fn.fdef, self.node)
        types = {n.name: n.op for n in body}
        graph = get_default_graph()
        nodes = _NodeSet(graph, body, {f"{k}:0": v for k, v in args.items()}, self.readers)
        nodes.build_all()
        outs = [nodes.tensor(graph_ref(r, types)) for r in ret_refs]
        # The body's ops that must run (its stateful ops, TF's control
        # outputs) run before any result is taken, as in TF's calls.
        effects = [nodes.op(name) for name in dict(fn.fdef.control_ret).values()]
        if not effects:
            return outs
        if not outs:
            return [graph.create_op("NoOp", [], {}, name="control_ret", control_inputs=effects)]
        return [graph.create_op("Identity", [t], {}, name="control_ret",
                                control_inputs=effects).outputs[0] for t in outs]


class _NodeSet:
    """The nodes of one GraphDef or function body, built into `graph` in an
    order where inputs come first; `input_map` replaces tensors by name."""

    def __init__(self, graph, nodes, input_map, readers):
        self.graph = graph
        self.nodes = _order(nodes)
        self.by_name = {n.name: n for n in self.nodes}
        self.input_map = input_map
        self.readers = readers
        self.produced = {}  # GraphDef tensor name -> fastgraph Tensor
        self.ops = {}  # GraphDef node name -> fastgraph Operation

    @staticmethod
    def _key_of(ref):
        src, _, index = ref.partition(":")
        return src, f"{src}:{index or 0}"

    def build_all(self):
        consumed = {self._key_of(i.lstrip("^"))[0] for node in self.nodes for i in node.input}
        for node in self.nodes:
            if node.op == "Const" and node.name in consumed:
                continue  # built by its first consumer, which may read it as an attr
            if node.name not in self.ops:
                self._build(node)
        # A Const read only as an attr (an axis, a perm) is still an op of the
        # imported graph, as in TF, so it can be found by name; nothing reads it.
        for node in self.nodes:
            if node.name not in self.ops:
                self._build(node)

    def _build(self, node):
        refs = [i for i in node.input if not i.startswith("^")]
        if node.op not in self.readers:
            raise NotImplementedError(f"import_graph_def: node {node.name} has op type "
                                      f"{node.op}, which fastgraph does not import")
        controls = [self._control(i[1:]) for i in node.input if i.startswith("^")]
        try:
            outs = self.readers[node.op](self.graph, node, refs, self.tensor, self.value)
        except KeyError as e:
            # A reader looking up an attr the NodeDef lacks: TF's message.
            key = e.args[0] if e.args else None
            if isinstance(key, str) and key not in node.attr and "'" not in key:
                raise ValueError(f"NodeDef missing attr '{key}' from Op<name={node.op}> "
                                 f"(node {node.name})") from None
            raise
        first = outs[0] if outs else None
        if controls and first is not None:
            last = first.op if isinstance(first, Tensor) else first
            last._add_control_inputs(controls)
        for i, t in enumerate(outs):
            if isinstance(t, Tensor):
                self.produced[f"{node.name}:{i}"] = t
        if first is None:  # a call of a function with no results
            first = self.graph.create_op("NoOp", [], {}, name=node.name, control_inputs=controls)
        self.ops[node.name] = first.op if isinstance(first, Tensor) else first

    def tensor(self, ref):
        src, key = self._key_of(ref)
        if key in self.input_map:
            return self.input_map[key]
        if key not in self.produced and src not in self.ops and \
                self.by_name.get(src) is not None:
            self._build(self.by_name[src])  # a Const built when first used as a tensor
        if key not in self.produced:
            raise ValueError(f"import_graph_def: input {ref!r} names no tensor")
        return self.produced[key]

    def op(self, name):
        if name not in self.ops and name in self.by_name:
            self._build(self.by_name[name])
        return self.ops[name]

    def _control(self, ref):
        src = self._key_of(ref)[0]
        if src not in self.ops:
            if src not in self.by_name:
                if f"{src}:0" in self.input_map:  # a function's argument
                    t = self.input_map[f"{src}:0"]
                    return t.op
                raise ValueError(f"import_graph_def: control input {ref!r} names no node")
            self._build(self.by_name[src])
        return self.ops[src]

    def value(self, ref):
        src, key = self._key_of(ref)
        if key in self.input_map:
            return static_value(self.input_map[key])
        node = self.by_name.get(src)
        if node is not None and node.op == "Const" and src not in self.ops:
            return node.attr.get("value")
        return static_value(self.tensor(ref))
