"""TF1's `tf.compat.v1.saved_model`: SavedModelBuilder, simple_save and
loader.load, writing and reading `saved_model.pb` (a SavedModel of
MetaGraphDefs with tags and signatures) and `variables/variables.*` (a V2
checkpoint), as TensorFlow lays them out."""

import os
import shutil
from types import SimpleNamespace

import numpy as np

from ..api import gfile
from ..framework.attr_values import shape_proto
from ..framework.graph import GraphKeys, Operation, Tensor, get_default_graph
from ..framework.meta_graph_protos import (AssetFileDef, MetaGraphDef, SavedModel, SignatureDef,
                                           TensorInfo)
from ..framework.proto_message import DecodeError, parse_text, text_format_of
from .meta_graph import meta_graph_of
from .saver import Saver, import_meta_graph
from .saved_model_tf2 import is_tf2_meta_graph, load_tf2_meta_graph

__all__ = ["SavedModelBuilder", "simple_save", "load", "build_tensor_info",
           "build_signature_def", "predict_signature_def", "classification_signature_def",
           "regression_signature_def", "contains_saved_model", "maybe_saved_model_directory",
           "tag_constants", "signature_constants"]

tag_constants = SimpleNamespace(SERVING="serve", TRAINING="train", EVAL="eval", GPU="gpu",
                                TPU="tpu")
signature_constants = SimpleNamespace(
    DEFAULT_SERVING_SIGNATURE_DEF_KEY="serving_default", PREDICT_METHOD_NAME="tensorflow/serving/predict",
    PREDICT_INPUTS="inputs", PREDICT_OUTPUTS="outputs",
    CLASSIFY_METHOD_NAME="tensorflow/serving/classify", CLASSIFY_INPUTS="inputs",
    CLASSIFY_OUTPUT_CLASSES="classes", CLASSIFY_OUTPUT_SCORES="scores",
    REGRESS_METHOD_NAME="tensorflow/serving/regress", REGRESS_INPUTS="inputs",
    REGRESS_OUTPUTS="outputs")
_PB, _PBTXT = "saved_model.pb", "saved_model.pbtxt"
# TF's saved_model constants: the signatures naming the init and train ops
# (TF 2's builder), the collections of TF 1's, and the assets' directory.
_INIT_OP_KEY, _TRAIN_OP_KEY = "__saved_model_init_op", "__saved_model_train_op"
_MAIN_OP_KEY, _LEGACY_INIT_OP_KEY = "saved_model_main_op", "legacy_init_op"
_ASSETS_DIR, _ASSETS_KEY = "assets", "saved_model_assets"


def build_tensor_info(tensor):
    """Utility function to build TensorInfo proto from a Tensor."""
    info = TensorInfo(name=tensor.name, dtype=tensor.dtype.as_datatype_enum)
    info.tensor_shape.CopyFrom(shape_proto(tensor.shape))
    return info


def build_signature_def(inputs=None, outputs=None, method_name=None, defaults=None):
    """Utility function to build a SignatureDef protocol buffer."""
    sig = SignatureDef(method_name=method_name or "")
    for key, info in (inputs or {}).items():
        sig.inputs[key].CopyFrom(info)
    for key, info in (outputs or {}).items():
        sig.outputs[key].CopyFrom(info)
    return sig


def predict_signature_def(inputs, outputs):
    """Creates prediction signature from given inputs and outputs (dicts of tensors)."""
    if not inputs:
        raise ValueError(f"Prediction `inputs` cannot be None or empty. Received: {inputs}")
    if not outputs:
        raise ValueError(f"Prediction `outputs` cannot be None or empty. Received: {outputs}")
    return build_signature_def({k: build_tensor_info(t) for k, t in inputs.items()},
                               {k: build_tensor_info(t) for k, t in outputs.items()},
                               signature_constants.PREDICT_METHOD_NAME)


def classification_signature_def(examples, classes, scores):
    """Creates classification signature from given examples and predictions."""
    if examples is None:
        raise ValueError("Classification `examples` cannot be None.")
    if classes is None and scores is None:
        raise ValueError("Classification `classes` and `scores` cannot both be None.")
    outputs = {}
    if classes is not None:
        outputs[signature_constants.CLASSIFY_OUTPUT_CLASSES] = build_tensor_info(classes)
    if scores is not None:
        outputs[signature_constants.CLASSIFY_OUTPUT_SCORES] = build_tensor_info(scores)
    return build_signature_def({signature_constants.CLASSIFY_INPUTS: build_tensor_info(examples)},
                               outputs, signature_constants.CLASSIFY_METHOD_NAME)


def regression_signature_def(examples, predictions):
    """Creates regression signature from given examples and predictions."""
    if examples is None or predictions is None:
        raise ValueError("Regression `examples` and `predictions` cannot be None.")
    return build_signature_def(
        {signature_constants.REGRESS_INPUTS: build_tensor_info(examples)},
        {signature_constants.REGRESS_OUTPUTS: build_tensor_info(predictions)},
        signature_constants.REGRESS_METHOD_NAME)


class SavedModelBuilder:
    """Builds the `SavedModel` protocol buffer and saves variables and assets.

    `add_meta_graph_and_variables` saves the session's variables and a
    MetaGraph under its tags; `add_meta_graph` adds more MetaGraphs (sharing
    those variables); `save` writes `saved_model.pb` (or `.pbtxt`).
    """

    def __init__(self, export_dir):
        self._export_dir = os.fspath(export_dir)
        if gfile.exists(self._export_dir):
            if gfile.listdir(self._export_dir):
                raise AssertionError(f"Export directory already exists, and isn't empty. "
                                     f"Please choose a different export directory, or delete "
                                     f"all the contents of the specified directory: "
                                     f"{self._export_dir}")
        else:
            gfile.makedirs(self._export_dir)
        self._saved_model = SavedModel(saved_model_schema_version=1)
        self._has_saved_variables = False

    def _add(self, tags, signature_def_map, graph, assets, init_op, train_op):
        mg = meta_graph_of(graph)
        mg.meta_info_def.tags.extend(tags)
        for key, sig in (signature_def_map or {}).items():
            mg.signature_def[key].CopyFrom(sig)
        for key, op in ((_INIT_OP_KEY, init_op), (_TRAIN_OP_KEY, train_op)):
            if op is not None:
                op = op.op if isinstance(op, Tensor) else op
                if not isinstance(op, Operation):
                    raise TypeError(f"{key} must be an Operation or a Tensor, not {op!r}")
                sig = mg.signature_def[key]
                sig.outputs[key].name = op.name
        self._save_assets(mg, assets)
        self._saved_model.meta_graphs.append(mg)

    def _save_assets(self, mg, assets):
        """Copies the files that `assets` (string Const tensors holding
        paths, TF's ASSET_FILEPATHS) name into export_dir/assets and lists
        them in the MetaGraph's asset_file_def."""
        for tensor in assets or ():
            if not isinstance(tensor, Tensor) or tensor.op.type != "Const":
                raise TypeError(f"Asset path tensor must be a Tensor of a Const op, not "
                                f"{tensor!r}")
            source = np.asarray(tensor.op.get_attr("value")).reshape(-1)[0]
            source = source.decode() if isinstance(source, bytes) else str(source)
            name = os.path.basename(source)
            directory = os.path.join(self._export_dir, _ASSETS_DIR)
            gfile.makedirs(directory)
            target = os.path.join(directory, name)
            if not gfile.exists(target):
                shutil.copyfile(source, target)
            asset = mg.asset_file_def.add()
            asset.filename = name
            asset.tensor_info.CopyFrom(build_tensor_info(tensor))

    def add_meta_graph_and_variables(self, sess, tags, signature_def_map=None, assets_list=None,
                                     clear_devices=False, init_op=None, train_op=None,
                                     strip_default_attrs=False, saver=None,
                                     assets_collection=None, legacy_init_op=None, main_op=None,
                                     **kwargs):
        """Adds the current meta graph to the SavedModel and saves variables.

        `assets_list` (or TF1's `assets_collection`) are string Const tensors
        holding paths of files copied into `assets/`; loading feeds them the
        copies' paths. `init_op` (or TF1's `main_op`, `legacy_init_op`) runs
        after the variables are restored, `train_op` is kept for the caller
        (under TF's `__saved_model_train_op` signature)."""
        if self._has_saved_variables:
            raise AssertionError("Graph state including variables and assets has already been "
                                 "saved. Please invoke `add_meta_graph()` instead.")
        variables_dir = os.path.join(self._export_dir, "variables")
        gfile.makedirs(variables_dir)
        saver = saver or Saver(sess.graph.get_collection("variables"), allow_empty=True)
        saver.save(sess, os.path.join(variables_dir, "variables"), write_meta_graph=False,
                   write_state=False)
        self._add(tags, signature_def_map, sess.graph, assets_list or assets_collection,
                  _first(init_op, main_op, legacy_init_op), train_op)
        self._has_saved_variables = True

    def add_meta_graph(self, tags, signature_def_map=None, assets_list=None,
                       clear_devices=False, init_op=None, train_op=None, saver=None,
                       strip_default_attrs=False, assets_collection=None, legacy_init_op=None,
                       main_op=None, **kwargs):
        """Adds the current meta graph to the SavedModel (its assets and
        init op as `add_meta_graph_and_variables`'s)."""
        if not self._has_saved_variables:
            raise AssertionError("Graph state including variables and assets has not been "
                                 "saved yet. Please invoke `add_meta_graph_and_variables()` "
                                 "first.")
        self._add(tags, signature_def_map, get_default_graph(), assets_list or assets_collection,
                  _first(init_op, main_op, legacy_init_op), train_op)

    def save(self, as_text=False):
        """Writes a `SavedModel` protocol buffer to disk; returns its path."""
        if as_text:
            path = os.path.join(self._export_dir, _PBTXT)
            with gfile.GFile(path, "w") as f:
                f.write(text_format_of(self._saved_model))
        else:
            path = os.path.join(self._export_dir, _PB)
            with gfile.GFile(path, "wb") as f:
                f.write(self._saved_model.SerializeToString())
        return path


def _first(*ops):
    return next((op for op in ops if op is not None), None)


def simple_save(session, export_dir, inputs, outputs, legacy_init_op=None):
    """Convenience function to build a SavedModel suitable for serving: one
    MetaGraph tagged "serve" with the predict signature "serving_default",
    the graph's ASSET_FILEPATHS as its assets and `legacy_init_op` as its
    init op."""
    builder = SavedModelBuilder(export_dir)
    builder.add_meta_graph_and_variables(
        session, [tag_constants.SERVING],
        {signature_constants.DEFAULT_SERVING_SIGNATURE_DEF_KEY:
            predict_signature_def(inputs, outputs)},
        assets_list=session.graph.get_collection(GraphKeys.ASSET_FILEPATHS),
        init_op=legacy_init_op)
    builder.save()


def contains_saved_model(export_dir):
    """Checks whether the provided export directory could contain a SavedModel."""
    export_dir = os.fspath(export_dir)
    return any(gfile.exists(os.path.join(export_dir, n)) for n in (_PB, _PBTXT))


maybe_saved_model_directory = contains_saved_model


def _read_saved_model(export_dir):
    pb, pbtxt = os.path.join(export_dir, _PB), os.path.join(export_dir, _PBTXT)
    try:
        if gfile.exists(pb):
            with gfile.GFile(pb, "rb") as f:
                return SavedModel.FromString(f.read())
        if gfile.exists(pbtxt):
            with gfile.GFile(pbtxt, "r") as f:
                return parse_text(f.read(), SavedModel())
    except DecodeError as e:
        raise OSError(f"Cannot parse file {pb}: {e}.") from None
    raise OSError(f"SavedModel file does not exist at: {export_dir}{os.sep}"
                  f"{{{_PBTXT}|{_PB}}}")


def load(sess, tags, export_dir, import_scope=None, **saver_kwargs):
    """Loads the model from a SavedModel as specified by tags.

    Imports the MetaGraph whose tags are `tags` into `sess.graph`, restores
    its variables from `export_dir/variables` and returns the MetaGraphDef
    (its `signature_def` map names the signature tensors). RuntimeError,
    with TF's message, when no MetaGraph has those tags.
    """
    export_dir = os.fspath(export_dir)
    model = _read_saved_model(export_dir)
    wanted = set(tags)
    found = [mg for mg in model.meta_graphs if set(mg.meta_info_def.tags) == wanted]
    if not found:
        available = [list(mg.meta_info_def.tags) for mg in model.meta_graphs]
        raise RuntimeError(
            f"MetaGraphDef associated with tags {sorted(wanted)!r} could not be found in "
            f"SavedModel, with available tags '{available}'. To inspect available tag-sets "
            "in the SavedModel, please use the SavedModel CLI: `saved_model_cli`.")
    mg = MetaGraphDef.FromString(found[0].SerializeToString())
    variables = os.path.join(export_dir, "variables", "variables")
    if is_tf2_meta_graph(mg):
        load_tf2_meta_graph(sess, mg, variables, import_scope)
        return mg
    with sess.graph.as_default():
        saver = import_meta_graph(mg, import_scope=import_scope)
    if saver is not None and gfile.exists(variables + ".index"):
        saver.restore(sess, variables)
    _run_init_op(sess, mg, export_dir, import_scope)
    return mg


def _scoped(name, scope):
    return f"{scope}/{name}" if scope else name


def _run_init_op(sess, mg, export_dir, import_scope):
    """Runs the MetaGraph's init op (TF 2's signature, else TF 1's main op or
    legacy init op collection) with its asset tensors fed the paths of the
    files in export_dir/assets, as TF's loader."""
    graph = sess.graph
    name = None
    sig = mg.signature_def.get(_INIT_OP_KEY)
    if sig is not None and _INIT_OP_KEY in sig.outputs:
        name = sig.outputs[_INIT_OP_KEY].name
    else:
        for key in (_MAIN_OP_KEY, _LEGACY_INIT_OP_KEY):
            cd = mg.collection_def.get(key)
            if cd is not None and cd.WhichOneof("kind") == "node_list" and cd.node_list.value:
                if len(cd.node_list.value) != 1:
                    raise RuntimeError(f"Expected exactly one SavedModel {key}. Found: "
                                       f"{len(cd.node_list.value)}: {list(cd.node_list.value)}")
                name = cd.node_list.value[0]
                break
    if name is None:
        return
    assets = list(mg.asset_file_def)
    cd = mg.collection_def.get(_ASSETS_KEY)  # TF 1's builder: Any-packed AssetFileDefs
    if cd is not None and cd.WhichOneof("kind") == "any_list":
        assets += [AssetFileDef.FromString(a.value) for a in cd.any_list.value
                   if a.type_url.endswith("tensorflow.AssetFileDef")]
    feeds = {}
    for asset in assets:
        path = os.path.join(export_dir, _ASSETS_DIR, asset.filename)
        feeds[graph.as_graph_element(_scoped(asset.tensor_info.name, import_scope))] = \
            np.array(path.encode())
    sess.run(graph.as_graph_element(_scoped(name, import_scope)), feeds)
