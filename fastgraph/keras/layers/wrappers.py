"""Keras's layer wrappers: TimeDistributed (a layer applied to every time
step) and Bidirectional (a recurrent layer run forwards and backwards)."""

from ...ops import array_ops as _array
from ..engine.base_layer import Layer, _TensorShapeTuple

__all__ = ["Wrapper", "TimeDistributed", "Bidirectional"]


class Wrapper(Layer):
    """Abstract wrapper base class: holds the wrapped `layer`."""

    def __init__(self, layer, **kwargs):
        super().__init__(**kwargs)
        self.layer = layer


class TimeDistributed(Wrapper):
    """This wrapper allows to apply a layer to every temporal slice of an
    input: the `(batch, timesteps, ...)` input is folded to `(batch *
    timesteps, ...)`, given to the layer, and unfolded. The layer's weights
    are made in the wrapper's scope ("time_distributed/kernel")."""

    def __init__(self, layer, **kwargs):
        super().__init__(layer, **kwargs)
        self._input_ndim = (None, 3)

    def build(self, input_shape):
        inner = (None,) + tuple(input_shape[2:])
        # In the wrapper's own scope, as TF-Keras's ("time_distributed/kernel").
        self.layer._name_scope = self._name_scope
        self.layer._maybe_build_shape(_TensorShapeTuple(inner))
        self.layer._name_scope = None
        self.built = True

    def call(self, inputs, training=None):
        dims = inputs.shape.as_list()
        dynamic = _array.shape(inputs)
        folded = _array.reshape(inputs, _array.stack([-1] + [
            dynamic[i] if d is None else d for i, d in enumerate(dims) if i >= 2]))
        kwargs = {"training": training} if self.layer._call_has_arg("training") else {}
        out = self.layer.call(folded, **kwargs)
        out_dims = out.shape.as_list()[1:]
        steps = dims[1] if dims[1] is not None else dynamic[1]
        batch = dims[0] if dims[0] is not None else dynamic[0]
        result = _array.reshape(out, _array.stack([batch, steps] + [
            d if d is not None else _array.shape(out)[i + 1] for i, d in enumerate(out_dims)]))
        result.set_shape([dims[0], dims[1]] + out_dims)
        return result

    def compute_output_shape(self, input_shape):
        inner = self.layer.compute_output_shape((input_shape[0],) + tuple(input_shape[2:]))
        return (input_shape[0], input_shape[1]) + tuple(inner[1:])


class Bidirectional(Wrapper):
    """Bidirectional wrapper for RNNs: a copy of `layer` reads the sequence
    forwards ("forward_<name>"), another backwards ("backward_<name>"), and
    their outputs are merged (`merge_mode` "concat", "sum", "mul", "ave" or
    None for a list)."""

    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None,
                 **kwargs):
        if merge_mode not in ("sum", "mul", "ave", "concat", None):
            raise ValueError(f"Invalid merge mode. Received: {merge_mode}. Merge mode should "
                             "be one of {'sum', 'mul', 'ave', 'concat', None}")
        super().__init__(layer, **kwargs)
        kw = layer._clone_kwargs()
        self.forward_layer = type(layer)(name="forward_" + layer.name, **kw)
        if backward_layer is None:
            kw = dict(kw, go_backwards=not layer.go_backwards)
            backward_layer = type(layer)(name="backward_" + layer.name, **kw)
        self.backward_layer = backward_layer
        self.merge_mode = merge_mode
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        self._tracked_layers[:] = [self.forward_layer, self.backward_layer]

    def _sublayers(self):
        return [self.forward_layer, self.backward_layer]

    def call(self, inputs, training=None, initial_state=None):
        fw = self.forward_layer(inputs)
        bw = self.backward_layer(inputs)
        fw_states = bw_states = []
        if self.return_state:
            fw, fw_states = fw[0], fw[1:]
            bw, bw_states = bw[0], bw[1:]
        if self.return_sequences:
            bw = _array.reverse(bw, [1])
        if self.merge_mode == "concat":
            out = _array.concat([fw, bw], -1)
        elif self.merge_mode == "sum":
            out = fw + bw
        elif self.merge_mode == "ave":
            out = (fw + bw) / 2
        elif self.merge_mode == "mul":
            out = fw * bw
        else:
            out = [fw, bw]
        if self.return_state:
            return (out if isinstance(out, list) else [out]) + list(fw_states) + list(bw_states)
        return out
