"""Fixtures for the model boundary: a loopback fake OpenAI server, no stray keys."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # so tests can `import llm_helpers`

from fake_openai import FakeOpenAI


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # litellm reads pydantic fields off instances while streaming; not ours to fix.
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents:
            item.add_marker(
                pytest.mark.filterwarnings("ignore:Accessing the 'model_:DeprecationWarning")
            )


@pytest.fixture
def spec_for(fake: FakeOpenAI) -> Callable[[str], object]:
    """`spec_for("fake-429")` → a ModelSpec for openai/fake-429 on the fake server."""
    from coach.llm import ModelSpec

    def make(name: str = "fake-model") -> ModelSpec:
        return ModelSpec.of(f"openai/{name}", api_base=fake.base_url)

    return make
