"""Nested structures of a traced function's arguments and results (TF's
`nest`): lists, tuples, namedtuples and dicts (in sorted key order), with
every other value a leaf."""

__all__ = ["flatten", "pack_as", "map_structure"]


def _is_namedtuple(x):
    return isinstance(x, tuple) and hasattr(x, "_fields")


def flatten(structure):
    """The leaves of `structure`, depth first (dict values by sorted key)."""
    out = []
    _flatten(structure, out)
    return out


def _flatten(s, out):
    if isinstance(s, (list, tuple)):
        for x in s:
            _flatten(x, out)
    elif isinstance(s, dict):
        for k in _sorted_keys(s):
            _flatten(s[k], out)
    else:
        out.append(s)


def _sorted_keys(d):
    try:
        return sorted(d)
    except TypeError:  # keys of mixed types: TF sorts them by their strings
        return sorted(d, key=repr)


def pack_as(structure, leaves):
    """`structure` with its leaves replaced, in order, by `leaves`."""
    it = iter(leaves)
    return _pack(structure, it)


def _pack(s, it):
    if _is_namedtuple(s):
        return type(s)(*[_pack(x, it) for x in s])
    if isinstance(s, (list, tuple)):
        return type(s)(_pack(x, it) for x in s)
    if isinstance(s, dict):
        packed = {k: _pack(s[k], it) for k in _sorted_keys(s)}
        return type(s)((k, packed[k]) for k in s) if type(s) is not dict else {
            k: packed[k] for k in s}
    return next(it)


def map_structure(fn, structure):
    """`structure` with each leaf `x` replaced by `fn(x)`."""
    return pack_as(structure, [fn(x) for x in flatten(structure)])


def flatten_up_to(shallow, deep):
    """The parts of `deep` at the leaves of `shallow` (a structure `deep`
    extends): a value where `shallow` has a leaf stays whole. Raises
    ValueError when the two structures differ."""
    out = []
    _up_to(shallow, deep, out)
    return out


def _up_to(s, d, out):
    if isinstance(s, (list, tuple)):
        if not isinstance(d, (list, tuple)) or len(d) != len(s):
            raise ValueError(f"The two structures don't have the same sequence length: "
                             f"{s!r} and {d!r}")
        for a, b in zip(s, d):
            _up_to(a, b, out)
    elif isinstance(s, dict):
        if not isinstance(d, dict) or sorted(d, key=repr) != sorted(s, key=repr):
            raise ValueError(f"The two structures don't have the same keys: {s!r} and {d!r}")
        for k in _sorted_keys(s):
            _up_to(s[k], d[k], out)
    else:
        out.append(d)
