"""`tf.errors`: the exception classes that `Session.run` raises."""

from .framework.errors import *  # noqa: F401,F403
from .framework.errors import __all__  # noqa: F401
