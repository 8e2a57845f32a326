"""Shared test set-up: quiet TensorFlow, the Keras backend, fixed seeds.

The backend comes from `KERAS_BACKEND` (TensorFlow when unset), e.g.

    KERAS_BACKEND=jax .venv/bin/python -m pytest tests/keras_losses

`tests/keras_losses` (and the fixture-compatibility test) run on every
backend; `zoo` and `tuning` are TensorFlow-based, so their tests are not
collected on another backend. A test that needs particular backends says so
with `@pytest.mark.backends("tensorflow", ...)` and is skipped elsewhere.
"""

import os
import random
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
BACKEND = os.environ["KERAS_BACKEND"]

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from tests.environment import restored_environment  # noqa: E402

# TensorFlow-only test trees (paths relative to this file).
collect_ignore = [] if BACKEND == "tensorflow" else ["zoo", "tuning"]


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "backends(*names): run only on these Keras backends (skipped on the others)",
    )


def pytest_collection_modifyitems(config, items):
    for item in items:
        marker = item.get_closest_marker("backends")
        if marker is not None and BACKEND not in marker.args:
            item.add_marker(
                pytest.mark.skip(reason=f"needs the {' or '.join(marker.args)} backend; running on {BACKEND}")
            )


@pytest.fixture(autouse=True)
def _seeds():
    """Seeds Python, NumPy and (when loaded) Keras and its backend before every test."""
    random.seed(0)
    np.random.seed(0)
    if "keras" in sys.modules:
        sys.modules["keras"].utils.set_random_seed(0)


@pytest.fixture(autouse=True)
def _environment():
    """Restores the environment after every test.

    Some code under test sets variables on purpose (`zoo.sweeps.distributed.configure`
    sets keras-tuner's KERASTUNER_*); left set, they would make every later
    subprocess of the same pytest worker a distributed worker waiting for a chief.
    """
    with restored_environment():
        yield


@pytest.fixture
def processes():
    """A list to append started subprocesses to; all are killed at teardown."""
    started = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)
