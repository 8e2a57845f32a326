"""Trained models in production: load them, export them for serving, predict from files.

>>> from zoo import serving
>>> model = serving.load("model.keras")           # doctest: +SKIP
>>> serving.export(model, "export/model")         # doctest: +SKIP
>>> serving.Predictor.from_path("export/model")(x_test)  # doctest: +SKIP

- `model_files`: `load` (a `.keras` file or SavedModel, one-line `ModelLoadError`s);
- `exporting`: `export` (a SavedModel that serves without this project);
- `outputs`: what a model outputs (logits, probabilities, sigmoid scores) and the serving function;
- `predictor`: `Predictor`, one call interface for both kinds of file;
- `input_files`: `read_inputs`, `.npy`/`.npz` arrays and images converted to the
  model's input (one-line `InputError`s);
- `predict`: the command `python -m zoo.predict` (also `python -m zoo.serving.predict`);
- `task_reports`: what it reports for multi-label taggers (labels over a threshold, per-label
  probabilities) and dense models (per-position classes in an `.npz`, a class-histogram summary).

Why a subpackage of `zoo` and not a package of its own: serving is the part
of this project that runs after training, so it is kept apart from the
experiments (its own folder and tests; `tuning` uses only the names in `__all__`),
but it needs what the `zoo` extra installs (TensorFlow for SavedModels,
Pillow for images, absl and tqdm for the command) and shares zoo's command-line
helpers (`zoo.common.cli`, `zoo.common.quiet`) and atomic writer (`zoo.common.results`).
`keras_losses` stays light (Keras only, any backend), and a production service
needs neither: a SavedModel from `export` loads with TensorFlow alone. A
top-level package would add a fourth install surface for three modules.

The names are imported lazily, so `import zoo` stays cheap and
`python -m zoo.predict` parses its flags (and hides TensorFlow's start-up
lines) before TensorFlow loads.
"""

from zoo.common import lazy

# Public name -> the module of this package that defines it.
_EXPORTS = {
    "load": "model_files",
    "export": "exporting",
    "Predictor": "predictor",
    "ModelLoadError": "model_files",
    "output_kind": "outputs",
    "to_probabilities": "outputs",
    "serving_function": "outputs",
    "input_spec": "outputs",
    "unknown_losses": "model_files",
    "SIGNATURE": "outputs",
    "CLASS_NAMES": "outputs",
    "NO_CLASS": "outputs",
    "OUTPUT_KINDS": "outputs",
    "InputError": "input_files",
    "Inputs": "input_files",
}

__getattr__, __dir__, __all__ = lazy.exports(__name__, _EXPORTS, aliases={"read_inputs": ("input_files", "read")})
