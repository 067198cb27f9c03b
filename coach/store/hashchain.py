"""The per-learner hash chain over attempts: tamper evidence for exports.

hash = sha256(prev_hash + canonical JSON of the attempt's content), and the
first attempt of a learner links to GENESIS. Editing a stored row changes its
content hash; removing one breaks the next row's link. (Removing the newest
rows, or rewriting every row after an edit, needs an outside anchor such as
the chain head printed in an export.)

Canonical form, so the same content always gives the same bytes:
- every field of `NewAttempt`; fields that are None are left out, so a
  nullable column added later does not change the hash of older rows;
- keys sorted, no whitespace, UTF-8, NaN refused;
- datetimes in UTC as 2026-03-03T09:15:00.000000Z;
- floats in Python's shortest round-trip repr, with -0.0 written as 0.0
  (SQLite stores -0.0 as 0).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from coach.store.records import AttemptRecord, NewAttempt

GENESIS = "0" * 64
HASHED_FIELDS: tuple[str, ...] = tuple(NewAttempt.model_fields)
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime(_TIME_FORMAT)
    if isinstance(value, float):
        return 0.0 if value == 0 else value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def canonical_json(attempt: NewAttempt) -> str:
    """The attempt's content (ids and hashes excluded) as canonical JSON."""
    content = {name: _plain(getattr(attempt, name)) for name in HASHED_FIELDS}
    content = {name: value for name, value in content.items() if value is not None}
    return json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def chain_hash(prev_hash: str, attempt: NewAttempt) -> str:
    data = (prev_hash + canonical_json(attempt)).encode("utf-8")
    return hashlib.sha256(data).hexdigest()


class ChainProblem(BaseModel):
    """One thing wrong with a chain, with the attempt it was found at."""

    model_config = ConfigDict(frozen=True)

    learner_id: int
    attempt_id: int
    kind: Literal["edited", "broken_link"]
    message: str

    def __str__(self) -> str:
        return self.message


def verify_chain(records: Iterable[AttemptRecord]) -> list[ChainProblem]:
    """Problems in the chains of these records (each learner's in stored order).

    An empty list means every row's content matches its hash and every row
    links to the one before it.
    """
    problems: list[ChainProblem] = []
    last_hash: dict[int, str] = {}
    for rec in records:
        expected_prev = last_hash.get(rec.learner_id, GENESIS)
        if rec.prev_hash != expected_prev:
            where = (
                "it is the first attempt left but links to an earlier one"
                if expected_prev == GENESIS
                else "it does not link to the attempt before it"
            )
            problems.append(
                ChainProblem(
                    learner_id=rec.learner_id,
                    attempt_id=rec.id,
                    kind="broken_link",
                    message=f"attempt {rec.id}: {where}; an attempt was removed or reordered",
                )
            )
        if chain_hash(rec.prev_hash, rec) != rec.hash:
            problems.append(
                ChainProblem(
                    learner_id=rec.learner_id,
                    attempt_id=rec.id,
                    kind="edited",
                    message=f"attempt {rec.id}: content does not match its hash; it was edited",
                )
            )
        last_hash[rec.learner_id] = rec.hash
    return problems
