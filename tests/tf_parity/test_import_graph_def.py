"""import_graph_def: graphs built and serialized by TensorFlow, imported into
fastgraph, run on the same inputs as TensorFlow's own import of them."""

import numpy as np
import pytest

import fastgraph as fg

tf = pytest.importorskip("tensorflow")


def _serialize(build):
    g = tf.Graph()
    with g.as_default():
        build()
    return g.as_graph_def().SerializeToString()


def _run_both(data, feeds, fetches):
    out = []
    for api in (fg, tf):
        gd = api.compat.v1.GraphDef()
        gd.ParseFromString(data)
        g = api.Graph()
        with g.as_default():
            elems = api.import_graph_def(gd, return_elements=list(feeds) + list(fetches),
                                         name="")
            phs, ys = elems[:len(feeds)], elems[len(feeds):]
            with api.compat.v1.Session(graph=g) as sess:
                out.append(sess.run(ys, dict(zip(phs, feeds.values()))))
    return out


def _cnn():
    rng = np.random.default_rng(0)
    v1 = tf.compat.v1
    x = v1.placeholder(tf.float32, [None, 16, 16, 3], name="image")
    k = tf.constant(rng.normal(size=(3, 3, 3, 8)).astype(np.float32))
    h = tf.nn.conv2d(x, k, [1, 1, 1, 1], "SAME")
    h, _, _ = v1.nn.fused_batch_norm(
        h, tf.constant(rng.uniform(0.5, 1.5, 8).astype(np.float32)),
        tf.constant(rng.normal(size=8).astype(np.float32)),
        mean=tf.constant(rng.normal(size=8).astype(np.float32)),
        variance=tf.constant(rng.uniform(0.5, 2, 8).astype(np.float32)), is_training=False)
    h = tf.nn.relu6(h)
    d = tf.constant(rng.normal(size=(3, 3, 8, 1)).astype(np.float32))
    h = tf.nn.depthwise_conv2d(h, d, [1, 2, 2, 1], "SAME")
    h = tf.nn.bias_add(h, tf.constant(rng.normal(size=8).astype(np.float32)))
    h = tf.nn.avg_pool2d(h, 2, 2, "VALID")
    h = tf.pad(h, [[0, 0], [1, 1], [1, 1], [0, 0]])
    h = tf.concat([h, tf.transpose(h, [0, 2, 1, 3])], axis=3)
    n = tf.shape(h)[0]
    flat = tf.reshape(h, tf.stack([n, -1]))
    w = tf.constant(rng.normal(size=(6 * 6 * 16, 10)).astype(np.float32) / 20)
    logits = tf.matmul(flat, w)
    tf.nn.softmax(logits, name="probs")
    tf.argmax(logits, axis=1, name="label")
    tf.reduce_mean(tf.square(logits), axis=[1], keepdims=True, name="energy")
    small = tf.compat.v1.image.resize_bilinear(x, [8, 8], half_pixel_centers=True)
    tf.cast(tf.squeeze(tf.expand_dims(small, 0), [0]) * 10, tf.int32, name="thumb")
    tf.gather(logits, [2, 0, 5], axis=1, name="picked")


def test_cnn_graph_matches_tensorflow():
    data = _serialize(_cnn)
    x = np.random.default_rng(1).normal(size=(3, 16, 16, 3)).astype(np.float32)
    ours, theirs = _run_both(data, {"image:0": x},
                             ["probs:0", "label:0", "energy:0", "thumb:0", "picked:0"])
    for a, b in zip(ours, theirs):
        assert a.dtype == b.dtype and a.shape == b.shape
        if a.dtype.kind == "f":
            np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
        else:
            np.testing.assert_array_equal(a, b)


def test_input_map_and_prefix():
    def build():
        x = tf.compat.v1.placeholder(tf.float32, [None, 2], name="x")
        tf.add(x * 2.0, 1.0, name="y")
    gd = fg.GraphDef()
    gd.ParseFromString(_serialize(build))
    g = fg.Graph()
    with g.as_default():
        z = fg.placeholder(fg.float32, [None, 2], name="z")
        y, = fg.import_graph_def(gd, input_map={"x": z}, return_elements=["y:0"])
        assert y.name == "import/y:0"
        with fg.Session() as sess:
            np.testing.assert_array_equal(sess.run(y, {z: [[1.0, 2.0]]}), [[3.0, 5.0]])


def test_unknown_ops_are_named():
    def build():
        x = tf.compat.v1.placeholder(tf.float32, [1, 4, 4, 1], name="x")
        # An op type fastgraph does not have (Dilation2D).
        tf.nn.dilation2d(x, tf.zeros([2, 2, 1]), [1, 1, 1, 1], "SAME", "NHWC", [1, 1, 1, 1],
                         name="odd")
    gd = fg.GraphDef()
    gd.ParseFromString(_serialize(build))
    with fg.Graph().as_default():
        with pytest.raises(NotImplementedError, match="odd"):
            fg.import_graph_def(gd)


def _more_ops():
    rng = np.random.default_rng(2)
    v1 = tf.compat.v1
    x = v1.placeholder(tf.float32, [None, 6], name="x")
    a, b = tf.split(x, 2, axis=1)
    c, d = tf.split(x, [2, 4], axis=1)
    parts = tf.unstack(tf.reshape(x, [-1, 2, 3]), axis=1)
    tf.add_n([a, b, c[:, :1] + d[:, :3]], name="added")
    tf.clip_by_value(tf.math.erf(x), -0.5, 0.5, name="clipped")
    tf.math.top_k(x, 3, name="top")
    tf.one_hot(tf.argmin(x, axis=1), 6, 2.0, -1.0, name="hot")
    tf.cumsum(tf.slice(x, [0, 1], [-1, 4]), axis=1, exclusive=True, reverse=True, name="cum")
    tf.identity(tf.einsum("bi,bj->bij", parts[0], parts[1]), name="outer")
    tf.reverse(tf.zeros_like(x) + x, [1], name="flipped")
    tf.reduce_any(x > 1.0, axis=1, name="anybig")
    img = tf.reshape(x, [-1, 1, 2, 3])
    k = tf.constant(rng.normal(size=(3, 3, 4, 3)).astype(np.float32))
    tf.nn.conv2d_transpose(img, k, tf.stack([tf.shape(x)[0], 2, 4, 4]), [1, 2, 2, 1], "SAME",
                           name="up")
    tf.pad(img, [[0, 0], [0, 0], [1, 1], [0, 0]], mode="REFLECT", name="mirrored")


def test_more_op_types_match_tensorflow():
    data = _serialize(_more_ops)
    x = np.random.default_rng(3).normal(size=(4, 6)).astype(np.float32)
    names = ["added:0", "clipped:0", "top:0", "top:1", "hot:0", "cum:0", "outer:0",
             "flipped:0", "anybig:0", "up:0", "mirrored:0"]
    ours, theirs = _run_both(data, {"x:0": x}, names)
    for name, a, b in zip(names, ours, theirs):
        assert a.dtype == b.dtype and a.shape == b.shape, name
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5, err_msg=name)
