"""The benchmark workloads, each built the same way on every system.

A workload's graph is written once against the TF1 API (`graph(tf, ph)`)
and built with `fastgraph` and with TensorFlow's `compat.v1`; it also says
how to compute the same thing in a `tf.function`, in ONNX Runtime and in
NumPy where those apply. Inputs come from a fixed seed.
"""

import numpy as np

import fastgraph

from . import peers
from .training import TRAINING
from .workload import Workload, dense_params

__all__ = ["WORKLOADS", "SYSTEMS", "build", "Workload"]

SYSTEMS = ["fastgraph.run", "fastgraph.callable", "fastgraph.function", "tf1.session",
           "tf.function", "onnxruntime", "numpy"]


def _dtype_name(a):
    return a.dtype.name


class TinyAdd(Workload):
    name = "tiny_add"
    what = "the seed's second program: two fed (3,2) float32 placeholders added"
    feeds = (("a", [None, 2]), ("b", [None, 2]))

    def inputs(self):
        return {"a": np.array([[1, 2], [3, 4], [5, 6]], np.float32),
                "b": np.array([[7, 8], [9, 10], [11, 12]], np.float32)}

    def graph(self, tf, ph):
        return tf.add(ph["a"], ph["b"])

    def onnx(self, oh):
        onnx, helper, TP = oh
        node = helper.make_node("Add", ["a", "b"], ["y"])
        g = helper.make_graph([node], "tiny_add",
                              [helper.make_tensor_value_info("a", TP.FLOAT, ["n", 2]),
                               helper.make_tensor_value_info("b", TP.FLOAT, ["n", 2])],
                              [helper.make_tensor_value_info("y", TP.FLOAT, ["n", 2])])
        return helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])

    def numpy(self, x):
        a, b = x["a"], x["b"]
        return lambda: np.add(a, b)


class AssignAdd(Workload):
    name = "assign_add"
    what = "the seed's first program: sess.run(v.assign_add(1.0))"
    feeds = ()

    def inputs(self):
        return {}

    def graph(self, tf, ph):
        self._var = tf.Variable(0.0, dtype=tf.float32)
        return self._var.assign_add(1.0)

    def setup(self, tf, sess):
        sess.run(self._var.initializer)

    def function(self, tf):
        v = tf.Variable(0.0, dtype=tf.float32)
        return lambda: v.assign_add(1.0)

    def numpy(self, x):
        v = np.zeros((), np.float32)
        one = np.float32(1.0)

        def step():
            np.add(v, one, out=v)
            return v
        return step


class Resize1080p(Workload):
    name = "resize_1080p"
    what = "fed uint8 (1080,1920,3) -> expand_dims -> image.resize bilinear to (256,256)"
    feeds = (("image", [None, None, 3]),)

    def inputs(self):
        rng = np.random.default_rng(0)
        return {"image": rng.integers(0, 256, (1080, 1920, 3), dtype=np.uint8)}

    def graph(self, tf, ph):
        return tf.image.resize(tf.expand_dims(ph["image"], axis=0), size=[256, 256])

    def onnx(self, oh):
        onnx, helper, TP = oh
        sizes = helper.make_tensor("sizes", TP.INT64, [4], [1, 256, 256, 3])
        nodes = [
            helper.make_node("Cast", ["image"], ["f"], to=TP.FLOAT),
            helper.make_node("Unsqueeze", ["f", "axes"], ["b"]),
            helper.make_node("Resize", ["b", "", "", "sizes"], ["y"], mode="linear",
                             coordinate_transformation_mode="half_pixel"),
        ]
        axes = helper.make_tensor("axes", TP.INT64, [1], [0])
        g = helper.make_graph(nodes, "resize",
                              [helper.make_tensor_value_info("image", TP.UINT8, ["h", "w", 3])],
                              [helper.make_tensor_value_info("y", TP.FLOAT, [1, 256, 256, 3])],
                              initializer=[sizes, axes])
        return helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])


class EwChain(Workload):
    name = "ew_chain_4M"
    what = "tanh(relu(x*1.5+0.25)*0.5-0.1) on a fed float32 vector of 4,194,304 elements"
    feeds = (("x", [4194304]),)

    def inputs(self):
        return {"x": np.random.default_rng(0).normal(size=4194304).astype(np.float32)}

    def graph(self, tf, ph):
        return tf.tanh(tf.nn.relu(ph["x"] * 1.5 + 0.25) * 0.5 - 0.1)

    def onnx(self, oh):
        onnx, helper, TP = oh
        c = [helper.make_tensor(n, TP.FLOAT, [], [v]) for n, v in
             (("c15", 1.5), ("c025", 0.25), ("c05", 0.5), ("c01", 0.1))]
        nodes = [helper.make_node("Mul", ["x", "c15"], ["t1"]),
                 helper.make_node("Add", ["t1", "c025"], ["t2"]),
                 helper.make_node("Relu", ["t2"], ["t3"]),
                 helper.make_node("Mul", ["t3", "c05"], ["t4"]),
                 helper.make_node("Sub", ["t4", "c01"], ["t5"]),
                 helper.make_node("Tanh", ["t5"], ["y"])]
        g = helper.make_graph(nodes, "ew_chain",
                              [helper.make_tensor_value_info("x", TP.FLOAT, [4194304])],
                              [helper.make_tensor_value_info("y", TP.FLOAT, [4194304])],
                              initializer=c)
        return helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])

    def numpy(self, x):
        v = x["x"]
        return lambda: np.tanh(np.maximum(v * np.float32(1.5) + np.float32(0.25), 0)
                               * np.float32(0.5) - np.float32(0.1))


class CopyLimit(Workload):
    """Not a workload of its own: NumPy's copy of the ew_chain vector, the
    memory-bandwidth limit that ew_chain_4M is measured against."""

    name = "copyto_4M"
    what = "NumPy copyto of the ew_chain_4M vector: the memory-bandwidth limit"
    feeds = ()

    def inputs(self):
        return EwChain().inputs()

    def numpy(self, x):
        src = x["x"]
        dst = np.empty_like(src)
        return lambda: np.copyto(dst, src)


class Mlp(Workload):
    name = "mlp_b128"
    what = "784-512-512-10 MLP, relu, softmax, fed batch of 128"
    feeds = (("x", [None, 784]),)

    def __init__(self):
        self.params = dense_params([784, 512, 512, 10], 1)

    def inputs(self):
        return {"x": np.random.default_rng(2).normal(size=(128, 784)).astype(np.float32)}

    def graph(self, tf, ph):
        h = ph["x"]
        for i, (w, b) in enumerate(self.params):
            h = tf.matmul(h, tf.constant(w)) + tf.constant(b)
            h = tf.nn.relu(h) if i < len(self.params) - 1 else tf.nn.softmax(h)
        return h

    def onnx(self, oh):
        onnx, helper, TP = oh
        nodes, inits, h = [], [], "x"
        for i, (w, b) in enumerate(self.params):
            inits += [helper.make_tensor(f"w{i}", TP.FLOAT, w.shape, w.ravel()),
                      helper.make_tensor(f"b{i}", TP.FLOAT, b.shape, b)]
            nodes.append(helper.make_node("Gemm", [h, f"w{i}", f"b{i}"], [f"g{i}"]))
            act = "Relu" if i < len(self.params) - 1 else "Softmax"
            nodes.append(helper.make_node(act, [f"g{i}"], [f"h{i}"]))
            h = f"h{i}"
        g = helper.make_graph(nodes, "mlp",
                              [helper.make_tensor_value_info("x", TP.FLOAT, ["n", 784])],
                              [helper.make_tensor_value_info(h, TP.FLOAT, ["n", 10])],
                              initializer=inits)
        return helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])

    def numpy(self, x):
        v = x["x"]

        def run():
            h = v
            for i, (w, b) in enumerate(self.params):
                h = h @ w + b
                if i < len(self.params) - 1:
                    h = np.maximum(h, 0)
            e = np.exp(h - h.max(axis=1, keepdims=True))
            return e / e.sum(axis=1, keepdims=True)
        return run


class Cnn(Workload):
    name = "cnn_b32"
    what = "conv3x3x32-relu-maxpool-conv3x3x64-relu-maxpool-dense(10) on a fed (32,32,32,3) batch"
    feeds = (("x", [None, 32, 32, 3]),)

    def __init__(self):
        rng = np.random.default_rng(3)
        self.k1 = (rng.normal(size=(3, 3, 3, 32)) / np.sqrt(27)).astype(np.float32)
        self.b1 = (rng.normal(size=32) * 0.1).astype(np.float32)
        self.k2 = (rng.normal(size=(3, 3, 32, 64)) / np.sqrt(288)).astype(np.float32)
        self.b2 = (rng.normal(size=64) * 0.1).astype(np.float32)
        self.w = (rng.normal(size=(8 * 8 * 64, 10)) / 64).astype(np.float32)
        self.b = (rng.normal(size=10) * 0.1).astype(np.float32)

    def inputs(self):
        return {"x": np.random.default_rng(4).normal(size=(32, 32, 32, 3)).astype(np.float32)}

    def graph(self, tf, ph):
        h = tf.nn.relu(tf.nn.conv2d(ph["x"], tf.constant(self.k1), 1, "SAME") + self.b1)
        h = tf.nn.max_pool2d(h, 2, 2, "VALID")
        h = tf.nn.relu(tf.nn.conv2d(h, tf.constant(self.k2), 1, "SAME") + self.b2)
        h = tf.nn.max_pool2d(h, 2, 2, "VALID")
        h = tf.reshape(h, [-1, 8 * 8 * 64])
        return tf.matmul(h, tf.constant(self.w)) + self.b

    def onnx(self, oh):
        onnx, helper, TP = oh

        def t(name, a):
            return helper.make_tensor(name, TP.FLOAT, a.shape, a.ravel())
        # ONNX convolutions are NCHW with OIHW kernels: transpose in and out.
        inits = [t("k1", self.k1.transpose(3, 2, 0, 1)), t("b1", self.b1),
                 t("k2", self.k2.transpose(3, 2, 0, 1)), t("b2", self.b2),
                 t("w", self.w), t("b", self.b),
                 helper.make_tensor("shape", TP.INT64, [2], [-1, 8 * 8 * 64])]
        nodes = [
            helper.make_node("Transpose", ["x"], ["xc"], perm=[0, 3, 1, 2]),
            helper.make_node("Conv", ["xc", "k1", "b1"], ["c1"], pads=[1, 1, 1, 1]),
            helper.make_node("Relu", ["c1"], ["r1"]),
            helper.make_node("MaxPool", ["r1"], ["p1"], kernel_shape=[2, 2], strides=[2, 2]),
            helper.make_node("Conv", ["p1", "k2", "b2"], ["c2"], pads=[1, 1, 1, 1]),
            helper.make_node("Relu", ["c2"], ["r2"]),
            helper.make_node("MaxPool", ["r2"], ["p2"], kernel_shape=[2, 2], strides=[2, 2]),
            helper.make_node("Transpose", ["p2"], ["p2h"], perm=[0, 2, 3, 1]),
            helper.make_node("Reshape", ["p2h", "shape"], ["f"]),
            helper.make_node("Gemm", ["f", "w", "b"], ["y"]),
        ]
        g = helper.make_graph(nodes, "cnn",
                              [helper.make_tensor_value_info("x", TP.FLOAT, ["n", 32, 32, 3])],
                              [helper.make_tensor_value_info("y", TP.FLOAT, ["n", 10])],
                              initializer=inits)
        return helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])


WORKLOADS = {w.name: w for w in (TinyAdd(), AssignAdd(), Resize1080p(), EwChain(), CopyLimit(),
                                 Mlp(), Cnn()) + TRAINING}


def build(workload, system):
    """A zero-argument callable that runs `workload` on `system` and returns
    its output as a NumPy array. Raises peers.missing when the system is not
    installed or the workload has no form for it."""
    w = WORKLOADS[workload] if isinstance(workload, str) else workload
    x = w.inputs()
    if system == "fastgraph.function":
        if w.name == "copyto_4M":
            raise peers.missing("NumPy only")
        # The tf.function peer's own function, traced by fastgraph's.
        fn = fastgraph.function(w.function(fastgraph))
        args = [x[n] for n, _ in w.feeds]

        def run():
            return fn(*args).numpy()
        return run
    if system.startswith("fastgraph"):
        if w.name == "copyto_4M":
            raise peers.missing("NumPy only")
        return _session_runner(w, fastgraph, fastgraph.compat.v1, x,
                               callable_=system == "fastgraph.callable")
    if system == "tf1.session":
        if w.name == "copyto_4M":
            raise peers.missing("NumPy only")
        tf = peers.tensorflow()
        if tf is None:
            raise peers.missing("tensorflow is not installed")
        return _session_runner(w, tf, tf.compat.v1, x, callable_=False)
    if system == "tf.function":
        if w.name == "copyto_4M":
            raise peers.missing("NumPy only")
        tf = peers.tensorflow()
        if tf is None:
            raise peers.missing("tensorflow is not installed")
        fn = tf.function(w.function(tf))
        args = [tf.constant(x[n]) for n, _ in w.feeds]

        def run():
            return fn(*args).numpy()
        return run
    if system == "onnxruntime":
        oh = peers.onnx_helper()
        if oh is None or peers.onnxruntime() is None:
            raise peers.missing("onnx/onnxruntime is not installed")
        model = w.onnx(oh)
        if model is None:
            raise peers.missing("no ONNX form")
        sess = peers.ort_session(model)
        feed = {n: x[n] for n, _ in w.feeds}
        out_name = sess.get_outputs()[0].name

        def run():
            return sess.run([out_name], feed)[0]
        return run
    if system == "numpy":
        fn = w.numpy(x)
        if fn is None:
            raise peers.missing("no NumPy form")
        return fn
    raise KeyError(system)


def _session_runner(w, api, v1, x, callable_):
    g = api.Graph()
    with g.as_default():
        ph = {n: v1.placeholder(api.as_dtype(x[n].dtype), shape) for n, shape in w.feeds}
        out = w.graph(api, ph)
    sess = v1.Session(graph=g)
    w.setup(api, sess)
    order = [n for n, _ in w.feeds]
    if callable_:
        call = sess.make_callable(out, [ph[n] for n in order])
        args = [x[n] for n in order]
        run = lambda: call(*args)  # noqa: E731
    else:
        feed = {ph[n]: x[n] for n in order}
        run = lambda: sess.run(out, feed)  # noqa: E731
    run.session = sess
    return run
