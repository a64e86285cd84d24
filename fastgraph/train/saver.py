"""`tf.train.Saver`: saving variables to TensorFlow V2 checkpoints and
restoring them into a session.

As in TF, the Saver builds its restore ops when it is made (one fed assign
per variable), so saving and restoring add nothing to the graph and work on
a finalized one. Saving fetches the variables' values in one run and writes
them (checkpoint_writer.py); the `checkpoint` state file and `max_to_keep`
are kept as TF's Saver keeps them.
"""

import logging
import os
import time

import numpy as np

from ..framework import errors
from ..framework.graph import get_default_graph
from ..framework.meta_graph_protos import SaverDef
from ..ops.array_ops import placeholder
from ..ops.state_ops import Variable, global_variables
from .checkpoint_management import (
    checkpoint_exists, get_checkpoint_mtimes, prefix_of, remove_checkpoint,
    update_checkpoint_state_internal,
)
from .checkpoint_reader import CheckpointReader
from .checkpoint_writer import write_checkpoint
from .meta_graph import export_meta_graph as _export_meta_graph
from .meta_graph import import_scoped_meta_graph

__all__ = ["Saver", "export_meta_graph", "import_meta_graph"]

_VARIABLE_OPS = ("VariableV2", "Variable", "VarHandleOp")
_log = logging.getLogger("fastgraph")  # tf.logging's logger
# TF's names of dtypes in its messages (DataTypeString).
_TF_TYPE_NAMES = {"float32": "float", "float64": "double", "float16": "half"}

_MISSING = ("Restoring from checkpoint failed. This is most likely due to a Variable name or "
            "other graph key that is missing from the checkpoint. Please ensure that you have "
            "not altered the graph expected based on the checkpoint. Original error:\n\n")
_MISMATCH = ("Restoring from checkpoint failed. This is most likely due to a mismatch between "
             "the current graph and the graph from the checkpoint. Please ensure that you have "
             "not altered the graph expected based on the checkpoint. Original error:\n\n")


def _type_name(np_dtype):
    name = np.dtype(np_dtype).name
    return _TF_TYPE_NAMES.get(name, name)


def _is_variable(v):
    """Whether `v` is a variable the Saver can fetch and assign: a Variable,
    or any object with the same reading and assigning surface whose op is a
    variable op (so variables made by other parts of the API are saved too)."""
    if isinstance(v, Variable):
        return True
    op = getattr(v, "op", None)
    return (callable(getattr(v, "assign", None)) and hasattr(v, "dtype")
            and getattr(op, "type", None) in _VARIABLE_OPS)


def _named_variables(var_list):
    """[(checkpoint name, variable)] sorted by name, with TF's errors for
    duplicate names, a variable under two names, and partitioned variables
    (lists of slices, which fastgraph does not have)."""
    if isinstance(var_list, dict):
        named = []
        for name, var in var_list.items():
            if not isinstance(name, str):
                raise TypeError("names_to_saveables must be a dict mapping string names to "
                                f"trackable operations. Name is not a string: {name}")
            if isinstance(var, (list, tuple)):
                for part in var:
                    if not _is_variable(part):
                        raise ValueError(f"Slices must all be Variables: {part}")
                    raise ValueError(f"Slices must all be slices: {part}")
            if not _is_variable(var):
                raise TypeError(f"Variable to save is not a Variable: {var}")
            named.append((name, var))
    elif isinstance(var_list, (list, tuple, set)):
        named, seen = [], set()
        for var in var_list:
            if not _is_variable(var):
                raise TypeError(f"Variable to save is not a Variable: {var}")
            if var.op.name in seen:
                raise ValueError(f"At least two variables have the same name: {var.op.name}")
            seen.add(var.op.name)
            named.append((var.op.name, var))
    else:
        raise TypeError(f"Variables to save should be passed in a dict or a list. Got "
                        f"{var_list}")
    named.sort(key=lambda item: item[0])
    ops = set()
    for name, var in named:
        if var.op in ops:
            raise ValueError(f"The same saveable will be restored with two names: {name}")
        ops.add(var.op)
    return named


class Saver:
    """Saves and restores variables.

    `var_list`: None (all global variables), a list of variables (saved
    under their op names) or a dict {checkpoint name: variable}.
    `save(sess, save_path, global_step)` writes a V2 checkpoint and the
    `checkpoint` state file beside it, keeping the `max_to_keep` most recent
    checkpoints (None or 0 keeps all) plus one every
    `keep_checkpoint_every_n_hours`; `restore(sess, save_path)` assigns each
    variable the checkpoint's tensor of its name.
    `sharded`, `reshape` and `restore_sequentially` are accepted and ignored:
    one data file is written, and shapes must match.
    """

    def __init__(self, var_list=None, reshape=False, sharded=False, max_to_keep=5,
                 keep_checkpoint_every_n_hours=10000.0, name=None, restore_sequentially=False,
                 saver_def=None, builder=None, defer_build=False, allow_empty=False,
                 write_version=None, pad_step_number=False, save_relative_paths=False,
                 filename=None):
        if var_list is None:
            var_list = global_variables()
        named = _named_variables(var_list)
        if not named and not allow_empty:
            raise ValueError("No variables to save")
        self._is_empty = not named
        graph = named[0][1].graph if named else get_default_graph()
        self._restores = []  # (checkpoint name, variable, placeholder, assign op)
        with graph.as_default():
            for key, var in named:
                ph = placeholder(var.dtype, var.shape, name=f"save/{key}/value")
                self._restores.append((key, var, ph, var.assign(ph).op))
        self._graph = graph
        self._max_to_keep = max_to_keep or 0
        self._keep_every_seconds = keep_checkpoint_every_n_hours * 3600
        self._next_checkpoint_time = time.time() + self._keep_every_seconds
        self._pad_step_number = pad_step_number
        self._save_relative_paths = save_relative_paths
        self._last_checkpoints = []  # [(prefix, time written)], oldest first
        self._checkpoints_to_be_deleted = []

    # -- the checkpoints kept ----------------------------------------------------

    @property
    def last_checkpoints(self):
        """List of not-yet-deleted checkpoint filenames, sorted from oldest
        to newest."""
        return [p for p, _ in self._last_checkpoints]

    def set_last_checkpoints(self, last_checkpoints):
        """DEPRECATED: Use set_last_checkpoints_with_time. Sets the list of old
        checkpoint filenames."""
        assert isinstance(last_checkpoints, list)
        self._last_checkpoints = [(s, np.inf) for s in last_checkpoints]

    def set_last_checkpoints_with_time(self, last_checkpoints_with_time):
        """Sets the list of old checkpoint filenames and timestamps."""
        assert isinstance(last_checkpoints_with_time, list)
        self._last_checkpoints = last_checkpoints_with_time

    def recover_last_checkpoints(self, checkpoint_paths):
        """Recovers the internal saver state after a crash: the checkpoints of
        `checkpoint_paths` that exist, timestamped with their files' mtimes."""
        self.set_last_checkpoints_with_time(
            [(p, m) for p in checkpoint_paths for m in get_checkpoint_mtimes([p])])

    def _record_last_checkpoint(self, path):
        if not self._max_to_keep:
            return
        self._last_checkpoints = [p for p in self._last_checkpoints if p[0] != path]
        self._last_checkpoints.append((path, time.time()))
        if len(self._last_checkpoints) > self._max_to_keep:
            self._checkpoints_to_be_deleted.append(self._last_checkpoints.pop(0))

    def _maybe_delete_old_checkpoints(self, meta_graph_suffix):
        # One checkpoint leaves the list per save; it is kept when it is the
        # first written after the next keep_checkpoint_every_n_hours mark.
        if not self._checkpoints_to_be_deleted:
            return
        path, written = self._checkpoints_to_be_deleted.pop(0)
        if written > self._next_checkpoint_time:
            self._next_checkpoint_time += self._keep_every_seconds
            return
        try:
            remove_checkpoint(path, 2, meta_graph_suffix)
        except OSError as e:
            _log.warning("Ignoring: %s", e)

    # -- saving ------------------------------------------------------------------

    def save(self, sess, save_path, global_step=None, latest_filename=None,
             meta_graph_suffix="meta", write_meta_graph=True, write_state=True,
             strip_default_attrs=False, save_debug_info=False):
        """Saves variables; returns the path prefix of the new checkpoint
        (`save_path`, or `save_path-<global_step>` when a step is given: an
        int, or a tensor or variable whose value in `sess` is the step),
        which `restore()` takes. Returns None if the saver is empty.

        Writes `<prefix>.index` and `<prefix>.data-00000-of-00001` in
        TensorFlow's V2 format, then (when `write_state`) the
        `latest_filename` state file (default `checkpoint`) in the directory
        of `save_path`, and deletes the checkpoints beyond `max_to_keep`.
        With `write_meta_graph`, the graph and its collections go to
        `<prefix>.<meta_graph_suffix>` (a MetaGraphDef, as TF writes it).

        Raises TypeError if `sess` is not a Session, ValueError if
        `latest_filename` contains path components or collides with
        `save_path`, or if the parent directory of `save_path` does not exist.
        """
        if latest_filename is None:
            latest_filename = "checkpoint"
        if os.path.split(latest_filename)[0]:
            raise ValueError("'latest_filename' must not contain path components")
        save_path = os.fspath(save_path)
        if global_step is not None:
            if not isinstance(global_step, (int, np.integer)):
                global_step = int(sess.run(global_step))
            checkpoint_file = (f"{save_path}-{global_step:08d}" if self._pad_step_number
                               else f"{save_path}-{int(global_step)}")
        else:
            checkpoint_file = save_path
            if os.path.basename(save_path) == latest_filename:
                raise ValueError(f"'latest_filename' collides with 'save_path': "
                                 f"'{latest_filename}' and '{save_path}'")
        if not callable(getattr(sess, "run", None)):
            raise TypeError(f"'sess' must be a Session; {sess}")
        save_path_parent = os.path.dirname(save_path)
        if self._is_empty:
            return None
        if save_path_parent and not os.path.isdir(save_path_parent):
            raise ValueError(f"Parent directory of {save_path} doesn't exist, can't save.")
        values = sess.run([var for _, var, _, _ in self._restores])
        write_checkpoint(checkpoint_file, {key: np.asarray(value, var.dtype.np_dtype)
                                           for (key, var, _, _), value
                                           in zip(self._restores, values)})
        if write_meta_graph:
            try:
                self.export_meta_graph(f"{checkpoint_file}.{meta_graph_suffix}")
            except ValueError as e:
                # A graph with an op TF has no equivalent of still checkpoints.
                _log.warning("No MetaGraph written for %s: %s", checkpoint_file, e)
        if write_state:
            self._record_last_checkpoint(checkpoint_file)
            update_checkpoint_state_internal(
                save_dir=save_path_parent, model_checkpoint_path=checkpoint_file,
                all_model_checkpoint_paths=self.last_checkpoints,
                latest_filename=latest_filename,
                save_relative_paths=self._save_relative_paths)
            self._maybe_delete_old_checkpoints(meta_graph_suffix)
        return checkpoint_file

    # -- restoring ---------------------------------------------------------------

    def restore(self, sess, save_path):
        """Restores previously saved variables from the checkpoint with
        prefix `save_path` (a directory holding a `checkpoint` file works
        too). Raises ValueError when there is no such checkpoint, NotFoundError
        when a variable's name is not in it, InvalidArgumentError when its
        dtype or shape differs."""
        if self._is_empty:
            return
        if save_path is None:
            raise ValueError("Can't load save_path when it is None.")
        prefix = prefix_of(save_path)
        if not checkpoint_exists(prefix):
            raise ValueError("The passed save_path is not a valid checkpoint: " + prefix)
        reader = CheckpointReader(prefix)
        dtypes = reader.get_variable_to_dtype_map()
        feeds, ops = {}, []
        for key, var, ph, op in self._restores:
            if not reader.has_tensor(key):
                raise errors.NotFoundError(
                    None, op, f"{_MISSING}Key {key} not found in checkpoint")
            if dtypes[key] != var.dtype.np_dtype:
                raise errors.InvalidArgumentError(
                    None, op, f"{_MISMATCH}tensor_name = {key}; expected dtype "
                    f"{_type_name(var.dtype.np_dtype)} does not equal original dtype "
                    f"{_type_name(dtypes[key])}")
            value = reader.get_tensor(key)
            want = var.shape.as_tuple()
            if want is not None and (len(want) != value.ndim or any(
                    w is not None and w != v for w, v in zip(want, value.shape))):
                raise errors.InvalidArgumentError(
                    None, op, f"{_MISMATCH}Assign requires shapes of both tensors to match. "
                    f"lhs shape= [{','.join(map(str, want))}] rhs shape= "
                    f"[{','.join(map(str, value.shape))}]")
            feeds[ph] = value
            ops.append(op)
        sess.run(ops, feeds)

    # -- MetaGraphs --------------------------------------------------------------

    def as_saver_def(self):
        """Generates a `SaverDef` representation of this saver (fastgraph
        restores without TF's save ops: the names are those of its scope)."""
        return SaverDef(filename_tensor_name="save/Const:0",
                        save_tensor_name="save/control_dependency:0",
                        restore_op_name="save/restore_all", max_to_keep=self._max_to_keep,
                        keep_checkpoint_every_n_hours=self._keep_every_seconds / 3600,
                        version=SaverDef.V2)

    def export_meta_graph(self, filename=None, collection_list=None, as_text=False,
                          export_scope=None, clear_devices=False,
                          clear_extraneous_savers=False, strip_default_attrs=False,
                          save_debug_info=False):
        """Writes `MetaGraphDef` to save_path/filename (the saver's graph and
        all its collections); returns it."""
        return _export_meta_graph(filename=filename, collection_list=collection_list,
                                  as_text=as_text, graph=self._graph, clear_devices=clear_devices)


def export_meta_graph(filename=None, meta_info_def=None, graph_def=None, saver_def=None,
                      collection_list=None, as_text=False, graph=None, export_scope=None,
                      clear_devices=False, clear_extraneous_savers=False,
                      strip_default_attrs=False, save_debug_info=False, **kwargs):
    """Returns `MetaGraphDef` proto. Optionally writes it to filename.

    The MetaGraph holds the graph's GraphDef (the default graph's, or
    `graph`'s), its collections (those of `collection_list`, or all) and
    `saver_def`; `filename` gets it in binary (or text, `as_text`) form.
    """
    return _export_meta_graph(filename=filename, meta_info_def=meta_info_def,
                              graph_def=graph_def, saver_def=saver_def,
                              collection_list=collection_list, as_text=as_text, graph=graph,
                              clear_devices=clear_devices)


def import_meta_graph(meta_graph_or_file, clear_devices=False, import_scope=None, **kwargs):
    """Recreates a Graph saved in a `MetaGraphDef` proto.

    Imports the graph of a `.meta` file (or MetaGraphDef), written by
    fastgraph or TensorFlow, into the current default graph with its
    collections, and returns a Saver over its variables (None when it has
    none), so that `saver.restore(sess, path)` loads a checkpoint into them.
    TF's own save and restore nodes are left out.
    """
    import_scoped_meta_graph(meta_graph_or_file, clear_devices=clear_devices,
                             import_scope=import_scope)
    variables = get_default_graph().get_collection("variables")
    if not variables:
        return None
    return Saver(variables)
