"""Model files: `load(path)` reads a `.keras` file or a SavedModel directory, with one-line errors.

>>> from zoo import serving
>>> model = serving.load("model.keras")           # doctest: +SKIP

A `.keras` file is read after `import keras_losses` and of the zoo's layers
(`zoo.models.layers`), with Keras's safe mode on and no `custom_objects`. A missing,
truncated or corrupt file, a file that is not a model, or a model compiled with a loss
that the installed `keras_losses` does not know raises `ModelLoadError` with a one-line
message naming the problem. Exporting is `zoo.serving.exporting`'s, serving a loaded
model `zoo.serving.predictor`'s, and what a model outputs `zoo.serving.outputs`'.
"""

import json
import os
import zipfile
from typing import Any

import keras
import tensorflow as tf

from zoo.serving.exporting import is_saved_model
from zoo.serving.input_files import one_line


class ModelLoadError(ValueError):
    """A model file that cannot be loaded; the message is one line."""


def load(path: str, compile: bool = True) -> Any:
    """A `keras.Model` from a `.keras` file, or the loaded object of a SavedModel directory.

    Imports `keras_losses` first so that its losses resolve; Keras's safe
    mode stays on. Raises `ModelLoadError` (one line) for a missing,
    truncated, corrupt or foreign file and for an unknown loss.
    """
    path = os.fspath(path)
    if not os.path.exists(path):
        raise ModelLoadError(f"{path}: no such file or directory.")
    if os.path.isdir(path):
        return _load_saved_model(path)
    return _load_keras_file(path, compile=compile)


def _load_saved_model(path: str):
    if not is_saved_model(path):
        raise ModelLoadError(f"{path}: a directory but not a TensorFlow SavedModel (no saved_model.pb).")
    try:
        return tf.saved_model.load(path)
    except Exception as error:
        raise ModelLoadError(f"{path}: not a readable SavedModel ({one_line(error)}).") from None


def _load_keras_file(path: str, compile: bool):
    import keras_losses  # noqa: F401  (registers the losses and their string names)
    from zoo.models import layers  # noqa: F401  (registers the zoo's layers: a cosine head, CosineLogits)

    config = _keras_config(path)
    if compile:
        unknown = unknown_losses(config.get("compile_config") or {})
        if unknown:
            raise ModelLoadError(_unknown_loss_message(path, unknown[0]))
    try:
        return keras.saving.load_model(path, compile=compile)
    except Exception as error:
        raise ModelLoadError(f"{path}: cannot load the Keras model ({one_line(error)}).") from None


def _keras_config(path: str) -> dict[str, Any]:
    """The `config.json` of a `.keras` archive, checking the archive is intact."""
    if not zipfile.is_zipfile(path):
        raise ModelLoadError(
            f"{path}: not a .keras model (not a zip archive: truncated, corrupt, or another kind of file)."
        )
    try:
        with zipfile.ZipFile(path) as archive:
            damaged = archive.testzip()
            if damaged is not None:
                raise ModelLoadError(f"{path}: corrupt .keras archive (bad CRC in {damaged}).")
            if "config.json" not in archive.namelist():
                raise ModelLoadError(f"{path}: not a .keras model (the archive has no config.json).")
            config = json.loads(archive.read("config.json"))
    except ModelLoadError:
        raise
    except Exception as error:
        raise ModelLoadError(f"{path}: corrupt .keras archive ({one_line(error)}).") from None
    if not isinstance(config, dict):
        raise ModelLoadError(f"{path}: not a .keras model (config.json is not an object).")
    return config


def unknown_losses(compile_config: dict[str, Any]) -> list:
    """The names of the losses in a compile config that cannot be resolved here."""
    return [name for name in _loss_names(compile_config.get("loss")) if not _resolves(name)]


def _loss_names(loss) -> list:
    """Every loss reference (string name or registered name) in a serialized `loss`."""
    if loss is None:
        return []
    if isinstance(loss, str):
        return [loss]
    if isinstance(loss, (list, tuple)):
        return [name for item in loss for name in _loss_names(item)]
    if isinstance(loss, dict) and "class_name" in loss:
        if loss.get("registered_name"):
            return [loss["registered_name"]]
        if loss.get("module", "").startswith("keras"):  # a Keras built-in class
            return []
        return [loss["class_name"]]
    if isinstance(loss, dict):  # one loss per model output
        return [name for item in loss.values() for name in _loss_names(item)]
    return []


def _resolves(name: str) -> bool:
    if ">" in name:
        return keras.saving.get_registered_object(name) is not None
    try:
        keras.losses.get(name)
    except Exception:
        return False
    return True


def _unknown_loss_message(path: str, name: str) -> str:
    import keras_losses

    package = name.split(">")[0] if ">" in name else None
    if package and package != "keras_losses":
        advice = f"import the package {package!r} that defines it before loading"
    else:
        advice = (
            "install the keras_losses version that saved it (a renamed loss keeps its old "
            "name as an alias), or load with compile=False for inference only"
        )
    return (
        f"{path}: the model was compiled with loss {name!r}, which the installed "
        f"keras_losses {keras_losses.__version__} does not know; {advice}."
    )
