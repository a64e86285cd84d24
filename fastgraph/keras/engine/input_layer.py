"""`tf.keras.layers.InputLayer` and `tf.keras.Input`: the placeholder a
functional model starts from ("input_1:0", "input_2:0", ... as TF-Keras
names them)."""

from ...framework import dtypes
from ...ops.array_ops import placeholder
from .. import backend
from .base_layer import Layer, Node

__all__ = ["InputLayer", "Input"]


class InputLayer(Layer):
    """Layer to be used as an entry point into a Network (a graph of layers).

    Args:
      input_shape: Shape tuple (not including the batch axis), or
        `TensorShape` instance (not including the batch axis).
      batch_size: Optional input batch size (integer or None).
      dtype: Optional datatype of the input (defaults to float32).
      input_tensor: Optional tensor to use as layer input.
      sparse, ragged: not supported by fastgraph's Keras (must be False).
      name: Optional name of the layer (string).
    """

    def __init__(self, input_shape=None, batch_size=None, dtype=None, input_tensor=None,
                 sparse=None, name=None, ragged=None, type_spec=None, **kwargs):
        batch_input_shape = kwargs.pop("batch_input_shape", None)
        if sparse or ragged:
            raise NotImplementedError("fastgraph's Keras has no sparse or ragged inputs")
        if not name:
            name = backend.unique_object_name("input", zero_based=False)
        super().__init__(name=name, dtype=dtype, **kwargs)
        self.built = True
        if input_tensor is None:
            if batch_input_shape is not None:
                shape = tuple(batch_input_shape)
            elif input_shape is not None:
                shape = (batch_size,) + tuple(input_shape)
            else:
                shape = None
            with backend.get_graph().name_scope(""):
                input_tensor = placeholder(dtypes.as_dtype(dtype or backend.floatx()),
                                           shape=shape, name=name)
        self._batch_input_shape = None if input_tensor.shape.rank is None else \
            tuple(input_tensor.shape.as_list())
        self._dtype = input_tensor.dtype
        self.is_placeholder = input_tensor.op.type == "Placeholder"
        Node(self, input_tensor, input_tensor, (), {})

    def get_config(self):
        return {"batch_input_shape": self._batch_input_shape, "dtype": self.dtype,
                "sparse": False, "ragged": False, "name": self.name}


def Input(shape=None, batch_size=None, name=None, dtype=None, sparse=None, tensor=None,  # noqa: N802
          ragged=None, type_spec=None, **kwargs):
    """`Input()` is used to instantiate a Keras tensor: a placeholder of
    shape `(batch_size,) + shape` that a functional `Model` can start from.

    Args:
      shape: A shape tuple (integers), not including the batch size.
      batch_size: optional static batch size (integer).
      name: An optional name string for the layer ("input_1", ... by default).
      dtype: The data type expected by the input, as a string (float32 by default).
      tensor: Optional existing tensor to wrap into the `Input` layer.

    Returns:
      A tensor.
    """
    batch_shape = kwargs.pop("batch_shape", None) or kwargs.pop("batch_input_shape", None)
    if kwargs:
        raise ValueError(f"Unrecognized keyword arguments: {list(kwargs)}")
    if shape is not None and batch_shape is not None:
        raise ValueError("Only provide the `shape` OR `batch_shape` argument to Input, not "
                         "both at the same time.")
    if shape is None and batch_shape is None and tensor is None:
        raise ValueError("Please provide to Input a `shape` or a `tensor` or a `type_spec` "
                         "argument. Note that `shape` does not include the batch dimension.")
    if isinstance(shape, int):
        shape = (shape,)
    layer = InputLayer(input_shape=shape, batch_size=batch_size, name=name, dtype=dtype,
                       sparse=sparse, input_tensor=tensor, ragged=ragged,
                       **({"batch_input_shape": batch_shape} if batch_shape else {}))
    return layer._inbound_nodes[0].outputs
