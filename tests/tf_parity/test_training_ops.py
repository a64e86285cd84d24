"""The training ops' kernels against TensorFlow's own (tf.raw_ops.Apply*
on ref variables): every ref input after two updates, for each sample of
the op sweep, both dtypes, each bool attr; and their run-time errors."""

import numpy as np
import pytest

import fastgraph as fg
from fastgraph.framework import op_registry

from .parity import assert_same, tf

OPS = [t for t in op_registry.registered_types() if op_registry.get(t).kernel and
       op_registry.get(t).kernel.startswith(("apply_", "sparse_apply_"))]


def _run(api, op_type, inputs, attrs, steps=2):
    n_refs = len(op_registry.get(op_type).ref_inputs)
    names = op_registry.get(op_type).graphdef.inputs
    v1 = api.compat.v1
    g = api.Graph()
    with g.as_default():
        refs = [v1.Variable(np.asarray(v), name=f"ref{i}", **(
            {"use_resource": False} if api is tf else {})) for i, v in enumerate(inputs[:n_refs])]
        others = [api.constant(np.asarray(v)) for v in inputs[n_refs:]]
        kwargs = dict(zip([n.name if hasattr(n, "name") else n for n in names],
                          (refs if api is tf else [r._variable for r in refs]) + others))
        if api is tf:
            out = getattr(tf.raw_ops, op_type)(**kwargs, **attrs)
        else:
            out = g.create_op(op_type, list(kwargs.values()), dict(attrs)).outputs[0]
        with v1.Session(graph=g) as sess:
            sess.run(v1.global_variables_initializer())
            for _ in range(steps):
                sess.run(out)
            return sess.run([api.identity(r) for r in refs])


def _cases():
    for op_type in OPS:
        for dtype in (fg.float32, fg.float64):
            for n, (inputs, attrs) in enumerate(op_registry.get(op_type).samples(dtype)):
                if np.asarray(inputs[0]).size > 10000:
                    continue
                yield pytest.param(op_type, inputs, attrs, id=f"{op_type}-{dtype.name}-{n}")


@pytest.mark.parametrize("op_type,inputs,attrs", list(_cases()))
def test_kernel_matches_tf(op_type, inputs, attrs):
    ours, theirs = _run(fg, op_type, inputs, attrs), _run(tf, op_type, inputs, attrs)
    for a, b in zip(ours, theirs):
        assert_same(a, b)


@pytest.mark.parametrize("op_type,which,value,message", [
    ("ApplyProximalAdagrad", 2, 0.0, "lr is not a positive scalar: []"),
    ("ApplyProximalAdagrad", 3, -1.0,
     "l1 regularization strength is not a non-negative scalar: []"),
    ("ApplyProximalAdagrad", 4, -1.0,
     "l2 regularization strength is not a non-negative scalar: []"),
])
def test_bad_hyperparameters_fail_as_tf(op_type, which, value, message):
    inputs, attrs = next(iter(op_registry.get(op_type).samples(fg.float32)))
    inputs = list(inputs)
    inputs[which] = np.float32(value)
    for api in (fg, tf):
        with pytest.raises(api.errors.InvalidArgumentError, match=message.replace("[", r"\[")
                           .replace("]", r"\]")):
            _run(api, op_type, inputs, attrs, steps=1)


@pytest.mark.parametrize("op_type,which,value", [
    ("ApplyFtrl", 4, -0.1), ("ApplyFtrl", 5, -0.1), ("ApplyFtrl", 7, 0.5),
    ("ApplyFtrlV2", 7, -0.1), ("ApplyProximalGradientDescent", 2, -1.0)])
def test_unchecked_hyperparameters_compute_as_tf(op_type, which, value):
    # TF's dense FTRL and proximal gradient descent kernels take any value.
    inputs, attrs = next(iter(op_registry.get(op_type).samples(fg.float32)))
    inputs = list(inputs)
    inputs[which] = np.float32(value)
    for a, b in zip(_run(fg, op_type, inputs, attrs), _run(tf, op_type, inputs, attrs)):
        assert_same(a, b)
