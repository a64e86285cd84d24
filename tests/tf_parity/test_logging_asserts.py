"""tf.Print, tf.print and the tf.debugging asserts against TensorFlow: what
they print (TF's formatting of tensors), the errors they raise when run and
at build time, and their use as control dependencies."""

import sys

import numpy as np
import pytest

import fastgraph as fg

tf = pytest.importorskip("tensorflow")


def _run(api, build, feeds=None, times=1):
    """build(api) -> (fetches, {placeholder: value}) run `times` in a fresh graph."""
    g = api.Graph()
    with g.as_default():
        fetch, feed = build(api)
        with api.compat.v1.Session(graph=g) as sess:
            return [sess.run(fetch, feed) for _ in range(times)]


def _printed(capfd, api, build, times=1, stream="err"):
    capfd.readouterr()
    _run(api, build, times=times)
    out = getattr(capfd.readouterr(), stream)
    if stream == "out":
        return out.splitlines()
    # TensorFlow's own log lines and deprecation notices (on stderr) are not the print's.
    return [line for line in out.splitlines() if line.startswith(("msg", "[", "out", "x="))]


_M = np.arange(12, dtype=np.float32).reshape(3, 4) / 2


def _print_v1(api):
    x = api.constant(_M)
    ph = api.compat.v1.placeholder(api.int64, [None])
    y = api.compat.v1.Print(x, [x, ph, api.constant([True, False]), 3.5, "text"],
                            message="msg: ", first_n=2)
    z = api.compat.v1.Print(y, [x, ph], summarize=20, message="msg2 ")
    w = api.compat.v1.Print(z, [api.constant(np.arange(30).reshape(2, 3, 5))], summarize=-1,
                            message="msg3")
    return w + 1.0, {ph: np.arange(10)}


def test_tf1_print(capfd):
    ours = _printed(capfd, fg, _print_v1, times=3)
    theirs = _printed(capfd, tf, _print_v1, times=3)
    assert ours == theirs
    assert len(ours) == 2 + 3 + 3  # first_n=2 limits the first Print only


def test_tf1_print_returns_its_input_and_has_its_gradient():
    def build(api):
        x = api.compat.v1.placeholder(api.float32, [None])
        y = api.compat.v1.Print(x * 2.0, [x])
        return [y, api.gradients(api.reduce_sum(y * y), x)[0]], {x: np.array([1.0, -2.0],
                                                                           np.float32)}
    ours, theirs = _run(fg, build)[0], _run(tf, build)[0]
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b)


def _print_v2(api, k):
    x = api.constant(_M)
    i = api.compat.v1.placeholder(api.int64, [None])
    out = sys.stdout
    ops = [api.print("out", x, i, 7, {"a": i, "b": [x, "s"]}, output_stream=out, sep="|",
                     end="!\n"),
           api.print("out", api.constant(np.arange(24).reshape(2, 3, 4)), summarize=2,
                     output_stream=out),
           api.print("out", api.constant(np.arange(70).reshape(7, 10)), output_stream=out),
           api.print("out", api.constant(1.5), api.constant([1e-7, 1e10, np.nan, -np.inf]),
                     api.constant("str"), api.constant(["a", "b\n"]), output_stream=out),
           api.print("out", api.constant(np.zeros((0, 3))), api.constant(True),
                     output_stream=out),
           api.print("out", api.constant(np.float64(1 / 3)), api.constant([1 / 3], api.float32),
                     api.constant(np.arange(10), api.float32), api.constant(-0.0), summarize=-1,
                     output_stream=out)]
    return ops[k], {i: np.arange(10)}


@pytest.mark.parametrize("k", range(6))
def test_tf_print(capfd, k):
    ours = _printed(capfd, fg, lambda api: _print_v2(api, k), stream="out")
    theirs = _printed(capfd, tf, lambda api: _print_v2(api, k), stream="out")
    assert ours == theirs and ours


def test_tf_print_as_control_dependency(capfd):
    def build(api):
        x = api.compat.v1.placeholder(api.float32, [2])
        with api.control_dependencies([api.print("x=", x, output_stream=sys.stdout)]):
            y = api.identity(x) * 2.0
        return y, {x: np.array([1.0, 2.5], np.float32)}
    capfd.readouterr()
    ours = _run(fg, build)
    out_ours = capfd.readouterr().out
    theirs = _run(tf, build)
    out_theirs = capfd.readouterr().out
    np.testing.assert_array_equal(ours[0], theirs[0])
    assert out_ours == out_theirs == "x= [1 2.5]\n"


def _assert_message(api, make, feed_value, dtype=np.int32):
    """The run-time InvalidArgumentError of make(api, placeholder) as text."""
    g = api.Graph()
    with g.as_default():
        ph = api.compat.v1.placeholder(api.as_dtype(dtype), [None])
        op = make(api, ph)
        with api.control_dependencies([op]):
            out = api.identity(ph)
        with api.compat.v1.Session(graph=g) as sess:
            ok = sess.run(out, {ph: np.array(feed_value[0], dtype)})
            with pytest.raises(api.errors.InvalidArgumentError) as info:
                sess.run(out, {ph: np.array(feed_value[1], dtype)})
            return ok, str(info.value)


_ASSERTS = [
    ("equal", lambda api, p: api.compat.v1.assert_equal(p, [1, 2, 3]), ([1, 2, 3], [1, 2, 4])),
    ("none_equal", lambda api, p: api.compat.v1.assert_none_equal(p, [1, 2, 3]),
     ([0, 0, 0], [0, 2, 0])),
    ("less", lambda api, p: api.compat.v1.assert_less(p, 3, message="too big"),
     ([0, 2], [0, 3])),
    ("less_equal", lambda api, p: api.compat.v1.assert_less_equal(p, 3), ([3], [4])),
    ("greater", lambda api, p: api.compat.v1.assert_greater(p, 0, summarize=2),
     ([1], [5, 6, 7, 0])),
    ("greater_equal", lambda api, p: api.compat.v1.assert_greater_equal(p, 0), ([0], [-1])),
    ("positive", lambda api, p: api.compat.v1.assert_positive(p), ([1], [0])),
    ("negative", lambda api, p: api.compat.v1.assert_negative(p, message="neg"), ([-1], [0])),
    ("non_negative", lambda api, p: api.compat.v1.assert_non_negative(p), ([0], [-1])),
    ("non_positive", lambda api, p: api.compat.v1.assert_non_positive(p), ([0], [1])),
    ("rank", lambda api, p: api.compat.v1.assert_rank(p, api.size(p) - 1), ([1, 2], [1, 2, 3])),
    ("Assert", lambda api, p: api.compat.v1.Assert(api.reduce_all(p > 0), ["values:", p],
                                                   summarize=2), ([1], [1, 2, 0, 4])),
]


@pytest.mark.parametrize("make,values", [a[1:] for a in _ASSERTS], ids=[a[0] for a in _ASSERTS])
def test_assert_at_run_time(make, values):
    ok_ours, ours = _assert_message(fg, make, values)
    ok_theirs, theirs = _assert_message(tf, make, values)
    np.testing.assert_array_equal(ok_ours, ok_theirs)
    first = ours.split("\n")[0]
    assert first.startswith("assertion failed:") and first in theirs


def test_assert_near():
    def make(api, p):
        return api.compat.v1.assert_near(p, api.constant([1.0, 2.0], api.float32))
    ok_ours, ours = _assert_message(fg, make, ([1.0, 2.0], [1.0, 2.1]), np.float32)
    ok_theirs, theirs = _assert_message(tf, make, ([1.0, 2.0], [1.0, 2.1]), np.float32)
    np.testing.assert_array_equal(ok_ours, ok_theirs)
    # The tolerances are written as the tensors' reprs, which differ by design.
    assert ours.split("\n")[0].split("[x (")[1] == theirs.split("[x (")[1].split("\n")[0]


@pytest.mark.parametrize("make", [
    lambda api: api.compat.v1.assert_equal([1, 2], [1, 3]),
    lambda api: api.compat.v1.assert_less(api.constant([1.0, 5.0]), 2.0, message="m"),
    lambda api: api.compat.v1.assert_positive([[1, 0]]),
    lambda api: api.compat.v1.assert_none_equal(3, 3),
])
def test_assert_on_constants_raises_at_build_time(make):
    messages = []
    for api in (fg, tf):
        with api.Graph().as_default():
            with pytest.raises(api.errors.InvalidArgumentError) as info:
                make(api)
            messages.append(info.value.message)
    assert messages[0] == messages[1]


def test_assert_on_constants_that_hold_builds_an_op():
    for api in (fg, tf):
        with api.Graph().as_default():
            op = api.compat.v1.assert_equal([1, 2], [1, 2])
            with api.compat.v1.Session() as sess:
                assert sess.run(op) is None


@pytest.mark.parametrize("make,error", [
    (lambda api: api.compat.v1.assert_rank(api.zeros([2, 3]), 1), ValueError),
    (lambda api: api.compat.v1.assert_rank(api.zeros([2, 3]), 3, message="m"), ValueError),
    (lambda api: api.compat.v1.assert_rank_at_least(api.zeros([2]), 2), ValueError),
    (lambda api: api.compat.v1.assert_rank_in(api.zeros([2]), [0, 2]), ValueError),
    (lambda api: api.compat.v1.assert_integer(api.zeros([2])), TypeError),
    (lambda api: api.compat.v1.assert_type(api.zeros([2]), api.int32), TypeError),
    (lambda api: api.compat.v1.assert_scalar(api.zeros([2])), ValueError),
    (lambda api: api.compat.v1.assert_proper_iterable("abc"), TypeError),
    (lambda api: api.compat.v1.assert_proper_iterable(3), TypeError),
])
def test_static_checks(make, error):
    messages = []
    for api in (fg, tf):
        with api.Graph().as_default():
            with pytest.raises(error) as info:
                make(api)
            messages.append(str(info.value))
    assert messages[0] == messages[1]


def test_static_checks_that_hold():
    for api in (fg, tf):
        with api.Graph().as_default():
            assert api.compat.v1.assert_rank(api.zeros([2, 3]), 2).type == "NoOp"
            assert api.compat.v1.assert_rank_at_least(api.zeros([2, 3]), 1).type == "NoOp"
            assert api.compat.v1.assert_rank_in(api.zeros([2, 3]), [1, 2]).type == "NoOp"
            assert api.compat.v1.assert_integer(api.zeros([2], api.int32)).type == "NoOp"
            assert api.compat.v1.assert_scalar(api.constant(1.0)).shape.rank == 0
            api.compat.v1.assert_proper_iterable([1, 2])
            x = api.compat.v1.placeholder(api.float32, [None])
            assert api.compat.v1.assert_equal(x, x).type == "NoOp"


def test_monotonic_checks():
    for v in ([1, 2, 2, 3], [1, 2, 3], [3, 1], [[1, 2], [3, 4]]):
        def build(api):
            return [api.math.is_non_decreasing(v), api.math.is_strictly_increasing(v)], None
        assert _run(fg, build) == _run(tf, build)


def _initialization_program(api):
    v1 = api.compat.v1
    a = v1.Variable(1.0, name="a")
    b = v1.Variable([1, 2], name="b")
    with v1.variable_scope("s"):
        c = v1.get_variable("c", [2], initializer=v1.zeros_initializer())
    checks = [v1.is_variable_initialized(a), v1.is_variable_initialized(c),
              v1.report_uninitialized_variables(), v1.report_uninitialized_variables([a, c])]
    return [a, b, c], checks, v1.assert_variables_initialized()


@pytest.mark.parametrize("api", [fg, tf], ids=["fastgraph", "tensorflow"])
def test_variable_initialization_reports(api):
    with api.Graph().as_default():
        (a, b, c), checks, check_all = _initialization_program(api)
        with api.compat.v1.Session() as sess:
            runs = [sess.run(checks)]
            # TF 2.21 folds the ranks it returns: no read, no error.
            np.testing.assert_array_equal(sess.run(check_all), [0, 1, 1])
            sess.run(a.initializer)
            runs.append(sess.run(checks))
            sess.run([b.initializer, c.initializer])
            runs.append(sess.run(checks))
            np.testing.assert_array_equal(sess.run(check_all), [0, 1, 1])
    got = [[bool(r[0]), bool(r[1]), list(r[2]), list(r[3])] for r in runs]
    assert got == [[False, False, [b"a", b"b", b"s/c"], [b"a", b"s/c"]],
                   [True, False, [b"b", b"s/c"], [b"s/c"]],
                   [True, True, [], []]]


def test_no_variables_to_report():
    for api in (fg, tf):
        with api.Graph().as_default():
            r = api.compat.v1.report_uninitialized_variables()
            assert api.compat.v1.assert_variables_initialized() is None
            with api.compat.v1.Session() as sess:
                out = sess.run(r)
            assert out.shape == (0,) and r.dtype == api.string
