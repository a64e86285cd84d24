"""One sweep over the op registry: every registered op type, for every dtype
its entry declares, built from its OpDef's `samples` through `Graph.create_op`,
run in a Session (the C kernel) and compared with the op's NumPy `reference`
(tinygrad's `helper_test_op`, one oracle for every op).

Inputs are read from variables (assigned from fed placeholders first), so
that the kernel computes the op rather than the compiler folding it: the
compiler knows the values of constants and of small fed integer tensors, but
never a variable's (`samples.Known` inputs, whose values decide a shape, are
constants). Integers and booleans must match exactly,
floats within a tolerance per dtype. Ops without a kernel get what fits them:
views and shape ops are compared the same way (they must equal the
reference), placeholders give back what is fed, variables what is assigned,
a NoOp runs as a target, and random ops must equal the reference generator
for their seeds and repeat themselves in a fresh session.

An op registered without samples fails `test_every_op_has_samples`, so no op
or declared dtype goes untested; `EXEMPT` says why each exception is one.
Declared dtypes that the C kernel rejects are in `GAPS`, strict xfails that
flip to failures once the kernel takes them.
"""

import numpy as np
import pytest

import fastgraph as tf
from fastgraph.framework import op_registry
from fastgraph.ops import lookup_ops, queue_ops, reader_ops, samples

# Ops the sweep does not build from samples, and why.
EXEMPT = {
    "Const": "registered by the framework, which cannot see the op families' sample "
             "generators; every samples.Known input is a Const, and its value is read back "
             "by test_const_values_come_back",
    "IsVariableInitialized": "its value is its session's state of the variable, not a "
                             "function of input values (the sweep initializes every "
                             "variable first); tests/tf_parity/test_logging_asserts.py runs "
                             "it against TF before and after initialization",
    "While": "its attributes are sub-graphs built by tf.while_loop, not arrays; "
             "tests/test_control_flow.py runs loops against NumPy and the op's reference",
    "HostWhile": "a while_loop whose shapes change across iterations: its attributes are "
                 "sub-graphs; tests/test_loop_shapes.py runs it against NumPy",
    "HostWhileGrad": "the gradient of a HostWhile, built by tf.gradients from its sub-graphs; "
                     "tests/test_loop_shapes.py checks it against finite differences",
    "If": "its attributes are sub-graphs built by tf.cond/case/switch_case, not arrays; "
          "tests/test_control_flow.py runs them against NumPy and the op's reference",
    "Timestamp": "its value is the clock's time when it runs, no function of inputs; "
                 "tests/test_array_ops_more.py checks it against time.time()",
    **{t: "a lookup-table op: it works on the table a HashTableV2 or MutableHashTableV2 of "
          "the same run made (a session resource), which no sample can hold; "
          "tests/test_lookup_ops.py and tests/tf_parity/test_lookup.py run them"
       for t in lookup_ops.TABLE_OPS},
}
# Queue ops act on a queue a session holds, named by a handle from a queue op:
# they have no value of their inputs alone. tests/test_queues.py runs each of
# them against hand-computed orders, and tests/tf_parity/test_queues.py against TF.
EXEMPT.update({t: "a queue op: its value depends on the session's queue, not its inputs; "
                  "tests/test_queues.py checks it" for t in queue_ops.QUEUE_TYPES +
               queue_ops.ACTION_TYPES})
EXEMPT.update({t: "a reader op: its value depends on the session's reader, its queue and "
                  "files; tests/test_readers.py checks it" for t in reader_ops.READER_TYPES +
               reader_ops.ACTION_TYPES})

# (op type, dtype name) -> why the kernel fails a dtype the entry declares.
GAPS = {}

# (rtol, atol) by output dtype: kernels may sum in another order than NumPy
# and use their own libm calls, but stay within a few ulps of float32.
TOLERANCE = {np.dtype(np.float32): (2e-5, 2e-5), np.dtype(np.float64): (1e-11, 1e-11)}


def _sweep_dtypes(opdef):
    """The dtypes the sweep runs an op at: its main declared ones, else every
    dtype a kernel can take (views, sources and ops that take any type)."""
    return opdef.main_dtypes or samples.KERNEL_DTYPES


def _cases():
    for op_type in op_registry.registered_types():
        if op_type in EXEMPT:
            continue
        for dtype in _sweep_dtypes(op_registry.get(op_type)):
            gap = GAPS.get((op_type, dtype.name))
            marks = [pytest.mark.xfail(strict=True, reason=gap)] if gap else []
            yield pytest.param(op_type, dtype, id=f"{op_type}-{dtype.name}", marks=marks)


def _as_array(value):
    # A string scalar is fetched as bytes, as TF's; np.asarray would make it |S.
    return np.asarray(value, dtype=object) if isinstance(value, bytes) else np.asarray(value)


def _assert_same(got, want, what):
    got, want = _as_array(got), _as_array(want)
    assert got.dtype == want.dtype, f"{what}: dtype {got.dtype}, reference {want.dtype}"
    assert got.shape == want.shape, f"{what}: shape {got.shape}, reference {want.shape}"
    if want.dtype in TOLERANCE:
        rtol, atol = TOLERANCE[want.dtype]
        np.testing.assert_allclose(got, want, rtol=rtol, atol=atol, err_msg=what)
    else:
        np.testing.assert_array_equal(got, want, err_msg=what)


def _string_const(graph, value):
    """A string constant (a summary's tag): fastgraph's strings are constants
    read by the host ops they feed."""
    return graph.create_op("Const", [], {"value": np.asarray(value), "dtype": tf.string}).outputs[0]


class _Build:
    """The graph of one (op, dtype) case: every sample's op, with the feeds
    and initialisers its inputs need."""

    def __init__(self, graph):
        self.graph = graph
        self.feeds = {}
        self.inits = []

    def input(self, value):
        """A graph tensor for a sample input: a constant for a Known one, a
        variable's value otherwise."""
        if isinstance(value, samples.Known):
            if np.asarray(value).dtype == object:
                return _string_const(self.graph, value)
            return tf.constant(np.asarray(value))
        return tf.identity(self.variable(value))

    def fed(self, value):
        """A placeholder fed `value` in every run."""
        arr = np.asarray(value)
        ph = tf.placeholder(tf.as_dtype(arr.dtype), arr.shape)
        self.feeds[ph] = arr
        return ph

    def variable(self, value):
        """A variable holding `value` once `inits` have run."""
        arr = np.asarray(value)
        dtype = tf.as_dtype(arr.dtype)
        var = self.graph.create_op("VariableV2", [], {
            "shape": arr.shape, "dtype": dtype, "container": "", "shared_name": ""}).outputs[0]
        self.inits.append(self.graph.create_op("Assign", [var, self.fed(arr)], {}))
        return var


def _build_and_expect(build, op_type, opdef, inputs, attrs):
    """Adds one sample's op; returns (fetches, expected values, targets)."""
    if op_type == "Placeholder":
        out = build.graph.create_op(op_type, [], attrs).outputs[0]
        shape = attrs["shape"].as_tuple()
        build.feeds[out] = samples.values(attrs["dtype"], shape, 7)
        return [out], [build.feeds[out]], []
    if op_type == "VariableV2":
        value = samples.values(attrs["dtype"], attrs["shape"], 8)
        var = build.graph.create_op(op_type, [], attrs).outputs[0]
        build.inits.append(build.graph.create_op("Assign", [var, build.fed(value)], {}))
        return [var], [value], []
    tensors = [build.variable(v) if i in opdef.ref_inputs else build.input(v)
               for i, v in enumerate(inputs)]
    op = build.graph.create_op(op_type, tensors, attrs)
    want = [] if opdef.reference is None else \
        opdef.reference([np.asarray(v) for v in inputs], attrs)
    if not op.outputs:
        return [], [], [op]
    fetches = list(op.outputs)
    if opdef.ref_inputs:
        # The variable itself must hold what the op returned (read after it).
        fetches += build.graph.create_op("Identity", [tensors[0]], {},
                                         control_inputs=[op]).outputs
        # CountUpTo returns the count before its increment.
        want = want + ([want[0] + want[0].dtype.type(1)] if op_type == "CountUpTo"
                       else want[:1])
    return fetches, want, []


def _run_case(op_type, dtype):
    opdef = op_registry.get(op_type)
    graph = tf.Graph()
    fetches, want, targets, where = [], [], [], []
    with graph.as_default():
        build = _Build(graph)
        for n, (inputs, attrs) in enumerate(opdef.samples(dtype)):
            f, w, t = _build_and_expect(build, op_type, opdef, inputs, attrs)
            fetches += f
            want += w
            targets += t
            where += [f"{op_type}[{dtype.name}] sample {n} ({attrs}) output {i}"
                      for i in range(len(f))]
    assert fetches or targets, f"{op_type} yielded no samples for {dtype.name}"
    with tf.Session(graph=graph) as sess:
        if build.inits:
            sess.run(build.inits, build.feeds)
        got = sess.run([fetches, targets], build.feeds)[0]
    return graph, build, fetches, targets, got, want, where


def test_every_op_has_samples():
    missing = [t for t in op_registry.registered_types()
               if op_registry.get(t).samples is None and t not in EXEMPT]
    assert not missing, f"ops registered without samples (add them in ops/samples.py): {missing}"
    stale = [t for t in EXEMPT if op_registry.get(t).samples is not None]
    assert not stale, f"exempt ops that have samples now (drop them from EXEMPT): {stale}"


def test_gaps_name_declared_dtypes():
    for op_type, dtype in GAPS:
        declared = _sweep_dtypes(op_registry.get(op_type))
        assert dtype in [d.name for d in declared], (op_type, dtype)


@pytest.mark.parametrize("op_type,dtype", list(_cases()))
def test_op_matches_reference(op_type, dtype):
    graph, build, fetches, targets, got, want, where = _run_case(op_type, dtype)
    assert len(got) == len(want)
    for g, w, what in zip(got, want, where):
        _assert_same(g, w, what)
    if op_registry.get(op_type).stateful and not op_registry.get(op_type).ref_inputs:
        # Seeded random ops (and variables) repeat themselves in a fresh session.
        with tf.Session(graph=graph) as sess:
            if build.inits:
                sess.run(build.inits, build.feeds)
            again = sess.run(fetches, build.feeds)
        for g, a, what in zip(got, again, where):
            _assert_same(a, g, what + " (second session)")


@pytest.mark.parametrize("dtype", samples.KERNEL_DTYPES, ids=lambda d: d.name)
def test_const_values_come_back(dtype):
    value = samples.values(dtype, (3, 4), 1)
    with tf.Graph().as_default():
        c = tf.constant(value)
        assert c.op.type == "Const"
        with tf.Session() as sess:
            _assert_same(sess.run(c), value, "Const")


def _refused_cases():
    for op_type in op_registry.registered_types():
        for accepts in op_registry.get(op_type).dtypes:
            bad = next((d for d in samples.KERNEL_DTYPES if d not in accepts.allowed), None)
            if bad is not None:
                yield pytest.param(op_type, accepts, bad, id=f"{op_type}-{accepts.arg}-{bad.name}")


@pytest.mark.parametrize("op_type,accepts,bad", list(_refused_cases()))
def test_create_op_refuses_undeclared_dtypes(op_type, accepts, bad):
    """Graph.create_op raises TF's TypeError for each parameter given a dtype
    its entry does not list (here the first sample, with that parameter's
    inputs or attribute changed to `bad`)."""
    opdef = op_registry.get(op_type)
    main = opdef.main_dtypes[0]
    inputs, attrs = next(iter(opdef.samples(main)))
    if accepts.attr is not None:
        attrs = dict(attrs, **{accepts.attr: bad})
    else:
        index = accepts.input
        picked = range(len(inputs))[index] if isinstance(index, slice) else [index]
        inputs = [np.asarray(v).astype(bad.np_dtype) if i in picked else v
                  for i, v in enumerate(inputs)]
    names = ", ".join(d.name for d in accepts.allowed)
    want = (f"Value passed to parameter '{accepts.arg}' has DataType {bad.name} not in list "
            f"of allowed values: {names}")
    graph = tf.Graph()
    with graph.as_default():
        tensors = [_string_const(graph, v) if np.asarray(v).dtype == object else
                   tf.placeholder(tf.as_dtype(np.asarray(v).dtype), np.shape(v)) for v in inputs]
        with pytest.raises(TypeError) as info:
            graph.create_op(op_type, tensors, attrs)
    assert str(info.value) == want


# Parameters where fastgraph's kernels take dtypes that TF's op refuses
# (kept: refusing them now would break graphs that build today).
WIDER_THAN_TF = {("Pow", "x"): {"uint8"}, ("SquaredDifference", "x"): {"uint8", "int8", "int16"}}


def test_declared_parameters_are_tfs():
    """Each Accepts names a parameter of TF's op of that type, as TF's message
    names it, and allows only dtypes TF's op allows (ops that TF does not
    have, as CentralCrop, are fastgraph's own)."""
    pytest.importorskip("tensorflow")
    from tensorflow.python.framework import dtypes as tf_dtypes
    from tensorflow.python.framework import op_def_registry

    for op_type in op_registry.registered_types():
        tf_op = op_def_registry.get(op_type)
        if tf_op is None:
            continue
        attrs = {a.name: a for a in tf_op.attr}
        for accepts in op_registry.get(op_type).dtypes:
            where = f"{op_type}.{accepts.arg}"
            if accepts.attr is not None:
                assert accepts.attr == accepts.arg and accepts.attr in attrs, where
                type_attr = attrs[accepts.attr]
            else:
                args = {a.name: a for a in tf_op.input_arg}
                assert accepts.arg in args, f"{where}: TF's inputs are {list(args)}"
                arg = args[accepts.arg]
                if not arg.type_attr:
                    assert [d.name for d in accepts.allowed] == \
                        [tf_dtypes.as_dtype(arg.type).name], where
                    continue
                type_attr = attrs[arg.type_attr]
            tf_allowed = {tf_dtypes.as_dtype(t).name for t in type_attr.allowed_values.list.type}
            if tf_allowed:
                extra = {d.name for d in accepts.allowed} - tf_allowed
                assert extra == WIDER_THAN_TF.get((op_type, accepts.arg), set()), where
