# Two commands do everything on a fresh machine:
#   make demo   create .venv, install, run the loss comparison on digits
#   make test   create .venv, install, run the test suite on TensorFlow, then
#               the loss library's tests again on JAX and on PyTorch
# make lint checks formatting and lint (ruff); make format applies them.
# make docs builds the documentation site into site/; make docs-catalogue regenerates docs/losses/.
# One backend's loss tests alone: make test-jax, make test-torch; on the oldest Keras: make test-oldest-keras.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test lint format test-jax test-torch test-oldest-keras bench clean docs-catalogue docs docs-serve

$(STAMP): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[all,test]'
	touch $(STAMP)

demo: $(STAMP)
	$(PY) -m zoo.compare

# Formatting and lint (ruff, configured in pyproject.toml); CI runs it before the tests.
lint: $(STAMP)
	$(PY) -m ruff format --check .
	$(PY) -m ruff check .

format: $(STAMP)
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

# The loss library's tests on the other backends (tests/conftest.py reads
# KERAS_BACKEND; zoo and tuning are TensorFlow-only).
LOSS_TESTS := tests/keras_losses tests/test_fixtures_compat.py
PYTEST := $(PY) -m pytest -n 2 --dist loadfile -q
# One thread per pytest worker: PyTorch's own thread pool oversubscribes the cores (3x slower).
TORCH := KERAS_BACKEND=torch OMP_NUM_THREADS=1

test: $(STAMP)
	KERAS_BACKEND=tensorflow $(PYTEST) tests
	KERAS_BACKEND=jax $(PYTEST) $(LOSS_TESTS)
	$(TORCH) $(PYTEST) $(LOSS_TESTS)

test-jax: $(STAMP)
	KERAS_BACKEND=jax $(PYTEST) $(LOSS_TESTS)

test-torch: $(STAMP)
	$(TORCH) $(PYTEST) $(LOSS_TESTS)

# The loss suite on the oldest Keras setup.cfg allows (JAX backend), in its own venv; CI runs it.
# The venv gets that Keras first, then `pip install -e .`, which must keep it (checked).
OLDEST_KERAS := 3.10
OLD_VENV := .venv-keras$(OLDEST_KERAS)
OLD_PY := $(OLD_VENV)/bin/python
$(OLD_VENV)/.installed: setup.cfg pyproject.toml
	$(PYTHON) -m venv $(OLD_VENV)
	$(OLD_PY) -m pip install --quiet --upgrade pip
	$(OLD_PY) -m pip install --quiet 'keras==$(OLDEST_KERAS).*'
	$(OLD_PY) -m pip install --quiet -e '.[jax,loss-tests]'
	$(OLD_PY) -c "import importlib.metadata as m, sys; v = m.version('keras'); sys.exit(None if v.startswith('$(OLDEST_KERAS).') else 'pip install . replaced Keras $(OLDEST_KERAS) with ' + v)"
	touch $@

# tests/keras_losses only: tests/test_fixtures_compat.py loads .keras files saved by Keras 3.15, whose
# layer configs (Dense's `quantization_config`) Keras 3.10 does not read: Keras's files load in the
# Keras that saved them or a newer one, whatever the loss.
test-oldest-keras: $(OLD_VENV)/.installed
	KERAS_BACKEND=jax $(OLD_PY) -m pytest -n 2 --dist loadfile -q tests/keras_losses

# The loss catalogue docs/losses/, regenerated from the registry (a test fails while it is stale).
docs-catalogue: $(STAMP)
	$(PY) -m keras_losses.catalogue docs/losses

# The documentation site, built into site/ in strict mode (mkdocs.yml: a broken link or a missing
# reference fails the build); offline. Its tools come with the `docs` extra.
DOCS_STAMP := $(VENV)/.docs-installed
$(DOCS_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[docs]'
	touch $(DOCS_STAMP)

docs: $(DOCS_STAMP)
	NO_MKDOCS_2_WARNING=1 $(PY) -m mkdocs build --strict

docs-serve: $(DOCS_STAMP)
	NO_MKDOCS_2_WARNING=1 $(PY) -m mkdocs serve

bench: $(STAMP)
	$(PY) -m benchmarks.bench_losses
	$(PY) -m benchmarks.bench_fused
	$(PY) -m benchmarks.bench_tuning_workers
	$(PY) -m benchmarks.bench_tasks

clean:
	rm -rf $(VENV) $(OLD_VENV) runs site
