"""The tree is the architecture: packages by job, imports in one direction, privacy kept.

keras_losses <- zoo <- tuning (never the other way); no import cycle between
modules; zoo's folder holds only its sub-packages, its `__init__` and the
command entry points; no module reaches into another zoo sub-package's
private (underscore) names.
"""

import ast
import importlib
import os
import pathlib

import pytest

REPO = pathlib.Path(__file__).resolve().parent.parent
PACKAGES = ("keras_losses", "zoo", "tuning")
LAYERS = {"keras_losses": 0, "zoo": 1, "tuning": 2}
ZOO_SUBPACKAGES = ("common", "data", "models", "engines", "sweeps", "report", "serving")
ZOO_ENTRY_POINTS = {"__init__.py", "compare.py", "predict.py"}


def module_name(path):
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules():
    """`{module name: path}` for every module of the three packages."""
    return {module_name(path): path for package in PACKAGES for path in (REPO / package).rglob("*.py")}


def imported(node, importer):
    """The module names an import node brings in (relative imports resolved)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        package = importer.split(".")[: -node.level] if not importer.endswith("__init__") else importer.split(".")
        base = ".".join([*package, base]) if base else ".".join(package)
    # `from a import b` may import the module a.b or the name b of a: count both that exist.
    return [base] + [f"{base}.{alias.name}" for alias in node.names]


def top_level_imports(path, name, known):
    """Modules of ours imported when `name` is imported (module level, not inside functions)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    found = set()
    for node in tree.body:
        statements = [node]
        if isinstance(node, ast.If | ast.Try):
            statements = list(ast.walk(node))
        for statement in statements:
            if isinstance(statement, ast.Import | ast.ImportFrom):
                found.update(m for m in imported(statement, name) if m in known and m != name)
    return found


def all_imports(path, name, known):
    tree = ast.parse(path.read_text(), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.update(m for m in imported(node, name) if m.split(".")[0] in PACKAGES)
    return found


def test_dependencies_point_one_way():
    known = modules()
    wrong = [
        f"{name} imports {target}"
        for name, path in known.items()
        for target in all_imports(path, name, known)
        if LAYERS[target.split(".")[0]] > LAYERS[name.split(".")[0]]
    ]
    assert not wrong, "keras_losses <- zoo <- tuning: " + "; ".join(sorted(wrong))


def test_no_import_cycles():
    known = modules()
    graph = {name: top_level_imports(path, name, known) for name, path in known.items()}
    state, stack, cycles = {}, [], []

    def visit(name):
        state[name] = "open"
        stack.append(name)
        for target in sorted(graph[name]):
            if state.get(target) == "open":
                cycles.append(" -> ".join([*stack[stack.index(target) :], target]))
            elif target not in state:
                visit(target)
        stack.pop()
        state[name] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name)
    # A package importing its own sub-modules in __init__ is not a cycle (they load after it).
    cycles = [c for c in cycles if not all(m.startswith(c.split(" -> ")[0] + ".") for m in c.split(" -> ")[1:-1])]
    assert not cycles, cycles


def test_zoo_folder_holds_only_subpackages_and_commands():
    entries = {p.name for p in (REPO / "zoo").iterdir() if p.name != "__pycache__"}
    assert entries == set(ZOO_SUBPACKAGES) | ZOO_ENTRY_POINTS


@pytest.mark.parametrize("subpackage", ZOO_SUBPACKAGES)
def test_each_subpackage_says_what_it_holds_and_exposes_its_names(subpackage):
    package = importlib.import_module(f"zoo.{subpackage}")
    assert package.__doc__ and len(package.__doc__.splitlines()) >= 3
    files = {p.stem for p in (REPO / "zoo" / subpackage).glob("*.py")} - {"__init__", "__main__"}
    undescribed = [f for f in files if f"`{f}`" not in package.__doc__]
    assert not undescribed, f"zoo/{subpackage}/__init__.py's docstring should name {undescribed}"
    assert package.__all__, "no public names"
    for name in package.__all__:
        assert getattr(package, name) is not None


def _private_uses(path, name):
    """`(line, what)` for each private name of another zoo sub-package used in the module."""
    own = name.split(".")[:2]
    tree = ast.parse(path.read_text(), filename=str(path))
    aliases = {}  # local name -> module it stands for
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("zoo"):
            for alias in node.names:
                aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
                target = node.module.split(".")[:2]
                if alias.name.startswith("_") and target != own:
                    yield node.lineno, f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("zoo") and alias.asname:
                    aliases[alias.asname] = alias.name
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
            if isinstance(node.value, ast.Name) and node.value.id in aliases:
                target = aliases[node.value.id].split(".")[:2]
                if target != own:
                    yield node.lineno, f"{aliases[node.value.id]}.{node.attr}"


def test_no_module_reaches_into_another_subpackages_private_names():
    found = [
        f"{os.path.relpath(path, REPO)}:{line} {what}"
        for name, path in modules().items()
        if name.split(".")[0] in ("zoo", "tuning")
        for line, what in _private_uses(path, name)
    ]
    assert not found, found
