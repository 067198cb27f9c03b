"""Family and instance ids: `fam.<family>`, and `fam.<family>@<version>#<seed>` for one instance.

The instance id carries everything needed to regenerate the instance, so a
stored attempt's `exercise_id` alone reproduces its materials.
"""

from __future__ import annotations

import re
from typing import NamedTuple

PREFIX = "fam."
_INSTANCE = re.compile(r"^fam\.([a-z0-9][a-z0-9-]*)@([0-9]{1,6})#([0-9]{1,12})$")
_FAMILY = re.compile(r"^fam\.([a-z0-9][a-z0-9-]*)$")


class InstanceRef(NamedTuple):
    family: str
    version: int
    seed: int


def family_item_id(family: str) -> str:
    return f"{PREFIX}{family}"


def instance_id(family: str, version: int, seed: int) -> str:
    return f"{PREFIX}{family}@{version}#{seed}"


def parse_instance_id(exercise_id: str) -> InstanceRef | None:
    """The (family, version, seed) of an instance id; None for any other id."""
    match = _INSTANCE.match(exercise_id)
    if match is None:
        return None
    return InstanceRef(match.group(1), int(match.group(2)), int(match.group(3)))


def parse_family_id(exercise_id: str) -> str | None:
    """The family of a family item id (`fam.x`), or None."""
    match = _FAMILY.match(exercise_id)
    return None if match is None else match.group(1)
