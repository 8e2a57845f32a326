"""The runnable examples in the zoo's module docstrings run and print what they say."""

import doctest
import importlib

import pytest

MODULES = [
    "zoo.engines.training",
    "zoo.data.batches",
    "zoo.engines.vectorized",
    "zoo.engines.fused",
    "zoo.engines.dropout_masks",
    "zoo.sweeps.sweep",
    "zoo.sweeps.run_records",
    "zoo.sweeps.experiment",
    "zoo.sweeps.presets",
    "zoo.data.noise",
    "zoo.models",
    "zoo.models.registry",
    "zoo.models.families",
    "zoo.models.layers",
    "zoo.models.user_models",
    "zoo.data.datasets",
    "zoo.common.registry",
    "zoo.common.close_matches",
    "zoo.common.results",
    "zoo.common.callables",
    "zoo.report.paired",
    "zoo.report.statistics",
    "zoo.report.tables",
    "zoo.sweeps.condition",
    "zoo.sweeps.lock",
    "zoo.serving.input_files",
    "zoo.serving.task_reports",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0, f"{name} has no example"
    assert result.failed == 0
