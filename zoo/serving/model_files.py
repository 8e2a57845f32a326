"""Model files: load them with clear errors, export them for serving (`zoo.serving`).

>>> from zoo import serving
>>> model = serving.load("model.keras")           # doctest: +SKIP
>>> serving.export(model, "export/model")         # doctest: +SKIP

- `load(path)` reads a `.keras` file (after `import keras_losses` and of the zoo's
  layers, `zoo.models.layers`, with Keras's safe mode on and no `custom_objects`)
  or a TensorFlow SavedModel directory.
  A missing, truncated or corrupt file, a file that is not a model, or a
  model compiled with a loss that the installed `keras_losses` does not know
  raises `ModelLoadError` with a one-line message naming the problem.
- `export(model, export_dir, logits=None, class_names=None)` writes a
  SavedModel whose `serving_default` signature maps an input batch to
  `{"probabilities": (N, K) float32, "class": (N,) int32}`. It loads with
  `tf.saved_model.load` alone: neither this project nor the loss is needed.
  Given `class_names` (one per class), a second signature `class_names`
  (no inputs) returns them as `{"class_names": (K,) string}`.
- `Predictor.from_path(path)` gives both kinds one call interface (used by
  `python -m zoo.predict`).

What the model outputs is detected from its last layer: a softmax is taken as
probabilities, a sigmoid (one-vs-all losses such as `logistic`) as per-class
scores that are normalised to sum to 1, anything else as logits that get a
softmax. `logits=True/False` overrides the detection. A single output unit
(the usual binary classifier, `Dense(1, activation="sigmoid")`, or one logit)
is read as the probability `p` of class 1 and served as `[1 − p, p]`. The
predicted class is the argmax of the model's outputs (of `[1 − p, p]` for one unit).

Bad requests never get a confident answer: the signature fixes the input's
non-batch shape, so a wrongly shaped batch is rejected with an
`InvalidArgumentError` naming both shapes (not answered, and no process
abort), and a row with a NaN or Inf input (or a non-finite output) gets NaN
probabilities and class −1.
"""

import dataclasses
import json
import os
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from typing import Any

import keras
import numpy as np
import tensorflow as tf
from tqdm import tqdm

from zoo.serving.input_files import one_line

SIGNATURE = "serving_default"
CLASS_NAMES = "class_names"  # The signature (and its output) holding the class names stored at export.
NO_CLASS = -1  # The class served for a row whose input (or output) is not finite.
OUTPUT_KINDS = ("logits", "probabilities", "sigmoid")
SAVED_MODEL_FILES = ("saved_model.pb", "saved_model.pbtxt")


class ModelLoadError(ValueError):
    """A model file that cannot be loaded; the message is one line."""


# ---------------------------------------------------------------- what the model outputs


def output_kind(model: keras.Model, logits: bool | None = None) -> str:
    """ "logits", "probabilities" (softmax) or "sigmoid", from `logits` or the last layer."""
    if logits is not None:
        return "logits" if logits else "probabilities"
    layer = model.layers[-1] if model.layers else None
    if isinstance(layer, keras.layers.Softmax):
        return "probabilities"
    activation = getattr(layer, "activation", None)
    name = getattr(activation, "__name__", str(activation or ""))
    if name == "softmax":
        return "probabilities"
    if name == "sigmoid":
        return "sigmoid"
    return "logits"


def to_probabilities(outputs, kind: str):
    """Class probabilities (rows sum to 1) from model outputs of `kind`; one unit `p` becomes `[1 − p, p]`."""
    if kind not in OUTPUT_KINDS:
        raise ValueError(f"Unknown output kind {kind!r}; known: {', '.join(OUTPUT_KINDS)}.")
    outputs = keras.ops.cast(outputs, "float32")
    if outputs.shape[-1] == 1:  # Binary: the probability (or logit) of class 1.
        p = keras.ops.sigmoid(outputs) if kind == "logits" else outputs
        return keras.ops.concatenate([1.0 - p, p], axis=-1)
    if kind == "logits":
        return keras.ops.softmax(outputs, axis=-1)
    if kind == "sigmoid":
        total = keras.ops.sum(outputs, axis=-1, keepdims=True)
        return outputs / keras.ops.maximum(total, keras.backend.epsilon())
    return outputs


def serving_function(model: keras.Model, logits: bool | None = None) -> Callable:
    """`fn(x) -> {"probabilities", "class"}` for `model` (the body of the signature).

    A batch whose non-batch shape is not the model's raises `InvalidArgumentError`;
    rows with a non-finite input or output get NaN probabilities and class `NO_CLASS`.
    """
    kind = output_kind(model, logits)
    spec = input_spec(model)

    def serve(x):
        x = tf.ensure_shape(x, spec.shape)  # Checked before any layer runs: no answer, no kernel abort.
        outputs = model(x, training=False)
        probabilities = to_probabilities(outputs, kind)
        finite = tf.reduce_all(tf.math.is_finite(probabilities), axis=-1)
        if x.dtype.is_floating:
            finite &= tf.reduce_all(tf.math.is_finite(tf.reshape(x, (tf.shape(x)[0], -1))), axis=-1)
        # The argmax of the outputs themselves (a float32 softmax can tie distinct logits); of [1 − p, p] for one unit.
        scores = probabilities if outputs.shape[-1] == 1 else outputs
        classes = tf.cast(tf.argmax(scores, axis=-1), tf.int32)
        return {
            "probabilities": tf.where(finite[:, None], probabilities, tf.constant(np.nan, probabilities.dtype)),
            "class": tf.where(finite, classes, NO_CLASS),
        }

    return serve


def input_spec(model: keras.Model) -> tf.TensorSpec:
    """The batch input signature of a single-input `model`."""
    if len(model.inputs or []) != 1:
        raise ValueError(f"serving needs a built model with exactly one input, got {len(model.inputs or [])} inputs.")
    tensor = model.inputs[0]
    return tf.TensorSpec((None,) + tuple(tensor.shape[1:]), tensor.dtype, name="inputs")


def num_classes(model: keras.Model) -> int:
    """The number of classes `model` serves: its output units, 2 for a single unit."""
    units = model.outputs[0].shape[-1] if model.outputs else None
    if units is None:
        raise ValueError("serving needs a model whose last dimension (the classes) is known.")
    return 2 if units == 1 else int(units)


def check_class_names(class_names, classes: int) -> tuple[str, ...]:
    """`class_names` as a tuple of strings, one per class; ValueError (one line) otherwise."""
    if isinstance(class_names, str):
        raise TypeError("class_names must be a sequence of names, e.g. ['cat', 'dog'], not one string.")
    names = tuple(str(name) for name in class_names)
    if len(names) != classes:
        raise ValueError(f"{len(names)} class names for a model with {classes} classes; give one name per class.")
    if not all(name.strip() for name in names):
        raise ValueError("class names must not be empty.")
    return names


# ---------------------------------------------------------------- export


def export(
    model: keras.Model, export_dir: str, logits: bool | None = None, class_names: Sequence[str] | None = None
) -> str:
    """Writes `model` as a TensorFlow SavedModel for serving; returns `export_dir`.

    The `serving_default` signature takes `inputs` (a float batch of the
    model's input shape) and returns `probabilities` and `class`;
    `class_names` (one per class) are stored in the signature `class_names`. The
    directory is written next to its destination and moved in place, so a
    failed export leaves no half-written directory; an existing SavedModel at
    `export_dir` is replaced, any other existing non-empty path is an error.
    """
    if not isinstance(model, keras.Model):
        raise TypeError(f"export needs a keras.Model, got {type(model).__name__}.")
    export_dir = os.path.abspath(export_dir)
    _check_replaceable(export_dir)
    archive = keras.export.ExportArchive()
    archive.track(model)
    archive.add_endpoint(name=SIGNATURE, fn=serving_function(model, logits), input_signature=[input_spec(model)])
    if class_names is not None:
        names = tf.constant(check_class_names(class_names, num_classes(model)))
        archive.add_endpoint(name=CLASS_NAMES, fn=lambda: {CLASS_NAMES: names}, input_signature=[])
    parent = os.path.dirname(export_dir)
    os.makedirs(parent, exist_ok=True)
    staging = tempfile.mkdtemp(prefix=f".{os.path.basename(export_dir)}.", dir=parent)
    try:
        archive.write_out(staging, verbose=False)
        _replace_dir(staging, export_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return export_dir


def _check_replaceable(path: str) -> None:
    if not os.path.exists(path):
        return
    if os.path.isdir(path) and (not os.listdir(path) or _is_saved_model(path)):
        return
    raise FileExistsError(f"{path} exists and is not a SavedModel; export to a new directory.")


def _replace_dir(source: str, target: str) -> None:
    old = None
    if os.path.exists(target):
        old = tempfile.mkdtemp(prefix=f".{os.path.basename(target)}.old.", dir=os.path.dirname(target))
        os.replace(target, os.path.join(old, "model"))
    os.replace(source, target)
    if old:
        shutil.rmtree(old, ignore_errors=True)


def _is_saved_model(path: str) -> bool:
    return any(os.path.isfile(os.path.join(path, name)) for name in SAVED_MODEL_FILES)


# ---------------------------------------------------------------- load


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
    if not _is_saved_model(path):
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


# ---------------------------------------------------------------- one interface for both kinds


@dataclasses.dataclass(frozen=True)
class Predictor:
    """A loaded model ready to predict: `predictor(x) -> probabilities (N, K)`.

    `class_names` are those stored at export (`export(..., class_names=...)`), else None.
    """

    path: str
    input_shape: tuple[int | None, ...]
    dtype: tf.DType
    call: Callable[[tf.Tensor], dict[str, tf.Tensor]]
    class_names: tuple[str, ...] | None = None

    @classmethod
    def from_path(cls, path: str, logits: bool | None = None) -> "Predictor":
        """Loads a `.keras` file or SavedModel directory (see `load`)."""
        model = load(path)
        if isinstance(model, keras.Model):
            spec = input_spec(model)
            call = tf.function(serving_function(model, logits), input_signature=[spec])
            return cls(path, tuple(spec.shape[1:]), spec.dtype, call)
        return cls._from_saved_model(path, model, logits)

    @classmethod
    def _from_saved_model(cls, path, loaded, logits):
        signature = getattr(loaded, "signatures", {}).get(SIGNATURE)
        if signature is None:
            raise ModelLoadError(f"{path}: the SavedModel has no {SIGNATURE!r} signature.")
        inputs = signature.structured_input_signature[1]
        if len(inputs) != 1:
            raise ModelLoadError(
                f"{path}: the {SIGNATURE!r} signature takes {len(inputs)} inputs; "
                "only single-input models are supported."
            )
        ((key, spec),) = inputs.items()
        outputs = signature.structured_outputs
        if "probabilities" not in outputs and len(outputs) != 1:
            raise ModelLoadError(
                f"{path}: the {SIGNATURE!r} signature has no 'probabilities' "
                f"output and several outputs ({', '.join(outputs)})."
            )

        def call(x):
            result = signature(**{key: x})
            if "probabilities" in result:
                return result
            (scores,) = result.values()
            return {"probabilities": _guess_probabilities(scores, logits)}

        return cls(path, tuple(spec.shape[1:]), spec.dtype, call, _stored_class_names(loaded))

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """Class probabilities `(N, K)` of one batch."""
        return np.asarray(self.call(tf.constant(x, dtype=self.dtype))["probabilities"])

    def predict(self, x: np.ndarray, batch_size: int = 256, progress: bool = True) -> np.ndarray:
        """Class probabilities of `x` in batches, with a tqdm progress bar (ETA) on stderr."""
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}.")
        starts = range(0, len(x), batch_size)
        bar = tqdm(starts, desc="predict", unit="batch", leave=False, disable=not progress or len(starts) <= 1)
        return np.concatenate([self(x[start : start + batch_size]) for start in bar])


def _stored_class_names(loaded) -> tuple[str, ...] | None:
    """The class names a SavedModel from `export` stores (its `class_names` signature), else None."""
    signature = getattr(loaded, "signatures", {}).get(CLASS_NAMES)
    if signature is None:
        return None
    return tuple(name.decode("utf-8") for name in signature()[CLASS_NAMES].numpy())


def _guess_probabilities(scores, logits: bool | None):
    """Probabilities from the single output of a foreign SavedModel.

    `logits=None`: outputs that are already non-negative rows summing to 1 are
    taken as probabilities, anything else gets a softmax.
    """
    if logits is None:
        rows = tf.reduce_sum(scores, axis=-1)
        logits = not bool(tf.reduce_all(scores >= 0) and tf.reduce_all(tf.abs(rows - 1) < 1e-3))
    return tf.nn.softmax(scores, axis=-1) if logits else scores
