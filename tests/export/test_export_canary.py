"""No key ever reaches an export, the config file or the store."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import World  # type: ignore[import-not-found]

from coach import keys
from coach.cli.export_cmd import export
from coach.config import config_path
from coach.paths import data_dir

CANARY = "sk-canary-3f9a1c7e5b2d4a6f8e0c"


def test_canary_key_is_in_no_output(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, memory_keyring: object
) -> None:
    for provider, variable in keys.PROVIDERS.items():
        monkeypatch.setenv(variable, CANARY)
        memory_keyring.set_password("coach", provider, CANARY)  # type: ignore[attr-defined]
        memory_keyring.set_password(provider, provider, CANARY)  # type: ignore[attr-defined]
    monkeypatch.setenv("COACH_CANARY_KEY", CANARY)
    config = config_path()
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('[learner]\nname = "Canary Tester"\n', encoding="utf-8")
    outputs = []
    for fmt in ("csv", "json", "html"):
        for extra in ((), ("--include-prompts",)):
            for scope in (("--team",), ()):
                out = tmp_path / f"out-{fmt}-{len(extra)}-{len(scope)}.{fmt}"
                result = CliRunner().invoke(
                    export, ["--format", fmt, "--out", str(out), *scope, *extra]
                )
                assert result.exit_code == 0, result.output
                assert CANARY not in result.output
                outputs.append(out)
    stores = list(data_dir().rglob("*.db*"))
    assert stores, "the store file should exist"
    for path in [*outputs, config, *stores]:
        assert CANARY.encode() not in path.read_bytes(), path
