"""Static shapes with unknown dimensions, as TF's `TensorShape`."""

__all__ = ["TensorShape", "Dimension", "as_shape", "unknown_shape", "debug_string"]


class Dimension:
    """A dimension of a shape; `value` is an int or None when unknown."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = None if value is None else int(value)
        if self.value is not None and self.value < 0:
            raise ValueError(f"Dimension {self.value} must be >= 0")

    def __int__(self):
        return self.value

    __index__ = __int__

    def __eq__(self, other):
        other = other.value if isinstance(other, Dimension) else other
        if self.value is None or other is None:
            return None
        return self.value == other

    def __repr__(self):
        return f"Dimension({self.value})"

    def __str__(self):
        return "?" if self.value is None else str(self.value)


class TensorShape:
    """Represents the shape of a `Tensor`: a list of dimensions, each an int
    or None (unknown), or no list at all when even the rank is unknown."""

    __slots__ = ("_dims",)

    def __init__(self, dims):
        if isinstance(dims, TensorShape):
            self._dims = dims._dims
        elif dims is None:
            self._dims = None
        else:
            if isinstance(dims, (int, Dimension)):
                dims = [dims]
            out = []
            for d in dims:
                if isinstance(d, Dimension):
                    d = d.value
                if d is not None:
                    d = int(d)
                    if d < 0:
                        raise ValueError(f"Dimension {d} must be >= 0")
                out.append(d)
            self._dims = tuple(out)

    @property
    def dims(self):
        """The dimensions as a tuple of ints and Nones, or None if the rank is unknown."""
        return self._dims

    @property
    def rank(self):
        """The rank, or None if unknown."""
        return None if self._dims is None else len(self._dims)

    ndims = rank

    def as_list(self):
        """Returns a list of integers or None for each dimension."""
        if self._dims is None:
            raise ValueError("as_list() is not defined on an unknown TensorShape.")
        return list(self._dims)

    def as_tuple(self):
        """The dimensions as a tuple (fastgraph's internal form)."""
        return self._dims

    def is_fully_defined(self):
        """Whether the rank and every dimension are known."""
        return self._dims is not None and all(d is not None for d in self._dims)

    def num_elements(self):
        """The number of elements, or None if not fully defined."""
        if not self.is_fully_defined():
            return None
        n = 1
        for d in self._dims:
            n *= d
        return n

    def is_compatible_with(self, other):
        """Whether a value of shape `other` could be a value of this shape."""
        other = as_shape(other)
        if self._dims is None or other._dims is None:
            return True
        if len(self._dims) != len(other._dims):
            return False
        return all(a is None or b is None or a == b for a, b in zip(self._dims, other._dims))

    def merge_with(self, other):
        """The most specific shape compatible with both; ValueError if none."""
        other = as_shape(other)
        if self._dims is None:
            return other
        if other._dims is None:
            return self
        if not self.is_compatible_with(other):
            raise ValueError(f"Shapes {self} and {other} are not compatible")
        return TensorShape([a if a is not None else b for a, b in zip(self._dims, other._dims)])

    def assert_is_compatible_with(self, other):
        """Raises ValueError unless `other` is compatible with this shape."""
        if not self.is_compatible_with(other):
            raise ValueError(f"Shapes {self} and {as_shape(other)} are incompatible")

    def __len__(self):
        if self._dims is None:
            raise ValueError("Cannot take the length of shape with unknown rank.")
        return len(self._dims)

    def __iter__(self):
        if self._dims is None:
            raise ValueError("Cannot iterate over a shape with unknown rank.")
        return iter(self._dims)

    def __getitem__(self, key):
        if self._dims is None:
            return None if not isinstance(key, slice) else TensorShape(None)
        if isinstance(key, slice):
            return TensorShape(self._dims[key])
        return self._dims[key]

    def __eq__(self, other):
        try:
            other = as_shape(other)
        except (TypeError, ValueError):
            return NotImplemented
        return self._dims == other._dims

    def __ne__(self, other):
        eq = self.__eq__(other)
        return eq if eq is NotImplemented else not eq

    def __hash__(self):
        return hash(self._dims)

    def __bool__(self):
        return self._dims is not None

    def __repr__(self):
        if self._dims is None:
            return "TensorShape(None)"
        return f"TensorShape({list(self._dims)})"

    def __str__(self):
        # TF 2.21's spelling: (None, 2).
        if self._dims is None:
            return "<unknown>"
        parts = ["None" if d is None else str(d) for d in self._dims]
        if len(parts) == 1:
            return f"({parts[0]},)"
        return "(" + ", ".join(parts) + ")"


def as_shape(shape):
    """Converts `shape` (a TensorShape, list, tuple or None) to a TensorShape."""
    return shape if isinstance(shape, TensorShape) else TensorShape(shape)


def unknown_shape(rank=None):
    """A shape of unknown rank, or of known rank with all dimensions unknown."""
    return TensorShape(None if rank is None else [None] * rank)


def debug_string(dims):
    """`dims` (a tuple of ints and None) as TF's shape functions spell a
    shape in their errors (InferenceContext::DebugString): [2,?,3]."""
    return "[" + ",".join("?" if d is None else str(d) for d in dims) + "]"
