"""`tf.nest`: functions for working with arbitrarily nested sequences of
elements (assert_same_structure, flatten, is_nested, map_structure,
pack_sequence_as)."""

from .framework.nest import (  # noqa: F401
    assert_same_structure, flatten, is_nested, map_structure, pack_sequence_as,
)

__all__ = ["assert_same_structure", "flatten", "is_nested", "map_structure",
           "pack_sequence_as"]
