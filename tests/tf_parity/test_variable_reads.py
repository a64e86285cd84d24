"""Reads of variables under control dependencies on their updates, against
TensorFlow's TF1 graph mode (the case seen wrong: `tf.identity(v)` under
`control_dependencies([v.assign_add(1.0)])`)."""

import numpy as np
import pytest

import fastgraph as fg

from .parity import assert_same, run_in, tf

CASES = {
    "identity": lambda api, v: api.identity(v),
    "add": lambda api, v: v + 0.0,
    "reshape": lambda api, v: api.reshape(v, [-1]),
    "chain": lambda api, v: api.tanh(v * 0.5 + 0.25),
}


@pytest.mark.parametrize("case", list(CASES))
def test_read_after_update_under_control_dependencies(case):
    def build(api, phs):
        v1 = api.compat.v1
        v = v1.Variable(np.zeros((2,), np.float32))
        with v1.control_dependencies([v.assign_add(np.ones(2, np.float32))]):
            return CASES[case](api, v)

    ours = run_in(fg, build, init=True, runs=3)
    theirs = run_in(tf, build, init=True, runs=3)
    assert_same(ours, theirs)


GUARDED = {
    "folded rank": lambda api, v: api.rank(v),
    "constant": lambda api, v: api.constant(3.0),
    "op of a constant": lambda api, v: api.constant(3.0) + 1.0,
}


@pytest.mark.parametrize("case", list(GUARDED))
def test_a_read_run_as_a_control_dependency_fails_on_an_uninitialized_variable(case):
    # The guarded value is known before the run (folded), yet the read it
    # waits for runs, as in TF: an uninitialized variable fails the run.
    outcomes = []
    for api in (fg, tf):
        v1 = api.compat.v1
        g = api.Graph()
        with g.as_default():
            v = v1.Variable(np.zeros((2,), np.float32))
            with v1.control_dependencies([api.identity(v)]):
                out = GUARDED[case](api, v)
            with v1.Session(graph=g) as sess:
                with pytest.raises(api.errors.FailedPreconditionError):
                    sess.run(out)
                with pytest.raises(api.errors.FailedPreconditionError):
                    sess.run(api.identity(v).op)
                sess.run(v.initializer)
                outcomes.append(sess.run(out))
    np.testing.assert_array_equal(outcomes[0], outcomes[1])
