"""Autograph: the Python control flow of a traced function that depends
on tensors becomes graph control flow.

The function's source is rewritten with `ast` once, before its first
trace: each `if`, `while` and `for` statement becomes a call of
`if_stmt`, `while_stmt` or `for_stmt` below, with its branches or body as
nested functions of the names the statement assigns. At trace time those
calls look at the condition: a tensor makes the statement a `tf.cond` or
`tf.while_loop` (a `for` over a tensor, e.g. `tf.range(n)`, a loop over its
first dimension); a Python value runs the statement as Python did. An
`if` whose branches both end in `return` (or an `if ...: return` followed
by the function's last statements, ending in `return`) becomes a cond of
the returned values. Statements with `break`, `continue`, `yield`,
`global` or `nonlocal`, or other `return`s, stay Python, as do functions
whose source cannot be read.
"""

import ast
import functools
import inspect
import textwrap

from ..framework.constant_op import constant
from ..framework.graph import Tensor, get_default_graph
from ..ops.array_ops import identity, shape
from ..ops.control_flow_ops import cond, while_loop
from ..ops.elementwise import equal, logical_and, logical_not, logical_or, not_equal
from ..ops.indexing_ops import gather
from ..ops.state_ops import Variable

__all__ = ["convert", "if_stmt", "if_return", "while_stmt", "for_stmt", "eq", "ne", "not_",
           "and_", "or_", "UNDEFINED"]


class _Undefined:
    """A name not yet bound when a converted statement starts."""

    def __repr__(self):
        return "<undefined>"


UNDEFINED = _Undefined()


# -- run time ---------------------------------------------------------------------------

def _is_tensor(x):
    return isinstance(x, (Tensor, Variable))


def _defined(names, state, where):
    for n, v in zip(names, state):
        if v is UNDEFINED:
            raise ValueError(f"'{n}' must also be initialized in the {where} branch: a "
                             "tensor-dependent statement gives each name one value")


def if_stmt(pred, true_fn, false_fn, state, names):
    """`if pred:` over the names the branches assign (`state` their values
    before it): a tf.cond for a tensor predicate."""
    if not _is_tensor(pred):
        return true_fn(*state) if pred else false_fn(*state)

    def branch(fn, where):
        def run():
            out = _with_effects(fn, state)
            _defined(names, out, where)
            # A cond has results: a branch assigning no name gives a dummy.
            return list(out) if out else [constant(0)]
        return run

    out = cond(pred, branch(true_fn, "else"), branch(false_fn, "if"))
    return tuple(out) if names else ()


def _with_effects(fn, state):
    """fn(*state), its results made to depend on the stateful ops it
    created (an assign in a branch or loop body runs whenever the branch
    or the iteration does, as in TF2, even if no result reads it)."""
    graph = get_default_graph()
    start = len(graph.get_operations())
    out = fn(*state)
    effects = [op for op in graph.get_operations()[start:] if op.opdef.stateful
               and op.type not in ("VariableV2", "Placeholder", "Const")]
    if not effects:
        return out
    with graph.control_dependencies(effects):
        tied = [identity(x) if x is not UNDEFINED else x for x in out]
        return tied if tied else [identity(constant(0))]


def if_return(pred, true_fn, false_fn, state):
    """`if pred: ... return a` / `else: ... return b`: the value returned."""
    if not _is_tensor(pred):
        return true_fn(*state) if pred else false_fn(*state)
    return cond(pred, lambda: true_fn(*state), lambda: false_fn(*state))


def while_stmt(cond_fn, body_fn, state, names):
    """`while cond:` over the names the body assigns: a tf.while_loop when
    the condition is a tensor."""
    test = cond_fn(*state)
    if not _is_tensor(test):
        while test:
            state = body_fn(*state)
            test = cond_fn(*state)
        return tuple(state)
    _defined(names, state, "code before the while loop; each loop variable")
    out = while_loop(lambda *s: cond_fn(*s), lambda *s: tuple(_with_effects(body_fn, s)),
                     tuple(state), return_same_structure=True)
    return tuple(out)


def for_stmt(iterable, body_fn, state, names):
    """`for x in iterable:` over the names the body assigns: a loop over
    the first dimension of a tensor, as a tf.while_loop."""
    if not _is_tensor(iterable):
        for x in iterable:
            state = body_fn(x, *state)
        return tuple(state)
    _defined(names, state, "code before the for loop; each loop variable")
    n = shape(iterable)[0]

    def body(i, *s):
        return (i + 1,) + tuple(_with_effects(body_fn, (gather(iterable, i),) + s))

    out = while_loop(lambda i, *s: i < n, body, (constant(0),) + tuple(state),
                     return_same_structure=True)
    return tuple(out)[1:]


# -- the rewrite --------------------------------------------------------------------------

def convert(python_function):
    """`python_function` with its control flow statements rewritten as
    above; the function itself when its source cannot be read or it has
    no such statement."""
    fn = python_function
    code = getattr(fn, "__code__", None)
    if code is None or hasattr(fn, "__wrapped__") or "__class__" in code.co_freevars:
        # Not a plain function (a wrapper's source is its wrapped one's), or
        # one with zero-argument super(), which needs its class cell.
        return python_function
    try:
        source = textwrap.dedent(inspect.getsource(fn))
        tree = ast.parse(source)
    except (OSError, TypeError, SyntaxError, IndentationError):
        return python_function
    node = tree.body[0] if tree.body else None
    if not isinstance(node, ast.FunctionDef) or node.name != fn.__name__ or (
            [a.arg for a in node.args.posonlyargs + node.args.args]
            != list(code.co_varnames[:code.co_argcount])):
        # Not this function's source (the file changed since it was loaded).
        return python_function
    if not any(isinstance(n, (ast.If, ast.While, ast.For)) for n in ast.walk(node)):
        return python_function
    node.decorator_list = []
    _Rewriter().visit_function(node)
    _Operators().visit(node)
    free = list(code.co_freevars)
    factory = ast.FunctionDef(
        name="__autograph_factory", args=ast.arguments(
            posonlyargs=[], args=[ast.arg(arg=n) for n in free], vararg=None, kwonlyargs=[],
            kw_defaults=[], kwarg=None, defaults=[]),
        body=[node, ast.Return(value=ast.Name(id=node.name, ctx=ast.Load()))],
        decorator_list=[], returns=None, type_params=[])
    module = ast.Module(body=[factory], type_ignores=[])
    ast.fix_missing_locations(module)
    ast.increment_lineno(module, code.co_firstlineno - 1)
    namespace = dict(fn.__globals__)
    namespace["__autograph"] = _RUNTIME
    try:
        exec(compile(module, inspect.getsourcefile(fn) or "<autograph>", "exec"), namespace)
        cells = [c.cell_contents for c in (fn.__closure__ or ())]
    except (SyntaxError, ValueError, TypeError, NameError):
        return python_function
    converted = namespace["__autograph_factory"](*cells)
    converted.__defaults__ = fn.__defaults__
    converted.__kwdefaults__ = fn.__kwdefaults__
    return functools.wraps(fn)(converted)


def eq(a, b):
    """`a == b`: elementwise for tensors (TF2's tensor equality; TF1's
    tensors, fastgraph's, compare by identity), Python's otherwise."""
    if _is_tensor(a) or _is_tensor(b):
        return equal(a, b)
    return a == b


def ne(a, b):
    """`a != b`, as `eq`."""
    if _is_tensor(a) or _is_tensor(b):
        return not_equal(a, b)
    return a != b


def not_(a):
    """`not a`: logical_not of a tensor."""
    if _is_tensor(a):
        return logical_not(a)
    return not a


def and_(a, b_fn):
    """`a and b`: logical_and when a tensor is involved (b computed then)."""
    if _is_tensor(a):
        return logical_and(a, b_fn())
    return a and b_fn()


def or_(a, b_fn):
    """`a or b`: logical_or when a tensor is involved."""
    if _is_tensor(a):
        return logical_or(a, b_fn())
    return a or b_fn()


class _Runtime:
    eq = staticmethod(eq)
    ne = staticmethod(ne)
    not_ = staticmethod(not_)
    and_ = staticmethod(and_)
    or_ = staticmethod(or_)
    if_stmt = staticmethod(if_stmt)
    if_return = staticmethod(if_return)
    while_stmt = staticmethod(while_stmt)
    for_stmt = staticmethod(for_stmt)
    UNDEFINED = UNDEFINED


_RUNTIME = _Runtime()


def _assigned(stmts):
    """The names the statements bind (not inside nested functions or classes)."""
    names = []

    def add(n):
        if n not in names:
            names.append(n)

    def targets(t):
        if isinstance(t, ast.Name):
            add(t.id)
        elif isinstance(t, (ast.Tuple, ast.List)):
            for e in t.elts:
                targets(e)
        elif isinstance(t, ast.Starred):
            targets(t.value)

    def visit(node):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            add(node.name)
            return
        if isinstance(node, (ast.Lambda, ast.GeneratorExp, ast.ListComp, ast.SetComp,
                             ast.DictComp)):
            return
        if isinstance(node, ast.Assign):
            for t in node.targets:
                targets(t)
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets(node.target)
        elif isinstance(node, (ast.For, ast.AsyncFor)):
            targets(node.target)
        elif isinstance(node, ast.withitem) and node.optional_vars is not None:
            targets(node.optional_vars)
        elif isinstance(node, ast.NamedExpr):
            targets(node.target)
        for child in ast.iter_child_nodes(node):
            visit(child)

    for s in stmts:
        visit(s)
    return [n for n in names if not n.startswith("__autograph")]


def _has(stmts, kinds):
    """Whether the statements hold a node of `kinds` outside nested functions
    (loops nested in them keep their own break/continue)."""
    def visit(node, in_loop):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            return False
        if isinstance(node, kinds) and not (in_loop and isinstance(node, (ast.Break,
                                                                          ast.Continue))):
            return True
        loop = in_loop or isinstance(node, (ast.For, ast.While))
        return any(visit(c, loop) for c in ast.iter_child_nodes(node))
    return any(visit(s, False) for s in stmts)


_UNCONVERTIBLE = (ast.Break, ast.Continue, ast.Yield, ast.YieldFrom, ast.Global, ast.Nonlocal,
                  ast.Await)


def _name(id_, store=False):
    return ast.Name(id=id_, ctx=ast.Store() if store else ast.Load())


def _rt(attr):
    return ast.Attribute(value=_name("__autograph"), attr=attr, ctx=ast.Load())


def _def(name, params, body):
    return ast.FunctionDef(
        name=name, args=ast.arguments(posonlyargs=[], args=[ast.arg(arg=p) for p in params],
                                      vararg=None, kwonlyargs=[], kw_defaults=[], kwarg=None,
                                      defaults=[]),
        body=body or [ast.Pass()], decorator_list=[], returns=None, type_params=[])


def _state_tuple(names):
    return ast.Tuple(elts=[_name(n) for n in names], ctx=ast.Load())


def _current(names):
    """[locals().get(n, UNDEFINED) ...]: the names' values before the
    statement, UNDEFINED when unbound."""
    return ast.List(elts=[ast.Call(
        func=ast.Attribute(value=ast.Call(func=_name("locals"), args=[], keywords=[]),
                           attr="get", ctx=ast.Load()),
        args=[ast.Constant(n), _rt("UNDEFINED")], keywords=[]) for n in names], ctx=ast.Load())


def _unpack(names, call):
    if not names:
        return ast.Expr(value=call)
    return ast.Assign(targets=[ast.Tuple(elts=[_name(n, True) for n in names], ctx=ast.Store())],
                      value=call)


class _Operators(ast.NodeTransformer):
    """`==`, `!=`, `not`, `and`, `or` as calls of eq, ne, not_, and_, or_."""

    def visit_Compare(self, node):
        self.generic_visit(node)
        if len(node.ops) == 1 and isinstance(node.ops[0], (ast.Eq, ast.NotEq)):
            fn = "eq" if isinstance(node.ops[0], ast.Eq) else "ne"
            return ast.copy_location(ast.Call(func=_rt(fn), args=[node.left,
                                                                  node.comparators[0]],
                                              keywords=[]), node)
        return node

    def visit_UnaryOp(self, node):
        self.generic_visit(node)
        if isinstance(node.op, ast.Not):
            return ast.copy_location(ast.Call(func=_rt("not_"), args=[node.operand],
                                              keywords=[]), node)
        return node

    def visit_BoolOp(self, node):
        self.generic_visit(node)
        fn = "and_" if isinstance(node.op, ast.And) else "or_"
        out = node.values[-1]
        for v in reversed(node.values[:-1]):
            later = ast.Lambda(args=ast.arguments(posonlyargs=[], args=[], vararg=None,
                                                  kwonlyargs=[], kw_defaults=[], kwarg=None,
                                                  defaults=[]), body=out)
            out = ast.Call(func=_rt(fn), args=[v, later], keywords=[])
        return ast.copy_location(out, node)


def _located(nodes, original):
    """New statements at the line of the one they replace (for tracebacks)."""
    for n in nodes:
        if n is not original:
            ast.copy_location(n, original)
    return nodes


class _Rewriter:
    def __init__(self):
        self.count = 0

    def fresh(self, kind):
        self.count += 1
        return f"__autograph_{kind}_{self.count}"

    def visit_function(self, fn):
        fn.body = self.block(fn.body)

    def block(self, stmts):
        out = []
        stmts = list(stmts)
        i = 0
        while i < len(stmts):
            s = stmts[i]
            rest = stmts[i + 1:]
            if isinstance(s, ast.If) and self.returning_if(s, rest):
                out.extend(_located(self.if_return(s, s.orelse or rest), s))
                return out
            out.extend(_located(self.statement(s), s))
            i += 1
        return out

    def returning_if(self, s, rest):
        orelse = s.orelse or rest
        return (s.body and isinstance(s.body[-1], ast.Return) and orelse
                and isinstance(orelse[-1], ast.Return)
                and not _has(s.body[:-1] + orelse[:-1], (ast.Return,) + _UNCONVERTIBLE)
                and not _has([s.body[-1], orelse[-1]], _UNCONVERTIBLE))

    def statement(self, s):
        if isinstance(s, ast.If):
            return self.if_stmt(s)
        if isinstance(s, ast.While):
            return self.while_stmt(s)
        if isinstance(s, ast.For):
            return self.for_stmt(s)
        if isinstance(s, (ast.With, ast.Try)):
            s.body = self.block(s.body)
        return [s]

    def convertible(self, stmts):
        return not _has(stmts, (ast.Return,) + _UNCONVERTIBLE)

    def if_stmt(self, s):
        body, orelse = self.block(s.body), self.block(s.orelse)
        if not self.convertible(s.body + s.orelse):
            s.body, s.orelse = body, orelse
            return [s]
        names = _assigned(s.body + s.orelse)
        t, f = self.fresh("true"), self.fresh("false")
        ret = [ast.Return(value=_state_tuple(names))]
        call = ast.Call(func=_rt("if_stmt"), args=[
            s.test, _name(t), _name(f), _current(names),
            ast.Tuple(elts=[ast.Constant(n) for n in names], ctx=ast.Load())], keywords=[])
        return [_def(t, names, body + ret), _def(f, names, orelse + ret), _unpack(names, call)]

    def if_return(self, s, orelse):
        body, orelse = self.block(s.body), self.block(orelse)
        names = _assigned(s.body + orelse)
        t, f = self.fresh("true"), self.fresh("false")
        call = ast.Call(func=_rt("if_return"), args=[s.test, _name(t), _name(f),
                                                     _current(names)], keywords=[])
        return [_def(t, names, body), _def(f, names, orelse), ast.Return(value=call)]

    def while_stmt(self, s):
        body = self.block(s.body)
        if s.orelse or not self.convertible(s.body):
            s.body = body
            return [s]
        names = _assigned(s.body)
        c, b = self.fresh("cond"), self.fresh("body")
        call = ast.Call(func=_rt("while_stmt"), args=[
            _name(c), _name(b), _current(names),
            ast.Tuple(elts=[ast.Constant(n) for n in names], ctx=ast.Load())], keywords=[])
        return [_def(c, names, [ast.Return(value=s.test)]),
                _def(b, names, body + [ast.Return(value=_state_tuple(names))]),
                _unpack(names, call)]

    def for_stmt(self, s):
        body = self.block(s.body)
        if s.orelse or not isinstance(s.target, ast.Name) or not self.convertible(s.body):
            s.body = body
            return [s]
        target = s.target.id
        names = [n for n in _assigned(s.body) if n != target]
        b = self.fresh("body")
        call = ast.Call(func=_rt("for_stmt"), args=[
            s.iter, _name(b), _current(names),
            ast.Tuple(elts=[ast.Constant(n) for n in names], ctx=ast.Load())], keywords=[])
        return [_def(b, [target] + names, body + [ast.Return(value=_state_tuple(names))]),
                _unpack(names, call)]
