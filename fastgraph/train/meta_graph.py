"""`tf.compat.v1.train.export_meta_graph` and `import_meta_graph`: a graph
with its collections (variables as VariableDefs, tensors and ops by name)
in a MetaGraphDef, written as TF writes `.meta` files and read back.

A MetaGraph written by TensorFlow holds its Saver's own nodes (SaveV2,
RestoreV2 and what depends on them, under the saver's scope); fastgraph
saves and restores without them, so they are not imported, and the Saver
returned is fastgraph's over the imported variables.
"""

import os

from ..api import gfile
from ..api.graph_io import write_message
from ..framework.graph import GraphKeys, Operation, Tensor, get_default_graph
from ..framework.graph_protos import GraphDef
from ..framework.meta_graph_protos import CollectionDef, MetaGraphDef, QueueRunnerDef, VariableDef
from ..framework.proto_message import DecodeError, parse_text
from ..framework.graph_import import import_graph_def
from ..ops.state_ops import Variable
from .queue_runner import QueueRunner

__all__ = ["export_meta_graph", "import_scoped_meta_graph", "read_meta_graph_file",
           "meta_graph_of"]

_VARIABLE_COLLECTIONS = (GraphKeys.GLOBAL_VARIABLES, GraphKeys.TRAINABLE_VARIABLES,
                         GraphKeys.LOCAL_VARIABLES, GraphKeys.MODEL_VARIABLES,
                         GraphKeys.MOVING_AVERAGE_VARIABLES, GraphKeys.METRIC_VARIABLES)
_SAVER_OPS = frozenset(("SaveV2", "RestoreV2", "SaveSlices", "RestoreSlice", "Save", "Restore",
                        "MergeV2Checkpoints", "ShardedFilename", "ShardedFilespec"))
META_GRAPH_VERSION = "v2.21.0"


def _variable_def(var):
    return VariableDef(variable_name=var.op.name + ":0",
                       initial_value_name=var.initial_value.name,
                       initializer_name=var.initializer.name,
                       snapshot_name=var.value().name, trainable=var.trainable)


def _collection_def(items):
    """The CollectionDef of a collection's items, or None when they are of
    no kind a CollectionDef holds."""
    if all(isinstance(v, QueueRunner) for v in items):
        protos = [v.to_proto() for v in items]
        return CollectionDef(bytes_list=CollectionDef.BytesList(
            value=[p.SerializeToString() for p in protos if p is not None]))
    if all(isinstance(v, Variable) for v in items):
        return CollectionDef(bytes_list=CollectionDef.BytesList(
            value=[_variable_def(v).SerializeToString() for v in items]))
    if all(isinstance(v, (Tensor, Operation)) for v in items):
        return CollectionDef(node_list=CollectionDef.NodeList(value=[v.name for v in items]))
    if all(isinstance(v, (str, bytes)) for v in items):
        return CollectionDef(bytes_list=CollectionDef.BytesList(
            value=[v.encode() if isinstance(v, str) else v for v in items]))
    if all(isinstance(v, int) and not isinstance(v, bool) for v in items):
        return CollectionDef(int64_list=CollectionDef.Int64List(value=list(items)))
    if all(isinstance(v, float) for v in items):
        return CollectionDef(float_list=CollectionDef.FloatList(value=list(items)))
    return None


def meta_graph_of(graph=None, saver_def=None, collection_list=None, clear_devices=False):
    """The MetaGraphDef of `graph` (the default graph): its GraphDef, the
    collections of `collection_list` (all when None) and `saver_def`."""
    graph = graph or get_default_graph()
    mg = MetaGraphDef()
    mg.meta_info_def.meta_graph_version = META_GRAPH_VERSION
    mg.meta_info_def.tensorflow_version = "2.21.0"
    mg.graph_def.CopyFrom(graph.as_graph_def(add_shapes=True))
    if clear_devices:
        for node in mg.graph_def.node:
            node.device = ""
    if saver_def is not None:
        mg.saver_def.CopyFrom(saver_def)
    keys = graph.get_all_collection_keys() if collection_list is None else collection_list
    for key in sorted(k for k in keys if isinstance(k, str)):  # keys of other kinds stay
        items = graph.get_collection(key)
        if items:
            cd = _collection_def(items)
            if cd is not None:
                mg.collection_def[key].CopyFrom(cd)
    return mg


def export_meta_graph(filename=None, meta_info_def=None, graph_def=None, saver_def=None,
                      collection_list=None, as_text=False, graph=None, export_scope=None,
                      clear_devices=False, clear_extraneous_savers=False,
                      strip_default_attrs=False, save_debug_info=False, **kwargs):
    """Returns `MetaGraphDef` proto. Optionally writes it to filename.

    The MetaGraph holds the graph's GraphDef, its collections (those of
    `collection_list`, or all) and `saver_def`; `filename` gets it in binary
    (or text, with `as_text`) form.
    """
    mg = meta_graph_of(graph, saver_def, collection_list, clear_devices)
    if meta_info_def is not None:
        mg.meta_info_def.MergeFrom(meta_info_def)
    if graph_def is not None:
        mg.graph_def.CopyFrom(graph_def)
    if filename:
        directory = os.path.dirname(filename)
        if directory and not gfile.isdir(directory):
            gfile.makedirs(directory)
        write_message(filename, mg, as_text)
    return mg


def read_meta_graph_file(filename):
    """Reads a file containing `MetaGraphDef` (binary, or text) and returns it."""
    if not gfile.exists(filename):
        raise OSError(f"File {filename} does not exist.")
    with gfile.GFile(filename, "rb") as f:
        data = f.read()
    try:
        return MetaGraphDef.FromString(data)
    except DecodeError:
        try:
            return parse_text(data, MetaGraphDef())
        except DecodeError as e:
            raise DecodeError(f"{filename} holds no MetaGraphDef: {e}") from None


def _without_saver_nodes(graph_def, saver_def):
    """The GraphDef without the nodes of TF's Saver: its save and restore
    ops, what depends on them, and (given its SaverDef) its scope."""
    scope = None
    if saver_def is not None and saver_def.restore_op_name:
        scope = saver_def.restore_op_name.rsplit("/", 1)[0] + "/"
    dropped = {n.name for n in graph_def.node
               if n.op in _SAVER_OPS or (scope and n.name.startswith(scope))}
    changed = True
    while changed:
        changed = False
        for n in graph_def.node:
            if n.name not in dropped and any(i.lstrip("^").split(":")[0] in dropped
                                             for i in n.input):
                dropped.add(n.name)
                changed = True
    out = GraphDef()
    out.node.extend(n for n in graph_def.node if n.name not in dropped)
    if graph_def.HasField("versions"):
        out.versions.CopyFrom(graph_def.versions)
    return out, dropped


def _scoped(name, scope):
    return f"{scope}/{name}" if scope else name


def import_scoped_meta_graph(meta_graph_or_file, clear_devices=False, import_scope=None):
    """Imports the graph of a MetaGraphDef (or of the `.meta` file) into the
    default graph and adds its collections; returns the MetaGraphDef."""
    mg = meta_graph_or_file if isinstance(meta_graph_or_file, MetaGraphDef) \
        else read_meta_graph_file(meta_graph_or_file)
    saver_def = mg.saver_def if mg.HasField("saver_def") else None
    graph_def, dropped = _without_saver_nodes(mg.graph_def, saver_def)
    if clear_devices:
        for node in graph_def.node:
            node.device = ""
    graph = get_default_graph()
    import_graph_def(graph_def, name=import_scope or "")
    variables = {}
    for key in sorted(mg.collection_def):
        cd = mg.collection_def[key]
        kind = cd.WhichOneof("kind")
        if kind == "node_list":
            for name in cd.node_list.value:
                if name.split(":")[0] in dropped:
                    continue
                graph.add_to_collection(key, graph.as_graph_element(_scoped(name, import_scope)))
        elif kind == "bytes_list" and key in _VARIABLE_COLLECTIONS:
            for data in cd.bytes_list.value:
                vd = VariableDef.FromString(data)
                if vd.variable_name not in variables:
                    variables[vd.variable_name] = Variable._from_graph(
                        graph, *(_scoped(n, import_scope) if n else "" for n in (
                            vd.variable_name, vd.initializer_name, vd.snapshot_name,
                            vd.initial_value_name)), trainable=vd.trainable)
                graph.add_to_collection(key, variables[vd.variable_name])
        elif kind == "bytes_list" and key == GraphKeys.QUEUE_RUNNERS:
            for data in cd.bytes_list.value:
                graph.add_to_collection(key, QueueRunner.from_proto(
                    QueueRunnerDef.FromString(data), import_scope))
        elif kind == "bytes_list":
            for v in cd.bytes_list.value:
                graph.add_to_collection(key, v)
        elif kind in ("int64_list", "float_list"):
            for v in getattr(cd, kind).value:
                graph.add_to_collection(key, v)
    return mg
