"""Layout ops against TensorFlow: the same graphs built in both, with
placeholders of unknown dims, and the same errors at run time."""

import numpy as np
import pytest

import fastgraph as fg

from ..samples import wide_array
from .parity import assert_same, run_both

tf = pytest.importorskip("tensorflow")


BUILDS = {
    "transpose": lambda api, p: api.transpose(p[0]),
    "transpose_perm": lambda api, p: api.transpose(p[0], [1, 2, 0]),
    "concat": lambda api, p: api.concat([p[0], p[0][:, ::-1]], 1),
    "concat_neg": lambda api, p: api.concat([p[0], p[0], p[0]], -1),
    "stack": lambda api, p: api.stack([p[0], p[0]], axis=-2),
    "unstack": lambda api, p: api.unstack(p[0], num=3, axis=1),
    "split": lambda api, p: api.split(p[0], 2, axis=0),
    "split_sizes": lambda api, p: api.split(p[0], [1, -1, 2], axis=2),
    "slice": lambda api, p: api.slice(p[0], [1, 0, 1], [-1, 2, 2]),
    "strided_slice": lambda api, p: api.strided_slice(p[0], [0, 2, 0], [0, 0, 3], [1, -1, 2],
                                                      begin_mask=1, end_mask=3),
    "strided_masks": lambda api, p: api.strided_slice(p[0], [1, 0, 1], [0, 0, 0], [1, 1, 1],
                                                      new_axis_mask=2, shrink_axis_mask=1,
                                                      ellipsis_mask=4),
    "getitem": lambda api, p: p[0][1:, None, ::-2, -1],
    "getitem_ellipsis": lambda api, p: p[0][..., 1:3, api.newaxis],
    "getitem_int": lambda api, p: p[0][-1],
    "reverse": lambda api, p: api.reverse(p[0], [0, -1]),
    "tile": lambda api, p: api.tile(p[0], [2, 1, 3]),
    "pad": lambda api, p: api.pad(p[0], [[1, 0], [2, 2], [0, 3]]),
    "pad_reflect": lambda api, p: api.pad(p[0], [[1, 1], [2, 2], [3, 3]], "REFLECT"),
    "pad_symmetric": lambda api, p: api.pad(p[0], [[2, 1], [3, 0], [4, 4]], "SYMMETRIC"),
    "broadcast_to": lambda api, p: api.broadcast_to(p[0][:, :1], [5, 4, 3, 6]),
}


@pytest.mark.parametrize("op", list(BUILDS))
@pytest.mark.parametrize("dtype", [np.float32, np.int32, np.int64, np.uint8, np.bool_])
def test_layout_ops_match_tensorflow(op, dtype):
    x = wide_array((4, 3, 6), dtype)
    ours, theirs = run_both(BUILDS[op], [x])
    assert_same(ours, theirs, rtol=1e-5, atol=0)


def test_constant_pad_value_matches_tensorflow():
    x = wide_array((3, 4), np.float32)
    ours, theirs = run_both(lambda api, p: api.pad(p[0], [[1, 2], [0, 1]], constant_values=-3.5),
                            [x])
    assert_same(ours, theirs, rtol=1e-5, atol=0)


def test_random_getitem_matches_tensorflow():
    rng = np.random.default_rng(3)
    x = wide_array((3, 4, 5), np.int32)
    keys = []
    for _ in range(40):
        key = []
        for d in range(3):
            r = rng.random()
            if r < 0.2:
                key.append(int(rng.integers(-x.shape[d], x.shape[d])))
            elif r < 0.3:
                key.append(None)
            else:
                key.append(slice(*[None if rng.random() < 0.3 else int(rng.integers(-6, 7))
                                   for _ in range(2)],
                                 None if rng.random() < 0.3 else int(rng.choice([-2, -1, 1, 3]))))
        if rng.random() < 0.3:
            key.insert(int(rng.integers(0, len(key) + 1)), Ellipsis)
            key = key[:3]
        keys.append(tuple(key))
    ours, theirs = run_both(lambda api, p: [p[0][k] for k in keys], [x])
    assert_same(ours, theirs, rtol=1e-5, atol=0)


@pytest.mark.parametrize("case", [
    (lambda api, p: api.concat([p[0], p[1]], 1), [(5, 3), (4, 4)]),
    (lambda api, p: api.stack([p[0], p[1]]), [(5,), (4,)]),
    (lambda api, p: api.slice(p[0], [4, 0], [2, -1]), [(5, 3)]),
    (lambda api, p: api.split(p[0], 2), [(5, 3)]),
    (lambda api, p: api.pad(p[0], [[5, 0], [0, 0]], "REFLECT"), [(5, 3)]),
    (lambda api, p: api.pad(p[0], [[6, 0], [0, 0]], "SYMMETRIC"), [(5, 3)]),
    (lambda api, p: api.broadcast_to(p[0], [4, 3]), [(5, 3)]),
    (lambda api, p: p[0][7], [(5, 3)]),
    (lambda api, p: api.tile(p[0], [1, -1]), [(5, 3)]),
])
def test_run_time_errors_match_tensorflow(case):
    build, shapes = case
    feeds = [np.zeros(s, np.float32) for s in shapes]
    messages = []
    for api in (fg, tf):
        v1 = api.compat.v1
        g = api.Graph()
        with g.as_default():
            phs = [v1.placeholder(api.float32, [None] * len(s)) for s in shapes]
            y = build(api, phs)
            with v1.Session(graph=g) as sess:
                with pytest.raises(api.errors.InvalidArgumentError) as info:
                    sess.run(y, dict(zip(phs, feeds)))
                messages.append(str(info.value.message))
    ours, theirs = messages
    assert ours.split("\n")[0].strip() in theirs
