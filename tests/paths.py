"""Where the repository is, for tests that start commands in a subprocess (as its working directory)."""

import os

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
