"""One epoch of a TF1 input pipeline of files, in fastgraph and in
TensorFlow 1 (tf.compat.v1.Session, graph mode), the same program with the
import swapped: TFRecord files of tf.train.Example protos holding PNG
images and labels -> parse_single_example -> decode_png -> map to floats
-> shuffle -> batch -> prefetch, read by an initializable iterator whose
get_next() feeds a small CNN (conv 3x3 -> relu -> max pool -> dense ->
softmax cross entropy) trained by gradient descent.

Run with `pytest benchmarks/test_input_pipeline.py --benchmark-only`. The
files are written once per session (with Pillow's PNG encoder and
fastgraph's TFRecordWriter; TensorFlow reads them the same way, see
tests/tf_parity/test_io.py). Each round re-initializes the iterator and
runs the training step until the epoch ends; before timing, both systems
are checked to see every example once per epoch.
"""

import io

import numpy as np
import pytest

N, SIDE, CLASSES, BATCH, FILES = 1024, 28, 10, 32, 4

_rng = np.random.default_rng(0)
_W_CONV = _rng.normal(0, 0.1, (3, 3, 1, 8)).astype(np.float32)
_W_DENSE = _rng.normal(0, 0.05, (13 * 13 * 8, CLASSES)).astype(np.float32)


@pytest.fixture(scope="module")
def record_files(tmp_path_factory):
    from PIL import Image

    import fastgraph as fg
    root = tmp_path_factory.mktemp("records")
    paths = [str(root / f"train-{k}.tfrecord") for k in range(FILES)]
    writers = [fg.io.TFRecordWriter(p) for p in paths]
    for i in range(N):
        pixels = _rng.integers(0, 256, (SIDE, SIDE), dtype=np.uint8)
        buf = io.BytesIO()
        Image.fromarray(pixels, mode="L").save(buf, format="PNG")
        example = fg.train.Example(features=fg.train.Features(feature={
            "image": fg.train.Feature(bytes_list=fg.train.BytesList(value=[buf.getvalue()])),
            "label": fg.train.Feature(int64_list=fg.train.Int64List(value=[i % CLASSES])),
        }))
        writers[i % FILES].write(example.SerializeToString())
    for w in writers:
        w.close()
    return paths


def _build(tf, v1, paths):
    graph = tf.Graph()
    with graph.as_default():
        def parse(record):
            features = v1.parse_single_example(record, {
                "image": v1.FixedLenFeature([], tf.string),
                "label": v1.FixedLenFeature([], tf.int64)})
            image = tf.image.decode_png(features["image"], channels=1)
            image = tf.reshape(tf.cast(image, tf.float32) / 255.0, [SIDE, SIDE, 1])
            return image, tf.one_hot(features["label"], CLASSES)

        ds = tf.data.TFRecordDataset(paths).map(parse, num_parallel_calls=2)
        ds = ds.shuffle(512, seed=3).batch(BATCH).prefetch(2)
        it = v1.data.make_initializable_iterator(ds)
        x, y = it.get_next()
        w_conv = tf.Variable(_W_CONV)
        w_dense = tf.Variable(_W_DENSE)
        h = tf.nn.relu(tf.nn.conv2d(x, w_conv, [1, 1, 1, 1], "VALID"))
        h = tf.nn.max_pool2d(h, 2, 2, "VALID")
        logits = tf.matmul(tf.reshape(h, [-1, 13 * 13 * 8]), w_dense)
        loss = tf.reduce_mean(v1.nn.softmax_cross_entropy_with_logits_v2(labels=y,
                                                                          logits=logits))
        step = v1.train.GradientDescentOptimizer(0.1).minimize(loss)
        count = tf.shape(x)[0]
        sess = v1.Session(graph=graph)
        sess.run(v1.global_variables_initializer())

    def epoch():
        sess.run(it.initializer)
        seen = 0
        while True:
            try:
                _, n = sess.run([step, count])
            except tf.errors.OutOfRangeError:
                return seen
            seen += n
    return epoch, sess.close


@pytest.mark.parametrize("system", ["fastgraph", "tensorflow"])
def test_input_pipeline_epoch(benchmark, system, record_files):
    benchmark.group = "TFRecord Examples of PNGs -> parse -> decode -> shuffle -> batch -> CNN"
    if system == "fastgraph":
        import fastgraph as tf
    else:
        tf = pytest.importorskip("tensorflow")
        tf.compat.v1.disable_eager_execution()
    epoch, close = _build(tf, tf.compat.v1, record_files)
    try:
        assert epoch() == N
        benchmark.pedantic(epoch, rounds=3, iterations=1, warmup_rounds=1)
    finally:
        close()
