"""`tf.data.experimental.make_csv_dataset`: batches of (features, label)
read from CSV files, the column names from the header and the column types
inferred from the first rows, composed of the datasets as TF composes it
(files, interleave of CsvDatasets, shuffle and repeat, batch, map to
dicts, prefetch)."""

import collections
import glob

import numpy as np

from ..framework import dtypes
from ..ops.parsing_ops import _csv_fields
from .dataset_ops import AUTOTUNE, DatasetV2
from .dataset_readers import CsvDataset

__all__ = ["make_csv_dataset"]

_INFERRED = (dtypes.int32, dtypes.int64, dtypes.float32, dtypes.float64, dtypes.string)


def _file_names(file_pattern):
    patterns = [file_pattern] if isinstance(file_pattern, (str, bytes)) else list(file_pattern)
    names = []
    for p in patterns:
        p = p.decode() if isinstance(p, bytes) else p
        names.extend(sorted(glob.glob(p)))
    if not names:
        raise ValueError(f"No files match `file_pattern` {file_pattern}.")
    return names


def _lines(path, n):
    with open(path, "rb") as f:
        for i, line in enumerate(f):
            if i >= n:
                return
            yield line.rstrip(b"\n").rstrip(b"\r")


def _value_type(text, na_value, prev):
    # TF's _infer_type: the narrowest of int32, int64, float32, float64,
    # string that holds the value, never narrower than the column's so far.
    if text in (b"", na_value):
        return prev
    order = _INFERRED.index(prev) if prev is not None else 0
    s = text.decode("utf-8", "replace").strip()
    for i in range(order, len(_INFERRED)):
        t = _INFERRED[i]
        try:
            if t.is_integer:
                v = int(s)
                if t.min <= v <= t.max:
                    return t
                continue
            if t == dtypes.string:
                return t
            v = float(s)
            if t == dtypes.float32 and np.isfinite(v) and abs(v) > np.finfo(np.float32).max:
                continue
            return t
        except ValueError:
            continue
    return dtypes.string


def _infer_defaults(names, ncols, delim, quoted, na_value, header, rows, select):
    types = [None] * ncols
    seen = 0
    for path in names:
        lines = _lines(path, rows - seen + (1 if header else 0))
        if header:
            next(lines, None)
        for line in lines:
            fields = _csv_fields(line, delim.encode(), quoted, seen)
            if select is not None:
                fields = [fields[c] for c in select if c < len(fields)]
            for c, text in enumerate(fields[:ncols]):
                types[c] = _value_type(text, na_value.encode(), types[c])
            seen += 1
        if seen >= rows:
            break
    types = [t or dtypes.string for t in types]
    return [np.array([b""], dtype=object) if t == dtypes.string else np.zeros(1, t.np_dtype)
            for t in types], types


def make_csv_dataset(file_pattern, batch_size, column_names=None, column_defaults=None,
                     label_name=None, select_columns=None, field_delim=",", use_quote_delim=True,
                     na_value="", header=True, num_epochs=None, shuffle=True,
                     shuffle_buffer_size=10000, shuffle_seed=None, prefetch_buffer_size=None,
                     num_parallel_reads=None, sloppy=False, num_rows_for_inference=100,
                     compression_type=None, ignore_errors=False, encoding="utf-8"):
    """Reads CSV files into a dataset: each element is a (features, label)
    pair of a batch, features an OrderedDict of column name to tensor (the
    label column's taken out when `label_name` is given)."""
    names = _file_names(file_pattern)
    if column_names is None:
        if not header:
            raise ValueError("Expected file header names if column_names is not provided.")
        first = next(_lines(names[0], 1), b"")
        column_names = [f.decode(encoding) for f in
                        _csv_fields(first, field_delim.encode(), use_quote_delim, 0)]
    column_names = list(column_names)
    if len(set(column_names)) != len(column_names):
        raise ValueError("Expected unique column names.")
    select = None
    if select_columns is not None:
        select = sorted(column_names.index(c) if isinstance(c, str) else int(c)
                        for c in select_columns)
        column_names = [column_names[c] for c in select]
    if label_name is not None and label_name not in column_names:
        raise ValueError("`label_name` provided must be one of the columns.")
    if column_defaults is None:
        column_defaults, _ = _infer_defaults(names, len(column_names), field_delim,
                                             use_quote_delim, na_value, header,
                                             num_rows_for_inference, select)
    column_defaults = [d if isinstance(d, dtypes.DType) else
                       (d if isinstance(d, (list, tuple)) else [d]) for d in column_defaults]
    if len(column_defaults) != len(column_names):
        raise ValueError("The number of column defaults does not match the number of columns.")

    def one_file(filename):
        ds = CsvDataset(filename, column_defaults, compression_type=compression_type,
                        header=header, field_delim=field_delim,
                        use_quote_delim=use_quote_delim, na_value=na_value, select_cols=select)
        return ds.ignore_errors() if ignore_errors else ds

    def to_dict(*columns):
        features = collections.OrderedDict(zip(column_names, columns))
        if label_name is not None:
            label = features.pop(label_name)
            return features, label
        return features

    files = DatasetV2.from_tensor_slices(names)
    if shuffle:
        files = files.shuffle(len(names), seed=shuffle_seed)
    ds = files.interleave(one_file, cycle_length=num_parallel_reads or 1, block_length=1)
    if num_epochs != 1 and shuffle:
        ds = ds.shuffle(shuffle_buffer_size, seed=shuffle_seed).repeat(num_epochs)
    elif num_epochs != 1:
        ds = ds.repeat(num_epochs)
    elif shuffle:
        ds = ds.shuffle(shuffle_buffer_size, seed=shuffle_seed)
    ds = ds.batch(batch_size, drop_remainder=num_epochs is None)
    ds = ds.map(to_dict)
    return ds.prefetch(AUTOTUNE if prefetch_buffer_size is None else prefetch_buffer_size)


