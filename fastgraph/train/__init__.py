"""`tf.train`: restoring variables from TensorFlow checkpoints."""

from .checkpoint_reader import (  # noqa: F401
    CheckpointReader, NewCheckpointReader, list_variables, load_variable,
)
from .checkpoint_management import checkpoint_exists, latest_checkpoint  # noqa: F401
from .saver import Saver  # noqa: F401

__all__ = ["Saver", "latest_checkpoint", "checkpoint_exists", "NewCheckpointReader",
           "CheckpointReader", "list_variables", "load_variable"]
