"""keras-tuner's private APIs, all in one place, checked against the keras-tuner versions below.

Everything else uses keras-tuner's public names (`keras_tuner.Oracle`,
`keras_tuner.oracles`, `keras_tuner.synchronized`, `keras_tuner.engine.trial`,
...). What has no public equivalent in keras-tuner 1.4:

- the chief's gRPC service (`keras_tuner.src.protos`,
  `keras_tuner.src.distribute.oracle_chief`): `zoo.sweeps.distributed.serve` runs it
  with its own loop, because keras-tuner's polls every 20 s once stopping;
- an oracle's retry queue and its save of one trial (`Oracle._retry_queue`,
  `Oracle._save_trial`) and, in tests, `Oracle._set_project_dir`: trials of
  dead workers expire and are requeued (`tuning.distributed`);
- the module of conditional hyperparameters (`keras_tuner.src.engine.conditions`),
  whose `Parent.to_proto` prints a value each time it is called in 1.4.8, i.e.
  on every gRPC call of a distributed search with conditional hyperparameters:
  `quiet_condition_prints()` silences it while a distributed search runs.

Outside the tested range importing this module warns in one line; a private
name that is gone raises `IncompatibleKerasTunerError` naming it and the
tested range (`tests/zoo/test_keras_tuner_compat.py` checks every one).
"""

import contextlib
import importlib
import threading
import warnings

import keras_tuner

TESTED_KERAS_TUNER = ((1, 4, 8), (1, 5))  # [min, max) of major.minor.patch; setup.cfg pins the same

# Every private name used here, as (module, attribute); the test checks that each exists.
PRIVATE_NAMES = (
    ("keras_tuner.src.protos", "get_service_grpc"),
    ("keras_tuner.src.distribute.oracle_chief", "OracleServicer"),
    ("keras_tuner.src.distribute.oracle_chief", "exit_chief"),
    ("keras_tuner.src.engine.conditions", "Parent"),
)
# Private (and undocumented) oracle state, by attribute name: checked on a fresh oracle by the test.
ORACLE_ATTRIBUTES = ("_retry_queue", "_save_trial", "_set_project_dir", "ongoing_trials", "tuner_ids", "end_order")


class IncompatibleKerasTunerError(ImportError):
    """keras-tuner no longer has a private name this project relies on."""


def keras_tuner_version():
    return tuple(int(part) for part in keras_tuner.__version__.split(".")[:3] if part.isdigit())


def is_tested_keras_tuner():
    lo, hi = TESTED_KERAS_TUNER
    return lo <= keras_tuner_version() < hi


def _tested_range():
    lo, hi = (".".join(map(str, bound)) for bound in TESTED_KERAS_TUNER)
    return f">={lo},<{hi}"


def private(module, attribute):
    """`module.attribute` of keras-tuner's private API, or `IncompatibleKerasTunerError` naming it."""
    try:
        return getattr(importlib.import_module(module), attribute)
    except (ImportError, AttributeError):
        raise IncompatibleKerasTunerError(
            f"keras-tuner {keras_tuner.__version__} has no {module}.{attribute}, which distributed search "
            f"relies on; tested keras-tuner range: {_tested_range()}."
        ) from None


def warn_if_untested():
    """One warning line when the installed keras-tuner is outside `TESTED_KERAS_TUNER` (run at import)."""
    if not is_tested_keras_tuner():
        warnings.warn(
            f"zoo's distributed runs are tested with keras-tuner {_tested_range()}; keras-tuner "
            f"{keras_tuner.__version__} is installed: its private APIs are checked as they are used.",
            stacklevel=2,
        )


warn_if_untested()


# ---------------------------------------------------------------- the chief's gRPC service


def add_oracle_service(oracle, server):
    """Serves `oracle` on the gRPC `server` as keras-tuner's chief does; returns the servicer."""
    servicer = private("keras_tuner.src.distribute.oracle_chief", "OracleServicer")(oracle)
    private("keras_tuner.src.protos", "get_service_grpc")().add_OracleServicer_to_server(servicer, server)
    return servicer


def chief_may_exit(oracle, servicer):
    """Whether a worker was told to stop and keras-tuner's chief would now exit (no trial running)."""
    return bool(servicer.stop_triggered) and private("keras_tuner.src.distribute.oracle_chief", "exit_chief")(oracle)


# ---------------------------------------------------------------- an oracle's private state


def retry_queue(oracle):
    """The oracle's list of trial ids to hand out again (mutable: append to requeue)."""
    return oracle._retry_queue


def save_trial(oracle, trial):
    """Writes one trial of `oracle` to its project directory."""
    oracle._save_trial(trial)


def set_project_dir(oracle, directory, project_name):
    """Gives a stand-alone oracle (one without a tuner) its project directory."""
    oracle._set_project_dir(directory, project_name)


# ---------------------------------------------------------------- keras-tuner 1.4.8's stray print

_quiet_lock = threading.Lock()
_quiet_users = 0
_MISSING = object()
_saved_print = _MISSING


def _no_print(*args, **kwargs):
    pass


@contextlib.contextmanager
def quiet_condition_prints():
    """While active, `print` in keras-tuner's conditions module does nothing (elsewhere it is untouched).

    keras-tuner 1.4.8's `Parent.to_proto` prints a value on every call. The
    module's `print` is shadowed only while at least one block is active
    (blocks may nest or overlap across threads) and restored when the last ends.
    """
    global _quiet_users, _saved_print
    conditions = importlib.import_module(private("keras_tuner.src.engine.conditions", "Parent").__module__)
    with _quiet_lock:
        if _quiet_users == 0:
            _saved_print = conditions.__dict__.get("print", _MISSING)
            conditions.print = _no_print
        _quiet_users += 1
    try:
        yield
    finally:
        with _quiet_lock:
            _quiet_users -= 1
            if _quiet_users == 0:
                if _saved_print is _MISSING:
                    del conditions.print
                else:
                    conditions.print = _saved_print
