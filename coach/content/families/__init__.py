"""Generated exercise families: never the same exercise twice.

A family is one exercise design plus a deterministic generator (see `base`).
Built-in families are trusted Python modules under `builtin/`; organisation
packs may define data-only families in TOML (`data`), never code.
"""

from __future__ import annotations

from collections.abc import Iterable

from coach.content.families.base import Family, Flaw, Generated, Instance
from coach.content.families.ids import (
    InstanceRef,
    family_item_id,
    instance_id,
    parse_family_id,
    parse_instance_id,
)


def builtin_families() -> list[Family]:
    """Every built-in family, ordered by level then id."""
    from coach.content.families.builtin import FAMILIES

    return sorted(FAMILIES, key=lambda family: (family.level, family.id))


def find_family(families: Iterable[Family], family: str) -> Family | None:
    return next((f for f in families if f.id == family), None)


def resolve(families: Iterable[Family], exercise_id: str) -> Instance | None:
    """The instance an instance id names (any shipped version), or None."""
    ref = parse_instance_id(exercise_id)
    if ref is None:
        return None
    family = find_family(families, ref.family)
    if family is None or ref.version not in family.versions:
        return None
    return family.generate(ref.seed, ref.version)


__all__ = [
    "Family",
    "Flaw",
    "Generated",
    "Instance",
    "InstanceRef",
    "builtin_families",
    "family_item_id",
    "find_family",
    "instance_id",
    "parse_family_id",
    "parse_instance_id",
    "resolve",
]
