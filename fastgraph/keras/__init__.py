"""`tf.keras` (and `tf.compat.v1.keras`) as far as fastgraph has it:
`regularizers`, which the TF1 layers take."""

from . import regularizers  # noqa: F401
