"""Loading a SavedModel written by TF2's `tf.saved_model.save` into a TF1
session, as `tf.compat.v1.saved_model.loader.load` does.

Such a MetaGraph calls functions: each signature's outputs come from a
`StatefulPartitionedCall` of the traced function, its variables are
`VarHandleOp`s, and its SaverDef names two more calls, of a save function
and of a restore function (RestoreV2, then AssignVariableOp of each
restored tensor into a variable handle). fastgraph imports what the
signatures need (the importer inlines the calls and reads the handles as
variables) and restores the variables itself, with the checkpoint keys it
finds by reading the restore function: which RestoreV2 output each
AssignVariableOp writes into which handle.
"""

from ..api.graph_util import extract_sub_graph
from ..framework import errors
from ..framework.attr_values import python_value
from ..framework.function_library import graph_ref
from ..framework.graph_import import import_graph_def
from .checkpoint_reader import CheckpointReader

__all__ = ["is_tf2_meta_graph", "load_tf2_meta_graph"]

_CALLS = ("StatefulPartitionedCall", "PartitionedCall")


def _node(graph_def, ref):
    name = ref.lstrip("^").split(":")[0]
    for n in graph_def.node:
        if n.name == name:
            return n
    return None


def is_tf2_meta_graph(mg):
    """Whether `mg` restores its variables through a restore function (TF2's
    object-based SavedModels), not through Saver nodes of its graph."""
    node = _node(mg.graph_def, mg.saver_def.restore_op_name) \
        if mg.saver_def.restore_op_name else None
    return node is not None and node.op in _CALLS


def checkpoint_keys(mg):
    """{variable handle node name: checkpoint key} of a TF2 MetaGraph, read
    from its restore function."""
    call = _node(mg.graph_def, mg.saver_def.restore_op_name)
    fname = call.attr["f"].func.name
    fdef = next((f for f in mg.graph_def.library.function if f.signature.name == fname), None)
    if fdef is None:
        raise errors.DataLossError(None, None, f"SavedModel: the restore function {fname} is "
                                   "not in the graph's library")
    args = [a.name for a in fdef.signature.input_arg]
    data_inputs = [i for i in call.input if not i.startswith("^")]
    source = dict(zip(args, (i.split(":")[0] for i in data_inputs)))
    body = {n.name: n for n in fdef.node_def}
    types = {k: n.op for k, n in body.items()}

    def origin(ref):
        """(node, output index) a body ref comes from, through Identities."""
        while True:
            name, _, k = graph_ref(ref, types).partition(":")
            node = body.get(name)
            if node is None or node.op != "Identity":
                return node, int(k or 0)
            ref = node.input[0]

    keys = {}
    for node in body.values():
        if node.op != "AssignVariableOp":
            continue
        handle, value = node.input[0], node.input[1]
        restore, k = origin(value)
        if restore is None or restore.op != "RestoreV2" or handle not in source:
            continue
        names_node, _ = origin(restore.input[1])
        if names_node is None or names_node.op != "Const":
            continue
        names = python_value(names_node.attr["value"]).reshape(-1)
        if k < len(names):
            keys[source[handle]] = names[k].decode()
    return keys


def load_tf2_meta_graph(sess, mg, variables_prefix, import_scope=None):
    """Imports what the signatures of TF2 MetaGraph `mg` need into
    `sess.graph` and restores its variables from `variables_prefix`."""
    dest = sorted({t.name.split(":")[0] for sig in mg.signature_def.values()
                   for infos in (sig.inputs, sig.outputs) for t in infos.values()})
    graph_def = extract_sub_graph(mg.graph_def, dest) if dest else mg.graph_def
    keys = checkpoint_keys(mg)
    scope = import_scope or ""
    prefix = scope + "/" if scope else ""
    graph = sess.graph
    with graph.as_default():
        import_graph_def(graph_def, name=scope)
        handles = {n.name for n in graph_def.node if n.op == "VarHandleOp"}
        restores = []
        for name in sorted(handles):
            if name not in keys:
                continue
            var = graph.get_operation_by_name(prefix + name).outputs[0]
            ph = graph.create_op("Placeholder", [], {"dtype": var.dtype, "shape": var.shape},
                                 name=f"{name}/restore_value")
            assign = graph.create_op("Assign", [var, ph.outputs[0]], {}, name=f"{name}/restore")
            restores.append((keys[name], var, ph.outputs[0], assign))
    if not restores:
        return
    reader = CheckpointReader(variables_prefix)
    feeds = {}
    for key, var, ph, _ in restores:
        if not reader.has_tensor(key):
            raise errors.NotFoundError(None, None, f"Key {key} not found in checkpoint")
        feeds[ph] = reader.get_tensor(key)
    sess.run([a for *_, a in restores], feeds)
