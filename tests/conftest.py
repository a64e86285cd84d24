"""Fixtures shared by the whole suite.

Plain helper functions live in importable modules beside this file
(`evaluate.py`, `compare.py`, `samples.py`): pytest runs with
`--import-mode=importlib`, under which a conftest cannot be imported by
name, and tests import those modules relatively (`from .evaluate import
evaluate`, `from ..evaluate import evaluate` one folder down)."""

import pytest

import fastgraph as tf


@pytest.fixture()
def g():
    """A fresh fastgraph Graph, the default graph for the test's duration."""
    graph = tf.Graph()
    with graph.as_default():
        yield graph
