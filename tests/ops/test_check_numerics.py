"""check_numerics: finite values pass through, NaN and Inf fail with TF's
message."""

import numpy as np
import pytest

import fastgraph as tf


def _run(fn, x):
    with tf.Graph().as_default():
        ph = tf.placeholder(tf.as_dtype(x.dtype), [None] * x.ndim)
        with tf.Session() as s:
            return s.run(fn(ph), {ph: x})


def test_check_numerics_passes_finite_and_names_nan_inf():
    x = np.array([1.0, -2.0], np.float32)
    np.testing.assert_array_equal(_run(lambda a: tf.check_numerics(a, "m"), x), x)
    for bad, what in (([np.nan], "NaN"), ([np.inf], "Inf"), ([np.nan, -np.inf], "Inf and NaN")):
        with pytest.raises(tf.errors.InvalidArgumentError, match=f"m : Tensor had {what} values"):
            _run(lambda a: tf.debugging.check_numerics(a, "m"), np.array(bad))
