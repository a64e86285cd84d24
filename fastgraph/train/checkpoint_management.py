"""Finding checkpoints (TF's checkpoint_management): the latest one named
by a directory's `checkpoint` file, and whether one exists."""

import os
import re

__all__ = ["latest_checkpoint", "checkpoint_exists", "prefix_of"]


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


def latest_checkpoint(checkpoint_dir, latest_filename=None):
    """Finds the filename of latest saved checkpoint file (the prefix named by
    `model_checkpoint_path` in `checkpoint_dir/checkpoint`), or None."""
    state = os.path.join(os.fspath(checkpoint_dir), latest_filename or "checkpoint")
    try:
        with open(state) as f:
            text = f.read()
    except OSError:
        return None
    m = re.search(r'^model_checkpoint_path:\s*"(.*)"\s*$', text, re.M)
    if m is None:
        return None
    prefix = m.group(1)
    if not os.path.isabs(prefix):
        prefix = os.path.join(os.fspath(checkpoint_dir), prefix)
    return prefix if os.path.exists(prefix + ".index") else None


def checkpoint_exists(checkpoint_prefix):
    """Whether a V2 checkpoint with this prefix exists."""
    return os.path.exists(os.fspath(checkpoint_prefix) + ".index")
