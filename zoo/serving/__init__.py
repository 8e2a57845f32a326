"""Trained models in production: load them, export them for serving, predict from files.

>>> from zoo import serving
>>> model = serving.load("model.keras")           # doctest: +SKIP
>>> serving.export(model, "export/model")         # doctest: +SKIP
>>> serving.Predictor.from_path("export/model")(x_test)  # doctest: +SKIP

- `model_files`: `load` (a `.keras` file or SavedModel, one-line `ModelLoadError`s),
  `export` (a SavedModel that serves without this project), `Predictor` (one call
  interface for both kinds of file);
- `input_files`: `read_inputs`, `.npy`/`.npz` arrays and images converted to the
  model's input (one-line `InputError`s);
- `predict`: the command `python -m zoo.predict` (also `python -m zoo.serving.predict`).

Why a subpackage of `zoo` and not a package of its own: serving is the part
of this project that runs after training, so it is kept apart from the
experiments (its own folder and tests; `tuning` uses only the names in `__all__`),
but it needs what the `zoo` extra installs (TensorFlow for SavedModels,
Pillow for images, absl and tqdm for the command) and shares zoo's command-line
helpers (`zoo.cli`, `zoo.quiet`) and atomic writer (`zoo.results`).
`keras_losses` stays light (Keras only, any backend), and a production service
needs neither: a SavedModel from `export` loads with TensorFlow alone. A
top-level package would add a fourth install surface for three modules.

The names are imported lazily, so `import zoo` stays cheap and
`python -m zoo.predict` parses its flags (and hides TensorFlow's start-up
lines) before TensorFlow loads.
"""

import importlib

# Public name -> the module of this package that defines it.
_EXPORTS = {
    "load": "model_files",
    "export": "model_files",
    "Predictor": "model_files",
    "ModelLoadError": "model_files",
    "output_kind": "model_files",
    "to_probabilities": "model_files",
    "serving_function": "model_files",
    "input_spec": "model_files",
    "unknown_losses": "model_files",
    "SIGNATURE": "model_files",
    "OUTPUT_KINDS": "model_files",
    "InputError": "input_files",
    "Inputs": "input_files",
}
_ALIASES = {"read_inputs": ("input_files", "read")}
_SUBMODULES = {"model_files", "input_files", "predict"}

__all__ = sorted(set(_EXPORTS) | set(_ALIASES))


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    module, attribute = _ALIASES.get(name) or (_EXPORTS.get(name), name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), attribute)
    globals()[name] = value  # Looked up once.
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__) | _SUBMODULES)
