"""The package layers of DESIGN.md, as import-linter checks them (see pyproject.toml).

tui and cli on top; coaching, export, sprints and authoring; then runtime;
then llm and store; content and engine; graders; config, keys and paths at the
bottom. An import that points up a layer, or between independent siblings,
fails here with import-linter's own report of the import chain.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_the_layers_contract_holds() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint), "--no-cache"], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 1 kept, 0 broken." in result.stdout
