"""`tf.keras.constraints`: projections applied to a weight after each
optimizer update (MaxNorm, NonNeg, UnitNorm, MinMaxNorm)."""

from ..ops import elementwise as _ew
from ..ops import reduction_ops as _red
from ..api.clip_ops import clip_by_value

__all__ = ["Constraint", "MaxNorm", "NonNeg", "UnitNorm", "MinMaxNorm", "max_norm", "non_neg",
           "unit_norm", "min_max_norm", "get"]


class Constraint:
    """Base class for weight constraints: `__call__(w)` returns the projected weight."""

    def __call__(self, w):
        return w

    def get_config(self):
        """Returns a Python dict of the object config."""
        return {}


class NonNeg(Constraint):
    """Constrains the weights to be non-negative."""

    def __call__(self, w):
        return w * _ew.cast(_ew.greater_equal(w, 0.0), w.dtype)


class MinMaxNorm(Constraint):
    """Constrains the norm of the weights incident to each hidden unit (along
    `axis`) to be between `min_value` and `max_value`."""

    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        self.min_value, self.max_value, self.rate, self.axis = min_value, max_value, rate, axis

    def __call__(self, w):
        norms = _ew.sqrt(_red.reduce_sum(_ew.square(w), axis=self.axis, keepdims=True))
        desired = self.rate * clip_by_value(norms, self.min_value, self.max_value) + \
            (1 - self.rate) * norms
        return w * (desired / (1e-7 + norms))

    def get_config(self):
        return {"min_value": self.min_value, "max_value": self.max_value, "rate": self.rate,
                "axis": self.axis}


class MaxNorm(MinMaxNorm):
    """MaxNorm weight constraint: the norm along `axis` is at most `max_value`."""

    def __init__(self, max_value=2, axis=0):
        super().__init__(0.0, max_value, 1.0, axis)

    def __call__(self, w):
        norms = _ew.sqrt(_red.reduce_sum(_ew.square(w), axis=self.axis, keepdims=True))
        desired = clip_by_value(norms, 0.0, self.max_value)
        return w * (desired / (1e-7 + norms))


class UnitNorm(Constraint):
    """Constrains the weights incident to each hidden unit to have unit norm."""

    def __init__(self, axis=0):
        self.axis = axis

    def __call__(self, w):
        return w / (1e-7 + _ew.sqrt(_red.reduce_sum(_ew.square(w), axis=self.axis,
                                                    keepdims=True)))


max_norm, non_neg, unit_norm, min_max_norm = MaxNorm, NonNeg, UnitNorm, MinMaxNorm
_BY_NAME = {"max_norm": MaxNorm, "non_neg": NonNeg, "unit_norm": UnitNorm,
            "min_max_norm": MinMaxNorm, "MaxNorm": MaxNorm, "NonNeg": NonNeg,
            "UnitNorm": UnitNorm, "MinMaxNorm": MinMaxNorm}


def get(identifier):
    """A constraint for a name, a config dict, a callable or None."""
    if identifier is None or callable(identifier):
        return identifier
    if isinstance(identifier, dict):
        return _BY_NAME[identifier["class_name"]](**identifier.get("config", {}))
    if isinstance(identifier, str) and identifier in _BY_NAME:
        return _BY_NAME[identifier]()
    raise ValueError(f"Could not interpret constraint function identifier: {identifier}")
