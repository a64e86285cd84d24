"""The op library: one module per family, each registering its ops.

Each family module lists its public functions in `__all__` (exported as
`fastgraph.<name>`) and, where TF has them there too, in `MATH`, `NN`,
`IMAGE` and `RANDOM` (exported as `fastgraph.math.<name>`, ...).
"""

from . import (  # noqa: F401 - registration
    array_ops, contraction_ops, control_flow_ops, conv_ops, elementwise, image_ops,
    indexing_ops, layers, linalg_ops, math_composites, nn_ops, random_ops, reduction_ops,
    sort_ops, state_ops, variable_scope,
)

FAMILIES = (array_ops, control_flow_ops, elementwise, state_ops, image_ops, reduction_ops,
            linalg_ops, conv_ops, nn_ops, random_ops, indexing_ops, variable_scope,
            math_composites, sort_ops, contraction_ops, layers)


def namespace(attr):
    """{name: function} of every family's list `attr` (e.g. "NN")."""
    out = {}
    for fam in FAMILIES:
        for name in getattr(fam, attr, ()):
            out[name] = getattr(fam, name)
    return out
