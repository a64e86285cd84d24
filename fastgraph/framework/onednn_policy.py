"""Whether TensorFlow, on this machine, runs its oneDNN kernels.

Some of TF's results depend on it: its oneDNN MatMul sums a one-row dot
product with fused multiply-adds where Eigen's does not. TF decides once per
process (tensorflow/core/util/port.cc, IsMklEnabled): the environment
variable TF_ENABLE_ONEDNN_OPTS when it is set, else, on Linux x86, whether
the CPU has one of the neural-network features (AVX512_VNNI, AVX512_BF16,
AVX_VNNI, AMX). fastgraph reads the same facts, so its results match TF's on
any CPU.
"""

import os
import platform

__all__ = ["tf_uses_onednn"]

# /proc/cpuinfo's names of the CPU features of TF's default policy.
_NN_FEATURES = frozenset({"avx512_vnni", "avx512_bf16", "avx_vnni", "amx_tile", "amx_int8",
                          "amx_bf16"})
_TRUE, _FALSE = ("1", "true"), ("0", "false")


def _cpu_flags(cpuinfo="/proc/cpuinfo"):
    """The feature flags of the first CPU in `cpuinfo`, or an empty set."""
    try:
        with open(cpuinfo, encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith("flags"):
                    return frozenset(line.partition(":")[2].split())
    except OSError:
        pass
    return frozenset()


def default_policy(system=None, machine=None, flags=None):
    """TF's default: on for Linux x86 CPUs with a neural-network feature."""
    system = platform.system() if system is None else system
    machine = platform.machine() if machine is None else machine
    if system != "Linux" or machine.lower() not in ("x86_64", "amd64", "i686", "i386"):
        return False
    flags = _cpu_flags() if flags is None else flags
    return bool(_NN_FEATURES & set(flags))


def tf_uses_onednn(environ=None, **platform_facts):
    """True when TF in this process would run its oneDNN kernels: the value
    of TF_ENABLE_ONEDNN_OPTS ('0', 'false', '1', 'true', any case) if set to
    one of those, else TF's default policy."""
    environ = os.environ if environ is None else environ
    value = environ.get("TF_ENABLE_ONEDNN_OPTS")
    if value is not None:
        value = value.strip().lower()
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
    return default_policy(**platform_facts)
