"""The runnable examples in the zoo's module docstrings run and print what they say."""

import doctest
import importlib

import pytest

MODULES = [
    "zoo.training",
    "zoo.batches",
    "zoo.vectorized",
    "zoo.fused",
    "zoo.sweep",
    "zoo.run_records",
    "zoo.experiment",
    "zoo.presets",
    "zoo.noise",
    "zoo.models",
    "zoo.datasets",
    "zoo.paired",
    "zoo.statistics",
    "zoo.tables",
    "zoo.lock",
    "zoo.serving.input_files",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0, f"{name} has no example"
    assert result.failed == 0
