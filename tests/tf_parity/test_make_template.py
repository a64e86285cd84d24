"""`tf.compat.v1.make_template` against TensorFlow: variables made on the
first call and shared after, names of scopes and ops, and the error for a
template that makes a new trainable variable on a later call."""

import numpy as np
import pytest

import fastgraph as fg

tf = pytest.importorskip("tensorflow")


def _program(api):
    v1 = api.compat.v1
    g = api.Graph() if api is fg else v1.Graph()
    with g.as_default():
        def scale(x, factor):
            w = v1.get_variable("w", [3], initializer=v1.constant_initializer(2.0))
            return x * w * factor

        t = v1.make_template("scale", scale, factor=3.0)
        x = v1.placeholder(api.float32, [3])
        a, b = t(x), t(x + 1.0)
        later = v1.make_template("later", scale, create_scope_now_=True, factor=1.0)
        c = later(x)
        names = sorted(v.name for v in v1.global_variables())
        with v1.Session(graph=g) as sess:
            sess.run(v1.global_variables_initializer())
            values = sess.run([a, b, c], {x: np.arange(3, dtype=np.float32)})
        return names, [t.name for t in (a, b, c)], values, t.variable_scope_name


def test_make_template_shares_variables_as_tf():
    ours, theirs = _program(fg), _program(tf)
    assert ours[0] == theirs[0] == ["later/w:0", "scale/w:0"]
    assert ours[1] == theirs[1]
    assert ours[3] == theirs[3]
    for o, t in zip(ours[2], theirs[2]):
        np.testing.assert_allclose(o, t)


def test_a_new_trainable_variable_on_a_later_call_raises():
    for api in (fg, tf):
        v1 = api.compat.v1
        g = api.Graph() if api is fg else v1.Graph()
        with g.as_default():
            t = v1.make_template("bad", lambda: v1.Variable(1.0))
            t()
            with pytest.raises(ValueError, match="Trainable variable created"):
                t()
