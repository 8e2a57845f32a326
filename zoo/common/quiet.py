"""Quiet command lines: the project's own output first, TensorFlow's start-up chatter gone.

TensorFlow 2.21 prints its C++ start-up lines (oneDNN, CUDA not found,
cuInit) through absl before `TF_CPP_MIN_LOG_LEVEL` takes effect, and TFDS
prints download progress and urllib3 retry warnings while it finds out that
it is offline. Our CLIs call `configure()` before anything imports
TensorFlow: unless the user passed `--verbose`, TensorFlow is imported and
its devices set up with file descriptor 2 pointed at /dev/null, and
Python-side absl/TensorFlow/urllib3 logging is limited to errors. The C++ log
level for what comes after start-up is the user's own `TF_CPP_MIN_LOG_LEVEL`
when set (a common habit to quiet TensorFlow: it is honoured, not read as a
wish for the start-up lines), else 2 (errors). Only `--verbose` shows the
start-up lines. Exceptions are unaffected: they are raised after stderr is
restored.
"""

import contextlib
import logging
import os
import sys
from collections.abc import Iterator, Sequence

from zoo.common import runtime_log_filter

NOISY_LOGGERS = ("absl", "tensorflow", "urllib3", "h5py", "tensorflow_datasets")
VERBOSE_FLAGS = ("--verbose", "--verbose=true", "--verbose=True", "--verbose=1")


def wants_verbose(argv: Sequence[str] | None = None) -> bool:
    """Whether `--verbose` is on the command line (read before the flags are parsed)."""
    return any(arg in VERBOSE_FLAGS for arg in (sys.argv if argv is None else argv)[1:])


@contextlib.contextmanager
def stderr_silenced() -> Iterator[None]:
    """Points file descriptor 2 (C++ and Python stderr alike) at /dev/null for the block."""
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def quiet_python_logging() -> None:
    """absl, TensorFlow, urllib3 and TFDS log errors only."""
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.ERROR)
    try:
        from absl import logging as absl_logging

        absl_logging.set_verbosity(absl_logging.ERROR)
    except ImportError:
        pass


def configure(argv: Sequence[str] | None = None) -> bool:
    """Silences TensorFlow's start-up unless `--verbose`; returns verbose.

    A user-set `TF_CPP_MIN_LOG_LEVEL` is kept as it is. Call it first thing in
    a CLI module, before TensorFlow is imported.
    """
    if wants_verbose(argv):
        return True
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # Errors and above, for what comes after start-up.
    with stderr_silenced():
        try:
            import tensorflow as tf

            # Device discovery (cuInit) happens here, still silenced; physical devices only, so the
            # runtime stays uninitialised and commands may still set its threads (tuning.search --threads).
            tf.config.list_physical_devices()
        except ImportError:
            pass  # Reported where the CLI imports it, with stderr back.
    quiet_python_logging()
    runtime_log_filter.install()  # TensorFlow's runtime lines while training (oneDNN, tf.data) kept off too.
    return False
