"""Constant weights packed once, when the plan is compiled, for fastgraph's
own GEMM (csrc/kernels/gemm.h).

A float32 conv2d whose filter is a constant, or a matmul by a constant
matrix, becomes a `conv2d_packed` step: the filter, reshaped to [K, N], is
laid out in panels of NR columns with the bias of the epilogue in front of
each, so that no run packs it again (OpenBLAS packs B on every call: a
quarter of ResNet50's time). The convolution reads its input through row
pointers, one per output pixel and tap (padding taps read zeros), so it
needs no im2col copy; a matmul is a 1x1 convolution of its rows.
"""

import numpy as np

from .epilogue import EPI_ADD, EPI_BIAS
from .steps import CONST, Step, Value

__all__ = ["pack_weights", "pack", "NR", "MR_MAX"]

# gemm.h's FG_GEMM_NR and FG_GEMM_MR_MAX (tests/test_c_constants.py checks them).
NR = 32
MR_MAX = 12
# Rows of A a share's chunk covers: the filter's panels pass over a chunk
# one by one, and the whole filter is read once per chunk. A filter that
# fits in L2 is cheap to read again, so its chunks stay in L2 (fewer bytes);
# a bigger one is read from memory per chunk, so its chunks are bigger
# (measured on ResNet50's 7x7x512 layers at batch 8: ~100 -> ~150 GFLOP/s).
_CHUNK_BYTES = 1 << 19
_BIG_CHUNK_BYTES = 1 << 22
_SMALL_FILTER_BYTES = 1 << 20
_ALIGN = 64
_POINTER = 8
_FLOAT = 4
# Convolutions of fewer input channels copy their rows out (im2col) and run
# as one tap: a row pointer per tap would cost as much as its few FMAs.
IM2COL_CHANNELS = 8
# Below this many rows a matmul stays with BLAS (its gemv path: a tile of
# MR_MAX rows would compute mostly repeated rows).
MIN_MATMUL_ROWS = 4
# Products at least this big on every side stay with BLAS too: OpenBLAS's
# blocking for L2 and L3 beats one level of chunks there (2048^3: ~140 vs
# ~130 GFLOP/s per core; 1024^3 ties; 128 x 784 x 512: ~95 vs ~160).
BLAS_SIDE = 1024


def pack(b, bias=None):
    """b [k, n] and bias [n] (None: zeros) as gemm.h's panels: float32
    [ceil(n / NR), 1 + k, NR], each panel its bias row then its columns of
    b, zero past n; 64-byte aligned."""
    k, n = b.shape
    panels = -(-n // NR)
    out = _aligned((panels, 1 + k, NR))
    full = np.zeros((1 + k, panels * NR), np.float32)
    if bias is not None:
        full[0, :n] = np.asarray(bias, np.float32).reshape(-1)
    full[1:, :n] = b
    out[...] = full.reshape(1 + k, panels, NR).transpose(1, 0, 2)
    return out


def _aligned(shape):
    n = int(np.prod(shape, dtype=np.int64))
    buf = np.empty(n + _ALIGN // _FLOAT, np.float32)
    skip = (-buf.ctypes.data % _ALIGN) // _FLOAT
    return buf[skip:skip + n].reshape(shape)


def pack_weights(steps, values, consts, fetched, scratch):
    """Returns `steps` with every float32 conv2d by a constant filter, and
    every matmul of enough rows by a constant rank-2 matrix, made a
    conv2d_packed step; a constant bias of their epilogue goes into the
    packing. `scratch(nbytes)` makes a scratch buffer (the new steps' row
    pointers). A filter nobody else reads is replaced in `consts`."""
    reads = {}
    for st in steps:
        for i in st.inputs:
            if values[i].kind == CONST:
                reads[values[i].key] = reads.get(values[i].key, 0) + 1
    for i in fetched:
        if values[i].kind == CONST:
            reads[values[i].key] = reads.get(values[i].key, 0) + 2

    def packed_value(f_in, b, bias):
        array = pack(b, bias)
        fv = values[f_in]
        if reads.get(fv.key, 0) == 1:
            consts[fv.key] = array
            key = fv.key
        else:
            consts.append(array)
            key = len(consts) - 1
        v = Value(len(values), array.shape, fv.dtype, CONST, key, None)
        values.append(v)
        return v.index

    out = []
    for st in steps:
        lowered = _as_gemm(st, values, consts)
        if lowered is None:
            out.append(st)
            continue
        geom, b, bias, res = lowered
        co = b.shape[1]
        epi = st.iattrs[-1]
        inputs = [st.inputs[0], packed_value(st.inputs[1], b, bias)] + \
            ([res] if res is not None else [])
        im2col = int(geom[3] < IM2COL_CHANNELS and geom[6] * geom[7] > 1)
        nbytes = _scratch_bytes(geom, co, st.nparts, im2col)
        outputs = [st.outputs[0], scratch(nbytes)]
        out.append(Step("conv2d_packed", inputs, outputs, geom + [co, im2col, epi],
                        None, None, st.op, st.nparts, fused=st.fused))
    return out


def _as_gemm(st, values, consts):
    """(geometry, b [K, N] float32, bias or None, residual value or None)
    of a step conv2d_packed can run, else None."""
    if st.kernel not in ("conv2d", "matmul") or not st.outputs:
        return None
    y = values[st.outputs[0]]
    if y.dtype.name != "float32" or values[st.inputs[0]].dtype.name != "float32":
        return None
    fv = values[st.inputs[1]]
    if fv.kind != CONST or y.size == 0 or fv.size == 0:
        return None
    epi = st.iattrs[-1]
    bias, res = None, None
    if epi & EPI_BIAS:
        bv = values[st.inputs[2]]
        if bv.kind != CONST:
            return None
        bias = np.asarray(consts[bv.key], np.float32).reshape(-1)
    if epi & EPI_ADD:
        res = st.inputs[3 if epi & EPI_BIAS else 2]
    f = np.asarray(consts[fv.key], np.float32)
    if st.kernel == "conv2d":
        geom = list(st.iattrs[:14])
        kh, kw, c, co = f.shape
        return geom, f.reshape(kh * kw * c, co), bias, res
    m, n, k, ta, tb = st.iattrs[:5]
    x = values[st.inputs[0]]
    if ta or f.ndim != 2 or len(x.shape) < 2:
        return None
    rows = x.size // k
    if rows < MIN_MATMUL_ROWS or rows * n != y.size or min(rows, k, n) >= BLAS_SIDE:
        return None
    b = f.T if tb else f
    return [1, rows, 1, k, rows, 1, 1, 1, 1, 1, 1, 1, 0, 0], b, bias, res


def _scratch_bytes(geom, co, nparts, im2col):
    """Scratch of a conv2d_packed step: per share, a zero row of C floats
    and the row pointers of a chunk of rows (whole tiles of MR_MAX), with
    the rows themselves (K floats each) under im2col."""
    n, _, _, c, oh, ow, kh, kw = geom[:8]
    rows, taps, k = n * oh * ow, kh * kw, kh * kw * c
    chunk = _CHUNK_BYTES if k * co * _FLOAT <= _SMALL_FILTER_BYTES else _BIG_CHUNK_BYTES
    tiles = max(1, min(-(-rows // MR_MAX), chunk // max(1, MR_MAX * k * _FLOAT)))
    per_tile = MR_MAX * (_POINTER + k * _FLOAT) if im2col else MR_MAX * taps * _POINTER
    return _round(_round(c * _FLOAT) + tiles * per_tile) * nparts


def _round(nbytes):
    return -(-nbytes // _ALIGN) * _ALIGN
