"""The tutorial notebook, docs/tutorial.ipynb, is stored without outputs and runs top to bottom as printed."""

import json
import pathlib

import pytest

from tests.paths import REPO as ROOT

NOTEBOOK = pathlib.Path(ROOT) / "docs" / "tutorial.ipynb"
WIDGET = "application/vnd.jupyter.widget-view+json"


def _cells():
    return json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]


def test_stored_without_outputs():
    code = [cell for cell in _cells() if cell["cell_type"] == "code"]
    assert code and all(cell["outputs"] == [] and cell["execution_count"] is None for cell in code)


def _outputs(cell):
    return [
        output.get("data", {}) | {"text": output.get("text", ""), "name": output.get("name")} for output in cell.outputs
    ]


@pytest.mark.backends("tensorflow")
def test_notebook_runs_and_shows_tables_plots_and_widget_progress(tmp_path, monkeypatch):
    nbclient = pytest.importorskip("nbclient", reason="pip install keras-losses[notebook]")
    import nbformat

    monkeypatch.setenv("PYTHONPATH", str(ROOT))  # the kernel imports this checkout, from its own cwd
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "")
    monkeypatch.setenv("KERAS_BACKEND", "tensorflow")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbclient.NotebookClient(
        notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": tmp_path}}
    ).execute()

    by_source = {cell.source.strip(): _outputs(cell) for cell in notebook.cells if cell.cell_type == "code"}
    compare = next(outputs for source, outputs in by_source.items() if source.startswith("result = zoo.compare_losses"))
    assert any(WIDGET in output for output in compare), compare  # tqdm.auto's widget, ipywidgets installed
    shown = by_source["result"]
    markdown = "".join(output.get("text/markdown", "") for output in shown)
    assert "log_loss" in markdown and "ovr_squared_hinge" in markdown and "No finished runs" not in markdown
    figures = next(outputs for source, outputs in by_source.items() if source.startswith("figures = result.plots()"))
    assert sum("image/png" in output for output in figures) >= 2, figures  # the figures show in the notebook
    reloaded = next(outputs for source, outputs in by_source.items() if "tutorial_best.keras" in source)
    assert [output["name"] for output in reloaded] == ["stdout"], reloaded  # no warning on loading
    assert reloaded[0]["text"].split()[0] in {"LogLoss", "Focal", "GeneralizedCrossEntropy", "OvrSquaredHinge"}
    assert (tmp_path / "tutorial_best.keras").exists()
