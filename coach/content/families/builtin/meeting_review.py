# ruff: noqa: E501  (notes and summaries are data)
"""L1 review: a meeting summary with a changed number, a dropped action or a wrong owner."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from coach.content.families.base import Family, Generated
from coach.content.families.builtin._review import ReviewBuilder
from coach.content.families.material import Draw, gbp, long_date, weekday
from coach.content.models import Kind

TASKS = (
    "send the revised quote to the client",
    "book the venue for the launch",
    "update the risk register",
    "draft the customer letter",
    "confirm the delivery slots with the warehouse",
    "renew the software licences",
    "collect the signed timesheets",
    "chase the overdue invoices",
    "prepare the board slides",
    "review the supplier contract",
    "set up the training session",
    "order the replacement laptops",
)
TOPICS = (
    "the spring campaign",
    "the office move",
    "the Q3 budget",
    "the new starter plan",
    "the supplier review",
)
ERROR_KINDS = ["changed number", "missing item", "wrong person", "wrong date"]


def generate(draw: Draw) -> Generated:
    people = draw.people(4)
    chair = people[0]
    topic = draw.pick(TOPICS)
    day = date(draw.year(), draw.int(1, 12), draw.int(1, 28))
    budget = draw.int(20, 180) * 500 * 100
    headcount = draw.int(3, 40)
    n = draw.int(3, 5)
    tasks = draw.sample(TASKS, n)
    owners = [draw.pick(people) for _ in range(n)]
    dues = [day + timedelta(days=draw.int(2, 30)) for _ in range(n)]
    notes = "\n".join(
        [
            f"Meeting: {topic}, {weekday(day)} {long_date(day)}. Chair: {chair}. Present: {', '.join(people[1:])}.",
            f"- Agreed a budget of {gbp(budget)} for {topic}.",
            f"- Agreed that {headcount} people will be involved.",
            *[
                f"- {o.split()[0]} will {t} by {long_date(d)}."
                for t, o, d in zip(tasks, owners, dues, strict=True)
            ],
            "- Next meeting to be arranged.",
        ]
    )
    lines = [
        f"Decisions: budget {gbp(budget)}; {headcount} people involved.",
        "Actions:",
        *[f"- {o}: {t}, by {long_date(d)}" for t, o, d in zip(tasks, owners, dues, strict=True)],
    ]
    correct = "\n".join(lines)
    builder = ReviewBuilder()
    builder.correct(correct, "Both decisions and every action, owner and date match the notes.")
    changed = budget + draw.pick((-1, 1)) * draw.int(1, 4) * 500 * 100
    builder.replace(
        correct,
        1,
        gbp(budget),
        gbp(changed),
        "changed number",
        f"The notes agree a budget of {gbp(budget)}; the summary says {gbp(changed)}.",
    )
    k = draw.int(0, n - 1)
    builder.drop(
        correct,
        3 + k,
        tasks[k],
        "missing item",
        f"The action '{tasks[k]}' ({owners[k]}, by {long_date(dues[k])}) is missing.",
    )
    j = draw.int(0, n - 1)
    other = next(p for p in draw.shuffled(people) if p != owners[j])
    builder.replace(
        correct,
        3 + j,
        owners[j],
        other,
        "wrong person",
        f"The notes give '{tasks[j]}' to {owners[j]}, not {other}.",
    )
    i = draw.int(0, n - 1)
    shifted = dues[i] + timedelta(days=draw.pick((-7, -2, 1, 3, 7)))
    if long_date(shifted) != long_date(dues[i]) and shifted not in dues:
        builder.replace(
            correct,
            3 + i,
            long_date(dues[i]),
            long_date(shifted),
            "wrong date",
            f"'{tasks[i]}' is due by {long_date(dues[i])} in the notes, not {long_date(shifted)}.",
        )
    data = {
        "brief": (
            f"{chair} asked a chat assistant to summarise the notes of a meeting on {topic} into "
            "decisions and actions (owner, task, due date) for the team. Judge the summary "
            "against the notes: acceptable, or wrong? If wrong, point at the line."
        ),
        "materials": {"notes": notes},
        "outputs": builder.outputs,
        "judgment": {"error_kinds": ERROR_KINDS, "trap_rate": 0.0},
        "reference": {
            "hints": [
                "Count the actions in the notes and in the summary.",
                "Check each figure, name and date against the notes, line by line.",
            ],
            "explain": (
                "A fluent summary drops an item or changes a figure without any sign. "
                "Check it item by item against the notes before it goes to the team."
            ),
        },
    }
    return Generated(data, {"items": n + 2, "length": len(notes)}, builder.flaws)


def audit(exercise: Any, generated: Generated) -> list[str]:
    notes = exercise.materials["notes"]
    problems = []
    for index, item in enumerate(exercise.outputs):
        if item.wrong:
            continue
        for line in item.output.split("\n")[2:]:
            owner, rest = line[2:].split(": ", 1)
            task, due = rest.rsplit(", by ", 1)
            if f"{owner.split()[0]} will {task} by {due}." not in notes:
                problems.append(f"outputs.{index}: '{line}' is not in the notes")
    return problems


FAMILY = Family(
    id="meeting-summary-review",
    level=1,
    kind=Kind.REVIEW,
    title="A meeting summary: does it match the notes?",
    versions={1: generate},
    audit=audit,
    difficulty=-0.3,
    minutes=5,
    skills=("spotting-wrong-facts", "summaries"),
    functions=("management", "operations"),
)
