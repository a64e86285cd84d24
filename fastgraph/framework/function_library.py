"""The function library of an imported GraphDef.

TF2 graphs call functions: `PartitionedCall` runs one, `While` and `If`
take their condition, body and branches as functions, and each function is
a FunctionDef of the GraphDef's library. The importer gives a node's `func`
attrs to its reader as `ImportedFunction`s: calling one with tensors
imports the function's body into the graph being built (inside a loop's
or a branch's sub-graph when the reader calls it from there) and returns
its results, so a While reads as `while_loop(cond, body, ...)` and a call
as its body inlined.

A body node names its inputs "node:output_arg:index" (the output argument
of the producing op, by name) or an input argument of the function by its
name; `body_nodes` rewrites them to the "node:k" of GraphDefs.
"""

__all__ = ["ImportedFunction", "body_nodes", "graph_ref", "output_offset"]

# TF ops with more than one output argument: their output args in order.
# Every argument here is one tensor; ops whose only output argument is a
# list ("output" of Unpack, Split, While, PartitionedCall) need no entry.
_OUTPUT_ARGS = {
    "FusedBatchNorm": ("y", "batch_mean", "batch_variance", "reserve_space_1",
                       "reserve_space_2"),
    "FusedBatchNormV2": ("y", "batch_mean", "batch_variance", "reserve_space_1",
                         "reserve_space_2"),
    "FusedBatchNormV3": ("y", "batch_mean", "batch_variance", "reserve_space_1",
                         "reserve_space_2", "reserve_space_3"),
    "FusedBatchNormGrad": ("x_backprop", "scale_backprop", "offset_backprop",
                           "reserve_space_3", "reserve_space_4"),
    "FusedBatchNormGradV2": ("x_backprop", "scale_backprop", "offset_backprop",
                             "reserve_space_3", "reserve_space_4"),
    "FusedBatchNormGradV3": ("x_backprop", "scale_backprop", "offset_backprop",
                             "reserve_space_4", "reserve_space_5"),
    "TopKV2": ("values", "indices"),
    "TopK": ("values", "indices"),
    "Unique": ("y", "idx"),
    "UniqueWithCounts": ("y", "idx", "count"),
    "Switch": ("output_false", "output_true"),
    "Merge": ("output", "value_index"),
    "Qr": ("q", "r"),
    "Svd": ("s", "u", "v"),
    "SelfAdjointEigV2": ("e", "v"),
    "Eig": ("e", "v"),
    "LogMatrixDeterminant": ("sign", "log_abs_determinant"),
    "Lu": ("lu", "p"),
    "SoftmaxCrossEntropyWithLogits": ("loss", "backprop"),
    "SparseSoftmaxCrossEntropyWithLogits": ("loss", "backprop"),
    "MaxPoolWithArgmax": ("output", "argmax"),
    "BroadcastGradientArgs": ("r0", "r1"),
    "NonMaxSuppressionV4": ("selected_indices", "valid_outputs"),
    "NonMaxSuppressionV5": ("selected_indices", "selected_scores", "valid_outputs"),
}


def output_offset(op_type, arg):
    """The index of the first output of argument `arg` of a TF op."""
    args = _OUTPUT_ARGS.get(op_type)
    if args is None or arg not in args:
        return 0
    return args.index(arg)


def body_nodes(fdef, node_class):
    """The nodes of FunctionDef `fdef` as `node_class` objects whose inputs
    are GraphDef refs ("node:k", "^node"); the function's input arguments
    are refs "arg:0" (the importer maps them to the call's tensors)."""
    nodes = [node_class(n) for n in fdef.node_def]
    types = {n.name: n.op for n in nodes}
    for n in nodes:
        n.input = [graph_ref(r, types) for r in n.input]
    return nodes


def graph_ref(ref, types):
    """A body node's input `ref` as a GraphDef ref; `types` maps the body's
    node names to their op types."""
    if ref.startswith("^"):
        return ref
    parts = ref.split(":")
    if len(parts) == 1:
        return ref + ":0"
    if len(parts) == 2:  # "node:k", as some writers give
        return ref
    node, arg, index = parts
    return f"{node}:{output_offset(types.get(node), arg) + int(index)}"


class ImportedFunction:
    """A function of an imported GraphDef's library, as a `func` attr of a
    node that calls it. Calling it with one tensor per input argument
    imports its body into the default graph, under the current name
    scope, and returns its results in the order of its output arguments
    (a function with control outputs and no results gives the NoOp that
    runs them)."""

    def __init__(self, name, fdef, import_body):
        self.name = name
        self.fdef = fdef
        self._import_body = import_body

    @property
    def input_names(self):
        """The names of the function's input arguments, in order."""
        return [a.name for a in self.fdef.signature.input_arg]

    @property
    def output_names(self):
        """The names of the function's output arguments, in order."""
        return [a.name for a in self.fdef.signature.output_arg]

    def __call__(self, *args):
        names = self.input_names
        if len(args) != len(names):
            raise ValueError(f"import_graph_def: function {self.name} takes {len(names)} "
                             f"inputs, its caller gives {len(args)}")
        ret = dict(self.fdef.ret)
        missing = [o for o in self.output_names if o not in ret]
        if missing:
            raise ValueError(f"import_graph_def: function {self.name} has no result for "
                             f"output {missing[0]}")
        return self._import_body(self, dict(zip(names, args)),
                                 [ret[o] for o in self.output_names])

    def __repr__(self):
        return f"<ImportedFunction {self.name}>"
