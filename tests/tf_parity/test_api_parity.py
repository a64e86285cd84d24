"""Small differences from TensorFlow, pinned against it: how shapes print,
make_callable's arguments, a closed session's callable, `bool(tensor)`,
static shapes built from `tf.stack`/`tf.concat`/`tf.shape`, and string
constants."""

import numpy as np
import pytest

import fastgraph as fg

tf = pytest.importorskip("tensorflow")


@pytest.mark.parametrize("dims", [[None, 3], None, [None], [], [2, None, 4], [5]])
def test_tensor_shape_str(dims):
    assert str(fg.TensorShape(dims)) == str(tf.TensorShape(dims))
    assert repr(fg.TensorShape(dims)) == repr(tf.TensorShape(dims))


def _callable_outcome(api, args, close=False):
    v1 = api.compat.v1
    with api.Graph().as_default():
        x = v1.placeholder(api.float32, [None, 3])
        y = v1.placeholder(api.float32, [])
        sess = v1.Session()
        f = sess.make_callable(x * y + 1.0, [x, y])
        if close:
            sess.close()
        try:
            return "ok", f(*args)
        except Exception as e:  # noqa: BLE001 - the class is what is compared
            text = str(e)
            if isinstance(e, api.errors.OpError):
                text = e.message
            return type(e).__name__, text
        finally:
            sess.close()


@pytest.mark.parametrize("n", [0, 1, 2, 3])
def test_make_callable_argument_count(n):
    args = [np.ones((2, 3), np.float32), np.float32(2.0), np.float32(5.0)][:n]
    ours, theirs = _callable_outcome(fg, args), _callable_outcome(tf, args)
    assert ours[0] == theirs[0]
    if ours[0] == "ok":
        np.testing.assert_array_equal(ours[1], theirs[1])
    else:
        assert ours[0] == "InvalidArgumentError"
        # Which unfed placeholder is named first is TF's executor's choice.
        unfed = "You must feed a value for placeholder tensor 'Placeholder"
        assert ours[1].startswith(unfed) and unfed in theirs[1]
        if n == 1:
            assert ours[1].split(" with dtype")[0] in theirs[1]


def test_callable_of_a_closed_session():
    args = [np.ones((2, 3), np.float32), np.float32(2.0)]
    ours, theirs = _callable_outcome(fg, args, close=True), _callable_outcome(tf, args, close=True)
    assert ours == theirs == ("RuntimeError", "Attempted to use a closed Session.")


def test_tensor_as_bool():
    messages = []
    for api in (fg, tf):
        with api.Graph().as_default():
            x = api.compat.v1.placeholder(api.float32, [])
            with pytest.raises(api.errors.OperatorNotAllowedInGraphError) as info:
                if x:
                    pass
            with pytest.raises(TypeError):
                bool(x > 0)
            messages.append(str(info.value))
    assert messages[0] == messages[1]
    assert issubclass(fg.errors.OperatorNotAllowedInGraphError, TypeError)


_SHAPES = {
    "random of a stacked shape": lambda api, v1, p, x, n, im: v1.random_uniform(api.stack([p, 3])),
    "normal of a stacked shape": lambda api, v1, p, x, n, im: v1.random_normal(api.stack([p, 2, 1])),
    "reshape to [n, 320]": lambda api, v1, p, x, n, im: api.reshape(x, [n, 10 * 32]),
    "reshape to a stack": lambda api, v1, p, x, n, im: api.reshape(x, api.stack([n, 320])),
    "reshape to a concat": lambda api, v1, p, x, n, im: api.reshape(
        x, api.concat([api.shape(x)[:1], [320]], 0)),
    "reshape with -1": lambda api, v1, p, x, n, im: api.reshape(x, [-1, 320]),
    "zeros of a concat": lambda api, v1, p, x, n, im: api.zeros(api.concat([[n], [4, 5]], 0)),
    "zeros of a list": lambda api, v1, p, x, n, im: api.zeros([n, 3]),
    "fill of a sliced shape": lambda api, v1, p, x, n, im: api.fill(api.shape(x)[:2], 1.0),
    "ones of a shape": lambda api, v1, p, x, n, im: api.ones(api.shape(x)),
    "broadcast_to a stack": lambda api, v1, p, x, n, im: api.broadcast_to(1.0, api.stack([n, 2])),
    "conv2d_transpose to a stack": lambda api, v1, p, x, n, im: api.nn.conv2d_transpose(
        im, api.ones([3, 3, 1, 8]), api.stack([api.shape(im)[0], 28, 28, 1]), [1, 2, 2, 1]),
}


@pytest.mark.parametrize("key", list(_SHAPES))
def test_static_shapes_from_shape_arguments(key):
    shapes = []
    for api in (fg, tf):
        v1 = api.compat.v1
        with api.Graph().as_default():
            p = v1.placeholder(api.int32, [])
            x = v1.placeholder(api.float32, [None, 10, 32])
            n = api.unstack(api.shape(x))[0]
            im = v1.placeholder(api.float32, [None, 14, 14, 8])
            shapes.append(str(_SHAPES[key](api, v1, p, x, n, im).shape))
    assert shapes[0] == shapes[1]


def test_static_shapes_hold_when_run():
    with fg.Graph().as_default():
        x = fg.placeholder(fg.float32, [None, 10, 32])
        n = fg.unstack(fg.shape(x))[0]
        y = fg.reshape(x, [n, 320])
        z = fg.zeros(fg.concat([[n], [4, 5]], 0))
        with fg.Session() as sess:
            a, b = sess.run([y, z], {x: np.ones((3, 10, 32), np.float32)})
    assert a.shape == (3, 320) and b.shape == (3, 4, 5)


def test_string_constant():
    for api in (fg, tf):
        with api.Graph().as_default():
            hello = api.constant("Hello, TensorFlow!")
            words = api.constant([b"a", "b\u00e9"])
            with api.compat.v1.Session() as sess:
                assert sess.run(hello) == b"Hello, TensorFlow!"
                got = sess.run([hello, words])
                assert got[0] == b"Hello, TensorFlow!"
                assert list(got[1]) == [b"a", "b\u00e9".encode()]
                assert hello.dtype == api.string and words.shape.as_list() == [2]
