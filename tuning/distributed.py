"""Distributed search on one machine or many: chief/worker set-up and dead-worker handling.

keras-tuner's own distributed mode runs one *chief* that holds the oracle
(a gRPC server) and any number of *workers* that ask it for trials, train
them, and report back. The role comes from three environment variables:

    KERASTUNER_TUNER_ID     "chief" for the chief, a unique id per worker ("tuner0", ...)
    KERASTUNER_ORACLE_IP    address the chief listens on / workers connect to
    KERASTUNER_ORACLE_PORT  its port

`configure()` sets them from flags and validates them (`zoo.sweeps.distributed`);
`quiet_keras_tuner()` is the span of a distributed search (keras-tuner 1.4.8 prints
conditional hyperparameters' values on every gRPC call; silenced only
inside it, see `zoo.common.keras_tuner_compat`). Plain keras-tuner's
chief waits for every trial handed out, so a worker that dies mid-trial
would keep the chief waiting forever (its trial stays in
`oracle.ongoing_trials` and its id in `oracle.tuner_ids`). `expiring()`
makes an oracle class whose trials expire after `trial_timeout` seconds
without news: an expired trial goes back to the retry queue for a living
worker (at most `max_requeues` times, then it is marked FAILED), and workers
that ask for a trial while others are still running the last ones wait
(IDLE) instead of stopping, so they can pick up expired trials. `serve()`
replaces keras-tuner's chief loop: it expires trials every `poll` seconds,
shows progress, and returns as soon as the search is over.
"""

import contextlib
import time
from collections.abc import Callable

from keras_tuner import synchronized
from keras_tuner.engine import trial as trial_module

from zoo.common import keras_tuner_compat
from zoo.sweeps import distributed as zoo_distributed
from zoo.sweeps.distributed import ORACLE_IP, ORACLE_PORT, TUNER_ID, configure, free_port, role  # noqa: F401 (shared)

Status = trial_module.TrialStatus


def quiet_keras_tuner(process_role: str):
    """The span of this process's part of a search as `process_role` (`configure()`'s answer).

    Distributed (chief or worker), keras-tuner's stray prints of conditional
    hyperparameters are silenced inside it, and only there.
    """
    return keras_tuner_compat.quiet_condition_prints() if process_role != "single" else contextlib.nullcontext()


class ExpiringOracleMixin:
    """Oracle mixin: trials of silent workers expire; workers wait for the last trials.

    Set `trial_timeout` (seconds, None: never expire), `max_requeues`,
    `idle_wait` (seconds a worker waits between IDLE answers) and `clock`
    after construction (`expiring()` gives defaults).
    """

    trial_timeout: float | None = None
    max_requeues: int = 1
    idle_wait: float = 0.5
    clock: Callable[[], float] = time.monotonic

    def _expiry_state(self):
        if not hasattr(self, "_last_news"):
            self._last_news, self._requeues, self.expired = {}, {}, []
        return self._last_news

    @synchronized
    def expire_stale_trials(self):
        """Expires the ongoing trials without news for `trial_timeout` seconds; returns their ids."""
        last_news = self._expiry_state()
        if self.trial_timeout is None:
            return []
        now, expired = self.clock(), []
        for worker, trial in list(self.ongoing_trials.items()):
            if now - last_news.setdefault(trial.trial_id, now) <= self.trial_timeout:
                continue
            self.ongoing_trials.pop(worker)
            self.tuner_ids.discard(worker)
            requeues = self._requeues.get(trial.trial_id, 0)
            if requeues < self.max_requeues:
                self._requeues[trial.trial_id] = requeues + 1
                trial.status = Status.INVALID
                trial.message = f"Expired: worker {worker} sent no news for {self.trial_timeout:g} s; requeued."
                keras_tuner_compat.retry_queue(self).append(trial.trial_id)
            else:
                trial.status = Status.FAILED
                trial.message = f"Expired: worker {worker} sent no news for {self.trial_timeout:g} s; failed."
                self.end_order.append(trial.trial_id)
            self.expired.append(trial.trial_id)
            expired.append(trial.trial_id)
            keras_tuner_compat.save_trial(self, trial)
        if expired:
            self.save()
        return expired

    def _draining(self, worker) -> bool:
        """All trials are handed out, none waits for retry, but other workers still run some."""
        return bool(
            self.max_trials
            and len(self.trials) >= self.max_trials
            and not keras_tuner_compat.retry_queue(self)
            and any(other != worker for other in self.ongoing_trials)
        )

    @synchronized
    def _create_trial_now(self, tuner_id):
        self.expire_stale_trials()
        if tuner_id not in self.ongoing_trials and self._draining(tuner_id):
            self.tuner_ids.add(tuner_id)
            return trial_module.Trial(self.get_space(), status=Status.IDLE)
        trial = super().create_trial(tuner_id)
        if trial.status == Status.RUNNING:
            self._expiry_state()[trial.trial_id] = self.clock()
        return trial

    def create_trial(self, tuner_id):
        return zoo_distributed.wait_if_idle(self._create_trial_now(tuner_id), self.idle_wait)

    @synchronized
    def update_trial(self, trial_id, metrics, step=0):
        trial = self.trials[trial_id]
        if trial.status != Status.RUNNING and trial_id not in keras_tuner_compat.retry_queue(self):
            return trial  # A late report of an expired trial that has finished (or failed) since.
        self._expiry_state()[trial_id] = self.clock()
        return super().update_trial(trial_id, metrics, step=step)

    @synchronized
    def end_trial(self, trial):
        self._expiry_state()
        retry_queue = keras_tuner_compat.retry_queue(self)
        if trial.trial_id in retry_queue:
            # The expired trial's worker came back before anyone reran it: keep its result.
            retry_queue.remove(trial.trial_id)
        elif trial.trial_id in self.expired and not any(
            t.trial_id == trial.trial_id for t in self.ongoing_trials.values()
        ):
            return None  # A late report of a trial already finished, failed or rerun.
        return super().end_trial(trial)


def expiring(oracle_class, trial_timeout: float | None = None, max_requeues: int = 1, idle_wait: float = 0.5):
    """Returns a subclass of `oracle_class` with `ExpiringOracleMixin` and these defaults."""
    return type(
        f"Expiring{oracle_class.__name__}",
        (ExpiringOracleMixin, oracle_class),
        {
            "trial_timeout": trial_timeout,
            "max_requeues": max_requeues,
            "idle_wait": idle_wait,
        },
    )


def serve(oracle, poll: float = 0.5, on_poll: Callable[[], None] | None = None, grace: float = 5.0) -> None:
    """The chief loop of `zoo.sweeps.distributed.serve`, expiring stale trials every `poll` seconds.

    Returns once a worker was told to stop and no trial is running or
    queued, so a dead worker cannot keep the chief forever when
    `trial_timeout` is set.
    """

    def poll_once():
        if hasattr(oracle, "expire_stale_trials"):
            oracle.expire_stale_trials()
        if on_poll is not None:
            on_poll()

    zoo_distributed.serve(oracle, poll=poll, on_poll=poll_once, grace=grace)
