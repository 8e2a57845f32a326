"""Fixtures of the search tests."""

import pytest


@pytest.fixture
def main_in_process(capsys):
    """Runs `tuning.search.main` with flags in this process; returns (exit code, stderr)."""
    from tuning import search

    def run(*args):
        search.FLAGS.unparse_flags()
        search.FLAGS(["tuning.search", *args])
        code = search.main([])
        return code, capsys.readouterr().err

    yield run
    search.FLAGS.unparse_flags()
