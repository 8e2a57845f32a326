"""`export(model, export_dir)`: a TensorFlow SavedModel that serves without this project.

The `serving_default` signature maps an input batch to `{"probabilities": (N, K)
float32, "class": (N,) int32}` (`zoo.serving.outputs`); it loads with `tf.saved_model.load`
alone. Given `class_names` (one per class), a second signature `class_names` (no inputs)
returns them as `{"class_names": (K,) string}`. The signature fixes the input's non-batch
shape, so a wrongly shaped batch is rejected with an `InvalidArgumentError` naming both shapes.
"""

import os
import shutil
import tempfile
from collections.abc import Sequence

import keras
import tensorflow as tf

from zoo.serving.outputs import CLASS_NAMES, SIGNATURE, check_class_names, input_spec, num_classes, serving_function

SAVED_MODEL_FILES = ("saved_model.pb", "saved_model.pbtxt")


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
    if os.path.isdir(path) and (not os.listdir(path) or is_saved_model(path)):
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


def is_saved_model(path: str) -> bool:
    return any(os.path.isfile(os.path.join(path, name)) for name in SAVED_MODEL_FILES)
