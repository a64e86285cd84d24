# cython: language_level=3
"""The addresses of SciPy's BLAS sgemm and dgemm, for the C core's matmul and
convolution kernels. A separate module so `import fastgraph` does not load
SciPy: the runtime imports this the first time a plan needs a GEMM."""

import ctypes
from scipy.linalg.cython_blas cimport dgemm, sgemm

ctypedef void (*sgemm_fn)(char *, char *, int *, int *, int *, float *, float *, int *,
                          float *, int *, float *, float *, int *) noexcept nogil
ctypedef void (*dgemm_fn)(char *, char *, int *, int *, int *, double *, double *, int *,
                          double *, int *, double *, double *, int *) noexcept nogil


def gemm_addresses():
    """(sgemm, dgemm) function addresses as ints."""
    # A cimported function is a pointer variable here: take its value, not &.
    cdef sgemm_fn s = sgemm
    cdef dgemm_fn d = dgemm
    return <size_t>s, <size_t>d


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


def threads_local_address():
    """Address of `openblas_set_num_threads_local` in the OpenBLAS that
    SciPy's sgemm lives in, or 0 (another BLAS, or not Linux).

    The executor splits GEMMs across its own threads; with this each call
    runs on one BLAS thread instead of waking BLAS's pool too.
    """
    path = _library_of(gemm_addresses()[0])
    if path is None:
        return 0
    try:
        lib = ctypes.CDLL(path)
    except OSError:
        return 0
    fn = getattr(lib, "openblas_set_num_threads_local", None)
    return ctypes.cast(fn, ctypes.c_void_p).value or 0 if fn is not None else 0
