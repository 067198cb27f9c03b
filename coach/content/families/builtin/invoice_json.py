# ruff: noqa: E501  (outputs are data)
"""L2 prompt: an invoice's key figures as a JSON object for the payment run."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from coach.content.families.base import Family, Generated
from coach.content.families.builtin.invoice_review import invoice
from coach.content.families.material import Draw, long_date, plain_money, slash_date, vat
from coach.content.models import Kind

SCHEMA = {
    "type": "object",
    "required": ["invoice_number", "invoice_date", "net", "vat", "total"],
    "additionalProperties": False,
    "properties": {
        "invoice_number": {"type": "string"},
        "invoice_date": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
        "net": {"type": "number"},
        "vat": {"type": "number"},
        "total": {"type": "number"},
    },
}
KEYS = ("invoice_number", "invoice_date", "net", "vat", "total")


def _num(pence: int) -> float:
    return int(plain_money(pence).replace(".", "")) / 100


def generate(draw: Draw) -> Generated:
    inv = invoice(draw)
    clerk = draw.person()
    day: date = inv["day"]
    net, tax = inv["net"], inv["tax"]
    obj = {
        "invoice_number": inv["number"],
        "invoice_date": day.isoformat(),
        "net": _num(net),
        "vat": _num(tax),
        "total": _num(net + tax),
    }

    def dumps(o: dict[str, Any], **kw: Any) -> str:
        text = json.dumps(o, **kw)
        # json writes 6767.8 for 6767.80; money keeps two decimals, as a person writes it.
        for key in ("net", "vat", "total"):
            text = text.replace(
                f'"{key}": {json.dumps(o[key])}', f'"{key}": {plain_money(round(o[key] * 100))}'
            )
            text = text.replace(
                f'"{key}":{json.dumps(o[key])}', f'"{key}":{plain_money(round(o[key] * 100))}'
            )
        return text

    us = date(day.year, day.day, day.month)
    labels = {
        "json": "a bare JSON object with exactly the five fields",
        "number": "the invoice number exactly",
        "date": "the invoice date, read day first",
        "net": "the net amount",
        "vat": "VAT at 20% of the net",
        "total": "the total due",
    }
    checks = [
        {"grader": "json", "label": labels["json"], "schema": SCHEMA},
        {
            "grader": "regex",
            "label": labels["number"],
            "pattern": rf'"invoice_number"\s*:\s*"{inv["number"]}"',
        },
        {
            "grader": "regex",
            "label": labels["date"],
            "pattern": rf'"invoice_date"\s*:\s*"{day.isoformat()}"',
        },
    ]
    for key, pence in (("net", net), ("vat", tax), ("total", net + tax)):
        checks.append(
            {
                "grader": "number",
                "label": labels[key],
                "expected": _num(pence),
                "pattern": rf'"{key}"\s*:\s*(-?[0-9][0-9.]*)',
            }
        )
    good = dumps(obj)
    reordered = {key: obj[key] for key in ("total", "vat", "net", "invoice_date", "invoice_number")}
    wrong_vat = vat(net + tax)
    slipped_total = net + tax + draw.pick((-1000, 1000, 900))
    data: dict[str, Any] = {
        "brief": (
            f"{clerk} in accounts payable wants a prompt that turns an invoice from {inv['supplier']} "
            "(a UK supplier: dates are day first, VAT is 20%) into a JSON object for the payment run: "
            "invoice_number, invoice_date (YYYY-MM-DD), net, vat and total as plain numbers. Only the "
            "JSON object: no code fence, no other text."
        ),
        "materials": {"invoice": inv["text"]},
        "checks": checks,
        "judgment": {
            "error_kinds": ["wrong date", "wrong amount", "wrong reference", "extra text"],
            "trap_rate": 0.25,
            "traps": [
                {
                    # A recorded mistake, not change_number: as telling, and a third of the proof's cost.
                    "output": dumps({**obj, "vat": _num(wrong_vat)}),
                    "error_kind": "wrong amount",
                    "note": f"VAT was taken on the total: 20% of the net {plain_money(net)} is {plain_money(tax)}.",
                },
                {
                    "mutate": "shift_date",
                    "error_kind": "wrong date",
                    "note": "The invoice date was moved.",
                },
                {
                    "mutate": "add_extra_text",
                    "error_kind": "extra text",
                    "note": "Text was added around the JSON; the import would reject it.",
                },
            ],
        },
        "reference": {
            "solution": (
                "Extract from the invoice below: invoice_number, invoice_date, net, vat and total.\n"
                f"Dates are UK style, day first: {slash_date(day)} is {long_date(day)}.\n"
                "Return only a JSON object with exactly those five keys; invoice_date as YYYY-MM-DD; "
                "amounts as plain numbers with no currency sign. No code fence, no other text.\n\n"
                "Invoice:\n{invoice}"
            ),
            "good_output": good,
            "also_good": [dumps(obj, indent=2), dumps(reordered)],
            "bad_output": dumps({**obj, "invoice_date": us.isoformat()}),
            "hints": [
                f"The invoice says {slash_date(day)}. Which month is that from a UK supplier?",
                "Name the exact keys and say what may surround the JSON (nothing).",
                "Amounts as numbers: no £ sign, no thousands commas.",
            ],
            "explain": (
                "An import needs exact keys and types; a payment needs exact figures. State the "
                "date convention, the keys and the number format, and check the figures against "
                "the invoice."
            ),
        },
        "fairness": {
            "good": [
                {"style": "no spaces", "output": dumps(obj, separators=(",", ":"))},
                {"style": "tab-indented", "output": dumps(obj, indent="\t")},
                {"style": "trailing newline", "output": "\n" + good + "\n"},
                {"style": "total first, indented", "output": dumps(reordered, indent=4)},
            ],
            "bad": [
                {
                    "why": "date read month first",
                    "check": labels["date"],
                    "output": dumps({**obj, "invoice_date": us.isoformat()}, indent=2),
                },
                {
                    "why": "VAT taken on the gross",
                    "check": labels["vat"],
                    "output": dumps({**obj, "vat": _num(wrong_vat)}),
                },
                {
                    "why": "total slipped",
                    "check": labels["total"],
                    "output": dumps({**obj, "total": _num(slipped_total)}),
                },
                {
                    "why": "amounts as text with £",
                    "check": labels["json"],
                    "output": json.dumps({**obj, "net": f"£{obj['net']:,.2f}"}),
                },
                {
                    "why": "wrapped in a code fence",
                    "check": labels["json"],
                    "output": "```json\n" + good + "\n```",
                },
            ],
        },
    }
    features = {"items": len(inv["items"]), "ambiguous_formats": 1, "length": len(inv["text"])}
    return Generated(data, features)


def audit(exercise: Any, generated: Generated) -> list[str]:
    from coach.content.families.builtin.invoice_review import audit as invoice_audit

    problems = invoice_audit(exercise, generated)
    good = json.loads(exercise.reference.good_output)
    if round(good["total"] * 100) != round(good["net"] * 100) + round(good["vat"] * 100):
        problems.append("reference: total is not net plus VAT")
    if round(good["vat"] * 100) != vat(round(good["net"] * 100)):
        problems.append("reference: VAT is not 20% of the net")
    return problems


FAMILY = Family(
    id="invoice-to-json",
    level=2,
    kind=Kind.PROMPT,
    title="Invoice figures as JSON for the payment run",
    versions={1: generate},
    audit=audit,
    difficulty=0.0,
    minutes=5,
    skills=("format-control", "extraction", "date-handling"),
    functions=("finance",),
)
