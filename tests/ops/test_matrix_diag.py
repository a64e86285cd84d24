"""The matrix diagonal and band ops, trace, matrix_transpose and TF1's
tensor diag/diag_part against NumPy: batches, fed band widths, shapes known
only at run time, and the refusals (k != 0, bad ranks, bands too wide)."""

import numpy as np
import pytest

import fastgraph as tf

RNG = np.random.default_rng(3)


def _run(fn, *arrays, dims=None):
    """fn(*placeholders) fed `arrays`; placeholders of unknown dims unless dims."""
    with tf.Graph().as_default():
        phs = [tf.placeholder(tf.as_dtype(a.dtype), a.shape if dims else [None] * a.ndim)
               for a in arrays]
        with tf.Session() as s:
            return s.run(fn(*phs), dict(zip(phs, arrays)))


def _np_band(x, lower, upper):
    m, n = x.shape[-2:]
    i, j = np.ogrid[:m, :n]
    keep = ((lower < 0) | (i - j <= lower)) & ((upper < 0) | (j - i <= upper))
    return np.where(keep, x, 0).astype(x.dtype)


@pytest.mark.parametrize("shape", [(4, 4), (2, 3, 5), (2, 2, 5, 3), (0, 3, 3), (5, 3)])
@pytest.mark.parametrize("dims", [False, True])
def test_diag_part_set_diag_band(shape, dims):
    x = RNG.normal(size=shape).astype(np.float32)
    d = RNG.normal(size=shape[:-2] + (min(shape[-2:]),)).astype(np.float32)
    part, setd, band = _run(lambda a, b: [tf.linalg.diag_part(a), tf.linalg.set_diag(a, b),
                                          tf.linalg.band_part(a, 1, 2)], x, d, dims=dims)
    np.testing.assert_array_equal(part, np.diagonal(x, axis1=-2, axis2=-1))
    want = x.copy()
    idx = np.arange(d.shape[-1])
    want[..., idx, idx] = d
    np.testing.assert_array_equal(setd, want)
    np.testing.assert_array_equal(band, _np_band(x, 1, 2))


@pytest.mark.parametrize("lower,upper", [(0, 0), (-1, 0), (0, -1), (2, 1), (-1, -1), (4, 5)])
def test_band_widths_fed(lower, upper):
    x = np.arange(40, dtype=np.int64).reshape(2, 4, 5)
    got = _run(lambda a, lo, up: tf.linalg.band_part(a, lo, up), x, np.int32(lower),
               np.int32(upper))
    np.testing.assert_array_equal(got, _np_band(x, lower, upper))


def test_band_too_wide_fails():
    x = np.zeros((3, 4), np.float32)
    with pytest.raises(tf.errors.InvalidArgumentError, match="num_upper must be negative or "
                       r"less or equal to number of columns \(4\) got: 5"):
        _run(lambda a, up: tf.linalg.band_part(a, 0, up), x, np.int64(5))


def test_diag_builds_padded_matrices():
    d = np.array([[1.0, 2.0], [3.0, 4.0]])
    got = _run(lambda a: tf.linalg.diag(a, num_rows=4, padding_value=-1.0), d, dims=True)
    want = np.full((2, 4, 2), -1.0)
    want[:, [0, 1], [0, 1]] = d
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(_run(tf.linalg.diag, d), np.stack([np.diag(r) for r in d]))


def test_trace_transpose_and_tensor_diag():
    x = RNG.normal(size=(2, 3, 4))
    tr, tt = _run(lambda a: [tf.trace(a), tf.matrix_transpose(a)], x)
    np.testing.assert_allclose(tr, np.trace(x, axis1=-2, axis2=-1), rtol=1e-12)
    np.testing.assert_array_equal(tt, np.swapaxes(x, -1, -2))
    d = RNG.normal(size=(2, 3))
    full = _run(tf.diag, d)
    np.testing.assert_array_equal(full.reshape(6, 6), np.diag(d.ravel()))
    np.testing.assert_array_equal(_run(tf.diag_part, full), d)


def test_refusals():
    with tf.Graph().as_default():
        with pytest.raises(NotImplementedError, match="k = 0"):
            tf.linalg.diag_part(tf.zeros([3, 3]), k=1)
        with pytest.raises(ValueError, match="at least rank 2"):
            tf.linalg.band_part(tf.zeros([3]), 0, 0)
        with pytest.raises(ValueError, match="rank >= 2"):
            tf.linalg.matrix_transpose(tf.zeros([3]))
        with pytest.raises(ValueError, match="min\\(num_rows, num_cols\\)"):
            tf.linalg.diag(tf.zeros([3]), num_rows=4, num_cols=5)
        with pytest.raises(ValueError, match="even rank"):
            tf.diag_part(tf.zeros([2, 2, 2]))

