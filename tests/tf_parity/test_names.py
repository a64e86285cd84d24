"""Names against TensorFlow: Python operands converted to constants are
named under the op that takes them (`Sub/y`, `Reshape/shape`), so the
constants made after them are named as TF names them (`Const:0`, not
`Const_4:0`)."""

import pytest

import fastgraph as fg

tf = pytest.importorskip("tensorflow")

# name -> build(api, v1, x, i); each is followed by a tf.constant whose name
# must match TF's.
_CASES = {
    "subtract": lambda api, v1, x, i: api.subtract(x, 2.0),
    "sub operator": lambda api, v1, x, i: x - 2.0,
    "reflected sub": lambda api, v1, x, i: 2.0 - x,
    "mul operator": lambda api, v1, x, i: x * 3.0,
    "add": lambda api, v1, x, i: api.add(x, 1.0),
    "multiply": lambda api, v1, x, i: api.multiply(x, 2.0),
    "maximum": lambda api, v1, x, i: api.maximum(x, 0.0),
    "pow": lambda api, v1, x, i: api.pow(x, 2.0),
    "reshape": lambda api, v1, x, i: api.reshape(x, [3, 2]),
    "transpose": lambda api, v1, x, i: api.transpose(x, [1, 0]),
    "concat": lambda api, v1, x, i: api.concat([x, [[1.0, 2, 3]]], 0),
    "reduce_sum": lambda api, v1, x, i: api.reduce_sum(x, 1),
    "reduce_mean of all": lambda api, v1, x, i: api.reduce_mean(x),
    "matmul": lambda api, v1, x, i: api.matmul(x, [[1.0], [2.0], [3.0]]),
    "equal": lambda api, v1, x, i: api.equal(i, 1),
    "cast": lambda api, v1, x, i: api.cast([1, 2], api.float32),
    "tile": lambda api, v1, x, i: api.tile(x, [1, 2]),
    "gather": lambda api, v1, x, i: api.gather(x, [1, 0]),
    "expand_dims": lambda api, v1, x, i: api.expand_dims(x, 0),
    "fill": lambda api, v1, x, i: api.fill([2, 2], 3.0),
    "pad": lambda api, v1, x, i: api.pad(x, [[1, 1], [0, 0]]),
    "identity": lambda api, v1, x, i: api.identity([1.0]),
    "bias_add": lambda api, v1, x, i: api.nn.bias_add(x, [1.0, 2.0, 3.0]),
    "relu": lambda api, v1, x, i: api.nn.relu([1.0]),
    "squeeze": lambda api, v1, x, i: api.squeeze([[1.0]]),
    "range": lambda api, v1, x, i: api.range(5),
    "one_hot": lambda api, v1, x, i: api.one_hot([1, 2], 3),
    "argmax": lambda api, v1, x, i: api.argmax(x, 1),
    "clip_by_value": lambda api, v1, x, i: api.clip_by_value(x, 0.0, 1.0),
    "assert_equal": lambda api, v1, x, i: v1.assert_equal(i, [[1, 2, 3]] * 2),
}

# Ops whose converted operands are constants in both (fastgraph keeps some,
# such as transpose's perm, as attributes): their new ops' names match.
_SAME_NEW_OPS = ["subtract", "sub operator", "reflected sub", "mul operator", "add",
                 "multiply", "maximum", "pow", "reshape", "matmul", "equal", "cast",
                 "expand_dims", "fill", "identity", "bias_add", "relu", "squeeze", "range",
                 "clip_by_value"]


def _names(api):
    v1 = api.compat.v1
    g = api.Graph()
    out = {}
    with g.as_default():
        x = v1.placeholder(api.float32, [2, 3], name="x")
        i = v1.placeholder(api.int32, [2, 3], name="i")
        for key, build in _CASES.items():
            before = {o.name for o in g.get_operations()}
            build(api, v1, x, i)
            new = sorted(o.name for o in g.get_operations() if o.name not in before)
            out[key] = (new, api.constant(1.0).name)
    return out


def test_constants_after_each_op_are_named_as_tf_names_them():
    ours, theirs = _names(fg), _names(tf)
    for key in _CASES:
        assert ours[key][1] == theirs[key][1], key


@pytest.mark.parametrize("key", _SAME_NEW_OPS)
def test_operands_are_named_under_their_op(key):
    ours, theirs = _names(fg), _names(tf)
    assert ours[key][0] == theirs[key][0]


def test_a_program_names_its_constants_as_tf_does():
    def program(api):
        v1 = api.compat.v1
        g = api.Graph()
        with g.as_default():
            x = v1.placeholder(api.float32, [None, 4])
            h = api.nn.relu(api.matmul(x, api.ones([4, 3])) + 0.5)
            y = api.reshape(h * 2.0 - 1.0, [-1, 3])
            c = api.constant([1.0, 2.0, 3.0])
            return [t.name for t in (h, y, c, api.constant(0.0), api.add(c, 1.0))]
    assert program(fg) == program(tf)
