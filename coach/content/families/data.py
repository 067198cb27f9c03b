"""Data-only families from organisation packs: value tables substituted into templates.

A pack file named `*.family.toml` holds no code, only data:

    [family]                 id, version, level, kind, title, brief and any other
                             exercise field shared by every instance (checks,
                             judgment, reference, needs_model …)
    [values]                 name -> list of texts; `{name}` in any string takes one.
                             Values change no truth (names, places, greetings).
    [[rows]]                 the rest of an exercise (materials, outputs, steps,
                             checks, reference, fairness …): each row carries its own truth.

Seed s, read in mixed radix, takes row s mod len(rows) and one value of each
table, so a family has len(rows) x the product of the table sizes instances.
Several files with the same id and different versions keep old versions generating.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from coach.content.families.base import Family, Generated
from coach.content.families.material import Draw
from coach.content.files import Problem, read_toml, validation_problems
from coach.content.models import ID_PATTERN, Kind

SUFFIX = ".family.toml"


class DataFamilyHead(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)

    id: str = Field(pattern=ID_PATTERN)
    version: int = Field(ge=1, le=999_999)
    level: int = Field(ge=1)
    kind: Kind
    title: str = Field(min_length=1)
    brief: str = Field(min_length=1)


class DataFamilyFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    family: DataFamilyHead
    values: dict[str, list[str]] = Field(default_factory=dict)
    rows: list[dict[str, Any]] = Field(min_length=1)


def _fill(value: Any, chosen: dict[str, str]) -> Any:
    if isinstance(value, str):
        for name, text in chosen.items():
            value = value.replace("{" + name + "}", text)
        return value
    if isinstance(value, list):
        return [_fill(item, chosen) for item in value]
    if isinstance(value, dict):
        return {key: _fill(item, chosen) for key, item in value.items()}
    return value


def _merge(base: dict[str, Any], row: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in row.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict) and key != "materials":
            out[key] = {**out[key], **value}
        else:
            out[key] = value
    return out


def generator_of(spec: DataFamilyFile) -> Any:
    head = spec.family.model_dump(exclude={"id", "version", "level", "kind", "title"})
    names = sorted(spec.values)  # a fixed order: never hash order

    def generate(draw: Draw) -> Generated:
        # The seed read in mixed radix (row, then each table): seeds below the
        # instance count all differ; larger ones wrap round.
        rest = draw.seed
        row = spec.rows[rest % len(spec.rows)]
        rest //= len(spec.rows)
        chosen = {}
        for name in names:
            table = spec.values[name]
            chosen[name] = table[rest % len(table)]
            rest //= len(table)
        data = _fill(_merge(head, row), chosen)
        features = {"items": len(data.get("outputs", data.get("steps", data.get("inputs", []))))}
        return Generated(data, features)

    return generate


def family_of(specs: list[DataFamilyFile], source: str, trusted: bool) -> Family:
    newest = max(specs, key=lambda spec: spec.family.version)
    head = newest.family
    count = len(newest.rows) * math.prod(len(v) for v in newest.values.values())
    return Family(
        id=head.id,
        level=head.level,
        kind=head.kind,
        title=head.title,
        versions={spec.family.version: generator_of(spec) for spec in specs},
        difficulty=float(getattr(head, "difficulty", 0.0) or 0.0),
        instance_count=count,
        source=source,
        trusted=trusted,
    )


def load_data_families(source: Any, known: Iterable[Family]) -> tuple[list[Family], list[Any]]:
    """The data-only families of one pack source, and the problems found loading them."""
    from coach.packfiles import PackFileError, pack_files

    root: Path = source.exercises_dir
    if not root.is_dir():
        return [], []
    try:
        paths = sorted(p for p in pack_files(root, ".toml") if p.name.endswith(SUFFIX))
    except PackFileError as error:
        return [], [Problem(str(root), "", str(error))]
    by_id: dict[str, list[DataFamilyFile]] = {}
    problems = []
    for path in paths:
        shown = source.show(path)
        data, read_problems = read_toml(path, shown)
        problems += read_problems
        if data is None:
            continue
        try:
            spec = DataFamilyFile.model_validate(data)
        except ValidationError as error:
            problems += validation_problems(error, shown, path.read_text(encoding="utf-8"))
            continue
        by_id.setdefault(spec.family.id, []).append(spec)
    taken = {family.id for family in known}
    families = []
    for family_id in sorted(by_id):
        if family_id in taken:
            problems.append(Problem(source.name, "family.id", f"duplicate family id {family_id!r}"))
            continue
        families.append(family_of(by_id[family_id], source.name, source.trusted))
    return families, problems
