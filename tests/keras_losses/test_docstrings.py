"""The runnable examples in the docstrings run and print what they say."""

import doctest
import importlib

import pytest

from keras_losses import registry

MODULES = [*registry.LOSS_MODULES, "keras_builtin"]  # every module that defines losses


@pytest.mark.parametrize("module", MODULES)
def test_docstring_examples(module):
    mod = importlib.import_module(f"keras_losses.{module}")
    result = doctest.testmod(mod, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0


def test_every_loss_class_documents_formula_and_example():
    import keras_losses

    for name in keras_losses.names():
        doc = keras_losses.registry.LOSSES[name].cls.__doc__
        assert "loss = " in doc and ">>> " in doc, name
        assert "Range" in doc or "range" in doc or "Bounded" in doc, name
