"""Packaging: the loss library installs light; zoo and tuning name their extra when it is missing.

`pip install keras-losses` brings Keras and NumPy only (any Keras backend);
`[zoo]` and `[tuning]` bring TensorFlow and the rest. Importing `zoo` or
`tuning` without them fails at once with one line naming the extra. (The
real light install, in a fresh venv, is checked by hand: see CHANGELOG.)
"""

import configparser
import os
import subprocess
import sys

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _setup_cfg():
    config = configparser.ConfigParser()
    config.read(os.path.join(REPO, "setup.cfg"))
    return config


def _requirements(text):
    return [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]


def test_plain_install_needs_no_tensorflow():
    required = _requirements(_setup_cfg()["options"]["install_requires"])
    assert sorted(r.split(">")[0].split("=")[0] for r in required) == ["keras", "numpy"]


def test_extras():
    extras = _setup_cfg()["options.extras_require"]
    zoo = _requirements(extras["zoo"])
    assert any(r.startswith("tensorflow>=") for r in zoo)
    assert "keras-losses[zoo]" in _requirements(extras["tuning"])
    assert any(r.startswith("keras-tuner") for r in _requirements(extras["tuning"]))
    assert _requirements(extras["all"]) == ["keras-losses[zoo,tuning]"]
    test = _requirements(extras["test"])
    assert "keras-losses[jax,torch,notebook]" in test and "keras-losses[loss-tests]" in test
    assert any(r.startswith("pandas") for r in _requirements(extras["notebook"]))  # Comparison.to_frame()
    assert any(r.startswith("ipywidgets") for r in _requirements(extras["notebook"]))  # progress bars as widgets
    assert {r.split(">")[0].split("[")[0] for r in _requirements(extras["docs"])} >= {"mkdocs", "mkdocs-material"}


@pytest.mark.parametrize(
    "package, blocked, missing",
    [
        ("zoo", ["tensorflow"], "tensorflow"),
        ("zoo", ["sklearn", "matplotlib"], "sklearn, matplotlib"),
        ("tuning", ["keras_tuner"], "keras_tuner"),
        ("tuning", ["tensorflow"], "tensorflow"),
    ],
)
def test_import_without_the_extra_names_it_in_one_line(package, blocked, missing):
    script = (
        f"import sys\nfor name in {blocked!r}:\n    sys.modules[name] = None\n"
        f"try:\n    import {package}\nexcept ImportError as error:\n"
        "    print(repr(str(error)), sorted(m for m in ('keras', 'tensorflow') if sys.modules.get(m) is not None))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, timeout=300, check=True
    )
    assert (
        result.stdout.strip()
        == repr(f"{package} needs {missing}, not installed: pip install keras-losses[{package}]") + " []"
    )
