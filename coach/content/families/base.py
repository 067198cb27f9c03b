"""A family: one exercise design plus a deterministic generator, kept by version.

`Family.generate(seed, version)` returns an `Instance`: a normal, validated
exercise model (so the runtime, graders and `coach check` use it unchanged)
with id `fam.<family>@<version>#<seed>`, the generator's difficulty features,
and the planted flaws whose notes the proof verifies. Old versions stay in
`versions`, so an attempt stored under version 1 regenerates exactly after
version 2 ships.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import TypeAdapter

from coach.content.families.ids import family_item_id, instance_id
from coach.content.families.material import Draw
from coach.content.models import Exercise, Kind

_EXERCISE: TypeAdapter[Any] = TypeAdapter(Exercise)
# Features a generator reports (difficulty knobs, to be calibrated).
FEATURE_NAMES = (
    "items",
    "ambiguous_formats",
    "distractors",
    "conflicting_sources",
    "injected_instructions",
    "length",
)


@dataclass(frozen=True)
class Flaw:
    """A planted flaw in a recorded review output, as the proof re-checks it.

    `replace`: on 1-based `line` of `output`, `new` stands where the correct
    text had `old`. `drop`: the correct output's line holding `old` is gone.
    The note (the item's `why`) must name both values (`new` may be "" for a drop),
    or, where `names` is given, each of those.
    """

    output_index: int
    correct: str
    action: str  # "replace" or "drop"
    old: str
    new: str = ""
    line: int | None = None
    # What the note must name when old and new are whole lines (the values that differ).
    names: tuple[str, ...] = ()


@dataclass
class Generated:
    """What a generator returns: exercise fields, features and planted flaws."""

    data: dict[str, Any]
    features: Mapping[str, int | float | bool] = field(default_factory=dict)
    flaws: list[Flaw] = field(default_factory=list)
    # Quotes that must occur verbatim in a material: (material name, quote).
    quotes: list[tuple[str, str]] = field(default_factory=list)


Generator = Callable[[Draw], Generated]
# An independent re-derivation of the instance's truth from its materials.
Audit = Callable[[Any, Generated], list[str]]


@dataclass(frozen=True)
class Instance:
    family: str
    version: int
    seed: int
    exercise: Any  # a validated content model (Exercise union member)
    generated: Generated

    @property
    def features(self) -> dict[str, int | float | bool]:
        """Every difficulty knob (`FEATURE_NAMES`, 0 where the generator has none), plus
        the generator's own; `length` defaults to the characters the learner reads."""
        exercise = self.exercise
        length = len(exercise.brief) + sum(len(text) for text in exercise.materials.values())
        return {**dict.fromkeys(FEATURE_NAMES, 0), "length": length, **self.generated.features}

    def fingerprint(self) -> str:
        """A hash of what the learner sees: two instances with equal ones are repeats."""
        return materials_fingerprint(self.exercise)


def materials_fingerprint(exercise: Any) -> str:
    """A hash of what the learner sees of any exercise (brief, materials, outputs, inputs …)."""
    agent = getattr(exercise, "agent", None)
    target = getattr(exercise, "target", None)
    seen = {
        "brief": exercise.brief,
        "materials": dict(sorted(exercise.materials.items())),
        "outputs": [item.output for item in getattr(exercise, "outputs", [])],
        "steps": [step.text for step in getattr(exercise, "steps", [])],
        "inputs": [item.text for item in getattr(exercise, "inputs", [])],
        "files": dict(sorted(agent.files.items())) if agent is not None else {},
        "target": target.system if target is not None else "",
    }
    text = json.dumps(seen, sort_keys=True, ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Family:
    """One design; `versions` maps each shipped version to its generator."""

    id: str
    level: int
    kind: Kind
    title: str
    versions: Mapping[int, Generator]
    audit: Audit | None = None
    difficulty: float = 0.0
    minutes: int = 6
    skills: tuple[str, ...] = ()
    functions: tuple[str, ...] = ()
    needs_model: str | None = None  # None: the kind's default
    # A lower bound on distinct instances (checked by the tests over 1,000 seeds).
    instance_count: int = 1000
    source: str = "builtin"  # or the pack folder of a data-only family
    trusted: bool = True

    @property
    def version(self) -> int:
        """The version new attempts use: the newest."""
        return max(self.versions)

    @property
    def item_id(self) -> str:
        return family_item_id(self.id)

    def generate(self, seed: int, version: int | None = None) -> Instance:
        version = self.version if version is None else version
        key = (self.id, self.source, version, seed)
        cached = _CACHE.get(key)
        if cached is not None:
            _CACHE.move_to_end(key)
            return cached
        if version not in self.versions:
            known = ", ".join(str(v) for v in sorted(self.versions))
            raise KeyError(f"family {self.id!r} has no version {version} (known: {known})")
        generated = self.versions[version](Draw(self.id, version, seed))
        instance = Instance(
            self.id, version, seed, self._exercise(generated, version, seed), generated
        )
        _CACHE[key] = instance
        if len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
        return instance

    def _exercise(self, generated: Generated, version: int, seed: int) -> Any:
        data: dict[str, Any] = {
            "level": self.level,
            "kind": str(self.kind),
            "title": self.title,
            "difficulty": self.difficulty,
            "minutes": self.minutes,
            "skills": list(self.skills),
            "functions": list(self.functions),
            **({"needs_model": self.needs_model} if self.needs_model else {}),
            **generated.data,
        }
        # Validated under a plain id (the content id pattern), then given the
        # instance id, which carries the family, version and seed.
        data["id"] = f"fam-{self.id}"
        exercise = _EXERCISE.validate_python(data)
        exercise = exercise.model_copy(update={"id": instance_id(self.id, version, seed)})
        exercise.mark_source(trusted=self.trusted, pack_dir=None)
        return exercise


_CACHE: OrderedDict[tuple[str, str, int, int], Instance] = OrderedDict()
_CACHE_SIZE = 256
