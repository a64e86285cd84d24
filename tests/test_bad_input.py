"""Bad input to Session.run (issue 5): each case raises TF's exception class
with TF 2.21's message where TF has one (checked against TF 2.21 when
these tests were written), or computes what TF computes, and afterwards
the same session still runs a correct feed correctly."""

import numpy as np
import pytest

import fastgraph as tf
from fastgraph import session as session_module


@pytest.fixture()
def case(g):
    """A session over `y = x * 2 + 1` and a check that it still works."""
    x = tf.placeholder(tf.float32, [None], name="x")
    y = x * 2.0 + 1.0
    sess = tf.Session()

    def still_works():
        for n in (3, 5):
            a = np.arange(n, dtype=np.float32) - 1.5
            np.testing.assert_array_equal(sess.run(y, {x: a}), a * 2 + 1)
            np.testing.assert_array_equal(sess.run(y, {x: list(a)}), a * 2 + 1)

    still_works()  # the fast path knows the signature before the failure, too
    yield sess, x, y, still_works
    sess.close()


# ---- feeds of the wrong shape, rank or dtype ---------------------------------

@pytest.mark.parametrize("value,shape", [
    (np.zeros((2, 2), np.float32), "(2, 2)"),        # rank 2 for a vector
    (np.array(3.0, np.float32), "()"),               # a 0-d array
    (np.float32(3.0), "()"),                         # a NumPy scalar
    (3.0, "()"),                                     # a Python scalar
    (None, "()"),                                    # None becomes a 0-d object array
], ids=["matrix", "0-d array", "numpy scalar", "python scalar", "None"])
def test_feed_of_the_wrong_rank(case, value, shape):
    sess, x, y, still_works = case
    with pytest.raises(ValueError) as e:
        sess.run(y, {x: value})
    assert str(e.value) == f"Cannot feed value of shape {shape} for Tensor x:0, which has " \
                           "shape (None,)"
    still_works()


def test_feed_of_the_wrong_shape(g):
    m = tf.placeholder(tf.float32, [None, 2], name="m")
    with tf.Session() as sess:
        with pytest.raises(ValueError) as e:
            sess.run(m + 1.0, {m: np.zeros((2, 3), np.float32)})
        assert str(e.value) == ("Cannot feed value of shape (2, 3) for Tensor m:0, which has "
                                "shape (None, 2)")
        f = sess.make_callable(m + 1.0, [m])
        with pytest.raises(ValueError, match=r"Cannot feed value of shape \(3,\) for Tensor m:0"):
            f(np.zeros(3, np.float32))
        a = np.arange(6, dtype=np.float32).reshape(3, 2)
        np.testing.assert_array_equal(sess.run(m + 1.0, {m: a}), a + 1)
        np.testing.assert_array_equal(f(a), a + 1)


@pytest.mark.parametrize("value,cls,msg", [
    # TF converts with NumPy and lets NumPy's error through.
    (np.array(["a", "b"]), ValueError, "could not convert string to float: np.str_('a')"),
    ("abc", ValueError, "could not convert string to float: np.str_('abc')"),
    ([[1.0, 2.0], [3.0]], ValueError, "setting an array element with a sequence. The requested "
     "array has an inhomogeneous shape after 1 dimensions. The detected shape was (2,) + "
     "inhomogeneous part."),
    ([object()], TypeError, "float() argument must be a string or a real number, not 'object'"),
    ({"a": 1.0}, TypeError, "float() argument must be a string or a real number, not 'dict'"),
], ids=["str array", "str", "ragged", "object", "dict"])
def test_feed_that_numpy_cannot_convert(case, value, cls, msg):
    sess, x, y, still_works = case
    with pytest.raises(cls) as e:
        sess.run(y, {x: value})
    assert type(e.value) is cls and str(e.value) == msg
    still_works()


def test_feed_of_another_dtype_converts_as_tf_does(g):
    x = tf.placeholder(tf.float32, [None], name="x")
    i = tf.placeholder(tf.int32, [None], name="i")
    s = tf.placeholder(tf.int32, [], name="s")
    with tf.Session() as sess:
        out = sess.run(x * 2.0, {x: np.array([1, 2], np.int64)})
        assert out.dtype == np.float32 and out.tolist() == [2.0, 4.0]
        # Floats fed to ints truncate; a list of ints wraps (TF: [1, 2, 2]).
        assert sess.run(i + 1, {i: np.array([1.5, -2.7])}).tolist() == [2, -1]
        assert sess.run(i + 1, {i: [2 ** 40, 1, 1]}).tolist() == [1, 2, 2]
        # ... but a Python int scalar that does not fit is refused.
        with pytest.raises(TypeError) as e:
            sess.run(s + 1, {s: 2 ** 40})
        assert str(e.value) == ("Type of feed value 1099511627776 with type <class 'int'> is not "
                                "compatible with Tensor type <class 'numpy.int32'>. Try "
                                "explicitly setting the type of the feed tensor to a larger "
                                "type (e.g. int64).")
        assert sess.run(s + 1, {s: 2 ** 31 - 2}) == 2 ** 31 - 1


# ---- array layouts -------------------------------------------------------------

def _unaligned(a):
    buf = np.zeros(a.nbytes + 1, np.uint8)
    out = np.ndarray(a.shape, a.dtype, buf.data, 1)
    out[...] = a
    assert not out.flags.aligned and out.flags.c_contiguous
    return out


def _read_only(a):
    a = a.copy()
    a.setflags(write=False)
    return a


_LAYOUTS = {
    "non-contiguous": lambda a: np.repeat(a, 2)[::2],
    "negative stride": lambda a: a[::-1].copy()[::-1],
    "read-only": _read_only,
    "big-endian float32": lambda a: a.astype(">f4"),
    "big-endian float64": lambda a: a.astype(">f8"),
    "Fortran 2-d column": lambda a: np.asfortranarray(np.stack([a, a], 1))[:, 0],
    "unaligned": _unaligned,
}


@pytest.mark.parametrize("layout", sorted(_LAYOUTS))
def test_feed_of_any_layout_where_a_vector_is_expected(g, layout):
    x = tf.placeholder(tf.float32, [None], name="x")
    y = x * 2.0 + 1.0
    total = tf.reduce_sum(x)
    a = np.array([1.5, -2.0, 3.25, 0.0, 7.0], np.float32)
    odd = _LAYOUTS[layout](a)
    np.testing.assert_array_equal(odd, a)
    with tf.Session() as sess:
        f = sess.make_callable(y, [x])
        for _ in range(2):  # the second run may take a remembered plan
            np.testing.assert_array_equal(sess.run(y, {x: odd}), a * 2 + 1)
            np.testing.assert_array_equal(f(odd), a * 2 + 1)
            assert sess.run(total, {x: odd}) == a.sum()
        np.testing.assert_array_equal(sess.run(y, {x: a}), a * 2 + 1)
    np.testing.assert_array_equal(odd, a)  # the fed array is untouched


@pytest.mark.parametrize("layout", sorted(_LAYOUTS))
def test_feed_of_any_layout_after_a_native_feed_of_the_same_shape(g, layout):
    x = tf.placeholder(tf.float32, [None], name="x")
    y = x * 2.0 + 1.0
    a = np.array([1.5, -2.0, 3.25, 0.0, 7.0], np.float32)
    # The fast paths key a feed by NumPy type number, which is NPY_FLOAT for
    # '>f4' as for '<f4': they must also check byte order and alignment.
    with tf.Session() as sess:
        f = sess.make_callable(y, [x])
        for _ in range(2):  # remembered by the fast paths
            np.testing.assert_array_equal(sess.run(y, {x: a}), a * 2 + 1)
            np.testing.assert_array_equal(f(a), a * 2 + 1)
        odd = _LAYOUTS[layout](a)
        np.testing.assert_array_equal(sess.run(y, {x: odd}), a * 2 + 1)
        np.testing.assert_array_equal(f(odd), a * 2 + 1)


# ---- NaN, Inf and empty tensors ---------------------------------------------------

_SPECIAL = np.array([np.nan, np.inf, -np.inf, 1.0, -2.0, 0.0], np.float32)


@pytest.mark.parametrize("name,build,reference", [
    ("add", lambda x: x + 1.0, lambda a: a + 1),
    ("mul by zero", lambda x: x * 0.0, lambda a: a * 0),
    ("divide by zero", lambda x: x / 0.0, lambda a: a / np.float32(0)),
    ("x - x", lambda x: x - x, lambda a: a - a),
    ("reduce_sum", tf.reduce_sum, np.sum),
    ("reduce_max", tf.reduce_max, np.max),
    ("reduce_min", tf.reduce_min, np.min),
    ("reduce_mean", tf.reduce_mean, np.mean),
    ("maximum", lambda x: tf.maximum(x, 0.0), lambda a: np.maximum(a, 0)),
    ("minimum", lambda x: tf.minimum(x, 0.0), lambda a: np.minimum(a, 0)),
    ("relu", tf.nn.relu, lambda a: np.maximum(a, 0)),
    ("exp", tf.exp, np.exp),
    ("log", tf.log, np.log),
    ("sqrt", tf.sqrt, np.sqrt),
    ("abs", tf.abs, np.abs),
    ("square", tf.square, np.square),
    ("equal to itself", lambda x: tf.equal(x, x), lambda a: a == a),
    ("is_nan", tf.is_nan, np.isnan),
    ("is_inf", tf.is_inf, np.isinf),
    # TF's argmax skips NaN (NumPy's would return 0): hand-computed.
    ("argmax", tf.argmax, lambda a: np.int64(1)),
])
def test_nan_and_inf_propagate_without_error(case, name, build, reference):
    sess, x, _, still_works = case
    with np.errstate(all="ignore"):
        expected = reference(_SPECIAL)
    out = sess.run(build(x), {x: _SPECIAL})
    assert np.asarray(out).dtype == np.asarray(expected).dtype
    if np.asarray(out).dtype.kind == "f":
        # NaN where NumPy has NaN, the same infinities, finite values to an ulp or so.
        np.testing.assert_allclose(out, expected, rtol=1e-6)
    else:
        np.testing.assert_array_equal(out, expected)
    still_works()


def test_nan_and_inf_through_matmul(g):
    m = tf.placeholder(tf.float32, [2, 2])
    a = np.array([[np.nan, 1], [np.inf, 2]], np.float32)
    with tf.Session() as sess, np.errstate(all="ignore"):
        np.testing.assert_array_equal(sess.run(tf.matmul(m, m), {m: a}), a @ a)


@pytest.mark.parametrize("name,build,reference", [
    ("elementwise", lambda x: x * 2.0 + 1.0, lambda a: a * 2 + 1),
    ("reduce_sum", tf.reduce_sum, lambda a: np.float32(0)),
    ("reduce_prod", tf.reduce_prod, lambda a: np.float32(1)),
    # TF: the identity of max/min, and 0/0 for the mean.
    ("reduce_max", tf.reduce_max, lambda a: np.float32(-np.inf)),
    ("reduce_min", tf.reduce_min, lambda a: np.float32(np.inf)),
    ("reduce_mean", tf.reduce_mean, lambda a: np.float32(np.nan)),
    ("reshape", lambda x: tf.reshape(x, [0, 3]), lambda a: a.reshape(0, 3)),
    ("concat", lambda x: tf.concat([x, [1.0, 2.0]], 0), lambda a: np.array([1, 2], np.float32)),
    ("gather", lambda x: tf.gather([1.0, 2.0], tf.cast(x, tf.int32)), lambda a: a),
    ("matmul (0, 2) x (2, 0)", lambda x: tf.matmul(tf.reshape(x, [0, 2]), tf.reshape(x, [2, 0])),
     lambda a: np.zeros((0, 0), np.float32)),
    ("matmul (3, 0) x (0, 4)", lambda x: tf.matmul(tf.reshape(x, [3, 0]), tf.reshape(x, [0, 4])),
     lambda a: np.zeros((3, 4), np.float32)),
])
def test_empty_tensors(case, name, build, reference):
    sess, x, _, still_works = case
    empty = np.zeros(0, np.float32)
    out = sess.run(build(x), {x: empty})
    expected = reference(empty)
    np.testing.assert_array_equal(out, expected)
    assert np.shape(out) == np.shape(expected)
    still_works()


# ---- elements of another graph, things that are not elements, missing names -------

def test_feed_of_a_tensor_of_another_graph(case):
    sess, x, y, still_works = case
    with tf.Graph().as_default():
        other = tf.placeholder(tf.float32, [None], name="x")
    with pytest.raises(TypeError) as e:
        sess.run(y, {other: [1.0]})
    assert str(e.value) == (f"Cannot interpret feed_dict key as Tensor: Tensor {other} is not "
                            "an element of this graph.")
    f = sess.make_callable(y, [x])
    with pytest.raises(TypeError, match="is not an element of this graph"):
        sess.make_callable(y, [other])
    np.testing.assert_array_equal(f(np.ones(2, np.float32)), [3, 3])
    still_works()


def test_fetch_of_another_graph(case):
    sess, x, y, still_works = case
    with tf.Graph().as_default():
        c = tf.constant(1.0)
    with pytest.raises(ValueError) as e:
        sess.run(c)
    assert str(e.value) == (f"Argument `fetch` = {c} cannot be interpreted as a Tensor. "
                            f"(Tensor {c} is not an element of this graph.)")
    with pytest.raises(ValueError) as e:
        sess.run([y, c.op], {x: [1.0]})
    assert str(e.value) == (f"Argument `fetch` = {c.op} cannot be interpreted as a Tensor. "
                            f"(Operation {c.op} is not an element of this graph.)")
    with pytest.raises(ValueError, match="is not an element of this graph"):
        sess.make_callable(c)
    still_works()


@pytest.mark.parametrize("fetch,msg", [
    (None, 'Argument `fetch` = None has invalid type "NoneType". Cannot be None'),
    (3, 'Argument `fetch` = 3 has invalid type "int" must be a string or Tensor. (Can not '
        'convert a int into a Tensor or Operation.)'),
    (3.5, 'Argument `fetch` = 3.5 has invalid type "float" must be a string or Tensor. (Can '
          'not convert a float into a Tensor or Operation.)'),
    (np.zeros(3), 'Argument `fetch` = [0. 0. 0.] has invalid type "ndarray" must be a string '
                  'or Tensor. (Can not convert a ndarray into a Tensor or Operation.)'),
    ([None], 'Argument `fetch` = None has invalid type "NoneType". Cannot be None'),
    ({"k": [1]}, 'Argument `fetch` = 1 has invalid type "int" must be a string or Tensor. (Can '
                 'not convert a int into a Tensor or Operation.)'),
], ids=["None", "int", "float", "ndarray", "nested None", "nested int"])
def test_fetch_that_is_not_a_tensor_op_or_name(case, fetch, msg):
    sess, _, _, still_works = case
    with pytest.raises(TypeError) as e:
        sess.run(fetch)
    assert str(e.value) == msg
    with pytest.raises(TypeError):
        sess.make_callable(fetch)
    still_works()


def test_fetch_of_an_object_is_a_type_error(case):
    sess, _, _, still_works = case
    thing = object()
    with pytest.raises(TypeError) as e:
        sess.run(thing)
    assert str(e.value) == (f'Argument `fetch` = {thing} has invalid type "object" must be a '
                            "string or Tensor. (Can not convert a object into a Tensor or "
                            "Operation.)")
    still_works()


@pytest.mark.parametrize("name,msg", [
    ("nope:0", "\"The name 'nope:0' refers to a Tensor which does not exist. The operation, "
               "'nope', does not exist in the graph.\""),
    ("nope", "\"The name 'nope' refers to an Operation not in the graph.\""),
    ("x:3", "\"The name 'x:3' refers to a Tensor which does not exist. The operation, 'x', "
            "exists but only has 1 outputs.\""),
])
def test_fetch_of_a_name_that_does_not_exist(case, name, msg):
    sess, _, _, still_works = case
    with pytest.raises(ValueError) as e:
        sess.run(name)
    # TF wraps the KeyError's str(), quotes and all.
    assert str(e.value) == f"Argument `fetch` = {name} cannot be interpreted as a Tensor. ({msg})"
    still_works()


@pytest.mark.parametrize("name,msg", [
    ("nope:0", "The name 'nope:0' refers to a Tensor which does not exist. The operation, "
               "'nope', does not exist in the graph."),
    ("x", "The name 'x' refers to an Operation, not a Tensor. Tensor names must be of the "
          "form \"<op_name>:<output_index>\"."),
    (3, "Can not convert a int into a Tensor."),
])
def test_feed_of_a_name_that_does_not_exist(case, name, msg):
    sess, _, y, still_works = case
    with pytest.raises(TypeError) as e:
        sess.run(y, {name: [1.0]})
    assert str(e.value) == f"Cannot interpret feed_dict key as Tensor: {msg}"
    still_works()


def test_graph_lookups_of_missing_names_are_key_errors(g):
    tf.placeholder(tf.float32, [None], name="x")
    with pytest.raises(KeyError) as e:
        g.get_tensor_by_name("nope:0")
    assert e.value.args[0] == ("The name 'nope:0' refers to a Tensor which does not exist. The "
                               "operation, 'nope', does not exist in the graph.")
    with pytest.raises(KeyError) as e:
        g.get_operation_by_name("nope")
    assert e.value.args[0] == "The name 'nope' refers to an Operation not in the graph."
    assert g.get_tensor_by_name("x:0").op is g.get_operation_by_name("x")


# ---- buffers that cannot be allocated ------------------------------------------------

@pytest.mark.parametrize("make", ["fill", "zeros"])
@pytest.mark.parametrize("where", ["fetched", "intermediate"])
def test_a_fed_shape_too_big_to_allocate_is_resource_exhausted(g, make, where):
    dims = tf.placeholder(tf.int64, [1], name="dims")
    big = tf.fill(dims, 1.5) if make == "fill" else tf.zeros(dims)
    out = big if where == "fetched" else tf.reduce_sum(big + 1.0)
    with tf.Session() as sess:
        with pytest.raises(tf.errors.ResourceExhaustedError, match="OOM when allocating"):
            sess.run(out, {dims: [2 ** 40]})
        value = 1.5 if make == "fill" else 0.0
        small = np.full(3, value, np.float32)
        expected = small if where == "fetched" else np.float32((small + 1).sum())
        np.testing.assert_array_equal(sess.run(out, {dims: [3]}), expected)
        with pytest.raises(tf.errors.ResourceExhaustedError):
            sess.run(out, {dims: np.array([2 ** 40])})
        np.testing.assert_array_equal(sess.run(out, {dims: np.array([3])}), expected)


def test_a_fetched_result_too_big_names_its_op(g):
    dims = tf.placeholder(tf.int64, [1])
    big = tf.zeros(dims, name="big")
    with tf.Session() as sess:
        with pytest.raises(tf.errors.ResourceExhaustedError) as e:
            sess.run(big, {dims: [2 ** 40]})
        assert e.value.op is big.op
        assert e.value.message == ("OOM when allocating tensor with shape[1099511627776] and "
                                   "type float on CPU")
        assert sess.run(big, {dims: [2]}).tolist() == [0.0, 0.0]


# ---- data-dependent kernel errors ------------------------------------------------------

@pytest.mark.parametrize("idx,msg", [([0, 5], "indices[1] = 5 is not in [0, 3)"),
                                     ([-1], "indices[0] = -1 is not in [0, 3)")])
def test_gather_index_out_of_range(g, idx, msg):
    p = tf.placeholder(tf.float32, [None])
    i = tf.placeholder(tf.int32, [None])
    out = tf.gather(p, i, name="gat")
    params = np.array([1, 2, 3], np.float32)
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError) as e:
            sess.run(out, {p: params, i: idx})
        assert e.value.message == msg and e.value.op is out.op
        assert "[[{{node gat}}]]" in str(e.value)
        np.testing.assert_array_equal(sess.run(out, {p: params, i: [2, 0]}), params[[2, 0]])


def test_gather_nd_index_out_of_range(g):
    p = tf.placeholder(tf.float32, [None])
    i = tf.placeholder(tf.int32, [None, 1])
    out = tf.gather_nd(p, i, name="gnd")
    params = np.array([1, 2, 3], np.float32)
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError) as e:
            sess.run(out, {p: params, i: [[0], [5]]})
        assert e.value.message == "indices[1] = [5] does not index into param shape [3], " \
                                  "node name: gnd"
        assert e.value.op is out.op
        np.testing.assert_array_equal(sess.run(out, {p: params, i: [[1]]}), [2])


_DIVISIONS = {
    "//": (lambda a, b: a // b, np.floor_divide),
    "floordiv": (lambda a, b: tf.floordiv(a, b, name="op"), np.floor_divide),
    "floormod": (lambda a, b: tf.math.floormod(a, b, name="op"), np.mod),
    "%": (lambda a, b: a % b, np.mod),
    "div": (lambda a, b: tf.div(a, b, name="op"), np.floor_divide),
    # C's rounding towards zero.
    "truncatediv": (lambda a, b: tf.truncatediv(a, b, name="op"),
                    lambda a, b: np.trunc(a / b).astype(a.dtype)),
    "truncatemod": (lambda a, b: tf.truncatemod(a, b, name="op"), np.fmod),
}


@pytest.mark.parametrize("dtype", [tf.int32, tf.int64], ids=["int32", "int64"])
@pytest.mark.parametrize("op", sorted(_DIVISIONS))
def test_integer_division_by_zero(g, op, dtype):
    build, reference = _DIVISIONS[op]
    a = tf.placeholder(dtype, [None])
    b = tf.placeholder(dtype, [None])
    out = build(a, b)
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError) as e:
            sess.run(out, {a: [1, 2], b: [1, 0]})
        assert e.value.message == "Integer division by zero"
        if op.startswith("truncate"):
            # A composite in fastgraph: the failing step is one of its ops.
            # (TF 2.21 raises InternalError "Unexpected error in binary
            # operator (only integer div and mod should have errors)" here.)
            assert e.value.op.name.startswith(out.op.name.split("/")[0] + "/")
        else:
            assert e.value.op is out.op
        x = np.array([7, -7, 7, -7, 0], dtype.np_dtype)
        y = np.array([2, 2, -2, -2, 3], dtype.np_dtype)
        np.testing.assert_array_equal(sess.run(out, {a: x, b: y}), reference(x, y))


def test_float_division_by_zero_is_not_an_error(g):
    a = tf.placeholder(tf.float64, [None])
    b = tf.placeholder(tf.int32, [None])
    with tf.Session() as sess:
        out = sess.run(a / 0.0, {a: [1.0, -1.0, 0.0]})
        np.testing.assert_array_equal(out, [np.inf, -np.inf, np.nan])
        # int32 / int32 is a float64 division in TF: no error either.
        np.testing.assert_array_equal(sess.run(b / b, {b: [2, 0]}), [1.0, np.nan])


# ---- a closed session --------------------------------------------------------------

def test_a_run_on_a_closed_session(g):
    x = tf.placeholder(tf.float32, [None])
    y = x + 1.0
    a = np.ones(2, np.float32)
    sess = tf.Session()
    f = sess.make_callable(y, [x])
    for _ in range(2):  # remembered by both fast paths
        sess.run(y, {x: a})
        f(a)
    sess.close()
    for attempt in (lambda: sess.run(y, {x: a}), lambda: f(a), lambda: sess.make_callable(y),
                    lambda: sess.run(y, {x: [1.0]})):
        with pytest.raises(RuntimeError) as e:
            attempt()
        assert str(e.value) == "Attempted to use a closed Session."
    with tf.Session() as other:
        np.testing.assert_array_equal(other.run(y, {x: a}), a + 1)


# ---- the graph changes after a plan was cached ------------------------------------------

def test_a_new_op_after_a_run_is_honoured(case):
    sess, x, y, still_works = case
    z = tf.square(y)
    a = np.array([1, 2], np.float32)
    np.testing.assert_array_equal(sess.run(z, {x: a}), (a * 2 + 1) ** 2)
    np.testing.assert_array_equal(sess.run([y, z], {x: a})[1], (a * 2 + 1) ** 2)
    still_works()


def test_an_updated_input_is_honoured(g):
    x = tf.placeholder(tf.float32, [None], name="x")
    w = tf.placeholder(tf.float32, [None], name="w")
    y = tf.multiply(x, 2.0, name="y")
    z = y + 1.0
    a = np.array([1, 2], np.float32)
    b = np.array([10, 20], np.float32)
    with tf.Session() as sess:
        f = sess.make_callable(z, [x, w])
        for _ in range(2):  # remembered by both fast paths
            np.testing.assert_array_equal(sess.run(z, {x: a, w: b}), a * 2 + 1)
            np.testing.assert_array_equal(f(a, b), a * 2 + 1)
        y.op._update_input(0, w)
        assert y.op.inputs[0] is w and y.op in w.consumers() and y.op not in x.consumers()
        np.testing.assert_array_equal(sess.run(z, {x: a, w: b}), b * 2 + 1)
        np.testing.assert_array_equal(f(a, b), b * 2 + 1)
        np.testing.assert_array_equal(sess.run(z, {w: b}), b * 2 + 1)  # x is no longer needed
        y.op._update_input(0, x)
        np.testing.assert_array_equal(sess.run(z, {x: a, w: b}), a * 2 + 1)


def test_an_added_control_input_is_honoured(g):
    v = tf.Variable(0.0)
    inc = tf.assign_add(v, 1.0)
    c = tf.constant([10.0])
    y = tf.multiply(c, 2.0, name="y")  # folded into a constant when compiled
    x = tf.placeholder(tf.float32, [None])
    z = x * 3.0
    with tf.Session() as sess:
        sess.run(v.initializer)
        f = sess.make_callable(z, [x])
        for _ in range(2):
            assert sess.run(y).tolist() == [20.0]
            assert f(np.ones(1, np.float32)).tolist() == [3.0]
        assert sess.run(v) == 0.0
        y.op._add_control_input(inc.op)
        z.op._add_control_inputs([inc.op, inc.op])
        assert z.op.control_inputs == [inc.op]
        assert sess.run(y).tolist() == [20.0]
        assert sess.run(v) == 1.0
        assert f(np.ones(1, np.float32)).tolist() == [3.0]
        assert sess.run(v) == 2.0
        y.op._remove_all_control_inputs()
        assert sess.run(y).tolist() == [20.0]
        assert sess.run(v) == 2.0


def test_a_control_dependency_of_a_folded_op_runs(g):
    v = tf.Variable(0.0)
    inc = tf.assign_add(v, 1.0)
    with tf.control_dependencies([inc]):
        y = tf.constant([10.0]) * 2.0
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert sess.run(y).tolist() == [20.0]
        assert sess.run(y).tolist() == [20.0]
        assert sess.run(v) == 2.0


def test_a_narrowed_shape_is_checked_after_a_run(g):
    # TF checks every feed against the placeholder's static shape as it is
    # now: a fast path that remembered the old shape must not skip that.
    x = tf.placeholder(tf.float32, [None], name="x")
    y = x * 2.0
    a3 = np.array([1.0, 2.0, 3.0], np.float32)
    with tf.Session() as sess:
        f = sess.make_callable(y, [x])
        for _ in range(2):
            np.testing.assert_array_equal(sess.run(y, {x: a3}), a3 * 2)
            np.testing.assert_array_equal(f(a3), a3 * 2)
        x.set_shape([2])
        msg = "Cannot feed value of shape (3,) for Tensor x:0, which has shape (2,)"
        with pytest.raises(ValueError) as e:
            sess.run(y, {x: a3})
        assert str(e.value) == msg
        with pytest.raises(ValueError) as e:
            f(a3)
        assert str(e.value) == msg
        np.testing.assert_array_equal(sess.run(y, {x: a3[:2]}), a3[:2] * 2)
        np.testing.assert_array_equal(f(a3[:2]), a3[:2] * 2)


def test_mutation_errors(g):
    x = tf.placeholder(tf.float32, [None], name="x")
    y = tf.multiply(x, 2.0, name="y")
    with tf.Graph().as_default():
        other = tf.constant([1.0])
    with pytest.raises(TypeError, match="tensor must be a Tensor: 3"):
        y.op._update_input(0, 3)
    with pytest.raises(ValueError, match="must be from the same graph"):
        y.op._update_input(0, other)
    with pytest.raises(tf.errors.OutOfRangeError) as e:
        y.op._update_input(5, x)
    assert e.value.message == ("Cannot update edge. Input index [5] is greater than the number "
                               "of total inputs [2].")
    with pytest.raises(TypeError, match="has dtype float32"):
        y.op._update_input(0, tf.constant([1]))
    with pytest.raises(tf.errors.InvalidArgumentError, match="incompatible shapes"):
        y.op._update_input(0, tf.constant([[1.0]]))
    with pytest.raises(TypeError, match="op must be an Operation"):
        y.op._add_control_input(x)
    with pytest.raises(ValueError, match="must be from the same graph"):
        y.op._add_control_input(other.op)
    with tf.Session() as sess:
        assert sess.run(y, {x: [1.0]}).tolist() == [2.0]


# ---- fed values that decide shapes ---------------------------------------------------

def _plans(sess):
    return sess.memory_stats()["plans"]


@pytest.mark.parametrize("name", ["fill", "zeros", "reshape", "tile", "range", "one_hot",
                                  "slice"])
def test_fed_shape_values_compile_a_plan_per_value(g, name, monkeypatch):
    compiled = []
    compile_plan = session_module.compile_plan
    monkeypatch.setattr(session_module, "compile_plan",
                        lambda *a, **k: compiled.append(1) or compile_plan(*a, **k))
    x = tf.placeholder(tf.float32, [None], name="x")
    n = tf.placeholder(tf.int32, [None], name="n")
    data = np.arange(12, dtype=np.float32)
    build, reference, values = {
        "fill": (lambda: tf.fill(n, 2.5), lambda v: np.full(v, 2.5, np.float32),
                 ([2, 3], [3, 2], [4])),
        "zeros": (lambda: tf.zeros(n, tf.int64), lambda v: np.zeros(v, np.int64),
                  ([2, 3], [3, 2], [0, 5])),
        "reshape": (lambda: tf.reshape(x, n), lambda v: data.reshape(v), ([3, 4], [4, 3], [-1, 6])),
        "tile": (lambda: tf.tile(x[:2], n), lambda v: np.tile(data[:2], v), ([1], [3], [2])),
        "range": (lambda: tf.range(n[0]), lambda v: np.arange(v[0], dtype=np.int32),
                  ([3], [5], [0])),
        "one_hot": (lambda: tf.one_hot([0, 2], n[0]),
                    lambda v: np.eye(v[0], dtype=np.float32)[[0, 2]], ([3], [4])),
        "slice": (lambda: x[n[0]:n[1]], lambda v: data[v[0]:v[1]], ([1, 4], [0, 12], [5, 6])),
    }[name]
    out = build()
    with tf.Session() as sess:
        f = sess.make_callable(out, [x, n])
        for round_ in range(2):
            for k, v in enumerate(values):
                fed = np.array(v, np.int32)
                expected = reference(v)
                got = sess.run(out, {x: data, n: fed})
                assert got.dtype == expected.dtype
                np.testing.assert_array_equal(got, expected)
                np.testing.assert_array_equal(f(data, fed), expected)
                if round_ == 0:
                    assert _plans(sess) == k + 1  # one plan per value, shared by both
        assert _plans(sess) == len(compiled) == len(values)
        plan = next(iter(sess._plan_cache.plans.values())).plan
        assert [k for k, _ in plan.value_feeds] == [1]  # n's slot (x's is 0)
        # Values that are not a shape's source still share one plan: x's.
        sess.run(out, {x: data + 1, n: np.array(values[0], np.int32)})
        assert _plans(sess) == len(compiled) == len(values)


def test_fed_shape_values_key_plans_exactly(g):
    n = tf.placeholder(tf.int64, [None])
    out = tf.zeros(n)
    with tf.Session() as sess:
        # Same shape and dtype, permuted values (a hash of dims can collide).
        assert sess.run(out, {n: [2, 3]}).shape == (2, 3)
        assert sess.run(out, {n: [3, 2]}).shape == (3, 2)
        assert sess.run(out, {n: np.array([2, 3])}).shape == (2, 3)
        assert _plans(sess) == 2


def test_fed_shape_values_are_not_taken_from_the_fed_array_later(g):
    n = tf.placeholder(tf.int32, [1])
    out = tf.fill(n, 1.0)
    dims = np.array([2], np.int32)
    with tf.Session() as sess:
        f = sess.make_callable(out, [n])
        assert f(dims).shape == (2,)
        dims[0] = 4  # the same array, another value
        assert f(dims).shape == (4,)
        assert sess.run(out, {n: dims}).shape == (4,)
        dims[0] = 2
        assert sess.run(out, {n: dims}).shape == (2,)
        assert f(dims).shape == (2,)


def test_fed_shape_value_bookkeeping_is_bounded(g, monkeypatch):
    monkeypatch.setattr(session_module, "PLAN_CACHE_SIZE", 3)
    x = tf.placeholder(tf.float32, [None])
    n = tf.placeholder(tf.int32, [1])
    out = tf.fill(n, 1.0)
    with tf.Session() as sess:
        for k in list(range(1, 9)) + [1, 2]:
            assert sess.run(out, {n: [k]}).shape == (k,)
            a = np.zeros(k, np.float32)
            np.testing.assert_array_equal(sess.run(x + 1.0, {x: a}), a + 1)
            assert _plans(sess) <= 3 and len(sess._plan_cache.value_slots) <= 3


def test_fed_values_too_big_or_not_integers_are_not_compiled_for(g):
    shape = tf.placeholder(tf.float32, [2], name="shape")
    long = tf.placeholder(tf.int32, [None], name="long")
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError) as e:
            sess.run(tf.zeros(tf.cast(shape, tf.int32)), {shape: [2, 3]})
        assert "must be known when the plan is compiled" in e.value.message
        x = tf.placeholder(tf.float32, [None])
        with pytest.raises(tf.errors.InvalidArgumentError) as e:
            sess.run(tf.reshape(x, long[:2]), {x: np.zeros(6), long: np.arange(1000)})
        assert e.value.message == (
            "Could not infer the shape of Reshape:0 when the plan is compiled: it depends on "
            "the value of long:0, which is not an integer tensor of at most 64 elements (the "
            "only fed values a plan is compiled for)")
        assert sess.run(tf.reshape(x, long[:2]), {x: np.zeros(6), long: [2, 3]}).shape == (2, 3)


@pytest.mark.parametrize("name,build,bad,msg,good,reference", [
    ("fill", lambda x, n: tf.fill(n, 1.0, name="op"), [-1], "Dimension -1 must be >= 0",
     [2], lambda a, v: np.ones(v, np.float32)),
    ("zeros", lambda x, n: tf.zeros(n, name="op"), [2, -3], "Dimension -3 must be >= 0",
     [2, 3], lambda a, v: np.zeros(v, np.float32)),
    ("reshape", lambda x, n: tf.reshape(x, n, name="op"), [4, 2],
     "Input to reshape is a tensor with 6 values, but the requested shape has 8",
     [3, 2], lambda a, v: a.reshape(v)),
    ("reshape two -1", lambda x, n: tf.reshape(x, n, name="op"), [-1, -1],
     "Only one input size may be -1, not both 0 and 1", [-1, 2], lambda a, v: a.reshape(v)),
    ("tile", lambda x, n: tf.tile(x, n, name="op"), [-2],
     "Expected multiples[0] >= 0, but got -2", [2], lambda a, v: np.tile(a, v)),
    ("tile rank", lambda x, n: tf.tile(x, n, name="op"), [1, 2],
     "Expected multiples argument to be a vector of length 1 but got length 2", [0],
     lambda a, v: np.tile(a, v)),
    ("range", lambda x, n: tf.range(n[0], name="op"), [-3],
     "Requires start <= limit when delta > 0: 0/-3", [3],
     lambda a, v: np.arange(v[0], dtype=np.int32)),
    ("one_hot", lambda x, n: tf.one_hot([0], n[0], name="op"), [-2],
     "depth must be non-negative, got: -2", [2], lambda a, v: np.eye(v[0], dtype=np.float32)[[0]]),
])
def test_fed_shape_values_that_do_not_fit(g, name, build, bad, msg, good, reference):
    x = tf.placeholder(tf.float32, [None], name="x")
    n = tf.placeholder(tf.int32, [None], name="n")
    out = build(x, n)
    data = np.arange(6, dtype=np.float32)
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError) as e:
            sess.run(out, {x: data, n: bad})
        assert e.value.message == msg and e.value.op is out.op
        np.testing.assert_array_equal(sess.run(out, {x: data, n: good}), reference(data, good))
