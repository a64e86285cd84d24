"""`tf.TensorArray` (TF1 semantics, graph mode).

A TensorArray of `size` elements of one shape is held as a dense buffer of
shape [size] + element_shape and a bool vector of the elements written
(fastgraph/ops/tensor_array_ops.py). Every write returns a new TensorArray
(TF1's flow), so a TensorArray is a value: it can be a `while_loop`
variable (the loop carries its buffer and its mask), and its gradients are
those of the buffer's ops. Elements never written read as zeros, as TF's
do when the element shape is known.

The buffer is made as soon as the size and the element shape are known:
at construction when `element_shape` is fully defined, else at the first
write (`infer_shape`). A TensorArray whose element shape is unknown when it
enters a `while_loop` gets it from the body's first write, when that write
has a static shape. fastgraph does not keep TF's read-once rule
(`clear_after_read`): reading an element twice returns it twice.
"""

import numpy as np

from ..framework import dtypes, errors
from ..framework.constant_op import constant
from ..framework.graph import Tensor
from ..framework.static_values import constant_value, static_value
from ..framework.tensor_shape import TensorShape
from ..ops.arguments import graph_of, to_tensor
from ..ops.array_ops import concat, identity, no_op, pad, reshape, shape, stack
from ..ops.indexing_ops import ones, range as _range, zeros
from ..ops.tensor_array_ops import (dense_array_grow, dense_array_read, dense_array_trim,
                                    dense_array_write)

__all__ = ["TensorArray"]


def _dims(shape_like):
    """A TensorShape's dims as ints and None, or None for unknown rank."""
    return TensorShape(shape_like).as_tuple()


def _static_int(t):
    value = static_value(t) if isinstance(t, Tensor) else t
    return None if value is None else int(np.asarray(value).reshape(-1)[0])


def _shape_str(s):
    dims = TensorShape(s).as_tuple()
    if dims is None:
        return "<unknown>"
    parts = ["None" if d is None else str(d) for d in dims]
    return f"({parts[0]},)" if len(parts) == 1 else "(" + ", ".join(parts) + ")"


class TensorArray:
    """Class wrapping dynamic-sized, per-time-step, write-once Tensor arrays.

    This class is meant to be used with dynamic iteration primitives such as
    `while_loop` and `map_fn`. It supports gradient back-propagation via
    special "flow" control flow dependencies.

    Args:
      dtype: (required) data type of the TensorArray.
      size: (optional) int32 scalar `Tensor`: the size of the TensorArray.
        Required if handle is not provided.
      dynamic_size: (optional) Python bool: If true, writes to the
        TensorArray can grow the TensorArray past its initial size. Default:
        False. (fastgraph grows it outside loops only.)
      clear_after_read: Boolean (optional, default: True). If True, clear
        TensorArray values after reading them. (Accepted; fastgraph keeps
        them.)
      tensor_array_name: (optional) Python string: the name of the
        TensorArray.
      handle: (optional) A `Tensor` handle to an existing TensorArray (in
        fastgraph, the `handle` of another TensorArray: its written mask).
      flow: (optional) A float `Tensor` scalar coming from an existing
        `TensorArray.flow` (in fastgraph, the dense buffer).
      infer_shape: (optional, default: True) If True, shape inference is
        enabled. In this case, all elements must have the same shape.
      element_shape: (optional, default: None) A `TensorShape` object
        specifying the shape constraints of each of the elements of the
        TensorArray. Need not be fully defined.
      colocate_with_first_write_call: accepted (there is one device).
      name: A name for the operation (optional).
    """

    def __init__(self, dtype, size=None, dynamic_size=None, clear_after_read=None,
                 tensor_array_name=None, handle=None, flow=None, infer_shape=True,
                 element_shape=None, colocate_with_first_write_call=True, name=None):
        if handle is not None and size is not None:
            raise ValueError("Cannot provide both a handle and size at the same time")
        if handle is not None and element_shape is not None:
            raise ValueError("Cannot provide both a handle and element_shape at the same time")
        if handle is not None and dynamic_size is not None:
            raise ValueError("Cannot provide both a handle and dynamic_size at the same time")
        if handle is not None and clear_after_read is not None:
            raise ValueError("Cannot provide both a handle and clear_after_read at the same "
                             "time")
        if handle is None and size is None:
            raise ValueError("Size must be provided if handle is not provided")
        self._dtype = dtypes.as_dtype(dtype)
        self._dynamic_size = bool(dynamic_size)
        self._clear_after_read = True if clear_after_read is None else bool(clear_after_read)
        self._infer_shape = infer_shape
        self._name = tensor_array_name or name or "TensorArray"
        self._element_shape = TensorShape(element_shape)
        self._buffer = self._written = None
        # Whether the buffer may hold more rows than the array has elements
        # (a dynamic_size array grown at run time keeps spare capacity).
        self._spare = False
        graph = graph_of([size, handle, flow])
        self._graph = graph
        with graph.as_default():
            if handle is not None:
                if flow is None:
                    raise ValueError("fastgraph's TensorArray(handle=...) needs the flow of the "
                                     "same TensorArray")
                self._set(to_tensor(graph, flow), to_tensor(graph, handle))
                self._size = None
                return
            self._size = to_tensor(graph, size, dtype=dtypes.int32)
            if self._size.shape.rank not in (None, 0):
                raise ValueError(f"Shape must be rank 0 but is rank {self._size.shape.rank}")
            if self._element_shape.is_fully_defined():
                self._make_buffer(list(self._element_shape.as_tuple()))

    @classmethod
    def _with_dims(cls, dtype, size, element_dims, name):
        """A TensorArray of `size` elements of dims `element_dims` (ints, or
        scalar int32 tensors for dims known only when the graph runs: the
        batch of an RNN's outputs)."""
        static = [d if isinstance(d, int) else None for d in element_dims]
        ta = cls(dtype, size=size, element_shape=static, tensor_array_name=name)
        if ta._buffer is None:
            ta._make_buffer(list(element_dims))
        return ta

    # ---- the buffer ---------------------------------------------------------

    def _set(self, buffer, written):
        self._buffer, self._written = buffer, written
        dims = buffer.shape.as_tuple()
        if dims is not None:
            self._element_shape = self._element_shape.merge_with(TensorShape(dims[1:])) \
                if self._element_shape.rank is not None else TensorShape(dims[1:])

    def _make_buffer(self, element_dims):
        """Zeros of shape [size] + element_dims (ints, or scalar tensors)."""
        with self._graph.as_default(), self._graph.name_scope(self._name):
            n = _static_int(self._size)
            if n is not None and all(isinstance(d, (int, np.integer)) for d in element_dims):
                dims, count = [n] + [int(d) for d in element_dims], [n]
            else:
                dims = stack([to_tensor(self._graph, d, dtype=dtypes.int32)
                              for d in [self._size] + list(element_dims)])
                count = stack([self._size])
            buffer, written = zeros(dims, self._dtype), zeros(count, dtypes.bool)
            buffer.set_shape([n] + [d if isinstance(d, (int, np.integer)) else None
                                    for d in element_dims])
            written.set_shape([n])
            self._set(buffer, written)

    def _derive(self, buffer, written):
        """A TensorArray like this one holding `buffer` and `written`."""
        out = object.__new__(TensorArray)
        out.__dict__.update(self.__dict__)
        out._set(buffer, written)
        return out

    def _merge_element_shape(self, value_shape):
        if not self._infer_shape:
            return
        if self._element_shape.rank is not None and value_shape.rank is not None and \
                not self._element_shape.is_compatible_with(value_shape):
            raise ValueError(f"Inconsistent shapes: saw {_shape_str(value_shape)} but expected "
                             f"{_shape_str(self._element_shape)} ")
        self._element_shape = self._element_shape.merge_with(value_shape) \
            if self._element_shape.rank is not None else value_shape

    def _ensure_buffer(self, element_value_shape, dynamic_dims):
        """Makes the buffer from the shape of an element being written."""
        if self._buffer is not None:
            return
        dims = _dims(element_value_shape)
        if dims is None:
            raise errors.UnimplementedError(
                None, None, "fastgraph's TensorArray needs the rank of its elements at graph "
                "construction (give element_shape)")
        self._make_buffer([d if d is not None else dynamic_dims[i] for i, d in enumerate(dims)])

    def _grown(self, index_max):
        """(buffer, written) padded to hold row `index_max` (dynamic_size, a
        static index past the static size)."""
        dims = self._buffer.shape.as_tuple()
        n = dims[0] if dims else None
        if not self._dynamic_size or n is None or index_max < n:
            return self._buffer, self._written
        extra = index_max + 1 - n
        rank = len(dims)
        return (pad(self._buffer, [[0, extra]] + [[0, 0]] * (rank - 1)),
                pad(self._written, [[0, extra]]))

    # ---- the while_loop protocol (fastgraph.ops.control_flow_ops) ------------

    def _loop_invariants(self):
        """The shapes the buffer and the mask keep across a loop's
        iterations: any number of rows for a dynamic_size array."""
        if not self._dynamic_size:
            return [None, None]
        element = self._element_shape.as_tuple()
        return [TensorShape(None if element is None else (None,) + tuple(element)),
                TensorShape([None])]

    def _elements(self):
        """(buffer, written) of the array's elements only (a grown buffer
        cut back to the array's size)."""
        if not self._spare:
            return self._buffer, self._written
        size = self._size if self._size is not None else 0
        buffer, written = dense_array_trim(self._buffer, self._written, size,
                                           name="TensorArrayTrim")
        element = self._element_shape.as_tuple()
        if element is not None and buffer.shape.rank is None:
            buffer.set_shape((None,) + tuple(element))
        return buffer, written

    def _loop_tensors(self):
        if self._buffer is None:
            if self._written is None:
                with self._graph.as_default(), self._graph.name_scope(self._name):
                    n = _static_int(self._size)
                    self._written = zeros([n] if n is not None else stack([self._size]),
                                          dtypes.bool)
            return [_PendingBuffer(self), self._written]
        return [self._buffer, self._written]

    def _with_loop_tensors(self, tensors):
        out = self._derive(tensors[0], tensors[1])
        out._spare = out._spare or self._dynamic_size
        return out

    # ---- TF's API -----------------------------------------------------------

    @property
    def flow(self):
        """The flow `Tensor` forcing ops leading to this TensorArray state
        (in fastgraph, the dense buffer of its elements)."""
        if self._buffer is None:
            raise errors.UnimplementedError(None, None, f"TensorArray {self._name} has no "
                                            "buffer before its element shape is known")
        return self._buffer

    @property
    def handle(self):
        """The reference to the TensorArray (in fastgraph, the bool vector
        of the elements written)."""
        if self._written is None:
            raise errors.UnimplementedError(None, None, f"TensorArray {self._name} has no "
                                            "buffer before its element shape is known")
        return self._written

    @property
    def dtype(self):
        """The data type of this TensorArray."""
        return self._dtype

    @property
    def element_shape(self):
        """The `tf.TensorShape` of elements in this TensorArray."""
        return self._element_shape

    @property
    def dynamic_size(self):
        """Python bool; if True the TensorArray can grow dynamically."""
        return self._dynamic_size

    def identity(self):
        """Returns a TensorArray with the same content and properties."""
        if self._buffer is None:
            return self._derive_lazy()
        with self._graph.as_default():
            return self._derive(identity(self._buffer), identity(self._written))

    def _derive_lazy(self):
        out = object.__new__(TensorArray)
        out.__dict__.update(self.__dict__)
        return out

    def size(self, name=None):
        """Return the size of the TensorArray."""
        with self._graph.as_default():
            if self._buffer is not None:
                buffer, _ = self._elements()
                n = buffer.shape.as_tuple()[0] if buffer.shape.rank else None
                if n is not None:
                    return constant(n, dtypes.int32, name=name or "TensorArraySizeV3")
                return shape(buffer, name=name or "TensorArraySizeV3")[0]
            return identity(self._size, name=name or "TensorArraySizeV3")

    def read(self, index, name=None):
        """Read the value at location `index` in the TensorArray.

        Elements never written read as zeros; an index out of range raises
        InvalidArgumentError when the graph runs."""
        if self._buffer is None:
            raise errors.UnimplementedError(
                None, None, f"fastgraph's TensorArray {self._name} is read before its element "
                "shape is known (give element_shape)")
        with self._graph.as_default():
            index = to_tensor(self._graph, index, dtype=dtypes.int32)
            out = dense_array_read(self._buffer, index, name=name or "TensorArrayReadV3")
            out.set_shape(self._element_shape)
            return out

    def gather(self, indices, name=None):
        """Return selected values in the TensorArray as a packed `Tensor`:
        the elements `indices` (a vector) stacked."""
        if self._buffer is None:
            raise errors.UnimplementedError(
                None, None, f"fastgraph's TensorArray {self._name} is read before its element "
                "shape is known (give element_shape)")
        with self._graph.as_default():
            indices = to_tensor(self._graph, indices, dtype=dtypes.int32)
            return dense_array_read(self._buffer, indices, name=name or "TensorArrayGatherV3")

    def stack(self, name=None):
        """Return the values in the TensorArray as a stacked `Tensor`: all
        elements, in order (those never written are zeros)."""
        if self._buffer is None:
            raise errors.UnimplementedError(
                None, None, f"fastgraph's TensorArray {self._name} is stacked before its "
                "element shape is known (give element_shape)")
        with self._graph.as_default(), self._graph.name_scope(name or "TensorArrayStack"):
            out = identity(self._elements()[0], name="TensorArrayGatherV3")
            element = self._element_shape.as_tuple()
            if element is not None:
                out.set_shape((None,) + tuple(element))
            return out

    def concat(self, name=None):
        """Return the values in the TensorArray as a concatenated `Tensor`:
        the elements joined along their first dimension."""
        if self._buffer is None or self._element_shape.rank == 0 or (
                self._element_shape.rank is None and not self._spare):
            raise errors.UnimplementedError(
                None, None, "fastgraph's TensorArray.concat needs elements of rank >= 1 and a "
                "known element shape")
        with self._graph.as_default():
            buffer = self._elements()[0]
            dims = buffer.shape.as_tuple()
            rest = list(dims[2:]) if dims is not None else [None]
            if None in rest:
                dims = shape(buffer)
                return reshape(buffer, concat([[-1], dims[2:]], 0),
                               name=name or "TensorArrayConcatV3")
            return reshape(buffer, [-1] + rest, name=name or "TensorArrayConcatV3")

    def write(self, index, value, name=None):
        """Write `value` into index `index` of the TensorArray; returns a new
        TensorArray object with flow that ensures the write occurs. Writing
        an index twice, or past the size of an array that is not
        dynamic_size, raises InvalidArgumentError when the graph runs."""
        with self._graph.as_default(), self._graph.name_scope(name or "TensorArrayWrite"):
            value = to_tensor(self._graph, value, dtype=self._dtype)
            index = to_tensor(self._graph, index, dtype=dtypes.int32)
            self._merge_element_shape(value.shape)
            dims = value.shape.as_tuple()
            dynamic = shape(value) if dims is not None and None in dims else None
            self._ensure_buffer(value.shape, dynamic)
            known = _static_int(index)
            buffer, written = self._grown(known) if known is not None else \
                (self._buffer, self._written)
            grow = self._dynamic_size and known is None
            if grow:
                buffer, written = dense_array_grow(buffer, written, index, value)
            new_buffer, new_written = dense_array_write(buffer, written, index, value,
                                                        name="TensorArrayWriteV3")
            out = self._derive(new_buffer, new_written)
            out._spare = out._spare or grow
            return out

    def scatter(self, indices, value, name=None):
        """Scatter the values of a `Tensor` in specific indices of a
        `TensorArray`: element indices[i] is value[i]."""
        with self._graph.as_default(), self._graph.name_scope(name or "TensorArrayScatter"):
            value = to_tensor(self._graph, value, dtype=self._dtype)
            indices = to_tensor(self._graph, indices, dtype=dtypes.int32)
            element = value.shape[1:] if value.shape.rank is not None else TensorShape(None)
            self._merge_element_shape(element)
            dims = value.shape.as_tuple()
            dynamic = shape(value)[1:] if dims is not None and None in dims[1:] else None
            if dynamic is not None:
                dynamic = [dynamic[i] for i in range(len(dims) - 1)]
            self._ensure_buffer(element, dynamic)
            known = constant_value(indices)
            buffer, written = self._grown(int(np.max(known))) if known is not None and \
                np.size(known) else (self._buffer, self._written)
            grow = self._dynamic_size and known is None
            if grow:
                buffer, written = dense_array_grow(buffer, written, indices, value)
            new_buffer, new_written = dense_array_write(buffer, written, indices, value,
                                                        name="TensorArrayScatterV3")
            out = self._derive(new_buffer, new_written)
            out._spare = out._spare or grow
            return out

    def unstack(self, value, name=None):
        """Unstack the values of a `Tensor` in the TensorArray: element i is
        value[i]. A dynamic_size TensorArray that holds nothing becomes
        `value` itself."""
        with self._graph.as_default(), self._graph.name_scope(name or "TensorArrayUnstack"):
            value = to_tensor(self._graph, value, dtype=self._dtype)
            if value.shape.rank == 0:
                raise ValueError("Shape must be at least rank 1 but is rank 0")
            if self._buffer is None and self._dynamic_size and _static_int(self._size) == 0:
                self._merge_element_shape(value.shape[1:])
                n = value.shape.as_tuple()[0]
                mask = ones([n] if n is not None else stack([shape(value)[0]]), dtypes.bool)
                return self._derive(identity(value), mask)
            n = shape(value)[0]
            return self.scatter(_range(0, n), value, name="TensorArrayScatter")

    def split(self, value, lengths, name=None):
        """Split the values of a `Tensor` into the TensorArray: element i is
        the i-th piece of `lengths[i]` rows. fastgraph's elements share one
        shape: the lengths must be equal and known at graph construction."""
        with self._graph.as_default(), self._graph.name_scope(name or "TensorArraySplit"):
            value = to_tensor(self._graph, value, dtype=self._dtype)
            known = constant_value(lengths) if isinstance(lengths, Tensor) else \
                np.asarray(lengths)
            if known is None or np.size(known) == 0 or len(set(np.ravel(known).tolist())) != 1:
                raise errors.UnimplementedError(
                    None, None, "fastgraph's TensorArray.split needs equal lengths known at "
                    "graph construction (its elements share one shape)")
            k, length = int(np.size(known)), int(np.ravel(known)[0])
            rest = value.shape.as_tuple()[1:] if value.shape.rank is not None else None
            if rest is None:
                raise errors.UnimplementedError(None, None, "TensorArray.split needs the rank "
                                                "of its value")
            target = [k, length] + [d if d is not None else -1 for d in rest]
            if sum(d == -1 for d in target) > 1:
                dims = shape(value)
                target = concat([[k, length], dims[1:]], 0)
            return self.unstack(reshape(value, target))

    def close(self, name=None):
        """Close the current TensorArray (a no-op)."""
        with self._graph.as_default():
            return no_op(name=name or "TensorArrayCloseV3")

    def grad(self, source, flow=None, name=None):
        """TF's TensorArrayGrad: fastgraph's gradients flow through the buffer."""
        raise errors.UnimplementedError(None, None, "fastgraph's TensorArray has no grad(); "
                                        "tf.gradients differentiates through its buffer")

    def __repr__(self):
        return f"<TensorArray {self._name} dtype={self._dtype.name} " \
            f"element_shape={self._element_shape}>"



class _PendingBuffer:
    """The buffer of a TensorArray that enters a while_loop before its
    element shape is known: the loop variable has an unknown shape, and the
    buffer entering the loop is made from the shape the body's writes give
    (which must be static)."""

    def __init__(self, ta):
        self._ta = ta
        self.dtype = ta._dtype
        self.shape = TensorShape(None)
        self.name = f"{ta._name} (its buffer)"

    def _resolve_loop_input(self, out, host=False):
        dims = out.shape.as_tuple()
        ta = self._ta
        if host and dims is not None and ta._dynamic_size and _static_int(ta._size) == 0:
            # A loop that grows the array (a HostWhile): it enters empty,
            # and its first write gives the element dims unknown here.
            with ta._graph.as_default(), ta._graph.name_scope(ta._name):
                buffer = zeros([0] + [d or 0 for d in dims[1:]], ta._dtype)
            ta._buffer = buffer
            ta._merge_element_shape(TensorShape(dims[1:]))
            return buffer
        if dims is None or None in dims[1:]:
            raise errors.UnimplementedError(
                None, None, f"TensorArray {self._ta._name} enters a while_loop before its "
                "element shape is known, and the body's writes do not give a static one "
                f"({TensorShape(None if dims is None else dims[1:])}); fastgraph needs "
                "element_shape")
        self._ta._make_buffer(list(dims[1:]))
        return self._ta._buffer
