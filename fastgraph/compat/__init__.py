"""`tf.compat`: the TF1 API under `fastgraph.compat.v1`."""

from . import v1  # noqa: F401
