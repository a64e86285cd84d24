# cython: language_level=3, boundscheck=False, wraparound=False
"""CRC-32C of byte buffers (csrc/crc32c.c), for TensorFlow's checkpoint
checksums: the plain CRC and the masked form TF stores."""

from cpython.buffer cimport PyBUF_SIMPLE, PyBuffer_Release, PyObject_GetBuffer
from libc.stdint cimport uint32_t


cdef extern from "crc32c.h" nogil:
    uint32_t fg_crc32c_extend(uint32_t crc, const void *data, size_t n)
    uint32_t fg_crc32c_extend_portable(uint32_t crc, const void *data, size_t n)
    int fg_crc32c_hardware()

# Below this many bytes, releasing the GIL costs more than the checksum.
DEF NOGIL_BYTES = 65536


cdef uint32_t _extend(uint32_t crc, object data, bint portable) except? 0xFFFFFFFF:
    cdef Py_buffer view
    cdef uint32_t out
    PyObject_GetBuffer(data, &view, PyBUF_SIMPLE)
    try:
        if view.len >= NOGIL_BYTES:
            with nogil:
                out = (fg_crc32c_extend_portable(crc, view.buf, view.len) if portable
                       else fg_crc32c_extend(crc, view.buf, view.len))
        else:
            out = (fg_crc32c_extend_portable(crc, view.buf, view.len) if portable
                   else fg_crc32c_extend(crc, view.buf, view.len))
    finally:
        PyBuffer_Release(&view)
    return out


def crc32c(data, uint32_t crc=0):
    """The CRC-32C of `data` (any C-contiguous buffer: bytes, memoryview, a
    NumPy array), continuing from the CRC `crc` of what came before it."""
    return _extend(crc, data, False)


def crc32c_portable(data, uint32_t crc=0):
    """`crc32c` computed with the portable tables, never the crc32 instruction."""
    return _extend(crc, data, True)


def masked_crc32c(data):
    """The CRC-32C of `data` masked as TensorFlow stores it in checkpoints
    and TFRecords (rotated right by 15 bits, plus 0xa282ead8), so that a CRC
    of bytes holding CRCs is not degenerate."""
    cdef uint32_t c = _extend(0, data, False)
    return (((c >> 15) | (c << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def hardware():
    """Whether this CPU computes the CRC with the SSE4.2 crc32 instruction."""
    return bool(fg_crc32c_hardware())
