"""The committed `results/` folders re-render byte for byte: stored records keep loading, to the same
conditions, tables and verdicts (the PNG plots are drawn again, not compared)."""

import pathlib
import shutil

import pytest

from tests.paths import REPO as ROOT
from zoo import report

REPO = pathlib.Path(ROOT)
FOLDERS = sorted(path.parent.name for path in (REPO / "results").glob("*/results.jsonl"))
BOARDS = sorted(path.parent.name for path in (REPO / "results").glob("*/leaderboard.json"))


def test_there_are_committed_results():
    assert len(FOLDERS) >= 10 and len(BOARDS) >= 4


@pytest.mark.parametrize("folder", FOLDERS)
def test_a_committed_report_re_renders_byte_identical(folder, tmp_path):
    shutil.copy(REPO / "results" / folder / "results.jsonl", tmp_path / "results.jsonl")
    path = report.render(str(tmp_path))
    with open(path, "rb") as again, open(REPO / "results" / folder / "report.md", "rb") as committed:
        assert again.read() == committed.read()


@pytest.mark.parametrize("folder", BOARDS)
def test_a_committed_leaderboard_re_renders_byte_identical(folder):
    from tuning import leaderboard

    board = leaderboard.load(str(REPO / "results" / folder))
    committed = (REPO / "results" / folder / "leaderboard.md").read_bytes()
    assert leaderboard.markdown(board).encode("utf-8") == committed
