"""Predict classes with a trained model: `python -m zoo.predict` (or `python -m zoo.serving.predict`).

    python -m zoo.predict --model=model.keras --input=x_test.npy
    python -m zoo.predict --model=export/model --input='digits/*.png' --output=pred.csv --top_k=3
    python -m zoo.predict --model=tagger.keras --task=multi_label --input=x.npy --threshold=0.3
    python -m zoo.predict --model=export/unet --input=images.npy --output=masks.npz --probabilities

`--model` is a `.keras` file (loaded after `import keras_losses`) or a
SavedModel directory (`zoo.serving.export`, or Keras's `model.export`).
`--input` is a `.npy`/`.npz` array or image files (a file, a directory or a
glob; see `zoo.serving.input_files` for the conversion and `--scale/--mean/--std`).
Prints a table, or writes `--output` as CSV (`.csv`) or JSON (`.json`) with
the predicted class and the top-k classes with their probabilities per input.
`--class_names=a,b,...` (or `@names.txt`, one per line) adds each class's
name; without it, the names stored at export (`zoo.export(..., class_names=...)`)
are used. Inputs holding NaN or Inf are refused (naming how many); with
`--allow_nan` they are predicted no class (-1, no top-k) and marked
`non_finite_input`.

The task (`--task`; `auto` reads it off the model, `zoo.serving.outputs.served_task`):
a SavedModel exported by `zoo.export(..., task=...)` serves its task (a `labels` output:
multi-label; a `class` per position: dense); a `.keras` model (or a foreign SavedModel's single
output) whose output is `(N, d1, ..., K)` is dense, one whose output is `(N, K)` single-label,
since a sigmoid or logits head cannot tell a tagger from a one-vs-all classifier: a multi-label
tagger needs `--task=multi_label` unless it was exported as one. A task the model's outputs do
not fit is a one-line error.

- multi-label: per input the labels whose probability `σ(z_k)` is at least `--threshold` (0.5)
  and every label's probability (`zoo.serving.task_reports`): a table, CSV or JSON;
- dense: a class per position, written to `--output=NAME.npz` (arrays `classes` `(N, d1, ...)`
  int32, −1 for an input holding NaN/Inf with `--allow_nan`, `inputs`, `class_names` when known,
  and with `--probabilities` the per-position probabilities `(N, d1, ..., K)`); CSV or JSON of
  masks make no sense and are refused. A summary (each input's share of positions per predicted
  class) is printed.
The output file is written atomically: on any error no (partial) output file
is left, and an existing one is kept as it was. Errors are one line on stderr
and exit status 1.
"""

import csv
import io
import json
import os
import sys
from collections.abc import Sequence

from absl import flags

from zoo.common import tasks

TASKS = ("auto", *tasks.TASKS)
OUTPUT_FORMATS = {"single_label": (".csv", ".json"), "multi_label": (".csv", ".json"), "dense": (".npz",)}
MODEL_OUTPUTS = {"auto": None, "logits": True, "probabilities": False}


def define_flags(flag_values: flags.FlagValues) -> None:
    """Defines the command's flags on `flag_values` (private FlagValues: see `zoo.common.cli`)."""
    fv = {"flag_values": flag_values}
    flags.DEFINE_string("model", None, "A .keras file or a TensorFlow SavedModel directory.", **fv)
    flags.DEFINE_string(
        "input",
        None,
        "A .npy/.npz array (npz key x, the only array, or x_test), "
        "or image files: one file, a directory, or a quoted glob.",
        **fv,
    )
    flags.DEFINE_string(
        "output",
        "",
        "Write the predictions to this .csv or .json file (a dense model's masks: .npz), atomically; "
        "empty prints a table.",
        **fv,
    )
    flags.DEFINE_enum(
        "task",
        "auto",
        list(TASKS),
        "What the model predicts: auto (a SavedModel exported with a task serves it; a model whose output has "
        "positions (N, d1, ..., K) is dense, one with output (N, K) single_label), single_label, multi_label "
        "(a tagger: per-label probabilities) or dense (a class per position).",
        **fv,
    )
    flags.DEFINE_float(
        "threshold", 0.5, "multi_label: a label is predicted when its probability is at least this, in (0, 1).", **fv
    )
    flags.DEFINE_boolean(
        "probabilities", False, "dense: also write the per-position probabilities to the --output .npz file.", **fv
    )
    flags.DEFINE_integer(
        "top_k",
        3,
        "single_label: how many most likely classes to report per input (at most the number of classes).",
        lower_bound=1,
        **fv,
    )
    flags.DEFINE_integer("batch_size", 256, "Inputs per model call.", lower_bound=1, **fv)
    flags.DEFINE_boolean("verbose", False, "Show TensorFlow's start-up messages (hidden by default).", **fv)
    flags.DEFINE_float(
        "scale", None, "Multiply raw input values by this (default: 1/255 for images, 1 for arrays).", **fv
    )
    flags.DEFINE_list(
        "mean",
        None,
        "Subtract these per-channel values after scaling (one value or "
        "one per channel), e.g. the training data's mean.",
        **fv,
    )
    flags.DEFINE_list("std", None, "Divide by these per-channel values after subtracting the mean.", **fv)
    flags.DEFINE_string(
        "class_names",
        "",
        "Class names, one per class: comma-separated (a,b,c) or @FILE with one per line. "
        "Default: the names stored at export, if any.",
        **fv,
    )
    flags.DEFINE_boolean(
        "allow_nan", False, "Predict the other inputs when some hold NaN/Inf, and mark those (class -1).", **fv
    )
    flags.DEFINE_enum(
        "model_outputs",
        "auto",
        list(MODEL_OUTPUTS),
        "What the model outputs: auto (read off its last layer), logits or probabilities.",
        **fv,
    )


class UsageError(ValueError):
    """A bad flag value."""


def load_predictor(model: str, model_outputs: str = "auto", task: str = "auto"):
    """The `Predictor` of the model file `model` for `task` ("auto": the task its outputs show)."""
    from zoo.serving.predictor import Predictor  # TensorFlow loads only once the flags are fine.

    return Predictor.from_path(model, logits=MODEL_OUTPUTS[model_outputs], task=None if task == "auto" else task)


def predict(
    model,
    input: str,
    *,
    task: str = "auto",
    threshold: float = 0.5,
    top_k: int = 3,
    batch_size: int = 256,
    scale: float | None = None,
    mean: Sequence[float] | None = None,
    std: Sequence[float] | None = None,
    model_outputs: str = "auto",
    class_names: Sequence[str] | None = None,
    allow_nan: bool = False,
):
    """The predictions of `model` (a model file, or a loaded `Predictor`) for the inputs `input`, by task.

    Single-label: per input `{"input", "class", "top_k": [{"class", "probability"}, ...]}`; multi-label:
    per input `{"input", "labels", "probabilities"}` (`task_reports.tag_rows`, labels at `threshold`);
    dense: a `task_reports.Masks` (a class per position, and the probabilities).
    With class names (`class_names`, else those stored at export) each class
    also has its `"class_name"` (a label its `"label_names"`). Inputs with NaN/Inf raise `InputError`, or with
    `allow_nan` get class -1, no top-k and `"non_finite_input": True` (a mask of -1).
    """
    import numpy as np

    from zoo.serving import input_files, task_reports

    predictor = model if not isinstance(model, str) else load_predictor(model, model_outputs, task)
    batch = input_files.read(input, predictor.input_shape, scale=scale, mean=mean, std=std)
    if not allow_nan:
        input_files.check_finite(batch.names, batch.x, input)
    outputs = predictor.predict_outputs(batch.x, batch_size=batch_size)
    probabilities = outputs["probabilities"]
    names = predictor.class_names if class_names is None else tuple(class_names)
    if names is not None and len(names) != probabilities.shape[-1]:
        what = "labels" if predictor.task == "multi_label" else "classes"
        raise UsageError(f"{len(names)} class names for a model with {probabilities.shape[-1]} {what}.")
    rows = len(probabilities)
    invalid = input_files.non_finite_rows(batch.x) | ~np.isfinite(probabilities.reshape(rows, -1)).all(axis=1)
    if predictor.task == "multi_label":
        return task_reports.tag_rows(batch.names, probabilities, threshold, names, invalid)
    if predictor.task == "dense":
        classes = outputs["class"] if "class" in outputs else np.argmax(probabilities, axis=-1)
        classes = np.where(invalid.reshape((rows,) + (1,) * (classes.ndim - 1)), -1, classes).astype(np.int32)
        return task_reports.Masks(batch.names, classes, probabilities, names)
    return records(batch.names, probabilities, top_k, names, invalid)


def records(names: Sequence[str], probabilities, top_k: int, class_names=None, invalid=None) -> list[dict]:
    """The report rows: predicted class and the `top_k` classes by probability (none for `invalid` rows)."""
    import numpy as np

    order = np.argsort(-probabilities, axis=-1, kind="stable")[:, :top_k]
    invalid = np.zeros(len(names), dtype=bool) if invalid is None else invalid
    label = (lambda c: {}) if class_names is None else (lambda c: {"class_name": class_names[c]})  # noqa: E731
    rows = []
    for name, row, ranked, bad in zip(names, probabilities, order, invalid):
        if bad:
            rows.append({"input": name, "class": -1, "top_k": [], "non_finite_input": True})
            continue
        top = [{"class": int(c), **label(c), "probability": float(row[c])} for c in ranked]
        rows.append({"input": name, "class": int(ranked[0]), **label(ranked[0]), "top_k": top})
    return rows


def to_csv(rows: list[dict]) -> str:
    """CSV text: input, class (and class_name), then top{i}_class (top{i}_name) and top{i}_probability."""
    k = max((len(r["top_k"]) for r in rows), default=0)
    named = any("class_name" in r for r in rows)
    fields = ("class", "name", "probability") if named else ("class", "probability")
    header = ["input", "class"] + (["class_name"] if named else [])
    header += [f"top{i}_{f}" for i in range(1, k + 1) for f in fields]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for r in rows:
        top = [
            v
            for t in r["top_k"]
            for v in (t["class"],) + ((t["class_name"],) if named else ()) + (f"{t['probability']:.6g}",)
        ]
        cells = [r["input"], r["class"]] + ([r.get("class_name", "")] if named else []) + top
        writer.writerow(cells + [""] * (len(header) - len(cells)))  # A marked row has no top-k: empty cells.
    return buffer.getvalue()


def to_json(rows: list[dict]) -> str:
    return json.dumps(rows, indent=1) + "\n"


def to_table(rows: list[dict]) -> str:
    """A plain-text table for the terminal."""
    lines = [("input", "class", "top-k (class: probability)")]
    for r in rows:
        if r.get("non_finite_input"):
            lines.append((r["input"], "-1", "not predicted: the input holds NaN/Inf"))
            continue
        name = lambda t: t.get("class_name", str(t["class"]))  # noqa: E731
        lines.append((r["input"], name(r), "  ".join(f"{name(t)}: {t['probability']:.3f}" for t in r["top_k"])))
    widths = [max(len(line[i]) for line in lines) for i in range(2)]
    return "\n".join(f"{a:<{widths[0]}}  {b:>{widths[1]}}  {c}" for a, b, c in lines) + "\n"


def check_flags(fv: flags.FlagValues) -> None:
    """UsageError for flag values that can be checked before loading anything."""
    for name in ("model", "input"):
        if not fv[name].value:
            raise UsageError(f"--{name} is required (see --help).")
    if not os.path.exists(fv.model):
        raise UsageError(f"--model={fv.model}: no such file or directory.")
    if not 0.0 < fv.threshold < 1.0:
        raise UsageError(f"--threshold={fv.threshold:g}: must be in (0, 1).")
    if fv.output:
        extension = os.path.splitext(fv.output)[1].lower()
        known = sorted({e for formats in OUTPUT_FORMATS.values() for e in formats})
        if extension not in known:
            raise UsageError(
                f"--output={fv.output}: unsupported format {extension or '(none)'!r}; "
                f"use {' or '.join(OUTPUT_FORMATS['single_label'])} (a dense model's masks: .npz)."
            )
        directory = os.path.dirname(os.path.abspath(fv.output))
        if not os.path.isdir(directory):
            raise UsageError(f"--output={fv.output}: directory {directory} does not exist.")
        if os.path.isdir(fv.output):
            raise UsageError(f"--output={fv.output}: is a directory.")
    if fv.task != "auto":
        check_task_flags(fv, fv.task)


def check_task_flags(fv: flags.FlagValues, task: str) -> None:
    """UsageError for an output format or flag that the model's task does not take."""
    if fv.output:
        extension = os.path.splitext(fv.output)[1].lower()
        if task == "dense" and extension not in OUTPUT_FORMATS["dense"]:
            raise UsageError(
                f"--output={fv.output}: a dense model's per-position classes are written to .npz "
                "(masks in CSV or JSON make no sense); use --output=NAME.npz."
            )
        if task != "dense" and extension not in OUTPUT_FORMATS[task]:
            raise UsageError(
                f"--output={fv.output}: .npz holds a dense model's masks; write a {task} model's predictions "
                "to .csv or .json."
            )
    if fv.probabilities and (task != "dense" or not fv.output):
        raise UsageError(
            "--probabilities writes a dense model's per-position probabilities to its --output .npz file"
            + (f"; this model is {task}." if task != "dense" else "; give --output=NAME.npz.")
        )


def _floats(name: str, values: list[str] | None) -> list[float] | None:
    if values is None:
        return None
    try:
        return [float(v) for v in values]
    except ValueError:
        raise UsageError(f"--{name}={','.join(values)}: expected comma-separated numbers.") from None


def class_names_flag(value: str) -> list[str] | None:
    """`--class_names`: "a,b,c", or "@FILE" with one name per line (blank lines skipped); None if empty."""
    if not value:
        return None
    if value.startswith("@"):
        try:
            with open(value[1:], encoding="utf-8") as file:
                names = [line.strip() for line in file if line.strip()]
        except OSError as error:
            raise UsageError(f"--class_names={value}: cannot read {value[1:]} ({error.strerror}).") from None
    else:
        names = [name.strip() for name in value.split(",")]
    if not names or not all(names):
        raise UsageError(f"--class_names={value}: empty class name; give one name per class.")
    return names


def run(fv: flags.FlagValues) -> None:
    """Checks the flags, predicts, and prints or writes the report."""
    check_flags(fv)
    mean, std, names = _floats("mean", fv.mean), _floats("std", fv.std), class_names_flag(fv.class_names)
    predictor = load_predictor(fv.model, fv.model_outputs, fv.task)
    check_task_flags(fv, predictor.task)
    names = predictor.class_names if names is None else names
    found = predict(
        predictor,
        fv.input,
        threshold=fv.threshold,
        top_k=fv.top_k,
        batch_size=fv.batch_size,
        scale=fv.scale,
        mean=mean,
        std=std,
        class_names=names,
        allow_nan=fv.allow_nan,
    )
    if predictor.task == "dense":
        if fv.output:
            npz = found.npz_bytes(with_probabilities=fv.probabilities)
            _write(fv.output, npz, f"{len(found.names)} masks of shape {found.classes.shape[1:]}")
        sys.stdout.write(found.summary())
    elif fv.output:
        extension = os.path.splitext(fv.output)[1].lower()
        _write(fv.output, render(predictor.task, found, extension, names), f"{len(found)} predictions")
    else:
        sys.stdout.write(render(predictor.task, found, "", names))


def _write(path: str, content: str | bytes, what: str) -> None:
    from zoo.common import results

    results.write_atomic(path, content)
    print(f"Wrote {what} to {path}", file=sys.stderr)


def render(task: str, found: list[dict], extension: str, names: Sequence[str] | None = None) -> str:
    """The text of a single- or multi-label model's prediction rows `found`: CSV (`extension` ".csv"),
    JSON (".json") or a table for the terminal ("")."""
    from zoo.serving import task_reports

    if extension == ".json":
        return to_json(found)
    if task == "multi_label":
        return task_reports.tags_csv(found, names) if extension == ".csv" else task_reports.tags_table(found, names)
    return to_csv(found) if extension == ".csv" else to_table(found)


FLAGS = flags.FlagValues()  # private: see zoo/cli.py
define_flags(FLAGS)


def main(argv: Sequence[str], flag_values: flags.FlagValues = FLAGS) -> None:
    """absl entry point: any error becomes one line on stderr and exit status 1."""
    if len(argv) > 1:
        _fail(UsageError(f"unexpected arguments: {' '.join(argv[1:])} (flags are --name=value)."))
    try:
        run(flag_values)
    except Exception as error:  # noqa: BLE001 - a CLI reports, it does not trace back.
        _fail(error)


def _fail(error: BaseException) -> None:
    from zoo.serving.input_files import one_line

    print(f"zoo.predict: error: {one_line(error)}", file=sys.stderr)
    sys.exit(1)


def command() -> None:
    """Runs the command line (`python -m zoo.predict` and `python -m zoo.serving.predict`)."""
    from zoo.common import quiet

    quiet.configure()  # Before TensorFlow loads: its start-up lines hidden unless --verbose.
    from zoo.common import cli

    cli.run(main, FLAGS, "zoo.predict")


if __name__ == "__main__":
    command()
