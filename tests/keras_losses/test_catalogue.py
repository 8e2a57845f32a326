"""The loss catalogue `docs/losses/` is what the registry generates now (`make docs-catalogue`)."""

import pathlib
import subprocess
import sys

import pytest

import keras_losses
from keras_losses import catalogue, references, registry

CATALOGUE = pathlib.Path(__file__).parents[2] / "docs" / "losses"


def test_committed_pages_equal_a_fresh_generation():
    assert catalogue.stale(CATALOGUE) == [], "docs/losses/ is stale: run `make docs-catalogue` and commit it"


def test_one_page_per_family_and_every_loss_on_its_family_page():
    assert sorted(catalogue.pages()) == sorted(["index.md", *(f"{family}.md" for family in registry.LOSS_MODULES)])
    for name in keras_losses.names():
        page = (CATALOGUE / f"{catalogue.family_of(name)}.md").read_text(encoding="utf-8")
        info = keras_losses.describe(name)
        section = page.split(f"## `{name}`\n", 1)[1].split("\n## ", 1)[0]
        assert f"`{info['formula']}`" in section and f"`{info['range']}`" in section, name
        assert references.PAPERS[info["paper"]].url in section, name


def test_every_loss_cites_a_paper_with_its_full_title_and_link():
    missing = sorted({keras_losses.describe(name)["paper"] for name in keras_losses.names()} - set(references.PAPERS))
    assert not missing, f"add these citations to keras_losses/references.py: {missing}"
    for reference in references.PAPERS.values():
        assert reference.url.startswith("https://") and len(reference.title.split()) >= 4


def test_an_unknown_citation_names_what_to_add():
    with pytest.raises(KeyError, match="no full reference for the citation 'Nobody \\(2099\\)'; add it to PAPERS"):
        references.reference("Nobody (2099)")


def test_check_command_reports_a_stale_page(tmp_path):
    catalogue.write(tmp_path)
    (tmp_path / "focal.md").write_text("an old page")  # a family that no longer exists
    (tmp_path / "margin.md").write_text("edited by hand")
    result = subprocess.run(
        [sys.executable, "-m", "keras_losses.catalogue", str(tmp_path), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 1
    assert result.stderr.strip().endswith(f"stale: focal.md, margin.md in {tmp_path}; run `make docs-catalogue`")
    catalogue.write(tmp_path)
    assert catalogue.stale(tmp_path) == [] and not (tmp_path / "focal.md").exists()
