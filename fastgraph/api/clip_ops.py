"""Clipping (TF's clip_ops): clip_by_value, clip_by_norm, global_norm and
clip_by_global_norm, built from existing ops as TensorFlow builds them."""

from collections.abc import Sequence

import numpy as np

from ..framework.op_registry import register_graphdef_translation
from ..ops.arguments import scope_of, tensor_or_constant, to_tensor
from ..ops.array_ops import identity, stack
from ..ops.elementwise import (
    add, cast, greater, maximum, minimum, multiply, sqrt, subtract, truediv,
)
from ..ops.indexing_ops import ones_like, where
from ..ops.nn_ops import l2_loss
from ..ops.reduction_ops import reduce_sum

__all__ = ["clip_by_value", "clip_by_norm", "clip_by_global_norm", "global_norm"]
LINALG = ["global_norm"]


def clip_by_value(t, clip_value_min, clip_value_max, name=None):
    """Clips tensor values to a specified min and max.

    Given a tensor `t`, this operation returns a tensor of the same type and
    shape as `t` with its values clipped to `clip_value_min` and `clip_value_max`.
    Any values less than `clip_value_min` are set to `clip_value_min`. Any values
    greater than `clip_value_max` are set to `clip_value_max`.

    Args:
      t: A `Tensor`.
      clip_value_min: The minimum value to clip to. A scalar `Tensor` or one that
        is broadcastable to the shape of `t`.
      clip_value_max: The maximum value to clip to. A scalar `Tensor` or one that
        is broadcastable to the shape of `t`.
      name: A name for the operation (optional).

    Returns:
      A clipped `Tensor`.

    Raises:
      ValueError: If the clip tensors would trigger array broadcasting that would
        make the returned tensor larger than the input.
    """
    graph, scope = scope_of([t, clip_value_min, clip_value_max], name, "clip_by_value")
    with graph.as_default(), scope as scope_name:
        values = tensor_or_constant(graph, t, name="t")
        t_min = minimum(values, clip_value_max)
        values.shape.assert_is_compatible_with(t_min.shape)
        t_max = maximum(t_min, clip_value_min, name=scope_name)
        values.shape.assert_is_compatible_with(t_max.shape)
        return t_max


def clip_by_norm(t, clip_norm, axes=None, name=None):
    """Clips tensor values to a maximum L2-norm.

    Given a tensor `t`, and a maximum clip value `clip_norm`, this operation
    normalizes `t` so that its L2-norm is less than or equal to `clip_norm`,
    along the dimensions given in `axes`. Specifically, in the default case
    where all dimensions are used for calculation, if the L2-norm of `t` is
    already less than or equal to `clip_norm`, then `t` is not modified. If
    the L2-norm is greater than `clip_norm`, then this operation returns a
    tensor of the same type and shape as `t` with its values set to:

    `t * clip_norm / l2norm(t)`

    Args:
      t: A `Tensor`.
      clip_norm: A 0-D (scalar) `Tensor` > 0. A maximum clipping value.
      axes: A 1-D (vector) `Tensor` of type int32 containing the dimensions to use
        for computing the L2-norm. If `None` (the default), uses all dimensions.
      name: A name for the operation (optional).

    Returns:
      A clipped `Tensor`.
    """
    graph, scope = scope_of([t, clip_norm], name, "clip_by_norm")
    with graph.as_default(), scope as scope_name:
        values = tensor_or_constant(graph, t, name="t")
        if np.isscalar(clip_norm):
            clip_norm = max(clip_norm, 0)
        else:
            clip_norm = cast(maximum(clip_norm, 0), values.dtype)
        l2sum = reduce_sum(multiply(values, values), axes, keepdims=True)
        pred = greater(l2sum, 0)
        l2sum_safe = where(pred, l2sum, ones_like(l2sum))
        l2norm = where(pred, sqrt(l2sum_safe), l2sum)
        intermediate = multiply(values, clip_norm)
        values.shape.assert_is_compatible_with(intermediate.shape)
        return identity(truediv(intermediate, maximum(l2norm, clip_norm)), name=scope_name)


def _check_sequence(t_list):
    if not isinstance(t_list, Sequence) or isinstance(t_list, str):
        raise TypeError(f"`t_list` should be a sequence of tensors. Received {type(t_list)}.")
    return list(t_list)


def global_norm(t_list, name=None):
    """Computes the global norm of multiple tensors.

    Given a tuple or list of tensors `t_list`, this operation returns the
    global norm of the elements in all tensors in `t_list`. The global norm is
    computed as:

    `global_norm = sqrt(sum([l2norm(t)**2 for t in t_list]))`

    Any entries in `t_list` that are of type None are ignored.
    """
    t_list = _check_sequence(t_list)
    graph, scope = scope_of(t_list, name, "global_norm")
    with graph.as_default(), scope:
        values = [None if t is None else tensor_or_constant(graph, t, name=f"t_{i}")
                  for i, t in enumerate(t_list)]
        half_squared = reduce_sum(stack([l2_loss(v) for v in values if v is not None]))
        return sqrt(multiply(half_squared, to_tensor(graph, 2.0, dtype=half_squared.dtype)),
                    name="global_norm")


def clip_by_global_norm(t_list, clip_norm, use_norm=None, name=None):
    """Clips values of multiple tensors by the ratio of the sum of their norms.

    Given a tuple or list of tensors `t_list`, and a clipping ratio `clip_norm`,
    this operation returns a list of clipped tensors `list_clipped`
    and the global norm (`global_norm`) of all tensors in `t_list`. Optionally,
    if you've already computed the global norm for `t_list`, you can specify
    the global norm with `use_norm`.

    To perform the clipping, the values `t_list[i]` are set to:

        t_list[i] * clip_norm / max(global_norm, clip_norm)

    where:

        global_norm = sqrt(sum([l2norm(t)**2 for t in t_list]))

    If `clip_norm > global_norm` then the entries in `t_list` remain as they are,
    otherwise they're all shrunk by the global ratio. If `global_norm == infinity`
    then the entries in `t_list` are all set to `NaN` to signal that an error
    occurred.

    Returns:
      list_clipped: A list of `Tensors` of the same type as `list_t`.
      global_norm: A 0-D (scalar) `Tensor` representing the global norm.
    """
    t_list = _check_sequence(t_list)
    if use_norm is None:
        use_norm = global_norm(t_list, name)
    graph, scope = scope_of(t_list + [clip_norm], name, "clip_by_global_norm")
    with graph.as_default(), scope as scope_name:
        one = to_tensor(graph, 1.0, dtype=use_norm.dtype)
        scale_for_finite = multiply(clip_norm, minimum(truediv(1.0, use_norm),
                                                       truediv(one, clip_norm)))
        # A no-op for a finite norm; NaN for inf, -inf or NaN.
        scale = add(scale_for_finite, subtract(use_norm, use_norm))
        values = [None if t is None else tensor_or_constant(graph, t, name=f"t_{i}")
                  for i, t in enumerate(t_list)]
        clipped = [None if v is None else
                   identity(multiply(v, cast(scale, v.dtype)), name=f"{scope_name[:-1]}_{i}")
                   for i, v in enumerate(values)]
    return clipped, use_norm


# TF's ClipByValue op, read from GraphDefs as this composite.
register_graphdef_translation("ClipByValue", lambda inputs, attrs, name: clip_by_value(
    inputs[0], inputs[1], inputs[2], name=name))
