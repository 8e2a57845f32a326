"""The keras-tuner tuners of a search: one oracle per algorithm, with trial records and the chief's loop.

`make_tuner` builds the tuner of `--tuner` (random search, Bayesian
optimization or Hyperband) over a hypermodel, as a keras-tuner project named
`PROJECT` in the output directory, so that a rerun resumes it; its oracle ranks
trials on the hypermodel's fixed objective and expires the trials of silent
workers (`tuning.distributed.expiring`). Every tuner has the trial hooks: each
finished trial is appended to the trial log as a record and reported to the
search loop's callbacks, and in a distributed search the chief serves the
oracle instead of training.
"""

import time

from tuning import distributed, leaderboard
from zoo.common import results

TUNERS = ("random", "bayesian", "hyperband")
PROJECT = "tuner"


class _TrialHooks:
    """Tuner mixin: trial records (`trials.jsonl`), progress callbacks, chief loop."""

    trial_log: str | None = None
    on_trial_done = None
    on_chief_poll = None

    def run_trial(self, trial, *args, **kwargs):
        self._started = time.time()
        return super().run_trial(trial, *args, **kwargs)

    def on_trial_end(self, trial):
        super().on_trial_end(trial)
        record = leaderboard.trial_record(self.oracle.get_trial(trial.trial_id), self.oracle.objective)
        record.update(
            tuner_id=self.tuner_id,
            elapsed_s=round(time.time() - getattr(self, "_started", time.time()), 2),
            time=time.time(),
        )
        if self.trial_log:
            results.append(self.trial_log, [record])  # flushed and fsynced, like the sweep's records
        if self.on_trial_done is not None:
            self.on_trial_done(record)

    def search(self, *args, **kwargs):
        if distributed.role() == "chief":
            self.oracle.verbose = 0
            self.save()
            distributed.serve(self.oracle, on_poll=self.on_chief_poll)
            return
        super().search(*args, **kwargs)


def _tuner_classes():
    import keras_tuner

    class LossTuner(_TrialHooks, keras_tuner.Tuner):
        """A keras-tuner Tuner for any oracle, with the trial hooks."""

    class LossHyperband(_TrialHooks, keras_tuner.Hyperband):
        """keras-tuner's Hyperband tuner (epoch budget, warm starts) around a given oracle."""

        def __init__(self, oracle, hypermodel, **kwargs):
            keras_tuner.Tuner.__init__(self, oracle=oracle, hypermodel=hypermodel, **kwargs)

    return LossTuner, LossHyperband


def make_tuner(
    kind: str,
    hypermodel,
    *,
    out: str,
    max_trials: int,
    epochs: int,
    seed: int = 0,
    trial_timeout: float | None = None,
):
    """The keras-tuner tuner `kind` (random, bayesian, hyperband) over `hypermodel`, resuming `out`.

    Its oracle ranks on `hypermodel.objective` and expires trials silent for
    `trial_timeout` seconds (distributed search, `tuning.distributed`).
    """
    from keras_tuner import oracles

    if kind not in TUNERS:
        raise ValueError(f"Unknown tuner {kind!r}; choose one of {', '.join(TUNERS)}.")
    base = {
        "random": oracles.RandomSearchOracle,
        "bayesian": oracles.BayesianOptimizationOracle,
        "hyperband": oracles.HyperbandOracle,
    }[kind]
    oracle_class = distributed.expiring(base, trial_timeout=trial_timeout or None)
    common = dict(objective=hypermodel.objective, seed=seed + 1)
    if kind == "hyperband":
        oracle = oracle_class(max_epochs=max(epochs, 2), factor=3, **common)
        oracle.max_trials = max_trials  # Also cap Hyperband by the trial budget.
    else:
        oracle = oracle_class(max_trials=max_trials, **common)
    tuner_class, hyperband_class = _tuner_classes()
    tuner_class = hyperband_class if kind == "hyperband" else tuner_class
    return tuner_class(oracle=oracle, hypermodel=hypermodel, directory=out, project_name=PROJECT, overwrite=False)
