"""The default-session stack behind `Session.as_default()` and `Tensor.eval()`."""

import threading

__all__ = ["get_default_session", "push", "pop"]

_local = threading.local()


def _stack():
    if not hasattr(_local, "stack"):
        _local.stack = []
    return _local.stack


def get_default_session():
    """Returns the innermost session entered with `as_default()` in this thread, or None."""
    stack = _stack()
    return stack[-1] if stack else None


def push(session):
    """Makes `session` the default session of this thread."""
    _stack().append(session)


def pop(session):
    """Undoes the matching `push(session)`."""
    stack = _stack()
    if stack and stack[-1] is session:
        stack.pop()
