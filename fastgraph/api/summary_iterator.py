"""`tf.compat.v1.train.summary_iterator`: the Events of an event file."""

from ..framework.summary_protos import Event
from .tf_record import read_records

__all__ = ["summary_iterator"]


def summary_iterator(path):
    """Returns a iterator for reading `Event` protocol buffers from an event file.

    You can use this function to read events written to an event file. It
    returns a Python iterator that yields `Event` protocol buffers.

    Example: print the contents of an events file.

    ```python
    for e in tf.compat.v1.train.summary_iterator(path to events file):
        print(e)
    ```

    Args:
      path: The path to an event file created by a `SummaryWriter`.

    Returns:
      A iterator that yields `Event` protocol buffers
    """
    with open(path, "rb") as f:
        for data in read_records(f, path):
            yield Event.FromString(data)
