"""zoo and tuning run on TensorFlow only (tf.data, TFDS, SavedModel): refuse any other Keras backend at once.

Without this check, `zoo` under `KERAS_BACKEND=jax` got far into a run before failing deep in
`tf.function` with several KB of dumped arrays. The backend is read the way Keras reads it
(`KERAS_BACKEND`, else `keras.json` under `KERAS_HOME` or `~/.keras`, else TensorFlow), without
importing Keras, so that `import zoo` stays cheap; once Keras is imported, its own answer counts.
"""

import json
import os
import sys

MESSAGE = "zoo needs KERAS_BACKEND=tensorflow; keras_losses itself runs on jax and torch"
EXIT_CODE = 2  # a command's usage error, as for a bad flag


class BackendError(ImportError):
    """zoo or tuning imported under a Keras backend other than TensorFlow."""


def _configured_backend():
    """The backend Keras will load, read as `keras/src/backend/config.py` reads it."""
    if os.environ.get("KERAS_BACKEND"):
        return os.environ["KERAS_BACKEND"]
    home = os.environ.get("KERAS_HOME")
    if not home:
        base = os.path.expanduser("~")
        home = os.path.join(base if os.access(base, os.W_OK) else "/tmp", ".keras")
    try:
        with open(os.path.join(home, "keras.json"), encoding="utf-8") as handle:
            return json.load(handle).get("backend", "tensorflow")
    except (OSError, ValueError, AttributeError):
        return "tensorflow"


def keras_backend():
    """The Keras backend of this process: Keras's own answer if it is imported, else its configuration."""
    backend = getattr(getattr(sys.modules.get("keras"), "backend", None), "backend", None)
    if callable(backend):
        try:
            return backend()
        except Exception:  # Keras half-imported (an import error of its own): read the configuration.
            pass
    return _configured_backend()


def require_tensorflow():
    """Raises `BackendError(MESSAGE)` off TensorFlow; as a command (`python -m zoo.compare`), prints it and exits 2.

    While `python -m package.module` imports the package, `sys.argv[0]` is `"-m"` (documented for `-m`):
    that is a command starting, which should end with the one line rather than a traceback.
    """
    if keras_backend() == "tensorflow":
        return
    if sys.argv and sys.argv[0] == "-m":
        print(MESSAGE, file=sys.stderr)
        raise SystemExit(EXIT_CODE)
    raise BackendError(MESSAGE)
