# ruff: noqa: E501  (replies are data)
"""L2 prompt: a reply to a customer whose order is late, with required facts and
promises it must not make (policy: the delivery fee back, nothing more)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from coach.content.families.base import Family, Generated
from coach.content.families.material import MONTHS, Draw, gbp, long_date, ordinal_date
from coach.content.models import Kind

ITEMS = (
    "standing desk",
    "coffee machine",
    "office chair",
    "printer",
    "monitor arm",
    "bookcase",
    "filing cabinet",
)
BANNED = ["full refund", "guarantee", "guaranteed", "compensation of", "free of charge next time"]


def _date_pattern(day: date) -> str:
    month = MONTHS[day.month - 1]
    d, m = day.day, day.month
    return (
        rf"(?:\b{d}(?:st|nd|rd|th)?\s+(?:of\s+)?{month}\b|\b{month}\s+{d}(?:st|nd|rd|th)?\b"
        rf"|\b0?{d}/0?{m}(?:/\d{{2,4}})?\b)"
    )


def generate(draw: Draw) -> Generated:
    customer = draw.person()
    agent = draw.person()
    shop, _ = draw.company()
    item = draw.pick(ITEMS)
    order = f"ORD-{draw.int(100000, 999999)}"
    ordered = date(draw.year(), draw.int(1, 12), draw.int(1, 28))
    promised = ordered + timedelta(days=draw.int(3, 6))
    new = promised + timedelta(days=draw.int(3, 12))
    fee = draw.pick((399, 495, 499, 595, 699, 750))
    first = customer.split()[0]
    title_name = customer.split()[1]
    me = agent.split()[0]
    cause = draw.pick(
        (
            "a delay at our supplier",
            "a stock shortage at our warehouse",
            "a fault found at our final quality check",
        )
    )
    complaint = (
        f"From: {customer}\nOrder {order}: I ordered a {item} on {long_date(ordered)} and was promised it by "
        f"{long_date(promised)}. It still hasn't arrived and nobody has told me anything. I want a full refund "
        "and a guarantee it will come this week, or I'm cancelling."
    )
    notes = (
        f"Internal: {order} is delayed by {cause}. New dispatch date {long_date(new)}. Policy for late orders: "
        f"refund the delivery fee ({gbp(fee)}) automatically; no other compensation; never guarantee dates "
        "beyond the dispatch date. The customer may cancel for a full refund only if they cancel the order."
    )
    labels = {
        "order": "the order number",
        "date": "the new dispatch date",
        "fee": "the delivery fee refund",
        "sorry": "an apology",
        "banned": "no promise beyond the policy",
        "length": "under 160 words",
    }
    checks = [
        {"grader": "contains", "label": labels["order"], "value": order},
        {"grader": "regex", "label": labels["date"], "pattern": _date_pattern(new), "flags": "i"},
        {"grader": "contains_any", "label": labels["fee"], "values": [gbp(fee), gbp(fee)[1:]]},
        {
            "grader": "contains_any",
            "label": labels["sorry"],
            "values": ["sorry", "apologise", "apologize", "apologies"],
        },
        {"grader": "must_not_contain", "label": labels["banned"], "values": BANNED},
        {"grader": "length", "label": labels["length"], "max_words": 160, "min_words": 25},
    ]
    d_long, d_ord = long_date(new), ordinal_date(new)
    d_us = f"{MONTHS[new.month - 1]} {new.day}"
    d_num = f"{new.day:02d}/{new.month:02d}/{new.year}"
    f = gbp(fee)
    good = (
        f"Dear {first},\n\nI'm sorry your {item} (order {order}) is late and that nobody told you. "
        f"It was held up by {cause}; it will now be dispatched on {d_long}. We have refunded your "
        f"delivery fee of {f}, which you will see on your statement in a few days.\n\nIf you would "
        f"rather cancel the order, reply and we will refund it in full.\n\nKind regards,\n{me}, {shop}"
    )
    variants = [
        (
            "formal",
            f"Dear {customer.split()[0][0]}. {title_name},\n\nPlease accept our apologies for the delay to order {order}. Your {item} will be dispatched on {d_ord}. The delivery charge of {f} has been refunded to your card.\n\nShould you prefer to cancel the order instead, we will refund it in full.\n\nYours sincerely,\n{me}\n{shop}",
        ),
        (
            "bullets",
            f"Hi {first},\n\nSorry about the wait on order {order}. Where things stand:\n- New dispatch date: {d_long}\n- Delivery fee refunded: {f}\n- Prefer to cancel? Reply and we'll refund the order.\n\nThanks for your patience,\n{me}",
        ),
        (
            "short",
            f"Hi {first}, apologies: order {order} ({item}) now ships on {d_long}. We've refunded the {f} delivery fee. If you'd rather cancel the order, just reply and we'll refund it. {me}",
        ),
        (
            "American date",
            f"Hello {first},\n\nI apologize for the delay with order {order}. Your {item} is scheduled to ship on {d_us}, and we've refunded your {f} delivery fee.\n\nIf you'd prefer to cancel the order, let me know and we'll refund it in full.\n\nBest,\n{me}",
        ),
        (
            "numeric date",
            f"Dear {first},\n\nI'm sorry for the delay to your order {order}. The new dispatch date is {d_num}. Your delivery fee ({f}) has been refunded.\n\nYou can still cancel the order for a refund of the order if you prefer.\n\nRegards,\n{me}, {shop}",
        ),
        (
            "warm",
            f"Hi {first},\n\nI'm really sorry - you should have heard from us before now. Your {item} (order {order}) was delayed by {cause}, and it will leave us on {d_long}. I've refunded the {f} you paid for delivery.\n\nIf that date doesn't work for you, reply and we'll cancel the order and refund it in full.\n\nWarm wishes,\n{me}",
        ),
    ]
    shifted = new + timedelta(days=draw.pick((2, 5, 7)))
    bad_output = good.replace(
        "We have refunded your delivery fee",
        "We will give you a full refund and have refunded your delivery fee",
    )
    data: dict[str, Any] = {
        "brief": (
            f"{agent} in customer service at {shop} wants a prompt that drafts the reply to this "
            "complaint from the internal notes. The reply must apologise, give the order number, the "
            "new dispatch date and the delivery fee refund, and mention that cancelling gets a full "
            "refund of the order; it must promise nothing else (no full refund offered as compensation, "
            "no guarantees). Under 160 words."
        ),
        "materials": {"complaint": complaint, "notes": notes},
        "checks": checks,
        "judgment": {
            "error_kinds": ["missing fact", "wrong date", "forbidden promise", "too long"],
            "trap_rate": 0.25,
            "traps": [
                {
                    "mutate": "shift_date",
                    "error_kind": "wrong date",
                    "note": "The dispatch date was moved; compare it with the notes.",
                },
                {
                    "output": good.replace(
                        f"delivery fee of {f}",
                        f"delivery fee of {f} and guaranteed delivery this week",
                    ),
                    "error_kind": "forbidden promise",
                    "note": "It guarantees delivery this week, which the policy forbids.",
                },
            ],
        },
        "reference": {
            "solution": (
                "Write a reply to the customer complaint below, using only the facts in the internal notes.\n"
                "Apologise; give the order number, the new dispatch date and the delivery fee refund; say "
                "that cancelling the order gets a full refund of the order. Promise nothing else: no other "
                "compensation, no guarantees, never the words 'full refund' except for cancelling. "
                "Under 160 words.\n\nComplaint:\n{complaint}\n\nNotes:\n{notes}"
            ),
            "good_output": good,
            "also_good": [variants[0][1], variants[1][1]],
            "bad_output": bad_output,
            "hints": [
                "Which facts must the customer read, and where does each come from?",
                "The customer asks for a full refund and a guarantee. What may the reply offer?",
            ],
            "explain": (
                "An assistant drafting to an angry customer tends to give what is asked: a full refund, "
                "a guaranteed date. Name the facts the reply must carry and the promises it must not "
                "make, and check the draft against the policy before it is sent."
            ),
        },
        "fairness": {
            "good": [{"style": style, "output": text} for style, text in variants[2:]],
            "bad": [
                {
                    "why": "offers a full refund as compensation",
                    "check": labels["banned"],
                    "output": bad_output,
                },
                {
                    "why": "guarantees a date",
                    "check": labels["banned"],
                    "output": variants[3][1].replace(
                        "is scheduled to ship", "is guaranteed to ship"
                    ),
                },
                {
                    "why": "the wrong dispatch date",
                    "check": labels["date"],
                    "output": good.replace(d_long, long_date(shifted)),
                },
                {
                    "why": "no order number",
                    "check": labels["order"],
                    "output": good.replace(f" (order {order})", ""),
                },
                {
                    "why": "no delivery fee refund",
                    "check": labels["fee"],
                    "output": variants[2][1].replace(f"We've refunded the {f} delivery fee. ", ""),
                },
            ],
        },
    }
    return Generated(
        data,
        {
            "items": 4,
            "distractors": 2,
            "injected_instructions": 0,
            "length": len(complaint) + len(notes),
        },
    )


def audit(exercise: Any, generated: Generated) -> list[str]:
    """The notes state the date and fee the checks demand."""
    notes = exercise.materials["notes"]
    problems = []
    fee = next(c for c in exercise.checks if c.label == "the delivery fee refund").options[
        "values"
    ][0]
    if fee not in notes:
        problems.append("the fee the checks want is not in the notes")
    return problems


FAMILY = Family(
    id="late-order-reply",
    level=2,
    kind=Kind.PROMPT,
    title="A late-order reply: the facts, and no promises beyond policy",
    versions={1: generate},
    audit=audit,
    difficulty=0.1,
    minutes=6,
    skills=("constraints", "customer-communication"),
    functions=("support",),
)
