"""The files of `Dataset.cache(filename)`.

The first complete iteration writes the elements to `<filename>.lockfile`
as it hands them out (TF's lockfile name: a second iterator writing the same
cache meanwhile gets TF's AlreadyExistsError), and renames it to
`<filename>.fastgraph-cache` at the end; later iterations, in any session or
process, read that file instead of the input. An iteration that stops early
deletes its partial file, as TF discards a partial cache. The file is
TFRecord-framed (each record checked by its CRC-32C): a header record, then
one record per component of each element holding its serialized TensorProto.
fastgraph does not read or write TF's tensor-bundle cache files.
"""

import os

import numpy as np

from ..framework import errors
from ..framework.attr_values import ndarray_of
from ..framework.graph_protos import TensorProto
from ..ops.summary_ops import tensor_proto
from .tf_record import frame_record, read_records

__all__ = ["cache_path", "lock_path", "CacheFileWriter", "read_cache_file"]

_MAGIC = b"fastgraph-dataset-cache-v1 components="


def cache_path(filename):
    """The complete cache file of the prefix `filename`."""
    return filename + ".fastgraph-cache"


def lock_path(filename):
    """The file a caching iteration writes before it completes."""
    return filename + ".lockfile"


def _os_error(e, path):
    if isinstance(e, FileNotFoundError):
        return errors.NotFoundError(None, None, f"{path}; No such file or directory")
    if isinstance(e, PermissionError):
        return errors.PermissionDeniedError(None, None, f"{path}; Permission denied")
    return errors.UnknownError(None, None, f"{path}; {e.strerror or e}")


class CacheFileWriter:
    """Writes the elements of one iteration to the lockfile of `filename`;
    `complete()` moves it into place, `abandon()` deletes it."""

    def __init__(self, filename, num_components):
        self._lock = lock_path(filename)
        self._final = cache_path(filename)
        try:
            self._f = open(self._lock, "xb")
        except FileExistsError:
            raise errors.AlreadyExistsError(
                None, None, "There appears to be a concurrent caching iterator running - cache "
                            f"lockfile already exists ('{self._lock}'). If you are sure no other "
                            "running TF computations are using this cache prefix, delete the "
                            "lockfile and re-initialize the iterator.") from None
        except OSError as e:
            raise _os_error(e, self._lock) from None
        self._f.write(frame_record(_MAGIC + str(num_components).encode()))

    def write(self, element):
        """Appends one element (a tuple of arrays)."""
        self._f.write(b"".join(frame_record(tensor_proto(np.asarray(c)).SerializeToString())
                               for c in element))

    def complete(self):
        """The iteration ended: the file becomes the cache."""
        self._f.close()
        os.replace(self._lock, self._final)

    def abandon(self):
        """The iteration stopped early: its partial file goes."""
        if not self._f.closed:
            self._f.close()
            try:
                os.remove(self._lock)
            except OSError:
                pass


def read_cache_file(filename, num_components, env):
    """Yields the elements of the complete cache of `filename` (None when
    there is none); DataLossError for a damaged file."""
    path = cache_path(filename)
    try:
        f = open(path, "rb")
    except FileNotFoundError:
        return None
    except OSError as e:
        raise _os_error(e, path) from None
    return _elements(f, path, num_components, env)


def _elements(f, path, num_components, env):
    with f:
        records = read_records(f, path)
        head = next(records, b"")
        if head != _MAGIC + str(num_components).encode():
            raise errors.DataLossError(
                None, None, f"{path} is not a fastgraph dataset cache of elements of "
                            f"{num_components} components")
        parts = []
        for raw in records:
            try:
                parts.append(ndarray_of(TensorProto.FromString(raw)))
            except (ValueError, TypeError, KeyError, IndexError):
                raise errors.DataLossError(None, None,
                                           f"corrupted record in {path}") from None
            if len(parts) == num_components:
                env.check()
                yield tuple(parts)
                parts = []
        if parts:
            raise errors.DataLossError(None, None, f"truncated element at the end of {path}")

