"""`tf.io.gfile` and TF1's `tf.gfile`: files on the local file system, with
TF's names and TF's errors (NotFoundError for a missing path,
AlreadyExistsError, FailedPreconditionError for a directory that is not
empty)."""

import errno
import glob as _glob
import os
import shutil

from ..framework import errors

__all__ = ["GFile", "exists", "makedirs", "mkdir", "listdir", "glob", "remove", "rmtree",
           "isdir", "copy", "rename", "walk", "stat", "join", "get_registered_schemes", "V1_NAMES"]


def _raise(e, path):
    if e.errno == errno.ENOENT:
        raise errors.NotFoundError(None, None, f"{path}; No such file or directory") from None
    if e.errno == errno.EEXIST:
        raise errors.AlreadyExistsError(None, None, f"{path}; File exists") from None
    if e.errno in (errno.ENOTEMPTY, errno.EISDIR, errno.ENOTDIR):
        raise errors.FailedPreconditionError(None, None, f"{path}; {e.strerror}") from None
    if e.errno == errno.EACCES:
        raise errors.PermissionDeniedError(None, None, f"{path}; Permission denied") from None
    raise errors.UnknownError(None, None, f"{path}; {e.strerror}") from None


class GFile:
    """File I/O wrappers without thread locking (TF's GFile): `mode` as
    Python's open, text or binary; a missing file raises NotFoundError."""

    def __init__(self, name, mode="r"):
        self.name = os.fspath(name)
        self.mode = mode
        try:
            self._f = open(self.name, mode,
                           **({} if "b" in mode else {"encoding": "utf-8", "newline": ""}))
        except OSError as e:
            _raise(e, self.name)

    def read(self, n=-1):
        """Returns `n` bytes (or characters) from the file, all when n < 0."""
        return self._f.read(n)

    def readline(self):
        """Reads the next line, keeping its newline."""
        return self._f.readline()

    def readlines(self):
        """All the lines of the file in a list."""
        return self._f.readlines()

    def write(self, file_content):
        """Writes `file_content` (str or bytes) to the file."""
        self._f.write(file_content)

    def flush(self):
        """Flushes the written data to the file."""
        self._f.flush()

    def seek(self, offset=None, whence=0, position=None):
        """Seeks to `offset` (TF1's `position`) from `whence`."""
        self._f.seek(position if offset is None else offset, whence)

    def tell(self):
        """The current position in the file."""
        return self._f.tell()

    def size(self):
        """The size of the file in bytes."""
        return os.path.getsize(self.name)

    def close(self):
        """Closes the file."""
        self._f.close()

    def __iter__(self):
        return iter(self._f)

    def __next__(self):
        return next(self._f)

    def next(self):
        """The next line of the file (TF1's iterator method)."""
        return next(self._f)

    def seekable(self):
        """Returns True as FileIO supports random access ops of seek()/tell()."""
        return True

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def exists(path):
    """Determines whether a path exists or not."""
    return os.path.exists(path)


def makedirs(path):
    """Creates a directory and all parent/intermediate directories; it is
    not an error if it already exists."""
    try:
        os.makedirs(path, exist_ok=True)
    except OSError as e:
        _raise(e, path)


def mkdir(path):
    """Creates a directory; its parent must exist (a path that exists
    already is left as it is, as TF's)."""
    try:
        os.mkdir(path)
    except FileExistsError:
        return
    except OSError as e:
        _raise(e, path)


def listdir(path):
    """The names of the entries of directory `path`, without '.' and '..'."""
    try:
        return os.listdir(path)
    except OSError as e:
        _raise(e, path)


def glob(pattern):
    """The paths that match `pattern` (`*`, `?`, `[...]`)."""
    return _glob.glob(os.fspath(pattern))


def remove(path):
    """Deletes the file at `path`."""
    try:
        os.remove(path)
    except OSError as e:
        _raise(e, path)


def rmtree(path):
    """Deletes everything under `path` recursively."""
    try:
        shutil.rmtree(path)
    except OSError as e:
        _raise(e, path)


def isdir(path):
    """Whether `path` is a directory."""
    return os.path.isdir(path)


def copy(src, dst, overwrite=False):
    """Copies file `src` to `dst`; AlreadyExistsError if `dst` exists and
    `overwrite` is false."""
    if not overwrite and os.path.exists(dst):
        raise errors.AlreadyExistsError(None, None, f"{dst}; File already exists")
    try:
        shutil.copyfile(src, dst)
    except OSError as e:
        _raise(e, src)


def rename(src, dst, overwrite=False):
    """Renames `src` to `dst`; AlreadyExistsError if `dst` exists and
    `overwrite` is false."""
    if not overwrite and os.path.exists(dst):
        raise errors.AlreadyExistsError(None, None, f"{dst}; File already exists")
    try:
        os.replace(src, dst)
    except OSError as e:
        _raise(e, src)


def walk(top, topdown=True, onerror=None):
    """Recursive directory tree generator: (dirname, subdirs, files), as os.walk."""
    return os.walk(top, topdown=topdown, onerror=onerror)


class _FileStatistics:
    """A file's length, modification time (ns) and whether it is a directory."""

    def __init__(self, st, path):
        self.length = st.st_size
        self.mtime_nsec = st.st_mtime_ns
        self.is_directory = os.path.isdir(path)


def stat(path):
    """The FileStatistics of `path`; NotFoundError if it does not exist."""
    try:
        return _FileStatistics(os.stat(path), path)
    except OSError as e:
        _raise(e, path)


join = os.path.join


def get_registered_schemes():
    """The URI schemes of the registered file systems: fastgraph has the
    local one only, as plain paths ('') and 'file://' URIs."""
    return ["file", ""]

V1_NAMES = {"GFile": GFile, "Open": GFile, "FastGFile": GFile, "Exists": exists,
            "MakeDirs": makedirs, "MkDir": mkdir, "ListDirectory": listdir, "Glob": glob,
            "Remove": remove, "DeleteRecursively": rmtree, "IsDirectory": isdir, "Copy": copy,
            "Rename": rename, "Walk": walk, "Stat": stat}
"""TF1's `tf.gfile` names of these functions."""
