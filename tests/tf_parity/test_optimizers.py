"""tf.compat.v1.train's optimizers against TensorFlow 2.21: whole training
trajectories (the same model, data and initial values, 20 steps of each
optimizer), the variables they create and their names, the global step,
the learning rate schedules, moving averages and TF's errors."""

import numpy as np
import pytest

import fastgraph as fg

from .parity import assert_same, tf

STEPS = 20
RNG = np.random.default_rng(7)
X = RNG.uniform(-1, 1, (16, 3))
Y = np.sin(3 * X) + 0.1 * X[:, :1]
INIT = {"w1": RNG.uniform(-1, 1, (3,)), "b1": RNG.uniform(-0.5, 0.5, (3,)),
        "w2": RNG.uniform(-1, 1, (16, 3)), "b2": np.array(0.2)}

OPTIMIZERS = {
    "sgd": lambda t: t.GradientDescentOptimizer(0.01),
    "momentum": lambda t: t.MomentumOptimizer(0.01, 0.9),
    "nesterov": lambda t: t.MomentumOptimizer(0.01, 0.9, use_nesterov=True),
    "adam": lambda t: t.AdamOptimizer(0.05),
    "adam_tuned": lambda t: t.AdamOptimizer(0.02, beta1=0.8, beta2=0.99, epsilon=1e-6),
    "adagrad": lambda t: t.AdagradOptimizer(0.2, initial_accumulator_value=0.5),
    "rmsprop": lambda t: t.RMSPropOptimizer(0.01),
    "rmsprop_momentum": lambda t: t.RMSPropOptimizer(0.01, decay=0.8, momentum=0.5,
                                                     epsilon=1e-6),
    "rmsprop_centered": lambda t: t.RMSPropOptimizer(0.01, momentum=0.3, centered=True),
    "adadelta": lambda t: t.AdadeltaOptimizer(1.0, rho=0.9, epsilon=1e-6),
    "ftrl": lambda t: t.FtrlOptimizer(0.3, l1_regularization_strength=0.01,
                                      l2_regularization_strength=0.02),
    "ftrl_power": lambda t: t.FtrlOptimizer(0.3, learning_rate_power=-0.7,
                                            initial_accumulator_value=0.2),
    "ftrl_shrinkage": lambda t: t.FtrlOptimizer(0.3, l1_regularization_strength=0.01,
                                                l2_shrinkage_regularization_strength=0.05),
    "ftrl_beta": lambda t: t.FtrlOptimizer(0.3, l2_regularization_strength=0.01, beta=0.5),
    "proximal_sgd": lambda t: t.ProximalGradientDescentOptimizer(
        0.01, l1_regularization_strength=0.01, l2_regularization_strength=0.02),
    "proximal_adagrad": lambda t: t.ProximalAdagradOptimizer(
        0.2, l1_regularization_strength=0.01, l2_regularization_strength=0.02),
}


def _model(api, dtype):
    """A small two-layer model of Mul/AddV2/Sub/Tanh; its loss is the
    elementwise squared error (minimized as its sum, as TF does)."""
    v1 = api.compat.v1
    with v1.variable_scope("dense"):
        w1 = v1.Variable(INIT["w1"].astype(dtype), name="w1")
        b1 = v1.Variable(INIT["b1"].astype(dtype), name="b1")
    w2 = v1.Variable(INIT["w2"].astype(dtype), name="w2")
    b2 = v1.Variable(INIT["b2"].astype(dtype), name="b2")
    hidden = api.tanh(api.constant(X.astype(dtype)) * w1 + b1)
    err = hidden * w2 + b2 - api.constant(Y.astype(dtype))
    return err * err, [w1, b1, w2, b2]


def _trajectory(api, make_opt, dtype, steps=STEPS, global_step=True, lr_fn=None):
    """Losses (summed) before each step, the final variables, every global
    variable's name, the slot names, the step and the train op's name."""
    v1 = api.compat.v1
    g = api.Graph()
    with g.as_default():
        loss, var_list = _model(api, dtype)
        step = v1.train.get_or_create_global_step() if global_step else None
        opt = make_opt(v1.train) if lr_fn is None else make_opt(v1.train, lr_fn(v1.train, step))
        train = opt.minimize(loss, global_step=step)
        slots = {name: [opt.get_slot(v, name).op.name for v in var_list]
                 for name in opt.get_slot_names()}
        names = [v.op.name for v in v1.global_variables()]
        opt_vars = [v.op.name for v in opt.variables()]
        with v1.Session(graph=g) as sess:
            sess.run(v1.global_variables_initializer())
            losses = []
            for _ in range(steps):
                losses.append(np.sum(sess.run(loss)))
                sess.run(train)
            final = sess.run(var_list)
            step_value = sess.run(step) if step is not None else None
    return dict(losses=np.array(losses), final=final, names=names, slots=slots,
                opt_vars=opt_vars, step=step_value, train=train.name)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("which", sorted(OPTIMIZERS))
def test_trajectory_matches_tf(which, dtype):
    ours = _trajectory(fg, OPTIMIZERS[which], dtype)
    rtol = 1e-5 if dtype == np.float32 else 1e-10
    if which.startswith("proximal") and dtype == np.float64:
        # TF's proximal optimizers pass their float32 rates to float64
        # variables' ops uncast, which refuse them; fastgraph casts them as
        # the other optimizers do, and follows TF's float32 trajectory.
        with pytest.raises(TypeError, match="does not match type float32"):
            _trajectory(tf, OPTIMIZERS[which], dtype)
        theirs = _trajectory(tf, OPTIMIZERS[which], np.float32)
        assert_same(ours["losses"].astype(np.float32), theirs["losses"], rtol=1e-4, atol=1e-4)
        return
    theirs = _trajectory(tf, OPTIMIZERS[which], dtype)
    assert_same(ours["losses"], theirs["losses"], rtol=rtol, atol=rtol)
    assert theirs["losses"][-1] < theirs["losses"][0]  # the model does learn
    for a, b in zip(ours["final"], theirs["final"]):
        assert_same(a, b, rtol=3 * rtol, atol=3 * rtol)
    for key in ("names", "slots", "opt_vars", "step", "train"):
        assert ours[key] == theirs[key], key


SCHEDULES = {
    "exponential": lambda t, s: t.exponential_decay(0.1, s, 5, 0.5),
    "exponential_staircase": lambda t, s: t.exponential_decay(0.1, s, 5, 0.5, staircase=True),
    "piecewise": lambda t, s: t.piecewise_constant(s, [4, 9, 15], [0.1, 0.05, 0.02, 0.01]),
    "polynomial": lambda t, s: t.polynomial_decay(0.1, s, 12, end_learning_rate=0.01,
                                                  power=2.0),
    "polynomial_cycle": lambda t, s: t.polynomial_decay(0.1, s, 6, power=0.5, cycle=True),
    "natural_exp": lambda t, s: t.natural_exp_decay(0.1, s, 4, 0.3),
    "natural_exp_staircase": lambda t, s: t.natural_exp_decay(0.1, s, 4, 0.3, staircase=True),
    "inverse_time": lambda t, s: t.inverse_time_decay(0.1, s, 3, 0.5),
    "inverse_time_staircase": lambda t, s: t.inverse_time_decay(0.1, s, 3, 0.5, True),
    "cosine": lambda t, s: t.cosine_decay(0.1, s, 15, alpha=0.1),
    "cosine_restarts": lambda t, s: t.cosine_decay_restarts(0.1, s, 4, t_mul=2.0, m_mul=0.8,
                                                            alpha=0.05),
    "cosine_restarts_flat": lambda t, s: t.cosine_decay_restarts(0.1, s, 5, t_mul=1.0),
    "linear_cosine": lambda t, s: t.linear_cosine_decay(0.1, s, 15, num_periods=2.0,
                                                        alpha=0.1),
    # The noise is fastgraph's own draw: without variance the rest is TF's.
    "noisy_linear_cosine_quiet": lambda t, s: t.noisy_linear_cosine_decay(
        0.1, s, 15, initial_variance=0.0, num_periods=2.0, alpha=0.1),
}


def _schedule_values(api, which):
    v1 = api.compat.v1
    g = api.Graph()
    with g.as_default():
        step = v1.train.get_or_create_global_step()
        lr = SCHEDULES[which](v1.train, step)
        inc = v1.assign_add(step, 1)
        with v1.Session(graph=g) as sess:
            sess.run(v1.global_variables_initializer())
            values = []
            for _ in range(25):
                values.append(sess.run(lr))
                sess.run(inc)
    return np.array(values)


@pytest.mark.parametrize("which", sorted(SCHEDULES))
def test_learning_rate_schedule_matches_tf(which):
    ours, theirs = _schedule_values(fg, which), _schedule_values(tf, which)
    assert ours.dtype == theirs.dtype
    assert_same(ours, theirs)


def test_schedule_drives_an_optimizer():
    make = lambda t, lr: t.MomentumOptimizer(lr, 0.9)  # noqa: E731
    lr_fn = lambda t, s: t.exponential_decay(0.01, s, 5, 0.5)  # noqa: E731
    ours = _trajectory(fg, make, np.float32, lr_fn=lr_fn)
    theirs = _trajectory(tf, make, np.float32, lr_fn=lr_fn)
    assert_same(ours["losses"], theirs["losses"])
    assert ours["step"] == theirs["step"] == STEPS


def test_tensor_learning_rate_and_no_global_step():
    make = lambda t: t.AdamOptimizer(fg_or_tf_constant(t, 0.05))  # noqa: E731
    ours = _trajectory(fg, make, np.float32, global_step=False)
    theirs = _trajectory(tf, make, np.float32, global_step=False)
    assert_same(ours["losses"], theirs["losses"])
    assert ours["names"] == theirs["names"] and ours["train"] == theirs["train"]


def fg_or_tf_constant(train_module, value):
    api = fg if train_module is fg.compat.v1.train else tf
    return api.constant(value)


def test_compute_and_apply_gradients_separately():
    def run(api):
        v1 = api.compat.v1
        g = api.Graph()
        with g.as_default():
            loss, var_list = _model(api, np.float32)
            opt = v1.train.GradientDescentOptimizer(0.1)
            grads_and_vars = opt.compute_gradients(loss, var_list=var_list[:2])
            # Scaled gradients, and a variable left out of the update.
            train = opt.apply_gradients([(g_ * 0.5, v) for g_, v in grads_and_vars],
                                        name="half_step")
            with v1.Session(graph=g) as sess:
                sess.run(v1.global_variables_initializer())
                grads = sess.run([g_ for g_, _ in grads_and_vars])
                for _ in range(3):
                    sess.run(train)
                return grads, sess.run(var_list), train.name
    ours, theirs = run(fg), run(tf)
    for a, b in zip(ours[0] + ours[1], theirs[0] + theirs[1]):
        assert_same(a, b)
    assert ours[2] == theirs[2] == "half_step"


def _error(api, fn):
    v1 = api.compat.v1
    with api.Graph().as_default():
        with pytest.raises((ValueError, TypeError)) as info:
            fn(api, v1)
    return type(info.value), str(info.value)


ERRORS = {
    "no_variables": lambda api, v1: v1.train.AdamOptimizer().minimize(
        api.constant([1.0]) * 2.0, var_list=[]),
    "adagrad_accumulator": lambda api, v1: v1.train.AdagradOptimizer(
        0.1, initial_accumulator_value=0.0),
    "ftrl_power": lambda api, v1: v1.train.FtrlOptimizer(0.1, learning_rate_power=0.5),
    "ftrl_l1": lambda api, v1: v1.train.FtrlOptimizer(0.1, l1_regularization_strength=-1.0),
    "piecewise_lengths": lambda api, v1: v1.train.piecewise_constant(
        api.constant(1), [1, 2], [0.1, 0.2]),
    "decay_without_step": lambda api, v1: v1.train.exponential_decay(0.1, None, 10, 0.5),
    "global_step_twice": lambda api, v1: [v1.train.create_global_step(),
                                          v1.train.create_global_step()],
    "int_loss": lambda api, v1: v1.train.GradientDescentOptimizer(0.1).minimize(
        api.constant([1, 2])),
}


def test_no_gradients_message_is_tfs():
    def run(api):
        v1 = api.compat.v1
        with api.Graph().as_default():
            w = v1.Variable([1.0], name="w")
            c = v1.Variable([1.0], name="c", trainable=False)
            loss = c * 2.0 + api.constant([0.0])
            with pytest.raises(ValueError) as info:
                v1.train.GradientDescentOptimizer(0.1).minimize(loss, var_list=[w])
            return str(info.value)
    ours, theirs = run(fg), run(tf)
    assert ours.startswith("No gradients provided for any variable, check your graph for ops "
                           "that do not support gradients, between variables [\"<tf.Variable "
                           "'w:0' shape=(1,) dtype=float32>\"] and loss ")
    assert ours == theirs


@pytest.mark.parametrize("which", sorted(ERRORS))
def test_errors_are_tfs(which):
    ours, theirs = _error(fg, ERRORS[which]), _error(tf, ERRORS[which])
    assert ours[0] is theirs[0], (ours, theirs)
    if which == "int_loss":  # TF lists bfloat16 too, which fastgraph does not have
        assert ours[1] == "Invalid type tf.int32 for Const:0, expected: [tf.float32, " \
            "tf.float64, tf.float16]."
        assert theirs[1].startswith(ours[1][:-2])
    else:
        assert ours[1] == theirs[1]


def _ema(api):
    v1 = api.compat.v1
    g = api.Graph()
    with g.as_default():
        w = v1.Variable(np.array([1.0, -2.0], np.float32), name="w")
        b = v1.Variable(np.float32(0.5), name="b")
        step = v1.Variable(0, trainable=False, name="step")
        ema = v1.train.ExponentialMovingAverage(0.9, num_updates=step)
        keep = ema.apply([w, b])
        with g.control_dependencies([keep]):
            move = v1.group(v1.assign_add(w, [0.5, 0.25]), v1.assign_add(b, 1.0),
                            v1.assign_add(step, 1))
        names = (ema.average_name(w), ema.average(w).op.name,
                 sorted(ema.variables_to_restore()), [v.op.name for v in v1.global_variables()])
        with v1.Session(graph=g) as sess:
            sess.run(v1.global_variables_initializer())
            values = []
            for _ in range(5):
                sess.run(move)
                values.append(sess.run([ema.average(w), ema.average(b)]))
    return names, values


def test_exponential_moving_average_matches_tf():
    (ours_names, ours), (theirs_names, theirs) = _ema(fg), _ema(tf)
    assert ours_names == theirs_names
    for a, b in zip(ours, theirs):
        for x, y in zip(a, b):
            assert_same(x, y)


def test_clip_by_global_norm_and_norm_match_tf():
    a = RNG.normal(size=(3, 4)).astype(np.float32)
    b = RNG.normal(size=(5,)).astype(np.float32)

    def run(api):
        g = api.Graph()
        with g.as_default():
            ta, tb = api.constant(a), api.constant(b)
            clipped, norm = api.clip_by_global_norm([ta, None, tb], 1.5)
            big, _ = api.clip_by_global_norm([ta], 100.0)
            by_norm = api.clip_by_norm(ta, 0.7)
            by_axes = api.clip_by_norm(ta, 0.7, axes=[1])
            with api.compat.v1.Session(graph=g) as sess:
                return sess.run([clipped[0], clipped[2], norm, big[0], by_norm, by_axes]), \
                    clipped[1]
    (ours, none_ours), (theirs, none_theirs) = run(fg), run(tf)
    assert none_ours is None and none_theirs is None
    for x, y in zip(ours, theirs):
        assert_same(x, y)


def test_training_resumes_from_the_other_ones_checkpoint(tmp_path):
    """Adam trained 6 steps in TF, saved, restored into fastgraph (and the
    other way round) continues as TF does: the slots, beta powers and
    global step are checkpointed under TF's names."""
    make = OPTIMIZERS["adam"]

    def session_of(api):
        v1 = api.compat.v1
        g = api.Graph()
        with g.as_default():
            loss, var_list = _model(api, np.float32)
            step = v1.train.get_or_create_global_step()
            train = make(v1.train).minimize(loss, global_step=step)
            saver = v1.train.Saver()
            sess = v1.Session(graph=g)
            sess.run(v1.global_variables_initializer())
        return sess, loss, train, var_list, saver, step

    def run_steps(sess, loss, train, n):
        out = []
        for _ in range(n):
            out.append(np.sum(sess.run(loss)))
            sess.run(train)
        return out

    for first, second in ((tf, fg), (fg, tf)):
        sess, loss, train, _, saver, _ = session_of(first)
        run_steps(sess, loss, train, 6)
        with sess.graph.as_default():  # TF's Saver runs in graph mode only there
            path = saver.save(sess, str(tmp_path / f"from_{first.__name__}"))
        expected = run_steps(sess, loss, train, 6)
        sess.close()
        sess, loss, train, var_list, saver, step = session_of(second)
        with sess.graph.as_default():
            saver.restore(sess, path)
        assert sess.run(step) == 6
        assert_same(np.array(run_steps(sess, loss, train, 6)), np.array(expected))
        sess.close()


def _has_gradients(*op_types):
    from fastgraph.framework import op_registry
    return all(op_registry.get(t).gradient not in (None, op_registry.NOT_DIFFERENTIABLE)
               for t in op_types)


MLP_OPS = ("MatMul", "Sum", "Mean", "SparseSoftmaxCrossEntropyWithLogits", "BiasAdd")


@pytest.mark.skipif(not _has_gradients(*MLP_OPS),
                    reason="needs the gradients of " + ", ".join(MLP_OPS))
@pytest.mark.parametrize("which", ["adam", "rmsprop_centered", "nesterov", "ftrl"])
def test_mlp_classifier_matches_tf(which):
    """A 2-layer classifier (MatMul, bias, tanh, softmax cross-entropy, an L2
    term) on fed data, the loss fetched with the train op in one run."""
    rng = np.random.default_rng(0)
    x_data = rng.normal(size=(32, 5)).astype(np.float32)
    y_data = rng.integers(0, 3, 32)
    w1_0 = (rng.normal(size=(5, 8)) * 0.5).astype(np.float32)
    w2_0 = (rng.normal(size=(8, 3)) * 0.5).astype(np.float32)
    make = {"adam": lambda t: t.AdamOptimizer(0.05),
            "rmsprop_centered": lambda t: t.RMSPropOptimizer(0.01, momentum=0.9, centered=True),
            "nesterov": lambda t: t.MomentumOptimizer(0.1, 0.9, use_nesterov=True),
            "ftrl": lambda t: t.FtrlOptimizer(0.5, l1_regularization_strength=0.001)}[which]

    def run(api):
        v1 = api.compat.v1
        g = api.Graph()
        with g.as_default():
            x = v1.placeholder(api.float32, [None, 5])
            y = v1.placeholder(api.int64, [None])
            w1 = v1.Variable(w1_0, name="w1")
            b1 = v1.Variable(np.zeros(8, np.float32), name="b1")
            w2 = v1.Variable(w2_0, name="w2")
            logits = api.matmul(api.tanh(api.nn.bias_add(api.matmul(x, w1), b1)), w2)
            loss = api.reduce_mean(api.nn.sparse_softmax_cross_entropy_with_logits(
                labels=y, logits=logits)) + 0.01 * api.reduce_sum(w1 * w1)
            step = v1.train.get_or_create_global_step()
            train = make(v1.train).minimize(loss, global_step=step)
            with v1.Session(graph=g) as sess:
                sess.run(v1.global_variables_initializer())
                losses = [sess.run([loss, train], {x: x_data, y: y_data})[0]
                          for _ in range(STEPS)]
                return np.array(losses), sess.run([w1, b1, w2, step])
    ours, theirs = run(fg), run(tf)
    assert_same(ours[0], theirs[0])
    for a, b in zip(ours[1], theirs[1]):
        assert_same(a, b, rtol=1e-5, atol=1e-5)


def test_variable_constraints_project_after_each_update():
    def run(api):
        v1 = api.compat.v1
        g = api.Graph()
        with g.as_default():
            w = v1.Variable(INIT["w1"].astype(np.float32), name="w",
                            constraint=lambda v: api.clip_by_value(v, -0.4, 0.4))
            with v1.variable_scope("s"):
                u = v1.get_variable("u", initializer=INIT["b1"].astype(np.float32),
                                    constraint=lambda v: v * 0.5)
            err = api.constant(X.astype(np.float32)) * w + u - api.constant(Y.astype(np.float32))
            train = v1.train.MomentumOptimizer(0.01, 0.9).minimize(err * err)
            with v1.Session(graph=g) as sess:
                sess.run(v1.global_variables_initializer())
                for _ in range(5):
                    sess.run(train)
                return sess.run([w, u])
    for a, b in zip(run(fg), run(tf)):
        assert_same(a, b)
    assert np.max(np.abs(run(fg)[0])) <= 0.4


@pytest.mark.parametrize("which", ["sgd", "adam"])
def test_callable_loss_in_graph_mode_matches_tf(which):
    # TF1's Optimizer.minimize takes a callable loss in graph mode too: it
    # calls it and differentiates what the call built.
    def run(api):
        v1 = api.compat.v1
        with api.Graph().as_default():
            w = v1.Variable(np.array([0.5, -1.0], np.float32), name="w")
            x = np.array([[1.0, 2.0], [3.0, -1.0]], np.float32)
            loss = lambda: v1.reduce_sum(v1.square(v1.matmul(x, v1.reshape(w, [2, 1])) - 1.0))  # noqa: E731,E501
            train = OPTIMIZERS[which](v1.train).minimize(loss)
            with v1.Session() as sess:
                sess.run(v1.global_variables_initializer())
                for _ in range(5):
                    sess.run(train)
                return sess.run(w)

    assert_same(run(fg), run(tf))
