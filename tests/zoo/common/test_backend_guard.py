"""zoo and tuning off TensorFlow: one line at once, exit 2 for the commands, an ImportError for Python."""

import os
import subprocess
import sys

import pytest

from tests.paths import REPO as ROOT

LINE = "zoo needs KERAS_BACKEND=tensorflow; keras_losses itself runs on jax and torch"


def _run(args, backend, **env):
    environment = {k: v for k, v in os.environ.items() if k != "KERAS_BACKEND"}
    environment.update(env)
    if backend is not None:
        environment["KERAS_BACKEND"] = backend
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=120, env=environment
    )


@pytest.mark.parametrize("command", ["zoo.compare", "tuning.search", "zoo.predict"])
@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_commands_refuse_in_one_line_with_exit_2(command, backend):
    completed = _run(["-m", command, "--dataset=digits"] if command != "zoo.predict" else ["-m", command], backend)
    assert completed.returncode == 2
    assert completed.stderr.splitlines() == [LINE]
    assert completed.stdout == ""


@pytest.mark.parametrize("package", ["zoo", "tuning"])
def test_python_import_raises_an_import_error_with_the_line(package):
    code = (
        f"try:\n    import {package}\nexcept ImportError as error:\n    print(type(error).__name__, '|', error)\n"
        "import sys; print('keras' in sys.modules)"
    )
    completed = _run(["-c", code], "jax")
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert completed.stdout.splitlines() == [f"BackendError | {LINE}", "False"]  # At once: Keras not even loaded.


def test_keras_already_imported_on_jax_counts_even_with_the_variable_unset(tmp_path):
    # keras.json says jax: Keras reads it, and so does the guard (here after Keras itself was imported).
    (tmp_path / "keras.json").write_text('{"backend": "jax"}')
    code = "import keras; print(keras.backend.backend())\ntry:\n    import zoo\nexcept ImportError as e:\n    print(e)"
    completed = _run(["-c", code], None, KERAS_HOME=str(tmp_path))
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert completed.stdout.splitlines() == ["jax", LINE]


def test_keras_json_is_read_without_importing_keras(tmp_path):
    (tmp_path / "keras.json").write_text('{"backend": "torch"}')
    completed = _run(["-m", "zoo.compare"], None, KERAS_HOME=str(tmp_path))
    assert (completed.returncode, completed.stderr.splitlines()) == (2, [LINE])


def test_tensorflow_backend_imports_as_before():
    completed = _run(["-c", "import zoo, tuning; print(zoo.build.__name__)"], "tensorflow")
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert completed.stdout.strip() == "build"
