"""tf.nest against TensorFlow's: the same results and the same error
classes and messages over a set of structures."""

import collections

import numpy as np
import pytest

import fastgraph as fg

tf = pytest.importorskip("tensorflow")

P = collections.namedtuple("P", "a b")
Q = collections.namedtuple("Q", "a b")

STRUCTURES = [
    1, None, "ab", [], (), {}, [1, 2], (1, [2, (3,)]), {"b": 1, "a": [2, 3]},
    P(1, {"z": 2, "y": (3, 4)}), collections.OrderedDict([("b", 1), ("a", 2)]),
    collections.defaultdict(int, {"b": 1, "a": 2}), [{"x": P(1, 2)}, [[3]]],
    range(3), {"a": 1, "b": 2}.values(),
]


def _outcome(fn):
    try:
        return "ok", fn()
    except Exception as e:  # noqa: BLE001 - the error is the result compared
        return type(e).__name__, str(e)


@pytest.mark.parametrize("s", STRUCTURES, ids=repr)
def test_flatten_pack_and_is_nested_agree(s):
    assert fg.nest.flatten(s) == tf.nest.flatten(s)
    assert fg.nest.is_nested(s) == tf.nest.is_nested(s)
    flat = [f"v{i}" for i in range(len(tf.nest.flatten(s)))]
    ours = _outcome(lambda: fg.nest.pack_sequence_as(s, flat))
    theirs = _outcome(lambda: tf.nest.pack_sequence_as(s, flat))
    assert ours == theirs
    assert type(ours[1]) is type(theirs[1])
    assert fg.nest.map_structure(str, s) == tf.nest.map_structure(str, s)


PAIRS = [
    ([1, 2], [1, [2]]), ([1, 2], (1, 2)), ([1, 2], [1, 2, 3]), (P(1, 2), Q(1, 2)),
    ({"a": 1}, {"b": 1}), ({"a": 1}, {"a": 1, "b": 2}), ([1, [2]], [1, [2, 3]]),
    (1, [1]), ("ab", "cd"), ({"a": 1}, collections.OrderedDict(a=1)),
    ([1], collections.OrderedDict(a=1)), (P(1, [2]), P(3, [4])), ((1, (2, 3)), (1, (2, [3]))),
]


@pytest.mark.parametrize("a,b", PAIRS, ids=repr)
@pytest.mark.parametrize("check_types", [True, False])
def test_assert_same_structure_agrees(a, b, check_types):
    ours = _outcome(lambda: fg.nest.assert_same_structure(a, b, check_types=check_types))
    theirs = _outcome(lambda: tf.nest.assert_same_structure(a, b, check_types=check_types))
    assert ours == theirs


@pytest.mark.parametrize("call", [
    lambda n: n.pack_sequence_as([1, 2], [1]),
    lambda n: n.pack_sequence_as([1, 2], 5),
    lambda n: n.pack_sequence_as(1, [1, 2]),
    lambda n: n.pack_sequence_as([[1, 2], 3], [1, 2, 3, 4]),
    lambda n: n.map_structure(lambda x: x, 1, foo=2),
    lambda n: n.map_structure(lambda x: x),
    lambda n: n.map_structure(3, [1]),
    lambda n: n.map_structure(lambda x, y: x + y, [1, 2], [3]),
    lambda n: n.map_structure(lambda x, y: x + y, [1, 2], (3, 4)),
    lambda n: n.map_structure(lambda x, y: x + y, [1, 2], (3, 4), check_types=False),
    lambda n: n.flatten(np.arange(3))[0].tolist(),
])
def test_errors_and_results_agree(call):
    assert _outcome(lambda: call(fg.nest)) == _outcome(lambda: call(tf.nest))
