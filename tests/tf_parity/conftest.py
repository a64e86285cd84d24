"""Fixtures of the TensorFlow comparisons. Plain helpers (running one build
in fastgraph and in TensorFlow, comparing the two) are in `parity.py`."""

import importlib

import pytest


@pytest.fixture(scope="session")
def v1_layers():
    """TensorFlow's tf.compat.v1.layers. TF 2.16+ routes them to Keras 2 (the
    `tf_keras` package); without it the test is skipped."""
    tf = pytest.importorskip("tensorflow")
    try:
        return tf.compat.v1.layers.dense and tf.compat.v1.layers
    except (AttributeError, ImportError):
        pass
    pytest.importorskip("tf_keras")
    return importlib.import_module("tf_keras.api._v1.keras.__internal__.legacy.layers")
