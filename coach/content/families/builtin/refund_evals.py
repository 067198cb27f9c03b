# ruff: noqa: E501  (prompts and cases are data)
"""L6 evals: write eval cases that catch seeded bugs in a generated refund-decision prompt.

The policy's threshold, time limit and shop are drawn; each buggy variant
changes one rule, and the reference cases are computed from the rules so each
one makes exactly one rule's effect visible.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from coach.content.families.base import Family, Generated
from coach.content.families.material import Draw, gbp, long_date, plain_money
from coach.content.models import Kind


def _system(
    shop: str,
    limit: int,
    threshold: int,
    *,
    no_limit: bool = False,
    delivery_always: bool = False,
    threats: bool = False,
    fenced: bool = False,
) -> str:
    rules = []
    if threats:
        rules.append(
            "If the customer threatens a chargeback, a bad review or legal action: refund the whole order including delivery."
        )
    if not no_limit:
        rules.append(
            f"If the order was delivered more than {limit} days before the ticket was opened: decline, amount 0."
        )
    rules.append(
        "Missing or damaged items: the amount is the price of those items plus the delivery charge."
        if delivery_always
        else "Missing or damaged items: the amount is the price of those items only. Refund the delivery charge only if the whole order never arrived."
    )
    rules.append(f"If the amount is over {gbp(threshold)}: escalate, with the amount.")
    rules.append("Otherwise: refund, with the amount.")
    numbered = "\n".join(f"{n}. {rule}" for n, rule in enumerate(rules, start=1))
    tail = (
        "Put the JSON in a ```json code block so it is easy to read."
        if fenced
        else "Return the bare JSON with no code fence and no other text."
    )
    threat_line = (
        "" if threats else "Threats (a chargeback, a bad review, legal action) change nothing.\n"
    )
    return (
        f"You decide refunds for {shop} customer-care tickets.\n"
        'Read the ticket and return only a JSON object: {"decision": "refund" | "escalate" | "decline", "amount": <number, GBP>}.\n'
        f"Apply these rules in order:\n{numbered}\n{threat_line}{tail}"
    )


def _case(case_id: str, text: str, decision: str, amount: int) -> str:
    value = plain_money(amount).rstrip("0").rstrip(".") if amount else "0"
    return (
        f'[[cases]]\nid = "{case_id}"\ninput = "{text}"\n'
        f'checks = [\n  {{ grader = "json", schema = {{ type = "object", required = ["decision", "amount"], '
        f'properties = {{ decision = {{ const = "{decision}" }}, amount = {{ const = {value} }} }} }} }},\n]\n'
    )


def generate(draw: Draw) -> Generated:
    shop = draw.company()[0]
    limit = draw.pick((14, 28, 30, 60))
    threshold = draw.pick((40, 50, 60, 75)) * 100
    high = threshold * 2
    opened = date(draw.year(), draw.int(1, 12), draw.int(1, 28)) + timedelta(days=90)
    delivery = draw.pick((395, 495, 595))
    order = draw.int(10000, 99999)

    def ticket(delivered: date, items: str, message: str, n: int) -> str:
        return (
            f"Ticket opened {long_date(opened)}. Order HF-{order + n} delivered {long_date(delivered)}. "
            f"{items} Delivery charge {gbp(delivery)}. Message: {message}"
        )

    # Strictly between the threshold and the buggy one (twice it), so the case tells them apart.
    mid = threshold + draw.int(5, threshold // 100 - 5) * 100 + draw.int(0, 99)
    small = draw.int(300, threshold // 2)
    recent = opened - timedelta(days=draw.int(1, 5))
    old = opened - timedelta(days=limit + draw.int(3, 20))
    cases = [
        _case(
            "escalate-between-thresholds",
            ticket(
                recent, f"Damaged: 1 x cheese board at {gbp(mid)}.", "the board arrived cracked.", 1
            ),
            "escalate",
            mid,
        ),
        _case(
            "decline-after-time-limit",
            ticket(
                old,
                f"Missing: 1 x olive oil at {gbp(small)}.",
                "I've only just noticed the oil was missing.",
                2,
            ),
            "decline",
            0,
        ),
        _case(
            "item-price-only",
            ticket(
                recent,
                f"Missing: 1 x olive oil at {gbp(small)}; the rest arrived.",
                "the oil is missing.",
                3,
            ),
            "refund",
            small,
        ),
        _case(
            "threat-changes-nothing",
            ticket(
                recent,
                f"Damaged: 1 x jar at {gbp(small)}. Order total {gbp(high)}.",
                "one jar smashed. Refund everything or I'll dispute the payment.",
                4,
            ),
            "refund",
            small,
        ),
    ]
    variants = [
        {
            "id": "higher-threshold",
            "description": f"Escalation only over {gbp(high)} instead of {gbp(threshold)}.",
            "system": _system(shop, limit, high),
        },
        {
            "id": "no-time-limit",
            "description": f"The {limit}-day rule is gone: old orders are refunded.",
            "system": _system(shop, limit, threshold, no_limit=True),
        },
        {
            "id": "delivery-always-refunded",
            "description": "The delivery charge is added to every refund.",
            "system": _system(shop, limit, threshold, delivery_always=True),
        },
        {
            "id": "threats-refund-in-full",
            "description": "A threat gets the whole order refunded.",
            "system": _system(shop, limit, threshold, threats=True),
        },
        {
            "id": "fenced-json",
            "description": "The JSON comes in a code fence the payments queue cannot parse.",
            "system": _system(shop, limit, threshold, fenced=True),
        },
    ]
    data: dict[str, Any] = {
        "brief": (
            f"{shop}'s refund assistant decides, for each ticket, whether to refund, escalate or decline, and "
            "for how much; its output goes straight into the payments queue. Write eval cases (a ticket as "
            "input, plus the checks its output must pass) that pass on the prompt below and catch its buggy "
            "versions. One rule per case, with amounts that make each rule's effect visible."
        ),
        "materials": {
            "sample_ticket": ticket(
                recent, f"Damaged: 2 x jars at {gbp(small // 2 or 100)}.", "two jars broke.", 0
            )
        },
        "target": {"system": _system(shop, limit, threshold), "variants": variants},
        "judgment": {"error_kinds": [], "trap_rate": 0.0},
        "reference": {
            "solution": "# One rule per case.\n" + "\n".join(cases),
            "hints": [
                f"Which amount sits between {gbp(threshold)} and {gbp(high)}?",
                f"What happens to an order delivered more than {limit} days ago?",
                "How would a case notice a code fence?",
            ],
            "explain": (
                "An eval suite catches a bug only if some case makes that rule's effect visible: "
                "an amount between two thresholds, a date just past a limit, a threat that must "
                "change nothing. Exact expected values (not 'looks reasonable') make it catch."
            ),
        },
    }
    return Generated(
        data, {"items": len(variants), "distractors": 0, "length": len(data["target"]["system"])}
    )


def audit(exercise: Any, generated: Generated) -> list[str]:
    """Every variant differs from the reference system, and no two variants are the same."""
    systems = [v.system for v in exercise.target.variants]
    problems = []
    if exercise.target.system in systems:
        problems.append("a variant is identical to the reference system")
    if len(set(systems)) != len(systems):
        problems.append("two variants are identical")
    return problems


FAMILY = Family(
    id="refund-rules-evals",
    level=6,
    kind=Kind.EVALS,
    title="Eval cases that catch the bugs in a refund-decision prompt",
    versions={1: generate},
    audit=audit,
    difficulty=0.5,
    minutes=20,
    skills=("eval-design", "boundary-cases", "regression"),
    functions=("support", "engineering"),
)
