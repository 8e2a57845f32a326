"""zoo.serving as a package: its public names, lazy imports, and other packages using only those."""

import ast
import os
import subprocess
import sys

import pytest

import zoo
from tests.paths import REPO
from zoo import serving


@pytest.mark.parametrize("name", serving.__all__)
def test_every_public_name_resolves(name):
    assert getattr(serving, name) is not None
    assert name in dir(serving)


def test_public_names_are_the_modules_own():
    from zoo.serving import exporting, input_files, model_files, predictor

    assert serving.export is exporting.export and serving.load is model_files.load
    assert serving.Predictor is predictor.Predictor
    assert serving.read_inputs is input_files.read
    assert zoo.serving is serving


def test_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="zoo.serving.*no_such_name"):
        serving.no_such_name  # noqa: B018


def test_importing_the_package_and_the_command_does_not_load_tensorflow():
    """The command parses its flags and quiets TensorFlow before TensorFlow loads."""
    code = (
        "import sys, zoo.serving, zoo.serving.predict, zoo.predict; "
        "loaded = [m for m in ('tensorflow', 'keras') if m in sys.modules]; "
        "assert not loaded, loaded"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": REPO},
    )
    assert result.returncode == 0, result.stderr[-2000:]


def _imports_of_serving(path):
    """`(line, what)` for every import of zoo.serving's modules (not its package) in the file."""
    tree = ast.parse(open(path).read(), filename=path)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("zoo.serving."):
            yield node.lineno, node.module
        elif isinstance(node, ast.ImportFrom) and node.module == "zoo.serving":
            for alias in node.names:
                if alias.name not in serving.__all__:
                    yield node.lineno, f"zoo.serving.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("zoo.serving."):
                    yield node.lineno, alias.name


def test_tuning_and_the_rest_of_zoo_use_only_the_public_names():
    outside = [
        os.path.join(root, name)
        for package in ("tuning", "zoo", "benchmarks")
        for root, _, names in os.walk(os.path.join(REPO, package))
        if os.sep + "serving" not in root[len(REPO) :]
        for name in names
        if name.endswith(".py")
    ]
    # zoo/predict.py is the old name of the command, kept as its entry point.
    private = [
        f"{os.path.relpath(path, REPO)}:{line} {what}"
        for path in outside
        if not path.endswith(os.path.join("zoo", "predict.py"))
        for line, what in _imports_of_serving(path)
    ]
    assert not private, f"use the names in zoo.serving.__all__: {private}"
