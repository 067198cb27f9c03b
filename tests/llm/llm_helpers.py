"""Shared bits for the model-boundary tests (import as `llm_helpers`)."""

from __future__ import annotations

import importlib.util
import os

import pytest

HAS_LLAMA = importlib.util.find_spec("llama_cpp") is not None
# CI installs the `local` extra (make test), so there a missing model is a failure, not a skip.
needs_llama = pytest.mark.skipif(
    not HAS_LLAMA and not os.environ.get("CI"),
    reason="llama-cpp-python is not installed (the `local` extra)",
)
