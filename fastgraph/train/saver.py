"""`tf.train.Saver` for restoring: a trained model's variables from a
TensorFlow V2 checkpoint into a session.

As in TF, the Saver builds its restore ops when it is made (one fed assign
per variable), so restoring adds nothing to the graph and works on a
finalized one. Writing checkpoints is not implemented: fastgraph runs
trained graphs, it does not train them.
"""

from ..framework import errors
from ..framework.graph import get_default_graph
from ..ops.array_ops import placeholder
from ..ops.state_ops import global_variables
from .checkpoint_management import prefix_of
from .checkpoint_reader import CheckpointReader

__all__ = ["Saver"]


class Saver:
    """Restores variables from checkpoints.

    `var_list`: None (all global variables), a list of variables (saved
    under their op names) or a dict {checkpoint name: variable}.
    `restore(sess, save_path)` assigns each variable the checkpoint's tensor
    of its name; `save` raises NotImplementedError.
    """

    def __init__(self, var_list=None, reshape=False, sharded=False, max_to_keep=5,
                 keep_checkpoint_every_n_hours=10000.0, name=None, restore_sequentially=False,
                 saver_def=None, builder=None, defer_build=False, allow_empty=False,
                 write_version=None, pad_step_number=False, save_relative_paths=False,
                 filename=None):
        if var_list is None:
            var_list = global_variables()
        if isinstance(var_list, dict):
            named = list(var_list.items())
        else:
            named = [(v.op.name, v) for v in var_list]
        if not named and not allow_empty:
            raise ValueError("No variables to save")
        graph = named[0][1].graph if named else get_default_graph()
        self._restores = []  # (checkpoint name, variable, placeholder, assign op)
        with graph.as_default():
            for key, var in named:
                ph = placeholder(var.dtype, var.shape, name=f"save/{key}/value")
                self._restores.append((key, var, ph, var.assign(ph).op))
        self._graph = graph

    def restore(self, sess, save_path):
        """Restores the variables from the checkpoint with prefix `save_path`
        (a directory holding a `checkpoint` file works too)."""
        if save_path is None:
            raise ValueError("Can't load save_path when it is None.")
        reader = CheckpointReader(prefix_of(save_path))
        feeds, ops = {}, []
        for key, var, ph, op in self._restores:
            if not reader.has_tensor(key):
                raise errors.NotFoundError(
                    None, op, f"Key {key} not found in checkpoint {save_path}")
            value = reader.get_tensor(key)
            want = var.shape.as_tuple()
            if want is not None and (len(want) != value.ndim or any(
                    w is not None and w != v for w, v in zip(want, value.shape))):
                raise errors.InvalidArgumentError(
                    None, op, f"Restoring from checkpoint failed: tensor {key} has shape "
                    f"{list(value.shape)} in the checkpoint, but the variable has shape "
                    f"{list(want)}")
            feeds[ph] = value.astype(var.dtype.np_dtype, copy=False)
            ops.append(op)
        sess.run(ops, feeds)

    def save(self, sess, save_path, global_step=None, **kwargs):
        """Not implemented: fastgraph restores checkpoints but does not write them."""
        raise NotImplementedError("fastgraph restores TensorFlow checkpoints but does not "
                                  "write them")
