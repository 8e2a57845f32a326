"""zoo.common.keras_tuner_compat: every private keras-tuner name it relies on exists; the print patch is scoped.

A failure here means the installed keras-tuner changed a private API that
distributed search uses: re-check `zoo/keras_tuner_compat.py` against it (and
`TESTED_KERAS_TUNER` with the pin in setup.cfg).
"""

import ast
import importlib
import os
import threading
import warnings

import keras_tuner
import pytest

from tests.paths import REPO
from zoo.common import keras_tuner_compat as compat


def test_installed_keras_tuner_is_in_the_tested_range():
    assert compat.is_tested_keras_tuner(), (
        f"keras-tuner {keras_tuner.__version__} is outside the tested range {compat.TESTED_KERAS_TUNER}: "
        "re-check every private name in zoo/keras_tuner_compat.py, then move the range and setup.cfg's pin."
    )


@pytest.mark.parametrize("module, attribute", compat.PRIVATE_NAMES)
def test_every_private_name_exists(module, attribute):
    assert compat.private(module, attribute) is not None


@pytest.mark.parametrize("attribute", compat.ORACLE_ATTRIBUTES)
def test_every_private_oracle_attribute_exists(attribute):
    oracle = keras_tuner.oracles.RandomSearchOracle(objective="val_accuracy", max_trials=1)
    assert hasattr(oracle, attribute), f"keras-tuner {keras_tuner.__version__}'s Oracle has no {attribute}"


def test_oracle_state_accessors(tmp_path):
    oracle = keras_tuner.oracles.RandomSearchOracle(objective="val_accuracy", max_trials=1)
    compat.set_project_dir(oracle, str(tmp_path), "p")
    assert compat.retry_queue(oracle) == [] and compat.retry_queue(oracle) is compat.retry_queue(oracle)
    hp = keras_tuner.HyperParameters()
    hp.Float("x", 0.0, 1.0)
    oracle.update_space(hp)
    trial = oracle.create_trial("a")
    compat.save_trial(oracle, trial)
    saved = [name for _, _, names in os.walk(tmp_path) for name in names if name == "trial.json"]
    assert saved == ["trial.json"]


def test_a_missing_private_name_fails_loudly_naming_it_and_the_range():
    with pytest.raises(
        compat.IncompatibleKerasTunerError,
        match=r"no keras_tuner\.src\.protos\.no_such_name.*tested keras-tuner range: >=1\.4\.8,<1\.5",
    ):
        compat.private("keras_tuner.src.protos", "no_such_name")
    with pytest.raises(compat.IncompatibleKerasTunerError, match="no keras_tuner.src.no_such_module.x"):
        compat.private("keras_tuner.src.no_such_module", "x")


def test_outside_the_tested_range_warns_in_one_line(monkeypatch):
    monkeypatch.setattr(keras_tuner, "__version__", "1.5.0")
    with pytest.warns(UserWarning, match=r"tested with keras-tuner >=1\.4\.8,<1\.5; keras-tuner 1\.5\.0") as caught:
        compat.warn_if_untested()
    assert "\n" not in str(caught[0].message)
    monkeypatch.setattr(keras_tuner, "__version__", "1.4.8")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        compat.warn_if_untested()


# ---------------------------------------------------------------- the print, silenced only while needed


def _conditions():
    return importlib.import_module(compat.private("keras_tuner.src.engine.conditions", "Parent").__module__)


def _conditional_hyperparameters():
    hp = keras_tuner.HyperParameters()
    hp.Choice("loss", ["focal", "hinge"])
    with hp.conditional_scope("loss", ["focal"]):
        hp.Float("focal_gamma", 0.0, 5.0)
    return hp


def _unpatched():
    return "print" not in vars(_conditions())


def test_conditional_hyperparameters_print_outside_the_block_and_not_inside(capsys):
    hp = _conditional_hyperparameters()
    with compat.quiet_condition_prints():
        assert not _unpatched()
        hp.to_proto()
        assert capsys.readouterr().out == ""
    assert _unpatched()
    hp.to_proto()
    # keras-tuner 1.4.8 prints the parent's value; once it no longer does, quiet_condition_prints can go.
    assert capsys.readouterr().out == "focal\n"


def test_nested_and_overlapping_blocks_restore_once_the_last_ends():
    first, second = compat.quiet_condition_prints(), compat.quiet_condition_prints()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert not _unpatched()
    second.__exit__(None, None, None)
    assert _unpatched()

    entered, release = threading.Barrier(4), threading.Event()

    def worker():
        with compat.quiet_condition_prints():
            entered.wait()
            release.wait()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    entered.wait()
    assert not _unpatched()
    release.set()
    for thread in threads:
        thread.join()
    assert _unpatched()


def test_restored_after_an_error():
    with pytest.raises(RuntimeError):
        with compat.quiet_condition_prints():
            raise RuntimeError("boom")
    assert _unpatched()


def test_distributed_search_silences_only_inside_its_span(monkeypatch):
    from tuning import distributed

    for name in (distributed.TUNER_ID, distributed.ORACLE_IP, distributed.ORACLE_PORT):
        monkeypatch.setenv(name, "")
    assert distributed.configure("worker0", "127.0.0.1", 8470) == "worker"
    assert _unpatched(), "configure() must not patch keras-tuner for the rest of the process"
    with distributed.quiet_keras_tuner("worker"):
        assert not _unpatched()
    assert _unpatched()
    with distributed.quiet_keras_tuner("single"):
        assert _unpatched()


# ---------------------------------------------------------------- nothing private elsewhere


def _private_keras_tuner_imports(path):
    tree = ast.parse(open(path).read(), filename=path)
    for node in ast.walk(tree):
        names = (
            [node.module or ""]
            if isinstance(node, ast.ImportFrom)
            else ([alias.name for alias in node.names] if isinstance(node, ast.Import) else [])
        )
        for name in names:
            if name.startswith("keras_tuner.src"):
                yield node.lineno, name


def test_no_other_module_imports_keras_tuner_src():
    paths = [
        os.path.join(root, name)
        for package in ("zoo", "tuning", "tests", "benchmarks")
        for root, _, names in os.walk(os.path.join(REPO, package))
        for name in names
        if name.endswith(".py")
    ]
    found = [
        f"{os.path.relpath(path, REPO)}:{line} {name}"
        for path in paths
        for line, name in _private_keras_tuner_imports(path)
    ]
    assert not found, f"keras-tuner's private API belongs in zoo/keras_tuner_compat.py: {found}"
