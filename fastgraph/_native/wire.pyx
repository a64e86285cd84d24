# cython: language_level=3, boundscheck=False, wraparound=False
"""tf.train.Example protos read at C speed (csrc/wire.c scans the wire
format): the {key: serialized Feature} map of an Example, and the kind and
values of a Feature, as fastgraph/ops/parsing_ops.py reads them in
Python. A malformed message raises ValueError("malformed")."""

from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_FromStringAndSize, PyBytes_GET_SIZE
from libc.stdint cimport int64_t, uint8_t, uint32_t, uint64_t
from libc.stdlib cimport free, malloc
from libc.string cimport memcpy

import numpy as np

cimport numpy as cnp

cnp.import_array()


cdef extern from "wire.h" nogil:
    ctypedef struct fg_wire_field:
        uint64_t number
        uint32_t wire
        uint64_t value
        size_t offset
        size_t length
    ptrdiff_t fg_wire_fields(const uint8_t *buf, size_t len, fg_wire_field *out, size_t max)
    ptrdiff_t fg_wire_packed_varints(const uint8_t *buf, size_t len, int64_t *out,
                                     size_t max)

DEF ROOM = 32  # fields scanned into the stack; more go to the heap


cdef ptrdiff_t _scan(const uint8_t *buf, size_t n, fg_wire_field *room,
                     fg_wire_field **out) except -1:
    """The fields of buf[0..n) in out[0] (room, or a heap block the caller frees)."""
    cdef ptrdiff_t k = fg_wire_fields(buf, n, room, ROOM)
    cdef fg_wire_field *heap
    if k < 0:
        raise ValueError("malformed")
    out[0] = room
    if k > ROOM:
        heap = <fg_wire_field *>malloc(<size_t>k * sizeof(fg_wire_field))
        if heap == NULL:
            raise MemoryError()
        fg_wire_fields(buf, n, heap, <size_t>k)
        out[0] = heap
    return k


cdef inline void _release(fg_wire_field *f, fg_wire_field *room):
    if f != room:
        free(f)


cdef void _features_map(const uint8_t *buf, size_t n, dict into) except *:
    cdef fg_wire_field room[ROOM]
    cdef fg_wire_field inner[ROOM]
    cdef fg_wire_field *fs
    cdef fg_wire_field *es
    cdef ptrdiff_t k, j, m
    cdef const uint8_t *entry
    cdef size_t key_off, key_len, val_off, val_len
    k = _scan(buf, n, room, &fs)
    try:
        for j in range(k):
            if fs[j].number != 1:
                continue
            if fs[j].wire != 2:
                raise ValueError("malformed")
            entry = buf + fs[j].offset
            m = _scan(entry, fs[j].length, inner, &es)
            key_off = key_len = val_off = val_len = 0
            try:
                for i in range(m):
                    if es[i].number in (1, 2) and es[i].wire != 2:
                        raise ValueError("malformed")
                    if es[i].number == 1:
                        key_off, key_len = es[i].offset, es[i].length
                    elif es[i].number == 2:
                        val_off, val_len = es[i].offset, es[i].length
            finally:
                _release(es, inner)
            key = PyBytes_FromStringAndSize(<const char *>(entry + key_off), key_len)
            if key not in into:
                into[key] = PyBytes_FromStringAndSize(<const char *>(entry + val_off), val_len)
    finally:
        _release(fs, room)


def example_features(bytes data):
    """{key (bytes): serialized Feature} of a serialized Example (the first
    of a repeated key)."""
    cdef fg_wire_field room[ROOM]
    cdef fg_wire_field *fs
    cdef const uint8_t *buf = <const uint8_t *>PyBytes_AS_STRING(data)
    cdef ptrdiff_t k = _scan(buf, <size_t>PyBytes_GET_SIZE(data), room, &fs)
    cdef dict out = {}
    try:
        for j in range(k):
            if fs[j].number == 1:
                if fs[j].wire != 2:
                    raise ValueError("malformed")
                _features_map(buf + fs[j].offset, fs[j].length, out)
    finally:
        _release(fs, room)
    return out


cdef object _list_values(const uint8_t *buf, size_t n, int kind):
    """The values of a BytesList (1), FloatList (2) or Int64List (3)."""
    cdef fg_wire_field room[ROOM]
    cdef fg_wire_field *fs
    cdef ptrdiff_t k = _scan(buf, n, room, &fs)
    cdef ptrdiff_t total = 0, got
    cdef list items
    cdef cnp.ndarray arr
    cdef char *dst
    cdef uint32_t bits
    try:
        if kind == 1:
            items = []
            for j in range(k):
                if fs[j].number != 1:
                    continue
                if fs[j].wire != 2:
                    raise ValueError("malformed")
                items.append(PyBytes_FromStringAndSize(<const char *>(buf + fs[j].offset),
                                                       fs[j].length))
            return items
        for j in range(k):  # first pass: how many values
            if fs[j].number != 1:
                continue
            if kind == 2:
                if fs[j].wire == 2:
                    if fs[j].length % 4:
                        raise ValueError("malformed")
                    total += fs[j].length // 4
                elif fs[j].wire == 5:
                    total += 1
                else:
                    raise ValueError("malformed")
            else:
                if fs[j].wire == 2:
                    got = fg_wire_packed_varints(buf + fs[j].offset, fs[j].length, NULL, 0)
                    if got < 0:
                        raise ValueError("malformed")
                    total += got
                elif fs[j].wire == 0:
                    total += 1
                else:
                    raise ValueError("malformed")
        arr = np.empty(total, dtype=np.float32 if kind == 2 else np.int64)
        dst = <char *>cnp.PyArray_DATA(arr)
        for j in range(k):  # second pass: the values
            if fs[j].number != 1:
                continue
            if kind == 2:
                if fs[j].wire == 2:  # little-endian floats, as x86-64 holds them
                    memcpy(dst, buf + fs[j].offset, fs[j].length)
                    dst += fs[j].length
                else:
                    bits = <uint32_t>fs[j].value
                    memcpy(dst, &bits, 4)
                    dst += 4
            else:
                if fs[j].wire == 2:
                    got = fg_wire_packed_varints(buf + fs[j].offset, fs[j].length,
                                                 <int64_t *>dst, <size_t>total)
                    dst += got * 8
                else:
                    (<int64_t *>dst)[0] = <int64_t>fs[j].value
                    dst += 8
        return arr
    finally:
        _release(fs, room)


def feature_values(bytes data):
    """(kind, values) of a serialized Feature: kind 0 when none is set, 1
    bytes_list (a list of bytes), 2 float_list (a float32 array), 3
    int64_list (an int64 array); the last kind set wins, as protobuf reads
    a oneof."""
    cdef fg_wire_field room[ROOM]
    cdef fg_wire_field *fs
    cdef const uint8_t *buf = <const uint8_t *>PyBytes_AS_STRING(data)
    cdef ptrdiff_t k = _scan(buf, <size_t>PyBytes_GET_SIZE(data), room, &fs)
    cdef int kind = 0
    values = None
    try:
        for j in range(k):
            if fs[j].number < 1 or fs[j].number > 3:
                continue
            if fs[j].wire != 2:
                raise ValueError("malformed")
            kind = <int>fs[j].number
            values = _list_values(buf + fs[j].offset, fs[j].length, kind)
    finally:
        _release(fs, room)
    return kind, values
