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

# llama.cpp (the offline model) is built for any x86-64 CPU with AVX2, not for this
# one: -march=native on a CPU with AMX made a build that crashed in its first decode.
# The wheel is built once per set of flags into a folder named by their hash, never
# taken from pip's cache (whose key ignores CMAKE_ARGS), then installed from there.
LLAMA_SPEC ?= llama-cpp-python>=0.3
ifeq ($(shell uname -m),x86_64)
LLAMA_CMAKE_ARGS ?= -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON \
	-DGGML_BMI2=ON -DGGML_AVX512=OFF -DGGML_AVX512_VBMI=OFF -DGGML_AVX512_VNNI=OFF \
	-DGGML_AVX512_BF16=OFF -DGGML_AVX_VNNI=OFF \
	-DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF
else
LLAMA_CMAKE_ARGS ?= -DGGML_NATIVE=OFF
endif
LLAMA_KEY := $(shell printf '%s|%s' '$(LLAMA_SPEC)' '$(LLAMA_CMAKE_ARGS)' | sha256sum | cut -c1-16)
LLAMA_WHEELS ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/coach/llama-wheels/$(LLAMA_KEY)

# $(call install,EXTRAS): pip install -e '.[EXTRAS]', printing llama.cpp's compile
# progress and keeping the full log; on failure, show its tail.
define install
	@echo "Installing coach[$(1)] into $(VENV)."
	@$(PIP) install --verbose -e '.[$(1)]' 2>&1 | tee $(VENV)/install.log \
		| awk -f scripts/install-progress.awk \
		|| { tail -n 40 $(VENV)/install.log; echo "install failed: full log in $(VENV)/install.log"; exit 1; }
endef

# $(call install_llama): the portable llama-cpp-python wheel, built into LLAMA_WHEELS
# unless one is there already, then installed (before coach, which then finds it).
define install_llama
	@if ! ls $(LLAMA_WHEELS)/llama_cpp_python-*.whl >/dev/null 2>&1; then \
		echo "Building llama-cpp-python (the offline model) for any AVX2 CPU: several minutes"; \
		echo "on two cores, once (the wheel is kept in $(LLAMA_WHEELS))."; \
		mkdir -p $(LLAMA_WHEELS); \
		CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" FORCE_CMAKE=1 $(PIP) wheel --verbose --no-deps \
			--no-cache-dir --no-binary llama-cpp-python -w $(LLAMA_WHEELS) '$(LLAMA_SPEC)' 2>&1 \
			| tee $(VENV)/llama-build.log | awk -f scripts/install-progress.awk \
			|| { tail -n 40 $(VENV)/llama-build.log; rm -f $(LLAMA_WHEELS)/*.whl; \
				echo "llama-cpp-python build failed: full log in $(VENV)/llama-build.log"; exit 1; }; \
	fi
	$(PIP) install --quiet "$$(ls $(LLAMA_WHEELS)/llama_cpp_python-*.whl | tail -n 1)"
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
	$(call install_llama)
	$(call install,local)
	$(BIN)/python -c 'import coach, llama_cpp'
	@touch $@

# The tests run the real offline model and a real PostgreSQL, so they need those extras.
$(VENV)/.test-ready: pyproject.toml | $(BIN)/python
	$(call install_llama)
	$(call install,dev$(COMMA)local$(COMMA)postgres)
	@touch $@

lint: setup-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy coach graders
	$(BIN)/lint-imports --no-cache

check: setup-test
	$(BIN)/coach check

clean:
	rm -rf $(VENV) build dist .pytest_cache .ruff_cache
