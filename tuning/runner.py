"""One search, from its settings to its leaderboard: load the data, build the tuner, run the trials, finish.

`run(settings)` is what `python -m tuning.search` calls (`tuning.search` turns its flags into
`SearchSettings`); a script calls it the same way, with `SearchSettings` or their dict. The
stages: `_load_data` (the data under the search's condition, `tuning.conditions`),
`_build_tuner` (the hypermodel and its tuner, after `tuning.spec` checks that the folder holds
no other search), `_run_trials` (a single process or the chief; `_run_worker` for a
distributed worker), `_finish` (the leaderboard, the best configuration retrained, written).
"""

import dataclasses
import os
import sys
from collections.abc import Sequence
from typing import Any

from tuning import conditions, distributed, leaderboard, retrain, spec, tuners

TRIALS_FILE = "trials.jsonl"


def _progress(total: int | None, done: int, enabled: bool):
    from tqdm import tqdm

    return tqdm(
        total=total, initial=done, unit="trial", desc="search", disable=not enabled, dynamic_ncols=True, file=sys.stderr
    )


def _finished(oracle) -> int:
    return sum(str(t.status) in ("COMPLETED", "FAILED") for t in oracle.trials.values())


@dataclasses.dataclass(frozen=True)
class SearchSettings:
    """Everything one search is run with: the flags' values (`settings_from_flags`), as `run` takes them.

    `run` also takes them as a dict of these names (absent ones default as here); `as_dict()` is
    that dict, which the search spec (`tuning.spec`) and the data condition (`tuning.conditions`) read.
    """

    # With `task` multi_label or dense, the default is that task's embedded set (`zoo.common.tasks.TASK_DEFAULTS`).
    dataset: str = "digits"
    task: str | None = None  # None: the data's, as `zoo.compare_losses` reads it (with its one-line message).
    ignore_class: int | None = None  # Dense masks' void label, counted nowhere.
    losses: Sequence[str] = ("all",)
    model: str | None = None  # A user's `build(hp)`, "module:function" or "file.py:function".
    models: Sequence[str] = ()  # Empty: the task's zoo family, mlp (unet for a dense task); none with `model`.
    depths: Sequence[int] = (1, 2)
    widths: Sequence[int] = ()
    dropouts: Sequence[float] = (0.0,)
    learning_rates: Sequence[float] = (1e-3,)
    tune_loss_parameters: bool = True
    tuner: str = "random"
    max_trials: int = 20
    epochs: int = 10
    objective: str | None = None  # None: the task's headline (`tuning.objective.default_objective`).
    batch_size: int = 128
    seed: int = 0
    out: str = "runs/search"
    retrain: bool = True
    retrain_epochs: int = 50
    retrain_seeds: Sequence[int] = ()
    patience: int = 5
    threads: int = 0
    tuner_id: str | None = None
    oracle_ip: str | None = None
    oracle_port: int | None = None
    trial_timeout: float | None = None
    progress: bool = True
    tensorboard: bool = False
    label_noise: float = conditions.DEFAULTS["label_noise"]
    noise_type: str = conditions.DEFAULTS["noise_type"]
    noise_matrix: str | None = conditions.DEFAULTS["noise_matrix"]
    human_labels: str | None = conditions.DEFAULTS["human_labels"]
    noisy_validation: bool = conditions.DEFAULTS["noisy_validation"]
    imbalance: float = conditions.DEFAULTS["imbalance"]
    imbalance_profile: str = conditions.DEFAULTS["imbalance_profile"]

    @classmethod
    def of(cls, settings: "SearchSettings | dict[str, Any]") -> "SearchSettings":
        """`settings` as `SearchSettings`; a dict may leave names out, and a name not of these is a ValueError."""
        if isinstance(settings, cls):
            return settings
        known = {field.name for field in dataclasses.fields(cls)}
        unknown = sorted(set(settings) - known)
        if unknown:
            raise ValueError(f"Unknown search setting(s) {', '.join(map(repr, unknown))}; known: {', '.join(known)}.")
        return cls(**settings)

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def run(settings: SearchSettings | dict[str, Any]) -> dict[str, Any] | None:
    """Runs (or resumes) the search of `settings` (`SearchSettings`, or their dict); returns the leaderboard.

    Workers of a distributed search return None; the chief and a single
    process write the leaderboard and the best model.
    """
    from tuning.loss_choice import validate_losses
    from zoo.sweeps import lock

    settings = _task_dataset(SearchSettings.of(settings))
    role = distributed.configure(settings.tuner_id, settings.oracle_ip, settings.oracle_port)
    # Bad names fail before anything runs (the data give the class counts, and the task of data that do not
    # name it: `_for_task` resolves the names and groups, "all", once the data are loaded).
    from zoo.data import task_sources

    validate_losses(
        list(settings.losses), with_counts=True, task=task_sources.named_task(settings.dataset, settings.task)
    )
    if role != "single":  # The chief hands each trial to one worker: no lock.
        with distributed.quiet_keras_tuner(role):
            return _search(settings, role)
    lock.acquire(settings.out)  # One single-process search per directory (LockedError names the holder).
    try:
        return _search(settings, role)
    finally:
        lock.release(settings.out)


def _callbacks(settings: SearchSettings) -> list:
    """keras-tuner's own TensorBoard support with `--tensorboard`: per trial logs and HParams under OUT/tb."""
    if not settings.tensorboard:
        return []
    import keras

    from zoo.sweeps import tensorboard

    return [keras.callbacks.TensorBoard(log_dir=os.path.join(settings.out, tensorboard.LOG_DIR))]


def _task_dataset(settings: SearchSettings) -> SearchSettings:
    """`settings` whose default dataset is replaced by the task's embedded one (`--task=dense`: `shapes`), as
    `zoo.compare --task=...` does (the default, single-label digits, never holds a multi-label or dense task)."""
    from zoo.common import tasks

    if settings.task is not None:
        tasks.check_task(settings.task)
    if settings.dataset == SearchSettings.dataset and settings.task in tasks.TASK_DEFAULTS:
        return dataclasses.replace(settings, dataset=tasks.TASK_DEFAULTS[settings.task])
    return settings


def _for_task(settings: SearchSettings, data) -> SearchSettings:
    """`settings` with the data's task and void label, the task's losses (names and groups resolved), its
    default models (`unet` for a dense task) and objective (its headline metric, `tuning.objective`)."""
    from tuning import objective
    from tuning.hypermodel import default_family
    from tuning.loss_choice import validate_losses

    task = data.task
    models = list(settings.models)
    if not models and not settings.model:
        models = [default_family(task)]
    return dataclasses.replace(
        settings,
        task=task,
        ignore_class=data.ignore_class,
        losses=list(validate_losses(list(settings.losses), with_counts=True, task=task)),
        models=models,
        objective=settings.objective or objective.default_objective(task),
    )


def _search(settings: SearchSettings, role: str) -> dict[str, Any] | None:
    """Load, build the tuner, run the trials, finish (the chief and a single process); a worker returns None."""
    data = _load_data(settings)
    settings = _for_task(settings, data)
    hypermodel, tuner = _build_tuner(settings, data)
    if role == "worker":
        _run_worker(tuner, data, settings)
        return None
    _run_trials(tuner, data, settings, show=settings.progress and role in ("single", "chief"))
    return _finish(tuner, hypermodel, data, settings)


def _load_data(settings: SearchSettings):
    """The threads TensorFlow may use, and the data under the search's condition (`tuning.conditions`), read
    as `zoo.compare_losses` reads them (`zoo.data.user_data.as_data`): the task given or the data's, whose
    inference is said in one line on stderr, as the comparison says it."""
    if settings.threads:
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(settings.threads)
        tf.config.threading.set_inter_op_parallelism_threads(settings.threads)
    from zoo.data import user_data

    config = settings.as_dict()
    data = user_data.as_data(
        settings.dataset,
        batch_size=settings.batch_size,
        seed=settings.seed,
        task=settings.task,
        ignore_class=settings.ignore_class,
        **conditions.load_options(config),
    )
    if data.info.get("task_message"):
        print(data.info["task_message"], file=sys.stderr)
    return data


def _build_tuner(settings: SearchSettings, data) -> tuple:
    """The hypermodel (the losses, and the zoo's families or the user's `build(hp)`) and its tuner, after
    checking that `settings.out` holds no other search (`tuning.spec`)."""
    import keras

    from tuning.hypermodel import LossHyperModel

    if settings.model:  # The user's build(hp): the zoo's model flags do not apply.
        from zoo.common.callables import load_callable

        model_options = {"build_model": load_callable(settings.model)}
    else:
        model_options = dict(
            models=settings.models, depth=settings.depths, width=settings.widths or None, dropout=settings.dropouts
        )
    hypermodel = LossHyperModel(
        data=data,
        losses=settings.losses,
        **model_options,
        learning_rate=settings.learning_rates,
        objective_metric=settings.objective,
        tune_loss_parameters=settings.tune_loss_parameters,
    )  # The task and the void label are the data's.
    spec.check_spec(settings.out, spec.search_spec(settings.as_dict()))
    keras.utils.set_random_seed(settings.seed)
    tuner = tuners.make_tuner(
        settings.tuner,
        hypermodel,
        out=settings.out,
        max_trials=settings.max_trials,
        epochs=settings.epochs,
        seed=settings.seed,
        trial_timeout=settings.trial_timeout,
    )
    tuner.trial_log = os.path.join(settings.out, TRIALS_FILE)
    return hypermodel, tuner


def _run_worker(tuner, data, settings: SearchSettings) -> None:
    """A distributed worker's trials, one line each as it ends."""

    def report(record):
        print(
            f"[{record['tuner_id']}] trial {record['trial_id']} {record['status'].lower()} in "
            f"{record['elapsed_s']:.1f}s: {record['objective']}={record['score']}",
            flush=True,
        )

    tuner.on_trial_done = report
    tuner.search(
        data.train, validation_data=data.val, epochs=settings.epochs, verbose=0, callbacks=_callbacks(settings)
    )


def _run_trials(tuner, data, settings: SearchSettings, show: bool) -> None:
    """The trials of a single process or of the chief, with a progress bar (ETA, best score so far)."""
    bar = _progress(settings.max_trials, _finished(tuner.oracle), show)

    def advance(record=None):
        bar.n = _finished(tuner.oracle)
        best = tuner.oracle.get_best_trials(1)
        if best and best[0].score is not None:
            bar.set_postfix_str(f"best {tuner.oracle.objective.name}={best[0].score:.4f}", refresh=False)
        bar.refresh()

    tuner.on_trial_done, tuner.on_chief_poll = advance, advance
    tuner.search(
        data.train, validation_data=data.val, epochs=settings.epochs, verbose=0, callbacks=_callbacks(settings)
    )
    advance()
    bar.close()


def _finish(tuner, hypermodel, data, settings: SearchSettings) -> dict[str, Any]:
    """The leaderboard, the best configuration retrained (unless a resumed search kept the same winner), written."""
    out = settings.out
    board = leaderboard.build(tuner.oracle.trials.values(), tuner.oracle.objective)
    board["data_condition"] = conditions.spec_fields(settings.as_dict())
    board["task"] = settings.task
    if settings.ignore_class is not None:
        board["ignore_class"] = settings.ignore_class
    if not board["best_per_loss"]:
        raise RuntimeError("No trial completed; see the trial messages in " + os.path.join(out, tuners.PROJECT))
    if settings.retrain:
        previous = leaderboard.load(out) or {}
        kept = previous.get("best_model")
        seeds = list(settings.retrain_seeds) or [settings.seed]
        if (
            kept
            and kept["trial_id"] == board["best_per_loss"][0]["trial_id"]
            and kept.get("retrain_seeds", [settings.seed]) == list(seeds)
            and os.path.exists(os.path.join(out, "best.keras"))
        ):
            board["best_model"] = kept  # Resumed search, same winner: nothing to redo.
        else:
            board["best_model"] = retrain.retrain_best(
                tuner, hypermodel, data, out, epochs=settings.retrain_epochs, patience=settings.patience, seeds=seeds
            )
    leaderboard.write(board, out)
    return board
