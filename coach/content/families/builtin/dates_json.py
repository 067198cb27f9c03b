# ruff: noqa: E501  (email lines and notes are data)
"""L1 prompt: every date in a supplier email as a JSON list of ISO dates.

A UK sender writes numeric dates day first, a US sender month first; the
generator plants at least one numeric date whose day and month could swap,
a header Date line and relative phrases ("on Friday", "within 30 days") that
are not dates to extract.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from coach.content.families.base import Family, Generated
from coach.content.families.material import (
    Draw,
    email_of,
    long_date,
    ordinal_date,
    short_month_date,
    slash_date,
    us_slash_date,
    weekday,
)
from coach.content.models import Kind

SCHEMA = {"type": "array", "items": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}}
FACTS = (
    "your current subscription ends on {d}",
    "we need the signed order form by {d}",
    "written notice to reduce seats is due no later than {d}",
    "the renewal invoice will be issued on {d}",
    "the data-migration workshop is booked for {d}",
    "the price review meeting is set for {d}",
    "the old API will be switched off on {d}",
    "your account manager changes on {d}",
)


def _dates(draw: Draw, n: int, start: date) -> list[date]:
    out: list[date] = []
    while len(out) < n:
        day = draw.day(start, 200)
        if day not in out:
            out.append(day)
    return out


def generate(draw: Draw) -> Generated:
    uk = draw.chance(0.7)
    sender = draw.person()
    reader = draw.person()
    vendor, _ = draw.company()
    client, _ = draw.company()
    year = draw.year()
    sent = date(year, draw.int(1, 5), draw.int(1, 28))
    n = draw.int(4, 6)
    days = _dates(draw, n, sent + timedelta(days=7))
    # One ambiguous numeric date: day and month both 1-12 and different.
    amb_index = draw.int(0, n - 1)
    while not (days[amb_index].day <= 12 and days[amb_index].day != days[amb_index].month):
        days[amb_index] = date(days[amb_index].year, days[amb_index].month, draw.int(1, 12))
        if days.count(days[amb_index]) > 1:
            days[amb_index] = days[amb_index] + timedelta(days=1)
    formats: tuple[Callable[[date], str], ...] = (
        long_date,
        ordinal_date,
        short_month_date,
        date.isoformat,
    )
    facts = draw.sample(FACTS, n)
    lines = []
    for index, (day, fact) in enumerate(zip(days, facts, strict=True)):
        if index == amb_index:
            text = slash_date(day) if uk else us_slash_date(day)
        else:
            text = draw.pick(formats)(day)
        lines.append("- " + fact.format(d=text)[0].upper() + fact.format(d=text)[1:] + ".")
    friday = sent + timedelta(days=(4 - sent.weekday()) % 7 or 7)
    body = "\n".join(
        [
            f"From: {sender} <{email_of(sender, vendor)}>",
            f"To: {reader} <{email_of(reader, client)}>",
            f"Date: {weekday(sent)[:3]}, {sent.day:02d} {short_month_date(sent).split()[1]} {year} 09:14",
            f"Subject: Your {vendor} renewal - key dates",
            "",
            f"Hi {reader.split()[0]},",
            "",
            "Thanks for the call on Friday. As promised, here are the dates for your renewal:",
            "",
            *lines,
            "",
            "Invoices are payable within 30 days. Let's speak again next week.",
            "",
            "Best,",
            sender.split()[0],
        ]
    )
    iso = [day.isoformat() for day in days]
    amb = days[amb_index]
    misread = date(amb.year, amb.day, amb.month).isoformat()
    wrong_reading = [misread if i == amb_index else d for i, d in enumerate(iso)]
    good = json.dumps(iso)
    label_json = "a bare JSON list of ISO dates"
    label_set = f"exactly the {n} dates in the body"
    convention = "day first (UK)" if uk else "month first (US)"
    numeric = slash_date(amb) if uk else us_slash_date(amb)
    solution = (
        "From the email below, list every calendar date stated in the body (ignore the header "
        'lines and relative phrases such as "on Friday" or "within 30 days").\n'
        f"Numeric dates are written {convention}: {numeric} is {long_date(amb)}.\n"
        "Return only a JSON array of strings in YYYY-MM-DD format, with no code fence and no "
        "other text.\n\nEmail:\n{email}"
    )
    friday_list = json.dumps([friday.isoformat(), *iso])
    data: dict[str, Any] = {
        "brief": (
            f"{reader} at {client} has to put every deadline from this email from {vendor} into "
            "the team calendar, which imports a JSON list.\n\nWrite a prompt that returns every "
            "calendar date stated in the body of the email as a JSON list of ISO 8601 dates "
            "(YYYY-MM-DD), and nothing else: no introduction, no code fence. Ignore the header's "
            "Date line and relative phrases. The sender is in the "
            f"{'UK' if uk else 'US'}."
        ),
        "materials": {"email": body},
        "checks": [
            {"grader": "json", "label": label_json, "schema": SCHEMA},
            {"grader": "set_equals", "label": label_set, "expected": iso},
        ],
        "judgment": {
            "error_kinds": ["missing date", "wrong date", "extra date", "extra text"],
            "trap_rate": 0.25,
            "traps": [
                {
                    "mutate": "drop_item",
                    "error_kind": "missing date",
                    "note": f"One of the {n} dates was removed from the list.",
                },
                {
                    "mutate": "shift_date",
                    "error_kind": "wrong date",
                    "note": "One date was moved; compare each date with the email.",
                },
                {
                    "mutate": "add_extra_text",
                    "error_kind": "extra text",
                    "note": "Text was added around the JSON, so the calendar import would reject it.",
                },
            ],
        },
        "reference": {
            "solution": solution,
            "good_output": good,
            "also_good": [json.dumps(sorted(iso)), json.dumps(iso, indent=2)],
            "bad_output": json.dumps(wrong_reading),
            "hints": [
                "Say exactly what the output must look like, and what must not surround it.",
                f"One date is written {numeric}. Which month is that for a "
                f"{'UK' if uk else 'US'} sender, and will the model know?",
                "Count the dates in the email yourself before you trust the list.",
            ],
            "explain": (
                "Date extraction goes wrong in format (an introduction or a code fence breaks the "
                "import) and in meaning: a numeric date like "
                f"{numeric} reads differently in the UK and the US. State the convention, and "
                "count the dates against the source."
            ),
        },
        "fairness": {
            "good": [
                {"style": "newest first", "output": json.dumps(sorted(iso, reverse=True))},
                {"style": "no spaces", "output": json.dumps(iso, separators=(",", ":"))},
                {"style": "trailing newline", "output": "\n" + json.dumps(iso) + "\n"},
                {
                    "style": "one per line",
                    "output": "[\n" + ",\n".join(f'"{d}"' for d in iso) + "\n]",
                },
                {"style": "tab-indented", "output": json.dumps(sorted(iso), indent="\t")},
            ],
            "bad": [
                {"why": "a date left out", "check": label_set, "output": json.dumps(iso[1:])},
                {
                    "why": f"{numeric} read the other way round",
                    "check": label_set,
                    "output": json.dumps(sorted(wrong_reading)),
                },
                {
                    "why": "'on Friday' turned into a date",
                    "check": label_set,
                    "output": friday_list,
                },
                {
                    "why": "dates not in ISO form",
                    "check": label_json,
                    "output": json.dumps([slash_date(d) for d in days]),
                },
                {
                    "why": "wrapped in a code fence",
                    "check": label_json,
                    "output": "```json\n" + good + "\n```",
                },
            ],
        },
    }
    features = {"items": n, "ambiguous_formats": 1, "distractors": 3, "length": len(body)}
    return Generated(data, features)


def audit(exercise: Any, generated: Generated) -> list[str]:
    """Each expected date is stated in the email, in some written form."""
    email = exercise.materials["email"]
    problems = []
    for iso in json.loads(exercise.reference.good_output):
        day = date.fromisoformat(iso)
        forms = (
            long_date(day),
            ordinal_date(day),
            short_month_date(day),
            iso,
            slash_date(day),
            us_slash_date(day),
        )
        if not any(form in email for form in forms):
            problems.append(f"expected date {iso} is not stated in the email")
    return problems


FAMILY = Family(
    id="dates-to-json",
    level=1,
    kind=Kind.PROMPT,
    title="Dates from a supplier email, as JSON",
    versions={1: generate},
    audit=audit,
    difficulty=-0.2,
    minutes=4,
    skills=("format-control", "extraction", "date-handling"),
    functions=("operations", "procurement"),
)
