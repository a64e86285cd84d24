"""`python -m fastgraph.bench`: every workload on every installed system,
one table of medians and of each peer's time over fastgraph's."""

import argparse
import datetime
import importlib.util
import json
import os
import platform
import sys

import numpy as np

from . import models, peers
from .startup import measure_startup
from .timing import measure
from .trace import trace_model, trace_workload
from .workloads import SYSTEMS, WORKLOADS, build


def _progress(done, total, label):
    width = 30
    filled = int(width * done / total) if total else width
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {label:<40}")
    sys.stderr.flush()


def _fmt_time(seconds):
    if seconds < 1e-3:
        return f"{seconds * 1e6:.2f} us"
    if seconds < 1:
        return f"{seconds * 1e3:.3f} ms"
    return f"{seconds:.3f} s"


def check_close(ours, theirs, rtol=1e-3):
    """Raises AssertionError unless the two outputs agree to rtol."""
    ours, theirs = np.asarray(ours), np.asarray(theirs)
    scale = max(float(np.max(np.abs(theirs))) if theirs.size else 0.0, 1e-6)
    np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=rtol * scale)


def run_all(workloads, systems, startup=True):
    """Measures; returns a list of result rows (dicts)."""
    rows = []
    jobs = [(w, s) for w in workloads for s in systems]
    total = len(jobs) + (2 if startup else 0)
    reference = {}
    for i, (w, s) in enumerate(jobs):
        _progress(i, total, f"{w} / {s}")
        try:
            fn = build(w, s)
        except peers.missing as e:
            rows.append({"workload": w, "system": s, "status": f"skipped: {e}"})
            continue
        out = fn()
        if w in reference:
            check_close(reference[w], out)
        elif s.startswith("fastgraph") or w == "copyto_4M":
            reference[w] = out
        seconds = measure(fn)
        rows.append({"workload": w, "system": s, "status": "ok", "median_s": seconds})
    if startup:
        for j, system in enumerate(("fastgraph", "tensorflow")):
            _progress(len(jobs) + j, total, f"startup / {system}")
            if system == "tensorflow" and importlib.util.find_spec("tensorflow") is None:
                rows.append({"workload": "startup", "system": system,
                             "status": "skipped: tensorflow is not installed"})
                continue
            wall, rss = measure_startup(system)
            rows.append({"workload": "startup", "system": system, "status": "ok",
                         "median_s": wall, "peak_rss_mib": rss})
    _progress(total, total, "done")
    sys.stderr.write("\n")
    _add_ratios(rows)
    return rows


def _add_ratios(rows):
    base = {}
    for r in rows:
        if r["status"] == "ok" and r["system"] in ("fastgraph.run", "fastgraph"):
            base[r["workload"]] = r["median_s"]
    base.setdefault("copyto_4M", base.get("ew_chain_4M"))
    for r in rows:
        b = base.get(r["workload"])
        if r["status"] == "ok" and b:
            r["ratio"] = r["median_s"] / b


def format_table(rows):
    """The results as a Markdown table."""
    lines = ["| workload | system | median | peer / fastgraph | peak RSS |",
             "| --- | --- | ---: | ---: | ---: |"]
    for r in rows:
        if r["status"] != "ok":
            lines.append(f"| {r['workload']} | {r['system']} | {r['status']} | | |")
            continue
        ratio = f"{r['ratio']:.2f}x" if "ratio" in r else ""
        rss = f"{r['peak_rss_mib']:.0f} MiB" if "peak_rss_mib" in r else ""
        lines.append(f"| {r['workload']} | {r['system']} | {_fmt_time(r['median_s'])} | "
                     f"{ratio} | {rss} |")
    return "\n".join(lines)


def write_png(rows, path):
    """A bar chart per workload of the medians (needs matplotlib)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ok = [r for r in rows if r["status"] == "ok"]
    workloads = list(dict.fromkeys(r["workload"] for r in ok))
    fig, axes = plt.subplots(len(workloads), 1, figsize=(8, 2.2 * len(workloads)))
    for ax, w in zip(np.atleast_1d(axes), workloads):
        sub = [r for r in ok if r["workload"] == w]
        ax.barh([r["system"] for r in sub], [r["median_s"] * 1e3 for r in sub])
        ax.set_title(w)
        ax.set_xlabel("median ms (lower is better)")
        ax.set_xscale("log")
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def _trace_models(argv):
    """`--models --trace DIR`: the trace of one run of each real model."""
    parser = argparse.ArgumentParser(prog="python -m fastgraph.bench --models --trace")
    parser.add_argument("--trace", metavar="DIR", required=True)
    parser.add_argument("--model", action="append", choices=sorted(models.MODELS))
    parser.add_argument("--batch", action="append", type=int)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)
    os.makedirs(args.trace, exist_ok=True)
    for model in args.model or list(models.MODELS):
        for batch in args.batch or [1]:
            print(trace_model(model, batch, args.trace, args.threads).line())
    return 0


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    if "--models" in argv:
        # The real-model benchmark has its own options (fastgraph/bench/models.py).
        argv.remove("--models")
        if any(a == "--trace" or a.startswith("--trace=") for a in argv):
            return _trace_models(argv)
        return models.main(argv)
    parser = argparse.ArgumentParser(prog="python -m fastgraph.bench", description=__doc__)
    parser.add_argument("--workload", action="append", choices=sorted(WORKLOADS),
                        help="only this workload (repeatable)")
    parser.add_argument("--system", action="append", choices=SYSTEMS,
                        help="only this system (repeatable)")
    parser.add_argument("--models", action="store_true",
                        help="run the real-model benchmark instead (python -m fastgraph.bench.models "
                             "--help for its options)")
    parser.add_argument("--no-startup", action="store_true", help="skip the startup workload")
    parser.add_argument("--json", help="also write the results as JSON to this path")
    parser.add_argument("--png", help="also write a bar chart to this path (needs matplotlib)")
    parser.add_argument("--trace", metavar="DIR",
                        help="instead of timing, write the Chrome trace of one fastgraph run of "
                             "each workload to DIR/<workload>.trace.json (with --models, of each "
                             "real model)")
    args = parser.parse_args(argv)
    workloads = args.workload or list(WORKLOADS)
    if args.trace:
        os.makedirs(args.trace, exist_ok=True)
        for w in workloads:
            if w != "copyto_4M":  # NumPy only: no graph to trace
                print(trace_workload(w, args.trace).line())
        return 0
    systems = args.system or SYSTEMS
    rows = run_all(workloads, systems, startup=not args.no_startup)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    print(f"fastgraph benchmarks, {stamp}, {platform.machine()}, {platform.python_version()}")
    print(format_table(rows))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"date": stamp, "rows": rows}, f, indent=1)
    if args.png:
        try:
            write_png(rows, args.png)
        except ImportError:
            print("matplotlib is not installed: no chart written", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
