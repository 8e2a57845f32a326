"""`restored_environment()`: what a test sets in `os.environ` is undone when it ends (see conftest)."""

import contextlib
import os


@contextlib.contextmanager
def restored_environment():
    """Restores `os.environ` as it was on entry: set variables removed, changed ones put back."""
    saved = dict(os.environ)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)
