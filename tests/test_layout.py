"""The tree is the architecture: packages by job, imports in one direction, privacy kept.

keras_losses <- zoo <- tuning (never the other way); inside them the declared floors
(`FLOORS`: common < data, models < engines < sweeps < report < the user-facing top, with
serving; tuning above the zoo), which every import of zoo and tuning respects, function-level
imports included; no import cycle between modules; zoo's folder holds only its sub-packages,
its `__init__`, the `Comparison` module and the command entry points; no module reaches into
another zoo sub-package's private (underscore) names.
"""

import ast
import importlib
import os
import pathlib
import subprocess
import sys

import pytest

REPO = pathlib.Path(__file__).resolve().parent.parent
PACKAGES = ("keras_losses", "zoo", "tuning")
LAYERS = {"keras_losses": 0, "zoo": 1, "tuning": 2}
HEAVY = ("zoo", "tensorflow", "keras", "keras_losses", "numpy", "tuning")
ZOO_SUBPACKAGES = ("common", "data", "models", "engines", "sweeps", "report", "serving")
ZOO_TOP_MODULES = {"__init__.py", "compare.py", "comparison.py", "predict.py"}
# The floors of zoo and tuning, lowest first: a module imports only from its own floor or below
# (`keras_losses` is below them all). A module belongs to the floor of its longest listed prefix;
# "zoo" stands for the package's `__init__` alone (a new sub-package must be given its floor).
FLOORS = {
    "zoo.common": 0,
    "zoo.data": 1,
    "zoo.models": 1,
    "zoo.engines": 2,
    "zoo.sweeps": 3,
    "zoo.report": 4,
    "zoo": 5,  # The user-facing top: `zoo/__init__`, `zoo.compare`, `zoo.comparison` (`Comparison`) ...
    "zoo.compare": 5,
    "zoo.comparison": 5,
    "zoo.predict": 5,
    "zoo.serving": 5,  # ... and serving.
    "tuning": 6,
}


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


def test_dependencies_point_one_way():
    known = modules()
    wrong = [
        f"{name} imports {target}"
        for name, targets in graph(known).items()
        for target in targets
        if LAYERS[target.split(".")[0]] > LAYERS[name.split(".")[0]]
    ]
    assert not wrong, "keras_losses <- zoo <- tuning: " + "; ".join(sorted(wrong))


def floor(module: str, floors=FLOORS) -> int | None:
    """The floor of `module` (its longest prefix in `floors`), -1 for keras_losses, None if undeclared."""
    if module.split(".")[0] == "keras_losses":
        return -1
    prefixes = [p for p in floors if (module == p or module.startswith(p + ".")) and (p != "zoo" or module == "zoo")]
    return floors[max(prefixes, key=len)] if prefixes else None


def edges(source: str, name: str, known) -> set:
    """The modules of ours that module `name` (its text `source`) imports anywhere, in functions too.

    `from a import b` counts as an import of the module `a.b` when that is a module, else of `a`.
    """
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base, *names = imported(node, name)
            found.update([n for n in names if n in known] or [base])
    return {target for target in found if target.split(".")[0] in PACKAGES and target != name}


def graph(known) -> dict:
    """`{module: modules of ours it imports}` for every module of the three packages."""
    return {name: edges(path.read_text(), name, known) for name, path in known.items()}


def upward_edges(imports: dict, floors=FLOORS) -> list[str]:
    """Each import of a zoo or tuning module from a higher floor (or by or of an undeclared one), named."""
    wrong = []
    for name, targets in sorted(imports.items()):
        if name.split(".")[0] == "keras_losses":
            continue
        if floor(name, floors) is None:
            wrong.append(f"{name} has no declared floor (add it to FLOORS)")
            continue
        for target in sorted(targets):
            if floor(target, floors) is None or floor(target, floors) > floor(name, floors):
                wrong.append(f"{name} (floor {floor(name, floors)}) imports {target} (floor {floor(target, floors)})")
    return wrong


def cycles(imports: dict) -> list[str]:
    """The import cycles of `imports`, each as "a -> b -> a"; a package importing its own sub-modules
    (in its `__init__`, or lazily) is not one (they load after it)."""
    state, stack, found = {}, [], []

    def follow(name):
        state[name] = "open"
        stack.append(name)
        for target in sorted(imports.get(name, ())):
            if target.startswith(name + "."):
                continue
            if state.get(target) == "open":
                found.append(" -> ".join([*stack[stack.index(target) :], target]))
            elif target not in state:
                follow(target)
        stack.pop()
        state[name] = "done"

    for name in sorted(imports):
        if name not in state:
            follow(name)
    return found


def test_zoo_and_tuning_import_only_their_floor_or_below():
    wrong = upward_edges(graph(modules()))
    assert not wrong, "zoo's floors (tests/test_layout.py FLOORS): " + "; ".join(wrong)


def test_no_import_cycles():
    found = cycles(graph(modules()))
    assert not found, found


def subpackage_graph(imports: dict) -> dict:
    """`imports` between zoo's sub-packages (`zoo.sweeps`, `zoo.report`, ...); other modules stay themselves."""

    def unit(name):
        parts = name.split(".")
        return ".".join(parts[:2]) if parts[0] == "zoo" and len(parts) > 2 else name

    collapsed = {}
    for name, targets in imports.items():
        collapsed.setdefault(unit(name), set()).update(unit(t) for t in targets if unit(t) != unit(name))
    return collapsed


def test_no_import_cycles_between_subpackages():
    """e.g. sweeps and report importing each other, through modules that are no cycle one by one."""
    found = cycles(subpackage_graph(graph(modules())))
    assert not found, found


SYNTHETIC = {
    "zoo.common.results": set(),
    "zoo.report.tables": {"zoo.common.results"},
    "zoo.sweeps.experiment": {"zoo.common.results", "zoo.engines.training"},
    "zoo.engines.training": {"zoo.models"},
    "zoo.models": set(),
    "tuning.search": {"zoo", "zoo.sweeps.experiment"},
    "zoo": {"zoo.comparison"},
    "zoo.comparison": {"zoo.report.tables", "zoo.sweeps.experiment"},
}


def test_the_checks_name_a_planted_upward_edge_and_cycle():
    assert upward_edges(SYNTHETIC) == [] and cycles(SYNTHETIC) == []
    planted = {**SYNTHETIC, "zoo.sweeps.experiment": {"zoo.report.tables"}, "zoo.engines.training": {"zoo"}}
    assert upward_edges(planted) == [
        "zoo.engines.training (floor 2) imports zoo (floor 5)",
        "zoo.sweeps.experiment (floor 3) imports zoo.report.tables (floor 4)",
    ]
    assert upward_edges({**SYNTHETIC, "zoo.tasks.multi_label": set()}) == [
        "zoo.tasks.multi_label has no declared floor (add it to FLOORS)"
    ]
    looped = {**SYNTHETIC, "zoo.common.results": {"zoo.common.lazy"}, "zoo.common.lazy": {"zoo.common.results"}}
    assert cycles(looped) == ["zoo.common.results -> zoo.common.lazy -> zoo.common.results"]
    crossed = {**SYNTHETIC, "zoo.report.paired": {"zoo.sweeps.experiment"}, "zoo.sweeps.lock": {"zoo.report.tables"}}
    assert cycles(crossed) == [] and cycles(subpackage_graph(crossed)) == ["zoo.sweeps -> zoo.report -> zoo.sweeps"]
    assert cycles({"zoo.models": {"zoo.models.families"}, "zoo.models.families": {"zoo.models"}}) == [], (
        "a package's own sub-modules are not a cycle"
    )


def test_function_level_imports_count():
    source = "import os\n\ndef late():\n    from zoo.report import tables\n    import zoo\n"
    known = {"zoo", "zoo.report", "zoo.report.tables"}
    assert edges(source, "zoo.sweeps.experiment", known) == {"zoo.report.tables", "zoo"}
    assert upward_edges({"zoo.sweeps.experiment": edges(source, "zoo.sweeps.experiment", known)}) == [
        "zoo.sweeps.experiment (floor 3) imports zoo (floor 5)",
        "zoo.sweeps.experiment (floor 3) imports zoo.report.tables (floor 4)",
    ]


def test_an_unknown_name_error_loads_no_keras():
    """The registries' close matches come from `zoo.common.close_matches` (difflib), not keras_losses."""
    code = (
        "import sys; from zoo.common.registry import Registry; "
        "print(Registry('model').unknown_message('mpl', ['mlp'])); "
        "print(sorted(m for m in ('keras', 'keras_losses', 'tensorflow') if m in sys.modules))"
    )
    shown = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert shown.stdout.splitlines() == ["Unknown model 'mpl'. Did you mean: 'mlp'? Known: mlp", "[]"]


def test_import_zoo_stays_light():
    """`import zoo` loads none of the zoo's sub-packages but the two standard-library-only modules it
    needs at once (`zoo.common.backend_guard`, the backend refusal; `zoo.common.lazy`, the lazy
    names), nor TensorFlow, Keras or NumPy."""
    code = "import sys, zoo; print(sorted(m for m in sys.modules if m.split('.')[0] in " + repr(HEAVY) + "))"
    loaded = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == str(["zoo", "zoo.common", "zoo.common.backend_guard", "zoo.common.lazy"])


def test_zoo_folder_holds_only_subpackages_and_commands():
    entries = {p.name for p in (REPO / "zoo").iterdir() if p.name != "__pycache__"}
    assert entries == set(ZOO_SUBPACKAGES) | ZOO_TOP_MODULES


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
