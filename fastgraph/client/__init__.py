"""`tf.python.client`'s tools for runs: the `timeline` of a traced run."""

from . import timeline

__all__ = ["timeline"]
