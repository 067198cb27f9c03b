"""Prove a generated family over many seeds, as `coach check` proves a TOML exercise.

For each seed the instance goes through the same `prove` as any exercise
(reference passes, known-bad and subtly wrong outputs fail, correct variants
pass, traps are caught), and then through what only generated material needs:
every planted flaw is where its note says and the note names it truly, no
template marker or impossible date survives, every cited quote exists, the
family's own audit re-derives the truth from the materials, and no two
seeds give the same instance.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from coach.content.families import Family, Instance
from coach.content.files import Problem
from coach.content.loader import LoadedExercise
from coach.content.sources import BUILTIN
from coach.runtime.prove import prove

SEEDS = 200
QUICK_SEEDS = 20
_MARKER = re.compile(r"\{\{|\}\}|\$\{|<FILL|\bTODO\b|\bNone\b|\bnan\b")
_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_LONG_DATE = re.compile(
    r"\b(\d{1,2})(?:st|nd|rd|th)? (" + "|".join(m.capitalize() for m in _MONTHS) + r") (\d{4})\b"
)
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def _texts(exercise: Any) -> Iterable[tuple[str, str, bool]]:
    """(where, text, may hold {material} placeholders) for every string shown or graded."""
    yield "brief", exercise.brief, False
    for name, text in exercise.materials.items():
        yield f"materials.{name}", text, False
    for index, item in enumerate(getattr(exercise, "outputs", [])):
        yield f"outputs.{index}", item.output, False
        yield f"outputs.{index}.why", item.why, False
    for step in getattr(exercise, "steps", []):
        yield f"steps.{step.id}", step.text, False
    for item in getattr(exercise, "inputs", []):
        yield f"inputs.{item.id}", item.text, False
    ref = exercise.reference
    for field in ("good_output", "bad_output"):
        if (value := getattr(ref, field)) is not None:
            yield f"reference.{field}", value, False
    if ref.solution:
        yield "reference.solution", ref.solution, True
    for side in ("good", "bad"):
        for index, entry in enumerate(getattr(exercise.fairness, side)):
            yield f"fairness.{side}.{index}", entry.output, False
    agent = getattr(exercise, "agent", None)
    if agent is not None:
        for name, text in agent.files.items():
            yield f"agent.files.{name}", text, False


def _date_problems(where: str, text: str) -> list[str]:
    problems = []
    for match in _LONG_DATE.finditer(text):
        day, month, year = (
            int(match.group(1)),
            _MONTHS.index(match.group(2).lower()) + 1,
            int(match.group(3)),
        )
        if not _valid(year, month, day):
            problems.append(f"{where}: impossible date {match.group(0)!r}")
    for match in _ISO_DATE.finditer(text):
        if not _valid(int(match.group(1)), int(match.group(2)), int(match.group(3))):
            problems.append(f"{where}: impossible date {match.group(0)!r}")
    return problems


def _valid(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _flaw_problems(instance: Instance) -> list[str]:
    """Each planted flaw is in its output where the item says, and its note names it."""
    problems = []
    outputs = instance.exercise.outputs
    for flaw in instance.generated.flaws:
        item = outputs[flaw.output_index]
        where = f"outputs.{flaw.output_index}"
        if not item.wrong:
            problems.append(f"{where}: a planted flaw on an output marked acceptable")
            continue
        lines = item.output.split("\n")
        if flaw.action == "replace":
            expected = flaw.correct.split("\n")
            assert flaw.line is not None
            expected[flaw.line - 1] = expected[flaw.line - 1].replace(flaw.old, flaw.new, 1)
            if lines != expected:
                problems.append(f"{where}: the output is not the correct one with the flaw planted")
            if item.line != flaw.line:
                problems.append(
                    f"{where}: the item names line {item.line}, the flaw is on {flaw.line}"
                )
            named = flaw.names or (flaw.old, flaw.new)
            if missing := [name for name in named if name not in item.why]:
                problems.append(f"{where}: the note does not name {', '.join(map(repr, missing))}")
        elif flaw.action == "drop":
            if any(flaw.old in line for line in lines) or flaw.old not in flaw.correct:
                problems.append(f"{where}: the dropped {flaw.old!r} is still there (or never was)")
            if flaw.old not in item.why:
                problems.append(f"{where}: the note does not name the dropped {flaw.old!r}")
        else:  # recorded
            assert flaw.line is not None
            if flaw.new not in lines[flaw.line - 1] or item.line != flaw.line:
                problems.append(f"{where}: the flaw {flaw.new!r} is not on line {flaw.line}")
            if flaw.new not in item.why or flaw.old not in item.why:
                problems.append(
                    f"{where}: the note does not name both {flaw.old!r} and {flaw.new!r}"
                )
    return problems


def instance_problems(instance: Instance, family: Family) -> list[str]:
    """What only a generated instance can get wrong (markers, dates, flaws, quotes, audit)."""
    exercise = instance.exercise
    problems: list[str] = []
    materials = set(exercise.materials)
    for where, text, placeholders in _texts(exercise):
        if match := _MARKER.search(text):
            problems.append(f"{where}: template marker {match.group(0)!r} left in the text")
        if not placeholders:
            for match in _PLACEHOLDER.finditer(text):
                if match.group(1) not in materials:
                    problems.append(f"{where}: unfilled placeholder {match.group(0)!r}")
        elif unknown := [
            m.group(1)
            for m in _PLACEHOLDER.finditer(text)
            if m.group(1) not in materials | {"input", "previous"}
        ]:
            problems.append(f"{where}: placeholders name no material: {', '.join(unknown)}")
        problems += _date_problems(where, text)
    if exercise.kind == "review":
        problems += _flaw_problems(instance)
        if not any(item.wrong for item in exercise.outputs):
            problems.append("outputs: no wrong output to find")
    for material, quote in instance.generated.quotes:
        if quote not in exercise.materials.get(material, ""):
            problems.append(f"cited quote {quote!r} is not in materials.{material}")
    if family.audit is not None:
        problems += family.audit(exercise, instance.generated)
    return problems


def prove_family(
    family: Family, seeds: int = SEEDS, *, version: int | None = None
) -> list[Problem]:
    """Every problem of `seeds` instances of the family (seeds 0 … seeds-1)."""
    version = family.version if version is None else version
    shown = f"families/{family.id}@{version}"
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    # A data-only family may have fewer instances than seeds asked for.
    for seed in range(min(seeds, family.instance_count)):
        where = f"fam.{family.id}@{version}#{seed}"
        try:
            instance = family.generate(seed, version)
        except Exception as error:  # a generator bug is a content problem, named with its seed
            problems.append(
                Problem(shown, where, f"generation failed: {type(error).__name__}: {error}")
            )
            continue
        loaded = LoadedExercise(
            instance.exercise,
            Path(shown),
            BUILTIN if family.source == BUILTIN else family.source,
            trusted=family.trusted,
        )
        problems += [
            Problem(shown, where, p.message) for p in prove(loaded, trusted=family.trusted)
        ]
        problems += [
            Problem(shown, where, message) for message in instance_problems(instance, family)
        ]
        fingerprint = instance.fingerprint()
        if fingerprint in seen:
            problems.append(Problem(shown, where, f"the same instance as seed {seen[fingerprint]}"))
        seen.setdefault(fingerprint, seed)
    return problems


def prove_families(families: Iterable[Family], seeds: int = SEEDS) -> list[Problem]:
    problems: list[Problem] = []
    for family in families:
        for version in sorted(family.versions):
            problems += prove_family(family, seeds, version=version)
    return problems
