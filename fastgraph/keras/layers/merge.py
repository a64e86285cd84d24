"""Keras's merge layers: Add, Subtract, Multiply, Average, Maximum,
Minimum, Concatenate, Dot, and their functional forms (`add`, ...)."""

from ...ops import array_ops as _array
from ...ops import elementwise as _ew
from ...ops.linalg_ops import matmul
from ...api.nn_impl import l2_normalize
from ..engine.base_layer import Layer
from ...ops.reduction_ops import reduce_sum

__all__ = ["Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate",
           "Dot", "add", "subtract", "multiply", "average", "maximum", "minimum",
           "concatenate", "dot"]


class _Merge(Layer):
    """A layer that merges a list of inputs (of one shape, or broadcastable)."""

    def build(self, input_shape):
        if not isinstance(input_shape, (list, tuple)) or not input_shape or \
                not isinstance(input_shape[0], (list, tuple)):
            raise ValueError("A merge layer should be called on a list of inputs. "
                             f"Received: input_shape={input_shape} (not a list of shapes)")
        if len(input_shape) < 1:
            raise ValueError("A merge layer should be called on a list of at least 1 input. "
                             f"Got {len(input_shape)} inputs. Full input_shape received: "
                             f"{input_shape}")
        self.built = True

    def call(self, inputs):
        out = inputs[0]
        for x in inputs[1:]:
            out = self._merge(out, x)
        return self._finish(out, len(inputs))

    def _finish(self, out, n):
        return out

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[0])


class Add(_Merge):
    """Layer that adds a list of inputs (all of the same shape)."""
    _merge = staticmethod(_ew.add)


class Multiply(_Merge):
    """Layer that multiplies (element-wise) a list of inputs."""
    _merge = staticmethod(_ew.multiply)


class Maximum(_Merge):
    """Layer that computes the maximum (element-wise) of a list of inputs."""
    _merge = staticmethod(_ew.maximum)


class Minimum(_Merge):
    """Layer that computes the minimum (element-wise) of a list of inputs."""
    _merge = staticmethod(_ew.minimum)


class Average(_Merge):
    """Layer that averages a list of inputs element-wise."""
    _merge = staticmethod(_ew.add)

    def _finish(self, out, n):
        return out / n


class Subtract(_Merge):
    """Layer that subtracts two inputs: `inputs[0] - inputs[1]`."""

    def build(self, input_shape):
        super().build(input_shape)
        if len(input_shape) != 2:
            raise ValueError("A `Subtract` layer should be called on exactly 2 inputs. "
                             f"Received: input_shape={input_shape}")

    def call(self, inputs):
        if len(inputs) != 2:
            raise ValueError("A `Subtract` layer should be called on exactly 2 inputs. "
                             f"Received: inputs={inputs}")
        return _ew.subtract(inputs[0], inputs[1])


class Concatenate(_Merge):
    """Layer that concatenates a list of inputs along `axis` (the last by
    default); their other dimensions must match."""

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def build(self, input_shape):
        super().build(input_shape)
        ranks = {len(s) for s in input_shape}
        if len(ranks) != 1:
            raise ValueError("A `Concatenate` layer requires inputs with matching shapes "
                             "except for the concatenation axis. Received: input_shape="
                             f"{[tuple(s) for s in input_shape]}")
        rank = ranks.pop()
        axis = self.axis % rank
        for i in range(rank):
            if i == axis:
                continue
            dims = {s[i] for s in input_shape if s[i] is not None}
            if len(dims) > 1:
                raise ValueError("A `Concatenate` layer requires inputs with matching shapes "
                                 "except for the concatenation axis. Received: input_shape="
                                 f"{[tuple(s) for s in input_shape]}")

    def call(self, inputs):
        return _array.concat(list(inputs), self.axis)

    def compute_output_shape(self, input_shape):
        shape = list(input_shape[0])
        axis = self.axis % len(shape)
        sizes = [s[axis] for s in input_shape]
        shape[axis] = None if None in sizes else sum(sizes)
        return tuple(shape)

    def get_config(self):
        config = super().get_config()
        config["axis"] = self.axis
        return config


class Dot(_Merge):
    """Layer that computes a dot product between samples in two tensors
    (over `axes`; `normalize` L2-normalizes them first, giving the cosine)."""

    def __init__(self, axes, normalize=False, **kwargs):
        super().__init__(**kwargs)
        self.axes = axes
        self.normalize = normalize

    def call(self, inputs):
        x, y = inputs
        axes = self.axes if isinstance(self.axes, (list, tuple)) else (self.axes, self.axes)
        axes = [a % t.shape.rank for a, t in zip(axes, (x, y))]
        if self.normalize:
            x, y = l2_normalize(x, axis=axes[0]), l2_normalize(y, axis=axes[1])
        if x.shape.rank == 2 and y.shape.rank == 2:
            out = _ew.multiply(x, y)
            return reduce_sum(out, axis=1, keepdims=True)
        # Batched: move the contracted axes to matmul's positions.
        xt = x if axes[0] == x.shape.rank - 1 else _array.transpose(
            x, [i for i in range(x.shape.rank) if i != axes[0]] + [axes[0]])
        yt = y if axes[1] == 1 else _array.transpose(
            y, [0, axes[1]] + [i for i in range(1, y.shape.rank) if i != axes[1]])
        return matmul(xt, yt)


def _functional(cls):
    def merge(inputs, **kwargs):
        return cls(**kwargs)(inputs)
    merge.__name__ = cls.__name__.lower()
    merge.__doc__ = f"Functional interface to the `{cls.__name__}` layer."
    return merge


add, subtract, multiply = _functional(Add), _functional(Subtract), _functional(Multiply)
average, maximum, minimum = _functional(Average), _functional(Maximum), _functional(Minimum)
concatenate = _functional(Concatenate)


def dot(inputs, axes, normalize=False, **kwargs):
    """Functional interface to the `Dot` layer."""
    return Dot(axes=axes, normalize=normalize, **kwargs)(inputs)
