"""Shared fixtures: an isolated COACH_HOME, an in-memory keyring, no real network."""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).parent / "support"))  # `import fake_openai`

from fake_openai import FakeOpenAI  # noqa: E402
from postgres_server import find_bin_dir, postgres_server  # noqa: E402

from coach import keys  # noqa: E402


class MemoryKeyring(KeyringBackend):
    """A keyring that lives only in this process, so tests never touch the OS store."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.secrets.pop((service, username), None) is None:
            raise PasswordDeleteError(f"no secret for {service}/{username}")


_real_connect = socket.socket.connect


def _loopback_only(self: socket.socket, address: object) -> None:
    host = address[0] if isinstance(address, tuple) else address
    if self.family in (socket.AF_INET, socket.AF_INET6) and host not in {
        "127.0.0.1",
        "::1",
        "localhost",
    }:
        raise RuntimeError(
            f"test tried to reach the network: {address!r} (only loopback is allowed)"
        )
    _real_connect(self, address)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket.socket, "connect", _loopback_only)


@pytest.fixture(autouse=True)
def coach_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own config and data root, and no stray settings from the shell."""
    home = tmp_path / "coach-home"
    monkeypatch.setenv("COACH_HOME", str(home))
    for name in ("COACH_DATABASE_URL", "COACH_EXERCISE_PATH", "COACH_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    return home


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def no_provider_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's real keys must neither leak into requests nor change outcomes."""
    for variable in keys.PROVIDERS.values():
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.delenv("LITELLM_LOG", raising=False)


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    """A loopback OpenAI-compatible server with scripted behaviours (tests/support)."""
    with FakeOpenAI() as server:
        yield server


@pytest.fixture
def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A real PostgreSQL for the store tests: COACH_TEST_POSTGRES_URL, or a throwaway server.

    Skipped on a developer's machine without PostgreSQL; a failure in CI, whose
    `.ci/run` installs it.
    """
    if url := os.environ.get("COACH_TEST_POSTGRES_URL"):
        yield url
        return
    bin_dir = find_bin_dir()
    if bin_dir is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL binaries not found: .ci/run should install `postgresql`")
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql)")
    with postgres_server(bin_dir) as url:
        yield url
