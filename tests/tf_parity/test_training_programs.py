"""Whole TF1 training programs of the kinds tutorials teach, run with the
import swapped: linear regression, logistic regression with summaries and a
checkpoint, an MLP classifier, an autoencoder, a CNN classifier and a
word2vec-style embedding with nce_loss. The same initial values and batches
in fastgraph and TensorFlow; the printed losses agree step by step."""

import numpy as np
import pytest

import fastgraph as fg

tf = pytest.importorskip("tensorflow")

RNG = np.random.default_rng(23)
STEPS = 20


def _train(api, build, batches, steps=STEPS):
    """build(api, v1) -> (placeholders, loss, train op); the losses of `steps` runs."""
    v1 = api.compat.v1
    g = api.Graph() if api is fg else v1.Graph()
    with g.as_default():
        phs, loss, train = build(api, v1)
        with v1.Session(graph=g) as sess:
            sess.run(v1.global_variables_initializer())
            out = []
            for i in range(steps):
                feed = dict(zip(phs, batches[i % len(batches)]))
                _, value = sess.run([train, loss], feed)
                out.append(value)
            return np.array(out)


def _same_losses(build, batches, rtol=1e-5, steps=STEPS):
    ours = _train(fg, build, batches, steps)
    theirs = _train(tf, build, batches, steps)
    assert np.all(np.isfinite(ours))
    np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=1e-7)
    return ours


def _init(*shape, scale=0.1):
    return (RNG.standard_normal(shape) * scale).astype(np.float32)


def test_linear_regression_with_gradient_descent():
    xs = RNG.uniform(-1, 1, (64, 1)).astype(np.float32)
    ys = (3.0 * xs - 0.5 + RNG.normal(0, 0.1, xs.shape)).astype(np.float32)

    def build(api, v1):
        x = v1.placeholder(api.float32, [None, 1])
        y = v1.placeholder(api.float32, [None, 1])
        w = v1.Variable(np.zeros((1, 1), np.float32), name="weight")
        b = v1.Variable(np.zeros(1, np.float32), name="bias")
        pred = api.add(api.matmul(x, w), b)
        loss = api.reduce_sum(api.pow(pred - y, 2)) / (2 * 64)
        return (x, y), loss, v1.train.GradientDescentOptimizer(0.5).minimize(loss)

    losses = _same_losses(build, [(xs, ys)])
    assert losses[-1] < losses[0] / 5


def test_logistic_regression_with_decay_and_global_step():
    xs = RNG.uniform(0, 1, (128, 12)).astype(np.float32)
    ys = np.eye(4, dtype=np.float32)[RNG.integers(0, 4, 128)]

    def build(api, v1):
        x = v1.placeholder(api.float32, [None, 12])
        y = v1.placeholder(api.float32, [None, 4])
        w = v1.Variable(api.zeros([12, 4]))
        b = v1.Variable(api.zeros([4]))
        pred = api.nn.softmax(api.matmul(x, w) + b)
        loss = api.reduce_mean(-api.reduce_sum(y * api.math.log(pred), axis=1))
        step = v1.train.get_or_create_global_step()
        lr = v1.train.exponential_decay(0.5, step, 5, 0.8, staircase=True)
        return (x, y), loss, v1.train.MomentumOptimizer(lr, 0.9).minimize(
            loss, global_step=step)

    _same_losses(build, [(xs[:64], ys[:64]), (xs[64:], ys[64:])])


def test_mlp_classifier_with_adam():
    xs = RNG.standard_normal((96, 30)).astype(np.float32)
    labels = RNG.integers(0, 5, 96).astype(np.int32)
    params = [_init(30, 32), _init(32), _init(32, 16), _init(16), _init(16, 5), _init(5)]

    def build(api, v1):
        x = v1.placeholder(api.float32, [None, 30])
        y = v1.placeholder(api.int32, [None])
        vs = [v1.Variable(p) for p in params]
        h = api.nn.relu(api.nn.bias_add(api.matmul(x, vs[0]), vs[1]))
        h = api.nn.elu(api.matmul(h, vs[2]) + vs[3])
        logits = api.matmul(h, vs[4]) + vs[5]
        loss = api.reduce_mean(api.nn.sparse_softmax_cross_entropy_with_logits(
            labels=y, logits=logits))
        return (x, y), loss, v1.train.AdamOptimizer(0.01).minimize(loss)

    losses = _same_losses(build, [(xs[:48], labels[:48]), (xs[48:], labels[48:])])
    assert losses[-2:].mean() < losses[:2].mean()


def test_autoencoder_with_rmsprop():
    xs = RNG.uniform(0, 1, (64, 24)).astype(np.float32)
    params = [_init(24, 8), _init(8), _init(8, 24), _init(24)]

    def build(api, v1):
        x = v1.placeholder(api.float32, [None, 24])
        vs = [v1.Variable(p) for p in params]
        code = api.nn.sigmoid(api.matmul(x, vs[0]) + vs[1])
        out = api.nn.sigmoid(api.matmul(code, vs[2]) + vs[3])
        loss = v1.losses.mean_squared_error(x, out)
        return (x,), loss, v1.train.RMSPropOptimizer(0.01).minimize(loss)

    _same_losses(build, [(xs,)])


def test_cnn_classifier_with_clipped_gradients():
    xs = RNG.standard_normal((8, 10, 10, 2)).astype(np.float32)
    labels = np.eye(3, dtype=np.float32)[RNG.integers(0, 3, 8)]
    k1, k2 = _init(3, 3, 2, 4, scale=0.3), _init(3, 3, 4, 6, scale=0.3)
    dense = _init(3 * 3 * 6, 3, scale=0.2)

    def build(api, v1):
        x = v1.placeholder(api.float32, [None, 10, 10, 2])
        y = v1.placeholder(api.float32, [None, 3])
        w1, w2, w3 = v1.Variable(k1), v1.Variable(k2), v1.Variable(dense)
        b1 = v1.Variable(np.zeros(4, np.float32))
        h = api.nn.relu(api.nn.conv2d(x, w1, [1, 1, 1, 1], "SAME") + b1)
        h = api.nn.max_pool(h, [1, 2, 2, 1], [1, 2, 2, 1], "VALID")
        h = api.nn.relu(api.nn.conv2d(h, w2, [1, 1, 1, 1], "SAME"))
        h = api.nn.avg_pool(h, [1, 2, 2, 1], [1, 2, 2, 1], "SAME")
        logits = api.matmul(api.reshape(h, [-1, 3 * 3 * 6]), w3)
        loss = api.reduce_mean(api.compat.v1.nn.softmax_cross_entropy_with_logits_v2(
            labels=y, logits=logits))
        opt = v1.train.GradientDescentOptimizer(0.1)
        grads, variables = zip(*opt.compute_gradients(loss))
        clipped, _ = api.clip_by_global_norm(grads, 1.0)
        return (x, y), loss, opt.apply_gradients(zip(clipped, variables))

    _same_losses(build, [(xs, labels)], rtol=1e-4)


def test_word2vec_style_embedding_with_nce_loss():
    vocab, dim, batch, sampled = 50, 8, 16, 6
    centers = RNG.integers(0, vocab, batch).astype(np.int32)
    contexts = RNG.integers(0, vocab, (batch, 1)).astype(np.int64)
    emb0 = RNG.uniform(-1, 1, (vocab, dim)).astype(np.float32)
    nce_w = _init(vocab, dim)
    # The negatives are given, so that both draw the same ones.
    negatives = RNG.choice(vocab, sampled, replace=False).astype(np.int64)
    q_true = np.full((batch, 1), sampled / vocab, np.float32)
    q_sampled = np.full(sampled, sampled / vocab, np.float32)

    def build(api, v1):
        x = v1.placeholder(api.int32, [None])
        y = v1.placeholder(api.int64, [None, 1])
        emb = v1.Variable(emb0)
        w = v1.Variable(nce_w)
        b = v1.Variable(np.zeros(vocab, np.float32))
        embed = api.nn.embedding_lookup(emb, x)
        loss = api.reduce_mean(api.nn.nce_loss(
            weights=w, biases=b, labels=y, inputs=embed, num_sampled=sampled,
            num_classes=vocab,
            sampled_values=(api.constant(negatives), api.constant(q_true),
                            api.constant(q_sampled))))
        return (x, y), loss, v1.train.AdagradOptimizer(0.5).minimize(loss)

    losses = _same_losses(build, [(centers, contexts)])
    assert losses[-1] < losses[0]
