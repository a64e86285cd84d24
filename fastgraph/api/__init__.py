"""The TF API built from the op families: functions and classes that add
ops to a graph but register none of their own. One module per TF module,
named as TensorFlow names it (`layers`, `variable_scope`, `init_ops`,
`math_ops`, `nn_impl`, `clip_ops`, ...); losses, metrics, optimizers, rnn
cells, tf.data, summaries and saved_model go here too.

Each module lists its names as the op families do (`__all__`, `MATH`,
`NN`, `LINALG`, `LAYERS`, ...); `namespace` gathers a list over the op
families and these modules, for the public namespaces (`fastgraph.nn`, ...).
"""

from .. import ops
from . import (
    array_ops, clip_ops, gradients_impl, init_ops, layers, linalg_ops, math_ops, nn_impl,
    variable_scope,
)
from . import losses, metrics, regularizers  # noqa: E402 - training
from . import template  # noqa: E402 - tf.make_template
from . import control_flow_grad  # noqa: E402,F401 - registers the If and While gradients
from . import functional_ops  # noqa: E402 - tf.map_fn, scan, foldl, foldr
from . import tensor_array_ops  # noqa: E402 - tf.TensorArray
from . import rnn  # noqa: E402 - tf.nn.dynamic_rnn, tf.nn.rnn_cell
from . import check_ops  # noqa: E402 - tf.debugging's asserts
from . import variables  # noqa: E402 - report_uninitialized_variables
from . import linalg_impl  # noqa: E402 - tf.linalg's norm, cross, pinv, lu_solve, ...
from . import conv_layers  # noqa: E402 - tf.layers' Conv1D, Conv2DTranspose, ...
from . import nn_ops, nn_impl_distribute  # noqa: E402 - more of tf.nn

__all__ = ["MODULES", "namespace"]

MODULES = (init_ops, variable_scope, clip_ops, math_ops, nn_impl, array_ops, linalg_ops, layers,
           gradients_impl, losses, metrics, regularizers, template, functional_ops,
           tensor_array_ops, rnn, check_ops, variables, linalg_impl, conv_layers, nn_ops,
           nn_impl_distribute)


def namespace(attr):
    """{name: function} of the list `attr` (e.g. "NN") of every op family
    and API module: the contents of one public TF namespace."""
    return ops.namespace(attr, ops.FAMILIES + MODULES)
