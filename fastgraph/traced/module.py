"""tf.Module: a named container of variables, other modules and functions,
whose `variables` are found by walking its attributes (as TF)."""

import re

from ..framework.graph import get_default_graph
from ..ops.state_ops import Variable

__all__ = ["Module"]

_VALID_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-/>]*$")


class _ModuleNameScope:
    """The name scope of a module: `name` is "<module name>/"; entered,
    ops are named under it in the default graph."""

    def __init__(self, name):
        self.name = name + "/"
        self._ctx = None

    def __enter__(self):
        self._ctx = get_default_graph().name_scope(self.name)
        return self._ctx.__enter__()

    def __exit__(self, *exc):
        ctx, self._ctx = self._ctx, None
        return ctx.__exit__(*exc)


class Module:
    """Base neural network module class.

    A module is a named container for `tf.Variable`s, other `tf.Module`s
    and functions which apply to user input; `variables`,
    `trainable_variables` and `submodules` walk its attributes.
    """

    def __init__(self, name=None):
        if name is None:
            name = _snake_case(type(self).__name__)
        elif not _VALID_NAME.match(name):
            raise ValueError(f"'{name}' is not a valid module name. Module names must be valid "
                             "Python identifiers (e.g. a valid class name).")
        self._name = name
        self._scope_name = name
        self._name_scope = _ModuleNameScope(name)

    @property
    def name(self):
        """Returns the name of this module as passed or determined in the ctor."""
        return self._name

    @property
    def name_scope(self):
        """Returns a `tf.name_scope` instance for this class."""
        return self._name_scope

    @property
    def variables(self):
        """Sequence of variables owned by this module and its submodules."""
        return tuple(_walk(self, lambda x: isinstance(x, Variable)))

    @property
    def trainable_variables(self):
        """Sequence of trainable variables owned by this module and its submodules."""
        return tuple(_walk(self, lambda x: isinstance(x, Variable) and x.trainable))

    @property
    def non_trainable_variables(self):
        """Sequence of non-trainable variables owned by this module and its submodules."""
        return tuple(_walk(self, lambda x: isinstance(x, Variable) and not x.trainable))

    @property
    def submodules(self):
        """Sequence of all sub-modules, found by walking the attributes."""
        return tuple(_walk(self, lambda x: isinstance(x, Module)))

    @classmethod
    def with_name_scope(cls, method):
        """Decorator to automatically enter the module name scope."""
        def wrapped(self, *args, **kwargs):
            with self.name_scope:
                return method(self, *args, **kwargs)
        wrapped.__name__ = getattr(method, "__name__", "method")
        wrapped.__doc__ = method.__doc__
        return wrapped

    def __repr__(self):
        return f"<{type(self).__module__}.{type(self).__name__} object name={self._name!r}>"


def _walk(module, predicate):
    """The values under `module`'s attributes (in sorted attribute order,
    into lists, tuples, dicts and submodules) that satisfy `predicate`,
    each once."""
    seen = {id(module)}
    out = []

    def visit(x):
        if id(x) in seen:
            return
        if isinstance(x, Module):
            seen.add(id(x))
            if predicate(x):
                out.append(x)
            for k in sorted(vars(x)):
                visit(vars(x)[k])
        elif isinstance(x, (list, tuple)):
            seen.add(id(x))
            for item in x:
                visit(item)
        elif isinstance(x, dict):
            seen.add(id(x))
            for k in sorted(x, key=repr):
                visit(x[k])
        elif predicate(x):
            seen.add(id(x))
            out.append(x)

    for k in sorted(vars(module)):
        visit(vars(module)[k])
    return out


def _snake_case(name):
    s = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    return re.sub(r"([a-z\d])([A-Z])", r"\1_\2", s).lower()
