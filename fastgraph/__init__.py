"""fastgraph: TensorFlow-1-style graphs, run in C over one planned arena.

Build a graph with the TF1 API (placeholders, constants, variables, ops),
open a `Session` and call `run(fetches, feed_dict)`. TF1 code runs after
changing its import to `import fastgraph as tf`.
"""

from . import ops as _ops  # noqa: F401 - registers every op
from . import api as _api
from . import dtypes, errors, image, io, layers, linalg, math, nn, random, sparse  # noqa: F401
from . import keras, losses, metrics  # noqa: F401 - tf.compat.v1.losses, metrics, keras
from . import debugging  # noqa: F401 - tf.debugging
from . import bitwise  # noqa: F401 - tf.bitwise
from . import lookup, strings  # noqa: F401 - tf.lookup, tf.strings
from . import nest  # noqa: F401 - tf.nest
from .api.lookup_ops import ROOT_V1 as _LOOKUP_ROOT
from .api.string_ops import ROOT_V1 as _STRING_ROOT
from . import data  # noqa: F401 - tf.data
from .config import (  # noqa: F401
    ConfigProto, GPUOptions, GraphOptions, OptimizerOptions, RunMetadata, RunOptions,
)
from .framework.constant_op import constant, convert_to_tensor  # noqa: F401
from .framework.dtypes import (  # noqa: F401
    QUANTIZED_DTYPES, DType, as_dtype, bfloat16, bool, complex64, complex128, double, float16,
    float32, float64, half, int8, int16, int32, int64, qint8, qint16, qint32, quint8, quint16,
    resource, string, uint8, uint16, uint32, uint64, variant,
)
from .framework.graph import (  # noqa: F401
    Graph, GraphKeys, Operation, Tensor, add_to_collection, control_dependencies, device,
    get_collection, get_default_graph, name_scope, reset_default_graph,
)
from .framework.op_registry import NotDifferentiable, RegisterGradient  # noqa: F401
from .framework.session_stack import get_default_session  # noqa: F401
from .framework.tensor_shape import Dimension, TensorShape  # noqa: F401
from .ops.array_ops import (  # noqa: F401
    expand_dims, group, identity, no_op, placeholder, reshape, shape, squeeze, stop_gradient,
)
from .ops.elementwise import (  # noqa: F401
    abs, add, cast, ceil, cos, div, divide, equal, erf, exp, expm1, floor, floor_div,
    floordiv, floormod, greater, greater_equal, is_finite, is_inf, is_nan, less, less_equal,
    log, log1p, logical_and, logical_not, logical_or, logical_xor, maximum, minimum, mod,
    multiply, negative, not_equal, pow, realdiv, reciprocal, round, rsqrt, sigmoid, sign, sin,
    sqrt, square, squared_difference, subtract, tan, tanh, truediv,
)
from .ops.state_ops import (  # noqa: F401
    Variable, assign, assign_add, assign_sub, global_variables, global_variables_initializer,
    initialize_all_variables, local_variables, trainable_variables, variables_initializer,
)
from .session import InteractiveSession, Session
from . import client  # noqa: F401 - fastgraph.client.timeline
from .graph_picture import visualize  # noqa: F401
from .run_profile import profile  # noqa: F401
from .traced import GradientTape, Module, TensorSpec, function  # noqa: F401 - TF2's

__version__ = "0.1.0"

newaxis = None
no_gradient = NotDifferentiable
GraphKeys = GraphKeys
executing_eagerly = lambda: False  # noqa: E731 - graph mode always


def disable_eager_execution():
    """A no-op: fastgraph always builds graphs (TF1 graph mode)."""


def disable_v2_behavior():
    """A no-op: fastgraph always behaves as TF1 graph mode."""


for _fam in _ops.FAMILIES + _api.MODULES:
    globals().update({_n: getattr(_fam, _n) for _n in _fam.__all__})
globals().update(_STRING_ROOT)  # TF1's tf.string_join, tf.substr, ..., tf.SparseTensor
globals().update(_LOOKUP_ROOT)  # TF1's tf.tables_initializer

from . import tf_logging as logging  # noqa: E402,F401 - TF1's tf.logging
from . import train  # noqa: E402,F401
from .client.profiler_hook import ProfilerHook as _ProfilerHook  # noqa: E402
# tf.train.ProfilerHook needs RunOptions and the timeline, above tf.train's layer.
train.ProfilerHook = _ProfilerHook
train.__all__.append("ProfilerHook")
from .api import data_flow_ops as _data_flow_ops  # noqa: E402
from .api.data_flow_ops import (  # noqa: E402,F401 - TF1's tf.FIFOQueue, ...
    FIFOQueue, PaddingFIFOQueue, PriorityQueue, QueueBase, RandomShuffleQueue,
)
from .api.readers import (  # noqa: E402,F401 - TF1's readers
    ReaderBase, TextLineReader, TFRecordReader, WholeFileReader,
)
from .api import app, flags  # noqa: E402,F401 - TF1's tf.app and tf.flags
from types import SimpleNamespace as _SimpleNamespace  # noqa: E402
from .importer import GraphDef, import_graph_def  # noqa: E402,F401
from .framework.graph_protos import AttrValue, NodeDef  # noqa: E402,F401
from .framework.attr_values import make_ndarray, make_tensor_proto  # noqa: E402,F401
from .api import graph_io as _graph_io  # noqa: E402
# google.protobuf's text_format for fastgraph's protos (.pbtxt files).
text_format = _SimpleNamespace(**{_n: getattr(_graph_io, _n) for _n in (
    "MessageToString", "Parse", "Merge", "ParseError")})
# tf.summary (TF1's: fastgraph is TF1) and the summary protobufs.
from .api.summary import SUMMARY as _SUMMARY  # noqa: E402
from .framework.summary_protos import (  # noqa: E402,F401
    Event, HistogramProto, SessionLog, Summary, SummaryMetadata,
)
summary = _SimpleNamespace(**_SUMMARY)
queue = _SimpleNamespace(**{_n: getattr(_data_flow_ops, _n) for _n in _data_flow_ops.__all__})

# `api` is a subpackage like `ops` (which are listed), but new: kept out so
# that `compat.v1` exports exactly the names it did before it existed.
__all__ = [n for n in dir() if not n.startswith("_") and n != "api"]

# Last: compat.v1 is everything above plus its TF1-only names (which win).
from . import compat  # noqa: E402,F401

for _n in __all__:
    if not hasattr(compat.v1, _n):
        setattr(compat.v1, _n, globals()[_n])
del _n
gfile = compat.v1.gfile  # TF1's tf.gfile
python_io = compat.v1.python_io  # TF1's tf.python_io
