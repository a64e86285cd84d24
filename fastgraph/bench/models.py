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
import resource
import subprocess
import sys
import tempfile
import time

import numpy as np

__all__ = ["MODELS", "SYSTEMS", "cache_dir", "main"]

# name -> (tf_keras.applications constructor, input side)
MODELS = {"mobilenet_v2": ("MobileNetV2", 224), "resnet50": ("ResNet50", 224),
          "efficientnet_b0": ("EfficientNetB0", 224), "densenet121": ("DenseNet121", 224),
          "inception_v3": ("InceptionV3", 299)}
SYSTEMS = ("fastgraph", "tf1.session", "tflite", "onnxruntime", "openvino")
BATCHES = (1, 8)
SEED = 1234
TOLERANCE = 1e-4  # every system's output against TF1's, relative to its largest magnitude
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
    ctor, side = MODELS[model]
    net = getattr(tf_keras.applications, ctor)(
        weights=None, input_shape=(side, side, 3), classifier_activation=None)
    rng = np.random.default_rng(SEED)
    for layer in net.layers:
        if isinstance(layer, tf_keras.layers.BatchNormalization):
            # Keras keeps gamma only with scale=True and beta only with
            # center=True (InceptionV3's have no gamma), then mean and var.
            draws = ([lambda n: rng.uniform(0.5, 1.5, n)] if layer.scale else []) + \
                ([lambda n: rng.normal(0, 0.1, n)] if layer.center else []) + \
                [lambda n: rng.normal(0, 0.1, n), lambda n: rng.uniform(0.5, 1.5, n)]
            layer.set_weights([draw(w.shape).astype(np.float32)
                               for draw, w in zip(draws, layer.get_weights())])
    spec = tf.TensorSpec([None, side, side, 3], tf.float32, name=INPUT_NAME)
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
    onnx_note = ""
    try:
        import tf2onnx
    except ImportError:
        onnx_note = "tf2onnx is not installed"
    else:
        try:
            tf2onnx.convert.from_graph_def(gd, input_names=inputs, output_names=outputs,
                                           opset=17, output_path=p["onnx"] + ".part")
            os.replace(p["onnx"] + ".part", p["onnx"])
        except Exception as e:  # noqa: BLE001 - the peer is then reported as skipped
            onnx_note = f"tf2onnx failed: {type(e).__name__}: {e}"[:200]
    with open(p["meta"], "w") as f:
        json.dump({"input": inputs[0], "output": outputs[0], "seed": SEED, "side": side,
                   "onnx_note": onnx_note}, f)


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

def _images(batch, side=224):
    return np.random.default_rng(SEED + batch).standard_normal(
        (batch, side, side, 3)).astype(np.float32)


def _read_graph_def(path, tf_module):
    gd = tf_module.compat.v1.GraphDef()
    with open(path, "rb") as f:
        gd.ParseFromString(f.read())
    return gd


def _runner(system, model, batch, threads):
    """(run callable returning the logits, note), or (None, why not)."""
    p = _paths(model)
    with open(p["meta"]) as f:
        meta = json.load(f)
    x = _images(batch, meta.get("side", 224))
    if system == "fastgraph":
        import fastgraph as fg
        g = fg.Graph()
        with g.as_default():
            gd = fg.GraphDef()
            with open(p["pb"], "rb") as f:
                gd.ParseFromString(f.read())
            fg.import_graph_def(gd, name="")
        del gd  # the graph holds what it needs; the parsed message is not kept
        sess = fg.Session(graph=g, config=fg.ConfigProto(intra_op_parallelism_threads=threads))
        out = g.get_tensor_by_name(meta["output"])
        inp = g.get_tensor_by_name(meta["input"])
        return (lambda: sess.run(out, {inp: x})), ""
    if system == "openvino":
        import openvino as ov
        core = ov.Core()
        net = core.read_model(p["pb"])
        net.reshape({0: list(x.shape)})
        compiled = core.compile_model(net, "CPU", {
            "INFERENCE_NUM_THREADS": threads, "NUM_STREAMS": 1,
            "PERFORMANCE_HINT": "LATENCY", "INFERENCE_PRECISION_HINT": "f32"})
        req = compiled.create_infer_request()

        def run():
            req.infer({0: x})
            return req.get_output_tensor(0).data.copy()
        return run, f"{ov.__version__.split('-')[0]}, TF frontend, f32"
    if system == "onnxruntime":
        if not os.path.exists(p["onnx"]):
            return None, "skipped: " + (meta.get("onnx_note") or "no ONNX form of the model")
        import onnxruntime as ort
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        s = ort.InferenceSession(p["onnx"], opts, providers=["CPUExecutionProvider"])
        name = s.get_inputs()[0].name
        return (lambda: s.run(None, {name: x})[0]), f"{ort.__version__}, tf2onnx opset 17"
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
        return (lambda: sess.run(out, {inp: x})), f"TF {tf.__version__}"
    if system == "tflite":
        if not os.path.exists(p["tflite"]):
            return None, "skipped: TFLite could not convert the model"
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
    raise ValueError(f"unknown system {system!r}")


def _time(fn, min_runs=5, max_runs=30, budget_s=5.0):
    """Seconds of fn() over runs after two warm-ups: (median, min, max,
    number of runs); fewer runs for slow calls, so that one measurement
    stays near budget_s. On a shared machine the min moves less with other
    jobs' load than the median."""
    fn()
    fn()
    samples = []
    start = time.perf_counter()
    while len(samples) < max_runs and (len(samples) < min_runs
                                       or time.perf_counter() - start < budget_s):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return float(np.median(samples)), float(np.min(samples)), float(np.max(samples)), len(samples)


def check_close(ours, theirs, tol=TOLERANCE):
    """Max |ours - theirs| over max |theirs|; raises AssertionError above tol."""
    ours, theirs = np.asarray(ours), np.asarray(theirs)
    if ours.shape != theirs.shape:
        raise AssertionError(f"shape {ours.shape} is not TF's {theirs.shape}")
    scale = max(float(np.max(np.abs(theirs))), 1e-30)
    err = float(np.max(np.abs(ours - theirs))) / scale
    if not err <= tol:
        raise AssertionError(f"relative error {err:.2e} > {tol}")
    return err


def _peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _worker(system, model, batch, threads, out_path, ref_path):
    """Builds one system, checks its output against TF's (when ref_path
    names one) before timing it, and returns its result dict."""
    t0 = time.perf_counter()
    fn, note = _runner(system, model, batch, threads)
    if fn is None:
        return {"status": note}
    out = np.asarray(fn())
    setup_s = time.perf_counter() - t0
    res = {"status": "ok", "note": note, "setup_s": setup_s}
    if ref_path:
        try:
            res["max_rel_err"] = check_close(out, np.load(ref_path))
        except AssertionError as e:
            return {"status": f"WRONG: {e}", "note": note}
    else:
        np.save(out_path, out)
    res["median_s"], res["min_s"], res["max_s"], res["runs"] = _time(fn)
    res["peak_rss_mib"] = _peak_rss_mib()
    return res


def run_one(system, model, batch, threads=2, ref_path=None, out_path=None):
    """Times one system on one model in a fresh process; returns its result
    dict. With ref_path its output must match that array to TOLERANCE
    before it is timed; without, its output is saved to out_path."""
    proc = subprocess.run(
        [sys.executable, "-m", "fastgraph.bench.models", "--worker", system, model,
         str(batch), str(threads), out_path or "-", ref_path or "-"],
        capture_output=True, text=True)
    if proc.returncode != 0:
        tail = (proc.stderr or "").strip().splitlines()[-3:]
        return {"status": "failed: " + " | ".join(tail)}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run_all(models, systems, batches, threads=2):
    """The result rows of every (model, batch, system). TF1's Session runs
    first: its output is the reference every other system is checked
    against before it is timed."""
    rows = []
    others = [s for s in systems if s != "tf1.session"]
    with tempfile.TemporaryDirectory() as d:
        for model in models:
            ensure_built(model)
            for batch in batches:
                ref = os.path.join(d, f"{model}-{batch}.npy")
                results = {}
                sys.stderr.write(f"{model} b{batch} tf1.session...\n")
                results["tf1.session"] = run_one("tf1.session", model, batch, threads,
                                                 out_path=ref)
                have_ref = os.path.exists(ref)
                for system in others:
                    sys.stderr.write(f"{model} b{batch} {system}...\n")
                    results[system] = run_one(system, model, batch, threads,
                                              ref_path=ref if have_ref else None,
                                              out_path=os.path.join(d, "unchecked.npy"))
                for system in systems:
                    r = results[system]
                    rows.append({"model": model, "batch": batch, "system": system, **r})
    return rows


def _ms(s):
    return f"{s * 1e3:.1f}"


def format_table(rows, threads=2):
    """Markdown tables of the rows (one per model and batch as columns,
    then the details), with a dated header."""
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    load = os.getloadavg()
    lines = [f"fastgraph model benchmarks, {stamp}, {platform.machine()}, "
             f"{threads} threads, each system in its own process, load average at the end "
             f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}", "",
             "Medians in ms (min-max over the runs); every output matched TF1's to "
             f"{TOLERANCE:g} relative before it was timed.", ""]
    systems = list(dict.fromkeys(r["system"] for r in rows))
    batches = list(dict.fromkeys(r["batch"] for r in rows))
    lines.append("| model | batch | " + " | ".join(systems) + " |")
    lines.append("| --- | ---: |" + " ---: |" * len(systems))
    by = {(r["model"], r["batch"], r["system"]): r for r in rows}
    for model in dict.fromkeys(r["model"] for r in rows):
        for batch in batches:
            cells = []
            for system in systems:
                r = by.get((model, batch, system))
                if r is None:
                    cells.append("")
                elif r["status"] != "ok":
                    cells.append(r["status"].split(":")[0])
                else:
                    cells.append(f"{_ms(r['median_s'])} ({_ms(r['min_s'])}-{_ms(r['max_s'])})")
            lines.append(f"| {model} | {batch} | " + " | ".join(cells) + " |")
    lines += ["", "| model | batch | system | median | min | max | runs | vs fastgraph | "
              "max rel. err. vs TF | peak RSS | note |",
              "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    base = {(r["model"], r["batch"]): r["median_s"] for r in rows
            if r["system"] == "fastgraph" and r["status"] == "ok"}
    for r in rows:
        if r["status"] != "ok":
            lines.append(f"| {r['model']} | {r['batch']} | {r['system']} | | | | | | | | "
                         f"{r['status']} |")
            continue
        b = base.get((r["model"], r["batch"]))
        ratio = f"{r['median_s'] / b:.2f}x" if b else ""
        err = f"{r['max_rel_err']:.1e}" if "max_rel_err" in r else "(reference)"
        lines.append(f"| {r['model']} | {r['batch']} | {r['system']} | {_ms(r['median_s'])} ms | "
                     f"{_ms(r['min_s'])} ms | {_ms(r['max_s'])} ms | {r['runs']} | {ratio} | "
                     f"{err} | {r['peak_rss_mib']:.0f} MiB | {r.get('note', '')} |")
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
    ap.add_argument("--worker", nargs=6, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.build:
        _build(args.build)
        return 0
    if args.worker:
        system, model, batch, threads, out, ref = args.worker
        print(json.dumps(_worker(system, model, int(batch), int(threads), out,
                                 None if ref == "-" else ref)))
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
