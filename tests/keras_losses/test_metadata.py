"""Each loss's facts are declared once, on its class, and everything reads them from there."""

import inspect
import pathlib
import subprocess
import sys

import keras
import pytest

import keras_losses
from keras_losses import base
from tests.keras_losses.helpers import get

ROOT = pathlib.Path(__file__).parents[2]
SOURCES = [p for package in ("keras_losses", "zoo", "tuning") for p in (ROOT / package).rglob("*.py")]


@pytest.mark.parametrize("name", keras_losses.names())
def test_signature_lists_the_function_arguments_then_keras_ones(name):
    cls = type(get(name))
    function_parameters = list(inspect.signature(cls.function).parameters.values())[2:]
    function_args = [p.name for p in function_parameters]
    positional = [p.name for p in function_parameters if p.kind != p.KEYWORD_ONLY]
    keyword_only = [p.name for p in function_parameters if p.kind == p.KEYWORD_ONLY]
    smoothing = (
        ["label_smoothing"] if cls.info.acts_on == base.SOFTMAX and "label_smoothing" not in function_args else []
    )
    signature = inspect.signature(cls)
    expected = (
        positional + ["class_weights", "reduction", "name", "dtype"] + keyword_only + smoothing + ["ignore_class"]
    )
    assert list(signature.parameters) == expected
    # The arguments added since 0.1 are keyword-only: old positional calls keep their meaning.
    assert all(
        signature.parameters[arg].kind == inspect.Parameter.KEYWORD_ONLY for arg in expected[len(positional) + 4 :]
    )
    for arg in function_args:
        assert signature.parameters[arg].default == inspect.signature(cls.function).parameters[arg].default


@pytest.mark.parametrize("name", keras_losses.names())
def test_docstring_holds_the_declared_facts_and_every_argument(name):
    cls = type(get(name))
    doc = cls.__doc__
    info = keras_losses.describe(name)
    assert f"`loss = {info['formula']}`" in doc
    assert info["range"] in doc and info["paper"] in doc and info["acts_on"] in doc
    args = doc.split("\nArgs:\n", 1)[1].split("\n\n", 1)[0]
    documented = [line.split(":")[0].strip() for line in args.splitlines() if not line.startswith("     ")]
    assert documented == list(inspect.signature(cls).parameters)


@pytest.mark.parametrize("name", keras_losses.names())
def test_formula_is_written_once_in_the_code(name):
    """As a string literal (its first 50 characters: long ones may be split) or quoted in a docstring."""
    formula = keras_losses.describe(name)["formula"]
    literal = '"' + formula[:50] + ('"' if len(formula) <= 50 else "")
    hits = [
        (str(p.relative_to(ROOT)), text.count(literal) + text.count(f"`{formula}`"))
        for p in SOURCES
        for text in [p.read_text(encoding="utf-8")]
    ]
    assert [hit for hit in hits if hit[1]] == [(str(get(name).function.__module__.replace(".", "/")) + ".py", 1)]


def test_positional_and_keyword_arguments_bind_like_the_signature():
    assert keras_losses.Focal(True, 1.0).get_config() == keras_losses.Focal(from_logits=True, gamma=1.0).get_config()
    assert keras_losses.LogLoss(True, 0.1, [1.0, 2.0]).get_config()["class_weights"] == [1.0, 2.0]
    with pytest.raises(TypeError, match="multiple values for from_logits"):
        keras_losses.Focal(True, from_logits=False)
    with pytest.raises(TypeError, match="at most 6 positional"):
        keras_losses.Focal(True, 1.0, None, "sum", "f", "float32", 1)
    with pytest.raises(TypeError, match="unexpected argument.*gama.*accepts: from_logits, gamma"):
        keras_losses.Focal(gama=1.0)


def test_tunable_ranges_come_from_the_classes():
    info = keras_losses.describe("sce")
    assert info["tunable"] == {
        "alpha": {"low": 0.01, "high": 1.0, "sampling": "log", "kind": "float", "step": None},
        "beta": {"low": 0.1, "high": 2.0, "sampling": "log", "kind": "float", "step": None},
    }
    assert keras_losses.describe("l1")["tunable"] == {}
    assert keras_losses.describe("kl_divergence")["tunable"] == {}
    for name in keras_losses.names():
        tunable = keras_losses.describe(name)["tunable"]
        assert set(tunable) <= set(keras_losses.describe(name)["defaults"]), name


def _loss_function(y_true, y_pred, from_logits=False, gamma=1.0):
    return y_pred


def _declare(doc, name="probe", **facts):
    class Probe(base.ClassificationLoss):
        function = staticmethod(_loss_function)

    Probe.__doc__ = doc
    facts = {
        "formula": "f",
        "acts_on": base.SOFTMAX,
        "value_range": "[0, 1]",
        "paper": "p",
        "canonical": False,
        **facts,
    }
    return base.register(name, **facts)(Probe)


def test_register_refuses_an_undocumented_argument():
    with pytest.raises(TypeError, match=r"Probe's `Args:` section: undocumented \['gamma'\]"):
        _declare("Probe.\n\nExample:\n\n>>> 1\n1\n")


def test_register_refuses_documenting_a_non_argument():
    with pytest.raises(TypeError, match=r"not arguments \['gama'\]"):
        _declare("Probe.\n\nArgs:\n    gamma: g.\n    gama: typo.\n")


def test_register_refuses_a_tunable_non_argument():
    with pytest.raises(TypeError, match="tunable argument.*delta.*not in its function"):
        _declare("Probe.\n\nArgs:\n    gamma: g.\n", tunable={"delta": base.Tunable(0.0, 1.0)})


def test_non_canonical_classes_stay_out_of_names():
    _declare("Probe.\n\nArgs:\n    gamma: g.\n")
    assert "probe" not in base.CATALOG and "probe" not in keras_losses.names()
    assert "per_example_logistic_inr" not in keras_losses.names()
    assert keras_losses.PerExampleLogisticINR.canonical_name == "per_example_logistic_inr"


def test_package_exports_every_class_and_function_once():
    exported = keras_losses.__all__
    assert len(exported) == len(set(exported))
    for name in keras_losses.names():
        cls = type(get(name))
        assert cls.__name__ in exported and cls.function.__name__ in exported, name
        assert getattr(keras_losses, cls.function.__name__) is cls.function
    assert all(hasattr(keras_losses, name) for name in exported)


@pytest.mark.parametrize("name", keras_losses.names())
def test_function_docstring_has_the_facts_arguments_and_returns(name):
    function = get(name).function
    doc = function.__doc__
    assert f"`loss = {keras_losses.describe(name)['formula']}`" in doc and "\nReturns:\n" in doc
    args = doc.split("\nArgs:\n", 1)[1].split("\n\n", 1)[0]
    documented = [line.split(":")[0].strip() for line in args.splitlines() if not line.startswith("     ")]
    assert documented == list(inspect.signature(function).parameters)


def test_canonical_names_are_fixed_once_the_package_is_imported():
    with pytest.raises(RuntimeError, match="cannot add 'focal' to the canonical names \\(already registered\\)"):
        _declare("Probe.\n\nArgs:\n    gamma: g.\n", canonical=True, name="focal")
    with pytest.raises(RuntimeError, match="cannot add 'probe' to the canonical names after keras_losses was imported"):
        _declare("Probe.\n\nArgs:\n    gamma: g.\n", canonical=True)
    assert "probe" not in base.CATALOG


def test_a_registered_subclass_keeps_its_parents_checks():
    @base.register("kl_probe", formula="f", acts_on=base.SOFTMAX, value_range="r", paper="p", canonical=False)
    class KLProbe(keras_losses.KerasLoss):
        """Probe.\n\nArgs:\n    loss: l.\n"""

    with pytest.raises(ValueError, match="'not_a_loss' is not one of Keras's classification losses"):
        KLProbe(loss="not_a_loss")
    assert KLProbe(loss="kl_divergence").name == "kl_divergence"


def test_a_subclass_with_its_own_function_gets_its_own_signature():
    def scaled(y_true, y_pred, alpha=0.5):
        return alpha * keras_losses.l2(y_true, y_pred)

    class Scaled(keras_losses.L2):
        function = staticmethod(scaled)

    assert list(inspect.signature(Scaled).parameters) == [
        "alpha",
        "class_weights",
        "reduction",
        "name",
        "dtype",
        "ignore_class",
    ]
    assert Scaled(0.25).get_config()["alpha"] == 0.25
    assert float(Scaled(0.25)([1], [[0.0, 2.0]])) == pytest.approx(0.25 * float(keras_losses.L2()([1], [[0.0, 2.0]])))


def test_registering_a_subclass_leaves_the_parents_function_docstring_alone():
    before = keras_losses.focal.__doc__

    @base.register("focal_probe", formula="f", acts_on=base.SOFTMAX, value_range="r", paper="p", canonical=False)
    class FocalProbe(keras_losses.Focal):
        """Probe.\n\nArgs:\n    gamma: g.\n"""

    assert keras_losses.focal.__doc__ == before


def test_import_works_with_docstrings_stripped():
    """`python -OO` (slim production images) strips docstrings: nothing to complete, nothing to check."""
    keras_alone = subprocess.run([sys.executable, "-OO", "-c", "import keras"], capture_output=True, timeout=300)
    if keras_alone.returncode != 0:  # Keras 3.10 itself: `Adadelta.__doc__.replace(...)` on a stripped docstring
        pytest.skip(f"Keras {keras.__version__} itself cannot be imported under -OO")
    script = "import keras_losses; print(keras_losses.Focal.__doc__, len(keras_losses.names()))"
    result = subprocess.run([sys.executable, "-OO", "-c", script], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["None", str(len(keras_losses.names()))]
