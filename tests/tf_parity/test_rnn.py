"""TF1's RNNs against TensorFlow 2.21 (graph mode): each cell through
dynamic_rnn (with and without sequence_length, time major), the
bidirectional and static RNNs, MultiRNNCell and the wrappers. The same
program in both, every variable set to the same values (by name), and the
outputs, final states, gradients and variable names compared; a TF
checkpoint of an LSTM restores into fastgraph; and an LSTM classifier
trains with TF's losses step by step."""

import importlib
import zlib

import numpy as np
import pytest

import fastgraph as fg

tf = pytest.importorskip("tensorflow")

RNG = np.random.default_rng(31)
B, T, D = 3, 5, 4


def _cells(api):
    """`api`'s tf.nn.rnn_cell (TF 2.16+ keeps TF1's cells in tf_keras)."""
    if api is fg:
        return fg.compat.v1.nn.rnn_cell
    try:
        return api.compat.v1.nn.rnn_cell.BasicLSTMCell and api.compat.v1.nn.rnn_cell
    except (AttributeError, ImportError):
        pytest.importorskip("tf_keras")
        return importlib.import_module("tf_keras.api._v1.keras.__internal__.legacy.rnn_cell")


def _value_for(name, shape):
    """The value every run gives variable `name`: seeded by its name."""
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    return (rng.uniform(-0.5, 0.5, shape)).astype(np.float32)


def _set_variables(api, sess):
    v1 = api.compat.v1
    variables = sorted(v1.global_variables(), key=lambda v: v.name)
    ops = [v1.assign(v, _value_for(v.op.name, v.shape.as_list())) for v in variables]
    sess.run(ops)
    return [(v.op.name, tuple(v.shape.as_list())) for v in variables]


def _run(api, build, feeds):
    """build(api, v1, cells, placeholders) -> fetches, run with every variable set."""
    v1 = api.compat.v1
    g = api.Graph() if api is fg else v1.Graph()
    with g.as_default():
        phs = [v1.placeholder(api.as_dtype(a.dtype), [None] + list(a.shape[1:])) for a in feeds]
        fetches = build(api, v1, _cells(api), phs)
        with v1.Session(graph=g) as sess:
            sess.run(v1.global_variables_initializer())
            names = _set_variables(api, sess)
            return names, sess.run(fetches, dict(zip(phs, feeds)))


def _with_gradients(api, v1, outputs, state, wrt):
    """(outputs, state, gradients of a loss on both wrt `wrt` and every variable)."""
    flat = _flat([outputs, state])
    loss = api.add_n([api.reduce_sum(t * t) * (0.5 + i) for i, t in enumerate(flat)])
    variables = sorted(v1.trainable_variables(), key=lambda v: v.name)
    grads = v1.gradients(loss, list(wrt) + variables)
    return outputs, state, grads


def _flat(x):
    if isinstance(x, (list, tuple)):
        return [y for s in x for y in _flat(s)]
    return [x]


def _compare(build, feeds, rtol=2e-5, atol=2e-6):
    ours_names, ours = _run(fg, build, feeds)
    theirs_names, theirs = _run(tf, build, feeds)
    assert ours_names == theirs_names
    flat_ours, flat_theirs = _flat(ours), _flat(theirs)
    assert len(flat_ours) == len(flat_theirs)
    for a, b in zip(flat_ours, flat_theirs):
        assert np.shape(a) == np.shape(b)
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol)
    return ours_names


def _inputs(b=B, t=T, d=D):
    return RNG.standard_normal((b, t, d)).astype(np.float32)


LENGTHS = np.array([5, 2, 3], np.int32)

CELLS = {
    "basic_rnn": (lambda c: c.BasicRNNCell(6), ["rnn/basic_rnn_cell/bias",
                                                "rnn/basic_rnn_cell/kernel"]),
    "basic_lstm": (lambda c: c.BasicLSTMCell(6, forget_bias=0.7),
                   ["rnn/basic_lstm_cell/bias", "rnn/basic_lstm_cell/kernel"]),
    "basic_lstm_concat_state": (lambda c: c.BasicLSTMCell(6, state_is_tuple=False),
                                ["rnn/basic_lstm_cell/bias", "rnn/basic_lstm_cell/kernel"]),
    "lstm": (lambda c: c.LSTMCell(6), ["rnn/lstm_cell/bias", "rnn/lstm_cell/kernel"]),
    "lstm_peepholes_clip_proj": (
        lambda c: c.LSTMCell(6, use_peepholes=True, cell_clip=0.3, num_proj=3, proj_clip=0.2,
                             forget_bias=0.5),
        ["rnn/lstm_cell/bias", "rnn/lstm_cell/kernel", "rnn/lstm_cell/projection/kernel",
         "rnn/lstm_cell/w_f_diag", "rnn/lstm_cell/w_i_diag", "rnn/lstm_cell/w_o_diag"]),
    "gru": (lambda c: c.GRUCell(6), ["rnn/gru_cell/candidate/bias",
                                     "rnn/gru_cell/candidate/kernel", "rnn/gru_cell/gates/bias",
                                     "rnn/gru_cell/gates/kernel"]),
    "multi_lstm_gru": (
        lambda c: c.MultiRNNCell([c.BasicLSTMCell(5), c.GRUCell(3)]),
        ["rnn/multi_rnn_cell/cell_0/basic_lstm_cell/bias",
         "rnn/multi_rnn_cell/cell_0/basic_lstm_cell/kernel",
         "rnn/multi_rnn_cell/cell_1/gru_cell/candidate/bias",
         "rnn/multi_rnn_cell/cell_1/gru_cell/candidate/kernel",
         "rnn/multi_rnn_cell/cell_1/gru_cell/gates/bias",
         "rnn/multi_rnn_cell/cell_1/gru_cell/gates/kernel"]),
    "residual_gru": (lambda c: c.ResidualWrapper(c.GRUCell(D)),
                     ["rnn/gru_cell/candidate/bias", "rnn/gru_cell/candidate/kernel",
                      "rnn/gru_cell/gates/bias", "rnn/gru_cell/gates/kernel"]),
    "device_dropout_keep_all": (
        lambda c: c.DeviceWrapper(c.DropoutWrapper(c.BasicRNNCell(6), input_keep_prob=1.0),
                                  "/cpu:0"),
        ["rnn/basic_rnn_cell/bias", "rnn/basic_rnn_cell/kernel"]),
}


@pytest.mark.parametrize("kind", sorted(CELLS))
@pytest.mark.parametrize("with_lengths", [False, True], ids=["full", "sequence_length"])
def test_dynamic_rnn_matches_tf(tf_graph_mode, kind, with_lengths):
    make, names = CELLS[kind]
    x = _inputs()
    feeds = [x, LENGTHS] if with_lengths else [x]

    def build(api, v1, cells, phs):
        outputs, state = v1.nn.dynamic_rnn(make(cells), phs[0],
                                           sequence_length=phs[1] if with_lengths else None,
                                           dtype=api.float32)
        return _with_gradients(api, v1, outputs, state, [phs[0]])

    found = _compare(build, feeds)
    assert [n for n, _ in found] == names


def test_dynamic_rnn_time_major_with_initial_state(tf_graph_mode):
    x = RNG.standard_normal((T, B, D)).astype(np.float32)
    c0 = RNG.standard_normal((B, 6)).astype(np.float32)
    h0 = RNG.standard_normal((B, 6)).astype(np.float32)

    def build(api, v1, cells, phs):
        cell = cells.LSTMCell(6)
        state0 = cells.LSTMStateTuple(phs[1], phs[2])
        outputs, state = v1.nn.dynamic_rnn(cell, phs[0], sequence_length=phs[3],
                                           initial_state=state0, time_major=True)
        return _with_gradients(api, v1, outputs, state, phs[:3])

    _compare(build, [x, c0, h0, LENGTHS])


def test_dynamic_rnn_with_static_batch_and_scope(tf_graph_mode):
    x = _inputs()

    def build(api, v1, cells, phs):
        inp = api.reshape(phs[0], [B, T, D])
        outputs, state = v1.nn.dynamic_rnn(cells.GRUCell(4), inp, dtype=api.float32,
                                           scope="encoder")
        assert outputs.shape.as_list() == [B, T, 4]
        return _with_gradients(api, v1, outputs, state, [phs[0]])

    names = _compare(build, [x])
    assert names[0][0].startswith("encoder/gru_cell/")


def test_bidirectional_dynamic_rnn_matches_tf(tf_graph_mode):
    x = _inputs()

    def build(api, v1, cells, phs):
        (fw, bw), (sf, sb) = v1.nn.bidirectional_dynamic_rnn(
            cells.BasicLSTMCell(4), cells.GRUCell(3), phs[0], sequence_length=phs[1],
            dtype=api.float32)
        return _with_gradients(api, v1, [fw, bw], [sf, sb], [phs[0]])

    names = _compare(build, [x, LENGTHS])
    assert [n for n, _ in names] == [
        "bidirectional_rnn/bw/gru_cell/candidate/bias",
        "bidirectional_rnn/bw/gru_cell/candidate/kernel",
        "bidirectional_rnn/bw/gru_cell/gates/bias", "bidirectional_rnn/bw/gru_cell/gates/kernel",
        "bidirectional_rnn/fw/basic_lstm_cell/bias", "bidirectional_rnn/fw/basic_lstm_cell/kernel"]


def test_bidirectional_dynamic_rnn_without_lengths(tf_graph_mode):
    x = _inputs()

    def build(api, v1, cells, phs):
        outputs, states = v1.nn.bidirectional_dynamic_rnn(
            cells.BasicRNNCell(4), cells.BasicRNNCell(4), phs[0], dtype=api.float32)
        return _with_gradients(api, v1, outputs, states, [phs[0]])

    _compare(build, [x])


@pytest.mark.parametrize("with_lengths", [False, True], ids=["full", "sequence_length"])
def test_static_rnn_matches_tf(tf_graph_mode, with_lengths):
    x = _inputs()

    def build(api, v1, cells, phs):
        steps = api.unstack(api.reshape(phs[0], [-1, T, D]), axis=1)
        cell = cells.MultiRNNCell([cells.LSTMCell(4), cells.LSTMCell(3)])
        outputs, state = v1.nn.static_rnn(cell, steps, dtype=api.float32,
                                          sequence_length=phs[1] if with_lengths else None)
        return _with_gradients(api, v1, outputs, state, [phs[0]])

    _compare(build, [x, LENGTHS] if with_lengths else [x])


def test_static_bidirectional_rnn_matches_tf(tf_graph_mode):
    x = _inputs()

    def build(api, v1, cells, phs):
        steps = api.unstack(api.reshape(phs[0], [-1, T, D]), axis=1)
        outputs, sf, sb = v1.nn.static_bidirectional_rnn(
            cells.GRUCell(3), cells.BasicLSTMCell(2), steps, dtype=api.float32,
            sequence_length=phs[1])
        return _with_gradients(api, v1, outputs, [sf, sb], [phs[0]])

    _compare(build, [x, LENGTHS])


def test_zero_state_and_sizes(tf_graph_mode):
    for api in (fg, tf):
        cells = _cells(api)
        g = api.Graph() if api is fg else api.compat.v1.Graph()
        with g.as_default():
            cell = cells.MultiRNNCell([cells.LSTMCell(4, num_proj=2), cells.GRUCell(3)])
            assert cell.state_size == (cells.LSTMStateTuple(4, 2), 3)
            assert cell.output_size == 3
            state = cell.zero_state(7, api.float32)
            assert state[0].c.shape.as_list() == [7, 4]
            assert state[0].h.shape.as_list() == [7, 2]
            assert state[1].shape.as_list() == [7, 3]
            assert isinstance(state[0], cells.LSTMStateTuple)


def test_dropout_wrapper_drops_and_rescales(tf_graph_mode):
    x = np.ones((200, T, 8), np.float32)

    def build(api, v1, cells, phs):
        cell = cells.DropoutWrapper(cells.BasicRNNCell(8), output_keep_prob=0.5, seed=3)
        outputs, _ = v1.nn.dynamic_rnn(cell, phs[0], dtype=api.float32)
        return outputs

    for api in (fg, tf):
        _, out = _run(api, build, [x])
        zeros = np.mean(out == 0)
        assert 0.4 < zeros < 0.6


def test_lstm_checkpoint_from_tf_restores(tf_graph_mode, tmp_path):
    """An LSTM trained one step in TF and saved; restored in fastgraph, it
    gives TF's outputs."""
    x = _inputs()
    path = str(tmp_path / "lstm.ckpt")
    v1 = tf.compat.v1
    results = {}
    for api in (tf, fg):
        cells = _cells(api)
        av1 = api.compat.v1
        g = av1.Graph() if api is tf else api.Graph()
        with g.as_default():
            ph = av1.placeholder(api.float32, [None, T, D])
            cell = cells.MultiRNNCell([cells.LSTMCell(5, use_peepholes=True), cells.GRUCell(3)])
            outputs, state = av1.nn.dynamic_rnn(cell, ph, dtype=api.float32)
            saver = av1.train.Saver()
            with av1.Session(graph=g) as sess:
                if api is tf:
                    sess.run(v1.global_variables_initializer())
                    saver.save(sess, path)
                else:
                    saver.restore(sess, path)
                results[api] = sess.run([outputs, state], {ph: x})
    for a, b in zip(_flat(results[fg]), _flat(results[tf])):
        np.testing.assert_allclose(a, b, rtol=2e-5, atol=2e-6)


def test_lstm_classifier_trains_with_tf_losses(tf_graph_mode):
    """Embedding -> dynamic_rnn(LSTMCell) over a fed sequence_length -> the
    last relevant output -> dense -> softmax cross entropy -> Adam: the
    same losses as TF at each of 20 steps."""
    vocab, emb, hidden, classes, steps, batch = 20, 6, 8, 3, 20, 8
    tokens = RNG.integers(0, vocab, (2, batch, T)).astype(np.int32)
    lengths = RNG.integers(1, T + 1, (2, batch)).astype(np.int32)
    labels = RNG.integers(0, classes, (2, batch)).astype(np.int32)

    def train(api):
        v1 = api.compat.v1
        cells = _cells(api)
        g = api.Graph() if api is fg else v1.Graph()
        with g.as_default():
            ids = v1.placeholder(api.int32, [None, T])
            seq = v1.placeholder(api.int32, [None])
            y = v1.placeholder(api.int32, [None])
            embedding = v1.get_variable("embedding", [vocab, emb])
            inputs = api.nn.embedding_lookup(embedding, ids)
            outputs, _ = v1.nn.dynamic_rnn(cells.LSTMCell(hidden), inputs, sequence_length=seq,
                                           dtype=api.float32)
            last = api.gather_nd(outputs, api.stack([api.range(api.shape(ids)[0]), seq - 1],
                                                    axis=1))
            w = v1.get_variable("dense/kernel", [hidden, classes])
            b = v1.get_variable("dense/bias", [classes])
            logits = api.matmul(last, w) + b
            loss = api.reduce_mean(v1.nn.sparse_softmax_cross_entropy_with_logits(
                labels=y, logits=logits))
            op = v1.train.AdamOptimizer(0.05).minimize(loss)
            with v1.Session(graph=g) as sess:
                sess.run(v1.global_variables_initializer())
                _set_variables_trainable(api, sess)
                losses = []
                for i in range(steps):
                    k = i % 2
                    _, value = sess.run([op, loss], {ids: tokens[k], seq: lengths[k],
                                                     y: labels[k]})
                    losses.append(value)
                return np.array(losses)

    ours, theirs = train(fg), train(tf)
    np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-6)
    assert ours[-1] < ours[0]


def _set_variables_trainable(api, sess):
    v1 = api.compat.v1
    variables = sorted(v1.trainable_variables(), key=lambda v: v.name)
    sess.run([v1.assign(v, _value_for(v.op.name, v.shape.as_list())) for v in variables])


def test_cells_called_directly_with_a_scope_and_reused(tf_graph_mode):
    """A cell called by hand (two steps, an explicit scope) makes its
    variables once, under the scope, as TF's."""
    x = RNG.standard_normal((B, D)).astype(np.float32)

    def build(api, v1, cells, phs):
        lstm = cells.LSTMCell(4, use_peepholes=True)
        state = lstm.zero_state(B, api.float32)
        out1, state = lstm(phs[0], state, scope="encoder")
        out2, state = lstm(out1[:, :4] * 0.5 + phs[0], state)
        gru = cells.GRUCell(3)
        h = gru(phs[0], api.zeros([B, 3]))[0]
        return _with_gradients(api, v1, [out1, out2, h], state, [phs[0]])

    names = _compare(build, [x])
    assert [n for n, _ in names] == [
        "encoder/bias", "encoder/kernel", "encoder/w_f_diag", "encoder/w_i_diag",
        "encoder/w_o_diag", "gru_cell/candidate/bias", "gru_cell/candidate/kernel",
        "gru_cell/gates/bias", "gru_cell/gates/kernel"]
