# ruff: noqa: E501  (invoice lines are data)
"""L2 review: figures extracted from a UK supplier invoice (VAT at 20 %, day-first dates)."""

from __future__ import annotations

from datetime import date
from typing import Any

from coach.content.families.base import Family, Generated
from coach.content.families.builtin._review import ReviewBuilder
from coach.content.families.material import PRODUCTS, Draw, gbp, long_date, slash_date, vat
from coach.content.models import Kind

ERROR_KINDS = ["wrong arithmetic", "wrong date", "wrong reference", "missing item"]


def invoice(draw: Draw) -> dict[str, Any]:
    supplier, trade = draw.company()
    client, _ = draw.company()
    city = draw.city()
    day = date(draw.year(), draw.int(1, 12), draw.int(1, 12))
    while day.day == day.month:
        day = date(day.year, day.month, draw.int(1, 12))
    items = []
    for name, low, high in draw.sample(PRODUCTS[trade], draw.int(2, 4)):
        qty = draw.int(1, 12)
        unit = draw.int(low, high)
        items.append((name, qty, unit, qty * unit))
    net = sum(line for *_, line in items)
    tax = vat(net)
    number = f"{supplier.split()[0][:3].upper()}-{draw.int(10000, 99999)}"
    text = "\n".join(
        [
            f"{supplier}, {draw.int(1, 180)} {draw.pick(('High Street', 'Mill Lane', 'Station Road', 'Park Row'))}, {city}",
            "VAT reg. GB " + " ".join(str(draw.int(100, 999)) for _ in range(3)),
            f"INVOICE {number}    Date: {slash_date(day)}    Bill to: {client}",
            "",
            *[
                f"{name:<28} {qty:>3} x {gbp(unit):>10} = {gbp(line):>11}"
                for name, qty, unit, line in items
            ],
            "",
            f"{'Subtotal (net)':<44} {gbp(net):>11}",
            f"{'VAT at 20%':<44} {gbp(tax):>11}",
            f"{'Total due':<44} {gbp(net + tax):>11}",
            "Payment within 30 days of the invoice date.",
        ]
    )
    return {
        "supplier": supplier,
        "client": client,
        "day": day,
        "items": items,
        "net": net,
        "tax": tax,
        "number": number,
        "text": text,
    }


def generate(draw: Draw) -> Generated:
    inv = invoice(draw)
    clerk = draw.person()
    day, net, tax = inv["day"], inv["net"], inv["tax"]
    lines = [
        f"Supplier: {inv['supplier']}",
        f"Invoice number: {inv['number']}",
        f"Invoice date: {day.isoformat()} ({long_date(day)})",
        f"Net: {gbp(net)}",
        f"VAT: {gbp(tax)}",
        f"Total: {gbp(net + tax)}",
    ]
    correct = "\n".join(lines)
    builder = ReviewBuilder()
    builder.correct(
        correct,
        "Every figure matches the invoice; the date is read day first, as a UK supplier writes it.",
    )
    us = date(day.year, day.day, day.month)
    builder.replace(
        correct,
        3,
        f"{day.isoformat()} ({long_date(day)})",
        f"{us.isoformat()} ({long_date(us)})",
        "wrong date",
        f"{slash_date(day)} from a UK supplier is {day.isoformat()} ({long_date(day)}), not {us.isoformat()} ({long_date(us)}): it was read month first.",
    )
    on_gross = vat(net + tax)
    builder.replace(
        correct,
        5,
        gbp(tax),
        gbp(on_gross),
        "wrong arithmetic",
        f"VAT is 20% of the net {gbp(net)}, which is {gbp(tax)}; {gbp(on_gross)} is 20% of the total.",
    )
    total_slip = net + tax + draw.pick((-1000, 1000, -100, 100, 9000))
    builder.replace(
        correct,
        6,
        gbp(net + tax),
        gbp(total_slip),
        "wrong arithmetic",
        f"Net {gbp(net)} plus VAT {gbp(tax)} is {gbp(net + tax)}, not {gbp(total_slip)}.",
    )
    digits = inv["number"].split("-")[1]
    swapped = (
        digits[:2] + digits[3] + digits[2] + digits[4:]
        if digits[2] != digits[3]
        else digits[:-1] + str((int(digits[-1]) + 1) % 10)
    )
    builder.replace(
        correct,
        2,
        digits,
        swapped,
        "wrong reference",
        f"The invoice number ends {digits}, not {swapped}: a payment against it would not match.",
    )
    data = {
        "brief": (
            f"{clerk} in accounts payable asked an assistant to pull the key figures from this "
            f"invoice from {inv['supplier']} (a UK supplier) for the payment run. Judge the "
            "extraction: acceptable, or wrong? If wrong, point at the line."
        ),
        "materials": {"invoice": inv["text"]},
        "outputs": builder.outputs,
        "judgment": {"error_kinds": ERROR_KINDS, "trap_rate": 0.0},
        "reference": {
            "hints": [
                "Which way round does a UK supplier write 04/07?",
                "VAT is charged on the net amount: recompute it.",
                "Check the reference digit by digit.",
            ],
            "explain": (
                "Extraction errors are small and confident: a date read month first, VAT "
                "taken on the wrong base, two digits swapped. Each one breaks a payment run."
            ),
        },
    }
    return Generated(
        data,
        {"items": len(inv["items"]), "ambiguous_formats": 1, "length": len(inv["text"])},
        builder.flaws,
    )


def audit(exercise: Any, generated: Generated) -> list[str]:
    """The invoice's own lines add up: quantity x price, net, VAT at 20 %, total."""
    from coach.content.families.material import vat as vat_of

    text = exercise.materials["invoice"]
    problems = []
    lines_total = 0
    for line in text.splitlines():
        if " x " in line and " = " in line:
            qty = int(line.split(" x ")[0].split()[-1])
            unit = int(
                line.split(" x ")[1]
                .split(" = ")[0]
                .strip()
                .lstrip("£")
                .replace(",", "")
                .replace(".", "")
            )
            amount = int(line.split(" = ")[1].strip().lstrip("£").replace(",", "").replace(".", ""))
            if qty * unit != amount:
                problems.append(f"invoice line does not add up: {line.strip()}")
            lines_total += amount
    if gbp(lines_total) not in text or gbp(vat_of(lines_total)) not in text:
        problems.append("subtotal or VAT does not follow from the lines")
    if gbp(lines_total + vat_of(lines_total)) not in text:
        problems.append("the total is not net plus VAT")
    return problems


FAMILY = Family(
    id="invoice-extraction-review",
    level=2,
    kind=Kind.REVIEW,
    title="Invoice figures for the payment run: can you trust them?",
    versions={1: generate},
    audit=audit,
    difficulty=0.0,
    minutes=5,
    skills=("spotting-wrong-facts", "extraction", "date-handling"),
    functions=("finance", "procurement"),
)
