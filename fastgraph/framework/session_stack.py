"""The default-session stack behind `Session.as_default()` and `Tensor.eval()`,
and the session class that tf.train's session creators open (registered by
`fastgraph/session.py`, which the layers below may not import)."""

import threading

__all__ = ["get_default_session", "push", "pop", "register_session_class", "new_session"]

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


_session_class = []


def register_session_class(cls):
    """Makes `cls` the class `new_session` opens (fastgraph's Session)."""
    _session_class[:] = [cls]


def new_session(target="", graph=None, config=None):
    """A new session of the registered class on `graph`."""
    if not _session_class:
        raise RuntimeError("No session class is registered: import fastgraph first")
    return _session_class[0](target, graph=graph, config=config)
