"""`tf.keras.Sequential`: a plain stack of layers, each called on the
output of the one before. Given an input shape (`input_shape=` on its first
layer, or an `Input`/`InputLayer` first) it is built at once over a
placeholder named "<first layer>_input"; else on its first call or `fit`."""

from ...framework.graph import Tensor
from .base_layer import Layer, keras_history
from .input_layer import Input, InputLayer
from .training import Model

__all__ = ["Sequential"]


class Sequential(Model):
    """`Sequential` groups a linear stack of layers into a `tf.keras.Model`.

    Args:
      layers: Optional list of layers to add to the model.
      name: Optional name for the model ("sequential", "sequential_1", ...).
    """

    def __init__(self, layers=None, name=None):
        super().__init__(name=name)
        self._stack = []
        for layer in layers or []:
            self.add(layer)

    @property
    def layers(self):
        """The model's layers (without its InputLayer)."""
        return [layer for layer in self._stack if not isinstance(layer, InputLayer)]

    def add(self, layer):
        """Adds a layer instance on top of the layer stack."""
        if isinstance(layer, Tensor):
            history = keras_history(layer)
            if history is None or not isinstance(history[0], InputLayer):
                raise TypeError("The added layer must be an instance of class Layer. "
                                f"Received: layer={layer} of type {type(layer)}.")
            layer = history[0]
        if not isinstance(layer, Layer):
            raise TypeError("The added layer must be an instance of class Layer. "
                            f"Received: layer={layer} of type {type(layer)}.")
        if any(layer.name == other.name for other in self._stack):
            raise ValueError(f'All layers added to a Sequential model should have unique names.'
                             f' Name "{layer.name}" is already the name of a layer in this '
                             "model. Update the `name` argument to pass a unique name.")
        self._stack.append(layer)
        self._tracked_layers.append(layer)
        if isinstance(layer, InputLayer):
            self._start(layer._inbound_nodes[0].outputs)
        elif self.outputs is not None:
            out = layer(self.outputs[0])
            self._init_graph(self.inputs[0], out)
        elif len(self._stack) == 1 and getattr(layer, "_batch_input_shape", None):
            x = Input(batch_shape=layer._batch_input_shape, dtype=layer._dtype,
                      name=layer.name + "_input")
            self._start(x)

    def _start(self, x):
        out = x
        for layer in self.layers:
            out = layer(out)
        self._init_graph(x, out)

    def _init_graph(self, x, out):
        self.inputs, self.outputs = [x], [out]
        self._nested_inputs, self._nested_outputs = x, out
        self._is_graph_network = True
        self.built = True

    def pop(self):
        """Removes the last layer in the model."""
        if not self.layers:
            raise TypeError("There are no layers in the model.")
        layer = self._stack.pop()
        self._tracked_layers.remove(layer)
        if self.inputs is not None:
            self._start(self.inputs[0]) if self.layers else None

    def call(self, inputs, training=None, mask=None):
        out = inputs
        for layer in self.layers:
            kwargs = {"training": training} if training is not None and \
                layer._call_has_arg("training") else {}
            out = layer(out, **kwargs)
        return out

    def _set_inputs(self, inputs):
        self._start(inputs)

    def build(self, input_shape=None):
        """Builds the model over a placeholder of `input_shape` (with the batch axis)."""
        if self.outputs is not None:
            return
        x = Input(batch_shape=tuple(input_shape), name=(self.layers[0].name + "_input")
                  if self.layers else None)
        self._start(x)

    def get_config(self):
        return {"name": self.name, "layers": [{"class_name": type(layer).__name__,
                                                "config": layer.get_config()}
                                               for layer in self.layers]}
