"""`tf.import_graph_def` and the GraphDef protos it reads, under their
public module name; the importer lives in the framework
(`framework/graph_import.py`) so that the TF API modules (MetaGraphs,
SavedModels) can import graphs too."""

from .framework.graph_import import GraphDef, NodeDef, import_graph_def, reading_table

__all__ = ["GraphDef", "NodeDef", "import_graph_def", "reading_table"]
