"""The training-step workloads: one `sess.run` of a model's loss and its
optimizer's update, with the same initial values on every system.

Each call runs one step, so the variables move; every system starts from
the same values, and the benchmark compares the first step's loss. The
`tf.function` peer is the same model written as TF2 code (variables,
`GradientTape`, the same TF1 optimizer's `apply_gradients`).
"""

import numpy as np

from .workload import Workload, dense_params

__all__ = ["TRAINING"]


def _train_output(tf, loss, train_op):
    # The fetch is the step's loss, read once the update has run.
    with tf.control_dependencies([train_op]):
        return tf.identity(loss)


class _Training(Workload):
    """A model, its loss and its optimizer: `model(tf, variables, ph)`
    returns the loss, `optimizer(tf)` the TF1 optimizer."""

    def initial_values(self):
        raise NotImplementedError

    def model(self, tf, variables, ph):
        raise NotImplementedError

    def optimizer(self, tf):
        raise NotImplementedError

    def graph(self, tf, ph):
        v1 = tf.compat.v1
        variables = [v1.Variable(value, name=name) for name, value in self.initial_values()]
        loss = self.model(tf, variables, ph)
        train_op = self.optimizer(tf).minimize(loss, var_list=variables)
        self._init = v1.global_variables_initializer()
        return _train_output(tf, loss, train_op)

    def setup(self, tf, sess):
        sess.run(self._init)

    def function(self, tf):
        variables = [tf.Variable(value, name=name) for name, value in self.initial_values()]
        opt = self.optimizer(tf)
        names = [n for n, _ in self.feeds]

        def step(*args):
            with tf.GradientTape() as tape:
                loss = self.model(tf, variables, dict(zip(names, args)))
            grads = tape.gradient(loss, variables)
            opt.apply_gradients(zip(grads, variables))
            return loss
        return step


class TrainMlp(_Training):
    name = "train_mlp_b128"
    what = "one Adam step of the 784-512-512-10 relu MLP, softmax cross-entropy, batch 128"
    feeds = (("x", [None, 784]), ("labels", [None]))

    def initial_values(self):
        values = []
        for i, (w, b) in enumerate(dense_params([784, 512, 512, 10], 11)):
            values += [(f"w{i}", w), (f"b{i}", b)]
        return values

    def inputs(self):
        rng = np.random.default_rng(12)
        return {"x": rng.normal(size=(128, 784)).astype(np.float32),
                "labels": rng.integers(0, 10, 128).astype(np.int32)}

    def model(self, tf, variables, ph):
        h = ph["x"]
        for i in range(0, len(variables), 2):
            h = tf.matmul(h, variables[i]) + variables[i + 1]
            if i + 2 < len(variables):
                h = tf.nn.relu(h)
        return tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=ph["labels"], logits=h))

    def optimizer(self, tf):
        return tf.compat.v1.train.AdamOptimizer(1e-3)


class TrainCnn(_Training):
    name = "train_cnn_b32"
    what = ("one Momentum step of conv3x3x32-relu-maxpool-conv3x3x64-relu-maxpool-dense(10), "
            "softmax cross-entropy, a (32,32,32,3) batch")
    feeds = (("x", [None, 32, 32, 3]), ("labels", [None]))

    def initial_values(self):
        rng = np.random.default_rng(13)
        return [("k1", (rng.normal(size=(3, 3, 3, 32)) / np.sqrt(27)).astype(np.float32)),
                ("b1", np.zeros(32, np.float32)),
                ("k2", (rng.normal(size=(3, 3, 32, 64)) / np.sqrt(288)).astype(np.float32)),
                ("b2", np.zeros(64, np.float32)),
                ("w", (rng.normal(size=(8 * 8 * 64, 10)) / 64).astype(np.float32)),
                ("b", np.zeros(10, np.float32))]

    def inputs(self):
        rng = np.random.default_rng(14)
        return {"x": rng.normal(size=(32, 32, 32, 3)).astype(np.float32),
                "labels": rng.integers(0, 10, 32).astype(np.int32)}

    def model(self, tf, variables, ph):
        k1, b1, k2, b2, w, b = variables
        h = tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(ph["x"], k1, 1, "SAME"), b1))
        h = tf.nn.max_pool2d(h, 2, 2, "VALID")
        h = tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(h, k2, 1, "SAME"), b2))
        h = tf.nn.max_pool2d(h, 2, 2, "VALID")
        logits = tf.matmul(tf.reshape(h, [-1, 8 * 8 * 64]), w) + b
        return tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=ph["labels"], logits=logits))

    def optimizer(self, tf):
        return tf.compat.v1.train.MomentumOptimizer(0.01, 0.9)


class TrainEmbedding(_Training):
    name = "train_embedding_b256"
    what = ("one Adagrad step of a linear model over the mean of 8 embeddings per example "
            "(a 20000x32 table), sigmoid cross-entropy, batch 256")
    feeds = (("ids", [None, 8]), ("labels", [None, 1]))

    def initial_values(self):
        rng = np.random.default_rng(15)
        return [("embedding", (rng.normal(size=(20000, 32)) * 0.1).astype(np.float32)),
                ("w", (rng.normal(size=(32, 1)) * 0.1).astype(np.float32)),
                ("b", np.zeros(1, np.float32))]

    def inputs(self):
        rng = np.random.default_rng(16)
        return {"ids": rng.integers(0, 20000, (256, 8)).astype(np.int32),
                "labels": rng.integers(0, 2, (256, 1)).astype(np.float32)}

    def model(self, tf, variables, ph):
        table, w, b = variables
        h = tf.reduce_mean(tf.gather(table, ph["ids"]), axis=1)
        logits = tf.matmul(h, w) + b
        return tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(
            labels=ph["labels"], logits=logits))

    def optimizer(self, tf):
        return tf.compat.v1.train.AdagradOptimizer(0.1)


TRAINING = (TrainMlp(), TrainCnn(), TrainEmbedding())
