"""Slot variables (TF's slot_creator): the extra variables an optimizer or a
moving average keeps beside a primary variable, named `<primary>/<name>`
(then `<primary>/<name>_1`, ...) whatever the name scope, so checkpoints
written by TensorFlow's optimizers restore into them."""

import numpy as np

from ..framework.graph import GraphKeys
from ..ops.state_ops import Variable

__all__ = ["create_slot", "create_zeros_slot", "create_slot_with_value"]


def create_slot(primary, val, name, colocate_with_primary=True, *, copy_xla_sharding=False):
    """Create a slot initialized to the given value.

    The type of the slot is determined by the given value.

    Args:
      primary: The primary `Variable` or `Tensor`.
      val: A `Tensor` specifying the initial value of the slot.
      name: Name to use for the slot variable.
      colocate_with_primary: Boolean. If True the slot is located on the same
        device as `primary` (always: fastgraph has one device).

    Returns:
      A `Variable` object.
    """
    graph = primary.graph
    base = primary.op.name + "/" + name
    # The slot's name is absolute: TF names it by a variable scope opened at
    # the top, outside the optimizer's name scope and control dependencies.
    with graph.as_default(), graph.control_dependencies(None), graph.name_scope(None):
        # "<primary>/<name>" if free, else "<primary>/<name>_1", ... as TF's
        # variable scopes count default names.
        return Variable(val, trainable=False, name=graph.unique_name(base, mark_as_used=False),
                        collections=[GraphKeys.GLOBAL_VARIABLES])


def create_slot_with_value(primary, value, name, dtype=None):
    """A slot holding `value` (a Python number or array) broadcast to
    `primary`'s shape, of `primary`'s dtype unless `dtype` is given."""
    dtype = dtype or primary.dtype.base_dtype
    shape = primary.get_shape().as_list()
    return create_slot(primary, np.full(shape, value, dtype.np_dtype), name)


def create_zeros_slot(primary, name, dtype=None, colocate_with_primary=True, *,
                      copy_xla_sharding=False):
    """Create a slot initialized to 0 with same shape as the primary object.

    Args:
      primary: The primary `Variable` or `Tensor`.
      name: Name to use for the slot variable.
      dtype: Type of the slot variable. Defaults to the type of `primary`.
      colocate_with_primary: Boolean. If True the slot is located on the same
        device as `primary`.

    Returns:
      A `Variable` object.
    """
    return create_slot_with_value(primary, 0, name, dtype)

