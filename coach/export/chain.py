"""Hash-chain evidence in an export, and checking it again later.

The store chains attempts as ``hash = sha256(prev_hash + canonical_json(attempt))``
(`coach.store.hashchain`). That hash covers the prompt and output text, so it
can only be recomputed from the full content. An export therefore carries,
per attempt from the learner's first, its canonical `content`:

- with ``--include-prompts`` the window's content is complete, and `verify`
  recomputes the store's own hash with `chain_hash`;
- otherwise (and always before the window) the fields in `REDACTED_FIELDS` are
  replaced by ``{"sha256": sha256(canonical JSON of the value)}``; the store
  hash cannot be recomputed, so the attempt's `seal` binds the redacted content
  to its hash: an HMAC under a key derived from the organisation's signing key
  (`coach.export.signing`), which only the key's holder can recompute or check.

In both cases every attempt's `prev_hash` must equal the `hash` before it
(GENESIS for the first), the window must start at the chain's `anchor`, and
the last `hash` must equal the chain's `head`: a removed, inserted or
reordered attempt breaks a link.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from coach.export.signing import Sealer
from coach.store.hashchain import GENESIS, canonical_json, chain_hash
from coach.store.records import AttemptRecord, NewAttempt

# Free text written by or shown to the learner: left out unless asked for.
REDACTED_FIELDS: tuple[str, ...] = ("prompt", "output_shown", "real_output", "trap", "details")
# Redacted fields the recurring-weakness counts read: exported as `facts` instead.
WEAKNESS_FIELDS: tuple[str, ...] = ("trap", "details")
_FACTS_KEY = "$weakness_facts"
# Fields shown beside `content` for reading; they must agree with it.
SUMMARY_FIELDS: tuple[str, ...] = (
    "exercise_id",
    "finished_at",
    "output_score",
    "judgment_correct",
    "sprint_id",
)


def canon(value: Any) -> str:
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sealed(content: dict[str, Any], facts: dict[str, Any] | None) -> dict[str, Any]:
    """What an attempt's seal covers: its content, and its weakness facts if any."""
    return content if facts is None else {**content, _FACTS_KEY: facts}


def export_content(
    record: AttemptRecord, include_prompts: bool
) -> tuple[dict[str, Any], list[str]]:
    """The attempt's canonical content, redacted unless `include_prompts`."""
    content: dict[str, Any] = json.loads(canonical_json(record))
    redacted: list[str] = []
    if not include_prompts:
        for name in REDACTED_FIELDS:
            if name in content:
                content[name] = {"sha256": sha256(canon(content[name]))}
                redacted.append(name)
    return content, redacted


class ChainIssue(BaseModel):
    """The first thing wrong with one learner's exported chain."""

    model_config = ConfigDict(frozen=True)

    learner: str
    attempt_id: int | None
    position: int | None  # 0-based, in the exported list
    kind: str  # edited | removed_or_reordered | truncated | count
    message: str

    def __str__(self) -> str:
        return self.message


def _same(name: str, shown: Any, stored: Any) -> bool:
    if name == "finished_at":
        try:
            return datetime.fromisoformat(str(shown)) == datetime.fromisoformat(str(stored))
        except ValueError:
            return False
    return bool(shown == stored and type(shown) is type(stored)) or (
        isinstance(shown, int | float)
        and isinstance(stored, int | float)
        and not isinstance(shown, bool)
        and not isinstance(stored, bool)
        and shown == stored
    )


def check_chain(learner: dict[str, Any], sealer: Sealer | None) -> ChainIssue | None:
    """The first problem in one exported learner's chain (a JSON dict), or None.

    `sealer` recomputes seals; None leaves them unchecked (keyed seals, and no
    key to check them with: the signature still covers them).
    """
    who = f"{learner.get('name')} (id {learner.get('id')})"
    chain = learner["chain"]
    attempts: list[dict[str, Any]] = chain["attempts"]
    before = chain["attempts_before_window"]
    expected_prev = GENESIS

    def issue(kind: str, position: int | None, attempt_id: int | None, text: str) -> ChainIssue:
        where = "" if position is None else f"attempt {attempt_id} at position {position}: "
        return ChainIssue(
            learner=who,
            attempt_id=attempt_id,
            position=position,
            kind=kind,
            message=f"{who}: {where}{text}",
        )

    for position, attempt in enumerate(attempts):
        aid = attempt["id"]
        if attempt["prev_hash"] != expected_prev:
            return issue(
                "removed_or_reordered",
                position,
                aid,
                "does not link to the attempt before it; an attempt was removed, "
                "inserted or reordered here",
            )
        if position == before and attempt["prev_hash"] != chain["anchor"]:
            return issue(
                "removed_or_reordered",
                position,
                aid,
                "the window does not start at the chain's anchor",
            )
        if attempt["position"] != position:
            return issue(
                "removed_or_reordered", position, aid, "says it is at another position; edited"
            )
        content = attempt["content"]
        material = sealed(content, attempt.get("facts"))
        if sealer is not None and sealer(attempt["hash"], material) != attempt["seal"]:
            return issue("edited", position, aid, "content does not match its seal; it was edited")
        if not attempt["redacted"]:
            try:
                rebuilt = NewAttempt.model_validate(content)
            except ValidationError:
                return issue("edited", position, aid, "content is not a valid attempt; edited")
            if chain_hash(attempt["prev_hash"], rebuilt) != attempt["hash"]:
                return issue(
                    "edited", position, aid, "content does not match its hash; it was edited"
                )
        for name in SUMMARY_FIELDS:
            if not _same(name, attempt.get(name), content.get(name)):
                return issue(
                    "edited", position, aid, f"{name} differs from the hashed content; edited"
                )
        expected_prev = attempt["hash"]
    window = len(attempts) - before
    head = attempts[-1]["hash"] if window > 0 else None
    if head != chain["head"]:
        return issue(
            "truncated",
            None,
            None,
            "the last attempt is not the chain head; attempts were removed at the end",
        )
    if window < 0 or chain["length"] != window or learner["attempts"] != window:
        return issue(
            "count",
            None,
            None,
            f"{max(window, 0)} attempts listed in the window, the export says {chain['length']}",
        )
    anchor = attempts[before - 1]["hash"] if before else GENESIS
    if anchor != chain["anchor"]:
        return issue("removed_or_reordered", None, None, "the window's anchor is not in the chain")
    return None
