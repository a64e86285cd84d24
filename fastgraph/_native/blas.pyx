# cython: language_level=3
"""The addresses of SciPy's BLAS ?gemm and ?gemv, for the C core's matmul and
convolution kernels. A separate module so `import fastgraph` does not load
SciPy: the runtime imports this the first time a plan needs a GEMM."""

import ctypes
from scipy.linalg.cython_blas cimport dgemm, dgemv, sgemm, sgemv

ctypedef void (*sgemm_fn)(char *, char *, int *, int *, int *, float *, float *, int *,
                          float *, int *, float *, float *, int *) noexcept nogil
ctypedef void (*dgemm_fn)(char *, char *, int *, int *, int *, double *, double *, int *,
                          double *, int *, double *, double *, int *) noexcept nogil
ctypedef void (*sgemv_fn)(char *, int *, int *, float *, float *, int *, float *, int *,
                          float *, float *, int *) noexcept nogil
ctypedef void (*dgemv_fn)(char *, int *, int *, double *, double *, int *, double *, int *,
                          double *, double *, int *) noexcept nogil


def _gemm_addresses():
    """(sgemm, dgemm, sgemv, dgemv) function addresses as ints."""
    # A cimported function is a pointer variable here: take its value, not &.
    cdef sgemm_fn s = sgemm
    cdef dgemm_fn d = dgemm
    cdef sgemv_fn sv = sgemv
    cdef dgemv_fn dv = dgemv
    return <size_t>s, <size_t>d, <size_t>sv, <size_t>dv


def addresses():
    """{name: address} of the BLAS functions the C core calls, and of
    OpenBLAS's thread-local thread count (0 when it is not there)."""
    s, d, sv, dv = _gemm_addresses()
    return {"sgemm": s, "dgemm": d, "sgemv": sv, "dgemv": dv,
            "threads_local": _threads_local_address(s)}


def _library_of(address):
    """Path of the shared library mapped at `address` (Linux), or None."""
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                parts = line.split()
                lo, hi = (int(x, 16) for x in parts[0].split("-"))
                if lo <= address < hi and len(parts) >= 6:
                    return parts[5]
    except (OSError, ValueError):
        pass
    return None


def _threads_local_address(sgemm_address):
    """Address of `openblas_set_num_threads_local` in the OpenBLAS that
    SciPy's sgemm (at `sgemm_address`) lives in, or 0 (another BLAS, or not
    Linux).

    The executor splits GEMMs across its own threads; with this each call
    runs on one BLAS thread instead of waking BLAS's pool too.
    """
    path = _library_of(sgemm_address)
    if path is None:
        return 0
    try:
        lib = ctypes.CDLL(path)
    except OSError:
        return 0
    fn = getattr(lib, "openblas_set_num_threads_local", None)
    return ctypes.cast(fn, ctypes.c_void_p).value or 0 if fn is not None else 0
