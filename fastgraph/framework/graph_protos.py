"""TensorFlow's graph protobufs (`graph.proto`, `node_def.proto`,
`attr_value.proto`, `tensor.proto`, `tensor_shape.proto`, `versions.proto`,
`function.proto`, `op_def.proto`) as `proto_message` classes: the field
numbers and names are TF's, so the bytes and text are TF's too."""

from .proto_message import Field, Message

__all__ = ["DATA_TYPE_NAMES", "TensorShapeProto", "TensorProto", "AttrValue", "NameAttrList",
           "NodeDef", "VersionDef", "OpDef", "FunctionDef", "GradientDef",
           "FunctionDefLibrary", "GraphDef"]

_BASE_TYPES = ["INVALID", "FLOAT", "DOUBLE", "INT32", "UINT8", "INT16", "INT8", "STRING",
               "COMPLEX64", "INT64", "BOOL", "QINT8", "QUINT8", "QINT32", "BFLOAT16",
               "QINT16", "QUINT16", "UINT16", "COMPLEX128", "HALF", "RESOURCE", "VARIANT",
               "UINT32", "UINT64"]
# DataType's enum names, for text format ("DT_FLOAT"); reference types are +100.
DATA_TYPE_NAMES = {i: f"DT_{n}" for i, n in enumerate(_BASE_TYPES)}
DATA_TYPE_NAMES.update({i + 100: f"DT_{n}_REF" for i, n in enumerate(_BASE_TYPES) if i})


class TensorShapeProto(Message):
    """A tensor's shape: its dims (each with a size, -1 when unknown), or
    unknown rank."""

    class Dim(Message):
        """One dimension: its size (-1 unknown) and optional name."""

        _FIELDS = (Field("size", 1, "int"), Field("name", 2, "string"))

    _FIELDS = (Field("dim", 2, "messages", Dim), Field("unknown_rank", 3, "bool"))


class TensorProto(Message):
    """A tensor value: its DataType, shape, and elements (numbers as
    little-endian `tensor_content` or in the typed `*_val` fields, strings
    as `string_val`)."""

    _FIELDS = (Field("dtype", 1, "enum", enum=DATA_TYPE_NAMES),
               Field("tensor_shape", 2, "message", TensorShapeProto),
               Field("version_number", 3, "int"), Field("tensor_content", 4, "bytes"),
               Field("half_val", 13, "ints"), Field("float_val", 5, "floats"),
               Field("double_val", 6, "doubles"), Field("int_val", 7, "ints"),
               Field("string_val", 8, "repeated_bytes"), Field("scomplex_val", 9, "floats"),
               Field("int64_val", 10, "ints"), Field("bool_val", 11, "bools"),
               Field("dcomplex_val", 12, "doubles"), Field("uint32_val", 16, "ints"),
               Field("uint64_val", 17, "ints"))


class NameAttrList(Message):
    """A function name and its attrs (a `func` attr)."""

    _FIELDS = (Field("name", 1, "string"), Field("attr", 2, "map", None))


class AttrValue(Message):
    """The value of one NodeDef attr: one of a list, string, int, float,
    bool, type, shape, tensor, placeholder or function."""

    class ListValue(Message):
        """A list attr's values, by element kind."""

        _FIELDS = (Field("s", 2, "repeated_bytes"), Field("i", 3, "ints"),
                   Field("f", 4, "floats"), Field("b", 5, "bools"),
                   Field("type", 6, "enums", enum=DATA_TYPE_NAMES),
                   Field("shape", 7, "messages", TensorShapeProto),
                   Field("tensor", 8, "messages", TensorProto),
                   Field("func", 9, "messages", NameAttrList))

    _FIELDS = (Field("list", 1, "message", ListValue, oneof="value"),
               Field("s", 2, "bytes", oneof="value"), Field("i", 3, "int", oneof="value"),
               Field("f", 4, "float", oneof="value"), Field("b", 5, "bool", oneof="value"),
               Field("type", 6, "enum", oneof="value", enum=DATA_TYPE_NAMES),
               Field("shape", 7, "message", TensorShapeProto, oneof="value"),
               Field("tensor", 8, "message", TensorProto, oneof="value"),
               Field("placeholder", 9, "string", oneof="value"),
               Field("func", 10, "message", NameAttrList, oneof="value"))


NameAttrList._FIELDS[1].message = AttrValue


class NodeDef(Message):
    """One node of a graph: its name, op, inputs ("node:1", "^control"),
    device and attrs."""

    _FIELDS = (Field("name", 1, "string"), Field("op", 2, "string"),
               Field("input", 3, "strings"), Field("device", 4, "string"),
               Field("attr", 5, "map", AttrValue))


class VersionDef(Message):
    """The versions of the code that wrote a graph and that may read it."""

    _FIELDS = (Field("producer", 1, "int"), Field("min_consumer", 2, "int"),
               Field("bad_consumers", 3, "ints"))


class OpDef(Message):
    """An op's signature (a function's, in a FunctionDef)."""

    class ArgDef(Message):
        """One input or output argument."""

        _FIELDS = (Field("name", 1, "string"), Field("description", 2, "string"),
                   Field("type", 3, "enum", enum=DATA_TYPE_NAMES),
                   Field("type_attr", 4, "string"), Field("number_attr", 5, "string"),
                   Field("type_list_attr", 6, "string"), Field("is_ref", 16, "bool"))

    class AttrDef(Message):
        """One attr of the op."""

        _FIELDS = (Field("name", 1, "string"), Field("type", 2, "string"),
                   Field("default_value", 3, "message", AttrValue),
                   Field("description", 4, "string"), Field("has_minimum", 5, "bool"),
                   Field("minimum", 6, "int"), Field("allowed_values", 7, "message", AttrValue))

    _FIELDS = (Field("name", 1, "string"), Field("input_arg", 2, "messages", ArgDef),
               Field("output_arg", 3, "messages", ArgDef),
               Field("control_output", 20, "strings"), Field("attr", 4, "messages", AttrDef),
               Field("summary", 5, "string"), Field("description", 6, "string"),
               Field("is_commutative", 18, "bool"), Field("is_aggregate", 16, "bool"),
               Field("is_stateful", 17, "bool"), Field("allows_uninitialized_input", 19, "bool"))


class FunctionDef(Message):
    """A function of a graph's library: its signature, body (`node_def`,
    whose inputs name "node:output_arg:index" or the signature's input
    args) and the body outputs that are its results (`ret`)."""

    _FIELDS = (Field("signature", 1, "message", OpDef), Field("attr", 5, "map", AttrValue),
               Field("node_def", 3, "messages", NodeDef), Field("ret", 4, "map", None),
               Field("control_ret", 6, "map", None))


class GradientDef(Message):
    """The gradient function of a function."""

    _FIELDS = (Field("function_name", 1, "string"), Field("gradient_func", 2, "string"))


class FunctionDefLibrary(Message):
    """The functions a graph calls."""

    _FIELDS = (Field("function", 1, "messages", FunctionDef),
               Field("gradient", 2, "messages", GradientDef))


class GraphDef(Message):
    """A TensorFlow graph: its nodes, the versions that wrote it, and the
    function library its nodes may call."""

    _FIELDS = (Field("node", 1, "messages", NodeDef), Field("versions", 4, "message", VersionDef),
               Field("version", 3, "int"), Field("library", 2, "message", FunctionDefLibrary))
