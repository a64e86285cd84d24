"""Learning rate schedules (TF's `tf.compat.v1.train.*_decay`): each
returns a scalar Tensor of the learning rate's dtype that follows
`global_step`, built from ordinary ops as TF builds them."""

import math

from ..framework.constant_op import convert_to_tensor
from ..framework.graph import get_default_graph
from ..ops.elementwise import (
    add, cast, ceil, cos, equal, exp, floor, greater, less_equal, log, minimum, multiply,
    negative, pow, realdiv, select_v2, sqrt, subtract,
)
from ..ops.random_ops import random_normal

__all__ = ["exponential_decay", "piecewise_constant", "polynomial_decay", "natural_exp_decay",
           "inverse_time_decay", "cosine_decay", "cosine_decay_restarts",
           "linear_cosine_decay", "noisy_linear_cosine_decay"]


def _require_step(global_step, what):
    # TF's schedules convert global_step first, which refuses None so.
    if global_step is None:
        raise ValueError("None values not supported.")


def _step_as(global_step, dtype):
    step = global_step.value() if hasattr(global_step, "_variable") else global_step
    return cast(convert_to_tensor(step), dtype)


def _as(value, dtype):
    t = convert_to_tensor(value)
    return t if t.dtype == dtype else cast(t, dtype)


def exponential_decay(learning_rate, global_step, decay_steps, decay_rate, staircase=False,
                      name=None):
    """Applies exponential decay to the learning rate.

    ```python
    decayed_learning_rate = learning_rate *
                            decay_rate ^ (global_step / decay_steps)
    ```

    If the argument `staircase` is `True`, then `global_step / decay_steps`
    is an integer division and the decayed learning rate follows a
    staircase function.

    Returns:
      A scalar `Tensor` of the same type as `learning_rate`. The decayed
      learning rate.

    Raises:
      ValueError: if `global_step` is not supplied.
    """
    _require_step(global_step, "exponential_decay")
    graph = get_default_graph()
    with graph.name_scope(name or "ExponentialDecay") as scope:
        lr = convert_to_tensor(learning_rate, name="initial_learning_rate")
        dtype = lr.dtype
        p = realdiv(_step_as(global_step, dtype), _as(decay_steps, dtype))
        if staircase:
            p = floor(p)
        return multiply(lr, pow(_as(decay_rate, dtype), p), name=scope)


def piecewise_constant(x, boundaries, values, name=None):
    """Piecewise constant from boundaries and interval values.

    Example: use a learning rate that's 1.0 for the first 100001 steps, 0.5
    for the next 10000 steps, and 0.1 for any additional steps.

    Args:
      x: A 0-D scalar `Tensor`. Must be one of the following types:
        `float32`, `float64`, `uint8`, `int8`, `int16`, `int32`, `int64`.
      boundaries: A list of `Tensor`s or `int`s or `float`s with strictly
        increasing entries, and with all elements having the same type as `x`.
      values: A list of `Tensor`s or `float`s or `int`s that specifies the
        values for the intervals defined by `boundaries`. It should have one
        more element than `boundaries`, and all elements should have the same
        type.
      name: A string. Optional name of the operation. Defaults to
        'PiecewiseConstant'.

    Returns:
      A 0-D Tensor. Its value is `values[0]` when `x <= boundaries[0]`,
      `values[1]` when `x > boundaries[0]` and `x <= boundaries[1]`, ...,
      and values[-1] when `x > boundaries[-1]`.

    Raises:
      ValueError: if the number of elements in the lists does not match.
    """
    if len(boundaries) != len(values) - 1:
        raise ValueError("The length of boundaries should be 1 less than the length of "
                         "values")
    graph = get_default_graph()
    with graph.name_scope(name or "PiecewiseConstant"):
        step = x.value() if hasattr(x, "_variable") else convert_to_tensor(x)
        bounds = [_as(b, step.dtype) for b in boundaries]
        vals = [convert_to_tensor(v) for v in values]
        # The intervals are exclusive and exhaustive: the last boundary
        # passed decides.
        out = vals[0]
        for b, v in zip(bounds, vals[1:]):
            out = select_v2(greater(step, b), v, out)
        return select_v2(less_equal(step, bounds[0]), vals[0], out) if bounds else out


def polynomial_decay(learning_rate, global_step, decay_steps, end_learning_rate=0.0001,
                     power=1.0, cycle=False, name=None):
    """Applies a polynomial decay to the learning rate.

    ```python
    global_step = min(global_step, decay_steps)
    decayed_learning_rate = (learning_rate - end_learning_rate) *
                            (1 - global_step / decay_steps) ^ (power) +
                            end_learning_rate
    ```

    If `cycle` is True then a multiple of `decay_steps` is used, the first
    one that is bigger than `global_steps`.

    Returns:
      A scalar `Tensor` of the same type as `learning_rate`. The decayed
      learning rate.

    Raises:
      ValueError: if `global_step` is not supplied.
    """
    _require_step(global_step, "polynomial_decay")
    graph = get_default_graph()
    with graph.name_scope(name or "PolynomialDecay") as scope:
        lr = convert_to_tensor(learning_rate, name="learning_rate")
        dtype = lr.dtype
        end = _as(end_learning_rate, dtype)
        power_t = _as(power, dtype)
        step = _step_as(global_step, dtype)
        steps = _as(decay_steps, dtype)
        if cycle:
            # The first multiple of decay_steps past the step (1 at step 0).
            multiplier = select_v2(equal(step, 0.0), convert_to_tensor(1.0, dtype=dtype),
                                   ceil(realdiv(step, steps)))
            steps = multiply(steps, multiplier)
        else:
            step = minimum(step, steps)
        p = realdiv(step, steps)
        return add(multiply(subtract(lr, end), pow(subtract(1.0, p), power_t)), end,
                   name=scope)


def natural_exp_decay(learning_rate, global_step, decay_steps, decay_rate, staircase=False,
                      name=None):
    """Applies natural exponential decay to the initial learning rate.

    ```python
    decayed_learning_rate = learning_rate * exp(-decay_rate * global_step /
    decay_step)
    ```

    or, if `staircase` is `True`, as

    ```python
    decayed_learning_rate = learning_rate * exp(-decay_rate * floor(global_step /
    decay_step))
    ```

    Returns:
      The decayed learning rate, a scalar `Tensor` of the same type as
      `learning_rate`.

    Raises:
      ValueError: if `global_step` is not supplied.
    """
    _require_step(global_step, "natural_exp_decay")
    graph = get_default_graph()
    with graph.name_scope(name or "NaturalExpDecay") as scope:
        lr = convert_to_tensor(learning_rate, name="initial_learning_rate")
        dtype = lr.dtype
        rate = exp(negative(_as(decay_rate, dtype)))
        p = realdiv(_step_as(global_step, dtype), _as(decay_steps, dtype))
        if staircase:
            p = floor(p)
        return multiply(lr, pow(rate, p), name=scope)


def inverse_time_decay(learning_rate, global_step, decay_steps, decay_rate, staircase=False,
                       name=None):
    """Applies inverse time decay to the initial learning rate.

    ```python
    decayed_learning_rate = learning_rate / (1 + decay_rate * global_step /
    decay_step)
    ```

    or, if `staircase` is `True`, as

    ```python
    decayed_learning_rate = learning_rate / (1 + decay_rate * floor(global_step /
    decay_step))
    ```

    Returns:
      A scalar `Tensor` of the same type as `learning_rate`. The decayed
      learning rate.

    Raises:
      ValueError: if `global_step` is not supplied.
    """
    _require_step(global_step, "inverse_time_decay")
    graph = get_default_graph()
    with graph.name_scope(name or "InverseTimeDecay") as scope:
        lr = convert_to_tensor(learning_rate, name="initial_learning_rate")
        dtype = lr.dtype
        p = realdiv(_step_as(global_step, dtype), _as(decay_steps, dtype))
        if staircase:
            p = floor(p)
        denom = add(convert_to_tensor(1.0, dtype=dtype), multiply(_as(decay_rate, dtype), p))
        return realdiv(lr, denom, name=scope)


def cosine_decay(learning_rate, global_step, decay_steps, alpha=0.0, name=None):
    """Applies cosine decay to the learning rate.

    ```python
    global_step = min(global_step, decay_steps)
    cosine_decay = 0.5 * (1 + cos(pi * global_step / decay_steps))
    decayed = (1 - alpha) * cosine_decay + alpha
    decayed_learning_rate = learning_rate * decayed
    ```

    Returns:
      A scalar `Tensor` of the same type as `learning_rate`. The decayed
      learning rate.

    Raises:
      ValueError: if `global_step` is not supplied.
    """
    _require_step(global_step, "cosine decay")
    graph = get_default_graph()
    with graph.name_scope(name or "CosineDecay") as scope:
        lr = convert_to_tensor(learning_rate, name="initial_learning_rate")
        dtype = lr.dtype
        steps = _as(decay_steps, dtype)
        fraction = realdiv(minimum(_step_as(global_step, dtype), steps), steps)
        cosine = multiply(0.5, add(1.0, cos(multiply(convert_to_tensor(math.pi, dtype=dtype),
                                                     fraction))))
        decayed = add(multiply(1.0 - alpha, cosine), alpha)
        return multiply(lr, decayed, name=scope)


def cosine_decay_restarts(learning_rate, global_step, first_decay_steps, t_mul=2.0,
                          m_mul=1.0, alpha=0.0, name=None):
    """Applies cosine decay with restarts to the learning rate.

    The schedule decays from `learning_rate` to `alpha * learning_rate` over
    `first_decay_steps`, then restarts: each period is `t_mul` times longer
    than the one before it and starts from `m_mul` times the rate the one
    before it started from.

    Returns:
      A scalar `Tensor` of the same type as `learning_rate`. The decayed
      learning rate.

    Raises:
      ValueError: if `global_step` is not supplied.
    """
    _require_step(global_step, "cosine decay restarts")
    graph = get_default_graph()
    with graph.name_scope(name or "SGDRDecay") as scope:
        lr = convert_to_tensor(learning_rate, name="initial_learning_rate")
        dtype = lr.dtype
        fraction = realdiv(_step_as(global_step, dtype), _as(first_decay_steps, dtype))
        if t_mul == 1.0:
            i_restart = floor(fraction)
            fraction = subtract(fraction, i_restart)
        else:
            t = _as(t_mul, dtype)
            i_restart = floor(realdiv(log(subtract(1.0, multiply(fraction, 1.0 - t_mul))),
                                      log(t)))
            sum_r = realdiv(subtract(1.0, pow(t, i_restart)), 1.0 - t_mul)
            fraction = realdiv(subtract(fraction, sum_r), pow(t, i_restart))
        m_fac = pow(_as(m_mul, dtype), i_restart)
        cosine = multiply(multiply(0.5, m_fac), add(1.0, cos(multiply(
            convert_to_tensor(math.pi, dtype=dtype), fraction))))
        decayed = add(multiply(1.0 - alpha, cosine), alpha)
        return multiply(lr, decayed, name=scope)


def linear_cosine_decay(learning_rate, global_step, decay_steps, num_periods=0.5, alpha=0.0,
                        beta=0.001, name=None):
    """Applies linear cosine decay to the learning rate.

    ```python
    global_step = min(global_step, decay_steps)
    linear_decay = (decay_steps - global_step) / decay_steps)
    cosine_decay = 0.5 * (
        1 + cos(pi * 2 * num_periods * global_step / decay_steps))
    decayed = (alpha + linear_decay) * cosine_decay + beta
    decayed_learning_rate = learning_rate * decayed
    ```

    Returns:
      A scalar `Tensor` of the same type as `learning_rate`. The decayed
      learning rate.

    Raises:
      ValueError: if `global_step` is not supplied.
    """
    _require_step(global_step, "linear cosine decay")
    graph = get_default_graph()
    with graph.name_scope(name or "LinearCosineDecay") as scope:
        lr = convert_to_tensor(learning_rate, name="initial_learning_rate")
        dtype = lr.dtype
        steps = _as(decay_steps, dtype)
        step = minimum(_step_as(global_step, dtype), steps)
        linear = realdiv(subtract(steps, step), steps)
        fraction = multiply(2.0 * num_periods, realdiv(step, steps))
        cosine = multiply(0.5, add(1.0, cos(multiply(convert_to_tensor(math.pi, dtype=dtype),
                                                     fraction))))
        decayed = add(multiply(add(alpha, linear), cosine), beta)
        return multiply(lr, decayed, name=scope)



def noisy_linear_cosine_decay(learning_rate, global_step, decay_steps, initial_variance=1.0,
                              variance_decay=0.55, num_periods=0.5, alpha=0.0, beta=0.001,
                              name=None):
    """Applies noisy linear cosine decay to the learning rate.

    ```python
    global_step = min(global_step, decay_steps)
    linear_decay = (decay_steps - global_step) / decay_steps)
    cosine_decay = 0.5 * (
        1 + cos(pi * 2 * num_periods * global_step / decay_steps))
    decayed = (alpha + linear_decay + eps_t) * cosine_decay + beta
    decayed_learning_rate = learning_rate * decayed
    ```
    where eps_t is 0-centered gaussian noise with variance
    initial_variance / (1 + global_step) ** variance_decay

    The noise is drawn from fastgraph's generator: seeded runs repeat
    themselves but do not draw TensorFlow's numbers.

    Returns:
      A scalar `Tensor` of the same type as `learning_rate`. The decayed
      learning rate.

    Raises:
      ValueError: if `global_step` is not supplied.
    """
    _require_step(global_step, "noisy linear cosine decay")
    graph = get_default_graph()
    with graph.name_scope(name or "NoisyLinearCosineDecay") as scope:
        lr = convert_to_tensor(learning_rate, name="initial_learning_rate")
        dtype = lr.dtype
        steps = _as(decay_steps, dtype)
        step = minimum(_step_as(global_step, dtype), steps)
        linear = realdiv(subtract(steps, step), steps)
        variance = realdiv(_as(initial_variance, dtype),
                           pow(add(1.0, step), _as(variance_decay, dtype)))
        noisy = add(linear, random_normal([], stddev=sqrt(variance), dtype=dtype))
        fraction = multiply(2.0 * num_periods, realdiv(step, steps))
        cosine = multiply(0.5, add(1.0, cos(multiply(convert_to_tensor(math.pi, dtype=dtype),
                                                     fraction))))
        decayed = add(multiply(add(alpha, noisy), cosine), beta)
        return multiply(lr, decayed, name=scope)
