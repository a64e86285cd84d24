"""`tf.compat.v1.graph_util`: GraphDef surgery. `extract_sub_graph` keeps
what some nodes need, `convert_variables_to_constants` freezes a graph's
variables into Consts with the values a session holds, and
`remove_training_nodes` drops Identity and CheckNumerics nodes that
inference does not need."""

from ..framework import dtypes
from ..framework.attr_values import tensor_proto
from ..framework.graph_protos import AttrValue, GraphDef, NodeDef

__all__ = ["extract_sub_graph", "convert_variables_to_constants", "remove_training_nodes",
           "must_run_on_cpu", "tensor_shape_from_node_def_name"]

_VARIABLE_OPS = ("VariableV2", "Variable")


def _node_name(ref):
    return ref.lstrip("^").split(":")[0]


def _check(graph_def):
    if not isinstance(graph_def, GraphDef):
        raise TypeError("graph_def must be a graph_pb2.GraphDef proto.")


def extract_sub_graph(graph_def, dest_nodes):
    """Extract the subgraph that can reach any of the nodes in 'dest_nodes'.

    Returns a GraphDef of those nodes (data and control inputs followed), in
    their order in `graph_def`. Raises TypeError if `graph_def` is not a
    GraphDef or `dest_nodes` a string, AssertionError for a dest node that is
    not in the graph.
    """
    _check(graph_def)
    if isinstance(dest_nodes, str):
        raise TypeError("dest_nodes must be an iterable of strings.")
    by_name = {n.name: n for n in graph_def.node}
    for d in dest_nodes:
        if d not in by_name:
            raise AssertionError(f"{d} is not in graph")
    keep, stack = set(), list(dest_nodes)
    while stack:
        name = stack.pop()
        if name in keep or name not in by_name:
            continue
        keep.add(name)
        stack.extend(_node_name(i) for i in by_name[name].input)
    out = GraphDef()
    out.node.extend(NodeDef.FromString(n.SerializeToString()) for n in graph_def.node
                    if n.name in keep)
    _keep_library_and_versions(graph_def, out)
    return out


def convert_variables_to_constants(sess, input_graph_def, output_node_names,
                                   variable_names_whitelist=None,
                                   variable_names_blacklist=None):
    """Replaces all the variables in a graph with constants of the same values.

    Keeps what `output_node_names` need (`extract_sub_graph`) and writes each
    variable it reaches as a Const holding the value `sess` holds for it
    (those in `variable_names_whitelist` only, when given; none of
    `variable_names_blacklist`). Returns the frozen GraphDef.
    """
    inference = extract_sub_graph(input_graph_def, output_node_names)
    names = [n.name for n in inference.node if n.op in _VARIABLE_OPS
             and (variable_names_whitelist is None or n.name in variable_names_whitelist)
             and (variable_names_blacklist is None or n.name not in variable_names_blacklist)]
    values = dict(zip(names, sess.run([n + ":0" for n in names]))) if names else {}
    out = GraphDef()
    for node in inference.node:
        if node.name in values:
            value = values[node.name]
            dtype = dtypes.as_dtype(node.attr["dtype"].type)
            const = out.node.add(name=node.name, op="Const")
            const.attr["dtype"].CopyFrom(AttrValue(type=dtype.as_datatype_enum))
            const.attr["value"].CopyFrom(AttrValue(tensor=tensor_proto(value, dtype)))
            if node.device:
                const.device = node.device
            continue
        out.node.append(NodeDef.FromString(node.SerializeToString()))
    _keep_library_and_versions(inference, out)
    return out


def remove_training_nodes(input_graph, protected_nodes=None):
    """Prunes out nodes that aren't needed for inference.

    CheckNumerics nodes are dropped and Identity nodes spliced out (their
    consumers read the Identity's input), except those in `protected_nodes`
    and Identities with control inputs or that are control inputs. Returns a
    new GraphDef.
    """
    _check(input_graph)
    protected = set(protected_nodes or ())
    removed = {}
    for node in input_graph.node:
        if node.op == "CheckNumerics" and node.name not in protected:
            removed[node.name] = node.input[0] if node.input else None
    controls = {_node_name(i) for n in input_graph.node for i in n.input if i.startswith("^")}
    for node in input_graph.node:
        if (node.op == "Identity" and node.name not in protected and node.input
                and not any(i.startswith("^") for i in node.input)
                and node.name not in controls):
            removed[node.name] = node.input[0]

    def resolve(ref):
        control = ref.startswith("^")
        name = _node_name(ref)
        seen = set()
        while name in removed and name not in seen and removed[name] is not None:
            seen.add(name)
            ref = removed[name]
            name = _node_name(ref)
        return ("^" + name) if control else ref

    out = GraphDef()
    for node in input_graph.node:
        if node.name in removed:
            continue
        copy = NodeDef.FromString(node.SerializeToString())
        inputs = [resolve(i) for i in copy.input]
        copy.ClearField("input")
        copy.input.extend(inputs)
        out.node.append(copy)
    _keep_library_and_versions(input_graph, out)
    return out


def _keep_library_and_versions(src, out):
    """A rewritten GraphDef keeps its source's function library and versions."""
    if src.HasField("library"):
        out.library.CopyFrom(src.library)
    if src.HasField("versions"):
        out.versions.CopyFrom(src.versions)


def must_run_on_cpu(node, pin_variables_on_cpu=False):
    """Returns True if the given node_def must run on CPU (fastgraph runs
    every node on the CPU)."""
    return True


def tensor_shape_from_node_def_name(graph, input_name):
    """The static shape of the tensor named `input_name` ("op" or "op:i")."""
    if ":" not in input_name:
        input_name += ":0"
    return graph.get_tensor_by_name(input_name).shape

