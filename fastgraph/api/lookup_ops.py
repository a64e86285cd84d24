"""tf.lookup: tables mapping keys to values, built from the lookup-table
ops (`fastgraph/ops/lookup_ops.py`).

A table's op makes a session-owned table the first time a run needs it;
its initializer (`table.initializer`, gathered by `tables_initializer()`
from the TABLE_INITIALIZERS collection) fills it, and a lookup before
raises FailedPreconditionError ("Table not initialized."), as TF's.
`LOOKUP` is tf.lookup's namespace, `LOOKUP_V1` tf.compat.v1.lookup's.
"""

import numpy as np

from ..framework import dtypes
from ..framework.constant_op import convert_to_tensor
from ..framework.graph import GraphKeys, Tensor, get_default_graph
from ..framework.sparse_tensor import SparseTensor
from ..ops import array_ops, lookup_ops as _ops
from ..ops.arguments import make_op
from ..ops.elementwise import add, cast, not_equal, select_v2 as where
from ..ops.indexing_ops import range as _range, size as _size
from .ragged import RaggedTensor
from .string_ops import as_string, to_hash_bucket_fast, to_hash_bucket_strong

__all__ = ["LOOKUP", "LOOKUP_V1", "tables_initializer"]


class TextFileIndex:
    """The key and value content to get from each line of a text file:
    the whole line (WHOLE_LINE) or its line number (LINE_NUMBER)."""

    WHOLE_LINE = _ops.WHOLE_LINE
    LINE_NUMBER = _ops.LINE_NUMBER


def _keys_tensor(keys, dtype, name):
    if isinstance(keys, (SparseTensor, RaggedTensor)):
        return keys.values
    if isinstance(keys, Tensor):
        return keys
    return convert_to_tensor(keys, dtype=dtype, name=name)


def _named_conversion(value, dtype, name):
    """convert_to_tensor, its ValueError prefixed with the argument's name as TF's."""
    try:
        return convert_to_tensor(value, dtype=dtype, name=name)
    except ValueError as e:
        raise ValueError(f"{name}: {e}") from None


def _rewrap(keys, values):
    """`values` in the structure of `keys` (a SparseTensor or RaggedTensor
    keeps its indices or row splits)."""
    if isinstance(keys, SparseTensor):
        return SparseTensor(keys.indices, values, keys.dense_shape)
    if isinstance(keys, RaggedTensor):
        return keys.with_values(values)
    return values


def _dtype_text(dtype):
    return f"<dtype: '{dtype.name}'>"  # str() of a TF DType, as TF's messages show it


def _check_key_dtype(keys, key_dtype):
    if keys.dtype != key_dtype:
        raise TypeError(f"Dtype of argument `keys` must be {_dtype_text(key_dtype)}, "
                        f"received: {_dtype_text(keys.dtype)}")


# ---- initializers -------------------------------------------------------------------

class TableInitializerBase:
    """Base class for lookup table initializers."""

    def __init__(self, key_dtype, value_dtype):
        self._key_dtype = dtypes.as_dtype(key_dtype)
        self._value_dtype = dtypes.as_dtype(value_dtype)

    @property
    def key_dtype(self):
        """The expected table key dtype."""
        return self._key_dtype

    @property
    def value_dtype(self):
        """The expected table value dtype."""
        return self._value_dtype

    def initialize(self, table):
        """Returns the table initialization op."""
        raise NotImplementedError


class KeyValueTensorInitializer(TableInitializerBase):
    """Table initializers given `keys` and `values` tensors."""

    def __init__(self, keys, values, key_dtype=None, value_dtype=None, name=None):
        graph = get_default_graph()
        with graph.name_scope(name or "key_value_init") as scope:
            self._keys = convert_to_tensor(keys, dtype=key_dtype, name="keys")
            self._values = convert_to_tensor(values, dtype=value_dtype, name="values")
            self._name = scope
        super().__init__(self._keys.dtype, self._values.dtype)

    def initialize(self, table):
        """Initializes `table` with the keys and values (one
        LookupTableImportV2 op, added to TABLE_INITIALIZERS)."""
        _check_table_dtypes(table, self._keys.dtype, self._values.dtype)
        graph = self._keys.graph
        with graph.as_default(), graph.name_scope(self._name):
            op = make_op(graph, "LookupTableImportV2",
                         [table.resource_handle, self._keys, self._values],
                         name="LookupTableImportV2")
        graph.add_to_collection(GraphKeys.TABLE_INITIALIZERS, op)
        return op


class TextFileInitializer(TableInitializerBase):
    """Table initializers from a text file: the key and value of each line
    are a column (split at `delimiter`), the whole line
    (TextFileIndex.WHOLE_LINE) or the line number
    (TextFileIndex.LINE_NUMBER, plus `value_index_offset`), for the first
    `vocab_size` lines (every line when None)."""

    def __init__(self, filename, key_dtype, key_index, value_dtype, value_index,
                 vocab_size=None, delimiter="\t", name=None, value_index_offset=0):
        key_dtype, value_dtype = dtypes.as_dtype(key_dtype), dtypes.as_dtype(value_dtype)
        if key_index < -2:
            raise ValueError(f"`key_index` should be >= -2, received: {key_index}.")
        if key_index == TextFileIndex.LINE_NUMBER and key_dtype != dtypes.int64:
            raise ValueError("`key_dtype` must be int64 if `key_index` is "
                             f"{TextFileIndex.LINE_NUMBER}, received: {key_dtype!r}")
        if key_index == TextFileIndex.WHOLE_LINE and key_dtype != dtypes.string:
            raise ValueError("`key_dtype` must be string if `key_index` is "
                             f"{TextFileIndex.WHOLE_LINE}, received: {key_dtype!r}")
        if value_index < -2:
            raise ValueError(f"`value_index` should be >= -2, received: {value_index}.")
        if value_index == TextFileIndex.LINE_NUMBER and value_dtype != dtypes.int64:
            raise ValueError("`value_dtype` must be int64 for `value_index` "
                             f"{TextFileIndex.LINE_NUMBER}, received: {value_dtype!r}")
        if value_index == TextFileIndex.WHOLE_LINE and value_dtype != dtypes.string:
            raise ValueError("`value_dtype` must be string for `value_index` "
                             f"{TextFileIndex.WHOLE_LINE}, received: {value_dtype!r}")
        if vocab_size is not None and vocab_size <= 0:
            raise ValueError(f"`vocab_size` must be > 0, received: {vocab_size}")
        self._filename = filename
        self._key_index = key_index
        self._value_index = value_index
        self._vocab_size = vocab_size
        self._delimiter = delimiter
        self._name = name
        self._offset = value_index_offset
        super().__init__(key_dtype, value_dtype)

    def initialize(self, table):
        """Initializes `table` from the file (one
        InitializeTableFromTextFileV2 op, added to TABLE_INITIALIZERS)."""
        _check_table_dtypes(table, self.key_dtype, self.value_dtype)
        graph = table.resource_handle.graph
        with graph.as_default(), graph.name_scope(self._name or "text_file_init"):
            filename = convert_to_tensor(self._filename, dtype=dtypes.string,
                                         name="asset_filepath")
            delimiter = self._delimiter
            op = make_op(graph, "InitializeTableFromTextFileV2",
                         [table.resource_handle, filename], {
                             "key_index": int(self._key_index),
                             "value_index": int(self._value_index),
                             "vocab_size": -1 if self._vocab_size is None else
                             int(self._vocab_size),
                             "delimiter": delimiter.encode() if isinstance(delimiter, str)
                             else bytes(delimiter),
                             "offset": int(self._offset)},
                         name="InitializeTableFromTextFileV2")
        graph.add_to_collection(GraphKeys.TABLE_INITIALIZERS, op)
        if isinstance(self._filename, (str, bytes)):
            graph.add_to_collection(GraphKeys.ASSET_FILEPATHS, filename)
        return op


def _check_table_dtypes(table, key_dtype, value_dtype):
    if key_dtype != table.key_dtype:
        raise TypeError(f"Invalid key dtype for table, expected {table.key_dtype!r} but got "
                        f"{key_dtype!r}.")
    if value_dtype != table.value_dtype:
        raise TypeError(f"Invalid value dtype for table, expected {table.value_dtype!r} but "
                        f"got {value_dtype!r}.")


# ---- tables ---------------------------------------------------------------------------

class LookupInterface:
    """Represent a lookup table that persists across different steps."""

    def __init__(self, key_dtype, value_dtype):
        self._key_dtype = dtypes.as_dtype(key_dtype)
        self._value_dtype = dtypes.as_dtype(value_dtype)

    @property
    def key_dtype(self):
        """The table key dtype."""
        return self._key_dtype

    @property
    def value_dtype(self):
        """The table value dtype."""
        return self._value_dtype

    @property
    def name(self):
        """The name of the table."""
        return self._name

    def __getitem__(self, keys):
        """Looks up `keys` in a table, outputs the corresponding values."""
        return self.lookup(keys)


class StaticHashTable(LookupInterface):
    """A generic hash table that is immutable once initialized: keys of
    `initializer.key_dtype` to values of its `value_dtype`, `default_value`
    for missing keys."""

    def __init__(self, initializer, default_value, name=None, experimental_is_anonymous=False):
        del experimental_is_anonymous
        super().__init__(initializer.key_dtype, initializer.value_dtype)
        self._initializer = initializer
        self._name = name or "hash_table"
        graph = get_default_graph()
        self._default_value = convert_to_tensor(default_value, dtype=self._value_dtype)
        self._resource_handle = make_op(graph, "HashTableV2", [], {
            "container": b"", "shared_name": b"", "use_node_name_sharing": False,
            "key_dtype": self._key_dtype, "value_dtype": self._value_dtype},
            name=self._name).outputs[0]
        self._init_op = initializer.initialize(self)

    @property
    def resource_handle(self):
        """The handle of the table (a string naming the session's table)."""
        return self._resource_handle

    @property
    def initializer(self):
        """The op that initializes the table."""
        return self._init_op

    @property
    def default_value(self):
        """The default value of the table."""
        return self._default_value

    def size(self, name=None):
        """Compute the number of elements in this table."""
        graph = self._resource_handle.graph
        with graph.as_default(), graph.name_scope(name or f"{self.name}_Size"):
            return make_op(graph, "LookupTableSizeV2", [self._resource_handle],
                           name="LookupTableSizeV2").outputs[0]

    def lookup(self, keys, name=None):
        """Looks up `keys` in a table, outputs the corresponding values
        (`default_value` for missing keys); a SparseTensor or RaggedTensor
        of keys gives one of values. TypeError when `keys` has another
        dtype than the table's keys."""
        graph = self._resource_handle.graph
        with graph.as_default():
            key_tensor = _keys_tensor(keys, self._key_dtype, "keys")
            _check_key_dtype(key_tensor, self._key_dtype)
            with graph.name_scope(name or f"{self.name}_Lookup"):
                values = make_op(graph, "LookupTableFindV2",
                                 [self._resource_handle, key_tensor, self._default_value],
                                 name="LookupTableFindV2").outputs[0]
        return _rewrap(keys, values)

    def export(self, name=None):
        """Returns tensors of all keys and values in the table."""
        graph = self._resource_handle.graph
        with graph.as_default(), graph.name_scope(name or f"{self.name}_Export"):
            return tuple(make_op(graph, "LookupTableExportV2", [self._resource_handle], {
                "Tkeys": self._key_dtype, "Tvalues": self._value_dtype},
                name="LookupTableExportV2").outputs)


class FastHashSpec:
    """A hasher for OOV buckets: FarmHash's Fingerprint64 (to_hash_bucket_fast)."""

    hasher = "fasthash"
    key = None


class StrongHashSpec:
    """A hasher for OOV buckets: keyed SipHash-2-4 (to_hash_bucket_strong)."""

    hasher = "stronghash"

    def __init__(self, key):
        if len(key) != 2:
            raise ValueError(f"`key` must have size 2, received {len(key)}")
        if not isinstance(key[0], (int, np.integer)) or not isinstance(key[1], (int,
                                                                                 np.integer)):
            raise TypeError("Invalid key %s. Must be unsigned integer values." % (key,))
        self.key = tuple(key)


def _as_string(tensor):
    return tensor if tensor.dtype == dtypes.string else as_string(tensor)


def _buckets(values, num_buckets, hasher_spec):
    text = _as_string(values)
    if isinstance(hasher_spec, StrongHashSpec):
        return to_hash_bucket_strong(text, num_buckets, hasher_spec.key, name="hash_bucket")
    return to_hash_bucket_fast(text, num_buckets, name="hash_bucket")


def _with_oov(table, keys, num_oov_buckets, hasher_spec, scope):
    """TF's OOV lookup: ids from `table`, its default replaced by
    size + the hash bucket of the key."""
    values = keys
    if table is not None and table.key_dtype == dtypes.int64 and keys.dtype != dtypes.int64:
        values = cast(keys, dtypes.int64)
    graph = keys.graph
    with graph.as_default(), graph.name_scope(scope):
        buckets = _buckets(values, num_oov_buckets, hasher_spec)
        if table is None:
            return buckets
        ids = table.lookup(values)
        buckets = add(buckets, table.size())
        return where(not_equal(ids, table.default_value), ids, buckets)


class StaticVocabularyTable(LookupInterface):
    """String to Id table that assigns out-of-vocabulary keys to hash
    buckets: a key of the vocabulary gets its id, any other one
    vocab_size + Fingerprint64(key) % num_oov_buckets, as TF's."""

    def __init__(self, initializer, num_oov_buckets, lookup_key_dtype=None, name=None,
                 experimental_is_anonymous=False):
        del experimental_is_anonymous
        if num_oov_buckets <= 0:
            raise ValueError("`num_oov_buckets` must be > 0; use StaticHashTable.")
        if name:
            name = name.rstrip("/")
        if initializer:
            if lookup_key_dtype is None:
                lookup_key_dtype = initializer.key_dtype
            if initializer.key_dtype not in (dtypes.int64, dtypes.string):
                raise TypeError(f"Invalid `key_dtype`, expected one of "
                                f"{(dtypes.int64, dtypes.string)}, but got "
                                f"{initializer.key_dtype}.")
            if initializer.value_dtype != dtypes.int64:
                raise TypeError(f"Invalid `value_dtype`, expected {dtypes.int64} but got "
                                f"{initializer.value_dtype}.")
            self._table = StaticHashTable(initializer, -1)
            name = name or self._table.name
        else:
            lookup_key_dtype = dtypes.string
            self._table = None
            name = name or "hash_bucket"
        lookup_key_dtype = dtypes.as_dtype(lookup_key_dtype)
        if not lookup_key_dtype.is_integer and lookup_key_dtype != dtypes.string:
            raise TypeError(f"Invalid `key_dtype`, expected integer or string, got "
                            f"{lookup_key_dtype}")
        self._num_oov_buckets = num_oov_buckets
        self._name = name.split("/")[-1]
        super().__init__(lookup_key_dtype, dtypes.int64)

    @property
    def resource_handle(self):
        """The handle of the vocabulary's table (None without one)."""
        return None if self._table is None else self._table.resource_handle

    @property
    def initializer(self):
        """The op that initializes the vocabulary's table."""
        if self._table is not None:
            return self._table.initializer
        return array_ops.no_op(name="init")

    def size(self, name=None):
        """Compute the number of elements in this table (vocabulary and buckets)."""
        graph = get_default_graph() if self._table is None else self._table.resource_handle.graph
        with graph.as_default(), graph.name_scope(name or f"{self.name}_Size"):
            tsize = self._table.size() if self._table is not None else convert_to_tensor(
                0, dtype=dtypes.int64)
            return tsize + self._num_oov_buckets

    def lookup(self, keys, name=None):
        """Looks up `keys` in the table, outputs the corresponding ids
        (out-of-vocabulary keys in their hash buckets)."""
        key_tensor = _keys_tensor(keys, self._key_dtype, "keys")
        _check_key_dtype(key_tensor, self._key_dtype)
        ids = _with_oov(self._table, key_tensor, self._num_oov_buckets, FastHashSpec,
                        name or f"{self.name}_Lookup")
        return _rewrap(keys, ids)


class IdTableWithHashBuckets(LookupInterface):
    """TF1's string to Id table wrapper that assigns out-of-vocabulary keys
    to buckets (hashed by `hasher_spec`)."""

    def __init__(self, table, num_oov_buckets, hasher_spec=FastHashSpec, name=None,
                 key_dtype=None):
        if num_oov_buckets < 0:
            raise ValueError(f"`oov_buckets` must be non-negative, got {num_oov_buckets}.")
        self._table = table
        self._num_oov_buckets = num_oov_buckets
        self._hasher_spec = hasher_spec
        if table is not None:
            key_dtype = key_dtype or table.key_dtype
            self._name = name or table.name
        else:
            key_dtype = key_dtype or dtypes.string
            self._name = name or "hash_bucket"
        super().__init__(key_dtype, dtypes.int64)

    @property
    def resource_handle(self):
        """The handle of the wrapped table (None without one)."""
        return None if self._table is None else self._table.resource_handle

    @property
    def initializer(self):
        """The op that initializes the wrapped table."""
        if self._table is not None:
            return self._table.initializer
        return array_ops.no_op(name="init")

    def size(self, name=None):
        """Compute the number of elements in this table (table and buckets)."""
        tsize = self._table.size() if self._table is not None else convert_to_tensor(
            0, dtype=dtypes.int64)
        return tsize + self._num_oov_buckets

    def lookup(self, keys, name=None):
        """Looks up `keys` in the table, outputs the corresponding ids."""
        key_tensor = _keys_tensor(keys, self._key_dtype, "keys")
        _check_key_dtype(key_tensor, self._key_dtype)
        if self._num_oov_buckets == 0:
            values = key_tensor
            if self._table.key_dtype == dtypes.int64 and values.dtype != dtypes.int64:
                values = cast(values, dtypes.int64)
            return _rewrap(keys, self._table.lookup(values, name=name))
        ids = _with_oov(self._table, key_tensor, self._num_oov_buckets, self._hasher_spec,
                        name or f"{self.name}_Lookup")
        return _rewrap(keys, ids)


class MutableHashTable(LookupInterface):
    """A generic mutable hash table implementation: keys inserted, looked
    up (missing ones give `default_value`), removed and exported at run
    time; it starts empty (no initializer)."""

    def __init__(self, key_dtype, value_dtype, default_value, name="MutableHashTable",
                 checkpoint=True, experimental_is_anonymous=False):
        del checkpoint, experimental_is_anonymous
        super().__init__(key_dtype, value_dtype)
        self._default_value = convert_to_tensor(default_value, dtype=self._value_dtype)
        if self._default_value.shape.rank not in (0, None):
            raise NotImplementedError("MutableHashTable with non-scalar values "
                                      "(MutableHashTableOfTensors) is not supported")
        self._name = name
        graph = get_default_graph()
        self._resource_handle = make_op(graph, "MutableHashTableV2", [], {
            "container": b"", "shared_name": b"", "use_node_name_sharing": True,
            "key_dtype": self._key_dtype, "value_dtype": self._value_dtype},
            name=name).outputs[0]

    @property
    def resource_handle(self):
        """The handle of the table (a string naming the session's table)."""
        return self._resource_handle

    def _graph(self):
        return self._resource_handle.graph

    def size(self, name=None):
        """Compute the number of elements in this table."""
        graph = self._graph()
        with graph.as_default(), graph.name_scope(name or f"{self.name}_Size"):
            return make_op(graph, "LookupTableSizeV2", [self._resource_handle],
                           name="LookupTableSizeV2").outputs[0]

    def lookup(self, keys, dynamic_default_values=None, name=None):
        """Looks up `keys` in a table, outputs the corresponding values
        (`default_value` for keys not in it)."""
        if dynamic_default_values is not None:
            raise NotImplementedError("MutableHashTable.lookup with dynamic_default_values")
        graph = self._graph()
        with graph.as_default(), graph.name_scope(name or f"{self.name}_lookup_table_find"):
            key_tensor = _named_conversion(keys, self._key_dtype, "keys")
            return make_op(graph, "LookupTableFindV2",
                           [self._resource_handle, key_tensor, self._default_value],
                           name="LookupTableFindV2").outputs[0]

    def insert(self, keys, values, name=None):
        """Associates `keys` with `values` (replacing what keys had)."""
        graph = self._graph()
        with graph.as_default(), graph.name_scope(name or f"{self.name}_lookup_table_insert"):
            keys = _named_conversion(keys, self._key_dtype, "keys")
            values = _named_conversion(values, self._value_dtype, "values")
            return make_op(graph, "LookupTableInsertV2", [self._resource_handle, keys, values],
                           name="LookupTableInsertV2")

    def remove(self, keys, name=None):
        """Removes `keys` and their values from the table (keys not in it
        are ignored)."""
        keys = _keys_tensor(keys, self._key_dtype, "keys")
        _check_key_dtype(keys, self._key_dtype)
        graph = self._graph()
        with graph.as_default(), graph.name_scope(name or f"{self.name}_lookup_table_remove"):
            return make_op(graph, "LookupTableRemoveV2", [self._resource_handle, keys],
                           name="LookupTableRemoveV2")

    def export(self, name=None):
        """Returns tensors of all keys and values in the table (in no order)."""
        graph = self._graph()
        with graph.as_default(), graph.name_scope(
                name or f"{self.name}_lookup_table_export_values"):
            return tuple(make_op(graph, "LookupTableExportV2", [self._resource_handle], {
                "Tkeys": self._key_dtype, "Tvalues": self._value_dtype},
                name="LookupTableExportV2").outputs)


# ---- TF1's table builders ------------------------------------------------------------------

def _vocab_ids(vocabulary):
    if isinstance(vocabulary, Tensor):
        return cast(_range(_size(vocabulary)), dtypes.int64)
    return convert_to_tensor(np.arange(np.size(np.asarray(vocabulary, dtype=object)),
                                       dtype=np.int64))


def index_table_from_tensor(vocabulary_list, num_oov_buckets=0, default_value=-1,
                            hasher_spec=FastHashSpec, dtype=dtypes.string, name=None):
    """Returns a lookup table that converts a string tensor into int64 IDs:
    each key's position in `vocabulary_list`, and for other keys
    `default_value`, or with `num_oov_buckets` a hash bucket after the
    vocabulary."""
    if vocabulary_list is None:
        raise ValueError("`vocabulary_list` must be specified.")
    if num_oov_buckets < 0:
        raise ValueError(f"`num_oov_buckets` must be greater or equal than 0, got "
                         f"{num_oov_buckets}.")
    dtype = dtypes.as_dtype(dtype)
    if not dtype.is_integer and dtype != dtypes.string:
        raise TypeError(f"`dtype` must either be integer or string, got {dtype}.")
    graph = get_default_graph()
    with graph.name_scope(name or "string_to_index"):
        table_key_dtype = dtypes.int64 if dtype.is_integer else dtype
        with graph.name_scope("hash_table"):
            keys = convert_to_tensor(vocabulary_list, dtype=None if isinstance(
                vocabulary_list, Tensor) else dtype)
            if keys.dtype.is_integer != dtype.is_integer:
                raise ValueError(f"Invalid `dtype`: Expected {'integer' if dtype.is_integer else 'non-integer'}, "
                                 f"got {keys.dtype}.")
            if keys.dtype.is_integer and keys.dtype != dtypes.int64:
                keys = cast(keys, dtypes.int64)
            init = KeyValueTensorInitializer(keys, _vocab_ids(vocabulary_list), table_key_dtype,
                                             dtypes.int64, name="table_init")
            table = StaticHashTable(init, default_value)
        if num_oov_buckets:
            table = IdTableWithHashBuckets(table, num_oov_buckets=num_oov_buckets,
                                           hasher_spec=hasher_spec, key_dtype=dtype)
    return table


def index_table_from_file(vocabulary_file=None, num_oov_buckets=0, vocab_size=None,
                          default_value=-1, hasher_spec=FastHashSpec, key_dtype=dtypes.string,
                          name=None, key_column_index=TextFileIndex.WHOLE_LINE,
                          value_column_index=TextFileIndex.LINE_NUMBER, delimiter="\t"):
    """Returns a lookup table that converts a string tensor into int64 IDs
    from a vocabulary file (one key per line, its id the line number by
    default), with `num_oov_buckets` hash buckets after it."""
    if vocabulary_file is None or (isinstance(vocabulary_file, (str, bytes))
                                   and not vocabulary_file):
        raise ValueError("`vocabulary_file` must be specified and must not be empty.")
    if num_oov_buckets < 0:
        raise ValueError(f"num_oov_buckets must be greater or equal than 0, got "
                         f"{num_oov_buckets}.")
    if vocab_size is not None and vocab_size < 1:
        raise ValueError(f"`vocab_size` must be greater than 0, got {vocab_size}.")
    key_dtype = dtypes.as_dtype(key_dtype)
    if not key_dtype.is_integer and key_dtype != dtypes.string:
        raise TypeError(f"Dtype for `keys` should be either integer or string, got "
                        f"{key_dtype}.")
    graph = get_default_graph()
    with graph.name_scope(name or "string_to_index"):
        table_key_dtype = dtypes.int64 if key_dtype.is_integer else key_dtype
        init = TextFileInitializer(vocabulary_file, table_key_dtype, key_column_index,
                                   dtypes.int64, value_column_index, vocab_size=vocab_size,
                                   delimiter=delimiter)
        with graph.name_scope("hash_table"):
            table = StaticHashTable(init, default_value)
        if num_oov_buckets:
            table = IdTableWithHashBuckets(table, num_oov_buckets=num_oov_buckets,
                                           hasher_spec=hasher_spec, key_dtype=key_dtype)
    return table


def index_to_string_table_from_tensor(vocabulary_list, default_value="UNK", name=None):
    """Returns a lookup table that maps a Tensor of int64 indices to the
    strings of `vocabulary_list` (`default_value` out of range)."""
    if vocabulary_list is None:
        raise ValueError("`vocabulary_list` argument must be specified.")
    graph = get_default_graph()
    with graph.name_scope(name or "index_to_string"):
        vocab = convert_to_tensor(vocabulary_list, dtype=None if isinstance(
            vocabulary_list, Tensor) else dtypes.string)
        init = KeyValueTensorInitializer(_vocab_ids(vocabulary_list), vocab, dtypes.int64,
                                         dtypes.string, name="table_init")
        return StaticHashTable(init, default_value)


def index_to_string_table_from_file(vocabulary_file, vocab_size=None, default_value="UNK",
                                    name=None, key_column_index=TextFileIndex.LINE_NUMBER,
                                    value_column_index=TextFileIndex.WHOLE_LINE,
                                    delimiter="\t"):
    """Returns a lookup table that maps a Tensor of int64 indices to the
    lines of a vocabulary file (`default_value` out of range)."""
    if vocabulary_file is None or (isinstance(vocabulary_file, (str, bytes))
                                   and not vocabulary_file):
        raise ValueError("`vocabulary_file` must be specified and must not be empty.")
    if vocab_size is not None and vocab_size < 1:
        raise ValueError(f"`vocab_size` must be greater than 0, got {vocab_size}.")
    graph = get_default_graph()
    with graph.name_scope(name or "index_to_string"):
        init = TextFileInitializer(vocabulary_file, dtypes.int64, key_column_index,
                                   dtypes.string, value_column_index, vocab_size=vocab_size,
                                   delimiter=delimiter)
        return StaticHashTable(init, default_value)


def tables_initializer(name="init_all_tables"):
    """Returns an Op that initializes all tables of the default graph (the
    TABLE_INITIALIZERS collection), or a no-op when there are none."""
    graph = get_default_graph()
    initializers = graph.get_collection(GraphKeys.TABLE_INITIALIZERS)
    if initializers:
        return array_ops.group(*initializers, name=name)
    return array_ops.no_op(name=name)


initialize_all_tables = tables_initializer

_EXPERIMENTAL = {"MutableHashTable": MutableHashTable}
LOOKUP = {
    "StaticHashTable": StaticHashTable, "StaticVocabularyTable": StaticVocabularyTable,
    "KeyValueTensorInitializer": KeyValueTensorInitializer,
    "TextFileInitializer": TextFileInitializer, "TextFileIndex": TextFileIndex,
}
LOOKUP_V1 = dict(LOOKUP, MutableHashTable=MutableHashTable, HashTable=StaticHashTable,
                 IdTableWithHashBuckets=IdTableWithHashBuckets, FastHashSpec=FastHashSpec,
                 StrongHashSpec=StrongHashSpec, index_table_from_tensor=index_table_from_tensor,
                 index_table_from_file=index_table_from_file,
                 index_to_string_table_from_tensor=index_to_string_table_from_tensor,
                 index_to_string_table_from_file=index_to_string_table_from_file)
ROOT_V1 = {"tables_initializer": tables_initializer,
           "initialize_all_tables": initialize_all_tables}
