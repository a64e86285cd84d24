"""`tf.compat.v1.make_template`: a function whose variables are created on
its first call and shared by every later call (TF's template.py)."""

import functools

from ..framework.graph import GraphKeys, get_collection
from .variable_scope import variable_scope

__all__ = ["make_template"]


class Template:
    """Wrap a function to aid in variable sharing.

    Templates are functions that create variables the first time they are
    called and reuse them thereafter. The variables live in one variable
    scope, opened when the template is made (`create_scope_now_`) or on its
    first call; each call opens a new name scope for its ops.
    """

    def __init__(self, name, func, create_scope_now=False, unique_name=None,
                 custom_getter=None):
        if not name:
            raise ValueError("name cannot be None.")
        self._func = func
        self._name = name
        self._unique_name = unique_name
        self._custom_getter = custom_getter
        self._variables_created = False
        self._variable_scope = None
        if create_scope_now:
            # No name scope yet, as TF's pure variable scope: the first
            # call's ops are named `<name>/...`.
            with variable_scope(unique_name, name, custom_getter=custom_getter,
                                auxiliary_name_scope=False) as vs:
                self._variable_scope = vs

    @property
    def name(self):
        """The name given to this template."""
        return self._name

    @property
    def func(self):
        """The function this template wraps."""
        return self._func

    @property
    def variable_scope(self):
        """The variable scope object of this template (None before it is made)."""
        return self._variable_scope

    @property
    def variable_scope_name(self):
        """The name of the variable scope of this template, with a trailing
        slash (None before the scope is made)."""
        if self._variable_scope is None:
            return None
        name = self._variable_scope.name
        return name if not name or name.endswith("/") else name + "/"

    @property
    def variables(self):
        """The global variables created in this template's scope."""
        return self.global_variables

    @property
    def global_variables(self):
        """The global variables created in this template's scope."""
        if self._variable_scope is None:
            return []
        return get_collection(GraphKeys.GLOBAL_VARIABLES, self.variable_scope_name)

    @property
    def trainable_variables(self):
        """The trainable variables created in this template's scope."""
        if self._variable_scope is None:
            return []
        return get_collection(GraphKeys.TRAINABLE_VARIABLES, self.variable_scope_name)

    def _call_func(self, args, kwargs):
        trainable_at_start = len(get_collection(GraphKeys.TRAINABLE_VARIABLES))
        result = self._func(*args, **kwargs)
        if self._variables_created:
            if len(get_collection(GraphKeys.TRAINABLE_VARIABLES)) != trainable_at_start:
                raise ValueError(f"Trainable variable created when calling a template after "
                                 f"the first time, perhaps you used tf.Variable when you meant "
                                 f"tf.get_variable: {self._name}")
        else:
            self._variables_created = True
        return result

    def __call__(self, *args, **kwargs):
        if self._variable_scope is not None:
            # Only reuse variables if they were already created.
            with variable_scope(self._variable_scope, reuse=self._variables_created or None):
                return self._call_func(args, kwargs)
        with variable_scope(self._unique_name, self._name,
                            custom_getter=self._custom_getter) as vs:
            self._variable_scope = vs
            return self._call_func(args, kwargs)


def make_template(name_, func_, create_scope_now_=False, unique_name_=None, custom_getter_=None,
                  **kwargs):
    """Given an arbitrary function, wrap it so that it does variable sharing.

    This wraps `func_` in a Template and partially evaluates it. Templates
    are functions that create variables the first time they are called and
    reuse them thereafter. In order for `func_` to be compatible with a
    `Template` it must have the following properties: the function should
    create all trainable variables and any variables that should be reused
    by calling `tf.compat.v1.get_variable`; the function should not create
    trainable variables outside of its own variable scope.

    Args:
      name_: A name for the scope created by this template. If necessary, the
        name will be made unique by appending `_N` to the name.
      func_: The function to wrap.
      create_scope_now_: Boolean controlling whether the scope should be
        created when the template is constructed or when the template is
        called. Default is False, meaning the scope is created when the
        template is called.
      unique_name_: When used, it overrides name_ and is not made unique.
      custom_getter_: Optional custom getter for variables used in `func_`.
      **kwargs: Keyword arguments to apply to `func_`.

    Returns:
      A function to encapsulate a set of variables which should be created
      once and reused.

    Raises:
      ValueError: if `name_` is None.
    """
    if kwargs:
        func_ = functools.partial(func_, **kwargs)
    return Template(name_, func_, create_scope_now=create_scope_now_, unique_name=unique_name_,
                    custom_getter=custom_getter_)
