# Two commands do everything on a fresh machine:
#   make demo   create .venv, install, run the loss comparison on digits
#   make test   create .venv, install, run the test suite
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test bench clean

$(STAMP): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(PY) -m zoo.compare

test: $(STAMP)
	$(PY) -m pytest -n 2 --dist loadfile -q tests

bench: $(STAMP)
	$(PY) -m benchmarks.bench_losses
	$(PY) -m benchmarks.bench_fused
	$(PY) -m benchmarks.bench_tuning_workers

clean:
	rm -rf $(VENV) runs
