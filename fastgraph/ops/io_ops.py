"""File ops: ReadFile, WriteFile and MatchingFiles (`tf.io.read_file`,
`tf.io.write_file`, `tf.io.matching_files`).

They take and give strings, so the session computes them on the host
(staged_run.py) through their `reference`: file names and contents are
NumPy object arrays of bytes. ReadFile and MatchingFiles are stateful, as
in TF (a file may change between runs), so they are never folded.
"""

import glob as _glob
import os
import tempfile

import numpy as np

from ..framework import dtypes, errors
from ..framework.graph import Tensor
from ..framework.graphdef_mapping import NodeMapping
from ..framework.op_registry import NotDifferentiable, OpDef, register
from . import samples
from .arguments import graph_of

__all__ = ["read_file", "write_file", "matching_files"]
IO = ["read_file", "write_file", "matching_files"]


def as_bytes(value):
    """`value` (str, bytes or a NumPy string) as bytes."""
    if isinstance(value, str):
        return value.encode()
    if isinstance(value, np.str_):
        return str(value).encode()
    return bytes(value)


def string_tensor(graph, value, name):
    """`value` as a string Tensor of `graph`: a Tensor as it is (TypeError
    unless it is a string), else a constant of its bytes (str, bytes, or
    nested lists of them)."""
    if isinstance(value, Tensor) or hasattr(value, "_as_graph_element"):
        t = value if isinstance(value, Tensor) else value._as_graph_element()
        if t.dtype != dtypes.string:
            raise TypeError(f"Input '{name}' of the op has type {t.dtype.name} that does not "
                            f"match expected type of string.")
        return t
    arr = np.array(value, dtype=object)
    flat = [as_bytes(v) for v in arr.reshape(-1)]
    arr = np.array(flat + [None], dtype=object)[:-1].reshape(arr.shape)
    arr.setflags(write=False)
    return graph.create_op("Const", [], {"value": arr, "dtype": dtypes.string},
                           name=name).outputs[0]


def _path(value):
    v = np.asarray(value, dtype=object)
    if v.ndim != 0:
        raise errors.InvalidArgumentError(
            None, None, f"Input filename tensor must be scalar, but had shape: "
                        f"[{','.join(str(d) for d in v.shape)}]")
    return as_bytes(v[()]).decode("utf-8", "surrogateescape")


def _os_error(e, path):
    # As TF's local file system reports them: "<path>; <strerror>".
    kind = {2: errors.NotFoundError, 21: errors.FailedPreconditionError,
            20: errors.FailedPreconditionError, 13: errors.PermissionDeniedError,
            17: errors.AlreadyExistsError}.get(e.errno, errors.UnknownError)
    return kind(None, None, f"{path}; {e.strerror}")


# -- ReadFile --------------------------------------------------------------------

def read_file_value(inputs, attrs):
    """The contents of the file named by the scalar string `inputs[0]`."""
    path = _path(inputs[0])
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as e:
        raise _os_error(e, path) from None


def _scalar_string(ctx):
    return [()]


def _string(ctx):
    return [dtypes.string]


def _file_samples(dtype):
    yield [samples.known(np.array(os.path.abspath(__file__).encode(), dtype=object))], {}


register(OpDef("ReadFile", shape=_scalar_string, dtype=_string, stateful=True,
               reference=lambda inputs, attrs: [read_file_value(inputs, attrs)],
               samples=_file_samples, graphdef=NodeMapping(("filename",), [])))


def read_file(filename, name=None):
    """Reads the contents of file.

    This operation returns a tensor with the entire contents of the input
    filename. It does not do any parsing, it just returns the contents as
    they are. A missing file raises NotFoundError when the op runs.

    Args:
      filename: string. filename to read from.
      name: string. Optional name for the op.

    Returns:
      A tensor of dtype "string", with the file contents.
    """
    graph = graph_of([filename])
    t = string_tensor(graph, filename, "filename")
    return graph.create_op("ReadFile", [t], {}, name=name or "ReadFile").outputs[0]


# -- WriteFile -------------------------------------------------------------------

def write_file_value(inputs, attrs):
    """Writes `contents` (a scalar string) to the file `filename`, creating
    its directory as TF's WriteFile does; gives nothing."""
    path = _path(inputs[0])
    contents = np.asarray(inputs[1], dtype=object)
    if contents.ndim != 0:
        raise errors.InvalidArgumentError(
            None, None, f"Contents tensor must be scalar, but had shape: "
                        f"[{','.join(str(d) for d in contents.shape)}]")
    try:
        directory = os.path.dirname(path)
        if directory:
            os.makedirs(directory, exist_ok=True)
        with open(path, "wb") as f:
            f.write(as_bytes(contents[()]))
    except OSError as e:
        raise _os_error(e, path) from None
    return []


def _write_samples(dtype):
    where = os.path.join(tempfile.gettempdir(), f"fastgraph_write_file_{os.getuid()}", "sub",
                         "out.bin")
    yield [samples.known(np.array(where.encode(), dtype=object)),
           samples.known(np.array(b"\x00bytes\xff", dtype=object))], {}


register(OpDef("WriteFile", shape=lambda ctx: [], dtype=lambda ctx: [], stateful=True,
               reference=write_file_value, samples=_write_samples,
               graphdef=NodeMapping(("filename", "contents"), [])))


def write_file(filename, contents, name=None):
    """Writes `contents` to the file at input `filename`.

    Creates the file and recursively creates directory if it does not exist.

    Args:
      filename: A `Tensor` of type `string`. scalar. The name of the file to
        which we write the contents.
      contents: A `Tensor` of type `string`. scalar. The content to be
        written to the output file.
      name: A name for the operation (optional).

    Returns:
      The created Operation.
    """
    graph = graph_of([filename, contents])
    f = string_tensor(graph, filename, "filename")
    c = string_tensor(graph, contents, "contents")
    return graph.create_op("WriteFile", [f, c], {}, name=name or "WriteFile")


# -- MatchingFiles ---------------------------------------------------------------

def matching_files_value(inputs, attrs):
    """The sorted file names that match the pattern(s) of `inputs[0]` (a
    scalar or vector of glob patterns)."""
    patterns = np.asarray(inputs[0], dtype=object)
    if patterns.ndim > 1:
        raise errors.InvalidArgumentError(
            None, None, f"Input patterns tensor must be scalar or vector, but had shape: "
                        f"[{','.join(str(d) for d in patterns.shape)}]")
    found = []
    for p in patterns.reshape(-1):
        found.extend(_glob.glob(as_bytes(p).decode("utf-8", "surrogateescape")))
    names = sorted(as_bytes(os.fsencode(n)) for n in found)
    return np.array(names + [None], dtype=object)[:-1]


def _matching_samples(dtype):
    here = os.path.dirname(os.path.abspath(__file__))
    yield [samples.known(np.array(os.path.join(here, "io_*.py").encode(), dtype=object))], {}
    yield [samples.known(np.array([os.path.join(here, "s*_ops.py").encode(),
                                   os.path.join(here, "nothing*.xyz").encode()],
                                  dtype=object))], {}


register(OpDef("MatchingFiles", shape=lambda ctx: [(None,)], dtype=_string, stateful=True,
               reference=lambda inputs, attrs: [matching_files_value(inputs, attrs)],
               samples=_matching_samples, graphdef=NodeMapping(("pattern",), [])))


def matching_files(pattern, name=None):
    """Returns the set of files matching one or more glob patterns.

    Note that this routine only supports wildcard characters in the
    basename portion of the pattern, not in the directory portion. Note
    also that the order of filenames returned is deterministic.

    Args:
      pattern: A `Tensor` of type `string`. Shell wildcard pattern(s).
        Scalar or vector of type string.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of type `string`.
    """
    graph = graph_of([pattern])
    t = string_tensor(graph, pattern, "pattern")
    return graph.create_op("MatchingFiles", [t], {}, name=name or "MatchingFiles").outputs[0]


for _op_type in ("ReadFile", "WriteFile", "MatchingFiles"):
    NotDifferentiable(_op_type)
