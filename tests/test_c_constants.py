"""Every constant that the Python side and the C core both know is defined
once on each side and checked here against the other: the fused kernel's
opcodes and registers, the GEMM epilogue flags and kernels, the rank limit,
the dtype codes, pad's and convert_image_dtype's modes. (Kernel names are checked
in test_registry.py.)"""

import pathlib
import re

import numpy as np
import pytest

import fastgraph as tf
from fastgraph._native import runtime
from fastgraph.compiler import epilogue, fuse, pack_weights
from fastgraph.framework import dtypes, op_registry
from fastgraph.ops import array_ops, image_ops

CSRC = pathlib.Path(__file__).resolve().parent.parent / "csrc"


def _header(path):
    if not (CSRC / path).exists():
        pytest.skip("csrc/ is not beside this checkout")
    return (CSRC / path).read_text()


def _enum_names(text, first):
    """The names of the C enum whose first member is `first`, in order."""
    body = re.search(r"enum\s*\{\s*(" + first + r"\b[^}]*)\}", text).group(1)
    return [m.split("=")[0].strip() for m in body.split(",") if m.strip()]


def test_fused_opcodes_are_the_c_kernels():
    assert fuse.OPCODES == runtime.fused_op_names()


def test_fused_opcodes_come_from_the_registry():
    fused = {}
    for op_type in op_registry.registered_types():
        opdef = op_registry.get(op_type)
        if opdef.fused is not None:
            # An opcode stands in for the op's kernel, and is named as it.
            assert opdef.fused == opdef.kernel, op_type
            fused[op_type] = opdef.fused
    assert set(fuse.OPCODES) == {"load"} | set(fused.values())
    assert {"AddV2", "Mul", "Tanh", "Relu", "Relu6"} <= set(fused)


def test_fused_registers():
    assert fuse.MAX_REGS == runtime.FUSED_MAX_REGS


def test_epilogue_flags():
    assert runtime.epilogue_flags() == {"BIAS": epilogue.EPI_BIAS, "RELU": epilogue.EPI_RELU,
                                        "RELU6": epilogue.EPI_RELU6, "ADD": epilogue.EPI_ADD}


def test_gemm_kernels():
    kernels = set(runtime.kernel_names())
    assert set(runtime.GEMM_KERNELS) <= kernels
    # The epilogue pass folds only into kernels that read the flags.
    assert set(epilogue._GEMMS) <= set(runtime.GEMM_KERNELS)


def test_dtype_codes():
    names = _enum_names(_header("fg.h"), "FG_BOOL")
    codes = dict(re.findall(r"\b(FG_\w+)\s*=\s*(\d+)", _header("fg.h")))
    c = {name[3:].lower(): int(codes[name]) for name in names if name != "FG_DTYPE_COUNT"}
    py = {d.name: d.code for d in (dtypes.bool, dtypes.uint8, dtypes.int8, dtypes.int16,
                                   dtypes.int32, dtypes.int64, dtypes.float32, dtypes.float64)}
    assert c == py


def test_convert_image_dtype_modes():
    names = _enum_names(_header("kernels/image.h"), "CID_INT_DOWN")
    for code, name in enumerate(names):
        assert getattr(image_ops, "_" + name) == code, name


def test_pad_modes():
    modes = dict(re.findall(r"#define FG_PAD_(\w+) (\d+)", _header("kernels/array.h")))
    assert {name: int(v) for name, v in modes.items()} == array_ops._PAD_MODES


@pytest.mark.parametrize("rank", [8, 9])
def test_rank_limit(rank):
    """A tensor of rank up to FG_MAX_DIMS runs; past it the plan is refused
    (fg_value holds that many dims), not written past its end."""
    assert runtime.MAX_DIMS == 8
    shape = [1] * (rank - 1) + [2]
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, shape)
        y = x * 2 + 1
        with tf.Session() as sess:
            feed = {x: np.ones(shape, np.float32)}
            if rank <= runtime.MAX_DIMS:
                assert sess.run(y, feed).tolist() == (np.ones(shape) * 3).tolist()
            else:
                with pytest.raises(tf.errors.UnimplementedError, match="rank at most 8"):
                    sess.run(y, feed)


def test_gemm_packing_constants():
    assert pack_weights.NR == runtime.GEMM_NR
    assert pack_weights.MR_MAX == runtime.GEMM_MR_MAX
