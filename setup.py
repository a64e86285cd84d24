"""Builds fastgraph's native extension: the Cython runtime with the C core
(csrc/*.c, csrc/kernels/*.c) compiled into it.

-O3 and no -march=native by default, so a build runs on any x86-64.
FASTGRAPH_NATIVE=1 tunes for the building machine; FASTGRAPH_SANITIZE=1
builds with AddressSanitizer and UBSan (run with the asan runtime preloaded).
"""

import glob
import os

import numpy as np
from Cython.Build import cythonize
from setuptools import Extension, setup

# The CRC-32C of checkpoints is its own small extension, not part of the run.
CRC32C = ["csrc/crc32c.c"]
# So is the protobuf wire scanner that parses tf.train.Example protos.
WIRE = ["csrc/wire.c"]
CSRC = sorted(set(glob.glob("csrc/*.c") + glob.glob("csrc/kernels/*.c")) - set(CRC32C) - set(WIRE))

compile_args = ["-O3", "-std=c11", "-fwrapv", "-fno-math-errno", "-fno-trapping-math", "-Wall", "-Wextra",
                "-Wshadow", "-Wstrict-prototypes", "-Wno-type-limits",
                "-Wno-unused-function", "-D_GNU_SOURCE", "-pthread"]
link_args = ["-pthread"]

if os.environ.get("FASTGRAPH_NATIVE") == "1":
    compile_args.append("-march=native")
if os.environ.get("FASTGRAPH_SANITIZE") == "1":
    flags = ["-fsanitize=address,undefined", "-fno-omit-frame-pointer", "-O1", "-g"]
    compile_args += flags
    link_args += flags

extensions = [
    Extension(
        "fastgraph._native.runtime",
        sources=["fastgraph/_native/runtime.pyx"] + CSRC,
        include_dirs=["csrc"],
        define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")],
        # NumPy's headers as system headers: their old-style declarations
        # are not ours to warn about (-Wstrict-prototypes).
        extra_compile_args=compile_args + ["-isystem", np.get_include()],
        extra_link_args=link_args,
        libraries=["m"],
    ),
    Extension("fastgraph._native.crc32c", sources=["fastgraph/_native/crc32c.pyx"] + CRC32C,
              include_dirs=["csrc"], extra_compile_args=compile_args, extra_link_args=link_args),
    Extension("fastgraph._native.wire", sources=["fastgraph/_native/wire.pyx"] + WIRE,
              include_dirs=["csrc"],
              define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")],
              extra_compile_args=compile_args + ["-isystem", np.get_include()],
              extra_link_args=link_args),
    # SciPy's BLAS, whose function pointers the C core calls for GEMM.
    Extension("fastgraph._native.blas", sources=["fastgraph/_native/blas.pyx"]),
]

setup(
    ext_modules=cythonize(
        extensions,
        compiler_directives={"language_level": "3", "embedsignature": True},
    ),
)
