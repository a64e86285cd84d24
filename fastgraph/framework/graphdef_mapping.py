"""How an op is written as a TensorFlow NodeDef and read back from one.

Each OpDef's `graphdef` slot holds a `NodeMapping` (or `NoGraphDef`, saying
why there is none). A mapping lists the TF op's inputs in TF's order and
its attrs, each rule saying where the value lives on the fastgraph side:

- `Input("x")`: TF input x is a fastgraph input (the next one, or `index`).
- `InputList("values", count_attr="N")`: a TF list input: the fastgraph
  inputs from there on; its length is written as `N`.
- `AttrInput("axis", "axis", type_attr="Tidx")`: a TF input tensor whose
  value fastgraph keeps as an attr (axes, perm, multiples: they fix the
  output's shape). Written as a constant; read from the input's static value,
  or, when `deferred` and the value is only known at run time, as an extra
  input behind an `AttrFromInput`.
- `Attr("keep_dims", "keepdims")`: a TF attr that is a fastgraph attr, with
  `encode`/`decode` where the forms differ (TF's NHWC strides [1, h, w, 1] are
  fastgraph's (h, w)).
- `TypeAttr("T", input=0)`: a TF type attr that follows a tensor's dtype.
- `Fixed("data_format", "NHWC")`: a TF attr fastgraph has only one value of;
  other values are refused on import.
- `Derived("num_split", fn)`: a TF attr that follows from other facts.
- `Implied("axis", -1)`: a fastgraph attr TF's op has no counterpart for
  (Softmax runs on the last axis); ops with another value cannot be written.

The importer reads NodeDefs with `NodeMapping.read` and the exporter writes
them with `NodeMapping.write`: both walk the same rules, so they cannot
disagree, and a fastgraph op written and read back is the same op.

TF op types that fastgraph builds from other ops (FusedBatchNorm as
FusedBatchNormV3, Pad as PadV2 with a zero) are import translations instead,
registered with `op_registry.register_graphdef_translation` by the family
that owns the ops they build; they are read, never written.
"""

import numpy as np

from . import dtypes
from .op_registry import AttrFromInput

__all__ = ["NodeMapping", "NoGraphDef", "WrittenNode", "Input", "InputList", "AttrInput",
           "AttrRule", "Attr", "TypeAttr", "Fixed", "Implied", "Derived", "ANY", "int_tuple",
           "int_scalar"]

ANY = object()  # Fixed(..., accepts=ANY): every value imports (the attr is only a hint)
_ABSENT = object()


def int_tuple(value):
    """A tensor value as a tuple of Python ints (the usual form of shape attrs)."""
    return tuple(int(v) for v in np.asarray(value).reshape(-1))


def int_scalar(value):
    """A one-element tensor value as a Python int (axes)."""
    return int(np.asarray(value).reshape(-1)[0])


def _as_list(value):
    return [v.item() if isinstance(v, np.generic) else v for v in value]


class Input:
    """TF input `name` is fastgraph input `index` (the next one when None)."""

    def __init__(self, name, index=None):
        self.name = name
        self.index = index

    def __repr__(self):
        return f"Input({self.name!r}, {self.index})"


class InputList:
    """TF list input `name`: every fastgraph input from here on (the op's
    attr-carrying extra inputs excepted); `count_attr` (TF's `N`) is written
    as their number."""

    def __init__(self, name, count_attr="N"):
        self.name = name
        self.count_attr = count_attr
        self.index = None

    def __repr__(self):
        return f"InputList({self.name!r})"


class AttrInput:
    """TF input `name` is a tensor whose value fastgraph holds as attr `attr`.

    Written as a constant of `dtype` (`encode(value, op)` gives its value from
    the attr's, for attrs such as "all axes" whose tensor depends on the
    input's rank), with the TF type attr `type_attr` set to its dtype. Read
    from the input's static value through `decode(ndarray)`; when that value
    is only known at run time, a `deferred` attr becomes an extra input with
    an `AttrFromInput` marker (as the op functions do), and any other is
    refused.
    """

    def __init__(self, name, attr, *, dtype=dtypes.int32, type_attr=None, encode=None,
                 decode=int_tuple, deferred=False):
        self.name = name
        self.attr = attr
        self.dtype = dtype
        self.type_attr = type_attr
        self.encode = encode
        self.decode = decode
        self.deferred = deferred

    def __repr__(self):
        return f"AttrInput({self.name!r}, {self.attr!r})"

    def value_of(self, op, dtype=None):
        """The constant TF input for the op's attr value (a NumPy array of
        `dtype`, by default the rule's)."""
        value = op.get_attr(self.attr)
        if self.encode is not None:
            value = self.encode(value, op)
        return np.asarray(value, dtype=(dtype or self.dtype).np_dtype)


class AttrRule:
    """One TF attr and how it maps to the op's fastgraph attrs.

    `tf_names` are the TF attrs the rule writes (for the check against TF's
    op definitions); `write(op, tf_attrs)` adds them, `read(tf_attrs, attrs,
    where)` sets the fastgraph attrs from the NodeDef's (`where` names the
    node for messages).
    """

    tf_names = ()

    def write(self, op, tf_attrs):
        raise NotImplementedError

    def read(self, tf_attrs, attrs, where):
        raise NotImplementedError


class Attr(AttrRule):
    """TF attr `name` is fastgraph attr `attr` (the same name when None).

    `encode` turns the fastgraph value into TF's, `decode` back. `default` is
    the fastgraph value when the NodeDef leaves the attr out (TF's default);
    without one the attr is required. `optional`: fastgraph leaves the attr
    out when it has its default, so it is written only when present.
    """

    def __init__(self, name, attr=None, *, encode=None, decode=None, default=_ABSENT,
                 optional=False):
        self.name = name
        self.attr = attr or name
        self.encode = encode
        self.decode = decode
        self.default = default
        self.optional = optional
        self.tf_names = (name,)

    def write(self, op, tf_attrs):
        if self.attr not in op.attrs:
            if self.optional:
                return
            if self.default is not _ABSENT:
                # An op built without the attr has its default (TF's).
                tf_attrs[self.name] = self.default
                return
        value = op.get_attr(self.attr)
        if self.encode is not None:
            value = self.encode(value)
        elif isinstance(value, tuple):
            value = _as_list(value)
        tf_attrs[self.name] = value

    def read(self, tf_attrs, attrs, where):
        if self.name not in tf_attrs:
            if self.optional:
                return
            if self.default is _ABSENT:
                raise ValueError(f"{where} lacks its required attr {self.name!r}")
            attrs[self.attr] = self.default
            return
        value = tf_attrs[self.name]
        attrs[self.attr] = value if self.decode is None else self.decode(value)


class TypeAttr(AttrRule):
    """TF type attr `name` is the dtype of fastgraph input `input` (or of
    output `output`); on import the tensors carry it already."""

    def __init__(self, name, input=None, output=None):  # noqa: A002 - the rule's words
        if (input is None) == (output is None):
            raise ValueError("TypeAttr takes one of input= and output=")
        self.name = name
        self.input = input
        self.output = output
        self.tf_names = (name,)

    def write(self, op, tf_attrs):
        tensors = op.inputs if self.input is not None else op.outputs
        tf_attrs[self.name] = tensors[self.input if self.input is not None else self.output].dtype

    def read(self, tf_attrs, attrs, where):
        pass


class Fixed(AttrRule):
    """TF attr `name` that fastgraph supports one value of: written as
    `value`; on import an absent attr is TF's default (`value`), and a value
    outside `accepts` (only `value` by default; `ANY` for hints such as
    use_cudnn_on_gpu) raises NotImplementedError."""

    def __init__(self, name, value, accepts=None):
        self.name = name
        self.value = value
        self.accepts = (value,) if accepts is None else accepts
        self.tf_names = (name,)

    def write(self, op, tf_attrs):
        tf_attrs[self.name] = self.value

    def read(self, tf_attrs, attrs, where):
        value = tf_attrs.get(self.name, self.value)
        if self.accepts is not ANY and value not in self.accepts:
            raise NotImplementedError(f"{where} has {self.name}={value!r}; fastgraph imports "
                                      f"{' or '.join(repr(v) for v in self.accepts)} only")


class Implied(AttrRule):
    """Fastgraph attr `attr` that the TF op has no counterpart for: read as
    `value` (None: the attr is left out, as fastgraph leaves it out by
    default); an op with another value has no NodeDef (ValueError)."""

    def __init__(self, attr, value):
        self.attr = attr
        self.value = value

    def write(self, op, tf_attrs):
        have = op.attrs.get(self.attr)
        if have != self.value:
            raise ValueError(f"{op.type} op {op.name} has {self.attr}={have!r}, which TF's "
                             f"{op.type} cannot express")

    def read(self, tf_attrs, attrs, where):
        if self.value is not None:
            attrs[self.attr] = self.value


class Derived(AttrRule):
    """TF attr `name` that follows from the op's other facts (`fn(op)`, e.g.
    SplitV's num_split from its sizes): written, and not needed on import."""

    def __init__(self, name, fn):
        self.name = name
        self.fn = fn
        self.tf_names = (name,)

    def write(self, op, tf_attrs):
        tf_attrs[self.name] = self.fn(op)

    def read(self, tf_attrs, attrs, where):
        pass


class WrittenNode:
    """What `NodeMapping.write` gives the exporter: the TF op name, the
    inputs in TF's order (a Tensor, or a NumPy array to write as a Const
    node) with the TF input arg each fills, and the TF attrs as Python values
    (DType for types, TensorShape for shapes, lists for lists)."""

    __slots__ = ("op", "inputs", "attrs")

    def __init__(self, op, inputs, attrs):
        self.op = op
        self.inputs = inputs
        self.attrs = attrs

    def __repr__(self):
        return f"WrittenNode({self.op!r}, {[name for name, _ in self.inputs]}, {self.attrs})"


class NodeMapping:
    """An op type as a TF NodeDef: `inputs` (in TF's order) and `attrs` rules.

    `op` is the TF op name (the OpDef's type when None); `aliases` are other
    TF op names whose NodeDefs have the same inputs and attrs and import as
    this op (TF's Add as AddV2, BatchMatMul as BatchMatMulV2); they are never
    written. `unwritable(op)` gives the reason an op of this type cannot be a
    TF NodeDef, or None (TF's cross-entropy ops take matrices only; fastgraph's
    take any rank).
    """

    def __init__(self, inputs=(), attrs=(), *, op=None, aliases=(), unwritable=None):
        self.inputs = tuple(Input(i) if isinstance(i, str) else i for i in inputs)
        self.attrs = tuple(attrs)
        self.op = op
        self.aliases = tuple(aliases)
        self.unwritable = unwritable
        nxt = 0
        self._n_plain = 0  # fastgraph inputs before any extra (deferred-attr) ones
        self._list = None
        for spec in self.inputs:
            if isinstance(spec, Input):
                if self._list is not None:
                    raise ValueError("an Input after an InputList has no fixed index")
                if spec.index is None:
                    spec.index = nxt
                nxt = spec.index + 1
                self._n_plain += 1
            elif isinstance(spec, InputList):
                if self._list is not None:
                    raise ValueError("a NodeMapping takes one InputList")
                spec.index = nxt
                self._list = spec

    def input_arg_names(self, op):
        """TF's input arg name of each of `op`'s inputs (list items as
        `values_0`, `values_1`, ...; inputs that carry an attr under their
        TF input's name), None where there is none."""
        n = len(op.inputs)
        names = [None] * n
        extra = {v.index: v.what for v in op.attrs.values() if isinstance(v, AttrFromInput)}
        n_plain = n - len(extra)
        for spec in self.inputs:
            if isinstance(spec, Input) and spec.index < n:
                names[spec.index] = spec.name
            elif isinstance(spec, InputList):
                for k in range(spec.index, n_plain):
                    names[k] = f"{spec.name}_{k - spec.index}"
            elif isinstance(spec, AttrInput):
                for index, attr in extra.items():
                    if attr == spec.attr and index < n:
                        names[index] = spec.name
        return names

    def tf_op(self, op_type):
        """The TF op name written for fastgraph ops of type `op_type`."""
        return self.op or op_type

    def tf_attr_names(self):
        """Every TF attr this mapping writes (for the check against TF's ops)."""
        names = [n for rule in self.attrs for n in rule.tf_names]
        names += [s.type_attr for s in self.inputs if isinstance(s, AttrInput) and s.type_attr]
        names += [s.count_attr for s in self.inputs if isinstance(s, InputList) and s.count_attr]
        return list(dict.fromkeys(names))  # Slice's begin and size share Index

    # ---- fastgraph -> NodeDef ------------------------------------------------

    def write(self, op):
        """The op as a `WrittenNode`; ValueError if TF's op cannot express it."""
        reason = self.unwritable(op) if self.unwritable is not None else None
        if reason:
            raise ValueError(f"{op.type} op {op.name} has no TF NodeDef: {reason}")
        inputs, tf_attrs = [], {}
        n_extra = sum(isinstance(v, AttrFromInput) for v in op.attrs.values())
        # Inputs that share a type attr (StridedSlice's Index) share a dtype:
        # constants take that of a run-time input among them.
        shared = {rule.name: op.inputs[rule.input].dtype for rule in self.attrs
                  if isinstance(rule, TypeAttr) and rule.input is not None
                  and rule.input < len(op.inputs)}
        for spec in self.inputs:
            if isinstance(spec, AttrInput) and spec.type_attr:
                value = op.get_attr(spec.attr)
                if isinstance(value, AttrFromInput):
                    shared[spec.type_attr] = op.inputs[value.index].dtype
        for spec in self.inputs:
            if isinstance(spec, Input):
                inputs.append((spec.name, op.inputs[spec.index]))
            elif isinstance(spec, InputList):
                items = list(op.inputs[spec.index:len(op.inputs) - n_extra])
                inputs.extend((spec.name, t) for t in items)
                if spec.count_attr:
                    tf_attrs[spec.count_attr] = len(items)
            else:
                value = op.get_attr(spec.attr)
                if isinstance(value, AttrFromInput):
                    tensor = op.inputs[value.index]
                    inputs.append((spec.name, tensor))
                    dtype = tensor.dtype
                else:
                    dtype = shared.get(spec.type_attr, spec.dtype)
                    inputs.append((spec.name, spec.value_of(op, dtype)))
                if spec.type_attr:
                    tf_attrs[spec.type_attr] = dtype
        for rule in self.attrs:
            rule.write(op, tf_attrs)
        return WrittenNode(self.tf_op(op.type), inputs, tf_attrs)

    # ---- NodeDef -> fastgraph ------------------------------------------------

    def read(self, refs, tf_attrs, tensor, value, where):
        """(inputs, attrs) of the fastgraph op for a NodeDef.

        `refs` are the NodeDef's data inputs; `tensor(ref)` gives one as a
        Tensor, `value(ref)` its static value (None when only known at run
        time), so that inputs read as attrs never need their Const nodes
        built. `where` names the node for messages.
        """
        n_list = len(refs) - (len(self.inputs) - 1) if self._list is not None else 0
        if n_list < 0 or (self._list is None and len(refs) != len(self.inputs)):
            raise ValueError(f"{where} has {len(refs)} inputs; its op takes "
                             f"{len(self.inputs)}")
        plain = [None] * (self._n_plain + max(n_list, 0))
        extra, attrs, pos = [], {}, 0
        for spec in self.inputs:
            if isinstance(spec, InputList):
                for i in range(n_list):
                    plain[spec.index + i] = tensor(refs[pos + i])
                pos += n_list
                continue
            ref = refs[pos]
            pos += 1
            if isinstance(spec, Input):
                plain[spec.index] = tensor(ref)
                continue
            known = value(ref)
            if known is not None:
                attrs[spec.attr] = spec.decode(np.asarray(known))
            elif spec.deferred:
                t = tensor(ref)
                if not t.dtype.is_integer:
                    raise TypeError(f"{where}: input {spec.name} has DataType {t.dtype.name} "
                                    "not in list of allowed values: int32, int64")
                extra.append(t)
                attrs[spec.attr] = AttrFromInput(len(plain) + len(extra) - 1, spec.decode,
                                                 spec.attr)
            else:
                raise NotImplementedError(
                    f"{where}: fastgraph needs input {spec.name} known when the graph is "
                    "built (a constant, or computed from constants and static shapes)")
        for rule in self.attrs:
            rule.read(tf_attrs, attrs, where)
        return plain + extra, attrs


class NoGraphDef:
    """The `graphdef` slot of an op that has no NodeDef, and why (TF builds
    tf.image.flip_left_right from ReverseV2: there is no TF op to write)."""

    def __init__(self, reason):
        self.reason = reason

    def __repr__(self):
        return f"NoGraphDef({self.reason!r})"
