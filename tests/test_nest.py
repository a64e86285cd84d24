"""tf.nest (fastgraph/framework/nest.py): flatten, pack_sequence_as,
map_structure, assert_same_structure and is_nested, against structures
whose flattening is worked out by hand."""

import collections

import numpy as np
import pytest

import fastgraph as tf
from fastgraph import nest

P = collections.namedtuple("P", "a b")
Q = collections.namedtuple("Q", "a b")


def test_flatten_sorts_dict_keys_and_walks_depth_first():
    s = {"b": [1, (2, 3)], "a": P(4, {"z": 5, "y": 6})}
    # "a" first: P(a=4, b={"y": 6, "z": 5}), then "b": [1, (2, 3)].
    assert nest.flatten(s) == [4, 6, 5, 1, 2, 3]


def test_leaves_are_strings_arrays_none_and_tensors():
    a = np.arange(3)
    assert nest.flatten(a)[0] is a
    assert nest.flatten(None) == [None]
    assert nest.flatten("abc") == ["abc"]
    assert nest.flatten(b"ab") == [b"ab"]
    with tf.Graph().as_default():
        c = tf.constant([1.0, 2.0])
        assert nest.flatten([c]) == [c]
        assert not nest.is_nested(c)


def test_is_nested():
    assert nest.is_nested([]) and nest.is_nested(()) and nest.is_nested({})
    assert nest.is_nested(P(1, 2)) and nest.is_nested(range(2)) and nest.is_nested({}.keys())
    assert not nest.is_nested("abc") and not nest.is_nested(1) and not nest.is_nested(None)
    assert not nest.is_nested(np.zeros(3))


def test_pack_keeps_types_and_mapping_order():
    s = collections.OrderedDict([("b", 1), ("a", 2)])
    out = nest.pack_sequence_as(s, [10, 20])  # 10 goes to the first sorted key, "a"
    assert type(out) is collections.OrderedDict and list(out.items()) == [("b", 20), ("a", 10)]
    d = nest.pack_sequence_as({"b": 1, "a": 2}, [3, 4])
    assert list(d.items()) == [("b", 4), ("a", 3)]
    dd = nest.pack_sequence_as(collections.defaultdict(int, {"b": 1}), [7])
    assert type(dd) is collections.defaultdict and dd.default_factory is int and dd == {"b": 7}
    t = nest.pack_sequence_as([P(1, (2,)), 3], ["x", "y", "z"])
    assert t == [P("x", ("y",)), "z"] and type(t[0]) is P
    assert nest.pack_sequence_as(1, [7]) == 7
    assert nest.pack_sequence_as({"a": 1}.values(), [5]) == [5]
    assert nest.pack_sequence_as([], []) == []


def test_pack_round_trips_flatten():
    s = {"k": [P(1, 2), {"q": (3,), "p": 4}], "j": 5}
    assert nest.pack_sequence_as(s, nest.flatten(s)) == s


def test_pack_errors():
    with pytest.raises(ValueError, match=r"^Could not pack sequence. Structure had 2 atoms, "
                                         r"but flat_sequence had 1 items."):
        nest.pack_sequence_as([1, 2], [1])
    with pytest.raises(ValueError, match="Structure had 3 atoms, but flat_sequence had 4"):
        nest.pack_sequence_as([[1, 2], 3], [1, 2, 3, 4])
    with pytest.raises(TypeError, match="^Attempted to pack value:\n  5\ninto a structure"):
        nest.pack_sequence_as([1, 2], 5)
    with pytest.raises(ValueError, match="nest cannot guarantee that it is safe"):
        nest.pack_sequence_as(1, [1, 2])


def test_map_structure():
    assert nest.map_structure(lambda x: x * 2, {"a": (1, 2), "b": [3]}) == {"a": (2, 4), "b": [6]}
    assert nest.map_structure(lambda x, y: x + y, P(1, [2]), P(10, [20])) == P(11, [22])
    assert nest.map_structure(lambda x, y: x + y, [1, 2], (3, 4), check_types=False) == [4, 6]
    with pytest.raises(TypeError, match="don't have the same sequence type"):
        nest.map_structure(lambda x, y: x + y, [1, 2], (3, 4))
    with pytest.raises(ValueError, match="^Must provide at least one structure$"):
        nest.map_structure(lambda x: x)
    with pytest.raises(TypeError, match="^func must be callable, got: 3$"):
        nest.map_structure(3, [1])
    with pytest.raises(ValueError, match="not: `foo`$"):
        nest.map_structure(lambda x: x, 1, foo=2)


def test_assert_same_structure():
    nest.assert_same_structure([1, (2, {"a": 3})], ["x", ("y", {"a": None})])
    nest.assert_same_structure(P(1, 2), Q(1, 2), check_types=False)
    nest.assert_same_structure({"a": 1}, collections.OrderedDict(a=2))  # mappings agree
    with pytest.raises(ValueError, match='Substructure "type=list str=\\[2\\]" is a sequence, '
                                         'while substructure "type=int str=2" is not'):
        nest.assert_same_structure([1, 2], [1, [2]])
    with pytest.raises(ValueError, match="same number of elements. First structure: "
                                         r"type=list str=\[2\]. Second structure: "
                                         r"type=list str=\[2, 3\]"):
        nest.assert_same_structure([1, [2]], [1, [2, 3]])
    with pytest.raises(TypeError, match="has type P, while second structure .* has type Q"):
        nest.assert_same_structure(P(1, 2), Q(1, 2))
    with pytest.raises(ValueError, match="don't have the same set of keys"):
        nest.assert_same_structure({"a": 1}, {"b": 1})
    with pytest.raises(ValueError, match="Entire first structure:\n\\[., .\\]\n"
                                         "Entire second structure:\n\\[., \\[.\\]\\]$"):
        nest.assert_same_structure([1, 2], [1, [2]])


def test_expand_composites_splits_a_sparse_tensor():
    with tf.Graph().as_default():
        st = tf.SparseTensor([[0, 1]], [2.0], [3, 4])
        assert nest.flatten(st) == [st]
        parts = nest.flatten({"s": st}, expand_composites=True)
        assert parts == [st.indices, st.values, st.dense_shape]
        back = nest.pack_sequence_as({"s": st}, parts, expand_composites=True)
        assert isinstance(back["s"], tf.SparseTensor) and back["s"].values is st.values


def test_unsortable_keys_raise_type_error():
    with pytest.raises(TypeError):
        nest.flatten({1: 2, "a": 3})


def test_compat_v1_nest_is_tf_nest():
    assert tf.compat.v1.nest.flatten is nest.flatten
    assert tf.nest.map_structure is nest.map_structure
