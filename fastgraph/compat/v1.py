"""`tf.compat.v1`: TensorFlow 1's names: everything in `fastgraph` plus the
TF1-only spellings defined here.

`fastgraph/__init__.py` adds its own names to this module once they all
exist (names defined here win), so this module never imports the package
that imports it.
"""

from types import SimpleNamespace

from .. import image as _image
from .. import io as _io
from ..api import app, flags  # noqa: F401 - tf.compat.v1.app, tf.compat.v1.flags
from ..api import gfile as _gfile
from ..api import graph_util as _graph_util
from ..api import tf_record_writer as _tf_record_writer
from ..train import saved_model as _saved_model
from .. import nn as _nn
from ..api import namespace as _namespace
from ..api.lookup_ops import LOOKUP_V1 as _LOOKUP_V1
from ..api.lookup_ops import MutableHashTable as _MutableHashTable
from ..api.string_ops import STRINGS_V1 as _STRINGS_V1
from ..api import nn_impl as _nn_impl
from ..ops import image_ops as _image_ops
from ..ops import nn_ops as _nn_ops

nn = SimpleNamespace(**{**{n: getattr(_nn, n) for n in _nn.__all__}, "dropout": _nn_ops.dropout_v1,
                        # TF1's: no gradient into the labels.
                        "softmax_cross_entropy_with_logits":
                            _nn_impl.softmax_cross_entropy_with_logits_v1})
image = SimpleNamespace(**{**{n: getattr(_image, n) for n in _image.__all__},
                           **_namespace("IMAGE_V1"),
                           # TF1's resize and its int ResizeMethod constants.
                           "resize": _image_ops.resize_images,
                           "ResizeMethod": _image_ops.ResizeMethodV1})

graph_util = SimpleNamespace(**{n: getattr(_graph_util, n) for n in _graph_util.__all__})
"""TF1's `tf.compat.v1.graph_util`: extract_sub_graph, convert_variables_to_constants, ..."""

_sm = _saved_model
saved_model = SimpleNamespace(
    builder=SimpleNamespace(SavedModelBuilder=_sm.SavedModelBuilder),
    loader=SimpleNamespace(load=_sm.load, maybe_saved_model_directory=_sm.contains_saved_model),
    signature_def_utils=SimpleNamespace(
        build_signature_def=_sm.build_signature_def,
        predict_signature_def=_sm.predict_signature_def,
        classification_signature_def=_sm.classification_signature_def,
        regression_signature_def=_sm.regression_signature_def),
    utils=SimpleNamespace(build_tensor_info=_sm.build_tensor_info),
    tag_constants=_sm.tag_constants, signature_constants=_sm.signature_constants,
    **{n: getattr(_sm, n) for n in _sm.__all__
       if n not in ("tag_constants", "signature_constants")})
"""TF1's `tf.compat.v1.saved_model`: the builder, the loader, signatures and constants."""

strings = SimpleNamespace(**_STRINGS_V1)
"""TF1's `tf.compat.v1.strings` (split gives a SparseTensor unless result_type says not)."""

lookup = SimpleNamespace(**_LOOKUP_V1,
                         experimental=SimpleNamespace(MutableHashTable=_MutableHashTable))
"""TF1's `tf.compat.v1.lookup`, with the index_table_from_* builders of TF1's lookup_ops."""

gfile = SimpleNamespace(**_gfile.V1_NAMES)
"""TF1's `tf.gfile`: GFile, Exists, MakeDirs, ListDirectory, Glob, ..."""

_records = {n: getattr(_tf_record_writer, n) for n in (
    "TFRecordWriter", "TFRecordOptions", "TFRecordCompressionType", "tf_record_iterator")}
python_io = SimpleNamespace(**_records)
"""TF1's `tf.python_io`: TFRecordWriter, TFRecordOptions, tf_record_iterator."""
io = SimpleNamespace(**{**{n: getattr(_io, n) for n in _io.__all__}, **_records,
                        **_namespace("IO_V1")})
"""TF1's `tf.compat.v1.io`: `tf.io` plus tf_record_iterator and TF1's spellings."""


def enable_eager_execution(*args, **kwargs):
    """fastgraph has no eager mode; raises NotImplementedError."""
    raise NotImplementedError("fastgraph runs graphs only (TF1 graph mode)")
