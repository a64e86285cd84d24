"""`python -m fastgraph.bench.models` (or `fastgraph-bench --models`): real
CNNs on every installed system.

MobileNetV2 and ResNet50 are built from tf-keras's application
architectures with random weights (a fixed seed; batch-norm statistics
randomised too, so that folding them is exercised), frozen by TensorFlow to
a GraphDef and cached as .pb (and .tflite) files. Each (system, model,
batch) is then timed in its own process with 2 threads: fastgraph
(`import_graph_def` + `Session.run`), TF1 `Session`, TFLite's Interpreter
(XNNPACK) and ONNX Runtime (when tf2onnx is installed to convert the
GraphDef; nothing is downloaded at run time). fastgraph's logits are checked
against TF's to 1e-4 (relative to their largest magnitude).
"""

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

import numpy as np

__all__ = ["MODELS", "SYSTEMS", "cache_dir", "main"]

MODELS = {"mobilenet_v2": "MobileNetV2", "resnet50": "ResNet50"}
SYSTEMS = ("fastgraph", "tf1.session", "tflite", "onnxruntime")
BATCHES = (1, 8)
SEED = 1234
INPUT_NAME, OUTPUT_NAME = "images", "logits"


def cache_dir():
    """Where the frozen models are kept: $FASTGRAPH_BENCH_CACHE, or a folder
    under the system's temp dir."""
    d = os.environ.get("FASTGRAPH_BENCH_CACHE") or os.path.join(
        tempfile.gettempdir(), "fastgraph-bench-models")
    os.makedirs(d, exist_ok=True)
    return d


def _paths(model):
    d = cache_dir()
    return {"pb": os.path.join(d, f"{model}.pb"), "tflite": os.path.join(d, f"{model}.tflite"),
            "onnx": os.path.join(d, f"{model}.onnx"), "meta": os.path.join(d, f"{model}.json")}


# ---- building (in its own process, TensorFlow only) --------------------------

def _build(model):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow as tf
    import tf_keras
    from tensorflow.python.framework.convert_to_constants import \
        convert_variables_to_constants_v2

    tf_keras.utils.set_random_seed(SEED)
    net = getattr(tf_keras.applications, MODELS[model])(
        weights=None, input_shape=(224, 224, 3), classifier_activation=None)
    rng = np.random.default_rng(SEED)
    for layer in net.layers:
        if isinstance(layer, tf_keras.layers.BatchNormalization):
            gamma, beta, mean, var = layer.get_weights()
            layer.set_weights([rng.uniform(0.5, 1.5, gamma.shape).astype(np.float32),
                               rng.normal(0, 0.1, beta.shape).astype(np.float32),
                               rng.normal(0, 0.1, mean.shape).astype(np.float32),
                               rng.uniform(0.5, 1.5, var.shape).astype(np.float32)])
    spec = tf.TensorSpec([None, 224, 224, 3], tf.float32, name=INPUT_NAME)
    fn = tf.function(lambda x: tf.identity(net(x, training=False), name=OUTPUT_NAME))
    concrete = fn.get_concrete_function(spec)
    frozen = convert_variables_to_constants_v2(concrete)
    gd = frozen.graph.as_graph_def()
    p = _paths(model)
    inputs = [t.name for t in frozen.inputs]
    outputs = [t.name for t in frozen.outputs]
    with open(p["pb"] + ".part", "wb") as f:
        f.write(gd.SerializeToString())
    os.replace(p["pb"] + ".part", p["pb"])
    converter = tf.lite.TFLiteConverter.from_concrete_functions([concrete], net)
    with open(p["tflite"] + ".part", "wb") as f:
        f.write(converter.convert())
    os.replace(p["tflite"] + ".part", p["tflite"])
    try:
        import tf2onnx
    except ImportError:
        pass
    else:
        tf2onnx.convert.from_graph_def(gd, input_names=inputs, output_names=outputs,
                                       opset=17, output_path=p["onnx"])
    with open(p["meta"], "w") as f:
        json.dump({"input": inputs[0], "output": outputs[0], "seed": SEED}, f)


def ensure_built(model):
    """Builds and freezes `model` unless it is cached; returns its metadata."""
    p = _paths(model)
    if not (os.path.exists(p["meta"]) and os.path.exists(p["pb"])):
        sys.stderr.write(f"building {model} (once; cached in {cache_dir()})\n")
        subprocess.run([sys.executable, "-m", "fastgraph.bench.models", "--build", model],
                       check=True)
    with open(p["meta"]) as f:
        return json.load(f)


# ---- one system in one process ------------------------------------------------

def _images(batch):
    return np.random.default_rng(SEED + batch).standard_normal(
        (batch, 224, 224, 3)).astype(np.float32)


def _read_graph_def(path, tf_module):
    gd = tf_module.compat.v1.GraphDef()
    with open(path, "rb") as f:
        gd.ParseFromString(f.read())
    return gd


def _runner(system, model, batch, threads):
    """(run callable returning the logits, note)."""
    p = _paths(model)
    with open(p["meta"]) as f:
        meta = json.load(f)
    x = _images(batch)
    if system == "fastgraph":
        import fastgraph as fg
        g = fg.Graph()
        with g.as_default():
            gd = fg.GraphDef()
            with open(p["pb"], "rb") as f:
                gd.ParseFromString(f.read())
            fg.import_graph_def(gd, name="")
        sess = fg.Session(graph=g, config=fg.ConfigProto(intra_op_parallelism_threads=threads))
        out = g.get_tensor_by_name(meta["output"])
        inp = g.get_tensor_by_name(meta["input"])
        return (lambda: sess.run(out, {inp: x})), ""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow as tf
    if system == "tf1.session":
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(1)
        g = tf.Graph()
        with g.as_default():
            tf.compat.v1.import_graph_def(_read_graph_def(p["pb"], tf), name="")
        cfg = tf.compat.v1.ConfigProto(intra_op_parallelism_threads=threads,
                                       inter_op_parallelism_threads=1)
        sess = tf.compat.v1.Session(graph=g, config=cfg)
        out, inp = g.get_tensor_by_name(meta["output"]), g.get_tensor_by_name(meta["input"])
        return (lambda: sess.run(out, {inp: x})), ""
    if system == "tflite":
        interp = tf.lite.Interpreter(model_path=p["tflite"], num_threads=threads)
        d_in = interp.get_input_details()[0]
        interp.resize_tensor_input(d_in["index"], list(x.shape))
        interp.allocate_tensors()
        d_out = interp.get_output_details()[0]

        def run():
            interp.set_tensor(d_in["index"], x)
            interp.invoke()
            return interp.get_tensor(d_out["index"])
        return run, "XNNPACK delegate (TF's default)"
    if system == "onnxruntime":
        if not os.path.exists(p["onnx"]):
            return None, "skipped: tf2onnx is not installed, no ONNX form of the model"
        import onnxruntime as ort
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        s = ort.InferenceSession(p["onnx"], opts, providers=["CPUExecutionProvider"])
        name = s.get_inputs()[0].name
        return (lambda: s.run(None, {name: x})[0]), ""
    raise ValueError(f"unknown system {system!r}")


def _time(fn, min_runs=5, max_runs=30, budget_s=8.0):
    """(median, min) seconds of fn() over runs after two warm-ups, and the
    number of runs: fewer runs for slow calls, so that one measurement stays
    near budget_s. On a shared machine the min moves less with other jobs'
    load than the median."""
    fn()
    fn()
    samples = []
    start = time.perf_counter()
    while len(samples) < max_runs and (len(samples) < min_runs
                                       or time.perf_counter() - start < budget_s):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return float(np.median(samples)), float(np.min(samples)), len(samples)


def _worker(system, model, batch, threads, out_path):
    fn, note = _runner(system, model, batch, threads)
    if fn is None:
        return {"status": note}
    np.save(out_path, np.asarray(fn()))
    median, fastest, runs = _time(fn)
    return {"status": "ok", "median_s": median, "min_s": fastest, "runs": runs, "note": note}


def run_one(system, model, batch, threads=2):
    """Times one system on one model in a fresh process; returns a result
    dict (with the output array under "output" when it ran)."""
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "out.npy")
        proc = subprocess.run(
            [sys.executable, "-m", "fastgraph.bench.models", "--worker", system, model,
             str(batch), str(threads), out], capture_output=True, text=True)
        if proc.returncode != 0:
            tail = (proc.stderr or "").strip().splitlines()[-3:]
            return {"status": "failed: " + " | ".join(tail)}
        res = json.loads(proc.stdout.strip().splitlines()[-1])
        if res["status"] == "ok":
            res["output"] = np.load(out)
        return res


def check_close(ours, theirs, tol=1e-4):
    """Max |ours - theirs| over max |theirs|; raises AssertionError above tol."""
    scale = max(float(np.max(np.abs(theirs))), 1e-30)
    err = float(np.max(np.abs(ours - theirs))) / scale
    if err > tol:
        raise AssertionError(f"relative error {err:.2e} > {tol}")
    return err


def run_all(models, systems, batches, threads=2):
    """The result rows of every (model, batch, system)."""
    rows = []
    for model in models:
        ensure_built(model)
        for batch in batches:
            ref = None
            results = {}
            for system in systems:
                sys.stderr.write(f"{model} b{batch} {system}...\n")
                results[system] = run_one(system, model, batch, threads)
            ref = results.get("tf1.session", {}).get("output")
            for system in systems:
                r = results[system]
                row = {"model": model, "batch": batch, "system": system, "status": r["status"],
                       "median_s": r.get("median_s"), "min_s": r.get("min_s"),
                       "runs": r.get("runs"),
                       "note": r.get("note", "")}
                if ref is not None and "output" in r and system != "tf1.session":
                    tol = 1e-4 if system == "fastgraph" else 1e-2
                    try:
                        row["max_rel_err"] = check_close(r["output"], ref, tol)
                    except AssertionError as e:
                        row["status"] = f"WRONG: {e}"
                rows.append(row)
    return rows


def format_table(rows, threads=2):
    """A Markdown table of the rows, with a dated header."""
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [f"fastgraph model benchmarks, {stamp}, {platform.machine()}, "
             f"{threads} threads, each system in its own process",
             "| model | batch | system | median | min | vs fastgraph | max rel. err. vs TF | note |",
             "| --- | ---: | --- | ---: | ---: | ---: | ---: | --- |"]
    base = {(r["model"], r["batch"]): r["median_s"] for r in rows
            if r["system"] == "fastgraph" and r["status"] == "ok"}
    for r in rows:
        if r["status"] != "ok":
            lines.append(f"| {r['model']} | {r['batch']} | {r['system']} | | | | | {r['status']} |")
            continue
        b = base.get((r["model"], r["batch"]))
        ratio = f"{r['median_s'] / b:.2f}x" if b else ""
        err = f"{r['max_rel_err']:.1e}" if "max_rel_err" in r else ""
        lines.append(f"| {r['model']} | {r['batch']} | {r['system']} | "
                     f"{r['median_s'] * 1e3:.1f} ms | {r['min_s'] * 1e3:.1f} ms | {ratio} | {err} | "
                     f"{r['note']} |")
    return "\n".join(lines)


def main(argv=None):
    """Command line: builds what is missing, runs, prints the table."""
    ap = argparse.ArgumentParser(prog="python -m fastgraph.bench.models", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", action="append", choices=sorted(MODELS))
    ap.add_argument("--system", action="append", choices=SYSTEMS)
    ap.add_argument("--batch", action="append", type=int)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--json", help="also write the rows here")
    ap.add_argument("--build", help=argparse.SUPPRESS)
    ap.add_argument("--worker", nargs=5, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.build:
        _build(args.build)
        return 0
    if args.worker:
        system, model, batch, threads, out = args.worker
        print(json.dumps(_worker(system, model, int(batch), int(threads), out)))
        return 0
    systems = args.system or list(SYSTEMS)
    if "tf1.session" not in systems:
        systems = systems + ["tf1.session"]  # the reference for the output check
    rows = run_all(args.model or list(MODELS), systems, args.batch or list(BATCHES),
                   args.threads)
    print(format_table(rows, args.threads))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)
    return 1 if any(r["status"].startswith(("WRONG", "failed")) for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
