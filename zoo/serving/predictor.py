"""`Predictor`: one call interface for a loaded `.keras` model and an exported SavedModel (`zoo.predict`'s)."""

import dataclasses
from collections.abc import Callable

import keras
import numpy as np
import tensorflow as tf
from tqdm import tqdm

from zoo.serving.model_files import ModelLoadError, load
from zoo.serving.outputs import CLASS_NAMES, SIGNATURE, input_spec, served_task, serving_function


@dataclasses.dataclass(frozen=True)
class Predictor:
    """A loaded model ready to predict: `predictor(x) -> probabilities (N, K)`.

    `class_names` are those stored at export (`export(..., class_names=...)`), else None.
    `task` is the task it serves (`zoo.serving.outputs.served_task`): single-label probabilities
    `(N, K)` sum to 1, multi-label ones are per label (`σ(z_k)`), dense ones `(N, d1, ..., K)` per position.
    """

    path: str
    input_shape: tuple[int | None, ...]
    dtype: tf.DType
    call: Callable[[tf.Tensor], dict[str, tf.Tensor]]
    class_names: tuple[str, ...] | None = None
    task: str = "single_label"

    @classmethod
    def from_path(cls, path: str, logits: bool | None = None, task: str | None = None) -> "Predictor":
        """Loads a `.keras` file or SavedModel directory (see `load`) to serve `task` (None: the task
        its outputs show, `served_task`; a one-line ValueError when they do not fit `task`)."""
        model = load(path)
        if isinstance(model, keras.Model):
            spec = input_spec(model)
            task = served_task({"outputs": model.outputs[0].shape}, task, path)
            call = tf.function(serving_function(model, logits, task), input_signature=[spec])
            return cls(path, tuple(spec.shape[1:]), spec.dtype, call, task=task)
        return cls._from_saved_model(path, model, logits, task)

    @classmethod
    def _from_saved_model(cls, path, loaded, logits, task):
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

        task = served_task({name: spec.shape for name, spec in outputs.items()}, task, path)

        def call(x):
            result = signature(**{key: x})
            if "probabilities" in result:
                return result
            (scores,) = result.values()
            return {"probabilities": _guess_probabilities(scores, logits, task)}

        return cls(path, tuple(spec.shape[1:]), spec.dtype, call, _stored_class_names(loaded), task)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """Class probabilities `(N, K)` of one batch."""
        return np.asarray(self.call(tf.constant(x, dtype=self.dtype))["probabilities"])

    def predict(self, x: np.ndarray, batch_size: int = 256, progress: bool = True) -> np.ndarray:
        """Class probabilities of `x` in batches, with a tqdm progress bar (ETA) on stderr."""
        return self.predict_outputs(x, batch_size, progress)["probabilities"]

    def predict_outputs(self, x: np.ndarray, batch_size: int = 256, progress: bool = True) -> dict[str, np.ndarray]:
        """Every served output of `x` in batches (`probabilities`, and `class` or `labels` when the model
        serves them), with a tqdm progress bar (ETA) on stderr."""
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}.")
        starts = range(0, len(x), batch_size)
        bar = tqdm(starts, desc="predict", unit="batch", leave=False, disable=not progress or len(starts) <= 1)
        parts = [self.call(tf.constant(x[start : start + batch_size], dtype=self.dtype)) for start in bar]
        if not parts:
            raise ValueError("no inputs to predict (an empty batch).")
        return {name: np.concatenate([np.asarray(part[name]) for part in parts]) for name in parts[0]}


def _stored_class_names(loaded) -> tuple[str, ...] | None:
    """The class names a SavedModel from `export` stores (its `class_names` signature), else None."""
    signature = getattr(loaded, "signatures", {}).get(CLASS_NAMES)
    if signature is None:
        return None
    return tuple(name.decode("utf-8") for name in signature()[CLASS_NAMES].numpy())


def _guess_probabilities(scores, logits: bool | None, task: str = "single_label"):
    """Probabilities from the single output of a foreign SavedModel.

    `logits=None`: outputs that are already non-negative rows summing to 1 are
    taken as probabilities, anything else gets a softmax; a multi-label tagger's
    outputs in [0, 1] are taken as per-label probabilities, anything else gets a sigmoid.
    """
    if task == "multi_label":
        if logits is None:
            logits = not bool(tf.reduce_all(scores >= 0) and tf.reduce_all(scores <= 1))
        return tf.sigmoid(scores) if logits else scores
    if logits is None:
        rows = tf.reduce_sum(scores, axis=-1)
        logits = not bool(tf.reduce_all(scores >= 0) and tf.reduce_all(tf.abs(rows - 1) < 1e-3))
    return tf.nn.softmax(scores, axis=-1) if logits else scores
