"""TF's variables module, the parts built from ops: the reports of which
variables are initialized (report_uninitialized_variables,
assert_variables_initialized), over IsVariableInitialized."""

from ..framework import dtypes
from ..framework.constant_op import constant
from ..framework.graph import GraphKeys, get_default_graph
from ..ops.array_ops import stack
from ..ops.dynamic_shape_ops import boolean_mask
from ..ops.elementwise import logical_not
from ..ops.indexing_ops import rank
from ..ops.state_ops import is_variable_initialized

__all__ = ["report_uninitialized_variables", "assert_variables_initialized"]


def _all_variables():
    graph = get_default_graph()
    return graph.get_collection(GraphKeys.GLOBAL_VARIABLES) + \
        graph.get_collection(GraphKeys.LOCAL_VARIABLES)


def report_uninitialized_variables(var_list=None, name="report_uninitialized_variables"):
    """Adds ops to list the names of uninitialized variables.

    When run, it returns a 1-D string tensor of the names (`var.op.name`)
    of the variables of `var_list` (all global and local variables by
    default) that are not initialized yet; empty when they all are.
    """
    var_list = _all_variables() if var_list is None else list(var_list)
    graph = get_default_graph()
    with graph.name_scope(name):
        if not var_list:
            return constant([], dtype=dtypes.string)
        mask = logical_not(stack([is_variable_initialized(v) for v in var_list]))
        names = constant([v.op.name for v in var_list])
        return boolean_mask(names, mask)


def assert_variables_initialized(var_list=None):
    """Returns an Op to check if variables are initialized: the stacked
    ranks of the variables of `var_list` (all global and local variables by
    default), or None when there are none.

    As in TensorFlow 2.21, whose graph optimizer folds the ranks from the
    variables' shapes, running it does not read the variables, so it does
    not fail on uninitialized ones; use report_uninitialized_variables.
    """
    var_list = _all_variables() if var_list is None else list(var_list)
    if not var_list:
        return None
    ranks = [rank(v) for v in var_list]
    return ranks[0] if len(ranks) == 1 else stack(ranks)
