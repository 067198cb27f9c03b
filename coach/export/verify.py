"""`verify`: the export's schema, then every learner's chain."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
from pydantic import BaseModel, ConfigDict

from coach.export.chain import ChainIssue, check_chain
from coach.export.schema import export_schema


class VerifyResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    ok: bool
    learners: int = 0
    attempts: int = 0
    schema_error: str | None = None
    issues: list[ChainIssue] = []

    @property
    def first(self) -> str | None:
        if self.schema_error:
            return self.schema_error
        return str(self.issues[0]) if self.issues else None


def verify_data(data: Any) -> VerifyResult:
    validator = jsonschema.Draft202012Validator(export_schema())
    error = jsonschema.exceptions.best_match(validator.iter_errors(data))
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(top)"
        return VerifyResult(
            ok=False, schema_error=f"not a valid export at {where}: {error.message}"
        )
    issues = [issue for person in data["learners"] if (issue := check_chain(person))]
    return VerifyResult(
        ok=not issues,
        learners=len(data["learners"]),
        attempts=sum(len(p["chain"]["attempts"]) for p in data["learners"]),
        issues=issues,
    )


def verify_file(path: Path) -> VerifyResult:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        return VerifyResult(ok=False, schema_error=f"cannot read {path} as JSON: {error}")
    return verify_data(data)
