"""L1 review: a team's expenses by category against budgets (a slipped sum, a
transposed total, a missed overspend)."""

from __future__ import annotations

from datetime import date
from typing import Any

from coach.content.families.base import Family, Generated
from coach.content.families.builtin._review import ReviewBuilder
from coach.content.families.material import Draw, gbp, plain_money
from coach.content.models import Kind

CATEGORIES = ("Travel", "Meals", "Hotels", "Software", "Training", "Stationery")
ERROR_KINDS = ["wrong arithmetic", "wrong conclusion", "missing item", "invented fact"]
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _lines(totals: dict[str, int], budgets: dict[str, int], cats: list[str]) -> list[str]:
    out = []
    for cat in cats:
        over = totals[cat] - budgets[cat]
        note = (
            f"budget {gbp(budgets[cat])}, over by {gbp(over)}"
            if over > 0
            else f"budget {gbp(budgets[cat])}"
        )
        out.append(f"{cat}: {gbp(totals[cat])} ({note})")
    return out


def generate(draw: Draw) -> Generated:
    manager = draw.person()
    staff = draw.people(3)
    year = draw.year()
    month = draw.int(1, 12)
    cats = draw.sample(CATEGORIES, draw.int(3, 4))
    n_lines = draw.int(len(cats) + 2, len(cats) + 5)
    rows: list[tuple[date, str, str, int]] = []
    for index in range(n_lines):
        cat = cats[index % len(cats)]
        rows.append(
            (date(year, month, draw.int(1, 28)), draw.pick(staff), cat, draw.int(1500, 32000))
        )
    rows.sort(key=lambda row: (row[0], row[1], row[2], row[3]))
    totals = {cat: sum(r[3] for r in rows if r[2] == cat) for cat in cats}
    # Budgets: some categories over, some under; at least two over for the missed-overspend flaw.
    over = draw.sample(cats, 2)
    budgets = {}
    for cat in cats:
        hundreds = totals[cat] // 10000
        budgets[cat] = (hundreds * 10000) if cat in over else (hundreds + draw.int(1, 3)) * 10000
        if budgets[cat] == totals[cat] or budgets[cat] <= 0:
            budgets[cat] = (hundreds + 1) * 10000 if cat not in over else max(1, hundreds) * 10000
    over = [cat for cat in cats if totals[cat] > budgets[cat]]
    if len(over) < 2:  # a category under £100 cannot be over a whole-hundred budget: redraw shape
        budgets[cats[0]] = (totals[cats[0]] // 10000) * 10000 or 5000
        budgets[cats[1]] = (totals[cats[1]] // 10000) * 10000 or 5000
        over = [cat for cat in cats if totals[cat] > budgets[cat]]
    grand = sum(totals.values())
    csv = "date,employee,category,amount_gbp\n" + "\n".join(
        f"{d.isoformat()},{who},{cat},{plain_money(p)}" for d, who, cat, p in rows
    )
    budget_text = "Monthly budgets (GBP): " + ", ".join(
        f"{cat} {budgets[cat] // 100}" for cat in cats
    )
    lines = _lines(totals, budgets, cats)
    over_text = " and ".join(over) if len(over) == 2 else ", ".join(over)
    correct = "\n".join([*lines, f"Total: {gbp(grand)}", f"Over budget: {over_text}."])
    month_name = MONTH_NAMES[month - 1]
    builder = ReviewBuilder()
    builder.correct(
        correct,
        f"Every category total is right, the overall total is {gbp(grand)}, "
        f"and every overspend ({over_text}) is found.",
    )
    # A slipped category sum (by £10 or £1).
    slip_cat = draw.pick(cats)
    slip = draw.pick((1000, -1000, 100, -100))
    slip_index = cats.index(slip_cat)
    old = gbp(totals[slip_cat])
    new = gbp(totals[slip_cat] + slip)
    members = " + ".join(plain_money(r[3]) for r in rows if r[2] == slip_cat)
    builder.replace(
        correct,
        slip_index + 1,
        old,
        new,
        "wrong arithmetic",
        f"{slip_cat} adds up to {old} ({members}), not {new}: a sum of several decimals slipped.",
    )
    # A transposed overall total.
    digits = plain_money(grand).replace(".", "")
    swapped = None
    for i in range(len(digits) - 2, -1, -1):
        if digits[i] != digits[i + 1]:
            swapped = digits[:i] + digits[i + 1] + digits[i] + digits[i + 2 :]
            break
    if swapped is not None:
        wrong_total = int(swapped)
        builder.replace(
            correct,
            len(cats) + 1,
            gbp(grand),
            gbp(wrong_total),
            "wrong arithmetic",
            f"The category totals add up to {gbp(grand)}; {gbp(wrong_total)} swaps two digits. "
            "Every line above it is right, which is what makes it easy to miss.",
        )
    # A missed overspend.
    missed = over[-1]
    kept = [cat for cat in over if cat != missed]
    builder.replace(
        correct,
        len(cats) + 2,
        f"Over budget: {over_text}.",
        f"Over budget: {', '.join(kept)} only.",
        "wrong conclusion",
        f"{missed} is over budget too ({gbp(totals[missed])} against {gbp(budgets[missed])}); "
        f"the line says 'Over budget: {', '.join(kept)} only.' "
        f"instead of 'Over budget: {over_text}.'",
    )
    # The same right answer in another layout.
    alt = "\n".join(
        [f"Over budget: {', '.join(f'{c} by {gbp(totals[c] - budgets[c])}' for c in over)}."]
        + [f"{c}: {gbp(totals[c])} of {gbp(budgets[c])}" for c in cats]
        + [f"Overall total for {month_name}: {gbp(grand)}"]
    )
    builder.correct(alt, "Another layout, overspends first, but every figure is right.")
    data: dict[str, Any] = {
        "brief": (
            f"{manager}, a team manager, pasted {month_name}'s expense lines and the team's "
            'monthly budgets into a chat assistant and asked: "Give me the total for each '
            'category, the overall total, and any category over its budget." Judge the answer '
            "below against the data: acceptable, or wrong? If wrong, point at the line and say "
            "what kind of error it is. Do the sums yourself; a calculator is allowed."
        ),
        "materials": {"expenses_csv": csv, "budgets": budget_text},
        "outputs": builder.outputs,
        "judgment": {"error_kinds": ERROR_KINDS, "trap_rate": 0.0},
        "reference": {
            "hints": [
                "Add up each category from the CSV yourself before you read the answer.",
                "A total can be wrong even when every line above it is right.",
                "The question asks for any category over budget: count them.",
            ],
            "explain": (
                "Models do arithmetic by predicting digits, so sums of several decimals slip "
                "and the rest of the answer builds consistently on the slip. Recompute the "
                "figures and check the conclusion against the question."
            ),
        },
    }
    features = {"items": n_lines, "distractors": 0, "length": len(csv)}
    return Generated(data, features, builder.flaws)


def audit(exercise: Any, generated: Generated) -> list[str]:
    """Recompute the totals from the CSV: correct outputs state them, and the total adds up."""
    rows = [line.split(",") for line in exercise.materials["expenses_csv"].splitlines()[1:]]
    totals: dict[str, int] = {}
    for _, _, cat, amount in rows:
        pounds, pence = amount.split(".")
        totals[cat] = totals.get(cat, 0) + int(pounds) * 100 + int(pence)
    problems = []
    for index, item in enumerate(exercise.outputs):
        if item.wrong:
            continue
        for cat, total in totals.items():
            if gbp(total) not in item.output:
                problems.append(f"outputs.{index}: correct output lacks {cat} {gbp(total)}")
        if gbp(sum(totals.values())) not in item.output:
            problems.append(f"outputs.{index}: correct output lacks the overall total")
    return problems


FAMILY = Family(
    id="expense-totals-review",
    level=1,
    kind=Kind.REVIEW,
    title="Team expenses by category: can you trust the totals?",
    versions={1: generate},
    audit=audit,
    difficulty=0.0,
    skills=("spotting-wrong-facts", "arithmetic", "tables"),
    functions=("finance", "management"),
)
