"""Finding and keeping checkpoints (TF's checkpoint_management): the
`checkpoint` state file of a directory (read, written atomically), the latest
checkpoint it names, whether one exists, removing one's files."""

import glob
import logging
import os
import re
import uuid

from .checkpoint_state import CheckpointState, ParseError

__all__ = ["latest_checkpoint", "checkpoint_exists", "prefix_of", "get_checkpoint_state",
           "update_checkpoint_state", "update_checkpoint_state_internal",
           "generate_checkpoint_state_proto", "remove_checkpoint", "get_checkpoint_mtimes",
           "meta_graph_filename", "CheckpointState"]

# tf.logging's logger (fastgraph/tf_logging.py), which is above this layer.
_warning = logging.getLogger("fastgraph").warning


def prefix_of(path):
    """A checkpoint prefix from a prefix or a directory with a `checkpoint` file."""
    path = os.fspath(path)
    if os.path.isdir(path):
        latest = latest_checkpoint(path)
        if latest is None:
            raise ValueError(f"Couldn't find 'checkpoint' file or checkpoints in given "
                             f"directory {path}")
        return latest
    return path


def _state_filename(save_dir, latest_filename):
    return os.path.join(save_dir, latest_filename or "checkpoint")


def generate_checkpoint_state_proto(save_dir, model_checkpoint_path,
                                    all_model_checkpoint_paths=None,
                                    all_model_checkpoint_timestamps=None,
                                    last_preserved_timestamp=None):
    """Generates a checkpoint state proto: `all_model_checkpoint_paths` ends
    with `model_checkpoint_path`, and when `save_dir` is relative, relative
    paths are made relative to it."""
    paths = list(all_model_checkpoint_paths or [])
    if not paths or paths[-1] != model_checkpoint_path:
        paths.append(model_checkpoint_path)
    if all_model_checkpoint_timestamps and len(all_model_checkpoint_timestamps) != len(paths):
        raise ValueError(f"Checkpoint timestamps, if provided, must match checkpoint paths "
                         f"(got paths {paths} and timestamps "
                         f"{all_model_checkpoint_timestamps})")
    if not os.path.isabs(save_dir):
        if not os.path.isabs(model_checkpoint_path):
            model_checkpoint_path = os.path.relpath(model_checkpoint_path, save_dir)
        paths = [p if os.path.isabs(p) else os.path.relpath(p, save_dir) for p in paths]
    return CheckpointState(model_checkpoint_path, paths, all_model_checkpoint_timestamps,
                           last_preserved_timestamp)


def update_checkpoint_state_internal(save_dir, model_checkpoint_path,
                                     all_model_checkpoint_paths=None, latest_filename=None,
                                     save_relative_paths=False,
                                     all_model_checkpoint_timestamps=None,
                                     last_preserved_timestamp=None):
    """Updates the content of the 'checkpoint' file (relative paths when
    `save_relative_paths`); raises RuntimeError if a checkpoint path is the
    state file's own."""
    state_file = _state_filename(save_dir, latest_filename)
    paths = list(all_model_checkpoint_paths or [])
    if save_relative_paths:
        def rel(p):
            return os.path.relpath(p, save_dir) if os.path.isabs(p) else p
        model_checkpoint_path, paths = rel(model_checkpoint_path), [rel(p) for p in paths]
    state = generate_checkpoint_state_proto(save_dir, model_checkpoint_path, paths,
                                            all_model_checkpoint_timestamps,
                                            last_preserved_timestamp)
    if state_file == state.model_checkpoint_path:
        raise RuntimeError(f"Save path '{model_checkpoint_path}' conflicts with path used for "
                           f"checkpoint state.  Please use a different save path.")
    tmp = f"{state_file}.tmp{uuid.uuid4().hex}"
    try:
        with open(tmp, "w") as f:
            f.write(state.to_text())
        os.replace(tmp, state_file)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def update_checkpoint_state(save_dir, model_checkpoint_path, all_model_checkpoint_paths=None,
                            latest_filename=None, all_model_checkpoint_timestamps=None,
                            last_preserved_timestamp=None):
    """Updates the content of the 'checkpoint' file, which contains a
    CheckpointState proto."""
    update_checkpoint_state_internal(save_dir, model_checkpoint_path,
                                     all_model_checkpoint_paths, latest_filename, False,
                                     all_model_checkpoint_timestamps, last_preserved_timestamp)


def get_checkpoint_state(checkpoint_dir, latest_filename=None):
    """Returns CheckpointState proto from the "checkpoint" file, its relative
    paths joined to `checkpoint_dir`; None when there is none or it does not
    parse. Raises ValueError if it has no model_checkpoint_path."""
    checkpoint_dir = os.fspath(checkpoint_dir)
    state_file = _state_filename(checkpoint_dir, latest_filename)
    try:
        with open(state_file, "rb") as f:
            text = f.read().decode()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as e:
        _warning("%s: %s", type(e).__name__, e)
        _warning("%s: Checkpoint ignored", state_file)
        return None
    try:
        state = CheckpointState.from_text(text)
    except ParseError as e:
        _warning("%s: %s", type(e).__name__, e)
        _warning("%s: Checkpoint ignored", state_file)
        return None
    if not state.model_checkpoint_path:
        raise ValueError("Invalid checkpoint state loaded from " + checkpoint_dir)
    if not os.path.isabs(state.model_checkpoint_path):
        state.model_checkpoint_path = os.path.join(checkpoint_dir, state.model_checkpoint_path)
    state.all_model_checkpoint_paths = [
        p if os.path.isabs(p) else os.path.join(checkpoint_dir, p)
        for p in state.all_model_checkpoint_paths]
    return state


def latest_checkpoint(checkpoint_dir, latest_filename=None):
    """Finds the filename of latest saved checkpoint file (the prefix named by
    `model_checkpoint_path` in `checkpoint_dir/checkpoint`), or None."""
    state = get_checkpoint_state(checkpoint_dir, latest_filename)
    if state is not None and state.model_checkpoint_path:
        if checkpoint_exists(state.model_checkpoint_path):
            return state.model_checkpoint_path
        _warning("Couldn't match files for checkpoint %s", state.model_checkpoint_path)
    return None


def checkpoint_exists(checkpoint_prefix):
    """Whether a V2 checkpoint with this prefix exists."""
    return os.path.exists(os.fspath(checkpoint_prefix) + ".index")


def meta_graph_filename(checkpoint_filename, meta_graph_suffix="meta"):
    """The MetaGraph file name of a checkpoint: its prefix (shard suffix
    removed) plus `.meta_graph_suffix`."""
    basename = re.sub(r"-[\d\?]+-of-\d+$", "", checkpoint_filename)
    return ".".join([basename, meta_graph_suffix])


def remove_checkpoint(checkpoint_prefix, checkpoint_format_version=2, meta_graph_suffix="meta"):
    """Removes a checkpoint given by `checkpoint_prefix`: its index, data
    files and MetaGraph file, those that exist."""
    prefix = glob.escape(os.fspath(checkpoint_prefix))
    patterns = [glob.escape(meta_graph_filename(os.fspath(checkpoint_prefix),
                                                meta_graph_suffix))]
    if checkpoint_format_version == 2:
        patterns += [prefix + ".index", prefix + ".data-?????-of-?????"]
    else:
        patterns.append(prefix)
    for pattern in patterns:
        for path in glob.glob(pattern):
            os.remove(path)


def get_checkpoint_mtimes(checkpoint_prefixes):
    """The modification times (seconds since the Epoch) of the checkpoints
    that exist among `checkpoint_prefixes` (their index files)."""
    mtimes = []
    for prefix in checkpoint_prefixes:
        for path in (os.fspath(prefix) + ".index", os.fspath(prefix)):
            if os.path.isfile(path):
                mtimes.append(os.stat(path).st_mtime_ns / 1e9)
                break
    return mtimes
