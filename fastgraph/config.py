"""`tf.ConfigProto` and friends: the session options TF1 programs pass.

fastgraph runs on the CPU in-process, so device and placement options are
accepted and ignored; `intra_op_parallelism_threads` caps how many threads
share one step of the session's runs.
"""

from .framework import step_stats_protos

__all__ = ["ConfigProto", "GPUOptions", "GraphOptions", "OptimizerOptions", "RunOptions",
           "RunMetadata"]


class _Options:
    """A message of options: keyword fields with defaults, any others kept."""

    _fields = {}

    def __init__(self, **kwargs):
        for k, v in self._fields.items():
            setattr(self, k, v() if callable(v) else v)
        for k, v in kwargs.items():
            setattr(self, k, v)

    def __repr__(self):
        return f"{type(self).__name__}({vars(self)})"


class GPUOptions(_Options):
    """GPU options (accepted and ignored: fastgraph runs on the CPU)."""

    _fields = {"allow_growth": False, "per_process_gpu_memory_fraction": 0.0,
               "visible_device_list": ""}


class OptimizerOptions(_Options):
    """Graph optimizer options (accepted and ignored: fastgraph always folds
    constants and fuses elementwise chains)."""

    _fields = {"opt_level": 0, "do_constant_folding": True, "global_jit_level": 0}


class GraphOptions(_Options):
    """Graph options (accepted and ignored)."""

    _fields = {"optimizer_options": OptimizerOptions}


class ConfigProto(_Options):
    """Session configuration. `intra_op_parallelism_threads` (0: all of the
    executor's threads) caps how many threads run one step; the rest is
    accepted for compatibility and ignored."""

    _fields = {"intra_op_parallelism_threads": 0, "inter_op_parallelism_threads": 0,
               "allow_soft_placement": False, "log_device_placement": False,
               "device_count": dict, "gpu_options": GPUOptions, "graph_options": GraphOptions,
               "use_per_session_threads": False}


class RunOptions(_Options):
    """Options for one `Session.run`: `timeout_in_ms` bounds how long the
    run's queue ops wait (DeadlineExceededError); `trace_level` other than
    NO_TRACE fills the `step_stats` of the run's `RunMetadata` (every level
    records the same: each step's times, outputs and thread); the rest is
    accepted and ignored."""

    _fields = {"trace_level": 0, "timeout_in_ms": 0}
    NO_TRACE, SOFTWARE_TRACE, HARDWARE_TRACE, FULL_TRACE = 0, 1, 2, 3


RunMetadata = step_stats_protos.RunMetadata
