"""TensorFlow's MetaGraph and SavedModel protobufs (`meta_graph.proto`,
`saver.proto`, `variable.proto`, `saved_model.proto`) as `proto_message`
classes, with TF's field numbers."""

from .graph_protos import DATA_TYPE_NAMES, GraphDef, OpDef, TensorProto, TensorShapeProto
from .proto_message import Field, Message

__all__ = ["SaverDef", "VariableDef", "CollectionDef", "TensorInfo", "SignatureDef",
           "AssetFileDef", "MetaGraphDef", "SavedModel", "QueueRunnerDef"]


class SaverDef(Message):
    """How a graph's Saver saves and restores: its tensor and op names."""

    LEGACY, V1, V2 = 0, 1, 2
    _FIELDS = (Field("filename_tensor_name", 1, "string"), Field("save_tensor_name", 2, "string"),
               Field("restore_op_name", 3, "string"), Field("max_to_keep", 4, "int"),
               Field("sharded", 5, "bool"), Field("keep_checkpoint_every_n_hours", 6, "float"),
               Field("version", 7, "enum", enum={0: "LEGACY", 1: "V1", 2: "V2"}))


class VariableDef(Message):
    """A variable of a graph: the names of its op, initializer, snapshot
    (read) and initial value."""

    _FIELDS = (Field("variable_name", 1, "string"), Field("initial_value_name", 6, "string"),
               Field("initializer_name", 2, "string"), Field("snapshot_name", 3, "string"),
               Field("is_resource", 5, "bool"), Field("trainable", 7, "bool"),
               Field("synchronization", 8, "int"), Field("aggregation", 9, "int"))


class CollectionDef(Message):
    """One graph collection: node names, bytes (serialized protos), ints,
    floats or Any messages."""

    class NodeList(Message):
        """Names of tensors ("x:0") and ops."""

        _FIELDS = (Field("value", 1, "strings"),)

    class BytesList(Message):
        """Serialized protos (VariableDefs) or strings."""

        _FIELDS = (Field("value", 1, "repeated_bytes"),)

    class Int64List(Message):
        """Ints."""

        _FIELDS = (Field("value", 1, "ints"),)

    class FloatList(Message):
        """Floats."""

        _FIELDS = (Field("value", 1, "floats"),)

    class AnyList(Message):
        """google.protobuf.Any messages (TF 1's SavedModel assets)."""

        class Any(Message):
            """A serialized message and the URL of its type."""

            _FIELDS = (Field("type_url", 1, "string"), Field("value", 2, "bytes"))

        _FIELDS = (Field("value", 1, "messages", Any),)

    _FIELDS = (Field("node_list", 1, "message", NodeList, oneof="kind"),
               Field("bytes_list", 2, "message", BytesList, oneof="kind"),
               Field("int64_list", 3, "message", Int64List, oneof="kind"),
               Field("float_list", 4, "message", FloatList, oneof="kind"),
               Field("any_list", 5, "message", AnyList, oneof="kind"))


class TensorInfo(Message):
    """A tensor of a signature: its name, dtype and shape."""

    _FIELDS = (Field("name", 1, "string", oneof="encoding"),
               Field("dtype", 2, "enum", enum=DATA_TYPE_NAMES),
               Field("tensor_shape", 3, "message", TensorShapeProto))


class SignatureDef(Message):
    """A signature: named input and output tensors, and its method name."""

    _FIELDS = (Field("inputs", 1, "map", TensorInfo), Field("outputs", 2, "map", TensorInfo),
               Field("method_name", 3, "string"), Field("defaults", 4, "map", TensorProto))


class AssetFileDef(Message):
    """An asset file: the tensor that takes its path, and its file name."""

    _FIELDS = (Field("tensor_info", 1, "message", TensorInfo), Field("filename", 2, "string"))


class QueueRunnerDef(Message):
    """A QueueRunner of a graph (`queue_runner.proto`): the names of its
    queue, enqueue, close and cancel ops, and the error codes that end its
    threads cleanly."""

    _CODES = {0: "OK", 1: "CANCELLED", 2: "UNKNOWN", 3: "INVALID_ARGUMENT",
              4: "DEADLINE_EXCEEDED", 5: "NOT_FOUND", 6: "ALREADY_EXISTS",
              7: "PERMISSION_DENIED", 8: "RESOURCE_EXHAUSTED", 9: "FAILED_PRECONDITION",
              10: "ABORTED", 11: "OUT_OF_RANGE", 12: "UNIMPLEMENTED", 13: "INTERNAL",
              14: "UNAVAILABLE", 15: "DATA_LOSS", 16: "UNAUTHENTICATED"}
    _FIELDS = (Field("queue_name", 1, "string"), Field("enqueue_op_name", 2, "strings"),
               Field("close_op_name", 3, "string"), Field("cancel_op_name", 4, "string"),
               Field("queue_closed_exception_types", 5, "enums", enum=_CODES))


class MetaGraphDef(Message):
    """A graph with what is needed to go on using it: its saver, collections,
    signatures and assets."""

    class MetaInfoDef(Message):
        """The MetaGraph's version, tags and the TF version that wrote it."""

        class OpList(Message):
            """The ops a graph uses."""

            _FIELDS = (Field("op", 1, "messages", OpDef),)

        _FIELDS = (Field("meta_graph_version", 1, "string"),
                   Field("stripped_op_list", 2, "message", OpList),
                   Field("tags", 4, "strings"), Field("tensorflow_version", 5, "string"),
                   Field("tensorflow_git_version", 6, "string"),
                   Field("stripped_default_attrs", 7, "bool"),
                   Field("function_aliases", 8, "map", None))

    _FIELDS = (Field("meta_info_def", 1, "message", MetaInfoDef),
               Field("graph_def", 2, "message", GraphDef),
               Field("saver_def", 3, "message", SaverDef),
               Field("collection_def", 4, "map", CollectionDef),
               Field("signature_def", 5, "map", SignatureDef),
               Field("asset_file_def", 6, "messages", AssetFileDef))


class SavedModel(Message):
    """A SavedModel's `saved_model.pb`: its schema version and MetaGraphs."""

    _FIELDS = (Field("saved_model_schema_version", 1, "int"),
               Field("meta_graphs", 2, "messages", MetaGraphDef))
