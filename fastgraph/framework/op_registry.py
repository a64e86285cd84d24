"""The op registry: one `OpDef` per op type.

An OpDef tells the graph how to infer static shapes and dtypes, tells the
compiler which C kernel runs it and how to pack its attributes, and carries
the NumPy reference implementation that the tests use as their oracle, the
op's gradient, and how it is written as a TensorFlow NodeDef. The same
shape function serves build time (dims may be None) and compile time (every
dim known, constant inputs' values available).
"""

__all__ = ["OpDef", "Accepts", "InferenceContext", "AttrFromInput", "has_deferred",
           "resolve_attrs", "dtype_not_allowed", "register", "get", "registered_types",
           "NOT_DIFFERENTIABLE", "NoGradient", "Unwritten", "RegisterGradient", "NotDifferentiable", "gradient_function",
           "register_graphdef_translation", "graphdef_translations"]

_REGISTRY = {}
_TRANSLATIONS = {}  # TF op type -> fn(inputs, attrs, name): read from GraphDefs only


class _NotDifferentiable:
    """The `gradient` of ops that have none (TF's NotDifferentiable)."""

    __slots__ = ()

    def __repr__(self):
        return "NOT_DIFFERENTIABLE"

    def __bool__(self):
        return False


NOT_DIFFERENTIABLE = _NotDifferentiable()


class NoGradient:
    """The `gradient` of ops that TensorFlow registers no gradient for
    either: `tf.gradients` through them raises LookupError, as TF's does,
    and the catalog gives `reason`."""

    __slots__ = ("reason",)

    def __init__(self, reason):
        self.reason = reason

    def __repr__(self):
        return f"NoGradient({self.reason!r})"

    def __bool__(self):
        return False


class Unwritten:
    """What a `host_state` function gives for a value that does not exist
    yet (a host variable before its initializer ran): the session raises
    FailedPreconditionError with `message` when an op reads it or it is
    fetched, not when an assign merely names the variable."""

    __slots__ = ("message",)

    def __init__(self, message):
        self.message = message

    def __repr__(self):
        return f"Unwritten({self.message!r})"


class AttrFromInput:
    """An attribute whose value is input `index`'s value, known only when the
    plan is compiled (`tf.tile(x, [tf.shape(y)[0], 1])` with a fed y).

    The op carries the tensor as an extra input; at build time its output
    shapes are unknown, and the compiler puts the value in place of this
    marker before the op's shape, lowering and reference functions see the
    attrs. `convert` turns the NumPy value into the attr's usual form.
    """

    __slots__ = ("index", "convert", "what")

    def __init__(self, index, convert, what):
        self.index = index
        self.convert = convert
        self.what = what

    def __repr__(self):
        return f"AttrFromInput({self.index}, {self.what!r})"


def has_deferred(attrs):
    """Whether any attribute waits for an input's value."""
    return any(isinstance(v, AttrFromInput) for v in attrs.values())


def resolve_attrs(attrs, values):
    """`attrs` with each AttrFromInput replaced by its input's value, or
    None when one of those values is not known."""
    if not has_deferred(attrs):
        return attrs
    out = dict(attrs)
    for k, v in attrs.items():
        if isinstance(v, AttrFromInput):
            if values[v.index] is None:
                return None
            out[k] = v.convert(values[v.index])
    return out


def dtype_not_allowed(arg, dtype, allowed):
    """TF's TypeError for a value of `dtype` passed to parameter `arg` whose
    type attribute allows only `allowed`."""
    names = ", ".join(d.name for d in allowed)
    return TypeError(f"Value passed to parameter '{arg}' has DataType {dtype.name} "
                     f"not in list of allowed values: {names}")


class Accepts:
    """The element types one parameter of an op may have (one of TF's type
    attributes, as its OpDef's `allowed_values` lists them).

    `arg` is the parameter's name in TF's message. The parameter is input
    `input` (an index, or a slice for a list of inputs sharing the type, as
    ConcatV2's `values`), or, when `attr` is given, the DType attribute of
    that name (a random op's output `dtype`). An input index past the op's
    inputs (an optional input left out) checks nothing.
    """

    __slots__ = ("arg", "allowed", "input", "attr")

    def __init__(self, arg, allowed, input=0, attr=None):  # noqa: A002 - TF's word
        self.arg = arg
        self.allowed = tuple(allowed)
        self.input = None if attr is not None else input
        self.attr = attr

    def check(self, inputs, attrs):
        """Raises TF's TypeError when a dtype among `inputs` (Tensors or
        anything with `.dtype`) or `attrs` is not allowed."""
        if self.attr is not None:
            found = [attrs[self.attr]] if self.attr in attrs else []
        elif isinstance(self.input, slice):
            found = [t.dtype for t in inputs[self.input]]
        else:
            found = [inputs[self.input].dtype] if self.input < len(inputs) else []
        for dtype in found:
            if dtype not in self.allowed:
                raise dtype_not_allowed(self.arg, dtype, self.allowed)

    def __repr__(self):
        where = f"attr={self.attr!r}" if self.attr is not None else f"input={self.input!r}"
        return f"Accepts({self.arg!r}, {[d.name for d in self.allowed]}, {where})"


def _check_position(accepts):
    if accepts.attr is not None:
        return (1, 0)
    index = accepts.input
    return (0, (index.start or 0) if isinstance(index, slice) else index)


class InferenceContext:
    """What a shape, dtype or lowering function sees of one op.

    `shapes[i]` is input i's shape as a tuple (dims may be None at build
    time; None for unknown rank), `dtypes[i]` its DType, `values[i]` its
    value as a NumPy array when known (constants, and at compile time
    anything foldable), `attrs` the op's attributes and `out_shapes`/
    `out_dtypes` the outputs' (filled in for lowering). A lowering may call
    `compile(fetches, feeds)` (set by the compiler) to compile a sub-plan of
    a control-flow step: `fetches` a list of tensors, `feeds` a list of
    (tensor, concrete shape) in feed-slot order. At compile time a shape
    function may call `sub_shapes(fetches, feeds)`, the concrete shapes of
    `fetches` when `feeds` are fed so (a cond branch's results).
    """

    __slots__ = ("op", "shapes", "dtypes", "values", "attrs", "out_shapes", "out_dtypes",
                 "compile", "sub_shapes")

    def __init__(self, op, shapes, dtypes, values, attrs, out_shapes=None, out_dtypes=None):
        self.op = op
        self.shapes = shapes
        self.dtypes = dtypes
        self.values = values
        self.attrs = attrs
        self.out_shapes = out_shapes
        self.out_dtypes = out_dtypes
        self.compile = None
        self.sub_shapes = None


class OpDef:
    """How one op type infers, lowers and is checked.

    type: TF's op type name ("AddV2").
    shape: ctx -> list of output shapes (tuples, None dims allowed; None for
        unknown rank). Raise ValueError for shapes that cannot work.
    dtype: ctx -> list of output DTypes.
    kernel: name of the C kernel (an entry of FG_OPS in csrc/fg_ops.h), or
        None for ops that need no step (sources, views, no-ops).
    lower: ctx -> (iattrs, fattrs): integer and float attributes for the
        kernel, given concrete shapes. None means no attributes. A
        control-flow op returns (iattrs, fattrs, nested): nested is a dict
        with "kind" ("loop" or "branch"), "subplans" (from ctx.compile),
        "n_vars", "n_caps" and "n_results", the step's sub-plans.
    reference: (list of NumPy inputs, attrs) -> list of NumPy outputs.
    view: the output is input 0's bytes under another shape (no kernel).
    ref_inputs: input indices that name a variable without reading it.
    stateful: never folded or deduplicated (variables, assigns, random).
    fold: ctx -> list of output values, or None; for ops whose value follows
        from shapes alone (Shape). Ops whose inputs are all known fold
        through `reference` without this.
    dtypes: what the op accepts, as a sequence of `Accepts` (one per TF type
        attribute that fastgraph restricts; the first is the op's main one,
        which the catalog lists and the op sweep runs over). Graph.create_op
        checks them all, with TF's message, before any shape function runs;
        op functions do not check again. Empty when any dtype goes or the op
        has no input.
    samples: dtype -> iterable of `(inputs, attrs)`: a NumPy array for each
        input and the op's attributes, for the op sweep
        (tests/test_op_sweep.py), which builds the op from each sample, runs
        it and compares the C kernel with `reference`, at each of the main
        `dtypes` (at every dtype a kernel takes when none are declared). The
        family generators are in fastgraph/ops/samples.py; the sweep fails
        for an op registered without them.
    scratch: ctx -> bytes of temporary memory each share of the kernel
        needs (im2col for a convolution); the planner gives the step an
        arena buffer of that many bytes per share, live for that step only,
        passed as its last output (share p uses the p-th slice).
    work: ctx -> the step's work in element-equivalents, when its output
        size understates it (a matrix product: m n k multiply-adds for m n
        outputs); parallel steps get shares by it.
    inplace: the kernel may write its output over an input of the same
        size (element i of the output depends on element i of the inputs
        only), so the planner can reuse a dying input's buffer.
    parallel: the kernel splits its work by (part, nparts) with disjoint
        output shares, so the executor may run big steps on several threads.
    state_words: int64 words of state each session keeps for each op of this
        type (a random generator's counter); the kernel gets it as an fg_var
        through `step->ptr`, zeroed when the session first compiles the op.
    exclusive: True, or ctx -> bool: the step runs holding the lock of its
        variable or state (`step->ptr`), so that runs of one session in
        several threads take turns at it (TF's use_locking; a random op's
        counter, which the shares of one split step advance together).
    fused: the op's opcode in the fused elementwise kernel (an entry of
        FG_FUSED_OPCODES in csrc/kernels/fused.h, named as its kernel), or
        None when the op is not fused; compiler/fuse.py reads the opcodes
        from here.
    host: fn(ctx, op, input_values) -> [one value per output], for ops the
        session computes in Python between C plans (summaries, iterators,
        queues, readers; see staged_run.py): inputs and outputs are NumPy
        arrays, strings object arrays of bytes, and output shapes may depend
        on the data. `ctx` (staged_run.HostContext) gives the session and
        its resources. Ops that take or give strings run on the host too,
        through `reference`, without a host function.
    host_state: fn(ctx, op, input_values) -> [one value per output], used
        instead of `reference` when an op that runs in C otherwise runs on
        the host because a tensor of it has a type no C kernel takes
        (`DType.on_host`): the variable ops, whose values then live among
        the session's resources rather than in C buffers. It may give an
        `Unwritten` for a value not yet written.
    """

    __slots__ = ("type", "shape", "dtype", "kernel", "lower", "reference", "view",
                 "ref_inputs", "stateful", "fold", "state_words", "parallel", "dtypes", "inplace",
                 "scratch", "work", "exclusive", "fused", "gradient", "graphdef", "samples",
                 "host", "host_state", "_check_order")

    def __init__(self, type, *, shape, dtype, kernel=None, lower=None, reference=None,
                 view=False, ref_inputs=(), stateful=False, fold=None,
                 state_words=0, parallel=False, dtypes=None, inplace=False, scratch=None,
                 work=None, exclusive=False,
                 fused=None,
                 gradient=None,
                 graphdef=None,
                 samples=None,
                 host=None,
                 host_state=None):
        self.type = type
        self.shape = shape
        self.dtype = dtype
        self.kernel = kernel
        self.lower = lower
        self.reference = reference
        self.view = view
        self.ref_inputs = frozenset(ref_inputs)
        self.stateful = stateful
        self.fold = fold
        self.state_words = state_words
        self.parallel = parallel
        self.dtypes = tuple(dtypes or ())
        if not all(isinstance(a, Accepts) for a in self.dtypes):
            raise TypeError(f"{type}: dtypes must be a sequence of Accepts")
        # TF checks inputs in their order, then attributes.
        self._check_order = sorted(self.dtypes, key=_check_position)
        self.inplace = inplace
        self.scratch = scratch
        self.work = work
        self.exclusive = exclusive
        self.fused = fused
        self.gradient = gradient
        self.graphdef = graphdef
        self.samples = samples
        self.host = host
        self.host_state = host_state

    @property
    def main_dtypes(self):
        """The types of the op's main parameter (its first `Accepts`), or ()."""
        return self.dtypes[0].allowed if self.dtypes else ()

    def check_dtypes(self, inputs, attrs):
        """Raises TF's TypeError unless `inputs` and `attrs` have dtypes the
        op accepts."""
        for accepts in self._check_order:
            accepts.check(inputs, attrs)


def register(opdef):
    """Adds `opdef` to the registry; each op type registers once."""
    if opdef.type in _REGISTRY:
        raise KeyError(f"Op type {opdef.type!r} is already registered")
    _REGISTRY[opdef.type] = opdef
    return opdef


def register_graphdef_translation(tf_op, build):
    """Registers how NodeDefs of TF op type `tf_op`, which fastgraph builds
    from other ops, are imported: `build(inputs, attrs, name)` gets the
    node's input tensors, its attrs (Python values) and its name, and returns
    its output tensors (a Tensor or a list, one per TF output). Registered by
    the family that owns the ops it builds; never written by the exporter."""
    if tf_op in _TRANSLATIONS:
        raise KeyError(f"TF op type {tf_op!r} already has a GraphDef reading")
    _TRANSLATIONS[tf_op] = build
    return build


def graphdef_translations():
    """{TF op type: build} of the registered import translations."""
    return dict(_TRANSLATIONS)


# Gradients registered under names that are not op types, for
# `Graph.gradient_override_map` (TF's custom gradients).
_GRADIENTS_BY_NAME = {}


class RegisterGradient:
    """A decorator for registering the gradient function for an op type.

    This decorator is only used when defining a new op type. For an op with
    `m` inputs and `n` outputs, the gradient function takes the original
    `Operation` and `n` `Tensor` objects (the gradients with respect to each
    output of the op), and returns `m` `Tensor` objects (the partial
    gradients with respect to each input of the op). The name may also be
    one that is not an op type, for use in `Graph.gradient_override_map`.
    """

    def __init__(self, op_type):
        if not isinstance(op_type, str):
            raise TypeError("op_type must be a string")
        self._op_type = op_type

    def __call__(self, fn):
        opdef = _REGISTRY.get(self._op_type)
        previous = _GRADIENTS_BY_NAME.get(self._op_type) if opdef is None else opdef.gradient
        if previous is not None:
            raise KeyError(f"Registering two gradient with name '{self._op_type}'! "
                           f"(Previous registration was {previous!r})")
        if opdef is None:
            _GRADIENTS_BY_NAME[self._op_type] = fn
        else:
            opdef.gradient = fn
        return fn


def NotDifferentiable(op_type):  # noqa: N802 - TF's name
    """Specifies that ops of type `op_type` is not differentiable: gradients
    flowing to their inputs are None (comparisons, shape queries, random
    draws)."""
    opdef = get(op_type)
    if opdef.gradient not in (None, NOT_DIFFERENTIABLE):
        raise KeyError(f"Op type {op_type!r} already has a gradient")
    opdef.gradient = NOT_DIFFERENTIABLE


def gradient_function(op):
    """The gradient function of `op` (an Operation), or None when its type is
    NotDifferentiable. An op created under `Graph.gradient_override_map`
    uses the gradient registered under the mapped name. LookupError when no
    gradient is registered, as TF's."""
    override = getattr(op, "_gradient_op_type", None)
    if override is not None:
        fn = _GRADIENTS_BY_NAME.get(override)
        if fn is None and override in _REGISTRY:
            fn = _REGISTRY[override].gradient
        if fn is None:
            raise LookupError(f"gradient registry has no entry for: {override}")
        return None if fn is NOT_DIFFERENTIABLE else fn
    opdef = get(op.type)
    if opdef.gradient is NOT_DIFFERENTIABLE:
        return None
    if opdef.gradient is None or isinstance(opdef.gradient, NoGradient):
        raise LookupError(f"No gradient defined for operation '{op.name}' "
                          f"(op type: {op.type}). In general every operation must have "
                          f"an associated `@tf.RegisterGradient` for correct autodiff, "
                          f"which this op is lacking.")
    return opdef.gradient


def get(op_type):
    """The OpDef of `op_type`; KeyError if no such op is registered."""
    return _REGISTRY[op_type]


def registered_types():
    """All registered op type names, sorted."""
    return sorted(_REGISTRY)
