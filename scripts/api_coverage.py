"""How much of TensorFlow's `tf.compat.v1` API fastgraph has, module by module.

Walks the public non-module names of `tf.compat.v1` and of the submodules in
`MODULES`, looks each up at the same dotted path under `fastgraph.compat.v1`,
and renders `docs/api_coverage.md`:

    PYTHONPATH=$PWD python scripts/api_coverage.py > docs/api_coverage.md

`TF_USE_LEGACY_KERAS=1` lets `tf.compat.v1.layers` load from tf-keras (Keras 3
has no TF1 layers); it is set here when TensorFlow is not yet imported.
Names in `LEFT_OUT` have no meaning on a CPU-only TF1 graph runtime; they are
listed with their reason and excluded from the percentages.
"""

import json
import os
import sys
import types

MODULES = ("math", "nn", "linalg", "image", "random", "initializers", "errors",
           "dtypes", "bitwise", "sparse", "signal", "debugging", "nest", "train",
           "losses", "metrics", "layers", "summary", "io", "gfile", "app", "flags", "strings",
           "lookup", "data", "data.experimental",
           # tf.compat.v1.keras: TF-Keras 2 (tf_keras) in graph mode.
           "keras", "keras.layers", "keras.backend", "keras.activations", "keras.initializers",
           "keras.losses", "keras.metrics", "keras.optimizers", "keras.models", "keras.utils",
           "keras.regularizers", "keras.callbacks", "keras.constraints")

# Dotted path under tf.compat.v1 ("" is the root) -> name -> why it is left out.
LEFT_OUT = {
    "": {
        "enable_eager_execution": "switches TF to eager execution; fastgraph runs graphs only",
        "enable_v2_behavior": "switches TF to TF2 behaviour (eager, tf.function); "
                              "fastgraph runs TF1 graphs only",
        "load_op_library": "loads a shared library of TensorFlow C++ kernels; "
                           "fastgraph's kernels are its own, not TF's ABI",
        "load_file_system_library": "loads a TensorFlow C++ file-system plugin (TF's ABI)",
    },
    "keras.layers": {
        "CuDNNGRU": "runs only on a CUDA GPU (cuDNN's kernel); fastgraph is CPU-only",
        "CuDNNLSTM": "runs only on a CUDA GPU (cuDNN's kernel); fastgraph is CPU-only",
        "DenseFeatures": "consumes tf.feature_column columns, which TF 2.21 deprecates and "
                         "fastgraph does not have",
        "disable_v2_dtype_behavior": "switches TF-Keras between its TF1 and TF2 dtype rules; "
                                     "fastgraph keeps TF1's",
        "enable_v2_dtype_behavior": "switches TF-Keras between its TF1 and TF2 dtype rules; "
                                    "fastgraph keeps TF1's",
    },
    "keras.models": {
        "LinearModel": "an experimental premade estimator-style model of TF-Keras",
        "WideDeepModel": "an experimental premade estimator-style model of TF-Keras",
        "model_from_yaml": "removed from TF-Keras (raises there: YAML is insecure)",
    },
    "keras.utils": {
        "DeterministicRandomTestTool": "a tool for migrating TF1 tests to TF2 eager code",
        "track_tf1_style_variables": "a decorator for TF2 eager modules wrapping TF1 code",
        "StepsPerExecutionTuner": "tunes tf.function steps per execution (TF2 only)",
        "model_to_dot": "draws a model with pydot/graphviz (a plotting tool, not the runtime)",
        "plot_model": "draws a model with pydot/graphviz (a plotting tool, not the runtime)",
    },
    "keras.callbacks": {
        "SidecarEvaluatorModelExport": "exports models for TF2's distributed sidecar evaluator",
        "RemoteMonitor": "posts training events to an HTTP server",
    },
    "train": {
        "ClusterSpec": "describes a multi-process TF cluster; fastgraph runs in one process",
        "Server": "an in-process gRPC server of a distributed TF cluster",
        "replica_device_setter": "places variables on parameter-server tasks of a cluster",
        "SyncReplicasOptimizer": "aggregates gradients across the replicas of a cluster",
        "ClusterDef": "the protocol buffer of a multi-process TF cluster",
        "JobDef": "the protocol buffer of one job of a multi-process TF cluster",
        "ServerDef": "the protocol buffer configuring a gRPC server of a TF cluster",
    },
}


def _public_names(module):
    """Public names of a TF API module that are not themselves modules."""
    names = []
    for name in dir(module):
        if name.startswith("_"):
            continue
        try:
            value = getattr(module, name)
        except Exception:  # a lazily loaded attribute that cannot load counts as a name
            value = None
        if isinstance(value, types.ModuleType):
            continue
        names.append(name)
    return sorted(names)


def _lookup(root, path):
    obj = root
    for part in path.split(".") if path else ():
        if not hasattr(obj, part):
            return None
        obj = getattr(obj, part)
    return obj


def measure():
    """[(path, present, missing, left_out)] for the root and each of MODULES;
    left_out is [(name, reason, defined)] of TF's names that are in LEFT_OUT,
    defined saying whether fastgraph has the name anyway."""
    os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
    import tensorflow as tf
    import fastgraph.compat.v1 as fg_v1

    results = []
    for path in ("",) + MODULES:
        tf_module = _lookup(tf.compat.v1, path)
        fg_module = _lookup(fg_v1, path)
        skip = LEFT_OUT.get(path, {})
        present, missing, left_out = [], [], []
        for name in _public_names(tf_module):
            defined = fg_module is not None and hasattr(fg_module, name)
            if name in skip:
                left_out.append((name, skip[name], defined))
            elif defined:
                present.append(name)
            else:
                missing.append(name)
        results.append((path, present, missing, left_out))
    return results


def _label(path):
    return "tf.compat.v1" + (f".{path}" if path else "")


def _percent(present, missing):
    total = len(present) + len(missing)
    return 100.0 * len(present) / total if total else 100.0


def _names(names):
    return ", ".join(f"`{n}`" for n in names) if names else "(none)"


def render(results=None):
    """The text of docs/api_coverage.md."""
    results = measure() if results is None else results
    lines = ["# fastgraph's coverage of `tf.compat.v1`", "",
             "Generated by `scripts/api_coverage.py` against TensorFlow's `tf.compat.v1`: "
             "each public name (submodules excluded) of the root and of the listed "
             "submodules, looked up at the same dotted path under "
             "`fastgraph.compat.v1`. Names left out have no meaning on a CPU-only "
             "TF1 graph runtime and are not counted.", "",
             "| module | present / total | coverage |", "|---|---|---|"]
    all_present = all_total = 0
    for path, present, missing, _ in results:
        total = len(present) + len(missing)
        all_present += len(present)
        all_total += total
        lines.append(f"| `{_label(path)}` | {len(present)} / {total} | "
                     f"{_percent(present, missing):.1f}% |")
    lines.append(f"| all | {all_present} / {all_total} | "
                 f"{100.0 * all_present / all_total if all_total else 100.0:.1f}% |")
    for path, present, missing, left_out in results:
        lines += ["", f"## `{_label(path)}`", "",
                  f"{len(present)} / {len(present) + len(missing)} "
                  f"({_percent(present, missing):.1f}%)", "",
                  f"Present: {_names(present)}", "",
                  f"Missing: {_names(missing)}"]
        if left_out:
            lines += ["", "Left out:"]
            lines += [f"- `{name}`: {reason}" + (" (fastgraph defines it anyway)" if defined else "")
                      for name, reason, defined in left_out]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    if sys.argv[1:] == ["--json"]:  # the raw measurement, for tests/test_api_coverage.py
        json.dump(measure(), sys.stdout)
    else:
        sys.stdout.write(render())
