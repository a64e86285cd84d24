"""Autograph: Python control flow over tensors turned into graph control
flow (`if` into `tf.cond`, `while` into `tf.while_loop`)."""

__all__ = ["convert"]


def convert(python_function):
    """`python_function` with its tensor-dependent control flow converted
    (for now: unchanged)."""
    return python_function
