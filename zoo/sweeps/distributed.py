"""Run a comparison sweep through keras-tuner's distributed mode (chief + workers over gRPC).

keras-tuner picks a process's role from three environment variables (the
`--tuner_id`, `--oracle_ip`, `--oracle_port` flags of `zoo.compare` set them):

    KERASTUNER_TUNER_ID     "chief" for the chief, a unique id per worker ("worker0", ...)
    KERASTUNER_ORACLE_IP    the address the chief listens on and the workers connect to
    KERASTUNER_ORACLE_PORT  its port

The chief holds a `SettingsOracle` whose only hyperparameter, `setting`, is an
index into `sweep.grid(config)`; it hands out each setting that still
has unfinished runs exactly once (failed trials are not retried). Every
worker asks for a trial, trains that setting's losses fused (`SweepTuner.run_trial`),
appends the records to `OUT/results-<tuner_id>.jsonl` and asks again, until
the oracle says stop. All processes must get the same sweep flags: the
trials carry a fingerprint of the grid, and a worker with a different grid
stops with an error. The report merges `OUT/results*.jsonl`. Start the chief
first, then the workers, e.g. on one machine:

    python -m zoo.compare --tuner_id=chief   --oracle_ip=127.0.0.1 --oracle_port=8470 &
    python -m zoo.compare --tuner_id=worker0 --oracle_ip=127.0.0.1 --oracle_port=8470 &
    python -m zoo.compare --tuner_id=worker1 --oracle_ip=127.0.0.1 --oracle_port=8470
"""

import hashlib
import ipaddress
import os
import socket
import time
from collections.abc import Callable, Sequence

import keras_tuner

from zoo.common import results
from zoo.sweeps import experiment, sweep

TUNER_ID, ORACLE_IP, ORACLE_PORT = "KERASTUNER_TUNER_ID", "KERASTUNER_ORACLE_IP", "KERASTUNER_ORACLE_PORT"
HP_SETTING, HP_GRID = "setting", "grid"
OBJECTIVE = keras_tuner.Objective("mean_best_val_accuracy", direction="max")
IDLE_WAIT = 0.5  # Seconds a worker waits after an IDLE answer before asking again.


def configure(tuner_id: str | None = None, oracle_ip: str | None = None, oracle_port: int | None = None) -> str:
    """Sets the keras-tuner environment from the flags (None keeps the environment); returns the role.

    The role is "single" (not distributed), "chief" or "worker". Raises
    ValueError (one line) for an incomplete or malformed set-up.
    """
    given = {TUNER_ID: tuner_id, ORACLE_IP: oracle_ip, ORACLE_PORT: oracle_port}
    values = {
        name: str(value) if value not in (None, "") else os.environ.get(name, "") for name, value in given.items()
    }
    present = [name for name, value in values.items() if value]
    if not present:
        return "single"
    if len(present) < 3:
        flag_names = {TUNER_ID: "--tuner_id", ORACLE_IP: "--oracle_ip", ORACLE_PORT: "--oracle_port"}
        missing = ", ".join(flag_names[name] for name in values if name not in present)
        missing_env = ", ".join(name for name in values if name not in present)
        raise ValueError(
            f"Distributed mode needs --tuner_id, --oracle_ip and --oracle_port together; "
            f"missing {missing} (or {missing_env})."
        )
    port = values[ORACLE_PORT]
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"--oracle_port must be an integer in 1..65535, got {port!r}.")
    try:
        ipaddress.ip_address(values[ORACLE_IP])
    except ValueError:
        if not values[ORACLE_IP].replace("-", "").replace(".", "").isalnum():
            raise ValueError(f"--oracle_ip must be an IP address or host name, got {values[ORACLE_IP]!r}.") from None
    os.environ.update(values)
    return role()


def free_port() -> int:
    """A TCP port that is free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def role() -> str:
    """ "chief", "worker" or "single", from the environment (as keras-tuner decides it)."""
    if not os.environ.get(ORACLE_IP):
        return "single"
    return "chief" if "chief" in os.environ.get(TUNER_ID, "") else "worker"


def fingerprint(settings: Sequence[sweep.Setting], losses: Sequence[str]) -> str:
    """A short hash of the grid and the losses: all processes of one sweep must agree on it."""
    text = "\n".join(sweep.run_key(setting, loss) for setting in settings for loss in losses)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def search_space(settings: Sequence[sweep.Setting], grid_id: str) -> keras_tuner.HyperParameters:
    """The hyperparameters of a sweep: the setting index and the grid's fingerprint."""
    hp = keras_tuner.HyperParameters()
    hp.Int(HP_SETTING, 0, max(len(settings) - 1, 0))
    hp.Fixed(HP_GRID, grid_id)
    return hp


def wait_if_idle(trial, seconds: float = IDLE_WAIT):
    """Returns `trial` after waiting `seconds` if it is IDLE (call it outside the oracle's lock).

    A keras-tuner worker told IDLE asks again at once; the chief's oracle
    makes it wait a little instead, so idle workers do not spin.
    """
    if trial.status == keras_tuner.engine.trial.TrialStatus.IDLE:
        time.sleep(seconds)
    return trial


class SettingsOracle(keras_tuner.Oracle):
    """Hands out the indices in `pending`, each once, in order, then stops.

    Built on keras-tuner's `Oracle` (trial bookkeeping, the gRPC service, the
    stop protocol); only `populate_space` is new.
    """

    def __init__(self, pending: Sequence[int], hyperparameters: keras_tuner.HyperParameters):
        super().__init__(
            objective=OBJECTIVE,
            max_trials=max(len(pending), 1),
            hyperparameters=hyperparameters,
            allow_new_entries=False,
            tune_new_entries=False,
            max_consecutive_failed_trials=10**6,
        )
        self.pending = list(pending)

    def populate_space(self, trial_id):
        issued = len(self.trials)
        if issued < len(self.pending):
            values = {HP_SETTING: self.pending[issued], HP_GRID: self.hyperparameters.get(HP_GRID)}
            return {"status": keras_tuner.engine.trial.TrialStatus.RUNNING, "values": values}
        return {"status": keras_tuner.engine.trial.TrialStatus.STOPPED, "values": None}


class SweepTuner(keras_tuner.Tuner):
    """A tuner whose trial is one setting of the sweep, all its pending losses trained together."""

    def __init__(
        self,
        runner: experiment.Runner,
        settings: Sequence[sweep.Setting],
        grid_id: str,
        progress: bool = True,
        **kwargs,
    ):
        self.runner, self.settings, self.grid_id, self.progress = runner, list(settings), grid_id, progress
        super().__init__(**kwargs)
        self.trials_run = 0
        create = self.oracle.create_trial

        def create_trial(tuner_id):
            return wait_if_idle(create(tuner_id))

        self.oracle.create_trial = create_trial

    def run_trial(self, trial, *args, **kwargs):
        """Trains setting `trial.hyperparameters["setting"]`; returns its mean best validation accuracy."""
        from tqdm.auto import tqdm

        if trial.hyperparameters.get(HP_GRID) != self.grid_id:
            raise keras_tuner.errors.FatalError(
                f"This worker's sweep (grid {self.grid_id}) differs from the chief's "
                f"({trial.hyperparameters.get(HP_GRID)}): start every process with the same sweep flags."
            )
        index = trial.hyperparameters.get(HP_SETTING)
        setting = self.settings[index]
        losses = self.runner.pending(setting)
        with tqdm(
            total=setting.epochs * len(losses),
            unit="run-epoch",
            disable=not self.progress,
            dynamic_ncols=True,
            desc=f"{self.runner.worker}: setting {index + 1}/{len(self.settings)}",
        ) as bar:
            self.runner.run_setting(setting, losses, on_epoch=bar.update)
        self.trials_run += 1
        keys = {sweep.run_key(setting, loss) for loss in self.runner.config.losses}
        values = [
            r["best_val_accuracy"]
            for r in results.read_all(self.runner.out_dir)
            if r["key"] in keys and r.get("best_val_accuracy") is not None
        ]
        return {OBJECTIVE.name: float(sum(values) / len(values)) if values else 0.0}


def _pending(config: sweep.SweepConfig, out_dir: str) -> list[list[str]]:
    """The losses without a record in `out_dir`, per setting of `config` (in grid order)."""
    runner = experiment.Runner(config, out_dir)
    done = results.done_keys(out_dir)
    return [runner.pending(setting, done) for setting in sweep.grid(config)]


def pending_settings(config: sweep.SweepConfig, out_dir: str) -> list[int]:
    """Indices of the settings of `config` with at least one unfinished run."""
    return [i for i, losses in enumerate(_pending(config, out_dir)) if losses]


def unfinished_runs(config: sweep.SweepConfig, out_dir: str) -> int:
    """How many runs of `config` have no record in `out_dir` (after a sweep: those of failed trials)."""
    return sum(len(losses) for losses in _pending(config, out_dir))


def make_tuner(config: sweep.SweepConfig, out_dir: str, progress: bool = True) -> SweepTuner:
    """This process's tuner (chief or worker, from the environment)."""
    settings = sweep.grid(config)
    grid_id = fingerprint(settings, config.losses)
    tuner_id = os.environ.get(TUNER_ID, "tuner0")
    pending = pending_settings(config, out_dir) if role() == "chief" else []
    oracle = SettingsOracle(pending, search_space(settings, grid_id))
    runner = experiment.Runner(config, out_dir, results.worker_file(tuner_id), worker=tuner_id)
    return SweepTuner(
        runner,
        settings,
        grid_id,
        progress,
        oracle=oracle,
        overwrite=True,
        directory=os.path.join(out_dir, "keras_tuner", tuner_id),
        project_name=f"sweep_{grid_id}",
    )


def serve(
    oracle: keras_tuner.Oracle, poll: float = 0.5, on_poll: Callable[[], None] | None = None, grace: float = 1.0
) -> None:
    """The chief: serves `oracle` over gRPC until every worker was told to stop and no trial runs.

    Replaces keras-tuner's chief loop, which polls every 20 s once stopping:
    this one polls every `poll` seconds and calls `on_poll` (progress, trial
    expiry) each time.
    """
    from concurrent import futures

    import grpc

    from zoo.common import keras_tuner_compat

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=1))
    servicer = keras_tuner_compat.add_oracle_service(oracle, server)
    address = f"{os.environ[ORACLE_IP]}:{os.environ[ORACLE_PORT]}"
    try:
        bound = server.add_insecure_port(address)
    except RuntimeError:
        bound = 0
    if not bound:
        raise ValueError(f"The chief cannot listen on {address} (port in use?).")
    server.start()
    try:
        while True:
            if on_poll is not None:
                on_poll()
            if keras_tuner_compat.chief_may_exit(oracle, servicer):
                break
            time.sleep(poll)
    finally:
        server.stop(grace)


def run(config: sweep.SweepConfig, out_dir: str, progress: bool = True) -> int:
    """Runs this process's part of a distributed sweep; returns the trials it trained (0 for the chief).

    A trial that fails on a worker is not retried (its traceback is in that worker's log): the chief
    counts the runs left over with `unfinished_runs` once the sweep is done.
    """
    tuner = make_tuner(config, out_dir, progress)
    if role() == "chief":
        tuner.save()
        serve(tuner.oracle)
        return 0
    tuner.search()
    return tuner.trials_run
