"""The names TF1 programs start with: tf.app.run and tf.app.flags, tf.device,
tf.gfile / tf.io.gfile, tf.arg_max, tf.nn.xw_plus_b, the error classes."""

import os

import numpy as np
import pytest

import fastgraph as tf
from fastgraph.api import flags as flags_module


def _fresh_flags():
    values = flags_module.FlagValues()
    flags_module.DEFINE_integer("steps", 100, "steps", flag_values=values)
    flags_module.DEFINE_float("lr", 0.5, "rate", flag_values=values)
    flags_module.DEFINE_boolean("fast", False, "fast", flag_values=values)
    flags_module.DEFINE_string("name", None, "name", flag_values=values)
    flags_module.DEFINE_list("layers", "a,b", "layers", flag_values=values)
    flags_module.DEFINE_enum("mode", "train", ["train", "eval"], "mode", flag_values=values)
    return values


def test_flags_parse_a_command_line():
    f = _fresh_flags()
    rest = f(["prog", "--steps=7", "pos1", "--lr", "0.25", "--fast", "--name=x",
              "--layers=c,d,e", "--mode", "eval", "pos2"])
    assert rest == ["prog", "pos1", "pos2"]
    assert (f.steps, f.lr, f.fast, f.name, f.layers, f.mode) == \
        (7, 0.25, True, "x", ["c", "d", "e"], "eval")
    f(["prog", "--nofast"])
    assert f.fast is False
    f(["prog", "--fast=true", "--", "--steps=1"])
    assert f.fast is True and f.steps == 7


def test_flags_defaults_and_assignment():
    f = _fresh_flags()
    f(["prog"])
    assert (f.steps, f.lr, f.fast, f.name, f.layers) == (100, 0.5, False, None, ["a", "b"])
    f.steps = 3
    assert f.steps == 3 and f.flag_values_dict()["steps"] == 3
    assert "steps" in f and "nope" not in f
    with pytest.raises(AttributeError):
        f.nope


def test_flags_errors():
    f = _fresh_flags()
    with pytest.raises(flags_module.UnrecognizedFlagError):
        f(["prog", "--unknown=1"])
    with pytest.raises(flags_module.IllegalFlagValueError):
        f(["prog", "--steps=many"])
    with pytest.raises(flags_module.IllegalFlagValueError):
        f(["prog", "--mode=test"])
    with pytest.raises(flags_module.Error, match="defined twice"):
        flags_module.DEFINE_integer("steps", 1, "again", flag_values=f)
    flags_module.mark_flag_as_required("name", flag_values=f)
    with pytest.raises(flags_module.IllegalFlagValueError):
        f(["prog"])


def test_a_flag_read_before_parsing_parses_the_known_flags(monkeypatch):
    f = _fresh_flags()
    monkeypatch.setattr("sys.argv", ["prog", "--steps=9", "--not-ours=1"])
    assert f.steps == 9


def test_app_run_calls_main_with_the_rest_and_exits_with_its_status(monkeypatch):
    seen = []
    name = "app_run_test_flag"
    if name not in tf.flags.FLAGS:
        tf.flags.DEFINE_integer(name, 1, "a test flag")

    def main(argv):
        seen.append((argv, tf.flags.FLAGS[name].value))
        return 3

    with pytest.raises(SystemExit) as info:
        tf.app.run(main=main, argv=["prog", f"--{name}=5", "extra"])
    assert info.value.code == 3
    assert seen == [(["prog", "extra"], 5)]
    assert tf.app.flags is tf.flags is tf.compat.v1.flags


def test_device_places_nothing(g):
    with tf.device("/device:GPU:0"):
        x = tf.constant(2.0) * 3.0
    with g.device(None), tf.device(lambda op: "/cpu:0"):
        y = x + 1.0
    with pytest.raises(TypeError):
        with tf.device(3):
            pass
    with tf.Session() as sess:
        assert sess.run(y) == 7.0


def test_gfile_round_trip_and_errors(tmp_path):
    d = tmp_path / "a" / "b"
    tf.io.gfile.makedirs(str(d))
    assert tf.gfile.IsDirectory(str(d)) and tf.gfile.Exists(str(d))
    p = str(d / "f.txt")
    with tf.gfile.GFile(p, "w") as f:
        f.write("one\ntwo\n")
    with tf.io.gfile.GFile(p) as f:
        assert f.readlines() == ["one\n", "two\n"]
    with tf.gfile.GFile(p, "rb") as f:
        assert f.read() == b"one\ntwo\n" and f.size() == 8
    assert tf.gfile.ListDirectory(str(d)) == ["f.txt"]
    assert tf.gfile.Glob(str(d / "*.txt")) == [p]
    tf.gfile.Copy(p, p + ".bak")
    with pytest.raises(tf.errors.AlreadyExistsError):
        tf.gfile.Copy(p, p + ".bak")
    tf.gfile.Rename(p + ".bak", p + ".moved")
    assert tf.io.gfile.stat(p + ".moved").length == 8
    tf.gfile.Remove(p + ".moved")
    with pytest.raises(tf.errors.NotFoundError):
        tf.gfile.GFile(str(d / "missing"))
    with pytest.raises(tf.errors.NotFoundError):
        tf.gfile.Remove(str(d / "missing"))
    with pytest.raises(tf.errors.NotFoundError):
        tf.gfile.ListDirectory(str(d / "missing"))
    tf.gfile.DeleteRecursively(str(tmp_path / "a"))
    assert not os.path.exists(tmp_path / "a")


def test_arg_max_and_dimension(g):
    x = np.array([[1.0, 5.0, 2.0], [7.0, 0.0, 9.0]], np.float32)
    with tf.Session() as sess:
        got = sess.run([tf.arg_max(x, 1), tf.arg_min(x, 0), tf.argmax(x, dimension=1)])
    np.testing.assert_array_equal(got[0], [1, 2])
    np.testing.assert_array_equal(got[1], [0, 1, 0])
    np.testing.assert_array_equal(got[2], [1, 2])
    with pytest.raises(ValueError):
        tf.argmax(x, axis=0, dimension=1)


def test_xw_plus_b(g):
    rng = np.random.default_rng(0)
    x, w, b = (rng.normal(size=s).astype(np.float32) for s in ((4, 3), (3, 2), (2,)))
    y = tf.nn.xw_plus_b(x, w, b)
    assert y.name == "xw_plus_b:0"
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(y), x @ w + b, rtol=1e-5)


@pytest.mark.parametrize("name,code", [
    ("DeadlineExceededError", 4), ("AlreadyExistsError", 6), ("PermissionDeniedError", 7),
    ("AbortedError", 10), ("UnavailableError", 14), ("DataLossError", 15),
    ("UnauthenticatedError", 16), ("NotFoundError", 5)])
def test_every_tf_error_class(name, code):
    cls = getattr(tf.errors, name)
    e = cls(None, None, "msg")
    assert isinstance(e, tf.errors.OpError) and e.error_code == code and e.message == "msg"
    assert type(tf.errors.exception_for_code(code, None, "m")) is cls
