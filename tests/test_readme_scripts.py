"""The README's "Which loss for my model?" scripts run as printed (on tiny data, few epochs).

The documentation site's pages show the same scripts (docs/guide/comparing.md, docs/guide/tuning.md):
a test holds them equal, so that what runs here is what the site prints.
"""

import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Made tiny: fewer examples, epochs, seeds and trials; nothing else of the script changes.
TINY = [
    ("epochs=10", "epochs=1"),
    ("seeds=(0, 1, 2)", "seeds=(0, 1)"),
    ("max_trials=6", "max_trials=2"),
    ("y = digits.target", "y = digits.target\nx, y = x[:300], y[:300]"),
    (
        'x, y = (digits.images / 16.0).reshape(-1, 64).astype("float32"), digits.target',
        'x, y = (digits.images / 16.0).reshape(-1, 64).astype("float32")[:300], digits.target[:300]',
    ),
]


PAGES = {"which_loss": "docs/guide/comparing.md", "own_search": "docs/guide/tuning.md"}


def readme_script(name: str, path: str = "README.md") -> str:
    with open(os.path.join(ROOT, path), encoding="utf-8") as handle:
        text = handle.read()
    found = re.search(rf"<!-- script: {name} -->\n```python\n(.*?)```", text, re.S)
    assert found, f"{path} has no script {name!r}"
    return found.group(1)


def test_the_site_pages_show_the_readme_scripts():
    for name, page in PAGES.items():
        assert readme_script(name, page) == readme_script(name), f"{page}'s {name} differs from the README's"


def _run(script: str, cwd) -> subprocess.CompletedProcess:
    for old, new in TINY:
        script = script.replace(old, new)
    env = dict(os.environ, PYTHONPATH=ROOT, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="", MPLBACKEND="Agg")
    return subprocess.run([sys.executable, "-c", script], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def test_which_loss_script_runs(tmp_path):
    run = _run(readme_script("which_loss"), tmp_path)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "log_loss" in run.stdout and "my_cnn" in run.stdout  # The table and the best loss per condition.
    assert (tmp_path / "which_loss.png").stat().st_size > 0
    assert (tmp_path / "runs" / "which_loss" / "report.md").exists()


def test_own_search_script_runs(tmp_path):
    run = _run(readme_script("own_search"), tmp_path)
    assert run.returncode == 0, run.stderr[-3000:]
    assert (tmp_path / "best.keras").exists()
