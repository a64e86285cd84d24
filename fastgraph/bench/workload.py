"""What a benchmark workload is: its inputs from a fixed seed, its graph
written once against the TF1 API, and its optional peers."""

import numpy as np

__all__ = ["Workload", "dense_params"]


class Workload:
    """One benchmarked computation. Subclasses define `inputs`, `graph` and
    the optional peers (`function`, `onnx`, `numpy`)."""

    name = ""
    what = ""
    feeds = ()  # (name, placeholder shape) in feed order

    def inputs(self):
        """name -> NumPy array, from a fixed seed."""
        raise NotImplementedError

    def graph(self, tf, ph):
        """Builds the computation with the TF1 API; returns the fetch."""
        raise NotImplementedError

    def setup(self, tf, sess):
        """Runs once per session before timing (variable initialisers)."""

    def function(self, tf):
        """A function of the input tensors for tf.function (default: graph)."""
        return lambda *args: self.graph(tf, dict(zip([n for n, _ in self.feeds], args)))

    def onnx(self, oh):
        """An ONNX model, or None if the workload has no ONNX form."""
        return None

    def numpy(self, x):
        """A zero-argument NumPy callable, or None."""
        return None


def dense_params(sizes, seed):
    """[(weights, biases)] of a dense stack with layer widths `sizes`,
    scaled by 1/sqrt(fan-in), float32, from `seed`."""
    rng = np.random.default_rng(seed)
    out = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        w = (rng.normal(size=(n_in, n_out)) / np.sqrt(n_in)).astype(np.float32)
        b = (rng.normal(size=n_out) * 0.1).astype(np.float32)
        out.append((w, b))
    return out
