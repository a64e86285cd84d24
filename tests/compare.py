"""One comparison for every test that checks a result against an expected
value: the same dtype, the same shape, then the values (floats within a
tolerance, everything else exactly).

pytest runs with `--import-mode=importlib`, so tests import this module
relatively (`from ..compare import assert_close`), never as `compare`."""

import numpy as np

KERNEL_TOLS = (2e-6, 1e-12)
"""Default (float32, wider floats) tolerances against a NumPy oracle that
computes the same formula: only rounding may differ."""


def assert_close(got, want, rtol=None, atol=None, *, exact=False, dtype=None,
                 tols=KERNEL_TOLS):
    """Asserts that `got` has the dtype, the shape and the values of `want`.

    Lists and tuples are compared item by item: a list only with a list, a
    tuple only with a tuple, of the same length. Other values are compared
    as arrays: integer, bool and string values exactly; floating values
    exactly when `exact`, else within `rtol` and `atol`. An unset `rtol` is
    `tols[0]` for float32 and `tols[1]` for the other float dtypes; an unset
    `atol` is `rtol`. `dtype`, when given, is the dtype `want` is cast to
    first (oracles often compute in float64).
    """
    if isinstance(got, (list, tuple)) or isinstance(want, (list, tuple)):
        assert isinstance(got, (list, tuple)) and isinstance(want, (list, tuple)), (got, want)
        assert isinstance(got, list) == isinstance(want, list), (type(got), type(want))
        assert len(got) == len(want), (len(got), len(want))
        for g, w in zip(got, want):
            assert_close(g, w, rtol, atol, exact=exact, dtype=dtype, tols=tols)
        return
    got, want = np.asarray(got), np.asarray(want)
    if dtype is not None:
        want = want.astype(dtype)
    assert got.dtype == want.dtype, (got.dtype, want.dtype)
    assert got.shape == want.shape, (got.shape, want.shape)
    if got.dtype.kind != "f" or exact:
        np.testing.assert_array_equal(got, want)
        return
    if rtol is None:
        rtol = tols[0] if got.dtype == np.float32 else tols[1]
    np.testing.assert_allclose(got, want, rtol=rtol, atol=rtol if atol is None else atol)
