"""check_numerics against TensorFlow's CheckNumerics: pass-through, the
error message for NaN, Inf and both, and the checked gradient."""

import numpy as np
import pytest

from .parity import assert_same, fail_both, run_both

tf = pytest.importorskip("tensorflow")


def test_finite_values_pass_through():
    x = np.random.default_rng(0).normal(size=(3, 4)).astype(np.float32)
    ours, theirs = run_both(lambda api, p: api.debugging.check_numerics(p[0] * 2.0, "x"), [x])
    assert_same(ours, theirs)


@pytest.mark.parametrize("bad,what", [([np.nan], "NaN"), ([np.inf], "Inf"),
                                      ([-np.inf, np.nan], "Inf and NaN")])
def test_non_finite_values_fail_as_tensorflow(bad, what):
    x = np.array([1.0] + bad, np.float64)
    ours, theirs = fail_both(lambda api, p: api.compat.v1.check_numerics(p[0], "my tensor"),
                             [x])
    for message in (ours, theirs):
        assert f"my tensor : Tensor had {what} values" in message


def test_gradient_is_checked_as_tensorflow():
    x = np.array([1.0, 0.0], np.float32)

    def build(api, p):
        y = api.debugging.check_numerics(p[0], "fwd")
        return api.compat.v1.gradients(api.reduce_sum(api.sqrt(y)), p[0])
    ours, theirs = fail_both(build, [x])
    # TF formats the attr's bytes (b'fwd'); fastgraph its text.
    assert "Not a number (NaN) or infinity (Inf) values detected in gradient. fwd : " \
           "Tensor had Inf values" in ours
    assert "Not a number (NaN) or infinity (Inf) values detected in gradient. b'fwd' : " \
           "Tensor had Inf values" in theirs
    ours, theirs = run_both(build, [x + 1.0])
    assert_same(ours[0], theirs[0])
