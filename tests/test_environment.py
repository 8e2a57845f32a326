"""The suite's own hygiene: what a test sets in the environment is undone when it ends."""

import os

from tests.environment import restored_environment

VARIABLE = (
    "KERASTUNER_TUNER_ID"  # What zoo.sweeps.distributed.configure sets; leaked, it turns subprocesses into workers.
)


def test_variables_set_or_changed_inside_are_undone(monkeypatch):
    monkeypatch.delenv(VARIABLE, raising=False)
    monkeypatch.setenv("KERAS_LOSSES_PROBE", "before")
    with restored_environment():
        os.environ[VARIABLE] = "worker0"
        os.environ["KERAS_LOSSES_PROBE"] = "changed"
        del os.environ["KERAS_BACKEND"]
    assert VARIABLE not in os.environ
    assert os.environ["KERAS_LOSSES_PROBE"] == "before" and "KERAS_BACKEND" in os.environ
