"""The registry's GraphDef mappings against TensorFlow's own op definitions
(REGISTER_OP, as TF 2.21 holds them): the op names, input names and order,
and attr names that fastgraph reads and will write are TF's."""

import pytest

from fastgraph.framework import op_registry
from fastgraph.framework.graphdef_mapping import NodeMapping

tf = pytest.importorskip("tensorflow")
op_def_registry = pytest.importorskip("tensorflow.python.framework.op_def_registry")


def _mappings():
    for op_type in op_registry.registered_types():
        mapping = op_registry.get(op_type).graphdef
        if isinstance(mapping, NodeMapping):
            yield op_type, mapping


@pytest.mark.parametrize("op_type,mapping", list(_mappings()), ids=lambda v: str(v)[:30])
def test_mapping_matches_tf_op_def(op_type, mapping):
    for tf_op in (mapping.tf_op(op_type),) + mapping.aliases:
        op_def = op_def_registry.get(tf_op)
        assert op_def is not None, f"TF has no op {tf_op}"
        assert [s.name for s in mapping.inputs] == [a.name for a in op_def.input_arg], tf_op
        tf_attrs = {a.name: a for a in op_def.attr}
        written = mapping.tf_attr_names()
        unknown = set(written) - set(tf_attrs)
        assert not unknown, f"{tf_op} has no attrs {unknown}"
        required = {n for n, a in tf_attrs.items() if not a.HasField("default_value")}
        assert required <= set(written), f"{tf_op} needs {required - set(written)}"


def test_translations_are_tf_ops():
    for tf_op in op_registry.graphdef_translations():
        assert op_def_registry.get(tf_op) is not None, tf_op


def test_no_graphdef_ops_are_not_tf_ops():
    # An op that says it has no NodeDef must not be a TF op of the same name.
    for op_type in op_registry.registered_types():
        if not isinstance(op_registry.get(op_type).graphdef, NodeMapping):
            assert op_def_registry.get(op_type) is None, op_type


def test_dtype_enums_are_tfs():
    import fastgraph as fg
    for name in ("bool", "uint8", "int8", "int16", "int32", "int64", "float32", "float64",
                 "float16", "string"):
        assert getattr(fg, name).as_datatype_enum == getattr(tf, name).as_datatype_enum, name
        assert fg.as_dtype(getattr(tf, name).as_datatype_enum) is getattr(fg, name)
