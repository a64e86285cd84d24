"""Importing TensorFlow GraphDefs (frozen inference graphs, `.pb` files).

`GraphDef().ParseFromString(bytes)` decodes the protobuf by hand (no
protobuf dependency) into NodeDefs; `import_graph_def` rebuilds each node
through the op registry: the `graphdef` mapping of the OpDef that claims its
TF op type (`framework/graphdef_mapping.py`), or the import translation of a
TF op that fastgraph builds from other ops. The imported graph compiles and
runs like one built in Python. Nodes whose op type has no reading raise
NotImplementedError naming the node and its op.
"""

import functools

import numpy as np

from . import protobuf_wire as pw
from .framework import dtypes, op_registry
from .framework.graph import Tensor, get_default_graph
from .framework.graphdef_mapping import NodeMapping
from .framework.static_values import static_value

__all__ = ["GraphDef", "NodeDef", "import_graph_def", "reading_table"]


def _dtype(enum):
    try:
        dt = dtypes.as_dtype(enum)
    except TypeError:
        dt = None
    if dt is None or dt.code < 0:
        raise NotImplementedError(f"TF dtype enum {enum} has no fastgraph dtype")
    return dt


def _shape(buf):
    """A TensorShapeProto as a list (None for -1 dims), or None for unknown rank."""
    f = pw.message_fields(buf)
    if f.get(3, [(0, 0)])[0][1]:
        return None
    dims = []
    for _, d in f.get(2, []):
        size = pw.signed(next((v for n, _, v in pw.fields(d) if n == 1), 0))
        dims.append(None if size < 0 else size)
    return dims


def _tensor(buf):
    """A TensorProto as a NumPy array."""
    f = pw.message_fields(buf)
    dt = _dtype(f.get(1, [(0, 1)])[0][1])
    shape = _shape(f[2][0][1]) if 2 in f else []
    np_dtype = dt.np_dtype
    n = int(np.prod(shape, dtype=np.int64))
    if 4 in f:  # tensor_content: the raw little-endian bytes
        return np.frombuffer(f[4][0][1], dtype=np_dtype).reshape(shape).copy()
    field, width = {np.float32: (5, 4), np.float64: (6, 8), np.int64: (10, 0),
                    np.bool_: (11, 0)}.get(np_dtype.type, (7, 0))
    vals = pw.repeated_numbers(f.get(field, []), np_dtype, width)
    arr = np.asarray(vals, dtype=np_dtype)
    if arr.size == n:
        return arr.reshape(shape)
    # TF stores a repeated last value only once: fill the rest with it.
    out = np.full(n, arr[-1] if arr.size else 0, dtype=np_dtype)
    out[:arr.size] = arr
    return out.reshape(shape)


def _attr_value(buf):
    """An AttrValue as a Python value (lists as lists)."""
    for field, wire, v in pw.fields(buf):
        if field == 2:
            return v.decode()
        if field == 3:
            return pw.signed(v)
        if field == 4:
            return float(np.frombuffer(np.uint32(v).tobytes(), np.float32)[0])
        if field == 5:
            return bool(v)
        if field == 6:
            return _dtype(v)
        if field == 7:
            return _shape(v)
        if field == 8:
            return _tensor(v)
        if field == 1:
            lf = pw.message_fields(v)
            if 3 in lf:
                return pw.repeated_numbers(lf[3], np.int64, 0)
            if 2 in lf:
                return [s.decode() for _, s in lf[2]]
            if 4 in lf:
                return pw.repeated_numbers(lf[4], np.float32, 4)
            if 6 in lf:
                return [_dtype(t) for t in pw.repeated_numbers(lf[6], np.int64, 0)]
            return []
    return None


class NodeDef:
    """One node of a GraphDef: name, op, inputs ("node:1", "^control") and attrs."""

    def __init__(self, name, op, inputs, attr):
        self.name, self.op, self.input, self.attr = name, op, inputs, attr

    def __repr__(self):
        return f"NodeDef({self.name!r}, {self.op!r}, {self.input})"


class GraphDef:
    """A TensorFlow GraphDef: `ParseFromString(data)` fills `node`."""

    def __init__(self):
        self.node = []

    def ParseFromString(self, data):  # noqa: N802 - protobuf's name
        """Decodes a serialized GraphDef (returns the number of bytes read)."""
        self.node = []
        for field, _, value in pw.fields(memoryview(data)):
            if field != 1:
                continue  # versions, library: nothing to run
            name, op, inputs, attr = "", "", [], {}
            for f, _, v in pw.fields(value):
                if f == 1:
                    name = v.decode()
                elif f == 2:
                    op = v.decode()
                elif f == 3:
                    inputs.append(v.decode())
                elif f == 5:
                    key = val = None
                    for f2, _, v2 in pw.fields(v):
                        if f2 == 1:
                            key = v2.decode()
                        elif f2 == 2:
                            val = _attr_value(v2)
                    attr[key] = val
            self.node.append(NodeDef(name, op, inputs, attr))
        return len(data)


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
    nodes = _order(graph_def.node)
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
        outs = readers[node.op](graph, node, refs, tensor, value)
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
