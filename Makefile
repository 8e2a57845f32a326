# Two commands do everything on a fresh machine:
#   make demo   create .venv, install, run the loss comparison on digits
#   make test   create .venv, install, run the test suite (TensorFlow), then
#               the loss library's tests again on the JAX backend
# And, by hand (PyTorch from PyPI pulls several GB of CUDA packages):
#   make test-torch   install torch into .venv, run the loss tests on PyTorch
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test test-torch bench clean

$(STAMP): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[all,test]'
	touch $(STAMP)

demo: $(STAMP)
	$(PY) -m zoo.compare

# The loss library's tests on another backend (tests/conftest.py reads KERAS_BACKEND).
LOSS_TESTS := tests/keras_losses tests/test_fixtures_compat.py

test: $(STAMP)
	KERAS_BACKEND=tensorflow $(PY) -m pytest -n 2 --dist loadfile -q tests
	KERAS_BACKEND=jax $(PY) -m pytest -n 2 --dist loadfile -q $(LOSS_TESTS)

test-torch: $(STAMP)
	$(PY) -m pip install --quiet 'torch>=2.14,<2.15'
	KERAS_BACKEND=torch $(PY) -m pytest -n 2 --dist loadfile -q $(LOSS_TESTS)

bench: $(STAMP)
	$(PY) -m benchmarks.bench_losses
	$(PY) -m benchmarks.bench_fused
	$(PY) -m benchmarks.bench_tuning_workers

clean:
	rm -rf $(VENV) runs
