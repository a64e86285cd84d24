"""The startup workload: a fresh process imports the library, builds the
seed's second graph and runs it once. Wall time and peak RSS per process."""

import subprocess
import sys
import tempfile
import time

__all__ = ["SCRIPTS", "measure_startup"]

_SEED2 = """
{imp}
{v1}disable_eager_execution()
a = {v1}placeholder(dtype=tf.float32, shape=[None, 2])
b = {v1}placeholder(dtype=tf.float32, shape=[None, 2])
s = tf.add(a, b)
with {v1}Session() as sess:
    sess.run(s, feed_dict={{a: [[1, 2], [3, 4], [5, 6]], b: [[7, 8], [9, 10], [11, 12]]}})
# The peak RSS of this process since its exec (a fork's rusage would count the parent's).
print([line for line in open("/proc/self/status") if line.startswith("VmHWM")][0].split()[1])
"""

SCRIPTS = {
    "fastgraph": _SEED2.format(imp="import fastgraph as tf", v1="tf.compat.v1."),
    "tensorflow": _SEED2.format(
        imp="import os\nos.environ['TF_CPP_MIN_LOG_LEVEL'] = '3'\nimport tensorflow as tf",
        v1="tf.compat.v1."),
}


def measure_startup(system, runs=5):
    """(median wall seconds, median peak RSS in MiB) of `runs` fresh processes."""
    walls, rss = [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        # Not from the current folder: a source checkout there would shadow the
        # installed package (`-c` puts the folder first on sys.path).
        proc = subprocess.run([sys.executable, "-c", SCRIPTS[system]], capture_output=True,
                              text=True, cwd=tempfile.gettempdir())
        walls.append(time.perf_counter() - t0)
        if proc.returncode != 0:
            raise RuntimeError(f"{system} startup script failed:\n{proc.stderr}")
        rss.append(int(proc.stdout.split()[-1]) / 1024.0)  # VmHWM is in kB
    walls.sort()
    rss.sort()
    return walls[len(walls) // 2], rss[len(rss) // 2]
