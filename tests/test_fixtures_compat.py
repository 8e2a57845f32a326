"""Models saved by released versions of keras_losses still load and predict the same.

`tests/fixtures/keras_losses_<version>/` holds, per release, tiny `.keras`
models (one per loss, compiled with a configured instance, and one per
canonical loss compiled by its string name), their inputs and predictions
(`expected.npz`) and each loss's class and configuration (`manifest.json`);
`tests/fixtures/make_fixtures.py` writes them. Every directory is tested, so
a release that can no longer load a model an earlier release saved fails CI.
Only released versions (a "## X.Y.Z" section in CHANGELOG.md) count as having
saved a loss: a loss added since the latest release has no fixture until it is
released (`test_every_released_loss_has_a_fixture`).

Compatibility rules these tests enforce:

- Loss names are stable. Renaming a loss means keeping the old name working:
  add it to `keras_losses.registry.ALIASES` (string names in `compile`) and
  keep the old class registered under its old `keras_losses>ClassName`
  (e.g. a subclass or a second `register_keras_serializable` name), so
  both `"old_name"` and the stored class reference still resolve.
- Arguments are never removed or changed in meaning: every stored
  `get_config()` entry must come back unchanged (new arguments with defaults
  may be added).
- Released fixture directories are never regenerated; a new release adds its
  own directory with `python tests/fixtures/make_fixtures.py`.
"""

import json
import os
import re

import keras
import numpy as np
import pytest

import keras_losses

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")
VERSION_DIRS = sorted(d for d in os.listdir(FIXTURES) if d.startswith("keras_losses_"))


def _manifest(version_dir):
    with open(os.path.join(FIXTURES, version_dir, "manifest.json")) as file:
        return json.load(file)


# Fixtures whose loss changed meaning on purpose in a later release (see
# CHANGELOG.md): (version dir, stem) -> (class it loads as now, config keys
# that come back unchanged). Everything else must come back as it was saved.
CHANGED_ON_PURPOSE = {
    # 0.2.0: "logistic_inr" is now the authors' batch-level LGL-INR; an instance
    # saved with `gamma` loads as the 0.1.0 variant with its config intact.
    ("keras_losses_0.1.0", "logistic_inr"): ("keras_losses>PerExampleLogisticINR", None),
    # Compiled by name: the name resolves to today's logistic_inr.
    ("keras_losses_0.1.0", "logistic_inr.by_name"): (
        "keras_losses>LogisticINR",
        ("from_logits", "class_weights", "reduction"),
    ),
}

CASES = [(d, stem) for d in VERSION_DIRS for stem in sorted(_manifest(d)["fixtures"])]


def test_fixtures_exist_and_are_small():
    assert VERSION_DIRS, "no tests/fixtures/keras_losses_<version> directory"
    total = sum(os.path.getsize(os.path.join(root, f)) for root, _, files in os.walk(FIXTURES) for f in files)
    assert total < 1024 * 1024, f"fixtures take {total} bytes; keep them under 1 MB"


def _changelog_headings():
    with open(os.path.join(os.path.dirname(FIXTURES), os.pardir, "CHANGELOG.md"), encoding="utf-8") as file:
        return re.findall(r"^## (\S+)", file.read(), flags=re.MULTILINE)


def _version(text):
    return tuple(int(part) for part in text.removeprefix("keras_losses_").split("."))


# Released versions: up to the newest "## X.Y.Z" section of CHANGELOG.md. A fixture directory of a later version
# (keras_losses_0.3.0, written ahead of its release) is load-tested like the others but was saved by no release.
LATEST_RELEASE = max(_version(h) for h in _changelog_headings() if re.fullmatch(r"\d+(\.\d+)+", h))
RELEASED_DIRS = [d for d in VERSION_DIRS if _version(d) <= LATEST_RELEASE]


def test_every_released_loss_has_a_fixture():
    """A fixture is a file saved by a released version, so only a released loss can have one.

    Required: every loss of the released fixture sets (each release saves the losses it adds or changes)
    still resolves now (its name, or an alias after a rename). Losses added since the latest release need
    fixtures only when they are released: while CHANGELOG.md has an "## Unreleased" section they may have
    none; a release (that section renamed to its version) writes them with `make_fixtures.py`.
    """
    assert RELEASED_DIRS, "no released fixture set (a version of tests/fixtures with a CHANGELOG.md section)"
    released = {
        keras_losses.registry.ALIASES.get(record["loss"], record["loss"])
        for d in RELEASED_DIRS
        for record in _manifest(d)["fixtures"].values()
    }
    assert released - set(keras_losses.all_names()) == set(), "a released loss no longer resolves"
    unreleased = set(keras_losses.all_names()) - released
    if "Unreleased" not in _changelog_headings():
        assert unreleased == set(), f"released without fixtures: {sorted(unreleased)}"


@pytest.mark.parametrize("version_dir,stem", CASES, ids=[f"{d}/{s}" for d, s in CASES])
def test_fixture_loads_with_predictions_and_loss_intact(version_dir, stem):
    record = _manifest(version_dir)["fixtures"][stem]
    path = os.path.join(FIXTURES, version_dir, f"{stem}.keras")
    with np.load(os.path.join(FIXTURES, version_dir, "expected.npz")) as expected:
        x, predictions = expected["x"], expected[stem]

    model = keras.saving.load_model(path)  # safe_mode on, no custom_objects

    np.testing.assert_allclose(model.predict(x, verbose=0), predictions, rtol=1e-5, atol=1e-6)
    keras_losses.describe(record["loss"])  # the stored name still resolves (alias after a rename)
    if record["compiled_by"] == "name":
        assert model.loss == record["loss"]
        loss = keras.losses.get(model.loss)
    else:
        loss = model.loss
    registered_name, kept_keys = CHANGED_ON_PURPOSE.get((version_dir, stem), (record["registered_name"], None))
    assert type(loss) is keras.saving.get_registered_object(registered_name)
    saved = {key: record["config"][key] for key in kept_keys or record["config"]}
    config = loss.get_config()
    assert {key: config.get(key) for key in saved} == saved
    value = float(loss(np.array([0, 1, 2, 0, 1, 2, 0, 1]), predictions))
    assert np.isfinite(value)
