"""`tf.train`: saving and restoring variables in TensorFlow checkpoints."""

from .checkpoint_reader import (  # noqa: F401
    CheckpointReader, NewCheckpointReader, list_variables, load_checkpoint, load_variable,
)
from .checkpoint_management import (  # noqa: F401
    checkpoint_exists, generate_checkpoint_state_proto, get_checkpoint_mtimes,
    get_checkpoint_state, latest_checkpoint, remove_checkpoint, update_checkpoint_state,
)
from .saver import Saver  # noqa: F401

__all__ = ["Saver", "latest_checkpoint", "checkpoint_exists", "NewCheckpointReader",
           "CheckpointReader", "list_variables", "load_variable", "get_checkpoint_state",
           "update_checkpoint_state", "generate_checkpoint_state_proto", "remove_checkpoint",
           "get_checkpoint_mtimes", "load_checkpoint"]
