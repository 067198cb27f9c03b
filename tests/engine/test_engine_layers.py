"""The engine is pure: importing it pulls in no UI, model client, store or content."""

from __future__ import annotations

import json
import subprocess
import sys

MODULES = [
    "coach.engine",
    "coach.engine.ability",
    "coach.engine.evidence",
    "coach.engine.judgment_metrics",
    "coach.engine.moves",
    "coach.engine.placement",
    "coach.engine.reasons",
    "coach.engine.replay",
    "coach.engine.role_gap",
    "coach.engine.select",
    "coach.engine.simulate",
]
FORBIDDEN = (
    "textual",
    "litellm",
    "sqlalchemy",
    "numpy",
    "coach.store",
    "coach.content",
    "coach.llm",
)


def test_engine_imports_stay_pure() -> None:
    code = (
        f"import json, sys\nfor m in {MODULES!r}:\n    __import__(m)\n"
        f"print(json.dumps(sorted(m for m in sys.modules if m.startswith({FORBIDDEN!r}))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout) == []
