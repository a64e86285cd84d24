"""tf.compat.v1.train's optimizers, global step, learning rate schedules and
moving averages against NumPy transcriptions of TF's update rules and
hand-computed values (TensorFlow itself: tests/tf_parity/test_optimizers.py)."""

import math

import numpy as np
import pytest

import fastgraph as tf
from tests.compare import assert_close

X = np.array([[0.5, -1.0], [1.5, 0.25], [-0.75, 2.0]])
Y = np.array([[1.0, 0.0], [0.5, -0.5], [2.0, 1.0]])
W0 = np.array([0.3, -0.2])
B0 = np.array(0.1)


def _grads(w, b):
    # loss = sum((x w + b - y)^2) elementwise: d/dw = sum_rows 2 err x, d/db = sum 2 err.
    err = X * w + b - Y
    return (2 * err * X).sum(axis=0), (2 * err).sum(), (err ** 2).sum()


def _train(make_opt, steps, dtype=np.float64, global_step=True):
    with tf.Graph().as_default():
        w = tf.Variable(W0.astype(dtype), name="w")
        b = tf.Variable(B0.astype(dtype), name="b")
        err = tf.constant(X.astype(dtype)) * w + b - tf.constant(Y.astype(dtype))
        loss = err * err
        step = tf.train.get_or_create_global_step() if global_step else None
        opt = make_opt()
        train = opt.minimize(loss, global_step=step)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            losses = []
            for _ in range(steps):
                losses.append(sess.run(loss).sum())
                sess.run(train)
            out = sess.run([w, b]) + [sess.run(step) if step is not None else None]
        return losses, out, opt, train


def _numpy_trajectory(update, steps, state):
    w, b = W0.copy(), B0.copy()
    losses = []
    for t in range(1, steps + 1):
        gw, gb, loss = _grads(w, b)
        losses.append(loss)
        w, b = update(t, (w, gw, state[0]), (b, gb, state[1]))
    return losses, [w, b]


def _check(make_opt, update, state, steps=8):
    losses, (w, b, step), opt, train = _train(make_opt, steps)
    want_losses, (ww, wb) = _numpy_trajectory(update, steps, state)
    # The hyperparameters are float32 tensors cast to the float64 variables'
    # type, as in TF: they differ from the NumPy rule's Python floats in the
    # 8th digit.
    assert_close(np.array(losses), np.array(want_losses), rtol=1e-6, atol=1e-6)
    assert_close(w, ww, rtol=1e-6, atol=1e-6)
    assert_close(b, wb, rtol=1e-6, atol=1e-6)
    assert step == steps
    return opt


def test_gradient_descent():
    def update(t, *pairs):
        return [v - 0.05 * g for v, g, _ in pairs]
    _check(lambda: tf.train.GradientDescentOptimizer(0.05), update, [{}, {}])


@pytest.mark.parametrize("nesterov", [False, True])
def test_momentum(nesterov):
    state = [{"a": np.zeros(2)}, {"a": np.zeros(())}]

    def update(t, *pairs):
        out = []
        for v, g, s in pairs:
            s["a"] = 0.9 * s["a"] + g
            out.append(v - 0.02 * (g + 0.9 * s["a"]) if nesterov else v - 0.02 * s["a"])
        return out
    opt = _check(lambda: tf.train.MomentumOptimizer(0.02, 0.9, use_nesterov=nesterov),
                 update, state)
    assert opt.get_slot_names() == ["momentum"]


def test_adam():
    state = [{"m": np.zeros(2), "v": np.zeros(2)}, {"m": np.zeros(()), "v": np.zeros(())}]

    f32 = lambda x: float(np.float32(x))  # noqa: E731 - the float32 hyperparameters
    b1, b2 = f32(0.9), f32(0.999)
    powers = {"p1": np.float32(0.9), "p2": np.float32(0.999)}  # float32 variables, as TF's

    def update(t, *pairs):
        out = []
        lr_t = f32(0.1) * math.sqrt(1 - float(powers["p2"])) / (1 - float(powers["p1"]))
        for v, g, s in pairs:
            s["m"] = s["m"] + (g - s["m"]) * (1 - b1)
            s["v"] = s["v"] + (g * g - s["v"]) * (1 - b2)
            out.append(v - lr_t * s["m"] / (np.sqrt(s["v"]) + f32(1e-8)))
        powers["p1"] = np.float32(powers["p1"] * np.float32(0.9))
        powers["p2"] = np.float32(powers["p2"] * np.float32(0.999))
        return out
    opt = _check(lambda: tf.train.AdamOptimizer(0.1), update, state)
    assert opt.get_slot_names() == ["m", "v"]


def test_adagrad():
    state = [{"a": np.full(2, 0.1)}, {"a": np.full((), 0.1)}]

    def update(t, *pairs):
        out = []
        for v, g, s in pairs:
            s["a"] = s["a"] + g * g
            out.append(v - 0.3 * g / np.sqrt(s["a"]))
        return out
    _check(lambda: tf.train.AdagradOptimizer(0.3), update, state)


@pytest.mark.parametrize("centered", [False, True])
def test_rmsprop(centered):
    state = [{"ms": np.ones(2), "mg": np.zeros(2), "mom": np.zeros(2)},
             {"ms": np.ones(()), "mg": np.zeros(()), "mom": np.zeros(())}]

    def update(t, *pairs):
        out = []
        for v, g, s in pairs:
            s["ms"] = 0.9 * s["ms"] + 0.1 * g * g
            s["mg"] = 0.9 * s["mg"] + 0.1 * g
            denom = s["ms"] - s["mg"] ** 2 if centered else s["ms"]
            s["mom"] = 0.5 * s["mom"] + 0.01 * g / np.sqrt(denom + 1e-10)
            out.append(v - s["mom"])
        return out
    opt = _check(lambda: tf.train.RMSPropOptimizer(0.01, momentum=0.5, centered=centered),
                 update, state)
    assert opt.get_slot_names() == (["mg", "momentum", "rms"] if centered else
                                    ["momentum", "rms"])


def test_adadelta():
    state = [{"a": np.zeros(2), "u": np.zeros(2)}, {"a": np.zeros(()), "u": np.zeros(())}]

    def update(t, *pairs):
        out = []
        for v, g, s in pairs:
            s["a"] = 0.95 * s["a"] + 0.05 * g * g
            step = np.sqrt(s["u"] + 1e-6) / np.sqrt(s["a"] + 1e-6) * g
            s["u"] = 0.95 * s["u"] + 0.05 * step * step
            out.append(v - 1.0 * step)
        return out
    _check(lambda: tf.train.AdadeltaOptimizer(1.0, epsilon=1e-6), update, state)


def test_ftrl():
    state = [{"n": np.full(2, 0.1), "z": np.zeros(2)}, {"n": np.full((), 0.1), "z": np.zeros(())}]
    lr, l1, l2 = 0.5, 0.05, 0.1

    def update(t, *pairs):
        out = []
        for v, g, s in pairs:
            n_new = s["n"] + g * g
            s["z"] = s["z"] + g - (np.sqrt(n_new) - np.sqrt(s["n"])) / lr * v
            s["n"] = n_new
            out.append(np.where(np.abs(s["z"]) > l1,
                                (l1 * np.sign(s["z"]) - s["z"]) / (np.sqrt(n_new) / lr + 2 * l2),
                                0.0))
        return out
    _check(lambda: tf.train.FtrlOptimizer(lr, l1_regularization_strength=l1,
                                          l2_regularization_strength=l2), update, state)


def test_proximal_gradient_descent_and_adagrad():
    def prox(v, rate, l1, l2):
        return np.sign(v) * np.maximum(np.abs(v) - rate * l1, 0) / (1 + rate * l2)

    def update_gd(t, *pairs):
        return [prox(v - 0.05 * g, 0.05, 0.1, 0.2) for v, g, _ in pairs]
    _check(lambda: tf.train.ProximalGradientDescentOptimizer(
        0.05, l1_regularization_strength=0.1, l2_regularization_strength=0.2), update_gd,
        [{}, {}])
    state = [{"a": np.full(2, 0.1)}, {"a": np.full((), 0.1)}]

    def update_ada(t, *pairs):
        out = []
        for v, g, s in pairs:
            s["a"] = s["a"] + g * g
            rate = 0.3 / np.sqrt(s["a"])
            out.append(prox(v - rate * g, rate, 0.1, 0.2))
        return out
    _check(lambda: tf.train.ProximalAdagradOptimizer(
        0.3, l1_regularization_strength=0.1, l2_regularization_strength=0.2), update_ada, state)


def test_slots_are_named_as_tfs_and_listed():
    _, _, opt, train = _train(lambda: tf.train.AdamOptimizer(0.1), 1)
    graph = train.graph
    with graph.as_default():
        names = [v.op.name for v in tf.global_variables()]
        assert names == ["w", "b", "global_step", "beta1_power", "beta2_power", "w/Adam",
                         "w/Adam_1", "b/Adam", "b/Adam_1"]
        assert [v.op.name for v in opt.variables()] == ["b/Adam", "b/Adam_1", "beta1_power",
                                                        "beta2_power", "w/Adam", "w/Adam_1"]
        w = tf.global_variables()[0]
        assert opt.get_slot(w, "m").op.name == "w/Adam"
        assert opt.get_slot(w, "nope") is None
        assert not any(v.trainable for v in opt.variables())
    assert train.name == "Adam" and train.type == "AssignAdd"
    assert train in graph.get_collection(tf.GraphKeys.TRAIN_OP)


def test_float32_variables_and_a_tensor_learning_rate():
    lr = {}

    def make():
        lr["t"] = tf.placeholder_with_default(np.float32(0.05), [])
        return tf.train.GradientDescentOptimizer(lr["t"])
    losses, (w, b, _), _, _ = _train(make, 5, dtype=np.float32)
    assert w.dtype == np.float32
    want, (ww, wb) = _numpy_trajectory(lambda t, *p: [v - 0.05 * g for v, g, _ in p], 5, [{}, {}])
    assert_close(w, ww.astype(np.float32), rtol=1e-5, atol=1e-5)


def test_apply_gradients_without_global_step_groups_the_updates():
    with tf.Graph().as_default():
        w = tf.Variable(np.array([1.0, 2.0]), name="w")
        opt = tf.train.GradientDescentOptimizer(0.5)
        train = opt.apply_gradients([(tf.constant([1.0, -1.0], tf.float64), w)])
        assert train.name == "GradientDescent" and train.type == "NoOp"
        with tf.Session() as sess:
            sess.run(w.initializer)
            sess.run(train)
            assert_close(sess.run(w), np.array([0.5, 2.5]))


def test_errors():
    with tf.Graph().as_default():
        w = tf.Variable([1.0], name="w")
        c = tf.Variable([1.0], name="c", trainable=False)
        loss = c * 2.0
        with pytest.raises(ValueError, match=r"No gradients provided for any variable, check "
                                             r"your graph for ops that do not support "
                                             r"gradients, between variables \[\"<tf.Variable "
                                             r"'w:0' shape=\(1,\) dtype=float32>\"\] and loss "
                                             r"Tensor\(\"mul:0\", shape=\(1,\), "
                                             r"dtype=float32\)\."):
            tf.train.GradientDescentOptimizer(0.1).minimize(loss, var_list=[w])
        with pytest.raises(ValueError, match="No variables to optimize."):
            tf.train.GradientDescentOptimizer(0.1).minimize(loss, var_list=[])
        with pytest.raises(ValueError, match="No variables provided."):
            tf.train.GradientDescentOptimizer(0.1).apply_gradients([])
        with pytest.raises(ValueError, match="No gradients provided for any variable: "):
            tf.train.GradientDescentOptimizer(0.1).apply_gradients([(None, w)])
        with pytest.raises(ValueError, match="gate_gradients must be one of"):
            tf.train.GradientDescentOptimizer(0.1).minimize(loss, gate_gradients=7)
        with pytest.raises(ValueError, match="Must specify the optimizer name"):
            tf.train.GradientDescentOptimizer(0.1, name="")
        with pytest.raises(ValueError, match="initial_accumulator_value must be positive"):
            tf.train.AdagradOptimizer(0.1, initial_accumulator_value=0.0)


def test_global_step():
    with tf.Graph().as_default() as g:
        assert tf.train.get_global_step() is None
        step = tf.train.get_or_create_global_step()
        assert step.op.name == "global_step" and step.dtype == tf.int64
        assert not step.trainable
        assert tf.train.get_or_create_global_step() is step
        assert tf.train.get_global_step(g) is step
        assert g.get_collection(tf.GraphKeys.GLOBAL_STEP) == [step]
        with pytest.raises(ValueError, match='"global_step" already exists.'):
            tf.train.create_global_step()
        with tf.Session() as sess:
            sess.run(step.initializer)
            assert tf.train.global_step(sess, step) == 0


def _schedule(fn, steps=12):
    with tf.Graph().as_default():
        step = tf.train.get_or_create_global_step()
        lr = fn(step)
        inc = tf.assign_add(step, 1)
        with tf.Session() as sess:
            sess.run(step.initializer)
            out = []
            for _ in range(steps):
                out.append(sess.run(lr))
                sess.run(inc)
    return np.array(out)


S = np.arange(12.0)


@pytest.mark.parametrize("fn,want", [
    (lambda s: tf.train.exponential_decay(0.1, s, 4, 0.5), 0.1 * 0.5 ** (S / 4)),
    (lambda s: tf.train.exponential_decay(0.1, s, 4, 0.5, staircase=True),
     0.1 * 0.5 ** np.floor(S / 4)),
    (lambda s: tf.train.piecewise_constant(s, [3, 7], [1.0, 0.5, 0.1]),
     np.where(S <= 3, 1.0, np.where(S <= 7, 0.5, 0.1))),
    (lambda s: tf.train.polynomial_decay(0.1, s, 8, end_learning_rate=0.01, power=2.0),
     0.09 * (1 - np.minimum(S, 8) / 8) ** 2 + 0.01),
    (lambda s: tf.train.natural_exp_decay(0.1, s, 4, 0.3), 0.1 * np.exp(-0.3 * S / 4)),
    (lambda s: tf.train.inverse_time_decay(0.1, s, 4, 0.5), 0.1 / (1 + 0.5 * S / 4)),
    (lambda s: tf.train.cosine_decay(0.1, s, 8, alpha=0.2),
     0.1 * (0.8 * 0.5 * (1 + np.cos(np.pi * np.minimum(S, 8) / 8)) + 0.2)),
    (lambda s: tf.train.cosine_decay_restarts(0.1, s, 4, t_mul=1.0),
     0.1 * 0.5 * (1 + np.cos(np.pi * (S / 4 - np.floor(S / 4))))),
    (lambda s: tf.train.linear_cosine_decay(0.1, s, 8, num_periods=1.0, beta=0.0),
     0.1 * ((8 - np.minimum(S, 8)) / 8) * 0.5 * (1 + np.cos(np.pi * 2 * np.minimum(S, 8) / 8))),
])
def test_learning_rate_schedules(fn, want):
    got = _schedule(fn)
    assert got.dtype == np.float32
    assert_close(got, want.astype(np.float32), rtol=1e-5, atol=1e-6)


def test_exponential_moving_average():
    with tf.Graph().as_default():
        w = tf.Variable(np.array([1.0, -2.0]), name="w")
        ema = tf.train.ExponentialMovingAverage(0.75)
        assert ema.average_name(w) == "w/ExponentialMovingAverage"
        keep = ema.apply([w])
        assert ema.average(w).op.name == "w/ExponentialMovingAverage"
        assert ema.variables_to_restore() == {"w/ExponentialMovingAverage": w}
        with tf.control_dependencies([keep]):
            move = tf.assign_add(w, [1.0, 1.0])
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            shadow, value = np.array([1.0, -2.0]), np.array([1.0, -2.0])
            for _ in range(4):
                sess.run(move)
                shadow = shadow - 0.25 * (shadow - value)
                value = value + 1.0
                assert_close(sess.run(ema.average(w)), shadow)


def test_noisy_linear_cosine_decay():
    # Without variance it is linear_cosine_decay; with it, each step's noise
    # has the variance initial_variance / (1 + step) ** variance_decay.
    quiet = _schedule(lambda s: tf.train.noisy_linear_cosine_decay(
        0.1, s, 8, initial_variance=0.0, num_periods=1.0))
    plain = _schedule(lambda s: tf.train.linear_cosine_decay(0.1, s, 8, num_periods=1.0))
    assert_close(quiet, plain, rtol=1e-6, atol=1e-7)
    with tf.Graph().as_default():
        step = tf.train.get_or_create_global_step()
        lr = tf.train.noisy_linear_cosine_decay(1.0, step, 8, initial_variance=0.5,
                                                num_periods=0.0, beta=0.0)
        with tf.Session() as sess:
            sess.run(step.initializer)
            sess.run(tf.assign(step, 3))
            draws = np.array([sess.run(lr) for _ in range(4000)])
    # num_periods 0: the cosine factor is 1, so lr = linear + noise.
    assert abs(draws.mean() - 5 / 8) < 0.05
    assert abs(draws.var() - 0.5 / 4 ** 0.55) < 0.03


def test_use_locking_reaches_the_update_ops():
    losses, out, opt, train = _train(lambda: tf.train.AdamOptimizer(0.1, use_locking=True), 4)
    plain, out_plain, _, _ = _train(lambda: tf.train.AdamOptimizer(0.1), 4)
    updates = [op for op in train.graph.get_operations() if op.type in ("ApplyAdam", "Assign")
               and op.name.startswith("Adam/")]
    assert updates and all(op.get_attr("use_locking") for op in updates)
    assert_close(np.array(losses), np.array(plain), rtol=0, atol=0)
