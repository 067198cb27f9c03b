"""CSV and JSON files of an export (HTML is in `coach.export.html`)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from coach.export.orgkey import OrgKey
from coach.export.records import CapabilityExport, LearnerExport
from coach.export.signing import sign_document

CSV_COLUMNS: tuple[str, ...] = (
    "name",
    "email",
    "role",
    "target_level",
    "level",
    "level_name",
    "level_sd",
    "p_level",
    "provisional",
    "gap",
    "gap_sentence",
    "attempts",
    "pass_rate",
    "hit_rate",
    "false_alarm_rate",
    "d_prime",
    "bias_c",
    "brier",
    "produce_share",
    "produce_n",
    "judge_share",
    "judge_n",
    "fit_share",
    "fit_n",
    "weaknesses",
    "own_exercise_attempts",
    "last_practised",
    "sprints",
    "chain_head",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str | int | float:
    """A spreadsheet-safe cell: text that a spreadsheet would run as a formula
    gets a leading apostrophe; numbers stay numbers."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return round(value, 4) if isinstance(value, float) else value
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_row(person: LearnerExport) -> list[str | int | float]:
    j = person.judgment
    values: dict[str, Any] = {
        "name": person.name,
        "email": person.email,
        "role": person.role,
        "target_level": person.target_level,
        "level": person.demonstrated.level,
        "level_name": person.demonstrated.name,
        "level_sd": person.demonstrated.sd,
        "p_level": person.demonstrated.p_level,
        "provisional": person.demonstrated.provisional,
        "gap": person.gap.gap,
        "gap_sentence": person.gap.sentence,
        "attempts": person.attempts,
        "pass_rate": person.pass_rate,
        "hit_rate": j.hit_rate if j else None,
        "false_alarm_rate": j.false_alarm_rate if j else None,
        "d_prime": j.d_prime if j else None,
        "bias_c": j.bias_c if j else None,
        "brier": j.brier if j else None,
        # Empty share: fewer attempts than a figure needs (coach.export.capabilities).
        **{
            f"{name}_{part}": getattr(getattr(person.capabilities, name), key)
            for name in ("produce", "judge", "fit")
            for part, key in (("share", "share"), ("n", "n"))
        },
        "weaknesses": "; ".join(w.label for w in person.weaknesses),
        "own_exercise_attempts": person.private_attempts,
        "last_practised": person.last_practised.isoformat() if person.last_practised else None,
        "sprints": " ".join(str(s) for s in person.sprints),
        "chain_head": person.chain.head,
    }
    return [safe_cell(values[c]) for c in CSV_COLUMNS]


def write_csv(export: CapabilityExport, path: Path) -> None:
    """One row per person. UTF-8 with a byte-order mark, so spreadsheet programs
    read accented names correctly; CRLF line ends as RFC 4180 asks."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        for person in export.learners:
            writer.writerow(csv_row(person))


def export_json(export: CapabilityExport, key: OrgKey | None = None) -> str:
    """The JSON file's text, signed with the organisation's `key` when given."""
    if key is None:
        return export.model_dump_json(by_alias=True, indent=1)
    document = json.loads(export.model_dump_json(by_alias=True))
    signed = sign_document(document, key)
    return json.dumps(signed, indent=1, ensure_ascii=False, allow_nan=False)


def write_json(export: CapabilityExport, path: Path, key: OrgKey | None = None) -> None:
    path.write_text(export_json(export, key) + "\n", encoding="utf-8")
