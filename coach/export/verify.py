"""`verify`: the schema, the signature, every learner's chain and seals, then
every headline figure against a replay of the exported attempts."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, ValidationError

from coach.export.chain import ChainIssue, check_chain
from coach.export.orgkey import OrgKey, key_id, public_text
from coach.export.records import CapabilityExport
from coach.export.replay import FigureIssue, check_figures, check_team, weaknesses_checkable
from coach.export.signing import (
    SEAL_PLAIN,
    Sealer,
    keyed_sealer,
    plain_seal,
    seal_key,
    signature_problem,
)

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


class VerifyResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    ok: bool
    learners: int = 0
    attempts: int = 0
    schema_error: str | None = None
    signature_error: str | None = None
    signed_by: str | None = None  # key id, once the signature holds
    seals_checked: bool = False
    issues: list[ChainIssue | FigureIssue] = []
    team_error: str | None = None
    notes: list[str] = []

    @property
    def first(self) -> str | None:
        for problem in (self.schema_error, self.signature_error):
            if problem:
                return problem
        if self.issues:
            return str(self.issues[0])
        return self.team_error


def schema_problem(data: Any) -> str | None:
    """Where `data` breaks the export's schema, or None.

    The published JSON Schema is generated from `CapabilityExport`, so the
    models validate the same rules, in strict JSON mode (no "1" for 1), and
    more (date-time formats, NaN), about 50 times faster than a JSON Schema
    validator on a large team.
    """
    try:
        text = json.dumps(data, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as error:
        return f"not a valid export: {error}"
    try:
        CapabilityExport.model_validate_json(text, strict=True)
    except ValidationError as invalid:
        first = invalid.errors()[0]
        where = "/".join(str(p) for p in first["loc"]) or "(top)"
        return f"not a valid export at {where}: {first['msg']}"
    return None


def _sealer(
    data: dict[str, Any], trusted: Ed25519PublicKey | None, org_key: OrgKey | None
) -> Sealer | None:
    if data["seal"] == SEAL_PLAIN:
        return plain_seal
    # Keyed seals can be checked only with the private key they were made with.
    if org_key is None or (trusted is not None and org_key.public_text != public_text(trusted)):
        return None
    return keyed_sealer(seal_key(org_key))


def verify_data(
    data: Any,
    *,
    trusted: Ed25519PublicKey | None = None,
    org_key: OrgKey | None = None,
    allow_unsigned: bool = False,
) -> VerifyResult:
    """Check an export. `trusted` is the organisation's public key (default: the
    public half of `org_key`); the key printed in the file is never trusted."""
    if isinstance(data, dict) and data.get("schema") == "coach-capability-export/1":
        return VerifyResult(
            ok=False,
            schema_error="an export from an earlier coach (format /1): it is not signed and "
            "its figures cannot be replayed; export again to get one that can be verified",
        )
    if isinstance(data, dict) and data.get("schema") == "coach-capability-export/2":
        return VerifyResult(
            ok=False,
            schema_error="an export from an earlier coach (format /2): it has no "
            "capabilities or paths to check; export again to get format /3",
        )
    if problem := schema_problem(data):
        return VerifyResult(ok=False, schema_error=problem)
    if trusted is None and org_key is not None:
        trusted = org_key.public
    notes: list[str] = []
    signature_error: str | None = None
    signed_by: str | None = None
    if data.get("signature") is None:
        if not allow_unsigned:
            signature_error = (
                "the export is not signed, so anyone could have written it "
                "(--allow-unsigned checks that it is consistent, which proves little)"
            )
        else:
            notes.append("unsigned: consistent, but anyone who knows the scheme could write it")
    elif trusted is None:
        signature_error = (
            "no organisation key to check the signature against: pass --public-key "
            "(what `coach keys export-signing-public` prints where the key is kept)"
        )
    elif problem := signature_problem(data, trusted):
        signature_error = problem
    else:
        signed_by = key_id(trusted)
    sealer = _sealer(data, trusted, org_key)
    if sealer is None:
        notes.append(
            "the attempts' keyed seals were not checked (that needs the organisation's "
            "private key); the signature covers them"
        )
    since = datetime.fromisoformat(data["since"]) if data["since"] else None
    now = datetime.fromisoformat(data["generated_at"])  # the capabilities' 30 and 90 days
    issues: list[ChainIssue | FigureIssue] = []
    partial_weaknesses = False
    for person in data["learners"]:
        found: ChainIssue | FigureIssue | None
        try:
            found = check_chain(person, sealer) or check_figures(person, since, now)
        except (ValueError, TypeError, KeyError) as error:  # hostile content: a finding
            who = f"{person.get('name')} (id {person.get('id')})"
            found = FigureIssue(
                learner=who, field="chain", message=f"{who}: cannot be checked: {error}"
            )
        if found is not None:
            issues.append(found)
        if not weaknesses_checkable(person["chain"]["attempts"]):
            partial_weaknesses = True
    if partial_weaknesses:
        notes.append(
            "weaknesses were not recomputed: an attempt carries neither its planted "
            "flaw and per-input results nor their facts"
        )
    if any(person.get("path") for person in data["learners"]):
        notes.append(
            "the capabilities were replayed; each person's path is advice from the catalog "
            "and other people's level moves: covered by the signature, not replayed"
        )
    team_error = None if issues else check_team(data["learners"], data["team"])
    return VerifyResult(
        ok=not (signature_error or issues or team_error),
        learners=len(data["learners"]),
        attempts=sum(len(p["chain"]["attempts"]) for p in data["learners"]),
        signature_error=signature_error,
        signed_by=signed_by,
        seals_checked=sealer is not None,
        issues=issues,
        team_error=team_error,
        notes=notes,
    )


def verify_file(
    path: Path,
    *,
    trusted: Ed25519PublicKey | None = None,
    org_key: OrgKey | None = None,
    allow_unsigned: bool = False,
) -> VerifyResult:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        return VerifyResult(ok=False, schema_error=f"cannot read {path} as JSON: {error}")
    return verify_data(data, trusted=trusted, org_key=org_key, allow_unsigned=allow_unsigned)
