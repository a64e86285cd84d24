"""`tf.nest`: functions for working with arbitrarily nested sequences of
elements ("structures").

A structure is a leaf or a nest of sequences: lists, tuples, namedtuples,
mappings (dicts, OrderedDicts, defaultdicts: their values in sorted key
order), mapping views, and `attrs`-decorated classes (their attributes in
field order). Strings, bytes, NumPy arrays, tensors and None are leaves.
With `expand_composites=True` a `SparseTensor` is a structure of its three
component tensors (indices, values, dense_shape).
"""

import collections
import collections.abc as _abc

from .sparse_tensor import SparseTensor

__all__ = ["assert_same_structure", "flatten", "is_nested", "map_structure",
           "pack_sequence_as"]

_HEAP_TYPE = 1 << 9  # Py_TPFLAGS_HEAPTYPE: a class written in Python


def _is_attrs(x):
    return hasattr(type(x), "__attrs_attrs__")


def _is_namedtuple(x):
    return isinstance(x, tuple) and isinstance(getattr(type(x), "_fields", None), tuple)


def is_nested(seq):
    """Returns true if its input is a nested structure.

    A nested structure is a Python collection that can contain other nested
    structures or leaves: a `collections.abc.Sequence` except strings and
    bytes (lists, tuples, namedtuples), a `collections.abc.Mapping` or
    `MappingView`, or an `attrs`-decorated class.
    """
    return _is_nested(seq, False)


def _is_nested(x, expand_composites):
    if isinstance(x, (_abc.Mapping, _abc.MappingView)) or _is_attrs(x):
        return True
    if expand_composites and isinstance(x, SparseTensor):
        return True
    return isinstance(x, _abc.Sequence) and not isinstance(x, (str, bytes))


def _sorted_keys(mapping):
    return sorted(mapping)


def _children(x):
    """The sub-structures of a nested `x`, in nest's order."""
    if isinstance(x, _abc.Mapping):
        return [x[k] for k in _sorted_keys(x)]
    if _is_attrs(x):
        return [getattr(x, a.name) for a in type(x).__attrs_attrs__]
    if isinstance(x, SparseTensor):
        return [x.indices, x.values, x.dense_shape]
    return list(x)


def _rebuild(instance, args):
    """A structure like `instance` holding `args` (its children, in nest's order)."""
    if isinstance(instance, _abc.Mapping):
        by_key = dict(zip(_sorted_keys(instance), args))
        kind = type(instance)
        if kind is dict:
            return {k: by_key[k] for k in instance}
        if isinstance(instance, collections.defaultdict):
            return kind(instance.default_factory, ((k, by_key[k]) for k in instance))
        return kind((k, by_key[k]) for k in instance)
    if isinstance(instance, (_abc.MappingView, range)):
        return list(args)  # mapping views and ranges cannot hold arbitrary items
    if _is_namedtuple(instance) or _is_attrs(instance):
        return type(instance)(*args)
    if isinstance(instance, SparseTensor):
        return SparseTensor(*args)
    return type(instance)(args)


def flatten(structure, expand_composites=False):
    """Returns a flat list from a given structure.

    Nested structures are flattened depth first; the values of a mapping
    come in the sorted order of its keys. A leaf (including None) gives a
    one-element list. With `expand_composites`, a SparseTensor is flattened
    to its component tensors.

    Raises TypeError if a mapping of the structure has keys that cannot be
    sorted.
    """
    out = []
    _flatten_into(structure, expand_composites, out)
    return out


def _flatten_into(x, expand_composites, out):
    if not _is_nested(x, expand_composites):
        out.append(x)
        return
    for child in _children(x):
        _flatten_into(child, expand_composites, out)


class _Dot:
    def __repr__(self):
        return "."


_DOT = _Dot()


def _describe(x):
    return f"type={type(x).__name__} str={x!r}"


def _type_name(kind):
    # As CPython's tp_name: a class written in Python by its name, a
    # built-in type of a module by its dotted path.
    if kind.__flags__ & _HEAP_TYPE or kind.__module__ == "builtins":
        return kind.__name__
    return f"{kind.__module__}.{kind.__qualname__}"


def _same_namedtuple_kind(a, b):
    return type(a).__name__ == type(b).__name__ and type(a)._fields == type(b)._fields


def _structure_mismatch(a, b, check_types, expand_composites):
    """None when `a` and `b` nest the same way, else (error class, why)."""
    seq_a, seq_b = _is_nested(a, expand_composites), _is_nested(b, expand_composites)
    if seq_a != seq_b:
        seq, leaf = (a, b) if seq_a else (b, a)
        return ValueError, (f'Substructure "{_describe(seq)}" is a sequence, while '
                            f'substructure "{_describe(leaf)}" is not')
    if not seq_a:
        return None
    if check_types:
        ta, tb = type(a), type(b)
        if _is_namedtuple(a) and _is_namedtuple(b):
            differ = not _same_namedtuple_kind(a, b)
        else:
            differ = ta is not tb and not (isinstance(a, list) and isinstance(b, list)) and \
                not (isinstance(a, _abc.Mapping) and isinstance(b, _abc.Mapping))
        if differ:
            return TypeError, (
                f"The two namedtuples don't have the same sequence type. First structure "
                f"{_describe(a)} has type {_type_name(ta)}, while second structure "
                f"{_describe(b)} has type {_type_name(tb)}")
        if isinstance(a, dict) and isinstance(b, dict) and (
                len(a) != len(b) or any(k not in b for k in a)):
            return ValueError, (
                f"The two dictionaries don't have the same set of keys. First structure "
                f"has keys {_describe(_sorted_keys(a))}, while second structure has keys "
                f"{_describe(_sorted_keys(b))}")
    kids_a, kids_b = _children(a), _children(b)
    for x, y in zip(kids_a, kids_b):
        found = _structure_mismatch(x, y, check_types, expand_composites)
        if found is not None:
            return found
    if len(kids_a) != len(kids_b):
        return ValueError, (f"The two structures don't have the same number of elements. "
                            f"First structure: {_describe(a)}. Second structure: "
                            f"{_describe(b)}")
    return None


def assert_same_structure(nest1, nest2, check_types=True, expand_composites=False):
    """Asserts that two structures are nested in the same way.

    Leaves may differ; sequences must have the same length, dicts the same
    keys. With `check_types` (the default), the types of the sequences must
    match too: namedtuples by name and fields, any two lists and any two
    mappings count as the same type.

    Raises ValueError if the two structures do not have the same number of
    elements or are not nested the same way, TypeError if their sequence
    types differ and `check_types` is True.
    """
    found = _structure_mismatch(nest1, nest2, check_types, expand_composites)
    if found is None:
        return
    kind, why = found
    dots1 = map_structure(lambda _: _DOT, nest1, expand_composites=expand_composites)
    dots2 = map_structure(lambda _: _DOT, nest2, expand_composites=expand_composites)
    raise kind(f"The two structures don't have the same nested structure.\n\n"
               f"First structure: {_describe(nest1)}\n\n"
               f"Second structure: {_describe(nest2)}\n\n"
               f"More specifically: {why}\n"
               f"Entire first structure:\n{dots1}\n"
               f"Entire second structure:\n{dots2}")


def pack_sequence_as(structure, flat_sequence, expand_composites=False):
    """Returns a given flattened sequence packed into a given structure.

    The leaves of `structure`, in `flatten`'s order, are replaced by the
    items of `flat_sequence`; mappings keep their own key order, namedtuples
    and other sequences their types. A leaf `structure` gives the only item
    of `flat_sequence`.

    Raises TypeError if `flat_sequence` is not a sequence, ValueError if its
    length differs from the number of leaves of `structure`.
    """
    if not _is_nested(flat_sequence, expand_composites):
        raise TypeError(f"Attempted to pack value:\n  {flat_sequence!r:.100}\ninto a "
                        f"structure, but found incompatible type `{type(flat_sequence)}` "
                        f"instead.")
    flat = list(flat_sequence)
    if not _is_nested(structure, expand_composites):
        if len(flat) != 1:
            raise ValueError(
                f"The target structure is of type `{type(structure)}`\n  {structure!r:.100}\n"
                f"However the input is a sequence ({type(flat_sequence)}) of length "
                f"{len(flat)}.\n  {flat_sequence!r:.100}\nnest cannot guarantee that it is "
                f"safe to map one to the other.")
        return flat[0]
    leaves = flatten(structure, expand_composites)
    if len(leaves) != len(flat):
        raise ValueError(
            f"Could not pack sequence. Structure had {len(leaves)} atoms, but "
            f"flat_sequence had {len(flat)} items.  Structure: {structure}, "
            f"flat_sequence: {flat_sequence}.")
    return _pack(structure, iter(flat), expand_composites)


def _pack(s, it, expand_composites):
    if not _is_nested(s, expand_composites):
        return next(it)
    return _rebuild(s, [_pack(c, it, expand_composites) for c in _children(s)])


def map_structure(func, *structure, **kwargs):
    """Creates a new structure by applying `func` to each leaf of `structure`.

    With several structures (which must all nest the same way, see
    `assert_same_structure`), `func` takes one leaf of each, and the result
    has the structure of the first. Keyword arguments: `check_types`
    (default True) and `expand_composites` (default False).

    Raises TypeError if `func` is not callable, ValueError if no structure
    is given, if an unknown keyword argument is given, or if the structures
    do not match.
    """
    if not callable(func):
        raise TypeError(f"func must be callable, got: {func}")
    if not structure:
        raise ValueError("Must provide at least one structure")
    check_types = kwargs.pop("check_types", True)
    expand_composites = kwargs.pop("expand_composites", False)
    if kwargs:
        raise ValueError("Only valid keyword arguments are `check_types` and "
                         "`expand_composites`, not: `%s`" % "`, `".join(kwargs))
    for other in structure[1:]:
        assert_same_structure(structure[0], other, check_types=check_types,
                              expand_composites=expand_composites)
    flats = [flatten(s, expand_composites) for s in structure]
    return pack_sequence_as(structure[0], [func(*leaves) for leaves in zip(*flats)],
                            expand_composites=expand_composites)
