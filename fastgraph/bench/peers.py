"""The peer systems, imported only when a workload asks for them.

A peer that is not installed is reported as missing, never as a failure.
"""

import importlib
import os

__all__ = ["tensorflow", "onnxruntime", "onnx_helper", "missing"]

_cache = {}


def _load(name):
    if name not in _cache:
        if name == "tensorflow":
            os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        try:
            _cache[name] = importlib.import_module(name)
        except ImportError:
            _cache[name] = None
    return _cache[name]


def tensorflow():
    """The tensorflow module, or None."""
    return _load("tensorflow")


def onnxruntime():
    """The onnxruntime module, or None."""
    return _load("onnxruntime")


def onnx_helper():
    """(onnx, onnx.helper, onnx.TensorProto), or None."""
    onnx = _load("onnx")
    if onnx is None:
        return None
    return onnx, importlib.import_module("onnx.helper"), onnx.TensorProto


def ort_session(model, threads=2):
    """An ONNX Runtime InferenceSession for `model` with `threads` intra-op threads."""
    ort = onnxruntime()
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    return ort.InferenceSession(model.SerializeToString(), opts,
                                providers=["CPUExecutionProvider"])


class missing(Exception):
    """Raised by a system's setup when its peer is not installed or the
    workload does not apply to it."""
