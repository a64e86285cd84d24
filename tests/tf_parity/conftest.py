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


@pytest.fixture
def tf_graph_mode():
    """TensorFlow with eager execution off for one test (Keras 2's legacy
    layers build TF1 variables only then), and on again afterwards, so that
    the tests of tf.function that run later see TF2's default."""
    tf = pytest.importorskip("tensorflow")
    from tensorflow.python.eager import context

    tf.compat.v1.disable_eager_execution()
    try:
        yield tf
    finally:
        # What tf.compat.v1.enable_eager_execution does, without its refusal
        # once a graph was used.
        context.default_execution_mode = context.EAGER_MODE
        context.context()._thread_local_data.is_eager = True
