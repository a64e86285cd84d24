"""Seeded tf.data transformations against TensorFlow's TF1 graph mode: the
same seeds give TF's exact order (shuffle with op-level and graph-level
seeds, several buffer sizes and epochs, re-initialized iterators,
list_files, shuffle_and_repeat, Dataset.random)."""

import numpy as np
import pytest

import fastgraph as fg

pytest.importorskip("tensorflow")


def _epochs(api, build, inits=1, limit=400):
    """The elements of build(api) through an initializable iterator, one
    list per initialization."""
    v1 = api.compat.v1
    g = api.Graph()
    with g.as_default():
        ds = build(api)
        it = v1.data.make_initializable_iterator(ds)
        nxt = it.get_next()
        out = []
        with v1.Session(graph=g) as sess:
            for _ in range(inits):
                sess.run(it.initializer)
                got = []
                for _ in range(limit):
                    try:
                        got.append(np.asarray(sess.run(nxt)).tolist())
                    except api.errors.OutOfRangeError:
                        break
                out.append(got)
    return out


def _same(build, tf, inits=1):
    want = _epochs(tf, build, inits)
    got = _epochs(fg, build, inits)
    assert got == want
    return got


@pytest.mark.parametrize("n,buffer,seed,reshuffle,epochs", [
    (10, 4, 1, True, 2),
    (30, 7, 12, True, 3),
    (30, 100, 5, False, 2),
    (20, 1, 3, True, 1),
    (17, 16, 0, True, 2),
    (64, 64, 2**40, True, 2),
    (25, 10, 3, False, 3),
])
def test_seeded_shuffle_gives_tfs_order(n, buffer, seed, reshuffle, epochs, tf_graph_mode):
    got = _same(lambda api: api.data.Dataset.range(n).shuffle(
        buffer, seed=seed, reshuffle_each_iteration=reshuffle).repeat(epochs), tf_graph_mode,
        inits=2)
    # Each initialization starts the seed generator again, as TF's.
    assert got[0] == got[1]
    if buffer > 1:
        assert got[0] != list(range(n)) * epochs


def test_graph_level_seed_gives_tfs_shuffle(tf_graph_mode):
    def build(api):
        api.compat.v1.set_random_seed(5)
        a = api.data.Dataset.range(12).shuffle(5)
        b = api.data.Dataset.range(12).shuffle(5, seed=9)
        return api.data.Dataset.zip((a, b)).repeat(2)
    _same(build, tf_graph_mode)


def test_shuffle_over_a_repeated_input_and_in_a_pipeline(tf_graph_mode):
    _same(lambda api: api.data.Dataset.range(7).repeat(3).shuffle(20, seed=3), tf_graph_mode)
    _same(lambda api: api.data.Dataset.range(40).map(lambda v: v * 3).shuffle(
        9, seed=8).batch(4).repeat(2), tf_graph_mode)
    _same(lambda api: api.data.Dataset.from_tensor_slices(
        np.arange(60, dtype=np.float32).reshape(20, 3)).shuffle(6, seed=4), tf_graph_mode)


def test_shuffle_and_repeat_gives_tfs_order(tf_graph_mode):
    _same(lambda api: api.data.Dataset.range(10).apply(
        api.data.experimental.shuffle_and_repeat(4, count=3, seed=1)), tf_graph_mode)


def test_list_files_shuffles_as_tf(tmp_path, tf_graph_mode):
    for i in range(9):
        (tmp_path / f"f{i}.txt").write_bytes(b"x")
    pattern = str(tmp_path / "*.txt")
    _same(lambda api: api.data.Dataset.list_files(pattern, seed=3).repeat(2), tf_graph_mode)


def test_unseeded_shuffle_is_a_permutation_that_changes():
    ds = fg.data.Dataset.range(40).shuffle(40)
    runs = [e[0] for e in (_epochs(fg, lambda api: ds) for _ in range(2))]
    assert sorted(runs[0]) == sorted(runs[1]) == list(range(40))
    assert runs[0] != runs[1]


def test_dataset_random_gives_tfs_values(tf_graph_mode):
    _same(lambda api: api.data.Dataset.random(seed=4).take(6).repeat(2), tf_graph_mode)

    def graph_seeded(api):
        api.compat.v1.set_random_seed(11)
        return api.data.Dataset.random().take(5)
    _same(graph_seeded, tf_graph_mode)
