"""Lookup-table ops: hash tables that a session owns (HashTableV2,
MutableHashTableV2), their initializers (LookupTableImportV2,
InitializeTableV2, InitializeTableFromTextFileV2) and what reads and
changes them (LookupTableFindV2, LookupTableSizeV2, LookupTableInsertV2,
LookupTableRemoveV2, LookupTableExportV2).

All run on the host. A table op gives a handle, a string-typed scalar
holding the table itself (a `HashTable`): each session makes its own table
for the op on first use (`ctx.resource`, its `host` function), so two
sessions on one graph hold two tables and `Session.close()` frees them;
its `reference` makes a new table. The ops that take a handle are pure
functions of the table it holds, computed by their `reference`. The classes users build tables
with (tf.lookup's) are in `fastgraph/api/lookup_ops.py`.
"""

import threading

import numpy as np

from ..framework import dtypes, errors
from ..framework.graphdef_mapping import Attr, NodeMapping, TypeAttr
from ..framework.op_registry import NOT_DIFFERENTIABLE, OpDef, register
from .string_ops import parse_number

__all__ = []

# The ops below work on a table that a HashTableV2 or MutableHashTableV2 of
# the same run made (a session's resource), which no sample can hold: the op
# sweep lists them in EXEMPT and tests/test_lookup_ops.py runs them.
TABLE_OPS = ("HashTableV2", "MutableHashTableV2", "LookupTableImportV2", "InitializeTableV2",
             "InitializeTableFromTextFileV2", "LookupTableFindV2", "LookupTableSizeV2",
             "LookupTableInsertV2", "LookupTableRemoveV2", "LookupTableExportV2")


class HashTable:
    """One session's table: a dict of keys to values of fixed dtypes.

    A static table (HashTableV2) is filled once by its initializer and
    refuses lookups before; a mutable one (MutableHashTableV2) starts empty
    and initialized.
    """

    def __init__(self, key_dtype, value_dtype, mutable):
        self.key_dtype = key_dtype
        self.value_dtype = value_dtype
        self.mutable = mutable
        self.initialized = mutable
        self.data = {}
        self.lock = threading.Lock()

    def close(self):
        """Frees the table's contents (Session.close)."""
        self.data = {}

    def check_initialized(self):
        if not self.initialized:
            raise errors.FailedPreconditionError(None, None, "Table not initialized.")

    def insert_static(self, keys, values):
        """Adds an initializer's pairs; a key already there with another
        value is TF's FailedPreconditionError."""
        with self.lock:
            for k, v in zip(keys, values):
                old = self.data.get(k, _MISSING)
                if old is not _MISSING and not _same(old, v):
                    raise errors.FailedPreconditionError(
                        None, None, f"HashTable has different value for same key. Key "
                                    f"{_text(k)} has {_text(old)} and trying to add value "
                                    f"{_text(v)}")
                self.data[k] = v
            self.initialized = True


_MISSING = object()


def _same(a, b):
    return a == b or (isinstance(a, float) and a != a and b != b)


def _text(v):
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    if isinstance(v, np.ndarray):
        return " ".join(_text(x) for x in v.reshape(-1).tolist())
    return str(v)


def _key(v):
    """A dict key for one element: bytes, or a Python number."""
    return bytes(v) if isinstance(v, (bytes, np.bytes_)) else v.item() if isinstance(
        v, np.generic) else v


def _keys_of(value):
    return [_key(v) for v in np.asarray(value).reshape(-1)]


def resource_key(op):
    """The key a session keeps table op `op`'s table under: its shared_name
    when given, else its name, in its graph."""
    shared = op.attrs.get("shared_name", b"") or b""
    name = shared.decode() if isinstance(shared, bytes) else shared
    return ("lookup_table", id(op.graph), name or op.name)


def _table(handle):
    table = np.asarray(handle, dtype=object).reshape(-1)[0]
    if not isinstance(table, HashTable):
        raise errors.InvalidArgumentError(None, None, "Expected a lookup table handle, got "
                                                      f"{type(table).__name__}")
    return table


def _handle(table):
    out = np.empty((), dtype=object)
    out[()] = table
    return out


def _table_host(mutable):
    def host(ctx, op, values):
        table = ctx.resource(resource_key(op), lambda: HashTable(
            op.attrs["key_dtype"], op.attrs["value_dtype"], mutable))
        return [_handle(table)]
    return host


def _table_reference(mutable):
    def reference(inputs, attrs):
        return [_handle(HashTable(attrs["key_dtype"], attrs["value_dtype"], mutable))]
    return reference


_TABLE_ATTRS = [Attr("container", default=b""), Attr("shared_name", default=b""),
                Attr("use_node_name_sharing", default=False), Attr("key_dtype"),
                Attr("value_dtype")]
_HANDLE = dict(shape=lambda ctx: [()], dtype=lambda ctx: [dtypes.string])

register(OpDef("HashTableV2", **_HANDLE, host=_table_host(False),
               reference=_table_reference(False),
               stateful=True, samples=None, gradient=NOT_DIFFERENTIABLE,
               graphdef=NodeMapping((), _TABLE_ATTRS)))
register(OpDef("MutableHashTableV2", **_HANDLE, host=_table_host(True),
               reference=_table_reference(True),
               stateful=True, samples=None,
               gradient=NOT_DIFFERENTIABLE, graphdef=NodeMapping((), _TABLE_ATTRS)))


# ---- initializers ---------------------------------------------------------------

def _check_pairs(keys, values):
    if keys.shape[:1] != values.shape[:1] or (keys.ndim != 1):
        raise errors.InvalidArgumentError(
            None, None, f"Expected shape [{keys.size}] for value, got "
                        f"[{','.join(str(d) for d in values.shape)}]")


def _import_value(values, attrs):
    table = _table(values[0])
    keys, vals = np.asarray(values[1]), np.asarray(values[2])
    _check_pairs(keys, vals)
    if table.mutable:  # a MutableHashTable's import replaces its contents
        with table.lock:
            table.data = dict(zip(_keys_of(keys), _keys_of(vals)))
        return []
    table.insert_static(_keys_of(keys), _keys_of(vals))
    return []


def _pairs_shape(ctx):
    keys, vals = ctx.shapes[1], ctx.shapes[2]
    if keys is not None and vals is not None and keys and vals and None not in (keys[0], vals[0]) \
            and keys[0] != vals[0]:
        raise ValueError(f"Dimensions must be equal, but are {keys[0]} and {vals[0]}")
    return []


_IMPORT = dict(shape=_pairs_shape, dtype=lambda ctx: [], reference=_import_value,
               stateful=True, samples=None,
               gradient=NOT_DIFFERENTIABLE)
register(OpDef("LookupTableImportV2", **_IMPORT,
               graphdef=NodeMapping(("table_handle", "keys", "values"), [
                   TypeAttr("Tin", input=1), TypeAttr("Tout", input=2)])))
register(OpDef("InitializeTableV2", **_IMPORT,
               graphdef=NodeMapping(("table_handle", "keys", "values"), [
                   TypeAttr("Tkey", input=1), TypeAttr("Tval", input=2)])))

WHOLE_LINE = -2
LINE_NUMBER = -1


def read_lines(filename):
    """The lines of a text file as TF's table initializers read them
    (newline-separated, a final \\r dropped); an empty line is refused."""
    name = filename.decode("utf-8", "replace")
    try:
        with open(filename, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        raise errors.NotFoundError(None, None, f"{name}; No such file or directory") from None
    except IsADirectoryError:
        raise errors.FailedPreconditionError(None, None, f"{name}; Is a directory") from None
    except OSError as e:
        raise errors.UnknownError(None, None, f"{name}; {e.strerror}") from None
    lines, pos = [], 0
    while pos < len(data):
        end = data.find(b"\n", pos)
        end = len(data) if end < 0 else end
        line = data[pos:end]
        pos = end + 1
        if line.endswith(b"\r"):
            line = line[:-1]
        if not line:
            raise errors.InvalidArgumentError(
                None, None, f"Invalid content in {name}: empty line found at position "
                            f"{min(pos, len(data))}.")
        lines.append(line)
    return lines


_TYPE_WORD = {"int64": "int64", "int32": "int32", "float32": "float", "float64": "double",
              "string": "string"}


def _field(text, dtype, line_no):
    if dtype == dtypes.string:
        return bytes(text)
    v = parse_number(text, dtype) if text == text.strip() else None
    if v is None:
        raise errors.InvalidArgumentError(
            None, None, f"Field {text.decode('utf-8', 'replace')} in line {line_no} is not a "
                        f"valid {_TYPE_WORD.get(dtype.name, dtype.name)}.")
    return v.item() if isinstance(v, np.generic) else v


def text_file_pairs(filename, key_index, value_index, vocab_size, delimiter, offset,
                    key_dtype, value_dtype):
    """The (keys, values) TF's InitializeTableFromTextFileV2 reads from
    `filename`: column `key_index` / `value_index` of each line (split at
    `delimiter`), the whole line (-2) or the line number (-1, plus
    `offset`), for the first `vocab_size` lines (all when -1)."""
    lines = read_lines(filename)
    name = filename.decode("utf-8", "replace")
    if vocab_size != -1:
        if len(lines) < vocab_size:
            raise errors.InvalidArgumentError(
                None, None, f"Invalid vocab_size in {name}: expected {vocab_size} but got "
                            f"{len(lines)}")
        lines = lines[:vocab_size]
    keys, values = [], []
    need = max(key_index, value_index) + 1
    for n, line in enumerate(lines):
        cols = line.split(delimiter) if delimiter else list(line.split())
        if need > 0 and len(cols) < need:
            raise errors.InvalidArgumentError(
                None, None, f"Invalid number of columns in {name} line {n} "
                            f"({line.decode('utf-8', 'replace')}) : expected at least {need} "
                            f"got {len(cols)}")

        def pick(index, dtype):
            if index == WHOLE_LINE:
                return _field(line, dtype, n)
            if index == LINE_NUMBER:
                return n + offset
            return _field(cols[index], dtype, n)
        keys.append(pick(key_index, key_dtype))
        values.append(pick(value_index, value_dtype))
    return keys, values


def _text_file_value(values, attrs):
    table = _table(values[0])
    filename = bytes(np.asarray(values[1], dtype=object).reshape(-1)[0])
    a = attrs
    delimiter = a.get("delimiter", b"\t")
    delimiter = delimiter.encode() if isinstance(delimiter, str) else delimiter
    keys, vals = text_file_pairs(filename, int(a["key_index"]), int(a["value_index"]),
                                 int(a.get("vocab_size", -1)), delimiter,
                                 int(a.get("offset", 0)), table.key_dtype, table.value_dtype)
    table.insert_static(keys, vals)
    return []


register(OpDef("InitializeTableFromTextFileV2", shape=lambda ctx: [], dtype=lambda ctx: [],
               reference=_text_file_value, stateful=True,
               samples=None, gradient=NOT_DIFFERENTIABLE,
               graphdef=NodeMapping(("table_handle", "filename"), [
                   Attr("key_index"), Attr("value_index"), Attr("vocab_size", default=-1),
                   Attr("delimiter", default=b"\t"), Attr("offset", default=0)])))


# ---- reading and changing a table --------------------------------------------------

def _value_array(items, dtype, shape):
    if dtype == dtypes.string:
        out = np.empty(len(items), dtype=object)
        out[:] = items
        return out.reshape(shape)
    return np.array(items, dtype=dtype.np_dtype).reshape(shape)


def _find_value(values, attrs):
    table = _table(values[0])
    table.check_initialized()
    keys, default = np.asarray(values[1]), np.asarray(values[2])
    if default.size != 1:
        raise errors.InvalidArgumentError(None, None, "Expected shape [] or [1] for default "
                                                      f"value, got [{default.size}]")
    fallback = _key(default.reshape(-1)[0])
    with table.lock:
        found = [table.data.get(k, fallback) for k in _keys_of(keys)]
    return [_value_array(found, table.value_dtype, keys.shape)]


register(OpDef("LookupTableFindV2", shape=lambda ctx: [ctx.shapes[1]],
               dtype=lambda ctx: [ctx.dtypes[2]], reference=_find_value,
               stateful=True, samples=None, gradient=NOT_DIFFERENTIABLE,
               graphdef=NodeMapping(("table_handle", "keys", "default_value"), [
                   TypeAttr("Tin", input=1), TypeAttr("Tout", input=2)])))


def _size_value(values, attrs):
    table = _table(values[0])
    return [np.array(len(table.data) if table.initialized else 0, np.int64)]


register(OpDef("LookupTableSizeV2", shape=lambda ctx: [()], dtype=lambda ctx: [dtypes.int64],
               reference=_size_value,
               stateful=True, samples=None, gradient=NOT_DIFFERENTIABLE,
               graphdef=NodeMapping(("table_handle",), [])))


def _mutable(handle, what):
    table = _table(handle)
    if not table.mutable:
        raise errors.UnimplementedError(None, None, f"{what} is not supported on a static "
                                                    "table")
    return table


def _insert_value(values, attrs):
    table = _mutable(values[0], "LookupTableInsertV2")
    keys, vals = np.asarray(values[1]), np.asarray(values[2])
    if keys.shape != vals.shape:
        raise errors.InvalidArgumentError(
            None, None, f"Expected shape [{','.join(str(d) for d in keys.shape)}] for value, "
                        f"got [{','.join(str(d) for d in vals.shape)}]")
    with table.lock:
        table.data.update(zip(_keys_of(keys), _keys_of(vals)))
    return []


def _remove_value(values, attrs):
    table = _mutable(values[0], "LookupTableRemoveV2")
    with table.lock:
        for k in _keys_of(values[1]):
            table.data.pop(k, None)
    return []


def _export_value(values, attrs):
    table = _table(values[0])
    with table.lock:
        items = list(table.data.items())
    keys = _value_array([k for k, _ in items], table.key_dtype, (len(items),))
    vals = _value_array([v for _, v in items], table.value_dtype, (len(items),))
    return [keys, vals]


register(OpDef("LookupTableInsertV2", shape=lambda ctx: [], dtype=lambda ctx: [],
               reference=_insert_value, stateful=True, samples=None,
               gradient=NOT_DIFFERENTIABLE,
               graphdef=NodeMapping(("table_handle", "keys", "values"), [
                   TypeAttr("Tin", input=1), TypeAttr("Tout", input=2)])))
register(OpDef("LookupTableRemoveV2", shape=lambda ctx: [], dtype=lambda ctx: [],
               reference=_remove_value, stateful=True,
               samples=None,
               gradient=NOT_DIFFERENTIABLE,
               graphdef=NodeMapping(("table_handle", "keys"), [TypeAttr("Tin", input=1)])))
register(OpDef("LookupTableExportV2", shape=lambda ctx: [(None,), (None,)],
               dtype=lambda ctx: [ctx.attrs["Tkeys"], ctx.attrs["Tvalues"]],
               reference=_export_value,
               stateful=True,
               samples=None,
               gradient=NOT_DIFFERENTIABLE,
               graphdef=NodeMapping(("table_handle",), [Attr("Tkeys"), Attr("Tvalues")])))
