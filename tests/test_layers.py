"""The layer contract: core packages never pull in the UI or the model client."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

CORE = [
    "graders",
    "graders.names",
    "coach.content",
    "coach.store",
    "coach.config",
    "coach.keys",
    "coach.llm",  # it loads litellm lazily, on first use
    "coach.engine",
    "coach.engine.simulate",
    "coach.runtime.attempt",
    "coach.runtime.recording",
    "coach.runtime.prove",
    "coach.authoring",
    "coach.engine.weaknesses",
    "coach.coaching.feedback",
    "coach.coaching.critique",  # calls a model through coach.llm, which loads litellm lazily
]


@pytest.mark.parametrize("module", CORE)
def test_core_module_imports_neither_textual_nor_litellm(module: str) -> None:
    code = (
        f"import json, sys, {module}\n"
        "print(json.dumps(sorted(m for m in ('textual', 'litellm') if m in sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout) == []


def test_cli_help_imports_neither_textual_nor_litellm() -> None:
    code = (
        "import json, sys\n"
        "from click.testing import CliRunner\n"
        "from coach.cli import main\n"
        "result = CliRunner().invoke(main, ['--help'])\n"
        "assert result.exit_code == 0, result.output\n"
        "print(json.dumps(sorted(m for m in ('textual', 'litellm') if m in sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout) == []
