"""The layers of the house (DESIGN.md, "Layers and who may import whom"),
checked from the source: which layer imports which, no import cycles, and
no imports hidden in function bodies.

Every module of `fastgraph/` is parsed (the Cython `.pyx` files by their
import lines); nothing is imported, so a violation is reported even when
it would happen to load.
"""

import ast
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "fastgraph"

# The layer of each part of the package. `train/` is the TF API built from
# the ops as `api/` is (tf.train's Saver builds its restore ops from them).
LAYERS = {
    "fastgraph.framework": "framework",
    "fastgraph.ops": "ops",
    "fastgraph.api": "api",
    "fastgraph.train": "api",
    "fastgraph.compiler": "compiler",
    # The CRC-32C of checkpoint files: a leaf in C that tf.train's writer and
    # reader call; it knows nothing of plans or the rest of the package.
    "fastgraph._native.crc32c": "leaf",
    # The protobuf wire scanner of tf.train.Example protos: the same kind of
    # leaf, which parse_example calls.
    "fastgraph._native.wire": "leaf",
    "fastgraph.session": "session",
    "fastgraph.fetches": "session",
    "fastgraph.staged_run": "session",
    "fastgraph.plan_cache": "session",
    "fastgraph.run_trace": "session",
    "fastgraph._native": "native",
    # The protobuf wire format, for the GraphDef importer and the checkpoint
    # reader: a leaf that knows nothing of the rest.
    "fastgraph.protobuf_wire": "leaf",
}

# What each layer must not import (any part of the package not named in
# LAYERS is the public API above them all, which nothing below imports).
FORBIDDEN = {
    "framework": {"ops", "api", "compiler", "session", "native", "public"},
    "ops": {"api", "compiler", "session", "native", "public"},
    "compiler": {"ops", "api", "session", "public"},
    "api": {"compiler", "session", "native", "public"},
    "session": {"ops", "api", "public"},
    "native": {"ops", "api", "session", "public"},
    "leaf": {"framework", "ops", "api", "compiler", "session", "native", "public"},
}

# Imports inside function bodies: {(module, imported module): why it is lazy}.
# Anything else belongs at the top of its module.
FUNCTION_LEVEL_IMPORTS = {
    ("fastgraph.keras.backend", "fastgraph.keras.losses"):
        "the crossentropy functions of the backend are the losses', and losses imports the backend",
    ("fastgraph.ops.image_codecs", "PIL"):
        "Pillow loads when an image is first decoded or encoded, so `import fastgraph` stays fast",
    ("fastgraph.bench.models", "fastgraph"):
        "each system is timed in its own process, which imports only that system",
    ("fastgraph.bench.models", "tensorflow"):
        "each system is timed in its own process, which imports only that system",
    ("fastgraph.bench.models", "onnxruntime"):
        "each system is timed in its own process, which imports only that system",
    ("fastgraph.bench.models", "tf_keras"):
        "each system is timed in its own process, which imports only that system",
    ("fastgraph.bench.models", "openvino"):
        "each system is timed in its own process, which imports only that system",
    ("fastgraph.bench.models", "tf2onnx"):
        "each system is timed in its own process, which imports only that system",
    ("fastgraph.bench.models", "tensorflow.python.framework.convert_to_constants"):
        "each system is timed in its own process, which imports only that system",
    ("fastgraph._native.runtime", "fastgraph._native.blas"):
        "loads SciPy (for its BLAS) only when a plan first needs GEMM",
    ("fastgraph.bench.__main__", "matplotlib"):
        "optional: only the --png chart needs matplotlib",
    ("fastgraph.bench.__main__", "matplotlib.pyplot"):
        "optional: only the --png chart needs matplotlib",
    ("fastgraph.ops.array_ops", "fastgraph.ops.elementwise"):
        "array_ops' gradients (concat, slice, tile) add and multiply shapes; elementwise "
        "imports array_ops",
    ("fastgraph.ops.array_ops", "fastgraph.ops.reduction_ops"):
        "array_ops' gradients (tile, broadcast_to) sum; reduction_ops comes after array_ops "
        "through elementwise",
}


def _module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules():
    """{module name: path} of every module of the package."""
    found = {}
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix in (".py", ".pyx") and "__pycache__" not in path.parts:
            found[_module_name(path)] = path
    return found


MODULES = _modules()


def _resolve(module, path, level, target):
    """The absolute name of `from <level dots><target> import ...` in `module`."""
    if level == 0:
        return target
    package = module if path.name.startswith("__init__") else module.rpartition(".")[0]
    base = package.split(".")
    if level > 1:
        base = base[:-(level - 1)]
    return ".".join(base + ([target] if target else []))


def _imports(module, path):
    """[(imported module, line, inside a function)] of one module. `from X
    import name` counts as importing X.name when that is a module."""
    out = []

    def add(name, line, in_function):
        out.append((name, line, in_function))

    def from_import(base, names, line, in_function):
        for name in names:
            sub = f"{base}.{name}"
            add(sub if sub in MODULES else base, line, in_function)

    if path.suffix == ".pyx":
        for n, text in enumerate(path.read_text().splitlines(), 1):
            m = re.match(r"(\s*)from\s+(\.*)([\w.]*)\s+c?import\s+(.+)", text)
            if m:
                base = _resolve(module, path, len(m.group(2)), m.group(3))
                names = [x.split(" as ")[0].strip(" ()") for x in m.group(4).split(",")]
                from_import(base, names, n, bool(m.group(1)))
                continue
            m = re.match(r"(\s*)c?import\s+([\w.]+)", text)
            if m:
                add(m.group(2), n, bool(m.group(1)))
        return out

    def visit(node, in_function):
        for child in ast.iter_child_nodes(node):
            inner = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                      ast.Lambda))
            if isinstance(child, ast.Import):
                for alias in child.names:
                    add(alias.name, child.lineno, in_function)
            elif isinstance(child, ast.ImportFrom):
                base = _resolve(module, path, child.level, child.module)
                from_import(base, [a.name for a in child.names], child.lineno, in_function)
            visit(child, inner)

    visit(ast.parse(path.read_text(), str(path)), False)
    return out


IMPORTS = {m: _imports(m, p) for m, p in MODULES.items()}


def _layer(module):
    if module != "fastgraph" and not module.startswith("fastgraph."):
        return None  # outside the package: the standard library, NumPy, ...
    for prefix, layer in LAYERS.items():
        if module == prefix or module.startswith(prefix + "."):
            return layer
    return "public"


def _top_level_graph():
    """{module: {modules of the package it imports at load}}."""
    return {m: {name for name, _, in_function in imports
                if not in_function and name in MODULES and name != m}
            for m, imports in IMPORTS.items()}


def test_every_part_of_the_package_is_seen():
    for must in ("fastgraph.framework.graph", "fastgraph.ops.elementwise", "fastgraph.api.layers",
                 "fastgraph.compiler.plan", "fastgraph.session", "fastgraph._native.runtime"):
        assert must in MODULES


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_only_what_is_below_it(layer):
    bad = []
    for module, imports in IMPORTS.items():
        if _layer(module) != layer:
            continue
        for name, line, _ in imports:
            if _layer(name) in FORBIDDEN[layer]:
                bad.append(f"{MODULES[module].relative_to(ROOT)}:{line}: {module} ({layer}) "
                           f"imports {name} ({_layer(name)})")
    assert not bad, "\n".join(bad)


def test_api_is_built_from_the_ops():
    # The API package is the layer between: it uses the op families.
    users = {name for m, imports in IMPORTS.items() if m.startswith("fastgraph.api.")
             for name, _, _ in imports}
    assert any(_layer(n) == "ops" for n in users) and any(_layer(n) == "framework" for n in users)


def _find_cycle(graph):
    """One import cycle of `graph` as a list of modules, or None."""
    state, stack = {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_no_import_cycles():
    cycle = _find_cycle(_top_level_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_find_cycle_reports_one():
    assert _find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _find_cycle({"a": {"b"}, "b": set()}) is None


def test_imports_inside_functions_are_allow_listed():
    found = {(m, name): f"{MODULES[m].relative_to(ROOT)}:{line}"
             for m, imports in IMPORTS.items() for name, line, in_function in imports
             if in_function}
    hidden = [f"{where}: {m} imports {name} inside a function"
              for (m, name), where in sorted(found.items())
              if (m, name) not in FUNCTION_LEVEL_IMPORTS]
    assert not hidden, ("move these imports to the top of their module (or, if truly lazy, "
                        "add them with the reason to FUNCTION_LEVEL_IMPORTS):\n"
                        + "\n".join(hidden))
    # The allow-list names only lazy imports that exist.
    stale = sorted(set(FUNCTION_LEVEL_IMPORTS) - set(found))
    assert not stale, f"FUNCTION_LEVEL_IMPORTS lists imports that are gone: {stale}"


def test_framework_knows_no_ops_even_for_tensor_indexing():
    # Tensor gets its operators, indexing included, from ops/tensor_operators.py.
    graph = (PACKAGE / "framework" / "graph.py").read_text()
    assert "__getitem__" not in graph and "__add__" not in graph
