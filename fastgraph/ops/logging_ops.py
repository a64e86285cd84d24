"""Logging and assertion ops: Assert (tf.Assert), Print (TF1's tf.Print),
StringFormat and PrintV2 (tf.print), with TF's formatting of tensors; Timestamp
(tf.timestamp, the clock's time).

They are host ops (`OpDef.host`, see staged_run.py): the session runs them
in Python between C plans, where they write to sys.stderr / sys.stdout or
raise InvalidArgumentError. Assert and the prints are stateful, so they are
never folded or pruned as pure; they run when fetched or when an op that
runs has them as control inputs (`tf.control_dependencies`).
"""

import sys
import time

import numpy as np

from ..framework import dtypes, errors
from ..framework.constant_op import constant
from ..framework.graph import Operation, Tensor
from ..framework.graphdef_mapping import Attr, Derived, Input, InputList, NodeMapping, TypeAttr
from ..framework.op_registry import NOT_DIFFERENTIABLE, OpDef, register
from . import samples
from .arguments import graph_of, make_op, scope_of, to_tensor
from .tensor_text import format_tensor

__all__ = ["Assert", "Print", "print", "print_v2", "timestamp"]
DEBUGGING = ["Assert"]


# ---- Assert -------------------------------------------------------------------

def _no_outputs(ctx):
    return []


def _assert_check(inputs, attrs):
    condition = np.asarray(inputs[0])
    if condition.ndim != 0:
        dims = ",".join(str(d) for d in condition.shape)
        raise errors.InvalidArgumentError(None, None, f"In[0] should be a scalar: [{dims}]")
    if not bool(condition):
        summarize = attrs.get("summarize", 3)
        parts = [f"[{format_tensor(v, summarize, v2=False)}]" for v in inputs[1:]]
        raise errors.InvalidArgumentError(None, None, "assertion failed: " + " ".join(parts))
    return []


def _assert_samples(dtype):
    yield [np.array(True), samples.values(dtype, (3,), 1)], {"summarize": 3}


register(OpDef("Assert", shape=_no_outputs, dtype=_no_outputs, stateful=True,
               reference=_assert_check, host=lambda ctx, op, v: _assert_check(v, op.attrs),
               gradient=NOT_DIFFERENTIABLE, samples=_assert_samples,
               graphdef=NodeMapping((Input("condition"), InputList("data", count_attr=None)),
                                    [Derived("T", lambda op: [t.dtype for t in op.inputs[1:]]),
                                     Attr("summarize")])))


def _string_or_tensor(graph, value):
    if isinstance(value, (str, bytes)):
        with graph.as_default():
            return constant(value)
    return to_tensor(graph, value)


def Assert(condition, data, summarize=None, name=None):  # noqa: N802 - TF's name
    """Asserts that the given condition is true.

    If `condition` evaluates to false, print the list of tensors in `data`
    (`summarize` entries of each) and raise InvalidArgumentError when run.
    Returns the assert op, to use in `tf.control_dependencies`.
    """
    graph, scope = scope_of([condition] + list(data), name, "Assert")
    with scope:
        condition = to_tensor(graph, condition, name="Condition")
        xs = [_string_or_tensor(graph, d) for d in data]
        return make_op(graph, "Assert", [condition] + xs,
                       {"summarize": 3 if summarize is None else int(summarize)}, name="Assert")


# ---- Print (TF1) --------------------------------------------------------------

def _print_reference(inputs, attrs):
    return [np.array(inputs[0], copy=True)]


def _print_text(inputs, attrs):
    summarize = attrs.get("summarize", 3)
    return attrs.get("message", "") + "".join(
        f"[{format_tensor(v, summarize, v2=False)}]" for v in inputs[1:])


def _print_host(ctx, op, inputs):
    first_n = op.attrs.get("first_n", -1)
    if first_n >= 0:
        count = ctx.resource((id(op.graph), op.name, "Print"), lambda: [0])
        if count[0] >= first_n:
            return _print_reference(inputs, op.attrs)
        count[0] += 1
    sys.stderr.write(_print_text(inputs, op.attrs) + "\n")
    sys.stderr.flush()
    return _print_reference(inputs, op.attrs)


def _print_samples(dtype):
    yield [samples.values(dtype, (2, 3), 1), samples.values(dtype, (4,), 2)], \
        {"message": "sample: ", "first_n": 0, "summarize": 3}


def _print_grad(op, grad):
    return [grad] + [None] * (len(op.inputs) - 1)


register(OpDef("Print", shape=lambda ctx: [ctx.shapes[0]], dtype=lambda ctx: [ctx.dtypes[0]],
               stateful=True, reference=_print_reference, host=_print_host,
               gradient=_print_grad, samples=_print_samples,
               graphdef=NodeMapping((Input("input"), InputList("data", count_attr=None)),
                                    [TypeAttr("T", input=0),
                                     Derived("U", lambda op: [t.dtype for t in op.inputs[1:]]),
                                     Attr("message"), Attr("first_n"), Attr("summarize")])))


def Print(input_, data, message=None, first_n=None, summarize=None, name=None):  # noqa: N802
    """Prints a list of tensors.

    An identity op (returns `input_`) that prints `message` and the values
    of `data` to standard error each time it runs: `summarize` entries of
    each tensor (3 by default), only the first `first_n` times when given.
    """
    graph = graph_of([input_] + list(data))
    x = to_tensor(graph, input_)
    xs = [_string_or_tensor(graph, d) for d in data]
    attrs = {"message": "" if message is None else str(message),
             "first_n": -1 if first_n is None else int(first_n),
             "summarize": 3 if summarize is None else int(summarize)}
    return make_op(graph, "Print", [x] + xs, attrs, name=name or "Print").outputs[0]


# ---- PrintV2 (tf.print) ----------------------------------------

# StringFormat is a string op (string_ops.py); tf.print formats with it.

_STREAMS = {"stderr": "stderr", "stdout": "stdout", "log(info)": "stderr",
            "log(warning)": "stderr", "log(error)": "stderr"}


def _print_v2_host(ctx, op, inputs):
    text = inputs[0]
    text = text.item() if isinstance(text, np.ndarray) else text
    text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    stream = op.attrs.get("output_stream", "stderr")
    end = op.attrs.get("end", "\n")
    if stream.startswith("file://"):
        with open(stream[len("file://"):], "a", encoding="utf-8") as f:
            f.write(text + end)
        return []
    out = sys.stdout if _STREAMS.get(stream) == "stdout" else sys.stderr
    out.write(text + end)
    out.flush()
    return []


def _print_v2_samples(dtype):
    if dtype == dtypes.string:
        yield [samples.known(np.array(b"printed by the op sweep", dtype=object))], \
            {"output_stream": "stderr", "end": "\n"}


register(OpDef("PrintV2", shape=_no_outputs, dtype=_no_outputs, stateful=True,
               reference=lambda inputs, attrs: [], host=_print_v2_host,
               gradient=NOT_DIFFERENTIABLE, samples=lambda dtype: _print_v2_samples(dtypes.string),
               graphdef=NodeMapping(("input",), [Attr("output_stream"), Attr("end")])))


class _Marker:
    """A tensor's place in a printed structure (its repr is the placeholder)."""

    __slots__ = ("text",)

    def __init__(self, text):
        self.text = text

    def __repr__(self):
        return self.text


def _template_part(value, tensors, placeholder):
    if isinstance(value, (Tensor, Operation)) or hasattr(value, "_as_graph_element"):
        tensors.append(value)
        return placeholder
    if isinstance(value, str):
        return value
    return str(_marked(value, tensors, placeholder))


def _marked(value, tensors, placeholder):
    if isinstance(value, Tensor) or hasattr(value, "_as_graph_element"):
        tensors.append(value)
        return _Marker(placeholder)
    if isinstance(value, dict):
        return {k: _marked(v, tensors, placeholder) for k, v in sorted(value.items())}
    if isinstance(value, (list, tuple)):
        return type(value)(_marked(v, tensors, placeholder) for v in value)
    return value


def print_v2(*inputs, **kwargs):
    """Print the specified inputs (tf.print).

    In graph mode returns an op that prints when run (fetch it, or make it
    a control input): tensors as NumPy writes them (the first and last
    `summarize` entries of each dim, 3 by default; -1 for all), Python
    values as str; separated by `sep` (" "), ended by `end` ("\\n"), on
    `output_stream` (sys.stderr by default; sys.stdout, or "file://path").
    """
    output_stream = kwargs.pop("output_stream", sys.stderr)
    sep = kwargs.pop("sep", " ")
    end = kwargs.pop("end", "\n")
    summarize = kwargs.pop("summarize", 3)
    name = kwargs.pop("name", None)
    if kwargs:
        raise ValueError(f"Unrecognized keyword arguments for tf.print: {kwargs}")
    if output_stream is sys.stdout:
        stream = "stdout"
    elif output_stream is sys.stderr:
        stream = "stderr"
    elif isinstance(output_stream, str) and (output_stream in _STREAMS or
                                             output_stream.startswith("file://")):
        stream = output_stream
    else:
        raise ValueError(f"Unsupported output stream, logging level, or file.{output_stream}. "
                         "Supported streams are sys.stdout, sys.stderr, tf.logging.info, "
                         "tf.logging.warning, tf.logging.error. File needs to be in the form of "
                         "'file://<filepath>'.")
    placeholder = "{}"
    literal = "".join(v for v in inputs if isinstance(v, str))
    if placeholder in literal:
        placeholder = "{%s}" % "_".join(["placeholder"] * 2)
    tensors = []
    template = sep.join(_template_part(v, tensors, placeholder) for v in inputs)
    graph = graph_of(tensors)
    xs = [to_tensor(graph, t) for t in tensors]
    formatted = make_op(graph, "StringFormat", xs,
                        {"template": template, "placeholder": placeholder,
                         "summarize": int(summarize)}, name="StringFormat").outputs[0]
    return make_op(graph, "PrintV2", [formatted], {"output_stream": stream, "end": end},
                   name=name or "PrintV2")


print = print_v2  # noqa: A001 - tf.print


# ---- Timestamp ----------------------------------------------------------------------

def _timestamp_host(ctx, op, values):
    return [np.array(time.time(), np.float64)]


register(OpDef("Timestamp", shape=lambda ctx: [()], dtype=lambda ctx: [dtypes.float64],
               stateful=True, host=_timestamp_host,
               reference=lambda inputs, attrs: _timestamp_host(None, None, inputs),
               gradient=NOT_DIFFERENTIABLE, graphdef=NodeMapping(())))


def timestamp(name=None):
    """Provides the time since epoch in seconds.

    Returns the timestamp as a `float64` for seconds since the Unix epoch.
    Common usages include computing the time since a node was first
    evaluated, or measuring the time of a section of a graph.
    """
    graph = graph_of([])
    return make_op(graph, "Timestamp", [], name=name or "Timestamp").outputs[0]
