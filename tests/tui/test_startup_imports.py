"""What the first screen may import: a returning learner's Home draws before the
catalog, SQLAlchemy, alembic or the model client are loaded (issue #15's start-up
budget; tests/bench/startup.py measures it)."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = (
    "sqlalchemy",
    "alembic",
    "litellm",
    "coach.content",
    "coach.store",
    "graders",
    "click",
    "pydantic",
)


def test_the_app_and_home_import_nothing_heavy() -> None:
    code = (
        "import json, sys\n"
        "import coach.entry, coach.tui.app, coach.tui.screens.home, coach.runtime.home_view\n"
        f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout) == []
