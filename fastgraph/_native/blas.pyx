# cython: language_level=3
"""The addresses of SciPy's BLAS sgemm and dgemm, for the C core's matmul and
convolution kernels. A separate module so `import fastgraph` does not load
SciPy: the runtime imports this the first time a plan needs a GEMM."""

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
