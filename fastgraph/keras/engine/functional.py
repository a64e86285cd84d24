"""The graph of layer calls a functional `Model(inputs, outputs)` holds:
the nodes between its inputs and outputs (found through the outputs' Keras
history), in an order where each node follows the nodes it reads from,
and running them again on new input tensors (calling a model)."""

from ...framework.graph import Tensor
from .base_layer import flatten, keras_history, pack_as
from .input_layer import InputLayer

__all__ = ["trace_nodes", "run_nodes"]


def trace_nodes(inputs, outputs):
    """(nodes, layers) from `inputs` to `outputs`: the layer calls in a
    dependency order, and the layers in order of first use (the input
    layers first)."""
    input_ids = {id(t) for t in flatten(inputs)}
    order, seen, layers = [], set(), []

    def visit(tensor):
        if id(tensor) in input_ids:
            return
        history = keras_history(tensor)
        if history is None:
            raise ValueError(f"Graph disconnected: cannot obtain value for tensor {tensor} "
                             "at layer of the model: it was not made by a Keras layer "
                             "from the model's inputs.")
        layer, node_index, _ = history
        node = layer._inbound_nodes[node_index]
        if id(node) in seen:
            return
        seen.add(id(node))
        for t in node.input_tensors:
            if isinstance(t, Tensor):
                visit(t)
        order.append(node)

    for t in flatten(outputs):
        visit(t)
    for t in flatten(inputs):
        history = keras_history(t)
        if history is not None and isinstance(history[0], InputLayer):
            layers.append(history[0])
    for node in order:
        if all(node.layer is not seen_layer for seen_layer in layers):
            layers.append(node.layer)
    return order, layers


def run_nodes(nodes, inputs, new_inputs, outputs, training=None):
    """The `outputs` of the traced graph computed from `new_inputs` in
    place of `inputs`: each node's layer called again on its mapped inputs."""
    values = {}
    for old, new in zip(flatten(inputs), flatten(new_inputs)):
        values[id(old)] = new
    for node in nodes:
        args = [values.get(id(t), t) for t in node.input_tensors]
        call_inputs = pack_as(node.inputs, args)
        kwargs = dict(node.call_kwargs)
        if training is not None and node.layer._call_has_arg("training"):
            kwargs["training"] = training
        result = node.layer(call_inputs, *node.call_args, **kwargs)
        for old, new in zip(node.output_tensors, flatten(result)):
            values[id(old)] = new
    return pack_as(outputs, [values[id(t)] for t in flatten(outputs)])
