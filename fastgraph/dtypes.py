"""`tf.dtypes`: element types."""

from .framework.dtypes import *  # noqa: F401,F403
from .framework.dtypes import __all__  # noqa: F401
