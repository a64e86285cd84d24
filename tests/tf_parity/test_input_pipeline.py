"""A TF1 input pipeline of files, run with the import swapped: TFRecord
files of tf.train.Example protos holding PNG images -> parse -> decode ->
map -> batch -> prefetch -> a small CNN trained by gradient descent. Without
a shuffle the batches are the same in both systems, so the losses of every
step are TensorFlow's; with one, each epoch still holds every example."""

import io

import numpy as np
import pytest

import fastgraph as fg

tf = pytest.importorskip("tensorflow")
Image = pytest.importorskip("PIL.Image")

N, SIDE, CLASSES, BATCH = 96, 12, 4, 16
RNG = np.random.default_rng(5)
W_CONV = RNG.normal(0, 0.1, (3, 3, 3, 4)).astype(np.float32)
W_DENSE = RNG.normal(0, 0.05, (5 * 5 * 4, CLASSES)).astype(np.float32)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    root = tmp_path_factory.mktemp("pipeline")
    paths = [str(root / f"part-{k}.tfrecord") for k in range(3)]
    writers = [fg.io.TFRecordWriter(p) for p in paths]
    for i in range(N):
        buf = io.BytesIO()
        Image.fromarray(RNG.integers(0, 256, (SIDE, SIDE, 3), dtype=np.uint8)).save(buf, "PNG")
        example = fg.train.Example(features=fg.train.Features(feature={
            "image/encoded": fg.train.Feature(
                bytes_list=fg.train.BytesList(value=[buf.getvalue()])),
            "image/label": fg.train.Feature(int64_list=fg.train.Int64List(value=[i % CLASSES])),
        }))
        writers[i % 3].write(example.SerializeToString())
    for w in writers:
        w.close()
    return paths


def _train(api, paths, shuffle):
    steps = 2 * N // BATCH  # two epochs, then the end
    v1 = api.compat.v1
    g = api.Graph()
    with g.as_default():
        def parse(record):
            f = v1.parse_single_example(record, {
                "image/encoded": v1.FixedLenFeature([], api.string),
                "image/label": v1.FixedLenFeature([], api.int64, default_value=0)})
            image = api.image.convert_image_dtype(
                api.image.decode_png(f["image/encoded"], channels=3), api.float32)
            return image, api.one_hot(f["image/label"], CLASSES)

        ds = api.data.TFRecordDataset(paths).map(parse)
        if shuffle:
            ds = ds.shuffle(64, seed=1)
        ds = ds.batch(BATCH).prefetch(1)
        it = v1.data.make_one_shot_iterator(ds.repeat(2))
        x, y = it.get_next()
        h = api.nn.relu(api.nn.conv2d(x, api.Variable(W_CONV), [1, 1, 1, 1], "VALID"))
        h = api.nn.max_pool2d(h, 2, 2, "VALID")
        logits = api.matmul(api.reshape(h, [-1, 5 * 5 * 4]), api.Variable(W_DENSE))
        loss = api.reduce_mean(v1.nn.softmax_cross_entropy_with_logits_v2(labels=y,
                                                                           logits=logits))
        step = v1.train.GradientDescentOptimizer(0.5).minimize(loss)
        with v1.Session(graph=g) as sess:
            sess.run(v1.global_variables_initializer())
            out = [sess.run([loss, step, y])[::2] for _ in range(steps)]
            with pytest.raises(api.errors.OutOfRangeError):
                sess.run(loss)
    return out


def test_the_losses_of_every_step_are_tensorflows(files, tf_graph_mode):
    ours = _train(fg, files, False)
    theirs = _train(tf_graph_mode, files, False)
    np.testing.assert_allclose([o[0] for o in ours], [t[0] for t in theirs], rtol=1e-4)


def test_a_shuffled_epoch_holds_every_example(files, tf_graph_mode):
    batches = _train(fg, files, True)
    for epoch in (batches[:N // BATCH], batches[N // BATCH:]):
        labels = np.concatenate([y.argmax(1) for _, y in epoch])
        assert sorted(labels) == sorted(i % CLASSES for i in range(N))
