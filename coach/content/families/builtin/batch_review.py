# ruff: noqa: E501  (tickets are data)
"""L4 review: a batch of labelled support tickets, with one bad row (or none).

The label and priority of every ticket follow from written rules; the truth
of each row is computed by `rule_for` from the ticket's kind, and the audit
recomputes it from the rules table.
"""

from __future__ import annotations

from typing import Any

from coach.content.families.base import Family, Generated
from coach.content.families.builtin._review import ReviewBuilder
from coach.content.families.material import Draw, gbp
from coach.content.models import Kind

# kind of ticket → (label, priority); the rules the instructions state.
RULES = {
    "outage": ("incident", "P1"),
    "security": ("security", "P1"),
    "refund": ("billing", "P2"),
    "invoice": ("billing", "P3"),
    "how-to": ("question", "P3"),
    "feature": ("feedback", "P4"),
}
TEMPLATES = {
    "outage": (
        "Nobody in our {city} office can log in since 9am, the whole team is blocked.",
        "Checkout page returns an error for every customer since the last release.",
    ),
    "security": (
        "I got a password reset email I never asked for, and my email address was changed.",
        "Someone from {city} logged into my account at 3am; I was asleep.",
    ),
    "refund": (
        "I was charged {amount} twice this month, please refund the duplicate.",
        "I cancelled within the trial but was still charged {amount}. I want it back.",
    ),
    "invoice": (
        "Can you resend invoice {ref}? Our finance team lost it.",
        "Please add our VAT number to invoice {ref}.",
    ),
    "how-to": (
        "How do I export my reports to Excel?",
        "Where do I change the email address for notifications?",
    ),
    "feature": (
        "It would be great if the dashboard had a dark mode.",
        "Please add a way to bulk-archive old projects.",
    ),
}
ERROR_KINDS = ["wrong label", "wrong priority"]


def generate(draw: Draw) -> Generated:
    lead = draw.person()
    n = draw.int(6, 10)
    # Distinct ticket texts: each (kind, template) at most once, an outage always among them.
    pairs = [(kind, text) for kind in sorted(TEMPLATES) for text in TEMPLATES[kind]]
    chosen = draw.sample(pairs, n)
    if not any(kind == "outage" for kind, _ in chosen):
        chosen[draw.int(0, n - 1)] = ("outage", TEMPLATES["outage"][draw.int(0, 1)])
    tickets = []
    for index, (kind, template) in enumerate(chosen):
        text = template.format(
            city=draw.city(), amount=gbp(draw.int(900, 24000)), ref=f"INV-{draw.int(1000, 9999)}"
        )
        tickets.append((f"T-{draw.int(100, 999)}{index}", kind, text))
    rows = [f"{tid} | {RULES[kind][0]} | {RULES[kind][1]}" for tid, kind, _ in tickets]
    correct = "\n".join(rows)
    builder = ReviewBuilder()
    builder.correct(correct, "Every row follows the rules.")
    k = draw.int(0, n - 1)
    tid, kind, _ = tickets[k]
    label, priority = RULES[kind]
    wrong_label = draw.pick(
        [lab for lab in ("incident", "security", "billing", "question", "feedback") if lab != label]
    )
    builder.replace(
        correct,
        k + 1,
        f"| {label} |",
        f"| {wrong_label} |",
        "wrong label",
        f"{tid} is a ticket of kind '{kind}': the rules label it '| {label} |', not '| {wrong_label} |'.",
    )
    j = draw.pick([i for i, (_, kd, _) in enumerate(tickets) if RULES[kd][1] != "P4"] or [0])
    tid, kind, _ = tickets[j]
    priority = RULES[kind][1]
    lower = {"P1": "P3", "P2": "P4", "P3": "P4", "P4": "P3"}[priority]
    builder.replace(
        correct,
        j + 1,
        f"| {priority}",
        f"| {lower}",
        "wrong priority",
        f"{tid} ({kind}) is '| {priority}' by the rules, not '| {lower}'.",
    )
    rules = "\n".join(
        f"- {kind}: label {label}, priority {prio}" for kind, (label, prio) in RULES.items()
    )
    data = {
        "brief": (
            f"{lead} runs reusable triage instructions over each day's support tickets. "
            "Below is one batch's output (ticket | label | priority). Judge the batch "
            "against the rules: acceptable, or wrong? If wrong, point at the row."
        ),
        "materials": {
            "rules": rules,
            "tickets": "\n".join(f"{tid}: {text}" for tid, _, text in tickets),
        },
        "outputs": builder.outputs,
        "judgment": {"error_kinds": ERROR_KINDS, "trap_rate": 0.0},
        "reference": {
            "hints": [
                "Classify each ticket yourself from the rules before reading the batch.",
                "A batch that is right on nine rows can still send an outage to the back of the queue.",
            ],
            "explain": (
                "Reusable instructions fail on a few inputs, not all; a reviewer who samples "
                "rows against the rules finds the one that matters."
            ),
        },
    }
    return Generated(data, {"items": n, "distractors": 0, "length": len(correct)}, builder.flaws)


def audit(exercise: Any, generated: Generated) -> list[str]:
    kinds = {}
    for line in exercise.materials["tickets"].splitlines():
        tid, text = line.split(": ", 1)
        kinds[tid] = next(
            kind
            for kind, texts in TEMPLATES.items()
            if any(text == t.split("{")[0] or text.startswith(t.split("{")[0]) for t in texts)
        )
    problems = []
    for index, item in enumerate(exercise.outputs):
        if item.wrong:
            continue
        for row in item.output.split("\n"):
            tid, label, prio = (part.strip() for part in row.split("|"))
            if RULES[kinds[tid]] != (label, prio):
                problems.append(f"outputs.{index}: row {tid} breaks the rules")
    return problems


FAMILY = Family(
    id="triage-batch-review",
    level=4,
    kind=Kind.REVIEW,
    title="A day's triage batch: is every row right?",
    versions={1: generate},
    audit=audit,
    difficulty=-0.1,
    minutes=6,
    skills=("reusable-instructions", "spot-checking"),
    functions=("support", "operations"),
)
