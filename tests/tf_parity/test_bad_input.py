"""Bad input against TensorFlow: the same graph, the same bad feed or fetch,
in both; the same exception class and text, or the same result."""

import numpy as np
import pytest

import fastgraph as fg

tf = pytest.importorskip("tensorflow")


def _outcome(api, build, run):
    """build(api) -> (graph elements); run(sess, elements) in a fresh
    session of a fresh graph. Returns ("ok", result) or (class name, text)."""
    v1 = api.compat.v1
    g = api.Graph()
    with g.as_default():
        x = v1.placeholder(api.float32, [None], name="x")
        elements = build(api, x)
        with v1.Session(graph=g) as sess:
            try:
                return "ok", run(sess, x, elements)
            except Exception as e:  # noqa: BLE001 - the exception is the result
                return type(e).__name__, e


def _both(build, run):
    return _outcome(fg, build, run), _outcome(tf, build, run)


def _times2(api, x):
    return x * 2.0


@pytest.mark.parametrize("feed", [
    np.zeros((2, 2), np.float32), np.array(3.0), np.float32(1), None, "abc",
    np.array(["a", "b"]), [[1.0, 2.0], [3.0]], [object()], {"a": 1.0},
], ids=["matrix", "0-d", "numpy scalar", "None", "str", "str array", "ragged", "object", "dict"])
def test_bad_feed_values_raise_as_in_tensorflow(feed):
    (ours, e1), (theirs, e2) = _both(_times2, lambda sess, x, y: sess.run(y, {x: feed}))
    assert ours == theirs != "ok"
    assert str(e1) == str(e2)


@pytest.mark.parametrize("fetch", [None, 3, 3.5, np.zeros(3), "nope:0", "nope", "x:3", [None],
                                   {"k": 1}],
                         ids=["None", "int", "float", "ndarray", "missing tensor", "missing op",
                              "bad index", "nested None", "nested int"])
def test_bad_fetches_raise_as_in_tensorflow(fetch):
    (ours, e1), (theirs, e2) = _both(_times2, lambda sess, x, y: sess.run(fetch))
    assert ours == theirs != "ok"
    assert str(e1) == str(e2)


@pytest.mark.parametrize("key", ["nope:0", "x", 3], ids=["missing", "op name", "int"])
def test_bad_feed_keys_raise_as_in_tensorflow(key):
    (ours, e1), (theirs, e2) = _both(_times2, lambda sess, x, y: sess.run(y, {key: [1.0]}))
    assert ours == theirs == "TypeError"
    assert str(e1) == str(e2)


@pytest.mark.parametrize("feed", [
    np.arange(10, dtype=np.float32)[::2], np.arange(5, dtype=np.float32)[::-1],
    np.arange(5).astype(">f4"), np.arange(5).astype(">f8"), np.array([1, 2], np.int64),
    np.array([np.nan, np.inf, -np.inf, 0.0], np.float32), np.zeros(0, np.float32),
], ids=["strided", "reversed", "big-endian f4", "big-endian f8", "int64", "nan inf", "empty"])
def test_odd_feeds_compute_as_in_tensorflow(feed):
    (ours, a), (theirs, b) = _both(_times2, lambda sess, x, y: sess.run(y, {x: feed}))
    assert ours == theirs == "ok"
    np.testing.assert_array_equal(a, b)


def _op_error_text(e):
    # TF's message holds the kernel's line among "Detected at node" lines.
    return e.message.splitlines()


@pytest.mark.parametrize("name", ["gather", "floordiv", "floormod", "mod", "div"])
@pytest.mark.parametrize("dtype", ["int32", "int64"])
def test_data_dependent_kernel_errors_as_in_tensorflow(name, dtype):
    def build(api, x):
        a = api.compat.v1.placeholder(dtype, [None], name="a")
        b = api.compat.v1.placeholder(dtype, [None], name="b")
        if name == "gather":
            return a, b, api.gather(a, b, name="op")
        op = {"floordiv": api.math.floordiv, "floormod": api.math.floormod,
              "mod": api.math.mod, "div": api.compat.v1.div}[name]
        return a, b, op(a, b, name="op")

    def run(bad):
        indices = {(True, True): [1, 5], (True, False): [1, 0], (False, True): [1, 0],
                   (False, False): [3, 1]}[bad, name == "gather"]

        def go(sess, x, elements):
            a, b, out = elements
            return sess.run(out, {a: [1, 2], b: indices})
        return go

    (ours, e1), (theirs, e2) = _both(build, run(True))
    assert ours == theirs == "InvalidArgumentError"
    assert e1.message in _op_error_text(e2)
    assert e1.op.name == e2.op.name == "op"
    (ours, a), (theirs, b) = _both(build, run(False))
    assert ours == theirs == "ok"
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("make", ["fill", "zeros"])
def test_fed_shapes_as_in_tensorflow(make):
    def build(api, x):
        n = api.compat.v1.placeholder(api.int64, [None], name="n")
        return n, (api.fill(n, 1.5) if make == "fill" else api.zeros(n))

    for dims in ([2, 3], [3, 2], [0], [4]):
        (ours, a), (theirs, b) = _both(build, lambda sess, x, e: sess.run(e[1], {e[0]: dims}))
        assert ours == theirs == "ok"
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)
    (ours, _), (theirs, _) = _both(build, lambda sess, x, e: sess.run(e[1], {e[0]: [2 ** 40]}))
    assert ours == theirs == "ResourceExhaustedError"


@pytest.mark.parametrize("name", ["reshape", "tile", "range", "slice"])
def test_fed_shape_values_as_in_tensorflow(name):
    data = np.arange(12, dtype=np.float32)

    def build(api, x):
        n = api.compat.v1.placeholder(api.int32, [None], name="n")
        out = {"reshape": lambda: api.reshape(x, n), "tile": lambda: api.tile(x[:2], n),
               "range": lambda: api.range(n[0]), "slice": lambda: x[n[0]:n[1]]}[name]()
        return n, out

    for v in ([3, 4], [4, 3], [2, 6]):
        (ours, a), (theirs, b) = _both(
            build, lambda sess, x, e: sess.run(e[1], {x: data, e[0]: v[:1] if name in (
                "tile", "range") else v}))
        assert ours == theirs == "ok"
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("name,dims", [("fill", [-1]), ("zeros", [2, -3]), ("reshape", [4, 2]),
                                       ("reshape", [-1, -1]), ("tile", [-2]), ("tile", [1, 2]),
                                       ("range", [-3]), ("one_hot", [-2])])
def test_fed_shape_values_that_do_not_fit_as_in_tensorflow(name, dims):
    def build(api, x):
        n = api.compat.v1.placeholder(api.int32, [None], name="n")
        out = {"fill": lambda: api.fill(n, 1.0, name="op"),
               "zeros": lambda: api.zeros(n, name="op"),
               "reshape": lambda: api.reshape(x, n, name="op"),
               "tile": lambda: api.tile(x, n, name="op"),
               "range": lambda: api.range(n[0], name="op"),
               "one_hot": lambda: api.one_hot([0], n[0], name="op")}[name]()
        return n, out

    data = np.arange(6, dtype=np.float32)
    (ours, e1), (theirs, e2) = _both(build, lambda sess, x, e: sess.run(e[1], {x: data,
                                                                              e[0]: dims}))
    assert ours == theirs == "InvalidArgumentError"
    assert e1.message in _op_error_text(e2)
    assert e1.op.name == e2.op.name == "op"
