"""Fixtures for the model boundary: a loopback fake OpenAI server, no stray keys."""

from __future__ import annotations

import socket
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from coach import keys

sys.path.insert(0, str(Path(__file__).parent))  # so tests can `import fake_openai`

from fake_openai import FakeOpenAI


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # litellm reads pydantic fields off instances while streaming; not ours to fix.
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents:
            item.add_marker(
                pytest.mark.filterwarnings("ignore:Accessing the 'model_:DeprecationWarning")
            )


@pytest.fixture(autouse=True)
def no_provider_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's real keys must neither leak into requests nor change outcomes."""
    for variable in keys.PROVIDERS.values():
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.delenv("LITELLM_LOG", raising=False)


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        yield server


@pytest.fixture
def spec_for(fake: FakeOpenAI) -> Callable[[str], object]:
    """`spec_for("fake-429")` → a ModelSpec for openai/fake-429 on the fake server."""
    from coach.llm import ModelSpec

    def make(name: str = "fake-model") -> ModelSpec:
        return ModelSpec.of(f"openai/{name}", api_base=fake.base_url)

    return make


@pytest.fixture
def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
